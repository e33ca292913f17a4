//! Compact text encoding of a [`Model`] for the browser (no serde).
//!
//! The generator writes [`Model::encode`] in the `data-calculateur-model`
//! attribute of the mount element; the widget reads it back with
//! [`Model::decode`], so editing `content/tarifs.toml` never requires
//! rebuilding the wasm.
//!
//! Format: `amie2,` followed by 57 comma-separated values, in this order:
//! parts, salaries (cents), running costs (cents), days per month, months
//! per year, pooled days, hours per day (hundredths), subscribed parts
//! (empty when not published), catch-up days (hundredths), then for each
//! service of [`Service::ALL`] its 4 coefficients in [`Coef::ALL`] order
//! (hundredths of a day), then each service's set-up days (hundredths),
//! then three texts, percent-encoded and empty when unset: the tariff's
//! reference, the association's name and its e-mail address
//! ([`Contact`](crate::model::Contact)). Only ASCII letters, digits, `-`,
//! `.`, `_`, `~`, `%` and `,`: safe in an HTML attribute.

use core::fmt;

use crate::model::{Coef, Contact, Model, ModelError, Params, Service, ServiceCoefs};
use crate::query::{decode_component, encode_component};

const PREFIX: &str = "amie2,";
const COUNT: usize = 9 + 9 * 4 + 9 + 3;

/// Why [`Model::decode`] failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not produced by [`Model::encode`] (wrong prefix or version).
    Version,
    /// Wrong number of values.
    Length { found: usize },
    /// A value is not an integer (position, 0-based, after the prefix).
    NotANumber { index: usize },
    /// Well-formed but invalid figures.
    Invalid(ModelError),
}

impl DecodeError {
    /// What went wrong, without the details [`Display`](fmt::Display)
    /// gives (the value, the data file's key): what the browser shows. The
    /// generator validates the same figures when it builds the site and
    /// names the key there; the widget's own message stays light (the
    /// keys' names and the checks' wording are not in the wasm).
    pub fn summary(&self) -> &'static str {
        match self {
            DecodeError::Version => "données du calculateur illisibles (version inconnue)",
            DecodeError::Length { .. } => "données du calculateur incomplètes",
            DecodeError::NotANumber { .. } => "données du calculateur illisibles",
            DecodeError::Invalid(_) => "données du calculateur invalides",
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Version => {
                f.write_str("données du calculateur illisibles (version inconnue)")
            }
            DecodeError::Length { found } => write!(
                f,
                "données du calculateur incomplètes ({} au lieu de {COUNT})",
                crate::format::count(*found as i64, "valeur", "valeurs")
            ),
            DecodeError::NotANumber { index } => {
                write!(
                    f,
                    "données du calculateur illisibles (valeur n° {})",
                    index + 1
                )
            }
            DecodeError::Invalid(e) => write!(f, "données du calculateur invalides : {e}"),
        }
    }
}

impl std::error::Error for DecodeError {}

impl From<ModelError> for DecodeError {
    fn from(e: ModelError) -> Self {
        DecodeError::Invalid(e)
    }
}

fn push(out: &mut String, v: i64) {
    out.push(',');
    // i64 Display is integer-only formatting: small in wasm.
    out.push_str(&v.to_string());
}

impl Model {
    /// Compact text form of the base figures (see the module doc).
    pub fn encode(&self) -> String {
        let p = self.params();
        let mut s = String::from("amie2");
        for v in [
            p.parts,
            p.salaries,
            p.running_costs,
            p.days_per_month,
            p.months_per_year,
            p.pooled_days,
            p.hours_per_day,
        ] {
            push(&mut s, v);
        }
        s.push(',');
        if let Some(sub) = p.subscribed {
            s.push_str(&sub.to_string());
        }
        push(&mut s, p.catch_up_days);
        for svc in Service::ALL {
            for c in Coef::ALL {
                push(&mut s, p.services[svc.index()].get(c));
            }
        }
        for svc in Service::ALL {
            push(&mut s, p.setup_days[svc.index()]);
        }
        let contact = self.contact();
        for text in [&p.reference, &contact.name, &contact.email] {
            s.push(',');
            if let Some(t) = text {
                s.push_str(&encode_component(t));
            }
        }
        s
    }

    /// Reads [`Model::encode`]'s output back, validating like [`Model::new`].
    /// Never panics, whatever the input.
    pub fn decode(text: &str) -> Result<Model, DecodeError> {
        let body = text
            .trim()
            .strip_prefix(PREFIX)
            .ok_or(DecodeError::Version)?;
        let fields: Vec<&str> = body.split(',').collect();
        if fields.len() != COUNT {
            return Err(DecodeError::Length {
                found: fields.len(),
            });
        }
        let num = |i: usize| -> Result<i64, DecodeError> {
            let f = fields[i];
            // Reject `+`, spaces and the like: only what encode() writes.
            let digits = f.strip_prefix('-').unwrap_or(f);
            if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(DecodeError::NotANumber { index: i });
            }
            f.parse().map_err(|_| DecodeError::NotANumber { index: i })
        };
        let subscribed = if fields[7].is_empty() {
            None
        } else {
            Some(num(7)?)
        };
        let mut services = [ServiceCoefs::default(); 9];
        for (si, svc) in services.iter_mut().enumerate() {
            for (ci, c) in Coef::ALL.into_iter().enumerate() {
                svc.set(c, num(9 + si * 4 + ci)?);
            }
        }
        let mut setup_days = [0; 9];
        for (i, d) in setup_days.iter_mut().enumerate() {
            *d = num(45 + i)?;
        }
        let text = |i: usize| Some(decode_component(fields[i])).filter(|t| !t.is_empty());
        let params = Params {
            parts: num(0)?,
            salaries: num(1)?,
            running_costs: num(2)?,
            days_per_month: num(3)?,
            months_per_year: num(4)?,
            pooled_days: num(5)?,
            hours_per_day: num(6)?,
            subscribed,
            catch_up_days: num(8)?,
            services,
            setup_days,
            reference: text(54),
        };
        Ok(Model::new(params)?.with_contact(Contact {
            name: text(55),
            email: text(56),
        }))
    }
}
