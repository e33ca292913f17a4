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
    let out = site.run(BUILD);
    assert!(!out.status.success(), "the build fails");
    let err = stderr(&out);
    for want in [
        "content/actualites/stand.md:6:1: image introuvable : photo.png \
         (cherchée à côté de content/actualites/stand.md)",
        "content/actualites/stand.md:8:6: fichier introuvable : docs/bulletin.pdf \
         (cherché à côté de content/actualites/stand.md)",
        "content/actualites/stand.md:8:42: page introuvable : autre.md \
         (cherchée à côté de content/actualites/stand.md)",
    ] {
        assert!(err.contains(want), "{want} in:\n{err}");
    }
    assert!(!err.contains("../faq/"), "{err}");
    assert!(!site.path("public").exists(), "nothing is written");

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
