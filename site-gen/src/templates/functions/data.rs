//! `load_data(path=…)`: a TOML, JSON, YAML, CSV or text file of the site, for
//! templates, as Zola reads it (`literal=` too); never a download.
//!
//! Only the files the site publishes are read: those `content/` copies
//! (not its `.md` pages) and those of `static/`. Their content is in the
//! key of the URL map (a changed file changes its hash), so every output
//! that read one is rendered again when it changes, and the functions are
//! bound again with an empty cache. Files are read through
//! [`crate::inputs`]: a path leading outside the site is refused.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use crate::inputs::Inputs;
use crate::urls::Urls;

/// The folders searched, in Zola's order.
const FOLDERS: [&str; 2] = ["static", "content"];

/// A data format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Format {
    Toml,
    Json,
    Yaml,
    Csv,
    Plain,
}

impl Format {
    fn named(name: &str) -> Result<Format, String> {
        Ok(match name {
            "toml" => Format::Toml,
            "json" => Format::Json,
            "yaml" | "yml" => Format::Yaml,
            "csv" => Format::Csv,
            "plain" | "txt" => Format::Plain,
            other => {
                return Err(format!(
                    "load_data : format « {other} » non pris en charge (toml, json, yaml, csv ou \
                     plain)"
                ))
            }
        })
    }

    /// From the file's extension, as Zola does: any other is text.
    fn of(file: &str) -> Result<Format, String> {
        let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
        match ext.to_ascii_lowercase().as_str() {
            "toml" => Ok(Format::Toml),
            "json" => Ok(Format::Json),
            "yaml" | "yml" => Ok(Format::Yaml),
            "csv" => Ok(Format::Csv),
            e @ ("xml" | "bib") => Err(format!(
                "load_data : les fichiers .{e} ne sont pas pris en charge (toml, json, yaml, csv \
                 ou texte ; format=\"plain\" pour le lire comme texte)"
            )),
            _ => Ok(Format::Plain),
        }
    }
}

/// What `load_data` reads from, for one compile of the templates.
pub struct DataFiles {
    root: PathBuf,
    urls: Arc<Urls>,
    /// Parsed files by path and format (the cache goes with the compile).
    cache: Mutex<HashMap<(String, Format), Value>>,
}

impl DataFiles {
    pub fn new(root: PathBuf, urls: Arc<Urls>) -> Self {
        DataFiles {
            root,
            urls,
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn load_data(&self, args: &HashMap<String, Value>) -> Result<Value, String> {
        let format = match args.get("format") {
            None => None,
            Some(Value::String(f)) => Some(Format::named(f)?),
            Some(_) => return Err("load_data : format=\"…\" attend un texte".into()),
        };
        if args.contains_key("url") {
            return Err(
                "load_data : url=… n’est pas pris en charge, la construction ne \
                        télécharge rien : enregistrez le fichier dans content/ ou static/ et \
                        donnez son chemin (path=\"…\")"
                    .into(),
            );
        }
        if let Some(literal) = args.get("literal") {
            let text = literal
                .as_str()
                .ok_or("load_data : literal=\"…\" attend un texte")?;
            return parse(text, format.unwrap_or(Format::Plain), "literal");
        }
        let path =
            match args.get("path") {
                Some(Value::String(p)) => p.as_str(),
                _ => return Err(
                    "load_data attend un argument path=\"…\" (un fichier de content/ ou static/)"
                        .into(),
                ),
            };
        let required = match args.get("required") {
            None => true,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err("load_data : required attend true ou false".into()),
        };
        let Some((file, text)) = self.find(path)? else {
            if required {
                return Err(format!(
                    "load_data : fichier « {path} » introuvable (cherché dans static/ puis \
                     content/ ; required=false donne une valeur vide)"
                ));
            }
            return Ok(Value::Null);
        };
        let format = match format {
            Some(f) => f,
            None => Format::of(&file)?,
        };
        let key = (file.clone(), format);
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache.get(&key) {
            return Ok(v.clone());
        }
        let value = parse(&text, format, &file)?;
        cache.insert(key, value.clone());
        Ok(value)
    }

    /// The file `path` names (as shown: `content/donnees/x.toml`) and its
    /// text; `None` when there is none.
    fn find(&self, path: &str) -> Result<Option<(String, String)>, String> {
        let rel = match path.strip_prefix("@/") {
            Some(rest) => format!("content/{rest}"),
            None => path.trim_start_matches('/').to_string(),
        };
        if rel.is_empty() || rel.split(['/', '\\']).any(|part| part == "..") || rel.contains('\\') {
            return Err(format!(
                "load_data : chemin « {path} » refusé (un chemin dans le site, sans .. ni \\)"
            ));
        }
        let inputs = Inputs::new(&self.root);
        // `content/x`, `static/x` as written; else `x` in each folder.
        let written = FOLDERS
            .iter()
            .find(|f| rel.strip_prefix(**f).is_some_and(|r| r.starts_with('/')))
            .map(|_| rel.clone());
        let candidates: Vec<String> = match written {
            Some(w) => vec![w],
            None => FOLDERS.iter().map(|f| format!("{f}/{rel}")).collect(),
        };
        for file in candidates {
            let text = match inputs.read_to_string(&self.root.join(&file)) {
                Ok(Some(text)) => text,
                Ok(None) => continue,
                Err(e) => return Err(format!("load_data : {e}")),
            };
            if !self.published(&file) {
                return Err(format!(
                    "load_data : {file} n’est pas un fichier publié du site (une page .md, ou un \
                     fichier écarté par ignore) : load_data ne lit que les fichiers que content/ \
                     copie et ceux de static/"
                ));
            }
            return Ok(Some((file, text)));
        }
        Ok(None)
    }

    /// Whether `file` (`content/…` or `static/…`) is published, so that
    /// its content is in the key of every output.
    fn published(&self, file: &str) -> bool {
        if let Some(rel) = file.strip_prefix("content/") {
            !rel.ends_with(".md") && self.urls.content(rel).is_some()
        } else if let Some(rel) = file.strip_prefix("static/") {
            self.urls.asset(rel).is_ok()
        } else {
            false
        }
    }
}

/// `text` read as `format`; problems name `file` and their line.
fn parse(text: &str, format: Format, file: &str) -> Result<Value, String> {
    match format {
        Format::Plain => Ok(Value::String(text.to_string())),
        Format::Json => serde_json::from_str(text).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Eof => "fin du fichier inattendue",
                _ => "JSON invalide",
            };
            format!(
                "load_data : {file}, ligne {}, colonne {} : {what}",
                e.line(),
                e.column()
            )
        }),
        Format::Toml => match text.parse::<toml::Table>() {
            Ok(table) => Ok(toml_to_json(toml::Value::Table(table))),
            Err(e) => {
                let line = e
                    .span()
                    .map(|s| crate::diagnostics::line_col(text, s.start).0);
                let message = calculator::data::toml_message(text, &e);
                Err(match line {
                    Some(l) => format!("load_data : {file}, ligne {l} : {message}"),
                    None => format!("load_data : {file} : {message}"),
                })
            }
        },
        Format::Yaml => {
            // Aliases are bounded by the parser's budget (no « billion
            // laughs »); errors without an excerpt: the line is given.
            let options = serde_saphyr::options! { with_snippet: false };
            serde_saphyr::from_str_with_options::<Value>(text, options).map_err(|e| {
                match e.location().filter(|l| l.line() > 0) {
                    Some(l) => format!("load_data : {file}, ligne {} : YAML invalide", l.line()),
                    None => format!("load_data : {file} : YAML invalide"),
                }
            })
        }
        Format::Csv => {
            csv(text).map_err(|(line, why)| format!("load_data : {file}, ligne {line} : {why}"))
        }
    }
}

/// TOML as JSON; dates as their text (as Zola gives them).
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect::<Map<String, Value>>(),
        ),
    }
}

/// CSV as Zola gives it: `{ headers: [...], records: [[...], ...] }`, every
/// field a text; fields between `"` may hold commas, line breaks and `""`;
/// unquoted fields are trimmed. Every record has as many fields as the
/// headers. Errors: (line, why).
fn csv(text: &str) -> Result<Value, (usize, String)> {
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    let end_field = |field: &mut String, was_quoted: &mut bool, row: &mut Vec<String>| {
        let f = std::mem::take(field);
        row.push(if *was_quoted { f } else { f.trim().to_string() });
        *was_quoted = false;
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            ',' => end_field(&mut field, &mut was_quoted, &mut row),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                end_field(&mut field, &mut was_quoted, &mut row);
                let done = std::mem::take(&mut row);
                // Blank lines are skipped, as the csv crate does.
                if !(done.len() == 1 && done[0].is_empty()) {
                    rows.push((row_line, done));
                }
                line += 1;
                row_line = line;
            }
            c if was_quoted && !c.is_whitespace() => {
                return Err((line, "texte après le guillemet fermant d’un champ".into()));
            }
            c => field.push(c),
        }
    }
    if quoted {
        return Err((row_line, "guillemet ouvert jamais fermé".into()));
    }
    if !field.is_empty() || was_quoted || !row.is_empty() {
        end_field(&mut field, &mut was_quoted, &mut row);
        rows.push((row_line, row));
    }
    let mut rows = rows.into_iter();
    let headers = rows.next().map(|(_, h)| h).unwrap_or_default();
    let mut records = Vec::new();
    for (at, record) in rows {
        if record.len() != headers.len() {
            return Err((
                at,
                format!(
                    "{} champs au lieu de {} (ceux de la première ligne)",
                    record.len(),
                    headers.len()
                ),
            ));
        }
        records.push(Value::from(record));
    }
    let mut m = Map::new();
    m.insert("headers".into(), Value::from(headers));
    m.insert("records".into(), Value::Array(records));
    Ok(Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn write(root: &Path, file: &str, text: &str) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn yaml_as_zola_reads_it() {
        assert_eq!(
            parse("gens:\n  - nom: Léa\n    age: 3\n", Format::Yaml, "a.yaml").unwrap(),
            json!({"gens": [{"nom": "Léa", "age": 3}]})
        );
        assert_eq!(
            parse("a: 1\nb: [\n", Format::Yaml, "content/a.yaml").unwrap_err(),
            "load_data : content/a.yaml, ligne 2 : YAML invalide"
        );
        assert_eq!(Format::of("x.yml"), Ok(Format::Yaml));
    }

    #[test]
    fn csv_has_headers_and_records() {
        let v = csv("Numéro, Titre\n1,\"Un, deux\"\r\n\n2,\"dit \"\"oui\"\"\nsur deux lignes\"\n")
            .unwrap();
        assert_eq!(
            v,
            json!({
                "headers": ["Numéro", "Titre"],
                "records": [["1", "Un, deux"], ["2", "dit \"oui\"\nsur deux lignes"]],
            })
        );
        assert_eq!(csv("a,b\n1,2").unwrap()["records"], json!([["1", "2"]]));
        assert_eq!(
            csv("a,b\n1,2\n3\n").unwrap_err(),
            (
                3,
                "1 champs au lieu de 2 (ceux de la première ligne)".into()
            )
        );
        assert_eq!(csv("a\n\"ouvert\n").unwrap_err().0, 2);
    }

    fn files(root: &Path) -> DataFiles {
        let mut published = HashMap::new();
        published.insert("donnees/a.toml".to_string(), "donnees/a.toml".to_string());
        published.insert(
            "donnees/casse.json".to_string(),
            "donnees/casse.json".to_string(),
        );
        let mut hashes = HashMap::new();
        hashes.insert("liste.csv".to_string(), "abc".to_string());
        let urls = Urls::new("https://exemple.org", HashMap::new(), hashes).with_files(published);
        DataFiles::new(root.to_path_buf(), Arc::new(urls))
    }

    fn call(d: &DataFiles, pairs: &[(&str, Value)]) -> Result<Value, String> {
        let args = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        d.load_data(&args)
    }

    #[test]
    fn reads_published_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "content/donnees/a.toml",
            "[[gens]]\nnom = \"Léa\"\nle = 2024-01-02\n",
        );
        write(
            root,
            "content/donnees/casse.json",
            "{\"a\": 1,\n \"b\": }\n",
        );
        write(root, "content/page.md", "+++\n+++\n");
        write(root, "static/liste.csv", "a,b\n1,2\n");
        write(root, "secret.toml", "x = 1\n");
        let d = files(root);
        let toml = json!({"gens": [{"nom": "Léa", "le": "2024-01-02"}]});
        for path in [
            "donnees/a.toml",
            "@/donnees/a.toml",
            "content/donnees/a.toml",
        ] {
            assert_eq!(call(&d, &[("path", json!(path))]).unwrap(), toml, "{path}");
        }
        assert_eq!(
            call(&d, &[("path", json!("liste.csv"))]).unwrap()["records"],
            json!([["1", "2"]])
        );
        assert_eq!(
            call(
                &d,
                &[("path", json!("liste.csv")), ("format", json!("plain"))]
            )
            .unwrap(),
            json!("a,b\n1,2\n")
        );
        let e = call(&d, &[("path", json!("donnees/casse.json"))]).unwrap_err();
        assert_eq!(
            e,
            "load_data : content/donnees/casse.json, ligne 2, colonne 7 : JSON invalide"
        );
        let e = call(&d, &[("path", json!("secret.toml"))]).unwrap_err();
        assert!(e.contains("« secret.toml » introuvable"), "{e}");
        let e = call(&d, &[("path", json!("page.md"))]).unwrap_err();
        assert!(
            e.contains("content/page.md n’est pas un fichier publié"),
            "{e}"
        );
        let e = call(&d, &[("path", json!("../secret.toml"))]).unwrap_err();
        assert!(e.contains("refusé"), "{e}");
        assert_eq!(
            call(
                &d,
                &[("path", json!("absent.json")), ("required", json!(false))]
            )
            .unwrap(),
            Value::Null
        );
        let e = call(&d, &[("url", json!("https://exemple.org/x.json"))]).unwrap_err();
        assert!(e.contains("ne télécharge rien"), "{e}");
        assert_eq!(
            call(
                &d,
                &[("literal", json!("{\"n\": 1}")), ("format", json!("json"))]
            )
            .unwrap(),
            json!({"n": 1})
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_site_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "a.toml", "secret = 1\n");
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/donnees")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("a.toml"),
            dir.path().join("content/donnees/a.toml"),
        )
        .unwrap();
        let e = call(&files(dir.path()), &[("path", json!("donnees/a.toml"))]).unwrap_err();
        assert!(e.contains("l’extérieur du dossier du site"), "{e}");
        assert!(!e.contains("secret"), "{e}");
    }
}
