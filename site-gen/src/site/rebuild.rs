//! The stages of a rebuild after the templates are compiled, over what the
//! session holds ([`Rebuild`]): each document's Markdown, its anchors, its
//! view for listings, each document with its template, the extra outputs,
//! the static files, and the output map checked and kept.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use calculator::Model;
use rayon::prelude::*;
use serde_json::{Map, Value};
use tera::Context;

use super::extras::{self, ExtrasSite, Feed, SiteWide};
use super::listings::{self, Listings};
use super::outputs::{Origins, OutputMap};
use super::session::RebuildReport;
use super::state::{
    Anchors, Assets, Bytes, Compiled, DocCache, Generation, Lookups, MdEntry, Output, Seen,
    SiteFiles, SiteState, Summary, ThemeState, Views,
};
use super::taxonomies;
use super::{warnings, BuildOptions};
use crate::config::Config;
use crate::content::{Kind, Loaded};
use crate::diagnostics::{display_path, Diagnostic, Diagnostics};
use crate::markdown::{Heading, MarkdownOptions, Rendered};
use crate::render::context::{self, SummarySource};
use crate::render::deps::{Key, KeyBuilder};
use crate::render::env::{ShortcodeContext, SiteEnv};
use crate::render::{self, AnchorCheck, DocView, ListingView, MarkdownResult};
use crate::templates;
use crate::widget::{OnProgress, WidgetSlot};

/// One rebuild's view of the session once its sources are loaded and its
/// templates compiled: what the stages read, and the caches they update.
pub(super) struct Rebuild<'a> {
    pub(super) now: Generation,
    pub(super) lookups: Lookups,
    pub(super) doc_list_changed_at: Generation,
    pub(super) opts: &'a BuildOptions,
    pub(super) progress: &'a OnProgress,
    pub(super) config: &'a Config,
    pub(super) pricing: Option<&'a Model>,
    pub(super) theme: &'a ThemeState,
    pub(super) loaded: &'a Loaded,
    pub(super) assets: &'a Assets,
    pub(super) compiled: &'a Compiled,
    pub(super) widget: &'a mut WidgetSlot,
    pub(super) images: &'a crate::images::Store,
    /// What was made for each document, in the order of `loaded.docs`.
    pub(super) docs: &'a mut [DocCache],
    /// The extra outputs (see `extras`), by name.
    pub(super) extras: &'a mut HashMap<String, Output>,
    /// The last site built without error.
    pub(super) site: &'a mut Option<SiteState>,
    /// Where pages go as they are rendered, instead of the output map.
    pub(super) sink: Option<&'a dyn super::PageSink>,
    /// The pages given to `sink`, with their size.
    pub(super) written: &'a mut BTreeMap<String, usize>,
    /// What `get_taxonomy` and `get_taxonomy_url` answer.
    pub(super) taxonomy_slot: &'a taxonomies::Slot,
}

/// What every template sees besides its own document (the config, with
/// the menu and the feed's URL, and the language; the taxonomies through
/// their functions), its key, the feed and the listings.
pub(super) struct Globals {
    pub(super) context: Context,
    pub(super) key: Key,
    pub(super) feed: Feed,
    pub(super) listings: Listings,
    /// The key of every document's view and content, for the templates
    /// that read other documents (`get_page`, `get_section`).
    pub(super) content_key: Key,
    /// Those documents, given to those functions until the rebuild is done.
    pub(super) _catalog: Option<templates::functions::OpenCatalog>,
}

impl<'a> Rebuild<'a> {
    /// Renders (in parallel) the Markdown of the documents whose text or
    /// look-ups changed. Returns how many were rendered, and the problems
    /// of every document's Markdown, kept ones included. `taken` holds the
    /// texts a one-shot build took from the documents (in their order),
    /// each freed as soon as rendered.
    pub(super) fn render_markdown(
        &mut self,
        taken: Option<Vec<Arc<str>>>,
        menu: &[(String, String)],
    ) -> (usize, Diagnostics) {
        let docs = &self.loaded.docs;
        let urls = &*self.compiled.urls;
        let shortcodes = self.shortcode_globals(menu);
        let env = SiteEnv::new(
            urls,
            &self.compiled.tera,
            &self.config.organisation,
            self.pricing,
            self.opts.widget,
            self.widget,
            self.progress,
        );
        let env = match &shortcodes {
            Some((config, _)) => env.with_shortcode_context(ShortcodeContext {
                loaded: self.loaded,
                config,
                lang: &self.config.language,
            }),
            None => env,
        };
        let shortcodes_key = shortcodes.as_ref().map(|(_, key)| key);
        let catalog = self.image_catalog();
        let env = crate::images::env::WithPictures {
            inner: &env,
            store: self.images,
            catalog: &catalog,
            config: &self.config.images,
        };
        let md_opts = MarkdownOptions {
            french_typography: self.config.french_typography,
            raw_html: self.config.raw_html,
        };
        let now = self.lookups;
        let caches = &mut *self.docs;
        let todo: Vec<usize> = (0..docs.len())
            .filter(|&i| {
                !caches[i].md.as_mut().is_some_and(|e| {
                    e.still_valid(&docs[i], &now, urls)
                        && e.shortcodes_still_see(&docs[i], shortcodes_key)
                })
            })
            .collect();
        let mut taken = taken.map(|t| t.into_iter().map(Some).collect::<Vec<_>>());
        let jobs: Vec<(usize, Arc<str>)> = todo
            .iter()
            .map(|&i| {
                let body = taken.as_mut().and_then(|t| t.get_mut(i)?.take());
                (i, body.unwrap_or_else(|| Arc::clone(&docs[i].body)))
            })
            .collect();
        let results: Vec<(usize, MarkdownResult)> = jobs
            .into_par_iter()
            .with_max_len(crate::DOCS_PER_TASK)
            .map(|(i, body)| {
                let mut result = render::markdown_one(&docs[i], &body, &md_opts, &env);
                // Its buffer was sized for the text: kept until the page
                // (or the feed) is rendered, it holds only the HTML.
                result.rendered.html.shrink_to_fit();
                shrink_toc(&mut result.rendered.toc);
                (i, result)
            })
            .collect();
        let rendered = results.len();
        for (i, result) in results {
            let cache = &mut caches[i];
            let content_changed_at = match &cache.md {
                Some(old)
                    if old.result.rendered.html == result.rendered.html
                        && old.result.rendered.toc == result.rendered.toc =>
                {
                    old.content_changed_at
                }
                _ => self.now,
            };
            let uses = &result.uses;
            let if_used = |used: bool, at: Generation| if used { at } else { Generation::NEVER };
            cache.md = Some(MdEntry {
                body: Arc::clone(&docs[i].body),
                body_line: docs[i].body_line,
                lookups: Lookups {
                    urls_changed_at: now.urls_changed_at,
                    calc_changed_at: if_used(uses.pricing, now.calc_changed_at),
                    templates_compiled_at: if_used(
                        uses.theme_shortcodes,
                        now.templates_compiled_at,
                    ),
                },
                rendered_at: self.now,
                content_changed_at,
                shortcodes_saw: (uses.theme_shortcodes)
                    .then(|| Box::new((shortcodes_key.copied(), SummarySource::of(&docs[i])))),
                result,
            });
        }
        let mut problems = Diagnostics::default();
        for e in caches.iter().map(DocCache::md) {
            problems.extend(e.result.diags.iter().cloned());
        }
        (rendered, problems)
    }

    /// What theme shortcodes see besides their call and document: `config`
    /// as templates see it, with its key (`lang` included). `None` when
    /// the theme has no shortcode template.
    fn shortcode_globals(&self, menu: &[(String, String)]) -> Option<(Value, Key)> {
        let tera = &self.compiled.tera;
        if !tera
            .get_template_names()
            .any(|t| t.starts_with("shortcodes/"))
        {
            return None;
        }
        let feed = Feed::of(self.config, self.loaded, &self.compiled.urls);
        let config = context::config_value(self.config, menu.to_vec(), feed.url);
        let key = KeyBuilder::new("shortcodes")
            .str(&config.to_string())
            .str(&self.config.language)
            .finish();
        Some((config, key))
    }

    /// Checks again the anchors of each document's links when its Markdown
    /// or that of a page they point into was rendered again, or when the
    /// list of documents changed. Returns the broken anchors of every
    /// document, kept ones included.
    pub(super) fn check_anchors(&mut self) -> Diagnostics {
        let caches = &*self.docs;
        let list_changed_at = self.doc_list_changed_at;
        let stale: Vec<usize> = (0..caches.len())
            .filter(|&i| {
                !caches[i].anchors.as_ref().is_some_and(|a| {
                    a.checked_at >= list_changed_at
                        && a.checked_at >= caches[i].md().rendered_at
                        && a.check
                            .targets
                            .iter()
                            .all(|&t| a.checked_at >= caches[t].md().rendered_at)
                })
            })
            .collect();
        let rendered: Vec<&Rendered> = caches.iter().map(|c| &c.md().result.rendered).collect();
        let loaded = self.loaded;
        let checked: Vec<(usize, AnchorCheck)> = stale
            .into_par_iter()
            .map(|i| (i, render::anchors_of(loaded, &rendered, i)))
            .collect();
        for (i, check) in checked {
            self.docs[i].anchors = Some(Anchors {
                check,
                checked_at: self.now,
            });
        }
        let mut problems = Diagnostics::default();
        for cache in self.docs.iter() {
            problems.extend(
                cache
                    .anchors
                    .iter()
                    .flat_map(|a| a.check.diags.iter().cloned()),
            );
        }
        problems
    }

    /// Dates the views for listings whose document or Markdown changed: a
    /// view that changed gets this rebuild's generation. The views are
    /// made where used (`Views::summary`); a session makes each changed one
    /// here once more, to keep its key. A one-shot build, where every view
    /// is new, makes none.
    pub(super) fn build_views(&mut self) {
        let docs = &self.loaded.docs;
        let urls = &*self.compiled.urls;
        let caches = &*self.docs;
        let todo: Vec<usize> = (0..docs.len())
            .filter(|&i| {
                !caches[i].summary.as_ref().is_some_and(|s| {
                    s.md_rendered_at == caches[i].md().rendered_at
                        && s.seen.as_ref().is_some_and(|seen| seen.0.matches(&docs[i]))
                })
            })
            .collect();
        let one_shot = self.sink.is_some();
        let seen: Vec<(usize, Option<Seen>)> = todo
            .par_iter()
            .map(|&i| {
                let seen = (!one_shot).then(|| {
                    let rendered = &caches[i].md().result.rendered;
                    let view = context::summary(&docs[i], rendered, urls);
                    let key = KeyBuilder::new("summary").json(&view).finish();
                    Box::new((SummarySource::of(&docs[i]), key))
                });
                (i, seen)
            })
            .collect();
        for (i, seen) in seen {
            let cache = &mut self.docs[i];
            let key = |s: &Option<Seen>| s.as_ref().map(|seen| seen.1);
            let changed_at = match &cache.summary {
                Some(old) if seen.is_some() && key(&old.seen) == key(&seen) => old.changed_at,
                _ => self.now,
            };
            cache.summary = Some(Summary {
                seen,
                md_rendered_at: cache.md().rendered_at,
                changed_at,
            });
        }
    }

    /// What every template sees besides its own document, with `menu`;
    /// fills the taxonomy functions' slot from `listings`.
    pub(super) fn template_globals(
        &self,
        menu: Vec<(String, String)>,
        listings: Listings,
    ) -> Globals {
        let config = self.config;
        let feed = Feed::of(config, self.loaded, &self.compiled.urls);
        let config_value = context::config_value(config, menu, feed.url.clone());
        let mut context = Context::new();
        context.insert("config", &config_value);
        context.insert("lang", &config.language);
        let views = Views::of(self.docs, &self.loaded.docs, &self.compiled.urls);
        // Every view, for `get_taxonomy` only.
        let full_asked = taxonomies::full_asked(&self.theme.theme);
        let maps: Vec<Map<String, Value>> = if full_asked {
            (0..views.summaries.len())
                .map(|i| views.summary(i))
                .collect()
        } else {
            Vec::new()
        };
        let full = full_asked.then_some(maps.as_slice());
        let changed_at = |p: usize| views.summaries[p].changed_at.number();
        let (for_templates, taxonomies_key) = listings.taxonomies.for_templates(
            &config.language,
            &self.compiled.urls,
            full,
            &changed_at,
            &self.loaded.docs,
        );
        *self
            .taxonomy_slot
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::new(for_templates);
        let key = KeyBuilder::new("global")
            .str(&config_value.to_string())
            .str(&config.language)
            .key(&self.compiled.urls_key)
            .key(&taxonomies_key)
            .finish();
        let (content_key, _catalog) = self.content_catalog();
        Globals {
            context,
            key,
            feed,
            listings,
            content_key,
            _catalog,
        }
    }

    /// For the templates that read other documents (`get_page`,
    /// `get_section`): every document's view and content, given to those
    /// functions, and their key. Nothing when no template calls them.
    fn content_catalog(&self) -> (Key, Option<templates::functions::OpenCatalog>) {
        let mut key = KeyBuilder::new("documents");
        if !self.compiled.templates.any_reads_content() {
            return (key.finish(), None);
        }
        let docs = &self.loaded.docs;
        let views = Views::of(self.docs, &self.loaded.docs, &self.compiled.urls);
        let mut catalog = templates::functions::Catalog::default();
        for (i, doc) in docs.iter().enumerate() {
            let rendered = views.rendered[i];
            key.str(&doc.source_path)
                .u64(views.summaries[i].changed_at.number())
                .u64(views.md[i].content_changed_at.number());
            for list in [&doc.pages, &doc.subsections] {
                key.u64(list.len() as u64);
                for &p in list {
                    key.str(&docs[p].source_path);
                }
            }
            let map = views.summary(i);
            let permalink = map.get("permalink").and_then(Value::as_str).unwrap_or("");
            let toc = context::toc_value(&rendered.toc, permalink);
            catalog.push(
                &doc.source_path,
                doc.is_section(),
                map,
                &rendered.html,
                toc,
                &doc.pages,
                &doc.subsections,
            );
        }
        (key.finish(), Some(self.compiled.content.open(catalog)))
    }

    /// Renders (in parallel) each document with its template when the key
    /// of what the template sees changed. Returns how many were rendered
    /// and the output map holding every document's file, or the problems
    /// of every document.
    pub(super) fn render_pages(
        &mut self,
        globals: &Globals,
    ) -> Result<(usize, OutputMap, SiteWide), Diagnostics> {
        let (docs, config) = (&self.loaded.docs, self.config);
        let (tera, urls) = (&self.compiled.tera, &*self.compiled.urls);
        let views = Views::of(self.docs, &self.loaded.docs, &self.compiled.urls);
        // A one-shot build is never rebuilt: its keys would never be compared.
        let keys = match self.sink {
            Some(_) => vec![Key::default(); docs.len()],
            None => self.page_keys(globals, &views),
        };
        let todo: Vec<usize> = (0..docs.len())
            // `render = false`: no output (Zola's meaning).
            .filter(|&i| docs[i].is_rendered())
            .filter(|&i| {
                self.docs[i]
                    .output
                    .as_ref()
                    .is_none_or(|o| o.key != keys[i])
            })
            .collect();
        // What the output map holds for a page given to the sink: its path
        // is checked with the others, its bytes are on their way already.
        let given = Bytes::default();
        let sink = self.sink;
        // A one-shot build moves each page's HTML and table of contents into
        // its context (freed with the page), but the feed's.
        let mut moved: Vec<Option<Content>> = Vec::new();
        moved.resize_with(docs.len(), || None);
        if sink.is_some() {
            let kept = globals.listings.keeps_content(config, docs);
            for &i in &todo {
                if globals.feed.pages.contains(&i) || kept.contains(&i) {
                    continue;
                }
                if let Some(md) = self.docs[i].md.as_mut() {
                    let r = &mut md.result.rendered;
                    moved[i] = Some((std::mem::take(&mut r.html), std::mem::take(&mut r.toc)));
                }
            }
        }
        let views = Views::of(self.docs, &self.loaded.docs, &self.compiled.urls);
        let mut jobs: Vec<(usize, Option<Content>)> =
            todo.iter().map(|&i| (i, moved[i].take())).collect();
        drop(moved);
        // The longest jobs first, the sections by their listings' length:
        // a long one last would leave the other threads idle at the end.
        jobs.sort_by_key(|&(i, _)| std::cmp::Reverse(docs[i].pages.len()));
        let siblings = render::siblings(docs);
        let templates = &self.compiled.templates;
        // Out of `self` while `site` reads it; put back once rendered.
        let mut extras_cache = std::mem::take(&mut *self.extras);
        // Not read by the site-wide outputs.
        let no_keys = HashMap::new();
        let site = self.extras_site(globals, &views, &no_keys);
        let render_one = |(i, own): (usize, Option<Content>)| {
            let doc = &docs[i];
            let rendered = views.rendered[i];
            let (html, own_toc) = match own {
                Some((html, toc)) => (Cow::Owned(html), Some(toc)),
                None => (Cow::Borrowed(rendered.html.as_str()), None),
            };
            let toc = own_toc.as_deref().unwrap_or(&rendered.toc);
            let listings = &globals.listings;
            let listing = ListingView {
                at: None,
                paginator: listings.pagers_of(i).map(|sp| {
                    listings::section_paginator_with(urls, docs, sp, 1, |p| {
                        Value::Object(views.summary(p))
                    })
                }),
                feed_url: listings
                    .section_feeds
                    .contains_key(&i)
                    .then(|| urls.permalink(&listings::feed_path(&doc.path))),
            };
            let view = DocView {
                doc,
                summary: views.summary(i),
                html,
                toc,
                pages: doc.pages.iter().map(|&p| views.summary(p)).collect(),
                subsections: doc.subsections.iter().map(|&s| views.summary(s)).collect(),
                ancestors: render::ancestors(docs, i),
                siblings: if templates.reads_siblings(render::template_for(doc)) {
                    siblings[i].map(|p| p.map(|p| views.summary(p)))
                } else {
                    [None, None]
                },
                listing,
            };
            let result = render::template_one(tera, &globals.context, view, urls).map(|html| {
                let bytes = crate::relative::rewrite_page(&doc.output, html, config);
                let size = bytes.len();
                match sink {
                    Some(sink) => {
                        sink.page(&doc.output, &bytes, config.precompress);
                        (Arc::clone(&given), size)
                    }
                    None => (Arc::new(bytes), size),
                }
            });
            (i, result)
        };
        // The site-wide outputs are rendered beside the second half of the
        // pages, once the first half's HTML is freed: their contexts (one
        // entry a page in the sitemap) do not add to the peak of memory.
        let second_half = jobs.split_off(jobs.len() / 2);
        let mut results: Vec<(usize, Result<Page, Diagnostic>)> = jobs
            .into_par_iter()
            .with_max_len(crate::DOCS_PER_TASK)
            .map(render_one)
            .collect();
        let (rest, site_wide) = rayon::join(
            || {
                second_half
                    .into_par_iter()
                    .with_max_len(crate::DOCS_PER_TASK)
                    .map(render_one)
                    .collect::<Vec<_>>()
            },
            || extras::render_site_wide(&mut extras_cache, &site),
        );
        *self.extras = extras_cache;
        results.extend(rest);
        let rendered = results.len();
        let mut written = Vec::new();
        for (i, result) in results {
            if sink.is_some() {
                if let Ok((_, size)) = &result {
                    written.push((docs[i].output.clone(), *size));
                }
            }
            self.docs[i].output = Some(Output {
                key: keys[i],
                result: result.map(|(bytes, _)| bytes),
            });
        }
        // Maps built from lists sorted in parallel (a map made from a
        // sorted list is built in one pass) rather than by a search a page:
        // this runs once every page is written.
        written.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.written.append(&mut written.into_iter().collect());
        let mut out = OutputMap::default();
        let mut pages = Vec::with_capacity(docs.len());
        for (doc, cache) in docs.iter().zip(self.docs.iter()) {
            if !doc.is_rendered() {
                continue;
            }
            match &cache.output.as_ref().expect("rendered above").result {
                Ok(bytes) => pages.push((doc.output.clone(), Arc::clone(bytes))),
                Err(d) => out.push(d.clone()),
            }
        }
        out.insert_all(pages);
        Ok((rendered, out.checked()?, site_wide))
    }

    /// Each document's key: what its template sees (the globals, the
    /// template's sources, its view and content, the views it lists).
    fn page_keys(&self, globals: &Globals, views: &Views) -> Vec<Key> {
        let docs = &self.loaded.docs;
        let (md, summaries) = (&views.md, &views.summaries);
        let siblings = render::siblings(docs);
        docs.par_iter()
            .enumerate()
            .map(|(i, doc)| {
                let template = render::template_for(doc);
                let mut k = KeyBuilder::new("document");
                k.key(&globals.key)
                    .key(&self.compiled.templates.get(template))
                    .str(template)
                    .str(&doc.source_path)
                    .str(&doc.path)
                    .u64(u64::from(doc.kind == Kind::Section))
                    .str(&listings::listing_key(doc))
                    .u64(summaries[i].changed_at.number())
                    .u64(md[i].content_changed_at.number());
                if self.compiled.templates.reads_content(template) {
                    k.key(&globals.content_key);
                }
                // `page.lower` and `page.higher`, for the templates naming them.
                let siblings = if self.compiled.templates.reads_siblings(template) {
                    siblings[i]
                } else {
                    [None, None]
                };
                for p in siblings.iter().flatten() {
                    k.str(&docs[*p].source_path)
                        .u64(summaries[*p].changed_at.number());
                }
                for list in [&doc.pages, &doc.subsections] {
                    k.u64(list.len() as u64);
                    for &p in list {
                        k.str(&docs[p].source_path)
                            .u64(summaries[p].changed_at.number());
                    }
                }
                k.finish()
            })
            .collect()
    }

    /// Renders the 404 page, listings and alias redirects into `out`, with
    /// `site_wide` (the sitemap, robots.txt and feed rendered beside the
    /// pages; see `extras`). Returns how many were rendered.
    pub(super) fn render_extras(
        &mut self,
        globals: &Globals,
        site_wide: SiteWide,
        out: &mut OutputMap,
    ) -> usize {
        let views = Views::of(self.docs, &self.loaded.docs, &self.compiled.urls);
        let section_keys: HashMap<usize, Key> = globals
            .listings
            .sections
            .iter()
            .filter_map(|sp| Some((sp.section, self.docs[sp.section].output.as_ref()?.key)))
            .collect();
        let mut cache = std::mem::take(&mut *self.extras);
        let site = self.extras_site(globals, &views, &section_keys);
        let rendered = extras::render_all(&mut cache, &site, site_wide, out);
        *self.extras = cache;
        rendered
    }

    /// What the extra outputs are made from, for this rebuild.
    fn extras_site<'s>(
        &'s self,
        globals: &'s Globals,
        views: &'s Views<'s>,
        section_keys: &'s HashMap<usize, Key>,
    ) -> ExtrasSite<'s> {
        ExtrasSite {
            config: self.config,
            theme: &self.theme.theme,
            loaded: self.loaded,
            compiled: self.compiled,
            globals,
            views,
            listings: &globals.listings,
            section_keys,
        }
    }

    /// The JPEG, PNG and WebP files of `content/`, by source path.
    fn image_catalog(&self) -> crate::images::Catalog {
        let content = self.opts.root.join("content");
        let mut catalog = crate::images::Catalog::default();
        for asset in &self.loaded.assets {
            let Some(Ok((bytes, hash))) = self.assets.get(&asset.source) else {
                continue;
            };
            let Ok(rel) = asset.source.strip_prefix(&content) else {
                continue;
            };
            let parts: Option<Vec<&str>> =
                rel.components().map(|c| c.as_os_str().to_str()).collect();
            let Some(source_path) = parts.map(|p| p.join("/")) else {
                continue;
            };
            if !crate::images::is_processed_name(&source_path) {
                continue;
            }
            let shown = display_path(&self.opts.root, &asset.source);
            catalog.0.insert(
                source_path,
                crate::images::Source {
                    bytes: Arc::clone(bytes),
                    hash: hash.clone(),
                    output: asset.output.clone(),
                    shown: shown.display().to_string(),
                },
            );
        }
        catalog
    }

    /// Adds the static files to `out`: the theme's and the site's, those of
    /// `content/` (its images processed, in parallel: the largest file in
    /// place of the original, the others beside it), the images made for
    /// templates, and the widget's when a page shows it.
    pub(super) fn add_static_files(&self, out: &mut OutputMap) {
        for (path, bytes, origin) in &self.theme.statics {
            out.add(path.clone(), Arc::clone(bytes), origin);
        }
        let catalog = self.image_catalog();
        // A file without an image's signature (a text named `.png`) is
        // copied as it is; shown by a page, it is an error there.
        let mut images: HashMap<&str, _> = catalog
            .0
            .par_iter()
            .filter(|(_, source)| {
                crate::images::Format::sniff(&source.bytes)
                    .is_some_and(crate::images::Format::is_processed)
            })
            .map(|(_, source)| {
                let files = crate::images::publish(self.images, source, &self.config.images)
                    .map_err(|e| Diagnostic::new(&source.shown, e.to_string()));
                (source.output.as_str(), (files, source.shown.as_str()))
            })
            .collect();
        for (path, bytes) in self.images.made_for_templates() {
            out.insert(path, bytes);
        }
        for asset in &self.loaded.assets {
            if let Some((files, shown)) = images.remove(asset.output.as_str()) {
                match files {
                    Ok(files) => {
                        for (path, bytes) in files {
                            out.add(path, bytes, shown);
                        }
                    }
                    Err(d) => out.push(d),
                }
                continue;
            }
            match &self.assets[&asset.source] {
                Ok((bytes, _)) => out.add(
                    asset.output.clone(),
                    Arc::clone(bytes),
                    &asset.source.display().to_string(),
                ),
                Err(d) => out.push(d.clone()),
            }
        }
        if self.docs.iter().any(|c| c.md().result.uses.calculator) {
            for (path, bytes) in self.widget.files() {
                out.insert(path.clone(), Arc::clone(bytes));
            }
        }
    }

    /// The output files, unless a problem was found while adding them, or
    /// paths clash (see `outputs`).
    /// The pages given to the sink are checked with the other files, then
    /// left out.
    pub(super) fn check_outputs(&self, mut out: OutputMap) -> Result<SiteFiles, Diagnostics> {
        out.check_clashes(|| self.origins());
        let mut files = out.finish()?;
        if self.sink.is_some() {
            // Both maps in key order: each path of `files` is compared with
            // the next written one, not searched for.
            let mut written = self.written.keys().peekable();
            files.retain(|path, bytes| {
                while written.next_if(|w| *w < path).is_some() {}
                !(bytes.is_empty() && written.peek() == Some(&path))
            });
        }
        Ok(files)
    }

    /// What claims each output path, as shown in messages.
    fn origins(&self) -> Origins<'a> {
        let (loaded, root) = (self.loaded, &self.opts.root);
        let docs = &loaded.docs;
        let mut origins = Origins::new();
        for doc in docs {
            origins.insert(&doc.output, doc.file.display().to_string());
        }
        for (output, target) in &loaded.aliases {
            origins.insert(output, docs[*target].file.display().to_string());
        }
        for asset in &loaded.assets {
            let shown = display_path(root, &asset.source);
            origins.insert(&asset.output, shown.display().to_string());
        }
        for (path, _, origin) in &self.theme.statics {
            origins.insert(path, origin.clone());
        }
        origins
    }

    /// The source of each of `outputs`, as shown (an image's derivatives
    /// are named by their source, made already: found again in the
    /// store's memory).
    fn origins_of<'o, V>(&self, outputs: &BTreeMap<&'o str, V>) -> HashMap<&'o str, String> {
        let loaded = self.loaded;
        let key = |path: &str| outputs.get_key_value(path).map(|(&key, _)| key);
        let mut origins: HashMap<&str, String> = HashMap::new();
        for asset in &loaded.assets {
            if let Some(output) = key(&asset.output) {
                let shown = display_path(&self.opts.root, &asset.source);
                origins.insert(output, shown.display().to_string());
            }
        }
        for doc in &loaded.docs {
            if let Some(output) = key(&doc.output) {
                origins.insert(output, doc.file.display().to_string());
            }
        }
        let catalog = self.image_catalog();
        for source in catalog.0.values() {
            if let Ok(files) = crate::images::publish(self.images, source, &self.config.images) {
                for (path, _) in files {
                    if let Some(output) = key(&path) {
                        origins
                            .entry(output)
                            .or_insert_with(|| source.shown.clone());
                    }
                }
            }
        }
        origins
    }

    /// Keeps `files` as the session's site; reports which files changed
    /// and what the build warns about.
    pub(super) fn assemble(&mut self, files: SiteFiles) -> RebuildReport {
        let loaded = self.loaded;
        let views = Views::of(self.docs, &self.loaded.docs, &self.compiled.urls);
        let uses = views.md.iter().map(|e| &e.result.uses);
        let calculator_pages = loaded
            .docs
            .iter()
            .zip(self.docs.iter())
            .filter(|(_, c)| c.md().result.uses.calculator)
            .map(|(d, _)| d.file.as_path());
        let sizes = super::output_sizes(&files, self.written);
        let heavy = warnings::heavy_files(
            sizes.map(|(path, size)| (path, size as u64)),
            &self.config.images,
        );
        let origins = if heavy.is_empty() {
            HashMap::new()
        } else {
            self.origins_of(&heavy)
        };
        let warnings = warnings::missing_organisation(self.config, uses)
            .into_iter()
            .chain(self.config.warnings.iter().cloned())
            .chain(warnings::widget_unavailable(self.widget, calculator_pages))
            .chain(warnings::over_budget(&heavy, &self.config.images, &origins))
            .collect();
        let typed_figures = self
            .pricing
            .map(|model| warnings::typed_figures(model, &loaded.docs, &views.rendered))
            .unwrap_or_default();
        let changed = changed_files(self.site.as_ref().map(|s| &*s.files), &files);
        *self.site = Some(SiteState {
            files: Arc::new(files),
            pages: loaded.pages().count(),
            sections: loaded.sections().count(),
        });
        RebuildReport {
            changed,
            widget_compiled: self.widget.take_compiled(),
            warnings,
            typed_figures,
            ..RebuildReport::default()
        }
    }
}

/// Frees the spare room of a table of contents' lists (grown by pushes,
/// they are kept as long as the HTML).
fn shrink_toc(toc: &mut Vec<Heading>) {
    toc.shrink_to_fit();
    for heading in toc {
        shrink_toc(&mut heading.children);
    }
}

/// A document's HTML and table of contents, moved into its page's context.
type Content = (String, Vec<Heading>);

/// A rendered page: its bytes (none once given to the sink) and its size.
type Page = (Bytes, usize);

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
