//! Templates written for Zola run in site-gen: Zola's context (`config`,
//! `current_url`, `current_path`, `page`'s fields), its functions
//! (`get_page`, `get_section`, `get_url`, `load_data`) and the `date`
//! filter; their problems in French naming the template and the file; a
//! rebuild after a change to what they read equals a fresh build.

mod common;

use common::{assert_error, page, Rebuilds, Site};
use site_gen::BuildOptions;

const SITE_TOML: &str = "title = \"Essai\"\nbase_url = \"https://exemple.invalid\"\n";

const BLOG: &str = "+++\ntitle = \"Carnet\"\nsort_by = \"date\"\n+++\nLes notes.\n";

const UN: &str = "+++\ntitle = \"Première note\"\ndate = 2024-02-01\n+++\n\
Un texte de cinq mots.\n\n## Plus loin\n\nSuite.\n";

const DEUX: &str = "+++\ntitle = \"Deuxième note\"\ndate = 2024-03-15\n+++\nAutre texte.\n";

/// A Zola page template: what it prints is one fact a line.
const PAGE: &str = r#"{{ config.title }}|{{ config.base_url }}|{{ config.default_language }}
{{ current_url }}|{{ current_path }}
{{ page.relative_path }}|{{ page.components | join(sep=",") }}|{{ page.year }}-{{ page.month }}-{{ page.day }}
{{ page.date | date(format="%d/%m/%Y") }}|{{ page.date | date(format="%A %-d %B %Y", locale="fr_FR") }}|{{ page.date | date }}
{% for h in page.toc %}{{ h.title }}|{{ h.permalink }}{% endfor %}|{{ page.word_count }}|{{ page.reading_time }}
{% set autre = get_page(path="blog/deux.md") %}{{ autre.title }}|{{ autre.permalink }}
{% set carnet = get_section(path="blog/_index.md") %}{{ carnet.title }}|{% for p in carnet.pages %}{{ p.title }};{% endfor %}
{% set meta = get_section(path="@/blog/_index.md", metadata_only=true) %}{{ meta.pages | length }}
{% set gens = load_data(path="donnees/gens.toml") %}{% for g in gens.gens %}{{ g.nom }};{% endfor %}
{% set liste = load_data(path="@/donnees/liste.csv") %}{{ liste.headers | join(sep=",") }}|{{ liste.records.1.1 }}
{% set info = load_data(path="content/donnees/info.json") %}{{ info.version }}|{{ load_data(path="note.txt") | trim }}
{% set u = get_url(path="note.txt", cachebust=true) %}{{ get_url(path="@/blog/deux.md") }}|{% if u is starting_with("https://exemple.invalid/note.txt?h=") %}haché{% endif %}|{{ get_url(path="blog", trailing_slash=true) }}
{{ "Été à l’Amie" | slugify }}
{% if page.lower %}{{ page.lower.title }}{% endif %}|{% if page.higher %}{{ page.higher.title }}{% endif %}
{{ page.ancestors | join(sep=",") }}|{{ page.lang }}
"#;

fn site() -> Site {
    Site::new(&[
        ("site.toml", SITE_TOML),
        common::HOME,
        ("content/blog/_index.md", BLOG),
        ("content/blog/un.md", UN),
        ("content/blog/deux.md", DEUX),
        (
            "content/donnees/gens.toml",
            "[[gens]]\nnom = \"Alice\"\n\n[[gens]]\nnom = \"Bruno\"\n",
        ),
        (
            "content/donnees/liste.csv",
            "Numéro, Titre\n1,Un\n2,\"Deux, trois\"\n",
        ),
        ("content/donnees/info.json", "{\"version\": 3}\n"),
        ("static/note.txt", "  une note  \n"),
        ("templates/page.html", PAGE),
    ])
}

#[test]
fn a_zola_page_template_sees_zolas_context_and_functions() {
    let built = site().ok();
    let un = page(&built, "blog/un/index.html");
    let lines: Vec<&str> = un.lines().collect();
    assert_eq!(
        lines,
        [
            "Essai|https://exemple.invalid|fr",
            "https://exemple.invalid/blog/un/|/blog/un/",
            "blog/un.md|blog,un|2024-2-1",
            "01/02/2024|jeudi 1 février 2024|2024-02-01",
            "Plus loin|https://exemple.invalid/blog/un/#plus-loin|8|1",
            "Deuxième note|https://exemple.invalid/blog/deux/",
            "Carnet|Deuxième note;Première note;",
            "0",
            "Alice;Bruno;",
            "Numéro,Titre|Deux, trois",
            "3|une note",
            "https://exemple.invalid/blog/deux/|haché|https://exemple.invalid/blog/",
            "ete-a-l-amie",
            "Deuxième note|",
            "_index.md,blog/_index.md|fr",
        ]
    );
}

/// The build fails with `part` in a message naming `file` (the page) and
/// the template.
fn fails(site: &Site, part: &str) {
    let errors = site.errors();
    assert_error(&errors, "content/blog/un.md", part);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("« page.html »") && e.contains(part)),
        "{errors:#?}"
    );
}

#[test]
fn data_file_problems_name_the_template_and_the_file() {
    let s = site();
    s.write("content/donnees/gens.toml", "[[gens]]\nnom = \n");
    fails(&s, "load_data : content/donnees/gens.toml, ligne 2");

    let s = site();
    s.write("content/donnees/info.json", "{\"version\": }\n");
    fails(
        &s,
        "load_data : content/donnees/info.json, ligne 1, colonne 13 : JSON invalide",
    );

    let s = site();
    s.write("content/donnees/liste.csv", "a,b\n1,2,3\n");
    fails(
        &s,
        "load_data : content/donnees/liste.csv, ligne 2 : 3 champs au lieu de 2",
    );

    let s = site();
    std::fs::remove_file(s.path("content/donnees/gens.toml")).unwrap();
    fails(&s, "load_data : fichier « donnees/gens.toml » introuvable");

    let s = site();
    s.write(
        "templates/page.html",
        r#"{{ load_data(path="../secret.toml") }}"#,
    );
    fails(&s, "chemin « ../secret.toml » refusé");

    let s = site();
    s.write(
        "templates/page.html",
        r#"{{ load_data(path="site.toml") }}"#,
    );
    fails(&s, "« site.toml » introuvable");
}

#[cfg(unix)]
#[test]
fn a_data_file_linked_out_of_the_site_is_never_read() {
    let s = site();
    std::fs::write(s.beside("secret.toml"), "jeton = \"ne-pas-publier\"\n").unwrap();
    std::fs::remove_file(s.path("content/donnees/gens.toml")).unwrap();
    std::os::unix::fs::symlink(s.beside("secret.toml"), s.path("content/donnees/gens.toml"))
        .unwrap();
    let errors = s.errors();
    assert!(
        errors.iter().all(|e| !e.contains("ne-pas-publier")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("content/donnees/gens.toml") && e.contains("l’extérieur")),
        "{errors:#?}"
    );
}

#[test]
fn other_documents_are_read_by_pages_not_by_shortcodes() {
    let s = site();
    s.write(
        "templates/shortcodes/titre.html",
        r#"{% set p = get_page(path="blog/deux.md") %}{{ p.title }}"#,
    );
    s.write("content/blog/un.md", &format!("{UN}\n{{{{ titre() }}}}\n"));
    let errors = s.errors();
    assert!(
        errors.iter().any(|e| e.starts_with("content/blog/un.md")
            && e.contains("get_page n’est pas disponible ici")),
        "{errors:#?}"
    );

    let s = site();
    s.write(
        "templates/page.html",
        r#"{% set p = get_page(path="blog/trois.md") %}{{ p.title }}"#,
    );
    fails(&s, "get_page : « blog/trois.md » n’existe pas");
}

#[test]
fn refused_functions_say_why() {
    let s = site();
    s.write("templates/page.html", "{{ now() }}");
    fails(&s, "la page changerait à chaque construction");
    let s = site();
    s.write("templates/page.html", r#"{{ get_env(name="HOME") }}"#);
    fails(&s, "get_env() est refusée");
}

/// Every file of a fresh build of `site`.
fn fresh(site: &Site) -> std::collections::BTreeMap<String, Vec<u8>> {
    site.ok().files.into_iter().collect()
}

#[test]
fn a_rebuild_after_a_change_to_what_templates_read_equals_a_fresh_build() {
    let s = site();
    let mut rebuilds = Rebuilds::new(&s);
    let edits: [(&str, String); 5] = [
        // The page that `get_page` reads: its title only.
        (
            "content/blog/deux.md",
            DEUX.replace("Deuxième note", "Note numéro deux"),
        ),
        // A data file (`load_data`).
        (
            "content/donnees/gens.toml",
            "[[gens]]\nnom = \"Chloé\"\n".to_string(),
        ),
        // A static file.
        ("static/note.txt", "autre note\n".to_string()),
        // A new page of the section `get_section` lists.
        (
            "content/blog/trois.md",
            "+++\ntitle = \"Troisième\"\ndate = 2024-04-01\n+++\nTrois.\n".to_string(),
        ),
        // The content of the section read with `get_section`.
        (
            "content/blog/_index.md",
            BLOG.replace("Les notes.", "Des notes."),
        ),
    ];
    for (file, text) in edits {
        rebuilds.write(file, &text);
    }
    let un = String::from_utf8(fresh(&s)["blog/un/index.html"].clone()).unwrap();
    assert!(un.contains("Note numéro deux|"), "{un}");
    assert!(un.contains("Chloé;"), "{un}");
    assert!(un.contains("|autre note"), "{un}");
    assert!(un.contains("Troisième;"), "{un}");
}

#[test]
fn previous_and_next_pages_follow_their_titles() {
    let s = site();
    s.write(
        "templates/page.html",
        "{% if page.lower %}{{ page.lower.title }}{% endif %}|{% if page.higher %}{{ page.higher.title }}{% endif %}",
    );
    let mut rebuilds = Rebuilds::new(&s);
    let deux = "content/blog/deux.md";
    let files = rebuilds.write(deux, &DEUX.replace("Deuxième note", "Note numéro deux"));
    assert_eq!(files["blog/un/index.html"], "Note numéro deux|".as_bytes());
    assert_eq!(files["blog/deux/index.html"], "|Première note".as_bytes());
}

#[test]
fn a_transparent_sections_pages_take_their_place_in_the_parents_order() {
    let s = site();
    s.write(
        "content/blog/2024/_index.md",
        "+++\ntitle = \"2024\"\ntransparent = true\n+++\n",
    );
    s.write(
        "content/blog/2024/trois.md",
        "+++\ntitle = \"Troisième\"\ndate = 2024-04-01\n+++\nTrois.\n",
    );
    s.write(
        "templates/page.html",
        "{% if page.lower %}{{ page.lower.title }}{% endif %}|{% if page.higher %}{{ page.higher.title }}{% endif %}|{{ page.ancestors | join(sep=\",\") }}",
    );
    let built = s.ok();
    assert_eq!(
        page(&built, "blog/2024/trois/index.html"),
        "|Deuxième note|_index.md,blog/_index.md,blog/2024/_index.md"
    );
    assert_eq!(
        page(&built, "blog/deux/index.html"),
        "Troisième|Première note|_index.md,blog/_index.md"
    );
    assert_eq!(
        page(&built, "blog/un/index.html"),
        "Deuxième note||_index.md,blog/_index.md"
    );
}

/// The shared Zola fixture builds with the default theme; with a Zola
/// template of its own, its data files are read.
#[test]
fn the_zola_fixture_builds_and_its_data_feeds_a_zola_template() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zola");
    let mut opts = BuildOptions::new(&fixture);
    opts.widget = false;
    let built = site_gen::build(&opts).unwrap_or_else(|d| panic!("{d}"));
    let gabarits = page(&built, "gabarits/index.html");
    assert!(gabarits.contains("Gabarits et données"), "{gabarits}");
    assert!(built.files.contains_key("donnees/horaires.csv"));

    let copy = tempfile::tempdir().unwrap();
    copy_dir(&fixture, copy.path());
    std::fs::create_dir_all(copy.path().join("templates")).unwrap();
    std::fs::write(
        copy.path().join("templates/page.html"),
        r#"{% set h = load_data(path="@/donnees/horaires.csv") %}{% for r in h.records %}{{ r.0 }}={{ r.1 }};{% endfor %}
{% set p = load_data(path="donnees/parametres.toml") %}{{ p.titre }}|{% if page.date %}{{ page.date | date(format="%d %B %Y", locale="fr_FR") }}{% endif %}
{% set s = get_section(path="_index.md") %}{{ s.title }}"#,
    )
    .unwrap();
    let mut opts = BuildOptions::new(copy.path());
    opts.widget = false;
    let built = site_gen::build(&opts).unwrap_or_else(|d| panic!("{d}"));
    let gabarits = page(&built, "gabarits/index.html");
    let lines: Vec<&str> = gabarits.lines().collect();
    assert_eq!(
        lines,
        [
            "lundi=9 h – 12 h;mercredi=14 h – 18 h;",
            "Paramètres d’exemple|02 mars 2025",
            "Accueil",
        ]
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
