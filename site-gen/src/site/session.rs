//! A build that remembers what it computed, so the next one after a change
//! redoes only what the change affects.
//!
//! [`Session::run`] is the list of stages: this file loads the sources and
//! compiles the templates against the URLs, `rebuild` holds the stages
//! that follow (Markdown, anchors, views, pages, extra outputs, assembly).
//! Each stage keeps its results with what they were made from:
//!
//! - inputs (`site.toml`, pricing data, theme, `content/`) are read again
//!   only when a changed path lies under them; a different `site.toml`
//!   starts everything again (but the widget);
//! - a document's Markdown is rendered again when its text changed, or when
//!   something it looked up while rendering changed: the URL of a page it
//!   links to (`@/`), the pricing data or widget (`calculateur()`,
//!   `chiffre()`, `exemple()`), the templates or any URL (theme shortcodes);
//! - a document's anchors are checked again when its Markdown or that of a
//!   page its links point into was rendered again, or when a document was
//!   added or removed; the problems of every document are reported at each
//!   rebuild, kept ones included;
//! - an output (a document with its template, the feed, the sitemap…) is
//!   rendered again when the key over everything its template sees changed:
//!   the sources of the templates it uses, the site config and every URL
//!   (templates may ask for any), its document's view and content, and the
//!   views of the documents it lists. Views carry a [`Generation`]: the
//!   rebuild that last changed them.
//!
//! The output map is assembled again in full, in the order of a full build,
//! so a rebuild's output and problems are those of a fresh build of the
//! same sources.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use calculator::Model;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::listings::Listings;
use super::rebuild::Rebuild;
use super::state::{
    Assets, Bytes, Compiled, Dirty, DocCache, Generation, Lookups, Output, SiteFiles, SiteState,
    ThemeState, Timer,
};
use super::{BuildOptions, BuiltSite, Timings};
use crate::config::{Config, CONFIG_FILE, HOME_FILE, ZOLA_CONFIG_FILE};
use crate::content::{self, Loaded, UrlPaths};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::junk::Skipped;
use crate::render::deps::{Key, KeyBuilder};
use crate::templates;
use crate::templates::TemplateKeys;
use crate::theme::Theme;
use crate::urls::{content_hash, Urls};
use crate::widget::{OnProgress, WidgetSlot};

/// What one build or rebuild did.
#[derive(Debug, Clone, Default)]
pub struct RebuildReport {
    /// Documents whose Markdown was rendered.
    pub markdown: usize,
    /// Documents (pages and sections) rendered with their template.
    pub pages: usize,
    /// Other outputs rendered: 404 page, sitemap, robots.txt, feed, redirects.
    pub others: usize,
    /// Output files added, changed or removed, sorted.
    pub changed: Vec<String>,
    /// The widget's WebAssembly was compiled (not taken from its cache).
    pub widget_compiled: bool,
    pub timings: Timings,
    /// What the build warns about: `[organisation]` values to fill in.
    pub warnings: Vec<Diagnostic>,
    /// Figures of the pricing model typed by hand (`check` shows them).
    pub typed_figures: Vec<Diagnostic>,
}

/// A site in memory and rebuilt on demand; see the module documentation.
pub struct Session {
    opts: BuildOptions,
    /// The root with symbolic links resolved (changed paths may use it).
    root_real: Option<PathBuf>,
    progress: OnProgress,
    /// The current rebuild (the generation of what it changes).
    now: Generation,
    dirty: Dirty,
    /// The last configuration read without error.
    config: Option<Config>,
    pricing: Option<Result<Option<Model>, Diagnostics>>,
    theme: Option<Result<ThemeState, Diagnostics>>,
    /// The theme's and site's files the last theme load left out (kept
    /// apart: a theme read again unchanged keeps its old state).
    theme_skipped: Vec<Skipped>,
    /// The content, with the rebuild that read it.
    loaded: Option<Result<(Loaded, Generation), Diagnostics>>,
    /// The Markdown files read, until they change.
    sources: content::SourceCache,
    assets: Assets,
    compiled: Option<Compiled>,
    /// The URL map (`@/` links rendered before are checked again).
    urls_changed_at: Generation,
    /// What the pricing shortcodes show (pricing data, widget).
    calc_changed_at: Generation,
    widget: WidgetSlot,
    /// The images of `content/` and of `resize_image`, made once a session
    /// (and cached on disk).
    images: Arc<crate::images::Store>,
    /// What was made for each document, in the order of `Loaded::docs`.
    docs: Vec<DocCache>,
    /// The list of documents (anchors checked before are checked again).
    doc_list_changed_at: Generation,
    /// 404 page, sitemap, robots.txt, feed, redirects, by name.
    extras: HashMap<String, Output>,
    site: Option<SiteState>,
    /// Where pages go as they are rendered (a one-shot build), instead of
    /// the site's files.
    sink: Option<Arc<dyn super::PageSink>>,
    /// The pages given to `sink`, with their size.
    written: std::collections::BTreeMap<String, usize>,
    /// What the taxonomy functions of the compiled templates answer.
    taxonomy_slot: super::taxonomies::Slot,
    /// The taxonomies' terms and URLs as templates see them (theme
    /// shortcodes rendered before are stale when they change).
    taxonomies_key: Option<Key>,
    taxonomies_changed_at: Generation,
}

impl Session {
    /// A session that has built nothing yet: its first [`rebuild`](Self::rebuild)
    /// builds everything.
    pub fn new(mut opts: BuildOptions) -> Self {
        // Compiled without the widget pipeline: a `--no-widget` build.
        opts.widget &= cfg!(feature = "widget");
        Session {
            root_real: opts.root.canonicalize().ok(),
            widget: WidgetSlot::for_site(&opts.root),
            images: Arc::new(match &opts.image_cache {
                Some(dir) => crate::images::Store::new(dir.clone()),
                None => crate::images::Store::in_user_cache(),
            }),
            opts,
            progress: Arc::new(|step| eprintln!("{step}")),
            now: Generation::NEVER,
            dirty: Dirty::ALL,
            config: None,
            pricing: None,
            theme: None,
            theme_skipped: Vec::new(),
            loaded: None,
            sources: content::SourceCache::default(),
            assets: HashMap::new(),
            compiled: None,
            urls_changed_at: Generation::NEVER,
            calc_changed_at: Generation::NEVER,
            docs: Vec::new(),
            doc_list_changed_at: Generation::NEVER,
            extras: HashMap::new(),
            site: None,
            sink: None,
            written: Default::default(),
            taxonomy_slot: Default::default(),
            taxonomies_key: None,
            taxonomies_changed_at: Generation::NEVER,
        }
    }

    /// Where the widget's slow steps are told (stderr by default).
    pub fn set_progress(&mut self, progress: OnProgress) {
        self.progress = progress;
    }

    /// Gives each page to `sink` as it is rendered instead of keeping it
    /// (see [`crate::build_into`]); the session's files then lack them.
    pub fn set_sink(&mut self, sink: Arc<dyn super::PageSink>) {
        self.sink = Some(sink);
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// The files of the last successful build.
    pub fn files(&self) -> Option<Arc<SiteFiles>> {
        self.site.as_ref().map(|s| Arc::clone(&s.files))
    }

    /// How many image files this session encoded (the others came from
    /// its memory or the disk cache).
    pub fn images_encoded(&self) -> usize {
        self.images.encoded()
    }

    /// Pages and sections of the last successful build.
    pub fn counts(&self) -> (usize, usize) {
        self.site.as_ref().map_or((0, 0), |s| (s.pages, s.sections))
    }

    /// Brings the site up to date after `changed` paths (files or folders,
    /// absolute or relative to the root) changed; builds everything the
    /// first time. On error, the last good files stay available through
    /// [`files`](Self::files) and the next rebuild starts from what did
    /// not fail.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<RebuildReport, Diagnostics> {
        for path in changed {
            self.mark(path);
        }
        self.run()
    }

    /// The last successful build, as [`crate::build`] returns it.
    pub fn into_built(mut self, report: RebuildReport) -> BuiltSite {
        let Some(site) = self.site.take() else {
            return BuiltSite::default();
        };
        let config = self.config.as_ref();
        let base_url = config.map_or("", Config::base_url).to_string();
        let precompress = config.is_some_and(|c| c.precompress);
        let written = std::mem::take(&mut self.written);
        let docs = std::mem::take(&mut self.docs).into_iter();
        let places = docs.map(|d| d.md.map(|m| m.result.rendered.places).unwrap_or_default());
        let mut skipped = std::mem::take(&mut self.theme_skipped);
        let one_shot = self.sink.is_some();
        let markdown = match self.loaded.take() {
            Some(Ok((loaded, _))) => {
                skipped.extend(loaded.skipped);
                if one_shot {
                    // Only `check` reads them, and it builds in memory.
                    // Freed beside the writing of the other files and the
                    // summary, with the documents' caches: tens of
                    // milliseconds for 100 000, mostly memory other threads
                    // allocated.
                    rayon::spawn(move || drop((loaded.docs, places)));
                    Default::default()
                } else {
                    super::MarkdownPage::by_output(loaded.docs, places)
                }
            }
            _ => Default::default(),
        };
        // Drop the caches first, so the files are not shared any more.
        drop(self);
        let files = Arc::try_unwrap(site.files).unwrap_or_else(|shared| (*shared).clone());
        BuiltSite {
            files: files
                .into_iter()
                .map(|(k, v)| (k, Arc::try_unwrap(v).unwrap_or_else(|b| (*b).clone())))
                .collect(),
            written,
            pages: site.pages,
            sections: site.sections,
            widget_compiled: report.widget_compiled,
            timings: report.timings,
            warnings: report.warnings,
            typed_figures: report.typed_figures,
            base_url,
            markdown,
            skipped,
            precompress,
        }
    }

    /// Notes which inputs `path` belongs to.
    fn mark(&mut self, path: &Path) {
        let root = self.opts.root.clone();
        let abs = if path.is_relative() {
            root.join(path)
        } else {
            path.to_path_buf()
        };
        let real = self.root_real.as_deref();
        let pricing = self.config.as_ref().map_or_else(
            || Config::default().pricing_data,
            |c| c.pricing_data.clone(),
        );
        let pricing = root.join(pricing);
        if abs == pricing || pricing.canonicalize().is_ok_and(|p| p == abs) {
            self.dirty.pricing = true;
            return;
        }
        let rel = abs
            .strip_prefix(&root)
            .ok()
            .or_else(|| real.and_then(|r| abs.strip_prefix(r).ok()));
        let Some(rel) = rel else {
            // The widget's sources are carried by the binary: no file
            // outside the site changes it.
            if root.starts_with(&abs) || real.is_some_and(|r| r.starts_with(&abs)) {
                self.forget(true);
            }
            return;
        };
        let first = rel.components().next().and_then(|c| c.as_os_str().to_str());
        match first {
            None => self.forget(true),
            Some(CONFIG_FILE | ZOLA_CONFIG_FILE) if rel.components().count() == 1 => {
                self.dirty.config = true
            }
            Some("content") => {
                self.dirty.content = true;
                // A site.toml without `title` takes the home page's.
                if rel == Path::new(HOME_FILE) {
                    self.dirty.config = true;
                }
                // The pricing data may live there under another spelling.
                self.dirty.pricing = true;
                let under = root.join(rel);
                self.sources.forget(&under);
                self.assets.retain(|source, _| !source.starts_with(&under));
            }
            Some("themes" | "templates" | "static") => self.dirty.theme = true,
            // Nothing else is read by a build.
            _ => {}
        }
    }

    /// Forgets everything computed (but the widget, unless `widget`).
    fn forget(&mut self, widget: bool) {
        self.dirty = Dirty {
            widget: widget || self.dirty.widget,
            ..Dirty::ALL
        };
        self.pricing = None;
        self.theme = None;
        self.loaded = None;
        self.sources = content::SourceCache::default();
        self.assets.clear();
        self.compiled = None;
        self.docs.clear();
        self.extras.clear();
    }

    /// Brings every stage up to date, each from what the last one kept.
    fn run(&mut self) -> Result<RebuildReport, Diagnostics> {
        self.now = self.now.next();
        self.widget.take_compiled();
        let mut timer = Timer::new();

        let config = self.load_config()?;
        let pricing_problem = self.load_sources(&config)?;
        timer.lap("lecture des sources");
        let menu = self.place_and_compile(&config, pricing_problem)?;
        timer.lap("adresses et gabarits");

        let listings = self.listings(&config);
        let taken = self.sink.is_some().then(|| self.take_bodies());
        let mut build = self.stages_after_compiling(&config);
        let (markdown, mut problems) = build.render_markdown(taken, &menu);
        problems.extend(build.check_anchors().0);
        timer.lap("markdown");
        let listings = listings.map_err(|d| problems.extend(d.0));
        problems.into_result()?;
        let listings = listings.unwrap_or_default();
        if self.sink.is_some() {
            self.forget_link_targets();
        }
        let mut build = self.stages_after_compiling(&config);
        build.build_views();
        let globals = build.template_globals(menu, listings);
        timer.lap("vues");
        let (pages, mut outputs, site_wide) = build.render_pages(&globals)?;
        timer.lap("pages");
        let others = build.render_extras(&globals, site_wide, &mut outputs);
        build.add_static_files(&mut outputs);
        let files = build.check_outputs(outputs)?;
        timer.lap("autres fichiers");
        let report = build.assemble(files);
        timer.lap("assemblage");
        Ok(RebuildReport {
            markdown,
            pages,
            others,
            timings: timer.laps,
            ..report
        })
    }

    /// `site.toml` (and `--base-url`), read again when it changed; a
    /// different one forgets everything computed.
    fn load_config(&mut self) -> Result<Config, Diagnostics> {
        if self.dirty.config {
            let mut config = Config::load(&self.opts.root)?;
            if let Some(base) = &self.opts.base_url {
                config.base_url = base.clone();
                config.validate(Path::new("--base-url"))?;
            }
            if self.config.as_ref() != Some(&config) {
                self.forget(false);
                self.config = Some(config);
            }
            self.dirty.config = false;
        }
        match &self.config {
            Some(config) => Ok(config.clone()),
            None => Err(Diagnostic::new(CONFIG_FILE, "configuration non lue").into()),
        }
    }

    /// Reads again the inputs under a changed path: the widget's sources,
    /// the pricing data, the theme, `content/` and the files it copies.
    /// Fails with every problem of loading when the theme or the content
    /// could not be loaded; otherwise returns the pricing data's problem,
    /// which does not stop the next stage and is reported with its own.
    fn load_sources(&mut self, config: &Config) -> Result<Diagnostics, Diagnostics> {
        if self.dirty.widget || (self.opts.widget && self.widget.failed()) {
            self.widget.reset();
            self.calc_changed_at = self.now;
            self.dirty.widget = false;
        }
        let pricing_path = self.opts.root.join(&config.pricing_data);
        if self.dirty.pricing {
            self.load_pricing(&pricing_path);
        }
        // The theme and the content are independent: read side by side.
        let (opts, now, old_theme) = (&self.opts, self.now, &self.theme);
        let one_shot = self.sink.is_some();
        let sources = &mut self.sources;
        let (theme, content) = rayon::join(
            || (self.dirty.theme).then(|| read_theme(&opts.root, config, old_theme, now)),
            || {
                (self.dirty.content)
                    .then(|| read_content(opts, config, pricing_path, one_shot, sources))
            },
        );
        if let Some(theme) = theme {
            self.set_theme(theme);
        }
        if let Some(loaded) = content {
            self.set_content(loaded);
        }
        let mut problems = Diagnostics::default();
        if let Some(Err(d)) = &self.pricing {
            problems.extend(d.iter().cloned());
        }
        if let Some(Err(d)) = &self.theme {
            problems.extend(d.0.iter().cloned());
        }
        if let Some(Err(d)) = &self.loaded {
            problems.extend(d.0.iter().cloned());
        }
        let Some((_, loaded, _)) = ready(&self.theme, &self.loaded) else {
            return Err(problems.into_result().err().unwrap_or_default());
        };
        for asset in &loaded.assets {
            self.assets
                .entry(asset.source.clone())
                .or_insert_with(|| read_asset(&asset.source));
        }
        Ok(problems)
    }

    fn load_pricing(&mut self, path: &Path) {
        let pricing = crate::pricing::load(&self.opts.root, path);
        if self.pricing.as_ref() != Some(&pricing) {
            self.calc_changed_at = self.now;
        }
        self.pricing = Some(pricing);
        self.dirty.pricing = false;
    }

    fn set_theme(&mut self, (skipped, state): ThemeRead) {
        if let Some(skipped) = skipped {
            self.theme_skipped = skipped;
        }
        if let Some(state) = state {
            self.theme = Some(state);
        }
        self.dirty.theme = false;
    }

    fn set_content(&mut self, loaded: Result<Loaded, Diagnostics>) {
        if let Ok(loaded) = &loaded {
            self.align(loaded);
        }
        let old = self.loaded.replace(loaded.map(|l| (l, self.now)));
        // Freeing a thousand documents takes a while: not on the way.
        rayon::spawn(move || drop(old));
        self.dirty.content = false;
    }

    /// Takes the Markdown texts from the documents, in a one-shot build (no
    /// rebuild will compare them), so each is freed once rendered: the
    /// largest input held.
    fn take_bodies(&mut self) -> Vec<Arc<str>> {
        let empty: Arc<str> = Arc::from("");
        let Some(Ok((loaded, _))) = &mut self.loaded else {
            return Vec::new();
        };
        loaded
            .docs
            .iter_mut()
            .map(|doc| std::mem::replace(&mut doc.body, Arc::clone(&empty)))
            .collect()
    }

    /// Frees what only the anchor checks read (each document's links and
    /// heading ids), in a one-shot build once they are done; in parallel:
    /// each thread frees faster what it allocated.
    fn forget_link_targets(&mut self) {
        self.docs
            .par_iter_mut()
            .with_max_len(crate::DOCS_PER_TASK)
            .filter_map(|c| c.md.as_mut())
            .for_each(|md| {
                md.result.rendered.links = Vec::new();
                md.result.rendered.heading_ids = Vec::new();
            });
    }

    /// Lines up what was kept for each document with `loaded`'s documents
    /// (by source path), dropping what was kept for documents and files no
    /// longer there.
    fn align(&mut self, loaded: &Loaded) {
        let same = self.docs.len() == loaded.docs.len()
            && self
                .docs
                .iter()
                .zip(&loaded.docs)
                .all(|(c, d)| c.source_path == d.source_path);
        if !same {
            self.doc_list_changed_at = self.now;
            self.docs = if self.docs.is_empty() {
                // A first build: nothing to keep, each made in parallel
                // (100 000 documents: 30 ms on one thread).
                loaded
                    .docs
                    .par_iter()
                    .map(|d| DocCache::new(&d.source_path))
                    .collect()
            } else {
                // FxHash: the site's own paths, 100 000 looked up on one
                // thread for a large site.
                let mut old: FxHashMap<String, DocCache> = self
                    .docs
                    .drain(..)
                    .map(|c| (c.source_path.clone(), c))
                    .collect();
                loaded
                    .docs
                    .iter()
                    .map(|d| {
                        old.remove(&d.source_path)
                            .unwrap_or_else(|| DocCache::new(&d.source_path))
                    })
                    .collect()
            };
        }
        let assets: HashSet<&Path> = loaded.assets.iter().map(|a| a.source.as_path()).collect();
        self.assets.retain(|s, _| assets.contains(s.as_path()));
    }

    /// Places every document and file (the URL map) and compiles the
    /// templates against it, again when the theme or a URL changed; then
    /// resolves the menu. Fails with this stage's problems and
    /// `problems` (the pricing data's).
    fn place_and_compile(
        &mut self,
        config: &Config,
        mut problems: Diagnostics,
    ) -> Result<Vec<(String, String)>, Diagnostics> {
        let Some((theme, loaded, read_at)) = ready(&self.theme, &self.loaded) else {
            return Err(problems);
        };
        let fresh = self.compiled.as_ref().is_some_and(|c| {
            c.theme_changed_at == theme.changed_at && c.content_read_at == read_at
        });
        if !fresh {
            let content = self.opts.root.join("content");
            let (by_source, hashes, files) = url_inputs(theme, loaded, &self.assets, &content);
            // A one-shot build is not rebuilt: its key (a hash over every
            // page's source and path, on one thread) would never be compared.
            let urls_key = match self.sink {
                Some(_) => Key::default(),
                None => urls_key(config, loaded, &hashes, &files),
            };
            match &mut self.compiled {
                Some(c) if c.theme_changed_at == theme.changed_at && c.urls_key == urls_key => {
                    c.content_read_at = read_at;
                }
                _ => {
                    if self
                        .compiled
                        .as_ref()
                        .is_none_or(|c| c.urls_key != urls_key)
                    {
                        self.urls_changed_at = self.now;
                    }
                    let urls =
                        Arc::new(Urls::new(config.base_url(), by_source, hashes).with_files(files));
                    let functions = crate::images::functions::Functions {
                        store: Arc::clone(&self.images),
                        root: self.opts.root.clone(),
                        urls: Arc::clone(&urls),
                    };
                    let readers =
                        templates::SiteReaders::new(self.opts.root.clone(), Arc::clone(&urls));
                    let mut tera = theme.parsed.bind_for_site(
                        Arc::clone(&urls),
                        Arc::new(functions),
                        &readers,
                    );
                    super::taxonomies::register(&mut tera, Arc::clone(&self.taxonomy_slot));
                    let md_opts = crate::markdown::MarkdownOptions {
                        french_typography: config.french_typography,
                        raw_html: config.raw_html,
                    };
                    crate::markdown::filter::register(&mut tera, Arc::clone(&urls), md_opts);
                    self.compiled = Some(Compiled {
                        templates: TemplateKeys::new(&tera, &theme.theme),
                        tera,
                        urls,
                        theme_changed_at: theme.changed_at,
                        content_read_at: read_at,
                        urls_key,
                        compiled_at: self.now,
                        content: readers.content,
                    });
                }
            }
        }
        let Some(compiled) = &self.compiled else {
            return Err(problems);
        };
        let menu = resolve_menu(config, &compiled.urls).map_err(|d| problems.extend(d.0));
        problems.into_result()?;
        Ok(menu.unwrap_or_default())
    }

    /// The paginated sections, section feeds and taxonomies (or the
    /// problems of their settings); what the taxonomy functions answer
    /// while the Markdown is rendered (terms and their URLs: their pages
    /// are known once views are made, see `Rebuild::template_globals`).
    fn listings(&mut self, config: &Config) -> Result<Listings, Diagnostics> {
        let (Some((_, loaded, _)), Some(compiled)) =
            (ready(&self.theme, &self.loaded), &self.compiled)
        else {
            return Err(Diagnostics::default());
        };
        let listings = Listings::of(config, loaded)?;
        let (for_templates, key) = listings.taxonomies.for_templates(
            &config.language,
            &compiled.urls,
            None,
            &|_| 0,
            &loaded.docs,
        );
        *self
            .taxonomy_slot
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::new(for_templates);
        if self.taxonomies_key != Some(key) {
            self.taxonomies_key = Some(key);
            self.taxonomies_changed_at = self.now;
        }
        Ok(listings)
    }

    /// The session split for the stages after compiling: what they read,
    /// and the caches they update. Panics unless the sources are loaded and
    /// the templates compiled (`run` calls it once those stages succeeded).
    fn stages_after_compiling<'a>(&'a mut self, config: &'a Config) -> Rebuild<'a> {
        let (theme, loaded, _) = ready(&self.theme, &self.loaded).expect("sources loaded");
        let compiled = self.compiled.as_ref().expect("templates compiled");
        let pricing = self.pricing.as_ref().and_then(|p| p.as_ref().ok());
        Rebuild {
            now: self.now,
            lookups: Lookups {
                urls_changed_at: self.urls_changed_at,
                calc_changed_at: self.calc_changed_at,
                // Theme shortcodes may ask for the taxonomies' URLs.
                templates_compiled_at: compiled.compiled_at.max(self.taxonomies_changed_at),
            },
            doc_list_changed_at: self.doc_list_changed_at,
            opts: &self.opts,
            progress: &self.progress,
            config,
            pricing: pricing.and_then(Option::as_ref),
            theme,
            loaded,
            assets: &self.assets,
            compiled,
            widget: &mut self.widget,
            images: &self.images,
            docs: &mut self.docs,
            extras: &mut self.extras,
            site: &mut self.site,
            sink: self.sink.as_deref(),
            written: &mut self.written,
            taxonomy_slot: &self.taxonomy_slot,
        }
    }
}

/// What [`read_theme`] gives: the files left out, and the theme parsed
/// (`None`: the same files as `old`, nothing to parse or render again).
type ThemeRead = (
    Option<Vec<Skipped>>,
    Option<Result<ThemeState, Diagnostics>>,
);

/// The theme's files, parsed unless they are those of `old`.
fn read_theme(
    root: &Path,
    config: &Config,
    old: &Option<Result<ThemeState, Diagnostics>>,
    now: Generation,
) -> ThemeRead {
    let theme = Theme::load(root, config);
    let skipped = theme.as_ref().ok().map(|t| t.skipped.clone());
    let same = matches!((old, &theme), (Some(Ok(old)), Ok(new)) if old.same_as(new));
    // Parsed here, so template errors are reported with the content's, in
    // the same build.
    let state = (!same).then(|| {
        theme.and_then(|t| {
            let parsed = templates::parse(&t)?;
            Ok(ThemeState::new(t, parsed, now))
        })
    });
    (skipped, state)
}

/// The content; a one-shot build reads each file once, with nothing to
/// keep for later, a session only the files `sources` does not hold.
fn read_content(
    opts: &BuildOptions,
    config: &Config,
    pricing_path: PathBuf,
    one_shot: bool,
    sources: &mut content::SourceCache,
) -> Result<Loaded, Diagnostics> {
    let junk = config.junk();
    let options = content::LoadOptions {
        root: &opts.root,
        include_drafts: opts.include_drafts,
        urls: UrlPaths {
            style: config.url_style,
        },
        skip: vec![pricing_path],
        site_title: &config.title,
        french_typography: config.french_typography,
        junk: &junk,
    };
    if one_shot {
        content::load(&options)
    } else {
        content::load_cached(&options, sources)
    }
}

/// The theme and the content, once both are loaded.
fn ready<'a>(
    theme: &'a Option<Result<ThemeState, Diagnostics>>,
    loaded: &'a Option<Result<(Loaded, Generation), Diagnostics>>,
) -> Option<(&'a ThemeState, &'a Loaded, Generation)> {
    match (theme, loaded) {
        (Some(Ok(theme)), Some(Ok((loaded, read_at)))) => Some((theme, loaded, *read_at)),
        _ => None,
    }
}

fn read_asset(path: &Path) -> Result<(Bytes, String), Diagnostic> {
    // The walk of content/ checked where `path` leads; reading checks
    // again that it is a regular file (a named pipe would block the build).
    crate::inputs::read_regular(path)
        .map(|bytes| {
            let hash = content_hash(&bytes);
            (Arc::new(bytes), hash)
        })
        .map_err(|e| {
            let why = match e {
                // Shown after « lecture impossible : » already.
                crate::inputs::Refusal::Io(e) => e.to_string(),
                refusal => refusal.to_string(),
            };
            Diagnostic::new(path, format!("lecture impossible : {why}"))
        })
}

type UrlInputs = (
    HashMap<String, String>,
    HashMap<String, String>,
    HashMap<String, String>,
);

/// The URL map's inputs: page paths by source, asset hashes, the output
/// files of the files `content/` copies by their path in it.
fn url_inputs(theme: &ThemeState, loaded: &Loaded, assets: &Assets, content: &Path) -> UrlInputs {
    let mut hashes: HashMap<String, String> = theme.hashes.iter().cloned().collect();
    for asset in &loaded.assets {
        if let Some(Ok((_, hash))) = assets.get(&asset.source) {
            hashes.insert(asset.output.clone(), hash.clone());
        }
    }
    // `render = false`: no page, so no address to link to.
    let rendered = || loaded.docs.iter().filter(|d| d.is_rendered());
    // Sized once: a filtered iterator gives no size hint.
    let mut by_source = HashMap::with_capacity(loaded.docs.len());
    by_source.extend(rendered().map(|d| (d.source_path.clone(), d.path.clone())));
    let files: HashMap<String, String> = loaded
        .assets
        .iter()
        .filter_map(|a| {
            Some((
                source_path(a.source.strip_prefix(content).ok()?)?,
                a.output.clone(),
            ))
        })
        .collect();
    (by_source, hashes, files)
}

/// The key of the URL map's inputs ([`url_inputs`]).
fn urls_key(
    config: &Config,
    loaded: &Loaded,
    hashes: &HashMap<String, String>,
    files: &HashMap<String, String>,
) -> Key {
    let rendered = || loaded.docs.iter().filter(|d| d.is_rendered());
    let mut key = KeyBuilder::new("urls");
    key.str(config.base_url());
    // The documents in their load order (the walk's, sorted): no sort of
    // the whole map.
    key.u64(rendered().count() as u64);
    for d in rendered() {
        key.str(&d.source_path).str(&d.path);
    }
    for map in [hashes, files] {
        let mut sorted: Vec<(&String, &String)> = map.iter().collect();
        sorted.sort();
        key.u64(sorted.len() as u64);
        for (k, v) in sorted {
            key.str(k).str(v);
        }
    }
    key.finish()
}

/// A path relative to `content/` as links write it (`images/photo.png`).
fn source_path(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// The menu of the config, every URL resolved (`@/` links checked).
fn resolve_menu(config: &Config, urls: &Urls) -> Result<Vec<(String, String)>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut menu = Vec::new();
    for item in &config.menu {
        match urls.resolve(&item.url) {
            Ok(url) => {
                let name = if config.french_typography {
                    crate::markdown::french_spacing(&item.name)
                } else {
                    item.name.clone()
                };
                menu.push((name, url));
            }
            Err(e) => diags.push(Diagnostic::new(
                CONFIG_FILE,
                format!("menu « {} » : {e}", item.name),
            )),
        }
    }
    diags.into_result().map(|()| menu)
}
