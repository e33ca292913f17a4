//! Zola's `config.toml`, read as the site's configuration when there is no
//! `site.toml`: the keys that mean the same thing here are taken (some
//! under site-gen's name), the others named in one warning. `theme` is
//! one of those: a Zola theme's templates are Zola's, so the site is built
//! with the built-in theme (its own `templates/` still override it).

use std::path::Path;

use serde::Deserialize;
use toml::{Table, Value};

use super::{toml_diagnostic, Config, Taxonomy};
use crate::diagnostics::{line_col, Diagnostic, Diagnostics};

/// Zola's key and the key of `site.toml` it becomes, same meaning.
const RENAMED: &[(&str, &str)] = &[
    ("base_url", "base_url"),
    ("title", "title"),
    ("description", "description"),
    ("default_language", "language"),
    ("author", "author"),
    ("generate_feeds", "generate_feed"),
    // Zola before 0.19.
    ("generate_feed", "generate_feed"),
    ("feed_limit", "feed_limit"),
];

/// Zola's keys whose value here is what site-gen always does: taken
/// silently with that value, named in the warning with another.
const ALWAYS: &[(&str, bool)] = &[
    ("compile_sass", false),
    ("minify_html", false),
    ("build_search_index", false),
    ("generate_sitemap", true),
    ("generate_robots_txt", true),
];

/// The same under `[markdown]`: pulldown-cmark's smart punctuation is
/// always on.
const MARKDOWN_ALWAYS: &[(&str, bool)] = &[("smart_punctuation", true)];

/// Zola's configuration text (`file` names it in messages) as the site's
/// configuration; every key it does not take is named in one warning
/// ([`Config::warnings`]).
pub fn parse(text: &str, file: &Path) -> Result<Config, Diagnostics> {
    let doc = toml::de::DeTable::parse(text).map_err(|e| toml_diagnostic(file, text, &e))?;
    // Where each top-level key is written, for the messages.
    let starts: Vec<(String, usize)> = doc
        .get_ref()
        .iter()
        .map(|(k, _)| (k.get_ref().to_string(), k.span().start))
        .collect();
    let at = |key: &str, message: String| {
        let d = Diagnostic::new(file, message);
        match starts.iter().find(|(k, _)| k == key) {
            Some((_, start)) => {
                let (line, col) = line_col(text, *start);
                d.at(line, col)
            }
            None => d,
        }
    };
    let zola: Table = toml::from_str(text).map_err(|e| toml_diagnostic(file, text, &e))?;
    let mut site = Table::new();
    let mut left: Vec<String> = Vec::new();
    let mut problems = Diagnostics::default();
    for (key, value) in zola {
        if let Some((_, ours)) = RENAMED.iter().find(|(k, _)| *k == key) {
            match wrong_type(ours, &value) {
                Some(expected) => problems.push(at(&key, format!("{key} doit être {expected}"))),
                None => {
                    site.insert((*ours).to_string(), value);
                }
            }
        } else if let Some((_, same)) = ALWAYS.iter().find(|(k, _)| *k == key) {
            if value.as_bool() != Some(*same) {
                left.push(key);
            }
        } else {
            match key.as_str() {
                "extra" => {
                    site.insert(key, value);
                }
                "taxonomies" => match taxonomies(value, &mut left) {
                    Ok(list) => {
                        site.insert(key, list);
                    }
                    Err(message) => problems.push(at("taxonomies", message)),
                },
                "ignored_content" | "ignored_static" => match value {
                    Value::Array(globs) => {
                        let ignore = site
                            .entry("ignore")
                            .or_insert_with(|| Value::Array(Vec::new()));
                        if let Value::Array(all) = ignore {
                            all.extend(globs);
                        }
                    }
                    _ => problems.push(at(
                        &key,
                        format!("{key} doit être une liste de motifs, par exemple [\"*.psd\"]"),
                    )),
                },
                "markdown" => match value {
                    Value::Table(markdown) => {
                        for (k, v) in markdown {
                            let same = MARKDOWN_ALWAYS.iter().find(|(m, _)| *m == k);
                            if same.is_none_or(|(_, same)| v.as_bool() != Some(*same)) {
                                left.push(format!("markdown.{k}"));
                            }
                        }
                    }
                    _ => left.push(key),
                },
                _ => left.push(key),
            }
        }
    }
    problems.into_result()?;
    // The values left to check are those of `taxonomies` (the others are
    // free, lists of text, or checked above).
    let mut config = Config::deserialize(Value::Table(site)).map_err(|e| {
        at(
            "taxonomies",
            format!("taxonomies : {}", calculator::data::toml_message("", &e)),
        )
    })?;
    if let Err((i, _)) = crate::junk::Junk::new(&config.ignore) {
        let glob = config.ignore.get(i).map_or("", String::as_str);
        let key = if zola_has_glob(text, "ignored_content", glob) {
            "ignored_content"
        } else {
            "ignored_static"
        };
        return Err(at(
            key,
            format!("motif « {glob} » de {key} invalide : écrivez par exemple \"*.psd\""),
        )
        .into());
    }
    config.validate(file).map_err(|d| {
        // The message starts with the key it is about (site-gen's name).
        let key = RENAMED
            .iter()
            .find(|(_, ours)| d.message.starts_with(ours))
            .map(|(zola, _)| *zola);
        match key {
            Some(key) => at(key, d.message),
            None => d,
        }
    })?;
    config.from_zola = true;
    if !left.is_empty() {
        let names: Vec<String> = left.iter().map(|k| format!("« {k} »")).collect();
        config.warnings.push(Diagnostic::new(
            file,
            format!(
                "configuration de Zola : {} pas encore pris en charge par site-gen, sans effet : {}",
                if left.len() > 1 {
                    format!("{} réglages", left.len())
                } else {
                    "un réglage".to_string()
                },
                names.join(", ")
            ),
        ));
    }
    Ok(config)
}

/// Whether `config.toml`'s list `key` holds `glob` (to say which list an
/// invalid pattern is in).
fn zola_has_glob(text: &str, key: &str, glob: &str) -> bool {
    let Ok(zola) = toml::from_str::<Table>(text) else {
        return false;
    };
    zola.get(key)
        .and_then(Value::as_array)
        .is_some_and(|globs| globs.iter().any(|g| g.as_str() == Some(glob)))
}

/// What `value` of site-gen's key `ours` should have been, if it is not.
fn wrong_type(ours: &str, value: &Value) -> Option<&'static str> {
    match ours {
        "generate_feed" => (!value.is_bool()).then_some("true ou false"),
        "feed_limit" => value
            .as_integer()
            .is_none_or(|n| n <= 0)
            .then_some("un nombre entier positif, par exemple 20"),
        _ => (!value.is_str()).then_some("un texte entre guillemets"),
    }
}

/// Zola's `taxonomies = [{ name = "tags", feed = true }, …]` with the keys
/// site-gen knows; the others go to `left` (`taxonomies.lang`).
fn taxonomies(value: Value, left: &mut Vec<String>) -> Result<Value, String> {
    let wrong = || {
        "taxonomies doit être une liste de tables, par exemple \
         taxonomies = [{ name = \"tags\", feed = true }]"
            .to_string()
    };
    let Value::Array(items) = value else {
        return Err(wrong());
    };
    let known = calculator::data::fields::<Taxonomy>();
    let mut list = Vec::new();
    for item in items {
        let Value::Table(table) = item else {
            return Err(wrong());
        };
        let mut ours = Table::new();
        for (k, v) in table {
            if known.contains(&k.as_str()) {
                ours.insert(k, v);
            } else {
                let name = format!("taxonomies.{k}");
                if !left.contains(&name) {
                    left.push(name);
                }
            }
        }
        list.push(Value::Table(ours));
    }
    Ok(Value::Array(list))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "config.toml";

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        super::parse(text, Path::new(FILE))
    }

    #[test]
    fn zola_keys_map_to_the_site_config() {
        let text = "base_url = \"https://exemple.invalid\"\ntitle = \"Essai\"\n\
                    description = \"Un site\"\ndefault_language = \"fr\"\n\
                    generate_feeds = false\nfeed_limit = 5\ncompile_sass = false\n\
                    ignored_content = [\"*.psd\"]\n\
                    taxonomies = [{ name = \"tags\", feed = true, paginate_by = 3 }]\n\
                    [markdown]\nsmart_punctuation = true\n[extra]\ncouleur = \"bleu\"\n";
        let c = parse(text).unwrap();
        assert_eq!(c.base_url, "https://exemple.invalid");
        assert_eq!(c.title, "Essai");
        assert_eq!(c.description, "Un site");
        assert_eq!(c.language, "fr");
        assert!(!c.generate_feed);
        assert_eq!(c.feed_limit, 5);
        assert_eq!(c.ignore, ["*.psd"]);
        assert_eq!(c.taxonomies[0].name, "tags");
        assert!(c.taxonomies[0].feed);
        assert_eq!(c.taxonomies[0].paginate_by, Some(3));
        assert_eq!(c.extra["couleur"].as_str(), Some("bleu"));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert_eq!(c.file(), "config.toml");
        // Zola before 0.19.
        assert!(!parse("generate_feed = false").unwrap().generate_feed);
    }

    #[test]
    fn every_other_key_is_named_in_one_warning() {
        let text = "title = \"Essai\"\nbuild_search_index = true\noutput_dir = \"dist\"\n\
                    taxonomies = [{ name = \"tags\", lang = \"fr\" }]\n\
                    theme = \"tabi\"\n\
                    [markdown]\nhighlight_code = true\nsmart_punctuation = true\n\
                    [link_checker]\nskip_prefixes = []\n";
        let c = parse(text).unwrap();
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        assert_eq!(
            c.warnings[0].to_string(),
            "config.toml: configuration de Zola : 6 réglages pas encore pris en charge par \
             site-gen, sans effet : « build_search_index », « link_checker », \
             « markdown.highlight_code », « output_dir », « taxonomies.lang », « theme »"
        );
        assert_eq!(c.theme, None, "built with the built-in theme");
    }

    #[test]
    fn errors_name_config_toml_and_the_line() {
        let e = &parse("title = \"Essai\"\nbase_url = \"exemple.invalid\"\n")
            .unwrap_err()
            .0[0];
        assert_eq!(e.file, Path::new(FILE));
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.starts_with("base_url doit commencer"), "{e}");
        let e = &parse("title = \"Essai\"\nfeed_limit = \"dix\"\n")
            .unwrap_err()
            .0[0];
        assert_eq!(
            (e.file.as_path(), e.line),
            (Path::new(FILE), Some(2)),
            "{e}"
        );
        assert!(e.message.contains("nombre entier"), "{e}");
        let e = &parse("title = \"Essai\"\ntitle = \"x\"\n").unwrap_err().0[0];
        assert_eq!(
            (e.file.as_path(), e.line),
            (Path::new(FILE), Some(2)),
            "{e}"
        );
        let e = &parse("title = \"Essai\"\nignored_static = [\"img/[ab\"]\n")
            .unwrap_err()
            .0[0];
        assert_eq!(e.line, Some(2), "{e}");
        assert!(
            e.message
                .starts_with("motif « img/[ab » de ignored_static invalide"),
            "{e}"
        );
        let e = &parse("\n\ntaxonomies = \"tags\"\n").unwrap_err().0[0];
        assert_eq!(e.line, Some(3), "{e}");
        assert!(
            e.message.starts_with("taxonomies doit être une liste"),
            "{e}"
        );
    }
}
