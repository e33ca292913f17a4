//! The errors of the widget pipeline (system errors: the toolchain, the
//! cache, the files), worded in French for the site's maintainers.

use std::path::PathBuf;

/// The Debian packages that let site-gen build the widget without rustup.
pub const DEBIAN_PACKAGES: &str = "rustc-web cargo-web rust-web-src lld-19";

/// Everything that can go wrong while producing the widget's files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WidgetError {
    /// No toolchain able to build for wasm32-unknown-unknown was found.
    #[error(
        "aucune chaîne de compilation ne peut compiler le calculateur pour \
         wasm32-unknown-unknown ({found}). Installez-en une : \
         `rustup target add wasm32-unknown-unknown`, ou sous Debian \
         `apt-get install {DEBIAN_PACKAGES}` (ou construisez le site avec --no-widget)"
    )]
    NoToolchain {
        /// What the detection found, for the user.
        found: String,
    },

    /// `rustup target add wasm32-unknown-unknown` failed or timed out.
    #[error(
        "`rustup target add wasm32-unknown-unknown` {outcome}. Lancez-la vous-même, \
         ou sous Debian `apt-get install {DEBIAN_PACKAGES}`{}",
        tail_suffix(stderr_tail)
    )]
    TargetAdd {
        outcome: String,
        stderr_tail: String,
    },

    /// `rustup component add rust-src` failed or timed out: the widget is
    /// then built without the size options, and this is the warning.
    #[error(
        "calculateur compilé sans ses options de taille, donc plus lourd que son budget \
         (bench/README.md) : la chaîne rustup n’a pas les sources de la bibliothèque \
         standard et `rustup component add rust-src` {outcome}. Lancez \
         `rustup component add rust-src`, puis reconstruisez le site{}",
        tail_suffix(stderr_tail)
    )]
    SourcesAdd {
        outcome: String,
        stderr_tail: String,
    },

    /// A program could not be started.
    #[error("impossible de lancer `{program}` : {source} (est-il installé et dans le PATH ?)")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },

    /// A toolchain program answered something unexpected.
    #[error("`{command}` {problem}{}", tail_suffix(stderr_tail))]
    Toolchain {
        command: String,
        problem: String,
        stderr_tail: String,
    },

    /// The wasm build itself failed.
    #[error(
        "la compilation du calculateur a échoué ({status}) : `{command}` ; \
         corrigez l’erreur ci-dessous dans calculator/ (ou construisez le site avec --no-widget){}",
        tail_suffix(stderr_tail)
    )]
    Cargo {
        command: String,
        status: String,
        stderr_tail: String,
    },

    /// Cargo succeeded but the expected module is not there.
    #[error(
        "cargo a réussi mais n’a pas produit {} : vérifiez le profil `wasm` du Cargo.toml \
         de l’espace de travail",
        path.display()
    )]
    WasmNotFound { path: PathBuf },

    /// The wasm-bindgen step failed.
    #[error("wasm-bindgen a échoué : {0}")]
    Bindgen(String),

    /// The widget uses a wasm-bindgen feature the two-file bundle cannot carry.
    #[error(
        "le calculateur doit tenir en un fichier .js et un fichier .wasm, mais wasm-bindgen \
         a produit en plus {0} : retirez-les de calculator/"
    )]
    UnsupportedOutput(String),

    /// wasm-bindgen's JS no longer has the shape the start-up patch expects.
    #[error(
        "le JS produit par wasm-bindgen ne contient pas `{pattern}` exactement une fois \
         (trouvé {count} fois) : son chargeur a changé, mettez à jour \
         site-gen/src/widget/js_patch.rs"
    )]
    JsPatternMissing { pattern: &'static str, count: usize },

    /// The final module does not validate.
    #[error(
        "le module final du calculateur n’est pas du WebAssembly valide pour les navigateurs \
         visés : {0}"
    )]
    InvalidWasm(
        /// The validator's explanation.
        String,
    ),

    /// A file or directory operation failed.
    #[error("{action} {} : {source}", path.display())]
    Io {
        /// What could not be done, in French: `impossible de lire`.
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl WidgetError {
    /// No toolchain could be had on this machine (none installed, and
    /// `rustup target add` failed or ran out of time): the site is then
    /// built without the live widget, and the build warns (an error with
    /// `--strict`). Every other failure (a compile error in `calculator/`,
    /// a broken cache…) stops the build.
    pub fn no_toolchain(&self) -> bool {
        matches!(
            self,
            WidgetError::NoToolchain { .. } | WidgetError::TargetAdd { .. }
        )
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        WidgetError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

fn tail_suffix(tail: &str) -> String {
    if tail.trim().is_empty() {
        String::new()
    } else {
        format!(
            "\n--- dernières lignes de sa sortie ---\n{}",
            tail.trim_end()
        )
    }
}
