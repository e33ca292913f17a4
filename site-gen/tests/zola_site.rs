//! A site written for Zola, as its user brings it: Zola's `config.toml`,
//! page bundles (`dossier/index.md` with its files), and the meaning of
//! Zola's front matter (`path`, `page_template`, `transparent`,
//! `redirect_to`, `render`, `insert_anchor_links`, `authors`), with the
//! default theme; a rebuild after each edit gives what a fresh build gives.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{assert_error, page, Rebuilds, Site};
use site_gen::{BuildOptions, BuiltSite};

/// The shared Zola-style fixture site, built without the widget.
fn fixture() -> BuiltSite {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zola");
    let mut opts = BuildOptions::new(root);
    opts.widget = false;
    site_gen::build(&opts).unwrap_or_else(|d| panic!("the fixture builds:\n{d}"))
}

/// `+++` front matter `fm` and Markdown `body`.
fn md(fm: &str, body: &str) -> String {
    format!("+++\n{fm}\n+++\n{body}")
}

const HOME: (&str, &str) = (
    "content/_index.md",
    "+++\ntitle = \"Accueil\"\n+++\nBonjour.\n",
);

#[test]
fn the_fixture_reads_zolas_config_toml() {
    let site = fixture();
    let home = page(&site, "index.html");
    assert!(home.contains("<html lang=\"fr\""), "{home}");
    assert!(home.contains("Site d’exemple à la Zola"), "{home}");
    assert!(
        home.contains("Un petit site écrit comme pour Zola."),
        "{home}"
    );
    // generate_feeds = true (Zola 0.19's name) gives the site's feed.
    assert!(site.files.contains_key("atom.xml"));
    // taxonomies = [{ name = "tags", … }] declared the tags.
    assert!(site.files.contains_key("tags/index.html"));
    // Zola's keys site-gen leaves aside: named in one warning, not an error.
    let about_config: Vec<String> = site
        .warnings
        .iter()
        .filter(|w| w.file == Path::new("config.toml"))
        .map(|w| w.to_string())
        .collect();
    assert_eq!(
        about_config,
        [
            "config.toml: configuration de Zola : 3 réglages pas encore pris en charge par \
          site-gen, sans effet : « markdown.external_links_target_blank », \
          « markdown.highlight_code », « markdown.render_emoji »"
        ]
    );
}

#[test]
fn the_fixtures_bundle_is_one_page_with_its_files_beside_it() {
    let site = fixture();
    // `a-propos/index.md`: the page /a-propos/, not /a-propos/index/.
    let about = page(&site, "a-propos/index.html");
    assert!(!site.files.keys().any(|f| f.starts_with("a-propos/index/")));
    assert!(about.contains("<h1>À propos</h1>"), "{about}");
    // Its files beside it; its image processed as any image of content/.
    assert_eq!(
        site.files["a-propos/notes.txt"],
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/zola/content/a-propos/notes.txt")
        )
        .unwrap()
    );
    assert!(site.files.contains_key("a-propos/photo.png"));
    assert!(site
        .files
        .keys()
        .any(|f| f.starts_with("a-propos/photo-64.") && f.ends_with(".webp")));
    // Its relative links and images reach its own files.
    assert!(
        about.contains("<img src=\"https://exemple.invalid/a-propos/photo.png\""),
        "{about}"
    );
    assert!(about.contains("width=\"64\" height=\"48\" alt=\"Un dégradé de couleurs\""));
    assert!(
        about.contains("<a href=\"https://exemple.invalid/a-propos/notes.txt\">notes jointes</a>")
    );
    // The home page links to it by its source path.
    assert!(page(&site, "index.html").contains("href=\"https://exemple.invalid/a-propos/\""));
}

#[test]
fn the_home_sections_anchor_links_reach_its_pages() {
    let site = fixture();
    // insert_anchor_links = "right" in content/_index.md: the home page's
    // headings and those of the pages right under it.
    let link = |id: &str, title: &str| {
        format!(
            " <a class=\"zola-anchor\" href=\"#{id}\" aria-label=\"Lien vers la section « {title} »\">#</a></h2>"
        )
    };
    let home = page(&site, "index.html");
    assert!(
        home.contains(&link("ce-que-contient-ce-site", "Ce que contient ce site")),
        "{home}"
    );
    let about = page(&site, "a-propos/index.html");
    assert!(
        about.contains(&link("une-image-jointe", "Une image jointe")),
        "{about}"
    );
    // Not the pages of another section (actualites sets none).
    let news = site
        .files
        .keys()
        .find(|f| {
            f.starts_with("actualites/")
                && f.ends_with("/index.html")
                && f.matches('/').count() == 2
        })
        .unwrap();
    assert!(!page(&site, news).contains("zola-anchor"));
}

#[test]
fn bundles_give_page_assets_and_authors_to_templates() {
    let site = Site::new(&[
        HOME,
        ("content/blog/_index.md", &md("title = \"Blog\"", "")),
        (
            "content/blog/mon-article/index.md",
            &md(
                "title = \"Mon article\"\nauthors = [\"Camille\", \"Dominique\"]",
                "![Plan](plan.png) et [le détail](annexes/detail.txt).\n",
            ),
        ),
        ("content/blog/mon-article/annexes/detail.txt", "détail"),
        (
            "templates/page.html",
            "assets={{ page.assets | join(sep=\",\") }};authors={{ page.authors | join(sep=\",\") }};{{ page.content | safe }}",
        ),
    ]);
    site.write_bytes(
        "content/blog/mon-article/plan.png",
        &common::images::png(40, 30),
    );
    let built = site.ok();
    let html = page(&built, "blog/mon-article/index.html");
    assert!(
        html.starts_with(
            "assets=/blog/mon-article/annexes/detail.txt,/blog/mon-article/plan.png;\
             authors=Camille,Dominique;"
        ),
        "{html}"
    );
    assert!(
        html.contains("src=\"http://127.0.0.1:1111/blog/mon-article/plan.png\""),
        "{html}"
    );
    assert!(html.contains("href=\"http://127.0.0.1:1111/blog/mon-article/annexes/detail.txt\""));
    assert!(built
        .files
        .contains_key("blog/mon-article/annexes/detail.txt"));
    assert!(!built.files.keys().any(|f| f.contains("mon-article/index/")));
}

#[test]
fn a_bundle_with_a_path_takes_its_files_there() {
    let site = Site::new(&[
        HOME,
        (
            "content/vieux-nom/index.md",
            &md(
                "title = \"Ailleurs\"\npath = \"nouveau/nom\"",
                "[Carte](carte.txt)\n",
            ),
        ),
        ("content/vieux-nom/carte.txt", "carte"),
    ]);
    let built = site.ok();
    let html = page(&built, "nouveau/nom/index.html");
    assert!(
        html.contains("href=\"http://127.0.0.1:1111/nouveau/nom/carte.txt\""),
        "{html}"
    );
    assert!(built.files.contains_key("nouveau/nom/carte.txt"));
    assert!(!built.files.keys().any(|f| f.starts_with("vieux-nom/")));
}

#[test]
fn path_places_a_page_and_is_checked_like_slugs_and_aliases() {
    let site = Site::new(&[
        HOME,
        ("content/docs/_index.md", &md("title = \"Docs\"", "")),
        (
            "content/docs/guide.md",
            &md("title = \"Guide\"\npath = \"/guide-complet/\"", ""),
        ),
    ]);
    let built = site.ok();
    assert!(page(&built, "guide-complet/index.html").contains("Guide"));
    assert!(!built.files.contains_key("docs/guide/index.html"));
    // Still listed by its section, at its new address.
    assert!(
        page(&built, "docs/index.html").contains("href=\"http://127.0.0.1:1111/guide-complet/\"")
    );

    site.write(
        "content/autre.md",
        &md("title = \"Autre\"\npath = \"guide-complet\"", ""),
    );
    assert_error(
        &site.errors(),
        "content/",
        "deux contenus à la même adresse",
    );
    site.write(
        "content/autre.md",
        &md("title = \"Autre\"\npath = \"../../etc\"", ""),
    );
    assert_error(
        &site.errors(),
        "content/autre.md: path « ../../etc » refusé",
        "chemin invalide",
    );
    site.write(
        "content/autre.md",
        &md("title = \"Autre\"\npath = \"/\"", ""),
    );
    assert_error(
        &site.errors(),
        "content/autre.md: path « / » refusé",
        "page d’accueil",
    );
    site.write(
        "content/autre.md",
        &md("title = \"Autre\"\npath = \"con\"", ""),
    );
    assert_error(
        &site.errors(),
        "content/autre.md: path « con » refusé",
        "réservé",
    );
    // A section's address is its folder's.
    site.write("content/autre.md", "Autre.\n");
    site.write(
        "content/docs/_index.md",
        &md("title = \"Docs\"\npath = \"d\"", ""),
    );
    assert_error(
        &site.errors(),
        "content/docs/_index.md: `path` ne s’utilise que dans une page",
        "slug",
    );
}

#[test]
fn page_template_is_inherited_and_a_pages_template_wins() {
    let site = Site::new(&[
        HOME,
        (
            "content/blog/_index.md",
            &md("title = \"Blog\"\npage_template = \"billet.html\"", ""),
        ),
        ("content/blog/a.md", &md("title = \"A\"", "")),
        (
            "content/blog/b.md",
            &md("title = \"B\"\ntemplate = \"page.html\"", ""),
        ),
        ("content/blog/2025/_index.md", &md("title = \"2025\"", "")),
        ("content/blog/2025/c.md", &md("title = \"C\"", "")),
        ("content/faq.md", &md("title = \"FAQ\"", "")),
        ("templates/billet.html", "billet:{{ page.title }}"),
    ]);
    let built = site.ok();
    assert_eq!(page(&built, "blog/a/index.html"), "billet:A");
    // The nearest section above that sets one, as in Zola.
    assert_eq!(page(&built, "blog/2025/c/index.html"), "billet:C");
    assert!(page(&built, "blog/b/index.html").contains("<h1>B</h1>"));
    assert!(page(&built, "faq/index.html").contains("<h1>FAQ</h1>"));
}

#[test]
fn a_transparent_sections_pages_are_listed_by_its_parent_too() {
    let section = "{{ section.title }}:{% for p in section.pages %}{{ p.title }},{% endfor %}";
    let site = Site::new(&[
        HOME,
        (
            "content/blog/_index.md",
            &md("title = \"Blog\"\nsort_by = \"title\"", ""),
        ),
        ("content/blog/a.md", &md("title = \"A\"", "")),
        (
            "content/blog/2024/_index.md",
            &md("title = \"2024\"\ntransparent = true", ""),
        ),
        ("content/blog/2024/b.md", &md("title = \"B\"", "")),
        (
            "content/blog/2024/t1/_index.md",
            &md("title = \"T1\"\ntransparent = true", ""),
        ),
        ("content/blog/2024/t1/c.md", &md("title = \"C\"", "")),
        ("content/blog/2023/_index.md", &md("title = \"2023\"", "")),
        ("content/blog/2023/d.md", &md("title = \"D\"", "")),
        ("templates/section.html", section),
    ]);
    let built = site.ok();
    // A chain of transparent sections passes its pages all the way up.
    assert_eq!(page(&built, "blog/index.html"), "Blog:A,B,C,");
    assert_eq!(page(&built, "blog/2024/index.html"), "2024:B,C,");
    assert_eq!(page(&built, "blog/2023/index.html"), "2023:D,");
}

#[test]
fn redirect_to_makes_the_section_a_redirect_page() {
    let site = Site::new(&[
        HOME,
        (
            "content/docs/_index.md",
            &md("title = \"Docs\"\nredirect_to = \"@/docs/guide.md\"", ""),
        ),
        ("content/docs/guide.md", &md("title = \"Guide\"", "")),
        (
            "content/vieux/_index.md",
            &md("title = \"Vieux\"\nredirect_to = \"docs/guide/\"", ""),
        ),
        (
            "content/ailleurs/_index.md",
            &md(
                "title = \"Ailleurs\"\nredirect_to = \"https://exemple.invalid/x\"",
                "",
            ),
        ),
    ]);
    let built = site.ok();
    let docs = page(&built, "docs/index.html");
    assert!(
        docs.contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=http://127.0.0.1:1111/docs/guide/\">"
        ),
        "{docs}"
    );
    assert!(docs.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(page(&built, "vieux/index.html").contains("url=http://127.0.0.1:1111/docs/guide/\""));
    assert!(page(&built, "ailleurs/index.html").contains("url=https://exemple.invalid/x\""));
    // The pages of the section are still published.
    assert!(page(&built, "docs/guide/index.html").contains("<h1>Guide</h1>"));
    // Redirects are no pages of the sitemap.
    let sitemap = page(&built, "sitemap.xml");
    assert!(sitemap.contains("/docs/guide/</loc>"));
    assert!(
        !sitemap.contains("/docs/</loc>") && !sitemap.contains("/vieux/</loc>"),
        "{sitemap}"
    );

    site.write(
        "content/docs/_index.md",
        &md("title = \"Docs\"\nredirect_to = \"@/docs/absent.md\"", ""),
    );
    assert_error(
        &site.errors(),
        "content/docs/_index.md: redirect_to « @/docs/absent.md »",
        "@/docs/absent.md n’existe pas",
    );
}

#[test]
fn render_false_publishes_nothing_for_the_document() {
    let section = "{% for p in section.pages %}{{ p.title }},{% endfor %}";
    let site = Site::new(&[
        HOME,
        (
            "content/blog/_index.md",
            &md("title = \"Blog\"\nrender = false\nsort_by = \"title\"", ""),
        ),
        ("content/blog/a.md", &md("title = \"A\"", "")),
        (
            "content/blog/brouillon.md",
            &md("title = \"Brouillon\"\nrender = false", ""),
        ),
        ("content/liste/_index.md", &md("title = \"Liste\"", "")),
        (
            "content/liste/x.md",
            &md("title = \"X\"\nrender = false", ""),
        ),
        ("templates/section.html", section),
    ]);
    let built = site.ok();
    assert!(!built.files.contains_key("blog/index.html"));
    assert!(!built.files.contains_key("blog/brouillon/index.html"));
    assert!(built.files.contains_key("blog/a/index.html"));
    // Still listed, as in Zola (templates see it).
    assert_eq!(page(&built, "liste/index.html"), "X,");
    let sitemap = page(&built, "sitemap.xml");
    assert!(sitemap.contains("/blog/a/</loc>"));
    assert!(
        !sitemap.contains("/blog/</loc>") && !sitemap.contains("brouillon"),
        "{sitemap}"
    );
    // Nothing to link to.
    site.write(
        "content/blog/a.md",
        &md("title = \"A\"", "[b](@/blog/brouillon.md)\n"),
    );
    assert_error(
        &site.errors(),
        "content/blog/a.md:4:",
        "@/blog/brouillon.md n'existe pas",
    );
}

#[test]
fn section_keys_in_a_page_and_zola_only_keys_are_named() {
    let site = Site::new(&[
        HOME,
        (
            "content/page.md",
            &md("title = \"P\"\npaginate_by = 3\ntransparent = true", ""),
        ),
    ]);
    let errors = site.errors();
    assert_error(
        &errors,
        "content/page.md: `paginate_by` ne s’utilise que dans un _index.md",
        "section",
    );
    assert_error(
        &errors,
        "content/page.md: `transparent` ne s’utilise que dans un _index.md",
        "section",
    );
    // A key of an older Zola: named, never taken for a typo.
    site.write(
        "content/page.md",
        &md("title = \"P\"\ngenerate_feed = true", ""),
    );
    let out = site.cli_build();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "content/page.md:3:1: réglage de Zola « generate_feed » pas encore pris en charge par site-gen"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("vouliez-vous dire"), "{stderr}");
    // `path` is a key of its own now, never « date ».
    site.write("content/page.md", &md("title = \"P\"\npath = \"p\"", ""));
    site.ok();
}

#[test]
fn config_toml_beside_site_toml_is_ignored_with_a_warning_and_its_errors_have_lines() {
    let site = Site::new(&[
        HOME,
        ("site.toml", "title = \"Depuis site.toml\"\n"),
        ("config.toml", "title = \"Depuis config.toml\"\n"),
    ]);
    let built = site.ok();
    assert!(page(&built, "index.html").contains("Depuis site.toml"));
    let warning = built
        .warnings
        .iter()
        .find(|w| w.file == Path::new("config.toml"))
        .expect("a warning about config.toml");
    assert!(
        warning
            .message
            .starts_with("ignoré : site.toml est là aussi"),
        "{warning}"
    );

    std::fs::remove_file(site.path("site.toml")).unwrap();
    site.write(
        "config.toml",
        "title = \"Zola\"\nbase_url = \"exemple.invalid\"\n",
    );
    assert_error(
        &site.errors(),
        "config.toml:2:1: base_url doit commencer par http://",
        "exemple.invalid",
    );
    site.write("config.toml", "title = \"Zola\"\nfeed_limit = \"dix\"\n");
    assert_error(
        &site.errors(),
        "config.toml:2:1: feed_limit doit être",
        "nombre entier",
    );
    site.write("config.toml", "title = \"Zola\"\ntitle = \"encore\"\n");
    assert_error(&site.errors(), "config.toml:2:", "title");
    site.write("config.toml", "title = \"Zola\"\n");
    assert!(page(&site.ok(), "index.html").contains("<title>Zola</title>"));
}

#[test]
fn a_rebuild_after_each_zola_edit_matches_a_fresh_build() {
    let text = |files: &BTreeMap<String, Vec<u8>>, path: &str| {
        String::from_utf8(files[path].clone()).unwrap()
    };
    let sources = Site::new(&[
        HOME,
        ("content/blog/_index.md", &md("title = \"Blog\"", "")),
        (
            "content/blog/post/index.md",
            &md("title = \"Billet\"", "## Titre\n"),
        ),
        ("content/blog/post/a.txt", "a"),
        ("config.toml", "title = \"Zola\"\n"),
    ]);
    let mut site = Rebuilds::new(&sources);
    // The section's anchor links reach its pages' Markdown.
    let files = site.write(
        "content/blog/_index.md",
        &md("title = \"Blog\"\ninsert_anchor_links = \"left\"", ""),
    );
    assert!(text(&files, "blog/post/index.html").contains("href=\"#titre\" aria-label"));
    let files = site.write("content/blog/_index.md", &md("title = \"Blog\"", ""));
    assert!(!text(&files, "blog/post/index.html").contains("zola-anchor"));
    // A file added to a bundle; its page template from the section.
    let files = site.write("content/blog/post/b.txt", "b");
    assert!(files.contains_key("blog/post/b.txt"));
    site.write(
        "templates/billet.html",
        "billet:{{ page.assets | join(sep=\",\") }}",
    );
    site.write(
        "content/blog/_index.md",
        &md("title = \"Blog\"\npage_template = \"billet.html\"", ""),
    );
    let files = site.write("content/blog/post/c.txt", "c");
    assert_eq!(
        text(&files, "blog/post/index.html"),
        "billet:/blog/post/a.txt,/blog/post/b.txt,/blog/post/c.txt"
    );
    // render = false, then back; redirect_to; config.toml edited.
    let files = site.write(
        "content/blog/post/index.md",
        &md("title = \"Billet\"\nrender = false", ""),
    );
    assert!(!files.contains_key("blog/post/index.html"));
    site.write("content/blog/post/index.md", &md("title = \"Billet\"", ""));
    site.write(
        "content/blog/_index.md",
        &md(
            "title = \"Blog\"\nredirect_to = \"@/blog/post/index.md\"",
            "",
        ),
    );
    let files = site.write("config.toml", "title = \"Zola bis\"\n");
    assert!(text(&files, "index.html").contains("Zola bis"));
}

#[test]
fn a_draft_bundles_files_stay_unpublished() {
    let site = Site::new(&[
        HOME,
        (
            "content/projet/index.md",
            &md("title = \"Projet\"\ndraft = true", "![Plan](plan.txt)\n"),
        ),
        ("content/projet/plan.txt", "secret"),
    ]);
    let built = site.ok();
    assert!(
        !built.files.keys().any(|f| f.starts_with("projet/")),
        "{:?}",
        built.files.keys()
    );
    let drafts = site
        .build_with(|o| o.include_drafts = true)
        .unwrap_or_else(|d| panic!("{d}"));
    assert!(drafts.files.contains_key("projet/plan.txt"));
}

#[test]
fn zolas_sort_by_values_order_the_section() {
    let section = "{% for p in section.pages %}{{ p.title }},{% endfor %}";
    let site = Site::new(&[
        HOME,
        (
            "content/blog/_index.md",
            &md("title = \"Blog\"\nsort_by = \"update_date\"", ""),
        ),
        // Files named against their slugs, to tell the orders apart.
        (
            "content/blog/1.md",
            &md(
                "title = \"Un\"\nslug = \"c\"\ndate = 2025-01-01\nupdated = 2025-06-01",
                "",
            ),
        ),
        (
            "content/blog/2.md",
            &md("title = \"Deux\"\nslug = \"a\"\ndate = 2025-03-01", ""),
        ),
        (
            "content/blog/3.md",
            &md("title = \"Trois\"\nslug = \"b\"\ndate = 2025-02-01", ""),
        ),
        ("templates/section.html", section),
    ]);
    // Most recently updated first (`updated`, else `date`).
    assert_eq!(page(&site.ok(), "blog/index.html"), "Un,Deux,Trois,");
    site.write(
        "content/blog/_index.md",
        &md("title = \"Blog\"\nsort_by = \"slug\"", ""),
    );
    assert_eq!(page(&site.ok(), "blog/index.html"), "Deux,Trois,Un,");
    // The order of the files' names.
    site.write(
        "content/blog/_index.md",
        &md("title = \"Blog\"\nsort_by = \"none\"", ""),
    );
    assert_eq!(page(&site.ok(), "blog/index.html"), "Un,Deux,Trois,");
}

#[test]
fn a_dated_file_name_gives_the_date_and_the_slug_as_zola_does() {
    let section = "{% for p in section.pages %}{{ p.slug }}={{ p.date }}@{{ p.path }},{% endfor %}";
    let site = Site::new(&[
        HOME,
        ("content/blog/_index.md", &md("title = \"Blog\"", "")),
        (
            "content/blog/2024-03-14-atelier.md",
            &md("title = \"A\"", ""),
        ),
        // The front matter's date wins; `_` separates too.
        (
            "content/blog/2023-01-02_assemblee.md",
            &md("title = \"B\"\ndate = 2023-05-06", ""),
        ),
        // A bundle's folder name is read the same way.
        (
            "content/blog/2022-07-21-stand/index.md",
            &md("title = \"C\"", ""),
        ),
        // Not a date, or nothing after it: the name stays whole.
        (
            "content/blog/2015-07-rencontres.md",
            &md("title = \"D\"", ""),
        ),
        ("content/blog/2024-02-30-x.md", &md("title = \"E\"", "")),
        ("templates/section.html", section),
    ]);
    let built = site.ok();
    assert_eq!(
        page(&built, "blog/index.html"),
        "atelier=2024-03-14@/blog/atelier/,assemblee=2023-05-06@/blog/assemblee/,\
         stand=2022-07-21@/blog/stand/,2015-07-rencontres=@/blog/2015-07-rencontres/,\
         2024-02-30-x=@/blog/2024-02-30-x/,"
    );
}
