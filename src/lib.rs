//! dangol: a micro-ERP that lives inside a small shop's own spreadsheet.
//!
//! The data flows one way: [`ingest`] reads a workbook into typed rows ([`model`]),
//! [`analysis`] turns rows and [`settings`] into plain tables, and [`render`] and
//! [`writeback`] turn tables into terminal text, JSON/CSV, sheets and PDF.

pub mod analysis;
pub mod cli;
pub mod cmd;
pub mod exit;
pub mod ingest;
pub mod model;
pub mod render;
pub mod rules;
pub mod sample;
pub mod settings;
pub mod starter;
pub mod writeback;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::exit::Exit;

/// Run one command; errors are returned, not printed.
pub fn run(cli: &Cli) -> anyhow::Result<Exit> {
    match &cli.command {
        Command::Check(a) => cmd::check::run(a, &cli.global),
        Command::Config(a) => cmd::config::run(a, &cli.global),
        Command::Report(a) => cmd::report::run(a, &cli.global),
    }
}

/// Parse arguments, run, print any error, and return the exit code.
pub fn main_with_args<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Usage.code()
            } else {
                Exit::Ok.code()
            };
            let _ = e.print();
            return code;
        }
    };
    match run(&cli) {
        Ok(exit) => exit.code(),
        Err(e) => {
            eprintln!("dangol: error: {e:#}");
            error_exit(&e).code()
        }
    }
}

/// The exit code an error maps to.
fn error_exit(e: &anyhow::Error) -> Exit {
    if e.chain().any(|c| {
        c.to_string().contains("is locked by another dangol run")
            || c.to_string().contains("is open in Excel")
    }) {
        Exit::Locked
    } else {
        Exit::Failure
    }
}
