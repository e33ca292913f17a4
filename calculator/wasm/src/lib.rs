//! Browser entry point of the pricing widget.
//!
//! On start, for each element `[data-calculateur-model]` written by the
//! generator (`calculator::embed::render_fragment`): decode the model, take
//! the initial state from the page's query (or the element's
//! `data-calculateur-query` defaults), then replace the server-rendered
//! `.calc` (the element's first child) by the live Yew app (render-over,
//! not hydration); what follows it, the same for every state, stays. The
//! markup is the same as the server's for the same state, so nothing jumps.
//!
//! On a model that does not decode, the element shows a French message
//! instead; nothing panics.

use std::rc::Rc;

use calculator::widget::{Calculator, CalculatorProps};
use calculator::{query, Model, MODEL_ATTR, QUERY_ATTR};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// talc instead of Rust's default allocator: smaller (see bench/README.md).
/// The widget is single-threaded (no `atomics`), as talc's cell assumes.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn mount(el: Element, search: &str) {
    let encoded = el.get_attribute(MODEL_ATTR).unwrap_or_default();
    match Model::decode(&encoded) {
        Ok(model) => {
            let defaults = el.get_attribute(QUERY_ATTR).unwrap_or_default();
            let props = CalculatorProps {
                model: Rc::new(model),
                query: query::initial(&defaults, search).to_string().into(),
                live: true,
            };
            // Yew renders into the pre-rendered `.calc` (it clears it
            // first); the static parts after it stay as they are.
            let root = el.first_element_child().unwrap_or(el);
            yew::Renderer::<Calculator>::with_root_and_props(root, props).render();
        }
        Err(e) => {
            let mut msg = String::from("Le calculateur n’a pas pu démarrer\u{202f}: ");
            msg.push_str(e.summary());
            msg.push_str(". Le tableau des tarifs reste valable.");
            el.set_text_content(Some(&msg));
            let _ = el.set_attribute("class", "calculateur calc-failed");
        }
    }
}

/// Entry point, run when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let search = window.location().search().unwrap_or_default();
    let selector = ["[", MODEL_ATTR, "]"].concat();
    let Ok(nodes) = document.query_selector_all(&selector) else {
        return;
    };
    for i in 0..nodes.length() {
        if let Some(el) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            mount(el, &search);
        }
    }
}
