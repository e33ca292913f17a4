//! Tera's errors while rendering, in French: the causes a theme author
//! meets (an unknown variable, filter, function or template, a failed
//! call) are worded again; any other keeps Tera's words.

use tera::ErrorKind;

/// Every cause of `error`, each in French when known, joined with ` : `.
/// Tera's outer « Failed to render 'x' » is left out: the message names
/// the template already.
pub fn render_message(error: &tera::Error) -> String {
    let mut parts = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = next {
        let text = match e.downcast_ref::<tera::Error>() {
            Some(t) => in_french(t),
            None => Some(e.to_string().trim().to_string()),
        };
        parts.extend(text);
        next = e.source();
    }
    parts.join(" : ")
}

fn in_french(e: &tera::Error) -> Option<String> {
    Some(match &e.kind {
        // `{% include %}` names the templates it tried as a list: `[a.html]`.
        ErrorKind::TemplateNotFound(name) => format!(
            "gabarit « {} » introuvable",
            name.trim_start_matches('[').trim_end_matches(']')
        ),
        ErrorKind::FilterNotFound(name) => format!("filtre « {name} » inconnu"),
        ErrorKind::TestNotFound(name) => format!("test « {name} » inconnu"),
        ErrorKind::FunctionNotFound(name) => format!("fonction « {name} » inconnue"),
        ErrorKind::CallFunction(name) => format!("la fonction « {name} » a échoué"),
        ErrorKind::CallFilter(name) => format!("le filtre « {name} » a échoué"),
        ErrorKind::CallTest(name) => format!("le test « {name} » a échoué"),
        ErrorKind::Msg(text) => return message(text),
        _ => e.to_string(),
    })
}

/// Tera's free-text messages; `None` for the one that adds nothing.
fn message(text: &str) -> Option<String> {
    if text.starts_with("Failed to render '") {
        return None;
    }
    let quoted = |prefix: &str| text.strip_prefix(prefix)?.split_once('`');
    if let Some((name, rest)) = quoted("Variable `") {
        if rest.starts_with(" not found in context") {
            return Some(format!(
                "la variable « {name} » n’existe pas (ou n’est pas définie pour cette page)"
            ));
        }
    }
    Some(text.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn render_error(template: &str) -> String {
        let mut tera = tera::Tera::default();
        tera.add_raw_template("page.html", template).unwrap();
        let e = tera
            .render("page.html", &tera::Context::new())
            .expect_err("the template cannot render");
        render_message(&e)
    }

    #[test]
    fn the_usual_mistakes_are_worded_in_french() {
        assert_eq!(
            render_error("{{ page.titre }}"),
            "la variable « page.titre » n’existe pas (ou n’est pas définie pour cette page)"
        );
        assert_eq!(
            render_error("{{ 1 | inconnu }}"),
            "filtre « inconnu » inconnu"
        );
        assert_eq!(
            render_error("{{ nulle_part() }}"),
            "fonction « nulle_part » inconnue"
        );
        assert_eq!(
            render_error("{% include \"absent.html\" %}"),
            "gabarit « absent.html » introuvable"
        );
    }

    #[test]
    fn a_failed_call_keeps_its_own_reason() {
        let mut tera = tera::Tera::default();
        tera.register_function("get_url", |_: &HashMap<String, tera::Value>| {
            Err(tera::Error::msg("la page « @/x.md » n’existe pas"))
        });
        tera.add_raw_template("page.html", "{{ get_url() }}")
            .unwrap();
        let e = tera.render("page.html", &tera::Context::new()).unwrap_err();
        assert_eq!(
            render_message(&e),
            "la fonction « get_url » a échoué : la page « @/x.md » n’existe pas"
        );
    }
}
