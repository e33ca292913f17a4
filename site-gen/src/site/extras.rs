//! The outputs besides the documents and static files: the 404 page,
//! sitemap, robots.txt, feed, listings (`listings`: pagers 2, 3… of
//! paginated sections, section feeds; `taxonomies`: taxonomy and term
//! pages, term feeds) and alias redirects, each rendered again only when
//! its key changed.
//!
//! This is the one place such an output kind is added: a function that
//! renders it with [`Extras::render`] (keyed by what its context is made
//! from) and adds it to the output map, called from [`render_all`]; what it
//! needs of the site goes in [`ExtrasSite`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{json, Value};
use tera::Context;

use super::listings::{self, Listings};
use super::outputs::OutputMap;
use super::rebuild::Globals;
use super::state::{Bytes, Compiled, Output, Views};
use crate::config::Config;
use crate::content::{Kind, Loaded};
use crate::diagnostics::Diagnostic;
use crate::render::context;
use crate::render::deps::{Key, KeyBuilder};
use crate::render::{self, DocView, ListingView};
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
    pub(super) listings: &'a Listings,
    /// The key of each paginated section's own page (its pagers' key).
    pub(super) section_keys: &'a HashMap<usize, Key>,
}

impl ExtrasSite<'_> {
    pub(super) fn urls(&self) -> &Urls {
        &self.compiled.urls
    }

    /// Document `i` rendered with its template at URL path `at` (a pager
    /// of its listing), `paginator` in its context.
    pub(super) fn render_document(
        &self,
        i: usize,
        at: &str,
        paginator: Value,
    ) -> Result<Vec<u8>, Diagnostic> {
        let (docs, views) = (&self.loaded.docs, self.views);
        let doc = &docs[i];
        let rendered = views.rendered[i];
        let view = DocView {
            doc,
            summary: views.summary(i),
            html: std::borrow::Cow::Borrowed(rendered.html.as_str()),
            toc: &rendered.toc,
            pages: doc.pages.iter().map(|&p| views.summary(p)).collect(),
            subsections: doc.subsections.iter().map(|&s| views.summary(s)).collect(),
            siblings: [None, None],
            ancestors: render::ancestors(docs, i),
            listing: ListingView {
                at: Some(at),
                paginator: Some(paginator),
                feed_url: self.section_feed_url(i),
            },
        };
        let html = render::template_one(
            &self.compiled.tera,
            &self.globals.context,
            view,
            self.urls(),
        )?;
        let output = listings::folder_output(at);
        Ok(crate::relative::rewrite_page(&output, html, self.config))
    }

    /// The permalink of section `i`'s feed, when it has one.
    pub(super) fn section_feed_url(&self, i: usize) -> Option<String> {
        self.listings.section_feeds.contains_key(&i).then(|| {
            self.urls()
                .permalink(&listings::feed_path(&self.loaded.docs[i].path))
        })
    }
}

/// The sitemap, robots.txt and the site's feed, made before the other
/// extra outputs: they read documents, views and URLs, never a page's
/// output, so they are rendered beside the pages. [`render_all`] adds them
/// to the output map in their place.
pub(super) struct SiteWide {
    outputs: Vec<(&'static str, Result<Bytes, Diagnostic>)>,
    used: HashSet<String>,
    rendered: usize,
}

/// Renders the [`SiteWide`] outputs (`site.section_keys` is not read).
pub(super) fn render_site_wide(
    cache: &mut HashMap<String, Output>,
    site: &ExtrasSite<'_>,
) -> SiteWide {
    let mut extras = Extras {
        cache,
        used: HashSet::new(),
        rendered: 0,
        site,
    };
    let mut outputs = vec![
        ("sitemap.xml", sitemap(&mut extras)),
        ("robots.txt", robots(&mut extras)),
    ];
    outputs.extend(feed(&mut extras).map(|result| ("atom.xml", result)));
    let Extras { used, rendered, .. } = extras;
    SiteWide {
        outputs,
        used,
        rendered,
    }
}

/// Renders every other extra output into `out`, in this order (a file
/// claimed twice is reported for the second one), the [`SiteWide`] ones
/// added after the 404 page, and keeps in `cache` only the outputs still
/// made. Returns how many were rendered (not taken from the cache).
pub(super) fn render_all(
    cache: &mut HashMap<String, Output>,
    site: &ExtrasSite<'_>,
    site_wide: SiteWide,
    out: &mut OutputMap,
) -> usize {
    let SiteWide {
        outputs,
        used,
        rendered,
    } = site_wide;
    let mut extras = Extras {
        cache,
        used,
        rendered,
        site,
    };
    page_404(&mut extras, out);
    for (name, result) in outputs {
        out.insert_result(name, result);
    }
    listings::render_section_pagers(&mut extras, out);
    listings::render_section_feeds(&mut extras, out);
    super::taxonomies::render_all(&mut extras, out);
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

fn sitemap(extras: &mut Extras) -> Result<Bytes, Diagnostic> {
    let (loaded, urls) = (extras.site.loaded, extras.site.urls());
    let listed = extras.site.listings.sitemap_paths(&loaded.docs);
    let mut key = KeyBuilder::new("sitemap");
    for doc in &loaded.docs {
        let lastmod = doc.last_modified().map(|d| d.to_string());
        key.str(&doc.path)
            .str(lastmod.as_deref().unwrap_or("-"))
            .u64(u64::from(doc.in_sitemap()));
    }
    key.u64(listed.len() as u64);
    for path in &listed {
        key.str(path);
    }
    extras.render("sitemap.xml", "sitemap.xml", &key.finish(), || {
        fields(json!({ "entries": sitemap_entries(loaded, urls, listed) }))
    })
}

fn robots(extras: &mut Extras) -> Result<Bytes, Diagnostic> {
    let urls = extras.site.urls();
    extras.render("robots.txt", "robots.txt", &[], || {
        fields(json!({ "sitemap_url": urls.permalink("/sitemap.xml") }))
    })
}

/// The site's feed, when it has one.
fn feed(extras: &mut Extras) -> Option<Result<Bytes, Diagnostic>> {
    let site = extras.site;
    site.globals.feed.url.as_ref()?;
    Some(extras.feed("/atom.xml", &site.globals.feed.pages, None, "/"))
}

fn aliases(extras: &mut Extras, out: &mut OutputMap) {
    let site = extras.site;
    for (output, target) in &site.loaded.aliases {
        let doc = &site.loaded.docs[*target];
        let origin = doc.file.display().to_string();
        extras.redirect(output, &doc.path, &doc.title, &origin, out);
    }
}

/// The extra outputs' cache, for one rebuild.
pub(super) struct Extras<'a> {
    cache: &'a mut HashMap<String, Output>,
    /// The outputs made this time, by name.
    used: HashSet<String>,
    rendered: usize,
    pub(super) site: &'a ExtrasSite<'a>,
}

impl Extras<'_> {
    /// A page at `output` sending the reader to the site path `target`
    /// (titled `title`), added to `out` for `origin`.
    pub(super) fn redirect(
        &mut self,
        output: &str,
        target: &str,
        title: &str,
        origin: &str,
        out: &mut OutputMap,
    ) {
        let value = json!({ "url": self.site.urls().permalink(target), "title": title });
        let key = value.to_string();
        let name = format!("alias:{output}");
        let page = self.render_page(&name, Some(output), "alias.html", key.as_bytes(), || {
            fields(value)
        });
        match page {
            Ok(bytes) => out.add(output.to_string(), bytes, origin),
            Err(d) => out.push(d),
        }
    }

    /// The Atom feed at site path `path` of `pages` (newest first), titled
    /// after the site and `title`, its alternate link to site path `listing`.
    pub(super) fn feed(
        &mut self,
        path: &str,
        pages: &[usize],
        title: Option<&str>,
        listing: &str,
    ) -> Result<Bytes, Diagnostic> {
        let site = self.site;
        let (docs, views) = (&site.loaded.docs, site.views);
        let feed_url = site.urls().permalink(path);
        let updated = pages
            .iter()
            .filter_map(|&i| docs[i].last_modified())
            .max()
            .map(|d| format!("{d}T00:00:00Z"))
            .unwrap_or_default();
        let mut key = KeyBuilder::new("feed");
        key.str(&feed_url)
            .str(&updated)
            .str(title.unwrap_or("-"))
            .str(listing);
        for &i in pages {
            key.str(&docs[i].source_path)
                .u64(views.summaries[i].changed_at.number())
                .u64(views.md[i].content_changed_at.number());
        }
        let name = format!("feed:{path}");
        self.render(&name, "atom.xml", &key.finish(), || {
            let pages: Vec<Value> = pages
                .iter()
                .map(|&i| {
                    let r = views.rendered[i];
                    Value::Object(context::full(views.summary(i), r.html.clone(), &r.toc))
                })
                .collect();
            fields(json!({
                "pages": pages, "feed_url": feed_url, "updated": updated,
                "home_url": site.urls().permalink(listing), "feed_title": title,
            }))
        })
    }

    /// Output `name`: what `make` gives, made again only when `key` changed.
    pub(super) fn cached(
        &mut self,
        name: &str,
        key: &Key,
        make: impl FnOnce() -> Result<Vec<u8>, Diagnostic>,
    ) -> Result<Bytes, Diagnostic> {
        self.used.insert(name.to_string());
        if let Some(out) = self.cache.get(name).filter(|o| o.key == *key) {
            return out.result.clone();
        }
        self.rendered += 1;
        let result = make().map(Arc::new);
        let out = Output {
            key: *key,
            result: result.clone(),
        };
        self.cache.insert(name.to_string(), out);
        result
    }

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
    pub(super) fn render_page(
        &mut self,
        name: &str,
        output: Option<&str>,
        template: &str,
        key: &[u8],
        context: impl FnOnce() -> Context,
    ) -> Result<Bytes, Diagnostic> {
        let site = self.site;
        let mut k = KeyBuilder::new(template);
        k.key(&site.globals.key)
            .key(&site.compiled.templates.get(template))
            .bytes(key);
        if site.compiled.templates.reads_content(template) {
            k.key(&site.globals.content_key);
        }
        let key = k.finish();
        self.cached(name, &key, || {
            let mut ctx = site.globals.context.clone();
            ctx.extend(context());
            site.compiled
                .tera
                .render(template, &ctx)
                .map(|text| {
                    let bytes = text.into_bytes();
                    match output {
                        Some(output) => crate::relative::rewrite_page(output, bytes, site.config),
                        None => bytes,
                    }
                })
                .map_err(|e| {
                    Diagnostic::new(
                        templates::origin(site.theme, template),
                        templates::render_message(&e),
                    )
                })
        })
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
    let pages: Vec<usize> = (0..loaded.docs.len())
        .filter(|&i| loaded.docs[i].kind == Kind::Page)
        .collect();
    listings::newest_dated(&loaded.docs, &pages, config.feed_limit)
}

/// Every document and generated listing page (`listed`), by path.
fn sitemap_entries(loaded: &Loaded, urls: &Urls, listed: Vec<String>) -> Vec<Value> {
    let mut entries: Vec<(&str, Option<String>)> = loaded
        .docs
        .iter()
        .filter(|d| d.in_sitemap())
        .map(|d| (d.path.as_str(), d.last_modified().map(|d| d.to_string())))
        .chain(listed.iter().map(|p| (p.as_str(), None)))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
        .iter()
        .map(|(path, lastmod)| json!({ "permalink": urls.permalink(path), "lastmod": lastmod }))
        .collect()
}
