//! The cell edits of `dangol remind --apply` (SPEC §6), the decide step of its write job: for
//! one quote sheet, the status, reminded date and reminder count of every due quote, and the
//! header cells of those columns when the sheet does not have them yet (after its last header
//! cell, which is read from the workbook).

use std::path::Path;

use anyhow::Context;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{CellEdit, EditValue};
use crate::analysis::remind::Reminder;
use crate::ingest::Loaded;
use crate::ingest::source::Input;
use crate::model::Lang;

/// Header texts of the columns `--apply` writes.
fn new_header(field: &str, lang: Lang) -> &'static str {
    match field {
        "status" => lang.pick("상태", "Status"),
        "reminded" => lang.pick("리마인드일", "Reminded"),
        _ => lang.pick("리마인드횟수", "Reminders"),
    }
}

/// The last non-blank header cell of `sheet`'s header row (0-based column).
fn last_header_col(
    path: &Path,
    sheet: &str,
    header_row: u32,
    limits: &crate::ingest::guard::Limits,
) -> anyhow::Result<Option<u32>> {
    let mut input = Input::open_with(path, None, limits)?;
    let mut last = None;
    input.for_each_row(sheet, |r, cells| {
        if r == header_row {
            last = cells.iter().rposition(|c| !c.is_blank()).map(|i| i as u32);
        }
        r < header_row
    })?;
    Ok(last)
}

/// The cell edits for one quote sheet: the three columns of every due quote on it, plus the
/// header cells of columns that did not exist.
pub fn sheet_edits(
    loaded: &Loaded,
    sheet: &str,
    due: &[&Reminder],
    as_of: NaiveDate,
    limits: &crate::ingest::guard::Limits,
) -> anyhow::Result<Vec<CellEdit>> {
    let info = loaded
        .data
        .sheets
        .iter()
        .find(|s| s.name == sheet)
        .with_context(|| format!("sheet '{sheet}' was read but is not listed"))?;
    let lang = loaded.lang;
    let mut next = None;
    let mut edits = Vec::new();
    let mut col_of = |field: &'static str, edits: &mut Vec<CellEdit>| -> anyhow::Result<u32> {
        if let Some(c) = info.columns.iter().find(|c| c.0 == field) {
            return Ok(c.1);
        }
        let n = match next {
            Some(n) => n,
            None => {
                last_header_col(&loaded.path, sheet, info.header_row, limits)?.map_or(0, |c| c + 1)
            }
        };
        next = Some(n + 1);
        edits.push(CellEdit {
            row: info.header_row,
            col: n,
            value: EditValue::Text(new_header(field, lang).to_string()),
        });
        Ok(n)
    };
    let status = col_of("status", &mut edits)?;
    let reminded = col_of("reminded", &mut edits)?;
    let count = col_of("reminders", &mut edits)?;
    for r in due {
        let row = r.cell.row;
        edits.push(CellEdit {
            row,
            col: status,
            value: EditValue::Text(lang.pick("리마인드 발송", "reminded").to_string()),
        });
        edits.push(CellEdit {
            row,
            col: reminded,
            value: EditValue::Date(as_of),
        });
        edits.push(CellEdit {
            row,
            col: count,
            value: EditValue::Number(Decimal::from(r.reminders) + Decimal::ONE),
        });
    }
    Ok(edits)
}
