//! `site-gen new SECTION "Titre"`: the title kept as typed, accents
//! included, the file named after it; a path naming a folder refused.

mod common;
use common::{stderr, Site};

fn site() -> Site {
    Site::new(&[
        ("content/_index.md", "+++\ntitle = \"Accueil\"\n+++\n"),
        (
            "content/actualites/_index.md",
            "+++\ntitle = \"Actualités\"\n+++\n",
        ),
    ])
}

#[test]
fn a_title_keeps_its_accents_and_names_the_file() {
    let site = site();
    let out = site.run(&["new", "actualites", "Fête de la science"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(site.path("content/actualites/fete-de-la-science.md"))
        .expect("content/actualites/fete-de-la-science.md");
    assert!(
        text.starts_with("+++\ntitle = \"Fête de la science\"\n"),
        "{text}"
    );
    let build = site.run(&["build", "--no-widget", "--drafts"]);
    assert!(build.status.success(), "{}", stderr(&build));
    let page =
        std::fs::read_to_string(site.path("public/actualites/fete-de-la-science/index.html"))
            .unwrap();
    assert!(page.contains("<h1>Fête de la science"), "{page}");

    // At the top of content/, and never over an existing page.
    let out = site.run(&["new", ".", "Qui sommes-nous ?"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(site.path("content/qui-sommes-nous.md")).unwrap();
    assert!(text.contains("title = \"Qui sommes-nous ?\""), "{text}");
    let again = site.run(&["new", "actualites", "Fête de la Science"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("existe déjà"), "{}", stderr(&again));
}

#[test]
fn a_path_naming_a_section_or_a_folder_is_refused() {
    let site = site();
    for (args, expected) in [
        (
            &["new", "actualites"][..],
            "content/actualites/ est une section",
        ),
        (&["new", "actualites/"][..], "désigne un dossier"),
        (
            &["new", "infos/"][..],
            "site-gen new infos \"Titre de la page\"",
        ),
        (&["new", ".", "Actualités"][..], "est une section"),
        (&["new", "actualites", "  "][..], "le titre est vide"),
    ] {
        let out = site.run(args);
        assert!(!out.status.success(), "{args:?} accepted");
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(!site.path("content/actualites.md").exists());
    assert!(!site.path("content/infos.md").exists());
    assert!(!site.path("content/infos").exists());
}
