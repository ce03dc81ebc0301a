//! Weekly KPIs (SPEC §5 "Weekly PDF report"): the chosen week against the week before, a
//! 12-week revenue trend and the week's top customers — one plain struct that the PDF and the
//! `Weekly` sheet both render. Pure: the week and the as-of date are parameters.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rust_decimal::Decimal;

use crate::model::{Currency, Day, Lang, QuoteRow, SalesLedger};

/// How many weeks the revenue trend shows (the chosen week and the 11 before it).
pub const TREND_WEEKS: usize = 12;

/// A week of seven days starting on the shop's `week_start`, labelled with the ISO week that
/// holds most of its days (its middle day): with Monday starts that is exactly the ISO week;
/// a Sunday-start week `2025-04-13 ~ 2025-04-19` is `2025-W16` because Monday–Saturday are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Week {
    start: NaiveDate,
}

/// Why a text is not a week label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeekError {
    #[error("{0:?} is not an ISO week; expected a label like 2025-W16")]
    Syntax(String),
    #[error("{year} has no ISO week {week} (it has {weeks})")]
    NoSuchWeek { year: i32, week: u32, weeks: u32 },
}

fn days_from(day: Weekday, start: Weekday) -> u64 {
    u64::from((day.num_days_from_monday() + 7 - start.num_days_from_monday()) % 7)
}

impl Week {
    /// The week (starting on `week_start`) that contains `day`.
    pub fn containing(day: Day, week_start: Weekday) -> Week {
        let back = days_from(day.weekday(), week_start);
        // `checked_sub_days` fails only within 6 days of NaiveDate::MIN; stay put then.
        Week {
            start: day.checked_sub_days(Days::new(back)).unwrap_or(day),
        }
    }

    /// The last week that ended before `as_of`: the week holding `as_of` is never complete.
    pub fn last_complete_before(as_of: Day, week_start: Weekday) -> Week {
        Week::containing(as_of, week_start).prev()
    }

    /// Parse `2025-W16` (also `2025W16`, `2025-w16`) for weeks starting on `week_start`.
    pub fn parse(text: &str, week_start: Weekday) -> Result<Week, WeekError> {
        let syntax = || WeekError::Syntax(text.to_string());
        let t = text.trim().to_ascii_uppercase();
        let (y, w) = t.split_once('W').ok_or_else(syntax)?;
        let y = y.strip_suffix('-').unwrap_or(y);
        if y.len() != 4 || w.is_empty() || w.len() > 2 {
            return Err(syntax());
        }
        let year: i32 = y.parse().map_err(|_| syntax())?;
        let week: u32 = w.parse().map_err(|_| syntax())?;
        let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(|| {
            let weeks = NaiveDate::from_ymd_opt(year, 12, 28).map_or(52, |d| d.iso_week().week());
            WeekError::NoSuchWeek { year, week, weeks }
        })?;
        // The week whose middle day (start + 3) falls in Monday..=Sunday of the ISO week: its
        // start lies in monday-3 ..= monday+3, and exactly one of those days is `week_start`.
        let from = monday - Days::new(3);
        let start = from + Days::new(days_from(week_start, from.weekday()));
        Ok(Week { start })
    }

    /// The first day.
    pub fn start(self) -> Day {
        self.start
    }

    /// The last day.
    pub fn end(self) -> Day {
        self.start + Days::new(6)
    }

    /// Whether `day` falls in this week.
    pub fn contains(self, day: Day) -> bool {
        day >= self.start && day <= self.end()
    }

    /// The week before.
    #[must_use]
    pub fn prev(self) -> Week {
        Week {
            start: self.start - Days::new(7),
        }
    }

    /// The week after.
    #[must_use]
    pub fn next(self) -> Week {
        Week {
            start: self.start + Days::new(7),
        }
    }

    /// `(ISO year, ISO week number)` of the label.
    pub fn iso(self) -> (i32, u32) {
        let mid = (self.start + Days::new(3)).iso_week();
        (mid.year(), mid.week())
    }

    /// `2025-W16`.
    pub fn label(self) -> String {
        let (y, w) = self.iso();
        format!("{y}-W{w:02}")
    }

    /// `2025-04-14 ~ 2025-04-20`.
    pub fn range(self) -> String {
        format!(
            "{} ~ {}",
            self.start.format("%Y-%m-%d"),
            self.end().format("%Y-%m-%d")
        )
    }
}

impl fmt::Display for Week {
    /// `2025-W16 (2025-04-14 ~ 2025-04-20)`, as SPEC §5 writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.label(), self.range())
    }
}

/// One week's key figures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Kpis {
    /// Net: orders minus returns dated in the week, with or without a customer.
    pub revenue: Decimal,
    /// Orders dated in the week (an order's date is its earliest line's).
    pub orders: u64,
    /// Distinct customers with an order in the week.
    pub customers: u64,
    /// Customers whose first order ever falls in the week.
    pub new_customers: u64,
    /// `revenue / orders`; `None` without orders.
    pub avg_order: Option<Decimal>,
    /// Quotes sent in the week.
    pub quotes_sent: u64,
    /// Quotes sent in the week that are marked opened (any date).
    pub quotes_opened: u64,
    /// Quotes sent in the week that are marked converted (any date).
    pub quotes_converted: u64,
    /// `quotes_opened / quotes_sent` as a fraction; `None` when none were sent.
    pub open_rate: Option<Decimal>,
    /// `quotes_converted / quotes_sent` as a fraction; `None` when none were sent.
    pub conversion_rate: Option<Decimal>,
}

/// Revenue of one week of the trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekRevenue {
    pub week: Week,
    pub revenue: Decimal,
}

/// A top customer of the week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopCustomer {
    /// Identity key.
    pub customer: String,
    /// Name to show (the ledger's display name, else the key).
    pub name: String,
    pub orders: u64,
    /// Net revenue in the week.
    pub revenue: Decimal,
}

/// A grade upgrade or downgrade since the previous week (filled by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeChangeLine {
    pub customer: String,
    pub from: String,
    pub to: String,
    pub up: bool,
}

/// A reminder that is due (filled by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderLine {
    pub customer: String,
    /// The quote id, else the quote row's cell (`Quotes!A5`).
    pub quote_id: String,
    /// The quote row's first cell, for messages that name where a text came from.
    pub cell: crate::model::CellRef,
    pub days_since_sent: i64,
}

/// One bar of the week's quote funnel (filled by the caller from the funnel analysis).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelBar {
    /// Stage name in the report's language.
    pub label: String,
    pub count: u64,
    /// Share of the first stage, in percent (`Some(41.7)`); `None` when the first is 0.
    pub pct: Option<Decimal>,
}

/// Everything the weekly PDF (and the `Weekly` sheet) shows.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyReport {
    pub shop_name: String,
    pub currency: Currency,
    pub lang: Lang,
    pub as_of: Day,
    pub week: Week,
    pub current: Kpis,
    pub previous: Kpis,
    /// [`TREND_WEEKS`] weeks, oldest first, ending with `week`.
    pub trend: Vec<WeekRevenue>,
    /// By net revenue of the week, descending, then by key.
    pub top_customers: Vec<TopCustomer>,
    pub funnel: Vec<FunnelBar>,
    pub grade_changes: Vec<GradeChangeLine>,
    pub reminders: Vec<ReminderLine>,
    /// Customer value (SPEC §11): top customers by value and valuable customers at risk.
    pub value: crate::analysis::value::ValueSummary,
    /// Sales lines charged differently from the group or promotion price that applied, up to
    /// `as_of` (SPEC §7); the PDF gives them one line when there are any.
    pub price_mismatches: usize,
    /// Products low or out of stock (SPEC §10; filled by the caller, empty without a Stock
    /// sheet).
    pub low_stock: Vec<LowStockLine>,
    /// Abandoned carts (SPEC §12; filled by the caller): `None` without a carts sheet, and
    /// the PDF then says it cannot see carts.
    pub carts: Option<CartsWeek>,
}

/// The week's abandoned carts for the PDF (SPEC §12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartsWeek {
    /// Carts started in the week and their value, and how many of them were recovered.
    pub week: crate::analysis::carts::CartWeek,
    /// Open carts (not recovered, still within the recovery window) and their value.
    pub open: u32,
    pub open_value: Decimal,
    /// The most abandoned products with their unrecovered carts, at most five.
    pub products: Vec<(String, u32)>,
}

/// A product low or out of stock as of the report's day (filled by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowStockLine {
    pub product: String,
    pub stock: Decimal,
    pub threshold: Decimal,
    /// `None`: nothing sells.
    pub days_of_cover: Option<Decimal>,
    pub suggested_order: Decimal,
}

/// Direction of a week-over-week change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Flat,
    /// Nothing to compare (no value this week or last).
    Unknown,
}

/// Shown where a value is undefined (no orders, no quotes, previous 0).
pub const NONE: &str = "–";

/// Compute the weekly report for `week` (and the week before it). Grade changes, reminders
/// and the funnel are left empty for the caller to fill.
pub fn weekly_report(
    ledger: &SalesLedger,
    quotes: &[QuoteRow],
    week: Week,
    week_start: Weekday,
    top_n: usize,
) -> WeeklyReport {
    // `week_start` is implied by `week`; it is taken so callers cannot mix two conventions.
    debug_assert_eq!(week.start().weekday(), week_start);
    let first = week.start() - Days::new(7 * (TREND_WEEKS as u64 - 1));
    let mut t = Tally::new(first);
    t.add_ledger(ledger);
    t.top.sort_by(|a, b| {
        b.revenue
            .cmp(&a.revenue)
            .then_with(|| a.customer.cmp(&b.customer))
    });
    t.top.truncate(top_n);

    let mut trend = Vec::with_capacity(TREND_WEEKS);
    let mut w = Week { start: first };
    for r in t.revenue {
        trend.push(WeekRevenue {
            week: w,
            revenue: r,
        });
        w = w.next();
    }

    WeeklyReport {
        shop_name: String::new(),
        currency: Currency::Krw,
        lang: Lang::En,
        as_of: week.end() + Days::new(1),
        week,
        current: t.kpis(1, week, quotes),
        previous: t.kpis(0, week.prev(), quotes),
        trend,
        top_customers: std::mem::take(&mut t.top),
        funnel: Vec::new(),
        grade_changes: Vec::new(),
        reminders: Vec::new(),
        value: crate::analysis::value::ValueSummary::default(),
        price_mismatches: 0,
        low_stock: Vec::new(),
        carts: None,
    }
}

/// The sales of the [`TREND_WEEKS`] weeks ending with the report's week, summed per week:
/// revenue for the trend, orders and customers for the last two weeks (index 0 = the week
/// before, 1 = the week), and the week's customers for the top list.
struct Tally {
    /// The first day of the oldest trend week.
    first: Day,
    revenue: [Decimal; TREND_WEEKS],
    orders: [u64; 2],
    customers: [u64; 2],
    new_customers: [u64; 2],
    top: Vec<TopCustomer>,
}

impl Tally {
    const CUR: usize = TREND_WEEKS - 1;
    const PREV: usize = TREND_WEEKS - 2;

    fn new(first: Day) -> Tally {
        Tally {
            first,
            revenue: [Decimal::ZERO; TREND_WEEKS],
            orders: [0; 2],
            customers: [0; 2],
            new_customers: [0; 2],
            top: Vec::new(),
        }
    }

    /// Index of a day's week in the trend (0 = oldest, `TREND_WEEKS - 1` = the week).
    fn slot(&self, day: Day) -> Option<usize> {
        let d = (day - self.first).num_days();
        (0..7 * TREND_WEEKS as i64)
            .contains(&d)
            .then_some((d / 7) as usize)
    }

    fn add_ledger(&mut self, ledger: &SalesLedger) {
        for o in ledger.anonymous_orders.values() {
            if let Some(i) = self.slot(o.at.date()) {
                self.revenue[i] += o.amount;
                if i >= Self::PREV {
                    self.orders[i - Self::PREV] += 1;
                }
            }
        }
        for r in &ledger.anonymous_returns {
            if let Some(i) = self.slot(r.at.date()) {
                self.revenue[i] += r.amount;
            }
        }
        for (key, c) in &ledger.customers {
            self.add_customer(key, c);
        }
    }

    fn add_customer(&mut self, key: &str, c: &crate::model::CustomerLedger) {
        let (cur, prev) = (Self::CUR, Self::PREV);
        let mut seen = [false; 2];
        let mut week_orders = 0u64;
        let mut week_net = Decimal::ZERO;
        for o in c.orders.values() {
            if let Some(i) = self.slot(o.at.date()) {
                self.revenue[i] += o.amount;
                if i >= prev {
                    self.orders[i - prev] += 1;
                    seen[i - prev] = true;
                }
                if i == cur {
                    week_orders += 1;
                    week_net += o.amount;
                }
            }
        }
        for r in &c.returns {
            if let Some(i) = self.slot(r.at.date()) {
                self.revenue[i] += r.amount;
                if i == cur {
                    week_net += r.amount;
                }
            }
        }
        for (k, s) in seen.iter().enumerate() {
            self.customers[k] += u64::from(*s);
        }
        if let Some(i) = c
            .orders
            .values()
            .map(|o| o.at.date())
            .min()
            .and_then(|d| self.slot(d))
            && i >= prev
        {
            self.new_customers[i - prev] += 1;
        }
        if week_orders > 0 && week_net > Decimal::ZERO {
            let name = c.display_name().unwrap_or(key).to_string();
            self.top.push(TopCustomer {
                customer: key.to_string(),
                name,
                orders: week_orders,
                revenue: week_net,
            });
        }
    }

    /// The KPIs of week `k` (0 = the week before, 1 = the week) `w`, its quotes counted from
    /// `quotes`.
    fn kpis(&self, k: usize, w: Week, quotes: &[QuoteRow]) -> Kpis {
        let (mut sent, mut opened, mut converted) = (0u64, 0u64, 0u64);
        for q in quotes.iter().filter(|q| w.contains(q.sent.date())) {
            sent += 1;
            opened += u64::from(q.opened.is_yes() || q.opens > 0);
            converted += u64::from(q.converted.is_yes());
        }
        let rate = |n: u64| (sent > 0).then(|| Decimal::from(n) / Decimal::from(sent));
        let rev = self.revenue[Self::PREV + k];
        let orders = self.orders[k];
        Kpis {
            revenue: rev,
            orders,
            customers: self.customers[k],
            new_customers: self.new_customers[k],
            avg_order: (orders > 0).then(|| rev / Decimal::from(orders)),
            quotes_sent: sent,
            quotes_opened: opened,
            quotes_converted: converted,
            open_rate: rate(opened),
            conversion_rate: rate(converted),
        }
    }
}

/// Relative change in percent; `None` when the previous value is 0.
pub fn pct_change(cur: Decimal, prev: Decimal) -> Option<Decimal> {
    (!prev.is_zero()).then(|| (cur - prev) / prev.abs() * Decimal::ONE_HUNDRED)
}

/// Display formatting of the report's numbers (money and plain numbers as everywhere else).
pub mod display {
    use rust_decimal::{Decimal, RoundingStrategy};

    use crate::model::Currency;
    use crate::model::values::{format_money, format_number, group_thousands};

    /// `₩1,200,000`, `-£3.75`.
    pub fn money(d: Decimal, cur: Currency) -> String {
        format_money(d, cur)
    }

    /// `1,250,000`, `12.5` (no trailing zeros).
    pub fn number(d: Decimal) -> String {
        format_number(d)
    }

    /// One decimal place, grouped: `41.7`, `1,234.0`.
    pub fn one_decimal(d: Decimal) -> String {
        let r = d.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
        let sign = if r.is_sign_negative() && !r.is_zero() {
            "-"
        } else {
            ""
        };
        let mut abs = r.abs();
        abs.rescale(1);
        let text = abs.to_string();
        let (int, frac) = text.split_once('.').unwrap_or((&text, "0"));
        format!("{sign}{}.{frac}", group_thousands(int))
    }

    /// A percentage with one decimal: `41.7%`.
    pub fn percent(d: Decimal) -> String {
        format!("{}%", one_decimal(d))
    }

    /// Prefix an absolute text with the sign of `d`: `+…`, `-…`, or nothing for zero.
    pub fn signed(d: Decimal, abs_text: String) -> String {
        match d.cmp(&Decimal::ZERO) {
            std::cmp::Ordering::Greater => format!("+{abs_text}"),
            std::cmp::Ordering::Less => format!("-{abs_text}"),
            std::cmp::Ordering::Equal => abs_text,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{CellRef, Flag, SaleKind, SaleRow};

    fn dec(n: i64) -> Decimal {
        Decimal::from(n)
    }

    fn day(s: &str) -> Day {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn iso_labels_and_ranges() {
        let w = Week::parse("2025-W16", Weekday::Mon).unwrap();
        assert_eq!(w.start(), day("2025-04-14"));
        assert_eq!(w.to_string(), "2025-W16 (2025-04-14 ~ 2025-04-20)");
        assert_eq!(Week::parse("2025w16", Weekday::Mon).unwrap(), w);
        assert_eq!(
            Week::parse(" 2025-W6 ", Weekday::Mon).unwrap().label(),
            "2025-W06"
        );
        assert_eq!(w.prev().label(), "2025-W15");
        assert_eq!(w.next().to_string(), "2025-W17 (2025-04-21 ~ 2025-04-27)");
        assert!(w.contains(day("2025-04-20")) && !w.contains(day("2025-04-21")));
    }

    #[test]
    fn iso_week_53_and_year_boundaries() {
        let w = Week::parse("2020-W53", Weekday::Mon).unwrap();
        assert_eq!(w.to_string(), "2020-W53 (2020-12-28 ~ 2021-01-03)");
        assert_eq!(w.next().label(), "2021-W01");
        assert_eq!(Week::containing(day("2021-01-01"), Weekday::Mon), w);
        assert_eq!(
            Week::parse("2026-W53", Weekday::Mon).unwrap().to_string(),
            "2026-W53 (2026-12-28 ~ 2027-01-03)"
        );
        // 2025-01-01 is a Wednesday: its week starts in 2024 but is 2025's first ISO week.
        assert_eq!(
            Week::containing(day("2025-01-01"), Weekday::Mon).to_string(),
            "2025-W01 (2024-12-30 ~ 2025-01-05)"
        );
        assert_eq!(
            Week::parse("2025-W53", Weekday::Mon),
            Err(WeekError::NoSuchWeek {
                year: 2025,
                week: 53,
                weeks: 52
            })
        );
        assert_eq!(
            Week::parse("2025-W53", Weekday::Mon)
                .unwrap_err()
                .to_string(),
            "2025 has no ISO week 53 (it has 52)"
        );
        for bad in ["2025-16", "W16", "2025-W", "2025-W100", "25-W16", "2025-Wx"] {
            assert_eq!(
                Week::parse(bad, Weekday::Mon),
                Err(WeekError::Syntax(bad.to_string())),
                "{bad}"
            );
        }
    }

    #[test]
    fn sunday_start_weeks_take_the_iso_week_of_most_of_their_days() {
        let w = Week::parse("2025-W16", Weekday::Sun).unwrap();
        assert_eq!(w.to_string(), "2025-W16 (2025-04-13 ~ 2025-04-19)");
        assert_eq!(Week::containing(day("2025-04-13"), Weekday::Sun), w);
        assert_eq!(Week::containing(day("2025-04-19"), Weekday::Sun), w);
        assert_eq!(
            Week::containing(day("2025-04-20"), Weekday::Sun).label(),
            "2025-W17"
        );
        // Sunday 2024-12-29 starts the week whose Monday–Saturday are 2025-W01.
        let w = Week::containing(day("2025-01-01"), Weekday::Sun);
        assert_eq!(w.to_string(), "2025-W01 (2024-12-29 ~ 2025-01-04)");
        assert_eq!(Week::parse("2025-W01", Weekday::Sun).unwrap(), w);
        assert_eq!(
            Week::parse("2020-W53", Weekday::Sun).unwrap().to_string(),
            "2020-W53 (2020-12-27 ~ 2021-01-02)"
        );
        // Saturday starts too: every label parses back to the week it came from.
        let mut w = Week::containing(day("2019-12-01"), Weekday::Sat);
        for _ in 0..120 {
            assert_eq!(Week::parse(&w.label(), Weekday::Sat).unwrap(), w, "{w}");
            w = w.next();
        }
    }

    #[test]
    fn last_complete_week_excludes_the_as_of_week() {
        assert_eq!(
            Week::last_complete_before(day("2011-12-10"), Weekday::Mon).to_string(),
            "2011-W48 (2011-11-28 ~ 2011-12-04)"
        );
        assert_eq!(
            Week::last_complete_before(day("2025-04-21"), Weekday::Mon).label(),
            "2025-W16"
        );
        assert_eq!(
            Week::last_complete_before(day("2025-04-20"), Weekday::Mon).label(),
            "2025-W15"
        );
        assert_eq!(
            Week::last_complete_before(day("2025-04-20"), Weekday::Sun).to_string(),
            "2025-W16 (2025-04-13 ~ 2025-04-19)"
        );
    }

    fn sale(at: &str, customer: Option<&str>, amount: i64, kind: SaleKind) -> SaleRow {
        SaleRow {
            cell: CellRef::new("Sales", 1, 0),
            at: day(at).and_hms_opt(10, 0, 0).unwrap(),
            customer: customer.map(str::to_string),
            name: customer.map(|c| format!("{c} name")),
            email: None,
            phone: None,
            order_id: None,
            product: None,
            amount: Decimal::from(amount),
            kind,
            channel: None,
        }
    }

    fn quote(sent: &str, opened: bool, opens: u32, converted: bool) -> QuoteRow {
        QuoteRow {
            cell: CellRef::new("Quotes", 1, 0),
            quote_id: None,
            customer: Some("alice".into()),
            name: None,
            email: None,
            phone: None,
            sent: day(sent).and_hms_opt(9, 0, 0).unwrap(),
            opened: if opened { Flag::Yes } else { Flag::No },
            opens,
            responded: Flag::No,
            converted: if converted { Flag::Yes } else { Flag::No },
            order_id: None,
            amount: None,
            channel: None,
            status: None,
            reminded_at: None,
            reminders: 0,
        }
    }

    /// W16 = 2025-04-14..20, W15 = 04-07..13.
    pub(crate) fn fixture() -> (SalesLedger, Vec<QuoteRow>) {
        use SaleKind::{Order, Return, Void};
        let mut l = SalesLedger::default();
        let rows = [
            ("A1", sale("2025-04-08", Some("alice"), 100_000, Order)),
            ("A2", sale("2025-04-15", Some("alice"), 50_000, Order)),
            ("A2", sale("2025-04-15", Some("alice"), 30_000, Order)),
            ("B1", sale("2025-03-01", Some("bob"), 200_000, Order)),
            ("B2", sale("2025-04-16", Some("bob"), 300_000, Order)),
            ("BR", sale("2025-04-17", Some("bob"), -20_000, Return)),
            ("C1", sale("2025-04-19", Some("carol"), 80_000, Order)),
            ("X1", sale("2025-04-18", None, 10_000, Order)),
            ("XR", sale("2025-04-09", None, -5_000, Return)),
            ("D1", sale("2025-04-16", Some("dave"), 999_999, Void)),
            ("E1", sale("2024-01-01", Some("eve"), 50_000, Order)),
        ];
        for (k, r) in &rows {
            l.add(r, k);
        }
        let quotes = vec![
            quote("2025-04-14", true, 1, true),
            quote("2025-04-15", true, 1, false),
            quote("2025-04-16", false, 0, false),
            quote("2025-04-20", false, 2, false),
            quote("2025-04-07", true, 1, false),
            quote("2025-04-13", false, 0, false),
            quote("2025-04-21", true, 1, true),
        ];
        (l, quotes)
    }

    #[test]
    fn kpis_by_hand() {
        let (l, q) = fixture();
        let w = Week::parse("2025-W16", Weekday::Mon).unwrap();
        let r = weekly_report(&l, &q, w, Weekday::Mon, 2);
        assert_eq!(
            r.current,
            Kpis {
                revenue: dec(450_000),
                orders: 4,
                customers: 3,
                new_customers: 1,
                avg_order: Some(dec(112_500)),
                quotes_sent: 4,
                quotes_opened: 3,
                quotes_converted: 1,
                open_rate: Some(Decimal::new(75, 2)),
                conversion_rate: Some(Decimal::new(25, 2)),
            }
        );
        assert_eq!(
            r.previous,
            Kpis {
                revenue: dec(95_000),
                orders: 1,
                customers: 1,
                new_customers: 1,
                avg_order: Some(dec(95_000)),
                quotes_sent: 2,
                quotes_opened: 1,
                quotes_converted: 0,
                open_rate: Some(Decimal::new(5, 1)),
                conversion_rate: Some(Decimal::ZERO),
            }
        );
        assert_eq!(r.trend.len(), 12);
        assert_eq!(r.trend[0].week.label(), "2025-W05");
        assert_eq!(r.trend[11].week, w);
        let by_week: Vec<(String, Decimal)> = r
            .trend
            .iter()
            .filter(|t| !t.revenue.is_zero())
            .map(|t| (t.week.label(), t.revenue))
            .collect();
        assert_eq!(
            by_week,
            vec![
                ("2025-W09".to_string(), dec(200_000)),
                ("2025-W15".to_string(), dec(95_000)),
                ("2025-W16".to_string(), dec(450_000)),
            ]
        );
        // bob 300,000 - 20,000 returned; alice and carol tie at 80,000 and alice's key sorts first.
        let top: Vec<(&str, &str, u64, Decimal)> = r
            .top_customers
            .iter()
            .map(|t| (t.customer.as_str(), t.name.as_str(), t.orders, t.revenue))
            .collect();
        assert_eq!(
            top,
            vec![
                ("bob", "bob name", 1, dec(280_000)),
                ("alice", "alice name", 1, dec(80_000))
            ]
        );
    }

    #[test]
    fn money_and_number_formatting() {
        use display::{money, number, signed};
        assert_eq!(money(dec(1_234_567_890), Currency::Krw), "₩1,234,567,890");
        assert_eq!(money(Decimal::new(-375, 2), Currency::Gbp), "-£3.75");
        assert_eq!(money(Decimal::new(5, 1), Currency::Krw), "₩1");
        assert_eq!(money(Decimal::new(-4, 1), Currency::Krw), "₩0");
        assert_eq!(money(dec(100), Currency::Eur), "€100.00");
        assert_eq!(number(Decimal::new(12_500, 3)), "12.5");
        assert_eq!(number(dec(-1_250_000)), "-1,250,000");
        assert_eq!(signed(dec(-3), "3".into()), "-3");
    }
}
