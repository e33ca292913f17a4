//! Resizing and encoding: JPEG and PNG by the `image` crate, WebP by
//! libwebp (lossy; the `image` crate only writes lossless WebP). Nothing
//! of the source's metadata (EXIF, GPS position, comments) is written.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::DynamicImage;

use super::decode::Format;
use super::error::ImageError;

/// `image` resized to exactly `width` × `height`.
pub fn resize(image: &DynamicImage, width: u32, height: u32) -> DynamicImage {
    if (image.width(), image.height()) == (width, height) {
        return image.clone();
    }
    image.resize_exact(width, height, FilterType::Lanczos3)
}

/// `image` cropped to the proportions of `width` × `height` around its
/// centre, then resized to it (Zola's `fill`).
pub fn fill(image: &DynamicImage, width: u32, height: u32) -> DynamicImage {
    let (w, h) = (u64::from(image.width()), u64::from(image.height()));
    let (tw, th) = (u64::from(width), u64::from(height));
    // The largest box of the target's proportions inside the image.
    let (cw, ch) = if w * th > h * tw {
        ((h * tw / th).max(1), h)
    } else {
        (w, (w * th / tw).max(1))
    };
    let (cw, ch) = (cw as u32, ch as u32);
    let x = (image.width() - cw) / 2;
    let y = (image.height() - ch) / 2;
    resize(&image.crop_imm(x, y, cw, ch), width, height)
}

/// `image` in `format` (`quality`: 1 to 100, for JPEG and WebP); `file`
/// names the source in errors.
pub fn encode(
    image: &DynamicImage,
    format: Format,
    quality: u8,
    file: &str,
) -> Result<Vec<u8>, ImageError> {
    let failed = |reason: String| ImageError::Encode {
        file: file.to_string(),
        format: format.name(),
        reason,
    };
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
            let encoder = JpegEncoder::new_with_quality(Cursor::new(&mut out), quality);
            rgb.write_with_encoder(encoder)
                .map_err(|e| failed(e.to_string()))?;
        }
        Format::Png => {
            let image = match image {
                DynamicImage::ImageRgb32F(_) | DynamicImage::ImageRgba32F(_) => {
                    DynamicImage::ImageRgba8(image.to_rgba8())
                }
                other => other.clone(),
            };
            let encoder = PngEncoder::new_with_quality(
                Cursor::new(&mut out),
                CompressionType::Best,
                PngFilter::Adaptive,
            );
            image
                .write_with_encoder(encoder)
                .map_err(|e| failed(e.to_string()))?;
        }
        Format::Webp => {
            let (w, h) = (image.width(), image.height());
            let memory = if image.color().has_alpha() {
                let rgba = image.to_rgba8();
                webp::Encoder::from_rgba(&rgba, w, h).encode_simple(false, f32::from(quality))
            } else {
                let rgb = image.to_rgb8();
                webp::Encoder::from_rgb(&rgb, w, h).encode_simple(false, f32::from(quality))
            };
            let memory = memory.map_err(|e| failed(format!("{e:?}")))?;
            out.extend_from_slice(&memory);
        }
        Format::Gif => return Err(failed("format non écrit par site-gen".into())),
    }
    Ok(out)
}
