//! Results are facts rendered where they are shown: the weekly report's reminder lines carry
//! their quote row's cell, so a text the PDF font cannot draw is named with the cell it came
//! from without searching the quote log (or reading the workbook) again.

use crate::support::Test;
use crate::support::V::{D, N, S, T};

#[test]
fn a_reminder_text_the_font_lacks_names_its_quote_cell() {
    let t = Test::new().workbook(
        "shop.xlsx",
        &[
            (
                "Sales",
                vec![
                    vec![S("Date"), S("Customer"), S("Amount")],
                    vec![D(2025, 4, 15, 9, 0), S("Bright Mart"), N(20.0)],
                ],
            ),
            (
                "Quotes",
                vec![
                    vec![S("Quote ID"), S("Customer"), S("Email"), S("Sent")],
                    vec![
                        S("Q1"),
                        S("Bright Mart"),
                        S("b@ex.com"),
                        D(2025, 4, 12, 9, 0),
                    ],
                    vec![
                        T("Q-\u{1D11E}".into()),
                        T("Acme \u{1D11E} Music".into()),
                        S("acme@ex.com"),
                        D(2025, 4, 10, 9, 0),
                    ],
                ],
            ),
        ],
    );
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
    .stderr(
        "dangol: warning: font lacks '\u{1D11E}' (U+1D11E) in customer name \"Acme \u{1D11E} Music\" \
         (Quotes!B3)\n\
         dangol: warning: font lacks '\u{1D11E}' (U+1D11E) in quote id \"Q-\u{1D11E}\" (Quotes!A3)\n",
    )
    .status(0)
    .run();
}
