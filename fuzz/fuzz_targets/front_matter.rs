//! `content::front_matter::split` on any text: never panics; the body is
//! the end of the file and starts at the line it claims; error positions
//! are inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use site_gen::content::front_matter::{parse_date, split};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.matches('\n').count() + 1;
    match split(text) {
        Ok(s) => {
            assert!(text.ends_with(s.body), "the body is the end of the file");
            let before = &text[..text.len() - s.body.len()];
            if !s.body.is_empty() {
                assert_eq!(s.body_line, before.matches('\n').count() + 1);
            }
            assert!(s.body_line >= 1 && s.body_line <= lines + 1);
            if let Some(date) = s.front_matter.date {
                assert_eq!(parse_date(&date.to_string()), Ok(date));
            }
        }
        Err(e) => {
            assert!(!e.message.is_empty());
            if let Some(line) = e.line {
                assert!(line >= 1 && line <= lines, "line {line} of {lines}");
            }
            assert!(e.column.is_none_or(|c| c >= 1));
        }
    }
    let _ = parse_date(text);
});
