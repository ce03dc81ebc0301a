//! The store's abandoned-checkout export (role `carts`, 장바구니, SPEC §12): Shopify's abandoned
//! checkouts export or a WooCommerce cart-abandonment plugin's table, one row per cart.
//!
//! Shopify writes one row per line item with the checkout's columns (created, e-mail, total,
//! link) on the first row only, so rows sharing a cart id — or a row with no id, no date and an
//! item, right below a cart — are one cart. The customer key is the sales rows' key (the e-mail
//! when the cart has one, else the folded name), so a later order of the same customer is found
//! in the sales ledger.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::Dataset;
use super::cells::{self, DateHint};
use super::headers::Mapping;
use super::source::Cell;
use crate::model::values::{self, DateOrder};
use crate::model::{CellRef, Problem, Severity};

/// One abandoned checkout as the store exported it.
#[derive(Debug, Clone, PartialEq)]
pub struct CartRow {
    /// Where the row came from (column A of its row).
    pub cell: CellRef,
    /// The store's cart/checkout id.
    pub cart_id: String,
    /// When the checkout was started.
    pub created: NaiveDateTime,
    /// Customer identity key (the same key as the sales rows'); `None` = no customer.
    pub customer: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    /// As the store wrote it.
    pub phone: Option<String>,
    /// The products in the cart, as named in the export.
    pub items: Vec<String>,
    pub total: Decimal,
    /// The store's link back to the cart, when exported.
    pub recovery_url: Option<String>,
    /// When the checkout was completed in the store, if it was.
    pub completed: Option<NaiveDateTime>,
}

/// Problems listed per carts sheet before they are only counted.
const MAX_PROBLEMS: u64 = 100;

/// Status words that say the store saw the checkout completed (`CartFlows`' `completed`,
/// Shopify's recovered checkouts).
const COMPLETED_WORDS: &[&str] = &[
    "completed",
    "complete",
    "recovered",
    "converted",
    "ordered",
    "완료",
    "결제완료",
    "주문완료",
    "구매완료",
    "복구",
    "복구됨",
];

/// Reads one carts sheet, row by row, grouping line items into carts.
pub struct CartRows<'m> {
    sheet: String,
    map: &'m Mapping,
    hint: DateHint,
    pub rows: u64,
    pub bad_rows: u64,
    problems: u64,
    /// Cart id → index in `Dataset::carts`.
    index: HashMap<String, usize>,
    /// The cart the previous row belonged to (for line-item rows without an id).
    last: Option<usize>,
}

impl<'m> CartRows<'m> {
    pub fn new(sheet: &str, map: &'m Mapping, date_order: DateOrder) -> Self {
        CartRows {
            sheet: sheet.to_string(),
            map,
            hint: DateHint {
                serials: false,
                order: date_order,
            },
            rows: 0,
            bad_rows: 0,
            problems: 0,
            index: HashMap::new(),
            last: None,
        }
    }

    /// Add the count of problems not listed.
    pub fn finish(&self, out: &mut Dataset) {
        if self.problems > MAX_PROBLEMS {
            out.problems.push(Problem {
                severity: Severity::Error,
                place: self.sheet.clone(),
                found: String::new(),
                expected: format!(
                    "{} more unusable values not listed",
                    self.problems - MAX_PROBLEMS
                ),
            });
        }
    }

    fn problem(&mut self, out: &mut Dataset, row: u32, col: u32, found: String, expected: &str) {
        self.problems += 1;
        if self.problems > MAX_PROBLEMS {
            return;
        }
        out.problems.push(Problem {
            severity: Severity::Error,
            place: CellRef::new(self.sheet.clone(), row, col).to_string(),
            found,
            expected: expected.to_string(),
        });
    }

    fn get<'c>(&self, cells: &'c [Cell<'c>], field: &str) -> Option<(u32, &'c Cell<'c>)> {
        let col = self.map.col(field)?;
        cells
            .get(col as usize)
            .filter(|c| !c.is_blank())
            .map(|c| (col, c))
    }

    fn text(&self, cells: &[Cell<'_>], field: &str) -> Option<String> {
        self.get(cells, field).and_then(|(_, c)| cells::text(c))
    }

    /// A date-time in `field`; blank is `Ok(None)`, a bad value is reported and `Err`.
    fn date(
        &mut self,
        cells: &[Cell<'_>],
        field: &str,
        row: u32,
        out: &mut Dataset,
    ) -> Result<Option<NaiveDateTime>, ()> {
        let Some((col, c)) = self.get(cells, field) else {
            return Ok(None);
        };
        let parsed = match c {
            // Shopify writes `2025-04-15 14:03:45 +0900`: the local time is kept as written
            // (SPEC §2: days are local, no time-zone conversion).
            Cell::Text(t) => values::parse_date(&without_offset(t), self.hint.order).map_err(
                |_| "a date (e.g. 2025-04-15, 2025-04-15 14:03, 2025.04.15, 2025년 4월 15일)",
            ),
            other => cells::date(other, self.hint),
        };
        match parsed {
            Ok(d) => Ok(Some(d)),
            Err(e) => {
                let found = c.display();
                self.problem(out, row, col, found, e);
                Err(())
            }
        }
    }

    /// The cart's total; blank is zero (a line-item row), a bad value is reported and `Err`.
    fn total(
        &mut self,
        cells: &[Cell<'_>],
        row: u32,
        out: &mut Dataset,
    ) -> Result<Option<Decimal>, ()> {
        let Some((col, c)) = self.get(cells, "total") else {
            return Ok(None);
        };
        match cells::money(c) {
            Ok((d, cur)) => {
                if !out.count_money(d) {
                    let found = c.display();
                    self.problem(
                        out,
                        row,
                        col,
                        found,
                        "an amount that keeps the workbook's total below 10^25",
                    );
                    return Err(());
                }
                if let Some(cur) = cur {
                    *out.currency_votes.entry(cur).or_default() += 1;
                }
                Ok(Some(d))
            }
            Err(e) => {
                let found = c.display();
                self.problem(out, row, col, found, e);
                Err(())
            }
        }
    }

    /// The products a row names: one line item, or a list (`머그컵, 텀블러`) in one cell. A
    /// plugin's serialized PHP array names product ids only, so it gives no product names.
    fn items(&self, cells: &[Cell<'_>]) -> Vec<String> {
        let Some(t) = self.text(cells, "items") else {
            return Vec::new();
        };
        if t.starts_with("a:") && t.contains('{') {
            return Vec::new();
        }
        t.split([',', '\n', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(ToString::to_string)
            .collect()
    }

    /// Feed one data row (below the header).
    pub fn push(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) {
        if cells.iter().all(Cell::is_blank) {
            return;
        }
        self.rows += 1;
        if !self.cart_row(row, cells, out) {
            self.bad_rows += 1;
        }
    }

    fn cart_row(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) -> bool {
        let id = self.text(cells, "cart_id");
        let (Ok(created), Ok(completed), Ok(total)) = (
            self.date(cells, "created", row, out),
            self.date(cells, "completed", row, out),
            self.total(cells, row, out),
        ) else {
            return false;
        };
        let items = self.items(cells);
        let status_done = self
            .text(cells, "status")
            .is_some_and(|s| COMPLETED_WORDS.contains(&values::header_key(&s).as_str()));
        let name = self
            .text(cells, "customer")
            .map(|n| values::nfc(&n).into_owned());
        let email = self
            .text(cells, "email")
            .filter(|e| e.contains('@'))
            .map(|e| e.trim().to_lowercase());
        let phone = self
            .text(cells, "phone")
            .and_then(|p| values::phone_digits(&p).map(|d| out.phone_form(d, p)));
        let url = self.text(cells, "recovery_url");
        // Which cart: its id; a line-item row with no id and no date continues the cart above.
        let existing = match &id {
            Some(id) => self.index.get(id).copied(),
            None if created.is_none() && !items.is_empty() => self.last,
            None => {
                let col = self.map.col("cart_id").unwrap_or(0);
                self.problem(
                    out,
                    row,
                    col,
                    String::new(),
                    "a cart id (the cell is blank)",
                );
                return false;
            }
        };
        if let Some(i) = existing {
            let c = &mut out.carts[i];
            c.items.extend(items);
            fill(&mut c.email, email);
            fill(&mut c.name, name);
            fill(&mut c.phone, phone);
            fill(&mut c.recovery_url, url);
            if c.completed.is_none() {
                c.completed = completed.or(status_done.then_some(c.created));
            }
            if c.total.is_zero()
                && let Some(t) = total
            {
                c.total = t;
            }
            c.customer = values::customer_key(c.email.as_deref(), c.name.as_deref());
            self.last = Some(i);
            return true;
        }
        let Some(created) = created else {
            let col = self.map.col("created").unwrap_or(0);
            self.problem(
                out,
                row,
                col,
                String::new(),
                "the date the cart was created (the cell is blank)",
            );
            return false;
        };
        let Some(cart_id) = id else {
            return false;
        };
        let customer = values::customer_key(email.as_deref(), name.as_deref());
        out.carts.push(CartRow {
            cell: CellRef::new(self.sheet.clone(), row, 0),
            cart_id: cart_id.clone(),
            created,
            customer,
            name,
            email,
            phone,
            items,
            total: total.unwrap_or_default(),
            recovery_url: url,
            completed: completed.or(status_done.then_some(created)),
        });
        let i = out.carts.len() - 1;
        self.index.insert(cart_id, i);
        self.last = Some(i);
        true
    }
}

/// Read one carts sheet into [`Dataset::carts`]: (rows read, rows that could not be used).
pub fn read_sheet(
    input: &mut super::source::Input,
    sheet: &str,
    header_row: u32,
    map: &Mapping,
    settings: &crate::settings::Settings,
    data: &mut Dataset,
) -> Result<(u64, u64), super::source::OpenError> {
    let mut rows = CartRows::new(sheet, map, settings.date_order);
    input.for_each_row(sheet, |r, cells| {
        if r > header_row {
            rows.push(r, cells, data);
        }
        true
    })?;
    rows.finish(data);
    Ok((rows.rows, rows.bad_rows))
}

/// Keep the first value seen.
fn fill(slot: &mut Option<String>, v: Option<String>) {
    if slot.is_none() {
        *slot = v;
    }
}

/// A date-time text without its trailing UTC offset (`+0900`, `-04:00`, `Z`, `UTC`), and with an
/// ISO `T` between date and time made a space.
fn without_offset(t: &str) -> std::borrow::Cow<'_, str> {
    let t = t.trim();
    let mut s = t;
    for suffix in [" UTC", "Z", " GMT"] {
        if let Some(rest) = s.strip_suffix(suffix)
            && rest.len() >= 10
        {
            s = rest;
        }
    }
    // `+0900`, `+09:00`, `-0400` after the time.
    let bytes = s.as_bytes();
    if let Some(pos) = s.rfind(['+', '-'])
        && pos >= 16
        && (bytes[pos - 1].is_ascii_digit() || bytes[pos - 1] == b' ')
    {
        let off = &s[pos + 1..];
        if (off.len() == 4 && off.bytes().all(|b| b.is_ascii_digit()))
            || (off.len() == 5 && off.as_bytes()[2] == b':')
        {
            s = s[..pos].trim_end();
        }
    }
    if s.len() > 10 && s.as_bytes()[10] == b'T' && s.as_bytes()[4] == b'-' {
        return std::borrow::Cow::Owned(format!("{} {}", &s[..10], &s[11..]));
    }
    std::borrow::Cow::Borrowed(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_iso_t_are_read_as_local_time() {
        assert_eq!(
            without_offset("2025-04-15 14:03:45 +0900"),
            "2025-04-15 14:03:45"
        );
        assert_eq!(
            without_offset("2025-04-15T14:03:45-04:00"),
            "2025-04-15 14:03:45"
        );
        assert_eq!(
            without_offset("2025-04-15T14:03:45Z"),
            "2025-04-15 14:03:45"
        );
        assert_eq!(without_offset("2025-04-15"), "2025-04-15");
        assert_eq!(without_offset("2025-04-15 14:03 UTC"), "2025-04-15 14:03");
        let d = values::parse_date(
            &without_offset("2025-04-15 14:03:45 +0900"),
            DateOrder::Auto,
        )
        .expect("date");
        assert_eq!(d.to_string(), "2025-04-15 14:03:45");
    }
}
