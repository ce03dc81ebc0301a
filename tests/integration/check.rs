//! `dangol check` through the real binary.

use crate::support::{V::*, dangol, stderr, stdout, tmp, xlsx};

#[test]
fn check_reports_sheets_columns_and_exits_1_on_errors() {
    let dir = tmp();
    let p = dir.path().join("shop.xlsx");
    xlsx(
        &p,
        &[(
            "Sales",
            vec![
                vec![S("Date"), S("Customer"), S("Amount")],
                vec![S("2025-04-15"), S("Ann"), N(10.0)],
                vec![S("2025-04-16"), S("Bob"), S("lots")],
            ],
        )],
    );
    let out = dangol(&["check", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("  sheet 'Sales': sales (header row 1)\n    columns: date=A(Date), customer=B(Customer), amount=C(Amount)\n    rows: 2, unusable: 1\n"), "{text}");
    assert!(
        text.contains("  error: Sales!C3: found \"lots\", expected an amount"),
        "{text}"
    );
}

#[test]
fn check_json_is_for_scripts_and_exit_0_when_clean() {
    let dir = tmp();
    let p = dir.path().join("clean.xlsx");
    xlsx(
        &p,
        &[(
            "Sales",
            vec![
                vec![S("Date"), S("Customer"), S("Amount")],
                vec![S("2025-04-15"), S("Ann"), N(10.0)],
            ],
        )],
    );
    let out = dangol(&["check", p.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sheets"][0]["role"], "sales");
    assert_eq!(v["sheets"][0]["rows"], 1);
    assert_eq!(v["customers"], 1);
    assert_eq!(v["errors"], 0);
    assert_eq!(v["currency"], "KRW");
}

#[test]
fn no_recognisable_data_is_a_clear_exit_1() {
    let dir = tmp();
    let p = dir.path().join("notes.xlsx");
    xlsx(&p, &[("Sheet1", vec![vec![S("hello"), S("world")]])]);
    let out = dangol(&["check", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("no recognisable data"), "{err}");
    assert!(err.contains("sheet 'Sheet1': row 1: hello, world"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let out = dangol(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    let out = dangol(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_command_help_ends_with_examples() {
    for cmd in ["check", "config"] {
        let out = dangol(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("Examples:"), "{cmd}");
    }
}

/// `check --format csv` comes from the same column list as the Data Issues sheet and writes
/// like every other CSV of dangol: BOM, CRLF, and a value from the owner's cell that a
/// spreadsheet would run as a formula gets the text mark.
#[test]
fn check_csv_lists_every_problem_and_neutralises_formulas() {
    let dir = tmp();
    let p = dir.path().join("shop.xlsx");
    xlsx(
        &p,
        &[(
            "Sales",
            vec![
                vec![S("Date"), S("Customer"), S("Amount")],
                vec![S("2025-04-15"), S("Ann"), N(10.0)],
                vec![S("2025-04-16"), S("Bob"), S("=HYPERLINK(\"http://x\")")],
            ],
        )],
    );
    let out = dangol(&["check", p.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "\u{feff}severity,place,found,expected\r\n\
         error,Sales!C3,\"'=HYPERLINK(\"\"http://x\"\")\",\"an amount (e.g. 12000, 1,200,000원, ₩12,000, £3.75)\"\r\n\
         warning,currency,,\"no currency sign (₩, 원, £, $, €) in the data, so amounts are taken as KRW; if they are not, set currency (e.g. --set currency=GBP, or currency | GBP in the Settings sheet)\"\r\n"
    );
}
