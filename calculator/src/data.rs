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
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ", ligne {line}")?;
        }
        write!(f, "\u{202f}: {}", self.message)
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
    poste: Poste,
    estimation: Estimation,
    services: Services,
}

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

/// Translates the usual serde messages of a TOML file (unknown or missing
/// key, value of the wrong type) for a French maintainer; anything else is
/// kept, after « fichier TOML invalide ». The one translation of these
/// messages: site-gen's `site.toml` goes through it too.
pub fn translate(msg: &str) -> String {
    let ticked = |s: &str| -> Vec<String> {
        s.split('`')
            .skip(1)
            .step_by(2)
            .map(|k| format!("« {k} »"))
            .collect()
    };
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let names = ticked(rest);
        if let Some((first, others)) = names.split_first() {
            if others.is_empty() {
                return format!("clé inconnue {first} (aucune clé permise ici)");
            }
            return format!(
                "clé inconnue {first} (vérifiez l’orthographe\u{202f}; clés permises\u{202f}: {})",
                others.join(", ")
            );
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
    if let Some((what, expected)) = msg
        .strip_prefix("invalid type: ")
        .and_then(|r| r.split_once(", expected "))
    {
        return format!(
            "valeur invalide ({})\u{202f}: il faut {}",
            found_in_french(what),
            expected_in_french(expected.trim())
        );
    }
    format!("fichier TOML invalide\u{202f}: {}", msg.trim())
}

/// serde's name of the value found (`string "dix"`, `integer `3``), in French.
fn found_in_french(what: &str) -> String {
    const WORDS: [(&str, &str); 6] = [
        ("string", "texte"),
        ("integer", "nombre entier"),
        ("floating point", "nombre décimal"),
        ("boolean", "booléen"),
        ("sequence", "liste"),
        ("map", "table"),
    ];
    for (english, french) in WORDS {
        if let Some(rest) = what.strip_prefix(english) {
            return [french, rest].concat();
        }
    }
    what.to_string()
}

/// serde's name of the value expected (`usize`, `a boolean`), in French.
fn expected_in_french(expected: &str) -> &str {
    match expected {
        "a string" => "un texte",
        "a boolean" => "true ou false",
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
            "un nombre entier"
        }
        "f32" | "f64" => "un nombre",
        "a sequence" => "une liste",
        "a map" => "une table",
        e if e.starts_with("struct ") => "une table",
        e => e,
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
    let file: File = toml::from_str(ctx.text).map_err(|e| {
        let span = e.span();
        let message = translate(e.message());
        // A value of the wrong type: name its key, like the other errors.
        let key = span
            .as_ref()
            .filter(|_| e.message().starts_with("invalid type"))
            .and_then(|r| key_at(ctx.text, r.start));
        match key {
            Some(key) => {
                let message = format!("clé « {key} »\u{202f}: {message}");
                ctx.error(span, Some(key), message)
            }
            None => ctx.error(span, None, message),
        }
    })?;
    let p = &file.poste;
    let mut services = [ServiceCoefs::default(); 9];
    for s in Service::ALL {
        let coefs = file.services.get(s);
        for c in Coef::ALL {
            if let Some(n) = coefs.get(c) {
                let v = ctx.centi(Field::Service(s, c), n)?;
                services[s.index()].set(c, v);
            }
        }
    }
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
    })
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
    })?;
    parse(&text, &shown)
}
