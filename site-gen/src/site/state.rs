//! What a session keeps between rebuilds: the state of each input and
//! stage (theme, compiled templates, each document's Markdown, anchors,
//! view and output), the last good site, and the stage timer.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{Map, Value};
use tera::Tera;

use super::Timings;
use crate::content::Document;
use crate::diagnostics::Diagnostic;
use crate::render::context::SummarySource;
use crate::render::deps::{Key, TemplateKeys};
use crate::render::{AnchorCheck, MarkdownResult};
use crate::theme::Theme;
use crate::urls::{content_hash, Urls};

/// Output files by path, shared with whoever serves them.
pub type SiteFiles = BTreeMap<String, Bytes>;
pub(super) type Bytes = Arc<Vec<u8>>;

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
    /// (output path, bytes, origin as shown).
    pub(super) statics: Vec<(String, Bytes, String)>,
    pub(super) hashes: Vec<(String, String)>,
    pub(super) gen: u64,
}

impl ThemeState {
    pub(super) fn new(mut theme: Theme, gen: u64) -> Self {
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
            statics,
            hashes,
            gen,
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
    pub(super) theme_gen: u64,
    pub(super) loaded_gen: u64,
    pub(super) urls_key: Key,
    /// When it was compiled (theme shortcodes rendered before are stale).
    pub(super) gen: u64,
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
    pub(super) checked_at: u64,
}

impl DocCache {
    pub(super) fn md(&self) -> &MdEntry {
        self.md.as_ref().expect("rendered before use")
    }
}

/// One document's Markdown and what it was rendered from.
pub(super) struct MdEntry {
    pub(super) body: String,
    pub(super) body_line: usize,
    pub(super) result: MarkdownResult,
    pub(super) urls_gen: u64,
    pub(super) calc_gen: u64,
    pub(super) tera_gen: u64,
    /// The rebuild that rendered it.
    pub(super) rendered_at: u64,
    /// The rebuild that last changed its HTML or table of contents.
    pub(super) content_gen: u64,
}

impl MdEntry {
    /// Still what rendering `doc` would give; brings `urls_gen` up to date
    /// when its `@/` links still resolve the same.
    pub(super) fn still_valid(&mut self, doc: &Document, now: &Generations, urls: &Urls) -> bool {
        let uses = &self.result.uses;
        let valid = self.body == doc.body
            && self.body_line == doc.body_line
            && (!uses.pricing || self.calc_gen == now.calc)
            && (!uses.theme_shortcodes || self.tera_gen == now.tera)
            && (self.urls_gen == now.urls
                || uses
                    .page_urls
                    .iter()
                    .all(|(source, url)| urls.page(source) == *url));
        if valid {
            self.urls_gen = now.urls;
        }
        valid
    }
}

pub(super) struct Generations {
    pub(super) urls: u64,
    pub(super) calc: u64,
    pub(super) tera: u64,
}

/// A document's view for listings, what it was made from, and the rebuild
/// that last changed it.
pub(super) struct Summary {
    pub(super) source: SummarySource,
    pub(super) md_rendered_at: u64,
    pub(super) map: Map<String, Value>,
    pub(super) gen: u64,
}

/// A rendered output and the key of what it was rendered from.
pub(super) struct Output {
    pub(super) key: Key,
    pub(super) result: Result<Bytes, Diagnostic>,
}

/// The last site built without error.
pub(super) struct SiteState {
    pub(super) files: Arc<SiteFiles>,
    pub(super) sources: BTreeMap<String, PathBuf>,
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
