//! Customer groups → the Group Roster, Price Check and Promo Eligibility sheets (SPEC §7), and
//! the tables `dangol groups` prints, in the workbook's language.

use chrono::NaiveDate;

use super::table::{Cell, GeneratedSheet, SheetContent, SheetTable};
use crate::analysis::customers::CustomerTable;
use crate::analysis::groups::{
    AppliedRule, CheckNote, GroupBook, GroupSummary, PriceCheck, PriceSource,
};
use crate::model::Lang;

fn headers(lang: Lang, cols: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    cols.iter().map(|(ko, en)| lang.pick(ko, en)).collect()
}

fn opt_text(s: Option<&str>) -> Cell {
    s.map_or(Cell::Empty, Cell::text)
}

fn opt_date(d: Option<NaiveDate>) -> Cell {
    d.map_or(Cell::Empty, Cell::Date)
}

/// The rules a price came from: `도매 group price (Price List!A3)`.
pub fn rules_text(rules: &[AppliedRule], lang: Lang) -> String {
    rules
        .iter()
        .map(|r| {
            let label = match r.source {
                PriceSource::Regular => lang.pick("정상가", "regular price"),
                PriceSource::GroupPrice => lang.pick("그룹 단가", "group price"),
                PriceSource::GroupDiscount => lang.pick("그룹 할인", "group discount"),
                PriceSource::Promotion => lang.pick("프로모션", "promotion"),
            };
            format!("{} {label} ({})", r.name, r.cell)
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Why a line is in the Price Check.
pub fn note_text(n: &CheckNote, lang: Lang) -> String {
    match n {
        CheckNote::DiscountMissing => lang.pick("할인 누락", "discount missing").to_string(),
        CheckNote::AfterMembershipEnded { group, ended } => match lang {
            Lang::Ko => format!("{group} 회원 종료({ended}) 후 그룹가 적용"),
            Lang::En => format!("{group} price charged after the membership ended on {ended}"),
        },
        CheckNote::Differs => lang.pick("단가 불일치", "price differs").to_string(),
    }
}

/// One row per group: members, buyers and revenue on the day.
pub fn summary_table(s: &[GroupSummary], as_of: NaiveDate, lang: Lang) -> SheetTable {
    let cols = headers(
        lang,
        &[
            ("그룹", "Group"),
            ("회원 수", "Members"),
            ("구매 회원", "Buyers"),
            ("매출", "Revenue"),
        ],
    );
    let title = match lang {
        Lang::Ko => format!("고객그룹 ({as_of} 기준)"),
        Lang::En => format!("Customer groups on {as_of}"),
    };
    let mut t = SheetTable::new(title, &cols);
    for g in s {
        t.push(vec![
            Cell::text(g.group.as_str()),
            Cell::Int(i64::try_from(g.members.len()).unwrap_or(i64::MAX)),
            Cell::Int(i64::from(g.buyers)),
            Cell::Money(g.revenue),
        ]);
    }
    t
}

/// The roster: one row per group and member on the day.
pub fn roster_table(book: &GroupBook<'_>, table: &CustomerTable, lang: Lang) -> SheetTable {
    let cols = headers(
        lang,
        &[
            ("그룹", "Group"),
            ("고객", "Customer"),
            ("고객 키", "Key"),
            ("이메일", "Email"),
            ("시작", "Start"),
            ("종료", "End"),
            ("근거", "Source"),
        ],
    );
    let title = match lang {
        Lang::Ko => format!("그룹 명단 ({} 기준)", table.as_of),
        Lang::En => format!("Group members on {}", table.as_of),
    };
    let mut t = SheetTable::new(title, &cols);
    for g in &book.groups {
        for key in book.members_on(g, table.as_of) {
            let c = table.get(&key);
            let listed = book.data.members.iter().find(|m| {
                m.group == g.name
                    && m.customer == key
                    && m.start.is_none_or(|s| s <= table.as_of)
                    && m.end.is_none_or(|e| table.as_of <= e)
            });
            let source = match (listed, &g.rule) {
                (Some(m), _) => m.source.clone().unwrap_or_else(|| m.cell.to_string()),
                (None, Some(r)) => format!("{}: {}", lang.pick("규칙", "rule"), r.source()),
                (None, None) => String::new(),
            };
            t.push(vec![
                Cell::text(g.name.as_str()),
                Cell::text(c.map_or(key.as_str(), |c| c.display_name())),
                Cell::text(key.as_str()),
                opt_text(
                    c.and_then(|c| c.email.as_deref())
                        .or(listed.and_then(|m| m.email.as_deref())),
                ),
                opt_date(listed.and_then(|m| m.start)),
                opt_date(listed.and_then(|m| m.end)),
                Cell::text(source),
            ]);
        }
    }
    t
}

/// Who joins or leaves a group in the coming days.
pub fn changes_table(
    changes: &[(String, String, NaiveDate, bool)],
    table: &CustomerTable,
    days: i64,
    lang: Lang,
) -> SheetTable {
    let cols = headers(
        lang,
        &[
            ("그룹", "Group"),
            ("고객", "Customer"),
            ("날짜", "Date"),
            ("변동", "Change"),
        ],
    );
    let title = match lang {
        Lang::Ko => format!("앞으로 {days}일 동안의 가입/종료"),
        Lang::En => format!("Joining or leaving in the next {days} days"),
    };
    let mut t = SheetTable::new(title, &cols);
    for (g, key, day, joins) in changes {
        t.push(vec![
            Cell::text(g.as_str()),
            Cell::text(table.get(key).map_or(key.as_str(), |c| c.display_name())),
            Cell::Date(*day),
            Cell::text(if *joins {
                lang.pick("가입", "joins")
            } else {
                lang.pick("종료", "leaves")
            }),
        ]);
    }
    t
}

/// The Price Check table.
pub fn price_check_table(checks: &[PriceCheck], lang: Lang) -> SheetTable {
    let cols = headers(
        lang,
        &[
            ("셀", "Cell"),
            ("주문일", "Date"),
            ("고객", "Customer"),
            ("상품", "Product"),
            ("수량", "Quantity"),
            ("청구 단가", "Charged"),
            ("적용 단가", "Applied"),
            ("차액", "Difference"),
            ("적용 규칙", "Rule"),
            ("비고", "Note"),
        ],
    );
    let title = lang
        .pick(
            "단가 검증: 적용 단가와 다르게 청구된 판매",
            "Price check: sales lines charged differently from the price that applied",
        )
        .to_string();
    let mut t = SheetTable::new(title, &cols);
    for c in checks {
        t.push(vec![
            Cell::text(c.cell.to_string()),
            Cell::Date(c.day),
            Cell::text(c.customer.as_str()),
            Cell::text(c.product.as_str()),
            Cell::Number(c.quantity),
            Cell::Money(c.charged),
            Cell::Money(c.applied),
            Cell::Money(c.difference),
            Cell::text(rules_text(&c.rules, lang)),
            Cell::text(note_text(&c.note, lang)),
        ]);
    }
    t
}

/// Promotion eligibility: for each promotion running on the day, its active members (everyone
/// for a promotion with no group) who have not opted out and have an e-mail or a phone.
pub fn promo_table(book: &GroupBook<'_>, table: &CustomerTable, lang: Lang) -> SheetTable {
    let cols = headers(
        lang,
        &[
            ("프로모션", "Promotion"),
            ("그룹", "Group"),
            ("고객", "Customer"),
            ("이메일", "Email"),
            ("전화", "Phone"),
            ("할인", "Discount"),
            ("종료", "Ends"),
        ],
    );
    let day = table.as_of;
    let title = match lang {
        Lang::Ko => format!("진행 중인 프로모션 대상 ({day} 기준)"),
        Lang::En => format!("Members eligible for running promotions on {day}"),
    };
    let mut t = SheetTable::new(title, &cols);
    for p in &book.data.promos {
        if !(p.start.is_none_or(|s| s <= day) && p.end.is_none_or(|e| day <= e)) {
            continue;
        }
        let keys: Vec<String> = match &p.group {
            Some(gname) => book
                .group(gname)
                .map(|g| book.members_on(g, day).into_iter().collect())
                .unwrap_or_default(),
            None => table.rows.iter().map(|c| c.key.clone()).collect(),
        };
        for key in keys {
            let Some(c) = table.get(&key) else { continue };
            if c.opt_out || (c.email.is_none() && c.phone.is_none()) {
                continue;
            }
            t.push(vec![
                Cell::text(p.promo.as_str()),
                opt_text(p.group.as_deref()),
                Cell::text(c.display_name()),
                opt_text(c.email.as_deref()),
                opt_text(c.phone.as_deref()),
                Cell::text(p.discount.to_string()),
                opt_date(p.end),
            ]);
        }
    }
    t
}

/// The three generated sheets (only when the workbook has group sheets).
pub fn sheets(
    book: &GroupBook<'_>,
    table: &CustomerTable,
    checks: &[PriceCheck],
    lang: Lang,
) -> Vec<SheetContent> {
    if book.data.is_empty() {
        return Vec::new();
    }
    let mut out = vec![SheetContent {
        sheet: GeneratedSheet::GroupRoster,
        tables: vec![roster_table(book, table, lang)],
    }];
    if !book.data.prices.is_empty() || !book.data.promos.is_empty() {
        out.push(SheetContent {
            sheet: GeneratedSheet::PriceCheck,
            tables: vec![price_check_table(checks, lang)],
        });
    }
    if !book.data.promos.is_empty() {
        out.push(SheetContent {
            sheet: GeneratedSheet::PromoEligibility,
            tables: vec![promo_table(book, table, lang)],
        });
    }
    out
}
