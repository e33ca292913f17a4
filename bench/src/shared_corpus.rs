//! The issue's own corpus: `../shared/bench/gen_corpus.py OUT N` (the
//! team's shared script), on which #14's targets are stated.
//!
//! It writes `OUT/content/` (a home page, 10 sections `sK`, pages
//! `sK/pI.md` with TOML front matter and about 4 KB of French Markdown),
//! and `OUT/hugo/` with minimal templates and no feed, sitemap, taxonomy,
//! robots.txt or 404 page. site-gen builds `OUT` itself, with its
//! built-in theme and no `site.toml`: navigation, TOC, feed, sitemap and
//! 404 included, so it does more than Hugo on this corpus.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Sections the script writes by default.
pub const SECTIONS: usize = 10;

/// A corpus written by the shared script.
#[derive(Debug, Clone)]
pub struct SharedCorpus {
    /// site-gen's root (`content/` inside, no `site.toml`).
    pub root: PathBuf,
    /// Hugo's `--source`.
    pub hugo_root: PathBuf,
    pub pages: usize,
    /// Bytes of Markdown, pages only.
    pub page_bytes: u64,
}

/// Where the script is, beside the workspace: `<workspace>/../shared/bench/`.
pub fn default_script(workspace: &Path) -> PathBuf {
    workspace.join("../shared/bench/gen_corpus.py")
}

/// Runs `python3 script dir pages` (the script writes its pages with a
/// fixed seed, so the same corpus every time).
pub fn generate(script: &Path, dir: &Path, pages: usize) -> io::Result<SharedCorpus> {
    if !script.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "{} not found (pass --gen-corpus PATH, or --corpus banc for bench's own corpus)",
                script.display()
            ),
        ));
    }
    let status = Command::new("python3")
        .arg(script)
        .arg(dir)
        .arg(pages.to_string())
        .stdout(std::process::Stdio::null())
        .status()?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "{} failed: {status}",
            script.display()
        )));
    }
    let mut page_bytes = 0;
    for s in 0..SECTIONS {
        for entry in std::fs::read_dir(dir.join("content").join(format!("s{s}")))? {
            let entry = entry?;
            if entry.file_name() != "_index.md" {
                page_bytes += entry.metadata()?.len();
            }
        }
    }
    Ok(SharedCorpus {
        root: dir.to_path_buf(),
        hugo_root: dir.join("hugo"),
        pages: per_section(pages) * SECTIONS,
        page_bytes,
    })
}

/// Pages in each section (the script puts `N / 10` in each, at least 1).
fn per_section(pages: usize) -> usize {
    (pages / SECTIONS).max(1)
}

/// Source path (relative to `content/`) of the `i`-th page of section `s`.
pub fn page_source(s: usize, i: usize) -> String {
    format!("s{s}/p{i}.md")
}

/// URL path of that page, the same for both generators.
pub fn page_url_path(s: usize, i: usize) -> String {
    format!("/s{s}/p{i}/")
}

/// The first, a middle and the last page's URL paths.
pub fn sample_url_paths(pages: usize) -> Vec<String> {
    let per = per_section(pages);
    vec![
        page_url_path(0, 0),
        page_url_path(SECTIONS / 2, per / 2),
        page_url_path(SECTIONS - 1, per - 1),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_follow_the_scripts_layout() {
        assert_eq!(sample_url_paths(1000), ["/s0/p0/", "/s5/p50/", "/s9/p99/"]);
        assert_eq!(sample_url_paths(5), ["/s0/p0/", "/s5/p0/", "/s9/p0/"]);
    }

    #[test]
    fn the_script_writes_what_the_layout_says() {
        let script = default_script(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap());
        if !script.is_file() {
            eprintln!("{} absent: skipped", script.display());
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let c = generate(&script, dir.path(), 20).unwrap();
        assert_eq!(c.pages, 20);
        for url in sample_url_paths(20) {
            let src = url.trim_matches('/').to_string() + ".md";
            assert!(c.root.join("content").join(src).is_file(), "{url}");
        }
        assert!(c.hugo_root.join("config.toml").is_file());
        assert!(c.page_bytes > 20 * 1000);
    }
}
