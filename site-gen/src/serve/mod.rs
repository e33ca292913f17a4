//! `site-gen serve`: builds the site in memory, serves it on the loopback
//! interface, rebuilds it when a source changes and reloads the pages. It
//! prints nothing itself: what happens is told to a [`Reporter`] as
//! [`Event`]s, which the command line words.
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
//! Live reload is one WebSocket per page (`/__site-gen/live`, no HTTP
//! connection held, so any number of tabs load and settle): only a valid
//! handshake from a page of this server (`Host`, then `Origin`) gets one;
//! its socket then leaves the worker pool for the listeners (at most
//! [`live::MAX_LISTENERS`], no thread each), and a page breaking the
//! protocol is closed.

pub mod http;
pub mod live;
pub mod mime;
mod rebuild;
pub mod watch;
pub mod websocket;

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::diagnostics::{display_path, Diagnostics};
use crate::site::{RebuildReport, SiteFiles};
use crate::widget::Progress;
use http::{header_safe, read_request, request_path, Conn, ReadError, Response};
use live::Listeners;
use mime::content_type;
use rebuild::Builder;

/// Threads answering requests.
pub const WORKERS: usize = 8;
/// Accepted connections waiting for a worker; more get a 503.
pub const QUEUE: usize = 64;
/// How often what the pages sent on their sockets is read: a page that
/// closes (a reload) is answered and forgotten within this time.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// How often open sockets are pinged (pages gone without a word are
/// dropped). Rare is enough: when the slots are full, closed pages free
/// theirs at once ([`Listeners::add`]).
const PING_EVERY: Duration = Duration::from_secs(15);

/// Tells the person running the server what happens (the CLI prints it).
pub type Reporter = Arc<dyn Fn(Event<'_>) + Send + Sync>;

/// What the server has to say, in the order it happens.
pub enum Event<'a> {
    /// A slow step of a build (the widget's compilation).
    Progress(Progress),
    /// The sources cannot be watched: changes will not be seen.
    NotWatched(&'a notify::Error),
    /// Some sources could not be watched.
    WatchIncomplete(&'a notify::Error),
    /// The watcher reported an error (it goes on watching).
    WatchFailed(&'a notify::Error),
    /// The server listens on `url` (after the first build);
    /// `base_url` is the site's address in its links, `base_url_given`
    /// whether `ServeOptions::base_url` chose it.
    Listening {
        addr: SocketAddr,
        url: &'a str,
        base_url: &'a str,
        base_url_given: bool,
    },
    /// A build ended.
    Build(BuildEnd<'a>),
    /// A request was answered; `target` is safe to print.
    Request {
        method: &'a str,
        target: &'a str,
        status: u16,
        elapsed: Duration,
    },
    /// A page opened its live-reload WebSocket; not `accepted` when too
    /// many pages listen (it will ask again). A refused handshake is a
    /// [`Event::Request`] with its status.
    EventStream { target: &'a str, accepted: bool },
}

/// How a build of the session ended.
pub struct BuildEnd<'a> {
    /// The sources whose change started it (none for the first build).
    pub changed: Changes<'a>,
    pub elapsed: Duration,
    pub outcome: Outcome<'a>,
}

/// The result of a build.
pub enum Outcome<'a> {
    /// The site built; `unchanged` when its files are those already served.
    Built {
        report: &'a RebuildReport,
        unchanged: bool,
        pages: usize,
        sections: usize,
        files: usize,
    },
    /// The build failed; `previous` when a site built before is still served.
    Failed {
        problems: &'a Diagnostics,
        previous: bool,
    },
}

/// The changed sources that started a rebuild.
#[derive(Clone, Copy)]
pub struct Changes<'a> {
    root: &'a Path,
    paths: &'a BTreeSet<PathBuf>,
}

impl Changes<'_> {
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The files to name, relative to the site root (`.` for the root
    /// itself): those still there, since editors' temporary files are gone
    /// by now (all of them when none is left).
    pub fn shown(&self) -> Vec<PathBuf> {
        let existing: Vec<&PathBuf> = self.paths.iter().filter(|p| p.exists()).collect();
        let shown = if existing.is_empty() {
            self.paths.iter().collect()
        } else {
            existing
        };
        shown
            .into_iter()
            .map(|p| display_path(self.root, p))
            .map(|p| {
                if p.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    p
                }
            })
            .collect()
    }
}

/// Why the server could not run.
// The I/O errors are part of the messages (French, ` : ` before them),
// not sources: the CLI prints a whole chain, which would repeat them.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("dossier du site introuvable : {path} ({error})")]
    Root {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "le port {port} est déjà utilisé (un autre « site-gen serve » ?) : essayez --port {}",
        port.wrapping_add(1).max(1024)
    )]
    PortInUse { port: u16 },
    #[error("impossible d’écouter sur {bind}:{port} : {error}")]
    Listen {
        bind: IpAddr,
        port: u16,
        error: std::io::Error,
    },
    #[error("le serveur n’a pas pu démarrer : {0}")]
    Start(std::io::Error),
    #[error("le serveur s’est arrêté")]
    Stopped,
}

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
    pub report: Reporter,
}

/// What is being served: the last site that built, and the problems of
/// the last build when it failed.
struct Snapshot {
    files: Option<Arc<SiteFiles>>,
    problems: Option<Arc<Vec<live::Problem>>>,
    /// Identifies this state (pages compare it to reload when it changed).
    build: String,
}

struct Shared {
    current: RwLock<Arc<Snapshot>>,
    listeners: Listeners,
    report: Reporter,
    /// Host names accepted in the `Host` header (empty: any). On the
    /// loopback interface, a page of another site that renamed itself to
    /// 127.0.0.1 (DNS rebinding) must not read the drafts.
    hosts: Vec<String>,
}

impl Shared {
    /// Nothing served yet (`build` names this state).
    fn new(addr: &SocketAddr, base_url: &str, build: String, report: Reporter) -> Shared {
        let hosts = if addr.ip().is_loopback() {
            let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
                .iter()
                .map(|h| h.to_string())
                .collect();
            hosts.push(url_host(addr));
            hosts.extend(host_name(base_url));
            hosts
        } else {
            Vec::new()
        };
        Shared {
            current: RwLock::new(Arc::new(Snapshot {
                files: None,
                problems: None,
                build,
            })),
            listeners: Listeners::default(),
            report,
            hosts,
        }
    }

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
pub fn run(mut opts: ServeOptions) -> Result<(), ServeError> {
    opts.root = absolute_root(&opts.root)?;
    let listener = listen(opts.bind, opts.port)?;
    let addr = listener.local_addr().map_err(ServeError::Start)?;
    let url = format!("http://{}:{}", url_host(&addr), addr.port());
    let base_url = opts.base_url.clone().unwrap_or_else(|| url.clone());
    let session = session_id();
    let report = Arc::clone(&opts.report);
    let shared = Arc::new(Shared::new(
        &addr,
        &base_url,
        format!("{session}-0"),
        Arc::clone(&report),
    ));
    let mut builder = Builder::new(&opts, base_url.clone(), Arc::clone(&shared), session);

    // Watch before the first build, so nothing saved meanwhile is missed.
    let (events_tx, events_rx) = mpsc::channel();
    let watcher = watch::SourceWatcher::new(&opts.root, events_tx);
    builder.rebuild(&BTreeSet::new());
    let watcher = start_watching(watcher, &report);
    report(Event::Listening {
        addr,
        url: &url,
        base_url: &base_url,
        base_url_given: opts.base_url.is_some(),
    });

    if let Some(watcher) = watcher {
        spawn("site-gen-watch", move || {
            builder.watch_loop(watcher, events_rx)
        })?;
    }
    let pinger = Arc::clone(&shared);
    spawn("site-gen-ping", move || {
        let mut last_ping = Instant::now();
        loop {
            std::thread::sleep(POLL_EVERY);
            if last_ping.elapsed() >= PING_EVERY {
                pinger.listeners.ping();
                last_ping = Instant::now();
            } else {
                pinger.listeners.poll();
            }
        }
    })?;
    serve_forever(listener, shared)
}

/// The site's folder, absolute with symbolic links resolved: watched
/// paths and event paths must compare (macOS reports resolved paths).
fn absolute_root(root: &Path) -> Result<PathBuf, ServeError> {
    root.canonicalize()
        .or_else(|_| std::path::absolute(root))
        .map_err(|error| ServeError::Root {
            path: root.to_path_buf(),
            error,
        })
}

fn listen(bind: IpAddr, port: u16) -> Result<TcpListener, ServeError> {
    TcpListener::bind((bind, port)).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AddrInUse {
            ServeError::PortInUse { port }
        } else {
            ServeError::Listen { bind, port, error }
        }
    })
}

/// Names the pages' builds of this run of the server: a page left open
/// across a restart sees another name and reloads.
fn session_id() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default()
    )
}

/// The watcher once its first watches are up, or nothing (told) when the
/// sources cannot be watched.
fn start_watching(
    watcher: notify::Result<watch::SourceWatcher>,
    report: &Reporter,
) -> Option<watch::SourceWatcher> {
    let mut watcher = watcher.map_err(|e| report(Event::NotWatched(&e))).ok()?;
    if let Err(e) = watcher.refresh() {
        report(Event::WatchIncomplete(&e));
    }
    Some(watcher)
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<(), ServeError> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .map(drop)
        .map_err(ServeError::Start)
}

/// Accepts connections and hands them to the worker pool.
fn serve_forever(listener: TcpListener, shared: Arc<Shared>) -> Result<(), ServeError> {
    let (tx, rx): (SyncSender<TcpStream>, Receiver<TcpStream>) = mpsc::sync_channel(QUEUE);
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..WORKERS {
        let rx = Arc::clone(&rx);
        let shared = Arc::clone(&shared);
        spawn(&format!("site-gen-http-{i}"), move || loop {
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
                Err(TrySendError::Disconnected(_)) => return Err(ServeError::Stopped),
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
    if request_path(&request.target).is_ok_and(|p| p == live::SOCKET_PATH[1..]) {
        live_reload(stream, &request, &target, shared, start);
        return;
    }
    let response = respond(&request.method, &request.target, &shared.current());
    (shared.report)(Event::Request {
        method: &request.method,
        target: &target,
        status: response.status,
        elapsed: start.elapsed(),
    });
    answer(conn, &response, head_only);
}

/// A page opening its live-reload socket: the handshake checked, then the
/// connection handed over to the listeners (out of the worker's hands and
/// deadline), or refused with its status.
fn live_reload(
    stream: TcpStream,
    request: &http::Request,
    target: &str,
    shared: &Shared,
    start: Instant,
) {
    let deadline = start + http::CONNECTION_TIME;
    let head = match websocket::handshake(request) {
        Ok(head) => head,
        Err(refusal) => {
            (shared.report)(Event::Request {
                method: &request.method,
                target,
                status: refusal.status,
                elapsed: start.elapsed(),
            });
            let head_only = request.method == "HEAD";
            answer(Conn::new(&stream, deadline), &refusal, head_only);
            return;
        }
    };
    let current = || shared.current().build.clone();
    let refused = shared.listeners.add(stream, &head, current).err();
    (shared.report)(Event::EventStream {
        target,
        accepted: refused.is_none(),
    });
    if let Some(stream) = refused {
        answer(Conn::new(&stream, deadline), &live::full(), false);
    }
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
                "errors": snap.problems.iter().flat_map(|p| p.iter()).map(|p| &p.text).collect::<Vec<_>>(),
            });
            Response::new(200, "application/json", value.to_string())
        }
        _ => Response::text(404, "fichier inconnu"),
    }
}

#[cfg(test)]
mod tests;
