//! Customer groups and the price audit (SPEC §7), as pure functions of the data and a date.
//!
//! **Membership** on a day: a listed member whose row's period holds the day (blank start =
//! always, blank end = no end, the end day included), or — for a group with a `rule` — a
//! customer whose numbers as of that day satisfy it (the grade rule language, evaluated as the
//! grades are). A group's own start/end bound its membership. A customer may be in several
//! groups.
//!
//! **Price resolution** of a sales line on its order date. Candidates are the group prices of
//! the groups the customer is in that day (price-list rows for the line's product, `min_qty`
//! met; the group's discount off the regular price) and the running promotions for the
//! customer's groups (or everyone), the product (or all) and an order reaching `min_order`.
//! The winner is the most specific target (a product beats all products), then the highest
//! `min_qty` met, then the highest `priority` (a promotion has priority 0); a tie left is an
//! error naming both rows. With `pricing.stack = true` the best promotion's discount applies
//! on top of the best group price; otherwise prices never stack. No candidate: the regular
//! price (a price list no group names). No price at all: the line is not audited.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use crate::analysis::customers::{CustomerTable, customer_table};
use crate::ingest::Dataset;
use crate::ingest::groups::{GroupData, GroupDef, MemberRow, PriceRow, PromoRow, SaleLine};
use crate::model::{CellRef, Problem, Severity};
use crate::settings::Settings;

/// Two price rows that apply equally to one line.
pub type Tie = (CellRef, CellRef);

/// The price that applied and the rules it came from.
pub type Resolved = (Decimal, Vec<AppliedRule>);

/// What a price came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PriceSource {
    /// The shop's regular price list (one no group names).
    Regular,
    /// A row of the group's price list.
    GroupPrice,
    /// The group's discount off the regular price.
    GroupDiscount,
    Promotion,
}

/// One step of the price that applied: the source, the group or promotion (or price list)
/// name, and the row it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRule {
    pub source: PriceSource,
    pub name: String,
    pub cell: CellRef,
}

/// A candidate price for one line.
#[derive(Debug, Clone)]
struct Candidate {
    rule: AppliedRule,
    specific: bool,
    min_qty: Decimal,
    priority: i64,
    price: Decimal,
    promo: Option<crate::ingest::groups::Discount>,
}

impl Candidate {
    fn key(&self) -> (bool, Decimal, i64) {
        (self.specific, self.min_qty, self.priority)
    }
}

/// Why a line is in the Price Check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckNote {
    /// Charged the regular price where a group or promotion price applied.
    DiscountMissing,
    /// Charged a group's price after the customer's membership ended (on that day).
    AfterMembershipEnded { group: String, ended: NaiveDate },
    /// Charged some other price.
    Differs,
}

/// One Price Check row: a sales line charged differently from the price that applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceCheck {
    pub cell: CellRef,
    pub day: NaiveDate,
    pub customer: String,
    pub product: String,
    pub quantity: Decimal,
    pub charged: Decimal,
    pub applied: Decimal,
    /// charged − applied, per unit.
    pub difference: Decimal,
    pub rules: Vec<AppliedRule>,
    pub note: CheckNote,
}

/// Groups with the data they are computed from; rule-group members are computed once per day.
pub struct GroupBook<'a> {
    pub data: &'a GroupData,
    dataset: &'a Dataset,
    settings: &'a Settings,
    /// Every group: the Groups sheet's, then groups named only in Group Members.
    pub groups: Vec<GroupDef>,
    rule_members: RefCell<BTreeMap<NaiveDate, BTreeMap<String, BTreeSet<String>>>>,
    /// Member rows by customer key, and price rows by product (a nightly run audits every
    /// sales line: no scan of whole sheets per line).
    members_of: BTreeMap<&'a str, Vec<&'a MemberRow>>,
    prices_of: BTreeMap<&'a str, Vec<&'a PriceRow>>,
}

fn in_period(start: Option<NaiveDate>, end: Option<NaiveDate>, day: NaiveDate) -> bool {
    start.is_none_or(|s| s <= day) && end.is_none_or(|e| day <= e)
}

impl<'a> GroupBook<'a> {
    /// The groups of a loaded dataset.
    pub fn new(dataset: &'a Dataset, settings: &'a Settings) -> Self {
        let data = &dataset.groups;
        let mut groups = data.groups.clone();
        for m in &data.members {
            if !groups.iter().any(|g| g.name == m.group) {
                groups.push(GroupDef {
                    cell: m.cell.clone(),
                    name: m.group.clone(),
                    start: None,
                    end: None,
                    description: None,
                    use_group_price: false,
                    discount: None,
                    price_list: None,
                    priority: 0,
                    rule: None,
                });
            }
        }
        let mut members_of: BTreeMap<&str, Vec<&MemberRow>> = BTreeMap::new();
        for m in &data.members {
            members_of.entry(m.customer.as_str()).or_default().push(m);
        }
        let mut prices_of: BTreeMap<&str, Vec<&PriceRow>> = BTreeMap::new();
        for p in &data.prices {
            prices_of.entry(p.product.as_str()).or_default().push(p);
        }
        GroupBook {
            data,
            dataset,
            settings,
            groups,
            rule_members: RefCell::new(BTreeMap::new()),
            members_of,
            prices_of,
        }
    }

    /// The group named `name`.
    pub fn group(&self, name: &str) -> Option<&GroupDef> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The customer table as of `day` (for rule groups).
    pub fn table_on(&self, day: NaiveDate) -> CustomerTable {
        let d = self.dataset;
        customer_table(&d.sales, &d.quotes, &d.customers, self.settings, day)
    }

    fn rule_members_on(&self, group: &GroupDef, day: NaiveDate) -> BTreeSet<String> {
        if group.rule.is_none() {
            return BTreeSet::new();
        }
        if let Some(m) = self.rule_members.borrow().get(&day) {
            return m.get(&group.name).cloned().unwrap_or_default();
        }
        let table = self.table_on(day);
        let mut by_group = BTreeMap::new();
        for g in &self.groups {
            if let Some(r) = &g.rule {
                let members: BTreeSet<String> = table
                    .rows
                    .iter()
                    .filter(|c| {
                        let mut groups = crate::rules::Metrics::groups(*c);
                        groups.extend(self.listed_groups(&c.key, day));
                        r.eval(&WithGroups { stats: c, groups })
                    })
                    .map(|c| c.key.clone())
                    .collect();
                by_group.insert(g.name.clone(), members);
            }
        }
        let out = by_group.get(&group.name).cloned().unwrap_or_default();
        self.rule_members.borrow_mut().insert(day, by_group);
        out
    }

    /// A customer's rows of the Group Members sheet.
    fn listed<'s>(&'s self, customer: &str) -> impl Iterator<Item = &'a MemberRow> + 's {
        self.members_of.get(customer).into_iter().flatten().copied()
    }

    /// The groups a customer is listed in (Group Members) on `day`.
    fn listed_groups(&self, customer: &str, day: NaiveDate) -> Vec<String> {
        self.listed(customer)
            .filter(|m| in_period(m.start, m.end, day))
            .filter(|m| {
                self.group(&m.group)
                    .is_some_and(|g| in_period(g.start, g.end, day))
            })
            .map(|m| m.group.clone())
            .collect()
    }

    /// The members of `group` on `day` (customer keys, sorted).
    pub fn members_on(&self, group: &GroupDef, day: NaiveDate) -> BTreeSet<String> {
        if !in_period(group.start, group.end, day) {
            return BTreeSet::new();
        }
        let mut out: BTreeSet<String> = self
            .data
            .members
            .iter()
            .filter(|m| m.group == group.name && in_period(m.start, m.end, day))
            .map(|m| m.customer.clone())
            .collect();
        out.extend(self.rule_members_on(group, day));
        out
    }

    /// Whether `customer` is in `group` on `day`.
    pub fn is_member(&self, group: &GroupDef, customer: &str, day: NaiveDate) -> bool {
        if !in_period(group.start, group.end, day) {
            return false;
        }
        self.listed(customer)
            .any(|m| m.group == group.name && in_period(m.start, m.end, day))
            || (group.rule.is_some() && self.rule_members_on(group, day).contains(customer))
    }

    /// The groups `customer` is in on `day`, in sheet order.
    pub fn groups_of(&self, customer: &str, day: NaiveDate) -> Vec<&GroupDef> {
        self.groups
            .iter()
            .filter(|g| self.is_member(g, customer, day))
            .collect()
    }

    /// Price lists that no group names: the shop's regular prices.
    fn is_regular_list(&self, list: &str) -> bool {
        !self
            .groups
            .iter()
            .any(|g| g.price_list.as_deref() == Some(list))
    }

    /// The price rows of a line's product that hold on its day for its quantity.
    fn rows_for<'s>(&'s self, line: &'s SaleLine) -> impl Iterator<Item = &'a PriceRow> + 's {
        self.prices_of
            .get(line.product.as_str())
            .into_iter()
            .flatten()
            .copied()
            .filter(|p| p.min_qty <= line.quantity && in_period(p.start, p.end, line.day))
    }

    /// Best row among price rows (highest `min_qty` met); a tie is an error.
    fn best_row<'r>(
        rows: impl Iterator<Item = &'r PriceRow>,
    ) -> Result<Option<&'r PriceRow>, (CellRef, CellRef)> {
        let mut ok: Vec<&PriceRow> = rows.collect();
        ok.sort_by_key(|p| std::cmp::Reverse(p.min_qty));
        match ok.as_slice() {
            [] => Ok(None),
            [a, b, ..] if a.min_qty == b.min_qty => Err((a.cell.clone(), b.cell.clone())),
            [a, ..] => Ok(Some(a)),
        }
    }

    /// The regular price of a line's product on its day.
    fn regular(&self, line: &SaleLine) -> Result<Option<&PriceRow>, (CellRef, CellRef)> {
        Self::best_row(
            self.rows_for(line)
                .filter(|p| self.is_regular_list(&p.list)),
        )
    }

    /// Group price candidates of `group` for a line (as if the customer were a member).
    fn group_candidates(
        &self,
        g: &GroupDef,
        line: &SaleLine,
        regular: Option<Decimal>,
    ) -> Vec<Candidate> {
        let mut out = Vec::new();
        if !g.use_group_price {
            return out;
        }
        if let Some(list) = &g.price_list {
            for p in self.rows_for(line).filter(|p| &p.list == list) {
                out.push(Candidate {
                    rule: AppliedRule {
                        source: PriceSource::GroupPrice,
                        name: g.name.clone(),
                        cell: p.cell.clone(),
                    },
                    specific: true,
                    min_qty: p.min_qty,
                    priority: g.priority,
                    price: p.price,
                    promo: None,
                });
            }
        }
        if let (Some(d), Some(base)) = (g.discount, regular) {
            out.push(Candidate {
                rule: AppliedRule {
                    source: PriceSource::GroupDiscount,
                    name: g.name.clone(),
                    cell: g.cell.clone(),
                },
                specific: false,
                min_qty: Decimal::ZERO,
                priority: g.priority,
                price: d.apply(base),
                promo: None,
            });
        }
        out
    }

    fn promo_applies(&self, p: &PromoRow, line: &SaleLine, order_total: Decimal) -> bool {
        in_period(p.start, p.end, line.day)
            && p.product.as_deref().is_none_or(|x| x == line.product)
            && p.min_order.is_none_or(|m| order_total >= m)
            && p.group.as_deref().is_none_or(|gname| {
                self.group(gname).is_some_and(|g| {
                    line.customer
                        .as_deref()
                        .is_some_and(|c| self.is_member(g, c, line.day))
                })
            })
    }

    /// The price that applied to a line and the rules it came from; `Ok(None)` when no price
    /// is known for the line.
    pub fn resolve(&self, line: &SaleLine, order_total: Decimal) -> Result<Option<Resolved>, Tie> {
        let regular = self.regular(line)?;
        let regular_price = regular.map(|r| r.price);
        let mut group_c = Vec::new();
        if let Some(c) = line.customer.as_deref() {
            for g in self.groups_of(c, line.day) {
                group_c.extend(self.group_candidates(g, line, regular_price));
            }
        }
        let mut promo_c = Vec::new();
        for p in &self.data.promos {
            if self.promo_applies(p, line, order_total) {
                promo_c.push(Candidate {
                    rule: AppliedRule {
                        source: PriceSource::Promotion,
                        name: p.promo.clone(),
                        cell: p.cell.clone(),
                    },
                    specific: p.product.is_some(),
                    min_qty: Decimal::ZERO,
                    priority: 0,
                    price: regular_price.map_or(Decimal::ZERO, |r| p.discount.apply(r)),
                    promo: Some(p.discount),
                });
            }
        }
        // A percentage or amount off needs a regular price to start from.
        if regular_price.is_none() {
            promo_c.clear();
        }
        let regular_rule = regular.map(|r| AppliedRule {
            source: PriceSource::Regular,
            name: r.list.clone(),
            cell: r.cell.clone(),
        });
        if self.settings.pricing_stack {
            let g = pick(group_c)?;
            let p = pick(promo_c)?;
            let (base, mut rules) = match g {
                Some(g) => (Some(g.price), vec![g.rule]),
                None => (regular_price, regular_rule.into_iter().collect()),
            };
            let Some(base) = base else { return Ok(None) };
            return Ok(Some(match p {
                Some(p) => {
                    rules.push(p.rule);
                    let d = p
                        .promo
                        .unwrap_or(crate::ingest::groups::Discount::Amount(Decimal::ZERO));
                    (d.apply(base), rules)
                }
                None => (base, rules),
            }));
        }
        group_c.extend(promo_c);
        Ok(match pick(group_c)? {
            Some(c) => Some((c.price, vec![c.rule])),
            None => regular_price.map(|p| (p, regular_rule.into_iter().collect())),
        })
    }

    /// Every audited line dated on or before `as_of` charged differently from the price that
    /// applied, in sheet order; a tie between two price rows is a problem naming the line and
    /// both rows.
    pub fn price_check(&self, as_of: NaiveDate) -> (Vec<PriceCheck>, Vec<Problem>) {
        let mut totals: BTreeMap<&str, Decimal> = BTreeMap::new();
        for l in &self.data.lines {
            *totals.entry(l.order_key.as_str()).or_default() += l.amount;
        }
        let (mut out, mut problems) = (Vec::new(), Vec::new());
        for line in self.data.lines.iter().filter(|l| l.day <= as_of) {
            let total = totals
                .get(line.order_key.as_str())
                .copied()
                .unwrap_or_default();
            match self.resolve(line, total) {
                Err((a, b)) => problems.push(Problem {
                    severity: Severity::Error,
                    place: line.price_cell.to_string(),
                    found: String::new(),
                    expected: format!(
                        "one price for {} on {}, but {a} and {b} apply equally (same target, min_qty and priority); give one a higher priority",
                        line.product, line.day
                    ),
                }),
                Ok(None) => {}
                Ok(Some((applied, rules))) if applied != line.unit_price => {
                    let note = self.note_for(line, applied);
                    out.push(PriceCheck {
                        cell: line.price_cell.clone(),
                        day: line.day,
                        customer: line
                            .name
                            .clone()
                            .or_else(|| line.customer.clone())
                            .unwrap_or_default(),
                        product: line.product.clone(),
                        quantity: line.quantity,
                        charged: line.unit_price,
                        applied,
                        difference: line.unit_price - applied,
                        rules,
                        note,
                    });
                }
                Ok(Some(_)) => {}
            }
        }
        (out, problems)
    }

    fn note_for(&self, line: &SaleLine, applied: Decimal) -> CheckNote {
        let regular = self.regular(line).ok().flatten().map(|r| r.price);
        if let Some(c) = line.customer.as_deref() {
            // A listed membership that ended before the sale, whose group price was charged.
            for m in self
                .listed(c)
                .filter(|m| m.end.is_some_and(|e| e < line.day))
            {
                let Some(g) = self.group(&m.group) else {
                    continue;
                };
                if self.is_member(g, c, line.day) {
                    continue;
                }
                let charged_group = self
                    .group_candidates(g, line, regular)
                    .iter()
                    .any(|cand| cand.price == line.unit_price);
                if let (true, Some(ended)) = (charged_group, m.end) {
                    return CheckNote::AfterMembershipEnded {
                        group: g.name.clone(),
                        ended,
                    };
                }
            }
        }
        if regular == Some(line.unit_price) && applied < line.unit_price {
            CheckNote::DiscountMissing
        } else {
            CheckNote::Differs
        }
    }

    /// Members joining (first day in) and leaving (last day in) in the `days` after `as_of`:
    /// (group, customer key, day, joins?).
    pub fn changes_ahead(
        &self,
        as_of: NaiveDate,
        days: i64,
    ) -> Vec<(String, String, NaiveDate, bool)> {
        let mut out = Vec::new();
        for g in &self.groups {
            let mut prev = self.members_on(g, as_of);
            for i in 1..=days {
                let day = as_of + Duration::days(i);
                let now = self.members_on(g, day);
                for c in now.difference(&prev) {
                    out.push((g.name.clone(), c.clone(), day, true));
                }
                for c in prev.difference(&now) {
                    out.push((g.name.clone(), c.clone(), day - Duration::days(1), false));
                }
                prev = now;
            }
        }
        out
    }
}

/// The winner among candidates; a tie at the top is an error naming both rows.
fn pick(mut c: Vec<Candidate>) -> Result<Option<Candidate>, (CellRef, CellRef)> {
    c.sort_by_key(|c| std::cmp::Reverse(c.key()));
    if let [a, b, ..] = c.as_slice()
        && a.key() == b.key()
        && a.rule.cell != b.rule.cell
    {
        return Err((a.rule.cell.clone(), b.rule.cell.clone()));
    }
    Ok(c.into_iter().next())
}

/// Problems in the group sheets: overlapping memberships of one customer in one group, a price
/// list or promotion naming a product no sales line has, a group naming a missing price list,
/// a promotion naming an unknown group.
pub fn validate(book: &GroupBook<'_>) -> Vec<Problem> {
    let data = book.data;
    let mut out = Vec::new();
    let err = |place: &CellRef, found: &str, expected: String| Problem {
        severity: Severity::Error,
        place: place.to_string(),
        found: found.to_string(),
        expected,
    };
    let mut by: BTreeMap<(&str, &str), Vec<&MemberRow>> = BTreeMap::new();
    for m in &data.members {
        by.entry((m.group.as_str(), m.customer.as_str()))
            .or_default()
            .push(m);
    }
    for ((group, customer), mut rows) in by {
        rows.sort_by_key(|m| m.start);
        for w in rows.windows(2) {
            let (a, b) = (w[0], w[1]);
            let overlaps = a.end.is_none_or(|e| b.start.is_none_or(|s| s <= e));
            if overlaps {
                out.push(err(
                    &b.cell,
                    customer,
                    format!(
                        "one membership of {customer} in {group} at a time, but it overlaps {} ({} ~ {})",
                        a.cell,
                        a.start.map(|d| d.to_string()).unwrap_or_default(),
                        a.end.map(|d| d.to_string()).unwrap_or_default()
                    ),
                ));
            }
        }
    }
    let products: BTreeSet<&str> = data
        .lines
        .iter()
        .map(|l| l.product.as_str())
        .chain(data.later_products.iter().map(String::as_str))
        .collect();
    if !products.is_empty() {
        for p in &data.prices {
            if !products.contains(p.product.as_str()) {
                out.push(err(
                    &p.product_cell,
                    &p.product,
                    "a product sold in the sales sheet".into(),
                ));
            }
        }
        for p in &data.promos {
            if let Some(prod) = &p.product
                && !products.contains(prod.as_str())
            {
                out.push(err(
                    &p.product_cell,
                    prod,
                    "a product sold in the sales sheet (or blank for all)".into(),
                ));
            }
        }
    }
    for g in &data.groups {
        if let Some(list) = &g.price_list
            && !data.prices.iter().any(|p| &p.list == list)
        {
            out.push(err(
                &g.cell,
                list,
                "a price list named in the Price List sheet".into(),
            ));
        }
    }
    for p in &data.promos {
        if let Some(gname) = &p.group
            && book.group(gname).is_none()
        {
            out.push(err(
                &p.cell,
                gname,
                "a group of the Groups sheet (or blank for everyone)".into(),
            ));
        }
    }
    out
}

/// Every problem of the group sheets as of `as_of` ([`validate`] and price ties); none without
/// group sheets. For `check`, which reports every data problem.
pub fn group_problems(dataset: &Dataset, settings: &Settings, as_of: NaiveDate) -> Vec<Problem> {
    if dataset.groups.is_empty() {
        return Vec::new();
    }
    let book = GroupBook::new(dataset, settings);
    let mut out = validate(&book);
    out.extend(book.price_check(as_of).1);
    out
}

/// One group's figures on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSummary {
    pub group: String,
    pub members: Vec<String>,
    /// Net revenue in the lookback window ending on the day, from today's members.
    pub revenue: Decimal,
    /// Members with an order in the window.
    pub buyers: u32,
}

/// Each group's members, revenue and buyers as of `as_of` (from the customer table of that day).
pub fn summaries(
    book: &GroupBook<'_>,
    table: &CustomerTable,
    as_of: NaiveDate,
) -> Vec<GroupSummary> {
    book.groups
        .iter()
        .map(|g| {
            let members: Vec<String> = book.members_on(g, as_of).into_iter().collect();
            let (mut revenue, mut buyers) = (Decimal::ZERO, 0);
            for m in &members {
                if let Some(c) = table.get(m) {
                    revenue += c.total;
                    if c.orders > 0 {
                        buyers += 1;
                    }
                }
            }
            GroupSummary {
                group: g.name.clone(),
                members,
                revenue,
                buyers,
            }
        })
        .collect()
}

/// Each customer's groups on the table's day in its `group` field (after the Customers sheet's
/// own group, when that is not one of them): `도매, 클럽`. Nothing changes without group sheets.
pub fn tag_groups(dataset: &Dataset, settings: &Settings, table: &mut CustomerTable) {
    if dataset.groups.is_empty() {
        return;
    }
    let book = GroupBook::new(dataset, settings);
    let day = table.as_of;
    for c in &mut table.rows {
        let mut names: Vec<String> = book
            .groups_of(&c.key, day)
            .into_iter()
            .map(|g| g.name.clone())
            .collect();
        if let Some(own) = c.group.take()
            && !names.contains(&own)
        {
            names.insert(0, own);
        }
        c.group = (!names.is_empty()).then(|| names.join(", "));
    }
    // Grade rules that name a group see the dated groups too.
    let regrade = |rules: &[crate::settings::GradeRule]| rules.iter().any(|r| r.rule.uses_group());
    let (vip, responder) = (
        regrade(&settings.vip_rules),
        regrade(&settings.responder_rules),
    );
    for c in &mut table.rows {
        if vip {
            c.vip = crate::analysis::customers::grade(&settings.vip_rules, c);
        }
        if responder {
            c.responder = crate::analysis::customers::grade(&settings.responder_rules, c);
        }
    }
}

/// A customer's numbers with the groups listed for them on a day (for group rules that name
/// another group: `group == "도매" and total >= 1000000`).
struct WithGroups<'c> {
    stats: &'c crate::analysis::customers::CustomerStats,
    groups: Vec<String>,
}

impl crate::rules::Metrics for WithGroups<'_> {
    fn metric(&self, m: crate::rules::Metric) -> Option<Decimal> {
        self.stats.metric(m)
    }
    fn groups(&self) -> Vec<String> {
        self.groups.clone()
    }
}

/// What `dangol groups add` found for one e-mail of its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddVerdict {
    /// A customer not yet in the group: to be added.
    Add,
    /// Already a member on the as-of day.
    Already,
    /// No customer has this e-mail.
    Unknown,
    /// Listed earlier in the same list.
    Duplicate,
}

/// Each e-mail of `list` with what adding it to `group` would do, in list order (empty for
/// a group that does not exist).
pub fn add_verdicts(
    list: &[String],
    book: &GroupBook<'_>,
    table: &CustomerTable,
    group: &str,
) -> Vec<(String, AddVerdict)> {
    let Some(g) = book.group(group) else {
        return Vec::new();
    };
    let members = book.members_on(g, table.as_of);
    let mut seen = BTreeSet::new();
    list.iter()
        .map(|e| {
            let v = if !seen.insert(e.clone()) {
                AddVerdict::Duplicate
            } else if !e.contains('@') || table.get(e).is_none() {
                AddVerdict::Unknown
            } else if members.contains(e) {
                AddVerdict::Already
            } else {
                AddVerdict::Add
            };
            (e.clone(), v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Metric, Metrics, Rule};

    struct In(Vec<&'static str>);
    impl Metrics for In {
        fn metric(&self, _: Metric) -> Option<Decimal> {
            Some(Decimal::from(3))
        }
        fn groups(&self) -> Vec<String> {
            self.0.iter().map(ToString::to_string).collect()
        }
    }

    #[test]
    fn group_is_compared_by_name_in_rules() {
        let r = Rule::parse("group == \"도매\" and orders >= 2").expect("rule");
        assert!(r.uses_group());
        assert!(r.eval(&In(vec!["클럽", "도매"])));
        assert!(!r.eval(&In(vec!["클럽"])));
        assert_eq!(
            r.reason(&In(vec!["도매"])),
            "group = \"도매\" and orders 3 ≥ 2"
        );
        let not = Rule::parse("group != “도매”").expect("curly quotes");
        assert!(not.eval(&In(vec![])));
        assert!(!not.eval(&In(vec!["도매"])));
        assert!(!Rule::parse("orders >= 1").expect("rule").uses_group());
    }

    #[test]
    fn group_rules_with_a_bad_operator_or_no_quotes_are_errors() {
        let e = Rule::parse("group >= \"도매\"").expect_err("op");
        assert_eq!(e.message, "group is compared with == or !=, not '>='");
        let e = Rule::parse("group == 도매").expect_err("quotes");
        assert_eq!(
            e.message,
            "expected a group name in quotes after '==' (group == \"도매\"), found '도매'"
        );
        let e = Rule::parse("group == \"도매").expect_err("unterminated");
        assert_eq!(e.message, "unterminated text: a closing '\"' is missing");
    }

    #[test]
    fn discounts_never_go_below_zero() {
        use crate::ingest::groups::Discount;
        assert_eq!(
            Discount::Percent(Decimal::from(10)).apply(Decimal::from(2000)),
            Decimal::from(1800)
        );
        assert_eq!(
            Discount::Amount(Decimal::from(500)).apply(Decimal::from(300)),
            Decimal::ZERO
        );
    }
}
