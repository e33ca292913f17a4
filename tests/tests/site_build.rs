//! The shipped site (`content/`, `site.toml`, the theme), built with the
//! `site_gen` library without the WebAssembly (fast), checked as a visitor
//! and a feed reader would see it: pages parsed as a browser parses them,
//! the feed and the sitemap as an XML reader does. Failed builds are run
//! through the `site-gen` command, as a user runs it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use calculator::format as f;
use e2e::cli;
use e2e::html::{self, Page};
use e2e::site::{self, repo_root};

/// The base URL every build here uses (independent of `site.toml`).
const BASE: &str = "https://e2e.example";

struct Site {
    files: BTreeMap<String, Vec<u8>>,
}

/// One build of the shipped site, shared by the tests of this file.
fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let built = site::build(&site::shipped_options(false, Some(BASE.into())))
            .unwrap_or_else(|e| panic!("{e:#}"));
        Site { files: built.files }
    })
}

impl Site {
    fn text(&self, path: &str) -> &str {
        let bytes = self.files.get(path).unwrap_or_else(|| {
            panic!(
                "{path} was not built; built: {:?}",
                self.files.keys().collect::<Vec<_>>()
            )
        });
        std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{path} is not UTF-8: {e}"))
    }

    fn page(&self, path: &str) -> Page {
        Page::parse(self.text(path))
    }

    fn html_files(&self) -> impl Iterator<Item = (&String, Page)> {
        self.files
            .iter()
            .filter(|(k, _)| k.ends_with(".html"))
            .map(|(k, v)| (k, Page::parse(std::str::from_utf8(v).expect("UTF-8 HTML"))))
    }

    fn xml(&self, path: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(self.text(path))
            .unwrap_or_else(|e| panic!("{path} is not well-formed XML: {e}"))
    }
}

/// The text of the first child element of `node` named `name`.
fn child_text(node: roxmltree::Node<'_, '_>, name: &str) -> String {
    node.children()
        .find(|c| c.has_tag_name(name))
        .and_then(|c| c.text())
        .unwrap_or_default()
        .to_string()
}

/// The output file a URL of the site points to (`BASE/faq/#x` →
/// `faq/index.html`), or `None` for an external URL.
fn output_path(url: &str) -> Option<String> {
    let path = if let Some(rest) = url.strip_prefix(BASE) {
        rest
    } else if url.starts_with('/') && !url.starts_with("//") {
        url
    } else {
        return None;
    };
    let path = path.split(['#', '?']).next().unwrap_or("");
    let path = path.trim_start_matches('/');
    Some(if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    })
}

/// Key → raw value of the TOML front matter of a content file (simple
/// one-line `key = value` pairs only).
fn front_matter(text: &str) -> BTreeMap<String, String> {
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("+++"),
        "content files use TOML front matter"
    );
    lines
        .take_while(|l| *l != "+++")
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// French typography turns some spaces into (narrow) no-break spaces:
/// compare texts written in sources with plain spaces.
fn spaces(s: &str) -> String {
    s.replace(['\u{A0}', '\u{202F}'], " ")
}

fn unquote(v: &str) -> String {
    v.trim().trim_matches('"').to_string()
}

/// Every Markdown file of `content/`, relative to it.
fn content_files() -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(
                    p.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let content = repo_root().join("content");
    let mut out = Vec::new();
    walk(&content, &content, &mut out);
    out.sort();
    out
}

/// The URL path a content file is published at (the generator's French
/// slugs are the file names here, already ASCII): `services/_index.md` →
/// `/services/`, `faq.md` → `/faq/`.
fn expected_path(source: &str) -> String {
    let source = source.trim_end_matches(".md");
    let source = source.trim_end_matches("_index");
    let source = source.trim_end_matches('/');
    // A page named `2015-04-28-annonce` is `annonce` (Zola's dated names).
    let (dir, name) = source.rsplit_once('/').unwrap_or(("", source));
    let dated = name.len() > 11
        && name.bytes().take(10).enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
        && matches!(name.as_bytes()[10], b'-' | b'_');
    let name = if dated { &name[11..] } else { name };
    let source = if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    };
    if source.is_empty() {
        "/".into()
    } else {
        format!("/{source}/")
    }
}

fn menu() -> Vec<String> {
    let config = site_gen::config::Config::load(&repo_root()).expect("site.toml");
    config.menu.iter().map(|m| m.name.clone()).collect()
}

/// The links of the `<nav class="site-nav">` of a page: (name, href,
/// aria-current).
fn nav_links(page: &Page) -> Vec<(String, String, Option<String>)> {
    assert_eq!(page.select("nav.site-nav").len(), 1, "one site-nav");
    page.select("nav.site-nav a")
        .into_iter()
        .map(|a| {
            (
                html::text(a).trim().to_string(),
                a.attr("href").unwrap_or_default().to_string(),
                a.attr("aria-current").map(str::to_string),
            )
        })
        .collect()
}

/// The text of the page's only `<h1>` (none or several: a failure).
fn title(page: &Page, path: &str) -> String {
    let h1 = page.select("h1");
    assert_eq!(h1.len(), 1, "{path} has one h1");
    let t = html::text(h1[0]).trim().to_string();
    assert!(!t.is_empty(), "{path}: the h1 is empty");
    t
}

#[test]
fn home_page_exists_with_the_menu() {
    let s = site();
    let home = s.page("index.html");
    assert_eq!(home.doctype(), Some("html"), "index.html is an HTML page");
    assert_eq!(home.lang(), Some("fr"));
    let links = nav_links(&home);
    let names: Vec<String> = links.iter().map(|l| spaces(&l.0)).collect();
    let expected: Vec<String> = menu().iter().map(|m| spaces(m)).collect();
    assert_eq!(
        names, expected,
        "the home page shows site.toml's menu, in order"
    );
    for (name, href, _) in &links {
        let path = output_path(href)
            .unwrap_or_else(|| panic!("menu « {name} » links outside the site: {href}"));
        assert!(
            s.files.contains_key(&path),
            "menu « {name} » → {href}: {path} was not built"
        );
    }
    title(&home, "index.html");
}

#[test]
fn every_menu_page_exists_and_marks_itself_current() {
    let s = site();
    for (name, href, _) in nav_links(&s.page("index.html")) {
        let path = output_path(&href).unwrap();
        let page = s.page(&path);
        title(&page, &path);
        let own = nav_links(&page)
            .into_iter()
            .find(|l| l.1 == href)
            .expect("own menu entry");
        assert_eq!(
            own.2.as_deref(),
            Some("page"),
            "menu « {name} » is aria-current on its own page {path}"
        );
        let skip = page.select("a.skip-link");
        assert_eq!(skip.len(), 1, "{path}: one skip link");
        assert_eq!(skip[0].attr("href"), Some("#contenu"), "{path}");
        assert_eq!(page.select("main#contenu").len(), 1, "{path}: its target");
    }
    let page404 = s.page("404.html");
    assert_eq!(
        nav_links(&page404).len(),
        menu().len(),
        "the 404 page has the menu"
    );
}

#[test]
fn pages_have_french_slugs() {
    let s = site();
    for path in [
        "combien-ca-coute/index.html",
        "mentions-legales/index.html",
        "services/travail-collaboratif/index.html",
        "services/services-web/index.html",
        "actualites/atelier-bretoncelles/index.html",
    ] {
        assert!(s.files.contains_key(path), "{path} was not built");
    }
    for path in s.files.keys() {
        assert!(
            path.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_./".contains(&b)),
            "output path {path:?} is not an ASCII slug"
        );
    }
    // Every content file is published at its slug.
    for source in content_files() {
        let path = output_path(&expected_path(&source)).unwrap();
        assert!(s.files.contains_key(&path), "{source} should give {path}");
    }
}

#[test]
fn sitemap_lists_every_page() {
    let s = site();
    let sitemap = s.xml("sitemap.xml");
    let urlset = sitemap.root_element();
    assert!(
        urlset.has_tag_name(("http://www.sitemaps.org/schemas/sitemap/0.9", "urlset")),
        "a sitemap: {:?}",
        urlset.tag_name()
    );
    let urls: Vec<_> = urlset.children().filter(|n| n.is_element()).collect();
    assert!(urls.iter().all(|u| u.tag_name().name() == "url"));
    let locs: Vec<String> = urls.iter().map(|u| child_text(*u, "loc")).collect();
    let expected: BTreeSet<String> = content_files()
        .iter()
        .map(|c| format!("{BASE}{}", expected_path(c)))
        .collect();
    let listed: BTreeSet<String> = locs.iter().cloned().collect();
    assert_eq!(listed.len(), locs.len(), "no page twice in the sitemap");
    assert_eq!(
        listed, expected,
        "the sitemap lists exactly the content pages"
    );
    for loc in &locs {
        assert!(
            s.files.contains_key(&output_path(loc).unwrap()),
            "{loc} is listed but not built"
        );
    }
    // News pages carry their date.
    let annonce = format!("{BASE}/actualites/annonce/");
    let url = urls
        .iter()
        .find(|u| child_text(**u, "loc") == annonce)
        .expect("the announcement in the sitemap");
    assert_eq!(child_text(*url, "lastmod"), "2015-04-28");
    let sitemap_line = format!("Sitemap: {BASE}/sitemap.xml");
    assert!(
        s.text("robots.txt").lines().any(|l| l == sitemap_line),
        "robots.txt names the sitemap"
    );
}

/// The news pages: (date, title, path), from their front matter.
fn news() -> Vec<(String, String, String)> {
    let mut v: Vec<_> = content_files()
        .into_iter()
        .filter(|c| c.starts_with("actualites/") && !c.ends_with("_index.md"))
        .map(|c| {
            let text = std::fs::read_to_string(repo_root().join("content").join(&c)).unwrap();
            let fm = front_matter(&text);
            (fm["date"].clone(), unquote(&fm["title"]), expected_path(&c))
        })
        .collect();
    v.sort_by(|a, b| b.0.cmp(&a.0));
    v
}

#[test]
fn feed_has_the_news_newest_first() {
    let s = site();
    let feed = s.xml("atom.xml");
    const ATOM: &str = "http://www.w3.org/2005/Atom";
    let root = feed.root_element();
    assert!(root.has_tag_name((ATOM, "feed")), "{:?}", root.tag_name());
    let entries: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name((ATOM, "entry")))
        .collect();
    let news = news();
    assert!(news.len() >= 3, "the shipped site has its news");
    assert_eq!(entries.len(), news.len(), "one entry per dated news page");
    for (entry, (date, title, path)) in entries.iter().zip(&news) {
        assert_eq!(spaces(&child_text(*entry, "title")), spaces(title));
        assert_eq!(
            child_text(*entry, "published"),
            format!("{date}T00:00:00Z"),
            "{title}"
        );
        assert_eq!(child_text(*entry, "id"), format!("{BASE}{path}"));
        let alternate: Vec<_> = entry
            .children()
            .filter(|c| {
                c.has_tag_name((ATOM, "link"))
                    && c.attribute("rel") == Some("alternate")
                    && c.attribute("type") == Some("text/html")
            })
            .map(|c| c.attribute("href").unwrap_or_default())
            .collect();
        assert_eq!(alternate, [format!("{BASE}{path}")], "{title}");
        let content = entry
            .children()
            .find(|c| c.has_tag_name((ATOM, "content")))
            .unwrap_or_else(|| panic!("{title} has content"));
        assert_eq!(content.attribute("type"), Some("html"));
        let body = Page::parse(content.text().unwrap_or_default());
        assert!(body.text().trim().len() > 100, "{title} has its content");
        assert!(
            body.links().iter().all(|l| !l.contains("@/")),
            "{title}: unresolved @/ link in the feed"
        );
    }
    let published: Vec<String> = entries
        .iter()
        .map(|e| child_text(*e, "published"))
        .collect();
    let mut sorted = published.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(published, sorted, "newest first");
    assert_eq!(
        child_text(root, "updated"),
        format!("{}T00:00:00Z", news[0].0),
        "the feed's date is the newest entry's"
    );
    // Every page points to the feed.
    let home = s.page("index.html");
    let feeds: Vec<_> = home
        .select("head link[rel=alternate][type=\"application/atom+xml\"]")
        .into_iter()
        .map(|l| (l.attr("title"), l.attr("href")))
        .collect();
    let feed_url = format!("{BASE}/atom.xml");
    assert_eq!(
        feeds,
        [(Some("Amie — actualités"), Some(feed_url.as_str()))]
    );
}

#[test]
fn news_dates_are_written_in_french() {
    let s = site();
    // (date, short as in listings, long as on the page): the oracle is
    // written by hand, not computed by the generator's code.
    let expected = [
        ("2015-11-28", "sam. 28 nov. 2015", "samedi 28 novembre 2015"),
        (
            "2015-07-01",
            "mer. 1<sup>er</sup> juil. 2015",
            "mercredi 1<sup>er</sup> juillet 2015",
        ),
        ("2015-04-28", "mar. 28 avr. 2015", "mardi 28 avril 2015"),
    ];
    let listing = s.page("actualites/index.html");
    let shown: Vec<(String, String)> = listing
        .select("main time[datetime]")
        .into_iter()
        .map(|t| (t.attr("datetime").unwrap().to_string(), t.inner_html()))
        .collect();
    let wanted: Vec<(String, String)> = expected
        .iter()
        .map(|(date, short, _)| (date.to_string(), short.to_string()))
        .collect();
    assert_eq!(shown, wanted, "the news listing, newest first");
    for (date, _, long) in expected {
        let (_, _, path) = news().into_iter().find(|n| n.0 == date).unwrap();
        let page = s.page(&output_path(&path).unwrap());
        let times: Vec<(Option<&str>, String)> = page
            .select("p.meta > time")
            .into_iter()
            .map(|t| (t.attr("datetime"), t.inner_html()))
            .collect();
        assert_eq!(
            times.first(),
            Some(&(Some(date), long.to_string())),
            "{path} shows « {long} » first"
        );
    }
}

#[test]
fn links_are_resolved_and_lead_to_built_pages_and_anchors() {
    let s = site();
    let mut checked = 0;
    for (path, page) in s.html_files() {
        for link in page.links() {
            assert!(!link.contains("@/"), "{path}: unresolved link {link}");
            let Some(target) = output_path(&link) else {
                assert!(
                    link.starts_with('#')
                        || link.starts_with("mailto:")
                        || link.starts_with("tel:")
                        || link.starts_with("https://"),
                    "{path}: unexpected link {link}"
                );
                if let Some(anchor) = link.strip_prefix('#') {
                    assert!(
                        page.ids().contains(anchor),
                        "{path}: no #{anchor} on the page"
                    );
                }
                continue;
            };
            assert!(
                s.files.contains_key(&target),
                "{path}: broken link {link} ({target} not built)"
            );
            if let Some((_, anchor)) = link.split_once('#') {
                let ids = s.page(&target).ids();
                assert!(
                    ids.contains(anchor),
                    "{path}: {link} — no id « {anchor} » in {target}"
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked > 100,
        "the site has internal links ({checked} checked)"
    );
}

#[test]
fn aliases_produce_redirect_pages() {
    let s = site();
    let mut found = 0;
    for source in content_files() {
        let text = std::fs::read_to_string(repo_root().join("content").join(&source)).unwrap();
        let Some(aliases) = front_matter(&text).get("aliases").cloned() else {
            continue;
        };
        let target = format!("{BASE}{}", expected_path(&source));
        for alias in aliases.trim_matches(['[', ']']).split(',').map(unquote) {
            let out = alias.trim_start_matches('/');
            let out = if out.ends_with('/') || out.is_empty() {
                format!("{out}index.html")
            } else {
                out.to_string()
            };
            let page = s.page(&out);
            assert_eq!(
                page.attrs("head meta[http-equiv=refresh]", "content"),
                [format!("0; url={target}")],
                "{alias} redirects to {target}"
            );
            assert_eq!(
                page.attrs("head link[rel=canonical]", "href"),
                [target.as_str()],
                "{alias}: canonical"
            );
            assert_eq!(
                page.attrs("body a[href]", "href"),
                [target.as_str()],
                "{alias}: a link for browsers without refresh"
            );
            found += 1;
        }
    }
    assert!(found >= 2, "the shipped content has aliases ({found})");
    assert!(s.files.contains_key("combien-ca-coute-une-amie.html"));
}

#[test]
fn pricing_page_has_the_static_table_and_the_prerendered_calculator() {
    let s = site();
    let model = site::pricing_model(&repo_root()).expect("content/tarifs.toml");
    let source = s.text("combien-ca-coute/index.html");
    let page = Page::parse(source);

    // The generator embeds exactly the calculator crate's fragment, byte
    // for byte (the widget takes over this very markup).
    let fragment = calculator::embed::render_fragment(&model, "");
    assert!(
        source.contains(&fragment),
        "the pricing page embeds calculator::embed::render_fragment verbatim"
    );
    assert_eq!(
        page.select("script").len(),
        0,
        "no script in a --no-widget build"
    );
    let noscript: Vec<_> = page
        .select("noscript")
        .into_iter()
        .filter(|n| {
            !html::noscript_content(*n)
                .select("p.calc-noscript")
                .is_empty()
        })
        .collect();
    assert_eq!(
        noscript.len(),
        1,
        "the message for readers without JavaScript"
    );

    // The static table, as a visitor reads it.
    let tables = page.select("table.calc-table");
    assert_eq!(tables.len(), 1, "the static table");
    let rows = html::table_rows(tables[0]);
    assert_eq!(
        rows.len() as u32,
        model.total_parts() + 1,
        "a header and one row per part"
    );
    assert_eq!(
        rows[0],
        [
            "Parts",
            "Coût par an",
            "Coût par mois",
            "Jours de travail par an"
        ]
    );
    for n in 1..=model.total_parts() {
        assert_eq!(
            rows[n as usize],
            [
                f::parts(n),
                f::money(model.cost_of(n)),
                format!(
                    "{}{}",
                    f::about(model.cost_of(n) % 12 == 0),
                    f::money(model.monthly_cost_of(n))
                ),
                f::days(model.days_of(n))
            ],
            "row for {n} parts"
        );
    }
    // 11 parts: 22 000 € and 99 jours, with French spacing.
    assert_eq!(f::money(model.cost_of(11)), "22\u{202F}000\u{A0}€");
    assert_eq!(f::days(model.days_of(11)), "99\u{A0}jours");

    // The pre-rendered calculator: the model for the browser, and the
    // default profile's estimate.
    assert_eq!(
        page.attrs("div.calculateur", "data-calculateur-model"),
        [model.encode()]
    );
    let e = model.estimate_profile(&calculator::Profile::default());
    let outputs: Vec<String> = page
        .select("div.calculateur dl.calc-figures output")
        .into_iter()
        .map(|o| html::text(o).trim().to_string())
        .collect();
    assert_eq!(
        outputs,
        [
            f::parts(e.parts),
            f::money(e.cost_per_year),
            format!(
                "{}{}",
                f::about(e.cost_per_year % 12 == 0),
                f::money(e.cost_per_month)
            ),
            f::days(e.days_per_year),
            f::hours(e.hours_per_year),
            // The share is rounded, and says so.
            format!(
                "{}{}",
                f::about((e.parts as i64 * 10_000) % model.total_parts() as i64 == 0),
                f::percent(e.share)
            )
        ]
    );
    for id in [
        "calc-postes",
        "calc-serveurs",
        "calc-personnes",
        "calc-mode-parts",
        "calc-mode-budget",
    ] {
        assert_eq!(
            page.select(&format!("div.calculateur form #{id}")).len(),
            1,
            "the pre-rendered form has #{id}"
        );
    }
    // The page's own table of parts (in its text, not the calculator's)
    // is printed from the model.
    let rows: Vec<Vec<String>> = page
        .select("main table:not(.calc-table)")
        .into_iter()
        .flat_map(html::table_rows)
        .collect();
    let three = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "3"))
        .expect("a row for 3 parts in the page's table");
    assert_eq!(
        three[1..],
        [
            f::money(model.cost_of(3)),
            f::money(model.monthly_cost_of(3)),
            f::days(model.days_of(3)),
            f::percent(model.share_of(3)),
        ]
    );
}

#[test]
fn pricing_page_opens_with_its_summary_and_a_link_to_the_calculator() {
    let page = Page::parse(site().text("combien-ca-coute/index.html"));
    // What a reader meets first under the title: the one-line summary,
    // then the contents list, then the long explanation.
    let order: Vec<String> = page
        .select("article > *")
        .into_iter()
        .map(|e| {
            let classes: Vec<&str> = e.value().classes().collect();
            format!("{}.{}", e.value().name(), classes.join("."))
        })
        .collect();
    assert_eq!(
        order,
        [
            "header.page-header",
            "div.content.lead",
            "nav.toc",
            "div.content"
        ],
        "summary before the contents list"
    );
    let lead = page.first(".lead").expect("the summary");
    let model = site::pricing_model(&repo_root()).expect("content/tarifs.toml");
    let price = calculator::figures::Figure::from_name("prix_part")
        .expect("a figure of the model")
        .value(&model, 1)
        .expect("the price of a part")
        .show(true);
    assert!(
        spaces(&html::text(lead)).contains(&spaces(&price)),
        "the summary gives the price of a part ({price}): {}",
        html::text(lead)
    );
    let to_calculator = html::select_in(lead, "a")
        .into_iter()
        .filter_map(|a| a.value().attr("href"))
        .any(|href| href.ends_with("#estimation"));
    assert!(to_calculator, "a link straight to the calculator");
    assert!(
        page.ids().contains("estimation"),
        "the calculator's heading"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let again = site::build(&site::shipped_options(false, Some(BASE.into()))).unwrap();
    let first = &site().files;
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        again.files.keys().collect::<Vec<_>>(),
        "same files"
    );
    for (path, bytes) in first {
        assert!(
            again.files[path] == *bytes,
            "{path} differs between two builds"
        );
    }
}

#[test]
fn the_output_folder_holds_exactly_the_built_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    // The built files, plus the marker that lets the next build replace
    // the folder (one French line saying so).
    let written_without_marker = || {
        let mut written = site::read_tree(&out).unwrap();
        let marker = written.remove(".site-gen").expect("the .site-gen marker");
        let marker = String::from_utf8(marker).unwrap();
        assert!(
            marker.contains("construit par site-gen") && marker.lines().count() == 1,
            "{marker:?}"
        );
        written
    };
    site_gen::output::write_site(&repo_root(), &out, &site().files).unwrap();
    assert!(
        written_without_marker() == site().files,
        "public/ is exactly the build"
    );
    // Writing another site over it replaces the whole folder: a file only
    // the first one had is gone, a changed file has its new bytes.
    let mut next = site().files.clone();
    let gone = next.remove("faq/index.html").expect("the FAQ page");
    assert!(!gone.is_empty());
    next.insert("index.html".into(), b"<!DOCTYPE html><p>v2</p>".to_vec());
    site_gen::output::write_site(&repo_root(), &out, &next).unwrap();
    assert!(
        written_without_marker() == next,
        "public/ is exactly the second build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers,
        ["public"],
        "no staging folder left beside the output"
    );
}

/// Replaces the first line of `file` starting with `prefix` by `new`;
/// returns its 1-based number.
fn break_line(file: &Path, prefix: &str, new: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("{prefix} in {}", file.display()));
    lines[i] = new.to_string();
    std::fs::write(file, lines.join("\n") + "\n").unwrap();
    i + 1
}

#[test]
fn a_failed_build_names_file_and_line_of_every_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site::copy_site_sources(&root).unwrap();
    let opts = site_gen::BuildOptions {
        root: root.clone(),
        include_drafts: false,
        base_url: Some(BASE.into()),
        widget: false,
        image_cache: None,
    };
    site::build(&opts).expect("the copied site builds");

    // Two mistakes in two files: a misspelt front matter key and a bad
    // number in the pricing data.
    let faq_line = break_line(
        &root.join("content/faq.md"),
        "title = ",
        "titre = \"Questions fréquentes\"",
    );
    let data_line = break_line(
        &root.join("content/tarifs.toml"),
        "parts = ",
        "parts = \"douze\"",
    );

    let diags = site_gen::build(&opts).expect_err("a broken front matter must fail the build");
    let report = diags.to_string();
    let faq = diags
        .iter()
        .find(|d| d.file.ends_with("content/faq.md"))
        .unwrap_or_else(|| panic!("the error names content/faq.md:\n{report}"));
    assert_eq!(
        faq.line,
        Some(faq_line),
        "the error points at the misspelt key's line:\n{report}"
    );
    assert!(
        faq.message.contains("titre"),
        "the message names the key:\n{report}"
    );
    assert!(
        report.contains(&format!("content/faq.md:{faq_line}")),
        "file:line in the report:\n{report}"
    );
    let data = diags
        .iter()
        .find(|d| d.file.ends_with("content/tarifs.toml"))
        .unwrap_or_else(|| {
            panic!("the error names content/tarifs.toml too (all problems at once):\n{report}")
        });
    assert_eq!(data.line, Some(data_line), "{report}");
}

/// A copy of the shipped site built once by `site-gen build` into
/// `public/` beside it: what a user has before a build that fails.
struct Published {
    dir: tempfile::TempDir,
    root: std::path::PathBuf,
    out: std::path::PathBuf,
    before: BTreeMap<String, Vec<u8>>,
}

/// A paragraph added to the FAQ, so that the next build's output differs
/// from the published one (a build that wrote anything would show).
const NEW_TEXT: &str = "Paragraphe ajouté après la publication.";

impl Published {
    fn new() -> Published {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        site::copy_site_sources(&root).unwrap();
        let out = dir.path().join("public");
        let published = cli::run(cli::build_command(&root, &out).arg("--no-widget")).unwrap();
        assert!(published.status.success(), "{}", cli::describe(&published));
        let before = site::read_tree(&out).unwrap();
        assert!(
            before.contains_key("faq/index.html"),
            "the site was written"
        );
        let faq = root.join("content/faq.md");
        let text = std::fs::read_to_string(&faq).unwrap();
        std::fs::write(&faq, format!("{text}\n{NEW_TEXT}\n")).unwrap();
        Published {
            dir,
            root,
            out,
            before,
        }
    }

    /// `site-gen build --no-widget` of the edited copy.
    fn build(&self) -> std::process::Command {
        let mut cmd = cli::build_command(&self.root, &self.out);
        cmd.arg("--no-widget");
        cmd
    }

    /// After a failed build: `public/` byte for byte as published, and
    /// nothing else beside it (no staging folder, no lock file).
    fn assert_untouched(&self, what: &str) {
        let after = site::read_tree(&self.out).unwrap();
        let changed: Vec<&String> = self
            .before
            .keys()
            .chain(after.keys())
            .filter(|k| self.before.get(*k) != after.get(*k))
            .collect();
        assert!(
            changed.is_empty(),
            "{what}: the published site was modified: {changed:?}"
        );
        let mut beside: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        beside.sort();
        assert_eq!(beside, ["public", "site"], "{what}: left beside the output");
    }

    /// The build that failed would have changed `public/`: once the
    /// problem is gone, the same command writes the new text.
    fn assert_next_build_writes(&self) {
        let ok = cli::run(&mut self.build()).unwrap();
        assert!(ok.status.success(), "{}", cli::describe(&ok));
        let faq = site::read_tree(&self.out).unwrap()["faq/index.html"].clone();
        assert!(
            Page::parse(&String::from_utf8(faq).unwrap())
                .text()
                .contains(NEW_TEXT),
            "the repaired build publishes the new paragraph"
        );
    }
}

#[test]
fn a_build_failing_at_render_time_leaves_the_previous_site() {
    let site = Published::new();
    // A variable that does not exist, in the template of every page: Tera
    // only finds out while rendering, after loading, placing, compiling
    // and rendering the Markdown of every page.
    let template = site.root.join("themes/default/templates/page.html");
    let original = std::fs::read_to_string(&template).unwrap();
    let broken = original.replacen(
        "{{ page.content",
        "{{ page.champ_inexistant }}{{ page.content",
        1,
    );
    assert_ne!(broken, original, "page.html prints page.content");
    std::fs::write(&template, &broken).unwrap();

    let failed = cli::run(&mut site.build()).unwrap();
    let report = cli::describe(&failed);
    assert!(!failed.status.success(), "the build must fail: {report}");
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("page.html") && stderr.contains("champ_inexistant"),
        "the error names the template and the variable: {report}"
    );
    assert!(
        stderr.contains("le site précédent n’a pas été modifié"),
        "the report says the site was left as it was: {report}"
    );
    site.assert_untouched("render-time error");

    std::fs::write(&template, &original).unwrap();
    site.assert_next_build_writes();
}

#[test]
fn a_build_failing_while_writing_leaves_the_previous_site() {
    let site = Published::new();
    // Files over 8 KiB cannot be written (`ulimit -f`, with SIGXFSZ
    // ignored so that the write fails with EFBIG instead of killing the
    // process): the build succeeds, then fails while it writes the new
    // site beside the old one.
    const LIMIT: usize = 8 * 1024;
    assert!(
        site.before.values().any(|b| b.len() > LIMIT)
            && site.before.values().any(|b| b.len() < LIMIT),
        "the site has files over and under the limit"
    );
    let build = site.build();
    let mut limited = std::process::Command::new("sh");
    limited
        .arg("-c")
        .arg(format!(
            "ulimit -f {} && trap '' XFSZ && exec \"$0\" \"$@\"",
            LIMIT / 512
        ))
        .arg(build.get_program())
        .args(build.get_args());

    let failed = cli::run(&mut limited).unwrap();
    let report = cli::describe(&failed);
    assert!(!failed.status.success(), "the write must fail: {report}");
    assert_eq!(
        failed.status.code(),
        Some(1),
        "site-gen reports the failure (not killed by a signal): {report}"
    );
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("le site n’a pas été écrit") && stderr.contains("File too large"),
        "the error says the site was not written, and why: {report}"
    );
    // The failure came from writing the new site beside the old one.
    assert!(
        stderr.contains(&format!(
            "écriture impossible dans {}",
            site.dir.path().join(".public.nouveau-").display()
        )),
        "the failed write was in the staging folder: {report}"
    );
    site.assert_untouched("write error");

    site.assert_next_build_writes();
}
