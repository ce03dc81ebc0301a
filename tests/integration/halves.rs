//! A long CSV is cut in two at a line break near its middle and read on two cores: the halves
//! must give what reading the file whole gives — the same ledger, rows, problems (in row
//! order, with the right rows, the per-field limit across the cut) and `customers` output —
//! and a cut that falls inside a quoted field with a line break must be noticed (the file is
//! then read whole). Orders are kept by fingerprint: the order ids still tell orders apart.

use std::path::Path;

use dangol::ingest::{Loaded, ReadOptions};

use crate::support::{command, problems, stdout, tmp};

const HEADER: &str = "Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID,Country";
/// Every data line is this long (the country padded), so that a file's middle is known.
const WIDTH: usize = 64;

/// Data line `i` (0-based; it is row `i + 1` of the file): invoices of three lines, customers
/// in both halves, a return every 17th line, no customer every 23rd. `bad_price`: the price
/// cell reads `abc`.
fn line(i: usize, bad_price: bool) -> String {
    let inv = 500_000 + i / 3;
    let qty = if i.is_multiple_of(17) {
        "-1".to_string()
    } else {
        (1 + i % 5).to_string()
    };
    let day = 1 + (i / 40) % 28;
    let month = 1 + (i / (40 * 28)) % 12;
    let price = if bad_price { "abc" } else { "1.25" };
    let customer = if i.is_multiple_of(23) {
        String::new()
    } else {
        (12_000 + (i * 7919) % 250).to_string()
    };
    let text = format!(
        "{inv},SKU{:04},{qty},2024-{month:02}-{day:02} {:02}:{:02}:00,{price},{customer},UK",
        i % 977,
        8 + i % 10,
        i % 60
    );
    assert!(text.len() < WIDTH, "{text}");
    format!("{text:<width$}", width = WIDTH - 1)
}

/// The file: the header, then `lines`, each ending in LF.
fn file(dir: &Path, name: &str, lines: &[String]) -> std::path::PathBuf {
    let mut text = format!("{HEADER}\n");
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn opts(split_min: u64) -> ReadOptions {
    let set = |key: &str, value: &str| dangol::settings::load::RawSetting {
        key: key.into(),
        value: value.into(),
        origin: dangol::settings::Origin::Flag(format!("--set {key}")),
    };
    ReadOptions {
        flags: vec![set("cancel_prefix", "C"), set("currency", "GBP")],
        as_of: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
        csv_split_min: Some(split_min),
        ..ReadOptions::default()
    }
}

/// The file read in halves (any length is long enough) and whole.
fn both(p: &Path) -> (Loaded, Loaded) {
    let halves = dangol::ingest::load(p, &opts(1)).expect("read in halves");
    let whole = dangol::ingest::load(p, &opts(u64::MAX)).expect("read whole");
    assert!(!whole.data.csv_halves);
    (halves, whole)
}

fn assert_same(halves: &Loaded, whole: &Loaded) {
    assert_eq!(halves.data.sales, whole.data.sales);
    assert_eq!(problems(halves), problems(whole));
    assert_eq!(halves.data.sheets, whole.data.sheets);
    assert_eq!(halves.data.currency_votes, whole.data.currency_votes);
    assert_eq!(halves.data.money_read, whole.data.money_read);
}

/// `dangol ARGS` with `DANGOL_CSV_SPLIT_MIN` set: (exit code, stdout).
fn run(split_min: &str, args: &[&str]) -> (Option<i32>, String) {
    let o = command()
        .args(args)
        .env("DANGOL_CSV_SPLIT_MIN", split_min)
        .output()
        .expect("run");
    (o.status.code(), stdout(&o))
}

#[test]
fn a_csv_read_in_halves_gives_the_ledger_rows_and_problems_of_reading_it_whole() {
    let dir = tmp();
    // Unusable cells in both halves: a price at rows 12 and 4012 (1-based), a date at 30 and
    // 3030.
    let mut lines: Vec<String> = (0..5000).map(|i| line(i, i == 10 || i == 4010)).collect();
    for i in [28, 3028] {
        lines[i] = lines[i].replacen("2024-", "2024-13-", 1);
    }
    let p = file(dir.path(), "sales.csv", &lines);
    let (halves, whole) = both(&p);
    assert!(halves.data.csv_halves, "the file was not cut in two");
    assert_same(&halves, &whole);
    let found: Vec<String> = problems(&halves)
        .into_iter()
        .filter(|p| p.starts_with("sales!"))
        .collect();
    assert_eq!(
        found,
        [
            "sales!E12: found \"abc\", expected an amount (e.g. 12000, 1,200,000원, ₩12,000, £3.75)",
            "sales!D30: found \"2024-13-01-01 16:28:00\", expected a date (e.g. 2025-04-15, 2025.04.15, 2025년 4월 15일)",
            "sales!D3030: found \"2024-13-03-20 16:28:00\", expected a date (e.g. 2025-04-15, 2025.04.15, 2025년 4월 15일)",
            "sales!E4012: found \"abc\", expected an amount (e.g. 12000, 1,200,000원, ₩12,000, £3.75)",
        ]
    );
    let rows: Vec<(u64, u64)> = halves
        .data
        .sheets
        .iter()
        .map(|s| (s.rows, s.bad_rows))
        .collect();
    assert_eq!(rows, [(5000, 4)]);
    // An invoice on both sides of the cut (lines 2499 to 2501 share one) is one order.
    let s = &halves.data.sales;
    let orders: usize =
        s.customers.values().map(|c| c.orders.len()).sum::<usize>() + s.anonymous_orders.len();
    assert_eq!(orders, whole_orders(&whole));

    let args = |p: &Path| {
        [
            "customers",
            p.to_str().unwrap(),
            "--format",
            "csv",
            "--as-of",
            "2025-01-01",
            "--set",
            "cancel_prefix=C",
        ]
        .map(str::to_string)
    };
    let a = args(&p);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let (code_h, out_h) = run("1", &a);
    let (code_w, out_w) = run("99999999999", &a);
    assert_eq!((code_h, &out_h), (code_w, &out_w));
    assert_eq!(code_h, Some(0));
    assert_eq!(out_h.lines().count(), 251, "{out_h}");
}

/// Distinct orders counted another way: from the ids, as strings.
fn whole_orders(l: &Loaded) -> usize {
    let _ = l;
    let mut ids = std::collections::BTreeSet::new();
    for i in 0..5000usize {
        let customer = if i.is_multiple_of(23) {
            String::new()
        } else {
            (12_000 + (i * 7919) % 250).to_string()
        };
        // Returns are not orders; the rows with an unusable cell are not read.
        if i % 17 != 0 && ![10, 28, 3028, 4010].contains(&i) {
            ids.insert((customer, 500_000 + i / 3));
        }
    }
    ids.len()
}

#[test]
fn problems_over_the_per_field_limit_are_counted_across_the_cut() {
    let dir = tmp();
    // 150 unusable prices: 60 before the cut, 90 after — 100 listed, 50 counted.
    let bad: Vec<usize> = (0..60)
        .map(|k| 100 + k * 30)
        .chain((0..90).map(|k| 2600 + k * 25))
        .collect();
    let lines: Vec<String> = (0..5000).map(|i| line(i, bad.contains(&i))).collect();
    let p = file(dir.path(), "sales.csv", &lines);
    let (halves, whole) = both(&p);
    assert!(halves.data.csv_halves);
    assert_same(&halves, &whole);
    let all = problems(&halves);
    let listed: Vec<&String> = all.iter().filter(|p| p.contains("found \"abc\"")).collect();
    assert_eq!(listed.len(), 100);
    // The last one listed is the 40th after the cut: line 2600 + 39 × 25 = 3575, row 3577.
    assert!(listed[99].starts_with("sales!E3577: "), "{}", listed[99]);
    assert!(
        all.contains(
            &"sales: 50 more unusable values in column 'unit_price' not listed".to_string()
        ),
        "{all:?}"
    );
}

/// A record of `len` bytes whose last field is quoted and holds a line break after `before`
/// of its characters.
fn quoted_break(before: usize, len: usize) -> String {
    let start = "501000,SKUQ,1,2024-06-01 10:00:00,1.25,12001,\"";
    let body = len - start.len() - 2;
    format!(
        "{start}{}\n{}\"",
        "x".repeat(before),
        "y".repeat(body - before)
    )
}

#[test]
fn a_cut_inside_a_quoted_line_break_is_noticed_and_the_file_read_whole() {
    let dir = tmp();
    // 2000 lines, the quoted record, 2000 lines: the middle of the file is the middle of the
    // record, before its line break — the first line break after the middle is inside quotes.
    let mut lines: Vec<String> = (0..4000).map(|i| line(i, i == 3500)).collect();
    lines.insert(2000, quoted_break(700, 1000));
    let p = file(dir.path(), "sales.csv", &lines);
    let text = std::fs::read(&p).unwrap();
    let middle = text.len() / 2;
    let record = HEADER.len() + 1 + 2000 * WIDTH;
    let inner_break = record + text[record..].iter().position(|&b| b == b'\n').unwrap();
    assert!(
        record < middle && middle < inner_break && text[inner_break] == b'\n',
        "the fixture's middle is not inside the quoted field"
    );
    let (halves, whole) = both(&p);
    assert!(!halves.data.csv_halves, "a cut inside quotes was taken");
    assert_same(&halves, &whole);
    // The quoted record takes one row with its line break: line 3500 is row 3503 (1-based).
    assert!(
        problems(&halves)
            .iter()
            .any(|p| p.starts_with("sales!E3503: found \"abc\"")),
        "{:?}",
        problems(&halves)
    );
}

#[test]
fn a_quoted_line_break_after_the_cut_keeps_the_rows_right() {
    let dir = tmp();
    let mut lines: Vec<String> = (0..4000).map(|i| line(i, i == 3500)).collect();
    lines.insert(3000, quoted_break(10, 100));
    let p = file(dir.path(), "sales.csv", &lines);
    let (halves, whole) = both(&p);
    assert!(halves.data.csv_halves);
    assert_same(&halves, &whole);
    assert!(
        problems(&halves)
            .iter()
            .any(|p| p.starts_with("sales!E3503: found \"abc\"")),
        "{:?}",
        problems(&halves)
    );
}

#[test]
fn a_quoted_line_break_before_the_cut_has_the_file_read_whole() {
    let dir = tmp();
    let mut lines: Vec<String> = (0..4000).map(|i| line(i, i == 3500)).collect();
    lines.insert(1000, quoted_break(10, 100));
    let p = file(dir.path(), "sales.csv", &lines);
    let (halves, whole) = both(&p);
    // The cut itself is fine, but the rows after it would be numbered from line breaks.
    assert!(!halves.data.csv_halves);
    assert_same(&halves, &whole);
    assert!(
        problems(&halves)
            .iter()
            .any(|p| p.starts_with("sales!E3503: found \"abc\"")),
        "{:?}",
        problems(&halves)
    );
}

#[test]
fn a_csv_with_a_phone_column_is_read_whole() {
    // A number's form is the first one written in the file: the halves cannot know it.
    let dir = tmp();
    let mut text = "Invoice,Quantity,InvoiceDate,Price,Customer ID,Phone\n".to_string();
    for i in 0..5000 {
        text.push_str(&format!(
            "{},1,2024-03-01 10:00:00,1.25,{},010-1234-{:04}\n",
            600_000 + i,
            12_000 + i % 50,
            i % 50
        ));
    }
    let p = dir.path().join("phones.csv");
    std::fs::write(&p, text).unwrap();
    let (halves, whole) = both(&p);
    assert!(!halves.data.csv_halves);
    assert_same(&halves, &whole);
}

#[test]
fn orders_are_told_apart_by_their_ids_in_every_customer() {
    // 3,000 orders of one customer (past the sorted vector, into the B-tree) and ids that
    // differ in one character: every one is its own order, and lines of one id add up.
    let dir = tmp();
    let mut text = "Invoice,Quantity,InvoiceDate,Price,Customer ID\n".to_string();
    for i in 0..3000 {
        for _ in 0..2 {
            text.push_str(&format!("INV-{i:05}A,1,2024-03-01 10:00:00,2.5,12345\n"));
        }
        text.push_str(&format!(
            "INV-{i:05}B,1,2024-03-02 10:00:00,1,{}\n",
            20_000 + i % 7
        ));
    }
    let p = dir.path().join("orders.csv");
    std::fs::write(&p, text).unwrap();
    let l = dangol::ingest::load(&p, &opts(u64::MAX)).expect("read");
    let c = &l.data.sales.customers["12345"];
    assert_eq!(c.orders.len(), 3000);
    assert_eq!(
        c.orders
            .get("INV-01234A")
            .expect("order INV-01234A")
            .amount
            .to_string(),
        "5.0"
    );
    assert_eq!(
        c.orders.get("INV-01234A").expect("order INV-01234A").lines,
        2
    );
    assert!(c.orders.get("INV-01234B").is_none());
    let others: usize = (0..7)
        .map(|k| {
            l.data.sales.customers[&(20_000 + k).to_string()]
                .orders
                .len()
        })
        .sum();
    assert_eq!(others, 3000);
}

/// A CSV with phone and channel columns is read whole (its halves would not read alike), its
/// rows typed on one thread and added up on another: the ledger, the phones' forms (one per
/// number, the workbook's first), the channels counted once per order, returns, voids, rows
/// after the as-of day, unusable cells and their problems are those of adding every row where
/// it was typed.
#[test]
fn sales_added_up_on_a_second_thread_give_the_ledger_of_one() {
    let dir = tmp();
    let mut text =
        String::from("Invoice,Quantity,InvoiceDate,Price,Customer ID,Phone,Channel,Status\n");
    for i in 0..6000usize {
        let invoice = i / 3;
        let id = if invoice % 50 == 7 {
            format!("C{}", 600_000 + invoice)
        } else {
            (600_000 + invoice).to_string()
        };
        let qty = if i % 17 == 0 { -1 } else { 1 + (i % 4) as i64 };
        let date = match i {
            _ if i % 101 == 0 => "2025-03-01 10:00:00".to_string(),
            4445 => "2090-01-01 10:00:00".to_string(),
            _ => format!(
                "2024-{:02}-{:02} 09:{:02}:00",
                1 + (i / 500) % 12,
                1 + i % 28,
                i % 60
            ),
        };
        let price = if i == 1234 || i == 5555 {
            "abc"
        } else {
            "2.50"
        };
        let customer = if i % 23 == 0 {
            String::new()
        } else {
            (13_000 + (invoice * 7919) % 300).to_string()
        };
        // Customers share numbers (every 97th), written two ways; some cells hold no number.
        let n = (13_000 + (invoice * 7919) % 300) % 97;
        let phone = match i {
            _ if i % 11 == 0 => String::new(),
            _ if i % 29 == 0 => "n/a".to_string(),
            _ if i % 2 == 0 => format!("010-1234-{n:04}"),
            _ => format!("0101234{n:04}"),
        };
        let channel = ["web", "shop", "kakao"][(invoice + i / 1000) % 3];
        let status = if invoice % 31 == 5 {
            "cancelled"
        } else {
            "paid"
        };
        text.push_str(&format!(
            "{id},{qty},{date},{price},{customer},{phone},{channel},{status}\n"
        ));
    }
    let p = dir.path().join("sales.csv");
    std::fs::write(&p, text).unwrap();
    let two = dangol::ingest::load(&p, &opts(u64::MAX)).expect("read, added up apart");
    let one_thread = ReadOptions {
        sales_on_one_thread: true,
        ..opts(u64::MAX)
    };
    let one = dangol::ingest::load(&p, &one_thread).expect("read on one thread");
    assert!(!two.data.csv_halves);
    assert_eq!(one.data.batches_added_apart, 0);
    if std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2) {
        // 6,000 rows less the unusable and later ones, 1,024 to a batch.
        assert_eq!(two.data.batches_added_apart, 6);
    } else {
        assert_eq!(two.data.batches_added_apart, 0);
    }
    assert_same(&two, &one);
    let s = &two.data.sales;
    assert_eq!(
        (
            s.order_rows,
            s.return_rows,
            s.void_rows,
            s.later_rows,
            s.future_rows
        ),
        (
            one.data.sales.order_rows,
            one.data.sales.return_rows,
            one.data.sales.void_rows,
            0,
            60
        )
    );
    assert!(s.void_rows > 0 && s.prefixed_return_rows > 0 && s.anonymous_rows > 0);
    // One form per number across customers (the first one written): 97 numbers, 97 forms.
    let forms: std::collections::BTreeSet<&str> = s
        .customers
        .values()
        .flat_map(|c| c.phones.iter().map(compact_str::CompactString::as_str))
        .collect();
    let digits: std::collections::BTreeSet<String> = forms
        .iter()
        .map(|f| f.chars().filter(char::is_ascii_digit).collect())
        .collect();
    assert_eq!((forms.len(), digits.len()), (97, 97), "{forms:?}");
    assert!(forms.contains("010-1234-0001") && forms.contains("01012340000"));
    assert_eq!(problems(&two).len(), problems(&one).len());
}
