//! The `site-gen` command line.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use site_gen::{BuildOptions, Diagnostics};

#[derive(Parser)]
#[command(name = "site-gen", version, about = "Construit le site de l’Amie à partir de content/ (Markdown) et d’un thème Tera")]
struct Cli {
    /// Dossier du site (contenant content/ et, s’il existe, site.toml).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// N’affiche que les erreurs.
    #[arg(long, short, global = true)]
    quiet: bool,
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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<Diagnostics>() {
                Some(diags) => print_diagnostics(&cli.root, diags),
                None => eprintln!("erreur : {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Build {
            output,
            drafts,
            base_url,
            no_widget,
        } => {
            let start = Instant::now();
            let opts = BuildOptions {
                root: cli.root.clone(),
                include_drafts: *drafts,
                base_url: base_url.clone(),
                widget: !no_widget,
            };
            let out = output.clone().unwrap_or_else(|| cli.root.join("public"));
            let site = site_gen::build(&opts)?;
            site_gen::output::write_site(&cli.root, &out, &site.files)
                .with_context(|| format!("le site n’a pas été écrit dans {}", out.display()))?;
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
            Ok(())
        }
    }
}

/// Compiler-like output: `file:line:col: message`, the offending line and a
/// caret under the column; colours only on a terminal.
fn print_diagnostics(root: &Path, diags: &Diagnostics) {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (red, bold, blue, reset) = if colour {
        ("\x1b[1;31m", "\x1b[1m", "\x1b[1;34m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    for d in diags.iter() {
        eprintln!("{red}erreur{reset} {bold}{d}{reset}");
        let source = std::fs::read_to_string(root.join(&d.file)).ok();
        if let (Some(line), Some(text)) = (d.line, source.as_deref().and_then(|s| d.source_line(s))) {
            eprintln!("{blue}{line:>5} |{reset} {text}");
            if let Some(col) = d.column {
                let pad: String = text
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                eprintln!("{blue}      |{reset} {pad}{red}^{reset}");
            }
        }
    }
    let n = diags.len();
    eprintln!(
        "{red}échec{reset} : {n} {} ; le site précédent n’a pas été modifié",
        if n > 1 { "erreurs" } else { "erreur" }
    );
}
