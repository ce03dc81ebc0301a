//! Stock (SPEC §10): current stock, sales velocity, days of cover, reorder point, suggested
//! order, low / out-of-stock and dead stock, per row of the Stock sheet.
//!
//! Pure: the Stock sheet's rows, the moves, the per-product sales accumulator and the settings
//! in, facts out; the as-of date is a parameter. Sales lines are joined to stock rows on the
//! SKU, else on the product name (normalised like customer names, with the option for
//! variations); sales products that match no stock row are reported, never dropped silently.
//!
//! - a row with a blank stock cell is not tracked (a variable product whose variations hold
//!   the stock): it is not listed, its safety stock still applies to its variations;
//! - current stock = the sheet's count + moves dated after the count day (all moves when the
//!   sheet has no count date) and on or before the as-of day;
//! - velocity = net units sold in the `stock.velocity_days` days ending on the as-of day,
//!   divided by that many days (returns count negative);
//! - low-stock threshold: the row's safety stock, else its parent product's, else
//!   `stock.low_threshold` (the order `WooCommerce` uses); low is `stock ≤ threshold`, out is
//!   `stock ≤ 0`;
//! - reorder point = velocity × lead time + threshold; at or under it, the suggested order is
//!   the smallest multiple of `reorder_qty` (1 when unset) that lifts stock above it;
//! - dead stock: stock on hand and no sale in the last `stock.dead_days` days.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::ingest::stock::{ProductLedger, ProductSales, StockItem, StockMove, product_key};
use crate::model::{CellRef, Lang};
use crate::settings::StockSettings;

/// Where a row's low-stock threshold came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThresholdSource {
    /// The row's own safety stock.
    Product,
    /// The parent product's (by its SKU).
    Parent(String),
    /// `stock.low_threshold`.
    Default,
}

impl ThresholdSource {
    /// `product`, `parent`, `default` (JSON/CSV).
    pub fn key(&self) -> &'static str {
        match self {
            ThresholdSource::Product => "product",
            ThresholdSource::Parent(_) => "parent",
            ThresholdSource::Default => "default",
        }
    }
}

/// A stock row's state, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// `stock ≤ 0`.
    Out,
    /// `stock ≤ threshold`.
    Low,
    /// At or under the reorder point.
    Reorder,
    Ok,
}

impl Status {
    /// `out`, `low`, `reorder`, `ok` (JSON/CSV).
    pub fn key(self) -> &'static str {
        match self {
            Status::Out => "out",
            Status::Low => "low",
            Status::Reorder => "reorder",
            Status::Ok => "ok",
        }
    }

    /// The status in the output language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::Out => lang.pick("품절", "out of stock"),
            Status::Low => lang.pick("재고부족", "low"),
            Status::Reorder => lang.pick("발주필요", "reorder"),
            Status::Ok => lang.pick("정상", "ok"),
        }
    }
}

/// Everything computed for one stock row.
#[derive(Debug, Clone, PartialEq)]
pub struct StockLine {
    pub cell: CellRef,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub option: Option<String>,
    pub supplier: Option<String>,
    pub cost: Option<Decimal>,
    /// The count on the Stock sheet.
    pub counted_stock: Decimal,
    /// Net moves applied after the count.
    pub moves: Decimal,
    /// counted + moves.
    pub stock: Decimal,
    pub threshold: Decimal,
    pub threshold_source: ThresholdSource,
    pub lead_time_days: u32,
    /// Net units sold in the velocity window.
    pub units_sold: Decimal,
    /// Units per day (exact; may be negative when returns outweigh sales).
    pub velocity: Decimal,
    /// Days the stock lasts at this velocity; `None` when nothing sells.
    pub days_of_cover: Option<Decimal>,
    pub reorder_point: Decimal,
    /// The pack size orders are rounded up to (1 when the sheet sets none).
    pub reorder_qty: Decimal,
    pub suggested_order: Decimal,
    /// The last day on or before the as-of day with a sale.
    pub last_sale: Option<NaiveDate>,
    pub dead: bool,
    pub status: Status,
}

/// A sales product (or a move) that matches no row of the Stock sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// The product text as written in the sales (or the moves sheet).
    pub product: String,
    /// `sales` or `moves`.
    pub source: &'static str,
    /// Net units sold (or moved) up to the as-of day.
    pub units: Decimal,
    /// The first move's cell, for moves.
    pub cell: Option<CellRef>,
}

/// The stock analysis as of one day.
#[derive(Debug, Clone, PartialEq)]
pub struct StockReport {
    pub as_of: NaiveDate,
    pub velocity_days: u32,
    pub dead_days: u32,
    pub lines: Vec<StockLine>,
    pub unmatched: Vec<Unmatched>,
}

/// Index of stock rows by SKU, name + option and (unambiguous) name.
#[allow(clippy::struct_field_names)]
struct Index {
    by_sku: BTreeMap<String, usize>,
    by_name_option: BTreeMap<String, usize>,
    /// Name → rows with that name.
    by_name: BTreeMap<String, Vec<usize>>,
}

impl Index {
    fn of(items: &[StockItem]) -> Index {
        let mut ix = Index {
            by_sku: BTreeMap::new(),
            by_name_option: BTreeMap::new(),
            by_name: BTreeMap::new(),
        };
        for (i, it) in items.iter().enumerate() {
            if let Some(k) = it.sku.as_deref().and_then(product_key) {
                ix.by_sku.entry(k).or_insert(i);
            }
            if let Some(n) = it.name.as_deref() {
                if let Some(o) = it.option.as_deref()
                    && let Some(k) = product_key(&format!("{n}{o}"))
                {
                    ix.by_name_option.entry(k).or_insert(i);
                }
                if let Some(k) = product_key(n) {
                    ix.by_name.entry(k).or_default().push(i);
                }
            }
        }
        ix
    }

    /// The stock row a product text names: its SKU, else name + option, else a name only one
    /// row (or one row without an option) carries.
    fn find(&self, items: &[StockItem], text: &str) -> Option<usize> {
        let k = product_key(text)?;
        if let Some(i) = self.by_sku.get(&k).or_else(|| self.by_name_option.get(&k)) {
            return Some(*i);
        }
        let rows = self.by_name.get(&k)?;
        if rows.len() == 1 {
            return rows.first().copied();
        }
        let plain: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|i| items[*i].option.is_none())
            .collect();
        (plain.len() == 1).then(|| plain[0])
    }
}

/// The stock row a sales product belongs to: by its text (SKU or name), else by the name the
/// sales carry beside a code.
fn match_product(ix: &Index, items: &[StockItem], p: &ProductLedger) -> Option<usize> {
    ix.find(items, &p.label)
        .or_else(|| p.name.as_deref().and_then(|n| ix.find(items, n)))
}

fn round(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// Build the stock report as of `as_of`.
pub fn stock_report(
    items: &[StockItem],
    moves: &[StockMove],
    sales: &ProductSales,
    settings: &StockSettings,
    as_of: NaiveDate,
) -> StockReport {
    let ix = Index::of(items);
    let window_start = as_of
        .checked_sub_days(Days::new(u64::from(settings.velocity_days)))
        .unwrap_or(NaiveDate::MIN);
    let dead_before = as_of
        .checked_sub_days(Days::new(u64::from(settings.dead_days)))
        .unwrap_or(NaiveDate::MIN);
    let mut sold = vec![Decimal::ZERO; items.len()];
    let mut last = vec![None::<NaiveDate>; items.len()];
    let mut unmatched = Vec::new();
    for p in sales.products.values() {
        let upto = p.days.range(..=as_of);
        if let Some(i) = match_product(&ix, items, p) {
            for (d, u) in upto {
                if *d > window_start {
                    sold[i] += u;
                }
                if *u > Decimal::ZERO {
                    last[i] = last[i].max(Some(*d));
                }
            }
        } else {
            unmatched.push(Unmatched {
                product: p.label.clone(),
                source: "sales",
                units: upto.map(|(_, u)| *u).sum(),
                cell: None,
            });
        }
    }
    let mut moved = vec![Decimal::ZERO; items.len()];
    let mut unknown_moves: BTreeMap<String, Unmatched> = BTreeMap::new();
    for m in moves.iter().filter(|m| m.date <= as_of) {
        if let Some(i) = ix.find(items, &m.product) {
            if items[i].counted.is_none_or(|c| m.date > c) {
                moved[i] += m.delta;
            }
        } else {
            let e = unknown_moves
                .entry(product_key(&m.product).unwrap_or_default())
                .or_insert_with(|| Unmatched {
                    product: m.product.clone(),
                    source: "moves",
                    units: Decimal::ZERO,
                    cell: Some(m.cell.clone()),
                });
            e.units += m.delta;
        }
    }
    unmatched.extend(unknown_moves.into_values());
    let days = Decimal::from(settings.velocity_days.max(1));
    let lines = items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| Some((i, it, it.stock?)))
        .map(|(i, it, counted)| {
            let (threshold, threshold_source) = threshold_of(items, &ix, it, settings);
            let stock = counted + moved[i];
            let velocity = sold[i] / days;
            let selling = velocity.max(Decimal::ZERO);
            let days_of_cover = if stock <= Decimal::ZERO {
                Some(Decimal::ZERO)
            } else if selling > Decimal::ZERO {
                Some(stock / selling)
            } else {
                None
            };
            let lead_time_days = it.lead_time_days.unwrap_or(settings.lead_time_days);
            let reorder_point = selling * Decimal::from(lead_time_days) + threshold;
            let reorder_qty = it.reorder_qty.unwrap_or(Decimal::ONE);
            let suggested_order = if stock <= reorder_point {
                ((reorder_point - stock) / reorder_qty).floor() * reorder_qty + reorder_qty
            } else {
                Decimal::ZERO
            };
            let status = if stock <= Decimal::ZERO {
                Status::Out
            } else if stock <= threshold {
                Status::Low
            } else if stock <= reorder_point {
                Status::Reorder
            } else {
                Status::Ok
            };
            StockLine {
                cell: it.cell.clone(),
                sku: it.sku.clone(),
                name: it.name.clone(),
                option: it.option.clone(),
                supplier: it.supplier.clone(),
                cost: it.cost,
                counted_stock: counted,
                moves: moved[i],
                stock,
                threshold,
                threshold_source,
                lead_time_days,
                units_sold: sold[i],
                velocity,
                days_of_cover,
                reorder_point,
                reorder_qty,
                suggested_order,
                last_sale: last[i],
                dead: stock > Decimal::ZERO && last[i].is_none_or(|d| d <= dead_before),
                status,
            }
        })
        .collect();
    StockReport {
        as_of,
        velocity_days: settings.velocity_days,
        dead_days: settings.dead_days,
        lines,
        unmatched,
    }
}

/// Most urgent first: out, low, reorder, ok; then fewest days of cover; then sheet order.
pub fn sort_urgent(lines: &mut [StockLine]) {
    lines.sort_by(|a, b| {
        a.status
            .cmp(&b.status)
            .then_with(|| match (a.days_of_cover, b.days_of_cover) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then(a.cell.row.cmp(&b.cell.row))
    });
}

/// The threshold of a row: its safety stock, else its parent's, else the shop's default.
fn threshold_of(
    items: &[StockItem],
    ix: &Index,
    it: &StockItem,
    settings: &StockSettings,
) -> (Decimal, ThresholdSource) {
    if let Some(s) = it.safety_stock {
        return (s, ThresholdSource::Product);
    }
    if let Some(parent) = it.parent.as_deref()
        && let Some(p) = product_key(parent).and_then(|k| ix.by_sku.get(&k))
        && let Some(s) = items[*p].safety_stock
    {
        return (s, ThresholdSource::Parent(parent.to_string()));
    }
    (settings.low_threshold, ThresholdSource::Default)
}

/// A count as the reason shows it: `3`, `1.2`, `2.5`.
pub fn num(d: Decimal, dp: u32) -> String {
    round(d, dp).to_string()
}

impl StockLine {
    /// The product as one label: `SKU name (option)`.
    pub fn label(&self) -> String {
        let mut s = self
            .name
            .clone()
            .or_else(|| self.sku.clone())
            .unwrap_or_default();
        if let Some(o) = &self.option {
            s.push_str(&format!(" ({o})"));
        }
        s
    }

    /// Velocity as shown (two decimals at most).
    pub fn velocity_shown(&self) -> Decimal {
        round(self.velocity, 2)
    }

    /// Days of cover as shown (one decimal).
    pub fn cover_shown(&self) -> Option<Decimal> {
        self.days_of_cover.map(|d| round(d, 1))
    }

    /// Reorder point as shown (one decimal).
    pub fn reorder_point_shown(&self) -> Decimal {
        round(self.reorder_point, 1)
    }

    /// Why the row needs attention, in `lang`:
    /// `재고 3 ≤ 안전재고 5, 하루 1.2개 판매, 2.5일분`.
    pub fn reason(&self, lang: Lang, velocity_days: u32, dead_days: u32) -> String {
        let stock = num(self.stock, 2);
        let th = num(self.threshold, 2);
        let rule = match (&self.threshold_source, lang) {
            (ThresholdSource::Product, Lang::Ko) => format!("안전재고 {th}"),
            (ThresholdSource::Product, Lang::En) => format!("safety stock {th}"),
            (ThresholdSource::Parent(p), Lang::Ko) => format!("안전재고 {th} (상위상품 {p})"),
            (ThresholdSource::Parent(p), Lang::En) => format!("safety stock {th} (parent {p})"),
            (ThresholdSource::Default, Lang::Ko) => format!("기본 기준 {th}"),
            (ThresholdSource::Default, Lang::En) => format!("shop default {th}"),
        };
        let mut parts = vec![match (self.status, lang) {
            (Status::Out, Lang::Ko) => format!("품절 (재고 {stock})"),
            (Status::Out, Lang::En) => format!("out of stock (stock {stock})"),
            (Status::Low, Lang::Ko) => format!("재고 {stock} ≤ {rule}"),
            (Status::Low, Lang::En) => format!("stock {stock} ≤ {rule}"),
            (Status::Reorder, Lang::Ko) => {
                format!("재고 {stock} ≤ 발주점 {}", num(self.reorder_point, 1))
            }
            (Status::Reorder, Lang::En) => format!(
                "stock {stock} ≤ reorder point {}",
                num(self.reorder_point, 1)
            ),
            (Status::Ok, Lang::Ko) => {
                format!("재고 {stock} > 발주점 {}", num(self.reorder_point, 1))
            }
            (Status::Ok, Lang::En) => {
                format!(
                    "stock {stock} > reorder point {}",
                    num(self.reorder_point, 1)
                )
            }
        }];
        if self.velocity > Decimal::ZERO {
            let v = num(self.velocity, 2);
            parts.push(
                lang.pick(&format!("하루 {v}개 판매"), &format!("{v} sold a day"))
                    .to_string(),
            );
        } else {
            parts.push(
                lang.pick(
                    &format!("최근 {velocity_days}일 판매 없음"),
                    &format!("no sales in the last {velocity_days} days"),
                )
                .to_string(),
            );
        }
        if let Some(c) = self.days_of_cover.filter(|_| self.stock > Decimal::ZERO) {
            let c = num(c, 1);
            parts.push(
                lang.pick(&format!("{c}일분"), &format!("{c} days of cover"))
                    .to_string(),
            );
        }
        if self.dead {
            parts.push(
                lang.pick(
                    &format!("{dead_days}일간 판매 없음 (악성재고)"),
                    &format!("dead stock: no sale in {dead_days} days"),
                )
                .to_string(),
            );
        }
        parts.join(", ")
    }
}

impl StockLine {
    /// Low or out of stock.
    pub fn is_low(&self) -> bool {
        matches!(self.status, Status::Out | Status::Low)
    }

    /// The row's identity across two reports: its SKU, else its name and option.
    fn identity(&self) -> Option<String> {
        self.sku
            .as_deref()
            .and_then(product_key)
            .or_else(|| product_key(&self.label()))
    }
}

/// The products that crossed the low-stock line between two reports (the low-stock
/// notification of SPEC §9/§10 fires for these only, not every night an item stays low): low or
/// out in `now`, and neither in `before` (or not in it at all).
pub fn newly_low<'a>(before: &StockReport, now: &'a StockReport) -> Vec<&'a StockLine> {
    let was_low: std::collections::BTreeSet<String> = before
        .lines
        .iter()
        .filter(|l| l.is_low())
        .filter_map(StockLine::identity)
        .collect();
    now.lines
        .iter()
        .filter(|l| l.is_low())
        .filter(|l| l.identity().is_none_or(|k| !was_low.contains(&k)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(sku: &str, stock: i64, safety: i64) -> StockItem {
        StockItem {
            cell: CellRef::new("Stock", 1, 0),
            sku: Some(sku.into()),
            name: None,
            option: None,
            stock: Some(Decimal::from(stock)),
            safety_stock: Some(Decimal::from(safety)),
            reorder_qty: None,
            lead_time_days: Some(0),
            supplier: None,
            cost: None,
            price: None,
            parent: None,
            counted: None,
        }
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, d).expect("day")
    }

    fn settings() -> StockSettings {
        crate::settings::Settings::defaults().stock
    }

    #[test]
    fn only_a_crossing_is_newly_low() {
        let items = [item("A", 3, 5), item("B", 9, 5), item("C", 6, 5)];
        // C goes out 1 on 04-11 (6 → 5: at the line), B stays above, A stays low.
        let moves = [StockMove {
            cell: CellRef::new("Moves", 1, 0),
            date: day(4, 11),
            product: "C".into(),
            delta: Decimal::from(-1),
        }];
        let sales = ProductSales::default();
        let before = stock_report(&items, &moves, &sales, &settings(), day(4, 10));
        let now = stock_report(&items, &moves, &sales, &settings(), day(4, 11));
        let crossed: Vec<_> = newly_low(&before, &now)
            .iter()
            .map(|l| l.sku.clone().unwrap_or_default())
            .collect();
        assert_eq!(crossed, ["C"]);
        // The next night nothing crosses: C stays low.
        let later = stock_report(&items, &moves, &sales, &settings(), day(4, 12));
        assert!(newly_low(&now, &later).is_empty());
    }

    #[test]
    fn suggested_order_rounds_up_past_the_reorder_point() {
        let mut it = item("A", 3, 5);
        it.reorder_qty = Some(Decimal::from(4));
        // Reorder point 5 (nothing sells): 3 + 4 = 7 > 5 → one pack.
        let r = stock_report(
            &[it.clone()],
            &[],
            &ProductSales::default(),
            &settings(),
            day(4, 1),
        );
        assert_eq!(r.lines[0].suggested_order, Decimal::from(4));
        // Stock −6: 12 needed to pass 5 → three packs.
        it.stock = Some(Decimal::from(-6));
        let r = stock_report(&[it], &[], &ProductSales::default(), &settings(), day(4, 1));
        assert_eq!(r.lines[0].suggested_order, Decimal::from(12));
    }
}
