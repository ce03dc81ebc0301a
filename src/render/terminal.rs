//! Terminal tables: a [`SheetTable`] drawn as aligned text for a person at a terminal.
//!
//! Alignment counts display width, not bytes or chars: comfy-table pads with
//! `unicode-width`, so a Hangul syllable takes two columns and `김철수` lines up under
//! `Alice `. The layout never depends on the terminal's size (no wrapping), so the same
//! table prints the same text everywhere — tests and pipes included.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::{Cell as TCell, CellAlignment, ContentArrangement, Table};
use rust_decimal::Decimal;

use crate::model::Currency;
use crate::model::values::format_number;
use crate::render::table::{Cell, SheetTable};

/// Header underline, no borders, no column rules: quiet tables that read like a report.
/// (comfy-table preset string; a space leaves that part out.)
const STYLE: &str = "     ─             ";

/// A cell as the terminal shows it: money in the shop's currency (`₩1,200,000`; `1,200,000원`
/// for a Korean workbook's won, the language [`crate::i18n::current`] names), dates
/// `YYYY-MM-DD`, percents with one decimal and `%`, counts with thousands separators.
pub fn cell_text(c: &Cell, currency: Currency) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => format_number(Decimal::from(*n)),
        Cell::Number(d) => format_number(*d),
        Cell::Money(d) => {
            let lang = crate::i18n::current().unwrap_or(crate::model::Lang::En);
            crate::i18n::money(lang, *d, currency)
        }
        Cell::Percent(p) => percent(*p),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Bool(b) => if *b { "✓" } else { "·" }.to_string(),
    }
}

/// A percent in percent units with one decimal: `12.5%`, `100.0%`.
pub fn percent(p: Decimal) -> String {
    let r = p.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{}%", format_fixed1(r))
}

/// One decimal place always shown (`7` → `7.0`).
fn format_fixed1(d: Decimal) -> String {
    let mut d = d;
    d.rescale(1);
    let s = format_number(d);
    if s.contains('.') { s } else { format!("{s}.0") }
}

/// Whether `c` must not reach a terminal as it is: control characters (ESC, CR, BEL, …: a cell
/// could move the cursor, recolour or clear the owner's screen) and the invisible bidi and
/// line-separator controls that reorder or break the text around them (U+202E, U+2066, …).
fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Text from the data made safe to print: every character of [`is_unsafe_for_terminal`]
/// written visibly as its escape (`\u{1b}`), whatever the colour setting.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_for_terminal) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_for_terminal(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text of several lines made safe to print: like [`visible`], line by line (the line breaks
/// themselves stay).
pub fn visible_lines(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe_for_terminal(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.split('\n')
            .map(|l| visible(l).into_owned())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Whether a cell is a number that reads best right-aligned.
fn is_numeric(c: &Cell) -> bool {
    matches!(
        c,
        Cell::Int(_) | Cell::Number(_) | Cell::Money(_) | Cell::Percent(_)
    )
}

/// Draw a table (without its title): header underlined, numeric columns right-aligned.
/// A column is numeric when its non-empty cells are all numbers (money, counts, percents).
/// Lines carry no trailing spaces; the text ends with a newline.
pub fn render_table(t: &SheetTable, currency: Currency) -> String {
    let mut table = Table::new();
    table
        .load_preset(STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .force_no_tty()
        .set_header(t.columns.iter().map(|h| TCell::new(visible(h))));
    for row in &t.rows {
        table.add_row(
            row.iter()
                .map(|c| TCell::new(visible(&cell_text(c, currency)))),
        );
    }
    for (i, col) in table.column_iter_mut().enumerate() {
        let mut cells = t.rows.iter().filter_map(|r| r.get(i));
        let numeric = cells.clone().any(|c| *c != Cell::Empty)
            && cells.all(|c| *c == Cell::Empty || is_numeric(c));
        if numeric {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Draw a table with its title above it (when it has one).
pub fn render_titled(t: &SheetTable, currency: Currency) -> String {
    let mut out = String::new();
    if !t.title.is_empty() {
        out.push_str(&visible(&t.title));
        out.push('\n');
    }
    out.push_str(&render_table(t, currency));
    out
}

/// Draw several tables, titled, separated by a blank line.
pub fn render_tables(tables: &[SheetTable], currency: Currency) -> String {
    tables
        .iter()
        .map(|t| render_titled(t, currency))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A horizontal bar `count / max` of `width` columns long, in eighth blocks (`████▌`).
/// Zero gives an empty string; any count above zero shows at least a sliver.
pub fn bar(count: u64, max: u64, width: usize) -> String {
    if count == 0 || max == 0 || width == 0 {
        return String::new();
    }
    let count = count.min(max);
    // Eighths of a column, rounded to nearest; u128 keeps the product exact for any u64.
    let eighths = (u128::from(count) * (width as u128) * 8 + u128::from(max) / 2) / u128::from(max);
    let eighths = (eighths as usize).max(1);
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8]);
    }
    s
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use unicode_width::UnicodeWidthStr;

    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn cells_are_formatted_for_people() {
        let k = Currency::Krw;
        assert_eq!(cell_text(&Cell::Money(dec("1250000")), k), "₩1,250,000");
        assert_eq!(
            cell_text(&Cell::Money(dec("-3.755")), Currency::Gbp),
            "-£3.76"
        );
        assert_eq!(cell_text(&Cell::Percent(dec("12.54")), k), "12.5%");
        assert_eq!(cell_text(&Cell::Percent(dec("100")), k), "100.0%");
        assert_eq!(cell_text(&Cell::Percent(dec("0")), k), "0.0%");
        assert_eq!(cell_text(&Cell::Int(1234), k), "1,234");
        assert_eq!(cell_text(&Cell::Number(dec("2.50")), k), "2.5");
        assert_eq!(
            cell_text(&Cell::Date(NaiveDate::from_ymd_opt(2025, 4, 5).unwrap()), k),
            "2025-04-05"
        );
        assert_eq!(cell_text(&Cell::Empty, k), "");
    }

    #[test]
    fn hangul_names_align_by_display_width() {
        let mut t = SheetTable::new("고객", &["고객", "주문", "합계"]);
        t.push(vec![
            Cell::text("김철수"),
            Cell::Int(7),
            Cell::Money(dec("1250000")),
        ]);
        t.push(vec![
            Cell::text("Alice"),
            Cell::Int(12),
            Cell::Money(dec("900")),
        ]);
        let text = render_table(&t, Currency::Krw);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                " 고객    주문        합계",
                "──────────────────────────",
                " 김철수     7  ₩1,250,000",
                " Alice     12        ₩900",
            ],
            "\n{text}"
        );
        // The money column ends at the same display column on every data row.
        let w: Vec<usize> = lines[2..].iter().map(|l| l.width()).collect();
        assert_eq!(w[0], w[1]);
    }

    #[test]
    fn titled_tables_are_separated_by_a_blank_line() {
        let mut a = SheetTable::new("A", &["x"]);
        a.push(vec![Cell::Int(1)]);
        let b = SheetTable::new("", &["y"]);
        let text = render_tables(&[a, b], Currency::Krw);
        assert_eq!(text, "A\n x\n───\n 1\n\n y\n───\n");
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(visible("김철수"), "김철수");
        assert_eq!(visible("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(visible("x\ry\u{7}"), "x\\u{d}y\\u{7}");
        assert_eq!(visible("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(visible("tab\there"), "tab\\u{9}here");
        assert_eq!(visible_lines("a\u{1b}\nb\r\n"), "a\\u{1b}\nb\\u{d}\n");
    }

    #[test]
    fn bars_are_proportional_in_eighths() {
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(9, 16, 8), "████▌");
        assert_eq!(bar(1, 1000, 10), "▏");
        assert_eq!(bar(0, 10, 10), "");
        assert_eq!(bar(3, 0, 10), "");
        assert_eq!(bar(20, 10, 3), "███");
    }
}

/// Whether to colour a stream: only a terminal, and never with `--no-color` or a non-empty
/// `NO_COLOR` (<https://no-color.org>). Pipes, files, cron mail and tests get plain text.
pub fn colour_wanted(is_terminal: bool, no_color_flag: bool, no_color_env: Option<&OsStr>) -> bool {
    is_terminal && !no_color_flag && no_color_env.is_none_or(OsStr::is_empty)
}

static COLOUR_STDOUT: AtomicBool = AtomicBool::new(false);
static COLOUR_STDERR: AtomicBool = AtomicBool::new(false);

/// Decide colour for stdout and stderr once, from the terminal, `--no-color` and `NO_COLOR`.
pub fn init_colour(no_color_flag: bool) {
    use std::io::IsTerminal;
    let env = std::env::var_os("NO_COLOR");
    COLOUR_STDOUT.store(
        colour_wanted(
            std::io::stdout().is_terminal(),
            no_color_flag,
            env.as_deref(),
        ),
        Ordering::Relaxed,
    );
    COLOUR_STDERR.store(
        colour_wanted(
            std::io::stderr().is_terminal(),
            no_color_flag,
            env.as_deref(),
        ),
        Ordering::Relaxed,
    );
}

const RED: anstyle::Style = anstyle::AnsiColor::Red.on_default().bold();
const YELLOW: anstyle::Style = anstyle::AnsiColor::Yellow.on_default().bold();
const GREEN: anstyle::Style = anstyle::AnsiColor::Green.on_default();
const DOWN: anstyle::Style = anstyle::AnsiColor::Red.on_default();

fn paint(style: anstyle::Style, s: &str) -> String {
    format!("{}{s}{}", style.render(), style.render_reset())
}

/// A message line for stderr with its `error:`/`warning:` label (`오류:`/`경고:`) in red or
/// yellow when stderr is coloured; otherwise the line as it is.
pub fn stderr_line(line: &str) -> Cow<'_, str> {
    if !COLOUR_STDERR.load(Ordering::Relaxed) {
        return Cow::Borrowed(line);
    }
    label_coloured(line)
}

fn label_coloured(line: &str) -> Cow<'_, str> {
    let Some(rest) = line.strip_prefix("dangol: ") else {
        return Cow::Borrowed(line);
    };
    for (label, style) in [
        ("error:", RED),
        ("오류:", RED),
        ("warning:", YELLOW),
        ("경고:", YELLOW),
    ] {
        if let Some(tail) = rest.strip_prefix(label) {
            return Cow::Owned(format!("dangol: {}{tail}", paint(style, label)));
        }
    }
    Cow::Borrowed(line)
}

/// Terminal text for stdout with up (`▲ …`) and down (`▼ …`) changes in green and red when
/// stdout is coloured; otherwise the text as it is. Applied after layout, so the escape codes
/// never shift a column.
pub fn stdout_text(text: &str) -> Cow<'_, str> {
    if !COLOUR_STDOUT.load(Ordering::Relaxed) {
        return Cow::Borrowed(text);
    }
    arrows_coloured(text)
}

fn arrows_coloured(text: &str) -> Cow<'_, str> {
    if !text.contains(['▲', '▼']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(i) = rest.find(['▲', '▼']) {
        out.push_str(&rest[..i]);
        let style = if rest[i..].starts_with('▲') {
            GREEN
        } else {
            DOWN
        };
        // The arrow and its word(s), up to a column gap or the end of the line.
        let tail = &rest[i..];
        let end = [tail.find("  "), tail.find('\n')]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(tail.len());
        out.push_str(&paint(style, &tail[..end]));
        rest = &tail[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod colour_tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_either_switch() {
        let set = OsStr::new("1");
        let empty = OsStr::new("");
        assert!(colour_wanted(true, false, None));
        // An empty NO_COLOR is not set (no-color.org).
        assert!(colour_wanted(true, false, Some(empty)));
        assert!(!colour_wanted(true, true, None), "--no-color");
        assert!(!colour_wanted(true, false, Some(set)), "NO_COLOR=1");
        assert!(!colour_wanted(false, false, None), "not a terminal");
        assert!(!colour_wanted(false, true, Some(set)));
    }

    #[test]
    fn labels_and_arrows_are_painted_without_moving_text() {
        assert_eq!(
            label_coloured("dangol: warning: stale"),
            "dangol: \u{1b}[1m\u{1b}[33mwarning:\u{1b}[0m stale"
        );
        assert_eq!(
            label_coloured("dangol: 오류: 시트"),
            "dangol: \u{1b}[1m\u{1b}[31m오류:\u{1b}[0m 시트"
        );
        assert_eq!(label_coloured("2 customers"), "2 customers");
        assert_eq!(
            arrows_coloured("Kim  ▲ up\nLee  ▼ down  x\n"),
            "Kim  \u{1b}[32m▲ up\u{1b}[0m\nLee  \u{1b}[31m▼ down\u{1b}[0m  x\n"
        );
        assert_eq!(arrows_coloured("no change\n"), "no change\n");
    }
}
