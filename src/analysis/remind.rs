//! Who needs a reminder as of a day, and each customer's one next action (the Dashboard's
//! lifecycle column) with the response flow of their last quote.
//!
//! Rules (SPEC §3 `reminder.*`, issue 7). A quote is **due** on `as_of` when all hold:
//! - it has a customer identity and was sent on or before `as_of − reminder.after_days`
//!   (exactly `after_days` days ago is due), and not more than `reminder.max_age_days` days
//!   before `as_of` (exactly that many is still due; 0 = no limit);
//! - it has no response and no conversion as of `as_of` (a flag dated after `as_of` does not
//!   count yet; an order id on the quote counts as a conversion);
//! - fewer than `reminder.max` reminders were sent for it;
//! - its last reminder, when dated, was at least `reminder.gap_days` days before `as_of` — and
//!   never on `as_of` itself, so `remind --apply` run twice on one day reminds once even with a
//!   gap of 0;
//! - the customer has not opted out;
//! - its status is not a cancel word (`cancel_words`) or a lost/declined word.
//!
//! Next actions, first that applies: send reminder (a due quote); thank for the 1st/2nd/3rd
//! order (the customer's `orders_all` is 1–3 and the last order is within the last 7 days,
//! `as_of` included); win back (VIP grade Standard or better — the rule named Standard/일반, or
//! `orders_all ≥ 2` when the owner's table has no such grade — and no order for more than
//! `winback.after_days` days); welcome (listed in the Customers sheet, no order and no quote).
//! Opted-out customers get no action.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use super::customers::{CustomerStats, CustomerTable, Grade};
use crate::ingest::Dataset;
use crate::model::{CellRef, Currency, Flag, Lang, QuoteRow};
use crate::settings::Settings;

/// Statuses that close a quote besides the configured cancel words (lower-case).
const LOST_WORDS: &[&str] = &[
    "lost",
    "closed lost",
    "closed-lost",
    "declined",
    "rejected",
    "expired",
    "실패",
    "거절",
    "드롭",
    "보류",
    "만료",
    "실주",
];

/// Days in which a recent order earns a thank-you.
pub const THANK_WITHIN_DAYS: i64 = 7;

/// One quote that needs a reminder now.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    /// The quote row's first cell: its sheet and 0-based row, for `remind --apply`.
    pub cell: CellRef,
    pub quote_id: Option<String>,
    /// Customer identity key.
    pub customer: String,
    /// Display name (the name, else the key).
    pub name: String,
    pub email: Option<String>,
    /// Digits only.
    pub phone: Option<String>,
    pub sent: NaiveDate,
    pub days_since_sent: i64,
    pub opened: bool,
    pub opens: u32,
    /// Reminders sent before this one.
    pub reminders: u32,
    pub last_reminded: Option<NaiveDate>,
    pub amount: Option<Decimal>,
    pub vip: Option<Grade>,
    pub responder: Option<Grade>,
}

impl Reminder {
    /// Why, in `lang`, from the quote's own numbers: `sent 9 days ago, not opened, no reminder
    /// yet`.
    pub fn reason_in(&self, lang: Lang) -> String {
        reminder_reason(
            self.days_since_sent,
            self.opened,
            self.opens,
            self.reminders,
            self.last_reminded,
            lang,
        )
    }
}

/// The lifecycle step a customer is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKind {
    SendReminder,
    /// Thank for the n-th order (1, 2 or 3).
    Thank(u32),
    WinBack,
    Welcome,
    /// A lifecycle flow message is due (SPEC §8; only with a Flows sheet).
    Flow,
    /// Nothing to do now.
    None,
}

impl ActionKind {
    /// Stable English name for JSON/CSV.
    pub fn code(self) -> &'static str {
        match self {
            ActionKind::SendReminder => "send_reminder",
            ActionKind::Thank(1) => "thank_first_order",
            ActionKind::Thank(2) => "thank_second_order",
            ActionKind::Thank(_) => "thank_third_order",
            ActionKind::WinBack => "win_back",
            ActionKind::Welcome => "welcome",
            ActionKind::Flow => "flow_message",
            ActionKind::None => "none",
        }
    }
    /// The label shown in sheets and terminal.
    pub fn label(self, lang: crate::model::Lang) -> &'static str {
        match self {
            ActionKind::SendReminder => lang.pick("리마인드 발송", "Send reminder"),
            ActionKind::Thank(1) => lang.pick("첫 주문 감사", "Thank for 1st order"),
            ActionKind::Thank(2) => lang.pick("두 번째 주문 감사", "Thank for 2nd order"),
            ActionKind::Thank(_) => lang.pick("세 번째 주문 감사", "Thank for 3rd order"),
            ActionKind::WinBack => lang.pick("재방문 유도", "Win back"),
            ActionKind::Welcome => lang.pick("환영 인사", "Welcome"),
            ActionKind::Flow => lang.pick("자동발송", "Send flow message"),
            ActionKind::None => lang.pick("없음", "None"),
        }
    }
}

/// The response flow of a customer's last quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteFlow {
    pub quote_id: Option<String>,
    pub sent: NaiveDate,
    pub opened: bool,
    pub responded: bool,
    pub converted: bool,
    pub reminders: u32,
}

/// One customer's next action (a Dashboard row).
#[derive(Debug, Clone, PartialEq)]
pub struct NextAction {
    pub customer: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub vip: Grade,
    pub responder: Grade,
    pub last_quote: Option<QuoteFlow>,
    pub action: ActionKind,
    pub why: ActionReason,
}

/// Why a customer has their next action, as facts (rendered by [`NextAction::reason_in`]).
#[derive(Debug, Clone, PartialEq)]
pub enum ActionReason {
    /// No action, nothing to say.
    None,
    /// The customer opted out of messages (no action).
    OptedOut,
    /// The first due quote (oldest sent) and how many more are due.
    Reminder {
        quote_id: Option<String>,
        days_since_sent: i64,
        opened: bool,
        opens: u32,
        reminders: u32,
        last_reminded: Option<NaiveDate>,
        more: usize,
    },
    /// The n-th order, on the customer's last order day.
    Thank { n: u32, on: Option<NaiveDate> },
    /// No order for `days` days, more than `after_days` (`winback.after_days`); the grade is
    /// the action's VIP grade.
    WinBack { days: i64, after_days: u32 },
    /// Listed, no order, no quote.
    Welcome,
    /// The first flow message due today and its trigger.
    Flow {
        flow: String,
        fact: super::flows::Fact,
        currency: Currency,
    },
}

impl NextAction {
    /// The reason in `lang` (empty when there is nothing to say).
    pub fn reason_in(&self, lang: Lang) -> String {
        match &self.why {
            ActionReason::None => String::new(),
            ActionReason::OptedOut => lang.pick("수신거부 고객", "opted out of messages").into(),
            ActionReason::Reminder {
                quote_id,
                days_since_sent,
                opened,
                opens,
                reminders,
                last_reminded,
                more,
            } => {
                let id = quote_id.as_deref().unwrap_or("-");
                let first = reminder_reason(
                    *days_since_sent,
                    *opened,
                    *opens,
                    *reminders,
                    *last_reminded,
                    lang,
                );
                let mut s = match lang {
                    Lang::En => format!("quote {id}: {first}"),
                    Lang::Ko => format!("견적 {id}: {first}"),
                };
                if *more > 0 {
                    s.push_str(&match lang {
                        Lang::En => format!(" (+{more} more quote(s))"),
                        Lang::Ko => format!(" (외 {more}건)"),
                    });
                }
                s
            }
            ActionReason::Thank { n, on } => {
                let when = on.map(|d| d.to_string()).unwrap_or_default();
                match lang {
                    Lang::En => {
                        let ord = match n {
                            1 => "1st",
                            2 => "2nd",
                            _ => "3rd",
                        };
                        format!("{ord} order on {when}")
                    }
                    Lang::Ko => format!("{n}번째 주문 ({when})"),
                }
            }
            ActionReason::WinBack { days, after_days } => {
                let g = &self.vip.name;
                match lang {
                    Lang::En => {
                        format!(
                            "{} customer, no order for {days} days (> {after_days})",
                            g.en
                        )
                    }
                    Lang::Ko => format!("{} 고객, {days}일째 주문 없음 (> {after_days}일)", g.ko),
                }
            }
            ActionReason::Welcome => lang
                .pick(
                    "고객 명단에 새로 등록, 아직 주문 없음",
                    "new in the customer list, no order yet",
                )
                .into(),
            ActionReason::Flow {
                flow,
                fact,
                currency,
            } => format!("{flow}: {}", fact.reason(lang, *currency)),
        }
    }
}

/// Whether a flag counts as of `as_of`: yes, and not dated after it.
fn flag_by(flag: Flag, as_of: NaiveDate) -> bool {
    flag.is_yes() && flag.date().is_none_or(|d| d.date() <= as_of)
}

fn converted_by(q: &QuoteRow, as_of: NaiveDate) -> bool {
    flag_by(q.converted, as_of) || q.order_id.as_deref().is_some_and(|o| !o.trim().is_empty())
}

fn opened_by(q: &QuoteRow, as_of: NaiveDate) -> bool {
    flag_by(q.opened, as_of) || (q.opens > 0 && q.opened.date().is_none())
}

/// Whether a status closes the quote (cancelled, lost, declined …).
fn is_closed(status: Option<&str>, settings: &Settings) -> bool {
    let Some(s) = status else { return false };
    let s = s.trim().to_lowercase();
    !s.is_empty() && (settings.cancel_words.contains(&s) || LOST_WORDS.contains(&s.as_str()))
}

fn days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

fn remind_date(t: Option<NaiveDateTime>) -> Option<NaiveDate> {
    t.map(|t| t.date())
}

/// Every quote that needs a reminder as of `as_of`, oldest sent first (then by cell).
pub fn due_reminders(
    data: &Dataset,
    customers: &CustomerTable,
    settings: &Settings,
    as_of: NaiveDate,
) -> Vec<Reminder> {
    let mut out = Vec::new();
    for q in &data.quotes {
        let Some(key) = q.customer.as_deref() else {
            continue;
        };
        let sent = q.sent.date();
        let since = days(sent, as_of);
        if since < i64::from(settings.reminder_after_days) || sent > as_of {
            continue;
        }
        if settings.reminder_max_age_days > 0 && since > i64::from(settings.reminder_max_age_days) {
            continue;
        }
        if flag_by(q.responded, as_of) || converted_by(q, as_of) {
            continue;
        }
        if q.reminders >= settings.reminder_max {
            continue;
        }
        let last = remind_date(q.reminded_at);
        if let Some(l) = last {
            let gap = days(l, as_of);
            if gap < i64::from(settings.reminder_gap_days.max(1)) {
                continue;
            }
        }
        let stats = customers.get(key);
        if stats.is_some_and(|c| c.opt_out) {
            continue;
        }
        if is_closed(q.status.as_deref(), settings) {
            continue;
        }
        let opened = opened_by(q, as_of);
        out.push(Reminder {
            cell: q.cell.clone(),
            quote_id: q.quote_id.clone(),
            customer: key.to_string(),
            name: q
                .name
                .clone()
                .or_else(|| stats.and_then(|c| c.name.clone()))
                .unwrap_or_else(|| key.to_string()),
            email: q
                .email
                .clone()
                .or_else(|| stats.and_then(|c| c.email.clone())),
            phone: q
                .phone
                .clone()
                .or_else(|| stats.and_then(|c| c.phone.clone())),
            sent,
            days_since_sent: since,
            opened,
            opens: q.opens,
            reminders: q.reminders,
            last_reminded: last,
            amount: q.amount,
            vip: stats.map(|c| c.vip.clone()),
            responder: stats.map(|c| c.responder.clone()),
        });
    }
    out.sort_by(|a, b| a.sent.cmp(&b.sent).then_with(|| a.cell.cmp(&b.cell)));
    out
}

fn reminder_reason(
    since: i64,
    opened: bool,
    opens: u32,
    reminders: u32,
    last: Option<NaiveDate>,
    lang: Lang,
) -> String {
    let mut s = match lang {
        Lang::En => format!("sent {since} days ago, "),
        Lang::Ko => format!("발송 {since}일 경과, "),
    };
    match (opened, lang) {
        (true, Lang::En) => s.push_str(&format!("opened ({opens}×) but no reply")),
        (true, Lang::Ko) => s.push_str(&format!("열람({opens}회)했으나 응답 없음")),
        (false, _) => s.push_str(lang.pick("미열람", "not opened")),
    }
    match reminders {
        0 => s.push_str(lang.pick(", 리마인드 없음", ", no reminder yet")),
        n => {
            s.push_str(&match lang {
                Lang::En => format!(", {n} reminder(s) so far"),
                Lang::Ko => format!(", 리마인드 {n}회"),
            });
            if let Some(l) = last {
                s.push_str(&match lang {
                    Lang::En => format!(" (last {l})"),
                    Lang::Ko => format!(" (최근 {l})"),
                });
            }
        }
    }
    s
}

/// The rank of the lowest grade that counts as "Standard or better", if the owner's VIP table
/// has a grade named Standard/일반 (or `Regular`, its name before 0.2, in older workbooks).
fn regular_rank(settings: &Settings) -> Option<usize> {
    settings.vip_rules.iter().position(|r| {
        let en = r.grade.en.trim();
        en.eq_ignore_ascii_case("standard")
            || en.eq_ignore_ascii_case("regular")
            || r.grade.ko.trim() == "일반"
    })
}

/// Each customer's one next action and the response flow of their last quote, by key.
pub fn next_actions(
    data: &Dataset,
    customers: &CustomerTable,
    settings: &Settings,
    as_of: NaiveDate,
) -> Vec<NextAction> {
    let due = due_reminders(data, customers, settings, as_of);
    let mut due_by: BTreeMap<&str, Vec<&Reminder>> = BTreeMap::new();
    for r in &due {
        due_by.entry(r.customer.as_str()).or_default().push(r);
    }
    // The last quote sent by each customer up to `as_of` (latest sent, then lowest row).
    let mut last: BTreeMap<&str, &QuoteRow> = BTreeMap::new();
    for q in &data.quotes {
        let Some(key) = q.customer.as_deref() else {
            continue;
        };
        if q.sent.date() > as_of {
            continue;
        }
        let e = last.entry(key).or_insert(q);
        if q.sent > e.sent {
            *e = q;
        }
    }
    let regular = regular_rank(settings);
    customers
        .rows
        .iter()
        .map(|c| {
            let flow = last.get(c.key.as_str()).map(|q| QuoteFlow {
                quote_id: q.quote_id.clone(),
                sent: q.sent.date(),
                opened: opened_by(q, as_of),
                responded: flag_by(q.responded, as_of),
                converted: converted_by(q, as_of),
                reminders: q.reminders,
            });
            let (action, why) = action_of(c, due_by.get(c.key.as_str()), regular, settings);
            NextAction {
                customer: c.key.clone(),
                name: c.display_name().to_string(),
                email: c.email.clone(),
                phone: c.phone.clone(),
                vip: c.vip.clone(),
                responder: c.responder.clone(),
                last_quote: flow,
                action,
                why,
            }
        })
        .collect()
}

fn action_of(
    c: &CustomerStats,
    due: Option<&Vec<&Reminder>>,
    regular: Option<usize>,
    settings: &Settings,
) -> (ActionKind, ActionReason) {
    if c.opt_out {
        return (ActionKind::None, ActionReason::OptedOut);
    }
    if let Some(first) = due.and_then(|d| d.first()) {
        let n = due.map_or(0, Vec::len);
        return (
            ActionKind::SendReminder,
            ActionReason::Reminder {
                quote_id: first.quote_id.clone(),
                days_since_sent: first.days_since_sent,
                opened: first.opened,
                opens: first.opens,
                reminders: first.reminders,
                last_reminded: first.last_reminded,
                more: n - 1,
            },
        );
    }
    if let Some(r) = c.recency_days
        && r < THANK_WITHIN_DAYS
        && (1..=3).contains(&c.orders_all)
    {
        let n = c.orders_all;
        return (
            ActionKind::Thank(n),
            ActionReason::Thank {
                n,
                on: c.last_order,
            },
        );
    }
    let regular_or_better = match regular {
        Some(rank) => c.vip.rank <= rank,
        None => c.orders_all >= 2,
    };
    if regular_or_better
        && let Some(r) = c.recency_days
        && r > i64::from(settings.winback_after_days)
    {
        return (
            ActionKind::WinBack,
            ActionReason::WinBack {
                days: r,
                after_days: settings.winback_after_days,
            },
        );
    }
    if c.listed && c.orders_all == 0 && c.quoting().last_quote.is_none() {
        return (ActionKind::Welcome, ActionReason::Welcome);
    }
    (ActionKind::None, ActionReason::None)
}

/// With a Flows sheet, each customer's next action is the first flow message due today (the
/// decision of `dangol today`, SPEC §8): `welcome: 1st order on 2025-04-10, ₩98,000`; a
/// customer with none has none (opted-out customers keep their note).
pub fn actions_from_flows(
    actions: &mut [NextAction],
    day: &super::flows::FlowDay,
    currency: Currency,
) {
    let mut first: BTreeMap<&str, &super::flows::Message> = BTreeMap::new();
    for m in day.due() {
        first.entry(m.customer.as_str()).or_insert(m);
    }
    for a in actions.iter_mut() {
        if a.action == ActionKind::None && a.why != ActionReason::None {
            continue;
        }
        if let Some(m) = first.get(a.customer.as_str()) {
            a.action = ActionKind::Flow;
            a.why = ActionReason::Flow {
                flow: m.flow.clone(),
                fact: m.fact.clone(),
                currency,
            };
        } else {
            a.action = ActionKind::None;
            a.why = ActionReason::None;
        }
    }
}
/// Whether the reminder's customer has a usable e-mail address.
pub fn has_email(r: &Reminder) -> bool {
    r.email
        .as_deref()
        .is_some_and(|e| crate::render::eml::usable_email(e.trim()))
}

/// Whether the reminder's customer can be reached at all: a usable e-mail or a phone.
pub fn reachable(r: &Reminder) -> bool {
    has_email(r) || r.phone.as_deref().is_some_and(|p| !p.trim().is_empty())
}

/// Customers of due reminders who cannot be e-mailed (no or unusable address) but have a
/// phone (`reachable = false`: those with neither), once each.
pub fn call_instead(due: &[Reminder], reach: bool) -> Vec<&Reminder> {
    let mut seen: BTreeMap<&str, &Reminder> = BTreeMap::new();
    for r in due {
        if !has_email(r) && reachable(r) == reach {
            seen.entry(r.customer.as_str()).or_insert(r);
        }
    }
    seen.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reminder(customer: &str, email: Option<&str>, phone: Option<&str>) -> Reminder {
        Reminder {
            cell: CellRef::new("Quotes", 1, 0),
            quote_id: None,
            customer: customer.into(),
            name: customer.into(),
            email: email.map(Into::into),
            phone: phone.map(Into::into),
            sent: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
            days_since_sent: 5,
            opened: false,
            opens: 0,
            reminders: 0,
            last_reminded: None,
            amount: None,
            vip: None,
            responder: None,
        }
    }

    #[test]
    fn customers_without_a_usable_email_are_called_or_unreachable_once_each() {
        let due = [
            reminder("a", Some("a@x.example"), None),
            reminder("b", Some("not an address"), Some("01012345678")),
            reminder("b", None, Some("01012345678")),
            reminder("c", None, Some("  ")),
        ];
        assert!(has_email(&due[0]) && reachable(&due[0]));
        assert!(!has_email(&due[1]) && reachable(&due[1]));
        assert!(!reachable(&due[3]));
        let calls: Vec<&str> = call_instead(&due, true)
            .iter()
            .map(|r| r.customer.as_str())
            .collect();
        assert_eq!(calls, ["b"]);
        let unreachable: Vec<&str> = call_instead(&due, false)
            .iter()
            .map(|r| r.customer.as_str())
            .collect();
        assert_eq!(unreachable, ["c"]);
    }
}
