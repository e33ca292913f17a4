//! The filters of Tera's `builtins` feature that Zola themes use and that
//! site-gen writes itself (`slugify` with the site's French slugs,
//! `urlencode`, `urlencode_strict`), Zola's `num_format` (in French, the
//! site's one language), `base64_encode` and `base64_decode`, and the
//! functions refused because
//! their output would change from one build to the next or leak the
//! machine's environment (`now`, `get_random`, `get_env`).

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use tera::{Tera, Value};

pub(super) fn register(tera: &mut Tera) {
    tera.register_filter("slugify", |v: &Value, _: &HashMap<String, Value>| {
        let text = v
            .as_str()
            .ok_or_else(|| tera::Error::msg("slugify s’applique à un texte"))?;
        Ok(Value::String(crate::slug::slugify(text)))
    });
    tera.register_filter("urlencode", |v: &Value, _: &HashMap<String, Value>| {
        encode(v, "urlencode", b"/-._~%")
    });
    tera.register_filter(
        "urlencode_strict",
        |v: &Value, _: &HashMap<String, Value>| encode(v, "urlencode_strict", b""),
    );
    tera.register_filter("num_format", num_format);
    tera.register_filter("base64_encode", |v: &Value, _: &HashMap<String, Value>| {
        let text = v
            .as_str()
            .ok_or_else(|| tera::Error::msg("base64_encode s’applique à un texte"))?;
        Ok(Value::String(BASE64.encode(text)))
    });
    tera.register_filter("base64_decode", |v: &Value, _: &HashMap<String, Value>| {
        let text = v
            .as_str()
            .ok_or_else(|| tera::Error::msg("base64_decode s’applique à un texte"))?;
        BASE64
            .decode(text.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .map(Value::String)
            .ok_or_else(|| {
                tera::Error::msg("base64_decode : ce n’est pas le base64 d’un texte UTF-8")
            })
    });
    let refused: [(&str, &str); 3] = [
        (
            "now",
            "now() est refusée : la page changerait à chaque construction (donnez la date dans \
             le front matter ou dans [extra])",
        ),
        (
            "get_random",
            "get_random() est refusée : la page changerait à chaque construction",
        ),
        (
            "get_env",
            "get_env() est refusée : un gabarit ne lit pas l’environnement de la machine (il \
             pourrait publier un secret) ; mettez la valeur dans [extra] de la configuration",
        ),
    ];
    for (name, why) in refused {
        tera.register_function(name, move |_: &HashMap<String, Value>| {
            Err(tera::Error::msg(why))
        });
    }
}

/// `{{ 1234567 | num_format }}`: `1 234 567` (narrow no-break spaces, as
/// every figure of the site); `locale` may only name French.
fn num_format(v: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    match args.get("locale") {
        None => {}
        Some(Value::String(l)) if l.split(['_', '-']).next() == Some("fr") => {}
        Some(other) => {
            return Err(tera::Error::msg(format!(
                "num_format : locale {other} non prise en charge (le site est en français)"
            )))
        }
    }
    let n = v.as_i64().ok_or_else(|| {
        tera::Error::msg(format!(
            "num_format s’applique à un nombre entier, pas à {v}"
        ))
    })?;
    Ok(Value::String(calculator::format::int(n)))
}

/// Percent-encodes every byte of `v` but ASCII letters, digits and `keep`
/// (Tera's two sets: `urlencode` keeps `/-._~%`, `urlencode_strict`
/// nothing else).
fn encode(v: &Value, filter: &str, keep: &[u8]) -> tera::Result<Value> {
    let text = v
        .as_str()
        .ok_or_else(|| tera::Error::msg(format!("{filter} s’applique à un texte")))?;
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str) -> Result<String, String> {
        let mut tera = Tera::default();
        register(&mut tera);
        tera.add_raw_template("t", template).unwrap();
        tera.render("t", &tera::Context::new())
            .map_err(|e| crate::templates::render_message(&e))
    }

    #[test]
    fn filters_of_teras_builtins() {
        assert_eq!(
            render(r#"{{ "Été à l’Amie !" | slugify }}"#).unwrap(),
            "ete-a-l-amie"
        );
        assert_eq!(
            render(r#"{{ "/a b/é?x=1&y" | urlencode }}|{{ "/a b" | urlencode_strict }}"#).unwrap(),
            "/a%20b/%C3%A9%3Fx%3D1%26y|%2Fa%20b"
        );
        assert_eq!(
            render(r#"{{ 1234567 | num_format }}|{{ -1000 | num_format(locale="fr-FR") }}"#)
                .unwrap(),
            "1\u{202f}234\u{202f}567|-1\u{202f}000"
        );
        assert_eq!(
            render(r#"{{ "Amie é" | base64_encode }}|{{ "QW1pZSDDqQ==" | base64_decode }}"#)
                .unwrap(),
            "QW1pZSDDqQ==|Amie é"
        );
        let e = render(r#"{{ "//8=" | base64_decode }}"#).unwrap_err();
        assert!(e.contains("UTF-8"), "{e}");
        let e = render(r#"{{ 1.5 | num_format }}"#).unwrap_err();
        assert!(e.contains("nombre entier"), "{e}");
    }

    #[test]
    fn changing_or_secret_values_are_refused() {
        let e = render("{{ now() }}").unwrap_err();
        assert!(e.contains("à chaque construction"), "{e}");
        let e = render(r#"{{ get_env(name="HOME") }}"#).unwrap_err();
        assert!(e.contains("get_env() est refusée"), "{e}");
    }
}
