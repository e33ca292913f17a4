//! `precompress = true`: `site-gen build` writes a `.gz` and a `.br`
//! sibling of each published text file (HTML, CSS, JS, WebAssembly, XML,
//! SVG, text, JSON) that they make smaller, each decompressing to the
//! file exactly, the same bytes in every build; off by default, never in
//! what `serve` keeps in memory.

mod common;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{snapshot, stderr, Site, BIN, HOME};

/// Text that compresses: a paragraph said many times.
fn repeated(line: &str) -> String {
    line.repeat(200)
}

/// A site with a file of every kind that gets siblings, a tiny one, an
/// image, and a `.gz` of its own.
fn site(precompress: Option<bool>) -> Site {
    let config = match precompress {
        Some(on) => format!("title = \"Amie\"\nprecompress = {on}\n"),
        None => "title = \"Amie\"\n".to_string(),
    };
    let js = repeated("console.log(\"une part de salarié\");\n");
    let json = format!("[{}1]", repeated("{\"parts\": 3},"));
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(repeated("\0\x01\x02\x03").as_bytes());
    let png = repeated("PNG image ");
    let page = format!(
        "+++\ntitle = \"FAQ\"\n+++\n{}",
        repeated("Une part, c’est un jour par mois.\n\n")
    );
    let site = Site::new(&[
        ("site.toml", &config),
        HOME,
        ("content/faq.md", &page),
        ("static/app.js", &js),
        ("static/donnees.json", &json),
        ("static/petit.txt", "x"),
        ("static/lisez-moi.txt", &repeated("Une part de salarié.\n")),
        ("static/photo.png", &png),
        ("static/propre.js", &js),
        ("static/propre.js.gz", "le mien"),
    ]);
    site.write_bytes("static/module.wasm", &wasm);
    site
}

/// `site-gen build --no-widget` of `root` into `out`, on `threads` threads.
fn build(root: &Path, out: &Path, threads: &str) -> BTreeMap<PathBuf, Vec<u8>> {
    let o = Command::new(BIN)
        .arg("--root")
        .arg(root)
        .args(["build", "--no-widget", "--output"])
        .arg(out)
        .env("NO_COLOR", "1")
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("run site-gen");
    assert!(o.status.success(), "{}", stderr(&o));
    snapshot(out)
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut plain)
        .expect("a valid gzip stream");
    plain
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut plain)
        .expect("a valid brotli stream");
    plain
}

fn is_sibling(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("gz" | "br"))
}

#[test]
fn each_kind_gets_siblings_that_decompress_to_it() {
    let site = site(Some(true));
    let files = build(site.root(), &site.beside("public"), "2");
    for kind in ["html", "css", "js", "wasm", "xml", "svg", "txt", "json"] {
        let with_both: Vec<_> = files
            .keys()
            .filter(|p| p.extension().is_some_and(|e| e == kind))
            .filter(|p| {
                let name = p.to_string_lossy();
                files.contains_key(Path::new(&format!("{name}.gz")))
                    && files.contains_key(Path::new(&format!("{name}.br")))
            })
            .collect();
        assert!(!with_both.is_empty(), "a .{kind} file has both siblings");
    }
    let mut siblings = 0;
    for (path, packed) in files.iter().filter(|(p, _)| is_sibling(p)) {
        if path == Path::new("propre.js.gz") {
            continue;
        }
        let original = &files[&path.with_extension("")];
        let plain = match path.extension().and_then(|e| e.to_str()) {
            Some("gz") => gunzip(packed),
            _ => unbrotli(packed),
        };
        assert!(plain == *original, "{path:?} decompresses to its file");
        assert!(packed.len() < original.len(), "{path:?} is smaller");
        siblings += 1;
    }
    assert!(siblings >= 16, "{siblings} siblings");
    assert_eq!(
        files[Path::new("propre.js.gz")],
        b"le mien",
        "the site's own .gz is kept"
    );
    assert!(files.contains_key(Path::new("propre.js.br")));
    for skipped in [
        "petit.txt.gz",
        "petit.txt.br",
        "photo.png.gz",
        "photo.png.br",
    ] {
        assert!(
            !files.contains_key(Path::new(skipped)),
            "{skipped}: bigger than its file, or an image"
        );
    }
}

#[test]
fn two_builds_write_the_same_siblings() {
    let site = site(Some(true));
    let a = build(site.root(), &site.beside("a"), "1");
    let b = build(site.root(), &site.beside("b"), "4");
    assert!(a.keys().any(|p| is_sibling(p)));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    let differ: Vec<_> = a
        .iter()
        .filter(|(p, bytes)| b[*p] != **bytes)
        .map(|(p, _)| p)
        .collect();
    assert!(differ.is_empty(), "files that differ: {differ:?}");
}

#[test]
fn off_by_default_and_when_false() {
    for switch in [None, Some(false)] {
        let site = site(switch);
        let files = build(site.root(), &site.beside("public"), "2");
        let siblings: Vec<_> = files
            .keys()
            .filter(|p| is_sibling(p) && *p != Path::new("propre.js.gz"))
            .collect();
        assert!(siblings.is_empty(), "{switch:?}: {siblings:?}");
    }
}

#[test]
fn the_site_in_memory_has_no_siblings() {
    // What `serve` sends is the built site in memory: compressing it at
    // every rebuild would only slow the preview.
    let site = site(Some(true));
    let built = site.ok();
    assert!(built.precompress);
    let siblings: Vec<_> = built
        .files
        .keys()
        .filter(|p| (p.ends_with(".gz") && *p != "propre.js.gz") || p.ends_with(".br"))
        .collect();
    assert!(siblings.is_empty(), "{siblings:?}");
}
