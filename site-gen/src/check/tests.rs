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
/// it over.
fn with_markdown(body: &str, links: Vec<crate::markdown::LinkRef>) -> (Vec<String>, Vec<String>) {
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
            source_path: "services.md".into(),
            path: "/services/".into(),
            body: body.into(),
            body_line: 5,
            links,
        },
    )]);
    let mut c = Checker::new(
        &f,
        "https://amie.example",
        Sources::new("https://amie.example", &pages),
    );
    c.internal();
    c.orphans();
    let report = c.finish();
    let shown = |d: Vec<Diagnostic>| d.iter().map(ToString::to_string).collect();
    (shown(report.problems), shown(report.warnings))
}

#[test]
fn problems_point_at_the_markdown_the_build_recorded() {
    let link = |target: &str, anchor: Option<&str>, line, column| crate::markdown::LinkRef {
        target: target.into(),
        anchor: anchor.map(Into::into),
        by_source_path: false,
        line,
        column,
    };
    let (problems, _) = with_markdown(
        "Les [tarifs](/tarifs/).\n\n<p id=\"d\"></p>\n<p id='d'></p>\n",
        vec![link("/tarifs/", None, 5, 5)],
    );
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
