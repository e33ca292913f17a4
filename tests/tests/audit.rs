//! Every page of the shipped site audited in a real browser: the site is
//! built (with the widget), served on 127.0.0.1 and opened in Debian's
//! headless Chromium. On each page:
//!
//! - axe-core (the npm package pinned in package.json, installed by
//!   `npm ci`) finds no WCAG 2.0/2.1 A or AA violation, in the light colour
//!   scheme and (contrast) in the dark one;
//! - nothing was requested outside 127.0.0.1, and the console has no error
//!   from the start of the page's load (logged, thrown, or a failed request);
//! - with JavaScript disabled the page is readable (its main content is
//!   there and visible), and the pricing page shows its static table.
//!
//! The pricing page is also audited with the widget running, in each of its
//! three modes. All checks run; the test fails listing those that failed.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context as _};
use e2e::html::Page;
use e2e::webdriver::wait_until;
use e2e::{repo_root, Browser, ChromeDriver, ServedSite, Session, SessionOptions};
use serde_json::{json, Value};

const PRICING: &str = "/combien-ca-coute/";
/// How long the widget may take to start (fetch and compile the wasm).
const START: Duration = Duration::from_secs(30);

/// The axe-core build shipped by the npm package.
fn axe_path() -> PathBuf {
    repo_root().join("node_modules/axe-core/axe.min.js")
}

/// axe-core's source; a clear failure when `npm ci` was not run.
fn axe_source() -> String {
    let path = axe_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is missing ({}: {e}). The accessibility audit needs the npm package \
             axe-core pinned in package.json: run `npm ci` at the repository root \
             (.ci/run and the CI workflows do).",
            path.display()
        )
    })
}

/// Runs axe on the page and lists the violations, readably (empty: none).
/// `rules`: only these rules (e.g. `color-contrast`), else the WCAG 2.x A
/// and AA tags.
const AXE_RUN: &str = r#"
const only = arguments[0];
const options = only
  ? { runOnly: { type: 'rule', values: only } }
  : { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } };
options.resultTypes = ['violations'];
return axe.run(document, options).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
  nodes: v.nodes.slice(0, 8).map(n => ({
    target: n.target.join(' '),
    summary: n.failureSummary,
    html: n.html.length > 200 ? n.html.slice(0, 200) + '…' : n.html,
  })),
  count: v.nodes.length,
})));
"#;

/// Copies the rules of `@media (prefers-color-scheme: dark)` to the top
/// level, so the page shows its dark colours whatever the browser prefers.
const FORCE_DARK: &str = r#"
const rules = [];
for (const sheet of Array.from(document.styleSheets)) {
  let list;
  try { list = sheet.cssRules; } catch (e) { continue; }
  for (const r of Array.from(list)) {
    if (r.media && /prefers-color-scheme\s*:\s*dark/.test(r.media.mediaText)) {
      for (const inner of Array.from(r.cssRules)) rules.push(inner.cssText);
    }
  }
}
const style = document.createElement('style');
style.textContent = rules.join('\n');
document.head.appendChild(style);
document.documentElement.style.colorScheme = 'dark';
return rules.length;
"#;

/// Every URL the page loaded or points a resource element at, outside its
/// own origin.
const FOREIGN_REQUESTS: &str = r#"
const origin = location.origin + '/';
const urls = performance.getEntriesByType('navigation')
  .concat(performance.getEntriesByType('resource'))
  .map(e => e.name);
for (const e of Array.from(document.querySelectorAll('[src], link[href]'))) {
  if (e.tagName === 'LINK' && !/\b(stylesheet|icon|preload|modulepreload|manifest|prefetch)\b/i.test(e.rel)) continue;
  urls.push(e.src || e.href);
}
return urls.filter(u => u && !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
"#;

fn format_violations(v: &Value) -> String {
    let mut out = String::new();
    for violation in v.as_array().into_iter().flatten() {
        out.push_str(&format!(
            "  [{}] {}: {} ({} element(s); {})\n",
            violation["impact"].as_str().unwrap_or("?"),
            violation["id"].as_str().unwrap_or("?"),
            violation["help"].as_str().unwrap_or(""),
            violation["count"],
            violation["url"].as_str().unwrap_or(""),
        ));
        for node in violation["nodes"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "      at {}\n        {}\n        {}\n",
                node["target"].as_str().unwrap_or(""),
                node["html"].as_str().unwrap_or(""),
                node["summary"]
                    .as_str()
                    .unwrap_or("")
                    .replace('\n', "\n        "),
            ));
        }
    }
    out
}

struct Audit<'a> {
    site: &'a ServedSite,
    s: &'a Session<'a>,
    axe: &'a str,
}

impl Audit<'_> {
    /// Opens `path`. The messages of the previous page are dropped
    /// before navigating, so that [`Audit::console_clean`] sees every
    /// message of this page from the start of its load.
    fn open(&self, path: &str) -> anyhow::Result<()> {
        let _ = self.s.browser_logs()?;
        self.s.goto(&self.site.url(path))
    }

    /// Injects axe (once per page) and runs it.
    fn axe(&self, rules: Option<&[&str]>) -> anyhow::Result<()> {
        let loaded = self.s.execute(
            &format!(
                "if (!window.axe) {{ {} }}\nreturn typeof window.axe;",
                self.axe
            ),
            vec![],
        )?;
        ensure!(loaded == json!("object"), "axe did not load: {loaded}");
        let arg = rules.map_or(Value::Null, |r| json!(r));
        let v = self.s.execute(AXE_RUN, vec![arg]).context("running axe")?;
        let n = v.as_array().map_or(0, Vec::len);
        ensure!(
            n == 0,
            "{n} accessibility violation(s):\n{}",
            format_violations(&v)
        );
        Ok(())
    }

    /// Light scheme (all WCAG A/AA rules), then dark scheme (contrast).
    fn axe_both_schemes(&self) -> anyhow::Result<()> {
        self.axe(None).context("light colour scheme")?;
        let rules = self.s.execute(FORCE_DARK, vec![])?;
        ensure!(
            rules.as_u64().unwrap_or(0) > 0,
            "the stylesheet has no dark scheme rules"
        );
        self.axe(Some(&["color-contrast"]))
            .context("dark colour scheme")
    }

    fn local_only(&self) -> anyhow::Result<()> {
        let v = self.s.execute(FOREIGN_REQUESTS, vec![])?;
        let foreign: Vec<&str> = v
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        ensure!(
            foreign.is_empty(),
            "requests outside 127.0.0.1: {foreign:?}"
        );
        Ok(())
    }

    /// No `SEVERE` console message (error logged, uncaught exception,
    /// failed request) since [`Audit::open`] started the load; `allowed`:
    /// parts of messages expected (the 404 of an absent page).
    fn console_clean(&self, allowed: &[&str]) -> anyhow::Result<()> {
        let logs = self.s.browser_logs()?;
        let severe: Vec<String> = logs
            .iter()
            .filter(|l| l.level == "SEVERE")
            .filter(|l| !allowed.iter().any(|a| l.message.contains(a)))
            .map(|l| l.to_string())
            .collect();
        ensure!(severe.is_empty(), "console errors:\n{}", severe.join("\n"));
        Ok(())
    }

    /// Opens the pricing page with `query` and waits until the widget runs
    /// and shows the mode `mode` (the server-rendered page shows the
    /// default profile, so this proves the WebAssembly took over).
    fn open_widget(&self, query: &str, mode: &str, postes: Option<&str>) -> anyhow::Result<()> {
        self.open(&format!("{PRICING}?{query}"))?;
        let script = "const m = document.querySelector('.calculateur input[name=mode]:checked');
             const p = document.getElementById('calc-postes');
             return [m ? m.value : null, p ? p.value : null];";
        wait_until(&format!("the widget to start on ?{query}"), START, || {
            let v = self.s.execute(script, vec![])?;
            let ok = v[0] == json!(mode) && postes.is_none_or(|p| v[1] == json!(p));
            Ok(ok.then_some(()))
        })?;
        Ok(())
    }
}

/// Runs named checks, keeps going after a failure, reports at the end.
#[derive(Default)]
struct Steps {
    failures: Vec<String>,
    ran: usize,
}

impl Steps {
    fn run(&mut self, name: &str, f: impl FnOnce() -> anyhow::Result<()>) {
        let start = Instant::now();
        self.ran += 1;
        let r = match std::panic::catch_unwind(AssertUnwindSafe(f)) {
            Ok(r) => r,
            Err(p) => Err(anyhow::anyhow!(
                "panicked: {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        };
        let t = start.elapsed().as_secs_f32();
        match r {
            Ok(()) => eprintln!("  ok    {name} ({t:.1} s)"),
            Err(e) => {
                eprintln!("  FAIL  {name} ({t:.1} s): {e:#}");
                self.failures.push(format!("{name}: {e:#}"));
            }
        }
    }
}

/// The URL path of an output file: `faq/index.html` → `/faq/`.
fn url_path(output: &str) -> String {
    match output.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{output}"),
    }
}

#[test]
fn every_page_passes_axe_in_headless_chromium() {
    let t0 = Instant::now();
    // Fail at once, before the long build, when a tool is missing.
    let axe = axe_source();
    let browser = Browser::find().unwrap_or_else(|e| panic!("{e:#}"));
    eprintln!(
        "browser: {} / {}; {}",
        browser.chromium_version,
        browser.chromedriver_version,
        axe.lines().next().unwrap_or("").trim_start_matches("/*! ")
    );
    let site = ServedSite::start(true)
        .unwrap_or_else(|e| panic!("building the site with the widget: {e:#}"));
    let model = e2e::site::pricing_model(&repo_root()).unwrap_or_else(|e| panic!("{e:#}"));
    // Pages, not the redirects of old addresses.
    let pages: Vec<String> = site
        .files
        .iter()
        .filter(|(name, bytes)| {
            name.ends_with(".html")
                && Page::parse(&String::from_utf8_lossy(bytes))
                    .first("meta[http-equiv=refresh]")
                    .is_none()
        })
        .map(|(name, _)| url_path(name))
        .collect();
    // A page of the served folder (not of the site) that logs an error
    // and throws while it loads, then loads fine.
    std::fs::write(
        site.out.join("e2e-erreur-au-chargement.html"),
        // An icon of its own: without one, Chromium asks for /favicon.ico,
        // and that 404 may be logged after the next page has opened.
        "<!DOCTYPE html><html lang=\"fr\"><head><title>t</title>\
         <link rel=\"icon\" href=\"data:,\">\
         <script>console.error('erreur-plantee-au-chargement');</script>\
         <script>null.plantee;</script></head><body><main><h1>t</h1></main></body></html>",
    )
    .expect("writing the planted page");
    assert!(
        pages.len() >= 10 && pages.contains(&PRICING.to_string()),
        "pages found: {pages:?}"
    );
    eprintln!(
        "site built in {:.1} s, {} pages, served at {}",
        site.build_time.as_secs_f32(),
        pages.len(),
        site.server.url()
    );
    let driver = ChromeDriver::start().unwrap_or_else(|e| panic!("{e:#}"));
    let mut steps = Steps::default();

    {
        let s = driver
            .session(&SessionOptions::default())
            .unwrap_or_else(|e| panic!("{e:#}"));
        let a = Audit {
            site: &site,
            s: &s,
            axe: &axe,
        };
        steps.run(
            "axe finds a planted violation (the audit is not a no-op)",
            || {
                a.open("/")?;
                s.execute(
                    "const p = document.createElement('p');
                 p.innerHTML = '<img src=\"data:,\">' +
                   '<span style=\"color:#ddd;background:#fff\">pâle</span>';
                 document.querySelector('main').appendChild(p);",
                    vec![],
                )?;
                let err = match a.axe(None) {
                    Ok(()) => anyhow::bail!("no violation reported"),
                    Err(e) => format!("{e:#}"),
                };
                for id in ["image-alt", "color-contrast"] {
                    ensure!(err.contains(id), "{id} not reported in:\n{err}");
                }
                Ok(())
            },
        );
        steps.run(
            "errors logged while a page loads are seen (the console check is not a no-op)",
            || {
                a.open("/e2e-erreur-au-chargement.html")?;
                let err = match a.console_clean(&[]) {
                    Ok(()) => anyhow::bail!("no console error reported"),
                    Err(e) => format!("{e:#}"),
                };
                for expected in ["erreur-plantee-au-chargement", "TypeError"] {
                    ensure!(
                        err.contains(expected),
                        "{expected:?} not reported in:\n{err}"
                    );
                }
                // Those messages belong to that page: the next one starts clean.
                a.open("/")?;
                a.console_clean(&[])
            },
        );
        for path in &pages {
            steps.run(&format!("{path}: axe, local requests, console"), || {
                a.open(path)?;
                a.local_only()?;
                a.axe_both_schemes()?;
                a.console_clean(&[])
            });
        }
        for (query, mode, postes) in [
            (
                "mode=profil&postes=7&serveurs=1&personnes=9",
                "profil",
                Some("7"),
            ),
            ("mode=parts&parts=3", "parts", None),
            ("mode=budget&budget=5000", "budget", None),
        ] {
            steps.run(&format!("{PRICING}?{query}: the widget passes axe"), || {
                a.open_widget(query, mode, postes)?;
                a.local_only()?;
                a.axe_both_schemes()?;
                a.console_clean(&[])
            });
        }
        steps.run("an absent page shows the 404 page, styled", || {
            a.open("/une/page/absente/")?;
            let h1 = s.find("h1")?.text()?;
            ensure!(h1.contains("Page introuvable"), "h1: {h1}");
            let styled = s.execute(
                "return getComputedStyle(document.querySelector('.site-header')).borderTopStyle;",
                vec![],
            )?;
            ensure!(
                styled == json!("solid"),
                "the stylesheet did not load: {styled}"
            );
            a.local_only()?;
            a.console_clean(&["404"])
        });
        let _ = s.quit();
    }

    {
        let s = driver
            .session(&SessionOptions {
                javascript: false,
                ..SessionOptions::default()
            })
            .unwrap_or_else(|e| panic!("{e:#}"));
        steps.run("JavaScript is really off in this session", || {
            s.goto(&site.url(PRICING))?;
            // <noscript> content is rendered only without JavaScript.
            ensure!(
                s.find(".calc-noscript")?.is_displayed()?,
                "the noscript message is hidden: JavaScript runs"
            );
            Ok(())
        });
        for path in &pages {
            steps.run(&format!("{path}: readable without JavaScript"), || {
                s.goto(&site.url(path))?;
                let main = s.find("main#contenu")?;
                ensure!(main.is_displayed()?, "main hidden");
                let text = main.text()?;
                ensure!(
                    text.chars().filter(|c| c.is_alphabetic()).count() >= 40,
                    "main has almost no text: {text:?}"
                );
                ensure!(s.find("main h1")?.is_displayed()?, "no visible h1");
                Ok(())
            });
        }
        steps.run(
            "the pricing page shows its static table without JavaScript",
            || {
                s.goto(&site.url(PRICING))?;
                let table = s.find("table.calc-table")?;
                ensure!(table.is_displayed()?, "the table is hidden");
                let rows = table.find_all("tr")?;
                ensure!(
                    rows.len() as u32 == model.total_parts() + 1,
                    "{} rows for {} parts",
                    rows.len(),
                    model.total_parts()
                );
                let last = rows.last().context("no row")?.text()?;
                ensure!(
                    last.contains(&model.total_parts().to_string()),
                    "last row: {last}"
                );
                Ok(())
            },
        );
        let _ = s.quit();
    }

    eprintln!(
        "{} checks, {} failed, in {:.0} s",
        steps.ran,
        steps.failures.len(),
        t0.elapsed().as_secs_f32()
    );
    assert!(
        steps.failures.is_empty(),
        "{} of {} audit checks failed:\n\n{}",
        steps.failures.len(),
        steps.ran,
        steps.failures.join("\n\n")
    );
}
