//! The widget's sources, carried by the binary: `build.rs` packs
//! `calculator/`, `calculator/wasm/` and the workspace's manifest and lock
//! file (see `packed_files.rs`), so a site-gen installed anywhere compiles
//! the widget without the repository it was built from. They are unpacked
//! into the cache folder, `<cache>/sources/<hash>/`, named after their
//! contents, and compiled there.

use std::path::{Path, PathBuf};

use super::error::WidgetError;
use super::inputs;

mod packed {
    include!(concat!(env!("OUT_DIR"), "/widget_sources.rs"));
}

/// The packed files: (path in the workspace, bytes), sorted by path.
pub(crate) fn files() -> &'static [(&'static str, &'static [u8])] {
    packed::FILES
}

/// The hash of the packed files (paths and contents).
pub(crate) fn hash() -> blake3::Hash {
    inputs::hash_files(files().iter().copied())
}

/// The folder holding the packed sources under `dir`, unpacked there first
/// if needed: `dir/<16 hex digits of their hash>/`, written in a temporary
/// folder then renamed, so it is complete whenever it exists.
pub(crate) fn unpack(dir: &Path) -> Result<PathBuf, WidgetError> {
    let target = dir.join(&hash().to_hex()[..16]);
    if target.is_dir() {
        return Ok(target);
    }
    std::fs::create_dir_all(dir).map_err(|e| WidgetError::io("impossible de créer", dir, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempdir_in(dir)
        .map_err(|e| WidgetError::io("impossible de créer un dossier temporaire dans", dir, e))?;
    for (rel, bytes) in files() {
        let path = tmp.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| WidgetError::io("impossible de créer", parent, e))?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| WidgetError::io("impossible d’écrire", path, e))?;
    }
    match std::fs::rename(tmp.path(), &target) {
        Ok(()) => {
            let _ = tmp.keep();
            Ok(target)
        }
        // Another build unpacked the same sources first: use its copy.
        Err(_) if target.is_dir() => Ok(target),
        Err(e) => Err(WidgetError::io("impossible de mettre en place", target, e)),
    }
}

/// The widget's cache folder: `$XDG_CACHE_HOME/site-gen`, else
/// `~/.cache/site-gen`, else `site-gen` in the temporary folder.
pub fn cache_root() -> PathBuf {
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    xdg.or_else(|| {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .map(|home| home.join(".cache"))
    })
    .unwrap_or_else(std::env::temp_dir)
    .join("site-gen")
}

#[cfg(all(test, feature = "widget"))]
mod tests {
    use super::*;

    #[test]
    fn the_packed_sources_are_the_calculators_crates_without_absolute_paths() {
        let names: Vec<&str> = files().iter().map(|(rel, _)| *rel).collect();
        let required = super::super::packed_files::REQUIRED_FILES;
        for needed in required.iter().chain(&[
            "Cargo.lock",
            "calculator/src/lib.rs",
            "calculator/wasm/src/lib.rs",
        ]) {
            assert!(names.contains(needed), "{needed} is packed: {names:?}");
        }
        assert!(
            names.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicate"
        );
        use super::super::packed_files::{MEMBERS, OPTIONAL_FILES, SOURCE_DIRS};
        for name in &names {
            let listed = required.contains(name)
                || OPTIONAL_FILES.contains(name)
                || SOURCE_DIRS
                    .iter()
                    .any(|d| name.starts_with(&format!("{d}/")));
            assert!(listed, "{name} is one of packed_files' files");
        }
        assert!(names
            .iter()
            .all(|n| !n.starts_with('/') && !n.contains("..")));
        assert!(!names
            .iter()
            .any(|n| n.starts_with("site-gen/") || n.starts_with("content/")));
        let manifest = files()
            .iter()
            .find(|(rel, _)| *rel == "Cargo.toml")
            .unwrap()
            .1;
        let manifest: toml::Table = std::str::from_utf8(manifest).unwrap().parse().unwrap();
        let ws = manifest["workspace"].as_table().unwrap();
        assert_eq!(ws["members"], toml::Value::from(MEMBERS.to_vec()));
        assert!(!ws.contains_key("default-members") && !ws.contains_key("exclude"));
        let deps = ws["dependencies"].as_table().unwrap();
        assert!(deps.contains_key("calculator") && deps.contains_key("wasm-bindgen"));
        assert!(
            !deps.contains_key("site-gen"),
            "no path to a crate not packed"
        );
        assert!(
            manifest["profile"]["wasm"].is_table(),
            "the widget's profile is kept"
        );
    }

    #[test]
    fn unpacking_writes_the_packed_files_once_named_by_their_hash() {
        let dir = tempfile::tempdir().unwrap();
        let first = unpack(dir.path()).expect("unpacked");
        assert_eq!(first, dir.path().join(&hash().to_hex()[..16]));
        for (rel, bytes) in files() {
            assert_eq!(&std::fs::read(first.join(rel)).unwrap(), bytes, "{rel}");
        }
        assert_eq!(unpack(dir.path()).expect("found again"), first);
        let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(entries.len(), 1, "no temporary folder left");
    }
}
