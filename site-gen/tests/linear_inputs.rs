//! Inputs that once took time growing with the square of their size (an
//! unclosed construct repeated on one long line, deeply nested YAML, the
//! report of thousands of problems) stay linear.
//!
//! These are complexity checks, not speed targets: each compares the time
//! of an input with the time of the same input eight times larger (best of
//! three runs each). Linear work gives a ratio near 8, quadratic work near
//! 64; the bound of 24 leaves room for a loaded machine.

mod common;
use std::time::{Duration, Instant};

use common::{messages, page as page_of, Site, BIN};

const GROWTH: usize = 8;
const MAX_RATIO: f64 = 24.0;

fn best_of_three(mut f: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// What building a page of `n` repeated constructs must give.
#[derive(Clone, Copy)]
enum Outcome {
    /// The build fails, each problem pointing into the page.
    Fails,
    /// The page builds and shows `text` `n` times, as typed.
    Shows(&'static str),
}

/// The time to build a site whose home page is `page(n)`, through the
/// library (no terminal report); the build must give `outcome`.
fn build_time(page: &dyn Fn(usize) -> String, n: usize, outcome: Outcome) -> Duration {
    let site = Site::new(&[("content/_index.md", &page(n))]);
    let opts = site_gen::BuildOptions {
        widget: false,
        ..site_gen::BuildOptions::new(site.root())
    };
    best_of_three(|| {
        let built = site_gen::build_with_progress(&opts, std::sync::Arc::new(|_| {}));
        match (outcome, built) {
            (Outcome::Fails, Err(problems)) => {
                let problems = messages(&problems);
                assert!(
                    problems.iter().all(|p| p.starts_with("content/_index.md:")),
                    "{:?}",
                    &problems[..problems.len().min(3)]
                );
            }
            (Outcome::Shows(text), Ok(built)) => {
                let html = page_of(&built, "index.html");
                assert_eq!(html.matches(text).count(), n, "{text:?}");
            }
            (Outcome::Fails, Ok(_)) => panic!("the page is invalid: the build must fail"),
            (Outcome::Shows(_), Err(problems)) => panic!("the build must succeed:\n{problems}"),
        }
    })
}

fn assert_linear(what: &str, time: impl Fn(usize) -> Duration, n: usize) {
    let small = time(n).max(Duration::from_millis(1));
    let large = time(n * GROWTH);
    let ratio = large.as_secs_f64() / small.as_secs_f64();
    assert!(
        ratio < MAX_RATIO,
        "{what}: ×{GROWTH} input took ×{ratio:.1} time ({small:?} → {large:?})"
    );
}

fn body(repeated: &'static str) -> impl Fn(usize) -> String {
    move |n| format!("+++\ntitle = \"x\"\n+++\n\n{}\n", repeated.repeat(n))
}

#[test]
fn unclosed_shortcodes_repeated_on_one_line() {
    for pattern in ["{{ a(x=\"", "{{ a(", "{{ a(x=[", "{{ a(x=truex "] {
        let page = body(pattern);
        assert_linear(pattern, |n| build_time(&page, n, Outcome::Fails), 4_000);
    }
    // An unclosed comment is text, shown as typed.
    let page = body("{{/* ");
    let shows = Outcome::Shows("{{/*");
    assert_linear("{{/* ", |n| build_time(&page, n, shows), 4_000);
}

#[test]
fn body_and_escaped_shortcodes_repeated_on_one_line() {
    // Unclosed bodies, stray ends, bodies calling an unknown shortcode.
    for pattern in [
        "{% a() %} ",
        "{% end %} ",
        "{% a() %}x{% end %}",
        "{% a(x=\"y",
    ] {
        let page = body(pattern);
        assert_linear(pattern, |n| build_time(&page, n, Outcome::Fails), 4_000);
    }
    // Escaped tags, paired or not, and unclosed escapes: text.
    for (pattern, shown) in [
        ("{%/* a() */%} ", "{% a() %}"),
        ("{%/* a() */%}x{%/* end */%}", "{% end %}"),
        ("{%/* ", "{%/*"),
    ] {
        let page = body(pattern);
        let shows = Outcome::Shows(shown);
        assert_linear(pattern, |n| build_time(&page, n, shows), 4_000);
    }
}

#[test]
fn deeply_nested_yaml_front_matter() {
    let page = |n: usize| format!("---\ntitle: x\nextra: {}\n---\n", "[".repeat(n));
    assert_linear("[[[…", |n| build_time(&page, n, Outcome::Fails), 4_000);
}

#[test]
fn the_report_of_thousands_of_problems() {
    let page = body("{{ a(");
    let time = |n: usize| {
        let site = Site::new(&[("content/_index.md", &page(n))]);
        best_of_three(|| {
            let out = std::process::Command::new(BIN)
                .arg("--root")
                .arg(site.root())
                .args(["build", "--no-widget"])
                .output()
                .unwrap();
            assert!(!out.status.success());
        })
    };
    assert_linear("report", time, 2_000);
}
