//! The Customer Value generated sheet (고객가치, SPEC §11) as a typed table, in the workbook's
//! language, with the fit summary and the reasons a column is empty; `dangol value` prints the
//! same table, its CSV and its JSON. The per-customer table is described once,
//! [`value_columns`].

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::columns::{self, Column, Fact, JsonRows, Kind};
use super::{csv_out, terminal};
use crate::analysis::value::{BgNbdFit, Blank, CustomerValue, GammaGammaFit, Holdout, ValueTable};
use crate::ingest::Loaded;
use crate::model::ledger::SalesLedger;
use crate::model::{Currency, Lang};
use crate::render::table::{Cell, GeneratedSheet, SheetContent, SheetTable};

/// The customer's name to show (the key when no name is known).
pub fn name_of(ledger: &SalesLedger, key: &str) -> String {
    ledger
        .customers
        .get(key)
        .and_then(|c| c.display_name())
        .unwrap_or(key)
        .to_string()
}

/// The generated sheet: the customers by value, then the fit.
pub fn customer_value(
    t: &ValueTable,
    names: &dyn Fn(&str) -> String,
    lang: Lang,
    currency: Currency,
) -> SheetContent {
    let mut fit = SheetTable::new(
        lang.pick("모델 적합", "Model fit"),
        &[lang.pick("내용", "Summary")],
    );
    for line in fit_summary(t, lang) {
        fit.push(vec![Cell::text(line)]);
    }
    SheetContent {
        sheet: GeneratedSheet::CustomerValue,
        tables: vec![value_table_sheet(t, names, lang, currency), fit],
    }
}

/// A count or amount in text: thousands separators from four digits (SPEC promise 6).
fn n<T: Into<Decimal>>(v: T) -> String {
    crate::model::values::format_number(v.into())
}

/// A log-likelihood in text, two decimals.
fn ll(v: f64) -> String {
    Decimal::try_from(v).map_or_else(|_| format!("{v:.2}"), |d| n(d.round_dp(2)))
}

fn count(v: usize) -> String {
    n(u64::try_from(v).unwrap_or(u64::MAX))
}

/// Why a column is empty, in `lang`.
pub fn blank_reason(b: &Blank, lang: Lang) -> String {
    match (b, lang) {
        (Blank::TooFewRepeaters { repeaters, needed }, Lang::En) => format!(
            "too few repeat customers: {} bought again on a later day, the model needs at least \
             {} (clv.min_repeaters)",
            n(u64::try_from(*repeaters).unwrap_or(u64::MAX)),
            n(u64::try_from(*needed).unwrap_or(u64::MAX))
        ),
        (Blank::TooFewRepeaters { repeaters, needed }, Lang::Ko) => format!(
            "재구매 고객이 부족합니다: 다른 날 다시 구매한 고객 {}명, 모델에는 {}명 이상 필요 \
             (clv.min_repeaters)",
            n(u64::try_from(*repeaters).unwrap_or(u64::MAX)),
            n(u64::try_from(*needed).unwrap_or(u64::MAX))
        ),
        (Blank::NotConverged { iterations }, Lang::En) => {
            format!(
                "the fit did not converge after {} iterations",
                n(*iterations)
            )
        }
        (Blank::NotConverged { iterations }, Lang::Ko) => {
            format!(
                "{}회 반복 후에도 적합이 수렴하지 않았습니다",
                n(*iterations)
            )
        }
        (Blank::InfiniteMeanSpend, Lang::En) => {
            "the spend model has no finite average (q ≤ 1)".to_string()
        }
        (Blank::InfiniteMeanSpend, Lang::Ko) => {
            "구매금액 모델의 평균이 유한하지 않습니다 (q ≤ 1)".to_string()
        }
        (Blank::NoPurchaseModel, Lang::En) => "no purchase model (see BG/NBD)".to_string(),
        (Blank::NoPurchaseModel, Lang::Ko) => "구매 모델이 없습니다 (BG/NBD 참고)".to_string(),
    }
}

/// A money amount from a model value (rounded to the currency's decimals).
pub fn money(v: f64, currency: Currency) -> Option<Decimal> {
    let d = Decimal::try_from(v).ok()?;
    Some(d.round_dp(currency.decimals()))
}

/// One customer of the value table, with what its cells need: the name to show, the
/// currency (money is rounded to its decimals) and the sheet's note.
pub struct ValueRow<'a> {
    pub value: &'a CustomerValue,
    pub name: String,
    pub currency: Currency,
    /// Why the model columns are empty (the same on every row), or "".
    pub note: &'a str,
}

impl ValueRow<'_> {
    /// A money estimate: rounded to the currency's decimals (a JSON number, two places in
    /// CSV) in data, a money cell on the sheet.
    fn money(&self, v: Option<f64>, out: columns::Out) -> Fact {
        let Some(v) = v else { return Fact::None };
        match out {
            columns::Out::Data => {
                let dp = i32::try_from(self.currency.decimals()).unwrap_or(2);
                Fact::Float(round(v, dp), 2)
            }
            columns::Out::Show(_) => money(v, self.currency).into(),
        }
    }
}

/// An estimate: four places in data, `dp` places on the sheet.
fn estimate(v: Option<f64>, out: columns::Out, dp: u32) -> Fact {
    let Some(v) = v else { return Fact::None };
    match out {
        columns::Out::Data => Fact::Float(round(v, 4), 4),
        columns::Out::Show(_) => Fact::Float(v, dp),
    }
}

/// The per-customer value columns, in JSON/CSV order (SPEC §11 field names); the sheet and
/// the terminal show those with a header, the note only on the sheet.
pub fn value_columns<'a>() -> [Column<ValueRow<'a>>; 14] {
    type C<'a> = Column<ValueRow<'a>>;
    [
        C::sheet("customer", ("고객", "Customer"), Kind::Text, |r, _| {
            r.name.as_str().into()
        })
        .on_terminal(),
        C::data("key", Kind::Key, |r, _| r.value.history.key.as_str().into()),
        C::sheet(
            "first_purchase",
            ("첫 구매", "First purchase"),
            Kind::Date,
            |r, _| r.value.history.first.into(),
        )
        .on_terminal(),
        C::sheet(
            "last_purchase",
            ("최근 구매", "Last purchase"),
            Kind::Date,
            |r, _| r.value.history.last.into(),
        )
        .on_terminal(),
        C::sheet(
            "repeat_purchases",
            ("재구매 일수", "Repeat purchases"),
            Kind::Count,
            |r, _| r.value.history.x.into(),
        )
        .on_terminal(),
        C::data("last_purchase_day", Kind::Count, |r, _| {
            r.value.history.t_x.into()
        }),
        C::data("age_days", Kind::Count, |r, _| r.value.history.t.into()),
        C::data("avg_repeat_purchase", Kind::Number, |r, _| {
            r.value
                .history
                .avg_repeat()
                .map(|d| d.round_dp(4).normalize())
                .into()
        }),
        C::sheet(
            "p_alive",
            ("활동 확률", "P(active)"),
            Kind::Percent,
            |r, out| match out {
                columns::Out::Data => estimate(r.value.p_alive, out, 4),
                columns::Out::Show(_) => r
                    .value
                    .p_alive
                    .and_then(|p| Decimal::try_from(p * 100.0).ok())
                    .map(|d| d.round_dp(1))
                    .into(),
            },
        )
        .on_terminal(),
        C::sheet(
            "expected_orders_90",
            ("예상 주문 90일", "Expected orders 90d"),
            Kind::Number,
            |r, out| estimate(r.value.expected_90, out, 2),
        )
        .on_terminal(),
        C::sheet(
            "expected_orders_365",
            ("예상 주문 365일", "Expected orders 365d"),
            Kind::Number,
            |r, out| estimate(r.value.expected_365, out, 2),
        )
        .on_terminal(),
        C::sheet(
            "expected_avg_order",
            ("예상 평균 주문", "Expected avg order"),
            Kind::Money,
            |r, out| r.money(r.value.expected_avg_order, out),
        )
        .on_terminal(),
        C::sheet(
            "clv",
            ("12개월 가치", "12-month value"),
            Kind::Money,
            |r, out| r.money(r.value.clv, out),
        )
        .on_terminal(),
        C::sheet("note", ("비고", "Note"), Kind::Text, |r, _| r.note.into()).sheet_only(),
    ]
}

/// The table's title, in `lang`.
fn title(t: &ValueTable, lang: Lang) -> String {
    match lang {
        Lang::Ko => format!(
            "고객가치 · {} 기준 · 고객 {}명",
            t.as_of,
            count(t.customers)
        ),
        Lang::En => format!(
            "Customer value · as of {} · {} customers",
            t.as_of,
            count(t.customers)
        ),
    }
}

/// Why the model columns are empty, in `lang` ("" when they are not).
fn note(t: &ValueTable, lang: Lang) -> String {
    t.bgnbd
        .as_ref()
        .err()
        .or(t.clv_blank.as_ref())
        .map(|b| blank_reason(b, lang))
        .unwrap_or_default()
}

/// The rows of the sheet and the terminal: most valuable first, with the sheet's note.
fn sheet_rows<'a>(
    t: &'a ValueTable,
    names: &dyn Fn(&str) -> String,
    currency: Currency,
) -> Vec<ValueRow<'a>> {
    by_value(t)
        .into_iter()
        .map(|r| ValueRow {
            value: r,
            name: names(&r.history.key),
            currency,
            note: "",
        })
        .collect()
}

/// The per-customer value table (the `Customer Value` sheet), most valuable first.
pub fn value_table_sheet(
    t: &ValueTable,
    names: &dyn Fn(&str) -> String,
    lang: Lang,
    currency: Currency,
) -> SheetTable {
    let note = note(t, lang);
    let mut rows = sheet_rows(t, names, currency);
    for r in &mut rows {
        r.note = &note;
    }
    columns::sheet_table(&value_columns(), title(t, lang), &rows, lang)
}

/// The rows of JSON and CSV: in the analysis's order, with the workbook's names.
fn data_rows<'a>(t: &'a ValueTable, loaded: &Loaded) -> Vec<ValueRow<'a>> {
    t.rows
        .iter()
        .map(|r| ValueRow {
            value: r,
            name: name_of(&loaded.data.sales, &r.history.key),
            currency: loaded.currency,
            note: "",
        })
        .collect()
}

/// `dangol value --format csv`: every data column.
pub fn csv_text(t: &ValueTable, loaded: &Loaded) -> anyhow::Result<String> {
    let rows = data_rows(t, loaded);
    let table = columns::csv_table(&value_columns(), &rows);
    Ok(String::from_utf8(csv_out::to_csv(&table)?)?)
}

/// `dangol value --format json`: the fits, the holdout check and every customer's row.
pub fn json_text(
    t: &ValueTable,
    check: Option<&(NaiveDate, Result<Holdout, Blank>)>,
    loaded: &Loaded,
) -> anyhow::Result<String> {
    let rows = data_rows(t, loaded);
    let refs: Vec<&ValueRow<'_>> = rows.iter().collect();
    let cols = value_columns();
    let mut s = serde_json::to_string_pretty(&json(t, check, loaded, (&cols, &refs)))?;
    s.push('\n');
    Ok(s)
}

/// Rows by 12-month value, highest first (no value last, then by key).
pub fn by_value(t: &ValueTable) -> Vec<&CustomerValue> {
    let mut rows: Vec<&CustomerValue> = t.rows.iter().collect();
    rows.sort_by(|a, b| {
        let va = a.clv.unwrap_or(f64::NEG_INFINITY);
        let vb = b.clv.unwrap_or(f64::NEG_INFINITY);
        vb.total_cmp(&va)
            .then_with(|| a.history.key.cmp(&b.history.key))
    });
    rows
}

/// The fit summary lines, in `lang`.
pub fn fit_summary(t: &ValueTable, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    out.push(match lang {
        Lang::Ko => format!(
            "고객 {}명, 재구매 고객 {}명 ({} 기준)",
            count(t.customers),
            count(t.repeaters),
            t.as_of
        ),
        Lang::En => format!(
            "{} customers, {} repeat customers (as of {})",
            count(t.customers),
            count(t.repeaters),
            t.as_of
        ),
    });
    out.push(match &t.bgnbd {
        Ok(f) => {
            let p = f.params;
            format!(
                "BG/NBD: r {:.4}, α {:.4}{} ({:.4}{}), a {:.4}, b {:.4}, LL {} ({} {}), {}{}",
                p.r,
                p.alpha,
                lang.pick("일", " days"),
                p.alpha / 7.0,
                lang.pick("주", " weeks"),
                p.a,
                p.b,
                ll(f.ln_likelihood),
                lang.pick("주 단위", "in weeks"),
                ll(f.ln_likelihood + t.repeat_days() * crate::analysis::value::special::ln(7.0)),
                n(f.iterations),
                lang.pick("회 반복", " iterations"),
            )
        }
        Err(b) => format!("BG/NBD: {}", blank_reason(b, lang)),
    });
    out.push(match &t.gamma_gamma {
        Ok(f) => {
            let p = f.params;
            format!(
                "Gamma-Gamma: p {:.4}, q {:.4}, γ {:.4}, LL {}, {}{}, {}{}",
                p.p,
                p.q,
                p.gamma,
                ll(f.ln_likelihood),
                count(f.customers),
                lang.pick("명", " customers"),
                n(f.iterations),
                lang.pick("회 반복", " iterations"),
            )
        }
        Err(b) => format!("Gamma-Gamma: {}", blank_reason(b, lang)),
    });
    if t.excluded_spend > 0 {
        out.push(match lang {
            Lang::Ko => format!(
                "재구매 평균 금액이 0 이하인 고객 {}명은 구매금액 모델에서 제외했습니다",
                count(t.excluded_spend)
            ),
            Lang::En => format!(
                "{} repeat customers whose average repeat purchase is not positive were left out \
                 of the spend model",
                count(t.excluded_spend)
            ),
        });
    }
    if let Some(c) = t.spend_correlation {
        out.push(match lang {
            Lang::Ko => format!("구매 횟수와 평균 금액의 상관계수 {c:.3} (0에 가까울수록 좋음)"),
            Lang::En => format!(
                "correlation of purchase frequency and average spend {c:.3} (the model assumes \
                 it near 0)"
            ),
        });
    }
    out
}

/// A number in text with thousands separators, `dp` decimals.
fn num(v: f64, dp: u32) -> String {
    Decimal::try_from(v).map_or_else(
        |_| format!("{v}"),
        |d| crate::model::values::format_number(d.round_dp(dp)),
    )
}

/// Round for output: the fits are deterministic, the extra digits are noise to a reader.
fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    let r = (v * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

#[derive(Serialize)]
struct BgNbdJson {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alpha_days: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alpha_weeks: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    a: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    b: Option<f64>,
    /// With `t_x` and T in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    log_likelihood_days: Option<f64>,
    /// The same fit with time in weeks, as the literature reports it.
    #[serde(skip_serializing_if = "Option::is_none")]
    log_likelihood_weeks: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iterations: Option<u32>,
}

fn bgnbd_json(fit: &Result<BgNbdFit, Blank>, total_x: f64) -> BgNbdJson {
    match fit {
        Ok(f) => {
            let p = f.params;
            BgNbdJson {
                status: "fitted",
                reason: None,
                r: Some(round(p.r, 6)),
                alpha_days: Some(round(p.alpha, 6)),
                alpha_weeks: Some(round(p.alpha / 7.0, 6)),
                a: Some(round(p.a, 6)),
                b: Some(round(p.b, 6)),
                log_likelihood_days: Some(round(f.ln_likelihood, 4)),
                // Each purchase time's density in weeks is 7× its density in days.
                log_likelihood_weeks: Some(round(
                    f.ln_likelihood + total_x * crate::analysis::value::special::ln(7.0),
                    4,
                )),
                iterations: Some(f.iterations),
            }
        }
        Err(b) => BgNbdJson {
            status: "blank",
            reason: Some(blank_reason(b, Lang::En)),
            r: None,
            alpha_days: None,
            alpha_weeks: None,
            a: None,
            b: None,
            log_likelihood_days: None,
            log_likelihood_weeks: None,
            iterations: None,
        },
    }
}

#[derive(Serialize)]
struct GammaGammaJson {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    q: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gamma: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_likelihood: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iterations: Option<u32>,
    /// Repeat customers in the fit.
    customers: usize,
    /// Repeat customers left out because their average repeat purchase is not positive.
    excluded_not_positive: usize,
    /// Pearson correlation of repeat purchases and average spend (the model assumes it small).
    frequency_spend_correlation: Option<f64>,
}

fn gamma_gamma_json(t: &ValueTable) -> GammaGammaJson {
    let base = GammaGammaJson {
        status: "blank",
        reason: None,
        p: None,
        q: None,
        gamma: None,
        log_likelihood: None,
        iterations: None,
        customers: t.repeaters - t.excluded_spend,
        excluded_not_positive: t.excluded_spend,
        frequency_spend_correlation: t.spend_correlation.map(|c| round(c, 4)),
    };
    match &t.gamma_gamma {
        Ok(GammaGammaFit {
            params,
            ln_likelihood,
            iterations,
            customers,
        }) => GammaGammaJson {
            status: "fitted",
            p: Some(round(params.p, 6)),
            q: Some(round(params.q, 6)),
            gamma: Some(round(params.gamma, 6)),
            log_likelihood: Some(round(*ln_likelihood, 4)),
            iterations: Some(*iterations),
            customers: *customers,
            ..base
        },
        Err(b) => GammaGammaJson {
            reason: Some(blank_reason(b, Lang::En)),
            ..base
        },
    }
}

#[derive(Serialize)]
struct HoldoutJson {
    until: NaiveDate,
    days: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customers: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    predicted_orders: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actual_orders: Option<u64>,
    deciles: Vec<DecileJson>,
}

#[derive(Serialize)]
struct DecileJson {
    decile: u8,
    customers: usize,
    predicted_orders: f64,
    actual_orders: u64,
}

#[derive(Serialize)]
struct ValueJson<'a> {
    as_of: NaiveDate,
    currency: &'static str,
    customers: usize,
    repeat_customers: usize,
    discount_per_month: f64,
    bgnbd: BgNbdJson,
    gamma_gamma: GammaGammaJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    clv_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    holdout: Option<HoldoutJson>,
    rows: JsonRows<'a, ValueRow<'a>>,
}

fn json<'a>(
    t: &ValueTable,
    check: Option<&(NaiveDate, Result<Holdout, Blank>)>,
    loaded: &Loaded,
    (cols, rows): (&'a [Column<ValueRow<'a>>], &'a [&'a ValueRow<'a>]),
) -> ValueJson<'a> {
    let total_x = t.repeat_days();
    ValueJson {
        as_of: t.as_of,
        currency: loaded.currency.code(),
        customers: t.customers,
        repeat_customers: t.repeaters,
        discount_per_month: t.options.discount,
        bgnbd: bgnbd_json(&t.bgnbd, total_x),
        gamma_gamma: gamma_gamma_json(t),
        clv_reason: t.clv_blank.as_ref().map(|b| blank_reason(b, Lang::En)),
        holdout: check.map(|(until, h)| holdout_json(*until, t.as_of, h)),
        rows: JsonRows(cols, rows),
    }
}

fn holdout_json(until: NaiveDate, as_of: NaiveDate, h: &Result<Holdout, Blank>) -> HoldoutJson {
    let days = u32::try_from((as_of - until).num_days()).unwrap_or(0);
    match h {
        Ok(h) => HoldoutJson {
            until,
            days: h.days,
            reason: None,
            customers: Some(h.customers),
            predicted_orders: Some(round(h.predicted, 2)),
            actual_orders: Some(h.actual),
            deciles: h
                .deciles
                .iter()
                .map(|d| DecileJson {
                    decile: d.decile,
                    customers: d.customers,
                    predicted_orders: round(d.predicted, 2),
                    actual_orders: d.actual,
                })
                .collect(),
        },
        Err(b) => HoldoutJson {
            until,
            days,
            reason: Some(blank_reason(b, Lang::En)),
            customers: None,
            predicted_orders: None,
            actual_orders: None,
            deciles: Vec::new(),
        },
    }
}

/// `dangol value`: the fit, the most valuable customers (`--top`, else 20) and the holdout check.
pub fn terminal_text(
    t: &ValueTable,
    check: Option<&(NaiveDate, Result<Holdout, Blank>)>,
    loaded: &Loaded,
    top: Option<usize>,
) -> String {
    let lang = loaded.lang;
    let mut s = String::new();
    for line in fit_summary(t, lang) {
        s.push_str(&line);
        s.push('\n');
    }
    s.push('\n');
    // The reason is printed above; one copy per row would only widen the table.
    let names = |k: &str| name_of(&loaded.data.sales, k);
    let rows = sheet_rows(t, &names, loaded.currency);
    let shown = rows.iter().take(top.unwrap_or(20));
    let table = columns::terminal_table(&value_columns(), title(t, lang), shown, lang, false);
    s.push_str(&terminal::render_titled(&table, loaded.currency));
    if !s.ends_with('\n') {
        s.push('\n');
    }
    if let Some((until, h)) = check {
        s.push('\n');
        match h {
            Ok(h) => {
                s.push_str(&match lang {
                    Lang::Ko => format!(
                        "검증: {until}까지로 적합, 이후 {}일 예상 주문 {}건 / 실제 {}건\n",
                        num(f64::from(h.days), 0),
                        num(h.predicted, 1),
                        num(h.actual as f64, 0)
                    ),
                    Lang::En => format!(
                        "Holdout: fitted to {until}; the next {} days: {} orders predicted, \
                         {} actual\n",
                        num(f64::from(h.days), 0),
                        num(h.predicted, 1),
                        num(h.actual as f64, 0)
                    ),
                });
                for d in &h.deciles {
                    s.push_str(&format!(
                        "  {} {:>2}: {} {:>6}, {} {:>8}, {} {:>6}\n",
                        lang.pick("십분위", "decile"),
                        d.decile,
                        lang.pick("고객", "customers"),
                        num(d.customers as f64, 0),
                        lang.pick("예상", "predicted"),
                        num(d.predicted, 1),
                        lang.pick("실제", "actual"),
                        num(d.actual as f64, 0)
                    ));
                }
            }
            Err(b) => s.push_str(&format!(
                "{}: {}\n",
                lang.pick("검증", "Holdout"),
                blank_reason(b, lang)
            )),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_reads_in_both_languages() {
        let cases = [
            (
                Blank::NotConverged { iterations: 5_000 },
                "the fit did not converge after 5,000 iterations",
                "5,000회 반복 후에도 적합이 수렴하지 않았습니다",
            ),
            (
                Blank::InfiniteMeanSpend,
                "the spend model has no finite average (q ≤ 1)",
                "구매금액 모델의 평균이 유한하지 않습니다 (q ≤ 1)",
            ),
            (
                Blank::NoPurchaseModel,
                "no purchase model (see BG/NBD)",
                "구매 모델이 없습니다 (BG/NBD 참고)",
            ),
        ];
        for (b, en, ko) in cases {
            assert_eq!(blank_reason(&b, Lang::En), en);
            assert_eq!(blank_reason(&b, Lang::Ko), ko);
        }
    }
}
