//! Reading images: the format from the bytes (a name can lie), the size
//! from the header alone, and the pixels with bounded memory, turned as
//! the camera says (the EXIF orientation, since the published files drop
//! the EXIF).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::error::ImageError;

/// The raster formats the site knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    /// Published as it is (often animated).
    Gif,
}

/// The longest side decoded: a larger image is refused before its pixels
/// are read, so a small file claiming a huge size cannot fill the memory.
pub const MAX_SIDE: u32 = 12_000;

/// The most memory one decoding may take.
const MAX_ALLOC: u64 = 768 * 1024 * 1024;

impl Format {
    /// The format a file name promises (`photo.JPG`), if it is a raster image.
    pub fn from_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "jpg" | "jpeg" => Format::Jpeg,
            "png" => Format::Png,
            "webp" => Format::Webp,
            "gif" => Format::Gif,
            _ => return None,
        })
    }

    /// The format the bytes are in, by their signature.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::Webp)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else {
            None
        }
    }

    /// The extension of the files made in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
        }
    }

    /// As named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Webp => "WebP",
            Format::Gif => "GIF",
        }
    }

    /// Resized and re-encoded (a GIF is published as it is).
    pub fn is_processed(self) -> bool {
        self != Format::Gif
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::Webp => ImageFormat::WebP,
            Format::Gif => ImageFormat::Gif,
        }
    }
}

/// The format of `bytes`, which `file` (as shown) names as an image: the
/// one its bytes say, or an error when they are no image at all.
pub fn format_of(bytes: &[u8], file: &str) -> Result<Format, ImageError> {
    Format::sniff(bytes).ok_or_else(|| ImageError::NotAnImage {
        file: file.to_string(),
        expected: Format::from_name(file).map_or("", Format::name).to_string(),
    })
}

/// Width and height as stored (before any EXIF turn), from the header.
pub fn stored_size(bytes: &[u8], format: Format, file: &str) -> Result<(u32, u32), ImageError> {
    if format == Format::Gif {
        // Logical screen size, little-endian, after the signature.
        return match bytes.get(6..10) {
            Some(b) => Ok((
                u32::from(u16::from_le_bytes([b[0], b[1]])),
                u32::from(u16::from_le_bytes([b[2], b[3]])),
            )),
            None => Err(corrupt(file, "fichier tronqué")),
        };
    }
    ImageReader::with_format(Cursor::new(bytes), format.image_format())
        .into_dimensions()
        .map_err(|e| from_image_error(file, &e))
}

/// Width and height once turned upright (as published), from the headers.
pub fn upright_size(bytes: &[u8], format: Format, file: &str) -> Result<(u32, u32), ImageError> {
    let (w, h) = stored_size(bytes, format, file)?;
    if !format.is_processed() {
        return Ok((w, h));
    }
    let decoder = ImageReader::with_format(Cursor::new(bytes), format.image_format())
        .into_decoder()
        .map_err(|e| from_image_error(file, &e));
    let turned = decoder.and_then(|mut d| d.orientation().map_err(|e| from_image_error(file, &e)));
    use image::metadata::Orientation as O;
    Ok(match turned? {
        O::Rotate90 | O::Rotate270 | O::Rotate90FlipH | O::Rotate270FlipH => (h, w),
        _ => (w, h),
    })
}

/// The pixels of a JPEG, PNG or WebP file, turned upright.
pub fn decode(bytes: &[u8], format: Format, file: &str) -> Result<DynamicImage, ImageError> {
    if !format.is_processed() {
        return Err(ImageError::Unsupported {
            file: file.to_string(),
            format: format.name().to_string(),
        });
    }
    let (width, height) = stored_size(bytes, format, file)?;
    let too_large = || ImageError::TooLarge {
        file: file.to_string(),
        width,
        height,
        max: MAX_SIDE,
    };
    if width.max(height) > MAX_SIDE {
        return Err(too_large());
    }
    if width == 0 || height == 0 {
        return Err(corrupt(file, "image vide (0 pixel)"));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let decoded = reader.into_decoder().and_then(|mut decoder| {
        let orientation = decoder.orientation();
        let image = DynamicImage::from_decoder(decoder)?;
        Ok((image, orientation))
    });
    match decoded {
        Ok((mut image, orientation)) => {
            if let Ok(orientation) = orientation {
                image.apply_orientation(orientation);
            }
            Ok(image)
        }
        Err(image::ImageError::Limits(_)) => Err(too_large()),
        Err(e) => Err(from_image_error(file, &e)),
    }
}

fn corrupt(file: &str, reason: &str) -> ImageError {
    ImageError::Corrupt {
        file: file.to_string(),
        reason: reason.to_string(),
    }
}

/// The `image` crate's error, in French (its own text is English).
fn from_image_error(file: &str, e: &image::ImageError) -> ImageError {
    use image::ImageError as E;
    let reason = match e {
        E::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => "fichier tronqué",
        E::IoError(_) => "lecture interrompue",
        E::Decoding(_) => "données invalides ou tronquées",
        E::Unsupported(_) => "variante du format non prise en charge",
        E::Limits(_) => "image trop grande pour être lue",
        E::Parameter(_) | E::Encoding(_) => "données invalides",
    };
    corrupt(file, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_read_from_the_bytes() {
        assert_eq!(Format::sniff(b"\xFF\xD8\xFF\xE0"), Some(Format::Jpeg));
        assert_eq!(Format::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Format::Webp));
        assert_eq!(Format::sniff(b"png du stand"), None);
        assert_eq!(Format::from_name("a/Photo.JPEG"), Some(Format::Jpeg));
        assert_eq!(Format::from_name("logo.svg"), None);
        let e = format_of(b"texte", "content/photo.png").unwrap_err();
        assert_eq!(
            e.to_string(),
            "content/photo.png n’est pas une image PNG lisible (contenu d’un autre type : \
             renommez-le ou remplacez-le)"
        );
    }

    #[test]
    fn a_huge_size_in_a_small_file_is_refused_before_decoding() {
        // A PNG header claiming 100 000 × 100 000 pixels, and no pixels.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(100_000u32.to_be_bytes());
        png.extend(100_000u32.to_be_bytes());
        png.extend([8, 6, 0, 0, 0]);
        let crc = crc32(&png[12..]);
        png.extend(crc.to_be_bytes());
        // An empty IDAT then IEND: the header is all a reader needs.
        for chunk in [&b"IDAT"[..], b"IEND"] {
            png.extend(0u32.to_be_bytes());
            png.extend(chunk);
            png.extend(crc32(chunk).to_be_bytes());
        }
        let e = decode(&png, Format::Png, "bombe.png").unwrap_err();
        assert!(
            matches!(e, ImageError::TooLarge { width: 100_000, .. }),
            "{e}"
        );
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
