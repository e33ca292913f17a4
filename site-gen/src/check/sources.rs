//! Where the Markdown of a page writes a link or an id, so that a problem
//! found in the output points at the line to fix (`content/faq.md:14:3`).
//!
//! Everything comes from the build (`BuiltSite::markdown`): the Markdown
//! as it was read, the `@/` paths and URLs of the pages, and the links the
//! renderer recorded with their positions (`@/…`, `/…`, `#…`). What the
//! renderer does not record yet is looked for in the Markdown the build
//! kept: links to other sites and relative links (a pass of pulldown-cmark
//! over the same text), raw HTML (the site's HTML tokenizer) and heading
//! ids (`{#id}`). Once `markdown::LinkRef` covers every link and id, those
//! lookups go.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::diagnostics::line_col;
use crate::html::start_tags;
use crate::markdown::LinkRef;
use crate::site::MarkdownPage;
use crate::urls::percent_decode_lossy;

/// A position in a Markdown file: (line, column).
pub(super) type Position = (usize, usize);

/// The Markdown of the pages made from one.
pub(super) struct Sources<'a> {
    /// `base_url`, without trailing slash.
    base: &'a str,
    /// By output file.
    pages: &'a BTreeMap<String, MarkdownPage>,
    /// URL path by `@/` source path.
    paths: HashMap<&'a str, &'a str>,
}

impl<'a> Sources<'a> {
    pub(super) fn new(base: &'a str, pages: &'a BTreeMap<String, MarkdownPage>) -> Self {
        let paths = pages
            .values()
            .map(|p| (p.source_path.as_str(), p.path.as_str()))
            .collect();
        Sources { base, pages, paths }
    }

    /// No page made from Markdown (unit tests of the output alone).
    #[cfg(test)]
    pub(super) fn none() -> Self {
        static EMPTY: BTreeMap<String, MarkdownPage> = BTreeMap::new();
        Sources {
            base: "",
            pages: &EMPTY,
            paths: HashMap::new(),
        }
    }

    /// The Markdown file output file `output` was made from.
    pub(super) fn file(&self, output: &str) -> Option<&'a Path> {
        self.pages.get(output).map(|p| p.file.as_path())
    }

    /// Where the Markdown of `output` writes a link whose value in the
    /// output is `value` (references decoded); `None` when it does not
    /// (a link of the template, of a shortcode).
    pub(super) fn link(&self, output: &str, value: &str) -> Option<(&'a Path, Vec<Position>)> {
        let page = self.pages.get(output)?;
        let wanted = comparable(value);
        let mut found: Vec<Position> = page
            .links
            .iter()
            .filter(|l| comparable(&self.as_output(l)) == wanted)
            .map(|l| (l.line, l.column))
            .collect();
        let offsets = unrecorded_links(&page.body)
            .filter(|(dest, _)| comparable(dest) == wanted)
            .map(|(_, at)| at);
        found.extend(offsets.map(|at| position(page, at)));
        if found.is_empty() {
            found = raw_html_attrs(&page.body, &["href", "src"])
                .filter(|(v, _)| comparable(v) == wanted)
                .map(|(_, at)| position(page, at))
                .collect();
        }
        found.sort_unstable();
        found.dedup();
        (!found.is_empty()).then_some((page.file.as_path(), found))
    }

    /// Where the Markdown of `output` gives the id `id` a second time (the
    /// first time if it gives it once).
    pub(super) fn duplicate_id(&self, output: &str, id: &str) -> Option<(&'a Path, Position)> {
        let page = self.pages.get(output)?;
        let heading = format!("{{#{id}}}");
        let mut offsets: Vec<usize> = page
            .body
            .match_indices(&heading)
            .map(|(i, _)| i)
            .chain(
                raw_html_attrs(&page.body, &["id"])
                    .filter(|(v, _)| v == id)
                    .map(|(_, at)| at),
            )
            .collect();
        offsets.sort_unstable();
        let at = *offsets.get(1).or(offsets.first())?;
        Some((page.file.as_path(), position(page, at)))
    }

    /// A recorded link as the output writes it (`@/faq.md#a` → the page's
    /// permalink and `#a`).
    fn as_output(&self, link: &LinkRef) -> String {
        let url = if link.by_source_path {
            match self.paths.get(link.target.as_str()) {
                Some(path) => format!("{}{path}", self.base),
                None => format!("@/{}", link.target),
            }
        } else {
            link.target.clone()
        };
        match &link.anchor {
            Some(anchor) => format!("{url}#{anchor}"),
            None => url,
        }
    }
}

/// The file position of byte `at` of `page`'s Markdown.
fn position(page: &MarkdownPage, at: usize) -> Position {
    let (line, column) = line_col(&page.body, at);
    (page.body_line + line - 1, column)
}

/// A URL in a form that compares equal whatever its escaping (and without
/// an empty fragment).
fn comparable(url: &str) -> String {
    let url = url.trim();
    percent_decode_lossy(url.strip_suffix('#').unwrap_or(url))
}

/// Destinations of the Markdown links and images the renderer does not
/// record (other sites, relative URLs), with their offsets.
fn unrecorded_links(body: &str) -> impl Iterator<Item = (String, usize)> + '_ {
    // The extensions of `markdown` (which keeps its set private): those
    // that change where a link is.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES;
    Parser::new_ext(body, options)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !is_recorded(&dest_url) =>
            {
                Some((dest_url.into_string(), range.start))
            }
            _ => None,
        })
}

/// The destinations `markdown` records in `Rendered::links`.
fn is_recorded(dest: &str) -> bool {
    dest.starts_with("@/")
        || (dest.starts_with('#') && dest.len() > 1)
        || (dest.starts_with('/') && !dest.starts_with("//"))
}

/// Values of the attributes `names` in the raw HTML of a Markdown text
/// (decoded), with the offset of the attribute's name.
fn raw_html_attrs<'t>(
    body: &'t str,
    names: &'t [&str],
) -> impl Iterator<Item = (String, usize)> + 't {
    start_tags(body).into_iter().flat_map(move |tag| {
        tag.attrs
            .into_iter()
            .filter(|a| names.contains(&a.name.as_str()))
            .map(|a| (a.value, a.name_offset))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str, links: Vec<LinkRef>) -> BTreeMap<String, MarkdownPage> {
        let faq = MarkdownPage {
            file: "content/faq.md".into(),
            source_path: "faq.md".into(),
            path: "/faq/".into(),
            ..MarkdownPage::default()
        };
        let services = MarkdownPage {
            file: "content/services.md".into(),
            source_path: "services.md".into(),
            path: "/services/".into(),
            body: body.into(),
            body_line: 4,
            links,
        };
        BTreeMap::from([
            ("faq/index.html".to_string(), faq),
            ("services/index.html".to_string(), services),
        ])
    }

    fn recorded(target: &str, anchor: Option<&str>, source: bool, at: Position) -> LinkRef {
        LinkRef {
            target: target.into(),
            anchor: anchor.map(Into::into),
            by_source_path: source,
            line: at.0,
            column: at.1,
        }
    }

    #[test]
    fn links_from_the_build_then_from_the_markdown_kept() {
        let body = "Voir [la FAQ](@/faq.md#q) et [ailleurs](https://autre.example/a%20b).\n\n<a title=x href=\"/nulle&#45;part/\">brut</a>\n";
        let pages = page(
            body,
            vec![
                recorded("faq.md", Some("q"), true, (4, 5)),
                recorded("/faq/", None, false, (9, 9)),
            ],
        );
        let s = Sources::new("https://amie.example", &pages);
        let at = |value: &str| s.link("services/index.html", value).map(|(_, p)| p);
        assert_eq!(at("https://amie.example/faq/#q"), Some(vec![(4, 5)]));
        assert_eq!(at("/faq/#"), Some(vec![(9, 9)]));
        assert_eq!(at("https://autre.example/a b"), Some(vec![(4, 30)]));
        assert_eq!(at("/nulle-part/"), Some(vec![(6, 12)]));
        assert_eq!(at("/ailleurs/"), None);
        assert_eq!(s.link("faq/index.html", "/nulle-part/"), None);
        assert_eq!(
            s.file("services/index.html"),
            Some(Path::new("content/services.md"))
        );
    }

    #[test]
    fn duplicate_ids_in_headings_and_raw_html() {
        let body = "## Un {#caf&eacute;}\n\n<p id=\"caf&eacute;\">x</p>\n## Deux {#deux}\n";
        let pages = page(body, Vec::new());
        let s = Sources::new("https://amie.example", &pages);
        let at = |id: &str| s.duplicate_id("services/index.html", id).map(|(_, p)| p);
        // `{#…}` is Markdown, compared as written; `id="…"` is HTML, decoded.
        assert_eq!(at("café"), Some((6, 4)));
        assert_eq!(at("deux"), Some((7, 9)));
        assert_eq!(at("trois"), None);
    }
}
