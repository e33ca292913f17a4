//! `site-gen init`: a new site builds at once, with the association's
//! published model, every figure from the pricing data, nothing made up.

mod common;
use std::path::Path;

use common::{run_in, snapshot, stderr, stdout, Site, BUILD};

/// The published model as a reader sees it (sources: 12 parts financing a
/// budget of 24 000 €, 2 000 € a part, about 9 days a part), in the
/// calculator's French formatting (narrow no-break space in thousands,
/// no-break space before the unit).
const MODEL: [&str; 5] = [
    "24\u{202f}000\u{a0}€",
    "20\u{202f}000\u{a0}€",
    "4\u{202f}000\u{a0}€",
    "Une part coûte 2\u{202f}000\u{a0}€ par an",
    "environ 9\u{a0}jours de travail par an",
];

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn init_creates_a_site_that_builds_with_the_model() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mon-site");
    let out = run_in(
        tmp.path(),
        &["init", dir.to_str().unwrap(), "--nom", "L’Amie du Perche"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Site créé dans"), "{}", stdout(&out));
    for file in [
        "site.toml",
        "content/_index.md",
        "content/presentation.md",
        "content/actualites/_index.md",
        "content/combien-ca-coute.md",
        "content/tarifs.toml",
    ] {
        assert!(dir.join(file).is_file(), "{file} created");
    }
    // The one source of the numbers, as shipped.
    assert_eq!(
        read(&dir.join("content/tarifs.toml")),
        read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tarifs.toml"))
    );
    assert!(read(&dir.join("site.toml")).contains("title = \"L’Amie du Perche\""));
    // No figure typed in the calculator page: all come from chiffre().
    let calc = read(&dir.join("content/combien-ca-coute.md"));
    assert!(calc.contains("{{ calculateur() }}"));
    assert!(!calc.chars().any(|c| c.is_ascii_digit()), "{calc}");
    // No news made up: the section is empty.
    let news: Vec<_> = std::fs::read_dir(dir.join("content/actualites"))
        .unwrap()
        .collect();
    assert_eq!(news.len(), 1, "only actualites/_index.md");

    let build = run_in(&dir, BUILD, &[]);
    assert!(build.status.success(), "{}", stderr(&build));
    let public = dir.join("public");
    let page = read(&public.join("combien-ca-coute/index.html"));
    for figure in MODEL {
        assert!(page.contains(figure), "{figure:?} on the calculator page");
    }
    assert!(
        page.contains(r#"id="calculateur""#),
        "the calculator is there"
    );
    assert!(read(&public.join("index.html")).contains("<title>L’Amie du Perche</title>"));
    assert!(public.join("actualites/index.html").is_file());
    assert!(public.join("presentation/index.html").is_file());
    // A new site has nothing for `check` to report.
    let check = run_in(&dir, &["check", "--no-widget"], &[]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("aucun lien cassé (5 pages)"),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}

#[test]
fn init_without_a_name_leaves_it_to_fill_in() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_in(tmp.path(), &["init"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let config = read(&tmp.path().join("site.toml"));
    assert!(config.contains("title = \"à compléter\""), "{config}");
    let build = run_in(tmp.path(), BUILD, &[]);
    assert!(build.status.success(), "{}", stderr(&build));
    // The unset name is said, not invented.
    assert!(
        stderr(&build).contains("name = \"…\""),
        "{}",
        stderr(&build)
    );
    let strict = run_in(tmp.path(), &["build", "--no-widget", "--strict"], &[]);
    assert!(!strict.status.success());
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_leaves_it_untouched() {
    let site = Site::new(&[("content/_index.md", "+++\ntitle = \"Le mien\"\n+++\n")]);
    site.write("notes.txt", "à garder");
    let before = snapshot(site.root());
    for args in [&["init"][..], &["init", site.root().to_str().unwrap()][..]] {
        let out = site.run(args);
        assert!(!out.status.success(), "{args:?} accepted");
        assert!(
            stderr(&out).contains("n’est pas vide : rien n’a été créé"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(snapshot(site.root()), before);

    let file = site.path("un-fichier");
    site.write("un-fichier", "x");
    let out = site.run(&["init", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("n’est pas un dossier"),
        "{}",
        stderr(&out)
    );
}
