//! Streaming accumulators for sales: rows are added one at a time, so a million-row sheet is
//! never held in memory; what is kept grows with customers and orders, not rows.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::{SaleKind, SaleRow};

/// One order (all lines sharing an order id, or one row when there is no order-id column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderAgg {
    /// The earliest line's date and time.
    pub at: NaiveDateTime,
    /// Sum of the order's lines.
    pub amount: Decimal,
    pub lines: u32,
}

impl OrderAgg {
    fn add(&mut self, at: NaiveDateTime, amount: Decimal) {
        self.at = self.at.min(at);
        self.amount += amount;
        self.lines += 1;
    }
    fn merge(&mut self, other: &OrderAgg) {
        self.at = self.at.min(other.at);
        self.amount += other.amount;
        self.lines += other.lines;
    }
}

/// A return: a credit against earlier sales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReturnAgg {
    pub at: NaiveDateTime,
    /// Negative.
    pub amount: Decimal,
}

/// Everything dangol keeps about one customer's purchases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerLedger {
    /// Each spelling of the name → (times seen, latest time seen).
    pub names: BTreeMap<String, (u32, NaiveDateTime)>,
    pub email: Option<String>,
    /// Phones seen, as written (one form per number, see `Dataset::phone_form`).
    pub phones: Vec<String>,
    /// Channels seen with their order counts.
    pub channels: BTreeMap<String, u32>,
    /// Orders by order key.
    pub orders: BTreeMap<String, OrderAgg>,
    pub returns: Vec<ReturnAgg>,
}

impl CustomerLedger {
    /// The name to show: the most frequent spelling, then the latest.
    pub fn display_name(&self) -> Option<&str> {
        self.names
            .iter()
            .max_by(|a, b| a.1.0.cmp(&b.1.0).then(a.1.1.cmp(&b.1.1)).then(b.0.cmp(a.0)))
            .map(|(n, _)| n.as_str())
    }

    /// Add one row of this customer (an order line or a return; never a void).
    fn add(&mut self, row: &SaleRow, order_key: &str) {
        if let Some(n) = &row.name {
            match self.names.get_mut(n) {
                Some(e) => {
                    e.0 += 1;
                    e.1 = e.1.max(row.at);
                }
                None => {
                    self.names.insert(n.clone(), (1, row.at));
                }
            }
        }
        if self.email.is_none() {
            self.email.clone_from(&row.email);
        }
        if let Some(p) = &row.phone
            && !self.phones.contains(p)
        {
            self.phones.push(p.clone());
            self.phones.sort();
        }
        if row.kind == SaleKind::Return {
            self.returns.push(ReturnAgg {
                at: row.at,
                amount: -row.amount.abs(),
            });
        } else {
            // Channel first: without one there is no need to look the order up twice.
            if let Some(ch) = &row.channel
                && !self.orders.contains_key(order_key)
            {
                *self.channels.entry(ch.clone()).or_default() += 1;
            }
            add_order(&mut self.orders, order_key, row.at, row.amount);
        }
    }

    /// Merge another ledger of the same customer (from another sheet or thread).
    pub fn merge(&mut self, other: &CustomerLedger) {
        for (n, (c, t)) in &other.names {
            let e = self.names.entry(n.clone()).or_insert((0, *t));
            e.0 += c;
            e.1 = e.1.max(*t);
        }
        if self.email.is_none() {
            self.email.clone_from(&other.email);
        }
        for p in &other.phones {
            if !self.phones.contains(p) {
                self.phones.push(p.clone());
            }
        }
        self.phones.sort();
        for (c, n) in &other.channels {
            *self.channels.entry(c.clone()).or_default() += n;
        }
        for (k, o) in &other.orders {
            match self.orders.get_mut(k) {
                Some(mine) => mine.merge(o),
                None => {
                    self.orders.insert(k.clone(), *o);
                }
            }
        }
        self.returns.extend_from_slice(&other.returns);
        self.returns.sort();
    }

    /// Takes in the ledger of the same customer from a later part of the data (the next sheet,
    /// read on another thread): the same as adding that part's rows after this one's, returns
    /// kept in row order. Only for parts without channels (an order spanning both parts would
    /// count its channel twice).
    fn absorb(&mut self, other: CustomerLedger) {
        for (n, (c, t)) in other.names {
            match self.names.get_mut(&n) {
                Some(e) => {
                    e.0 += c;
                    e.1 = e.1.max(t);
                }
                None => {
                    self.names.insert(n, (c, t));
                }
            }
        }
        if self.email.is_none() {
            self.email = other.email;
        }
        for p in other.phones {
            if !self.phones.contains(&p) {
                self.phones.push(p);
            }
        }
        self.phones.sort();
        for (c, n) in other.channels {
            *self.channels.entry(c).or_default() += n;
        }
        absorb_orders(&mut self.orders, other.orders);
        self.returns.extend(other.returns);
    }
}

/// Moves `other`'s orders into `mine`, merging those with the same key.
fn absorb_orders(mine: &mut BTreeMap<String, OrderAgg>, other: BTreeMap<String, OrderAgg>) {
    if mine.is_empty() {
        *mine = other;
        return;
    }
    for (k, o) in other {
        match mine.get_mut(&k) {
            Some(m) => m.merge(&o),
            None => {
                mine.insert(k, o);
            }
        }
    }
}

/// Shop-wide sales: per-customer ledgers plus what has no customer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SalesLedger {
    pub customers: BTreeMap<String, CustomerLedger>,
    /// Orders of rows with no customer identity (still shop revenue).
    pub anonymous_orders: BTreeMap<String, OrderAgg>,
    /// Returns with no customer identity.
    pub anonymous_returns: Vec<ReturnAgg>,
    /// Rows read, by kind.
    pub order_rows: u64,
    pub void_rows: u64,
    pub return_rows: u64,
    /// Return rows whose order id carries the cancel prefix (`C536379`: the UCI data's
    /// cancelled invoices); counted by the reader, which knows the prefix.
    pub prefixed_return_rows: u64,
    /// Rows (orders or returns) that had no customer.
    pub anonymous_rows: u64,
    /// Rows dated after the as-of day, not added (counted by the reader, which knows the day).
    pub later_rows: u64,
    /// Rows dated after both the as-of day and today (reported as warnings, not added).
    pub future_rows: u64,
}

impl SalesLedger {
    /// Add one row. `order_key` identifies the order: the order id, or a per-row key when the
    /// sheet has no order-id column.
    pub fn add(&mut self, row: &SaleRow, order_key: &str) {
        match row.kind {
            SaleKind::Void => {
                self.void_rows += 1;
                return;
            }
            SaleKind::Return => self.return_rows += 1,
            SaleKind::Order => self.order_rows += 1,
        }
        let Some(key) = &row.customer else {
            self.anonymous_rows += 1;
            if row.kind == SaleKind::Return {
                self.anonymous_returns.push(ReturnAgg {
                    at: row.at,
                    amount: -row.amount.abs(),
                });
            } else {
                add_order(&mut self.anonymous_orders, order_key, row.at, row.amount);
            }
            return;
        };
        // Look up by reference first: most rows belong to a customer already seen, and the
        // entry API would allocate a key copy for every row.
        match self.customers.get_mut(key) {
            Some(c) => c.add(row, order_key),
            None => self
                .customers
                .entry(key.clone())
                .or_default()
                .add(row, order_key),
        }
    }

    /// Merge a ledger built from another part of the data.
    pub fn merge(&mut self, other: &SalesLedger) {
        for (k, c) in &other.customers {
            self.customers.entry(k.clone()).or_default().merge(c);
        }
        for (k, o) in &other.anonymous_orders {
            match self.anonymous_orders.get_mut(k) {
                Some(mine) => mine.merge(o),
                None => {
                    self.anonymous_orders.insert(k.clone(), *o);
                }
            }
        }
        self.anonymous_returns
            .extend_from_slice(&other.anonymous_returns);
        self.anonymous_returns.sort();
        self.order_rows += other.order_rows;
        self.void_rows += other.void_rows;
        self.return_rows += other.return_rows;
        self.prefixed_return_rows += other.prefixed_return_rows;
        self.anonymous_rows += other.anonymous_rows;
        self.later_rows += other.later_rows;
        self.future_rows += other.future_rows;
    }

    /// Takes in the ledger of a later part of the data (the next sheet, read on another thread),
    /// by value: the result is the ledger that adding that part's rows after this part's rows
    /// gives — returns stay in row order, unlike [`SalesLedger::merge`], which sorts them. Only
    /// for parts without a channel column (see [`CustomerLedger::absorb`]).
    pub fn absorb(&mut self, other: SalesLedger) {
        if self.customers.is_empty() {
            self.customers = other.customers;
        } else {
            for (k, c) in other.customers {
                match self.customers.get_mut(&k) {
                    Some(mine) => mine.absorb(c),
                    None => {
                        self.customers.insert(k, c);
                    }
                }
            }
        }
        absorb_orders(&mut self.anonymous_orders, other.anonymous_orders);
        self.anonymous_returns.extend(other.anonymous_returns);
        self.order_rows += other.order_rows;
        self.void_rows += other.void_rows;
        self.return_rows += other.return_rows;
        self.prefixed_return_rows += other.prefixed_return_rows;
        self.anonymous_rows += other.anonymous_rows;
        self.later_rows += other.later_rows;
        self.future_rows += other.future_rows;
    }

    /// Net revenue of the whole shop: orders minus returns, with or without a customer.
    pub fn shop_total(&self) -> Decimal {
        let mut t: Decimal = self.anonymous_orders.values().map(|o| o.amount).sum();
        t += self
            .anonymous_returns
            .iter()
            .map(|r| r.amount)
            .sum::<Decimal>();
        for c in self.customers.values() {
            t += c.orders.values().map(|o| o.amount).sum::<Decimal>();
            t += c.returns.iter().map(|r| r.amount).sum::<Decimal>();
        }
        t
    }

    /// Sort return lists so that ledgers built in any row order compare equal.
    pub fn normalise(&mut self) {
        self.anonymous_returns.sort();
        for c in self.customers.values_mut() {
            c.returns.sort();
        }
    }
}

fn add_order(map: &mut BTreeMap<String, OrderAgg>, key: &str, at: NaiveDateTime, amount: Decimal) {
    match map.get_mut(key) {
        Some(o) => o.add(at, amount),
        None => {
            map.insert(
                key.to_string(),
                OrderAgg {
                    at,
                    amount,
                    lines: 1,
                },
            );
        }
    }
}
