//! Tera, set up once per build: the theme's templates plus the built-in
//! ones, each parsed once; what those syntax trees tell before rendering
//! (endless recursion, which templates each one uses); the `date_fr` and
//! `json_ld` filters and the `get_url` / `asset_url` functions; Zola's
//! functions and filters (`functions`: `date`, `get_page`, `get_section`,
//! `load_data`…).

use std::collections::HashMap;
use std::sync::Arc;

use tera::{Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::theme::Theme;
use crate::urls::Urls;

mod calls;
mod deps;
pub mod functions;
mod recursion;
mod runtime;
mod syntax;

pub use deps::TemplateKeys;
pub use functions::SiteReaders;
pub use runtime::render_message;

/// Templates the generator provides when the theme has none of that name.
const BUILTIN: &[(&str, &str)] = &[
    ("sitemap.xml", include_str!("builtin/sitemap.xml")),
    ("atom.xml", include_str!("builtin/atom.xml")),
    ("robots.txt", include_str!("builtin/robots.txt")),
    ("alias.html", include_str!("builtin/alias.html")),
];

/// Templates every theme must have.
pub const REQUIRED: &[&str] = &["index.html", "section.html", "page.html", "404.html"];

/// The theme's templates, parsed and checked, not yet bound to the site's
/// URLs. Loading the theme parses them (so their problems are reported with
/// the content's); each set of URLs then gets a copy ([`Parsed::bind`]),
/// never a second parse.
#[derive(Clone)]
pub struct Parsed {
    tera: Tera,
}

/// Parses every template of `theme`, reporting all syntax errors with their
/// file and line, templates nested too deeply, endless include or macro
/// recursion and inheritance problems.
///
/// Each template is parsed once, alone (so every syntax error is reported,
/// not just the first one); Tera gets those parsed templates, and the
/// recursion and dependency analyses ([`recursion`], [`TemplateKeys`])
/// read the same syntax trees.
pub fn parse(theme: &Theme) -> Result<Parsed, Diagnostics> {
    let mut diags = Diagnostics::default();
    let sources = sources(theme, &mut diags);
    let mut parsed: HashMap<String, tera::Template> = HashMap::new();
    for (name, text) in &sources {
        // Before Tera's parser, which would overflow the stack.
        let depth = recursion::nesting_depth(text);
        if depth > recursion::MAX_NESTING {
            diags.push(Diagnostic::new(
                origin(theme, name),
                format!(
                    "gabarit trop imbriqué : {depth} niveaux de {{% if %}}, {{% for %}}… ou de parenthèses (au plus {})",
                    recursion::MAX_NESTING
                ),
            ));
            continue;
        }
        match tera::Template::new(name, None, text) {
            Ok(tpl) => {
                parsed.insert(name.clone(), tpl);
            }
            Err(e) => diags.push(template_error(theme, name, &e)),
        }
    }
    // Tera has no depth limit: endless recursion would overflow the stack
    // and kill the process while rendering.
    for (name, message) in recursion::endless_cycles(&parsed) {
        diags.push(Diagnostic::new(origin(theme, &name), message));
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(escape);
    // What `Tera::add_raw_templates` does after parsing (the field is
    // public but hidden in Tera's docs, like the syntax tree itself: the
    // version is pinned in Cargo.toml).
    tera.templates = parsed;
    if let Err(e) = tera
        .build_inheritance_chains()
        .and_then(|()| tera.check_macro_files())
    {
        // Inheritance problems (a missing parent template, a cycle), a
        // missing macro file.
        return Err(Diagnostic::new("templates", error_chain(&e)).into());
    }
    Ok(Parsed { tera })
}

impl Parsed {
    /// Tera for one set of URLs, with the site's filters and functions.
    pub fn bind(&self, urls: Arc<Urls>) -> Tera {
        let mut tera = self.tera.clone();
        register(&mut tera, urls);
        tera
    }

    /// [`bind`](Self::bind), with the image functions (`resize_image`,
    /// `get_image_metadata`) reading and publishing through `images`.
    pub fn bind_with_images(
        &self,
        urls: Arc<Urls>,
        images: Arc<crate::images::functions::Functions>,
    ) -> Tera {
        let mut tera = self.bind(urls);
        crate::images::functions::register(&mut tera, images);
        tera
    }

    /// [`bind_with_images`](Self::bind_with_images), with the functions
    /// that read the site's data files and documents (`load_data`,
    /// `get_page`, `get_section`).
    pub fn bind_for_site(
        &self,
        urls: Arc<Urls>,
        images: Arc<crate::images::functions::Functions>,
        readers: &SiteReaders,
    ) -> Tera {
        let mut tera = self.bind_with_images(urls, images);
        functions::register_readers(&mut tera, readers);
        tera
    }
}

impl SiteReaders {
    /// Readers of the site at `root` (its files published under `urls`),
    /// with no documents until a rebuild opens its catalog.
    pub fn new(root: std::path::PathBuf, urls: Arc<Urls>) -> Self {
        SiteReaders {
            data: Arc::new(functions::DataFiles::new(root, urls)),
            content: Arc::new(functions::ContentSlot::default()),
        }
    }
}

/// [`parse`] then [`Parsed::bind`], for a theme used once.
pub fn compile(theme: &Theme, urls: Arc<Urls>) -> Result<Tera, Diagnostics> {
    Ok(parse(theme)?.bind(urls))
}

/// The text of every template: the theme's, then the built-in ones the
/// theme does not replace. Reports templates that are not UTF-8 and
/// required ones that are missing.
fn sources(theme: &Theme, diags: &mut Diagnostics) -> Vec<(String, String)> {
    let mut sources: Vec<(String, String)> = Vec::new();
    for (name, file) in &theme.templates {
        match String::from_utf8(file.bytes.clone()) {
            Ok(text) => sources.push((name.clone(), text)),
            Err(_) => diags.push(Diagnostic::new(
                &file.origin,
                "gabarit qui n’est pas en UTF-8",
            )),
        }
    }
    for (name, text) in BUILTIN {
        if !theme.templates.contains_key(*name) {
            sources.push((name.to_string(), text.to_string()));
        }
    }
    for required in REQUIRED {
        if !theme.templates.contains_key(*required) {
            diags.push(Diagnostic::new(
                "templates",
                format!("le thème n’a pas de gabarit « {required} »"),
            ));
        }
    }
    sources
}

/// Escapes text for HTML and XML; unlike Tera's default, leaves `/` alone
/// (it needs no escaping and `&#x2F;` bloats every URL). The same escaper
/// as the widget's, so both sides write identical markup.
pub fn escape(text: &str) -> String {
    // Most values (URLs, dates, most titles) hold nothing to escape: copied
    // at once rather than character by character.
    if !text
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        return text.to_owned();
    }
    calculator::format::html_escape(text)
}

/// Where a template came from, for messages.
pub fn origin(theme: &Theme, name: &str) -> String {
    theme
        .templates
        .get(name)
        .map(|f| f.origin.display().to_string())
        .unwrap_or_else(|| format!("(gabarit intégré) {name}"))
}

fn template_error(theme: &Theme, name: &str, e: &tera::Error) -> Diagnostic {
    let chain = error_chain(e);
    let d = Diagnostic::new(origin(theme, name), syntax::message(&chain));
    // Tera's parser reports ` --> line:column`.
    match chain.split_once("--> ").and_then(|(_, rest)| {
        let pos = rest.split_whitespace().next()?;
        let (l, c) = pos.split_once(':')?;
        Some((l.parse().ok()?, c.parse().ok()?))
    }) {
        Some((line, column)) => d.at(line, column),
        None => d,
    }
}

/// Tera's error with all its causes, on one line each.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(" : ");
        out.push_str(s.to_string().trim());
        source = s.source();
    }
    out
}

fn register(tera: &mut Tera, urls: Arc<Urls>) {
    functions::register_pure(tera);
    tera.register_filter("date_fr", DateFr);
    tera.register_filter("json_ld", JsonLd);
    let u = Arc::clone(&urls);
    // `required=false` gives an empty URL for a page that does not exist,
    // so a theme can link to optional pages (`{% if url %}`). As in Zola,
    // `trailing_slash=true` ends the URL with `/` and `cachebust=true`
    // adds the file's hash (`?h=…`, a static file only).
    tera.register_function("get_url", move |args: &HashMap<String, Value>| {
        let path = string_arg(args, "get_url", "path")?;
        let flag = |name: &str, default: bool| match args.get(name) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(tera::Error::msg(format!(
                "get_url : {name} attend true ou false"
            ))),
        };
        let required = flag("required", true)?;
        let url = if flag("cachebust", false)? && !path.starts_with("@/") {
            u.asset(path)
        } else {
            u.resolve(path)
        };
        match url {
            Ok(url)
                if flag("trailing_slash", false)?
                    && !url.ends_with('/')
                    && !url.contains(['?', '#']) =>
            {
                Ok(Value::String(format!("{url}/")))
            }
            Ok(url) => Ok(Value::String(url)),
            Err(_) if !required => Ok(Value::String(String::new())),
            Err(e) => Err(tera::Error::msg(e)),
        }
    });
    tera.register_function("asset_url", move |args: &HashMap<String, Value>| {
        let path = string_arg(args, "asset_url", "path")?;
        urls.asset(path)
            .map(Value::String)
            .map_err(tera::Error::msg)
    });
}

fn string_arg<'a>(
    args: &'a HashMap<String, Value>,
    function: &str,
    key: &str,
) -> tera::Result<&'a str> {
    args.get(key).and_then(Value::as_str).ok_or_else(|| {
        tera::Error::msg(format!("{function} attend un argument {key}=\"…\" (texte)"))
    })
}

/// `{{ value | json_ld }}`: the value as JSON for a `<script
/// type="application/ld+json">` block. Marked safe (no HTML escaping, which
/// would corrupt the JSON); `<`, `>` and `&` are written `\u003c`,
/// `\u003e`, `\u0026`, so no value can end the element (`</script>`) or
/// open a comment, whatever a maintainer writes in `site.toml`.
struct JsonLd;

impl tera::Filter for JsonLd {
    fn filter(&self, value: &Value, _args: &HashMap<String, Value>) -> tera::Result<Value> {
        let json = serde_json::to_string(value).map_err(tera::Error::json)?;
        Ok(Value::String(json_for_script(&json)))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Escapes JSON text for inclusion in an HTML `<script>` data block (the
/// result is equal JSON: only characters inside strings can be `<>&` or
/// line separators).
pub fn json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// `{{ page.date | date_fr }}` → `jeu. 19 mars 2015`;
/// `date_fr(format="long")` → `jeudi 19 mars 2015`.
/// `date | date_fr`: the date in French, as HTML (`1<sup>er</sup>` for the
/// first of a month; everything else is digits and names, so it is safe).
struct DateFr;

impl tera::Filter for DateFr {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("date_fr s’applique à une date AAAA-MM-JJ"))?;
        let date = crate::content::front_matter::parse_date(text).map_err(tera::Error::msg)?;
        let long = match args.get("format").and_then(Value::as_str) {
            None | Some("court") => false,
            Some("long") => true,
            Some(other) => {
                return Err(tera::Error::msg(format!(
                    "date_fr : format « {other} » inconnu (court ou long)"
                )))
            }
        };
        let text = if long {
            crate::dates::long(date)
        } else {
            crate::dates::short(date)
        };
        Ok(Value::String(text.replacen("1er", "1<sup>er</sup>", 1)))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera() -> Tera {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape);
        register(
            &mut tera,
            Arc::new(Urls::new(
                "https://amie.example",
                HashMap::new(),
                HashMap::new(),
            )),
        );
        tera
    }

    /// Tera is patched (vendor/tera/PATCH.md) to unescape `~1` and `~0`
    /// only in names holding a `~`: both kinds still resolve.
    #[test]
    fn dotted_names_resolve_with_and_without_pointer_escapes() {
        let mut t = tera();
        t.add_raw_template(
            "d.html",
            r#"{{ page.extra.colour }} {{ pages | map(attribute="extra.a~1b") | join(sep=",") }} {{ pages | map(attribute="extra.t~0") | join(sep=",") }}"#,
        )
        .unwrap();
        let ctx = tera::Context::from_value(serde_json::json!({
            "page": {"extra": {"colour": "vert"}},
            "pages": [{"extra": {"a/b": 1, "t~": "x"}}, {"extra": {"a/b": 2, "t~": "y"}}],
        }))
        .unwrap();
        assert_eq!(t.render("d.html", &ctx).unwrap(), "vert 1,2 x,y");
    }

    #[test]
    fn json_ld_cannot_close_the_script_element() {
        let mut t = tera();
        t.add_raw_template(
            "ld.html",
            r#"<script type="application/ld+json">{"name":{{ name | json_ld }},"n":{{ n | json_ld }}}</script>"#,
        )
        .unwrap();
        let name = "A & B </script><script>alert(1)</script><!-- « l’Amie »\u{2028}\n\"q\"";
        let mut ctx = tera::Context::new();
        ctx.insert("name", name);
        ctx.insert("n", &12);
        let html = t.render("ld.html", &ctx).unwrap();
        let body = html
            .strip_prefix(r#"<script type="application/ld+json">"#)
            .and_then(|b| b.strip_suffix("</script>"))
            .unwrap();
        assert!(!body.contains(['<', '>', '&']), "{body}");
        let parsed: Value = serde_json::from_str(body).unwrap();
        assert_eq!(parsed["name"], name);
        assert_eq!(parsed["n"], 12);
    }

    proptest::proptest! {
        #[test]
        fn escape_is_the_widgets_escaper(text in "(\\PC|[&<>\"'])*") {
            proptest::prop_assert_eq!(escape(&text), calculator::format::html_escape(&text));
        }
    }
}
