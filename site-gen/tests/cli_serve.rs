//! `site-gen serve`: serves from memory on the loopback interface, follows
//! edits, shows build errors in the page, refuses paths leaving the site.

mod common;
use common::{request, request_to, wait_for, LivePage, Server, Site};

const HOME: &str = "+++\ntitle = \"Accueil\"\n+++\n\nBienvenue à l’Amie.\n";
const FAQ: &str = "+++\ntitle = \"FAQ\"\n+++\n\nPremière version.\n";

#[test]
fn serves_pages_follows_edits_and_refuses_traversal() {
    let site = Site::new(&[
        ("content/_index.md", HOME),
        ("content/faq.md", FAQ),
        ("static/module.wasm", "\0asm\x01\0\0\0"),
    ]);
    let server = Server::start(&site, &[]);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("Bienvenue"));
    assert!(
        home.body.contains("<script src=\"/__site-gen/reload.js\""),
        "live reload script"
    );
    // Links point at the server itself.
    assert!(home
        .body
        .contains(&format!("http://127.0.0.1:{}/faq/", server.port)));

    let faq = server.get("/faq");
    assert_eq!(faq.status, 302);
    assert_eq!(faq.header("Location"), Some("/faq/"));
    assert!(server.get("/faq/").body.contains("Première version"));

    let wasm = server.get("/module.wasm");
    assert_eq!(
        (wasm.status, wasm.header("Content-Type")),
        (200, Some("application/wasm"))
    );
    assert_eq!(
        server.get("/__site-gen/reload.js").header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );

    let missing = server.get("/nulle-part/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page introuvable"),
        "the site's 404 page"
    );

    // A real file beside the site, and one in the site but not published:
    // a path that climbed out of the served pages would reach them.
    const SECRET: &str = "SECRET_HORS_DU_SITE_7c1f";
    std::fs::write(site.beside("secret.txt"), SECRET).unwrap();
    site.write("secret.txt", SECRET);
    for bad in [
        "/../secret.txt",
        "/../../secret.txt",
        "/faq/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/faq%2f..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "//secret.txt",
        "/./secret.txt",
        "/%00/../secret.txt",
    ] {
        let r = server.get(bad);
        assert_eq!(
            (r.status, r.reason.as_str(), r.body.as_str()),
            (400, "Bad Request", "400 Bad Request\nchemin refusé\n"),
            "{bad}"
        );
        assert!(!r.body.contains(SECRET), "{bad} gave the file");
    }
    // The file in the site folder is not a page either: the site's 404.
    let r = server.get("/secret.txt");
    assert_eq!((r.status, r.reason.as_str()), (404, "Not Found"));
    assert!(r.body.contains("Page introuvable") && !r.body.contains(SECRET));
    assert_eq!(request(server.port, "POST", "/").status, 405);
    // Another site's page that renamed itself 127.0.0.1 (DNS rebinding).
    assert_eq!(
        request_to(server.port, "GET", "/", "malveillant.example").status,
        403
    );
    assert_eq!(
        request_to(
            server.port,
            "GET",
            "/",
            &format!("localhost:{}", server.port)
        )
        .status,
        200
    );
    let head = request(server.port, "HEAD", "/faq/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());

    // An oversized request line is refused, the server keeps going.
    let long = format!("/{}", "a".repeat(20_000));
    assert_eq!(server.get(&long).status, 431);

    site.write(
        "content/faq.md",
        "+++\ntitle = \"FAQ\"\n+++\n\nDeuxième version.\n",
    );
    let seen = wait_for(60, || {
        server
            .get("/faq/")
            .body
            .contains("Deuxième version")
            .then_some(())
    });
    assert!(seen.is_some(), "edit not served: {}", server.stderr());

    // Nothing of the kind in `build` output.
    let built = site.run(&["build"]);
    assert!(built.status.success());
    let index = std::fs::read_to_string(site.root().join("public/index.html")).unwrap();
    assert!(!index.contains("__site-gen"));
}

#[test]
fn build_errors_show_in_the_page_and_clear_when_fixed() {
    let site = Site::new(&[("content/_index.md", HOME), ("content/faq.md", FAQ)]);
    let server = Server::start(&site, &[]);
    assert!(!server.get("/faq/").body.contains("site-gen-erreurs"));

    site.write("content/faq.md", "+++\ntitle = \"FAQ\n+++\n\nCassé.\n");
    let page = wait_for(60, || {
        let r = server.get("/faq/");
        r.body.contains("site-gen-erreurs").then_some(r)
    })
    .unwrap_or_else(|| panic!("no overlay: {}", server.stderr()));
    assert_eq!(page.status, 200, "the last good page, under the overlay");
    assert!(page.body.contains("content/faq.md:2:"), "{}", page.body);
    assert!(page.body.contains("Première version"));
    assert!(
        server.get("/").body.contains("site-gen-erreurs"),
        "on every page"
    );
    assert!(server
        .get("/__site-gen/errors")
        .body
        .contains("content/faq.md:2:"));
    assert!(
        server.stderr().contains("content/faq.md:2:"),
        "printed in the terminal too"
    );

    site.write("content/faq.md", "+++\ntitle = \"FAQ\"\n+++\n\nRéparé.\n");
    let fixed = wait_for(60, || {
        let r = server.get("/faq/");
        (!r.body.contains("site-gen-erreurs")).then_some(r)
    })
    .unwrap_or_else(|| panic!("overlay stays: {}", server.stderr()));
    assert!(fixed.body.contains("Réparé"));
}

#[test]
fn first_build_failing_serves_an_error_page_then_the_site() {
    let site = Site::new(&[("content/_index.md", "+++\ntitre = \"Accueil\"\n+++\n")]);
    let server = Server::start(&site, &[]);
    let r = server.get("/");
    assert_eq!(r.status, 500);
    assert!(
        r.body.contains("site-gen-erreurs") && r.body.contains("content/_index.md:2:"),
        "{}",
        r.body
    );
    site.write("content/_index.md", HOME);
    let ok = wait_for(60, || (server.get("/").status == 200).then_some(()));
    assert!(ok.is_some(), "{}", server.stderr());
}

#[test]
fn pages_hear_about_rebuilds() {
    let site = Site::new(&[("content/_index.md", HOME), ("content/faq.md", FAQ)]);
    let server = Server::start(&site, &[]);
    // Not a WebSocket handshake: refused, naming what is expected.
    let plain = server.get("/__site-gen/live");
    assert_eq!(plain.status, 426);
    assert_eq!(plain.header("Upgrade"), Some("websocket"));
    assert_eq!(request(server.port, "POST", "/__site-gen/live").status, 405);

    let mut page = LivePage::open(server.port);
    assert!(page.accepted(), "{}", page.head);
    assert!(
        page.head
            .contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        "{}",
        page.head
    );
    let hello = page.next_message().expect("hello");
    let first = hello.strip_prefix("hello ").expect(&hello).to_string();
    // The page is served with the same build id, so it does not reload.
    assert!(server
        .get("/")
        .body
        .contains(&format!("data-build=\"{first}\"")));
    site.write("content/faq.md", "+++\ntitle = \"FAQ\"\n+++\n\nNouveau.\n");
    let reload = page.next_message().expect("reload");
    let second = reload.strip_prefix("reload ").expect(&reload);
    assert_ne!(first, second);
    assert!(server
        .get("/faq/")
        .body
        .contains(&format!("data-build=\"{second}\"")));
}

#[test]
fn warnings_are_printed_when_they_change_not_at_every_rebuild() {
    let legal =
        "+++\ntitle = \"Mentions\"\n+++\n\nHébergeur : {{ organisation(champ=\"host\") }}.\n";
    let site = Site::new(&[
        ("content/_index.md", HOME),
        ("content/mentions.md", legal),
        ("content/faq.md", FAQ),
        ("site.toml", "title = \"Essai\"\n"),
    ]);
    let server = Server::start(&site, &[]);
    let warned = |log: &str| log.matches("attention").count();
    let first = wait_for(60, || {
        let log = server.stderr();
        (warned(&log) == 1).then_some(log)
    })
    .unwrap_or_else(|| panic!("no warning at the first build: {}", server.stderr()));
    assert!(first.contains("host"), "{first}");

    // A rebuild with the same warnings does not print them again…
    site.write(
        "content/faq.md",
        "+++\ntitle = \"FAQ\"\n+++\n\nDeuxième version.\n",
    );
    wait_for(60, || {
        server.get("/faq/").body.contains("Deuxième").then_some(())
    })
    .expect("rebuilt");
    assert_eq!(warned(&server.stderr()), 1, "{}", server.stderr());

    // …a value filled in clears them, a new one to fill in is printed.
    site.write(
        "site.toml",
        "title = \"Essai\"\n[organisation]\nhost = \"Hébergeur associatif\"\n",
    );
    wait_for(60, || {
        server
            .get("/mentions/")
            .body
            .contains("Hébergeur associatif")
            .then_some(())
    })
    .expect("rebuilt with the value");
    site.write(
        "content/faq.md",
        "+++\ntitle = \"FAQ\"\n+++\n\n{{ organisation(champ=\"email\") }}\n",
    );
    let again = wait_for(60, || {
        let log = server.stderr();
        (warned(&log) == 2).then_some(log)
    })
    .unwrap_or_else(|| panic!("no warning for the new value: {}", server.stderr()));
    assert!(again.contains("email"), "{again}");
}
