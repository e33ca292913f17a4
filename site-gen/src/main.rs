//! The `site-gen` command line.

mod cli;
mod report;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use clap::Parser;
use site_gen::{BuildOptions, Diagnostic, Diagnostics};

use cli::{Cli, Command};
use report::{escaped, print_problems, print_trailer, size, Level, Style};

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
