//! Rendering: Markdown of every document in parallel, link and anchor
//! checks once all are rendered, then templates in parallel.

pub mod context;

use std::collections::BTreeMap;
use std::collections::HashSet;

use rayon::prelude::*;
use serde_json::{Map, Value};
use tera::{Context, Tera};

use crate::content::{Document, Kind, Loaded};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, MarkdownOptions, RenderEnv, Rendered};
use crate::templates::error_chain;
use crate::urls::Urls;

/// Renders every document's Markdown; a document with errors keeps what
/// could be rendered, so the later checks still run on it.
pub fn markdown_all(
    loaded: &Loaded,
    opts: &MarkdownOptions,
    env: &dyn RenderEnv,
) -> (Vec<Rendered>, Diagnostics) {
    let results: Vec<(Rendered, Vec<Diagnostic>)> = loaded
        .docs
        .par_iter()
        .map(|doc| {
            let (rendered, errors) = markdown::render_partial(&doc.body, doc.body_line, opts, env);
            let diags = errors
                .into_iter()
                .map(|e| Diagnostic::new(&doc.file, e.message).at(e.line, e.column))
                .collect();
            (rendered, diags)
        })
        .collect();
    let mut diags = Diagnostics::default();
    let mut rendered = Vec::with_capacity(results.len());
    for (r, d) in results {
        rendered.push(r);
        diags.extend(d);
    }
    (rendered, diags)
}

/// Every `@/page.md#anchor` and `#anchor` link points at a heading that exists.
pub fn check_anchors(loaded: &Loaded, rendered: &[Rendered]) -> Result<(), Diagnostics> {
    let ids: Vec<HashSet<&str>> = rendered
        .iter()
        .map(|r| r.heading_ids.iter().map(String::as_str).collect())
        .collect();
    let mut diags = Diagnostics::default();
    for (i, doc) in loaded.docs.iter().enumerate() {
        for link in &rendered[i].links {
            let Some(anchor) = link.anchor.as_deref().filter(|a| !a.is_empty()) else {
                continue;
            };
            let target = if link.by_source_path {
                loaded.by_source.get(&link.target).copied()
            } else if link.target.is_empty() {
                Some(i)
            } else {
                None
            };
            if let Some(t) = target {
                if !ids[t].contains(anchor) && !is_footnote(anchor, &rendered[t].html) {
                    let place = if t == i {
                        "cette page".to_string()
                    } else {
                        format!("@/{}", loaded.docs[t].source_path)
                    };
                    diags.push(
                        Diagnostic::new(
                            &doc.file,
                            format!("ancre cassée : #{anchor} n’existe pas dans {place}"),
                        )
                        .at(link.line, link.column),
                    );
                }
            }
        }
    }
    diags.into_result()
}

/// Footnote anchors are made by the Markdown renderer, not by headings.
fn is_footnote(anchor: &str, html: &str) -> bool {
    html.contains(&format!("id=\"{anchor}\""))
}

/// Per-document views, shared by every template that lists documents.
pub struct Views {
    pub summaries: Vec<Map<String, Value>>,
}

impl Views {
    pub fn new(loaded: &Loaded, rendered: &[Rendered], urls: &Urls) -> Self {
        let summaries = loaded
            .docs
            .par_iter()
            .zip(rendered.par_iter())
            .map(|(d, r)| context::summary(d, r, urls))
            .collect();
        Views { summaries }
    }
}

/// The template a document is rendered with.
pub fn template_for(doc: &Document) -> &str {
    match (&doc.meta.template, doc.kind) {
        (Some(t), _) => t,
        (None, Kind::Section) if doc.parent.is_none() => "index.html",
        (None, Kind::Section) => "section.html",
        (None, Kind::Page) => "page.html",
    }
}

/// Renders every document with its template, in parallel.
pub fn templates_all(
    tera: &Tera,
    base: &Context,
    loaded: &Loaded,
    rendered: &[Rendered],
    views: &Views,
    urls: &Urls,
) -> Result<BTreeMap<String, Vec<u8>>, Diagnostics> {
    let known: HashSet<&str> = tera.get_template_names().collect();
    let results: Vec<Result<(String, Vec<u8>), Diagnostic>> = loaded
        .docs
        .par_iter()
        .enumerate()
        .map(|(i, doc)| {
            let template = template_for(doc);
            if !known.contains(template) {
                return Err(Diagnostic::new(
                    &doc.file,
                    format!("gabarit « {template} » introuvable dans le thème"),
                ));
            }
            let mut ctx = base.clone();
            ctx.insert("current_path", &doc.path);
            ctx.insert("current_url", &urls.permalink(&doc.path));
            let full = context::full(&views.summaries[i], &rendered[i]);
            match doc.kind {
                Kind::Page => ctx.insert("page", &full),
                Kind::Section => {
                    let mut section = full;
                    let pages: Vec<&Map<String, Value>> =
                        doc.pages.iter().map(|&p| &views.summaries[p]).collect();
                    let subsections: Vec<&Map<String, Value>> = doc
                        .subsections
                        .iter()
                        .map(|&s| &views.summaries[s])
                        .collect();
                    section.insert("pages".into(), serde_json::json!(pages));
                    section.insert("subsections".into(), serde_json::json!(subsections));
                    ctx.insert("section", &section);
                }
            }
            tera.render(template, &ctx)
                .map(|html| (doc.output.clone(), html.into_bytes()))
                .map_err(|e| {
                    Diagnostic::new(
                        &doc.file,
                        format!("erreur du gabarit « {template} » : {}", error_chain(&e)),
                    )
                })
        })
        .collect();
    let mut diags = Diagnostics::default();
    let mut files = BTreeMap::new();
    for r in results {
        match r {
            Ok((out, bytes)) => {
                files.insert(out, bytes);
            }
            Err(d) => diags.push(d),
        }
    }
    diags.into_result().map(|()| files)
}
