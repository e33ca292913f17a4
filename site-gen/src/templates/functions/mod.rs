//! Zola's template functions and filters, for themes written for Zola:
//! `date` (`date`), `get_page` / `get_section` (`lookup`), `load_data`
//! (`data`), and the filters of Tera's `builtins` feature site-gen does
//! not compile in (`text`). `get_url` and the image functions live with
//! the URLs and the images.

mod data;
mod date;
mod lookup;
mod text;

use std::collections::HashMap;
use std::sync::Arc;

use tera::{Tera, Value};

pub use data::DataFiles;
pub use lookup::{Catalog, ContentSlot, OpenCatalog};

/// The functions that read the site: its data files and its documents.
pub struct SiteReaders {
    pub data: Arc<DataFiles>,
    pub content: Arc<ContentSlot>,
}

/// Registers the filters and functions that need nothing of the site.
pub(super) fn register_pure(tera: &mut Tera) {
    tera.register_filter("date", date::DateFilter);
    text::register(tera);
}

/// Registers `load_data`, `get_page` and `get_section`.
pub(super) fn register_readers(tera: &mut Tera, readers: &SiteReaders) {
    let data = Arc::clone(&readers.data);
    tera.register_function("load_data", move |args: &HashMap<String, Value>| {
        data.load_data(args).map_err(tera::Error::msg)
    });
    let content = Arc::clone(&readers.content);
    tera.register_function("get_page", move |args: &HashMap<String, Value>| {
        content.get_page(args).map_err(tera::Error::msg)
    });
    let content = Arc::clone(&readers.content);
    tera.register_function("get_section", move |args: &HashMap<String, Value>| {
        content.get_section(args).map_err(tera::Error::msg)
    });
}

/// Functions whose result depends on the documents of the site: a
/// template calling one is rendered again when any document changes.
pub const READ_CONTENT: &[&str] = &["get_page", "get_section"];
