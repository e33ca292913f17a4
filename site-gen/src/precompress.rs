//! `.gz` and `.br` copies of the text files a build writes
//! (`precompress = true` in `site.toml`), for hosts that send a file's
//! precompressed sibling to the browsers that accept it.
//!
//! Deterministic: gzip with a fixed header (no time, no name, OS
//! « unknown ») and brotli with fixed parameters, so two builds of the
//! same sources write the same bytes. Only `build` writes them: `serve`
//! sends from memory and never pays for brotli's best quality.

use std::collections::BTreeMap;
use std::io::Write as _;

use rayon::prelude::*;

/// Extensions of the files that get siblings: text and WebAssembly, which
/// compress well. Images, fonts and archives are compressed already.
pub const EXTENSIONS: [&str; 8] = ["html", "css", "js", "wasm", "xml", "svg", "txt", "json"];

/// gzip's operating-system byte for « unknown » (RFC 1952): the same
/// whatever machine builds.
const GZIP_OS_UNKNOWN: u8 = 255;

/// Brotli's best quality, and its default window (4 MiB, more than any
/// file of the site): fixed, so the output never depends on the machine.
const BROTLI_QUALITY: i32 = 11;
const BROTLI_WINDOW: i32 = 22;

/// The siblings of `files`: `<path>.gz` and `<path>.br` of each file whose
/// extension is in [`EXTENSIONS`], each kept only when smaller than the
/// file itself. A sibling is not made when `files` already has its name
/// (the site's own file wins) or when its name would be too long for a
/// file system ([`crate::site::MAX_NAME`]). Compressed in parallel.
pub fn siblings(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    siblings_except(files, |_| false)
}

/// [`siblings`], also leaving out the names `taken` says other outputs of
/// the site have (the pages a build wrote as they were rendered).
pub fn siblings_except(
    files: &BTreeMap<String, Vec<u8>>,
    taken: impl Fn(&str) -> bool + Sync,
) -> BTreeMap<String, Vec<u8>> {
    let jobs: Vec<(String, &[u8], Encoding)> = files
        .iter()
        .filter(|(path, _)| compressible(path))
        .flat_map(|(path, bytes)| {
            Encoding::ALL
                .into_iter()
                .map(move |enc| (sibling_name(path, enc), bytes.as_slice(), enc))
        })
        .filter(|(name, _, _)| {
            !files.contains_key(name)
                && !taken(name)
                && file_name_len(name) <= crate::site::MAX_NAME
        })
        .collect();
    jobs.into_par_iter()
        .filter_map(|(name, bytes, enc)| {
            let packed = enc.compress(bytes);
            (packed.len() < bytes.len()).then_some((name, packed))
        })
        .collect()
}

/// The siblings of the one file at `path`, as [`siblings`] makes them, but
/// without knowing the site's other files: a build writing its pages as
/// they are rendered writes these first, and a file of the site with one
/// of their names after, replacing it.
pub fn siblings_of(path: &str, bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    if !compressible(path) {
        return Vec::new();
    }
    Encoding::ALL
        .into_iter()
        .map(|enc| (sibling_name(path, enc), enc))
        .filter(|(name, _)| file_name_len(name) <= crate::site::MAX_NAME)
        .filter_map(|(name, enc)| {
            let packed = enc.compress(bytes);
            (packed.len() < bytes.len()).then_some((name, packed))
        })
        .collect()
}

fn sibling_name(path: &str, enc: Encoding) -> String {
    format!("{path}.{}", enc.extension())
}

/// Whether `path` gets siblings (by its extension, in any case).
fn compressible(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// Bytes of the last component of `path`.
fn file_name_len(path: &str) -> usize {
    path.rsplit('/').next().unwrap_or(path).len()
}

/// A content encoding that hosts serve from a sibling file.
#[derive(Debug, Clone, Copy)]
enum Encoding {
    Gzip,
    Brotli,
}

impl Encoding {
    const ALL: [Encoding; 2] = [Encoding::Gzip, Encoding::Brotli];

    fn extension(self) -> &'static str {
        match self {
            Encoding::Gzip => "gz",
            Encoding::Brotli => "br",
        }
    }

    fn compress(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Encoding::Gzip => gzip(bytes),
            Encoding::Brotli => brotli(bytes),
        }
    }
}

/// gzip at the best level with a fixed header: mtime 0, no file name.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(GZIP_OS_UNKNOWN)
        .write(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .unwrap_or_default()
}

/// Brotli at quality 11, window 2^22.
fn brotli(bytes: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    // Reading from a slice and writing to a Vec cannot fail.
    match brotli::BrotliCompress(&mut &bytes[..], &mut out, &params) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn site(files: &[(&str, Vec<u8>)]) -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn text(n: usize) -> Vec<u8> {
        "<p>Une part de salarié, partagée entre associations.</p>\n"
            .repeat(n)
            .into_bytes()
    }

    #[test]
    fn gzip_header_is_fixed() {
        let gz = gzip(&text(10));
        // Magic, deflate, no flags (no name), mtime 0, best level (XFL 2), OS unknown.
        assert_eq!(&gz[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
    }

    #[test]
    fn siblings_decompress_to_the_file() {
        let files = site(&[("a/index.html", text(50)), ("logo.png", text(50))]);
        let out = siblings(&files);
        assert_eq!(
            out.keys().collect::<Vec<_>>(),
            ["a/index.html.br", "a/index.html.gz"]
        );
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&out["a/index.html.gz"][..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, files["a/index.html"]);
        let mut plain = Vec::new();
        brotli::Decompressor::new(&out["a/index.html.br"][..], 4096)
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, files["a/index.html"]);
    }

    #[test]
    fn own_files_and_long_names_are_left_alone() {
        let long = format!("{}.css", "a".repeat(250));
        let files = site(&[
            ("style.CSS", text(50)),
            ("style.CSS.gz", b"mine".to_vec()),
            (long.as_str(), text(50)),
        ]);
        let out = siblings(&files);
        assert_eq!(out.keys().collect::<Vec<_>>(), ["style.CSS.br"]);
    }

    #[test]
    fn one_file_gets_the_siblings_of_the_whole_site() {
        let files = site(&[("a/index.html", text(50)), ("logo.png", text(50))]);
        let whole = siblings(&files);
        let one: BTreeMap<String, Vec<u8>> = files
            .iter()
            .flat_map(|(path, bytes)| siblings_of(path, bytes))
            .collect();
        assert_eq!(one, whole);
        let except = siblings_except(&files, |name| name == "a/index.html.br");
        assert_eq!(except.keys().collect::<Vec<_>>(), ["a/index.html.gz"]);
    }
}
