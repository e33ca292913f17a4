//! French typography: a narrow no-break space (U+202F) before `; : ! ?` and
//! inside « guillemets », and smart English quotes “ ” turned into « ».
//!
//! Works on the text of each block as a whole (across emphasis and links,
//! so `**Attention**!` gets its space), and only on text: code spans, code
//! blocks, raw HTML and link URLs are never touched; neither are URLs written
//! in the text (`https://…`) nor times like `10:30` (a `:` or `?` only gets a
//! space when a space, the end of the block or another punctuation follows).

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

/// U+202F NARROW NO-BREAK SPACE.
pub(crate) const NNBSP: char = '\u{202F}';

/// Who a character of the block belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// The `Text` event of that index: the character may be changed.
    Text(usize),
    /// Something else (inline code, line break...): only looked at.
    Atom,
}

#[derive(Debug, Clone, Copy)]
struct Unit {
    c: char,
    owner: Owner,
    /// Inside a URL written in the text.
    protected: bool,
}

impl Unit {
    fn editable(&self) -> bool {
        matches!(self.owner, Owner::Text(_)) && !self.protected
    }
}

/// Stand-in for an atom that reads like a word (inline code, footnote mark).
const WORD_ATOM: char = 'a';
/// Stand-in for an atom that reads like a space (line break).
const SPACE_ATOM: char = '\n';

/// Applies French typography to the `Text` events (in place).
pub(crate) fn apply(events: &mut [Event<'_>]) {
    let mut units: Vec<Unit> = Vec::new();
    let mut in_code_block = false;
    let mut in_html_block = false;
    let mut in_autolink = false;
    for i in 0..events.len() {
        let atom = |c| Unit {
            c,
            owner: Owner::Atom,
            protected: false,
        };
        match &events[i] {
            Event::Text(t) => {
                if in_code_block || in_html_block {
                    continue;
                }
                if in_autolink {
                    units.push(atom(WORD_ATOM));
                } else {
                    units.extend(t.chars().map(|c| Unit {
                        c,
                        owner: Owner::Text(i),
                        protected: false,
                    }));
                }
            }
            Event::Code(_) | Event::FootnoteReference(_) | Event::InlineMath(_) => {
                units.push(atom(WORD_ATOM))
            }
            Event::SoftBreak | Event::HardBreak => units.push(atom(SPACE_ATOM)),
            // Raw inline HTML is left alone and does not separate words.
            Event::InlineHtml(_) => {}
            Event::Start(Tag::Link { link_type, .. }) => {
                in_autolink = matches!(link_type, LinkType::Autolink | LinkType::Email);
            }
            Event::End(TagEnd::Link) => in_autolink = false,
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Image { .. },
            )
            | Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Image,
            ) => {}
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut units, events);
                in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
            }
            Event::Start(Tag::HtmlBlock) => {
                flush(&mut units, events);
                in_html_block = true;
            }
            Event::End(TagEnd::HtmlBlock) => in_html_block = false,
            // Any other block boundary.
            _ => flush(&mut units, events),
        }
    }
    flush(&mut units, events);
}

/// Transforms the block's characters and writes them back to their events.
fn flush(units: &mut Vec<Unit>, events: &mut [Event<'_>]) {
    if units.is_empty() {
        return;
    }
    let out = transform(units);
    units.clear();
    let mut current: Option<(usize, String)> = None;
    for unit in out {
        let Owner::Text(idx) = unit.owner else {
            continue;
        };
        match &mut current {
            Some((i, s)) if *i == idx => s.push(unit.c),
            _ => {
                if let Some((i, s)) = current.take() {
                    write_back(events, i, s);
                }
                current = Some((idx, unit.c.to_string()));
            }
        }
    }
    if let Some((i, s)) = current {
        write_back(events, i, s);
    }
}

fn write_back(events: &mut [Event<'_>], idx: usize, text: String) {
    if let Some(event @ Event::Text(_)) = events.get_mut(idx) {
        if !matches!(event, Event::Text(t) if **t == *text) {
            *event = Event::Text(text.into());
        }
    }
}

/// French spacing of a plain string (one block of text), e.g. a title.
pub fn french_spacing(s: &str) -> String {
    let units: Vec<Unit> = s
        .chars()
        .map(|c| Unit {
            c,
            owner: Owner::Text(0),
            protected: false,
        })
        .collect();
    transform(&units).into_iter().map(|u| u.c).collect()
}

/// Starts of URLs written in text.
const URL_PREFIXES: [&str; 5] = ["https://", "http://", "ftp://", "mailto:", "www."];

fn starts_with_at(units: &[Unit], i: usize, prefix: &str) -> bool {
    let mut k = i;
    for p in prefix.chars() {
        match units.get(k) {
            Some(u) if u.c.to_ascii_lowercase() == p && matches!(u.owner, Owner::Text(_)) => k += 1,
            _ => return false,
        }
    }
    true
}

fn mark_urls(units: &mut [Unit]) {
    let mut i = 0;
    while i < units.len() {
        let at_word_start = i == 0 || !units[i - 1].c.is_alphanumeric();
        if at_word_start
            && matches!(units[i].c, 'h' | 'H' | 'f' | 'F' | 'm' | 'M' | 'w' | 'W')
            && URL_PREFIXES.iter().any(|p| starts_with_at(units, i, p))
        {
            while let Some(u) = units.get_mut(i) {
                if u.c.is_whitespace() || u.owner == Owner::Atom {
                    break;
                }
                u.protected = true;
                i += 1;
            }
        } else {
            i += 1;
        }
    }
}

/// May a `; : ! ?` followed by this get a space before it?
fn ends_phrase(next: Option<&Unit>) -> bool {
    match next {
        None => true,
        Some(u) => {
            u.c.is_whitespace()
                || matches!(
                    u.c,
                    '!' | '?' | '.' | ',' | ')' | ']' | '»' | '”' | '"' | '’' | '\'' | '…'
                )
        }
    }
}

/// After these, no space is added before `; : ! ?` (`?!`, `(?)`, `« ?`).
fn opens_or_punct(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | '[' | '{' | '«' | '“' | '‘' | ';' | ':' | '!' | '?')
}

fn space_before(out: &mut Vec<Unit>, owner: Owner) {
    match out.last_mut() {
        None => {}
        Some(prev) if matches!(prev.c, ' ' | '\u{A0}') && prev.editable() => prev.c = NNBSP,
        Some(prev) if prev.c == NNBSP || opens_or_punct(prev.c) => {}
        Some(_) => out.push(Unit {
            c: NNBSP,
            owner,
            protected: false,
        }),
    }
}

/// Is a space after `before` and before `after` inside a number (`24 000`)
/// or between a number and its unit (`2 000 €`, `15 %`)?
fn keeps_number_together(before: &[Unit], after: &[Unit]) -> bool {
    if !before.last().is_some_and(|u| u.c.is_ascii_digit()) {
        return false;
    }
    match after.first().map(|u| u.c) {
        Some('€' | '%') => true,
        Some(c) if c.is_ascii_digit() => {
            // Groups of three after a lead of at most three: not `2025 120`.
            let lead = before
                .iter()
                .rev()
                .take_while(|u| u.c.is_ascii_digit())
                .count();
            let digits = after.iter().take_while(|u| u.c.is_ascii_digit()).count();
            lead <= 3 && digits == 3
        }
        _ => false,
    }
}

fn transform(input: &[Unit]) -> Vec<Unit> {
    let mut units = input.to_vec();
    for u in units
        .iter_mut()
        .filter(|u| matches!(u.owner, Owner::Text(_)))
    {
        match u.c {
            '“' => u.c = '«',
            '”' => u.c = '»',
            _ => {}
        }
    }
    mark_urls(&mut units);

    let mut out: Vec<Unit> = Vec::with_capacity(units.len() + units.len() / 16);
    // The space after a « must become a narrow one.
    let mut narrow_next_space = false;
    for (i, &u) in units.iter().enumerate() {
        if narrow_next_space {
            narrow_next_space = false;
            if matches!(u.c, ' ' | '\u{A0}') && u.editable() {
                out.push(Unit { c: NNBSP, ..u });
                continue;
            }
        }
        if !u.editable() {
            out.push(u);
            continue;
        }
        match u.c {
            ';' | ':' | '!' | '?' if ends_phrase(units.get(i + 1)) => {
                space_before(&mut out, u.owner);
                out.push(u);
            }
            '«' => {
                out.push(u);
                match units.get(i + 1) {
                    Some(next) if matches!(next.c, ' ' | '\u{A0}') && next.editable() => {
                        narrow_next_space = true;
                    }
                    Some(next) if !next.c.is_whitespace() => out.push(Unit {
                        c: NNBSP,
                        owner: u.owner,
                        protected: false,
                    }),
                    _ => {}
                }
            }
            ' ' if keeps_number_together(&out, &units[i + 1..]) => {
                // `24 000 €`: never split a number or its unit across lines.
                let c = if units.get(i + 1).is_some_and(|n| n.c.is_ascii_digit()) {
                    NNBSP
                } else {
                    '\u{A0}'
                };
                out.push(Unit { c, ..u });
            }
            '»' => {
                match out.last_mut() {
                    None => {}
                    Some(prev) if matches!(prev.c, ' ' | '\u{A0}') && prev.editable() => {
                        prev.c = NNBSP
                    }
                    Some(prev) if prev.c.is_whitespace() => {}
                    Some(_) => out.push(Unit {
                        c: NNBSP,
                        owner: u.owner,
                        protected: false,
                    }),
                }
                out.push(u);
            }
            _ => out.push(u),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Options, Parser};

    fn fr(s: &str) -> String {
        french_spacing(s).replace(NNBSP, "_")
    }

    #[test]
    fn punctuation() {
        assert_eq!(fr("Attention !"), "Attention_!");
        assert_eq!(fr("Attention!"), "Attention_!");
        assert_eq!(
            fr("Vraiment ? Oui ; non : peut-être"),
            "Vraiment_? Oui_; non_: peut-être"
        );
        assert_eq!(fr("Quoi ?!"), "Quoi_?!");
        assert_eq!(fr("Quoi?!!"), "Quoi_?!!");
        assert_eq!(fr("Prix\u{A0}: 10 €"), "Prix_: 10\u{a0}€");
        assert_eq!(fr("Déjà\u{202F}!"), "Déjà_!");
        assert_eq!(fr("(?)"), "(?)");
        assert_eq!(fr("? au début"), "? au début");
    }

    #[test]
    fn guillemets() {
        assert_eq!(fr("« bonjour »"), "«_bonjour_»");
        assert_eq!(fr("«bonjour»"), "«_bonjour_»");
        assert_eq!(fr("«\u{A0}bonjour\u{A0}»"), "«_bonjour_»");
        assert_eq!(fr("“bonjour”"), "«_bonjour_»");
        assert_eq!(fr("«_ok_»".replace('_', "\u{202F}").as_str()), "«_ok_»");
    }

    #[test]
    fn numbers_and_their_units_stay_together() {
        assert_eq!(fr("24 000 € par an"), "24_000\u{a0}€ par an");
        assert_eq!(fr("1 234 567 parts"), "1_234_567 parts");
        assert_eq!(fr("15 % du temps"), "15\u{a0}% du temps");
        assert_eq!(fr("en 2025 12 parts"), "en 2025 12 parts");
        assert_eq!(fr("en 2025 120 parts"), "en 2025 120 parts");
    }

    #[test]
    fn numbers_urls_and_smileys_untouched() {
        assert_eq!(fr("À 10:30, ratio 3:2."), "À 10:30, ratio 3:2.");
        assert_eq!(
            fr("Voir https://exemple.fr/a?b=1&c=2#x: ou www.amie.fr/?q! ok"),
            "Voir https://exemple.fr/a?b=1&c=2#x: ou www.amie.fr/?q! ok"
        );
        assert_eq!(fr("Écrire à mailto:x@y.fr !"), "Écrire à mailto:x@y.fr_!");
        assert_eq!(fr("std::vec et a:b"), "std::vec et a:b");
        assert_eq!(fr("Super ;-)"), "Super ;-)");
    }

    fn render(md: &str) -> String {
        let opts = Options::ENABLE_SMART_PUNCTUATION;
        let mut events: Vec<_> = Parser::new_ext(md, opts).collect();
        apply(&mut events);
        let mut out = String::new();
        html::push_html(&mut out, events.into_iter());
        out.replace(NNBSP, "_")
    }

    #[test]
    fn across_inline_markup() {
        assert_eq!(
            render("**Attention**!"),
            "<p><strong>Attention</strong>_!</p>\n"
        );
        assert_eq!(render("Il a dit \"oui\" !"), "<p>Il a dit «_oui_»_!</p>\n");
        assert_eq!(
            render("*Note* : [voir](https://x.fr/?a=b) ?"),
            "<p><em>Note</em>_: <a href=\"https://x.fr/?a=b\">voir</a>_?</p>\n"
        );
        assert_eq!(
            render("le `code`: oui"),
            "<p>le <code>code</code>_: oui</p>\n"
        );
    }

    #[test]
    fn code_and_html_untouched() {
        assert_eq!(
            render("`a : b ?` ok !"),
            "<p><code>a : b ?</code> ok_!</p>\n"
        );
        assert_eq!(
            render("```\nx : y ?\n« z »\n```\n"),
            "<pre><code>x : y ?\n« z »\n</code></pre>\n"
        );
        assert_eq!(
            render("<div title=\"a : b !\">\n\nTexte !\n\n</div>\n"),
            "<div title=\"a : b !\">\n<p>Texte_!</p>\n</div>\n"
        );
        assert_eq!(
            render("x <span title=\"a : b\">y</span> !"),
            "<p>x <span title=\"a : b\">y</span>_!</p>\n"
        );
        assert_eq!(
            render("<https://exemple.fr/a?b> !"),
            "<p><a href=\"https://exemple.fr/a?b\">https://exemple.fr/a?b</a>_!</p>\n"
        );
    }

    #[test]
    fn blocks_are_separate() {
        assert_eq!(render("a\n\n! b"), "<p>a</p>\n<p>! b</p>\n");
        assert_eq!(
            render("- Oui\n- ? non"),
            "<ul>\n<li>Oui</li>\n<li>? non</li>\n</ul>\n"
        );
    }
}
