//! Command-line interface: argument parsing and dispatch to subcommands.

mod admin;
mod remote;
mod serve;
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
    /// Run the node: TAXII 2.1 server and admin API.
    Serve(serve::Args),
    /// Validate STIX 2.1 files against the specification.
    Validate(validate::Args),
    /// Manage users (password from standard input).
    User {
        #[command(flatten)]
        target: admin::TargetArgs,
        #[command(subcommand)]
        command: admin::UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(flatten)]
        target: admin::TargetArgs,
        #[command(subcommand)]
        command: admin::TokenCommand,
    },
    /// Manage collections.
    Collection {
        #[command(flatten)]
        target: admin::TargetArgs,
        #[command(subcommand)]
        command: admin::CollectionCommand,
    },
    /// Set a user's rights on a collection: read, write, read-write or none.
    Grant {
        #[command(flatten)]
        target: admin::TargetArgs,
        #[command(flatten)]
        args: admin::GrantArgs,
    },
}

/// Exit status for bad usage or unreadable input.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Parses the command line and runs the chosen subcommand.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Validate(args) => return validate::run(&args),
        Command::Serve(args) => serve::run(args),
        Command::User { target, command } => admin::user(&target, command),
        Command::Token { target, command } => admin::token(&target, command),
        Command::Collection { target, command } => admin::collection(&target, command),
        Command::Grant { target, args } => admin::grant(&target, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("liaison: {e:#}");
            ExitCode::from(1)
        }
    }
}
