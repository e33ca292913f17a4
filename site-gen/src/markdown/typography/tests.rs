//! Tests of the French typography pass.

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

// ----- equivalence with the first implementation ----------------------------

/// Inputs and outputs of the first implementation of this pass (one
/// `Unit` per character), generated from random pieces of French-like
/// Markdown (`PIECES`) when it was replaced by the byte scan: `markdown`
/// as rendered HTML, `plain` through [`french_spacing`].
const CASES: &str = include_str!("cases.json");

#[derive(serde::Deserialize)]
struct Cases {
    markdown: Vec<(String, String)>,
    plain: Vec<(String, String)>,
}

fn render_with(md: &str, f: fn(&mut [Event<'_>])) -> String {
    let opts = Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut events: Vec<_> = Parser::new_ext(md, opts).collect();
    f(&mut events);
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
}

#[test]
fn same_output_as_the_first_implementation() {
    let cases: Cases = serde_json::from_str(CASES).expect("cases.json");
    assert!(cases.markdown.len() > 200 && cases.plain.len() > 100);
    for (input, expected) in &cases.markdown {
        assert_eq!(&render_with(input, apply), expected, "Markdown {input:?}");
    }
    for (input, expected) in &cases.plain {
        assert_eq!(&french_spacing(input), expected, "texte {input:?}");
    }
}

// ----- properties ---------------------------------------------------------------

use proptest::prelude::*;

/// Pieces of French-like Markdown that exercise every rule.
#[rustfmt::skip]
const PIECES: &[&str] = &[
    "a", "é", "x", "Z", "mot", " ", " ", " ", "\u{A0}", "\u{202F}", "\t", ";", ":", "!", "?", "«",
    "»", "“", "”", "\"", "'", "’", "‘", "…", ".", ",", "(", ")", "[", "]", "{", "0", "1", "2", "3",
    "12", "000", "2025", "€", "%", "http://", "https://", "HTTPS://", "www.", "WwW.", "mailto:",
    "ftp://", "h", "w", "m", "f", "/", "\n", "\n\n", "*", "**", "_", "`", "`c`", "- ", "> ", "# ",
    "[l](https://x.fr/?a)", "<https://a.fr/?b>", "<x@y.fr>", "<b>", "</b>", "\\", "&amp;", "&nbsp;",
    "![i](p.png)", "[^1]", "  \n", "```\n", "~~", "| a | b |\n|--|--|\n",
];

fn markdown_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat())
}

/// The text without its spaces, English quotes read as guillemets: what
/// the pass must never change.
fn skeleton(s: &str) -> String {
    s.chars()
        .filter(|&c| !matches!(c, ' ' | '\u{A0}' | NNBSP))
        .map(|c| match c {
            '“' => '«',
            '”' => '»',
            c => c,
        })
        .collect()
}

proptest! {
    #[test]
    fn only_spaces_and_quotes_change(s in markdown_like()) {
        prop_assert_eq!(skeleton(&french_spacing(&s)), skeleton(&s));
        prop_assert_eq!(skeleton(&render_with(&s, apply)), skeleton(&render_with(&s, |_| {})));
    }

    #[test]
    fn any_text_is_handled(s in "\\PC*", md in "(\\PC|[ \n*`_«»“”:;!?0-9])*") {
        let _ = french_spacing(&s);
        let _ = render_with(&md, apply);
    }
}
