//! The usual French mistakes in front matter (TOML and YAML), the pricing
//! data file and `site.toml`: each is reported in French at its file, line
//! and column, with how to write it as a second sentence, and every
//! unknown key of a file in the same run. No word of serde's English is
//! left in these messages.

mod common;

use common::{assert_error, Site, HOME, TARIFS};

/// serde's and the TOML parser's English, never shown to a maintainer.
const ENGLISH: [&str; 6] = [
    "expected",
    "invalid type",
    "unknown field",
    "duplicate key",
    "string values",
    "invalid date",
];

/// The problems of a site with these files (the home page added).
fn errors(files: &[(&str, &str)]) -> Vec<String> {
    let mut all = vec![HOME];
    all.extend_from_slice(files);
    let errors = Site::new(&all).errors();
    for e in &errors {
        for word in ENGLISH {
            assert!(!e.contains(word), "English {word:?} left in {e:?}");
        }
    }
    errors
}

fn errors_of(files: &[(&str, &str)]) -> Vec<String> {
    errors(files)
}

/// A front matter problem: the page's errors hold `part` at `at`.
fn page(front_matter: &str, at: &str, parts: &[&str]) {
    let errors = errors(&[("content/a.md", front_matter)]);
    for part in parts {
        assert_error(&errors, at, part);
    }
}

#[test]
fn numbers_written_the_french_way() {
    page(
        "+++\ntitle = \"A\"\nweight = 20 000\n+++\n",
        "content/a.md:3:10: ",
        &["nombre mal écrit « 20 000 ». Écrivez les nombres sans espace ni symbole\u{202f}: weight = 20000."],
    );
    page(
        "+++\nweight = 20000€\n+++\n",
        "content/a.md:2:10: ",
        &[
            "nombre mal écrit « 20000€ »",
            "sans espace ni symbole\u{202f}: weight = 20000.",
        ],
    );
    page(
        "+++\nweight = 0,5\n+++\n",
        "content/a.md:2:",
        &["nombre mal écrit « 0,5 ». Les décimales s’écrivent avec un point, pas une virgule\u{202f}: weight = 0.5."],
    );
    page(
        "---\ntitle: A\nweight: 20 000\n---\n",
        "content/a.md:3:",
        &["nombre mal écrit « 20 000 »", "symbole\u{202f}: 20000."],
    );
}

#[test]
fn dates_yes_no_and_quotes() {
    page(
        "+++\ndate = 02/12/2026\n+++\n",
        "content/a.md:2:8: ",
        &["date mal écrite « 02/12/2026 ». Écrivez les dates AAAA-MM-JJ (année, mois, jour)\u{202f}: date = 2026-12-02."],
    );
    page(
        "+++\ndate = \"02/12/2026\"\n+++\n",
        "content/a.md:2:",
        &["date = 2026-12-02"],
    );
    page(
        "---\ndate: 02/12/2026\n---\n",
        "content/a.md:2:",
        &["date mal écrite", "jour)\u{202f}: 2026-12-02."],
    );
    page(
        "+++\ndate = 2026-02-30\n+++\n",
        "content/a.md:2:8: ",
        &["date impossible\u{202f}: le jour doit être entre 01 et 28"],
    );
    page(
        "+++\ndraft = oui\n+++\n",
        "content/a.md:2:9: ",
        &["« oui » n’est pas une valeur oui/non comprise ici. Écrivez true pour oui, false pour non, sans guillemets\u{202f}: draft = true."],
    );
    page(
        "+++\ndraft = \"non\"\n+++\n",
        "content/a.md:2:",
        &["draft = false"],
    );
    page(
        "---\ndraft: oui\n---\n",
        "content/a.md:2:8: ",
        &["n’est pas une valeur oui/non", "guillemets\u{202f}: true."],
    );
    page(
        "+++\ntitle = Combien ça coûte\n+++\n",
        "content/a.md:2:9: ",
        &["texte sans guillemets « Combien ça coûte ». Mettez le texte entre guillemets droits\u{202f}: title = \"Combien ça coûte\"."],
    );
}

#[test]
fn serde_jargon_in_french() {
    page(
        "+++\nweight = \"premier\"\n+++\n",
        "content/a.md:2:10: ",
        &["valeur invalide (texte \"premier\")\u{202f}: il faut un nombre entier"],
    );
    page(
        "+++\ndraft = \"peut-être\"\n+++\n",
        "content/a.md:2:",
        &["il faut true ou false"],
    );
    page(
        "+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n",
        "content/a.md:3:1: ",
        &["clé « title » donnée deux fois. Gardez une seule de ces lignes"],
    );
    page(
        "---\ntitle: a\ntitle: b\n---\n",
        "content/a.md:3:",
        &["clé « title » donnée deux fois"],
    );
    page(
        "+++\ntitre = \"a\"\n+++\n",
        "content/a.md:2:1: ",
        &["clé inconnue « titre »\u{202f}; vouliez-vous dire « title »\u{202f}? Les données libres des gabarits vont dans [extra]."],
    );
}

#[test]
fn every_unknown_key_of_a_front_matter_at_once() {
    for (text, lines) in [
        (
            "+++\ntitre = \"A\"\ndate = 2025-01-02\nbrouillon = true\npoids = 3\n+++\n",
            [2, 4, 5],
        ),
        (
            "---\ntitre: A\ndate: 2025-01-02\nbrouillon: true\npoids: 3\n---\n",
            [2, 4, 5],
        ),
    ] {
        let errors = errors(&[("content/a.md", text)]);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        for (line, key) in lines.iter().zip(["titre", "brouillon", "poids"]) {
            assert_error(
                &errors,
                &format!("content/a.md:{line}:1: "),
                &format!("clé inconnue « {key} »"),
            );
        }
        assert_error(&errors, "content/a.md:2:1: ", "« title »");
    }
}

const CALC_PAGE: (&str, &str) = ("content/tarifs.md", "+++\ntitle = \"Tarifs\"\n+++\n");

/// The errors of a site whose pricing data is `TARIFS` with `from`
/// replaced by `to`, and the line of `at` in it.
fn tarifs(from: &str, to: &str, at: &str) -> (Vec<String>, String) {
    assert!(TARIFS.contains(from), "{from:?}");
    let text = TARIFS.replacen(from, to, 1);
    let line = text.lines().position(|l| l.starts_with(at)).expect(at) + 1;
    let errors = errors(&[CALC_PAGE, ("content/tarifs.toml", &text)]);
    (errors, format!("content/tarifs.toml:{line}:"))
}

#[test]
fn the_pricing_data_in_french() {
    let salaries = TARIFS
        .lines()
        .find(|l| l.starts_with("salaires_par_an"))
        .unwrap();
    let (e, at) = tarifs(salaries, "salaires_par_an = 20 000", "salaires_par_an");
    assert_error(
        &e,
        &at,
        "clé « poste.salaires_par_an »\u{202f}: nombre mal écrit « 20 000 ». Écrivez les nombres sans espace ni symbole\u{202f}: salaires_par_an = 20000.",
    );
    let (e, at) = tarifs(salaries, "salaires_par_an = 20000€", "salaires_par_an");
    assert_error(&e, &at, "salaires_par_an = 20000.");
    let (e, at) = tarifs(salaries, "salaires_par_an = 20 000,50 €", "salaires_par_an");
    assert_error(
        &e,
        &at,
        "avec un point pour les décimales\u{202f}: salaires_par_an = 20000.50.",
    );
    let (e, at) = tarifs(
        "jours_par_poste = 0.5",
        "jours_par_poste = 0,5",
        "jours_par_poste = 0,5",
    );
    assert_error(
        &e,
        &at,
        "clé « services.assistance.jours_par_poste »\u{202f}: nombre mal écrit « 0,5 ». Les décimales s’écrivent avec un point",
    );
    let parts = TARIFS.lines().find(|l| l.starts_with("parts = ")).unwrap();
    let (e, at) = tarifs(parts, "parts = douze", "parts = ");
    assert_error(&e, &at, "texte sans guillemets « douze »");
    let (e, at) = tarifs(parts, &format!("{parts}\n{parts}"), "parts = ");
    let second = at.replace(
        &at[at.find(':').unwrap() + 1..at.len() - 1],
        &(at[at.find(':').unwrap() + 1..at.len() - 1]
            .parse::<usize>()
            .unwrap()
            + 1)
        .to_string(),
    );
    assert_error(&e, &second, "clé « parts » donnée deux fois");
}

#[test]
fn every_unknown_key_of_the_pricing_data_at_once() {
    let text = TARIFS
        .replacen("heures_par_jour", "heure_par_jour", 1)
        .replacen("\njours_par_poste", "\njour_par_poste", 1)
        .replacen("[estimation]", "[estimation]\nrattrapage = 3", 1);
    let line = |p: &str| text.lines().position(|l| l.starts_with(p)).unwrap() + 1;
    let errors = errors(&[CALC_PAGE, ("content/tarifs.toml", &text)]);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert_error(
        &errors,
        &format!("content/tarifs.toml:{}:1: ", line("heure_par_jour")),
        "clé inconnue « heure_par_jour »\u{202f}; vouliez-vous dire « heures_par_jour »\u{202f}?",
    );
    assert_error(
        &errors,
        &format!("content/tarifs.toml:{}:1: ", line("jour_par_poste")),
        "vouliez-vous dire « jours_par_poste »",
    );
    assert_error(
        &errors,
        &format!("content/tarifs.toml:{}:1: ", line("rattrapage")),
        "clé inconnue « rattrapage »",
    );
}

#[test]
fn site_toml_in_french_with_every_unknown_key() {
    let errors = errors_of(&[(
        "site.toml",
        "titre = \"Amie\"\nbase_ulr = \"https://amie.example\"\n[organisation]\nnom = \"Amie\"\n[[menu]]\nname = \"FAQ\"\nlien = \"@/faq.md\"\n[extra]\nlibre = 1\n",
    )]);
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert_error(
        &errors,
        "site.toml:1:1: ",
        "clé inconnue « titre »\u{202f}; vouliez-vous dire « title »\u{202f}?",
    );
    assert_error(&errors, "site.toml:2:1: ", "vouliez-vous dire « base_url »");
    assert_error(&errors, "site.toml:4:1: ", "clé inconnue « nom »");
    assert_error(&errors, "site.toml:7:1: ", "clé inconnue « lien »");
    for (text, at, part) in [
        (
            "feed_limit = 20 000\n",
            "site.toml:1:14: ",
            "feed_limit = 20000.",
        ),
        (
            "relative_urls = oui\n",
            "site.toml:1:17: ",
            "relative_urls = true.",
        ),
        (
            "title = Amie du Pays\n",
            "site.toml:1:9: ",
            "title = \"Amie du Pays\".",
        ),
        (
            "feed_limit = \"vingt\"\n",
            "site.toml:1:14: ",
            "il faut un nombre entier positif",
        ),
        (
            "title = \"A\"\ntitle = \"B\"\n",
            "site.toml:2:1: ",
            "clé « title » donnée deux fois",
        ),
    ] {
        assert_error(&errors_of(&[("site.toml", text)]), at, part);
    }
}

#[test]
fn serve_shows_the_line_and_caret_in_the_page_as_in_the_terminal() {
    let site = Site::new(&[
        HOME,
        (
            "content/a.md",
            "+++\ntitle = \"<A>\"\nweight = 20 000\n+++\n",
        ),
    ]);
    let server = common::Server::start(&site, &[]);
    let page = common::wait_for(60, || {
        let r = server.get("/");
        r.body.contains("site-gen-erreurs").then_some(r)
    })
    .unwrap_or_else(|| panic!("no overlay: {}", server.stderr()));
    let printed = common::wait_for(60, || {
        let err = server.stderr();
        err.contains("      |").then_some(err)
    })
    .expect("the terminal shows the line");
    assert!(
        printed.contains("    3 | weight = 20 000\n      |          ^\n"),
        "{printed}"
    );
    assert!(
        page.body.contains(
            "content/a.md:3:10: nombre mal écrit « 20 000 ». Écrivez les nombres sans espace ni symbole\u{202f}: weight = 20000.<pre><span class=\"site-gen-ligne\">    3 |</span> weight = 20 000\n<span class=\"site-gen-ligne\">      |</span>          <span class=\"site-gen-caret\">^</span></pre>"
        ),
        "{}",
        page.body
    );
}
