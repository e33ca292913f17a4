//! The Yew widget (features `ssr` and/or `csr`).
//!
//! The same component renders on the server ([`crate::embed`]) and in the
//! browser (`calculator-wasm`), from the same [`CalculatorProps`], so the
//! markup is identical for the same state. CSS hooks: every class starts
//! with `calc-`. No inline script or style.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::html::Scope;
use yew::prelude::*;
use yew::virtual_dom::{AttributeOrProperty, Attributes, VTag};

use crate::estimate::{
    parse_count, parse_money, Estimate, InputError, Profile, MAX_BUDGET, MAX_PARTS_ASKED,
    MAX_PERSONNES, MAX_POSTES, MAX_SERVEURS,
};
use crate::format as f;
use crate::model::{Centi, Model, Service, ServiceSet};
use crate::query::{Mode, Query};

/// Properties of [`Calculator`].
#[derive(Properties, Clone)]
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

/// The same model object (not a comparison of every field: less code in
/// the wasm, and a model is never rebuilt equal).
impl PartialEq for CalculatorProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.model, &other.model)
            && self.query == other.query
            && self.live == other.live
    }
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
#[derive(Debug)]
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
    /// What « Copier le lien » last did (reset by any change of the form).
    copied: Copied,
}

/// What the visitor did.
enum Action {
    Mode(Mode),
    Text(Text, String),
    Service(Service, bool),
    Rattrapage(bool),
    #[cfg_attr(not(all(feature = "csr", target_arch = "wasm32")), allow(dead_code))]
    Copied(Copied),
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
            copied: Copied::Not,
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

    /// What the estimate starts from, one French line per input (for the
    /// printed estimate and the e-mail); empty while a field is invalid.
    fn inputs(&self) -> Vec<String> {
        let line = |label: &str, value: String| [label, "\u{202f}: ", &value].concat();
        match self.mode {
            Mode::Parts => self
                .parts()
                .map(|n| vec![line("Nombre de parts choisi", f::parts(n))])
                .unwrap_or_default(),
            Mode::Budget => self
                .budget()
                .map(|b| vec![line("Budget annuel indiqué", f::money(b))])
                .unwrap_or_default(),
            Mode::Profil => {
                let (Ok(postes), Ok(serveurs), Ok(personnes)) =
                    (self.postes(), self.serveurs(), self.personnes())
                else {
                    return Vec::new();
                };
                let services: Vec<&str> = self.services.iter().map(Service::label).collect();
                vec![
                    line("Postes de travail", f::int(postes.into())),
                    line("Serveurs", f::int(serveurs.into())),
                    line(
                        "Personnes (salariées, salariés et bénévoles)",
                        f::int(personnes.into()),
                    ),
                    line(
                        "Services souhaités",
                        if services.is_empty() {
                            "aucun".into()
                        } else {
                            services.join(", ")
                        },
                    ),
                    line(
                        "Rattrapage de l’installation",
                        (if self.rattrapage { "oui" } else { "non" }).into(),
                    ),
                ]
            }
        }
    }

    /// The URL query of the active mode's valid values.
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

impl Form {
    /// Applies `action`; whether anything changed (the widget then renders
    /// again).
    fn apply(&mut self, action: Action) -> bool {
        // « Lien copié » was about the estimate before this change.
        let copied = std::mem::replace(&mut self.copied, Copied::Not);
        let changed = match action {
            Action::Mode(m) => std::mem::replace(&mut self.mode, m) != m,
            Action::Text(t, mut v) => {
                // Bound what is kept from a pasted novel.
                if let Some((end, _)) = v.char_indices().nth(40) {
                    v.truncate(end);
                }
                let field = match t {
                    Text::Parts => &mut self.parts,
                    Text::Budget => &mut self.budget,
                    Text::Postes => &mut self.postes,
                    Text::Serveurs => &mut self.serveurs,
                    Text::Personnes => &mut self.personnes,
                };
                *field != v && {
                    *field = v;
                    true
                }
            }
            Action::Service(s, on) => {
                let before = self.services;
                self.services.set(s, on);
                self.services != before
            }
            Action::Rattrapage(on) => std::mem::replace(&mut self.rattrapage, on) != on,
            Action::Copied(c) => {
                self.copied = c;
                return c != copied;
            }
        };
        // The address bar follows the state here rather than in an effect
        // (no hook: each costs kilobytes of Yew in the wasm); the first
        // render needs none, the address already holds the state.
        #[cfg(all(feature = "csr", target_arch = "wasm32"))]
        if changed {
            sync_url(&self.query().to_query_string());
        }
        changed || copied != Copied::Not
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

/// The link that reopens this estimate: the page's address with the
/// widget's query (relative on the server, which does not know the page).
fn estimate_link(query: &str) -> String {
    #[cfg(all(feature = "csr", target_arch = "wasm32"))]
    let mut url = web_sys::window()
        .and_then(|w| {
            let loc = w.location();
            Some([loc.origin().ok()?, loc.pathname().ok()?].concat())
        })
        .unwrap_or_default();
    #[cfg(not(all(feature = "csr", target_arch = "wasm32")))]
    let mut url = String::new();
    url.push('?');
    url.push_str(query);
    url
}

/// Today's date in French (`6 décembre 2026`), in the browser only.
fn today() -> Option<String> {
    #[cfg(all(feature = "csr", target_arch = "wasm32"))]
    {
        let d = web_sys::js_sys::Date::new_0();
        let month = f::MONTHS.get(d.get_month() as usize)?;
        Some(
            [
                &f::int(d.get_date().into()),
                " ",
                month,
                " ",
                &d.get_full_year().to_string(),
            ]
            .concat(),
        )
    }
    #[cfg(not(all(feature = "csr", target_arch = "wasm32")))]
    None
}

/// Opens the browser's print dialog (the print style sheet keeps the
/// estimate alone).
fn print() {
    #[cfg(all(feature = "csr", target_arch = "wasm32"))]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// What « Copier le lien » last did, said in the live region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(all(feature = "csr", target_arch = "wasm32")), allow(dead_code))]
enum Copied {
    Not,
    Yes,
    /// The clipboard refused: the address is selected in its field.
    Selected,
}

/// Selects the address in its read-only field, for a copy by hand.
#[cfg(all(feature = "csr", target_arch = "wasm32"))]
fn select_link() {
    use wasm_bindgen::JsCast;
    let field = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("calc-lien"))
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok());
    if let Some(field) = field {
        let _ = field.focus();
        field.select();
    }
}

/// Puts `url` on the clipboard (Clipboard API); where it is missing or
/// refused, selects the address in its field instead.
#[cfg(all(feature = "csr", target_arch = "wasm32"))]
fn copy_link(url: &str, scope: Scope<Calculator>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsValue;
    let Some(window) = web_sys::window() else {
        return;
    };
    let clipboard = window.navigator().clipboard();
    // Undefined outside secure contexts: calling it would throw.
    if clipboard.is_undefined() {
        select_link();
        return scope.send_message(Msg(Action::Copied(Copied::Selected)));
    }
    // One closure for both outcomes: `writeText` resolves with undefined,
    // rejects with an error.
    let done = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        let c = if v.is_undefined() {
            Copied::Yes
        } else {
            select_link();
            Copied::Selected
        };
        scope.send_message(Msg(Action::Copied(c)));
    });
    let _ = clipboard.write_text(url).then2(&done, &done);
    // Called once, by the page; it lives as long as the page.
    done.forget();
}

/// The ids of a number field's elements (`calc-<key>`, …), literals.
struct FieldIds {
    key: &'static str,
    input: &'static str,
    unit: &'static str,
    error: &'static str,
    /// `aria-describedby` when the field is invalid: the unit, the error.
    unit_and_error: &'static str,
}

macro_rules! field_ids {
    ($key:literal) => {
        FieldIds {
            key: $key,
            input: concat!("calc-", $key),
            unit: concat!("calc-", $key, "-unite"),
            error: concat!("calc-", $key, "-erreur"),
            unit_and_error: concat!("calc-", $key, "-unite calc-", $key, "-erreur"),
        }
    };
}

struct NumberField<'a> {
    ids: FieldIds,
    label: &'static str,
    unit: &'a str,
    value: &'a str,
    /// `min` and `max` of a whole number; `None` for an amount (typed as
    /// text: `2 000,50`).
    bounds: Option<(u32, u32)>,
    error: Option<InputError>,
}

/// A number field; what is typed reaches the form's `oninput`.
fn number_field(fd: NumberField<'_>) -> Html {
    let ids = fd.ids;
    let (ty, inputmode, step) = match fd.bounds {
        None => ("text", "decimal", None),
        Some(_) => ("number", "numeric", Some("1")),
    };
    let (min, max) = match fd.bounds {
        None => (None, None),
        Some((min, max)) => (Some(min.to_string()), Some(max.to_string())),
    };
    html! {
        <div class="calc-field">
            <label class="calc-label" for={ids.input}>{ fd.label }</label>
            <span class="calc-control">
                <input
                    class="calc-input"
                    id={ids.input}
                    name={ids.key}
                    type={ty}
                    inputmode={inputmode}
                    autocomplete="off"
                    min={min}
                    max={max}
                    step={step}
                    value={fd.value.to_string()}
                    aria-invalid={fd.error.is_some().then_some("true")}
                    aria-describedby={if fd.error.is_some() { ids.unit_and_error } else { ids.unit }}
                />
                <span class="calc-unit" id={ids.unit}>{ fd.unit }</span>
            </span>
            if let Some(e) = &fd.error {
                <p class="calc-error" id={ids.error}>{ e.message() }</p>
            }
        </div>
    }
}

/// Static parts are built as HTML text and inserted raw: same markup on
/// the server and in the browser, much less code in the wasm than `html!`.
fn raw(s: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(s))
}

/// [`raw`] for fixed markup.
fn raw_static(s: &'static str) -> Html {
    Html::from_html_unchecked(AttrValue::Static(s))
}

/// `<ul class="CLASS"><li>…</li>…</ul>`, items escaped.
pub(crate) fn list(class: &str, items: &[String]) -> String {
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

/// A message of [`Calculator`]: what the visitor did.
pub struct Msg(Action);

/// The pricing calculator. A struct component rather than a function
/// one: no hook, whose machinery weighs kilobytes of the wasm.
pub struct Calculator {
    form: Form,
}

impl Component for Calculator {
    type Message = Msg;
    type Properties = CalculatorProps;

    fn create(ctx: &Context<Self>) -> Self {
        let props = ctx.props();
        Calculator {
            form: Form::new(props.model.clone(), &props.query),
        }
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        self.form.apply(msg.0)
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        calculator(&self.form, ctx.props(), ctx.link())
    }
}

/// The widget's markup for `form`.
fn calculator(form: &Form, props: &CalculatorProps, scope: &Scope<Calculator>) -> Html {
    let query = form.query().to_query_string();

    let model = &props.model;
    let estimate = form.estimate();
    let link = estimate_link(&query);

    let onsubmit = Callback::from(|e: SubmitEvent| e.prevent_default());
    let oninput = on_field::<InputEvent>(scope);
    let onchange = on_field::<Event>(scope);
    let modes = mode_choices(form);
    // The fields, and the ids of those the results are computed from.
    let (fields, for_ids) = match form.mode {
        Mode::Parts => (parts_field(form, model), "calc-parts"),
        Mode::Budget => (budget_field(form), "calc-budget"),
        Mode::Profil => (
            profile_fields(form, model),
            "calc-postes calc-serveurs calc-personnes",
        ),
    };
    let for_ids = AttrValue::Static(for_ids);
    let figures = estimate.as_ref().map(|e| figures(model, e));
    let results = results_of(
        model,
        estimate.as_ref().zip(figures.as_ref().map(|f| &f[..])),
        &for_ids,
    );
    let onprint = Callback::from(|_: MouseEvent| print());
    let oncopy = {
        #[cfg(all(feature = "csr", target_arch = "wasm32"))]
        {
            let link = link.clone();
            let scope = scope.clone();
            Callback::from(move |_: MouseEvent| copy_link(&link, scope.clone()))
        }
        #[cfg(not(all(feature = "csr", target_arch = "wasm32")))]
        Callback::from(|_: MouseEvent| ())
    };
    let status = match form.copied {
        Copied::Not => "",
        Copied::Yes => "Lien copié dans le presse-papiers.",
        Copied::Selected => {
            "Copie automatique impossible\u{202f}: le lien est sélectionné ci-dessous, \
             copiez-le avec Ctrl+C (ou ⌘+C)."
        }
    };
    let inputs = form.inputs();
    let mail = estimate
        .as_ref()
        .zip(figures.as_ref())
        .and_then(|(e, figures)| mailto(model, e, figures, &inputs, &link));

    html! {
        <>
            if !form.warnings.is_empty() {
                { raw(list("calc-warnings", &form.warnings)) }
            }
            <div class="calc-main">
            <form class="calc-form" id="calc-formulaire" method="get" {onsubmit} {oninput} {onchange}>
                <fieldset class="calc-modes" disabled={!props.live}>
                    <legend>{ "Partir de\u{202f}:" }</legend>
                    { for modes }
                </fieldset>
                <fieldset class="calc-fields"
                    disabled={!props.live}>
                    <legend>{ match form.mode {
                        Mode::Profil => "Votre structure",
                        Mode::Parts => "Parts souhaitées",
                        Mode::Budget => "Votre budget",
                    } }</legend>
                    { fields }
                </fieldset>
            </form>
            <div class="calc-panel" id="calc-resultats">
                { raw(print_head(model, &inputs)) }
                <div class="calc-results" aria-live="polite">
                    { raw_static("<p class=\"calc-results-title\">Estimation</p>") }
                    { results }
                </div>
                <div class="calc-actions">
                    <button type="button" class="calc-print" disabled={!props.live}
                        onclick={onprint}>{ "Imprimer l’estimation" }</button>
                    <button type="button" class="calc-copy" disabled={!props.live}
                        onclick={oncopy}>{ "Copier le lien" }</button>
                    if let Some(href) = mail {
                        <a class="calc-mail" href={href}>{ "Envoyer cette estimation" }</a>
                    }
                    <div class="calc-link">
                        { raw_static("<label for=\"calc-lien\">Lien de cette estimation</label>") }
                        <input id="calc-lien" class="calc-link-field" type="text" readonly=true
                            disabled={!props.live} value={link.clone()} />
                    </div>
                    <p class="calc-status" role="status">{ status }</p>
                </div>
                { raw_static("<p class=\"calc-back\"><a href=\"#calc-formulaire\">Modifier les informations</a></p>") }
            </div>
            </div>
            // The calculation in words, below: the panel stays short enough
            // to stay in view beside the form.
            if let Some(e) = &estimate {
                <div class="calc-details">
                    { raw_static("<p class=\"calc-details-title\">Le calcul, pas à pas</p>") }
                    { raw(list("calc-explanation", &e.explanation)) }
                </div>
            }
            { raw(print_link(&link)) }
        </>
    }
}

/// The printed estimate's heading (hidden on screen): the association,
/// the date, the tariff and what the estimate starts from.
fn print_head(model: &Model, inputs: &[String]) -> String {
    let mut s = String::from("<div class=\"calc-print-only calc-print-head\">");
    s.push_str("<p class=\"calc-print-org\">");
    s.push_str(&f::html_escape(
        model.contact().name.as_deref().unwrap_or("Amie"),
    ));
    s.push_str("</p><p class=\"calc-print-title\">Estimation");
    if let Some(d) = today() {
        s.push_str(" du ");
        s.push_str(&d);
    }
    if let Some(r) = model.reference() {
        s.push_str(" · tarif ");
        s.push_str(&f::html_escape(r));
    }
    s.push_str("</p>");
    if !inputs.is_empty() {
        s.push_str("<p class=\"calc-print-subtitle\">Ce que vous avez indiqué</p>");
        s.push_str(&list("calc-inputs", inputs));
    }
    s.push_str("</div>");
    s
}

/// The printed estimate's link that reopens it (hidden on screen; what a
/// part includes and the notice follow, server-rendered:
/// `embed::print_notes`).
fn print_link(link: &str) -> String {
    [
        "<p class=\"calc-print-only calc-print-link\">Pour retrouver cette estimation\u{202f}: ",
        &f::html_escape(link),
        "</p>",
    ]
    .concat()
}

/// `mailto:` link to the association with the estimate in the body, or
/// `None` when the site gives no address.
fn mailto(
    model: &Model,
    e: &Estimate,
    figures: &[Figure],
    inputs: &[String],
    link: &str,
) -> Option<String> {
    use crate::query::encode_component as enc;
    let to = model.contact().email.as_deref()?;
    let subject = [
        "Estimation\u{202f}: ",
        &figures[0].1,
        ", ",
        &figures[1].1,
        " par an",
    ]
    .concat();
    let mut body = String::from(
        "Bonjour,\r\n\r\nVoici l’estimation faite avec le calculateur du site.\r\n\r\n",
    );
    let mut line = |parts: &[&str]| {
        for p in parts {
            body.push_str(p);
        }
        body.push_str("\r\n");
    };
    for i in inputs {
        line(&[i]);
    }
    // The figures as the panel shows them.
    for (label, value) in figures {
        line(&[label, "\u{202f}: ", value]);
    }
    if let Some(after) = e.parts_following_years {
        line(&[
            "Les années suivantes\u{202f}: ",
            &f::parts(after),
            ", ",
            &f::money(model.cost_of(after)),
            " par an",
        ]);
    }
    if let Some(r) = model.reference() {
        line(&["Tarif\u{202f}: ", r]);
    }
    line(&["\r\nPour retrouver cette estimation\u{202f}: ", link]);
    line(&["\r\nEstimation indicative, non contractuelle."]);
    // The address keeps its @; everything else is percent-encoded.
    let to: Vec<String> = to.split('@').map(enc).collect();
    Some(
        [
            "mailto:",
            &to.join("@"),
            "?subject=",
            &enc(&subject),
            "&body=",
            &enc(&body),
        ]
        .concat(),
    )
}

/// What a change of the form's field `input` does: one listener on the
/// form for all fields (each listener is code of its own in the wasm).
fn field_action(input: &HtmlInputElement) -> Option<Action> {
    let text = |t| Some(Action::Text(t, input.value()));
    match input.name().as_str() {
        "mode" => Some(Action::Mode(Mode::from_key(&input.value())?)),
        "services" => Some(Action::Service(
            Service::from_key(&input.value())?,
            input.checked(),
        )),
        "rattrapage" => Some(Action::Rattrapage(input.checked())),
        "parts" => text(Text::Parts),
        "budget" => text(Text::Budget),
        "postes" => text(Text::Postes),
        "serveurs" => text(Text::Serveurs),
        "personnes" => text(Text::Personnes),
        _ => None,
    }
}

/// `oninput` and `onchange` of the form: text fields send `input` events,
/// radio buttons and checkboxes `change` ones (some browsers send both;
/// the second changes nothing).
fn on_field<E: AsRef<Event>>(scope: &Scope<Calculator>) -> Callback<E> {
    let scope = scope.clone();
    Callback::from(move |e: E| {
        let input: HtmlInputElement = e.as_ref().target_unchecked_into();
        if let Some(action) = field_action(&input) {
            scope.send_message(Msg(action));
        }
    })
}

/// The radio buttons choosing what the estimate starts from.
fn mode_choices(form: &Form) -> Vec<Html> {
    Mode::ALL
        .iter()
        .map(|&m| {
            let (input_id, label) = match m {
                Mode::Profil => ("calc-mode-profil", "les besoins de votre structure"),
                Mode::Parts => ("calc-mode-parts", "un nombre de parts"),
                Mode::Budget => ("calc-mode-budget", "votre budget annuel"),
            };
            html! {
                <div class="calc-mode">
                    <input type="radio" id={input_id} name="mode" value={m.key()}
                        checked={form.mode == m} />
                    <label for={input_id}>{ label }</label>
                </div>
            }
        })
        .collect()
}

/// Mode « un nombre de parts ».
fn parts_field(form: &Form, model: &Model) -> Html {
    number_field(NumberField {
        ids: field_ids!("parts"),
        label: "Nombre de parts",
        unit: &[
            "parts (le poste en compte ",
            &model.total_parts().to_string(),
            ")",
        ]
        .concat(),
        value: &form.parts,
        bounds: Some((1, MAX_PARTS_ASKED)),
        error: form.parts().err(),
    })
}

/// Mode « votre budget annuel ».
fn budget_field(form: &Form) -> Html {
    number_field(NumberField {
        ids: field_ids!("budget"),
        label: "Budget annuel",
        unit: "€ par an",
        value: &form.budget,
        bounds: None,
        error: form.budget().err(),
    })
}

/// Mode « les besoins de votre structure ».
fn profile_fields(form: &Form, model: &Model) -> Html {
    let services = Service::ALL.iter().map(|&s| {
        let input_id = AttrValue::from(["calc-service-", s.key()].concat());
        html! {
            <li class="calc-service">
                <input type="checkbox" id={input_id.clone()} name="services"
                    value={s.key()} checked={form.services.contains(s)} />
                <label for={input_id}>{ s.label() }</label>
            </li>
        }
    });
    html! {
        <>
            { number_field(NumberField {
                ids: field_ids!("postes"), label: "Postes de travail", unit: "ordinateurs",
                value: &form.postes, bounds: Some((0, MAX_POSTES)), error: form.postes().err(),
            }) }
            { number_field(NumberField {
                ids: field_ids!("serveurs"), label: "Serveurs", unit: "serveurs (0 si aucun)",
                value: &form.serveurs, bounds: Some((0, MAX_SERVEURS)), error: form.serveurs().err(),
            }) }
            { number_field(NumberField {
                ids: field_ids!("personnes"), label: "Personnes",
                unit: "salariées, salariés et bénévoles", value: &form.personnes,
                bounds: Some((0, MAX_PERSONNES)), error: form.personnes().err(),
            }) }
            <fieldset class="calc-services">
                <legend>{ "Services souhaités" }</legend>
                <ul class="calc-service-list">{ for services }</ul>
            </fieldset>
            <div class="calc-field calc-field-rattrapage">
                <input type="checkbox" id="calc-rattrapage" name="rattrapage" value="1"
                    checked={form.rattrapage} />
                <label for="calc-rattrapage">
                    { "Notre installation a besoin d’une remise à niveau (rattrapage d’environ " }
                    { f::days(model.catch_up_days()) }
                    { ", la première année)" }
                </label>
            </div>
        </>
    }
}

/// A figure of the results: its label and value.
type Figure = (&'static str, String);

/// The estimate's six figures, as the panel shows them (and the e-mail).
fn figures(model: &Model, e: &Estimate) -> [Figure; 6] {
    [
        ("Parts", f::parts(e.parts)),
        ("Coût par an", f::money(e.cost_per_year)),
        (
            "Coût par mois",
            [
                f::about(e.cost_per_year % 12 == 0),
                &f::money(e.cost_per_month),
            ]
            .concat(),
        ),
        ("Jours de travail par an", f::days(e.days_per_year)),
        ("Heures de travail par an", f::hours(e.hours_per_year)),
        (
            "Quote-part du poste",
            [f::about(exact_share(model, e)), &f::percent(e.share)].concat(),
        ),
    ]
}

/// Each figure's `class`, as Yew's static attribute lists: a computed
/// `class` in `html!` goes through Yew's `Classes` (an ordered set), and
/// `VTag::add_attribute` through an index map, kilobytes of wasm each.
const FIGURE_CLASSES: [&[(&str, AttributeOrProperty)]; 6] = [
    &[(
        "class",
        AttributeOrProperty::Static("calc-figure calc-figure-parts"),
    )],
    &[(
        "class",
        AttributeOrProperty::Static("calc-figure calc-figure-cost-year"),
    )],
    &[(
        "class",
        AttributeOrProperty::Static("calc-figure calc-figure-cost-month"),
    )],
    &[(
        "class",
        AttributeOrProperty::Static("calc-figure calc-figure-days"),
    )],
    &[(
        "class",
        AttributeOrProperty::Static("calc-figure calc-figure-hours"),
    )],
    &[(
        "class",
        AttributeOrProperty::Static("calc-figure calc-figure-share"),
    )],
];

/// The estimate's figures, the first year apart when it counts more and
/// the share drawn (the explanation follows the form and the panel); or
/// what to correct first. The figures stay elements of their own (not raw
/// HTML): a change updates only the values that changed, and the live
/// region reads only those.
fn results_of(model: &Model, e: Option<(&Estimate, &[Figure])>, for_ids: &AttrValue) -> Html {
    match e {
        Some((e, figures)) => {
            let figures = figures
                .iter()
                .zip(FIGURE_CLASSES)
                .map(|((label, value), class)| {
                    // What `html!` makes of `<div class="…">`, the class chosen here.
                    Html::from(VTag::__new_other(
                        AttrValue::Static("div"),
                        NodeRef::default(),
                        None,
                        Attributes::Static(class),
                        Default::default(),
                        html! {
                            <>
                                <dt>{ *label }</dt>
                                <dd><output for={for_ids.clone()}>{ value.clone() }</output></dd>
                            </>
                        },
                    ))
                });
            html! {
                <>
                    <dl class="calc-figures">{ for figures }</dl>
                    { raw(years(model, e)) }
                    { raw(share_bar(model, e)) }
                </>
            }
        }
        None => html! {
            <p class="calc-invalid">{ "Corrigez le champ signalé pour voir l’estimation." }</p>
        },
    }
}

/// Whether the share of the job is exact (no « ≈ »).
fn exact_share(model: &Model, e: &Estimate) -> bool {
    let parts = e.parts.min(model.total_parts()) as i64;
    (parts * 10_000) % model.total_parts() as i64 == 0
}

/// The first year and the following ones side by side, when the first
/// year counts set-up or catch-up days (profile estimates).
fn years(model: &Model, e: &Estimate) -> String {
    let (Some(after), Some(first), Some(recurring)) =
        (e.parts_following_years, e.days_needed, e.recurring_days)
    else {
        return String::new();
    };
    let row = |label: &str, days: Centi, parts: u32| {
        [
            "<tr><th scope=\"row\">",
            label,
            "<br><span class=\"calc-years-days\">",
            &f::days(days),
            " de travail</span></th><td>",
            &f::parts(parts),
            "</td><td>",
            &f::money(model.cost_of(parts)),
            "</td></tr>",
        ]
        .concat()
    };
    [
        "<table class=\"calc-years\"><caption>La première année et les suivantes</caption>\
         <thead><tr><td></td><th scope=\"col\">Parts</th><th scope=\"col\">Coût par an</th>\
         </tr></thead><tbody>",
        &row("Première année", first, e.parts),
        &row("Années suivantes", recurring, after),
        "</tbody></table>",
    ]
    .concat()
}

/// The job's parts drawn as a bar: the parts already subscribed, the
/// structure's, the free ones; the same in words for screen readers (the
/// drawing is hidden from them). SVG attributes only: no inline style.
fn share_bar(model: &Model, e: &Estimate) -> String {
    let total = model.total_parts();
    let sub = model.subscribed().unwrap_or(0).min(total);
    let yours = e.parts.min(total - sub);
    let mut s = String::from("<div class=\"calc-share\"><svg class=\"calc-bar\" viewBox=\"0 0 ");
    s.push_str(&(total * 10).to_string());
    s.push_str(" 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">");
    // One cell per part while they are few enough to tell apart.
    let cells: Vec<(u32, u32, &str)> = if total <= 60 {
        (0..total)
            .map(|i| {
                let class = if i < sub {
                    "calc-bar-sub"
                } else if i < sub + yours {
                    "calc-bar-yours"
                } else {
                    "calc-bar-free"
                };
                (i, 1, class)
            })
            .collect()
    } else {
        vec![
            (0, sub, "calc-bar-sub"),
            (sub, yours, "calc-bar-yours"),
            (sub + yours, total - sub - yours, "calc-bar-free"),
        ]
    };
    for (x, w, class) in cells.into_iter().filter(|c| c.1 > 0) {
        s.push_str("<rect class=\"");
        s.push_str(class);
        s.push_str("\" x=\"");
        s.push_str(&(x * 10 + 1).to_string());
        s.push_str("\" y=\"0\" width=\"");
        s.push_str(&(w * 10 - 2).to_string());
        s.push_str("\" height=\"10\"/>");
    }
    s.push_str("</svg><p class=\"calc-share-text\">");
    let words = if e.exceeds_pool {
        [
            "Votre besoin (",
            &f::parts(e.parts),
            ") dépasse les ",
            &f::parts(total),
            " du poste.",
        ]
        .concat()
    } else {
        [
            "Vos ",
            &f::parts(e.parts),
            " sur les ",
            &f::parts(total),
            " du poste.",
        ]
        .concat()
    };
    s.push_str(&f::html_escape(&words));
    if model.subscribed().is_some() {
        s.push_str(" Déjà souscrites\u{202f}: ");
        s.push_str(&f::int(sub.into()));
        s.push('.');
    }
    s.push_str("</p><ul class=\"calc-legend\" aria-hidden=\"true\">");
    if model.subscribed().is_some() {
        s.push_str("<li class=\"calc-key-sub\">déjà souscrites</li>");
    }
    s.push_str("<li class=\"calc-key-yours\">vos parts</li><li class=\"calc-key-free\">libres</li></ul></div>");
    s
}
