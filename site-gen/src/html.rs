//! HTML read as a browser reads it: the start tags of a document with
//! their attributes, from the WHATWG tokenizer (`html5gum`), for every part
//! of site-gen that reads HTML (`check`, `relative`).
//!
//! What the tokenizer settles, and hand-written scanners got wrong in their
//! own ways: comments (`<!-->` is a whole comment, `--!>` closes one),
//! `<!DOCTYPE>`, `<?…>` and `</…>` skipped; a tag name ends at a space, `/`
//! or `>`; an attribute name may start with `=` (`<a =x href=y>`); a
//! repeated attribute is ignored; every named character reference of the
//! standard is decoded (`&eacute;`, `&amp` without `;` where HTML allows
//! it). The text of `script`, `style`, `textarea`, `title`, `xmp`,
//! `iframe`, `noembed`, `noframes` and `plaintext` holds no tags, as in a
//! browser; `noscript` does (a browser without scripts shows its links).
//! Foreign content (`<svg><style>`) is read like HTML: a tokenizer has no
//! tree to tell it apart.

use std::collections::HashSet;
use std::ops::Range;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Span, State, Tokenizer};

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Lowercase, as the tokenizer gives it.
    pub name: String,
    /// Byte offset of the name in the document.
    pub name_offset: usize,
    /// Character references decoded.
    pub value: String,
    /// Where the value is written in the document, without its quotes
    /// (escaped as written: `&amp;` stays five bytes); an empty value is
    /// an empty range after the name.
    pub raw: Range<usize>,
}

/// One start tag (`<a href="/faq/">`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartTag {
    /// Lowercase.
    pub name: String,
    /// In the order written; a repeated name only the first time.
    pub attrs: Vec<Attr>,
    /// Byte offset of its `<`.
    pub offset: usize,
}

impl StartTag {
    /// The attribute `name` (lowercase).
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// The decoded value of attribute `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.attr(name).map(|a| a.value.as_str())
    }
}

/// Every start tag of `html`, in document order.
pub fn start_tags(html: &str) -> Vec<StartTag> {
    let emitter = TextStates {
        inner: CallbackEmitter::new(Collector::default()),
        tag: TagState::default(),
    };
    let mut tags: Vec<StartTag> = Tokenizer::new_with_emitter(html, emitter)
        .filter_map(Result::ok)
        .collect();
    // Offsets come from the tokenizer's count; callers slice the document
    // with them, so one that were off must not panic.
    for attr in tags.iter_mut().flat_map(|t| t.attrs.iter_mut()) {
        if html.get(attr.raw.clone()).is_none() {
            attr.raw = 0..0;
        }
    }
    tags
}

/// Builds the start tags from the tokenizer's events.
#[derive(Default)]
struct Collector {
    current: Option<StartTag>,
    /// The attribute names of `current`.
    names: HashSet<String>,
    /// The attribute being read is a repeat (ignored, as in a browser).
    skip_value: bool,
}

impl html5gum::emitters::callback::Callback<StartTag, usize> for Collector {
    fn handle_event(&mut self, event: CallbackEvent<'_>, span: Span<usize>) -> Option<StartTag> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.names.clear();
                self.current = Some(StartTag {
                    name: String::from_utf8_lossy(name).into_owned(),
                    attrs: Vec::new(),
                    offset: span.start,
                });
            }
            CallbackEvent::AttributeName { name } => {
                let tag = self.current.as_mut()?;
                let name = String::from_utf8_lossy(name).into_owned();
                self.skip_value = !self.names.insert(name.clone());
                if !self.skip_value {
                    tag.attrs.push(Attr {
                        name,
                        name_offset: span.start,
                        value: String::new(),
                        raw: span.end..span.end,
                    });
                }
            }
            CallbackEvent::AttributeValue { value } => {
                let tag = self.current.as_mut()?;
                if !self.skip_value {
                    let attr = tag.attrs.last_mut()?;
                    attr.value = String::from_utf8_lossy(value).into_owned();
                    attr.raw = span.start..span.end;
                }
            }
            CallbackEvent::CloseStartTag { .. } => return self.current.take(),
            _ => {}
        }
        None
    }
}

/// The tokenizer with the text states a browser's tree builder switches to
/// after some start tags (a tokenizer alone never switches).
struct TextStates {
    inner: CallbackEmitter<Collector, StartTag, usize>,
    tag: TagState,
}

/// The tag being read: start or end tag, and its (lowercase) name.
#[derive(Default)]
struct TagState {
    start: bool,
    name: Vec<u8>,
}

impl ForwardingEmitter for TextStates {
    type Token = StartTag;

    fn inner(&mut self) -> &mut impl Emitter<Token = StartTag> {
        &mut self.inner
    }

    fn init_start_tag(&mut self) {
        self.tag.start = true;
        self.tag.name.clear();
        self.inner.init_start_tag();
    }

    fn init_end_tag(&mut self) {
        self.tag.start = false;
        self.tag.name.clear();
        self.inner.init_end_tag();
    }

    fn push_tag_name(&mut self, s: &[u8]) {
        self.tag.name.extend_from_slice(s);
        self.inner.push_tag_name(s);
    }

    fn emit_current_tag(&mut self) -> Option<State> {
        // Never switches itself (`naively_switch_states` is off).
        let _ = self.inner.emit_current_tag();
        let next = if self.tag.start {
            text_state(&self.tag.name)
        } else {
            None
        };
        if next.is_some() {
            // The text that follows starts here (as the inner emitter does
            // when it switches states itself).
            self.inner.init_string();
        }
        next
    }
}

/// The state after the start tag `name`, for the elements whose content is
/// text (HTML's "generic raw text" and "RCDATA" elements, `script`).
fn text_state(name: &[u8]) -> Option<State> {
    match name {
        b"script" => Some(State::ScriptData),
        b"style" | b"xmp" | b"iframe" | b"noembed" | b"noframes" => Some(State::RawText),
        b"textarea" | b"title" => Some(State::RcData),
        b"plaintext" => Some(State::PlainText),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (tag, attribute, decoded value, raw value as written) of each attribute.
    fn attrs(html: &str) -> Vec<(String, String, String, String)> {
        start_tags(html)
            .into_iter()
            .flat_map(|t| {
                t.attrs
                    .into_iter()
                    .map(|a| (t.name.clone(), a.name, a.value, html[a.raw].to_string()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn row(t: &str, a: &str, v: &str, raw: &str) -> (String, String, String, String) {
        (t.into(), a.into(), v.into(), raw.into())
    }

    #[test]
    fn names_values_and_raw_ranges() {
        let html = "<A HREF='/faq/?a=1&amp;b=2' Class=x data-e=\"\" hidden>t</A>";
        assert_eq!(
            attrs(html),
            [
                row("a", "href", "/faq/?a=1&b=2", "/faq/?a=1&amp;b=2"),
                row("a", "class", "x", "x"),
                row("a", "data-e", "", ""),
                row("a", "hidden", "", ""),
            ]
        );
        let tags = start_tags("x <p id=a>");
        assert_eq!((tags[0].name.as_str(), tags[0].offset), ("p", 2));
        assert_eq!(tags[0].value("id"), Some("a"));
    }

    #[test]
    fn every_named_character_reference() {
        // `&eacute;` was unknown to the old decoder: a false broken anchor.
        assert_eq!(
            attrs("<h2 id=\"caf&eacute;\" title='&hellip;&NotEqualTilde;&#x41;&#233;'>"),
            [
                row("h2", "id", "café", "caf&eacute;"),
                row(
                    "h2",
                    "title",
                    "…\u{2242}\u{338}Aé",
                    "&hellip;&NotEqualTilde;&#x41;&#233;"
                ),
            ]
        );
        // In attributes, a legacy name without `;` is decoded unless a
        // letter, digit or `=` follows (`?a=1&copy=2` is a query).
        assert_eq!(
            attrs("<a href=\"?x=1&copy=2&amp=3\" title=\"&copy 1&unknown;\">"),
            [
                row("a", "href", "?x=1&copy=2&amp=3", "?x=1&copy=2&amp=3"),
                row("a", "title", "© 1&unknown;", "&copy 1&unknown;"),
            ]
        );
    }

    #[test]
    fn tag_names_end_at_space_slash_or_greater_than() {
        let tags = start_tags("<a.b href=x><svg:rect/><br/><img/src=y>");
        let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a.b", "svg:rect", "br", "img"]);
        assert_eq!(tags[0].value("href"), Some("x"));
        assert_eq!(tags[3].value("src"), Some("y"));
    }

    #[test]
    fn attribute_names_starting_with_equals_and_repeats() {
        assert_eq!(
            attrs("<a =x href=/a href=/b =y=z>"),
            [
                row("a", "=x", "", ""),
                row("a", "href", "/a", "/a"),
                row("a", "=y", "z", "z"),
            ]
        );
    }

    #[test]
    fn comments_doctype_and_text_elements_hold_no_tags() {
        let html = concat!(
            "<!DOCTYPE html><!--> <a href=1> <!-- <a href=x> --!> <a href=2>",
            "<?php <a href=x> ?><a href=3></a href=x><p>1 < 2 <a href=4>",
            "<script>var s = '<a href=x>';</script><style>a[href=x]{}</style>",
            "<textarea><a href=x></textarea><title><a href=x></TITLE>",
            "<noscript><a href=5></noscript><xmp><a href=x></xmp>",
            "<iframe><a href=x></iframe><noembed><a href=x></noembed>",
            "<noframes><a href=x></noframes><a href=6>",
        );
        let hrefs: Vec<String> = attrs(html)
            .into_iter()
            .filter(|r| r.1 == "href")
            .map(|r| r.2)
            .collect();
        assert_eq!(hrefs, ["1", "2", "3", "4", "5", "6"]);
    }

    #[test]
    fn truncated_markup_ends_quietly() {
        for cut in [
            "<a href=\"/faq/",
            "<a href=",
            "<a",
            "<",
            "<!--",
            "<a href='x' &",
            "<a href=x",
        ] {
            // A tag cut by the end of the file is no tag.
            assert_eq!(start_tags(cut), [], "{cut}");
        }
        assert_eq!(start_tags("<script>")[0].name, "script");
    }

    #[test]
    fn line_ends_and_long_tags() {
        let html = "<p\r\nclass=x>\r\n\r<a\rhref=\"/b/\"\r\ntitle='\r\n'>";
        let tags = start_tags(html);
        let href = tags[1].attr("href").unwrap();
        assert_eq!(&html[href.raw.clone()], "/b/");
        assert_eq!(tags[1].value("title"), Some("\n"));
        // Many attributes: read once each (no quadratic look-up).
        let many: String = (0..50_000).map(|i| format!(" a{i}=1")).collect();
        let tags = start_tags(&format!("<p{many} a0=2>"));
        assert_eq!(tags[0].attrs.len(), 50_000);
        assert_eq!(tags[0].value("a0"), Some("1"));
    }

    #[test]
    fn offsets_are_bytes() {
        let html = "<p>é</p>\n<a title=\"à\" href=\"/b/\">";
        let tag = &start_tags(html)[1];
        assert_eq!(tag.offset, html.find("<a").unwrap());
        let href = tag.attr("href").unwrap();
        assert_eq!(&html[href.raw.clone()], "/b/");
        assert_eq!(&html[href.name_offset..href.raw.start], "href=\"");
    }
}
