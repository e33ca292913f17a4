//! Files beside the Markdown: images, PDFs and pages named relative to the
//! `.md` file (as an editor's preview shows them) or by `@/`, published at
//! the URL of the file `content/` copies, in every URL mode; a missing one
//! stops the build at its line and column, in French.

mod common;

use common::images::{png, size_of};
use common::{assert_error, check_is_clean, page, stderr, Site, BUILD, HOME};

const SECTION: (&str, &str) = (
    "content/actualites/_index.md",
    "+++\ntitle = \"Actualités\"\n+++\nL’affiche : ![Affiche](affiche.png)\n",
);

/// The images of [`files_site`], each of its own width (10 × 10, 11 × 10…)
/// so the published one tells which it is (images are re-encoded).
const IMAGES: &[&str] = &[
    "actualites/photo.png",
    "actualites/stand.png",
    "actualites/affiche.png",
    "actualites/images/photo.png",
    "actualites/Affiche de la fête.png",
];

/// The width of the image `output` of [`IMAGES`] as published.
fn image_width(built: &site_gen::BuiltSite, output: &str) -> u32 {
    size_of(&built.files[output]).0
}

fn expected_width(output: &str) -> u32 {
    10 + IMAGES.iter().position(|i| *i == output).unwrap() as u32
}

/// The stand page, its files, a sibling folder's file and pages to link to.
fn files_site(site_toml: &str) -> Site {
    let site = files_site_without_images(site_toml);
    for (i, image) in IMAGES.iter().enumerate() {
        site.write_bytes(&format!("content/{image}"), &png(10 + i as u32, 10));
    }
    site
}

fn files_site_without_images(site_toml: &str) -> Site {
    Site::new(&[
        HOME,
        ("site.toml", site_toml),
        SECTION,
        (
            "content/actualites/stand.md",
            "+++\ntitle = \"Le stand\"\n+++\n\
             ![Le stand](photo.png)\n\n\
             [Le bulletin](bulletin.pdf) et [les tarifs](../services/tarifs.pdf).\n\n\
             ![De près](images/photo.png) ![Par @/](@/actualites/stand.png)\n\n\
             [La FAQ](../faq.md#tarifs), [l’AG](ag.md), [la rubrique](./_index.md).\n\n\
             ![Encodée](Affiche%20de%20la%20f%C3%AAte.png) ![Telle quelle](<Affiche de la fête.png>)\n",
        ),
        (
            "content/actualites/ag.md",
            "+++\ntitle = \"AG\"\n+++\nLe compte rendu.\n",
        ),
        (
            "content/faq.md",
            "+++\ntitle = \"FAQ\"\n+++\n## Tarifs {#tarifs}\n\nTout.\n",
        ),
        ("content/services/_index.md", "+++\ntitle = \"Services\"\n+++\n"),
        ("content/actualites/bulletin.pdf", "%PDF bulletin"),
        ("content/services/tarifs.pdf", "%PDF tarifs"),
    ])
}

/// The `src` or `href` values of `html`, in order.
fn attrs(html: &str, name: &str) -> Vec<String> {
    let key = format!(" {name}=\"");
    html.split(&key)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

/// The output files a stand page's links point at: each `src`/`href`
/// (absolute, under `base`) names an output file with the expected bytes.
/// (Images: their bytes are re-encoded, see [`IMAGES`].)
const EXPECTED: &[(&str, &str)] = &[
    ("actualites/photo.png", ""),
    ("actualites/bulletin.pdf", "%PDF bulletin"),
    ("services/tarifs.pdf", "%PDF tarifs"),
    ("actualites/images/photo.png", ""),
    ("actualites/stand.png", ""),
];

#[test]
fn files_and_pages_beside_the_markdown_get_their_published_url() {
    let site = files_site("base_url = \"https://example.org\"\n");
    let built = site.ok();
    let html = page(&built, "actualites/stand/index.html");
    let urls: Vec<String> = attrs(&html, "src")
        .into_iter()
        .chain(attrs(&html, "href"))
        .filter(|u| !u.contains("?h=") && !u.ends_with(".xml"))
        .collect();
    for (output, bytes) in EXPECTED {
        let url = format!("https://example.org/{output}");
        assert!(urls.contains(&url), "{url} in {urls:#?}");
        if output.ends_with(".png") {
            assert_eq!(
                image_width(&built, output),
                expected_width(output),
                "{output}"
            );
        } else {
            assert_eq!(built.files[*output], bytes.as_bytes(), "{output}");
        }
    }
    // Pages by their `.md` file, relative like any file (anchor kept).
    for url in [
        "https://example.org/faq/#tarifs",
        "https://example.org/actualites/ag/",
        "https://example.org/actualites/",
    ] {
        assert!(urls.iter().any(|u| u == url), "{url} in {urls:#?}");
    }
    // Spaces and accents, percent-encoded in the Markdown or not: the same
    // file, the URL percent-encoded in the HTML.
    let accented = "https://example.org/actualites/Affiche%20de%20la%20f%C3%AAte.png";
    assert_eq!(
        urls.iter().filter(|u| *u == accented).count(),
        2,
        "{urls:#?}"
    );
    let accented = "actualites/Affiche de la fête.png";
    assert_eq!(image_width(&built, accented), expected_width(accented));
    // A section's `_index.md` looks beside itself too.
    let section = page(&built, "actualites/index.html");
    assert!(
        section.contains("src=\"https://example.org/actualites/affiche.png\""),
        "{section}"
    );
    // No relative destination is left as written.
    assert!(
        !html.contains("\"photo.png\"") && !html.contains(".md"),
        "{html}"
    );
    check_is_clean(&site);
}

#[test]
fn relative_urls_and_a_sub_path_apply_to_files_beside_the_markdown() {
    let site = files_site("base_url = \"https://example.org/amie/\"\n");
    let built = site.ok();
    let html = page(&built, "actualites/stand/index.html");
    for (output, _) in EXPECTED {
        let url = format!("https://example.org/amie/{output}");
        assert!(html.contains(&format!("\"{url}\"")), "{url} in {html}");
    }
    assert!(
        html.contains("\"https://example.org/amie/faq/#tarifs\""),
        "{html}"
    );
    check_is_clean(&site);

    let site = files_site("base_url = \"https://example.org/amie/\"\nrelative_urls = true\n");
    let built = site.ok();
    let html = page(&built, "actualites/stand/index.html");
    for want in [
        "src=\"../photo.png\"",
        "href=\"../bulletin.pdf\"",
        "href=\"../../services/tarifs.pdf\"",
        "src=\"../images/photo.png\"",
        "src=\"../stand.png\"",
        "href=\"../../faq/index.html#tarifs\"",
        "src=\"../Affiche%20de%20la%20f%C3%AAte.png\"",
    ] {
        assert!(html.contains(want), "{want} in {html}");
    }
    let section = page(&built, "actualites/index.html");
    assert!(section.contains("src=\"affiche.png\""), "{section}");
    check_is_clean(&site);
}

#[test]
fn a_missing_file_beside_the_markdown_stops_build_with_its_line() {
    let site = Site::new(&[
        HOME,
        SECTION,
        (
            "content/actualites/stand.md",
            "+++\ntitle = \"Le stand\"\n+++\nNotre stand.\n\n\
             ![Le stand](photo.png)\n\n\
             Voir [le bulletin](docs/bulletin.pdf) et [la page](autre.md).\n\n\
             Un [lien vers une page](../faq/) reste tel quel.\n",
        ),
    ]);
    site.write_bytes("content/actualites/affiche.png", &png(10, 10));
    let err = build_fails_naming(
        &site,
        &[
            "content/actualites/stand.md:6:1: image introuvable : photo.png \
         (cherchée à côté de content/actualites/stand.md)",
            "content/actualites/stand.md:8:6: fichier introuvable : docs/bulletin.pdf \
         (cherché à côté de content/actualites/stand.md)",
            "content/actualites/stand.md:8:42: page introuvable : autre.md \
         (cherchée à côté de content/actualites/stand.md)",
        ],
    );
    assert!(!err.contains("../faq/"), "{err}");

    // `@/` names a file that does not exist: the same stop.
    site.write(
        "content/actualites/stand.md",
        "+++\ntitle = \"Le stand\"\n+++\n![Le stand](@/actualites/stand.png)\n",
    );
    let errors = site.errors();
    assert_error(
        &errors,
        "content/actualites/stand.md:4:1: ",
        "image cassée : @/actualites/stand.png n'existe pas",
    );
}

// ----- raw HTML -------------------------------------------------------------

/// A real 1×1 PNG: raw HTML images are published as they are.
const PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0,
    0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 96, 248, 95, 15, 0, 2,
    135, 1, 128, 235, 71, 186, 146, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// The stand page written in raw HTML: a block, inline tags (one in a
/// quote), quoted, single-quoted and unquoted values, a `srcset`, `@/`,
/// accents both spellings, and destinations that are not files.
const RAW_STAND: &str = "+++\ntitle = \"Le stand\"\n+++\n\
<figure>\n  <img src=\"photo.png\" alt=\"Le stand\"\n       srcset=\"photo.png 1x, images/grande.png 2x\">\n</figure>\n\n\
Le <a href=\"bulletin.pdf\">bulletin</a>, <a href=\"../faq.md#tarifs\">la FAQ</a>, <a href=ag.md>l’AG</a>.\n\n\
> <a href='Programme%20de%20la%20f%C3%AAte.pdf'>encodé</a> <a href=\"Programme de la fête.pdf\">tel quel</a>\n\n\
<a href=\"@/services/tarifs.pdf\">par @/</a> <a href=\"https://example.net/x.pdf\">ailleurs</a> \
<a href=\"/faq/\">absolu</a> <a href=\"mailto:contact@example.net\">courriel</a>\n";

fn raw_site(site_toml: &str) -> Site {
    let site = Site::new(&[
        HOME,
        ("site.toml", site_toml),
        (
            "content/actualites/_index.md",
            "+++\ntitle = \"Actualités\"\n+++\n",
        ),
        ("content/actualites/stand.md", RAW_STAND),
        (
            "content/actualites/ag.md",
            "+++\ntitle = \"AG\"\n+++\nLe compte rendu.\n",
        ),
        (
            "content/faq.md",
            "+++\ntitle = \"FAQ\"\n+++\n## Tarifs {#tarifs}\n\nTout.\n",
        ),
        (
            "content/services/_index.md",
            "+++\ntitle = \"Services\"\n+++\n",
        ),
        ("content/actualites/bulletin.pdf", "%PDF bulletin"),
        (
            "content/actualites/Programme de la fête.pdf",
            "%PDF programme",
        ),
        ("content/services/tarifs.pdf", "%PDF tarifs"),
    ]);
    site.write_bytes("content/actualites/photo.png", PNG);
    site.write_bytes("content/actualites/images/grande.png", PNG);
    site
}

#[test]
fn raw_html_links_and_images_beside_the_markdown_get_their_published_url() {
    let site = raw_site("base_url = \"https://example.org\"\n");
    let built = site.ok();
    let html = page(&built, "actualites/stand/index.html");
    let base = "https://example.org/";
    for want in [
        "<img src=\"https://example.org/actualites/photo.png\" alt=\"Le stand\"",
        "srcset=\"https://example.org/actualites/photo.png 1x, \
         https://example.org/actualites/images/grande.png 2x\"",
        "<a href=\"https://example.org/actualites/bulletin.pdf\">bulletin</a>",
        "<a href=\"https://example.org/faq/#tarifs\">la FAQ</a>",
        "<a href=\"https://example.org/actualites/ag/\">l’AG</a>",
        "<a href='https://example.org/actualites/Programme%20de%20la%20f%C3%AAte.pdf'>encodé</a>",
        "<a href=\"https://example.org/actualites/Programme%20de%20la%20f%C3%AAte.pdf\">tel quel</a>",
        "<a href=\"https://example.org/services/tarifs.pdf\">par @/</a>",
        // Other sites, site-absolute paths and addresses: as written.
        "<a href=\"https://example.net/x.pdf\">ailleurs</a>",
        "<a href=\"/faq/\">absolu</a>",
        "<a href=\"mailto:contact@example.net\">courriel</a>",
    ] {
        assert!(html.contains(want), "{want} in {html}");
    }
    // Each rewritten URL names a published file, with its bytes (images
    // may be written again without their metadata).
    for (output, bytes) in [
        ("actualites/bulletin.pdf", "%PDF bulletin"),
        ("actualites/Programme de la fête.pdf", "%PDF programme"),
        ("services/tarifs.pdf", "%PDF tarifs"),
    ] {
        assert_eq!(built.files[output], bytes.as_bytes(), "{output}");
    }
    for image in ["actualites/photo.png", "actualites/images/grande.png"] {
        assert!(built.files[image].starts_with(&PNG[..8]), "{image}");
    }
    let published = |url: &str| {
        let path = url.strip_prefix(base)?.split(['#', '?']).next()?;
        let path = percent_decode(path);
        let found = built.files.contains_key(&path)
            || built.files.contains_key(&format!("{path}index.html"));
        found.then_some(())
    };
    for url in urls_under(&html, base) {
        assert!(
            published(&url).is_some(),
            "{url} is a published file or page"
        );
    }
    assert!(
        !html.contains(".md") && !html.contains("\"photo.png"),
        "{html}"
    );
    check_is_clean(&site);
}

/// Every `src`, `href` and `srcset` URL of `html` that starts with `base`.
fn urls_under(html: &str, base: &str) -> Vec<String> {
    html.split(['"', '\'', ' ', ','])
        .filter(|u| u.starts_with(base))
        .map(str::to_string)
        .collect()
}

/// `%XX` escapes decoded (UTF-8).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex
            .filter(|_| bytes[i] == b'%')
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn raw_html_follows_relative_urls_and_a_sub_path() {
    let site = raw_site("base_url = \"https://example.org/amie/\"\nrelative_urls = true\n");
    let built = site.ok();
    let html = page(&built, "actualites/stand/index.html");
    for want in [
        "src=\"../photo.png\"",
        "srcset=\"../photo.png 1x, ../images/grande.png 2x\"",
        "href=\"../bulletin.pdf\"",
        "href=\"../../faq/index.html#tarifs\"",
        "href=\"../ag/index.html\"",
        "href=\"../../services/tarifs.pdf\"",
        "href=\"../Programme%20de%20la%20f%C3%AAte.pdf\"",
    ] {
        assert!(html.contains(want), "{want} in {html}");
    }
    check_is_clean(&site);
}

#[test]
fn a_missing_file_in_raw_html_stops_build_with_its_line() {
    let site = Site::new(&[
        HOME,
        (
            "content/actualites/stand.md",
            "+++\ntitle = \"Le stand\"\n+++\nNotre stand.\n\n\
             <p>\n  <img alt=\"x\" src=\"absente.png\">\n</p>\n\n\
             Voir <a href=\"docs/bulletin.pdf\">le bulletin</a> et <a href=autre.md>la page</a>,\n\
             <a href=\"@/actualites/rien.pdf\">rien</a>,\n\
             <a href=\"../faq/\">la FAQ</a>.\n",
        ),
    ]);
    let err = build_fails_naming(
        &site,
        &[
            "content/actualites/stand.md:7:16: image introuvable : absente.png \
         (cherchée à côté de content/actualites/stand.md)",
            "content/actualites/stand.md:10:9: fichier introuvable : docs/bulletin.pdf \
         (cherché à côté de content/actualites/stand.md)",
            "content/actualites/stand.md:10:56: page introuvable : autre.md \
         (cherchée à côté de content/actualites/stand.md)",
            "content/actualites/stand.md:11:4: lien cassé : @/actualites/rien.pdf n'existe pas",
        ],
    );
    assert!(
        !err.contains("stand.md:12:"),
        "../faq/ is left as written: {err}"
    );
}

#[test]
fn safe_mode_leaves_raw_html_as_text() {
    let site = Site::new(&[
        HOME,
        ("site.toml", "raw_html = false\n"),
        (
            "content/stand.md",
            "+++\ntitle = \"Le stand\"\n+++\n<img src=\"absente.png\"> <a href=\"autre.md\">x</a>\n",
        ),
    ]);
    let built = site.ok();
    let html = page(&built, "stand/index.html");
    assert!(
        html.contains("&lt;img src=\"absente.png\"&gt; &lt;a href=\"autre.md\"&gt;x&lt;/a&gt;"),
        "{html}"
    );
}

/// Builds `site`, which must fail naming each of `wants` and writing
/// nothing; its error output, for further checks.
fn build_fails_naming(site: &Site, wants: &[&str]) -> String {
    let out = site.run(BUILD);
    assert!(!out.status.success(), "the build fails");
    let err = stderr(&out);
    for want in wants {
        assert!(err.contains(want), "{want} in:\n{err}");
    }
    assert!(!site.path("public").exists(), "nothing is written");
    err
}
