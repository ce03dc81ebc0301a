//! The weekly PDF read back: its text holds the shop, the week, every KPI as `kpi_rows`
//! formats it, the top customers and the chart labels; it is small (the font is subset) and
//! byte-identical across renders; characters the font lacks are reported.

use chrono::{NaiveDate, Weekday};
use dangol::analysis::weekly::{
    FunnelBar, GradeChangeLine, Kpis, NONE, ReminderLine, TopCustomer, Week, WeekRevenue,
    WeeklyReport, weekly_report,
};
use dangol::model::{CellRef, Currency, Lang, SaleKind, SaleRow, SalesLedger};
use dangol::render::pdf::{FontSource, PdfError, render_weekly_pdf};
use rust_decimal::Decimal;

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

fn report(lang: Lang) -> WeeklyReport {
    let week = Week::parse("2025-W16", Weekday::Mon).unwrap();
    let mut trend = Vec::new();
    let mut w = week;
    for i in 0..12 {
        trend.push(WeekRevenue {
            week: w,
            revenue: d(1_000_000 * (12 - i)),
        });
        w = w.prev();
    }
    trend.reverse();
    let ko = lang == Lang::Ko;
    WeeklyReport {
        shop_name: if ko {
            "단골상회".into()
        } else {
            "Corner Shop".into()
        },
        currency: Currency::Krw,
        lang,
        as_of: NaiveDate::from_ymd_opt(2025, 4, 21).unwrap(),
        week,
        current: Kpis {
            revenue: d(1_234_567_890),
            orders: 40,
            customers: 31,
            new_customers: 5,
            avg_order: Some(d(30_864_197)),
            quotes_sent: 12,
            quotes_opened: 9,
            quotes_converted: 3,
            open_rate: Some(Decimal::new(75, 2)),
            conversion_rate: Some(Decimal::new(25, 2)),
        },
        previous: Kpis {
            revenue: d(1_000_000_000),
            orders: 50,
            customers: 31,
            new_customers: 0,
            avg_order: Some(d(20_000_000)),
            quotes_sent: 10,
            quotes_opened: 5,
            quotes_converted: 1,
            open_rate: Some(Decimal::new(5, 1)),
            conversion_rate: Some(Decimal::new(1, 1)),
        },
        trend,
        top_customers: vec![
            TopCustomer {
                customer: "k".into(),
                name: "김철수".into(),
                orders: 3,
                revenue: d(600_000_000),
            },
            TopCustomer {
                customer: "a".into(),
                name: "Acme Trading".into(),
                orders: 2,
                revenue: d(400_000_000),
            },
            TopCustomer {
                customer: "l".into(),
                name: "이영희".into(),
                orders: 1,
                revenue: d(5_000),
            },
        ],
        funnel: vec![
            FunnelBar {
                label: lang.pick("발송", "Sent").into(),
                count: 12,
                pct: Some(d(100)),
            },
            FunnelBar {
                label: lang.pick("열람", "Opened").into(),
                count: 9,
                pct: Some(d(75)),
            },
        ],
        grade_changes: vec![GradeChangeLine {
            customer: "김철수".into(),
            from: lang.pick("골드", "Gold").into(),
            to: "VIP".into(),
            up: true,
        }],
        reminders: vec![ReminderLine {
            customer: "Acme Trading".into(),
            quote_id: "Q-17".into(),
            cell: CellRef::new("Quotes", 1, 0),
            days_since_sent: 4,
        }],
        value: dangol::analysis::value::ValueSummary::default(),
        price_mismatches: 0,
        low_stock: Vec::new(),
        carts: None,
    }
}

/// All text of the PDF (lopdf decodes through the `ToUnicode` map printpdf writes).
fn text_of(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert!(pages.len() <= 2, "{} pages", pages.len());
    doc.extract_text(&pages).unwrap()
}

fn assert_has(text: &str, want: &str) {
    assert!(
        text.contains(want),
        "{want:?} not found in the PDF text:\n{text}"
    );
}

fn check(r: &WeeklyReport) -> Vec<u8> {
    let (pdf, warnings) = render_weekly_pdf(r, &FontSource::Embedded).unwrap();
    assert_eq!(warnings, Vec::new());
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        pdf.len() < 300_000,
        "{} bytes: the font is not subset",
        pdf.len()
    );
    let text = text_of(&pdf);
    assert_has(&text, &r.shop_name);
    assert_has(&text, "2025-W16 (2025-04-14 ~ 2025-04-20)");
    for k in dangol::render::weekly::kpi_rows(r) {
        assert_has(&text, r.lang.pick(k.label_ko, k.label_en));
        assert_has(&text, &k.value);
        assert_has(&text, &k.change);
        // A tile leaves out an undefined % change (previous 0) rather than print "(–)".
        if k.change_pct != NONE {
            assert_has(&text, &k.change_pct);
        }
    }
    for t in &r.top_customers {
        assert_has(&text, &t.name);
    }
    for w in ["W05", "W10", "W16", "04-14", "01-27"] {
        assert_has(&text, w);
    }
    assert_has(&text, "2025-04-21");
    pdf
}

#[test]
fn korean_report_reads_back() {
    let r = report(Lang::Ko);
    let pdf = check(&r);
    let text = text_of(&pdf);
    for want in [
        "최근 12주 매출",
        "이번 주 상위 고객",
        // Korean text writes won after the number (SPEC promise 6).
        "1,234,567,890원",
        "+234,567,890원",
        "+23.5%",
        "+25.0%p",
        "1,200만원",
        "0원",
        "발송",
        "12 (100.0%)",
        "Q-17",
        "4일",
        "기준일",
    ] {
        assert_has(&text, want);
    }
}

#[test]
fn english_report_reads_back() {
    let r = report(Lang::En);
    let pdf = check(&r);
    let text = text_of(&pdf);
    for want in [
        "Revenue, last 12 weeks",
        "Top customers this week",
        "+25.0 pp",
        "₩12M",
        "Opened",
        "9 (75.0%)",
        "4 days",
        "As of",
        "Page 1 of",
    ] {
        assert_has(&text, want);
    }
}

#[test]
fn two_renders_are_byte_identical() {
    let r = report(Lang::Ko);
    let (a, _) = render_weekly_pdf(&r, &FontSource::Embedded).unwrap();
    let (b, _) = render_weekly_pdf(&r, &FontSource::Embedded).unwrap();
    assert!(a == b, "two renders differ");
    let mut other = r.clone();
    other.shop_name.push('2');
    let (c, _) = render_weekly_pdf(&other, &FontSource::Embedded).unwrap();
    assert!(a != c);
    // The creation date is the as-of day, not the clock.
    assert!(
        String::from_utf8_lossy(&a).contains("D:20250421"),
        "no pinned date"
    );
}

#[test]
fn missing_characters_are_reported_and_replaced() {
    let mut r = report(Lang::En);
    r.top_customers[1].name = "Acme 𝄞 Music".into();
    r.shop_name = "Shop\u{0E01}".into();
    let (pdf, warnings) = render_weekly_pdf(&r, &FontSource::Embedded).unwrap();
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        vec![
            "font lacks 'ก' (U+0E01) in shop name \"Shopก\"".to_string(),
            "font lacks '𝄞' (U+1D11E) in customer name \"Acme 𝄞 Music\"".to_string(),
        ]
    );
    let text = text_of(&pdf);
    assert_has(&text, "Acme ? Music");
    assert_has(&text, "Shop?");
}

#[test]
fn report_from_a_ledger() {
    let row = |at: &str, who: Option<&str>, amount: i64| SaleRow {
        cell: CellRef::new("Sales", 1, 0),
        at: NaiveDate::parse_from_str(at, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap(),
        customer: who.map(str::to_lowercase),
        name: who.map(str::to_string),
        email: None,
        phone: None,
        order_id: None,
        product: None,
        amount: d(amount),
        kind: if amount < 0 {
            SaleKind::Return
        } else {
            SaleKind::Order
        },
        channel: None,
    };
    let mut l = SalesLedger::default();
    let rows = [
        ("1", row("2025-04-15", Some("박지민"), 1_500_000)),
        ("2", row("2025-04-16", Some("Bright Mart"), 700_000)),
        ("3", row("2025-04-09", Some("Bright Mart"), 300_000)),
        ("4", row("2025-04-17", None, 20_000)),
        ("5", row("2025-04-18", Some("박지민"), -100_000)),
    ];
    for (k, r) in &rows {
        l.add(r, k);
    }
    let week =
        Week::last_complete_before(NaiveDate::from_ymd_opt(2025, 4, 21).unwrap(), Weekday::Mon);
    let mut r = weekly_report(&l, &[], week, Weekday::Mon, 10);
    r.shop_name = "Mixed 상점".into();
    r.lang = Lang::Ko;
    r.as_of = NaiveDate::from_ymd_opt(2025, 4, 21).unwrap();
    assert_eq!(r.current.revenue, d(2_120_000));
    let names: Vec<&str> = r.top_customers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["박지민", "Bright Mart"]);
    let pdf = check(&r);
    let text = text_of(&pdf);
    for want in [
        "2,120,000원",
        "1,400,000원",
        "700,000원",
        "견적 데이터 없음",
        "리마인드 대상 없음",
    ] {
        assert_has(&text, want);
    }
}

#[test]
fn long_tables_stay_on_two_pages() {
    let mut r = report(Lang::En);
    r.reminders = (0..200)
        .map(|i| ReminderLine {
            customer: format!("Customer {i}"),
            quote_id: format!("Q-{i}"),
            cell: CellRef::new("Quotes", i + 1, 0),
            days_since_sent: 3,
        })
        .collect();
    let (pdf, warnings) = render_weekly_pdf(&r, &FontSource::Embedded).unwrap();
    let text = text_of(&pdf);
    // The first 10 are listed, the rest counted in one line (the Reminders sheet has them all),
    // so the low-stock, value and price-check sections still fit on page 2.
    assert_has(&text, "Customer 9");
    assert!(!text.contains("Customer 10"), "{text}");
    assert_has(&text, "… and 190 more");
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn a_font_path_that_is_not_a_font_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.ttf");
    std::fs::write(&p, b"not a font").unwrap();
    let err = render_weekly_pdf(&report(Lang::En), &FontSource::Path(p.clone())).unwrap_err();
    assert!(matches!(err, PdfError::FontParse { .. }), "{err}");
    let err = render_weekly_pdf(
        &report(Lang::En),
        &FontSource::Path(dir.path().join("none.ttf")),
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with("cannot read font file "),
        "{err}"
    );
}

/// PDF 32000 §9.6.4: a subset font's name starts with six capital letters and `+`, the same
/// on the font, its descendant and its descriptor; different subsets get different tags.
#[test]
fn subset_fonts_are_tagged_with_six_capital_letters() {
    let names = |pdf: &[u8]| {
        let doc = lopdf::Document::load_mem(pdf).unwrap();
        let mut v: Vec<String> = doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .flat_map(|d| {
                [b"BaseFont".as_slice(), b"FontName"]
                    .into_iter()
                    .filter_map(|k| d.get(k).and_then(lopdf::Object::as_name).ok())
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .collect::<Vec<_>>()
            })
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let (ko, _) = render_weekly_pdf(&report(Lang::Ko), &FontSource::Embedded).unwrap();
    let (en, _) = render_weekly_pdf(&report(Lang::En), &FontSource::Embedded).unwrap();
    let (ko, en) = (names(&ko), names(&en));
    for list in [&ko, &en] {
        assert_eq!(list.len(), 2, "{list:?}");
        for n in list {
            let (tag, face) = n.split_once('+').unwrap();
            assert!(
                tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
                "{n}"
            );
            assert!(
                face == "DangolGothic-Regular" || face == "DangolGothic-Bold",
                "{n}"
            );
        }
    }
    // Korean and English reports draw different glyphs: different subsets, different tags.
    assert_ne!(ko, en);
}
