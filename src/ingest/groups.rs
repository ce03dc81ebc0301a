//! Reading the customer-group sheets (SPEC §7): `Groups`, `Group Members`, `Price List` and
//! `Promotions` into typed rows, and the per-line sales collector the price audit needs (the
//! ledger keeps totals per customer; the audit needs each line's product, quantity and unit
//! price, so lines are kept only when the workbook has a price list or promotions).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Dataset;
use super::cells::{self, DateHint};
use super::headers::Mapping;
use super::source::{Cell, Input, OpenError};
use crate::model::values;
use crate::model::{CellRef, Problem, Severity};
use crate::rules::Rule;
use crate::settings::{Role, Settings};

/// A discount: a percentage off or an amount off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discount {
    /// Percent units: `Percent(10)` is 10 % off.
    Percent(Decimal),
    Amount(Decimal),
}

impl Discount {
    /// The price after the discount (never below zero).
    pub fn apply(self, price: Decimal) -> Decimal {
        let p = match self {
            Discount::Percent(p) => price - price * p / Decimal::ONE_HUNDRED,
            Discount::Amount(a) => price - a,
        };
        p.max(Decimal::ZERO)
    }
}

impl std::fmt::Display for Discount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Discount::Percent(p) => write!(f, "{}%", p.normalize()),
            Discount::Amount(a) => write!(f, "{}", values::format_number(*a)),
        }
    }
}

/// One row of the Groups sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupDef {
    pub cell: CellRef,
    pub name: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub description: Option<String>,
    pub use_group_price: bool,
    pub discount: Option<Discount>,
    pub price_list: Option<String>,
    pub priority: i64,
    /// Automatic membership; `None` for a group of listed members only.
    pub rule: Option<Rule>,
}

/// One row of the Group Members sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub cell: CellRef,
    pub group: String,
    /// Customer identity key, as the sales ledger keys customers.
    pub customer: String,
    pub email: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// The cell of `end` (for errors), else of the row.
    pub end_cell: CellRef,
    pub source: Option<String>,
}

/// One row of the Price List sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRow {
    pub cell: CellRef,
    pub list: String,
    pub product: String,
    pub product_cell: CellRef,
    pub price: Decimal,
    pub min_qty: Decimal,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// One row of the Promotions sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromoRow {
    pub cell: CellRef,
    pub promo: String,
    /// `None` = everyone.
    pub group: Option<String>,
    /// `None` = every product.
    pub product: Option<String>,
    pub product_cell: CellRef,
    pub discount: Discount,
    pub min_order: Option<Decimal>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// One sales line with a product and a unit price (for the price audit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleLine {
    /// Column A of the row.
    pub cell: CellRef,
    /// The unit price cell.
    pub price_cell: CellRef,
    pub day: NaiveDate,
    pub customer: Option<String>,
    pub name: Option<String>,
    pub product: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    /// The order the line belongs to (order id, else the row).
    pub order_key: String,
    pub amount: Decimal,
}

/// Everything the group sheets hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupData {
    pub groups: Vec<GroupDef>,
    pub members: Vec<MemberRow>,
    pub prices: Vec<PriceRow>,
    pub promos: Vec<PromoRow>,
    pub lines: Vec<SaleLine>,
    /// Products of sales dated after `--as-of`: not audited, but a price list naming them
    /// names a product the shop sells.
    pub later_products: std::collections::BTreeSet<String>,
    /// Keep sales lines (set when the workbook has a price list or promotions).
    pub collect_lines: bool,
}

impl GroupData {
    /// Whether the workbook has any group sheet.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
            && self.members.is_empty()
            && self.prices.is_empty()
            && self.promos.is_empty()
    }
}

/// Whether a role is one of the group sheets read here.
pub fn is_group_role(role: Role) -> bool {
    matches!(
        role,
        Role::Groups | Role::GroupMembers | Role::PriceList | Role::Promotions
    )
}

/// Reads one group sheet's rows.
struct Reader<'a> {
    sheet: &'a str,
    map: &'a Mapping,
    hint: DateHint,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    fn err(&mut self, cell: &CellRef, found: String, expected: impl Into<String>) {
        self.problems.push(Problem {
            severity: Severity::Error,
            place: cell.to_string(),
            found,
            expected: expected.into(),
        });
    }
    fn at(&self, row: u32, field: &str) -> CellRef {
        CellRef::new(self.sheet, row, self.map.col(field).unwrap_or(0))
    }
    fn cell<'c>(&self, cells: &'c [Cell<'c>], field: &str) -> Option<&'c Cell<'c>> {
        let c = cells.get(self.map.col(field)? as usize)?;
        (!c.is_blank()).then_some(c)
    }
    fn text(&self, cells: &[Cell<'_>], field: &str) -> Option<String> {
        cells
            .get(self.map.col(field)? as usize)
            .and_then(cells::text)
    }
    fn date(&mut self, cells: &[Cell<'_>], field: &str, row: u32) -> Option<NaiveDate> {
        let c = self.cell(cells, field)?;
        match cells::date(c, self.hint) {
            Ok(d) => Some(d.date()),
            Err(e) => {
                let found = c.display();
                self.err(&self.at(row, field), found, e);
                None
            }
        }
    }
    fn money(&mut self, cells: &[Cell<'_>], field: &str, row: u32) -> Option<Decimal> {
        let c = self.cell(cells, field)?;
        match cells::money(c) {
            Ok((d, _)) => Some(d),
            Err(e) => {
                let found = c.display();
                self.err(&self.at(row, field), found, e);
                None
            }
        }
    }
    fn discount(&mut self, cells: &[Cell<'_>], field: &str, row: u32) -> Option<Discount> {
        let c = self.cell(cells, field)?;
        let parsed = match c {
            // Excel stores a cell formatted as 10% as 0.1.
            Cell::Float(f) if *f > 0.0 && *f < 1.0 => {
                values::money_from_f64(*f).map(|d| Discount::Percent(d * Decimal::ONE_HUNDRED))
            }
            Cell::Text(t) if t.trim().ends_with('%') => t
                .trim()
                .trim_end_matches('%')
                .trim()
                .parse::<Decimal>()
                .ok()
                .filter(|p| *p >= Decimal::ZERO && *p <= Decimal::ONE_HUNDRED)
                .map(Discount::Percent),
            other => cells::money(other)
                .ok()
                .filter(|(d, _)| *d >= Decimal::ZERO)
                .map(|(d, _)| Discount::Amount(d)),
        };
        if parsed.is_none() {
            let found = c.display();
            self.err(
                &self.at(row, field),
                found,
                "a discount: a percentage (10%) or an amount off (1,000)",
            );
        }
        parsed
    }
    /// Start and end; an end before the start is an error naming the end cell.
    fn period(
        &mut self,
        cells: &[Cell<'_>],
        row: u32,
    ) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
        let start = self.date(cells, "start", row);
        let end = self.date(cells, "end", row);
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            self.err(
                &self.at(row, "end"),
                e.to_string(),
                format!("an end on or after the start {s}"),
            );
            return None;
        }
        Some((start, end))
    }
}

/// Read one group sheet into `data.groups`; returns (rows read, bad rows).
pub fn read_sheet(
    input: &mut Input,
    sheet: &str,
    role: Role,
    header_row: u32,
    map: &Mapping,
    settings: &Settings,
    data: &mut Dataset,
) -> Result<(u64, u64), OpenError> {
    let mut r = Reader {
        sheet,
        map,
        hint: DateHint {
            serials: false,
            order: settings.date_order,
        },
        problems: Vec::new(),
    };
    let (mut rows, mut bad) = (0u64, 0u64);
    let out = &mut data.groups;
    input.for_each_row(sheet, |row, cells| {
        if row <= header_row || cells.iter().all(Cell::is_blank) {
            return true;
        }
        rows += 1;
        let before = r.problems.len();
        match role {
            Role::Groups => read_group(&mut r, row, cells, out),
            Role::GroupMembers => read_member(&mut r, row, cells, out),
            Role::PriceList => read_price(&mut r, row, cells, out),
            _ => read_promo(&mut r, row, cells, out),
        }
        if r.problems.len() > before {
            bad += 1;
        }
        true
    })?;
    data.problems.extend(r.problems);
    Ok((rows, bad))
}

fn read_group(r: &mut Reader<'_>, row: u32, cells: &[Cell<'_>], out: &mut GroupData) {
    let Some(name) = r.text(cells, "group") else {
        r.err(&r.at(row, "group"), String::new(), "a group name");
        return;
    };
    let period = r.period(cells, row);
    // Blank: a group with a price list or a discount uses it.
    let use_group_price = match r.cell(cells, "use_group_price") {
        None => true,
        Some(c) => match cells::flag(c, r.hint) {
            Ok(f) => f.is_yes(),
            Err(e) => {
                let found = c.display();
                r.err(&r.at(row, "use_group_price"), found, e);
                false
            }
        },
    };
    let discount = r.discount(cells, "discount", row);
    let priority = match r.cell(cells, "priority") {
        None => Some(0),
        Some(c) => match cells::count(c) {
            Ok(n) => Some(i64::from(n)),
            Err(e) => {
                let found = c.display();
                r.err(&r.at(row, "priority"), found, e);
                None
            }
        },
    };
    let rule = match r.text(cells, "rule") {
        None => Some(None),
        Some(text) => match Rule::parse(&text) {
            Ok(rule) => Some(Some(rule)),
            Err(e) => {
                r.err(&r.at(row, "rule"), text, format!("a rule: {e}"));
                None
            }
        },
    };
    let (Some((start, end)), Some(priority), Some(rule)) = (period, priority, rule) else {
        return;
    };
    out.groups.push(GroupDef {
        cell: CellRef::new(r.sheet, row, r.map.col("group").unwrap_or(0)),
        name,
        start,
        end,
        description: r.text(cells, "description"),
        use_group_price,
        discount,
        price_list: r.text(cells, "price_list"),
        priority,
        rule,
    });
}

fn read_member(r: &mut Reader<'_>, row: u32, cells: &[Cell<'_>], out: &mut GroupData) {
    let Some(group) = r.text(cells, "group") else {
        r.err(&r.at(row, "group"), String::new(), "a group name");
        return;
    };
    let name = r.text(cells, "customer");
    let email = r.text(cells, "email").filter(|e| e.contains('@'));
    let key = values::customer_key(email.as_deref(), name.as_deref());
    let Some(customer) = key else {
        let field = if r.map.has("email") {
            "email"
        } else {
            "customer"
        };
        r.err(&r.at(row, field), String::new(), "a customer or an e-mail");
        return;
    };
    let Some((start, end)) = r.period(cells, row) else {
        return;
    };
    out.members.push(MemberRow {
        cell: CellRef::new(r.sheet, row, r.map.col("group").unwrap_or(0)),
        group,
        customer,
        email: email.map(|e| e.trim().to_lowercase()),
        start,
        end,
        end_cell: r.at(row, "end"),
        source: r.text(cells, "source"),
    });
}

fn read_price(r: &mut Reader<'_>, row: u32, cells: &[Cell<'_>], out: &mut GroupData) {
    let list = r.text(cells, "price_list");
    let product = r.text(cells, "product");
    let (Some(list), Some(product)) = (list, product) else {
        r.err(
            &r.at(row, "price_list"),
            String::new(),
            "a price list name and a product",
        );
        return;
    };
    let price = r.money(cells, "price", row);
    let min_qty = match r.cell(cells, "min_qty") {
        None => Some(Decimal::ZERO),
        Some(c) => match cells::quantity(c) {
            Ok(q) => Some(q),
            Err(e) => {
                let found = c.display();
                r.err(&r.at(row, "min_qty"), found, e);
                None
            }
        },
    };
    let period = r.period(cells, row);
    let Some(price) = price else {
        if r.cell(cells, "price").is_none() {
            r.err(&r.at(row, "price"), String::new(), "a price");
        }
        return;
    };
    let (Some(min_qty), Some((start, end))) = (min_qty, period) else {
        return;
    };
    out.prices.push(PriceRow {
        cell: CellRef::new(r.sheet, row, r.map.col("price_list").unwrap_or(0)),
        list,
        product,
        product_cell: r.at(row, "product"),
        price,
        min_qty,
        start,
        end,
    });
}

fn read_promo(r: &mut Reader<'_>, row: u32, cells: &[Cell<'_>], out: &mut GroupData) {
    let Some(promo) = r.text(cells, "promo") else {
        r.err(&r.at(row, "promo"), String::new(), "a promotion name");
        return;
    };
    let discount = r.discount(cells, "discount", row);
    let min_order = r.money(cells, "min_order", row);
    let period = r.period(cells, row);
    let (Some(discount), Some((start, end))) = (discount, period) else {
        if r.cell(cells, "discount").is_none() {
            r.err(&r.at(row, "discount"), String::new(), "a discount");
        }
        return;
    };
    out.promos.push(PromoRow {
        cell: CellRef::new(r.sheet, row, r.map.col("promo").unwrap_or(0)),
        promo,
        group: r.text(cells, "group"),
        product: r.text(cells, "product"),
        product_cell: r.at(row, "product"),
        discount,
        min_order,
        start,
        end,
    });
}

/// Keep one sales line for the price audit (only lines with a product, a quantity and a unit
/// price; returns and voids are not audited).
#[allow(clippy::too_many_arguments)]
pub fn collect_line(
    out: &mut GroupData,
    sale: &crate::model::SaleRow,
    product: Option<String>,
    quantity: Option<Decimal>,
    unit_price: Option<Decimal>,
    price_col: Option<u32>,
    order_key: &str,
) {
    let (Some(product), Some(quantity), Some(unit_price), Some(col)) =
        (product, quantity, unit_price, price_col)
    else {
        return;
    };
    if sale.kind != crate::model::SaleKind::Order {
        return;
    }
    out.lines.push(SaleLine {
        cell: sale.cell.clone(),
        price_cell: sale.cell.at_col(col),
        day: sale.at.date(),
        customer: sale.customer.clone(),
        name: sale.name.clone(),
        product,
        quantity,
        unit_price,
        order_key: order_key.to_string(),
        amount: sale.amount,
    });
}
