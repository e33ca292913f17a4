//! Images of `content/` made for the web at build time: each JPEG, PNG or
//! WebP resized into the widths of `[images]` (never wider than it is), in
//! its format and in WebP, metadata dropped (EXIF, GPS position); the
//! largest file replaces the original at its URL. Pages show them as a
//! `<picture>` (`srcset`, `sizes`, `width`/`height`, lazy after the first:
//! `markdown::images`). Templates get `resize_image` and
//! `get_image_metadata` ([`functions`]). Files are made once per content
//! and parameters ([`Store`], [`cache`] on disk). GIFs are published as
//! they are.

pub mod cache;
pub mod config;
pub mod decode;
pub mod encode;
pub mod env;
pub mod error;
pub mod functions;
pub mod plan;
pub mod store;

use std::collections::HashMap;
use std::sync::Arc;

pub use config::ImagesConfig;
pub use decode::Format;
pub use error::ImageError;
pub use store::Store;

/// Bytes of a file, shared with the output map.
pub type Bytes = Arc<Vec<u8>>;

/// One file made of an image.
#[derive(Debug, Clone)]
pub struct Made {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    pub bytes: Bytes,
}

/// The files made of one source, with its size (upright).
#[derive(Debug, Clone)]
pub struct Entry {
    pub orig: (u32, u32),
    pub files: Vec<Made>,
    /// See [`Entry::key`].
    key: String,
}

/// What a page needs to show a processed image: the files' widths, in the
/// source's format and in WebP, named by [`plan::derivative`] beside the
/// original, the largest in the source's format being at the original's URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Size of the largest file.
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// Widths made, smallest first (each in the source's format and WebP).
    pub widths: Vec<u32>,
    /// The content key in the derivatives' names.
    pub key: String,
}

impl Entry {
    pub fn new(orig: (u32, u32), files: Vec<Made>) -> Self {
        let mut h = blake3::Hasher::new();
        for f in &files {
            h.update(&f.bytes);
        }
        let key = h.finalize().to_hex()[..8].to_string();
        Entry { orig, files, key }
    }

    /// The key in the names of this entry's derivatives: a hash of their
    /// bytes, so a changed image gets new names.
    pub fn key(&self) -> String {
        self.key.clone()
    }

    /// How a page shows it (`format`: the source's).
    pub fn picture(&self, format: Format) -> Picture {
        let own: Vec<&Made> = self.files.iter().filter(|f| f.format == format).collect();
        let largest = own.iter().max_by_key(|f| f.width);
        let mut widths: Vec<u32> = own.iter().map(|f| f.width).collect();
        widths.sort_unstable();
        widths.dedup();
        Picture {
            width: largest.map_or(self.orig.0, |f| f.width),
            height: largest.map_or(self.orig.1, |f| f.height),
            format,
            widths,
            key: self.key(),
        }
    }

    /// Every file to publish for the original at `output` (its path in the
    /// output folder): the largest in its format at `output`, the others
    /// beside it.
    pub fn outputs(&self, output: &str, format: Format) -> Vec<(String, Bytes)> {
        let key = self.key();
        let top = self
            .files
            .iter()
            .filter(|f| f.format == format)
            .map(|f| f.width)
            .max();
        self.files
            .iter()
            .map(|f| {
                let path = if f.format == format && Some(f.width) == top {
                    output.to_string()
                } else {
                    plan::derivative(output, f.width, &key, f.format)
                };
                (path, Arc::clone(&f.bytes))
            })
            .collect()
    }
}

/// A raster image of `content/` the build may process.
#[derive(Debug, Clone)]
pub struct Source {
    pub bytes: Bytes,
    /// Its content hash as the build read it (a session finds what it made
    /// of it again without hashing the bytes: [`Store::responsive_known`]).
    pub hash: String,
    /// Its output path (`actualites/photo.jpg`).
    pub output: String,
    /// As shown in messages (`content/actualites/photo.jpg`).
    pub shown: String,
}

/// The raster images of `content/` by source path (`actualites/photo.jpg`).
#[derive(Debug, Clone, Default)]
pub struct Catalog(pub HashMap<String, Source>);

impl Catalog {
    pub fn get(&self, source_path: &str) -> Option<&Source> {
        self.0.get(source_path)
    }
}

/// Whether the file named `name` is published processed: a JPEG, PNG or
/// WebP by its name (its bytes are checked when it is read).
pub fn is_processed_name(name: &str) -> bool {
    Format::from_name(name).is_some_and(Format::is_processed)
}

/// The files to publish for `source` (at its output path and beside it),
/// made with `config`.
pub fn publish(
    store: &Store,
    source: &Source,
    config: &ImagesConfig,
) -> Result<Vec<(String, Bytes)>, ImageError> {
    let entry = store.responsive_known(source, config)?;
    let format = decode::format_of(&source.bytes, &source.shown)?;
    Ok(entry.outputs(&source.output, format))
}
