//! Reading a WooCommerce product export (CSV) for `dangol import-products` (SPEC §10).
//!
//! The export's documented columns are read by name (`ID`, `Type`, `SKU`, `Name`, `Stock`,
//! `Low stock amount`, `Regular price`, `Parent`, `Attribute 1 value(s)`; the others are
//! ignored), prices and stock as the text WooCommerce writes. Variations name their parent as
//! `id:123` (or its SKU); it is read as the parent's SKU so the parent's low-stock amount
//! applies to them. A row that cannot be used is kept with its CSV line and what is wrong
//! with it, in the catalogue's words.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;

use crate::i18n::{Msg, Text, said};
use crate::model::values::{header_key, parse_money};

/// One usable product of the export.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub line: u64,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub option: Option<String>,
    pub stock: Option<Decimal>,
    pub safety_stock: Option<Decimal>,
    pub price: Option<Decimal>,
    pub parent: Option<String>,
}

/// The export read: usable products and the lines that could not be used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Export {
    pub products: Vec<Product>,
    /// Each line that could not be used: its line number and what is wrong with it.
    pub unusable: Vec<(u64, Text)>,
}

fn blank_none(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A field of a record, trimmed; `None` when blank or missing.
fn field(rec: &csv::StringRecord, c: Option<usize>) -> Option<String> {
    c.and_then(|c| rec.get(c)).and_then(blank_none)
}

/// `id:123` → that product's SKU (else its name), for the Parent column.
fn labels_by_id(
    records: &[(u64, csv::StringRecord)],
    id: Option<usize>,
    sku: Option<usize>,
    name: Option<usize>,
) -> BTreeMap<String, String> {
    let mut by_id = BTreeMap::new();
    for (_, rec) in records {
        if let Some(i) = field(rec, id)
            && let Some(label) = field(rec, sku).or_else(|| field(rec, name))
        {
            by_id.insert(i, label);
        }
    }
    by_id
}

/// The text of the export file at `path`: it must be readable and UTF-8.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    let file = path.display();
    let bytes = std::fs::read(path).map_err(|e| {
        said(
            Text::new(Msg::ImportCannotRead)
                .arg("path", &file)
                .io_parts("error", e.to_string(), crate::i18n::read_error(&e)),
        )
    })?;
    String::from_utf8(bytes).map_err(|_| said(Text::new(Msg::ImportNotUtf8).arg("path", &file)))
}

/// Read a WooCommerce product export (`path` names it in errors).
pub fn read_export(text: &str, path: &str) -> anyhow::Result<Export> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rd = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| anyhow::Error::new(e).context(path.to_string());
    let headers: Vec<String> = rd
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(header_key)
        .collect();
    let col = |name: &str| headers.iter().position(|h| *h == header_key(name));
    let (id, kind, sku, name, stock, low, price, parent, option) = (
        col("ID"),
        col("Type"),
        col("SKU"),
        col("Name"),
        col("Stock"),
        col("Low stock amount"),
        col("Regular price"),
        col("Parent"),
        col("Attribute 1 value(s)"),
    );
    if (sku.is_none() && name.is_none()) || stock.is_none() {
        let found = rd
            .headers()
            .map_err(csv_error)?
            .iter()
            .collect::<Vec<_>>()
            .join(", ");
        return Err(said(
            Text::new(Msg::ImportNotWoo)
                .arg("path", path)
                .arg("found", found),
        ));
    }
    let mut records = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(csv_error)?;
        let line = rec.position().map_or(0, csv::Position::line);
        records.push((line, rec));
    }
    let by_id = labels_by_id(&records, id, sku, name);
    let mut out = Export::default();
    for (line, rec) in &records {
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut bad = |what: Text| out.unusable.push((*line, what));
        let (s, n) = (field(rec, sku), field(rec, name));
        if s.is_none() && n.is_none() {
            bad(Text::new(Msg::ImportNoSkuName));
            continue;
        }
        let label = s.clone().or_else(|| n.clone()).unwrap_or_default();
        let t = field(rec, kind).unwrap_or_default().to_lowercase();
        if t.contains("grouped") || t.contains("external") {
            // The kind in the catalogue's words: "a grouped" / "an external", 묶음 / 외부 판매.
            let kind = if t.contains("grouped") {
                Msg::ImportKindGrouped
            } else {
                Msg::ImportKindExternal
            };
            bad(Text::new(Msg::ImportHoldsNoStock)
                .arg("label", &label)
                .text("kind", Text::new(kind)));
            continue;
        }
        let number = |c: Option<usize>, what: &str| -> Result<Option<Decimal>, Text> {
            match field(rec, c) {
                None => Ok(None),
                Some(v) => parse_money(&v).map(|(d, _)| Some(d)).map_err(|()| {
                    Text::new(Msg::ImportNotNumber)
                        .arg("label", &label)
                        .arg("what", what)
                        .arg("value", format!("{v:?}"))
                }),
            }
        };
        let (st, lo, pr) = (
            number(stock, "Stock"),
            number(low, "Low stock amount"),
            number(price, "Regular price"),
        );
        let (st, lo, pr) = match (st, lo, pr) {
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                bad(e);
                continue;
            }
        };
        let par = match field(rec, parent) {
            None => None,
            Some(p) => match p.strip_prefix("id:") {
                Some(i) => {
                    if let Some(l) = by_id.get(i.trim()) {
                        Some(l.clone())
                    } else {
                        bad(Text::new(Msg::ImportParentUnknown)
                            .arg("label", &label)
                            .arg("parent", format!("{p:?}")));
                        continue;
                    }
                }
                None => Some(p),
            },
        };
        out.products.push(Product {
            line: *line,
            sku: s,
            name: n,
            option: field(rec, option).filter(|_| par.is_some()),
            stock: st,
            safety_stock: lo,
            price: pr,
            parent: par,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    #[test]
    fn unusable_export_lines_are_said_in_both_languages() {
        let text = "ID,Type,SKU,Name,Stock,Parent\n\
                    1,grouped,G-1,Set,,\n\
                    2,external,E-1,Ext,,\n\
                    3,simple,,,4,\n\
                    4,simple,A-1,Mug,ten,\n\
                    5,variation,A-2,Mug red,1,id:9\n\
                    6,simple,B-1,Cup,3,\n";
        let export = read_export(text, "woo.csv").unwrap();
        assert_eq!(export.products.len(), 1);
        let said = |lang: Lang| -> Vec<String> {
            export
                .unusable
                .iter()
                .map(|(line, t)| format!("{line}: {}", t.render(lang)))
                .collect()
        };
        assert_eq!(
            said(Lang::En),
            [
                "2: G-1: a grouped product holds no stock",
                "3: E-1: an external product holds no stock",
                "4: no SKU and no name",
                "5: A-1: Stock \"ten\" is not a number",
                "6: A-2: Parent \"id:9\" is not a product of this file",
            ]
        );
        assert_eq!(
            said(Lang::Ko),
            [
                "2: G-1: 묶음 상품은 재고를 두지 않습니다",
                "3: E-1: 외부 판매 상품은 재고를 두지 않습니다",
                "4: 품목코드도 상품명도 없습니다",
                "5: A-1: Stock 열에 숫자가 아닌 값 \"ten\"",
                "6: A-2: 이 파일에 없는 상위상품 \"id:9\"",
            ]
        );
        let err = read_export("Foo,Bar\n1,2\n", "woo.csv").unwrap_err();
        let said = err.downcast_ref::<crate::i18n::Said>().unwrap();
        assert_eq!(
            said.0.render(Lang::Ko),
            "woo.csv: WooCommerce 상품 내보내기 파일이 아닙니다: SKU(또는 Name) 열과 Stock 열이 있어야 하는데, 있는 열은 Foo, Bar"
        );
    }

    #[test]
    fn an_external_product_is_said_with_an_and_a_grouped_one_with_a() {
        let text = "ID,Type,SKU,Name,Stock\n1,external,E-1,Ext,\n2,grouped,G-1,Set,\n";
        let export = read_export(text, "woo.csv").unwrap();
        assert!(export.products.is_empty());
        let en: Vec<String> = export
            .unusable
            .iter()
            .map(|u| u.1.render(Lang::En))
            .collect();
        assert_eq!(
            en,
            [
                "E-1: an external product holds no stock",
                "G-1: a grouped product holds no stock"
            ]
        );
        let ko: Vec<String> = export
            .unusable
            .iter()
            .map(|u| u.1.render(Lang::Ko))
            .collect();
        assert_eq!(
            ko,
            [
                "E-1: 외부 판매 상품은 재고를 두지 않습니다",
                "G-1: 묶음 상품은 재고를 두지 않습니다"
            ]
        );
    }
}
