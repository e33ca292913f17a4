//! The outputs besides the documents: the 404 page, sitemap, robots.txt,
//! feed and alias redirects, each rendered again only when its key changed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{json, Value};
use tera::{Context, Tera};

use super::state::{Bytes, Output};
use crate::config::Config;
use crate::content::{Kind, Loaded};
use crate::diagnostics::Diagnostic;
use crate::render::deps::{Key, KeyBuilder, TemplateKeys};
use crate::templates;
use crate::theme::Theme;
use crate::urls::Urls;

/// The other outputs' cache, for one rebuild.
pub(super) struct Extras<'a> {
    pub(super) cache: &'a mut HashMap<String, Output>,
    pub(super) used: HashSet<String>,
    pub(super) rendered: usize,
    pub(super) tera: &'a Tera,
    pub(super) base: &'a Context,
    pub(super) theme: &'a Theme,
    pub(super) templates: &'a TemplateKeys,
    pub(super) config: &'a Config,
    pub(super) global: Key,
}

impl Extras<'_> {
    /// Output `name` made with `template` from the base context plus
    /// `context()`, rendered again only when `key` (what the context is
    /// made from) or the template changed.
    pub(super) fn render(
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
        let key = KeyBuilder::new(template)
            .key(&self.global)
            .key(&self.templates.get(template))
            .bytes(key)
            .finish();
        self.used.insert(name.to_string());
        if let Some(out) = self.cache.get(name).filter(|o| o.key == key) {
            return out.result.clone();
        }
        self.rendered += 1;
        let mut ctx = self.base.clone();
        ctx.extend(context());
        let result = self
            .tera
            .render(template, &ctx)
            .map(|text| {
                let bytes = text.into_bytes();
                Arc::new(match output {
                    Some(output) => crate::relative::rewrite_page(output, bytes, self.config),
                    None => bytes,
                })
            })
            .map_err(|e| {
                Diagnostic::new(
                    templates::origin(self.theme, template),
                    templates::error_chain(&e),
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

/// A JSON object's fields as a template context.
pub(super) fn fields(value: Value) -> Context {
    let mut ctx = Context::new();
    if let Value::Object(map) = value {
        for (k, v) in map {
            ctx.insert(k, &v);
        }
    }
    ctx
}

/// Dated pages, newest first, at most `feed_limit`.
pub(super) fn feed_pages(config: &Config, loaded: &Loaded) -> Vec<usize> {
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

pub(super) fn sitemap_entries(loaded: &Loaded, urls: &Urls) -> Vec<Value> {
    let mut docs: Vec<_> = loaded.docs.iter().collect();
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
