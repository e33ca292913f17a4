//! `<!-- more -->`: the page's summary is the HTML before it.

use pulldown_cmark::{Event, Tag, TagEnd};

/// Stands where the summary ends until the HTML is written (private-use
/// character: the source's own ones are neutralised before parsing).
pub(crate) const SENTINEL: &str = "\u{E002}";
/// What the marker becomes in the page (Zola's anchor for "read more").
pub(crate) const CONTINUE_READING: &str = "<span id=\"continue-reading\"></span>";

/// `<!-- more -->` (any spacing or case).
pub(crate) fn is_more_marker(html: &str) -> bool {
    html.trim()
        .strip_prefix("<!--")
        .and_then(|r| r.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim().eq_ignore_ascii_case("more"))
}

/// Removes the first `<!-- more -->` and puts the [`SENTINEL`] right after
/// the top-level block holding it (so the summary is balanced HTML).
/// Returns whether there was a marker.
pub(crate) fn mark(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, bool) {
    let Some(m) = events.iter().position(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => is_more_marker(h),
        _ => false,
    }) else {
        return (events, false);
    };
    let lone = m > 0
        && matches!(events.get(m - 1), Some(Event::Start(Tag::HtmlBlock)))
        && matches!(events.get(m + 1), Some(Event::End(TagEnd::HtmlBlock)));
    let dropped = |k: usize| k == m || (lone && (k + 1 == m || k == m + 1));

    // Index of the event closing the top-level block that holds the marker.
    let mut depth = 0usize;
    let mut cut = events.len().saturating_sub(1);
    for (k, e) in events.iter().enumerate() {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if k >= m && depth == 0 {
            cut = k;
            break;
        }
    }

    let mut out = Vec::with_capacity(events.len() + 1);
    for (k, e) in events.into_iter().enumerate() {
        if !dropped(k) {
            out.push(e);
        }
        if k == cut {
            out.push(Event::Html(format!("{SENTINEL}\n").into()));
        }
    }
    (out, true)
}

/// Splits the written HTML at the sentinel: (page HTML, summary).
pub(crate) fn split(html: String, marked: bool) -> (String, Option<String>) {
    if !marked {
        return (html, None);
    }
    match html.find(SENTINEL) {
        Some(pos) => {
            let summary = html[..pos].to_string();
            (html.replacen(SENTINEL, CONTINUE_READING, 1), Some(summary))
        }
        None => (html, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    fn run(md: &str) -> (String, Option<String>) {
        let (events, marked) = mark(Parser::new(md).collect());
        let mut out = String::new();
        html::push_html(&mut out, events.into_iter());
        split(out, marked)
    }

    #[test]
    fn markers() {
        assert!(is_more_marker("<!-- more -->\n"));
        assert!(is_more_marker("<!--more-->"));
        assert!(is_more_marker("<!--  MORE  -->"));
        assert!(!is_more_marker("<!-- more things -->"));
    }

    #[test]
    fn block_marker() {
        let (html, summary) = run("Intro *ici*.\n\n<!-- more -->\n\nSuite.\n");
        assert_eq!(summary.as_deref(), Some("<p>Intro <em>ici</em>.</p>\n"));
        assert_eq!(
            html,
            format!("<p>Intro <em>ici</em>.</p>\n{CONTINUE_READING}\n<p>Suite.</p>\n")
        );
    }

    #[test]
    fn inline_marker_cuts_after_its_block() {
        let (html, summary) = run("> Intro <!-- more --> fin\n> suite\n\nAprès.\n");
        let summary = summary.unwrap_or_default();
        assert!(summary.ends_with("</blockquote>\n"), "{summary}");
        assert!(!summary.contains("more"), "{summary}");
        assert!(html.contains(CONTINUE_READING));
        assert!(html.ends_with("<p>Après.</p>\n"));
    }

    #[test]
    fn no_marker() {
        assert_eq!(run("a\n").1, None);
    }
}
