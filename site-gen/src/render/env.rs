//! The site's render environment: what a page's Markdown may call on while
//! rendering (`@/` URLs, the built-in shortcodes `calculateur()`, the pricing
//! widget; `chiffre(nom=…)`, a figure of the model; `exemple(…)`, a worked
//! example; `organisation(champ=…)`, a value of `[organisation]`; and the
//! theme's `templates/shortcodes/<name>.html`).

use calculator::{Figure, Model, Profile, Service, ServiceSet};
use serde_json::Value;
use tera::{Context, Tera};

use crate::config::Organisation;

use calculator::format::html_escape as escape_html;

use crate::markdown::{RenderEnv, ShortcodeArgs};
use crate::templates::error_chain;
use crate::urls::Urls;
use crate::widget::{OnProgress, WidgetSlot};

/// The widget's shortcode.
pub const CALCULATOR: &str = "calculateur";
/// A figure of the pricing model: `chiffre(nom="prix_part")`.
pub const FIGURE: &str = "chiffre";
/// A worked example: `exemple(postes=3, serveurs=0, personnes=4, services=[…])`.
pub const EXAMPLE: &str = "exemple";
/// A value of `[organisation]`: `organisation(champ="email")`.
pub const ORGANISATION: &str = "organisation";

/// Whether the built-in shortcode `name` prints figures of the pricing model.
pub fn uses_pricing(name: &str) -> bool {
    matches!(name, CALCULATOR | FIGURE | EXAMPLE)
}

/// What an unset `[organisation]` value shows.
pub const TO_FILL_IN: &str = "<span class=\"a-completer\">à compléter</span>";

/// Everything a page's Markdown may call on while rendering.
pub struct SiteEnv<'a> {
    urls: &'a Urls,
    tera: &'a Tera,
    organisation: &'a Organisation,
    pricing: Option<&'a Model>,
    compile_widget: bool,
    widget: &'a WidgetSlot,
    progress: &'a OnProgress,
}

impl<'a> SiteEnv<'a> {
    pub fn new(
        urls: &'a Urls,
        tera: &'a Tera,
        organisation: &'a Organisation,
        pricing: Option<&'a Model>,
        compile_widget: bool,
        widget: &'a WidgetSlot,
        progress: &'a OnProgress,
    ) -> Self {
        SiteEnv {
            urls,
            tera,
            organisation,
            pricing,
            compile_widget,
            widget,
            progress,
        }
    }

    fn model(&self, name: &str) -> Result<&'a Model, String> {
        self.pricing.ok_or_else(|| {
            format!("{name}() a besoin du fichier de tarifs (content/tarifs.toml par défaut)")
        })
    }

    fn calculateur(&self, args: &ShortcodeArgs) -> Result<String, String> {
        only_args(CALCULATOR, args, &[])?;
        let model = self.model(CALCULATOR)?;
        let mut html = calculator::embed::render_fragment(model, "");
        if self.compile_widget {
            let built = self.widget.get_or_build(self.progress);
            let built = built.as_ref().map_err(|e| {
                format!("le calculateur n’a pas pu être compilé en WebAssembly : {e}")
            })?;
            let src = self.urls.permalink(&format!("/assets/{}", built.js_name));
            html.push_str(&format!(
                "\n<script type=\"module\" src=\"{}\"></script>",
                crate::templates::escape(&src)
            ));
        }
        Ok(html)
    }

    /// `chiffre(nom="prix_part", parts=3, unite=false)`: one figure,
    /// formatted like the widget.
    fn chiffre(&self, args: &ShortcodeArgs) -> Result<String, String> {
        only_args(FIGURE, args, &["nom", "parts", "unite"])?;
        let name = match args.get("nom") {
            Some(Value::String(n)) => n.as_str(),
            Some(_) => return Err("nom doit être un texte entre guillemets".into()),
            None => return Err("il manque nom, par exemple chiffre(nom=\"prix_part\")".into()),
        };
        let Some(figure) = Figure::from_name(name) else {
            let names: Vec<String> = Figure::names().collect();
            let hint = crate::suggest::closest(name, names.iter().map(String::as_str))
                .map(|n| format!(" ; vouliez-vous dire « {n} » ?"))
                .unwrap_or_default();
            return Err(format!(
                "chiffre inconnu « {name} »{hint} (chiffres possibles : {})",
                names
                    .iter()
                    .filter(|n| !n.starts_with("services."))
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
                    + ", services.<service>.<coefficient>"
            ));
        };
        let parts = match args.get("parts") {
            None => 1,
            Some(_) if !figure.per_parts() => {
                return Err(format!(
                    "« {name} » ne dépend pas d’un nombre de parts (retirez parts=…)"
                ))
            }
            Some(v) => count_arg("parts", v)?,
        };
        let with_unit = bool_arg("unite", args.get("unite"), true)?;
        let model = self.model(FIGURE)?;
        let value = figure
            .value(model, parts)
            .map_err(|e| format!("chiffre « {name} » : {e}"))?;
        Ok(escape_html(&value.show(with_unit)))
    }

    /// `exemple(postes=3, serveurs=0, personnes=4, services=["assistance"],
    /// rattrapage=false)`: a worked example computed by the model.
    fn exemple(&self, args: &ShortcodeArgs) -> Result<String, String> {
        only_args(
            EXAMPLE,
            args,
            &["postes", "serveurs", "personnes", "services", "rattrapage"],
        )?;
        let count = |key: &str| match args.get(key) {
            Some(v) => count_arg(key, v),
            None => Err(format!("il manque {key}=…")),
        };
        let profile = Profile {
            postes: count("postes")?,
            serveurs: count("serveurs")?,
            personnes: count("personnes")?,
            services: services_arg(args.get("services"))?,
            rattrapage: bool_arg("rattrapage", args.get("rattrapage"), false)?,
        };
        let model = self.model(EXAMPLE)?;
        Ok(calculator::example::render(model, &profile))
    }

    /// `organisation(champ="email")`: a value of `[organisation]`, or a
    /// visible « à compléter ».
    fn organisation(&self, args: &ShortcodeArgs) -> Result<String, String> {
        only_args(ORGANISATION, args, &["champ"])?;
        let keys = || {
            Organisation::FIELDS
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(Value::String(key)) = args.get("champ") else {
            return Err(format!("il faut champ=\"…\", parmi {}", keys()));
        };
        let Some(value) = self.organisation.get(key) else {
            let hint = crate::suggest::closest(key, Organisation::FIELDS.iter().map(|(k, _)| *k))
                .map(|k| format!(" ; vouliez-vous dire « {k} » ?"))
                .unwrap_or_default();
            return Err(format!(
                "champ inconnu « {key} »{hint} (champs de [organisation] : {})",
                keys()
            ));
        };
        let Some(value) = value else {
            return Ok(TO_FILL_IN.to_string());
        };
        let text = escape_html(value);
        Ok(match key.as_str() {
            "email" => format!("<a href=\"mailto:{text}\">{text}</a>"),
            "url" => format!("<a href=\"{text}\">{text}</a>"),
            _ => text.replace('\n', "<br>\n"),
        })
    }
}

/// Refuses arguments other than `allowed`.
fn only_args(name: &str, args: &ShortcodeArgs, allowed: &[&str]) -> Result<(), String> {
    match args.keys().find(|k| !allowed.contains(&k.as_str())) {
        None => Ok(()),
        Some(key) if allowed.is_empty() => {
            Err(format!("{name}() ne prend pas d’argument (reçu « {key} »)"))
        }
        Some(key) => Err(format!(
            "argument inconnu « {key} » (arguments possibles : {})",
            allowed.join(", ")
        )),
    }
}

/// A whole number argument, `0..=100 000`.
fn count_arg(key: &str, v: &Value) -> Result<u32, String> {
    v.as_u64()
        .filter(|n| *n <= 100_000)
        .map(|n| n as u32)
        .ok_or_else(|| format!("{key} doit être un nombre entier positif (reçu {v})"))
}

fn bool_arg(key: &str, v: Option<&Value>, default: bool) -> Result<bool, String> {
    match v {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(format!("{key} vaut true ou false (reçu {v})")),
    }
}

/// `services=["assistance", "maintenance"]` or `services="assistance,maintenance"`.
fn services_arg(v: Option<&Value>) -> Result<ServiceSet, String> {
    let names: Vec<&str> = match v {
        None => return Err("il manque services=[\"assistance\", …]".into()),
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .ok_or_else(|| format!("services contient {i}, pas un nom de service"))
            })
            .collect::<Result<_, _>>()?,
        Some(v) => return Err(format!("services doit être une liste de noms (reçu {v})")),
    };
    names
        .into_iter()
        .map(|n| {
            Service::from_key(n).ok_or_else(|| {
                let keys: Vec<&str> = Service::ALL.iter().map(|s| s.key()).collect();
                format!(
                    "service inconnu « {n} » (services possibles : {})",
                    keys.join(", ")
                )
            })
        })
        .collect()
}

impl RenderEnv for SiteEnv<'_> {
    fn page_url(&self, source_path: &str) -> Option<String> {
        self.urls.page(source_path)
    }

    fn shortcode(&self, name: &str, args: &ShortcodeArgs) -> Result<String, String> {
        match name {
            CALCULATOR => return self.calculateur(args),
            FIGURE => return self.chiffre(args),
            EXAMPLE => return self.exemple(args),
            ORGANISATION => return self.organisation(args),
            _ => {}
        }
        let template = format!("shortcodes/{name}.html");
        if !self.tera.get_template_names().any(|t| t == template) {
            return Err(format!(
                "shortcode inconnu « {name} » (ni intégré, ni templates/{template})"
            ));
        }
        let mut ctx = Context::new();
        for (k, v) in args {
            ctx.insert(k.as_str(), v);
        }
        self.tera
            .render(&template, &ctx)
            .map_err(|e| format!("shortcode « {name} » : {}", error_chain(&e)))
    }
}
