//! The same sources give the same site, byte for byte, across processes
//! and with the widget: the shipped site is built twice by two `site-gen
//! build` processes (widget included: the second may take it from the
//! widget cache the first filled), and the widget is built once more into
//! an empty cache, its files compared with the published ones.
//!
//! Two processes, not two builds in one: hash maps are seeded per process,
//! thread scheduling differs, and the widget goes through cargo,
//! wasm-bindgen and wasm-opt again when its cache is empty. With
//! `precompress = true`, the `.gz` and `.br` siblings (the widget's
//! included) are compared too.

use std::collections::BTreeMap;
use std::path::Path;

use e2e::cli;
use e2e::html::Page;
use e2e::site::{copy_site_sources, read_tree, repo_root};

/// `site-gen build` of the shipped site (widget included) into `out`.
fn build_into(out: &Path) -> BTreeMap<String, Vec<u8>> {
    build_site_into(&repo_root(), out)
}

/// `site-gen build` of the site at `root` (widget included) into `out`.
fn build_site_into(root: &Path, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let run = cli::run(&mut cli::build_command(root, out)).unwrap();
    assert!(run.status.success(), "{}", cli::describe(&run));
    read_tree(out).unwrap()
}

/// The paths whose bytes differ (or that only one side has).
fn differences<'a>(
    a: &'a BTreeMap<String, Vec<u8>>,
    b: &'a BTreeMap<String, Vec<u8>>,
) -> Vec<&'a String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .collect()
}

/// The one file of `files` under `assets/` named `calculateur.*.<ext>`.
fn widget_file<'a>(files: &'a BTreeMap<String, Vec<u8>>, ext: &str) -> (&'a String, &'a [u8]) {
    let found: Vec<_> = files
        .iter()
        .filter(|(k, _)| k.starts_with("assets/calculateur.") && k.ends_with(&format!(".{ext}")))
        .collect();
    assert_eq!(found.len(), 1, "one widget .{ext} file: {found:?}");
    (found[0].0, found[0].1)
}

#[test]
fn two_processes_build_the_same_bytes_widget_included() {
    let dir = tempfile::tempdir().unwrap();
    let first = build_into(&dir.path().join("premier"));
    let second = build_into(&dir.path().join("second"));

    // The widget is part of what is compared: shipped and loaded.
    let (js, _) = widget_file(&first, "js");
    let (_, wasm) = widget_file(&first, "wasm");
    assert!(wasm.starts_with(b"\0asm"), "the .wasm is WebAssembly");
    let pricing = Page::parse(std::str::from_utf8(&first["combien-ca-coute/index.html"]).unwrap());
    let scripts = pricing.attrs("script[type=module]", "src");
    assert!(
        scripts.len() == 1 && scripts[0].ends_with(&format!("/{js}")),
        "the pricing page loads {js}: {scripts:?}"
    );
    assert!(first.len() > 30, "the whole site: {} files", first.len());

    let differ = differences(&first, &second);
    assert!(
        differ.is_empty(),
        "two site-gen processes wrote different files: {differ:?}"
    );
}

#[test]
fn two_processes_write_the_same_precompressed_siblings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_site_sources(&root).unwrap();
    // First line: after it, a `[table]` header would take the key.
    let config = std::fs::read_to_string(root.join("site.toml")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        format!("precompress = true\n{config}"),
    )
    .unwrap();
    let first = build_site_into(&root, &dir.path().join("premier"));
    let second = build_site_into(&root, &dir.path().join("second"));

    let (js, _) = widget_file(&first, "js");
    let (wasm, _) = widget_file(&first, "wasm");
    for file in [js, wasm, &"combien-ca-coute/index.html".to_string()] {
        for ext in ["gz", "br"] {
            let sibling = format!("{file}.{ext}");
            assert!(first.contains_key(&sibling), "{sibling} is written");
        }
    }
    let differ = differences(&first, &second);
    assert!(
        differ.is_empty(),
        "two site-gen processes wrote different files: {differ:?}"
    );
}

/// The widget built into an empty cache (cargo's own build folder is kept:
/// rebuilding every crate for wasm32 takes longer than the test suite
/// allows) gives the files the published site has: wasm-bindgen and
/// wasm-opt, run again, give the same bytes, hence the same names.
#[test]
fn the_widget_built_into_an_empty_cache_is_the_published_one() {
    let dir = tempfile::tempdir().unwrap();
    let published = build_into(&dir.path().join("public"));
    let (js_name, js) = widget_file(&published, "js");
    let (wasm_name, wasm) = widget_file(&published, "wasm");

    let cache = dir.path().join("cache-vide");
    // The site's own wasm-opt (`node_modules/` at its root), as `build`
    // finds it: the default looks in the test's working folder.
    let opts = site_gen::widget::BuildOptions {
        cache_dir: cache.clone(),
        npm_root: Some(repo_root()),
        ..site_gen::widget::BuildOptions::default()
    };
    let fresh = site_gen::widget::build(&opts, |_| {}).unwrap_or_else(|e| panic!("{e}"));
    assert!(fresh.built, "built, not taken from a cache");
    assert!(
        std::fs::read_dir(&cache).unwrap().next().is_some(),
        "the empty cache was the one used (it holds the new build)"
    );
    assert_eq!(
        (
            format!("assets/{}", fresh.js_name),
            format!("assets/{}", fresh.wasm_name)
        ),
        (js_name.clone(), wasm_name.clone()),
        "same names"
    );
    assert!(fresh.wasm == wasm, "the .wasm differs");
    assert!(fresh.js == js, "the .js differs");
}
