//! Compact text encoding of a [`Model`] for the browser (no serde).
//!
//! The generator writes [`Model::encode`] in the `data-calculateur-model`
//! attribute of the mount element; the widget reads it back with
//! [`Model::decode`], so editing `content/tarifs.toml` never requires
//! rebuilding the wasm.
//!
//! Format: `amie1,` followed by 45 comma-separated decimal integers, in this
//! order: parts, salaries (cents), running costs (cents), days per month,
//! months per year, pooled days, hours per day (hundredths), subscribed parts
//! (empty when not published), catch-up days (hundredths), then for each
//! service of [`Service::ALL`] its 4 coefficients in [`Coef::ALL`] order
//! (hundredths of a day). Only ASCII digits, `-`, `,` and letters: safe in an
//! HTML attribute without escaping.

use core::fmt;

use crate::model::{Coef, Model, ModelError, Params, Service, ServiceCoefs};

const PREFIX: &str = "amie1,";
const COUNT: usize = 9 + 9 * 4;

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
        let mut s = String::from("amie1");
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
        };
        Ok(Model::new(params)?)
    }
}
