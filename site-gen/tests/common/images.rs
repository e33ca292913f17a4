//! Images made by the tests: a JPEG with an EXIF segment (a GPS position
//! to leak), a PNG, both real enough for any decoder.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};

/// What the EXIF segment of [`jpeg_with_exif`] carries: it must appear in
/// no published file.
pub const SECRET: &[u8] = b"GPS 48.8566N 2.3522E";

/// A `width` × `height` JPEG (a gradient, so it compresses like a photo)
/// with an APP1 EXIF segment right after its start marker.
pub fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    jpeg_with_ifd(width, height, &[0, 0])
}

/// A JPEG stored `width` × `height` whose EXIF says to turn it a quarter
/// clockwise (orientation 6, as phones write portrait photos).
pub fn jpeg_turned(width: u32, height: u32) -> Vec<u8> {
    // One entry: tag 0x0112 (orientation), SHORT, count 1, value 6.
    jpeg_with_ifd(
        width,
        height,
        &[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0],
    )
}

/// A JPEG with an EXIF segment holding `ifd` (entry count and entries).
fn jpeg_with_ifd(width: u32, height: u32, ifd: &[u8]) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            ((x ^ y) & 0xFF) as u8,
        ])
    });
    let mut jpeg = Vec::new();
    DynamicImage::ImageRgb8(image)
        .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
        .expect("encode JPEG");
    // "Exif\0\0", a big-endian TIFF header, one IFD with no entry, then
    // the secret as trailing data of the segment.
    let mut payload = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
    payload.extend_from_slice(ifd);
    payload.extend_from_slice(&[0, 0, 0, 0]);
    payload.extend_from_slice(SECRET);
    let len = (payload.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A `width` × `height` PNG with transparency.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([(x % 256) as u8, (y % 256) as u8, 128, 200])
    });
    let mut png = Vec::new();
    DynamicImage::ImageRgba8(image)
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .expect("encode PNG");
    png
}

/// Width and height of an image file (any format the site publishes).
pub fn size_of(bytes: &[u8]) -> (u32, u32) {
    let image = image::load_from_memory(bytes).expect("a published image decodes");
    (image.width(), image.height())
}

/// Whether `haystack` holds `needle`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
