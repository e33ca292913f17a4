//! The cache of built bundles: one directory per key, written atomically.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::WidgetError;
use super::{content_name, WidgetBundle};

const MANIFEST: &str = "manifest.json";

/// What a cache entry records besides the two files.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    js_name: String,
    wasm_name: String,
    toolchain: String,
    notes: Vec<String>,
}

/// The bundle stored in `entry`, if it is there and intact (its files
/// still match their content-hashed names).
pub(crate) fn load(entry: &Path) -> Option<WidgetBundle> {
    let manifest: Manifest = serde_json::from_slice(&fs::read(entry.join(MANIFEST)).ok()?).ok()?;
    let js = fs::read(entry.join(&manifest.js_name)).ok()?;
    let wasm = fs::read(entry.join(&manifest.wasm_name)).ok()?;
    let intact = manifest.wasm_name == content_name(&wasm, "wasm")
        && manifest.js_name == content_name(&js, "js");
    intact.then_some(WidgetBundle {
        js_name: manifest.js_name,
        wasm_name: manifest.wasm_name,
        js,
        wasm,
        built: false,
        toolchain: manifest.toolchain,
        notes: manifest.notes,
        size_warning: None,
    })
}

/// Stores `bundle` as `cache_dir/key`: written in a temporary directory,
/// then renamed, so a reader never sees half an entry. When another build
/// stored the same key first, its entry is kept.
pub(crate) fn store(cache_dir: &Path, key: &str, bundle: &WidgetBundle) -> Result<(), WidgetError> {
    fs::create_dir_all(cache_dir)
        .map_err(|e| WidgetError::io("impossible de créer", cache_dir, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempdir_in(cache_dir)
        .map_err(|e| {
            WidgetError::io(
                "impossible de créer un dossier temporaire dans",
                cache_dir,
                e,
            )
        })?;
    let manifest = Manifest {
        js_name: bundle.js_name.clone(),
        wasm_name: bundle.wasm_name.clone(),
        toolchain: bundle.toolchain.clone(),
        notes: bundle.notes.clone(),
    };
    let manifest = serde_json::to_vec_pretty(&manifest).map_err(|e| {
        WidgetError::io(
            "impossible de préparer",
            tmp.path().join(MANIFEST),
            e.into(),
        )
    })?;
    for (name, bytes) in [
        (bundle.wasm_name.as_str(), bundle.wasm.as_slice()),
        (bundle.js_name.as_str(), bundle.js.as_slice()),
        (MANIFEST, manifest.as_slice()),
    ] {
        let path = tmp.path().join(name);
        fs::write(&path, bytes).map_err(|e| WidgetError::io("impossible d’écrire", path, e))?;
    }

    let entry = cache_dir.join(key);
    if entry.exists() && load(&entry).is_none() {
        // A damaged entry (the caller found no usable bundle there).
        fs::remove_dir_all(&entry)
            .map_err(|e| WidgetError::io("impossible de supprimer", &entry, e))?;
    }
    match fs::rename(tmp.path(), &entry) {
        Ok(()) => {
            // Now at `entry`: nothing left to clean up.
            let _ = tmp.keep();
            Ok(())
        }
        // Lost a race with a concurrent build of the same inputs: fine.
        Err(_) if load(&entry).is_some() => Ok(()),
        Err(e) => Err(WidgetError::io("impossible de mettre en place", entry, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle() -> WidgetBundle {
        let wasm = b"\0asm\x01\0\0\0".to_vec();
        let js = b"console.log(1)".to_vec();
        WidgetBundle {
            js_name: content_name(&js, "js"),
            wasm_name: content_name(&wasm, "wasm"),
            js,
            wasm,
            built: true,
            toolchain: "test".into(),
            notes: vec!["note".into()],
            size_warning: None,
        }
    }

    #[test]
    fn a_stored_entry_is_loaded_back_and_a_second_store_keeps_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let b = bundle();
        store(dir.path(), "k", &b).expect("stored");
        store(dir.path(), "k", &b).expect("stored again");
        let loaded = load(&dir.path().join("k")).expect("loaded");
        assert!(!loaded.built);
        assert_eq!((loaded.js, loaded.wasm), (b.js, b.wasm));
        assert_eq!(loaded.notes, vec!["note".to_string()]);
        // No temporary directory left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec!["k"]);
    }

    #[test]
    fn a_damaged_entry_is_ignored_then_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let b = bundle();
        store(dir.path(), "k", &b).expect("stored");
        let wasm = dir.path().join("k").join(&b.wasm_name);
        fs::write(&wasm, b"\0asm truncated").expect("damage");
        assert!(load(&dir.path().join("k")).is_none());
        store(dir.path(), "k", &b).expect("replaced");
        assert!(load(&dir.path().join("k")).is_some());
    }
}
