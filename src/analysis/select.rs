//! Which customers `dangol customers` lists and in what order: filter by grade, sort, cut to
//! the first N.

use std::cmp::Reverse;

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

/// The rows' totals as whole numbers of their finest decimal place (see
/// [`super::as_integers`]).
fn totals_as_integers(rows: &[&CustomerStats]) -> Option<Vec<i128>> {
    super::as_integers(&rows.iter().map(|r| r.total).collect::<Vec<_>>())
}
