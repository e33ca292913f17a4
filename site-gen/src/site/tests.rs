//! A session's rebuild gives what a fresh build of the same sources gives:
//! the same files, byte for byte, or the same problems.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proptest::prelude::*;

use super::{build, BuildOptions, Session};
use crate::diagnostics::Diagnostics;

const PRICING: &str = include_str!("../../../content/tarifs.toml");

/// A small site using every feature a rebuild must follow.
fn files() -> Vec<(&'static str, String)> {
    let s = |t: &str| t.to_string();
    vec![
        (
            "content/_index.md",
            s("+++\ntitle = \"Accueil\"\n+++\n\nBienvenue : voir [les questions](@/faq.md#questions).\n"),
        ),
        (
            "content/faq.md",
            s("+++\ntitle = \"FAQ\"\nweight = 2\naliases = [\"/ancienne-faq.html\"]\n+++\n\n## Questions\n\nTexte.\n\n## Réponses\n\n{{ note(texte=\"Attention\") }}\n"),
        ),
        (
            "content/tarifs.md",
            s("+++\ntitle = \"Combien ça coûte ?\"\nweight = 1\n+++\n\n{{ calculateur() }}\n"),
        ),
        ("content/tarifs.toml", s(PRICING)),
        (
            "content/actualites/_index.md",
            s("+++\ntitle = \"Actualités\"\nsort_by = \"date\"\n+++\n\nLes nouvelles.\n"),
        ),
        (
            "content/actualites/a.md",
            s("+++\ntitle = \"Première\"\ndate = 2025-01-10\n+++\n\nIntro.\n\n<!-- more -->\n\nVoir [la suite](@/actualites/b.md#suite) et [ici](#fin).\n\n## Fin\n"),
        ),
        (
            "content/actualites/b.md",
            s("+++\ntitle = \"Seconde\"\ndate = 2025-02-10\n+++\n\n## Suite\n\nTexte, [annexe](annexe.html).\n"),
        ),
        ("content/actualites/annexe.html", s("<p>annexe image</p>")),
        (
            "content/services/_index.md",
            s("+++\ntitle = \"Services\"\n+++\n"),
        ),
        (
            "content/services/x.md",
            s("+++\ntitle = \"Assistance\"\nweight = 1\n+++\n\nAide. [FAQ](@/faq.md)\n"),
        ),
        (
            "content/services/y.md",
            s("+++\ntitle = \"Formations\"\nweight = 2\n+++\n\nCours.\n"),
        ),
        (
            "templates/shortcodes/note.html",
            s("<aside class=\"note\">{{ texte }}</aside>"),
        ),
        ("static/extra.css", s("p { color: black }")),
    ]
}

struct Site {
    dir: tempfile::TempDir,
    opts: BuildOptions,
    session: Session,
}

impl Site {
    fn new(files: &[(&str, String)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            write(&dir.path().join(path), text);
        }
        let opts = BuildOptions {
            widget: false,
            ..BuildOptions::new(dir.path())
        };
        let session = Session::new(opts.clone());
        let mut site = Site { dir, opts, session };
        site.check(&[]);
        site
    }

    /// A site whose first build fails.
    fn new_failing(files: &[(&str, String)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            write(&dir.path().join(path), text);
        }
        let opts = BuildOptions {
            widget: false,
            ..BuildOptions::new(dir.path())
        };
        let session = Session::new(opts.clone());
        let mut site = Site { dir, opts, session };
        assert!(site.check(&[]).is_some(), "the first build fails");
        site
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    #[track_caller]
    fn write(&mut self, rel: &str, text: &str) {
        write(&self.path(rel), text);
        self.check(&[rel]);
    }

    #[track_caller]
    fn remove(&mut self, rel: &str) {
        let path = self.path(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
        self.check(&[rel]);
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Replaces `from` by `to` in a file (which must hold it).
    #[track_caller]
    fn edit(&mut self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// Rebuilds after `changed` and compares with a fresh build; returns
    /// the rebuild's problems.
    #[track_caller]
    fn check(&mut self, changed: &[&str]) -> Option<Diagnostics> {
        let changed: Vec<PathBuf> = changed.iter().map(|r| self.path(r)).collect();
        let incremental = self.session.rebuild(&changed);
        let fresh = build(&self.opts);
        match (incremental, fresh) {
            (Ok(_), Ok(fresh)) => {
                let files = self.session.files().expect("built");
                let got: BTreeMap<&String, &[u8]> =
                    files.iter().map(|(k, v)| (k, v.as_slice())).collect();
                let want: BTreeMap<&String, &[u8]> =
                    fresh.files.iter().map(|(k, v)| (k, v.as_slice())).collect();
                assert_eq!(
                    got.keys().collect::<Vec<_>>(),
                    want.keys().collect::<Vec<_>>(),
                    "same files after {changed:?}"
                );
                for (path, bytes) in &want {
                    assert!(
                        got[path] == *bytes,
                        "{path} differs after {changed:?}:\n--- rebuild\n{}\n--- fresh\n{}",
                        String::from_utf8_lossy(got[path]),
                        String::from_utf8_lossy(bytes)
                    );
                }
                assert_eq!(self.session.counts(), (fresh.pages, fresh.sections));
                None
            }
            (Err(a), Err(b)) => {
                assert_eq!(a, b, "same problems after {changed:?}");
                Some(a)
            }
            (a, b) => panic!(
                "after {changed:?}: rebuild {:?}, fresh build {:?}",
                a.map(|r| r.changed).map_err(|d| d.to_string()),
                b.map(|s| s.files.len()).map_err(|d| d.to_string())
            ),
        }
    }

    /// Writes a file, rebuilds, compares with a full build; the rebuild's report.
    #[track_caller]
    fn rebuild_after(&mut self, rel: &str, text: &str) -> super::RebuildReport {
        write(&self.path(rel), text);
        let report = self.session.rebuild(&[self.path(rel)]).expect("builds");
        self.check(&[]);
        report
    }

    /// The last rebuild's report (rebuilds with nothing changed).
    fn report(&mut self) -> super::RebuildReport {
        self.session.rebuild(&[]).expect("builds")
    }
}

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn page(site: &Site, output: &str) -> String {
    let files = site.session.files().unwrap();
    String::from_utf8(files[output].to_vec()).unwrap()
}

#[test]
fn the_feed_holds_the_newest_pages_up_to_its_limit() {
    let dated = |title: &str, date: &str| {
        format!("+++\ntitle = \"{title}\"\ndate = {date}\n+++\n\nTexte.\n")
    };
    // More dated pages than the limit, two of them on the newest kept day
    // (their paths decide), and the oldest first in the walk.
    let pages = [
        ("content/a.md", "Plus ancienne", "2024-01-01"),
        ("content/b.md", "Mars", "2024-03-01"),
        ("content/c.md", "Juin C", "2024-06-01"),
        ("content/d.md", "Avril", "2024-04-01"),
        ("content/e.md", "Juillet", "2024-07-01"),
        ("content/f.md", "Juin F", "2024-06-01"),
    ];
    let mut files = vec![
        ("site.toml", "feed_limit = 3\n".to_string()),
        (
            "content/_index.md",
            "+++\ntitle = \"Accueil\"\n+++\n".to_string(),
        ),
    ];
    files.extend(pages.map(|(path, title, date)| (path, dated(title, date))));
    let site = Site::new(&files);
    let feed = page(&site, "atom.xml");
    let titles: Vec<&str> = feed
        .split("<title>")
        .skip(2)
        .filter_map(|t| t.split("</title>").next())
        .collect();
    assert_eq!(titles, ["Juillet", "Juin C", "Juin F"], "{feed}");
}

#[test]
fn the_home_page_comes_first_even_when_a_file_sorts_before_it() {
    let files = [
        // `0` sorts before `_`: the walk meets this page first.
        (
            "content/0-intro.md",
            "+++\ntitle = \"Intro\"\n+++\n\nTexte.\n".to_string(),
        ),
        (
            "content/_index.md",
            "+++\ntitle = \"Accueil\"\n+++\n\nBienvenue.\n".to_string(),
        ),
        (
            "content/zz/_index.md",
            "+++\ntitle = \"Rubrique\"\n+++\n".to_string(),
        ),
        (
            "content/zz/p.md",
            "+++\ntitle = \"Page\"\n+++\n\nTexte.\n".to_string(),
        ),
    ];
    let site = Site::new(&files);
    let home = page(&site, "index.html");
    assert!(home.contains("<title>Accueil</title>"), "{home}");
    // The home page lists its page and its section, the section its page.
    assert!(
        home.contains("/0-intro/") && home.contains("/zz/"),
        "{home}"
    );
    assert!(page(&site, "zz/index.html").contains("/zz/p/"));
    assert!(page(&site, "0-intro/index.html").contains("<h1>Intro"));
}

// One scenario of edits read top to bottom (longer than the house limit
// on purpose): each step depends on the session the steps before left.
#[test]
fn edits_rebuild_what_they_affect_and_match_a_full_build() {
    let mut site = Site::new(&files());

    // A body edit: the page, not the other pages.
    let text = site.read("content/services/y.md");
    write(
        &site.path("content/services/y.md"),
        &format!("{text}\nEncore.\n"),
    );
    let report = site
        .session
        .rebuild(&[site.path("content/services/y.md")])
        .unwrap();
    assert_eq!(report.markdown, 1, "{report:?}");
    assert!(report.pages <= 2, "the page and its section: {report:?}");
    assert!(report
        .changed
        .contains(&"services/y/index.html".to_string()));
    assert!(
        report
            .changed
            .iter()
            .all(|f| f == "services/y/index.html" || f == "services/index.html"),
        "{report:?}"
    );
    site.check(&[]);
    assert_eq!(site.report().pages, 0, "nothing left to do");

    // A title: the page, its section's listing, the sitemap stays.
    let text = site
        .read("content/services/y.md")
        .replace("Formations", "Formations sur place");
    let report = site.rebuild_after("content/services/y.md", &text);
    assert_eq!(
        (report.markdown, report.pages, report.others),
        (0, 2, 0),
        "{report:?}"
    );
    site.edit("content/services/x.md", "weight = 1", "weight = 3");
    assert!(page(&site, "services/index.html").contains("Formations sur place"));
    // A date: order of the listing, feed, sitemap.
    site.edit("content/actualites/a.md", "2025-01-10", "2025-03-01");
    site.edit(
        "content/actualites/b.md",
        "+++\n\n",
        "updated = 2025-04-01\n+++\n\n",
    );
    // A summary.
    site.edit(
        "content/actualites/a.md",
        "Intro.",
        "Introduction plus longue.",
    );
    // An anchor other pages link to, broken then fixed.
    let problems = site.write_and_fail("content/actualites/b.md", "## Suite", "## Après");
    assert!(problems.to_string().contains("#suite"), "{problems}");
    // Still reported after an edit elsewhere: its check is kept, not lost.
    let kept = site.write_and_fail("content/services/y.md", "Cours.", "Cours du soir.");
    assert_eq!(kept, problems);
    site.edit("content/actualites/b.md", "## Après", "## Suite");
    // A same-page anchor.
    site.write_and_fail("content/actualites/a.md", "## Fin", "## Conclusion");
    site.edit("content/actualites/a.md", "## Conclusion", "## Fin");
    // Pages added, removed (and linked to), made drafts.
    site.write(
        "content/services/z.md",
        "+++\ntitle = \"Hébergement\"\n+++\n\n## Serveurs\n",
    );
    site.edit(
        "content/services/x.md",
        "[FAQ](@/faq.md)",
        "[héberg.](@/services/z.md#serveurs)",
    );
    site.remove("content/services/z.md");
    site.write(
        "content/services/z.md",
        "+++\ntitle = \"Hébergement\"\ndraft = true\n+++\n\n## Serveurs\n",
    );
    site.edit("content/services/z.md", "draft = true", "draft = false");
    site.edit(
        "content/services/z.md",
        "+++\n\n",
        "slug = \"hebergement\"\n+++\n\n",
    );
    // Aliases.
    site.edit(
        "content/faq.md",
        "\"/ancienne-faq.html\"",
        "\"/vieille-faq/\"",
    );
    site.edit(
        "content/services/y.md",
        "weight = 2",
        "weight = 2\naliases = [\"/cours/\"]",
    );
    // A front matter error, fixed.
    site.write_and_fail("content/services/y.md", "weight = 2", "poids = 2");
    site.edit("content/services/y.md", "poids = 2", "weight = 2");
    // A section's front matter.
    site.edit(
        "content/actualites/_index.md",
        "sort_by = \"date\"",
        "sort_by = \"title\"",
    );
    site.edit("content/services/_index.md", "+++\n", "+++\nweight = 1\n");
    // Templates: a shortcode, a page template, the base of every page.
    site.edit("templates/shortcodes/note.html", "note", "remarque");
    let report = site.rebuild_after(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock content %}",
    );
    let (pages, sections) = site.session.counts();
    assert_eq!(report.pages, pages, "pages, not sections: {report:?}");
    assert_eq!(
        report.markdown, 1,
        "the page using a theme shortcode: {report:?}"
    );
    assert!(sections > 0);
    site.edit("templates/page.html", "<h1>", "<h1 class=\"titre\">");
    site.write_and_fail("templates/page.html", "{{ page.title }}", "{{ page.title }");
    site.edit("templates/page.html", "{{ page.title }", "{{ page.title }}");
    site.remove("templates/page.html");
    // Static files and content files.
    site.edit("static/extra.css", "black", "navy");
    site.write("static/style.css", "body { margin: 0 }");
    site.edit("content/actualites/annexe.html", "image", "autre image");
    site.remove("content/actualites/annexe.html");
    site.write("content/actualites/annexe.html", "<p>annexe</p>");
    // Pricing data.
    site.edit("content/tarifs.toml", "parts = 12", "parts = 10");
    site.write_and_fail("content/tarifs.toml", "parts = 10", "parts = \"dix\"");
    site.edit("content/tarifs.toml", "parts = \"dix\"", "parts = 12");
    // The configuration.
    site.write("site.toml", "title = \"Amie\"\n");
    site.edit("site.toml", "\"Amie\"", "\"L’Amie\"");
    site.write(
        "site.toml",
        "title = \"Amie\"\n[[menu]]\nname = \"FAQ\"\nurl = \"@/faq.md\"\n",
    );
    site.edit("site.toml", "title", "relative_urls = true\ntitle");
    site.edit("content/faq.md", "Texte.", "Texte [accueil](/).");
    site.write_and_fail(
        "content/faq.md",
        "title = \"FAQ\"",
        "title = \"FAQ\"\nslug = \"questions\"\ndraft = true",
    );
    site.edit("content/faq.md", "draft = true", "draft = false");
    // A whole section, removed then back.
    let services: Vec<(String, String)> = ["_index.md", "x.md", "y.md", "z.md"]
        .iter()
        .map(|f| {
            let rel = format!("content/services/{f}");
            let text = site.read(&rel);
            (rel, text)
        })
        .collect();
    site.remove("content/services");
    for (rel, text) in &services {
        write(&site.path(rel), text);
    }
    site.check(&["content/services"]);
    // Everything at once (a rescan).
    site.check(&[""]);
}

#[test]
fn listings_follow_the_pages_they_list_and_the_terms_shortcodes_ask_for() {
    let s = |t: &str| t.to_string();
    let mut site = Site::new(&[
        (
            "site.toml",
            s("[[taxonomies]]\nname = \"tags\"\nfeed = true\n"),
        ),
        (
            "content/_index.md",
            s("+++\ntitle = \"Accueil\"\n+++\n{{ lien() }}\n"),
        ),
        (
            "content/blog/_index.md",
            s("+++\ntitle = \"Blog\"\npaginate_by = 1\ngenerate_feeds = true\n+++\n"),
        ),
        (
            "content/blog/a.md",
            s("+++\ntitle = \"A\"\ndate = 2025-01-01\n+++\n"),
        ),
        (
            "content/blog/b.md",
            s("+++\ntitle = \"B\"\ndate = 2025-02-01\n+++\n"),
        ),
        (
            "templates/shortcodes/lien.html",
            s("[{{ get_taxonomy_url(kind=\"tags\", name=\"Réseau\", required=false) }}]"),
        ),
    ]);
    // The second pager lists the oldest post: its new title shows there.
    site.edit("content/blog/a.md", "title = \"A\"", "title = \"Ancien\"");
    assert!(page(&site, "blog/page/2/index.html").contains(">Ancien</a>"));
    // A new term: its pages, and the shortcode asking for its URL.
    site.edit(
        "content/blog/b.md",
        "2025-02-01\n",
        "2025-02-01\n[taxonomies]\ntags = [\"Réseau\"]\n",
    );
    assert!(page(&site, "index.html").contains("[http://127.0.0.1:1111/tags/reseau/]"));
    assert!(page(&site, "tags/reseau/atom.xml").contains("<title>B</title>"));
    site.edit("content/blog/b.md", "title = \"B\"", "title = \"Bis\"");
    assert!(page(&site, "tags/reseau/index.html").contains(">Bis</a>"));
}

#[test]
fn changes_go_to_what_reads_them() {
    let mut site = Site::new(&files());
    let rebuild = |site: &mut Site, rel: &str| {
        let report = site.session.rebuild(&[site.path(rel)]).expect("builds");
        (report.markdown, report.pages, report.others)
    };
    // Not read by a build.
    write(&site.path("README.md"), "notes");
    assert_eq!(rebuild(&mut site, "README.md"), (0, 0, 0));
    assert_eq!(rebuild(&mut site, "public/index.html"), (0, 0, 0));
    // Nor the widget's sources on disk: the widget is compiled from the
    // sources packed into site-gen.
    assert_eq!(rebuild(&mut site, "calculator/src/lib.rs"), (0, 0, 0));
    // A file saved unchanged.
    assert_eq!(rebuild(&mut site, "content/faq.md"), (0, 0, 0));
    assert_eq!(rebuild(&mut site, "site.toml"), (0, 0, 0));
    assert_eq!(
        rebuild(&mut site, "templates/shortcodes/note.html"),
        (0, 0, 0)
    );
    // Relative paths are relative to the site.
    let text = site
        .read("content/services/y.md")
        .replace("Cours.", "Cours du soir.");
    write(&site.path("content/services/y.md"), &text);
    let report = site
        .session
        .rebuild(&[PathBuf::from("content/services/y.md")])
        .unwrap();
    assert_eq!(report.markdown, 1);
    site.check(&[]);
}

#[test]
fn a_file_beside_a_page_added_or_removed_renders_the_page_again() {
    let s = |t: &str| t.to_string();
    // GIFs: published as they are (a JPEG, PNG or WebP must be a real one).
    let mut site = Site::new(&[
        ("content/_index.md", s("+++\ntitle = \"Accueil\"\n+++\n")),
        (
            "content/actualites/_index.md",
            s("+++\ntitle = \"Actualités\"\n+++\n![Affiche](affiche.gif)\n"),
        ),
        (
            "content/actualites/stand.md",
            s("+++\ntitle = \"Stand\"\n+++\n![Stand](photo.gif) [Bulletin](../docs/b.pdf)\n"),
        ),
        ("content/actualites/photo.gif", s("gif")),
        ("content/actualites/affiche.gif", s("gif")),
        ("content/docs/b.pdf", s("pdf")),
    ]);
    // Each `check` compares the rebuild with a fresh build.
    site.remove("content/actualites/photo.gif");
    site.write("content/actualites/photo.gif", "gif 2");
    site.remove("content/docs/b.pdf");
    site.write("content/docs/b.pdf", "pdf 2");
    site.write("content/actualites/photo.gif", "gif 3");
    site.remove("content/actualites/affiche.gif");
    site.write("content/actualites/affiche.gif", "gif");
    assert!(page(&site, "actualites/stand/index.html").contains("/actualites/photo.gif"));
    // The section moves: its files move with it, and the links to them.
    site.edit(
        "content/actualites/_index.md",
        "title = \"Actualités\"",
        "title = \"Actualités\"\nslug = \"nouvelles\"",
    );
    assert!(page(&site, "nouvelles/stand/index.html").contains("/nouvelles/photo.gif"));
}

#[test]
fn a_failed_first_build_recovers_incrementally() {
    let mut files = files();
    files[0].1 = files[0].1.replace("#questions", "#absente");
    let mut site = Site::new_failing(&files);
    let text = site
        .read("content/_index.md")
        .replace("#absente", "#questions");
    write(&site.path("content/_index.md"), &text);
    let report = site
        .session
        .rebuild(&[site.path("content/_index.md")])
        .unwrap();
    assert_eq!(report.markdown, 1, "the others were rendered: {report:?}");
    site.check(&[]);
}

impl Site {
    /// Like [`Site::edit`], for an edit that breaks the build.
    #[track_caller]
    fn write_and_fail(&mut self, rel: &str, from: &str, to: &str) -> Diagnostics {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        write(&self.path(rel), &text.replacen(from, to, 1));
        self.check(&[rel]).expect("the build fails")
    }
}

/// The `site.toml` of the proptest below, but its `[[taxonomies]]`.
const CONFIGS: [&str; 6] = [
    "",
    "title = \"Autre\"\n",
    "url_style = \"html\"\n",
    "generate_feed = false\n",
    "relative_urls = true\n",
    "base_url = \"https://exemple.org/amie/\"\n",
];

/// The home page's template in the proptest below: what Zola's functions
/// read of the other documents and of a data file.
const READER: &str = concat!(
    r#"{% set r = get_section(path="_index.md") %}"#,
    r#"{% for s in r.subsections %}{% set sub = get_section(path=s) %}{{ sub.title }}:"#,
    r#"{% for p in sub.pages %}{{ p.title }}/{{ p.date }};{% endfor %}{{ sub.content | length }}{% endfor %}"#,
    r#"{% for p in r.pages %}{% set full = get_page(path=p.relative_path) %}{{ full.title }}={{ full.content | length }}{% endfor %}"#,
    r#"{{ load_data(path="donnees.toml", required=false) | json_encode }}"#,
);

/// One random edit of the proptest below.
#[derive(Debug, Clone)]
enum Edit {
    Body(usize, u8),
    Title(usize, u8),
    Date(usize, u8),
    Draft(usize, bool),
    Remove(usize),
    /// The terms of a page (`[taxonomies]`), or the section's pagination
    /// and feed.
    Listing(usize, u8),
    Template(u8),
    Config(u8),
}

const PAGES: [&str; 4] = [
    "content/a.md",
    "content/rubrique/b.md",
    "content/rubrique/c.md",
    "content/rubrique/_index.md",
];

fn body(variant: u8) -> &'static str {
    match variant % 6 {
        0 => "Texte simple.\n",
        1 => "## Partie\n\nVoir [b](@/rubrique/b.md#partie).\n",
        2 => "Intro.\n\n<!-- more -->\n\n## Partie\n\n[c](@/rubrique/c.md) et [haut](#partie)\n",
        3 => "{{ note(texte=\"x\") }}\n\n## Autre\n",
        // A body shortcode, a call in its body.
        4 => "{% note(texte=\"y\") %}\nCorps {{ note(texte=\"z\") }}\n{% end %}\n",
        _ => "[a](@/a.md#autre) et [section](@/rubrique/_index.md)\n",
    }
}

fn source(page: usize, (title, date, draft, variant, listing): PageState) -> String {
    let date = match date % 3 {
        0 => String::new(),
        d => format!("date = 2025-0{d}-1{}\n", title % 3),
    };
    let listing = if page == 3 {
        // The section: pagination (0 is none), its order, its feed, the
        // `#` links of its pages' headings.
        format!(
            "paginate_by = {}\npaginate_reversed = {}\ngenerate_feeds = {}\n\
             insert_anchor_links = \"{}\"\n",
            listing % 3,
            listing % 2 == 0,
            listing % 5 < 2,
            ["none", "left", "right", "heading"][usize::from(listing / 5 % 4)]
        )
    } else {
        let tags = [
            "",
            "\"Réseau & Wi-Fi\"",
            "\"réseau wi-fi\", \"Sauvegardes\"",
            "\"Sauvegardes\"",
        ];
        match tags[usize::from(listing % 4)] {
            "" => String::new(),
            tags => format!("[taxonomies]\ntags = [{tags}]\n"),
        }
    };
    format!(
        "+++\ntitle = \"Titre {}\"\n{date}draft = {draft}\n{listing}+++\n\n{}",
        title % 4,
        if page == 3 {
            "Rubrique.\n"
        } else {
            body(variant)
        }
    )
}

/// The shortcode of the proptest below, as it starts.
const NOTE: &str = "<b>{{ texte }}</b>{% if page %}{{ page.title }}{% endif %}";

/// (title, date, draft, body, listing) of a page of the proptest below.
type PageState = (u8, u8, bool, u8, u8);

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..4usize, any::<u8>()).prop_map(|(p, v)| Edit::Body(p, v)),
        (0..4usize, any::<u8>()).prop_map(|(p, v)| Edit::Title(p, v)),
        (0..4usize, any::<u8>()).prop_map(|(p, v)| Edit::Date(p, v)),
        (0..4usize, any::<bool>()).prop_map(|(p, d)| Edit::Draft(p, d)),
        (0..4usize).prop_map(Edit::Remove),
        (0..4usize, any::<u8>()).prop_map(|(p, v)| Edit::Listing(p, v)),
        any::<u8>().prop_map(Edit::Template),
        any::<u8>().prop_map(Edit::Config),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_edit_sequences_match_full_builds(edits in proptest::collection::vec(edit_strategy(), 1..10)) {
        // Each page's state, None when absent.
        // The first page calls the shortcode, which shows its title.
        let mut state: Vec<Option<PageState>> = vec![Some((0, 0, false, 1, 1)); 4];
        state[0] = Some((0, 0, false, 3, 1));
        let mut files: Vec<(&str, String)> = PAGES
            .iter()
            .zip(&state)
            .enumerate()
            .map(|(i, (p, s))| (*p, source(i, s.unwrap_or((0, 0, false, 1, 1)))))
            .collect();
        files.push(("site.toml", "[[taxonomies]]\nname = \"tags\"\n".into()));
        files.push(("templates/shortcodes/note.html", NOTE.into()));
        // A home page whose template reads the other documents and a data
        // file (Zola's `get_section`, `get_page`, `load_data`).
        files.push(("content/_index.md", "+++\ntitle = \"Accueil\"\ntemplate = \"lecture.html\"\n+++\n".into()));
        files.push(("templates/lecture.html", READER.into()));
        let mut site = Site::new(&files);
        for edit in edits {
            let (page, template, config) = match edit {
                Edit::Template(v) => (None, Some(v), None),
                Edit::Config(v) => (None, None, Some(v)),
                Edit::Body(p, _) | Edit::Title(p, _) | Edit::Date(p, _) | Edit::Draft(p, _)
                | Edit::Remove(p) | Edit::Listing(p, _) => (Some(p), None, None),
            };
            if let Some(p) = page {
                let (t, d, dr, b, l) = state[p].unwrap_or((0, 0, false, 0, 0));
                state[p] = match edit {
                    Edit::Body(_, v) => Some((t, d, dr, v, l)),
                    Edit::Title(_, v) => Some((v, d, dr, b, l)),
                    Edit::Date(_, v) => Some((t, v, dr, b, l)),
                    Edit::Draft(_, v) => Some((t, d, v, b, l)),
                    Edit::Listing(_, v) => Some((t, d, dr, b, v)),
                    _ => None,
                };
                let path = site.path(PAGES[p]);
                match state[p] {
                    Some(page_state) => write(&path, &source(p, page_state)),
                    None => { let _ = std::fs::remove_file(&path); }
                }
                site.check(&[PAGES[p]]);
            }
            if let Some(v) = template {
                let text = [
                    NOTE,
                    "<i>{{ texte }}</i>",
                    "{{ get_url(path=\"@/a.md\", required=false) }}",
                    "{{ get_taxonomy_url(kind=\"tags\", name=\"Sauvegardes\", required=false) }}",
                    // What Zola gives shortcodes besides their arguments.
                    "{{ page.title }}{{ page.date }}|{{ nth }}|{{ body | default(value=\"\") }}|{{ config.title }}{{ config.feed_url }}|{{ lang }}",
                ][usize::from(v % 5)];
                write(&site.path("templates/shortcodes/note.html"), text);
                write(&site.path("content/donnees.toml"), &format!("n = {}\n", v % 3));
                site.check(&["templates/shortcodes/note.html", "content/donnees.toml"]);
            }
            if let Some(v) = config {
                let text = CONFIGS[usize::from(v) % CONFIGS.len()];
                let taxonomies = [
                    "[[taxonomies]]\nname = \"tags\"\n",
                    "[[taxonomies]]\nname = \"tags\"\npaginate_by = 1\nfeed = true\n",
                    "",
                ][usize::from(v / 8 % 3)];
                write(&site.path("site.toml"), &format!("{text}{taxonomies}"));
                site.check(&["site.toml"]);
            }
        }
    }
}
