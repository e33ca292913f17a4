//! Which toolchain builds the widget, and how it is called.
//!
//! Detection is split in two so that the choice can be tested: [`detect`]
//! looks at the machine and fills a [`ToolchainProbe`]; [`decide`] turns
//! any probe into a [`Plan`] without touching the machine.
//!
//! Every program is looked up on `PATH` (rustup, and Debian's `rustc`,
//! `cargo` and `wasm-ld-19`): a process whose `PATH` holds none of them
//! finds no toolchain, whatever is installed elsewhere.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::error::WidgetError;
use super::process::{self, RunError};

/// The target the widget is compiled for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The oldest Debian `rustc-web` accepted (the workspace's `rust-version`).
pub const MIN_DEBIAN_RUSTC: (u32, u32) = (1, 85);
/// Debian's `rustc-web` and `cargo-web` programs (in `/usr/bin`), found
/// on `PATH` in a directory that does not hold rustup (whose `rustc` and
/// `cargo` are its proxies).
pub const RUSTC: &str = "rustc";
pub const CARGO: &str = "cargo";
/// wasm linkers looked up on `PATH`, preferred first (Debian's `lld-19`).
pub const WASM_LINKERS: [&str; 2] = ["wasm-ld-19", "wasm-ld"];
/// The crate and profile built.
const PACKAGE: &str = "calculator-wasm";
const PROFILE: &str = "wasm";
/// Time allowed to rustup's quick queries.
const QUERY_TIMEOUT: Duration = Duration::from_secs(60);
/// Time allowed to `rustup target add` (a download of about 20 MB): a
/// machine that cannot fetch the target must not hold the build long (the
/// site is then built without the live widget, with a warning). rustup
/// resumes a partial download at the next build.
pub const TARGET_ADD_TIMEOUT: Duration = Duration::from_secs(15);
/// Time allowed to `rustup component add rust-src` (about 3 MB), for the
/// same reason: without it the widget is built, only heavier.
pub const SOURCES_ADD_TIMEOUT: Duration = Duration::from_secs(15);

/// What is installed on the machine, as far as the widget is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ToolchainProbe {
    /// `None` when rustup is not installed.
    pub rustup: Option<RustupProbe>,
    pub debian: DebianProbe,
}

/// The active rustup toolchain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustupProbe {
    /// `rustup target list --installed` lists wasm32-unknown-unknown.
    pub wasm_target_installed: bool,
    /// The release of the toolchain's `rustc` (the size options depend
    /// on it), when it answers.
    pub rustc_release: Option<(u32, u32, u32)>,
    /// The toolchain has std's sources (the `rust-src` component), needed
    /// to rebuild std with the size options.
    pub std_sources: bool,
    /// The cargo to run: `$CARGO` when set (under `cargo run`/`cargo test`), else `cargo`.
    pub cargo: PathBuf,
}

/// Debian's toolchain (packages rustc-web, cargo-web, rust-web-src, lld-19).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DebianProbe {
    /// Debian's `rustc` (the first on `PATH` outside rustup's directory).
    pub rustc: Option<PathBuf>,
    /// The release of that `rustc`, when it runs.
    pub rustc_release: Option<(u32, u32, u32)>,
    /// The `cargo` beside it.
    pub cargo: Option<PathBuf>,
    /// The standard library's sources exist (needed by `-Z build-std`).
    pub std_sources: bool,
    /// A wasm linker found on `PATH`.
    pub linker: Option<PathBuf>,
}

impl DebianProbe {
    fn rustc_recent_enough(&self) -> bool {
        self.rustc_release
            .is_some_and(|(major, minor, _)| (major, minor) >= MIN_DEBIAN_RUSTC)
    }

    fn complete(&self) -> bool {
        self.rustc_recent_enough()
            && self.cargo.is_some()
            && self.std_sources
            && self.linker.is_some()
    }
}

/// How the rustup path gets the standard library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RustupStd {
    /// std rebuilt from the `rust-src` component (`-Z build-std`) with the
    /// size options of rustc `release`, as on the Debian path.
    Rebuilt { release: (u32, u32, u32) },
    /// `rust-src` is missing: `rustup component add rust-src` first
    /// (bounded in time), then as [`RustupStd::Rebuilt`]; if it cannot be
    /// had, as [`RustupStd::Prebuilt`] with a warning.
    AddSources { release: (u32, u32, u32) },
    /// The target's prebuilt std, without the size options (a heavier
    /// widget, which the build warns about).
    Prebuilt,
}

/// How the widget will be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// rustup's toolchain already has the wasm target.
    Rustup { cargo: PathBuf, std: RustupStd },
    /// Debian's rustc-web, rebuilding std for wasm (`-Z build-std`) and
    /// linking with lld's `wasm-ld`.
    DebianBuildStd {
        rustc: PathBuf,
        /// Its release (the size options depend on it: [`size_options`]).
        release: (u32, u32, u32),
        cargo: PathBuf,
        linker: PathBuf,
    },
    /// `rustup target add wasm32-unknown-unknown` first, then as [`Plan::Rustup`].
    RustupAddTarget { cargo: PathBuf, std: RustupStd },
}

impl Plan {
    /// How a rustup plan gets std (`None` on the Debian path).
    pub fn rustup_std(&self) -> Option<RustupStd> {
        match self {
            Plan::Rustup { std, .. } | Plan::RustupAddTarget { std, .. } => Some(*std),
            Plan::DebianBuildStd { .. } => None,
        }
    }

    /// The same plan with std got as `new` (a rustup plan; others unchanged).
    pub fn with_rustup_std(mut self, new: RustupStd) -> Self {
        if let Plan::Rustup { std, .. } | Plan::RustupAddTarget { std, .. } = &mut self {
            *std = new;
        }
        self
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Plan::Rustup { std, .. } => write!(f, "rustup avec la cible {WASM_TARGET}{std}"),
            Plan::DebianBuildStd { linker, .. } => write!(
                f,
                "rustc-web de Debian avec -Z build-std, lié par {}",
                linker.display()
            ),
            Plan::RustupAddTarget { std, .. } => {
                write!(f, "rustup, après ajout de la cible {WASM_TARGET}{std}")
            }
        }
    }
}

impl fmt::Display for RustupStd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RustupStd::Rebuilt { .. } | RustupStd::AddSources { .. } => {
                f.write_str(", avec -Z build-std et les options de taille")
            }
            RustupStd::Prebuilt => f.write_str(", sans les options de taille"),
        }
    }
}

/// Chooses how to build, in this order: rustup if it already has the wasm
/// target; else Debian's toolchain if complete; else rustup after adding
/// the target; else an error saying what to install.
pub fn decide(probe: &ToolchainProbe) -> Result<Plan, WidgetError> {
    if let Some(rustup) = &probe.rustup {
        if rustup.wasm_target_installed {
            return Ok(Plan::Rustup {
                cargo: rustup.cargo.clone(),
                std: rustup_std(rustup),
            });
        }
    }
    if probe.debian.complete() {
        let d = &probe.debian;
        if let (Some(rustc), Some(release), Some(cargo), Some(linker)) =
            (&d.rustc, d.rustc_release, &d.cargo, &d.linker)
        {
            return Ok(Plan::DebianBuildStd {
                rustc: rustc.clone(),
                release,
                cargo: cargo.clone(),
                linker: linker.clone(),
            });
        }
    }
    if let Some(rustup) = &probe.rustup {
        return Ok(Plan::RustupAddTarget {
            cargo: rustup.cargo.clone(),
            std: rustup_std(rustup),
        });
    }
    Err(WidgetError::NoToolchain {
        found: describe_missing(&probe.debian),
    })
}

/// std rebuilt with the size options whenever rustc is recent enough (the
/// options need it), after adding `rust-src` if it is missing.
fn rustup_std(rustup: &RustupProbe) -> RustupStd {
    match rustup.rustc_release {
        Some(release) if (release.0, release.1) >= MIN_DEBIAN_RUSTC => {
            if rustup.std_sources {
                RustupStd::Rebuilt { release }
            } else {
                RustupStd::AddSources { release }
            }
        }
        _ => RustupStd::Prebuilt,
    }
}

fn describe_missing(debian: &DebianProbe) -> String {
    let mut found = vec!["rustup n’est pas installé".to_string()];
    match (&debian.rustc, debian.rustc_release) {
        (None, _) => found.push("pas de rustc de Debian dans le PATH (rustc-web)".into()),
        (Some(rustc), None) => found.push(format!("{} ne répond pas", rustc.display())),
        (Some(rustc), Some((a, b, c))) if !debian.rustc_recent_enough() => found.push(format!(
            "{} est en {a}.{b}.{c}, plus ancien que {}.{}",
            rustc.display(),
            MIN_DEBIAN_RUSTC.0,
            MIN_DEBIAN_RUSTC.1
        )),
        (Some(_), Some(_)) => {}
    }
    if debian.rustc.is_some() && debian.cargo.is_none() {
        found.push("pas de cargo à côté de rustc (cargo-web)".into());
    }
    if debian.rustc.is_some() && !debian.std_sources {
        found.push("pas de sources de la bibliothèque standard (rust-web-src)".into());
    }
    if debian.linker.is_none() {
        found.push(format!(
            "pas de {} dans le PATH",
            WASM_LINKERS.join(" ni de ")
        ));
    }
    found.join(" ; ")
}

/// Looks at this machine.
pub fn detect(workspace: &Path) -> ToolchainProbe {
    ToolchainProbe {
        rustup: detect_rustup(workspace),
        debian: detect_debian(),
    }
}

fn detect_rustup(workspace: &Path) -> Option<RustupProbe> {
    detect_rustup_at(&process::which("rustup")?, workspace)
}

/// What the rustup at `rustup` has: the wasm target, and, from the
/// `rustc` proxy beside it (rustup keeps its proxies in its own
/// directory), the release and whether std's sources are installed.
fn detect_rustup_at(rustup: &Path, workspace: &Path) -> Option<RustupProbe> {
    let mut cmd = Command::new(rustup);
    cmd.args(["target", "list", "--installed"])
        .current_dir(workspace);
    sanitize_env(&mut cmd, std::env::vars_os().map(|(k, _)| k));
    let wasm_target_installed = match process::run(&mut cmd, Some(QUERY_TIMEOUT)) {
        Err(e) if e.not_found() => return None,
        Err(_) => false,
        Ok(out) => {
            out.status.success() && out.stdout_text().lines().any(|l| l.trim() == WASM_TARGET)
        }
    };
    let cargo = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"));
    let rustc = rustup.with_file_name(RUSTC);
    let rustc_query = |args: &[&str]| {
        let mut cmd = Command::new(&rustc);
        cmd.args(args).current_dir(workspace);
        sanitize_env(&mut cmd, std::env::vars_os().map(|(k, _)| k));
        query(&mut cmd).ok()
    };
    let rustc_release = rustc_query(&["-vV"]).and_then(|vv| parse_release(&vv));
    let std_sources = rustc_release.is_some()
        && rustc_query(&["--print", "sysroot"])
            .is_some_and(|sysroot| std_sources_dir(Path::new(sysroot.trim())).is_dir());
    Some(RustupProbe {
        wasm_target_installed,
        rustc_release,
        std_sources,
        cargo,
    })
}

fn detect_debian() -> DebianProbe {
    let linker = WASM_LINKERS.iter().find_map(|name| process::which(name));
    let Some(dir) = debian_dir() else {
        return DebianProbe {
            linker,
            ..DebianProbe::default()
        };
    };
    let rustc = dir.join(RUSTC);
    let rustc_release = query(Command::new(&rustc).arg("-vV"))
        .ok()
        .and_then(|vv| parse_release(&vv));
    let std_sources = rustc_release.is_some()
        && query(Command::new(&rustc).args(["--print", "sysroot"]))
            .is_ok_and(|sysroot| std_sources_dir(Path::new(sysroot.trim())).is_dir());
    let cargo = dir.join(CARGO);
    DebianProbe {
        rustc: Some(rustc),
        rustc_release,
        cargo: process::is_executable(&cargo).then_some(cargo),
        std_sources,
        linker,
    }
}

/// The first directory of `PATH` holding a `rustc` that is not rustup's
/// proxy (rustup's directory holds `rustup` itself; Debian's `/usr/bin`
/// does not).
fn debian_dir() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|dir| {
        dir.is_absolute()
            && process::is_executable(&dir.join(RUSTC))
            && !process::is_executable(&dir.join("rustup"))
    })
}

/// Where `-Z build-std` expects the standard library's sources.
fn std_sources_dir(sysroot: &Path) -> PathBuf {
    sysroot.join("lib/rustlib/src/rust/library/std")
}

/// Runs a quick query and returns its stdout, or an error if it fails.
fn query(cmd: &mut Command) -> Result<String, WidgetError> {
    let out = process::run(cmd, Some(QUERY_TIMEOUT)).map_err(|e| e.into_widget_error(cmd))?;
    if out.status.success() {
        Ok(out.stdout_text())
    } else {
        Err(WidgetError::Toolchain {
            command: process::describe(cmd),
            problem: format!("a échoué ({})", out.status),
            stderr_tail: out.stderr_tail(),
        })
    }
}

/// `release: 1.96.0` in `rustc -vV`'s output.
pub(crate) fn parse_release(rustc_vv: &str) -> Option<(u32, u32, u32)> {
    let release = rustc_vv
        .lines()
        .find_map(|l| l.strip_prefix("release:"))?
        .trim();
    let mut parts = release
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

/// The identity of the chosen toolchain, for the cache key: the compiler's
/// `-vV`, cargo's `-V` and, for Debian, the linker's `--version`.
pub(crate) fn identity(plan: &Plan, workspace: &Path) -> Result<String, WidgetError> {
    let mut id = String::new();
    match plan {
        Plan::Rustup { cargo, std } | Plan::RustupAddTarget { cargo, std } => {
            // Both produce the same build: same key, so that a target added
            // by hand later still finds the cache (and so do
            // `AddSources` and `Rebuilt`).
            id.push_str("rustup\n");
            id.push_str(&std_identity(*std));
            let mut rustc = Command::new("rustc");
            rustc.arg("-vV").current_dir(workspace);
            sanitize_env(&mut rustc, std::env::vars_os().map(|(k, _)| k));
            id.push_str(&query(&mut rustc)?);
            let mut cargo = Command::new(cargo);
            cargo.arg("-V").current_dir(workspace);
            sanitize_env(&mut cargo, std::env::vars_os().map(|(k, _)| k));
            id.push_str(&query(&mut cargo)?);
        }
        Plan::DebianBuildStd {
            rustc,
            cargo,
            linker,
            ..
        } => {
            id.push_str("debian build-std\n");
            id.push_str(&query(Command::new(rustc).arg("-vV"))?);
            id.push_str(&query(Command::new(cargo).arg("-V"))?);
            id.push_str(&query(Command::new(linker).arg("--version"))?);
        }
    }
    Ok(id)
}

/// How std is built, for the cache key: `AddSources` builds as `Rebuilt`.
fn std_identity(std: RustupStd) -> String {
    match std {
        RustupStd::Rebuilt { release } | RustupStd::AddSources { release } => {
            let size = size_options(release);
            format!("build-std {} / {}\n", size.rustflags, size.std_features)
        }
        RustupStd::Prebuilt => "prebuilt std\n".into(),
    }
}

/// `rustup target add wasm32-unknown-unknown`, killed after `timeout`.
pub(crate) fn add_wasm_target(workspace: &Path, timeout: Duration) -> Result<(), WidgetError> {
    let mut cmd = Command::new("rustup");
    cmd.args(["target", "add", WASM_TARGET])
        .current_dir(workspace);
    sanitize_env(&mut cmd, std::env::vars_os().map(|(k, _)| k));
    match process::run(&mut cmd, Some(timeout)) {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(WidgetError::TargetAdd {
            outcome: format!("a échoué ({})", out.status),
            stderr_tail: out.stderr_tail(),
        }),
        Err(RunError::TimedOut { stderr_tail }) => Err(WidgetError::TargetAdd {
            outcome: format!(
                "ne s’est pas terminée en {} s et a été arrêtée",
                timeout.as_secs()
            ),
            stderr_tail,
        }),
        Err(e) => Err(e.into_widget_error(&cmd)),
    }
}

/// `rustup component add rust-src`, killed after `timeout`.
pub(crate) fn add_std_sources(
    rustup: &Path,
    workspace: &Path,
    timeout: Duration,
) -> Result<(), WidgetError> {
    let mut cmd = Command::new(rustup);
    cmd.args(["component", "add", "rust-src"])
        .current_dir(workspace);
    sanitize_env(&mut cmd, std::env::vars_os().map(|(k, _)| k));
    match process::run(&mut cmd, Some(timeout)) {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(WidgetError::SourcesAdd {
            outcome: format!("a échoué ({})", out.status),
            stderr_tail: out.stderr_tail(),
        }),
        Err(RunError::TimedOut { stderr_tail }) => Err(WidgetError::SourcesAdd {
            outcome: format!(
                "ne s’est pas terminée en {} s et a été arrêtée",
                timeout.as_secs()
            ),
            stderr_tail,
        }),
        Err(e) => Err(WidgetError::SourcesAdd {
            outcome: format!("n’a pas pu être lancée ({})", e.into_widget_error(&cmd)),
            stderr_tail: String::new(),
        }),
    }
}

/// Variables of an outer `cargo run`/`cargo test` (or of the user's shell)
/// that would change or break the wasm build: host flags, wrappers, target
/// and directory overrides, profile overrides, unstable flags.
const LEAKY_VARS: [&str; 11] = [
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
    "RUSTC",
    "RUSTDOC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTC_LINKER",
    "RUSTC_BOOTSTRAP",
    "CARGO_TARGET_DIR",
];
const LEAKY_PREFIXES: [&str; 5] = [
    "CARGO_BUILD_",
    "CARGO_TARGET_",
    "CARGO_PROFILE_",
    "CARGO_UNSTABLE_",
    "__CARGO_",
];

fn is_leaky(name: &str) -> bool {
    LEAKY_VARS.contains(&name) || LEAKY_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Removes from `cmd` the leaky variables among `inherited` (the names of
/// the current environment, passed in for testing).
pub(crate) fn sanitize_env(cmd: &mut Command, inherited: impl IntoIterator<Item = OsString>) {
    for name in inherited {
        if name.to_str().is_some_and(is_leaky) {
            cmd.env_remove(name);
        }
    }
}

/// The cargo invocation that compiles the widget (not yet run).
pub(crate) fn cargo_build_command(
    plan: &Plan,
    workspace: &Path,
    target_dir: &Path,
    inherited: impl IntoIterator<Item = OsString>,
) -> Command {
    let mut cmd = match plan {
        Plan::Rustup { cargo, .. } | Plan::RustupAddTarget { cargo, .. } => Command::new(cargo),
        Plan::DebianBuildStd { cargo, .. } => Command::new(cargo),
    };
    cmd.current_dir(workspace);
    sanitize_env(&mut cmd, inherited);
    cmd.args([
        "build",
        "-p",
        PACKAGE,
        "--profile",
        PROFILE,
        "--target",
        WASM_TARGET,
        "--color",
        "never",
    ]);
    if let Plan::DebianBuildStd {
        rustc,
        release,
        linker,
        ..
    } = plan
    {
        build_std(&mut cmd, *release);
        cmd.env("RUSTC", rustc)
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", linker)
            .env_remove("RUSTUP_TOOLCHAIN");
    }
    // rustup with `rust-src` (`AddSources` has added it by now): the same
    // rebuilt std and options, with rustup's own rustc and linker.
    if let Some(RustupStd::Rebuilt { release } | RustupStd::AddSources { release }) =
        plan.rustup_std()
    {
        build_std(&mut cmd, release);
    }
    // Its own directory: never waits on, nor invalidates, the native build.
    cmd.env("CARGO_TARGET_DIR", target_dir);
    cmd
}

/// `-Z build-std` with the [`SizeOptions`] of rustc `release`.
fn build_std(cmd: &mut Command, release: (u32, u32, u32)) {
    let size = size_options(release);
    cmd.args(["-Z", "build-std=std,panic_abort", "-Z"])
        .arg(format!("build-std-features={}", size.std_features))
        .env("RUSTFLAGS", size.rustflags)
        .env("RUSTC_BOOTSTRAP", "1");
}

/// The nightly options of the build-std path, which rebuilds std anyway
/// (`RUSTC_BOOTSTRAP=1` allows them on Debian's stable rustc): what makes
/// the widget small once the profile's own settings are in (rustup's path
/// has them too when std's sources are installed; see bench/README.md for
/// what each saves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SizeOptions {
    /// For the widget's crates and std alike (`RUSTFLAGS`: with `--target`,
    /// build scripts and proc-macros do not get them).
    pub rustflags: String,
    /// `-Z build-std-features=…`.
    pub std_features: String,
}

/// The first release where immediate abort is a panic strategy
/// (`-Cpanic=immediate-abort`) rather than a feature of std.
const IMMEDIATE_ABORT_STRATEGY: (u32, u32) = (1, 92);

/// [`SizeOptions`] for rustc `release`: panics abort at once (no panic
/// message, formatting or unwinding machinery), panic locations carry no
/// file name, `Debug` output is compiled to nothing (the widget never
/// prints it), and std's size-optimized variants (`optimize_for_size`).
pub(crate) fn size_options(release: (u32, u32, u32)) -> SizeOptions {
    let common = "-Zlocation-detail=none -Zfmt-debug=none";
    if (release.0, release.1) >= IMMEDIATE_ABORT_STRATEGY {
        SizeOptions {
            rustflags: format!("-Zunstable-options -Cpanic=immediate-abort {common}"),
            std_features: "optimize_for_size".into(),
        }
    } else {
        SizeOptions {
            rustflags: common.into(),
            std_features: "panic_immediate_abort,optimize_for_size".into(),
        }
    }
}

/// Where cargo leaves the module.
pub(crate) fn built_wasm_path(target_dir: &Path) -> PathBuf {
    target_dir
        .join(WASM_TARGET)
        .join(PROFILE)
        .join(format!("{}.wasm", PACKAGE.replace('-', "_")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rustup(wasm_target_installed: bool) -> Option<RustupProbe> {
        Some(RustupProbe {
            wasm_target_installed,
            rustc_release: Some((1, 95, 0)),
            std_sources: true,
            cargo: PathBuf::from("/rustup/cargo"),
        })
    }

    const REBUILT: RustupStd = RustupStd::Rebuilt {
        release: (1, 95, 0),
    };

    fn debian_complete() -> DebianProbe {
        DebianProbe {
            rustc: Some(PathBuf::from("/usr/bin/rustc")),
            rustc_release: Some((1, 96, 0)),
            cargo: Some(PathBuf::from("/usr/bin/cargo")),
            std_sources: true,
            linker: Some(PathBuf::from("/usr/bin/wasm-ld-19")),
        }
    }

    #[test]
    fn rustup_with_the_target_comes_first() {
        let probe = ToolchainProbe {
            rustup: rustup(true),
            debian: debian_complete(),
        };
        assert_eq!(
            decide(&probe).ok(),
            Some(Plan::Rustup {
                cargo: "/rustup/cargo".into(),
                std: REBUILT,
            })
        );
    }

    #[test]
    fn rustup_rebuilds_std_with_the_size_options_once_it_has_its_sources() {
        let plan_for = |std_sources, rustc_release| {
            let probe = ToolchainProbe {
                rustup: Some(RustupProbe {
                    std_sources,
                    rustc_release,
                    ..rustup(true).unwrap()
                }),
                debian: debian_complete(),
            };
            decide(&probe).ok().and_then(|plan| plan.rustup_std())
        };
        let release = (1, 95, 0);
        assert_eq!(
            plan_for(true, Some(release)),
            Some(RustupStd::Rebuilt { release })
        );
        assert_eq!(
            plan_for(false, Some(release)),
            Some(RustupStd::AddSources { release })
        );
        // The options need a known, recent enough rustc.
        assert_eq!(plan_for(true, None), Some(RustupStd::Prebuilt));
        assert_eq!(plan_for(true, Some((1, 80, 0))), Some(RustupStd::Prebuilt));
    }

    #[test]
    fn the_cache_key_tells_a_rebuilt_std_from_a_prebuilt_one() {
        let release = (1, 95, 0);
        let rebuilt = std_identity(RustupStd::Rebuilt { release });
        assert_eq!(rebuilt, std_identity(RustupStd::AddSources { release }));
        assert_ne!(rebuilt, std_identity(RustupStd::Prebuilt));
        assert!(rebuilt.contains("-Cpanic=immediate-abort"), "{rebuilt}");
        assert_ne!(
            rebuilt,
            std_identity(RustupStd::Rebuilt {
                release: (1, 91, 0)
            })
        );
    }

    #[test]
    fn debian_comes_before_adding_the_target() {
        let probe = ToolchainProbe {
            rustup: rustup(false),
            debian: debian_complete(),
        };
        assert_eq!(
            decide(&probe).ok(),
            Some(Plan::DebianBuildStd {
                release: (1, 96, 0),
                rustc: "/usr/bin/rustc".into(),
                cargo: "/usr/bin/cargo".into(),
                linker: "/usr/bin/wasm-ld-19".into()
            })
        );
    }

    #[test]
    fn an_incomplete_debian_toolchain_falls_back_to_rustup_target_add() {
        let incomplete = [
            DebianProbe {
                linker: None,
                ..debian_complete()
            },
            DebianProbe {
                std_sources: false,
                ..debian_complete()
            },
            DebianProbe {
                cargo: None,
                ..debian_complete()
            },
            DebianProbe {
                rustc_release: Some((1, 63, 0)),
                ..debian_complete()
            },
            DebianProbe::default(),
        ];
        for debian in incomplete {
            let probe = ToolchainProbe {
                rustup: rustup(false),
                debian,
            };
            assert_eq!(
                decide(&probe).ok(),
                Some(Plan::RustupAddTarget {
                    cargo: "/rustup/cargo".into(),
                    std: REBUILT,
                })
            );
        }
    }

    #[test]
    fn nothing_usable_says_what_to_install() {
        let probe = ToolchainProbe {
            rustup: None,
            debian: DebianProbe {
                std_sources: false,
                ..debian_complete()
            },
        };
        let err = decide(&probe).expect_err("no toolchain");
        let msg = err.to_string();
        assert!(
            msg.contains("rustup target add wasm32-unknown-unknown"),
            "{msg}"
        );
        assert!(
            msg.contains("apt-get install rustc-web cargo-web rust-web-src lld-19"),
            "{msg}"
        );
        assert!(
            msg.starts_with("aucune chaîne de compilation ne peut compiler le calculateur"),
            "{msg}"
        );
        assert!(
            msg.contains("pas de sources de la bibliothèque standard (rust-web-src)"),
            "{msg}"
        );
    }

    #[test]
    fn rustc_release_is_parsed() {
        let vv = "rustc 1.96.0 (ac68faa20 2026-05-25) (built from a source tarball)\n\
                  binary: rustc\nrelease: 1.96.0\nLLVM version: 22.1.8\n";
        assert_eq!(parse_release(vv), Some((1, 96, 0)));
        assert_eq!(parse_release("release: 1.97.0-nightly\n"), Some((1, 97, 0)));
        assert_eq!(parse_release("rustc 1.96.0\n"), None);
    }

    fn env_of(cmd: &Command, name: &str) -> Option<Option<String>> {
        cmd.get_envs()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.map(|v| v.to_string_lossy().into_owned()))
    }

    #[test]
    fn the_debian_command_bootstraps_std_and_drops_leaky_variables() {
        let inherited = [
            "RUSTFLAGS",
            "CARGO_BUILD_TARGET",
            "CARGO_TARGET_DIR",
            "RUSTC_WRAPPER",
            "CARGO_PROFILE_RELEASE_LTO",
            "CARGO_HOME",
            "PATH",
        ]
        .map(OsString::from);
        let plan = Plan::DebianBuildStd {
            rustc: "/usr/bin/rustc".into(),
            release: (1, 96, 0),
            cargo: "/usr/bin/cargo".into(),
            linker: "/usr/bin/wasm-ld-19".into(),
        };
        let cmd = cargo_build_command(
            &plan,
            Path::new("/ws"),
            Path::new("/ws/target/widget"),
            inherited,
        );
        assert_eq!(cmd.get_program(), "/usr/bin/cargo");
        let args: Vec<_> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args.join(" "),
            "build -p calculator-wasm --profile wasm --target wasm32-unknown-unknown \
             --color never -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size"
        );
        // The size options replace whatever RUSTFLAGS the caller had.
        assert_eq!(
            env_of(&cmd, "RUSTFLAGS"),
            Some(Some(
                "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"
                    .into()
            ))
        );
        assert_eq!(env_of(&cmd, "RUSTC_BOOTSTRAP"), Some(Some("1".into())));
        assert_eq!(env_of(&cmd, "RUSTC"), Some(Some("/usr/bin/rustc".into())));
        assert_eq!(
            env_of(&cmd, "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER"),
            Some(Some("/usr/bin/wasm-ld-19".into()))
        );
        assert_eq!(
            env_of(&cmd, "CARGO_TARGET_DIR"),
            Some(Some("/ws/target/widget".into()))
        );
        for leaky in [
            "CARGO_BUILD_TARGET",
            "RUSTC_WRAPPER",
            "CARGO_PROFILE_RELEASE_LTO",
        ] {
            assert_eq!(env_of(&cmd, leaky), Some(None), "{leaky}");
        }
        for kept in ["CARGO_HOME", "PATH"] {
            assert_eq!(env_of(&cmd, kept), None, "{kept}");
        }
    }

    #[test]
    fn older_rustc_releases_get_immediate_abort_as_a_std_feature() {
        let old = size_options((1, 85, 0));
        assert!(!old.rustflags.contains("panic"), "{old:?}");
        assert_eq!(old.std_features, "panic_immediate_abort,optimize_for_size");
        assert_eq!(size_options((1, 91, 1)), old);
        let new = size_options((1, 92, 0));
        assert!(new.rustflags.contains("-Cpanic=immediate-abort"), "{new:?}");
        assert!(!new.std_features.contains("panic"), "{new:?}");
    }

    #[test]
    fn the_rustup_command_with_std_sources_rebuilds_std_with_the_size_options() {
        for std in [
            REBUILT,
            RustupStd::AddSources {
                release: (1, 95, 0),
            },
        ] {
            let plan = Plan::Rustup {
                cargo: "/rustup/cargo".into(),
                std,
            };
            let cmd = cargo_build_command(
                &plan,
                Path::new("/ws"),
                Path::new("/t"),
                [OsString::from("RUSTC"), OsString::from("RUSTFLAGS")],
            );
            assert_eq!(cmd.get_program(), "/rustup/cargo");
            let args: Vec<_> = cmd
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            assert!(
                args.join(" ").ends_with(
                    "--color never -Z build-std=std,panic_abort \
                     -Z build-std-features=optimize_for_size"
                ),
                "{args:?}"
            );
            assert_eq!(
                env_of(&cmd, "RUSTFLAGS"),
                Some(Some(size_options((1, 95, 0)).rustflags))
            );
            assert_eq!(env_of(&cmd, "RUSTC_BOOTSTRAP"), Some(Some("1".into())));
            // rustup's own rustc and linker.
            assert_eq!(env_of(&cmd, "RUSTC"), Some(None));
            assert_eq!(
                env_of(&cmd, "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER"),
                None
            );
        }
    }

    #[test]
    fn the_rustup_command_without_std_sources_is_a_plain_build() {
        let plan = Plan::Rustup {
            cargo: "/rustup/cargo".into(),
            std: RustupStd::Prebuilt,
        };
        let cmd = cargo_build_command(
            &plan,
            Path::new("/ws"),
            Path::new("/t"),
            [OsString::from("RUSTC")],
        );
        assert_eq!(cmd.get_program(), "/rustup/cargo");
        assert!(!cmd.get_args().any(|a| a == "-Z"));
        assert_eq!(env_of(&cmd, "RUSTC"), Some(None));
        assert_eq!(env_of(&cmd, "RUSTC_BOOTSTRAP"), None);
        assert_eq!(env_of(&cmd, "RUSTFLAGS"), None, "stable: no nightly flags");
        assert_eq!(
            built_wasm_path(Path::new("/t")),
            Path::new("/t/wasm32-unknown-unknown/wasm/calculator_wasm.wasm")
        );
    }

    /// A fake rustup directory: `rustup` (the target list), and a `rustc`
    /// proxy whose sysroot is `sysroot`.
    #[cfg(unix)]
    fn fake_rustup(dir: &Path, targets: &str, sysroot: &Path, rustup_extra: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        for (name, script) in [
            (
                "rustup",
                format!(
                    "case \"$1 $2\" in\n  'target list') echo '{targets}' ;;\n{rustup_extra}esac\n"
                ),
            ),
            (
                "rustc",
                format!(
                    "case \"$1\" in\n  -vV) echo 'release: 1.95.0' ;;\n  --print) echo '{}' ;;\nesac\n",
                    sysroot.display()
                ),
            ),
        ] {
            let path = bin.join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{script}")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        bin.join("rustup")
    }

    #[cfg(unix)]
    #[test]
    fn rustups_std_sources_are_found_in_the_sysroot_of_the_rustc_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let sysroot = dir.path().join("toolchain");
        let rustup = fake_rustup(dir.path(), WASM_TARGET, &sysroot, "");
        let probe = detect_rustup_at(&rustup, dir.path()).expect("rustup answers");
        assert!(probe.wasm_target_installed);
        assert_eq!(probe.rustc_release, Some((1, 95, 0)));
        assert!(!probe.std_sources, "no rust-src yet");

        std::fs::create_dir_all(sysroot.join("lib/rustlib/src/rust/library/std")).unwrap();
        let probe = detect_rustup_at(&rustup, dir.path()).expect("rustup answers");
        assert!(probe.std_sources, "rust-src installed");
        assert_eq!(
            decide(&ToolchainProbe {
                rustup: Some(probe),
                debian: DebianProbe::default(),
            })
            .ok()
            .and_then(|plan| plan.rustup_std()),
            Some(RustupStd::Rebuilt {
                release: (1, 95, 0)
            })
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_or_hanging_rust_src_install_says_how_to_get_it() {
        let dir = tempfile::tempdir().unwrap();
        let failing = fake_rustup(
            &dir.path().join("failing"),
            "",
            dir.path(),
            "  'component add') echo 'error: no network' >&2; exit 1 ;;\n",
        );
        let err = add_std_sources(&failing, dir.path(), Duration::from_secs(60))
            .expect_err("rustup failed")
            .to_string();
        assert!(
            err.starts_with("calculateur compilé sans ses options de taille"),
            "{err}"
        );
        assert!(
            err.contains("`rustup component add rust-src` a échoué (exit status: 1)"),
            "{err}"
        );
        assert!(err.contains("error: no network"), "{err}");

        let hanging = fake_rustup(
            &dir.path().join("hanging"),
            "",
            dir.path(),
            "  'component add') exec /bin/sleep 600 ;;\n",
        );
        let err = add_std_sources(&hanging, dir.path(), Duration::from_secs(1))
            .expect_err("stopped")
            .to_string();
        assert!(
            err.contains("ne s’est pas terminée en 1 s et a été arrêtée"),
            "{err}"
        );
        assert!(
            err.contains("Lancez `rustup component add rust-src`"),
            "{err}"
        );

        let working = fake_rustup(
            &dir.path().join("working"),
            "",
            dir.path(),
            "  'component add') exit 0 ;;\n",
        );
        assert!(add_std_sources(&working, dir.path(), Duration::from_secs(60)).is_ok());
    }
}
