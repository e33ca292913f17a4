//! The static file server of the browser tests: the files of a built site
//! on 127.0.0.1, read from disk at each request.
//!
//! It speaks HTTP through `site-gen serve`'s own code (`site_gen::serve::http`:
//! bounded request heads, one deadline per connection, paths refused before
//! any lookup) and types files with its table (`site_gen::serve::mime`), so
//! the browser sees what it would see from `site-gen serve`, without the
//! live-reload script. One thread accepts, one short-lived thread per
//! connection (at most [`MAX_CONNECTIONS`] at once) answers a single
//! `GET`/`HEAD`; dropping the server stops it and joins every thread.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use site_gen::serve::http::{self, read_request, request_path, Conn, ReadError, Response};
use site_gen::serve::mime::content_type;

/// Connections served at the same time; more get `503`.
pub const MAX_CONNECTIONS: usize = 32;

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub method: String,
    /// The request target as sent (path and query).
    pub target: String,
    pub status: u16,
    pub content_type: String,
}

struct Shared {
    root: PathBuf,
    stop: AtomicBool,
    active: AtomicUsize,
    log: Mutex<Vec<Served>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// A running server; stopped on drop.
pub struct StaticServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Binds 127.0.0.1 on a free port and serves `root` (which may not exist
    /// yet: files are looked up on each request, so the site can be built
    /// after the port is known).
    pub fn start(root: impl Into<PathBuf>) -> anyhow::Result<StaticServer> {
        let listener = TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            root: root.into(),
            stop: AtomicBool::new(false),
            active: AtomicUsize::new(0),
            log: Mutex::new(Vec::new()),
            workers: Mutex::new(Vec::new()),
        });
        let s = Arc::clone(&shared);
        let acceptor = std::thread::Builder::new()
            .name("e2e-static-server".into())
            .spawn(move || accept_loop(listener, s))
            .context("spawning the server thread")?;
        Ok(StaticServer {
            addr,
            shared,
            acceptor: Some(acceptor),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The folder served.
    pub fn root(&self) -> &Path {
        &self.shared.root
    }

    /// Every request answered so far, in order.
    pub fn requests(&self) -> Vec<Served> {
        self.shared
            .log
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default()
    }

    /// Forgets the requests answered so far.
    pub fn clear_requests(&self) {
        if let Ok(mut l) = self.shared.log.lock() {
            l.clear();
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept().
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.acceptor.take() {
            let _ = t.join();
        }
        let workers = std::mem::take(
            &mut *self
                .shared
                .workers
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        for w in workers {
            let _ = w.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        if shared.active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.active.fetch_sub(1, Ordering::SeqCst);
            let conn = Conn::new(&stream, Instant::now() + Duration::from_secs(1));
            let _ = Response::text(503, "busy").write_to(conn, false);
            continue;
        }
        let s = Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("e2e-static-conn".into())
            .spawn(move || {
                handle(&stream, &s);
                s.active.fetch_sub(1, Ordering::SeqCst);
            });
        if let (Ok(w), Ok(mut workers)) = (worker, shared.workers.lock()) {
            // Keep the list short: forget the finished ones.
            workers.retain(|w| !w.is_finished());
            workers.push(w);
        }
    }
}

/// What a request target maps to under the served folder.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    File(PathBuf),
    /// A folder asked without its trailing slash: redirect to this path.
    Redirect(String),
    NotFound,
    /// `..`, `.`, backslashes, NUL, control characters, bad escapes
    /// (raw or percent-encoded): refused by `request_path`.
    Refused,
}

/// Maps a request target (`/a/b/?q`) to a file under `root`, never outside:
/// `request_path` gives a key without any parent or current segment.
fn resolve(root: &Path, target: &str) -> Resolved {
    let Ok(key) = request_path(target) else {
        return Resolved::Refused;
    };
    if key.is_empty() || key.ends_with('/') {
        let file = root.join(&key).join("index.html");
        return if file.is_file() {
            Resolved::File(file)
        } else {
            Resolved::NotFound
        };
    }
    let file = root.join(&key);
    if file.is_file() {
        Resolved::File(file)
    } else if file.join("index.html").is_file() {
        Resolved::Redirect(format!("/{key}/"))
    } else {
        Resolved::NotFound
    }
}

/// The answer to `method target` from the files under `root`.
fn respond(root: &Path, method: &str, target: &str) -> Response {
    if method != "GET" && method != "HEAD" {
        return Response::text(405, "method not allowed").header("Allow", "GET, HEAD");
    }
    let not_found = || match std::fs::read(root.join("404.html")) {
        Ok(bytes) => Response::new(404, content_type("404.html"), bytes),
        Err(_) => Response::text(404, "not found"),
    };
    match resolve(root, target) {
        Resolved::File(file) => match std::fs::read(&file) {
            Ok(bytes) => Response::new(200, content_type(&file.to_string_lossy()), bytes),
            Err(_) => not_found(),
        },
        Resolved::Redirect(to) => Response::text(302, &format!("see {to}")).header("Location", to),
        Resolved::NotFound => not_found(),
        Resolved::Refused => Response::text(400, "path refused"),
    }
}

fn handle(stream: &TcpStream, shared: &Shared) {
    let start = Instant::now();
    let conn = Conn::new(stream, start + http::CONNECTION_TIME);
    let (method, target, response) = match read_request(conn.until(start + http::HEAD_TIME)) {
        Ok(request) => {
            let response = respond(&shared.root, &request.method, &request.target);
            (request.method, request.target, response)
        }
        Err(ReadError::Bad(status, why)) => {
            (String::new(), String::new(), Response::text(status, why))
        }
        Err(ReadError::Io(_)) => return,
    };
    if shared.stop.load(Ordering::SeqCst) {
        return;
    }
    let ctype = response
        .headers
        .iter()
        .find(|(name, _)| *name == "Content-Type")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if let Ok(mut l) = shared.log.lock() {
        l.push(Served {
            method: method.clone(),
            target,
            status: response.status,
            content_type: ctype,
        });
    }
    let _ = response.write_to(conn, method == "HEAD");
    http::finish(conn);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read as _, Write as _};

    fn get(url: &str) -> (u16, String, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        let mut r = agent.get(url).call().expect("request");
        let ctype = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = r.body_mut().read_to_string().unwrap_or_default();
        (r.status().as_u16(), ctype, body)
    }

    /// Sends raw bytes (for targets an HTTP client would normalise).
    fn raw(addr: SocketAddr, request: &str) -> String {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    #[test]
    fn serves_files_indexes_404_and_refuses_parent_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::create_dir_all(root.join("assets")).unwrap();
        std::fs::write(root.join("index.html"), "accueil").unwrap();
        std::fs::write(root.join("404.html"), "introuvable").unwrap();
        std::fs::write(root.join("a/b/index.html"), "page b").unwrap();
        std::fs::write(root.join("assets/x.wasm"), b"\0asm").unwrap();
        std::fs::write(root.join("assets/x.js"), "1").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let server = StaticServer::start(&root).unwrap();
        let url = server.url();

        let (s, t, b) = get(&format!("{url}/"));
        assert_eq!(
            (s, t.as_str(), b.as_str()),
            (200, "text/html; charset=utf-8", "accueil")
        );
        assert_eq!(get(&format!("{url}/a/b/?x=1")).2, "page b");
        assert_eq!(get(&format!("{url}/assets/x.wasm")).1, "application/wasm");
        assert_eq!(
            get(&format!("{url}/assets/x.js")).1,
            "text/javascript; charset=utf-8"
        );
        let (s, _, b) = get(&format!("{url}/nope/"));
        assert_eq!((s, b.as_str()), (404, "introuvable"));
        let r = raw(server.addr(), "GET /a/b HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(
            r.starts_with("HTTP/1.1 302") && r.contains("\r\nLocation: /a/b/\r\n"),
            "{r}"
        );
        // The secret exists one level up: only the refusal keeps it out.
        assert!(root.join("../secret.txt").is_file());
        for bad in [
            "/../secret.txt",
            "/a/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/a/%2E%2E/%2e%2e/secret.txt",
            "/..%5csecret.txt",
        ] {
            let r = raw(
                server.addr(),
                &format!("GET {bad} HTTP/1.1\r\nHost: x\r\n\r\n"),
            );
            assert!(r.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{bad}: {r}");
            assert!(
                !r.contains("secret\n") && !r.ends_with("secret"),
                "{bad} leaked: {r}"
            );
        }
        let r = raw(
            server.addr(),
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        );
        assert!(r.starts_with("HTTP/1.1 405"), "{r}");
        let served = server.requests();
        let wasm = served
            .iter()
            .find(|r| r.target == "/assets/x.wasm")
            .expect("the wasm request is logged");
        assert_eq!(
            (wasm.status, wasm.content_type.as_str()),
            (200, "application/wasm")
        );
        drop(server);
    }
}
