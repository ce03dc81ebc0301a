//! Customer groups → the Group Roster, Price Check and Promo Eligibility sheets (SPEC §7), and
//! the tables and the JSON `dangol groups` prints, in the workbook's language. Each table is
//! described once, as [`Column`]s: [`SUMMARY_COLUMNS`], [`ROSTER_COLUMNS`],
//! [`CHANGE_COLUMNS`], [`CHECK_COLUMNS`] and [`PROMO_COLUMNS`].

use chrono::NaiveDate;
use serde::Serialize;

use super::columns::{self, Column, Fact, JsonRows, Kind, Out};
use super::table::{GeneratedSheet, SheetContent, SheetTable};
use crate::analysis::customers::CustomerTable;
use crate::analysis::groups::{
    AppliedRule, CheckNote, GroupBook, GroupSummary, PriceCheck, PriceSource,
};
use crate::model::Lang;
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

/// The groups: members (their keys in JSON), buyers and revenue on the day.
pub const SUMMARY_COLUMNS: &[Column<GroupSummary>] = {
    type C = Column<GroupSummary>;
    &[
        C::sheet("group", ("그룹", "Group"), Kind::Text, |g, _| {
            g.group.as_str().into()
        }),
        C::sheet(
            "members",
            ("회원 수", "Members"),
            Kind::Count,
            |g, out| match out {
                Out::Data => Fact::List(g.members.clone()),
                Out::Show(_) => u64::try_from(g.members.len()).unwrap_or(u64::MAX).into(),
            },
        ),
        C::sheet(
            "buyers",
            ("구매 회원", "Buyers"),
            Kind::Count,
            |g, _| g.buyers.into(),
        ),
        C::sheet("revenue", ("매출", "Revenue"), Kind::Money, |g, out| {
            Fact::money_as_written(g.revenue, out)
        }),
    ]
};

/// One row per group: members, buyers and revenue on the day.
pub fn summary_table(s: &[GroupSummary], as_of: NaiveDate, lang: Lang) -> SheetTable {
    let title = match lang {
        Lang::Ko => format!("고객그룹 ({as_of} 기준)"),
        Lang::En => format!("Customer groups on {as_of}"),
    };
    columns::sheet_table(SUMMARY_COLUMNS, title, s, lang)
}

/// Why a customer is on the roster: a Group Members row (its `source`, else its cell) or the
/// group's rule.
pub enum RosterSource {
    Listed(String),
    Rule(String),
    None,
}

/// One member of one group on the day.
pub struct RosterRow {
    pub group: String,
    /// The customer's display name, else the key.
    pub name: String,
    pub key: String,
    pub email: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub source: RosterSource,
}

/// The roster's columns (the `groups --format csv` header is their English labels).
pub const ROSTER_COLUMNS: &[Column<RosterRow>] = {
    type C = Column<RosterRow>;
    &[
        C::sheet("group", ("그룹", "Group"), Kind::Text, |r, _| {
            r.group.as_str().into()
        }),
        C::sheet("customer", ("고객", "Customer"), Kind::Text, |r, _| {
            r.name.as_str().into()
        }),
        C::sheet("key", ("고객 키", "Key"), Kind::Key, |r, _| {
            r.key.as_str().into()
        }),
        C::sheet("email", ("이메일", "Email"), Kind::Email, |r, _| {
            r.email.as_deref().into()
        }),
        C::sheet("start", ("시작", "Start"), Kind::Date, |r, _| {
            r.start.into()
        }),
        C::sheet("end", ("종료", "End"), Kind::Date, |r, _| r.end.into()),
        C::sheet(
            "source",
            ("근거", "Source"),
            Kind::Text,
            |r, out| match &r.source {
                RosterSource::Listed(s) => s.as_str().into(),
                RosterSource::Rule(s) => Fact::Text(format!("{}: {s}", out.pick("규칙", "rule"))),
                RosterSource::None => "".into(),
            },
        ),
    ]
};

/// The roster's rows: each group's members on the day, in group order.
pub fn roster_rows(book: &GroupBook<'_>, table: &CustomerTable) -> Vec<RosterRow> {
    let mut rows = Vec::new();
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
                (Some(m), _) => {
                    RosterSource::Listed(m.source.clone().unwrap_or_else(|| m.cell.to_string()))
                }
                (None, Some(r)) => RosterSource::Rule(r.source().to_string()),
                (None, None) => RosterSource::None,
            };
            rows.push(RosterRow {
                group: g.name.clone(),
                name: c.map_or(key.as_str(), |c| c.display_name()).to_string(),
                email: c
                    .and_then(|c| c.email.as_deref())
                    .or(listed.and_then(|m| m.email.as_deref()))
                    .map(str::to_string),
                start: listed.and_then(|m| m.start),
                end: listed.and_then(|m| m.end),
                source,
                key,
            });
        }
    }
    rows
}

/// The roster: one row per group and member on the day.
pub fn roster_table(book: &GroupBook<'_>, table: &CustomerTable, lang: Lang) -> SheetTable {
    let title = match lang {
        Lang::Ko => format!("그룹 명단 ({} 기준)", table.as_of),
        Lang::En => format!("Group members on {}", table.as_of),
    };
    columns::sheet_table(ROSTER_COLUMNS, title, &roster_rows(book, table), lang)
}

/// Someone joining or leaving a group in the coming days.
pub struct ChangeRow {
    pub group: String,
    pub key: String,
    /// The customer's display name, else the key.
    pub name: String,
    pub day: NaiveDate,
    pub joins: bool,
}

/// The joins and leaves ahead: the customer by name on the terminal, by key in JSON.
pub const CHANGE_COLUMNS: &[Column<ChangeRow>] = {
    type C = Column<ChangeRow>;
    &[
        C::sheet("group", ("그룹", "Group"), Kind::Text, |r, _| {
            r.group.as_str().into()
        }),
        C::sheet("customer", ("고객", "Customer"), Kind::Text, |r, out| {
            match out {
                Out::Data => r.key.as_str(),
                Out::Show(_) => r.name.as_str(),
            }
            .into()
        }),
        C::sheet("date", ("날짜", "Date"), Kind::Date, |r, _| r.day.into()),
        C::sheet("change", ("변동", "Change"), Kind::Text, |r, out| {
            match (out, r.joins) {
                (Out::Data, true) => "join",
                (Out::Data, false) => "leave",
                (Out::Show(lang), true) => lang.pick("가입", "joins"),
                (Out::Show(lang), false) => lang.pick("종료", "leaves"),
            }
            .into()
        }),
    ]
};

/// The rows of [`GroupBook::changes_ahead`], with the customers' names.
pub fn change_rows(
    changes: &[(String, String, NaiveDate, bool)],
    table: &CustomerTable,
) -> Vec<ChangeRow> {
    changes
        .iter()
        .map(|(g, key, day, joins)| ChangeRow {
            group: g.clone(),
            key: key.clone(),
            name: table
                .get(key)
                .map_or(key.as_str(), |c| c.display_name())
                .to_string(),
            day: *day,
            joins: *joins,
        })
        .collect()
}

/// Who joins or leaves a group in the coming days.
pub fn changes_table(
    changes: &[(String, String, NaiveDate, bool)],
    table: &CustomerTable,
    days: i64,
    lang: Lang,
) -> SheetTable {
    let title = match lang {
        Lang::Ko => format!("앞으로 {days}일 동안의 가입/종료"),
        Lang::En => format!("Joining or leaving in the next {days} days"),
    };
    columns::sheet_table(CHANGE_COLUMNS, title, &change_rows(changes, table), lang)
}

/// The Price Check's columns.
pub const CHECK_COLUMNS: &[Column<PriceCheck>] = {
    type C = Column<PriceCheck>;
    &[
        C::sheet("cell", ("셀", "Cell"), Kind::Text, |c, _| {
            Fact::Text(c.cell.to_string())
        }),
        C::sheet("date", ("주문일", "Date"), Kind::Date, |c, _| {
            c.day.into()
        }),
        C::sheet("customer", ("고객", "Customer"), Kind::Text, |c, _| {
            c.customer.as_str().into()
        }),
        C::sheet("product", ("상품", "Product"), Kind::Text, |c, _| {
            c.product.as_str().into()
        }),
        C::sheet("quantity", ("수량", "Quantity"), Kind::Number, |c, _| {
            c.quantity.into()
        }),
        C::sheet(
            "charged",
            ("청구 단가", "Charged"),
            Kind::Money,
            |c, out| Fact::money_as_written(c.charged, out),
        ),
        C::sheet(
            "applied",
            ("적용 단가", "Applied"),
            Kind::Money,
            |c, out| Fact::money_as_written(c.applied, out),
        ),
        C::sheet(
            "difference",
            ("차액", "Difference"),
            Kind::Money,
            |c, out| Fact::money_as_written(c.difference, out),
        ),
        C::sheet("rule", ("적용 규칙", "Rule"), Kind::Text, |c, out| {
            Fact::Text(rules_text(&c.rules, out.lang()))
        }),
        C::sheet("note", ("비고", "Note"), Kind::Text, |c, out| {
            Fact::Text(note_text(&c.note, out.lang()))
        }),
    ]
};

/// The Price Check table.
pub fn price_check_table(checks: &[PriceCheck], lang: Lang) -> SheetTable {
    let title = lang
        .pick(
            "단가 검증: 적용 단가와 다르게 청구된 판매",
            "Price check: sales lines charged differently from the price that applied",
        )
        .to_string();
    columns::sheet_table(CHECK_COLUMNS, title, checks, lang)
}

/// One member eligible for a running promotion.
pub struct PromoRow {
    pub promo: String,
    pub group: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub discount: String,
    pub end: Option<NaiveDate>,
}

/// The Promo Eligibility columns (also the `groups --csv` mail-merge file).
pub const PROMO_COLUMNS: &[Column<PromoRow>] = {
    type C = Column<PromoRow>;
    &[
        C::sheet(
            "promotion",
            ("프로모션", "Promotion"),
            Kind::Text,
            |r, _| r.promo.as_str().into(),
        ),
        C::sheet("group", ("그룹", "Group"), Kind::Text, |r, _| {
            r.group.as_deref().into()
        }),
        C::sheet("customer", ("고객", "Customer"), Kind::Text, |r, _| {
            r.name.as_str().into()
        }),
        C::sheet("email", ("이메일", "Email"), Kind::Email, |r, _| {
            r.email.as_deref().into()
        }),
        C::sheet("phone", ("전화", "Phone"), Kind::Phone, |r, _| {
            r.phone.as_deref().into()
        }),
        C::sheet("discount", ("할인", "Discount"), Kind::Text, |r, _| {
            r.discount.as_str().into()
        }),
        C::sheet("ends", ("종료", "Ends"), Kind::Date, |r, _| r.end.into()),
    ]
};

/// Promotion eligibility: for each promotion running on the day, its active members (everyone
/// for a promotion with no group) who have not opted out and have an e-mail or a phone.
pub fn promo_rows(book: &GroupBook<'_>, table: &CustomerTable) -> Vec<PromoRow> {
    let day = table.as_of;
    let mut rows = Vec::new();
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
            rows.push(PromoRow {
                promo: p.promo.clone(),
                group: p.group.clone(),
                name: c.display_name().to_string(),
                email: c.email.clone(),
                phone: c.phone.clone(),
                discount: p.discount.to_string(),
                end: p.end,
            });
        }
    }
    rows
}

/// The Promo Eligibility table.
pub fn promo_table(book: &GroupBook<'_>, table: &CustomerTable, lang: Lang) -> SheetTable {
    let day = table.as_of;
    let title = match lang {
        Lang::Ko => format!("진행 중인 프로모션 대상 ({day} 기준)"),
        Lang::En => format!("Members eligible for running promotions on {day}"),
    };
    columns::sheet_table(PROMO_COLUMNS, title, &promo_rows(book, table), lang)
}

/// What `dangol groups --format json` prints (SPEC §7): the day, then each table's rows with
/// their columns' keys.
#[derive(Serialize)]
struct Json<'a> {
    as_of: String,
    groups: JsonRows<'a, GroupSummary>,
    changes: JsonRows<'a, ChangeRow>,
    price_check: JsonRows<'a, PriceCheck>,
}

/// `dangol groups --format json`.
pub fn json(
    as_of: NaiveDate,
    sums: &[GroupSummary],
    changes: &[(String, String, NaiveDate, bool)],
    table: &CustomerTable,
    checks: &[PriceCheck],
) -> anyhow::Result<String> {
    let changes = change_rows(changes, table);
    let (sums, changes, checks): (Vec<_>, Vec<_>, Vec<_>) = (
        sums.iter().collect(),
        changes.iter().collect(),
        checks.iter().collect(),
    );
    let out = Json {
        as_of: as_of.to_string(),
        groups: JsonRows(SUMMARY_COLUMNS, &sums),
        changes: JsonRows(CHANGE_COLUMNS, &changes),
        price_check: JsonRows(CHECK_COLUMNS, &checks),
    };
    let mut s = serde_json::to_string_pretty(&out)?;
    s.push('\n');
    Ok(s)
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
