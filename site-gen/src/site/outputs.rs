//! The output map, assembled with the problems found on the way and
//! checked as a whole before anything is written, so a clash that the file
//! system would only reveal while writing ("Is a directory", "File name too
//! long", two names one disk sees as one) is a diagnostic naming the
//! sources that claim the paths.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use rayon::prelude::*;

use super::state::{Bytes, SiteFiles};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The output files of a build being assembled, and its problems so far.
#[derive(Default)]
pub(super) struct OutputMap {
    files: SiteFiles,
    problems: Diagnostics,
}

impl OutputMap {
    /// Adds a file, reporting a second file at the same path; `origin` is
    /// what the file comes from, as shown.
    pub(super) fn add(&mut self, name: String, bytes: Bytes, origin: &str) {
        if self.files.insert(name.clone(), bytes).is_some() {
            self.problems.push(Diagnostic::new(
                origin,
                format!("{name} est produit deux fois : renommez l’un des deux fichiers"),
            ));
        }
    }

    /// Adds a file at a path no source claims before it (documents are
    /// checked for collisions when placed, generated names are the
    /// generator's own), replacing what is there.
    pub(super) fn insert(&mut self, name: String, bytes: Bytes) {
        self.files.insert(name, bytes);
    }

    /// [`insert`](Self::insert)s each of `files` (the last of a path wins):
    /// sorted by path in parallel, stably, then the map built from them in
    /// one pass rather than by a search a file.
    pub(super) fn insert_all(&mut self, mut files: Vec<(String, Bytes)>) {
        files.par_sort_by(|a, b| a.0.cmp(&b.0));
        self.files.append(&mut files.into_iter().collect());
    }

    /// [`insert`](Self::insert)s a rendered file, or reports why it was not.
    pub(super) fn insert_result(&mut self, name: &str, result: Result<Bytes, Diagnostic>) {
        match result {
            Ok(bytes) => self.insert(name.to_string(), bytes),
            Err(d) => self.push(d),
        }
    }

    pub(super) fn push(&mut self, problem: Diagnostic) {
        self.problems.push(problem);
    }

    /// Reports every clash of the paths (see [`clashes`]), naming the source
    /// of each path by `origins` (made only when there is a clash).
    pub(super) fn check_clashes<'a>(&mut self, origins: impl FnOnce() -> Origins<'a>) {
        let clashes = clashes(self.files.keys().map(String::as_str));
        if clashes.is_empty() {
            return;
        }
        let origins = origins();
        let origin = |path: &str| {
            origins
                .get(path)
                .cloned()
                .unwrap_or_else(|| path.to_string())
        };
        for clash in clashes {
            let mut message = clash.message;
            if let Some(other) = &clash.other {
                message.push_str(&format!(" (« {other} » vient de {})", origin(other)));
            }
            self.problems
                .push(Diagnostic::new(origin(&clash.path), message));
        }
    }

    /// The map so far, unless a problem was found.
    pub(super) fn checked(self) -> Result<Self, Diagnostics> {
        let OutputMap { files, problems } = self;
        problems.into_result().map(|()| OutputMap {
            files,
            problems: Diagnostics::default(),
        })
    }

    /// The files, unless a problem was found.
    pub(super) fn finish(self) -> Result<SiteFiles, Diagnostics> {
        self.checked().map(|map| map.files)
    }
}

/// The longest file or folder name most file systems take, in bytes.
pub const MAX_NAME: usize = 255;

/// A clash between output paths, or a path no disk can hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// The path the problem is reported for.
    pub path: String,
    /// The other path involved, when two clash.
    pub other: Option<String>,
    pub message: String,
}

/// Every clash of `paths` (sorted, as the output map's keys are).
pub fn clashes<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<Clash> {
    let paths: Vec<&str> = paths.into_iter().collect();
    // FxHash: a site's own paths, hashed twice each on the build's last
    // serial step (SipHash's defence against chosen keys buys nothing).
    let set: rustc_hash::FxHashSet<&str> = paths.iter().copied().collect();
    let mut out = Vec::new();
    let mut folded: rustc_hash::FxHashMap<Cow<str>, &str> =
        HashMap::with_capacity_and_hasher(paths.len(), Default::default());
    for &path in &paths {
        // A file where another output needs a folder.
        for (i, _) in path.match_indices('/') {
            let folder = &path[..i];
            if set.contains(folder) {
                out.push(Clash {
                    path: path.to_string(),
                    other: Some(folder.to_string()),
                    message: format!(
                        "« {path} » a besoin d’un dossier « {folder} », qui est déjà un \
                         fichier du site : renommez l’un des deux"
                    ),
                });
            }
        }
        for name in path.split('/') {
            if name.len() > MAX_NAME {
                out.push(Clash {
                    path: path.to_string(),
                    other: None,
                    message: format!(
                        "« {}… » : nom trop long ({} octets, {MAX_NAME} au plus) pour un \
                         système de fichiers : raccourcissez-le",
                        name.chars().take(40).collect::<String>(),
                        name.len()
                    ),
                });
            } else if name.ends_with(['.', ' ']) {
                out.push(Clash {
                    path: path.to_string(),
                    other: None,
                    message: format!(
                        "« {name} » finit par un point ou une espace, que Windows retire : \
                         le site ne pourrait pas y être copié"
                    ),
                });
            }
        }
        // Windows and macOS disks ignore case by default.
        let lower = if path
            .bytes()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
        {
            Cow::Owned(path.to_lowercase())
        } else {
            Cow::Borrowed(path)
        };
        match folded.entry(lower) {
            Entry::Occupied(first) => {
                let first = *first.get();
                out.push(Clash {
                    path: path.to_string(),
                    other: Some(first.to_string()),
                    message: format!(
                        "« {path} » et « {first} » ne diffèrent que par les majuscules : sur \
                         Windows et macOS, l’un écraserait l’autre ; renommez l’un des deux"
                    ),
                })
            }
            Entry::Vacant(slot) => {
                slot.insert(path);
            }
        }
    }
    out
}

/// What claims each output path, for messages: `content/faq.md`, `site.toml`…
pub type Origins<'a> = HashMap<&'a str, String>;

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(paths: &[&str]) -> Vec<(String, Option<String>)> {
        clashes(paths.iter().copied())
            .into_iter()
            .map(|c| (c.path, c.other))
            .collect()
    }

    #[test]
    fn a_site_without_clashes_passes() {
        assert!(
            messages(&["index.html", "faq/index.html", "faq/plan.pdf", "style.css"]).is_empty()
        );
    }

    #[test]
    fn file_over_folder_case_and_length() {
        assert_eq!(
            messages(&["faq", "faq/index.html"]),
            [("faq/index.html".into(), Some("faq".into()))]
        );
        assert_eq!(
            messages(&["Plan.pdf", "plan.pdf"]),
            [("plan.pdf".into(), Some("Plan.pdf".into()))]
        );
        let long = format!("{}.pdf", "a".repeat(300));
        assert_eq!(messages(&[&long]), [(long.clone(), None)]);
        assert_eq!(messages(&["note."]), [("note.".into(), None)]);
    }
}
