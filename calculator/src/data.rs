//! Reading the data file `content/tarifs.toml` (feature `data`, native only).
//!
//! Keys are French, for the maintainer; amounts are in euros and days in
//! days, integers or decimals with at most two digits after the point
//! (`0.5`, `0.25`). Unknown keys are errors (typos must not go unnoticed).
//! Every error names the file and, where known, the line and the key.

use core::fmt;
use std::ops::Range;
use std::path::Path;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use toml::Spanned;

use crate::model::{Coef, Field, Model, Params, Service, ServiceCoefs};

/// An error in the data file, in French, with file, line and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    /// The file, as given to [`load`] or [`parse`].
    pub path: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// The full key (`poste.parts`), when known.
    pub key: Option<String>,
    /// What is wrong, in French (includes the key when known).
    pub message: String,
    /// The other problems found with this one, in the order of the file
    /// (every unknown key is reported at once).
    pub also: Box<[DataError]>,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ", ligne {line}")?;
        }
        write!(f, "\u{202f}: {}", self.message)?;
        for other in self.also.iter() {
            write!(f, "\n{other}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DataError {}

/// A number as written in TOML: integer or decimal.
#[derive(Clone, Copy, Debug)]
enum Num {
    Int(i64),
    Float(f64),
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("un nombre (par exemple 20000 ou 0.5)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                i64::try_from(v)
                    .map(Num::Int)
                    .map_err(|_| E::custom("nombre trop grand"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num::Float(v))
            }
        }
        d.deserialize_any(V)
    }
}

type N = Spanned<Num>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    tarif: Tarif,
    poste: Poste,
    estimation: Estimation,
    services: Services,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Tarif {
    #[serde(default)]
    reference: Option<Spanned<Reference>>,
}

/// The tariff's reference as written: text (`"2026-a"`) or a year (`2026`).
struct Reference(String);

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Reference;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("un texte entre guillemets ou une année (par exemple \"2026\")")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Reference, E> {
                Ok(Reference(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Reference, E> {
                Ok(Reference(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Reference, E> {
                Ok(Reference(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Longest tariff reference, in characters (it is printed on one line).
const MAX_REFERENCE: usize = 40;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Poste {
    parts: N,
    salaires_par_an: N,
    frais_de_fonctionnement_par_an: N,
    jours_par_mois: N,
    mois_travailles_par_an: N,
    jours_mutualises_par_an: N,
    heures_par_jour: N,
    #[serde(default)]
    parts_souscrites: Option<N>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Estimation {
    jours_de_rattrapage: N,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Services {
    assistance: Coefs,
    formations: Coefs,
    hebergement: Coefs,
    maintenance: Coefs,
    sauvegardes: Coefs,
    restaurations: Coefs,
    services_web: Coefs,
    supervision: Coefs,
    travail_collaboratif: Coefs,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Coefs {
    #[serde(default)]
    jours_par_an: Option<N>,
    #[serde(default)]
    jours_par_poste: Option<N>,
    #[serde(default)]
    jours_par_serveur: Option<N>,
    #[serde(default)]
    jours_par_personne: Option<N>,
    #[serde(default)]
    jours_de_mise_en_place: Option<N>,
}

impl Coefs {
    fn get(&self, c: Coef) -> Option<&N> {
        match c {
            Coef::PerYear => self.jours_par_an.as_ref(),
            Coef::PerPoste => self.jours_par_poste.as_ref(),
            Coef::PerServeur => self.jours_par_serveur.as_ref(),
            Coef::PerPersonne => self.jours_par_personne.as_ref(),
        }
    }
}

impl Services {
    fn get(&self, s: Service) -> &Coefs {
        match s {
            Service::Assistance => &self.assistance,
            Service::Formations => &self.formations,
            Service::Hebergement => &self.hebergement,
            Service::Maintenance => &self.maintenance,
            Service::Sauvegardes => &self.sauvegardes,
            Service::Restaurations => &self.restaurations,
            Service::ServicesWeb => &self.services_web,
            Service::Supervision => &self.supervision,
            Service::TravailCollaboratif => &self.travail_collaboratif,
        }
    }
}

struct Ctx<'a> {
    text: &'a str,
    path: &'a str,
    spans: Vec<(Field, Range<usize>)>,
}

impl Ctx<'_> {
    fn error(&self, span: Option<Range<usize>>, key: Option<String>, message: String) -> DataError {
        let (line, column) = match span {
            Some(r) => {
                let start = r.start.min(self.text.len());
                let before = self.text.get(..start).unwrap_or("");
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (Some(line), Some(col))
            }
            None => (None, None),
        };
        DataError {
            path: self.path.to_string(),
            line,
            column,
            key,
            message,
            also: Box::default(),
        }
    }

    /// A TOML or serde error, in French with its hint, naming the key of
    /// a value that is wrong.
    fn toml_error(&self, e: &toml::de::Error) -> DataError {
        let span = e.span();
        let message = toml_message(self.text, e);
        let key = span
            .as_ref()
            .filter(|_| !is_about_a_key(e.message()))
            .and_then(|r| key_at(self.text, r.start));
        match key {
            Some(key) => {
                let message = format!("clé « {key} »\u{202f}: {message}");
                self.error(span, Some(key), message)
            }
            None => self.error(span, None, message),
        }
    }

    /// Hundredths (cents for money, hundredths of a day…) of a number.
    fn centi(&mut self, field: Field, n: &N) -> Result<i64, DataError> {
        self.spans.push((field, n.span()));
        let bad = |this: &Self, what: &str| {
            this.error(
                Some(n.span()),
                Some(field.key()),
                format!("clé « {} »\u{202f}: {what}", field.key()),
            )
        };
        match *n.get_ref() {
            Num::Int(i) => i
                .checked_mul(100)
                .ok_or_else(|| bad(self, "nombre trop grand")),
            Num::Float(f) => {
                if !f.is_finite() {
                    return Err(bad(self, "nombre attendu"));
                }
                let x = f * 100.0;
                let r = x.round();
                if r.abs() > 1e15 {
                    return Err(bad(self, "nombre trop grand"));
                }
                if (x - r).abs() > 1e-6 {
                    return Err(bad(self, "au plus deux chiffres après la virgule"));
                }
                Ok(r as i64)
            }
        }
    }

    /// A whole number (parts).
    fn count(&mut self, field: Field, n: &N) -> Result<i64, DataError> {
        self.spans.push((field, n.span()));
        match *n.get_ref() {
            Num::Int(i) => Ok(i),
            Num::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => Ok(f as i64),
            Num::Float(_) => Err(self.error(
                Some(n.span()),
                Some(field.key()),
                format!("clé « {} »\u{202f}: nombre entier attendu", field.key()),
            )),
        }
    }
}

// ------------------------------------------------------------------
// French messages for TOML and serde: the one translation, used for this
// file, site-gen's `site.toml` and the front matter of pages (TOML and
// YAML).

/// The French message of a TOML parser's or serde's message `msg`, for a
/// maintainer. `written` is the value as it stands in the file (`20 000`,
/// `oui`, `"02/12/2026"`) and `key` its key, when known: the usual
/// French mistakes (spaces or `€` in a number, decimal comma, `JJ/MM/AAAA`
/// dates, `oui`/`non`, text without quotes) get a second sentence saying
/// how to write it.
pub fn explain(msg: &str, key: Option<&str>, written: Option<&str>) -> String {
    let msg = msg.trim();
    if !is_about_a_key(msg) {
        if let Some(mistake) = written.and_then(|w| Mistake::of(w, msg)) {
            return mistake.message(key);
        }
    }
    translate(msg)
}

/// The French message of a TOML error, hint included: its value and key
/// are read from `text` (the whole file) at the error's position.
pub fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim();
    let Some(span) = e.span() else {
        return explain(msg, None, None);
    };
    if msg == "duplicate key" {
        if let Some(key) = text.get(span.clone()) {
            return format!(
                "clé « {} » donnée deux fois. Gardez une seule de ces lignes",
                key.trim()
            );
        }
    }
    let (key, written) = written_at(text, span.start);
    explain(msg, key, written)
}

/// The key and the value written on the `key = value` line holding byte
/// `offset` (comments left out), when the line is one.
fn written_at(text: &str, offset: usize) -> (Option<&str>, Option<&str>) {
    let Some(before) = text.get(..offset) else {
        return (None, None);
    };
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    let Some((key, value)) = line.split_once('=') else {
        return (None, None);
    };
    let key = key.trim().trim_matches('"');
    let mut value = value.trim();
    if !value.starts_with(['"', '\'']) {
        value = value.split('#').next().unwrap_or("").trim();
    }
    let key = (!key.is_empty() && !key.contains(char::is_whitespace)).then_some(key);
    (key, (!value.is_empty()).then_some(value))
}

/// Whether `msg` is about a key (unknown, missing, twice) rather than a
/// value: no hint about the value then.
fn is_about_a_key(msg: &str) -> bool {
    ["unknown field", "missing field", "duplicate"]
        .iter()
        .any(|p| msg.starts_with(p))
}

/// A usual way of writing a value that TOML (or the key) does not take.
enum Mistake<'a> {
    /// `20 000`, `20000€`, `0,5`: the number as it must be written.
    Number {
        written: &'a str,
        fixed: String,
        comma: bool,
        spaced: bool,
    },
    /// `02/12/2026`: the date as it must be written.
    Date { written: &'a str, fixed: String },
    /// `oui`, `non`: `true` or `false`.
    YesNo { written: &'a str, value: bool },
    /// `Bonjour le monde` (TOML only): text without quotes.
    Unquoted { written: &'a str },
}

impl<'a> Mistake<'a> {
    /// The mistake `written` (a value as written in the file) shows, for
    /// the parser's message `msg`.
    fn of(written: &'a str, msg: &str) -> Option<Mistake<'a>> {
        let written = written.trim();
        let inner = written
            .strip_prefix('"')
            .and_then(|w| w.strip_suffix('"'))
            .or_else(|| written.strip_prefix('\'')?.strip_suffix('\''))
            .unwrap_or(written)
            .trim();
        let lower = inner.to_lowercase();
        let yes_no = match lower.as_str() {
            "oui" | "vrai" | "yes" => Some(true),
            "non" | "faux" | "no" => Some(false),
            _ => None,
        };
        if let Some(value) = yes_no {
            return Some(Mistake::YesNo { written, value });
        }
        if let Some(fixed) = french_date(inner) {
            return Some(Mistake::Date { written, fixed });
        }
        if let Some(fixed) = french_number(inner) {
            if fixed != written {
                return Some(Mistake::Number {
                    written,
                    fixed,
                    comma: inner.contains(','),
                    spaced: inner.contains(|c: char| c.is_whitespace() || c == '€'),
                });
            }
        }
        if msg.starts_with("string values must be quoted") {
            return Some(Mistake::Unquoted { written });
        }
        None
    }

    /// What is wrong, then how to write it.
    fn message(&self, key: Option<&str>) -> String {
        let assign = |value: &str| match key {
            Some(k) => format!("{k} = {value}"),
            None => value.to_string(),
        };
        match self {
            Mistake::Number {
                written,
                fixed,
                comma,
                spaced,
            } => {
                let how = match (comma, spaced) {
                    (true, false) => "les décimales s’écrivent avec un point, pas une virgule",
                    (true, true) => {
                        "écrivez les nombres sans espace ni symbole, avec un point pour les décimales"
                    }
                    _ => "écrivez les nombres sans espace ni symbole",
                };
                sentences(
                    &format!("nombre mal écrit « {written} »"),
                    &format!("{how}\u{202f}: {}", assign(fixed)),
                )
            }
            Mistake::Date { written, fixed } => sentences(
                &format!("date mal écrite « {written} »"),
                &format!(
                    "écrivez les dates AAAA-MM-JJ (année, mois, jour)\u{202f}: {}",
                    assign(fixed)
                ),
            ),
            Mistake::YesNo { written, value } => sentences(
                &format!("« {written} » n’est pas une valeur oui/non comprise ici"),
                &format!(
                    "écrivez true pour oui, false pour non, sans guillemets\u{202f}: {}",
                    assign(&value.to_string())
                ),
            ),
            Mistake::Unquoted { written } => sentences(
                &format!("texte sans guillemets « {written} »"),
                &format!(
                    "mettez le texte entre guillemets droits\u{202f}: {}",
                    assign(&format!("\"{}\"", written.replace('"', "\\\"")))
                ),
            ),
        }
    }
}

/// `what. How.`: a message and its hint as two sentences.
fn sentences(what: &str, how: &str) -> String {
    let mut how = how.chars();
    let first: String = how
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    format!("{what}. {first}{}.", how.as_str())
}

/// `02/12/2026`, `2/12/2026`, `02.12.2026`, `02-12-2026` (day first) as
/// `2026-12-02`, when it is a date of the calendar.
fn french_date(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split(['/', '.', '-']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 4..=4)) {
        return None;
    }
    let (d, m): (u32, u32) = (d.parse().ok()?, m.parse().ok()?);
    ((1..=31).contains(&d) && (1..=12).contains(&m)).then(|| format!("{y}-{m:02}-{d:02}"))
}

/// `20 000`, `20000€`, `20 000 €`, `0,5`, `1 000,50 €` as TOML writes
/// them (`20000`, `0.5`), when the text is a number written the French way.
fn french_number(s: &str) -> Option<String> {
    let s = s
        .trim()
        .trim_end_matches("euros")
        .trim_end_matches("EUR")
        .trim_end_matches('€')
        .trim();
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let body = cleaned.strip_prefix('-').unwrap_or(&cleaned);
    let ok = !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && body.matches('.').count() <= 1
        && body.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && body.bytes().last().is_some_and(|b| b.is_ascii_digit());
    // A dot between groups of three (`20.000`) is a French thousands
    // separator only with a comma after it: not guessed.
    ok.then_some(cleaned)
}

/// Translates the usual serde and TOML parser messages (unknown or missing
/// key, value of the wrong type, syntax) for a French maintainer, without
/// looking at the value (see [`explain`] for the hints).
pub fn translate(msg: &str) -> String {
    let msg = msg.trim();
    let ticked = |s: &str| -> Vec<String> {
        s.split('`')
            .skip(1)
            .step_by(2)
            .map(|k| format!("« {k} »"))
            .collect()
    };
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let names: Vec<String> = ticked(rest);
        if let Some((first, others)) = names.split_first() {
            let key = first.trim_start_matches("« ").trim_end_matches(" »");
            let allowed: Vec<&str> = others
                .iter()
                .map(|k| k.trim_start_matches("« ").trim_end_matches(" »"))
                .collect();
            return unknown_key_message(key, &allowed);
        }
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        if let Some((first, others)) = ticked(rest).split_first() {
            return format!(
                "valeur inconnue {first} (valeurs possibles\u{202f}: {})",
                others.join(", ")
            );
        }
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        if let Some(name) = ticked(rest).first() {
            return format!("clé obligatoire manquante\u{202f}: {name}");
        }
    }
    if let Some(rest) = msg
        .strip_prefix("duplicate key `")
        .or_else(|| msg.strip_prefix("duplicate field `"))
    {
        let key = rest.split('`').next().unwrap_or("");
        return format!("clé « {key} » donnée deux fois. Gardez une seule de ces lignes");
    }
    if msg == "duplicate key" {
        return "clé donnée deux fois. Gardez une seule de ces lignes".into();
    }
    for (prefix, what) in [
        ("invalid type: ", "valeur invalide"),
        ("invalid value: ", "valeur invalide"),
    ] {
        if let Some((found, expected)) = msg
            .strip_prefix(prefix)
            .and_then(|r| r.split_once(", expected "))
        {
            return format!(
                "{what} ({})\u{202f}: il faut {}",
                found_in_french(found),
                expected_in_french(expected.trim())
            );
        }
    }
    if let Some(rest) = msg.strip_prefix("invalid date") {
        let why = rest
            .trim_start_matches(", expected ")
            .replace("day between", "le jour doit être entre")
            .replace("month between", "le mois doit être entre")
            .replace(" and ", " et ");
        return if why.is_empty() || why.contains("expected") {
            "date impossible".into()
        } else {
            format!("date impossible\u{202f}: {why}")
        };
    }
    // French already (this crate's and site-gen's own messages).
    if msg.starts_with("date ") || msg.starts_with("nombre ") {
        return msg.to_string();
    }
    if msg.contains("recurs") {
        return "trop de niveaux imbriqués de [ ] ou { }".into();
    }
    if msg.contains("overflow") || msg.contains("too large") {
        return "nombre trop grand".into();
    }
    let (what, _) = msg.split_once(", expected").unwrap_or((msg, ""));
    match syntax_in_french(what.trim()) {
        Some(french) => format!("TOML mal écrit\u{202f}: {french}"),
        None => format!("fichier TOML invalide\u{202f}: {msg}"),
    }
}

/// The message of a key that is not one of `allowed`: the closest one
/// when it looks like a typo, else the list.
pub fn unknown_key_message(key: &str, allowed: &[&str]) -> String {
    match closest(key, allowed.iter().copied()) {
        Some(best) => {
            format!("clé inconnue « {key} »\u{202f}; vouliez-vous dire « {best} »\u{202f}?")
        }
        None if allowed.is_empty() => format!("clé inconnue « {key} » (aucune clé permise ici)"),
        None => format!(
            "clé inconnue « {key} » (vérifiez l’orthographe\u{202f}; clés permises\u{202f}: {})",
            allowed
                .iter()
                .map(|k| format!("« {k} »"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough
/// to be a typo (at most 2 edits, or a third of the candidate's length).
/// The one did-you-mean of the project (site-gen's `suggest` is this).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3))
        .min()
        .map(|(_, c)| c)
}

/// The TOML parser's description of a syntax error, in French.
fn syntax_in_french(what: &str) -> Option<&'static str> {
    Some(match what {
        "string values must be quoted" => "un texte s’écrit entre guillemets",
        "unexpected key or value" => "une seule clé = valeur par ligne",
        "key with no value" | "missing value for key" | "missing value" => {
            "il manque la valeur après « = »"
        }
        "missing assignment between key-value pairs" | "key-value separator" => {
            "il manque « = » entre la clé et la valeur"
        }
        "extra assignment between key-value pairs" => "un « = » de trop",
        "unclosed table" => "nom de table non fermé\u{202f}: il manque « ] »",
        "unclosed array table" => "nom de table non fermé\u{202f}: il manque « ]] »",
        "unclosed array" => "liste non fermée\u{202f}: il manque « ] »",
        "unclosed inline table" => "table non fermée\u{202f}: il manque « } »",
        "invalid basic string" | "invalid string" => {
            "texte non fermé\u{202f}: il manque le guillemet « \" » de fin, sur la même ligne"
        }
        "invalid literal string" => "texte non fermé\u{202f}: il manque l’apostrophe de fin",
        "invalid multi-line basic string" | "invalid multi-line literal string" => {
            "texte sur plusieurs lignes non fermé"
        }
        "invalid float"
        | "invalid integer number"
        | "invalid mantissa"
        | "invalid fraction"
        | "invalid exponent"
        | "unexpected leading zero"
        | "redundant numeric sign" => {
            "nombre mal écrit (chiffres seulement, un point pour les décimales)"
        }
        "`_` may only go between digits" => "« _ » seulement entre deux chiffres",
        "invalid date-time" => "date mal écrite (AAAA-MM-JJ)",
        "invalid boolean" => "seuls true et false sont des valeurs oui/non",
        "invalid key" | "invalid unquoted key" | "unquoted keys cannot be empty" => {
            "clé mal écrite (lettres, chiffres, « _ » ou « - », ou entre guillemets)"
        }
        "missing comma between array elements" => "il manque une virgule entre deux éléments",
        "missing comma between key-value pairs" => "il manque une virgule entre deux clés",
        "extra comma in array" | "extra comma in inline table" => "une virgule de trop",
        "invalid comment character" => "caractère de contrôle dans un commentaire",
        "unexpected content" | "unexpected content between comment and newline" => {
            "texte inattendu"
        }
        "invalid table" | "invalid inline table element" | "invalid key-value pair" => {
            "ligne mal écrite (clé = valeur ou [table] attendu)"
        }
        "invalid value" => "valeur mal écrite",
        "missing escaped value" | "too few unicode value digits" => {
            "« \\ » mal utilisé dans un texte (écrivez « \\\\ » pour une barre oblique inverse)"
        }
        "carriage return must be followed by newline" => "retour chariot seul",
        _ => return None,
    })
}

/// serde's name of the value found (`string "dix"`, `integer `3``), in French.
fn found_in_french(what: &str) -> String {
    const WORDS: [(&str, &str); 7] = [
        ("string", "texte"),
        ("integer", "nombre entier"),
        ("floating point", "nombre décimal"),
        ("boolean", "booléen"),
        ("sequence", "liste"),
        ("map", "table"),
        ("unit value", "vide"),
    ];
    for (english, french) in WORDS {
        if let Some(rest) = what.strip_prefix(english) {
            return [french, &rest.replace('`', "")].concat();
        }
    }
    what.to_string()
}

/// serde's name of the value expected (`usize`, `a boolean`), in French.
fn expected_in_french(expected: &str) -> &str {
    match expected {
        "a string" => "un texte entre guillemets",
        "a boolean" => "true ou false",
        "u8" | "u16" | "u32" | "u64" | "usize" => "un nombre entier positif",
        "i8" | "i16" | "i32" | "i64" | "isize" => "un nombre entier",
        "f32" | "f64" | "floating point" => "un nombre",
        "a sequence" => "une liste [ … ]",
        "a map" => "une table",
        e if e.starts_with("struct ") => "une table",
        e if e.starts_with("a borrowed string") => "un texte entre guillemets",
        e => e,
    }
}

// ------------------------------------------------------------------
// Every unknown key of a file at once: serde stops at the first.

/// The fields of the struct `T` deserializes into, as its derive names
/// them (read from serde, so never out of step with the struct).
pub fn fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Fields(&'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("fields")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for &mut Fields {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut found = Fields(&[]);
    let _ = T::deserialize(&mut found);
    found.0
}

/// A key of a TOML document that is not one of the known keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownKey {
    /// Where the key is written (bytes of the text).
    pub span: Range<usize>,
    /// The table holding it (`poste`; empty at the top).
    pub table: String,
    /// The message, in French, with the closest known key.
    pub message: String,
}

/// The known keys of a document's tables: `known("")` for the top,
/// `known("poste")`, `known("services.assistance")` (an array of tables
/// has its key's path); `None` for a table of free data, not looked into.
pub type KnownKeys<'k> = &'k dyn Fn(&str) -> Option<&'static [&'static str]>;

/// Every key of `doc` that `known` does not know, in the order of the file.
pub fn unknown_keys(doc: &toml::de::DeTable<'_>, known: KnownKeys<'_>) -> Vec<UnknownKey> {
    let mut found = Vec::new();
    walk_keys(doc, "", known, &mut found);
    found.sort_by_key(|k| k.span.start);
    found
}

fn walk_keys(
    table: &toml::de::DeTable<'_>,
    path: &str,
    known: KnownKeys<'_>,
    found: &mut Vec<UnknownKey>,
) {
    let Some(keys) = known(path) else {
        return;
    };
    for (key, value) in table {
        let name: &str = key.get_ref();
        if !keys.contains(&name) {
            found.push(UnknownKey {
                span: key.span(),
                table: path.to_string(),
                message: unknown_key_message(name, keys),
            });
            continue;
        }
        let inner = if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        match value.get_ref() {
            toml::de::DeValue::Table(t) => walk_keys(t, &inner, known, found),
            toml::de::DeValue::Array(items) => {
                for item in items.iter() {
                    if let toml::de::DeValue::Table(t) = item.get_ref() {
                        walk_keys(t, &inner, known, found);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The full key (`poste.parts`) of the `key = value` line holding byte
/// `offset`, from the last `[table]` header above it. Best effort, for
/// messages: `None` when the line is not a plain assignment.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    {
        return None;
    }
    let table = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && !l.starts_with("[["))
        .and_then(|l| l.strip_prefix('[')?.split(']').next())
        .map(str::trim);
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

/// The keys of the data file's tables, read from its structs.
fn known_keys(path: &str) -> Option<&'static [&'static str]> {
    Some(match path {
        "" => fields::<File>(),
        "tarif" => fields::<Tarif>(),
        "poste" => fields::<Poste>(),
        "estimation" => fields::<Estimation>(),
        "services" => fields::<Services>(),
        p if p
            .strip_prefix("services.")
            .is_some_and(|s| fields::<Services>().contains(&s)) =>
        {
            fields::<Coefs>()
        }
        _ => return None,
    })
}

/// Reads the base figures from the text of the data file, without
/// validating them (see [`parse`]). `path` is only used in messages.
pub fn parse_params(text: &str, path: &str) -> Result<Params, DataError> {
    let mut ctx = Ctx {
        text,
        path,
        spans: Vec::new(),
    };
    parse_params_ctx(&mut ctx)
}

fn parse_params_ctx(ctx: &mut Ctx<'_>) -> Result<Params, DataError> {
    let doc = toml::de::DeTable::parse(ctx.text).map_err(|e| ctx.toml_error(&e))?;
    let unknown = unknown_keys(doc.get_ref(), &known_keys);
    let mut unknown = unknown.into_iter().map(|k| {
        let key = if k.table.is_empty() {
            ctx.text.get(k.span.clone()).unwrap_or("").to_string()
        } else {
            format!("{}.{}", k.table, ctx.text.get(k.span.clone()).unwrap_or(""))
        };
        ctx.error(Some(k.span), Some(key), k.message)
    });
    if let Some(mut first) = unknown.next() {
        first.also = unknown.collect();
        return Err(first);
    }
    let file =
        File::deserialize(toml::de::Deserializer::from(doc)).map_err(|e| ctx.toml_error(&e))?;
    let p = &file.poste;
    let mut services = [ServiceCoefs::default(); 9];
    let mut setup_days = [0; 9];
    for s in Service::ALL {
        let coefs = file.services.get(s);
        for c in Coef::ALL {
            if let Some(n) = coefs.get(c) {
                let v = ctx.centi(Field::Service(s, c), n)?;
                services[s.index()].set(c, v);
            }
        }
        if let Some(n) = &coefs.jours_de_mise_en_place {
            setup_days[s.index()] = ctx.centi(Field::Setup(s), n)?;
        }
    }
    let reference = match &file.tarif.reference {
        Some(r) => Some(reference(ctx, r)?),
        None => None,
    };
    Ok(Params {
        parts: ctx.count(Field::Parts, &p.parts)?,
        salaries: ctx.centi(Field::Salaries, &p.salaires_par_an)?,
        running_costs: ctx.centi(Field::RunningCosts, &p.frais_de_fonctionnement_par_an)?,
        days_per_month: ctx.centi(Field::DaysPerMonth, &p.jours_par_mois)?,
        months_per_year: ctx.centi(Field::MonthsPerYear, &p.mois_travailles_par_an)?,
        pooled_days: ctx.centi(Field::PooledDays, &p.jours_mutualises_par_an)?,
        hours_per_day: ctx.centi(Field::HoursPerDay, &p.heures_par_jour)?,
        subscribed: match &p.parts_souscrites {
            Some(n) => Some(ctx.count(Field::Subscribed, n)?),
            None => None,
        },
        catch_up_days: ctx.centi(Field::CatchUpDays, &file.estimation.jours_de_rattrapage)?,
        services,
        setup_days,
        reference,
    })
}

/// `tarif.reference`: one line of text, printed on every estimate.
fn reference(ctx: &Ctx<'_>, r: &Spanned<Reference>) -> Result<String, DataError> {
    let text = r.get_ref().0.trim();
    let problem = if text.is_empty() {
        "la référence est vide (indiquez par exemple l’année du tarif\u{202f}: \"2026\")"
    } else if text.chars().count() > MAX_REFERENCE {
        "la référence est trop longue (au plus 40 caractères)"
    } else if text.chars().any(char::is_control) {
        "la référence tient sur une ligne"
    } else {
        return Ok(text.to_string());
    };
    let key = "tarif.reference";
    Err(ctx.error(
        Some(r.span()),
        Some(key.to_string()),
        format!("clé « {key} »\u{202f}: {problem}"),
    ))
}

/// Parses and validates the text of the data file. `path` is only used in
/// messages.
pub fn parse(text: &str, path: &str) -> Result<Model, DataError> {
    let mut ctx = Ctx {
        text,
        path,
        spans: Vec::new(),
    };
    let params = parse_params_ctx(&mut ctx)?;
    Model::new(params).map_err(|e| {
        let span = ctx
            .spans
            .iter()
            .find(|(f, _)| *f == e.field)
            .map(|(_, r)| r.clone());
        ctx.error(span, Some(e.field.key()), e.to_string())
    })
}

/// Reads, parses and validates the data file at `path`.
pub fn load(path: impl AsRef<Path>) -> Result<Model, DataError> {
    let path = path.as_ref();
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| DataError {
        path: shown.clone(),
        line: None,
        column: None,
        key: None,
        message: format!("lecture impossible\u{202f}: {e}"),
        also: Box::default(),
    })?;
    parse(&text, &shown)
}
