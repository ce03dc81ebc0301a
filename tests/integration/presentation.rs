//! One description per result table: the Customer Stats sheet, the terminal table, CSV and JSON
//! of `dangol customers` all take their columns from `render::customers::COLUMNS`.

use calamine::{Data, Reader, open_workbook_auto};
use dangol::model::Lang;
use dangol::render::columns::{self, Place};
use dangol::render::customers::COLUMNS;

use super::support::{dangol, stderr, stdout, tmp};

const SHOP: &str = "sample-data/shop.xlsx";

fn ok(args: &[&str]) -> String {
    let o = dangol(args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

/// The description's keys: JSON fields and CSV header, in order.
fn keys() -> Vec<&'static str> {
    columns::keys(COLUMNS)
}

#[test]
fn customer_csv_header_is_the_description_keys_in_order() {
    let out = ok(&[
        "customers",
        SHOP,
        "--as-of",
        "2025-04-15",
        "--format",
        "csv",
    ]);
    let header = out
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .expect("a header line");
    assert_eq!(header, keys().join(","));
    // The SPEC §5 field names, so a renamed key fails here as well.
    assert_eq!(
        header,
        "customer,key,email,phone,group,opt_out,orders,total,avg_order,first_order,last_order,\
         recency_days,tenure_days,orders_all,total_all,quotes,opens,responses,conversions,\
         open_rate,conversion_rate,days_since_last_quote,reminders,r,f,m,segment,\
         total_rank_pct,vip_grade,vip_reason,responder_grade,responder_reason"
    );
}

#[test]
fn customer_json_fields_are_the_description_keys_in_order() {
    let out = ok(&[
        "customers",
        SHOP,
        "--as-of",
        "2025-04-15",
        "--format",
        "json",
    ]);
    // The first object of the pretty-printed array: one `"key": value` line per field.
    let fields: Vec<&str> = out
        .lines()
        .skip_while(|l| l.trim() != "{")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('}'))
        .map(|l| {
            l.trim()
                .strip_prefix('"')
                .and_then(|l| l.split_once("\": "))
                .map_or_else(|| panic!("not a field line: {l}"), |(k, _)| k)
        })
        .collect();
    assert_eq!(fields, keys());
    // Money stays an exact decimal string in JSON (SPEC §5).
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(v[0]["total"].is_string(), "{}", v[0]);
    assert!(v[0]["orders"].is_number(), "{}", v[0]);
}

#[test]
fn customer_terminal_header_is_the_description_terminal_labels() {
    let out = ok(&[
        "customers",
        SHOP,
        "--as-of",
        "2025-04-15",
        "--lang",
        "ko",
        "--verbose",
    ]);
    let header: Vec<&str> = out.lines().nth(1).expect("header").split("  ").collect();
    let header: Vec<&str> = header
        .into_iter()
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    let shown: Vec<&str> = [Place::Yes, Place::Verbose]
        .iter()
        .flat_map(|p| COLUMNS.iter().filter(move |c| c.terminal.1 == *p))
        .map(|c| c.terminal.0.pick(Lang::Ko))
        .collect();
    assert_eq!(header, shown);
    assert_eq!(
        header,
        [
            "고객",
            "주문",
            "합계",
            "평균 주문",
            "최근 주문",
            "경과일",
            "RFM 세그먼트",
            "VIP 등급",
            "응답 등급",
            "VIP 근거",
            "응답 근거"
        ]
    );
}

#[test]
fn customer_stats_sheet_header_is_the_description_korean_labels() {
    let dir = tmp();
    let out = dir.path().join("out.xlsx");
    let o = dangol(&[
        "run",
        SHOP,
        "--as-of",
        "2025-04-15",
        "--out",
        out.to_str().expect("utf-8 path"),
        "--no-report",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut book = open_workbook_auto(&out).expect("the written workbook opens");
    let range = book
        .worksheet_range("고객분석")
        .expect("a Customer Stats sheet named 고객분석");
    let header: Vec<String> = range
        .rows()
        .find(|r| r.first() == Some(&Data::String("고객".into())))
        .expect("a header row starting with 고객")
        .iter()
        .map(ToString::to_string)
        .filter(|h| !h.is_empty())
        .collect();
    let sheet = columns::sheet_table(COLUMNS, String::new(), [], Lang::Ko);
    // tests/sheets.rs pins the exact Korean header; here it must be the description's.
    assert_eq!(header, sheet.columns);
    assert_eq!(header.len(), 19, "{header:?}");
    assert_eq!(header.last().map(String::as_str), Some("그룹"));
}
