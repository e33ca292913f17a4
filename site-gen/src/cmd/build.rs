//! `site-gen build`: builds the site, each page written beside the output
//! as soon as it is rendered, then swaps the new site in.

use std::process::ExitCode;
use std::time::Instant;

use std::sync::Arc;

use anyhow::Context as _;
use site_gen::output::Staging;
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
        image_cache: None,
    };
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| cli.root.join("public"));
    // Dropped unfinished (a failed build), it leaves the output as it was.
    let staging = Arc::new(Staging::new(&cli.root, &out));
    let sink = Arc::clone(&staging) as Arc<dyn site_gen::PageSink>;
    let site = match site_gen::build_into(&opts, report::progress(cli.quiet), sink) {
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
    let staging = Arc::try_unwrap(staging)
        .map_err(|_| anyhow::anyhow!("écriture du site encore en cours"))?;
    staging
        .finish(&site)
        .with_context(|| format!("le site n’a pas été écrit dans {}", out.display()))?;
    if cli.verbose {
        report::build_details(&site, built, start.elapsed());
    }
    if !cli.quiet {
        report::built(&site, start.elapsed(), &out);
    }
    Ok(ExitCode::SUCCESS)
}
