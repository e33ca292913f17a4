//! The widget's state from a URL: `Query::parse` (and its helpers) and
//! `Model::decode` never panic; a parsed query written back reads the same;
//! every estimate it leads to can be computed.
//!
//! Input: `<encoded model>\n<query>`; without a newline, the whole input is
//! both tried as a model and used as the query against the shipped figures.
#![no_main]

use std::sync::OnceLock;

use calculator::{query, Mode, Model, Query};
use libfuzzer_sys::fuzz_target;

fn shipped() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        calculator::data::parse(include_str!("../../content/tarifs.toml"), "tarifs.toml")
            .expect("the shipped data file is valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (model_text, q) = text.split_once('\n').unwrap_or((&text, &text));
    let decoded = Model::decode(model_text);
    if let Ok(m) = &decoded {
        // Whatever decodes is valid and encodes back to the same model.
        assert_eq!(Model::decode(&m.encode()).as_ref(), Ok(m));
    }
    let model = decoded.as_ref().unwrap_or(shipped());

    let (parsed, _warnings) = Query::parse(q);
    let written = parsed.to_query_string();
    let (again, warnings) = Query::parse(&written);
    assert_eq!(again, parsed, "{written}");
    assert!(warnings.is_empty(), "{written}: {warnings:?}");

    match parsed.mode() {
        Mode::Profil => {
            let _ = model.estimate_profile(&parsed.profile());
        }
        Mode::Parts => {
            let _ = model.estimate_parts(parsed.parts.unwrap_or(1));
        }
        Mode::Budget => {
            let _ = model.estimate_budget(parsed.budget.unwrap_or(0));
        }
    }
    let merged = query::merge(q, &written);
    let _ = query::has_known_keys(&merged);
    let _ = query::initial(q, &merged);
    let _ = query::decode_component(q);
});
