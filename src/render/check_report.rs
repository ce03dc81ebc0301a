//! The report of `dangol check`: what was found where and every data problem, as text for a
//! terminal and as JSON for scripts.

use std::fmt::Write as _;

use serde::Serialize;

use crate::i18n::problems;
use crate::ingest::Loaded;
use crate::ingest::headers::role_name;
use crate::model::{CellRef, Lang, Severity};
use crate::msg;

#[derive(Serialize)]
struct SheetJson<'a> {
    sheet: &'a str,
    role: Option<&'static str>,
    header_row: Option<u32>,
    columns: Vec<ColumnJson<'a>>,
    rows: u64,
    unusable_rows: u64,
}

#[derive(Serialize)]
struct ColumnJson<'a> {
    field: &'static str,
    column: String,
    header: &'a str,
}

/// check's JSON for scripts (`--format json`).
#[derive(Serialize)]
pub struct CheckJson<'a> {
    workbook: String,
    lang: crate::model::Lang,
    currency: &'static str,
    sheets: Vec<SheetJson<'a>>,
    customers: usize,
    orders: usize,
    quotes: usize,
    problems: crate::render::contents_issues::IssuesJson<'a>,
    errors: usize,
}

fn order_count(l: &Loaded) -> usize {
    l.data
        .sales
        .customers
        .values()
        .map(|c| c.orders.len())
        .sum::<usize>()
        + l.data.sales.anonymous_orders.len()
}

/// check's JSON: the sheets and how they were read, the totals and every problem.
pub fn check_json(l: &Loaded, errors: usize) -> CheckJson<'_> {
    CheckJson {
        workbook: l.path.display().to_string(),
        lang: l.lang,
        currency: l.currency.code(),
        sheets: l
            .data
            .sheets
            .iter()
            .map(|s| SheetJson {
                sheet: &s.name,
                role: s.role.map(role_name),
                header_row: s.role.map(|_| s.header_row + 1),
                columns: s
                    .columns
                    .iter()
                    .map(|(f, c, h)| ColumnJson {
                        field: f,
                        column: CellRef::col_letters(*c),
                        header: h,
                    })
                    .collect(),
                rows: s.rows,
                unusable_rows: s.bad_rows,
            })
            .collect(),
        customers: l.data.sales.customers.len(),
        orders: order_count(l),
        quotes: l.data.quotes.len(),
        problems: crate::render::contents_issues::IssuesJson(&l.data.problems),
        errors,
    }
}

fn n(v: impl Into<u64>) -> String {
    let s = v.into().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A role as the owner calls it: `판매` in Korean, the SPEC's role name in English.
fn role_label(role: crate::settings::Role, lang: Lang) -> &'static str {
    let en = role_name(role);
    if lang == Lang::En {
        return en;
    }
    match en {
        "sales" => "판매",
        "quotes" => "견적",
        "customers" => "고객",
        "pipeline" => "파이프라인",
        "settings" => "설정",
        "grades" => "등급기준",
        "templates" => "템플릿",
        "groups" => "고객그룹",
        "group_members" => "그룹회원",
        "price_list" => "단가표",
        "promotions" => "프로모션",
        "stock" => "재고",
        "stock_moves" => "입출고",
        "carts" => "장바구니",
        "flows" => "자동발송규칙",
        other => other,
    }
}

/// The names of the sheets read as sales, for problems about the sales table as a whole.
fn sales_sheets(l: &Loaded) -> Vec<&str> {
    l.data
        .sheets
        .iter()
        .filter(|s| s.role == Some(crate::settings::Role::Sales))
        .map(|s| s.name.as_str())
        .collect()
}

/// check's text for a terminal, in the workbook's language: each sheet's role, header row and
/// columns, the totals and every problem.
pub fn check_text(l: &Loaded, errors: usize) -> String {
    let lang = l.lang;
    let mut o = String::new();
    let _ = writeln!(o, "{}", l.path.display());
    for s in &l.data.sheets {
        match s.role {
            Some(role) => {
                let _ = writeln!(
                    o,
                    "{}",
                    msg!(
                        lang,
                        CheckSheetRole,
                        sheet = s.name,
                        role = role_label(role, lang),
                        row = s.header_row + 1
                    )
                );
                let cols: Vec<String> = s
                    .columns
                    .iter()
                    .map(|(f, c, h)| format!("{f}={}({h})", CellRef::col_letters(*c)))
                    .collect();
                if !cols.is_empty() {
                    let _ = writeln!(o, "{}", msg!(lang, CheckColumns, columns = cols.join(", ")));
                }
                if matches!(
                    role,
                    crate::settings::Role::Sales
                        | crate::settings::Role::Quotes
                        | crate::settings::Role::Customers
                        | crate::settings::Role::Pipeline
                        | crate::settings::Role::Stock
                        | crate::settings::Role::StockMoves
                        | crate::settings::Role::Flows
                        | crate::settings::Role::Carts
                ) {
                    let _ = writeln!(
                        o,
                        "{}",
                        msg!(lang, CheckRows, rows = n(s.rows), bad = n(s.bad_rows))
                    );
                }
            }
            None => {
                let _ = writeln!(o, "{}", msg!(lang, CheckSheetNone, sheet = s.name));
            }
        }
    }
    for name in &l.data.generated_sheets {
        let _ = writeln!(o, "{}", msg!(lang, CheckSheetGenerated, sheet = name));
    }
    if !l
        .data
        .sheets
        .iter()
        .any(|s| s.role == Some(crate::settings::Role::Carts))
    {
        let _ = writeln!(o, "  {}", crate::render::contents_carts::no_carts(l.lang));
    }
    let sales = &l.data.sales;
    let _ = writeln!(
        o,
        "{}",
        msg!(
            lang,
            CheckTotals,
            customers = n(sales.customers.len() as u64),
            orders = n(order_count(l) as u64),
            quotes = n(l.data.quotes.len() as u64),
            pipeline = n(l.data.pipeline.len() as u64),
            lang = lang.pick("ko", "en"),
            currency = l.currency.code()
        )
    );
    let warnings = l
        .data
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .count();
    if l.data.problems.is_empty() {
        let _ = writeln!(o, "{}", msg!(lang, CheckNoProblems));
    } else {
        let _ = writeln!(
            o,
            "{}",
            msg!(
                lang,
                CheckProblemCount,
                errors = n(errors as u64),
                warnings = n(warnings as u64)
            )
        );
        let sheets = sales_sheets(l);
        for p in &l.data.problems {
            let _ = writeln!(
                o,
                "  {}: {}",
                problems::severity_in(lang, p.severity),
                problems::line(lang, p, &sheets)
            );
        }
    }
    o
}
