//! A folder with only `content/` (or a `site.toml` without `title`) is
//! its own site: named after its home page, with nothing of the Amie.

mod common;
use std::path::Path;

use common::{snapshot, stderr, Site};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_content_only_folder_is_its_own_site() {
    let site = Site::new(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Les Jardins partagés\"\ndescription = \"Un jardin.\"\n+++\nBonjour.\n",
        ),
        (
            "content/actualites/_index.md",
            "+++\ntitle = \"Nouvelles\"\n+++\n",
        ),
        (
            "content/actualites/recolte.md",
            "+++\ntitle = \"La récolte\"\ndate = 2026-09-01\n+++\nDes tomates.\n",
        ),
        (
            "content/infos.md",
            "# Infos pratiques\n\nOuvert le samedi.\n",
        ),
    ]);
    let out = site.cli_build();
    assert!(out.status.success(), "{}", stderr(&out));
    let files = snapshot(&site.path("public"));
    let text = |name: &str| String::from_utf8(files[Path::new(name)].clone()).unwrap();
    assert!(text("index.html").contains("<title>Les Jardins partagés</title>"));
    assert!(text("index.html")
        .contains(r#"<meta property="og:site_name" content="Les Jardins partagés">"#));
    assert!(
        text("infos/index.html").contains("<title>Infos pratiques — Les Jardins partagés</title>")
    );
    assert!(text("atom.xml").contains("<title>Les Jardins partagés</title>"));
    // No branding of the Amie anywhere a reader or a feed reader sees
    // (the stylesheet only names its theme in a comment).
    for (path, bytes) in &files {
        if path == Path::new("style.css") {
            continue;
        }
        let body = String::from_utf8_lossy(bytes);
        assert!(!body.contains("Amie"), "{} names the Amie", path.display());
    }

    // A home page without title: its first heading names the site.
    site.write("content/_index.md", "# Le Jardin d’à côté\n\nBonjour.\n");
    assert!(site.cli_build().status.success());
    let home = read(&site.path("public/index.html"));
    assert!(home.contains("<title>Le Jardin d’à côté</title>"), "{home}");
}

#[test]
fn a_rebuild_follows_the_home_page_title() {
    let site = Site::new(&[(
        "content/_index.md",
        "+++\ntitle = \"Premier nom\"\n+++\nBonjour.\n",
    )]);
    let mut opts = site_gen::BuildOptions::new(site.root());
    opts.widget = false;
    let mut session = site_gen::Session::new(opts);
    session.rebuild(&[]).expect("first build");
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Second nom\"\n+++\nBonjour.\n",
    );
    session
        .rebuild(&[site.path("content/_index.md")])
        .expect("rebuild");
    let rebuilt = session.files().expect("built");
    let fresh = site.ok();
    let home = String::from_utf8(rebuilt["index.html"].to_vec()).unwrap();
    assert!(home.contains("<title>Second nom</title>"), "{home}");
    assert_eq!(rebuilt.len(), fresh.files.len());
    for (path, bytes) in &fresh.files {
        assert_eq!(&rebuilt[path][..], &bytes[..], "{path} as a fresh build");
    }
}
