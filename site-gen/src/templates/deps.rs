//! Which templates an output depends on: a template, its parents, the
//! templates it includes and the macro files it imports, transitively. A
//! [`TemplateKeys`] gives each template name a key that changes when any
//! of those templates' sources change, so a theme edit re-renders only
//! the outputs that use the edited file; and tells which templates read
//! other documents (`get_page`, `get_section`), whose outputs are rendered
//! again whenever any document changes.

use std::collections::{BTreeSet, HashMap};

use tera::Tera;

use super::calls::{calls, Target};
use super::functions::READ_CONTENT;
use crate::render::deps::{Key, KeyBuilder};
use crate::theme::Theme;

/// Each template's key over the sources of every template it uses.
#[derive(Debug, Default)]
pub struct TemplateKeys {
    keys: HashMap<String, Key>,
    /// The templates that call, or use a template that calls, a function
    /// of [`READ_CONTENT`].
    reads_content: BTreeSet<String>,
    /// The templates that name, or use a template that names, Zola's
    /// `lower` or `higher` (`calls::SIBLING_FIELDS`).
    reads_siblings: BTreeSet<String>,
}

impl TemplateKeys {
    /// The keys of every template of `tera`, whose theme templates come
    /// from `theme` (the others are the generator's built-in ones, fixed
    /// in this binary).
    pub fn new(tera: &Tera, theme: &Theme) -> Self {
        let names: Vec<String> = tera.get_template_names().map(str::to_string).collect();
        let mut calls_readers = BTreeSet::new();
        let mut names_siblings = BTreeSet::new();
        let direct: HashMap<&str, BTreeSet<String>> = names
            .iter()
            .map(|n| {
                let (deps, reads) = direct_deps(tera, n);
                if reads.content {
                    calls_readers.insert(n.clone());
                }
                if reads.siblings {
                    names_siblings.insert(n.clone());
                }
                (n.as_str(), deps)
            })
            .collect();
        let mut reads_content = BTreeSet::new();
        let mut reads_siblings = BTreeSet::new();
        let source_key = |name: &str| -> Key {
            let mut k = KeyBuilder::new("template");
            k.str(name);
            match theme.templates.get(name) {
                Some(file) => k.str("theme").bytes(&file.bytes),
                None if direct.contains_key(name) => k.str("built-in"),
                None => k.str("missing"),
            };
            k.finish()
        };
        let keys = names
            .iter()
            .map(|name| {
                // Every template reachable from `name` (sorted: stable key).
                let mut seen = BTreeSet::from([name.clone()]);
                let mut stack = vec![name.clone()];
                while let Some(n) = stack.pop() {
                    for d in direct.get(n.as_str()).into_iter().flatten() {
                        if seen.insert(d.clone()) {
                            stack.push(d.clone());
                        }
                    }
                }
                let mut k = KeyBuilder::new("closure");
                for n in &seen {
                    k.key(&source_key(n));
                }
                if !seen.is_disjoint(&calls_readers) {
                    reads_content.insert(name.clone());
                }
                if !seen.is_disjoint(&names_siblings) {
                    reads_siblings.insert(name.clone());
                }
                (name.clone(), k.finish())
            })
            .collect();
        TemplateKeys {
            keys,
            reads_content,
            reads_siblings,
        }
    }

    /// Whether template `name` names Zola's `page.lower` or `page.higher`
    /// (itself or through a template it uses): only those get them.
    pub fn reads_siblings(&self, name: &str) -> bool {
        self.reads_siblings.contains(name)
    }

    /// Whether template `name` reads other documents (`get_page`,
    /// `get_section`, itself or through a template it uses).
    pub fn reads_content(&self, name: &str) -> bool {
        self.reads_content.contains(name)
    }

    /// Whether any template reads other documents.
    pub fn any_reads_content(&self) -> bool {
        !self.reads_content.is_empty()
    }

    /// The key of template `name` (a fixed key for an unknown template).
    pub fn get(&self, name: &str) -> Key {
        self.keys
            .get(name)
            .copied()
            .unwrap_or_else(|| KeyBuilder::new("unknown template").str(name).finish())
    }
}

/// What a template reads besides its own document.
#[derive(Default)]
struct Reads {
    /// It calls a function of [`READ_CONTENT`].
    content: bool,
    /// It names `lower` or `higher`.
    siblings: bool,
}

/// The templates `name` names directly: parents, includes (guarded or
/// not, in its body and its macros), macro imports; and what it reads.
fn direct_deps(tera: &Tera, name: &str) -> (BTreeSet<String>, Reads) {
    let mut deps = BTreeSet::new();
    let mut reads = Reads::default();
    let Ok(template) = tera.get_template(name) else {
        return (deps, reads);
    };
    deps.extend(template.parent.iter().cloned());
    deps.extend(template.parents.iter().cloned());
    deps.extend(template.imported_macro_files.iter().map(|(f, _)| f.clone()));
    let bodies = std::iter::once(&template.ast).chain(template.macros.values().map(|m| &m.body));
    for body in bodies {
        for call in calls(body) {
            match call.target {
                Target::Template(t) => {
                    deps.insert(t);
                }
                Target::Function(f) if READ_CONTENT.contains(&f.as_str()) => {
                    reads.content = true;
                }
                Target::SiblingField => reads.siblings = true,
                Target::Macro { .. } | Target::Function(_) => {}
            }
        }
    }
    (deps, reads)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::ThemeFile;

    fn theme(files: &[(&str, &str)]) -> (Theme, Tera) {
        let mut theme = Theme::default();
        let mut tera = Tera::default();
        for (name, text) in files {
            theme.templates.insert(
                name.to_string(),
                ThemeFile {
                    origin: name.into(),
                    bytes: text.as_bytes().to_vec(),
                },
            );
        }
        tera.add_raw_templates(files.iter().map(|(n, t)| (*n, *t)))
            .unwrap();
        (theme, tera)
    }

    #[test]
    fn a_template_depends_on_its_parents_includes_and_macros_only() {
        let files = [
            ("base.html", "{% block c %}{% endblock c %}{% include \"footer.html\" %}"),
            ("footer.html", "pied"),
            ("macros.html", "{% macro m() %}{% if x %}{% include \"deep.html\" %}{% endif %}{% endmacro m %}"),
            ("deep.html", "profond"),
            ("page.html", "{% extends \"base.html\" %}{% import \"macros.html\" as m %}{% block c %}{{ m::m() }}{% endblock c %}"),
            ("section.html", "{% extends \"base.html\" %}"),
        ];
        let (t1, tera1) = theme(&files);
        let k1 = TemplateKeys::new(&tera1, &t1);
        let mut changed = files;
        changed[3].1 = "plus profond";
        let (t2, tera2) = theme(&changed);
        let k2 = TemplateKeys::new(&tera2, &t2);
        assert_ne!(
            k1.get("page.html"),
            k2.get("page.html"),
            "through the macro"
        );
        assert_eq!(k1.get("section.html"), k2.get("section.html"));
        assert_eq!(k1.get("base.html"), k2.get("base.html"));
        changed[1].1 = "autre pied";
        let (t3, tera3) = theme(&changed);
        let k3 = TemplateKeys::new(&tera3, &t3);
        assert_ne!(
            k2.get("section.html"),
            k3.get("section.html"),
            "through base"
        );
        assert_eq!(k1.get("nope.html"), k3.get("nope.html"));
        assert!(!k1.any_reads_content());
    }

    #[test]
    fn templates_reading_documents_through_what_they_use() {
        let files = [
            ("base.html", "{% block c %}{% endblock c %}"),
            ("nav.html", "{% set s = get_section(path=\"_index.md\") %}"),
            ("macros.html", "{% macro m() %}{{ get_page(path=\"a.md\") }}{% endmacro m %}"),
            ("page.html", "{% extends \"base.html\" %}{% block c %}{% include \"nav.html\" %}{% endblock c %}"),
            ("section.html", "{% import \"macros.html\" as m %}{{ m::m() }}"),
            ("index.html", "{% extends \"base.html\" %}{{ get_url(path=\"@/a.md\") }}"),
        ];
        let (t, tera) = theme(&files);
        let k = TemplateKeys::new(&tera, &t);
        let reading: Vec<&str> = files
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| k.reads_content(n))
            .collect();
        assert_eq!(
            reading,
            ["nav.html", "macros.html", "page.html", "section.html"]
        );
        assert!(k.any_reads_content());
        assert!(!k.reads_siblings("page.html"));
        let files = [
            (
                "base.html",
                "{% block c %}{% endblock c %}{% include \"nav.html\" %}",
            ),
            (
                "nav.html",
                "{% if page.higher %}{{ page.higher.permalink }}{% endif %}",
            ),
            ("page.html", "{% extends \"base.html\" %}"),
            ("section.html", "{{ section.lowercase }}"),
        ];
        let (t, tera) = theme(&files);
        let k = TemplateKeys::new(&tera, &t);
        assert!(k.reads_siblings("page.html") && k.reads_siblings("base.html"));
        assert!(!k.reads_siblings("section.html"));
    }
}
