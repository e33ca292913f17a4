//! What `check` reads of one output page: its links, its ids, whether it
//! is a redirect; read with the site's HTML tokenizer.

use std::collections::HashMap;

use crate::html::{start_tags, Attr, StartTag};

/// One `href`/`src` (or `srcset` candidate) of an output page.
#[derive(Debug, Clone)]
pub(super) struct Link {
    /// Character references decoded.
    pub(super) value: String,
    /// Byte offset of the value in the page.
    pub(super) offset: usize,
}

/// What one output page holds.
#[derive(Debug, Default)]
pub(super) struct PageInfo {
    pub(super) links: Vec<Link>,
    /// Every `id` (and `<a name>`) with the offset of each occurrence.
    pub(super) ids: HashMap<String, Vec<usize>>,
    /// A redirect page (`<meta http-equiv="refresh">`, e.g. an alias).
    pub(super) redirect: bool,
}

/// The links and ids of an HTML page.
pub(super) fn scan(html: &str) -> PageInfo {
    let mut info = PageInfo::default();
    for tag in start_tags(html) {
        ids(&tag, &mut info);
        if tag.name == "meta"
            && tag
                .value("http-equiv")
                .is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
        {
            info.redirect = true;
        }
        for attr in &tag.attrs {
            if is_link(&tag, attr) {
                info.links.push(Link {
                    value: attr.value.clone(),
                    offset: attr.raw.start,
                });
            }
            if attr.name == "srcset" && matches!(tag.name.as_str(), "img" | "source") {
                for candidate in attr.value.split(',') {
                    if let Some(url) = candidate.split_whitespace().next() {
                        info.links.push(Link {
                            value: url.to_string(),
                            offset: attr.raw.start,
                        });
                    }
                }
            }
        }
    }
    info
}

/// The targets a tag defines: `<a name=x id=x>` is one, not two.
fn ids(tag: &StartTag, info: &mut PageInfo) {
    let mut tag_ids: Vec<(&str, usize)> = Vec::new();
    for attr in &tag.attrs {
        if attr.name == "id" || (attr.name == "name" && tag.name == "a") {
            let id = attr.value.as_str();
            if !id.is_empty() && !tag_ids.iter().any(|(t, _)| *t == id) {
                tag_ids.push((id, attr.raw.start));
            }
        }
    }
    for (id, offset) in tag_ids {
        info.ids.entry(id.to_string()).or_default().push(offset);
    }
}

/// An attribute holding one URL that a visitor's browser follows or loads.
fn is_link(tag: &StartTag, attr: &Attr) -> bool {
    let linked = matches!(
        (tag.name.as_str(), attr.name.as_str()),
        ("a" | "area" | "link", "href")
            | (
                "img"
                    | "script"
                    | "iframe"
                    | "source"
                    | "embed"
                    | "track"
                    | "audio"
                    | "video"
                    | "input",
                "src"
            )
            | ("video", "poster")
    );
    linked && !(tag.name == "link" && is_hint(tag))
}

/// `<link rel="preconnect">` and the like name hosts, not documents.
fn is_hint(tag: &StartTag) -> bool {
    tag.value("rel").is_some_and(|rel| {
        rel.split_whitespace().any(|r| {
            matches!(
                r.to_ascii_lowercase().as_str(),
                "preconnect" | "dns-prefetch"
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::line_col;

    #[test]
    fn links_and_ids() {
        let html = "<!-- <a href=\"/commentaire/\"> --><script>var a = '<a href=\"/js/\">';</script>\n<a class=x href='/faq/#q&amp;r' id=haut>x</a><img src=/logo.svg srcset=\"/a.png 1x, /b.png 2x\"><h2 id=\"haut\"><link rel=preconnect href=//cdn.example>";
        let info = scan(html);
        let values: Vec<&str> = info.links.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(values, ["/faq/#q&r", "/logo.svg", "/a.png", "/b.png"]);
        assert_eq!(info.ids["haut"].len(), 2);
        assert_eq!(line_col(html, info.links[0].offset), (2, 18));
        assert!(!info.redirect);
    }

    #[test]
    fn ids_with_character_references_and_redirects() {
        let info = scan(
            "<h2 id=\"caf&eacute;\"><a name=x id=x></a><meta http-equiv=Refresh content=\"0; url=/\">",
        );
        let mut ids: Vec<(&str, usize)> = info
            .ids
            .iter()
            .map(|(k, v)| (k.as_str(), v.len()))
            .collect();
        ids.sort();
        assert_eq!(ids, [("café", 1), ("x", 1)]);
        assert!(info.redirect);
    }

    #[test]
    fn tag_names_and_odd_attribute_names_as_a_browser_reads_them() {
        // A tag name ends at a space, `/` or `>` (`a.b` is no `a`); an
        // attribute name may start with `=` (`=href` is no `href`).
        let info = scan("<a.b href=/x><a =href=/y><a href=/z>");
        let values: Vec<&str> = info.links.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(values, ["/z"]);
    }
}
