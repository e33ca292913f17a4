//! Rendering: the Markdown of one document (recording what it looked up
//! on the rest of the site, so a session knows when to render it again),
//! link and anchor checks once all are rendered, then one document with its
//! template.

pub mod context;
pub mod deps;
pub mod env;
pub mod redirect;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use std::borrow::Cow;

use serde_json::{Map, Value};
use tera::{Context, Tera};

use crate::content::front_matter::AnchorLinks;
use crate::content::{Document, Kind, Loaded};
use crate::diagnostics::Diagnostic;
use crate::markdown::{
    self, Heading, MarkdownOptions, RenderEnv, Rendered, ShortcodeCall, ShortcodeError,
    ShortcodeOutput,
};
use crate::templates::render_message;
use crate::urls::Urls;
use env::{CALCULATOR, ORGANISATION};

/// One document's Markdown, rendered, with what its output depended on
/// besides its own text.
#[derive(Debug, Clone)]
pub struct MarkdownResult {
    pub rendered: Rendered,
    /// The document's Markdown problems (it keeps what could be rendered,
    /// so the later checks still run on it).
    pub diags: Vec<Diagnostic>,
    pub uses: Uses,
}

/// What rendering a document asked of the rest of the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uses {
    /// Every source path looked up (`@/` links, relative links and images
    /// resolved beside the document), with the URL it had (none when it
    /// did not exist).
    pub page_urls: Vec<(String, Option<String>)>,
    /// The document calls `calculateur()` (pricing data and widget).
    pub calculator: bool,
    /// The document prints figures of the pricing model (`calculateur()`,
    /// `chiffre()`, `exemple()`).
    pub pricing: bool,
    /// The `[organisation]` values it shows (`organisation(champ=…)`), sorted.
    pub organisation: Vec<String>,
    /// The document calls a theme shortcode (its templates, and through
    /// `get_url`/`asset_url` every URL).
    pub theme_shortcodes: bool,
    /// The document shows a processed image of `content/` (its sizes and
    /// the names of its files follow the image's content).
    pub images: bool,
    /// Where its headings got a `#` link (its section's `insert_anchor_links`).
    pub anchor_links: AnchorLinks,
}

/// Records every look-up of a document's rendering.
struct Tracking<'e> {
    env: &'e dyn RenderEnv,
    /// The document's source path.
    document: &'e str,
    page_urls: Mutex<Vec<(String, Option<String>)>>,
    calculator: AtomicBool,
    pricing: AtomicBool,
    organisation: Mutex<Vec<String>>,
    theme_shortcodes: AtomicBool,
    images: AtomicBool,
    anchor_links: AnchorLinks,
}

impl RenderEnv for Tracking<'_> {
    fn anchor_links(&self) -> AnchorLinks {
        self.anchor_links
    }

    fn page_url(&self, source_path: &str) -> Option<String> {
        let url = self.env.page_url(source_path);
        self.page_urls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((source_path.to_string(), url.clone()));
        url
    }

    fn document_path(&self) -> &str {
        self.document
    }

    fn shortcode(&self, call: &ShortcodeCall<'_>) -> Result<ShortcodeOutput, ShortcodeError> {
        let (name, args) = (call.name, call.args);
        // The widget's ids are fixed: a second one on the page would
        // duplicate them (and the browser would mount only the first).
        if name == CALCULATOR && self.calculator.swap(true, Ordering::Relaxed) {
            return Err(env::BuiltinError::SecondCalculator.into());
        }
        if env::uses_pricing(name) {
            self.pricing.store(true, Ordering::Relaxed);
        } else if name == ORGANISATION {
            if let Some(field) = args.get("champ").and_then(|v| v.as_str()) {
                self.organisation
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(field.to_string());
            }
        } else {
            self.theme_shortcodes.store(true, Ordering::Relaxed);
        }
        self.env.shortcode(call)
    }

    fn picture(&self, source_path: &str) -> Option<Result<crate::images::Picture, String>> {
        let picture = self.env.picture(source_path);
        if picture.is_some() {
            self.images.store(true, Ordering::Relaxed);
        }
        picture
    }
}

/// Renders one document's Markdown, `body` (its text: the document's own,
/// or taken from it by a one-shot build that frees each text once rendered).
pub fn markdown_one(
    doc: &Document,
    body: &str,
    opts: &MarkdownOptions,
    env: &dyn RenderEnv,
) -> MarkdownResult {
    let tracking = Tracking {
        env,
        document: &doc.source_path,
        page_urls: Mutex::new(Vec::new()),
        calculator: AtomicBool::new(false),
        pricing: AtomicBool::new(false),
        organisation: Mutex::new(Vec::new()),
        theme_shortcodes: AtomicBool::new(false),
        images: AtomicBool::new(false),
        anchor_links: doc.anchor_links,
    };
    let (rendered, errors) = markdown::render_partial(body, doc.body_line, opts, &tracking);
    let diags = errors
        .into_iter()
        .map(|e| Diagnostic::new(&doc.file, e.message).at(e.line, e.column))
        .collect();
    MarkdownResult {
        rendered,
        diags,
        uses: Uses {
            page_urls: sorted(tracking.page_urls),
            calculator: tracking.calculator.into_inner(),
            pricing: tracking.pricing.into_inner(),
            organisation: sorted(tracking.organisation),
            theme_shortcodes: tracking.theme_shortcodes.into_inner(),
            images: tracking.images.into_inner(),
            anchor_links: tracking.anchor_links,
        },
    }
}

/// What was recorded, sorted and without repeats (so equal look-ups
/// compare equal, whatever the order of the threads).
fn sorted<T: Ord>(recorded: Mutex<Vec<T>>) -> Vec<T> {
    let mut v = recorded.into_inner().unwrap_or_else(|e| e.into_inner());
    v.sort();
    v.dedup();
    v
}

/// The anchors of one document's links, checked.
#[derive(Debug, Clone, Default)]
pub struct AnchorCheck {
    /// The broken ones.
    pub diags: Vec<Diagnostic>,
    /// The documents they point into (what the check depends on besides
    /// the document's own links), sorted.
    pub targets: Vec<usize>,
}

/// Checks that every `@/page.md#anchor` and `#anchor` link of document `i`
/// points at a heading (or footnote) that exists; `rendered[j]` is the
/// Markdown of `loaded.docs[j]`, every document's heading ids being known.
pub fn anchors_of(loaded: &Loaded, rendered: &[&Rendered], i: usize) -> AnchorCheck {
    let doc = &loaded.docs[i];
    let mut diags = Vec::new();
    let mut targets = Vec::new();
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
        let Some(t) = target else {
            continue;
        };
        targets.push(t);
        // A page has few headings: a scan beats hashing them all.
        let heading = rendered[t].heading_ids.iter().any(|id| id == anchor);
        if !heading && !is_footnote(anchor, &rendered[t].html) {
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
    targets.sort_unstable();
    targets.dedup();
    AnchorCheck { diags, targets }
}

/// Footnote anchors are made by the Markdown renderer, not by headings.
fn is_footnote(anchor: &str, html: &str) -> bool {
    html.contains(&format!("id=\"{anchor}\""))
}

/// The template a document is rendered with: a section with
/// `redirect_to` is a redirect page (`alias.html`); a page without
/// `template` takes its sections' `page_template` (as in Zola).
pub fn template_for(doc: &Document) -> &str {
    if doc.redirect_to().is_some() {
        return redirect::TEMPLATE;
    }
    match (&doc.meta.template, doc.kind) {
        (Some(t), _) => t,
        (None, Kind::Section) if doc.parent.is_none() => "index.html",
        (None, Kind::Section) => "section.html",
        (None, Kind::Page) => doc.page_template.as_deref().unwrap_or("page.html"),
    }
}

/// What a document's template sees of it and of the documents it lists.
pub struct DocView<'a> {
    pub doc: &'a Document,
    pub summary: Map<String, Value>,
    /// Its rendered Markdown: owned when this page is its last user (a
    /// one-shot build moves it here and frees it with the page).
    pub html: Cow<'a, str>,
    pub toc: &'a [Heading],
    /// Sections only: the summaries of their pages and sub-sections.
    pub pages: Vec<Map<String, Value>>,
    pub subsections: Vec<Map<String, Value>>,
    /// Pages only: the summaries of the pages before and after it in its
    /// section ([`siblings`]).
    pub siblings: [Option<Map<String, Value>>; 2],
    /// Zola's `ancestors`: the source paths of the sections above it, the
    /// home page's first ([`ancestors`]).
    pub ancestors: Vec<&'a str>,
    /// Sections only: the pager shown and the section's feed.
    pub listing: ListingView<'a>,
}

/// What a section's template sees of its listing besides its pages.
#[derive(Debug, Default)]
pub struct ListingView<'a> {
    /// The URL path of this pager, when not the section's own (pagers 2, 3…).
    pub at: Option<&'a str>,
    /// Zola's `paginator`, when the section is paginated.
    pub paginator: Option<Value>,
    /// `section.feed_url`: its feed (`generate_feeds = true`), if any.
    pub feed_url: Option<String>,
}

/// Renders one document with its template.
pub fn template_one(
    tera: &Tera,
    base: &Context,
    view: DocView<'_>,
    urls: &Urls,
) -> Result<Vec<u8>, Diagnostic> {
    let doc = view.doc;
    if let Some(target) = doc.redirect_to() {
        return redirect::page(tera, base, doc, target, urls);
    }
    let path = view.listing.at.unwrap_or(&doc.path);
    let template = template_for(doc);
    if tera.get_template(template).is_err() {
        return Err(Diagnostic::new(
            &doc.file,
            format!("gabarit « {template} » introuvable dans le thème"),
        ));
    }
    let url = urls.permalink(path);
    // What this page adds to `base`, built as values once and moved into
    // the context (`Context::insert` would serialise a copy of each).
    let mut own = Map::new();
    let menu = base.get("config").and_then(|c| c.get("menu"));
    if let Some(items) = menu.and_then(Value::as_array) {
        let home = urls.permalink("/");
        let menu = context::menu(items, &home, path, &url);
        own.insert("menu".into(), menu);
    }
    own.insert("current_path".into(), path.into());
    own.insert("current_url".into(), url.into());
    // The page holds its content and about 5 KB of theme: written once
    // into a buffer of that size, never grown nor checked again as UTF-8
    // (`Tera::render` starts at 2 KB and checks its output).
    let mut out = Vec::with_capacity(view.html.len() + 8 * 1024);
    let mut full = context::full(view.summary, view.html.into_owned(), view.toc);
    let ancestors = view.ancestors.iter().map(|a| Value::String(a.to_string()));
    full.insert("ancestors".into(), Value::Array(ancestors.collect()));
    // Zola's `page.lang`: the site's one language.
    full.insert(
        "lang".into(),
        base.get("lang").cloned().unwrap_or(Value::Null),
    );
    let name = match doc.kind {
        Kind::Page => {
            let [lower, higher] = view.siblings.map(|s| s.map_or(Value::Null, Value::Object));
            full.insert("lower".into(), lower);
            full.insert("higher".into(), higher);
            "page"
        }
        Kind::Section => {
            full.insert("pages".into(), listing(view.pages));
            full.insert("subsections".into(), listing(view.subsections));
            full.insert("generate_feeds".into(), doc.meta.generate_feeds.into());
            let feed = view.listing.feed_url.map_or(Value::Null, Value::String);
            full.insert("feed_url".into(), feed);
            "section"
        }
    };
    if let Some(paginator) = view.listing.paginator {
        own.insert("paginator".into(), paginator);
    }
    own.insert(name.into(), Value::Object(full));
    let mut ctx = base.clone();
    // An object always makes a context.
    ctx.extend(Context::from_value(Value::Object(own)).unwrap_or_default());
    tera.render_to(template, &ctx, &mut out)
        .map(|()| out)
        .map_err(|e| {
            Diagnostic::new(
                &doc.file,
                format!("erreur du gabarit « {template} » : {}", render_message(&e)),
            )
        })
}

/// Zola's `page.lower` and `page.higher` of every document: the pages
/// before and after it in its section's order, that section being the
/// nearest one above that is not transparent (whose list holds the pages
/// of its transparent sub-sections, as in Zola). One pass over the lists.
pub fn siblings(docs: &[Document]) -> Vec<[Option<usize>; 2]> {
    let mut out = vec![[None, None]; docs.len()];
    for section in docs.iter().filter(|d| d.kind == Kind::Section) {
        if section.meta.transparent {
            continue;
        }
        for (pos, &p) in section.pages.iter().enumerate() {
            if let Some(slot) = out.get_mut(p) {
                let before = pos.checked_sub(1).map(|b| section.pages[b]);
                *slot = [before, section.pages.get(pos + 1).copied()];
            }
        }
    }
    out
}

/// The source paths of the sections above document `i`, the home page's
/// first, its own section's last (Zola's `ancestors`, for `get_section`).
pub fn ancestors(docs: &[Document], i: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut at = docs.get(i).and_then(|d| d.parent);
    // At most one step a document: never endless, whatever the links.
    while let Some(p) = at.filter(|&p| p < docs.len() && out.len() < docs.len()) {
        out.push(docs[p].source_path.as_str());
        at = docs[p].parent;
    }
    out.reverse();
    out
}

/// A listing's summaries as one JSON array (each copied once).
fn listing(summaries: Vec<Map<String, Value>>) -> Value {
    Value::Array(summaries.into_iter().map(Value::Object).collect())
}
