//! site-gen: builds the Amie website from `content/` (Markdown) and a Tera
//! theme, and embeds the pricing widget. See ARCHITECTURE.md for the map:
//! load (config, content, theme, pricing data) → check → render → write.

pub mod check;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod html;
pub mod images;
pub mod inputs;
pub mod junk;
pub mod markdown;
pub mod output;
pub mod precompress;
pub mod pricing;
pub mod relative;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod slug;
pub mod suggest;
pub mod templates;
pub mod theme;
pub mod urls;
pub mod widget;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use site::{
    build, build_into, build_with_progress, BuildOptions, BuiltSite, PageSink, RebuildReport,
    Session,
};

/// The most documents one task of a parallel stage takes (`with_max_len`):
/// rayon splits a range into as many parts as threads, and further only
/// when work is stolen, so a stage could end with one thread alone on a
/// long run of documents while the others wait.
pub(crate) const DOCS_PER_TASK: usize = 64;
