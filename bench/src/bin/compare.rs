//! site-gen against Hugo on synthetic corpora, the widget's and a content
//! page's weight, and the incremental rebuild time of `site-gen serve`.
//!
//! `cargo run --release -p bench --bin compare -- [--pages 1000,10000] [--runs 5]`
//! (see bench/README.md for every option and how to read the figures).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use bench::corpus::{self, CorpusOptions};
use bench::measure::{
    brotli_len, gzip_len, http_agent, http_get, human_size, load_average, median, rebuild_ms,
    run_measured, serve_url, Run,
};
use bench::shared_corpus;
use clap::Parser;

#[derive(Parser)]
#[command(about = "Compares site-gen with Hugo and prints the performance figures")]
struct Args {
    /// Corpus sizes (pages), comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1000, 10000])]
    pages: Vec<usize>,
    /// Measured runs of each generator per corpus (after one warm-up run).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Edits measured for the incremental figure (1 000-page corpus).
    #[arg(long, default_value_t = 10)]
    edits: usize,
    /// site-gen binary to measure (default: `cargo build --release -p site-gen` first).
    #[arg(long, value_name = "PATH")]
    site_gen: Option<PathBuf>,
    /// Hugo binary.
    #[arg(long, default_value = "hugo")]
    hugo: PathBuf,
    /// Do not run Hugo (site-gen figures only).
    #[arg(long)]
    no_hugo: bool,
    /// Skip the widget and page weights (they build the real site, widget included).
    #[arg(long)]
    no_weights: bool,
    /// Skip the incremental figure (`site-gen serve`).
    #[arg(long)]
    no_serve: bool,
    /// Work in this folder and keep it (default: a temporary folder, removed).
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
    /// Where the generators write their outputs (default: beside the corpora).
    /// Every run writes a fresh folder; they are removed at the end.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Seed of the corpora's text (`--corpus banc`).
    #[arg(long, default_value_t = CorpusOptions::new(0).seed)]
    seed: u64,
    /// `shared`: the corpus (`gen_corpus.py`, on which #14's targets
    /// are stated; Hugo with minimal templates, no feed nor sitemap);
    /// `banc`: bench's own corpus, where Hugo makes the same pages as
    /// site-gen (navigation, TOC, feeds, sitemap).
    #[arg(long, value_enum, default_value_t = CorpusKind::Shared)]
    corpus: CorpusKind,
    /// The shared script (default: `../shared/bench/gen_corpus.py` beside
    /// the workspace).
    #[arg(long, value_name = "PATH")]
    gen_corpus: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CorpusKind {
    Shared,
    Banc,
}

/// One corpus on disk, as the comparison needs it.
struct Corpus {
    site_gen_root: PathBuf,
    hugo_root: PathBuf,
    pages: usize,
    sections: usize,
    page_bytes: u64,
    /// Pages whose output must exist, by URL path.
    samples: Vec<String>,
    /// Files besides pages that both generators must write.
    required: &'static [&'static str],
    /// The page `serve` is timed on: its source (under `content/`) and URL path.
    edited: (String, String),
}

impl Corpus {
    fn write(
        kind: CorpusKind,
        args: &Args,
        workspace: &Path,
        dir: &Path,
        pages: usize,
    ) -> anyhow::Result<Corpus> {
        Ok(match kind {
            CorpusKind::Shared => {
                let script = args
                    .gen_corpus
                    .clone()
                    .unwrap_or_else(|| shared_corpus::default_script(workspace));
                let c = shared_corpus::generate(&script, dir, pages)?;
                Corpus {
                    site_gen_root: c.root,
                    hugo_root: c.hugo_root,
                    pages: c.pages,
                    sections: shared_corpus::SECTIONS,
                    page_bytes: c.page_bytes,
                    samples: shared_corpus::sample_url_paths(pages),
                    // Hugo's skeleton disables the rest.
                    required: &["index.html"],
                    edited: (
                        shared_corpus::page_source(0, 0),
                        shared_corpus::page_url_path(0, 0),
                    ),
                }
            }
            CorpusKind::Banc => {
                let opts = CorpusOptions {
                    seed: args.seed,
                    ..CorpusOptions::new(pages)
                };
                let [sg, hg] = corpus::generate_both(dir, &opts)?;
                Corpus {
                    site_gen_root: sg.root,
                    hugo_root: hg.root,
                    pages,
                    sections: opts.sections,
                    page_bytes: sg.page_bytes as u64,
                    samples: [0, pages / 2, pages.saturating_sub(1)]
                        .iter()
                        .map(|&i| corpus::page_url_path(&opts, i))
                        .collect(),
                    required: &[
                        "index.html",
                        "sitemap.xml",
                        "robots.txt",
                        "404.html",
                        "atom.xml|index.xml",
                    ],
                    edited: (
                        corpus::page_source(&opts, 0),
                        corpus::page_url_path(&opts, 0),
                    ),
                }
            }
        })
    }
}

/// The performance issue's targets (#14): site-gen's wall time over
/// Hugo's, by corpus size (half the fastest peer's ratio)…
fn target_ratio(pages: usize) -> Option<f64> {
    match pages {
        1_000 => Some(0.22),
        10_000 => Some(0.39),
        100_000 => Some(0.2),
        _ => None,
    }
}

/// …site-gen's peak memory (MiB)…
fn target_rss_mib(pages: usize) -> Option<f64> {
    match pages {
        10_000 => Some(150.0),
        100_000 => Some(1024.0),
        _ => None,
    }
}

/// …and `serve`'s save → new HTML served.
const TARGET_INCREMENTAL_MS: f64 = 25.0;
const TARGET_WIDGET_GZ_KIB: f64 = 70.0;
const TARGET_PAGE_GZ_KIB: f64 = 20.0;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.runs > 0, "--runs must be at least 1");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("bench/ has a parent folder")?
        .to_path_buf();
    let site_gen = match &args.site_gen {
        Some(p) => p.clone(),
        None => build_site_gen(&workspace)?,
    };
    let hugo = if args.no_hugo {
        None
    } else {
        match hugo_version(&args.hugo) {
            Some(v) => {
                println!("hugo: {v}");
                Some(args.hugo.clone())
            }
            None => {
                println!(
                    "hugo: « {} » introuvable : mesures de site-gen seules",
                    args.hugo.display()
                );
                None
            }
        }
    };
    println!("site-gen: {}", site_gen.display());
    println!(
        "machine: {} cœurs, charge (1/5/15 min) au début : {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );

    let temp;
    let work = match &args.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            dir.canonicalize()?
        }
        None => {
            temp = tempfile::Builder::new()
                .prefix("site-gen-bench-")
                .tempdir()?;
            temp.path().to_path_buf()
        }
    };

    let mut report = Report::default();
    println!(
        "corpus : {}",
        match args.corpus {
            CorpusKind::Shared => "gen_corpus.py (celui de l’issue #14)",
            CorpusKind::Banc => "celui de bench (mêmes pages des deux côtés)",
        }
    );
    for &pages in &args.pages {
        let dir = work.join(format!("{pages}-pages"));
        let corpus = Corpus::write(args.corpus, &args, &workspace, &dir, pages)?;
        println!(
            "\n== {} pages ({} sections, {:.1} MiB of Markdown) — charge {}",
            corpus.pages,
            corpus.sections,
            corpus.page_bytes as f64 / 1048576.0,
            load_average()
        );
        let results = compare_builds(
            &site_gen,
            hugo.as_deref(),
            &corpus,
            &args
                .out_dir
                .clone()
                .unwrap_or_else(|| dir.clone())
                .join(format!("out-{pages}-pages")),
            args.runs,
        )?;
        report.builds.insert(pages, results);
    }

    if !args.no_weights {
        println!(
            "\n== Poids (site réel, calculateur compris) — charge {}",
            load_average()
        );
        match weights(&site_gen, &workspace, &work.join("shipped")) {
            Ok(w) => report.weights = Some(w),
            Err(e) => println!("  mesure impossible : {e:#}"),
        }
    }

    if !args.no_serve && args.edits > 0 {
        let corpus = Corpus::write(
            args.corpus,
            &args,
            &workspace,
            &work.join("serve-1000-pages"),
            1000,
        )?;
        println!(
            "\n== Incrémental : site-gen serve, 1 000 pages, {} modifications — charge {}",
            args.edits,
            load_average()
        );
        match incremental(&site_gen, &corpus, args.edits) {
            Ok(i) => report.incremental = Some(i),
            Err(e) => println!("  mesure impossible : {e:#}"),
        }
    }

    report.print();
    println!("\ncharge à la fin : {}", load_average());
    match (&args.keep, &args.out_dir) {
        (Some(dir), _) => println!("corpus et sorties gardés dans {}", dir.display()),
        (None, Some(out)) => {
            for pages in &args.pages {
                let _ = std::fs::remove_dir_all(out.join(format!("out-{pages}-pages")));
            }
        }
        (None, None) => {}
    }
    Ok(())
}

/// `cargo build --release -p site-gen`, then the binary's path from cargo's
/// own messages (custom target folders included).
fn build_site_gen(workspace: &Path) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    println!("cargo build --release -p site-gen …");
    let out = Command::new(cargo)
        .current_dir(workspace)
        .args([
            "build",
            "--release",
            "-p",
            "site-gen",
            "--bin",
            "site-gen",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("cargo could not be run")?;
    if !out.status.success() {
        bail!("cargo build --release -p site-gen failed");
    }
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "site-gen" {
            if let Some(exe) = msg["executable"].as_str() {
                return Ok(PathBuf::from(exe));
            }
        }
    }
    bail!("cargo did not name the site-gen executable")
}

fn hugo_version(hugo: &Path) -> Option<String> {
    let out = Command::new(hugo).arg("version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gen {
    SiteGen,
    Hugo,
}

/// The measured runs of both generators on one corpus.
#[derive(Default)]
struct Builds {
    site_gen: Vec<Run>,
    hugo: Vec<Run>,
    pages: usize,
}

fn compare_builds(
    site_gen: &Path,
    hugo: Option<&Path>,
    corpus: &Corpus,
    out_dir: &Path,
    runs: usize,
) -> anyhow::Result<Builds> {
    if out_dir.exists() {
        std::fs::remove_dir_all(out_dir)?;
    }
    std::fs::create_dir_all(out_dir)?;
    let (sg_root, hugo_root) = (&corpus.site_gen_root, &corpus.hugo_root);
    let sg_cmd = |out: &Path| {
        let mut c = Command::new(site_gen);
        c.arg("--root")
            .arg(sg_root)
            .args(["--quiet", "build", "--no-widget", "--output"])
            .arg(out);
        c
    };
    let hugo_cmd = |hugo: &Path, out: &Path| {
        let mut c = Command::new(hugo);
        c.arg("--source")
            .arg(hugo_root)
            .arg("--destination")
            .arg(out)
            .arg("--quiet");
        c
    };
    let mut builds = Builds {
        pages: corpus.pages,
        ..Builds::default()
    };
    // Run 0 is the warm-up (page cache, first check of the outputs). The
    // generators alternate, in turn first, so that a burst of load hits
    // both. Outputs are kept until every run is done: creating files just
    // after deleting thousands is slow on some file systems (ext4 without
    // a journal skips inodes deleted less than 30 s ago, one by one).
    for run in 0..=runs {
        let mut order = vec![Gen::SiteGen];
        if hugo.is_some() {
            order.push(Gen::Hugo);
        }
        if run % 2 == 1 {
            order.reverse();
        }
        for generator in order {
            let (name, out, mut cmd, root) = match (generator, hugo) {
                (Gen::Hugo, Some(hugo)) => {
                    let out = out_dir.join(format!("hugo-{run}"));
                    ("hugo", out.clone(), hugo_cmd(hugo, &out), hugo_root)
                }
                _ => {
                    let out = out_dir.join(format!("site-gen-{run}"));
                    ("site-gen", out.clone(), sg_cmd(&out), sg_root)
                }
            };
            let r = run_measured(&mut cmd)?;
            if !r.success {
                bail!("{name} failed on {}:\n{}", root.display(), r.stderr_tail);
            }
            if run == 0 {
                check_output(&out, name, corpus)?;
            } else if generator == Gen::Hugo {
                builds.hugo.push(r);
            } else {
                builds.site_gen.push(r);
            }
        }
    }
    print_builds(&builds);
    Ok(builds)
}

/// Both generators produced every page, the feed and the sitemap.
fn check_output(out: &Path, who: &str, corpus: &Corpus) -> anyhow::Result<()> {
    let pages = corpus.pages;
    let mut html = 0usize;
    let mut bytes = 0u64;
    let mut stack = vec![out.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let e = e?;
            let ft = e.file_type()?;
            if ft.is_dir() {
                stack.push(e.path());
            } else {
                bytes += e.metadata()?.len();
                if e.path().extension().is_some_and(|x| x == "html") {
                    html += 1;
                }
            }
        }
    }
    let mut missing = Vec::new();
    for p in &corpus.samples {
        if !out.join(&p[1..]).join("index.html").is_file() {
            missing.push(p.clone());
        }
    }
    // `a|b`: one of them (Hugo's feed is `index.xml`, site-gen's `atom.xml`).
    for required in corpus.required {
        if !required.split('|').any(|f| out.join(f).is_file()) {
            missing.push(required.replace('|', " / "));
        }
    }
    let feed = ["atom.xml", "index.xml"]
        .iter()
        .find(|f| out.join(f).is_file());
    if !missing.is_empty() || html < pages {
        bail!(
            "{who}: {html} HTML files for {pages} pages, missing: {}",
            missing.join(", ")
        );
    }
    println!(
        "  {who:<8} sortie : {html} fichiers HTML, {:.1} MiB en tout, flux {}",
        bytes as f64 / 1048576.0,
        feed.unwrap_or(&"aucun")
    );
    Ok(())
}

fn secs(runs: &[Run], f: impl Fn(&Run) -> Duration) -> Vec<f64> {
    runs.iter().map(|r| f(r).as_secs_f64()).collect()
}

fn mib(kib: f64) -> f64 {
    kib / 1024.0
}

fn print_builds(b: &Builds) {
    println!(
        "  {:<8} {:>10} {:>10} {:>10} {:>10} {:>12} {:>12}",
        "", "médiane", "min", "max", "CPU", "pages/s", "RSS max"
    );
    for (who, runs) in [("site-gen", &b.site_gen), ("hugo", &b.hugo)] {
        if runs.is_empty() {
            continue;
        }
        let wall = secs(runs, |r| r.wall);
        let cpu = secs(runs, |r| r.cpu);
        let rss: Vec<f64> = runs.iter().map(|r| r.max_rss_kib as f64).collect();
        let med = median(&wall).unwrap_or(f64::NAN);
        println!(
            "  {who:<8} {:>8.3} s {:>8.3} s {:>8.3} s {:>8.3} s {:>12.0} {:>8.1} MiB",
            med,
            wall.iter().cloned().fold(f64::INFINITY, f64::min),
            wall.iter().cloned().fold(0.0, f64::max),
            median(&cpu).unwrap_or(f64::NAN),
            b.pages as f64 / med,
            mib(median(&rss).unwrap_or(f64::NAN))
        );
    }
    if let (Some(s), Some(h)) = (
        median(&secs(&b.site_gen, |r| r.wall)),
        median(&secs(&b.hugo, |r| r.wall)),
    ) {
        println!("  rapport site-gen / hugo : {:.2}", s / h);
    }
}

/// A published file's sizes: raw, `gzip -9`, brotli (quality 11).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Sizes {
    name: String,
    raw: usize,
    gz: usize,
    br: usize,
}

/// Sizes measured on the real site.
struct Weights {
    widget_raw: usize,
    widget_gz: usize,
    widget_br: usize,
    widget_files: Vec<Sizes>,
    page_raw: usize,
    page_gz: usize,
    page_files: Vec<Sizes>,
}

/// Builds the shipped site (widget compiled, or taken from site-gen's
/// cache) and measures the widget's files and a content page with its CSS.
fn weights(site_gen: &Path, workspace: &Path, out: &Path) -> anyhow::Result<Weights> {
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    let r = run_measured(
        Command::new(site_gen)
            .arg("--root")
            .arg(workspace)
            .args(["--quiet", "build", "--output"])
            .arg(out),
    )?;
    if !r.success {
        bail!("site-gen build of the real site failed:\n{}", r.stderr_tail);
    }
    println!(
        "  site réel construit en {:.2} s (calculateur compilé ou pris dans le cache de site-gen)",
        r.wall.as_secs_f64()
    );
    let measure = |rel: &str| -> anyhow::Result<Sizes> {
        let bytes = std::fs::read(out.join(rel)).with_context(|| format!("{rel} is missing"))?;
        Ok(Sizes {
            name: rel.to_string(),
            raw: bytes.len(),
            gz: gzip_len(&bytes),
            br: brotli_len(&bytes),
        })
    };
    let mut widget_files = Vec::new();
    let assets = out.join("assets");
    if assets.is_dir() {
        for e in std::fs::read_dir(&assets)? {
            let name = e?.file_name().to_string_lossy().into_owned();
            if name.starts_with("calculateur.")
                && (name.ends_with(".wasm") || name.ends_with(".js"))
            {
                widget_files.push(measure(&format!("assets/{name}"))?);
            }
        }
    }
    widget_files.sort();
    if widget_files.is_empty() {
        bail!("no assets/calculateur.* file: was the widget built? (see site-gen's messages)");
    }
    let page_files = vec![measure("faq/index.html")?, measure("style.css")?];
    let sum = |files: &[Sizes], size: fn(&Sizes) -> usize| files.iter().map(size).sum::<usize>();
    for f in widget_files.iter().chain(&page_files) {
        println!(
            "  {:<44} {:>10} brut, {:>10} gzip -9, {:>10} brotli",
            f.name,
            human_size(f.raw),
            human_size(f.gz),
            human_size(f.br)
        );
    }
    Ok(Weights {
        widget_raw: sum(&widget_files, |f| f.raw),
        widget_gz: sum(&widget_files, |f| f.gz),
        widget_br: sum(&widget_files, |f| f.br),
        page_raw: sum(&page_files, |f| f.raw),
        page_gz: sum(&page_files, |f| f.gz),
        widget_files,
        page_files,
    })
}

/// Edit-to-served times of `site-gen serve`.
struct Incremental {
    latencies_ms: Vec<f64>,
    rebuilds_ms: Vec<f64>,
    first_build_ms: Option<f64>,
}

/// Kills the server when the measure ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn incremental(site_gen: &Path, corpus: &Corpus, edits: usize) -> anyhow::Result<Incremental> {
    let root = &corpus.site_gen_root;
    let mut child = Command::new(site_gen)
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0", "--no-widget"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("site-gen serve could not be started")?;
    let stdout = child.stdout.take().context("serve's output")?;
    let _server = Server(child);
    let lines = spawn_line_reader(stdout);

    let mut first_build_ms = None;
    let deadline = Instant::now() + Duration::from_secs(300);
    let url = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .context("site-gen serve printed no URL")?;
        if line.contains("construit") {
            first_build_ms = rebuild_ms(&line).map(|ms| ms as f64);
        }
        if let Some(url) = serve_url(&line) {
            break url.to_string();
        }
    };
    println!("  serveur : {url} (première construction : {first_build_ms:?} ms)");

    let (source, path) = &corpus.edited;
    let file = root.join("content").join(source);
    let page_url = format!("{url}{path}");
    let original = std::fs::read_to_string(&file)?;
    let agent = http_agent(Duration::from_secs(5));
    let (status, _) = http_get(&agent, &page_url)?;
    anyhow::ensure!(status == 200, "GET {path}: {status}");

    let nonce = std::process::id();
    let mut latencies_ms = Vec::new();
    let mut rebuilds_ms = Vec::new();
    let result = (|| -> anyhow::Result<()> {
        for e in 0..edits {
            // Let the previous rebuild's debounce window close, then forget
            // its messages.
            std::thread::sleep(Duration::from_millis(400));
            while lines.try_recv().is_ok() {}
            let marker = format!("marqueurbench{nonce}x{e}");
            let text = format!("{original}\nParagraphe modifié : {marker}.\n");
            let start = Instant::now();
            std::fs::write(&file, text)?;
            loop {
                let (status, body) = http_get(&agent, &page_url)?;
                if status == 200 && memfind(&body, marker.as_bytes()) {
                    break;
                }
                if start.elapsed() > Duration::from_secs(60) {
                    bail!("edit {e}: the new text was not served after 60 s");
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            latencies_ms.push(ms);
            // The rebuild's own report (printed before the swap is visible).
            if let Some(b) = lines
                .recv_timeout(Duration::from_millis(200))
                .ok()
                .and_then(|l| rebuild_ms(&l))
            {
                rebuilds_ms.push(b as f64);
            }
            println!("  modification {:>2} : {ms:>7.1} ms", e + 1);
        }
        Ok(())
    })();
    std::fs::write(&file, &original)?;
    result?;
    Ok(Incremental {
        latencies_ms,
        rebuilds_ms,
        first_build_ms,
    })
}

fn spawn_line_reader(stdout: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn memfind(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[derive(Default)]
struct Report {
    builds: BTreeMap<usize, Builds>,
    weights: Option<Weights>,
    incremental: Option<Incremental>,
}

impl Report {
    fn print(&self) {
        println!("\n== Résumé et objectifs");
        let ok = |pass: bool| if pass { "atteint" } else { "MANQUÉ" };
        for (pages, b) in &self.builds {
            let sg = median(&secs(&b.site_gen, |r| r.wall));
            let hugo = median(&secs(&b.hugo, |r| r.wall));
            let rss = median(
                &b.site_gen
                    .iter()
                    .map(|r| r.max_rss_kib as f64)
                    .collect::<Vec<_>>(),
            )
            .map(mib);
            match (sg, hugo) {
                (Some(s), Some(h)) => match target_ratio(*pages) {
                    Some(target) => println!(
                        "  {pages:>6} pages : site-gen {s:.3} s, hugo {h:.3} s, rapport {:.2} (objectif ≤ {target}) : {}",
                        s / h,
                        ok(s / h <= target)
                    ),
                    None => println!(
                        "  {pages:>6} pages : site-gen {s:.3} s, hugo {h:.3} s, rapport {:.2}",
                        s / h
                    ),
                },
                (Some(s), None) => println!("  {pages:>6} pages : site-gen {s:.3} s (hugo non mesuré)"),
                _ => {}
            }
            if let (Some(rss), Some(target)) = (rss, target_rss_mib(*pages)) {
                println!(
                    "  {pages:>6} pages : RSS max de site-gen {rss:.1} MiB (objectif ≤ {target} MiB) : {}",
                    ok(rss <= target)
                );
            }
        }
        if let Some(w) = &self.weights {
            let gz = w.widget_gz as f64 / 1024.0;
            println!(
                "  calculateur ({} fichiers wasm + JS) : {} brut, {} gzip (objectif ≤ {TARGET_WIDGET_GZ_KIB} KiB) : {}, {} brotli",
                w.widget_files.len(),
                human_size(w.widget_raw),
                human_size(w.widget_gz),
                ok(gz <= TARGET_WIDGET_GZ_KIB),
                human_size(w.widget_br)
            );
            let gz = w.page_gz as f64 / 1024.0;
            println!(
                "  page de contenu ({}) : {} brut, {} gzip (objectif ≤ {TARGET_PAGE_GZ_KIB} KiB) : {}",
                w.page_files
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
                human_size(w.page_raw),
                human_size(w.page_gz),
                ok(gz <= TARGET_PAGE_GZ_KIB)
            );
        }
        if let Some(i) = &self.incremental {
            let med = median(&i.latencies_ms).unwrap_or(f64::NAN);
            let min = i.latencies_ms.iter().cloned().fold(f64::INFINITY, f64::min);
            let max = i.latencies_ms.iter().cloned().fold(0.0, f64::max);
            println!(
                "  incrémental (écriture → nouvelle page servie), médiane de {} : {med:.1} ms (min {min:.1}, max {max:.1} ; objectif ≤ {TARGET_INCREMENTAL_MS} ms) : {}",
                i.latencies_ms.len(),
                ok(med <= TARGET_INCREMENTAL_MS)
            );
            if let Some(b) = median(&i.rebuilds_ms) {
                println!(
                    "    dont reconstruction annoncée par serve : {b:.0} ms (médiane) ; le reste : événement du système de fichiers, attente sans modification (debounce), requête"
                );
            }
            if let Some(f) = i.first_build_ms {
                println!("    première construction de serve : {f:.0} ms");
            }
        }
    }
}
