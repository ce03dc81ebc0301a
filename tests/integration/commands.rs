//! `init`, `sample`, `customers` and `funnel` through the real binary, on a hand-made shop.

use std::path::{Path, PathBuf};

use crate::support::{V, dangol, stderr, stdout, tmp, xlsx};

fn d(y: u16, m: u8, day: u8) -> V {
    V::D(y, m, day, 10, 0)
}

/// Four customers, four quotes, three deals (see each test for what they show).
fn shop(dir: &Path) -> PathBuf {
    let path = dir.join("shop.xlsx");
    let s = V::S;
    xlsx(
        &path,
        &[
            (
                "Sales",
                vec![
                    vec![s("Date"), s("Customer"), s("Order ID"), s("Amount")],
                    vec![d(2025, 4, 1), s("Alice"), s("O1"), V::N(600_000.0)],
                    vec![d(2025, 4, 10), s("Alice"), s("O2"), V::N(500_000.0)],
                    vec![d(2025, 4, 12), s("김철수"), s("O3"), V::N(100_000.0)],
                    vec![d(2025, 4, 14), s("=Evil"), s("O5"), V::N(50_000.0)],
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
                        s("Order ID"),
                    ],
                    // Opened, responded, ordered, and Alice ordered again (O2): a reorder.
                    vec![
                        s("Q1"),
                        s("Alice"),
                        d(2025, 4, 1),
                        s("Y"),
                        s("Y"),
                        s("Y"),
                        s("O1"),
                    ],
                    vec![
                        s("Q2"),
                        s("김철수"),
                        d(2025, 4, 5),
                        s("Y"),
                        s("N"),
                        s("N"),
                        V::B,
                    ],
                    vec![
                        s("Q3"),
                        s("Bob"),
                        d(2025, 4, 8),
                        s("N"),
                        s("N"),
                        s("N"),
                        V::B,
                    ],
                    // Converted with no opened flag: reach counts it opened, strict does not.
                    vec![
                        s("Q4"),
                        s("김철수"),
                        d(2025, 4, 11),
                        s("N"),
                        s("N"),
                        s("Y"),
                        s("O3"),
                    ],
                ],
            ),
            (
                "Pipeline",
                vec![
                    vec![s("Deal"), s("Customer"), s("Stage"), s("Date")],
                    vec![s("D1"), s("Alice"), s("Lead"), d(2025, 3, 1)],
                    vec![s("D1"), s("Alice"), s("Demo"), d(2025, 3, 5)],
                    vec![s("D1"), s("Alice"), s("Won"), d(2025, 3, 10)],
                    vec![s("D2"), s("Bob"), s("Lead"), d(2025, 3, 2)],
                    vec![s("D2"), s("Bob"), s("Lost"), d(2025, 3, 4)],
                    // Back from Demo to Lead: one backward move.
                    vec![s("D3"), s("Carol"), s("Lead"), d(2025, 3, 3)],
                    vec![s("D3"), s("Carol"), s("Demo"), d(2025, 3, 6)],
                    vec![s("D3"), s("Carol"), s("Lead"), d(2025, 3, 7)],
                ],
            ),
        ],
    );
    path
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

#[test]
fn customers_terminal_table_is_aligned_and_sorted_by_total() {
    let dir = tmp();
    let p = shop(dir.path());
    let (code, out, err) = run(&[
        "customers",
        p.to_str().unwrap(),
        "--as-of",
        "2025-04-20",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "4 customers · as of 2025-04-20 · last 365 days (2024-04-21 ~ 2025-04-20)"
    );
    let names: Vec<&str> = lines[3..7]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, ["Alice", "김철수", "=Evil", "Bob"]);
    assert!(lines[3].contains("₩1,100,000"), "{out}");
    assert!(lines[3].contains("₩550,000"), "{out}");
    assert!(lines[3].contains("2025-04-10"), "{out}");
    assert!(lines[3].contains("Gold"), "{out}");
    assert!(lines[6].contains("Prospect"), "{out}");
    // Under the table: which RFM method scored them and why (4 customers: fixed cut points).
    assert_eq!(
        lines[7],
        "RFM: fixed cut points (auto: 3 customers ordered in the last 365 days; quintiles need 100): R 30 / 60 / 90 / 180 · F 2 / 3 / 4 / 6 · M 100,000 / 300,000 / 500,000 / 1,000,000"
    );
    // Hangul counts double: the orders column ends at the same display column.
    use unicode_width::UnicodeWidthStr;
    let end_of_orders = |l: &str| {
        let i = l.find(['1', '2']).unwrap();
        l[..=i].width()
    };
    assert_eq!(end_of_orders(lines[3]), end_of_orders(lines[4]), "{out}");
}

#[test]
fn customers_json_uses_spec_fields_and_english_grades() {
    let dir = tmp();
    let p = shop(dir.path());
    let v = json(&[
        "customers",
        p.to_str().unwrap(),
        "--as-of",
        "2025-04-20",
        "--lang",
        "ko",
        "--format",
        "json",
    ]);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let alice = &rows[0];
    assert_eq!(alice["customer"], "Alice");
    assert_eq!(alice["orders"], 2);
    assert_eq!(alice["total"], "1100000");
    assert_eq!(alice["avg_order"], "550000");
    assert_eq!(alice["first_order"], "2025-04-01");
    assert_eq!(alice["last_order"], "2025-04-10");
    assert_eq!(alice["recency_days"], 10);
    assert_eq!(alice["vip_grade"], "Gold");
    // Only the clause that held (SPEC §3): `orders 2 ≥ 3` is false and not a reason.
    assert_eq!(alice["vip_reason"], "total 1,100,000 ≥ 500,000");
    assert_eq!(alice["quotes"], 1);
    assert_eq!(alice["conversions"], 1);
    assert_eq!(rows[1]["customer"], "김철수");
    assert_eq!(rows[1]["vip_grade"], "New");
    assert_eq!(rows[3]["customer"], "Bob");
    assert_eq!(rows[3]["vip_grade"], "Prospect");
    assert_eq!(rows[3]["responder_grade"], "Unresponsive");

    let top = json(&[
        "customers",
        p.to_str().unwrap(),
        "--as-of",
        "2025-04-20",
        "--format",
        "json",
        "--grade",
        "신규",
        "--sort",
        "name",
    ]);
    let names: Vec<&str> = top
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["customer"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["=Evil", "김철수"]);
}

#[test]
fn unknown_grade_is_a_usage_error() {
    let dir = tmp();
    let p = shop(dir.path());
    let (code, _, err) = run(&["customers", p.to_str().unwrap(), "--grade", "Diamond"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--grade \"Diamond\": no such grade; the grades are VIP, Gold, Standard, New, Prospect, Regular, Interested, Pending, Unresponsive, No quotes"),
        "{err}"
    );
}

#[test]
fn customers_csv_has_bom_and_neutralised_text() {
    let dir = tmp();
    let p = shop(dir.path());
    let o = dangol(&[
        "customers",
        p.to_str().unwrap(),
        "--as-of",
        "2025-04-20",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(&o.stdout[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(o.stdout[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("customer,key,email,phone,group,opt_out,orders,total,avg_order,"));
    assert!(
        // Identity keeps case (SPEC §2: Kim/KIM are reviewed, not merged): the key is `Alice`.
        lines[1].starts_with("Alice,Alice,,,,false,2,1100000,550000,2025-04-01,2025-04-10,10,"),
        "{text}"
    );
    assert!(
        lines[3].starts_with("'=Evil,'=Evil,,,,false,1,50000,50000,"),
        "{text}"
    );
}

#[test]
fn quote_funnel_reach_and_strict() {
    let dir = tmp();
    let p = shop(dir.path());
    let counts = |v: &serde_json::Value| -> Vec<u64> {
        v["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["count"].as_u64().unwrap())
            .collect()
    };
    let reach = json(&["funnel", p.to_str().unwrap(), "--format", "json"]);
    assert_eq!(reach["funnel"], "quote");
    assert_eq!(reach["mode"], "reach");
    assert_eq!(reach["unit"], "quotes");
    assert_eq!(counts(&reach), [4, 3, 2, 2, 1]);
    assert_eq!(reach["stages"][1]["step_pct"], "75");
    assert_eq!(reach["stages"][4]["cumulative_pct"], "25");
    let strict = json(&[
        "funnel",
        p.to_str().unwrap(),
        "--format",
        "json",
        "--mode",
        "strict",
    ]);
    assert_eq!(strict["mode"], "strict");
    assert_eq!(counts(&strict), [4, 2, 1, 1, 1]);
    let customers = json(&[
        "funnel",
        p.to_str().unwrap(),
        "--format",
        "json",
        "--unit",
        "customers",
    ]);
    assert_eq!(customers["unit"], "customers");
    assert_eq!(counts(&customers), [3, 2, 2, 2, 1]);
    let ranged = json(&[
        "funnel",
        p.to_str().unwrap(),
        "--format",
        "json",
        "--from",
        "2025-04-05",
        "--to",
        "2025-04-08",
    ]);
    assert_eq!(counts(&ranged), [2, 1, 0, 0, 0]);

    let (code, out, err) = run(&["funnel", p.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "Quote funnel · unit: quotes · mode: reach (a later stage counts the earlier ones)"
    );
    assert!(
        lines[3].starts_with(" Sent           4                100.0%         0"),
        "{out}"
    );
    assert!(lines[3].ends_with("████████████████████"), "{out}");
    assert!(lines[4].ends_with("███████████████"), "{out}");
}

#[test]
fn pipeline_funnel_lost_and_backward_moves() {
    let dir = tmp();
    let p = shop(dir.path());
    let v = json(&[
        "funnel",
        p.to_str().unwrap(),
        "--pipeline",
        "--format",
        "json",
    ]);
    assert_eq!(v["funnel"], "pipeline");
    assert_eq!(v["unit"], "deals");
    let stages: Vec<(&str, u64)> = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["stage"].as_str().unwrap(), s["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(stages, [("Lead", 3), ("Demo", 2), ("Won", 1)]);
    assert_eq!(v["lost"][0]["at_stage"], "Lead");
    assert_eq!(v["lost"][0]["reason"], "Lost");
    assert_eq!(v["lost"][0]["count"], 1);
    assert_eq!(v["won"], 1);
    assert_eq!(v["closed"], 2);
    assert_eq!(v["win_rate_pct"], "50");
    assert_eq!(v["backward_moves"], 1);

    let (code, out, _) = run(&["funnel", p.to_str().unwrap(), "--pipeline", "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Won 1 of 2 closed (win rate 50.0%) · backward moves: 1 in 1 deal(s)\n"),
        "{out}"
    );
    assert!(out.contains("Lost at stage · mode: reach\n"), "{out}");
}

#[test]
fn funnel_csv_one_row_per_stage_and_group() {
    let dir = tmp();
    let p = shop(dir.path());
    let o = dangol(&[
        "funnel",
        p.to_str().unwrap(),
        "--format",
        "csv",
        "--by",
        "vip",
        "--as-of",
        "2025-04-20",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(&o.stdout[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(o.stdout[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "funnel,mode,unit,group,stage,count,step_pct,cumulative_pct,drop_off,median_days"
    );
    assert_eq!(lines[1], "quote,reach,quotes,(all),Sent,4,,100,0,");
    let groups: Vec<&str> = lines[1..]
        .iter()
        .filter(|l| l.contains(",Sent,"))
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    assert_eq!(groups, ["(all)", "Gold", "New", "Prospect"]);
}

#[test]
fn funnel_without_quotes_or_pipeline_is_a_data_error() {
    let dir = tmp();
    let p = dir.path().join("sales.xlsx");
    xlsx(
        &p,
        &[(
            "Sales",
            vec![
                vec![V::S("Date"), V::S("Customer"), V::S("Amount")],
                vec![d(2025, 4, 1), V::S("Alice"), V::N(1000.0)],
            ],
        )],
    );
    let (code, _, err) = run(&["funnel", p.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("no quotes sheet found"), "{err}");
    let (code, _, err) = run(&["funnel", p.to_str().unwrap(), "--pipeline"]);
    assert_eq!(code, 1);
    assert!(err.contains("no pipeline sheet found"), "{err}");
    let (code, _, _) = run(&[
        "funnel",
        p.to_str().unwrap(),
        "--pipeline",
        "--unit",
        "quotes",
    ]);
    assert_eq!(code, 2);
}

#[test]
fn init_writes_a_starter_and_refuses_to_overwrite() {
    let dir = tmp();
    let p = dir.path().join("new.xlsx");
    let (code, out, err) = run(&[
        "init",
        p.to_str().unwrap(),
        "--lang",
        "en",
        "--as-of",
        "2025-04-20",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("starter workbook written"), "{out}");
    // An ordinary file for the owner (and a shared folder), not a temporary file's 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&p).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }
    let before = std::fs::read(&p).unwrap();
    let (code, out, err) = run(&["init", p.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(
        err.contains("already exists; dangol init never overwrites a file"),
        "{err}"
    );
    assert_eq!(std::fs::read(&p).unwrap(), before);
    // The starter is readable by the analysis commands.
    let (code, _, err) = run(&["customers", p.to_str().unwrap(), "--as-of", "2025-04-20"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn sample_is_deterministic() {
    let dir = tmp();
    let a = dir.path().join("a.xlsx");
    let b = dir.path().join("b.xlsx");
    let args = |p: &Path| {
        vec![
            "sample".to_string(),
            "--out".into(),
            p.to_str().unwrap().into(),
            "--customers".into(),
            "20".into(),
            "--rows".into(),
            "200".into(),
            "--weeks".into(),
            "8".into(),
            "--seed".into(),
            "9".into(),
        ]
    };
    let o = dangol(&args(&a).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The sample shop is Korean, and so is its summary (SPEC promise 6).
    assert!(stdout(&o).contains(": 판매 200행 ("), "{}", stdout(&o));
    let mut q = args(&b);
    q.push("--quiet".into());
    let o = dangol(&q.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());

    // CSV by --format (en: UTF-8 with BOM).
    let c = dir.path().join("c.txt");
    let o = dangol(&[
        "sample",
        "--out",
        c.to_str().unwrap(),
        "--format",
        "csv",
        "--lang",
        "en",
        "--customers",
        "3",
        "--rows",
        "5",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read(&c).unwrap().starts_with(b"\xEF\xBB\xBF"));
}

#[test]
fn every_command_help_ends_with_examples() {
    for (cmd, want) in [
        ("init", "dangol init shop.xlsx --lang en"),
        ("sample", "dangol sample --out shop.xlsx"),
        ("customers", "dangol customers shop.xlsx --movement"),
        ("funnel", "dangol funnel shop.xlsx --pipeline --by channel"),
    ] {
        let (code, out, _) = run(&[cmd, "--help"]);
        assert_eq!(code, 0);
        assert!(out.contains("Examples:\n"), "{cmd}: {out}");
        assert!(out.contains(want), "{cmd}: {out}");
    }
    let (_, out, _) = run(&["funnel", "--help"]);
    assert!(
        out.contains("strict counts Lead 3, Demo 2, Proposal 2, Won 1"),
        "{out}"
    );
    assert!(out.contains("Backward moves"), "{out}");
}

#[test]
fn example_settings_file_is_accepted() {
    let dir = tmp();
    let p = shop(dir.path());
    let toml = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/dangol.toml");
    let (code, out, err) = run(&[
        "config",
        p.to_str().unwrap(),
        "--config",
        toml.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("[dangol.toml:"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("funnel.mode") && l.contains("reach")),
        "{out}"
    );
}

/// The bundled sample files are exactly what the commands in the README make.
#[test]
fn bundled_sample_data_is_reproducible_by_the_documented_commands() {
    let dir = tmp();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    for (file, args) in [
        ("shop.xlsx", &["--lang", "ko"][..]),
        ("shop-en.xlsx", &["--lang", "en"][..]),
        ("sales-cp949.csv", &["--lang", "ko", "--format", "csv"][..]),
    ] {
        let out = dir.path().join(file);
        let mut all = vec!["sample", "--out", out.to_str().unwrap()];
        all.extend_from_slice(args);
        let o = dangol(&all);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            std::fs::read(&out).unwrap() == std::fs::read(repo.join(file)).unwrap(),
            "sample-data/{file} differs from `dangol {}`",
            all.join(" ")
        );
    }
}

#[test]
fn format_xlsx_is_only_for_sample() {
    let dir = tmp();
    let path = shop(dir.path());
    let o = dangol(&["customers", path.to_str().unwrap(), "--format", "xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "dangol: error: --format xlsx is only for `dangol sample`; use table, json or csv\n"
    );
}
