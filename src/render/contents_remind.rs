//! The Reminders and Dashboard generated sheets as typed tables (SPEC §5), in the workbook's
//! language. The terminal table and CSV of `dangol remind` use the same tables.

use super::columns::{self, Column, Fact, Kind, Out};
use crate::analysis::customers::{CustomerTable, Grade};
use crate::analysis::remind::{NextAction, Reminder};
use crate::model::Lang;
use crate::render::table::{Cell, GeneratedSheet, SheetContent, SheetTable};

fn yes_no(b: bool, lang: Lang) -> Cell {
    Cell::text(if b {
        lang.pick("예", "yes")
    } else {
        lang.pick("아니오", "no")
    })
}

/// One due reminder, with the decimals its amount keeps in JSON and CSV.
pub struct RemindRow<'a> {
    pub reminder: &'a Reminder,
    /// The currency's decimals, at least 2.
    pub money_dp: u32,
}

/// A grade's name: built-in grades in English for data, the owner's as written.
fn grade(g: Option<&Grade>, out: Out) -> Fact {
    g.map(|g| match out {
        Out::Data => g.name.en.as_str(),
        Out::Show(lang) => g.name.in_lang(lang),
    })
    .into()
}

/// The reminder columns, in JSON order (CSV: all but `opens`); the Reminders sheet shows those
/// with a header, the `dangol remind` terminal table the ones an owner reads first.
pub fn remind_columns<'a>() -> [Column<RemindRow<'a>>; 16] {
    type C<'a> = Column<RemindRow<'a>>;
    [
        C::sheet("quote_id", ("견적번호", "Quote"), Kind::Text, |r, _| {
            r.reminder.quote_id.as_deref().into()
        })
        .on_terminal(),
        C::data("customer", Kind::Key, |r, _| {
            r.reminder.customer.as_str().into()
        }),
        C::sheet("name", ("고객", "Customer"), Kind::Text, |r, _| {
            r.reminder.name.as_str().into()
        })
        .on_terminal(),
        C::sheet("email", ("이메일", "Email"), Kind::Email, |r, _| {
            r.reminder.email.as_deref().into()
        }),
        C::sheet("phone", ("전화번호", "Phone"), Kind::Phone, |r, _| {
            r.reminder.phone.as_deref().into()
        }),
        C::sheet("sent", ("발송일", "Sent"), Kind::Date, |r, _| {
            r.reminder.sent.into()
        })
        .on_terminal(),
        C::sheet(
            "days_since_sent",
            ("경과일", "Days since sent"),
            Kind::Count,
            |r, _| r.reminder.days_since_sent.into(),
        )
        .on_terminal(),
        C::sheet(
            "opened",
            ("열람", "Opened"),
            Kind::Flag,
            |r, out| match out {
                Out::Data => r.reminder.opened.into(),
                Out::Show(lang) => if r.reminder.opened {
                    lang.pick("예", "yes")
                } else {
                    lang.pick("아니오", "no")
                }
                .into(),
            },
        )
        .on_terminal(),
        C::data("opens", Kind::Count, |r, _| r.reminder.opens.into()).json_only(),
        C::sheet(
            "reminders",
            ("리마인드횟수", "Reminders"),
            Kind::Count,
            |r, _| r.reminder.reminders.into(),
        )
        .on_terminal(),
        C::sheet(
            "last_reminded",
            ("최근리마인드", "Last reminder"),
            Kind::Date,
            |r, _| r.reminder.last_reminded.into(),
        ),
        C::sheet(
            "amount",
            ("견적금액", "Amount"),
            Kind::Money,
            |r, out| {
                r.reminder.amount.map_or(Fact::None, |a| match out {
                    Out::Data => Fact::Text(a.round_dp(r.money_dp).normalize().to_string()),
                    Out::Show(_) => Fact::Dec(a),
                })
            },
        ),
        C::sheet(
            "vip_grade",
            ("VIP등급", "VIP grade"),
            Kind::Text,
            |r, out| grade(r.reminder.vip.as_ref(), out),
        )
        .on_terminal(),
        C::sheet(
            "responder_grade",
            ("응답등급", "Responder grade"),
            Kind::Text,
            |r, out| grade(r.reminder.responder.as_ref(), out),
        )
        .on_terminal(),
        C::sheet(
            "reason",
            ("사유", "Reason"),
            Kind::Text,
            |r, out| match out {
                Out::Data => r.reminder.reason_in(Lang::En).into(),
                Out::Show(lang) => r.reminder.reason_in(lang).into(),
            },
        )
        .on_terminal(),
        C::sheet(
            "cell",
            ("견적 위치", "Quote row"),
            Kind::Cell,
            |r, _| Fact::Text(r.reminder.cell.to_string()),
        ),
    ]
}

/// The rows of `reminders` (amounts to `money_dp` decimals in data).
pub fn remind_rows(reminders: &[Reminder], money_dp: u32) -> Vec<RemindRow<'_>> {
    reminders
        .iter()
        .map(|reminder| RemindRow { reminder, money_dp })
        .collect()
}

/// The Reminders table: who needs a reminder now and why.
pub fn reminders_table(reminders: &[Reminder], lang: Lang) -> SheetTable {
    columns::sheet_table(
        &remind_columns(),
        lang.pick("리마인드 대상", "Reminders due").to_string(),
        &remind_rows(reminders, 2),
        lang,
    )
}

/// The `dangol remind` terminal table (no title: the line above it says how many are due).
pub fn reminders_terminal(reminders: &[Reminder], lang: Lang) -> SheetTable {
    let rows = remind_rows(reminders, 2);
    columns::terminal_table(&remind_columns(), String::new(), &rows, lang, false)
}

/// `dangol remind --format csv`: every CSV column; text that could start a formula gets the
/// text mark (dates, numbers, amounts and cell references are written as they are).
pub fn reminders_csv(reminders: &[Reminder], money_dp: u32) -> anyhow::Result<String> {
    let rows = remind_rows(reminders, money_dp);
    Ok(String::from_utf8(columns::data_csv(
        &remind_columns(),
        &rows,
    )?)?)
}

/// The customers to call instead of e-mailing (and those who cannot be reached): JSON only.
pub const CALL_COLUMNS: &[Column<Reminder>] = {
    type C = Column<Reminder>;
    &[
        C::data("customer", Kind::Key, |r, _| r.customer.as_str().into()),
        C::data("name", Kind::Text, |r, _| r.name.as_str().into()),
        C::data("phone", Kind::Phone, |r, _| r.phone.as_deref().into()),
        C::data("email", Kind::Email, |r, _| r.email.as_deref().into()),
    ]
};

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
