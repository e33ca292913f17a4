//! Estimates: from a structure's profile, from a number of parts, from a
//! budget. All three give the same [`Estimate`], with a plain-language
//! French explanation of how the number was reached.

use crate::format as f;
use crate::model::{Centi, Cents, Model, Service, ServiceCoefs, ServiceSet};

/// Upper bound of workstations in a profile.
pub const MAX_POSTES: u32 = 1_000;
/// Upper bound of servers in a profile.
pub const MAX_SERVEURS: u32 = 100;
/// Upper bound of people (staff and volunteers) in a profile.
pub const MAX_PERSONNES: u32 = 10_000;
/// Upper bound of the parts a visitor may ask for (past the whole job, the
/// estimate says the association would have to grow).
pub const MAX_PARTS_ASKED: u32 = 1_000;
/// Upper bound of a budget per year: 10 million euros, in cents.
pub const MAX_BUDGET: Cents = 10_000_000 * 100;

/// A structure's profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Profile {
    /// Workstations.
    pub postes: u32,
    /// Servers.
    pub serveurs: u32,
    /// People: staff and volunteers.
    pub personnes: u32,
    /// Services wanted.
    pub services: ServiceSet,
    /// Needs a one-off catch-up of its installation.
    pub rattrapage: bool,
}

impl Default for Profile {
    /// The example shown before the visitor types anything: a small
    /// association with 5 workstations, 1 server, 8 people, wanting
    /// assistance, maintenance and backups.
    fn default() -> Self {
        Profile {
            postes: 5,
            serveurs: 1,
            personnes: 8,
            services: [
                Service::Assistance,
                Service::Maintenance,
                Service::Sauvegardes,
            ]
            .into_iter()
            .collect(),
            rattrapage: false,
        }
    }
}

/// The result shown to the visitor, whatever the way in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// Recommended or chosen parts (≥ 1).
    pub parts: u32,
    /// Cost per year, cents.
    pub cost_per_year: Cents,
    /// Cost per month (per year ÷ 12), cents.
    pub cost_per_month: Cents,
    /// Days of work per year the parts give, hundredths.
    pub days_per_year: Centi,
    /// Hours of work per year the parts give, hundredths.
    pub hours_per_year: Centi,
    /// Share of the pool, hundredths of a percent (`2500` = 25 %).
    pub share: Centi,
    /// More parts than the whole job.
    pub exceeds_pool: bool,
    /// Days needed the first year by the profile (profile estimates only):
    /// recurring days + set-up days + the catch-up if any.
    pub days_needed: Option<Centi>,
    /// Days needed every year by the profile (profile estimates only).
    pub recurring_days: Option<Centi>,
    /// Set-up days of the chosen services, counted the first year only.
    pub setup_days: Centi,
    /// Catch-up days counted the first year (0 without the catch-up).
    pub catch_up_days: Centi,
    /// Parts needed the following years, when the first year counts
    /// set-up or catch-up days (profile estimates only).
    pub parts_following_years: Option<u32>,
    /// How the number was reached, one French sentence per line.
    pub explanation: Vec<String>,
}

/// One service of a profile estimate: how its days are counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceLine {
    pub service: Service,
    /// The terms added up, in French: `1 jour`, `3 postes × 0,5 jour`
    /// (empty when every coefficient of the service is 0).
    pub terms: Vec<String>,
    /// Days per year, hundredths.
    pub days: Centi,
}

impl ServiceLine {
    /// `3 postes × 0,5 jour + 4 personnes × 0,25 jour`, or `0 jour`.
    pub fn calculation(&self) -> String {
        if self.terms.is_empty() {
            f::days(0)
        } else {
            self.terms.join(" + ")
        }
    }
}

/// Why a typed value was refused. [`InputError::message`] is the French
/// inline message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    Empty,
    NotANumber,
    NotWhole,
    Negative,
    TooManyDecimals,
    /// Below the minimum (shown as is, in the field's unit).
    TooSmall(String),
    /// Above the maximum (shown as is, in the field's unit).
    TooLarge(String),
}

impl InputError {
    /// French message for the visitor.
    pub fn message(&self) -> String {
        match self {
            InputError::Empty => "Indiquez un nombre.".into(),
            InputError::NotANumber => "Ce n’est pas un nombre.".into(),
            InputError::NotWhole => "Indiquez un nombre entier.".into(),
            InputError::Negative => "Le nombre ne peut pas être négatif.".into(),
            InputError::TooManyDecimals => "Au plus deux chiffres après la virgule.".into(),
            InputError::TooSmall(min) => format!("Au moins {min}."),
            InputError::TooLarge(max) => format!("Au plus {max}."),
        }
    }
}

impl core::fmt::Display for InputError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message())
    }
}

/// Removes blanks (spaces, U+00A0, U+202F, U+2009) that visitors type as
/// thousands separators.
fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}' | '\t'))
        .collect()
}

/// Parses a whole number typed by a visitor (`12`, `1 000`) within `min..=max`.
/// Never panics; any input gives a value or an [`InputError`].
pub fn parse_count(s: &str, min: u32, max: u32) -> Result<u32, InputError> {
    let s = compact(s);
    if s.is_empty() {
        return Err(InputError::Empty);
    }
    let (neg, digits) = match s.strip_prefix('-').or_else(|| s.strip_prefix('\u{2212}')) {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    if digits.is_empty() {
        return Err(InputError::NotANumber);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        let decimal = digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
            && digits.bytes().filter(|b| *b == b',' || *b == b'.').count() == 1;
        return Err(if decimal {
            InputError::NotWhole
        } else {
            InputError::NotANumber
        });
    }
    if neg && digits.bytes().any(|b| b != b'0') {
        return Err(InputError::Negative);
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 9 {
        return Err(InputError::TooLarge(f::int(max as i64)));
    }
    let n: u32 = trimmed.parse().unwrap_or(0);
    if n < min {
        return Err(InputError::TooSmall(f::int(min as i64)));
    }
    if n > max {
        return Err(InputError::TooLarge(f::int(max as i64)));
    }
    Ok(n)
}

/// Parses an amount in euros typed by a visitor (`6000`, `6 000`,
/// `6000,50`, `6000.5`, `6 000 €`) into cents within `0..=max`.
pub fn parse_money(s: &str, max: Cents) -> Result<Cents, InputError> {
    let s = compact(s);
    let s = s.strip_suffix('€').unwrap_or(&s);
    let s = s.strip_suffix("EUR").unwrap_or(s);
    if s.is_empty() {
        return Err(InputError::Empty);
    }
    let (neg, body) = match s.strip_prefix('-').or_else(|| s.strip_prefix('\u{2212}')) {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (whole, frac) = match body.find([',', '.']) {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, ""),
    };
    let ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !ok(whole) || !ok(frac) {
        return Err(InputError::NotANumber);
    }
    if neg && body.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        return Err(InputError::Negative);
    }
    if frac.len() > 2 {
        return Err(InputError::TooManyDecimals);
    }
    let whole = whole.trim_start_matches('0');
    let too_large = || InputError::TooLarge(f::money(max));
    if whole.len() > 15 {
        return Err(too_large());
    }
    let euros: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| too_large())?
    };
    let mut cents: i64 = frac.parse().unwrap_or(0);
    if frac.len() == 1 {
        cents *= 10;
    }
    let total = euros.checked_mul(100).and_then(|e| e.checked_add(cents));
    match total {
        Some(t) if t <= max => Ok(t),
        _ => Err(too_large()),
    }
}

impl Profile {
    /// Days per year one service needs for this profile, hundredths.
    pub fn service_days(&self, model: &Model, s: Service) -> Centi {
        let c = model.coefs(s);
        c.per_year
            + c.per_poste * self.postes as i64
            + c.per_serveur * self.serveurs as i64
            + c.per_personne * self.personnes as i64
    }

    /// Clamps the counts to their bounds (profiles from code or tests).
    pub fn clamped(mut self) -> Profile {
        self.postes = self.postes.min(MAX_POSTES);
        self.serveurs = self.serveurs.min(MAX_SERVEURS);
        self.personnes = self.personnes.min(MAX_PERSONNES);
        self
    }
}

/// What only the first year counts: `la mise en place`, `le rattrapage`
/// or both.
fn what_first_year(setup: Centi, catch_up: Centi) -> &'static str {
    match (setup > 0, catch_up > 0) {
        (true, true) => "la mise en place ni le rattrapage",
        (true, false) => "la mise en place",
        _ => "le rattrapage",
    }
}

/// `a × b` for the explanation: `5 postes × 0,5 jour`.
fn times(n: u32, singular: &str, plural: &str, coef: Centi) -> String {
    let mut s = f::count(n as i64, singular, plural);
    s.push_str(" × ");
    s.push_str(&f::days(coef));
    s
}

impl Model {
    fn base_estimate(&self, parts: u32) -> Estimate {
        Estimate {
            parts,
            cost_per_year: self.cost_of(parts),
            cost_per_month: self.monthly_cost_of(parts),
            days_per_year: self.days_of(parts),
            hours_per_year: self.hours_of(parts),
            // Never more than the whole job: past it, the explanation says
            // the association would have to grow.
            share: self.share_of(parts.min(self.total_parts())),
            exceeds_pool: parts > self.total_parts(),
            days_needed: None,
            recurring_days: None,
            setup_days: 0,
            catch_up_days: 0,
            parts_following_years: None,
            explanation: Vec::new(),
        }
    }

    /// The closing lines common to every estimate: cost, days, hours, share.
    fn explain_outputs(&self, e: &mut Estimate) {
        let p = f::parts(e.parts);
        let lines = &mut e.explanation;
        lines.push(format!(
            "Une part coûte {} par an\u{202f}: {p} × {} = {} par an, soit {}{} par mois.",
            f::money(self.part_price()),
            f::money(self.part_price()),
            f::money(e.cost_per_year),
            f::about(e.cost_per_year % 12 == 0),
            f::money(e.cost_per_month),
        ));
        lines.push(format!(
            "Une part donne {} de travail par an\u{202f}: {p} × {} = {} par an, soit {} \
             à raison de {} par jour.",
            f::days(self.days_per_part()),
            f::days(self.days_per_part()),
            f::days(e.days_per_year),
            f::hours(e.hours_per_year),
            f::hours(self.hours_per_day()),
        ));
        if !e.exceeds_pool {
            let exact_share = (e.parts as i64 * 10_000) % self.total_parts() as i64 == 0;
            lines.push(format!(
                "{p} sur {}\u{202f}: quote-part du poste de {}{}.",
                f::int(self.total_parts() as i64),
                f::about(exact_share),
                f::percent(e.share),
            ));
        }
        if e.exceeds_pool {
            lines.push(self.past_the_job());
        } else if let Some(rest) = self.remaining_parts() {
            if rest == 0 {
                lines.push(
                    "Toutes les parts sont souscrites\u{202f}: contactez-nous pour en parler."
                        .into(),
                );
            } else if e.parts > rest {
                lines.push(format!(
                    "Il ne reste que {} disponible{} sur {}\u{202f}: contactez-nous pour en parler.",
                    f::parts(rest),
                    if rest < 2 { "" } else { "s" },
                    f::parts(self.total_parts()),
                ));
            }
        }
    }

    /// The one explanation of every estimate above the whole job, whatever
    /// the way in (profile, parts or budget).
    pub fn past_the_job(&self) -> String {
        format!(
            "C’est plus que le poste entier, qui compte {}\u{202f}: pour un besoin plus grand, \
             l’association devrait grandir (un autre poste). Contactez-nous pour en parler.",
            f::parts(self.total_parts()),
        )
    }

    /// How each service of `profile` counts its days per year.
    pub fn service_lines(&self, profile: &Profile) -> Vec<ServiceLine> {
        let profile = profile.clamped();
        profile
            .services
            .iter()
            .map(|s| {
                let c = self.coefs(s);
                let mut terms = Vec::new();
                if c.per_year != 0 {
                    terms.push(f::days(c.per_year));
                }
                let counts = [
                    (profile.postes, "poste", "postes", c.per_poste),
                    (profile.serveurs, "serveur", "serveurs", c.per_serveur),
                    (profile.personnes, "personne", "personnes", c.per_personne),
                ];
                // A count of 0 adds nothing: the line shows what counts.
                for (n, singular, plural, coef) in counts {
                    if coef != 0 && n != 0 {
                        terms.push(times(n, singular, plural, coef));
                    }
                }
                ServiceLine {
                    service: s,
                    terms,
                    days: profile.service_days(self, s),
                }
            })
            .collect()
    }

    /// Set-up days of the services of `profile`, counted the first year.
    pub fn setup_days_of(&self, profile: &Profile) -> Centi {
        profile.services.iter().map(|s| self.setup_days(s)).sum()
    }

    /// Estimate from a structure's profile: days needed per service, plus
    /// the set-up of the chosen services and the catch-up the first year,
    /// ÷ days per part, rounded up, at least 1. The parts shown are the
    /// first year's; the following years' are given apart.
    pub fn estimate_profile(&self, profile: &Profile) -> Estimate {
        let profile = profile.clamped();
        let mut lines = Vec::new();
        let mut recurring: Centi = 0;
        for line in self.service_lines(&profile) {
            recurring += line.days;
            let label = line.service.label();
            let coefs = self.coefs(line.service);
            lines.push(match line.terms.len() {
                0 if coefs == ServiceCoefs::default() => {
                    format!("{label}\u{202f}: compris dans les services mutualisés (0 jour).")
                }
                0 => format!("{label}\u{202f}: 0 jour par an."),
                1 if coefs.per_year != 0 => {
                    format!("{label}\u{202f}: {} par an.", f::days(line.days))
                }
                _ => format!(
                    "{label}\u{202f}: {} = {} par an.",
                    line.calculation(),
                    f::days(line.days)
                ),
            });
        }
        if profile.services.is_empty() {
            lines.push("Aucun service choisi.".into());
        }
        let setup = self.setup_days_of(&profile);
        let catch_up = if profile.rattrapage {
            self.catch_up_days()
        } else {
            0
        };
        let first_year = recurring + setup + catch_up;
        if setup > 0 {
            let terms: Vec<String> = profile
                .services
                .iter()
                .filter(|s| self.setup_days(*s) > 0)
                .map(|s| [s.label(), " ", &f::days(self.setup_days(s))].concat())
                .collect();
            let mut line =
                String::from("Mise en place des services, la première année seulement\u{202f}: ");
            line.push_str(&terms.join(" + "));
            if terms.len() > 1 {
                line.push_str(" = ");
                line.push_str(&f::days(setup));
            }
            line.push('.');
            lines.push(line);
        }
        if profile.rattrapage {
            lines.push(
                [
                    "Rattrapage de l’installation\u{202f}: ",
                    &f::days(catch_up),
                    " de travail, une seule fois, comptés la première année.",
                ]
                .concat(),
            );
        }
        let extra = setup + catch_up > 0;
        lines.push(if extra {
            [
                "Total la première année\u{202f}: ",
                &f::days(first_year),
                " de travail (",
                &f::days(recurring),
                " par an + ",
                &f::days(setup + catch_up),
                " la première année).",
            ]
            .concat()
        } else {
            [
                "Total\u{202f}: ",
                &f::days(first_year),
                " de travail par an.",
            ]
            .concat()
        });
        let parts = self.parts_for_days(first_year);
        if first_year <= 0 {
            lines.push("Le calcul compte au moins une part\u{202f}: 1 part.".into());
        } else {
            let exact = (first_year * 100) % self.days_per_part() == 0;
            lines.push(format!(
                "Une part donne {} par an\u{202f}: {} ÷ {} {} {}, arrondi à la part supérieure\u{202f}: {}{}.",
                f::days(self.days_per_part()),
                f::centi(first_year),
                f::centi(self.days_per_part()),
                f::equals(exact),
                f::centi(crate::model::div_round(first_year * 100, self.days_per_part())),
                f::parts(parts),
                if extra { " la première année" } else { "" },
            ));
        }
        let mut e = self.base_estimate(parts);
        e.days_needed = Some(first_year);
        e.recurring_days = Some(recurring);
        e.setup_days = setup;
        e.catch_up_days = catch_up;
        if extra {
            let after = self.parts_for_days(recurring);
            e.parts_following_years = Some(after);
            let mut line = [
                "Les années suivantes, sans ",
                what_first_year(setup, catch_up),
                " (",
                &f::days(recurring),
                "), ",
            ]
            .concat();
            if after < parts {
                line.push_str(&f::parts(after));
                line.push_str(if after < 2 {
                    " suffirait"
                } else {
                    " suffiraient"
                });
                line.push_str(", soit ");
                line.push_str(&f::money(self.cost_of(after)));
                line.push_str(" par an.");
            } else {
                line.push_str("il faut toujours ");
                line.push_str(&f::parts(after));
                line.push('.');
            }
            lines.push(line);
        }
        e.explanation = lines;
        self.explain_outputs(&mut e);
        e
    }

    /// Estimate for a chosen number of parts (`1..=`[`MAX_PARTS_ASKED`]);
    /// past the whole job it says so, like the other ways in.
    pub fn estimate_parts(&self, parts: u32) -> Result<Estimate, InputError> {
        if parts < 1 {
            return Err(InputError::TooSmall(f::parts(1)));
        }
        if parts > MAX_PARTS_ASKED {
            return Err(InputError::TooLarge(f::parts(MAX_PARTS_ASKED)));
        }
        let mut e = self.base_estimate(parts);
        e.explanation
            .push(format!("Vous choisissez {}.", f::parts(parts)));
        self.explain_outputs(&mut e);
        Ok(e)
    }

    /// Estimate for a budget per year (cents, `0..=MAX_BUDGET`): ⌊budget ÷
    /// part price⌋ parts, at least 1 (explained when the budget is below
    /// one part), with what is left unused and the next part up.
    pub fn estimate_budget(&self, budget: Cents) -> Result<Estimate, InputError> {
        if budget < 0 {
            return Err(InputError::Negative);
        }
        if budget > MAX_BUDGET {
            return Err(InputError::TooLarge(f::money(MAX_BUDGET)));
        }
        let price = self.part_price();
        let whole = self.parts_for_budget(budget);
        let mut lines = Vec::new();
        let parts = if whole == 0 {
            lines.push(format!(
                "Votre budget ({}) est inférieur au prix d’une part ({} par an)\u{202f}: \
                 le calcul compte au moins une part, soit {} de plus par an.",
                f::money(budget),
                f::money(price),
                f::money(price - budget),
            ));
            1
        } else {
            let exact = budget % price == 0;
            let quotient = f::centi(crate::model::div_round(budget * 100, price));
            lines.push(if exact {
                format!(
                    "Avec {} par an et une part à {}\u{202f}: {} ÷ {} = {quotient}\u{202f}: {}.",
                    f::money(budget),
                    f::money(price),
                    f::money(budget),
                    f::money(price),
                    f::parts(whole),
                )
            } else {
                format!(
                    "Avec {} par an et une part à {}\u{202f}: {} ÷ {} ≈ {quotient}, arrondi à \
                     la part inférieure\u{202f}: {}.",
                    f::money(budget),
                    f::money(price),
                    f::money(budget),
                    f::money(price),
                    f::parts(whole),
                )
            });
            let rest = budget - self.cost_of(whole);
            if rest > 0 && whole < self.total_parts() {
                lines.push(format!(
                    "Il reste {} non utilisés\u{202f}; avec {} de plus par an, vous auriez {}.",
                    f::money(rest),
                    f::money(self.cost_of(whole + 1) - budget),
                    f::parts(whole + 1),
                ));
            } else if rest > 0 {
                lines.push(format!("Il reste {} non utilisés.", f::money(rest)));
            }
            whole
        };
        let mut e = self.base_estimate(parts);
        e.explanation = lines;
        self.explain_outputs(&mut e);
        Ok(e)
    }

    /// The assumptions behind every estimate, one French sentence per line
    /// (shown in the widget's "Hypothèses" and usable by the generator).
    pub fn assumptions(&self) -> Vec<String> {
        let p = self.params();
        let parts = self.total_parts() as i64;
        let worked_exact = (p.days_per_month * p.months_per_year) % 100 == 0;
        let per_part_exact = self.available_days() % parts == 0;
        let rate_exact = (self.part_price() * 100) % self.days_per_part() == 0;
        let mut lines = vec![
            format!(
                "Budget du poste\u{202f}: {} par an ({} de salaires + {} de frais de fonctionnement).",
                f::money(self.budget()),
                f::money(p.salaries),
                f::money(p.running_costs),
            ),
            format!(
                "Le poste est financé par {}\u{202f}: une part coûte {} ÷ {} {} {} par an.",
                f::parts(self.total_parts()),
                f::money(self.budget()),
                f::int(parts),
                f::equals(self.budget() % parts == 0),
                f::money(self.part_price()),
            ),
            format!(
                "Temps de travail\u{202f}: {} par mois × {} {} {} par an, dont {} pour les \
                 services mutualisés et la vie de l’association\u{202f}; restent {} pour les \
                 structures, soit {}{} par part.",
                f::days(p.days_per_month),
                f::qty(p.months_per_year, "mois", "mois"),
                f::equals(worked_exact),
                f::days(self.worker_days()),
                f::days(p.pooled_days),
                f::days(self.available_days()),
                f::about(per_part_exact),
                f::days(self.days_per_part()),
            ),
            format!(
                "Une journée compte {}\u{202f}: une part donne {} par an\u{202f}; une journée de \
                 travail revient à {}{}.",
                f::hours(self.hours_per_day()),
                f::hours(self.hours_per_part()),
                if rate_exact { "" } else { "environ " },
                f::money(self.day_rate()),
            ),
            format!(
                "Rattrapage d’une installation négligée\u{202f}: {}, une seule fois.",
                f::days(self.catch_up_days()),
            ),
        ];
        let setup: Vec<String> = Service::ALL
            .into_iter()
            .filter(|s| self.setup_days(*s) > 0)
            .map(|s| [s.label(), " ", &f::days(self.setup_days(s))].concat())
            .collect();
        if !setup.is_empty() {
            lines.push(
                [
                    "Mise en place des services, la première année seulement\u{202f}: ",
                    &setup.join(", "),
                    ".",
                ]
                .concat(),
            );
        }
        lines
    }
}
