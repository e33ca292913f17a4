//! `slug::slugify`: the result is a safe path segment and a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;
use site_gen::slug::slugify;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let slug = slugify(&text);
    assert!(!slug.contains(['/', '\\', '\0', '.']), "{slug:?}");
    assert!(!slug.contains(".."), "{slug:?}");
    assert!(
        !slug.chars().any(|c| c.is_control() || c.is_whitespace()),
        "{slug:?}"
    );
    assert!(
        !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
        "{slug:?}"
    );
    assert_eq!(slugify(&slug), slug, "idempotent");
});
