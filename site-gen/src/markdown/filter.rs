//! Zola's `markdown` filter for templates: `{{ body | markdown | safe }}`
//! in a shortcode template, `markdown(inline=true)` without the paragraph
//! around a single line. The site's Markdown options and `@/` links; no
//! shortcode is read (as in Zola).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::{MarkdownOptions, RenderEnv, ShortcodeCall, ShortcodeError, ShortcodeOutput};
use crate::urls::Urls;

/// Registers `markdown` on `tera`.
pub fn register(tera: &mut tera::Tera, urls: Arc<Urls>, options: MarkdownOptions) {
    tera.register_filter("markdown", MarkdownFilter { urls, options });
}

struct MarkdownFilter {
    urls: Arc<Urls>,
    options: MarkdownOptions,
}

/// What the filter's text may look up: the URLs of `content/`.
struct Links<'a>(&'a Urls);

impl RenderEnv for Links<'_> {
    fn page_url(&self, source_path: &str) -> Option<String> {
        self.0.content(source_path)
    }

    fn shortcode(&self, call: &ShortcodeCall<'_>) -> Result<ShortcodeOutput, ShortcodeError> {
        // Never called: the filter's text is read without shortcodes.
        Err(format!("pas de shortcode « {} » dans le filtre markdown", call.name).into())
    }
}

impl tera::Filter for MarkdownFilter {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = value.as_str().ok_or_else(|| {
            tera::Error::msg(format!(
                "le filtre markdown s’applique à un texte (reçu {value})"
            ))
        })?;
        let inline = match args.get("inline") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(tera::Error::msg(format!(
                    "markdown : inline vaut true ou false (reçu {other})"
                )))
            }
        };
        let (rendered, errors) =
            super::render_with(text, 1, &self.options, &Links(&self.urls), false);
        if let Some(e) = errors.first() {
            return Err(tera::Error::msg(format!(
                "filtre markdown, ligne {} du texte : {}",
                e.line, e.message
            )));
        }
        let mut html = rendered.html;
        if inline {
            html = strip_paragraph(&html).to_string();
        }
        Ok(Value::String(html))
    }
}

/// `html` without the `<p>…</p>` around it, when it is one paragraph.
fn strip_paragraph(html: &str) -> &str {
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|t| t.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner,
        _ => html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera() -> tera::Tera {
        let mut tera = tera::Tera::default();
        let mut by_source = std::collections::HashMap::new();
        by_source.insert("contact.md".to_string(), "/contact/".to_string());
        let urls = Urls::new("https://exemple.fr", by_source, Default::default());
        let options = MarkdownOptions {
            french_typography: true,
            raw_html: true,
        };
        register(&mut tera, Arc::new(urls), options);
        tera
    }

    fn render(template: &str, body: &str) -> Result<String, String> {
        let mut ctx = tera::Context::new();
        ctx.insert("body", body);
        tera()
            .render_str(template, &ctx)
            .map_err(|e| crate::templates::render_message(&e))
    }

    #[test]
    fn renders_markdown_with_links_and_typography() {
        assert_eq!(
            render(
                "{{ body | markdown | safe }}",
                "**Note** : voir [contact](@/contact.md)."
            )
            .unwrap(),
            "<p><strong>Note</strong>\u{202F}: voir <a href=\"https://exemple.fr/contact/\">contact</a>.</p>\n"
        );
        assert_eq!(
            render("{{ body | markdown(inline=true) | safe }}", "un *mot*").unwrap(),
            "un <em>mot</em>"
        );
        // Two paragraphs keep theirs.
        assert_eq!(
            render("{{ body | markdown(inline=true) | safe }}", "a\n\nb").unwrap(),
            "<p>a</p>\n<p>b</p>\n"
        );
    }

    #[test]
    fn shortcodes_are_text_and_problems_are_reported() {
        assert_eq!(
            render("{{ body | markdown | safe }}", "{{ note() }}").unwrap(),
            "<p>{{ note() }}</p>\n"
        );
        let e = render("{{ body | markdown }}", "[x](@/absente.md)").unwrap_err();
        assert!(e.contains("filtre markdown, ligne 1"), "{e}");
        let e = render("{{ body | markdown(inline=1) }}", "x").unwrap_err();
        assert!(e.contains("inline vaut true ou false"), "{e}");
    }
}
