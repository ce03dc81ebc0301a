//! Render a fixture weekly report to a PDF: `cargo run --example render_report -- ko out.pdf`
//! (`ko` or `en`; an optional third argument is a TTF/OTF to use instead of the embedded font).
//! Its fixture has long Korean names and 10-digit amounts, to check that they fit (the
//! `docs/report-*.png` pictures come from the sample shops: see `examples/sample_report.rs`).

use std::path::PathBuf;

use chrono::{NaiveDate, Weekday};
use dangol::analysis::weekly::{
    FunnelBar, GradeChangeLine, Kpis, ReminderLine, TREND_WEEKS, TopCustomer, Week, WeekRevenue,
    WeeklyReport,
};
use dangol::model::{Currency, Lang};
use dangol::render::pdf::{FontSource, render_weekly_pdf};
use rust_decimal::Decimal;

/// The twelve weeks up to `week`, with one empty week and 10-digit amounts.
fn trend(week: Week) -> Vec<WeekRevenue> {
    let d = Decimal::from;
    let mut trend = Vec::new();
    let mut w = week;
    for _ in 0..TREND_WEEKS {
        trend.push(w);
        w = w.prev();
    }
    trend.reverse();
    let amounts: [i64; TREND_WEEKS] = [
        812_000_000,
        903_500_000,
        655_000_000,
        1_020_000_000,
        998_000_000,
        1_105_000_000,
        870_000_000,
        0,
        1_150_000_000,
        1_201_000_000,
        1_098_765_430,
        1_234_567_890,
    ];
    trend
        .into_iter()
        .zip(amounts)
        .map(|(week, a)| WeekRevenue {
            week,
            revenue: d(a),
        })
        .collect()
}

/// Customer names, the first one long.
fn names(ko: bool) -> Vec<&'static str> {
    if ko {
        vec![
            "(주)한빛상사 서울본사 구매팀 김철수 과장님",
            "이영희",
            "박민준",
            "Acme Trading Co.",
            "최서연",
            "정하늘",
        ]
    } else {
        vec![
            "Harbour & Sons Wholesale (North-East Regional Office)",
            "Acme Trading Co.",
            "Bright Mart",
            "김철수",
            "Nordic Design",
            "Olive Tree",
        ]
    }
}

/// The top customers, one per name.
fn top_customers(names: &[&str]) -> Vec<TopCustomer> {
    let d = Decimal::from;
    names
        .iter()
        .enumerate()
        .map(|(i, n)| TopCustomer {
            customer: format!("c{i}"),
            name: (*n).to_string(),
            orders: 12 - i as u64 * 2,
            revenue: d(987_654_321 / (i as i64 + 1)),
        })
        .collect()
}

/// The week's quote funnel.
fn funnel(ko: bool) -> Vec<FunnelBar> {
    let (sent, opened, responded, ordered, reordered) = if ko {
        ("발송", "열람", "응답", "주문", "재주문")
    } else {
        ("Sent", "Opened", "Responded", "Ordered", "Reordered")
    };
    [
        (sent, 48, "100"),
        (opened, 31, "64.6"),
        (responded, 17, "35.4"),
        (ordered, 9, "18.8"),
        (reordered, 2, "4.2"),
    ]
    .into_iter()
    .map(|(l, c, p)| FunnelBar {
        label: l.to_string(),
        count: c,
        pct: Some(p.parse().expect("decimal")),
    })
    .collect()
}

fn report(lang: Lang) -> WeeklyReport {
    let week = Week::parse("2025-W16", Weekday::Mon).expect("valid week");
    let d = Decimal::from;
    let ko = lang == Lang::Ko;
    let names = names(ko);
    let (vip, gold, regular) = if ko {
        ("VIP", "골드", "일반")
    } else {
        ("VIP", "Gold", "Standard")
    };
    WeeklyReport {
        shop_name: if ko {
            "단골상회 — 성수동 본점".into()
        } else {
            "Dangol Supply Co. — Seongsu flagship".into()
        },
        currency: Currency::Krw,
        lang,
        as_of: NaiveDate::from_ymd_opt(2025, 4, 21).expect("valid date"),
        week,
        current: Kpis {
            revenue: d(1_234_567_890),
            orders: 1_204,
            customers: 311,
            new_customers: 42,
            avg_order: Some(d(1_025_388)),
            quotes_sent: 48,
            quotes_opened: 31,
            quotes_converted: 9,
            open_rate: Some(Decimal::new(6458, 4)),
            conversion_rate: Some(Decimal::new(1875, 4)),
        },
        previous: Kpis {
            revenue: d(1_098_765_430),
            orders: 1_251,
            customers: 298,
            new_customers: 42,
            avg_order: Some(d(878_309)),
            quotes_sent: 40,
            quotes_opened: 28,
            quotes_converted: 9,
            open_rate: Some(Decimal::new(7, 1)),
            conversion_rate: Some(Decimal::new(225, 3)),
        },
        trend: trend(week),
        top_customers: top_customers(&names),
        funnel: funnel(ko),
        grade_changes: vec![
            GradeChangeLine {
                customer: names[0].into(),
                from: gold.into(),
                to: vip.into(),
                up: true,
            },
            GradeChangeLine {
                customer: names[2].into(),
                from: regular.into(),
                to: gold.into(),
                up: true,
            },
            GradeChangeLine {
                customer: names[4].into(),
                from: vip.into(),
                to: gold.into(),
                up: false,
            },
        ],
        reminders: vec![
            ReminderLine {
                customer: names[1].into(),
                quote_id: "Q-2025-0412".into(),
                cell: dangol::model::CellRef::new("Quotes", 1, 0),
                days_since_sent: 5,
            },
            ReminderLine {
                customer: names[3].into(),
                quote_id: "Q-2025-0415".into(),
                cell: dangol::model::CellRef::new("Quotes", 2, 0),
                days_since_sent: 4,
            },
            ReminderLine {
                customer: names[5].into(),
                quote_id: "Q-2025-0417".into(),
                cell: dangol::model::CellRef::new("Quotes", 3, 0),
                days_since_sent: 1,
            },
        ],
        value: dangol::analysis::value::ValueSummary::default(),
        price_mismatches: 0,
        low_stock: Vec::new(),
        carts: None,
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lang = if args.first().map(String::as_str) == Some("en") {
        Lang::En
    } else {
        Lang::Ko
    };
    let out = PathBuf::from(args.get(1).map_or("report.pdf", String::as_str));
    let font = args
        .get(2)
        .map_or(FontSource::Embedded, |p| FontSource::Path(p.into()));
    let (bytes, warnings) = render_weekly_pdf(&report(lang), &font)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    std::fs::write(&out, &bytes)?;
    eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(())
}
