//! Shortcodes in Markdown: the built-in `calculateur()` (the pricing
//! widget) and the theme's `templates/shortcodes/<name>.html`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use calculator::Model;
use tera::{Context, Tera};

use crate::markdown::{RenderEnv, ShortcodeArgs};
use crate::templates::error_chain;
use crate::urls::Urls;
use crate::widget;

/// The built-in shortcode's name.
pub const CALCULATOR: &str = "calculateur";

/// Hears about the widget's slow steps (compiling, installing the target).
pub type Progress = Arc<dyn Fn(widget::Progress) + Send + Sync>;

/// The widget of a build, or of a whole `serve` session: built on first
/// use, shared by every page that embeds it, kept until it is reset (its
/// sources changed).
#[derive(Debug, Default)]
pub struct WidgetSlot {
    built: OnceLock<Result<BuiltWidget, String>>,
    /// Compiled (not taken from the cache) since the last [`take_compiled`](Self::take_compiled).
    compiled: AtomicBool,
}

/// The widget's script name and its two files.
#[derive(Debug)]
struct BuiltWidget {
    js_name: String,
    files: Vec<(String, Arc<Vec<u8>>)>,
}

impl WidgetSlot {
    /// Forgets the widget: the next page using it builds it again.
    pub fn reset(&mut self) {
        self.built = OnceLock::new();
    }

    /// The widget's build failed (it is tried again after a reset).
    pub fn failed(&self) -> bool {
        matches!(self.built.get(), Some(Err(_)))
    }

    /// Whether the widget was compiled since the last call.
    pub fn take_compiled(&self) -> bool {
        self.compiled.swap(false, Ordering::Relaxed)
    }

    /// The widget's two files (output path, bytes), once built.
    pub fn files(&self) -> &[(String, Arc<Vec<u8>>)] {
        match self.built.get() {
            Some(Ok(built)) => &built.files,
            _ => &[],
        }
    }

    fn get_or_build(&self, progress: &Progress) -> &Result<BuiltWidget, String> {
        self.built.get_or_init(|| {
            let built = widget::build_for_site(|step| progress(step)).map_err(|e| e.to_string())?;
            if built.compiled {
                self.compiled.store(true, Ordering::Relaxed);
            }
            let b = built.bundle;
            Ok(BuiltWidget {
                files: vec![
                    (format!("assets/{}", b.js_name), Arc::new(b.js)),
                    (format!("assets/{}", b.wasm_name), Arc::new(b.wasm)),
                ],
                js_name: b.js_name,
            })
        })
    }
}

/// Everything a page's Markdown may call on while rendering.
pub struct SiteEnv<'a> {
    urls: &'a Urls,
    tera: &'a Tera,
    pricing: Option<&'a Model>,
    compile_widget: bool,
    widget: &'a WidgetSlot,
    progress: &'a Progress,
}

impl<'a> SiteEnv<'a> {
    pub fn new(
        urls: &'a Urls,
        tera: &'a Tera,
        pricing: Option<&'a Model>,
        compile_widget: bool,
        widget: &'a WidgetSlot,
        progress: &'a Progress,
    ) -> Self {
        SiteEnv {
            urls,
            tera,
            pricing,
            compile_widget,
            widget,
            progress,
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
            let built = self.widget.get_or_build(self.progress);
            let built = built.as_ref().map_err(|e| {
                format!("le calculateur n’a pas pu être compilé en WebAssembly : {e}")
            })?;
            let src = self.urls.permalink(&format!("/assets/{}", built.js_name));
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
        if name == CALCULATOR {
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
