//! Server-side rendering for the generator (feature `ssr`).
//!
//! [`render_fragment`] gives the HTML the generator puts where the
//! maintainer writes `{{ calculateur() }}`: the mount element (with the
//! encoded model and the Yew SSR markup of the initial state), a
//! `<noscript>` notice and a static table of estimates for 1 to N parts.
//! The generator appends the `<script type="module">` tag itself.

use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use yew::LocalServerRenderer;

use crate::format::{self as f, html_escape};
use crate::model::{Coef, Model, Service};
use crate::widget::list;
use crate::widget::{Calculator, CalculatorProps};

pub use crate::{MODEL_ATTR, MOUNT_CLASS, QUERY_ATTR};

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Minimal executor: Yew's local SSR of a component without suspense
/// completes without spawning tasks (its native scheduler is synchronous).
fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => thread::park(),
        }
    }
}

/// The widget's markup for a model and an initial URL query (`""`,
/// `"parts=3"`…): `<div class="calc">` holding what the browser renders
/// for the same state (the fields disabled until it runs), then the parts
/// that no input changes, the gauge and the assumptions: written here
/// only, the browser keeps them as they are (none of them in the wasm).
pub fn render_widget(model: &Model, query: &str) -> String {
    let props = CalculatorProps {
        model: Rc::new(model.clone()),
        query: query.to_string().into(),
        // Pre-rendered: disabled until the browser runs the widget.
        live: false,
    };
    let mut s = String::from("<div class=\"calc\">");
    s.push_str(&block_on(
        LocalServerRenderer::<Calculator>::with_props(props)
            .hydratable(false)
            .render(),
    ));
    s.push_str("</div>");
    if let Some(g) = gauge(model) {
        s.push_str(&g);
    }
    s.push_str(&assumptions(model));
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
         jours</caption><thead><tr><th scope=\"col\">Service</th>\
         <th scope=\"col\">Par an</th><th scope=\"col\">Par poste</th>\
         <th scope=\"col\">Par serveur</th><th scope=\"col\">Par personne</th>\
         <th scope=\"col\">Mise en place, la première année</th></tr></thead><tbody>",
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
        s.push_str("<td>");
        match model.setup_days(svc) {
            0 => s.push('—'),
            v => s.push_str(&f::centi(v)),
        }
        s.push_str("</td></tr>");
    }
    s.push_str("</tbody></table></details>");
    s
}

/// The static table of estimates for 1 to N parts (N = parts that fund the
/// job): parts, cost per year, per month, days per year.
pub fn render_table(model: &Model) -> String {
    let mut s = String::from("<table class=\"calc-table\">\n<caption>Estimations pour 1 à ");
    s.push_str(&f::parts(model.total_parts()));
    s.push_str(" (une part\u{202f}: ");
    s.push_str(&f::money(model.part_price()));
    s.push_str(" et ");
    s.push_str(&f::days(model.days_per_part()));
    // Every year alike: a part's price and days do not change after the
    // first year (set-up and catch-up are counted by the calculator).
    s.push_str(
        " de travail par an, chaque année\u{202f}; les montants par mois sont arrondis au \
         centime)</caption>\n<thead><tr><th scope=\"col\">Parts</th>\
         <th scope=\"col\">Coût par an</th><th scope=\"col\">Coût par mois</th>\
         <th scope=\"col\">Jours de travail par an</th></tr></thead>\n<tbody>\n",
    );
    for n in 1..=model.total_parts() {
        s.push_str("<tr><th scope=\"row\">");
        s.push_str(&f::parts(n));
        s.push_str("</th><td>");
        s.push_str(&f::money(model.cost_of(n)));
        s.push_str("</td><td>");
        s.push_str(f::about(model.cost_of(n) % 12 == 0));
        s.push_str(&f::money(model.monthly_cost_of(n)));
        s.push_str("</td><td>");
        s.push_str(&f::days(model.days_of(n)));
        s.push_str("</td></tr>\n");
    }
    s.push_str("</tbody>\n</table>");
    s
}

/// The end of the printed estimate, hidden on screen: what a part
/// includes, what is not decided, the notice. The same for every estimate,
/// so it is written here once, outside the widget (none of it in the wasm).
pub fn print_notes(model: &Model) -> String {
    let mut s = String::from(
        "<div class=\"calc-print-only calc-print-notes\"><p class=\"calc-print-subtitle\">\
         Ce que comprend une part</p><ul><li>Du temps de travail de l’informaticien pour votre \
         structure, environ ",
    );
    s.push_str(&f::days(model.days_per_part()));
    s.push_str(
        " par an et par part, sur les neuf services de l’Amie.</li><li>Ce qui est mis en \
         commun entre toutes les structures\u{202f}: l’hébergement des sauvegardes, de petits \
         services partagés, un remplacement que l’association peut organiser pendant les \
         congés de l’informaticien, les ateliers collectifs.</li></ul>\
         <p class=\"calc-print-subtitle\">Ce qui n’est pas compris ou pas encore décidé</p>\
         <p>La cotisation d’adhésion, les frais de déplacement et la TVA ne sont pas encore \
         décidés, ni la durée d’engagement et les modalités de paiement.</p>\
         <p class=\"calc-notice\"><strong>Estimation indicative, non contractuelle.</strong> \
         Elle repose sur les hypothèses de travail de l’association.</p></div>",
    );
    s
}

/// The complete fragment for `{{ calculateur() }}`.
///
/// `query_defaults` is the initial state as a URL query (usually `""`); it
/// is stored in `data-calculateur-query` so the browser starts from the same
/// state (a visitor's own `?parts=…` takes precedence there).
pub fn render_fragment(model: &Model, query_defaults: &str) -> String {
    let mut s = String::from("<div class=\"");
    s.push_str(MOUNT_CLASS);
    s.push_str("\" ");
    s.push_str(MODEL_ATTR);
    s.push_str("=\"");
    s.push_str(&html_escape(&model.encode()));
    s.push('"');
    if !query_defaults.is_empty() {
        s.push(' ');
        s.push_str(QUERY_ATTR);
        s.push_str("=\"");
        s.push_str(&html_escape(query_defaults));
        s.push('"');
    }
    s.push('>');
    s.push_str(&render_widget(model, query_defaults));
    s.push_str("</div>\n");
    s.push_str(&print_notes(model));
    s.push_str(
        "\n<noscript><p class=\"calc-noscript\">Le calculateur interactif a besoin \
         de JavaScript. Le tableau ci-dessous donne le coût et le temps de travail pour \
         chaque nombre de parts.</p></noscript>\n",
    );
    s.push_str(&render_table(model));
    s.push('\n');
    s
}
