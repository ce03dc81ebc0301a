//! Which lifecycle messages go today (SPEC §8): a pure function of the data, the Flows sheet,
//! the Sent Log and the as-of day (and, for marketing messages, the send time).
//!
//! For every flow and every trigger it finds (a first or N-th order, N days after an order, N
//! days without an order, a birthday, an unanswered quote, an abandoned cart), the message's
//! *send day* is the trigger day plus the flow's `delay_days`. Triggers whose send day is after
//! `--as-of` are not yet listed; those before the flow's `go_live` never count (adding a flow
//! never mails every old customer); those the flow's `condition` rejects are left out. The
//! rest, first that applies:
//!
//! 1. **sent** — (flow, customer, trigger) is in the Sent Log: never twice;
//! 2. **opted out** — the customer opted out;
//! 3. **stopped** — a stop rule holds: the customer ordered since the trigger (`ordered`;
//!    always for a cart), replied to a quote since the trigger (`replied`; always for an
//!    unanswered quote), or the cart was completed;
//! 4. **missed** — the send day is `flows.catch_up_days` (7) or more days before `--as-of`:
//!    listed, never sent (they stay listed for one more window, then drop out);
//! 5. **no consent** — a marketing flow and the Customers sheet's consent column does not say
//!    yes for the customer (no consent column: no marketing message goes);
//! 6. **unreachable** — no usable e-mail address (e-mail) or phone (SMS, Kakao);
//! 7. **quiet hours** — a marketing message at a send time from 21:00 to 08:00: held until
//!    08:00 (the send time is `today --at HH:MM`, else the run's clock);
//! 8. **cooldown** — another flow's message went to the customer fewer than this flow's
//!    `cooldown_days` days ago (the Sent Log, and the messages due earlier in the same run:
//!    flows earlier in the sheet go first);
//! 9. otherwise **due**.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;

use super::customers::{CustomerStats, CustomerTable};
use super::remind::Reminder;
use crate::ingest::Dataset;
use crate::ingest::flows::{Channel, Flow, FlowSent, StopRule, Trigger};
use crate::model::values::{format_money, group_thousands};
use crate::model::{Currency, Lang};
use crate::settings::Settings;

/// Marketing messages are never sent from this hour …
pub const QUIET_FROM: u32 = 21;
/// … until this hour (Korean law on advertising messages at night).
pub const QUIET_UNTIL: u32 = 8;

/// What a flow's trigger was, in the customer's numbers (for the reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// The customer's N-th order (1 = first), its day and amount.
    Order {
        n: usize,
        day: NaiveDate,
        amount: Decimal,
    },
    /// `days` days after the order of `day`.
    AfterOrder {
        days: u32,
        day: NaiveDate,
        amount: Decimal,
    },
    /// No order for `days` days since `last`.
    Quiet {
        days: u32,
        last: NaiveDate,
        orders: usize,
    },
    /// Birthday on `day`.
    Birthday { day: NaiveDate },
    /// A quote sent `days` days ago with no reply.
    Quote { id: String, days: i64, opened: bool },
    /// An abandoned cart.
    Cart {
        id: String,
        total: Decimal,
        items: usize,
    },
}

/// Why a message does not go today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Due,
    /// Recorded in the Sent Log on that day.
    Sent(NaiveDate),
    OptedOut,
    /// The customer ordered on that day, after the trigger.
    StoppedOrdered(NaiveDate),
    /// The customer replied to a quote on that day, after the trigger.
    StoppedReplied(NaiveDate),
    /// The cart was completed in the store on that day.
    StoppedCompleted(NaiveDate),
    /// Older than the catch-up window: never sent.
    Missed,
    NoConsent,
    Unreachable,
    /// A marketing message at night: held until 08:00.
    QuietHours,
    /// Another flow's message went on that day, less than `cooldown_days` ago.
    Cooldown(NaiveDate),
}

impl Status {
    /// The stable English name for JSON and CSV.
    pub fn code(&self) -> &'static str {
        match self {
            Status::Due => "due",
            Status::Sent(_) => "sent",
            Status::OptedOut => "opted_out",
            Status::StoppedOrdered(_) | Status::StoppedReplied(_) | Status::StoppedCompleted(_) => {
                "stopped"
            }
            Status::Missed => "missed",
            Status::NoConsent => "no_consent",
            Status::Unreachable => "unreachable",
            Status::QuietHours => "quiet_hours",
            Status::Cooldown(_) => "cooldown",
        }
    }

    /// The status in words.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Status::Due, _) => lang.pick("발송", "due").into(),
            (Status::Sent(d), Lang::Ko) => format!("{d} 발송함"),
            (Status::Sent(d), Lang::En) => format!("sent on {d}"),
            (Status::OptedOut, _) => lang.pick("수신거부", "opted out").into(),
            (Status::StoppedOrdered(d), Lang::Ko) => format!("중단: {d} 주문"),
            (Status::StoppedOrdered(d), Lang::En) => format!("stopped: ordered on {d}"),
            (Status::StoppedReplied(d), Lang::Ko) => format!("중단: {d} 응답"),
            (Status::StoppedReplied(d), Lang::En) => format!("stopped: replied on {d}"),
            (Status::StoppedCompleted(d), Lang::Ko) => format!("중단: {d} 결제 완료"),
            (Status::StoppedCompleted(d), Lang::En) => format!("stopped: completed on {d}"),
            (Status::Missed, _) => lang
                .pick("놓침: 발송 기한 지남", "missed: past the catch-up window")
                .into(),
            (Status::NoConsent, _) => lang
                .pick("광고 수신동의 없음", "no marketing consent")
                .into(),
            (Status::Unreachable, _) => lang
                .pick("연락처 없음", "no address for the channel")
                .into(),
            (Status::QuietHours, _) => lang
                .pick(
                    "야간(21시~8시): 8시 이후 발송",
                    "quiet hours (21:00–08:00): after 08:00",
                )
                .into(),
            (Status::Cooldown(d), Lang::Ko) => format!("발송 간격: {d}에 다른 메시지 발송"),
            (Status::Cooldown(d), Lang::En) => format!("cooldown: another message on {d}"),
        }
    }
}

/// One flow message for one customer and one trigger.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Position of the flow in the Flows sheet.
    pub flow_index: usize,
    pub flow: String,
    pub trigger: Trigger,
    /// The trigger's identity in the Sent Log: its day, or the quote/cart id.
    pub trigger_ref: String,
    pub trigger_day: NaiveDate,
    pub send_day: NaiveDate,
    pub customer: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub channel: Channel,
    pub marketing: bool,
    pub template: String,
    /// The customer's VIP grade (English and Korean), when the customer has stats.
    pub vip_grade: Option<(String, String)>,
    pub fact: Fact,
    pub status: Status,
}

/// Every flow message of one day.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowDay {
    pub as_of: NaiveDate,
    pub at: NaiveTime,
    pub catch_up_days: u32,
    /// Every message considered, flows in sheet order, then customer, then trigger.
    pub messages: Vec<Message>,
    /// Triggers before a flow's go-live day (never sent, only counted).
    pub before_go_live: usize,
}

impl FlowDay {
    /// The messages that go now.
    pub fn due(&self) -> impl Iterator<Item = &Message> {
        self.messages.iter().filter(|m| m.status == Status::Due)
    }
}

/// What the decision needs besides the data.
#[derive(Debug, Clone, Copy)]
pub struct FlowOptions {
    pub as_of: NaiveDate,
    /// The send time (marketing quiet hours).
    pub at: NaiveTime,
    pub catch_up_days: u32,
    /// `reminder.after_days`: an unanswered quote's trigger day is its sent day plus this.
    pub reminder_after_days: u32,
}

impl FlowOptions {
    /// The options of `as_of` at `at` with the shop's settings.
    pub fn of(settings: &Settings, as_of: NaiveDate, at: NaiveTime) -> FlowOptions {
        FlowOptions {
            as_of,
            at,
            catch_up_days: settings.flows_catch_up_days,
            reminder_after_days: settings.reminder_after_days,
        }
    }
}

/// Whether `at` is in the quiet hours, when no marketing message goes.
pub fn quiet_hours(at: NaiveTime) -> bool {
    !(QUIET_UNTIL..QUIET_FROM).contains(&chrono::Timelike::hour(&at))
}

/// One trigger before it is classified.
struct Hit {
    customer: String,
    trigger_ref: String,
    at: NaiveDateTime,
    fact: Fact,
    /// A stop that holds whatever the flow's stop rules say (a replied quote, a recovered
    /// cart).
    forced: Option<Status>,
    email: Option<String>,
    phone: Option<String>,
    name: Option<String>,
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// The customers' orders up to `as_of`, oldest first: (time, amount).
fn orders_of(data: &Dataset, as_of: NaiveDate) -> BTreeMap<&str, Vec<(NaiveDateTime, Decimal)>> {
    data.sales
        .customers
        .iter()
        .map(|(k, c)| {
            let mut o: Vec<(NaiveDateTime, Decimal)> = c
                .orders
                .values()
                .filter(|o| o.at.date() <= as_of)
                .map(|o| (o.at, o.amount))
                .collect();
            o.sort();
            (k.as_str(), o)
        })
        .filter(|(_, o)| !o.is_empty())
        .collect()
}

fn hit(customer: &str, trigger_ref: String, at: NaiveDateTime, fact: Fact) -> Hit {
    Hit {
        customer: customer.to_string(),
        trigger_ref,
        at,
        fact,
        forced: None,
        email: None,
        phone: None,
        name: None,
    }
}

/// The birthday of `year` (29 February on the 28th in other years).
fn birthday_in(b: NaiveDate, year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, b.month(), b.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, b.month(), 28))
}

/// Every trigger of `flow` up to `as_of`.
fn hits(
    flow: &Flow,
    data: &Dataset,
    orders: &BTreeMap<&str, Vec<(NaiveDateTime, Decimal)>>,
    reminders: &[Reminder],
    opts: &FlowOptions,
) -> Vec<Hit> {
    let mut out = Vec::new();
    match flow.trigger {
        Trigger::FirstOrder | Trigger::NthOrder(_) => {
            let n = match flow.trigger {
                Trigger::NthOrder(n) => n as usize,
                _ => 1,
            };
            for (k, o) in orders {
                if let Some(&(at, amount)) = o.get(n - 1) {
                    let day = at.date();
                    out.push(hit(k, day.to_string(), at, Fact::Order { n, day, amount }));
                }
            }
        }
        Trigger::OrderPlus(days) => {
            for (k, o) in orders {
                let mut seen = BTreeSet::new();
                for &(at, amount) in o {
                    let t = at.date() + chrono::Days::new(u64::from(days));
                    if seen.insert(t) {
                        let fact = Fact::AfterOrder {
                            days,
                            day: at.date(),
                            amount,
                        };
                        out.push(hit(k, t.to_string(), midnight(t), fact));
                    }
                }
            }
        }
        Trigger::RecencyAtLeast(days) => {
            for (k, o) in orders {
                for (i, &(at, _)) in o.iter().enumerate() {
                    let t = at.date() + chrono::Days::new(u64::from(days));
                    // The quiet spell reached `days` only if no order came before that day.
                    if o.get(i + 1).is_none_or(|next| next.0.date() >= t) {
                        let fact = Fact::Quiet {
                            days,
                            last: at.date(),
                            orders: i + 1,
                        };
                        out.push(hit(k, t.to_string(), midnight(t), fact));
                    }
                }
            }
        }
        Trigger::Birthday => {
            for c in &data.customers {
                let Some(b) = c.birthday else { continue };
                for year in [opts.as_of.year() - 1, opts.as_of.year()] {
                    if let Some(day) = birthday_in(b, year) {
                        let mut h = hit(
                            &c.customer,
                            day.to_string(),
                            midnight(day),
                            Fact::Birthday { day },
                        );
                        h.email.clone_from(&c.email);
                        h.phone.clone_from(&c.phone);
                        h.name.clone_from(&c.name);
                        out.push(h);
                    }
                }
            }
        }
        Trigger::QuoteUnanswered => quote_hits(data, reminders, opts, &mut out),
        Trigger::CartAbandoned => {
            for c in &data.carts {
                let Some(k) = c.customer.as_deref() else {
                    continue;
                };
                let fact = Fact::Cart {
                    id: c.cart_id.clone(),
                    total: c.total,
                    items: c.items.len(),
                };
                let mut h = hit(k, c.cart_id.clone(), c.created, fact);
                h.email.clone_from(&c.email);
                h.phone.clone_from(&c.phone);
                h.name.clone_from(&c.name);
                h.forced = c
                    .completed
                    .filter(|d| d.date() <= opts.as_of)
                    .map(|d| Status::StoppedCompleted(d.date()))
                    .or_else(|| {
                        orders
                            .get(k)
                            .and_then(|o| o.iter().find(|(at, _)| *at > c.created))
                            .map(|(at, _)| Status::StoppedOrdered(at.date()))
                    });
                out.push(h);
            }
        }
    }
    out
}

/// Unanswered quotes: the quotes `dangol remind` would remind today (its own decision), and
/// the quotes answered after their trigger day (stopped: replied).
fn quote_hits(data: &Dataset, reminders: &[Reminder], opts: &FlowOptions, out: &mut Vec<Hit>) {
    let after = chrono::Days::new(u64::from(opts.reminder_after_days));
    for r in reminders {
        let id = r.quote_id.clone().unwrap_or_else(|| r.cell.to_string());
        let t = r.sent + after;
        let fact = Fact::Quote {
            id: id.clone(),
            days: r.days_since_sent,
            opened: r.opened,
        };
        let mut h = hit(&r.customer, id, midnight(t), fact);
        h.email.clone_from(&r.email);
        h.phone.clone_from(&r.phone);
        h.name = Some(r.name.clone());
        out.push(h);
    }
    for q in &data.quotes {
        let (Some(k), Some(replied)) = (q.customer.as_deref(), q.responded.date()) else {
            continue;
        };
        let t = q.sent.date() + after;
        if replied.date() < t || replied.date() > opts.as_of {
            continue;
        }
        let id = q.quote_id.clone().unwrap_or_else(|| q.cell.to_string());
        let fact = Fact::Quote {
            id: id.clone(),
            days: (opts.as_of - q.sent.date()).num_days(),
            opened: q.opened.is_yes(),
        };
        let mut h = hit(k, id, midnight(t), fact);
        h.forced = Some(Status::StoppedReplied(replied.date()));
        out.push(h);
    }
}

/// The first stop rule of `flow` that holds for a trigger at `at`, as of `as_of`.
fn stopped(
    flow: &Flow,
    data: &Dataset,
    orders: Option<&Vec<(NaiveDateTime, Decimal)>>,
    customer: &str,
    at: NaiveDateTime,
    as_of: NaiveDate,
) -> Option<Status> {
    for rule in &flow.stop_if {
        match rule {
            StopRule::Ordered => {
                if let Some((t, _)) = orders.and_then(|o| o.iter().find(|(t, _)| *t > at)) {
                    return Some(Status::StoppedOrdered(t.date()));
                }
            }
            StopRule::Replied => {
                let replied = data
                    .quotes
                    .iter()
                    .filter(|q| q.customer.as_deref() == Some(customer))
                    .filter_map(|q| q.responded.date())
                    .filter(|d| *d > at && d.date() <= as_of)
                    .min();
                if let Some(d) = replied {
                    return Some(Status::StoppedReplied(d.date()));
                }
            }
        }
    }
    None
}

/// Whether the customer can get a message on `channel`.
fn reachable(channel: Channel, email: Option<&str>, phone: Option<&str>) -> bool {
    match channel {
        Channel::Email => email.is_some_and(|e| crate::render::eml::usable_email(e.trim())),
        Channel::Sms | Channel::Kakao => {
            phone.is_some_and(|p| p.chars().any(|c| c.is_ascii_digit()))
        }
    }
}

/// Every flow message as of `opts.as_of`: the due decision of SPEC §8 (see the module notes).
/// `reminders` are the quotes `dangol remind` would remind on that day (the
/// `quote_unanswered` trigger), `log` the flow rows of the Sent Log.
pub fn flow_day(
    data: &Dataset,
    customers: &CustomerTable,
    reminders: &[Reminder],
    log: &[FlowSent],
    opts: &FlowOptions,
) -> FlowDay {
    let as_of = opts.as_of;
    let orders = orders_of(data, as_of);
    let sent: BTreeMap<(&str, &str, &str), NaiveDate> = log
        .iter()
        .map(|s| {
            (
                (s.flow.as_str(), s.customer.as_str(), s.trigger.as_str()),
                s.sent,
            )
        })
        .collect();
    // The last flow message to each customer on or before `as_of`.
    let mut last_sent: BTreeMap<String, NaiveDate> = BTreeMap::new();
    for s in log.iter().filter(|s| s.sent <= as_of) {
        let e = last_sent.entry(s.customer.clone()).or_insert(s.sent);
        *e = (*e).max(s.sent);
    }
    let consent: BTreeSet<&str> = data
        .customers
        .iter()
        .filter(|c| c.consent)
        .map(|c| c.customer.as_str())
        .collect();
    let window = i64::from(opts.catch_up_days);
    let mut messages = Vec::new();
    let mut before_go_live = 0;
    for (fi, flow) in data.flows.iter().enumerate() {
        let mut flow_hits = hits(flow, data, &orders, reminders, opts);
        flow_hits.sort_by(|a, b| (&a.customer, &a.trigger_ref).cmp(&(&b.customer, &b.trigger_ref)));
        flow_hits.dedup_by(|a, b| a.customer == b.customer && a.trigger_ref == b.trigger_ref);
        for h in flow_hits {
            let trigger_day = h.at.date();
            let send_day = trigger_day + chrono::Days::new(u64::from(flow.delay_days));
            let late = (as_of - send_day).num_days();
            // Not yet, or long gone (missed ones stay listed for one more window).
            if late < 0 || late >= 2 * window {
                continue;
            }
            if flow.go_live.is_some_and(|g| trigger_day < g) {
                before_go_live += 1;
                continue;
            }
            let stats: Option<&CustomerStats> = customers.get(&h.customer);
            if let Some(rule) = &flow.condition
                && !stats.is_some_and(|s| rule.eval(s))
            {
                continue;
            }
            let email = stats.and_then(|s| s.email.clone()).or(h.email.clone());
            let phone = stats.and_then(|s| s.phone.clone()).or(h.phone.clone());
            let status = if let Some(d) = sent.get(&(
                flow.name.as_str(),
                h.customer.as_str(),
                h.trigger_ref.as_str(),
            )) {
                Status::Sent(*d)
            } else if stats.is_some_and(|s| s.opt_out) {
                Status::OptedOut
            } else if let Some(s) = h.forced.clone().or_else(|| {
                stopped(
                    flow,
                    data,
                    orders.get(h.customer.as_str()),
                    &h.customer,
                    h.at,
                    as_of,
                )
            }) {
                s
            } else if late >= window {
                Status::Missed
            } else if flow.marketing && !consent.contains(h.customer.as_str()) {
                Status::NoConsent
            } else if !reachable(flow.channel, email.as_deref(), phone.as_deref()) {
                Status::Unreachable
            } else if flow.marketing && quiet_hours(opts.at) {
                Status::QuietHours
            } else {
                Status::Due
            };
            messages.push(Message {
                flow_index: fi,
                flow: flow.name.clone(),
                trigger: flow.trigger,
                trigger_ref: h.trigger_ref,
                trigger_day,
                send_day,
                name: stats
                    .map(|s| s.display_name().to_string())
                    .or(h.name)
                    .unwrap_or_else(|| h.customer.clone()),
                customer: h.customer,
                email,
                phone,
                channel: flow.channel,
                marketing: flow.marketing,
                template: flow.template.clone(),
                vip_grade: stats.map(|s| (s.vip.name.en.clone(), s.vip.name.ko.clone())),
                fact: h.fact,
                status,
            });
        }
    }
    apply_cooldown(&mut messages, &data.flows, &mut last_sent, as_of);
    FlowDay {
        as_of,
        at: opts.at,
        catch_up_days: opts.catch_up_days,
        messages,
        before_go_live,
    }
}

/// The whole flow decision of `as_of` at `at` from the data alone, as `dangol today` makes it:
/// the customer table of the as-of day with its groups (a flow's `group == "도매"` condition
/// sees the groups `run` sees), the reminders due that day (the `quote_unanswered` trigger),
/// then [`flow_day`] over the Sent Log. No Flows sheet: no messages.
pub fn decide(data: &Dataset, settings: &Settings, as_of: NaiveDate, at: NaiveTime) -> FlowDay {
    let mut table = super::customers::customer_table(
        &data.sales,
        &data.quotes,
        &data.customers,
        settings,
        as_of,
    );
    super::groups::tag_groups(data, settings, &mut table);
    let reminders = super::remind::due_reminders(data, &table, settings, as_of);
    if data.flows.is_empty() {
        return FlowDay {
            as_of,
            at,
            catch_up_days: settings.flows_catch_up_days,
            messages: Vec::new(),
            before_go_live: 0,
        };
    }
    let opts = FlowOptions::of(settings, as_of, at);
    flow_day(data, &table, &reminders, &data.flow_log, &opts)
}

/// Holds a due message when the customer got another flow's message within the flow's
/// `cooldown_days`: from the Sent Log, then the messages due earlier in this run (flows in
/// sheet order, so the first flow of the sheet goes first).
fn apply_cooldown(
    messages: &mut [Message],
    flows: &[Flow],
    last_sent: &mut BTreeMap<String, NaiveDate>,
    as_of: NaiveDate,
) {
    for m in messages.iter_mut().filter(|m| m.status == Status::Due) {
        let cooldown = i64::from(flows[m.flow_index].cooldown_days);
        if let Some(last) = last_sent.get(&m.customer)
            && cooldown > 0
            && (as_of - *last).num_days() < cooldown
        {
            m.status = Status::Cooldown(*last);
            continue;
        }
        last_sent.insert(m.customer.clone(), as_of);
    }
}

/// Money as the text of `lang` shows it: `98,000원` in Korean for won, else `₩98,000`.
pub fn money_text(d: Decimal, cur: Currency, lang: Lang) -> String {
    if lang == Lang::Ko && cur == Currency::Krw {
        let r = d.round_dp(0);
        let s = group_thousands(&r.abs().to_string());
        return if r.is_sign_negative() && !r.is_zero() {
            format!("-{s}원")
        } else {
            format!("{s}원")
        };
    }
    format_money(d, cur)
}

impl Message {
    /// Why the message is due, in the customer's numbers.
    pub fn reason(&self, lang: Lang, cur: Currency) -> String {
        self.fact.reason(lang, cur)
    }
}

impl Fact {
    /// The trigger in the customer's numbers, in `lang` with money in `cur`.
    pub fn reason(&self, lang: Lang, cur: Currency) -> String {
        let money = |d: Decimal| money_text(d, cur, lang);
        match (self, lang) {
            (Fact::Order { n, day, amount }, Lang::Ko) => {
                format!("{n}번째 주문 {day} {}", money(*amount))
            }
            (Fact::Order { n, day, amount }, Lang::En) => {
                let ord = match n {
                    1 => "1st".to_string(),
                    2 => "2nd".to_string(),
                    3 => "3rd".to_string(),
                    n => format!("{n}th"),
                };
                format!("{ord} order on {day}, {}", money(*amount))
            }
            (Fact::AfterOrder { days, day, amount }, Lang::Ko) => {
                format!("{day} 주문 {} 후 {days}일", money(*amount))
            }
            (Fact::AfterOrder { days, day, amount }, Lang::En) => {
                format!("{days} days after the order of {day}, {}", money(*amount))
            }
            (Fact::Quiet { days, last, orders }, Lang::Ko) => {
                format!("주문 {orders}회, 마지막 주문 {last} 이후 {days}일 주문 없음")
            }
            (Fact::Quiet { days, last, orders }, Lang::En) => {
                format!("{orders} order(s), none for {days} days since {last}")
            }
            (Fact::Birthday { day }, Lang::Ko) => format!("생일 {day}"),
            (Fact::Birthday { day }, Lang::En) => format!("birthday on {day}"),
            (Fact::Quote { id, days, opened }, Lang::Ko) => format!(
                "견적 {id}: 발송 {days}일 경과, {}",
                if *opened {
                    "열람했으나 응답 없음"
                } else {
                    "미열람"
                }
            ),
            (Fact::Quote { id, days, opened }, Lang::En) => format!(
                "quote {id}: sent {days} days ago, {}",
                if *opened {
                    "opened but no reply"
                } else {
                    "not opened"
                }
            ),
            (Fact::Cart { id, total, items }, Lang::Ko) => {
                format!("장바구니 {id}: {items}개 상품 {} 미결제", money(*total))
            }
            (Fact::Cart { id, total, items }, Lang::En) => {
                format!(
                    "cart {id}: {items} item(s), {} not checked out",
                    money(*total)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::customers::customer_table;
    use crate::ingest::carts::CartRow;
    use crate::model::{CellRef, CustomerRow, Flag, QuoteRow, SaleKind, SaleRow};
    use crate::settings::Settings;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const AS_OF: &str = "2025-04-20";

    fn at(s: &str) -> NaiveDateTime {
        day(s).and_hms_opt(10, 0, 0).unwrap()
    }

    fn flow(name: &str, trigger: Trigger) -> Flow {
        Flow {
            cell: CellRef::new("Flows", 1, 0),
            name: name.into(),
            trigger,
            delay_days: 0,
            condition: None,
            template: name.into(),
            channel: Channel::Email,
            marketing: false,
            stop_if: Vec::new(),
            cooldown_days: 0,
            go_live: None,
        }
    }

    /// A dataset with `orders` of (customer, day), each ₩10,000, customers' e-mail
    /// `NAME@x.com`.
    fn data(orders: &[(&str, &str)], flows: Vec<Flow>) -> Dataset {
        let mut d = Dataset::default();
        for (i, (c, when)) in orders.iter().enumerate() {
            let row = SaleRow {
                cell: CellRef::new("Sales", i as u32 + 1, 0),
                at: at(when),
                customer: Some(format!("{c}@x.com")),
                name: Some((*c).to_string()),
                email: Some(format!("{c}@x.com")),
                phone: None,
                order_id: Some(format!("O{i}")),
                product: None,
                amount: Decimal::from(10_000),
                kind: SaleKind::Order,
                channel: None,
            };
            d.sales.add(&row, &format!("O{i}"));
        }
        d.flows = flows;
        d
    }

    fn listed(key: &str, opt_out: bool, consent: bool, birthday: Option<&str>) -> CustomerRow {
        CustomerRow {
            cell: CellRef::new("Customers", 1, 0),
            customer: key.into(),
            name: Some(key.into()),
            email: Some(key.into()),
            phone: None,
            group: None,
            joined: None,
            opt_out,
            note: None,
            birthday: birthday.map(day),
            consent,
        }
    }

    fn decide_at(d: &Dataset, log: &[FlowSent], as_of: &str, time: u32) -> FlowDay {
        let s = Settings::defaults();
        let t = customer_table(&d.sales, &d.quotes, &d.customers, &s, day(as_of));
        let reminders = crate::analysis::remind::due_reminders(d, &t, &s, day(as_of));
        let opts = FlowOptions {
            as_of: day(as_of),
            at: NaiveTime::from_hms_opt(time, 0, 0).unwrap(),
            catch_up_days: 7,
            reminder_after_days: 3,
        };
        flow_day(d, &t, &reminders, log, &opts)
    }

    fn decide(d: &Dataset) -> FlowDay {
        decide_at(d, &[], AS_OF, 10)
    }

    /// (flow, customer, status code) of every message.
    fn codes(f: &FlowDay) -> Vec<(String, String, &'static str)> {
        f.messages
            .iter()
            .map(|m| (m.flow.clone(), m.customer.clone(), m.status.code()))
            .collect()
    }

    fn one(f: &FlowDay) -> &Message {
        assert_eq!(f.messages.len(), 1, "{:?}", codes(f));
        &f.messages[0]
    }

    #[test]
    fn the_catch_up_window_is_seven_days_then_missed_for_seven_more() {
        let w = || vec![flow("welcome", Trigger::FirstOrder)];
        // 6 days late: due; 7: missed; 13: missed; 14: gone.
        for (when, want) in [
            ("2025-04-14", Some(Status::Due)),
            ("2025-04-13", Some(Status::Missed)),
            ("2025-04-07", Some(Status::Missed)),
            ("2025-04-06", None),
            ("2025-04-21", None),
        ] {
            let f = decide(&data(&[("a", when)], w()));
            assert_eq!(f.messages.first().map(|m| m.status.clone()), want, "{when}");
        }
    }

    #[test]
    fn go_live_counts_from_its_own_day() {
        let mut w = flow("welcome", Trigger::FirstOrder);
        w.go_live = Some(day("2025-04-18"));
        let d = data(&[("a", "2025-04-18"), ("b", "2025-04-17")], vec![w]);
        let f = decide(&d);
        assert_eq!(codes(&f), [("welcome".into(), "a@x.com".into(), "due")]);
        assert_eq!(f.before_go_live, 1);
    }

    #[test]
    fn delay_days_move_the_send_day() {
        let mut w = flow("welcome", Trigger::FirstOrder);
        w.delay_days = 2;
        let d = data(&[("a", "2025-04-18"), ("b", "2025-04-19")], vec![w]);
        let f = decide(&d);
        assert_eq!(codes(&f), [("welcome".into(), "a@x.com".into(), "due")]);
        assert_eq!(f.messages[0].send_day, day("2025-04-20"));
    }

    #[test]
    fn nth_order_fires_on_the_nth_order_only() {
        let d = data(
            &[
                ("a", "2025-04-01"),
                ("a", "2025-04-10"),
                ("a", "2025-04-19"),
                ("b", "2025-04-18"),
                ("b", "2025-04-19"),
            ],
            vec![flow("thanks_3rd", Trigger::NthOrder(3))],
        );
        let f = decide(&d);
        let m = one(&f);
        assert_eq!(m.customer, "a@x.com");
        assert_eq!(
            m.reason(Lang::En, Currency::Krw),
            "3rd order on 2025-04-19, ₩10,000"
        );
        assert_eq!(
            m.reason(Lang::Ko, Currency::Krw),
            "3번째 주문 2025-04-19 10,000원"
        );
    }

    #[test]
    fn order_plus_n_days_is_due_on_the_nth_day() {
        let f = flow("review", Trigger::OrderPlus(7));
        let d = data(&[("a", "2025-04-13"), ("b", "2025-04-14")], vec![f]);
        let day_ = decide(&d);
        let m = one(&day_);
        assert_eq!(
            (m.customer.as_str(), m.trigger_ref.as_str()),
            ("a@x.com", "2025-04-20")
        );
    }

    #[test]
    fn recency_fires_on_the_nth_quiet_day_and_an_order_on_it_stops_it() {
        let mut wb = flow("winback", Trigger::RecencyAtLeast(90));
        wb.stop_if = vec![StopRule::Ordered];
        // a: last order 90 days ago (due); b: 89 days (not yet); c: quiet 90 days, then
        // ordered on the 90th day (stopped).
        let d = data(
            &[
                ("a", "2025-01-20"),
                ("b", "2025-01-21"),
                ("c", "2025-01-15"),
                ("c", "2025-04-15"),
            ],
            vec![wb],
        );
        let f = decide(&d);
        assert_eq!(
            codes(&f),
            [
                ("winback".into(), "a@x.com".into(), "due"),
                ("winback".into(), "c@x.com".into(), "stopped"),
            ]
        );
        assert_eq!(
            f.messages[1].status,
            Status::StoppedOrdered(day("2025-04-15"))
        );
        assert_eq!(
            f.messages[0].reason(Lang::En, Currency::Krw),
            "1 order(s), none for 90 days since 2025-01-20"
        );
    }

    #[test]
    fn stop_if_replied_counts_replies_after_the_trigger_only() {
        let mut r = flow("review", Trigger::OrderPlus(0));
        r.stop_if = vec![StopRule::Replied];
        let mut d = data(&[("a", "2025-04-18"), ("b", "2025-04-18")], vec![r]);
        let quote = |c: &str, replied: NaiveDateTime| QuoteRow {
            cell: CellRef::new("Quotes", 1, 0),
            quote_id: Some("Q".into()),
            customer: Some(format!("{c}@x.com")),
            name: None,
            email: None,
            phone: None,
            sent: at("2025-04-01"),
            opened: Flag::Yes,
            opens: 1,
            responded: Flag::On(replied),
            converted: Flag::No,
            order_id: None,
            amount: None,
            channel: None,
            status: None,
            reminded_at: None,
            reminders: 0,
        };
        // a replied on the trigger day after the order; b the day before.
        d.quotes = vec![
            quote("a", day("2025-04-18").and_hms_opt(11, 0, 0).unwrap()),
            quote("b", at("2025-04-17")),
        ];
        let f = decide(&d);
        let stat: Vec<_> = f.messages.iter().map(|m| m.status.clone()).collect();
        assert_eq!(
            stat,
            [Status::StoppedReplied(day("2025-04-18")), Status::Due]
        );
    }

    #[test]
    fn birthdays_come_every_year_and_29_february_on_the_28th() {
        let mut d = data(&[], vec![flow("birthday", Trigger::Birthday)]);
        d.customers = vec![
            listed("a@x.com", false, false, Some("1990-04-20")),
            listed("b@x.com", false, false, Some("2000-02-29")),
        ];
        let f = decide(&d);
        assert_eq!(one(&f).customer, "a@x.com");
        let f = decide_at(&d, &[], "2025-02-28", 10);
        let m = one(&f);
        assert_eq!(
            (m.customer.as_str(), m.trigger_ref.as_str()),
            ("b@x.com", "2025-02-28")
        );
    }

    fn cart(id: &str, customer: &str, created: &str, completed: Option<&str>) -> CartRow {
        CartRow {
            cell: CellRef::new("Carts", 1, 0),
            cart_id: id.into(),
            created: at(created),
            customer: Some(customer.into()),
            name: None,
            email: Some(customer.into()),
            phone: None,
            items: vec!["Mug".into(), "Bowl".into()],
            total: Decimal::from(42_000),
            recovery_url: None,
            completed: completed.map(at),
        }
    }

    #[test]
    fn a_cart_is_stopped_when_completed_or_recovered_by_a_later_order() {
        let mut d = data(
            &[("b", "2025-04-19"), ("c", "2025-04-17")],
            vec![flow("cart", Trigger::CartAbandoned)],
        );
        d.carts = vec![
            cart("C1", "a@x.com", "2025-04-18", None),
            cart("C2", "b@x.com", "2025-04-18", None),
            cart("C3", "c@x.com", "2025-04-18", None),
            cart("C4", "d@x.com", "2025-04-18", Some("2025-04-19")),
        ];
        let f = decide(&d);
        let stat: Vec<_> = f.messages.iter().map(|m| m.status.clone()).collect();
        assert_eq!(
            stat,
            [
                Status::Due,
                // b ordered the day after: recovered.
                Status::StoppedOrdered(day("2025-04-19")),
                // c's order came before the cart: it is still abandoned.
                Status::Due,
                Status::StoppedCompleted(day("2025-04-19")),
            ]
        );
        assert_eq!(
            f.messages[0].reason(Lang::En, Currency::Krw),
            "cart C1: 2 item(s), ₩42,000 not checked out"
        );
    }

    #[test]
    fn opted_out_customers_get_nothing_and_marketing_needs_consent_and_daylight() {
        let mut wb = flow("winback", Trigger::RecencyAtLeast(30));
        wb.marketing = true;
        let mut d = data(
            &[
                ("a", "2025-03-21"),
                ("b", "2025-03-21"),
                ("c", "2025-03-21"),
            ],
            vec![wb],
        );
        d.customers = vec![
            listed("a@x.com", true, true, None),
            listed("b@x.com", false, true, None),
        ];
        let f = decide(&d);
        assert_eq!(
            codes(&f).iter().map(|c| c.2).collect::<Vec<_>>(),
            ["opted_out", "due", "no_consent"]
        );
        let night = decide_at(&d, &[], AS_OF, 22);
        assert_eq!(night.messages[1].status, Status::QuietHours);
        assert!(quiet_hours(NaiveTime::from_hms_opt(7, 59, 0).unwrap()));
        assert!(!quiet_hours(NaiveTime::from_hms_opt(8, 0, 0).unwrap()));
        assert!(!quiet_hours(NaiveTime::from_hms_opt(20, 59, 0).unwrap()));
        assert!(quiet_hours(NaiveTime::from_hms_opt(21, 0, 0).unwrap()));
    }

    #[test]
    fn a_cooldown_holds_a_second_flow_for_its_days_across_flows() {
        let w = flow("welcome", Trigger::FirstOrder);
        let mut r = flow("review", Trigger::OrderPlus(0));
        r.cooldown_days = 3;
        let d = data(&[("a", "2025-04-20")], vec![w, r]);
        // Same day: the first flow of the sheet goes, the second waits.
        let f = decide(&d);
        assert_eq!(
            f.messages
                .iter()
                .map(|m| m.status.clone())
                .collect::<Vec<_>>(),
            [Status::Due, Status::Cooldown(day("2025-04-20"))]
        );
        // Another flow's message in the Sent Log 2 days ago holds it; 3 days ago does not.
        let d = data(&[("a", "2025-04-20")], vec![d.flows[1].clone()]);
        let sent = |when: &str| FlowSent {
            sent: day(when),
            flow: "birthday".into(),
            customer: "a@x.com".into(),
            trigger: when.into(),
            channel: "email".into(),
            name: "a".into(),
        };
        let f = decide_at(&d, &[sent("2025-04-18")], AS_OF, 10);
        assert_eq!(one(&f).status, Status::Cooldown(day("2025-04-18")));
        let f = decide_at(&d, &[sent("2025-04-17")], AS_OF, 10);
        assert_eq!(one(&f).status, Status::Due);
    }

    #[test]
    fn a_message_in_the_sent_log_is_never_due_again() {
        let d = data(
            &[("a", "2025-04-19")],
            vec![flow("welcome", Trigger::FirstOrder)],
        );
        let log = [FlowSent {
            sent: day("2025-04-19"),
            flow: "welcome".into(),
            customer: "a@x.com".into(),
            trigger: "2025-04-19".into(),
            channel: "email".into(),
            name: "a".into(),
        }];
        assert_eq!(
            decide_at(&d, &log, AS_OF, 10).messages[0].status,
            Status::Sent(day("2025-04-19"))
        );
        // Another flow of the same name for another trigger is not the same message.
        let f = decide_at(&d, &log[..0], AS_OF, 10);
        assert_eq!(one(&f).status, Status::Due);
    }
}
