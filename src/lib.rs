//! dangol: a micro-ERP that lives inside a small shop's own spreadsheet.
//!
//! The data flows one way: [`ingest`] reads a workbook into typed rows ([`model`]),
//! [`analysis`] turns rows and [`settings`] into plain tables, and [`render`] and
//! [`writeback`] turn tables into terminal text, JSON/CSV, sheets and PDF.

pub mod analysis;
pub mod cli;
pub mod cmd;
pub mod exit;
pub mod i18n;
pub mod ingest;
pub mod model;
pub mod notify;
pub mod pipeline;
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
    render::terminal::init_colour(cli.global.no_color);
    // Flags → a checked plan before any file is opened; a wrong command line exits 2.
    let g = &cli::Context::check(&cli.global, &cli.command)?;
    match &cli.command {
        Command::Check(a) => cmd::check::run(a, g),
        Command::Config(a) => cmd::config::run(a, g),
        Command::Customers(a) => cmd::customers::run(a, g),
        Command::Funnel(a) => cmd::funnel::run(a, g),
        Command::Groups(a) => cmd::groups::run(a, g),
        Command::Init(a) => cmd::init::run(a, g),
        Command::Sample(a) => cmd::sample::run(a, g),
        Command::Remind(a) => cmd::remind::run(a, g),
        Command::Run(a) => cmd::run::run(a, g),
        Command::Report(a) => cmd::report::run(a, g),
        Command::Value(a) => cmd::value::run(a, g),
        Command::Notify(a) => cmd::notify::run(a, g),
        Command::Stock(a) => cmd::stock::run(a, g),
        Command::Today(a) => cmd::today::run(a, g),
        Command::ImportProducts(a) => cmd::import_products::run(a, g),

        Command::Completions(a) => cmd::completions::run(a),
        Command::Man(a) => cmd::completions::run_man(a),
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
            // An error may quote a cell: shown, never run by the terminal.
            let msg = format!("{e:#}");
            // The workbook's language (or `--lang`) for an error whose text is in the message
            // catalogue; the others are English texts still, and a line is in one language.
            let localised = e.chain().any(|c| {
                matches!(
                    c.downcast_ref::<ingest::LoadError>(),
                    Some(ingest::LoadError::NoData { .. })
                ) || c.is::<cmd::UsageError>()
            });
            let lang = if localised {
                i18n::lang_of(&cli.global)
            } else {
                model::Lang::En
            };
            let shown = render::terminal::visible_lines(&msg);
            let line = msg!(lang, ErrorLine, message = shown);
            eprintln!("{}", render::terminal::stderr_line(&line));
            error_exit(&e).code()
        }
    }
}

/// The exit code an error maps to: 3 when the workbook is locked by another run or open in a
/// spreadsheet program (found by type anywhere in the error's chain, so context added on the
/// way up does not hide it), 2 when an output path was refused (a usage error), else 1.
pub fn error_exit(e: &anyhow::Error) -> Exit {
    let busy = e.chain().any(|c| {
        matches!(
            c.downcast_ref::<writeback::WritebackError>(),
            Some(
                writeback::WritebackError::Locked { .. }
                    | writeback::WritebackError::OpenElsewhere { .. }
                    | writeback::WritebackError::Changed { .. }
            )
        )
    });
    // A command line that is wrong (`--set lookback=30`) or an output that would land on an
    // input or on a file dangol did not make: usage errors, exit 2.
    let usage = e.chain().any(|c| {
        c.is::<cmd::UsageError>() || c.downcast_ref::<render::output::Refused>().is_some()
    });
    if busy {
        Exit::Locked
    } else if usage {
        Exit::Usage
    } else {
        Exit::Failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use writeback::WritebackError;

    #[test]
    fn locked_and_open_elsewhere_exit_3_through_context() {
        let locked = anyhow::Error::new(WritebackError::Locked {
            workbook: PathBuf::from("a.xlsx"),
            lock: PathBuf::from(".~a.xlsx.dangol.lock"),
        })
        .context("writing a.xlsx");
        assert_eq!(error_exit(&locked), Exit::Locked);
        let open = anyhow::Error::new(WritebackError::OpenElsewhere {
            workbook: PathBuf::from("a.xlsx"),
            owner: PathBuf::from("~$a.xlsx"),
        });
        assert_eq!(error_exit(&open), Exit::Locked);
        // A message that merely mentions Excel is not a lock.
        let other = anyhow::anyhow!("a.xlsx is open in Excel, says a user sheet");
        assert_eq!(error_exit(&other), Exit::Failure);
        let io = anyhow::Error::new(WritebackError::Io(std::io::Error::other("disk full")));
        assert_eq!(error_exit(&io), Exit::Failure);
    }
}
