//! The weekly report's KPI table as people read it: values, the week before and the change,
//! formatted in the report's language and currency (the PDF, the notification and the Weekly
//! sheet's companions). The analysis (`analysis::weekly`) keeps the numbers only.

use rust_decimal::Decimal;

use crate::analysis::weekly::{Direction, NONE, WeeklyReport, display, pct_change};

/// One line of the KPI table, formatted for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiRow {
    pub label_en: &'static str,
    pub label_ko: &'static str,
    /// This week (`₩1,250,000`, `12`, `41.7%`; `–` when undefined).
    pub value: String,
    /// The week before, formatted the same way.
    pub previous: String,
    /// Absolute change (`+₩150,000`, `-2`, `+5.0%p`/`+5.0 pp` for rates; `–` when unknown).
    pub change: String,
    /// Relative change (`+12.5%`); `–` when the previous value is 0 or unknown.
    pub change_pct: String,
    pub direction: Direction,
}

/// The eight KPIs with this week, last week and the change, formatted for display in the
/// report's language and currency.
pub fn kpi_rows(report: &WeeklyReport) -> Vec<KpiRow> {
    let (now_k, prev_k, cur) = (&report.current, &report.previous, report.currency);
    let money = |d: Decimal| crate::i18n::money(report.lang, d, cur);
    let pp = report.lang.pick("%p", " pp");
    let mut rows = Vec::with_capacity(8);
    let mut push =
        |label_en, label_ko, now: Option<Decimal>, before: Option<Decimal>, kind: Kind| {
            let show = |v: Option<Decimal>| {
                v.map_or_else(
                    || NONE.to_string(),
                    |v| match kind {
                        Kind::Money => money(v),
                        Kind::Count => display::number(v),
                        Kind::Rate => display::percent(v * Decimal::ONE_HUNDRED),
                    },
                )
            };
            let (change, change_pct, direction) = match (now, before) {
                (Some(n), Some(b)) => {
                    let d = n - b;
                    let change = match kind {
                        Kind::Money => display::signed(d, money(d.abs())),
                        Kind::Count => display::signed(d, display::number(d.abs())),
                        Kind::Rate => {
                            let pts = d * Decimal::ONE_HUNDRED;
                            format!(
                                "{}{pp}",
                                display::signed(pts, display::one_decimal(pts.abs()))
                            )
                        }
                    };
                    let pct = pct_change(n, b).map_or_else(
                        || NONE.to_string(),
                        |x| display::signed(x, display::percent(x.abs())),
                    );
                    let dir = match d.cmp(&Decimal::ZERO) {
                        std::cmp::Ordering::Greater => Direction::Up,
                        std::cmp::Ordering::Less => Direction::Down,
                        std::cmp::Ordering::Equal => Direction::Flat,
                    };
                    (change, pct, dir)
                }
                _ => (NONE.to_string(), NONE.to_string(), Direction::Unknown),
            };
            rows.push(KpiRow {
                label_en,
                label_ko,
                value: show(now),
                previous: show(before),
                change,
                change_pct,
                direction,
            });
        };
    let n = |x: u64| Some(Decimal::from(x));
    push(
        "Revenue",
        "매출",
        Some(now_k.revenue),
        Some(prev_k.revenue),
        Kind::Money,
    );
    push(
        "Orders",
        "주문 수",
        n(now_k.orders),
        n(prev_k.orders),
        Kind::Count,
    );
    push(
        "Customers",
        "구매 고객",
        n(now_k.customers),
        n(prev_k.customers),
        Kind::Count,
    );
    push(
        "New customers",
        "신규 고객",
        n(now_k.new_customers),
        n(prev_k.new_customers),
        Kind::Count,
    );
    push(
        "Average order",
        "평균 주문액",
        now_k.avg_order,
        prev_k.avg_order,
        Kind::Money,
    );
    push(
        "Quotes sent",
        "견적 발송",
        n(now_k.quotes_sent),
        n(prev_k.quotes_sent),
        Kind::Count,
    );
    push(
        "Open rate",
        "열람률",
        now_k.open_rate,
        prev_k.open_rate,
        Kind::Rate,
    );
    push(
        "Conversion rate",
        "전환율",
        now_k.conversion_rate,
        prev_k.conversion_rate,
        Kind::Rate,
    );
    rows
}

#[derive(Clone, Copy)]
enum Kind {
    Money,
    Count,
    Rate,
}

#[cfg(test)]
mod tests {
    use chrono::Weekday;

    use super::*;
    use crate::analysis::weekly::tests::fixture;
    use crate::analysis::weekly::{Week, weekly_report};
    use crate::model::{Currency, Lang, SalesLedger};

    #[test]
    fn kpi_rows_format_values_and_changes() {
        let (l, q) = fixture();
        let w = Week::parse("2025-W16", Weekday::Mon).unwrap();
        let mut r = weekly_report(&l, &q, w, Weekday::Mon, 10);
        let rows: Vec<[String; 6]> = kpi_rows(&r)
            .into_iter()
            .map(|k| {
                [
                    k.label_en.into(),
                    k.value,
                    k.previous,
                    k.change,
                    k.change_pct,
                    format!("{:?}", k.direction),
                ]
            })
            .collect();
        let want = [
            [
                "Revenue",
                "₩450,000",
                "₩95,000",
                "+₩355,000",
                "+373.7%",
                "Up",
            ],
            ["Orders", "4", "1", "+3", "+300.0%", "Up"],
            ["Customers", "3", "1", "+2", "+200.0%", "Up"],
            ["New customers", "1", "1", "0", "0.0%", "Flat"],
            [
                "Average order",
                "₩112,500",
                "₩95,000",
                "+₩17,500",
                "+18.4%",
                "Up",
            ],
            ["Quotes sent", "4", "2", "+2", "+100.0%", "Up"],
            ["Open rate", "75.0%", "50.0%", "+25.0 pp", "+50.0%", "Up"],
            ["Conversion rate", "25.0%", "0.0%", "+25.0 pp", "–", "Up"],
        ];
        assert_eq!(rows, want.map(|r| r.map(String::from)));
        r.lang = Lang::Ko;
        r.currency = Currency::Gbp;
        let rows = kpi_rows(&r);
        assert_eq!(rows[0].label_ko, "매출");
        assert_eq!(rows[0].value, "£450,000.00");
        assert_eq!(rows[6].change, "+25.0%p");
    }

    #[test]
    fn empty_weeks_have_no_averages_or_rates() {
        let w = Week::parse("2025-W16", Weekday::Mon).unwrap();
        let r = weekly_report(&SalesLedger::default(), &[], w, Weekday::Mon, 10);
        let rows = kpi_rows(&r);
        assert_eq!(rows[0].value, "₩0");
        assert_eq!(rows[0].change, "₩0");
        assert_eq!(rows[0].change_pct, "–");
        assert_eq!(
            (rows[4].value.as_str(), rows[4].change.as_str()),
            ("–", "–")
        );
        assert_eq!(rows[6].direction, Direction::Unknown);
        assert!(r.top_customers.is_empty());
    }
}
