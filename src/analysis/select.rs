//! Which customers `dangol customers` lists and in what order: filter by grade, sort, cut to
//! the first N.

use std::cmp::Reverse;

use rust_decimal::Decimal;

use crate::analysis::customers::{CustomerStats, CustomerTable};
use crate::model::Lang;
use crate::settings::{GradeKind, GradeName, Settings};

/// The order customers are listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerSort {
    /// Net total in the lookback window, highest first.
    Total,
    /// Orders in the window, most first.
    Orders,
    /// Days since the last order, most recent first (no orders last).
    Recency,
    /// Name, A→Z / 가→힣.
    Name,
    /// Last order date, newest first (no orders last).
    LastOrder,
}

/// Filter by grade, sort, cut to `top`; also returns how many customers matched before the
/// cut. `grade` names a grade of the VIP table (else of the responder table), in either
/// language, any case; a name neither table has is an error (in `lang`) that lists the grades
/// there are.
pub fn select<'a>(
    table: &'a CustomerTable,
    grade: Option<&str>,
    sort: CustomerSort,
    top: Option<usize>,
    settings: &Settings,
    lang: Lang,
) -> Result<(Vec<&'a CustomerStats>, usize), String> {
    let mut rows: Vec<&CustomerStats> = table.rows.iter().collect();
    if let Some(want) = grade {
        let want_l = want.trim().to_lowercase();
        let is = |n: &GradeName| n.en.to_lowercase() == want_l || n.ko.to_lowercase() == want_l;
        let kind = if settings.vip_rules.iter().any(|r| is(&r.grade)) {
            GradeKind::Vip
        } else if settings.responder_rules.iter().any(|r| is(&r.grade)) {
            GradeKind::Responder
        } else {
            let mut names: Vec<&str> = Vec::new();
            for r in settings.vip_rules.iter().chain(&settings.responder_rules) {
                let name = lang.pick(&r.grade.ko, &r.grade.en);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            let (want, grades) = (format!("{want:?}"), names.join(", "));
            return Err(crate::msg!(lang, NoSuchGrade, want = want, grades = grades));
        };
        rows.retain(|r| is(&r.grade(kind).name));
    }
    match sort {
        CustomerSort::Total => match totals_as_integers(&rows) {
            // Keys are unique: any sort gives this one order.
            Some(totals) => {
                let mut order: Vec<(i128, &CustomerStats)> = totals.into_iter().zip(rows).collect();
                order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.key.cmp(&b.1.key)));
                rows = order.into_iter().map(|(_, r)| r).collect();
            }
            None => rows.sort_by(|a, b| b.total.cmp(&a.total).then(a.key.cmp(&b.key))),
        },
        CustomerSort::Orders => rows.sort_by(|a, b| {
            b.orders
                .cmp(&a.orders)
                .then(b.total.cmp(&a.total))
                .then(a.key.cmp(&b.key))
        }),
        CustomerSort::Recency => {
            rows.sort_by_key(|r| (r.recency_days.is_none(), r.recency_days, &r.key));
        }
        CustomerSort::Name => rows.sort_by(|a, b| {
            a.display_name()
                .cmp(b.display_name())
                .then(a.key.cmp(&b.key))
        }),
        CustomerSort::LastOrder => {
            rows.sort_by_key(|r| (r.last_order.is_none(), Reverse(r.last_order), &r.key));
        }
    }
    let matched = rows.len();
    if let Some(n) = top {
        rows.truncate(n);
    }
    Ok((rows, matched))
}

/// The rows' totals as whole numbers of their finest decimal place (see [`as_integers`]).
fn totals_as_integers(rows: &[&CustomerStats]) -> Option<Vec<i128>> {
    as_integers(&rows.iter().map(|r| r.total).collect::<Vec<_>>())
}

/// Decimals as whole numbers of the finest decimal place among them (`12.5` and `3` as `125`
/// and `30`), which order as the decimals do, so that sorting 80,000 customers compares
/// integers side by side instead of decimals behind a pointer each; `None` when one would not
/// fit.
fn as_integers(values: &[Decimal]) -> Option<Vec<i128>> {
    let scale = values.iter().map(Decimal::scale).max().unwrap_or(0);
    values
        .iter()
        .map(|d| {
            let up = 10i128.checked_pow(scale - d.scale())?;
            d.mantissa().checked_mul(up)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The whole numbers order as the decimals do, equal decimals written to different
        /// places (`5`, `5.00`, a negative zero) equal too; past what fits, there are none.
        #[test]
        fn whole_numbers_order_as_the_decimals(
            values in proptest::collection::vec(
                (proptest::num::i64::ANY, 0u32..29),
                0..60,
            ),
        ) {
            let ds: Vec<Decimal> = values.iter().map(|&(m, s)| Decimal::new(m % 1_000_000_000, s)).collect();
            match as_integers(&ds) {
                Some(ints) => {
                    for (i, a) in ds.iter().enumerate() {
                        for (j, b) in ds.iter().enumerate() {
                            proptest::prop_assert_eq!(ints[i].cmp(&ints[j]), a.cmp(b));
                        }
                    }
                }
                None => proptest::prop_assert!(ds.iter().any(|d| d.scale() > 0)),
            }
        }
    }

    #[test]
    fn whole_numbers_of_mixed_places() {
        let ds: Vec<Decimal> = ["12.5", "3", "12.50", "-0", "0", "-7.25", "100.001"]
            .iter()
            .map(|t| t.parse().expect("decimal"))
            .collect();
        assert_eq!(
            as_integers(&ds),
            Some(vec![12_500, 3_000, 12_500, 0, 0, -7_250, 100_001])
        );
    }
}
