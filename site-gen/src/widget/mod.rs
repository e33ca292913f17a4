//! The pricing widget's files.
//!
//! [`build`] compiles the `calculator-wasm` crate to WebAssembly, runs
//! wasm-bindgen (`--target web`) and, when a recent binaryen is installed,
//! `wasm-opt -Oz`, then names both files after their contents:
//! `calculateur.<hash>.wasm` and `calculateur.<hash>.js`. The JS loads the
//! module next to it and starts the widget by itself, so a page only needs
//! `<script type="module" src="…/calculateur.<hash>.js"></script>`.
//!
//! Results are cached under `<workspace>/target/widget/out/<key>/`, where
//! the key covers the widget's sources, the toolchain and this pipeline:
//! a cached build costs no cargo call.
//!
//! Toolchain choice (see [`toolchain::decide`]): rustup with the wasm
//! target; else Debian's `rustc-web` with `-Z build-std` and `wasm-ld-19`;
//! else `rustup target add wasm32-unknown-unknown` (15 s at most). When
//! none can be had ([`WidgetError::no_toolchain`]), the site is built
//! without the live widget (its pre-rendered HTML and static table stay)
//! and the build warns, saying what to install.

mod bindgen;
mod cache;
mod error;
mod inputs;
mod js_patch;
mod process;
mod slot;
pub mod toolchain;
mod wasm_opt;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use error::WidgetError;
pub use slot::{OnProgress, WidgetSlot};
pub use toolchain::{DebianProbe, Plan, RustupProbe, ToolchainProbe};
pub use wasm_opt::gzipped_len;

/// The files' common stem.
pub const FILE_STEM: &str = "calculateur";

/// This pipeline's own code: part of the cache key, so that changing how
/// the files are made (JS patch, wasm-opt flags, …) never reuses old ones.
const PIPELINE_SOURCES: [&str; 5] = [
    include_str!("mod.rs"),
    include_str!("bindgen.rs"),
    include_str!("js_patch.rs"),
    include_str!("toolchain.rs"),
    include_str!("wasm_opt.rs"),
];

/// A step worth telling the user about (only real work is reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// `rustup target add wasm32-unknown-unknown` is running.
    InstallingWasmTarget,
    /// The widget is being compiled (nothing was cached for its sources).
    Compiling,
}

impl Progress {
    /// The line to print.
    pub fn message(self) -> &'static str {
        match self {
            Progress::InstallingWasmTarget => {
                "Installation de la cible wasm32-unknown-unknown (rustup)…"
            }
            Progress::Compiling => "Compilation du calculateur (WebAssembly)…",
        }
    }
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Whether to look for wasm-opt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WasmOptMode {
    /// Use binaryen's wasm-opt (≥ 116) when installed; skip it otherwise.
    #[default]
    Auto,
    /// Never run wasm-opt.
    Off,
}

/// Where and how to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The Cargo workspace holding `calculator/` and `calculator/wasm/`.
    pub workspace: PathBuf,
    /// Cargo's target directory for the wasm build (kept apart from the
    /// native build's). Default: `<workspace>/target/widget`.
    pub target_dir: PathBuf,
    /// Where built bundles are kept. Default: `<workspace>/target/widget/out`.
    pub cache_dir: PathBuf,
    pub wasm_opt: WasmOptMode,
    /// Time allowed to `rustup target add` when it is needed.
    pub rustup_timeout: Duration,
    /// What is installed, instead of looking at the machine.
    pub toolchain: Option<ToolchainProbe>,
}

impl BuildOptions {
    /// Defaults for the workspace at `workspace`.
    pub fn new(workspace: impl Into<PathBuf>) -> Self {
        let workspace = workspace.into();
        let target_dir = workspace.join("target").join("widget");
        BuildOptions {
            cache_dir: target_dir.join("out"),
            target_dir,
            workspace,
            wasm_opt: WasmOptMode::Auto,
            rustup_timeout: toolchain::TARGET_ADD_TIMEOUT,
            toolchain: None,
        }
    }

    /// The workspace site-gen was built from.
    pub fn default_workspace() -> PathBuf {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
    }
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions::new(BuildOptions::default_workspace())
    }
}

/// The widget's two files, ready to be written side by side (the JS loads
/// the wasm by a URL relative to its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetBundle {
    /// `calculateur.<16 hex>.js`
    pub js_name: String,
    /// `calculateur.<16 hex>.wasm`
    pub wasm_name: String,
    pub js: Vec<u8>,
    pub wasm: Vec<u8>,
    /// `true` when compiled by this call, `false` when taken from the cache.
    pub built: bool,
    /// The toolchain that compiled it.
    pub toolchain: String,
    /// What the optional steps did (wasm-opt applied or skipped, and why).
    pub notes: Vec<String>,
}

/// The widget as the site build uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub bundle: WidgetBundle,
    /// Compiled during this call (the progress line was printed), rather
    /// than taken from the cache.
    pub compiled: bool,
}

/// [`build`] with the default options (the workspace site-gen was built
/// from, whatever the site's folder); `progress` hears about the slow
/// steps (the command line prints them unless `--quiet`).
pub fn build_for_site(progress: impl FnMut(Progress)) -> Result<Built, WidgetError> {
    let bundle = build(&BuildOptions::default(), progress)?;
    Ok(Built {
        compiled: bundle.built,
        bundle,
    })
}

/// `calculateur.<first 16 hex digits of the BLAKE3 of bytes>.<ext>`
pub(crate) fn content_name(bytes: &[u8], ext: &str) -> String {
    format!("{FILE_STEM}.{}.{ext}", &blake3::hash(bytes).to_hex()[..16])
}

/// Produces the widget's files, from the cache when its inputs did not
/// change. `progress` hears about the slow steps actually taken.
pub fn build(
    opts: &BuildOptions,
    mut progress: impl FnMut(Progress),
) -> Result<WidgetBundle, WidgetError> {
    let workspace = opts.workspace.as_path();
    inputs::check_workspace(workspace)?;
    let probe = match &opts.toolchain {
        Some(probe) => probe.clone(),
        None => toolchain::detect(workspace),
    };
    let plan = toolchain::decide(&probe)?;
    let identity = toolchain::identity(&plan, workspace)?;
    let wasm_opt = match opts.wasm_opt {
        WasmOptMode::Auto => wasm_opt::find(workspace),
        WasmOptMode::Off => wasm_opt::Lookup {
            tool: None,
            notes: vec!["wasm-opt disabled".into()],
        },
    };

    let sources = inputs::hash_sources(workspace)?;
    let mut key_parts = vec![identity.as_str()];
    let wasm_opt_identity = wasm_opt.identity();
    key_parts.push(&wasm_opt_identity);
    key_parts.extend(PIPELINE_SOURCES);
    let key = inputs::cache_key(&sources, &key_parts);
    let entry = opts.cache_dir.join(&key);
    if let Some(bundle) = cache::load(&entry) {
        return Ok(bundle);
    }

    if let Plan::RustupAddTarget { .. } = plan {
        progress(Progress::InstallingWasmTarget);
        toolchain::add_wasm_target(workspace, opts.rustup_timeout)?;
    }
    progress(Progress::Compiling);
    let module = compile(&plan, opts)?;

    let scratch = tempfile::Builder::new()
        .prefix("site-gen-widget-")
        .tempdir()
        .map_err(|e| {
            WidgetError::io(
                "impossible de créer un dossier temporaire dans",
                std::env::temp_dir(),
                e,
            )
        })?;
    let bindings = bindgen::generate(module, scratch.path())?;
    wasm_opt::validate(&bindings.wasm)?;
    let mut notes: Vec<String> = wasm_opt.notes;
    let wasm = match &wasm_opt.tool {
        Some(tool) => {
            let (wasm, note) = wasm_opt::optimize(tool, bindings.wasm, scratch.path())?;
            notes.push(note);
            wasm
        }
        None => bindings.wasm,
    };

    // The JS names the wasm: hash the wasm first.
    let wasm_name = content_name(&wasm, "wasm");
    let js = js_patch::self_starting(&bindings.js, &wasm_name)?.into_bytes();
    let bundle = WidgetBundle {
        js_name: content_name(&js, "js"),
        wasm_name,
        js,
        wasm,
        built: true,
        toolchain: plan.to_string(),
        notes,
    };
    cache::store(&opts.cache_dir, &key, &bundle)?;
    Ok(bundle)
}

/// Runs cargo and returns the raw module.
fn compile(plan: &Plan, opts: &BuildOptions) -> Result<Vec<u8>, WidgetError> {
    let mut cmd = toolchain::cargo_build_command(
        plan,
        &opts.workspace,
        &opts.target_dir,
        std::env::vars_os().map(|(k, _)| k),
    );
    let out = process::run(&mut cmd, None).map_err(|e| e.into_widget_error(&cmd))?;
    if !out.status.success() {
        return Err(WidgetError::Cargo {
            command: process::describe(&cmd),
            status: out.status.to_string(),
            stderr_tail: out.stderr_tail(),
        });
    }
    let path = toolchain::built_wasm_path(&opts.target_dir);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(WidgetError::WasmNotFound { path })
        }
        Err(e) => Err(WidgetError::io("impossible de lire", path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_content_hashed() {
        let a = content_name(b"a", "wasm");
        assert_eq!(a.len(), "calculateur.".len() + 16 + ".wasm".len());
        assert!(a.starts_with("calculateur.") && a.ends_with(".wasm"));
        assert_ne!(a, content_name(b"b", "wasm"));
        assert_eq!(a, content_name(b"a", "wasm"));
    }

    #[test]
    fn the_default_workspace_is_the_one_site_gen_belongs_to() {
        let ws = BuildOptions::default_workspace();
        assert!(ws.join("calculator/wasm/Cargo.toml").is_file());
        let opts = BuildOptions::default();
        assert_eq!(opts.cache_dir, ws.join("target/widget/out"));
        assert_eq!(opts.target_dir, ws.join("target/widget"));
    }

    #[test]
    fn only_real_work_is_announced_in_french() {
        assert_eq!(
            Progress::Compiling.to_string(),
            "Compilation du calculateur (WebAssembly)…"
        );
    }

    /// The `wasm-bindgen` crate and the library running its post-processing
    /// must be the exact same version, or the generated glue is wrong.
    #[test]
    fn wasm_bindgen_and_its_cli_support_are_locked_together() {
        let lock_path = BuildOptions::default_workspace().join("Cargo.lock");
        let lock = std::fs::read_to_string(&lock_path).expect("Cargo.lock is readable");
        let lock: toml::Table = lock.parse().expect("Cargo.lock is TOML");
        let versions = |name: &str| -> Vec<String> {
            lock.get("package")
                .and_then(|p| p.as_array())
                .into_iter()
                .flatten()
                .filter(|p| p.get("name").and_then(|n| n.as_str()) == Some(name))
                .filter_map(|p| p.get("version")?.as_str().map(str::to_owned))
                .collect()
        };
        let runtime = versions("wasm-bindgen");
        let support = versions("wasm-bindgen-cli-support");
        assert_eq!(
            runtime.len(),
            1,
            "one wasm-bindgen in Cargo.lock: {runtime:?}"
        );
        assert_eq!(
            support.len(),
            1,
            "one wasm-bindgen-cli-support: {support:?}"
        );
        assert_eq!(runtime, support);
    }
}
