//! Zola-style shortcodes: `{{ name(key="value", n=3, ok=true) }}` and, with
//! a body, `{% name(…) %}…{% end %}`.
//!
//! Calls are found in the SOURCE, code included, as Zola does (`scan`), and
//! replaced by placeholders (`U+E000 index U+E001`) before the real parse,
//! so that neither Markdown nor smart punctuation can touch their
//! arguments; a shortcode giving Markdown (`templates/shortcodes/x.md`) is
//! written into the source instead, before the parse. After rendering, each
//! placeholder becomes the shortcode's HTML (`substitute`): a call alone in
//! its paragraph replaces the whole paragraph (block), elsewhere it is
//! inline, and in code its output is shown as code.
//!
//! `{{/* name() */}}` writes the text `{{ name() }}`; `{%/* name() */%}…
//! {%/* end */%}` writes `{% name() %}…{% end %}`, the text between as typed.

mod scan;
mod substitute;

use std::borrow::Cow;
use std::ops::Range;

use super::position::OffsetMap;
use super::{ShortcodeArgs, ShortcodeCall, ShortcodeOutput};

pub(crate) use substitute::{resolve_all, strip_placeholders, substitute};

/// Opens a placeholder (private-use character).
pub(crate) const PH_OPEN: char = '\u{E000}';
/// Closes a placeholder.
pub(crate) const PH_CLOSE: char = '\u{E001}';

/// What a placeholder stands for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ItemKind {
    Call {
        name: String,
        args: ShortcodeArgs,
        /// How many calls of `name` the page made so far, this one included.
        nth: usize,
        body: Option<Body>,
    },
    /// An escaped call: text written as is.
    Literal(String),
}

/// The body of a call, `{% name() %}body{% end %}`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Body {
    /// Trimmed, its own calls as placeholders.
    pub(crate) text: String,
    /// The indices of those calls' items (after the call's own).
    pub(crate) inner: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    /// Byte offsets of the call in the source (`{{` to `}}`, `{%` to the
    /// end of `{% end %}`).
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The call as written in the source.
    pub(crate) source: String,
    pub(crate) kind: ItemKind,
    /// In the body of another call (not in the page's text).
    pub(crate) inner: bool,
}

/// The shortcodes of a source.
#[derive(Debug, Default)]
pub(crate) struct Scanned {
    /// In source order; a body's calls right after their call.
    pub(crate) items: Vec<Item>,
    /// (source offset, message).
    pub(crate) errors: Vec<(usize, String)>,
    /// Items are being read from a body.
    reading_body: bool,
}

impl Scanned {
    /// Adds the item of `src[start..end]`; gives its index.
    fn push(&mut self, start: usize, end: usize, src: &str, kind: ItemKind) -> usize {
        self.items.push(Item {
            start,
            end,
            source: src[start..end].to_string(),
            kind,
            inner: self.reading_body,
        });
        self.items.len() - 1
    }

    /// The text to parse: the source with its calls as placeholders, or as
    /// the Markdown their shortcode gave (`resolved`, if known), and the
    /// map from its offsets to the source's.
    pub(crate) fn text<'s>(
        &self,
        src: &'s str,
        resolved: Option<&[Resolved]>,
    ) -> (Cow<'s, str>, OffsetMap) {
        let mut map = OffsetMap::default();
        if self.items.is_empty() {
            return (Cow::Borrowed(src), map);
        }
        let mut text = String::with_capacity(src.len());
        let mut copied = 0;
        for (i, item) in self.items.iter().enumerate().filter(|(_, it)| !it.inner) {
            text.push_str(&src[copied..item.start]);
            let new_start = text.len();
            match resolved.and_then(|r| r.get(i)) {
                Some(Resolved::Markdown(md)) => text.push_str(&super::markers::neutralize(md)),
                _ => push_placeholder(&mut text, i),
            }
            map.push(item.start, item.end, new_start, text.len());
            copied = item.end;
        }
        text.push_str(&src[copied..]);
        (Cow::Owned(text), map)
    }

    /// Drops the errors of calls written in code (a template shown in a
    /// code block, `{{ titre }}`, is no mistaken call; it is shown as typed).
    pub(crate) fn keep_errors_outside_code(&mut self, src: &str, options: pulldown_cmark::Options) {
        if self.errors.is_empty() {
            return;
        }
        let code = code_ranges(src, options);
        self.errors.retain(|(offset, _)| {
            let i = code.partition_point(|r| r.end <= *offset);
            code.get(i).is_none_or(|r| r.start > *offset)
        });
    }
}

/// Writes the placeholder of item `index`.
pub(crate) fn push_placeholder(text: &mut String, index: usize) {
    text.push(PH_OPEN);
    text.push_str(&index.to_string());
    text.push(PH_CLOSE);
}

/// What a placeholder becomes in the output.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    /// HTML to insert as is.
    Html(String),
    /// Text to insert (escaped by the HTML writer).
    Text(String),
    /// Markdown written into the source before the parse.
    Markdown(String),
}

/// Finds the shortcodes of `src` (parsed with `options`). Without `{{` or
/// `{%` there is none, and nothing is read.
pub(crate) fn scan(src: &str, options: pulldown_cmark::Options) -> Scanned {
    let bytes = src.as_bytes();
    let opens = |i: usize| matches!(bytes.get(i + 1), Some(b'{' | b'%'));
    if !memchr::memchr_iter(b'{', bytes).any(opens) {
        return Scanned::default();
    }
    let mut scanned = scan::scan(src);
    scanned.keep_errors_outside_code(src, options);
    scanned
}

/// Byte ranges of code spans and code blocks of `src` (sorted by start).
fn code_ranges(src: &str, options: pulldown_cmark::Options) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut ranges = Vec::new();
    let mut in_code_block = false;
    for (event, range) in Parser::new_ext(src, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                if !in_code_block {
                    ranges.push(range);
                }
                in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Code(_) if !in_code_block => ranges.push(range),
            _ => {}
        }
    }
    ranges.sort_by_key(|r| r.start);
    ranges
}
