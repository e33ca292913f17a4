//! The theme's files: templates and static assets, from `themes/<name>/`
//! or the built-in default theme, overridden by the site's own
//! `templates/` and `static/` folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, CONFIG_FILE};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::inputs::{Inputs, LinksTo};

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
}

impl Theme {
    pub fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
        let mut theme = Theme::default();
        let mut diags = Diagnostics::default();
        let inputs = Inputs::new(root);
        let name = config.theme.as_deref().unwrap_or("default");
        let dir = root.join("themes").join(name);
        match inputs.folder(&dir) {
            Ok(Some(_)) => {
                read_dir_into(
                    &inputs,
                    &dir.join("templates"),
                    &mut theme.templates,
                    &mut diags,
                );
                read_dir_into(&inputs, &dir.join("static"), &mut theme.statics, &mut diags);
            }
            // Refused (linked out of the site): no silent fallback to the
            // built-in theme, the site would not look as its authors meant.
            Err(e) => diags.push(e.into()),
            Ok(None) if config.theme.is_some() => diags.push(Diagnostic::new(
                CONFIG_FILE,
                format!("thème « {name} » introuvable : le dossier themes/{name}/ n’existe pas"),
            )),
            Ok(None) => {
                for (rel, bytes) in builtin::FILES {
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
        read_dir_into(
            &inputs,
            &root.join("templates"),
            &mut theme.templates,
            &mut diags,
        );
        read_dir_into(
            &inputs,
            &root.join("static"),
            &mut theme.statics,
            &mut diags,
        );
        diags.into_result().map(|()| theme)
    }
}

/// Adds every file under `dir` (if it exists), replacing same-named ones.
/// Links may lead anywhere in the site (a theme may share a file of the
/// site), never out of it.
fn read_dir_into(
    inputs: &Inputs,
    dir: &Path,
    into: &mut BTreeMap<String, ThemeFile>,
    diags: &mut Diagnostics,
) {
    let folder = match inputs.folder(dir) {
        Ok(Some(folder)) => folder,
        Ok(None) => return,
        Err(e) => return diags.push(e.into()),
    };
    for found in inputs.walk(&folder, LinksTo::Site) {
        let path = match found {
            Ok(path) => path,
            Err(e) => {
                diags.push(e.into());
                continue;
            }
        };
        let Some(rel) = path
            .strip_prefix(dir)
            .ok()
            .and_then(|r| r.to_str())
            .map(|r| r.replace('\\', "/"))
        else {
            continue;
        };
        match inputs.read_found(&path) {
            Ok(bytes) => {
                into.insert(
                    rel,
                    ThemeFile {
                        origin: inputs.shown(&path),
                        bytes,
                    },
                );
            }
            Err(e) => diags.push(e.into()),
        }
    }
}
