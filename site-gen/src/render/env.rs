//! The site's render environment: what a page's Markdown may call on while
//! rendering (`@/` URLs, the built-in shortcodes `calculateur()`, the pricing
//! widget; `chiffre(nom=…)`, a figure of the model; `exemple(…)`, a worked
//! example; `organisation(champ=…)`, a value of `[organisation]`; and the
//! theme's `templates/shortcodes/<name>.html` or `<name>.md`, which see what
//! Zola gives them: the arguments, `body`, `nth`, `page` or `section`,
//! `config` and `lang`).

use calculator::{Contact, Figure, Model, Profile, Service, ServiceSet};
use serde_json::Value;
use tera::{Context, Tera};

use crate::config::Organisation;
use crate::content::{Document, Kind, Loaded};

use calculator::format::html_escape as escape_html;

use crate::markdown::{
    RenderEnv, Rendered, ShortcodeArgs, ShortcodeCall, ShortcodeError, ShortcodeOutput,
};
use crate::templates::render_message;
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
    shortcode_context: Option<ShortcodeContext<'a>>,
}

/// What theme shortcodes see besides their call (as in Zola).
#[derive(Clone, Copy)]
pub struct ShortcodeContext<'a> {
    /// The documents: the calling one is `page` or `section`.
    pub loaded: &'a Loaded,
    /// `config`, as every template sees it.
    pub config: &'a Value,
    /// `lang`.
    pub lang: &'a str,
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
            shortcode_context: None,
        }
    }

    /// Theme shortcodes see `page` or `section`, `config` and `lang`.
    pub fn with_shortcode_context(mut self, context: ShortcodeContext<'a>) -> Self {
        self.shortcode_context = Some(context);
        self
    }

    fn model(&self, shortcode: &'static str) -> Result<&'a Model, BuiltinError> {
        self.pricing.ok_or(BuiltinError::NeedsPricing { shortcode })
    }

    fn calculateur(&self, args: &ShortcodeArgs) -> Result<String, BuiltinError> {
        only_args(CALCULATOR, args, &[])?;
        // The association's name and address travel with the model: the
        // printed estimate names it, « Envoyer cette estimation » writes to
        // it (hidden when site.toml gives no address).
        let field = |key: &str| self.organisation.get(key).flatten().map(str::to_string);
        let model = self.model(CALCULATOR)?.clone().with_contact(Contact {
            name: field("name"),
            email: field("email"),
        });
        let mut html = calculator::embed::render_fragment(&model, "");
        let script = if self.compile_widget {
            self.widget
                .script(self.progress)
                .map_err(|e| BuiltinError::Widget(e.to_string()))?
        } else {
            None
        };
        // Without a script (`--no-widget`, no toolchain) the pre-rendered
        // calculator and its static table are the page's.
        if let Some(js_name) = script {
            let src = self.urls.permalink(&format!("/assets/{js_name}"));
            html.push_str(&format!(
                "\n<script type=\"module\" src=\"{}\"></script>",
                crate::templates::escape(&src)
            ));
        }
        Ok(html)
    }

    /// `chiffre(nom="prix_part", parts=3, unite=false)`: one figure,
    /// formatted like the widget.
    fn chiffre(&self, args: &ShortcodeArgs) -> Result<String, BuiltinError> {
        only_args(FIGURE, args, &["nom", "parts", "unite"])?;
        let name = match args.get("nom") {
            Some(Value::String(n)) => n.as_str(),
            Some(_) => return Err(BuiltinError::FigureNameNotText),
            None => return Err(BuiltinError::FigureNameMissing),
        };
        let Some(figure) = Figure::from_name(name) else {
            let names: Vec<String> = Figure::names().collect();
            return Err(BuiltinError::UnknownFigure {
                name: name.to_string(),
                hint: did_you_mean(name, names.iter().map(String::as_str)),
                known: names
                    .iter()
                    .filter(|n| !n.starts_with("services."))
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
                    + ", services.<service>.<coefficient ou jours_de_mise_en_place>",
            });
        };
        let parts = match args.get("parts") {
            None => 1,
            Some(_) if !figure.per_parts() => {
                return Err(BuiltinError::PartsNotApplicable {
                    name: name.to_string(),
                })
            }
            Some(v) => count_arg("parts", v)?,
        };
        let with_unit = bool_arg("unite", args.get("unite"), true)?;
        let model = self.model(FIGURE)?;
        let value = figure
            .value(model, parts)
            .map_err(|reason| BuiltinError::Figure {
                name: name.to_string(),
                reason,
            })?;
        Ok(escape_html(&value.show(with_unit)))
    }

    /// `exemple(postes=3, serveurs=0, personnes=4, services=["assistance"],
    /// rattrapage=false)`: a worked example computed by the model.
    fn exemple(&self, args: &ShortcodeArgs) -> Result<String, BuiltinError> {
        only_args(
            EXAMPLE,
            args,
            &["postes", "serveurs", "personnes", "services", "rattrapage"],
        )?;
        let count = |key: &'static str| match args.get(key) {
            Some(v) => count_arg(key, v),
            None => Err(BuiltinError::MissingArgument { key }),
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
    fn organisation(&self, args: &ShortcodeArgs) -> Result<String, BuiltinError> {
        only_args(ORGANISATION, args, &["champ"])?;
        let fields = || {
            Organisation::FIELDS
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(Value::String(key)) = args.get("champ") else {
            return Err(BuiltinError::FieldMissing { fields: fields() });
        };
        let Some(value) = self.organisation.get(key) else {
            return Err(BuiltinError::UnknownField {
                key: key.clone(),
                hint: did_you_mean(key, Organisation::FIELDS.iter().map(|(k, _)| *k)),
                fields: fields(),
            });
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

    /// A theme shortcode: `templates/shortcodes/<name>.html` (HTML), else
    /// `<name>.md` (Markdown written into the page before it is parsed).
    /// Like Zola, it sees its arguments, then `body`, `nth`, `page` or
    /// `section`, `config` and `lang`, which win over arguments so named.
    fn theme_shortcode(&self, call: &ShortcodeCall<'_>) -> Result<ShortcodeOutput, BuiltinError> {
        let name = call.name;
        let html = format!("shortcodes/{name}.html");
        let md = format!("shortcodes/{name}.md");
        let has = |template: &str| self.tera.get_template_names().any(|t| t == template);
        let (template, markdown) = if has(&html) {
            (html, false)
        } else if has(&md) {
            (md, true)
        } else {
            return Err(BuiltinError::UnknownShortcode {
                name: name.to_string(),
            });
        };
        let mut ctx = Context::new();
        for (k, v) in call.args {
            ctx.insert(k.as_str(), v);
        }
        if let Some(body) = call.body {
            ctx.insert("body", body);
        }
        ctx.insert("nth", &call.nth);
        if let Some(sc) = &self.shortcode_context {
            if let Some(doc) = sc
                .loaded
                .by_source
                .get(call.document)
                .and_then(|&i| sc.loaded.docs.get(i))
            {
                let key = match doc.kind {
                    Kind::Page => "page",
                    Kind::Section => "section",
                };
                ctx.insert(key, &document_value(doc, self.urls));
            }
            ctx.insert("config", sc.config);
            ctx.insert("lang", sc.lang);
        }
        let out = self
            .tera
            .render(&template, &ctx)
            .map_err(|e| BuiltinError::Template {
                template: template.clone(),
                chain: render_message(&e),
            })?;
        Ok(if markdown {
            ShortcodeOutput::Markdown(out)
        } else {
            ShortcodeOutput::Html(out)
        })
    }
}

/// What a shortcode call of a page got wrong (reported at the call, with
/// the shortcode's name in front), or the widget that could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuiltinError {
    #[error("{shortcode}() a besoin du fichier de tarifs (content/tarifs.toml par défaut)")]
    NeedsPricing { shortcode: &'static str },
    #[error("le calculateur n’a pas pu être compilé en WebAssembly : {0}")]
    Widget(
        /// The widget's error, as its message (the slot keeps the error).
        String,
    ),
    #[error("{shortcode}() ne prend pas d’argument (reçu « {key} »)")]
    NoArgument {
        shortcode: &'static str,
        key: String,
    },
    #[error("argument inconnu « {key} » (arguments possibles : {allowed})")]
    UnknownArgument { key: String, allowed: String },
    #[error("il manque {key}=…")]
    MissingArgument { key: &'static str },
    #[error("{key} doit être un nombre entier positif (reçu {got})")]
    NotACount { key: &'static str, got: Value },
    #[error("{key} vaut true ou false (reçu {got})")]
    NotABool { key: &'static str, got: Value },
    #[error("nom doit être un texte entre guillemets")]
    FigureNameNotText,
    #[error("il manque nom, par exemple chiffre(nom=\"prix_part\")")]
    FigureNameMissing,
    #[error("chiffre inconnu « {name} »{hint} (chiffres possibles : {known})")]
    UnknownFigure {
        name: String,
        /// ` ; vouliez-vous dire « … » ?`, or nothing.
        hint: String,
        known: String,
    },
    #[error("« {name} » ne dépend pas d’un nombre de parts (retirez parts=…)")]
    PartsNotApplicable { name: String },
    #[error("chiffre « {name} » : {reason}")]
    Figure {
        name: String,
        reason: calculator::figures::FigureError,
    },
    #[error("il manque services=[\"assistance\", …]")]
    ServicesMissing,
    #[error("services contient {item}, pas un nom de service")]
    ServiceNotAName { item: Value },
    #[error("services doit être une liste de noms (reçu {got})")]
    ServicesNotAList { got: Value },
    #[error("service inconnu « {name} » (services possibles : {known})")]
    UnknownService { name: String, known: String },
    #[error("il faut champ=\"…\", parmi {fields}")]
    FieldMissing { fields: String },
    #[error("champ inconnu « {key} »{hint} (champs de [organisation] : {fields})")]
    UnknownField {
        key: String,
        /// ` ; vouliez-vous dire « … » ?`, or nothing.
        hint: String,
        fields: String,
    },
    #[error(
        "un seul calculateur par page : ses identifiants seraient en double (retirez cet appel)"
    )]
    SecondCalculator,
    #[error(
        "aucun gabarit templates/shortcodes/{name}.html ou {name}.md, et ce n’est pas un \
         shortcode intégré"
    )]
    UnknownShortcode { name: String },
    #[error("erreur du gabarit « {template} » : {chain}")]
    Template { template: String, chain: String },
}

impl From<BuiltinError> for ShortcodeError {
    fn from(e: BuiltinError) -> Self {
        ShortcodeError::new(e.to_string())
    }
}

/// ` ; vouliez-vous dire « … » ?` when a name of `known` is close to `name`.
fn did_you_mean<'k>(name: &str, known: impl IntoIterator<Item = &'k str>) -> String {
    crate::suggest::closest(name, known)
        .map(|n| format!(" ; vouliez-vous dire « {n} » ?"))
        .unwrap_or_default()
}

/// Refuses arguments other than `allowed`.
fn only_args(
    shortcode: &'static str,
    args: &ShortcodeArgs,
    allowed: &[&str],
) -> Result<(), BuiltinError> {
    match args.keys().find(|k| !allowed.contains(&k.as_str())) {
        None => Ok(()),
        Some(key) if allowed.is_empty() => Err(BuiltinError::NoArgument {
            shortcode,
            key: key.clone(),
        }),
        Some(key) => Err(BuiltinError::UnknownArgument {
            key: key.clone(),
            allowed: allowed.join(", "),
        }),
    }
}

/// A whole number argument, `0..=100 000`.
fn count_arg(key: &'static str, v: &Value) -> Result<u32, BuiltinError> {
    v.as_u64()
        .filter(|n| *n <= 100_000)
        .map(|n| n as u32)
        .ok_or_else(|| BuiltinError::NotACount {
            key,
            got: v.clone(),
        })
}

fn bool_arg(key: &'static str, v: Option<&Value>, default: bool) -> Result<bool, BuiltinError> {
    match v {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(BuiltinError::NotABool {
            key,
            got: v.clone(),
        }),
    }
}

/// `services=["assistance", "maintenance"]` or `services="assistance,maintenance"`.
fn services_arg(v: Option<&Value>) -> Result<ServiceSet, BuiltinError> {
    let names: Vec<&str> = match v {
        None => return Err(BuiltinError::ServicesMissing),
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .ok_or_else(|| BuiltinError::ServiceNotAName { item: i.clone() })
            })
            .collect::<Result<_, _>>()?,
        Some(v) => return Err(BuiltinError::ServicesNotAList { got: v.clone() }),
    };
    names
        .into_iter()
        .map(|n| {
            Service::from_key(n).ok_or_else(|| {
                let keys: Vec<&str> = Service::ALL.iter().map(|s| s.key()).collect();
                BuiltinError::UnknownService {
                    name: n.to_string(),
                    known: keys.join(", "),
                }
            })
        })
        .collect()
}

impl RenderEnv for SiteEnv<'_> {
    fn page_url(&self, source_path: &str) -> Option<String> {
        self.urls.content(source_path)
    }

    fn shortcode(&self, call: &ShortcodeCall<'_>) -> Result<ShortcodeOutput, ShortcodeError> {
        let args = call.args;
        let html = match call.name {
            CALCULATOR => self.calculateur(args)?,
            FIGURE => self.chiffre(args)?,
            EXAMPLE => self.exemple(args)?,
            ORGANISATION => self.organisation(args)?,
            _ => return Ok(self.theme_shortcode(call)?),
        };
        Ok(ShortcodeOutput::Html(html))
    }
}

/// The calling document as its shortcodes see it: its fields, as listings
/// show them, but what its rendering gives (as in Zola, where shortcodes
/// run before the Markdown is rendered).
fn document_value(doc: &Document, urls: &Urls) -> Value {
    let mut m = super::context::summary(doc, &Rendered::default(), urls);
    for rendered in ["summary", "word_count", "reading_time"] {
        m.remove(rendered);
    }
    Value::Object(m)
}
