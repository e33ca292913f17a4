//! A build that remembers what it computed, so the next one after a change
//! redoes only what the change affects.
//!
//! Each stage keeps its results with what they were made from:
//!
//! - inputs (`site.toml`, pricing data, theme, `content/`) are read again
//!   only when a changed path lies under them; a different `site.toml`
//!   starts everything again (but the widget);
//! - a document's Markdown is rendered again when its text changed, or when
//!   something it looked up while rendering changed: the URL of a page it
//!   links to (`@/`), the pricing data or widget (`calculateur()`), the
//!   theme or any URL (theme shortcodes);
//! - an output (a document with its template, the feed, the sitemap…) is
//!   rendered again when the key over everything its template sees changed:
//!   the sources of the templates it uses, the site config and every URL
//!   (templates may ask for any), its document's view and content, and the
//!   views of the documents it lists. Views carry a generation: the rebuild
//!   that last changed them.
//!
//! Anchors are checked over every document at each rebuild (cheap, from the
//! kept heading ids and links), and the output map is assembled again in
//! the same order as a full build, so a rebuild's output and problems are
//! those of a fresh build of the same sources.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use calculator::Model;
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use tera::Context;

use super::extras::{feed_pages, fields, sitemap_entries, Extras};
use super::state::{
    Anchors, Bytes, Compiled, Dirty, DocCache, Generations, MdEntry, Output, SiteFiles, SiteState,
    Summary, ThemeState, Timer,
};
use super::{outputs, warnings, BuildOptions, BuiltSite, Timings};
use crate::config::{Config, CONFIG_FILE};
use crate::content::{self, Kind, Loaded, UrlPaths};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{MarkdownOptions, Rendered};
use crate::render::context::{self, SummarySource};
use crate::render::deps::{Key, KeyBuilder, TemplateKeys};
use crate::render::env::SiteEnv;
use crate::render::{self, AnchorCheck, DocView, MarkdownResult};
use crate::templates;
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
    /// Rebuilds so far: the generation of what the current one changes.
    rev: u64,
    dirty: Dirty,
    /// The last configuration read without error.
    config: Option<Config>,
    pricing: Option<Result<Option<Model>, Diagnostic>>,
    theme: Option<Result<ThemeState, Diagnostics>>,
    loaded: Option<Result<(Loaded, u64), Diagnostics>>,
    /// The Markdown files read, until they change.
    sources: content::SourceCache,
    /// Files of `content/` that are copied: bytes and hash, or the error.
    assets: HashMap<PathBuf, Result<(Bytes, String), String>>,
    compiled: Option<Compiled>,
    /// Generation of the URLs (`@/` links rendered before it are checked).
    urls_gen: u64,
    /// Generation of what the pricing shortcodes show (pricing data, widget).
    calc_gen: u64,
    widget: WidgetSlot,
    /// What was made for each document, in the order of `Loaded::docs`.
    docs: Vec<DocCache>,
    /// The last rebuild that changed the list of documents.
    structure_gen: u64,
    /// 404 page, sitemap, robots.txt, feed, redirects, by name.
    extras: HashMap<String, Output>,
    site: Option<SiteState>,
}

impl Session {
    /// A session that has built nothing yet: its first [`rebuild`](Self::rebuild)
    /// builds everything.
    pub fn new(mut opts: BuildOptions) -> Self {
        // Compiled without the widget pipeline: a `--no-widget` build.
        opts.widget &= cfg!(feature = "widget");
        Session {
            root_real: opts.root.canonicalize().ok(),
            opts,
            progress: Arc::new(|step| eprintln!("{step}")),
            rev: 0,
            dirty: Dirty::ALL,
            config: None,
            pricing: None,
            theme: None,
            loaded: None,
            sources: content::SourceCache::default(),
            assets: HashMap::new(),
            compiled: None,
            urls_gen: 0,
            calc_gen: 0,
            widget: WidgetSlot::default(),
            docs: Vec::new(),
            structure_gen: 0,
            extras: HashMap::new(),
            site: None,
        }
    }

    /// Where the widget's slow steps are told (stderr by default).
    pub fn set_progress(&mut self, progress: OnProgress) {
        self.progress = progress;
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// The files of the last successful build.
    pub fn files(&self) -> Option<Arc<SiteFiles>> {
        self.site.as_ref().map(|s| Arc::clone(&s.files))
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
        // Drop the caches first, so the files are not shared any more.
        drop(self);
        let files = Arc::try_unwrap(site.files).unwrap_or_else(|shared| (*shared).clone());
        BuiltSite {
            files: files
                .into_iter()
                .map(|(k, v)| (k, Arc::try_unwrap(v).unwrap_or_else(|b| (*b).clone())))
                .collect(),
            sources: site.sources,
            pages: site.pages,
            sections: site.sections,
            widget_compiled: report.widget_compiled,
            timings: report.timings,
            warnings: report.warnings,
            typed_figures: report.typed_figures,
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
            if root.starts_with(&abs) || real.is_some_and(|r| r.starts_with(&abs)) {
                self.forget(true);
            } else if abs.starts_with(widget_sources()) {
                self.dirty.widget = true;
            }
            return;
        };
        let first = rel.components().next().and_then(|c| c.as_os_str().to_str());
        match first {
            None => self.forget(true),
            Some(CONFIG_FILE) if rel.components().count() == 1 => self.dirty.config = true,
            Some("content") => {
                self.dirty.content = true;
                // The pricing data may live there under another spelling.
                self.dirty.pricing = true;
                let under = root.join(rel);
                self.sources.forget(&under);
                self.assets.retain(|source, _| !source.starts_with(&under));
            }
            Some("themes" | "templates" | "static") => self.dirty.theme = true,
            Some("calculator") => self.dirty.widget = true,
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

    fn run(&mut self) -> Result<RebuildReport, Diagnostics> {
        self.rev += 1;
        let rev = self.rev;
        let root = self.opts.root.clone();
        let mut timer = Timer::new();
        let mut report = RebuildReport::default();
        self.widget.take_compiled();

        // The configuration: when it changes, everything is read again.
        if self.dirty.config {
            let mut config = Config::load(&root)?;
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
        let Some(config) = self.config.clone() else {
            return Err(Diagnostic::new(CONFIG_FILE, "configuration non lue").into());
        };

        if self.dirty.widget || (self.opts.widget && self.widget.failed()) {
            self.widget.reset();
            self.calc_gen = rev;
            self.dirty.widget = false;
        }

        // Load what changed; report every problem of this stage together.
        let pricing_path = root.join(&config.pricing_data);
        if self.dirty.pricing {
            let pricing = crate::pricing::load(&root, &pricing_path);
            if self.pricing.as_ref() != Some(&pricing) {
                self.calc_gen = rev;
            }
            self.pricing = Some(pricing);
            self.dirty.pricing = false;
        }
        if self.dirty.theme {
            let theme = Theme::load(&root, &config);
            // Saved without a change: nothing to compile or render again.
            let same =
                matches!((&self.theme, &theme), (Some(Ok(old)), Ok(new)) if old.same_as(new));
            if !same {
                self.theme = Some(theme.map(|t| ThemeState::new(t, rev)));
            }
            self.dirty.theme = false;
        }
        if self.dirty.content {
            let options = content::LoadOptions {
                root: &root,
                include_drafts: self.opts.include_drafts,
                urls: UrlPaths {
                    style: config.url_style,
                },
                skip: vec![pricing_path],
                site_title: &config.title,
                french_typography: config.french_typography,
            };
            let loaded = content::load_cached(&options, &mut self.sources);
            if let Ok(loaded) = &loaded {
                self.align(loaded);
            }
            let old = self.loaded.replace(loaded.map(|l| (l, rev)));
            // Freeing a thousand documents takes a while: not on the way.
            rayon::spawn(move || drop(old));
            self.dirty.content = false;
        }
        let mut diags = Diagnostics::default();
        if let Some(Err(d)) = &self.pricing {
            diags.push(d.clone());
        }
        let theme = match &self.theme {
            Some(Ok(t)) => Some(t),
            Some(Err(d)) => {
                diags.extend(d.0.iter().cloned());
                None
            }
            None => None,
        };
        let loaded = match &self.loaded {
            Some(Ok(l)) => Some(l),
            Some(Err(d)) => {
                diags.extend(d.0.iter().cloned());
                None
            }
            None => None,
        };
        let (Some(theme), Some((loaded, loaded_gen))) = (theme, loaded) else {
            return Err(diags.into_result().err().unwrap_or_default());
        };
        let loaded_gen = *loaded_gen;
        for asset in &loaded.assets {
            self.assets
                .entry(asset.source.clone())
                .or_insert_with(|| read_asset(&asset.source));
        }
        timer.lap("lecture des sources");

        // URLs and templates, compiled again when the theme or a URL changed.
        let fresh = self
            .compiled
            .as_ref()
            .is_some_and(|c| c.theme_gen == theme.gen && c.loaded_gen == loaded_gen);
        if !fresh {
            let (by_source, hashes, urls_key) = url_inputs(&config, theme, loaded, &self.assets);
            match &mut self.compiled {
                Some(c) if c.theme_gen == theme.gen && c.urls_key == urls_key => {
                    c.loaded_gen = loaded_gen;
                }
                _ => {
                    if self
                        .compiled
                        .as_ref()
                        .is_none_or(|c| c.urls_key != urls_key)
                    {
                        self.urls_gen = rev;
                    }
                    let urls = Arc::new(Urls::new(config.base_url(), by_source, hashes));
                    match templates::compile(&theme.theme, Arc::clone(&urls)) {
                        Ok(tera) => {
                            self.compiled = Some(Compiled {
                                templates: TemplateKeys::new(&tera, &theme.theme),
                                tera,
                                urls,
                                theme_gen: theme.gen,
                                loaded_gen,
                                urls_key,
                                gen: rev,
                            });
                        }
                        Err(d) => {
                            self.compiled = None;
                            diags.extend(d.0);
                            return Err(diags);
                        }
                    }
                }
            }
        }
        let Some(compiled) = &self.compiled else {
            return Err(diags);
        };
        let urls = &*compiled.urls;
        let tera = &compiled.tera;
        let menu = resolve_menu(&config, urls)
            .map_err(|d| diags.extend(d.0))
            .ok();
        diags.clone().into_result()?;
        timer.lap("adresses et gabarits");

        // Markdown of the documents whose text or look-ups changed.
        let docs = &loaded.docs;
        let pricing = self
            .pricing
            .as_ref()
            .and_then(|p| p.as_ref().ok())
            .and_then(Option::as_ref);
        let env = SiteEnv::new(
            urls,
            tera,
            &config.organisation,
            pricing,
            self.opts.widget,
            &self.widget,
            &self.progress,
        );
        let md_opts = MarkdownOptions {
            french_typography: config.french_typography,
            raw_html: config.raw_html,
        };
        let now = Generations {
            urls: self.urls_gen,
            calc: self.calc_gen,
            tera: compiled.gen,
        };
        let todo: Vec<usize> = (0..docs.len())
            .filter(|&i| {
                !self.docs[i]
                    .md
                    .as_mut()
                    .is_some_and(|e| e.still_valid(&docs[i], &now, urls))
            })
            .collect();
        let results: Vec<(usize, MarkdownResult)> = todo
            .par_iter()
            .map(|&i| (i, render::markdown_one(&docs[i], &md_opts, &env)))
            .collect();
        report.markdown = results.len();
        for (i, result) in results {
            let doc = &docs[i];
            let cache = &mut self.docs[i];
            let content_gen = match &cache.md {
                Some(old)
                    if old.result.rendered.html == result.rendered.html
                        && old.result.rendered.toc == result.rendered.toc =>
                {
                    old.content_gen
                }
                _ => rev,
            };
            let uses = &result.uses;
            cache.md = Some(MdEntry {
                body: doc.body.clone(),
                body_line: doc.body_line,
                urls_gen: now.urls,
                calc_gen: if uses.pricing { now.calc } else { 0 },
                tera_gen: if uses.theme_shortcodes { now.tera } else { 0 },
                rendered_at: rev,
                content_gen,
                result,
            });
        }
        let mut diags = Diagnostics::default();
        for e in self.docs.iter().map(DocCache::md) {
            diags.extend(e.result.diags.iter().cloned());
        }
        // Anchors, checked again when the links or a page they point into
        // changed.
        let structure_gen = self.structure_gen;
        let caches = &self.docs;
        let stale: Vec<usize> = (0..docs.len())
            .filter(|&i| {
                !caches[i].anchors.as_ref().is_some_and(|a| {
                    a.checked_at >= structure_gen
                        && a.checked_at >= caches[i].md().rendered_at
                        && a.check
                            .targets
                            .iter()
                            .all(|&t| a.checked_at >= caches[t].md().rendered_at)
                })
            })
            .collect();
        let rendered: Vec<&Rendered> = caches.iter().map(|c| &c.md().result.rendered).collect();
        let checked: Vec<(usize, AnchorCheck)> = stale
            .into_iter()
            .map(|i| (i, render::anchors_of(loaded, &rendered, i)))
            .collect();
        drop(rendered);
        for (i, check) in checked {
            self.docs[i].anchors = Some(Anchors {
                check,
                checked_at: rev,
            });
        }
        for cache in &self.docs {
            diags.extend(
                cache
                    .anchors
                    .iter()
                    .flat_map(|a| a.check.diags.iter().cloned()),
            );
        }
        timer.lap("markdown");
        diags.into_result()?;

        // Views for listings, made again when what they show changed; a
        // changed one gets this rebuild's generation.
        let todo: Vec<usize> = (0..docs.len())
            .filter(|&i| {
                let cache = &self.docs[i];
                !cache.summary.as_ref().is_some_and(|s| {
                    s.md_rendered_at == cache.md().rendered_at && s.source.matches(&docs[i])
                })
            })
            .collect();
        let caches = &self.docs;
        let maps: Vec<(usize, Map<String, Value>)> = todo
            .par_iter()
            .map(|&i| {
                let rendered = &caches[i].md().result.rendered;
                (i, context::summary(&docs[i], rendered, urls))
            })
            .collect();
        for (i, map) in maps {
            let cache = &mut self.docs[i];
            let gen = match &cache.summary {
                Some(old) if old.map == map => old.gen,
                _ => rev,
            };
            cache.summary = Some(Summary {
                source: SummarySource::of(&docs[i]),
                md_rendered_at: cache.md().rendered_at,
                map,
                gen,
            });
        }
        let (md, rendered, summaries) = views(&self.docs);
        let feed = feed_pages(&config, loaded);
        let feed_url = (!feed.is_empty()).then(|| urls.permalink("/atom.xml"));
        let config_value =
            context::config_value(&config, menu.unwrap_or_default(), feed_url.clone());
        let mut base = Context::new();
        base.insert("config", &config_value);
        base.insert("lang", &config.language);
        // What every template sees: the config and every URL.
        let global = KeyBuilder::new("global")
            .str(&config_value.to_string())
            .str(&config.language)
            .key(&compiled.urls_key)
            .finish();
        timer.lap("vues");

        // Documents with their templates.
        let keys: Vec<Key> = docs
            .iter()
            .enumerate()
            .map(|(i, doc)| {
                let template = render::template_for(doc);
                let mut k = KeyBuilder::new("document");
                k.key(&global)
                    .key(&compiled.templates.get(template))
                    .str(template)
                    .str(&doc.source_path)
                    .str(&doc.path)
                    .u64(u64::from(doc.kind == Kind::Section))
                    .u64(summaries[i].gen)
                    .u64(md[i].content_gen);
                for list in [&doc.pages, &doc.subsections] {
                    k.u64(list.len() as u64);
                    for &p in list {
                        k.str(&docs[p].source_path).u64(summaries[p].gen);
                    }
                }
                k.finish()
            })
            .collect();
        let todo: Vec<usize> = (0..docs.len())
            .filter(|&i| {
                self.docs[i]
                    .output
                    .as_ref()
                    .is_none_or(|o| o.key != keys[i])
            })
            .collect();
        let results: Vec<(usize, Result<Bytes, Diagnostic>)> = todo
            .par_iter()
            .map(|&i| {
                let doc = &docs[i];
                let view = DocView {
                    doc,
                    summary: &summaries[i].map,
                    rendered: rendered[i],
                    pages: doc.pages.iter().map(|&p| &summaries[p].map).collect(),
                    subsections: doc.subsections.iter().map(|&s| &summaries[s].map).collect(),
                };
                let result = render::template_one(tera, &base, &view, urls).map(|html| {
                    Arc::new(crate::relative::rewrite_page(&doc.output, html, &config))
                });
                (i, result)
            })
            .collect();
        report.pages = results.len();
        for (i, result) in results {
            self.docs[i].output = Some(Output {
                key: keys[i],
                result,
            });
        }
        let (md, rendered, summaries) = views(&self.docs);
        let mut files = SiteFiles::new();
        let mut diags = Diagnostics::default();
        for (doc, cache) in docs.iter().zip(&self.docs) {
            match &cache.output.as_ref().expect("rendered above").result {
                Ok(bytes) => {
                    files.insert(doc.output.clone(), Arc::clone(bytes));
                }
                Err(d) => diags.push(d.clone()),
            }
        }
        timer.lap("pages");
        diags.into_result()?;

        // The 404 page, sitemap, robots.txt, feed and alias redirects.
        let mut extras = Extras {
            cache: &mut self.extras,
            used: HashSet::new(),
            rendered: 0,
            tera,
            base: &base,
            theme: &theme.theme,
            templates: &compiled.templates,
            config: &config,
            global,
        };
        let mut extra = Diagnostics::default();
        let page_404 = extras.render_page("404.html", Some("404.html"), "404.html", &[], || {
            let mut ctx = Context::new();
            ctx.insert("current_path", "/404.html");
            ctx.insert("current_url", &urls.permalink("/404.html"));
            ctx
        });
        match page_404 {
            Ok(bytes) => add(&mut extra, &mut files, "404.html".into(), bytes, "404.html"),
            Err(d) => extra.push(d),
        }
        let mut key = KeyBuilder::new("sitemap");
        for doc in docs {
            let lastmod = doc.last_modified().map(|d| d.to_string());
            key.str(&doc.path).str(lastmod.as_deref().unwrap_or("-"));
        }
        let sitemap = extras.render("sitemap.xml", "sitemap.xml", &key.finish(), || {
            fields(json!({ "entries": sitemap_entries(loaded, urls) }))
        });
        let robots = extras.render("robots.txt", "robots.txt", &[], || {
            fields(json!({ "sitemap_url": urls.permalink("/sitemap.xml") }))
        });
        for (name, result) in [("sitemap.xml", sitemap), ("robots.txt", robots)] {
            match result {
                Ok(bytes) => {
                    files.insert(name.to_string(), bytes);
                }
                Err(d) => extra.push(d),
            }
        }
        if let Some(feed_url) = &feed_url {
            let updated = feed
                .iter()
                .filter_map(|&i| docs[i].last_modified())
                .max()
                .map(|d| format!("{d}T00:00:00Z"))
                .unwrap_or_default();
            let mut key = KeyBuilder::new("feed");
            key.str(feed_url).str(&updated);
            for &i in &feed {
                key.str(&docs[i].source_path)
                    .u64(summaries[i].gen)
                    .u64(md[i].content_gen);
            }
            let result = extras.render("atom.xml", "atom.xml", &key.finish(), || {
                let pages: Vec<Value> = feed
                    .iter()
                    .map(|&i| Value::Object(context::full(&summaries[i].map, rendered[i])))
                    .collect();
                fields(json!({
                    "pages": pages, "feed_url": feed_url, "updated": updated,
                    "home_url": urls.permalink("/"),
                }))
            });
            match result {
                Ok(bytes) => {
                    files.insert("atom.xml".into(), bytes);
                }
                Err(d) => extra.push(d),
            }
        }
        for (output, target) in &loaded.aliases {
            let doc = &docs[*target];
            let value = json!({ "url": urls.permalink(&doc.path), "title": doc.title });
            let key = value.to_string();
            let name = format!("alias:{output}");
            let page =
                extras.render_page(&name, Some(output), "alias.html", key.as_bytes(), || {
                    fields(value)
                });
            match page {
                Ok(bytes) => add(
                    &mut extra,
                    &mut files,
                    output.clone(),
                    bytes,
                    &doc.file.display().to_string(),
                ),
                Err(d) => extra.push(d),
            }
        }
        report.others = extras.rendered;
        let used = extras.used;
        self.extras.retain(|name, _| used.contains(name));

        // Static files: the theme's, the site's, the content's, the widget's.
        for (path, bytes, origin) in &theme.statics {
            add(
                &mut extra,
                &mut files,
                path.clone(),
                Arc::clone(bytes),
                origin,
            );
        }
        for asset in &loaded.assets {
            match &self.assets[&asset.source] {
                Ok((bytes, _)) => add(
                    &mut extra,
                    &mut files,
                    asset.output.clone(),
                    Arc::clone(bytes),
                    &asset.source.display().to_string(),
                ),
                Err(e) => extra.push(Diagnostic::new(
                    &asset.source,
                    format!("lecture impossible : {e}"),
                )),
            }
        }
        if md.iter().any(|e| e.result.uses.calculator) {
            for (path, bytes) in self.widget.files() {
                files.insert(path.clone(), Arc::clone(bytes));
            }
        }
        report.widget_compiled = self.widget.take_compiled();
        let clashes = outputs::clashes(files.keys().map(String::as_str));
        if !clashes.is_empty() {
            let mut origins = outputs::Origins::new();
            for doc in docs {
                origins.insert(&doc.output, doc.file.display().to_string());
            }
            for (output, target) in &loaded.aliases {
                origins.insert(output, docs[*target].file.display().to_string());
            }
            for asset in &loaded.assets {
                let shown = crate::diagnostics::display_path(&self.opts.root, &asset.source);
                origins.insert(&asset.output, shown.display().to_string());
            }
            for (path, _, origin) in &theme.statics {
                origins.insert(path, origin.clone());
            }
            let origin = |path: &str| {
                origins
                    .get(path)
                    .cloned()
                    .unwrap_or_else(|| path.to_string())
            };
            for clash in clashes {
                let mut message = clash.message;
                if let Some(other) = &clash.other {
                    message.push_str(&format!(" (« {other} » vient de {})", origin(other)));
                }
                extra.push(Diagnostic::new(origin(&clash.path), message));
            }
        }
        timer.lap("autres fichiers");
        extra.into_result()?;

        report.warnings =
            warnings::missing_organisation(&config, md.iter().map(|e| &e.result.uses))
                .into_iter()
                .collect();
        if let Some(model) = pricing {
            report.typed_figures = warnings::typed_figures(model, docs, &rendered);
        }
        report.changed = changed_files(self.site.as_ref().map(|s| &*s.files), &files);
        self.site = Some(SiteState {
            files: Arc::new(files),
            sources: docs
                .iter()
                .map(|d| (d.output.clone(), d.file.clone()))
                .collect(),
            pages: loaded.pages().count(),
            sections: loaded.sections().count(),
        });
        timer.lap("assemblage");
        report.timings = timer.laps;
        Ok(report)
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
            self.structure_gen = self.rev;
            let mut old: HashMap<String, DocCache> = self
                .docs
                .drain(..)
                .map(|c| (c.source_path.clone(), c))
                .collect();
            self.docs = loaded
                .docs
                .iter()
                .map(|d| {
                    old.remove(&d.source_path).unwrap_or_else(|| DocCache {
                        source_path: d.source_path.clone(),
                        md: None,
                        anchors: None,
                        summary: None,
                        output: None,
                    })
                })
                .collect();
        }
        let assets: HashSet<&Path> = loaded.assets.iter().map(|a| a.source.as_path()).collect();
        self.assets.retain(|s, _| assets.contains(s.as_path()));
    }
}

/// Each document's Markdown, rendered Markdown and view (once made).
fn views(docs: &[DocCache]) -> (Vec<&MdEntry>, Vec<&Rendered>, Vec<&Summary>) {
    let md: Vec<&MdEntry> = docs.iter().map(DocCache::md).collect();
    let rendered = md.iter().map(|e| &e.result.rendered).collect();
    let summaries = docs
        .iter()
        .map(|c| c.summary.as_ref().expect("views are made before use"))
        .collect();
    (md, rendered, summaries)
}

/// Where the widget's sources are (the workspace site-gen was built from).
fn widget_sources() -> PathBuf {
    crate::widget::BuildOptions::default_workspace().join("calculator")
}

fn read_asset(path: &Path) -> Result<(Bytes, String), String> {
    // The walk of content/ checked where `path` leads; reading checks
    // again that it is a regular file (a named pipe would block the build).
    crate::inputs::read_regular(path)
        .map(|bytes| {
            let hash = content_hash(&bytes);
            (Arc::new(bytes), hash)
        })
        .map_err(|e| match e {
            // Shown after « lecture impossible : » already.
            crate::inputs::Refusal::Io(e) => e.to_string(),
            refusal => refusal.to_string(),
        })
}

type UrlInputs = (HashMap<String, String>, HashMap<String, String>, Key);

/// The URL map's inputs (page paths by source, asset hashes) and their key.
fn url_inputs(
    config: &Config,
    theme: &ThemeState,
    loaded: &Loaded,
    assets: &HashMap<PathBuf, Result<(Bytes, String), String>>,
) -> UrlInputs {
    let mut hashes: HashMap<String, String> = theme.hashes.iter().cloned().collect();
    for asset in &loaded.assets {
        if let Some(Ok((_, hash))) = assets.get(&asset.source) {
            hashes.insert(asset.output.clone(), hash.clone());
        }
    }
    let by_source: HashMap<String, String> = loaded
        .docs
        .iter()
        .map(|d| (d.source_path.clone(), d.path.clone()))
        .collect();
    let mut key = KeyBuilder::new("urls");
    key.str(config.base_url());
    for map in [&by_source, &hashes] {
        let mut sorted: Vec<(&String, &String)> = map.iter().collect();
        sorted.sort();
        key.u64(sorted.len() as u64);
        for (k, v) in sorted {
            key.str(k).str(v);
        }
    }
    (by_source, hashes, key.finish())
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

/// Adds an output file, reporting a second file at the same path.
fn add(diags: &mut Diagnostics, files: &mut SiteFiles, name: String, bytes: Bytes, origin: &str) {
    if files.insert(name.clone(), bytes).is_some() {
        diags.push(Diagnostic::new(
            origin,
            format!("{name} est produit deux fois : renommez l’un des deux fichiers"),
        ));
    }
}

/// Output paths whose file was added, changed or removed.
fn changed_files(old: Option<&SiteFiles>, new: &SiteFiles) -> Vec<String> {
    let Some(old) = old else {
        return new.keys().cloned().collect();
    };
    let mut changed: Vec<String> = new
        .iter()
        .filter(|(path, bytes)| {
            old.get(*path)
                .is_none_or(|o| !Arc::ptr_eq(o, bytes) && o != *bytes)
        })
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
    changed.sort();
    changed
}
