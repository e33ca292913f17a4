//! The front matter and Markdown readers on LARGE inputs: the fuzzer's
//! input repeated up to 256 KiB, as a front matter (`+++`, `---`) and as a
//! page body with shortcodes. A construct whose cost grows with the square
//! of the input (an unclosed call repeated, deep nesting) shows up as a
//! libFuzzer timeout (`-timeout=10`): every reader must stay linear.
#![no_main]

use libfuzzer_sys::fuzz_target;
use site_gen::content::front_matter::split;
use site_gen::markdown::{self, MarkdownOptions, RenderEnv, ShortcodeCall, ShortcodeOutput};

const SIZE: usize = 256 * 1024;

struct Env;

impl RenderEnv for Env {
    fn page_url(&self, _source_path: &str) -> Option<String> {
        Some("/".into())
    }
    fn shortcode(
        &self,
        call: &ShortcodeCall<'_>,
    ) -> Result<ShortcodeOutput, site_gen::markdown::ShortcodeError> {
        Err(format!("shortcode inconnu « {} »", call.name).into())
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(unit) = std::str::from_utf8(data) else {
        return;
    };
    if unit.is_empty() {
        return;
    }
    let big = unit.repeat(SIZE / unit.len() + 1);
    for open in ["+++\n", "---\n"] {
        let _ = split(&format!("{open}{big}"));
    }
    let opts = MarkdownOptions {
        french_typography: true,
        raw_html: false,
    };
    let _ = markdown::render_partial(&big, 1, &opts, &Env);
});
