//! The stock table (SPEC §10), described once ([`stock_columns`]), and every form it takes: the
//! `dangol stock` terminal table, its CSV, its JSON items and the Reorder (발주제안) sheet; also
//! the unmatched products ([`UNMATCHED_COLUMNS`]: the sheet's second table and the JSON's
//! `unmatched`) and the per-supplier order files of `dangol stock --orders`.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::columns::{self, Column, Fact, JsonRow, Kind, Out};
use super::table::{GeneratedSheet, SheetContent, SheetTable};
use super::{csv_out, terminal};
use crate::analysis::stock::{Status, StockLine, StockReport, Unmatched};
use crate::model::{Currency, Lang};

/// One product of the report, with the windows its reason names.
pub struct StockRow<'a> {
    pub line: &'a StockLine,
    pub velocity_days: u32,
    pub dead_days: u32,
}

fn threshold_label(l: &StockLine, lang: Lang) -> &'static str {
    match l.threshold_source.key() {
        "product" => lang.pick("상품", "product"),
        "parent" => lang.pick("상위상품", "parent"),
        _ => lang.pick("기본값", "shop default"),
    }
}

/// The stock columns, in CSV order (JSON adds its own fields; its keys are sorted). The
/// Reorder sheet shows the columns with a header, the terminal those an owner reads first.
/// Velocity, days of cover and the reorder point keep more places in JSON than elsewhere, so
/// each has a JSON-only twin.
#[expect(
    clippy::too_many_lines,
    reason = "a list of columns, one entry each: adding a column is adding an entry"
)]
pub fn stock_columns<'a>() -> [Column<StockRow<'a>>; 26] {
    type C<'a> = Column<StockRow<'a>>;
    [
        C::sheet("sku", ("품목코드", "SKU"), Kind::Text, |r, _| {
            r.line.sku.as_deref().into()
        })
        .on_terminal(),
        C::sheet("name", ("상품명", "Name"), Kind::Text, |r, _| {
            r.line.name.as_deref().into()
        })
        .on_terminal(),
        C::sheet("option", ("옵션", "Option"), Kind::Text, |r, _| {
            r.line.option.as_deref().into()
        })
        .on_terminal(),
        C::sheet("supplier", ("매입처", "Supplier"), Kind::Text, |r, _| {
            r.line.supplier.as_deref().into()
        }),
        C::data("cell", Kind::Text, |r, _| {
            Fact::Text(r.line.cell.to_string())
        })
        .json_only(),
        C::data("counted_stock", Kind::Number, |r, _| {
            r.line.counted_stock.normalize().into()
        })
        .json_only(),
        C::data("moves", Kind::Number, |r, _| {
            r.line.moves.normalize().into()
        })
        .json_only(),
        C::sheet("stock", ("재고", "Stock"), Kind::Number, |r, _| {
            r.line.stock.normalize().into()
        })
        .on_terminal(),
        C::sheet(
            "safety_stock",
            ("안전재고", "Safety stock"),
            Kind::Number,
            |r, _| r.line.threshold.normalize().into(),
        )
        .on_terminal(),
        C::data("threshold_source", Kind::Text, |r, out| match out {
            Out::Data => r.line.threshold_source.key().into(),
            Out::Show(lang) => threshold_label(r.line, lang).into(),
        }),
        C::data("units_sold", Kind::Number, |r, _| {
            r.line.units_sold.normalize().into()
        }),
        C::data("velocity", Kind::Number, |r, _| {
            r.line.velocity.round_dp(4).into()
        })
        .json_only(),
        C::sheet(
            "velocity",
            ("일평균판매", "Per day"),
            Kind::Number,
            |r, _| r.line.velocity_shown().into(),
        )
        .on_terminal()
        .not_in_json(),
        C::data("days_of_cover", Kind::Number, |r, _| {
            r.line.days_of_cover.map(|d| d.round_dp(1)).into()
        })
        .json_only(),
        C::sheet(
            "days_of_cover",
            ("재고일수", "Days of cover"),
            Kind::Number,
            |r, _| r.line.cover_shown().into(),
        )
        .on_terminal()
        .not_in_json(),
        C::data("lead_time_days", Kind::Count, |r, _| {
            r.line.lead_time_days.into()
        }),
        C::data("reorder_point", Kind::Number, |r, _| {
            r.line.reorder_point.round_dp(2).into()
        })
        .json_only(),
        C::sheet(
            "reorder_point",
            ("발주점", "Reorder point"),
            Kind::Number,
            |r, _| r.line.reorder_point_shown().into(),
        )
        .not_in_json(),
        C::data("reorder_qty", Kind::Number, |r, _| {
            r.line.reorder_qty.normalize().into()
        })
        .json_only(),
        C::sheet(
            "suggested_order",
            ("발주수량", "Order"),
            Kind::Number,
            |r, _| r.line.suggested_order.normalize().into(),
        )
        .terminal(("발주제안", "Suggested order"), columns::Place::Yes),
        C::sheet(
            "order_cost",
            ("매입금액", "Order cost"),
            Kind::Money,
            |r, _| r.line.cost.map(|c| c * r.line.suggested_order).into(),
        )
        .sheet_only(),
        C::data("last_sale", Kind::Date, |r, _| r.line.last_sale.into()),
        C::data("dead", Kind::Flag, |r, _| r.line.dead.into()),
        C::sheet(
            "status",
            ("상태", "Status"),
            Kind::Text,
            |r, out| match out {
                Out::Data => r.line.status.key().into(),
                Out::Show(lang) => r.line.status.label(lang).into(),
            },
        )
        .on_terminal(),
        C::sheet("reason", ("사유", "Reason"), Kind::Text, |r, out| {
            Fact::Text(r.line.reason(out.lang(), r.velocity_days, r.dead_days))
        })
        .on_terminal(),
        // The order files' unit cost, only there.
        C::data("unit_cost", Kind::Money, |r, _| r.line.cost.into()).sheet_only(),
    ]
}

fn rows<'a>(
    r: &'a StockReport,
    lines: impl IntoIterator<Item = &'a StockLine>,
) -> Vec<StockRow<'a>> {
    lines
        .into_iter()
        .map(|line| StockRow {
            line,
            velocity_days: r.velocity_days,
            dead_days: r.dead_days,
        })
        .collect()
}

/// Not in the Stock sheet: products sold (or moved) that no stock row matches.
pub const UNMATCHED_COLUMNS: &[Column<Unmatched>] = {
    type C = Column<Unmatched>;
    &[
        C::sheet("product", ("상품", "Product"), Kind::Text, |u, _| {
            u.product.as_str().into()
        }),
        C::sheet("source", ("출처", "Found in"), Kind::Text, |u, out| {
            match out {
                Out::Data => u.source,
                Out::Show(lang) if u.source == "sales" => lang.pick("판매", "sales"),
                Out::Show(lang) => lang.pick("입출고", "stock moves"),
            }
            .into()
        }),
        C::sheet("units", ("수량", "Units"), Kind::Number, |u, _| {
            u.units.normalize().into()
        }),
        C::sheet("cell", ("위치", "Cell"), Kind::Text, |u, _| {
            u.cell.as_ref().map(ToString::to_string).into()
        }),
    ]
};

/// `dangol stock --format csv`: every CSV column, English keys and words.
pub fn csv_text(r: &StockReport) -> anyhow::Result<String> {
    let t = columns::csv_table(&stock_columns(), &rows(r, &r.lines));
    Ok(String::from_utf8(csv_out::to_csv(&t)?)?)
}

/// `dangol stock --format json`: English field names (sorted), numbers of units as decimal
/// strings, dates `YYYY-MM-DD`.
pub fn to_json(r: &StockReport) -> anyhow::Result<Value> {
    let cols = stock_columns();
    let items = rows(r, &r.lines)
        .iter()
        .map(|row| serde_json::to_value(JsonRow(&cols, row)))
        .collect::<Result<Vec<_>, _>>()?;
    let unmatched = r
        .unmatched
        .iter()
        .map(|u| serde_json::to_value(JsonRow(UNMATCHED_COLUMNS, u)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({
        "as_of": r.as_of.format("%Y-%m-%d").to_string(),
        "velocity_days": r.velocity_days,
        "items": items,
        "unmatched": unmatched,
    }))
}

/// `dangol stock`: the terminal table, the counts by status and the unmatched products.
pub fn terminal_text(r: &StockReport, lang: Lang, currency: Currency) -> String {
    let title = format!(
        "{} ({})",
        lang.pick("재고", "Stock"),
        r.as_of.format("%Y-%m-%d")
    );
    let t = columns::terminal_table(&stock_columns(), title, &rows(r, &r.lines), lang, false);
    let mut out = terminal::render_titled(&t, currency);
    let count = |s: Status| r.lines.iter().filter(|l| l.status == s).count();
    out.push_str(&match lang {
        Lang::Ko => format!(
            "품절 {}, 재고부족 {}, 발주필요 {}, 악성재고 {}\n",
            count(Status::Out),
            count(Status::Low),
            count(Status::Reorder),
            r.lines.iter().filter(|l| l.dead).count()
        ),
        Lang::En => format!(
            "{} out of stock, {} low, {} to reorder, {} dead stock\n",
            count(Status::Out),
            count(Status::Low),
            count(Status::Reorder),
            r.lines.iter().filter(|l| l.dead).count()
        ),
    });
    out.push_str(&unmatched_text(r, lang));
    out
}

/// The unmatched products, one line each (empty when every product matched).
pub fn unmatched_text(r: &StockReport, lang: Lang) -> String {
    let mut out = String::new();
    for u in &r.unmatched {
        let units = u.units.normalize();
        out.push_str(&match (u.source, lang) {
            ("sales", Lang::Ko) => {
                format!("재고 시트에 없는 상품: {} (판매 {units}개)\n", u.product)
            }
            ("sales", Lang::En) => format!(
                "not in the stock sheet: {} ({units} unit{} sold)\n",
                u.product,
                if units == Decimal::ONE { "" } else { "s" }
            ),
            (_, Lang::Ko) => format!(
                "재고 시트에 없는 입출고: {} ({})\n",
                u.product,
                u.cell.as_ref().map(ToString::to_string).unwrap_or_default()
            ),
            (_, Lang::En) => format!(
                "moves of a product not in the stock sheet: {} ({})\n",
                u.product,
                u.cell.as_ref().map(ToString::to_string).unwrap_or_default()
            ),
        });
    }
    out
}

/// The keys of one supplier's order file, in order: columns of [`stock_columns`] under other
/// names (`quantity` is the suggested order, `amount` its cost).
const ORDER_FILE: [(&str, &str); 7] = [
    ("sku", "sku"),
    ("name", "name"),
    ("option", "option"),
    ("quantity", "suggested_order"),
    ("unit_cost", "unit_cost"),
    ("amount", "order_cost"),
    ("reason", "reason"),
];

/// One supplier's order file (`stock --orders DIR`): the lines to order, reasons in `lang`.
pub fn order_file(r: &StockReport, lines: &[&StockLine], lang: Lang) -> anyhow::Result<Vec<u8>> {
    let cols = stock_columns();
    let picked: Vec<&Column<StockRow<'_>>> = ORDER_FILE
        .iter()
        .filter_map(|(_, key)| cols.iter().find(|c| c.key == *key))
        .collect();
    let headers: Vec<&str> = ORDER_FILE.iter().map(|(h, _)| *h).collect();
    let mut t = SheetTable::new("", &headers);
    for row in rows(r, lines.iter().copied()) {
        t.push(
            picked
                .iter()
                .map(|c| c.cell(&row, Out::Show(lang)))
                .collect(),
        );
    }
    csv_out::to_csv(&t)
}

/// The Reorder (발주제안) sheet (SPEC §10): every product at or under its reorder point, most
/// urgent first, with the suggested order and the reason (`재고 3 ≤ 안전재고 5, 하루 1.2개
/// 판매, 2.5일분`).
pub fn reorder(r: &StockReport, lang: Lang) -> SheetContent {
    let mut lines: Vec<_> = r
        .lines
        .iter()
        .filter(|l| l.suggested_order > Decimal::ZERO)
        .cloned()
        .collect();
    crate::analysis::stock::sort_urgent(&mut lines);
    let title = match lang {
        Lang::Ko => format!("발주 제안 {}건", lines.len()),
        Lang::En => format!("Products to reorder: {}", lines.len()),
    };
    let mut tables = vec![columns::sheet_table(
        &stock_columns(),
        title,
        &rows(r, &lines),
        lang,
    )];
    if !r.unmatched.is_empty() {
        tables.push(columns::sheet_table(
            UNMATCHED_COLUMNS,
            lang.pick("재고 시트에 없는 상품", "Not in the Stock sheet")
                .to_string(),
            &r.unmatched,
            lang,
        ));
    }
    SheetContent {
        sheet: GeneratedSheet::Reorder,
        tables,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_keys_follow_the_one_list() {
        let cols = stock_columns();
        assert_eq!(
            columns::keys(&cols),
            [
                "sku",
                "name",
                "option",
                "supplier",
                "stock",
                "safety_stock",
                "threshold_source",
                "units_sold",
                "velocity",
                "days_of_cover",
                "lead_time_days",
                "reorder_point",
                "suggested_order",
                "last_sale",
                "dead",
                "status",
                "reason",
            ]
        );
        let json: Vec<&str> = cols.iter().filter(|c| c.json).map(|c| c.key).collect();
        assert_eq!(json.len(), 21);
    }
}
