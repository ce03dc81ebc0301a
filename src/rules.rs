//! The grade-rule language (SPEC §3 "Grade rules"): parse, evaluate, explain.
//!
//! Grammar (precedence `not` > `and` > `or`):
//!
//! ```text
//! rule       := or
//! or         := and (("or" | "||" | "또는") and)*
//! and        := not (("and" | "&&" | "그리고") not)*
//! not        := ("not" | "!" | "아님") not | primary
//! primary    := "(" or ")" | "true" | "false" | comparison
//! comparison := metric op number | number op metric
//! op         := ">=" | "≥" | ">" | "<=" | "≤" | "<" | "==" | "=" | "!=" | "≠" | "<>"
//! number     := digits with optional "_" or ","-grouping, optional ".fraction", optional "%"
//! ```
//!
//! A rule is at most [`MAX_RULE_CHARS`] characters and nests parentheses and `not` at most
//! [`MAX_DEPTH`] deep; beyond either it is an error, never a stack overflow.
//!
//! Keywords and metric names are case-insensitive. `10%` is 0.10: rates (`open_rate`,
//! `conversion_rate`) are fractions 0..1, so `open_rate >= 30%` and `open_rate >= 0.3` mean the
//! same; a rate compared with a plain number above 1 (`open_rate >= 30`) is an error rather than
//! a rule that can never hold. `total_rank_pct` is itself in percent (1 = top 1 %), so a `%`
//! literal compared with it keeps its number: `total_rank_pct <= 10%` is `total_rank_pct <= 10`.
//!
//! A metric with no value for a customer (`recency_days` with no orders) makes every comparison
//! with it false — including `!=` — so `not (recency_days < 30)` is *true* for a customer who
//! never ordered. Write `orders >= 1 and not (recency_days < 30)` to exclude them.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::model::{Currency, Lang};

/// The deepest nesting of parentheses and `not` a rule may have. Real rules use two or three
/// levels; the bound keeps the recursive parser and evaluator far from the stack's end.
pub const MAX_DEPTH: usize = 64;

/// The longest rule, in characters. A grade rule is a line or two; the bound keeps a pasted
/// megabyte from costing seconds and gigabytes (its reason is copied onto every customer).
pub const MAX_RULE_CHARS: usize = 2000;

/// A rule's text as error messages quote it: whole when short, else its first 60 characters
/// and `…` (a rejected 24 KB rule is not printed back in full).
pub fn excerpt(source: &str) -> String {
    const SHOWN: usize = 60;
    if source.chars().count() <= SHOWN {
        source.to_string()
    } else {
        let mut s: String = source.chars().take(SHOWN).collect();
        s.push('…');
        s
    }
}

/// A per-customer metric a rule can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    Orders,
    Total,
    AvgOrder,
    RecencyDays,
    TenureDays,
    OrdersAll,
    TotalAll,
    R,
    F,
    M,
    TotalRankPct,
    Quotes,
    Opens,
    Responses,
    Conversions,
    OpenRate,
    ConversionRate,
    DaysSinceLastQuote,
    Reminders,
    /// Customer value (SPEC §11): probability the customer is still active (0..1).
    PAlive,
    /// Customer value: orders expected in the next 365 days.
    ExpectedOrders365,
    /// Customer value: the 12-month value, discounted monthly.
    Clv,
}

impl Metric {
    /// Every metric, in SPEC order.
    pub const ALL: [Metric; 22] = [
        Metric::Orders,
        Metric::Total,
        Metric::AvgOrder,
        Metric::RecencyDays,
        Metric::TenureDays,
        Metric::OrdersAll,
        Metric::TotalAll,
        Metric::R,
        Metric::F,
        Metric::M,
        Metric::TotalRankPct,
        Metric::Quotes,
        Metric::Opens,
        Metric::Responses,
        Metric::Conversions,
        Metric::OpenRate,
        Metric::ConversionRate,
        Metric::DaysSinceLastQuote,
        Metric::Reminders,
        Metric::PAlive,
        Metric::ExpectedOrders365,
        Metric::Clv,
    ];

    /// The name used in rules (`days_since_last_quote`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Orders => "orders",
            Metric::Total => "total",
            Metric::AvgOrder => "avg_order",
            Metric::RecencyDays => "recency_days",
            Metric::TenureDays => "tenure_days",
            Metric::OrdersAll => "orders_all",
            Metric::TotalAll => "total_all",
            Metric::R => "r",
            Metric::F => "f",
            Metric::M => "m",
            Metric::TotalRankPct => "total_rank_pct",
            Metric::Quotes => "quotes",
            Metric::Opens => "opens",
            Metric::Responses => "responses",
            Metric::Conversions => "conversions",
            Metric::OpenRate => "open_rate",
            Metric::ConversionRate => "conversion_rate",
            Metric::DaysSinceLastQuote => "days_since_last_quote",
            Metric::Reminders => "reminders",
            Metric::PAlive => "p_alive",
            Metric::ExpectedOrders365 => "expected_orders_365",
            Metric::Clv => "clv",
        }
    }

    /// The Korean name, accepted in rules beside the English one and used in Korean reasons
    /// (`합계 1,250,000원 ≥ 1,000,000원`). One name per metric, from SPEC §3's list.
    pub fn korean_name(self) -> &'static str {
        match self {
            Metric::Orders => "주문",
            Metric::Total => "합계",
            Metric::AvgOrder => "평균주문",
            Metric::RecencyDays => "최근구매",
            Metric::TenureDays => "거래기간",
            Metric::OrdersAll => "전체주문",
            Metric::TotalAll => "전체합계",
            Metric::R => "R점수",
            Metric::F => "F점수",
            Metric::M => "M점수",
            Metric::TotalRankPct => "합계순위",
            Metric::Quotes => "견적",
            Metric::Opens => "열람",
            Metric::Responses => "응답",
            Metric::Conversions => "전환",
            Metric::OpenRate => "열람률",
            Metric::ConversionRate => "전환율",
            Metric::DaysSinceLastQuote => "최근견적",
            Metric::Reminders => "리마인드",
            Metric::PAlive => "활동확률",
            Metric::ExpectedOrders365 => "예상주문",
            Metric::Clv => "고객가치",
        }
    }

    /// The unit Korean reasons write after a value (`7회`, `30일`); money and rates have
    /// their own forms (`1,250,000원`, `30%`).
    fn korean_unit(self) -> &'static str {
        match self {
            Metric::Orders
            | Metric::OrdersAll
            | Metric::Opens
            | Metric::Responses
            | Metric::Conversions
            | Metric::Reminders
            | Metric::ExpectedOrders365 => "회",
            Metric::Quotes => "건",
            Metric::RecencyDays | Metric::TenureDays | Metric::DaysSinceLastQuote => "일",
            Metric::R | Metric::F | Metric::M => "점",
            Metric::TotalRankPct => "%",
            Metric::Total
            | Metric::AvgOrder
            | Metric::TotalAll
            | Metric::Clv
            | Metric::OpenRate
            | Metric::ConversionRate
            | Metric::PAlive => "",
        }
    }

    /// Whether the metric is an amount of money.
    pub fn is_money(self) -> bool {
        matches!(
            self,
            Metric::Total | Metric::AvgOrder | Metric::TotalAll | Metric::Clv
        )
    }

    /// The metric named `name`: its English name (case-insensitive) or its Korean name.
    pub fn from_name(name: &str) -> Option<Metric> {
        let lower = name.to_lowercase();
        Metric::ALL
            .into_iter()
            .find(|m| m.name() == lower || m.korean_name().to_lowercase() == lower)
    }

    /// Whether the metric is a fraction 0..1 (shown as a percent).
    pub fn is_rate(self) -> bool {
        matches!(
            self,
            Metric::OpenRate | Metric::ConversionRate | Metric::PAlive
        )
    }
}

/// Values of the metrics for one customer. `None` = no value (every comparison is false).
pub trait Metrics {
    /// The value of `m`, in its own unit (rates as fractions 0..1, days, money, counts).
    fn metric(&self, m: Metric) -> Option<Decimal>;
    /// The customer groups the customer is in (for `group == "도매"`); none by default.
    fn groups(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A parse error, with the byte offset in the rule text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// What is wrong, in the catalogue's words (shown in the workbook's language).
    pub message: crate::i18n::Text,
    pub offset: usize,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for RuleError {}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Ne,
}

impl CmpOp {
    fn holds(self, left: Decimal, right: Decimal) -> bool {
        match self {
            CmpOp::Ge => left >= right,
            CmpOp::Gt => left > right,
            CmpOp::Le => left <= right,
            CmpOp::Lt => left < right,
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
        }
    }
    /// How reasons show the operator.
    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Ge => "≥",
            CmpOp::Gt => ">",
            CmpOp::Le => "≤",
            CmpOp::Lt => "<",
            CmpOp::Eq => "=",
            CmpOp::Ne => "≠",
        }
    }
}

/// The parsed form of a rule.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Const(bool),
    Cmp {
        metric: Metric,
        op: CmpOp,
        /// The literal in the metric's own unit (rates as fractions).
        value: Decimal,
        /// `total >= 5` (true) or `5 <= total` (false): reasons keep the order as written.
        metric_left: bool,
    },
    /// `group == "도매"` (or `!=` when `negate`).
    Group {
        name: String,
        negate: bool,
    },
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl Expr {
    fn eval(&self, m: &dyn Metrics) -> bool {
        match self {
            Expr::Const(b) => *b,
            Expr::Cmp {
                metric,
                op,
                value,
                metric_left,
            } => match m.metric(*metric) {
                None => false,
                Some(v) if *metric_left => op.holds(v, *value),
                Some(v) => op.holds(*value, v),
            },
            Expr::Group { name, negate } => m.groups().iter().any(|g| g == name) != *negate,
            Expr::Not(e) => !e.eval(m),
            Expr::And(es) => es.iter().all(|e| e.eval(m)),
            Expr::Or(es) => es.iter().any(|e| e.eval(m)),
        }
    }

    /// Binding strength, for deciding where reasons need parentheses.
    fn level(&self) -> u8 {
        match self {
            Expr::Or(_) => 0,
            Expr::And(_) => 1,
            Expr::Not(_) => 2,
            Expr::Const(_) | Expr::Cmp { .. } | Expr::Group { .. } => 3,
        }
    }

    fn render(&self, m: &dyn Metrics, style: Style, out: &mut String) {
        let lang = style.lang;
        match self {
            Expr::Const(b) => out.push_str(match (b, lang) {
                (true, Lang::En) => "always",
                (true, Lang::Ko) => "항상",
                (false, Lang::En) => "never",
                (false, Lang::Ko) => "해당 없음",
            }),
            Expr::Cmp {
                metric,
                op,
                value,
                metric_left,
            } => {
                let show = |v: Decimal| match lang {
                    Lang::En => show_value(*metric, v),
                    Lang::Ko => show_value_ko(*metric, v, style.currency),
                };
                let shown = m.metric(*metric).map_or_else(|| "–".to_string(), show);
                let lit = show(*value);
                let name = lang.pick(metric.korean_name(), metric.name());
                if *metric_left {
                    let _ = write!(out, "{name} {shown} {} {lit}", op.symbol());
                } else {
                    let _ = write!(out, "{lit} {} {name} {shown}", op.symbol());
                }
            }
            Expr::Group { name, negate } => {
                let _ = write!(
                    out,
                    "{} {} \"{name}\"",
                    lang.pick("그룹", "group"),
                    if *negate { "≠" } else { "=" }
                );
            }
            Expr::Not(e) => {
                out.push_str(lang.pick("아님 ", "not "));
                // Bracket everything but a constant: `not orders 3 ≥ 1` misreads.
                e.render_child(m, style, out, !matches!(**e, Expr::Const(_)));
            }
            Expr::And(es) | Expr::Or(es) => {
                let (word, level) = if matches!(self, Expr::And(_)) {
                    (lang.pick(" 그리고 ", " and "), 1)
                } else {
                    (lang.pick(" 또는 ", " or "), 0)
                };
                for (i, e) in es.iter().enumerate() {
                    if i > 0 {
                        out.push_str(word);
                    }
                    e.render_child(m, style, out, e.level() <= level);
                }
            }
        }
    }

    /// The part of the expression that decides its value `value` for `m` (which must be
    /// `self.eval(m)`): an `and` that holds or an `or` that fails needs every clause; an `and`
    /// that fails or an `or` that holds needs only the clauses with that value; `not` flips
    /// what its operand must show. The result evaluates to the same `value`, so a reason made
    /// from it never shows a false comparison as if it held.
    fn decisive(&self, m: &dyn Metrics, value: bool) -> Expr {
        match self {
            Expr::Const(_) | Expr::Cmp { .. } | Expr::Group { .. } => self.clone(),
            Expr::Not(e) => Expr::Not(Box::new(e.decisive(m, !value))),
            Expr::And(es) | Expr::Or(es) => {
                let is_and = matches!(self, Expr::And(_));
                let mut kept: Vec<Expr> = es
                    .iter()
                    .filter(|e| is_and == value || e.eval(m) == value)
                    .map(|e| e.decisive(m, value))
                    .collect();
                if kept.len() == 1 {
                    kept.remove(0)
                } else if is_and {
                    Expr::And(kept)
                } else {
                    Expr::Or(kept)
                }
            }
        }
    }

    fn render_child(&self, m: &dyn Metrics, style: Style, out: &mut String, bracket: bool) {
        if bracket {
            out.push('(');
            self.render(m, style, out);
            out.push(')');
        } else {
            self.render(m, style, out);
        }
    }
}

/// A metric value or literal as reasons show it: rates as percent, other numbers grouped.
fn show_value(metric: Metric, v: Decimal) -> String {
    if metric.is_rate() {
        format!(
            "{}%",
            crate::model::values::format_number((v * Decimal::ONE_HUNDRED).round_dp(1))
        )
    } else {
        crate::model::values::format_number(v)
    }
}

/// A metric value or literal as Korean reasons show it: with its unit (`7회`, `30일`), money
/// as `1,250,000원` (other currencies with their sign), rates as percent.
fn show_value_ko(metric: Metric, v: Decimal, currency: Currency) -> String {
    if metric.is_money() {
        crate::i18n::money(Lang::Ko, v, currency)
    } else if metric.is_rate() {
        show_value(metric, v)
    } else {
        let mut s = crate::model::values::format_number(v);
        s.push_str(metric.korean_unit());
        s
    }
}

/// How a reason is written: the language, and the shop's currency for money in Korean text.
#[derive(Debug, Clone, Copy)]
struct Style {
    lang: Lang,
    currency: Currency,
}

/// A parsed rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    source: String,
    expr: Expr,
}

impl Rule {
    /// Parse rule text (`total >= 1_000_000 and orders >= 5`).
    pub fn parse(source: &str) -> Result<Rule, RuleError> {
        // Nesting first: a deeply nested rule is told what is wrong with it, however long.
        let mut depth = 0usize;
        for (i, c) in source.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            if depth > MAX_DEPTH {
                return Err(RuleError {
                    message: crate::text!(RuleTooDeep, max = MAX_DEPTH),
                    offset: i,
                });
            }
        }
        let chars = source.chars().count();
        if chars > MAX_RULE_CHARS {
            return Err(RuleError {
                message: crate::text!(RuleTooLong, chars = chars, max = MAX_RULE_CHARS),
                offset: 0,
            });
        }
        let tokens = lex(source)?;
        if tokens.is_empty() {
            return Err(RuleError {
                message: crate::text!(RuleEmpty),
                offset: 0,
            });
        }
        let mut p = Parser {
            tokens: &tokens,
            pos: 0,
            end: source.len(),
            depth: 0,
        };
        let expr = p.or()?;
        if let Some(t) = p.peek() {
            let message = if t.kind == Tok::RParen {
                crate::text!(RuleUnexpectedParen)
            } else {
                crate::text!(RuleUnexpected, found = t.text)
            };
            return Err(RuleError {
                message,
                offset: t.offset,
            });
        }
        Ok(Rule {
            source: source.to_string(),
            expr,
        })
    }
    /// The text as written.
    pub fn source(&self) -> &str {
        &self.source
    }
    /// Whether the rule is the constant `true`.
    pub fn is_true(&self) -> bool {
        self.expr == Expr::Const(true)
    }
    /// Evaluate for one customer.
    pub fn eval(&self, m: &dyn Metrics) -> bool {
        self.expr.eval(m)
    }
    /// The rule with the customer's numbers: `total 1,250,000 ≥ 1,000,000 and orders 7 ≥ 5`.
    pub fn reason(&self, m: &dyn Metrics) -> String {
        self.reason_in(m, Lang::En)
    }
    /// The reason in `lang`, money in won: [`Rule::reason_with`] for KRW.
    pub fn reason_in(&self, m: &dyn Metrics, lang: Lang) -> String {
        self.reason_with(m, lang, Currency::Krw)
    }
    /// The reason in `lang`. English: `total 1,250,000 ≥ 1,000,000 and orders 7 ≥ 5`; Korean
    /// uses the Korean metric names, units and keywords: `합계 1,250,000원 ≥ 1,000,000원
    /// 그리고 주문 7회 ≥ 5회` (`또는`, `아님`, `항상`).
    ///
    /// Only the clauses that decided the result are shown (SPEC §3): for `or`, the clauses that
    /// held; for `and`, all of them; under `not`, the clauses that failed.
    pub fn reason_with(&self, m: &dyn Metrics, lang: Lang, currency: Currency) -> String {
        let mut out = String::new();
        self.expr
            .decisive(m, self.expr.eval(m))
            .render(m, Style { lang, currency }, &mut out);
        out
    }
    /// Whether the rule compares `group` (`group == "도매"`).
    pub fn uses_group(&self) -> bool {
        fn walk(e: &Expr) -> bool {
            match e {
                Expr::Group { .. } => true,
                Expr::Not(e) => walk(e),
                Expr::And(es) | Expr::Or(es) => es.iter().any(walk),
                Expr::Const(_) | Expr::Cmp { .. } => false,
            }
        }
        walk(&self.expr)
    }
    /// The metrics the rule names, in order of first appearance.
    pub fn metrics(&self) -> Vec<Metric> {
        fn walk(e: &Expr, out: &mut Vec<Metric>) {
            match e {
                Expr::Const(_) | Expr::Group { .. } => {}
                Expr::Cmp { metric, .. } => {
                    if !out.contains(metric) {
                        out.push(*metric);
                    }
                }
                Expr::Not(e) => walk(e, out),
                Expr::And(es) | Expr::Or(es) => es.iter().for_each(|e| walk(e, out)),
            }
        }
        let mut out = Vec::new();
        walk(&self.expr, &mut out);
        out
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.source)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident,
    /// Quoted text (`"도매"`), for `group == "도매"`.
    Str,
    Number {
        value: Decimal,
        percent: bool,
    },
    Op(CmpOp),
    And,
    Or,
    Not,
    Const(bool),
    LParen,
    RParen,
}

#[derive(Debug, Clone)]
struct Token<'a> {
    kind: Tok,
    text: &'a str,
    offset: usize,
}

fn lex(src: &str) -> Result<Vec<Token<'_>>, RuleError> {
    let mut out = Vec::new();
    let mut it = src.char_indices().peekable();
    while let Some(&(start, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        let next = src[start + c.len_utf8()..].chars().next();
        let one = |kind| (kind, c.len_utf8());
        let (kind, len) = match (c, next) {
            ('(', _) => one(Tok::LParen),
            (')', _) => one(Tok::RParen),
            ('>', Some('=')) => (Tok::Op(CmpOp::Ge), 2),
            ('<', Some('=')) => (Tok::Op(CmpOp::Le), 2),
            ('<', Some('>')) | ('!', Some('=')) => (Tok::Op(CmpOp::Ne), 2),
            ('=', Some('=')) => (Tok::Op(CmpOp::Eq), 2),
            ('&', Some('&')) => (Tok::And, 2),
            ('|', Some('|')) => (Tok::Or, 2),
            ('>', _) => one(Tok::Op(CmpOp::Gt)),
            ('<', _) => one(Tok::Op(CmpOp::Lt)),
            ('=', _) => one(Tok::Op(CmpOp::Eq)),
            ('≥', _) => one(Tok::Op(CmpOp::Ge)),
            ('≤', _) => one(Tok::Op(CmpOp::Le)),
            ('≠', _) => one(Tok::Op(CmpOp::Ne)),
            ('!', _) => one(Tok::Not),
            ('"' | '“' | '”', _) => {
                let body = start + c.len_utf8();
                let close = src[body..]
                    .char_indices()
                    .find(|&(_, ch)| matches!(ch, '"' | '“' | '”'))
                    .ok_or_else(|| RuleError {
                        message: crate::text!(RuleUnterminated),
                        offset: start,
                    })?;
                (Tok::Str, c.len_utf8() + close.0 + close.1.len_utf8())
            }
            _ if c.is_ascii_digit()
                || (c == '-' || c == '.') && next.is_some_and(|n| n.is_ascii_digit()) =>
            {
                let len = src[start..]
                    .char_indices()
                    .skip(1)
                    .find(|&(_, ch)| !(ch.is_alphanumeric() || matches!(ch, '_' | ',' | '.' | '%')))
                    .map_or(src.len() - start, |(i, _)| i);
                let text = &src[start..start + len];
                let kind = parse_number(text).ok_or_else(|| RuleError {
                    message: crate::text!(RuleBadNumber, text = text),
                    offset: start,
                })?;
                (kind, len)
            }
            _ if c.is_alphabetic() || c == '_' => {
                let len = src[start..]
                    .char_indices()
                    .find(|&(_, ch)| !(ch.is_alphanumeric() || ch == '_'))
                    .map_or(src.len() - start, |(i, _)| i);
                let word = &src[start..start + len];
                let kind = match word.to_lowercase().as_str() {
                    "and" | "그리고" => Tok::And,
                    "or" | "또는" => Tok::Or,
                    "not" | "아님" => Tok::Not,
                    "true" => Tok::Const(true),
                    "false" => Tok::Const(false),
                    _ => Tok::Ident,
                };
                (kind, len)
            }
            _ => {
                return Err(RuleError {
                    message: crate::text!(RuleBadChar, ch = c),
                    offset: start,
                });
            }
        };
        out.push(Token {
            kind,
            text: &src[start..start + len],
            offset: start,
        });
        while it.peek().is_some_and(|&(i, _)| i < start + len) {
            it.next();
        }
    }
    Ok(out)
}

/// Korean number words a literal may end in: `50만` is 500,000, `1억` 100,000,000.
const KOREAN_MULTIPLIERS: &[(&str, i64)] = &[
    ("천만", 10_000_000),
    ("백만", 1_000_000),
    ("십만", 100_000),
    ("만", 10_000),
    ("천", 1_000),
    ("억", 100_000_000),
];

/// Units a literal may carry (`50만원`, `3회`, `30일`): read and ignored, the metric gives the
/// unit.
const KOREAN_UNITS: &[&str] = &["원", "회", "건", "번", "일", "개", "명", "점"];

/// `1000000`, `1_000_000`, `1,000,000`, `12.5`, `-3`, `10%`, and Korean forms: `50만`,
/// `1억`, `50만원`, `3회`, `30일`. `None` for anything else (`1,0.0`, `1__0`, `10k`).
fn parse_number(text: &str) -> Option<Tok> {
    let mut body = text;
    if let Some(unit) = KOREAN_UNITS.iter().find(|u| body.ends_with(*u)) {
        body = &body[..body.len() - unit.len()];
    }
    if let Some((word, times)) = KOREAN_MULTIPLIERS.iter().find(|(w, _)| body.ends_with(w)) {
        let Some(Tok::Number {
            value,
            percent: false,
        }) = parse_plain_number(&body[..body.len() - word.len()])
        else {
            return None;
        };
        return Some(Tok::Number {
            value: value.checked_mul(Decimal::from(*times))?,
            percent: false,
        });
    }
    parse_plain_number(body)
}

fn parse_plain_number(text: &str) -> Option<Tok> {
    let (body, percent) = match text.strip_suffix('%') {
        Some(b) => (b, true),
        None => (text, false),
    };
    let (neg, body) = body.strip_prefix('-').map_or((false, body), |b| (true, b));
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let digits_ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // `_` between digits anywhere in the integer part, as in Rust.
    let underscored = |s: &str| s.split('_').all(digits_ok);
    // `,` only as strict thousands grouping: `1,000` but not `1,0` or `10,00`.
    let grouped = |s: &str| {
        let mut parts = s.split(',');
        let first = parts.next().unwrap_or_default();
        digits_ok(first) && first.len() <= 3 && parts.all(|p| digits_ok(p) && p.len() == 3)
    };
    let int_ok = if int.is_empty() {
        frac.is_some()
    } else if int.contains(',') {
        !int.contains('_') && grouped(int)
    } else {
        underscored(int)
    };
    if !int_ok || frac.is_some_and(|f| !digits_ok(f)) {
        return None;
    }
    let mut plain: String = int.chars().filter(char::is_ascii_digit).collect();
    if plain.is_empty() {
        plain.push('0');
    }
    if let Some(f) = frac {
        plain.push('.');
        plain.push_str(f);
    }
    let mut value: Decimal = plain.parse().ok()?;
    if neg {
        value = -value;
    }
    Some(Tok::Number { value, percent })
}

struct Parser<'t, 'a> {
    tokens: &'t [Token<'a>],
    pos: usize,
    /// Byte length of the source: the offset of errors at the end of the rule.
    end: usize,
    /// Open parentheses and `not`s around the current position (bounded by [`MAX_DEPTH`]).
    depth: usize,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.tokens.get(self.pos)
    }
    fn bump(&mut self) -> Option<Token<'a>> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.offset)
    }
    /// `message` with what stands where something else was expected: `'x'`, or the end of
    /// the rule.
    fn found(&self, message: crate::i18n::Text) -> crate::i18n::Text {
        found(message, self.peek().map(|t| t.text))
    }

    fn or(&mut self) -> Result<Expr, RuleError> {
        let mut items = vec![self.and()?];
        while self.peek().is_some_and(|t| t.kind == Tok::Or) {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, RuleError> {
        let mut items = vec![self.not()?];
        while self.peek().is_some_and(|t| t.kind == Tok::And) {
            self.pos += 1;
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    /// Enter one level of nesting (a `(` or a `not`), refusing to go deeper than
    /// [`MAX_DEPTH`]: parsing, evaluating and explaining are recursive, and a rule nested
    /// thousands deep (it fits in one cell) would otherwise overflow the stack.
    fn deeper(&mut self) -> Result<(), RuleError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(RuleError {
                message: crate::text!(RuleTooDeep, max = MAX_DEPTH),
                offset: self.peek().map_or(self.end, |t| t.offset),
            });
        }
        Ok(())
    }

    fn not(&mut self) -> Result<Expr, RuleError> {
        if self.peek().is_some_and(|t| t.kind == Tok::Not) {
            self.deeper()?;
            self.pos += 1;
            let e = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, RuleError> {
        let Some(t) = self.peek().cloned() else {
            return Err(RuleError {
                message: found(crate::text!(RuleExpectedCondition), None),
                offset: self.end,
            });
        };
        match t.kind {
            Tok::LParen => {
                self.deeper()?;
                self.pos += 1;
                let e = self.or()?;
                self.depth -= 1;
                match self.peek() {
                    Some(Token {
                        kind: Tok::RParen, ..
                    }) => {
                        self.pos += 1;
                        Ok(e)
                    }
                    _ => Err(RuleError {
                        message: crate::text!(RuleMissingParen),
                        offset: self.here(),
                    }),
                }
            }
            Tok::Const(b) => {
                self.pos += 1;
                Ok(Expr::Const(b))
            }
            Tok::Ident | Tok::Number { .. } => self.comparison(),
            Tok::RParen => Err(RuleError {
                message: crate::text!(RuleUnexpectedParen),
                offset: t.offset,
            }),
            _ => Err(RuleError {
                message: found(crate::text!(RuleExpectedCondition), Some(t.text)),
                offset: t.offset,
            }),
        }
    }

    /// `group == "도매"` / `group != "도매"`.
    fn group_comparison(
        &mut self,
        op: CmpOp,
        op_text: &str,
        second: &Token<'_>,
    ) -> Result<Expr, RuleError> {
        if second.kind != Tok::Str {
            return Err(RuleError {
                message: crate::text!(
                    RuleGroupName,
                    op = op_text,
                    example = "group == \"도매\"",
                    found = second.text
                ),
                offset: second.offset,
            });
        }
        let negate = match op {
            CmpOp::Eq => false,
            CmpOp::Ne => true,
            _ => {
                return Err(RuleError {
                    message: crate::text!(RuleGroupOp, op = op_text),
                    offset: second.offset,
                });
            }
        };
        self.pos += 1;
        let t = second.text;
        let name = t
            .char_indices()
            .nth(1)
            .map_or("", |(i, _)| &t[i..])
            .trim_end_matches(['"', '“', '”'])
            .trim()
            .to_string();
        Ok(Expr::Group { name, negate })
    }

    fn comparison(&mut self) -> Result<Expr, RuleError> {
        let first = self.bump().ok_or_else(|| RuleError {
            message: crate::text!(RuleEmpty),
            offset: 0,
        })?;
        let op = match self.peek() {
            Some(Token {
                kind: Tok::Op(op), ..
            }) => *op,
            _ => {
                return Err(RuleError {
                    message: self.found(crate::text!(RuleExpectedComparison, first = first.text)),
                    offset: self.here(),
                });
            }
        };
        let op_text = self.bump().map(|t| t.text).unwrap_or_default();
        let Some(second) = self.peek().cloned() else {
            return Err(RuleError {
                message: found(crate::text!(RuleExpectedNumber, op = op_text), None),
                offset: self.end,
            });
        };
        if first.kind == Tok::Ident
            && (first.text.eq_ignore_ascii_case("group") || first.text == "그룹")
        {
            return self.group_comparison(op, op_text, &second);
        }
        let (metric_tok, number_tok, metric_left) = match (&first.kind, &second.kind) {
            (Tok::Ident, Tok::Number { .. }) => (&first, &second, true),
            (Tok::Number { .. }, Tok::Ident) => (&second, &first, false),
            (Tok::Ident, _) => {
                // Validate the metric first: a typo is the more useful message.
                metric_named(&first)?;
                return Err(RuleError {
                    message: found(
                        crate::text!(RuleExpectedNumber, op = op_text),
                        Some(second.text),
                    ),
                    offset: second.offset,
                });
            }
            _ => {
                return Err(RuleError {
                    message: crate::text!(RuleExpectedMetric, op = op_text, found = second.text),
                    offset: second.offset,
                });
            }
        };
        self.pos += 1;
        let metric = metric_named(metric_tok)?;
        let Tok::Number { value, percent } = number_tok.kind else {
            unreachable!("matched as a number above")
        };
        let value = match (metric, percent) {
            // Already a percent: `10%` means 10.
            (Metric::TotalRankPct, true) => value,
            (_, true) => value / Decimal::ONE_HUNDRED,
            (m, false) if m.is_rate() && value > Decimal::ONE => {
                return Err(RuleError {
                    message: crate::text!(
                        RuleFraction,
                        metric = m.name(),
                        text = number_tok.text,
                        fraction = (value / Decimal::ONE_HUNDRED).normalize()
                    ),
                    offset: number_tok.offset,
                });
            }
            (_, false) => value,
        };
        Ok(Expr::Cmp {
            metric,
            op,
            value,
            metric_left,
        })
    }
}

/// `message` with its `found` argument: the token quoted, or the end of the rule.
fn found(message: crate::i18n::Text, token: Option<&str>) -> crate::i18n::Text {
    match token {
        Some(t) => message.arg("found", format!("'{t}'")),
        None => message.text("found", crate::text!(RuleEnd)),
    }
}

/// The metric an identifier names, or the error with the closest suggestion.
fn metric_named(t: &Token<'_>) -> Result<Metric, RuleError> {
    if let Some(m) = Metric::from_name(t.text) {
        return Ok(m);
    }
    let message = if let Some(m) = suggest_korean(t.text) {
        crate::text!(RuleUnknownMetricHint, name = t.text, hint = m.korean_name())
    } else if let Some(m) = suggest(t.text) {
        crate::text!(RuleUnknownMetricHint, name = t.text, hint = m.name())
    } else {
        let all: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        crate::text!(RuleUnknownMetric, name = t.text, all = all.join(", "))
    };
    Err(RuleError {
        message,
        offset: t.offset,
    })
}

/// The Korean metric a Korean word most likely means: one that starts with it (`최근` →
/// `최근구매`) or shares all but one of its syllables in place (`함계` → `합계`).
fn suggest_korean(text: &str) -> Option<Metric> {
    if !crate::i18n::has_hangul(text) {
        return None;
    }
    let word: Vec<char> = text.chars().collect();
    let prefix = Metric::ALL
        .into_iter()
        .find(|m| m.korean_name().starts_with(text));
    prefix.or_else(|| {
        Metric::ALL.into_iter().find(|m| {
            let name: Vec<char> = m.korean_name().chars().collect();
            name.len() == word.len()
                && name.len() > 1
                && name.iter().zip(&word).filter(|(a, b)| a != b).count() == 1
        })
    })
}

/// The closest metric name: by edit distance (adjacent swaps count as one edit), close enough
/// when at most 1 edit per 3 letters (at least 1, at most 2), or when the text is a prefix of
/// the name (`recency` → `recency_days`). Ties go to the earlier metric in SPEC order.
fn suggest(text: &str) -> Option<Metric> {
    let lower = text.to_lowercase();
    let n = lower.chars().count();
    let limit = (n / 3).clamp(1, 2);
    let best = Metric::ALL
        .into_iter()
        .map(|m| (osa_distance(&lower, m.name()), m))
        .min_by_key(|&(d, _)| d)?;
    if best.0 <= limit {
        return Some(best.1);
    }
    if n >= 3 {
        return Metric::ALL
            .into_iter()
            .find(|m| m.name().starts_with(&lower));
    }
    None
}

// Optimal-string-alignment distance (Damerau–Levenshtein without repeated edits of a
// substring): `strsim`'s, already in the build through clap.
use strsim::osa_distance;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct M(HashMap<Metric, Decimal>);

    impl Metrics for M {
        fn metric(&self, m: Metric) -> Option<Decimal> {
            self.0.get(&m).copied()
        }
    }

    fn m(pairs: &[(Metric, i64)]) -> M {
        M(pairs.iter().map(|&(k, v)| (k, Decimal::from(v))).collect())
    }

    fn err(src: &str) -> (String, usize) {
        let e = Rule::parse(src).expect_err(src);
        (e.message.render(Lang::En), e.offset)
    }

    fn holds(src: &str, metrics: &M) -> bool {
        Rule::parse(src).expect(src).eval(metrics)
    }

    #[test]
    fn default_rules_parse_and_evaluate() {
        let c = m(&[(Metric::Total, 1_250_000), (Metric::Orders, 7)]);
        let r = Rule::parse("total >= 1000000 and orders >= 5").unwrap();
        assert!(r.eval(&c));
        assert_eq!(r.reason(&c), "total 1,250,000 ≥ 1,000,000 and orders 7 ≥ 5");
        assert_eq!(r.source(), "total >= 1000000 and orders >= 5");
        assert!(!r.is_true());
        assert!(!holds("total >= 1000000 and orders >= 8", &c));
        assert!(holds("total >= 2000000 or orders >= 3", &c));
    }

    #[test]
    fn number_forms() {
        let c = m(&[(Metric::Total, 1_000_000)]);
        for src in [
            "total == 1000000",
            "total == 1_000_000",
            "total == 1,000,000",
            "total = 1000000",
            "total == 1000000.00",
            "total == 100_0000",
        ] {
            assert!(holds(src, &c), "{src}");
        }
        let t = M([(Metric::Total, Decimal::new(125, 1))].into());
        assert!(holds("total == 12.5", &t));
        assert!(holds("total > .5", &t));
        assert!(holds("total > -3", &t));
        assert!(holds("total <= 1250%", &t));
    }

    #[test]
    fn every_comparison_operator() {
        let c = m(&[(Metric::Orders, 5)]);
        let cases = [
            ("orders >= 5", true),
            ("orders ≥ 5", true),
            ("orders > 5", false),
            ("orders > 4", true),
            ("orders <= 5", true),
            ("orders ≤ 4", false),
            ("orders < 6", true),
            ("orders < 5", false),
            ("orders == 5", true),
            ("orders = 5", true),
            ("orders != 5", false),
            ("orders ≠ 4", true),
            ("orders <> 4", true),
        ];
        for (src, want) in cases {
            assert_eq!(holds(src, &c), want, "{src}");
        }
    }

    #[test]
    fn number_on_the_left() {
        let c = m(&[(Metric::Total, 1_250_000)]);
        let r = Rule::parse("1000 <= total").unwrap();
        assert!(r.eval(&c));
        assert_eq!(r.reason(&c), "1,000 ≤ total 1,250,000");
        assert!(!holds("2000000 < total", &c));
        assert!(holds("2000000 > total", &c));
    }

    #[test]
    fn boolean_operators_and_their_spellings() {
        let c = m(&[(Metric::Orders, 2), (Metric::Quotes, 0)]);
        for src in [
            "orders >= 1 and quotes >= 0",
            "orders >= 1 && quotes >= 0",
            "orders >= 1 그리고 quotes >= 0",
            "orders >= 1 AND quotes >= 0",
            "orders >= 9 or quotes == 0",
            "orders >= 9 || quotes == 0",
            "orders >= 9 또는 quotes == 0",
            "not orders >= 9",
            "!orders >= 9",
            "! (orders >= 9)",
            "아님 orders >= 9",
            "NOT NOT orders >= 1",
            "true",
            "TRUE",
            "not false",
        ] {
            assert!(holds(src, &c), "{src}");
        }
        assert!(!holds("false", &c));
        assert!(Rule::parse("true").unwrap().is_true());
        assert!(Rule::parse(" True ").unwrap().is_true());
        assert!(!Rule::parse("not false").unwrap().is_true());
    }

    #[test]
    fn precedence_not_over_and_over_or() {
        let c = m(&[(Metric::Orders, 1)]);
        // or binds loosest: (true) or (false and false)
        assert!(holds("orders == 1 or orders == 2 and orders == 3", &c));
        // parentheses change it: (true or false) and false
        assert!(!holds("(orders == 1 or orders == 2) and orders == 3", &c));
        // not binds tighter than and: (not false) and true
        assert!(holds("not orders == 2 and orders == 1", &c));
        assert!(!holds("not (orders == 1 and orders == 1)", &c));
    }

    #[test]
    fn missing_value_makes_comparisons_false_and_not_true() {
        let c = m(&[(Metric::Orders, 0)]);
        for src in [
            "recency_days < 30",
            "recency_days >= 0",
            "recency_days == 0",
            "recency_days != 0",
            "0 <= recency_days",
        ] {
            assert!(!holds(src, &c), "{src}");
        }
        let r = Rule::parse("not recency_days < 30").unwrap();
        assert!(r.eval(&c));
        assert_eq!(r.reason(&c), "not (recency_days – < 30)");
    }

    #[test]
    fn rates_are_fractions_and_render_as_percent() {
        let c = M([(Metric::OpenRate, Decimal::new(5, 1))].into());
        let r = Rule::parse("open_rate >= 30%").unwrap();
        assert!(r.eval(&c));
        assert_eq!(r.reason(&c), "open_rate 50% ≥ 30%");
        assert!(holds("open_rate >= 0.3", &c));
        assert!(holds("open_rate == 50%", &c));
        assert!(!holds("open_rate > 50%", &c));
        let third = M([(Metric::ConversionRate, Decimal::ONE / Decimal::from(3))].into());
        assert_eq!(
            Rule::parse("conversion_rate < 1").unwrap().reason(&third),
            "conversion_rate 33.3% < 100%"
        );
    }

    #[test]
    fn total_rank_pct_percent_literal_keeps_its_number() {
        let c = m(&[(Metric::TotalRankPct, 7)]);
        assert!(holds("total_rank_pct <= 10%", &c));
        assert!(holds("total_rank_pct <= 10", &c));
        assert!(!holds("total_rank_pct <= 5%", &c));
    }

    #[test]
    fn reasons_render_structure() {
        let c = m(&[
            (Metric::Orders, 2),
            (Metric::Opens, 0),
            (Metric::Responses, 1),
        ]);
        let r = Rule::parse("(opens >= 1 or responses >= 1) and not orders > 3").unwrap();
        // Only the clauses that decided the grade (SPEC §3): `opens 0 ≥ 1` did not.
        assert_eq!(r.reason(&c), "responses 1 ≥ 1 and not (orders 2 > 3)");
        assert_eq!(
            r.reason_in(&c, Lang::Ko),
            "응답 1회 ≥ 1회 그리고 아님 (주문 2회 > 3회)"
        );
        let t = Rule::parse("true").unwrap();
        assert_eq!(t.reason(&c), "always");
        assert_eq!(t.reason_in(&c, Lang::Ko), "항상");
        assert_eq!(Rule::parse("false").unwrap().reason(&c), "never");
        let nested =
            Rule::parse("orders >= 1 or (opens >= 1 and (responses >= 1 or orders >= 9))").unwrap();
        assert_eq!(nested.reason(&c), "orders 2 ≥ 1");
        let both =
            Rule::parse("orders >= 1 or (responses >= 1 and (opens >= 1 or orders >= 2))").unwrap();
        assert_eq!(
            both.reason(&c),
            "orders 2 ≥ 1 or responses 1 ≥ 1 and orders 2 ≥ 2"
        );
        let neg = M([(Metric::Total, Decimal::new(-12_345_675, 1))].into());
        assert_eq!(
            Rule::parse("total < 0").unwrap().reason(&neg),
            "total -1,234,567.5 < 0"
        );
    }

    #[test]
    fn reasons_show_only_what_decided_the_grade() {
        // The issue's Gold customer: the total clause is false and must not be shown.
        let gold = m(&[(Metric::Total, 433_000), (Metric::Orders, 3)]);
        let r = Rule::parse("total >= 500000 or orders >= 3").unwrap();
        assert_eq!(r.reason(&gold), "orders 3 ≥ 3");
        assert_eq!(r.reason_in(&gold, Lang::Ko), "주문 3회 ≥ 3회");
        // Interested by an open: `conversions 0 ≥ 1` is not a reason.
        let c = m(&[
            (Metric::Opens, 2),
            (Metric::Responses, 0),
            (Metric::Conversions, 0),
        ]);
        let r = Rule::parse("opens >= 1 or responses >= 1 or conversions >= 1").unwrap();
        assert_eq!(r.reason(&c), "opens 2 ≥ 1");
        let all = m(&[
            (Metric::Opens, 2),
            (Metric::Responses, 1),
            (Metric::Conversions, 0),
        ]);
        assert_eq!(r.reason(&all), "opens 2 ≥ 1 or responses 1 ≥ 1");
        // Under `not`: the clauses that failed.
        let c = m(&[(Metric::Orders, 2), (Metric::Total, 500)]);
        let r = Rule::parse("not (orders >= 5 and total >= 100)").unwrap();
        assert_eq!(r.reason(&c), "not (orders 2 ≥ 5)");
        let r = Rule::parse("not (orders >= 5 or total >= 1000)").unwrap();
        assert_eq!(r.reason(&c), "not (orders 2 ≥ 5 or total 500 ≥ 1,000)");
        let r = Rule::parse("not not (orders >= 5 or total >= 100)").unwrap();
        assert_eq!(r.reason(&c), "not (not (total 500 ≥ 100))");
    }

    /// Every node of the decisive part has the value its parent needs: no comparison is shown
    /// as holding when it does not (or as failing under a `not` when it holds).
    #[test]
    fn decisive_parts_are_truthful_for_every_combination() {
        fn truthful(e: &Expr, m: &dyn Metrics, want: bool) -> bool {
            e.eval(m) == want
                && match e {
                    Expr::Const(_) | Expr::Cmp { .. } | Expr::Group { .. } => true,
                    Expr::Not(x) => truthful(x, m, !want),
                    Expr::And(es) | Expr::Or(es) => es.iter().all(|x| truthful(x, m, want)),
                }
        }
        let rules = [
            "total >= 1000000 and orders >= 5",
            "total >= 500000 or orders >= 3",
            "opens >= 1 or responses >= 1 or conversions >= 1",
            "not (orders >= 2 and total >= 3) or opens >= 1",
            "(orders >= 1 or opens >= 2) and not (total >= 2 or responses >= 1)",
            "not not (orders >= 1 or not opens >= 1) and (total >= 1 or true)",
        ];
        for src in rules {
            let r = Rule::parse(src).unwrap();
            for bits in 0..64u32 {
                let v = |b: u32| i64::from((bits >> b) & 1) * 3;
                let c = m(&[
                    (Metric::Orders, v(0)),
                    (Metric::Total, v(1) * 1_000_000),
                    (Metric::Opens, v(2)),
                    (Metric::Responses, v(3)),
                    (Metric::Conversions, v(4)),
                ]);
                let want = r.eval(&c);
                let d = r.expr.decisive(&c, want);
                assert!(truthful(&d, &c, want), "{src} with {bits:b}: {d:?}");
            }
        }
    }

    #[test]
    fn nesting_is_bounded_with_a_clear_error() {
        let nest = |n: usize| format!("{}orders >= 1{}", "(".repeat(n), ")".repeat(n));
        assert!(Rule::parse(&nest(MAX_DEPTH)).is_ok());
        assert_eq!(
            err(&nest(MAX_DEPTH + 1)),
            (
                "the rule nests parentheses or 'not' more than 64 deep".into(),
                64
            )
        );
        // The attack: ~12,000 levels in 24 KB (fits in one cell) fails fast, no stack overflow.
        let (msg, _) = err(&nest(1000));
        assert_eq!(msg, "the rule nests parentheses or 'not' more than 64 deep");
        let nots = format!("{}orders >= 1", "not ".repeat(MAX_DEPTH + 1));
        assert_eq!(
            err(&nots).0,
            "the rule nests parentheses or 'not' more than 64 deep"
        );
        assert!(Rule::parse(&format!("{}orders >= 1", "not ".repeat(MAX_DEPTH))).is_ok());
    }

    #[test]
    fn length_is_bounded_with_a_clear_error() {
        let long = format!("orders >= 1{}", " or orders >= 1".repeat(200));
        assert!(long.len() > MAX_RULE_CHARS);
        assert_eq!(
            err(&long),
            (
                format!(
                    "the rule is {} characters long; a rule may have at most 2000",
                    long.len()
                ),
                0
            )
        );
        let fits = format!("orders >= 1{}", " or orders >= 1".repeat(100));
        assert!(Rule::parse(&fits).is_ok());
    }

    #[test]
    fn metrics_named() {
        let r = Rule::parse("opens >= 1 or responses >= 1 or opens >= 3").unwrap();
        assert_eq!(r.metrics(), vec![Metric::Opens, Metric::Responses]);
        assert!(Rule::parse("TOTAL >= 1").is_ok());
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
            assert!(Rule::parse(&format!("{} >= 0", m.name())).is_ok());
        }
    }

    #[test]
    fn unknown_metric_suggests_the_closest() {
        assert_eq!(
            err("totl >= 5"),
            ("unknown metric 'totl'; did you mean 'total'?".into(), 0)
        );
        assert_eq!(
            err("orders >= 1 and ordres >= 2"),
            ("unknown metric 'ordres'; did you mean 'orders'?".into(), 16)
        );
        assert_eq!(
            err("5 < recency"),
            (
                "unknown metric 'recency'; did you mean 'recency_days'?".into(),
                4
            )
        );
        assert_eq!(
            err("open_rat >= 10%"),
            (
                "unknown metric 'open_rat'; did you mean 'open_rate'?".into(),
                0
            )
        );
        let (msg, off) = err("xyz > 1");
        assert_eq!(off, 0);
        assert_eq!(
            msg,
            "unknown metric 'xyz'; metrics are: orders, total, avg_order, recency_days, tenure_days, \
             orders_all, total_all, r, f, m, total_rank_pct, quotes, opens, responses, conversions, \
             open_rate, conversion_rate, days_since_last_quote, reminders, p_alive, \
             expected_orders_365, clv"
        );
    }

    #[test]
    fn bad_numbers() {
        assert_eq!(err("total >= 1,0.0"), ("bad number '1,0.0'".into(), 9));
        assert_eq!(err("total >= 10k"), ("bad number '10k'".into(), 9));
        assert_eq!(err("total >= 1__0"), ("bad number '1__0'".into(), 9));
        assert_eq!(err("total >= 1.2.3"), ("bad number '1.2.3'".into(), 9));
        assert_eq!(err("total >= 10,00"), ("bad number '10,00'".into(), 9));
        assert_eq!(err("total >= 5%%"), ("bad number '5%%'".into(), 9));
        assert_eq!(
            err("total >= 1_000,000"),
            ("bad number '1_000,000'".into(), 9)
        );
    }

    #[test]
    fn unbalanced_parentheses() {
        assert_eq!(err("(orders >= 1"), ("missing ')'".into(), 12));
        assert_eq!(err("((orders >= 1) or true"), ("missing ')'".into(), 22));
        assert_eq!(err("(orders >= 1 true)"), ("missing ')'".into(), 13));
        assert_eq!(err("orders >= 1)"), ("unexpected ')'".into(), 11));
        assert_eq!(err(")"), ("unexpected ')'".into(), 0));
        assert_eq!(err("()"), ("unexpected ')'".into(), 1));
    }

    #[test]
    fn empty_and_trailing_input_and_malformed() {
        assert_eq!(err(""), ("empty rule".into(), 0));
        assert_eq!(err("   "), ("empty rule".into(), 0));
        assert_eq!(
            err("orders >= 1 orders >= 2"),
            (
                "unexpected 'orders'; expected 'and', 'or' or the end of the rule".into(),
                12
            )
        );
        assert_eq!(
            err("1 < orders < 5"),
            (
                "unexpected '<'; expected 'and', 'or' or the end of the rule".into(),
                11
            )
        );
        assert_eq!(
            err("orders"),
            ("expected a comparison (>=, >, <=, <, ==, !=) after 'orders', found the end of the rule".into(), 6)
        );
        assert_eq!(
            err("orders and true"),
            (
                "expected a comparison (>=, >, <=, <, ==, !=) after 'orders', found 'and'".into(),
                7
            )
        );
        assert_eq!(
            err("orders >="),
            (
                "expected a number after '>=', found the end of the rule".into(),
                9
            )
        );
        assert_eq!(
            err("orders >= total"),
            ("expected a number after '>=', found 'total'".into(), 10)
        );
        assert_eq!(
            err("ordrs >= total"),
            ("unknown metric 'ordrs'; did you mean 'orders'?".into(), 0)
        );
        assert_eq!(
            err("5 >= 3"),
            ("expected a metric after '>=', found '3'".into(), 5)
        );
        assert_eq!(err(">= 3"), ("expected a condition, found '>='".into(), 0));
        assert_eq!(
            err("orders >= 1 and"),
            ("expected a condition, found the end of the rule".into(), 15)
        );
        assert_eq!(
            err("not"),
            ("expected a condition, found the end of the rule".into(), 3)
        );
        assert_eq!(
            err("orders >= 1 & quotes >= 1"),
            ("unexpected character '&'".into(), 12)
        );
        assert_eq!(err("orders ≥ 1 @"), ("unexpected character '@'".into(), 13));
        assert_eq!(
            err("open_rate >= 30"),
            (
                "open_rate is a fraction between 0 and 1; write '30%' or '0.3'".into(),
                13
            )
        );
    }

    #[test]
    fn edit_distance() {
        assert_eq!(osa_distance("totl", "total"), 1);
        assert_eq!(osa_distance("ordres", "orders"), 1);
        assert_eq!(osa_distance("", "abc"), 3);
        assert_eq!(osa_distance("abc", "abc"), 0);
        assert_eq!(osa_distance("ca", "abc"), 3);
    }

    #[test]
    fn number_grouping() {
        assert_eq!(
            crate::model::values::format_number(Decimal::from(1_250_000)),
            "1,250,000"
        );
        assert_eq!(
            crate::model::values::format_number(Decimal::from(999)),
            "999"
        );
        assert_eq!(
            crate::model::values::format_number(Decimal::new(12_50, 2)),
            "12.5"
        );
        assert_eq!(
            crate::model::values::format_number(Decimal::from(-1000)),
            "-1,000"
        );
        assert_eq!(crate::model::values::format_number(Decimal::ZERO), "0");
    }

    #[test]
    fn korean_metric_names_and_won_shorthands() {
        let r = Rule::parse("합계 >= 50만 그리고 주문 >= 3").unwrap();
        assert_eq!(
            r,
            Rule {
                source: r.source.clone(),
                ..Rule::parse("total >= 500000 and orders >= 3").unwrap()
            }
        );
        for (korean, english) in [
            ("최근구매 <= 30", "recency_days <= 30"),
            ("합계 >= 1억", "total >= 100000000"),
            ("합계 >= 120만원", "total >= 1200000"),
            ("합계 >= 1,000,000원", "total >= 1000000"),
            ("전체합계 >= 5천만", "total_all >= 50000000"),
            ("주문 >= 3회", "orders >= 3"),
            ("최근견적 < 7일", "days_since_last_quote < 7"),
            ("열람률 >= 30%", "open_rate >= 0.3"),
            ("그룹 == \"도매\"", "group == \"도매\""),
        ] {
            let k = Rule::parse(korean).unwrap_or_else(|e| panic!("{korean}: {e}"));
            let e = Rule::parse(english).unwrap();
            assert_eq!(k.expr, e.expr, "{korean}");
        }
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.korean_name()), Some(m));
        }
        assert_eq!(
            err("함계 >= 50만").0,
            "unknown metric '함계'; did you mean '합계'?"
        );
        assert_eq!(
            err("최근 <= 30").0,
            "unknown metric '최근'; did you mean '최근구매'?"
        );
        assert!(Rule::parse("total >= 10k").is_err());
        assert!(Rule::parse("total >= 50만%").is_err());
    }

    #[test]
    fn korean_reasons_use_korean_names_and_units() {
        let r = Rule::parse("total >= 1000000 and orders >= 5").unwrap();
        let c = m(&[(Metric::Total, 1_250_000), (Metric::Orders, 7)]);
        assert_eq!(
            r.reason_in(&c, Lang::Ko),
            "합계 1,250,000원 ≥ 1,000,000원 그리고 주문 7회 ≥ 5회"
        );
        // English stays as it was.
        assert_eq!(
            r.reason_in(&c, Lang::En),
            "total 1,250,000 ≥ 1,000,000 and orders 7 ≥ 5"
        );
        assert_eq!(
            r.reason_with(&c, Lang::Ko, Currency::Gbp),
            "합계 £1,250,000.00 ≥ £1,000,000.00 그리고 주문 7회 ≥ 5회"
        );
        let q = Rule::parse("days_since_last_quote < 7 or open_rate >= 50%").unwrap();
        let c = m(&[(Metric::DaysSinceLastQuote, 3)]);
        assert_eq!(q.reason_in(&c, Lang::Ko), "최근견적 3일 < 7일");
        struct In;
        impl Metrics for In {
            fn metric(&self, _: Metric) -> Option<Decimal> {
                None
            }
            fn groups(&self) -> Vec<String> {
                vec!["도매".into()]
            }
        }
        let g = Rule::parse("group == \"도매\"").unwrap();
        assert_eq!(g.reason_in(&In, Lang::Ko), "그룹 = \"도매\"");
    }
}
