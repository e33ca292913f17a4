//! The `site-gen` command line.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use site_gen::{BuildOptions, Diagnostic, Diagnostics};

#[derive(Parser)]
#[command(
    name = "site-gen",
    version,
    about = "Construit le site de l’Amie à partir de content/ (Markdown) et d’un thème Tera"
)]
struct Cli {
    /// Dossier du site (contenant content/ et, s’il existe, site.toml).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// N’affiche que les erreurs.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Affiche le détail : fichiers écrits (build), requêtes (serve),
    /// nombre de liens vérifiés (check).
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Construit le site dans public/ (ou --output).
    Build {
        /// Dossier de sortie (par défaut : public/ dans le dossier du site).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Inclut les brouillons (draft = true).
        #[arg(long)]
        drafts: bool,
        /// Remplace base_url de site.toml (déploiements de prévisualisation).
        #[arg(long)]
        base_url: Option<String>,
        /// Ne compile pas le calculateur en WebAssembly (la page des tarifs
        /// garde le calculateur pré-rendu et le tableau statique).
        #[arg(long)]
        no_widget: bool,
        /// Traite les avertissements (valeurs « à compléter »…) comme des
        /// erreurs : rien n’est écrit (pour publier).
        #[arg(long)]
        strict: bool,
    },
    /// Sert le site depuis la mémoire sur http://127.0.0.1:1111, le
    /// reconstruit à chaque modification et recharge les pages ouvertes.
    Serve {
        /// Port d’écoute (0 : un port libre au hasard).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Adresse d’écoute. 0.0.0.0 rend le site accessible depuis le
        /// réseau : seulement si c’est voulu.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Inclut les brouillons (draft = true).
        #[arg(long)]
        drafts: bool,
        /// Adresse du site dans ses liens (par défaut http://<bind>:<port>),
        /// par exemple pour un téléphone avec --bind 0.0.0.0.
        #[arg(long)]
        base_url: Option<String>,
        /// Ne compile pas le calculateur en WebAssembly.
        #[arg(long)]
        no_widget: bool,
    },
    /// Construit le site en mémoire et vérifie ses liens : pages et ancres
    /// internes, id en double, pages orphelines (et, sur demande, les liens
    /// vers d’autres sites).
    Check {
        /// Inclut les brouillons (draft = true).
        #[arg(long)]
        drafts: bool,
        /// Vérifie aussi les liens vers d’autres sites (10 s par lien, 4 à la fois).
        #[arg(long)]
        external: bool,
        /// Ne vérifie pas les liens externes contenant ce texte (répétable).
        #[arg(long, value_name = "MOTIF", requires = "external")]
        skip: Vec<String>,
        /// Ne compile pas le calculateur en WebAssembly.
        #[arg(long)]
        no_widget: bool,
    },
    /// Crée une page (brouillon) : site-gen new actualites/assemblee-generale
    New {
        /// Chemin de la page dans content/, sans .md.
        #[arg(value_name = "CHEMIN")]
        path: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            match e.downcast_ref::<Diagnostics>() {
                Some(diags) => {
                    print_problems(&cli.root, diags.iter(), Level::Error, |_| true);
                    let trailer = match cli.command {
                        Command::Build { .. } => " ; le site précédent n’a pas été modifié",
                        _ => "",
                    };
                    print_trailer(diags.len(), "erreur", trailer);
                }
                None => eprintln!(
                    "{}erreur{} : {}",
                    Style::get().red,
                    Style::get().reset,
                    escaped(&format!("{e:#}"), true)
                ),
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Build {
            output,
            drafts,
            base_url,
            no_widget,
            strict,
        } => {
            let start = Instant::now();
            let opts = BuildOptions {
                root: cli.root.clone(),
                include_drafts: *drafts,
                base_url: base_url.clone(),
                widget: !no_widget,
            };
            let out = output.clone().unwrap_or_else(|| cli.root.join("public"));
            let quiet = cli.quiet;
            let site = site_gen::build_with_progress(
                &opts,
                Arc::new(move |step| {
                    if !quiet {
                        eprintln!("{step}");
                    }
                }),
            )?;
            let built_ms = start.elapsed().as_millis();
            if *strict && !site.warnings.is_empty() {
                print_problems(&cli.root, site.warnings.iter(), Level::Error, |_| true);
                print_trailer(
                    site.warnings.len(),
                    "erreur",
                    " (--strict) ; le site précédent n’a pas été modifié",
                );
                return Ok(ExitCode::FAILURE);
            }
            if !cli.quiet {
                print_problems(&cli.root, site.warnings.iter(), Level::Warning, |_| true);
            }
            site_gen::output::write_site(&cli.root, &out, &site.files)
                .with_context(|| format!("le site n’a pas été écrit dans {}", out.display()))?;
            if cli.verbose {
                for (path, bytes) in &site.files {
                    println!("  {path} ({})", size(bytes.len()));
                }
                let stages: Vec<String> = site
                    .timings
                    .iter()
                    .map(|(stage, d)| format!("{stage} {} ms", d.as_millis()))
                    .collect();
                println!(
                    "Construit en mémoire en {built_ms} ms ({}), écrit en {} ms",
                    stages.join(", "),
                    start.elapsed().as_millis() - built_ms
                );
            }
            if !cli.quiet {
                println!(
                    "Site construit : {} pages, {} sections, {} fichiers en {} ms → {}",
                    site.pages,
                    site.sections,
                    site.files.len(),
                    start.elapsed().as_millis(),
                    out.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            port,
            bind,
            drafts,
            base_url,
            no_widget,
        } => {
            let root = cli.root.clone();
            let report: site_gen::serve::Reporter = Arc::new(move |diags: &Diagnostics| {
                print_problems(&root, diags.iter(), Level::Error, |_| true);
            });
            site_gen::serve::run(site_gen::serve::ServeOptions {
                root: cli.root.clone(),
                bind: *bind,
                port: *port,
                include_drafts: *drafts,
                widget: !no_widget,
                base_url: base_url.clone(),
                quiet: cli.quiet,
                verbose: cli.verbose,
                report,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            drafts,
            external,
            skip,
            no_widget,
        } => {
            let start = Instant::now();
            let report = site_gen::check::check(&site_gen::check::CheckOptions {
                root: cli.root.clone(),
                include_drafts: *drafts,
                widget: !no_widget,
                external: *external,
                skip: skip.clone(),
            })?;
            // Lines of the sources are shown; output files are in memory only.
            let in_sources = |d: &Diagnostic| d.file.starts_with("content");
            if !cli.quiet {
                print_problems(
                    &cli.root,
                    report.warnings.iter(),
                    Level::Warning,
                    in_sources,
                );
            }
            print_problems(&cli.root, report.problems.iter(), Level::Error, in_sources);
            if cli.verbose {
                println!(
                    "{} pages, {} liens internes{} vérifiés en {} ms",
                    report.pages,
                    report.internal_links,
                    if *external {
                        format!(", {} adresses externes", report.external_links)
                    } else {
                        String::new()
                    },
                    start.elapsed().as_millis()
                );
            }
            if report.problems.is_empty() {
                if !cli.quiet {
                    println!(
                        "Vérification terminée : aucun lien cassé ({} pages{})",
                        report.pages,
                        if report.warnings.is_empty() {
                            String::new()
                        } else {
                            format!(", {} avertissement(s)", report.warnings.len())
                        }
                    );
                }
                Ok(ExitCode::SUCCESS)
            } else {
                print_trailer(report.problems.len(), "problème", "");
                Ok(ExitCode::FAILURE)
            }
        }
        Command::New { path } => {
            let today = jiff::ZonedDateTime::now().date();
            let created = site_gen::scaffold::new_page(&cli.root, path, today)
                .map_err(|e| anyhow::anyhow!(e))?;
            let style = Style::get();
            for w in &created.warnings {
                eprintln!("{}attention{} : {w}", style.yellow, style.reset);
            }
            if cli.quiet {
                println!("{}", created.path.display());
            } else {
                println!("Page créée : {}", created.path.display());
                println!("C’est un brouillon (draft = true) : il se voit avec « site-gen serve --drafts » ; supprimez la ligne draft pour le publier.");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

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
    let mut sources: HashMap<PathBuf, Option<Source>> = HashMap::new();
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
        if !show_source(d) || d.line.is_none() {
            continue;
        }
        let source = sources
            .entry(d.file.clone())
            .or_insert_with(|| Source::read(root, &d.file));
        let Some((line, text)) = d.line.zip(source.as_ref().and_then(|s| s.line(d.line?))) else {
            continue;
        };
        let (shown, caret) = window(text, d.column);
        eprintln!("{blue}{line:>5} |{reset} {shown}");
        if let Some(pad) = caret {
            eprintln!("{blue}      |{reset} {pad}{colour}^{reset}");
        }
    }
    for (file, count) in hidden {
        eprintln!(
            "{colour}{label}{reset} {} : {count} autre{} problème{} non affiché{}",
            escaped(&file.display().to_string(), false),
            plural(count),
            plural(count),
            plural(count),
        );
    }
}

/// At most this many problems are shown for one file (all are counted).
const MAX_PER_FILE: usize = 50;

fn plural(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

/// A source file read once for all its problems, with its line starts.
struct Source {
    text: String,
    starts: Vec<usize>,
}

impl Source {
    /// The file as the build reads it: inside the site and regular only
    /// (a diagnostic about a FIFO or a link outside must not hang or leak).
    fn read(root: &Path, file: &Path) -> Option<Source> {
        let text = site_gen::inputs::Inputs::new(root)
            .read_to_string(&root.join(file))
            .ok()??;
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Some(Source { text, starts })
    }

    /// Line `n` (1-based), without its line break.
    fn line(&self, n: usize) -> Option<&str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self.starts.get(n).map_or(self.text.len(), |e| e - 1);
        Some(self.text[start..end].trim_end_matches('\r'))
    }
}

/// Characters of a long line shown on each side of the column.
const CONTEXT: usize = 60;

/// The line as printed (escaped; a long one cut around `column`, with `…`)
/// and the padding that puts a caret under `column`.
fn window(text: &str, column: Option<usize>) -> (String, Option<String>) {
    let chars: Vec<char> = text.chars().collect();
    let col = column.map(|c| c.saturating_sub(1).min(chars.len()));
    let at = col.unwrap_or(0);
    let from = at.saturating_sub(CONTEXT);
    let to = (at + CONTEXT).min(chars.len());
    let (from, to) = if chars.len() <= 2 * CONTEXT {
        (0, chars.len())
    } else {
        (from, to)
    };
    let mut shown = String::new();
    let mut pad = String::new();
    if from > 0 {
        shown.push('…');
        pad.push(' ');
    }
    for (i, c) in chars[from..to].iter().enumerate() {
        let e = escaped(&c.to_string(), false);
        if from + i < at {
            let fill = if *c == '\t' { '\t' } else { ' ' };
            pad.extend(std::iter::repeat_n(fill, e.chars().count()));
        }
        shown.push_str(&e);
    }
    if to < chars.len() {
        shown.push('…');
    }
    (shown, col.map(|_| pad))
}

/// `s` with control characters (terminal escape sequences, carriage
/// returns…) written as `\u{1b}`, so a file name or a text from the sources
/// cannot drive the terminal; tabs stay, and line breaks when `lines`.
fn escaped(s: &str, lines: bool) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => c.to_string(),
            '\n' if lines => c.to_string(),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                c.escape_unicode().to_string()
            }
            c => c.to_string(),
        })
        .collect()
}

/// `échec : 3 erreurs{trailer}`
fn print_trailer(n: usize, noun: &str, trailer: &str) {
    let Style { red, reset, .. } = Style::get();
    eprintln!(
        "{red}échec{reset} : {n} {noun}{}{trailer}",
        if n > 1 { "s" } else { "" }
    );
}
