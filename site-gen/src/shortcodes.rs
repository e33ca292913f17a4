//! Shortcodes in Markdown: the built-in `calculateur()` (the pricing
//! widget) and the theme's `templates/shortcodes/<name>.html`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use calculator::Model;
use tera::{Context, Tera};

use crate::markdown::{RenderEnv, ShortcodeArgs};
use crate::templates::error_chain;
use crate::urls::Urls;
use crate::widget;

/// Everything a page's Markdown may call on while rendering.
pub struct SiteEnv<'a> {
    root: &'a Path,
    urls: &'a Urls,
    tera: &'a Tera,
    pricing: Option<&'a Model>,
    compile_widget: bool,
    /// Built on first use, shared by every page that embeds the widget.
    widget: OnceLock<Result<widget::Built, String>>,
}

impl<'a> SiteEnv<'a> {
    pub fn new(
        root: &'a Path,
        urls: &'a Urls,
        tera: &'a Tera,
        pricing: Option<&'a Model>,
        compile_widget: bool,
    ) -> Self {
        SiteEnv {
            root,
            urls,
            tera,
            pricing,
            compile_widget,
            widget: OnceLock::new(),
        }
    }

    /// Adds the widget's files when a page used it; true when it was compiled
    /// during this build rather than taken from the cache.
    pub fn add_widget_files(&self, files: &mut BTreeMap<String, Vec<u8>>) -> bool {
        match self.widget.get() {
            Some(Ok(built)) => {
                let b = &built.bundle;
                files.insert(format!("assets/{}", b.js_name), b.js.clone());
                files.insert(format!("assets/{}", b.wasm_name), b.wasm.clone());
                built.compiled
            }
            _ => false,
        }
    }

    fn calculateur(&self, args: &ShortcodeArgs) -> Result<String, String> {
        if let Some(key) = args.keys().next() {
            return Err(format!(
                "calculateur() ne prend pas d’argument (reçu « {key} »)"
            ));
        }
        let model = self.pricing.ok_or(
            "calculateur() a besoin du fichier de tarifs (content/tarifs.toml par défaut)",
        )?;
        let mut html = calculator::embed::render_fragment(model, "");
        if self.compile_widget {
            let built = self
                .widget
                .get_or_init(|| widget::build_for_site(self.root).map_err(|e| e.to_string()));
            let built = built.as_ref().map_err(|e| {
                format!("le calculateur n’a pas pu être compilé en WebAssembly : {e}")
            })?;
            let src = self
                .urls
                .permalink(&format!("/assets/{}", built.bundle.js_name));
            html.push_str(&format!(
                "\n<script type=\"module\" src=\"{}\"></script>",
                crate::templates::escape(&src)
            ));
        }
        Ok(html)
    }
}

impl RenderEnv for SiteEnv<'_> {
    fn page_url(&self, source_path: &str) -> Option<String> {
        self.urls.page(source_path)
    }

    fn shortcode(&self, name: &str, args: &ShortcodeArgs) -> Result<String, String> {
        if name == "calculateur" {
            return self.calculateur(args);
        }
        let template = format!("shortcodes/{name}.html");
        if !self.tera.get_template_names().any(|t| t == template) {
            return Err(format!(
                "shortcode inconnu « {name} » (ni intégré, ni templates/{template})"
            ));
        }
        let mut ctx = Context::new();
        for (k, v) in args {
            ctx.insert(k.as_str(), v);
        }
        self.tera
            .render(&template, &ctx)
            .map_err(|e| format!("shortcode « {name} » : {}", error_chain(&e)))
    }
}
