//! Data problems in the workbook's language.
//!
//! The readers record a [`Problem`] with an English `expected` text (the readers' hot paths
//! are not the place for language decisions, and `check --format json|csv` keeps the English
//! text for scripts). A Korean workbook sees them translated here, at render time: fixed texts
//! by lookup, texts with numbers or names by their fixed parts. A text not listed is shown as
//! the reader wrote it.

use std::borrow::Cow;

use crate::model::{Lang, Problem, Severity};

use super::Msg;

/// Fixed problem texts and their Korean.
const FIXED: &[(&str, &str)] = &[
    ("a date", "날짜"),
    (
        "a date (e.g. 2025-04-15, 2025.04.15, 2025년 4월 15일)",
        "날짜 (예: 2025-04-15, 2025.04.15, 2025년 4월 15일)",
    ),
    (
        "a date, but day and month are ambiguous here (set date_order to dmy or mdy)",
        "날짜 — 다만 여기서는 일과 월의 순서가 모호합니다 (date_order를 dmy 또는 mdy로 설정하세요)",
    ),
    (
        "a date (an Excel date serial in range)",
        "날짜 (범위 안의 Excel 날짜 일련번호)",
    ),
    (
        "a date; a plain number is read as a date only in a date-formatted cell or a column of date serials",
        "날짜 — 그냥 숫자는 날짜 서식 셀이거나 날짜 일련번호로 된 열에서만 날짜로 읽습니다",
    ),
    ("a date (the cell is blank)", "날짜 (셀이 비어 있음)"),
    ("an amount", "금액"),
    (
        "an amount (e.g. 12000, 1,200,000원, ₩12,000, £3.75)",
        "금액 (예: 12000, 1,200,000원, ₩12,000, £3.75)",
    ),
    ("an amount (the cell is blank)", "금액 (셀이 비어 있음)"),
    (
        "a quantity and a unit price (one is blank)",
        "수량과 단가 (하나가 비어 있음)",
    ),
    ("a quantity (a number)", "수량 (숫자)"),
    (
        "yes/no (Y/N, O/X, 예/아니오, TRUE/FALSE, 1/0) or a date",
        "예/아니오 (Y/N, O/X, 예/아니오, TRUE/FALSE, 1/0) 또는 날짜",
    ),
    ("a whole number (count)", "정수 (횟수)"),
    (
        "a customer name or e-mail (both are blank)",
        "고객명 또는 이메일 (둘 다 비어 있음)",
    ),
    ("a deal (the cell is blank)", "거래 ID (셀이 비어 있음)"),
    ("a stage (the cell is blank)", "단계 (셀이 비어 있음)"),
    (
        "Excel's date serial 60 is 1900-02-29, a day that does not exist (kept from Lotus 1-2-3); read as 1900-02-28",
        "Excel 날짜 일련번호 60은 존재하지 않는 날 1900-02-29입니다 (Lotus 1-2-3에서 이어진 것); 1900-02-28로 읽었습니다",
    ),
    (
        "an amount that can be added up: with the amounts before it, the workbook's amounts pass 10,000,000,000,000,000,000,000,000 (10^25)",
        "더할 수 있는 금액: 앞의 금액과 합하면 10,000,000,000,000,000,000,000,000 (10^25)을 넘습니다",
    ),
    (
        "a unit price whose product with the quantity can be computed (it passes 79,228,162,514,264,337,593,543,950,335)",
        "수량과 곱할 수 있는 단가 (79,228,162,514,264,337,593,543,950,335를 넘습니다)",
    ),
    (
        "no currency sign (₩, 원, £, $, €) in the data, so amounts are taken as KRW; if they are not, set currency (e.g. --set currency=GBP, or currency | GBP in the Settings sheet)",
        "데이터에 통화 기호(₩, 원, £, $, €)가 없어 금액을 원화(KRW)로 보았습니다. 원화가 아니면 currency를 설정하세요 (예: --set currency=GBP, 또는 설정 시트에 currency | GBP)",
    ),
];

/// Texts with a variable part: (English before, English after, Korean before, Korean after);
/// the variable part is kept as it is.
const FRAMED: &[(&str, &str, &str, &str)] = &[
    (
        "",
        " rows dated after the as-of day are not counted (as of that day)",
        "기준일 이후 날짜의 행 ",
        "개는 계산하지 않았습니다 (그날 기준)",
    ),
    (
        "",
        " rows have no customer; excluded from customer statistics (still counted in shop revenue)",
        "고객이 없는 행 ",
        "개는 고객 통계에서 뺐습니다 (매장 매출에는 포함)",
    ),
    (
        "",
        " return rows (negative amount or quantity, or a cancel-prefixed order id) subtracted from net totals",
        "반품 행 ",
        "개를 순합계에서 뺐습니다 (음수 금액이나 수량, 또는 취소 접두어가 붙은 주문번호)",
    ),
    (
        "",
        " cancelled rows (a cancel word in the status) not counted as orders",
        "취소된 행 ",
        "개는 주문으로 세지 않았습니다 (상태에 취소어)",
    ),
    (
        "a totals row (",
        ") with no date; skipped",
        "날짜 없는 합계 행 (",
        ") — 건너뜀",
    ),
    (
        "a date on or before ",
        " (the as-of day); the row is not counted — a typo?",
        "기준일 ",
        " 이전의 날짜; 이 행은 계산하지 않았습니다 — 오타인가요?",
    ),
    (
        "cannot tell which sheets dangol generated (",
        "); every sheet is read as data",
        "dangol이 만든 시트를 알 수 없습니다 (",
        "); 모든 시트를 데이터로 읽습니다",
    ),
];

/// The problem text `expected` in `lang`.
pub fn expected_in(lang: Lang, expected: &str) -> Cow<'_, str> {
    if lang == Lang::En {
        return Cow::Borrowed(expected);
    }
    if let Some((_, ko)) = FIXED.iter().find(|(en, _)| *en == expected) {
        return Cow::Borrowed(ko);
    }
    for (before, after, ko_before, ko_after) in FRAMED {
        if let Some(mid) = expected
            .strip_prefix(before)
            .and_then(|r| r.strip_suffix(after))
        {
            return Cow::Owned(format!("{ko_before}{mid}{ko_after}"));
        }
    }
    if let Some((n, field)) = expected
        .strip_suffix("' not listed")
        .and_then(|r| r.split_once(" more unusable values in column '"))
    {
        return Cow::Owned(format!(
            "'{field}' 열의 쓸 수 없는 값 {n}개는 더 적지 않았습니다"
        ));
    }
    if let Some((n, rest)) = expected.split_once(" order ids look like credit invoices (")
        && let Some((letter, example)) = rest.split_once(" followed by an order number, e.g. ")
        && let Some((example, _)) = example.split_once("); if they are returns")
    {
        return Cow::Owned(format!(
            "주문번호 {n}개가 신용 전표처럼 보입니다 ({letter} 뒤에 다른 주문번호, 예: {example}). \
             반품이라면 cancel_prefix = {letter}로 설정하세요 (설정 시트, dangol.toml 또는 \
             --set cancel_prefix={letter})"
        ));
    }
    if let Some((n, rest)) =
        expected.split_once(" of those rows have an order id starting with the cancel prefix ")
        && let Some(prefix) = rest.strip_suffix(" (cancelled invoices)")
    {
        return Cow::Owned(format!(
            "그중 {n}개 행은 주문번호가 취소 접두어 {prefix}로 시작합니다 (취소 전표)"
        ));
    }
    Cow::Borrowed(expected)
}

/// Where a problem is, as the owner knows it: in Korean, `sales` (a problem about the sales
/// table as a whole) becomes the sales sheets' real names (`판매`) and `currency` the
/// setting's name; English keeps the role name that scripts and tests know.
pub fn place_in<'a>(lang: Lang, place: &'a str, sales_sheets: &[&str]) -> Cow<'a, str> {
    if lang == Lang::En {
        return Cow::Borrowed(place);
    }
    match place {
        "sales" if !sales_sheets.is_empty() => Cow::Owned(sales_sheets.join(", ")),
        "sales" => Cow::Borrowed("판매 시트"),
        "currency" => Cow::Borrowed("통화(currency)"),
        _ => Cow::Borrowed(place),
    }
}

/// The severity's word (`오류`, `warning`).
pub fn severity_in(lang: Lang, s: Severity) -> String {
    match s {
        Severity::Error => Msg::SeverityError,
        Severity::Warning => Msg::SeverityWarning,
        Severity::Note => Msg::SeverityNote,
    }
    .render(lang, &[])
}

/// One problem as a line: `판매!A7: 값 "2025-13-45", 필요한 값: 날짜 (예: …)`.
pub fn line(lang: Lang, p: &Problem, sales_sheets: &[&str]) -> String {
    let place = place_in(lang, &p.place, sales_sheets);
    let expected = expected_in(lang, &p.expected);
    if p.found.is_empty() {
        // Punctuation only: the same in both languages.
        format!("{place}: {expected}")
    } else {
        let found = crate::model::quoted(&p.found);
        crate::msg!(
            lang,
            ProblemFound,
            place = place,
            found = found,
            expected = expected
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixed_and_framed_text_has_korean() {
        // English texts may quote Korean input forms (`2025년 4월 15일`, `예/아니오`); the
        // Korean text must differ and be Korean.
        for (en, ko) in FIXED {
            assert_ne!(en, ko);
            assert!(super::super::has_hangul(ko), "{ko}");
        }
        for (a, b, c, d) in FRAMED {
            assert_ne!(format!("{a}{b}"), format!("{c}{d}"));
            assert!(super::super::has_hangul(&format!("{c}{d}")));
        }
    }

    #[test]
    fn problems_are_translated_with_their_numbers() {
        assert_eq!(
            expected_in(
                Lang::Ko,
                "6,000 rows dated after the as-of day are not counted (as of that day)"
            ),
            "기준일 이후 날짜의 행 6,000개는 계산하지 않았습니다 (그날 기준)"
        );
        assert_eq!(
            expected_in(
                Lang::Ko,
                "3 more unusable values in column 'date' not listed"
            ),
            "'date' 열의 쓸 수 없는 값 3개는 더 적지 않았습니다"
        );
        assert_eq!(expected_in(Lang::En, "a date"), "a date");
        assert_eq!(
            expected_in(
                Lang::Ko,
                "3 order ids look like credit invoices (C followed by an order number, e.g. \
                 C536367); if they are returns, set cancel_prefix = C (in the Settings sheet, \
                 dangol.toml or --set cancel_prefix=C)"
            ),
            "주문번호 3개가 신용 전표처럼 보입니다 (C 뒤에 다른 주문번호, 예: C536367). 반품이라면 \
             cancel_prefix = C로 설정하세요 (설정 시트, dangol.toml 또는 --set cancel_prefix=C)"
        );
        let p = Problem {
            severity: Severity::Error,
            place: "판매!A7".into(),
            found: "2025-13-45".into(),
            expected: "a date (e.g. 2025-04-15, 2025.04.15, 2025년 4월 15일)".into(),
        };
        assert_eq!(
            line(Lang::Ko, &p, &[]),
            "판매!A7: 값 \"2025-13-45\", 필요한 값: 날짜 (예: 2025-04-15, 2025.04.15, 2025년 4월 15일)"
        );
        assert_eq!(line(Lang::En, &p, &[]), p.to_string());
    }
}
