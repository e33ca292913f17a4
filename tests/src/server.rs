//! A minimal static file server on 127.0.0.1, for the browser tests.
//!
//! One thread accepts connections, one short-lived thread per connection
//! (at most [`MAX_CONNECTIONS`] at once) answers a single `GET`/`HEAD` and
//! closes. Every socket has read and write timeouts, requests are bounded,
//! and dropping the server stops it and joins every thread.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;

/// Connections served at the same time; more get `503`.
pub const MAX_CONNECTIONS: usize = 32;
/// Largest request head read (request line and headers).
const MAX_HEAD: u64 = 16 * 1024;
const IO_TIMEOUT: Duration = Duration::from_secs(10);

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

/// The content type of a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
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
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
        if shared.active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.active.fetch_sub(1, Ordering::SeqCst);
            let _ = respond(
                &mut stream,
                503,
                "text/plain; charset=utf-8",
                "",
                b"busy\n",
                false,
            );
            continue;
        }
        let s = Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("e2e-static-conn".into())
            .spawn(move || {
                handle(stream, &s);
                s.active.fetch_sub(1, Ordering::SeqCst);
            });
        if let (Ok(w), Ok(mut workers)) = (worker, shared.workers.lock()) {
            // Keep the list short: forget the finished ones.
            workers.retain(|w| !w.is_finished());
            workers.push(w);
        }
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    ctype: &str,
    extra_header: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{extra_header}\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Percent-decodes a URL path; `None` on invalid escapes or UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a request path maps to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// A folder asked without its trailing slash: redirect here.
    Redirect(String),
    NotFound,
    /// `..`, backslashes, NUL, invalid escapes: refused.
    Refused,
}

/// Maps a request target (`/a/b/?q`) to a file under `root`, never outside.
pub fn resolve(root: &Path, target: &str) -> Resolved {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Resolved::Refused;
    }
    let Some(decoded) = percent_decode(path) else {
        return Resolved::Refused;
    };
    if decoded.contains(['\\', '\0']) {
        return Resolved::Refused;
    }
    let rel = Path::new(decoded.trim_start_matches('/'));
    let mut file = root.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            // `..`, a root or a prefix inside the path.
            _ => return Resolved::Refused,
        }
    }
    if decoded.ends_with('/') {
        file.push("index.html");
    } else if file.is_dir() {
        let mut to = decoded.clone();
        to.push('/');
        return Resolved::Redirect(to);
    }
    if file.is_file() {
        Resolved::File(file)
    } else {
        Resolved::NotFound
    }
}

/// Reads the request line and skips the headers; `None` on a timeout,
/// a closed connection or a head over [`MAX_HEAD`].
fn read_request_line(stream: &TcpStream) -> Option<String> {
    let mut reader = BufReader::new(stream.take(MAX_HEAD));
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => return None,
            Ok(_) if line == "\r\n" || line == "\n" => return Some(request_line),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

fn handle(mut stream: TcpStream, shared: &Shared) {
    let Some(request_line) = read_request_line(&stream) else {
        return;
    };
    if shared.stop.load(Ordering::SeqCst) {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head_only = method == "HEAD";
    const TEXT: &str = "text/plain; charset=utf-8";
    let mut extra = String::new();
    let (status, ctype, body): (u16, &str, Vec<u8>) = if method != "GET" && method != "HEAD" {
        (405, TEXT, b"method not allowed\n".to_vec())
    } else {
        match resolve(&shared.root, target) {
            Resolved::File(f) => match std::fs::read(&f) {
                Ok(bytes) => (200, content_type(&f), bytes),
                Err(_) => (404, TEXT, b"not found\n".to_vec()),
            },
            Resolved::Redirect(to) => {
                extra = format!("Location: {to}\r\n");
                (301, TEXT, Vec::new())
            }
            Resolved::NotFound => match std::fs::read(shared.root.join("404.html")) {
                Ok(bytes) => (404, "text/html; charset=utf-8", bytes),
                Err(_) => (404, TEXT, b"not found\n".to_vec()),
            },
            Resolved::Refused => (400, TEXT, b"bad request\n".to_vec()),
        }
    };
    if let Ok(mut l) = shared.log.lock() {
        l.push(Served {
            method: method.into(),
            target: target.into(),
            status,
            content_type: ctype.into(),
        });
    }
    let _ = respond(&mut stream, status, ctype, &extra, &body, head_only);
    let _ = stream.shutdown(Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::*;

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
            r.starts_with("HTTP/1.1 301") && r.contains("Location: /a/b/\r\n"),
            "{r}"
        );
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
            assert!(r.starts_with("HTTP/1.1 400"), "{bad}: {r}");
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
        assert!(server
            .requests()
            .iter()
            .any(|r| r.target == "/assets/x.wasm" && r.status == 200));
        drop(server);
    }
}
