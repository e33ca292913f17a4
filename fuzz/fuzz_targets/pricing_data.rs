//! `calculator::data::parse` on any text: never panics; what it accepts is
//! a valid model that survives the browser encoding; errors point inside
//! the file.
#![no_main]

use calculator::Model;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match calculator::data::parse(text, "content/tarifs.toml") {
        Ok(model) => {
            assert!(model.part_price() > 0 && model.days_per_part() > 0);
            assert!(model.total_parts() >= 1);
            let encoded = model.encode();
            assert!(encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b',' || b == b'-'));
            assert_eq!(Model::decode(&encoded).as_ref(), Ok(&model));
            let _ = model.estimate_profile(&Default::default());
            for n in [0, 1, model.total_parts(), u32::MAX] {
                let _ = model.estimate_parts(n);
                let _ = model.cost_of(n);
            }
        }
        Err(e) => {
            assert!(!e.message.is_empty());
            let lines = text.matches('\n').count() + 1;
            if let Some(line) = e.line {
                assert!(line >= 1 && line <= lines, "line {line} of {lines}");
            }
            assert!(e.column.is_none_or(|c| c >= 1));
        }
    }
});
