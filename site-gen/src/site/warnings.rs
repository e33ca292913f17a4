//! What a build warns about without failing (unless `--strict`): the
//! `[organisation]` values the site shows as « à compléter », a calculator
//! left pre-rendered because no toolchain could compile it, and figures of
//! the pricing model typed by hand instead of printed by `chiffre()`.

use std::path::Path;

use calculator::figures::{Figure, Value};
use calculator::Model;

use crate::config::{Config, Organisation, CONFIG_FILE};
use crate::content::Document;
use crate::diagnostics::Diagnostic;
use crate::markdown::{AmountUnit, Rendered};
use crate::render::Uses;
use crate::widget::WidgetSlot;

/// One warning naming every `[organisation]` value that a page shows but
/// `site.toml` does not set, with the key to set.
pub fn missing_organisation<'a>(
    config: &Config,
    uses: impl IntoIterator<Item = &'a Uses>,
) -> Option<Diagnostic> {
    let mut shown: Vec<&str> = uses
        .into_iter()
        .flat_map(|u| u.organisation.iter().map(String::as_str))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let missing: Vec<String> = Organisation::FIELDS
        .iter()
        .filter(|(key, _)| shown.contains(key))
        .filter(|(key, _)| config.organisation.get(key) == Some(None))
        .map(|(key, what)| format!("  {key} = \"…\"   # {what}"))
        .collect();
    if missing.is_empty() {
        return None;
    }
    Some(Diagnostic::new(
        CONFIG_FILE,
        format!(
            "{} à compléter dans [organisation] : le site affiche « à compléter » à leur place. \
             À ajouter sous [organisation] :\n{}",
            if missing.len() > 1 {
                format!("{} valeurs", missing.len())
            } else {
                "une valeur".to_string()
            },
            missing.join("\n")
        ),
    ))
}

/// One warning, on the first page showing the calculator, when no
/// toolchain could compile the live widget: the page keeps the pre-rendered
/// calculator and its static table (as with `--no-widget`); the message
/// says why and gives the commands that install a toolchain.
pub fn widget_unavailable<'a>(
    widget: &WidgetSlot,
    mut pages: impl Iterator<Item = &'a Path>,
) -> Option<Diagnostic> {
    let why = widget.unavailable()?;
    let page = pages.next()?;
    Some(Diagnostic::new(
        page,
        format!(
            "calculateur publié sans sa version interactive (seulement pré-rendu, avec le \
             tableau des tarifs) : {why}"
        ),
    ))
}

/// Amounts typed in the text of undated pages (dated news keep the
/// figures of their day) that equal a figure of the model: each one names
/// the call that would keep it up to date.
pub fn typed_figures(model: &Model, docs: &[Document], rendered: &[&Rendered]) -> Vec<Diagnostic> {
    let figures = Figure::every_value(model);
    let mut out = Vec::new();
    for (doc, r) in docs.iter().zip(rendered) {
        if doc.meta.date.is_some() {
            continue;
        }
        for amount in &r.amounts {
            let matching = figures.iter().find(|(_, v)| match (v, amount.unit) {
                (Value::Money(c), AmountUnit::Euros) => *c == amount.value,
                (Value::Days(d), AmountUnit::Days) => *d == amount.value,
                _ => false,
            });
            let Some((call, _)) = matching.filter(|(_, v)| !is_zero(v)) else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    &doc.file,
                    format!(
                        "« {} » est un chiffre du fichier de tarifs tapé à la main : écrivez \
                         {{{{ {call} }}}} pour qu’il suive les tarifs",
                        amount.text
                    ),
                )
                .at(amount.line, amount.column),
            );
        }
    }
    out.sort();
    out
}

fn is_zero(v: &Value) -> bool {
    matches!(v, Value::Money(0) | Value::Days(0))
}
