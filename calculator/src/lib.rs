//! The Amie pricing model (parts, cost, days) and its Yew widget.
//!
//! An Amie pools one salaried IT worker's time between small structures; a
//! structure subscribes to *parts* of that time. This crate:
//!
//! - [`model`]: base figures ([`Params`]), validation and derived figures
//!   ([`Model`]); money in integer cents, days in hundredths; no float, no
//!   serde in the default build (it also compiles to wasm32);
//! - [`estimate`]: estimates from a profile, a number of parts or a budget;
//! - [`example`]: a worked example as HTML, for the site's texts;
//! - [`figures`]: the model's figures by name, for the site's texts;
//! - [`format`]: French formatting (`1 234,56 €`, `9 jours`);
//! - [`encode`](Model::encode) / [`decode`](Model::decode): compact text
//!   form of the model for the browser;
//! - [`query`]: the widget's URL query state;
//! - `data` (feature `data`): reading `content/tarifs.toml`;
//! - `widget` (features `ssr`/`csr`): the Yew component;
//! - `embed` (feature `ssr`): the HTML fragment for the generator.

pub mod encode;
pub mod estimate;
pub mod example;
pub mod figures;
pub mod format;
pub mod model;
pub mod query;

#[cfg(feature = "data")]
pub mod data;
#[cfg(feature = "ssr")]
pub mod embed;
#[cfg(any(feature = "ssr", feature = "csr"))]
pub mod widget;

pub use encode::DecodeError;
pub use estimate::{Estimate, InputError, Profile, ServiceLine};
pub use figures::{Figure, FigureError};
pub use model::{
    Centi, Cents, Contact, Field, Model, ModelError, Params, Service, ServiceCoefs, ServiceSet,
};
pub use query::{Mode, Query};

/// Class of the mount element written by the generator.
pub const MOUNT_CLASS: &str = "calculateur";
/// Attribute of the mount element holding [`Model::encode`].
pub const MODEL_ATTR: &str = "data-calculateur-model";
/// Attribute of the mount element holding the initial query, when any.
pub const QUERY_ATTR: &str = "data-calculateur-query";

#[cfg(test)]
mod tests;
