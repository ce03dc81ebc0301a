//! `dangol check`: what was found where, and every data problem.

use std::path::PathBuf;

use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::model::Severity;
use crate::render::check_report;

/// Show which sheet holds what, how each column was understood, and every problem.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol check shop.xlsx                 # sheets, header rows, columns, problems
  dangol check sales.csv --encoding cp949
  dangol check shop.xlsx --format json   # for scripts
Exit status: 0 when no errors were found, 1 when any were.")]
pub struct Args {
    /// The workbook or CSV file.
    pub workbook: PathBuf,
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let mut loaded = super::load(&args.workbook, g)?;
    let more =
        crate::analysis::groups::group_problems(&loaded.data, &loaded.settings, super::as_of(g));
    loaded.data.problems.extend(more);
    let errors = loaded
        .data
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let text = match g.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&check_report::check_json(&loaded, errors))?;
            s.push('\n');
            s
        }
        Format::Csv => {
            let table = crate::render::contents_issues::issues_csv(&loaded.data.problems);
            String::from_utf8(crate::render::csv_out::to_csv(&table)?)?
        }
        // Cell values in the problems are shown, never run by the terminal.
        Format::Table | Format::Xlsx => {
            crate::render::terminal::visible_lines(&check_report::check_text(&loaded, errors))
                .into_owned()
        }
    };
    // --quiet: the one line about problems was printed on stderr by `load`; JSON and CSV were
    // asked for explicitly and are printed regardless.
    if !g.quiet || g.format != Format::Table {
        super::emit(&text)?;
    }
    Ok(if errors > 0 { Exit::Failure } else { Exit::Ok })
}
