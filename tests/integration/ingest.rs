//! Reading workbooks: headers, roles, typed values, problems — through the library.

use chrono::NaiveDate;
use dangol::model::{Flag, SaleKind};
use dangol::settings::Role;

use crate::support::{V::*, dec, load, load_err, problems, tmp, xlsx};

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

#[test]
fn korean_sheet_with_title_rows_and_every_money_and_date_form() {
    let dir = tmp();
    let p = dir.path().join("title_rows_above_header.xlsx");
    xlsx(
        &p,
        &[(
            "판매",
            vec![
                vec![S("2025년 판매 내역")],
                vec![],
                vec![
                    S("주문일자"),
                    S("주문번호"),
                    S("고객명"),
                    S("금액"),
                    S("주문상태"),
                ],
                vec![D(2025, 4, 15, 14, 3), S("A-1"), S("김 철수"), N(12000.0), B],
                vec![S("2025.04.16"), S("A-2"), S("김철수"), S("₩1,200,000"), B],
                vec![
                    S("2025. 4. 17."),
                    S("A-3"),
                    S("이영희"),
                    S("1,200,000원"),
                    B,
                ],
                vec![S("2025년 4월 18일"), S("A-4"), S("이영희"), S("120만원"), B],
                vec![S("2025/04/19"), S("A-5"), S("박민수"), S("(1,000)"), B],
                vec![
                    S("20250420"),
                    S("A-6"),
                    S("박민수"),
                    S("３,０００"),
                    S("취소"),
                ],
            ],
        )],
    );
    let l = load(&p);
    assert!(
        problems(&l)
            .iter()
            .all(|p| p.contains("note") || !p.contains("expected")),
        "{:?}",
        problems(&l)
    );
    let s = &l.data.sheets[0];
    assert_eq!(
        (s.name.as_str(), s.role, s.header_row, s.rows, s.bad_rows),
        ("판매", Some(Role::Sales), 2, 6, 0)
    );
    let kim = &l.data.sales.customers["김철수"];
    assert_eq!(
        kim.orders.len(),
        2,
        "'김 철수' and '김철수' are one customer"
    );
    assert_eq!(
        kim.orders.get("A-1").expect("order A-1").amount,
        dec("12000")
    );
    assert_eq!(
        kim.orders.get("A-1").expect("order A-1").at,
        day(2025, 4, 15) + chrono::Duration::minutes(14 * 60 + 3)
    );
    assert_eq!(
        kim.orders.get("A-2").expect("order A-2").amount,
        dec("1200000")
    );
    assert_eq!(
        kim.orders.get("A-2").expect("order A-2").at,
        day(2025, 4, 16)
    );
    let lee = &l.data.sales.customers["이영희"];
    assert_eq!(
        lee.orders.get("A-3").expect("order A-3").amount,
        dec("1200000")
    );
    assert_eq!(
        lee.orders.get("A-3").expect("order A-3").at,
        day(2025, 4, 17)
    );
    assert_eq!(
        lee.orders.get("A-4").expect("order A-4").amount,
        dec("1200000")
    );
    assert_eq!(
        lee.orders.get("A-4").expect("order A-4").at,
        day(2025, 4, 18)
    );
    let park = &l.data.sales.customers["박민수"];
    // (1,000) is a negative amount: a return, not an order; the 취소 row is void.
    assert_eq!(park.orders.len(), 0);
    assert_eq!(park.returns.len(), 1);
    assert_eq!(park.returns[0].amount, dec("-1000"));
    assert_eq!(park.returns[0].at, day(2025, 4, 19));
    assert_eq!(
        (
            l.data.sales.void_rows,
            l.data.sales.return_rows,
            l.data.sales.order_rows
        ),
        (1, 1, 4)
    );
    assert_eq!(l.data.sales.shop_total(), dec("3611000"));
    assert_eq!(l.lang, dangol::model::Lang::Ko);
    assert_eq!(l.currency, dangol::model::Currency::Krw);
}

#[test]
fn uci_style_sheet_nets_c_invoices_and_keeps_float_prices_exact() {
    let dir = tmp();
    let p = dir.path().join("uci_like.xlsx");
    xlsx(
        &p,
        &[(
            "Online Retail",
            vec![
                vec![
                    S("InvoiceNo"),
                    S("StockCode"),
                    S("Description"),
                    S("Quantity"),
                    S("InvoiceDate"),
                    S("UnitPrice"),
                    S("CustomerID"),
                    S("Country"),
                ],
                vec![
                    N(536_365.0),
                    S("85123A"),
                    S("WHITE HANGING HEART"),
                    N(6.0),
                    D(2010, 12, 1, 8, 26),
                    N(2.55),
                    N(17_850.0),
                    S("United Kingdom"),
                ],
                vec![
                    N(536_365.0),
                    N(71_053.0),
                    S("WHITE METAL LANTERN"),
                    N(6.0),
                    D(2010, 12, 1, 8, 26),
                    N(3.39),
                    N(17_850.0),
                    S("United Kingdom"),
                ],
                vec![
                    S("C536379"),
                    S("D"),
                    S("Discount"),
                    N(-1.0),
                    D(2010, 12, 1, 9, 41),
                    N(27.5),
                    N(17_850.0),
                    S("United Kingdom"),
                ],
                vec![
                    N(536_366.0),
                    S("22633"),
                    S("HAND WARMER"),
                    N(6.0),
                    D(2010, 12, 1, 8, 28),
                    N(1.85),
                    B,
                    S("United Kingdom"),
                ],
            ],
        )],
    );
    let l = load(&p);
    let c = &l.data.sales.customers["17850"];
    assert_eq!(c.orders.len(), 1);
    assert_eq!(
        c.orders.get("536365").expect("order 536365").amount,
        dec("35.64"),
        "6×2.55 + 6×3.39 exactly"
    );
    assert_eq!(c.orders.get("536365").expect("order 536365").lines, 2);
    assert_eq!(c.returns[0].amount, dec("-27.5"));
    assert_eq!(c.display_name(), Some("17850"));
    assert_eq!(
        l.data
            .sales
            .anonymous_orders
            .get("536366")
            .expect("order 536366")
            .amount,
        dec("11.1")
    );
    assert_eq!(l.data.sales.anonymous_rows, 1);
    assert!(problems(&l).contains(&"sales: 1 rows have no customer; excluded from customer statistics (still counted in shop revenue)".to_string()));
    assert_eq!(l.data.sales.shop_total(), dec("19.24"));
    assert_eq!(l.lang, dangol::model::Lang::En);
}

#[test]
fn sales_split_over_two_sheets_read_as_one_table() {
    let dir = tmp();
    let p = dir.path().join("two_years.xlsx");
    let header = || vec![S("Order Date"), S("Order ID"), S("Customer"), S("Amount")];
    xlsx(
        &p,
        &[
            (
                "2024",
                vec![header(), vec![S("2024-12-30"), S("1"), S("Ann"), N(10.0)]],
            ),
            ("Notes", vec![vec![S("just my notes")]]),
            (
                "2025",
                vec![
                    header(),
                    vec![S("2025-01-02"), S("2"), S("Ann"), N(20.5)],
                    vec![S("2025-01-03"), S("3"), S("Bob"), N(1.0)],
                ],
            ),
        ],
    );
    let l = load(&p);
    let roles: Vec<_> = l
        .data
        .sheets
        .iter()
        .map(|s| (s.name.as_str(), s.role))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("2024", Some(Role::Sales)),
            ("Notes", None),
            ("2025", Some(Role::Sales))
        ]
    );
    assert_eq!(l.data.sales.customers["Ann"].orders.len(), 2);
    assert_eq!(l.data.sales.shop_total(), dec("31.5"));
}

#[test]
fn bad_values_are_reported_with_cell_value_and_expectation() {
    let dir = tmp();
    let p = dir.path().join("bad_values.xlsx");
    xlsx(
        &p,
        &[(
            "Sales",
            vec![
                vec![S("Date"), S("Customer"), S("Amount")],
                vec![S("2025-04-15"), S("Ann"), S("N/A")],
                vec![S("2025-02-30"), S("Ann"), N(5.0)],
                vec![S("4/5/2025"), S("Ann"), N(5.0)],
                vec![B, S("Ann"), N(5.0)],
                vec![S("2025-04-16"), S("Ann"), N(7.0)],
            ],
        )],
    );
    let l = load(&p);
    let errs: Vec<String> = l
        .data
        .problems
        .iter()
        .filter(|p| p.severity == dangol::model::Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errs,
        vec![
            "Sales!C2: found \"N/A\", expected an amount (e.g. 12000, 1,200,000원, ₩12,000, £3.75)",
            "Sales!A3: found \"2025-02-30\", expected a date (e.g. 2025-04-15, 2025.04.15, 2025년 4월 15일)",
            "Sales!A4: found \"4/5/2025\", expected a date, but day and month are ambiguous here (set date_order to dmy or mdy)",
            "Sales!A5: a date (the cell is blank)",
        ]
    );
    assert_eq!((l.data.sheets[0].rows, l.data.sheets[0].bad_rows), (5, 4));
    assert_eq!(l.data.sales.shop_total(), dec("7"));
}

#[test]
fn unambiguous_day_first_column_decides_the_ambiguous_rows() {
    let dir = tmp();
    let p = dir.path().join("dmy_column.xlsx");
    xlsx(
        &p,
        &[(
            "Sales",
            vec![
                vec![S("Date"), S("Customer"), S("Amount")],
                vec![S("04/05/2025"), S("Ann"), N(1.0)],
                vec![S("15/04/2025"), S("Ann"), N(2.0)],
            ],
        )],
    );
    let l = load(&p);
    let ann = &l.data.sales.customers["Ann"];
    // Orders are kept in the order of their keys' fingerprints: sorted by day here.
    let mut days: Vec<_> = ann.orders.values().map(|o| o.at.date()).collect();
    days.sort();
    assert_eq!(
        days,
        vec![
            NaiveDate::from_ymd_opt(2025, 4, 15).unwrap(),
            NaiveDate::from_ymd_opt(2025, 5, 4).unwrap()
        ]
    );
}

#[test]
fn missing_amount_column_names_sheet_columns_and_closest_header() {
    let dir = tmp();
    let p = dir.path().join("missing_amount.xlsx");
    xlsx(
        &p,
        &[(
            "Sales",
            vec![
                vec![S("Date"), S("Customer"), S("Email"), S("Amont")],
                vec![S("2025-01-01"), S("Ann"), B, N(1.0)],
            ],
        )],
    );
    // Almost a sales sheet: an error of its own, before any data is read (SPEC promise 3).
    assert_eq!(
        load_err(&p),
        "Sales: no amount column; found Amont in D1 — did you mean amount? (headers found: Date, Customer, Email, Amont)"
    );
}

#[test]
fn quote_flags_accept_dates_and_every_yes_no_form() {
    let dir = tmp();
    let p = dir.path().join("quote_flags.xlsx");
    xlsx(
        &p,
        &[(
            "견적",
            vec![
                vec![
                    S("견적번호"),
                    S("고객명"),
                    S("발송일"),
                    S("열람"),
                    S("응답"),
                    S("전환"),
                    S("열람횟수"),
                ],
                vec![
                    S("Q1"),
                    S("김철수"),
                    S("2025-04-01"),
                    D(2025, 4, 2, 9, 0),
                    S("Y"),
                    S("O"),
                    B,
                ],
                vec![
                    S("Q2"),
                    S("김철수"),
                    S("2025-04-03"),
                    S("X"),
                    S("아니오"),
                    B,
                    N(2.0),
                ],
                vec![
                    S("Q3"),
                    S("이영희"),
                    S("2025-04-04"),
                    S("예"),
                    S("2025.04.06"),
                    S("완료"),
                    B,
                ],
                vec![S("Q4"), S("이영희"), S("2025-04-05"), S("maybe"), B, B, B],
            ],
        )],
    );
    let l = load(&p);
    let q = &l.data.quotes;
    assert_eq!(q.len(), 4);
    assert_eq!(
        (q[0].opened, q[0].opens, q[0].responded, q[0].converted),
        (
            Flag::On(day(2025, 4, 2) + chrono::Duration::hours(9)),
            1,
            Flag::Yes,
            Flag::Yes
        )
    );
    // A count above 0 means opened even when the flag says no.
    assert_eq!(
        (q[1].opened, q[1].opens, q[1].responded, q[1].converted),
        (Flag::Yes, 2, Flag::No, Flag::No)
    );
    assert_eq!(
        (q[2].opened, q[2].responded, q[2].converted),
        (Flag::Yes, Flag::On(day(2025, 4, 6)), Flag::Yes)
    );
    assert_eq!(
        problems(&l),
        vec![
            "견적!D5: found \"maybe\", expected yes/no (Y/N, O/X, 예/아니오, TRUE/FALSE, 1/0) or a date"
        ]
    );
}

#[test]
fn dates_in_the_1904_system_are_read_right() {
    let dir = tmp();
    let p = dir.path().join("date1904.xlsx");
    xlsx(
        &p,
        &[(
            "Sales",
            vec![
                vec![S("Date"), S("Customer"), S("Amount")],
                vec![D(2025, 4, 15, 0, 0), S("Ann"), N(1.0)],
            ],
        )],
    );
    // rust_xlsxwriter wrote serial 45762 (1900 system); in a 1904 workbook that serial is 4 years + 1 day later.
    crate::support::patch_zip(&p, "xl/workbook.xml", |x| {
        x.replace("<workbookPr", "<workbookPr date1904=\"1\"")
    });
    let l = load(&p);
    let at = l.data.sales.customers["Ann"]
        .orders
        .values()
        .next()
        .unwrap()
        .at;
    assert_eq!(at, day(2029, 4, 16));
}

#[test]
fn void_and_return_rows_follow_the_settings_words_and_prefix() {
    let dir = tmp();
    let p = dir.path().join("cancel_words.xlsx");
    xlsx(
        &p,
        &[
            (
                "Sales",
                vec![
                    vec![
                        S("Date"),
                        S("Order"),
                        S("Customer"),
                        S("Amount"),
                        S("Status"),
                    ],
                    vec![S("2025-01-01"), S("R1"), S("Ann"), N(100.0), S("Annulled")],
                    vec![S("2025-01-02"), S("R2"), S("Ann"), N(50.0), S("cancelled")],
                    vec![S("2025-01-03"), S("X3"), S("Ann"), N(20.0), B],
                    vec![S("2025-01-04"), S("CO-4"), S("Ann"), N(5.0), B],
                ],
            ),
            (
                "Settings",
                vec![
                    vec![S("key"), S("value")],
                    vec![S("cancel_words"), S("annulled")],
                    vec![S("cancel_prefix"), S("X")],
                ],
            ),
        ],
    );
    let l = load(&p);
    let ann = &l.data.sales.customers["Ann"];
    // `cancelled` is no longer a cancel word; `X3` is a credit; `CO-4` is an order with default prefix gone.
    // The ledger keeps orders by fingerprint, not by id: the two ids, and no other.
    assert_eq!(ann.orders.len(), 2);
    assert!(ann.orders.contains("CO-4") && ann.orders.contains("R2"));
    assert_eq!(ann.returns[0].amount, dec("-20"));
    assert_eq!(l.data.sales.void_rows, 1);
    assert_eq!(
        l.settings.origins["cancel_prefix"].to_string(),
        "Settings!B3"
    );
}

#[test]
fn unknown_setting_names_the_cell_and_suggests() {
    let dir = tmp();
    let p = dir.path().join("bad_setting.xlsx");
    xlsx(
        &p,
        &[
            (
                "Sales",
                vec![
                    vec![S("Date"), S("Customer"), S("Amount")],
                    vec![S("2025-01-01"), S("Ann"), N(1.0)],
                ],
            ),
            (
                "설정",
                vec![
                    vec![S("키"), S("값"), S("비고")],
                    vec![S("shop_name"), S("단골상회"), B],
                    vec![S("lookback_dayz"), S("90"), B],
                ],
            ),
        ],
    );
    // The unknown key is in A3; B3 holds a fine value (issue 12 item 14).
    assert_eq!(
        load_err(&p),
        "settings: 설정!A3: unknown setting 'lookback_dayz'; did you mean 'lookback_days'?"
    );
}

#[test]
fn grade_table_without_a_final_true_rule_is_rejected_before_data() {
    let dir = tmp();
    let p = dir.path().join("grades_no_true.xlsx");
    xlsx(
        &p,
        &[
            (
                "Sales",
                vec![
                    vec![S("Date"), S("Customer"), S("Amount")],
                    vec![S("nonsense"), S("Ann"), N(1.0)],
                ],
            ),
            (
                "Grades",
                vec![
                    vec![S("kind"), S("grade"), S("rule")],
                    vec![S("vip"), S("Top"), S("total >= 100")],
                    vec![S("vip"), S("Rest"), S("orders >= 1")],
                ],
            ),
        ],
    );
    assert_eq!(
        load_err(&p),
        "settings: Grades!C3: the last vip rule must be `true` so that every customer gets a grade (found \"orders >= 1\")"
    );
}

#[test]
fn cp949_csv_with_semicolons_is_decoded_and_sniffed() {
    let dir = tmp();
    let p = dir.path().join("cp949_export.csv");
    let text = "주문일자;고객명;금액\r\n2025-04-01;김철수;\"12,000\"\r\n2025-04-02;이영희;3000\r\n";
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(text);
    std::fs::write(&p, &bytes).unwrap();
    let l = load(&p);
    assert_eq!(l.data.sheets[0].name, "cp949_export");
    assert_eq!(
        l.data.sales.customers["김철수"]
            .orders
            .values()
            .next()
            .unwrap()
            .amount,
        dec("12000")
    );
    assert_eq!(l.data.sales.shop_total(), dec("15000"));
    assert_eq!(l.lang, dangol::model::Lang::Ko);
}

#[test]
fn utf16_and_bom_csv_are_read() {
    let dir = tmp();
    let p = dir.path().join("utf16.csv");
    let text = "\u{feff}Date\tCustomer\tAmount\r\n2025-04-01\tAnn\t£3.75\r\n";
    let mut bytes = Vec::new();
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&p, &bytes).unwrap();
    let l = load(&p);
    assert_eq!(l.data.sales.shop_total(), dec("3.75"));
    assert_eq!(l.currency, dangol::model::Currency::Gbp);
}

#[test]
fn file_level_errors_each_have_their_own_message() {
    let dir = tmp();
    let empty = dir.path().join("empty.xlsx");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(
        load_err(&empty),
        format!("{}: the file is empty (0 bytes)", empty.display())
    );

    let csv_named_xlsx = dir.path().join("export.xlsx");
    std::fs::write(&csv_named_xlsx, "Date,Customer,Amount\n2025-01-01,Ann,1\n").unwrap();
    assert_eq!(
        load_err(&csv_named_xlsx),
        format!(
            "{}: the file is named .xlsx but is plain text (probably CSV); rename it to .csv",
            csv_named_xlsx.display()
        )
    );

    let html = dir.path().join("shop-export.xls");
    std::fs::write(
        &html,
        "<html><body><table><tr><td>Date</td></tr></table></body></html>",
    )
    .unwrap();
    assert!(load_err(&html).contains("is an HTML page"));

    let corrupt = dir.path().join("corrupt.xlsx");
    std::fs::write(&corrupt, b"PK\x03\x04garbage that is not a zip at all").unwrap();
    let msg = load_err(&corrupt);
    assert!(
        msg.starts_with(&format!(
            "{}: the workbook is damaged and cannot be read",
            corrupt.display()
        )),
        "{msg}"
    );

    let missing = dir.path().join("nope.xlsx");
    assert_eq!(
        load_err(&missing),
        format!("{}: file not found", missing.display())
    );

    let odd = dir.path().join("notes.docx");
    std::fs::write(&odd, b"x").unwrap();
    assert!(load_err(&odd).ends_with(
        "unsupported file type '.docx'; dangol reads .xlsx .xlsm .xls .xlsb .ods .csv .tsv"
    ));
}

#[test]
fn encrypted_workbook_is_named_as_such() {
    let p = crate::support::shared_data(
        "xlsx-corpus/ExcelDataReader__agile_AES128_MD5_CBC_pwd_password.xlsx",
    );
    let msg = load_err(&p);
    assert!(
        msg.contains("the workbook is password-protected (encrypted)"),
        "{msg}"
    );
}

#[test]
fn sale_kinds_are_exposed_for_streaming_consumers() {
    // The ledger counts kinds; a return keeps a negative amount whatever sign was written.
    let mut l = dangol::model::SalesLedger::default();
    let row = dangol::model::SaleRow {
        cell: dangol::model::CellRef::new("S", 1, 0),
        at: day(2025, 1, 1),
        customer: Some("ann".into()),
        name: Some("Ann".into()),
        email: None,
        phone: None,
        order_id: Some("C1".into()),
        product: None,
        amount: dec("5"),
        kind: SaleKind::Return,
        channel: None,
    };
    l.add(&row, "C1");
    assert_eq!(l.shop_total(), dec("-5"));
}
