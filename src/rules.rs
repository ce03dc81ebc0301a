//! The grade-rule language (SPEC §3 "Grade rules"): parse, evaluate, explain.
//! (Skeleton: bodies filled in by the rules work.)

use rust_decimal::Decimal;

/// A per-customer metric a rule can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    Orders,
    Total,
    AvgOrder,
    RecencyDays,
    TenureDays,
    OrdersAll,
    TotalAll,
    R,
    F,
    M,
    TotalRankPct,
    Quotes,
    Opens,
    Responses,
    Conversions,
    OpenRate,
    ConversionRate,
    DaysSinceLastQuote,
    Reminders,
}

impl Metric {
    /// Every metric, in SPEC order.
    pub const ALL: [Metric; 19] = [
        Metric::Orders,
        Metric::Total,
        Metric::AvgOrder,
        Metric::RecencyDays,
        Metric::TenureDays,
        Metric::OrdersAll,
        Metric::TotalAll,
        Metric::R,
        Metric::F,
        Metric::M,
        Metric::TotalRankPct,
        Metric::Quotes,
        Metric::Opens,
        Metric::Responses,
        Metric::Conversions,
        Metric::OpenRate,
        Metric::ConversionRate,
        Metric::DaysSinceLastQuote,
        Metric::Reminders,
    ];

    /// The name used in rules (`days_since_last_quote`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Orders => "orders",
            Metric::Total => "total",
            Metric::AvgOrder => "avg_order",
            Metric::RecencyDays => "recency_days",
            Metric::TenureDays => "tenure_days",
            Metric::OrdersAll => "orders_all",
            Metric::TotalAll => "total_all",
            Metric::R => "r",
            Metric::F => "f",
            Metric::M => "m",
            Metric::TotalRankPct => "total_rank_pct",
            Metric::Quotes => "quotes",
            Metric::Opens => "opens",
            Metric::Responses => "responses",
            Metric::Conversions => "conversions",
            Metric::OpenRate => "open_rate",
            Metric::ConversionRate => "conversion_rate",
            Metric::DaysSinceLastQuote => "days_since_last_quote",
            Metric::Reminders => "reminders",
        }
    }
}

/// Values of the metrics for one customer. `None` = no value (every comparison is false).
pub trait Metrics {
    fn metric(&self, m: Metric) -> Option<Decimal>;
}

/// A parse error, with the byte offset in the rule text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub message: String,
    pub offset: usize,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleError {}

/// A parsed rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    source: String,
}

impl Rule {
    /// Parse rule text (`total >= 1_000_000 and orders >= 5`).
    pub fn parse(source: &str) -> Result<Rule, RuleError> {
        unimplemented!("{source}")
    }
    /// The text as written.
    pub fn source(&self) -> &str {
        &self.source
    }
    /// Whether the rule is the constant `true`.
    pub fn is_true(&self) -> bool {
        unimplemented!()
    }
    /// Evaluate for one customer.
    pub fn eval(&self, m: &dyn Metrics) -> bool {
        let _ = m;
        unimplemented!()
    }
    /// The rule with the customer's numbers: `total 1,250,000 ≥ 1,000,000 and orders 7 ≥ 5`.
    pub fn reason(&self, m: &dyn Metrics) -> String {
        let _ = m;
        unimplemented!()
    }
}
