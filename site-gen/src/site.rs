//! Builds, in memory: load everything, check it, render it. Writing to
//! disk is `output`'s job, so `serve` and `check` share this code.
//!
//! Every build is a [`Session`]: `build` is a session's first (full) build;
//! `serve` keeps its session and rebuilds only what a change affects.

mod extras;
mod listings;
mod outputs;
mod rebuild;
mod session;
mod state;
mod taxonomies;
#[cfg(test)]
mod tests;
mod warnings;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::diagnostics::Diagnostics;
pub use crate::widget::OnProgress;
pub use outputs::MAX_NAME;
pub use session::{RebuildReport, Session};
pub use state::SiteFiles;

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holding `content/`, and optionally `site.toml`,
    /// `themes/`, `templates/`, `static/`).
    pub root: PathBuf,
    pub include_drafts: bool,
    /// Replaces `base_url` of the config (preview deployments, `serve`).
    pub base_url: Option<String>,
    /// Compile the calculator's WebAssembly when a page uses it; without it
    /// the page keeps its pre-rendered calculator and static table.
    pub widget: bool,
    /// Where processed images are cached; `None`: `images/` in site-gen's
    /// cache folder (tests give a folder of their own).
    pub image_cache: Option<PathBuf>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            include_drafts: false,
            base_url: None,
            widget: true,
            image_cache: None,
        }
    }
}

/// Time spent in each stage of a build, in order (`--verbose`).
pub type Timings = Vec<(&'static str, Duration)>;

/// Where a one-shot build puts each page as soon as it is rendered, instead
/// of keeping it ([`build_into`]: `build` writes it to its staging folder).
pub trait PageSink: Send + Sync {
    /// Called from the rendering threads, once for each page (a document
    /// with its template) at `path`; `precompress` is `site.toml`'s.
    fn page(&self, path: &str, bytes: &[u8], precompress: bool);
}

/// A built site: every output file by its path relative to the output folder.
#[derive(Debug, Default)]
pub struct BuiltSite {
    /// The files, but those given to a [`PageSink`] (see `written`).
    pub files: BTreeMap<String, Vec<u8>>,
    /// The pages given to a [`PageSink`] as they were rendered, with their
    /// size in bytes (none without a sink).
    pub written: BTreeMap<String, usize>,
    pub pages: usize,
    pub sections: usize,
    /// True when the widget's WebAssembly was compiled (not taken from cache).
    pub widget_compiled: bool,
    pub timings: Timings,
    /// Problems that do not stop the build (errors with `--strict`).
    pub warnings: Vec<crate::Diagnostic>,
    /// Figures of the pricing model typed by hand in undated pages
    /// (`check` warns about them).
    pub typed_figures: Vec<crate::Diagnostic>,
    /// The `base_url` the pages were built with (no trailing slash).
    pub base_url: String,
    /// Each page made from Markdown, by output path: what `check` needs to
    /// point a problem of the output at the Markdown (none when the pages
    /// were given to a [`PageSink`]: `check` builds in memory).
    pub markdown: BTreeMap<String, MarkdownPage>,
    /// Files left out as junk or by `ignore` (`--verbose` lists them).
    pub skipped: Vec<crate::junk::Skipped>,
    /// `site.toml`'s `precompress`: writing adds `.gz` and `.br` siblings
    /// ([`crate::output::write_built`]).
    pub precompress: bool,
}

impl BuiltSite {
    /// Every output file's path and size, sorted by path, written ones included.
    pub fn file_sizes(&self) -> Vec<(&str, usize)> {
        let mut sizes: Vec<(&str, usize)> = output_sizes(&self.files, &self.written).collect();
        sizes.sort_unstable();
        sizes
    }
}

/// Every output file's path and size: those of `files`, then the pages
/// `written` as they were rendered.
fn output_sizes<'f, B: AsRef<Vec<u8>>>(
    files: &'f BTreeMap<String, B>,
    written: &'f BTreeMap<String, usize>,
) -> impl Iterator<Item = (&'f str, usize)> {
    let files = files
        .iter()
        .map(|(path, bytes)| (path.as_str(), bytes.as_ref().len()));
    files.chain(written.iter().map(|(path, &size)| (path.as_str(), size)))
}

/// A page made from Markdown, as the build read and rendered it.
#[derive(Debug, Clone, Default)]
pub struct MarkdownPage {
    /// As shown to the user: `content/services.md`.
    pub file: PathBuf,
    /// Where the Markdown writes each link and id of the page's HTML, as the
    /// renderer recorded them.
    pub places: crate::markdown::Places,
}

impl MarkdownPage {
    /// The pages of `docs`, `places[i]` being what rendering `docs[i]` recorded.
    pub(crate) fn by_output(
        docs: Vec<crate::content::Document>,
        places: impl Iterator<Item = crate::markdown::Places>,
    ) -> BTreeMap<String, MarkdownPage> {
        docs.into_iter()
            .zip(places)
            .map(|(doc, places)| {
                let page = MarkdownPage {
                    file: doc.file,
                    places,
                };
                (doc.output, page)
            })
            .collect()
    }
}

/// Builds the site at `opts.root` in memory; the widget's slow steps are
/// announced on stderr.
pub fn build(opts: &BuildOptions) -> Result<BuiltSite, Diagnostics> {
    build_with_progress(opts, Arc::new(|step| eprintln!("{step}")))
}

/// Like [`build`], telling `progress` about the widget's slow steps.
pub fn build_with_progress(
    opts: &BuildOptions,
    progress: OnProgress,
) -> Result<BuiltSite, Diagnostics> {
    let mut session = Session::new(opts.clone());
    session.set_progress(progress);
    let report = session.rebuild(&[])?;
    Ok(session.into_built(report))
}

/// Like [`build_with_progress`], giving each page to `sink` as soon as it
/// is rendered rather than keeping it in the returned site's `files`
/// (their paths and sizes are in its `written`): a one-shot build that
/// never holds the whole site in memory.
pub fn build_into(
    opts: &BuildOptions,
    progress: OnProgress,
    sink: Arc<dyn PageSink>,
) -> Result<BuiltSite, Diagnostics> {
    let mut session = Session::new(opts.clone());
    session.set_progress(progress);
    session.set_sink(sink);
    let report = session.rebuild(&[])?;
    Ok(session.into_built(report))
}
