//! Reading the stock list (재고) and stock moves (입출고) sheets of SPEC §10 into typed rows,
//! and the per-product sales accumulator fed while sales rows stream.
//!
//! The sales ledger aggregates per customer; stock needs units per product per day. So every
//! sales row that names a product (or SKU) also feeds a [`ProductSales`]: it keeps one small
//! map of day → net units per product, growing with products and days, never with rows, and
//! two of them (two sales sheets) merge into the same result as one fold over all rows.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Dataset;
use super::cells::{self, DateHint};
use super::headers::Mapping;
use super::source::Cell;
use crate::model::values::{self, DateOrder};
use crate::model::{CellRef, Problem, Severity};
use crate::settings::Role;

/// One row of the Stock sheet: a product or one variation of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockItem {
    /// Column A of the row.
    pub cell: CellRef,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub option: Option<String>,
    /// The count on the sheet; `None` (a blank cell) means stock is not tracked for this row
    /// (WooCommerce's "manage stock" off, or a variable product whose variations hold the
    /// stock): it is not listed, but its safety stock still applies to its variations.
    pub stock: Option<Decimal>,
    pub safety_stock: Option<Decimal>,
    pub reorder_qty: Option<Decimal>,
    pub lead_time_days: Option<u32>,
    pub supplier: Option<String>,
    pub cost: Option<Decimal>,
    pub price: Option<Decimal>,
    /// The parent product's SKU (variations).
    pub parent: Option<String>,
    /// The day the count was taken; moves after it change the stock.
    pub counted: Option<NaiveDate>,
}

/// One stock move: units in (+), out (−) or an adjustment (signed) on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockMove {
    pub cell: CellRef,
    pub date: NaiveDate,
    /// The SKU, else the product name, as written.
    pub product: String,
    /// in − out + adjustment.
    pub delta: Decimal,
}

/// Net units sold of one product, by day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductLedger {
    /// The product text as first written (SKU when the sales carry one, else the name).
    pub label: String,
    /// The product name when the sales carry both a code and a name.
    pub name: Option<String>,
    /// Day → net units (orders positive, returns negative).
    pub days: BTreeMap<NaiveDate, Decimal>,
    /// The last day with a positive order line.
    pub last_sale: Option<NaiveDate>,
}

/// Per-product accumulator of sales lines, keyed by the normalised product text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductSales {
    pub products: BTreeMap<String, ProductLedger>,
}

/// The key products are matched on: NFC, white space removed and full-width folded as for
/// customer names (so `머그 컵` = `머그컵`), and lower-cased — a SKU typed `a-1` in the sales
/// sheet is the stock sheet's `A-1` (customer names keep their case for the duplicate review;
/// product codes do not need it).
pub fn product_key(text: &str) -> Option<String> {
    let k = values::customer_key(None, Some(text))?;
    Some(k.to_lowercase())
}

impl ProductSales {
    /// Add one sales line: `units` is signed (a return is negative); `order` says it was a sale.
    pub fn add(&mut self, label: &str, name: Option<&str>, day: NaiveDate, units: Decimal) {
        let Some(key) = product_key(label) else {
            return;
        };
        let p = self.products.entry(key).or_insert_with(|| ProductLedger {
            label: label.to_string(),
            ..ProductLedger::default()
        });
        if p.name.is_none()
            && let Some(n) = name
        {
            p.name = Some(n.to_string());
        }
        *p.days.entry(day).or_default() += units;
        if units > Decimal::ZERO {
            p.last_sale = p.last_sale.max(Some(day));
        }
    }

    /// Merge another accumulator (another sheet): the same as adding its lines here.
    pub fn merge(&mut self, other: &ProductSales) {
        for (k, o) in &other.products {
            let p = self
                .products
                .entry(k.clone())
                .or_insert_with(|| ProductLedger {
                    label: o.label.clone(),
                    ..ProductLedger::default()
                });
            if p.name.is_none() {
                p.name.clone_from(&o.name);
            }
            for (d, u) in &o.days {
                *p.days.entry(*d).or_default() += u;
            }
            p.last_sale = p.last_sale.max(o.last_sale);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }
}

/// Reads one Stock or Stock Moves sheet, row by row.
pub struct StockRows<'m> {
    sheet: String,
    role: Role,
    map: &'m Mapping,
    hint: DateHint,
    pub rows: u64,
    pub bad_rows: u64,
    /// Problems found (only the first [`MAX_PROBLEMS`] are listed).
    problems: std::cell::Cell<u64>,
}

/// Problems listed per stock sheet before they are only counted.
const MAX_PROBLEMS: u64 = 100;

impl<'m> StockRows<'m> {
    pub fn new(sheet: &str, role: Role, map: &'m Mapping, date_order: DateOrder) -> Self {
        StockRows {
            sheet: sheet.to_string(),
            role,
            map,
            hint: DateHint {
                serials: false,
                order: date_order,
            },
            rows: 0,
            bad_rows: 0,
            problems: std::cell::Cell::new(0),
        }
    }

    /// Add the count of problems not listed.
    pub fn finish(&self, out: &mut Dataset) {
        let n = self.problems.get();
        if n > MAX_PROBLEMS {
            out.problems.push(Problem {
                severity: Severity::Error,
                place: self.sheet.clone(),
                found: String::new(),
                expected: format!("{} more unusable values not listed", n - MAX_PROBLEMS),
            });
        }
    }

    fn cell(&self, row: u32, col: u32) -> CellRef {
        CellRef::new(self.sheet.clone(), row, col)
    }

    fn problem(&self, out: &mut Dataset, row: u32, col: u32, found: String, expected: &str) {
        self.problems.set(self.problems.get() + 1);
        if self.problems.get() > MAX_PROBLEMS {
            return;
        }
        out.problems.push(Problem {
            severity: Severity::Error,
            place: self.cell(row, col).to_string(),
            found,
            expected: expected.to_string(),
        });
    }

    fn text(&self, cells: &[Cell<'_>], field: &str) -> Option<String> {
        cells
            .get(self.map.col(field)? as usize)
            .and_then(cells::text)
    }

    /// A number of units in `field`; blank is `Ok(None)`; anything else not a number is
    /// reported and `Err`.
    fn units(
        &self,
        cells: &[Cell<'_>],
        field: &str,
        row: u32,
        out: &mut Dataset,
    ) -> Result<Option<Decimal>, ()> {
        let Some(col) = self.map.col(field) else {
            return Ok(None);
        };
        match cells.get(col as usize).filter(|c| !c.is_blank()) {
            None => Ok(None),
            Some(c) => {
                if let Ok(d) = cells::quantity(c) {
                    Ok(Some(d))
                } else {
                    self.problem(out, row, col, c.display(), "a number of units");
                    Err(())
                }
            }
        }
    }

    fn money(
        &self,
        cells: &[Cell<'_>],
        field: &str,
        row: u32,
        out: &mut Dataset,
    ) -> Option<Decimal> {
        let col = self.map.col(field)?;
        let c = cells.get(col as usize).filter(|c| !c.is_blank())?;
        match cells::money(c) {
            Ok((d, _)) => Some(d),
            Err(e) => {
                self.problem(out, row, col, c.display(), e);
                None
            }
        }
    }

    fn date(
        &self,
        cells: &[Cell<'_>],
        field: &str,
        row: u32,
        out: &mut Dataset,
    ) -> Result<Option<NaiveDate>, ()> {
        let Some(col) = self.map.col(field) else {
            return Ok(None);
        };
        match cells.get(col as usize).filter(|c| !c.is_blank()) {
            None => Ok(None),
            Some(c) => match cells::date(c, self.hint) {
                Ok(d) => Ok(Some(d.date())),
                Err(e) => {
                    self.problem(out, row, col, c.display(), e);
                    Err(())
                }
            },
        }
    }

    /// Feed one data row (below the header).
    pub fn push(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) {
        if cells.iter().all(Cell::is_blank) {
            return;
        }
        self.rows += 1;
        let ok = match self.role {
            Role::Stock => self.item(row, cells, out),
            _ => self.moved(row, cells, out),
        };
        if !ok {
            self.bad_rows += 1;
        }
    }

    fn item(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) -> bool {
        let sku = self.text(cells, "sku");
        let name = self.text(cells, "name");
        if sku.is_none() && name.is_none() {
            let col = self.map.col("sku").or(self.map.col("name")).unwrap_or(0);
            self.problem(
                out,
                row,
                col,
                String::new(),
                "a SKU or a product name (both are blank)",
            );
            return false;
        }
        let Ok(stock) = self.units(cells, "stock", row, out) else {
            return false;
        };
        let safety_stock = self.units(cells, "safety_stock", row, out).ok().flatten();
        let reorder_qty = self
            .units(cells, "reorder_qty", row, out)
            .ok()
            .flatten()
            .filter(|q| *q > Decimal::ZERO);
        let lead_time_days = self
            .units(cells, "lead_time_days", row, out)
            .ok()
            .flatten()
            .and_then(|d| rust_decimal::prelude::ToPrimitive::to_u32(&d.max(Decimal::ZERO).ceil()));
        let counted = self.date(cells, "counted", row, out).ok().flatten();
        let cost = self.money(cells, "cost", row, out);
        let price = self.money(cells, "price", row, out);
        out.stock.push(StockItem {
            cell: self.cell(row, 0),
            sku,
            name,
            option: self.text(cells, "option"),
            stock,
            safety_stock,
            reorder_qty,
            lead_time_days,
            supplier: self.text(cells, "supplier"),
            cost,
            price,
            parent: self.text(cells, "parent"),
            counted,
        });
        true
    }

    fn moved(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) -> bool {
        let Some(product) = self.text(cells, "sku").or_else(|| self.text(cells, "name")) else {
            let col = self.map.col("sku").or(self.map.col("name")).unwrap_or(0);
            self.problem(
                out,
                row,
                col,
                String::new(),
                "a SKU or a product name (both are blank)",
            );
            return false;
        };
        let date_col = self.map.col("date").unwrap_or(0);
        let date = match self.date(cells, "date", row, out) {
            Ok(Some(d)) => d,
            Ok(None) => {
                self.problem(
                    out,
                    row,
                    date_col,
                    String::new(),
                    "a date (the cell is blank)",
                );
                return false;
            }
            Err(()) => return false,
        };
        let (Ok(inn), Ok(outq), Ok(adj)) = (
            self.units(cells, "in", row, out),
            self.units(cells, "out", row, out),
            self.units(cells, "adjustment", row, out),
        ) else {
            return false;
        };
        let delta =
            inn.unwrap_or_default() - outq.unwrap_or_default().abs() + adj.unwrap_or_default();
        out.stock_moves.push(StockMove {
            cell: self.cell(row, 0),
            date,
            product,
            delta,
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 4, d).expect("day")
    }

    #[test]
    fn merge_of_parts_is_the_fold_of_the_whole() {
        let lines = [
            ("A-1", day(1), Decimal::from(2)),
            ("a-1", day(1), Decimal::from(1)),
            ("B 2", day(3), Decimal::from(-1)),
            ("A-1", day(5), Decimal::from(4)),
            ("B2", day(6), Decimal::from(3)),
        ];
        let mut whole = ProductSales::default();
        for (p, d, u) in lines {
            whole.add(p, None, d, u);
        }
        for split in 0..=lines.len() {
            let (mut a, mut b) = (ProductSales::default(), ProductSales::default());
            for (p, d, u) in &lines[..split] {
                a.add(p, None, *d, *u);
            }
            for (p, d, u) in &lines[split..] {
                b.add(p, None, *d, *u);
            }
            a.merge(&b);
            let days = |s: &ProductSales| -> Vec<_> {
                s.products
                    .iter()
                    .map(|(k, p)| (k.clone(), p.days.clone(), p.last_sale))
                    .collect()
            };
            assert_eq!(days(&a), days(&whole), "split at {split}");
        }
        assert_eq!(whole.products["a-1"].days[&day(1)], Decimal::from(3));
        assert_eq!(whole.products["b2"].last_sale, Some(day(6)));
    }
}
