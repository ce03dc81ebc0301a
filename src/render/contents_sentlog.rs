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
use crate::render::table::{Cell, GeneratedSheet, SheetContent, SheetTable};

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

/// The flow messages, oldest first.
fn flows_table(flows: &[FlowSent], lang: Lang) -> SheetTable {
    let cols: Vec<&str> = FLOW_LOG_HEADERS
        .iter()
        .map(|(en, ko)| lang.pick(ko, en))
        .collect();
    let mut t = SheetTable::new(lang.pick("자동발송 기록", "Flow messages"), &cols);
    let mut rows: Vec<&FlowSent> = flows.iter().collect();
    rows.sort();
    // One row per (flow, customer, trigger): the earliest.
    let mut seen = std::collections::BTreeSet::new();
    rows.retain(|f| seen.insert((&f.flow, &f.customer, &f.trigger)));
    for f in rows {
        t.push(vec![
            Cell::Date(f.sent),
            Cell::text(f.flow.as_str()),
            Cell::text(f.customer.as_str()),
            Cell::text(f.trigger.as_str()),
            Cell::text(f.channel.as_str()),
            Cell::text(f.name.as_str()),
        ]);
    }
    t
}

fn attempts_table(entries: &[Entry], mask: bool, lang: Lang) -> SheetTable {
    let mut t = SheetTable::new(
        "",
        &[
            lang.pick("시각 (UTC)", "When (UTC)"),
            lang.pick("채널", "Channel"),
            lang.pick("종류", "Kind"),
            lang.pick("받는 곳", "Recipient"),
            lang.pick("기간", "Period"),
            lang.pick("결과", "Outcome"),
            lang.pick("내용", "Detail"),
            lang.pick("시도", "Attempt"),
        ],
    );
    for a in attempts(entries) {
        // The key is channel|kind|recipient|period; the recipient is the middle.
        let mut parts = a.key.splitn(3, '|');
        let channel = parts.next().unwrap_or("");
        let kind = parts.next().unwrap_or("");
        let rest = parts.next().unwrap_or("");
        let (to, period) = rest.rsplit_once('|').unwrap_or((rest, ""));
        t.push(vec![
            Cell::text(when(&a.at)),
            Cell::text(channel),
            Cell::text(kind),
            Cell::text(recipient(to, mask)),
            Cell::text(period),
            Cell::text(outcome(&a.state, lang)),
            Cell::text(without_url_paths(&a.detail)),
            Cell::Int(i64::from(a.number)),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

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
