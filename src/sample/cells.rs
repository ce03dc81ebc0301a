//! How generated values are spelled: headers, ids, and the "messy but valid" text forms of
//! dates and money that real shop sheets hold.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::model::Lang;

/// Sheet names per language, in workbook order.
pub(crate) struct SheetNames {
    pub sales: &'static str,
    pub quotes: &'static str,
    pub customers: &'static str,
    pub pipeline: &'static str,
    pub settings: &'static str,
    pub grades: &'static str,
    pub templates: &'static str,
    pub flows: &'static str,
}

pub(crate) fn sheet_names(lang: Lang) -> SheetNames {
    match lang {
        Lang::Ko => SheetNames {
            sales: "판매",
            quotes: "견적",
            customers: "고객",
            pipeline: "파이프라인",
            settings: "설정",
            grades: "등급기준",
            templates: "템플릿",
            flows: "자동발송규칙",
        },
        Lang::En => SheetNames {
            sales: "Sales",
            quotes: "Quotes",
            customers: "Customers",
            pipeline: "Pipeline",
            settings: "Settings",
            grades: "Grades",
            templates: "Templates",
            flows: "Flows",
        },
    }
}

/// Sales columns (SPEC §2 aliases).
pub(crate) fn sales_headers(lang: Lang) -> [&'static str; 11] {
    match lang {
        Lang::Ko => [
            "주문일자",
            "주문번호",
            "고객명",
            "이메일",
            "연락처",
            "상품명",
            "수량",
            "단가",
            "금액",
            "주문상태",
            "유입경로",
        ],
        Lang::En => [
            "Order Date",
            "Order ID",
            "Customer",
            "Email",
            "Phone",
            "Product",
            "Quantity",
            "Unit Price",
            "Amount",
            "Status",
            "Channel",
        ],
    }
}

/// Column of the sales date and amount (where bad cells go).
pub(crate) const SALES_DATE_COL: u16 = 0;
pub(crate) const SALES_AMOUNT_COL: u16 = 8;

pub(crate) fn quote_headers(lang: Lang) -> [&'static str; 14] {
    match lang {
        Lang::Ko => [
            "견적번호",
            "고객명",
            "이메일",
            "연락처",
            "발송일",
            "열람",
            "열람횟수",
            "응답",
            "전환",
            "주문번호",
            "견적금액",
            "유입경로",
            "리마인드일",
            "리마인드횟수",
        ],
        Lang::En => [
            "Quote ID",
            "Customer",
            "Email",
            "Phone",
            "Sent",
            "Opened",
            "Opens",
            "Responded",
            "Converted",
            "Order ID",
            "Quote Amount",
            "Channel",
            "Reminded At",
            "Reminders",
        ],
    }
}

pub(crate) fn customer_headers(lang: Lang) -> [&'static str; 9] {
    match lang {
        Lang::Ko => [
            "고객명",
            "이메일",
            "연락처",
            "고객그룹",
            "가입일",
            "수신거부",
            "메모",
            "생일",
            "수신동의",
        ],
        Lang::En => [
            "Customer", "Email", "Phone", "Group", "Joined", "Opt-out", "Note", "Birthday",
            "Consent",
        ],
    }
}

/// Whether customer `index` agreed to marketing messages: most did; every seventh did not,
/// nor did anyone who opted out.
pub(crate) fn consent(index: usize, opt_out: bool) -> bool {
    !opt_out && index % 7 != 4
}

/// Flows sheet columns (SPEC §8).
pub(crate) fn flow_headers(lang: Lang) -> [&'static str; 10] {
    match lang {
        Lang::Ko => [
            "자동발송",
            "트리거",
            "지연일",
            "조건",
            "템플릿",
            "채널",
            "광고",
            "중단조건",
            "발송간격",
            "적용시작일",
        ],
        Lang::En => [
            "Flow",
            "Trigger",
            "Delay days",
            "Condition",
            "Template",
            "Channel",
            "Marketing",
            "Stop if",
            "Cooldown days",
            "Go live",
        ],
    }
}

/// A sample customer's birthday: every third customer has one (the first a few days before
/// the data's last day, so the sample has a birthday to send).
pub(crate) fn birthday(index: usize, end: NaiveDate) -> Option<NaiveDate> {
    if index == 0 {
        let d = end - chrono::Days::new(2);
        return NaiveDate::from_ymd_opt(1985, d.month(), d.day().min(28));
    }
    if !index.is_multiple_of(3) {
        return None;
    }
    let year = 1960 + (index * 7 % 40) as i32;
    let month = (index % 12) as u32 + 1;
    let day = (index * 11 % 28) as u32 + 1;
    NaiveDate::from_ymd_opt(year, month, day)
}

pub(crate) fn pipeline_headers(lang: Lang) -> [&'static str; 7] {
    match lang {
        Lang::Ko => [
            "거래ID",
            "고객명",
            "단계",
            "날짜",
            "금액",
            "담당자",
            "유입경로",
        ],
        Lang::En => [
            "Deal ID", "Customer", "Stage", "Date", "Amount", "Owner", "Source",
        ],
    }
}

pub(crate) fn settings_headers(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::Ko => ["항목", "값", "메모"],
        Lang::En => ["Key", "Value", "Note"],
    }
}

pub(crate) fn grade_headers(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::Ko => ["종류", "등급", "규칙", "메모"],
        Lang::En => ["Kind", "Grade", "Rule", "Note"],
    }
}

pub(crate) fn template_headers(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::Ko => ["등급", "제목", "본문"],
        Lang::En => ["Grade", "Subject", "Body"],
    }
}

/// `ORD-000123`: never starts with the cancel prefix `C`.
pub(crate) fn order_id(no: u64) -> String {
    format!("ORD-{no:06}")
}

pub(crate) fn deal_id(no: u32) -> String {
    format!("D-{no:04}")
}

/// ISO `2026-03-05`, as CSV exports write real dates.
pub(crate) fn iso(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A date written as text in one of the SPEC §2 forms (`kind` 0..3).
pub(crate) fn date_text(lang: Lang, day: NaiveDate, kind: u8) -> String {
    let (y, m, d) = (day.year(), day.month(), day.day());
    match (lang, kind % 3) {
        (Lang::Ko, 0) | (Lang::En, 2) => format!("{y}.{m:02}.{d:02}"),
        (Lang::Ko, 1) => format!("{y}. {m}. {d}."),
        (Lang::Ko, _) => format!("{y}년 {m}월 {d}일"),
        (Lang::En, 0) => format!("{y}-{m:02}-{d:02}"),
        (Lang::En, _) => format!("{y}/{m:02}/{d:02}"),
    }
}

/// `1234567.5` → `1,234,567.50` (GBP) / `1,234,568` (KRW has no decimals here: the data holds
/// whole won).
pub(crate) fn grouped(amount: Decimal, lang: Lang) -> String {
    let neg = amount.is_sign_negative() && !amount.is_zero();
    let abs = amount.abs();
    let text = match lang {
        Lang::Ko => abs.round().to_string(),
        Lang::En => format!("{:.2}", abs.round_dp(2)),
    };
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text, None),
    };
    let mut out = String::with_capacity(int.len() + int.len() / 3 + 4);
    if neg {
        out.push('-');
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// Money written as text: ko `₩12,000` / `12,000원`, en `£12.50` / `12.50` with grouping.
/// `ascii_sign_free` keeps to forms CP949 can encode (no `₩`).
pub(crate) fn money_text(
    lang: Lang,
    amount: Decimal,
    kind: u8,
    fullwidth: bool,
    cp949: bool,
) -> String {
    let g = grouped(amount, lang);
    let g = if fullwidth {
        to_fullwidth_digits(&g)
    } else {
        g
    };
    match (lang, kind % 2) {
        (Lang::Ko, 0) if !cp949 => format!("₩{g}"),
        (Lang::Ko, _) => format!("{g}원"),
        (Lang::En, 0) => format!("£{g}"),
        (Lang::En, _) => g,
    }
}

/// ASCII digits → full-width digits (`１２`), as typed with a Korean IME in full-width mode.
pub(crate) fn to_fullwidth_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            // U+FF10 + digit: always a valid char.
            Some(d) => char::from_u32(0xFF10 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// Display width in Excel column units: Hangul and other wide characters count double.
pub(crate) fn display_width(s: &str) -> usize {
    s.lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(date_text(Lang::Ko, d, 0), "2026.03.05");
        assert_eq!(date_text(Lang::Ko, d, 1), "2026. 3. 5.");
        assert_eq!(date_text(Lang::Ko, d, 2), "2026년 3월 5일");
        assert_eq!(date_text(Lang::En, d, 0), "2026-03-05");
        assert_eq!(date_text(Lang::En, d, 1), "2026/03/05");
        let m = Decimal::from(1_234_000);
        assert_eq!(money_text(Lang::Ko, m, 0, false, false), "₩1,234,000");
        assert_eq!(money_text(Lang::Ko, m, 0, false, true), "1,234,000원");
        assert_eq!(
            money_text(Lang::Ko, Decimal::from(12_000), 1, true, false),
            "１２,０００원"
        );
        assert_eq!(
            money_text(Lang::En, Decimal::new(123_450, 2), 0, false, false),
            "£1,234.50"
        );
        assert_eq!(grouped(Decimal::from(-999), Lang::Ko), "-999");
        assert_eq!(grouped(Decimal::from(100), Lang::Ko), "100");
        assert_eq!(grouped(Decimal::new(5, 1), Lang::En), "0.50");
        assert_eq!(order_id(12), "ORD-000012");
    }

    #[test]
    fn hangul_counts_double() {
        assert_eq!(display_width("고객명"), 6);
        assert_eq!(display_width("Email"), 5);
        assert_eq!(display_width("ab\n고객"), 4);
    }
}
