//! Command-line interface: argument parsing and dispatch to subcommands.

mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Liaison: a node for the operative exchange of security information
/// (STIX 2.1 over TAXII 2.1) between member organisations.
#[derive(Debug, Parser)]
#[command(name = "liaison", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate STIX 2.1 files against the specification.
    Validate(validate::Args),
}

/// Exit status for bad usage or unreadable input.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Parses the command line and runs the chosen subcommand.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(EXIT_USAGE) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Command::Validate(args) => validate::run(&args),
    }
}
