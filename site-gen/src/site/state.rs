//! What a session keeps between rebuilds: the state of each input and
//! stage (theme, compiled templates, each document's Markdown, anchors,
//! view and output), the last good site, and the stage timer.
//!
//! Every result kept records when what it was made from last changed, as a
//! [`Generation`]: the number of the rebuild that changed it.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{Map, Value};
use tera::Tera;

use super::Timings;
use crate::content::Document;
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::render::context::{self, SummarySource};
use crate::render::deps::Key;
use crate::render::{AnchorCheck, MarkdownResult};
use crate::templates::{self, TemplateKeys};
use crate::theme::Theme;
use crate::urls::{content_hash, Urls};

/// Output files by path, shared with whoever serves them.
pub type SiteFiles = BTreeMap<String, Bytes>;
pub(super) type Bytes = Arc<Vec<u8>>;

/// Files of `content/` that are copied, by source: bytes and hash, or why
/// they could not be read.
pub(super) type Assets = HashMap<PathBuf, Result<(Bytes, String), Diagnostic>>;

/// The number of a rebuild (the first build is 1), which tells whether a
/// kept result is older than what it was made from.
///
/// Every field of this type is named for what happened at that rebuild:
/// `x_changed_at` is the last rebuild that changed `x` (a result made from
/// `x` keeps the value it saw, and is stale once they differ), `rendered_at`,
/// `checked_at`, `compiled_at`, `read_at` the rebuild that did it.
/// [`Generation::NEVER`] comes before every rebuild: what a result did not
/// use never changed for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Generation(u64);

impl Generation {
    pub(super) const NEVER: Generation = Generation(0);

    pub(super) fn next(self) -> Generation {
        Generation(self.0 + 1)
    }

    /// As part of a cache key.
    pub(super) fn number(self) -> u64 {
        self.0
    }
}

/// Inputs to read again.
#[derive(Debug, Clone, Copy)]
pub(super) struct Dirty {
    pub(super) config: bool,
    pub(super) pricing: bool,
    pub(super) theme: bool,
    pub(super) content: bool,
    pub(super) widget: bool,
}

impl Dirty {
    pub(super) const ALL: Dirty = Dirty {
        config: true,
        pricing: true,
        theme: true,
        content: true,
        widget: true,
    };
}

/// The theme, its static files ready to be output.
pub(super) struct ThemeState {
    pub(super) theme: Theme,
    /// Its templates, parsed once when it was read.
    pub(super) parsed: templates::Parsed,
    /// (output path, bytes, origin as shown).
    pub(super) statics: Vec<(String, Bytes, String)>,
    pub(super) hashes: Vec<(String, String)>,
    /// A theme saved without a change keeps its generation.
    pub(super) changed_at: Generation,
}

impl ThemeState {
    pub(super) fn new(mut theme: Theme, parsed: templates::Parsed, changed_at: Generation) -> Self {
        let statics: Vec<(String, Bytes, String)> = std::mem::take(&mut theme.statics)
            .into_iter()
            .map(|(path, f)| (path, Arc::new(f.bytes), f.origin.display().to_string()))
            .collect();
        let hashes = statics
            .iter()
            .map(|(path, bytes, _)| (path.clone(), content_hash(bytes)))
            .collect();
        ThemeState {
            theme,
            parsed,
            statics,
            hashes,
            changed_at,
        }
    }

    /// Whether `theme` has the same files as this one.
    pub(super) fn same_as(&self, theme: &Theme) -> bool {
        let same = |a: &crate::theme::ThemeFile, b: &crate::theme::ThemeFile| {
            a.origin == b.origin && a.bytes == b.bytes
        };
        self.theme.templates.len() == theme.templates.len()
            && self
                .theme
                .templates
                .iter()
                .zip(&theme.templates)
                .all(|((n1, f1), (n2, f2))| n1 == n2 && same(f1, f2))
            && self.statics.len() == theme.statics.len()
            && self
                .statics
                .iter()
                .zip(&theme.statics)
                .all(|((p1, b1, o1), (p2, f2))| {
                    p1 == p2 && **b1 == f2.bytes && *o1 == f2.origin.display().to_string()
                })
    }
}

/// Templates compiled against the site's URLs.
pub(super) struct Compiled {
    pub(super) tera: Tera,
    pub(super) urls: Arc<Urls>,
    pub(super) templates: TemplateKeys,
    pub(super) theme_changed_at: Generation,
    /// The content the URLs were checked against (same URLs: not compiled
    /// again).
    pub(super) content_read_at: Generation,
    pub(super) urls_key: Key,
    /// Theme shortcodes rendered before are stale.
    pub(super) compiled_at: Generation,
    /// Where `get_page` and `get_section` find the documents.
    pub(super) content: Arc<templates::functions::ContentSlot>,
}

/// What was made for one document.
pub(super) struct DocCache {
    pub(super) source_path: String,
    pub(super) md: Option<MdEntry>,
    pub(super) anchors: Option<Anchors>,
    pub(super) summary: Option<Summary>,
    pub(super) output: Option<Output>,
}

/// The broken anchors of a document's links, when they were checked and
/// which documents they point into.
pub(super) struct Anchors {
    pub(super) check: AnchorCheck,
    pub(super) checked_at: Generation,
}

impl DocCache {
    pub(super) fn new(source_path: &str) -> Self {
        DocCache {
            source_path: source_path.to_string(),
            md: None,
            anchors: None,
            summary: None,
            output: None,
        }
    }

    pub(super) fn md(&self) -> &MdEntry {
        self.md.as_ref().expect("rendered before use")
    }
}

/// Each document's Markdown, rendered Markdown and view, in the order of
/// the documents (once every one is made).
pub(super) struct Views<'a> {
    pub(super) md: Vec<&'a MdEntry>,
    pub(super) rendered: Vec<&'a Rendered>,
    pub(super) summaries: Vec<&'a Summary>,
    docs: &'a [Document],
    urls: &'a Urls,
}

impl<'a> Views<'a> {
    pub(super) fn of(caches: &'a [DocCache], docs: &'a [Document], urls: &'a Urls) -> Self {
        let md: Vec<&MdEntry> = caches.iter().map(DocCache::md).collect();
        let rendered = md.iter().map(|e| &e.result.rendered).collect();
        let summaries = caches
            .iter()
            .map(|c| c.summary.as_ref().expect("views are made before use"))
            .collect();
        Views {
            md,
            rendered,
            summaries,
            docs,
            urls,
        }
    }

    /// Document `i`'s view for listings, made for each use: twenty-odd
    /// keys and values a document, too many to keep for every document of
    /// a large site while its pages are rendered (each use copied them
    /// anyway).
    pub(super) fn summary(&self, i: usize) -> Map<String, Value> {
        context::summary(&self.docs[i], self.rendered[i], self.urls)
    }
}

/// One document's Markdown and what it was rendered from.
pub(super) struct MdEntry {
    /// The document's text, shared with it.
    pub(super) body: Arc<str>,
    pub(super) body_line: usize,
    pub(super) result: MarkdownResult,
    /// What it may have looked up, as it was when rendered (`NEVER` for
    /// what it did not use).
    pub(super) lookups: Lookups,
    pub(super) rendered_at: Generation,
    /// Its HTML or table of contents.
    pub(super) content_changed_at: Generation,
    /// When it called a theme shortcode: the key of the `config` and `lang`
    /// shortcodes saw, and the fields of the document they saw (`page` or
    /// `section`). Boxed: most documents call none, and a `DocCache` per
    /// document is alive for the whole build.
    pub(super) shortcodes_saw: Option<Box<(Option<Key>, SummarySource)>>,
}

impl MdEntry {
    /// Its theme shortcodes, if any, would see the same `config`, `lang`
    /// and document (`shortcodes`: the key of what they see now).
    pub(super) fn shortcodes_still_see(&self, doc: &Document, shortcodes: Option<&Key>) -> bool {
        self.shortcodes_saw
            .as_ref()
            .is_none_or(|saw| saw.0.as_ref() == shortcodes && saw.1.matches(doc))
    }

    /// Still what rendering `doc` would give; brings its URLs' generation
    /// up to date when its `@/` links still resolve the same.
    pub(super) fn still_valid(&mut self, doc: &Document, now: &Lookups, urls: &Urls) -> bool {
        let uses = &self.result.uses;
        let saw = &self.lookups;
        let valid = (Arc::ptr_eq(&self.body, &doc.body) || self.body == doc.body)
            && self.body_line == doc.body_line
            && uses.anchor_links == doc.anchor_links
            && (!uses.pricing || saw.calc_changed_at == now.calc_changed_at)
            && (!uses.theme_shortcodes || saw.templates_compiled_at == now.templates_compiled_at)
            && (saw.urls_changed_at == now.urls_changed_at
                // An image's content changes its files' names, not its URL
                // (the image is processed again only if it changed).
                || (!uses.images
                    && uses
                        .page_urls
                        .iter()
                        .all(|(source, url)| urls.content(source) == *url)));
        if valid {
            self.lookups.urls_changed_at = now.urls_changed_at;
        }
        valid
    }
}

/// When what a document's Markdown may look up last changed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Lookups {
    /// `@/` links.
    pub(super) urls_changed_at: Generation,
    /// `calculateur()`, `chiffre()`, `exemple()`: the pricing data or the
    /// widget.
    pub(super) calc_changed_at: Generation,
    /// Theme shortcodes.
    pub(super) templates_compiled_at: Generation,
}

/// What a view was made from, and its key.
pub(super) type Seen = Box<(SummarySource, Key)>;

/// A document's view for listings, what it was made from, and the rebuild
/// that last changed it.
pub(super) struct Summary {
    /// What the view was made from, and the key of the view: a session
    /// compares them at its next rebuild; a one-shot build, which has
    /// none, neither makes nor keeps them (`None`; boxed, so that its
    /// `DocCache`s stay small).
    pub(super) seen: Option<Seen>,
    pub(super) md_rendered_at: Generation,
    pub(super) changed_at: Generation,
}

/// A rendered output and the key of what it was rendered from.
pub(super) struct Output {
    pub(super) key: Key,
    pub(super) result: Result<Bytes, Diagnostic>,
}

/// The last site built without error.
pub(super) struct SiteState {
    pub(super) files: Arc<SiteFiles>,
    pub(super) pages: usize,
    pub(super) sections: usize,
}

/// Stage durations.
pub(super) struct Timer {
    start: Instant,
    pub(super) laps: Timings,
}

impl Timer {
    pub(super) fn new() -> Self {
        Timer {
            start: Instant::now(),
            laps: Vec::new(),
        }
    }

    pub(super) fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.start));
        self.start = now;
    }
}
