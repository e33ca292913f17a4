//! URL query state of the widget (pure: no browser needed).
//!
//! Keys (all optional; unknown keys are left alone, empty values ignored):
//!
//! | key          | value                                   | example                          |
//! |--------------|-----------------------------------------|----------------------------------|
//! | `mode`       | `profil`, `parts` or `budget`           | `mode=budget`                    |
//! | `parts`      | whole number of parts, 1 to total parts | `parts=3`                        |
//! | `budget`     | euros per year, `.` or `,` for cents    | `budget=6000`, `budget=6000.50`  |
//! | `postes`     | workstations, 0 to 1 000                | `postes=5`                       |
//! | `serveurs`   | servers, 0 to 100                       | `serveurs=1`                     |
//! | `personnes`  | staff and volunteers, 0 to 10 000       | `personnes=8`                    |
//! | `services`   | comma-separated service keys (may repeat; empty = none): `assistance`, `formations`, `hebergement`, `maintenance`, `sauvegardes`, `restaurations`, `services_web`, `supervision`, `travail_collaboratif` | `services=assistance,sauvegardes` |
//! | `rattrapage` | `1`/`oui`/`true`/`on` or `0`/`non`/`false` | `rattrapage=1`                 |
//!
//! Without `mode`, the mode is `parts` if `parts` is given, else `budget` if
//! `budget` is given, else `profil`. Invalid values are ignored, each with a
//! French message; parsing never panics. The keys are also the `name`s of the
//! widget's form fields, so a submitted form gives a URL this module reads.

use crate::estimate::{
    parse_count, parse_money, Profile, MAX_BUDGET, MAX_PARTS_ASKED, MAX_PERSONNES, MAX_POSTES,
    MAX_SERVEURS,
};
use crate::model::{Cents, Service, ServiceSet};

/// The three ways in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Estimate from the structure's profile.
    #[default]
    Profil,
    /// "I want N parts".
    Parts,
    /// "I have a budget of X € a year".
    Budget,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Profil, Mode::Parts, Mode::Budget];

    /// Value in the URL (`mode=…`) and in the form.
    pub const fn key(self) -> &'static str {
        match self {
            Mode::Profil => "profil",
            Mode::Parts => "parts",
            Mode::Budget => "budget",
        }
    }

    pub fn from_key(s: &str) -> Option<Mode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "profil" | "profile" | "estimation" => Some(Mode::Profil),
            "parts" | "part" => Some(Mode::Parts),
            "budget" => Some(Mode::Budget),
            _ => None,
        }
    }
}

/// The widget's state as read from / written to a URL query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Query {
    pub mode: Option<Mode>,
    pub parts: Option<u32>,
    /// Budget per year, cents.
    pub budget: Option<Cents>,
    pub postes: Option<u32>,
    pub serveurs: Option<u32>,
    pub personnes: Option<u32>,
    pub services: Option<ServiceSet>,
    pub rattrapage: Option<bool>,
}

/// The keys this module owns.
pub const KEYS: [&str; 8] = [
    "mode",
    "parts",
    "budget",
    "postes",
    "serveurs",
    "personnes",
    "services",
    "rattrapage",
];

/// Percent-decodes a query component (`+` is a space); invalid UTF-8 is
/// replaced, never an error.
pub fn decode_component(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let hex = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes text for a URL component (query value, `mailto:`
/// subject and body): everything but ASCII letters, digits and `-._~`
/// becomes `%XX` (UTF-8 bytes; a space is `%20`, never `+`).
pub fn encode_component(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

/// Splits `?a=1&b=2` (leading `?` optional) into raw `(key, value)` pairs.
fn pairs(q: &str) -> impl Iterator<Item = (&str, &str)> {
    q.strip_prefix('?')
        .unwrap_or(q)
        .split(['&', ';'])
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

/// Whether a query mentions any key of [`KEYS`].
pub fn has_known_keys(q: &str) -> bool {
    pairs(q).any(|(k, _)| KEYS.contains(&decode_component(k).as_str()))
}

/// The query the widget starts from: the page's own query when it mentions
/// any widget key, else the defaults the page was generated with.
pub fn initial<'a>(defaults: &'a str, location_search: &'a str) -> &'a str {
    if has_known_keys(location_search) {
        location_search
    } else {
        defaults
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "oui" | "true" | "on" | "vrai" | "yes" => Some(true),
        "0" | "non" | "false" | "off" | "faux" | "no" => Some(false),
        _ => None,
    }
}

fn ignored(key: &str, value: &str, why: &str) -> String {
    // Keep messages short even for absurd inputs.
    let shown: String = value.chars().take(40).collect();
    format!("Paramètre « {key} » ignoré (« {shown} »)\u{202f}: {why}")
}

impl Query {
    /// Parses a URL query (`?` optional). Invalid values are ignored; the
    /// second value lists a French message for each. Never panics.
    pub fn parse(q: &str) -> (Query, Vec<String>) {
        let mut out = Query::default();
        let mut warnings = Vec::new();
        for (k, v) in pairs(q) {
            let key = decode_component(k);
            let value = decode_component(v);
            if value.trim().is_empty() && key != "services" {
                continue;
            }
            let count = |min: u32, max: u32, warnings: &mut Vec<String>| match parse_count(
                &value, min, max,
            ) {
                Ok(n) => Some(n),
                Err(e) => {
                    warnings.push(ignored(&key, &value, &e.message()));
                    None
                }
            };
            match key.as_str() {
                "mode" => match Mode::from_key(&value) {
                    Some(m) => out.mode = Some(m),
                    None => warnings.push(ignored(
                        &key,
                        &value,
                        "valeurs possibles\u{202f}: profil, parts, budget.",
                    )),
                },
                "parts" => {
                    if let Some(n) = count(1, MAX_PARTS_ASKED, &mut warnings) {
                        out.parts = Some(n);
                    }
                }
                "budget" => match parse_money(&value, MAX_BUDGET) {
                    Ok(c) => out.budget = Some(c),
                    Err(e) => warnings.push(ignored(&key, &value, &e.message())),
                },
                "postes" => {
                    if let Some(n) = count(0, MAX_POSTES, &mut warnings) {
                        out.postes = Some(n);
                    }
                }
                "serveurs" => {
                    if let Some(n) = count(0, MAX_SERVEURS, &mut warnings) {
                        out.serveurs = Some(n);
                    }
                }
                "personnes" => {
                    if let Some(n) = count(0, MAX_PERSONNES, &mut warnings) {
                        out.personnes = Some(n);
                    }
                }
                "services" => {
                    // Empty means "none"; a list of unknown names only is ignored.
                    let mut found = value.trim().is_empty();
                    let mut set = out.services.unwrap_or(ServiceSet::EMPTY);
                    for name in value.split(',').filter(|s| !s.trim().is_empty()) {
                        match Service::from_key(name) {
                            Some(s) => {
                                set.insert(s);
                                found = true;
                            }
                            None => warnings.push(ignored(&key, name, "service inconnu.")),
                        }
                    }
                    if found {
                        out.services = Some(set);
                    }
                }
                "rattrapage" => match parse_bool(&value) {
                    Some(b) => out.rattrapage = Some(b),
                    None => {
                        warnings.push(ignored(&key, &value, "valeurs possibles\u{202f}: 1 ou 0."))
                    }
                },
                _ => {}
            }
        }
        (out, warnings)
    }

    /// The active mode: explicit `mode`, else `parts` if a number of parts
    /// is given, else `budget` if a budget is given, else `profil`.
    pub fn mode(&self) -> Mode {
        match self.mode {
            Some(m) => m,
            None if self.parts.is_some() => Mode::Parts,
            None if self.budget.is_some() => Mode::Budget,
            None => Mode::Profil,
        }
    }

    /// The profile, missing values taken from [`Profile::default`].
    pub fn profile(&self) -> Profile {
        let d = Profile::default();
        Profile {
            postes: self.postes.unwrap_or(d.postes),
            serveurs: self.serveurs.unwrap_or(d.serveurs),
            personnes: self.personnes.unwrap_or(d.personnes),
            services: self.services.unwrap_or(d.services),
            rattrapage: self.rattrapage.unwrap_or(d.rattrapage),
        }
    }

    /// Serializes to a query string without the leading `?`, keys in the
    /// order of [`KEYS`], only the values that are set. Values need no
    /// percent-encoding (ASCII letters, digits, `_`, `,`, `.`).
    pub fn to_query_string(&self) -> String {
        let mut s = String::new();
        let mut add = |k: &str, v: &str| {
            if !s.is_empty() {
                s.push('&');
            }
            s.push_str(k);
            s.push('=');
            s.push_str(v);
        };
        if let Some(m) = self.mode {
            add("mode", m.key());
        }
        if let Some(n) = self.parts {
            add("parts", &n.to_string());
        }
        if let Some(c) = self.budget {
            let mut v = (c / 100).to_string();
            let cents = c % 100;
            if cents != 0 {
                v.push('.');
                v.push((b'0' + (cents / 10) as u8) as char);
                if cents % 10 != 0 {
                    v.push((b'0' + (cents % 10) as u8) as char);
                }
            }
            add("budget", &v);
        }
        if let Some(n) = self.postes {
            add("postes", &n.to_string());
        }
        if let Some(n) = self.serveurs {
            add("serveurs", &n.to_string());
        }
        if let Some(n) = self.personnes {
            add("personnes", &n.to_string());
        }
        if let Some(set) = self.services {
            let list: Vec<&str> = set.iter().map(Service::key).collect();
            add("services", &list.join(","));
        }
        if let Some(b) = self.rattrapage {
            add("rattrapage", if b { "1" } else { "0" });
        }
        s
    }
}

/// Replaces the widget's keys in an existing query (`?` optional) by
/// `ours` (as given by [`Query::to_query_string`]), keeping every other
/// pair as it was, in order. Returns the query without `?` (may be empty).
pub fn merge(existing: &str, ours: &str) -> String {
    let mut s = String::new();
    let raw = existing.strip_prefix('?').unwrap_or(existing);
    for part in raw.split('&').filter(|p| !p.is_empty()) {
        let key = part.split_once('=').map_or(part, |(k, _)| k);
        if KEYS.contains(&decode_component(key).as_str()) {
            continue;
        }
        if !s.is_empty() {
            s.push('&');
        }
        s.push_str(part);
    }
    if !ours.is_empty() {
        if !s.is_empty() {
            s.push('&');
        }
        s.push_str(ours);
    }
    s
}
