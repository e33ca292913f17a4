//! The shortcode scanner: finds calls in the source (outside code), parses
//! their arguments and replaces them by placeholders.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::{Number, Value};

use super::{Extracted, Item, ItemKind, ShortcodeArgs, PH_CLOSE, PH_OPEN};

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
pub(crate) fn extract<'s>(src: &'s str, code: &[Range<usize>]) -> Extracted<'s> {
    let mut out = Extracted::default();
    let mut text = String::with_capacity(src.len());
    let mut scanner = Scanner::new(src);
    let mut copied = 0; // source bytes already copied to `text`
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
                text.push_str(&src[copied..start]);
                let new_start = text.len();
                text.push(PH_OPEN);
                text.push_str(&out.items.len().to_string());
                text.push(PH_CLOSE);
                out.map.push(start, end, new_start, text.len());
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
    text.push_str(&src[copied..]);
    out.text = Cow::Owned(text);
    out
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
}
