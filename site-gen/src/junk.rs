//! The one rule for files that are never content: editor backups and swap
//! files, the operating systems' own files, office lock files, and what
//! `site.toml`'s `ignore` list names. Content loading, the theme's and
//! site's static files and `serve`'s watcher all ask it.

use std::path::{Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};

/// Why a file was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// An editor's, the system's or an office suite's file ([`is_junk_name`]).
    Junk,
    /// Named by this pattern of `ignore` (`site.toml`).
    Ignored(String),
}

/// A file left out of the site, as shown to the user (`content/faq.md~`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub file: PathBuf,
    pub reason: Reason,
}

/// Editors' backups and swap files (`faq.md~`, `#faq.md#`, `.faq.md.swp`,
/// `.#faq.md`, `*.bak`, `*.tmp`, vim's `4913`), the systems' files
/// (`Thumbs.db`, `desktop.ini`, `.DS_Store`, `._*`, `Icon\r`), office lock
/// files (`~$bulletin.docx`, `.~lock.bulletin.odt#`) and every hidden name.
pub fn is_junk_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with("~$")
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name == "Icon\r"
        || ["thumbs.db", "ehthumbs.db", "desktop.ini"].contains(&lower.as_str())
        || [".swp", ".swo", ".swx", ".kate-swp", ".bak", ".tmp"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

/// Whether a `/`-separated path names junk or lies in a junk folder.
pub fn is_junk_path(rel: &str) -> bool {
    rel.split('/').any(is_junk_name)
}

/// The rule with the site's `ignore` patterns (globs relative to
/// `content/` or a `static/` folder: `brouillons/**`, `*.psd`).
#[derive(Debug, Clone, Default)]
pub struct Junk {
    patterns: Vec<String>,
    set: GlobSet,
}

impl PartialEq for Junk {
    fn eq(&self, other: &Junk) -> bool {
        self.patterns == other.patterns
    }
}

impl Eq for Junk {}

impl Junk {
    /// The rule with `patterns`; the first invalid one is the error, with
    /// its index.
    pub fn new(patterns: &[String]) -> Result<Junk, (usize, globset::Error)> {
        let mut builder = GlobSetBuilder::new();
        for (i, p) in patterns.iter().enumerate() {
            builder.add(glob(p).map_err(|e| (i, e))?);
        }
        let set = builder.build().map_err(|e| (0, e))?;
        Ok(Junk {
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// Why the file at `rel` (`/`-separated, relative to `content/` or a
    /// `static/` folder) is left out, if it is: its name first, then the
    /// `ignore` patterns. A folder's name counts for what it holds.
    pub fn why(&self, rel: &str) -> Option<Reason> {
        if is_junk_path(rel) {
            return Some(Reason::Junk);
        }
        self.set
            .matches(rel)
            .first()
            .map(|&i| Reason::Ignored(self.patterns[i].clone()))
    }

    /// Why a changed `path` under `folder` is left out (`serve`'s watcher):
    /// its name anywhere; the `ignore` patterns only under `folder`.
    pub fn why_under(&self, folder: Option<&Path>, path: &Path) -> Option<Reason> {
        let name = path.file_name().and_then(|n| n.to_str());
        if name.is_some_and(is_junk_name) {
            return Some(Reason::Junk);
        }
        let rel = folder.and_then(|f| path.strip_prefix(f).ok())?;
        let rel = rel.to_str()?.replace('\\', "/");
        self.why(&rel)
    }
}

/// `*` stays within one folder (`*.psd` is every `.psd` of the top folder
/// and, as gitignore reads a pattern without `/`, of every folder);
/// `**` crosses folders.
fn glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    let pattern = if pattern.contains('/') {
        pattern.trim_start_matches('/').to_string()
    } else {
        format!("**/{pattern}")
    };
    globset::GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_names() {
        for junk in [
            "faq.md~",
            ".faq.md.swp",
            "#faq.md#",
            ".#faq.md",
            "logo.png.bak",
            "page.TMP",
            "4913",
            "Thumbs.db",
            "desktop.ini",
            "Desktop.ini",
            ".DS_Store",
            "._logo.png",
            "Icon\r",
            "~$bulletin.docx",
            ".~lock.bulletin.odt#",
            "x.kate-swp",
        ] {
            assert!(is_junk_name(junk), "{junk:?}");
        }
        for kept in ["faq.md", "logo.png", "#", "tarifs.toml", "4913.md", "Icon"] {
            assert!(!is_junk_name(kept), "{kept:?}");
        }
    }

    #[test]
    fn ignore_patterns() {
        let j = Junk::new(&["brouillons/**".into(), "*.psd".into()]).unwrap();
        assert_eq!(
            j.why("brouillons/a/b.md"),
            Some(Reason::Ignored("brouillons/**".into()))
        );
        assert_eq!(j.why("img/logo.psd"), Some(Reason::Ignored("*.psd".into())));
        assert_eq!(j.why("logo.psd"), Some(Reason::Ignored("*.psd".into())));
        assert_eq!(j.why("faq.md"), None);
        assert_eq!(j.why("autres/brouillons/a.md"), None);
        assert_eq!(j.why("img/faq.md~"), Some(Reason::Junk));
        assert!(Junk::new(&["a/[b".into()]).is_err());
    }
}
