//! Helpers of the integration tests, one set for every file: temporary
//! sites (built through the library or the binary), snapshots of output
//! folders, error assertions, a tiny HTTP client and a guard that stops
//! `site-gen serve`.
#![allow(dead_code)]

pub mod images;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use site_gen::check::{check, CheckOptions, CheckReport};
use site_gen::{BuildOptions, BuiltSite, Diagnostics, Session};

pub const BIN: &str = env!("CARGO_BIN_EXE_site-gen");

/// A home page: the smallest valid site.
pub const HOME: (&str, &str) = (
    "content/_index.md",
    "+++\ntitle = \"Accueil\"\n+++\nBonjour.\n",
);

/// The shipped pricing data: a valid file to break or to link to.
pub const TARIFS: &str = include_str!("../../../content/tarifs.toml");

/// A session kept over edits of a [`Site`]: after each edit, what it
/// rebuilt must be what a fresh build of the same files gives (the
/// incremental invariant), file for file.
pub struct Rebuilds<'a> {
    site: &'a Site,
    session: Session,
}

impl<'a> Rebuilds<'a> {
    /// The session's first build of `site` (no widget).
    pub fn new(site: &'a Site) -> Rebuilds<'a> {
        let mut opts = BuildOptions::new(site.root());
        opts.widget = false;
        let mut session = Session::new(opts);
        session
            .rebuild(&[])
            .unwrap_or_else(|d| panic!("first build:\n{d}"));
        Rebuilds { site, session }
    }

    /// Writes `text` to `rel`, rebuilds, checks the rebuild against a fresh
    /// build and returns the files.
    #[track_caller]
    pub fn write(&mut self, rel: &str, text: &str) -> BTreeMap<String, Vec<u8>> {
        self.site.write(rel, text);
        self.session
            .rebuild(&[self.site.path(rel)])
            .unwrap_or_else(|d| panic!("rebuild after editing {rel}:\n{d}"));
        let files = self.session.files().expect("the rebuild's files");
        let rebuilt: BTreeMap<String, Vec<u8>> =
            files.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect();
        let fresh: BTreeMap<String, Vec<u8>> = self.site.ok().files.into_iter().collect();
        // A differing file first, as text, so that a failure shows where.
        for (path, bytes) in &fresh {
            let got = rebuilt.get(path).map(|b| String::from_utf8_lossy(b));
            assert_eq!(
                got,
                Some(String::from_utf8_lossy(bytes)),
                "{path} after editing {rel}"
            );
        }
        assert_eq!(rebuilt, fresh, "after editing {rel}");
        rebuilt
    }
}

/// `site-gen build` without the WebAssembly widget.
pub const BUILD: &[&str] = &["build", "--no-widget"];

/// A site in `<temporary folder>/site` (zero-config: built-in theme); the
/// temporary folder around it is a place outside the site ([`Site::beside`]).
pub struct Site {
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    pub fn new(files: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let site = Site { dir, root };
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `rel` under the site.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// `name` in the temporary folder that holds the site: outside it.
    pub fn beside(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// Runs `site-gen --root <site> args…` to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(self.root(), args, &[])
    }

    /// `site-gen build --no-widget` through the binary.
    pub fn cli_build(&self) -> Output {
        self.run(BUILD)
    }

    /// Builds through the library (no widget), after `edit` of the options.
    pub fn build_with(
        &self,
        edit: impl FnOnce(&mut BuildOptions),
    ) -> Result<BuiltSite, Diagnostics> {
        let mut opts = BuildOptions::new(&self.root);
        opts.widget = false;
        edit(&mut opts);
        site_gen::build(&opts)
    }

    pub fn build(&self) -> Result<BuiltSite, Diagnostics> {
        self.build_with(|_| {})
    }

    /// Builds; the build must succeed and every output path stay inside
    /// the output folder.
    pub fn ok(&self) -> BuiltSite {
        match self.build() {
            Ok(site) => {
                assert_contained(&site);
                site
            }
            Err(d) => panic!("the build should succeed, got:\n{d}"),
        }
    }

    /// Builds; the build must fail: its messages, as the user reads them.
    pub fn errors(&self) -> Vec<String> {
        match self.build() {
            Ok(site) => panic!(
                "the build should fail, it produced {:?}",
                site.files.keys().collect::<Vec<_>>()
            ),
            Err(d) => {
                assert!(!d.is_empty(), "a failed build says why");
                messages(&d)
            }
        }
    }
}

/// `site-gen --root <root> args…` with `env` added, without colours.
pub fn run_in(root: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run site-gen")
}

/// Every problem, as printed (`file:line:col: message`).
pub fn messages(d: &Diagnostics) -> Vec<String> {
    d.iter().map(ToString::to_string).collect()
}

/// One of `errors` starts with `start` (file, and line where known) and
/// contains `part` (the French message, or the part of it that matters).
pub fn assert_error(errors: &[String], start: &str, part: &str) {
    assert!(!part.is_empty(), "say which message is expected");
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(start) && e.contains(part)),
        "expected an error starting with {start:?} containing {part:?}, got {errors:#?}"
    );
}

/// Every output path is relative, `/`-separated and has no `.`/`..`/empty
/// segment, backslash, NUL or control character: it cannot leave the output.
pub fn assert_contained(site: &BuiltSite) {
    for path in site.files.keys() {
        assert!(!path.is_empty() && !path.starts_with('/'), "{path:?}");
        assert!(
            !path.contains(['\\', '\0', ':']) && !path.chars().any(char::is_control),
            "{path:?}"
        );
        for seg in path.split('/') {
            assert!(!seg.is_empty() && seg != "." && seg != "..", "{path:?}");
        }
    }
}

/// The output `path` of a built site, as text.
pub fn page(site: &BuiltSite, path: &str) -> String {
    let bytes = site
        .files
        .get(path)
        .unwrap_or_else(|| panic!("{path} is produced: {:?}", site.files.keys()));
    String::from_utf8(bytes.clone()).expect("UTF-8 output")
}

/// Every file under `dir` by relative path, hidden ones included (links
/// not followed).
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            if entry.file_type().expect("type").is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Hidden names in `dir`: where staging folders and lock files would be.
pub fn hidden_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read_dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    names
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A running `site-gen serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Server {
    /// Starts `site-gen serve --port 0 --no-widget` on `site` and waits
    /// (at most 60 s) for the line giving its address.
    pub fn start(site: &Site, extra: &[&str]) -> Server {
        let log = site.root().join("serve-stderr.log");
        let mut child = Command::new(BIN)
            .arg("--root")
            .arg(site.root())
            .args(["serve", "--port", "0", "--no-widget"])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start site-gen serve");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    // Nobody listens any more: keep draining the pipe.
                }
            }
        });
        let mut server = Server {
            child,
            port: 0,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix("Site servi sur http://127.0.0.1:") {
                        server.port = rest.split(' ').next().unwrap().parse().unwrap();
                        return server;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Ok(Some(status)) = server.child.try_wait() {
                        panic!("site-gen serve stopped ({status}): {}", server.stderr());
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    panic!("site-gen serve closed its output: {}", server.stderr())
                }
            }
        }
        panic!("site-gen serve did not start in time: {}", server.stderr());
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn get(&self, target: &str) -> Reply {
        request(self.port, "GET", target)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// The reason phrase of the status line (`Bad Request`).
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `method target` as written (no normalisation by a client library).
pub fn request(port: u16, method: &str, target: &str) -> Reply {
    request_to(port, method, target, &format!("127.0.0.1:{port}"))
}

/// Same, with the `Host` header given.
pub fn request_to(port: u16, method: &str, target: &str, host: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let status = parts.nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let reason = parts.next().unwrap_or("").to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        reason,
        headers,
        body: body.to_string(),
    }
}

/// Polls `f` until it returns `Some`, at most `secs` seconds.
pub fn wait_for<T>(secs: u64, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `f` on its own thread and returns what it returns; panics with
/// « hung » when it takes more than `secs` seconds. A hang detector, not a
/// speed check: give bounds far above what the work needs.
pub fn within<T: Send + 'static>(
    secs: u64,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("hung: {what} (over {secs} s)"),
        // `f` panicked: show its message.
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the thread sends before it ends"),
        },
    }
}

/// Sends `raw` bytes as they are (no client library to clean them up) and
/// returns everything the server answers until it closes. Waits up to
/// 60 s for each read: long enough to sit in the queue behind slow
/// clients, and still a bound.
pub fn raw_exchange(port: u16, raw: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream.write_all(raw).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read the response");
    answer
}

/// Runs `f` on a thread with a 2 MiB stack, with rayon workers of the same
/// size (what a small machine gives), and returns what it returns; a stack
/// overflow aborts the test run. Fails with « hung » past 60 s: a hang
/// detector for inputs that could blow up (nesting, alias bombs), not a
/// speed check; the work takes well under a second.
pub fn on_small_stack<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    const STACK: usize = 2 * 1024 * 1024;
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .stack_size(STACK)
                .build()
                .expect("pool");
            let _ = tx.send(pool.install(f));
        })
        .expect("spawn");
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("hung: {what} (over 60 s)"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the thread sends before it ends"),
        },
    }
}

/// A page's live-reload WebSocket, opened as a browser opens it (the
/// handshake of RFC 6455's example, from a page of the server).
pub struct LivePage {
    stream: TcpStream,
    /// The server's answer head, status line first, without the blank line.
    pub head: String,
    /// Received after the head, not yet read as a frame.
    buf: Vec<u8>,
}

impl LivePage {
    pub fn open(port: u16) -> LivePage {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        write!(
            stream,
            "GET /__site-gen/live HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        .unwrap();
        let mut page = LivePage {
            stream,
            head: String::new(),
            buf: Vec::new(),
        };
        let end = loop {
            if let Some(i) = page.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            if !page.fill() {
                break page.buf.len();
            }
        };
        page.head = String::from_utf8_lossy(&page.buf[..end]).into_owned();
        page.buf.drain(..(end + 4).min(page.buf.len()));
        page
    }

    /// Whether the server switched to WebSocket.
    pub fn accepted(&self) -> bool {
        self.head.starts_with("HTTP/1.1 101 ")
    }

    /// Reads more; false at the end of stream.
    fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        let n = self
            .stream
            .read(&mut chunk)
            .expect("hung: nothing from the server");
        self.buf.extend_from_slice(&chunk[..n]);
        n > 0
    }

    /// The next text message (pings skipped); `None` once the server
    /// closed (a close frame or the end of stream).
    pub fn next_message(&mut self) -> Option<String> {
        loop {
            if self.buf.len() >= 2 {
                let opcode = self.buf[0] & 0x0F;
                assert_eq!(self.buf[1] & 0x80, 0, "server frames are not masked");
                let (len, at) = match self.buf[1] {
                    126 if self.buf.len() >= 4 => (
                        usize::from(u16::from_be_bytes([self.buf[2], self.buf[3]])),
                        4,
                    ),
                    126 => (usize::MAX, 0),
                    n => (usize::from(n), 2),
                };
                if len != usize::MAX && self.buf.len() >= at + len {
                    let payload: Vec<u8> = self.buf.drain(..at + len).skip(at).collect();
                    match opcode {
                        0x1 => return Some(String::from_utf8(payload).expect("UTF-8 text")),
                        0x8 => return None,
                        _ => continue,
                    }
                }
            }
            if !self.fill() {
                return None;
            }
        }
    }
}

/// `site-gen check` on `site` finds no problem and no warning.
pub fn check_is_clean(site: &Site) -> CheckReport {
    let report = check(&CheckOptions {
        root: site.root().to_path_buf(),
        include_drafts: false,
        widget: false,
        external: false,
        skip: Vec::new(),
    })
    .unwrap_or_else(|d| panic!("check: the build failed:\n{d}"));
    let all: Vec<String> = report
        .problems
        .iter()
        .chain(&report.warnings)
        .map(ToString::to_string)
        .collect();
    assert!(all.is_empty(), "site-gen check found:\n{}", all.join("\n"));
    report
}
