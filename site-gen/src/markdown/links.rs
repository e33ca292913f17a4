//! Links and images: `@/path.md#anchor` resolved to the page's URL, internal
//! links recorded for the checks made once every page is rendered, every
//! destination recorded where it is written (for `check`).

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag};

use super::raw_html::is_script_url;
use super::{Ctx, LinkRef, Place, RenderEnv};

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
        if is_internal(&def.dest) {
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
        let from_definition = matches!(
            link_type,
            LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
        );
        let (rewritten, placed_at_definition) = match by_definition.get(&**dest_url) {
            Some(known) if from_definition => (known.clone(), is_internal(dest_url)),
            _ => (
                check(dest_url, offset, at, image, env, ctx, out.links),
                false,
            ),
        };
        if let Some(url) = rewritten {
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

/// A destination [`check`] records as an internal link.
fn is_internal(dest: &str) -> bool {
    matches!(
        classify(dest),
        Target::Source { .. } | Target::SiteRelative { .. } | Target::SamePage { .. }
    )
}

/// Checks one destination written at `offset` (file position `at`);
/// returns its new URL if it must change.
fn check(
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
            record(path, anchor, true);
            match env.page_url(path) {
                Some(url) => Some(with_anchor(&url, anchor)),
                None => {
                    ctx.error_at(offset, broken_message(path, image));
                    None
                }
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
        Target::RelativeMarkdown => {
            ctx.error_at(offset, relative_md_message(dest));
            None
        }
        Target::Other => None,
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
    /// `autre-page.md`: a relative link to a Markdown file, which would be
    /// broken once rendered (should be written `@/…`).
    RelativeMarkdown,
    /// Anything else (`https://…`, `mailto:`, relative URLs...).
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
    let (before, _) = split_anchor(dest);
    let path = before.split('?').next().unwrap_or(before);
    let has_scheme = path
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'));
    if !has_scheme && path.to_ascii_lowercase().ends_with(".md") {
        return Target::RelativeMarkdown;
    }
    Target::Other
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

pub(crate) fn relative_md_message(dest: &str) -> String {
    format!(
        "lien vers un fichier Markdown sans « @/ » : « {dest} » ne marchera pas sur le site ; \
         écrivez « @/chemin/depuis/content.md »"
    )
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
        assert_eq!(classify("autre-page.md#x"), Target::RelativeMarkdown);
        assert_eq!(classify("../Autre.MD"), Target::RelativeMarkdown);
        assert_eq!(classify("image.png"), Target::Other);
    }

    #[test]
    fn urls() {
        assert_eq!(with_anchor("/a/", Some("b")), "/a/#b");
        assert_eq!(with_anchor("/a/", None), "/a/");
        assert!(broken_message("xyz.md", false).starts_with("lien cassé : @/xyz.md n'existe pas"));
    }
}
