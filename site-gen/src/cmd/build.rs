//! `site-gen build`: builds the site in memory, then writes it in one swap.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use site_gen::BuildOptions;

use crate::cli::{BuildArgs, Cli};
use crate::report;

pub(crate) fn run(cli: &Cli, args: &BuildArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let opts = BuildOptions {
        root: cli.root.clone(),
        include_drafts: args.drafts,
        base_url: args.base_url.clone(),
        widget: !args.no_widget,
    };
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| cli.root.join("public"));
    let site = match site_gen::build_with_progress(&opts, report::progress(cli.quiet)) {
        Ok(site) => site,
        Err(problems) => {
            report::build_stopped(&cli.root, &problems.0, false);
            return Ok(ExitCode::FAILURE);
        }
    };
    let built = start.elapsed();
    if args.strict && !site.warnings.is_empty() {
        report::build_stopped(&cli.root, &site.warnings, true);
        return Ok(ExitCode::FAILURE);
    }
    if !cli.quiet {
        report::warnings(&cli.root, &site.warnings, |_| true);
    }
    site_gen::output::write_built(&cli.root, &out, &site)
        .with_context(|| format!("le site n’a pas été écrit dans {}", out.display()))?;
    if cli.verbose {
        report::build_details(&site, built, start.elapsed());
    }
    if !cli.quiet {
        report::built(&site, start.elapsed(), &out);
    }
    Ok(ExitCode::SUCCESS)
}
