//! The pricing widget in a real browser: the shipped site is built (with
//! the WebAssembly), served on 127.0.0.1 and driven in Debian's headless
//! Chromium through chromedriver. Every figure shown is compared with the
//! native `calculator` model read from `content/tarifs.toml`.
//!
//! One test, one build, one browser per JavaScript setting: the checks run
//! as named steps; all of them run, and the test fails listing those that
//! failed.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context as _};
use calculator::estimate::{parse_count, parse_money, MAX_BUDGET, MAX_PERSONNES, MAX_POSTES};
use calculator::format as f;
use calculator::{Estimate, Mode, Model, Profile, Query, Service, ServiceSet};
use e2e::webdriver::{keys, wait_until};
use e2e::{repo_root, Browser, ChromeDriver, ServedSite, Session, SessionOptions};
use serde_json::Value;

const PAGE: &str = "/combien-ca-coute/";
/// How long the widget may take to react to a change.
const REACT: Duration = Duration::from_secs(10);
/// How long the page may take to start the widget (fetch + compile wasm).
const START: Duration = Duration::from_secs(30);

/// What the widget shows, read in one script call.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    mode: Option<String>,
    /// parts, cost per year, per month, days, hours, share.
    figures: Vec<String>,
    explanation: Vec<String>,
    errors: Vec<String>,
    invalid: bool,
    warnings: Vec<String>,
    /// Text inputs: (id, value, aria-invalid).
    inputs: Vec<(String, String, Option<String>)>,
    /// The whole mount element's text.
    text: String,
    search: String,
}

const READ_SCRIPT: &str = r#"
const root = document.querySelector('.calculateur');
if (!root) { return null; }
const all = s => Array.from(root.querySelectorAll(s), e => e.textContent);
const one = s => { const e = root.querySelector(s); return e ? e.textContent : null; };
const checked = root.querySelector('input[name=mode]:checked');
const figures = ['parts', 'cost-year', 'cost-month', 'days', 'hours', 'share']
  .map(k => one('.calc-figure-' + k + ' output'))
  .filter(v => v !== null);
return {
  mode: checked ? checked.value : null,
  figures,
  explanation: all('.calc-explanation li'),
  errors: all('.calc-error'),
  invalid: root.querySelector('.calc-invalid') !== null,
  warnings: all('.calc-warnings li'),
  inputs: Array.from(root.querySelectorAll('input.calc-input'),
    i => [i.id, i.value, i.getAttribute('aria-invalid')]),
  text: root.textContent,
  search: location.search,
};
"#;

fn read_shown(s: &Session) -> anyhow::Result<Shown> {
    let v = s.execute(READ_SCRIPT, vec![])?;
    ensure!(!v.is_null(), "no .calculateur element on the page");
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x.as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(Shown {
        mode: v["mode"].as_str().map(str::to_string),
        figures: strings(&v["figures"]),
        explanation: strings(&v["explanation"]),
        errors: strings(&v["errors"]),
        invalid: v["invalid"].as_bool().unwrap_or(false),
        warnings: strings(&v["warnings"]),
        inputs: v["inputs"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|i| {
                        (
                            i[0].as_str().unwrap_or_default().to_string(),
                            i[1].as_str().unwrap_or_default().to_string(),
                            i[2].as_str().map(str::to_string),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        text: v["text"].as_str().unwrap_or_default().to_string(),
        search: v["search"].as_str().unwrap_or_default().to_string(),
    })
}

/// The six figures as the widget must format them.
fn figures(model: &Model, e: &Estimate) -> Vec<String> {
    // The share is of the whole job at most, « ≈ » when rounded.
    let total = model.total_parts() as i64;
    let exact_share = (e.parts.min(model.total_parts()) as i64 * 10_000) % total == 0;
    vec![
        f::parts(e.parts),
        f::money(e.cost_per_year),
        // Monthly amounts are rounded, and say so.
        format!(
            "{}{}",
            f::about(e.cost_per_year % 12 == 0),
            f::money(e.cost_per_month)
        ),
        f::days(e.days_per_year),
        f::hours(e.hours_per_year),
        format!("{}{}", f::about(exact_share), f::percent(e.share)),
    ]
}

/// The native estimate for a URL query, following `calculator::query`'s
/// documented contract (defaults: 1 part, a budget of one part, the
/// default profile).
fn estimate_for_query(model: &Model, query: &str) -> Estimate {
    let (q, _) = Query::parse(query);
    match q.mode() {
        Mode::Parts => model
            .estimate_parts(q.parts.unwrap_or(1))
            .expect("valid parts"),
        Mode::Budget => model
            .estimate_budget(q.budget.unwrap_or(model.part_price()))
            .expect("valid budget"),
        Mode::Profil => model.estimate_profile(&q.profile()),
    }
}

/// Text with every run of blanks (spaces, no-break spaces, line breaks)
/// made one space: PDF text and WebDriver text compare with the model's.
fn squash(t: &str) -> String {
    t.split(|c: char| c.is_whitespace() || c == '\u{202f}' || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every percentage in a French text (`16,67 %` → 16.67).
fn percents(t: &str) -> Vec<f64> {
    let t = squash(t);
    let words: Vec<&str> = t.split(' ').collect();
    words
        .windows(2)
        .filter(|w| w[1].starts_with('%'))
        .filter_map(|w| w[0].replace(',', ".").parse().ok())
        .collect()
}

/// The text of a PDF (Debian's poppler-utils `pdftotext`), pages
/// separated by form feeds.
fn pdf_text(pdf: &[u8]) -> anyhow::Result<String> {
    ensure!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("estimation.pdf");
    std::fs::write(&file, pdf)?;
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .context("pdftotext not found: apt-get install poppler-utils")?;
    ensure!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

/// No text a broken widget would show.
fn check_no_garbage(shown: &Shown) -> anyhow::Result<()> {
    for bad in [
        "NaN",
        "undefined",
        "panicked",
        "RuntimeError",
        "unreachable",
        "Infinity",
        "null",
    ] {
        ensure!(
            !shown.text.contains(bad),
            "the widget shows « {bad} »: {}",
            shown.text
        );
    }
    Ok(())
}

struct Ctx<'a> {
    site: &'a ServedSite,
    model: &'a Model,
    s: &'a Session<'a>,
}

impl Ctx<'_> {
    fn page(&self, query: &str) -> String {
        if query.is_empty() {
            self.site.url(PAGE)
        } else {
            format!("{}?{query}", self.site.url(PAGE))
        }
    }

    /// Opens the page with `query` and waits until the widget shows that
    /// query's estimate. The query must give a state the server-rendered
    /// markup (default profile) does not show, so that success proves the
    /// WebAssembly runs.
    fn open(&self, query: &str) -> anyhow::Result<Shown> {
        let expected = estimate_for_query(self.model, query);
        let (q, _) = Query::parse(query);
        // What the form must hold once the widget runs: the query's mode,
        // and its values in the fields of that mode.
        let mode = q.mode().key().to_string();
        let fields: Vec<(String, String)> = match q.mode() {
            Mode::Parts => vec![("calc-parts".into(), q.parts.unwrap_or(1).to_string())],
            Mode::Budget => Vec::new(),
            Mode::Profil => {
                let p = q.profile();
                vec![
                    ("calc-postes".into(), p.postes.to_string()),
                    ("calc-serveurs".into(), p.serveurs.to_string()),
                    ("calc-personnes".into(), p.personnes.to_string()),
                ]
            }
        };
        let d = Profile::default();
        ensure!(
            q.mode() != Mode::Profil
                || fields.iter().map(|f| f.1.clone()).collect::<Vec<_>>()
                    != [
                        d.postes.to_string(),
                        d.serveurs.to_string(),
                        d.personnes.to_string()
                    ],
            "test bug: query « {query} » shows the same form as the server-rendered page"
        );
        self.s.goto(&self.page(query))?;
        // The widget starts (the form changes), then shows the estimate.
        wait_until(&format!("the widget to start on ?{query}"), START, || {
            let shown = read_shown(self.s)?;
            let values: Vec<(String, String)> = shown
                .inputs
                .iter()
                .filter(|i| fields.iter().any(|f| f.0 == i.0))
                .map(|i| (i.0.clone(), i.1.clone()))
                .collect();
            Ok((shown.mode.as_deref() == Some(mode.as_str()) && values == fields).then_some(()))
        })
        .with_context(|| format!("last shown: {}", self.summary()))?;
        self.wait_estimate(&format!("the estimate of ?{query}"), &expected)
    }

    /// What the widget shows, short, for error messages.
    fn summary(&self) -> String {
        match read_shown(self.s) {
            Ok(s) => format!(
                "mode {:?}, inputs {:?}, figures {:?}, errors {:?}, warnings {:?}, explanation {:?}, search {:?}",
                s.mode, s.inputs, s.figures, s.errors, s.warnings, s.explanation, s.search
            ),
            Err(e) => format!("(unreadable: {e:#})"),
        }
    }

    /// Replaces the text of `#calc-<key>` by typing (select all, delete,
    /// type), as a visitor would.
    fn type_into(&self, key: &str, text: &str) -> anyhow::Result<()> {
        let el = self.s.find(&format!("#calc-{key}"))?;
        let mut keys = String::from(keys::CONTROL);
        keys.push('a');
        keys.push_str(keys::NULL);
        keys.push_str(keys::BACKSPACE);
        keys.push_str(text);
        el.send_keys(&keys)
    }

    /// Clicks the checkbox or radio `#calc-<key>` until it is `on`.
    fn set_checked(&self, key: &str, on: bool) -> anyhow::Result<()> {
        let css = format!("#calc-{key}");
        wait_until(
            &format!("{css} to be {}", if on { "checked" } else { "unchecked" }),
            REACT,
            || {
                let el = self.s.find(&css)?;
                if el.is_selected()? == on {
                    return Ok(Some(()));
                }
                el.click()?;
                Ok(None)
            },
        )
    }

    fn set_mode(&self, mode: Mode) -> anyhow::Result<()> {
        self.set_checked(&format!("mode-{}", mode.key()), true)?;
        let field = match mode {
            Mode::Profil => "#calc-postes",
            Mode::Parts => "#calc-parts",
            Mode::Budget => "#calc-budget",
        };
        self.s.wait_for(field, REACT)?;
        Ok(())
    }

    /// Waits until the widget shows `expected`.
    fn wait_estimate(&self, what: &str, expected: &Estimate) -> anyhow::Result<Shown> {
        let want = figures(self.model, expected);
        wait_until(what, REACT, || {
            let shown = read_shown(self.s)?;
            Ok((shown.figures == want
                && shown.explanation == expected.explanation
                && shown.errors.is_empty())
            .then_some(shown))
        })
        .with_context(|| {
            format!(
                "expected figures {want:?} and explanation {:?}; shown: {}",
                expected.explanation,
                self.summary()
            )
        })
    }

    fn fill_profile(&self, p: &Profile) -> anyhow::Result<()> {
        self.type_into("postes", &p.postes.to_string())?;
        self.type_into("serveurs", &p.serveurs.to_string())?;
        self.type_into("personnes", &p.personnes.to_string())?;
        for s in Service::ALL {
            self.set_checked(&format!("service-{}", s.key()), p.services.contains(s))?;
        }
        self.set_checked("rattrapage", p.rattrapage)
    }

    /// No `SEVERE` console message since the last call; the others are
    /// printed.
    fn console_clean(&self) -> anyhow::Result<()> {
        let logs = self.s.browser_logs()?;
        for l in &logs {
            eprintln!("      console: {l}");
        }
        let severe: Vec<String> = logs
            .iter()
            .filter(|l| l.level == "SEVERE")
            .map(|l| l.to_string())
            .collect();
        ensure!(severe.is_empty(), "console errors:\n{}", severe.join("\n"));
        Ok(())
    }
}

/// Runs named checks, keeps going after a failure, reports at the end.
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

fn profiles() -> Vec<(&'static str, Profile)> {
    let set = |s: &[Service]| s.iter().copied().collect::<ServiceSet>();
    use Service::*;
    vec![
        (
            "small association",
            Profile {
                postes: 3,
                serveurs: 0,
                personnes: 12,
                services: set(&[Assistance, Sauvegardes, Formations]),
                rattrapage: false,
            },
        ),
        (
            "15 people and a server",
            Profile {
                postes: 10,
                serveurs: 1,
                personnes: 15,
                services: set(&[
                    Assistance,
                    Maintenance,
                    Sauvegardes,
                    Restaurations,
                    TravailCollaboratif,
                    Formations,
                ]),
                rattrapage: false,
            },
        ),
        (
            "town hall with a catch-up",
            Profile {
                postes: 4,
                serveurs: 0,
                personnes: 4,
                services: set(&[Assistance, Maintenance, Sauvegardes]),
                rattrapage: true,
            },
        ),
        (
            "larger than the whole job",
            Profile {
                postes: 120,
                serveurs: 6,
                personnes: 200,
                services: Service::ALL.into_iter().collect(),
                rattrapage: true,
            },
        ),
        (
            "nothing at all",
            Profile {
                postes: 0,
                serveurs: 0,
                personnes: 0,
                services: ServiceSet::EMPTY,
                rattrapage: false,
            },
        ),
    ]
}

/// A pasted novel (the widget keeps 40 characters).
const LONG: &str = "999999999999999999999999999999999999999999999999999999999999";

/// A profile-mode query the server-rendered page does not show.
const FRESH: &str = "mode=profil&postes=0&serveurs=0&personnes=0&services=&rattrapage=0";

#[test]
fn pricing_widget_in_headless_chromium() {
    let t0 = Instant::now();
    // Fail at once, before the long build, when the browser is missing.
    let browser = Browser::find().unwrap_or_else(|e| panic!("{e:#}"));
    eprintln!(
        "browser: {} / {}",
        browser.chromium_version, browser.chromedriver_version
    );

    let site = ServedSite::start(true)
        .unwrap_or_else(|e| panic!("building the site with the widget: {e:#}"));
    eprintln!(
        "site built in {:.1} s (widget {}), served at {}",
        site.build_time.as_secs_f32(),
        if site.widget_compiled {
            "compiled"
        } else {
            "from the cache"
        },
        site.server.url()
    );
    let model = e2e::site::pricing_model(&repo_root()).unwrap_or_else(|e| panic!("{e:#}"));
    let driver = ChromeDriver::start().unwrap_or_else(|e| panic!("{e:#}"));
    let mut steps = Steps {
        failures: Vec::new(),
        ran: 0,
    };

    steps.run("the build ships the widget and the page loads it", || {
        let wasm: Vec<&String> = site
            .files
            .keys()
            .filter(|k| k.starts_with("assets/calculateur.") && k.ends_with(".wasm"))
            .collect();
        let js: Vec<&String> = site
            .files
            .keys()
            .filter(|k| k.starts_with("assets/calculateur.") && k.ends_with(".js"))
            .collect();
        ensure!(
            wasm.len() == 1 && js.len() == 1,
            "one wasm and one js: {wasm:?} {js:?}"
        );
        ensure!(
            site.files[wasm[0]].starts_with(b"\0asm"),
            "{} is WebAssembly",
            wasm[0]
        );
        let page = e2e::html::Page::parse(&site.text("combien-ca-coute/index.html")?);
        let scripts: Vec<(Option<&str>, Option<&str>)> = page
            .select("script")
            .into_iter()
            .map(|e| (e.attr("type"), e.attr("src")))
            .collect();
        let src = format!("{}/{}", site.server.url(), js[0]);
        ensure!(
            scripts == [(Some("module"), Some(src.as_str()))],
            "the pricing page loads the widget ({src}) as a module, and nothing else: {scripts:?}"
        );
        Ok(())
    });

    {
        let s = driver
            .session(&SessionOptions::default())
            .unwrap_or_else(|e| panic!("{e:#}"));
        let ctx = Ctx {
            site: &site,
            model: &model,
            s: &s,
        };
        let mut alive = true;
        let mut step = |name: &str, f: &dyn Fn() -> anyhow::Result<()>| {
            if !alive {
                steps.run(name, || bail!("not run: the browser stopped answering"));
                return;
            }
            steps.run(name, || {
                let r = f();
                let console = ctx.console_clean();
                r.and(console)
            });
            if s.current_url().is_err() {
                alive = false;
            }
        };

        step(
            "the page loads and the widget reacts to input, no console error",
            &|| {
                site.server.clear_requests();
                s.goto(&ctx.page(""))?;
                ensure!(
                    s.title()?.starts_with("Combien ça coûte"),
                    "title: {}",
                    s.title()?
                );
                // The server-rendered state first, then typing must update it:
                // only the running WebAssembly can do that.
                let first = read_shown(&s)?;
                ensure!(
                    first.figures == figures(&model, &model.estimate_profile(&Profile::default())),
                    "pre-rendered figures: {first:?}"
                );
                let profile = Profile {
                    postes: 20,
                    ..Profile::default()
                };
                let expected = model.estimate_profile(&profile);
                ensure!(
                    figures(&model, &expected) != first.figures,
                    "test bug: 20 workstations must change the figures"
                );
                wait_until(
                    "typing 20 workstations to update the estimate",
                    START,
                    || {
                        let shown = read_shown(&s)?;
                        if shown.figures == figures(&model, &expected)
                            && shown.explanation == expected.explanation
                        {
                            return Ok(Some(()));
                        }
                        // Typed before the widget started, the value was replaced:
                        // type again.
                        if s.find("#calc-postes")?.value()? != "20" {
                            ctx.type_into("postes", "20")?;
                        }
                        Ok(None)
                    },
                )
                .with_context(|| {
                    format!(
                        "expected figures {:?} and explanation {:?}; shown: {}",
                        figures(&model, &expected),
                        expected.explanation,
                        ctx.summary()
                    )
                })?;
                let shown = read_shown(&s)?;
                check_no_garbage(&shown)?;
                // The address bar follows, so the estimate can be shared.
                let (q, _) = Query::parse(&shown.search);
                ensure!(
                    q.profile() == profile,
                    "location.search {} gives {:?}",
                    shown.search,
                    q.profile()
                );
                // The files were served with the right types.
                let reqs = site.server.requests();
                let wasm = reqs
                    .iter()
                    .find(|r| r.target.ends_with(".wasm"))
                    .context("the .wasm was requested")?;
                ensure!(
                    wasm.status == 200 && wasm.content_type == "application/wasm",
                    "{wasm:?}"
                );
                let js = reqs
                    .iter()
                    .find(|r| {
                        r.target.contains("/assets/calculateur.") && r.target.ends_with(".js")
                    })
                    .context("the .js was requested")?;
                ensure!(
                    js.status == 200 && js.content_type.starts_with("text/javascript"),
                    "{js:?}"
                );
                let failed: Vec<_> = reqs.iter().filter(|r| r.status >= 400).collect();
                ensure!(failed.is_empty(), "failed requests: {failed:?}");
                Ok(())
            },
        );

        step("?parts=11 shows 22 000 € a year and 99 jours", &|| {
            let shown = ctx.open("parts=11")?;
            let cost = f::money(model.cost_of(11));
            let days = f::days(model.days_of(11));
            ensure!(
                cost.chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
                    == "22000",
                "{cost}"
            );
            ensure!(days.starts_with("99") && days.ends_with("jours"), "{days}");
            ensure!(
                shown.figures[1] == cost && shown.figures[3] == days,
                "shown {:?}",
                shown.figures
            );
            ensure!(shown.mode.as_deref() == Some("parts"));
            ensure!(
                shown.inputs == [("calc-parts".to_string(), "11".to_string(), None)],
                "{:?}",
                shown.inputs
            );
            check_no_garbage(&shown)
        });

        step("invalid query values are ignored with a message", &|| {
            s.goto(&ctx.page("parts=douze&postes=7"))?;
            let (_, warnings) = Query::parse("parts=douze&postes=7");
            let expected = model.estimate_profile(&Profile {
                postes: 7,
                ..Profile::default()
            });
            let shown = ctx.wait_estimate(
                "?parts=douze&postes=7 to show the profile with 7 workstations",
                &expected,
            )?;
            ensure!(
                shown.warnings == warnings,
                "warnings {:?}, expected {warnings:?}",
                shown.warnings
            );
            check_no_garbage(&shown)
        });

        for (name, profile) in profiles() {
            let title = format!("profile « {name} »: the figures are the native model's");
            step(&title, &|| {
                ctx.open(FRESH)?;
                ctx.fill_profile(&profile)?;
                let expected = model.estimate_profile(&profile);
                let shown =
                    ctx.wait_estimate(&format!("the estimate of {profile:?}"), &expected)?;
                check_no_garbage(&shown)?;
                let (q, _) = Query::parse(&shown.search);
                ensure!(
                    q.mode() == Mode::Profil && q.profile() == profile,
                    "location.search {} gives {:?}",
                    shown.search,
                    q.profile()
                );
                Ok(())
            });
        }

        step("a shared link reproduces the estimate", &|| {
            let (_, profile) = &profiles()[2];
            ctx.open(FRESH)?;
            ctx.fill_profile(profile)?;
            let expected = model.estimate_profile(profile);
            let shown = ctx.wait_estimate("the catch-up profile", &expected)?;
            let link = format!("{}{}", ctx.page(""), shown.search);
            s.goto(&link)?;
            ctx.wait_estimate(&format!("{link} to show the same estimate"), &expected)?;
            Ok(())
        });

        step("parts mode: the figures are the native model's", &|| {
            ctx.open(FRESH)?;
            ctx.set_mode(Mode::Parts)?;
            for n in [1, 3, 11, model.total_parts()] {
                ctx.type_into("parts", &n.to_string())?;
                let expected = model
                    .estimate_parts(n)
                    .map_err(|e| anyhow::anyhow!("{n} parts: {e}"))?;
                let shown = ctx.wait_estimate(&format!("{n} parts"), &expected)?;
                check_no_garbage(&shown)?;
                ensure!(
                    shown.search == format!("?parts={n}"),
                    "location.search {}",
                    shown.search
                );
            }
            Ok(())
        });

        step("budget mode: the figures are the native model's", &|| {
            ctx.open(FRESH)?;
            ctx.set_mode(Mode::Budget)?;
            for typed in [
                "6000", "6 000,50", "6000.5", "1500", "2000 €", "0", "30000", "1000000",
            ] {
                ctx.type_into("budget", typed)?;
                let cents =
                    parse_money(typed, MAX_BUDGET).map_err(|e| anyhow::anyhow!("{typed}: {e}"))?;
                let expected = model
                    .estimate_budget(cents)
                    .map_err(|e| anyhow::anyhow!("{typed}: {e}"))?;
                let shown = ctx.wait_estimate(&format!("a budget of « {typed} »"), &expected)?;
                check_no_garbage(&shown)?;
            }
            Ok(())
        });

        step(
            "invalid input shows an inline error, never NaN, and the widget recovers",
            &|| {
                // (mode, field, typed text, parser bounds).
                type Parser = fn(&str, &Model) -> Result<(), calculator::InputError>;
                let postes: Parser = |v, _| parse_count(v, 0, MAX_POSTES).map(|_| ());
                let personnes: Parser = |v, _| parse_count(v, 0, MAX_PERSONNES).map(|_| ());
                let parts: Parser =
                    |v, _| parse_count(v, 1, calculator::estimate::MAX_PARTS_ASKED).map(|_| ());
                let budget: Parser = |v, _| parse_money(v, MAX_BUDGET).map(|_| ());
                let cases: [(Mode, &str, Parser, &[&str], &str); 4] = [
                    (
                        Mode::Profil,
                        "postes",
                        postes,
                        &["-3", "", "99999999999999999999", "abc", "2.5", "1e3"],
                        "7",
                    ),
                    (
                        Mode::Profil,
                        "personnes",
                        personnes,
                        &["-1", "10001", "douze"],
                        "8",
                    ),
                    (
                        Mode::Parts,
                        "parts",
                        parts,
                        &["0", "1001", "-1", "", "9999999999", "x"],
                        "2",
                    ),
                    (
                        Mode::Budget,
                        "budget",
                        budget,
                        &[
                            "douze",
                            "-100",
                            "",
                            "99999999999",
                            "12,345",
                            "1e6",
                            "NaN",
                            "--5",
                            LONG,
                        ],
                        "4000",
                    ),
                ];
                ctx.open(FRESH)?;
                for (mode, key, parse, inputs, valid) in cases {
                    ctx.set_mode(mode)?;
                    for typed in inputs {
                        ctx.type_into(key, typed)?;
                        let id = format!("calc-{key}");
                        // The browser may drop characters a number field refuses:
                        // the message must be the native parser's verdict on what
                        // the field really holds.
                        let (shown, value, expected) = wait_until(
                            &format!("the error for « {typed} » in #{id}"),
                            REACT,
                            || {
                                let shown = read_shown(&s)?;
                                let value = shown
                                    .inputs
                                    .iter()
                                    .find(|i| i.0 == id)
                                    .context("the input")?
                                    .1
                                    .clone();
                                let Err(expected) = parse(&value, &model) else {
                                    bail!("« {typed} » left the valid value « {value} » in #{id}");
                                };
                                Ok((shown.errors == [expected.message()] && shown.invalid)
                                    .then_some((shown, value, expected)))
                            },
                        )
                        .with_context(|| format!("shown: {}", ctx.summary()))?;
                        let aria = shown
                            .inputs
                            .iter()
                            .find(|i| i.0 == id)
                            .and_then(|i| i.2.clone());
                        ensure!(
                            shown.figures.is_empty(),
                            "« {value} »: no figures while invalid: {:?}",
                            shown.figures
                        );
                        ensure!(
                            aria.as_deref() == Some("true"),
                            "« {value} » ({expected:?}): aria-invalid on #{id}"
                        );
                        check_no_garbage(&shown)?;
                        let body = s.find("body")?.text()?;
                        ensure!(
                            !body.contains("NaN") && !body.contains("panicked"),
                            "page text: {body}"
                        );
                    }
                    // Still alive: a valid value gives figures again.
                    ctx.type_into(key, valid)?;
                    wait_until(&format!("figures again after « {valid} »"), REACT, || {
                        let shown = read_shown(&s)?;
                        Ok((shown.errors.is_empty() && shown.figures.len() == 6).then_some(()))
                    })?;
                }
                Ok(())
            },
        );

        step(
            "keyboard: Tab goes through the form's controls in order",
            &|| {
                ctx.open(FRESH)?;
                s.execute(
                    "document.getElementById('calc-mode-profil').focus();",
                    vec![],
                )?;
                let active = || -> anyhow::Result<String> {
                    Ok(s.execute(
                        "return document.activeElement ? document.activeElement.id : '';",
                        vec![],
                    )?
                    .as_str()
                    .unwrap_or_default()
                    .to_string())
                };
                ensure!(active()? == "calc-mode-profil");
                let mut expected = vec![
                    "calc-postes".to_string(),
                    "calc-serveurs".into(),
                    "calc-personnes".into(),
                ];
                expected.extend(
                    Service::ALL
                        .iter()
                        .map(|s| format!("calc-service-{}", s.key())),
                );
                expected.push("calc-rattrapage".into());
                let mut seen = Vec::new();
                for _ in &expected {
                    s.press(None, &[keys::TAB])?;
                    seen.push(active()?);
                }
                ensure!(
                    seen == expected,
                    "Tab order {seen:?}, expected {expected:?}"
                );
                s.press(Some(keys::SHIFT), &[keys::TAB])?;
                ensure!(
                    active()? == expected[expected.len() - 2],
                    "Shift+Tab goes back"
                );
                // The mode is chosen with the arrow keys, then the field typed.
                s.execute(
                    "document.getElementById('calc-mode-profil').focus();",
                    vec![],
                )?;
                s.press(None, &[keys::ARROW_DOWN])?;
                s.wait_for("#calc-parts", REACT)?;
                ensure!(
                    active()? == "calc-mode-parts",
                    "focus stays on the mode: {}",
                    active()?
                );
                s.press(None, &[keys::TAB])?;
                ensure!(
                    active()? == "calc-parts",
                    "Tab reaches the parts field: {}",
                    active()?
                );
                s.press(Some(keys::CONTROL), &["a"])?;
                s.press(None, &["4"])?;
                ctx.wait_estimate(
                    "4 parts typed with the keyboard",
                    &model
                        .estimate_parts(4)
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                )?;
                Ok(())
            },
        );

        step(
            "« Imprimer l’estimation » opens the print dialog",
            &|| {
                ctx.open("parts=3")?;
                let button = s.find(".calc-print")?;
                ensure!(
                    button.is_enabled()?,
                    "the running widget enables the button"
                );
                // The dialog itself would block the session: count the calls.
                s.execute(
                    "window.__printed = 0; window.print = () => { window.__printed += 1; };",
                    vec![],
                )?;
                button.click()?;
                wait_until("window.print() to be called", REACT, || {
                    let n = s.execute("return window.__printed;", vec![])?;
                    Ok((n.as_u64() == Some(1)).then_some(()))
                })?;
                Ok(())
            },
        );

        step(
            "printed to PDF, ?parts=3 is the estimate alone on at most two A4 pages",
            &|| {
                ctx.open("parts=3")?;
                let e = model
                    .estimate_parts(3)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let text = pdf_text(&s.print_pdf()?)?;
                let pages = text.trim_end_matches('\u{c}').split('\u{c}').count();
                ensure!((1..=2).contains(&pages), "{pages} pages:\n{text}");
                let flat = squash(&text);
                let mut expected = vec![
                    "Amie".to_string(),
                    "Estimation du ".into(),
                    f::parts(3),
                    f::money(e.cost_per_year),
                    f::money(e.cost_per_month),
                    f::days(e.days_per_year),
                    f::hours(e.hours_per_year),
                    "Ce que comprend une part".into(),
                    "Estimation indicative, non contractuelle".into(),
                    format!("{}?parts=3", ctx.page("")),
                ];
                expected.extend(e.explanation.iter().cloned());
                if let Some(r) = model.reference() {
                    expected.push(format!("tarif {r}"));
                }
                let missing: Vec<&String> = expected
                    .iter()
                    .filter(|t| !flat.contains(&squash(t)))
                    .collect();
                ensure!(
                    missing.is_empty(),
                    "missing {missing:?} in the PDF:\n{text}"
                );
                // The rest of the article and the page's frame are not printed.
                for absent in [
                    "Le budget de l’association",
                    "Partir de",
                    "Aller au contenu",
                    "Copier le lien",
                    "Estimations pour 1",
                ] {
                    ensure!(
                        !flat.contains(&squash(absent)),
                        "« {absent} » printed:\n{text}"
                    );
                }
                Ok(())
            },
        );

        step(
            "« Copier le lien » puts the estimate's address on the clipboard",
            &|| {
                ctx.open("parts=3")?;
                let url = format!("{}?parts=3", ctx.page(""));
                s.grant_permission("clipboard-read")?;
                s.grant_permission("clipboard-write")?;
                s.find(".calc-copy")?.click()?;
                let status = wait_until("the copy to be confirmed", REACT, || {
                    let t = s.find(".calc-status")?.text_content()?;
                    Ok((!t.is_empty()).then_some(t))
                })?;
                ensure!(
                    status == "Lien copié dans le presse-papiers.",
                    "live region: « {status} »"
                );
                ensure!(
                    s.find(".calc-status")?.attribute("role")?.as_deref() == Some("status"),
                    "the confirmation is a live region"
                );
                let copied = s.execute_async(
                    "const done = arguments[arguments.length - 1];\
                 navigator.clipboard.readText().then(done, e => done('ERREUR ' + e));",
                    vec![],
                )?;
                ensure!(
                    copied.as_str() == Some(url.as_str()),
                    "clipboard holds {copied}, not {url}"
                );
                Ok(())
            },
        );

        step(
            "where the clipboard refuses, the address is selected for a copy by hand",
            &|| {
                ctx.open("parts=4")?;
                s.execute(
                    "Object.defineProperty(navigator.clipboard, 'writeText', \
                 { value: () => Promise.reject(new Error('refusé')) });",
                    vec![],
                )?;
                s.find(".calc-copy")?.click()?;
                wait_until("the fallback to be explained", REACT, || {
                    let t = s.find(".calc-status")?.text_content()?;
                    Ok(t.starts_with("Copie automatique impossible").then_some(()))
                })?;
                let sel = s.execute(
                    "const i = document.activeElement; \
                 return [i.id, i.value, i.selectionStart, i.selectionEnd];",
                    vec![],
                )?;
                let url = format!("{}?parts=4", ctx.page(""));
                ensure!(
                    sel[0] == "calc-lien"
                        && sel[1] == url.as_str()
                        && sel[2] == 0
                        && sel[3] == url.len(),
                    "the address field is focused and fully selected: {sel}"
                );
                Ok(())
            },
        );

        step(
            "past the whole job, the three modes give the same explanation",
            &|| {
                let past = model.past_the_job();
                let total = model.total_parts();
                let check = |what: &str, e: &Estimate, shown: &Shown| -> anyhow::Result<()> {
                    ensure!(e.exceeds_pool, "{what}: test bug, not past the job");
                    ensure!(
                        shown.explanation.contains(&past),
                        "{what}: {:?}",
                        shown.explanation
                    );
                    ensure!(
                        shown.figures.last() == Some(&f::percent(10_000)),
                        "{what}: share {:?}",
                        shown.figures.last()
                    );
                    let over: Vec<String> = percents(&shown.text)
                        .into_iter()
                        .filter(|p| *p > 100.0)
                        .map(|p| p.to_string())
                        .collect();
                    ensure!(over.is_empty(), "{what}: shares above 100 %: {over:?}");
                    Ok(())
                };
                ctx.open(FRESH)?;
                ctx.set_mode(Mode::Parts)?;
                ctx.type_into("parts", &(total + 1).to_string())?;
                let e = model
                    .estimate_parts(total + 1)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                check(
                    "parts",
                    &e,
                    &ctx.wait_estimate("one part more than the job", &e)?,
                )?;

                ctx.set_mode(Mode::Budget)?;
                let budget = model.cost_of(total + 1) + 1;
                ctx.type_into("budget", &(budget / 100).to_string())?;
                let e = model
                    .estimate_budget(budget / 100 * 100)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let shown = ctx.wait_estimate("a budget above the job", &e)?;
                check("budget", &e, &shown)?;
                ensure!(
                    shown
                        .explanation
                        .iter()
                        .any(|l| l.starts_with("Il reste ") || l.contains(" ÷ ")),
                    "budget mode says what the budget buys: {:?}",
                    shown.explanation
                );

                let (_, big) = &profiles()[3];
                ctx.set_mode(Mode::Profil)?;
                ctx.fill_profile(big)?;
                let e = model.estimate_profile(big);
                check(
                    "profile",
                    &e,
                    &ctx.wait_estimate("a profile above the job", &e)?,
                )?;
                Ok(())
            },
        );

        step(
            "web services count their set-up the first year only",
            &|| {
                let setup = model.setup_days(Service::ServicesWeb);
                ensure!(
                    setup > 0,
                    "content/tarifs.toml gives web services set-up days"
                );
                let profile = Profile {
                    postes: 2,
                    serveurs: 0,
                    personnes: 3,
                    services: [Service::ServicesWeb].into_iter().collect(),
                    rattrapage: false,
                };
                ctx.open(FRESH)?;
                ctx.fill_profile(&profile)?;
                let e = model.estimate_profile(&profile);
                let recurring = e.recurring_days.context("profile estimate")?;
                ensure!(e.days_needed == Some(recurring + setup), "model: {e:?}");
                let shown = ctx.wait_estimate("web services", &e)?;
                let years = squash(&s.find(".calc-years")?.text_content()?);
                for expected in [
                    format!("Première année{} de travail", f::days(recurring + setup)),
                    format!("Années suivantes{} de travail", f::days(recurring)),
                ] {
                    ensure!(
                        years.contains(&squash(&expected)),
                        "« {expected} » in {years}"
                    );
                }
                ensure!(
                    shown
                        .explanation
                        .iter()
                        .any(|l| l.starts_with("Mise en place des services")
                            && l.contains(&f::days(setup))),
                    "{:?}",
                    shown.explanation
                );
                Ok(())
            },
        );

        step(
            "wide screen: the figures stay in view beside the end of the form",
            &|| {
                ctx.open(FRESH)?;
                // A laptop's height: the form is taller than the window.
                s.set_window_size(1280, 640)?;
                let r = (|| {
                    let v = s.execute(
                    "document.getElementById('calc-rattrapage').scrollIntoView({block: 'end'});\
                     const box = s => document.querySelector(s).getBoundingClientRect();\
                     const f = box('.calc-figures'), c = box('#calc-rattrapage'), form = box('.calc-form');\
                     return [innerHeight, form.top, c.bottom, f.top, f.bottom, form.right, f.left];",
                    vec![],
                )?;
                    let n: Vec<f64> = v
                        .as_array()
                        .context("numbers")?
                        .iter()
                        .map(|x| x.as_f64().unwrap_or(f64::NAN))
                        .collect();
                    let [height, form_top, check_bottom, fig_top, fig_bottom, form_right, fig_left] =
                        n[..]
                    else {
                        bail!("{v}");
                    };
                    ensure!(
                        form_top < 0.0,
                        "test bug: the form fits in the window ({n:?})"
                    );
                    ensure!(
                        check_bottom <= height + 1.0,
                        "the form's end is in view ({n:?})"
                    );
                    ensure!(
                        fig_top >= 0.0 && fig_bottom <= height,
                        "the figures stay in view while the form's end is typed: {n:?}"
                    );
                    ensure!(
                        fig_left >= form_right,
                        "the figures are beside the form: {n:?}"
                    );
                    Ok(())
                })();
                s.set_window_size(1280, 900)?;
                r
            },
        );

        step(
            "no address in site.toml: no « Envoyer cette estimation »",
            &|| {
                ctx.open("parts=2")?;
                ensure!(
                    s.try_find(".calc-mail")?.is_none(),
                    "a mailto link without an address"
                );
                Ok(())
            },
        );

        step("the page makes no request outside 127.0.0.1", &|| {
            ctx.open("parts=3")?;
            let origin = format!("{}/", site.server.url());
            let urls: Vec<String> = serde_json::from_value(s.execute(
                "return [location.href].concat(performance.getEntriesByType('resource').map(e => e.name));",
                vec![],
            )?)?;
            ensure!(
                urls.iter().any(|u| u.ends_with(".wasm")),
                "the wasm is among the resources: {urls:?}"
            );
            let outside: Vec<&String> = urls.iter().filter(|u| !u.starts_with(&origin)).collect();
            ensure!(outside.is_empty(), "requests outside {origin}: {outside:?}");
            Ok(())
        });

        if let Err(e) = s.quit() {
            eprintln!("closing the browser: {e:#}");
        }
    }

    {
        let s = driver
            .session(&SessionOptions {
                javascript: false,
                ..SessionOptions::default()
            })
            .unwrap_or_else(|e| panic!("{e:#}"));
        steps.run(
            "without JavaScript: the static table and the pre-rendered calculator",
            || {
                site.server.clear_requests();
                s.goto(&format!("{}?parts=11", site.url(PAGE)))?;
                ensure!(
                    s.find(".calc-noscript")?.is_displayed()?,
                    "the <noscript> notice shows (JavaScript is off)"
                );
                // WebDriver's text turns no-break spaces into spaces.
                let norm = |t: &str| t.replace(['\u{A0}', '\u{202F}'], " ");
                let rows = s.find_all("table.calc-table tbody tr")?;
                ensure!(
                    rows.len() as u32 == model.total_parts(),
                    "{} rows",
                    rows.len()
                );
                let row11: Vec<String> = rows[10]
                    .find_all("th, td")?
                    .iter()
                    .map(|c| c.text())
                    .collect::<Result<_, _>>()?;
                let expected: Vec<String> = [
                    f::parts(11),
                    f::money(model.cost_of(11)),
                    format!(
                        "{}{}",
                        f::about(model.cost_of(11) % 12 == 0),
                        f::money(model.monthly_cost_of(11))
                    ),
                    f::days(model.days_of(11)),
                ]
                .iter()
                .map(|t| norm(t))
                .collect();
                ensure!(
                    row11.iter().map(|t| norm(t)).collect::<Vec<_>>() == expected,
                    "row 11: {row11:?}, expected {expected:?}"
                );
                // The pre-rendered calculator, in its default state (no script
                // to read ?parts=11).
                ensure!(
                    s.find("#calc-mode-profil")?.is_selected()?,
                    "profile mode pre-selected"
                );
                let shown: Vec<String> = s
                    .find_all(".calc-figures output")?
                    .iter()
                    .map(|o| o.text())
                    .collect::<Result<_, _>>()?;
                let default: Vec<String> =
                    figures(&model, &model.estimate_profile(&Profile::default()))
                        .iter()
                        .map(|t| norm(t))
                        .collect();
                ensure!(
                    shown.iter().map(|t| norm(t)).collect::<Vec<_>>() == default,
                    "pre-rendered figures {shown:?}"
                );
                ensure!(s.find("#calc-postes")?.is_displayed()?, "the form is shown");
                // No field that does nothing: every control waits for the widget,
                // and one sentence points to the static table.
                let controls = s.find_all(".calculateur :is(input, button, select, textarea)")?;
                ensure!(controls.len() > 10, "{} controls", controls.len());
                for c in &controls {
                    ensure!(
                        !c.is_enabled()?,
                        "a usable control without JavaScript: #{}",
                        c.attribute("id")?.unwrap_or_default()
                    );
                }
                let notice = s.find(".calc-noscript")?.text()?;
                ensure!(notice.contains("tableau ci-dessous"), "notice: {notice}");
                let wasm: Vec<_> = site
                    .server
                    .requests()
                    .into_iter()
                    .filter(|r| r.target.ends_with(".wasm"))
                    .collect();
                ensure!(
                    wasm.is_empty(),
                    "no WebAssembly fetched without JavaScript: {wasm:?}"
                );
                Ok(())
            },
        );
        if let Err(e) = s.quit() {
            eprintln!("closing the browser: {e:#}");
        }
    }
    drop(driver);
    eprintln!("{} steps in {:.1} s", steps.ran, t0.elapsed().as_secs_f32());
    assert!(
        steps.failures.is_empty(),
        "{} of {} steps failed:\n- {}",
        steps.failures.len(),
        steps.ran,
        steps.failures.join("\n- ")
    );
}
