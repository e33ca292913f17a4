//! Raw HTML written in the Markdown (read with the site's HTML tokenizer):
//! its relative and `@/` destinations resolved by the rule of Markdown
//! links, its links and ids recorded where they are written; in safe mode,
//! shown as text, and links with a script URL neutralised.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::links::{self, Target};
use super::summary::SENTINEL;
use super::{Ctx, LinkRef, Place, Places, RenderEnv};
use crate::html::{start_tags, Attr, StartTag};

/// Reads the raw HTML of `events` (`ranges[i]` being the range of
/// `events[i]` in `text`, the parsed text): each `href`, `src` and `srcset`
/// URL relative to the `.md` file or written `@/…` is resolved as a
/// Markdown link's ([`links::check`]: a missing file is an error at the
/// attribute) and written back resolved; every `href`, `src`, `srcset`
/// URL and `id` is recorded where it is written.
pub(crate) fn process(
    events: &mut [Event<'_>],
    ranges: &[Range<usize>],
    text: &str,
    env: &dyn RenderEnv,
    ctx: &mut Ctx<'_>,
    links: &mut Vec<LinkRef>,
    places: &mut Places,
) {
    for group in groups(events) {
        let mut pieces = Pieces::new(text);
        for i in group {
            if let (Some(Event::Html(html) | Event::InlineHtml(html)), Some(range)) =
                (events.get(i), ranges.get(i))
            {
                pieces.push(i, html, range);
            }
        }
        let edits = pieces.read(&mut Lookup {
            env,
            ctx: &mut *ctx,
            links: &mut *links,
            places: &mut *places,
        });
        apply(events, edits);
    }
}

/// The raw HTML read as one piece, by event index: an HTML block whole
/// (a tag may span its lines), inline HTML a tag at a time (each event is
/// one; closing tags and comments hold no attributes).
fn groups(events: &[Event<'_>]) -> Vec<Vec<usize>> {
    let mut groups = Vec::new();
    let mut block: Option<Vec<usize>> = None;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::HtmlBlock) => block = Some(Vec::new()),
            Event::Html(_) => {
                if let Some(block) = &mut block {
                    block.push(i);
                }
            }
            Event::End(TagEnd::HtmlBlock) => groups.extend(block.take()),
            Event::InlineHtml(html) if opens_a_tag(html) => groups.push(vec![i]),
            _ => {}
        }
    }
    groups
}

/// `<` and a letter: the start of a start tag.
fn opens_a_tag(html: &str) -> bool {
    let b = html.as_bytes();
    b.first() == Some(&b'<') && b.get(1).is_some_and(u8::is_ascii_alphabetic)
}

/// What resolving a piece's destinations looks up and records.
struct Lookup<'l, 's> {
    env: &'l dyn RenderEnv,
    ctx: &'l mut Ctx<'s>,
    links: &'l mut Vec<LinkRef>,
    places: &'l mut Places,
}

impl Lookup<'_, '_> {
    /// The URL `dest` (written at `offset` of the text) is published at,
    /// when it names a file or page of `content/` (relative to the `.md`
    /// file, or `@/…`); other destinations are kept as written and checked
    /// by `check` (`/…`, `#…`, other sites).
    fn resolve(&mut self, dest: &str, offset: usize, image: bool) -> Option<String> {
        match links::classify(dest) {
            Target::Source { .. } | Target::Relative { .. } => {
                let at = self.ctx.position(offset);
                links::check(dest, offset, at, image, self.env, self.ctx, self.links)
            }
            _ => None,
        }
    }

    /// Records `url` as the HTML gets it, written at `offset`.
    fn place(&mut self, url: String, offset: usize) {
        let at = self.ctx.position(offset);
        self.places.raw_links.push(Place::new(url, at));
    }
}

/// A value to write in place of bytes `range` of event `event`.
struct Edit {
    event: usize,
    range: Range<usize>,
    value: String,
}

/// Writes `edits` into their events, each event once, in one pass over it.
fn apply(events: &mut [Event<'_>], mut edits: Vec<Edit>) {
    edits.sort_by_key(|e| (e.event, e.range.start));
    for same in edits.chunk_by(|a, b| a.event == b.event) {
        let Some(Event::Html(html) | Event::InlineHtml(html)) = events.get_mut(same[0].event)
        else {
            continue;
        };
        let mut text = String::with_capacity(html.len());
        let mut copied = 0;
        for edit in same {
            // Ranges come from the tokenizer, within the event, apart.
            let Some(before) = html.get(copied..edit.range.start) else {
                continue;
            };
            text.push_str(before);
            text.push_str(&edit.value);
            copied = edit.range.end;
        }
        text.push_str(html.get(copied..).unwrap_or_default());
        *html = CowStr::from(text);
    }
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
    /// Each event's index and where it is in `html`.
    events: Vec<(usize, Range<usize>)>,
}

impl<'t> Pieces<'t> {
    fn new(text: &'t str) -> Self {
        Pieces {
            text,
            html: String::new(),
            lines: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Adds event `index`, `html`, written at `range` of the text.
    fn push(&mut self, index: usize, html: &str, range: &Range<usize>) {
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
        let start = self.html.len();
        self.html.push_str(html);
        self.events.push((index, start..self.html.len()));
    }

    /// The text offset of byte `at` of `html`.
    fn text_offset(&self, at: usize) -> usize {
        let i = self.lines.partition_point(|&(start, _)| start <= at);
        match i.checked_sub(1).and_then(|i| self.lines.get(i)) {
            Some(&(start, from)) => from + (at - start),
            None => 0,
        }
    }

    /// Resolves and records the destinations and ids of the piece; what to
    /// write back.
    fn read(&self, lookup: &mut Lookup<'_, '_>) -> Vec<Edit> {
        let mut edits = Vec::new();
        for tag in start_tags(&self.html) {
            for attr in &tag.attrs {
                let offset = self.text_offset(attr.name_offset);
                let value = match attr.name.as_str() {
                    "href" | "src" => {
                        let image = tag.name == "img";
                        let url = lookup.resolve(&attr.value, offset, image);
                        let shown = url.clone().unwrap_or_else(|| attr.value.clone());
                        lookup.place(shown, offset);
                        url.map(|url| escape_url(&url))
                    }
                    "srcset" if takes_srcset(&tag) => srcset(&attr.value, offset, lookup),
                    "id" => {
                        let at = lookup.ctx.position(offset);
                        lookup.places.ids.push(Place::new(attr.value.clone(), at));
                        None
                    }
                    _ => None,
                };
                if let Some(edit) = value.and_then(|v| self.edit(attr, &v)) {
                    edits.push(edit);
                }
            }
        }
        edits
    }

    /// `value` (escaped: [`escape_url`]) written in place of `attr`'s, quoted
    /// if the value was not; `None` when the value spans two events (a line
    /// break in a URL).
    fn edit(&self, attr: &Attr, value: &str) -> Option<Edit> {
        let raw = &attr.raw;
        let i = self
            .events
            .partition_point(|(_, span)| span.start <= raw.start)
            .checked_sub(1)?;
        let (event, span) = self.events.get(i).filter(|(_, span)| raw.end <= span.end)?;
        let event = *event;
        let quoted = raw
            .start
            .checked_sub(1)
            .and_then(|i| self.html.as_bytes().get(i))
            .is_some_and(|b| matches!(b, b'"' | b'\''));
        Some(Edit {
            event,
            range: raw.start - span.start..raw.end - span.start,
            value: if quoted {
                value.to_string()
            } else {
                format!("\"{value}\"")
            },
        })
    }
}

/// `url` as the Markdown writer writes a link's destination in an
/// attribute: spaces and accents percent-encoded, `&` and `'` as
/// references, so it fits between either quote.
fn escape_url(url: &str) -> String {
    let mut escaped = String::with_capacity(url.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(&mut escaped, url);
    escaped
}

/// Tags whose `srcset` lists image candidates (`check` reads the same).
fn takes_srcset(tag: &StartTag) -> bool {
    matches!(tag.name.as_str(), "img" | "source")
}

/// A `srcset` (`photo.png 1x, grande.png 2x`) with each candidate's URL
/// resolved as an image's, escaped; `None` when none changes. Each URL is
/// recorded.
fn srcset(value: &str, offset: usize, lookup: &mut Lookup<'_, '_>) -> Option<String> {
    let mut changed = false;
    let candidates: Vec<String> = value
        .split(',')
        .map(|candidate| {
            let candidate = candidate.trim();
            let Some(url) = candidate.split_whitespace().next() else {
                return candidate.to_string();
            };
            let descriptor = candidate[url.len()..].trim_start();
            let resolved = lookup.resolve(url, offset, true);
            changed |= resolved.is_some();
            let url = resolved.unwrap_or_else(|| url.to_string());
            let escaped = escape_url(&url);
            lookup.place(url, offset);
            if descriptor.is_empty() {
                escaped
            } else {
                format!("{escaped} {}", escape_url(descriptor))
            }
        })
        .collect();
    changed.then(|| candidates.join(", "))
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
