//! One call from a loaded workbook to every analysis dangol has, and from those to the
//! generated sheets: what `dangol run` does between reading and writing.

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::analysis::customers::{
    CustomerTable, Direction, GradeChange, changes_between, customer_table, previous_week_end,
};
use crate::analysis::funnel::{FunnelOptions, PipelineFunnel, QUOTE_STAGES, QuoteFunnel};
use crate::analysis::remind::{NextAction, Reminder, due_reminders, next_actions};
use crate::analysis::weekly::{
    FunnelBar, GradeChangeLine, ReminderLine, Week, WeeklyReport, weekly_report,
};
use crate::ingest::Loaded;
use crate::model::{Currency, Lang, Problem, QuoteRow};
use crate::render::sheets::SheetContext;
use crate::render::table::SheetContent;
use crate::render::{contents, contents_remind};

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
    let customers = customer_table(&data.sales, &data.quotes, &data.customers, settings, as_of);
    let changes_since = previous_week_end(as_of, settings.week_start);
    let before = customer_table(
        &data.sales,
        &data.quotes,
        &data.customers,
        settings,
        changes_since,
    );
    let changes = changes_between(&before, &customers, settings);

    let opts = FunnelOptions::from_settings(settings);
    let quotes = quotes_upto(&data.quotes, as_of);
    let quote_funnel =
        (!quotes.is_empty()).then(|| QuoteFunnel::build(&quotes, &data.sales, &opts));
    let pipeline_funnel =
        (!data.pipeline.is_empty()).then(|| PipelineFunnel::build(&data.pipeline, &opts));

    let week = Week::last_complete_before(as_of, settings.week_start);
    let mut weekly = weekly_report(
        &data.sales,
        &data.quotes,
        week,
        settings.week_start,
        settings.report_top_n as usize,
    );
    weekly.shop_name.clone_from(&settings.shop_name);
    weekly.currency = loaded.currency;
    weekly.lang = lang;
    weekly.as_of = as_of;
    weekly.funnel = week_funnel(&data.quotes, &data.sales, week, &opts, lang);
    weekly.grade_changes = changes
        .iter()
        .map(|c| GradeChangeLine {
            customer: c.name.clone(),
            from: c.from.name.in_lang(lang).to_string(),
            to: c.to.name.in_lang(lang).to_string(),
            up: c.direction == Direction::Upgrade,
        })
        .collect();
    // Reminders are filled by the reminder analysis once it exists.

    let reminders = due_reminders(data, &customers, settings, as_of);
    let actions = next_actions(data, &customers, settings, as_of);
    weekly.reminders = reminders
        .iter()
        .map(|r| ReminderLine {
            customer: r.name.clone(),
            quote_id: r.quote_id.clone().unwrap_or_default(),
            days_since_sent: r.days_since_sent,
        })
        .collect();

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
        problems: data.problems.clone(),
        reminders,
        actions,
    })
}

/// The quote funnel of the quotes sent in `week`, as the weekly report's bars.
fn week_funnel(
    quotes: &[QuoteRow],
    sales: &crate::model::SalesLedger,
    week: Week,
    opts: &FunnelOptions,
    lang: Lang,
) -> Vec<FunnelBar> {
    let in_week: Vec<QuoteRow> = quotes
        .iter()
        .filter(|q| week.contains(q.sent.date()))
        .cloned()
        .collect();
    if in_week.is_empty() {
        return Vec::new();
    }
    let f = QuoteFunnel::build(&in_week, sales, opts);
    f.table
        .rows
        .iter()
        .map(|r| FunnelBar {
            label: QUOTE_STAGES
                .iter()
                .find(|(en, _)| *en == r.stage)
                .map_or(r.stage.clone(), |(en, ko)| lang.pick(ko, en).to_string()),
            count: r.count,
            pct: r.cumulative_pct,
        })
        .collect()
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

    /// The generated sheets built so far, in workbook order (Dashboard and Reminders are not
    /// built yet; Funnel only with quotes or a pipeline; Data Issues only with problems).
    pub fn sheets(&self) -> Vec<SheetContent> {
        let lang = self.lang;
        let mut out = vec![contents::customer_stats(&self.customers, lang)];
        out.extend(contents::funnel(
            self.quote_funnel.as_ref(),
            self.pipeline_funnel.as_ref(),
            &self.customers,
            lang,
        ));
        out.push(contents_remind::dashboard_sheet(&self.actions, lang));
        out.push(contents_remind::reminders_sheet(&self.reminders, lang));
        out.push(contents::grade_changes(
            &self.changes,
            self.changes_since,
            lang,
        ));
        out.push(contents::weekly(&self.weekly));
        out.extend(contents::data_issues(&self.problems, lang));
        out
    }
}
