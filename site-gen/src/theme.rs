//! The theme's files: templates and static assets, from `themes/<name>/`
//! or the built-in default theme, overridden by the site's own
//! `templates/` and `static/` folders. Junk files ([`crate::junk`]) are
//! never read; the site's `ignore` patterns apply to static files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, CONFIG_FILE};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::inputs::{Inputs, LinksTo};
use crate::junk::{Junk, Skipped};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_theme.rs"));
}

/// A file of the theme or site, with where it came from (for errors).
#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub origin: PathBuf,
    pub bytes: Vec<u8>,
}

/// Templates by name (`page.html`, `shortcodes/x.html`) and static files
/// by output path (`style.css`).
#[derive(Debug, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, ThemeFile>,
    pub statics: BTreeMap<String, ThemeFile>,
    /// Files left out as junk or by `ignore`, in reading order.
    pub skipped: Vec<Skipped>,
}

impl Theme {
    pub fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
        let mut theme = Theme::default();
        let mut diags = Diagnostics::default();
        let inputs = Inputs::new(root);
        let junk = config.junk();
        let mut reader = Reader {
            inputs: &inputs,
            junk: &junk,
            diags: &mut diags,
            skipped: &mut theme.skipped,
        };
        let name = config.theme.as_deref().unwrap_or("default");
        let dir = root.join("themes").join(name);
        match inputs.folder(&dir) {
            Ok(Some(_)) => {
                reader.read_dir_into(&dir.join("templates"), &mut theme.templates, false);
                reader.read_dir_into(&dir.join("static"), &mut theme.statics, true);
            }
            // Refused (linked out of the site): no silent fallback to the
            // built-in theme, the site would not look as its authors meant.
            Err(e) => reader.diags.push(e.into()),
            Ok(None) if config.theme.is_some() => reader.diags.push(Diagnostic::new(
                CONFIG_FILE,
                format!("thème « {name} » introuvable : le dossier themes/{name}/ n’existe pas"),
            )),
            Ok(None) => {
                for (rel, bytes) in builtin::FILES {
                    // The built-in copy is read by build.rs: same rule here.
                    if crate::junk::is_junk_path(rel) {
                        continue;
                    }
                    let file = ThemeFile {
                        origin: PathBuf::from("(thème intégré)").join(rel),
                        bytes: bytes.to_vec(),
                    };
                    if let Some(t) = rel.strip_prefix("templates/") {
                        theme.templates.insert(t.to_string(), file);
                    } else if let Some(s) = rel.strip_prefix("static/") {
                        theme.statics.insert(s.to_string(), file);
                    }
                }
            }
        }
        reader.read_dir_into(&root.join("templates"), &mut theme.templates, false);
        reader.read_dir_into(&root.join("static"), &mut theme.statics, true);
        diags.into_result().map(|()| theme)
    }
}

/// Reads folders of the theme or site by the inputs' and junk's rules.
struct Reader<'a> {
    inputs: &'a Inputs,
    junk: &'a Junk,
    diags: &'a mut Diagnostics,
    skipped: &'a mut Vec<Skipped>,
}

impl Reader<'_> {
    /// Adds every file under `dir` (if it exists), replacing same-named
    /// ones, junk left out (and, for `statics`, what `ignore` names).
    /// Links may lead anywhere in the site (a theme may share a file of the
    /// site), never out of it.
    fn read_dir_into(&mut self, dir: &Path, into: &mut BTreeMap<String, ThemeFile>, statics: bool) {
        let (inputs, junk) = (self.inputs, self.junk);
        let folder = match inputs.folder(dir) {
            Ok(Some(folder)) => folder,
            Ok(None) => return,
            Err(e) => return self.diags.push(e.into()),
        };
        let rel_of = |path: &Path| {
            path.strip_prefix(dir)
                .ok()
                .and_then(|r| r.to_str())
                .map(|r| r.replace('\\', "/"))
        };
        let why = |rel: &str| {
            if statics {
                junk.why(rel)
            } else {
                crate::junk::is_junk_path(rel).then_some(crate::junk::Reason::Junk)
            }
        };
        for found in inputs.walk(&folder, LinksTo::Site) {
            let path = match found {
                Ok(path) => path,
                // A junk link or pipe is left out like any junk file.
                Err(e) if inputs_rel(inputs, dir, &e.file).is_some_and(|r| why(&r).is_some()) => {
                    continue
                }
                Err(e) => {
                    self.diags.push(e.into());
                    continue;
                }
            };
            let Some(rel) = rel_of(&path) else {
                continue;
            };
            if let Some(reason) = why(&rel) {
                self.skipped.push(Skipped {
                    file: inputs.shown(&path),
                    reason,
                });
                continue;
            }
            match inputs.read_walked(&path) {
                Ok(bytes) => {
                    into.insert(
                        rel,
                        ThemeFile {
                            origin: inputs.shown(&path),
                            bytes,
                        },
                    );
                }
                Err(e) => self.diags.push(e.into()),
            }
        }
    }
}

/// The path relative to `dir` of a file an input error shows.
fn inputs_rel(inputs: &Inputs, dir: &Path, shown: &Path) -> Option<String> {
    let rel = shown.strip_prefix(inputs.shown(dir)).ok()?;
    Some(rel.to_str()?.replace('\\', "/"))
}
