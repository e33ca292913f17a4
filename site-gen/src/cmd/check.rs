//! `site-gen check`: builds the site in memory and checks its links.

use std::process::ExitCode;
use std::time::Instant;

use site_gen::check::CheckOptions;

use crate::cli::{CheckArgs, Cli};
use crate::report;

pub(crate) fn run(cli: &Cli, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let found = site_gen::check::check(&CheckOptions {
        root: cli.root.clone(),
        include_drafts: args.drafts,
        widget: !args.no_widget,
        external: args.external,
        skip: args.skip.clone(),
    })?;
    let verbosity = cli.verbosity();
    let elapsed = start.elapsed();
    Ok(
        if report::checked(&cli.root, &found, verbosity, args.external, elapsed) {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        },
    )
}
