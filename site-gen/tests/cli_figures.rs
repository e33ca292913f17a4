//! Figures of the pricing model in the texts (`chiffre()`, `exemple()`),
//! the values the association fills in (`organisation()`), and what
//! `build`, `build --strict` and `check` say about them.

mod common;
use common::{stderr, stdout, Site, TARIFS};

fn site(pages: &[(&str, &str)]) -> Site {
    let mut files = vec![("content/tarifs.toml", TARIFS)];
    files.extend_from_slice(pages);
    Site::new(&files)
}

fn page(body: &str) -> String {
    format!("+++\ntitle = \"Tarifs\"\n+++\n\n{body}\n")
}

fn built(site: &Site, path: &str) -> String {
    std::fs::read_to_string(site.root().join("public").join(path)).unwrap()
}

#[test]
fn figures_are_printed_like_the_widget() {
    let s = site(&[(
        "content/_index.md",
        &page(
            "Une part coûte {{ chiffre(nom=\"prix_part\") }} par an \
             ({{ chiffre(nom=\"prix_part_mois\") }} par mois), pour \
             {{ chiffre(nom=\"jours_par_part\") }} ; trois parts : \
             {{ chiffre(nom=\"cout_par_an\", parts=3) }}, \
             {{ chiffre(nom=\"parts\", unite=false) }} en tout, maintenance \
             {{ chiffre(nom=\"services.maintenance.jours_par_poste\") }} par poste.",
        ),
    )]);
    let out = s.run(&["build", "--no-widget"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = built(&s, "index.html");
    let expected = "Une part coûte 2\u{202f}000\u{a0}€ par an (166,67\u{a0}€ par mois), pour \
                    9\u{a0}jours\u{202f}; trois parts\u{202f}: 6\u{202f}000\u{a0}€, 12 en tout, \
                    maintenance 0,5\u{a0}jour par poste.";
    assert!(html.contains(expected), "{html}");
}

#[test]
fn an_unknown_figure_is_an_error_at_its_line_with_a_suggestion() {
    let s = site(&[(
        "content/_index.md",
        &page("Texte.\n\nPrix : {{ chiffre(nom=\"prix_parts\") }}.\n\n{{ chiffre(nom=\"cout_par_an\", parts=13) }}"),
    )]);
    let out = s.run(&["build", "--no-widget"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(
            "content/_index.md:7:8: shortcode « chiffre » : chiffre inconnu « prix_parts » ; \
             vouliez-vous dire « prix_part » ?"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "content/_index.md:9:1: shortcode « chiffre » : chiffre « cout_par_an » : \
                      parts=13\u{202f}: il faut un nombre de parts de 1 à 12"
        ),
        "{err}"
    );
    assert!(!s.root().join("public").exists(), "nothing written");
}

#[test]
fn a_worked_example_is_computed_by_the_model() {
    let s = site(&[(
        "content/_index.md",
        &page(
            "{{ exemple(postes=10, serveurs=1, personnes=15, services=[\"assistance\", \
             \"maintenance\", \"sauvegardes\", \"restaurations\", \"supervision\"]) }}",
        ),
    )]);
    let out = s.run(&["build", "--no-widget"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = built(&s, "index.html");
    // 8,75 + 7 + 4,5 + 1 + 2,5 = 23,75 days: 3 parts.
    for expected in [
        "<th scope=\"row\" colspan=\"2\">Total, chaque année</th><td>23,75\u{a0}jours</td>",
        "<strong>3\u{a0}parts</strong>, soit <strong>6\u{202f}000\u{a0}€ par an</strong>",
        "23,75 ÷ 9 ≈ 2,64, arrondi à la part supérieure",
    ] {
        assert!(html.contains(expected), "missing {expected:?}:\n{html}");
    }
    assert!(!html.contains("<p>{{"), "the call is replaced, not printed");

    let bad = site(&[(
        "content/_index.md",
        &page("{{ exemple(postes=1, serveurs=0, personnes=1, services=[\"menage\"]) }}"),
    )]);
    let err = stderr(&bad.run(&["build", "--no-widget"]));
    assert!(
        err.contains("content/_index.md:5:1: shortcode « exemple » : service inconnu « menage »"),
        "{err}"
    );
}

#[test]
fn check_warns_about_figures_typed_by_hand_but_not_in_dated_news() {
    let s = site(&[
        (
            "content/_index.md",
            &page(
                "Une part coûte 2 000 € par an.\n\nElle donne {{ chiffre(nom=\"jours_par_part\") }}, \
                 et trois parts 27 jours.\n\nVoir [les nouvelles](@/actualites/_index.md).",
            ),
        ),
        ("content/actualites/_index.md", "+++\ntitle = \"Actualités\"\n+++\n"),
        (
            "content/actualites/annonce.md",
            "+++\ntitle = \"Annonce\"\ndate = 2015-04-28\n+++\n\nUne part : 2 000 € par an.\n",
        ),
    ]);
    let out = s.run(&["check", "--no-widget"]);
    assert!(out.status.success(), "warnings only: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "attention content/_index.md:5:16: « 2 000 € » est un chiffre du fichier de tarifs \
             tapé à la main : écrivez {{ chiffre(nom=\"prix_part\") }} pour qu’il suive les tarifs"
        ),
        "{err}"
    );
    assert!(
        err.contains("content/_index.md:7:"),
        "27 jours = 3 parts: {err}"
    );
    assert!(
        err.contains("{{ chiffre(nom=\"jours_par_an\", parts=3) }}"),
        "{err}"
    );
    assert!(
        !err.contains("annonce.md"),
        "dated news keep their figures: {err}"
    );
    assert!(stdout(&out).contains("avertissement"), "{}", stdout(&out));
}

const LEGAL: &str = "+++\ntitle = \"Mentions légales\"\n+++\n\nÉditeur : \
    {{ organisation(champ=\"name\") }}, {{ organisation(champ=\"email\") }}.\n\n\
    Hébergeur : {{ organisation(champ=\"host\") }}.\n";

#[test]
fn values_to_fill_in_are_shown_warned_and_refused_by_strict() {
    let s = site(&[
        ("content/_index.md", &page("Accueil.")),
        ("content/mentions-legales.md", LEGAL),
        (
            "site.toml",
            "title = \"Essai\"\n[organisation]\nname = \"Amie\"\n",
        ),
    ]);
    let out = s.run(&["build", "--no-widget"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("attention site.toml: 2 valeurs à compléter dans [organisation]"),
        "{err}"
    );
    assert!(
        err.contains("  email = \"…\"   # courriel de contact"),
        "{err}"
    );
    assert!(
        err.contains("  host = \"…\"   # hébergeur du site"),
        "{err}"
    );
    assert!(!err.contains("name = "), "name is set: {err}");
    assert_eq!(err.matches("attention").count(), 1, "one warning: {err}");
    let html = built(&s, "mentions-legales/index.html");
    assert!(
        html.contains("Éditeur\u{202f}: Amie, <span class=\"a-completer\">à compléter</span>."),
        "{html}"
    );
    let before = built(&s, "index.html");

    // Publishing refuses the site as long as a value is missing…
    s.write("content/_index.md", &page("Accueil, modifié."));
    let strict = s.run(&["build", "--no-widget", "--strict"]);
    assert!(!strict.status.success());
    assert!(
        stderr(&strict).contains("erreur site.toml: 2 valeurs à compléter"),
        "{}",
        stderr(&strict)
    );
    assert_eq!(built(&s, "index.html"), before, "nothing written");

    // …and accepts it once they are set.
    s.write(
        "site.toml",
        "title = \"Essai\"\n[organisation]\nname = \"Amie\"\nemail = \"bonjour@amie.test\"\n\
         host = \"Un hébergeur\"\n",
    );
    let ok = s.run(&["build", "--no-widget", "--strict"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(!stderr(&ok).contains("attention"), "{}", stderr(&ok));
    let html = built(&s, "mentions-legales/index.html");
    assert!(
        html.contains("<a href=\"mailto:bonjour@amie.test\">bonjour@amie.test</a>"),
        "{html}"
    );
}

#[test]
fn an_unknown_organisation_field_is_an_error_with_a_suggestion() {
    let s = site(&[(
        "content/_index.md",
        &page("{{ organisation(champ=\"emial\") }}"),
    )]);
    let err = stderr(&s.run(&["build", "--no-widget"]));
    assert!(
        err.contains("champ inconnu « emial » ; vouliez-vous dire « email » ?"),
        "{err}"
    );
}

#[test]
fn two_calculators_on_one_page_are_refused_at_the_second() {
    let s = site(&[(
        "content/_index.md",
        &page("{{ calculateur() }}\n\nEncore :\n\n{{ calculateur() }}"),
    )]);
    let out = s.run(&["build", "--no-widget"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(
            "content/_index.md:9:1: shortcode « calculateur » : un seul calculateur par page"
        ),
        "{err}"
    );
    assert_eq!(err.matches("un seul calculateur").count(), 1, "{err}");
}
