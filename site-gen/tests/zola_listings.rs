//! Zola's generated listings, as a Zola user's site gets them: a section
//! split into pagers (`paginate_by`), taxonomy and term pages from
//! `[taxonomies]`, section feeds (`generate_feeds`), with the default theme.

mod common;

use std::path::Path;

use common::{assert_error, page, Site};
use site_gen::{BuildOptions, BuiltSite};

/// The shared Zola-style fixture site, built without the widget.
fn fixture() -> BuiltSite {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zola");
    let mut opts = BuildOptions::new(root);
    opts.widget = false;
    site_gen::build(&opts).unwrap_or_else(|d| panic!("the fixture builds:\n{d}"))
}

/// The titles of the pages a listing page links to, in order.
fn listed(html: &str) -> Vec<String> {
    html.split("<li class=\"entry\">")
        .skip(1)
        .filter_map(|entry| {
            let link = entry.split_once("\">")?.1;
            Some(link.split_once("</a>")?.0.to_string())
        })
        .collect()
}

#[test]
fn news_are_split_into_pagers_with_a_french_pager_nav() {
    let site = fixture();
    let first = page(&site, "actualites/index.html");
    assert_eq!(listed(&first), ["Cinquième nouvelle", "Quatrième nouvelle"]);
    assert!(first.contains("Page 1 sur 3"), "{first}");
    assert!(first.contains("<nav class=\"pager\" aria-label=\"Pagination\">"));
    assert!(first.contains("href=\"https://exemple.invalid/actualites/page/2/\" rel=\"next\""));
    assert!(!first.contains("Page précédente"));
    // The section's text on its first pager only.
    assert!(first.contains("Les nouvelles, de la plus récente"));

    let second = page(&site, "actualites/page/2/index.html");
    assert_eq!(listed(&second), ["Troisième nouvelle", "Deuxième nouvelle"]);
    assert!(second.contains("Page 2 sur 3"));
    assert!(second.contains("href=\"https://exemple.invalid/actualites/\" rel=\"prev\""));
    assert!(second
        .contains("<link rel=\"canonical\" href=\"https://exemple.invalid/actualites/page/2/\">"));
    assert!(!second.contains("Les nouvelles, de la plus récente"));

    // The last pager: its one page, a way back, none forward.
    let last = page(&site, "actualites/page/3/index.html");
    assert_eq!(listed(&last), ["Première nouvelle"]);
    assert!(
        last.contains("<title>Actualités — page 3 sur 3 — "),
        "{last}"
    );
    assert!(last.contains("Page précédente"));
    assert!(!last.contains("Page suivante"));
    assert!(!site.files.contains_key("actualites/page/4/index.html"));

    // As Zola: `page/1/` sends the reader to the section.
    let one = page(&site, "actualites/page/1/index.html");
    assert!(
        one.contains("url=https://exemple.invalid/actualites/\""),
        "{one}"
    );

    let sitemap = page(&site, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://exemple.invalid/actualites/page/3/</loc>"));
    assert!(!sitemap.contains("/page/1/"));
}

#[test]
fn tags_get_a_list_page_term_pages_and_feeds() {
    let site = fixture();
    let list = page(&site, "tags/index.html");
    for (slug, name, count) in [
        ("reseau-wi-fi", "Réseau &amp; Wi-Fi", "2&nbsp;pages"),
        ("sauvegardes", "Sauvegardes", "2&nbsp;pages"),
        ("vie-du-site", "Vie du site", "2&nbsp;pages"),
    ] {
        let link = format!("<a href=\"https://exemple.invalid/tags/{slug}/\">{name}</a> <span class=\"meta\">({count})");
        assert!(list.contains(&link), "{link} in {list}");
    }
    // « Réseau & Wi-Fi » and « réseau wi-fi » are one term, named as first written.
    let term = page(&site, "tags/reseau-wi-fi/index.html");
    assert_eq!(listed(&term), ["Troisième nouvelle", "Première nouvelle"]);
    assert!(term.contains("<h1>Réseau &amp; Wi-Fi"), "{term}");
    let feed = page(&site, "tags/reseau-wi-fi/atom.xml");
    assert!(feed.contains("<title>Troisième nouvelle</title>"));
    assert!(feed.contains("<title>Première nouvelle</title>"));
    assert!(!feed.contains("Deuxième nouvelle"));
    assert!(term.contains("href=\"https://exemple.invalid/tags/reseau-wi-fi/atom.xml\""));

    // A post shows its tags, each linked to its term's page.
    let post = page(&site, "actualites/premiere-nouvelle/index.html");
    assert!(post.contains(
        "<a href=\"https://exemple.invalid/tags/reseau-wi-fi/\" rel=\"tag\">Réseau &amp; Wi-Fi</a>"
    ));
    assert!(post.contains(
        "<a href=\"https://exemple.invalid/tags/vie-du-site/\" rel=\"tag\">Vie du site</a>"
    ));
    let untagged = page(&site, "actualites/quatrieme-nouvelle/index.html");
    assert!(!untagged.contains("rel=\"tag\""));

    let sitemap = page(&site, "sitemap.xml");
    for loc in [
        "tags/",
        "tags/reseau-wi-fi/",
        "tags/sauvegardes/",
        "tags/vie-du-site/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>https://exemple.invalid/{loc}</loc>")),
            "{loc}"
        );
    }
}

#[test]
fn a_section_feed_lists_its_dated_pages_and_is_linked_from_its_head() {
    let site = fixture();
    let feed = page(&site, "actualites/atom.xml");
    let titles: Vec<&str> = feed
        .split("<entry")
        .skip(1)
        .filter_map(|e| {
            e.split_once("<title>")?
                .1
                .split_once("</title>")
                .map(|t| t.0)
        })
        .collect();
    assert_eq!(
        titles,
        [
            "Cinquième nouvelle",
            "Quatrième nouvelle",
            "Troisième nouvelle",
            "Deuxième nouvelle",
            "Première nouvelle"
        ]
    );
    assert!(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://exemple.invalid/actualites/atom.xml\"/>"));
    assert!(feed.contains("<title>Site d’exemple à la Zola — Actualités</title>"));
    assert!(
        feed.contains("Un premier texte d’exemple."),
        "the posts' content"
    );
    let section = page(&site, "actualites/index.html");
    let head = section.split_once("</head>").map_or("", |h| h.0);
    assert!(head
        .contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Actualités — "));
    assert!(head.contains("href=\"https://exemple.invalid/actualites/atom.xml\""));
}

/// A small site with `site.toml`: `taxonomies` declared, five dated posts.
fn blog(config: &str, section: &str) -> Site {
    let mut files: Vec<(String, String)> = vec![
        (
            "content/_index.md".into(),
            "+++\ntitle = \"Accueil\"\n+++\n".into(),
        ),
        (
            "site.toml".into(),
            format!("base_url = \"https://ex.org\"\n{config}"),
        ),
        (
            "content/blog/_index.md".into(),
            format!("+++\ntitle = \"Blog\"\n{section}+++\n"),
        ),
    ];
    for n in 1..=5 {
        files.push((
            format!("content/blog/billet-{n}.md"),
            format!("+++\ntitle = \"Billet {n}\"\ndate = 2024-0{n}-01\n[taxonomies]\ntags = [\"Logiciels libres\"]\n+++\nTexte.\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Site::new(&refs)
}

const TAGS: &str = "[[taxonomies]]\nname = \"tags\"\npaginate_by = 2\npaginate_path = \"p\"\n";

#[test]
fn reversed_pagination_under_html_urls_and_paginated_terms() {
    let site = blog(
        &format!("url_style = \"html\"\n{TAGS}"),
        "sort_by = \"date\"\npaginate_by = 2\npaginate_reversed = true\npaginate_path = \"suite\"\n",
    );
    let built = site.ok();
    // Oldest first; pagers are folders, as sections are in both URL styles.
    assert_eq!(
        listed(&page(&built, "blog/index.html")),
        ["Billet 1", "Billet 2"]
    );
    let last = page(&built, "blog/suite/3/index.html");
    assert_eq!(listed(&last), ["Billet 5"]);
    assert!(
        last.contains("href=\"https://ex.org/blog/billet-5.html\""),
        "{last}"
    );
    assert!(last.contains("href=\"https://ex.org/blog/suite/2/\" rel=\"prev\""));
    // The term is paginated by its taxonomy, under its `paginate_path`.
    let term = page(&built, "tags/logiciels-libres/p/3/index.html");
    assert_eq!(listed(&term), ["Billet 1"]);
    assert!(term.contains("Page 3 sur 3"));
}

#[test]
fn no_pages_give_one_empty_pager_and_exactly_paginate_by_one_pager() {
    let site = Site::new(&[
        ("content/_index.md", "+++\ntitle = \"Accueil\"\n+++\n"),
        (
            "content/vide/_index.md",
            "+++\ntitle = \"Vide\"\npaginate_by = 3\n+++\n",
        ),
        (
            "content/trois/_index.md",
            "+++\ntitle = \"Trois\"\npaginate_by = 3\n+++\n",
        ),
        ("content/trois/a.md", "+++\ntitle = \"A\"\n+++\n"),
        ("content/trois/b.md", "+++\ntitle = \"B\"\n+++\n"),
        ("content/trois/c.md", "+++\ntitle = \"C\"\n+++\n"),
    ]);
    let built = site.ok();
    let empty = page(&built, "vide/index.html");
    assert!(
        empty.contains("Aucune page publiée dans cette rubrique"),
        "{empty}"
    );
    assert!(!empty.contains("class=\"pager\""));
    let three = page(&built, "trois/index.html");
    assert_eq!(listed(&three), ["A", "B", "C"]);
    // One pager: no pager nav, no second pager.
    assert!(!three.contains("class=\"pager\""));
    assert!(!built.files.keys().any(|p| p.starts_with("trois/page/2")));
}

#[test]
fn an_undeclared_taxonomy_is_a_french_error_naming_the_file() {
    let site = blog(TAGS, "");
    site.write(
        "content/blog/billet-2.md",
        "+++\ntitle = \"Billet 2\"\n[taxonomies]\ntag = [\"x\"]\n+++\n",
    );
    let errors = site.errors();
    // At the line that names it.
    assert_error(
        &errors,
        "content/blog/billet-2.md:4",
        "la taxonomie « tag » n’est pas déclarée : vouliez-vous dire « tags » ?",
    );
}

#[test]
fn a_bad_paginate_path_or_a_term_without_letters_is_refused() {
    let site = blog(TAGS, "paginate_by = 2\npaginate_path = \"../x\"\n");
    assert_error(
        &site.errors(),
        "content/blog/_index.md",
        "`paginate_path = \"../x\"` refusé",
    );
    let site = blog(TAGS, "");
    site.write(
        "content/blog/billet-3.md",
        "---\ntitle: Billet 3\ntaxonomies:\n  tags: [\"???\"]\n---\n",
    );
    assert_error(
        &site.errors(),
        "content/blog/billet-3.md:4",
        "« ??? » ne donne aucune adresse",
    );
}

#[test]
fn a_section_named_like_a_taxonomy_clashes_with_it() {
    let site = blog(TAGS, "");
    site.write(
        "content/tags/_index.md",
        "+++\ntitle = \"Étiquettes\"\n+++\n",
    );
    assert_error(
        &site.errors(),
        "site.toml",
        "tags/index.html est produit deux fois",
    );
}

#[test]
fn templates_ask_for_taxonomies() {
    let site = blog(TAGS, "");
    site.write(
        "templates/index.html",
        "{% set t = get_taxonomy(kind=\"tags\") %}{% for term in t.items %}\
         {{ term.name }}={{ term.page_count }}@{{ get_taxonomy_url(kind=\"tags\", name=term.name) }}\
         {% endfor %}|{{ get_taxonomy_url(kind=\"tags\", name=\"absent\", required=false) }}|",
    );
    let built = site.ok();
    assert_eq!(
        page(&built, "index.html"),
        "Logiciels libres=5@https://ex.org/tags/logiciels-libres/||"
    );
    site.write(
        "templates/index.html",
        "{{ get_taxonomy_url(kind=\"tag\", name=\"x\") }}",
    );
    assert_error(
        &site.errors(),
        "content/_index.md",
        "vouliez-vous dire « tags » ?",
    );
}

#[test]
fn a_paginated_home_page_lists_its_pager() {
    let site = Site::new(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Accueil\"\npaginate_by = 1\n+++\n",
        ),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\n",
        ),
        (
            "content/b.md",
            "+++\ntitle = \"B\"\ndate = 2024-02-01\n+++\n",
        ),
    ]);
    let built = site.ok();
    assert_eq!(listed(&page(&built, "index.html")), ["B"]);
    let second = page(&built, "page/2/index.html");
    assert_eq!(listed(&second), ["A"]);
    assert!(second.contains("Page 2 sur 2"), "{second}");
}

#[test]
fn a_build_writing_pages_as_rendered_gives_the_same_listings() {
    // Without the site's feed, only the section's and the terms' feeds
    // show the posts' text: a build that frees each text once its page is
    // written must keep theirs.
    let site = blog(
        "generate_feed = false\n[[taxonomies]]\nname = \"tags\"\n",
        "generate_feeds = true\npaginate_by = 2\n",
    );
    let dest = site.beside("public");
    let args = ["build", "--no-widget", "--output", dest.to_str().unwrap()];
    let run = site.run(&args);
    assert!(run.status.success(), "{}", common::stderr(&run));
    let built = site.ok();
    assert!(page(&built, "blog/atom.xml").contains("Texte."));
    for (path, bytes) in &built.files {
        let written = std::fs::read(dest.join(path)).unwrap_or_default();
        assert!(written == *bytes, "{path} differs when written as rendered");
    }
}

#[test]
fn a_zola_site_is_told_to_declare_its_taxonomy_in_config_toml() {
    let site = Site::new(&[
        ("config.toml", "base_url = \"https://ex.org\"\n"),
        ("content/_index.md", "+++\ntitle = \"Accueil\"\n+++\n"),
        (
            "content/billet.md",
            "+++\ntitle = \"Billet\"\n[taxonomies]\ntags = [\"a\"]\n+++\n",
        ),
    ]);
    assert_error(
        &site.errors(),
        "content/billet.md",
        "déclarez-la dans config.toml (taxonomies = [{ name = \"tags\" }])",
    );
}

#[test]
fn a_taxonomy_without_pages_shows_its_terms_unlinked() {
    let site = blog("[[taxonomies]]\nname = \"tags\"\nrender = false\n", "");
    let built = site.ok();
    assert!(!built.files.keys().any(|p| p.starts_with("tags/")));
    let post = page(&built, "blog/billet-1/index.html");
    assert!(post.contains("<span>Logiciels libres</span>"), "{post}");
    assert!(!post.contains("rel=\"tag\""));
    assert!(!page(&built, "sitemap.xml").contains("/tags/"));
}
