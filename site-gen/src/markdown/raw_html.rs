//! Safe mode: raw HTML written in the Markdown is shown as text, and links
//! with a script URL are neutralised.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::summary::SENTINEL;

/// Turns raw HTML events into text (the HTML writer escapes it). HTML blocks
/// become paragraphs. Heading attributes other than the id and classes
/// (`## Titre {#id .classe onclick=x}`) are dropped: they would be another
/// way to write any attribute, event handlers included.
pub(crate) fn escape(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    events
        .into_iter()
        .map(|e| match e {
            Event::Html(h) if !h.starts_with(SENTINEL) => Event::Text(h),
            Event::InlineHtml(h) => Event::Text(h),
            Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs: Vec::new(),
            }),
            other => other,
        })
        .collect()
}

/// A URL that runs code when followed (`javascript:`, `vbscript:`, `data:`
/// other than images).
pub(crate) fn is_script_url(url: &CowStr<'_>, image: bool) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.starts_with("javascript:")
        || cleaned.starts_with("vbscript:")
        || (cleaned.starts_with("data:") && !(image && cleaned.starts_with("data:image/")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn safe(md: &str) -> String {
        let mut out = String::new();
        html::push_html(&mut out, escape(Parser::new(md).collect()).into_iter());
        out
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            safe("a <b onclick=\"x()\">gras</b>\n"),
            "<p>a &lt;b onclick=\"x()\"&gt;gras&lt;/b&gt;</p>\n"
        );
        assert_eq!(
            safe("<script>alert(1)</script>\n"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>\n"
        );
    }

    #[test]
    fn heading_attributes_other_than_id_and_classes_are_dropped() {
        let md = "## Titre {#ok .c onmouseover=alert(1) style=x}\n";
        let events = Parser::new_ext(md, pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES);
        let mut out = String::new();
        html::push_html(&mut out, escape(events.collect()).into_iter());
        assert_eq!(out, "<h2 id=\"ok\" class=\"c\">Titre</h2>\n");
    }

    #[test]
    fn script_urls() {
        assert!(is_script_url(&"JavaScript:alert(1)".into(), false));
        assert!(is_script_url(&" java\tscript:x".into(), false));
        assert!(is_script_url(&"data:text/html,x".into(), true));
        assert!(!is_script_url(&"data:image/png;base64,xx".into(), true));
        assert!(!is_script_url(&"https://x.fr".into(), false));
    }
}
