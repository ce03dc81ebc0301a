//! Abandoned carts (SPEC §12), as a pure function of the store's cart export, the sales ledger,
//! `cart.recovery_days` and the as-of date: which carts were recovered (completed in the store,
//! or the customer ordered within the recovery window), which are still open, which are lost;
//! counts and value by week, the most abandoned products and the recovery list.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate, NaiveDateTime, Weekday};
use rust_decimal::Decimal;

use crate::analysis::weekly::Week;
use crate::ingest::carts::CartRow;
use crate::model::CellRef;
use crate::model::ledger::SalesLedger;

/// What became of one cart as of the as-of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CartState {
    /// The store saw the checkout completed (on this day).
    Completed(NaiveDate),
    /// The customer placed an order within the recovery window (on this day).
    Ordered(NaiveDate),
    /// Not recovered yet, still within the recovery window: worth a reminder.
    Open,
    /// Not recovered and the window has passed.
    Lost,
}

impl CartState {
    /// Completed or ordered.
    pub fn recovered(self) -> bool {
        matches!(self, CartState::Completed(_) | CartState::Ordered(_))
    }
}

/// One cart with its fate.
#[derive(Debug, Clone, PartialEq)]
pub struct CartLine {
    pub cell: CellRef,
    pub cart_id: String,
    pub created: NaiveDateTime,
    /// The customer key (the sales rows' key); `None` when the cart names nobody.
    pub customer: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub items: Vec<String>,
    pub total: Decimal,
    pub recovery_url: Option<String>,
    pub state: CartState,
    /// Whole days from the cart's day to the as-of day.
    pub age_days: i64,
}

/// Carts started in one week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartWeek {
    pub week: Week,
    /// Carts abandoned (every cart in the export started as one) and their value.
    pub abandoned: u32,
    pub abandoned_value: Decimal,
    pub recovered: u32,
    pub recovered_value: Decimal,
}

impl CartWeek {
    /// Recovered carts as a percentage of the week's carts (`None` without carts).
    pub fn recovery_rate(&self) -> Option<Decimal> {
        (self.abandoned > 0).then(|| {
            Decimal::from(self.recovered) * Decimal::from(100) / Decimal::from(self.abandoned)
        })
    }
}

/// One product and how many carts holding it were left unrecovered or recovered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductLine {
    pub product: String,
    /// Carts holding it that were not recovered (open or lost).
    pub abandoned: u32,
    pub recovered: u32,
}

/// Everything the Carts sheet and the weekly PDF show.
#[derive(Debug, Clone, PartialEq)]
pub struct CartReport {
    pub as_of: NaiveDate,
    pub recovery_days: u32,
    /// Every cart started on or before the as-of day, oldest first.
    pub carts: Vec<CartLine>,
    /// Oldest week first.
    pub weeks: Vec<CartWeek>,
    /// Most abandoned first, then by name.
    pub products: Vec<ProductLine>,
}

impl CartReport {
    /// Open carts, the most valuable first (then the newest): who to contact now.
    pub fn recovery_list(&self) -> Vec<&CartLine> {
        let mut open: Vec<&CartLine> = self
            .carts
            .iter()
            .filter(|c| c.state == CartState::Open)
            .collect();
        open.sort_by(|a, b| {
            b.total
                .cmp(&a.total)
                .then(b.created.cmp(&a.created))
                .then(a.cart_id.cmp(&b.cart_id))
        });
        open
    }

    /// The totals over every cart: (abandoned, value, recovered, recovered value).
    pub fn totals(&self) -> CartTotals {
        let mut t = CartTotals::default();
        for c in &self.carts {
            t.carts += 1;
            t.value += c.total;
            if c.state.recovered() {
                t.recovered += 1;
                t.recovered_value += c.total;
            }
            if c.state == CartState::Open {
                t.open += 1;
                t.open_value += c.total;
            }
        }
        t
    }

    /// The week's line (zeros when no cart was started in it).
    pub fn week(&self, week: Week) -> CartWeek {
        self.weeks
            .iter()
            .find(|w| w.week == week)
            .cloned()
            .unwrap_or(CartWeek {
                week,
                abandoned: 0,
                abandoned_value: Decimal::ZERO,
                recovered: 0,
                recovered_value: Decimal::ZERO,
            })
    }
}

/// Sums over every cart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CartTotals {
    pub carts: u32,
    pub value: Decimal,
    pub recovered: u32,
    pub recovered_value: Decimal,
    pub open: u32,
    pub open_value: Decimal,
}

/// The first order of `customer` at or after `from` and on or before `until` (a day).
fn order_within(
    sales: &SalesLedger,
    customer: &str,
    from: NaiveDateTime,
    until: NaiveDate,
) -> Option<NaiveDate> {
    sales
        .customers
        .get(customer)?
        .orders
        .values()
        .filter(|o| o.at >= from && o.at.date() <= until)
        .map(|o| o.at.date())
        .min()
}

/// The fate of one cart as of `as_of`.
fn state_of(c: &CartRow, sales: &SalesLedger, recovery_days: u32, as_of: NaiveDate) -> CartState {
    if let Some(done) = c.completed.map(|d| d.date())
        && done <= as_of
    {
        return CartState::Completed(done);
    }
    let day = c.created.date();
    let window_end = day
        .checked_add_days(Days::new(u64::from(recovery_days)))
        .unwrap_or(NaiveDate::MAX);
    if let Some(key) = &c.customer
        && let Some(d) = order_within(sales, key, c.created, window_end.min(as_of))
    {
        return CartState::Ordered(d);
    }
    if as_of <= window_end {
        CartState::Open
    } else {
        CartState::Lost
    }
}

/// The cart report as of `as_of`: carts started after it are not seen, nor orders or
/// completions after it.
pub fn cart_report(
    carts: &[CartRow],
    sales: &SalesLedger,
    recovery_days: u32,
    week_start: Weekday,
    as_of: NaiveDate,
) -> CartReport {
    let mut lines: Vec<CartLine> = carts
        .iter()
        .filter(|c| c.created.date() <= as_of)
        .map(|c| CartLine {
            cell: c.cell.clone(),
            cart_id: c.cart_id.clone(),
            created: c.created,
            customer: c.customer.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            items: c.items.clone(),
            total: c.total,
            recovery_url: c.recovery_url.clone(),
            state: state_of(c, sales, recovery_days, as_of),
            age_days: (as_of - c.created.date()).num_days(),
        })
        .collect();
    lines.sort_by(|a, b| a.created.cmp(&b.created).then(a.cart_id.cmp(&b.cart_id)));

    let mut weeks: BTreeMap<Week, CartWeek> = BTreeMap::new();
    let mut products: BTreeMap<String, ProductLine> = BTreeMap::new();
    for c in &lines {
        let week = Week::containing(c.created.date(), week_start);
        let w = weeks.entry(week).or_insert(CartWeek {
            week,
            abandoned: 0,
            abandoned_value: Decimal::ZERO,
            recovered: 0,
            recovered_value: Decimal::ZERO,
        });
        w.abandoned += 1;
        w.abandoned_value += c.total;
        let recovered = c.state.recovered();
        if recovered {
            w.recovered += 1;
            w.recovered_value += c.total;
        }
        // A product counts once per cart, however many lines name it.
        let mut seen: Vec<String> = Vec::new();
        for item in &c.items {
            let Some(key) = crate::ingest::stock::product_key(item) else {
                continue;
            };
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            let p = products.entry(key).or_insert_with(|| ProductLine {
                product: item.clone(),
                abandoned: 0,
                recovered: 0,
            });
            if recovered {
                p.recovered += 1;
            } else {
                p.abandoned += 1;
            }
        }
    }
    let mut products: Vec<ProductLine> = products.into_values().collect();
    products.sort_by(|a, b| {
        b.abandoned
            .cmp(&a.abandoned)
            .then(b.recovered.cmp(&a.recovered))
            .then(a.product.cmp(&b.product))
    });
    CartReport {
        as_of,
        recovery_days,
        carts: lines,
        weeks: weeks.into_values().collect(),
        products,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SaleKind, SaleRow};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    fn cart(id: &str, created: &str, customer: &str, items: &[&str], total: i64) -> CartRow {
        CartRow {
            cell: CellRef::new("Carts", 1, 0),
            cart_id: id.into(),
            created: at(created),
            customer: Some(customer.into()),
            name: None,
            email: Some(customer.into()),
            phone: None,
            items: items.iter().map(ToString::to_string).collect(),
            total: Decimal::from(total),
            recovery_url: None,
            completed: None,
        }
    }

    fn ledger(orders: &[(&str, &str)]) -> SalesLedger {
        let mut l = SalesLedger::default();
        for (i, (who, when)) in orders.iter().enumerate() {
            let key = format!("O{i}");
            l.add(
                &SaleRow {
                    cell: CellRef::new("Sales", i as u32 + 1, 0),
                    at: at(when),
                    customer: Some((*who).into()),
                    name: None,
                    email: Some((*who).into()),
                    phone: None,
                    order_id: Some(format!("O{i}")),
                    amount: Decimal::from(1000),
                    kind: SaleKind::Order,
                    channel: None,
                    product: None,
                },
                &key,
            );
        }
        l
    }

    #[test]
    fn an_order_on_day_7_recovers_the_cart_and_day_8_does_not() {
        let carts = [
            cart("c1", "2025-04-01 10:00", "a@x.kr", &["Mug"], 10_000),
            cart("c2", "2025-04-01 10:00", "b@x.kr", &["Mug"], 20_000),
        ];
        let sales = ledger(&[
            ("a@x.kr", "2025-04-08 09:00"),
            ("b@x.kr", "2025-04-09 09:00"),
        ]);
        let r = cart_report(&carts, &sales, 7, Weekday::Mon, day("2025-04-30"));
        assert_eq!(r.carts[0].state, CartState::Ordered(day("2025-04-08")));
        assert_eq!(r.carts[1].state, CartState::Lost);
        assert_eq!(r.products[0].product, "Mug");
        assert_eq!((r.products[0].abandoned, r.products[0].recovered), (1, 1));
    }

    #[test]
    fn an_order_before_the_cart_or_after_as_of_does_not_recover_it() {
        let carts = [cart("c1", "2025-04-01 10:00", "a@x.kr", &[], 5_000)];
        let sales = ledger(&[
            ("a@x.kr", "2025-04-01 09:59"),
            ("a@x.kr", "2025-04-05 09:00"),
        ]);
        let r = cart_report(&carts, &sales, 7, Weekday::Mon, day("2025-04-04"));
        assert_eq!(r.carts[0].state, CartState::Open);
        assert_eq!(r.carts[0].age_days, 3);
        assert_eq!(r.recovery_list().len(), 1);
        let r = cart_report(&carts, &sales, 7, Weekday::Mon, day("2025-04-05"));
        assert_eq!(r.carts[0].state, CartState::Ordered(day("2025-04-05")));
    }

    #[test]
    fn weeks_count_abandoned_and_recovered_carts_and_value() {
        let mut done = cart("c2", "2025-04-02 10:00", "b@x.kr", &["Cup"], 3_000);
        done.completed = Some(at("2025-04-02 11:00"));
        let carts = [
            cart("c1", "2025-04-01 10:00", "a@x.kr", &["Mug", "mug"], 10_000),
            done,
            cart("c3", "2025-04-08 10:00", "c@x.kr", &["Mug"], 7_000),
        ];
        let r = cart_report(
            &carts,
            &SalesLedger::default(),
            7,
            Weekday::Mon,
            day("2025-04-10"),
        );
        assert_eq!(r.weeks.len(), 2);
        let w = &r.weeks[0];
        assert_eq!((w.abandoned, w.abandoned_value), (2, Decimal::from(13_000)));
        assert_eq!((w.recovered, w.recovered_value), (1, Decimal::from(3_000)));
        assert_eq!(w.recovery_rate(), Some(Decimal::from(50)));
        assert_eq!(r.products[0].product, "Mug");
        assert_eq!(r.products[0].abandoned, 2);
        let t = r.totals();
        assert_eq!((t.carts, t.recovered, t.open), (3, 1, 1));
        assert_eq!(r.carts[0].state, CartState::Lost);
    }
}
