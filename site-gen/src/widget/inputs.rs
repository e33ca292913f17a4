//! The widget's inputs, hashed into the key of its cache.

use std::path::Path;

use walkdir::WalkDir;

use super::error::WidgetError;

/// Directories whose every file is an input (relative to the workspace).
const SOURCE_DIRS: [&str; 2] = ["calculator/src", "calculator/wasm/src"];
/// Files that must exist.
const REQUIRED_FILES: [&str; 3] = [
    "Cargo.toml",
    "calculator/Cargo.toml",
    "calculator/wasm/Cargo.toml",
];
/// Files that change the build when present (an absent one hashes as absent).
const OPTIONAL_FILES: [&str; 7] = [
    "Cargo.lock",
    "calculator/build.rs",
    "calculator/wasm/build.rs",
    ".cargo/config.toml",
    ".cargo/config",
    "rust-toolchain.toml",
    "rust-toolchain",
];

/// Checks that `workspace` is the site's workspace.
pub(crate) fn check_workspace(workspace: &Path) -> Result<(), WidgetError> {
    for file in REQUIRED_FILES {
        if !workspace.join(file).is_file() {
            return Err(WidgetError::NotAWorkspace {
                path: workspace.to_path_buf(),
                missing: file.to_string(),
            });
        }
    }
    Ok(())
}

/// Hashes the source files of the widget: paths (relative, `/`-separated)
/// and contents, in a fixed order.
pub(crate) fn hash_sources(workspace: &Path) -> Result<blake3::Hash, WidgetError> {
    check_workspace(workspace)?;
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"site-gen widget sources v1\0");
    for file in REQUIRED_FILES.iter().chain(&OPTIONAL_FILES) {
        let path = workspace.join(file);
        match std::fs::read(&path) {
            Ok(bytes) => add_file(&mut hasher, file, Some(&bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => add_file(&mut hasher, file, None),
            Err(e) => return Err(WidgetError::io("impossible de lire", path, e)),
        }
    }
    for dir in SOURCE_DIRS {
        let root = workspace.join(dir);
        if !root.is_dir() {
            add_file(&mut hasher, dir, None);
            continue;
        }
        for entry in WalkDir::new(&root).follow_links(true).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&root).to_path_buf();
                WidgetError::io("impossible de parcourir", path, e.into())
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(workspace)
                .unwrap_or(entry.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(entry.path())
                .map_err(|e| WidgetError::io("impossible de lire", entry.path(), e))?;
            add_file(&mut hasher, &rel, Some(&bytes));
        }
    }
    Ok(hasher.finalize())
}

fn add_file(hasher: &mut blake3::Hasher, rel: &str, contents: Option<&[u8]>) {
    hasher.update(&(rel.len() as u64).to_le_bytes());
    hasher.update(rel.as_bytes());
    match contents {
        Some(bytes) => {
            hasher.update(&[1]);
            hasher.update(&(bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        }
        None => {
            hasher.update(&[0]);
        }
    }
}

/// The cache key: the sources, the toolchain's identity and every other
/// thing that changes the output (the pipeline's own version included).
pub(crate) fn cache_key(sources: &blake3::Hash, parts: &[&str]) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"site-gen widget key v1\0");
    hasher.update(sources.as_bytes());
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().to_hex()[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn workspace() -> tempfile::TempDir {
        let ws = tempfile::tempdir().expect("temp dir");
        let root = ws.path();
        for dir in [
            "calculator/src/widget",
            "calculator/wasm/src",
            "site-gen/src",
            "content",
        ] {
            fs::create_dir_all(root.join(dir)).expect("mkdir");
        }
        for (file, text) in [
            ("Cargo.toml", "[workspace]\n"),
            ("Cargo.lock", "version = 4\n"),
            ("calculator/Cargo.toml", "[package]\n"),
            ("calculator/src/lib.rs", "pub mod widget;\n"),
            ("calculator/src/widget/mod.rs", "// widget\n"),
            ("calculator/wasm/Cargo.toml", "[package]\n"),
            ("calculator/wasm/src/lib.rs", "// entry\n"),
            ("site-gen/src/lib.rs", "// generator\n"),
            ("content/index.md", "# Bonjour\n"),
            ("README.md", "readme\n"),
        ] {
            fs::write(root.join(file), text).expect("write");
        }
        ws
    }

    fn hash(ws: &tempfile::TempDir) -> blake3::Hash {
        hash_sources(ws.path()).expect("hashable")
    }

    #[test]
    fn the_hash_is_stable() {
        let ws = workspace();
        assert_eq!(hash(&ws), hash(&ws));
    }

    #[test]
    fn every_input_changes_the_hash() {
        let ws = workspace();
        let mut seen = vec![hash(&ws)];
        for file in [
            "calculator/src/widget/mod.rs",
            "calculator/src/lib.rs",
            "calculator/wasm/src/lib.rs",
            "calculator/Cargo.toml",
            "calculator/wasm/Cargo.toml",
            "Cargo.toml",
            "Cargo.lock",
        ] {
            fs::write(ws.path().join(file), format!("changed {file}\n")).expect("write");
            let h = hash(&ws);
            assert!(!seen.contains(&h), "{file} did not change the hash");
            seen.push(h);
        }
        // A new file, and a renamed one, count too.
        fs::write(ws.path().join("calculator/src/new.rs"), "").expect("write");
        let h = hash(&ws);
        assert!(!seen.contains(&h));
        seen.push(h);
        fs::rename(
            ws.path().join("calculator/src/new.rs"),
            ws.path().join("calculator/src/renamed.rs"),
        )
        .expect("rename");
        assert!(!seen.contains(&hash(&ws)));
    }

    #[test]
    fn unrelated_files_do_not_change_the_hash() {
        let ws = workspace();
        let before = hash(&ws);
        fs::write(ws.path().join("site-gen/src/lib.rs"), "// changed\n").expect("write");
        fs::write(ws.path().join("content/index.md"), "# Salut\n").expect("write");
        fs::write(ws.path().join("README.md"), "changed\n").expect("write");
        fs::create_dir_all(ws.path().join("target/widget")).expect("mkdir");
        fs::write(ws.path().join("target/widget/x"), "artifact").expect("write");
        assert_eq!(before, hash(&ws));
    }

    #[test]
    fn a_missing_manifest_is_an_error() {
        let ws = workspace();
        fs::remove_file(ws.path().join("calculator/wasm/Cargo.toml")).expect("rm");
        assert!(matches!(
            hash_sources(ws.path()),
            Err(WidgetError::NotAWorkspace { .. })
        ));
    }

    #[test]
    fn the_key_covers_the_toolchain() {
        let ws = workspace();
        let h = hash(&ws);
        assert_eq!(
            cache_key(&h, &["rustc 1.96", "opt"]),
            cache_key(&h, &["rustc 1.96", "opt"])
        );
        assert_ne!(
            cache_key(&h, &["rustc 1.96", "opt"]),
            cache_key(&h, &["rustc 1.95", "opt"])
        );
        assert_ne!(cache_key(&h, &["ab", "c"]), cache_key(&h, &["a", "bc"]));
        assert_eq!(cache_key(&h, &[]).len(), 32);
    }
}
