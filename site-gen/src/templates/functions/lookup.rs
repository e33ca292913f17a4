//! `get_page(path=…)` and `get_section(path=…, metadata_only=…)`: any
//! document of the site from any template, as Zola gives them.
//!
//! The functions are registered once per compile, but what they read
//! changes at every rebuild: they read a [`ContentSlot`], which the session
//! opens with the rebuild's [`Catalog`] before rendering the templates
//! ([`ContentSlot::open`]) and which closes when that rebuild is done. A
//! template calling them is rendered again whenever any document's view
//! or content changed (`TemplateKeys::reads_content`); shortcodes, rendered
//! with the Markdown before any view exists, cannot call them.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use serde_json::{Map, Value};

/// One document as the functions give it.
struct Entry {
    section: bool,
    /// Its view for listings (`render::context::summary`).
    summary: Map<String, Value>,
    content: String,
    toc: Value,
    pages: Vec<usize>,
    subsections: Vec<usize>,
}

/// Every document of one rebuild, by source path (`blog/_index.md`).
#[derive(Default)]
pub struct Catalog {
    by_source: HashMap<String, usize>,
    entries: Vec<Entry>,
}

impl Catalog {
    /// Adds the next document (documents are added in the site's order:
    /// `pages` and `subsections` are indices in that order).
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        source_path: &str,
        section: bool,
        summary: Map<String, Value>,
        content: &str,
        toc: Value,
        pages: &[usize],
        subsections: &[usize],
    ) {
        self.by_source
            .insert(source_path.to_string(), self.entries.len());
        self.entries.push(Entry {
            section,
            summary,
            content: content.to_string(),
            toc,
            pages: pages.to_vec(),
            subsections: subsections.to_vec(),
        });
    }

    fn full(&self, e: &Entry) -> Map<String, Value> {
        let mut m = e.summary.clone();
        m.insert("content".into(), e.content.clone().into());
        m.insert("toc".into(), e.toc.clone());
        m
    }

    fn listing(&self, of: &[usize]) -> Value {
        Value::Array(
            of.iter()
                .filter_map(|&i| self.entries.get(i))
                .map(|e| Value::Object(e.summary.clone()))
                .collect(),
        )
    }

    fn page(&self, path: &str) -> Result<Value, String> {
        let e = self.find("get_page", path)?;
        if e.section {
            return Err(format!(
                "get_page : « {path} » est une section : utilisez get_section(path=\"{path}\")"
            ));
        }
        Ok(Value::Object(self.full(e)))
    }

    fn section(&self, path: &str, metadata_only: bool) -> Result<Value, String> {
        let e = self.find("get_section", path)?;
        if !e.section {
            return Err(format!(
                "get_section : « {path} » est une page : utilisez get_page(path=\"{path}\")"
            ));
        }
        let mut m = self.full(e);
        let (pages, subsections) = if metadata_only {
            (Value::Array(Vec::new()), Value::Array(Vec::new()))
        } else {
            (self.listing(&e.pages), self.listing(&e.subsections))
        };
        m.insert("pages".into(), pages);
        m.insert("subsections".into(), subsections);
        Ok(Value::Object(m))
    }

    fn find(&self, function: &str, path: &str) -> Result<&Entry, String> {
        self.by_source
            .get(path)
            .and_then(|&i| self.entries.get(i))
            .ok_or_else(|| {
                format!(
                    "{function} : « {path} » n’existe pas (un chemin de fichier .md relatif à \
                     content/, comme « blog/_index.md » ou « blog/article.md »)"
                )
            })
    }
}

/// Where the functions find the current rebuild's [`Catalog`].
#[derive(Default)]
pub struct ContentSlot {
    current: RwLock<Option<Arc<Catalog>>>,
}

/// The slot open with one rebuild's catalog; closed when dropped.
#[must_use = "the catalog is withdrawn when this is dropped"]
pub struct OpenCatalog {
    slot: Arc<ContentSlot>,
}

impl Drop for OpenCatalog {
    fn drop(&mut self) {
        *self.slot.current.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

impl ContentSlot {
    /// Gives `catalog` to the functions until the result is dropped.
    pub fn open(self: &Arc<Self>, catalog: Catalog) -> OpenCatalog {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(catalog));
        OpenCatalog {
            slot: Arc::clone(self),
        }
    }

    fn catalog(&self, function: &str) -> Result<Arc<Catalog>, String> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| {
                format!(
                    "{function} n’est pas disponible ici : un shortcode est rendu avec le \
                     Markdown de sa page, avant que les autres pages soient prêtes (appelez-la \
                     dans le gabarit de la page)"
                )
            })
    }

    pub(super) fn get_page(&self, args: &HashMap<String, Value>) -> Result<Value, String> {
        let path = path_arg(args, "get_page")?;
        self.catalog("get_page")?.page(path)
    }

    pub(super) fn get_section(&self, args: &HashMap<String, Value>) -> Result<Value, String> {
        let path = path_arg(args, "get_section")?;
        let metadata_only = match args.get("metadata_only") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err("get_section : metadata_only attend true ou false".to_string());
            }
        };
        self.catalog("get_section")?.section(path, metadata_only)
    }
}

/// The `path` argument: a source path (`@/` allowed, as in links), or a
/// page or section object (its `relative_path`), so that Zola's
/// `get_section(path=s)` over `section.subsections` works too.
fn path_arg<'a>(args: &'a HashMap<String, Value>, function: &str) -> Result<&'a str, String> {
    let path = match args.get("path") {
        Some(Value::String(p)) => Some(p.as_str()),
        Some(Value::Object(o)) => o.get("relative_path").and_then(Value::as_str),
        _ => None,
    };
    let path = path.ok_or_else(|| {
        format!("{function} attend un argument path=\"…\" (le chemin du fichier .md dans content/)")
    })?;
    Ok(path
        .strip_prefix("@/")
        .unwrap_or(path)
        .trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(title: &str, path: &str) -> Map<String, Value> {
        let v = json!({ "title": title, "relative_path": path });
        v.as_object().cloned().unwrap_or_default()
    }

    fn slot() -> Arc<ContentSlot> {
        Arc::new(ContentSlot::default())
    }

    fn args(pairs: &[(&str, Value)]) -> HashMap<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        c.push(
            "blog/_index.md",
            true,
            summary("Blog", "blog/_index.md"),
            "<p>liste</p>",
            json!([]),
            &[1],
            &[],
        );
        c.push(
            "blog/un.md",
            false,
            summary("Un", "blog/un.md"),
            "<p>un</p>",
            json!([]),
            &[],
            &[],
        );
        c
    }

    #[test]
    fn pages_and_sections_by_source_path_while_open() {
        let slot = slot();
        let page = args(&[("path", json!("blog/un.md"))]);
        let e = slot.get_page(&page).unwrap_err();
        assert!(e.contains("shortcode"), "{e}");
        let open = slot.open(catalog());
        let p = slot.get_page(&page).unwrap();
        assert_eq!(p["title"], "Un");
        assert_eq!(p["content"], "<p>un</p>");
        let at = args(&[("path", json!("@/blog/un.md"))]);
        assert_eq!(slot.get_page(&at).unwrap()["title"], "Un");
        let s = slot
            .get_section(&args(&[("path", json!("blog/_index.md"))]))
            .unwrap();
        assert_eq!(s["pages"][0]["title"], "Un");
        assert!(s["pages"][0].get("content").is_none(), "listings are views");
        let meta = slot
            .get_section(&args(&[
                ("path", json!({"relative_path": "blog/_index.md"})),
                ("metadata_only", json!(true)),
            ]))
            .unwrap();
        assert_eq!(meta["pages"], json!([]));
        assert_eq!(meta["title"], "Blog");
        let e = slot
            .get_page(&args(&[("path", json!("blog/_index.md"))]))
            .unwrap_err();
        assert!(e.contains("get_section"), "{e}");
        let e = slot
            .get_page(&args(&[("path", json!("blog/deux.md"))]))
            .unwrap_err();
        assert!(e.contains("« blog/deux.md » n’existe pas"), "{e}");
        drop(open);
        assert!(slot.get_page(&page).is_err(), "closed with its rebuild");
    }
}
