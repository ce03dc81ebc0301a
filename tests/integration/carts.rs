//! Abandoned carts (SPEC §12) through the real binary and the library: a Shopify-shaped and a
//! WooCommerce-shaped export recognised by their headers, line items grouped into one cart,
//! the recovery window at its boundary, the exact Cart Recovery sheet, the weekly PDF's carts
//! section and the plain message when there is no carts sheet. Every number is worked out by
//! hand in the comments.

use std::path::{Path, PathBuf};

use crate::support::{V, V::*, dangol, load, stderr, stdout, tmp, xlsx};

const AS_OF: &str = "2025-04-30";

fn sales() -> (&'static str, Vec<Vec<V>>) {
    (
        "Sales",
        vec![
            vec![S("Date"), S("Customer"), S("Email"), S("Amount")],
            // Ann's cart C1 was started 2025-04-01 09:00: this order is 7 days later, inside
            // the 7-day recovery window.
            vec![S("2025-04-08 10:00"), S("Ann"), S("ann@x.kr"), N(10_000.0)],
            // Bob's cart C2 was started the same minute: 8 days later is outside it.
            vec![S("2025-04-09 10:00"), S("Bob"), S("bob@x.kr"), N(20_000.0)],
            vec![S("2025-04-28 10:00"), S("Cy"), S("cy@x.kr"), N(5_000.0)],
        ],
    )
}

/// dangol's own headers. Weeks start on Monday:
/// - 2025-W14 (03-31 ~ 04-06): C1 (recovered by Ann's order, ₩10,000) and C2 (lost, ₩20,000)
///   → 2 abandoned (₩30,000), 1 recovered (₩10,000), 50 %.
/// - 2025-W17 (04-21 ~ 04-27): C3 (completed, ₩7,000) and C4 (open, 3 days old as of 04-30,
///   ₩15,000, two line items on two rows) → 2 (₩22,000), 1 recovered (₩7,000), 50 %.
fn carts_sheet() -> (&'static str, Vec<Vec<V>>) {
    (
        "Carts",
        vec![
            vec![
                S("cart id"),
                S("created"),
                S("customer"),
                S("email"),
                S("phone"),
                S("items"),
                S("total"),
                S("recovery_url"),
                S("completed"),
            ],
            vec![
                S("C1"),
                S("2025-04-01 09:00"),
                S("Ann"),
                S("ann@x.kr"),
                B,
                S("Mug"),
                N(10_000.0),
                S("https://shop.example/c/1"),
                B,
            ],
            vec![
                S("C2"),
                S("2025-04-01 09:00"),
                S("Bob"),
                S("bob@x.kr"),
                S("010-1111-2222"),
                S("Mug, Cup"),
                N(20_000.0),
                S("https://shop.example/c/2"),
                B,
            ],
            vec![
                S("C3"),
                S("2025-04-22 12:00"),
                S("Dee"),
                S("dee@x.kr"),
                B,
                S("Tea"),
                N(7_000.0),
                B,
                S("2025-04-22 13:00"),
            ],
            vec![
                S("C4"),
                S("2025-04-27 18:00"),
                S("Eve"),
                S("eve@x.kr"),
                B,
                S("Mug"),
                N(15_000.0),
                S("https://shop.example/c/4"),
                B,
            ],
            // C4's second line item, as Shopify exports it: the checkout's columns left blank.
            vec![S("C4"), B, B, B, B, S("Tea"), B, B, B],
        ],
    )
}

fn shop(dir: &Path) -> PathBuf {
    let p = dir.join("shop.xlsx");
    xlsx(&p, &[sales(), carts_sheet()]);
    p
}

/// Rows of a sheet as text (calamine), blank cells as "".
fn sheet_text(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).expect("open");
    let r = wb.worksheet_range(sheet).expect("sheet");
    r.rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect()
}

fn pdf_text(pdf: &Path) -> String {
    let doc = lopdf::Document::load(pdf).expect("pdf");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text")
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(ToString::to_string).collect()
}

#[test]
fn a_shopify_abandoned_checkouts_export_is_read_as_carts_with_line_items_grouped() {
    let d = tmp();
    let p = d.path().join("shop.xlsx");
    let h = [
        "Id",
        "Email",
        "Accepts Marketing",
        "Currency",
        "Subtotal",
        "Total",
        "Created At",
        "Completed At",
        "Lineitem quantity",
        "Lineitem name",
        "Lineitem price",
        "Billing Name",
        "Billing Phone",
        "Abandoned Checkout URL",
    ];
    let checkouts = vec![
        h.iter().map(|s| S(s)).collect(),
        vec![
            S("30001"),
            S("Ann@X.kr"),
            S("yes"),
            S("KRW"),
            N(18_000.0),
            N(18_000.0),
            S("2025-04-01 09:00:00 +0900"),
            B,
            N(1.0),
            S("Mug"),
            N(10_000.0),
            S("Ann Lee"),
            S("010-1234-5678"),
            S("https://shop.example/r/1"),
        ],
        // The second line item of checkout 30001: only the id and the line-item columns.
        vec![
            S("30001"),
            B,
            B,
            B,
            B,
            B,
            B,
            B,
            N(2.0),
            S("Cup"),
            N(4_000.0),
            B,
            B,
            B,
        ],
        vec![
            S("30002"),
            S("bob@x.kr"),
            S("no"),
            S("KRW"),
            N(5_000.0),
            N(5_000.0),
            S("2025-04-02 10:00:00 +0900"),
            S("2025-04-02 10:30:00 +0900"),
            N(1.0),
            S("Tea"),
            N(5_000.0),
            S("Bob"),
            B,
            S("https://shop.example/r/2"),
        ],
    ];
    xlsx(&p, &[sales(), ("Abandoned checkouts", checkouts)]);
    let o = dangol(&["check", p.to_str().expect("path"), "--as-of", AS_OF]);
    let text = stdout(&o);
    assert!(
        text.contains(
            "  sheet 'Abandoned checkouts': carts (header row 1)\n    columns: cart_id=A(Id), email=B(Email), total=F(Total), created=G(Created At), completed=H(Completed At), quantity=I(Lineitem quantity), items=J(Lineitem name), customer=L(Billing Name), phone=M(Billing Phone), recovery_url=N(Abandoned Checkout URL)\n    rows: 3, unusable: 0\n"
        ),
        "{text}\n{}",
        stderr(&o)
    );
    assert!(!text.contains("cannot see abandoned carts"), "{text}");

    let l = load(&p);
    let c = &l.data.carts;
    assert_eq!(c.len(), 2, "{c:?}");
    assert_eq!(c[0].cart_id, "30001");
    assert_eq!(c[0].cell.to_string(), "'Abandoned checkouts'!A2");
    assert_eq!(c[0].created.to_string(), "2025-04-01 09:00:00");
    // The sales rows' key: the e-mail, trimmed and lower-cased.
    assert_eq!(c[0].customer.as_deref(), Some("ann@x.kr"));
    assert_eq!(c[0].name.as_deref(), Some("Ann Lee"));
    assert_eq!(c[0].phone.as_deref(), Some("010-1234-5678"));
    assert_eq!(c[0].items, ["Mug", "Cup"]);
    assert_eq!(c[0].total, crate::support::dec("18000"));
    assert_eq!(
        c[0].recovery_url.as_deref(),
        Some("https://shop.example/r/1")
    );
    assert_eq!(c[0].completed, None);
    assert_eq!(c[1].items, ["Tea"]);
    assert_eq!(
        c[1].completed.map(|d| d.to_string()).as_deref(),
        Some("2025-04-02 10:30:00")
    );
}

#[test]
fn a_woocommerce_cart_abandonment_table_is_read_as_carts() {
    let d = tmp();
    let p = d.path().join("shop.xlsx");
    let h = [
        "id",
        "checkout_id",
        "email",
        "cart_contents",
        "cart_total",
        "session_id",
        "other_fields",
        "order_status",
        "unsubscribed",
        "coupon_code",
        "time",
    ];
    let table = vec![
        h.iter().map(|s| S(s)).collect(),
        vec![
            N(7.0),
            N(42.0),
            S("ann@x.kr"),
            S("Mug, Cup"),
            S("18000.00"),
            S("6b3f0c"),
            B,
            S("abandoned"),
            N(0.0),
            B,
            S("2025-04-03 11:00:00"),
        ],
        // The plugin's serialized PHP cart names product ids only: no product names.
        vec![
            N(8.0),
            N(42.0),
            S("bob@x.kr"),
            S("a:1:{s:32:\"9f1c\";a:2:{s:10:\"product_id\";i:12;s:8:\"quantity\";i:1;}}"),
            S("5000.00"),
            S("77aa01"),
            B,
            S("completed"),
            N(0.0),
            B,
            S("2025-04-04 15:30:00"),
        ],
    ];
    xlsx(&p, &[sales(), ("Cart abandonment", table)]);
    let o = dangol(&["check", p.to_str().expect("path"), "--as-of", AS_OF]);
    let text = stdout(&o);
    assert!(
        text.contains(
            "  sheet 'Cart abandonment': carts (header row 1)\n    columns: cart_id=A(id), email=C(email), items=D(cart_contents), total=E(cart_total), status=H(order_status), created=K(time)\n    rows: 2, unusable: 0\n"
        ),
        "{text}"
    );
    let l = load(&p);
    let c = &l.data.carts;
    assert_eq!(c.len(), 2);
    assert_eq!(
        (c[0].cart_id.as_str(), c[0].items.clone()),
        ("7", vec!["Mug".to_string(), "Cup".to_string()])
    );
    assert_eq!(c[0].total, crate::support::dec("18000.00"));
    assert_eq!(c[0].completed, None);
    assert!(c[1].items.is_empty());
    // `completed` in order_status: completed when it was started (the table keeps no other day).
    assert_eq!(
        c[1].completed.map(|d| d.to_string()).as_deref(),
        Some("2025-04-04 15:30:00")
    );
}

#[test]
fn every_bad_cart_cell_is_a_problem_naming_sheet_and_cell() {
    let d = tmp();
    let p = d.path().join("shop.xlsx");
    let (_, mut rows) = carts_sheet();
    rows.truncate(1);
    rows.push(vec![
        S("C1"),
        S("yesterday"),
        S("Ann"),
        B,
        B,
        S("Mug"),
        N(1.0),
        B,
        B,
    ]);
    rows.push(vec![
        S("C2"),
        S("2025-04-01"),
        S("Bob"),
        B,
        B,
        S("Mug"),
        S("lots"),
        B,
        B,
    ]);
    rows.push(vec![
        B,
        S("2025-04-02"),
        S("Cy"),
        B,
        B,
        S("Mug"),
        N(1.0),
        B,
        B,
    ]);
    rows.push(vec![S("C5"), B, S("Dee"), B, B, S("Mug"), N(1.0), B, B]);
    xlsx(&p, &[sales(), ("Carts", rows)]);
    let o = dangol(&["check", p.to_str().expect("path"), "--as-of", AS_OF]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let text = stdout(&o);
    for want in [
        "  error: Carts!B2: found \"yesterday\", expected a date (e.g. 2025-04-15, 2025-04-15 14:03, 2025.04.15, 2025년 4월 15일)\n",
        "  error: Carts!G3: found \"lots\", expected an amount (e.g. 12000, 1,200,000원, ₩12,000, £3.75)\n",
        "  error: Carts!A4: a cart id (the cell is blank)\n",
        "  error: Carts!B5: the date the cart was created (the cell is blank)\n",
        "    rows: 4, unusable: 4\n",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
}

#[test]
fn run_writes_the_cart_recovery_sheet_with_the_recovery_window_at_its_boundary() {
    let d = tmp();
    let p = shop(d.path());
    let o = dangol(&[
        "run",
        p.to_str().expect("path"),
        "--as-of",
        AS_OF,
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = sheet_text(&p, "Cart Recovery");
    let want: Vec<Vec<String>> = vec![
        row(&[
            "Abandoned and recovered carts by week (recovered within 7 days): 2 of 4 carts recovered (50.0%)",
        ]),
        row(&[
            "Week",
            "Week start",
            "Abandoned",
            "Abandoned value",
            "Recovered",
            "Recovered value",
            "Recovery rate",
        ]),
        row(&["2025-W14", "45747", "2", "30000", "1", "10000", "0.5"]),
        row(&["2025-W17", "45768", "2", "22000", "1", "7000", "0.5"]),
        row(&[]),
        row(&["Most abandoned products"]),
        row(&["Product", "Carts not recovered", "Carts recovered"]),
        row(&["Mug", "2", "1"]),
        row(&["Tea", "1", "1"]),
        row(&["Cup", "1", "0"]),
        row(&[]),
        row(&["Open carts to recover: 1"]),
        row(&[
            "Cart",
            "Created",
            "Customer",
            "Email",
            "Phone",
            "Items",
            "Value",
            "Age (days)",
            "Recovery link",
            "Cart row",
        ]),
        row(&[
            "C4",
            "45774",
            "Eve",
            "eve@x.kr",
            "",
            "Mug, Tea",
            "15000",
            "3",
            "https://shop.example/c/4",
            "Carts!A5",
        ]),
        row(&[]),
        row(&["Every cart"]),
        row(&[
            "Cart",
            "Created",
            "Customer",
            "Items",
            "Value",
            "Status",
            "Recovered on",
            "Cart row",
        ]),
        row(&[
            "C1",
            "45748",
            "Ann",
            "Mug",
            "10000",
            "recovered by an order",
            "45755",
            "Carts!A2",
        ]),
        row(&[
            "C2", "45748", "Bob", "Mug, Cup", "20000", "lost", "", "Carts!A3",
        ]),
        row(&[
            "C3",
            "45769",
            "Dee",
            "Tea",
            "7000",
            "completed",
            "45769",
            "Carts!A4",
        ]),
        row(&[
            "C4", "45774", "Eve", "Mug, Tea", "15000", "open", "", "Carts!A5",
        ]),
    ];
    // Dates are Excel date cells (serials as calamine shows them: 45748 = 2025-04-01). Row 1
    // is the generated-sheet notice, row 2 blank; the tables follow.
    let body: Vec<Vec<String>> = rows
        .iter()
        .skip(2)
        .map(|r| {
            let mut r = r.clone();
            while r.last().is_some_and(String::is_empty) {
                r.pop();
            }
            r
        })
        .collect();
    assert_eq!(body, want, "{rows:#?}");
    // The owner's Carts sheet is read, never replaced.
    assert_eq!(sheet_text(&p, "Carts")[1][0], "C1");
}

#[test]
fn the_weekly_pdf_shows_the_weeks_carts_and_the_open_ones() {
    let d = tmp();
    let p = shop(d.path());
    let pdf = d.path().join("week.pdf");
    let o = dangol(&[
        "report",
        p.to_str().expect("path"),
        "--as-of",
        AS_OF,
        "--out",
        pdf.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = pdf_text(&pdf);
    // The report's week is 2025-W17, the last complete week before 2025-04-30.
    for want in [
        "Abandoned carts this week: 2 (₩22,000) · recovered 1 (₩7,000) · recovery rate 50.0%",
        "Open carts to recover: 1 (₩15,000) · most abandoned: Mug (2), Tea (1), Cup (1) — see the Cart Recovery sheet",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    assert!(!text.contains("cannot see"), "{text}");
}

#[test]
fn without_a_carts_sheet_dangol_says_it_cannot_see_carts() {
    let d = tmp();
    let p = d.path().join("shop.xlsx");
    xlsx(&p, &[sales()]);
    let msg = "No carts sheet, so dangol cannot see abandoned carts — add the store's abandoned-checkout export as a 'Carts' sheet";
    let o = dangol(&["check", p.to_str().expect("path"), "--as-of", AS_OF]);
    assert!(stdout(&o).contains(&format!("  {msg}\n")), "{}", stdout(&o));
    let pdf = d.path().join("week.pdf");
    let o = dangol(&[
        "report",
        p.to_str().expect("path"),
        "--as-of",
        AS_OF,
        "--out",
        pdf.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = pdf_text(&pdf);
    let want = format!("Abandoned carts: {msg}");
    assert!(text.contains(&want), "{want:?} not in:\n{text}");
    // No sheet about carts is generated from nothing.
    let o = dangol(&[
        "run",
        p.to_str().expect("path"),
        "--as-of",
        AS_OF,
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    use calamine::Reader;
    let wb = calamine::open_workbook_auto(&p).expect("open");
    assert!(!wb.sheet_names().contains(&"Cart Recovery".to_string()));

    // In Korean.
    let ko = d.path().join("ko.xlsx");
    xlsx(
        &ko,
        &[(
            "판매",
            vec![
                vec![S("주문일자"), S("고객명"), S("금액")],
                vec![S("2025-04-28"), S("김철수"), N(5_000.0)],
            ],
        )],
    );
    let o = dangol(&["check", ko.to_str().expect("path"), "--as-of", AS_OF]);
    assert!(
        stdout(&o).contains("  장바구니 시트가 없어 장바구니 이탈을 볼 수 없습니다 — 쇼핑몰의 이탈 장바구니 내보내기를 '장바구니' 시트로 넣어 주세요\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn cart_recovery_days_moves_the_window_and_config_shows_it() {
    let d = tmp();
    let p = shop(d.path());
    // With 8 days, Bob's order 8 days after his cart recovers it too: 3 of 4.
    let o = dangol(&[
        "run",
        p.to_str().expect("path"),
        "--as-of",
        AS_OF,
        "--quiet",
        "--set",
        "cart.recovery_days=8",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = sheet_text(&p, "Cart Recovery");
    assert_eq!(
        rows[2][0],
        "Abandoned and recovered carts by week (recovered within 8 days): 3 of 4 carts recovered (75.0%)"
    );
    let o = dangol(&["config", p.to_str().expect("path")]);
    let text = stdout(&o);
    assert!(
        text.lines()
            .any(|l| l.starts_with("cart.recovery_days") && l.contains(" 7 ")),
        "{text}"
    );
    let o = dangol(&[
        "check",
        p.to_str().expect("path"),
        "--set",
        "cart.recovery_days=0",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains(
            "dangol: error: settings: --set cart.recovery_days: cart.recovery_days: found 0, expected a whole number from 1 to 365"
        ),
        "{}",
        stderr(&o)
    );
}
