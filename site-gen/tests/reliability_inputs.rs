//! Inputs read from outside the site, and inputs that are not regular
//! files (issue 16): every input folder and file follows one rule.
//!
//! A link leading out of the site is refused without being read, so what
//! it points to never shows in the terminal (a pull request must not be
//! able to print CI secrets in the build log) nor in the output; a link
//! inside the site still works. A named pipe gives an error at once instead
//! of blocking the build (and `serve`'s rebuilds) forever.
#![cfg(unix)]

mod common;

use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{messages, stderr, stdout, wait_for, within, Server, Site, BIN, HOME, TARIFS};
use site_gen::{build as build_site, BuildOptions};

/// What the file outside the site holds. Not valid TOML nor a valid
/// template: were it read, the parser's message would point at its first
/// line and the terminal would show that line.
const SECRET: &str = "JETON_CI_5b8e0d";

/// A folder outside the site, holding `secret.txt` and
/// `dossier/secret.txt`.
struct Outside {
    dir: tempfile::TempDir,
}

impl Outside {
    fn new() -> Outside {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("CLE_SECRETE={SECRET}\n");
        std::fs::write(dir.path().join("secret.txt"), &text).unwrap();
        for sub in ["dossier", "dossier/templates", "dossier/static"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        for file in [
            "dossier/secret.txt",
            "dossier/templates/index.html",
            "dossier/static/secret.txt",
        ] {
            std::fs::write(dir.path().join(file), &text).unwrap();
        }
        Outside { dir }
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("secret.txt")
    }

    fn folder(&self) -> PathBuf {
        self.dir.path().join("dossier")
    }
}

/// `site/rel` becomes a link to `target`.
fn link(site: &Site, target: impl AsRef<Path>, rel: &str) {
    let path = site.root().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    symlink(target, path).unwrap();
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path for the whole call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// Runs `site-gen --root <site> args…` and fails with « hung » when it is
/// still running after 60 s. A hang detector, not a speed check: these
/// builds take well under a second; a named pipe read by mistake blocks
/// forever, and the child is then killed.
fn run(site: &Site, args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .arg("--root")
        .arg(site.root())
        .args(args)
        .env("NO_COLOR", "1")
        // What a CI job keeps in its environment: never to be printed.
        .env("JETON_DE_TEST", SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run site-gen");
    // Drained on their own threads: a full pipe must not stall the child.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hung: site-gen {args:?} still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn build(site: &Site) -> Output {
    run(site, &["build", "--no-widget"])
}

/// The build fails, naming `file` with `message`, and the secret shows
/// nowhere: not in the terminal, not in an output folder.
fn assert_refused(site: &Site, file: &str, message: &str) {
    let o = build(site);
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(!o.status.success(), "must fail:\n{err}");
    assert!(
        err.lines()
            .any(|l| l.contains(&format!("{file}: ")) && l.contains(message)),
        "no « {file}: …{message}… » in:\n{err}"
    );
    assert!(
        !out.contains(SECRET) && !err.contains(SECRET),
        "{out}\n{err}"
    );
    assert!(!site.root().join("public").exists(), "nothing written");
}

/// Every regular file under `dir`, links not followed.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.map(Result::unwrap) {
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            found.extend(files_under(&entry.path()));
        } else if kind.is_file() {
            found.push(entry.path());
        }
    }
    found
}

/// Builds, and returns `public/rel`; nothing published holds the secret.
fn built_page(site: &Site, rel: &str) -> String {
    let o = build(site);
    assert!(o.status.success(), "{}", stderr(&o));
    for file in files_under(&site.root().join("public")) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{} holds the secret",
            file.display()
        );
    }
    std::fs::read_to_string(site.root().join("public").join(rel)).unwrap()
}

const OUTSIDE: &str = "l’extérieur du dossier du site";

// ===================================================================
// Links out of the site are refused, unread
// ===================================================================

#[test]
fn pricing_data_linked_out_of_the_site_is_refused() {
    let outside = Outside::new();
    let site = Site::new(&[HOME]);
    link(&site, outside.file(), "content/tarifs.toml");
    assert_refused(&site, "content/tarifs.toml", OUTSIDE);

    // Where `pricing_data` says, and through a linked folder.
    let site = Site::new(&[
        HOME,
        ("site.toml", "pricing_data = \"donnees/tarifs.toml\"\n"),
    ]);
    link(&site, outside.folder(), "donnees");
    std::fs::rename(
        outside.folder().join("secret.txt"),
        outside.folder().join("tarifs.toml"),
    )
    .unwrap();
    assert_refused(&site, "donnees/tarifs.toml", OUTSIDE);
}

#[cfg(target_os = "linux")]
#[test]
fn pricing_data_linked_to_the_environment_is_refused() {
    // The leak the rule was written for: `run` puts the secret in the
    // environment of site-gen, which `/proc/self/environ` holds.
    let site = Site::new(&[HOME]);
    link(&site, "/proc/self/environ", "content/tarifs.toml");
    assert_refused(&site, "content/tarifs.toml", OUTSIDE);
    let site = Site::new(&[HOME]);
    link(&site, "/proc/self/environ", "site.toml");
    assert_refused(&site, "site.toml", OUTSIDE);
}

#[test]
fn site_toml_linked_out_of_the_site_is_refused() {
    let outside = Outside::new();
    let site = Site::new(&[HOME]);
    link(&site, outside.file(), "site.toml");
    assert_refused(&site, "site.toml", OUTSIDE);
}

#[test]
fn static_files_linked_out_of_the_site_are_refused() {
    let outside = Outside::new();
    let site = Site::new(&[HOME]);
    link(&site, outside.file(), "static/fuite.txt");
    assert_refused(&site, "static/fuite.txt", OUTSIDE);

    // The folder itself.
    let site = Site::new(&[HOME]);
    link(&site, outside.folder(), "static");
    assert_refused(&site, "static", OUTSIDE);
}

#[test]
fn templates_linked_out_of_the_site_are_refused() {
    let outside = Outside::new();
    let site = Site::new(&[HOME]);
    link(&site, outside.file(), "templates/index.html");
    assert_refused(&site, "templates/index.html", OUTSIDE);

    let site = Site::new(&[HOME]);
    link(&site, outside.folder().join("templates"), "templates");
    assert_refused(&site, "templates", OUTSIDE);
}

#[test]
fn themes_linked_out_of_the_site_are_refused() {
    let outside = Outside::new();
    let config = ("site.toml", "theme = \"maison\"\n");
    // The theme's folder.
    let site = Site::new(&[HOME, config]);
    link(&site, outside.folder(), "themes/maison");
    assert_refused(&site, "themes/maison", OUTSIDE);

    // A file of a theme of the site.
    let site = Site::new(&[HOME, config]);
    copy_default_theme(&site, "themes/maison");
    link(&site, outside.file(), "themes/maison/static/fuite.txt");
    assert_refused(&site, "themes/maison/static/fuite.txt", OUTSIDE);

    // `themes/` itself.
    let site = Site::new(&[HOME, config]);
    link(&site, outside.dir.path(), "themes");
    std::fs::rename(outside.folder(), outside.dir.path().join("maison")).unwrap();
    assert_refused(&site, "themes/maison", OUTSIDE);
}

#[test]
fn content_linked_out_of_the_site_is_refused() {
    let outside = Outside::new();
    let site = Site::new(&[HOME]);
    link(&site, outside.file(), "content/fuite.md");
    link(&site, outside.file(), "content/fuite.txt");
    let o = build(&site);
    let err = stderr(&o);
    assert!(!o.status.success());
    for file in ["content/fuite.md", "content/fuite.txt"] {
        assert!(
            err.contains(&format!(
                "{file}: lien symbolique vers l’extérieur de content/"
            )),
            "{err}"
        );
    }
    assert!(
        !err.contains(SECRET) && !stdout(&o).contains(SECRET),
        "{err}"
    );

    // `content/` itself.
    let site = Site::new(&[]);
    std::fs::remove_dir(site.root().join("content")).unwrap();
    std::fs::write(outside.folder().join("_index.md"), "# Ailleurs\n").unwrap();
    link(&site, outside.folder(), "content");
    assert_refused(&site, "content", OUTSIDE);
}

#[test]
fn hidden_files_of_the_site_are_refused_too() {
    // `.git/config` holds the token of a CI checkout.
    let site = Site::new(&[HOME, ("site.toml", "pricing_data = \".git/config\"\n")]);
    site.write(".git/config", &format!("[http]\nextraheader = {SECRET}\n"));
    assert_refused(&site, ".git/config", "caché");

    let site = Site::new(&[HOME]);
    site.write(".git/config", &format!("[http]\nextraheader = {SECRET}\n"));
    link(&site, "../.git/config", "static/config.txt");
    assert_refused(&site, "static/config.txt", "caché");
}

// ===================================================================
// Links inside the site still work
// ===================================================================

#[test]
fn pricing_data_linked_inside_the_site_is_read() {
    let site = Site::new(&[(
        "content/_index.md",
        "+++\ntitle = \"Accueil\"\n+++\nLe poste : {{ chiffre(nom=\"parts\") }}.\n",
    )]);
    assert!(TARIFS.contains("\nparts = 12\n"));
    site.write(
        "donnees/tarifs.toml",
        &TARIFS.replace("\nparts = 12\n", "\nparts = 15\n"),
    );
    link(&site, "../donnees/tarifs.toml", "content/tarifs.toml");
    // French typography puts no-break spaces in: compared without them.
    let index = built_page(&site, "index.html").replace(['\u{202f}', '\u{a0}'], " ");
    assert!(index.contains("<p>Le poste : 15 parts.</p>"), "{index}");
}

#[test]
fn site_toml_linked_inside_the_site_is_read() {
    let site = Site::new(&[HOME]);
    site.write("config/site.toml", "title = \"Titre venu d’un lien\"\n");
    link(&site, "config/site.toml", "site.toml");
    assert!(built_page(&site, "index.html").contains("Titre venu d’un lien"));
}

#[test]
fn static_files_linked_inside_the_site_are_published() {
    let site = Site::new(&[HOME]);
    site.write("partage/logo.svg", "<svg>logo partagé</svg>");
    link(&site, "../partage/logo.svg", "static/logo.svg");
    assert_eq!(
        built_page(&site, "logo.svg"),
        "<svg>logo partagé</svg>",
        "a file linked inside the site"
    );

    let site = Site::new(&[HOME]);
    site.write("partage/logo.svg", "<svg>dossier partagé</svg>");
    link(&site, "partage", "static");
    assert_eq!(built_page(&site, "logo.svg"), "<svg>dossier partagé</svg>");
}

#[test]
fn templates_linked_inside_the_site_are_used() {
    let site = Site::new(&[HOME]);
    site.write(
        "gabarits/index.html",
        "<!doctype html><title>{{ section.title }}</title><p>Gabarit lié</p>\n",
    );
    link(&site, "../gabarits/index.html", "templates/index.html");
    assert!(built_page(&site, "index.html").contains("Gabarit lié"));

    let site = Site::new(&[HOME]);
    site.write(
        "gabarits/index.html",
        "<!doctype html><title>{{ section.title }}</title><p>Dossier lié</p>\n",
    );
    link(&site, "gabarits", "templates");
    assert!(built_page(&site, "index.html").contains("Dossier lié"));
}

#[test]
fn themes_linked_inside_the_site_are_used() {
    let site = Site::new(&[HOME, ("site.toml", "theme = \"maison\"\n")]);
    copy_default_theme(&site, "partage/maison");
    site.write("partage/maison/static/marque.txt", "thème lié");
    link(&site, "../partage/maison", "themes/maison");
    assert_eq!(built_page(&site, "marque.txt"), "thème lié");

    // A file of the theme linked to another file of the site.
    let site = Site::new(&[HOME, ("site.toml", "theme = \"maison\"\n")]);
    copy_default_theme(&site, "themes/maison");
    site.write("marque.txt", "fichier lié");
    link(
        &site,
        "../../../marque.txt",
        "themes/maison/static/marque.txt",
    );
    assert_eq!(built_page(&site, "marque.txt"), "fichier lié");
}

#[test]
fn content_linked_inside_content_is_published() {
    let site = Site::new(&[HOME, ("content/vraie.md", "# Vraie page\n")]);
    site.write("content/images/photo.txt", "une photo");
    link(&site, "vraie.md", "content/lien.md");
    link(&site, "images/photo.txt", "content/photo.txt");
    assert!(built_page(&site, "lien/index.html").contains("Vraie page"));
    assert_eq!(built_page(&site, "photo.txt"), "une photo");
}

/// The shipped default theme, copied to `site/rel` (a theme of the site's own).
fn copy_default_theme(site: &Site, rel: &str) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default");
    for file in files_under(&from) {
        let to = site
            .root()
            .join(rel)
            .join(file.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, &to).unwrap();
    }
}

// ===================================================================
// Named pipes: an error at once, never a hang
// ===================================================================

const NOT_REGULAR: &str = "n’est pas un fichier ordinaire";

/// The problems of a build of `site` through the library (the command
/// line adds its own reading of the files it names: tested below).
fn library_errors(site: &Site) -> Vec<String> {
    let root = site.root().to_path_buf();
    within(60, "a build with a named pipe", move || {
        let mut opts = BuildOptions::new(&root);
        opts.widget = false;
        match build_site(&opts) {
            Ok(_) => Vec::new(),
            Err(d) => messages(&d),
        }
    })
}

#[test]
fn named_pipes_are_refused_by_the_build_itself() {
    for file in [
        "content/tube.md",
        "content/images/tube.png",
        "content/tarifs.toml",
        "site.toml",
        "static/tube.css",
        "templates/page.html",
        "themes/default/static/tube.css",
    ] {
        let site = Site::new(&[HOME]);
        mkfifo(&site.root().join(file));
        let errors = library_errors(&site);
        let wanted = format!("{file}: {NOT_REGULAR}");
        assert!(
            errors.iter().any(|e| e.starts_with(&wanted)),
            "no « {wanted} » in {errors:#?}"
        );
    }
}

#[test]
fn a_named_pipe_in_content_is_an_error_at_once() {
    let site = Site::new(&[HOME]);
    mkfifo(&site.root().join("content/tube.md"));
    mkfifo(&site.root().join("content/images/tube.png"));
    let o = build(&site);
    let err = stderr(&o);
    assert!(!o.status.success(), "{err}");
    for file in ["content/tube.md", "content/images/tube.png"] {
        assert!(err.contains(&format!("{file}: {NOT_REGULAR}")), "{err}");
    }
}

#[test]
fn a_link_to_a_named_pipe_is_an_error_at_once() {
    let site = Site::new(&[HOME]);
    mkfifo(&site.root().join("content/tube"));
    link(&site, "tube", "content/page.md");
    let err = stderr(&build(&site));
    assert!(
        err.contains(&format!("content/page.md: {NOT_REGULAR}")),
        "{err}"
    );
}

#[test]
fn a_named_pipe_in_static_is_an_error_at_once() {
    let site = Site::new(&[HOME]);
    mkfifo(&site.root().join("static/tube.css"));
    let o = build(&site);
    let err = stderr(&o);
    assert!(!o.status.success(), "{err}");
    assert!(
        err.contains(&format!("static/tube.css: {NOT_REGULAR}")),
        "{err}"
    );
}

#[test]
fn named_pipes_as_pricing_data_templates_or_site_toml_are_errors_at_once() {
    for file in [
        "content/tarifs.toml",
        "site.toml",
        "templates/page.html",
        "themes/default/templates/page.html",
    ] {
        let site = Site::new(&[HOME]);
        mkfifo(&site.root().join(file));
        let o = build(&site);
        let err = stderr(&o);
        assert!(!o.status.success(), "{file}: {err}");
        assert!(err.contains(&format!("{file}: {NOT_REGULAR}")), "{err}");
    }
}

#[test]
fn serve_reports_a_named_pipe_and_keeps_rebuilding() {
    let site = Site::new(&[HOME]);
    let server = Server::start(&site, &[]);
    mkfifo(&site.root().join("content/tube.md"));
    let reported = wait_for(60, || {
        let err = server.stderr();
        err.contains(&format!("content/tube.md: {NOT_REGULAR}"))
            .then_some(())
    });
    assert!(reported.is_some(), "hung or silent: {}", server.stderr());
    std::fs::remove_file(site.root().join("content/tube.md")).unwrap();
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Accueil\"\n+++\nToujours servi.\n",
    );
    let rebuilt = wait_for(60, || {
        let r = server.get("/");
        (r.body.contains("Toujours servi") && !r.body.contains("site-gen-erreurs")).then_some(())
    });
    assert!(
        rebuilt.is_some(),
        "no rebuild after the pipe: {}",
        server.stderr()
    );
}
