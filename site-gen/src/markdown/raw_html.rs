//! Raw HTML written in the Markdown: its links and ids recorded where they
//! are written (read with the site's HTML tokenizer); in safe mode, shown
//! as text, and links with a script URL neutralised.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::summary::SENTINEL;
use super::{Ctx, Place, Places};
use crate::html::start_tags;

/// Records the `href`, `src` and `id` attributes of the raw HTML of
/// `events` (`ranges[i]` being the range of `events[i]` in `text`, the
/// parsed text). An HTML block is read whole (a tag may span its lines),
/// inline HTML a tag at a time (each event is one).
pub(crate) fn record(
    events: &[Event<'_>],
    ranges: &[Range<usize>],
    text: &str,
    ctx: &Ctx<'_>,
    places: &mut Places,
) {
    let mut block: Option<Pieces> = None;
    for (event, range) in events.iter().zip(ranges) {
        match event {
            Event::Start(Tag::HtmlBlock) => block = Some(Pieces::new(text)),
            Event::Html(html) => {
                if let Some(pieces) = &mut block {
                    pieces.push(html, range);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(pieces) = block.take() {
                    pieces.record(ctx, places);
                }
            }
            // Closing tags and comments hold no attributes.
            Event::InlineHtml(html) if opens_a_tag(html) => {
                let mut pieces = Pieces::new(text);
                pieces.push(html, range);
                pieces.record(ctx, places);
            }
            _ => {}
        }
    }
}

/// `<` and a letter: the start of a start tag.
fn opens_a_tag(html: &str) -> bool {
    let b = html.as_bytes();
    b.first() == Some(&b'<') && b.get(1).is_some_and(u8::is_ascii_alphabetic)
}

/// Raw HTML put together from events, and where each of its lines comes
/// from.
struct Pieces<'t> {
    /// The parsed text.
    text: &'t str,
    html: String,
    /// (offset in `html`, offset in `text`) where each line of `html` starts,
    /// each line being as written from there (the whole event when it is
    /// written as is).
    lines: Vec<(usize, usize)>,
}

impl<'t> Pieces<'t> {
    fn new(text: &'t str) -> Self {
        Pieces {
            text,
            html: String::new(),
            lines: Vec::new(),
        }
    }

    /// Adds the event `html`, written at `range` of the text.
    fn push(&mut self, html: &str, range: &Range<usize>) {
        let written = self.text.get(range.clone()).unwrap_or_default();
        if written == html {
            self.lines.push((self.html.len(), range.start));
        } else {
            // The parser took out of each line what its containers own
            // (`> `, a list item's indent): a line of the event is the end
            // of its line in the source.
            let mut written_lines = written.split_inclusive('\n');
            let mut written_start = range.start;
            let mut start = self.html.len();
            for line in html.split_inclusive('\n') {
                let len = line.strip_suffix('\n').unwrap_or(line).len();
                let from = match written_lines.next() {
                    Some(w) => {
                        let w_len = w.strip_suffix('\n').unwrap_or(w).len();
                        let from = written_start + w_len.saturating_sub(len);
                        written_start += w.len();
                        from
                    }
                    None => range.start,
                };
                self.lines.push((start, from));
                start += line.len();
            }
        }
        self.html.push_str(html);
    }

    /// The text offset of byte `at` of `html`.
    fn text_offset(&self, at: usize) -> usize {
        let i = self.lines.partition_point(|&(start, _)| start <= at);
        match i.checked_sub(1).and_then(|i| self.lines.get(i)) {
            Some(&(start, from)) => from + (at - start),
            None => 0,
        }
    }

    fn record(&self, ctx: &Ctx<'_>, places: &mut Places) {
        for tag in start_tags(&self.html) {
            for attr in tag.attrs {
                let list = match attr.name.as_str() {
                    "href" | "src" => &mut places.raw_links,
                    "id" => &mut places.ids,
                    _ => continue,
                };
                let at = ctx.position(self.text_offset(attr.name_offset));
                list.push(Place::new(attr.value, at));
            }
        }
    }
}

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
