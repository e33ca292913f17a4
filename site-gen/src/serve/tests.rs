//! The server's answers: pages, the error overlay's data, what a rebuild
//! swaps in.

use super::*;

fn snapshot(problems: Option<Vec<live::Problem>>) -> Snapshot {
    let files: SiteFiles = [
        ("index.html", "<html><body>accueil</body></html>"),
        ("faq/index.html", "<html><body>faq</body></html>"),
        ("caf\u{e9}/index.html", "<html><body>café</body></html>"),
        ("404.html", "<html><body>introuvable</body></html>"),
        ("assets/calculateur.0123456789abcdef.wasm", "\0asm"),
        ("style.css", "body{}"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Arc::new(v.as_bytes().to_vec())))
    .collect();
    Snapshot {
        files: Some(Arc::new(files)),
        problems: problems.map(Arc::new),
        build: "s-1".into(),
    }
}

fn ctype(r: &Response) -> &str {
    r.headers
        .iter()
        .find(|(n, _)| *n == "Content-Type")
        .map(|(_, v)| v.as_str())
        .unwrap()
}

#[test]
fn routes() {
    let snap = snapshot(None);
    let r = respond("GET", "/", &snap);
    assert_eq!(r.status, 200);
    assert!(
        String::from_utf8_lossy(&r.body).contains("accueil<script src=\"/__site-gen/reload.js\"")
    );
    assert_eq!(respond("GET", "/faq/", &snap).status, 200);
    let r = respond("GET", "/faq?x=1", &snap);
    assert_eq!(r.status, 302);
    assert!(r.headers.contains(&("Location", "/faq/?x=1".to_string())));
    let r = respond("GET", "/nope/", &snap);
    assert_eq!(r.status, 404);
    assert!(String::from_utf8_lossy(&r.body).contains("introuvable"));
    let r = respond("GET", "/assets/calculateur.0123456789abcdef.wasm", &snap);
    assert_eq!((r.status, ctype(&r)), (200, "application/wasm"));
    assert_eq!(r.body, b"\0asm", "only HTML is modified");
    assert_eq!(respond("POST", "/", &snap).status, 405);
    assert_eq!(respond("GET", "/../Cargo.toml", &snap).status, 400);
    assert_eq!(respond("GET", "/__site-gen/reload.js", &snap).status, 200);
}

#[test]
fn redirects_carry_no_control_byte() {
    let snap = snapshot(None);
    let location = |target: &str| {
        let r = respond("GET", target, &snap);
        assert_eq!(r.status, 302, "{target:?}");
        r.headers
            .iter()
            .find(|(n, _)| *n == "Location")
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    // Escapes the client sent stay as sent: they are text, not bytes.
    assert_eq!(location("/faq?a%0d%0aX: 1"), "/faq/?a%0d%0aX: 1");
    assert_eq!(location("/faq?a\rX-Injecte:oui"), "/faq/?a%0DX-Injecte:oui");
    assert_eq!(location("/faq?\t\u{1b}[2J\u{7f}"), "/faq/?%09%1B[2J%7F");
    assert_eq!(location("/faq?q=caf\u{e9}"), "/faq/?q=caf%C3%A9");
    assert_eq!(location("/caf\u{e9}"), "/caf%C3%A9/");
    assert_eq!(location("/caf%C3%A9?x"), "/caf%C3%A9/?x");
}

#[test]
fn changes_name_the_files_still_there() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("content")).unwrap();
    std::fs::write(root.join("content/faq.md"), "").unwrap();
    let shown = |paths: &[PathBuf]| {
        let paths: BTreeSet<PathBuf> = paths.iter().cloned().collect();
        Changes {
            root,
            paths: &paths,
        }
        .shown()
    };
    let saved = shown(&[
        root.join("content/faq.md"),
        root.join("content/.faq.md.swp"),
    ]);
    assert_eq!(saved, [PathBuf::from("content/faq.md")]);
    let at_root = shown(&[root.to_path_buf(), root.join("content/faq.md~")]);
    assert_eq!(at_root, [PathBuf::from(".")]);
    let all_gone = shown(&[root.join("content/b.md"), root.join("content/a.md")]);
    assert_eq!(
        all_gone,
        [PathBuf::from("content/a.md"), PathBuf::from("content/b.md")]
    );
}

#[test]
fn host_names() {
    assert_eq!(
        host_name("http://127.0.0.1:1111").as_deref(),
        Some("127.0.0.1")
    );
    assert_eq!(host_name("http://LocalHost").as_deref(), Some("localhost"));
    assert_eq!(host_name("http://[::1]:8080/x").as_deref(), Some("[::1]"));
    assert_eq!(
        host_name("https://amie.example/site/").as_deref(),
        Some("amie.example")
    );
    assert_eq!(host_name("http://").as_deref(), None);
}

#[test]
fn overlay_while_the_last_build_failed() {
    let snap = snapshot(Some(vec!["content/faq.md:2:1: erreur".into()]));
    let body = String::from_utf8(respond("GET", "/faq/", &snap).body).unwrap();
    assert!(body.contains("site-gen-erreurs") && body.contains("content/faq.md:2:1: erreur"));
    let no_site = Snapshot {
        files: None,
        ..snapshot(Some(vec!["site.toml: x".into()]))
    };
    let r = respond("GET", "/style.css", &no_site);
    assert_eq!(r.status, 500);
    assert!(String::from_utf8_lossy(&r.body).contains("site.toml: x"));
}
