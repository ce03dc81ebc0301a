//! `dangol sample`: a deterministic synthetic shop to try dangol on, at any size.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::sample::{SampleFormat, SampleOptions, write_sample};

/// Generate a synthetic shop: sales with cancellations and returns, quotes, customers, a CRM
/// pipeline and every setting — the same file for the same options, on any machine.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol sample --out shop.xlsx                                  # 300 customers, 6,000 rows, Korean
  dangol sample --out shop-en.xlsx --lang en --seed 7
  dangol sample --out big.xlsx --customers 50000 --rows 1000000 --weeks 104
  dangol sample --out sales.csv --format csv                     # sales only, CP949 (ko)
  dangol sample --out shop.xlsx --end 2025-04-20                 # data up to that Sunday
--format xlsx|csv picks the file type (default: csv when --out ends in .csv, else xlsx).
The same options always give a byte-identical file. An existing file at --out is replaced.")]
pub struct Args {
    /// Where to write (.xlsx, or .csv: the sales table alone).
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Customers on the list.
    #[arg(long, default_value_t = 300)]
    pub customers: u32,
    /// Sales rows, exactly (cancellations and returns included).
    #[arg(long, default_value_t = 6_000)]
    pub rows: u64,
    /// Weeks of history ending on --end.
    #[arg(long, default_value_t = 52)]
    pub weeks: u32,
    /// Random seed: another seed, another shop.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The last day of the data (YYYY-MM-DD; default 2026-11-22, so that the default file
    /// never changes).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub end: Option<NaiveDate>,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("expected a date like 2025-04-15, found {s:?}"))
}

/// The sample options the flags ask for.
pub fn options(args: &Args, g: &Global) -> SampleOptions {
    let csv_ext = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    // `--format` is the global flag: `csv` → CSV; `xlsx` or the default → a
    // workbook, unless the file name ends in `.csv`.
    let format = if csv_ext || g.format == Format::Csv {
        SampleFormat::Csv
    } else {
        SampleFormat::Xlsx
    };
    let defaults = SampleOptions::default();
    SampleOptions {
        customers: args.customers,
        rows: args.rows,
        weeks: args.weeks,
        seed: args.seed,
        lang: super::init::new_file_lang(g),
        format,
        end: args.end.unwrap_or(defaults.end),
        ..defaults
    }
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let opts = options(args, g);
    let s = write_sample(&opts, &args.out)?;
    if !g.quiet {
        let fmt = |n: u64| crate::model::values::format_number(rust_decimal::Decimal::from(n));
        super::emit(&format!(
            "{}: {} sales rows ({} orders, {} cancelled, {} returned), {} customers, {} quotes, {} pipeline rows; seed {}, {} weeks to {}\n",
            args.out.display(),
            fmt(s.sales_rows),
            fmt(s.orders),
            fmt(s.cancelled_rows),
            fmt(s.returned_rows),
            fmt(u64::from(s.customers)),
            fmt(u64::from(s.quotes)),
            fmt(u64::from(s.pipeline_rows)),
            opts.seed,
            opts.weeks,
            opts.end.format("%Y-%m-%d"),
        ))?;
    }
    Ok(Exit::Ok)
}
