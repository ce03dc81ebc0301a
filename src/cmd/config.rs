//! `dangol config`: every effective setting and where it came from, in the workbook's language
//! (a Korean workbook or `--lang ko` shows each setting's Korean key beside it).

use std::path::PathBuf;

use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::model::Lang;
use crate::render::config_table::table;
use crate::settings::load::describe;

/// Print every effective setting with its origin (default, Settings!B7, dangol.toml:12, --set …).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol config shop.xlsx
  dangol config shop.xlsx --lang ko
  dangol config shop.xlsx --config ~/shop/dangol.toml
  dangol config shop.xlsx --set lookback_days=180 --format json")]
pub struct Args {
    /// The workbook or CSV file.
    pub workbook: PathBuf,
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let loaded = super::load(&args.workbook, g)?;
    // JSON and CSV are for programs: English values and origins whatever the workbook's
    // language; the table is for the owner, in the workbook's language.
    let rows = describe(&loaded.settings, Lang::En);
    let text = match g.format {
        Format::Json => {
            let v: Vec<serde_json::Value> = rows
                .iter()
                .map(|(k, v, o)| serde_json::json!({"key": k, "value": v, "origin": o}))
                .collect();
            let mut s = serde_json::to_string_pretty(&v)?;
            s.push('\n');
            s
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["key", "value", "origin"])?;
            for (k, v, o) in &rows {
                w.write_record([k, v, o])?;
            }
            format!("\u{feff}{}", String::from_utf8(w.into_inner()?)?)
        }
        Format::Table | Format::Xlsx => table(
            &describe(&loaded.settings, loaded.lang),
            loaded.lang,
            loaded.currency,
        ),
    };
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}
