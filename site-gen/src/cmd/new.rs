//! `site-gen new`: a new page (a draft) with its front matter.

use std::process::ExitCode;

use crate::cli::{Cli, NewArgs};
use crate::report;

pub(crate) fn run(cli: &Cli, args: &NewArgs) -> anyhow::Result<ExitCode> {
    let today = jiff::ZonedDateTime::now().date();
    let created =
        site_gen::scaffold::new_page(&cli.root, &args.path, args.title.as_deref(), today)?;
    report::created(&created, cli.quiet);
    Ok(ExitCode::SUCCESS)
}
