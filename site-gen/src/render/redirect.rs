//! A section's `redirect_to` (Zola's): its page is a redirect page, the
//! same as an alias's (`alias.html`), to a page of the site (`@/…`), a
//! path of the site (`documentation/`) or another site (`https://…`).

use serde_json::json;
use tera::{Context, Tera};

use crate::content::Document;
use crate::diagnostics::Diagnostic;
use crate::templates::render_message;
use crate::urls::Urls;

/// The template of redirect pages.
pub const TEMPLATE: &str = "alias.html";

/// The redirect page of `doc`, sending the reader to `target`.
pub fn page(
    tera: &Tera,
    base: &Context,
    doc: &Document,
    target: &str,
    urls: &Urls,
) -> Result<Vec<u8>, Diagnostic> {
    let url = target_url(target, urls)
        .map_err(|why| Diagnostic::new(&doc.file, format!("redirect_to « {target} » : {why}")))?;
    let mut ctx = base.clone();
    ctx.extend(
        Context::from_value(json!({
            "url": url, "title": url,
            "current_path": doc.path, "current_url": urls.permalink(&doc.path),
        }))
        .unwrap_or_default(),
    );
    tera.render(TEMPLATE, &ctx)
        .map(String::into_bytes)
        .map_err(|e| {
            Diagnostic::new(
                &doc.file,
                format!("erreur du gabarit « {TEMPLATE} » : {}", render_message(&e)),
            )
        })
}

/// Where `redirect_to` sends the reader: `@/` links resolved (a missing
/// page is an error), other sites as written, the rest a path of the site
/// (as Zola reads it).
pub fn target_url(target: &str, urls: &Urls) -> Result<String, String> {
    let target = target.trim();
    if target.is_empty() {
        return Err("adresse vide : écrivez par exemple \"@/actualites/_index.md\"".into());
    }
    if target.chars().any(char::is_control) {
        return Err("caractère de contrôle dans l’adresse".into());
    }
    urls.resolve(target).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn targets_resolve_like_links() {
        let urls = Urls::new(
            "https://exemple.invalid",
            HashMap::from([("faq.md".to_string(), "/faq/".to_string())]),
            HashMap::new(),
        );
        let url = |t: &str| target_url(t, &urls);
        assert_eq!(url("@/faq.md").unwrap(), "https://exemple.invalid/faq/");
        assert_eq!(
            url("@/faq.md#prix").unwrap(),
            "https://exemple.invalid/faq/#prix"
        );
        assert_eq!(
            url("docs/guide/").unwrap(),
            "https://exemple.invalid/docs/guide/"
        );
        assert_eq!(url("/docs/").unwrap(), "https://exemple.invalid/docs/");
        assert_eq!(
            url("https://autre.invalid/x").unwrap(),
            "https://autre.invalid/x"
        );
        assert_eq!(
            url("@/absente.md").unwrap_err(),
            "lien cassé : @/absente.md n’existe pas"
        );
        assert!(url("  ").unwrap_err().starts_with("adresse vide"));
    }
}
