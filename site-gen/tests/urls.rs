//! Publishing: the URL modes (absolute, absolute under a sub-path,
//! relative for `file://`), fingerprinted assets and the social and search
//! metadata of the built-in theme. Each test builds a small site of its own
//! (no WebAssembly).

mod common;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use common::Site;
use serde_json::Value;

/// The site of [`CONTENT`] with `site_toml`; root-relative links are
/// written for the URL style `style` (`pretty` or `html`).
fn new_site(site_toml: &str, style: &str) -> Site {
    let site = Site::new(&[("site.toml", site_toml)]);
    for (path, text) in CONTENT {
        let text = if style == "html" {
            text.replace("/faq/", "/faq.html")
                .replace("/services/assistance/", "/services/assistance.html")
        } else {
            text.to_string()
        };
        site.write(path, &text);
    }
    site
}

/// Builds: every output file.
fn files_of(site: &Site) -> BTreeMap<String, Vec<u8>> {
    site.ok().files
}

/// Builds and writes the site beside it (`<temp>/public`), as `site-gen build`.
fn build_to_disk(site: &Site) -> (PathBuf, BTreeMap<String, Vec<u8>>) {
    let files = files_of(site);
    let out = site.beside("public");
    site_gen::output::write_site(site.root(), &out, &files).expect("write the site");
    (out, files)
}

/// `check` finds nothing, and it did look at the links.
fn check_is_clean(site: &Site) {
    let report = common::check_is_clean(site);
    assert!(report.internal_links > 20, "{}", report.internal_links);
}

const MENU: &str = r#"
[[menu]]
name = "Accueil"
url = "/"
[[menu]]
name = "Services"
url = "@/services/_index.md"
[[menu]]
name = "FAQ"
url = "@/faq.md"
[organisation]
name = "L’Amie </script><!-- & cie"
email = "contact@example.org"
address = "1 place de l’Église\n00000 Sainte-Exemple"
"#;

/// Links of every kind: `@/` (with anchors), root-relative Markdown links
/// (with a query and a fragment), an image next to its page, an alias, a
/// dated news item (feed), a nested section.
const CONTENT: &[(&str, &str)] = &[
    (
        "content/_index.md",
        "+++\ntitle = \"Accueil\"\ndescription = \"L’accueil.\"\n+++\n\
         Voir [la FAQ](@/faq.md#tarifs), [les services](/services/), \
         [l’assistance](/services/assistance/?x=1#haut), \
         [les actualités](@/actualites/_index.md) et [ici](#bas).\n\n## Bas {#bas}\n",
    ),
    (
        "content/faq.md",
        "+++\ntitle = \"FAQ\"\naliases = [\"/ancienne-faq.html\", \"/vieux/chemin/\"]\n+++\n\
         ## Tarifs {#tarifs}\n\nRetour à [l’accueil](/) ou [en haut](/faq/#tarifs).\n\n\
         ![Logo](/services/schema.svg)\n",
    ),
    (
        "content/services/_index.md",
        "+++\ntitle = \"Services\"\n+++\nNos services.\n",
    ),
    (
        "content/services/assistance.md",
        "+++\ntitle = \"Assistance\"\n+++\n## Haut {#haut}\n\n![Schéma](/services/schema.svg) \
         [La FAQ](/faq/#tarifs), [maintenance](@/services/maintenance.md).\n",
    ),
    (
        "content/services/schema.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>",
    ),
    (
        "content/services/maintenance.md",
        "+++\ntitle = \"Maintenance\"\n+++\nVoir [l’assistance](@/services/assistance.md#haut).\n",
    ),
    (
        "content/actualites/_index.md",
        "+++\ntitle = \"Actualités\"\n+++\n",
    ),
    (
        "content/actualites/ag.md",
        "+++\ntitle = \"Assemblée générale\"\ndate = 2025-03-01\ndescription = \"Compte rendu.\"\n+++\n\
         Lire [la FAQ](/faq/).\n",
    ),
];

/// Every (attribute, value) of the HTML that is a link: `href`, `src`,
/// `srcset` candidates, `poster`, `action`, and the URL of a
/// `<meta http-equiv="refresh">`; outside comments and scripts.
fn links(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |e| &rest[e + 3..]);
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let is_script = tag.starts_with("<script");
        // The page's own URL, absolute on purpose.
        let own_url = tag.contains("rel=\"canonical\"") || tag.contains(" hreflang=");
        for attr in ["href", "src", "srcset", "poster", "action", "content"] {
            let needle = format!(" {attr}=\"");
            if let Some(j) = tag.find(&needle) {
                let value = &tag[j + needle.len()..];
                let value = &value[..value.find('"').unwrap_or(value.len())];
                let value = value.replace("&amp;", "&");
                match attr {
                    "srcset" => out.extend(value.split(',').filter_map(|c| {
                        c.split_whitespace()
                            .next()
                            .map(|u| (attr.to_string(), u.to_string()))
                    })),
                    "content" if tag.contains("http-equiv=\"refresh\"") => {
                        if let Some((_, url)) = value.split_once("url=") {
                            out.push(("refresh".into(), url.to_string()));
                        }
                    }
                    "content" => {}
                    _ if own_url => {}
                    _ => out.push((attr.to_string(), value)),
                }
            }
        }
        rest = &rest[end..];
        if is_script {
            rest = rest.find("</script>").map_or("", |e| &rest[e..]);
        }
        rest = rest.get(1..).unwrap_or("");
    }
    out
}

fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// `dir` joined with the relative `path`, `..` applied, never above `root`.
fn join_inside(root: &Path, dir: &Path, path: &str) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = dir
        .strip_prefix(root)
        .ok()?
        .components()
        .map(|c| c.as_os_str())
        .collect();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(p) => parts.push(p),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.iter().fold(root.to_path_buf(), |p, s| p.join(s)))
}

fn ids(html: &str) -> Vec<String> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_string))
        .collect()
}

/// Opens every page as a browser would from the disk (`file://`): each
/// internal link, taken relative to the page's file, must name an existing
/// file (no folder: nothing adds `index.html` there), and its fragment an
/// existing id. Returns how many internal links were followed.
fn assert_links_work_from_the_disk(out: &Path, files: &BTreeMap<String, Vec<u8>>, base: &str) {
    let mut followed = 0;
    let mut problems = Vec::new();
    for (name, bytes) in files {
        if !name.ends_with(".html") || name == "404.html" {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let page = out.join(name);
        let dir = page.parent().expect("page folder");
        for (attr, url) in links(&html) {
            if url.starts_with(base) {
                problems.push(format!("{name}: {attr}=\"{url}\" is still absolute"));
                continue;
            }
            if has_scheme(&url) || url.starts_with("//") {
                continue;
            }
            if url.starts_with('/') {
                problems.push(format!("{name}: {attr}=\"{url}\" is root-relative"));
                continue;
            }
            let (before_fragment, fragment) = match url.split_once('#') {
                Some((b, f)) => (b, Some(f)),
                None => (url.as_str(), None),
            };
            let path = before_fragment.split('?').next().unwrap_or("");
            followed += 1;
            let target = if path.is_empty() {
                page.clone()
            } else {
                match join_inside(out, dir, path) {
                    Some(t) => t,
                    None => {
                        problems.push(format!("{name}: {attr}=\"{url}\" leaves the site"));
                        continue;
                    }
                }
            };
            if !target.is_file() {
                problems.push(format!(
                    "{name}: {attr}=\"{url}\" → {} is not a file",
                    target.display()
                ));
                continue;
            }
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                let text = std::fs::read_to_string(&target).unwrap_or_default();
                if !ids(&text).iter().any(|id| id == f) {
                    problems.push(format!("{name}: {attr}=\"{url}\": no id « {f} »"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(followed > 40, "only {followed} internal links followed");
}

fn text<'f>(files: &'f BTreeMap<String, Vec<u8>>, name: &str) -> &'f str {
    std::str::from_utf8(
        files
            .get(name)
            .unwrap_or_else(|| panic!("{name} not built")),
    )
    .expect("UTF-8")
}

#[test]
fn relative_urls_work_from_the_disk_in_both_url_styles() {
    for style in ["pretty", "html"] {
        let site = new_site(
            &format!(
                "base_url = \"https://example.org/amie/\"\nrelative_urls = true\nurl_style = \"{style}\"\n{MENU}"
            ),
            style,
        );
        let (out, files) = build_to_disk(&site);
        assert_links_work_from_the_disk(&out, &files, "https://example.org/amie");

        let home = text(&files, "index.html");
        assert!(home.contains(r#"href="style.css?h="#), "{style}: {home}");
        assert!(home.contains(r##"href="#bas""##), "{style}");
        let faq = if style == "pretty" {
            "faq/index.html"
        } else {
            "faq.html"
        };
        let faq_page = text(&files, faq);
        // The page's own URL stays absolute: canonical, og:url, hreflang.
        let faq_url = if style == "pretty" {
            "https://example.org/amie/faq/"
        } else {
            "https://example.org/amie/faq.html"
        };
        for absolute in [
            format!(r#"<link rel="canonical" href="{faq_url}">"#),
            format!(r#"<meta property="og:url" content="{faq_url}">"#),
            format!(r#"<link rel="alternate" hreflang="fr" href="{faq_url}">"#),
            format!(r#"<link rel="alternate" hreflang="x-default" href="{faq_url}">"#),
        ] {
            assert!(
                faq_page.contains(&absolute),
                "{style}: {absolute} in\n{faq_page}"
            );
        }
        // The redirect pages too, and they stay redirects.
        let alias = text(&files, "vieux/chemin/index.html");
        let target = if style == "pretty" {
            "../../faq/index.html"
        } else {
            "../../faq.html"
        };
        assert!(
            alias.contains(&format!("url={target}\"")),
            "{style}: {alias}"
        );
        // Feed, sitemap and 404 keep absolute URLs.
        assert!(text(&files, "sitemap.xml").contains(faq_url), "{style}");
        assert!(
            text(&files, "atom.xml").contains("https://example.org/amie/"),
            "{style}"
        );
        let not_found = text(&files, "404.html");
        assert!(
            not_found.contains(r#"href="https://example.org/amie/style.css?h="#),
            "{style}: {not_found}"
        );
        assert!(
            not_found.contains(r#"href="https://example.org/amie/faq"#),
            "{style}"
        );
        check_is_clean(&site);
    }
}

#[test]
fn a_sub_path_base_url_keeps_root_relative_markdown_links_inside_the_site() {
    let site = new_site(
        &format!("base_url = \"https://example.org/amie/\"\n{MENU}"),
        "pretty",
    );
    let files = files_of(&site);
    let mut root_relative = Vec::new();
    for (name, bytes) in &files {
        if !name.ends_with(".html") {
            continue;
        }
        for (attr, url) in links(&String::from_utf8_lossy(bytes)) {
            if url.starts_with('/') && !url.starts_with("//") {
                root_relative.push(format!("{name}: {attr}=\"{url}\""));
            }
        }
    }
    assert!(root_relative.is_empty(), "{}", root_relative.join("\n"));
    let home = text(&files, "index.html");
    for link in [
        r#"href="https://example.org/amie/services/""#,
        r##"href="https://example.org/amie/services/assistance/?x=1#haut""##,
        r##"href="https://example.org/amie/faq/#tarifs""##,
    ] {
        assert!(home.contains(link), "{link} in\n{home}");
    }
    let faq = text(&files, "faq/index.html");
    assert!(faq.contains(r#"href="https://example.org/amie/""#), "{faq}");
    assert!(
        faq.contains(r#"src="https://example.org/amie/services/schema.svg""#),
        "{faq}"
    );
    check_is_clean(&site);

    // Without a sub-path, root-relative links are left as written.
    let site = new_site(
        &format!("base_url = \"https://example.org\"\n{MENU}"),
        "pretty",
    );
    let files = files_of(&site);
    assert!(text(&files, "index.html").contains(r#"href="/services/""#));
    check_is_clean(&site);
}

#[test]
fn the_stylesheet_url_follows_its_content_and_only_its_content() {
    let site = new_site(
        &format!("base_url = \"https://example.org\"\n{MENU}"),
        "pretty",
    );
    let style_urls = |files: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, String> {
        files
            .iter()
            .filter(|(name, _)| name.ends_with(".html"))
            .filter_map(|(name, bytes)| {
                let html = String::from_utf8_lossy(bytes);
                let url = links(&html)
                    .into_iter()
                    .map(|(_, u)| u)
                    .find(|u| u.contains("/style.css"))?;
                Some((name.clone(), url))
            })
            .collect()
    };
    let first = files_of(&site);
    let urls = style_urls(&first);
    // Every page but the alias redirects links to the stylesheet.
    let pages = first
        .iter()
        .filter(|(n, b)| n.ends_with(".html") && !String::from_utf8_lossy(b).contains("http-equiv"))
        .count();
    assert_eq!(urls.len(), pages, "{urls:#?}");
    let hash = site_gen::urls::content_hash(&first["style.css"]);
    for (page, url) in &urls {
        assert_eq!(
            url,
            &format!("https://example.org/style.css?h={hash}"),
            "{page}"
        );
    }
    // Stable: the same input gives the same URLs (and the same bytes).
    let second = files_of(&site);
    assert_eq!(style_urls(&second), urls);
    assert_eq!(second, first);

    // A site's own style.css (replacing the theme's) changes every URL.
    let css = "body{color:#123}\n";
    site.write("static/style.css", css);
    let third = files_of(&site);
    let new_urls = style_urls(&third);
    let new_hash = site_gen::urls::content_hash(css.as_bytes());
    assert_ne!(new_hash, hash);
    assert_eq!(new_urls.len(), urls.len());
    for (page, url) in &new_urls {
        assert_eq!(
            url,
            &format!("https://example.org/style.css?h={new_hash}"),
            "{page}"
        );
    }
    assert_eq!(third["style.css"], css.as_bytes());
    // Other assets keep their URL.
    let logo = |files: &BTreeMap<String, Vec<u8>>| {
        links(text(files, "index.html"))
            .into_iter()
            .find(|(_, u)| u.contains("logo.svg"))
            .map(|(_, u)| u)
    };
    assert!(logo(&first).is_some());
    assert_eq!(logo(&first), logo(&third));
}

/// The content of `<meta property="NAME" content="…">`.
fn meta_property(html: &str, name: &str) -> Option<String> {
    let needle = format!(r#"<meta property="{name}" content=""#);
    let rest = &html[html.find(&needle)? + needle.len()..];
    Some(rest[..rest.find('"')?].to_string())
}

#[test]
fn open_graph_hreflang_and_organisation_structured_data() {
    let site = new_site(
        &format!(
            "base_url = \"https://example.org\"\ntitle = \"Amie\"\ndescription = \"Le site.\"\n{MENU}"
        ),
        "pretty",
    );
    let files = files_of(&site);
    let home = text(&files, "index.html");
    assert_eq!(meta_property(home, "og:title").as_deref(), Some("Accueil"));
    assert_eq!(
        meta_property(home, "og:description").as_deref(),
        Some("L’accueil.")
    );
    assert_eq!(
        meta_property(home, "og:url").as_deref(),
        Some("https://example.org/")
    );
    assert_eq!(meta_property(home, "og:type").as_deref(), Some("website"));
    assert_eq!(meta_property(home, "og:locale").as_deref(), Some("fr_FR"));
    assert_eq!(meta_property(home, "og:site_name").as_deref(), Some("Amie"));
    assert!(home.contains(r#"<link rel="alternate" hreflang="fr" href="https://example.org/">"#));
    assert!(
        home.contains(r#"<link rel="alternate" hreflang="x-default" href="https://example.org/">"#)
    );

    let news = text(&files, "actualites/ag/index.html");
    assert_eq!(meta_property(news, "og:type").as_deref(), Some("article"));
    assert_eq!(
        meta_property(news, "article:published_time").as_deref(),
        Some("2025-03-01")
    );
    assert_eq!(
        meta_property(news, "og:title").as_deref(),
        Some("Assemblée générale")
    );
    let not_found = text(&files, "404.html");
    assert!(!not_found.contains("og:url") && !not_found.contains("canonical"));

    // JSON-LD: one block on the home page, valid JSON, and the name written
    // in site.toml (with `</script>` in it) cannot end the element.
    let start = r#"<script type="application/ld+json">"#;
    assert_eq!(home.matches(start).count(), 1);
    let block = &home[home.find(start).unwrap() + start.len()..];
    let block = &block[..block.find("</script>").unwrap()];
    assert!(!block.contains('<'), "{block}");
    let data: Value = serde_json::from_str(block).unwrap_or_else(|e| panic!("{e}: {block}"));
    assert_eq!(data["@context"], "https://schema.org");
    assert_eq!(data["@type"], "Organization");
    assert_eq!(data["name"], "L’Amie </script><!-- & cie");
    assert_eq!(data["url"], "https://example.org/");
    assert_eq!(data["email"], "contact@example.org");
    assert_eq!(data["address"], "1 place de l’Église\n00000 Sainte-Exemple");
    assert!(data["logo"]
        .as_str()
        .unwrap()
        .starts_with("https://example.org/logo.svg?h="));
    assert!(!text(&files, "faq/index.html").contains("application/ld+json"));
}
