//! Where the Markdown of a page writes a link or an id, so that a problem
//! found in the output points at the line to fix (`content/faq.md:14:3`).
//!
//! Everything comes from the build (`BuiltSite::markdown`): the Markdown
//! renderer records, while it renders, every link and image destination as
//! the HTML gets it, the `href`, `src` and `id` of the raw HTML, and the
//! heading ids, each with its line and column (`markdown::Places`).

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::markdown::Place;
use crate::site::MarkdownPage;
use crate::urls::percent_decode_lossy;

/// A position in a Markdown file: (line, column).
pub(super) type Position = (usize, usize);

/// The Markdown of the pages made from one.
pub(super) struct Sources<'a> {
    /// By output file.
    pages: &'a BTreeMap<String, MarkdownPage>,
    /// What a page's Markdown writes, indexed when a first problem asks.
    found: HashMap<&'a str, OnceCell<Found>>,
}

/// The links and ids a page's Markdown writes, by value.
#[derive(Default)]
struct Found {
    /// The positions of every link, by URL in comparable form.
    links: HashMap<String, Vec<Position>>,
    /// The same for `href` and `src` of the raw HTML.
    raw_links: HashMap<String, Vec<Position>>,
    /// The positions of the ids given by heading attributes (`{#id}`) and
    /// by raw HTML (`id="…"`), by id.
    ids: HashMap<String, Vec<Position>>,
}

impl<'a> Sources<'a> {
    pub(super) fn new(pages: &'a BTreeMap<String, MarkdownPage>) -> Self {
        let found = pages
            .keys()
            .map(|k| (k.as_str(), OnceCell::new()))
            .collect();
        Sources { pages, found }
    }

    /// No page made from Markdown (unit tests of the output alone).
    #[cfg(test)]
    pub(super) fn none() -> Self {
        static EMPTY: BTreeMap<String, MarkdownPage> = BTreeMap::new();
        Sources::new(&EMPTY)
    }

    /// The Markdown file output file `output` was made from.
    pub(super) fn file(&self, output: &str) -> Option<&'a Path> {
        self.pages.get(output).map(|p| p.file.as_path())
    }

    /// Where the Markdown of `output` writes a link whose value in the
    /// output is `value` (references decoded); `None` when it does not
    /// (a link of the template, of a shortcode).
    pub(super) fn link(&self, output: &str, value: &str) -> Option<(&'a Path, Vec<Position>)> {
        let (page, found) = self.page(output)?;
        let wanted = comparable(value);
        let mut at = match found.links.get(&wanted) {
            Some(at) => at.clone(),
            None => found.raw_links.get(&wanted).cloned().unwrap_or_default(),
        };
        at.sort_unstable();
        at.dedup();
        (!at.is_empty()).then_some((page.file.as_path(), at))
    }

    /// Where the Markdown of `output` gives the id `id` a second time (the
    /// first time if it gives it once).
    pub(super) fn duplicate_id(&self, output: &str, id: &str) -> Option<(&'a Path, Position)> {
        let (page, found) = self.page(output)?;
        let mut at = found.ids.get(id)?.clone();
        at.sort_unstable();
        let at = *at.get(1).or(at.first())?;
        Some((page.file.as_path(), at))
    }

    /// The page made from Markdown published as `output`, and what its
    /// Markdown writes.
    fn page(&self, output: &str) -> Option<(&'a MarkdownPage, &Found)> {
        let page = self.pages.get(output)?;
        let found = self.found.get(output)?.get_or_init(|| Found::of(page));
        Some((page, found))
    }
}

impl Found {
    /// What `page`'s Markdown writes, indexed (once per page).
    fn of(page: &MarkdownPage) -> Found {
        let places = &page.places;
        Found {
            links: by_value(&places.links, comparable),
            raw_links: by_value(&places.raw_links, comparable),
            ids: by_value(&places.ids, str::to_string),
        }
    }
}

/// The positions of `places` by their value, as `key` gives it.
fn by_value(places: &[Place], key: impl Fn(&str) -> String) -> HashMap<String, Vec<Position>> {
    let mut found: HashMap<String, Vec<Position>> = HashMap::new();
    for place in places {
        let at = (place.line, place.column);
        found.entry(key(&place.value)).or_default().push(at);
    }
    found
}

/// A URL in a form that compares equal whatever its escaping (and without
/// an empty fragment).
fn comparable(url: &str) -> String {
    let url = url.trim();
    percent_decode_lossy(url.strip_suffix('#').unwrap_or(url))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Places;

    fn place(value: &str, (line, column): Position) -> Place {
        Place {
            value: value.into(),
            line,
            column,
        }
    }

    fn pages(places: Places) -> BTreeMap<String, MarkdownPage> {
        let faq = MarkdownPage {
            file: "content/faq.md".into(),
            ..MarkdownPage::default()
        };
        let services = MarkdownPage {
            file: "content/services.md".into(),
            places,
        };
        BTreeMap::from([
            ("faq/index.html".to_string(), faq),
            ("services/index.html".to_string(), services),
        ])
    }

    #[test]
    fn links_compare_whatever_their_escaping() {
        let pages = pages(Places {
            links: vec![
                place("https://amie.example/faq/#q", (4, 5)),
                place("/faq/", (9, 9)),
                place("https://autre.example/a%20b", (4, 30)),
                place("/deux-fois/", (7, 1)),
                place("/deux-fois/", (5, 2)),
            ],
            raw_links: vec![place("/nulle-part/", (6, 12)), place("/faq/", (6, 40))],
            ids: Vec::new(),
        });
        let s = Sources::new(&pages);
        let at = |value: &str| s.link("services/index.html", value).map(|(_, p)| p);
        assert_eq!(at("https://amie.example/faq/#q"), Some(vec![(4, 5)]));
        // A link written in Markdown is found there before the raw HTML.
        assert_eq!(at("/faq/#"), Some(vec![(9, 9)]));
        assert_eq!(at("https://autre.example/a b"), Some(vec![(4, 30)]));
        assert_eq!(at("/deux-fois/"), Some(vec![(5, 2), (7, 1)]));
        assert_eq!(at("/nulle-part/"), Some(vec![(6, 12)]));
        assert_eq!(at("/ailleurs/"), None);
        assert_eq!(s.link("faq/index.html", "/nulle-part/"), None);
        assert_eq!(s.link("absente/index.html", "/faq/"), None);
        assert_eq!(
            s.file("services/index.html"),
            Some(Path::new("content/services.md"))
        );
    }

    #[test]
    fn a_duplicate_id_is_its_second_place() {
        let pages = pages(Places {
            ids: vec![
                place("café", (6, 4)),
                place("deux", (7, 9)),
                place("café", (3, 8)),
                place("caf&eacute;", (3, 1)),
            ],
            ..Places::default()
        });
        let s = Sources::new(&pages);
        let at = |id: &str| s.duplicate_id("services/index.html", id).map(|(_, p)| p);
        assert_eq!(at("café"), Some((6, 4)));
        assert_eq!(at("deux"), Some((7, 9)));
        assert_eq!(at("trois"), None);
    }
}
