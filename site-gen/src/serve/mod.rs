//! `site-gen serve`: builds the site in memory, serves it on the loopback
//! interface, rebuilds it when a source changes and reloads the pages.
//!
//! Security model: only files of the built site are served (a lookup in
//! the in-memory map, never a disk path); request paths with `..`, `.`,
//! `\`, NUL or control characters, raw or percent-encoded, are refused
//! (400); request heads are bounded (8 KiB line, 32 KiB of headers, 100
//! headers); each connection has one deadline for everything (15 s: the
//! head within 10 s, then the answer, then at most 1 s of draining), so
//! slow clients cannot keep the fixed pool of worker threads; connections
//! beyond its queue get a 503; only GET and HEAD. Header values never carry
//! a control or non-ASCII byte (percent-encoded), nor do logged targets.

pub mod http;
pub mod live;
pub mod mime;
pub mod watch;

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::site::{BuildOptions, RebuildReport, Session, SiteFiles};
use http::{content_type, header_safe, read_request, request_path, Conn, ReadError, Response};
use live::Listeners;

/// Threads answering requests.
pub const WORKERS: usize = 8;
/// Accepted connections waiting for a worker; more get a 503.
pub const QUEUE: usize = 64;
/// How often open event streams are pinged (pages that went away are
/// dropped). Rare is enough: when the slots are full, closed pages free
/// theirs at once ([`Listeners::add`]).
const PING_EVERY: Duration = Duration::from_secs(15);

/// Prints the problems of a failed build (the CLI's compiler-like printer).
pub type Reporter = Arc<dyn Fn(&Diagnostics) + Send + Sync>;

/// What `serve` does.
#[derive(Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub include_drafts: bool,
    pub widget: bool,
    /// Replaces `http://<bind>:<port>` as the site's base URL.
    pub base_url: Option<String>,
    pub quiet: bool,
    /// Prints every request.
    pub verbose: bool,
    pub report: Reporter,
}

/// What is being served: the last site that built, and the problems of
/// the last build when it failed.
struct Snapshot {
    files: Option<Arc<SiteFiles>>,
    problems: Option<Arc<Vec<String>>>,
    /// Identifies this state (pages compare it to reload when it changed).
    build: String,
}

struct Shared {
    current: RwLock<Arc<Snapshot>>,
    listeners: Listeners,
    verbose: bool,
    /// Host names accepted in the `Host` header (empty: any). On the
    /// loopback interface, a page of another site that renamed itself to
    /// 127.0.0.1 (DNS rebinding) must not read the drafts.
    hosts: Vec<String>,
}

impl Shared {
    fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn replace(&self, next: Snapshot) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
    }
}

/// The server's address in a URL (`[::1]` for IPv6).
fn url_host(addr: &SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    }
}

/// Runs the server until the process is stopped.
pub fn run(mut opts: ServeOptions) -> anyhow::Result<()> {
    // Watched paths and event paths must compare: both absolute, symbolic
    // links resolved (macOS reports resolved paths).
    opts.root = opts
        .root
        .canonicalize()
        .or_else(|_| std::path::absolute(&opts.root))?;
    let listener = TcpListener::bind((opts.bind, opts.port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!(
                "le port {} est déjà utilisé (un autre « site-gen serve » ?) : essayez --port {}",
                opts.port,
                opts.port.wrapping_add(1).max(1024)
            )
        } else {
            anyhow::anyhow!("impossible d’écouter sur {}:{} : {e}", opts.bind, opts.port)
        }
    })?;
    let addr = listener.local_addr()?;
    let base_url = opts
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}:{}", url_host(&addr), addr.port()));
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        include_drafts: opts.include_drafts,
        base_url: Some(base_url.clone()),
        widget: opts.widget,
    };
    let session = format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default()
    );
    let shared = Arc::new(Shared {
        current: RwLock::new(Arc::new(Snapshot {
            files: None,
            problems: None,
            build: format!("{session}-0"),
        })),
        listeners: Listeners::default(),
        verbose: opts.verbose,
        hosts: if addr.ip().is_loopback() {
            let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
                .iter()
                .map(|h| h.to_string())
                .collect();
            hosts.push(url_host(&addr));
            hosts.extend(host_name(&base_url));
            hosts
        } else {
            Vec::new()
        },
    });
    let mut site = Session::new(build_opts);
    let quiet = opts.quiet;
    site.set_progress(Arc::new(move |step| {
        if !quiet {
            eprintln!("{step}");
        }
    }));
    let mut builder = Builder {
        opts: opts.clone(),
        site,
        shared: Arc::clone(&shared),
        session,
        count: 0,
    };

    // Watch before the first build, so nothing saved meanwhile is missed.
    let (events_tx, events_rx) = mpsc::channel();
    let watcher = watch::SourceWatcher::new(&opts.root, events_tx);
    builder.rebuild(&BTreeSet::new());
    let mut watcher = match watcher {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!("attention : les fichiers ne sont pas surveillés ({e}) : relancez la commande après chaque modification");
            None
        }
    };
    if let Some(w) = &mut watcher {
        if let Err(e) = w.refresh() {
            eprintln!("attention : surveillance incomplète des fichiers : {e}");
        }
    }

    if addr.ip().is_unspecified() {
        eprintln!(
            "attention : --bind {} rend le site accessible depuis le réseau (toutes les interfaces), pas seulement depuis cet ordinateur",
            addr.ip()
        );
        if opts.base_url.is_none() {
            eprintln!(
                "  les liens du site pointent vers {base_url} : depuis un autre appareil, ajoutez --base-url http://<adresse de cet ordinateur>:{}",
                addr.port()
            );
        }
    }
    if !opts.quiet {
        println!(
            "Site servi sur http://{}:{} (Ctrl+C pour arrêter)",
            url_host(&addr),
            addr.port()
        );
    }

    if let Some(watcher) = watcher {
        let root = opts.root.clone();
        std::thread::Builder::new()
            .name("site-gen-watch".into())
            .spawn(move || builder.watch_loop(watcher, events_rx, &root))?;
    }
    let pinger = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("site-gen-ping".into())
        .spawn(move || loop {
            std::thread::sleep(PING_EVERY);
            pinger.listeners.ping();
        })?;

    serve_forever(listener, shared)
}

/// Accepts connections and hands them to the worker pool.
fn serve_forever(listener: TcpListener, shared: Arc<Shared>) -> anyhow::Result<()> {
    let (tx, rx): (SyncSender<TcpStream>, Receiver<TcpStream>) = mpsc::sync_channel(QUEUE);
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..WORKERS {
        let rx = Arc::clone(&rx);
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name(format!("site-gen-http-{i}"))
            .spawn(move || loop {
                let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                match next {
                    Ok(stream) => handle(stream, &shared),
                    Err(_) => return,
                }
            })?;
    }
    for conn in listener.incoming() {
        match conn {
            Ok(stream) => match tx.try_send(stream) {
                Ok(()) => {}
                Err(TrySendError::Full(stream)) => {
                    // The accepting thread must not wait for anyone.
                    let conn = Conn::new(&stream, Instant::now() + Duration::from_millis(200));
                    let _ = Response::text(503, "serveur occupé, réessayez").write_to(conn, false);
                }
                Err(TrySendError::Disconnected(_)) => anyhow::bail!("le serveur s’est arrêté"),
            },
            // Out of file descriptors or a connection reset before accept:
            // wait a little instead of spinning.
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    Ok(())
}

/// Answers one connection, all of it within [`http::CONNECTION_TIME`] from
/// the moment a worker takes it.
fn handle(stream: TcpStream, shared: &Shared) {
    let start = Instant::now();
    let deadline = start + http::CONNECTION_TIME;
    let conn = Conn::new(&stream, deadline);
    let request = match read_request(conn.until(start + http::HEAD_TIME)) {
        Ok(r) => r,
        Err(ReadError::Bad(status, why)) => {
            answer(conn, &Response::text(status, why), false);
            return;
        }
        Err(ReadError::Io(_)) => return,
    };
    let head_only = request.method == "HEAD";
    // Printed targets are made safe too: an escape sequence in a request
    // must not reach the terminal.
    let target = header_safe(&request.target);
    if !shared.hosts.is_empty() {
        let host = request
            .header("Host")
            .and_then(|h| host_name(&format!("http://{h}")));
        if !host.is_some_and(|h| shared.hosts.contains(&h)) {
            let refused = Response::text(403, "hôte refusé (le serveur ne répond qu’à localhost)");
            answer(conn, &refused, false);
            return;
        }
    }
    if request.method == "GET" {
        if let Ok(path) = request_path(&request.target) {
            if path == live::EVENTS_PATH[1..] {
                let build = shared.current().build.clone();
                if shared.verbose {
                    println!("GET {target} → flux d’événements");
                }
                if let Err(stream) = shared.listeners.add(stream, &build) {
                    if shared.verbose {
                        println!("  trop de pages ouvertes : la page réessaiera");
                    }
                    answer(Conn::new(&stream, deadline), &live::full(), false);
                }
                return;
            }
        }
    }
    let response = respond(&request.method, &request.target, &shared.current());
    if shared.verbose {
        println!(
            "{} {target} → {} ({} µs)",
            request.method,
            response.status,
            start.elapsed().as_micros()
        );
    }
    answer(conn, &response, head_only);
}

/// Sends `response` and closes the connection, within its deadline.
fn answer(conn: Conn<'_>, response: &Response, head_only: bool) {
    let _ = response.write_to(conn, head_only);
    http::finish(conn);
}

/// The host name of a URL, lowercase, without port (`[::1]` keeps its brackets).
fn host_name(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if authority.starts_with('[') {
        &authority[..=authority.find(']')?]
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The response to `method target` from the served state.
fn respond(method: &str, target: &str, snap: &Snapshot) -> Response {
    if method != "GET" && method != "HEAD" {
        return Response::text(405, "seules les méthodes GET et HEAD sont acceptées")
            .header("Allow", "GET, HEAD");
    }
    let Ok(path) = request_path(target) else {
        return Response::text(400, "chemin refusé");
    };
    if let Some(own) = path.strip_prefix(live::PREFIX) {
        return own_file(own, snap);
    }
    let problems = snap.problems.as_deref().map(Vec::as_slice);
    let Some(files) = &snap.files else {
        // No build succeeded yet: every page is the list of problems.
        let problems = problems.unwrap_or_default();
        return Response::new(
            500,
            content_type("x.html"),
            live::error_page(problems, &snap.build),
        );
    };
    let key = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if let Some(bytes) = files.get(&key) {
        return page(200, &key, bytes, snap);
    }
    if !path.is_empty() && !path.ends_with('/') && files.contains_key(&format!("{path}/index.html"))
    {
        // `/faq` → `/faq/`. The raw path was checked (no control
        // characters), the query was not: what no header may carry (CR, LF,
        // other controls, non-ASCII) is percent-encoded, so a query cannot
        // end the `Location` line and add a header.
        let raw_path = target.split(['?', '#']).next().unwrap_or("/");
        let query = target
            .split('#')
            .next()
            .and_then(|t| t.split_once('?'))
            .map(|(_, q)| format!("?{q}"))
            .unwrap_or_default();
        let location = header_safe(&format!("{raw_path}/{query}")).into_owned();
        return Response::text(302, &format!("voir {location}")).header("Location", location);
    }
    match files.get("404.html") {
        Some(bytes) => page(404, "404.html", bytes, snap),
        None => Response::text(404, "page introuvable"),
    }
}

/// A site file; HTML gets the reload script (and the overlay when the last
/// build failed).
fn page(status: u16, key: &str, bytes: &[u8], snap: &Snapshot) -> Response {
    let ctype = content_type(key);
    let body = if ctype.starts_with("text/html") {
        live::inject(
            bytes,
            &snap.build,
            snap.problems.as_deref().map(Vec::as_slice),
        )
    } else {
        bytes.to_vec()
    };
    Response::new(status, ctype, body)
}

/// The server's own files under `/__site-gen/`.
fn own_file(name: &str, snap: &Snapshot) -> Response {
    match name {
        "reload.js" => Response::new(200, content_type("x.js"), live::RELOAD_JS),
        "erreurs.css" => Response::new(200, content_type("x.css"), live::OVERLAY_CSS),
        "errors" => {
            let value = serde_json::json!({
                "build": snap.build,
                "errors": snap.problems.as_deref().cloned().unwrap_or_default(),
            });
            Response::new(200, "application/json", value.to_string())
        }
        // `events` is taken over by `handle`; HEAD gets the headers only.
        "events" => Response::new(200, "text/event-stream; charset=utf-8", Vec::new()),
        _ => Response::text(404, "fichier inconnu"),
    }
}

/// Rebuilds the site and swaps it in.
struct Builder {
    opts: ServeOptions,
    /// What the last build computed: a change rebuilds only what it affects.
    site: Session,
    shared: Arc<Shared>,
    session: String,
    count: u64,
}

impl Builder {
    fn next_build(&mut self) -> String {
        self.count += 1;
        format!("{}-{}", self.session, self.count)
    }

    fn watch_loop(
        mut self,
        mut watcher: watch::SourceWatcher,
        events: Receiver<notify::Result<notify::Event>>,
        root: &Path,
    ) {
        while let Some(changed) = watch::next_change(&events, watcher.set(), root) {
            self.rebuild(&changed);
            if let Err(e) = watcher.refresh_after(&changed) {
                eprintln!("attention : surveillance incomplète des fichiers : {e}");
            }
        }
    }

    /// One build; `changed` lists the files that triggered it (none for
    /// the first build).
    fn rebuild(&mut self, changed: &BTreeSet<PathBuf>) {
        let start = Instant::now();
        let paths: Vec<PathBuf> = changed.iter().cloned().collect();
        let result = self.site.rebuild(&paths);
        let ms = start.elapsed().as_millis();
        let what = describe(&self.opts.root, changed);
        let old = self.shared.current();
        match result {
            Ok(report) => {
                let verbose = self.opts.verbose;
                let detail = || {
                    if verbose {
                        println!("  {}", timings(&report));
                    }
                };
                let Some(files) = self.site.files() else {
                    return;
                };
                if old.problems.is_none() && old.files.is_some() && report.changed.is_empty() {
                    if !self.opts.quiet {
                        println!("{what}le site n’a pas changé ({ms} ms)");
                        detail();
                    }
                    return;
                }
                let n = files.len();
                let build = self.next_build();
                self.shared.replace(Snapshot {
                    files: Some(files),
                    problems: None,
                    build: build.clone(),
                });
                self.shared.listeners.send("reload", &build);
                if !self.opts.quiet {
                    if changed.is_empty() {
                        let (pages, sections) = self.site.counts();
                        println!(
                            "Site construit en {ms} ms : {pages} pages, {sections} sections, {n} fichiers"
                        );
                    } else {
                        println!("{what}{} en {ms} ms", done(&report));
                    }
                    detail();
                }
            }
            Err(diags) => {
                (self.opts.report)(&diags);
                let problems: Vec<String> = diags.iter().map(ToString::to_string).collect();
                let build = if old.problems.as_deref() == Some(&problems) {
                    old.build.clone()
                } else {
                    self.next_build()
                };
                self.shared.replace(Snapshot {
                    files: old.files.clone(),
                    problems: Some(Arc::new(problems)),
                    build: build.clone(),
                });
                if build != old.build {
                    self.shared.listeners.send("reload", &build);
                }
                eprintln!(
                    "{what}échec de la construction en {ms} ms : les erreurs s’affichent aussi dans le navigateur ; {}",
                    if old.files.is_some() {
                        "le site servi reste la dernière version réussie"
                    } else {
                        "le site sera servi dès que la construction réussira"
                    }
                );
            }
        }
        let _ = std::io::stdout().flush();
    }
}

/// `1 page reconstruite`, `2 pages reconstruites, 3 autres fichiers`.
fn done(report: &RebuildReport) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n > 1 { many } else { one });
    let pages = plural(report.pages, "page reconstruite", "pages reconstruites");
    match (report.pages, report.others) {
        (0, 0) => plural(
            report.changed.len(),
            "fichier mis à jour",
            "fichiers mis à jour",
        ),
        (_, 0) => pages,
        (0, n) => plural(n, "fichier reconstruit", "fichiers reconstruits"),
        (_, n) => format!("{pages}, {}", plural(n, "autre fichier", "autres fichiers")),
    }
}

/// `lecture des sources 1,2 ms · markdown 0,4 ms · … ; rendus : Markdown 1,
/// pages 2, autres 0` (`--verbose`).
fn timings(report: &RebuildReport) -> String {
    let stages: Vec<String> = report
        .timings
        .iter()
        .map(|(stage, d)| {
            let ms = format!("{:.1}", d.as_secs_f64() * 1000.0).replace('.', ",");
            format!("{stage} {ms} ms")
        })
        .collect();
    format!(
        "{} ; rendus : Markdown {}, pages {}, autres {}",
        stages.join(" · "),
        report.markdown,
        report.pages,
        report.others
    )
}

/// `content/faq.md modifié : ` (first few files, relative to the root).
fn describe(root: &Path, changed: &BTreeSet<PathBuf>) -> String {
    if changed.is_empty() {
        return String::new();
    }
    // Editors' temporary files are gone by now: name the files still there.
    let existing: Vec<&PathBuf> = changed.iter().filter(|p| p.exists()).collect();
    let shown: Vec<&PathBuf> = if existing.is_empty() {
        changed.iter().collect()
    } else {
        existing
    };
    let names: Vec<String> = shown
        .iter()
        .take(3)
        .map(|p| {
            crate::diagnostics::display_path(root, p)
                .display()
                .to_string()
        })
        .map(|p| if p.is_empty() { ".".into() } else { p })
        .collect();
    let more = if shown.len() > 3 {
        format!(" (+{})", shown.len() - 3)
    } else {
        String::new()
    };
    format!("{}{more} modifié : ", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(problems: Option<Vec<String>>) -> Snapshot {
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
        assert!(String::from_utf8_lossy(&r.body)
            .contains("accueil<script src=\"/__site-gen/reload.js\""));
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
}
