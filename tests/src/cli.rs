//! The `site-gen` command as a user runs it: the binary built by cargo
//! (once per test process), run in its own process.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use anyhow::{bail, Context as _};

use crate::site::repo_root;

/// The `site-gen` executable of this workspace, built by
/// `cargo build -p site-gen --bin site-gen` (same profile as the tests) on
/// first use; its path is taken from cargo's own messages, so a custom
/// target folder works too.
pub fn site_gen_exe() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| build_site_gen().unwrap_or_else(|e| panic!("{e:#}")))
}

fn build_site_gen() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(repo_root()).args([
        "build",
        "-p",
        "site-gen",
        "--bin",
        "site-gen",
        "--message-format=json-render-diagnostics",
    ]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .context("cargo could not be run")?;
    if !out.status.success() {
        bail!("cargo build -p site-gen failed");
    }
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "site-gen" {
            if let Some(exe) = msg["executable"].as_str() {
                return Ok(PathBuf::from(exe));
            }
        }
    }
    bail!("cargo did not name the site-gen executable")
}

/// The command `site-gen --root ROOT --quiet build --output OUT`, without
/// standard input; add options (`--no-widget`) before running it with
/// [`run`].
pub fn build_command(root: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(site_gen_exe());
    cmd.arg("--root")
        .arg(root)
        .args(["--quiet", "build", "--output"])
        .arg(out)
        .stdin(Stdio::null());
    cmd
}

/// Runs `cmd`; its output, whatever the exit status.
pub fn run(cmd: &mut Command) -> anyhow::Result<Output> {
    cmd.output()
        .with_context(|| format!("{cmd:?} could not be run"))
}

/// The exit status and both streams of `out`, for failure messages.
pub fn describe(out: &Output) -> String {
    format!(
        "{}\n--- stdout\n{}--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
