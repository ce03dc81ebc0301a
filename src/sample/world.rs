//! The synthetic shop itself: customers, a quote log, a pipeline and a stream of sales lines,
//! all drawn from seeded [`Rng`] streams. Output formats live elsewhere; this module decides
//! *what* happened, never how a cell looks beyond the per-row "messy form" choices.

use std::collections::{HashSet, VecDeque};

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use super::pools::{self, Product};
use super::rng::Rng;
use crate::model::Lang;

/// Separate streams, so that e.g. more sales rows never change the customers or quotes.
const S_CUSTOMERS: u64 = 1;
const S_SCHEDULE: u64 = 2;
const S_QUOTES: u64 = 3;
const S_DEALS: u64 = 4;
const S_SALES: u64 = 5;
const S_MESSY: u64 = 6;

/// Everything the generator needs, resolved from the public options.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub lang: Lang,
    pub customers: u32,
    pub rows: u64,
    pub weeks: u32,
    pub seed: u64,
    pub end: NaiveDate,
    /// Text dates, money text, name spellings, full-width digits.
    pub messy: bool,
    pub bad_cells: u32,
    pub quotes: u32,
    pub deals: u32,
}

impl Plan {
    /// Days in the period.
    pub(crate) fn days(&self) -> u32 {
        self.weeks * 7
    }
    /// The first day of the period.
    pub(crate) fn start(&self) -> NaiveDate {
        self.day(0)
    }
    /// Day `i` of the period (0 = first).
    pub(crate) fn day(&self, i: u32) -> NaiveDate {
        // `end` minus at most weeks·7 days: validated to stay inside chrono's range.
        self.end
            .checked_sub_days(Days::new(u64::from(
                self.days() - 1 - i.min(self.days() - 1),
            )))
            .unwrap_or(self.end)
    }
    pub(crate) fn products(&self) -> &'static [Product; 20] {
        pools::products(self.lang)
    }
    pub(crate) fn price(&self, product: usize) -> Decimal {
        let minor = self.products()[product].price_minor;
        match self.lang {
            Lang::Ko => Decimal::from(minor),
            Lang::En => Decimal::new(minor, 2),
        }
    }
}

/// How often a customer buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// A few heavy regulars carry much of the revenue.
    Heavy,
    Regular,
    /// Two to five orders in the period.
    Occasional,
    /// One order (sometimes two).
    OneTimer,
    /// On the customer list (maybe quoted) but no sales yet.
    Prospect,
}

/// The customer group written in the Customers sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Normal,
    Wholesale,
    Vip,
}

impl Group {
    pub(crate) fn label(self, lang: Lang) -> &'static str {
        match self {
            Group::Normal => lang.pick("일반", "Retail"),
            Group::Wholesale => lang.pick("도매", "Wholesale"),
            Group::Vip => "VIP",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Customer {
    pub name: String,
    /// Another spelling of the same name (`김 철수` for `김철수`), used on some rows.
    pub spaced: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub group: Group,
    pub class: Class,
    pub joined: NaiveDate,
    pub opt_out: bool,
    pub note: Option<&'static str>,
    /// Preferred sales channel (index into `pools::sales_channels`).
    pub channel: usize,
}

/// How a yes-flag of the quote log is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FlagForm {
    Date,
    /// `Y` / `N`
    Yn,
    /// `O` / `X` (ko) or `Yes` / `No` (en)
    Ox,
    /// A blank cell (only for "no").
    Blank,
}

#[derive(Debug, Clone)]
pub(crate) struct Quote {
    pub seq: u32,
    pub customer: u32,
    pub sent: NaiveDate,
    pub opened: Option<NaiveDate>,
    pub opened_form: FlagForm,
    pub opens: u32,
    pub responded: Option<NaiveDate>,
    pub responded_form: FlagForm,
    pub converted: Option<NaiveDate>,
    pub converted_form: FlagForm,
    /// The sales order the quote became (set while the sales are generated).
    pub order_no: Option<u64>,
    pub lines: Vec<(usize, i64)>,
    pub amount: Decimal,
    pub channel: usize,
    pub reminded: Option<NaiveDate>,
    pub reminders: u32,
}

impl Quote {
    pub(crate) fn id(&self) -> String {
        format!("Q-{}-{:04}", self.sent.year(), self.seq)
    }
}

/// One row of the stage-history pipeline.
#[derive(Debug, Clone)]
pub(crate) struct DealRow {
    pub deal: u32,
    pub customer: u32,
    pub stage: &'static str,
    pub date: NaiveDate,
    pub amount: Option<Decimal>,
    pub owner: &'static str,
    pub source: &'static str,
}

/// An order placed on a known day: a one-timer's purchase or a converted quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Scheduled {
    day: u32,
    customer: u32,
    quote: Option<u32>,
}

/// The customers, quotes and pipeline of one synthetic shop, plus the order schedule.
#[derive(Debug, Clone)]
pub(crate) struct World {
    pub customers: Vec<Customer>,
    pub quotes: Vec<Quote>,
    pub deals: Vec<DealRow>,
    schedule: Vec<Scheduled>,
}

impl World {
    pub(crate) fn build(plan: &Plan) -> World {
        let mut customers = make_customers(plan);
        let mut schedule = schedule_small_buyers(plan, &mut customers);
        let quotes = make_quotes(plan, &customers, &mut schedule);
        schedule.sort_unstable();
        let deals = make_deals(plan, &customers);
        World {
            customers,
            quotes,
            deals,
            schedule,
        }
    }
}

impl World {
    /// The scheduled orders of one-timers and occasional buyers (not from quotes): (day of the
    /// period, customer), by day — the sample's carts recovered by a later order use them.
    pub(crate) fn scheduled_orders(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.schedule
            .iter()
            .filter(|s| s.quote.is_none())
            .map(|s| (s.day, s.customer))
    }
}

fn ko_name(rng: &mut Rng) -> (String, String, String) {
    let (sur, sur_r) = {
        let items: Vec<(usize, u64)> = pools::KO_SURNAMES
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.2))
            .collect();
        let i = rng.weighted(&items);
        (pools::KO_SURNAMES[i].0, pools::KO_SURNAMES[i].1)
    };
    let (g1, g1r) = pools::KO_GIVEN_1[rng.index(pools::KO_GIVEN_1.len())];
    let (mut g2, mut g2r) = pools::KO_GIVEN_2[rng.index(pools::KO_GIVEN_2.len())];
    // `현현`-style doubled syllables are rare in real names: draw again once.
    if g2 == g1 {
        (g2, g2r) = pools::KO_GIVEN_2[rng.index(pools::KO_GIVEN_2.len())];
    }
    (
        format!("{sur}{g1}{g2}"),
        format!("{g1r}{g2r}.{sur_r}"),
        format!("{sur} {g1}{g2}"),
    )
}

fn en_name(rng: &mut Rng) -> (String, String, String) {
    let first = pools::EN_FIRST[rng.index(pools::EN_FIRST.len())];
    let last = pools::EN_LAST[rng.index(pools::EN_LAST.len())];
    (
        format!("{first} {last}"),
        format!(
            "{}.{}",
            first.to_ascii_lowercase(),
            last.to_ascii_lowercase()
        ),
        // The English "space variant": a double space typed by accident.
        format!("{first}  {last}"),
    )
}

fn make_customers(plan: &Plan) -> Vec<Customer> {
    const TINY: [Class; 9] = [
        Class::Heavy,
        Class::Regular,
        Class::OneTimer,
        Class::Occasional,
        Class::Prospect,
        Class::OneTimer,
        Class::Regular,
        Class::Occasional,
        Class::OneTimer,
    ];
    let mut rng = Rng::new(plan.seed, S_CUSTOMERS);
    let lang = plan.lang;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(plan.customers as usize);
    let n_channels = pools::sales_channels(lang).len();
    for i in 0..plan.customers {
        let drawn = rng.weighted(&[
            (Class::Heavy, 4),
            (Class::Regular, 12),
            (Class::Occasional, 25),
            (Class::OneTimer, 55),
            (Class::Prospect, 4),
        ]);
        // A tiny shop (the starter workbook) shows one customer of each kind instead.
        let class = if plan.customers < 10 {
            TINY[i as usize]
        } else {
            drawn
        };
        // Unique names while the pools allow; past that, duplicates are real life too (they
        // always carry an e-mail below, so identities stay apart).
        let mut tries = 0;
        let ((name, local, spaced), unique) = loop {
            let n = match lang {
                Lang::Ko => ko_name(&mut rng),
                Lang::En => en_name(&mut rng),
            };
            tries += 1;
            let fresh = seen.insert(n.0.clone());
            if fresh || tries >= 30 {
                break (n, fresh);
            }
        };
        let has_email = !unique || !rng.chance(1_200);
        let email = has_email.then(|| {
            let domains = match lang {
                Lang::Ko => &pools::KO_MAIL_DOMAINS,
                Lang::En => &pools::EN_MAIL_DOMAINS,
            };
            format!("{local}{}@{}", i + 1, domains[rng.index(domains.len())])
        });
        let phone = rng.chance(8_500).then(|| match lang {
            Lang::Ko => {
                let (a, b) = (rng.below(10_000), rng.below(10_000));
                if rng.chance(500) {
                    format!("010{a:04}{b:04}")
                } else {
                    format!("010-{a:04}-{b:04}")
                }
            }
            Lang::En => format!("07{:03} {:06}", rng.range(100, 999), rng.below(1_000_000)),
        });
        let group = match class {
            Class::Heavy => {
                rng.weighted(&[(Group::Wholesale, 5), (Group::Vip, 3), (Group::Normal, 2)])
            }
            Class::Regular => rng.weighted(&[
                (Group::Wholesale, 10),
                (Group::Vip, 15),
                (Group::Normal, 75),
            ]),
            _ => rng.weighted(&[(Group::Wholesale, 3), (Group::Normal, 97)]),
        };
        let channel = if email.is_none() {
            n_channels - 1
        } else {
            rng.weighted(&[(0, 35), (1, 25), (2, 15), (3, 10), (4, 5), (5, 10)])
        };
        let opt_out = rng.chance(300);
        let note = rng.chance(1_500).then(|| {
            let notes = pools::notes(lang);
            notes[rng.index(notes.len())]
        });
        out.push(Customer {
            name,
            spaced: Some(spaced),
            email,
            phone,
            group,
            class,
            joined: plan.start(),
            opt_out,
            note,
            channel,
        });
    }
    // A few customers with no sales yet, whatever the draw.
    if out.len() >= 10
        && !out.iter().any(|c| c.class == Class::Prospect)
        && let Some(last) = out.last_mut()
    {
        last.class = Class::Prospect;
    }
    // Keep the spelling variant on two customers only (one without an e-mail, where the name is
    // the identity, and one with), and only in messy mode.
    let buyer = |c: &Customer| c.class != Class::Prospect;
    let no_mail = out.iter().position(|c| buyer(c) && c.email.is_none());
    let with_mail = out
        .iter()
        .position(|c| matches!(c.class, Class::Heavy | Class::Regular) && c.email.is_some());
    for (i, c) in out.iter_mut().enumerate() {
        if !plan.messy || (Some(i) != no_mail && Some(i) != with_mail) {
            c.spaced = None;
        }
    }
    out
}

/// One-timers' and occasional buyers' orders, on fixed days; sets everyone's joined date.
fn schedule_small_buyers(plan: &Plan, customers: &mut [Customer]) -> Vec<Scheduled> {
    let mut rng = Rng::new(plan.seed, S_SCHEDULE);
    let days = u64::from(plan.days());
    let mut out = Vec::new();
    for (i, c) in customers.iter_mut().enumerate() {
        let n = match c.class {
            Class::OneTimer => {
                if rng.chance(1_500) {
                    2
                } else {
                    1
                }
            }
            Class::Occasional => rng.range(2, 5),
            _ => 0,
        };
        let mut first = u32::MAX;
        for _ in 0..n {
            let day = rng.below(days) as u32;
            first = first.min(day);
            out.push(Scheduled {
                day,
                customer: i as u32,
                quote: None,
            });
        }
        // Joined a little before the first purchase; regulars long before the period.
        let before = match c.class {
            Class::Heavy | Class::Regular => Some(30 + rng.below(700)),
            Class::Prospect => None,
            _ => Some(rng.below(90)),
        };
        c.joined = match before {
            Some(b) => {
                let anchor = if first == u32::MAX {
                    plan.start()
                } else {
                    plan.day(first)
                };
                anchor.checked_sub_days(Days::new(b)).unwrap_or(anchor)
            }
            None => plan.day(rng.below(days) as u32),
        };
    }
    out
}

/// Distinct products, weighted by popularity.
fn basket(rng: &mut Rng, plan: &Plan, n: usize, wholesale: bool) -> Vec<(usize, i64)> {
    let weights: Vec<(usize, u64)> = plan
        .products()
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.weight))
        .collect();
    let mut lines: Vec<(usize, i64)> = Vec::with_capacity(n);
    for _ in 0..n {
        // A few tries for a product not yet in the basket; a repeat just means fewer lines.
        for _ in 0..4 {
            let p = rng.weighted(&weights);
            if lines.iter().all(|l| l.0 != p) {
                let qty = if wholesale {
                    rng.range(5, 30) as i64
                } else {
                    rng.weighted(&[(1, 60), (2, 25), (3, 10), (4, 3), (6, 2)])
                };
                lines.push((p, qty));
                break;
            }
        }
    }
    lines
}

fn flag_form(rng: &mut Rng, plan: &Plan, yes: bool) -> FlagForm {
    match (plan.messy, yes) {
        (false, true) => FlagForm::Date,
        (false, false) => FlagForm::Blank,
        (true, true) => {
            rng.weighted(&[(FlagForm::Date, 50), (FlagForm::Yn, 25), (FlagForm::Ox, 25)])
        }
        (true, false) => rng.weighted(&[
            (FlagForm::Blank, 50),
            (FlagForm::Yn, 25),
            (FlagForm::Ox, 25),
        ]),
    }
}

fn make_quotes(plan: &Plan, customers: &[Customer], schedule: &mut Vec<Scheduled>) -> Vec<Quote> {
    let mut rng = Rng::new(plan.seed, S_QUOTES);
    if customers.is_empty() {
        return Vec::new();
    }
    let days = plan.days();
    let last = days - 1;
    let mut sent: Vec<u32> = (0..plan.quotes)
        .map(|_| rng.below(u64::from(days)) as u32)
        .collect();
    sent.sort_unstable();
    let n_channels = pools::quote_channels(plan.lang).len();
    let mut out = Vec::with_capacity(sent.len());
    for (seq, day) in sent.into_iter().enumerate() {
        let customer = rng.index(customers.len()) as u32;
        let c = &customers[customer as usize];
        let n_lines = rng.range(1, 3) as usize;
        let lines = basket(&mut rng, plan, n_lines, true);
        let amount = lines
            .iter()
            .map(|&(p, q)| plan.price(p) * Decimal::from(q))
            .sum();
        let age = last - day;
        let day_plus = |d: u32, max_add: u32, rng: &mut Rng| -> u32 {
            (d + rng.below(u64::from(max_add) + 1) as u32).min(last)
        };
        // Fresh quotes have had less time to be opened; overall ≈ 60 % open, 30 % respond,
        // 15 % convert.
        let open_p = match age {
            0 => 2_000,
            1 | 2 => 4_500,
            _ => 6_300,
        };
        let opened = rng
            .chance(open_p)
            .then(|| day_plus(day, age.min(3), &mut rng));
        let responded = opened
            .filter(|_| age >= 1 && rng.chance(5_200))
            .map(|o| day_plus(o, (last - o).min(4), &mut rng));
        let converted = responded
            .filter(|&r| c.class != Class::Prospect && r < last && rng.chance(5_200))
            .map(|r| (r + 1 + rng.below(7) as u32).min(last));
        let opens = match opened {
            Some(_) => rng.weighted(&[(1, 45), (2, 25), (3, 15), (4, 10), (6, 5)]),
            None => 0,
        };
        // A few unanswered quotes already had reminders written back.
        let (reminders, reminded) = if responded.is_none() && age >= 6 && rng.chance(2_500) {
            let n = if age >= 9 && rng.chance(4_000) { 2 } else { 1 };
            (n, Some(plan.day(day + 3 * n)))
        } else {
            (0, None)
        };
        if let Some(conv) = converted {
            schedule.push(Scheduled {
                day: conv,
                customer,
                quote: Some(seq as u32),
            });
        }
        out.push(Quote {
            seq: seq as u32 + 1,
            customer,
            sent: plan.day(day),
            opened: opened.map(|d| plan.day(d)),
            opened_form: flag_form(&mut rng, plan, opened.is_some()),
            opens,
            responded: responded.map(|d| plan.day(d)),
            responded_form: flag_form(&mut rng, plan, responded.is_some()),
            converted: converted.map(|d| plan.day(d)),
            converted_form: match (converted.is_some(), plan.messy) {
                (true, true) => rng.weighted(&[(FlagForm::Date, 70), (FlagForm::Yn, 30)]),
                (true, false) => FlagForm::Date,
                (false, _) => FlagForm::Blank,
            },
            order_no: None,
            lines,
            amount,
            channel: rng.index(n_channels),
            reminded,
            reminders,
        });
    }
    out
}

fn make_deals(plan: &Plan, customers: &[Customer]) -> Vec<DealRow> {
    // Chance (per 10 000) of moving on from stage i to i + 1.
    const NEXT: [u64; 3] = [7_000, 6_000, 4_500];
    let mut rng = Rng::new(plan.seed, S_DEALS);
    if customers.is_empty() {
        return Vec::new();
    }
    let (stages, lost) = pools::stages(plan.lang);
    let owners = pools::owners(plan.lang);
    let sources = pools::pipeline_sources(plan.lang);
    let last = plan.days() - 1;
    let mut starts: Vec<u32> = (0..plan.deals)
        .map(|_| rng.below(u64::from(plan.days())) as u32)
        .collect();
    starts.sort_unstable();
    let mut out = Vec::new();
    for (i, start) in starts.into_iter().enumerate() {
        let deal = i as u32 + 1;
        let customer = rng.index(customers.len()) as u32;
        let owner = owners[rng.index(owners.len())];
        let source = sources[rng.index(sources.len())];
        let value = {
            let n_lines = rng.range(2, 3) as usize;
            let lines = basket(&mut rng, plan, n_lines, true);
            lines
                .iter()
                .map(|&(p, q)| plan.price(p) * Decimal::from(q) * Decimal::from(2))
                .sum()
        };
        let row = |stage, day: u32, amount| DealRow {
            deal,
            customer,
            stage,
            date: plan.day(day),
            amount,
            owner,
            source,
        };
        let mut day = start;
        let mut stage = 0;
        out.push(row(stages[0], day, None));
        let mut backed = false;
        loop {
            let next_day = day + rng.range(1, 10) as u32;
            if next_day > last {
                break;
            }
            if stage < 3 && rng.chance(NEXT[stage]) {
                stage += 1;
                day = next_day;
                out.push(row(stages[stage], day, Some(value)));
                // Now and then a quoted deal goes back to talks before it moves again.
                if stage == 2 && !backed && rng.chance(800) {
                    let back_day = day + rng.range(1, 5) as u32;
                    if back_day <= last {
                        backed = true;
                        stage = 1;
                        day = back_day;
                        out.push(row(stages[1], day, Some(value)));
                    }
                }
            } else {
                if stage < 3 && rng.chance(6_500) {
                    out.push(row(lost, next_day, Some(value)));
                }
                break;
            }
            if stage == 3 {
                break;
            }
        }
    }
    out
}

/// How a sales line's status reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Paid,
    Shipped,
    Delivered,
    Cancelled,
    Refunded,
    Returned,
}

impl Status {
    pub(crate) fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::Paid => lang.pick("결제완료", "Paid"),
            Status::Shipped => lang.pick("배송중", "Shipped"),
            Status::Delivered => lang.pick("배송완료", "Delivered"),
            Status::Cancelled => lang.pick("취소", "Cancelled"),
            Status::Refunded => lang.pick("환불", "Refunded"),
            Status::Returned => lang.pick("반품", "Returned"),
        }
    }
}

/// A deliberately unusable cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bad {
    /// Amount `N/A`.
    Amount,
    /// Date `YYYY-02-30`.
    Date,
}

/// One sales row, with how its cells are to be written.
#[derive(Debug, Clone)]
pub(crate) struct SaleLine {
    pub day: NaiveDate,
    pub order_no: u64,
    pub customer: u32,
    pub product: usize,
    /// Negative on returns.
    pub qty: i64,
    pub unit_price: Decimal,
    /// Negative on returns.
    pub amount: Decimal,
    pub status: Status,
    pub channel: usize,
    /// Write the date as text in form 0..3.
    pub date_text: Option<u8>,
    /// Write the amount as text in form 0..2; `fullwidth` digits too.
    pub money_text: Option<u8>,
    pub fullwidth: bool,
    /// Use the customer's other spelling.
    pub spaced: bool,
    pub bad: Option<Bad>,
}

/// A delivered line a return can refer to.
#[derive(Debug, Clone, Copy)]
struct Recent {
    order_no: u64,
    customer: u32,
    product: usize,
    qty: i64,
    channel: usize,
}

/// Counts of what was generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SalesCounts {
    pub rows: u64,
    pub orders: u64,
    pub cancelled_rows: u64,
    pub returned_rows: u64,
    pub text_dates: u64,
    pub text_amounts: u64,
}

/// The sales rows, one at a time, in date order: memory stays flat however many rows.
pub(crate) struct SalesStream<'a> {
    plan: &'a Plan,
    world: &'a mut World,
    rng: Rng,
    messy: Rng,
    /// Rows handed out so far.
    row: u64,
    next_order: u64,
    pending: VecDeque<SaleLine>,
    sched: usize,
    recent: VecDeque<Recent>,
    /// Cumulative weights of the regular buyers, for picking who orders next.
    regulars: Vec<(u32, u64)>,
    /// Fallback buyers when there are no regulars (tiny shops).
    others: Vec<u32>,
    bad_done: u64,
    pub counts: SalesCounts,
}

impl<'a> SalesStream<'a> {
    pub(crate) fn new(plan: &'a Plan, world: &'a mut World) -> SalesStream<'a> {
        let mut rng = Rng::new(plan.seed, S_SALES);
        let mut regulars = Vec::new();
        let mut total = 0;
        let mut others = Vec::new();
        for (i, c) in world.customers.iter().enumerate() {
            let w = match c.class {
                Class::Heavy => rng.range(30, 60),
                Class::Regular => rng.range(5, 12),
                Class::Prospect => continue,
                _ => {
                    others.push(i as u32);
                    continue;
                }
            };
            total += w;
            regulars.push((i as u32, total));
        }
        if others.is_empty() && regulars.is_empty() && !world.customers.is_empty() {
            others.push(0);
        }
        SalesStream {
            plan,
            world,
            rng,
            messy: Rng::new(plan.seed, S_MESSY),
            row: 0,
            next_order: 1,
            pending: VecDeque::new(),
            sched: 0,
            recent: VecDeque::with_capacity(64),
            regulars,
            others,
            bad_done: 0,
            counts: SalesCounts::default(),
        }
    }

    fn pick_customer(&mut self) -> u32 {
        if let Some(&(_, total)) = self.regulars.last() {
            let x = self.rng.below(total);
            let i = self.regulars.partition_point(|&(_, cum)| cum <= x);
            self.regulars[i.min(self.regulars.len() - 1)].0
        } else {
            self.others[self.rng.index(self.others.len())]
        }
    }

    fn status_for(&self, day: u32) -> Status {
        let age = self.plan.days() - 1 - day;
        match age {
            0..=2 => Status::Paid,
            3..=5 => Status::Shipped,
            _ => Status::Delivered,
        }
    }

    fn push_order(
        &mut self,
        day: u32,
        customer: u32,
        lines: &[(usize, i64)],
        cancellable: bool,
    ) -> u64 {
        let order_no = self.next_order;
        self.next_order += 1;
        let c = &self.world.customers[customer as usize];
        let n_channels = pools::sales_channels(self.plan.lang).len();
        let channel = if self.rng.chance(8_000) {
            c.channel
        } else {
            self.rng.index(n_channels)
        };
        let status = if cancellable && self.rng.chance(200) {
            if self.rng.chance(5_000) {
                Status::Cancelled
            } else {
                Status::Refunded
            }
        } else {
            self.status_for(day)
        };
        for &(product, qty) in lines {
            let unit_price = self.plan.price(product);
            self.pending.push_back(SaleLine {
                day: self.plan.day(day),
                order_no,
                customer,
                product,
                qty,
                unit_price,
                amount: unit_price * Decimal::from(qty),
                status,
                channel,
                date_text: None,
                money_text: None,
                fullwidth: false,
                spaced: false,
                bad: None,
            });
            if !matches!(status, Status::Cancelled | Status::Refunded) {
                if self.recent.len() == 64 {
                    self.recent.pop_front();
                }
                self.recent.push_back(Recent {
                    order_no,
                    customer,
                    product,
                    qty,
                    channel,
                });
            }
        }
        order_no
    }

    fn refill(&mut self) {
        let days = u64::from(self.plan.days());
        let day = (u128::from(self.row) * u128::from(days) / u128::from(self.plan.rows)) as u32;
        if let Some(&s) = self.world.schedule.get(self.sched)
            && s.day <= day
        {
            self.sched += 1;
            let wholesale = self.world.customers[s.customer as usize].group == Group::Wholesale;
            let lines = if let Some(q) = s.quote {
                self.world.quotes[q as usize].lines.clone()
            } else {
                let n = self.line_count();
                basket(&mut self.rng, self.plan, n, wholesale)
            };
            let no = self.push_order(s.day, s.customer, &lines, s.quote.is_none());
            if let Some(q) = s.quote {
                self.world.quotes[q as usize].order_no = Some(no);
            }
            return;
        }
        if !self.recent.is_empty() && self.rng.chance(100) {
            let i = self.rng.index(self.recent.len());
            if let Some(r) = self.recent.remove(i) {
                let qty = -(self.rng.range(1, r.qty.max(1) as u64) as i64);
                let unit_price = self.plan.price(r.product);
                self.pending.push_back(SaleLine {
                    day: self.plan.day(day),
                    order_no: r.order_no,
                    customer: r.customer,
                    product: r.product,
                    qty,
                    unit_price,
                    amount: unit_price * Decimal::from(qty),
                    status: Status::Returned,
                    channel: r.channel,
                    date_text: None,
                    money_text: None,
                    fullwidth: false,
                    spaced: false,
                    bad: None,
                });
                return;
            }
        }
        let customer = self.pick_customer();
        let wholesale = self.world.customers[customer as usize].group == Group::Wholesale;
        let n = self.line_count();
        let lines = basket(&mut self.rng, self.plan, n, wholesale);
        self.push_order(day, customer, &lines, true);
    }

    fn line_count(&mut self) -> usize {
        self.rng
            .weighted(&[(1, 65), (2, 22), (3, 9), (4, 3), (5, 1)])
    }

    /// The row index of the `k`-th bad cell: spread evenly over the sheet.
    fn bad_row(&self, k: u64) -> u64 {
        let bad = u64::from(self.plan.bad_cells).min(self.plan.rows);
        if k >= bad {
            u64::MAX
        } else {
            (u128::from(k) * u128::from(self.plan.rows) / u128::from(bad)) as u64
        }
    }

    /// The next sales line, or `None` after `plan.rows` lines.
    pub(crate) fn next_line(&mut self) -> Option<SaleLine> {
        if self.row >= self.plan.rows || self.world.customers.is_empty() {
            return None;
        }
        while self.pending.is_empty() {
            self.refill();
        }
        let mut line = self.pending.pop_front()?;
        if self.plan.messy {
            let m = &mut self.messy;
            if m.chance(200) {
                line.date_text = Some(m.below(3) as u8);
            }
            if line.amount > Decimal::ZERO && m.chance(150) {
                line.money_text = Some(m.below(2) as u8);
                line.fullwidth = m.chance(500);
            }
            if self.world.customers[line.customer as usize]
                .spaced
                .is_some()
            {
                line.spaced = m.chance(3_333);
            }
        }
        if self.bad_row(self.bad_done) == self.row {
            line.bad = Some(if self.bad_done.is_multiple_of(2) {
                Bad::Amount
            } else {
                Bad::Date
            });
            self.bad_done += 1;
            match line.bad {
                Some(Bad::Amount) => line.money_text = None,
                _ => line.date_text = None,
            }
        }
        self.row += 1;
        let c = &mut self.counts;
        c.rows += 1;
        match line.status {
            Status::Cancelled | Status::Refunded => c.cancelled_rows += 1,
            Status::Returned => c.returned_rows += 1,
            _ => {}
        }
        c.orders = self.next_order - 1;
        c.text_dates += u64::from(line.date_text.is_some());
        c.text_amounts += u64::from(line.money_text.is_some());
        Some(line)
    }

    /// The customers, for writers that need names while streaming.
    pub(crate) fn customer(&self, i: u32) -> &Customer {
        &self.world.customers[i as usize]
    }
}
