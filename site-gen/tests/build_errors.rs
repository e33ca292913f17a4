//! A maintainer's mistakes: each one fails the build with a message naming
//! the file (and line), and leaves the previous output untouched.

mod common;

use common::{assert_error as assert_one, hidden_in, snapshot, stderr, Site, HOME};

#[test]
fn broken_front_matter_names_file_and_line() {
    let site = Site::new(&[
        HOME,
        (
            "content/faq.md",
            "+++\ntitle = \"FAQ\"\ndate = 2025-13-45\n+++\n",
        ),
    ]);
    assert_one(
        &site.errors(),
        "content/faq.md:3:8",
        "date impossible\u{202f}: le mois doit être entre 01 et 12",
    );
}

#[test]
fn unclosed_front_matter_is_reported() {
    let site = Site::new(&[HOME, ("content/faq.md", "+++\ntitle = \"FAQ\"\n\nTexte\n")]);
    assert_one(&site.errors(), "content/faq.md:1:1", "non fermé");
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    let site = Site::new(&[HOME, ("content/faq.md", "+++\ntitel = \"FAQ\"\n+++\n")]);
    assert_one(
        &site.errors(),
        "content/faq.md:2:",
        "vouliez-vous dire « title »",
    );
}

#[test]
fn unknown_config_key_is_an_error_at_its_line() {
    let site = Site::new(&[
        HOME,
        ("site.toml", "title = \"Amie\"\nbase_ulr = \"https://x\"\n"),
    ]);
    let errors = site.errors();
    assert_one(&errors, "site.toml:2:1", "clé inconnue « base_ulr »");
    assert_one(&errors, "site.toml:2:1", "« base_url »");
}

#[test]
fn broken_internal_link_and_anchor_name_file_line_and_column() {
    let site = Site::new(&[
        HOME,
        ("content/faq.md", "# FAQ\n\n## Tarifs\n"),
        (
            "content/services.md",
            "+++\ntitle = \"Services\"\n+++\nVoir [la FAQ](@/faq.md#tarifs).\n\nEt [ceci](@/absente.md)\net [cela](@/faq.md#nulle-part).\n",
        ),
    ]);
    let errors = site.errors();
    assert_one(&errors, "content/services.md:6:4", "@/absente.md");
    assert_one(&errors, "content/services.md:7:4", "#nulle-part");
    assert_eq!(
        errors.len(),
        2,
        "the valid link is not reported: {errors:#?}"
    );
}

#[test]
fn every_problem_of_a_run_is_reported_together() {
    let site = Site::new(&[
        HOME,
        ("content/a.md", "+++\ntitel = \"A\"\n+++\n"),
        ("content/b.md", "+++\ndraft = \"oui\"\n+++\n"),
    ]);
    let errors = site.errors();
    assert_one(&errors, "content/a.md:2:", "titel");
    assert_one(&errors, "content/b.md:2:", "true pour oui");
}

#[test]
fn template_problems_are_reported_with_the_content_ones() {
    let site = Site::new(&[
        HOME,
        ("content/a.md", "+++\ntitel = \"A\"\n+++\n"),
        ("templates/page.html", "<p>\n{{ page.title }\n</p>\n"),
        (
            "templates/partials/boucle.html",
            "{% include \"partials/boucle.html\" %}\n",
        ),
    ]);
    let errors = site.errors();
    assert_one(&errors, "content/a.md:2:", "titel");
    assert_one(&errors, "templates/page.html:2:15", "erreur de syntaxe");
    assert_one(&errors, "templates/partials/boucle.html", "boucle.html");
}

#[test]
fn missing_template_named_in_front_matter() {
    let site = Site::new(&[
        HOME,
        ("content/a.md", "+++\ntemplate = \"special.html\"\n+++\n"),
    ]);
    assert_one(
        &site.errors(),
        "content/a.md",
        "« special.html » introuvable",
    );
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let site = Site::new(&[
        HOME,
        ("templates/page.html", "<p>\n{{ page.title }\n</p>\n"),
    ]);
    // At the unclosed `}}`.
    assert_one(
        &site.errors(),
        "templates/page.html:2:15",
        "erreur de syntaxe : attendu `or`",
    );
    assert_one(
        &site.errors(),
        "templates/page.html:2:15",
        "un filtre ou la fin de la variable (`}}`)",
    );
}

#[test]
fn missing_theme_is_reported_against_the_config() {
    let site = Site::new(&[HOME, ("site.toml", "theme = \"absent\"\n")]);
    assert_one(&site.errors(), "site.toml", "thème « absent » introuvable");
}

#[test]
fn two_pages_at_the_same_url() {
    let site = Site::new(&[
        HOME,
        ("content/faq.md", "# FAQ\n"),
        ("content/autre.md", "+++\nslug = \"faq\"\n+++\n"),
    ]);
    let errors = site.errors();
    assert_one(
        &errors,
        "content/faq.md",
        "la page produit faq/index.html, déjà produit par content/autre.md",
    );
    assert_one(&errors, "content/faq.md", "deux contenus à la même adresse");
}

#[test]
fn not_utf8_and_binary_files_are_refused() {
    let site = Site::new(&[HOME]);
    site.write_bytes("content/latin1.md", b"caf\xe9\n");
    site.write_bytes("content/binaire.md", b"\x00\x01\x02");
    let errors = site.errors();
    assert_one(
        &errors,
        "content/latin1.md:1:4",
        "le fichier n’est pas en UTF-8 : réenregistrez-le en UTF-8",
    );
    assert_one(&errors, "content/binaire.md", "fichier binaire (octet nul)");
}

#[test]
fn escaping_aliases_are_refused() {
    let site = Site::new(&[
        HOME,
        (
            "content/a.md",
            "+++\naliases = [\"../../etc/passwd\"]\n+++\n",
        ),
    ]);
    assert_one(
        &site.errors(),
        "content/a.md",
        "alias « ../../etc/passwd » refusé : chemin invalide",
    );
}

/// Builds the site through `site-gen build`, changes every page, then
/// breaks it with `late` — a problem found only once every page's Markdown
/// is rendered — and builds again: the build fails with `expected`, and
/// `public/` is byte for byte the first site (had the failing build written
/// anything, the changed pages would show), with no staging folder nor lock
/// left beside it.
fn assert_late_failure_keeps_the_site(late: &[(&str, &str)], expected: &str) {
    let pages = ["faq", "services", "contact"];
    let site = Site::new(&[HOME]);
    for name in pages {
        site.write(
            &format!("content/{name}.md"),
            &format!("# {name}\n\nPremière version.\n"),
        );
    }
    let first = site.cli_build();
    assert!(first.status.success(), "{}", stderr(&first));
    let public = site.path("public");
    let before = snapshot(&public);
    assert!(
        String::from_utf8_lossy(&before[std::path::Path::new("faq/index.html")])
            .contains("Première version")
    );

    for name in pages {
        site.write(
            &format!("content/{name}.md"),
            &format!("# {name}\n\nDeuxième version.\n"),
        );
    }
    for (path, text) in late {
        site.write(path, text);
    }
    let second = site.cli_build();
    let err = stderr(&second);
    assert!(!second.status.success(), "the build must fail:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(expected), "expected « {expected} » in:\n{err}");
    assert!(
        err.contains("le site précédent n’a pas été modifié"),
        "{err}"
    );
    assert_eq!(
        snapshot(&public),
        before,
        "public/ is the first site, byte for byte"
    );
    assert_eq!(
        hidden_in(site.root()),
        Vec::<String>::new(),
        "nothing left beside public/"
    );

    // The same change without the problem does reach the disk: the check
    // above would have seen a write.
    for (path, _) in late {
        std::fs::remove_file(site.path(path)).unwrap();
    }
    let third = site.cli_build();
    assert!(third.status.success(), "{}", stderr(&third));
    let faq = std::fs::read_to_string(public.join("faq/index.html")).unwrap();
    assert!(faq.contains("Deuxième version"), "{faq}");
}

#[test]
fn a_template_error_at_render_time_leaves_the_previous_site_untouched() {
    // The template compiles; only rendering the page finds the error.
    assert_late_failure_keeps_the_site(
        &[
            (
                "content/zz-derniere.md",
                "+++\ntemplate = \"x.html\"\n+++\nTexte.\n",
            ),
            ("templates/x.html", "{{ page.title }}{{ absente.champ }}"),
        ],
        "content/zz-derniere.md: erreur du gabarit « x.html »",
    );
}

#[test]
fn an_output_collision_at_assembly_leaves_the_previous_site_untouched() {
    // Every page renders; assembling the outputs finds that the alias
    // needs a folder where the sitemap is a file.
    assert_late_failure_keeps_the_site(
        &[(
            "content/zz-derniere.md",
            "+++\ntitle = \"Page\"\naliases = [\"/sitemap.xml/ancien/\"]\n+++\n",
        )],
        "content/zz-derniere.md: « sitemap.xml/ancien/index.html » a besoin d’un dossier « sitemap.xml »",
    );
}

#[test]
fn zero_config_site_builds_with_the_builtin_theme() {
    let site = Site::new(&[("content/_index.md", "# Bienvenue\n\nUn site ; vraiment !\n")]);
    let built = site.build().expect("builds");
    let home = String::from_utf8(built.files["index.html"].clone()).unwrap();
    assert!(home.contains("lang=\"fr\""));
    assert!(home.contains("Bienvenue"));
    assert!(
        home.contains("site\u{202f};"),
        "French typography on by default: {home}"
    );
    for f in ["404.html", "sitemap.xml", "robots.txt", "style.css"] {
        assert!(built.files.contains_key(f), "{f} is produced");
    }
}
