//! Amounts typed in a page's text (`2 000 €`, `9 jours`), so `check` can
//! tell a figure of the pricing model typed by hand from one printed by
//! `chiffre()`. Only text is read: code, shortcodes and attributes are not.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Amount, AmountUnit, Ctx};

/// The amounts of the text events; `text` is what `ranges` index (the
/// source with shortcodes replaced by placeholders).
pub(crate) fn find(
    events: &[Event<'_>],
    ranges: &[Range<usize>],
    text: &str,
    ctx: &Ctx<'_>,
) -> Vec<Amount> {
    let mut found = Vec::new();
    let mut in_code_block = false;
    for (event, range) in events.iter().zip(ranges) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(_) if !in_code_block => {
                let Some(raw) = text.get(range.clone()) else {
                    continue;
                };
                // An amount has a digit: most texts are passed over by one
                // scan (without an early exit, so it runs many bytes at a
                // time), before any search for a unit.
                let has_digit = raw.bytes().fold(false, |seen, b| seen | b.is_ascii_digit());
                if !has_digit
                    || !(raw.contains('€') || raw.contains("euro") || raw.contains("jour"))
                {
                    continue;
                }
                for (at, len, value, unit) in scan(raw) {
                    let (line, column) = ctx.position(range.start + at);
                    found.push(Amount {
                        text: raw[at..at + len].to_string(),
                        value,
                        unit,
                        line,
                        column,
                    });
                }
            }
            _ => {}
        }
    }
    found
}

/// Blanks that may group thousands or stand before a unit.
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}')
}

/// (byte offset, byte length, value in hundredths, unit) of every amount
/// of `s`: a number (`2 000`, `2000`, `0,5`, `166,67`) followed by `€`,
/// `euro(s)` or `jour(s)`/`journée(s)`.
fn scan(s: &str) -> Vec<(usize, usize, i64, AmountUnit)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts_number = b[i].is_ascii_digit()
            && (i == 0
                || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b',' || b[i - 1] == b'.'));
        if !starts_number {
            i += 1;
            continue;
        }
        let start = i;
        let (value, end) = number(s, i);
        i = end.max(i + 1);
        let Some(value) = value else { continue };
        let rest = &s[end..];
        let unit_at = rest.len() - rest.trim_start_matches(is_blank).len();
        let unit = &rest[unit_at..];
        let (unit, unit_len) = if unit.starts_with('€') {
            (AmountUnit::Euros, '€'.len_utf8())
        } else if let Some(len) = word(unit, &["euros", "euro"]) {
            (AmountUnit::Euros, len)
        } else if let Some(len) = word(unit, &["journées", "journée", "jours", "jour"]) {
            (AmountUnit::Days, len)
        } else {
            continue;
        };
        let len = end - start + unit_at + unit_len;
        out.push((start, len, value, unit));
        i = start + len;
    }
    out
}

/// The length of the first of `words` that `s` starts with as a whole word.
fn word(s: &str, words: &[&str]) -> Option<usize> {
    words.iter().find_map(|w| {
        let after = s.strip_prefix(w)?;
        (!after.starts_with(char::is_alphanumeric)).then_some(w.len())
    })
}

/// A number at `i`: digits, thousands groups of three after a blank, a
/// decimal part of one or two digits after `,` or `.`; (value in
/// hundredths, end). `None` for more decimals or an absurd size.
fn number(s: &str, i: usize) -> (Option<i64>, usize) {
    let b = s.as_bytes();
    let digits_from = |j: usize| b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut end = i + digits_from(i);
    let mut whole: String = s[i..end].to_string();
    // Thousands groups: a blank then exactly three digits.
    loop {
        let rest = &s[end..];
        let Some(blank) = rest.chars().next().filter(|c| is_blank(*c)) else {
            break;
        };
        let after = end + blank.len_utf8();
        if after < b.len() && digits_from(after) == 3 {
            whole.push_str(&s[after..after + 3]);
            end = after + 3;
        } else {
            break;
        }
    }
    let mut frac = 0;
    if end + 1 < b.len() && (b[end] == b',' || b[end] == b'.') && b[end + 1].is_ascii_digit() {
        let n = digits_from(end + 1);
        if n > 2 {
            return (None, end + 1 + n);
        }
        let digits = &s[end + 1..end + 1 + n];
        frac = digits.parse::<i64>().unwrap_or(0) * if n == 1 { 10 } else { 1 };
        end += 1 + n;
    }
    let value = whole
        .parse::<i64>()
        .ok()
        .and_then(|w| w.checked_mul(100))
        .and_then(|w| w.checked_add(frac));
    (value, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amounts(s: &str) -> Vec<(String, i64, AmountUnit)> {
        scan(s)
            .into_iter()
            .map(|(at, len, v, u)| (s[at..at + len].to_string(), v, u))
            .collect()
    }

    #[test]
    fn euros_and_days_in_french_writing() {
        use AmountUnit::{Days, Euros};
        assert_eq!(
            amounts("une part coûte 2 000 € par an, soit 166,67\u{a0}€ par mois"),
            vec![
                ("2 000 €".into(), 200_000, Euros),
                ("166,67\u{a0}€".into(), 16_667, Euros),
            ]
        );
        assert_eq!(
            amounts("environ 9 jours, 0,5 jour, 24000 euros, 1\u{202f}234 journées"),
            vec![
                ("9 jours".into(), 900, Days),
                ("0,5 jour".into(), 50, Days),
                ("24000 euros".into(), 2_400_000, Euros),
                ("1\u{202f}234 journées".into(), 123_400, Days),
            ]
        );
    }

    #[test]
    fn other_numbers_are_not_amounts() {
        assert!(amounts("3 postes, 12 parts, 2015, 7 Vallées, 28 novembre").is_empty());
        assert!(amounts("les journaux, 3 journalistes, 5 eurostars").is_empty());
        assert!(amounts("v1.2 €").is_empty());
        assert!(
            amounts("1,234 €").is_empty(),
            "three decimals: not an amount"
        );
    }
}
