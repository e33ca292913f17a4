//! A minimal W3C WebDriver client for Debian's chromedriver and chromium:
//! HTTP JSON over `ureq`, no browser download, every wait bounded.
//!
//! [`ChromeDriver::start`] runs `chromedriver --port=N` (killed on drop);
//! [`ChromeDriver::session`] opens a headless Chromium with a fresh profile
//! (closed on drop). Elements are found by CSS selector.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use serde_json::{json, Value};

/// Debian's browser (package `chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's driver (package `chromium-driver`), same version as the browser.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Longest wait allowed anywhere in the tests.
pub const MAX_WAIT: Duration = Duration::from_secs(30);
/// The W3C element reference key.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// WebDriver key codes (for [`Element::send_keys`] and [`Session::press`]).
pub mod keys {
    pub const NULL: &str = "\u{E000}";
    pub const BACKSPACE: &str = "\u{E003}";
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SHIFT: &str = "\u{E008}";
    pub const CONTROL: &str = "\u{E009}";
    pub const SPACE: &str = "\u{E00D}";
    pub const ARROW_LEFT: &str = "\u{E012}";
    pub const ARROW_UP: &str = "\u{E013}";
    pub const ARROW_RIGHT: &str = "\u{E014}";
    pub const ARROW_DOWN: &str = "\u{E015}";
    pub const DELETE: &str = "\u{E017}";
}

/// Where the browser and its driver are.
#[derive(Debug, Clone)]
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    pub chromium_version: String,
    pub chromedriver_version: String,
}

fn missing_message(what: &str, path: &Path) -> String {
    format!(
        "{what} not found at {}: the widget's browser tests need Debian's headless Chromium \
         and its driver. Install them with `apt-get install chromium chromium-driver` \
         (CI installs them). The tests never download a browser; set E2E_CHROMIUM / \
         E2E_CHROMEDRIVER to use binaries elsewhere.",
        path.display()
    )
}

/// Runs `program --version`, bounded to 20 s.
fn version_of(program: &Path) -> anyhow::Result<String> {
    let dir = tempfile::tempdir()?;
    let out_path = dir.path().join("version.txt");
    let out = std::fs::File::create(&out_path)?;
    let mut child = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("running {} --version", program.display()))?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            let text = std::fs::read_to_string(&out_path).unwrap_or_default();
            if !status.success() {
                bail!("{} --version failed ({status}): {text}", program.display());
            }
            return Ok(text.trim().to_string());
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{} --version did not answer within 20 s", program.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The first number of the first dotted version in `s` (`Chromium 156.0…` → 156).
fn major_version(s: &str) -> Option<u32> {
    s.split_whitespace()
        .find(|w| w.contains('.') && w.starts_with(|c: char| c.is_ascii_digit()))
        .and_then(|w| w.split('.').next())
        .and_then(|m| m.parse().ok())
}

impl Browser {
    /// Finds chromium and chromedriver (Debian paths, or `E2E_CHROMIUM` /
    /// `E2E_CHROMEDRIVER`) and checks that their versions match. The error
    /// says what to install: callers must fail, never skip.
    pub fn find() -> anyhow::Result<Browser> {
        let pick = |var: &str, default: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(default))
        };
        let chromium = pick("E2E_CHROMIUM", CHROMIUM);
        let chromedriver = pick("E2E_CHROMEDRIVER", CHROMEDRIVER);
        if !chromium.is_file() {
            bail!(missing_message("chromium", &chromium));
        }
        if !chromedriver.is_file() {
            bail!(missing_message("chromedriver", &chromedriver));
        }
        let chromium_version = version_of(&chromium)?;
        let chromedriver_version = version_of(&chromedriver)?;
        // Debian's wrapper script may print shell noise before the version.
        let chromium_version = chromium_version
            .lines()
            .find(|l| l.contains("Chromium") || l.contains("Chrome"))
            .unwrap_or(&chromium_version)
            .to_string();
        match (
            major_version(&chromium_version),
            major_version(&chromedriver_version),
        ) {
            (Some(a), Some(b)) if a == b => {}
            _ => bail!(
                "chromium and chromedriver versions differ ({chromium_version} / \
                 {chromedriver_version}): install both from the same source \
                 (`apt-get install chromium chromium-driver`)"
            ),
        }
        Ok(Browser {
            chromium,
            chromedriver,
            chromium_version,
            chromedriver_version,
        })
    }
}

/// A WebDriver command that the driver answered with an error.
#[derive(Debug, Clone)]
pub struct WebDriverError {
    pub command: String,
    pub status: u16,
    /// The W3C error code: `no such element`, `stale element reference`…
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "WebDriver {} failed (HTTP {}): {}: {}",
            self.command, self.status, self.error, self.message
        )
    }
}

impl std::error::Error for WebDriverError {}

/// Whether `e` is a WebDriver error with code `code`.
pub fn is_error(e: &anyhow::Error, code: &str) -> bool {
    e.downcast_ref::<WebDriverError>()
        .is_some_and(|w| w.error == code)
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// Polls `f` every 50 ms until it gives `Some`, for at most `timeout`
/// (capped at [`MAX_WAIT`]). Errors are taken as "not yet" (elements being
/// replaced, page loading) and the last one is reported on timeout.
pub fn wait_until<T>(
    what: &str,
    timeout: Duration,
    mut f: impl FnMut() -> anyhow::Result<Option<T>>,
) -> anyhow::Result<T> {
    let timeout = timeout.min(MAX_WAIT);
    let start = Instant::now();
    let mut last_error = None;
    loop {
        match f() {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            Err(e) => last_error = Some(e),
        }
        if start.elapsed() >= timeout {
            return Err(match last_error {
                Some(e) => e.context(format!("timed out after {timeout:?} waiting for {what}")),
                None => anyhow::anyhow!("timed out after {timeout:?} waiting for {what}"),
            });
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A running chromedriver, stopped (with its browsers) on drop.
pub struct ChromeDriver {
    child: Child,
    url: String,
    agent: ureq::Agent,
    log_path: PathBuf,
    browser: Browser,
    dir: tempfile::TempDir,
}

impl ChromeDriver {
    /// Finds the browser, starts chromedriver on a free port and waits (at
    /// most 30 s) until it is ready.
    pub fn start() -> anyhow::Result<ChromeDriver> {
        let browser = Browser::find()?;
        let mut last = None;
        for _attempt in 0..3 {
            let dir = tempfile::Builder::new()
                .prefix("e2e-chromedriver-")
                .tempdir()?;
            let log_path = dir.path().join("chromedriver.log");
            // A free port: bind, read, release (retried if taken meanwhile).
            let port = std::net::TcpListener::bind("127.0.0.1:0")?
                .local_addr()?
                .port();
            let mut cmd = Command::new(&browser.chromedriver);
            cmd.arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log_path.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            #[cfg(unix)]
            {
                use std::os::unix::process::CommandExt;
                // Its own process group, so that drop can end it and its browsers.
                cmd.process_group(0);
            }
            let child = cmd
                .spawn()
                .with_context(|| format!("starting {}", browser.chromedriver.display()))?;
            let mut driver = ChromeDriver {
                child,
                url: format!("http://127.0.0.1:{port}"),
                agent: agent(MAX_WAIT),
                log_path,
                browser: browser.clone(),
                dir,
            };
            match driver.wait_ready() {
                Ok(()) => return Ok(driver),
                // Dropping `driver` stops it.
                Err(e) => last = Some(e.context(driver.log_tail(30))),
            }
        }
        Err(last.unwrap_or_else(|| anyhow::anyhow!("chromedriver did not start")))
    }

    /// Polls `/status` until ready, at most 30 s; fails at once if the
    /// process exits.
    fn wait_ready(&mut self) -> anyhow::Result<()> {
        let status_agent = agent(Duration::from_secs(2));
        let url = format!("{}/status", self.url);
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("chromedriver exited at start ({status})");
            }
            if let Ok(mut r) = status_agent.get(&url).call() {
                let v: Value = r.body_mut().read_json().unwrap_or(Value::Null);
                if v["value"]["ready"] == json!(true) {
                    return Ok(());
                }
            }
            if start.elapsed() > MAX_WAIT {
                bail!("chromedriver not ready after {MAX_WAIT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn browser(&self) -> &Browser {
        &self.browser
    }

    /// The last `n` lines of chromedriver's log, for error messages.
    pub fn log_tail(&self, n: usize) -> String {
        let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let start = lines.len().saturating_sub(n);
        format!(
            "chromedriver log ({}), last lines:\n{}",
            self.log_path.display(),
            lines[start..].join("\n")
        )
    }

    /// Opens a headless Chromium session.
    pub fn session(&self, opts: &SessionOptions) -> anyhow::Result<Session<'_>> {
        let profile = tempfile::Builder::new()
            .prefix("e2e-chromium-profile-")
            .tempdir_in(self.dir.path())?;
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-background-networking".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-extensions".into(),
            "--no-first-run".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-default-browser-check".into(),
            "--no-proxy-server".into(),
            "--lang=fr-FR".into(),
            format!("--window-size={},{}", opts.window.0, opts.window.1),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut prefs = json!({});
        if !opts.javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
            prefs = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let mut caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": { "implicit": 0, "pageLoad": 25_000, "script": 25_000 },
                    "goog:loggingPrefs": { "browser": "ALL" },
                    "goog:chromeOptions": {
                        "binary": self.browser.chromium.display().to_string(),
                        "args": args,
                        "prefs": prefs,
                    },
                }
            }
        });
        if opts.network_log {
            let always = &mut caps["capabilities"]["alwaysMatch"];
            always["goog:loggingPrefs"]["performance"] = json!("ALL");
            always["goog:chromeOptions"]["perfLoggingPrefs"] =
                json!({ "enableNetwork": true, "enablePage": false });
        }
        let url = format!("{}/session", self.url);
        let v = send(&self.agent, "new session", "POST", &url, Some(&caps))
            .map_err(|e| e.context(self.log_tail(30)))?;
        let id = v["sessionId"]
            .as_str()
            .context("new session: no sessionId in the answer")?
            .to_string();
        Ok(Session {
            driver: self,
            base: format!("{}/session/{id}", self.url),
            id,
            profile,
        })
    }

    fn stop(&mut self) {
        // Ask politely (closes remaining browsers), then make sure.
        let _ = agent(Duration::from_secs(5))
            .get(&format!("{}/shutdown", self.url))
            .call();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // The process group we created holds chromedriver and what it started.
        let pgid = self.child.id();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pgid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        kill_processes_using(self.dir.path());
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Kills (by pid) the processes whose command line mentions `marker` (our
/// own temporary profile folders: nothing else can name them).
fn kill_processes_using(marker: &Path) {
    let marker = marker.display().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    let me = std::process::id().to_string();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) || name == me {
            continue;
        }
        let Ok(cmdline) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        if String::from_utf8_lossy(&cmdline).contains(&marker) {
            let _ = Command::new("kill")
                .args(["-KILL", &name])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// Sends one command; the answer's `value`, or a [`WebDriverError`].
fn send(
    agent: &ureq::Agent,
    command: &str,
    method: &str,
    url: &str,
    body: Option<&Value>,
) -> anyhow::Result<Value> {
    let result = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, Some(b)) => agent.post(url).send_json(b),
        (_, None) => agent.post(url).send_json(json!({})),
    };
    let mut response =
        result.with_context(|| format!("WebDriver {command}: no answer from chromedriver"))?;
    let status = response.status().as_u16();
    let v: Value = response
        .body_mut()
        .read_json()
        .with_context(|| format!("WebDriver {command}: invalid JSON answer (HTTP {status})"))?;
    let value = v.get("value").cloned().unwrap_or(Value::Null);
    if !(200..300).contains(&status) || value.get("error").is_some_and(|e| e.is_string()) {
        let message = value["message"].as_str().unwrap_or_default();
        // Keep messages readable: chromedriver appends a long stack trace.
        let message: String = message.lines().take(3).collect::<Vec<_>>().join(" / ");
        return Err(WebDriverError {
            command: command.into(),
            status,
            error: value["error"].as_str().unwrap_or("unknown error").into(),
            message,
        }
        .into());
    }
    Ok(value)
}

/// How to open a session.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// `false`: JavaScript disabled (content setting and Blink setting).
    pub javascript: bool,
    /// Window size in CSS pixels.
    pub window: (u32, u32),
    /// Records the DevTools network events ([`Session::network_events`]).
    pub network_log: bool,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            javascript: true,
            window: (1280, 900),
            network_log: false,
        }
    }
}

/// A browser console message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// `SEVERE`, `WARNING`, `INFO`, `DEBUG`…
    pub level: String,
    pub source: String,
    pub message: String,
}

impl std::fmt::Display for LogEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{} {}] {}", self.level, self.source, self.message)
    }
}

/// One browser, closed on drop.
pub struct Session<'d> {
    driver: &'d ChromeDriver,
    id: String,
    base: String,
    profile: tempfile::TempDir,
}

impl<'d> Session<'d> {
    fn cmd(
        &self,
        command: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let url = format!("{}{path}", self.base);
        send(&self.driver.agent, command, method, &url, body.as_ref())
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Navigates and waits for the page's load event (at most 25 s, then
    /// chromedriver answers with a timeout; every command is also cut at
    /// [`MAX_WAIT`] on our side).
    pub fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.cmd("navigate", "POST", "/url", Some(json!({ "url": url })))
            .with_context(|| format!("navigating to {url}"))?;
        Ok(())
    }

    pub fn current_url(&self) -> anyhow::Result<String> {
        Ok(self
            .cmd("get url", "GET", "/url", None)?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    pub fn title(&self) -> anyhow::Result<String> {
        Ok(self
            .cmd("get title", "GET", "/title", None)?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    pub fn page_source(&self) -> anyhow::Result<String> {
        Ok(self
            .cmd("page source", "GET", "/source", None)?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    fn element(&self, v: &Value) -> anyhow::Result<Element<'_>> {
        let id = v[ELEMENT_KEY]
            .as_str()
            .context("not an element reference")?
            .to_string();
        Ok(Element { session: self, id })
    }

    /// The first element matching `css`; a `no such element` error if none.
    pub fn find(&self, css: &str) -> anyhow::Result<Element<'_>> {
        let v = self
            .cmd(
                "find element",
                "POST",
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .with_context(|| format!("finding `{css}`"))?;
        self.element(&v)
    }

    /// Every element matching `css` (maybe none).
    pub fn find_all(&self, css: &str) -> anyhow::Result<Vec<Element<'_>>> {
        let v = self
            .cmd(
                "find elements",
                "POST",
                "/elements",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .with_context(|| format!("finding all `{css}`"))?;
        v.as_array()
            .map(|a| a.iter().map(|e| self.element(e)).collect())
            .unwrap_or_else(|| Ok(Vec::new()))
    }

    /// The first element matching `css`, or `None`.
    pub fn try_find(&self, css: &str) -> anyhow::Result<Option<Element<'_>>> {
        Ok(self.find_all(css)?.into_iter().next())
    }

    /// Waits (bounded) until an element matches `css`.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> anyhow::Result<Element<'_>> {
        wait_until(&format!("`{css}` to appear"), timeout, || {
            self.try_find(css)
        })
    }

    /// Runs `script` (a function body: use `return`, `arguments[i]`).
    pub fn execute(&self, script: &str, args: Vec<Value>) -> anyhow::Result<Value> {
        self.cmd(
            "execute script",
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs `script` asynchronously: the page calls `arguments[arguments.length - 1]`
    /// with the result (promises: `….then(done)`).
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> anyhow::Result<Value> {
        self.cmd(
            "execute async script",
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Resizes the browser window (WebDriver's « Set Window Rect »).
    pub fn set_window_size(&self, width: u32, height: u32) -> anyhow::Result<()> {
        self.cmd(
            "set window rect",
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )?;
        Ok(())
    }

    /// Grants the page a permission (`clipboard-read`, `clipboard-write`…),
    /// WebDriver's « Set Permission ».
    pub fn grant_permission(&self, name: &str) -> anyhow::Result<()> {
        self.cmd(
            "set permission",
            "POST",
            "/permissions",
            Some(json!({ "descriptor": { "name": name }, "state": "granted" })),
        )?;
        Ok(())
    }

    /// The page printed to PDF on A4 (WebDriver's « Print Page »: the
    /// print style sheet applies).
    pub fn print_pdf(&self) -> anyhow::Result<Vec<u8>> {
        let v = self.cmd(
            "print page",
            "POST",
            "/print",
            Some(json!({ "page": { "width": 21.0, "height": 29.7 } })),
        )?;
        let text = v.as_str().context("print page: no base64 text")?;
        base64_decode(text).context("print page: bad base64")
    }

    /// The focused element.
    pub fn active_element(&self) -> anyhow::Result<Element<'_>> {
        let v = self.cmd("active element", "GET", "/element/active", None)?;
        self.element(&v)
    }

    /// Presses and releases each key in turn (keyboard actions), holding
    /// `modifier` (e.g. [`keys::SHIFT`]) if given.
    pub fn press(&self, modifier: Option<&str>, keys: &[&str]) -> anyhow::Result<()> {
        let mut actions = Vec::new();
        if let Some(m) = modifier {
            actions.push(json!({ "type": "keyDown", "value": m }));
        }
        for k in keys {
            actions.push(json!({ "type": "keyDown", "value": k }));
            actions.push(json!({ "type": "keyUp", "value": k }));
        }
        if let Some(m) = modifier {
            actions.push(json!({ "type": "keyUp", "value": m }));
        }
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.cmd("perform actions", "POST", "/actions", Some(body))?;
        self.cmd("release actions", "DELETE", "/actions", None)?;
        Ok(())
    }

    /// The browser console messages since the last call (chromedriver's
    /// `se/log` endpoint drains them).
    pub fn browser_logs(&self) -> anyhow::Result<Vec<LogEntry>> {
        let v = self.cmd(
            "get log",
            "POST",
            "/se/log",
            Some(json!({ "type": "browser" })),
        )?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .map(|e| LogEntry {
                        level: e["level"].as_str().unwrap_or_default().to_string(),
                        source: e["source"].as_str().unwrap_or_default().to_string(),
                        message: e["message"].as_str().unwrap_or_default().to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Opens a new tab (not switched to); its window handle.
    pub fn new_tab(&self) -> anyhow::Result<String> {
        let v = self.cmd(
            "new window",
            "POST",
            "/window/new",
            Some(json!({ "type": "tab" })),
        )?;
        Ok(v["handle"]
            .as_str()
            .context("new window: no handle")?
            .to_string())
    }

    /// Sends the next commands to the tab or window `handle`.
    pub fn switch_to(&self, handle: &str) -> anyhow::Result<()> {
        self.cmd(
            "switch to window",
            "POST",
            "/window",
            Some(json!({ "handle": handle })),
        )?;
        Ok(())
    }

    /// The DevTools network events of every tab since the last call
    /// (`Network.requestWillBeSent`…, each `{method, params}`); needs
    /// [`SessionOptions::network_log`].
    pub fn network_events(&self) -> anyhow::Result<Vec<Value>> {
        let v = self.cmd(
            "get log",
            "POST",
            "/se/log",
            Some(json!({ "type": "performance" })),
        )?;
        let entries = v.as_array().cloned().unwrap_or_default();
        Ok(entries
            .iter()
            .filter_map(|e| serde_json::from_str::<Value>(e["message"].as_str()?).ok())
            .map(|m| m["message"].clone())
            .filter(|m| {
                m["method"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("Network."))
            })
            .collect())
    }

    /// Closes the browser now (also done on drop).
    pub fn quit(mut self) -> anyhow::Result<()> {
        self.close()
    }

    fn close(&mut self) -> anyhow::Result<()> {
        if self.id.is_empty() {
            return Ok(());
        }
        let r = self.cmd("delete session", "DELETE", "", None).map(|_| ());
        self.id.clear();
        // Whatever survived the session (a crash, a hung renderer).
        kill_processes_using(self.profile.path());
        r
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

/// An element of the page.
#[derive(Clone)]
pub struct Element<'s> {
    session: &'s Session<'s>,
    id: String,
}

impl std::fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Element({})", self.id)
    }
}

impl<'s> Element<'s> {
    fn cmd(
        &self,
        command: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        self.session.cmd(
            command,
            method,
            &format!("/element/{}{path}", self.id),
            body,
        )
    }

    /// The reference to pass to [`Session::execute`] as an argument.
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    pub fn click(&self) -> anyhow::Result<()> {
        self.cmd("element click", "POST", "/click", Some(json!({})))
            .map(|_| ())
    }

    pub fn clear(&self) -> anyhow::Result<()> {
        self.cmd("element clear", "POST", "/clear", Some(json!({})))
            .map(|_| ())
    }

    /// Types `text` (may hold [`keys`]) into the element, focusing it first.
    pub fn send_keys(&self, text: &str) -> anyhow::Result<()> {
        self.cmd(
            "element send keys",
            "POST",
            "/value",
            Some(json!({ "text": text })),
        )
        .map(|_| ())
    }

    /// The rendered text (WebDriver normalises spaces: no-break spaces
    /// become spaces; use [`Element::text_content`] for exact characters).
    pub fn text(&self) -> anyhow::Result<String> {
        Ok(self
            .cmd("element text", "GET", "/text", None)?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    /// The DOM `textContent`, exact.
    pub fn text_content(&self) -> anyhow::Result<String> {
        Ok(self
            .session
            .execute("return arguments[0].textContent;", vec![self.as_arg()])?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    pub fn attribute(&self, name: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .cmd(
                "element attribute",
                "GET",
                &format!("/attribute/{name}"),
                None,
            )?
            .as_str()
            .map(str::to_string))
    }

    pub fn property(&self, name: &str) -> anyhow::Result<Value> {
        self.cmd(
            "element property",
            "GET",
            &format!("/property/{name}"),
            None,
        )
    }

    /// The `value` property of a form control.
    pub fn value(&self) -> anyhow::Result<String> {
        Ok(self
            .property("value")?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    pub fn is_selected(&self) -> anyhow::Result<bool> {
        Ok(self
            .cmd("element selected", "GET", "/selected", None)?
            .as_bool()
            .unwrap_or(false))
    }

    pub fn is_displayed(&self) -> anyhow::Result<bool> {
        Ok(self
            .cmd("element displayed", "GET", "/displayed", None)?
            .as_bool()
            .unwrap_or(false))
    }

    /// WebDriver's « Is Element Enabled » (false inside a disabled fieldset).
    pub fn is_enabled(&self) -> anyhow::Result<bool> {
        Ok(self
            .cmd("element enabled", "GET", "/enabled", None)?
            .as_bool()
            .unwrap_or(false))
    }

    /// The first descendant matching `css`.
    pub fn find(&self, css: &str) -> anyhow::Result<Element<'s>> {
        let v = self
            .cmd(
                "find element from element",
                "POST",
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .with_context(|| format!("finding `{css}`"))?;
        self.session.element(&v)
    }

    /// Every descendant matching `css`.
    pub fn find_all(&self, css: &str) -> anyhow::Result<Vec<Element<'s>>> {
        let v = self
            .cmd(
                "find elements from element",
                "POST",
                "/elements",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .with_context(|| format!("finding all `{css}`"))?;
        v.as_array()
            .map(|a| a.iter().map(|e| self.session.element(e)).collect())
            .unwrap_or_else(|| Ok(Vec::new()))
    }
}

/// Decodes standard base64 (WebDriver's PDF), `None` on a bad character.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64() {
        assert_eq!(
            super::base64_decode("JVBERi0=").as_deref(),
            Some(&b"%PDF-"[..])
        );
        assert_eq!(super::base64_decode("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(super::base64_decode("a*"), None);
    }
}
