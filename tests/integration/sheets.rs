//! The generated sheets read back with calamine: names and headers in both languages, exact
//! cell values for a known customer, real Excel tables, byte-identical renders, and the Data
//! Issues sheet only when there are problems.

use std::io::Cursor;
use std::path::PathBuf;

use calamine::{Data, Range, Reader, Xlsx};
use chrono::{NaiveDate, NaiveDateTime};
use dangol::ingest::{Dataset, Loaded};
use dangol::model::{
    CellRef, Currency, Flag, Lang, Problem, QuoteRow, SaleKind, SaleRow, SalesLedger, Severity,
};
use dangol::pipeline::{Analyses, analyse};
use dangol::render::sheets::generated_workbook;
use dangol::settings::Settings;
use rust_decimal::Decimal;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    day(s).and_hms_opt(0, 0, 0).unwrap()
}

fn sale(customer: &str, name: &str, date: &str, amount: i64, order: &str) -> SaleRow {
    SaleRow {
        cell: CellRef::new("Sales", 1, 0),
        at: at(date),
        customer: Some(customer.into()),
        name: Some(name.into()),
        email: None,
        phone: None,
        order_id: Some(order.into()),
        product: None,
        amount: Decimal::from(amount),
        kind: SaleKind::Order,
        channel: None,
    }
}

fn quote(id: &str, customer: &str, sent: &str) -> QuoteRow {
    QuoteRow {
        cell: CellRef::new("Quotes", 1, 0),
        quote_id: Some(id.into()),
        customer: Some(customer.into()),
        name: None,
        email: None,
        phone: None,
        sent: at(sent),
        opened: Flag::No,
        opens: 0,
        responded: Flag::No,
        converted: Flag::No,
        order_id: None,
        amount: None,
        channel: None,
        status: None,
        reminded_at: None,
        reminders: 0,
    }
}

/// Two customers, two quotes (one converted), one data problem.
fn loaded(lang: Lang, currency: Currency, problems: bool) -> Loaded {
    let mut sales = SalesLedger::default();
    for r in [
        sale("한빛상사", "한빛상사", "2025-03-10", 1_200_000, "O1"),
        sale("한빛상사", "한빛상사", "2025-04-15", 800_000, "O2"),
        sale("acme", "Acme", "2025-04-16", 300_000, "O3"),
    ] {
        sales.add(&r, r.order_id.as_deref().unwrap());
    }
    sales.normalise();
    let mut q1 = quote("Q1", "한빛상사", "2025-04-14");
    q1.opened = Flag::Yes;
    q1.opens = 1;
    q1.converted = Flag::Yes;
    q1.order_id = Some("O2".into());
    let q2 = quote("Q2", "acme", "2025-04-15");
    let mut settings = Settings::defaults();
    settings.shop_name = "단골상회".into();
    Loaded {
        path: PathBuf::from("shop.xlsx"),
        data: Dataset {
            sales,
            quotes: vec![q1, q2],
            problems: if problems {
                vec![Problem {
                    severity: Severity::Error,
                    place: "Sales!D17".into(),
                    found: "abc".into(),
                    expected: "an amount".into(),
                }]
            } else {
                Vec::new()
            },
            ..Dataset::default()
        },
        settings,
        lang,
        currency,
    }
}

fn analyses(lang: Lang, currency: Currency, problems: bool) -> Analyses {
    analyse(&loaded(lang, currency, problems), day("2025-04-21")).unwrap()
}

fn render(a: &Analyses) -> Vec<u8> {
    generated_workbook(&a.sheets(), &a.sheet_context()).unwrap()
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).unwrap()
}

fn text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => d.as_datetime().unwrap().date().to_string(),
        other => format!("{other:?}"),
    }
}

/// Row `r` of a sheet as text, trailing blanks dropped (every generated sheet starts at A1).
fn row(range: &Range<Data>, r: u32) -> Vec<String> {
    assert_eq!(range.start(), Some((0, 0)));
    let mut cells: Vec<String> = (0..range.width() as u32)
        .map(|c| range.get_value((r, c)).map(text).unwrap_or_default())
        .collect();
    while cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
    cells
}

/// The first row whose column A is `a`.
fn find_row(range: &Range<Data>, a: &str) -> u32 {
    (0..range.height() as u32)
        .find(|&r| range.get_value((r, 0)).map(text).as_deref() == Some(a))
        .unwrap_or_else(|| panic!("no row starting with {a:?}"))
}

#[test]
fn sheet_names_and_notice_in_both_languages() {
    let ko = render(&analyses(Lang::Ko, Currency::Krw, true));
    let mut wb = open(&ko);
    assert_eq!(
        wb.sheet_names(),
        [
            "고객분석",
            "퍼널",
            "대시보드",
            "리마인드",
            "등급변동",
            "주간리포트",
            "고객가치",
            "데이터점검"
        ]
    );
    let r = wb.worksheet_range("고객분석").unwrap();
    assert_eq!(
        row(&r, 0),
        ["dangol이 생성한 시트입니다 (기준일 2025-04-21). 이 시트를 고쳐도 다음 실행 때 바뀝니다."]
    );

    let en = render(&analyses(Lang::En, Currency::Krw, true));
    let mut wb = open(&en);
    assert_eq!(
        wb.sheet_names(),
        [
            "Customer Stats",
            "Funnel",
            "Dashboard",
            "Reminders",
            "Grade Changes",
            "Weekly",
            "Customer Value",
            "Data Issues"
        ]
    );
    let r = wb.worksheet_range("Weekly").unwrap();
    assert_eq!(
        row(&r, 0),
        [
            "Generated by dangol (as of 2025-04-21). Edits to this sheet are replaced on the next run."
        ]
    );
}

#[test]
fn customer_stats_headers_and_values() {
    let a = analyses(Lang::Ko, Currency::Krw, false);
    let c = a.customers.get("한빛상사").unwrap();
    let (vip, vip_reason) = (c.vip.name.ko.clone(), c.vip.reason_in(c, Lang::Ko));
    let (resp, resp_reason) = (
        c.responder.name.ko.clone(),
        c.responder.reason_in(c, Lang::Ko),
    );
    let rfm = [c.r, c.f, c.m].map(|s| s.unwrap().to_string());
    let segment = c.segment.unwrap().name_ko().to_string();
    let mut wb = open(&render(&a));
    let r = wb.worksheet_range("고객분석").unwrap();
    assert_eq!(row(&r, 2), ["집계 기간 2024-04-22 ~ 2025-04-21"]);
    assert_eq!(
        row(&r, 3),
        [
            "고객",
            "고객 키",
            "이메일",
            "전화",
            "주문 수",
            "순매출",
            "평균 주문액",
            "첫 주문",
            "최근 주문",
            "경과일",
            "R",
            "F",
            "M",
            "세그먼트",
            "VIP 등급",
            "VIP 등급 사유",
            "응답 등급",
            "응답 등급 사유",
            "그룹"
        ]
    );
    let i = find_row(&r, "한빛상사");
    let mut want: Vec<String> = [
        "한빛상사",
        "한빛상사",
        "",
        "",
        "2",
        "2000000",
        "1000000",
        "2025-03-10",
        "2025-04-15",
        "6",
    ]
    .map(String::from)
    .to_vec();
    want.extend(rfm);
    want.extend([segment, vip, vip_reason, resp, resp_reason]);
    assert_eq!(row(&r, i), want);

    let en = analyses(Lang::En, Currency::Gbp, false);
    let mut wb = open(&render(&en));
    let r = wb.worksheet_range("Customer Stats").unwrap();
    assert_eq!(
        row(&r, 3),
        [
            "Customer",
            "Key",
            "Email",
            "Phone",
            "Orders",
            "Net total",
            "Avg order",
            "First order",
            "Last order",
            "Recency (days)",
            "R",
            "F",
            "M",
            "Segment",
            "VIP grade",
            "VIP reason",
            "Responder grade",
            "Responder reason",
            "Group"
        ]
    );
    let i = find_row(&r, "Acme");
    assert_eq!(
        row(&r, i)[..10],
        [
            "Acme",
            "acme",
            "",
            "",
            "1",
            "300000",
            "300000",
            "2025-04-16",
            "2025-04-16",
            "5"
        ]
    );
}

#[test]
fn funnel_weekly_and_issues_sheets() {
    let mut wb = open(&render(&analyses(Lang::En, Currency::Krw, true)));
    let f = wb.worksheet_range("Funnel").unwrap();
    assert_eq!(row(&f, 2), ["Quote funnel (reach mode, per quote)"]);
    assert_eq!(
        row(&f, 3),
        [
            "Stage",
            "Count",
            "Step conversion",
            "Cumulative conversion",
            "Drop-off",
            "Median days from previous"
        ]
    );
    assert_eq!(row(&f, 4), ["Sent", "2", "", "1", "0"]);
    assert_eq!(row(&f, 5), ["Opened", "1", "0.5", "0.5", "1"]);
    assert_eq!(row(&f, 7), ["Ordered", "1", "1", "0.5", "0"]);
    let wk = find_row(&f, "Quote funnel — weekly breakdown");
    assert_eq!(
        row(&f, wk + 1),
        [
            "Week",
            "Sent",
            "Opened",
            "Responded",
            "Ordered",
            "Reordered",
            "Ordered conversion"
        ]
    );
    assert_eq!(
        row(&f, wk + 2),
        ["2025-W16", "2", "1", "1", "1", "0", "0.5"]
    );

    let w = wb.worksheet_range("Weekly").unwrap();
    assert_eq!(
        row(&w, 2),
        ["Weekly KPIs 2025-W16 (2025-04-14 ~ 2025-04-20)"]
    );
    assert_eq!(
        row(&w, 3),
        ["KPI", "This week", "Last week", "Change", "Change %"]
    );
    assert_eq!(row(&w, 4), ["Revenue", "1100000", "0", "1100000"]);
    assert_eq!(row(&w, 5), ["Orders", "2", "0", "2"]);
    let top = find_row(&w, "Top customers of the week");
    assert_eq!(row(&w, top + 1), ["Rank", "Customer", "Orders", "Revenue"]);
    assert_eq!(row(&w, top + 2), ["1", "한빛상사", "1", "800000"]);
    assert_eq!(row(&w, top + 3), ["2", "Acme", "1", "300000"]);

    let d = wb.worksheet_range("Data Issues").unwrap();
    assert_eq!(row(&d, 2), ["Problems found in the input: 1"]);
    assert_eq!(row(&d, 3), ["Severity", "Cell", "Value", "Message"]);
    assert_eq!(row(&d, 4), ["Error", "Sales!D17", "abc", "an amount"]);

    // Every block is a real Excel table.
    wb.load_tables().unwrap();
    assert_eq!(wb.table_names_in_sheet("Weekly").len(), 3);
    assert_eq!(wb.table_names_in_sheet("Data Issues").len(), 1);
    assert_eq!(wb.table_names_in_sheet("Customer Stats").len(), 1);
}

#[test]
fn grade_changes_sheet_has_headers_even_when_empty() {
    let a = analyses(Lang::Ko, Currency::Krw, false);
    let mut wb = open(&render(&a));
    let r = wb.worksheet_range("등급변동").unwrap();
    assert_eq!(
        row(&r, 3),
        [
            "고객",
            "고객 키",
            "등급 종류",
            "이전 등급",
            "현재 등급",
            "변동",
            "사유"
        ]
    );
    assert_eq!(row(&r, 2), ["등급 변동: 2025-04-20 이후"]);
    // One row per change, or one blank row (an Excel table needs a data row).
    let n = a.changes.len().max(1) as u32;
    assert!(r.height() as u32 <= 4 + n);
}

#[test]
fn no_problems_no_data_issues_sheet() {
    let wb = open(&render(&analyses(Lang::Ko, Currency::Krw, false)));
    assert_eq!(
        wb.sheet_names(),
        [
            "고객분석",
            "퍼널",
            "대시보드",
            "리마인드",
            "등급변동",
            "주간리포트",
            "고객가치"
        ]
    );
}

#[test]
fn renders_are_byte_identical() {
    let a = analyses(Lang::Ko, Currency::Krw, true);
    assert_eq!(render(&a), render(&a));
    let b = analyses(Lang::Ko, Currency::Krw, true);
    assert_eq!(render(&a), render(&b));
}

#[test]
fn empty_workbook_renders() {
    let mut l = loaded(Lang::En, Currency::Usd, false);
    l.data = Dataset::default();
    let a = analyse(&l, day("2025-04-21")).unwrap();
    assert!(a.quote_funnel.is_none() && a.pipeline_funnel.is_none());
    let mut wb = open(&render(&a));
    assert_eq!(
        wb.sheet_names(),
        [
            "Customer Stats",
            "Dashboard",
            "Reminders",
            "Grade Changes",
            "Weekly",
            "Customer Value"
        ]
    );
    let r = wb.worksheet_range("Customer Stats").unwrap();
    assert_eq!(row(&r, 3)[0], "Customer");
}

/// A part of the xlsx package as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
    s
}

#[test]
fn formats_freeze_panes_chart_and_creation_date() {
    let bytes = render(&analyses(Lang::En, Currency::Gbp, false));
    let styles = part(&bytes, "xl/styles.xml");
    for want in [
        "formatCode=\"&quot;£&quot;#,##0.00;-&quot;£&quot;#,##0.00\"",
        "formatCode=\"yyyy-mm-dd\"",
        "formatCode=\"0.0%\"",
    ] {
        assert!(styles.contains(want), "{want} not in styles.xml");
    }
    // Customer Stats: notice, blank, title, header in row 4 → frozen below row 4.
    let sheet1 = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet1.contains("ySplit=\"4\""), "{sheet1}");
    assert!(sheet1.contains("topLeftCell=\"A5\""));
    // The Funnel sheet (second) carries the bar chart of the quote funnel's counts.
    let chart = part(&bytes, "xl/charts/chart1.xml");
    assert!(chart.contains("<c:barDir val=\"bar\"/>"));
    assert!(chart.contains("<c:f>Funnel!$B$5:$B$9</c:f>"), "{chart}");
    assert!(chart.contains("<c:f>Funnel!$A$5:$A$9</c:f>"));
    let core = part(&bytes, "docProps/core.xml");
    assert!(core.contains("2025-04-21T00:00:00Z"), "{core}");
}
