//! Effective settings: defaults, the Settings sheet, `dangol.toml` and flags merged into one
//! typed, validated value that remembers where each value came from.

mod defaults;
pub mod defs;
pub mod load;

use std::collections::BTreeMap;
use std::fmt;

use chrono::Weekday;
use rust_decimal::Decimal;

use crate::model::values::DateOrder;
use crate::model::{Currency, Lang};
use crate::rules::Rule;

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    /// A cell of the Settings (or Grades/Templates) sheet, e.g. `Settings!B7`.
    Sheet(String),
    /// `dangol.toml:12`
    Toml(String),
    /// `--lang`
    Flag(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::Sheet(s) | Origin::Toml(s) | Origin::Flag(s) => f.write_str(s),
        }
    }
}

/// `lang` setting: auto-detect from headers, or fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LangSetting {
    #[default]
    Auto,
    Fixed(Lang),
}

/// RFM scoring method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RfmMethod {
    /// Quintiles when enough customers ordered in the window, else the fixed cut points
    /// (see `analysis::rfm::AUTO_MIN_CUSTOMERS`).
    #[default]
    Auto,
    Quintile,
    Fixed,
}

/// Funnel counting mode (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FunnelMode {
    #[default]
    Reach,
    Strict,
}

/// Funnel unit (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FunnelUnit {
    #[default]
    Quote,
    Customer,
}

/// The kind of a grade table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GradeKind {
    Vip,
    Responder,
}

/// A grade's name: built-in grades have both languages; owner-defined ones are as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GradeName {
    pub en: String,
    pub ko: String,
}

impl GradeName {
    pub fn in_lang(&self, lang: Lang) -> &str {
        lang.pick(&self.ko, &self.en)
    }
}

/// One ordered grade rule.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeRule {
    pub grade: GradeName,
    pub rule: Rule,
    pub origin: Origin,
}

/// Sheet roles (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Sales,
    Quotes,
    Customers,
    Pipeline,
    Settings,
    Grades,
    Templates,
    /// Customer groups (고객그룹), SPEC §7.
    Groups,
    /// Dated group members (그룹회원).
    GroupMembers,
    /// Group price lists (단가표).
    PriceList,
    /// Promotions (프로모션).
    Promotions,
    /// The stock list (재고, SPEC §10).
    Stock,
    /// Stock moves (입출고, SPEC §10).
    StockMoves,
    /// Lifecycle flows (자동발송규칙, SPEC §8).
    Flows,
    /// The store's abandoned-checkout export (장바구니, SPEC §12).
    Carts,
}

/// Every effective setting, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub shop_name: String,
    /// `shop_email`: the `From` and `Reply-To` of reminder drafts; empty = none (the mail
    /// program fills in its own account).
    pub shop_email: String,
    /// `None` = infer from the data, else KRW.
    pub currency: Option<Currency>,
    pub lang: LangSetting,
    pub week_start: Weekday,
    pub date_order: DateOrder,
    pub lookback_days: u32,
    /// Lower-cased.
    pub cancel_words: Vec<String>,
    pub cancel_prefix: String,
    pub backups: u32,
    /// `sheet.<role>`: sheets pinned to a role.
    pub sheet_pins: BTreeMap<Role, Vec<String>>,
    pub vip_rules: Vec<GradeRule>,
    pub responder_rules: Vec<GradeRule>,
    pub rfm_method: RfmMethod,
    /// Four ascending cut points each (score 1..5), used when `rfm_method` is `Fixed`.
    pub rfm_recency_days: Vec<Decimal>,
    pub rfm_frequency: Vec<Decimal>,
    pub rfm_monetary: Vec<Decimal>,
    pub reminder_after_days: u32,
    pub reminder_max: u32,
    pub reminder_gap_days: u32,
    /// `reminder.max_age_days`: quotes sent longer ago than this are no longer reminded (a
    /// year-old quote nobody followed up is history, not a to-do); 0 = no limit.
    pub reminder_max_age_days: u32,
    /// `winback.after_days`: a Standard-or-better customer with no order for more than this many
    /// days gets "win back" as the next action.
    pub winback_after_days: u32,
    /// `flows.catch_up_days` (SPEC §8): a flow message is sent up to this many days after its
    /// send day (a run missed over a weekend catches up); older ones are listed as missed.
    pub flows_catch_up_days: u32,
    /// Empty = order of first appearance.
    pub funnel_stages: Vec<String>,
    pub funnel_mode: FunnelMode,
    pub funnel_unit: FunnelUnit,
    pub report_top_n: u32,
    /// `clv.discount`: the monthly discount rate of the 12-month customer value (0.01 = 1 %).
    pub clv_discount: Decimal,
    /// `clv.min_repeaters`: fewer repeat customers than this and the value models are not fitted.
    pub clv_min_repeaters: u32,
    /// `notify.*`: where notifications go (SPEC §9); secrets are never here.
    pub notify: crate::notify::NotifySettings,
    /// `pricing.stack`: a promotion's discount applies on top of a group price (SPEC §7).
    pub pricing_stack: bool,
    /// `stock.*` (SPEC §10).
    pub stock: StockSettings,
    /// `cart.recovery_days` (SPEC §12): a cart is recovered when the customer ordered within
    /// this many days of starting it.
    pub cart_recovery_days: u32,
    /// Where each key's value came from.
    pub origins: BTreeMap<String, Origin>,
}

/// The `stock.*` settings (SPEC §10).
#[derive(Debug, Clone, PartialEq)]
pub struct StockSettings {
    /// `stock.velocity_days`: the days before the as-of date over which sales give velocity.
    pub velocity_days: u32,
    /// `stock.low_threshold`: low stock when a product and its parent set no safety stock.
    pub low_threshold: Decimal,
    /// `stock.dead_days`: no sale in this many days is dead stock.
    pub dead_days: u32,
    /// `stock.lead_time_days`: lead time when a product sets none.
    pub lead_time_days: u32,
}
