//! `site-gen new`: a draft page that builds, never an overwrite.

mod common;
use common::{stderr, stdout, Site};

#[test]
fn creates_a_draft_that_builds_and_refuses_to_overwrite() {
    let site = Site::new(&[("content/_index.md", "+++\ntitle = \"Accueil\"\n+++\n")]);
    let out = site.run(&["new", "actualites/assemblee-generale"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("content/actualites/assemblee-generale.md"));
    assert!(
        stderr(&out).contains("n’a pas de _index.md"),
        "{}",
        stderr(&out)
    );
    let file = site.root().join("content/actualites/assemblee-generale.md");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("+++\ntitle = \"Assemblee generale\"\ndate = "),
        "{text}"
    );
    let date = text
        .lines()
        .find_map(|l| l.strip_prefix("date = "))
        .unwrap();
    assert!(
        date.len() == 10
            && date.chars().enumerate().all(|(i, c)| if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }),
        "{date}"
    );
    assert!(text.contains("\ndraft = true\n") && text.contains("\ndescription = \"\"\n"));

    let out_dir = site.root().join("public");
    let build = site.run(&["build", "--drafts"]);
    assert!(build.status.success(), "{}", stderr(&build));
    let page =
        std::fs::read_to_string(out_dir.join("actualites/assemblee-generale/index.html")).unwrap();
    assert!(page.contains("Assemblee generale"));
    // A draft: not published without --drafts.
    assert!(site.run(&["build"]).status.success());
    assert!(!out_dir
        .join("actualites/assemblee-generale/index.html")
        .exists());

    std::fs::write(&file, "mon texte").unwrap();
    let again = site.run(&["new", "actualites/assemblee-generale"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("existe déjà"), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mon texte");
}

#[test]
fn refuses_paths_outside_content() {
    let site = Site::new(&[("content/_index.md", "")]);
    for bad in ["../dehors", "actualites/../../dehors", "/tmp/dehors"] {
        let out = site.run(&["new", bad]);
        assert!(!out.status.success(), "{bad} accepted");
    }
    assert!(!site.root().join("dehors.md").exists());
    assert!(!site.root().parent().unwrap().join("dehors.md").exists());
}

#[test]
fn refuses_pages_that_could_never_be_published() {
    let site = Site::new(&[
        ("content/_index.md", "+++\ntitle = \"Accueil\"\n+++\n"),
        (
            "content/actualites/_index.md",
            "+++\ntitle = \"Actualités\"\n+++\n",
        ),
    ]);
    for (path, expected) in [
        (
            "actualites",
            "content/actualites/ est une section : la page aurait son adresse",
        ),
        ("actualites/", "site-gen new actualites/nom-de-la-page"),
        ("actualites/con", "nom réservé par Windows"),
        ("lpt1", "nom réservé par Windows"),
    ] {
        let out = site.run(&["new", path]);
        assert!(!out.status.success(), "{path} must be refused");
        assert!(stderr(&out).contains(expected), "{path}: {}", stderr(&out));
    }
    assert!(!site.root().join("content/actualites.md").exists());
    assert!(!site.root().join("content/actualites/con.md").exists());
    // A typed title keeps its accents; the file gets its slug.
    let out = site.run(&["new", "actualites/Fête de la science"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text =
        std::fs::read_to_string(site.root().join("content/actualites/fete-de-la-science.md"))
            .unwrap();
    assert!(text.contains("title = \"Fête de la science\""), "{text}");
}
