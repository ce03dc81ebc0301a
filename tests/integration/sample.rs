//! `dangol::sample` and `dangol::starter`: determinism, shapes, value types and encodings of the
//! generated files, read back with calamine.

// Exact float comparisons are the point here: whole won and counts are stored as floats and must
// read back exactly.
#![allow(clippy::float_cmp)]

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

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn as_day(d: &Data) -> Option<NaiveDate> {
    match d {
        Data::DateTime(dt) => dt.as_datetime().map(|t| t.date()),
        _ => None,
    }
}

/// A text date in one of the forms the generator writes.
fn parse_text_date(s: &str) -> Option<NaiveDate> {
    [
        "%Y.%m.%d",
        "%Y. %m. %d.",
        "%Y년 %m월 %d일",
        "%Y-%m-%d",
        "%Y/%m/%d",
    ]
    .iter()
    .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

/// A text amount: `₩12,000`, `12,000원`, `£1,234.50`, `1,234.50`, full-width digits.
fn parse_text_money(s: &str) -> Option<f64> {
    let folded: String = s
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFF10 + u32::from(b'0')),
            '₩' | '원' | '£' | ',' => None,
            _ => Some(c),
        })
        .collect();
    folded.parse().ok()
}

// The Flows sheet (SPEC §8) follows the defaults since lifecycle flows.
const KO_SHEETS: [&str; 16] = [
    "판매",
    "견적",
    "고객",
    "파이프라인",
    "설정",
    "등급기준",
    "템플릿",
    "자동발송규칙",
    "고객그룹",
    "그룹회원",
    "단가표",
    "프로모션",
    "재고",
    "입출고",
    "장바구니",
    "발송기록",
];
const EN_SHEETS: [&str; 16] = [
    "Sales",
    "Quotes",
    "Customers",
    "Pipeline",
    "Settings",
    "Grades",
    "Templates",
    "Flows",
    "Groups",
    "Group Members",
    "Price List",
    "Promotions",
    "Stock",
    "Stock Moves",
    "Carts",
    "Sent Log",
];
const KO_SALES: [&str; 11] = [
    "주문일자",
    "주문번호",
    "고객명",
    "이메일",
    "연락처",
    "상품명",
    "수량",
    "단가",
    "금액",
    "주문상태",
    "유입경로",
];
const EN_SALES: [&str; 11] = [
    "Order Date",
    "Order ID",
    "Customer",
    "Email",
    "Phone",
    "Product",
    "Quantity",
    "Unit Price",
    "Amount",
    "Status",
    "Channel",
];

fn row_texts(row: &[Data]) -> Vec<String> {
    row.iter().map(text).collect()
}

#[test]
fn same_options_give_byte_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(Lang::Ko, 1_500);
    let (a, _) = write(dir.path(), "a.xlsx", &o);
    let (b, _) = write(dir.path(), "b.xlsx", &o);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let other = SampleOptions {
        seed: 2,
        ..o.clone()
    };
    let (c, _) = write(dir.path(), "c.xlsx", &other);
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&c).unwrap());

    let csv = SampleOptions {
        format: SampleFormat::Csv,
        ..o
    };
    let (a, _) = write(dir.path(), "a.csv", &csv);
    let (b, _) = write(dir.path(), "b.csv", &csv);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn ko_sales_sheet_has_title_headers_and_typed_values() {
    let dir = tempfile::tempdir().unwrap();
    let (p, s) = write(dir.path(), "shop.xlsx", &SampleOptions::default());
    assert_eq!(sheet_names(&p), KO_SHEETS);
    assert_eq!(s.sales_rows, 6_000);
    assert_eq!(s.sales_sheets, ["판매"]);
    assert!(s.bad_cells.is_empty());

    let rows = sheet(&p, "판매");
    assert_eq!(text(&rows[0][0]), "2025~2026년 판매 내역");
    assert!(rows[1].iter().all(|c| *c == Data::Empty));
    assert_eq!(row_texts(&rows[2]), KO_SALES);
    let data = &rows[3..];
    assert_eq!(data.len(), 6_000);

    // 52 weeks ending Sunday 2026-11-22 start on Monday 2025-11-24.
    let (first, last) = (day(2025, 11, 24), day(2026, 11, 22));
    let (mut real_dates, mut text_dates, mut text_amounts, mut fullwidth) = (0, 0, 0, 0);
    let (mut cancelled, mut returned) = (0, 0);
    let mut orders = std::collections::BTreeSet::new();
    let mut spaced_names = 0;
    for r in data {
        let d = match &r[0] {
            Data::String(t) => {
                text_dates += 1;
                parse_text_date(t).unwrap_or_else(|| panic!("text date {t:?}"))
            }
            other => {
                real_dates += 1;
                as_day(other).unwrap_or_else(|| panic!("not a date: {other:?}"))
            }
        };
        assert!((first..=last).contains(&d), "{d}");
        orders.insert(text(&r[1]));
        assert!(text(&r[1]).starts_with("ORD-"));
        spaced_names += usize::from(text(&r[2]).contains(' '));
        let Data::Float(qty) = r[6] else {
            panic!("quantity {:?}", r[6])
        };
        let Data::Float(price) = r[7] else {
            panic!("unit price {:?}", r[7])
        };
        assert!((9_900.0..=590_000.0).contains(&price), "{price}");
        let amount = match &r[8] {
            Data::Float(a) => *a,
            Data::String(t) => {
                text_amounts += 1;
                fullwidth += usize::from(t.chars().any(|c| ('０'..='９').contains(&c)));
                assert!(t.starts_with('₩') || t.ends_with('원'), "{t}");
                parse_text_money(t).unwrap_or_else(|| panic!("text amount {t:?}"))
            }
            other => panic!("amount {other:?}"),
        };
        assert_eq!(amount, qty * price);
        let status = text(&r[9]);
        match status.as_str() {
            "취소" | "환불" => {
                cancelled += 1;
                assert!(amount > 0.0);
            }
            "반품" => {
                returned += 1;
                assert!(qty < 0.0 && amount < 0.0);
            }
            "결제완료" | "배송중" | "배송완료" => assert!(qty > 0.0),
            other => panic!("status {other}"),
        }
    }
    assert_eq!(real_dates + text_dates, 6_000);
    assert_eq!(text_dates, s.text_date_cells as usize);
    assert_eq!(text_amounts, s.text_amount_cells as usize);
    assert_eq!(orders.len() as u64, s.orders);
    assert_eq!(cancelled, s.cancelled_rows);
    assert_eq!(returned, s.returned_rows);
    // About 2 % text dates, 2 % cancellations, 1 % returns; a few full-width digits and
    // spelling variants.
    assert!((60..=200).contains(&text_dates), "{text_dates}");
    assert!((40..=250).contains(&cancelled), "{cancelled}");
    assert!((20..=120).contains(&returned), "{returned}");
    assert!(fullwidth >= 1, "{fullwidth}");
    assert!(spaced_names >= 1, "{spaced_names}");
    // Several lines per order sometimes.
    assert!(s.orders < 5_000, "{}", s.orders);
}

#[test]
fn purchase_frequency_is_skewed() {
    let dir = tempfile::tempdir().unwrap();
    let (p, s) = write(dir.path(), "shop.xlsx", &SampleOptions::default());
    let mut per_customer: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        std::collections::BTreeMap::new();
    for r in &sheet(&p, "판매")[3..] {
        per_customer
            .entry(text(&r[2]).replace(' ', ""))
            .or_default()
            .insert(text(&r[1]));
    }
    let mut counts: Vec<usize> = per_customer
        .values()
        .map(std::collections::BTreeSet::len)
        .collect();
    counts.sort_unstable();
    let one_timers = counts.iter().filter(|&&n| n == 1).count();
    let top_decile: usize = counts.iter().rev().take(counts.len() / 10).sum();
    assert!(
        one_timers * 3 >= counts.len(),
        "{one_timers} of {}",
        counts.len()
    );
    assert!(
        top_decile * 2 >= s.orders as usize,
        "top 10 % hold {top_decile} of {}",
        s.orders
    );
    assert!(
        s.customers_without_sales >= 3,
        "{}",
        s.customers_without_sales
    );
}

#[test]
fn quotes_link_to_orders_at_realistic_rates() {
    let dir = tempfile::tempdir().unwrap();
    let (p, s) = write(dir.path(), "shop.xlsx", &SampleOptions::default());
    let orders: std::collections::BTreeSet<String> =
        sheet(&p, "판매")[3..].iter().map(|r| text(&r[1])).collect();
    let rows = sheet(&p, "견적");
    assert_eq!(
        row_texts(&rows[0]),
        [
            "견적번호",
            "고객명",
            "이메일",
            "연락처",
            "발송일",
            "열람",
            "열람횟수",
            "응답",
            "전환",
            "주문번호",
            "견적금액",
            "유입경로",
            "리마인드일",
            "리마인드횟수"
        ]
    );
    let quotes = &rows[1..];
    assert_eq!(quotes.len(), 450);
    assert_eq!(s.quotes, 450);
    let yes = |d: &Data| match d {
        Data::DateTime(_) => true,
        Data::String(t) => matches!(t.as_str(), "Y" | "O"),
        Data::Empty => false,
        other => panic!("{other:?}"),
    };
    let (mut opened, mut responded, mut converted, mut reminded, mut due) = (0, 0, 0, 0, 0);
    let mut forms = std::collections::BTreeSet::new();
    let end = day(2026, 11, 22);
    for q in quotes {
        let sent = as_day(&q[4]).expect("sent is a date");
        forms.insert(match &q[5] {
            Data::DateTime(_) => "date".to_string(),
            other => text(other),
        });
        opened += usize::from(yes(&q[5]));
        responded += usize::from(yes(&q[7]));
        if yes(&q[8]) {
            converted += 1;
            assert!(orders.contains(&text(&q[9])), "{}", text(&q[9]));
        } else {
            assert_eq!(q[9], Data::Empty);
        }
        if q[12] != Data::Empty {
            reminded += 1;
            assert!(matches!(q[13], Data::Float(n) if n == 1.0 || n == 2.0));
        }
        let age = (end - sent).num_days();
        if (3..=14).contains(&age) && !yes(&q[7]) && q[12] == Data::Empty {
            due += 1;
        }
    }
    assert_eq!(converted, s.quotes_converted as usize);
    let pct = |n: usize| n * 100 / quotes.len();
    assert!((50..=70).contains(&pct(opened)), "opened {}", pct(opened));
    assert!(
        (22..=38).contains(&pct(responded)),
        "responded {}",
        pct(responded)
    );
    assert!(
        (9..=20).contains(&pct(converted)),
        "converted {}",
        pct(converted)
    );
    assert!(reminded >= 3, "{reminded}");
    assert!(due >= 3, "reminders due at the end: {due}");
    for f in ["date", "Y", "O", "N", "X", ""] {
        assert!(forms.contains(f), "opened form {f:?} missing: {forms:?}");
    }
}

#[test]
fn customers_and_pipeline_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let (p, s) = write(dir.path(), "shop.xlsx", &SampleOptions::default());
    let rows = sheet(&p, "고객");
    assert_eq!(
        row_texts(&rows[0]),
        [
            "고객명",
            "이메일",
            "연락처",
            "고객그룹",
            "가입일",
            "수신거부",
            "메모",
            "생일",
            "수신동의"
        ]
    );
    assert_eq!(rows.len() - 1, 300);
    // Every third customer has a birthday (the first two days before the data's end).
    let birthdays = rows[1..].iter().filter(|r| as_day(&r[7]).is_some()).count();
    assert_eq!(birthdays, 100);
    let groups: std::collections::BTreeSet<String> =
        rows[1..].iter().map(|r| text(&r[3])).collect();
    assert_eq!(groups, ["VIP", "도매", "일반"].map(String::from).into());
    assert!(rows[1..].iter().all(|r| as_day(&r[4]).is_some()));
    let opted_out = rows[1..].iter().filter(|r| text(&r[5]) == "Y").count();
    assert!((1..=30).contains(&opted_out), "{opted_out}");

    let rows = sheet(&p, "파이프라인");
    assert_eq!(
        row_texts(&rows[0]),
        [
            "거래ID",
            "고객명",
            "단계",
            "날짜",
            "금액",
            "담당자",
            "유입경로"
        ]
    );
    assert_eq!(rows.len() - 1, s.pipeline_rows as usize);
    let order = ["문의", "상담", "견적", "계약"];
    let (mut lost, mut won, mut backward) = (0, 0, 0);
    let mut prev: Option<(String, usize, NaiveDate)> = None;
    for r in &rows[1..] {
        let (deal, stage) = (text(&r[0]), text(&r[2]));
        let date = as_day(&r[3]).expect("stage date");
        if stage == "실패" {
            lost += 1;
            continue;
        }
        let i = order
            .iter()
            .position(|s| *s == stage)
            .unwrap_or_else(|| panic!("{stage}"));
        won += usize::from(i == 3);
        if let Some((d, j, when)) = &prev
            && *d == deal
        {
            assert!(date >= *when);
            backward += usize::from(i < *j);
        }
        prev = Some((deal, i, date));
    }
    assert!(
        lost >= 5 && won >= 3 && backward >= 1,
        "lost {lost}, won {won}, back {backward}"
    );
}

#[test]
fn settings_grades_and_templates_hold_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let (p, _) = write(dir.path(), "shop.xlsx", &opts(Lang::Ko, 10));
    let rows = sheet(&p, "설정");
    assert_eq!(row_texts(&rows[0]), ["항목", "값", "메모"]);
    let get = |k: &str| rows.iter().find(|r| text(&r[0]) == k).map(|r| r[1].clone());
    assert_eq!(rows.len() - 1, 20);
    assert_eq!(get("shop_name"), Some(Data::String("단골상회".into())));
    assert_eq!(get("currency"), Some(Data::String("KRW".into())));
    assert_eq!(
        get("funnel.stages"),
        Some(Data::String("문의, 상담, 견적, 계약".into()))
    );
    assert_eq!(get("lookback_days"), Some(Data::Float(365.0)));
    assert_eq!(get("reminder.after_days"), Some(Data::Float(3.0)));
    let rows = sheet(&p, "등급기준");
    assert_eq!(row_texts(&rows[0]), ["종류", "등급", "규칙", "메모"]);
    assert_eq!(
        row_texts(&rows[1])[..3],
        ["vip", "VIP", "total >= 1000000 and orders >= 5"]
    );
    assert_eq!(row_texts(&rows[10])[..3], ["responder", "견적없음", "true"]);
    let rows = sheet(&p, "템플릿");
    assert_eq!(row_texts(&rows[0]), ["등급", "제목", "본문"]);
    let grades: Vec<String> = rows[1..].iter().map(|r| text(&r[0])).collect();
    // Chosen by responder grade and quote state (SPEC §6 reminder paragraph).
    assert_eq!(
        grades,
        [
            "단골 + 미열람",
            "관심고객 + 열람",
            "대기 + 미열람",
            "미응답 + 미열람"
        ]
    );
}

#[test]
fn en_workbook_uses_english_and_pounds() {
    let dir = tempfile::tempdir().unwrap();
    let options = SampleOptions {
        shop_name: None,
        ..opts(Lang::En, 800)
    };
    let (path, summary) = write(dir.path(), "shop-en.xlsx", &options);
    assert_eq!(sheet_names(&path), EN_SHEETS);
    let rows = sheet(&path, "Sales");
    assert_eq!(row_texts(&rows[0]), EN_SALES);
    assert_eq!(rows.len() - 1, 800);
    let mut text_amounts = 0;
    for r in &rows[1..] {
        let Data::Float(qty) = r[6] else {
            panic!("{:?}", r[6])
        };
        let Data::Float(price) = r[7] else {
            panic!("{:?}", r[7])
        };
        assert!((2.5..=249.0).contains(&price), "{price}");
        // Whole pence: the float is the shortest form of an exact 2-decimal amount.
        let cents = (price * 100.0).round();
        assert_eq!(format!("{}", cents / 100.0), format!("{price}"));
        match &r[8] {
            Data::Float(a) => assert!((a - qty * price).abs() < 1e-6),
            Data::String(t) => {
                text_amounts += 1;
                let v = parse_text_money(t).unwrap_or_else(|| panic!("{t:?}"));
                assert!((v - qty * price).abs() < 1e-6, "{t}");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            [
                "Paid",
                "Shipped",
                "Delivered",
                "Cancelled",
                "Refunded",
                "Returned"
            ]
            .contains(&text(&r[9]).as_str())
        );
    }
    assert_eq!(text_amounts, summary.text_amount_cells as usize);
    let settings = sheet(&path, "Settings");
    assert_eq!(row_texts(&settings[0]), ["Key", "Value", "Note"]);
    assert_eq!(row_texts(&settings[1])[..2], ["shop_name", "Corner Shop"]);
    assert_eq!(row_texts(&settings[2])[..2], ["currency", "GBP"]);
    let grades = sheet(&path, "Grades");
    assert_eq!(row_texts(&grades[2])[..2], ["vip", "Gold"]);
}

#[test]
fn ko_csv_is_cp949_like_korean_excel() {
    let dir = tempfile::tempdir().unwrap();
    let o = SampleOptions {
        format: SampleFormat::Csv,
        ..opts(Lang::Ko, 700)
    };
    let (p, s) = write(dir.path(), "sales-cp949.csv", &o);
    let bytes = std::fs::read(&p).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "Hangul in CP949 is not UTF-8"
    );
    let (text, had_errors) = encoding_rs::EUC_KR.decode_without_bom_handling(&bytes);
    assert!(!had_errors);
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(lines[0], KO_SALES.join(","));
    assert_eq!(lines.len(), 701);
    assert_eq!(s.sales_rows, 700);
    assert_eq!(s.sales_sheets, ["sales-cp949"]);
    // The ₩ sign has no CP949 code: text amounts use the 원 form.
    let amounts: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(8).unwrap_or(""))
        .collect();
    assert!(amounts.iter().all(|a| !a.contains('₩')));
    assert!(lines[1].starts_with("2025-11-2"), "{}", lines[1]);
}

#[test]
fn en_csv_is_utf8_with_bom() {
    let dir = tempfile::tempdir().unwrap();
    let o = SampleOptions {
        format: SampleFormat::Csv,
        ..opts(Lang::En, 50)
    };
    let (p, _) = write(dir.path(), "sales.csv", &o);
    let bytes = std::fs::read(&p).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        EN_SALES
    );
    assert_eq!(reader.records().count(), 50);
}

#[test]
fn bad_cells_are_injected_where_the_summary_says() {
    let dir = tempfile::tempdir().unwrap();
    let o = SampleOptions {
        bad_cells: 7,
        ..opts(Lang::Ko, 500)
    };
    let (p, s) = write(dir.path(), "bad.xlsx", &o);
    assert_eq!(s.bad_cells.len(), 7);
    let shown: Vec<String> = s
        .bad_cells
        .iter()
        .take(2)
        .map(ToString::to_string)
        .collect();
    assert_eq!(shown, ["판매!I4", "판매!A75"]);
    let rows = sheet(&p, "판매");
    for c in &s.bad_cells {
        let v = text(&rows[c.row as usize][c.col as usize]);
        assert!(v == "N/A" || v.ends_with("-02-30"), "{c}: {v}");
    }
    let na = rows[3..].iter().filter(|r| text(&r[8]) == "N/A").count();
    let feb30 = rows[3..]
        .iter()
        .filter(|r| text(&r[0]).ends_with("-02-30"))
        .count();
    assert_eq!((na, feb30), (4, 3));

    // CSV: the same cells, rows counted from the header as row 1.
    let o = SampleOptions {
        format: SampleFormat::Csv,
        ..o
    };
    let (p, s) = write(dir.path(), "bad.csv", &o);
    assert_eq!(s.bad_cells.len(), 7);
    assert_eq!(s.bad_cells[0].to_string(), "bad!I2");
    let bytes = std::fs::read(&p).unwrap();
    let (text, _) = encoding_rs::EUC_KR.decode_without_bom_handling(&bytes);
    assert_eq!(text.matches(",N/A,").count(), 4);
    assert_eq!(text.matches("-02-30,").count(), 3);

    // More bad cells than rows: one per row.
    let o = SampleOptions {
        bad_cells: 50,
        ..opts(Lang::En, 20)
    };
    let (_, s) = write(dir.path(), "all-bad.xlsx", &o);
    assert_eq!(s.bad_cells.len(), 20);
}

#[test]
fn default_sample_has_no_unusable_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (p, s) = write(dir.path(), "ok.xlsx", &opts(Lang::En, 2_000));
    assert!(s.bad_cells.is_empty());
    for r in &sheet(&p, "Sales")[1..] {
        assert_ne!(text(&r[8]), "N/A");
        match &r[0] {
            Data::String(t) => assert!(parse_text_date(t).is_some(), "{t}"),
            d => assert!(as_day(d).is_some(), "{d:?}"),
        }
    }
}

#[test]
fn invalid_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = |o: SampleOptions| {
        write_sample(&o, &dir.path().join("x.xlsx"))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(SampleOptions {
            weeks: 0,
            ..SampleOptions::default()
        }),
        "weeks must be between 1 and 5200, not 0"
    );
    assert_eq!(
        err(SampleOptions {
            customers: 0,
            ..SampleOptions::default()
        }),
        "a shop with sales needs at least 1 customer"
    );
    assert!(!dir.path().join("x.xlsx").exists());
}

#[test]
fn starter_has_every_sheet_with_examples_and_defaults() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, sheets, headers, name) in [
        (Lang::Ko, KO_SHEETS, KO_SALES, "시작.xlsx"),
        (Lang::En, EN_SHEETS, EN_SALES, "start.xlsx"),
    ] {
        let p = dir.path().join(name);
        dangol::starter::write_starter(&p, lang, day(2026, 4, 19)).unwrap();
        assert_eq!(sheet_names(&p), sheets);
        let rows = sheet(&p, sheets[0]);
        assert_eq!(row_texts(&rows[0]), headers);
        assert_eq!(rows.len() - 1, 10);
        for r in &rows[1..] {
            let d = as_day(&r[0]).expect("a real date");
            assert!((day(2026, 3, 23)..=day(2026, 4, 19)).contains(&d), "{d}");
            assert!(matches!(r[8], Data::Float(_)), "{:?}", r[8]);
        }
        for s in &sheets[1..4] {
            assert!(sheet(&p, s).len() >= 3, "{s} has examples");
        }
        let settings = sheet(&p, sheets[4]);
        assert_eq!(settings.len() - 1, 20);
        assert_eq!(text(&settings[1][1]), lang.pick("우리가게", "My Shop"));
        assert_eq!(sheet(&p, sheets[5]).len() - 1, 10);
        assert_eq!(sheet(&p, sheets[6]).len() - 1, 4);
    }
}

#[test]
fn starter_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("mine.xlsx");
    std::fs::write(&p, b"the owner's own file").unwrap();
    let err = dangol::starter::write_starter(&p, Lang::Ko, day(2026, 4, 19)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} already exists; dangol init never overwrites a file",
            p.display()
        )
    );
    assert_eq!(std::fs::read(&p).unwrap(), b"the owner's own file");
    // No temporary file is left behind either.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// `cargo test --release --test integration sample::million -- --ignored --nocapture`: time and size of a
/// 1,000,000-row workbook and CSV (a measurement, not an assertion).
#[test]
#[ignore = "a measurement: run in release mode by hand"]
fn million_rows_timing() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, format, name) in [
        (Lang::Ko, SampleFormat::Xlsx, "m.xlsx"),
        (Lang::En, SampleFormat::Xlsx, "m-en.xlsx"),
        (Lang::Ko, SampleFormat::Csv, "m.csv"),
    ] {
        let o = SampleOptions {
            rows: 1_000_000,
            lang,
            format,
            ..SampleOptions::default()
        };
        let t = std::time::Instant::now();
        let (p, s) = write(dir.path(), name, &o);
        let secs = t.elapsed().as_secs_f64();
        let size = std::fs::metadata(&p).unwrap().len();
        println!("{name}: {} rows in {secs:.2} s, {size} bytes", s.sales_rows);
    }
}
