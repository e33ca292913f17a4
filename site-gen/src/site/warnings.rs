//! What a build warns about without failing (unless `--strict`): the
//! `[organisation]` values the site shows as « à compléter », a calculator
//! left pre-rendered because no toolchain could compile it, figures of
//! the pricing model typed by hand instead of printed by `chiffre()`, and
//! published files above the size budget (`[images] size_budget_kb`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use calculator::figures::{Figure, Value};
use calculator::Model;

use crate::config::{Config, Organisation, CONFIG_FILE};
use crate::content::Document;
use crate::diagnostics::Diagnostic;
use crate::images::ImagesConfig;
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
/// says why and gives the commands that install a toolchain. Or, when the
/// widget was built without its size options (rustup without `rust-src`),
/// the warning that says so and how to fix it.
pub fn widget_unavailable<'a>(
    widget: &WidgetSlot,
    mut pages: impl Iterator<Item = &'a Path>,
) -> Option<Diagnostic> {
    let message = match (widget.unavailable(), widget.size_warning()) {
        (Some(why), _) => format!(
            "calculateur publié sans sa version interactive (seulement pré-rendu, avec le \
             tableau des tarifs) : {why}"
        ),
        (None, Some(why)) => why.to_string(),
        (None, None) => return None,
    };
    Some(Diagnostic::new(pages.next()?, message))
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

/// The published files heavier than the budget of `config` (`sizes`: each
/// file's path and size), by path.
pub fn heavy_files<'p>(
    sizes: impl IntoIterator<Item = (&'p str, u64)>,
    config: &ImagesConfig,
) -> BTreeMap<&'p str, u64> {
    let Some(budget) = config.size_budget() else {
        return BTreeMap::new();
    };
    sizes
        .into_iter()
        .filter(|&(_, size)| size > budget)
        .collect()
}

/// One warning for each of the [`heavy_files`] (`origins`: the source of an
/// output path, as shown; a file made by the build is named by its output
/// path), sorted by path.
pub fn over_budget(
    heavy: &BTreeMap<&str, u64>,
    config: &ImagesConfig,
    origins: &HashMap<&str, String>,
) -> Vec<Diagnostic> {
    let Some(budget) = config.size_budget() else {
        return Vec::new();
    };
    heavy
        .iter()
        .map(|(&path, &size)| {
            let origin = origins
                .get(path)
                .cloned()
                .unwrap_or_else(|| path.to_string());
            Diagnostic::new(
                origin,
                format!(
                    "fichier publié trop lourd : {path} pèse {} (budget : {}, à régler par \
                     size_budget_kb sous [images] dans site.toml) ; réduisez-le ou \
                     compressez-le, les visiteurs le téléchargent",
                    french_size(size),
                    french_size(budget)
                ),
            )
        })
        .collect()
}

/// A size in octets as a French reader writes it (1 Mo = 1 000 000 octets).
pub fn french_size(octets: u64) -> String {
    let (value, unit) = if octets >= 1_000_000 {
        (octets as f64 / 1_000_000.0, "Mo")
    } else if octets >= 1000 {
        (octets as f64 / 1000.0, "ko")
    } else {
        return format!("{octets} octets");
    };
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text).replace('.', ",");
    format!("{text} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_in_french() {
        assert_eq!(french_size(1_000_000), "1 Mo");
        assert_eq!(french_size(2_450_000), "2,5 Mo");
        assert_eq!(french_size(1_500), "1,5 ko");
        assert_eq!(french_size(999), "999 octets");
    }
}
