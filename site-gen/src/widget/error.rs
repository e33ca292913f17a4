//! The errors of the widget pipeline.

use std::path::PathBuf;

/// The Debian packages that let site-gen build the widget without rustup.
pub const DEBIAN_PACKAGES: &str = "rustc-web cargo-web rust-web-src lld-19";

/// Everything that can go wrong while producing the widget's files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WidgetError {
    /// The workspace root does not look like the site's workspace.
    #[error("{path} is not the site's Cargo workspace (missing {missing})")]
    NotAWorkspace { path: PathBuf, missing: String },

    /// No toolchain able to build for wasm32-unknown-unknown was found.
    #[error(
        "no toolchain can build the pricing widget for wasm32-unknown-unknown ({found}). \
         Install one: `rustup target add wasm32-unknown-unknown`, \
         or on Debian `apt-get install {DEBIAN_PACKAGES}`"
    )]
    NoToolchain {
        /// What the detection found, for the user.
        found: String,
    },

    /// `rustup target add wasm32-unknown-unknown` failed or timed out.
    #[error(
        "`rustup target add wasm32-unknown-unknown` {outcome}{}. \
         Run it by hand, or on Debian `apt-get install {DEBIAN_PACKAGES}`",
        tail_suffix(stderr_tail)
    )]
    TargetAdd {
        outcome: String,
        stderr_tail: String,
    },

    /// A program could not be started.
    #[error("cannot run `{program}`: {source}")]
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
        "building the pricing widget failed ({status}): `{command}`{}",
        tail_suffix(stderr_tail)
    )]
    Cargo {
        command: String,
        status: String,
        stderr_tail: String,
    },

    /// Cargo succeeded but the expected module is not there.
    #[error("cargo succeeded but {} was not produced", path.display())]
    WasmNotFound { path: PathBuf },

    /// The wasm-bindgen step failed.
    #[error("wasm-bindgen failed: {0}")]
    Bindgen(String),

    /// The widget uses a wasm-bindgen feature the two-file bundle cannot carry.
    #[error("the widget must fit in one .js and one .wasm file, but wasm-bindgen produced {0}")]
    UnsupportedOutput(String),

    /// wasm-bindgen's JS no longer has the shape the start-up patch expects.
    #[error(
        "wasm-bindgen's generated JS does not contain `{pattern}` exactly once (found {count}): \
         its loader changed, update site-gen/src/widget/js_patch.rs"
    )]
    JsPatternMissing { pattern: &'static str, count: usize },

    /// The final module does not validate.
    #[error("the final widget module is not valid WebAssembly: {0}")]
    InvalidWasm(String),

    /// A file or directory operation failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl WidgetError {
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
        format!("\n--- last lines of its output ---\n{}", tail.trim_end())
    }
}
