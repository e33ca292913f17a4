//! Which files are made of an image and where they go: the widths (never
//! wider than the image), their heights, and the names of the derivatives
//! beside the original (`photo.jpg` → `photo-480.3f2a9c1e.webp`).

use super::decode::Format;

/// The widths made of an image `width` pixels wide, from the configured
/// ones (sorted): those narrower than it, and the largest file (at the
/// original's URL) as wide as the image or the widest configured width,
/// whichever is smaller. Never wider than the image.
pub fn widths(width: u32, configured: &[u32]) -> Vec<u32> {
    let top = configured
        .last()
        .map_or(width, |&widest| width.min(widest))
        .max(1);
    let mut out: Vec<u32> = configured.iter().copied().filter(|&w| w < top).collect();
    out.push(top);
    out
}

/// The height of `width` keeping the proportions of `orig` (at least 1).
pub fn height_for(width: u32, (orig_w, orig_h): (u32, u32)) -> u32 {
    let h =
        (u64::from(width) * u64::from(orig_h) + u64::from(orig_w) / 2) / u64::from(orig_w.max(1));
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}

/// The formats made of an image in `format`: its own, then WebP.
pub fn formats(format: Format) -> Vec<Format> {
    if format == Format::Webp {
        vec![Format::Webp]
    } else {
        vec![format, Format::Webp]
    }
}

/// The path or URL of a derivative, beside `original` (an output path or a
/// URL ending with the file's name): its name without extension, the
/// width, the content key (a changed image gets new names, so browsers
/// never keep an old one) and the format's extension.
pub fn derivative(original: &str, width: u32, key: &str, format: Format) -> String {
    let (folder, name) = match original.rfind('/') {
        Some(i) => original.split_at(i + 1),
        None => ("", original),
    };
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    format!("{folder}{stem}-{width}.{key}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_wider_than_the_image() {
        let c = [480, 800, 1200, 1600];
        assert_eq!(widths(4000, &c), [480, 800, 1200, 1600]);
        assert_eq!(widths(1000, &c), [480, 800, 1000]);
        assert_eq!(widths(800, &c), [480, 800]);
        assert_eq!(widths(300, &c), [300]);
        assert_eq!(height_for(480, (4000, 3000)), 360);
        assert_eq!(height_for(1, (4000, 10)), 1);
    }

    #[test]
    fn derivatives_sit_beside_the_original() {
        assert_eq!(
            derivative("actualites/photo.JPG", 480, "ab12", Format::Webp),
            "actualites/photo-480.ab12.webp"
        );
        assert_eq!(
            derivative(
                "https://a.fr/x/Affiche de la fête.png",
                800,
                "k",
                Format::Png
            ),
            "https://a.fr/x/Affiche de la fête-800.k.png"
        );
        assert_eq!(derivative("img", 10, "k", Format::Jpeg), "img-10.k.jpg");
    }
}
