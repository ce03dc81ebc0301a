//! The built-in settings of SPEC §3: what applies when neither flags, `dangol.toml` nor the
//! workbook's Settings sheet say otherwise.

use std::collections::BTreeMap;

use chrono::Weekday;
use rust_decimal::Decimal;

use super::{
    FunnelMode, FunnelUnit, GradeKind, GradeName, GradeRule, LangSetting, Origin, RfmMethod,
    Settings,
};
use crate::model::values::DateOrder;
use crate::rules::Rule;

/// The default VIP table (SPEC §3): (en, ko, rule), highest grade first.
const VIP: [(&str, &str, &str); 5] = [
    ("VIP", "VIP", "total >= 1000000 and orders >= 5"),
    ("Gold", "골드", "total >= 500000 or orders >= 3"),
    ("Standard", "일반", "orders >= 2"),
    ("New", "신규", "orders >= 1"),
    ("Prospect", "잠재", "true"),
];

/// The default responder table (SPEC §3), highest grade first.
const RESPONDER: [(&str, &str, &str); 5] = [
    ("Regular", "단골", "conversions >= 2"),
    (
        "Interested",
        "관심고객",
        "opens >= 1 or responses >= 1 or conversions >= 1",
    ),
    ("Pending", "대기", "days_since_last_quote < 7"),
    ("Unresponsive", "미응답", "quotes >= 1"),
    ("No quotes", "견적없음", "true"),
];

impl Settings {
    /// Every setting at its built-in value, with no origins recorded (all are defaults).
    pub fn defaults() -> Settings {
        Settings {
            shop_name: String::new(),
            shop_email: String::new(),
            currency: None,
            lang: LangSetting::Auto,
            week_start: Weekday::Mon,
            date_order: DateOrder::Auto,
            lookback_days: 365,
            cancel_words: super::defs::list(super::defs::CANCEL_WORDS),
            // None by default: Korean order ids often start with `C` (`C20261103-001`); UCI-style
            // credit invoices need `cancel_prefix = C` (SPEC §2).
            cancel_prefix: String::new(),
            backups: 7,
            sheet_pins: BTreeMap::new(),
            vip_rules: Settings::default_grade_rules(GradeKind::Vip),
            responder_rules: Settings::default_grade_rules(GradeKind::Responder),
            rfm_method: RfmMethod::Auto,
            // Fixed cut points (SPEC §3), used by `rfm.method = fixed` and by `auto` for a small
            // shop. Recency in days (score 5 = within 30 days), orders and net total in the
            // window; won amounts (two-decimal currencies: see `analysis::rfm`).
            rfm_recency_days: ints(&[30, 60, 90, 180]),
            rfm_frequency: ints(&[2, 3, 4, 6]),
            rfm_monetary: ints(&[100_000, 300_000, 500_000, 1_000_000]),
            reminder_after_days: 3,
            reminder_max: 2,
            reminder_gap_days: 3,
            reminder_max_age_days: 30,
            winback_after_days: 90,
            flows_catch_up_days: 7,
            funnel_stages: Vec::new(),
            funnel_mode: FunnelMode::Reach,
            funnel_unit: FunnelUnit::Quote,
            stock: super::StockSettings {
                velocity_days: 30,
                low_threshold: Decimal::from(2),
                dead_days: 90,
                lead_time_days: 7,
            },
            report_top_n: 10,
            cart_recovery_days: 7,
            clv_discount: Decimal::new(1, 2),
            clv_min_repeaters: 30,
            notify: crate::notify::NotifySettings::default(),
            pricing_stack: false,
            origins: BTreeMap::new(),
        }
    }

    /// The built-in grade table of `kind` (SPEC §3), highest grade first, ending in `true`.
    pub fn default_grade_rules(kind: GradeKind) -> Vec<GradeRule> {
        let table = match kind {
            GradeKind::Vip => &VIP,
            GradeKind::Responder => &RESPONDER,
        };
        table
            .iter()
            .map(|&(en, ko, rule)| GradeRule {
                grade: GradeName {
                    en: en.to_string(),
                    ko: ko.to_string(),
                },
                // The texts are constants above; `default_rules_parse` tests every one.
                rule: Rule::parse(rule).expect("built-in grade rule parses"),
                origin: Origin::Default,
            })
            .collect()
    }
}

impl Settings {
    /// Money defaults in a two-decimal currency (SPEC §3): the default VIP amounts become 1,000
    /// and 500 and the fixed RFM monetary cuts 100/300/500/1,000, unless the owner set them. Won keeps the built-in amounts.
    pub fn use_money_defaults_for(&mut self, currency: crate::model::Currency) {
        if currency.decimals() == 0 {
            return;
        }
        if !self.origins.contains_key("vip.rules") {
            self.vip_rules = Settings::default_grade_rules(GradeKind::Vip)
                .into_iter()
                .map(|mut r| {
                    let text = r
                        .rule
                        .source()
                        .replace("total >= 1000000", "total >= 1000")
                        .replace("total >= 500000", "total >= 500");
                    if let Ok(rule) = Rule::parse(&text) {
                        r.rule = rule;
                    }
                    r
                })
                .collect();
        }
        if !self.origins.contains_key("rfm.monetary") {
            self.rfm_monetary = ints(&[100, 300, 500, 1000]);
        }
    }
}

fn ints(v: &[i64]) -> Vec<Decimal> {
    v.iter().copied().map(Decimal::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rules_parse() {
        for (_, _, r) in VIP.iter().chain(RESPONDER.iter()) {
            assert!(Rule::parse(r).is_ok(), "{r}");
        }
    }

    #[test]
    fn defaults_match_the_spec() {
        let s = Settings::defaults();
        assert_eq!(s.lookback_days, 365);
        assert_eq!(s.week_start, Weekday::Mon);
        assert_eq!(s.cancel_prefix, "");
        assert_eq!(s.backups, 7);
        assert_eq!(s.cancel_words.len(), 10);
        assert!(s.cancel_words.iter().all(|w| *w == w.to_lowercase()));
        assert_eq!(
            (s.reminder_after_days, s.reminder_max, s.reminder_gap_days),
            (3, 2, 3)
        );
        assert_eq!(s.report_top_n, 10);
        assert_eq!(s.currency, None);
        let names: Vec<_> = s.vip_rules.iter().map(|g| g.grade.en.as_str()).collect();
        assert_eq!(names, ["VIP", "Gold", "Standard", "New", "Prospect"]);
        let ko: Vec<_> = s
            .responder_rules
            .iter()
            .map(|g| g.grade.ko.as_str())
            .collect();
        assert_eq!(ko, ["단골", "관심고객", "대기", "미응답", "견적없음"]);
        for rules in [&s.vip_rules, &s.responder_rules] {
            assert!(rules.last().unwrap().rule.is_true());
            assert!(rules.iter().all(|g| g.origin == Origin::Default));
        }
        assert_eq!(
            s.vip_rules[0].rule.source(),
            "total >= 1000000 and orders >= 5"
        );
        for cuts in [&s.rfm_recency_days, &s.rfm_frequency, &s.rfm_monetary] {
            assert_eq!(cuts.len(), 4);
            assert!(cuts.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
