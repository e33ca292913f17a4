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

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag};

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
    /// What a page's Markdown writes, read when a first problem asks.
    found: HashMap<&'a str, OnceCell<Found>>,
}

/// The links and ids a page's Markdown writes.
#[derive(Default)]
struct Found {
    /// The positions of every link (recorded by the build or not), by URL
    /// in comparable form.
    links: HashMap<String, Vec<Position>>,
    /// The same for `href` and `src` of the raw HTML.
    raw_links: HashMap<String, Vec<Position>>,
    /// The offsets of the ids given by heading attributes (`{#id}`) and
    /// by raw HTML (`id="…"`), by id.
    ids: HashMap<String, Vec<usize>>,
}

impl<'a> Sources<'a> {
    pub(super) fn new(base: &'a str, pages: &'a BTreeMap<String, MarkdownPage>) -> Self {
        let paths = pages
            .values()
            .map(|p| (p.source_path.as_str(), p.path.as_str()))
            .collect();
        let found = pages
            .keys()
            .map(|k| (k.as_str(), OnceCell::new()))
            .collect();
        Sources {
            base,
            pages,
            paths,
            found,
        }
    }

    /// No page made from Markdown (unit tests of the output alone).
    #[cfg(test)]
    pub(super) fn none() -> Self {
        static EMPTY: BTreeMap<String, MarkdownPage> = BTreeMap::new();
        Sources {
            base: "",
            pages: &EMPTY,
            paths: HashMap::new(),
            found: HashMap::new(),
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
        let mut offsets = found.ids.get(id)?.clone();
        offsets.sort_unstable();
        let at = *offsets.get(1).or(offsets.first())?;
        Some((page.file.as_path(), position(page, at)))
    }

    /// The page made from Markdown published as `output`, and what its
    /// Markdown writes.
    fn page(&self, output: &str) -> Option<(&'a MarkdownPage, &Found)> {
        let page = self.pages.get(output)?;
        let found = self.found.get(output)?.get_or_init(|| self.find(page));
        Some((page, found))
    }

    /// Reads what `page`'s Markdown writes (once per page).
    fn find(&self, page: &MarkdownPage) -> Found {
        let lines = Lines::new(&page.body, page.body_line);
        let recorded = page.links.iter().map(|l| {
            let url = comparable(&self.as_output(l));
            (url, (l.line, l.column))
        });
        let unrecorded =
            unrecorded_links(&page.body).map(|(dest, at)| (comparable(&dest), lines.position(at)));
        let mut found = Found::default();
        for (url, at) in recorded.chain(unrecorded) {
            found.links.entry(url).or_default().push(at);
        }
        // `{#id}`: an id ends at `}`; a space or `{` first means it is no
        // heading attribute (which also keeps this scan linear).
        for (at, _) in page.body.match_indices("{#") {
            let rest = &page.body[at + 2..];
            let end = rest.find(|c: char| c == '}' || c == '{' || c.is_whitespace());
            if let Some(end) = end.filter(|&e| rest[e..].starts_with('}')) {
                let id = rest[..end].to_string();
                found.ids.entry(id).or_default().push(at);
            }
        }
        for tag in start_tags(&page.body) {
            for attr in tag.attrs {
                match attr.name.as_str() {
                    "href" | "src" => {
                        let at = lines.position(attr.name_offset);
                        let url = comparable(&attr.value);
                        found.raw_links.entry(url).or_default().push(at);
                    }
                    "id" => found
                        .ids
                        .entry(attr.value)
                        .or_default()
                        .push(attr.name_offset),
                    _ => {}
                }
            }
        }
        found
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
    Lines::new(&page.body, page.body_line).position(at)
}

/// Byte offsets of a text → positions in its file (line, column in
/// characters), each in the time of its line.
struct Lines<'t> {
    text: &'t str,
    /// Where each line starts.
    starts: Vec<usize>,
    first_line: usize,
}

impl<'t> Lines<'t> {
    /// `text` starts at line `first_line` of its file.
    fn new(text: &'t str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines {
            text,
            starts,
            first_line,
        }
    }

    fn position(&self, at: usize) -> Position {
        let at = at.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= at) - 1;
        let start = self.starts[line];
        let column = self.text.get(start..at).map_or(0, |s| s.chars().count()) + 1;
        (self.first_line + line, column)
    }
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
    fn lines_agree_with_the_diagnostics() {
        let text = "é\nab\r\n\nçà x\n";
        let lines = Lines::new(text, 3);
        for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let (line, column) = crate::diagnostics::line_col(text, at);
            assert_eq!(lines.position(at), (line + 2, column), "{at}");
        }
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
