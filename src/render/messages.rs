//! The text of `dangol today`'s lifecycle messages (SPEC §8): the built-in templates in both
//! languages, the Templates sheet's rows by flow and VIP grade, `{name}`-style placeholders
//! filled from the message's facts, the `(광고)` mark and opt-out line of marketing messages,
//! and the `.eml` drafts of the due e-mail messages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::bail;
use chrono::NaiveDate;

use crate::analysis::flows::{Message, money_text};
use crate::ingest::TemplateRow;
use crate::ingest::flows::Channel;
use crate::model::{Currency, Lang};
use crate::render::eml::{self, Draft};
use crate::settings::Settings;

/// What message texts are made with.
pub struct TextContext<'a> {
    shop: String,
    pub currency: Currency,
    pub lang: Lang,
    templates: &'a [TemplateRow],
}

impl<'a> TextContext<'a> {
    /// The shop's name (`dangol` when the setting is blank), the workbook's currency and
    /// language, and its Templates sheet.
    pub fn new(
        settings: &Settings,
        currency: Currency,
        lang: Lang,
        templates: &'a [TemplateRow],
    ) -> Self {
        TextContext {
            shop: shop_name(settings),
            currency,
            lang,
            templates,
        }
    }
}

fn shop_name(s: &Settings) -> String {
    let s = s.shop_name.trim();
    if s.is_empty() {
        "dangol".into()
    } else {
        s.to_string()
    }
}

/// The (subject, body) of every message, in order; the first template error stops.
pub fn message_texts(
    messages: &[&Message],
    ctx: &TextContext<'_>,
) -> anyhow::Result<Vec<(String, String)>> {
    messages.iter().map(|m| message_text(m, ctx)).collect()
}

/// The built-in (subject, body) of a template, by name; the reminder text for unknown names.
fn builtin(template: &str, lang: Lang) -> (&'static str, &'static str) {
    let t = template.trim().to_lowercase();
    let key = match t.as_str() {
        "welcome" | "환영" => "welcome",
        "thanks_2nd" | "thanks2" | "두번째주문감사" => "thanks_2nd",
        "thanks_3rd" | "thanks3" | "세번째주문감사" => "thanks_3rd",
        "review" | "review_request" | "후기요청" => "review",
        "winback" | "win_back" | "재방문" => "winback",
        "birthday" | "생일" => "birthday",
        "cart" | "cart_abandoned" | "장바구니" => "cart",
        _ => "reminder",
    };
    match (key, lang) {
        ("welcome", Lang::Ko) => (
            "[{shop}] 첫 주문 감사합니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n첫 주문({amount}) 감사드립니다. 받아보시고 궁금한 점이 있으면 이 메일에 회신해 주세요.",
        ),
        ("welcome", Lang::En) => (
            "[{shop}] Thank you for your first order",
            "Dear {name},\n\nThank you for your first order ({amount}) with {shop}. If you have any questions about it, just reply to this e-mail.",
        ),
        ("thanks_2nd", Lang::Ko) => (
            "[{shop}] 다시 찾아주셔서 감사합니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n두 번째 주문({amount})에 감사드립니다. 다시 찾아주셔서 정말 기쁩니다.",
        ),
        ("thanks_2nd", Lang::En) => (
            "[{shop}] Thank you for coming back",
            "Dear {name},\n\nThank you for your second order ({amount}). We are glad to see you again.",
        ),
        ("thanks_3rd", Lang::Ko) => (
            "[{shop}] 세 번째 주문 감사합니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n세 번째 주문({amount})까지 이어 주셔서 감사합니다. 이제 저희 단골이십니다.",
        ),
        ("thanks_3rd", Lang::En) => (
            "[{shop}] Thank you for your third order",
            "Dear {name},\n\nThank you for your third order ({amount}). It is a pleasure to have you as a regular.",
        ),
        ("review", Lang::Ko) => (
            "[{shop}] 받아보신 상품은 어떠셨나요?",
            "{name}님, 안녕하세요. {shop}입니다.\n\n{days}일 전에 주문하신 상품({amount})은 잘 받아보셨나요? 짧은 후기를 남겨 주시면 큰 힘이 됩니다.",
        ),
        ("review", Lang::En) => (
            "[{shop}] How was your order?",
            "Dear {name},\n\nYour order of {days} days ago ({amount}) should have arrived by now. A short review would help us a lot.",
        ),
        ("winback", Lang::Ko) => (
            "[{shop}] 오랜만에 인사드립니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n마지막 주문 후 {days}일이 지났습니다. 새로 들어온 상품도 구경하러 들러 주세요.",
        ),
        ("winback", Lang::En) => (
            "[{shop}] We miss you",
            "Dear {name},\n\nIt has been {days} days since your last order. Come and see what is new at {shop}.",
        ),
        ("birthday", Lang::Ko) => (
            "[{shop}] 생일 축하드립니다",
            "{name}님, 생일 축하드립니다!\n\n{shop}가 즐거운 하루를 기원합니다.",
        ),
        ("birthday", Lang::En) => (
            "[{shop}] Happy birthday",
            "Dear {name},\n\nHappy birthday from all of us at {shop}!",
        ),
        ("cart", Lang::Ko) => (
            "[{shop}] 장바구니에 담아두신 상품이 있습니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n장바구니에 담아두신 상품({amount})이 아직 기다리고 있습니다. 결제를 마치지 못하셨다면 이어서 진행해 주세요.",
        ),
        ("cart", Lang::En) => (
            "[{shop}] You left something in your cart",
            "Dear {name},\n\nThe items in your cart ({amount}) are still waiting for you. If checkout did not go through, you can pick up where you left off.",
        ),
        (_, Lang::Ko) => (
            "[{shop}] 보내드린 견적서 {quote_id} 확인 부탁드립니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n{days}일 전에 견적서({quote_id})를 보내드렸는데 받아보셨는지 여쭙습니다. 궁금하신 점이 있으면 회신해 주세요.",
        ),
        (_, Lang::En) => (
            "[{shop}] Following up on quote {quote_id}",
            "Dear {name},\n\nWe sent you a quote {days} days ago ({quote_id}) and wanted to make sure it reached you. Just reply with any questions.",
        ),
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The placeholders of a message: `{name}` `{shop}` `{amount}` `{days}` `{quote_id}`
/// `{cart_id}` `{reason}` (Korean aliases `{이름}` `{상호}` `{금액}` `{경과일}` `{견적번호}`).
fn values(m: &Message, ctx: &TextContext<'_>) -> BTreeMap<&'static str, String> {
    use crate::analysis::flows::Fact;
    let mut v = BTreeMap::new();
    v.insert("name", m.name.clone());
    v.insert("shop", ctx.shop.clone());
    v.insert("reason", m.reason(ctx.lang, ctx.currency));
    let money = |d| money_text(d, ctx.currency, ctx.lang);
    let (amount, days, quote, cart) = match &m.fact {
        Fact::Order { amount, .. } => (money(*amount), 0, "", ""),
        Fact::AfterOrder { days, amount, .. } => (money(*amount), i64::from(*days), "", ""),
        Fact::Quiet { days, .. } => (String::new(), i64::from(*days), "", ""),
        Fact::Birthday { .. } => (String::new(), 0, "", ""),
        Fact::Quote { id, days, .. } => (String::new(), *days, id.as_str(), ""),
        Fact::Cart { id, total, .. } => (money(*total), 0, "", id.as_str()),
    };
    v.insert("amount", amount);
    v.insert("days", days.to_string());
    v.insert("quote_id", quote.to_string());
    v.insert("cart_id", cart.to_string());
    v
}

fn placeholder(name: &str) -> Option<&'static str> {
    Some(match name {
        "name" | "이름" | "고객명" => "name",
        "shop" | "상호" => "shop",
        "amount" | "금액" => "amount",
        "days" | "경과일" => "days",
        "quote_id" | "견적번호" => "quote_id",
        "cart_id" | "장바구니번호" => "cart_id",
        "reason" | "사유" => "reason",
        _ => return None,
    })
}

/// Fill `{name}`-style placeholders; an unknown one is an error naming `place`.
fn fill(text: &str, place: &str, v: &BTreeMap<&'static str, String>) -> anyhow::Result<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        if let Some(t) = tail.strip_prefix('{') {
            out.push('{');
            rest = t;
            continue;
        }
        let Some(j) = tail.find('}') else {
            bail!("{place}: a placeholder without its closing brace: {{{tail}");
        };
        let name = tail[..j].trim().to_lowercase();
        let Some(key) = placeholder(&name) else {
            bail!(
                "{place}: unknown placeholder {{{name}}}; flow templates know {{name}}, {{shop}}, \
                 {{amount}}, {{days}}, {{quote_id}}, {{cart_id}} and {{reason}}"
            );
        };
        out.push_str(v.get(key).map_or("", String::as_str));
        rest = &tail[j + 1..];
    }
    out.push_str(&rest.replace("}}", "}"));
    Ok(out)
}

/// The (subject, body) of a message: the Templates sheet's row whose grade cell is
/// `TEMPLATE:GRADE` (the customer's VIP grade) or `TEMPLATE`, else the built-in text (VIP
/// customers get a line of their own). Marketing messages get `(광고)` before the subject and
/// the opt-out line after the body.
pub fn message_text(m: &Message, ctx: &TextContext<'_>) -> anyhow::Result<(String, String)> {
    let v = values(m, ctx);
    let t = norm(&m.template);
    let grades: Vec<String> = m
        .vip_grade
        .iter()
        .flat_map(|(en, ko)| [norm(en), norm(ko)])
        .collect();
    let sheet = ctx
        .templates
        .iter()
        .find(|r| {
            let g = norm(&r.grade);
            g.split_once(':')
                .is_some_and(|(a, b)| a == t && grades.iter().any(|x| x == b))
        })
        .or_else(|| ctx.templates.iter().find(|r| norm(&r.grade) == t));
    let (mut subject, mut body) = if let Some(r) = sheet {
        (
            fill(&r.subject, &r.subject_cell.to_string(), &v)?,
            fill(&r.body, &r.body_cell.to_string(), &v)?,
        )
    } else {
        {
            let (s, b) = builtin(&m.template, ctx.lang);
            let mut body = fill(b, "built-in template", &v)?;
            if m.vip_grade.as_ref().is_some_and(|(en, _)| en == "VIP") {
                body.push_str(ctx.lang.pick(
                    "\n늘 아껴 주시는 VIP 고객님께 특별히 감사드립니다.",
                    "\nAs one of our VIP customers, thank you especially.",
                ));
            }
            let sign = match ctx.lang {
                Lang::Ko => format!("\n\n감사합니다.\n{} 드림", ctx.shop),
                Lang::En => format!("\n\nBest regards,\n{}", ctx.shop),
            };
            body.push_str(&sign);
            (fill(s, "built-in template", &v)?, body)
        }
    };
    if m.marketing {
        subject = format!("(광고) {subject}");
        body.push_str(ctx.lang.pick(
            "\n\n수신을 원하지 않으시면 이 메일에 '수신거부'라고 회신해 주세요. (무료 수신거부)",
            "\n\nTo stop these messages, reply 'unsubscribe' to this e-mail.",
        ));
    }
    Ok((subject, body))
}

/// The `.eml` drafts of the due e-mail messages with a usable address, each with its path in
/// `dir` (not written here: `render::output::write_output` writes them).
pub fn eml_files(
    due: &[&Message],
    texts: &[(String, String)],
    settings: &Settings,
    as_of: NaiveDate,
    dir: &Path,
) -> Vec<(PathBuf, Vec<u8>)> {
    let from = settings.shop_email.trim();
    let mut out = Vec::new();
    for (m, (subject, body)) in due.iter().zip(texts) {
        if m.channel != Channel::Email {
            continue;
        }
        let Some(to) = m
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| eml::usable_email(e))
        else {
            continue;
        };
        let d = Draft {
            customer: m.customer.clone(),
            name: m.name.clone(),
            to: Some(to.to_string()),
            bad_email: None,
            phone: m.phone.clone(),
            quote_id: None,
            days: 0,
            amount: String::new(),
            vip_grade: m.vip_grade.clone().map(|g| g.0).unwrap_or_default(),
            responder_grade: String::new(),
            subject: subject.clone(),
            body: body.clone(),
            template: m.template.clone(),
            from: (!from.is_empty()).then(|| from.to_string()),
            from_name: settings.shop_name.trim().to_string(),
        };
        if let Some(bytes) = eml::eml(&d, as_of) {
            let name = format!(
                "{}-{}",
                crate::render::safe::sanitize_file_name(&m.flow),
                eml::eml_file_name(out.len(), &d)
            );
            out.push((dir.join(name), bytes));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in_both_languages_and_an_unknown_one_is_named() {
        let mut v = BTreeMap::new();
        v.insert("name", "Ann".to_string());
        v.insert("amount", "₩98,000".to_string());
        assert_eq!(
            fill("{name} {이름} {{ {금액}", "T!B2", &v).unwrap(),
            "Ann Ann { ₩98,000"
        );
        let e = fill("{nme}", "T!B2", &v).unwrap_err().to_string();
        assert!(e.starts_with("T!B2: unknown placeholder {nme}"), "{e}");
        let e = fill("{name", "T!B2", &v).unwrap_err().to_string();
        assert!(e.contains("without its closing brace"), "{e}");
    }

    #[test]
    fn unknown_templates_get_the_quote_reminder_text() {
        assert_eq!(builtin("환영", Lang::Ko), builtin("welcome", Lang::Ko));
        assert!(builtin("nope", Lang::En).0.contains("{quote_id}"));
    }
}
