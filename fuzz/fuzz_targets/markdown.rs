//! `markdown::render` on any text, with an environment that resolves a few
//! `@/` paths and renders one shortcode: never panics; error positions are
//! inside the page; heading ids are unique; safe mode lets no tag through
//! that Markdown itself never writes.
//!
//! The first byte picks the options (raw HTML, French typography) and the
//! line the body starts at.
#![no_main]

use libfuzzer_sys::fuzz_target;
use site_gen::markdown::{self, MarkdownOptions, RenderEnv, ShortcodeCall, ShortcodeOutput};

struct Env;

impl RenderEnv for Env {
    fn page_url(&self, source_path: &str) -> Option<String> {
        match source_path {
            "_index.md" => Some("/".into()),
            "faq.md" => Some("/faq/".into()),
            "services/_index.md" => Some("/services/".into()),
            "combien-ca-coute.md" => Some("/combien-ca-coute/".into()),
            _ => None,
        }
    }

    fn shortcode(
        &self,
        call: &ShortcodeCall<'_>,
    ) -> Result<ShortcodeOutput, site_gen::markdown::ShortcodeError> {
        let (name, args) = (call.name, call.args);
        match name {
            "note" => {
                let text = args
                    .get("texte")
                    .map(ToString::to_string)
                    .or_else(|| call.body.map(str::to_string))
                    .unwrap_or_default();
                let escaped = text
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                Ok(format!("<aside class=\"note\">{escaped}</aside>").into())
            }
            // Markdown written into the page before it is parsed.
            "md" => Ok(ShortcodeOutput::Markdown(
                call.body.unwrap_or("**md**").to_string(),
            )),
            "prix" => Ok(String::from("42").into()),
            _ => Err(format!("shortcode inconnu « {name} »").into()),
        }
    }
}

/// Tags Markdown never writes by itself: in safe mode they can only come
/// from the page's raw HTML, which must have been escaped.
const NEVER_IN_SAFE_MODE: &[&str] = &[
    "<script", "<iframe", "<style", "<object", "<embed", "<svg", "<form",
];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let opts = MarkdownOptions {
        raw_html: flags & 1 != 0,
        french_typography: flags & 2 != 0,
    };
    let first_line = 1 + usize::from(flags >> 2);
    let last_line = first_line + text.matches('\n').count();
    let (rendered, errors) = markdown::render_partial(text, first_line, &opts, &Env);
    for e in &errors {
        assert!(
            e.line >= first_line && e.line <= last_line,
            "line {} outside {first_line}..={last_line}",
            e.line
        );
        assert!(e.column >= 1);
        assert!(!e.message.is_empty());
    }
    if errors.is_empty() {
        let mut ids = rendered.heading_ids.clone();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), rendered.heading_ids.len(), "unique heading ids");
    }
    if !opts.raw_html {
        let lower = rendered.html.to_ascii_lowercase();
        for tag in NEVER_IN_SAFE_MODE {
            assert!(
                !lower.contains(tag),
                "{tag} in safe mode: {}",
                rendered.html
            );
        }
    }
    for private in ['\u{E000}', '\u{E001}', '\u{E002}'] {
        assert!(
            !rendered.html.contains(private),
            "a marker leaked: {:?}",
            rendered.html
        );
    }
    if let Some(summary) = &rendered.summary {
        assert!(rendered.html.len() >= summary.len());
    }
    let _ = markdown::first_heading(text);
    let _ = markdown::french_spacing(text);
});
