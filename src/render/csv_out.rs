//! CSV for scripts and for Excel: UTF-8 with a byte-order mark (so Excel reads Hangul right),
//! money as a plain decimal, dates ISO, and a guard against formula injection.
//!
//! A spreadsheet treats a cell starting with `=`, `+`, `-` or `@` as a formula, and a TAB or
//! CR start can smuggle one past a quick look; a customer name such as `=HYPERLINK(…)` in the
//! shop's data must not become a live formula in someone's Excel. So every *text* cell that
//! starts with one of those characters gets a leading `'` (Excel's own "this is text" mark).
//! Numbers are never touched: a return of `-1000` stays the number `-1000`.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::render::table::{Cell, SheetTable};

/// The UTF-8 byte-order mark every CSV file dangol writes starts with.
pub const BOM: &str = "\u{feff}";

/// Neutralise a text value for CSV: prefix `'` when it starts with `=`, `+`, `-`, `@`, TAB
/// or CR, so a spreadsheet shows it as text instead of running it as a formula.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// A text of digits only with a leading zero (`01012345678`, a phone or a postcode): Excel
/// would open it as the number 1012345678, so it gets the text mark too.
fn leading_zero_digits(text: &str) -> bool {
    text.len() > 1 && text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit())
}

/// A decimal as plain text: no grouping, no trailing zeros, no currency (`1250000`, `12.5`).
pub fn plain_decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A cell as CSV text: text neutralised, money and numbers plain decimals, percents in
/// percent units (`12.5`), dates `YYYY-MM-DD`, booleans `true`/`false`, empty as empty.
pub fn cell_text(c: &Cell) -> Cow<'_, str> {
    match c {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(s) if leading_zero_digits(s) => Cow::Owned(format!("'{s}")),
        Cell::Text(s) => neutralise(s),
        Cell::Int(n) => Cow::Owned(n.to_string()),
        Cell::Number(d) | Cell::Money(d) | Cell::Percent(d) => Cow::Owned(plain_decimal(*d)),
        Cell::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
        Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
    }
}

/// A table as CSV bytes: BOM, the header row (neutralised too), then one record per row.
/// The title is not written (a CSV holds one table; scripts want the header first).
pub fn to_csv(t: &SheetTable) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.as_bytes().to_vec());
    w.write_record(t.columns.iter().map(|c| neutralise(c).into_owned()))?;
    for row in &t.rows {
        w.write_record(row.iter().map(cell_text).map(Cow::into_owned))?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn formula_starts_get_a_quote() {
        for (input, out) in [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+82 10", "'+82 10"),
            ("-5", "'-5"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
        ] {
            assert_eq!(neutralise(input), out);
            assert!(matches!(neutralise(input), Cow::Owned(_)));
        }
        for plain in ["김철수", "Alice", "", " =x", "'=x", "1,000"] {
            assert_eq!(neutralise(plain), plain);
            assert!(matches!(neutralise(plain), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn cells_are_plain_for_scripts() {
        assert_eq!(cell_text(&Cell::Money(dec("1250000.00"))), "1250000");
        assert_eq!(cell_text(&Cell::Money(dec("-1000"))), "-1000");
        assert_eq!(cell_text(&Cell::Money(dec("12.50"))), "12.5");
        assert_eq!(cell_text(&Cell::Percent(dec("63.2"))), "63.2");
        assert_eq!(cell_text(&Cell::Int(-3)), "-3");
        assert_eq!(
            cell_text(&Cell::Date(NaiveDate::from_ymd_opt(2025, 4, 15).unwrap())),
            "2025-04-15"
        );
        assert_eq!(cell_text(&Cell::Bool(true)), "true");
        assert_eq!(cell_text(&Cell::Empty), "");
        assert_eq!(cell_text(&Cell::text("-반품")), "'-반품");
    }

    #[test]
    fn csv_has_bom_header_and_neutralised_text() {
        let mut t = SheetTable::new("ignored title", &["customer", "total", "last_order"]);
        t.push(vec![
            Cell::text("=HYPERLINK(\"x\")"),
            Cell::Money(dec("-1000")),
            Cell::Date(NaiveDate::from_ymd_opt(2025, 4, 15).unwrap()),
        ]);
        t.push(vec![
            Cell::text("김철수"),
            Cell::Money(dec("1250000")),
            Cell::Empty,
        ]);
        let bytes = to_csv(&t).unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "customer,total,last_order\r\n\"'=HYPERLINK(\"\"x\"\")\",-1000,2025-04-15\r\n김철수,1250000,\r\n"
        );
    }
}
