//! Heading ids (custom `{#id}` or slug of the text, unique in the page) and
//! the nested table of contents.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::shortcodes::strip_placeholders;
use super::Heading;
use crate::content::front_matter::AnchorLinks;
use crate::slug::slugify;

/// Id given to a heading whose text has no letter or digit.
const FALLBACK_ID: &str = "section";

/// A heading found in the events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundHeading {
    /// Index of its `Start(Heading)` event.
    pub(crate) event: usize,
    pub(crate) level: u8,
    pub(crate) custom_id: Option<String>,
    /// Plain text (text and inline code, without shortcodes).
    pub(crate) title: String,
}

/// Plain text of the events (text and inline code; shortcodes removed).
pub(crate) fn plain_text<'e, 'a: 'e>(events: impl IntoIterator<Item = &'e Event<'a>>) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    strip_placeholders(text.trim()).trim().to_string()
}

/// Headings of the events, in order (headings do not nest).
pub(crate) fn find(events: &[Event<'_>]) -> Vec<FoundHeading> {
    let mut found = Vec::new();
    let mut open: Option<(usize, u8, Option<String>)> = None;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                // A shortcode written in `{#…}` is no part of the id.
                let id = id
                    .as_ref()
                    .map(|id| strip_placeholders(id))
                    .filter(|id| !id.is_empty());
                open = Some((i, *level as u8, id));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((start, level, custom_id)) = open.take() {
                    found.push(FoundHeading {
                        event: start,
                        level,
                        custom_id,
                        title: plain_text(events.get(start + 1..i).unwrap_or_default()),
                    });
                }
            }
            _ => {}
        }
    }
    found
}

/// Where the attributes (`{#id .classe}`) of the heading written at
/// `range` of `text` start: at the last `{` (they end the heading's text),
/// else at the heading.
pub(crate) fn attributes_offset(text: &str, range: &Range<usize>) -> usize {
    let written = text.get(range.clone()).unwrap_or_default();
    range.start + written.rfind('{').unwrap_or(0)
}

/// Ids of the headings: custom ids as given, others the slug of the title
/// made unique with `-1`, `-2`… Custom ids are reserved first, so an
/// automatic id never takes one. Returns the ids and the indices (in
/// `headings`) of custom ids already used by an earlier heading.
pub(crate) fn assign_ids(headings: &[FoundHeading]) -> (Vec<String>, Vec<usize>) {
    let mut taken: HashSet<String> = HashSet::new();
    let mut duplicates = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        if let Some(id) = &h.custom_id {
            if !taken.insert(id.clone()) {
                duplicates.push(i);
            }
        }
    }
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let ids = headings
        .iter()
        .map(|h| {
            if let Some(id) = &h.custom_id {
                return id.clone();
            }
            let mut base = slugify(&h.title);
            if base.is_empty() {
                base = FALLBACK_ID.to_string();
            }
            if taken.insert(base.clone()) {
                return base;
            }
            let counter = next_suffix.entry(base.clone()).or_insert(1);
            loop {
                let candidate = format!("{base}-{counter}");
                *counter += 1;
                if taken.insert(candidate.clone()) {
                    return candidate;
                }
            }
        })
        .collect();
    (ids, duplicates)
}

/// Nests the headings by level (a heading holds the following headings of a
/// deeper level). Iterative: depth is bounded by the 6 heading levels.
pub(crate) fn build_toc(flat: impl IntoIterator<Item = Heading>) -> Vec<Heading> {
    fn attach(done: Heading, stack: &mut [Heading], root: &mut Vec<Heading>) {
        match stack.last_mut() {
            Some(parent) => parent.children.push(done),
            None => root.push(done),
        }
    }
    let mut root = Vec::new();
    let mut stack: Vec<Heading> = Vec::new();
    for heading in flat {
        while stack.last().is_some_and(|top| top.level >= heading.level) {
            if let Some(done) = stack.pop() {
                attach(done, &mut stack, &mut root);
            }
        }
        stack.push(heading);
    }
    while let Some(done) = stack.pop() {
        attach(done, &mut stack, &mut root);
    }
    root
}

/// Adds to every heading a `#` link to itself (Zola's
/// `insert_anchor_links`): before its text (`left`), after it (`right`),
/// or around it (`heading`). The link's French `aria-label` names its
/// heading, so a screen reader does not read a lone « # ». Headings
/// without an id are left as they are.
pub(crate) fn insert_anchor_links(events: Vec<Event<'_>>, mode: AnchorLinks) -> Vec<Event<'_>> {
    if mode == AnchorLinks::None {
        return events;
    }
    let titles: Vec<String> = find(&events).into_iter().map(|h| h.title).collect();
    let mut out = Vec::with_capacity(events.len() + 2 * titles.len());
    let mut titles = titles.iter();
    // The id and title of the heading being copied.
    let mut open: Option<(String, &str)> = None;
    for event in events {
        match &event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => {
                let id = id.to_string();
                let title = titles.next().map_or("", String::as_str);
                out.push(event);
                match mode {
                    AnchorLinks::Left => {
                        out.push(link(&id, title));
                        out.push(Event::InlineHtml(CowStr::from(" ")));
                    }
                    AnchorLinks::Heading => out.push(Event::InlineHtml(CowStr::from(format!(
                        "<a class=\"zola-anchor\" href=\"#{}\">",
                        escape(&id)
                    )))),
                    AnchorLinks::Right | AnchorLinks::None => {}
                }
                open = Some((id, title));
            }
            Event::Start(Tag::Heading { .. }) => {
                titles.next();
                out.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                match (open.take(), mode) {
                    (Some((id, title)), AnchorLinks::Right) => {
                        out.push(Event::InlineHtml(CowStr::from(" ")));
                        out.push(link(&id, title));
                    }
                    (Some(_), AnchorLinks::Heading) => {
                        out.push(Event::InlineHtml(CowStr::from("</a>")));
                    }
                    _ => {}
                }
                out.push(event);
            }
            _ => out.push(event),
        }
    }
    out
}

/// The `#` link to the heading `id` titled `title`.
fn link(id: &str, title: &str) -> Event<'static> {
    let label = if title.is_empty() {
        "Lien vers cette section".to_string()
    } else {
        format!("Lien vers la section « {title} »")
    };
    Event::InlineHtml(CowStr::from(format!(
        "<a class=\"zola-anchor\" href=\"#{}\" aria-label=\"{}\">#</a>",
        escape(id),
        escape(&label)
    )))
}

/// Text for an HTML attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn heading(level: u8, id: &str) -> Heading {
        Heading {
            level,
            id: id.into(),
            title: id.into(),
            children: vec![],
        }
    }

    fn found(title: &str, custom: Option<&str>) -> FoundHeading {
        FoundHeading {
            event: 0,
            level: 2,
            custom_id: custom.map(String::from),
            title: title.into(),
        }
    }

    #[test]
    fn ids_are_slugs_made_unique() {
        let (ids, dups) = assign_ids(&[
            found("Exemples", None),
            found("Exemples", None),
            found("Exemples 1", None),
            found("Exemples", None),
            found("?!", None),
            found("…", None),
        ]);
        assert_eq!(
            ids,
            [
                "exemples",
                "exemples-1",
                "exemples-1-1",
                "exemples-2",
                "section",
                "section-1"
            ]
        );
        assert!(dups.is_empty());
    }

    #[test]
    fn custom_ids_win_and_duplicates_are_reported() {
        let (ids, dups) = assign_ids(&[
            found("Tarifs", None),
            found("Autre", Some("tarifs")),
            found("Encore", Some("tarifs")),
            found("Prix", Some("prix")),
        ]);
        assert_eq!(ids, ["tarifs-1", "tarifs", "tarifs", "prix"]);
        assert_eq!(dups, [2]);
    }

    #[test]
    fn find_headings_in_events() {
        let md = "# L’équipe `amie`\n\ntexte\n\n## Deux *mots* {#perso}\n";
        let events: Vec<_> = Parser::new_ext(md, Options::ENABLE_HEADING_ATTRIBUTES).collect();
        let found = find(&events);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].title, "L’équipe amie");
        assert_eq!(found[0].level, 1);
        assert_eq!(found[1].title, "Deux mots");
        assert_eq!(found[1].custom_id.as_deref(), Some("perso"));
        assert_eq!(found[1].level, 2);
    }

    fn with_links(md: &str, mode: AnchorLinks) -> String {
        let mut events: Vec<_> = Parser::new_ext(md, Options::ENABLE_HEADING_ATTRIBUTES).collect();
        let found = find(&events);
        let (ids, _) = assign_ids(&found);
        for (h, id) in found.iter().zip(&ids) {
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[h.event] {
                *slot = Some(CowStr::from(id.clone()));
            }
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, insert_anchor_links(events, mode).into_iter());
        html
    }

    #[test]
    fn anchor_links_left_right_heading_none() {
        let md = "## Tarifs & \"prix\"\n\ntexte\n";
        let label = "aria-label=\"Lien vers la section « Tarifs &amp; &quot;prix&quot; »\"";
        assert_eq!(
            with_links(md, AnchorLinks::Left),
            format!(
                "<h2 id=\"tarifs-prix\"><a class=\"zola-anchor\" href=\"#tarifs-prix\" {label}>#</a> \
                 Tarifs &amp; \"prix\"</h2>\n<p>texte</p>\n"
            )
        );
        assert_eq!(
            with_links(md, AnchorLinks::Right),
            format!(
                "<h2 id=\"tarifs-prix\">Tarifs &amp; \"prix\" <a class=\"zola-anchor\" \
                 href=\"#tarifs-prix\" {label}>#</a></h2>\n<p>texte</p>\n"
            )
        );
        assert_eq!(
            with_links(md, AnchorLinks::Heading),
            "<h2 id=\"tarifs-prix\"><a class=\"zola-anchor\" href=\"#tarifs-prix\">\
             Tarifs &amp; \"prix\"</a></h2>\n<p>texte</p>\n"
        );
        assert_eq!(
            with_links(md, AnchorLinks::None),
            "<h2 id=\"tarifs-prix\">Tarifs &amp; \"prix\"</h2>\n<p>texte</p>\n"
        );
    }

    #[test]
    fn toc_nesting() {
        let toc = build_toc([
            heading(2, "a"),
            heading(3, "a1"),
            heading(4, "a1x"),
            heading(3, "a2"),
            heading(2, "b"),
            heading(4, "b-deep"),
            heading(1, "c"),
        ]);
        let shape: Vec<_> = toc
            .iter()
            .map(|h| {
                (
                    h.id.as_str(),
                    h.children
                        .iter()
                        .map(|c| (c.id.as_str(), c.children.len()))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("a", vec![("a1", 1), ("a2", 0)]),
                ("b", vec![("b-deep", 0)]),
                ("c", vec![])
            ]
        );
        assert_eq!(toc[0].children[0].children[0].id, "a1x");
    }

    #[test]
    fn toc_starting_deep_and_many_headings() {
        let toc = build_toc([heading(3, "x"), heading(2, "y"), heading(3, "z")]);
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[1].children.len(), 1);
        let many = build_toc((0..10_000).map(|i| heading(1 + (i % 6) as u8, "h")));
        assert_eq!(many.len(), 10_000 / 6 + 1);
    }
}
