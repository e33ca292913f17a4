//! Listings split into pagers (a section's pages, a taxonomy term's) and
//! the feeds of a section's dated pages, as Zola makes them: pager 1 at the
//! listing's own URL, pagers 2, 3… under `<listing>/<paginate_path>/N/`,
//! `<listing>/<paginate_path>/1/` a redirect to the listing, a `paginator`
//! object in the template's context.

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};

use super::extras::Extras;
use super::outputs::OutputMap;
use super::taxonomies::Taxonomies;
use crate::config::Config;
use crate::content::paths::check_output_path;
use crate::content::{Document, Kind, Loaded};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::deps::KeyBuilder;
use crate::urls::Urls;

/// The folder of pagers 2, 3… when none is given.
pub(super) const DEFAULT_PAGINATE_PATH: &str = "page";

/// How a listing is split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Paging {
    /// Items per pager (at least 1).
    pub(super) by: usize,
    /// The folder of pagers 2, 3…, without slashes; may be empty (Zola:
    /// pagers at `<listing>/2/`).
    pub(super) path: String,
}

impl Paging {
    /// The paging of `paginate_by` / `paginate_path`, none when `by` is
    /// none or 0; a `paginate_path` that cannot be a folder of the site is
    /// reported for `origin`.
    pub(super) fn of(
        by: Option<usize>,
        path: Option<&str>,
        origin: &str,
    ) -> Result<Option<Paging>, Diagnostic> {
        let Some(by) = by.filter(|&n| n > 0) else {
            return Ok(None);
        };
        let path = path.unwrap_or(DEFAULT_PAGINATE_PATH).trim_matches('/');
        if !path.is_empty() {
            check_output_path(path).map_err(|why| {
                Diagnostic::new(
                    origin,
                    format!("`paginate_path = \"{path}\"` refusé : {why}"),
                )
            })?;
        }
        Ok(Some(Paging {
            by,
            path: path.to_string(),
        }))
    }

    /// The URL path of pager `index` (1-based) of the listing at `base`
    /// (a folder path: `/actualites/`, `/`).
    pub(super) fn pager_path(&self, base: &str, index: usize) -> String {
        if index == 1 {
            return base.to_string();
        }
        self.numbered_path(base, index)
    }

    /// `<base><paginate_path>/<index>/`, pager 1 included (its redirect).
    pub(super) fn numbered_path(&self, base: &str, index: usize) -> String {
        if self.path.is_empty() {
            format!("{base}{index}/")
        } else {
            format!("{base}{}/{index}/", self.path)
        }
    }
}

/// The output file of a folder URL path (`/a/page/2/` → `a/page/2/index.html`).
pub(super) fn folder_output(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

/// The pagers of a listing of `items` (in their listing order): at least
/// one, empty when there is nothing to list.
pub(super) fn split<T: Copy>(items: &[T], by: usize) -> Vec<Vec<T>> {
    if items.is_empty() {
        return vec![Vec::new()];
    }
    items.chunks(by.max(1)).map(<[T]>::to_vec).collect()
}

/// Zola's `paginator` of pager `index` (1-based) of a listing at `base`,
/// split by `paging` into `count` pagers of `total` items; `pages` are
/// this pager's items as templates see them.
pub(super) fn paginator(
    urls: &Urls,
    base: &str,
    paging: &Paging,
    (index, count, total): (usize, usize, usize),
    pages: Vec<Value>,
) -> Value {
    let link = |i: usize| urls.permalink(&paging.pager_path(base, i));
    let base_url = if paging.path.is_empty() {
        urls.permalink(base)
    } else {
        urls.permalink(&format!("{base}{}/", paging.path))
    };
    json!({
        "paginate_by": paging.by,
        "base_url": base_url,
        "number_pagers": count,
        "first": link(1),
        "last": link(count),
        "previous": (index > 1).then(|| link(index - 1)),
        "next": (index < count).then(|| link(index + 1)),
        "current_index": index,
        "total_pages": total,
        "pages": pages,
    })
}

/// What the listings of a build are made of: paginated sections, section
/// feeds, taxonomies.
#[derive(Debug, Default)]
pub(super) struct Listings {
    pub(super) sections: Vec<SectionPagers>,
    /// The pages of each section's feed, by section.
    pub(super) section_feeds: BTreeMap<usize, Vec<usize>>,
    pub(super) taxonomies: Taxonomies,
}

impl Listings {
    /// The listings of `loaded`; every problem of their settings (a
    /// `paginate_path`, an undeclared taxonomy, a term without letters).
    pub(super) fn of(config: &Config, loaded: &Loaded) -> Result<Listings, Diagnostics> {
        let sections = section_pagers(loaded);
        let taxonomies = super::taxonomies::collect(config, loaded, config.file());
        let (sections, taxonomies) = match (sections, taxonomies) {
            (Ok(s), Ok(t)) => (s, t),
            (s, t) => {
                let mut problems = Diagnostics::default();
                problems.extend(s.err().into_iter().flat_map(|d| d.0));
                problems.extend(t.err().into_iter().flat_map(|d| d.0));
                return Err(problems);
            }
        };
        let section_feeds = (0..loaded.docs.len())
            .filter_map(|s| Some((s, section_feed(loaded, s, config.feed_limit)?)))
            .collect();
        Ok(Listings {
            sections,
            section_feeds,
            taxonomies,
        })
    }

    /// The pagers of section `section`, when it is paginated.
    pub(super) fn pagers_of(&self, section: usize) -> Option<&SectionPagers> {
        self.sections.iter().find(|s| s.section == section)
    }

    /// The documents whose content an extra output shows again (a feed's
    /// pages, a paginated section's text on each pager): a one-shot build
    /// keeps their HTML after their own page.
    pub(super) fn keeps_content(&self, config: &Config, docs: &[Document]) -> HashSet<usize> {
        let mut keep: HashSet<usize> = self.sections.iter().map(|s| s.section).collect();
        keep.extend(self.section_feeds.values().flatten().copied());
        for t in &self.taxonomies.list {
            if t.config.render && t.config.feed {
                for term in &t.terms {
                    keep.extend(newest_dated(docs, &term.pages, config.feed_limit));
                }
            }
        }
        keep
    }

    /// The URL paths of the generated listing pages (pagers 2, 3…,
    /// taxonomy pages), for the sitemap.
    pub(super) fn sitemap_paths(&self, docs: &[Document]) -> Vec<String> {
        let mut paths: Vec<String> = self
            .sections
            .iter()
            .flat_map(|sp| {
                let base = &docs[sp.section].path;
                (2..=sp.pagers.len()).map(|i| sp.paging.pager_path(base, i))
            })
            .collect();
        paths.extend(super::taxonomies::sitemap_paths(&self.taxonomies));
        paths
    }
}

/// A section's listing split into pagers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SectionPagers {
    /// The section, in `Loaded::docs`.
    pub(super) section: usize,
    pub(super) paging: Paging,
    /// Each pager's pages, in their order (`paginate_reversed` applied).
    pub(super) pagers: Vec<Vec<usize>>,
}

impl SectionPagers {
    pub(super) fn total(&self) -> usize {
        self.pagers.iter().map(Vec::len).sum()
    }
}

/// Every paginated section's pagers, in the order of the documents; the
/// problems of their `paginate_path`.
fn section_pagers(loaded: &Loaded) -> Result<Vec<SectionPagers>, Diagnostics> {
    let mut all = Vec::new();
    let mut problems = Diagnostics::default();
    for (i, doc) in loaded.docs.iter().enumerate() {
        if !is_listed_section(doc) {
            continue;
        }
        let m = &doc.meta;
        let origin = doc.file.display().to_string();
        match Paging::of(m.paginate_by, m.paginate_path.as_deref(), &origin) {
            Ok(Some(paging)) => {
                let mut pages = doc.pages.clone();
                if m.paginate_reversed {
                    pages.reverse();
                }
                all.push(SectionPagers {
                    section: i,
                    pagers: split(&pages, paging.by),
                    paging,
                });
            }
            Ok(None) => {}
            Err(d) => problems.push(d),
        }
    }
    problems.into_result().map(|()| all)
}

/// A section that gets a page of its own: rendered, no redirect.
fn is_listed_section(doc: &Document) -> bool {
    doc.kind == Kind::Section && doc.meta.render && doc.meta.redirect_to.is_none()
}

/// What makes a section's listing (pagination, feed) besides its pages,
/// for the key of its page: a change re-renders it.
pub(super) fn listing_key(doc: &Document) -> String {
    let m = &doc.meta;
    format!(
        "{:?}/{:?}/{}/{}",
        m.paginate_by, m.paginate_path, m.paginate_reversed, m.generate_feeds
    )
}

/// A section's feed: its dated pages, newest first, at most `limit`; none
/// without `generate_feeds = true` or without a dated page (as Zola).
pub(super) fn section_feed(loaded: &Loaded, section: usize, limit: usize) -> Option<Vec<usize>> {
    let doc = &loaded.docs[section];
    if !doc.meta.generate_feeds || !is_listed_section(doc) {
        return None;
    }
    let pages = newest_dated(&loaded.docs, &doc.pages, limit);
    (!pages.is_empty()).then_some(pages)
}

/// The dated ones of `pages`, newest first (then by path), at most `limit`.
pub(super) fn newest_dated(docs: &[Document], pages: &[usize], limit: usize) -> Vec<usize> {
    let mut dated: Vec<usize> = pages
        .iter()
        .copied()
        .filter(|&p| docs[p].date().is_some())
        .collect();
    let newest_first = |&a: &usize, &b: &usize| {
        let (a, b) = (&docs[a], &docs[b]);
        b.date().cmp(&a.date()).then_with(|| a.path.cmp(&b.path))
    };
    // Only the newest are sorted: a selection first, in linear time.
    if dated.len() > limit {
        dated.select_nth_unstable_by(limit, newest_first);
        dated.truncate(limit);
    }
    dated.sort_by(newest_first);
    dated
}

/// The URL path of a section's feed.
pub(super) fn feed_path(listing: &str) -> String {
    format!("{listing}atom.xml")
}

/// Renders pagers 2, 3… of every paginated section with the section's
/// template, and each pager 1 redirect (`<section>/page/1/`), into `out`.
pub(super) fn render_section_pagers(extras: &mut Extras, out: &mut OutputMap) {
    let site = extras.site;
    for sp in &site.listings.sections {
        let doc = &site.loaded.docs[sp.section];
        let origin = doc.file.display().to_string();
        let Some(section_key) = site.section_keys.get(&sp.section).copied() else {
            continue;
        };
        for index in 2..=sp.pagers.len() {
            let path = sp.paging.pager_path(&doc.path, index);
            let output = folder_output(&path);
            let key = KeyBuilder::new("pager")
                .key(&section_key)
                .u64(index as u64)
                .finish();
            let page = extras.cached(&format!("pager:{output}"), &key, || {
                let paginator = section_paginator(site, sp, index);
                site.render_document(sp.section, &path, paginator)
            });
            match page {
                Ok(bytes) => out.add(output, bytes, &origin),
                Err(d) => out.push(d),
            }
        }
        let first = sp.paging.numbered_path(&doc.path, 1);
        extras.redirect(&folder_output(&first), &doc.path, &doc.title, &origin, out);
    }
}

/// The `paginator` of pager `index` of a section.
pub(super) fn section_paginator(
    site: &super::extras::ExtrasSite<'_>,
    sp: &SectionPagers,
    index: usize,
) -> Value {
    section_paginator_with(site.urls(), &site.loaded.docs, sp, index, |p| {
        Value::Object(site.views.summary(p))
    })
}

/// The `paginator` of pager `index` of a section, each page seen as `view`.
pub(super) fn section_paginator_with(
    urls: &Urls,
    docs: &[Document],
    sp: &SectionPagers,
    index: usize,
    view: impl Fn(usize) -> Value,
) -> Value {
    let pages = sp.pagers[index - 1].iter().map(|&p| view(p)).collect();
    let counts = (index, sp.pagers.len(), sp.total());
    paginator(urls, &docs[sp.section].path, &sp.paging, counts, pages)
}

/// Renders the feed of every section with `generate_feeds = true` that
/// has dated pages, at `<section>/atom.xml`.
pub(super) fn render_section_feeds(extras: &mut Extras, out: &mut OutputMap) {
    let site = extras.site;
    for (&section, pages) in &site.listings.section_feeds {
        let doc = &site.loaded.docs[section];
        let path = feed_path(&doc.path);
        let title = Some(doc.title.as_str());
        let result = extras.feed(&path, pages, title, &doc.path);
        match result {
            Ok(bytes) => out.add(
                folder_feed_output(&path),
                bytes,
                &doc.file.display().to_string(),
            ),
            Err(d) => out.push(d),
        }
    }
}

/// The output file of a feed's URL path (`/actualites/atom.xml`).
pub(super) fn folder_feed_output(path: &str) -> String {
    path.trim_start_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(by: usize) -> Paging {
        Paging {
            by,
            path: DEFAULT_PAGINATE_PATH.into(),
        }
    }

    #[test]
    fn no_pages_still_make_one_empty_pager() {
        assert_eq!(split::<usize>(&[], 3), vec![Vec::<usize>::new()]);
        let urls = Urls::new("https://ex.org", Default::default(), Default::default());
        let p = paginator(&urls, "/blog/", &paging(3), (1, 1, 0), Vec::new());
        assert_eq!(p["number_pagers"], 1);
        assert_eq!(p["previous"], Value::Null);
        assert_eq!(p["next"], Value::Null);
        assert_eq!(p["first"], "https://ex.org/blog/");
        assert_eq!(p["last"], "https://ex.org/blog/");
        assert_eq!(p["total_pages"], 0);
    }

    #[test]
    fn exactly_paginate_by_pages_make_one_pager() {
        assert_eq!(split(&[1, 2, 3], 3), vec![vec![1, 2, 3]]);
        assert_eq!(split(&[1, 2, 3, 4], 3), vec![vec![1, 2, 3], vec![4]]);
    }

    #[test]
    fn last_pager_links_back_and_not_forward() {
        let urls = Urls::new("https://ex.org", Default::default(), Default::default());
        let pages = vec![json!({"title": "x"})];
        let p = paginator(&urls, "/blog/", &paging(2), (3, 3, 5), pages);
        assert_eq!(p["current_index"], 3);
        assert_eq!(p["previous"], "https://ex.org/blog/page/2/");
        assert_eq!(p["next"], Value::Null);
        assert_eq!(p["first"], "https://ex.org/blog/");
        assert_eq!(p["last"], "https://ex.org/blog/page/3/");
        assert_eq!(p["base_url"], "https://ex.org/blog/page/");
        assert_eq!(p["paginate_by"], 2);
        assert_eq!(p["pages"].as_array().map(Vec::len), Some(1));
        // The second pager goes back to the listing itself.
        let p = paginator(&urls, "/blog/", &paging(2), (2, 3, 5), Vec::new());
        assert_eq!(p["previous"], "https://ex.org/blog/");
        assert_eq!(p["next"], "https://ex.org/blog/page/3/");
    }

    #[test]
    fn pager_paths_follow_paginate_path() {
        let p = paging(2);
        assert_eq!(p.pager_path("/", 1), "/");
        assert_eq!(p.pager_path("/", 2), "/page/2/");
        assert_eq!(
            folder_output(&p.pager_path("/blog/", 4)),
            "blog/page/4/index.html"
        );
        let bare = Paging {
            by: 2,
            path: String::new(),
        };
        assert_eq!(bare.pager_path("/blog/", 2), "/blog/2/");
        let custom = Paging::of(Some(5), Some("/pages/"), "x").unwrap().unwrap();
        assert_eq!(custom.pager_path("/blog/", 2), "/blog/pages/2/");
    }

    #[test]
    fn zero_means_no_pagination_and_bad_folders_are_refused() {
        assert_eq!(Paging::of(Some(0), None, "x"), Ok(None));
        assert_eq!(Paging::of(None, Some("p"), "x"), Ok(None));
        let e = Paging::of(Some(2), Some("../x"), "content/blog/_index.md").unwrap_err();
        assert!(e.to_string().contains("content/blog/_index.md"), "{e}");
        assert!(e.to_string().contains("paginate_path"), "{e}");
    }
}
