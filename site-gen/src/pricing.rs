//! The pricing model's data file (`content/tarifs.toml` by default): loaded
//! natively here, validated by the calculator crate, shown by the widget.

use std::path::Path;

use calculator::Model;

use crate::diagnostics::{display_path, Diagnostic};

/// The model, or `None` when the site has no pricing data file.
pub fn load(root: &Path, path: &Path) -> Result<Option<Model>, Diagnostic> {
    let shown = display_path(root, path);
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Diagnostic::new(shown, format!("lecture impossible : {e}"))),
    };
    calculator::data::parse(&text, &shown.display().to_string())
        .map(Some)
        .map_err(|e| {
            let d = Diagnostic::new(&shown, e.message);
            match (e.line, e.column) {
                (Some(line), Some(column)) => d.at(line, column),
                (Some(line), None) => d.at_line(line),
                _ => d,
            }
        })
}
