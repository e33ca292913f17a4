//! The pricing model: base figures, validation and derived figures.
//!
//! Units: money is in integer **cents** ([`Cents`]); days, hours, months and
//! coefficients are in integer **hundredths** ([`Centi`]: `900` = 9 days,
//! `50` = half a day). No floating point, so the figures are exact,
//! reproducible natively and in wasm, and formatting needs no float code.

use core::fmt;

/// An amount of money in euro cents (`200_000` = 2 000 €).
pub type Cents = i64;
/// A quantity in hundredths (`900` = 9 days, `700` = 7 hours, `25` = 0.25).
pub type Centi = i64;

/// Upper bound of any amount of money in the model: 100 million euros.
pub const MAX_MONEY: Cents = 100_000_000 * 100;
/// Upper bound of the number of parts that fund the job.
pub const MAX_PARTS: i64 = 1_000;
/// Upper bound of any per-year number of days (a year has at most 366 days).
pub const MAX_DAYS_PER_YEAR: Centi = 366 * 100;

/// The services a structure can ask for. The order is the order of display,
/// of the data file and of [`Model::encode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    Assistance,
    Formations,
    Hebergement,
    Maintenance,
    Sauvegardes,
    Restaurations,
    ServicesWeb,
    Supervision,
    TravailCollaboratif,
}

impl Service {
    /// All services, in display order.
    pub const ALL: [Service; 9] = [
        Service::Assistance,
        Service::Formations,
        Service::Hebergement,
        Service::Maintenance,
        Service::Sauvegardes,
        Service::Restaurations,
        Service::ServicesWeb,
        Service::Supervision,
        Service::TravailCollaboratif,
    ];

    /// Key in the data file (`[services.KEY]`) and in the URL (`services=KEY,…`).
    pub const fn key(self) -> &'static str {
        match self {
            Service::Assistance => "assistance",
            Service::Formations => "formations",
            Service::Hebergement => "hebergement",
            Service::Maintenance => "maintenance",
            Service::Sauvegardes => "sauvegardes",
            Service::Restaurations => "restaurations",
            Service::ServicesWeb => "services_web",
            Service::Supervision => "supervision",
            Service::TravailCollaboratif => "travail_collaboratif",
        }
    }

    /// French label shown to visitors.
    pub const fn label(self) -> &'static str {
        match self {
            Service::Assistance => "Assistance",
            Service::Formations => "Formations",
            Service::Hebergement => "Hébergement",
            Service::Maintenance => "Maintenance",
            Service::Sauvegardes => "Sauvegardes",
            Service::Restaurations => "Restaurations",
            Service::ServicesWeb => "Services web",
            Service::Supervision => "Supervision",
            Service::TravailCollaboratif => "Travail collaboratif",
        }
    }

    /// Index in [`Service::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Finds a service from its key; also accepts accents, `-`, spaces and
    /// capitals (`Hébergement`, `services-web`, `travail collaboratif`).
    pub fn from_key(s: &str) -> Option<Service> {
        let mut norm = String::with_capacity(s.len());
        for c in s.trim().chars() {
            norm.push(match c {
                'é' | 'É' | 'è' | 'ê' => 'e',
                '-' | ' ' => '_',
                c => c.to_ascii_lowercase(),
            });
        }
        Service::ALL.into_iter().find(|s| s.key() == norm)
    }
}

/// A set of [`Service`]s (bit set, cheap to copy and compare).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ServiceSet(u16);

impl ServiceSet {
    /// The empty set.
    pub const EMPTY: ServiceSet = ServiceSet(0);

    pub fn contains(self, s: Service) -> bool {
        self.0 & (1 << s.index()) != 0
    }
    pub fn insert(&mut self, s: Service) {
        self.0 |= 1 << s.index();
    }
    pub fn remove(&mut self, s: Service) {
        self.0 &= !(1 << s.index());
    }
    /// Adds or removes `s`.
    pub fn set(&mut self, s: Service, on: bool) {
        if on {
            self.insert(s)
        } else {
            self.remove(s)
        }
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The services of the set, in display order.
    pub fn iter(self) -> impl Iterator<Item = Service> {
        Service::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}

impl FromIterator<Service> for ServiceSet {
    fn from_iter<I: IntoIterator<Item = Service>>(iter: I) -> Self {
        let mut set = ServiceSet::EMPTY;
        for s in iter {
            set.insert(s);
        }
        set
    }
}

/// Days of work a service needs per year, in hundredths of a day:
/// `per_year + per_poste × postes + per_serveur × serveurs + per_personne × personnes`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ServiceCoefs {
    /// Fixed days per year for the structure (`jours_par_an`).
    pub per_year: Centi,
    /// Days per year per workstation (`jours_par_poste`).
    pub per_poste: Centi,
    /// Days per year per server (`jours_par_serveur`).
    pub per_serveur: Centi,
    /// Days per year per person, staff or volunteer (`jours_par_personne`).
    pub per_personne: Centi,
}

/// Which coefficient of a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Coef {
    PerYear,
    PerPoste,
    PerServeur,
    PerPersonne,
}

impl Coef {
    pub const ALL: [Coef; 4] = [
        Coef::PerYear,
        Coef::PerPoste,
        Coef::PerServeur,
        Coef::PerPersonne,
    ];

    /// Key in the data file.
    pub const fn key(self) -> &'static str {
        match self {
            Coef::PerYear => "jours_par_an",
            Coef::PerPoste => "jours_par_poste",
            Coef::PerServeur => "jours_par_serveur",
            Coef::PerPersonne => "jours_par_personne",
        }
    }
}

impl ServiceCoefs {
    pub fn get(&self, c: Coef) -> Centi {
        match c {
            Coef::PerYear => self.per_year,
            Coef::PerPoste => self.per_poste,
            Coef::PerServeur => self.per_serveur,
            Coef::PerPersonne => self.per_personne,
        }
    }
    pub fn set(&mut self, c: Coef, v: Centi) {
        match c {
            Coef::PerYear => self.per_year = v,
            Coef::PerPoste => self.per_poste = v,
            Coef::PerServeur => self.per_serveur = v,
            Coef::PerPersonne => self.per_personne = v,
        }
    }
}

/// The base figures, as typed by the maintainer (possibly invalid).
/// [`Model::new`] validates them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Params {
    /// Number of parts that fund the job (`poste.parts`, 12).
    pub parts: i64,
    /// Salaries per year, in cents (`poste.salaires_par_an`, 20 000 €).
    pub salaries: Cents,
    /// Running costs per year, in cents (`poste.frais_de_fonctionnement_par_an`, 4 000 €).
    pub running_costs: Cents,
    /// Worker's days per month, hundredths (`poste.jours_par_mois`, 12).
    pub days_per_month: Centi,
    /// Months worked per year, hundredths (`poste.mois_travailles_par_an`, 11).
    pub months_per_year: Centi,
    /// Days per year for pooled services and running the association,
    /// hundredths (`poste.jours_mutualises_par_an`, 24).
    pub pooled_days: Centi,
    /// Hours in a day of work, hundredths (`poste.heures_par_jour`, 7).
    pub hours_per_day: Centi,
    /// Parts already subscribed, if published (`poste.parts_souscrites`).
    pub subscribed: Option<i64>,
    /// One-off catch-up of a neglected installation, days in hundredths
    /// (`estimation.jours_de_rattrapage`, 15).
    pub catch_up_days: Centi,
    /// Coefficients of each service, indexed by [`Service::index`].
    pub services: [ServiceCoefs; 9],
    /// Set-up days of each service, counted the first year only, hundredths,
    /// indexed by [`Service::index`] (`services.KEY.jours_de_mise_en_place`).
    pub setup_days: [Centi; 9],
    /// The tariff's reference, printed on an estimate (`tarif.reference`:
    /// a year or a version, `2026`).
    pub reference: Option<String>,
}

/// How to reach the association, from the site's configuration (not the
/// data file): printed on an estimate and used by « Envoyer cette
/// estimation ». Set by the generator with [`Model::with_contact`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Contact {
    /// The association's name (`[organisation] name`).
    pub name: Option<String>,
    /// Its e-mail address (`[organisation] email`).
    pub email: Option<String>,
}

/// A validated field of [`Params`], named after its data-file key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Parts,
    Salaries,
    RunningCosts,
    DaysPerMonth,
    MonthsPerYear,
    PooledDays,
    HoursPerDay,
    Subscribed,
    CatchUpDays,
    Service(Service, Coef),
    /// `services.KEY.jours_de_mise_en_place`.
    Setup(Service),
}

/// Unit of a [`Field`], for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Integer count.
    Count,
    /// Cents, shown in euros.
    Money,
    /// Hundredths of a day.
    Days,
    /// Hundredths of a month.
    Months,
    /// Hundredths of an hour.
    Hours,
}

impl Field {
    /// Full key in the data file, e.g. `poste.parts` or
    /// `services.assistance.jours_par_poste`.
    pub fn key(self) -> String {
        match self {
            Field::Parts => "poste.parts".into(),
            Field::Salaries => "poste.salaires_par_an".into(),
            Field::RunningCosts => "poste.frais_de_fonctionnement_par_an".into(),
            Field::DaysPerMonth => "poste.jours_par_mois".into(),
            Field::MonthsPerYear => "poste.mois_travailles_par_an".into(),
            Field::PooledDays => "poste.jours_mutualises_par_an".into(),
            Field::HoursPerDay => "poste.heures_par_jour".into(),
            Field::Subscribed => "poste.parts_souscrites".into(),
            Field::CatchUpDays => "estimation.jours_de_rattrapage".into(),
            Field::Service(s, c) => {
                let mut k = String::from("services.");
                k.push_str(s.key());
                k.push('.');
                k.push_str(c.key());
                k
            }
            Field::Setup(s) => ["services.", s.key(), ".jours_de_mise_en_place"].concat(),
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Field::Parts | Field::Subscribed => Unit::Count,
            Field::Salaries | Field::RunningCosts => Unit::Money,
            Field::MonthsPerYear => Unit::Months,
            Field::HoursPerDay => Unit::Hours,
            Field::DaysPerMonth
            | Field::PooledDays
            | Field::CatchUpDays
            | Field::Service(..)
            | Field::Setup(_) => Unit::Days,
        }
    }

    /// Formats a value of this field in its unit (for messages).
    pub fn show(self, v: i64) -> String {
        use crate::format as f;
        match self.unit() {
            Unit::Count => f::int(v),
            Unit::Money => f::money(v),
            Unit::Days => f::qty(v, "jour", "jours"),
            Unit::Months => f::qty(v, "mois", "mois"),
            Unit::Hours => f::qty(v, "heure", "heures"),
        }
    }
}

/// What is wrong with a [`Field`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Must be > 0.
    NotPositive,
    /// Must be ≥ 0.
    Negative,
    /// Above the sane maximum (in the field's unit).
    TooLarge { max: i64 },
    /// Pooled days leave no day for the structures.
    PooledDaysTooMany { worker_days: Centi },
    /// More parts subscribed than parts in the job.
    SubscribedExceedsTotal { total: i64 },
    /// Budget ÷ parts rounds to 0 cents.
    PartPriceZero,
    /// Days available ÷ parts rounds to 0 hundredths of a day.
    DaysPerPartZero,
}

/// A validation error: which key, which value, what is wrong. Its
/// [`Display`](fmt::Display) is a French sentence for the maintainer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    pub field: Field,
    /// The value read, in the field's unit (see [`Field::unit`]).
    pub value: i64,
    pub problem: Problem,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.field.show(self.value);
        write!(
            f,
            "clé « {} » (valeur\u{202f}: {shown})\u{202f}: ",
            self.field.key()
        )?;
        match &self.problem {
            Problem::NotPositive => f.write_str("doit être strictement positive"),
            Problem::Negative => f.write_str("ne peut pas être négative"),
            Problem::TooLarge { max } => {
                write!(f, "valeur trop grande (au plus {})", self.field.show(*max))
            }
            Problem::PooledDaysTooMany { worker_days } => write!(
                f,
                "les jours mutualisés doivent être moins nombreux que les jours travaillés \
                 par an ({} = jours_par_mois × mois_travailles_par_an), sinon il ne reste \
                 aucun jour pour les structures",
                crate::format::qty(*worker_days, "jour", "jours")
            ),
            Problem::SubscribedExceedsTotal { total } => write!(
                f,
                "plus de parts souscrites que de parts dans le poste ({})",
                crate::format::int(*total)
            ),
            Problem::PartPriceZero => {
                f.write_str("le prix d’une part (budget ÷ parts) serait de 0\u{a0}€")
            }
            Problem::DaysPerPartZero => f.write_str(
                "une part donnerait 0 jour de travail (jours disponibles ÷ parts trop petit)",
            ),
        }
    }
}

impl std::error::Error for ModelError {}

/// Division of non-negative numbers rounded to nearest (halves up).
pub(crate) fn div_round(n: i64, d: i64) -> i64 {
    if d == 0 {
        return 0;
    }
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    if n >= 0 {
        (n + d / 2) / d
    } else {
        -((-n + d / 2) / d)
    }
}

/// Division of non-negative numbers rounded up.
pub(crate) fn div_ceil(n: i64, d: i64) -> i64 {
    if d <= 0 {
        return 0;
    }
    if n <= 0 {
        return 0;
    }
    (n + d - 1) / d
}

/// The validated pricing model with its derived figures (computed once,
/// never typed twice).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Model {
    params: Params,
    contact: Contact,
    parts: u32,
    budget: Cents,
    part_price: Cents,
    worker_days: Centi,
    available_days: Centi,
    days_per_part: Centi,
    hours_per_part: Centi,
    day_rate: Cents,
}

fn check(field: Field, value: i64, min_positive: bool, max: i64) -> Result<(), ModelError> {
    let problem = if min_positive && value <= 0 {
        Problem::NotPositive
    } else if value < 0 {
        Problem::Negative
    } else if value > max {
        Problem::TooLarge { max }
    } else {
        return Ok(());
    };
    Err(ModelError {
        field,
        value,
        problem,
    })
}

impl Model {
    /// Validates the base figures and computes the derived ones.
    ///
    /// Errors name the data-file key: zero or negative money/days/parts,
    /// absurdly large values, pooled days ≥ worker's days, subscribed parts
    /// > total parts, a part price or days per part that round to zero.
    pub fn new(params: Params) -> Result<Model, ModelError> {
        let p = &params;
        check(Field::Parts, p.parts, true, MAX_PARTS)?;
        check(Field::Salaries, p.salaries, true, MAX_MONEY)?;
        check(Field::RunningCosts, p.running_costs, false, MAX_MONEY)?;
        check(Field::DaysPerMonth, p.days_per_month, true, 31 * 100)?;
        check(Field::MonthsPerYear, p.months_per_year, true, 12 * 100)?;
        check(Field::PooledDays, p.pooled_days, false, MAX_DAYS_PER_YEAR)?;
        check(Field::HoursPerDay, p.hours_per_day, true, 24 * 100)?;
        check(
            Field::CatchUpDays,
            p.catch_up_days,
            false,
            MAX_DAYS_PER_YEAR,
        )?;
        for s in Service::ALL {
            for c in Coef::ALL {
                check(
                    Field::Service(s, c),
                    p.services[s.index()].get(c),
                    false,
                    MAX_DAYS_PER_YEAR,
                )?;
            }
            check(
                Field::Setup(s),
                p.setup_days[s.index()],
                false,
                MAX_DAYS_PER_YEAR,
            )?;
        }
        if let Some(sub) = p.subscribed {
            check(Field::Subscribed, sub, false, MAX_PARTS)?;
            if sub > p.parts {
                return Err(ModelError {
                    field: Field::Subscribed,
                    value: sub,
                    problem: Problem::SubscribedExceedsTotal { total: p.parts },
                });
            }
        }
        // All values are bounded above, so no product below can overflow.
        let worker_days = div_round(p.days_per_month * p.months_per_year, 100);
        if p.pooled_days >= worker_days {
            return Err(ModelError {
                field: Field::PooledDays,
                value: p.pooled_days,
                problem: Problem::PooledDaysTooMany { worker_days },
            });
        }
        let budget = p.salaries + p.running_costs;
        let part_price = div_round(budget, p.parts);
        if part_price <= 0 {
            return Err(ModelError {
                field: Field::Parts,
                value: p.parts,
                problem: Problem::PartPriceZero,
            });
        }
        let available_days = worker_days - p.pooled_days;
        let days_per_part = div_round(available_days, p.parts);
        if days_per_part <= 0 {
            return Err(ModelError {
                field: Field::Parts,
                value: p.parts,
                problem: Problem::DaysPerPartZero,
            });
        }
        let hours_per_part = div_round(days_per_part * p.hours_per_day, 100);
        let day_rate = div_round(part_price * 100, days_per_part);
        Ok(Model {
            parts: p.parts as u32,
            budget,
            part_price,
            worker_days,
            available_days,
            days_per_part,
            hours_per_part,
            day_rate,
            params,
            contact: Contact::default(),
        })
    }

    /// The base figures this model was built from.
    pub fn params(&self) -> &Params {
        &self.params
    }
    /// Number of parts that fund the job (12).
    pub fn total_parts(&self) -> u32 {
        self.parts
    }
    /// Parts already subscribed, if published.
    pub fn subscribed(&self) -> Option<u32> {
        self.params.subscribed.map(|s| s as u32)
    }
    /// Parts still available, if the subscribed parts are published.
    pub fn remaining_parts(&self) -> Option<u32> {
        self.subscribed().map(|s| self.parts.saturating_sub(s))
    }
    /// Budget per year (salaries + running costs), cents (24 000 €).
    pub fn budget(&self) -> Cents {
        self.budget
    }
    /// Price of one part per year = budget ÷ parts, rounded to the cent (2 000 €).
    pub fn part_price(&self) -> Cents {
        self.part_price
    }
    /// Worker's days per year = days per month × months, hundredths (132).
    pub fn worker_days(&self) -> Centi {
        self.worker_days
    }
    /// Days per year left for the structures = worker's days − pooled days (108).
    pub fn available_days(&self) -> Centi {
        self.available_days
    }
    /// Days of work per part per year = available days ÷ parts, rounded to
    /// the hundredth (9).
    pub fn days_per_part(&self) -> Centi {
        self.days_per_part
    }
    /// Hours per part per year = days per part × hours per day (63).
    pub fn hours_per_part(&self) -> Centi {
        self.hours_per_part
    }
    /// Cost of a day of work = part price ÷ days per part, cents (222,22 €).
    pub fn day_rate(&self) -> Cents {
        self.day_rate
    }
    /// Cost per year of `parts` parts = parts × part price.
    pub fn cost_of(&self, parts: u32) -> Cents {
        self.part_price.saturating_mul(parts as i64)
    }
    /// Cost per month of `parts` parts = cost per year ÷ 12, to the cent.
    pub fn monthly_cost_of(&self, parts: u32) -> Cents {
        div_round(self.cost_of(parts), 12)
    }
    /// Days per year of `parts` parts = parts × days per part.
    pub fn days_of(&self, parts: u32) -> Centi {
        self.days_per_part.saturating_mul(parts as i64)
    }
    /// Hours per year of `parts` parts = parts × hours per part.
    pub fn hours_of(&self, parts: u32) -> Centi {
        self.hours_per_part.saturating_mul(parts as i64)
    }
    /// Share of the pool in hundredths of a percent (`833` = 8,33 %).
    pub fn share_of(&self, parts: u32) -> Centi {
        div_round(parts as i64 * 10_000, self.parts as i64)
    }
    /// How many whole parts a budget per year buys: ⌊budget ÷ part price⌋
    /// (0 for a budget below one part or negative).
    pub fn parts_for_budget(&self, budget: Cents) -> u32 {
        if budget <= 0 {
            return 0;
        }
        (budget / self.part_price).min(u32::MAX as i64) as u32
    }
    /// Parts needed to cover `days` per year: ⌈days ÷ days per part⌉, at least 1.
    pub fn parts_for_days(&self, days: Centi) -> u32 {
        div_ceil(days, self.days_per_part).clamp(1, u32::MAX as i64) as u32
    }
    /// Coefficients of one service.
    pub fn coefs(&self, s: Service) -> ServiceCoefs {
        self.params.services[s.index()]
    }
    /// Set-up days of one service, counted the first year only.
    pub fn setup_days(&self, s: Service) -> Centi {
        self.params.setup_days[s.index()]
    }
    /// The tariff's reference (`2026`), if the data file gives one.
    pub fn reference(&self) -> Option<&str> {
        self.params.reference.as_deref()
    }
    /// How to reach the association (empty unless the generator set it).
    pub fn contact(&self) -> &Contact {
        &self.contact
    }
    /// The same model with the association's name and address; blank
    /// values count as unset.
    pub fn with_contact(mut self, contact: Contact) -> Model {
        let keep = |v: Option<String>| v.filter(|t| !t.trim().is_empty());
        self.contact = Contact {
            name: keep(contact.name),
            email: keep(contact.email),
        };
        self
    }
    /// One-off catch-up days (15).
    pub fn catch_up_days(&self) -> Centi {
        self.params.catch_up_days
    }
    /// Hours in a day of work (7).
    pub fn hours_per_day(&self) -> Centi {
        self.params.hours_per_day
    }
}
