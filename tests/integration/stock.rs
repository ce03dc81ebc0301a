//! `dangol stock` and `dangol import-products` through the real binary (SPEC §10), on small
//! workbooks whose every number is computed by hand in the comments.

use std::path::Path;

use crate::support::{V, V::*, dangol, stderr, stdout, tmp, xlsx};

/// As of 2025-04-30 with the default 30 velocity days, the window is 2025-04-01..=2025-04-30.
const AS_OF: &str = "2025-04-30";

fn sales_rows() -> Vec<Vec<V>> {
    vec![
        vec![
            S("Date"),
            S("Customer"),
            S("SKU"),
            S("Product"),
            S("Quantity"),
            S("Amount"),
        ],
        // Mug A-1: 20 + 16 + 2 − 2 (a return) = 36 in the window → 1.2 a day.
        vec![
            S("2025-04-10"),
            S("Ann"),
            S("A-1"),
            S("Mug"),
            N(20.0),
            N(40_000.0),
        ],
        vec![
            S("2025-04-20"),
            S("Bob"),
            S("a-1"),
            S("Mug"),
            N(16.0),
            N(32_000.0),
        ],
        vec![
            S("2025-04-21"),
            S("Cy"),
            S("A-1"),
            S("Mug"),
            N(2.0),
            N(4000.0),
        ],
        vec![
            S("2025-04-22"),
            S("Cy"),
            S("A-1"),
            S("Mug"),
            N(-2.0),
            N(-4000.0),
        ],
        // The day before the window: not counted.
        vec![
            S("2025-03-31"),
            S("Ann"),
            S("A-1"),
            S("Mug"),
            N(100.0),
            N(200_000.0),
        ],
        // T-shirt L: 3 → 0.1 a day.
        vec![
            S("2025-04-25"),
            S("Dee"),
            S("TS-L"),
            S("T-shirt"),
            N(3.0),
            N(60_000.0),
        ],
        // Sticker pack, by its name only (spaces and case differ): 6 → 0.2 a day.
        vec![
            S("2025-04-15"),
            S("Eve"),
            B,
            S("sticker  PACK"),
            N(6.0),
            N(6000.0),
        ],
        // Bowl: 3 on the window's first day → 0.1 a day.
        vec![
            S("2025-04-01"),
            S("Fay"),
            S("B-1"),
            S("Bowl"),
            N(3.0),
            N(27_000.0),
        ],
        // Vase: last sold long ago → dead stock.
        vec![
            S("2024-12-01"),
            S("Gus"),
            S("V-1"),
            S("Vase"),
            N(1.0),
            N(30_000.0),
        ],
        // Not in the stock sheet.
        vec![
            S("2025-04-18"),
            S("Hal"),
            B,
            S("Gift Card"),
            N(1.0),
            N(50_000.0),
        ],
    ]
}

fn stock_rows() -> Vec<Vec<V>> {
    vec![
        vec![
            S("SKU"),
            S("Name"),
            S("Option"),
            S("Stock"),
            S("Safety stock"),
            S("Reorder qty"),
            S("Lead time"),
            S("Supplier"),
            S("Cost"),
            S("Parent"),
            S("Counted"),
        ],
        vec![
            S("A-1"),
            S("Mug"),
            B,
            N(3.0),
            N(5.0),
            N(12.0),
            N(7.0),
            S("Clay Co"),
            N(2000.0),
            B,
            B,
        ],
        vec![
            S("TS"),
            S("T-shirt"),
            B,
            N(10.0),
            N(4.0),
            B,
            B,
            S("Shirt Hub"),
            B,
            B,
            B,
        ],
        vec![
            S("TS-L"),
            S("T-shirt"),
            S("L"),
            N(4.0),
            B,
            B,
            B,
            S("Shirt Hub"),
            B,
            S("TS"),
            B,
        ],
        vec![
            S("S-1"),
            S("Sticker Pack"),
            B,
            N(2.0),
            B,
            B,
            B,
            S("Paper/Ink"),
            N(300.0),
            B,
            B,
        ],
        vec![
            S("B-1"),
            S("Bowl"),
            B,
            N(0.0),
            N(1.0),
            N(6.0),
            N(10.0),
            S("Clay Co"),
            N(5000.0),
            B,
            B,
        ],
        vec![S("P-1"), S("Plate"), B, N(-2.0), B, B, B, B, B, B, B],
        vec![
            S("V-1"),
            S("Vase"),
            B,
            N(10.0),
            N(3.0),
            B,
            B,
            B,
            B,
            B,
            S("2025-04-10"),
        ],
    ]
}

fn moves_rows() -> Vec<Vec<V>> {
    vec![
        vec![S("Date"), S("SKU"), S("In"), S("Out"), S("Adjustment")],
        // Before the Vase's count on 04-10: already in the count.
        vec![S("2025-04-05"), S("V-1"), N(50.0), B, B],
        // After it: 10 − 4 + 2 − 1 = 7.
        vec![S("2025-04-12"), S("V-1"), B, N(4.0), B],
        vec![S("2025-04-20"), S("V-1"), N(2.0), B, B],
        vec![S("2025-04-25"), S("V-1"), B, B, N(-1.0)],
        // After the as-of day: not yet.
        vec![S("2025-05-02"), S("V-1"), N(100.0), B, B],
        vec![S("2025-04-26"), S("Z-9"), N(5.0), B, B],
    ]
}

fn shop(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("shop.xlsx");
    xlsx(
        &p,
        &[
            ("Sales", sales_rows()),
            ("Stock", stock_rows()),
            ("Moves", moves_rows()),
        ],
    );
    p
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    serde_json::from_str(&stdout(out)).expect("json")
}

/// The main fields of every item (`sku | stock | safety_stock | … | reason`), in output order.
fn summary(v: &serde_json::Value) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            let s = |k: &str| match &i[k] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "-".to_string(),
                other => other.to_string(),
            };
            [
                "sku",
                "stock",
                "safety_stock",
                "threshold_source",
                "units_sold",
                "velocity",
                "days_of_cover",
                "reorder_point",
                "suggested_order",
                "dead",
                "status",
                "reason",
            ]
            .iter()
            .map(|k| s(k))
            .collect::<Vec<_>>()
            .join(" | ")
        })
        .collect()
}

#[test]
fn stock_json_has_hand_computed_velocity_cover_reorder_and_thresholds() {
    let dir = tmp();
    let p = shop(dir.path());
    let v = json_of(&dangol(&[
        "stock",
        p.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]));
    assert_eq!(
        summary(&v),
        vec![
            // Zero stock: out; reorder point 0.1 × 10 + 1 = 2; (2 − 0) rounded up past it in 6s.
            "B-1 | 0 | 1 | product | 3 | 0.1 | 0 | 2 | 6 | false | out | out of stock (stock 0), 0.1 sold a day",
            // Negative stock: out; shop default 2; 2 − (−2) = 4, then one more to clear it.
            "P-1 | -2 | 2 | default | 0 | 0 | 0 | 2 | 5 | false | out | out of stock (stock -2), no sales in the last 30 days",
            // 3 ≤ 5: low; 3 / 1.2 = 2.5 days; 1.2 × 7 + 5 = 13.4; 10.4 short → one pack of 12.
            "A-1 | 3 | 5 | product | 36 | 1.2 | 2.5 | 13.4 | 12 | false | low | stock 3 ≤ safety stock 5, 1.2 sold a day, 2.5 days of cover",
            // Exactly at the shop default: low; 0.2 × 7 + 2 = 3.4 → 2 units.
            "S-1 | 2 | 2 | default | 6 | 0.2 | 10 | 3.4 | 2 | false | low | stock 2 ≤ shop default 2, 0.2 sold a day, 10 days of cover",
            // Exactly at the parent's safety stock: low; 0.1 × 7 + 4 = 4.7 → 1 unit.
            "TS-L | 4 | 4 | parent | 3 | 0.1 | 40 | 4.7 | 1 | false | low | stock 4 ≤ safety stock 4 (parent TS), 0.1 sold a day, 40 days of cover",
            // Never sold, stock on hand: dead stock.
            "TS | 10 | 4 | product | 0 | 0 | - | 4 | 0 | true | ok | stock 10 > reorder point 4, no sales in the last 30 days, dead stock: no sale in 90 days",
            // Count 10 on 04-10, then −4 +2 −1 = 7; last sale 2024-12-01: dead.
            "V-1 | 7 | 3 | product | 0 | 0 | - | 3 | 0 | true | ok | stock 7 > reorder point 3, no sales in the last 30 days, dead stock: no sale in 90 days",
        ]
    );
    let vase = &v["items"][6];
    assert_eq!(vase["counted_stock"], "10");
    assert_eq!(vase["moves"], "-3");
    assert_eq!(vase["last_sale"], "2024-12-01");
    assert_eq!(v["items"][2]["last_sale"], "2025-04-21");
    assert_eq!(
        v["unmatched"],
        serde_json::json!([
            {"product": "Gift Card", "source": "sales", "units": "1", "cell": null},
            {"product": "Z-9", "source": "moves", "units": "5", "cell": "Moves!A7"},
        ])
    );
}
