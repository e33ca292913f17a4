//! The shortcode scanner: finds calls in the source (`{{ name(…) }}`, body
//! calls `{% name(…) %}…{% end %}`, escaped ones `{{/* … */}}` and
//! `{%/* … */%}`), parses their arguments and numbers them (`nth`).
//!
//! As Zola does, the whole source is read, code included: a call in a code
//! block shows its output as code; an escaped call is unescaped there too.

use std::collections::HashMap;

use serde_json::{Number, Value};

use super::{Body, Item, ItemKind, Scanned, ShortcodeArgs};

/// Finds every shortcode of `src`.
pub(crate) fn scan(src: &str) -> Scanned {
    let mut out = Scanned::default();
    let mut state = State::default();
    let mut scanner = Scanner::new(src);
    scanner.region(0, None, &mut out, &mut state);
    out
}

/// What the scanners of one page share.
#[derive(Default)]
struct State {
    /// Calls of each shortcode so far (Zola's `nth`).
    calls: HashMap<String, usize>,
}

impl State {
    fn nth(&mut self, name: &str) -> usize {
        let n = self.calls.entry(name.to_string()).or_insert(0);
        *n += 1;
        *n
    }
}

/// Result of looking for a shortcode's opening at a `{{` or `{%`.
#[derive(Debug, PartialEq)]
enum Scan {
    /// Ordinary text (e.g. `{{ ` followed by something else than a name).
    NotShortcode,
    Found {
        end: usize,
        name: String,
        args: ShortcodeArgs,
    },
    Error(String),
}

/// What the scanner does at a `{`.
enum Step {
    /// Text: go on at the next byte.
    Text,
    /// An error (recorded): go on from this offset.
    Skip(usize),
    /// An item, the source up to `end`.
    Item { end: usize, index: usize },
    /// Two items (their end and index), the text between them as typed.
    Pair {
        open: (usize, usize),
        close_start: usize,
        close: (usize, usize),
    },
}

/// A closing tag searched for once: the first one at or after some offset
/// (each search starts where the last one ended, so searching stays linear).
#[derive(Debug, Clone, Copy, Default)]
enum NextTag {
    #[default]
    Unknown,
    /// Its start and end.
    At(usize, usize),
    /// None after the offset searched from.
    None,
}

struct Scanner<'s> {
    /// The source up to the end of the region read (a body ends where its
    /// `{% end %}` starts): offsets are the source's.
    src: &'s str,
    /// A string opened with this quote (`"`, `'`, `` ` ``) was found to run
    /// to the end of the source: later ones will too (keeps the scan linear).
    unclosed_quote: [bool; 3],
    /// No `*/}}` closes an escaped call after some `{{/*`: none will close a
    /// later one either (keeps the scan linear).
    unclosed_literal: bool,
    /// The same for `*/%}`.
    unclosed_tag_literal: bool,
    /// The next `{% end %}`.
    next_end: NextTag,
    /// The next `{%/* end */%}`.
    next_escaped_end: NextTag,
}

/// Longest shortcode name, argument name or number accepted.
const MAX_TOKEN: usize = 200;

impl<'s> Scanner<'s> {
    fn new(src: &'s str) -> Self {
        Scanner {
            src,
            unclosed_quote: [false; 3],
            unclosed_literal: false,
            unclosed_tag_literal: false,
            next_end: NextTag::Unknown,
            next_escaped_end: NextTag::Unknown,
        }
    }

    /// Reads `from..self.src.len()`: the page (`body_of` is `None`) or the
    /// body of the call named `body_of`. Returns the region's text with its
    /// calls as placeholders (built for bodies only).
    fn region(
        &mut self,
        from: usize,
        body_of: Option<&str>,
        out: &mut Scanned,
        state: &mut State,
    ) -> String {
        let src = self.src;
        let mut text = String::new();
        let mut copied = from;
        let mut pos = from;
        while let Some(rel) = src
            .as_bytes()
            .get(pos..)
            .and_then(|rest| memchr::memchr(b'{', rest))
        {
            let start = pos + rel;
            let step = match src.as_bytes().get(start + 1) {
                Some(b'{') => self.inline_at(start, out, state),
                Some(b'%') => self.tag_at(start, body_of, out, state),
                _ => Step::Text,
            };
            let (end, index) = match step {
                Step::Text => {
                    pos = start + 1;
                    continue;
                }
                Step::Skip(to) => {
                    pos = to;
                    continue;
                }
                Step::Item { end, index } => (end, index),
                Step::Pair {
                    open,
                    close_start,
                    close,
                } => {
                    if body_of.is_some() {
                        text.push_str(&src[copied..start]);
                        super::push_placeholder(&mut text, open.1);
                        text.push_str(&src[open.0..close_start]);
                        super::push_placeholder(&mut text, close.1);
                    }
                    copied = close.0;
                    pos = close.0;
                    continue;
                }
            };
            if body_of.is_some() {
                text.push_str(&src[copied..start]);
                super::push_placeholder(&mut text, index);
            }
            copied = end;
            pos = end;
        }
        if body_of.is_some() {
            text.push_str(&src[copied..]);
        }
        text
    }

    /// A `{{` at `start`: a call or an escaped call (an item), else text.
    fn inline_at(&mut self, start: usize, out: &mut Scanned, state: &mut State) -> Step {
        let src = self.src;
        if src[start + 2..].starts_with("/*") {
            let Some((inner, end)) = escaped_at(src, start, "*/}}", &mut self.unclosed_literal)
            else {
                return Step::Text;
            };
            let text = format!("{{{{{inner}}}}}");
            let index = out.push(start, end, src, ItemKind::Literal(text));
            return Step::Item { end, index };
        }
        match self.call_at(start + 2, "}}") {
            Scan::NotShortcode => Step::Text,
            Scan::Error(message) => {
                out.errors.push((start, message));
                Step::Skip(start + 2)
            }
            Scan::Found { end, name, args } => {
                let nth = state.nth(&name);
                let kind = ItemKind::Call {
                    name,
                    args,
                    nth,
                    body: None,
                };
                let index = out.push(start, end, src, kind);
                Step::Item { end, index }
            }
        }
    }

    /// A `{%` at `start`: a body call with its body, an escaped tag, a
    /// stray `{% end %}` (an error), else text.
    fn tag_at(
        &mut self,
        start: usize,
        body_of: Option<&str>,
        out: &mut Scanned,
        state: &mut State,
    ) -> Step {
        let src = self.src;
        if src[start + 2..].starts_with("/*") {
            return self.escaped_tag_at(start, out);
        }
        if let Some(end) = end_tag_at(src, start) {
            out.errors.push((
                start,
                "« {% end %} » ne ferme aucun shortcode : retirez-le, ou ouvrez avant lui un \
                 shortcode avec corps, {% nom() %} (pour l’écrire tel quel : {%/* end */%})"
                    .into(),
            ));
            return Step::Skip(end);
        }
        let (tag_end, name, args) = match self.call_at(start + 2, "%}") {
            Scan::NotShortcode => return Step::Text,
            Scan::Error(message) => {
                out.errors.push((start, message));
                // Its body and `{% end %}` are no further problem.
                let end = match body_of {
                    None => self.end_tag_after(start + 2).map(|(_, end)| end),
                    Some(_) => None,
                };
                return Step::Skip(end.unwrap_or(start + 2));
            }
            Scan::Found { end, name, args } => (end, name, args),
        };
        if let Some(outer) = body_of {
            out.errors.push((
                start,
                format!(
                    "shortcode « {name} » : un shortcode avec corps ne peut pas être placé dans \
                     le corps de « {outer} » (le premier {{% end %}} ferme « {outer} »)"
                ),
            ));
            return Step::Skip(tag_end);
        }
        let Some((end_start, end)) = self.end_tag_after(tag_end) else {
            out.errors.push((
                start,
                format!(
                    "shortcode « {name} » ouvert ici mais jamais fermé : ajoutez {{% end %}} \
                     après son corps"
                ),
            ));
            return Step::Skip(tag_end);
        };
        let nth = state.nth(&name);
        let outer = name.clone();
        let kind = ItemKind::Call {
            name,
            args,
            nth,
            body: None,
        };
        let index = out.push(start, end, src, kind);
        // The body as Zola gives it: trimmed, its own calls replaced.
        let raw = &src[tag_end..end_start];
        let body_start = tag_end + (raw.len() - raw.trim_start().len());
        let body_end = (end_start - (raw.len() - raw.trim_end().len())).max(body_start);
        let first_inner = out.items.len();
        out.reading_body = true;
        let text = Scanner::new(&src[..body_end]).region(body_start, Some(&outer), out, state);
        out.reading_body = false;
        let body = Body {
            text,
            inner: first_inner..out.items.len(),
        };
        if let Some(Item {
            kind: ItemKind::Call { body: slot, .. },
            ..
        }) = out.items.get_mut(index)
        {
            *slot = Some(body);
        }
        Step::Item { end, index }
    }

    /// `{%/* name(…) */%}` at `start`: written `{% name(…) %}`; with the
    /// text after it as typed (nothing in it is read, as in Zola) up to its
    /// `{%/* end */%}`, written `{% end %}`. A lone `{%/* end */%}` is
    /// written `{% end %}` too. The tags are items, the text between them
    /// stays the page's (Markdown around them is unchanged).
    fn escaped_tag_at(&mut self, start: usize, out: &mut Scanned) -> Step {
        let src = self.src;
        let Some((opening, open_end)) =
            escaped_at(src, start, "*/%}", &mut self.unclosed_tag_literal)
        else {
            return Step::Text;
        };
        let text = format!("{{%{opening}%}}");
        let open = out.push(start, open_end, src, ItemKind::Literal(text));
        if opening.trim() != "end" {
            if let Some((close_start, close_end)) = self.escaped_end_after(open_end) {
                let closing = &src[close_start + 4..close_end - 4];
                let text = format!("{{%{closing}%}}");
                let close = out.push(close_start, close_end, src, ItemKind::Literal(text));
                return Step::Pair {
                    open: (open_end, open),
                    close_start,
                    close: (close_end, close),
                };
            }
        }
        Step::Item {
            end: open_end,
            index: open,
        }
    }

    /// The first `{% end %}` at or after `from`: its start and end.
    fn end_tag_after(&mut self, from: usize) -> Option<(usize, usize)> {
        let src = self.src;
        next_tag(&mut self.next_end, from, |from| {
            let mut pos = from;
            while let Some(rel) = src.get(pos..).and_then(|rest| rest.find("{%")) {
                let start = pos + rel;
                if let Some(end) = end_tag_at(src, start) {
                    return Some((start, end));
                }
                pos = start + 2;
            }
            None
        })
    }

    /// The first `{%/* end */%}` at or after `from`: its start and end.
    fn escaped_end_after(&mut self, from: usize) -> Option<(usize, usize)> {
        let src = self.src;
        next_tag(&mut self.next_escaped_end, from, |from| {
            let mut pos = from;
            while let Some(rel) = src.get(pos..).and_then(|rest| rest.find("{%/*")) {
                let start = pos + rel;
                let after = skip_ws(src, start + 4);
                if src[after..].starts_with("end") {
                    let close = skip_ws(src, after + 3);
                    if src[close..].starts_with("*/%}") {
                        return Some((start, close + 4));
                    }
                }
                pos = start + 4;
            }
            None
        })
    }

    /// `name(key=value, …)` then `close`, from `pos` (after `{{` or `{%`).
    fn call_at(&mut self, pos: usize, close: &str) -> Scan {
        let src = self.src;
        let mut pos = self.skip_ws(pos);
        let Some(name_end) = self.ident(pos) else {
            return Scan::NotShortcode;
        };
        let name = src[pos..name_end].to_string();
        pos = self.skip_ws(name_end);
        // `{{ nom }}` is a call missing its parentheses; `{% else %}`
        // is text (as in Zola).
        if close == "}}" && src[pos..].starts_with(close) {
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
                return unclosed(&name, close);
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
                return unclosed(&name, close);
            } else {
                return Scan::Error(format!(
                    "shortcode « {name} » : « , » ou « ) » attendu après l'argument « {key} », trouvé « {} »",
                    snippet(&src[pos..])
                ));
            }
        }
        pos = self.skip_ws(pos);
        if src[pos..].starts_with(close) {
            Scan::Found {
                end: pos + close.len(),
                name,
                args,
            }
        } else {
            unclosed(&name, close)
        }
    }

    fn skip_ws(&self, pos: usize) -> usize {
        skip_ws(self.src, pos)
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

/// The escaped tag opening at `start` (`{{/*` or `{%/*`) up to `close`
/// (`*/}}` or `*/%}`): what it holds and where it ends. `None` when no
/// `close` follows; `unclosed` then remembers it, so the next escaped tags
/// of that kind are not searched to the end again (the scan stays linear).
fn escaped_at<'s>(
    src: &'s str,
    start: usize,
    close: &str,
    unclosed: &mut bool,
) -> Option<(&'s str, usize)> {
    if *unclosed {
        return None;
    }
    let inner = start + "{{/*".len();
    let Some(rel) = src[inner..].find(close) else {
        *unclosed = true;
        return None;
    };
    Some((&src[inner..inner + rel], inner + rel + close.len()))
}

fn unclosed(name: &str, close: &str) -> Scan {
    Scan::Error(format!(
        "shortcode « {name} » non fermé : « ) {close} » attendu"
    ))
}

/// The offset after the spaces at `pos`.
fn skip_ws(src: &str, mut pos: usize) -> usize {
    let bytes = src.as_bytes();
    while bytes
        .get(pos)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        pos += 1;
    }
    pos
}

/// The end of `{% end %}` if one starts at `start`.
fn end_tag_at(src: &str, start: usize) -> Option<usize> {
    let after = skip_ws(src, start + 2);
    let word = src.get(after..)?.strip_prefix("end")?;
    // `{% endfor %}` is no end tag.
    if word.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let close = skip_ws(src, after + 3);
    src[close..].starts_with("%}").then_some(close + 2)
}

/// The first tag at or after `from`, `search` finding it from an offset:
/// searched again only past the last one found.
fn next_tag(
    cache: &mut NextTag,
    from: usize,
    search: impl FnOnce(usize) -> Option<(usize, usize)>,
) -> Option<(usize, usize)> {
    match *cache {
        NextTag::At(start, end) if start >= from => return Some((start, end)),
        NextTag::None => return None,
        _ => {}
    }
    let found = search(from);
    *cache = found.map_or(NextTag::None, |(s, e)| NextTag::At(s, e));
    found
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

    fn call(s: &str) -> (String, Value) {
        match Scanner::new(s).call_at(2, "}}") {
            Scan::Found { end, name, args } => {
                assert_eq!(end, s.len(), "{s}");
                (name, Value::Object(args))
            }
            other => panic!("{s}: {other:?}"),
        }
    }

    fn error(s: &str) -> String {
        let scanned = scan(s);
        assert!(scanned.items.is_empty(), "{s}: {:?}", scanned.items);
        match scanned.errors.as_slice() {
            [(0, m)] => m.clone(),
            other => panic!("{s}: {other:?}"),
        }
    }

    /// What each item is: `name#nth`, `name#nth[body]` or `=literal`.
    fn items(s: &str) -> Vec<String> {
        let scanned = scan(s);
        assert!(scanned.errors.is_empty(), "{s}: {:?}", scanned.errors);
        scanned
            .items
            .iter()
            .map(|item| match &item.kind {
                ItemKind::Literal(text) => format!("={text}"),
                ItemKind::Call {
                    name,
                    nth,
                    body: None,
                    ..
                } => format!("{name}#{nth}"),
                ItemKind::Call {
                    name,
                    nth,
                    body: Some(body),
                    ..
                } => format!("{name}#{nth}[{}]{:?}", body.text, body.inner),
            })
            .collect()
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
        for s in [
            "{{ }}",
            "{{ 3 + 4 }}",
            "{{",
            "{{ a - b }}",
            "{% if x %}",
            "{% else %}",
            "{% endif %}",
            "{%",
            "{ {a()} }",
        ] {
            let scanned = scan(s);
            assert!(scanned.items.is_empty() && scanned.errors.is_empty(), "{s}");
        }
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
        assert!(error("{{ a(x=1) }").contains("non fermé : « ) }} »"));
        assert!(error("{{ a(x=1").contains("non fermé"));
        assert!(error("{{ a(").contains("non fermé"));
        assert!(error("{{ a }}").contains("parenthèses"));
        assert!(error("{% a(x=1) }}").contains("non fermé : « ) %} »"));
        assert!(error("{% a(x=bonjour) %}x{% end %}").contains("« bonjour »"));
    }

    #[test]
    fn escaped_calls() {
        assert_eq!(
            items("{{/* video(id=\"x\") */}}"),
            ["={{ video(id=\"x\") }}"]
        );
        // A body escaped with its end: the text between as typed, calls
        // included.
        let src = "{%/* note(a=1) */%}\nUn {{ x() }} ici\n{%/*end */%} {{ y() }}";
        assert_eq!(items(src), ["={% note(a=1) %}", "={%end %}", "y#1"]);
        assert_eq!(
            scan(src).text(src, None).0,
            "\u{E000}0\u{E001}\nUn {{ x() }} ici\n\u{E000}1\u{E001} \u{E000}2\u{E001}"
        );
        // Alone, each tag is unescaped.
        assert_eq!(items("{%/* note() */%}"), ["={% note() %}"]);
        assert_eq!(items("{%/* end */%}"), ["={% end %}"]);
        // Unclosed escapes are text.
        assert!(items("{{/* x() */ }} {%/* y() */ %}").is_empty());
    }

    #[test]
    fn bodies_nth_and_nesting() {
        assert_eq!(
            items("{% note(t=\"a\") %}\n  Un **texte** {{ x() }} et {{/* y() */}}\n{% end %}"),
            [
                "note#1[Un **texte** \u{E000}1\u{E001} et \u{E000}2\u{E001}]1..3",
                "x#1",
                "={{ y() }}"
            ]
        );
        // Counted per name, in the order of the text (a call before those
        // of its body).
        assert_eq!(
            items("{{ x() }}{% note() %}{{ x() }}{%end%}{% note() %}{% end %}{{ x() }}"),
            [
                "x#1",
                "note#1[\u{E000}2\u{E001}]2..3",
                "x#2",
                "note#2[]4..4",
                "x#3"
            ]
        );
        let scanned = scan("a {% note() %}b{% end %} c");
        let item = &scanned.items[0];
        assert_eq!((item.start, item.end), (2, 24));
        assert_eq!(item.source, "{% note() %}b{% end %}");
    }

    #[test]
    fn body_errors() {
        let m = error("{% note() %}\ntexte\n");
        assert!(m.contains("« note » ouvert ici mais jamais fermé"), "{m}");
        assert!(m.contains("{% end %}"), "{m}");
        let m = error("texte {% end %}".trim_start_matches("texte "));
        assert!(m.contains("ne ferme aucun shortcode"), "{m}");
        // Body calls do not nest: the first end closes the outer one.
        let s = "{% a() %}\n{% b() %}\nx\n{% end %}\n{% end %}";
        let scanned = scan(s);
        let messages: Vec<_> = scanned.errors.iter().map(|(at, m)| (*at, m)).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert_eq!(messages[0].0, 10);
        assert!(
            messages[0].1.contains("dans le corps de « a »"),
            "{}",
            messages[0].1
        );
        assert_eq!(messages[1].0, s.len() - "{% end %}".len());
        assert!(
            messages[1].1.contains("ne ferme aucun"),
            "{}",
            messages[1].1
        );
    }

    #[test]
    fn text_keeps_offsets() {
        let src = "a {{ x() }} `{{ y() }}` {% n() %}b{% end %}";
        let scanned = scan(src);
        let (text, map) = scanned.text(src, None);
        assert_eq!(
            text,
            "a \u{E000}0\u{E001} `\u{E000}1\u{E001}` \u{E000}2\u{E001}"
        );
        assert_eq!(map.to_source(text.len() - 1), src.find("{%").unwrap_or(0));
        assert_eq!(
            map.to_source(text.find('`').unwrap_or(0)),
            src.find('`').unwrap_or(0)
        );
    }

    #[test]
    fn pathological_input_is_linear_enough() {
        let src = "{{a(x=\"".repeat(20_000);
        let scanned = scan(&src);
        assert_eq!(scanned.errors.len(), 20_000);
        let src = "{{".repeat(50_000) + &"{{ a(".repeat(50_000);
        assert!(scan(&src).items.is_empty());
        let src = "{% a() %}".repeat(50_000) + &"{%/* b() */%}".repeat(50_000);
        let scanned = scan(&src);
        assert_eq!(scanned.errors.len(), 50_000);
        assert_eq!(scanned.items.len(), 50_000);
    }
}
