//! Junk never published: editors' backups and swap files, the systems'
//! files and office lock files in `content/`, `static/` and the theme's
//! static files are neither read nor copied; `site.toml`'s `ignore` leaves
//! out what it names; `-v` lists what was left out.

mod common;

use std::path::Path;

use common::{assert_error, stdout, Site, BUILD, HOME};

const FAQ: (&str, &str) = (
    "content/faq.md",
    "+++\ntitle = \"FAQ\"\n+++\nQuestions fréquentes.\n",
);

/// Every kind of junk, by name, with contents that would break the build
/// or show if the file were read: front matter that does not parse, a NUL
/// byte, a page with another title.
const JUNK_NAMES: &[&str] = &[
    "faq.md~",
    ".faq.md.swp",
    "#faq.md#",
    ".#faq.md",
    "faq.md.bak",
    "faq.tmp",
    "4913",
    "Thumbs.db",
    "desktop.ini",
    ".DS_Store",
    "._faq.md",
    "Icon\r",
    "~$bulletin.docx",
    ".~lock.bulletin.odt#",
];

fn junk_bytes(name: &str) -> Vec<u8> {
    match name {
        "faq.md~" => b"+++\ntitle = \"Vieille FAQ\"\n+++\nAncienne version.\n".to_vec(),
        ".faq.md.swp" => b"b0VIM 9.0\0\0\0binaire".to_vec(),
        _ => b"+++\ntitle = \"cass\xe9\n+++\n".to_vec(),
    }
}

/// The theme folder of the repository, copied under `site/themes/default`
/// (a site's own copy of the theme: its static files are read from disk).
fn copy_theme(site: &Site) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default");
    for entry in walk(&from) {
        let rel = entry.strip_prefix(&from).unwrap().to_str().unwrap();
        site.write_bytes(
            &format!("themes/default/{rel}"),
            &std::fs::read(&entry).unwrap(),
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn clean_site() -> Site {
    let site = Site::new(&[HOME, FAQ, ("static/logo.png", "png")]);
    site.write(
        "content/services/_index.md",
        "+++\ntitle = \"Services\"\n+++\n",
    );
    site.write("content/services/depannage.md", "# Dépannage\n");
    copy_theme(&site);
    site
}

#[test]
fn every_kind_of_junk_is_left_out_and_breaks_nothing() {
    let clean = clean_site().ok();
    let site = clean_site();
    for name in JUNK_NAMES {
        for dir in [
            "content",
            "content/services",
            "static",
            "static/img",
            "themes/default/static",
        ] {
            site.write_bytes(&format!("{dir}/{name}"), &junk_bytes(name));
        }
    }
    let built = site.ok();
    // The same site as without the junk: no page, file or byte more.
    assert_eq!(
        built.files.keys().collect::<Vec<_>>(),
        clean.files.keys().collect::<Vec<_>>()
    );
    assert_eq!(built.files, clean.files);
    assert_eq!((built.pages, built.sections), (clean.pages, clean.sections));
    assert!(built.files.contains_key("faq/index.html"));
    assert!(!built
        .files
        .values()
        .any(|b| String::from_utf8_lossy(b).contains("Vieille FAQ")));
    // Each junk file is listed once as left out (hidden ones are never
    // walked at all).
    let skipped: Vec<String> = built
        .skipped
        .iter()
        .map(|s| s.file.to_string_lossy().into_owned())
        .collect();
    for dir in ["content", "content/services", "static", "static/img"] {
        for name in [
            "faq.md~",
            "#faq.md#",
            "Thumbs.db",
            "~$bulletin.docx",
            "4913",
        ] {
            let path = format!("{dir}/{name}");
            assert_eq!(
                skipped.iter().filter(|s| **s == path).count(),
                1,
                "{path} in {skipped:#?}"
            );
        }
    }
    assert!(skipped.contains(&"themes/default/static/Icon\r".to_string()));
}

#[test]
fn ignore_leaves_out_folders_and_extensions() {
    let site = clean_site();
    site.write(
        "site.toml",
        "title = \"Amie\"\nignore = [\"brouillons/**\", \"*.psd\"]\n",
    );
    site.write(
        "content/brouillons/_index.md",
        "+++\ntitle = \"Brouillons\"\n+++\n",
    );
    site.write("content/brouillons/idee.md", "+++\ntitle = \"cassé\n");
    site.write("content/brouillons/photos/a.png", "png");
    site.write("content/img/maquette.psd", "psd");
    site.write("content/maquette.psd", "psd");
    site.write("static/logo.psd", "psd");
    site.write("static/img/deep/fond.psd", "psd");
    site.write("themes/default/static/theme.psd", "psd");
    // Only what the patterns name: a page called brouillons is kept.
    site.write("content/autres/brouillons.md", "# Gardée\n");
    site.write("content/img/photo.png", "png");
    let built = site.ok();
    let files: Vec<&String> = built.files.keys().collect();
    for path in &files {
        assert!(!path.starts_with("brouillons"), "{path} in {files:#?}");
        assert!(!path.ends_with(".psd"), "{path} in {files:#?}");
    }
    assert!(built.files.contains_key("autres/brouillons/index.html"));
    assert!(built.files.contains_key("img/photo.png"));
    assert!(built.files.contains_key("logo.png"));
    let reasons: Vec<(String, String)> = built
        .skipped
        .iter()
        .map(|s| {
            (
                s.file.to_string_lossy().into_owned(),
                format!("{:?}", s.reason),
            )
        })
        .collect();
    for (file, pattern) in [
        ("content/brouillons/idee.md", "brouillons/**"),
        ("content/brouillons/photos/a.png", "brouillons/**"),
        ("content/img/maquette.psd", "*.psd"),
        ("static/img/deep/fond.psd", "*.psd"),
        ("themes/default/static/theme.psd", "*.psd"),
    ] {
        assert!(
            reasons.contains(&(file.to_string(), format!("Ignored({pattern:?})"))),
            "{file} in {reasons:#?}"
        );
    }
}

#[test]
fn an_invalid_pattern_is_a_french_error_at_its_line() {
    let site = Site::new(&[HOME]);
    site.write(
        "site.toml",
        "title = \"Amie\"\nignore = [\n  \"*.psd\",\n  \"img/[ab\",\n]\n",
    );
    let errors = site.errors();
    assert_error(
        &errors,
        "site.toml:4:3: ",
        "motif « img/[ab » de ignore invalide (« [ » sans « ] »)",
    );
    let out = site.cli_build();
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(
        err.contains("site.toml:4:3: motif « img/[ab » de ignore invalide"),
        "{err}"
    );
}

#[test]
fn verbose_lists_what_was_left_out() {
    let site = Site::new(&[HOME, FAQ]);
    site.write("site.toml", "title = \"Amie\"\nignore = [\"*.psd\"]\n");
    site.write("content/faq.md~", "+++\ntitle = \"Vieille FAQ\"\n+++\n");
    site.write("content/~$bulletin.docx", "verrou");
    site.write("static/Thumbs.db", "vignettes");
    site.write("static/img/logo.psd", "psd");
    let mut args = BUILD.to_vec();
    args.push("-v");
    let out = site.run(&args);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = stdout(&out);
    for line in [
        "  ignoré : content/faq.md~ (copie de sauvegarde, fichier temporaire ou système)",
        "  ignoré : content/~$bulletin.docx (copie de sauvegarde, fichier temporaire ou système)",
        "  ignoré : static/Thumbs.db (copie de sauvegarde, fichier temporaire ou système)",
        "  ignoré : static/img/logo.psd (ignore = « *.psd »)",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
    }
    // Without -v, nothing about them.
    let quiet = stdout(&site.cli_build());
    assert!(!quiet.contains("ignoré"), "{quiet}");
}
