//! The sample shop's Sent Log history (issue 17): `dangol sample` records the flow messages
//! `today --apply` would have sent on the mornings of 2026-11-16 to 11-20, so `today` on the
//! README's `--as-of latest` day (2026-11-23) finds flows already sent, due and held.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::tmp;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = assert_cmd::Command::cargo_bin("dangol").expect("binary");
    for (k, _) in std::env::vars() {
        if k.starts_with("DANGOL_") {
            cmd.env_remove(k);
        }
    }
    cmd.current_dir(dir).args(args).output().expect("run")
}

/// (flow, status) → how many messages, from `today --format json`.
fn statuses(j: &serde_json::Value) -> BTreeMap<(String, String), u64> {
    let mut out = BTreeMap::new();
    for m in j["due"]
        .as_array()
        .unwrap()
        .iter()
        .chain(j["not_sent"].as_array().unwrap())
    {
        let key = (
            m["flow"].as_str().unwrap().to_string(),
            m["status"].as_str().unwrap().to_string(),
        );
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

#[test]
fn the_sample_has_a_sent_log_so_today_shows_sent_and_due_messages_of_every_flow() {
    let dir = tmp();
    let wb = dir.path().join("shop-en.xlsx");
    let w = wb.to_str().unwrap();
    let o = run(
        dir.path(),
        &["sample", "--out", w, "--lang", "en", "--quiet"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Recorded as dangol's own sheet, as `run` records it.
    let book = std::fs::File::open(&wb).unwrap();
    assert_eq!(
        dangol::writeback::generated_sheets(book).unwrap(),
        ["Sent Log"]
    );
    let loaded = crate::support::load(&wb);
    let log = &loaded.data.flow_log;
    assert_eq!(log.len(), 76);
    let days: std::collections::BTreeSet<String> = log.iter().map(|s| s.sent.to_string()).collect();
    assert_eq!(
        days.into_iter().collect::<Vec<_>>(),
        [
            "2026-11-16",
            "2026-11-17",
            "2026-11-18",
            "2026-11-19",
            "2026-11-20"
        ]
    );

    let today = [
        "today", w, "--as-of", "latest", "--at", "10:00", "--format", "json",
    ];
    let o = run(dir.path(), &today);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(j["as_of"], "2026-11-23");
    let counts: BTreeMap<String, u64> = serde_json::from_value(j["counts"].clone()).unwrap();
    let want: BTreeMap<String, u64> = [
        ("cooldown", 16),
        ("due", 25),
        ("missed", 17),
        ("opted_out", 1),
        ("sent", 76),
        ("unreachable", 3),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(counts, want);
    let s = statuses(&j);
    let n = |flow: &str, status: &str| s.get(&(flow.into(), status.into())).copied().unwrap_or(0);
    // Every flow has messages already sent; every flow but the birthday one (no birthday in
    // the two unrecorded days) has one due. No stop rule holds in the sample's last week.
    for (flow, due, sent) in [
        ("welcome", 1, 2),
        ("thanks_2nd", 1, 4),
        ("thanks_3rd", 1, 1),
        ("review", 21, 62),
        ("birthday", 0, 1),
        ("winback", 1, 6),
    ] {
        assert_eq!((n(flow, "due"), n(flow, "sent")), (due, sent), "{flow}");
        assert_eq!(n(flow, "stopped"), 0, "{flow}");
    }

    // `run` keeps the history (its Sent Log is dangol's, never a user sheet).
    let o = run(
        dir.path(),
        &["run", w, "--as-of", "latest", "--no-report", "--quiet"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    let again = crate::support::load(&wb);
    assert_eq!(again.data.flow_log.len(), 76);
    let names = {
        use calamine::Reader;
        calamine::open_workbook_auto(&wb).unwrap().sheet_names()
    };
    let logs: Vec<&String> = names.iter().filter(|n| n.contains("Sent Log")).collect();
    assert_eq!(logs, ["Sent Log"]);
    let o = run(dir.path(), &today);
    let j2: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(j2["counts"], j["counts"]);
}

/// `group == "…"` in a flow's condition, as grade rules have it (the Customers sheet's group
/// column): the welcome goes to the customers the condition names.
#[test]
fn a_flow_condition_can_name_a_group() {
    use crate::support::{V, xlsx};
    let dir = tmp();
    let wb = dir.path().join("shop.xlsx");
    let s = V::S;
    let day = V::D(2025, 4, 19, 10, 0);
    let sale = |name: &'static str, email: &'static str, id: &'static str| {
        vec![day.clone(), s(name), s(email), s(id), V::N(10_000.0)]
    };
    let flows = |cond: &'static str| {
        vec![
            vec![
                s("Flow"),
                s("Trigger"),
                s("Delay days"),
                s("Condition"),
                s("Template"),
                s("Channel"),
            ],
            vec![
                s("welcome"),
                s("first_order"),
                s("0"),
                s(cond),
                s("welcome"),
                s("email"),
            ],
        ]
    };
    let sheets = |cond: &'static str| {
        vec![
            (
                "Sales",
                vec![
                    vec![
                        s("Date"),
                        s("Customer"),
                        s("Email"),
                        s("Order ID"),
                        s("Amount"),
                    ],
                    sale("Ann", "ann@x.com", "O1"),
                    sale("Bob", "bob@x.com", "O2"),
                    sale("Cat", "cat@x.com", "O3"),
                ],
            ),
            (
                "Customers",
                vec![
                    vec![s("Customer"), s("Email"), s("Group")],
                    vec![s("Ann"), s("ann@x.com"), s("Wholesale")],
                    vec![s("Bob"), s("bob@x.com"), V::B],
                    vec![s("Cat"), s("cat@x.com"), s("Retail")],
                ],
            ),
            ("Flows", flows(cond)),
        ]
    };
    let welcomed = |cond: &'static str| -> Vec<String> {
        xlsx(&wb, &sheets(cond));
        let w = wb.to_str().unwrap();
        let args = [
            "today",
            w,
            "--as-of",
            "2025-04-20",
            "--at",
            "10:00",
            "--format",
            "json",
        ];
        let o = run(dir.path(), &args);
        assert_eq!(String::from_utf8_lossy(&o.stderr), "", "{cond}");
        assert_eq!(o.status.code(), Some(0), "{cond}");
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        j["due"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(welcomed(""), ["Ann", "Bob", "Cat"]);
    assert_eq!(welcomed("group == \"Wholesale\""), ["Ann"]);
    assert_eq!(welcomed("group != \"Wholesale\""), ["Bob", "Cat"]);
    assert_eq!(
        welcomed("group == \"Retail\" or group == \"Wholesale\""),
        ["Ann", "Cat"]
    );
}
