//! `dangol customers`: per-customer stats, RFM segment, VIP and responder grades; grade
//! movement since last week; possible duplicates. The flags and the orchestration: what is
//! shown and how is `render::customers`.

use std::path::PathBuf;

use crate::analysis::customers::{
    CustomerStats, CustomerTable, customer_table, grade_changes, possible_duplicates,
    previous_week_end,
};
use crate::analysis::select::{self, CustomerSort};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::model::Lang;
use crate::render::customers;
use crate::settings::Settings;

/// The order customers are listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortKey {
    /// Net total in the lookback window, highest first.
    Total,
    /// Orders in the window, most first.
    Orders,
    /// Days since the last order, most recent first (no orders last).
    Recency,
    /// Name, A→Z / 가→힣.
    Name,
    /// Last order date, newest first (no orders last).
    LastOrder,
}

/// Customer statistics, RFM segments, VIP and responder grades (with reasons on --verbose).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol customers shop.xlsx                          # everyone, biggest spenders first
  dangol customers shop.xlsx --top 20 --sort orders
  dangol customers shop.xlsx --grade VIP --verbose    # the VIP list and why each is VIP
  dangol customers shop.xlsx --movement               # upgrades/downgrades since last week
  dangol customers shop.xlsx --duplicates             # customers that may be one person
  dangol customers shop.xlsx --format csv > customers.csv
  dangol customers shop.xlsx --format json --as-of 2025-04-15
JSON and CSV use the SPEC's English field names (customer, orders, total, avg_order, …) and
English names for built-in grades and segments, whatever --lang says.")]
pub struct Args {
    /// The workbook or CSV file.
    pub workbook: PathBuf,
    /// Sort order.
    #[arg(long, value_enum, default_value_t = SortKey::Total)]
    pub sort: SortKey,
    /// Show only the first N customers (after sorting and filtering).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Only customers with this VIP grade (else responder grade), e.g. VIP, Gold, 골드, 관심고객.
    #[arg(long, value_name = "NAME")]
    pub grade: Option<String>,
    /// Show grade upgrades and downgrades since the end of the previous week instead.
    #[arg(long, conflicts_with = "duplicates")]
    pub movement: bool,
    /// Show groups of customers that may be one person (same phone or same name) instead.
    #[arg(long)]
    pub duplicates: bool,
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    crate::timings::start();
    let loaded = super::load(&args.workbook, g)?;
    crate::timings::phase("read");
    super::warn_unusable_rows(&loaded);
    let as_of = super::as_of(g);
    let d = &loaded.data;
    let show = (loaded.lang, loaded.currency);
    if args.movement {
        let changes = grade_changes(&d.sales, &d.quotes, &d.customers, &loaded.settings, as_of);
        let since = previous_week_end(as_of, loaded.settings.week_start);
        return finish(&customers::movement(&changes, since, g.format, show)?, g);
    }
    let mut table = customer_table(&d.sales, &d.quotes, &d.customers, &loaded.settings, as_of);
    crate::analysis::groups::tag_groups(d, &loaded.settings, &mut table);
    crate::timings::phase("table");
    let shown = show_table(&table, &loaded, args, g);
    super::done_with((loaded, table));
    shown
}

/// The customer table as `args` and the output format ask.
fn show_table(
    table: &CustomerTable,
    loaded: &crate::ingest::Loaded,
    args: &Args,
    g: &Global,
) -> anyhow::Result<Exit> {
    let show = (loaded.lang, loaded.currency);
    if args.duplicates {
        let groups = possible_duplicates(table);
        return finish(&customers::duplicates(&groups, table, g.format, show)?, g);
    }
    let (rows, matched) = match select(table, args, &loaded.settings) {
        Ok(r) => r,
        Err(msg) => return Err(super::UsageError(msg).into()),
    };
    crate::timings::phase("select");
    let text = match g.format {
        // Streamed a row at a time: a million customers are never a second copy in memory.
        Format::Json if !g.quiet => return customers::stream_json(&rows).map(|()| Exit::Ok),
        Format::Json => String::new(),
        Format::Csv if !g.quiet => {
            customers::stream_csv(&rows)?;
            crate::timings::phase("written");
            return Ok(Exit::Ok);
        }
        Format::Csv => customers::csv(&rows)?,
        Format::Table | Format::Xlsx => {
            let filter = args.grade.as_deref().map(str::trim);
            let how = (loaded.lang, loaded.currency, g.verbose);
            customers::terminal_text(table, &rows, matched, filter, how)
        }
    };
    finish(&text, g)
}

fn finish(text: &str, g: &Global) -> anyhow::Result<Exit> {
    if !g.quiet {
        super::emit(text)?;
    }
    Ok(Exit::Ok)
}

/// Filter by grade, sort, cut to `--top` (see [`analysis::select::select`]); also returns
/// how many customers matched before the cut. A `--grade` neither grade table has is a usage
/// error that lists the grades there are.
///
/// [`analysis::select::select`]: crate::analysis::select::select
pub fn select<'a>(
    table: &'a CustomerTable,
    args: &Args,
    settings: &Settings,
) -> Result<(Vec<&'a CustomerStats>, usize), String> {
    let sort = match args.sort {
        SortKey::Total => CustomerSort::Total,
        SortKey::Orders => CustomerSort::Orders,
        SortKey::Recency => CustomerSort::Recency,
        SortKey::Name => CustomerSort::Name,
        SortKey::LastOrder => CustomerSort::LastOrder,
    };
    let lang = crate::i18n::current().unwrap_or(Lang::En);
    select::select(table, args.grade.as_deref(), sort, args.top, settings, lang)
}
