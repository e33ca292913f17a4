//! Bad input never panics: the widget's URL query, the encoded model in the
//! page and (feature `data`) the pricing data file, fed with generated
//! garbage and near-misses of valid input. Inputs the fuzzers found are kept
//! at the end as plain regression tests.

use calculator::{query, Mode, Model, Query};
use proptest::prelude::*;

/// A valid model (the shipped figures, typed in here so the test does not
/// need the `data` feature).
fn model() -> Model {
    let mut params = calculator::Params {
        parts: 12,
        salaries: 2_000_000,
        running_costs: 400_000,
        days_per_month: 12_00,
        months_per_year: 11_00,
        pooled_days: 24_00,
        hours_per_day: 7_00,
        subscribed: None,
        catch_up_days: 15_00,
        services: Default::default(),
        setup_days: [0; 9],
        reference: None,
    };
    params.services[0].per_poste = 50;
    params.services[0].per_personne = 25;
    params.services[3].per_serveur = 2_00;
    Model::new(params).expect("valid figures")
}

/// Pieces a query is made of, so generated queries often hit real keys,
/// escapes and number edge cases rather than only random text.
fn query_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "mode",
            "parts",
            "budget",
            "postes",
            "serveurs",
            "personnes",
            "services",
            "rattrapage",
            "Mode",
            "PARTS",
            "budg%65t",
            "%70arts",
            "x",
        ])
        .prop_map(String::from),
        prop::sample::select(vec![
            "=",
            "&",
            ";",
            "?",
            "+",
            ",",
            ".",
            "-",
            "%",
            "%2",
            "%zz",
            "%00",
            "%FF",
            "%C3%A9",
            "%E2%80%AF",
            "%2C",
            "%3D",
            "%26",
            " ",
            "\u{a0}",
            "\u{202f}",
            "€",
        ])
        .prop_map(String::from),
        prop::sample::select(vec![
            "profil",
            "budget",
            "parts",
            "assistance",
            "services_web",
            "Hébergement",
            "travail collaboratif",
            "oui",
            "non",
            "true",
            "vrai",
            "1",
            "0",
        ])
        .prop_map(String::from),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        "[0-9]{1,40}",
        "[0-9]{1,12}[.,][0-9]{0,5}",
        any::<f64>().prop_map(|f| f.to_string()),
        "\\PC{0,8}",
        any::<char>().prop_map(String::from),
    ]
}

fn arb_query_text() -> impl Strategy<Value = String> {
    prop::collection::vec(query_piece(), 0..30).prop_map(|v| v.concat())
}

/// Every estimate the widget could show for `q` can be computed, and says
/// what the model says: parts × price, parts × days per part.
fn estimate_all(model: &Model, q: &Query) {
    let e = match q.mode() {
        Mode::Profil => model.estimate_profile(&q.profile()),
        Mode::Parts => {
            let parts = q.parts.unwrap_or(1);
            let e = model
                .estimate_parts(parts)
                .expect("parsed parts are in range");
            assert_eq!(e.parts, parts);
            e
        }
        Mode::Budget => {
            let budget = q.budget.unwrap_or(0);
            let e = model
                .estimate_budget(budget)
                .expect("parsed budgets are in range");
            let whole = (budget / model.part_price()) as u32;
            assert_eq!(e.parts, whole.max(1), "budget {budget}");
            e
        }
    };
    assert!(e.parts >= 1);
    assert_eq!(e.cost_per_year, e.parts as i64 * model.part_price());
    assert_eq!(e.days_per_year, e.parts as i64 * model.days_per_part());
}

/// `s` with every byte percent-encoded.
fn percent_encoded(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn query_parse_never_panics_and_round_trips(q in arb_query_text()) {
        let m = model();
        let (parsed, warnings) = Query::parse(&q);
        for w in &warnings {
            // Messages stay short whatever the input.
            prop_assert!(w.chars().count() < 200, "{w}");
        }
        let written = parsed.to_query_string();
        let (again, warnings) = Query::parse(&written);
        prop_assert_eq!(&again, &parsed, "{}", written);
        prop_assert!(warnings.is_empty(), "{}: {:?}", written, warnings);
        if let Some(p) = parsed.parts {
            prop_assert!(p >= 1 && p <= m.total_parts());
        }
        estimate_all(&m, &parsed);
        // Helpers used by the widget on the page's own query.
        let merged = query::merge(&q, &written);
        prop_assert!(merged.ends_with(written.as_str()), "{} ends with {}", merged, written);
        // Our state, when there is one, is what the page starts from.
        prop_assert_eq!(query::has_known_keys(&written), !written.is_empty());
        if !written.is_empty() {
            prop_assert_eq!(query::initial("mode=profil", &merged), merged.as_str());
            prop_assert_eq!(Query::parse(query::initial("mode=profil", &merged)).0, parsed.clone());
        }
        prop_assert_eq!(query::decode_component(&percent_encoded(&q)), q.clone());
    }

    #[test]
    fn query_parse_any_string(q in any::<String>()) {
        let m = model();
        let (parsed, _) = Query::parse(&q);
        estimate_all(&m, &parsed);
        let written = parsed.to_query_string();
        let merged = query::merge(&q, &written);
        prop_assert!(merged.ends_with(written.as_str()), "{} ends with {}", merged, written);
        prop_assert_eq!(Query::parse(&merged).0, parsed);
        prop_assert_eq!(query::decode_component(&percent_encoded(&q)), q.clone());
    }

    #[test]
    fn query_merge_keeps_foreign_pairs(
        foreign in prop::collection::vec("[a-z]{1,6}=[a-z0-9%]{0,6}", 0..5),
        ours in arb_query_text(),
    ) {
        let existing = foreign.join("&");
        let (parsed, _) = Query::parse(&ours);
        let merged = query::merge(&existing, &parsed.to_query_string());
        for pair in &foreign {
            let key = pair.split('=').next().unwrap_or("");
            if !query::KEYS.contains(&key) {
                prop_assert!(merged.split('&').any(|p| p == pair), "{pair} kept in {merged}");
            }
        }
    }

    #[test]
    fn decode_any_string_says_why(s in any::<String>()) {
        if let Ok(m) = Model::decode(&s) {
            prop_assert_eq!(Model::decode(&m.encode()), Ok(m));
        }
        // Values are counted before they are read.
        let found = s.trim_end().split(',').count();
        match Model::decode(&["amie2,", &s].concat()) {
            Err(calculator::DecodeError::Length { found: f }) => prop_assert_eq!(f, found),
            Ok(m) => prop_assert_eq!(Model::decode(&m.encode()), Ok(m)),
            Err(_) => prop_assert_eq!(found, 57),
        }
    }

    #[test]
    fn decode_near_misses_never_panic(
        fields in prop::collection::vec(
            prop_oneof![
                any::<i64>().prop_map(|n| n.to_string()),
                (0i64..1_000_000).prop_map(|n| n.to_string()),
                Just(String::new()),
                Just("-".to_string()),
                Just("+1".to_string()),
                Just("9".repeat(19)),
                Just("1e3".to_string()),
                Just(" 1".to_string()),
            ],
            52..62,
        ),
    ) {
        let text = format!("amie2,{}", fields.join(","));
        match Model::decode(&text) {
            Ok(m) => {
                prop_assert!(m.part_price() > 0 && m.days_per_part() > 0);
                prop_assert_eq!(Model::decode(&m.encode()), Ok(m));
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn encode_then_decode_of_any_valid_model(
        values in prop::collection::vec(0i64..=100_000, 9),
        coefs in prop::collection::vec(0i64..=36_600, 36),
    ) {
        let mut params = model().params().clone();
        params.parts = values[0] % 1_000 + 1;
        params.salaries = values[1] * 1_000;
        params.running_costs = values[2] * 100;
        params.days_per_month = values[3] % 3_100;
        params.months_per_year = values[4] % 1_200;
        params.pooled_days = values[5] % 36_600;
        params.hours_per_day = values[6] % 2_400;
        params.catch_up_days = values[7] % 36_600;
        params.subscribed = (values[8] % 2 == 0).then_some(values[8] % (params.parts + 1));
        for (i, c) in coefs.iter().enumerate() {
            let s = &mut params.services[i / 4];
            match i % 4 {
                0 => s.per_year = *c,
                1 => s.per_poste = *c,
                2 => s.per_serveur = *c,
                _ => s.per_personne = *c,
            }
        }
        if let Ok(m) = Model::new(params) {
            let text = m.encode();
            prop_assert_eq!(Model::decode(&text), Ok(m.clone()));
            // An extra or a missing value is refused, never misread.
            let longer = format!("{text},1");
            let longer_refused = Model::decode(&longer).is_err();
            prop_assert!(longer_refused);
            let shorter = text.rsplit_once(',').map_or("", |(a, _)| a);
            let shorter_refused = Model::decode(shorter).is_err();
            prop_assert!(shorter_refused);
        }
    }
}

#[cfg(feature = "data")]
mod data_file {
    use super::*;

    const TARIFS: &str = include_str!("../../content/tarifs.toml");

    fn lines(text: &str) -> usize {
        text.matches('\n').count() + 1
    }

    fn check(text: &str) {
        match calculator::data::parse(text, "content/tarifs.toml") {
            Ok(m) => assert_eq!(Model::decode(&m.encode()), Ok(m)),
            Err(e) => {
                assert!(!e.message.is_empty());
                assert!(e.line.is_none_or(|l| l >= 1 && l <= lines(text)), "{e:?}");
                assert!(e.column.is_none_or(|c| c >= 1), "{e:?}");
            }
        }
    }

    #[test]
    fn every_unknown_key_at_once_and_french_numbers_explained() {
        let text = TARIFS
            .replacen("\nparts = ", "\nnombre_de_parts = ", 1)
            .replacen("\nheures_par_jour", "\nheure_par_jour", 1);
        let e = calculator::data::parse(&text, "content/tarifs.toml").unwrap_err();
        let all: Vec<&calculator::data::DataError> =
            std::iter::once(&e).chain(e.also.iter()).collect();
        assert_eq!(all.len(), 2, "{e}");
        let line = |p: &str| text.lines().position(|l| l.starts_with(p)).unwrap() + 1;
        assert_eq!(all[0].line, Some(line("nombre_de_parts")));
        assert_eq!(all[0].key.as_deref(), Some("poste.nombre_de_parts"));
        assert_eq!(all[1].line, Some(line("heure_par_jour")));
        assert_eq!(
            all[1].message,
            "clé inconnue « heure_par_jour »\u{202f}; vouliez-vous dire « heures_par_jour »\u{202f}?"
        );
        for (written, hint) in [
            ("20 000", "salaires_par_an = 20000."),
            ("20000€", "salaires_par_an = 20000."),
            ("\"20 000 €\"", "salaires_par_an = 20000."),
            (
                "20000,5",
                "avec un point, pas une virgule\u{202f}: salaires_par_an = 20000.5.",
            ),
        ] {
            let text = TARIFS.replacen(
                "salaires_par_an = 20000",
                &format!("salaires_par_an = {written}"),
                1,
            );
            let e = calculator::data::parse(&text, "content/tarifs.toml").unwrap_err();
            assert!(
                e.message
                    .starts_with("clé « poste.salaires_par_an »\u{202f}: nombre mal écrit"),
                "{e}"
            );
            assert!(e.message.ends_with(hint), "{written}: {e}");
            assert_eq!(e.line, Some(line("salaires_par_an")), "{e}");
            for english in ["expected", "invalid", "string"] {
                assert!(!e.message.contains(english), "{e}");
            }
        }
    }

    #[test]
    fn the_shipped_file_is_valid() {
        let m = calculator::data::parse(TARIFS, "content/tarifs.toml").expect("valid");
        assert_eq!(m.part_price(), 200_000);
    }

    /// The 1-based line of `text` that starts with `prefix`.
    fn line_of(text: &str, prefix: &str) -> usize {
        text.lines()
            .position(|l| l.starts_with(prefix))
            .expect(prefix)
            + 1
    }

    #[test]
    fn refusals_name_key_and_line() {
        const NUMBER: &str = "il faut un nombre (par exemple 20000 ou 0.5)";
        // (replaced, replacement, line the message points at, its parts)
        let cases: [(&str, &str, &str, &[&str]); 11] = [
            (
                "salaires_par_an = 20000",
                "salaires_par_an = -1",
                "salaires_par_an",
                &["clé « poste.salaires_par_an »", "-1\u{a0}€", "doit être strictement positive"],
            ),
            (
                "frais_de_fonctionnement_par_an = 4000",
                "frais_de_fonctionnement_par_an = -1",
                "frais_de_fonctionnement_par_an",
                &["clé « poste.frais_de_fonctionnement_par_an »", "ne peut pas être négative"],
            ),
            (
                "parts = 12",
                "parts = 0",
                "parts = ",
                &["clé « poste.parts » (valeur\u{202f}: 0)", "doit être strictement positive"],
            ),
            (
                "jours_par_mois = 12",
                "jours_par_mois = 1",
                "jours_mutualises_par_an",
                &[
                    "clé « poste.jours_mutualises_par_an »",
                    "les jours mutualisés doivent être moins nombreux que les jours travaillés par an (11\u{a0}jours",
                ],
            ),
            (
                "heures_par_jour = 7",
                "heures_par_jour = 7\nheure_par_jour = 7",
                "heure_par_jour",
                &["clé inconnue « heure_par_jour »", "« heures_par_jour »"],
            ),
            ("parts = 12", "parts = 12.5", "parts = ", &["clé « poste.parts »", "nombre entier attendu"]),
            (
                "parts = 12",
                "parts = \"douze\"",
                "parts = ",
                &["clé « poste.parts »", "valeur invalide", NUMBER],
            ),
            (
                "jours_par_poste = 0.5",
                "jours_par_poste = true",
                "jours_par_poste",
                &["clé « services.assistance.jours_par_poste »", "valeur invalide", NUMBER],
            ),
            (
                "parts = 12",
                "parts = 1e400",
                "parts = ",
                &["clé « poste.parts »\u{202f}: nombre trop grand"],
            ),
            ("parts = 12", "parts = nan", "parts = ", &["clé « poste.parts »", "nombre entier attendu"]),
            (
                "parts = 12",
                "parts = 99999999999999999999",
                "parts = ",
                &["clé « poste.parts »", "valeur invalide", NUMBER],
            ),
        ];
        for (from, to, at, parts) in cases {
            let text = TARIFS.replacen(from, to, 1);
            let e = calculator::data::parse(&text, "content/tarifs.toml")
                .expect_err(&format!("{to:?} must be refused"));
            for part in parts {
                assert!(e.message.contains(part), "{to:?}: no {part:?} in {e:?}");
            }
            assert_eq!(e.line, Some(line_of(&text, at)), "{to:?}: {e:?}");
            check(&text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        #[test]
        fn any_text_never_panics(s in any::<String>()) {
            check(&s);
        }

        #[test]
        fn any_value_in_the_shipped_file_never_panics(
            line in 0usize..200,
            value in prop_oneof![
                any::<i64>().prop_map(|n| n.to_string()),
                any::<f64>().prop_map(|f| format!("{f:?}")),
                "[0-9]{1,25}(\\.[0-9]{1,25})?",
                Just("inf".to_string()),
                Just("-inf".to_string()),
                Just("nan".to_string()),
                Just("\"texte\"".to_string()),
                Just("[]".to_string()),
                Just("{}".to_string()),
                Just("2025-01-18".to_string()),
                "\\PC{0,10}",
            ],
        ) {
            // Replace the value of one `key = value` line.
            let assignments: Vec<usize> = TARIFS
                .lines()
                .enumerate()
                .filter(|(_, l)| l.contains(" = ") && !l.starts_with('#'))
                .map(|(i, _)| i)
                .collect();
            let target = assignments[line % assignments.len()];
            let text: Vec<String> = TARIFS
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    if i == target {
                        let key = l.split(" = ").next().unwrap_or(l);
                        format!("{key} = {value}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            check(&text.join("\n"));
        }
    }
}

// ---------------------------------------------------------------------------
// Inputs found by the fuzzers (fuzz/): each once crashed or broke an
// invariant; they stay here so the normal test run keeps them fixed.
