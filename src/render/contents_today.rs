//! The tables of `dangol today` (SPEC §8) described once: the flow messages of the day (the
//! terminal table of those due, `--format csv` and `--format json`) and the mail-merge /
//! 알림톡 variable file of `--csv FILE`, each one [`Column`] list.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::columns::{self, Column, JsonRows, Kind, Out, Place};
use super::table::SheetTable;
use crate::analysis::flows::{FlowDay, Message, Status};
use crate::model::{Currency, Lang};

/// One flow message, with the currency its reason is told in.
pub struct TodayRow<'a> {
    pub message: &'a Message,
    pub currency: Currency,
}

/// The flow message columns, in JSON order (CSV: all but the contact details, the marketing
/// flag, the trigger day and the status detail); the terminal shows flow, customer, channel
/// (marked when it is marketing) and reason.
pub fn today_columns<'a>() -> [Column<TodayRow<'a>>; 14] {
    type C<'a> = Column<TodayRow<'a>>;
    [
        C::data("flow", Kind::Text, |r, _| r.message.flow.as_str().into())
            .terminal(("규칙", "Flow"), Place::Yes),
        C::data("customer", Kind::Key, |r, _| {
            r.message.customer.as_str().into()
        }),
        C::data("name", Kind::Text, |r, out| match out {
            Out::Data => r.message.name.as_str().into(),
            Out::Show(_) => crate::render::terminal::visible(&r.message.name)
                .into_owned()
                .into(),
        })
        .terminal(("고객", "Customer"), Place::Yes),
        C::data("email", Kind::Email, |r, _| {
            r.message.email.as_deref().into()
        })
        .json_only(),
        C::data("phone", Kind::Phone, |r, _| {
            r.message.phone.as_deref().into()
        })
        .json_only(),
        C::data("channel", Kind::Text, |r, out| {
            let code = r.message.channel.code();
            match out {
                Out::Show(lang) if r.message.marketing => {
                    format!("{code} ({})", lang.pick("광고", "ad")).into()
                }
                _ => code.into(),
            }
        })
        .terminal(("채널", "Channel"), Place::Yes),
        C::data("marketing", Kind::Flag, |r, _| r.message.marketing.into()).json_only(),
        C::data("trigger", Kind::Text, |r, _| {
            r.message.trigger.code().into()
        }),
        C::data("trigger_ref", Kind::Text, |r, _| {
            r.message.trigger_ref.as_str().into()
        }),
        C::data("trigger_day", Kind::Date, |r, _| {
            r.message.trigger_day.into()
        })
        .json_only(),
        C::data("send_day", Kind::Date, |r, _| r.message.send_day.into()),
        C::data("status", Kind::Text, |r, _| r.message.status.code().into()),
        C::data("detail", Kind::Text, |r, _| {
            r.message.status.text(Lang::En).into()
        })
        .json_only(),
        C::data("reason", Kind::Text, |r, out| {
            r.message.reason(out.lang(), r.currency).into()
        })
        .terminal(("사유", "Reason"), Place::Yes),
    ]
}

fn rows<'a>(
    messages: impl IntoIterator<Item = &'a Message>,
    currency: Currency,
) -> Vec<TodayRow<'a>> {
    messages
        .into_iter()
        .map(|message| TodayRow { message, currency })
        .collect()
}

/// The terminal table of the due messages (no title: the line above it says how many).
pub fn due_terminal(due: &[&Message], currency: Currency, lang: Lang) -> SheetTable {
    let rows = rows(due.iter().copied(), currency);
    columns::terminal_table(&today_columns(), String::new(), &rows, lang, false)
}

/// `dangol today --format csv`: every message of the day, due or not.
pub fn today_csv(day: &FlowDay, currency: Currency) -> anyhow::Result<String> {
    let rows = rows(&day.messages, currency);
    Ok(String::from_utf8(columns::data_csv(
        &today_columns(),
        &rows,
    )?)?)
}

#[derive(Serialize)]
struct TodayJson<'a> {
    as_of: String,
    at: String,
    due: JsonRows<'a, TodayRow<'a>>,
    not_sent: JsonRows<'a, TodayRow<'a>>,
    counts: BTreeMap<&'static str, usize>,
    before_go_live: usize,
    applied: usize,
    drafts: usize,
}

/// `dangol today --format json`: the due messages, the others with their status, the count
/// of each status, and what `--apply` recorded and `--eml` drafted.
pub fn today_json(
    day: &FlowDay,
    currency: Currency,
    applied: usize,
    drafts: usize,
) -> anyhow::Result<String> {
    let cols = today_columns();
    let due = rows(day.due(), currency);
    let not_sent = rows(
        day.messages.iter().filter(|m| m.status != Status::Due),
        currency,
    );
    let due: Vec<&TodayRow> = due.iter().collect();
    let not_sent: Vec<&TodayRow> = not_sent.iter().collect();
    let mut counts = BTreeMap::new();
    for m in &day.messages {
        *counts.entry(m.status.code()).or_insert(0) += 1;
    }
    let j = TodayJson {
        as_of: day.as_of.to_string(),
        at: day.at.format("%H:%M").to_string(),
        due: JsonRows(&cols, &due),
        not_sent: JsonRows(&cols, &not_sent),
        counts,
        before_go_live: day.before_go_live,
        applied,
        drafts,
    };
    let mut s = serde_json::to_string_pretty(&j)?;
    s.push('\n');
    Ok(s)
}

/// One due message of the mail-merge file with its finished subject and body, and the
/// workbook's language and currency its reason is told in.
pub struct MergeRow<'a> {
    pub message: &'a Message,
    pub subject: &'a str,
    pub body: &'a str,
    pub lang: Lang,
    pub currency: Currency,
}

/// The mail-merge / 알림톡 variable file's columns (`--csv FILE`): every variable a template
/// or a provider needs; `trigger` is the trigger's identity in the Sent Log.
pub fn merge_columns<'a>() -> [Column<MergeRow<'a>>; 13] {
    type C<'a> = Column<MergeRow<'a>>;
    [
        C::data("flow", Kind::Text, |r, _| r.message.flow.as_str().into()),
        C::data("customer", Kind::Key, |r, _| {
            r.message.customer.as_str().into()
        }),
        C::data("name", Kind::Text, |r, _| r.message.name.as_str().into()),
        C::data("email", Kind::Email, |r, _| {
            r.message.email.as_deref().into()
        }),
        C::data("phone", Kind::Phone, |r, _| {
            r.message.phone.as_deref().into()
        }),
        C::data("channel", Kind::Text, |r, _| {
            r.message.channel.code().into()
        }),
        C::data("template", Kind::Text, |r, _| {
            r.message.template.as_str().into()
        }),
        C::data("marketing", Kind::Text, |r, _| {
            if r.message.marketing { "Y" } else { "N" }.into()
        }),
        C::data("trigger", Kind::Text, |r, _| {
            r.message.trigger_ref.as_str().into()
        }),
        C::data("send_day", Kind::Date, |r, _| r.message.send_day.into()),
        C::data("reason", Kind::Text, |r, _| {
            r.message.reason(r.lang, r.currency).into()
        }),
        C::data("subject", Kind::Text, |r, _| r.subject.into()),
        C::data("body", Kind::Text, |r, _| r.body.into()),
    ]
}

/// The mail-merge file's header row alone (UTF-8 with BOM): how a file dangol wrote is known.
pub fn merge_header() -> anyhow::Result<Vec<u8>> {
    columns::data_csv(&merge_columns(), std::iter::empty())
}

/// The mail-merge / 알림톡 variable file: one row per due message.
pub fn merge_csv(
    due: &[&Message],
    texts: &[(String, String)],
    lang: Lang,
    currency: Currency,
) -> anyhow::Result<Vec<u8>> {
    let rows: Vec<MergeRow> = due
        .iter()
        .zip(texts)
        .map(|(message, (subject, body))| MergeRow {
            message,
            subject,
            body,
            lang,
            currency,
        })
        .collect();
    columns::data_csv(&merge_columns(), &rows)
}

/// What `dangol today` wrote besides its report, for the lines under the table.
pub struct TodayOutputs<'a> {
    /// `--eml DIR` and how many drafts went into it.
    pub eml: Option<(&'a Path, usize)>,
    /// `--csv FILE`.
    pub csv: Option<&'a Path>,
    /// `--apply`: the workbook written (the input or `--out`) and how many messages it recorded.
    pub applied: Option<(&'a Path, usize)>,
}

/// The terminal report of `dangol today`: the due messages (a table), the others with why they
/// are not sent, the triggers before go-live, and what was written.
pub fn today_terminal(
    day: &FlowDay,
    currency: Currency,
    lang: Lang,
    outputs: &TodayOutputs<'_>,
) -> String {
    let mut o = String::new();
    let at = day.at.format("%H:%M");
    let due: Vec<&Message> = day.due().collect();
    if due.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!("{} {at} 기준 보낼 자동발송 메시지가 없습니다.", day.as_of),
                Lang::En => format!("No flow messages are due as of {} {at}.", day.as_of),
            }
        );
    } else {
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!("{} {at} 기준 보낼 메시지 {}건", day.as_of, due.len()),
                Lang::En => format!("{} flow message(s) due as of {} {at}", due.len(), day.as_of),
            }
        );
        let t = due_terminal(&due, currency, lang);
        let _ = write!(o, "{}", crate::render::terminal::render_table(&t, currency));
    }
    let others: Vec<&Message> = day
        .messages
        .iter()
        .filter(|m| m.status != Status::Due)
        .collect();
    if !others.is_empty() {
        let _ = writeln!(o, "{}", lang.pick("보내지 않는 메시지:", "Not sent:"));
        for m in others {
            let name = crate::render::terminal::visible(&m.name);
            let _ = writeln!(o, "  {} → {name}: {}", m.flow, m.status.text(lang));
        }
    }
    if day.before_go_live > 0 {
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!(
                    "적용 시작일 이전 계기 {}건은 보내지 않습니다.",
                    day.before_go_live
                ),
                Lang::En => format!(
                    "{} trigger(s) before a flow's go-live day are never sent.",
                    day.before_go_live
                ),
            }
        );
    }
    crate::render::eml::written_lines(
        &mut o,
        lang,
        outputs.eml,
        outputs.csv,
        ("발송 변수 CSV", "Variables CSV"),
    );
    if let Some((target, applied)) = outputs.applied {
        let _ = writeln!(
            o,
            "{}",
            match (lang, applied) {
                (Lang::Ko, 0) => "발송기록에 새로 추가할 메시지가 없습니다.".to_string(),
                (Lang::En, 0) => "Nothing new to record in the Sent Log.".to_string(),
                (Lang::Ko, n) => format!("발송기록에 {n}건을 기록했습니다: {}", target.display()),
                (Lang::En, n) => format!(
                    "Recorded {n} message(s) in the Sent Log of {}",
                    target.display()
                ),
            }
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};
    use rust_decimal::Decimal;

    use super::*;
    use crate::analysis::flows::Fact;
    use crate::ingest::flows::{Channel, Trigger};
    use crate::render::table::Cell;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 4, d).unwrap()
    }

    fn message(status: Status) -> Message {
        Message {
            flow_index: 0,
            flow: "welcome".into(),
            trigger: Trigger::FirstOrder,
            trigger_ref: "2025-04-20".into(),
            trigger_day: day(20),
            send_day: day(21),
            customer: "ann@x.example".into(),
            name: "=Ann".into(),
            email: Some("ann@x.example".into()),
            phone: None,
            channel: Channel::Email,
            marketing: true,
            template: "welcome".into(),
            vip_grade: None,
            fact: Fact::Order {
                n: 1,
                day: day(20),
                amount: Decimal::new(98_000, 0),
            },
            status,
        }
    }

    fn flow_day() -> FlowDay {
        FlowDay {
            as_of: day(21),
            at: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            catch_up_days: 7,
            messages: vec![message(Status::Due), message(Status::Missed)],
            before_go_live: 0,
        }
    }

    #[test]
    fn terminal_csv_and_json_follow_the_one_list() {
        let d = flow_day();
        let due: Vec<&Message> = d.due().collect();
        let t = due_terminal(&due, Currency::Krw, Lang::Ko);
        assert_eq!(t.columns, ["규칙", "고객", "채널", "사유"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0][0], Cell::text("welcome"));
        assert_eq!(t.rows[0][2], Cell::text("email (광고)"));
        let csv = today_csv(&d, Currency::Krw).unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("\u{feff}flow,customer,name,channel,trigger,trigger_ref,send_day,status,reason")
        );
        let first = lines.next().unwrap();
        assert!(
            first.starts_with(
                "welcome,ann@x.example,'=Ann,email,first_order,2025-04-20,2025-04-21,due,"
            ),
            "{first}"
        );
        assert_eq!(lines.count(), 1);
        let text = today_json(&d, Currency::Krw, 0, 0).unwrap();
        let first_due = &text[text.find("\"due\"").unwrap()..text.find("\"not_sent\"").unwrap()];
        let first_due = &first_due[..first_due.find('}').unwrap()];
        let keys: Vec<&str> = first_due
            .lines()
            .skip(1)
            .filter_map(|l| {
                l.trim()
                    .strip_prefix('"')?
                    .split_once("\":")
                    .map(|(k, _)| k)
            })
            .collect();
        assert_eq!(
            keys,
            [
                "flow",
                "customer",
                "name",
                "email",
                "phone",
                "channel",
                "marketing",
                "trigger",
                "trigger_ref",
                "trigger_day",
                "send_day",
                "status",
                "detail",
                "reason",
            ]
        );
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["due"][0]["name"], "=Ann");
        assert_eq!(json["due"][0]["phone"], serde_json::Value::Null);
        assert_eq!(json["due"][0]["marketing"], true);
        assert_eq!(json["not_sent"][0]["status"], "missed");
        assert_eq!(json["counts"]["due"], 1);
    }

    #[test]
    fn the_mail_merge_file_has_its_own_columns() {
        assert_eq!(
            merge_header().unwrap(),
            "\u{feff}flow,customer,name,email,phone,channel,template,marketing,trigger,\
             send_day,reason,subject,body\n"
                .as_bytes()
        );
        let m = message(Status::Due);
        let texts = [("-Hi".to_string(), "Body".to_string())];
        let bytes = merge_csv(&[&m], &texts, Lang::En, Currency::Krw).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert!(
            row.starts_with(
                "welcome,ann@x.example,'=Ann,ann@x.example,,email,welcome,Y,2025-04-20,2025-04-21,"
            ),
            "{row}"
        );
        assert!(row.ends_with(",'-Hi,Body"), "{row}");
    }
}
