//! `dangol sample`: a deterministic synthetic shop to try dangol on, at any size.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::render::output::{self, Backups, Kind};
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
The same options always give a byte-identical file. An existing file at --out is replaced
only when dangol made it (a workbook dangol has run on, or a sample CSV) or with --force;
the old file is kept in .dangol-backups/ beside it.")]
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

/// Excel's row limit per sheet.
const EXCEL_MAX_ROWS: u64 = 1_048_576;

/// Why these options cannot fit a workbook, found before any row is generated: the Customers
/// and Quotes sheets (one header row each) must fit Excel's row limit (the Sales table is
/// split over several sheets instead).
fn row_limit_problem(o: &SampleOptions, lang: crate::model::Lang) -> Option<String> {
    if o.format != SampleFormat::Xlsx {
        return None;
    }
    let fmt = |n: u64| crate::model::values::format_number(rust_decimal::Decimal::from(n));
    let (customers, weeks) = (u64::from(o.customers), u64::from(o.weeks));
    // The generator plans about 1.5 quotes per customer per year.
    let quotes = (customers * 3 * weeks).div_ceil(104);
    let limit = EXCEL_MAX_ROWS - 1;
    if customers > limit {
        return Some(crate::msg!(
            lang,
            SampleTooManyCustomers,
            customers = fmt(customers),
            excel = fmt(EXCEL_MAX_ROWS),
            max = fmt(limit),
        ));
    }
    if quotes > limit {
        let max = limit * 104 / (3 * weeks.max(1));
        return Some(crate::msg!(
            lang,
            SampleTooManyQuotes,
            customers = fmt(customers),
            weeks = fmt(weeks),
            quotes = fmt(quotes),
            excel = fmt(EXCEL_MAX_ROWS),
            max = fmt(max),
        ));
    }
    None
}

/// What dangol's own file of this kind looks like (to tell whether an existing `--out` is
/// one): a workbook has dangol's property once dangol ran on it; a sample CSV starts with the
/// header line every sample CSV in this language has.
fn sample_kind(opts: &SampleOptions) -> anyhow::Result<Kind> {
    if opts.format == SampleFormat::Xlsx {
        return Ok(Kind::Workbook);
    }
    let dir = tempfile::tempdir()?;
    let tiny = dir.path().join("header.csv");
    write_sample(
        &SampleOptions {
            customers: 1,
            rows: 1,
            weeks: 1,
            ..opts.clone()
        },
        &tiny,
    )?;
    let bytes = std::fs::read(&tiny)?;
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| i + 1);
    Ok(Kind::Csv(bytes[..end].to_vec()))
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let opts = options(args, g);
    if let Some(why) = row_limit_problem(&opts, crate::i18n::lang_of(g)) {
        return Err(super::UsageError(why).into());
    }
    // An existing file is replaced only when dangol made it (or with --force), and kept.
    if output::check_replace(&args.out, &sample_kind(&opts)?, g.force)? {
        output::backup_of(&args.out, Backups::default_now())
            .map_err(|e| super::init::backup_failed(&args.out, &e))?;
    }
    let s = write_sample(&opts, &args.out)?;
    if !g.quiet {
        let fmt = |n: u64| crate::model::values::format_number(rust_decimal::Decimal::from(n));
        super::emit(&crate::msg!(
            opts.lang,
            SampleWritten,
            out = args.out.display(),
            rows = fmt(s.sales_rows),
            orders = fmt(s.orders),
            cancelled = fmt(s.cancelled_rows),
            returned = fmt(s.returned_rows),
            customers = fmt(u64::from(s.customers)),
            quotes = fmt(u64::from(s.quotes)),
            pipeline = fmt(u64::from(s.pipeline_rows)),
            seed = opts.seed,
            weeks = opts.weeks,
            end = opts.end.format("%Y-%m-%d"),
        ))?;
    }
    Ok(Exit::Ok)
}
