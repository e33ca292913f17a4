//! Every figure of the pricing model on the shipped site follows
//! `content/tarifs.toml`: built again with other numbers, no page shows a
//! figure that only the old data gave, and the main pages show the new ones.
//! Dated news posts keep the figures of their day and are left out.

// Amounts are written `euros_cents` (`2_500_00` = 2 500 €) on purpose.
#![allow(clippy::inconsistent_digit_grouping)]

use std::collections::{BTreeMap, BTreeSet};

use calculator::figures::{Figure, Value};
use calculator::Model;
use e2e::html::Page;
use e2e::site::{self, repo_root};

/// The text of every page but the dated news, after a build of the shipped
/// site whose data file went through `edit`.
fn pages_with(edit: impl Fn(&str) -> String) -> (Model, BTreeMap<String, String>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site::copy_site_sources(&root).unwrap();
    let data = root.join("content/tarifs.toml");
    let text = std::fs::read_to_string(&data).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changes the data file");
    std::fs::write(&data, edited).unwrap();
    let built = site::build(&site_gen::BuildOptions {
        root: root.clone(),
        include_drafts: false,
        base_url: Some("https://e2e.example".into()),
        widget: false,
        image_cache: None,
    })
    .unwrap_or_else(|e| panic!("{e:#}"));
    let news: BTreeSet<&str> = built
        .markdown
        .iter()
        .map(|(out, page)| (out, &page.file))
        .filter(|(_, src)| src.starts_with("content/actualites") && !src.ends_with("_index.md"))
        .map(|(out, _)| out.as_str())
        .collect();
    let pages = built
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".html") && !news.contains(path.as_str()))
        .map(|(path, bytes)| {
            let page = String::from_utf8(bytes.clone()).expect("UTF-8 HTML");
            (path.clone(), Page::parse(&page).text())
        })
        .collect();
    let model = site::pricing_model(&root).unwrap();
    (model, pages)
}

/// `key = value` set in the data file (the first such line).
fn set(key: &str, value: &str) -> impl Fn(&str) -> String {
    let (key, value) = (key.to_string(), value.to_string());
    move |text: &str| {
        let mut done = false;
        text.lines()
            .map(|line| {
                if !done && line.starts_with(&format!("{key} =")) {
                    done = true;
                    format!("{key} = {value}")
                } else {
                    line.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Amounts, days and parts as a page shows them, blanks removed, so
/// `2 000 €`, `2 000 €` and `2000 €` compare alike.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\n'))
        .collect()
}

/// Whether `text` (squeezed) holds `figure` (squeezed) as a whole number:
/// `9jours` is not found in `19jours`, nor `2000€` in `12000€`.
fn shows(text: &str, figure: &str) -> bool {
    text.match_indices(figure).any(|(i, _)| {
        !text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || c == ',' || c == '.')
    })
}

/// Every figure text of `model` (euros, days, parts), squeezed.
fn figure_texts(model: &Model) -> BTreeSet<String> {
    Figure::every_value(model)
        .into_iter()
        .filter(|(_, v)| matches!(v, Value::Money(_) | Value::Days(_) | Value::Parts(_)))
        .filter(|(_, v)| !matches!(v, Value::Money(0) | Value::Days(0)))
        .map(|(_, v)| squeeze(&v.show(true)))
        .collect()
}

/// No page shows a figure of `old` that `new` does not give.
fn assert_no_stale_figure(old: &Model, new: &Model, pages: &BTreeMap<String, String>) {
    let now = figure_texts(new);
    let stale: Vec<String> = figure_texts(old).difference(&now).cloned().collect();
    assert!(!stale.is_empty(), "the edit changes some figures");
    let mut found = Vec::new();
    for (path, text) in pages {
        let text = squeeze(text);
        for figure in &stale {
            if shows(&text, figure) {
                found.push(format!("{path}: {figure}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "figures typed by hand that did not follow the data file:\n{}",
        found.join("\n")
    );
}

const MAIN_PAGES: [&str; 4] = [
    "index.html",
    "combien-ca-coute/index.html",
    "faq/index.html",
    "adherer/index.html",
];

#[test]
fn dearer_salaries_change_every_price() {
    let published = site::pricing_model(&repo_root()).unwrap();
    let (model, pages) = pages_with(set("salaires_par_an", "26000"));
    assert_eq!(model.part_price(), 2_500_00, "26 000 + 4 000 over 12 parts");
    assert_no_stale_figure(&published, &model, &pages);
    for page in MAIN_PAGES {
        let text = squeeze(&pages[page]);
        assert!(shows(&text, "2500€"), "{page} shows the new part price");
    }
    let pricing = squeeze(&pages["combien-ca-coute/index.html"]);
    for figure in ["30000€", "26000€", "208,33€"] {
        assert!(shows(&pricing, figure), "the pricing page shows {figure}");
    }
}

#[test]
fn fewer_parts_change_prices_and_days() {
    let published = site::pricing_model(&repo_root()).unwrap();
    let (model, pages) = pages_with(set("parts", "10"));
    // 24 000 € over 10 parts; 108 days over 10 parts.
    assert_eq!(model.part_price(), 2_400_00);
    assert_eq!(model.days_per_part(), 10_80);
    assert_no_stale_figure(&published, &model, &pages);
    for page in MAIN_PAGES {
        let text = squeeze(&pages[page]);
        assert!(shows(&text, "2400€"), "{page} shows the new part price");
    }
    let pricing = squeeze(&pages["combien-ca-coute/index.html"]);
    assert!(
        shows(&pricing, "10,8jours"),
        "days per part on the pricing page"
    );
}
