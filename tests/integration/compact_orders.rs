//! Orders are kept in 20 bytes each (a fingerprint, whole minutes since 1900, a 32-bit
//! amount and its scale, the line count), and exactly when a value does not fit that form; the
//! `customers` CSV is written a customer at a time. Both must give exactly what the full
//! records and the whole table gave.

use std::path::Path;

use dangol::analysis::customers::customer_table;
use dangol::cmd::customers::{Args, SortKey, select};

use crate::support::{dangol, load, stdout, tmp};

const HEADER: &str = "Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID,Country";

fn file(dir: &Path, lines: &[&str]) -> std::path::PathBuf {
    let p = dir.join("sales.csv");
    std::fs::write(&p, format!("{HEADER}\n{}\n", lines.join("\n"))).expect("write");
    p
}

/// The `customers --format csv` cell of `column` in the row of customer `key`.
fn cell(csv: &str, key: &str, column: &str) -> String {
    let mut r = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = r.headers().expect("headers").clone();
    let (k, c) = (
        headers.iter().position(|h| h == "key").expect("key column"),
        headers.iter().position(|h| h == column).expect("column"),
    );
    for rec in r.records() {
        let rec = rec.expect("record");
        if &rec[k] == key {
            return rec[c].to_string();
        }
    }
    panic!("no customer {key} in {csv}");
}

#[test]
fn orders_that_do_not_fit_the_compact_form_are_kept_exactly() {
    let dir = tmp();
    let p = file(
        dir.path(),
        &[
            // Past 2^31 units, a time with seconds, then a line with 16 decimal places.
            "1,A,1,2024-03-01 10:00:07,3000000000,100,UK",
            "1,A,1,2024-03-01 10:00:00,0.1234567890123456,100,UK",
            "2,A,2,2024-03-05 09:30:00,2.50,100,UK",
            // Before 1900.
            "3,A,1,1899-12-30 08:00:00,7,200,UK",
            "4,A,3,2024-03-06 09:00:00,1.25,200,UK",
        ],
    );
    let l = load(&p);
    let c = &l.data.sales.customers["100"];
    let one = c.orders.get("1").expect("order 1");
    assert_eq!(one.amount.to_string(), "3000000000.1234567890123456");
    assert_eq!(one.at.to_string(), "2024-03-01 10:00:00");
    assert_eq!(one.lines, 2);
    let two = c.orders.get("2").expect("order 2");
    assert_eq!(
        (two.amount.to_string(), two.at.to_string(), two.lines),
        ("5.0".to_string(), "2024-03-05 09:30:00".to_string(), 1)
    );
    let old = l.data.sales.customers["200"]
        .orders
        .get("3")
        .expect("order 3");
    assert_eq!(old.at.to_string(), "1899-12-30 08:00:00");
    assert_eq!(old.amount.to_string(), "7");

    let out = dangol(&[
        "customers",
        p.to_str().expect("path"),
        "--format",
        "csv",
        "--as-of",
        "2024-03-31",
    ]);
    assert!(out.status.success(), "{}", stdout(&out));
    let text = stdout(&out);
    assert_eq!(cell(&text, "100", "orders_all"), "2");
    assert_eq!(
        cell(&text, "100", "total_all"),
        "3000000005.1234567890123456"
    );
    assert_eq!(cell(&text, "200", "total_all"), "10.75");
    assert_eq!(cell(&text, "200", "first_order"), "1899-12-30");
}

#[test]
fn the_streamed_customers_csv_is_the_whole_tables_csv() {
    let dir = tmp();
    let mut lines = Vec::new();
    // Names that need quoting or the text mark, a key with a leading zero, 700 customers.
    for i in 0..700 {
        let customer = match i % 4 {
            0 => format!("0{i}"),
            _ => format!("{}", 10_000 + i),
        };
        lines.push(format!(
            "{},A,{},2024-0{}-1{} 10:00:00,{}.5,{customer},UK",
            500 + i,
            1 + i % 3,
            1 + i % 9,
            i % 10,
            i % 50
        ));
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let p = file(dir.path(), &refs);
    let out = dangol(&[
        "customers",
        p.to_str().expect("path"),
        "--format",
        "csv",
        "--as-of",
        "2024-12-31",
    ]);
    assert!(out.status.success());

    let l = load(&p);
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).expect("day");
    let d = &l.data;
    let table = customer_table(&d.sales, &d.quotes, &d.customers, &l.settings, as_of);
    let args = Args {
        workbook: p.clone(),
        sort: SortKey::Total,
        top: None,
        grade: None,
        movement: false,
        duplicates: false,
    };
    let (rows, matched) = select(&table, &args, &l.settings).expect("select");
    assert_eq!(matched, 700);
    let whole = dangol::render::customers::csv(&rows).expect("csv");
    let mut streamed = Vec::new();
    dangol::render::customers::write_csv(&rows, &mut streamed).expect("write");
    assert_eq!(String::from_utf8(streamed).expect("utf-8"), whole);
    assert_eq!(stdout(&out), whole);
    assert!(whole.starts_with("\u{feff}customer,key,"), "{whole:.80}");
    assert!(
        whole.contains("\r\n'0"),
        "the leading-zero key keeps its mark"
    );
}

#[test]
fn a_reader_that_stops_early_ends_the_customers_csv_quietly() {
    // 3,000 customers: some 900 KB of CSV in a dozen runs, more than a pipe holds, so dangol
    // is still writing (and its second thread formatting) when the reader goes away.
    use std::io::Read as _;
    let dir = tmp();
    let lines: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                "{},A,1,2024-05-1{} 10:00:00,{}.5,{},UK",
                500 + i,
                i % 10,
                i % 50,
                10_000 + i
            )
        })
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let p = file(dir.path(), &refs);
    let mut child = crate::support::command()
        .args([
            "customers",
            p.to_str().expect("path"),
            "--format",
            "csv",
            "--as-of",
            "2024-05-20",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 100];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("the first bytes");
    // The pipe's reading end is closed here.
    let out = child.wait_with_output().expect("wait");
    assert!(String::from_utf8_lossy(&first).starts_with("\u{feff}customer,key,"));
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
