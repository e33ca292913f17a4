//! A worked example for the site's texts (the generator's
//! `{{ exemple(postes=3, …) }}`): the table of a profile's services with
//! their calculation, the totals and the result, computed by
//! [`Model::estimate_profile`] like the widget, so the pricing page's
//! examples follow the data file.

use crate::estimate::Profile;
use crate::format::{self as f, html_escape};
use crate::model::Model;

/// The example's HTML: a table (service, calculation, days per year),
/// the result in one sentence and the rest of the estimate's explanation.
pub fn render(model: &Model, profile: &Profile) -> String {
    let lines = model.service_lines(profile);
    let estimate = model.estimate_profile(profile);
    let recurring: i64 = lines.iter().map(|l| l.days).sum();

    let mut s = String::from(
        "<div class=\"calc-example\">\n<table class=\"calc-example-table\">\n<caption>",
    );
    s.push_str(&html_escape(&caption(profile)));
    s.push_str(
        "</caption>\n<thead><tr><th scope=\"col\">Service</th><th scope=\"col\">Calcul</th>\
         <th scope=\"col\">Jours par an</th></tr></thead>\n<tbody>\n",
    );
    for line in &lines {
        row(&mut s, line.service.label(), &line.calculation(), line.days);
    }
    if lines.is_empty() {
        s.push_str("<tr><td colspan=\"3\">Aucun service choisi.</td></tr>\n");
    }
    s.push_str("</tbody>\n<tfoot>\n");
    let setup = estimate.setup_days;
    let catch_up = estimate.catch_up_days;
    // The table says which year it shows: every year alike, or the first
    // year (set-up, catch-up) apart from the following ones.
    if setup + catch_up > 0 {
        total_row(&mut s, "Besoins courants, chaque année", recurring);
        if setup > 0 {
            total_row(&mut s, "Mise en place, la première année seulement", setup);
        }
        if catch_up > 0 {
            total_row(&mut s, "Rattrapage, la première année seulement", catch_up);
        }
        total_row(
            &mut s,
            "Total la première année",
            recurring + setup + catch_up,
        );
    } else {
        total_row(&mut s, "Total, chaque année", recurring);
    }
    s.push_str("</tfoot>\n</table>\n<p class=\"calc-example-result\">Résultat\u{202f}: <strong>");
    s.push_str(&f::parts(estimate.parts));
    s.push_str("</strong>, soit <strong>");
    s.push_str(&f::money(estimate.cost_per_year));
    s.push_str(" par an</strong> (");
    s.push_str(f::about(estimate.cost_per_year % 12 == 0));
    s.push_str(&f::money(estimate.cost_per_month));
    s.push_str(" par mois) pour ");
    s.push_str(&f::days(estimate.days_per_year));
    s.push_str(" de travail par an");
    if let Some(after) = estimate.parts_following_years {
        s.push_str(" la première année");
        if after < estimate.parts {
            s.push_str(", puis ");
            s.push_str(&f::parts(after));
            s.push_str(" (");
            s.push_str(&f::money(model.cost_of(after)));
            s.push_str(" par an) les années suivantes");
        } else {
            s.push_str(" comme les années suivantes");
        }
    }
    s.push_str(".</p>\n<ul class=\"calc-example-explanation\">\n");
    // The explanation opens with one line per service (or one saying there
    // is none): the table above already shows them.
    for text in estimate.explanation.iter().skip(lines.len().max(1)) {
        s.push_str("<li>");
        s.push_str(&html_escape(text));
        s.push_str("</li>\n");
    }
    s.push_str("</ul>\n</div>");
    s
}

/// `3 postes, aucun serveur, 4 personnes`.
fn caption(p: &Profile) -> String {
    let serveurs = if p.serveurs == 0 {
        "aucun serveur".to_string()
    } else {
        f::count(p.serveurs.into(), "serveur", "serveurs")
    };
    let mut s = format!(
        "Exemple\u{202f}: {}, {serveurs}, {}",
        f::count(p.postes.into(), "poste", "postes"),
        f::count(p.personnes.into(), "personne", "personnes"),
    );
    if p.rattrapage {
        s.push_str(", avec rattrapage");
    }
    s
}

/// A row of totals: its label spans the calculation column.
fn total_row(s: &mut String, label: &str, days: i64) {
    s.push_str("<tr><th scope=\"row\" colspan=\"2\">");
    s.push_str(&html_escape(label));
    s.push_str("</th><td>");
    s.push_str(&f::days(days));
    s.push_str("</td></tr>\n");
}

/// One row: a header cell, the calculation and the days.
fn row(s: &mut String, label: &str, calculation: &str, days: i64) {
    s.push_str("<tr><th scope=\"row\">");
    s.push_str(&html_escape(label));
    s.push_str("</th><td>");
    s.push_str(&html_escape(calculation));
    s.push_str("</td><td>");
    s.push_str(&f::days(days));
    s.push_str("</td></tr>\n");
}
