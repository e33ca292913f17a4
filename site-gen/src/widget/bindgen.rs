//! The wasm-bindgen step (library `wasm-bindgen-cli-support`, pinned to
//! the same version as the `wasm-bindgen` crate), present with the
//! `widget` feature only: without it, builds act as with `--no-widget`.

use std::path::Path;

#[cfg(feature = "widget")]
use wasm_bindgen_cli_support::Bindgen;

use super::error::WidgetError;

/// Why the widget cannot be built by a site-gen compiled without it.
#[cfg(not(feature = "widget"))]
pub(crate) const WITHOUT_WIDGET: &str =
    "site-gen a été compilé sans la fonctionnalité « widget » : \
     il ne peut pas produire le calculateur WebAssembly (construisez le site avec --no-widget, \
     ou recompilez site-gen avec ses fonctionnalités par défaut)";

/// The stem of the files wasm-bindgen writes in its scratch directory.
#[cfg(feature = "widget")]
const STEM: &str = "calculateur";

/// What wasm-bindgen produced, before renaming.
#[derive(Debug)]
pub(crate) struct Bindings {
    /// The `--target web` loader (exports `__wbg_init` as default).
    pub js: String,
    pub wasm: Vec<u8>,
}

/// Without the `widget` feature: no wasm-bindgen (never called: sessions
/// then build without the widget).
#[cfg(not(feature = "widget"))]
pub(crate) fn generate(_module: Vec<u8>, _scratch: &Path) -> Result<Bindings, WidgetError> {
    Err(WidgetError::Bindgen(WITHOUT_WIDGET.into()))
}

/// Runs wasm-bindgen on `module` for `--target web`, without TypeScript,
/// debug sections, names or producers sections; `scratch` receives its files.
#[cfg(feature = "widget")]
pub(crate) fn generate(module: Vec<u8>, scratch: &Path) -> Result<Bindings, WidgetError> {
    let err = |e: anyhow::Error| WidgetError::Bindgen(format!("{e:#}"));
    let mut bindgen = Bindgen::new();
    bindgen
        .input_bytes(STEM, module)
        .out_name(STEM)
        .web(true)
        .map_err(err)?
        .typescript(false)
        .debug(false)
        .keep_debug(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        .omit_default_module_path(true);
    let mut output = bindgen.generate_output().map_err(err)?;

    // Every crate has an entry in `snippets()`, most of them empty.
    let mut modules: Vec<String> = output
        .snippets()
        .iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(krate, list)| format!("{} inline_js de {krate}", list.len()))
        .chain(output.local_modules().keys().cloned())
        .collect();
    modules.sort();
    let mut extra = Vec::new();
    if !modules.is_empty() {
        extra.push(format!("des extraits JS ({})", modules.join(", ")));
    }
    if !output.npm_dependencies().is_empty() {
        extra.push("des dépendances npm".into());
    }
    if output.start().is_some() {
        extra.push("un script de démarrage séparé".into());
    }
    if !extra.is_empty() {
        return Err(WidgetError::UnsupportedOutput(extra.join(" et ")));
    }

    output.emit(scratch).map_err(err)?;
    let js_path = scratch.join(format!("{STEM}.js"));
    let wasm_path = scratch.join(format!("{STEM}_bg.wasm"));
    let js = std::fs::read_to_string(&js_path).map_err(|e| {
        WidgetError::io("impossible de lire le fichier de wasm-bindgen", js_path, e)
    })?;
    let wasm = std::fs::read(&wasm_path).map_err(|e| {
        WidgetError::io(
            "impossible de lire le fichier de wasm-bindgen",
            wasm_path,
            e,
        )
    })?;
    Ok(Bindings { js, wasm })
}
