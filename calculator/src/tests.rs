//! Unit and property tests of the model, estimates, formatting, encoding,
//! query state, data file and SSR.

// Amounts are written `euros_cents` (`2_000_00` = 2 000 €) on purpose.
#![allow(clippy::inconsistent_digit_grouping)]

use proptest::prelude::*;

use crate::encode::DecodeError;
use crate::estimate::{parse_count, parse_money, InputError, Profile, MAX_BUDGET, MAX_PARTS_ASKED};
use crate::format as f;
use crate::model::*;
use crate::query::{self, Mode, Query};

/// The published model, typed here independently of the data file.
fn published() -> Params {
    let d = |v: i64| v; // hundredths, for readability below
    let mut services = [ServiceCoefs::default(); 9];
    services[Service::Assistance.index()] = ServiceCoefs {
        per_year: 0,
        per_poste: d(50),
        per_serveur: 0,
        per_personne: d(25),
    };
    services[Service::Sauvegardes.index()] = ServiceCoefs {
        per_year: 100,
        per_poste: 25,
        per_serveur: 100,
        per_personne: 0,
    };
    services[Service::Maintenance.index()] = ServiceCoefs {
        per_year: 0,
        per_poste: 50,
        per_serveur: 200,
        per_personne: 0,
    };
    Params {
        parts: 12,
        salaries: 20_000_00,
        running_costs: 4_000_00,
        days_per_month: 1200,
        months_per_year: 1100,
        pooled_days: 2400,
        hours_per_day: 700,
        subscribed: None,
        catch_up_days: 1500,
        services,
        setup_days: {
            let mut setup = [0; 9];
            setup[Service::ServicesWeb.index()] = 400;
            setup[Service::Hebergement.index()] = 200;
            setup
        },
        reference: Some("2026".into()),
    }
}

fn model() -> Model {
    Model::new(published()).expect("published model is valid")
}

#[cfg(feature = "data")]
const TARIFS: &str = include_str!("../../content/tarifs.toml");

// ---------------------------------------------------------------- model

#[test]
fn published_figures() {
    let m = model();
    assert_eq!(m.total_parts(), 12);
    assert_eq!(m.budget(), 24_000_00);
    assert_eq!(m.part_price(), 2_000_00);
    assert_eq!(m.worker_days(), 13_200);
    assert_eq!(m.available_days(), 10_800);
    assert_eq!(m.days_per_part(), 900);
    assert_eq!(m.hours_per_part(), 6_300);
    assert_eq!(m.day_rate(), 222_22);
    assert_eq!(m.cost_of(11), 22_000_00);
    assert_eq!(m.days_of(11), 9_900);
    assert_eq!(m.monthly_cost_of(1), 166_67);
    assert_eq!(m.share_of(3), 2500);
    assert_eq!(m.share_of(1), 833);
}

fn err(p: Params) -> ModelError {
    Model::new(p).expect_err("should be invalid")
}

#[test]
fn validation_errors_name_the_key() {
    let e = err(Params {
        parts: 0,
        ..published()
    });
    assert_eq!(e.field, Field::Parts);
    assert_eq!(e.problem, Problem::NotPositive);
    assert!(e.to_string().contains("poste.parts"), "{e}");

    let e = err(Params {
        salaries: -5,
        ..published()
    });
    assert_eq!(e.field, Field::Salaries);
    assert!(e.to_string().contains("poste.salaires_par_an"));

    let e = err(Params {
        running_costs: -1,
        ..published()
    });
    assert_eq!(
        (e.field, e.problem),
        (Field::RunningCosts, Problem::Negative)
    );

    let e = err(Params {
        pooled_days: 13_200,
        ..published()
    });
    assert_eq!(e.field, Field::PooledDays);
    assert!(matches!(
        e.problem,
        Problem::PooledDaysTooMany {
            worker_days: 13_200
        }
    ));
    assert!(e.to_string().contains("jours_mutualises_par_an"), "{e}");

    let e = err(Params {
        subscribed: Some(13),
        ..published()
    });
    assert_eq!(e.field, Field::Subscribed);
    assert!(matches!(
        e.problem,
        Problem::SubscribedExceedsTotal { total: 12 }
    ));

    let e = err(Params {
        days_per_month: 3200,
        ..published()
    });
    assert!(matches!(e.problem, Problem::TooLarge { .. }));

    let mut p = published();
    p.services[Service::Formations.index()].per_personne = -25;
    let e = err(p);
    assert_eq!(
        e.field,
        Field::Service(Service::Formations, Coef::PerPersonne)
    );
    assert!(e
        .to_string()
        .contains("services.formations.jours_par_personne"));

    // Running costs may be 0; subscribed may equal the total.
    assert!(Model::new(Params {
        running_costs: 0,
        subscribed: Some(12),
        ..published()
    })
    .is_ok());
}

#[test]
fn zero_rounding_is_an_error() {
    let e = err(Params {
        parts: 1000,
        salaries: 1,
        running_costs: 0,
        ..published()
    });
    assert_eq!(e.problem, Problem::PartPriceZero);
    let e = err(Params {
        parts: 1000,
        pooled_days: 13_199,
        ..published()
    });
    assert_eq!(e.problem, Problem::DaysPerPartZero);
}

fn arb_params() -> impl Strategy<Value = Params> {
    (
        1i64..=100,
        1i64..=MAX_MONEY / 1000,
        0i64..=MAX_MONEY / 1000,
        1i64..=3100,
        1i64..=1200,
        0i64..=36_600,
        1i64..=2400,
        proptest::option::of(0i64..=100),
        0i64..=36_600,
        proptest::collection::vec(0i64..=5000, 36),
        proptest::collection::vec(0i64..=1000, 9),
    )
        .prop_map(
            |(parts, sal, run, dpm, months, pooled, hpd, sub, catch, coefs, setup)| {
                let mut services = [ServiceCoefs::default(); 9];
                for (i, s) in services.iter_mut().enumerate() {
                    for (j, c) in Coef::ALL.into_iter().enumerate() {
                        s.set(c, coefs[i * 4 + j]);
                    }
                }
                Params {
                    parts,
                    salaries: sal,
                    running_costs: run,
                    days_per_month: dpm,
                    months_per_year: months,
                    pooled_days: pooled,
                    hours_per_day: hpd,
                    subscribed: sub,
                    catch_up_days: catch,
                    services,
                    setup_days: std::array::from_fn(|i| setup[i]),
                    reference: None,
                }
            },
        )
}

fn arb_model() -> impl Strategy<Value = Model> {
    arb_params().prop_filter_map("invalid params", |p| Model::new(p).ok())
}

fn arb_profile() -> impl Strategy<Value = Profile> {
    (
        0u32..=1000,
        0u32..=100,
        0u32..=10_000,
        0u16..512,
        any::<bool>(),
    )
        .prop_map(|(postes, serveurs, personnes, bits, rattrapage)| Profile {
            postes,
            serveurs,
            personnes,
            services: Service::ALL
                .into_iter()
                .filter(|s| bits & (1 << s.index()) != 0)
                .collect(),
            rattrapage,
        })
}

/// Whether `Model::new` must accept `p`, and if so its part price and days
/// per part: the rules of the data file's documentation, computed here in
/// 128-bit arithmetic with rounding written as "nearest, halves up".
fn expected_model(p: &Params) -> Option<(i64, i64)> {
    let in_range = |v: i64, min: i64, max: i64| (min..=max).contains(&v);
    let days = MAX_DAYS_PER_YEAR;
    let coefs_ok = p
        .services
        .iter()
        .all(|s| Coef::ALL.into_iter().all(|c| in_range(s.get(c), 0, days)));
    let ok = in_range(p.parts, 1, MAX_PARTS)
        && in_range(p.salaries, 1, MAX_MONEY)
        && in_range(p.running_costs, 0, MAX_MONEY)
        && in_range(p.days_per_month, 1, 3100)
        && in_range(p.months_per_year, 1, 1200)
        && in_range(p.pooled_days, 0, days)
        && in_range(p.hours_per_day, 1, 2400)
        && in_range(p.catch_up_days, 0, days)
        && coefs_ok
        && p.subscribed.is_none_or(|s| in_range(s, 0, p.parts));
    if !ok {
        return None;
    }
    let round = |n: i128, d: i128| (2 * n + d) / (2 * d);
    let worker_days = round(p.days_per_month as i128 * p.months_per_year as i128, 100);
    let available = worker_days - p.pooled_days as i128;
    let price = round(
        p.salaries as i128 + p.running_costs as i128,
        p.parts as i128,
    );
    let per_part = round(available, p.parts as i128);
    (available > 0 && price > 0 && per_part > 0).then_some((price as i64, per_part as i64))
}

proptest! {
    #[test]
    fn new_accepts_exactly_the_valid_figures(
        p in arb_params(),
        parts in any::<i64>(),
        sal in any::<i64>(),
        pooled in -10i64..=40_000,
    ) {
        for p in [p.clone(), Params { parts, salaries: sal, ..p.clone() }, Params { pooled_days: pooled, ..p }] {
            match (Model::new(p.clone()), expected_model(&p)) {
                (Ok(m), Some((price, per_part))) => {
                    prop_assert_eq!(m.part_price(), price);
                    prop_assert_eq!(m.days_per_part(), per_part);
                    prop_assert_eq!(m.budget(), p.salaries + p.running_costs);
                    prop_assert_eq!(m.total_parts() as i64, p.parts);
                }
                (Err(e), None) => {
                    // The message names the data file's key.
                    let shown = e.to_string();
                    prop_assert!(shown.contains(&e.field.key()), "{}", shown);
                }
                (got, expected) => prop_assert!(false, "{:?} for {:?}, expected {:?}", got, p, expected),
            }
        }
    }

    #[test]
    fn cost_and_days_are_linear_and_monotonic(m in arb_model(), n in 0u32..=2000) {
        prop_assert_eq!(m.cost_of(n), n as i64 * m.part_price());
        prop_assert_eq!(m.days_of(n), n as i64 * m.days_per_part());
        prop_assert_eq!(m.hours_of(n), n as i64 * m.hours_per_part());
        prop_assert!(m.cost_of(n + 1) > m.cost_of(n));
        prop_assert!(m.days_of(n + 1) > m.days_of(n));
    }

    #[test]
    fn budget_round_trips(m in arb_model(), n in 0u32..=2000) {
        prop_assert_eq!(m.parts_for_budget(m.cost_of(n)), n);
        // One cent less buys one part less.
        if n > 0 {
            prop_assert_eq!(m.parts_for_budget(m.cost_of(n) - 1), n - 1);
        }
    }

    #[test]
    fn estimate_profile_is_consistent(m in arb_model(), p in arb_profile()) {
        let e = m.estimate_profile(&p);
        prop_assert!(e.parts >= 1);
        let needed = e.days_needed.unwrap_or(0);
        prop_assert!(e.days_per_year >= needed);
        // The smallest number of parts that covers the need.
        if e.parts > 1 {
            prop_assert!(m.days_of(e.parts - 1) < needed);
        }
        prop_assert_eq!(e.cost_per_year, m.cost_of(e.parts));
        prop_assert_eq!(e.days_per_year, m.days_of(e.parts));
        prop_assert!(!e.explanation.is_empty());
        if let Some(after) = e.parts_following_years {
            prop_assert!(after <= e.parts);
        }
    }

    #[test]
    fn estimate_budget_never_panics(m in arb_model(), b in -10i64..=MAX_BUDGET + 10) {
        match m.estimate_budget(b) {
            Ok(e) => {
                prop_assert!(e.parts >= 1);
                prop_assert!(e.parts == 1 || m.cost_of(e.parts) <= b);
                prop_assert_eq!(e.exceeds_pool, e.parts > m.total_parts());
            }
            Err(_) => prop_assert!(!(0..=MAX_BUDGET).contains(&b)),
        }
    }

    #[test]
    fn past_the_job_parts_and_budget_say_the_same(m in arb_model(), extra in 1u32..30) {
        let n = m.total_parts() + extra;
        let by_parts = m.estimate_parts(n.min(MAX_PARTS_ASKED)).unwrap();
        let by_budget = m.estimate_budget(m.cost_of(n).min(MAX_BUDGET)).unwrap();
        for e in [&by_parts, &by_budget] {
            prop_assert_eq!(e.exceeds_pool, e.parts > m.total_parts());
            if e.exceeds_pool {
                prop_assert!(e.explanation.contains(&m.past_the_job()));
            }
            prop_assert!(e.share <= 100_00, "share {}", e.share);
        }
    }

    #[test]
    fn more_postes_never_fewer_parts(m in arb_model(), p in arb_profile(), extra in 0u32..50) {
        let more = Profile { postes: (p.postes + extra).min(1000), ..p };
        prop_assert!(m.estimate_profile(&more).parts >= m.estimate_profile(&p).parts);
    }

    #[test]
    fn encode_decode_round_trip(m in arb_model()) {
        let text = m.encode();
        prop_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b',' || b == b'-'));
        prop_assert_eq!(Model::decode(&text), Ok(m));
    }

    #[test]
    fn decode_of_garbage_says_why(s in "\\PC{0,200}") {
        // Not our prefix: an unknown version.
        if !s.trim().starts_with("amie2,") {
            prop_assert_eq!(Model::decode(&s), Err(DecodeError::Version));
        }
        // Our prefix: the values are counted first.
        let text = ["amie2,", &s].concat();
        let found = s.trim_end().split(',').count();
        match Model::decode(&text) {
            Err(DecodeError::Length { found: f }) => prop_assert_eq!(f, found),
            Ok(m) => prop_assert_eq!(Model::decode(&m.encode()), Ok(m)),
            Err(_) => prop_assert_eq!(found, 45),
        }
    }

    #[test]
    fn decode_mutated_never_panics(m in arb_model(), i in 0usize..400, c in any::<char>()) {
        let mut t: Vec<char> = m.encode().chars().collect();
        let i = i % t.len();
        t[i] = c;
        let t: String = t.into_iter().collect();
        if let Ok(d) = Model::decode(&t) {
            // Whatever decodes is valid.
            prop_assert!(Model::new(d.params().clone()).is_ok());
        }
    }

    #[test]
    fn query_round_trip(q in arb_query()) {
        let s = q.to_query_string();
        let (back, warnings) = Query::parse(&s);
        prop_assert!(warnings.is_empty(), "{:?}", warnings);
        prop_assert_eq!(back, q);
    }

    #[test]
    fn query_garbage_gives_a_state_that_round_trips(s in "\\PC{0,200}") {
        let (q, _) = Query::parse(&s);
        let written = q.to_query_string();
        prop_assert_eq!(Query::parse(&written), (q, Vec::new()));
        // Our pairs come last, after the page's other pairs.
        let merged = query::merge(&s, "parts=3");
        prop_assert!(merged == "parts=3" || merged.ends_with("&parts=3"), "{}", merged);
        prop_assert_eq!(Query::parse(&merged).0.parts, Some(3));
    }

    #[test]
    fn decode_component_undoes_percent_encoding(t in any::<String>(), upper in any::<bool>()) {
        let encoded: String = t
            .bytes()
            .map(|b| if upper { format!("%{b:02X}") } else { format!("%{b:02x}") })
            .collect();
        prop_assert_eq!(query::decode_component(&encoded), t.clone());
        // Text without `%` or `+` is left as it is.
        let plain = t.replace(['%', '+'], "");
        prop_assert_eq!(query::decode_component(&plain), plain.clone());
        // `+` is a space.
        prop_assert_eq!(query::decode_component(&plain.replace(' ', "+")), plain.clone());
    }

    #[test]
    fn typed_counts_and_amounts_read_back_what_they_show(s in "\\PC{0,60}", n in 0u32..=2000, c in 0i64..=MAX_BUDGET) {
        // Whatever is accepted is in range and reads back the same.
        if let Ok(v) = parse_count(&s, 0, 1000) {
            prop_assert!(v <= 1000);
            prop_assert_eq!(parse_count(&v.to_string(), 0, 1000), Ok(v));
        }
        if let Ok(v) = parse_money(&s, MAX_BUDGET) {
            prop_assert!((0..=MAX_BUDGET).contains(&v));
            prop_assert_eq!(parse_money(&f::money(v), MAX_BUDGET), Ok(v));
        }
        // A count as typed, with spaces around it.
        let typed = parse_count(&format!(" {n} "), 0, 1000);
        if n <= 1000 {
            prop_assert_eq!(typed, Ok(n));
        } else {
            prop_assert!(matches!(typed, Err(InputError::TooLarge(_))), "{:?}", typed);
        }
        // An amount in euros with cents and a comma.
        let euros = format!("{},{:02}", c / 100, c % 100);
        prop_assert_eq!(parse_money(&euros, MAX_BUDGET), Ok(c));
    }

    #[test]
    fn money_parse_format_round_trip(c in 0i64..=MAX_BUDGET) {
        prop_assert_eq!(parse_money(&f::money(c), MAX_BUDGET), Ok(c));
    }
}

fn arb_query() -> impl Strategy<Value = Query> {
    (
        proptest::option::of(prop_oneof![
            Just(Mode::Profil),
            Just(Mode::Parts),
            Just(Mode::Budget)
        ]),
        proptest::option::of(1u32..=12),
        proptest::option::of(0i64..=MAX_BUDGET),
        proptest::option::of(0u32..=1000),
        proptest::option::of(0u32..=100),
        proptest::option::of(0u32..=10_000),
        proptest::option::of(0u16..512),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |(mode, parts, budget, postes, serveurs, personnes, bits, rattrapage)| Query {
                mode,
                parts,
                budget,
                postes,
                serveurs,
                personnes,
                services: bits.map(|b| {
                    Service::ALL
                        .into_iter()
                        .filter(|s| b & (1 << s.index()) != 0)
                        .collect()
                }),
                rattrapage,
            },
        )
}

// ---------------------------------------------------------------- estimates

#[test]
fn estimate_parts_and_budget() {
    let m = model();
    let e = m.estimate_parts(11).unwrap();
    assert_eq!(e.cost_per_year, 22_000_00);
    assert_eq!(e.days_per_year, 9_900);
    assert_eq!(e.hours_per_year, 69_300);
    assert!(m.estimate_parts(0).is_err());
    assert!(m.estimate_parts(1_001).is_err());
    // Past the whole job: an estimate that says so, share capped.
    let e = m.estimate_parts(13).unwrap();
    assert!(e.exceeds_pool);
    assert_eq!(e.share, 100_00);
    assert!(
        e.explanation.contains(&m.past_the_job()),
        "{:?}",
        e.explanation
    );

    let e = m.estimate_budget(6_000_00).unwrap();
    assert_eq!(e.parts, 3);
    let e = m.estimate_budget(6_999_99).unwrap();
    assert_eq!(e.parts, 3);
    assert!(
        e.explanation.iter().any(|l| l.contains(
            "Il reste 999,99\u{a0}€ non utilisés\u{202f}; \
                                                 avec 1\u{202f}000,01\u{a0}€ de plus par an, vous auriez \
                                                 4\u{a0}parts."
        )),
        "{:?}",
        e.explanation
    );
    // Below one part: one part, explained.
    let e = m.estimate_budget(1_500_00).unwrap();
    assert_eq!(e.parts, 1);
    assert!(
        e.explanation[0].contains("inférieur au prix d’une part"),
        "{:?}",
        e.explanation
    );
    // Above the job: the parts it buys, and the same explanation as the
    // other ways in.
    let e = m.estimate_budget(100_000_00).unwrap();
    assert_eq!(e.parts, 50);
    assert!(e.exceeds_pool);
    assert!(
        e.explanation.contains(&m.past_the_job()),
        "{:?}",
        e.explanation
    );
    assert!(m.estimate_budget(-1).is_err());
}

#[test]
fn a_profile_past_the_job_says_what_parts_and_budget_say() {
    let m = model();
    let e = m.estimate_profile(&Profile {
        postes: 100,
        serveurs: 10,
        personnes: 100,
        services: Service::ALL.into_iter().collect(),
        rattrapage: false,
    });
    assert!(e.parts > 12 && e.exceeds_pool, "{e:?}");
    assert_eq!(e.share, 100_00, "never above 100 %");
    assert!(
        e.explanation.contains(&m.past_the_job()),
        "{:?}",
        e.explanation
    );
    assert!(
        !e.explanation.iter().any(|l| l.contains("116")),
        "{:?}",
        e.explanation
    );
}

#[test]
fn estimate_profile_explained() {
    let m = model();
    let p = Profile::default(); // 5 postes, 1 serveur, 8 personnes; assistance, maintenance, sauvegardes
    let e = m.estimate_profile(&p);
    // 4,5 + 4,5 + 3,25 = 12,25 days -> 2 parts.
    assert_eq!(e.days_needed, Some(1225));
    assert_eq!(e.parts, 2);
    let text = e.explanation.join("\n");
    assert!(
        text.contains("Assistance\u{202f}: 5\u{a0}postes × 0,5\u{a0}jour + 8\u{a0}personnes × 0,25\u{a0}jour = 4,5\u{a0}jours par an."),
        "{text}"
    );
    assert!(
        text.contains("arrondi à la part supérieure\u{202f}: 2\u{a0}parts"),
        "{text}"
    );

    let e = m.estimate_profile(&Profile {
        rattrapage: true,
        ..p
    });
    assert_eq!(e.days_needed, Some(2725));
    assert_eq!(e.parts, 4);
    assert_eq!(e.parts_following_years, Some(2));

    let none = Profile {
        services: ServiceSet::EMPTY,
        ..p
    };
    let e = m.estimate_profile(&none);
    assert_eq!(e.parts, 1);
    assert_eq!(e.days_needed, Some(0));
}

#[test]
fn remaining_parts_are_mentioned() {
    let m = Model::new(Params {
        subscribed: Some(11),
        ..published()
    })
    .unwrap();
    let e = m.estimate_parts(3).unwrap();
    assert!(e
        .explanation
        .iter()
        .any(|l| l.contains("Il ne reste que 1\u{a0}part disponible")));
}

// ---------------------------------------------------------------- inputs

#[test]
fn typed_inputs() {
    assert_eq!(parse_count("12", 1, 12), Ok(12));
    assert_eq!(parse_count(" 1 000 ", 0, 1000), Ok(1000));
    assert_eq!(parse_count("", 1, 12), Err(InputError::Empty));
    assert_eq!(parse_count("abc", 1, 12), Err(InputError::NotANumber));
    assert_eq!(parse_count("-3", 1, 12), Err(InputError::Negative));
    assert_eq!(parse_count("2,5", 1, 12), Err(InputError::NotWhole));
    assert_eq!(parse_count("1e5", 1, 12), Err(InputError::NotANumber));
    assert!(matches!(
        parse_count("13", 1, 12),
        Err(InputError::TooLarge(_))
    ));
    assert!(matches!(
        parse_count("99999999999999999999999", 1, 12),
        Err(InputError::TooLarge(_))
    ));
    assert!(matches!(
        parse_count("0", 1, 12),
        Err(InputError::TooSmall(_))
    ));
    assert_eq!(parse_count("-0", 0, 12), Ok(0));
    assert_eq!(parse_count("NaN", 0, 12), Err(InputError::NotANumber));

    assert_eq!(parse_money("6000", MAX_BUDGET), Ok(6_000_00));
    assert_eq!(parse_money("6 000,5 €", MAX_BUDGET), Ok(6_000_50));
    assert_eq!(parse_money("6000.05", MAX_BUDGET), Ok(6_000_05));
    assert_eq!(parse_money(",5", MAX_BUDGET), Ok(50));
    assert_eq!(
        parse_money("1,234", MAX_BUDGET),
        Err(InputError::TooManyDecimals)
    );
    assert_eq!(parse_money("-20", MAX_BUDGET), Err(InputError::Negative));
    assert_eq!(parse_money("inf", MAX_BUDGET), Err(InputError::NotANumber));
    assert_eq!(
        parse_money("1.2.3", MAX_BUDGET),
        Err(InputError::NotANumber)
    );
    assert_eq!(parse_money(" ", MAX_BUDGET), Err(InputError::Empty));
    assert!(matches!(
        parse_money("1e308", MAX_BUDGET),
        Err(InputError::NotANumber)
    ));
    assert!(matches!(
        parse_money("99999999999999999999", MAX_BUDGET),
        Err(InputError::TooLarge(_))
    ));
    assert_eq!(InputError::TooLarge("12".into()).message(), "Au plus 12.");
}

// ---------------------------------------------------------------- formatting

#[test]
fn french_formatting() {
    assert_eq!(f::money(1_234_56), "1\u{202F}234,56\u{A0}€");
    assert_eq!(f::money(2_000_00), "2\u{202F}000\u{A0}€");
    assert_eq!(f::money(22_000_00), "22\u{202F}000\u{A0}€");
    assert_eq!(f::money(166_67), "166,67\u{A0}€");
    assert_eq!(f::money(50), "0,50\u{A0}€");
    assert_eq!(f::money(0), "0\u{A0}€");
    assert_eq!(f::money(-12_30), "-12,30\u{A0}€");
    assert_eq!(
        f::money(1_234_567_890_00),
        "1\u{202F}234\u{202F}567\u{202F}890\u{A0}€"
    );
    assert_eq!(
        f::money(i64::MIN)
            .chars()
            .filter(|c| c.is_ascii_digit())
            .count(),
        19
    );
    assert_eq!(f::int(999), "999");
    assert_eq!(f::int(1000), "1\u{202F}000");
    assert_eq!(f::centi(900), "9");
    assert_eq!(f::centi(50), "0,5");
    assert_eq!(f::centi(717), "7,17");
    assert_eq!(f::centi(5), "0,05");
    assert_eq!(f::centi(123_450), "1\u{202F}234,5");
    assert_eq!(f::percent(833), "8,33\u{202F}%");
    assert_eq!(f::percent(2500), "25\u{202F}%");
    assert_eq!(f::days(100), "1\u{A0}jour");
    assert_eq!(f::days(900), "9\u{A0}jours");
    assert_eq!(f::days(50), "0,5\u{A0}jour");
    assert_eq!(f::days(150), "1,5\u{A0}jour");
    assert_eq!(f::days(199), "1,99\u{A0}jour");
    assert_eq!(f::days(200), "2\u{A0}jours");
    assert_eq!(f::days(0), "0\u{A0}jour");
    assert_eq!(f::parts(1), "1\u{A0}part");
    assert_eq!(f::parts(2), "2\u{A0}parts");
    assert_eq!(f::hours(6300), "63\u{A0}heures");
    assert_eq!(
        f::html_escape("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
}

// ---------------------------------------------------------------- encoding

#[test]
fn encode_decode() {
    let m = model();
    let t = m.encode();
    assert!(
        t.starts_with("amie2,12,2000000,400000,1200,1100,2400,700,,1500,"),
        "{t}"
    );
    assert_eq!(Model::decode(&t), Ok(m.clone()));
    let with_sub = Model::new(Params {
        subscribed: Some(5),
        ..published()
    })
    .unwrap();
    assert_eq!(Model::decode(&with_sub.encode()), Ok(with_sub));

    assert_eq!(Model::decode(""), Err(crate::DecodeError::Version));
    assert_eq!(Model::decode("amie1,1"), Err(crate::DecodeError::Version));
    assert!(matches!(
        Model::decode("amie2,1,2"),
        Err(crate::DecodeError::Length { found: 2 })
    ));
    let bad = t.replacen("amie2,12,", "amie2,x,", 1);
    assert_eq!(
        Model::decode(&bad),
        Err(crate::DecodeError::NotANumber { index: 0 })
    );
    let plus = t.replacen("amie2,12,", "amie2,+12,", 1);
    assert!(Model::decode(&plus).is_err());
    // Decode validates like new().
    let zero = t.replacen("amie2,12,", "amie2,0,", 1);
    match Model::decode(&zero) {
        Err(crate::DecodeError::Invalid(e)) => assert_eq!(e.field, Field::Parts),
        other => panic!("{other:?}"),
    }
    let huge = t.replacen("amie2,12,", "amie2,99999999999999999999,", 1);
    assert!(Model::decode(&huge).is_err());
}

/// The browser's message says what kind of problem, in French; the data
/// file's keys are the generator's to name.
#[test]
fn decode_errors_summed_up_for_the_browser() {
    let t = model().encode();
    let summary = |s: &str| Model::decode(s).expect_err("refused").summary();
    assert_eq!(
        summary("amie1,1"),
        "données du calculateur illisibles (version inconnue)"
    );
    assert_eq!(summary("amie2,1,2"), "données du calculateur incomplètes");
    assert_eq!(
        summary(&t.replacen("amie2,12,", "amie2,x,", 1)),
        "données du calculateur illisibles"
    );
    let zero = t.replacen("amie2,12,", "amie2,0,", 1);
    assert_eq!(summary(&zero), "données du calculateur invalides");
    // The details stay in the generator's message.
    let full = Model::decode(&zero).expect_err("refused").to_string();
    assert!(full.contains("poste.parts"), "{full}");
}

// ---------------------------------------------------------------- query

#[test]
fn query_parse() {
    let (q, w) = Query::parse("?parts=11");
    assert!(w.is_empty());
    assert_eq!(q.mode(), Mode::Parts);
    assert_eq!(q.parts, Some(11));
    assert_eq!(q.to_query_string(), "parts=11");

    let (q, w) = Query::parse(
        "postes=5&serveurs=1&personnes=8&services=assistance,sauvegardes&rattrapage=1",
    );
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(q.mode(), Mode::Profil);
    let p = q.profile();
    assert_eq!(
        (p.postes, p.serveurs, p.personnes, p.rattrapage),
        (5, 1, 8, true)
    );
    assert_eq!(
        p.services.iter().collect::<Vec<_>>(),
        [Service::Assistance, Service::Sauvegardes]
    );

    // Form submission style: repeated keys, encoded commas, accents, empties.
    let (q, w) = Query::parse("mode=budget&parts=&budget=6+000%2C50&services=h%C3%A9bergement&services=services-web%2Csupervision");
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(q.mode(), Mode::Budget);
    assert_eq!(q.budget, Some(6_000_50));
    assert_eq!(
        q.services.unwrap().iter().collect::<Vec<_>>(),
        [
            Service::Hebergement,
            Service::ServicesWeb,
            Service::Supervision
        ]
    );

    // Garbage: ignored with a message each, never a panic.
    let (q, w) = Query::parse(
        "parts=abc&budget=-5&postes=1e9&mode=x&services=foo&rattrapage=peut-etre&%zz=1&parts=9999",
    );
    assert_eq!(q, Query::default());
    assert_eq!(w.len(), 7, "{w:?}");
    assert!(w[0].contains("« parts »"), "{w:?}");
    assert!(
        w.iter().any(|m| m.contains("Au plus 1\u{202f}000")),
        "{w:?}"
    );

    let (q, _) = Query::parse("services=");
    assert_eq!(q.services, Some(ServiceSet::EMPTY));
    assert_eq!(q.to_query_string(), "services=");
}

#[test]
fn query_merge_and_initial() {
    assert_eq!(
        query::merge("?utm=x&parts=3&a", "budget=500"),
        "utm=x&a&budget=500"
    );
    assert_eq!(query::merge("", ""), "");
    assert_eq!(query::merge("?parts=3", ""), "");
    assert_eq!(query::initial("parts=3", "?utm=x"), "parts=3");
    assert_eq!(query::initial("parts=3", "?budget=10"), "?budget=10");
    assert!(query::has_known_keys("%70arts=1"));
}

// ---------------------------------------------------------------- data file

#[cfg(feature = "data")]
mod data {
    use super::*;
    use crate::data::{load, parse, parse_params};

    #[test]
    fn tarifs_toml_is_the_published_model() {
        let m = parse(TARIFS, "content/tarifs.toml").unwrap();
        assert_eq!(m.part_price(), 2_000_00);
        assert_eq!(m.days_per_part(), 900);
        assert_eq!(m.cost_of(11), 22_000_00);
        assert_eq!(m.days_of(11), 9_900);
        assert_eq!(m.catch_up_days(), 1500);
        let p = published();
        for s in [
            Service::Assistance,
            Service::Maintenance,
            Service::Sauvegardes,
        ] {
            assert_eq!(m.coefs(s), p.services[s.index()], "{s:?}");
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../content/tarifs.toml");
        assert_eq!(load(path).unwrap(), m);
    }

    fn set(key: &str, value: &str) -> String {
        let mut done = false;
        let out: Vec<String> = TARIFS
            .lines()
            .map(|l| {
                if !done && l.starts_with(&format!("{key} =")) {
                    done = true;
                    format!("{key} = {value}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        assert!(done, "{key} not in tarifs.toml");
        out.join("\n")
    }

    fn line_of(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.starts_with(needle)).unwrap() + 1
    }

    #[test]
    fn unknown_key() {
        let text = TARIFS.replace(
            "heures_par_jour = 7",
            "heures_par_jour = 7\nheure_par_jour = 7",
        );
        let e = parse(&text, "content/tarifs.toml").unwrap_err();
        assert_eq!(e.line, Some(line_of(&text, "heure_par_jour")));
        assert!(e.message.contains("clé inconnue « heure_par_jour »"), "{e}");
        assert!(
            e.to_string().starts_with("content/tarifs.toml, ligne "),
            "{e}"
        );

        let text = TARIFS.replace("[services.assistance]", "[services.assistanse]");
        let e = parse(&text, "t.toml").unwrap_err();
        assert!(e.message.contains("assistanse"), "{e}");
    }

    #[test]
    fn reference_and_set_up_days() {
        let m = parse(TARIFS, "content/tarifs.toml").unwrap();
        assert_eq!(m.reference(), Some("2026"));
        assert_eq!(m.setup_days(Service::ServicesWeb), 400);
        assert_eq!(m.setup_days(Service::Assistance), 0);
        // A year written as a number is a reference too.
        let year = parse(&set("reference", "2027"), "t.toml").unwrap();
        assert_eq!(year.reference(), Some("2027"));
        for (value, why) in [
            ("\"  \"", "la référence est vide"),
            (&format!("\"{}\"", "x".repeat(41)), "trop longue"),
        ] {
            let text = set("reference", value);
            let e = parse(&text, "content/tarifs.toml").unwrap_err();
            assert_eq!(e.key.as_deref(), Some("tarif.reference"), "{e}");
            assert_eq!(e.line, Some(line_of(&text, "reference =")));
            assert!(e.message.contains(why), "{e}");
        }
        let text = set("jours_de_mise_en_place", "-1");
        let e = parse(&text, "content/tarifs.toml").unwrap_err();
        assert!(
            e.message
                .contains("clé « services.hebergement.jours_de_mise_en_place »"),
            "{e}"
        );
        assert!(e.message.contains("ne peut pas être négative"), "{e}");
        let text = TARIFS.replace("reference = ", "refrence = ");
        let e = parse(&text, "t.toml").unwrap_err();
        assert!(e.message.contains("refrence"), "{e}");
    }

    #[test]
    fn negative_price() {
        let text = set("salaires_par_an", "-20000");
        let e = parse(&text, "content/tarifs.toml").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("poste.salaires_par_an"));
        assert_eq!(e.line, Some(line_of(&text, "salaires_par_an")));
        assert!(e.message.contains("strictement positive"), "{e}");
    }

    #[test]
    fn zero_parts() {
        let text = set("parts", "0");
        let e = parse(&text, "content/tarifs.toml").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("poste.parts"));
        assert_eq!(e.line, Some(line_of(&text, "parts =")));
        let expected = format!(
            "ligne {}\u{202f}: clé « poste.parts » (valeur\u{202f}: 0)\u{202f}: doit être \
             strictement positive",
            line_of(&text, "parts =")
        );
        assert!(e.to_string().contains(&expected), "{e}");
    }

    #[test]
    fn other_errors() {
        let e = parse(&set("parts", "12.5"), "t").unwrap_err();
        assert!(e.message.contains("entier"), "{e}");
        let e = parse(&set("jours_par_mois", "12.345"), "t").unwrap_err();
        assert!(e.message.contains("deux chiffres"), "{e}");
        let e = parse(&set("jours_par_mois", "\"douze\""), "t").unwrap_err();
        assert!(e.message.contains("un nombre"), "{e}");
        assert!(e.line.is_some());
        let e = parse(&set("jours_mutualises_par_an", "200"), "t").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("poste.jours_mutualises_par_an"));
        let e = parse(
            &set("# parts_souscrites", "13").replace("# parts_souscrites", "parts_souscrites"),
            "t",
        );
        assert_eq!(
            e.unwrap_err().key.as_deref(),
            Some("poste.parts_souscrites")
        );
        let e = parse("[poste]\nparts = 12\n", "t").unwrap_err();
        assert!(e.message.contains("clé obligatoire manquante"), "{e}");
        let e = parse("parts = = 3", "t").unwrap_err();
        assert_eq!(e.line, Some(1));
        let e = load("/nonexistent/tarifs.toml").unwrap_err();
        assert!(e.message.contains("lecture impossible"), "{e}");
        // Decimal money is fine; float parts that are whole too.
        let p = parse_params(&set("salaires_par_an", "20000.50"), "t").unwrap();
        assert_eq!(p.salaries, 20_000_50);
        let p = parse_params(&set("parts", "12.0"), "t").unwrap();
        assert_eq!(p.parts, 12);
    }
}

// ---------------------------------------------------------------- SSR

#[cfg(all(feature = "ssr", feature = "data"))]
mod ssr {
    use super::*;
    use crate::embed::{render_fragment, render_table, render_widget};

    fn m() -> Model {
        crate::data::parse(TARIFS, "content/tarifs.toml").unwrap()
    }

    #[test]
    fn fragment_has_the_figures() {
        let m = m();
        let html = render_fragment(&m, "");
        assert!(html.starts_with(&format!(
            "<div class=\"calculateur\" data-calculateur-model=\"{}\">",
            m.encode()
        )));
        assert!(html.contains("<noscript>"));
        assert!(
            html.contains(
                "<tr><th scope=\"row\">11\u{a0}parts</th><td>22\u{202f}000\u{a0}€</td>\
             <td>≈ 1\u{202f}833,33\u{a0}€</td><td>99\u{a0}jours</td></tr>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<td>500\u{a0}€</td>"),
            "an exact monthly amount has no ≈: {html}"
        );
        // Without JavaScript no field can be typed into for nothing.
        assert_eq!(html.matches("<fieldset disabled").count(), 2, "{html}");
        assert!(html.contains("<th scope=\"row\">1\u{a0}part</th><td>2\u{202f}000\u{a0}€</td>"));
        // The widget's initial state: the default profile, 2 parts.
        assert!(html.contains("aria-live=\"polite\""));
        assert!(
            html.contains(
                "<output for=\"calc-postes calc-serveurs calc-personnes\">2\u{a0}parts</output>"
            ),
            "{html}"
        );
        // No hydration markers, no inline script or style.
        assert!(!html.contains("<!--"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("style="));
    }

    #[test]
    fn widget_with_query() {
        let m = m();
        let html = render_widget(&m, "parts=11");
        assert!(
            html.contains("<output for=\"calc-parts\">22\u{202f}000\u{a0}€</output>"),
            "{html}"
        );
        assert!(html.contains("<output for=\"calc-parts\">99\u{a0}jours</output>"));
        assert!(html.contains("<output for=\"calc-parts\">693\u{a0}heures</output>"));
        assert!(html.contains("value=\"11\""));

        let frag = render_fragment(&m, "budget=6000&x=\"<");
        assert!(
            frag.contains("data-calculateur-query=\"budget=6000&amp;x=&quot;&lt;\""),
            "{frag}"
        );
        assert!(frag.contains("<output for=\"calc-budget\">3\u{a0}parts</output>"));

        let html = render_widget(&m, "parts=abc");
        assert!(html.contains("class=\"calc-warnings\""), "{html}");

        let html = render_widget(&m, "mode=parts&parts=");
        assert!(
            html.contains("<output for=\"calc-parts\">1\u{a0}part</output>"),
            "{html}"
        );
    }

    #[test]
    fn mail_link_when_an_address_is_given() {
        let with = m().with_contact(crate::Contact {
            name: Some("Amie".into()),
            email: Some("contact@amie.example".into()),
        });
        let html = render_widget(&with, "parts=3");
        let start = html.find("href=\"mailto:").expect("a mailto link") + 6;
        let href = &html[start..start + html[start..].find('"').unwrap()];
        assert!(
            href.starts_with(
                "mailto:contact@amie.example?subject=Estimation%E2%80%AF%3A%203%C2%A0parts"
            ),
            "{href}"
        );
        let body = href.split("&amp;body=").nth(1).expect("a body");
        let body = crate::query::decode_component(body);
        for expected in [
            "Nombre de parts choisi\u{202f}: 3\u{a0}parts\r\n",
            "Coût par an\u{202f}: 6\u{202f}000\u{a0}€\r\n",
            "Tarif\u{202f}: 2026",
            "Pour retrouver cette estimation\u{202f}: ?parts=3\r\n",
            "Estimation indicative, non contractuelle.",
        ] {
            assert!(body.contains(expected), "{expected:?} in {body:?}");
        }
        assert!(html.contains(">Envoyer cette estimation</a>"));
        // Blank or absent address: no link.
        assert!(!render_widget(&m(), "parts=3").contains("mailto:"));
        let blank = m().with_contact(crate::Contact {
            name: None,
            email: Some("  ".into()),
        });
        assert!(!render_widget(&blank, "parts=3").contains("calc-mail"));
    }

    #[test]
    fn share_drawn_without_inline_style() {
        let html = render_widget(&m(), "parts=3");
        assert_eq!(html.matches("<rect class=\"calc-bar-yours\"").count(), 3);
        assert_eq!(html.matches("<rect class=\"calc-bar-free\"").count(), 9);
        assert!(html.contains("Vos 3\u{a0}parts sur les 12\u{a0}parts du poste."));
        let past = render_widget(&m(), "parts=13");
        assert_eq!(past.matches("<rect class=\"calc-bar-yours\"").count(), 12);
        assert!(past.contains("dépasse les 12\u{a0}parts du poste"));
        assert!(past.contains(">100\u{202f}%</output>"), "{past}");
        assert!(!html.contains("style="));
    }

    #[test]
    fn print_only_parts_of_the_estimate() {
        let html = render_widget(&m(), "parts=3");
        for expected in [
            "<p class=\"calc-print-title\">Estimation · tarif 2026</p>",
            "<li>Nombre de parts choisi\u{202f}: 3\u{a0}parts</li>",
            "Pour retrouver cette estimation\u{202f}: ?parts=3</p>",
            ">Imprimer l’estimation</button>",
            ">Copier le lien</button>",
        ] {
            assert!(html.contains(expected), "{expected:?} in {html}");
        }
        // The same end for every estimate, outside the widget.
        let frag = render_fragment(&m(), "parts=3");
        let notes = frag.find("calc-print-notes").expect("the notes");
        assert!(
            notes > frag.find("</div>\n").unwrap(),
            "after the mount element"
        );
        for expected in [
            "Ce que comprend une part",
            "environ 9\u{a0}jours par an et par part",
            "<strong>Estimation indicative, non contractuelle.</strong>",
        ] {
            assert!(frag[notes..].contains(expected), "{expected:?} in {frag}");
        }
        // Pre-rendered: the buttons and the address wait for the widget.
        assert!(
            html.contains("<button type=\"button\" disabled=\"disabled\" class=\"calc-print\">"),
            "{html}"
        );
    }

    #[test]
    fn table_lists_every_part() {
        let t = render_table(&m());
        assert_eq!(t.matches("<tr><th scope=\"row\">").count(), 12);
    }

    #[test]
    fn gauge_when_subscribed() {
        let m = crate::data::parse(
            &TARIFS.replace("# parts_souscrites = 5", "parts_souscrites = 5"),
            "t",
        )
        .unwrap();
        let html = render_widget(&m, "");
        assert!(
            html.contains(
                "<meter class=\"calc-gauge-meter\" min=\"0\" max=\"12\" value=\"5\" \
                 aria-labelledby=\"calc-jauge\">5 / 12</meter>"
            ),
            "{html}"
        );
        assert!(
            html.contains("5\u{a0}parts sur 12 souscrites (7 disponibles)."),
            "{html}"
        );
        let full = crate::data::parse(
            &TARIFS.replace("# parts_souscrites = 5", "parts_souscrites = 12"),
            "t",
        )
        .unwrap();
        let html = render_widget(&full, "");
        assert!(
            html.contains("Les 12\u{a0}parts sont toutes souscrites"),
            "{html}"
        );
        let unset = crate::data::parse(TARIFS, "t").unwrap();
        assert!(!render_widget(&unset, "").contains("calc-gauge"));
    }
}

// ---------------------------------------------------------------- figures

mod figures {
    use super::*;
    use crate::figures::{Figure, FigureError, Value};

    fn shown(name: &str, parts: u32) -> String {
        let fig = Figure::from_name(name).unwrap_or_else(|| panic!("unknown figure {name}"));
        fig.value(&model(), parts).expect("a value").show(true)
    }

    #[test]
    fn published_model_in_words() {
        let nb = |s: &str| s.replace(' ', "\u{202f}").replace("\u{202f}€", "\u{a0}€");
        assert_eq!(shown("prix_part", 1), nb("2 000 €"));
        assert_eq!(shown("prix_part_mois", 1), "166,67\u{a0}€");
        assert_eq!(shown("budget", 1), nb("24 000 €"));
        assert_eq!(shown("salaires", 1), nb("20 000 €"));
        assert_eq!(shown("frais_de_fonctionnement", 1), nb("4 000 €"));
        assert_eq!(shown("jours_par_part", 1), "9\u{a0}jours");
        assert_eq!(shown("heures_par_part", 1), "63\u{a0}heures");
        assert_eq!(shown("cout_journee", 1), "222,22\u{a0}€");
        assert_eq!(shown("parts", 1), "12\u{a0}parts");
        assert_eq!(shown("jours_travailles", 1), "132\u{a0}jours");
        assert_eq!(shown("jours_disponibles", 1), "108\u{a0}jours");
        assert_eq!(shown("mois_travailles", 1), "11\u{a0}mois");
        assert_eq!(shown("jours_de_rattrapage", 1), "15\u{a0}jours");
        assert_eq!(shown("cout_par_an", 3), nb("6 000 €"));
        assert_eq!(shown("cout_par_mois", 3), "500\u{a0}€");
        assert_eq!(shown("jours_par_an", 3), "27\u{a0}jours");
        assert_eq!(shown("quote_part", 3), "25\u{202f}%");
        assert_eq!(
            shown("services.maintenance.jours_par_serveur", 1),
            "2\u{a0}jours"
        );
        assert_eq!(
            shown("services.maintenance.jours_par_poste", 1),
            "0,5\u{a0}jour"
        );
        let bare = Figure::from_name("parts")
            .unwrap()
            .value(&model(), 1)
            .unwrap();
        assert_eq!(bare.show(false), "12");
        assert_eq!(Value::Money(2_000_00).show(false), nb("2 000"));
    }

    #[test]
    fn the_same_formatting_as_the_widget() {
        let m = model();
        let e = m.estimate_parts(3).unwrap();
        assert_eq!(shown("cout_par_an", 3), f::money(e.cost_per_year));
        assert_eq!(shown("cout_par_mois", 3), f::money(e.cost_per_month));
        assert_eq!(shown("jours_par_an", 3), f::days(e.days_per_year));
    }

    #[test]
    fn names_round_trip() {
        for fig in Figure::all() {
            assert_eq!(Figure::from_name(&fig.name()), Some(fig), "{}", fig.name());
        }
        assert_eq!(Figure::from_name("prix_parts"), None);
        assert_eq!(Figure::from_name("services.maintenance"), None);
        assert_eq!(Figure::from_name("services.menage.jours_par_an"), None);
    }

    #[test]
    fn figures_that_need_data_or_a_sane_number_of_parts() {
        let m = model();
        let sub = Figure::from_name("parts_souscrites").unwrap();
        assert_eq!(
            sub.value(&m, 1),
            Err(FigureError::NotInData("poste.parts_souscrites"))
        );
        let with = Model::new(Params {
            subscribed: Some(9),
            ..published()
        })
        .unwrap();
        assert_eq!(sub.value(&with, 1), Ok(Value::Parts(9)));
        let free = Figure::from_name("parts_disponibles").unwrap();
        assert_eq!(free.value(&with, 1), Ok(Value::Parts(3)));
        let cost = Figure::from_name("cout_par_an").unwrap();
        assert_eq!(
            cost.value(&m, 13),
            Err(FigureError::PartsOutOfRange {
                parts: 13,
                total: 12
            })
        );
        assert!(cost.value(&m, 0).is_err());
    }

    #[test]
    fn every_value_names_the_call_that_prints_it() {
        let m = model();
        let all = Figure::every_value(&m);
        let find = |v: Value| all.iter().find(|(_, x)| *x == v).map(|(c, _)| c.as_str());
        assert_eq!(
            find(Value::Money(2_000_00)),
            Some("chiffre(nom=\"prix_part\")")
        );
        assert_eq!(
            find(Value::Money(6_000_00)),
            Some("chiffre(nom=\"cout_par_an\", parts=3)")
        );
        assert_eq!(
            find(Value::Days(900)),
            Some("chiffre(nom=\"jours_par_part\")")
        );
    }

    proptest! {
        #[test]
        fn every_figure_of_any_model_has_a_value_or_a_reason(m in arb_model(), n in 0u32..20) {
            for fig in Figure::all() {
                match fig.value(&m, n) {
                    Ok(v) => prop_assert!(!v.show(true).is_empty()),
                    Err(FigureError::PartsOutOfRange { parts, total }) => {
                        prop_assert!(fig.per_parts());
                        prop_assert!(parts == 0 || parts > total);
                    }
                    Err(FigureError::NotInData(_)) => prop_assert!(m.subscribed().is_none()),
                }
            }
        }
    }
}

// ---------------------------------------------------------------- worked examples

mod example {
    use super::*;

    fn small_association() -> Profile {
        Profile {
            postes: 3,
            serveurs: 0,
            personnes: 4,
            services: [
                Service::Assistance,
                Service::Maintenance,
                Service::Sauvegardes,
            ]
            .into_iter()
            .collect(),
            rattrapage: false,
        }
    }

    #[test]
    fn table_totals_and_result() {
        let html = crate::example::render(&model(), &small_association());
        // Assistance 3 × 0,5 + 4 × 0,25 = 2,5; maintenance 1,5; backups 1 + 0,75.
        for expected in [
            "<th scope=\"row\">Assistance</th><td>3\u{a0}postes × 0,5\u{a0}jour + \
             4\u{a0}personnes × 0,25\u{a0}jour</td><td>2,5\u{a0}jours</td>",
            "<th scope=\"row\">Maintenance</th><td>3\u{a0}postes × 0,5\u{a0}jour</td>\
             <td>1,5\u{a0}jour</td>",
            "<th scope=\"row\">Sauvegardes</th><td>1\u{a0}jour + 3\u{a0}postes × \
             0,25\u{a0}jour</td><td>1,75\u{a0}jour</td>",
            "<th scope=\"row\" colspan=\"2\">Total, chaque année</th><td>5,75\u{a0}jours</td>",
            "<strong>1\u{a0}part</strong>, soit <strong>2\u{202f}000\u{a0}€ par an</strong> \
             (≈ 166,67\u{a0}€ par mois) pour 9\u{a0}jours de travail par an.",
            "5,75 ÷ 9 ≈ 0,64, arrondi à la part supérieure",
        ] {
            assert!(html.contains(expected), "missing {expected:?} in\n{html}");
        }
        // The per-service lines are in the table, not repeated below it.
        assert!(!html.contains("<li>Assistance"), "{html}");
    }

    #[test]
    fn catch_up_counts_the_first_year_only() {
        let p = Profile {
            rattrapage: true,
            ..small_association()
        };
        let html = crate::example::render(&model(), &p);
        assert!(
            html.contains("Besoins courants, chaque année</th><td>5,75\u{a0}jours"),
            "{html}"
        );
        assert!(html.contains("première année seulement</th><td>15\u{a0}jours"));
        assert!(html.contains("Total la première année</th><td>20,75\u{a0}jours"));
        // 20,75 ÷ 9 → 3 parts, then 1.
        assert!(
            html.contains("<strong>3\u{a0}parts</strong>")
                && html
                    .contains("la première année, puis 1\u{a0}part (2\u{202f}000\u{a0}€ par an)"),
            "{html}"
        );
    }

    #[test]
    fn the_example_follows_the_model() {
        let dearer = Model::new(Params {
            salaries: 26_000_00,
            ..published()
        })
        .unwrap();
        let html = crate::example::render(&dearer, &small_association());
        assert!(html.contains("2\u{202f}500\u{a0}€ par an"), "{html}");
        assert!(!html.contains("2\u{202f}000\u{a0}€"), "{html}");
    }
}

// ---------------------------------------------------------------- rounding in words

#[test]
fn rounded_quotients_say_so() {
    let m = model();
    let one = m.estimate_parts(1).unwrap().explanation.join("\n");
    assert!(one.contains("soit ≈ 166,67\u{a0}€ par mois"), "{one}");
    assert!(
        one.contains("quote-part du poste de ≈ 8,33\u{202f}%"),
        "{one}"
    );
    let three = m.estimate_parts(3).unwrap().explanation.join("\n");
    assert!(three.contains("soit 500\u{a0}€ par mois"), "{three}");
    assert!(
        three.contains("quote-part du poste de 25\u{202f}%"),
        "{three}"
    );
    let budget = m.estimate_budget(7_000_00).unwrap().explanation.join("\n");
    assert!(
        budget.contains("≈ 3,5, arrondi à la part inférieure"),
        "{budget}"
    );
    let exact = m.estimate_budget(6_000_00).unwrap().explanation.join("\n");
    assert!(exact.contains("= 3\u{202f}: 3\u{a0}parts"), "{exact}");
    let assumptions = m.assumptions().join("\n");
    assert!(
        assumptions.contains("revient à environ 222,22\u{a0}€"),
        "{assumptions}"
    );
    assert!(
        !assumptions.contains('\''),
        "typographic apostrophes: {assumptions}"
    );
}

#[test]
fn a_full_pool_says_so() {
    let m = Model::new(Params {
        subscribed: Some(12),
        ..published()
    })
    .unwrap();
    let text = m.estimate_parts(1).unwrap().explanation.join("\n");
    assert!(text.contains("Toutes les parts sont souscrites"), "{text}");
    assert!(!text.contains("0\u{a0}part"), "{text}");
}

// ------------------------------------------------- set-up and rounding rules

proptest! {
    /// Set-up days count the first year only; the following years depend
    /// on the recurring days alone.
    #[test]
    fn set_up_counts_in_year_one_only(m in arb_model(), p in arb_profile()) {
        let e = m.estimate_profile(&p);
        let p = p.clamped();
        let recurring: Centi = m.service_lines(&p).iter().map(|l| l.days).sum();
        let setup: Centi = p.services.iter().map(|s| m.params().setup_days[s.index()]).sum();
        let catch_up = if p.rattrapage { m.catch_up_days() } else { 0 };
        prop_assert_eq!(e.recurring_days, Some(recurring));
        prop_assert_eq!(e.setup_days, setup);
        prop_assert_eq!(e.days_needed, Some(recurring + setup + catch_up));
        prop_assert_eq!(e.parts, m.parts_for_days(recurring + setup + catch_up));
        let following = if setup + catch_up > 0 {
            Some(m.parts_for_days(recurring))
        } else {
            None
        };
        prop_assert_eq!(e.parts_following_years, following);
        // The same model without any set-up: the same following years.
        let mut params = m.params().clone();
        params.setup_days = [0; 9];
        let bare = Model::new(params).expect("set-up days do not affect validity");
        let b = bare.estimate_profile(&p);
        prop_assert_eq!(b.recurring_days, e.recurring_days);
        prop_assert_eq!(
            b.parts_following_years.unwrap_or(b.parts),
            e.parts_following_years.unwrap_or(e.parts)
        );
        prop_assert!(b.parts <= e.parts);
    }

    /// Yearly figures are exact (parts × price); monthly ones are rounded
    /// to the cent and marked « ≈ » when they are.
    #[test]
    fn yearly_exact_monthly_rounded(m in arb_model(), n in 1u32..=MAX_PARTS_ASKED) {
        let e = m.estimate_parts(n).expect("in range");
        prop_assert_eq!(e.cost_per_year, n as i64 * m.part_price());
        prop_assert!((e.cost_per_month * 12 - e.cost_per_year).abs() <= 6);
        let rounded = e.cost_per_year % 12 != 0;
        prop_assert_eq!(e.cost_per_month * 12 == e.cost_per_year, !rounded);
        let line = e.explanation.iter().find(|l| l.starts_with("Une part coûte")).cloned();
        let line = line.unwrap_or_default();
        prop_assert_eq!(line.contains("soit ≈ "), rounded, "{}", line);
        prop_assert!(e.share <= 10_000);
    }
}

/// Every row of the static table: parts × price to the cent, the month
/// marked « ≈ » when rounded.
#[cfg(feature = "ssr")]
mod table {
    use super::*;

    proptest! {
        #[test]
        fn rows_are_parts_times_price(m in arb_model()) {
            let html = crate::embed::render_table(&m);
            for n in 1..=m.total_parts().min(50) {
                let row = [
                    "<tr><th scope=\"row\">", &f::parts(n), "</th><td>",
                    &f::money(n as i64 * m.part_price()), "</td><td>",
                    f::about((n as i64 * m.part_price()) % 12 == 0),
                    &f::money(m.monthly_cost_of(n)), "</td>",
                ].concat();
                prop_assert!(html.contains(&row), "row {} missing: {}", n, row);
            }
        }
    }
}
