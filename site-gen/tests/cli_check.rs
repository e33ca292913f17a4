//! `site-gen check`: broken links and anchors reported at their place in
//! the Markdown, non-zero exit.

mod common;
use common::{stderr, stdout, Site};

const HOME: &str =
    "+++\ntitle = \"Accueil\"\n+++\n\nVoir les [services](@/services.md) et la [FAQ](@/faq.md).\n";
const FAQ: &str = "+++\ntitle = \"FAQ\"\n+++\n\n## Une question {#q1}\n\nRéponse.\n";

#[test]
fn clean_site_passes() {
    let site = Site::new(&[
        ("content/_index.md", HOME),
        ("content/faq.md", FAQ),
        (
            "content/services.md",
            "+++\ntitle = \"Services\"\n+++\n\nLa [question](/faq/#q1), la [FAQ](@/faq.md#q1).\n",
        ),
    ]);
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("aucun lien cassé"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn broken_plain_link_and_anchor_point_at_the_markdown() {
    let site = Site::new(&[
        ("content/_index.md", HOME),
        ("content/faq.md", FAQ),
        (
            "content/services.md",
            "+++\ntitle = \"Services\"\n+++\n\n# Nos services\n\nVoir les [tarifs](/tarifs/) et\nla [question](/faq/#inexistante).\n\n<a href=\"/nulle-part/\">brut</a>\n",
        ),
    ]);
    // The build does not see plain URLs: only `check` does.
    assert!(site.run(&["build"]).status.success());
    let out = site.run(&["check"]);
    assert!(!out.status.success(), "check must fail");
    let err = stderr(&out);
    for line in [
        "content/services.md:7:10: lien cassé vers /tarifs/ (aucune page)",
        "content/services.md:8:4: ancre cassée : #inexistante n’existe pas dans /faq/",
        "content/services.md:10:4: lien cassé vers /nulle-part/ (aucune page)",
    ] {
        assert!(err.contains(line), "missing « {line} » in:\n{err}");
    }
    // The source line and a caret under the column.
    assert!(
        err.contains("    7 | Voir les [tarifs](/tarifs/) et\n      |          ^"),
        "{err}"
    );
    assert!(err.contains("3 problèmes"), "{err}");
}

#[test]
fn pages_are_read_as_a_browser_reads_them() {
    // `&eacute;` was unknown to check's own decoder (a false « ancre
    // cassée » for `#café`), and `<!-->` hid the rest of the page from it.
    let site = Site::new(&[
        ("content/_index.md", HOME),
        ("content/faq.md", FAQ),
        (
            "content/services.md",
            "+++\ntitle = \"Services\"\n+++\n\n<p id=\"caf&eacute;\">Café</p>\n\n<a href=\"#café\">le café</a> <a href=\"#th&eacute;\">le thé</a>\n\n<!--><a href=\"/apres-commentaire/\">x</a>\n",
        ),
    ]);
    let out = site.run(&["check"]);
    let err = stderr(&out);
    let problems: Vec<&str> = err.lines().filter(|l| l.starts_with("erreur ")).collect();
    assert_eq!(
        problems,
        [
            "erreur content/services.md:7:32: ancre cassée : #thé n’existe pas dans cette page",
            "erreur content/services.md:9:9: lien cassé vers /apres-commentaire/ (aucune page)",
        ],
        "{err}"
    );
}

#[test]
fn broken_source_link_fails_like_the_build() {
    let site = Site::new(&[
        ("content/_index.md", HOME),
        ("content/faq.md", FAQ),
        ("content/services.md", "+++\ntitle = \"Services\"\n+++\n\nLa [page](@/absente.md) et l’[ancre](@/faq.md#q9).\n"),
    ]);
    let build = site.run(&["build"]);
    let check = site.run(&["check"]);
    assert!(!build.status.success() && !check.status.success());
    let lines = |o: &std::process::Output| -> Vec<String> {
        stderr(o)
            .lines()
            .filter_map(|l| l.strip_prefix("erreur "))
            .map(str::to_string)
            .collect()
    };
    let (build_lines, check_lines) = (lines(&build), lines(&check));
    assert!(!build_lines.is_empty());
    assert!(
        build_lines
            .iter()
            .all(|l| l.starts_with("content/services.md:5:")),
        "{build_lines:?}"
    );
    assert_eq!(build_lines, check_lines);
}

#[test]
fn template_links_point_at_the_output_and_orphans_warn() {
    let site = Site::new(&[
        ("content/_index.md", HOME),
        ("content/faq.md", FAQ),
        (
            "content/services.md",
            "+++\ntitle = \"Services\"\n+++\n\nTexte.\n",
        ),
        (
            "static/ancienne.html",
            "<!DOCTYPE html><p>Plus liée nulle part.</p>",
        ),
        (
            "templates/partials/footer.html",
            "<footer><a href=\"{{ get_url(path='/contact/') }}\">Contact</a></footer>\n",
        ),
    ]);
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    // Reported once, on the first page, with the number of other pages.
    let broken: Vec<&str> = err.lines().filter(|l| l.contains("/contact/")).collect();
    assert_eq!(broken.len(), 1, "{err}");
    assert!(broken[0].starts_with("erreur 404.html:"), "{err}");
    assert!(
        broken[0].contains("lien cassé vers /contact/ (aucune page) (et sur"),
        "{err}"
    );
    assert!(err.contains("attention ancienne.html: page orpheline : aucun lien ne mène de l’accueil à /ancienne.html"), "{err}");
}

/// A local stand-in for another site: 200 on `/existe`, 404 elsewhere.
fn other_site() -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let mut first = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let _ = reader.read_line(&mut first);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let status = if first.contains(" /existe ") {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    port
}

#[test]
fn external_links_only_on_request() {
    let port = other_site();
    let page = format!(
        "+++\ntitle = \"Liens\"\n+++\n\n[ok](http://127.0.0.1:{port}/existe)\n[cassé](http://127.0.0.1:{port}/absent)\n[ignoré](http://127.0.0.1:{port}/ignore)\n"
    );
    let site = Site::new(&[
        ("content/_index.md", HOME),
        ("content/faq.md", FAQ),
        ("content/services.md", &page),
    ]);
    assert!(site.run(&["check"]).status.success(), "off by default");
    // The footer's licence link (the default licence) is not requested:
    // tests reach no other site.
    let out = site.run(&[
        "check",
        "--external",
        "--skip",
        "/ignore",
        "--skip",
        "creativecommons.org",
    ]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    let broken: Vec<&str> = err.lines().filter(|l| l.starts_with("erreur ")).collect();
    assert_eq!(
        broken,
        [format!("erreur content/services.md:6:1: lien externe cassé vers http://127.0.0.1:{port}/absent (HTTP 404)")],
        "{err}"
    );
}
