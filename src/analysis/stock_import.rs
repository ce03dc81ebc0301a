//! The plan of `dangol import-products`: a WooCommerce export compared with the workbook's
//! Stock (재고) sheet, as the cell edits that bring the sheet to the export (SPEC §10).
//!
//! A product is the Stock row with the same SKU (else the same name and option); only cells
//! whose value differs are edited, new products are appended below the table and missing
//! columns are added after the last header, so importing the same file again changes
//! nothing. Pure: the sheet's extent is read before (`ingest::extent`), the edits are written
//! after (`writeback::edit_cells_with` inside the write job).

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;

use crate::i18n::{Msg, Text};
use crate::ingest::extent::Extent;
use crate::ingest::stock::{StockItem, product_key};
use crate::ingest::woocommerce::{Export, Product};
use crate::ingest::{Dataset, SheetInfo};
use crate::model::Lang;
use crate::settings::Role;
use crate::writeback::{CellEdit, EditValue};

/// The fields written, in the order new columns are added.
const FIELDS: [&str; 7] = [
    "sku",
    "name",
    "option",
    "stock",
    "safety_stock",
    "price",
    "parent",
];

fn header_text(field: &str, lang: Lang) -> &'static str {
    match field {
        "sku" => lang.pick("품목코드", "SKU"),
        "name" => lang.pick("상품명", "Name"),
        "option" => lang.pick("옵션", "Option"),
        "stock" => lang.pick("재고", "Stock"),
        "safety_stock" => lang.pick("안전재고", "Safety stock"),
        "price" => lang.pick("판매가", "Price"),
        _ => lang.pick("상위상품", "Parent"),
    }
}

fn text_value(v: Option<&String>) -> EditValue {
    v.map_or(EditValue::Blank, |s| EditValue::Text(s.clone()))
}

fn num_value(v: Option<Decimal>) -> EditValue {
    v.map_or(EditValue::Blank, |d| EditValue::Number(d.normalize()))
}

/// The values of a product, by field.
fn values_of(p: &Product) -> [(&'static str, EditValue); 7] {
    [
        ("sku", text_value(p.sku.as_ref())),
        ("name", text_value(p.name.as_ref())),
        ("option", text_value(p.option.as_ref())),
        ("stock", num_value(p.stock)),
        ("safety_stock", num_value(p.safety_stock)),
        ("price", num_value(p.price)),
        ("parent", text_value(p.parent.as_ref())),
    ]
}

/// The values of an existing Stock row, by field.
fn values_of_item(it: &StockItem) -> [(&'static str, EditValue); 7] {
    values_of(&Product {
        line: 0,
        sku: it.sku.clone(),
        name: it.name.clone(),
        option: it.option.clone(),
        stock: it.stock,
        safety_stock: it.safety_stock,
        price: it.price,
        parent: it.parent.clone(),
    })
}

fn same(a: &EditValue, b: &EditValue) -> bool {
    match (a, b) {
        (EditValue::Number(x), EditValue::Number(y)) => x == y,
        _ => a == b,
    }
}

/// What an import changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub sheet: String,
    pub edits: Vec<CellEdit>,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// The workbook's first Stock sheet; `path` names the workbook when it has none.
pub fn stock_sheet<'a>(data: &'a Dataset, path: &Path) -> Result<&'a SheetInfo, Text> {
    data.sheets
        .iter()
        .find(|s| s.role == Some(Role::Stock))
        .ok_or_else(|| Text::new(Msg::ImportNoStockSheet).arg("path", path.display()))
}

/// Plan the cell edits of importing `export` into the Stock sheet `info` of `data`, which
/// reaches as far as `extent`; new column headers are written in `lang`.
pub fn plan(data: &Dataset, info: &SheetInfo, extent: Extent, export: &Export, lang: Lang) -> Plan {
    let Extent { last_col, last_row } = extent;
    let mut p = Plan {
        sheet: info.name.clone(),
        ..Plan::default()
    };
    let mut cols: BTreeMap<&str, u32> = BTreeMap::new();
    let mut next_col = last_col + 1;
    for f in FIELDS {
        if let Some(c) = info.columns.iter().find(|c| c.0 == f) {
            cols.insert(f, c.1);
        }
    }
    let items: Vec<&StockItem> = data
        .stock
        .iter()
        .filter(|i| i.cell.sheet == info.name)
        .collect();
    let key_of = |sku: Option<&String>, name: Option<&String>, option: Option<&String>| {
        sku.and_then(|s| product_key(s))
            .map(|k| format!("sku:{k}"))
            .or_else(|| {
                let n = format!(
                    "{}{}",
                    name.map_or("", String::as_str),
                    option.map_or("", String::as_str)
                );
                product_key(&n).map(|k| format!("name:{k}"))
            })
    };
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    for (i, it) in items.iter().enumerate() {
        if let Some(k) = key_of(it.sku.as_ref(), it.name.as_ref(), it.option.as_ref()) {
            rows.entry(k).or_insert(i);
        }
    }
    let mut append = last_row + 1;
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for prod in &export.products {
        let Some(k) = key_of(prod.sku.as_ref(), prod.name.as_ref(), prod.option.as_ref()) else {
            continue;
        };
        if seen.insert(k.clone(), prod.line).is_some() {
            // The same product twice in one file: the first wins.
            continue;
        }
        let new = values_of(prod);
        let (row, old) = if let Some(i) = rows.get(&k) {
            (items[*i].cell.row, Some(values_of_item(items[*i])))
        } else {
            append += 1;
            (append - 1, None)
        };
        let mut changed = false;
        for (i, (field, value)) in new.iter().enumerate() {
            let before = old.as_ref().map_or(&EditValue::Blank, |o| &o[i].1);
            if same(before, value) {
                continue;
            }
            let col = if let Some(c) = cols.get(field) {
                *c
            } else {
                let c = next_col;
                next_col += 1;
                cols.insert(field, c);
                p.edits.push(CellEdit {
                    row: info.header_row,
                    col: c,
                    value: EditValue::Text(header_text(field, lang).to_string()),
                });
                c
            };
            p.edits.push(CellEdit {
                row,
                col,
                value: value.clone(),
            });
            changed = true;
        }
        match (old.is_some(), changed) {
            (false, _) => p.added += 1,
            (true, true) => p.updated += 1,
            (true, false) => p.unchanged += 1,
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CellRef;

    fn product(
        line: u64,
        sku: &str,
        name: &str,
        stock: Decimal,
        price: Option<Decimal>,
    ) -> Product {
        Product {
            line,
            sku: Some(sku.into()),
            name: Some(name.into()),
            option: None,
            stock: Some(stock),
            safety_stock: None,
            price,
            parent: None,
        }
    }

    #[test]
    fn changed_cells_are_edited_new_products_appended_and_missing_columns_added() {
        let info = SheetInfo {
            name: "재고".into(),
            role: Some(Role::Stock),
            header_row: 0,
            columns: vec![
                ("sku", 0, "품목코드".into()),
                ("name", 1, "상품명".into()),
                ("stock", 2, "재고".into()),
            ],
            rows: 2,
            bad_rows: 0,
        };
        let item = |row: u32, sku: &str, name: &str, stock: Decimal| StockItem {
            cell: CellRef {
                sheet: "재고".into(),
                row,
                col: 0,
            },
            sku: Some(sku.into()),
            name: Some(name.into()),
            option: None,
            stock: Some(stock),
            safety_stock: None,
            reorder_qty: None,
            lead_time_days: None,
            supplier: None,
            cost: None,
            price: None,
            parent: None,
            counted: None,
        };
        let mut data = Dataset::default();
        data.sheets.push(info.clone());
        data.stock = vec![
            item(1, "A-1", "Mug", Decimal::from(4)),
            item(2, "B-1", "Cup", Decimal::from(3)),
        ];
        let export = Export {
            products: vec![
                product(2, "A-1", "Mug", Decimal::new(40, 1), None),
                product(3, "B-1", "Cup", Decimal::from(5), None),
                product(
                    4,
                    "C-1",
                    "Bowl",
                    Decimal::from(1),
                    Some(Decimal::from(12000)),
                ),
                product(5, "C-1", "Bowl again", Decimal::from(9), None),
            ],
            unusable: vec![],
        };
        let extent = Extent {
            last_col: 2,
            last_row: 2,
        };
        let p = plan(&data, &info, extent, &export, Lang::Ko);
        let edit = |row, col, value| CellEdit { row, col, value };
        let text = |s: &str| EditValue::Text(s.into());
        assert_eq!(
            p,
            Plan {
                sheet: "재고".into(),
                edits: vec![
                    edit(2, 2, EditValue::Number(Decimal::from(5))),
                    edit(3, 0, text("C-1")),
                    edit(3, 1, text("Bowl")),
                    edit(3, 2, EditValue::Number(Decimal::from(1))),
                    edit(0, 3, text("판매가")),
                    edit(3, 3, EditValue::Number(Decimal::from(12000))),
                ],
                added: 1,
                updated: 1,
                unchanged: 1,
            }
        );
        assert_eq!(
            plan(&data, &info, extent, &export, Lang::En).edits[4],
            edit(0, 3, text("Price"))
        );
    }

    #[test]
    fn a_workbook_without_a_stock_sheet_is_named() {
        let err = stock_sheet(&Dataset::default(), Path::new("shop.xlsx")).unwrap_err();
        assert_eq!(err.msg(), Msg::ImportNoStockSheet);
        assert_eq!(
            err.render(Lang::En),
            "shop.xlsx: no Stock sheet to import into; add a sheet with the headers SKU | Name | Stock | Low stock amount | Price | Parent"
        );
    }
}
