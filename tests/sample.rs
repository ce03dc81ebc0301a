//! `dangol::sample` and `dangol::starter`: determinism, shapes, value types and encodings of the
//! generated files, read back with calamine.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use dangol::model::Lang;
use dangol::sample::{SampleFormat, SampleOptions, SampleSummary, write_sample};

fn opts(lang: Lang, rows: u64) -> SampleOptions {
    SampleOptions {
        lang,
        rows,
        customers: 120,
        ..SampleOptions::default()
    }
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    // Rows from A1, so indexes are sheet rows (calamine starts the range at the first used cell).
    let start = range.start().unwrap_or((0, 0)).0 as usize;
    let mut rows = vec![Vec::new(); start];
    rows.extend(range.rows().map(<[Data]>::to_vec));
    rows
}

fn sheet_names(path: &Path) -> Vec<String> {
    let wb: Xlsx<_> = open_workbook(path).unwrap();
    wb.sheet_names()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => format!("{other}"),
    }
}

fn write(dir: &Path, name: &str, o: &SampleOptions) -> (PathBuf, SampleSummary) {
    let p = dir.join(name);
    let s = write_sample(o, &p).unwrap();
    (p, s)
}

#[test]
fn smoke_print() {
    let dir = tempfile::tempdir().unwrap();
    let (p, s) = write(dir.path(), "a.xlsx", &opts(Lang::Ko, 300));
    println!("{s:#?}");
    for name in sheet_names(&p) {
        println!("== {name}");
        for r in sheet(&p, &name).iter().take(14) {
            println!("{}", r.iter().map(text).collect::<Vec<_>>().join(" | "));
        }
    }
    let _ = NaiveDate::MIN;
    let _ = SampleFormat::Csv;
}
