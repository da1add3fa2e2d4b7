//! Command-line interface: argument parsing and dispatch to subcommands.

mod admin;
mod agreement;
mod council;
mod exchange;
mod ledger;
mod member;
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
    /// This node's member identity: signing key, TLS certificate, member card.
    Member {
        #[command(flatten)]
        data: member::DataArgs,
        #[command(subcommand)]
        command: member::Command,
    },
    /// Found a commonwealth: draft, sign, verify and adopt its agreement.
    Agreement {
        #[command(subcommand)]
        command: agreement::Command,
    },
    /// Share STIX with other members: all, or named ones.
    Share(exchange::ShareArgs),
    /// Accept an object received from another member (tell its originator
    /// it is read and taken into work).
    Accept(exchange::AcceptArgs),
    /// React to an object received from another member (seen, blocked,
    /// ...); the reaction goes to its originator.
    React(exchange::ReactArgs),
    /// Where an object this node shared stands, per recipient: queued,
    /// delivered, accepted, reactions.
    Status(exchange::StatusArgs),
    /// At a recipient: the originator's signed provenance of each version
    /// of a received object, checked again (who shared it, when, with whom).
    Provenance(exchange::ProvenanceArgs),
    /// The council: propose admissions, suspensions, reinstatements,
    /// expulsions and amendments; vote; list proposals.
    Council {
        #[command(flatten)]
        target: admin::TargetArgs,
        #[command(subcommand)]
        command: council::Command,
    },
    /// Send objects this node shared with all earlier to one member
    /// (typically one just admitted).
    Resend(council::ResendArgs),
    /// The council's ledger: show it, verify it from the founding
    /// agreement, export it for a candidate.
    Ledger {
        #[command(flatten)]
        target: admin::TargetArgs,
        #[command(subcommand)]
        command: ledger::Command,
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
        Command::Member { data, command } => member::run(&data, command),
        Command::Agreement { command } => agreement::run(command),
        Command::Share(args) => exchange::share(&args),
        Command::Accept(args) => exchange::accept(&args),
        Command::React(args) => exchange::react(&args),
        Command::Status(args) => exchange::status(&args),
        Command::Provenance(args) => exchange::provenance(&args),
        Command::Council { target, command } => council::run(&target, command),
        Command::Ledger { target, command } => ledger::run(&target, command),
        Command::Resend(args) => council::resend(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("liaison: {e:#}");
            ExitCode::from(1)
        }
    }
}
