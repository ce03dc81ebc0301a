//! Fuzzing on stable with proptest: the value parsers, the grade-rule parser, header
//! detection, CSV decoding and the write-back's XML part merging get arbitrary and mutated
//! input; none may panic, and each keeps its invariants.
//!
//! The default case count is small so `cargo test` stays fast; a long run is
//! `PROPTEST_CASES=100000 cargo test --release --test integration fuzz::` (see `docs/fuzzing.md`).

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use dangol::ingest::csv::CsvSource;
use dangol::ingest::headers;
use dangol::model::values::{DateOrder, parse_count, parse_date, parse_flag, parse_money};
use dangol::rules::Rule;
use dangol::writeback::{MergeOptions, merge_generated_from};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text that looks like what sits in shop spreadsheets, plus anything at all.
fn cellish() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9 ,.\\-+()₩$£€원만천억엔%eE/년월일:TZ]{0,24}",
        "(19|20)[0-9]{2}[-./](0?[0-9]|1[0-3])[-./]([0-3]?[0-9])( [0-2][0-9]:[0-5][0-9])?",
        "[YyNnOoXx예아니오ＴＲＵＥtruefalse0-9 ]{0,8}",
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn money_never_panics(s in cellish()) {
        let _ = parse_money(&s);
    }

    #[test]
    fn whole_numbers_read_back_as_money(n in any::<i64>()) {
        prop_assert_eq!(parse_money(&n.to_string()).map(|m| m.0), Ok(Decimal::from(n)));
    }

    #[test]
    fn dates_never_panic(s in cellish()) {
        for order in [DateOrder::Auto, DateOrder::Dmy, DateOrder::Mdy] {
            let _ = parse_date(&s, order);
        }
    }

    #[test]
    fn iso_dates_read_back(days in 0i64..80_000) {
        let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
        let text = d.format("%Y-%m-%d").to_string();
        let got = parse_date(&text, DateOrder::Auto).unwrap();
        prop_assert_eq!(got.date(), d);
        prop_assert_eq!(got.year(), d.year());
    }

    #[test]
    fn flags_never_panic(s in cellish()) {
        let _ = parse_flag(&s);
    }

    #[test]
    fn counts_never_panic_and_read_back(s in cellish(), n in any::<u32>()) {
        let _ = parse_count(&s);
        prop_assert_eq!(parse_count(&n.to_string()), Ok(n));
    }
}

/// Rule text from the rule language's own words, so the parser's deeper paths are reached.
fn rule_text() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "total",
        "orders",
        "recency",
        "frequency",
        "monetary",
        "avg_order",
        "responses",
        "response_rate",
        "and",
        "or",
        "not",
        "(",
        ")",
        ">=",
        "<=",
        ">",
        "<",
        "=",
        "!=",
        "==",
        "1_000_000",
        "5",
        "0.5",
        "50%",
        "-3",
        "true",
        "false",
        "만원",
        "₩",
        ",",
        "..",
        "",
    ]);
    prop_oneof![
        any::<String>(),
        prop::collection::vec(word, 0..12).prop_map(|w| w.join(" ")),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn rules_never_panic(s in rule_text()) {
        match Rule::parse(&s) {
            Ok(rule) => prop_assert_eq!(rule.source(), s.as_str()),
            Err(e) => {
                // The error points inside the text (or at its end).
                prop_assert!(e.offset <= s.len(), "offset {} of {:?}", e.offset, s);
                prop_assert!(!e.message.is_empty());
            }
        }
    }
}

fn header_word() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::sample::select(vec![
            "date",
            "Customer",
            "e-mail",
            "amount",
            "qty",
            "unit price",
            "주문일",
            "고객명",
            "금액",
            "수량",
            "단가",
            "status",
            "stage",
            "quote date",
            "견적일",
            "Ｄａｔｅ",
            " ",
        ])
        .prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn header_detection_never_panics(
        cells in prop::collection::vec((0u32..20_000, header_word()), 0..24)
    ) {
        if let Some((role, m)) = headers::detect(&cells) {
            // Every mapped column is one of the input's, and the role's needs are met.
            for (_, col, text) in &m.columns {
                prop_assert!(cells.iter().any(|(c, t)| c == col && t == text));
            }
            prop_assert!(headers::satisfies(role, &m));
        }
    }

    #[test]
    fn csv_decoding_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let len = bytes.len();
        if let Ok(mut src) = CsvSource::from_reader(Cursor::new(bytes), Path::new("fuzz.csv"), None) {
            let mut fields = Vec::new();
            let mut rows = 0usize;
            while let Ok(true) = src.next_record(&mut fields) {
                rows += 1;
                // A record needs at least one byte (its line end), bar the last.
                prop_assert!(rows <= len + 1);
            }
        }
    }

    #[test]
    fn csv_text_reads_back(rows in prop::collection::vec(
        prop::collection::vec("[a-zA-Z0-9가-힣 ,\"]{1,8}", 3), 1..8
    )) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["date", "customer", "amount"]).unwrap();
        for r in &rows {
            w.write_record(r).unwrap();
        }
        let bytes = w.into_inner().unwrap();
        let mut src = CsvSource::from_reader(Cursor::new(bytes), Path::new("t.csv"), None).unwrap();
        let mut fields = Vec::new();
        prop_assert!(src.next_record(&mut fields).unwrap());
        prop_assert_eq!(&fields, &vec!["date".to_string(), "customer".into(), "amount".into()]);
        let mut back = Vec::new();
        while src.next_record(&mut fields).unwrap() {
            back.push(fields.clone());
        }
        prop_assert_eq!(back, rows);
    }
}

/// The parts of the workbook that gets mutated, and the generated sheets merged into it.
type Books = (Vec<(String, Vec<u8>)>, Vec<u8>);

fn books() -> &'static Books {
    static BOOKS: OnceLock<Books> = OnceLock::new();
    BOOKS.get_or_init(|| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Sales").unwrap();
        ws.write_string(0, 0, "date").unwrap();
        ws.write_string(0, 1, "customer").unwrap();
        ws.write_number(1, 1, 12000).unwrap();
        ws.write_formula(1, 2, "=B2*2").unwrap();
        let original = wb.save_to_buffer().unwrap();
        let mut z = zip::ZipArchive::new(Cursor::new(original)).unwrap();
        let parts = (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut b = Vec::new();
                f.read_to_end(&mut b).unwrap();
                (f.name().unwrap().to_string(), b)
            })
            .collect();
        let mut g = rust_xlsxwriter::Workbook::new();
        let ws = g.add_worksheet();
        ws.set_name("Customer Stats").unwrap();
        ws.write_string(0, 0, "customer").unwrap();
        ws.write_number(1, 0, 1).unwrap();
        (parts, g.save_to_buffer().unwrap())
    })
}

fn with_part(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (n, b) in &books().0 {
        z.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(if n == name { bytes } else { b }).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// A part: arbitrary bytes, or the real part with a slice replaced by arbitrary text.
fn mutated(name: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let original = books()
        .0
        .iter()
        .find(|p| p.0 == name)
        .map(|p| p.1.clone())
        .unwrap();
    let len = original.len();
    let bits = prop::sample::select(vec![
        "<",
        ">",
        "/>",
        "</sheet>",
        "<sheet name=\"x\" sheetId=\"9\" r:id=\"rId99\"/>",
        "\"",
        "&amp;",
        "&bogus;",
        "<!DOCTYPE x>",
        "<row r=\"0\">",
        "<c r=\"ZZZZ99999999\">",
        "\u{0}",
        "xmlns=\"\"",
        "<sheets>",
        "<sheetData/>",
        "r:id",
        "]]>",
        "<![CDATA[",
    ]);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        (
            0..=len,
            0..=len,
            prop_oneof![any::<String>(), bits.prop_map(str::to_string)]
        )
            .prop_map(move |(a, b, s)| {
                let (a, b) = (a.min(b), a.max(b));
                let mut v = original[..a].to_vec();
                v.extend_from_slice(s.as_bytes());
                v.extend_from_slice(&original[b..]);
                v
            }),
    ]
}

fn merge(book: Vec<u8>) {
    let mut out = Cursor::new(Vec::new());
    if merge_generated_from(
        Cursor::new(book),
        &books().1,
        &MergeOptions::default(),
        &mut out,
    )
    .is_ok()
    {
        // Whatever was accepted comes out as a zip that opens again.
        zip::ZipArchive::new(Cursor::new(out.into_inner())).unwrap();
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn merging_into_a_mangled_sheet_never_panics(part in mutated("xl/worksheets/sheet1.xml")) {
        merge(with_part("xl/worksheets/sheet1.xml", &part));
    }

    #[test]
    fn merging_into_a_mangled_workbook_xml_never_panics(part in mutated("xl/workbook.xml")) {
        merge(with_part("xl/workbook.xml", &part));
    }

    #[test]
    fn merging_with_mangled_relationships_never_panics(part in mutated("xl/_rels/workbook.xml.rels")) {
        merge(with_part("xl/_rels/workbook.xml.rels", &part));
    }

    #[test]
    fn merging_with_mangled_content_types_never_panics(part in mutated("[Content_Types].xml")) {
        merge(with_part("[Content_Types].xml", &part));
    }
}
