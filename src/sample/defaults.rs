//! The Settings, Grades and Templates sheets' contents: every built-in default written out, so
//! an owner sees (and can edit) what dangol would otherwise assume.

use crate::model::{Currency, Lang};
use crate::settings::defs::{Builtin, DEFS, Starter};

/// A settings value as it is written into the sheet: numbers as numbers, lists as text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Int(i64),
}

/// One row of the Settings sheet: key | value | note.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SettingRow {
    pub key: &'static str,
    pub value: Value,
    pub note: &'static str,
}

/// Every setting the starter sheet holds ([`Starter`] in the one table of definitions), with
/// its default and description in `lang`; `shop_name`, `currency` and `funnel.stages` filled
/// for this shop, money cut points in `currency`.
pub(crate) fn settings_rows(lang: Lang, shop_name: &str, currency: Currency) -> Vec<SettingRow> {
    let (stages, _) = super::pools::stages(lang);
    DEFS.iter()
        .filter_map(|d| {
            let value = match (d.starter, d.default) {
                (Starter::No, _) => return None,
                (Starter::ShopName, _) => Value::Text(shop_name.to_string()),
                (Starter::Currency, _) => Value::Text(currency.code().to_string()),
                (Starter::Stages, _) => Value::Text(stages.join(", ")),
                (Starter::Default, Builtin::Int(n)) => Value::Int(n),
                (Starter::Default, other) => Value::Text(other.text(currency).to_string()),
            };
            Some(SettingRow {
                key: d.key,
                value,
                note: d.about(lang),
            })
        })
        .collect()
}

/// One row of the Grades sheet: kind | grade | rule | note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GradeRow {
    pub kind: &'static str,
    pub grade: &'static str,
    pub rule: &'static str,
    pub note: &'static str,
}

/// The SPEC §3 default grade rules, grade names in `lang`, amounts in `currency` (1,000,000
/// and 500,000 won; 1,000 and 500 in a two-decimal currency).
pub(crate) fn grade_rows(lang: Lang, currency: Currency) -> Vec<GradeRow> {
    let won = currency.decimals() == 0;
    let pick = |w: &'static str, two: &'static str| if won { w } else { two };
    let g = |kind, ko, en, rule, note_ko, note_en| GradeRow {
        kind,
        grade: lang.pick(ko, en),
        rule,
        note: lang.pick(note_ko, note_en),
    };
    vec![
        g(
            "vip",
            "VIP",
            "VIP",
            pick(
                "total >= 1000000 and orders >= 5",
                "total >= 1000 and orders >= 5",
            ),
            pick(
                "순매출 100만 이상이고 5회 이상 주문",
                "순매출 1,000 이상이고 5회 이상 주문",
            ),
            pick(
                "Net total 1,000,000+ and 5+ orders",
                "Net total 1,000+ and 5+ orders",
            ),
        ),
        g(
            "vip",
            "골드",
            "Gold",
            pick(
                "total >= 500000 or orders >= 3",
                "total >= 500 or orders >= 3",
            ),
            pick(
                "순매출 50만 이상 또는 3회 이상 주문",
                "순매출 500 이상 또는 3회 이상 주문",
            ),
            pick(
                "Net total 500,000+ or 3+ orders",
                "Net total 500+ or 3+ orders",
            ),
        ),
        g(
            "vip",
            "일반",
            "Standard",
            "orders >= 2",
            "2회 이상 주문",
            "2+ orders",
        ),
        g(
            "vip",
            "신규",
            "New",
            "orders >= 1",
            "첫 주문",
            "First order",
        ),
        g(
            "vip",
            "잠재",
            "Prospect",
            "true",
            "아직 주문 없음",
            "No orders yet",
        ),
        g(
            "responder",
            "단골",
            "Regular",
            "conversions >= 2",
            "견적이 2번 이상 주문으로 이어짐",
            "2+ quotes became orders",
        ),
        g(
            "responder",
            "관심고객",
            "Interested",
            "opens >= 1 or responses >= 1 or conversions >= 1",
            "견적을 열람했거나 응답함",
            "Opened or answered a quote",
        ),
        g(
            "responder",
            "대기",
            "Pending",
            "days_since_last_quote < 7",
            "최근 1주 안에 견적 발송",
            "Quoted within the last week",
        ),
        g(
            "responder",
            "미응답",
            "Unresponsive",
            "quotes >= 1",
            "견적에 반응 없음",
            "No reaction to quotes",
        ),
        g(
            "responder",
            "견적없음",
            "No quotes",
            "true",
            "받은 견적 없음",
            "Never quoted",
        ),
    ]
}

/// One row of the Templates sheet: grade | subject | body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TemplateRow {
    pub grade: &'static str,
    pub subject: &'static str,
    pub body: &'static str,
}

/// Reminder e-mail texts per responder grade and quote state (`열람`/`opened`, `미열람`/`not
/// opened`; SPEC §6). Each says only what the data shows: only an opened quote is thanked for
/// being read, and no text promises a price or a delivery the data knows nothing of.
pub(crate) fn template_rows(lang: Lang) -> Vec<TemplateRow> {
    match lang {
        Lang::Ko => vec![
            TemplateRow {
                grade: "단골 + 미열람",
                subject: "{name}님, 보내 드린 견적서({quote_id}) 확인 부탁드려요",
                body: "{name}님, 늘 {shop}을(를) 찾아 주셔서 감사합니다.\n\
                       {days}일 전에 보내 드린 견적서 {quote_id}({amount})를 아직 못 보셨다면 \
                       편하실 때 살펴봐 주세요.\n\n{shop} 드림",
            },
            TemplateRow {
                grade: "관심고객 + 열람",
                subject: "{name}님, 견적서 {quote_id} 관련 궁금한 점 있으신가요?",
                body: "{name}님, 안녕하세요. {shop}입니다.\n\
                       {days}일 전에 보내 드린 견적서 {quote_id}({amount})를 살펴봐 주셔서 감사합니다.\n\
                       수량이나 일정 조정이 필요하시면 이 메일에 답장 주세요.\n\n{shop} 드림",
            },
            TemplateRow {
                grade: "대기 + 미열람",
                subject: "{name}님, 견적서 {quote_id}가 잘 도착했는지 확인드립니다",
                body: "{name}님, 안녕하세요. {shop}입니다.\n\
                       {days}일 전에 견적서 {quote_id}({amount})를 보내 드렸습니다.\n\
                       메일이 보이지 않으면 스팸함도 확인 부탁드려요.\n\n{shop} 드림",
            },
            TemplateRow {
                grade: "미응답 + 미열람",
                subject: "{name}님, 견적서 {quote_id} 다시 보내 드립니다",
                body: "{name}님, 안녕하세요. {shop}입니다.\n\
                       {days}일 전에 보내 드린 견적서 {quote_id}({amount}) 관련해 다시 연락드립니다.\n\
                       필요 없으시면 편하게 말씀해 주세요. 더 연락드리지 않겠습니다.\n\n{shop} 드림",
            },
        ],
        Lang::En => vec![
            TemplateRow {
                grade: "Regular + not opened",
                subject: "{name}, a quick look at quote {quote_id}?",
                body: "Hello {name},\n\nThank you for shopping with {shop} again.\n\
                       We sent you quote {quote_id} ({amount}) {days} days ago; if you have not \
                       had a chance to look at it yet, it is still waiting for you.\n\n\
                       Best wishes,\n{shop}",
            },
            TemplateRow {
                grade: "Interested + opened",
                subject: "{name}, any questions about quote {quote_id}?",
                body: "Hello {name},\n\nThank you for looking at quote {quote_id} ({amount}), \
                       sent {days} days ago.\nIf you would like to change quantities or dates, \
                       just reply to this e-mail.\n\nBest wishes,\n{shop}",
            },
            TemplateRow {
                grade: "Pending + not opened",
                subject: "{name}, did quote {quote_id} arrive?",
                body: "Hello {name},\n\nWe sent you quote {quote_id} ({amount}) {days} days ago.\n\
                       If you cannot find it, please check your spam folder.\n\nBest wishes,\n{shop}",
            },
            TemplateRow {
                grade: "Unresponsive + not opened",
                subject: "{name}, following up on quote {quote_id}",
                body: "Hello {name},\n\nWe are following up on quote {quote_id} ({amount}), sent \
                       {days} days ago.\nIf you no longer need it, just say so and we will not \
                       write again.\n\nBest wishes,\n{shop}",
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_key_once() {
        let rows = settings_rows(Lang::En, "Corner Shop", Currency::Gbp);
        let keys: Vec<&str> = rows.iter().map(|r| r.key).collect();
        assert_eq!(
            keys,
            [
                "shop_name",
                "currency",
                "lang",
                "week_start",
                "date_order",
                "lookback_days",
                "cancel_words",
                "cancel_prefix",
                "backups",
                "rfm.method",
                "rfm.recency_days",
                "rfm.frequency",
                "rfm.monetary",
                "reminder.after_days",
                "reminder.max",
                "reminder.gap_days",
                "funnel.stages",
                "funnel.mode",
                "funnel.unit",
                "report.top_n",
            ]
        );
        let stages = rows
            .iter()
            .find(|r| r.key == "funnel.stages")
            .map(|r| r.value.clone());
        assert_eq!(
            stages,
            Some(Value::Text("Lead, Contacted, Quoted, Won".into()))
        );
    }

    #[test]
    fn grade_tables_end_with_true() {
        for lang in [Lang::Ko, Lang::En] {
            let rows = grade_rows(lang, Currency::Krw);
            assert_eq!(rows.len(), 10);
            for kind in ["vip", "responder"] {
                let last = rows.iter().rev().find(|r| r.kind == kind).map(|r| r.rule);
                assert_eq!(last, Some("true"));
            }
        }
        assert_eq!(grade_rows(Lang::Ko, Currency::Krw)[1].grade, "골드");
        assert_eq!(grade_rows(Lang::En, Currency::Gbp)[9].grade, "No quotes");
    }

    #[test]
    fn templates_use_every_placeholder() {
        for lang in [Lang::Ko, Lang::En] {
            for t in template_rows(lang) {
                for ph in ["{name}", "{quote_id}", "{days}", "{amount}", "{shop}"] {
                    assert!(
                        t.subject.contains(ph) || t.body.contains(ph),
                        "{} lacks {ph}",
                        t.grade
                    );
                }
            }
        }
    }
}

/// One row of the Flows sheet (SPEC §8): the default lifecycle messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FlowRow {
    pub flow: &'static str,
    pub trigger: &'static str,
    pub delay_days: i64,
    pub condition: &'static str,
    pub template: &'static str,
    pub marketing: bool,
    pub stop_if: &'static str,
    pub cooldown_days: i64,
}

/// The default flows: welcome on the first order, thanks for the 2nd and 3rd order the day
/// after, a review request 7 days after every order, a birthday note, and a win-back after 90
/// quiet days for a repeat customer (an advertisement: it needs consent).
pub(crate) fn flow_rows(lang: Lang) -> Vec<FlowRow> {
    let row =
        |flow, trigger, delay_days, condition, template, marketing, stop_if, cooldown_days| {
            FlowRow {
                flow,
                trigger,
                delay_days,
                condition,
                template,
                marketing,
                stop_if,
                cooldown_days,
            }
        };
    let names: [&str; 6] = match lang {
        Lang::Ko => [
            "환영",
            "두번째주문감사",
            "세번째주문감사",
            "후기요청",
            "생일축하",
            "재방문유도",
        ],
        Lang::En => [
            "welcome",
            "thanks_2nd",
            "thanks_3rd",
            "review",
            "birthday",
            "winback",
        ],
    };
    let stop = |en: &'static str, ko: &'static str| lang.pick(ko, en);
    vec![
        row(names[0], "first_order", 0, "", "welcome", false, "", 0),
        row(names[1], "nth_order:2", 1, "", "thanks_2nd", false, "", 2),
        row(names[2], "nth_order:3", 1, "", "thanks_3rd", false, "", 2),
        row(
            names[3],
            "order+7d",
            0,
            "",
            "review",
            false,
            stop("replied", "응답"),
            3,
        ),
        row(names[4], "birthday", 0, "", "birthday", false, "", 0),
        row(
            names[5],
            "recency>=90",
            0,
            "orders_all >= 2",
            "winback",
            true,
            stop("ordered", "주문"),
            14,
        ),
    ]
}
