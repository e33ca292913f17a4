//! Writing the output folder (issue 16): only folders site-gen made are
//! replaced, never a source reached through a link, in one step, one
//! build at a time, and killed builds leave nothing behind.

mod common;
use common::{hidden_in, snapshot, stderr, Site, BUILD};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

#[cfg(debug_assertions)]
use common::{wait_for, BIN};
#[cfg(debug_assertions)]
use std::process::{Child, Command, Stdio};

fn home(version: &str) -> String {
    format!("+++\ntitle = \"Accueil\"\n+++\n\nVersion {version}.\n")
}

fn assert_built(o: &Output) {
    assert!(o.status.success(), "the build failed:\n{}", stderr(o));
}

/// `site-gen build --no-widget --output <out>`.
fn build_into(site: &Site, out: &Path) -> Output {
    let out = out.to_string_lossy();
    site.run(&["build", "--no-widget", "--output", &out])
}

fn index(public: &Path) -> String {
    std::fs::read_to_string(public.join("index.html")).expect("index.html")
}

/// The points where a debug build of `site-gen` can be told to stop and
/// wait to be killed (`SITE_GEN_TEST_PAUSE_<POINT>=<flag file>`, see
/// `output.rs`), with what is on disk there. A test kills the build at
/// each: reached by construction, not by timing. A hook point added to the
/// sources fails `every_hook_point_is_tested` until it is listed here.
const PAUSE_POINTS: &[(&str, &str)] = &[(
    "SITE_GEN_TEST_PAUSE_BEFORE_SWAP",
    "new site staged beside the output, lock held",
)];

/// A `site-gen build` stopped at a hook point (see [`PAUSE_POINTS`]);
/// killed when dropped.
#[cfg(debug_assertions)]
struct Paused {
    child: Child,
    _flags: tempfile::TempDir,
}

#[cfg(debug_assertions)]
impl Paused {
    fn start(site: &Site) -> Paused {
        Paused::at(site, PAUSE_POINTS[0].0)
    }

    fn at(site: &Site, point: &str) -> Paused {
        let flags = tempfile::tempdir().unwrap();
        let flag = flags.path().join("en-pause");
        let log = flags.path().join("stderr");
        let child = Command::new(BIN)
            .arg("--root")
            .arg(site.root())
            .args(BUILD)
            .env("NO_COLOR", "1")
            .env(point, &flag)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start site-gen build");
        let mut paused = Paused {
            child,
            _flags: flags,
        };
        let reached = wait_for(120, || {
            if flag.exists() {
                return Some(true);
            }
            match paused.child.try_wait() {
                Ok(Some(_)) => Some(false),
                _ => None,
            }
        });
        match reached {
            Some(true) => paused,
            Some(false) => panic!(
                "the build ended before its pause {point}:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            ),
            // A hang detector (120 s for a build of two pages), not a
            // speed check.
            None => panic!("hung: the build never reached its pause {point}"),
        }
    }

    /// SIGKILL: no destructor, no cleanup, like `kill -9` or a power cut
    /// of the process.
    fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }
}

#[cfg(debug_assertions)]
impl Drop for Paused {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_hand_made_folder_with_notes_is_refused_and_left_untouched() {
    let site = Site::new(&[("content/_index.md", &home("A"))]);
    let elsewhere = tempfile::tempdir().unwrap();
    let docs = elsewhere.path().join("docs");
    // An index.html of its own: what used to pass for a built site.
    for (path, text) in [
        ("index.html", "<h1>Mes notes</h1>"),
        ("notes.txt", "À ne pas perdre."),
        ("2024/compte-rendu.md", "# Réunion\n"),
    ] {
        let path = docs.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let before = snapshot(&docs);

    let o = build_into(&site, &docs);
    let err = stderr(&o);
    assert!(!o.status.success(), "the build must refuse:\n{err}");
    for part in [
        "dossier de sortie refusé",
        "n’a pas été construit par site-gen",
        "choisissez un autre dossier",
        "videz-le",
    ] {
        assert!(err.contains(part), "missing « {part} » in:\n{err}");
    }
    assert_eq!(snapshot(&docs), before, "the notes are untouched");
    assert_eq!(hidden_in(elsewhere.path()), Vec::<String>::new());
}

#[test]
fn a_folder_made_by_site_gen_is_replaced_whole() {
    let site = Site::new(&[("content/_index.md", &home("A"))]);
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("site-web");
    // An empty folder may be used.
    std::fs::create_dir(&out).unwrap();
    assert_built(&build_into(&site, &out));
    assert!(index(&out).contains("Version A"));
    let marker = std::fs::read_to_string(out.join(".site-gen")).expect("the marker file");
    assert_eq!(marker.lines().count(), 1, "{marker:?}");
    assert!(
        marker.contains("construit par site-gen") && marker.contains("remplacé"),
        "{marker:?}"
    );

    // The folder is site-gen's: the next build replaces all of it.
    std::fs::write(out.join("ajout.txt"), "posé à la main").unwrap();
    site.write("content/_index.md", &home("B"));
    assert_built(&build_into(&site, &out));
    assert!(index(&out).contains("Version B"));
    assert!(!out.join("ajout.txt").exists());
    assert!(out.join(".site-gen").is_file());
    assert_eq!(
        hidden_in(elsewhere.path()),
        Vec::<String>::new(),
        "no staging folder nor lock file left beside the output"
    );
}

#[cfg(unix)]
#[test]
fn output_inside_a_linked_static_folder_is_refused() {
    // `static/` is a link to another folder of the site.
    let site = Site::new(&[("content/_index.md", &home("A"))]);
    site.write("partage/logo.svg", "<svg/>");
    std::os::unix::fs::symlink(site.root().join("partage"), site.root().join("static")).unwrap();
    let o = build_into(&site, &site.root().join("static/public"));
    let err = stderr(&o);
    assert!(!o.status.success(), "must refuse:\n{err}");
    assert!(err.contains("dossier de sortie refusé"), "{err}");
    assert!(err.contains("dans les sources (static/)"), "{err}");
    assert!(!site.root().join("partage/public").exists());

    // A link out of the site: the build already refuses to read it, so the
    // writer is asked directly (as a program using the library would).
    let site = Site::new(&[("content/_index.md", &home("A"))]);
    let elsewhere = tempfile::tempdir().unwrap();
    let images = elsewhere.path().join("images");
    std::fs::create_dir_all(&images).unwrap();
    std::fs::write(images.join("logo.svg"), "<svg/>").unwrap();
    std::os::unix::fs::symlink(&images, site.root().join("static")).unwrap();
    let files: BTreeMap<String, Vec<u8>> = [("index.html".to_string(), b"x".to_vec())].into();
    let write = |out: &Path| {
        site_gen::output::write_site(site.root(), out, &files)
            .expect_err("must refuse")
            .to_string()
    };
    let err = write(&site.root().join("static/out"));
    assert!(err.contains("dans les sources (static/)"), "{err}");
    // Nor may the output hold the folder the link points to.
    let err = write(elsewhere.path());
    assert!(
        err.contains("il contient les sources du site (static/)"),
        "{err}"
    );
    assert_eq!(
        snapshot(&images).into_keys().collect::<Vec<_>>(),
        [PathBuf::from("logo.svg")],
        "nothing was written into the static files"
    );
    assert_eq!(hidden_in(elsewhere.path()), Vec::<String>::new());
}

#[cfg(target_os = "linux")]
#[test]
fn a_reader_never_finds_the_site_missing_during_builds() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let site = Site::new(&[("content/_index.md", &home("A"))]);
    assert_built(&site.run(BUILD));
    let public = site.root().join("public");
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (stop, page) = (stop.clone(), public.join("index.html"));
        std::thread::spawn(move || {
            let (mut reads, mut failures) = (0u64, Vec::new());
            while !stop.load(Ordering::Relaxed) {
                match std::fs::read_to_string(&page) {
                    Ok(text) if text.contains("Version ") && text.contains("</html>") => {}
                    Ok(text) => failures.push(format!("a partial page: {text:?}")),
                    Err(e) => failures.push(e.to_string()),
                }
                reads += 1;
            }
            (reads, failures)
        })
    };
    for version in ["B", "C", "D", "E", "F", "G"] {
        site.write("content/_index.md", &home(version));
        assert_built(&site.run(BUILD));
        assert!(index(&public).contains(&format!("Version {version}")));
    }
    stop.store(true, Ordering::Relaxed);
    let (reads, failures) = reader.join().unwrap();
    assert!(reads > 0);
    assert!(
        failures.is_empty(),
        "{} of {reads} reads failed, first: {}",
        failures.len(),
        failures[0]
    );
}

/// Kills a build at `point`: the output holds the old site whole (or is
/// still missing, for a first build); the next build puts the new site in
/// place and leaves no staging folder nor lock beside it.
#[cfg(debug_assertions)]
fn kill_at(point: &str, what: &str, first_build: bool) {
    let site = Site::new(&[("content/_index.md", &home("A"))]);
    let public = site.root().join("public");
    if !first_build {
        assert_built(&site.run(BUILD));
    }
    let old = public.exists().then(|| snapshot(&public));
    site.write("content/_index.md", &home("B"));

    let paused = Paused::at(&site, point);
    let staged: Vec<String> = hidden_in(site.root())
        .into_iter()
        .filter(|n| n.starts_with(".public.nouveau-"))
        .collect();
    assert_eq!(
        staged.len(),
        1,
        "{what}: the new site is staged: {staged:?}"
    );
    assert!(
        index(&site.root().join(&staged[0])).contains("Version B"),
        "{what}: the staging folder holds the whole new site"
    );
    paused.kill();
    let now = public.exists().then(|| snapshot(&public));
    assert_eq!(
        now, old,
        "{what}: the old site (or none) is in place, whole"
    );

    // The next build removes what the killed one left, young as it is.
    assert_built(&site.run(BUILD));
    assert!(index(&public).contains("Version B"));
    assert_eq!(hidden_in(site.root()), Vec::<String>::new(), "{what}");
    assert!(!public.join(".public.lock").exists());
}

/// Every hook point named in site-gen's sources (`SITE_GEN_TEST_PAUSE_…`).
fn hook_points_in_the_sources() -> Vec<String> {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (at, _) in text.match_indices("SITE_GEN_TEST_PAUSE_") {
                    let name: String = text[at..]
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                        .collect();
                    // A bare prefix (in a comment) names no point.
                    if name.len() > "SITE_GEN_TEST_PAUSE_".len() {
                        found.push(name);
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    found.sort();
    found.dedup();
    found
}

#[test]
fn every_hook_point_is_tested() {
    let mut tested: Vec<String> = PAUSE_POINTS.iter().map(|(p, _)| p.to_string()).collect();
    tested.sort();
    let found = hook_points_in_the_sources();
    assert!(!found.is_empty(), "the pause hook is still in the sources");
    assert_eq!(found, tested, "add each hook point to PAUSE_POINTS");
}

#[cfg(debug_assertions)]
#[test]
fn a_build_killed_at_any_hook_point_leaves_a_whole_site_then_nothing_behind() {
    for (point, what) in PAUSE_POINTS {
        kill_at(point, what, false);
        kill_at(point, what, true);
    }
}

#[cfg(debug_assertions)]
#[test]
fn a_second_build_into_the_same_output_is_told_another_is_writing() {
    let site = Site::new(&[("content/_index.md", &home("A"))]);
    assert_built(&site.run(BUILD));
    let public = site.root().join("public");
    let old = snapshot(&public);
    site.write("content/_index.md", &home("B"));

    let first = Paused::start(&site);
    let second = site.run(BUILD);
    let err = stderr(&second);
    assert!(
        !second.status.success(),
        "the second build must fail:\n{err}"
    );
    let shown = public.canonicalize().unwrap();
    assert!(
        err.contains(&format!(
            "une autre construction écrit déjà dans {}",
            shown.display()
        )),
        "{err}"
    );
    assert!(!err.contains("os error"), "no raw system error: {err}");
    assert_eq!(snapshot(&public), old, "the second build changed nothing");
    assert_eq!(
        hidden_in(site.root())
            .iter()
            .filter(|n| n.starts_with(".public.nouveau-"))
            .count(),
        1,
        "only the first build's staging folder"
    );
    assert!(!public.join(".public.lock").exists(), "the lock is beside");

    first.kill();
    assert_built(&site.run(BUILD));
    assert!(index(&public).contains("Version B"));
    assert_eq!(hidden_in(site.root()), Vec::<String>::new());
}
