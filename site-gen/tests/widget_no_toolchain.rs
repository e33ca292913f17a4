//! A machine where no toolchain can compile the widget (no rustup, no
//! Debian rustc-web: the binary runs with a `PATH` holding none of their
//! programs, and empty `HOME`, `RUSTUP_HOME`, `CARGO_HOME`): the build
//! completes with the pre-rendered calculator, exactly as `--no-widget`
//! builds it, and one warning gives the commands that install a
//! toolchain; `--strict` makes it an error and writes nothing.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{snapshot, stderr, stdout, Site, BIN, HOME, TARIFS};

const PRICING_PAGE: (&str, &str) = (
    "content/tarifs.md",
    "+++\ntitle = \"Tarifs\"\n+++\n\n{{ calculateur() }}\n",
);

/// `site-gen --root <site> args…` on a machine without any toolchain.
fn run_without_toolchain(site: &Site, args: &[&str]) -> Output {
    let bare = site.beside("machine-nue");
    for dir in ["bin", "home", "rustup", "cargo"] {
        std::fs::create_dir_all(bare.join(dir)).unwrap();
    }
    let mut cmd = Command::new(BIN);
    cmd.arg("--root")
        .arg(site.root())
        .args(args)
        .env_clear()
        .env("PATH", bare.join("bin"))
        .env("HOME", bare.join("home"))
        .env("RUSTUP_HOME", bare.join("rustup"))
        .env("CARGO_HOME", bare.join("cargo"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd.output().expect("run site-gen")
}

fn pricing_site() -> Site {
    Site::new(&[HOME, PRICING_PAGE, ("content/tarifs.toml", TARIFS)])
}

/// The warning's lines, as printed on stderr.
fn warning_lines(out: &Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter(|l| l.contains("calculateur publié sans sa version interactive"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn without_toolchain_the_site_is_built_as_with_no_widget_and_one_warning_says_what_to_install() {
    let site = pricing_site();
    let out = site.beside("public");
    let built = run_without_toolchain(&site, &["build", "--output", out.to_str().unwrap()]);
    assert!(
        built.status.success(),
        "{}\n{}",
        stdout(&built),
        stderr(&built)
    );

    let warnings = warning_lines(&built);
    assert_eq!(warnings.len(), 1, "one warning: {}", stderr(&built));
    let warning = &warnings[0];
    assert!(warning.contains("content/tarifs.md"), "{warning}");
    for command in [
        "rustup target add wasm32-unknown-unknown",
        "apt-get install rustc-web cargo-web rust-web-src lld-19",
    ] {
        assert!(
            stderr(&built).contains(command),
            "the warning gives `{command}`: {}",
            stderr(&built)
        );
    }

    // What was written is what `--no-widget` writes: the pre-rendered
    // calculator, the static table, no script, no widget files.
    let reference = site.beside("public-no-widget");
    let no_widget = run_without_toolchain(
        &site,
        &[
            "build",
            "--no-widget",
            "--output",
            reference.to_str().unwrap(),
        ],
    );
    assert!(no_widget.status.success(), "{}", stderr(&no_widget));
    assert!(
        warning_lines(&no_widget).is_empty(),
        "--no-widget does not warn: {}",
        stderr(&no_widget)
    );
    let (written, expected) = (snapshot(&out), snapshot(&reference));
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert!(written == expected, "the files differ from --no-widget's");
    let page = String::from_utf8(written[Path::new("tarifs/index.html")].clone()).unwrap();
    assert!(page.contains("<table"), "the static table is there");
    assert!(
        !page.contains("<script type=\"module\""),
        "no widget script"
    );
    assert!(!written
        .keys()
        .any(|p| p.to_string_lossy().contains("calculateur.")));
}

#[test]
fn without_toolchain_strict_stops_the_build_and_writes_nothing() {
    let site = pricing_site();
    let out = site.beside("public");
    let built = run_without_toolchain(
        &site,
        &["build", "--strict", "--output", out.to_str().unwrap()],
    );
    assert_eq!(built.status.code(), Some(1), "{}", stderr(&built));
    assert!(!out.exists(), "nothing written");
    let err = stderr(&built);
    assert!(err.contains("--strict"), "{err}");
    assert!(
        err.contains("content/tarifs.md")
            && err.contains("rustup target add wasm32-unknown-unknown"),
        "{err}"
    );
}

#[test]
fn without_toolchain_a_site_that_does_not_show_the_calculator_does_not_warn() {
    let site = Site::new(&[HOME, ("content/tarifs.toml", TARIFS)]);
    let out = site.beside("public");
    let built = run_without_toolchain(
        &site,
        &["build", "--strict", "--output", out.to_str().unwrap()],
    );
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(warning_lines(&built).is_empty(), "{}", stderr(&built));
}

/// The fresh machine of the README: rustup without the wasm target, on a
/// network where `rustup target add` hangs. The build does not wait for
/// it past its bound (15 s): it completes with the warning.
#[cfg(unix)]
#[test]
fn a_hanging_rustup_target_add_is_stopped_and_the_build_completes() {
    use std::os::unix::fs::PermissionsExt;
    let site = pricing_site();
    let bin = site.beside("machine-nue").join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    // rustup and its proxies (they live in one directory): the toolchain
    // answers, the target is missing, and adding it never ends.
    for (name, script) in [
        (
            "rustup",
            "case \"$1 $2\" in\n  'target list') echo x86_64-unknown-linux-gnu ;;\n  'target add') exec /bin/sleep 600 ;;\nesac\n",
        ),
        ("rustc", "echo 'rustc 1.95.0'; echo 'release: 1.95.0'\n"),
        ("cargo", "echo 'cargo 1.95.0'\n"),
    ] {
        let path = bin.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{script}")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = site.beside("public");
    let start = std::time::Instant::now();
    let built = run_without_toolchain(&site, &["build", "--output", out.to_str().unwrap()]);
    let took = start.elapsed();
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(took.as_secs() < 60, "the build waited {took:?}");
    let warnings = warning_lines(&built);
    assert_eq!(warnings.len(), 1, "{}", stderr(&built));
    assert!(
        warnings[0]
            .contains("rustup target add wasm32-unknown-unknown` ne s’est pas terminée en 15 s"),
        "{}",
        warnings[0]
    );
    assert!(
        stderr(&built).contains("apt-get install rustc-web cargo-web rust-web-src lld-19"),
        "{}",
        stderr(&built)
    );
    assert!(out.join("tarifs/index.html").is_file());
}
