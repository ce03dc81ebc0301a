//! One call from a loaded workbook to every analysis dangol has, and from those to the
//! generated sheets: what `dangol run` does between reading and writing.

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::analysis::customers::{
    CustomerTable, Direction, GradeChange, changes_between, customer_table, previous_week_end,
};
use crate::analysis::funnel::{FunnelOptions, PipelineFunnel, QUOTE_STAGES, QuoteFunnel};
use crate::analysis::remind::{NextAction, Reminder, due_reminders, next_actions};
use crate::analysis::value::{ValueTable, options_from, value_summary, value_table};
use crate::analysis::weekly::{
    FunnelBar, GradeChangeLine, ReminderLine, Week, WeeklyReport, weekly_report,
};
use crate::ingest::Loaded;
use crate::model::{Currency, Lang, Problem, QuoteRow};
use crate::render::sheets::SheetContext;
use crate::render::table::SheetContent;
use crate::render::{contents, contents_carts, contents_remind, contents_sentlog, contents_value};
use crate::settings::GradeKind;

/// Every analysis of one workbook as of one day.
#[derive(Debug, Clone)]
pub struct Analyses {
    pub as_of: NaiveDate,
    pub lang: Lang,
    pub currency: Currency,
    pub shop_name: String,
    /// Customer stats, RFM and grades as of `as_of`.
    pub customers: CustomerTable,
    /// The day grade changes are measured from: the end of the week before `as_of`'s.
    pub changes_since: NaiveDate,
    /// Grade upgrades and downgrades between `changes_since` and `as_of`.
    pub changes: Vec<GradeChange>,
    /// The last complete week before `as_of`, with its funnel bars and grade changes filled.
    pub weekly: WeeklyReport,
    /// The quote funnel over quotes sent up to `as_of`; `None` without quotes.
    pub quote_funnel: Option<QuoteFunnel>,
    /// The pipeline funnel; `None` without a pipeline sheet.
    pub pipeline_funnel: Option<PipelineFunnel>,
    /// Every problem found while reading.
    pub problems: Vec<Problem>,
    /// Quotes that need a reminder as of `as_of`.
    pub reminders: Vec<Reminder>,
    /// Each customer's one next action (the Dashboard).
    pub actions: Vec<NextAction>,
    /// Customer value (SPEC §11): the BG/NBD and Gamma-Gamma fits and each customer's value.
    pub value: ValueTable,
    /// Group Roster, Price Check and Promo Eligibility (only with group sheets, SPEC §7).
    pub group_sheets: Vec<SheetContent>,
    /// Sales lines charged differently from the price that applied.
    pub price_mismatches: usize,
    /// Stock and reorder suggestions (SPEC §10); `None` without a Stock sheet.
    pub stock: Option<crate::analysis::stock::StockReport>,
    /// Products that crossed the low-stock line since the day before `as_of` (SPEC §10).
    pub newly_low: Vec<crate::analysis::stock::StockLine>,
    /// The notification journal beside the workbook, as it was when the workbook was read
    /// (the Sent Log sheet); empty without one.
    pub sent_log: Vec<crate::notify::journal::Entry>,
    /// `notify.mask`: whether the Sent Log masks phone numbers and e-mail addresses.
    pub mask: bool,
    /// Abandoned carts (SPEC §12); `None` without a carts sheet.
    pub carts: Option<crate::analysis::carts::CartReport>,
    /// The flow messages the Sent Log records (read back from the workbook, plus those
    /// `today --apply` adds), written again into the Sent Log sheet.
    pub flow_log: Vec<crate::ingest::flows::FlowSent>,
    /// The lifecycle flow messages of `as_of` (SPEC §8); `None` without a Flows sheet.
    pub flows: Option<crate::analysis::flows::FlowDay>,
}

/// The send time the generated sheets assume for flow messages (a daytime run: marketing
/// messages are not held for quiet hours), so the Dashboard does not depend on the clock.
pub const SHEET_SEND_TIME: chrono::NaiveTime = match chrono::NaiveTime::from_hms_opt(10, 0, 0) {
    Some(t) => t,
    None => chrono::NaiveTime::MIN,
};

/// The flow decision of `as_of` at `at` (SPEC §8); `None` without a Flows sheet.
pub fn flow_day(
    loaded: &Loaded,
    customers: &CustomerTable,
    reminders: &[Reminder],
    as_of: NaiveDate,
    at: chrono::NaiveTime,
) -> Option<crate::analysis::flows::FlowDay> {
    let (data, s) = (&loaded.data, &loaded.settings);
    if data.flows.is_empty() {
        return None;
    }
    let opts = crate::analysis::flows::FlowOptions::of(s, as_of, at);
    Some(crate::analysis::flows::flow_day(
        data,
        customers,
        reminders,
        &data.flow_log,
        &opts,
    ))
}

/// Quotes sent on or before `day` (borrowed when none is later).
fn quotes_upto(quotes: &[QuoteRow], day: NaiveDate) -> Cow<'_, [QuoteRow]> {
    if quotes.iter().all(|q| q.sent.date() <= day) {
        Cow::Borrowed(quotes)
    } else {
        Cow::Owned(
            quotes
                .iter()
                .filter(|q| q.sent.date() <= day)
                .cloned()
                .collect(),
        )
    }
}

/// Run every analysis on `loaded` as of `as_of`.
pub fn analyse(loaded: &Loaded, as_of: NaiveDate) -> anyhow::Result<Analyses> {
    let (data, settings, lang) = (&loaded.data, &loaded.settings, loaded.lang);
    let mut customers = customer_table(&data.sales, &data.quotes, &data.customers, settings, as_of);
    crate::analysis::groups::tag_groups(data, settings, &mut customers);
    let changes_since = previous_week_end(as_of, settings.week_start);
    let before = customer_table(
        &data.sales,
        &data.quotes,
        &data.customers,
        settings,
        changes_since,
    );
    let mut before = before;
    crate::analysis::groups::tag_groups(data, settings, &mut before);
    let changes = changes_between(&before, &customers, settings);
    crate::timings::phase("a:customers");

    let opts = FunnelOptions::from_settings(settings);
    let quotes = quotes_upto(&data.quotes, as_of);
    let quote_funnel =
        (!quotes.is_empty()).then(|| QuoteFunnel::build(&quotes, &data.sales, &opts));
    let pipeline_funnel =
        (!data.pipeline.is_empty()).then(|| PipelineFunnel::build(&data.pipeline, &opts));

    let reminders = due_reminders(data, &customers, settings, as_of);
    let mut actions = next_actions(data, &customers, settings, as_of);
    let flows = flow_day(loaded, &customers, &reminders, as_of, SHEET_SEND_TIME);
    crate::timings::phase("a:funnel+rem");
    if let Some(day) = &flows {
        crate::analysis::remind::actions_from_flows(&mut actions, day, loaded.currency);
    }
    let week = Week::last_complete_before(as_of, settings.week_start);
    // Last week's end is usually the reported week's end: that table is already made.
    let at_week_end = (changes_since == week.end()).then_some(&before);
    let mut problems = data.problems.clone();
    let (group_sheets, price_mismatches) = group_sheets(loaded, &customers, &mut problems);
    let sent_log = crate::notify::journal::entries(&loaded.path)?;
    let stock_on = |day| {
        crate::analysis::stock::stock_report(
            &data.stock,
            &data.stock_moves,
            &data.product_sales,
            &settings.stock,
            day,
        )
    };
    let stock = (!data.stock.is_empty()).then(|| stock_on(as_of));
    // The low-stock notification fires when an item crosses the line, not every night it
    // stays low: what is low now and was not the day before (a pure function of the data).
    let newly_low = match (&stock, as_of.pred_opt()) {
        (Some(now), Some(day_before)) => {
            crate::analysis::stock::newly_low(&stock_on(day_before), now)
                .into_iter()
                .cloned()
                .collect()
        }
        _ => Vec::new(),
    };
    // The weekly report shares the price check and the stock report made above (same day).
    let done = WeeklyInputs {
        at_week_end,
        price_mismatches,
        stock: stock.as_ref(),
    };
    crate::timings::phase("a:groups+st");
    let mut weekly = weekly_for(loaded, week, as_of, &reminders, &done);
    crate::timings::phase("a:weekly");
    let value = value_table(&data.sales, as_of, options_from(settings));
    crate::timings::phase("a:value");
    weekly.value = value_summary(&value, 5, &|key: &str| name_in(&customers, key));

    Ok(Analyses {
        as_of,
        lang,
        currency: loaded.currency,
        shop_name: settings.shop_name.clone(),
        customers,
        changes_since,
        changes,
        weekly,
        quote_funnel,
        pipeline_funnel,
        problems,
        reminders,
        actions,
        value,
        group_sheets,
        price_mismatches,
        stock,
        newly_low,
        sent_log,
        mask: settings.notify.mask,
        flow_log: data.flow_log.clone(),
        flows,
        carts: cart_report(loaded, as_of),
    })
}

/// The cart report as of `as_of`, when the workbook has a carts sheet.
pub fn cart_report(l: &Loaded, as_of: NaiveDate) -> Option<crate::analysis::carts::CartReport> {
    let has_carts = l
        .data
        .sheets
        .iter()
        .any(|s| s.role == Some(crate::settings::Role::Carts));
    has_carts.then(|| {
        crate::analysis::carts::cart_report(
            &l.data.carts,
            &l.data.sales,
            l.settings.cart_recovery_days,
            l.settings.week_start,
            as_of,
        )
    })
}

/// The group sheets as of the customer table's day; their problems join the others.
fn group_sheets(
    loaded: &Loaded,
    customers: &CustomerTable,
    problems: &mut Vec<Problem>,
) -> (Vec<SheetContent>, usize) {
    if loaded.data.groups.is_empty() {
        return (Vec::new(), 0);
    }
    let book = crate::analysis::groups::GroupBook::new(&loaded.data, &loaded.settings);
    let (checks, ties) = book.price_check(customers.as_of);
    problems.extend(crate::analysis::groups::validate(&book));
    problems.extend(ties);
    let sheets = crate::render::contents_groups::sheets(&book, customers, &checks, loaded.lang);
    (sheets, checks.len())
}

/// The weekly report of `week` as of `as_of`: KPIs, the week's quote funnel, grade changes from
/// the end of the week before to the end of this one (most important first), reminders due.
/// What [`analyse`] has already computed that the weekly report of its `as_of` reuses.
pub struct WeeklyInputs<'a> {
    /// The customer table as of the reported week's end, when that day's table exists.
    pub at_week_end: Option<&'a CustomerTable>,
    /// How many group prices disagree with the sales as of `as_of` (0 without group sheets).
    pub price_mismatches: usize,
    /// The stock report as of `as_of`; `None` without a stock sheet.
    pub stock: Option<&'a crate::analysis::stock::StockReport>,
}

/// `done` holds what [`analyse`] already computed for `as_of`, so nothing is computed twice.
pub fn weekly_for(
    l: &Loaded,
    week: Week,
    as_of: NaiveDate,
    reminders: &[Reminder],
    done: &WeeklyInputs<'_>,
) -> WeeklyReport {
    let s = &l.settings;
    let d = &l.data;
    let top_n = s.report_top_n as usize;
    let mut r = weekly_report(&d.sales, &d.quotes, week, s.week_start, top_n);
    r.shop_name = s.shop_name.trim().to_string();
    r.currency = l.currency;
    r.lang = l.lang;
    r.as_of = as_of;

    let week_quotes: Vec<QuoteRow> = d
        .quotes
        .iter()
        .filter(|q| week.contains(q.sent.date()))
        .cloned()
        .collect();
    if !week_quotes.is_empty() {
        let f = QuoteFunnel::build(&week_quotes, &d.sales, &FunnelOptions::from_settings(s));
        r.funnel = f
            .table
            .rows
            .iter()
            .map(|row| FunnelBar {
                label: QUOTE_STAGES
                    .iter()
                    .find(|(en, _)| *en == row.stage)
                    .map_or(row.stage.clone(), |(en, ko)| {
                        l.lang.pick(ko, en).to_string()
                    }),
                count: row.count,
                pct: row.cumulative_pct,
            })
            .collect();
    }

    // Grades at the end of the week against the end of the week before.
    let before = customer_table(&d.sales, &d.quotes, &d.customers, s, week.prev().end());
    let computed;
    let now = if let Some(t) = done.at_week_end {
        t
    } else {
        computed = customer_table(&d.sales, &d.quotes, &d.customers, s, week.end());
        &computed
    };
    let mut changes = changes_between(&before, now, s);
    // What matters most first (the PDF shows the first few): VIP grades before responder
    // grades, upgrades before downgrades, higher new grades first.
    changes.sort_by_key(|c| {
        (
            c.kind != GradeKind::Vip,
            c.direction != Direction::Upgrade,
            c.to.rank,
        )
    });
    r.grade_changes = changes
        .into_iter()
        .map(|c| GradeChangeLine {
            customer: c.name,
            from: c.from.name.in_lang(l.lang).to_string(),
            to: c.to.name.in_lang(l.lang).to_string(),
            up: c.direction == Direction::Upgrade,
        })
        .collect();

    r.price_mismatches = done.price_mismatches;
    if let Some(stock) = done.stock {
        r.low_stock = low_stock_lines(stock);
    }
    r.carts = cart_report(l, as_of).map(|c| {
        let totals = c.totals();
        crate::analysis::weekly::CartsWeek {
            week: c.week(week),
            open: totals.open,
            open_value: totals.open_value,
            products: c
                .products
                .iter()
                .filter(|p| p.abandoned > 0)
                .take(5)
                .map(|p| (p.product.clone(), p.abandoned))
                .collect(),
        }
    });
    r.reminders = reminders
        .iter()
        .map(|m| ReminderLine {
            customer: m.name.clone(),
            quote_id: m.quote_id.clone().unwrap_or_else(|| m.cell.to_string()),
            cell: m.cell.clone(),
            days_since_sent: m.days_since_sent,
        })
        .collect();
    r
}

/// The out-of-stock and low items of `stock`, most urgent first, as the weekly report lists them.
fn low_stock_lines(
    stock: &crate::analysis::stock::StockReport,
) -> Vec<crate::analysis::weekly::LowStockLine> {
    use crate::analysis::stock::Status;
    // Filtering before the (stable) urgency sort keeps the order sorting everything gave.
    let mut low: Vec<_> = stock
        .lines
        .iter()
        .filter(|x| matches!(x.status, Status::Out | Status::Low))
        .cloned()
        .collect();
    crate::analysis::stock::sort_urgent(&mut low);
    low.iter()
        .map(|x| crate::analysis::weekly::LowStockLine {
            product: x.label(),
            stock: x.stock,
            threshold: x.threshold,
            days_of_cover: x.cover_shown(),
            suggested_order: x.suggested_order,
        })
        .collect()
}

/// A customer's name from the customer table (the key when it has none).
fn name_in(customers: &CustomerTable, key: &str) -> String {
    let rows = &customers.rows;
    rows.binary_search_by(|r| r.key.as_str().cmp(key))
        .map_or_else(|_| key.to_string(), |i| rows[i].display_name().to_string())
}

impl Analyses {
    /// The context every generated sheet shares.
    pub fn sheet_context(&self) -> SheetContext {
        SheetContext {
            lang: self.lang,
            as_of: self.as_of,
            currency: self.currency,
        }
    }

    /// The generated sheets in workbook order (Funnel only with quotes or a pipeline; Data
    /// Issues only with errors or warnings).
    pub fn sheets(&self) -> Vec<SheetContent> {
        let lang = self.lang;
        let mut out = vec![contents::customer_stats(&self.customers, lang)];
        out.extend(contents::funnel(
            self.quote_funnel.as_ref(),
            self.pipeline_funnel.as_ref(),
            &self.customers,
            lang,
        ));
        let mut dashboard = contents_remind::dashboard_sheet(&self.actions, lang);
        if !self.group_sheets.is_empty() {
            contents_remind::add_group_column(&mut dashboard, &self.actions, &self.customers, lang);
        }
        out.push(dashboard);
        out.push(contents_remind::reminders_sheet(&self.reminders, lang));
        out.push(contents::grade_changes(
            &self.changes,
            self.changes_since,
            lang,
        ));
        out.push(contents::weekly(&self.weekly));
        let names = |key: &str| name_in(&self.customers, key);
        out.push(contents_value::customer_value(
            &self.value,
            &names,
            lang,
            self.currency,
        ));
        out.extend(self.group_sheets.iter().cloned());
        if let Some(r) = &self.stock {
            out.push(contents::reorder(r, lang));
        }
        out.extend(
            self.carts
                .as_ref()
                .map(|c| contents_carts::cart_sheet(c, lang)),
        );
        // Notes alone (void rows counted, returns netted) are no data problem: the summary
        // says "0 problems", so there is no Data Issues sheet either.
        if self
            .problems
            .iter()
            .any(|p| p.severity != crate::model::Severity::Note)
        {
            out.extend(contents::data_issues(&self.problems, lang));
        }
        out.extend(contents_sentlog::sent_log_with_flows(
            &self.sent_log,
            &self.flow_log,
            self.mask,
            lang,
        ));
        out
    }
}
