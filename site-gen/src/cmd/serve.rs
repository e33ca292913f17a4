//! `site-gen serve`: the site from memory, rebuilt on every change.

use std::process::ExitCode;
use std::sync::Arc;

use site_gen::serve::ServeOptions;

use crate::cli::{Cli, ServeArgs};
use crate::report;

pub(crate) fn run(cli: &Cli, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let root = cli.root.clone();
    let verbosity = cli.verbosity();
    site_gen::serve::run(ServeOptions {
        root: cli.root.clone(),
        bind: args.bind,
        port: args.port,
        include_drafts: args.drafts,
        widget: !args.no_widget,
        base_url: args.base_url.clone(),
        report: Arc::new(move |event| report::serve_event(&root, verbosity, event)),
    })?;
    Ok(ExitCode::SUCCESS)
}
