//! The `liaison` binary: command-line entry point and the wiring of the
//! library crates into a running node.

mod bootstrap;
mod cli;
mod config;
mod fsutil;
mod pin;
mod tls;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
