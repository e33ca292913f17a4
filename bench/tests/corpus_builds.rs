//! The synthetic corpus builds with site-gen (offline, no Hugo needed), and
//! its Hugo variant has everything Hugo needs.

use bench::corpus::{self, CorpusOptions, Flavor};
use site_gen::BuildOptions;

#[test]
fn the_site_gen_variant_builds_with_every_page_and_link() {
    let dir = tempfile::tempdir().unwrap();
    let opts = CorpusOptions::new(40);
    let [sg, _] = corpus::generate_both(dir.path(), &opts).unwrap();
    let site = site_gen::build(&BuildOptions {
        widget: false,
        ..BuildOptions::new(&sg.root)
    })
    .unwrap_or_else(|d| panic!("the corpus does not build: {d:?}"));
    assert_eq!(site.pages, 40);
    assert_eq!(site.sections, 11, "10 sections and the home page");
    for i in 0..40 {
        let path = corpus::page_url_path(&opts, i);
        let key = format!("{}index.html", &path[1..]);
        let html = String::from_utf8(site.files[&key].clone()).unwrap();
        assert!(!html.contains("@/"), "{key}: every link is resolved");
        assert!(html.contains("<table>") && html.contains("<pre>"), "{key}");
        assert!(html.contains("aria-current"), "{key}: navigation");
    }
    for f in ["index.html", "atom.xml", "sitemap.xml", "404.html"] {
        assert!(site.files.contains_key(f), "{f}");
    }
}

#[test]
fn the_hugo_variant_has_its_config_layouts_and_ref_links() {
    let dir = tempfile::tempdir().unwrap();
    let opts = CorpusOptions::new(12);
    let [_, hugo] = corpus::generate_both(dir.path(), &opts).unwrap();
    let root = &hugo.root;
    let config = std::fs::read_to_string(root.join("hugo.toml")).unwrap();
    assert!(config.contains("sectionPagesMenu = \"main\""));
    for layout in [
        "layouts/_default/baseof.html",
        "layouts/_default/single.html",
        "layouts/_default/list.html",
        "layouts/index.html",
        "layouts/404.html",
        "static/style.css",
    ] {
        assert!(root.join(layout).is_file(), "{layout}");
    }
    let page =
        std::fs::read_to_string(root.join("content").join(corpus::page_source(&opts, 5))).unwrap();
    assert!(page.contains("{{< ref \"/section-"));
    assert!(!page.contains("@/"));
    assert!(!root.join("site.toml").exists());
}

#[test]
fn the_same_seed_gives_the_same_files() {
    let opts = CorpusOptions::new(15);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    corpus::generate(a.path(), &opts, Flavor::SiteGen).unwrap();
    corpus::generate(b.path(), &opts, Flavor::SiteGen).unwrap();
    for i in 0..15 {
        let rel = std::path::Path::new("content").join(corpus::page_source(&opts, i));
        assert_eq!(
            std::fs::read(a.path().join(&rel)).unwrap(),
            std::fs::read(b.path().join(&rel)).unwrap()
        );
    }
}

#[test]
fn a_real_site_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("content/faq.md");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    std::fs::write(&page, "+++\ntitle = \"FAQ\"\n+++\n").unwrap();
    let opts = CorpusOptions::new(3);
    assert!(corpus::generate(dir.path(), &opts, Flavor::SiteGen).is_err());
    assert!(page.is_file(), "the site's page is still there");
    // A corpus is regenerated in place.
    let other = tempfile::tempdir().unwrap();
    corpus::generate(other.path(), &opts, Flavor::SiteGen).unwrap();
    corpus::generate(other.path(), &opts, Flavor::SiteGen).unwrap();
}
