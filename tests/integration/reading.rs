//! Reading the owner's data right, through the real binary: headers that are almost a role,
//! sheets that hold none, cancel prefixes, money as Korean Excel writes it, totals rows,
//! amounts too large to add up, settings sheets and settings errors (issues 12 and 13).

use std::path::{Path, PathBuf};

use crate::support::{V, V::*, dangol, patch_zip, stderr, stdout, tmp, xlsx};

/// `dangol ARGS`: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let o = dangol(args);
    (o.status.code().unwrap_or(-1), stdout(&o), stderr(&o))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A Korean sales sheet `판매` with a title row and a blank row above its header (row 3), so
/// the date column's header is `C3`.
fn korean_shop(dir: &Path, date_header: &'static str) -> PathBuf {
    let p = dir.join("가게.xlsx");
    xlsx(
        &p,
        &[(
            "판매",
            vec![
                vec![S("2026년 판매 장부")],
                vec![],
                vec![
                    S("주문번호"),
                    S("고객명"),
                    S(date_header),
                    S("금액"),
                    S("연락처"),
                ],
                vec![
                    S("A-1"),
                    S("김철수"),
                    S("2026-11-20"),
                    N(50000.0),
                    S("010-4444-5555"),
                ],
                vec![
                    S("A-2"),
                    S("이영희"),
                    S("2026-11-21"),
                    N(30000.0),
                    S("010-1234-5678"),
                ],
                vec![
                    S("A-3"),
                    S("김철수"),
                    S("2026-11-25"),
                    N(20000.0),
                    S("010-4444-5555"),
                ],
            ],
        )],
    );
    p
}

/// In the Korean workbook's words (SPEC promise 6): the sheet, the missing column, the
/// closest header and its cell, every header found.
const NALJA: &str = "판매: 주문일자 열이 없습니다. C3에 날자가 있습니다 — 주문일자의 오타인가요? (찾은 머리글: 주문번호, 고객명, 날자, 금액, 연락처)";

#[test]
fn a_misspelled_date_header_is_an_error_naming_sheet_field_headers_and_closest() {
    let dir = tmp();
    let p = korean_shop(dir.path(), "날자");
    let before = std::fs::read(&p).unwrap();
    let (code, out, err) = run(&["check", s(&p), "--as-of", "2026-12-01"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(out, "");
    assert_eq!(err, format!("dangol: 오류: {NALJA}\n"));
    let (code, out, err) = run(&["run", s(&p), "--as-of", "2026-12-01", "--no-report"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(err, format!("dangol: 오류: {NALJA}\n"));
    assert_eq!(
        std::fs::read(&p).unwrap(),
        before,
        "the workbook is left as it was"
    );
}

#[test]
fn a_deleted_amount_column_is_an_error_not_a_customer_list() {
    let dir = tmp();
    let p = dir.path().join("shop.xlsx");
    xlsx(
        &p,
        &[(
            "Sales",
            vec![
                vec![
                    S("Order ID"),
                    S("Date"),
                    S("Customer"),
                    S("Phone"),
                    S("Product"),
                ],
                vec![
                    S("1"),
                    S("2026-11-20"),
                    S("Ann"),
                    S("010-1111-2222"),
                    S("Tea"),
                ],
            ],
        )],
    );
    let (code, out, err) = run(&["check", s(&p)]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        err,
        "dangol: error: Sales: no amount column (expected a header such as amount, total, sales, \
         revenue, line total, 금액, or both quantity and unit price) (headers found: Order ID, \
         Date, Customer, Phone, Product)\n"
    );
}

/// The acceptance test of issue 12: last night's run left generated sheets with customers;
/// the owner's edit breaks the sales header; tonight's run stops and changes nothing.
#[test]
fn a_broken_header_after_a_good_run_stops_the_nightly_run_and_keeps_the_workbook() {
    let dir = tmp();
    let p = korean_shop(dir.path(), "주문일자");
    let (code, out, err) = run(&["run", s(&p), "--as-of", "2026-12-01", "--no-report"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("고객 2명"), "{out}");
    patch_zip(&p, "xl/sharedStrings.xml", |x| {
        assert!(x.contains("주문일자"), "{x}");
        x.replace("주문일자", "날자")
    });
    let before = std::fs::read(&p).unwrap();
    let (code, out, err) = run(&["run", s(&p), "--as-of", "2026-12-01", "--no-report"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(out, "");
    assert_eq!(err, format!("dangol: 오류: {NALJA}\n"));
    assert_eq!(std::fs::read(&p).unwrap(), before, "byte-identical");
}

/// Promise 7: the sales sheet is there but gives no usable row while the last run's sheets
/// show customers — stop, say why, change nothing.
#[test]
fn no_usable_sales_rows_after_a_good_run_is_exit_1_and_changes_nothing() {
    let dir = tmp();
    let p = korean_shop(dir.path(), "주문일자");
    let (code, _, err) = run(&["run", s(&p), "--as-of", "2026-12-01", "--no-report"]);
    assert_eq!(code, 0, "{err}");
    // Every date becomes text that is not a date.
    patch_zip(&p, "xl/sharedStrings.xml", |x| {
        x.replace("2026-11-2", "언젠가 ")
    });
    let before = std::fs::read(&p).unwrap();
    let (code, out, err) = run(&["run", s(&p), "--as-of", "2026-12-01", "--no-report"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        err,
        // A Korean workbook: the message is Korean (SPEC promise 6).
        "dangol: 오류: 시트 '판매'에서 쓸 수 있는 판매 행이 없지만, 지난 실행의 '고객분석'에는 \
         주문한 고객 2명이 있습니다. 생성된 시트를 빈 분석으로 바꾸지 않도록 멈췄습니다 \
         (통합문서는 바뀌지 않았습니다)\n  \
         판매!C4: 값 \"언젠가 0\", 필요한 값: 날짜 (예: 2025-04-15, 2025.04.15, 2025년 4월 15일)\n  \
         판매!C5: 값 \"언젠가 1\", 필요한 값: 날짜 (예: 2025-04-15, 2025.04.15, 2025년 4월 15일)\n  \
         판매!C6: 값 \"언젠가 5\", 필요한 값: 날짜 (예: 2025-04-15, 2025.04.15, 2025년 4월 15일)\n"
    );
    assert_eq!(std::fs::read(&p).unwrap(), before, "byte-identical");
}

#[test]
fn a_sheet_with_no_role_is_left_alone_and_never_an_error() {
    let dir = tmp();
    let p = dir.path().join("shop.xlsx");
    xlsx(
        &p,
        &[
            (
                "Sales",
                vec![
                    vec![S("Date"), S("Customer"), S("Amount")],
                    vec![S("2026-11-20"), S("Ann"), N(10.0)],
                ],
            ),
            (
                "Price List",
                vec![
                    vec![S("Item"), S("Price"), S("Qty"), S("Supplier")],
                    vec![S("Tea"), N(3.5), N(10.0), S("Leaf & Co")],
                ],
            ),
        ],
    );
    let (code, out, err) = run(&["check", s(&p), "--set", "currency=KRW"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("  sheet 'Price List': no recognised table (left alone)\n"),
        "{out}"
    );
    assert!(out.ends_with("No problems found.\n"), "{out}");
}

fn c_orders(dir: &Path, ids: &[&'static str], statuses: &[&'static str]) -> PathBuf {
    let p = dir.join("orders.xlsx");
    let mut rows = vec![vec![
        S("주문번호"),
        S("주문일자"),
        S("고객명"),
        S("금액"),
        S("주문상태"),
    ]];
    for (i, (id, st)) in ids.iter().zip(statuses).enumerate() {
        rows.push(vec![
            S(id),
            T(format!("2026-11-{:02}", 3 + i)),
            S("김철수"),
            N(10000.0),
            S(st),
        ]);
    }
    xlsx(&p, &[("판매", rows)]);
    p
}

#[test]
fn c_order_ids_are_sales_unless_a_cancel_prefix_is_set() {
    let dir = tmp();
    let p = c_orders(
        dir.path(),
        &["C20261103-001", "C20261104-002"],
        &["배송완료", "배송완료"],
    );
    let (code, out, err) = run(&[
        "customers",
        s(&p),
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["orders"], 2, "{out}");
    assert_eq!(v[0]["total"], "20000", "{out}");
    // A prefix the owner sets applies as written: `C-INV-2037` with `C` is a return.
    let p = c_orders(dir.path(), &["A-1", "C-INV-2037"], &["", ""]);
    let (code, out, err) = run(&[
        "customers",
        s(&p),
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
        "--set",
        "cancel_prefix=C",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["orders"], 1, "{out}");
    assert_eq!(v[0]["total"], "0", "{out}");
}

#[test]
fn check_suggests_a_cancel_prefix_when_order_ids_look_like_credit_invoices() {
    let dir = tmp();
    let p = c_orders(
        dir.path(),
        &[
            "536365", "536366", "C536367", "536368", "C536369", "C536370",
        ],
        &["", "", "", "", "", ""],
    );
    // A Korean workbook: `--lang en` for the English texts (the Korean ones: korean.rs).
    let (code, out, err) = run(&["check", s(&p), "--as-of", "2026-12-01", "--lang", "en"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "  note: sales: 3 order ids look like credit invoices (C followed by an order number, \
             e.g. C536367); if they are returns, set cancel_prefix = C (in the Settings sheet, \
             dangol.toml or --set cancel_prefix=C)\n"
        ),
        "{out}"
    );
    // Set, the hint is gone and the rows are returns.
    let (code, out, err) = run(&["check", s(&p), "--set", "cancel_prefix=C", "--lang", "en"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("look like credit invoices"), "{out}");
    assert!(out.contains("3 return rows"), "{out}");
}

/// What Korean Excel writes when it saves CSV: CP949, ₩ as a backslash.
#[test]
fn cp949_csv_money_with_a_backslash_is_won() {
    let dir = tmp();
    let p = dir.path().join("판매.csv");
    let text = "주문일자,고객명,금액\r\n2026-11-20,김철수,\"\\12,000\"\r\n2026-11-21,이영희,\\3000\r\n2026-11-22,박민수,\\x\r\n";
    let (bytes, _, bad) = encoding_rs::EUC_KR.encode(text);
    assert!(!bad);
    std::fs::write(&p, &bytes).unwrap();
    let (code, out, err) = run(&[
        "customers",
        s(&p),
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    // The row that cannot be used does not vanish without a word.
    assert_eq!(
        err,
        format!(
            "dangol: 경고: 1개 행을 쓸 수 없어 계산에서 빠졌습니다 (`dangol check {}`에서 셀별로 확인)\n",
            p.display()
        )
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let totals: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["customer"].as_str().unwrap(),
                c["total"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(totals, [("김철수", "12000"), ("이영희", "3000")]);
    let (code, out, _) = run(&["check", s(&p), "--lang", "en"]);
    assert_eq!(code, 1);
    // One backslash, as in the file.
    assert!(
        out.contains("  error: 판매!C4: found \"\\x\", expected an amount"),
        "{out}"
    );
}

#[test]
fn totals_rows_under_the_table_are_skipped_with_a_note() {
    let dir = tmp();
    let p = dir.path().join("shop.xlsx");
    xlsx(
        &p,
        &[(
            "판매",
            vec![
                vec![S("주문일자"), S("고객명"), S("금액")],
                vec![S("2026-11-20"), S("김철수"), N(10000.0)],
                vec![S("2026-11-21"), S("이영희"), N(5000.0)],
                vec![B, S("합계"), N(15000.0)],
                vec![S("Grand total"), B, N(15000.0)],
            ],
        )],
    );
    let (code, out, err) = run(&["check", s(&p), "--as-of", "2026-12-01", "--lang", "en"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "  note: 판매!B4: a totals row (합계) with no date; skipped\n  note: 판매!A5: a totals row (Grand total) with no date; skipped\n"
        ),
        "{out}"
    );
    assert!(out.contains("customers: 2, orders: 2"), "{out}");
}

fn big_amounts(dir: &Path, name: &str, rows: Vec<Vec<V>>) -> PathBuf {
    let p = dir.join(name);
    let mut all = vec![vec![
        S("Date"),
        S("Customer"),
        S("Quantity"),
        S("Unit Price"),
        S("Amount"),
    ]];
    all.extend(rows);
    xlsx(&p, &[("Sales", all)]);
    p
}

#[test]
fn amounts_too_large_to_add_up_are_data_errors_not_a_panic() {
    let dir = tmp();
    let max = "79228162514264337593543950335";
    let p = big_amounts(
        dir.path(),
        "max.xlsx",
        vec![
            vec![S("2026-11-20"), S("Ann"), B, B, S(max)],
            vec![S("2026-11-21"), S("Ann"), B, B, S(max)],
        ],
    );
    let (code, out, err) = run(&["check", s(&p), "--as-of", "2026-12-01"]);
    assert_eq!(code, 1, "{out}{err}");
    let limit = "expected an amount that can be added up: with the amounts before it, the \
                 workbook's amounts pass 10,000,000,000,000,000,000,000,000 (10^25)";
    assert!(
        out.contains(&format!(
            "  error: Sales!E2: found \"{max}\", {limit}\n  error: Sales!E3: found \"{max}\", {limit}\n"
        )),
        "{out}"
    );
    for cmd in ["customers", "run"] {
        let (code, out, err) = run(&[cmd, s(&p), "--as-of", "2026-12-01", "--no-report"]
            [..if cmd == "run" { 5 } else { 4 }]);
        assert_eq!(code, 0, "{cmd}: {out}{err}");
    }
    // Ten orders of 1e28, and 1e20 × 1e20.
    let rows = (0..10)
        .map(|i| {
            vec![
                T(format!("2026-11-{:02}", 10 + i)),
                S("Bob"),
                B,
                B,
                S("1e28"),
            ]
        })
        .chain([vec![S("2026-11-25"), S("Cy"), S("1e20"), S("1e20"), B]])
        .collect();
    let p = big_amounts(dir.path(), "huge.xlsx", rows);
    let (code, out, err) = run(&["check", s(&p), "--as-of", "2026-12-01"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(&format!("  error: Sales!E11: found \"1e28\", {limit}\n")),
        "{out}"
    );
    assert!(
        out.contains(
            "  error: Sales!D12: found \"1e20\", expected a unit price whose product with the \
             quantity can be computed (it passes 79,228,162,514,264,337,593,543,950,335)\n"
        ),
        "{out}"
    );
    let (code, out, err) = run(&["run", s(&p), "--as-of", "2026-12-01"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn name_value_inventory_sheets_are_not_settings() {
    let dir = tmp();
    let p = dir.path().join("shop.xlsx");
    xlsx(
        &p,
        &[
            (
                "Sales",
                vec![
                    vec![S("Date"), S("Customer"), S("Amount")],
                    vec![S("2026-11-20"), S("Ann"), N(10.0)],
                ],
            ),
            (
                "Inventory",
                vec![
                    vec![S("Name"), S("Value")],
                    vec![S("Steel Tumbler"), N(12.0)],
                ],
            ),
            (
                "Stock",
                vec![vec![S("Key"), S("Value")], vec![S("Mug"), N(3.0)]],
            ),
        ],
    );
    let (code, out, err) = run(&["check", s(&p)]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("  sheet 'Inventory': no recognised table (left alone)\n  sheet 'Stock': no recognised table (left alone)\n"),
        "{out}"
    );
    // A sheet whose keys are settings is settings, whatever its name.
    let p = dir.path().join("shop2.xlsx");
    xlsx(
        &p,
        &[
            (
                "Sales",
                vec![
                    vec![S("Date"), S("Customer"), S("Amount")],
                    vec![S("2026-11-20"), S("Ann"), N(10.0)],
                ],
            ),
            (
                "Options",
                vec![vec![S("Key"), S("Value")], vec![S("currency"), S("GBP")]],
            ),
        ],
    );
    let (code, out, err) = run(&["check", s(&p)]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("  sheet 'Options': settings (header row 1)\n"),
        "{out}"
    );
    assert!(out.contains("currency GBP"), "{out}");
}

fn settings_shop(dir: &Path, settings: Vec<Vec<V>>) -> PathBuf {
    let p = dir.join("shop.xlsx");
    xlsx(
        &p,
        &[
            (
                "판매",
                vec![
                    vec![S("주문일자"), S("고객명"), S("금액")],
                    vec![S("2026-11-20"), S("김철수"), N(10000.0)],
                ],
            ),
            ("설정", settings),
        ],
    );
    p
}

#[test]
fn every_settings_typo_is_reported_once_at_the_key_cell() {
    let dir = tmp();
    let rows = vec![
        vec![S("키"), S("값")],
        vec![S("shop_name"), S("가게")],
        vec![S("lang"), S("ko")],
        vec![S("week_start"), S("monday")],
        vec![S("date_order"), S("auto")],
        vec![S("lookback_days"), S("365")],
        vec![S("lookbak_days"), S("30")],
        vec![S("currncy"), S("KRW")],
        vec![S("backups"), S("many")],
    ];
    let p = settings_shop(dir.path(), rows);
    let (code, out, err) = run(&["check", s(&p)]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        err,
        // A Korean workbook: settings errors are Korean (SPEC promise 6), each at its cell.
        "dangol: 오류: 설정: 설정!A7: 알 수 없는 설정 'lookbak_days' — 'lookback_days'의 오타인가요?\n\
         설정: 설정!A8: 알 수 없는 설정 'currncy' — 'currency'의 오타인가요?\n\
         설정: 설정!B9: backups: 값 \"many\", 필요한 값: 0부터 1000까지의 정수\n"
    );
}

#[test]
fn a_settings_key_set_twice_names_both_cells() {
    let dir = tmp();
    let p = settings_shop(
        dir.path(),
        vec![
            vec![S("키"), S("값")],
            vec![S("lookback_days"), S("30")],
            vec![S("lookback_days"), S("90")],
        ],
    );
    let (code, _, err) = run(&["check", s(&p)]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        // A Korean workbook: settings errors are Korean (SPEC promise 6).
        "dangol: 오류: 설정: 설정!A3: 'lookback_days' 설정이 두 번 있습니다 (설정!A2, 설정!A3). 하나만 남기세요\n"
    );
}

#[test]
fn an_unknown_set_flag_is_a_usage_error_with_a_suggestion() {
    let dir = tmp();
    let p = settings_shop(dir.path(), vec![vec![S("키"), S("값")]]);
    let (code, out, err) = run(&["check", s(&p), "--set", "lookback=30"]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(
        err,
        "dangol: error: --set lookback: unknown setting 'lookback'; did you mean 'lookback_days'?\n"
    );
    let (code, _, err) = run(&["check", s(&p), "--set", "lookback_days"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "dangol: error: --set \"lookback_days\": expected KEY=VALUE, e.g. --set lookback_days=180\n"
    );
}

fn names_shop(dir: &Path, names: &[&'static str]) -> PathBuf {
    let p = dir.join("names.xlsx");
    let mut rows = vec![vec![S("Date"), S("Customer"), S("Amount")]];
    for (i, n) in names.iter().enumerate() {
        rows.push(vec![T(format!("2026-11-{:02}", 10 + i)), S(n), N(10.0)]);
    }
    xlsx(&p, &[("Sales", rows)]);
    p
}

#[test]
fn composed_and_decomposed_names_are_one_customer_and_case_is_reviewed_not_merged() {
    let dir = tmp();
    let p = names_shop(
        dir.path(),
        &[
            "김철수",
            // 김철수 decomposed (NFD): conjoining jamo.
            "\u{1100}\u{1175}\u{11B7}\u{110E}\u{1165}\u{11AF}\u{1109}\u{116E}",
            // Non-breaking and zero-width spaces, full-width letters.
            "Kim\u{A0}\u{200B}Lee",
            "ＫｉｍＬｅｅ",
            "KIM LEE",
        ],
    );
    let (code, out, err) = run(&[
        "customers",
        s(&p),
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut got: Vec<(String, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_string(),
                c["orders"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("KIMLEE".to_string(), 1),
            ("KimLee".to_string(), 2),
            ("김철수".to_string(), 2)
        ]
    );
    let (code, out, err) = run(&[
        "customers",
        s(&p),
        "--as-of",
        "2026-12-01",
        "--duplicates",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "\u{feff}by,value,keys\r\nname,kimlee,KIMLEE; KimLee\r\n".replace("\r\n", csv_eol(&out))
    );
}

/// The line ending the CSV writer uses (the crate's default is `\r\n`).
fn csv_eol(out: &str) -> &'static str {
    if out.contains("\r\n") { "\r\n" } else { "\n" }
}

#[test]
fn an_order_after_the_as_of_day_is_a_warning_and_every_command_counts_the_same() {
    let dir = tmp();
    let p = dir.path().join("shop.xlsx");
    xlsx(
        &p,
        &[(
            "Sales",
            vec![
                vec![S("Date"), S("Customer"), S("Amount")],
                vec![S("2026-11-20"), S("Ann"), N(10.0)],
                vec![S("2062-11-21"), S("Bob"), N(20.0)],
            ],
        )],
    );
    let krw = ["--set", "currency=KRW"];
    let (code, out, err) = run(&[&["check", s(&p), "--as-of", "2026-12-01"][..], &krw].concat());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("  customers: 1, orders: 1,"), "{out}");
    assert!(
        out.contains(
            "0 error(s), 1 warning(s):\n  warning: Sales!A3: found \"2062-11-21\", expected a date on or before 2026-12-01 (the as-of day); the row is not counted — a typo?\n"
        ),
        "{out}"
    );
    let (code, out, err) = run(&[
        "customers",
        s(&p),
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{out}");
    let (code, out, err) = run(&[
        &["run", s(&p), "--as-of", "2026-12-01", "--no-report"][..],
        &krw,
    ]
    .concat());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  customers: 1, data problems: 1\n"), "{out}");
}

#[test]
fn no_currency_sign_is_a_warning_that_krw_was_assumed() {
    let dir = tmp();
    let p = names_shop(dir.path(), &["Ann"]);
    let (code, out, err) = run(&["check", s(&p), "--as-of", "2026-12-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "0 error(s), 1 warning(s):\n  warning: currency: no currency sign (₩, 원, £, $, €) in the data, so amounts are taken as KRW; if they are not, set currency (e.g. --set currency=GBP, or currency | GBP in the Settings sheet)\n"
        ),
        "{out}"
    );
    let (code, out, _) = run(&[
        "check",
        s(&p),
        "--as-of",
        "2026-12-01",
        "--set",
        "currency=KRW",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("No problems found.\n"), "{out}");
}

#[test]
fn two_decimal_currencies_get_the_default_vip_amounts_of_the_spec() {
    let dir = tmp();
    let p = dir.path().join("pounds.xlsx");
    let mut rows = vec![vec![S("Date"), S("Customer"), S("Amount")]];
    // Ann: 5 orders, £1,250 → VIP; Bob: 1 order of £600 → Gold; Cy: 1 order of £20 → New.
    for d in 10..15 {
        rows.push(vec![T(format!("2026-11-{d}")), S("Ann"), S("£250.00")]);
    }
    rows.push(vec![S("2026-11-20"), S("Bob"), S("£600.00")]);
    rows.push(vec![S("2026-11-21"), S("Cy"), S("£20.00")]);
    xlsx(&p, &[("Sales", rows)]);
    let (code, out, err) = run(&[
        "customers",
        s(&p),
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let grades: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["customer"].as_str().unwrap(),
                c["vip_grade"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(grades, [("Ann", "VIP"), ("Bob", "Gold"), ("Cy", "New")]);
    let (code, out, _) = run(&["config", s(&p)]);
    assert_eq!(code, 0);
    assert!(out.contains("total >= 1000 and orders >= 5"), "{out}");
    assert!(out.contains("total >= 500 or orders >= 3"), "{out}");
    assert!(out.contains("100, 300, 500, 1000"), "{out}");
    // Won keeps the won amounts.
    let (code, out, _) = run(&["config", s(&p), "--set", "currency=KRW"]);
    assert_eq!(code, 0);
    assert!(out.contains("total >= 1000000 and orders >= 5"), "{out}");
}

#[test]
fn the_bundled_english_sample_in_pounds_has_vips() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/shop-en.xlsx");
    let (code, out, err) = run(&[
        "customers",
        s(&p),
        "--as-of",
        "2026-11-22",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let vips = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["vip_grade"] == "VIP")
        .count();
    assert!(vips > 0, "no VIP in the English sample");
}

#[test]
fn phones_keep_the_owners_form_in_every_output() {
    let dir = tmp();
    let p = dir.path().join("phones.xlsx");
    xlsx(
        &p,
        &[(
            "판매",
            vec![
                vec![S("주문일자"), S("고객명"), S("연락처"), S("금액")],
                vec![S("2026-11-20"), S("김철수"), S("010-4444-5555"), N(10000.0)],
                vec![S("2026-11-21"), S("김철수"), S("01044445555"), N(10000.0)],
                vec![S("2026-11-22"), S("이영희"), S("01012345678"), N(5000.0)],
                vec![S("2026-11-23"), S("박민수"), S("010 4444 5555"), N(5000.0)],
            ],
        )],
    );
    let base = ["--as-of", "2026-12-01", "--set", "currency=KRW"];
    let (code, out, err) = run(&[&["customers", s(&p), "--format", "json"][..], &base].concat());
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let phones: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["customer"].as_str().unwrap(),
                c["phone"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        phones,
        [
            ("김철수", "010-4444-5555"),
            ("박민수", "010-4444-5555"),
            ("이영희", "01012345678")
        ]
    );
    // CSV: the leading zero survives Excel (text mark), the owner's form is kept.
    let (code, out, _) = run(&[&["customers", s(&p), "--format", "csv"][..], &base].concat());
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[1].starts_with("김철수,김철수,,010-4444-5555,"),
        "{out}"
    );
    assert!(
        lines[3].starts_with("이영희,이영희,,'01012345678,"),
        "{out}"
    );
    // (The terminal shows phones in `remind`'s call-instead list: tests/remind.rs.)
    // The duplicate review compares digits: 김철수 and 박민수 share a number.
    let (code, out, _) = run(&[
        &["customers", s(&p), "--duplicates", "--format", "csv"][..],
        &base,
    ]
    .concat());
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "\u{feff}by,value,keys\r\nphone,010-4444-5555,김철수; 박민수\r\n"
    );
    // The generated sheet holds the text as written.
    let (code, _, err) = run(&[&["run", s(&p), "--no-report"][..], &base].concat());
    assert_eq!(code, 0, "{err}");
    use calamine::Reader as _;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&p).unwrap();
    let range = wb.worksheet_range("고객분석").unwrap();
    let texts: Vec<String> = range
        .rows()
        .filter_map(|r| r.get(3).map(ToString::to_string))
        .collect();
    assert!(texts.contains(&"010-4444-5555".to_string()), "{texts:?}");
    assert!(texts.contains(&"01012345678".to_string()), "{texts:?}");
}

#[test]
fn a_chart_sheet_is_not_read_as_data_and_times_with_offsets_are_dates() {
    let dir = tmp();
    let p = dir.path().join("chart.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sales").unwrap();
    for (c, h) in ["Date", "Customer", "Amount"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "2026-11-20T14:03:00+09:00").unwrap();
    ws.write_string(1, 1, "Ann").unwrap();
    ws.write_number(1, 2, 10.0).unwrap();
    ws.write_string(2, 0, "2026-11-21T09:00:00Z").unwrap();
    ws.write_string(2, 1, "Bob").unwrap();
    ws.write_number(2, 2, 20.0).unwrap();
    let mut chart = rust_xlsxwriter::Chart::new(rust_xlsxwriter::ChartType::Column);
    chart.add_series().set_values("Sales!$C$2:$C$3");
    let cs = wb.add_chartsheet();
    cs.set_name("Chart1").unwrap();
    cs.insert_chart(0, 0, &chart).unwrap();
    wb.save(&p).unwrap();
    let (code, out, err) = run(&[
        "check",
        s(&p),
        "--as-of",
        "2026-12-01",
        "--set",
        "currency=KRW",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("  customers: 2, orders: 2,"), "{out}");
    assert!(out.ends_with("No problems found.\n"), "{out}");
    assert!(!out.contains("Chart1"), "{out}");
}

#[test]
fn excels_serial_60_gets_a_note() {
    let dir = tmp();
    let p = dir.path().join("leap.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("Sales").unwrap();
    for (c, h) in ["Date", "Customer", "Amount"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_number_with_format(1, 0, 60.0, &date).unwrap();
    ws.write_string(1, 1, "Ann").unwrap();
    ws.write_number(1, 2, 10.0).unwrap();
    wb.save(&p).unwrap();
    let (code, out, err) = run(&[
        "check",
        s(&p),
        "--as-of",
        "2026-12-01",
        "--set",
        "currency=KRW",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.ends_with(
            "0 error(s), 0 warning(s):\n  note: Sales!A2: Excel's date serial 60 is 1900-02-29, a day that does not exist (kept from Lotus 1-2-3); read as 1900-02-28\n"
        ),
        "{out}"
    );
}

#[test]
fn a_past_as_of_before_every_sale_is_not_taken_for_a_broken_sheet() {
    let dir = tmp();
    let p = korean_shop(dir.path(), "주문일자");
    let (code, _, err) = run(&["run", s(&p), "--as-of", "2026-12-01", "--no-report"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&[
        "customers",
        s(&p),
        "--as-of",
        "2026-01-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "[]\n");
}

#[test]
fn a_carts_export_is_not_almost_a_sales_sheet() {
    let dir = tmp();
    let p = dir.path().join("shop.xlsx");
    xlsx(
        &p,
        &[
            (
                "Sales",
                vec![
                    vec![S("Date"), S("Customer"), S("Amount")],
                    vec![S("2026-11-20"), S("Ann"), N(10.0)],
                ],
            ),
            (
                "Carts",
                vec![
                    vec![
                        S("Cart ID"),
                        S("Created"),
                        S("Customer"),
                        S("Email"),
                        S("Total"),
                    ],
                    vec![
                        S("K1"),
                        S("2026-11-20"),
                        S("Ann"),
                        S("ann@example.com"),
                        N(5.0),
                    ],
                ],
            ),
        ],
    );
    let (code, out, err) = run(&["check", s(&p), "--set", "currency=KRW"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("  sheet 'Sales': sales (header row 1)\n"),
        "{out}"
    );
}

#[test]
fn a_pinned_settings_sheet_is_read_whatever_its_keys() {
    let dir = tmp();
    let p = dir.path().join("shop.xlsx");
    xlsx(
        &p,
        &[
            (
                "Sales",
                vec![
                    vec![S("Date"), S("Customer"), S("Amount")],
                    vec![S("2026-11-20"), S("Ann"), N(10.0)],
                ],
            ),
            (
                "Inventory",
                vec![
                    vec![S("Name"), S("Value")],
                    vec![S("Steel Tumbler"), N(12.0)],
                ],
            ),
        ],
    );
    // Pinned, its unknown key is an error at its cell; not pinned, it is left alone.
    let (code, _, err) = run(&["check", s(&p), "--set", "sheet.settings=Inventory"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "dangol: error: settings: Inventory!A2: unknown setting 'Steel Tumbler'\n"
    );
    let (code, out, err) = run(&["check", s(&p), "--set", "currency=KRW"]);
    assert_eq!(code, 0, "{out}{err}");
}
