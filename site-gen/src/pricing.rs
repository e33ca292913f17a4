//! The pricing model's data file (`content/tarifs.toml` by default): loaded
//! natively here, validated by the calculator crate, shown by the widget.

use std::path::Path;

use calculator::Model;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::inputs::Inputs;

/// The model, or `None` when the site has no pricing data file; every
/// problem found (all its unknown keys at once).
pub fn load(root: &Path, path: &Path) -> Result<Option<Model>, Diagnostics> {
    let inputs = Inputs::new(root);
    let shown = inputs.shown(path);
    // A file leading out of the site is refused unread: its text never
    // reaches the parser's messages (nor the line shown under them).
    let Some(text) = inputs.read_to_string(path).map_err(Diagnostic::from)? else {
        return Ok(None);
    };
    calculator::data::parse(&text, &shown.display().to_string())
        .map(Some)
        .map_err(|e| {
            std::iter::once(&e)
                .chain(e.also.iter())
                .map(|e| {
                    let d = Diagnostic::new(&shown, e.message.clone());
                    match (e.line, e.column) {
                        (Some(line), Some(column)) => d.at(line, column),
                        (Some(line), None) => d.at_line(line),
                        _ => d,
                    }
                })
                .collect()
        })
}
