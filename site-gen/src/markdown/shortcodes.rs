//! Zola-style shortcodes: `{{ name(key="value", n=3, ok=true) }}`.
//!
//! Calls are found in the SOURCE (outside code spans and code blocks, known
//! from a first pulldown-cmark pass) and replaced by placeholders
//! (`U+E000 index U+E001`) before the real parse, so that neither Markdown
//! nor smart punctuation can touch their arguments. After rendering, each
//! placeholder becomes the shortcode's HTML: a call alone in its paragraph
//! replaces the whole paragraph (block), elsewhere it is inline.
//!
//! `{{/* name() */}}` writes the literal text `{{ name() }}`.

use std::ops::Range;

// The one HTML escaper, shared with the widget.
use calculator::format::html_escape as escape_html;
use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};
use serde_json::{Number, Value};

use super::position::OffsetMap;
use super::{RenderEnv, ShortcodeArgs};

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
pub(crate) struct Extracted {
    pub(crate) text: String,
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

/// Byte ranges of code spans and code blocks of `src` (sorted by start).
pub(crate) fn code_ranges(src: &str, options: pulldown_cmark::Options) -> Vec<Range<usize>> {
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

/// Finds the shortcode calls of `src` outside `code` ranges (sorted) and
/// replaces them by placeholders.
pub(crate) fn extract(src: &str, code: &[Range<usize>]) -> Extracted {
    let mut out = Extracted {
        text: String::with_capacity(src.len()),
        ..Extracted::default()
    };
    let mut scanner = Scanner::new(src);
    let mut copied = 0; // source bytes already copied to `out.text`
    let mut search_from = 0;
    let mut code_idx = 0;
    while let Some(rel) = src.get(search_from..).and_then(|rest| rest.find("{{")) {
        let start = search_from + rel;
        while code.get(code_idx).is_some_and(|r| r.end <= start) {
            code_idx += 1;
        }
        if let Some(r) = code.get(code_idx).filter(|r| r.start <= start) {
            search_from = r.end.max(start + 1);
            continue;
        }
        match scanner.parse_at(start) {
            Scan::NotShortcode => search_from = start + 1,
            Scan::Error(message) => {
                out.errors.push((start, message));
                search_from = start + 2;
            }
            Scan::Found { end, kind } => {
                out.text.push_str(&src[copied..start]);
                let new_start = out.text.len();
                out.text.push(PH_OPEN);
                out.text.push_str(&out.items.len().to_string());
                out.text.push(PH_CLOSE);
                out.map.push(start, end, new_start, out.text.len());
                out.items.push(Item {
                    start,
                    source: src[start..end].to_string(),
                    kind,
                });
                copied = end;
                search_from = end;
            }
        }
    }
    out.text.push_str(&src[copied..]);
    out
}

/// Calls `env` for every shortcode; errors are (source offset, message).
pub(crate) fn resolve_all(
    items: &[Item],
    env: &dyn RenderEnv,
    errors: &mut Vec<(usize, String)>,
) -> Vec<Resolved> {
    items
        .iter()
        .map(|item| match &item.kind {
            ItemKind::Literal(text) => Resolved::Text(text.clone()),
            ItemKind::Call { name, args } => match env.shortcode(name, args) {
                Ok(html) => Resolved::Html(html),
                Err(message) => {
                    errors.push((item.start, format!("shortcode « {name} » : {message}")));
                    Resolved::Text(item.source.clone())
                }
            },
        })
        .collect()
}

/// A piece of a string holding placeholders.
#[derive(Debug, PartialEq)]
pub(crate) enum Piece<'s> {
    Str(&'s str),
    Placeholder(usize),
}

/// Splits `s` into text and placeholders (malformed ones stay text).
pub(crate) fn split_placeholders(s: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = s;
    let mut text_start = 0; // in `rest`
    let mut search = 0;
    while let Some(rel) = rest.get(search..).and_then(|r| r.find(PH_OPEN)) {
        let open = search + rel;
        let digits_start = open + PH_OPEN.len_utf8();
        let tail = &rest[digits_start..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let parsed = (digits > 0 && digits < 20)
            .then(|| tail[..digits].parse::<usize>().ok())
            .flatten();
        match parsed {
            Some(index) if tail[digits..].starts_with(PH_CLOSE) => {
                if open > text_start {
                    pieces.push(Piece::Str(&rest[text_start..open]));
                }
                pieces.push(Piece::Placeholder(index));
                let end = digits_start + digits + PH_CLOSE.len_utf8();
                rest = &rest[end..];
                text_start = 0;
                search = 0;
            }
            _ => search = digits_start,
        }
    }
    if text_start < rest.len() {
        pieces.push(Piece::Str(&rest[text_start..]));
    }
    pieces
}

/// `s` without its placeholders (for titles, slugs and word counts).
pub(crate) fn strip_placeholders(s: &str) -> String {
    split_placeholders(s)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Str(t) => Some(t),
            Piece::Placeholder(_) => None,
        })
        .collect()
}

/// The index of the placeholder if `s` is (apart from whitespace) exactly one.
fn sole_placeholder(s: &str) -> Option<usize> {
    match split_placeholders(s.trim()).as_slice() {
        [Piece::Placeholder(i)] => Some(*i),
        _ => None,
    }
}

/// Replaces the placeholders of `s` by what `f` gives.
fn replace_in(s: &str, mut f: impl FnMut(usize) -> Option<String>) -> String {
    let mut out = String::with_capacity(s.len());
    for piece in split_placeholders(s) {
        match piece {
            Piece::Str(t) => out.push_str(t),
            Piece::Placeholder(i) => match f(i) {
                Some(r) => out.push_str(&r),
                None => {
                    out.push(PH_OPEN);
                    out.push_str(&i.to_string());
                    out.push(PH_CLOSE);
                }
            },
        }
    }
    out
}

/// Replaces placeholders in the events by the shortcodes' output. A
/// paragraph made of a single placeholder becomes the block HTML alone.
pub(crate) fn substitute<'a>(
    mut events: Vec<Event<'a>>,
    items: &[Item],
    resolved: &[Resolved],
) -> Vec<Event<'a>> {
    let html_of = |i: usize| -> Option<String> {
        resolved.get(i).map(|r| match r {
            Resolved::Html(h) => h.clone(),
            Resolved::Text(t) => escape_html(t),
        })
    };
    let literal_of = |i: usize| items.get(i).map(|item| item.source.clone());

    let mut out = Vec::with_capacity(events.len());
    let mut in_code_block = false;
    let mut image_depth = 0usize;
    let mut i = 0;
    while i < events.len() {
        // Block shortcode: Start(Paragraph), Text(s)…, End(Paragraph).
        if matches!(events[i], Event::Start(Tag::Paragraph)) {
            let mut j = i + 1;
            let mut text = String::new();
            while let Some(Event::Text(t)) = events.get(j) {
                text.push_str(t);
                j += 1;
            }
            if matches!(events.get(j), Some(Event::End(TagEnd::Paragraph))) {
                if let Some(Resolved::Html(html)) =
                    sole_placeholder(&text).and_then(|k| resolved.get(k))
                {
                    let mut html = html.clone();
                    if !html.ends_with('\n') {
                        html.push('\n');
                    }
                    out.push(Event::Html(html.into()));
                    i = j + 1;
                    continue;
                }
            }
        }
        let event = std::mem::replace(&mut events[i], Event::SoftBreak);
        i += 1;
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                out.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                out.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                image_depth += 1;
                out.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: literal_cow(dest_url, &literal_of),
                    title: literal_cow(title, &literal_of),
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                image_depth = image_depth.saturating_sub(1);
                out.push(Event::End(TagEnd::Image));
            }
            // `## Titre {.{{/* x */}} k={{/* y */}}}`: written as typed.
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => out.push(Event::Start(Tag::Heading {
                level,
                id: id.map(|id| literal_cow(id, &literal_of)),
                classes: classes
                    .into_iter()
                    .map(|c| literal_cow(c, &literal_of))
                    .collect(),
                attrs: attrs
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            literal_cow(k, &literal_of),
                            v.map(|v| literal_cow(v, &literal_of)),
                        )
                    })
                    .collect(),
            })),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => out.push(Event::Start(Tag::Link {
                link_type,
                dest_url: literal_cow(dest_url, &literal_of),
                title: literal_cow(title, &literal_of),
                id,
            })),
            Event::Text(t) if t.contains(PH_OPEN) => {
                if in_code_block || image_depth > 0 {
                    out.push(Event::Text(replace_in(&t, literal_of).into()));
                } else {
                    for piece in split_placeholders(&t) {
                        match piece {
                            Piece::Str(s) => out.push(Event::Text(s.to_string().into())),
                            Piece::Placeholder(k) => match resolved.get(k) {
                                Some(Resolved::Html(h)) => {
                                    out.push(Event::InlineHtml(h.clone().into()))
                                }
                                Some(Resolved::Text(s)) => out.push(Event::Text(s.clone().into())),
                                None => {
                                    out.push(Event::Text(format!("{PH_OPEN}{k}{PH_CLOSE}").into()))
                                }
                            },
                        }
                    }
                }
            }
            Event::Html(t) if t.contains(PH_OPEN) => {
                out.push(Event::Html(replace_in(&t, html_of).into()))
            }
            Event::InlineHtml(t) if t.contains(PH_OPEN) => {
                out.push(Event::InlineHtml(replace_in(&t, html_of).into()))
            }
            Event::Code(t) if t.contains(PH_OPEN) => {
                out.push(Event::Code(replace_in(&t, literal_of).into()))
            }
            other => out.push(other),
        }
    }
    out
}

fn literal_cow<'a>(s: CowStr<'a>, literal_of: &impl Fn(usize) -> Option<String>) -> CowStr<'a> {
    if s.contains(PH_OPEN) {
        replace_in(&s, literal_of).into()
    } else {
        s
    }
}

/// Result of looking for a shortcode at a `{{`.
#[derive(Debug, PartialEq)]
enum Scan {
    /// Ordinary text (e.g. `{{ ` followed by something else than a name).
    NotShortcode,
    Found {
        end: usize,
        kind: ItemKind,
    },
    Error(String),
}

struct Scanner<'s> {
    src: &'s str,
    /// A string opened with this quote (`"`, `'`, `` ` ``) was found to run
    /// to the end of the source: later ones will too (keeps the scan linear).
    unclosed_quote: [bool; 3],
    /// No `*/}}` closes an escaped call after some `{{/*`: none will close a
    /// later one either (keeps the scan linear).
    unclosed_literal: bool,
}

/// Longest shortcode name, argument name or number accepted.
const MAX_TOKEN: usize = 200;

impl<'s> Scanner<'s> {
    fn new(src: &'s str) -> Self {
        Scanner {
            src,
            unclosed_quote: [false; 3],
            unclosed_literal: false,
        }
    }

    fn parse_at(&mut self, start: usize) -> Scan {
        let src = self.src;
        let mut pos = start + 2;
        if src[pos..].starts_with("/*") {
            let body = pos + 2;
            if self.unclosed_literal {
                return Scan::NotShortcode;
            }
            return match src[body..].find("*/}}") {
                Some(rel) => Scan::Found {
                    end: body + rel + 4,
                    kind: ItemKind::Literal(format!("{{{{{}}}}}", &src[body..body + rel])),
                },
                None => {
                    self.unclosed_literal = true;
                    Scan::NotShortcode
                }
            };
        }
        pos = self.skip_ws(pos);
        let Some(name_end) = self.ident(pos) else {
            return Scan::NotShortcode;
        };
        let name = src[pos..name_end].to_string();
        pos = self.skip_ws(name_end);
        if src[pos..].starts_with("}}") {
            return Scan::Error(format!(
                "appel de shortcode sans parenthèses : écrivez {{{{ {name}() }}}}"
            ));
        }
        if !src[pos..].starts_with('(') {
            return Scan::NotShortcode;
        }
        pos += 1;
        let mut args = ShortcodeArgs::new();
        loop {
            pos = self.skip_ws(pos);
            if src[pos..].starts_with(')') {
                pos += 1;
                break;
            }
            if pos >= src.len() {
                return unclosed(&name);
            }
            let Some(key_end) = self.ident(pos) else {
                return Scan::Error(format!(
                    "shortcode « {name} » : nom d'argument attendu, trouvé « {} »",
                    snippet(&src[pos..])
                ));
            };
            let key = src[pos..key_end].to_string();
            pos = self.skip_ws(key_end);
            if !src[pos..].starts_with('=') {
                return Scan::Error(format!(
                    "shortcode « {name} » : « = » attendu après l'argument « {key} »"
                ));
            }
            pos = self.skip_ws(pos + 1);
            let (value, value_end) = match self.value(pos, true) {
                Ok(v) => v,
                Err(reason) => {
                    return Scan::Error(format!(
                    "shortcode « {name} » : valeur invalide pour l'argument « {key} » ({reason})"
                ))
                }
            };
            if args.insert(key.clone(), value).is_some() {
                return Scan::Error(format!(
                    "shortcode « {name} » : l'argument « {key} » est donné deux fois"
                ));
            }
            pos = self.skip_ws(value_end);
            if src[pos..].starts_with(',') {
                pos += 1;
            } else if src[pos..].starts_with(')') {
                pos += 1;
                break;
            } else if pos >= src.len() {
                return unclosed(&name);
            } else {
                return Scan::Error(format!(
                    "shortcode « {name} » : « , » ou « ) » attendu après l'argument « {key} », trouvé « {} »",
                    snippet(&src[pos..])
                ));
            }
        }
        pos = self.skip_ws(pos);
        if src[pos..].starts_with("}}") {
            Scan::Found {
                end: pos + 2,
                kind: ItemKind::Call { name, args },
            }
        } else {
            unclosed(&name)
        }
    }

    fn skip_ws(&self, mut pos: usize) -> usize {
        let bytes = self.src.as_bytes();
        while bytes
            .get(pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            pos += 1;
        }
        pos
    }

    /// End of an identifier `[A-Za-z_][A-Za-z0-9_]*` starting at `pos`.
    fn ident(&self, pos: usize) -> Option<usize> {
        let bytes = self.src.as_bytes();
        let first = *bytes.get(pos)?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let len = bytes[pos..]
            .iter()
            .take(MAX_TOKEN + 1)
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        (len <= MAX_TOKEN).then_some(pos + len)
    }

    /// A value at `pos`: string, number, boolean or (if `allow_array`) a flat
    /// array of those. Returns it and the offset after it.
    fn value(&mut self, pos: usize, allow_array: bool) -> Result<(Value, usize), String> {
        let src = self.src;
        let rest = &src[pos..];
        let Some(first) = rest.chars().next() else {
            return Err("rien avant la fin du texte".into());
        };
        match first {
            ',' | ')' | ']' => Err("valeur manquante".into()),
            '"' | '\'' | '`' => self.string(pos, first),
            '[' if allow_array => {
                let mut items = Vec::new();
                let mut p = self.skip_ws(pos + 1);
                loop {
                    if src[p..].starts_with(']') {
                        return Ok((Value::Array(items), p + 1));
                    }
                    if src[p..].starts_with('[') {
                        return Err("les listes imbriquées ne sont pas acceptées".into());
                    }
                    let (v, end) = self.value(p, false)?;
                    items.push(v);
                    p = self.skip_ws(end);
                    if src[p..].starts_with(',') {
                        p = self.skip_ws(p + 1);
                    } else if !src[p..].starts_with(']') {
                        return Err("« , » ou « ] » attendu dans la liste".into());
                    }
                }
            }
            't' | 'f' => {
                for (word, b) in [("true", true), ("false", false)] {
                    if rest.starts_with(word)
                        && !rest[word.len()..]
                            .bytes()
                            .next()
                            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                    {
                        return Ok((Value::Bool(b), pos + word.len()));
                    }
                }
                Err(format!(
                    "« {} » : mettez le texte entre guillemets",
                    word(rest)
                ))
            }
            '-' | '+' | '0'..='9' => self.number(pos),
            _ if rest.starts_with(|c: char| c.is_alphanumeric()) => Err(format!(
                "« {} » : mettez le texte entre guillemets",
                word(rest)
            )),
            _ => Err(format!(
                "« {} » : texte entre guillemets, nombre, true ou false attendu",
                word(rest)
            )),
        }
    }

    fn number(&self, pos: usize) -> Result<(Value, usize), String> {
        let bytes = self.src.as_bytes();
        let mut end = pos;
        if matches!(bytes.get(end), Some(b'-' | b'+')) {
            end += 1;
        }
        while end - pos <= MAX_TOKEN
            && bytes
                .get(end)
                .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'_'))
        {
            // A sign right after an exponent.
            end += 1;
            if matches!(bytes.get(end - 1), Some(b'e' | b'E'))
                && matches!(bytes.get(end), Some(b'-' | b'+'))
            {
                end += 1;
            }
        }
        let text = &self.src[pos..end];
        let clean = text.trim_start_matches('+');
        if let Ok(i) = clean.parse::<i64>() {
            return Ok((Value::Number(i.into()), end));
        }
        if clean.bytes().any(|b| b.is_ascii_digit()) && !clean.contains('_') {
            if let Some(n) = clean.parse::<f64>().ok().and_then(Number::from_f64) {
                return Ok((Value::Number(n), end));
            }
        }
        Err(format!("« {} » n'est pas un nombre", snippet(text)))
    }

    fn string(&mut self, pos: usize, quote: char) -> Result<(Value, usize), String> {
        let slot = match quote {
            '"' => 0,
            '\'' => 1,
            _ => 2,
        };
        let unclosed = || format!("guillemet {quote} non refermé");
        if self.unclosed_quote[slot] {
            return Err(unclosed());
        }
        let body = pos + quote.len_utf8();
        let mut out = String::new();
        let mut chars = self.src[body..].char_indices();
        while let Some((i, c)) = chars.next() {
            if c == quote {
                return Ok((Value::String(out), body + i + c.len_utf8()));
            }
            if c == '\\' {
                match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, e @ ('\\' | '"' | '\'' | '`'))) => out.push(e),
                    // Unknown escape: keep the backslash (e.g. `C:\dossier`).
                    Some((_, other)) => {
                        out.push('\\');
                        out.push(other);
                    }
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        self.unclosed_quote[slot] = true;
        Err(unclosed())
    }
}

fn unclosed(name: &str) -> Scan {
    Scan::Error(format!(
        "shortcode « {name} » non fermé : « ) }}}} » attendu"
    ))
}

/// The value-like word at the start of `s`, for messages.
fn word(s: &str) -> String {
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ')' | ']'))
        .unwrap_or(s.len());
    if end == 0 {
        return s.chars().take(1).collect();
    }
    snippet(&s[..end])
}

/// The beginning of `s`, for messages: at most 20 characters of its first
/// line (reads no further, so messages cost the same on a huge line).
fn snippet(s: &str) -> String {
    let mut head = s.chars().take_while(|c| !matches!(c, '\n' | '\r')).take(21);
    let mut out: String = head.by_ref().take(20).collect();
    if head.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scan(s: &str) -> Scan {
        Scanner::new(s).parse_at(0)
    }

    fn call(s: &str) -> (String, Value) {
        match scan(s) {
            Scan::Found {
                kind: ItemKind::Call { name, args },
                end,
            } => {
                assert_eq!(end, s.len(), "{s}");
                (name, Value::Object(args))
            }
            other => panic!("{s}: {other:?}"),
        }
    }

    fn error(s: &str) -> String {
        match scan(s) {
            Scan::Error(m) => m,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn arguments() {
        assert_eq!(call("{{ video() }}"), ("video".into(), json!({})));
        assert_eq!(
            call(r#"{{ name(key="value", n=3, ok=true) }}"#),
            ("name".into(), json!({"key": "value", "n": 3, "ok": true}))
        );
        assert_eq!(
            call(r#"{{n(a='l\'été', b=`x`, c="dit \"oui\"\n", d=-2.5, e=false, f=[1, "a"],)}}"#),
            (
                "n".into(),
                json!({"a": "l'été", "b": "x", "c": "dit \"oui\"\n", "d": -2.5, "e": false, "f": [1, "a"]})
            )
        );
        assert_eq!(
            call("{{ multi(\n  a = 1,\n  b = \"C:\\dossier\"\n) }}"),
            ("multi".into(), json!({"a": 1, "b": "C:\\dossier"}))
        );
        assert_eq!(
            call("{{ big(n=1e3, m=99999999999999999999) }}"),
            ("big".into(), json!({"n": 1000.0, "m": 1e20}))
        );
    }

    #[test]
    fn not_shortcodes() {
        assert_eq!(scan("{{ }}"), Scan::NotShortcode);
        assert_eq!(scan("{{ 3 + 4 }}"), Scan::NotShortcode);
        assert_eq!(scan("{{"), Scan::NotShortcode);
        assert_eq!(scan("{{ a - b }}"), Scan::NotShortcode);
    }

    #[test]
    fn bad_arguments() {
        assert!(error("{{ a(x=) }}").contains("valeur invalide pour l'argument « x »"));
        assert!(error("{{ a(x=bonjour) }}").contains("« bonjour »"));
        assert!(error("{{ a(x=true_) }}").contains("guillemets"));
        assert!(error("{{ a(x=Paris) }}").contains("« Paris » : mettez le texte entre guillemets"));
        assert!(error("{{ a(x=) }}").contains("valeur manquante"));
        assert!(error("{{ a(x=1, x=2) }}").contains("deux fois"));
        assert!(error("{{ a(x 1) }}").contains("« = » attendu"));
        assert!(error("{{ a(\"x\"=1) }}").contains("nom d'argument attendu"));
        assert!(error("{{ a(x=1 y=2) }}").contains("« , » ou « ) »"));
        assert!(error("{{ a(x=[[1]]) }}").contains("imbriquées"));
        assert!(error("{{ a(x=1.2.3) }}").contains("n'est pas un nombre"));
        assert!(error("{{ a(x=\"never closed) }}").contains("non refermé"));
        assert!(error("{{ a(x=1) }").contains("non fermé"));
        assert!(error("{{ a(x=1").contains("non fermé"));
        assert!(error("{{ a(").contains("non fermé"));
        assert!(error("{{ a }}").contains("parenthèses"));
    }

    #[test]
    fn literal_escape() {
        assert_eq!(
            scan("{{/* video(id=\"x\") */}}"),
            Scan::Found {
                end: 23,
                kind: ItemKind::Literal("{{ video(id=\"x\") }}".into())
            }
        );
    }

    #[test]
    fn extract_skips_code() {
        let src = "a {{ x() }} `{{ y() }}`\n\n```\n{{ z() }}\n```\n{{ w(n=1) }}";
        let code = code_ranges(src, pulldown_cmark::Options::empty());
        let ex = extract(src, &code);
        let names: Vec<_> = ex
            .items
            .iter()
            .map(|i| match &i.kind {
                ItemKind::Call { name, .. } => name.as_str(),
                ItemKind::Literal(_) => "",
            })
            .collect();
        assert_eq!(names, ["x", "w"]);
        assert_eq!(
            ex.text,
            "a \u{E000}0\u{E001} `{{ y() }}`\n\n```\n{{ z() }}\n```\n\u{E000}1\u{E001}"
        );
        assert!(ex.errors.is_empty());
        assert_eq!(ex.items[1].start, src.len() - "{{ w(n=1) }}".len());
        // Offsets map back to the source.
        assert_eq!(ex.map.to_source(ex.text.len() - 1), ex.items[1].start);
        assert_eq!(
            ex.map.to_source(ex.text.find('`').unwrap_or(0)),
            src.find('`').unwrap_or(0)
        );
    }

    #[test]
    fn pathological_input_is_linear_enough() {
        let src = "{{a(x=\"".repeat(20_000);
        let ex = extract(&src, &[]);
        assert_eq!(ex.errors.len(), 20_000);
        let src = "{{".repeat(50_000) + &"{{ a(".repeat(50_000);
        let ex = extract(&src, &[]);
        assert!(ex.items.is_empty());
    }

    #[test]
    fn placeholders_split() {
        let s = "a\u{E000}12\u{E001}b\u{E000}x\u{E001}\u{E000}3\u{E001}";
        assert_eq!(
            split_placeholders(s),
            [
                Piece::Str("a"),
                Piece::Placeholder(12),
                Piece::Str("b\u{E000}x\u{E001}"),
                Piece::Placeholder(3)
            ]
        );
        assert_eq!(strip_placeholders(s), "ab\u{E000}x\u{E001}");
        assert_eq!(sole_placeholder(" \u{E000}7\u{E001}\n"), Some(7));
        assert_eq!(sole_placeholder("x\u{E000}7\u{E001}"), None);
    }
}
