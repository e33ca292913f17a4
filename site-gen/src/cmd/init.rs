//! `site-gen init [DIR]`: a new site that builds at once.

use std::process::ExitCode;

use crate::cli::{Cli, InitArgs};
use crate::report;

pub(crate) fn run(cli: &Cli, args: &InitArgs) -> anyhow::Result<ExitCode> {
    let dir = args.dir.as_ref().unwrap_or(&cli.root);
    let site = site_gen::scaffold::init_site(dir, args.nom.as_deref())?;
    report::initialized(&site, cli.quiet);
    Ok(ExitCode::SUCCESS)
}
