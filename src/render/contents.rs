//! Analysis results → [`SheetContent`]: the generated sheets' tables, typed and with headers in
//! the workbook's language (SPEC §5 "Generated sheets").
//!
//! Each function builds one sheet; [`crate::pipeline::Analyses::sheets`] puts them together.
//! Cells keep their types (money, dates, percents) so `render::sheets` can give them native
//! Excel formats. Built-in names (grades, stages, segments) appear in the sheet's language.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use super::columns::{self, Column, Kind};
use super::table::{Cell, GeneratedSheet, SheetContent, SheetTable};
use crate::analysis::customers::{CustomerTable, GradeChange};
use crate::analysis::funnel::{Breakdown, GroupBy, PipelineFunnel, QUOTE_STAGES, QuoteFunnel};
use crate::analysis::weekly::{Kpis, TopCustomer, WeekRevenue, WeeklyReport, pct_change};
use crate::model::Lang;
use crate::settings::{FunnelMode, GradeKind};

/// Column headers in `lang` from `(ko, en)` pairs.
fn headers(lang: Lang, cols: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    cols.iter().map(|(ko, en)| lang.pick(ko, en)).collect()
}

fn count(n: u64) -> Cell {
    // Counts of rows in one workbook are far below i64::MAX.
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Cell) -> Cell {
    v.map_or(Cell::Empty, f)
}

/// The Customer Stats sheet (described in [`super::customers::COLUMNS`]).
pub fn customer_stats(table: &CustomerTable, lang: Lang) -> SheetContent {
    super::customers::stats_sheet(table, lang)
}

fn mode_name(mode: FunnelMode, lang: Lang) -> &'static str {
    match mode {
        FunnelMode::Reach => lang.pick("reach 모드", "reach mode"),
        FunnelMode::Strict => lang.pick("strict 모드", "strict mode"),
    }
}

fn unit_name(unit: crate::analysis::funnel::CountUnit, lang: Lang) -> &'static str {
    use crate::analysis::funnel::CountUnit;
    match unit {
        CountUnit::Quote => lang.pick("견적 단위", "per quote"),
        CountUnit::Customer => lang.pick("고객 단위", "per customer"),
        CountUnit::Deal => lang.pick("거래 단위", "per deal"),
    }
}

/// A funnel table's heading: its name, mode and unit (`견적 퍼널 (reach 모드, 견적 단위)`).
fn funnel_title(name: &str, t: &crate::analysis::funnel::FunnelTable, lang: Lang) -> String {
    format!(
        "{name} ({}, {})",
        mode_name(t.mode, lang),
        unit_name(t.unit, lang)
    )
}

/// A breakdown as one wide table: group, a count per stage, and the conversion to stage
/// `conv` (cumulative share of the first stage).
fn breakdown_table(
    title: String,
    group_header: &str,
    b: &Breakdown,
    stages: &[String],
    conv: usize,
    lang: Lang,
) -> SheetTable {
    let conv_header = format!(
        "{} {}",
        stages.get(conv).map_or("", String::as_str),
        lang.pick("전환율", "conversion")
    );
    let mut cols: Vec<&str> = vec![group_header];
    cols.extend(stages.iter().map(String::as_str));
    cols.push(&conv_header);
    let mut t = SheetTable::new(title, &cols);
    for g in &b.groups {
        // The group of rows without a channel/grade or date: Korean in a Korean sheet.
        let key = match g.key.as_str() {
            crate::analysis::funnel::NONE_LABEL => lang.pick("(없음)", "(none)"),
            crate::analysis::funnel::NO_DATE_LABEL => lang.pick("(날짜 없음)", "(no date)"),
            k => k,
        };
        let mut row = vec![Cell::text(key)];
        row.extend(g.table.rows.iter().map(|r| count(r.count)));
        // A group table always has one row per stage; pad defensively all the same.
        row.resize(stages.len() + 1, Cell::Int(0));
        row.push(opt(
            g.table.rows.get(conv).and_then(|r| r.cumulative_pct),
            Cell::Percent,
        ));
        t.push(row);
    }
    t
}

/// The Funnel sheet: the quote funnel (first, so the chart can point at it), the pipeline
/// funnel with its lost-at-stage table, then breakdowns. `None` when there is neither funnel.
pub fn funnel(
    quote: Option<&QuoteFunnel>,
    pipeline: Option<&PipelineFunnel>,
    customers: &CustomerTable,
    lang: Lang,
) -> Option<SheetContent> {
    if quote.is_none() && pipeline.is_none() {
        return None;
    }
    let mut tables = Vec::new();
    let week_h = lang.pick("주", "Week");
    if let Some(q) = quote {
        let title = funnel_title(lang.pick("견적 퍼널", "Quote funnel"), &q.table, lang);
        tables.push(super::funnel::sheet_stage_table(title, &q.table, lang));
        let stages: Vec<String> = QUOTE_STAGES
            .iter()
            .map(|(en, ko)| lang.pick(ko, en).to_string())
            .collect();
        // Conversion = reaching Ordered (index 3), the figure a shop owner asks about.
        let conv = 3;
        let by = |name_ko: &str, name_en: &str| match lang {
            Lang::Ko => format!("견적 퍼널 — {name_ko}별"),
            Lang::En => format!("Quote funnel — {name_en} breakdown"),
        };
        tables.push(breakdown_table(
            by("주", "weekly"),
            week_h,
            &q.breakdown(GroupBy::Week),
            &stages,
            conv,
            lang,
        ));
        tables.push(breakdown_table(
            by("채널", "channel"),
            lang.pick("채널", "Channel"),
            &q.breakdown(GroupBy::Channel),
            &stages,
            conv,
            lang,
        ));
        for (kind, ko, en) in [
            (GradeKind::Vip, "VIP 등급", "VIP grade"),
            (GradeKind::Responder, "응답 등급", "responder grade"),
        ] {
            let grades: BTreeMap<String, String> = customers
                .rows
                .iter()
                .map(|c| (c.key.clone(), c.grade(kind).name.in_lang(lang).to_string()))
                .collect();
            let header = match kind {
                GradeKind::Vip => lang.pick("VIP 등급", "VIP grade"),
                GradeKind::Responder => lang.pick("응답 등급", "Responder grade"),
            };
            tables.push(breakdown_table(
                by(ko, en),
                header,
                &q.breakdown(GroupBy::Grade(&grades)),
                &stages,
                conv,
                lang,
            ));
        }
    }
    if let Some(p) = pipeline {
        let title = funnel_title(
            lang.pick("파이프라인 퍼널", "Pipeline funnel"),
            &p.table,
            lang,
        );
        tables.push(super::funnel::sheet_stage_table(title, &p.table, lang));
        let lost = columns::sheet_table(
            super::funnel::LOST_COLUMNS,
            lang.pick("이탈 단계 (파이프라인)", "Lost at stage (pipeline)")
                .to_string(),
            &p.table.lost,
            lang,
        );
        tables.push(lost);
        let conv = p.stages.len().saturating_sub(1);
        tables.push(breakdown_table(
            format!(
                "{} — {}",
                lang.pick("파이프라인 퍼널", "Pipeline funnel"),
                lang.pick("주별", "weekly breakdown")
            ),
            week_h,
            &p.breakdown(GroupBy::Week),
            &p.stages,
            conv,
            lang,
        ));
    }
    Some(SheetContent {
        sheet: GeneratedSheet::Funnel,
        tables,
    })
}

/// The Grade Changes sheet: upgrades and downgrades since `since` (the previous week's end).
pub fn grade_changes(changes: &[GradeChange], since: NaiveDate, lang: Lang) -> SheetContent {
    let title = format!(
        "{} {} {}",
        lang.pick("등급 변동:", "Grade changes since"),
        since.format("%Y-%m-%d"),
        lang.pick("이후", "")
    )
    .trim_end()
    .to_string();
    SheetContent {
        sheet: GeneratedSheet::GradeChanges,
        tables: vec![columns::sheet_table(
            super::customers::CHANGE_COLUMNS,
            title,
            changes,
            lang,
        )],
    }
}

/// The Weekly sheet's 12-week revenue trend.
const TREND_COLUMNS: &[Column<WeekRevenue>] = {
    type C = Column<WeekRevenue>;
    &[
        C::sheet("week", ("주", "Week"), Kind::Text, |w, _| {
            w.week.label().into()
        }),
        C::sheet("from", ("시작", "From"), Kind::Date, |w, _| {
            w.week.start().into()
        }),
        C::sheet("to", ("끝", "To"), Kind::Date, |w, _| w.week.end().into()),
        C::sheet("revenue", ("매출", "Revenue"), Kind::Money, |w, _| {
            w.revenue.into()
        }),
    ]
};

/// A top customer of the week with their rank (1 = first).
struct Ranked<'a>(u64, &'a TopCustomer);

/// The Weekly sheet's top customers of the week.
fn top_columns<'a>() -> [Column<Ranked<'a>>; 4] {
    type C<'a> = Column<Ranked<'a>>;
    [
        C::sheet("rank", ("순위", "Rank"), Kind::Count, |r, _| r.0.into()),
        C::sheet("customer", ("고객", "Customer"), Kind::Text, |r, _| {
            r.1.name.as_str().into()
        }),
        C::sheet("orders", ("주문 수", "Orders"), Kind::Count, |r, _| {
            r.1.orders.into()
        }),
        C::sheet("revenue", ("매출", "Revenue"), Kind::Money, |r, _| {
            r.1.revenue.into()
        }),
    ]
}

/// Fraction (0.25) → percent units (25).
fn rate_pct(r: Decimal) -> Decimal {
    r * Decimal::ONE_HUNDRED
}

/// The Weekly sheet: the KPI table of the PDF, the 12-week revenue trend, the top customers.
pub fn weekly(r: &WeeklyReport) -> SheetContent {
    let lang = r.lang;
    let cols = headers(
        lang,
        &[
            ("지표", "KPI"),
            ("이번 주", "This week"),
            ("지난 주", "Last week"),
            ("변화", "Change"),
            ("변화율", "Change %"),
        ],
    );
    let title = format!(
        "{} {} ({})",
        lang.pick("주간 지표", "Weekly KPIs"),
        r.week.label(),
        r.week.range()
    );
    let mut kpi = SheetTable::new(title, &cols);
    // Typed values for the same eight rows `render::weekly::kpi_rows` formats for the PDF.
    type Pick = fn(&Kpis) -> Option<Decimal>;
    #[derive(Clone, Copy)]
    enum Shown {
        Money,
        Count,
        Rate,
    }
    type Line = (&'static str, &'static str, Pick, Shown);
    let rows: [Line; 8] = [
        ("Revenue", "매출", |k| Some(k.revenue), Shown::Money),
        (
            "Orders",
            "주문 수",
            |k| Some(Decimal::from(k.orders)),
            Shown::Count,
        ),
        (
            "Customers",
            "구매 고객",
            |k| Some(Decimal::from(k.customers)),
            Shown::Count,
        ),
        (
            "New customers",
            "신규 고객",
            |k| Some(Decimal::from(k.new_customers)),
            Shown::Count,
        ),
        (
            "Average order",
            "평균 주문액",
            |k| k.avg_order,
            Shown::Money,
        ),
        (
            "Quotes sent",
            "견적 발송",
            |k| Some(Decimal::from(k.quotes_sent)),
            Shown::Count,
        ),
        (
            "Open rate",
            "열람률",
            |k| k.open_rate.map(rate_pct),
            Shown::Rate,
        ),
        (
            "Conversion rate",
            "전환율",
            |k| k.conversion_rate.map(rate_pct),
            Shown::Rate,
        ),
    ];
    let decimals = r.currency.decimals();
    for (en, ko, pick, kind) in rows {
        // Values as shown (money in the currency's decimals, rates to 0.1 %), so the change
        // is the difference of what the reader sees.
        let (cell, dp): (fn(Decimal) -> Cell, u32) = match kind {
            Shown::Money => (Cell::Money, decimals),
            Shown::Count => (num_int, 0),
            Shown::Rate => (Cell::Percent, 1),
        };
        let shown = |v: Option<Decimal>| {
            v.map(|d| d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero))
        };
        let (now, before) = (shown(pick(&r.current)), shown(pick(&r.previous)));
        let change = match (now, before) {
            (Some(n), Some(b)) => Some(n - b),
            _ => None,
        };
        // For rates the change is in percentage points and shown as such (0.0%); a relative
        // change of a rate would be a percent of a percent.
        let change_pct = match (now, before) {
            (Some(n), Some(b)) => pct_change(n, b).map(|p| p.round_dp(1)),
            _ => None,
        };
        kpi.push(vec![
            Cell::text(lang.pick(ko, en)),
            opt(now, cell),
            opt(before, cell),
            opt(change, cell),
            opt(change_pct, Cell::Percent),
        ]);
    }

    let trend = columns::sheet_table(
        TREND_COLUMNS,
        lang.pick("최근 12주 매출", "Revenue, last 12 weeks")
            .to_string(),
        &r.trend,
        lang,
    );
    let ranked: Vec<Ranked<'_>> = (1..)
        .zip(&r.top_customers)
        .map(|(i, c)| Ranked(i, c))
        .collect();
    let top = columns::sheet_table(
        &top_columns(),
        lang.pick("이번 주 상위 고객", "Top customers of the week")
            .to_string(),
        &ranked,
        lang,
    );
    SheetContent {
        sheet: GeneratedSheet::Weekly,
        tables: vec![kpi, trend, top],
    }
}

/// A whole-number decimal as an integer cell (counts and their differences).
fn num_int(d: Decimal) -> Cell {
    i64::try_from(d).map_or(Cell::Number(d), Cell::Int)
}

pub use super::contents_issues::data_issues;
pub use super::contents_stock::reorder;

#[cfg(test)]
mod sheet_label_tests {
    use super::*;
    use crate::analysis::funnel::{BreakdownGroup, CountUnit, FunnelKind, FunnelTable};

    fn breakdown(keys: &[&str]) -> Breakdown {
        Breakdown {
            groups: keys
                .iter()
                .map(|k| BreakdownGroup {
                    key: (*k).to_string(),
                    table: FunnelTable {
                        kind: FunnelKind::Quote,
                        mode: FunnelMode::Reach,
                        unit: CountUnit::Quote,
                        rows: Vec::new(),
                        lost: Vec::new(),
                    },
                })
                .collect(),
        }
    }

    #[test]
    fn groups_without_a_value_are_named_in_the_sheet_language() {
        let b = breakdown(&["web", "(none)", "(no date)"]);
        let keys = |lang| {
            breakdown_table("t".into(), "g", &b, &[], 0, lang)
                .rows
                .iter()
                .map(|r| r[0].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(Lang::Ko),
            [
                Cell::text("web"),
                Cell::text("(없음)"),
                Cell::text("(날짜 없음)")
            ]
        );
        assert_eq!(
            keys(Lang::En),
            [
                Cell::text("web"),
                Cell::text("(none)"),
                Cell::text("(no date)")
            ]
        );
    }
}
