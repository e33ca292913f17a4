//! Embeds in the binary what it needs besides its own code, so that a
//! site-gen installed anywhere (`cargo install --path site-gen`) works
//! without the repository:
//!
//! - the default theme (`themes/default`), so a folder holding only
//!   `content/` builds without any theme of its own;
//! - with the `widget` feature, the calculator's sources (the files named in
//!   `src/widget/packed_files.rs`), from which the widget is compiled to
//!   WebAssembly: the workspace's `Cargo.toml` is rewritten to hold only
//!   the calculator's two crates. Paths are relative and sorted, so the
//!   packed sources depend only on the files' contents.

#[path = "src/widget/packed_files.rs"]
mod packed_files;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    embed_theme(&manifest.join("../themes/default"), &out);
    let workspace = manifest.join("..");
    let widget = std::env::var_os("CARGO_FEATURE_WIDGET").is_some();
    embed_widget_sources(&workspace, &out, widget);
}

fn embed_theme(theme: &Path, out: &Path) {
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut files = Vec::new();
    collect(theme, theme, &mut files);
    files.sort();
    let mut code = String::from("/// The default theme's files: (path under the theme, bytes).\npub static FILES: &[(&str, &[u8])] = &[\n");
    for (rel, abs) in files {
        writeln!(code, "    ({rel:?}, include_bytes!({abs:?})),").expect("write to String");
    }
    code.push_str("];\n");
    std::fs::write(out.join("builtin_theme.rs"), code).expect("write OUT_DIR/builtin_theme.rs");
}

/// `OUT_DIR/widget_sources.rs`: `FILES`, the widget's sources as
/// (path in the workspace, bytes), sorted by path; empty without the
/// `widget` feature.
fn embed_widget_sources(workspace: &Path, out: &Path, widget: bool) {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    if widget {
        for rel in packed_files::REQUIRED_FILES {
            let path = workspace.join(rel);
            println!("cargo:rerun-if-changed={}", path.display());
            assert!(path.is_file(), "{} is missing", path.display());
            files.push((rel.to_string(), path));
        }
        for rel in packed_files::OPTIONAL_FILES {
            let path = workspace.join(rel);
            if path.is_file() {
                println!("cargo:rerun-if-changed={}", path.display());
                files.push((rel.to_string(), path));
            }
        }
        for dir in packed_files::SOURCE_DIRS {
            let root = workspace.join(dir);
            println!("cargo:rerun-if-changed={}", root.display());
            let mut found = Vec::new();
            collect(&root, &root, &mut found);
            for (rel, abs) in found {
                files.push((format!("{dir}/{rel}"), PathBuf::from(abs)));
            }
        }
        // The workspace's manifest, reduced to the calculator's crates.
        let reduced = out.join("widget-workspace-Cargo.toml");
        let text = std::fs::read_to_string(workspace.join("Cargo.toml")).expect("read Cargo.toml");
        std::fs::write(&reduced, reduce_manifest(&text)).expect("write the reduced Cargo.toml");
        for (rel, path) in &mut files {
            if rel == "Cargo.toml" {
                *path = reduced.clone();
            }
        }
    }
    files.sort();
    let mut code = String::from(
        "/// The widget's sources: (path in the workspace, bytes), sorted by path.\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (rel, abs) in files {
        let abs = abs.canonicalize().unwrap_or(abs);
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        )
        .expect("write to String");
    }
    code.push_str("];\n");
    std::fs::write(out.join("widget_sources.rs"), code).expect("write OUT_DIR/widget_sources.rs");
}

/// The workspace's `Cargo.toml` with only the calculator's crates as
/// members (no `default-members`, no `exclude`), without the workspace
/// dependencies that are paths to other crates, and without `[patch]`:
/// its paths (`vendor/`) are not packed, and patch no crate of the
/// calculator's.
fn reduce_manifest(text: &str) -> String {
    let mut doc: toml::Table = text.parse().expect("the workspace's Cargo.toml is TOML");
    doc.remove("patch");
    let ws = doc
        .get_mut("workspace")
        .and_then(toml::Value::as_table_mut)
        .expect("Cargo.toml has [workspace]");
    ws.insert(
        "members".into(),
        toml::Value::Array(
            packed_files::MEMBERS
                .iter()
                .map(|m| toml::Value::from(*m))
                .collect(),
        ),
    );
    ws.remove("default-members");
    ws.remove("exclude");
    if let Some(deps) = ws
        .get_mut("dependencies")
        .and_then(toml::Value::as_table_mut)
    {
        deps.retain(
            |_, dep| match dep.get("path").and_then(toml::Value::as_str) {
                Some(path) => packed_files::MEMBERS.contains(&path),
                None => true,
            },
        );
    }
    format!("# The calculator's crates, packed into site-gen (see site-gen/build.rs).\n{doc}")
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(base, &path, files);
        } else if let Ok(rel) = path.strip_prefix(base) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            let abs = path.canonicalize().unwrap_or(path.clone());
            files.push((rel, abs.to_string_lossy().into_owned()));
        }
    }
}
