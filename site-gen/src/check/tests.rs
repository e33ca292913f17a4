use super::*;

fn files(pages: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    pages
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect()
}

/// The problems and warnings of `pages` (output only), as printed.
fn run(pages: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    let f = files(pages);
    let mut c = Checker::new(&f, "https://amie.example", Sources::none());
    c.internal();
    c.orphans();
    let report = c.finish();
    let shown = |d: Vec<Diagnostic>| d.iter().map(ToString::to_string).collect();
    (shown(report.problems), shown(report.warnings))
}

#[test]
fn targets() {
    let f = files(&[("index.html", "")]);
    let c = Checker::new(&f, "https://amie.example", Sources::none());
    let internal = |p: &str, f: Option<&str>| Target::Internal {
        path: p.into(),
        fragment: f.map(Into::into),
    };
    assert_eq!(
        c.target("https://amie.example/faq/#a", "/"),
        internal("/faq/", Some("a"))
    );
    assert_eq!(c.target("https://amie.example", "/x/"), internal("/", None));
    assert_eq!(
        c.target("https://amie.examples/", "/"),
        Target::External("https://amie.examples/".into())
    );
    assert_eq!(c.target("#haut", "/faq/"), internal("/faq/", Some("haut")));
    assert_eq!(
        c.target("photo.jpg", "/services/a/"),
        internal("/services/a/photo.jpg", None)
    );
    assert_eq!(
        c.target("../b/", "/services/a/"),
        internal("/services/b/", None)
    );
    assert_eq!(c.target("/caf%C3%A9/?x=1", "/"), internal("/café/", None));
    assert_eq!(c.target("#caf%C3%A9", "/"), internal("/", Some("café")));
    assert_eq!(c.target("mailto:a@b", "/"), Target::Other);
    assert_eq!(
        c.target("//cdn.example/x", "/"),
        Target::External("https://cdn.example/x".into())
    );
}

#[test]
fn broken_links_anchors_duplicates_and_orphans() {
    let (problems, warnings) = run(&[
        ("index.html", "<a href=\"/faq/\">f</a><a href=\"/faq/#ok\">f</a><a href=\"/faq/#nope\">f</a><a href=\"/tarifs/\">t</a><a href=\"/faq\">f</a>"),
        ("faq/index.html", "<h2 id=\"ok\">ok</h2><p id=\"ok\"></p><a href=\"#top\">haut</a>"),
        ("seule/index.html", "<p>personne ne vient ici</p>"),
        ("404.html", "<a href=\"/\">accueil</a>"),
    ]);
    assert_eq!(
        problems,
        [
            "faq/index.html:1:27: id « ok » en double dans la page /faq/ (déjà à la ligne 1 du HTML produit) : les liens vers #ok ne mènent qu’au premier",
            "index.html:1:55: ancre cassée : #nope n’existe pas dans /faq/",
            "index.html:1:81: lien cassé vers /tarifs/ (aucune page)",
        ]
    );
    assert_eq!(
        warnings,
        ["seule/index.html: page orpheline : aucun lien ne mène de l’accueil à /seule/"]
    );
}

#[test]
fn ids_with_named_character_references_are_targets() {
    // `&eacute;` was unknown to the old decoder: a false « ancre cassée ».
    let (problems, _) = run(&[
        (
            "index.html",
            "<h2 id=\"caf&eacute;\">Café</h2><a href=\"#caf%C3%A9\">a</a><a href=\"/#café\">b</a><a href=\"#th&eacute;\">c</a>",
        ),
    ]);
    assert_eq!(
        problems,
        ["index.html:1:88: ancre cassée : #thé n’existe pas dans cette page"]
    );
}

#[test]
fn text_elements_and_comments_hold_no_links() {
    // The old scanner read `<title>` as raw text but took `<!-->` for an
    // unclosed comment; the tokenizer reads both as a browser does.
    let (problems, _) = run(&[(
        "index.html",
        "<title><a href=/titre/></title><textarea><a href=/zone/></textarea><!--><a href=/apres/><noscript><a href=/sans-js/></noscript>",
    )]);
    assert_eq!(
        problems,
        [
            "index.html:1:81: lien cassé vers /apres/ (aucune page)",
            "index.html:1:107: lien cassé vers /sans-js/ (aucune page)",
        ]
    );
}

/// A site whose services page is made from Markdown, as the build hands
/// it over: what its Markdown writes where.
fn with_markdown(places: crate::markdown::Places) -> (Vec<String>, Vec<String>) {
    let f = files(&[
        ("index.html", "<a href=\"https://amie.example/services/\">s</a>"),
        (
            "services/index.html",
            "<nav><a href=\"/plan/\">plan</a></nav><a href=\"/tarifs/\">t</a><a href=\"https://amie.example/#x\">x</a><p id=d></p><p id=d></p>",
        ),
    ]);
    let pages = BTreeMap::from([(
        "services/index.html".to_string(),
        crate::site::MarkdownPage {
            file: "content/services.md".into(),
            places,
        },
    )]);
    let mut c = Checker::new(&f, "https://amie.example", Sources::new(&pages));
    c.internal();
    c.orphans();
    let report = c.finish();
    let shown = |d: Vec<Diagnostic>| d.iter().map(ToString::to_string).collect();
    (shown(report.problems), shown(report.warnings))
}

#[test]
fn problems_point_at_the_markdown_the_build_recorded() {
    let place = |value: &str, line, column| crate::markdown::Place {
        value: value.into(),
        line,
        column,
    };
    let (problems, _) = with_markdown(crate::markdown::Places {
        links: vec![place("/tarifs/", 5, 5)],
        raw_links: Vec::new(),
        ids: vec![place("d", 7, 4), place("d", 8, 4)],
    });
    assert_eq!(
        problems,
        [
            "content/services.md:5:5: lien cassé vers /tarifs/ (aucune page)",
            "content/services.md:8:4: id « d » en double dans la page /services/ (déjà à la ligne 1 du HTML produit) : les liens vers #d ne mènent qu’au premier",
            "services/index.html:1:15: lien cassé vers /plan/ (aucune page)",
            "services/index.html:1:70: ancre cassée : #x n’existe pas dans /",
        ]
    );
}

/// A site on disk, checked through the whole build (links to other sites
/// requested when `external`): the problems as printed.
fn check_site(files: &[(&str, &str)], external: bool) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
        std::fs::write(path, text).expect("file");
    }
    let report = check(&CheckOptions {
        root: dir.path().to_path_buf(),
        include_drafts: false,
        widget: false,
        external,
        skip: vec!["creativecommons.org".into()],
    })
    .expect("the site builds");
    report.problems.iter().map(ToString::to_string).collect()
}

const HOME: (&str, &str) = (
    "content/_index.md",
    "+++\ntitle = \"Accueil\"\n+++\n\nLes [services](@/services.md).\n",
);

#[test]
fn each_kind_of_link_and_id_is_reported_where_the_markdown_writes_it() {
    // Relative links (a missing relative image or file stops the build:
    // `tests/files_beside.rs`), raw HTML (a block, a tag across lines,
    // inline, in a quote, in a list item), an id given by raw HTML then by
    // a heading, links after a shortcode on their line, a reference link:
    // each position counted by hand, and the one `check` gave when it
    // parsed the Markdown again itself.
    let services = concat!(
        "+++\ntitle = \"Services\"\n+++\n",
        "\n",                                                                      // 4
        "Une [photo](photo-absente/ \"titre\") et [logo](../logo-absent/).\n",     // 5
        "\n",                                                                      // 6
        "<div class=\"encart\">\n",                                                // 7
        "  <a class=\"x\"\n",                                                      // 8
        "     href=\"/absente/\">lien</a>\n",                                      // 9
        "</div>\n",                                                                // 10
        "\n",                                                                      // 11
        "> Cité : <a title=\"é\" href=\"/citee/\">ici</a>.\n",                     // 12
        "\n",                                                                      // 13
        "<p id=\"double\">un</p>\n",                                               // 14
        "\n",                                                                      // 15
        "## Deux {#double}\n",                                                     // 16
        "\n",                                                                      // 17
        "{{ organisation(champ=\"name\") }} [encore](autre-absente/) [réf][r].\n", // 18
        "\n",                                                                      // 19
        "[r]: ../perdue/\n",                                                       // 20
        "\n",                                                                      // 21
        "- <a\n",                                                                  // 22
        "  href=\"/liste/\">l</a>\n",                                              // 23
    );
    let problems = check_site(&[HOME, ("content/services.md", services)], false);
    assert_eq!(
        problems,
        [
            "content/services.md:5:5: lien cassé vers /services/photo-absente/ (aucune page)",
            "content/services.md:5:40: lien cassé vers /logo-absent/ (aucune page)",
            "content/services.md:9:6: lien cassé vers /absente/ (aucune page)",
            "content/services.md:12:23: lien cassé vers /citee/ (aucune page)",
            "content/services.md:16:9: id « double » en double dans la page /services/ (déjà à la ligne 49 du HTML produit) : les liens vers #double ne mènent qu’au premier",
            "content/services.md:18:34: lien cassé vers /services/autre-absente/ (aucune page)",
            "content/services.md:18:59: lien cassé vers /perdue/ (aucune page)",
            "content/services.md:23:3: lien cassé vers /liste/ (aucune page)",
        ]
    );
}

#[test]
fn a_link_to_another_site_is_reported_where_the_markdown_writes_it() {
    // At each use of a reference (as `check` reported them when it parsed
    // the Markdown again itself). A port nothing listens on: refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let services = format!(
        "+++\ntitle = \"Services\"\n+++\n\nUn [lien](http://127.0.0.1:{port}/absent) puis\n[un autre][ailleurs] et [encore][ailleurs].\n\n[ailleurs]: http://127.0.0.1:{port}/autre\n"
    );
    let problems = check_site(&[HOME, ("content/services.md", &services)], true);
    let at: Vec<&str> = problems
        .iter()
        .map(|p| p.split(" (").next().unwrap_or(p))
        .collect();
    assert_eq!(
        at,
        [
            format!(
                "content/services.md:5:4: lien externe cassé vers http://127.0.0.1:{port}/absent"
            ),
            format!(
                "content/services.md:6:1: lien externe cassé vers http://127.0.0.1:{port}/autre"
            ),
            format!(
                "content/services.md:6:25: lien externe cassé vers http://127.0.0.1:{port}/autre"
            ),
        ]
    );
}
