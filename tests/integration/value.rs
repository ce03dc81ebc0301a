//! `dangol value`: the BG/NBD and Gamma-Gamma fits (SPEC §11) through the real binary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::support::{dangol, stderr, stdout, tmp};

/// The CDNOW data, or a loud failure: these tests prove the published fit.
fn cdnow(file: &str) -> PathBuf {
    crate::support::shared(&format!("cdnow/{file}")).unwrap_or_else(|| {
        panic!(
            "../shared/data/cdnow/{file} is missing: the customer-value tests need the CDNOW sample"
        )
    })
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = dangol(args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        !text.contains("NaN") && !text.contains("inf"),
        "no NaN or infinity in the output"
    );
    serde_json::from_str(&text).expect("JSON")
}

fn num(v: &serde_json::Value, path: &[&str]) -> f64 {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_f64()
        .unwrap_or_else(|| panic!("{path:?} is not a number: {cur}"))
}

fn near(v: &serde_json::Value, path: &[&str], want: f64, tol: f64) {
    let got = num(v, path);
    assert!(
        (got - want).abs() <= tol,
        "{path:?} = {got}, published {want} ± {tol}"
    );
}

#[test]
fn the_cdnow_calibration_reproduces_the_published_bgnbd_and_gamma_gamma_fits() {
    let csv = cdnow("cdnow_sample.csv");
    let v = json(&[
        "value",
        csv.to_str().unwrap(),
        "--as-of",
        "1997-09-30",
        "--format",
        "json",
        "--set",
        "currency=USD",
    ]);
    assert_eq!(v["customers"], 2357);
    assert_eq!(v["repeat_customers"], 946);
    assert_eq!(v["bgnbd"]["status"], "fitted");
    // Fader, Hardie & Lee (2005), Table 2.
    near(&v, &["bgnbd", "r"], 0.243, 0.002);
    near(&v, &["bgnbd", "alpha_weeks"], 4.414, 0.02);
    near(&v, &["bgnbd", "a"], 0.793, 0.005);
    near(&v, &["bgnbd", "b"], 2.426, 0.02);
    near(&v, &["bgnbd", "log_likelihood_weeks"], -9582.4, 0.5);
    assert!(
        (num(&v, &["bgnbd", "alpha_days"]) - 7.0 * num(&v, &["bgnbd", "alpha_weeks"])).abs() < 1e-4
    );
    assert!(num(&v, &["bgnbd", "iterations"]) > 0.0);
    // Fader & Hardie's Gamma-Gamma note, on the 946 repeat customers.
    assert_eq!(v["gamma_gamma"]["status"], "fitted");
    assert_eq!(v["gamma_gamma"]["customers"], 946);
    assert_eq!(v["gamma_gamma"]["excluded_not_positive"], 0);
    near(&v, &["gamma_gamma", "p"], 6.25, 0.05);
    near(&v, &["gamma_gamma", "q"], 3.74, 0.05);
    near(&v, &["gamma_gamma", "gamma"], 15.44, 0.2);
    near(&v, &["gamma_gamma", "log_likelihood"], -4055.9, 0.5);
    // The correlation the model assumes small (0.11 on this data, as the note reports).
    near(
        &v,
        &["gamma_gamma", "frequency_spend_correlation"],
        0.11,
        0.01,
    );

    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2357);
    for r in rows {
        let p = r["p_alive"].as_f64().expect("p_alive");
        assert!((0.0..=1.0).contains(&p));
        let e90 = r["expected_orders_90"].as_f64().expect("90");
        let e365 = r["expected_orders_365"].as_f64().expect("365");
        assert!(0.0 <= e90 && e90 <= e365, "{r}");
        assert!(r["clv"].as_f64().expect("clv") >= 0.0);
        if r["repeat_purchases"] == 0 {
            assert_eq!(
                r["p_alive"],
                serde_json::json!(1.0),
                "a customer who never came back cannot have left: {r}"
            );
        }
    }
}

/// The literature's per-customer summary (frequency, recency and T in weeks, rounded to two
/// decimals) is what dangol derives from the purchase lines.
#[test]
fn the_cdnow_purchase_days_match_the_literatures_summary() {
    let csv = cdnow("cdnow_sample.csv");
    let summary = std::fs::read_to_string(cdnow("cdnow_customers_summary.csv")).expect("read");
    let v = json(&[
        "value",
        csv.to_str().unwrap(),
        "--as-of",
        "1997-09-30",
        "--format",
        "json",
        "--set",
        "currency=USD",
        "--set",
        "clv.min_repeaters=100000",
    ]);
    assert_eq!(v["bgnbd"]["status"], "blank");
    // The summary numbers customers by their sample id, the second column of the raw
    // CDNOW_sample.txt (`00018 0058 19970104  1   14.96`); the CSV carries the first.
    let raw = std::fs::read_to_string(cdnow("CDNOW_sample.txt")).expect("read");
    let mut sample_id: BTreeMap<String, String> = BTreeMap::new();
    for line in raw.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let n = |s: &str| s.parse::<u64>().expect("id").to_string();
        sample_id.insert(n(f[1]), n(f[0]));
    }
    let by_key: BTreeMap<&str, &serde_json::Value> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap(), r))
        .collect();
    let ours: BTreeMap<String, &serde_json::Value> = sample_id
        .iter()
        .map(|(sid, key)| (sid.clone(), by_key[key.as_str()]))
        .collect();
    let mut checked = 0;
    for line in summary.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let r = ours
            .get(f[0])
            .unwrap_or_else(|| panic!("customer {} missing", f[0]));
        assert_eq!(r["repeat_purchases"].to_string(), f[1], "customer {}", f[0]);
        let weeks = |field: &str| r[field].as_f64().unwrap() / 7.0;
        let recency: f64 = f[2].parse().unwrap();
        let age: f64 = f[3].parse().unwrap();
        assert!(
            (weeks("last_purchase_day") - recency).abs() <= 0.006,
            "{line}"
        );
        assert!((weeks("age_days") - age).abs() <= 0.006, "{line}");
        checked += 1;
    }
    assert_eq!(checked, 2357);
    assert_eq!(ours.len(), 2357);
}

#[test]
fn the_holdout_check_compares_predicted_with_actual_orders_after_the_cut() {
    let csv = cdnow("cdnow_sample.csv");
    let v = json(&[
        "value",
        csv.to_str().unwrap(),
        "--as-of",
        "1998-06-30",
        "--calibrate-until",
        "1997-09-30",
        "--format",
        "json",
        "--set",
        "currency=USD",
    ]);
    let h = &v["holdout"];
    assert_eq!(h["until"], "1997-09-30");
    assert_eq!(h["days"], 273);
    assert_eq!(h["customers"], 2357);
    // Actual: distinct purchase days after the cut, counted here from the file itself.
    let text = std::fs::read_to_string(&csv).expect("read");
    let mut days = BTreeSet::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[1] > "1997-09-30" && f[1] <= "1998-06-30" {
            days.insert((f[0].to_string(), f[1].to_string()));
        }
    }
    assert_eq!(h["actual_orders"], days.len());
    let deciles = h["deciles"].as_array().expect("deciles");
    assert_eq!(deciles.len(), 10);
    let sum = |k: &str| deciles.iter().map(|d| d[k].as_f64().unwrap()).sum::<f64>();
    let customers: u64 = deciles
        .iter()
        .map(|d| d["customers"].as_u64().unwrap())
        .sum();
    assert_eq!(customers, 2357);
    assert_eq!(sum("actual_orders") as usize, days.len());
    let predicted = num(h, &["predicted_orders"]);
    assert!((sum("predicted_orders") - predicted).abs() < 0.1);
    // The model's total for the 39 holdout weeks is within 15 % of what happened (1,653 predicted
    // against 1,882 actual repeat purchase days).
    let actual = days.len() as f64;
    assert_eq!(days.len(), 1882);
    assert!((predicted - 1653.4).abs() < 1.0, "{predicted}");
    assert!(
        (predicted - actual).abs() < 0.15 * actual,
        "{predicted} vs {actual}"
    );
    // Customers predicted to buy most do buy most.
    assert!(deciles[0]["actual_orders"].as_u64() > deciles[9]["actual_orders"].as_u64());
}

fn tiny_shop() -> (tempfile::TempDir, PathBuf) {
    let dir = tmp();
    let p = dir.path().join("tiny.csv");
    std::fs::write(
        &p,
        "customer,date,amount\nkim,2025-01-01,10000\nkim,2025-01-11,20000\nlee,2025-01-05,7000\n",
    )
    .unwrap();
    (dir, p)
}

#[test]
fn a_tiny_shop_gets_blank_values_with_the_reason() {
    let (_d, p) = tiny_shop();
    let path = p.to_str().unwrap();
    let v = json(&["value", path, "--as-of", "2025-02-01", "--format", "json"]);
    let reason = "too few repeat customers: 1 bought again on a later day, the model needs at \
                  least 30 (clv.min_repeaters)";
    assert_eq!(v["bgnbd"]["status"], "blank");
    assert_eq!(v["bgnbd"]["reason"], reason);
    assert_eq!(v["gamma_gamma"]["reason"], reason);
    assert_eq!(v["clv_reason"], "no purchase model (see BG/NBD)");
    assert_eq!(v["bgnbd"].get("r"), None);
    for r in v["rows"].as_array().unwrap() {
        for k in [
            "p_alive",
            "expected_orders_90",
            "expected_orders_365",
            "expected_avg_order",
            "clv",
        ] {
            assert!(r[k].is_null(), "{k} of {r}");
        }
    }
    assert_eq!(v["rows"][0]["repeat_purchases"], 1);
    assert_eq!(v["rows"][0]["avg_repeat_purchase"], "20000");

    let o = dangol(&["value", path, "--as-of", "2025-02-01", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "\u{feff}customer,key,first_purchase,last_purchase,repeat_purchases,last_purchase_day,\
         age_days,avg_repeat_purchase,p_alive,expected_orders_90,expected_orders_365,\
         expected_avg_order,clv\r\n\
         kim,kim,2025-01-01,2025-01-11,1,10,31,20000,,,,,\r\n\
         lee,lee,2025-01-05,2025-01-05,0,0,27,,,,,,\r\n"
    );

    let o = dangol(&["value", path, "--as-of", "2025-02-01", "--lang", "ko"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.starts_with("고객 2명, 재구매 고객 1명 (2025-02-01 기준)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "BG/NBD: 재구매 고객이 부족합니다: 다른 날 다시 구매한 고객 1명, 모델에는 30명 이상 \
             필요 (clv.min_repeaters)\n"
        ),
        "{text}"
    );
}

#[test]
fn a_cut_on_or_after_the_as_of_day_is_a_usage_error() {
    let (_d, p) = tiny_shop();
    let o = dangol(&[
        "value",
        p.to_str().unwrap(),
        "--as-of",
        "2025-02-01",
        "--calibrate-until",
        "2025-02-01",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "dangol: error: --calibrate-until 2025-02-01 must be before the as-of day 2025-02-01: \
         the check compares what the model predicts after that day with what happened\n"
    );
}

#[test]
fn a_discount_rate_out_of_range_is_an_error_naming_where_it_came_from() {
    let (_d, p) = tiny_shop();
    let o = dangol(&["value", p.to_str().unwrap(), "--set", "clv.discount=80%"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "--set clv.discount: clv.discount: found \"80%\", expected a monthly discount rate \
             from 0% to 50%, like 1% or 0.01"
        ),
        "{}",
        stderr(&o)
    );
}

/// `dangol value` on the CDNOW calibration, as JSON.
fn cdnow_json() -> serde_json::Value {
    let csv = cdnow("cdnow_sample.csv");
    json(&[
        "value",
        csv.to_str().unwrap(),
        "--as-of",
        "1997-09-30",
        "--format",
        "json",
        "--set",
        "currency=USD",
    ])
}

/// Customers by 12-month value, highest first (ties by key), from the JSON.
fn by_value(v: &serde_json::Value) -> Vec<(String, f64)> {
    let mut rows: Vec<(String, f64)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["clv"].as_f64().unwrap(),
            )
        })
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
}

#[test]
fn dangol_run_writes_the_customer_value_sheet() {
    use calamine::{Data, DataType as _, Reader, open_workbook_auto};
    let csv = cdnow("cdnow_sample.csv");
    let dir = tmp();
    let out = dir.path().join("out.xlsx");
    let o = dangol(&[
        "run",
        csv.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "1997-09-30",
        "--no-report",
        "--set",
        "currency=USD",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut wb = open_workbook_auto(&out).expect("open");
    assert!(wb.sheet_names().contains(&"Customer Value".to_string()));
    let range = wb.worksheet_range("Customer Value").expect("sheet");
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    };
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(text).collect()).collect();
    let header = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "Customer"))
        .expect("header row");
    assert_eq!(
        rows[header][..10],
        [
            "Customer",
            "First purchase",
            "Last purchase",
            "Repeat purchases",
            "P(active)",
            "Expected orders 90d",
            "Expected orders 365d",
            "Expected avg order",
            "12-month value",
            "Note"
        ]
    );
    // Every customer, most valuable first, as `dangol value` computes them.
    let want = by_value(&cdnow_json());
    for (i, (key, clv)) in want.iter().take(20).enumerate() {
        let row = &range.rows().nth(header + 1 + i).expect("row");
        assert_eq!(text(&row[0]), *key, "row {i}");
        let got = row[8].as_f64().expect("value");
        assert!((got - clv).abs() < 0.006, "{key}: {got} vs {clv}");
    }
    let fit = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c.starts_with("BG/NBD: ")))
        .expect("fit summary");
    assert_eq!(
        fit[0],
        "BG/NBD: r 0.2426, α 30.8952 days (4.4136 weeks), a 0.7929, b 2.4259, LL -14,363.53 \
         (in weeks -9,582.43), 280 iterations"
    );
    let customers = rows
        .iter()
        .skip(header + 1)
        .take_while(|r| r.first().is_some_and(|c| !c.is_empty()))
        .count();
    assert_eq!(customers, 2357);
}

#[test]
fn the_weekly_pdf_shows_the_most_valuable_customers_and_those_at_risk() {
    let csv = cdnow("cdnow_sample.csv");
    let dir = tmp();
    let pdf = dir.path().join("w.pdf");
    let o = dangol(&[
        "report",
        csv.to_str().unwrap(),
        "--as-of",
        "1997-09-30",
        "--set",
        "currency=USD",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = lopdf::Document::load(&pdf).expect("pdf");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("text");
    let at = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("{s:?} not in:\n{text}"))
    };
    let top = at("Most valuable customers (next 12 months)");
    let risk = at("Valuable customers at risk");
    assert!(top < risk);
    // The five most valuable, in order, with their value.
    let want = by_value(&cdnow_json());
    let mut last = top;
    for (key, clv) in want.iter().take(5) {
        let money = format!("${}", group(*clv));
        let pos = top + text[top..].find(&format!("{key}\n")).expect(key);
        assert!(pos > last && pos < risk, "{key} out of order");
        assert!(text[pos..risk].contains(&money), "{money} for {key}");
        last = pos;
    }
    // The biggest spender among customers probably gone: 19339, $6,552.70 so far, 0 %.
    assert!(text[risk..].contains("19339\n"), "{}", &text[risk..]);
    assert!(text[risk..].contains("$6,552.70"));
}

/// $1,175.10-style grouping for the test's expectations.
fn group(v: f64) -> String {
    let cents = (v * 100.0).round() as i64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{out}.{frac:02}")
}

#[test]
fn the_same_data_gives_byte_identical_value_output() {
    let csv = cdnow("cdnow_sample.csv");
    let args = [
        "value",
        csv.to_str().unwrap(),
        "--as-of",
        "1997-09-30",
        "--format",
        "csv",
        "--set",
        "currency=USD",
    ];
    let (a, b) = (dangol(&args), dangol(&args));
    assert_eq!(a.status.code(), Some(0));
    assert!(a.stdout == b.stdout);
    assert_eq!(stdout(&a).lines().count(), 2358);
}

#[test]
fn the_clv_settings_show_in_config_with_their_origin_and_change_the_value() {
    let (dir, p) = tiny_shop();
    let path = p.to_str().unwrap();
    let o = dangol(&["config", path]);
    let out = stdout(&o);
    assert!(
        out.lines()
            .any(|l| l.starts_with("clv.discount ") && l.contains(" 1%")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("clv.min_repeaters ") && l.contains(" 30")),
        "{out}"
    );
    std::fs::write(
        dir.path().join("dangol.toml"),
        "clv.discount = \"2%\"\nclv.min_repeaters = 5\n",
    )
    .unwrap();
    let out = stdout(&dangol(&["config", path]));
    assert!(
        out.lines()
            .any(|l| l.starts_with("clv.discount ") && l.ends_with("2%  [dangol.toml:1]")),
        "{out}"
    );
    let v = json(&["value", path, "--as-of", "2025-02-01", "--format", "json"]);
    assert_eq!(v["discount_per_month"], 0.02);
    assert_eq!(
        v["bgnbd"]["reason"],
        "too few repeat customers: 1 bought again on a later day, the model needs at least 5 \
         (clv.min_repeaters)"
    );
}

#[test]
fn the_fit_summary_speaks_korean() {
    let csv = cdnow("cdnow_sample.csv");
    let o = dangol(&[
        "value",
        csv.to_str().unwrap(),
        "--as-of",
        "1997-09-30",
        "--lang",
        "ko",
        "--top",
        "1",
        "--set",
        "currency=USD",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "고객 2,357명, 재구매 고객 946명 (1997-09-30 기준)",
            "BG/NBD: r 0.2426, α 30.8952일 (4.4136주), a 0.7929, b 2.4259, LL -14,363.53 (주 단위 \
             -9,582.43), 280회 반복",
            "Gamma-Gamma: p 6.2496, q 3.7442, γ 15.4435, LL -4,055.92, 946명, 198회 반복",
            "구매 횟수와 평균 금액의 상관계수 0.114 (0에 가까울수록 좋음)",
        ]
    );
    assert!(
        text.contains("고객가치 · 1997-09-30 기준 · 고객 2,357명"),
        "{text}"
    );
    assert!(
        text.contains(" 5420 "),
        "the most valuable customer first: {text}"
    );
}
