//! The quick ways of reading give what the full ways give: the CSV fast path (plain decimals,
//! ISO dates and ASCII ids read from bytes) against the full parsers, and sales sheets read in
//! parallel against one after the other.

use std::path::{Path, PathBuf};

use crate::support::{V, dangol, load, problems, stderr, stdout, tmp, xlsx};

const HEADER: &str = "Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID,Country";

/// The same sales in the forms the fast path reads (`plain`) or only the full parsers read:
/// a `+` sign, spaces around, single-digit months, days and hours. Rows both files hold as
/// they are (grouped money, a Korean date, scientific form, an unusable amount) come after.
fn rows(plain: bool) -> Vec<String> {
    let pick = |fast: &str, full: &str| {
        if plain {
            fast.to_string()
        } else {
            full.to_string()
        }
    };
    let mut out = vec![HEADER.to_string()];
    let sales = [
        (
            "489434",
            "12",
            "2024-03-01 07:45:00",
            "2024-3-1 7:45:00",
            "6.95",
            "13085",
        ),
        (
            "489434",
            "6",
            "2024-03-01 07:45:00",
            "2024-3-1 7:45:00",
            "12.50",
            "13085",
        ),
        (
            "489435",
            "-2",
            "2024-03-05 09:05",
            "2024-3-5 9:05",
            "6.95",
            "13085",
        ),
        ("489436", "3", "2024-04-10", "2024-4-10", "0.85", "13085.0"),
        (
            "C489437",
            "-1",
            "2024-04-11 10:00:00",
            "2024-4-11 10:00:00",
            "6.95",
            "13085",
        ),
        (
            "489438",
            "100",
            "2024-05-02 23:59:59",
            "2024-5-2 23:59:59",
            "1.00",
            "12346",
        ),
        (
            "489439",
            "1",
            "2024-06-30 00:00",
            "2024-6-30 0:00",
            "-3.25",
            "12346",
        ),
        (
            "489440",
            "2",
            "2024-07-01 12:00:00",
            "2024-7-1 12:00:00",
            "99999999.99",
            "",
        ),
    ];
    for (inv, qty, date_fast, date_full, price, cust) in sales {
        let qty = pick(qty, &format!("+{qty}").replace("+-", "-"));
        let price = pick(price, &format!(" {price} "));
        let date = pick(date_fast, date_full);
        out.push(format!(
            "{inv},85048,{qty},{date},{price},{cust},United Kingdom"
        ));
    }
    out.extend(
        [
            "489441,85048,2,2024년 8월 1일,\"₩1,200\",12346,Korea",
            "489442,85048,1,2024-08-02,1.2E+03,12347,Korea",
            "489443,85048,1,2024-02-30,5,12347,Korea",
            "489444,85048,1,2024-08-03,abc,12347,Korea",
        ]
        .map(str::to_string),
    );
    out
}

fn write_csv(dir: &Path, sub: &str, lines: &[String]) -> PathBuf {
    let d = dir.join(sub);
    std::fs::create_dir_all(&d).expect("dir");
    let p = d.join("sales.csv");
    std::fs::write(&p, lines.join("\r\n") + "\r\n").expect("write");
    p
}

fn run(args: &[&str]) -> (i32, String, String) {
    let o = dangol(args);
    (o.status.code().unwrap_or(-1), stdout(&o), stderr(&o))
}

#[test]
fn plain_csv_values_read_fast_give_what_the_full_parsers_give() {
    let dir = tmp();
    let fast = write_csv(dir.path(), "fast", &rows(true));
    let full = write_csv(dir.path(), "full", &rows(false));
    let args = [
        "--format",
        "csv",
        "--as-of",
        "2024-12-31",
        "--set",
        "cancel_prefix=C",
    ];
    let (code_fast, out_fast, err_fast) =
        run(&[&["customers", fast.to_str().unwrap()][..], &args].concat());
    let (code_full, out_full, err_full) =
        run(&[&["customers", full.to_str().unwrap()][..], &args].concat());
    assert_eq!(code_fast, 0, "{err_fast}");
    assert_eq!((code_full, &out_full), (code_fast, &out_fast), "{err_full}");
    assert_eq!(
        err_full.replace("/full/", "/fast/"),
        err_fast,
        "the same problems, named by the same cells"
    );
    // 13085: orders 489434 (12 × 6.95 + 6 × 12.50 = 158.40) and 489436 (3 × 0.85 = 2.55);
    // returns 2 × 6.95 and the C invoice's 6.95 (−20.85): net 140.10.
    let line = out_fast
        .lines()
        .find(|l| l.starts_with("13085,"))
        .unwrap_or_else(|| panic!("no 13085 in {out_fast}"));
    let cells: Vec<&str> = line.split(',').collect();
    assert_eq!(
        &cells[6..11],
        ["2", "140.1", "70.05", "2024-03-01", "2024-04-10"],
        "{line}"
    );

    let (_, check_fast, _) = run(&["check", fast.to_str().unwrap(), "--set", "cancel_prefix=C"]);
    for expected in ["sales!D12", "2024-02-30", "sales!E13", "abc"] {
        assert!(
            check_fast.contains(expected),
            "{expected} not in:\n{check_fast}"
        );
    }
}

/// Two sales sheets of one workbook, with an invoice and a customer in both, returns in both
/// and an unusable cell in the second.
fn two_sheets(channel: bool) -> Vec<(&'static str, Vec<Vec<V>>)> {
    let mut header = vec![
        V::S("Invoice"),
        V::S("Quantity"),
        V::S("InvoiceDate"),
        V::S("Price"),
        V::S("Customer ID"),
    ];
    if channel {
        header.push(V::S("Channel"));
    }
    let row = |inv: &'static str, q: f64, d: u8, p: f64, c: Option<f64>| {
        vec![
            V::S(inv),
            V::N(q),
            V::D(2024, 3, d, 9, 30),
            V::N(p),
            c.map_or(V::B, V::N),
        ]
    };
    let first = vec![
        header.clone(),
        row("100", 2.0, 1, 5.5, Some(12346.0)),
        row("101", -1.0, 2, 5.5, Some(12346.0)),
        row("102", 1.0, 3, 9.0, Some(12347.0)),
        row("103", 4.0, 4, 1.25, None),
        row("C104", -1.0, 5, 9.0, Some(12347.0)),
        row("199", 1.0, 28, 2.0, Some(12348.0)),
    ];
    let mut second = vec![
        header,
        row("199", 3.0, 29, 2.0, Some(12348.0)),
        row("200", 1.0, 30, 7.0, Some(12346.0)),
        row("201", -2.0, 30, 1.5, Some(12346.0)),
        row("202", 1.0, 31, 3.0, None),
        vec![
            V::S("203"),
            V::N(1.0),
            V::S("not a date"),
            V::N(1.0),
            V::N(12349.0),
        ],
    ];
    second.push(row("204", 2.0, 31, 4.0, Some(12349.0)));
    vec![("Year 1", first), ("Year 2", second)]
}

#[test]
fn sales_sheets_read_in_parallel_give_what_reading_them_in_turn_gives() {
    let dir = tmp();
    // A channel column (blank here) makes dangol read the sheets one after the other.
    let parallel = dir.path().join("parallel.xlsx");
    let in_turn = dir.path().join("in_turn.xlsx");
    xlsx(&parallel, &two_sheets(false));
    xlsx(&in_turn, &two_sheets(true));
    let a = load(&parallel);
    let b = load(&in_turn);
    assert_eq!(a.data.sales, b.data.sales);
    assert_eq!(problems(&a), problems(&b));
    assert_eq!(
        problems(&a).iter().filter(|p| p.contains("Year 2")).count(),
        1,
        "{:?}",
        problems(&a)
    );
    let rows: Vec<(u64, u64)> = a.data.sheets.iter().map(|s| (s.rows, s.bad_rows)).collect();
    assert_eq!(rows, [(6, 0), (6, 1)]);
    // Order 199 spans both sheets: one order of 1 × 2 + 3 × 2.
    let c = &a.data.sales.customers["12348"];
    assert_eq!(c.orders.len(), 1);
    assert_eq!(
        c.orders.get("199").expect("order 199").amount.to_string(),
        "8"
    );
    assert_eq!(c.orders.get("199").expect("order 199").lines, 2);
    let args = [
        "--format",
        "csv",
        "--as-of",
        "2024-04-01",
        "--set",
        "cancel_prefix=C",
    ];
    let (code_a, out_a, _) = run(&[&["customers", parallel.to_str().unwrap()][..], &args].concat());
    let (code_b, out_b, _) = run(&[&["customers", in_turn.to_str().unwrap()][..], &args].concat());
    assert_eq!((code_a, &out_a), (code_b, &out_b));
    assert_eq!(out_a.lines().count(), 5, "{out_a}");
}
