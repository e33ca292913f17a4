//! The output map checked as a whole before anything is written, so a
//! clash that the file system would only reveal while writing ("Is a
//! directory", "File name too long", two names one disk sees as one) is a
//! diagnostic naming the sources that claim the paths.

use std::collections::{BTreeMap, HashMap};

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
    let set: std::collections::HashSet<&str> = paths.iter().copied().collect();
    let mut out = Vec::new();
    let mut folded: BTreeMap<String, &str> = BTreeMap::new();
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
        match folded.get(&path.to_lowercase()) {
            Some(&first) => out.push(Clash {
                path: path.to_string(),
                other: Some(first.to_string()),
                message: format!(
                    "« {path} » et « {first} » ne diffèrent que par les majuscules : sur \
                     Windows et macOS, l’un écraserait l’autre ; renommez l’un des deux"
                ),
            }),
            None => {
                folded.insert(path.to_lowercase(), path);
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
