//! The outputs besides the documents and static files: the 404 page,
//! sitemap, robots.txt, feed and alias redirects, each rendered again only
//! when its key changed.
//!
//! This is the one place such an output kind is added: a function that
//! renders it with [`Extras::render`] (keyed by what its context is made
//! from) and adds it to the output map, called from [`render_all`]; what it
//! needs of the site goes in [`ExtrasSite`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{json, Value};
use tera::Context;

use super::outputs::OutputMap;
use super::rebuild::Globals;
use super::state::{Bytes, Compiled, Output, Views};
use crate::config::Config;
use crate::content::{Kind, Loaded};
use crate::diagnostics::Diagnostic;
use crate::render::context;
use crate::render::deps::KeyBuilder;
use crate::templates;
use crate::theme::Theme;
use crate::urls::Urls;

/// What the extra outputs are made from.
pub(super) struct ExtrasSite<'a> {
    pub(super) config: &'a Config,
    pub(super) theme: &'a Theme,
    pub(super) loaded: &'a Loaded,
    pub(super) compiled: &'a Compiled,
    pub(super) globals: &'a Globals,
    pub(super) views: &'a Views<'a>,
}

impl ExtrasSite<'_> {
    fn urls(&self) -> &Urls {
        &self.compiled.urls
    }
}

/// Renders every extra output into `out`, in this order (a file claimed
/// twice is reported for the second one), and keeps in `cache` only the
/// outputs still made. Returns how many were rendered (not taken from the
/// cache).
pub(super) fn render_all(
    cache: &mut HashMap<String, Output>,
    site: &ExtrasSite<'_>,
    out: &mut OutputMap,
) -> usize {
    let mut extras = Extras {
        cache,
        used: HashSet::new(),
        rendered: 0,
        site,
    };
    page_404(&mut extras, out);
    sitemap(&mut extras, out);
    robots(&mut extras, out);
    feed(&mut extras, out);
    aliases(&mut extras, out);
    let Extras {
        cache,
        used,
        rendered,
        ..
    } = extras;
    cache.retain(|name, _| used.contains(name));
    rendered
}

fn page_404(extras: &mut Extras, out: &mut OutputMap) {
    let urls = extras.site.urls();
    let page = extras.render_page("404.html", Some("404.html"), "404.html", &[], || {
        let mut ctx = Context::new();
        ctx.insert("current_path", "/404.html");
        ctx.insert("current_url", &urls.permalink("/404.html"));
        ctx
    });
    match page {
        Ok(bytes) => out.add("404.html".into(), bytes, "404.html"),
        Err(d) => out.push(d),
    }
}

fn sitemap(extras: &mut Extras, out: &mut OutputMap) {
    let (loaded, urls) = (extras.site.loaded, extras.site.urls());
    let mut key = KeyBuilder::new("sitemap");
    for doc in &loaded.docs {
        let lastmod = doc.last_modified().map(|d| d.to_string());
        key.str(&doc.path)
            .str(lastmod.as_deref().unwrap_or("-"))
            .u64(u64::from(doc.in_sitemap()));
    }
    let sitemap = extras.render("sitemap.xml", "sitemap.xml", &key.finish(), || {
        fields(json!({ "entries": sitemap_entries(loaded, urls) }))
    });
    out.insert_result("sitemap.xml", sitemap);
}

fn robots(extras: &mut Extras, out: &mut OutputMap) {
    let urls = extras.site.urls();
    let robots = extras.render("robots.txt", "robots.txt", &[], || {
        fields(json!({ "sitemap_url": urls.permalink("/sitemap.xml") }))
    });
    out.insert_result("robots.txt", robots);
}

fn feed(extras: &mut Extras, out: &mut OutputMap) {
    let site = extras.site;
    let Some(feed_url) = &site.globals.feed.url else {
        return;
    };
    let (docs, views) = (&site.loaded.docs, site.views);
    let pages = &site.globals.feed.pages;
    let updated = pages
        .iter()
        .filter_map(|&i| docs[i].last_modified())
        .max()
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_default();
    let mut key = KeyBuilder::new("feed");
    key.str(feed_url).str(&updated);
    for &i in pages {
        key.str(&docs[i].source_path)
            .u64(views.summaries[i].changed_at.number())
            .u64(views.md[i].content_changed_at.number());
    }
    let result = extras.render("atom.xml", "atom.xml", &key.finish(), || {
        let pages: Vec<Value> = pages
            .iter()
            .map(|&i| {
                let (map, r) = (&views.summaries[i].map, views.rendered[i]);
                Value::Object(context::full(map, r.html.clone(), &r.toc))
            })
            .collect();
        fields(json!({
            "pages": pages, "feed_url": feed_url, "updated": updated,
            "home_url": site.urls().permalink("/"),
        }))
    });
    out.insert_result("atom.xml", result);
}

fn aliases(extras: &mut Extras, out: &mut OutputMap) {
    let site = extras.site;
    for (output, target) in &site.loaded.aliases {
        let doc = &site.loaded.docs[*target];
        let value = json!({ "url": site.urls().permalink(&doc.path), "title": doc.title });
        let key = value.to_string();
        let name = format!("alias:{output}");
        let page = extras.render_page(&name, Some(output), "alias.html", key.as_bytes(), || {
            fields(value)
        });
        match page {
            Ok(bytes) => out.add(output.clone(), bytes, &doc.file.display().to_string()),
            Err(d) => out.push(d),
        }
    }
}

/// The extra outputs' cache, for one rebuild.
struct Extras<'a> {
    cache: &'a mut HashMap<String, Output>,
    /// The outputs made this time, by name.
    used: HashSet<String>,
    rendered: usize,
    site: &'a ExtrasSite<'a>,
}

impl Extras<'_> {
    /// Output `name` made with `template` from the base context plus
    /// `context()`, rendered again only when `key` (what the context is
    /// made from) or the template changed.
    fn render(
        &mut self,
        name: &str,
        template: &str,
        key: &[u8],
        context: impl FnOnce() -> Context,
    ) -> Result<Bytes, Diagnostic> {
        self.render_page(name, None, template, key, context)
    }

    /// Like [`render`](Self::render) for an HTML page published at
    /// `output`, whose links follow the site's URL mode.
    fn render_page(
        &mut self,
        name: &str,
        output: Option<&str>,
        template: &str,
        key: &[u8],
        context: impl FnOnce() -> Context,
    ) -> Result<Bytes, Diagnostic> {
        let site = self.site;
        let key = KeyBuilder::new(template)
            .key(&site.globals.key)
            .key(&site.compiled.templates.get(template))
            .bytes(key)
            .finish();
        self.used.insert(name.to_string());
        if let Some(out) = self.cache.get(name).filter(|o| o.key == key) {
            return out.result.clone();
        }
        self.rendered += 1;
        let mut ctx = site.globals.context.clone();
        ctx.extend(context());
        let result = site
            .compiled
            .tera
            .render(template, &ctx)
            .map(|text| {
                let bytes = text.into_bytes();
                Arc::new(match output {
                    Some(output) => crate::relative::rewrite_page(output, bytes, site.config),
                    None => bytes,
                })
            })
            .map_err(|e| {
                Diagnostic::new(
                    templates::origin(site.theme, template),
                    templates::render_message(&e),
                )
            });
        let out = Output {
            key,
            result: result.clone(),
        };
        self.cache.insert(name.to_string(), out);
        result
    }
}

/// A JSON object's fields as a template context (moved, not copied: the
/// sitemap's entries are one a page).
fn fields(value: Value) -> Context {
    Context::from_value(value).unwrap_or_default()
}

/// The feed's pages and URL: dated pages, newest first, at most
/// `feed_limit`; no feed without them (or with `generate_feed = false`).
pub(super) struct Feed {
    pub(super) pages: Vec<usize>,
    pub(super) url: Option<String>,
}

impl Feed {
    pub(super) fn of(config: &Config, loaded: &Loaded, urls: &Urls) -> Feed {
        let pages = feed_pages(config, loaded);
        let url = (!pages.is_empty()).then(|| urls.permalink("/atom.xml"));
        Feed { pages, url }
    }
}

fn feed_pages(config: &Config, loaded: &Loaded) -> Vec<usize> {
    if !config.generate_feed {
        return Vec::new();
    }
    let mut dated: Vec<usize> = (0..loaded.docs.len())
        .filter(|&i| loaded.docs[i].kind == Kind::Page && loaded.docs[i].date().is_some())
        .collect();
    dated.sort_by(|&a, &b| {
        let (a, b) = (&loaded.docs[a], &loaded.docs[b]);
        b.date().cmp(&a.date()).then_with(|| a.path.cmp(&b.path))
    });
    dated.truncate(config.feed_limit);
    dated
}

fn sitemap_entries(loaded: &Loaded, urls: &Urls) -> Vec<Value> {
    let mut docs: Vec<_> = loaded.docs.iter().filter(|d| d.in_sitemap()).collect();
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    docs.iter()
        .map(|d| {
            json!({
                "permalink": urls.permalink(&d.path),
                "lastmod": d.last_modified().map(|d| d.to_string()),
            })
        })
        .collect()
}
