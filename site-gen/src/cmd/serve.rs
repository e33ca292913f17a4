//! `site-gen serve`: the site from memory, rebuilt on every change.

use std::process::ExitCode;
use std::sync::Arc;

use site_gen::serve::ServeOptions;

use crate::cli::{Cli, ServeArgs};
use crate::report;

pub(crate) fn run(cli: &Cli, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let printer = report::ServeReport::new(cli.root.clone(), cli.verbosity());
    site_gen::serve::run(ServeOptions {
        root: cli.root.clone(),
        bind: args.bind,
        port: args.port,
        include_drafts: args.drafts,
        widget: !args.no_widget,
        base_url: args.base_url.clone(),
        report: Arc::new(move |event| printer.event(event)),
    })?;
    Ok(ExitCode::SUCCESS)
}
