//! The model's figures by name, for texts: the generator's
//! `{{ chiffre(nom="prix_part") }}` prints [`Figure::value`] with
//! [`Value::show`], the same formatting as the widget, so a page never
//! types a figure that the data file could change.

use crate::format as f;
use crate::model::{Centi, Cents, Coef, Model, Service};

/// A figure of the model. Names are the French ones maintainers write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Figure {
    /// Parts that fund the job (12).
    Parts,
    /// Parts already subscribed (when the data file says).
    Subscribed,
    /// Parts still available (when the data file says how many are subscribed).
    Available,
    Salaries,
    RunningCosts,
    Budget,
    /// Price of a part per year (2 000 €).
    PartPrice,
    /// Price of a part per month, rounded to the cent (166,67 €).
    PartPriceMonth,
    DaysPerPart,
    HoursPerPart,
    /// Cost of a day of work, rounded to the cent (222,22 €).
    DayRate,
    DaysPerMonth,
    MonthsWorked,
    /// The worker's days per year (132).
    WorkerDays,
    PooledDays,
    /// Days per year left for the structures (108).
    AvailableDays,
    HoursPerDay,
    CatchUpDays,
    /// Cost per year of N parts.
    CostPerYear,
    /// Cost per month of N parts, rounded to the cent.
    CostPerMonth,
    /// Days per year of N parts.
    DaysPerYear,
    /// Hours per year of N parts.
    HoursPerYear,
    /// Share of the job of N parts, rounded (`quote_part`).
    Share,
    /// A coefficient of a service (`services.maintenance.jours_par_poste`).
    Coef(Service, Coef),
    /// Set-up days of a service, the first year
    /// (`services.services_web.jours_de_mise_en_place`).
    Setup(Service),
}

/// The name of a service's set-up days, after `services.<service>.`.
const SETUP: &str = "jours_de_mise_en_place";

/// The figures with a plain name, and that name.
const NAMED: [(Figure, &str); 23] = [
    (Figure::Parts, "parts"),
    (Figure::Subscribed, "parts_souscrites"),
    (Figure::Available, "parts_disponibles"),
    (Figure::Salaries, "salaires"),
    (Figure::RunningCosts, "frais_de_fonctionnement"),
    (Figure::Budget, "budget"),
    (Figure::PartPrice, "prix_part"),
    (Figure::PartPriceMonth, "prix_part_mois"),
    (Figure::DaysPerPart, "jours_par_part"),
    (Figure::HoursPerPart, "heures_par_part"),
    (Figure::DayRate, "cout_journee"),
    (Figure::DaysPerMonth, "jours_par_mois"),
    (Figure::MonthsWorked, "mois_travailles"),
    (Figure::WorkerDays, "jours_travailles"),
    (Figure::PooledDays, "jours_mutualises"),
    (Figure::AvailableDays, "jours_disponibles"),
    (Figure::HoursPerDay, "heures_par_jour"),
    (Figure::CatchUpDays, "jours_de_rattrapage"),
    (Figure::CostPerYear, "cout_par_an"),
    (Figure::CostPerMonth, "cout_par_mois"),
    (Figure::DaysPerYear, "jours_par_an"),
    (Figure::HoursPerYear, "heures_par_an"),
    (Figure::Share, "quote_part"),
];

/// A figure's value in its unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// Cents.
    Money(Cents),
    /// Hundredths of a day.
    Days(Centi),
    /// Hundredths of an hour.
    Hours(Centi),
    /// Hundredths of a month.
    Months(Centi),
    /// Parts.
    Parts(i64),
    /// Hundredths of a percent.
    Percent(Centi),
}

impl Value {
    /// French text of the value, with its unit (`2 000 €`, `9 jours`,
    /// `12 parts`) or bare (`2 000`, `9`, `12`).
    pub fn show(self, with_unit: bool) -> String {
        match (self, with_unit) {
            (Value::Money(c), true) => f::money(c),
            (Value::Money(c), false) => f::money_amount(c),
            (Value::Days(v), true) => f::days(v),
            (Value::Hours(v), true) => f::hours(v),
            (Value::Months(v), true) => f::qty(v, "mois", "mois"),
            (Value::Parts(n), true) => f::count(n, "part", "parts"),
            (Value::Parts(n), false) => f::int(n),
            (Value::Percent(v), true) => f::percent(v),
            (Value::Days(v) | Value::Hours(v) | Value::Months(v) | Value::Percent(v), false) => {
                f::centi(v)
            }
        }
    }
}

/// Why a figure has no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FigureError {
    /// `parts_souscrites` and `parts_disponibles` need `poste.parts_souscrites`.
    NotInData(&'static str),
    /// A number of parts outside `1..=` the job's parts.
    PartsOutOfRange { parts: u32, total: u32 },
}

impl core::fmt::Display for FigureError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FigureError::NotInData(key) => write!(
                f,
                "ce chiffre n’existe que si le fichier de tarifs donne « {key} »"
            ),
            FigureError::PartsOutOfRange { parts, total } => write!(
                f,
                "parts={parts}\u{202f}: il faut un nombre de parts de 1 à {total}"
            ),
        }
    }
}

impl Figure {
    /// The figure called `name`: one of [`Figure::names`], or
    /// `services.<service>.<coefficient>`.
    pub fn from_name(name: &str) -> Option<Figure> {
        if let Some(rest) = name.strip_prefix("services.") {
            let (service, coef) = rest.split_once('.')?;
            let service = Service::ALL.into_iter().find(|s| s.key() == service)?;
            if coef == SETUP {
                return Some(Figure::Setup(service));
            }
            let coef = Coef::ALL.into_iter().find(|c| c.key() == coef)?;
            return Some(Figure::Coef(service, coef));
        }
        NAMED.iter().find(|(_, n)| *n == name).map(|(fig, _)| *fig)
    }

    /// The name maintainers write.
    pub fn name(self) -> String {
        match self {
            Figure::Coef(s, c) => ["services.", s.key(), ".", c.key()].concat(),
            Figure::Setup(s) => ["services.", s.key(), ".", SETUP].concat(),
            _ => NAMED
                .iter()
                .find(|(fig, _)| *fig == self)
                .map_or_else(String::new, |(_, n)| (*n).to_string()),
        }
    }

    /// Every figure name, plain names first (for suggestions and the docs).
    pub fn names() -> impl Iterator<Item = String> {
        Self::all().map(Figure::name)
    }

    /// Every figure.
    pub fn all() -> impl Iterator<Item = Figure> {
        let coefs = Service::ALL.into_iter().flat_map(|s| {
            Coef::ALL
                .into_iter()
                .map(move |c| Figure::Coef(s, c))
                .chain([Figure::Setup(s)])
        });
        NAMED.iter().map(|(fig, _)| *fig).chain(coefs)
    }

    /// Whether the figure is for a number of parts (`parts=N`, 1 by default).
    pub fn per_parts(self) -> bool {
        matches!(
            self,
            Figure::CostPerYear
                | Figure::CostPerMonth
                | Figure::DaysPerYear
                | Figure::HoursPerYear
                | Figure::Share
        )
    }

    /// The figure's value in `model`; `parts` is used by the figures that
    /// are [`per_parts`](Figure::per_parts).
    pub fn value(self, model: &Model, parts: u32) -> Result<Value, FigureError> {
        let total = model.total_parts();
        if self.per_parts() && !(1..=total).contains(&parts) {
            return Err(FigureError::PartsOutOfRange { parts, total });
        }
        let p = model.params();
        let subscribed = || {
            model
                .subscribed()
                .ok_or(FigureError::NotInData("poste.parts_souscrites"))
        };
        Ok(match self {
            Figure::Parts => Value::Parts(total.into()),
            Figure::Subscribed => Value::Parts(subscribed()?.into()),
            Figure::Available => Value::Parts((total - subscribed()?).into()),
            Figure::Salaries => Value::Money(p.salaries),
            Figure::RunningCosts => Value::Money(p.running_costs),
            Figure::Budget => Value::Money(model.budget()),
            Figure::PartPrice => Value::Money(model.part_price()),
            Figure::PartPriceMonth => Value::Money(model.monthly_cost_of(1)),
            Figure::DaysPerPart => Value::Days(model.days_per_part()),
            Figure::HoursPerPart => Value::Hours(model.hours_per_part()),
            Figure::DayRate => Value::Money(model.day_rate()),
            Figure::DaysPerMonth => Value::Days(p.days_per_month),
            Figure::MonthsWorked => Value::Months(p.months_per_year),
            Figure::WorkerDays => Value::Days(model.worker_days()),
            Figure::PooledDays => Value::Days(p.pooled_days),
            Figure::AvailableDays => Value::Days(model.available_days()),
            Figure::HoursPerDay => Value::Hours(model.hours_per_day()),
            Figure::CatchUpDays => Value::Days(model.catch_up_days()),
            Figure::CostPerYear => Value::Money(model.cost_of(parts)),
            Figure::CostPerMonth => Value::Money(model.monthly_cost_of(parts)),
            Figure::DaysPerYear => Value::Days(model.days_of(parts)),
            Figure::HoursPerYear => Value::Hours(model.hours_of(parts)),
            Figure::Share => Value::Percent(model.share_of(parts)),
            Figure::Coef(s, c) => Value::Days(model.coefs(s).get(c)),
            Figure::Setup(s) => Value::Days(model.setup_days(s)),
        })
    }

    /// Every value the model gives, with the call that prints it
    /// (`chiffre(nom="cout_par_an", parts=3)`): what a hand-typed number
    /// is compared with.
    pub fn every_value(model: &Model) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for fig in Self::all() {
            if fig.per_parts() {
                for n in 1..=model.total_parts() {
                    if let Ok(v) = fig.value(model, n) {
                        let call = if n == 1 {
                            format!("chiffre(nom=\"{}\")", fig.name())
                        } else {
                            format!("chiffre(nom=\"{}\", parts={n})", fig.name())
                        };
                        out.push((call, v));
                    }
                }
            } else if let Ok(v) = fig.value(model, 1) {
                out.push((format!("chiffre(nom=\"{}\")", fig.name()), v));
            }
        }
        out
    }
}
