//! The Customer Value generated sheet (고객가치, SPEC §11) as a typed table, in the workbook's
//! language, with the fit summary and the reasons a column is empty. `dangol value` prints the
//! same table.

use rust_decimal::Decimal;

use crate::analysis::value::{Blank, CustomerValue, ValueTable};
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

pub fn number(v: f64, dp: u32) -> Cell {
    Decimal::try_from(v).map_or(Cell::Empty, |d| {
        let mut d = d.round_dp(dp);
        d.rescale(dp);
        Cell::Number(d)
    })
}

/// The per-customer value table (the `Customer Value` sheet and the CSV), most valuable first.
pub fn value_table_sheet(
    t: &ValueTable,
    names: &dyn Fn(&str) -> String,
    lang: Lang,
    currency: Currency,
) -> SheetTable {
    let cols = [
        lang.pick("고객", "Customer"),
        lang.pick("첫 구매", "First purchase"),
        lang.pick("최근 구매", "Last purchase"),
        lang.pick("재구매 일수", "Repeat purchases"),
        lang.pick("활동 확률", "P(active)"),
        lang.pick("예상 주문 90일", "Expected orders 90d"),
        lang.pick("예상 주문 365일", "Expected orders 365d"),
        lang.pick("예상 평균 주문", "Expected avg order"),
        lang.pick("12개월 가치", "12-month value"),
        lang.pick("비고", "Note"),
    ];
    let title = match lang {
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
    };
    let mut s = SheetTable::new(title, &cols);
    let note = t
        .bgnbd
        .as_ref()
        .err()
        .or(t.clv_blank.as_ref())
        .map(|b| blank_reason(b, lang))
        .unwrap_or_default();
    for r in by_value(t) {
        s.push(vec![
            Cell::text(names(&r.history.key)),
            Cell::Date(r.history.first),
            Cell::Date(r.history.last),
            Cell::Int(i64::from(r.history.x)),
            r.p_alive
                .and_then(|p| Decimal::try_from(p * 100.0).ok())
                .map_or(Cell::Empty, |d| Cell::Percent(d.round_dp(1))),
            r.expected_90.map_or(Cell::Empty, |v| number(v, 2)),
            r.expected_365.map_or(Cell::Empty, |v| number(v, 2)),
            r.expected_avg_order
                .and_then(|v| money(v, currency))
                .map_or(Cell::Empty, Cell::Money),
            r.clv
                .and_then(|v| money(v, currency))
                .map_or(Cell::Empty, Cell::Money),
            Cell::text(note.clone()),
        ]);
    }
    s
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
