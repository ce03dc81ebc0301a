//! The Reminders and Dashboard generated sheets as typed tables (SPEC §5), in the workbook's
//! language. The terminal table and CSV of `dangol remind` use the same tables.

use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use super::columns::{self, Column, Fact, JsonRows, Kind, Out};
use crate::analysis::customers::{CustomerTable, Grade};
use crate::analysis::remind::{ActionKind, NextAction, QuoteFlow, Reminder};
use crate::model::{Currency, Lang};
use crate::render::table::{GeneratedSheet, SheetContent, SheetTable};
use crate::settings::Settings;

/// Yes/no: a boolean in data, `예`/`아니오` (`yes`/`no`) for people.
fn yes_no(b: bool, out: Out) -> Fact {
    match out {
        Out::Data => b.into(),
        Out::Show(lang) => if b {
            lang.pick("예", "yes")
        } else {
            lang.pick("아니오", "no")
        }
        .into(),
    }
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
        C::sheet("opened", ("열람", "Opened"), Kind::Flag, |r, out| {
            yes_no(r.reminder.opened, out)
        })
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

/// One Dashboard row: a customer's next action, and their groups on the as-of day when the
/// workbook has group sheets.
pub struct DashRow<'a> {
    pub action: &'a NextAction,
    pub group: Option<&'a str>,
}

/// A flag of the customer's last quote (empty without one).
fn quote_flag(r: &DashRow<'_>, out: Out, f: fn(&QuoteFlow) -> bool) -> Fact {
    r.action
        .last_quote
        .as_ref()
        .map_or(Fact::None, |q| yes_no(f(q), out))
}

/// The Dashboard columns: one row per customer's response flow and next action; the group
/// column after the phone only when `with_group` (a workbook with group sheets, so other
/// dashboards keep their columns).
pub fn dashboard_columns<'a>(with_group: bool) -> Vec<Column<DashRow<'a>>> {
    type C<'a> = Column<DashRow<'a>>;
    let mut cols = vec![
        C::sheet("customer", ("고객", "Customer"), Kind::Text, |r, _| {
            r.action.name.as_str().into()
        }),
        C::sheet("email", ("이메일", "Email"), Kind::Email, |r, _| {
            r.action.email.as_deref().into()
        }),
        C::sheet("phone", ("전화번호", "Phone"), Kind::Phone, |r, _| {
            r.action.phone.as_deref().into()
        }),
        C::sheet(
            "last_quote",
            ("최근 견적", "Last quote"),
            Kind::Text,
            |r, _| {
                r.action
                    .last_quote
                    .as_ref()
                    .and_then(|q| q.quote_id.as_deref())
                    .into()
            },
        ),
        C::sheet(
            "quote_sent",
            ("견적발송일", "Quote sent"),
            Kind::Date,
            |r, _| r.action.last_quote.as_ref().map(|q| q.sent).into(),
        ),
        C::sheet("opened", ("열람", "Opened"), Kind::Flag, |r, out| {
            quote_flag(r, out, |q| q.opened)
        }),
        C::sheet(
            "responded",
            ("응답", "Responded"),
            Kind::Flag,
            |r, out| quote_flag(r, out, |q| q.responded),
        ),
        C::sheet(
            "converted",
            ("전환", "Converted"),
            Kind::Flag,
            |r, out| quote_flag(r, out, |q| q.converted),
        ),
        C::sheet(
            "reminders",
            ("리마인드횟수", "Reminders"),
            Kind::Count,
            |r, _| r.action.last_quote.as_ref().map(|q| q.reminders).into(),
        ),
        C::sheet(
            "vip_grade",
            ("VIP등급", "VIP grade"),
            Kind::Text,
            |r, out| grade(Some(&r.action.vip), out),
        ),
        C::sheet(
            "responder_grade",
            ("응답등급", "Responder grade"),
            Kind::Text,
            |r, out| grade(Some(&r.action.responder), out),
        ),
        C::sheet(
            "next_action",
            ("다음 할 일", "Next action"),
            Kind::Text,
            |r, out| match r.action.action {
                ActionKind::None => Fact::None,
                k => k.label(out.lang()).into(),
            },
        ),
        C::sheet("reason", ("사유", "Reason"), Kind::Text, |r, out| {
            r.action.reason_in(out.lang()).into()
        }),
    ];
    if with_group {
        cols.insert(
            3,
            C::sheet("group", ("그룹", "Group"), Kind::Text, |r, _| {
                r.group.into()
            }),
        );
    }
    cols
}

/// The Dashboard table, with the group column when `groups` gives each customer's groups.
fn dashboard_table(
    actions: &[NextAction],
    groups: Option<&CustomerTable>,
    lang: Lang,
) -> SheetTable {
    let rows: Vec<DashRow<'_>> = actions
        .iter()
        .map(|action| DashRow {
            action,
            group: groups
                .and_then(|t| t.get(&action.customer))
                .and_then(|c| c.group.as_deref()),
        })
        .collect();
    columns::sheet_table(
        &dashboard_columns(groups.is_some()),
        lang.pick("고객별 응답 흐름", "Response flow by customer")
            .to_string(),
        &rows,
        lang,
    )
}

/// The Dashboard sheet.
pub fn dashboard_sheet(actions: &[NextAction], lang: Lang) -> SheetContent {
    SheetContent {
        sheet: GeneratedSheet::Dashboard,
        tables: vec![dashboard_table(actions, None, lang)],
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
    if let Some(t) = dashboard.tables.first_mut() {
        *t = dashboard_table(actions, Some(customers), lang);
    }
}

#[derive(Serialize)]
struct RemindJson<'a> {
    as_of: String,
    reminders: JsonRows<'a, RemindRow<'a>>,
    call_instead: JsonRows<'a, Reminder>,
    /// Neither a usable e-mail nor a phone: listed, never marked as reminded.
    unreachable: JsonRows<'a, Reminder>,
    applied: usize,
    drafts: usize,
}

/// `dangol remind --format json`: the due reminders, the customers to call instead and those
/// who cannot be reached, how many quotes `--apply` marked and how many drafts `--eml` wrote.
pub fn remind_json(
    due: &[Reminder],
    (calls, unreachable): (&[&Reminder], &[&Reminder]),
    as_of: NaiveDate,
    money_dp: u32,
    (applied, drafts): (usize, usize),
) -> anyhow::Result<String> {
    let cols = remind_columns();
    let rows = remind_rows(due, money_dp);
    let rows: Vec<&RemindRow<'_>> = rows.iter().collect();
    let j = RemindJson {
        as_of: as_of.to_string(),
        reminders: JsonRows(&cols, &rows),
        call_instead: JsonRows(CALL_COLUMNS, calls),
        unreachable: JsonRows(CALL_COLUMNS, unreachable),
        applied,
        drafts,
    };
    let mut s = serde_json::to_string_pretty(&j)?;
    s.push('\n');
    Ok(s)
}

/// What `dangol remind --apply` wrote.
pub struct Applied<'a> {
    /// The workbook written: the input, or `--out FILE`.
    pub target: &'a Path,
    /// How many quote rows were marked as reminded.
    pub marked: usize,
    /// Whether `target` is `--out FILE` (written even when nothing was marked).
    pub to_out: bool,
}

/// What `dangol remind` wrote besides its report, for the lines under it.
pub struct RemindOutputs<'a> {
    /// `--eml DIR` and how many drafts went into it.
    pub eml: Option<(&'a Path, usize)>,
    /// `--csv FILE`.
    pub csv: Option<&'a Path>,
    /// `--apply`.
    pub applied: Option<Applied<'a>>,
}

/// The terminal report of `dangol remind`: the due reminders (a table, with the reminder
/// settings), the customers to call instead and those who cannot be reached, and what was
/// written.
pub fn remind_terminal(
    due: &[Reminder],
    (calls, unreachable): (&[&Reminder], &[&Reminder]),
    settings: &Settings,
    (lang, currency): (Lang, Currency),
    as_of: NaiveDate,
    outputs: &RemindOutputs<'_>,
) -> String {
    let mut o = String::new();
    due_section(&mut o, settings, (lang, currency), due, as_of);
    contact_section(&mut o, lang, calls, unreachable);
    outputs_section(&mut o, lang, outputs);
    o
}

/// The reminders due as of `as_of` (a table), or that there are none.
fn due_section(
    o: &mut String,
    s: &Settings,
    (lang, currency): (Lang, Currency),
    due: &[Reminder],
    as_of: NaiveDate,
) {
    if due.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!("{as_of} 기준 리마인드할 견적이 없습니다."),
                Lang::En => format!("No quotes need a reminder as of {as_of}."),
            }
        );
    } else {
        // The same plain, Hangul-aligned layout as `dangol customers` and `dangol funnel`.
        let shown = reminders_terminal(due, lang);
        let ct = crate::render::terminal::render_table(&shown, currency);
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!(
                    "{as_of} 기준 리마인드 대상 {}건 (발송 {}일 후, 최대 {}회, 간격 {}일)",
                    due.len(),
                    s.reminder_after_days,
                    s.reminder_max,
                    s.reminder_gap_days
                ),
                Lang::En => format!(
                    "{} quote(s) need a reminder as of {as_of} (after {} days, at most {}, {} days apart)",
                    due.len(),
                    s.reminder_after_days,
                    s.reminder_max,
                    s.reminder_gap_days
                ),
            }
        );
        let _ = write!(o, "{ct}");
    }
}

/// The customers to call instead (no usable e-mail) and those who cannot be reached at all.
fn contact_section(o: &mut String, lang: Lang, calls: &[&Reminder], unreachable: &[&Reminder]) {
    if !calls.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            lang.pick(
                "이메일이 없어 전화로 연락할 고객:",
                "No usable e-mail — call instead:"
            )
        );
        for r in calls {
            let phone = r
                .phone
                .as_deref()
                .unwrap_or(lang.pick("(전화번호 없음)", "(no phone)"));
            let (name, phone) = (
                crate::render::terminal::visible(&r.name),
                crate::render::terminal::visible(phone),
            );
            let _ = writeln!(o, "  {name}  {phone}");
        }
    }
    if !unreachable.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            lang.pick(
                "이메일도 전화번호도 없어 연락할 수 없는 고객 (리마인드로 표시하지 않음):",
                "Unreachable — no e-mail and no phone (never marked as reminded):"
            )
        );
        for r in unreachable {
            let _ = writeln!(o, "  {}", r.name);
        }
    }
}

/// What was written: the drafts, the mail-merge CSV, the marked workbook.
fn outputs_section(o: &mut String, lang: Lang, outputs: &RemindOutputs<'_>) {
    crate::render::eml::written_lines(
        o,
        lang,
        outputs.eml,
        outputs.csv,
        ("메일 머지 CSV", "Mail-merge CSV"),
    );
    if let Some(Applied {
        target,
        marked,
        to_out,
    }) = outputs.applied
    {
        let _ = writeln!(
            o,
            "{}",
            match (lang, marked) {
                (Lang::Ko, 0) if to_out => format!(
                    "변경할 견적이 없어 통합 문서를 그대로 {}에 썼습니다.",
                    target.display()
                ),
                (Lang::En, 0) if to_out => format!(
                    "Nothing to mark; wrote the workbook unchanged to {}.",
                    target.display()
                ),
                (Lang::Ko, 0) => "변경할 견적이 없어 통합 문서를 그대로 두었습니다.".to_string(),
                (Lang::En, 0) => "Nothing to mark; the workbook was left as it was.".to_string(),
                (Lang::Ko, n) => format!(
                    "견적 {n}건을 리마인드 발송으로 표시했습니다: {}",
                    target.display()
                ),
                (Lang::En, n) => format!("Marked {n} quote(s) as reminded in {}", target.display()),
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_has_its_group_column_after_the_phone_only_with_groups() {
        let headers = |with_group, lang| {
            columns::sheet_table(
                &dashboard_columns(with_group),
                String::new(),
                &Vec::<DashRow<'_>>::new(),
                lang,
            )
            .columns
        };
        assert_eq!(
            headers(false, Lang::En),
            [
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
            ]
        );
        assert_eq!(
            headers(true, Lang::Ko),
            [
                "고객",
                "이메일",
                "전화번호",
                "그룹",
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
            ]
        );
        let d = dashboard_sheet(&[], Lang::Ko);
        assert_eq!(d.tables[0].title, "고객별 응답 흐름");
        assert_eq!(d.tables[0].columns, headers(false, Lang::Ko));
    }
}
