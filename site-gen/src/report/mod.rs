//! Everything the command line prints: problems as `file:line:col:
//! message` with the source line and a caret, the closing count, warnings,
//! each command's summaries, timings, sizes, colours, French plurals. The
//! commands (`cmd/`) only say what happened.

mod usage;

pub(crate) use usage::usage_error;

use std::collections::HashMap;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use site_gen::check::CheckReport;
use site_gen::diagnostics::{escape_controls as escaped, Sources};
use site_gen::junk::{Reason, Skipped};
use site_gen::scaffold::{Created, Initialized};
use site_gen::serve::{BuildEnd, Changes, Event, Outcome};
use site_gen::site::{OnProgress, Timings};
use site_gen::widget::Progress;
use site_gen::{BuiltSite, Diagnostic, Diagnostics, RebuildReport};

/// `1 erreur`, `3 erreurs`: `n` with its noun (and what agrees with it),
/// plural from 2.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// `attention : {message}` (stderr), for what is not a problem of a file.
fn warning(message: &str) {
    let Style { yellow, reset, .. } = Style::get();
    eprintln!("{yellow}attention{reset} : {}", escaped(message, true));
}

/// How much to print: `--quiet`, `--verbose`.
#[derive(Clone, Copy)]
pub(crate) struct Verbosity {
    pub(crate) quiet: bool,
    pub(crate) verbose: bool,
}

/// The problems that stopped a command, then `échec : 3 erreurs{why}`.
fn errors(root: &Path, problems: &[Diagnostic], why: &str) {
    print_problems(root, problems, Level::Error, |_| true);
    print_trailer(problems.len(), ("erreur", "erreurs"), why);
}

/// A command that failed: its problems, or `erreur : ` and the message
/// with its causes.
pub(crate) fn failure(root: &Path, error: &anyhow::Error) {
    match error.downcast_ref::<Diagnostics>() {
        Some(problems) => errors(root, &problems.0, ""),
        None => {
            let Style { red, reset, .. } = Style::get();
            eprintln!("{red}erreur{reset} : {}", escaped(&causes(error), true));
        }
    }
}

/// `error` and its causes joined the French way (` : `), each said once:
/// the library's error types quote their source in their message, so a
/// cause the message already ends with is not repeated.
fn causes(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if text.ends_with(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(" : ");
        }
        text.push_str(&part);
    }
    text
}

/// A slow step of a build (the widget's compilation), unless `quiet`.
fn step(quiet: bool, step: Progress) {
    if !quiet {
        eprintln!("{step}");
    }
}

/// Tells the slow steps of a build, unless `quiet`.
pub(crate) fn progress(quiet: bool) -> OnProgress {
    Arc::new(move |s| step(quiet, s))
}

/// Warnings of a build or a check; with `in_sources`, the source line is
/// shown for the problems it accepts.
pub(crate) fn warnings(
    root: &Path,
    warnings: &[Diagnostic],
    in_sources: impl Fn(&Diagnostic) -> bool,
) {
    print_problems(root, warnings, Level::Warning, in_sources);
}

// `site-gen build`

/// The problems that stopped a build (with `strict`, its warnings): nothing
/// was written.
pub(crate) fn build_stopped(root: &Path, problems: &[Diagnostic], strict: bool) {
    let strict = if strict { " (--strict)" } else { "" };
    let why = format!("{strict} ; le site précédent n’a pas été modifié");
    errors(root, problems, &why);
}

/// `--verbose`: every file with its size, then the time of each stage
/// (`built`: in memory; `total`: written too).
pub(crate) fn build_details(site: &BuiltSite, built: Duration, total: Duration) {
    for (path, bytes) in site.file_sizes() {
        println!("  {path} ({})", size(bytes));
    }
    skipped(&site.skipped);
    let stages: Vec<String> = site
        .timings
        .iter()
        .map(|(stage, d)| format!("{stage} {} ms", d.as_millis()))
        .collect();
    println!(
        "Construit en mémoire en {} ms ({}), écrit en {} ms",
        built.as_millis(),
        stages.join(", "),
        total.as_millis() - built.as_millis()
    );
}

/// The files left out of the site, each with why:
/// `  ignoré : content/faq.md~ (copie de sauvegarde, fichier temporaire ou système)`.
fn skipped(files: &[Skipped]) {
    for s in files {
        let why = match &s.reason {
            Reason::Junk => "copie de sauvegarde, fichier temporaire ou système".to_string(),
            Reason::Ignored(pattern) => format!("ignore = « {} »", escaped(pattern, false)),
        };
        println!(
            "  ignoré : {} ({why})",
            escaped(&s.file.display().to_string(), false)
        );
    }
}

/// `Site construit : 19 pages, 4 sections, 32 fichiers en 150 ms → public`
pub(crate) fn built(site: &BuiltSite, total: Duration, out: &Path) {
    println!(
        "Site construit : {}, {}, {} en {} ms → {}",
        count(site.pages, "page", "pages"),
        count(site.sections, "section", "sections"),
        count(site.file_sizes().len(), "fichier", "fichiers"),
        total.as_millis(),
        escaped(&out.display().to_string(), false)
    );
}

// `site-gen check`

/// Whether a problem of `check` is in a source, whose line can be shown
/// (the output files are in memory only).
fn in_sources(d: &Diagnostic) -> bool {
    d.file.starts_with("content")
}

/// What `check` found (warnings unless `quiet`; `verbose`: what was
/// checked, in `elapsed`), then its conclusion. True when no link is broken.
pub(crate) fn checked(
    root: &Path,
    report: &CheckReport,
    Verbosity { quiet, verbose }: Verbosity,
    external: bool,
    elapsed: Duration,
) -> bool {
    if !quiet {
        warnings(root, &report.warnings, in_sources);
    }
    print_problems(root, &report.problems, Level::Error, in_sources);
    if verbose {
        println!(
            "{} pages, {} liens internes{} vérifiés en {} ms",
            report.pages,
            report.internal_links,
            if external {
                format!(", {} adresses externes", report.external_links)
            } else {
                String::new()
            },
            elapsed.as_millis()
        );
    }
    if !report.problems.is_empty() {
        print_trailer(report.problems.len(), ("problème", "problèmes"), "");
        return false;
    }
    if !quiet {
        println!(
            "Vérification terminée : aucun lien cassé ({}{})",
            count(report.pages, "page", "pages"),
            if report.warnings.is_empty() {
                String::new()
            } else {
                format!(
                    ", {}",
                    count(report.warnings.len(), "avertissement", "avertissements")
                )
            }
        );
    }
    true
}

// `site-gen new`

/// The page created (only its path when `quiet`) and how to publish it.
pub(crate) fn created(created: &Created, quiet: bool) {
    for w in &created.warnings {
        warning(w);
    }
    let path = escaped(&created.path.display().to_string(), false);
    if quiet {
        println!("{path}");
    } else {
        println!("Page créée : {path}");
        println!("C’est un brouillon (draft = true) : il se voit avec « site-gen serve --drafts » ; supprimez la ligne draft pour le publier.");
    }
}

// `site-gen init`

/// The new site's files, then how to see it.
pub(crate) fn initialized(site: &Initialized, quiet: bool) {
    let root = escaped(&site.root.display().to_string(), false);
    if quiet {
        println!("{root}");
        return;
    }
    println!(
        "Site créé dans {root} : {}",
        count(site.files.len(), "fichier", "fichiers")
    );
    for file in &site.files {
        println!("  {}", escaped(&file.display().to_string(), false));
    }
    println!("Les valeurs « à compléter » se renseignent dans site.toml ([organisation]).");
    println!("Pour voir le site : site-gen serve --root {root}");
}

// `site-gen serve`

/// What `serve` prints over its run: a build's warnings when they differ
/// from the last ones printed (not again at every rebuild).
pub(crate) struct ServeReport {
    root: PathBuf,
    verbosity: Verbosity,
    warned: Mutex<Vec<Diagnostic>>,
}

impl ServeReport {
    pub(crate) fn new(root: PathBuf, verbosity: Verbosity) -> Self {
        ServeReport {
            root,
            verbosity,
            warned: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn event(&self, event: Event<'_>) {
        if let Event::Build(BuildEnd {
            outcome: Outcome::Built { report, .. },
            ..
        }) = &event
        {
            let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
            if *warned != report.warnings {
                warnings(&self.root, &report.warnings, |_| true);
                warned.clone_from(&report.warnings);
            }
        }
        serve_event(&self.root, self.verbosity, event);
    }
}

/// What the server tells: warnings always, builds unless `quiet`,
/// requests and timings with `verbose`.
fn serve_event(root: &Path, Verbosity { quiet, verbose }: Verbosity, event: Event<'_>) {
    match event {
        Event::Progress(s) => step(quiet, s),
        Event::NotWatched(e) => warning(&format!(
            "les fichiers ne sont pas surveillés ({e}) : relancez la commande après chaque modification"
        )),
        Event::WatchIncomplete(e) => {
            warning(&format!("surveillance incomplète des fichiers : {e}"))
        }
        Event::WatchFailed(e) => warning(&format!("surveillance des fichiers : {e}")),
        Event::Listening {
            addr,
            url,
            base_url,
            base_url_given,
        } => {
            if addr.ip().is_unspecified() {
                warning(&format!(
                    "--bind {} rend le site accessible depuis le réseau (toutes les interfaces), pas seulement depuis cet ordinateur",
                    addr.ip()
                ));
                if !base_url_given {
                    eprintln!(
                        "  les liens du site pointent vers {base_url} : depuis un autre appareil, ajoutez --base-url http://<adresse de cet ordinateur>:{}",
                        addr.port()
                    );
                }
            }
            if !quiet {
                println!("Site servi sur {url} (Ctrl+C pour arrêter)");
            }
        }
        Event::Build(end) => {
            rebuilt(root, Verbosity { quiet, verbose }, &end);
            let _ = std::io::stdout().flush();
        }
        Event::Request {
            method,
            target,
            status,
            elapsed,
        } if verbose => println!("{method} {target} → {status} ({} µs)", elapsed.as_micros()),
        Event::EventStream { target, accepted } if verbose => {
            println!("GET {target} → connexion de rechargement automatique (WebSocket)");
            if !accepted {
                println!("  trop de pages ouvertes : la page réessaiera");
            }
        }
        Event::Request { .. } | Event::EventStream { .. } => {}
    }
}

/// A build of `serve`: its problems, or what it changed.
fn rebuilt(root: &Path, Verbosity { quiet, verbose }: Verbosity, end: &BuildEnd<'_>) {
    let what = changes(end.changed);
    let ms = end.elapsed.as_millis();
    match end.outcome {
        Outcome::Failed { problems, previous } => {
            print_problems(root, problems.iter(), Level::Error, |_| true);
            eprintln!(
                "{what}échec de la construction en {ms} ms : les erreurs s’affichent aussi dans le navigateur ; {}",
                if previous {
                    "le site servi reste la dernière version réussie"
                } else {
                    "le site sera servi dès que la construction réussira"
                }
            );
        }
        _ if quiet => {}
        Outcome::Built {
            report,
            unchanged,
            pages,
            sections,
            files,
        } => {
            if unchanged {
                println!("{what}le site n’a pas changé ({ms} ms)");
            } else if end.changed.is_empty() {
                println!(
                    "Site construit en {ms} ms : {pages} pages, {sections} sections, {files} fichiers"
                );
            } else {
                println!("{what}{} en {ms} ms", done(report));
            }
            if verbose {
                println!("  {}", rebuild_timings(report));
            }
        }
    }
}

/// `content/faq.md modifié : ` (the first few files).
fn changes(changed: Changes<'_>) -> String {
    if changed.is_empty() {
        return String::new();
    }
    let shown = changed.shown();
    let names: Vec<String> = shown
        .iter()
        .take(3)
        .map(|p| escaped(&p.display().to_string(), false))
        .collect();
    let more = if shown.len() > 3 {
        format!(" (+{})", shown.len() - 3)
    } else {
        String::new()
    };
    format!("{}{more} modifié : ", names.join(", "))
}

/// `1 page reconstruite`, `2 pages reconstruites, 3 autres fichiers`.
fn done(report: &RebuildReport) -> String {
    let pages = count(report.pages, "page reconstruite", "pages reconstruites");
    match (report.pages, report.others) {
        (0, 0) => count(
            report.changed.len(),
            "fichier mis à jour",
            "fichiers mis à jour",
        ),
        (_, 0) => pages,
        (0, n) => count(n, "fichier reconstruit", "fichiers reconstruits"),
        (_, n) => format!("{pages}, {}", count(n, "autre fichier", "autres fichiers")),
    }
}

/// `lecture des sources 1,2 ms · markdown 0,4 ms · … ; rendus : Markdown 1,
/// pages 2, autres 0` (`serve --verbose`).
fn rebuild_timings(report: &RebuildReport) -> String {
    format!(
        "{} ; rendus : Markdown {}, pages {}, autres {}",
        stage_times(&report.timings).join(" · "),
        report.markdown,
        report.pages,
        report.others
    )
}

/// `lecture des sources 1,2 ms` for each stage.
fn stage_times(timings: &Timings) -> Vec<String> {
    timings
        .iter()
        .map(|(stage, d)| {
            let ms = format!("{:.1}", d.as_secs_f64() * 1000.0).replace('.', ",");
            format!("{stage} {ms} ms")
        })
        .collect()
}

// The printer of problems, and what every message is made of.

/// `12,3 Kio`
fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} o")
    } else {
        format!("{:.1} Kio", bytes as f64 / 1024.0).replace('.', ",")
    }
}

/// Terminal colours, only on a terminal and without NO_COLOR.
struct Style {
    red: &'static str,
    yellow: &'static str,
    bold: &'static str,
    blue: &'static str,
    reset: &'static str,
}

impl Style {
    fn get() -> Style {
        let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        if colour {
            Style {
                red: "\x1b[1;31m",
                yellow: "\x1b[1;33m",
                bold: "\x1b[1m",
                blue: "\x1b[1;34m",
                reset: "\x1b[0m",
            }
        } else {
            Style {
                red: "",
                yellow: "",
                bold: "",
                blue: "",
                reset: "",
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Level {
    Error,
    Warning,
}

/// Compiler-like output: `file:line:col: message`, the offending line and a
/// caret under the column (when `show_source` says the file is a source);
/// colours only on a terminal.
fn print_problems<'a>(
    root: &Path,
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    level: Level,
    show_source: impl Fn(&Diagnostic) -> bool,
) {
    let Style {
        red,
        yellow,
        bold,
        blue,
        reset,
    } = Style::get();
    let (colour, label) = match level {
        Level::Error => (red, "erreur"),
        Level::Warning => (yellow, "attention"),
    };
    let mut sources = Sources::new(root);
    let mut per_file: HashMap<&Path, usize> = HashMap::new();
    let mut hidden: Vec<(&Path, usize)> = Vec::new();
    for d in diags {
        // A file with thousands of problems (a pasted binary, an unclosed
        // construct repeated) must not flood the terminal.
        let n = per_file.entry(d.file.as_path()).or_default();
        *n += 1;
        if *n > MAX_PER_FILE {
            match hidden.iter_mut().find(|(f, _)| *f == d.file.as_path()) {
                Some((_, count)) => *count += 1,
                None => hidden.push((d.file.as_path(), 1)),
            }
            continue;
        }
        let mut place = escaped(&d.file.display().to_string(), false);
        if let Some(line) = d.line {
            place.push_str(&format!(":{line}"));
            if let Some(column) = d.column {
                place.push_str(&format!(":{column}"));
            }
        }
        let message = escaped(&d.message, true);
        eprintln!("{colour}{label}{reset} {bold}{place}: {message}{reset}");
        let Some(excerpt) = show_source(d).then(|| sources.excerpt(d)).flatten() else {
            continue;
        };
        eprintln!("{blue}{:>5} |{reset} {}", excerpt.line, excerpt.text);
        if let Some(pad) = excerpt.caret {
            eprintln!("{blue}      |{reset} {pad}{colour}^{reset}");
        }
    }
    for (file, n) in hidden {
        eprintln!(
            "{colour}{label}{reset} {} : {}",
            escaped(&file.display().to_string(), false),
            count(
                n,
                "autre problème non affiché",
                "autres problèmes non affichés"
            ),
        );
    }
}

/// At most this many problems are shown for one file (all are counted).
const MAX_PER_FILE: usize = 50;

/// `échec : 3 erreurs{trailer}`
fn print_trailer(n: usize, noun: (&str, &str), trailer: &str) {
    let Style { red, reset, .. } = Style::get();
    eprintln!("{red}échec{reset} : {}{trailer}", count(n, noun.0, noun.1));
}

#[cfg(test)]
mod tests;
