//! A customer name the weekly PDF's font cannot draw is named with the sales cell it was first
//! read from, which the sales ledger keeps per spelling as it reads (`report` never reads the
//! workbook a second time to find it).

use crate::support::Test;
use crate::support::V::{D, N, S, T};

fn report(t: Test) -> Test {
    t.args(&[
        "report",
        "shop.xlsx",
        "--as-of",
        "2025-04-21",
        "--out",
        "r.pdf",
        "--lang",
        "en",
    ])
    .stdout("r.pdf\n")
    .status(0)
}

/// The second sales sheet's cell, not the first sheet's row number: the ledger numbers the
/// sheets it read from and maps the cell back to the sheet's own customer column.
#[test]
fn a_name_first_read_on_a_second_sales_sheet_names_that_sheet_and_its_column() {
    let t = Test::new().workbook(
        "shop.xlsx",
        &[
            (
                "Sales",
                vec![
                    vec![S("Date"), S("Customer"), S("Amount")],
                    vec![D(2025, 4, 15, 9, 0), S("Bright Mart"), N(20.0)],
                    vec![D(2025, 4, 15, 10, 0), S("Bright Mart"), N(20.0)],
                ],
            ),
            (
                "Online",
                vec![
                    vec![S("Amount"), S("Date"), S("Note"), S("Customer")],
                    vec![N(5.0), D(2025, 4, 14, 9, 0), S("-"), S("Corner Shop")],
                    vec![
                        N(30.0),
                        D(2025, 4, 16, 9, 0),
                        S("-"),
                        T("Acme \u{1D11E} Music".into()),
                    ],
                    vec![
                        N(30.0),
                        D(2025, 4, 17, 9, 0),
                        S("-"),
                        T("Acme \u{1D11E} Music".into()),
                    ],
                ],
            ),
        ],
    );
    report(t)
        .stderr(
            "dangol: warning: font lacks '\u{1D11E}' (U+1D11E) in customer name \"Acme \u{1D11E} Music\" \
             (Online!D3)\n",
        )
        .run();
}

/// A name written with a combining accent is shown composed (`é`); the cell is still found,
/// where a second read comparing the cell's text with the shown name found none.
#[test]
fn a_name_written_decomposed_still_names_its_cell() {
    let t = Test::new().workbook(
        "shop.xlsx",
        &[(
            "Sales",
            vec![
                vec![S("Date"), S("Customer"), S("Amount")],
                vec![D(2025, 4, 15, 9, 0), S("Bright Mart"), N(20.0)],
                vec![
                    D(2025, 4, 16, 9, 0),
                    T("Cafe\u{301} \u{1D11E}".into()),
                    N(30.0),
                ],
            ],
        )],
    );
    report(t)
        .stderr(
            "dangol: warning: font lacks '\u{1D11E}' (U+1D11E) in customer name \"Caf\u{e9} \u{1D11E}\" \
             (Sales!B3)\n",
        )
        .run();
}
