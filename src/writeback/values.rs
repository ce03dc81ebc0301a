//! A values-only `.xlsx` copy of an input that cannot be edited in place (`.xls`, `.xlsb`,
//! `.ods`, `.csv`): the caller adds the generated sheets and saves it as a new file.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use super::WritebackError;

const MAX_COLS: u32 = 16_384;

fn input_err(path: &Path, e: impl std::fmt::Display) -> WritebackError {
    WritebackError::Invalid(format!("{}: {e}", path.display()))
}

/// Where the new workbook goes when `--out` is not given: `NAME.dangol.xlsx` beside the input.
pub fn values_output_path(input: &Path) -> PathBuf {
    let stem = input.file_stem().map_or_else(
        || "workbook".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    input.with_file_name(format!("{stem}.dangol.xlsx"))
}

/// A new workbook holding every sheet of `input` as values (formulas become their results,
/// formatting is not carried over). CSV/TSV files become one sheet named after the file, every
/// field kept as text exactly as written, read as `ingest` reads them (encoding detected:
/// UTF-8, UTF-16 with BOM, CP949; delimiter sniffed, tab for `.tsv`), each row on the row it
/// has in the file.
pub fn values_workbook(input: &Path) -> Result<Workbook, WritebackError> {
    let mut wb = Workbook::new();
    let is_csv = input.extension().is_some_and(|e| {
        ["csv", "tsv", "txt"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    });
    if is_csv {
        let ws = wb.add_worksheet();
        let stem = input.file_stem().map_or_else(
            || "Sheet1".to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        ws.set_name(sheet_name(&stem))
            .map_err(|e| input_err(input, e))?;
        write_csv(input, ws)?;
        return Ok(wb);
    }
    let mut book = open_workbook_auto(input).map_err(|e| input_err(input, e))?;
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    // A chart sheet has no values to copy (its chart's data lives on worksheets).
    let names: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ != calamine::SheetType::ChartSheet)
        .map(|s| s.name.clone())
        .collect();
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| input_err(input, e))?;
        let ws = wb.add_worksheet();
        ws.set_name(&name).map_err(|e| input_err(input, e))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            let (row, col) = (r0 + r as u32, c0 + c as u32);
            if col >= MAX_COLS {
                continue;
            }
            let col = col as u16;
            let res = match v {
                Data::Empty => continue,
                Data::Int(i) => ws.write_number(row, col, *i as f64),
                Data::Float(f) => ws.write_number(row, col, *f),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                    ws.write_string(row, col, s)
                }
                Data::Bool(b) => ws.write_boolean(row, col, *b),
                Data::DateTime(d) => {
                    let n = d.as_f64();
                    let f = if d.is_datetime() && n.fract() == 0.0 {
                        &date
                    } else {
                        &datetime
                    };
                    ws.write_number_with_format(row, col, n, f)
                }
                Data::Error(e) => ws.write_string(row, col, e.to_string()),
            };
            res.map_err(|e| input_err(input, e))?;
        }
    }
    Ok(wb)
}

/// A valid sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(stem: &str) -> String {
    crate::render::safe::sanitize_sheet_name(stem)
}

fn write_csv(input: &Path, ws: &mut Worksheet) -> Result<(), WritebackError> {
    let mut src =
        crate::ingest::csv::CsvSource::open(input, None).map_err(|e| input_err(input, e))?;
    let mut fields = Vec::new();
    while src
        .next_record(&mut fields)
        .map_err(|e| input_err(input, e))?
    {
        let r = src.row_index();
        for (c, field) in fields.iter().enumerate() {
            if field.is_empty() || c >= MAX_COLS as usize {
                continue;
            }
            ws.write_string(r, c as u16, field)
                .map_err(|e| input_err(input, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_becomes_text_sheet() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("주문.csv");
        // CP949 bytes for "고객,금액\n김민지,0012\n"
        let (cp949, _, _) = encoding_rs::EUC_KR.encode("고객,금액\n김민지,0012\n");
        std::fs::write(&csv, &cp949).unwrap();
        let mut wb = values_workbook(&csv).unwrap();
        let out = dir.path().join("o.xlsx");
        wb.save(&out).unwrap();
        let mut x: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
        let r = x.worksheet_range("주문").unwrap();
        assert_eq!(r.get_value((1, 1)), Some(&Data::String("0012".into())));
        assert_eq!(r.get_value((1, 0)), Some(&Data::String("김민지".into())));
        assert_eq!(
            values_output_path(&csv),
            dir.path().join("주문.dangol.xlsx")
        );
    }
}
