//! Internal links of the HTML output, rewritten once every page is rendered.
//!
//! Templates and `@/` links produce absolute URLs (`base_url` + path).
//! Two publishing situations need more:
//!
//! - **Relative URLs** (`relative_urls = true`): every link to the site
//!   becomes relative to the page (`../faq/index.html`), so that `public/`
//!   works from any sub-path, any host, or straight from the disk
//!   (`file://`). Links to folders get `index.html` appended (a browser
//!   opening files does not look for it). `?query` and `#fragment` are kept.
//!   What must stay absolute does: `<link rel="canonical">`, `hreflang`
//!   alternates, `<meta property="og:url">` (only the `content` of
//!   `<meta http-equiv="refresh">` is a link), JSON-LD (a script), the feed
//!   and the sitemap (not HTML). `404.html` is left alone: a server shows it
//!   at any path, where relative links would break.
//! - **Absolute URLs under a sub-path** (`base_url = "https://example.org/amie"`):
//!   a root-relative link written in Markdown or raw HTML (`/faq/`) means the
//!   site's page, like `get_url(path="/faq/")`, so it is made absolute under
//!   the base URL (`https://example.org/amie/faq/`); on the server's root it
//!   would leave the site. With a base URL without a path nothing changes.
//!
//! Pages are read with the site's HTML tokenizer (`html`): comments,
//! `<!DOCTYPE>`, end tags and the text of `script`, `style`, `textarea`,
//! `title`… hold no links. Attribute values keep their escaping: only the
//! URL part of a value is replaced, everything else of the page is copied
//! byte for byte.

use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;

use crate::config::Config;
use crate::html::{start_tags, StartTag};
use crate::templates::escape;
use crate::urls::{base_path, page_path};

/// The output file that a server shows for any missing path.
pub const NOT_FOUND_PAGE: &str = "404.html";

/// Rewrites the HTML pages of a build for `config`'s URL mode: relative
/// links when `relative_urls` is set (every `.html` file but `404.html`),
/// else root-relative links made absolute when `base_url` has a path.
///
/// Call it on the rendered pages (documents, 404, aliases), before the
/// static files are added: a site's own static HTML is copied as is.
pub fn rewrite_outputs(files: &mut BTreeMap<String, Vec<u8>>, config: &Config) {
    if !rewrites_anything(config) {
        return;
    }
    files.par_iter_mut().for_each(|(name, bytes)| {
        if let Some(new) = rewrite_html(name, bytes, config) {
            *bytes = new.into_bytes();
        }
    });
}

/// One rendered page published as `output` (`faq/index.html`), its links
/// in `config`'s URL mode (see [`rewrite_outputs`]); other files and pages
/// that need no change come back as they were.
pub fn rewrite_page(output: &str, html: Vec<u8>, config: &Config) -> Vec<u8> {
    if !rewrites_anything(config) {
        return html;
    }
    match rewrite_html(output, &html, config) {
        Some(new) => new.into_bytes(),
        None => html,
    }
}

/// False when no page can change: absolute URLs without a sub-path.
fn rewrites_anything(config: &Config) -> bool {
    config.relative_urls || !base_path(config.base_url()).is_empty()
}

/// The new text of `output`, or `None` when it is not a page to rewrite.
fn rewrite_html(output: &str, bytes: &[u8], config: &Config) -> Option<String> {
    let relative = config.relative_urls;
    if !output.ends_with(".html") || (relative && output == NOT_FOUND_PAGE) {
        return None;
    }
    let html = std::str::from_utf8(bytes).ok()?;
    let base = config.base_url();
    Some(if relative {
        relativize(html, &page_path(output), base)
    } else {
        absolutize_root_relative(html, base)
    })
}

/// Makes every link of `html` to the site at `base_url` (absolute, or
/// root-relative: `/faq/`) relative to the page at `page_path` (its URL
/// path: `/services/assistance/`, `/`, `/faq.html`). See the module doc for
/// what is rewritten and what stays absolute.
pub fn relativize(html: &str, page_path: &str, base_url: &str) -> String {
    let base = escape(base_url.trim_end_matches('/'));
    rewrite(html, |value| {
        let target = site_path(value, &base)?;
        Some(relative_url(page_path, target))
    })
}

/// Makes root-relative links (`/faq/`, not `//host/`) absolute under
/// `base_url`; the identity when `base_url` has no path.
pub fn absolutize_root_relative(html: &str, base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    if base_path(base).is_empty() {
        return html.to_string();
    }
    let base = escape(base);
    rewrite(html, |value| {
        is_root_relative(value).then(|| format!("{base}{value}"))
    })
}

fn is_root_relative(value: &str) -> bool {
    value.starts_with('/') && !value.starts_with("//")
}

/// The site path (with its `?query` / `#fragment`) a link value points to:
/// `{base}/faq/#x` → `/faq/#x`, `{base}` → `/`, `/faq/` → `/faq/`; `None`
/// for anything else (other sites, `mailto:`, relative links, `#x`).
fn site_path<'v>(value: &'v str, escaped_base: &str) -> Option<std::borrow::Cow<'v, str>> {
    if let Some(rest) = value.strip_prefix(escaped_base) {
        if rest.is_empty() {
            return Some("/".into());
        }
        if rest.starts_with('/') {
            return Some(rest.into());
        }
        if rest.starts_with(['?', '#']) {
            return Some(format!("/{rest}").into());
        }
        // `https://amie.example.org` is not under `https://amie.example`.
    }
    is_root_relative(value).then_some(value.into())
}

/// The URL of site path `target` (`/faq/?a=1#x`) relative to the page at
/// `page_path`; folders get `index.html`.
fn relative_url(page_path: &str, target: std::borrow::Cow<'_, str>) -> String {
    let split = target.find(['?', '#']).unwrap_or(target.len());
    let (path, suffix) = target.split_at(split);
    if path == page_path && suffix.starts_with('#') {
        // Same page: the fragment alone (no reload).
        return suffix.to_string();
    }
    let from_dir = &page_path[..page_path.rfind('/').map_or(0, |i| i + 1)];
    let from: Vec<&str> = segments(from_dir);
    let slash = path.rfind('/').map_or(0, |i| i + 1);
    let (to_dir, file) = path.split_at(slash);
    let to: Vec<&str> = segments(to_dir);
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    for seg in &to[common..] {
        out.push_str(seg);
        out.push('/');
    }
    out.push_str(if file.is_empty() { "index.html" } else { file });
    out.push_str(suffix);
    out
}

/// `/a/b/` → `["a", "b"]`, `/` → `[]`.
fn segments(dir: &str) -> Vec<&str> {
    let inner = dir.trim_start_matches('/').trim_end_matches('/');
    if inner.is_empty() {
        Vec::new()
    } else {
        inner.split('/').collect()
    }
}

/// A `<link>` whose URL must stay absolute: canonical, or an alternate
/// language version (`hreflang`), as search engines require.
fn keeps_absolute_href(tag: &StartTag) -> bool {
    if tag.name != "link" {
        return false;
    }
    let rel = tag.value("rel").unwrap_or("").to_ascii_lowercase();
    let rels: Vec<&str> = rel.split_ascii_whitespace().collect();
    rels.contains(&"canonical") || (rels.contains(&"alternate") && tag.attr("hreflang").is_some())
}

/// Applies `map` to every URL-valued attribute of `html` (a `None` keeps
/// the value); everything else is copied unchanged.
fn rewrite(html: &str, map: impl Fn(&str) -> Option<String>) -> String {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for tag in start_tags(html) {
        for attr in &tag.attrs {
            let range = &attr.raw;
            let value = &html[range.clone()];
            match attr.name.as_str() {
                "href" if keeps_absolute_href(&tag) => {}
                "href" | "src" | "poster" | "action" | "formaction" | "cite" => {
                    single(value, range, &map, &mut edits);
                }
                "data" if tag.name == "object" => single(value, range, &map, &mut edits),
                "srcset" | "imagesrcset" => srcset(value, range.start, &map, &mut edits),
                "content"
                    if tag.name == "meta"
                        && tag
                            .value("http-equiv")
                            .is_some_and(|v| v.eq_ignore_ascii_case("refresh")) =>
                {
                    refresh(value, range.start, &map, &mut edits);
                }
                _ => {}
            }
        }
    }
    if edits.is_empty() {
        return html.to_string();
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for (range, new) in edits {
        if range.start < at {
            continue; // Overlap: cannot happen with ranges from one scan.
        }
        out.push_str(&html[at..range.start]);
        out.push_str(&new);
        at = range.end;
    }
    out.push_str(&html[at..]);
    out
}

/// A single-URL attribute (surrounding spaces are allowed by HTML).
fn single(
    value: &str,
    range: &Range<usize>,
    map: &impl Fn(&str) -> Option<String>,
    edits: &mut Vec<(Range<usize>, String)>,
) {
    let trimmed = value.trim_matches(is_html_space);
    let lead = value.len() - value.trim_start_matches(is_html_space).len();
    if let Some(new) = map(trimmed) {
        let start = range.start + lead;
        edits.push((start..start + trimmed.len(), new));
    }
}

/// `srcset="a.png 1x, b.png 2x"`: each candidate's URL.
fn srcset(
    value: &str,
    offset: usize,
    map: &impl Fn(&str) -> Option<String>,
    edits: &mut Vec<(Range<usize>, String)>,
) {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (is_html_space(b[i] as char) || b[i] == b',') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !is_html_space(b[i] as char) {
            i += 1;
        }
        let mut end = i;
        // A comma right after the URL separates candidates.
        while end > start && b[end - 1] == b',' {
            end -= 1;
        }
        if end > start {
            if let Some(new) = map(&value[start..end]) {
                edits.push((offset + start..offset + end, new));
            }
        }
        if end < i {
            continue; // The URL ended with a comma: no descriptor.
        }
        // Skip the descriptor, up to the next comma.
        while i < b.len() && b[i] != b',' {
            i += 1;
        }
    }
}

/// `content="0; url=https://…"` of `<meta http-equiv="refresh">`.
fn refresh(
    value: &str,
    offset: usize,
    map: &impl Fn(&str) -> Option<String>,
    edits: &mut Vec<(Range<usize>, String)>,
) {
    let lower = value.to_ascii_lowercase();
    let Some(i) = lower.find("url=") else {
        return;
    };
    let mut start = i + 4;
    let mut end = value.len();
    let rest = &value[start..];
    if let Some(q) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
        start += 1;
        end = value[start..].find(q).map_or(end, |e| start + e);
    }
    let url = value[start..end].trim_end_matches(is_html_space);
    if let Some(new) = map(url) {
        edits.push((offset + start..offset + start + url.len(), new));
    }
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://amie.example";

    fn rel(html: &str, page: &str) -> String {
        relativize(html, page, BASE)
    }

    #[test]
    fn sub_page_links() {
        let page = "/services/assistance/";
        let cases = [
            ("https://amie.example/", "../../index.html"),
            ("https://amie.example", "../../index.html"),
            ("https://amie.example/services/", "../index.html"),
            ("https://amie.example/services/assistance/", "index.html"),
            (
                "https://amie.example/services/formations/",
                "../formations/index.html",
            ),
            ("https://amie.example/faq/", "../../faq/index.html"),
            (
                "https://amie.example/style.css?h=0123456789",
                "../../style.css?h=0123456789",
            ),
            (
                "https://amie.example/faq/#combien",
                "../../faq/index.html#combien",
            ),
            ("https://amie.example/services/assistance/#haut", "#haut"),
            (
                "https://amie.example/services/assistance/?x=1#haut",
                "index.html?x=1#haut",
            ),
            ("https://amie.example?parts=2", "../../index.html?parts=2"),
            ("https://amie.example#x", "../../index.html#x"),
            ("/faq/", "../../faq/index.html"),
            ("/", "../../index.html"),
        ];
        for (from, to) in cases {
            let html = format!(r#"<a href="{from}">x</a>"#);
            assert_eq!(
                rel(&html, page),
                format!(r#"<a href="{to}">x</a>"#),
                "{from}"
            );
        }
    }

    #[test]
    fn home_page_links() {
        let html = r#"<link rel="stylesheet" href="https://amie.example/style.css?h=1"><a href="https://amie.example/">a</a><a href="https://amie.example/services/assistance/">b</a><img src="https://amie.example/logo.svg?h=2" alt="">"#;
        assert_eq!(
            rel(html, "/"),
            r#"<link rel="stylesheet" href="style.css?h=1"><a href="index.html">a</a><a href="services/assistance/index.html">b</a><img src="logo.svg?h=2" alt="">"#
        );
    }

    #[test]
    fn html_url_style() {
        let html = r#"<a href="https://amie.example/services/assistance.html">a</a><a href="https://amie.example/faq.html#q">b</a><a href="https://amie.example/services/">c</a><a href="https://amie.example/faq.html#x">d</a>"#;
        assert_eq!(
            rel(html, "/services/formations.html"),
            r#"<a href="assistance.html">a</a><a href="../faq.html#q">b</a><a href="index.html">c</a><a href="../faq.html#x">d</a>"#
        );
        assert_eq!(
            rel(
                r#"<a href="https://amie.example/faq.html#x">d</a>"#,
                "/faq.html"
            ),
            r##"<a href="#x">d</a>"##
        );
    }

    #[test]
    fn other_hosts_schemes_and_relative_links_are_untouched() {
        let html = concat!(
            r#"<a href="https://amie.example.org/x">1</a>"#,
            r#"<a href="https://amie.examplefoo">2</a>"#,
            r#"<a href="http://amie.example/">3</a>"#,
            r#"<a href="//amie.example/">4</a>"#,
            r#"<a href="mailto:contact@amie.example">5</a>"#,
            r#"<a href="tel:0500000000">6</a>"#,
            r##"<a href="#contenu">7</a>"##,
            r#"<a href="deja/relatif/">8</a>"#,
            r#"<a href="https://autre.example/https://amie.example/">9</a>"#,
        );
        assert_eq!(rel(html, "/faq/"), html);
    }

    #[test]
    fn canonical_hreflang_og_and_json_ld_stay_absolute() {
        let html = concat!(
            r#"<link rel="canonical" href="https://amie.example/faq/">"#,
            r#"<link rel="alternate" hreflang="fr" href="https://amie.example/faq/">"#,
            r#"<link rel="alternate" hreflang="x-default" href="https://amie.example/faq/">"#,
            r#"<meta property="og:url" content="https://amie.example/faq/">"#,
            r#"<meta property="og:image" content="https://amie.example/logo.svg">"#,
            r#"<script type="application/ld+json">{"url":"https://amie.example/","a":"<a href=\"https://amie.example/\">"}</script>"#,
        );
        assert_eq!(rel(html, "/faq/"), html);
        // The feed link is an ordinary link.
        let feed = r#"<link rel="alternate" type="application/atom+xml" href="https://amie.example/atom.xml">"#;
        assert_eq!(
            rel(feed, "/faq/"),
            r#"<link rel="alternate" type="application/atom+xml" href="../atom.xml">"#
        );
    }

    #[test]
    fn every_url_attribute_and_refresh() {
        let html = concat!(
            r#"<img src="https://amie.example/a.png" srcset="https://amie.example/a.png 1x, https://amie.example/b.png 2x,https://amie.example/c.png, https://autre.example/d.png 3x">"#,
            r#"<video poster="https://amie.example/p.jpg" src="/v.webm"></video>"#,
            r#"<form action="https://amie.example/contact/"><button formaction="/envoi/">x</button></form>"#,
            r#"<blockquote cite="https://amie.example/faq/"></blockquote>"#,
            r#"<object data="/doc.pdf"></object><div data="/doc.pdf"></div>"#,
            r#"<meta http-equiv="refresh" content="0; url=https://amie.example/combien-ca-coute/">"#,
            r#"<script type="module" src="https://amie.example/assets/calculateur.abc.js"></script>"#,
        );
        let expected = concat!(
            r#"<img src="../a.png" srcset="../a.png 1x, ../b.png 2x,../c.png, https://autre.example/d.png 3x">"#,
            r#"<video poster="../p.jpg" src="../v.webm"></video>"#,
            r#"<form action="../contact/index.html"><button formaction="../envoi/index.html">x</button></form>"#,
            r#"<blockquote cite="index.html"></blockquote>"#,
            r#"<object data="../doc.pdf"></object><div data="/doc.pdf"></div>"#,
            r#"<meta http-equiv="refresh" content="0; url=../combien-ca-coute/index.html">"#,
            r#"<script type="module" src="../assets/calculateur.abc.js"></script>"#,
        );
        assert_eq!(rel(html, "/faq/"), expected);
    }

    #[test]
    fn escaping_quotes_case_and_odd_markup() {
        let html = concat!(
            "<!-- <a href=\"https://amie.example/faq/\"> -->",
            "<A HREF='https://amie.example/faq/?a=1&amp;b=2'>x</A>",
            "<a href=https://amie.example/faq/ class=x>y</a>",
            "<a href=\" https://amie.example/faq/ \">z</a>",
            "<style>a[href=\"https://amie.example/\"]{}</style>",
            "<textarea><a href=\"https://amie.example/\"></textarea>",
            "<p>1 < 2 <a href=\"/faq/\" hidden>t</a></p>",
            "<code>&lt;a href=\"https://amie.example/\"&gt;</code>",
        );
        let expected = concat!(
            "<!-- <a href=\"https://amie.example/faq/\"> -->",
            "<A HREF='../faq/index.html?a=1&amp;b=2'>x</A>",
            "<a href=../faq/index.html class=x>y</a>",
            "<a href=\" ../faq/index.html \">z</a>",
            "<style>a[href=\"https://amie.example/\"]{}</style>",
            "<textarea><a href=\"https://amie.example/\"></textarea>",
            "<p>1 < 2 <a href=\"../faq/index.html\" hidden>t</a></p>",
            "<code>&lt;a href=\"https://amie.example/\"&gt;</code>",
        );
        assert_eq!(rel(html, "/services/"), expected);
        // Truncated markup never panics.
        for cut in [
            "<a href=\"https://amie.example/",
            "<a href=",
            "<a",
            "<",
            "<!--",
            "<script>",
        ] {
            let _ = rel(cut, "/");
        }
    }

    #[test]
    fn pages_are_read_as_a_browser_reads_them() {
        // What `check` and this module once read differently, now read by
        // the one tokenizer: `<!-->` is a whole comment, the text of
        // `<iframe>` holds no tags, a repeated attribute is ignored,
        // attribute values are decoded before they are compared.
        let html = concat!(
            "<!--><a href=\"https://amie.example/faq/\">a</a>",
            "<iframe><a href=\"https://amie.example/faq/\"></iframe>",
            "<a href=\"/faq/\" href=\"/autre/\">b</a>",
            "<link rel=\"can&#111;nical\" href=\"https://amie.example/faq/\">",
            "<a =x href=/faq/>c</a>",
        );
        let expected = concat!(
            "<!--><a href=\"../faq/index.html\">a</a>",
            "<iframe><a href=\"https://amie.example/faq/\"></iframe>",
            "<a href=\"../faq/index.html\" href=\"/autre/\">b</a>",
            "<link rel=\"can&#111;nical\" href=\"https://amie.example/faq/\">",
            "<a =x href=../faq/index.html>c</a>",
        );
        assert_eq!(rel(html, "/services/"), expected);
    }

    #[test]
    fn base_url_with_a_path() {
        let base = "https://example.org/amie/";
        let html = r#"<a href="https://example.org/amie/faq/">a</a><a href="https://example.org/autre/">b</a><a href="/faq/">c</a>"#;
        assert_eq!(
            relativize(html, "/services/", base),
            r#"<a href="../faq/index.html">a</a><a href="https://example.org/autre/">b</a><a href="../faq/index.html">c</a>"#
        );
        assert_eq!(
            absolutize_root_relative(html, base),
            r#"<a href="https://example.org/amie/faq/">a</a><a href="https://example.org/autre/">b</a><a href="https://example.org/amie/faq/">c</a>"#
        );
        // No path: nothing to do.
        assert_eq!(absolutize_root_relative(html, "https://example.org"), html);
        let other = r##"<a href="//cdn.example/x">a</a><a href="#x">b</a><link rel="canonical" href="/faq/">"##;
        assert_eq!(absolutize_root_relative(other, base), other);
    }

    #[test]
    fn outputs_follow_the_config() {
        let page =
            br#"<a href="https://example.org/amie/faq/">a</a><a href="/faq/">b</a>"#.to_vec();
        let files = || {
            BTreeMap::from([
                ("index.html".to_string(), page.clone()),
                ("404.html".to_string(), page.clone()),
                ("faq/index.html".to_string(), page.clone()),
                ("sitemap.xml".to_string(), page.clone()),
            ])
        };
        let mut config = Config {
            base_url: "https://example.org/amie".into(),
            relative_urls: true,
            ..Config::default()
        };
        let mut f = files();
        rewrite_outputs(&mut f, &config);
        let text =
            |f: &BTreeMap<String, Vec<u8>>, k: &str| String::from_utf8(f[k].clone()).unwrap();
        assert_eq!(
            text(&f, "index.html"),
            r#"<a href="faq/index.html">a</a><a href="faq/index.html">b</a>"#
        );
        assert_eq!(
            text(&f, "faq/index.html"),
            r#"<a href="index.html">a</a><a href="index.html">b</a>"#
        );
        assert_eq!(f["404.html"], page);
        assert_eq!(f["sitemap.xml"], page);

        config.relative_urls = false;
        let mut f = files();
        rewrite_outputs(&mut f, &config);
        let absolute = r#"<a href="https://example.org/amie/faq/">a</a><a href="https://example.org/amie/faq/">b</a>"#;
        assert_eq!(text(&f, "index.html"), absolute);
        assert_eq!(text(&f, "404.html"), absolute);
        assert_eq!(f["sitemap.xml"], page);

        config.base_url = "https://example.org".into();
        let mut f = files();
        rewrite_outputs(&mut f, &config);
        assert_eq!(f, files());
    }

    #[test]
    fn one_page_at_a_time() {
        let page =
            br#"<a href="https://example.org/amie/faq/">a</a><a href="/faq/">b</a>"#.to_vec();
        let config = Config {
            base_url: "https://example.org/amie/".into(),
            relative_urls: true,
            ..Config::default()
        };
        assert_eq!(
            rewrite_page("services/index.html", page.clone(), &config),
            br#"<a href="../faq/index.html">a</a><a href="../faq/index.html">b</a>"#
        );
        assert_eq!(rewrite_page("404.html", page.clone(), &config), page);
        assert_eq!(rewrite_page("atom.xml", page.clone(), &config), page);
        let absolute = Config {
            relative_urls: false,
            ..config
        };
        assert_eq!(
            rewrite_page("404.html", page.clone(), &absolute),
            br#"<a href="https://example.org/amie/faq/">a</a><a href="https://example.org/amie/faq/">b</a>"#
        );
    }
}
