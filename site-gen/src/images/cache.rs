//! The disk cache of processed images, in the site-gen cache folder
//! (`<cache>/images/<key>/`): one folder per source content and
//! parameters, written in a temporary folder then renamed, so a reader
//! never sees half an entry. A cache that cannot be written only costs
//! time: the files are made again next build.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::decode::Format;
use super::{Entry, Made};

const MANIFEST: &str = "manifest.json";

/// What an entry records besides its files.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    /// The source's size, upright.
    orig: (u32, u32),
    files: Vec<FileMeta>,
}

#[derive(Debug, Serialize, Deserialize)]
struct FileMeta {
    name: String,
    width: u32,
    height: u32,
}

fn format_of(name: &str) -> Option<Format> {
    Format::from_name(name).filter(|f| f.is_processed())
}

/// The entry `key` of `dir`, if it is there and whole.
pub(super) fn load(dir: &Path, key: &str) -> Option<Entry> {
    let entry = dir.join(key);
    let manifest: Manifest = serde_json::from_slice(&fs::read(entry.join(MANIFEST)).ok()?).ok()?;
    let mut files = Vec::with_capacity(manifest.files.len());
    for f in manifest.files {
        let bytes = fs::read(entry.join(&f.name)).ok()?;
        files.push(Made {
            width: f.width,
            height: f.height,
            format: format_of(&f.name)?,
            bytes: Arc::new(bytes),
        });
    }
    Some(Entry::new(manifest.orig, files))
}

/// Stores `made` as entry `key` of `dir`; when another build stored it
/// first, its copy is kept.
pub(super) fn store(dir: &Path, key: &str, made: &Entry) {
    let _ = try_store(dir, key, made);
}

fn try_store(dir: &Path, key: &str, made: &Entry) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let tmp = tempfile::Builder::new().prefix(".tmp-").tempdir_in(dir)?;
    let mut files = Vec::with_capacity(made.files.len());
    for (i, f) in made.files.iter().enumerate() {
        let name = format!("{i}-{}.{}", f.width, f.format.extension());
        fs::write(tmp.path().join(&name), &*f.bytes)?;
        files.push(FileMeta {
            name,
            width: f.width,
            height: f.height,
        });
    }
    let manifest = Manifest {
        orig: made.orig,
        files,
    };
    fs::write(
        tmp.path().join(MANIFEST),
        serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?,
    )?;
    let target = dir.join(key);
    if target.exists() {
        return Ok(());
    }
    fs::rename(tmp.path(), &target)?;
    // Renamed: nothing left for the guard to remove.
    let _ = tmp.keep();
    Ok(())
}
