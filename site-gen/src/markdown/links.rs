//! Links and images: `@/path.md#anchor` (or any file of `content/`) and
//! relative destinations (looked up beside the `.md` file, as an editor's
//! preview does) resolved to their URL, internal links recorded for the
//! checks made once every page is rendered, every destination recorded
//! where it is written (for `check`); images of `content/` looked up as
//! processed pictures (`markdown::images` writes them).

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag};

use super::raw_html::is_script_url;
use super::{Ctx, LinkRef, Place, RenderEnv};
use crate::images::Picture;
use crate::urls::percent_decode_lossy;

/// A reference definition (`[label]: @/page.md`) of the page.
#[derive(Debug, Clone)]
pub(crate) struct RefDef {
    pub(crate) dest: String,
    /// Offset of the definition in the parsed text.
    pub(crate) offset: usize,
}

/// What [`process`] records.
pub(crate) struct Recorded<'r> {
    /// Internal links, for the checks made once every page is rendered.
    pub(crate) links: &'r mut Vec<LinkRef>,
    /// Every destination as the HTML gets it, where it is written.
    pub(crate) places: &'r mut Vec<Place>,
    /// The processed images, by their final URL.
    pub(crate) pictures: &'r mut HashMap<String, Picture>,
}

/// Resolves `@/` links and images, records links, reports broken ones.
/// Internal links from reference definitions are checked (and recorded)
/// once, at their definition. `ranges[i]` is the parsed-text range of
/// `events[i]`.
pub(crate) fn process(
    events: &mut [Event<'_>],
    ranges: &[Range<usize>],
    defs: &[RefDef],
    safe_mode: bool,
    env: &dyn RenderEnv,
    ctx: &mut Ctx<'_>,
    out: Recorded<'_>,
) {
    // Destination as written → final URL (None: keep as is).
    let mut by_definition: HashMap<&str, Option<String>> = HashMap::new();
    for def in defs {
        let at = ctx.position(def.offset);
        let rewritten = check(&def.dest, def.offset, at, false, env, ctx, out.links);
        if checked_here(&def.dest, rewritten.as_deref()) {
            let value = rewritten.clone().unwrap_or_else(|| def.dest.clone());
            out.places.push(Place::new(value, at));
        }
        by_definition.entry(def.dest.as_str()).or_insert(rewritten);
    }
    for (i, event) in events.iter_mut().enumerate() {
        let (link_type, dest_url, image) = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => (*link_type, dest_url, false),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => (*link_type, dest_url, true),
            _ => continue,
        };
        let offset = ranges.get(i).map_or(0, |r| r.start);
        let at = ctx.position(offset);
        let image_source = image.then(|| content_source(dest_url, env)).flatten();
        let from_definition = matches!(
            link_type,
            LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
        );
        let (rewritten, placed_at_definition) = match by_definition.get(&**dest_url) {
            Some(known) if from_definition => {
                (known.clone(), checked_here(dest_url, known.as_deref()))
            }
            // `<contact@amie.fr>`: an address, not a file beside the page.
            _ if link_type == LinkType::Email => (None, false),
            _ => (
                check(dest_url, offset, at, image, env, ctx, out.links),
                false,
            ),
        };
        if let Some(url) = rewritten {
            if let Some(picture) = image_source.and_then(|source| env.picture(&source)) {
                match picture {
                    Ok(p) => {
                        out.pictures.insert(url.clone(), p);
                    }
                    Err(message) => ctx.error_at(offset, message),
                }
            }
            *dest_url = CowStr::from(url);
        }
        if safe_mode && is_script_url(dest_url, image) {
            ctx.error_at(
                offset,
                format!(
                    "adresse refusée (script) : « {} »",
                    dest_url.chars().take(40).collect::<String>()
                ),
            );
            *dest_url = CowStr::Borrowed("#");
        }
        if !placed_at_definition {
            // The HTML writer adds the scheme of an email autolink.
            let value = match link_type {
                LinkType::Email => format!("mailto:{dest_url}"),
                _ => dest_url.to_string(),
            };
            out.places.push(Place::new(value, at));
        }
    }
}

/// A destination of a reference definition placed at the definition,
/// once (`rewritten`: what [`check`] made of it): an internal link, or a
/// relative one resolved to a file or page.
fn checked_here(dest: &str, rewritten: Option<&str>) -> bool {
    match classify(dest) {
        Target::Source { .. } | Target::SiteRelative { .. } | Target::SamePage { .. } => true,
        Target::Relative { .. } => rewritten.is_some(),
        Target::Other => false,
    }
}

/// Checks one destination written at `offset` (file position `at`);
/// returns its new URL if it must change. Raw HTML's destinations follow
/// the same rule (`raw_html`).
pub(crate) fn check(
    dest: &str,
    offset: usize,
    (line, column): (usize, usize),
    image: bool,
    env: &dyn RenderEnv,
    ctx: &mut Ctx<'_>,
    links: &mut Vec<LinkRef>,
) -> Option<String> {
    let mut record = |target: &str, anchor: Option<&str>, by_source_path: bool| {
        links.push(LinkRef {
            target: target.to_string(),
            anchor: anchor.map(str::to_string),
            by_source_path,
            line,
            column,
        })
    };
    match classify(dest) {
        Target::Source { path, anchor } => {
            let path = percent_decode_lossy(path);
            record(&path, anchor, true);
            match env.page_url(&path) {
                Some(url) => Some(with_anchor(&url, anchor)),
                None => {
                    ctx.error_at(offset, broken_message(&path, image));
                    None
                }
            }
        }
        Target::Relative { path, suffix } => {
            let decoded = percent_decode_lossy(path);
            let source = beside(env.document_path(), &decoded);
            let url = source.as_deref().and_then(|s| env.page_url(s));
            let markdown = is_markdown(&decoded);
            match (url, source) {
                (Some(url), Some(source)) => {
                    if markdown {
                        record(&source, split_anchor(suffix).1, true);
                    }
                    Some(format!("{url}{suffix}"))
                }
                _ if markdown || image || names_a_file(&decoded) => {
                    let what = Missing::of(markdown, image);
                    ctx.error_at(offset, missing_message(what, path, env.document_path()));
                    None
                }
                // A page URL written relative (`../faq/`): `check` checks it.
                _ => None,
            }
        }
        Target::SiteRelative { url, anchor } => {
            record(url, anchor, false);
            None
        }
        Target::SamePage { anchor } => {
            record("", Some(anchor), false);
            None
        }
        Target::Other => None,
    }
}

/// The source path (relative to `content/`) a destination names, if it
/// names a file of `content/` (`@/…` or relative to the document).
fn content_source(dest: &str, env: &dyn RenderEnv) -> Option<String> {
    match classify(dest) {
        Target::Source { path, .. } => Some(percent_decode_lossy(path)),
        Target::Relative { path, .. } => beside(env.document_path(), &percent_decode_lossy(path)),
        _ => None,
    }
}

/// What a link destination points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target<'s> {
    /// `@/path.md#anchor`: a content file.
    Source {
        path: &'s str,
        anchor: Option<&'s str>,
    },
    /// `/services/#tarifs`: a URL of this site.
    SiteRelative {
        url: &'s str,
        anchor: Option<&'s str>,
    },
    /// `#anchor`: a heading of the same page.
    SamePage { anchor: &'s str },
    /// `photo.png`, `../autre-page.md#x`: a file or page looked up beside
    /// the `.md` file; `suffix` is the query and anchor (`?x#y`), kept.
    Relative { path: &'s str, suffix: &'s str },
    /// Anything else (`https://…`, `mailto:`, `//cdn…`, `?x=1`...).
    Other,
}

fn split_anchor(s: &str) -> (&str, Option<&str>) {
    match s.split_once('#') {
        Some((before, anchor)) => (before, (!anchor.is_empty()).then_some(anchor)),
        None => (s, None),
    }
}

pub(crate) fn classify(dest: &str) -> Target<'_> {
    if let Some(rest) = dest.strip_prefix("@/") {
        let (path, anchor) = split_anchor(rest);
        return Target::Source { path, anchor };
    }
    if dest.starts_with('/') && !dest.starts_with("//") {
        let (url, anchor) = split_anchor(dest);
        return Target::SiteRelative { url, anchor };
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        return if anchor.is_empty() {
            Target::Other
        } else {
            Target::SamePage { anchor }
        };
    }
    let end = dest.find(['?', '#']).unwrap_or(dest.len());
    let (path, suffix) = dest.split_at(end);
    let has_scheme = path
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'));
    if has_scheme || path.is_empty() || dest.starts_with("//") {
        return Target::Other;
    }
    Target::Relative { path, suffix }
}

/// The source path (relative to `content/`) of `relative` (decoded) seen
/// from the folder of the document `document`; `None` above `content/`.
pub(crate) fn beside(document: &str, relative: &str) -> Option<String> {
    let folder = document.rsplit_once('/').map_or("", |(folder, _)| folder);
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

fn is_markdown(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".md")
}

/// A relative destination that can only name a file (`bulletin.pdf`),
/// not a page URL written relative (`../faq/`, `faq.html`, `contact`).
fn names_a_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) => {
            let ext = ext.to_ascii_lowercase();
            !stem.is_empty() && !ext.is_empty() && ext != "html" && ext != "htm"
        }
        None => false,
    }
}

/// What a relative destination that names nothing was meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    Page,
    Image,
    File,
}

impl Missing {
    fn of(markdown: bool, image: bool) -> Missing {
        if image {
            Missing::Image
        } else if markdown {
            Missing::Page
        } else {
            Missing::File
        }
    }
}

/// French message for a `@/` link whose file does not exist.
pub(crate) fn broken_message(path: &str, image: bool) -> String {
    let what = if image {
        "image cassée"
    } else {
        "lien cassé"
    };
    format!("{what} : @/{path} n'existe pas (chemin relatif au dossier content/)")
}

/// French message for a relative destination (`path` as written) that
/// names no file beside the document `document`.
pub(crate) fn missing_message(what: Missing, path: &str, document: &str) -> String {
    let (what, searched) = match what {
        Missing::Page => ("page introuvable", "cherchée"),
        Missing::Image => ("image introuvable", "cherchée"),
        Missing::File => ("fichier introuvable", "cherché"),
    };
    if document.is_empty() {
        format!("{what} : {path} ({searched} dans content/)")
    } else {
        format!("{what} : {path} ({searched} à côté de content/{document})")
    }
}

/// The final URL of a `@/` link: the page URL and the anchor.
pub(crate) fn with_anchor(url: &str, anchor: Option<&str>) -> String {
    match anchor {
        Some(a) => format!("{url}#{a}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(
            classify("@/combien-ca-coute.md#exemples"),
            Target::Source {
                path: "combien-ca-coute.md",
                anchor: Some("exemples")
            }
        );
        assert_eq!(
            classify("@/services/_index.md"),
            Target::Source {
                path: "services/_index.md",
                anchor: None
            }
        );
        assert_eq!(
            classify("/services/#tarifs"),
            Target::SiteRelative {
                url: "/services/",
                anchor: Some("tarifs")
            }
        );
        assert_eq!(
            classify("/"),
            Target::SiteRelative {
                url: "/",
                anchor: None
            }
        );
        assert_eq!(classify("#haut"), Target::SamePage { anchor: "haut" });
        assert_eq!(classify("#"), Target::Other);
        assert_eq!(classify("//cdn.example.org/x.js"), Target::Other);
        assert_eq!(classify("https://example.org/a.md"), Target::Other);
        assert_eq!(classify("mailto:contact@example.org"), Target::Other);
        assert_eq!(
            classify("autre-page.md#x"),
            Target::Relative {
                path: "autre-page.md",
                suffix: "#x"
            }
        );
        assert_eq!(
            classify("../Autre.MD"),
            Target::Relative {
                path: "../Autre.MD",
                suffix: ""
            }
        );
        assert_eq!(
            classify("images/photo.png?v=2#haut"),
            Target::Relative {
                path: "images/photo.png",
                suffix: "?v=2#haut"
            }
        );
        assert_eq!(classify("?x=1"), Target::Other);
        assert_eq!(classify(""), Target::Other);
    }

    #[test]
    fn relative_paths_are_looked_up_beside_the_document() {
        let stand = "actualites/stand.md";
        assert_eq!(beside(stand, "photo.png").unwrap(), "actualites/photo.png");
        assert_eq!(
            beside(stand, "./images/a.png").unwrap(),
            "actualites/images/a.png"
        );
        assert_eq!(
            beside(stand, "../services/x.pdf").unwrap(),
            "services/x.pdf"
        );
        assert_eq!(
            beside("actualites/_index.md", "a.png").unwrap(),
            "actualites/a.png"
        );
        assert_eq!(beside("faq.md", "a.png").unwrap(), "a.png");
        assert_eq!(beside("faq.md", "../a.png"), None);
        assert!(names_a_file("bulletin.pdf") && names_a_file("a/Photo.JPG"));
        assert!(!names_a_file("../faq/") && !names_a_file("faq.html") && !names_a_file("contact"));
        assert_eq!(
            missing_message(Missing::Image, "photo.png", stand),
            "image introuvable : photo.png (cherchée à côté de content/actualites/stand.md)"
        );
        assert_eq!(
            missing_message(Missing::File, "a.pdf", ""),
            "fichier introuvable : a.pdf (cherché dans content/)"
        );
    }

    #[test]
    fn urls() {
        assert_eq!(with_anchor("/a/", Some("b")), "/a/#b");
        assert_eq!(with_anchor("/a/", None), "/a/");
        assert!(broken_message("xyz.md", false).starts_with("lien cassé : @/xyz.md n'existe pas"));
    }
}
