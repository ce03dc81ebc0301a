//! One module per command: its flags and its `run`.

pub mod check;
pub mod completions;
pub mod config;
pub mod customers;
pub mod funnel;
pub mod groups;
pub mod import_products;
pub mod init;
pub mod notify;
pub mod remind;
pub mod report;
pub mod run;
pub mod sample;
pub mod stock;
pub mod today;
pub mod value;

use std::io::Write;

use crate::cli::{AsOf, Global};
use crate::ingest::{Loaded, ReadOptions};

pub use crate::cli::UsageError;

/// Read options from the checked global flags.
pub fn read_options(g: &Global) -> anyhow::Result<ReadOptions> {
    Ok(ReadOptions {
        encoding: g.encoding.clone(),
        config: g.config.clone(),
        flags: g.flags.clone(),
        as_of: Some(as_of(g)),
        today: Some(chrono::Local::now().date_naive()),
        limits: Some(g.limits),
        csv_split_min: None,
        sales_on_one_thread: false,
        product_sales: false,
    })
}

/// Read a workbook with the global flags; warns when the data looks stale as of `--as-of`
/// (or today), and under `--quiet` prints the one line about data problems.
pub fn load(path: &std::path::Path, g: &Global) -> anyhow::Result<Loaded> {
    load_as_of(path, g, Some(as_of(g)))
}

/// Rows that could not be used never vanish without a word (SPEC promise 3): one line on
/// stderr, in the workbook's language, pointing at `dangol check`.
pub fn warn_unusable_rows(loaded: &Loaded) {
    let n: u64 = loaded.data.sheets.iter().map(|s| s.bad_rows).sum();
    if n == 0 {
        return;
    }
    let path = loaded.path.display();
    let lang = loaded.lang;
    let message = crate::msg!(
        lang,
        UnusableRows,
        count = crate::i18n::count(n),
        path = path
    );
    let line = crate::msg!(lang, WarningLine, message = message);
    eprintln!("{}", crate::render::terminal::stderr_line(&line));
}

/// [`load`] with the day the data is analysed as of (`None`: no stale-data check, e.g. for an
/// explicit `--week`).
pub fn load_as_of(
    path: &std::path::Path,
    g: &Global,
    as_of: Option<chrono::NaiveDate>,
) -> anyhow::Result<Loaded> {
    let opts = read_options(g)?;
    let loaded = crate::ingest::load(path, &opts)?;
    crate::i18n::set_current(loaded.lang);
    let mut as_of = as_of;
    if g.as_of == Some(AsOf::Latest) {
        // The newest sale up to today (a mistyped future date does not count); never stale.
        let today = chrono::Local::now().date_naive();
        let day = newest_sale(&loaded, today).map_or(today, |d| d.succ_opt().unwrap_or(d));
        let _ = g.latest.set(day);
        as_of = None;
    }
    let stale = as_of.and_then(|d| stale_data(&loaded, d));
    let mut err = std::io::stderr().lock();
    if g.quiet {
        if let Some(line) = quiet_line(&loaded, stale.as_deref()) {
            let _ = writeln!(err, "{line}");
        }
    } else if let Some(w) = stale {
        let _ = writeln!(
            err,
            "{}",
            crate::msg!(loaded.lang, WarningLine, message = w)
        );
    }
    Ok(loaded)
}

/// Set by the binary: the process ends when the command returns, so what a command is done
/// with need not be freed piece by piece (see [`done_with`]).
static FREED_AT_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tells the commands that the process exits when they return (the binary's `main`; never a
/// library caller, whose memory would stay taken).
pub fn freed_at_exit() {
    FREED_AT_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Gives up `value` (a read workbook, a table) at the end of a command: freed, or, when the
/// process is about to exit ([`freed_at_exit`]), left for the system to take back with the
/// rest of the process at once — freeing 80,000 customers' ledgers one allocation at a time
/// took 50 ms after the output was written.
pub fn done_with<T>(value: T) {
    if FREED_AT_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(value);
    } else {
        drop(value);
    }
}

/// Days after the newest sale beyond which the data looks stale (SPEC promise 7).
pub const STALE_DAYS: i64 = 7;

/// The newest order's day on or before `as_of` (a later, mistyped date does not hide stale
/// data).
pub fn newest_sale(l: &Loaded, as_of: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
    let s = &l.data.sales;
    s.customers
        .values()
        .map(|c| &c.orders)
        .chain([&s.anonymous_orders])
        .filter_map(|o| o.newest_day(as_of))
        .max()
}

/// The stale-data warning, when `as_of` is more than [`STALE_DAYS`] after the newest sale:
/// `the data looks stale: newest sale 2026-11-22, 9 days before 2026-12-01 …`.
pub fn stale_data(l: &Loaded, as_of: chrono::NaiveDate) -> Option<String> {
    let newest = newest_sale(l, as_of)?;
    let days = (as_of - newest).num_days();
    if days <= STALE_DAYS {
        return None;
    }
    Some(crate::msg!(
        l.lang,
        StaleData,
        newest = newest,
        days = crate::i18n::count(days.unsigned_abs()),
        as_of = as_of
    ))
}

/// The one line `--quiet` prints (on stderr, so cron mails it) when the input has data
/// problems (errors or warnings) or looks stale; `None` when all is well.
pub fn quiet_line(l: &Loaded, stale: Option<&str>) -> Option<String> {
    use crate::model::Severity;
    let count = |s: Severity| l.data.problems.iter().filter(|p| p.severity == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let path = l.path.display();
    let mut parts = Vec::new();
    if errors + warnings > 0 {
        parts.push(crate::msg!(
            l.lang,
            QuietProblems,
            total = crate::i18n::count(errors + warnings),
            errors = crate::i18n::count(errors),
            warnings = crate::i18n::count(warnings),
            path = path
        ));
    }
    parts.extend(stale.map(str::to_string));
    (!parts.is_empty()).then(|| format!("dangol: {path}: {}", parts.join("; ")))
}

/// Today, or `--as-of` (`latest`: the day after the newest sale once [`load`] has read the
/// data; today before that).
pub fn as_of(g: &Global) -> chrono::NaiveDate {
    let today = || chrono::Local::now().date_naive();
    match g.as_of {
        Some(AsOf::Day(d)) => d,
        Some(AsOf::Latest) => g.latest.get().copied().unwrap_or_else(today),
        None => today(),
    }
}

/// Whether dangol can update `path` in place: an .xlsx or .xlsm workbook (any case).
pub fn is_editable(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}

/// The one check of every `--apply`: the workbook must be an .xlsx or .xlsm file, else the
/// catalogue error `needs` (`PATH: --apply …; this is a .EXT file`) and `then` (a hint, or
/// nothing), in the language of the file it names.
pub fn require_editable(
    path: &std::path::Path,
    needs: crate::i18n::Msg,
    then: Option<crate::i18n::Msg>,
) -> anyhow::Result<()> {
    use crate::i18n::Text;
    if is_editable(path) {
        return Ok(());
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let text = Text::new(needs).arg("path", path.display()).arg("ext", ext);
    let text = match then {
        Some(m) => text.text("then", Text::new(m)),
        None => text.arg("then", ""),
    };
    Err(anyhow::Error::new(crate::i18n::Said(text)))
}

/// Write to stdout; a closed pipe (`dangol … | head`) is not an error.
pub fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
