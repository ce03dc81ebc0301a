// STAND-IN: replaced by the sheets branch
//! From a loaded workbook to every analysis the nightly run writes back (stand-in: customer
//! table, grade changes and the weekly report only; one Customer Stats sheet).

use chrono::NaiveDate;

use crate::analysis::customers::{CustomerTable, GradeChange, customer_table, grade_changes};
use crate::analysis::weekly::{Week, WeeklyReport, weekly_report};
use crate::model::{Currency, Lang, Problem};
use crate::render::table::{Cell, GeneratedSheet, SheetContent, SheetTable};

/// Every analysis of one workbook as of a day.
#[derive(Debug, Clone)]
pub struct Analyses {
    pub as_of: NaiveDate,
    pub lang: Lang,
    pub currency: Currency,
    pub shop_name: String,
    pub customers: CustomerTable,
    pub changes: Vec<GradeChange>,
    pub weekly: WeeklyReport,
    pub problems: Vec<Problem>,
}

/// Run every analysis.
pub fn analyse(loaded: &crate::ingest::Loaded, as_of: NaiveDate) -> anyhow::Result<Analyses> {
    let d = &loaded.data;
    let s = &loaded.settings;
    let customers = customer_table(&d.sales, &d.quotes, &d.customers, s, as_of);
    let changes = grade_changes(&d.sales, &d.quotes, &d.customers, s, as_of);
    let week = Week::last_complete_before(as_of, s.week_start);
    let mut weekly = weekly_report(
        &d.sales,
        &d.quotes,
        week,
        s.week_start,
        s.report_top_n as usize,
    );
    weekly.shop_name.clone_from(&s.shop_name);
    weekly.currency = loaded.currency;
    weekly.lang = loaded.lang;
    Ok(Analyses {
        as_of,
        lang: loaded.lang,
        currency: loaded.currency,
        shop_name: s.shop_name.clone(),
        customers,
        changes,
        weekly,
        problems: d.problems.clone(),
    })
}

impl Analyses {
    /// The generated sheets' contents.
    pub fn sheets(&self) -> Vec<SheetContent> {
        let l = self.lang;
        let mut t = SheetTable::new(
            "",
            &[
                l.pick("고객", "Customer"),
                l.pick("주문수", "Orders"),
                l.pick("순매출", "Net total"),
                l.pick("마지막 주문", "Last order"),
                l.pick("VIP 등급", "VIP grade"),
            ],
        );
        for c in &self.customers.rows {
            t.push(vec![
                Cell::text(c.display_name()),
                Cell::Int(i64::from(c.orders)),
                Cell::Money(c.total),
                Cell::from(c.last_order),
                Cell::text(c.vip.name.in_lang(l)),
            ]);
        }
        vec![SheetContent {
            sheet: GeneratedSheet::CustomerStats,
            tables: vec![t],
        }]
    }
}
