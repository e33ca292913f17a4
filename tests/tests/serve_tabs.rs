//! `site-gen serve` with more tabs than a browser keeps HTTP/1.1
//! connections per host (six): eight tabs of one headless Chromium load
//! the same page, every one reaches "load" and network idle (no request
//! left in flight: live reload holds a WebSocket, not an HTTP connection),
//! and every one reloads with the new text once its Markdown is edited,
//! and again once the server is restarted.
//! The page has a strict Content-Security-Policy (`connect-src 'self'`):
//! the live-reload socket, same host and port, must pass it.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use e2e::cli::site_gen_exe;
use e2e::{ChromeDriver, Session, SessionOptions};

const TABS: usize = 8;
/// Hang detector, not a speed check: this page loads and reloads in well
/// under a second, while a tab waiting for one of the six connections per
/// host never does. 60 s keeps a slow machine from failing the test.
const HANG: Duration = Duration::from_secs(60);

/// A page template with a strict policy: scripts, styles and connections
/// from the page's own origin only (`'self'` covers `ws://` of the same
/// host and port, nothing else).
const PAGE_TEMPLATE: &str = r#"{% extends "base.html" %}
{% block head %}<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'">{% endblock head %}
{% block content %}<main><h1>{{ page.title }}</h1><div id="texte">{{ page.content | safe }}</div></main>{% endblock content %}
"#;

fn page(text: &str) -> String {
    format!("+++\ntitle = \"Onglets\"\n+++\n\n{text}\n")
}

/// `site-gen serve --port PORT --no-widget` on a site, stopped on drop.
struct Serve {
    child: Child,
    url: String,
    stderr: std::path::PathBuf,
}

impl Serve {
    /// Starts it and waits (at most [`HANG`]) for the line giving its address.
    fn start(root: &Path, port: u16) -> anyhow::Result<Serve> {
        let stderr = root.join("serve-stderr.log");
        let mut child = Command::new(site_gen_exe())
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", &port.to_string(), "--no-widget"])
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr)?)
            .spawn()
            .context("starting site-gen serve")?;
        let out = child.stdout.take().context("no stdout")?;
        let (tx, rx) = mpsc::channel();
        // Keeps draining the pipe after the address was read.
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { return };
                let _ = tx.send(line);
            }
        });
        let mut serve = Serve {
            child,
            url: String::new(),
            stderr,
        };
        let deadline = Instant::now() + HANG;
        while Instant::now() < deadline {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix("Site servi sur ") {
                        serve.url = rest.split(' ').next().unwrap_or_default().to_string();
                        return Ok(serve);
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(status) = serve.child.try_wait()? {
                        bail!("site-gen serve stopped ({status}): {}", serve.log());
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    bail!("site-gen serve closed its output: {}", serve.log())
                }
            }
        }
        bail!("site-gen serve did not start in time: {}", serve.log())
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `f` every 100 ms until it gives `Some`, for at most [`HANG`];
/// errors (a page still loading, a command cut by chromedriver's own
/// page-load timeout) count as "not yet".
fn within_hang<T>(
    what: &str,
    mut f: impl FnMut() -> anyhow::Result<Option<T>>,
) -> anyhow::Result<T> {
    let start = Instant::now();
    let mut last = None;
    loop {
        match f() {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            Err(e) => last = Some(format!("{e:#}")),
        }
        if start.elapsed() > HANG {
            bail!("hung: {what} after {HANG:?} (last error: {last:?})");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The text of the page in the current tab, once it has fully loaded.
fn loaded_text(s: &Session) -> anyhow::Result<Option<String>> {
    let v = s.execute(
        "return document.readyState === 'complete' \
         ? (document.getElementById('texte') || document.body).textContent : null;",
        vec![],
    )?;
    Ok(v.as_str().map(str::to_string))
}

/// Network events read so far: the requests to the server still in
/// flight (the browser's own pages, such as the new tab's, are not the
/// site's), the WebSockets that switched protocols.
#[derive(Default)]
struct Network {
    /// `http://127.0.0.1:PORT/`.
    server: String,
    in_flight: BTreeSet<String>,
    urls: std::collections::BTreeMap<String, String>,
    sockets: usize,
}

impl Network {
    fn read(&mut self, s: &Session) -> anyhow::Result<()> {
        for e in s.network_events()? {
            let params = &e["params"];
            let id = params["requestId"].as_str().unwrap_or_default().to_string();
            match e["method"].as_str().unwrap_or_default() {
                "Network.requestWillBeSent" => {
                    let url = params["request"]["url"].as_str().unwrap_or_default();
                    if url.starts_with(&self.server) {
                        self.urls.insert(id.clone(), url.to_string());
                        self.in_flight.insert(id);
                    }
                }
                "Network.loadingFinished" | "Network.loadingFailed" => {
                    self.in_flight.remove(&id);
                }
                "Network.webSocketHandshakeResponseReceived"
                    if params["response"]["status"] == 101 =>
                {
                    self.sockets += 1;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Waits until no request is in flight (network idle), at most [`HANG`].
    fn wait_idle(&mut self, s: &Session) -> anyhow::Result<()> {
        within_hang("network idle", || {
            self.read(s)?;
            Ok(self.in_flight.is_empty().then_some(()))
        })
        .with_context(|| {
            let pending: Vec<&String> = self
                .in_flight
                .iter()
                .filter_map(|id| self.urls.get(id))
                .collect();
            format!("requests still in flight: {pending:?}")
        })
    }
}

#[test]
fn eight_tabs_load_settle_and_reload() {
    if let Err(e) = run() {
        panic!("{e:#}");
    }
}

fn run() -> anyhow::Result<()> {
    let dir = tempfile::Builder::new()
        .prefix("e2e-serve-tabs-")
        .tempdir()?;
    let root = dir.path();
    std::fs::create_dir_all(root.join("content"))?;
    std::fs::create_dir_all(root.join("templates"))?;
    std::fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Accueil\"\n+++\n\nBonjour.\n",
    )?;
    std::fs::write(root.join("content/onglets.md"), page("Première version."))?;
    std::fs::write(root.join("templates/page.html"), PAGE_TEMPLATE)?;
    let serve = Serve::start(root, 0)?;
    let url = format!("{}/onglets/", serve.url);

    let driver = ChromeDriver::start()?;
    let s = driver.session(&SessionOptions {
        network_log: true,
        ..SessionOptions::default()
    })?;
    let mut network = Network {
        server: format!("{}/", serve.url),
        ..Network::default()
    };
    let mut tabs = Vec::new();
    for i in 0..TABS {
        let tab = s.new_tab()?;
        s.switch_to(&tab)?;
        // Waits for "load" (chromedriver gives up after 25 s: the poll
        // below goes on up to the hang bound).
        let _ = s.goto(&url);
        let text = within_hang(&format!("tab {} loaded", i + 1), || loaded_text(&s))
            .with_context(|| serve.log())?;
        anyhow::ensure!(
            text.contains("Première version."),
            "tab {}: not the page (a load cut short?): {text:?}",
            i + 1
        );
        tabs.push(tab);
    }
    let source = s.page_source()?;
    anyhow::ensure!(
        source.contains("connect-src 'self'") && source.contains("/__site-gen/reload.js"),
        "the page under test has the strict policy and the reload script"
    );
    network.wait_idle(&s)?;
    // Each tab listens on its own socket (the server may have answered a
    // tab's first attempt before it ever loaded: at least one each).
    within_hang("a WebSocket per tab", || {
        network.read(&s)?;
        Ok((network.sockets >= TABS).then_some(()))
    })
    .with_context(|| format!("{} WebSockets opened", network.sockets))?;

    std::fs::write(root.join("content/onglets.md"), page("Deuxième version."))?;
    for (i, tab) in tabs.iter().enumerate() {
        s.switch_to(tab)?;
        within_hang(&format!("tab {} reloaded", i + 1), || {
            Ok(loaded_text(&s)?.filter(|t| t.contains("Deuxième version.")))
        })
        .with_context(|| serve.log())?;
    }
    network.wait_idle(&s)?;

    // The server stops, the page changes meanwhile, the server starts
    // again on the same port: every tab reconnects and, seeing another
    // build, reloads.
    let port: u16 = serve.url.rsplit(':').next().unwrap_or_default().parse()?;
    drop(serve);
    std::fs::write(root.join("content/onglets.md"), page("Troisième version."))?;
    let serve = Serve::start(root, port)?;
    for (i, tab) in tabs.iter().enumerate() {
        s.switch_to(tab)?;
        within_hang(&format!("tab {} reconnected and reloaded", i + 1), || {
            Ok(loaded_text(&s)?.filter(|t| t.contains("Troisième version.")))
        })
        .with_context(|| serve.log())?;
    }
    network.wait_idle(&s)?;

    let refused: Vec<String> = s
        .browser_logs()?
        .into_iter()
        .filter(|e| {
            e.message.contains("Content Security Policy") || e.message.contains("WebSocket")
        })
        .map(|e| e.to_string())
        .collect();
    anyhow::ensure!(refused.is_empty(), "console: {refused:#?}");
    Ok(())
}
