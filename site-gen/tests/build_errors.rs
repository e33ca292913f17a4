//! A maintainer's mistakes: each one fails the build with a message naming
//! the file (and line), and leaves the previous output untouched.

use std::path::{Path, PathBuf};

use site_gen::{build, BuildOptions, Diagnostics};

/// A throw-away site: `files` are (path under the site, text).
struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new(files: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        for (path, text) in files {
            write(&root.join(path), text);
        }
        Site { _dir: dir, root }
    }

    fn build(&self) -> Result<site_gen::BuiltSite, Diagnostics> {
        let mut opts = BuildOptions::new(&self.root);
        opts.widget = false;
        build(&opts)
    }

    fn errors(&self) -> Vec<String> {
        match self.build() {
            Ok(_) => panic!("the build should fail"),
            Err(d) => d.iter().map(ToString::to_string).collect(),
        }
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

const HOME: (&str, &str) = (
    "content/_index.md",
    "+++\ntitle = \"Accueil\"\n+++\nBonjour.\n",
);

fn assert_one(errors: &[String], expected_start: &str, expected_part: &str) {
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(expected_start) && e.contains(expected_part)),
        "expected an error starting with {expected_start:?} containing {expected_part:?}, got {errors:#?}"
    );
}

#[test]
fn broken_front_matter_names_file_and_line() {
    let site = Site::new(&[
        HOME,
        (
            "content/faq.md",
            "+++\ntitle = \"FAQ\"\ndate = 2025-13-45\n+++\n",
        ),
    ]);
    assert_one(&site.errors(), "content/faq.md:3:", "date");
}

#[test]
fn unclosed_front_matter_is_reported() {
    let site = Site::new(&[HOME, ("content/faq.md", "+++\ntitle = \"FAQ\"\n\nTexte\n")]);
    assert_one(&site.errors(), "content/faq.md:1:1", "non fermé");
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    let site = Site::new(&[HOME, ("content/faq.md", "+++\ntitel = \"FAQ\"\n+++\n")]);
    assert_one(
        &site.errors(),
        "content/faq.md:2:",
        "vouliez-vous dire « title »",
    );
}

#[test]
fn unknown_config_key_is_an_error_at_its_line() {
    let site = Site::new(&[
        HOME,
        ("site.toml", "title = \"Amie\"\nbase_ulr = \"https://x\"\n"),
    ]);
    assert_one(&site.errors(), "site.toml:2:", "base_ulr");
}

#[test]
fn broken_internal_link_and_anchor_name_file_line_and_column() {
    let site = Site::new(&[
        HOME,
        ("content/faq.md", "# FAQ\n\n## Tarifs\n"),
        (
            "content/services.md",
            "+++\ntitle = \"Services\"\n+++\nVoir [la FAQ](@/faq.md#tarifs).\n\nEt [ceci](@/absente.md)\net [cela](@/faq.md#nulle-part).\n",
        ),
    ]);
    let errors = site.errors();
    assert_one(&errors, "content/services.md:6:4", "@/absente.md");
    assert_one(&errors, "content/services.md:7:4", "#nulle-part");
    assert_eq!(
        errors.len(),
        2,
        "the valid link is not reported: {errors:#?}"
    );
}

#[test]
fn every_problem_of_a_run_is_reported_together() {
    let site = Site::new(&[
        HOME,
        ("content/a.md", "+++\ntitel = \"A\"\n+++\n"),
        ("content/b.md", "+++\ndraft = \"oui\"\n+++\n"),
    ]);
    let errors = site.errors();
    assert_one(&errors, "content/a.md:2:", "titel");
    assert_one(&errors, "content/b.md:2:", "type invalide");
}

#[test]
fn missing_template_named_in_front_matter() {
    let site = Site::new(&[
        HOME,
        ("content/a.md", "+++\ntemplate = \"special.html\"\n+++\n"),
    ]);
    assert_one(
        &site.errors(),
        "content/a.md",
        "« special.html » introuvable",
    );
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let site = Site::new(&[
        HOME,
        ("templates/page.html", "<p>\n{{ page.title }\n</p>\n"),
    ]);
    assert_one(&site.errors(), "templates/page.html:2:", "");
}

#[test]
fn missing_theme_is_reported_against_the_config() {
    let site = Site::new(&[HOME, ("site.toml", "theme = \"absent\"\n")]);
    assert_one(&site.errors(), "site.toml", "thème « absent » introuvable");
}

#[test]
fn two_pages_at_the_same_url() {
    let site = Site::new(&[
        HOME,
        ("content/faq.md", "# FAQ\n"),
        ("content/autre.md", "+++\nslug = \"faq\"\n+++\n"),
    ]);
    assert_one(&site.errors(), "content/", "même adresse");
}

#[test]
fn not_utf8_and_binary_files_are_refused() {
    let site = Site::new(&[HOME]);
    std::fs::write(site.root.join("content/latin1.md"), b"caf\xe9\n").unwrap();
    std::fs::write(site.root.join("content/binaire.md"), b"\x00\x01\x02").unwrap();
    let errors = site.errors();
    assert_one(&errors, "content/latin1.md:1:4", "UTF-8");
    assert_one(&errors, "content/binaire.md", "binaire");
}

#[test]
fn escaping_aliases_are_refused() {
    let site = Site::new(&[
        HOME,
        (
            "content/a.md",
            "+++\naliases = [\"../../etc/passwd\"]\n+++\n",
        ),
    ]);
    assert_one(&site.errors(), "content/a.md", "alias");
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let site = Site::new(&[HOME, ("content/faq.md", "# FAQ\n")]);
    let out = site.root.join("public");
    let built = site.build().expect("first build");
    site_gen::output::write_site(&site.root, &out, &built.files).expect("write");
    let before = std::fs::read(out.join("faq/index.html")).unwrap();
    write(&site.root.join("content/faq.md"), "+++\ntitle = \n+++\n");
    assert!(site.build().is_err());
    assert_eq!(std::fs::read(out.join("faq/index.html")).unwrap(), before);
}

#[test]
fn zero_config_site_builds_with_the_builtin_theme() {
    let site = Site::new(&[("content/_index.md", "# Bienvenue\n\nUn site ; vraiment !\n")]);
    let built = site.build().expect("builds");
    let home = String::from_utf8(built.files["index.html"].clone()).unwrap();
    assert!(home.contains("lang=\"fr\""));
    assert!(home.contains("Bienvenue"));
    assert!(
        home.contains("site\u{202f};"),
        "French typography on by default: {home}"
    );
    for f in ["404.html", "sitemap.xml", "robots.txt", "style.css"] {
        assert!(built.files.contains_key(f), "{f} is produced");
    }
}
