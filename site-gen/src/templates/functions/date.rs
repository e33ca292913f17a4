//! `{{ page.date | date(format="%d/%m/%Y") }}`: Tera's and Zola's `date`
//! filter, strftime formats through jiff; `locale="fr_FR"` writes month
//! and weekday names in French (the only locale the site needs).

use std::collections::HashMap;

use jiff::civil::{Date, DateTime};
use jiff::fmt::strtime::BrokenDownTime;
use jiff::fmt::temporal::Pieces;
use jiff::Timestamp;
use tera::Value;

use calculator::format::MONTHS;

use crate::dates::{weekday, MONTHS_SHORT};

/// Tera's default format.
const DEFAULT_FORMAT: &str = "%Y-%m-%d";

/// The `date` filter.
pub struct DateFilter;

impl tera::Filter for DateFilter {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let format = match args.get("format") {
            None => DEFAULT_FORMAT,
            Some(Value::String(f)) => f.as_str(),
            Some(_) => return Err(tera::Error::msg("date : format=\"…\" attend un texte")),
        };
        if args.contains_key("timezone") {
            return Err(tera::Error::msg(
                "date : l’argument timezone n’est pas pris en charge (les dates sont écrites \
                 dans le fuseau où elles sont données)",
            ));
        }
        let french = match args.get("locale") {
            None => false,
            Some(Value::String(l)) if is_french(l) => true,
            Some(other) => {
                return Err(tera::Error::msg(format!(
                    "date : locale {other} non prise en charge (seul le français : \
                     locale=\"fr_FR\")"
                )))
            }
        };
        let time = broken_down(value)?;
        let format = if french {
            in_french(format, &time)
        } else {
            format.to_string()
        };
        let mut out = String::new();
        time.format(&format, &mut out).map_err(|e| {
            tera::Error::msg(format!(
                "date : format « {format} » impossible à écrire : {e}"
            ))
        })?;
        Ok(Value::String(out))
    }
}

/// `fr`, `fr_FR`, `fr-CA`…
fn is_french(locale: &str) -> bool {
    let lang = locale.split(['_', '-']).next().unwrap_or("");
    lang.eq_ignore_ascii_case("fr")
}

/// What the filter accepts, as Tera does: a Unix timestamp (UTC), a date
/// `AAAA-MM-JJ` (at midnight), a date and time, with or without an offset.
fn broken_down(value: &Value) -> tera::Result<BrokenDownTime> {
    let unreadable = || {
        tera::Error::msg(format!(
            "date : {value} n’est pas une date (AAAA-MM-JJ, AAAA-MM-JJTHH:MM:SS avec ou sans \
             décalage, ou un nombre de secondes depuis 1970)"
        ))
    };
    match value {
        Value::Number(n) => {
            let seconds = n.as_i64().ok_or_else(unreadable)?;
            let ts = Timestamp::from_second(seconds).map_err(|_| unreadable())?;
            Ok(BrokenDownTime::from(ts))
        }
        Value::String(s) => {
            let pieces = Pieces::parse(s.trim()).map_err(|_| unreadable())?;
            let time = pieces.time().unwrap_or(jiff::civil::Time::midnight());
            let mut broken = BrokenDownTime::from(DateTime::from_parts(pieces.date(), time));
            if let Some(offset) = pieces.offset() {
                broken.set_offset(Some(offset.to_numeric_offset()));
            }
            Ok(broken)
        }
        _ => Err(unreadable()),
    }
}

/// `format` with `%B`, `%b`, `%h`, `%A` and `%a` replaced by the French
/// names of `time` (with the `^` flag, in capitals), everything else
/// left for jiff.
fn in_french(format: &str, time: &BrokenDownTime) -> String {
    let date: Option<Date> = time.to_date().ok();
    let mut out = String::with_capacity(format.len());
    let mut rest = format;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let spec = &rest[at + 1..];
        // Flags and width: `%^B`, `%-d`, `%10A`.
        let flags_len = spec
            .find(|c: char| !matches!(c, '-' | '_' | '0' | '^' | '#') && !c.is_ascii_digit())
            .unwrap_or(spec.len());
        let Some(conv) = spec[flags_len..].chars().next() else {
            out.push_str(&rest[at..]);
            return out;
        };
        let whole = &rest[at..at + 1 + flags_len + conv.len_utf8()];
        let name = date.and_then(|d| match conv {
            'B' => Some(MONTHS[usize::from(d.month().unsigned_abs()) - 1]),
            'b' | 'h' => Some(MONTHS_SHORT[usize::from(d.month().unsigned_abs()) - 1]),
            'A' => Some(weekday(d.weekday(), false)),
            'a' => Some(weekday(d.weekday(), true)),
            _ => None,
        });
        match name {
            Some(name) => {
                let name = if spec[..flags_len].contains('^') {
                    name.to_uppercase()
                } else {
                    name.to_string()
                };
                // A literal for jiff: only `%` is special in a format.
                out.push_str(&name.replace('%', "%%"));
            }
            None => out.push_str(whole),
        }
        rest = &rest[at + whole.len()..];
    }
    out.push_str(rest);
    out
}

/// `date` applied to `value` with `args`, for tests.
#[cfg(test)]
fn apply(value: Value, args: &[(&str, &str)]) -> Result<String, String> {
    use tera::Filter;
    let args: HashMap<String, Value> = args
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    DateFilter
        .filter(&value, &args)
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_front_matter_dates_like_tera() {
        let d = json!("2024-03-01");
        assert_eq!(apply(d.clone(), &[]).unwrap(), "2024-03-01");
        assert_eq!(
            apply(d.clone(), &[("format", "%d/%m/%Y")]).unwrap(),
            "01/03/2024"
        );
        assert_eq!(
            apply(d.clone(), &[("format", "%A %-d %B %Y")]).unwrap(),
            "Friday 1 March 2024"
        );
        assert_eq!(
            apply(d, &[("format", "%H:%M")]).unwrap(),
            "00:00",
            "a date is at midnight"
        );
    }

    #[test]
    fn french_names_with_a_french_locale() {
        let d = json!("2024-02-01");
        assert_eq!(
            apply(
                d.clone(),
                &[
                    ("format", "%A %-d %B %Y, %a %b, 100%%"),
                    ("locale", "fr_FR")
                ]
            )
            .unwrap(),
            "jeudi 1 février 2024, jeu. févr., 100%"
        );
        assert_eq!(
            apply(d.clone(), &[("format", "%^B"), ("locale", "fr")]).unwrap(),
            "FÉVRIER"
        );
        let e = apply(d, &[("locale", "de_DE")]).unwrap_err();
        assert!(e.contains("fr_FR"), "{e}");
    }

    #[test]
    fn times_offsets_and_timestamps() {
        assert_eq!(
            apply(
                json!("2019-09-19T13:18:01+02:00"),
                &[("format", "%d/%m/%Y %H:%M %:z")]
            )
            .unwrap(),
            "19/09/2019 13:18 +02:00"
        );
        assert_eq!(
            apply(json!(0), &[("format", "%Y-%m-%d %H:%M")]).unwrap(),
            "1970-01-01 00:00"
        );
        let e = apply(json!("hier"), &[]).unwrap_err();
        assert!(e.contains("n’est pas une date"), "{e}");
        let e = apply(json!("2024-01-01"), &[("format", "%Q")]).unwrap_err();
        assert!(e.contains("%Q"), "{e}");
    }
}
