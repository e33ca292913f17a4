//! The same input gives byte-identical output across processes: two runs
//! of the `site-gen` binary (each with its own hash seeds, thread count,
//! working folder and output folder) write the same files, byte for byte.
//! Run on the shipped site and on a small fixture made of what could come
//! out in a different order (sections, dates, aliases, feed, static files,
//! accented names, the calculator's pre-rendered HTML).

mod common;

use std::path::Path;
use std::process::Command;

use common::{snapshot, stderr, Site, BIN, TARIFS};

/// Builds `root` into `out` with `site-gen build --no-widget`, from `cwd`,
/// on `threads` worker threads.
fn build(root: &Path, out: &Path, cwd: &Path, threads: &str) {
    let o = Command::new(BIN)
        .arg("--root")
        .arg(root)
        .args(["build", "--no-widget", "--output"])
        .arg(out)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("run site-gen");
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Two builds of `root` in two processes give the same files.
fn assert_two_processes_agree(root: &Path) {
    let outs = tempfile::tempdir().unwrap();
    let (a, b) = (outs.path().join("a"), outs.path().join("b"));
    build(root, &a, root, "1");
    build(root, &b, outs.path(), "4");
    let (a, b) = (snapshot(&a), snapshot(&b));
    assert!(a.len() > 5, "the site was built: {:?}", a.keys());
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    let differ: Vec<_> = a
        .iter()
        .filter(|(path, bytes)| b[*path] != **bytes)
        .map(|(path, _)| path)
        .collect();
    assert!(differ.is_empty(), "files that differ: {differ:?}");
}

#[test]
fn the_shipped_site_is_byte_identical_across_processes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    assert!(root.join("content/tarifs.toml").is_file(), "{root:?}");
    assert_two_processes_agree(root);
}

#[test]
fn a_small_site_is_byte_identical_across_processes() {
    let mut files = vec![
        (
            "site.toml".to_string(),
            "title = \"Amie\"\nbase_url = \"https://amie.example/\"\n".to_string(),
        ),
        (
            "content/_index.md".into(),
            "+++\ntitle = \"Accueil\"\n+++\n# Bienvenue\n\nVoir [la FAQ](@/faq.md#tarifs).\n".into(),
        ),
        (
            "content/faq.md".into(),
            "+++\ntitle = \"FAQ\"\naliases = [\"/questions/\", \"/aide.html\"]\n+++\n## Tarifs\n\n## Études\n".into(),
        ),
        (
            "content/tarifs.md".into(),
            "+++\ntitle = \"Tarifs\"\n+++\n{{ calculateur() }}\n\nUne part : {{ chiffre(nom=\"prix_part\") }}.\n".into(),
        ),
        ("content/tarifs.toml".into(), TARIFS.into()),
        ("content/actus/_index.md".into(), "+++\ntitle = \"Actualités\"\nsort_by = \"date\"\n+++\n".into()),
        ("static/logo.svg".into(), "<svg/>".into()),
        ("content/Dossier accentué/été.md".into(), "# Été\n".into()),
        ("content/Dossier accentué/plaquette.pdf".into(), "pdf".into()),
    ];
    for i in 0..40 {
        files.push((
            format!("content/actus/nouvelle-{i:02}.md"),
            format!(
                "+++\ntitle = \"Nouvelle {i}\"\ndate = 2025-{:02}-{:02}\n+++\nTexte {i}.\n\n<!-- more -->\n\nSuite.\n",
                i % 12 + 1,
                // Several pages share a date: their order must not depend on the run.
                i % 3 + 1
            ),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = Site::new(&files);
    assert_two_processes_agree(site.root());
}
