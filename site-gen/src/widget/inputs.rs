//! The widget's inputs (its packed sources, the toolchain, the pipeline),
//! hashed into the key of its cache.

/// Hashes the widget's source files (paths, `/`-separated, and contents)
/// in the order given (the packed sources are sorted by path).
pub(crate) fn hash_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"site-gen widget sources v2\0");
    for (rel, bytes) in files {
        add_file(&mut hasher, rel, bytes);
    }
    hasher.finalize()
}

fn add_file(hasher: &mut blake3::Hasher, rel: &str, bytes: &[u8]) {
    hasher.update(&(rel.len() as u64).to_le_bytes());
    hasher.update(rel.as_bytes());
    hasher.update(&(bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
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

    const FILES: [(&str, &str); 4] = [
        ("Cargo.toml", "[workspace]\n"),
        ("calculator/Cargo.toml", "[package]\n"),
        ("calculator/src/lib.rs", "pub mod widget;\n"),
        ("calculator/wasm/src/lib.rs", "// entry\n"),
    ];

    fn hash(files: &[(&str, &str)]) -> blake3::Hash {
        hash_files(files.iter().map(|(p, t)| (*p, t.as_bytes())))
    }

    #[test]
    fn the_hash_is_stable() {
        assert_eq!(hash(&FILES), hash(&FILES));
    }

    #[test]
    fn every_path_and_content_changes_the_hash() {
        let mut seen = vec![hash(&FILES)];
        for i in 0..FILES.len() {
            let mut changed = FILES;
            changed[i].1 = "changed\n";
            let mut renamed = FILES;
            renamed[i].0 = "calculator/src/renamed.rs";
            for h in [hash(&changed), hash(&renamed)] {
                assert!(!seen.contains(&h), "{:?} did not change the hash", FILES[i]);
                seen.push(h);
            }
        }
        // A file added, one removed, and contents moved across a path.
        assert!(!seen.contains(&hash(&FILES[..3])));
        let mut more = FILES.to_vec();
        more.push(("calculator/src/new.rs", ""));
        assert!(!seen.contains(&hash(&more)));
        assert_ne!(
            hash(&[("ab", "c")]),
            hash(&[("a", "bc")]),
            "length-prefixed parts"
        );
    }

    #[test]
    fn the_key_covers_the_toolchain() {
        let h = hash(&FILES);
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
