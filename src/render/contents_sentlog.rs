//! The Sent Log generated sheet (발송기록, SPEC §8/§9): every notification attempt from the
//! journal `.dangol-notify.jsonl` beside the workbook, one row per attempt, in the workbook's
//! language. The journal holds no secret; the sheet also never shows a URL beyond its scheme
//! and host (a webhook address may carry a token), and masks phone numbers and e-mail
//! addresses unless `notify.mask = false`.
//!
//! Below the attempts, the flow messages `dangol today --apply` recorded (SPEC §8): the one
//! table of a generated sheet that dangol reads back (`ingest::flows::read_flow_log`), so it
//! is written again on every run and the next day's `today` never sends a message twice.

use crate::ingest::flows::{FLOW_LOG_HEADERS, FlowSent};
use crate::model::Lang;
use crate::notify::journal::Entry;
use crate::notify::mask::mask_name;
use crate::render::columns::{self, Column, Kind};
use crate::render::table::{GeneratedSheet, SheetContent, SheetTable};

/// One attempt: its `pending` line and whatever the journal said of it afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Try {
    at: String,
    key: String,
    /// Position in the journal of the line that opened it: the tie-breaker within a second.
    seq: usize,
    state: String,
    detail: String,
    number: u32,
}

/// The attempts in the journal: each `pending` line opens one; the lines of the same key
/// after it (`sent`, `failed`, `retrying`, `unknown`) say how it ended. Sorted by time, then
/// journal order (attempts within one second stay in the order they were made).
fn attempts(entries: &[Entry]) -> Vec<Try> {
    let mut out: Vec<Try> = Vec::new();
    let mut open: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (seq, e) in entries.iter().enumerate() {
        let current = open.get(e.key.as_str()).copied();
        match current {
            Some(i) if e.state != "pending" => {
                out[i].state.clone_from(&e.state);
                out[i].detail.clone_from(&e.detail);
                out[i].number = e.attempt;
                // An attempt ends with its outcome; a later line opens a new one.
                open.remove(e.key.as_str());
            }
            _ => {
                if e.state == "pending" {
                    open.insert(e.key.as_str(), out.len());
                }
                out.push(Try {
                    at: e.at.clone(),
                    key: e.key.clone(),
                    seq,
                    state: e.state.clone(),
                    detail: e.detail.clone(),
                    number: e.attempt,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.at, a.seq).cmp(&(&b.at, b.seq)));
    out
}

/// `2026-12-01T23:05:12Z` as `2026-12-01 23:05:12`.
fn when(at: &str) -> String {
    at.trim_end_matches('Z').replacen('T', " ", 1)
}

/// A URL cut to its scheme and host: paths and queries may carry tokens.
fn url_origin(s: &str) -> Option<String> {
    let (scheme, rest) = s.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    Some(format!("{scheme}://{host}/…"))
}

/// Any URL in `text` cut to its scheme and host.
fn without_url_paths(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let start = w.find("http://").or_else(|| w.find("https://"));
            match start {
                Some(i) => format!("{}{}", &w[..i], url_origin(&w[i..]).unwrap_or_default()),
                None => w.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A phone number with all but its first three and last four digits hidden.
fn mask_phone(s: &str) -> String {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen > 3 && seen + 4 <= digits {
                    return '*';
                }
            }
            c
        })
        .collect()
}

/// The recipient as the sheet shows it.
fn recipient(r: &str, mask: bool) -> String {
    if let Some(origin) = url_origin(r) {
        return origin;
    }
    if !mask {
        return r.to_string();
    }
    if r.contains('@') {
        return mask_name(r);
    }
    let digits = r.chars().filter(char::is_ascii_digit).count();
    if digits >= 7
        && r.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')'))
    {
        return mask_phone(r);
    }
    r.to_string()
}

fn outcome(state: &str, lang: Lang) -> String {
    let (ko, en) = match state {
        "sent" => ("발송", "sent"),
        "failed" => ("실패", "failed"),
        "retrying" => ("재시도", "retried"),
        "unknown" => ("알 수 없음", "unknown"),
        "pending" => ("대기", "pending"),
        other => return other.to_string(),
    };
    lang.pick(ko, en).to_string()
}

/// The Sent Log sheet from the journal's entries; `None` when the journal has none.
pub fn sent_log(entries: &[Entry], mask: bool, lang: Lang) -> Option<SheetContent> {
    sent_log_with_flows(entries, &[], mask, lang)
}

/// The Sent Log sheet: the journal's attempts, then the flow messages recorded as sent
/// (`dangol today --apply`, SPEC §8) under the headers of
/// [`crate::ingest::flows::FLOW_LOG_HEADERS`], which the next run reads back (customer keys
/// are shown as they are: they are what the never-twice check compares). `None` when there
/// is neither.
pub fn sent_log_with_flows(
    entries: &[Entry],
    flows: &[FlowSent],
    mask: bool,
    lang: Lang,
) -> Option<SheetContent> {
    if entries.is_empty() && flows.is_empty() {
        return None;
    }
    let mut tables = Vec::new();
    if !entries.is_empty() {
        tables.push(attempts_table(entries, mask, lang));
    }
    if !flows.is_empty() {
        tables.push(flows_table(flows, lang));
    }
    Some(SheetContent {
        sheet: GeneratedSheet::SentLog,
        tables,
    })
}

/// The flow table's columns, under the headers [`read_flow_log`] looks for.
///
/// [`read_flow_log`]: crate::ingest::flows::read_flow_log
const FLOW_COLUMNS: &[Column<FlowSent>] = {
    type C = Column<FlowSent>;
    /// The header pair `i` of [`FLOW_LOG_HEADERS`] as `(ko, en)`.
    const fn h(i: usize) -> (&'static str, &'static str) {
        (FLOW_LOG_HEADERS[i].1, FLOW_LOG_HEADERS[i].0)
    }
    &[
        C::sheet("sent", h(0), Kind::Date, |f, _| f.sent.into()),
        C::sheet("flow", h(1), Kind::Text, |f, _| f.flow.as_str().into()),
        C::sheet("customer", h(2), Kind::Key, |f, _| {
            f.customer.as_str().into()
        }),
        C::sheet("trigger", h(3), Kind::Text, |f, _| {
            f.trigger.as_str().into()
        }),
        C::sheet("channel", h(4), Kind::Text, |f, _| {
            f.channel.as_str().into()
        }),
        C::sheet("name", h(5), Kind::Text, |f, _| f.name.as_str().into()),
    ]
};

/// The flow messages, oldest first.
fn flows_table(flows: &[FlowSent], lang: Lang) -> SheetTable {
    let mut rows: Vec<&FlowSent> = flows.iter().collect();
    rows.sort();
    // One row per (flow, customer, trigger): the earliest.
    let mut seen = std::collections::BTreeSet::new();
    rows.retain(|f| seen.insert((&f.flow, &f.customer, &f.trigger)));
    columns::sheet_table(
        FLOW_COLUMNS,
        lang.pick("자동발송 기록", "Flow messages").to_string(),
        rows,
        lang,
    )
}

/// One attempt as the sheet shows it: its key split into channel, kind, recipient (masked
/// or cut to its host) and period.
struct AttemptRow {
    at: String,
    channel: String,
    kind: String,
    recipient: String,
    period: String,
    state: String,
    detail: String,
    number: u32,
}

impl AttemptRow {
    fn new(a: Try, mask: bool) -> AttemptRow {
        // The key is channel|kind|recipient|period; the recipient is the middle.
        let mut parts = a.key.splitn(3, '|');
        let channel = parts.next().unwrap_or("").to_string();
        let kind = parts.next().unwrap_or("").to_string();
        let rest = parts.next().unwrap_or("");
        let (to, period) = rest.rsplit_once('|').unwrap_or((rest, ""));
        AttemptRow {
            at: when(&a.at),
            channel,
            kind,
            recipient: recipient(to, mask),
            period: period.to_string(),
            state: a.state,
            detail: without_url_paths(&a.detail),
            number: a.number,
        }
    }
}

/// The attempts table's columns.
const ATTEMPT_COLUMNS: &[Column<AttemptRow>] = {
    type C = Column<AttemptRow>;
    &[
        C::sheet("at", ("시각 (UTC)", "When (UTC)"), Kind::Text, |a, _| {
            a.at.as_str().into()
        }),
        C::sheet("channel", ("채널", "Channel"), Kind::Text, |a, _| {
            a.channel.as_str().into()
        }),
        C::sheet("kind", ("종류", "Kind"), Kind::Text, |a, _| {
            a.kind.as_str().into()
        }),
        C::sheet(
            "recipient",
            ("받는 곳", "Recipient"),
            Kind::Text,
            |a, _| a.recipient.as_str().into(),
        ),
        C::sheet("period", ("기간", "Period"), Kind::Text, |a, _| {
            a.period.as_str().into()
        }),
        C::sheet("outcome", ("결과", "Outcome"), Kind::Text, |a, out| {
            outcome(&a.state, out.lang()).into()
        }),
        C::sheet("detail", ("내용", "Detail"), Kind::Text, |a, _| {
            a.detail.as_str().into()
        }),
        C::sheet("attempt", ("시도", "Attempt"), Kind::Count, |a, _| {
            a.number.into()
        }),
    ]
};

fn attempts_table(entries: &[Entry], mask: bool, lang: Lang) -> SheetTable {
    let rows: Vec<AttemptRow> = attempts(entries)
        .into_iter()
        .map(|a| AttemptRow::new(a, mask))
        .collect();
    columns::sheet_table(ATTEMPT_COLUMNS, String::new(), &rows, lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::table::Cell;

    fn e(at: &str, key: &str, state: &str, attempt: u32, detail: &str) -> Entry {
        Entry {
            at: at.into(),
            key: key.into(),
            state: state.into(),
            attempt,
            detail: detail.into(),
        }
    }

    fn texts(c: &SheetContent) -> Vec<String> {
        c.tables[0]
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => s.clone(),
                        Cell::Int(i) => i.to_string(),
                        Cell::Empty => String::new(),
                        other => format!("{other:?}"),
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect()
    }

    #[test]
    fn one_row_per_attempt_with_its_outcome() {
        let k = "slack|weekly|webhook|2025-W15";
        let entries = [
            e("2026-12-01T10:00:00Z", k, "pending", 1, ""),
            e(
                "2026-12-01T10:00:00Z",
                k,
                "retrying",
                1,
                "HTTP 429: slow down; waiting 1 s",
            ),
            e("2026-12-01T10:00:01Z", k, "pending", 2, ""),
            e("2026-12-01T10:00:01Z", k, "sent", 2, "HTTP 200"),
            e(
                "2026-12-01T09:00:00Z",
                "alimtalk|reminders|010-1234-5678|2025-04-16",
                "pending",
                1,
                "",
            ),
        ];
        let c = sent_log(&entries, true, Lang::En).unwrap();
        assert_eq!(c.sheet, GeneratedSheet::SentLog);
        assert_eq!(
            texts(&c),
            [
                "2026-12-01 09:00:00 | alimtalk | reminders | 010-****-5678 | 2025-04-16 | pending |  | 1",
                "2026-12-01 10:00:00 | slack | weekly | webhook | 2025-W15 | retried | HTTP 429: slow down; waiting 1 s | 1",
                "2026-12-01 10:00:01 | slack | weekly | webhook | 2025-W15 | sent | HTTP 200 | 2",
            ]
        );
        let ko = sent_log(&entries, false, Lang::Ko).unwrap();
        assert_eq!(ko.tables[0].columns[0], "시각 (UTC)");
        assert_eq!(
            texts(&ko)[0],
            "2026-12-01 09:00:00 | alimtalk | reminders | 010-1234-5678 | 2025-04-16 | 대기 |  | 1"
        );
        assert!(sent_log(&[], true, Lang::En).is_none());
    }

    #[test]
    fn the_flow_table_is_written_under_the_headers_the_reader_looks_for() {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 4, 16).unwrap();
        let f = |customer: &str| FlowSent {
            sent: day,
            flow: "welcome".into(),
            customer: customer.into(),
            trigger: "2025-04-16".into(),
            channel: "email".into(),
            name: String::new(),
        };
        for lang in [Lang::Ko, Lang::En] {
            let c = sent_log_with_flows(&[], &[f("b@x"), f("a@x"), f("a@x")], true, lang).unwrap();
            let t = &c.tables[0];
            let want: Vec<&str> = FLOW_LOG_HEADERS
                .iter()
                .map(|(en, ko)| lang.pick(ko, en))
                .collect();
            assert_eq!(t.columns, want);
            assert_eq!(t.title, lang.pick("자동발송 기록", "Flow messages"));
            // Oldest first, one row per (flow, customer, trigger), keys never masked.
            assert_eq!(
                t.rows,
                ["a@x", "b@x"].map(|k| vec![
                    Cell::Date(day),
                    Cell::text("welcome"),
                    Cell::text(k),
                    Cell::text("2025-04-16"),
                    Cell::text("email"),
                    Cell::Empty,
                ])
            );
        }
    }

    #[test]
    fn urls_keep_only_scheme_and_host() {
        assert_eq!(
            recipient(
                "https://user:pw@hooks.example.com/x/SECRET?token=abc",
                false
            ),
            "https://hooks.example.com/…"
        );
        assert_eq!(
            without_url_paths("posting to https://h.example/T0/B0/XYZ failed"),
            "posting to https://h.example/… failed"
        );
        assert_eq!(recipient("owner@shop.example", true), "o****@shop.example");
        assert_eq!(recipient("me", true), "me");
    }
}
