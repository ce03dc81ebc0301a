//! What each message says, in the workbook's language: the weekly KPIs with their change
//! from the week before, reminders due, grade changes, a failed run with its error. Pure: the
//! analyses and the as-of day go in, text comes out.

use crate::analysis::customers::Direction as GradeDirection;
use crate::model::Lang;
use crate::pipeline::Analyses;
use crate::settings::GradeKind;

use super::dispatch::Item;
use super::mask::mask_name;
use super::{Kind, Message};

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// How names are shown.
fn show(name: &str, mask: bool) -> String {
    if mask {
        mask_name(name)
    } else {
        name.to_string()
    }
}

fn shop(a: &Analyses) -> String {
    if a.shop_name.trim().is_empty() {
        "dangol".to_string()
    } else {
        a.shop_name.trim().to_string()
    }
}

/// The messages of `kinds` from the analyses, each as it is shown and with names masked for
/// chat; kinds with nothing to say are left out.
pub fn items(a: &Analyses, kinds: &[Kind]) -> Vec<Item> {
    kinds
        .iter()
        .filter_map(|&k| {
            Some(Item {
                plain: message(a, k, false)?,
                masked: message(a, k, true)?,
            })
        })
        .collect()
}

/// The message of `kind` from the analyses; `None` when there is nothing to say (no
/// reminders due, no grade changes) or the kind is not built yet.
pub fn message(a: &Analyses, kind: Kind, mask: bool) -> Option<Message> {
    match kind {
        Kind::Weekly => Some(weekly(a, mask)),
        Kind::Reminders => reminders(a, mask),
        Kind::GradeChanges => grade_changes(a, mask),
        Kind::LowStock => low_stock(a),
        Kind::Today => today(a, mask),
        Kind::RunFailed => None,
    }
}

/// The weekly summary: the eight KPIs with last week's value and the change, then the top
/// customers, and how many grade changes and reminders there are.
pub fn weekly(a: &Analyses, mask: bool) -> Message {
    let w = &a.weekly;
    let l = a.lang;
    let shop = shop(a);
    let title = match l {
        Lang::Ko => format!("{shop} 주간 리포트 {} ({})", w.week.label(), w.week.range()),
        Lang::En => format!(
            "{shop} weekly report {} ({})",
            w.week.label(),
            w.week.range()
        ),
    };
    let mut lines = Vec::new();
    let mut fields = vec![
        ("shop".to_string(), shop.clone()),
        ("week".to_string(), w.week.label()),
    ];
    for k in crate::render::weekly::kpi_rows(w) {
        let label = l.pick(k.label_ko, k.label_en);
        let line = match l {
            Lang::Ko => format!(
                "{label}: {} (지난주 {}, {} / {})",
                k.value, k.previous, k.change, k.change_pct
            ),
            Lang::En => format!(
                "{label}: {} (last week {}, {} / {})",
                k.value, k.previous, k.change, k.change_pct
            ),
        };
        lines.push(line);
        let key = k.label_en.to_ascii_lowercase().replace(' ', "_");
        fields.push((key.clone(), k.value.clone()));
        fields.push((format!("{key}_change"), k.change.clone()));
    }
    if !w.top_customers.is_empty() {
        let top: Vec<String> = w
            .top_customers
            .iter()
            .take(3)
            .map(|t| {
                format!(
                    "{} {}",
                    show(&t.name, mask),
                    crate::analysis::weekly::display::money(t.revenue, w.currency)
                )
            })
            .collect();
        lines.push(format!(
            "{}: {}",
            l.pick("이번 주 상위 고객", "Top customers"),
            top.join(", ")
        ));
    }
    let (changes, due) = (w.grade_changes.len(), a.reminders.len());
    lines.push(match l {
        Lang::Ko => format!("등급 변동 {changes}건, 리마인드 대상 {due}건"),
        Lang::En => format!("grade changes: {changes}, reminders due: {due}"),
    });
    fields.push(("grade_changes".into(), changes.to_string()));
    fields.push(("reminders_due".into(), due.to_string()));
    Message {
        kind: Kind::Weekly,
        period: w.week.label(),
        lang: l,
        shop,
        title,
        lines,
        fields,
    }
}

fn reminders(a: &Analyses, mask: bool) -> Option<Message> {
    if a.reminders.is_empty() {
        return None;
    }
    let l = a.lang;
    let n = a.reminders.len();
    let title = match l {
        Lang::Ko => format!("리마인드 대상 {n}건 ({})", a.as_of),
        Lang::En => format!("{n} {} due ({})", plural(n, "reminder"), a.as_of),
    };
    let lines = a
        .reminders
        .iter()
        .map(|r| {
            let quote = r.quote_id.as_deref().unwrap_or("-");
            let name = show(&r.name, mask);
            match l {
                Lang::Ko => format!("- {name} 견적 {quote}: {}", r.reason_in(l)),
                Lang::En => format!("- {name}, quote {quote}: {}", r.reason_in(l)),
            }
        })
        .collect();
    Some(Message {
        kind: Kind::Reminders,
        period: a.as_of.to_string(),
        lang: l,
        shop: shop(a),
        title,
        lines,
        fields: vec![
            ("shop".into(), shop(a)),
            ("date".into(), a.as_of.to_string()),
            ("count".into(), n.to_string()),
        ],
    })
}

/// The lifecycle messages due today (`dangol today`'s list, SPEC §8), one line each.
fn today(a: &Analyses, mask: bool) -> Option<Message> {
    let day = a.flows.as_ref()?;
    let due: Vec<&crate::analysis::flows::Message> = day.due().collect();
    if due.is_empty() {
        return None;
    }
    let l = a.lang;
    let n = due.len();
    let title = match l {
        Lang::Ko => format!("오늘 보낼 메시지 {n}건 ({})", a.as_of),
        Lang::En => format!("{n} flow {} due today ({})", plural(n, "message"), a.as_of),
    };
    let lines = due
        .iter()
        .map(|m| {
            format!(
                "- {} → {} ({}): {}",
                m.flow,
                show(&m.name, mask),
                m.channel.code(),
                m.reason(l, a.currency)
            )
        })
        .collect();
    Some(Message {
        kind: Kind::Today,
        period: a.as_of.to_string(),
        lang: l,
        shop: shop(a),
        title,
        lines,
        fields: vec![
            ("shop".into(), shop(a)),
            ("date".into(), a.as_of.to_string()),
            ("count".into(), n.to_string()),
        ],
    })
}

fn grade_changes(a: &Analyses, mask: bool) -> Option<Message> {
    if a.changes.is_empty() {
        return None;
    }
    let l = a.lang;
    let n = a.changes.len();
    let ups = a
        .changes
        .iter()
        .filter(|c| c.direction == GradeDirection::Upgrade)
        .count();
    let title = match l {
        Lang::Ko => format!(
            "등급 변동 {n}건 (상승 {ups}, 하락 {}; {} 이후)",
            n - ups,
            a.changes_since
        ),
        Lang::En => format!(
            "{n} grade {} ({ups} up, {} down; since {})",
            plural(n, "change"),
            n - ups,
            a.changes_since
        ),
    };
    let lines = a
        .changes
        .iter()
        .map(|c| {
            let kind = match (c.kind, l) {
                (GradeKind::Vip, _) => "VIP",
                (GradeKind::Responder, Lang::Ko) => "응답",
                (GradeKind::Responder, Lang::En) => "responder",
            };
            let arrow = if c.direction == GradeDirection::Upgrade {
                "↑"
            } else {
                "↓"
            };
            format!(
                "{arrow} {}: {} → {} ({kind})",
                show(&c.name, mask),
                c.from.name.in_lang(l),
                c.to.name.in_lang(l)
            )
        })
        .collect();
    Some(Message {
        kind: Kind::GradeChanges,
        period: a.as_of.to_string(),
        lang: l,
        shop: shop(a),
        title,
        lines,
        fields: vec![
            ("shop".into(), shop(a)),
            ("date".into(), a.as_of.to_string()),
            ("count".into(), n.to_string()),
            ("upgrades".into(), ups.to_string()),
        ],
    })
}

/// The products that crossed the low-stock line today (SPEC §10: an alert when an item crosses
/// the line, not every night it stays low); `None` when none did.
fn low_stock(a: &Analyses) -> Option<Message> {
    if a.newly_low.is_empty() {
        return None;
    }
    let l = a.lang;
    let n = a.newly_low.len();
    let title = match l {
        Lang::Ko => format!("재고 부족 {n}개 품목 ({})", a.as_of),
        Lang::En => format!("{n} {} low on stock ({})", plural(n, "product"), a.as_of),
    };
    let num = |d: rust_decimal::Decimal| d.normalize().to_string();
    let lines = a
        .newly_low
        .iter()
        .map(|s| {
            let out = s.stock <= rust_decimal::Decimal::ZERO;
            match l {
                Lang::Ko => format!(
                    "- {}: {} {} (안전재고 {}), 발주제안 {}",
                    s.label(),
                    if out { "품절, 재고" } else { "재고" },
                    num(s.stock),
                    num(s.threshold),
                    num(s.suggested_order)
                ),
                Lang::En => format!(
                    "- {}: {} {} (safety stock {}), suggested order {}",
                    s.label(),
                    if out { "out of stock," } else { "stock" },
                    num(s.stock),
                    num(s.threshold),
                    num(s.suggested_order)
                ),
            }
        })
        .collect();
    Some(Message {
        kind: Kind::LowStock,
        period: a.as_of.to_string(),
        lang: l,
        shop: shop(a),
        title,
        lines,
        fields: vec![
            ("shop".into(), shop(a)),
            ("date".into(), a.as_of.to_string()),
            ("count".into(), n.to_string()),
        ],
    })
}

/// A failed run: which workbook, on which day, and the error (already free of secrets).
pub fn run_failed(workbook: &str, as_of: chrono::NaiveDate, error: &str, lang: Lang) -> Message {
    let title = match lang {
        Lang::Ko => format!("dangol run 실패: {workbook} ({as_of})"),
        Lang::En => format!("dangol run failed: {workbook} ({as_of})"),
    };
    let mut lines: Vec<String> = error.lines().map(ToString::to_string).collect();
    lines.push(
        lang.pick(
            "자세한 내용은 `dangol check`로 확인하세요.",
            "Run `dangol check` for the details.",
        )
        .to_string(),
    );
    Message {
        kind: Kind::RunFailed,
        period: as_of.to_string(),
        lang,
        shop: "dangol".into(),
        title,
        lines,
        fields: vec![
            ("workbook".into(), workbook.to_string()),
            ("date".into(), as_of.to_string()),
            ("error".into(), error.to_string()),
        ],
    }
}
