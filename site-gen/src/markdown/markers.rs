//! The private-use characters the renderer uses as markers (shortcode
//! placeholders, the summary's end), kept out of the user's text: typed as
//! characters or as numeric entities (`&#xE002;`, `&#57346;`, which the
//! parser would decode), they become U+FFFD before parsing. Replacements
//! keep every byte length, so source offsets stay true.

use std::borrow::Cow;

/// The first and last marker characters.
const FIRST: u32 = 0xE000;
const LAST: u32 = 0xE003;

fn is_marker(c: char) -> bool {
    (FIRST..=LAST).contains(&u32::from(c))
}

/// `markdown` with every marker, literal or as an entity, made harmless.
pub(crate) fn neutralize(markdown: &str) -> Cow<'_, str> {
    // Every marker is encoded EE 80 8x: most texts have no 0xEE byte at all.
    let has_char =
        memchr::memchr(0xEE, markdown.as_bytes()).is_some() && markdown.contains(is_marker);
    let entities = marker_entities(markdown);
    if !has_char && entities.is_empty() {
        return Cow::Borrowed(markdown);
    }
    let mut out = if has_char {
        markdown.replace(is_marker, "\u{FFFD}")
    } else {
        markdown.to_string()
    };
    for (digits, hex) in entities {
        // The same number of digits, spelling U+FFFD (zero-padded).
        let width = digits.len();
        let replacement = if hex {
            format!("{:0>width$X}", 0xFFFD)
        } else {
            format!("{:0>width$}", 0xFFFD)
        };
        out.replace_range(digits, &replacement);
    }
    Cow::Owned(out)
}

/// Byte ranges of the digits of numeric character references that decode
/// to a marker, and whether they are hexadecimal. One pass: linear.
fn marker_entities(s: &str) -> Vec<(std::ops::Range<usize>, bool)> {
    let b = s.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    // `&` found by memchr, then `#` checked: a search for the two-byte
    // pattern builds a two-way searcher for each call.
    while let Some(rel) = b.get(i..).and_then(|rest| memchr::memchr(b'&', rest)) {
        let amp = i + rel;
        if b.get(amp + 1) != Some(&b'#') {
            i = amp + 1;
            continue;
        }
        let start = amp + 2;
        let hex = matches!(b.get(start), Some(b'x' | b'X'));
        let from = start + usize::from(hex);
        let len = b[from..]
            .iter()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        let to = from + len;
        i = to.max(start);
        if len == 0 || b.get(to) != Some(&b';') {
            continue;
        }
        let digits = &s[from..to];
        let value = digits
            .trim_start_matches('0')
            .chars()
            .try_fold(0u32, |v, c| {
                v.checked_mul(if hex { 16 } else { 10 })?
                    .checked_add(c.to_digit(if hex { 16 } else { 10 })?)
            });
        // Wider than the replacement can be: such a value is no marker.
        if value.is_some_and(|v| (FIRST..=LAST).contains(&v)) {
            found.push((from..to, hex));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::neutralize;

    #[test]
    fn literal_and_entity_markers_are_replaced_in_place() {
        let src = "a \u{E002} &#xE002; &#XE000; &#57346; &#x0000E001; &#xe003; b";
        let out = neutralize(src);
        assert_eq!(
            out,
            "a \u{FFFD} &#xFFFD; &#XFFFD; &#65533; &#x0000FFFD; &#xFFFD; b"
        );
        assert_eq!(out.len(), src.len(), "offsets are kept");
    }

    #[test]
    fn a_marker_entity_right_after_an_ampersand_is_replaced() {
        let out = neutralize("&&#xE002; &#&#57346; &#;&#xE001;");
        assert_eq!(out, "&&#xFFFD; &#&#65533; &#;&#xFFFD;");
    }

    #[test]
    fn other_entities_and_text_are_untouched() {
        for s in [
            "&#xE004; &#57343; &#233; &#x; &#xE002 &amp; #xE002;",
            "plain",
        ] {
            assert_eq!(neutralize(s), s);
        }
    }
}
