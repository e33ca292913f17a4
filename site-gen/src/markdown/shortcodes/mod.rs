//! Zola-style shortcodes: `{{ name(key="value", n=3, ok=true) }}`.
//!
//! Calls are found in the SOURCE (outside code spans and code blocks, known
//! from a first pulldown-cmark pass, skipped when the source has no `{{`)
//! and replaced by placeholders
//! (`U+E000 index U+E001`) before the real parse, so that neither Markdown
//! nor smart punctuation can touch their arguments. After rendering, each
//! placeholder becomes the shortcode's HTML: a call alone in its paragraph
//! replaces the whole paragraph (block), elsewhere it is inline.
//!
//! `{{/* name() */}}` writes the literal text `{{ name() }}`.

mod scan;
mod substitute;

use std::borrow::Cow;

use super::position::OffsetMap;
use super::ShortcodeArgs;

use scan::{code_ranges, extract};
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
    },
    /// `{{/* … */}}`: text written as is.
    Literal(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    /// Byte offset of `{{` in the source.
    pub(crate) start: usize,
    /// The call as written in the source.
    pub(crate) source: String,
    pub(crate) kind: ItemKind,
}

/// The source with shortcodes replaced by placeholders.
#[derive(Debug, Default)]
pub(crate) struct Extracted<'s> {
    /// The source itself when it has no call.
    pub(crate) text: Cow<'s, str>,
    pub(crate) map: OffsetMap,
    pub(crate) items: Vec<Item>,
    /// (source offset, message).
    pub(crate) errors: Vec<(usize, String)>,
}

/// What a placeholder becomes in the output.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    /// HTML to insert as is.
    Html(String),
    /// Text to insert (escaped by the HTML writer).
    Text(String),
}

/// Takes the shortcode calls out of `src` (the source parsed with
/// `options`). Without `{{` there is none: the source is kept as it is,
/// without the pulldown-cmark pre-parse that finds its code spans.
pub(crate) fn take_out(src: &str, options: pulldown_cmark::Options) -> Extracted<'_> {
    if !src.contains("{{") {
        return Extracted {
            text: Cow::Borrowed(src),
            ..Extracted::default()
        };
    }
    let code = code_ranges(src, options);
    extract(src, &code)
}
