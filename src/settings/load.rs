//! Merging settings from their sources — built-in defaults, the workbook's `Settings` and
//! `Grades` sheets, `dangol.toml`, command-line flags (later wins) — into one checked
//! [`Settings`], before any data is read.

use std::path::{Path, PathBuf};

use chrono::Weekday;
use rust_decimal::Decimal;

use super::{
    FunnelMode, FunnelUnit, GradeKind, GradeName, GradeRule, LangSetting, Origin, RfmMethod, Role,
    Settings,
};
use crate::model::values::{self, DateOrder};
use crate::model::{Currency, Lang};
use crate::rules::Rule;

/// A settings problem, naming where the bad value came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct SettingsError {
    pub origin: String,
    pub message: String,
}

/// Every key `dangol` knows (for messages, `dangol config` and "did you mean").
pub const KEYS: &[&str] = &[
    "shop_name",
    "shop_email",
    "currency",
    "lang",
    "week_start",
    "date_order",
    "lookback_days",
    "cancel_words",
    "cancel_prefix",
    "backups",
    "sheet.sales",
    "sheet.quotes",
    "sheet.customers",
    "sheet.pipeline",
    "sheet.settings",
    "vip.rules",
    "responder.rules",
    "rfm.method",
    "rfm.recency_days",
    "rfm.frequency",
    "rfm.monetary",
    "reminder.after_days",
    "reminder.max",
    "reminder.gap_days",
    "reminder.max_age_days",
    "winback.after_days",
    "funnel.stages",
    "funnel.mode",
    "funnel.unit",
    "report.top_n",
    "clv.discount",
    "clv.min_repeaters",
    "pricing.stack",
    "stock.velocity_days",
    "stock.low_threshold",
    "stock.dead_days",
    "stock.lead_time_days",
    "cart.recovery_days",
];

/// Korean names owners may use in the Settings sheet.
const KO_KEYS: &[(&str, &str)] = &[
    ("상호", "shop_name"),
    ("가게이름", "shop_name"),
    ("상점명", "shop_name"),
    ("통화", "currency"),
    ("언어", "lang"),
    ("주시작요일", "week_start"),
    ("분석기간", "lookback_days"),
    ("백업개수", "backups"),
];

/// One raw `key = value` from a sheet, file or flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSetting {
    pub key: String,
    pub value: String,
    pub origin: Origin,
}

/// One raw grade-rule row from the Grades sheet or TOML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawGrade {
    pub kind: String,
    pub grade: String,
    pub rule: String,
    pub origin: Origin,
}

/// Everything settings are built from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub sheet: Vec<RawSetting>,
    /// The key cell of each row of `sheet` (same order): an unknown key points there, a bad
    /// value at the value's cell.
    pub sheet_key_cells: Vec<Origin>,
    pub grades_sheet: Vec<RawGrade>,
    /// `dangol.toml` path and text.
    pub toml: Option<(PathBuf, String)>,
    pub flags: Vec<RawSetting>,
}

fn err(origin: &Origin, message: impl Into<String>) -> SettingsError {
    SettingsError {
        origin: origin.to_string(),
        message: message.into(),
    }
}

fn closest_key(key: &str) -> Option<&'static str> {
    KEYS.iter()
        .chain(crate::notify::settings::KEYS)
        .map(|k| (crate::ingest::headers::distance(key, k), *k))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, k)| k)
}

/// Whether a key (English, Korean or any case) is a setting dangol knows.
pub fn is_known_key(key: &str) -> bool {
    let key = canonical_key(key);
    KEYS.contains(&key.as_str())
        || crate::notify::settings::KEYS.contains(&key.as_str())
        || key.starts_with("notify.alimtalk.template.")
}

/// An unknown key, with the closest known one: `unknown setting 'lookback'; did you mean
/// 'lookback_days'?`.
pub fn unknown_key_message(key: &str) -> String {
    let canonical = canonical_key(key);
    let hint = closest_key(&canonical)
        .or_else(|| {
            KEYS.iter()
                .copied()
                .find(|k| k.starts_with(canonical.as_str()) && !canonical.is_empty())
        })
        .map(|k| format!("; did you mean '{k}'?"))
        .unwrap_or_default();
    format!("unknown setting '{}'{hint}", key.trim())
}

fn canonical_key(key: &str) -> String {
    let k = key.trim();
    let folded = values::header_key(k);
    for (ko, en) in KO_KEYS {
        if values::header_key(ko) == folded {
            return (*en).to_string();
        }
    }
    k.to_ascii_lowercase().replace('-', "_")
}

/// `1%`, `1 %` or `0.01` → 0.01; a rate outside 0 ..= 50 % a month is `None`.
fn parse_monthly_rate(v: &str) -> Option<Decimal> {
    let t = v.trim();
    let (num, pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let d: Decimal = num.parse().ok()?;
    let rate = if pct { d / Decimal::from(100) } else { d };
    (rate >= Decimal::ZERO && rate <= Decimal::new(5, 1)).then_some(rate)
}

fn parse_u32(
    v: &str,
    min: u32,
    max: u32,
    origin: &Origin,
    key: &str,
) -> Result<u32, SettingsError> {
    let n: u32 = v.trim().replace(['_', ','], "").parse().map_err(|_| {
        err(
            origin,
            format!("{key}: found {v:?}, expected a whole number from {min} to {max}"),
        )
    })?;
    if n < min || n > max {
        return Err(err(
            origin,
            format!("{key}: found {n}, expected a whole number from {min} to {max}"),
        ));
    }
    Ok(n)
}

fn list(v: &str) -> Vec<String> {
    v.split([',', '，', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn cut_points(v: &str, origin: &Origin, key: &str) -> Result<Vec<Decimal>, SettingsError> {
    let expected = "four ascending numbers separated by commas, e.g. 30, 60, 90, 180";
    let parts: Vec<&str> = v
        .split([',', ';', ' '])
        .filter(|s| !s.trim().is_empty())
        .collect();
    let mut out = Vec::new();
    for p in parts {
        let (d, _) = values::parse_money(p)
            .map_err(|()| err(origin, format!("{key}: found {v:?}, expected {expected}")))?;
        out.push(d);
    }
    if out.len() != 4 || out.windows(2).any(|w| w[0] >= w[1]) {
        return Err(err(
            origin,
            format!("{key}: found {v:?}, expected {expected}"),
        ));
    }
    Ok(out)
}

fn weekday(v: &str) -> Option<Weekday> {
    let k = v.trim().to_lowercase();
    Some(match k.as_str() {
        "monday" | "mon" | "월" | "월요일" => Weekday::Mon,
        "tuesday" | "tue" | "화" | "화요일" => Weekday::Tue,
        "wednesday" | "wed" | "수" | "수요일" => Weekday::Wed,
        "thursday" | "thu" | "목" | "목요일" => Weekday::Thu,
        "friday" | "fri" | "금" | "금요일" => Weekday::Fri,
        "saturday" | "sat" | "토" | "토요일" => Weekday::Sat,
        "sunday" | "sun" | "일" | "일요일" => Weekday::Sun,
        _ => return None,
    })
}

/// Apply one `key = value` to the settings.
pub fn apply(s: &mut Settings, raw: &RawSetting) -> Result<(), SettingsError> {
    let key = canonical_key(&raw.key);
    let v = raw.value.trim();
    let o = &raw.origin;
    let bad = |expected: &str| err(o, format!("{key}: found {v:?}, expected {expected}"));
    crate::notify::secrets::refuse_secret(&key, v, o)?;
    match key.as_str() {
        "shop_name" => s.shop_name = v.to_string(),
        "shop_email" => {
            let plain = |e: &str| {
                e.split_once('@')
                    .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'))
                    && !e.contains(|c: char| {
                        c.is_whitespace() || c.is_control() || "<>,;\"".contains(c)
                    })
            };
            if !v.is_empty() && !plain(v) {
                return Err(bad("an e-mail address such as shop@example.com"));
            }
            s.shop_email = v.to_string();
        }
        "currency" => {
            s.currency = match v.to_ascii_lowercase().as_str() {
                "" | "auto" => None,
                _ => Some(Currency::parse(v).ok_or_else(|| bad("KRW, GBP, USD, EUR or auto"))?),
            };
        }
        "lang" => {
            s.lang = match v.to_ascii_lowercase().as_str() {
                "auto" | "" => LangSetting::Auto,
                "ko" | "korean" | "한국어" => LangSetting::Fixed(Lang::Ko),
                "en" | "english" | "영어" => LangSetting::Fixed(Lang::En),
                _ => return Err(bad("auto, ko or en")),
            };
        }
        "week_start" => {
            s.week_start = weekday(v).ok_or_else(|| bad("a weekday such as monday or sunday"))?;
        }
        "date_order" => {
            s.date_order = match v.to_ascii_lowercase().as_str() {
                "auto" | "" => DateOrder::Auto,
                "dmy" | "d/m/y" | "day-month-year" => DateOrder::Dmy,
                "mdy" | "m/d/y" | "month-day-year" => DateOrder::Mdy,
                _ => return Err(bad("auto, dmy (15/04/2025) or mdy (4/15/2025)")),
            };
        }
        "lookback_days" => s.lookback_days = parse_u32(v, 1, 36_500, o, &key)?,
        "cancel_words" => s.cancel_words = list(v).into_iter().map(|w| w.to_lowercase()).collect(),
        "cancel_prefix" => s.cancel_prefix = v.to_string(),
        "backups" => s.backups = parse_u32(v, 0, 1000, o, &key)?,
        "sheet.sales" | "sheet.quotes" | "sheet.customers" | "sheet.pipeline" => {
            let role = match key.as_str() {
                "sheet.sales" => Role::Sales,
                "sheet.quotes" => Role::Quotes,
                "sheet.customers" => Role::Customers,
                _ => Role::Pipeline,
            };
            s.sheet_pins.insert(role, list(v));
        }
        // Used by the reader before the settings are read (it says where they are).
        "sheet.settings" => {}
        "vip.rules" | "responder.rules" => {
            return Err(err(
                o,
                format!(
                    "{key}: grade rules are set in the Grades sheet or as a TOML array of {{ grade, rule }} tables"
                ),
            ));
        }
        "rfm.method" => {
            s.rfm_method = match v.to_ascii_lowercase().as_str() {
                "auto" => RfmMethod::Auto,
                "quintile" | "quintiles" => RfmMethod::Quintile,
                "fixed" => RfmMethod::Fixed,
                _ => return Err(bad("auto, quintile or fixed")),
            };
        }
        "rfm.recency_days" => s.rfm_recency_days = cut_points(v, o, &key)?,
        "rfm.frequency" => s.rfm_frequency = cut_points(v, o, &key)?,
        "rfm.monetary" => s.rfm_monetary = cut_points(v, o, &key)?,
        "reminder.after_days" => s.reminder_after_days = parse_u32(v, 0, 3650, o, &key)?,
        "reminder.max" => s.reminder_max = parse_u32(v, 0, 100, o, &key)?,
        "reminder.gap_days" => s.reminder_gap_days = parse_u32(v, 0, 3650, o, &key)?,
        "reminder.max_age_days" => s.reminder_max_age_days = parse_u32(v, 0, 36500, o, &key)?,
        "winback.after_days" => s.winback_after_days = parse_u32(v, 1, 3650, o, &key)?,
        "funnel.stages" => s.funnel_stages = list(v),
        "funnel.mode" => {
            s.funnel_mode = match v.to_ascii_lowercase().as_str() {
                "reach" => FunnelMode::Reach,
                "strict" => FunnelMode::Strict,
                _ => return Err(bad("reach or strict")),
            };
        }
        "funnel.unit" => {
            s.funnel_unit = match v.to_ascii_lowercase().as_str() {
                "quote" | "quotes" => FunnelUnit::Quote,
                "customer" | "customers" => FunnelUnit::Customer,
                _ => return Err(bad("quote or customer")),
            };
        }
        "report.top_n" => s.report_top_n = parse_u32(v, 1, 100, o, &key)?,
        "stock.velocity_days" => s.stock.velocity_days = parse_u32(v, 1, 3650, o, &key)?,
        "stock.dead_days" => s.stock.dead_days = parse_u32(v, 1, 36_500, o, &key)?,
        "cart.recovery_days" => s.cart_recovery_days = parse_u32(v, 1, 365, o, &key)?,
        "stock.lead_time_days" => s.stock.lead_time_days = parse_u32(v, 0, 3650, o, &key)?,
        "stock.low_threshold" => {
            s.stock.low_threshold = values::parse_money(v)
                .ok()
                .map(|(d, _)| d)
                .filter(|d| *d >= Decimal::ZERO)
                .ok_or_else(|| bad("a number of units, 0 or more (e.g. 2)"))?;
        }
        "pricing.stack" => {
            s.pricing_stack = match values::parse_flag(v) {
                Ok(f) => f.is_yes(),
                Err(()) => return Err(bad("true or false")),
            };
        }
        "clv.discount" => {
            s.clv_discount = parse_monthly_rate(v)
                .ok_or_else(|| bad("a monthly discount rate from 0% to 50%, like 1% or 0.01"))?;
        }
        "clv.min_repeaters" => s.clv_min_repeaters = parse_u32(v, 1, 1_000_000, o, &key)?,
        k if k.starts_with("notify.")
            && crate::notify::settings::apply(&mut s.notify, k, v, o)? => {}
        _ => return Err(err(o, unknown_key_message(&raw.key))),
    }
    s.origins.insert(key, raw.origin.clone());
    Ok(())
}

/// `vip`, `VIP등급`, `responder`, `응답등급` … → the grade kind.
pub fn grade_kind(text: &str) -> Option<GradeKind> {
    let k = values::header_key(text);
    if k.starts_with("vip") || k == "고객등급" || k == "구매등급" || k == "등급" {
        Some(GradeKind::Vip)
    } else if k.starts_with("respon") || k.starts_with("응답") || k == "반응" || k == "반응등급"
    {
        Some(GradeKind::Responder)
    } else {
        None
    }
}

/// Replace a kind's rules with the given rows, checking each rule and the final `true`.
fn set_rules(s: &mut Settings, kind: GradeKind, rows: &[RawGrade]) -> Result<(), SettingsError> {
    let mut rules = Vec::new();
    for r in rows {
        let rule = Rule::parse(&r.rule).map_err(|e| {
            err(
                &r.origin,
                format!("rule {:?}: {e}", crate::rules::excerpt(&r.rule)),
            )
        })?;
        let name = r.grade.trim().to_string();
        if name.is_empty() {
            return Err(err(&r.origin, "a grade rule has no grade name"));
        }
        // Built-in grade names keep both languages so JSON stays English.
        let builtin = Settings::default_grade_rules(kind)
            .into_iter()
            .map(|r| r.grade)
            .find(|g| g.en == name || g.ko == name);
        rules.push(GradeRule {
            grade: builtin.unwrap_or(GradeName {
                en: name.clone(),
                ko: name,
            }),
            rule,
            origin: r.origin.clone(),
        });
    }
    check_rules(kind, &rules, rows.last().map(|r| &r.origin))?;
    let key = match kind {
        GradeKind::Vip => "vip.rules",
        GradeKind::Responder => "responder.rules",
    };
    if let Some(first) = rows.first() {
        s.origins.insert(key.to_string(), first.origin.clone());
    }
    match kind {
        GradeKind::Vip => s.vip_rules = rules,
        GradeKind::Responder => s.responder_rules = rules,
    }
    Ok(())
}

fn check_rules(
    kind: GradeKind,
    rules: &[GradeRule],
    last: Option<&Origin>,
) -> Result<(), SettingsError> {
    let name = match kind {
        GradeKind::Vip => "vip",
        GradeKind::Responder => "responder",
    };
    match rules.last() {
        Some(r) if r.rule.is_true() => Ok(()),
        Some(r) => Err(err(
            last.unwrap_or(&r.origin),
            format!(
                "the last {name} rule must be `true` so that every customer gets a grade (found {:?})",
                r.rule.source()
            ),
        )),
        None => Err(err(&Origin::Default, format!("no {name} grade rules"))),
    }
}

/// Flatten a TOML document into raw settings and grade rows, with `dangol.toml:LINE` origins.
pub fn parse_toml(
    path: &Path,
    text: &str,
) -> Result<(Vec<RawSetting>, Vec<RawGrade>), SettingsError> {
    use toml::de::{DeTable, DeValue};
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("dangol.toml")
        .to_string();
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let origin = |offset: usize| Origin::Toml(format!("{name}:{}", line_of(offset)));
    let doc = DeTable::parse(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        err(&origin(at), format!("not valid TOML: {}", e.message()))
    })?;
    let mut settings = Vec::new();
    let mut grades = Vec::new();

    fn scalar(v: &DeValue<'_>) -> Option<String> {
        match v {
            DeValue::String(s) => Some(s.to_string()),
            DeValue::Integer(i) => Some(i.as_str().replace('_', "")),
            DeValue::Float(f) => Some(f.as_str().to_string()),
            DeValue::Boolean(b) => Some(b.to_string()),
            DeValue::Datetime(d) => Some(d.to_string()),
            DeValue::Array(a) => {
                let parts: Option<Vec<String>> = a.iter().map(|x| scalar(x.get_ref())).collect();
                parts.map(|p| p.join(", "))
            }
            DeValue::Table(_) => None,
        }
    }

    fn walk(
        prefix: &str,
        table: &DeTable<'_>,
        origin: &dyn Fn(usize) -> Origin,
        settings: &mut Vec<RawSetting>,
        grades: &mut Vec<RawGrade>,
    ) -> Result<(), SettingsError> {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{prefix}.{}", k.get_ref())
            };
            let at = origin(k.span().start);
            if key == "vip.rules" || key == "responder.rules" {
                let DeValue::Array(items) = v.get_ref() else {
                    return Err(err(
                        &at,
                        format!(
                            "{key}: expected an array of {{ grade = \"…\", rule = \"…\" }} tables"
                        ),
                    ));
                };
                let kind = key.trim_end_matches(".rules").to_string();
                for item in items {
                    let o = origin(item.span().start);
                    let DeValue::Table(t) = item.get_ref() else {
                        return Err(err(
                            &o,
                            format!("{key}: expected a {{ grade = \"…\", rule = \"…\" }} table"),
                        ));
                    };
                    let field = |name: &str| {
                        t.iter()
                            .find(|(k, _)| k.get_ref() == name)
                            .and_then(|(_, v)| scalar(v.get_ref()))
                    };
                    let (Some(grade), Some(rule)) = (field("grade"), field("rule")) else {
                        return Err(err(
                            &o,
                            format!("{key}: each rule needs `grade` and `rule`"),
                        ));
                    };
                    grades.push(RawGrade {
                        kind: kind.clone(),
                        grade,
                        rule,
                        origin: o,
                    });
                }
                continue;
            }
            match v.get_ref() {
                DeValue::Table(t) => walk(&key, t, origin, settings, grades)?,
                other => {
                    let value = scalar(other)
                        .ok_or_else(|| err(&at, format!("{key}: expected a value")))?;
                    settings.push(RawSetting {
                        key,
                        value,
                        origin: origin(v.span().start),
                    });
                }
            }
        }
        Ok(())
    }
    walk("", doc.get_ref(), &origin, &mut settings, &mut grades)?;
    Ok((settings, grades))
}

/// Problems of the Settings sheet's keys: unknown keys (at the key's cell) and keys set twice
/// (naming both cells).
fn sheet_key_problems(src: &Sources) -> Vec<SettingsError> {
    let mut out = Vec::new();
    let mut seen: Vec<(String, &Origin)> = Vec::new();
    for (i, raw) in src.sheet.iter().enumerate() {
        let key_cell = src.sheet_key_cells.get(i).unwrap_or(&raw.origin);
        if !is_known_key(&raw.key) {
            out.push(err(key_cell, unknown_key_message(&raw.key)));
            continue;
        }
        let key = canonical_key(&raw.key);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            out.push(err(
                key_cell,
                format!("'{key}' is set twice ({first} and {key_cell}); keep one"),
            ));
        } else {
            seen.push((key, key_cell));
        }
    }
    out
}

/// Several problems as one error: the first, then each other on its own line.
fn combine(mut errors: Vec<SettingsError>) -> Result<(), SettingsError> {
    if errors.is_empty() {
        return Ok(());
    }
    let mut first = errors.remove(0);
    for e in errors {
        first.message.push_str(&format!("\nsettings: {e}"));
    }
    Err(first)
}

/// Build the effective settings from all sources. Every problem is reported, not only the
/// first.
pub fn resolve(src: &Sources) -> Result<Settings, SettingsError> {
    let mut s = Settings::defaults();
    let mut errors = sheet_key_problems(src);
    let sheet: Vec<RawSetting> = src
        .sheet
        .iter()
        .filter(|r| is_known_key(&r.key))
        .cloned()
        .collect();
    let mut layers: Vec<(Vec<RawSetting>, Vec<RawGrade>)> = vec![(sheet, src.grades_sheet.clone())];
    if let Some((path, text)) = &src.toml {
        match parse_toml(path, text) {
            Ok(layer) => layers.push(layer),
            Err(e) => errors.push(e),
        }
    }
    layers.push((src.flags.clone(), Vec::new()));
    for (raws, grades) in &layers {
        for r in raws {
            if let Err(e) = apply(&mut s, r) {
                errors.push(e);
            }
        }
        for kind in [GradeKind::Vip, GradeKind::Responder] {
            let mut rows = Vec::new();
            for g in grades {
                match grade_kind(&g.kind) {
                    Some(k) if k == kind => rows.push(g.clone()),
                    Some(_) => {}
                    None if kind == GradeKind::Vip => errors.push(err(
                        &g.origin,
                        format!("grade kind: found {:?}, expected vip or responder", g.kind),
                    )),
                    None => {}
                }
            }
            if !rows.is_empty()
                && let Err(e) = set_rules(&mut s, kind, &rows)
            {
                errors.push(e);
            }
        }
    }
    combine(errors)?;
    Ok(s)
}

/// Every effective setting as (key, value text, origin), for `dangol config`.
pub fn describe(s: &Settings) -> Vec<(String, String, String)> {
    let join = |v: &[String]| v.join(", ");
    let nums = |v: &[Decimal]| {
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    let mut push = |k: &str, v: String| {
        let o = s
            .origins
            .get(k)
            .map_or_else(|| "default".to_string(), ToString::to_string);
        out.push((k.to_string(), v, o));
    };
    push("shop_name", s.shop_name.clone());
    push("shop_email", s.shop_email.clone());
    push(
        "currency",
        s.currency
            .map_or("auto (from the data, else KRW)".to_string(), |c| {
                c.code().to_string()
            }),
    );
    push(
        "lang",
        match s.lang {
            LangSetting::Auto => "auto".into(),
            LangSetting::Fixed(Lang::Ko) => "ko".into(),
            LangSetting::Fixed(Lang::En) => "en".into(),
        },
    );
    push("week_start", format!("{:?}", s.week_start).to_lowercase());
    push(
        "date_order",
        match s.date_order {
            DateOrder::Auto => "auto",
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
        }
        .into(),
    );
    push("lookback_days", s.lookback_days.to_string());
    push("cancel_words", join(&s.cancel_words));
    push("cancel_prefix", s.cancel_prefix.clone());
    push("backups", s.backups.to_string());
    for role in [Role::Sales, Role::Quotes, Role::Customers, Role::Pipeline] {
        let k = format!("sheet.{}", crate::ingest::headers::role_name(role));
        let v = s
            .sheet_pins
            .get(&role)
            .map_or_else(|| "(found by headers)".to_string(), |v| join(v));
        push(&k, v);
    }
    for (k, rules) in [
        ("vip.rules", &s.vip_rules),
        ("responder.rules", &s.responder_rules),
    ] {
        let v = rules
            .iter()
            .map(|r| format!("{}: {}", r.grade.en, r.rule.source()))
            .collect::<Vec<_>>()
            .join(" | ");
        push(k, v);
    }
    push(
        "rfm.method",
        match s.rfm_method {
            RfmMethod::Auto => "auto",
            RfmMethod::Quintile => "quintile",
            RfmMethod::Fixed => "fixed",
        }
        .into(),
    );
    push("rfm.recency_days", nums(&s.rfm_recency_days));
    push("rfm.frequency", nums(&s.rfm_frequency));
    push("rfm.monetary", nums(&s.rfm_monetary));
    push("reminder.after_days", s.reminder_after_days.to_string());
    push("reminder.max", s.reminder_max.to_string());
    push("reminder.gap_days", s.reminder_gap_days.to_string());
    push("reminder.max_age_days", s.reminder_max_age_days.to_string());
    push("winback.after_days", s.winback_after_days.to_string());
    push(
        "funnel.stages",
        if s.funnel_stages.is_empty() {
            "(order of first appearance)".into()
        } else {
            join(&s.funnel_stages)
        },
    );
    push(
        "funnel.mode",
        if s.funnel_mode == FunnelMode::Reach {
            "reach"
        } else {
            "strict"
        }
        .into(),
    );
    push(
        "funnel.unit",
        if s.funnel_unit == FunnelUnit::Quote {
            "quote"
        } else {
            "customer"
        }
        .into(),
    );
    push("report.top_n", s.report_top_n.to_string());
    push(
        "clv.discount",
        format!("{}%", (s.clv_discount * Decimal::from(100)).normalize()),
    );
    push("clv.min_repeaters", s.clv_min_repeaters.to_string());
    for (k, v) in crate::notify::settings::describe(&s.notify) {
        push(&k, v);
    }
    push("pricing.stack", s.pricing_stack.to_string());
    push("stock.velocity_days", s.stock.velocity_days.to_string());
    push(
        "stock.low_threshold",
        s.stock.low_threshold.normalize().to_string(),
    );
    push("stock.dead_days", s.stock.dead_days.to_string());
    push("stock.lead_time_days", s.stock.lead_time_days.to_string());
    push("cart.recovery_days", s.cart_recovery_days.to_string());
    out
}
