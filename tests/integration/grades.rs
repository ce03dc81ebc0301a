//! Grades, RFM and their reasons through the real binary: what `customers` says about a small
//! shop must be true of its data (SPEC §3).

use std::path::{Path, PathBuf};

use crate::support::{V, dangol, stderr, stdout, tmp, xlsx};

fn d(y: u16, m: u8, day: u8) -> V {
    V::D(y, m, day, 10, 0)
}

fn run(args: &[&str]) -> (i32, String, String) {
    let o = dangol(args);
    (o.status.code().unwrap_or(-1), stdout(&o), stderr(&o))
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("json")
}

fn sales_header() -> Vec<V> {
    vec![
        V::S("Date"),
        V::S("Customer"),
        V::S("Order ID"),
        V::S("Amount"),
    ]
}

/// The issue's nine-customer shop, as of 2026-11-22: Mina bought 16 days ago (her third order
/// of ₩433,000 in all), Jun once 5 days ago, seven others once, 40–220 days ago; plus one order
/// of Mina's 200 days ago (inside 365 days, outside 100).
fn small_shop(dir: &Path) -> PathBuf {
    let path = dir.join("small.xlsx");
    let mut rows = vec![sales_header()];
    let mut n = 0;
    let mut order = |day: V, who: &'static str, amount: f64| {
        n += 1;
        vec![day, V::S(who), V::T(format!("O{n}")), V::N(amount)]
    };
    rows.push(order(d(2026, 5, 6), "Mina", 133_000.0));
    rows.push(order(d(2026, 10, 1), "Mina", 150_000.0));
    rows.push(order(d(2026, 11, 6), "Mina", 150_000.0));
    rows.push(order(d(2026, 11, 17), "Jun", 80_000.0));
    for (i, who) in ["Ara", "Bo", "Cho", "Dan", "Eun", "Gyu", "Hana"]
        .into_iter()
        .enumerate()
    {
        // 40, 70, 100, … 220 days before 2026-11-22.
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
            - chrono::Duration::days(40 + 30 * i as i64);
        use chrono::Datelike;
        rows.push(order(
            d(day.year() as u16, day.month() as u8, day.day() as u8),
            who,
            50_000.0,
        ));
    }
    xlsx(&path, &[("Sales", rows)]);
    path
}

fn customer<'a>(rows: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| r["customer"] == name)
        .unwrap_or_else(|| panic!("no customer {name} in {rows}"))
}

#[test]
fn a_small_shop_is_scored_by_fixed_cut_points_and_says_so() {
    let dir = tmp();
    let p = small_shop(dir.path());
    let p = p.to_str().unwrap();
    let rows = json(&["customers", p, "--as-of", "2026-11-22", "--format", "json"]);
    let mina = customer(&rows, "Mina");
    // Bought 16 days ago: R 5 — never 휴면고객 (Hibernating).
    assert_eq!(
        (&mina["r"], &mina["f"], &mina["m"], &mina["segment"]),
        (
            &serde_json::json!(5),
            &serde_json::json!(3),
            &serde_json::json!(3),
            &serde_json::json!("Potential Loyalist")
        )
    );
    let jun = customer(&rows, "Jun");
    assert_eq!(
        (&jun["r"], &jun["segment"]),
        (&serde_json::json!(5), &serde_json::json!("New"))
    );
    let (code, out, err) = run(&["customers", p, "--as-of", "2026-11-22", "--lang", "ko"]);
    assert_eq!(code, 0, "{err}");
    let mina_line = out
        .lines()
        .find(|l| l.contains("Mina"))
        .expect("Mina's row");
    assert!(mina_line.contains("잠재충성고객"), "{out}");
    assert!(!mina_line.contains("휴면고객"), "{out}");
    assert_eq!(
        out.lines().last(),
        Some(
            "RFM: 고정 기준 (자동: 최근 365일 주문 고객 9명, 5분위는 100명 이상일 때): R 30 / 60 / 90 / 180 · F 2 / 3 / 4 / 6 · M 100,000 / 300,000 / 500,000 / 1,000,000"
        ),
        "{out}"
    );
}

#[test]
fn rfm_frequency_and_monetary_follow_lookback_days() {
    let dir = tmp();
    let p = small_shop(dir.path());
    let p = p.to_str().unwrap();
    let base = ["customers", p, "--as-of", "2026-11-22", "--format", "json"];
    let all = json(&base);
    assert_eq!(customer(&all, "Mina")["f"], 3);
    assert_eq!(customer(&all, "Mina")["m"], 3);
    let mut short = base.to_vec();
    short.extend(["--set", "lookback_days=100"]);
    let short = json(&short);
    let mina = customer(&short, "Mina");
    // Two orders (₩300,000) within 100 days: F 2, M 3 → the 200-day-old order no longer counts.
    assert_eq!(
        (&mina["orders"], &mina["total"]),
        (&serde_json::json!(2), &serde_json::json!("300000"))
    );
    assert_eq!(
        (&mina["f"], &mina["m"]),
        (&serde_json::json!(2), &serde_json::json!(3))
    );
    // Hana's only order is 220 days old: nothing in the window, F 1 and M 1, R 1.
    let hana = customer(&short, "Hana");
    assert_eq!(
        (&hana["r"], &hana["f"], &hana["m"]),
        (
            &serde_json::json!(1),
            &serde_json::json!(1),
            &serde_json::json!(1)
        )
    );
}

#[test]
fn quintile_and_fixed_can_be_chosen_and_every_score_is_reachable() {
    let dir = tmp();
    let p = small_shop(dir.path());
    let p = p.to_str().unwrap();
    let rows = json(&[
        "customers",
        p,
        "--as-of",
        "2026-11-22",
        "--format",
        "json",
        "--set",
        "rfm.method=quintile",
    ]);
    let r: std::collections::BTreeSet<i64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["r"].as_i64().unwrap())
        .collect();
    assert_eq!(r.into_iter().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    // The most recent buyer scores R 5 by quintiles too.
    assert_eq!(customer(&rows, "Jun")["r"], 5);
    let (code, out, err) = run(&[
        "customers",
        p,
        "--as-of",
        "2026-11-22",
        "--lang",
        "en",
        "--set",
        "rfm.method=quintile",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().last(),
        Some(
            "RFM: quintiles (rfm.method setting; 9 customers ordered in the last 365 days): R 5 / 40 / 100 / 160 · F 3 / 3 / 3 / 3 · M 80,000 / 80,000 / 80,000 / 433,000"
        ),
        "{out}"
    );
    let (code, _, err) = run(&["customers", p, "--set", "rfm.method=median"]);
    assert_eq!(code, 1);
    assert!(err.contains("auto, quintile or fixed"), "{err}");
}

#[test]
fn reasons_show_only_the_clauses_that_decided_the_grade() {
    let dir = tmp();
    let path = dir.path().join("reasons.xlsx");
    let s = V::S;
    xlsx(
        &path,
        &[
            (
                "Sales",
                vec![
                    sales_header(),
                    vec![d(2026, 11, 1), s("Mina"), s("O1"), V::N(133_000.0)],
                    vec![d(2026, 11, 2), s("Mina"), s("O2"), V::N(150_000.0)],
                    vec![d(2026, 11, 3), s("Mina"), s("O3"), V::N(150_000.0)],
                ],
            ),
            (
                "Quotes",
                vec![
                    vec![
                        s("Quote ID"),
                        s("Customer"),
                        s("Sent"),
                        s("Opened"),
                        s("Responded"),
                        s("Converted"),
                    ],
                    vec![s("Q1"), s("Mina"), d(2026, 11, 1), s("Y"), s("N"), s("N")],
                ],
            ),
        ],
    );
    let rows = json(&[
        "customers",
        path.to_str().unwrap(),
        "--as-of",
        "2026-11-22",
        "--format",
        "json",
    ]);
    let mina = customer(&rows, "Mina");
    assert_eq!(mina["vip_grade"], "Gold");
    assert_eq!(mina["vip_reason"], "orders 3 ≥ 3");
    assert_eq!(mina["responder_grade"], "Interested");
    assert_eq!(mina["responder_reason"], "opens 1 ≥ 1");
    let (code, out, err) = run(&[
        "customers",
        path.to_str().unwrap(),
        "--as-of",
        "2026-11-22",
        "--lang",
        "ko",
        "--verbose",
    ]);
    assert_eq!(code, 0, "{err}");
    // Korean reasons name the metrics in Korean, with units (SPEC promise 6).
    assert!(out.contains("주문 3회 ≥ 3회"), "{out}");
    assert!(!out.contains("합계 433,000원 ≥ 500,000원"), "{out}");
    assert!(!out.contains("전환 0회 ≥ 1회"), "{out}");
}

/// A workbook whose Grades sheet holds `rule` as the VIP table's first rule (in C2).
fn with_grade_rule(dir: &Path, rule: String) -> PathBuf {
    let path = dir.join("grades.xlsx");
    let s = V::S;
    xlsx(
        &path,
        &[
            (
                "Sales",
                vec![
                    sales_header(),
                    vec![d(2026, 11, 1), s("Mina"), s("O1"), V::N(1000.0)],
                ],
            ),
            (
                "Grades",
                vec![
                    vec![s("kind"), s("grade"), s("rule"), s("note")],
                    vec![s("vip"), s("Top"), V::T(rule), V::B],
                    vec![s("vip"), s("Rest"), s("true"), V::B],
                ],
            ),
        ],
    );
    path
}

fn nested(levels: usize) -> String {
    format!("{}orders >= 1{}", "(".repeat(levels), ")".repeat(levels))
}

#[test]
fn a_rule_nested_thousands_deep_in_the_grades_sheet_is_an_error_naming_the_cell() {
    let dir = tmp();
    let rule = nested(12_000);
    assert!(
        rule.len() > 24_000 && rule.len() < 32_767,
        "fits in one cell"
    );
    let p = with_grade_rule(dir.path(), rule);
    let (code, out, err) = run(&["customers", p.to_str().unwrap(), "--as-of", "2026-11-22"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains(
            "Grades!C2: rule \"((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((…\": the rule nests parentheses or 'not' more than 64 deep"
        ),
        "{err}"
    );
    // Within the bound it is an ordinary rule.
    let dir = tmp();
    let p = with_grade_rule(dir.path(), nested(64));
    let rows = json(&[
        "customers",
        p.to_str().unwrap(),
        "--as-of",
        "2026-11-22",
        "--format",
        "json",
    ]);
    assert_eq!(rows[0]["vip_grade"], "Top");
    assert_eq!(rows[0]["vip_reason"], "orders 1 ≥ 1");
}

#[test]
fn a_rule_nested_thousands_deep_in_dangol_toml_is_an_error_naming_the_line() {
    let nots = format!("{}orders >= 1", "not ".repeat(12_000));
    let cases = [
        (
            nested(12_000),
            "dangol.toml:3: rule \"((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((…\": the rule nests parentheses or 'not' more than 64 deep",
        ),
        (
            nots,
            "dangol.toml:3: rule \"not not not not not not not not not not not not not not not …\": the rule is 48011 characters long; a rule may have at most 2000",
        ),
    ];
    for (rule, want) in cases {
        let dir = tmp();
        let p = with_grade_rule(dir.path(), "orders >= 1".into());
        let toml = format!(
            "[vip]\nrules = [\n  {{ grade = \"Top\", rule = \"{rule}\" }},\n  {{ grade = \"Rest\", rule = \"true\" }},\n]\n"
        );
        std::fs::write(dir.path().join("dangol.toml"), toml).unwrap();
        let (code, out, err) = run(&["customers", p.to_str().unwrap(), "--as-of", "2026-11-22"]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(err.contains(want), "{err}");
        assert!(
            err.len() < 600,
            "the rule is not printed back in full: {err}"
        );
    }
}

#[test]
fn a_megabyte_rule_is_refused_at_once() {
    let dir = tmp();
    let rule = format!("orders >= 1{}", " or orders >= 1".repeat(70_000));
    assert!(rule.len() > 1_000_000);
    let p = with_grade_rule(dir.path(), "orders >= 1".into());
    let toml = format!(
        "[vip]\nrules = [\n  {{ grade = \"Top\", rule = \"{rule}\" }},\n  {{ grade = \"Rest\", rule = \"true\" }},\n]\n"
    );
    std::fs::write(dir.path().join("dangol.toml"), toml).unwrap();
    let (code, _, err) = run(&["customers", p.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("the rule is 1050011 characters long; a rule may have at most 2000"),
        "{err}"
    );
}

#[test]
fn grade_filter_with_top_says_how_many_matched() {
    let dir = tmp();
    let path = dir.path().join("gold.xlsx");
    let mut rows = vec![sales_header()];
    let names = ["가", "나", "다", "라", "마", "바", "사"];
    for (i, who) in names.iter().enumerate() {
        // The first five order three times (골드), the last two once (신규).
        let orders = if i < 5 { 3 } else { 1 };
        for k in 0..orders {
            rows.push(vec![
                d(2026, 11, 1 + k),
                V::S(who),
                V::T(format!("O{i}-{k}")),
                V::N(10_000.0 * (i + 1) as f64),
            ]);
        }
    }
    xlsx(&path, &[("판매", rows)]);
    let p = path.to_str().unwrap();
    let (code, out, err) = run(&[
        "customers",
        p,
        "--as-of",
        "2026-11-22",
        "--lang",
        "ko",
        "--grade",
        "골드",
        "--top",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(골드 5명 중 2명 표시)\n"), "{out}");
    assert!(!out.contains("전체 7명"), "{out}");
    let (code, out, err) = run(&[
        "customers",
        p,
        "--as-of",
        "2026-11-22",
        "--lang",
        "en",
        "--grade",
        "Gold",
        "--top",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(2 of 5 Gold customers shown)\n"), "{out}");
    let (code, out, err) = run(&[
        "customers",
        p,
        "--as-of",
        "2026-11-22",
        "--lang",
        "en",
        "--top",
        "3",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(3 of 7 customers shown)\n"), "{out}");
}

#[test]
fn the_vip_tier_once_called_regular_is_standard() {
    let dir = tmp();
    let path = dir.path().join("two.xlsx");
    xlsx(
        &path,
        &[(
            "Sales",
            vec![
                sales_header(),
                vec![d(2026, 11, 1), V::S("Mina"), V::S("O1"), V::N(1000.0)],
                vec![d(2026, 11, 2), V::S("Mina"), V::S("O2"), V::N(1000.0)],
            ],
        )],
    );
    let p = path.to_str().unwrap();
    let rows = json(&["customers", p, "--as-of", "2026-11-22", "--format", "json"]);
    assert_eq!(rows[0]["vip_grade"], "Standard");
    assert_eq!(rows[0]["vip_reason"], "orders 2 ≥ 2");
    let (code, out, err) = run(&[
        "customers",
        p,
        "--as-of",
        "2026-11-22",
        "--grade",
        "일반",
        "--lang",
        "ko",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.contains("Mina") && l.contains("일반")),
        "{out}"
    );
    // The Grades sheet `init` writes names it Standard; the responder tier keeps Regular.
    let starter = dir.path().join("starter.xlsx");
    let (code, _, err) = run(&["init", starter.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    use calamine::{Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(&starter).expect("open");
    let grades = wb.worksheet_range("Grades").expect("Grades sheet");
    let cells: Vec<(String, String)> = grades
        .rows()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    assert!(
        cells.contains(&("vip".into(), "Standard".into())),
        "{cells:?}"
    );
    assert!(
        !cells.contains(&("vip".into(), "Regular".into())),
        "{cells:?}"
    );
    assert!(
        cells.contains(&("responder".into(), "Regular".into())),
        "{cells:?}"
    );
}

/// Quotes as of 2026-11-22 (every one due: sent 7+ days ago, no reply): Ahn opened Q1 but not
/// her newer Q2; Baek opened Q3; Cho has neither e-mail nor phone (Q4); Do only a phone (Q5).
fn reminder_shop(dir: &Path) -> PathBuf {
    reminder_shop_with(dir, None)
}

/// [`reminder_shop`] with a Templates sheet.
fn reminder_shop_with(dir: &Path, templates: Option<Vec<Vec<V>>>) -> PathBuf {
    let path = dir.join("quotes.xlsx");
    let s = V::S;
    let q = |id, who, email: V, phone: V, sent: V, opened| {
        vec![
            s(id),
            s(who),
            email,
            phone,
            sent,
            s(opened),
            s("N"),
            V::N(100_000.0),
        ]
    };
    let mut sheets = vec![
        (
            "Sales",
            vec![
                sales_header(),
                vec![d(2026, 10, 1), s("Ahn"), s("O1"), V::N(50_000.0)],
            ],
        ),
        (
            "Quotes",
            vec![
                vec![
                    s("Quote ID"),
                    s("Customer"),
                    s("Email"),
                    s("Phone"),
                    s("Sent"),
                    s("Opened"),
                    s("Responded"),
                    s("Amount"),
                ],
                q(
                    "Q1",
                    "Ahn",
                    s("ahn@example.com"),
                    V::B,
                    d(2026, 11, 10),
                    "Y",
                ),
                q(
                    "Q2",
                    "Ahn",
                    s("ahn@example.com"),
                    V::B,
                    d(2026, 11, 15),
                    "N",
                ),
                q(
                    "Q3",
                    "Baek",
                    s("baek@example.com"),
                    V::B,
                    d(2026, 11, 12),
                    "Y",
                ),
                q("Q4", "Cho", V::B, V::B, d(2026, 11, 12), "N"),
                q("Q5", "Do", V::B, s("010-4444-5555"), d(2026, 11, 12), "N"),
            ],
        ),
    ];
    if let Some(t) = templates {
        sheets.push(("Templates", t));
    }
    xlsx(&path, &sheets);
    path
}

/// The mail-merge CSV's rows as (email, subject, body).
fn merge_rows(path: &Path) -> Vec<(String, String, String)> {
    let bytes = std::fs::read(path).expect("mail-merge csv");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            (rec[0].to_string(), rec[5].to_string(), rec[6].to_string())
        })
        .collect()
}

#[test]
fn reminder_drafts_follow_the_quote_state_and_carry_the_shop_address() {
    let dir = tmp();
    let p = reminder_shop(dir.path());
    let drafts = dir.path().join("drafts");
    let merge = dir.path().join("merge.csv");
    let (code, out, err) = run(&[
        "remind",
        p.to_str().unwrap(),
        "--as-of",
        "2026-11-22",
        "--lang",
        "en",
        "--set",
        "shop_name=Corner Shop",
        "--set",
        "shop_email=hello@corner.example",
        "--eml",
        drafts.to_str().unwrap(),
        "--csv",
        merge.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let rows = merge_rows(&merge);
    assert_eq!(rows.len(), 2, "{rows:?}");
    // Ahn is Interested (she opened Q1), but the draft is about Q2, which she has not opened:
    // no thanks for reading it.
    let (email, subject, body) = &rows[0];
    assert_eq!(email, "ahn@example.com");
    assert_eq!(subject, "[Corner Shop] Following up on quote Q2");
    assert!(
        body.contains("wanted to make sure it reached you"),
        "{body}"
    );
    assert!(!body.contains("Thank you for looking"), "{body}");
    // Baek opened Q3: the thanks are true.
    let (email, subject, body) = &rows[1];
    assert_eq!(email, "baek@example.com");
    assert_eq!(subject, "[Corner Shop] About quote Q3");
    assert!(
        body.starts_with(
            "Dear Baek,\n\nThank you for looking at the quote we sent 10 days ago (Q3, ₩100,000)."
        ),
        "{body}"
    );
    let eml = std::fs::read_to_string(drafts.join("001-ahn@example.com.eml")).expect("draft");
    assert!(
        eml.starts_with(
            "From: \"Corner Shop\" <hello@corner.example>\r\nReply-To: \"Corner Shop\" <hello@corner.example>\r\nTo: Ahn <ahn@example.com>\r\n"
        ),
        "{eml}"
    );
    // Without shop_email there is no From (the mail program uses its own account).
    let (code, _, err) = run(&[
        "remind",
        p.to_str().unwrap(),
        "--as-of",
        "2026-11-22",
        "--eml",
        drafts.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(code, 0, "{err}");
    let eml = std::fs::read_to_string(drafts.join("001-ahn@example.com.eml")).expect("draft");
    assert!(eml.starts_with("To: Ahn <ahn@example.com>\r\n"), "{eml}");
    // A bad address is refused where it is set.
    let (code, _, err) = run(&[
        "remind",
        p.to_str().unwrap(),
        "--set",
        "shop_email=shop at home",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("shop_email: found \"shop at home\", expected an e-mail address such as shop@example.com"),
        "{err}"
    );
}

#[test]
fn sheet_templates_can_name_the_quote_state() {
    let dir = tmp();
    // A Templates sheet: one for opened quotes, one for the others.
    let path = reminder_shop_with(
        dir.path(),
        Some(vec![
            vec![V::S("grade"), V::S("subject"), V::S("body")],
            vec![
                V::S("opened"),
                V::S("Read {quote_id}"),
                V::S("Thanks for reading, {name}."),
            ],
            vec![
                V::S("not opened"),
                V::S("Sent {quote_id}"),
                V::S("Did it arrive, {name}?"),
            ],
        ]),
    );
    let merge = dir.path().join("merge.csv");
    let (code, out, err) = run(&[
        "remind",
        path.to_str().unwrap(),
        "--as-of",
        "2026-11-22",
        "--csv",
        merge.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let rows = merge_rows(&merge);
    let got: Vec<(&str, &str)> = rows.iter().map(|r| (r.1.as_str(), r.2.as_str())).collect();
    assert_eq!(
        got,
        [
            ("Sent Q2", "Did it arrive, Ahn?"),
            ("Read Q3", "Thanks for reading, Baek.")
        ]
    );
}

#[test]
fn remind_apply_never_marks_a_customer_it_cannot_reach() {
    let dir = tmp();
    let p = reminder_shop(dir.path());
    let (code, out, err) = run(&[
        "remind",
        p.to_str().unwrap(),
        "--as-of",
        "2026-11-22",
        "--lang",
        "en",
        "--apply",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Unreachable — no e-mail and no phone (never marked as reminded):\n  Cho\n"),
        "{out}"
    );
    assert!(
        out.contains("No usable e-mail — call instead:\n  Do  010"),
        "{out}"
    );
    assert!(out.contains("Marked 4 quote(s) as reminded in "), "{out}");
    use calamine::{Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(&p).expect("open");
    let quotes = wb.worksheet_range("Quotes").expect("Quotes");
    let rows: Vec<Vec<String>> = quotes
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(rows[0][8..], ["Status", "Reminded", "Reminders"]);
    let status: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r.get(8).map_or("", String::as_str)))
        .collect();
    assert_eq!(
        status,
        [
            ("Q1", "reminded"),
            ("Q2", "reminded"),
            ("Q3", "reminded"),
            ("Q4", ""),
            ("Q5", "reminded")
        ]
    );
    let v = json(&[
        "remind",
        p.to_str().unwrap(),
        "--as-of",
        "2026-11-23",
        "--format",
        "json",
    ]);
    // Customer keys keep the name's case (the duplicate review shows Kim/KIM).
    assert_eq!(v["unreachable"][0]["customer"], "Cho");
}

#[test]
fn strict_mode_on_a_one_row_per_deal_export_says_it_needs_a_stage_history() {
    let dir = tmp();
    let path = dir.path().join("crm.xlsx");
    let s = V::S;
    xlsx(
        &path,
        &[
            (
                "Sales",
                vec![
                    sales_header(),
                    vec![d(2026, 11, 1), s("Mina"), s("O1"), V::N(1000.0)],
                ],
            ),
            (
                "Pipeline",
                vec![
                    vec![s("Deal"), s("Customer"), s("Stage"), s("Date")],
                    vec![s("D1"), s("Mina"), s("Lead"), d(2026, 10, 1)],
                    vec![s("D2"), s("Jun"), s("Demo"), d(2026, 10, 2)],
                    vec![s("D3"), s("Ara"), s("Won"), d(2026, 10, 3)],
                ],
            ),
        ],
    );
    let p = path.to_str().unwrap();
    let base = [
        "funnel",
        p,
        "--pipeline",
        "--lang",
        "en",
        "--set",
        "funnel.stages=Lead, Demo, Won",
        // A day after the newest date in the data and the currency named: no warning but
        // the one this test is about.
        "--as-of",
        "2026-11-02",
        "--set",
        "currency=KRW",
    ];
    let mut strict = base.to_vec();
    strict.extend(["--mode", "strict"]);
    let (code, _, err) = run(&strict);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "dangol: warning: strict mode needs a stage history (one row per stage a deal entered); this pipeline sheet has one row per deal (its current stage), so strict counts only the stages its date columns record. Use --mode reach.\n"
    );
    strict.extend(["--format", "json", "--quiet"]);
    let (code, _, err) = run(&strict);
    assert_eq!(code, 0);
    assert!(
        err.starts_with("dangol: warning: strict mode needs a stage history"),
        "{err}"
    );
    // Reach on the same export says nothing.
    let (code, _, err) = run(&base);
    assert_eq!(code, 0);
    assert_eq!(err, "");
}

#[test]
fn a_malformed_placeholder_is_an_error_naming_the_template_cell() {
    for (body, want) in [
        (
            "Dear {name",
            "Templates!C2: {name is not a placeholder (no closing brace)",
        ),
        (
            "Dear {}",
            "Templates!C2: {} is not a placeholder (no name between the braces)",
        ),
        (
            "Dear { name }",
            "Templates!C2: { name } is not a placeholder (spaces inside the braces)",
        ),
    ] {
        let dir = tmp();
        let p = reminder_shop_with(
            dir.path(),
            Some(vec![
                vec![V::S("grade"), V::S("subject"), V::S("body")],
                vec![V::S("*"), V::S("Quote {quote_id}"), V::S(body)],
            ]),
        );
        let drafts = dir.path().join("drafts");
        let (code, out, err) = run(&[
            "remind",
            p.to_str().unwrap(),
            "--as-of",
            "2026-11-22",
            "--eml",
            drafts.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(
            err.contains(&format!("{want}; use {{name}}, {{quote_id}}, {{days}}, {{amount}} or {{shop}} (write {{{{ or }}}} for a literal brace)")),
            "{err}"
        );
        assert!(!drafts.exists(), "nothing is written");
    }
}
