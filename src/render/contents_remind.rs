//! The Reminders and Dashboard generated sheets as typed tables (SPEC §5), in the workbook's
//! language. The terminal table and CSV of `dangol remind` use the same tables.

use crate::analysis::customers::{CustomerTable, Grade};
use crate::analysis::remind::{NextAction, Reminder};
use crate::model::Lang;
use crate::render::table::{Cell, GeneratedSheet, SheetContent, SheetTable};

fn grade_cell(g: Option<&Grade>, lang: Lang) -> Cell {
    g.map_or(Cell::Empty, |g| Cell::text(g.name.in_lang(lang)))
}

fn yes_no(b: bool, lang: Lang) -> Cell {
    Cell::text(if b {
        lang.pick("예", "yes")
    } else {
        lang.pick("아니오", "no")
    })
}

/// The Reminders table: who needs a reminder now and why.
pub fn reminders_table(reminders: &[Reminder], lang: Lang) -> SheetTable {
    let cols: &[&str] = match lang {
        Lang::Ko => &[
            "견적번호",
            "고객",
            "이메일",
            "전화번호",
            "발송일",
            "경과일",
            "열람",
            "리마인드횟수",
            "최근리마인드",
            "견적금액",
            "VIP등급",
            "응답등급",
            "사유",
            "견적 위치",
        ],
        Lang::En => &[
            "Quote",
            "Customer",
            "Email",
            "Phone",
            "Sent",
            "Days since sent",
            "Opened",
            "Reminders",
            "Last reminder",
            "Amount",
            "VIP grade",
            "Responder grade",
            "Reason",
            "Quote row",
        ],
    };
    let mut t = SheetTable::new(lang.pick("리마인드 대상", "Reminders due"), cols);
    for r in reminders {
        t.push(vec![
            Cell::text(r.quote_id.clone().unwrap_or_default()),
            Cell::text(r.name.clone()),
            Cell::text(r.email.clone().unwrap_or_default()),
            Cell::text(r.phone.clone().unwrap_or_default()),
            Cell::Date(r.sent),
            Cell::Int(r.days_since_sent),
            yes_no(r.opened, lang),
            Cell::Int(i64::from(r.reminders)),
            r.last_reminded.into(),
            r.amount.map_or(Cell::Empty, Cell::Money),
            grade_cell(r.vip.as_ref(), lang),
            grade_cell(r.responder.as_ref(), lang),
            Cell::text(r.reason_in(lang)),
            Cell::text(r.cell.to_string()),
        ]);
    }
    t
}

/// The Reminders sheet.
pub fn reminders_sheet(reminders: &[Reminder], lang: Lang) -> SheetContent {
    SheetContent {
        sheet: GeneratedSheet::Reminders,
        tables: vec![reminders_table(reminders, lang)],
    }
}

/// The Dashboard table: one row per customer's response flow and next action.
pub fn dashboard_table(actions: &[NextAction], lang: Lang) -> SheetTable {
    let cols: &[&str] = match lang {
        Lang::Ko => &[
            "고객",
            "이메일",
            "전화번호",
            "최근 견적",
            "견적발송일",
            "열람",
            "응답",
            "전환",
            "리마인드횟수",
            "VIP등급",
            "응답등급",
            "다음 할 일",
            "사유",
        ],
        Lang::En => &[
            "Customer",
            "Email",
            "Phone",
            "Last quote",
            "Quote sent",
            "Opened",
            "Responded",
            "Converted",
            "Reminders",
            "VIP grade",
            "Responder grade",
            "Next action",
            "Reason",
        ],
    };
    let mut t = SheetTable::new(
        lang.pick("고객별 응답 흐름", "Response flow by customer"),
        cols,
    );
    for a in actions {
        let flow = a.last_quote.as_ref();
        let flag = |f: fn(&crate::analysis::remind::QuoteFlow) -> bool| {
            flow.map_or(Cell::Empty, |q| yes_no(f(q), lang))
        };
        t.push(vec![
            Cell::text(a.name.clone()),
            Cell::text(a.email.clone().unwrap_or_default()),
            Cell::text(a.phone.clone().unwrap_or_default()),
            Cell::text(flow.and_then(|q| q.quote_id.clone()).unwrap_or_default()),
            flow.map(|q| q.sent).into(),
            flag(|q| q.opened),
            flag(|q| q.responded),
            flag(|q| q.converted),
            flow.map_or(Cell::Empty, |q| Cell::Int(i64::from(q.reminders))),
            Cell::text(a.vip.name.in_lang(lang)),
            Cell::text(a.responder.name.in_lang(lang)),
            match a.action {
                crate::analysis::remind::ActionKind::None => Cell::Empty,
                k => Cell::text(k.label(lang)),
            },
            Cell::text(a.reason_in(lang)),
        ]);
    }
    t
}

/// The Dashboard sheet.
pub fn dashboard_sheet(actions: &[NextAction], lang: Lang) -> SheetContent {
    SheetContent {
        sheet: GeneratedSheet::Dashboard,
        tables: vec![dashboard_table(actions, lang)],
    }
}

/// The Dashboard with each customer's groups on the as-of day after the phone column (only for
/// a workbook with group sheets, so other dashboards keep their columns).
pub fn add_group_column(
    dashboard: &mut SheetContent,
    actions: &[NextAction],
    customers: &CustomerTable,
    lang: Lang,
) {
    let Some(t) = dashboard.tables.first_mut() else {
        return;
    };
    if t.rows.len() != actions.len() || t.columns.len() < 3 {
        return;
    }
    t.columns.insert(3, lang.pick("그룹", "Group").to_string());
    for (row, a) in t.rows.iter_mut().zip(actions) {
        let g = customers
            .get(&a.customer)
            .and_then(|c| c.group.clone())
            .unwrap_or_default();
        row.insert(3, Cell::text(g));
    }
}
