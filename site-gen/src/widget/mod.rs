//! The pricing widget's files.
//!
//! [`build`] compiles the `calculator-wasm` crate to WebAssembly, runs
//! wasm-bindgen (`--target web`) and, when a recent binaryen is installed,
//! `wasm-opt -Oz`, its functions sorted for gzip (`reorder.rs`) and its
//! short import names (`minify.rs`),
//! compacts the loader, then names both files after their contents:
//! `calculateur.<hash>.wasm` and `calculateur.<hash>.js`. The JS loads the
//! module next to it and starts the widget by itself, so a page only needs
//! `<script type="module" src="…/calculateur.<hash>.js"></script>`.
//!
//! The sources are those carried by the binary (`sources.rs`: `build.rs`
//! packs `calculator/`), never read from the repository site-gen was built
//! from: an installed site-gen builds the widget anywhere. Everything lives
//! in the cache folder ([`cache_root`]: `$XDG_CACHE_HOME/site-gen`, else
//! `~/.cache/site-gen`): `sources/<hash>/` (the sources, unpacked when the
//! widget must be compiled), `target/` (cargo's), `out/<key>/` (built
//! files), where the key covers the sources, the toolchain and this
//! pipeline: a cached build costs no cargo call, and unpacks nothing.
//!
//! Toolchain choice (see [`toolchain::decide`]): rustup with the wasm
//! target, rebuilding std with the size options when the `rust-src`
//! component is there (`rustup component add rust-src` is tried first,
//! 15 s at most; without it the widget is built heavier, with a warning);
//! else Debian's `rustc-web` with `-Z build-std` and `wasm-ld-19`;
//! else `rustup target add wasm32-unknown-unknown` (15 s at most). When
//! none can be had ([`WidgetError::no_toolchain`]), the site is built
//! without the live widget (its pre-rendered HTML and static table stay)
//! and the build warns, saying what to install.

mod bindgen;
mod cache;
mod error;
mod inputs;
mod js_patch;
mod minify;
/// Only `build.rs` packs: the tests check what it packed.
#[cfg(all(test, feature = "widget"))]
mod packed_files;
mod process;
#[cfg(feature = "widget")]
mod reorder;
mod slot;
mod sources;
pub mod toolchain;
mod wasm_opt;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use error::WidgetError;
pub use slot::{OnProgress, WidgetSlot};
pub use sources::cache_root;
pub use toolchain::{DebianProbe, Plan, RustupProbe, RustupStd, ToolchainProbe};
pub use wasm_opt::gzipped_len;

/// The files' common stem.
pub const FILE_STEM: &str = "calculateur";

/// This pipeline's own code: part of the cache key, so that changing how
/// the files are made (JS patch, wasm-opt flags, …) never reuses old ones.
const PIPELINE_SOURCES: [&str; 8] = [
    include_str!("mod.rs"),
    include_str!("minify.rs"),
    include_str!("reorder.rs"),
    include_str!("sources.rs"),
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
    /// `rustup component add rust-src` is running.
    InstallingStdSources,
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
            Progress::InstallingStdSources => {
                "Installation des sources de la bibliothèque standard (rustup component add rust-src)…"
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
    /// Where the packed sources are unpacked (`<dir>/<hash>/`) when the
    /// widget must be compiled. Default: `<cache>/sources`.
    pub sources_dir: PathBuf,
    /// Cargo's target directory for the wasm build (kept apart from the
    /// native build's). Default: `<cache>/target`.
    pub target_dir: PathBuf,
    /// Where built bundles are kept. Default: `<cache>/out`.
    pub cache_dir: PathBuf,
    /// The folder where `npm ci` installed binaryen
    /// (`node_modules/.bin/wasm-opt`), looked at before `PATH`: the site's
    /// folder. Default: the current folder.
    pub npm_root: Option<PathBuf>,
    pub wasm_opt: WasmOptMode,
    /// Time allowed to `rustup target add` and to `rustup component add
    /// rust-src`, each, when they are needed.
    pub rustup_timeout: Duration,
    /// What is installed, instead of looking at the machine.
    pub toolchain: Option<ToolchainProbe>,
}

impl BuildOptions {
    /// Defaults, everything in the cache folder `cache`.
    pub fn in_cache(cache: &Path) -> Self {
        BuildOptions {
            sources_dir: cache.join("sources"),
            target_dir: cache.join("target"),
            cache_dir: cache.join("out"),
            npm_root: std::env::current_dir().ok(),
            wasm_opt: WasmOptMode::Auto,
            rustup_timeout: toolchain::TARGET_ADD_TIMEOUT,
            toolchain: None,
        }
    }
}

impl Default for BuildOptions {
    /// Defaults, in the user's cache folder ([`cache_root`]).
    fn default() -> Self {
        BuildOptions::in_cache(&cache_root())
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
    /// Why the widget was built without its size options, when it was
    /// (the build warns): decided at each build, never cached.
    pub size_warning: Option<String>,
}

/// The widget as the site build uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub bundle: WidgetBundle,
    /// Compiled during this call (the progress line was printed), rather
    /// than taken from the cache.
    pub compiled: bool,
}

/// [`build`] with the default options for the site at `root` (its
/// `node_modules/` may hold wasm-opt); `progress` hears about the slow
/// steps (the command line prints them unless `--quiet`).
pub fn build_for_site(root: &Path, progress: impl FnMut(Progress)) -> Result<Built, WidgetError> {
    let opts = BuildOptions {
        npm_root: Some(root.to_path_buf()),
        ..BuildOptions::default()
    };
    let bundle = build(&opts, progress)?;
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
    // The toolchain is queried from a folder that holds no rust-toolchain
    // file (nor do the packed sources): rustup answers with the user's
    // default toolchain, the one that compiles in the unpacked sources.
    let neutral = std::env::temp_dir();
    let probe = match &opts.toolchain {
        Some(probe) => probe.clone(),
        None => toolchain::detect(&neutral),
    };
    let mut plan = toolchain::decide(&probe)?;
    let wasm_opt = match opts.wasm_opt {
        WasmOptMode::Auto => wasm_opt::find(opts.npm_root.as_deref()),
        WasmOptMode::Off => wasm_opt::Lookup {
            tool: None,
            notes: vec!["wasm-opt disabled".into()],
        },
    };

    let sources = sources::hash();
    let wasm_opt_identity = wasm_opt.identity();
    let cache_key = |plan: &Plan| -> Result<String, WidgetError> {
        let identity = toolchain::identity(plan, &neutral)?;
        let mut key_parts = vec![identity.as_str(), wasm_opt_identity.as_str()];
        key_parts.extend(PIPELINE_SOURCES);
        Ok(inputs::cache_key(&sources, &key_parts))
    };
    let mut key = cache_key(&plan)?;
    if let Some(bundle) = cache::load(&opts.cache_dir.join(&key)) {
        return Ok(bundle);
    }

    if let Plan::RustupAddTarget { .. } = plan {
        progress(Progress::InstallingWasmTarget);
        toolchain::add_wasm_target(&neutral, opts.rustup_timeout)?;
    }
    let mut size_warning = None;
    if let Some(RustupStd::AddSources { .. }) = plan.rustup_std() {
        progress(Progress::InstallingStdSources);
        let rustup = Path::new("rustup");
        if let Err(e) = toolchain::add_std_sources(rustup, &neutral, opts.rustup_timeout) {
            // Heavier, but a widget: the plain build, maybe cached.
            plan = plan.with_rustup_std(RustupStd::Prebuilt);
            size_warning = Some(e.to_string());
            key = cache_key(&plan)?;
            if let Some(bundle) = cache::load(&opts.cache_dir.join(&key)) {
                return Ok(WidgetBundle {
                    size_warning,
                    ..bundle
                });
            }
        }
    }
    progress(Progress::Compiling);
    let workspace = sources::unpack(&opts.sources_dir)?;
    let module = compile(&plan, &workspace, &opts.target_dir)?;

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
    let (wasm, js) = match &wasm_opt.tool {
        Some(tool) => {
            let (wasm, note) = wasm_opt::optimize(tool, bindings.wasm, scratch.path())?;
            notes.push(note);
            let wasm = match wasm_opt::reorder_functions(tool, &wasm, scratch.path()) {
                Ok((sorted, note)) => {
                    notes.push(note);
                    sorted
                }
                Err(why) => {
                    notes.push(format!("function order kept: {why}"));
                    wasm
                }
            };
            match wasm_opt::minify_names(tool, &wasm, &bindings.js, scratch.path()) {
                Ok(renamed) => {
                    notes.push("imports and exports renamed to short names".into());
                    renamed
                }
                Err(why) => {
                    notes.push(format!("names kept: {why}"));
                    (wasm, bindings.js)
                }
            }
        }
        None => (bindings.wasm, bindings.js),
    };

    // The JS names the wasm: hash the wasm first.
    let wasm_name = content_name(&wasm, "wasm");
    let js = js_patch::shorten(&js_patch::compact(&js_patch::without_init_sync(&js)));
    let js = js_patch::self_starting(&js, &wasm_name)?.into_bytes();
    let bundle = WidgetBundle {
        js_name: content_name(&js, "js"),
        wasm_name,
        js,
        wasm,
        built: true,
        toolchain: plan.to_string(),
        notes,
        size_warning,
    };
    cache::store(&opts.cache_dir, &key, &bundle)?;
    Ok(bundle)
}

/// Runs cargo and returns the raw module.
fn compile(plan: &Plan, workspace: &Path, target_dir: &Path) -> Result<Vec<u8>, WidgetError> {
    let mut cmd = toolchain::cargo_build_command(
        plan,
        workspace,
        target_dir,
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
    let path = toolchain::built_wasm_path(target_dir);
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
    fn everything_lives_in_the_cache_folder() {
        let opts = BuildOptions::in_cache(Path::new("/cache/site-gen"));
        assert_eq!(opts.sources_dir, Path::new("/cache/site-gen/sources"));
        assert_eq!(opts.target_dir, Path::new("/cache/site-gen/target"));
        assert_eq!(opts.cache_dir, Path::new("/cache/site-gen/out"));
    }

    #[test]
    fn only_real_work_is_announced_in_french() {
        assert_eq!(
            Progress::Compiling.to_string(),
            "Compilation du calculateur (WebAssembly)…"
        );
    }

    /// The `wasm-bindgen` crate and the library running its post-processing
    /// must be the exact same version, or the generated glue is wrong
    /// (the lock file is packed with the widget's sources, by the feature).
    #[cfg(feature = "widget")]
    #[test]
    fn wasm_bindgen_and_its_cli_support_are_locked_together() {
        let lock = sources::files()
            .iter()
            .find(|(rel, _)| *rel == "Cargo.lock")
            .map(|(_, bytes)| std::str::from_utf8(bytes).expect("Cargo.lock is UTF-8"))
            .expect("Cargo.lock is packed");
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
