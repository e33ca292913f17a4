//! Tera's syntax errors in French. Its parser says what it expected as a
//! list of descriptions (`expected a filter, or a variable end (`}}`)`);
//! the descriptions a theme author meets are translated, the others kept
//! as Tera words them.

/// Tera's descriptions of what may come next, and their French.
const WORDS: &[(&str, &str)] = &[
    ("a variable end (`}}`)", "la fin de la variable (`}}`)"),
    ("a variable start (`{{`)", "le début d’une variable (`{{`)"),
    ("a comment end (`#}`)", "la fin du commentaire (`#}`)"),
    ("`%}` or `-%}`", "`%}` ou `-%}`"),
    ("`true` or `false`", "`true` ou `false`"),
    ("a filter", "un filtre"),
    ("a test", "un test"),
    (
        "an identifier (must start with a-z)",
        "un nom (commençant par a-z)",
    ),
    (
        "a square bracketed identifier (identifiers separated by `.` or `[]`s)",
        "un nom avec des `.` ou des `[]`",
    ),
    (
        "a dotted identifier (identifiers separated by `.`)",
        "un nom avec des `.`",
    ),
    ("an expression", "une expression"),
    ("a value", "une valeur"),
    ("an integer", "un nombre entier"),
    ("a float", "un nombre décimal"),
    ("a string", "un texte entre guillemets"),
    ("an array of strings", "une liste de textes"),
    (
        "a string or an array of strings",
        "un texte ou une liste de textes",
    ),
    ("tag", "une balise `{% … %}`"),
    ("some content", "du contenu"),
    ("some text", "du texte"),
    ("a template", "un gabarit"),
    ("end of input", "la fin du fichier"),
    ("an `if` tag", "un `{% if %}`"),
    ("an `elif` tag", "un `{% elif %}`"),
    ("an `else` tag", "un `{% else %}`"),
    ("an endif tag (`{% endif %}`)", "`{% endif %}`"),
    ("an endfor tag (`{% endfor %}`)", "`{% endfor %}`"),
    ("an endfilter tag (`{% endfilter %}`)", "`{% endfilter %}`"),
    ("a function call", "un appel de fonction"),
    ("a macro function call", "un appel de macro"),
    ("a mathematical operator", "un opérateur de calcul"),
    ("a comparison operator", "un opérateur de comparaison"),
];

/// The French message of a Tera template error (`chain`: the error and its
/// causes). A parser error becomes `erreur de syntaxe : attendu …`; other
/// errors (a block defined twice…) are kept, after a French prefix.
pub(super) fn message(chain: &str) -> String {
    // Pest's report ends with `  = expected …` (or `unexpected …`).
    let Some((_, detail)) = chain.rsplit_once("\n  = ") else {
        return other_error(chain.trim());
    };
    let detail = detail.lines().next().unwrap_or("").trim();
    let parts: Vec<String> = detail
        .split("; ")
        .map(|part| {
            if let Some(list) = part.strip_prefix("expected ") {
                format!("attendu {}", list_in_french(list))
            } else if let Some(list) = part.strip_prefix("unexpected ") {
                format!("inattendu : {}", list_in_french(list))
            } else {
                part.to_string()
            }
        })
        .collect();
    format!("erreur de syntaxe : {}", parts.join(" ; "))
}

/// Tera's own checks after parsing, in French when known.
fn other_error(text: &str) -> String {
    let named = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix("` is duplicated"))
            .map(str::to_string)
    };
    if let Some(name) = named("Block `") {
        return format!("bloc « {name} » défini deux fois");
    }
    if let Some(name) = named("Macro `") {
        return format!("macro « {name} » définie deux fois");
    }
    format!("gabarit invalide : {text}")
}

/// Pest's list (`A, B, or C`, `A or B`) with each known item translated.
fn list_in_french(list: &str) -> String {
    let mut out = String::with_capacity(list.len());
    let mut rest = list;
    while !rest.is_empty() {
        // The longest known item here that ends where an item ends.
        let item = WORDS
            .iter()
            .filter(|(en, _)| {
                rest.strip_prefix(en).is_some_and(|after| {
                    after.is_empty() || after.starts_with(", ") || after.starts_with(" or ")
                })
            })
            .max_by_key(|(en, _)| en.len());
        let after = match item {
            Some((en, fr)) => {
                out.push_str(fr);
                &rest[en.len()..]
            }
            None => {
                // An item we do not know: up to the next separator.
                let end = [", ", " or "]
                    .iter()
                    .filter_map(|sep| rest.find(sep))
                    .min()
                    .unwrap_or(rest.len());
                out.push_str(&rest[..end]);
                &rest[end..]
            }
        };
        rest = if let Some(r) = after.strip_prefix(", or ") {
            out.push_str(" ou ");
            r
        } else if let Some(r) = after.strip_prefix(" or ") {
            out.push_str(" ou ");
            r
        } else if let Some(r) = after.strip_prefix(", ") {
            out.push_str(", ");
            r
        } else {
            after
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> String {
        let e = tera::Template::new("t.html", None, text).unwrap_err();
        message(&super::super::error_chain(&e))
    }

    #[test]
    fn parser_errors_say_what_was_expected_in_french() {
        assert_eq!(
            of("<p>\n{{ page.title }\n</p>\n"),
            "erreur de syntaxe : attendu `or`, `and`, `not`, `<=`, `>=`, `<`, `>`, `==`, `!=`, \
             `+`, `-`, `*`, `/`, `%`, un filtre ou la fin de la variable (`}}`)"
        );
        assert_eq!(
            of("{% if a %}x"),
            "erreur de syntaxe : attendu une balise `{% … %}` ou du contenu"
        );
        assert_eq!(
            of("{{ 1 + }}"),
            "erreur de syntaxe : attendu un nombre entier, un nombre décimal, `true` ou `false`, \
             un nom (commençant par a-z), un nom avec des `.` ou des `[]` ou une expression"
        );
        assert_eq!(
            of("{% include %}"),
            "erreur de syntaxe : attendu un texte ou une liste de textes"
        );
    }

    #[test]
    fn other_errors_keep_their_words() {
        assert_eq!(
            of("{% block a %}{% endblock a %}{% block a %}{% endblock a %}"),
            "bloc « a » défini deux fois"
        );
        assert_eq!(
            of("{% macro m() %}{% endmacro m %}{% macro m() %}{% endmacro m %}"),
            "macro « m » définie deux fois"
        );
        // An unknown description is kept as it is, separators in French.
        assert_eq!(
            list_in_french("a thing, another, or a filter"),
            "a thing, another ou un filtre"
        );
    }
}
