//! One build, in memory: load everything, check it, render it. Writing to
//! disk is `output`'s job, so `serve` and `check` share this code.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Value};
use tera::Context;

use crate::config::{Config, CONFIG_FILE};
use crate::content::{self, Kind, Loaded, UrlPaths};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::MarkdownOptions;
use crate::render::{self, context, Views};
use crate::shortcodes::SiteEnv;
use crate::templates;
use crate::theme::Theme;
use crate::urls::{content_hash, Urls};

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
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            include_drafts: false,
            base_url: None,
            widget: true,
        }
    }
}

/// A built site: every output file by its path relative to the output folder.
#[derive(Debug, Default)]
pub struct BuiltSite {
    pub files: BTreeMap<String, Vec<u8>>,
    /// The Markdown file each page was made from, by output path (for
    /// messages about the output that point at the source).
    pub sources: BTreeMap<String, PathBuf>,
    pub pages: usize,
    pub sections: usize,
    /// True when the widget's WebAssembly was compiled (not taken from cache).
    pub widget_compiled: bool,
}

/// Builds the site at `opts.root` in memory.
pub fn build(opts: &BuildOptions) -> Result<BuiltSite, Diagnostics> {
    let mut config = Config::load(&opts.root)?;
    if let Some(base) = &opts.base_url {
        config.base_url = base.clone();
        config.validate(std::path::Path::new("--base-url"))?;
    }

    // Load everything and report every problem of this stage together.
    let mut diags = Diagnostics::default();
    let pricing_path = opts.root.join(&config.pricing_data);
    let pricing = crate::pricing::load(&opts.root, &pricing_path);
    let theme = Theme::load(&opts.root, &config);
    let loaded = content::load(&content::LoadOptions {
        root: &opts.root,
        include_drafts: opts.include_drafts,
        urls: UrlPaths {
            style: config.url_style,
        },
        skip: vec![pricing_path],
        site_title: &config.title,
        french_typography: config.french_typography,
    });
    let pricing = pricing.map_err(|d| diags.push(d)).ok().flatten();
    let theme = theme.map_err(|d| diags.extend(d.0)).ok();
    let loaded = loaded.map_err(|d| diags.extend(d.0)).ok();
    let (Some(theme), Some(loaded)) = (theme, loaded) else {
        return Err(diags.into_result().err().unwrap_or_default());
    };

    let mut asset_hashes: HashMap<String, String> = theme
        .statics
        .iter()
        .map(|(path, f)| (path.clone(), content_hash(&f.bytes)))
        .collect();
    for asset in &loaded.assets {
        if let Ok(bytes) = std::fs::read(&asset.source) {
            asset_hashes.insert(asset.output.clone(), content_hash(&bytes));
        }
    }
    let by_source = loaded
        .docs
        .iter()
        .map(|d| (d.source_path.clone(), d.path.clone()))
        .collect();
    let urls = Arc::new(Urls::new(config.base_url(), by_source, asset_hashes));
    let tera = match templates::compile(&theme, Arc::clone(&urls)) {
        Ok(t) => t,
        Err(d) => {
            diags.extend(d.0);
            return Err(diags);
        }
    };
    let menu = resolve_menu(&config, &urls)
        .map_err(|d| diags.extend(d.0))
        .ok();
    diags.clone().into_result()?;

    // Render Markdown, then check the anchors every page links to.
    let env = SiteEnv::new(&opts.root, &urls, &tera, pricing.as_ref(), opts.widget);
    let md_opts = MarkdownOptions {
        french_typography: config.french_typography,
        raw_html: config.raw_html,
    };
    let (rendered, mut diags) = render::markdown_all(&loaded, &md_opts, &env);
    if let Err(anchors) = render::check_anchors(&loaded, &rendered) {
        diags.extend(anchors.0);
    }
    diags.into_result()?;

    let views = Views::new(&loaded, &rendered, &urls);
    let feed = feed_pages(&config, &loaded);
    let feed_url = (!feed.is_empty()).then(|| urls.permalink("/atom.xml"));
    let config_value = context::config_value(&config, menu.unwrap_or_default(), feed_url.clone());
    let mut base = Context::new();
    base.insert("config", &config_value);
    base.insert("lang", &config.language);

    let mut files = render::templates_all(&tera, &base, &loaded, &rendered, &views, &urls)?;
    let mut extra = Diagnostics::default();

    // The 404 page, sitemap, robots.txt, feed and alias redirects.
    let mut ctx = base.clone();
    ctx.insert("current_path", "/404.html");
    ctx.insert("current_url", &urls.permalink("/404.html"));
    match tera.render("404.html", &ctx) {
        Ok(html) => add(
            &mut extra,
            &mut files,
            "404.html".into(),
            html.into_bytes(),
            "404.html",
        ),
        Err(e) => extra.push(Diagnostic::new(
            templates::origin(&theme, "404.html"),
            templates::error_chain(&e),
        )),
    }
    let sitemap = sitemap_entries(&loaded, &urls);
    let outputs = [
        ("sitemap.xml", json!({ "entries": sitemap })),
        (
            "robots.txt",
            json!({ "sitemap_url": urls.permalink("/sitemap.xml") }),
        ),
    ];
    for (name, value) in outputs {
        render_into(&tera, &base, name, value, &theme, &mut files, &mut extra);
    }
    if let Some(feed_url) = &feed_url {
        let pages: Vec<Value> = feed
            .iter()
            .map(|&i| Value::Object(context::full(&views.summaries[i], &rendered[i])))
            .collect();
        let updated = feed
            .iter()
            .filter_map(|&i| loaded.docs[i].last_modified())
            .max()
            .map(|d| format!("{d}T00:00:00Z"))
            .unwrap_or_default();
        let value = json!({
            "pages": pages, "feed_url": feed_url, "updated": updated,
            "home_url": urls.permalink("/"),
        });
        render_into(
            &tera, &base, "atom.xml", value, &theme, &mut files, &mut extra,
        );
    }
    for (output, target) in &loaded.aliases {
        let doc = &loaded.docs[*target];
        let value = json!({ "url": urls.permalink(&doc.path), "title": doc.title });
        let mut one = BTreeMap::new();
        render_into(
            &tera,
            &base,
            "alias.html",
            value,
            &theme,
            &mut one,
            &mut extra,
        );
        if let Some(bytes) = one.remove("alias.html") {
            add(
                &mut extra,
                &mut files,
                output.clone(),
                bytes,
                &doc.file.display().to_string(),
            );
        }
    }

    // Static files: the theme's, the site's, the content's, the widget's.
    for (path, file) in &theme.statics {
        add(
            &mut extra,
            &mut files,
            path.clone(),
            file.bytes.clone(),
            &file.origin.display().to_string(),
        );
    }
    for asset in &loaded.assets {
        match std::fs::read(&asset.source) {
            Ok(bytes) => add(
                &mut extra,
                &mut files,
                asset.output.clone(),
                bytes,
                &asset.source.display().to_string(),
            ),
            Err(e) => extra.push(Diagnostic::new(
                &asset.source,
                format!("lecture impossible : {e}"),
            )),
        }
    }
    let widget_compiled = env.add_widget_files(&mut files);
    extra.into_result()?;

    let sources = loaded
        .docs
        .iter()
        .map(|d| (d.output.clone(), d.file.clone()))
        .collect();
    Ok(BuiltSite {
        files,
        sources,
        pages: loaded.pages().count(),
        sections: loaded.sections().count(),
        widget_compiled,
    })
}

/// Renders the template `name` with `value`'s fields into `files[name]`.
fn render_into(
    tera: &tera::Tera,
    base: &Context,
    name: &str,
    value: Value,
    theme: &Theme,
    files: &mut BTreeMap<String, Vec<u8>>,
    diags: &mut Diagnostics,
) {
    let mut ctx = base.clone();
    if let Value::Object(map) = value {
        for (k, v) in map {
            ctx.insert(k, &v);
        }
    }
    match tera.render(name, &ctx) {
        Ok(text) => {
            files.insert(name.to_string(), text.into_bytes());
        }
        Err(e) => diags.push(Diagnostic::new(
            templates::origin(theme, name),
            templates::error_chain(&e),
        )),
    }
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

/// Dated pages, newest first, at most `feed_limit`.
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

/// Adds an output file, reporting a second file at the same path.
fn add(
    diags: &mut Diagnostics,
    files: &mut BTreeMap<String, Vec<u8>>,
    name: String,
    bytes: Vec<u8>,
    origin: &str,
) {
    if files.insert(name.clone(), bytes).is_some() {
        diags.push(Diagnostic::new(
            origin,
            format!("{name} est produit deux fois : renommez l’un des deux fichiers"),
        ));
    }
}
