//! The site's content: every Markdown file under `content/` loaded into
//! pages and sections, with their URLs, before anything is rendered.

pub mod front_matter;
mod load;
pub(crate) mod paths;

pub use load::{load, load_cached, Asset, LoadOptions, Loaded, SourceCache};
pub use paths::{alias_output, BadAlias, BadAliasReason, BadOutputPath, BadPagePath, UrlPaths};

use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;

use front_matter::{AnchorLinks, FrontMatter, SortBy};

/// Whether a document is a page or a section (`_index.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Page,
    Section,
}

/// One Markdown file, loaded and placed but not yet rendered.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: Kind,
    /// Path shown to the user, e.g. `content/services/assistance.md`.
    pub file: PathBuf,
    /// Source path relative to `content/` with `/` separators, as used by
    /// `@/` links: `services/assistance.md`, `_index.md`.
    pub source_path: String,
    /// Boxed: a document (and the parsed file before it) moves between
    /// the loader's lists 100 000 times for a large site.
    pub meta: Box<FrontMatter>,
    pub title: String,
    pub slug: String,
    /// URL path from the site root: `/services/assistance/`.
    pub path: String,
    /// Output file relative to the output folder: `services/assistance/index.html`.
    pub output: String,
    /// Shared with the load cache and the session's Markdown cache: one
    /// copy of each text.
    pub body: Arc<str>,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
    /// Index of the section this document belongs to (none for the home page).
    pub parent: Option<usize>,
    /// Sections only: their pages (sorted; a transparent sub-section's
    /// pages too, as in Zola) and sub-sections.
    pub pages: Vec<usize>,
    pub subsections: Vec<usize>,
    /// Pages: the `page_template` of the nearest section above that sets
    /// one (used when the page sets no `template`).
    pub page_template: Option<String>,
    /// Where its headings get a `#` link: its own section's
    /// `insert_anchor_links` (a page: its section's).
    pub anchor_links: AnchorLinks,
    /// The files of its folder (a page bundle `dossier/index.md`, or a
    /// section's folder), as Zola gives them: `/a-propos/photo.png`.
    pub assets: Vec<String>,
}

impl Document {
    pub fn is_section(&self) -> bool {
        self.kind == Kind::Section
    }

    pub fn date(&self) -> Option<Date> {
        self.meta.date
    }

    /// The last time the document changed, for the sitemap and feed.
    pub fn last_modified(&self) -> Option<Date> {
        self.meta.updated.or(self.meta.date)
    }

    pub fn sort_by(&self) -> Option<SortBy> {
        self.meta.sort_by
    }

    /// Whether it has an output file (`render = false`: none, as in Zola;
    /// it is still listed and seen by templates).
    pub fn is_rendered(&self) -> bool {
        self.meta.render
    }

    /// A section's `redirect_to`: its page sends the reader there.
    pub fn redirect_to(&self) -> Option<&str> {
        match self.kind {
            Kind::Section => self.meta.redirect_to.as_deref(),
            Kind::Page => None,
        }
    }

    /// Whether the sitemap lists it: published, and not a redirect.
    pub fn in_sitemap(&self) -> bool {
        self.is_rendered() && self.redirect_to().is_none()
    }
}
