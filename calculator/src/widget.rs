//! The Yew widget (features `ssr` and/or `csr`).
//!
//! The same component renders on the server ([`crate::embed`]) and in the
//! browser (`calculator-wasm`), from the same [`CalculatorProps`], so the
//! markup is identical for the same state. CSS hooks: every class starts
//! with `calc-`. No inline script or style.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::estimate::{
    parse_count, parse_money, Estimate, InputError, Profile, MAX_BUDGET, MAX_PARTS_ASKED,
    MAX_PERSONNES, MAX_POSTES, MAX_SERVEURS,
};
use crate::format as f;
use crate::model::{Coef, Model, Service, ServiceSet};
use crate::query::{Mode, Query};

/// Properties of [`Calculator`].
#[derive(Properties, PartialEq, Clone)]
pub struct CalculatorProps {
    /// The pricing model.
    pub model: Rc<Model>,
    /// The initial state as a URL query (`parts=3`, see [`crate::query`]).
    #[prop_or_default]
    pub query: AttrValue,
    /// The widget runs (in the browser): its fields are usable. The
    /// pre-rendered markup has them disabled, so a page read without
    /// JavaScript offers no field that does nothing.
    #[prop_or_default]
    pub live: bool,
}

/// A text field of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Text {
    Parts,
    Budget,
    Postes,
    Serveurs,
    Personnes,
}

/// The form's state: raw text as typed, so that invalid input is kept and
/// explained rather than lost.
#[derive(Clone, Debug, PartialEq)]
struct Form {
    model: Rc<Model>,
    mode: Mode,
    parts: String,
    budget: String,
    postes: String,
    serveurs: String,
    personnes: String,
    services: ServiceSet,
    rattrapage: bool,
    warnings: Rc<Vec<String>>,
}

enum Action {
    Mode(Mode),
    Text(Text, String),
    Service(Service, bool),
    Rattrapage(bool),
}

/// Plain number for an input's value: `2000`, `2000,5` (no separators).
fn plain_euros(cents: i64) -> String {
    let mut s = (cents / 100).to_string();
    let c = cents % 100;
    if c != 0 {
        s.push(',');
        s.push((b'0' + (c / 10) as u8) as char);
        if c % 10 != 0 {
            s.push((b'0' + (c % 10) as u8) as char);
        }
    }
    s
}

impl Form {
    fn new(model: Rc<Model>, query: &str) -> Form {
        let (q, warnings) = Query::parse(query);
        let p = q.profile();
        Form {
            mode: q.mode(),
            parts: q.parts.unwrap_or(1).to_string(),
            budget: plain_euros(q.budget.unwrap_or(model.part_price())),
            postes: p.postes.to_string(),
            serveurs: p.serveurs.to_string(),
            personnes: p.personnes.to_string(),
            services: p.services,
            rattrapage: p.rattrapage,
            warnings: Rc::new(warnings),
            model,
        }
    }

    fn parts(&self) -> Result<u32, InputError> {
        parse_count(&self.parts, 1, MAX_PARTS_ASKED)
    }
    fn budget(&self) -> Result<i64, InputError> {
        parse_money(&self.budget, MAX_BUDGET)
    }
    fn postes(&self) -> Result<u32, InputError> {
        parse_count(&self.postes, 0, MAX_POSTES)
    }
    fn serveurs(&self) -> Result<u32, InputError> {
        parse_count(&self.serveurs, 0, MAX_SERVEURS)
    }
    fn personnes(&self) -> Result<u32, InputError> {
        parse_count(&self.personnes, 0, MAX_PERSONNES)
    }

    /// The estimate for the active mode, or `None` while a field is invalid.
    fn estimate(&self) -> Option<Estimate> {
        let m = &self.model;
        match self.mode {
            Mode::Parts => m.estimate_parts(self.parts().ok()?).ok(),
            Mode::Budget => m.estimate_budget(self.budget().ok()?).ok(),
            Mode::Profil => Some(m.estimate_profile(&Profile {
                postes: self.postes().ok()?,
                serveurs: self.serveurs().ok()?,
                personnes: self.personnes().ok()?,
                services: self.services,
                rattrapage: self.rattrapage,
            })),
        }
    }

    /// The URL query of the active mode's valid values.
    #[cfg_attr(not(all(feature = "csr", target_arch = "wasm32")), allow(dead_code))]
    fn query(&self) -> Query {
        let mut q = Query::default();
        match self.mode {
            Mode::Parts => {
                q.parts = self.parts().ok();
                q.mode = q.parts.is_none().then_some(Mode::Parts);
            }
            Mode::Budget => {
                q.budget = self.budget().ok();
                q.mode = q.budget.is_none().then_some(Mode::Budget);
            }
            Mode::Profil => {
                q.postes = self.postes().ok();
                q.serveurs = self.serveurs().ok();
                q.personnes = self.personnes().ok();
                q.services = Some(self.services);
                q.rattrapage = Some(self.rattrapage);
            }
        }
        q
    }
}

impl Reducible for Form {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut f = (*self).clone();
        match action {
            Action::Mode(m) => f.mode = m,
            Action::Text(t, v) => {
                // Bound what is kept from a pasted novel.
                let v: String = v.chars().take(40).collect();
                match t {
                    Text::Parts => f.parts = v,
                    Text::Budget => f.budget = v,
                    Text::Postes => f.postes = v,
                    Text::Serveurs => f.serveurs = v,
                    Text::Personnes => f.personnes = v,
                }
            }
            Action::Service(s, on) => f.services.set(s, on),
            Action::Rattrapage(on) => f.rattrapage = on,
        }
        if f == *self {
            self
        } else {
            Rc::new(f)
        }
    }
}

/// Writes the state in the address bar (history.replaceState), keeping the
/// page's other query keys and its fragment.
#[cfg(all(feature = "csr", target_arch = "wasm32"))]
fn sync_url(ours: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let loc = window.location();
    let (Ok(path), Ok(search), Ok(hash)) = (loc.pathname(), loc.search(), loc.hash()) else {
        return;
    };
    let q = crate::query::merge(&search, ours);
    let mut url = path;
    if !q.is_empty() {
        url.push('?');
        url.push_str(&q);
    }
    url.push_str(&hash);
    if let Ok(h) = window.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

const ID: &str = "calc";

fn id(suffix: &str) -> AttrValue {
    let mut s = String::from(ID);
    s.push('-');
    s.push_str(suffix);
    AttrValue::from(s)
}

struct NumberField<'a> {
    key: &'static str,
    label: &'static str,
    unit: &'a str,
    value: &'a str,
    min: i64,
    max: i64,
    error: Option<InputError>,
    text: Text,
    decimal: bool,
}

fn number_field(fd: NumberField<'_>, dispatch: &UseReducerDispatcher<Form>) -> Html {
    let input_id = id(fd.key);
    let unit_id = id(&[fd.key, "-unite"].concat());
    let err_id = id(&[fd.key, "-erreur"].concat());
    let described = if fd.error.is_some() {
        AttrValue::from([unit_id.as_str(), " ", err_id.as_str()].concat())
    } else {
        unit_id.clone()
    };
    let text = fd.text;
    let oninput = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(Action::Text(text, input.value()));
        })
    };
    let (ty, inputmode, step) = if fd.decimal {
        ("text", "decimal", None)
    } else {
        ("number", "numeric", Some("1"))
    };
    let (min, max) = if fd.decimal {
        (None, None)
    } else {
        (Some(fd.min.to_string()), Some(fd.max.to_string()))
    };
    html! {
        <div class={classes!("calc-field", ["calc-field-", fd.key].concat())}>
            <label class="calc-label" for={input_id.clone()}>{ fd.label }</label>
            <span class="calc-control">
                <input
                    class="calc-input"
                    id={input_id}
                    name={fd.key}
                    type={ty}
                    inputmode={inputmode}
                    autocomplete="off"
                    min={min}
                    max={max}
                    step={step}
                    value={fd.value.to_string()}
                    aria-invalid={fd.error.is_some().then_some("true")}
                    aria-describedby={described}
                    {oninput}
                />
                <span class="calc-unit" id={unit_id}>{ fd.unit }</span>
            </span>
            if let Some(e) = &fd.error {
                <p class="calc-error" id={err_id}>{ e.message() }</p>
            }
        </div>
    }
}

fn figure(class: &'static str, label: &'static str, value: String, for_ids: &AttrValue) -> Html {
    html! {
        <div class={classes!("calc-figure", class)}>
            <dt>{ label }</dt>
            <dd><output for={for_ids.clone()}>{ value }</output></dd>
        </div>
    }
}

/// Static parts are built as HTML text and inserted raw: same markup on
/// the server and in the browser, much less code in the wasm than `html!`.
fn raw(s: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(s))
}

/// `<ul class="CLASS"><li>…</li>…</ul>`, items escaped.
fn list(class: &str, items: &[String]) -> String {
    let mut s = String::from("<ul class=\"");
    s.push_str(class);
    s.push_str("\">");
    for item in items {
        s.push_str("<li>");
        s.push_str(&f::html_escape(item));
        s.push_str("</li>");
    }
    s.push_str("</ul>");
    s
}

/// The gauge of subscribed parts (when the data file gives them):
/// `9 parts sur 12 souscrites`, and what to do when the job is full.
fn gauge(model: &Model) -> Option<String> {
    let sub = model.subscribed()?;
    let total = model.total_parts();
    let rest = total - sub;
    let label = if rest == 0 {
        [
            "Les ",
            f::parts(total).as_str(),
            " sont toutes souscrites\u{202f}: contactez-nous pour être prévenus quand une \
             part se libère.",
        ]
        .concat()
    } else {
        [
            f::parts(sub).as_str(),
            " sur ",
            &f::int(total as i64),
            if sub < 2 {
                " souscrite ("
            } else {
                " souscrites ("
            },
            &f::int(rest as i64),
            if rest < 2 {
                " disponible)."
            } else {
                " disponibles)."
            },
        ]
        .concat()
    };
    Some(
        [
            "<div class=\"calc-gauge\"><p class=\"calc-gauge-label\" id=\"calc-jauge\">",
            &label,
            "</p><meter class=\"calc-gauge-meter\" min=\"0\" max=\"",
            &total.to_string(),
            "\" value=\"",
            &sub.to_string(),
            "\" aria-labelledby=\"calc-jauge\">",
            &f::int(sub as i64),
            " / ",
            &f::int(total as i64),
            "</meter></div>",
        ]
        .concat(),
    )
}

/// The assumptions: sentences and the table of coefficients.
fn assumptions(model: &Model) -> String {
    let mut s =
        String::from("<details class=\"calc-assumptions\"><summary>Hypothèses de travail de l’association</summary>");
    s.push_str(&list("calc-assumption-list", &model.assumptions()));
    s.push_str(
        "<table class=\"calc-coefs\"><caption>Temps de travail estimé par service, en \
         jours par an</caption><thead><tr><th scope=\"col\">Service</th>\
         <th scope=\"col\">Par an</th><th scope=\"col\">Par poste</th>\
         <th scope=\"col\">Par serveur</th><th scope=\"col\">Par personne</th></tr>\
         </thead><tbody>",
    );
    for svc in Service::ALL {
        s.push_str("<tr><th scope=\"row\">");
        s.push_str(svc.label());
        s.push_str("</th>");
        let c = model.coefs(svc);
        for k in Coef::ALL {
            s.push_str("<td>");
            match c.get(k) {
                0 => s.push('—'),
                v => s.push_str(&f::centi(v)),
            }
            s.push_str("</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></details>");
    s
}

/// The pricing calculator.
#[function_component(Calculator)]
pub fn calculator(props: &CalculatorProps) -> Html {
    let form = {
        let model = props.model.clone();
        let query = props.query.clone();
        use_reducer(move || Form::new(model, &query))
    };

    #[cfg(all(feature = "csr", target_arch = "wasm32"))]
    {
        // Skip the first render: the address bar already holds the state.
        let first = use_mut_ref(|| true);
        use_effect_with(form.query().to_query_string(), move |q| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) {
                sync_url(q);
            }
        });
    }

    let model = &props.model;
    let dispatch = form.dispatcher();
    let estimate = form.estimate();

    let onsubmit = Callback::from(|e: SubmitEvent| e.prevent_default());
    let modes = mode_choices(&form, &dispatch);
    let (fields, for_ids) = match form.mode {
        Mode::Parts => (parts_field(&form, model, &dispatch), id("parts")),
        Mode::Budget => (budget_field(&form, &dispatch), id("budget")),
        Mode::Profil => profile_fields(&form, model, &dispatch),
    };
    let results = results_of(estimate.as_ref(), &for_ids);

    html! {
        <div class="calc">
            if !form.warnings.is_empty() {
                { raw(list("calc-warnings", &form.warnings)) }
            }
            <form class="calc-form" method="get" {onsubmit}>
                <fieldset class="calc-modes" disabled={!props.live}>
                    <legend>{ "Partir de\u{202f}:" }</legend>
                    { for modes }
                </fieldset>
                <fieldset class={classes!("calc-fields", ["calc-fields-", form.mode.key()].concat())}
                    disabled={!props.live}>
                    <legend>{ match form.mode {
                        Mode::Profil => "Votre structure",
                        Mode::Parts => "Parts souhaitées",
                        Mode::Budget => "Votre budget",
                    } }</legend>
                    { fields }
                </fieldset>
            </form>
            <div class="calc-results" aria-live="polite">
                <p class="calc-results-title">{ "Estimation" }</p>
                { results }
            </div>
            if let Some(g) = gauge(model) {
                { raw(g) }
            }
            { raw(assumptions(model)) }
        </div>
    }
}

/// The radio buttons choosing what the estimate starts from.
fn mode_choices(form: &Form, dispatch: &UseReducerDispatcher<Form>) -> Vec<Html> {
    Mode::ALL
        .iter()
        .map(|&m| {
            let input_id = id(&["mode-", m.key()].concat());
            let label = match m {
                Mode::Profil => "les besoins de votre structure",
                Mode::Parts => "un nombre de parts",
                Mode::Budget => "votre budget annuel",
            };
            let onchange = {
                let dispatch = dispatch.clone();
                Callback::from(move |_: Event| dispatch.dispatch(Action::Mode(m)))
            };
            html! {
                <div class="calc-mode">
                    <input type="radio" id={input_id.clone()} name="mode" value={m.key()}
                        checked={form.mode == m} {onchange} />
                    <label for={input_id}>{ label }</label>
                </div>
            }
        })
        .collect()
}

/// Mode « un nombre de parts ».
fn parts_field(form: &Form, model: &Model, dispatch: &UseReducerDispatcher<Form>) -> Html {
    number_field(
        NumberField {
            key: "parts",
            label: "Nombre de parts",
            unit: &[
                "parts (le poste en compte ",
                &model.total_parts().to_string(),
                ")",
            ]
            .concat(),
            value: &form.parts,
            min: 1,
            max: MAX_PARTS_ASKED as i64,
            error: form.parts().err(),
            text: Text::Parts,
            decimal: false,
        },
        dispatch,
    )
}

/// Mode « votre budget annuel ».
fn budget_field(form: &Form, dispatch: &UseReducerDispatcher<Form>) -> Html {
    number_field(
        NumberField {
            key: "budget",
            label: "Budget annuel",
            unit: "€ par an",
            value: &form.budget,
            min: 0,
            max: MAX_BUDGET / 100,
            error: form.budget().err(),
            text: Text::Budget,
            decimal: true,
        },
        dispatch,
    )
}

/// Mode « les besoins de votre structure »: the fields, and the ids of
/// those the results are computed from.
fn profile_fields(
    form: &Form,
    model: &Model,
    dispatch: &UseReducerDispatcher<Form>,
) -> (Html, AttrValue) {
    let services = Service::ALL.iter().map(|&s| {
        let input_id = id(&["service-", s.key()].concat());
        let onchange = {
            let dispatch = dispatch.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                dispatch.dispatch(Action::Service(s, input.checked()));
            })
        };
        html! {
            <li class="calc-service">
                <input type="checkbox" id={input_id.clone()} name="services"
                    value={s.key()} checked={form.services.contains(s)} {onchange} />
                <label for={input_id}>{ s.label() }</label>
            </li>
        }
    });
    let onrattrapage = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(Action::Rattrapage(input.checked()));
        })
    };
    let html = html! {
        <>
            { number_field(NumberField {
                key: "postes", label: "Postes de travail", unit: "ordinateurs",
                value: &form.postes, min: 0, max: MAX_POSTES as i64,
                error: form.postes().err(), text: Text::Postes, decimal: false,
            }, dispatch) }
            { number_field(NumberField {
                key: "serveurs", label: "Serveurs", unit: "serveurs (0 si aucun)",
                value: &form.serveurs, min: 0, max: MAX_SERVEURS as i64,
                error: form.serveurs().err(), text: Text::Serveurs, decimal: false,
            }, dispatch) }
            { number_field(NumberField {
                key: "personnes", label: "Personnes", unit: "salariées, salariés et bénévoles",
                value: &form.personnes, min: 0, max: MAX_PERSONNES as i64,
                error: form.personnes().err(), text: Text::Personnes, decimal: false,
            }, dispatch) }
            <fieldset class="calc-services">
                <legend>{ "Services souhaités" }</legend>
                <ul class="calc-service-list">{ for services }</ul>
            </fieldset>
            <div class="calc-field calc-field-rattrapage">
                <input type="checkbox" id={id("rattrapage")} name="rattrapage" value="1"
                    checked={form.rattrapage} onchange={onrattrapage} />
                <label for={id("rattrapage")}>
                    { "Notre installation a besoin d’une remise à niveau (rattrapage d’environ " }
                    { f::days(model.catch_up_days()) }
                    { ", la première année)" }
                </label>
            </div>
        </>
    };
    (
        html,
        AttrValue::from(
            [
                id("postes").as_str(),
                id("serveurs").as_str(),
                id("personnes").as_str(),
            ]
            .join(" "),
        ),
    )
}

/// The estimate's figures and explanation, or what to correct first.
fn results_of(estimate: Option<&Estimate>, for_ids: &AttrValue) -> Html {
    match estimate {
        Some(e) => html! {
            <>
                <dl class="calc-figures">
                    { figure("calc-figure-parts", "Parts", f::parts(e.parts), for_ids) }
                    { figure("calc-figure-cost-year", "Coût par an", f::money(e.cost_per_year), for_ids) }
                    { figure("calc-figure-cost-month", "Coût par mois", [f::about(e.cost_per_year % 12 == 0), &f::money(e.cost_per_month)].concat(), for_ids) }
                    { figure("calc-figure-days", "Jours de travail par an", f::days(e.days_per_year), for_ids) }
                    { figure("calc-figure-hours", "Heures de travail par an", f::hours(e.hours_per_year), for_ids) }
                    { figure("calc-figure-share", "Quote-part du poste", f::percent(e.share), for_ids) }
                </dl>
                { raw(list("calc-explanation", &e.explanation)) }
            </>
        },
        None => html! {
            <p class="calc-invalid">{ "Corrigez le champ signalé pour voir l’estimation." }</p>
        },
    }
}
