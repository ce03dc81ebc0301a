//! Small builders for test workbooks and for running the real binary.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// A cell to write into a test workbook.
#[derive(Debug, Clone)]
pub enum V {
    S(&'static str),
    T(String),
    N(f64),
    /// A real Excel date (date-formatted serial): y, m, d, h, min.
    D(u16, u8, u8, u8, u8),
    B,
}

/// A temp dir that lives as long as the test.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Write a workbook with the given sheets (rows of cells, starting at A1).
pub fn xlsx(path: &Path, sheets: &[(&str, Vec<Vec<V>>)]) {
    let mut wb = Workbook::new();
    let datefmt = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).expect("sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    V::S(s) => {
                        ws.write_string(r, c, *s).expect("write");
                    }
                    V::T(s) => {
                        ws.write_string(r, c, s).expect("write");
                    }
                    V::N(n) => {
                        ws.write_number(r, c, *n).expect("write");
                    }
                    V::D(y, m, d, h, mi) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d)
                            .expect("date")
                            .and_hms(u16::from(*h), *mi, 0)
                            .expect("time");
                        ws.write_datetime_with_format(r, c, &dt, &datefmt)
                            .expect("write");
                    }
                    V::B => {}
                }
            }
        }
    }
    wb.save(path).expect("save");
}

/// Rewrite one part of a zip package (e.g. to switch a workbook to the 1904 date system).
pub fn patch_zip(path: &Path, part: &str, f: impl Fn(String) -> String) {
    let bytes = std::fs::read(path).expect("read");
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut e = zin.by_index(i).expect("entry");
        let name = e.name().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).expect("read entry");
        if name == part {
            data = f(String::from_utf8(data).expect("utf8")).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&data).expect("write");
    }
    let cur = out.finish().expect("finish");
    std::fs::write(path, cur.into_inner()).expect("write back");
}

/// The shared real data folder, if present (`../shared/data`).
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not present", p.display());
        None
    }
}

/// Run the real binary.
pub fn dangol(args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("dangol")
        .expect("binary")
        .args(args)
        .output()
        .expect("run")
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Load with default options through the library.
pub fn load(path: &Path) -> dangol::ingest::Loaded {
    dangol::ingest::load(path, &dangol::ingest::ReadOptions::default()).expect("load")
}

/// Load, expecting an error; returns its message.
pub fn load_err(path: &Path) -> String {
    match dangol::ingest::load(path, &dangol::ingest::ReadOptions::default()) {
        Ok(_) => panic!("expected an error loading {}", path.display()),
        Err(e) => e.to_string(),
    }
}

/// Problems as display strings.
pub fn problems(l: &dangol::ingest::Loaded) -> Vec<String> {
    l.data.problems.iter().map(ToString::to_string).collect()
}

pub fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().expect("decimal")
}
