//! The Flows sheet (role `flows`, 자동발송규칙, SPEC §8): the lifecycle messages the shop sends
//! without being asked — one row per flow: `flow | trigger | delay_days | condition | template |
//! channel | marketing | stop_if | cooldown_days | go_live`. Every cell that cannot be used is a
//! data problem naming its cell, and the row is left out (a flow half understood never mails
//! anyone).
//!
//! Also the flow rows of the `Sent Log` (발송기록) sheet: the one generated sheet dangol reads
//! back (see [`read_flow_log`]), because it is where `dangol today --apply` records what was
//! sent, so that the next day's run never sends it again.

use std::cell::Cell as Counter;

use chrono::NaiveDate;

use super::Dataset;
use super::cells;
use super::headers::Mapping;
use super::source::{Cell, Input, OpenError};
use crate::model::values::DateOrder;
use crate::model::{CellRef, Problem, Severity};
use crate::rules::Rule;

/// What starts a flow for a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trigger {
    /// The customer's first order (`first_order`).
    FirstOrder,
    /// The customer's N-th order (`nth_order:N`).
    NthOrder(u32),
    /// N days after every order (`order+Nd`), e.g. a review request.
    OrderPlus(u32),
    /// No order for N days (`recency>=N`): win-back.
    RecencyAtLeast(u32),
    /// The customer's birthday (Customers `birthday`/생일), every year.
    Birthday,
    /// A quote that needs a reminder (the `reminder.*` rules of `dangol remind`).
    QuoteUnanswered,
    /// An abandoned checkout from the store's export (Carts sheet).
    CartAbandoned,
}

impl Trigger {
    /// Parse `first_order`, `nth_order:2`, `order+7d`, `recency>=90`, `birthday`,
    /// `quote_unanswered`, `cart_abandoned` (spaces and case ignored; Korean aliases
    /// 첫주문, 생일, 견적미응답, 장바구니이탈).
    pub fn parse(s: &str) -> Option<Trigger> {
        let t: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        let num = |x: &str| x.parse::<u32>().ok().filter(|n| *n <= 3650);
        match t.as_str() {
            "first_order" | "firstorder" | "첫주문" => return Some(Trigger::FirstOrder),
            "birthday" | "생일" => return Some(Trigger::Birthday),
            "quote_unanswered" | "견적미응답" => return Some(Trigger::QuoteUnanswered),
            "cart_abandoned" | "장바구니이탈" => return Some(Trigger::CartAbandoned),
            _ => {}
        }
        if let Some(n) = t.strip_prefix("nth_order:") {
            return num(n).filter(|n| *n >= 1).map(Trigger::NthOrder);
        }
        if let Some(n) = t.strip_prefix("order+") {
            return num(n.strip_suffix('d').unwrap_or(n)).map(Trigger::OrderPlus);
        }
        if let Some(n) = t.strip_prefix("recency>=") {
            return num(n).filter(|n| *n >= 1).map(Trigger::RecencyAtLeast);
        }
        None
    }

    /// The canonical text (what `init` writes and messages show).
    pub fn code(self) -> String {
        match self {
            Trigger::FirstOrder => "first_order".into(),
            Trigger::NthOrder(n) => format!("nth_order:{n}"),
            Trigger::OrderPlus(n) => format!("order+{n}d"),
            Trigger::RecencyAtLeast(n) => format!("recency>={n}"),
            Trigger::Birthday => "birthday".into(),
            Trigger::QuoteUnanswered => "quote_unanswered".into(),
            Trigger::CartAbandoned => "cart_abandoned".into(),
        }
    }
}

/// What ends a flow's message before it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StopRule {
    /// The customer ordered since the trigger (`ordered`, 주문).
    Ordered,
    /// The customer replied to a quote since the trigger (`replied`, 응답).
    Replied,
}

/// How a message goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Email,
    Sms,
    Kakao,
}

impl Channel {
    fn parse(s: &str) -> Option<Channel> {
        match s.trim().to_lowercase().as_str() {
            "email" | "e-mail" | "mail" | "이메일" | "메일" => Some(Channel::Email),
            "sms" | "문자" | "text" => Some(Channel::Sms),
            "kakao" | "카카오" | "알림톡" | "kakaotalk" | "alimtalk" => Some(Channel::Kakao),
            _ => None,
        }
    }
    /// The name in JSON, CSV and the Sent Log.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Kakao => "kakao",
        }
    }
}

/// One usable row of the Flows sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// The row's flow cell.
    pub cell: CellRef,
    pub name: String,
    pub trigger: Trigger,
    pub delay_days: u32,
    /// Who the flow is for (rule language); `None` = everyone.
    pub condition: Option<Rule>,
    /// The template's name (blank: the flow's name).
    pub template: String,
    pub channel: Channel,
    /// An advertisement: needs consent, carries `(광고)` and an opt-out line, never at night.
    pub marketing: bool,
    pub stop_if: Vec<StopRule>,
    /// No message of this flow within this many days of any flow message to the customer.
    pub cooldown_days: u32,
    /// Triggers before this day never send (adding a flow never mails every old customer).
    pub go_live: Option<NaiveDate>,
}

/// The most problems one Flows sheet reports (the rest are counted in its unusable rows).
const MAX_PROBLEMS: u64 = 200;

/// Reads the rows of one Flows sheet.
pub struct FlowRows<'m> {
    sheet: String,
    map: &'m Mapping,
    order: DateOrder,
    pub rows: u64,
    pub bad_rows: u64,
    problems: Counter<u64>,
}

impl<'m> FlowRows<'m> {
    pub fn new(sheet: &str, map: &'m Mapping, order: DateOrder) -> Self {
        FlowRows {
            sheet: sheet.to_string(),
            map,
            order,
            rows: 0,
            bad_rows: 0,
            problems: Counter::new(0),
        }
    }

    fn problem(&self, out: &mut Dataset, row: u32, col: u32, found: String, expected: &str) {
        self.problems.set(self.problems.get() + 1);
        if self.problems.get() > MAX_PROBLEMS {
            return;
        }
        out.problems.push(Problem {
            severity: Severity::Error,
            place: CellRef::new(self.sheet.clone(), row, col).to_string(),
            found,
            expected: expected.to_string(),
        });
    }

    fn get<'c>(&self, cells: &'c [Cell<'c>], field: &str) -> Option<(u32, &'c Cell<'c>)> {
        let col = self.map.col(field)?;
        cells.get(col as usize).map(|c| (col, c))
    }

    fn text(&self, cells: &[Cell<'_>], field: &str) -> Option<String> {
        cells
            .get(self.map.col(field)? as usize)
            .and_then(cells::text)
    }

    /// A whole number of days in `field` (blank = 0).
    fn days(&self, cells: &[Cell<'_>], field: &str, row: u32, out: &mut Dataset) -> Option<u32> {
        let Some((col, c)) = self.get(cells, field) else {
            return Some(0);
        };
        if c.is_blank() {
            return Some(0);
        }
        match cells::count(c) {
            Ok(n) if n <= 3650 => Some(n),
            _ => {
                self.problem(
                    out,
                    row,
                    col,
                    c.display(),
                    "a whole number of days from 0 to 3650",
                );
                None
            }
        }
    }

    /// Read one data row (below the header); blank rows are skipped.
    pub fn push(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) {
        if cells.iter().all(Cell::is_blank) {
            return;
        }
        self.rows += 1;
        if self.flow(row, cells, out).is_none() {
            self.bad_rows += 1;
        }
    }

    fn flow(&self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) -> Option<()> {
        let flow_col = self.map.col("flow").unwrap_or(0);
        let Some(name) = self.text(cells, "flow") else {
            self.problem(out, row, flow_col, String::new(), "a flow name");
            return None;
        };
        let trigger_col = self.map.col("trigger").unwrap_or(0);
        let trigger_text = self.text(cells, "trigger").unwrap_or_default();
        let Some(trigger) = Trigger::parse(&trigger_text) else {
            self.problem(
                out,
                row,
                trigger_col,
                trigger_text,
                "a trigger: first_order, nth_order:N, order+Nd, recency>=N, birthday, \
                 quote_unanswered or cart_abandoned",
            );
            return None;
        };
        let delay_days = self.days(cells, "delay_days", row, out);
        let cooldown_days = self.days(cells, "cooldown_days", row, out);
        let condition = self.condition(cells, row, out);
        let channel = self.channel(cells, row, out);
        let marketing = self.marketing(cells, row, out);
        let stop_if = self.stop_if(cells, row, out);
        let go_live = self.go_live(cells, row, out);
        let (
            Ok(condition),
            Some(delay_days),
            Some(cooldown_days),
            Some(channel),
            Some(marketing),
            Some(stop_if),
            Ok(go_live),
        ) = (
            condition,
            delay_days,
            cooldown_days,
            channel,
            marketing,
            stop_if,
            go_live,
        )
        else {
            return None;
        };
        let template = self.text(cells, "template").unwrap_or_else(|| name.clone());
        out.flows.push(Flow {
            cell: CellRef::new(self.sheet.clone(), row, flow_col),
            name,
            trigger,
            delay_days,
            condition,
            template,
            channel,
            marketing,
            stop_if,
            cooldown_days,
            go_live,
        });
        Some(())
    }

    /// The optional rule; `Err` (reported) when it does not parse or uses `group`.
    fn condition(
        &self,
        cells: &[Cell<'_>],
        row: u32,
        out: &mut Dataset,
    ) -> Result<Option<Rule>, Reported> {
        match self.text(cells, "condition") {
            None => Ok(None),
            Some(src) => match Rule::parse(&src) {
                // `group == "도매"` sees the Customers sheet's group and the dated groups of
                // the as-of day, as grade rules do.
                Ok(r) => Ok(Some(r)),
                Err(e) => {
                    let col = self.map.col("condition").unwrap_or(0);
                    self.problem(out, row, col, src, &format!("a rule: {}", e.message));
                    Err(Reported)
                }
            },
        }
    }

    /// The channel, e-mail when blank; `None` (reported) when unknown.
    fn channel(&self, cells: &[Cell<'_>], row: u32, out: &mut Dataset) -> Option<Channel> {
        match self.text(cells, "channel") {
            None => Some(Channel::Email),
            Some(t) => {
                let c = Channel::parse(&t);
                if c.is_none() {
                    let col = self.map.col("channel").unwrap_or(0);
                    self.problem(out, row, col, t, "a channel: email, sms or kakao");
                }
                c
            }
        }
    }

    /// Whether the flow is marketing, no when blank; `None` (reported) when not Y/N.
    fn marketing(&self, cells: &[Cell<'_>], row: u32, out: &mut Dataset) -> Option<bool> {
        match self.get(cells, "marketing") {
            Some((col, c)) if !c.is_blank() => {
                if let Ok(f) = cells::flag(c, cells::DateHint::default()) {
                    Some(f.is_yes())
                } else {
                    self.problem(out, row, col, c.display(), "Y or N");
                    None
                }
            }
            _ => Some(false),
        }
    }

    /// The stop rules, none when blank; `None` (reported) when they do not parse.
    fn stop_if(&self, cells: &[Cell<'_>], row: u32, out: &mut Dataset) -> Option<Vec<StopRule>> {
        match self.text(cells, "stop_if") {
            None => Some(Vec::new()),
            Some(t) => {
                let parsed = parse_stops(&t);
                if parsed.is_none() {
                    let col = self.map.col("stop_if").unwrap_or(0);
                    self.problem(
                        out,
                        row,
                        col,
                        t,
                        "stop rules: ordered and/or replied (comma-separated), or blank",
                    );
                }
                parsed
            }
        }
    }

    /// The go-live day, none when blank; `Err` (reported) when not a date.
    fn go_live(
        &self,
        cells: &[Cell<'_>],
        row: u32,
        out: &mut Dataset,
    ) -> Result<Option<NaiveDate>, Reported> {
        match self.get(cells, "go_live") {
            Some((col, c)) if !c.is_blank() => match cells::date(
                c,
                cells::DateHint {
                    serials: false,
                    order: self.order,
                },
            ) {
                Ok(d) => Ok(Some(d.date())),
                Err(e) => {
                    self.problem(out, row, col, c.display(), e);
                    Err(Reported)
                }
            },
            _ => Ok(None),
        }
    }
}

/// A cell's problem has been recorded; the row is skipped.
struct Reported;

/// `ordered, replied` (Korean 주문, 응답/회신); `None` when a part is not a stop rule.
fn parse_stops(t: &str) -> Option<Vec<StopRule>> {
    let mut out = Vec::new();
    for part in t.split([',', '/', '+', ';']) {
        let p = part.trim().to_lowercase();
        let rule = match p.as_str() {
            "" => continue,
            "ordered" | "order" | "주문" | "구매" => StopRule::Ordered,
            "replied" | "reply" | "responded" | "응답" | "회신" => StopRule::Replied,
            _ => return None,
        };
        if !out.contains(&rule) {
            out.push(rule);
        }
    }
    Some(out)
}

/// One flow message recorded in the Sent Log: (flow, customer, trigger) is its key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlowSent {
    /// The day it was recorded as sent (the as-of day of `today --apply`).
    pub sent: NaiveDate,
    pub flow: String,
    /// The customer's identity key (as in the sales rows).
    pub customer: String,
    /// What triggered it: the trigger day, or a quote/cart id.
    pub trigger: String,
    pub channel: String,
    pub name: String,
}

/// The headers of the Sent Log's flow table, English and Korean (what
/// `render::contents_sentlog` writes and [`read_flow_log`] looks for).
pub const FLOW_LOG_HEADERS: [(&str, &str); 6] = [
    ("Sent", "발송일"),
    ("Flow", "자동발송"),
    ("Customer", "고객"),
    ("Trigger", "계기"),
    ("Channel", "채널"),
    ("Name", "이름"),
];

/// The flow rows of the workbook's Sent Log (발송기록) sheet, when dangol generated one.
///
/// An explicit exception to "generated sheets are never read as data": the Sent Log's flow
/// table is dangol's own record of the messages `today --apply` marked as sent, carried from
/// run to run inside the workbook (every rewrite of the sheet writes these rows back). Only
/// the table under the flow headers is read; a row that cannot be read is a warning naming
/// its cell (it is kept out of the never-twice check, so the owner sees it).
pub fn read_flow_log(input: &mut Input, out: &mut Dataset) -> Result<(), OpenError> {
    let Some(sheet) = out
        .generated_sheets
        .iter()
        .find(|g| g.as_str() == "Sent Log" || g.as_str() == "발송기록")
        .cloned()
    else {
        return Ok(());
    };
    let mut header: Option<[u32; 6]> = None;
    let mut done = false;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    input.for_each_row(&sheet, |r, cells| {
        if done {
            return false;
        }
        let texts: Vec<String> = cells
            .iter()
            .map(|c| c.display().trim().to_string())
            .collect();
        let Some(cols) = header else {
            let find = |i: usize| {
                let (en, ko) = FLOW_LOG_HEADERS[i];
                texts
                    .iter()
                    .position(|t| t == en || t == ko)
                    .map(|p| p as u32)
            };
            if texts.iter().any(|t| t == "Flow" || t == "자동발송")
                && let (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) =
                    (find(0), find(1), find(2), find(3), find(4), find(5))
            {
                header = Some([a, b, c, d, e, f]);
            }
            return true;
        };
        if cells.iter().all(Cell::is_blank) {
            done = true;
            return false;
        }
        let at = |i: usize| cells.get(cols[i] as usize);
        let txt = |i: usize| at(i).and_then(cells::text).unwrap_or_default();
        let sent = at(0).and_then(|c| cells::date(c, cells::DateHint::default()).ok());
        match sent {
            Some(d) if !txt(1).is_empty() && !txt(2).is_empty() => rows.push(FlowSent {
                sent: d.date(),
                flow: txt(1),
                customer: txt(2),
                trigger: txt(3),
                channel: txt(4),
                name: txt(5),
            }),
            _ => problems.push(Problem {
                severity: Severity::Warning,
                place: CellRef::new(sheet.clone(), r, cols[0]).to_string(),
                found: at(0).map(Cell::display).unwrap_or_default(),
                expected: "a sent day, a flow and a customer (a flow row of the Sent Log that \
                           dangol cannot read is not counted as sent)"
                    .into(),
            }),
        }
        true
    })?;
    out.flow_log = rows;
    out.problems.extend(problems);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_parse_in_every_spelling() {
        assert_eq!(Trigger::parse("first_order"), Some(Trigger::FirstOrder));
        assert_eq!(Trigger::parse(" nth_order:3 "), Some(Trigger::NthOrder(3)));
        assert_eq!(Trigger::parse("order+7d"), Some(Trigger::OrderPlus(7)));
        assert_eq!(Trigger::parse("order + 7"), Some(Trigger::OrderPlus(7)));
        assert_eq!(
            Trigger::parse("recency>=90"),
            Some(Trigger::RecencyAtLeast(90))
        );
        assert_eq!(Trigger::parse("생일"), Some(Trigger::Birthday));
        assert_eq!(
            Trigger::parse("quote_unanswered"),
            Some(Trigger::QuoteUnanswered)
        );
        assert_eq!(
            Trigger::parse("cart_abandoned"),
            Some(Trigger::CartAbandoned)
        );
        assert_eq!(Trigger::parse("nth_order:0"), None);
        assert_eq!(Trigger::parse("recency>=x"), None);
        assert_eq!(Trigger::parse("someday"), None);
        for t in [
            Trigger::FirstOrder,
            Trigger::NthOrder(2),
            Trigger::OrderPlus(7),
            Trigger::RecencyAtLeast(90),
            Trigger::Birthday,
        ] {
            assert_eq!(Trigger::parse(&t.code()), Some(t));
        }
    }

    #[test]
    fn stop_rules_parse_and_reject_others() {
        assert_eq!(
            parse_stops("ordered, replied"),
            Some(vec![StopRule::Ordered, StopRule::Replied])
        );
        assert_eq!(parse_stops("주문"), Some(vec![StopRule::Ordered]));
        assert_eq!(parse_stops("weather"), None);
    }
}
