//! `dangol value`: customer value (SPEC §11) — the BG/NBD and Gamma-Gamma fits, each
//! customer's chance of still being active, expected orders, expected average order and
//! 12-month value; `--calibrate-until` checks the model against what happened after a date.

use std::path::PathBuf;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::analysis::value::{
    BgNbdFit, Blank, GammaGammaFit, Holdout, ValueOptions, ValueTable, holdout, value_table,
};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::ingest::Loaded;
use crate::model::Lang;
use crate::render::contents_value::{blank_reason, fit_summary, number, value_table_sheet};
use crate::render::table::{Cell, SheetTable};
use crate::render::{csv_out, terminal};

/// Customer value: who is still active, expected orders, expected spend and 12-month value.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol value shop.xlsx                          # the fit and the most valuable customers
  dangol value shop.xlsx --top 50
  dangol value shop.xlsx --format json > value.json
  dangol value shop.xlsx --format csv > value.csv
  dangol value shop.xlsx --as-of 2025-06-30 --calibrate-until 2025-03-31
                                                  # fit on data to March, compare with April–June
A repeat purchase is a later purchase day. Fewer repeat customers than clv.min_repeaters (30)
or a fit that does not converge leaves the columns empty and says why.")]
pub struct Args {
    /// The workbook or CSV file.
    pub workbook: PathBuf,
    /// Show only the first N customers by value in the terminal table (default 20).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Fit on purchases up to DATE and compare the orders it predicts after DATE with the
    /// actual ones up to --as-of (summed and by tenth of customers).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub calibrate_until: Option<NaiveDate>,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("expected a date like 2025-04-15, found {s:?}"))
}

/// The analysis options from the effective settings.
pub fn options(loaded: &Loaded) -> ValueOptions {
    crate::analysis::value::options_from(&loaded.settings)
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let as_of = super::as_of(g);
    if let Some(until) = args.calibrate_until
        && until >= as_of
    {
        return Err(super::UsageError(format!(
            "--calibrate-until {until} must be before the as-of day {as_of}: \
             the check compares what the model predicts after that day with what happened"
        ))
        .into());
    }
    let loaded = super::load(&args.workbook, g)?;
    // `--as-of latest` is known once the data is read.
    let as_of = super::as_of(g);
    let opts = options(&loaded);
    let table = value_table(&loaded.data.sales, as_of, opts);
    let check = args
        .calibrate_until
        .map(|until| (until, holdout(&loaded.data.sales, until, as_of, opts)));
    let text = match g.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&json(&table, check.as_ref(), &loaded))?;
            s.push('\n');
            s
        }
        Format::Csv => String::from_utf8(csv_out::to_csv(&csv_table(&table, &loaded))?)?,
        Format::Table | Format::Xlsx => terminal_text(&table, check.as_ref(), &loaded, args.top),
    };
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}

/// A number in text with thousands separators, `dp` decimals.
fn num(v: f64, dp: u32) -> String {
    Decimal::try_from(v).map_or_else(
        |_| format!("{v}"),
        |d| crate::model::values::format_number(d.round_dp(dp)),
    )
}

/// Round for output: the fits are deterministic, the extra digits are noise to a reader.
fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    let r = (v * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

#[derive(Serialize)]
struct BgNbdJson {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alpha_days: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alpha_weeks: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    a: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    b: Option<f64>,
    /// With `t_x` and T in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    log_likelihood_days: Option<f64>,
    /// The same fit with time in weeks, as the literature reports it.
    #[serde(skip_serializing_if = "Option::is_none")]
    log_likelihood_weeks: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iterations: Option<u32>,
}

fn bgnbd_json(fit: &Result<BgNbdFit, Blank>, total_x: f64) -> BgNbdJson {
    match fit {
        Ok(f) => {
            let p = f.params;
            BgNbdJson {
                status: "fitted",
                reason: None,
                r: Some(round(p.r, 6)),
                alpha_days: Some(round(p.alpha, 6)),
                alpha_weeks: Some(round(p.alpha / 7.0, 6)),
                a: Some(round(p.a, 6)),
                b: Some(round(p.b, 6)),
                log_likelihood_days: Some(round(f.ln_likelihood, 4)),
                // Each purchase time's density in weeks is 7× its density in days.
                log_likelihood_weeks: Some(round(
                    f.ln_likelihood + total_x * crate::analysis::value::special::ln(7.0),
                    4,
                )),
                iterations: Some(f.iterations),
            }
        }
        Err(b) => BgNbdJson {
            status: "blank",
            reason: Some(blank_reason(b, Lang::En)),
            r: None,
            alpha_days: None,
            alpha_weeks: None,
            a: None,
            b: None,
            log_likelihood_days: None,
            log_likelihood_weeks: None,
            iterations: None,
        },
    }
}

#[derive(Serialize)]
struct GammaGammaJson {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    q: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gamma: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_likelihood: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iterations: Option<u32>,
    /// Repeat customers in the fit.
    customers: usize,
    /// Repeat customers left out because their average repeat purchase is not positive.
    excluded_not_positive: usize,
    /// Pearson correlation of repeat purchases and average spend (the model assumes it small).
    frequency_spend_correlation: Option<f64>,
}

fn gamma_gamma_json(t: &ValueTable) -> GammaGammaJson {
    let base = GammaGammaJson {
        status: "blank",
        reason: None,
        p: None,
        q: None,
        gamma: None,
        log_likelihood: None,
        iterations: None,
        customers: t.repeaters - t.excluded_spend,
        excluded_not_positive: t.excluded_spend,
        frequency_spend_correlation: t.spend_correlation.map(|c| round(c, 4)),
    };
    match &t.gamma_gamma {
        Ok(GammaGammaFit {
            params,
            ln_likelihood,
            iterations,
            customers,
        }) => GammaGammaJson {
            status: "fitted",
            p: Some(round(params.p, 6)),
            q: Some(round(params.q, 6)),
            gamma: Some(round(params.gamma, 6)),
            log_likelihood: Some(round(*ln_likelihood, 4)),
            iterations: Some(*iterations),
            customers: *customers,
            ..base
        },
        Err(b) => GammaGammaJson {
            reason: Some(blank_reason(b, Lang::En)),
            ..base
        },
    }
}

#[derive(Serialize)]
struct CustomerValueJson {
    customer: String,
    key: String,
    first_purchase: NaiveDate,
    last_purchase: NaiveDate,
    repeat_purchases: u32,
    last_purchase_day: u32,
    age_days: u32,
    avg_repeat_purchase: Option<Decimal>,
    p_alive: Option<f64>,
    expected_orders_90: Option<f64>,
    expected_orders_365: Option<f64>,
    expected_avg_order: Option<f64>,
    clv: Option<f64>,
}

#[derive(Serialize)]
struct HoldoutJson {
    until: NaiveDate,
    days: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customers: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    predicted_orders: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actual_orders: Option<u64>,
    deciles: Vec<DecileJson>,
}

#[derive(Serialize)]
struct DecileJson {
    decile: u8,
    customers: usize,
    predicted_orders: f64,
    actual_orders: u64,
}

#[derive(Serialize)]
struct ValueJson {
    as_of: NaiveDate,
    currency: &'static str,
    customers: usize,
    repeat_customers: usize,
    discount_per_month: f64,
    bgnbd: BgNbdJson,
    gamma_gamma: GammaGammaJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    clv_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    holdout: Option<HoldoutJson>,
    rows: Vec<CustomerValueJson>,
}

fn json(
    t: &ValueTable,
    check: Option<&(NaiveDate, Result<Holdout, Blank>)>,
    loaded: &Loaded,
) -> ValueJson {
    let total_x = t.repeat_days();
    let money = i32::try_from(loaded.currency.decimals()).unwrap_or(2);
    ValueJson {
        as_of: t.as_of,
        currency: loaded.currency.code(),
        customers: t.customers,
        repeat_customers: t.repeaters,
        discount_per_month: t.options.discount,
        bgnbd: bgnbd_json(&t.bgnbd, total_x),
        gamma_gamma: gamma_gamma_json(t),
        clv_reason: t.clv_blank.as_ref().map(|b| blank_reason(b, Lang::En)),
        holdout: check.map(|(until, h)| holdout_json(*until, t.as_of, h)),
        rows: t
            .rows
            .iter()
            .map(|r| CustomerValueJson {
                customer: display_name(loaded, &r.history.key),
                key: r.history.key.clone(),
                first_purchase: r.history.first,
                last_purchase: r.history.last,
                repeat_purchases: r.history.x,
                last_purchase_day: r.history.t_x,
                age_days: r.history.t,
                avg_repeat_purchase: r.history.avg_repeat().map(|d| d.round_dp(4).normalize()),
                p_alive: r.p_alive.map(|v| round(v, 4)),
                expected_orders_90: r.expected_90.map(|v| round(v, 4)),
                expected_orders_365: r.expected_365.map(|v| round(v, 4)),
                expected_avg_order: r.expected_avg_order.map(|v| round(v, money)),
                clv: r.clv.map(|v| round(v, money)),
            })
            .collect(),
    }
}

fn holdout_json(until: NaiveDate, as_of: NaiveDate, h: &Result<Holdout, Blank>) -> HoldoutJson {
    let days = u32::try_from((as_of - until).num_days()).unwrap_or(0);
    match h {
        Ok(h) => HoldoutJson {
            until,
            days: h.days,
            reason: None,
            customers: Some(h.customers),
            predicted_orders: Some(round(h.predicted, 2)),
            actual_orders: Some(h.actual),
            deciles: h
                .deciles
                .iter()
                .map(|d| DecileJson {
                    decile: d.decile,
                    customers: d.customers,
                    predicted_orders: round(d.predicted, 2),
                    actual_orders: d.actual,
                })
                .collect(),
        },
        Err(b) => HoldoutJson {
            until,
            days,
            reason: Some(blank_reason(b, Lang::En)),
            customers: None,
            predicted_orders: None,
            actual_orders: None,
            deciles: Vec::new(),
        },
    }
}

fn display_name(loaded: &Loaded, key: &str) -> String {
    crate::render::contents_value::name_of(&loaded.data.sales, key)
}

fn csv_table(t: &ValueTable, loaded: &Loaded) -> SheetTable {
    let v = json(t, None, loaded);
    let cols = [
        "customer",
        "key",
        "first_purchase",
        "last_purchase",
        "repeat_purchases",
        "last_purchase_day",
        "age_days",
        "avg_repeat_purchase",
        "p_alive",
        "expected_orders_90",
        "expected_orders_365",
        "expected_avg_order",
        "clv",
    ];
    let mut s = SheetTable::new(String::new(), &cols);
    let opt = |v: Option<f64>, dp: u32| v.map_or(Cell::Empty, |v| number(v, dp));
    for r in v.rows {
        s.push(vec![
            Cell::text(r.customer),
            Cell::text(r.key),
            Cell::Date(r.first_purchase),
            Cell::Date(r.last_purchase),
            Cell::Int(i64::from(r.repeat_purchases)),
            Cell::Int(i64::from(r.last_purchase_day)),
            Cell::Int(i64::from(r.age_days)),
            r.avg_repeat_purchase.map_or(Cell::Empty, Cell::Number),
            opt(r.p_alive, 4),
            opt(r.expected_orders_90, 4),
            opt(r.expected_orders_365, 4),
            opt(r.expected_avg_order, 2),
            opt(r.clv, 2),
        ]);
    }
    s
}

fn terminal_text(
    t: &ValueTable,
    check: Option<&(NaiveDate, Result<Holdout, Blank>)>,
    loaded: &Loaded,
    top: Option<usize>,
) -> String {
    let lang = loaded.lang;
    let mut s = String::new();
    for line in fit_summary(t, lang) {
        s.push_str(&line);
        s.push('\n');
    }
    s.push('\n');
    let names = |k: &str| display_name(loaded, k);
    let mut sheet = value_table_sheet(t, &names, lang, loaded.currency);
    sheet.rows.truncate(top.unwrap_or(20));
    // The reason is printed above; one copy per row would only widen the table.
    sheet.columns.pop();
    for row in &mut sheet.rows {
        row.pop();
    }
    s.push_str(&terminal::render_titled(&sheet, loaded.currency));
    if !s.ends_with('\n') {
        s.push('\n');
    }
    if let Some((until, h)) = check {
        s.push('\n');
        match h {
            Ok(h) => {
                s.push_str(&match lang {
                    Lang::Ko => format!(
                        "검증: {until}까지로 적합, 이후 {}일 예상 주문 {}건 / 실제 {}건\n",
                        num(f64::from(h.days), 0),
                        num(h.predicted, 1),
                        num(h.actual as f64, 0)
                    ),
                    Lang::En => format!(
                        "Holdout: fitted to {until}; the next {} days: {} orders predicted, \
                         {} actual\n",
                        num(f64::from(h.days), 0),
                        num(h.predicted, 1),
                        num(h.actual as f64, 0)
                    ),
                });
                for d in &h.deciles {
                    s.push_str(&format!(
                        "  {} {:>2}: {} {:>6}, {} {:>8}, {} {:>6}\n",
                        lang.pick("십분위", "decile"),
                        d.decile,
                        lang.pick("고객", "customers"),
                        num(d.customers as f64, 0),
                        lang.pick("예상", "predicted"),
                        num(d.predicted, 1),
                        lang.pick("실제", "actual"),
                        num(d.actual as f64, 0)
                    ));
                }
            }
            Err(b) => s.push_str(&format!(
                "{}: {}\n",
                lang.pick("검증", "Holdout"),
                blank_reason(b, lang)
            )),
        }
    }
    s
}
