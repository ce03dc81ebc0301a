//! `dangol value`: customer value (SPEC §11) — the BG/NBD and Gamma-Gamma fits, each
//! customer's chance of still being active, expected orders, expected average order and
//! 12-month value; `--calibrate-until` checks the model against what happened after a date.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::analysis::value::{ValueOptions, holdout, value_table};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::ingest::Loaded;
use crate::render::contents_value as cv;

/// Customer value: who is still active, expected orders, expected spend and 12-month value.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol value shop.xlsx                          # the fit and the most valuable customers
  dangol value shop.xlsx --top 50
  dangol value shop.xlsx --format json > value.json
  dangol value shop.xlsx --format csv > value.csv
  dangol value shop.xlsx --as-of 2025-06-30 --calibrate-until 2025-03-31
                                                  # fit on data to March, compare with April–June
A repeat purchase is a later purchase day. Fewer repeat customers than clv.min_repeaters (30)
or a fit that does not converge leaves the columns empty and says why.")]
pub struct Args {
    /// The workbook or CSV file.
    pub workbook: PathBuf,
    /// Show only the first N customers by value in the terminal table (default 20).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Fit on purchases up to DATE and compare the orders it predicts after DATE with the
    /// actual ones up to --as-of (summed and by tenth of customers).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub calibrate_until: Option<NaiveDate>,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("expected a date like 2025-04-15, found {s:?}"))
}

/// The analysis options from the effective settings.
pub fn options(loaded: &Loaded) -> ValueOptions {
    crate::analysis::value::options_from(&loaded.settings)
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let as_of = super::as_of(g);
    if let Some(until) = args.calibrate_until
        && until >= as_of
    {
        let lang = crate::i18n::lang_of(g);
        return Err(super::UsageError(crate::msg!(
            lang,
            CalibrateNotBefore,
            until = until,
            as_of = as_of
        ))
        .into());
    }
    let loaded = super::load(&args.workbook, g)?;
    // `--as-of latest` is known once the data is read.
    let as_of = super::as_of(g);
    let opts = options(&loaded);
    let table = value_table(&loaded.data.sales, as_of, opts);
    let check = args
        .calibrate_until
        .map(|until| (until, holdout(&loaded.data.sales, until, as_of, opts)));
    let text = match g.format {
        Format::Json => cv::json_text(&table, check.as_ref(), &loaded)?,
        Format::Csv => cv::csv_text(&table, &loaded)?,
        Format::Table | Format::Xlsx => {
            cv::terminal_text(&table, check.as_ref(), &loaded, args.top)
        }
    };
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}
