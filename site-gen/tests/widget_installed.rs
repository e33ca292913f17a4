//! An installed site-gen (the binary copied elsewhere, as `cargo install
//! --path site-gen` does) builds a site outside the repository, calculator
//! included: it compiles the widget from the sources it carries, unpacked
//! into its cache folder (`$XDG_CACHE_HOME/site-gen/sources/<hash>/`),
//! never from the repository it was built from.
//!
//! Cost: the cache folder is new, so the widget is compiled (its two crates
//! only, about a minute on two cores): cargo's target directory is the
//! user's (`~/.cache/site-gen/target`, linked into the new cache folder),
//! so the dependencies compiled by earlier builds are reused. Where the
//! process may hide the repository (root, `unshare`), it is hidden: an
//! empty folder is mounted over it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{stderr, stdout, Site, BIN, HOME, TARIFS};

/// The repository site-gen was compiled from.
fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Whether this process may run a command with the repository hidden.
fn can_hide_repository() -> bool {
    cfg!(target_os = "linux")
        && Command::new("unshare")
            .args(["--mount", "--propagation", "private", "true"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

#[test]
fn an_installed_binary_builds_a_site_elsewhere_with_the_calculator() {
    let site = Site::new(&[
        HOME,
        (
            "content/tarifs.md",
            "+++\ntitle = \"Tarifs\"\n+++\n\n{{ calculateur() }}\n",
        ),
        ("content/tarifs.toml", TARIFS),
    ]);
    // The binary, installed elsewhere.
    let bin_dir = site.beside("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let installed = bin_dir.join("site-gen");
    std::fs::copy(BIN, &installed).unwrap();
    // A new cache folder; cargo's target directory shared with the user's.
    let cache = site.beside("cache");
    std::fs::create_dir_all(cache.join("site-gen")).unwrap();
    let shared_target = site_gen::widget::cache_root().join("target");
    std::fs::create_dir_all(&shared_target).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&shared_target, cache.join("site-gen/target")).unwrap();

    let out = site.beside("public");
    let hide = can_hide_repository();
    let mut cmd = if hide {
        let mut cmd = Command::new("unshare");
        cmd.args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg("mount -t tmpfs none \"$1\" && shift && exec \"$@\"")
            .arg("sh")
            .arg(repository())
            .arg(&installed);
        cmd
    } else {
        eprintln!("the repository cannot be hidden here (not root): it is only not used");
        Command::new(&installed)
    };
    cmd.arg("--root")
        .arg(site.root())
        .args(["build", "--output"])
        .arg(&out)
        .current_dir(site.beside(""))
        .env("XDG_CACHE_HOME", &cache)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    let built = cmd.output().expect("run the installed site-gen");
    assert!(
        built.status.success(),
        "{}\n{}",
        stdout(&built),
        stderr(&built)
    );
    assert!(
        !stderr(&built).contains("attention"),
        "no warning: {}",
        stderr(&built)
    );

    // The calculator is there: its script, loaded by the pricing page.
    let assets: Vec<String> = std::fs::read_dir(out.join("assets"))
        .expect("assets/ written")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let js = assets
        .iter()
        .find(|n| n.starts_with("calculateur.") && n.ends_with(".js"))
        .unwrap_or_else(|| panic!("the widget's script: {assets:?}"));
    assert!(assets
        .iter()
        .any(|n| n.starts_with("calculateur.") && n.ends_with(".wasm")));
    let page = std::fs::read_to_string(out.join("tarifs/index.html")).unwrap();
    assert!(
        page.contains(&format!("/assets/{js}\"></script>")),
        "{page}"
    );

    // Compiled from the sources unpacked into the cache folder.
    let sources: Vec<PathBuf> = std::fs::read_dir(cache.join("site-gen/sources"))
        .expect("the sources were unpacked into the cache folder")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(sources.len(), 1, "{sources:?}");
    for file in [
        "Cargo.toml",
        "calculator/src/lib.rs",
        "calculator/wasm/src/lib.rs",
    ] {
        assert!(sources[0].join(file).is_file(), "{file} unpacked");
    }
    assert_eq!(
        std::fs::read(sources[0].join("calculator/wasm/src/lib.rs")).unwrap(),
        std::fs::read(repository().join("calculator/wasm/src/lib.rs")).unwrap()
    );
    let built_files = std::fs::read_dir(cache.join("site-gen/out"))
        .expect("the built files are cached in the cache folder")
        .count();
    assert_eq!(built_files, 1);
}
