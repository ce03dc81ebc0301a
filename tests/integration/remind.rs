//! `dangol remind`: rule boundaries, next actions, `--apply` (idempotent, touches only its
//! cells), `.eml` drafts and the mail-merge CSV.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader};
use chrono::NaiveDate;
use dangol::analysis::customers::customer_table;
use dangol::analysis::remind::{ActionKind, due_reminders, next_actions};
use dangol::model::Lang;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// A test cell.
#[derive(Debug, Clone)]
enum V {
    S(&'static str),
    T(String),
    N(f64),
    /// A real Excel date.
    D(u16, u8, u8),
    B,
}

use V::{B, D, N, S};

/// A workbook with a bold header row and set column widths (so styles can be compared).
fn xlsx(path: &Path, sheets: &[(&str, Vec<Vec<V>>)]) {
    let mut wb = Workbook::new();
    let datefmt = Format::new().set_num_format("yyyy-mm-dd");
    let bold = Format::new().set_bold();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        ws.set_column_width(1, 18).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    S(s) if r == 0 => {
                        ws.write_string_with_format(r, c, *s, &bold).unwrap();
                    }
                    S(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    V::T(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    D(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &datefmt).unwrap();
                    }
                    B => {}
                }
            }
        }
    }
    wb.save(path).unwrap();
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const AS_OF: &str = "2025-04-15";

/// The rule-boundary shop (as of 2025-04-15, default settings: after 3 days, max 2, gap 3).
#[expect(
    clippy::too_many_lines,
    reason = "split when this workbook is built with the integration tests' builder"
)]
fn rules_book(path: &Path) {
    let q = |id: &'static str,
             name: &'static str,
             email: V,
             phone: V,
             sent: V,
             opened: &'static str,
             responded: V,
             converted: &'static str,
             reminders: V,
             reminded: V,
             status: &'static str| {
        vec![
            S(id),
            S(name),
            email,
            phone,
            sent,
            S(opened),
            responded,
            S(converted),
            reminders,
            reminded,
            S(status),
            N(1_200_000.0),
        ]
    };
    let e = |s: &'static str| S(s);
    let quotes = vec![
        vec![
            S("Quote ID"),
            S("Customer"),
            S("Email"),
            S("Phone"),
            S("Sent"),
            S("Opened"),
            S("Responded"),
            S("Converted"),
            S("Reminders"),
            S("Reminded"),
            S("Status"),
            S("Amount"),
        ],
        // Exactly after_days (3) ago, opened: due.
        q(
            "Q1",
            "Kim",
            e("kim@ex.com"),
            B,
            D(2025, 4, 12),
            "Y",
            B,
            "N",
            B,
            B,
            "sent",
        ),
        // 2 days ago: not yet.
        q(
            "Q2",
            "Lee",
            e("lee@ex.com"),
            B,
            D(2025, 4, 13),
            "N",
            B,
            "N",
            B,
            B,
            "",
        ),
        // max (2) reached.
        q(
            "Q3",
            "Park",
            e("park@ex.com"),
            B,
            D(2025, 4, 1),
            "N",
            B,
            "N",
            N(2.0),
            D(2025, 4, 5),
            "",
        ),
        // Last reminder 2 days ago: gap (3) not elapsed.
        q(
            "Q4",
            "Choi",
            e("choi@ex.com"),
            B,
            D(2025, 4, 1),
            "N",
            B,
            "N",
            N(1.0),
            D(2025, 4, 13),
            "",
        ),
        // Last reminder exactly 3 days ago: due.
        q(
            "Q5",
            "Jung",
            e("jung@ex.com"),
            B,
            D(2025, 4, 1),
            "N",
            B,
            "N",
            N(1.0),
            D(2025, 4, 12),
            "",
        ),
        // Opted out in the Customers sheet.
        q(
            "Q6",
            "Kang",
            e("kang@ex.com"),
            B,
            D(2025, 4, 1),
            "N",
            B,
            "N",
            B,
            B,
            "",
        ),
        // Converted.
        q(
            "Q7",
            "Yoon",
            e("yoon@ex.com"),
            B,
            D(2025, 4, 1),
            "Y",
            B,
            "Y",
            B,
            B,
            "",
        ),
        // Responded.
        q(
            "Q8",
            "Jang",
            e("jang@ex.com"),
            B,
            D(2025, 4, 1),
            "Y",
            D(2025, 4, 10),
            "N",
            B,
            B,
            "",
        ),
        // No e-mail: due, call instead.
        q(
            "Q9",
            "Lim",
            B,
            S("010-1234-5678"),
            D(2025, 4, 5),
            "N",
            B,
            "N",
            B,
            B,
            "",
        ),
        // Cancelled.
        q(
            "Q10",
            "Han",
            e("han@ex.com"),
            B,
            D(2025, 4, 1),
            "N",
            B,
            "N",
            B,
            B,
            "취소",
        ),
        // A response dated after as-of does not count yet: due.
        q(
            "Q11",
            "Oh",
            e("oh@ex.com"),
            B,
            D(2025, 4, 8),
            "N",
            D(2025, 4, 20),
            "N",
            B,
            B,
            "",
        ),
    ];
    let sales = vec![
        vec![S("Date"), S("Customer"), S("Email"), S("Amount")],
        vec![D(2025, 3, 1), S("Seo"), S("seo@ex.com"), N(50_000.0)],
        vec![D(2025, 4, 10), S("Seo"), S("seo@ex.com"), N(60_000.0)],
        vec![D(2024, 10, 1), S("Baek"), S("baek@ex.com"), N(10_000.0)],
        vec![D(2024, 11, 1), S("Baek"), S("baek@ex.com"), N(10_000.0)],
        vec![D(2024, 12, 1), S("Baek"), S("baek@ex.com"), N(10_000.0)],
    ];
    let customers = vec![
        vec![S("Customer"), S("Email"), S("Opt out")],
        vec![S("Kang"), S("kang@ex.com"), S("Y")],
        vec![S("Nam"), S("nam@ex.com"), S("N")],
    ];
    xlsx(
        path,
        &[
            ("Quotes", quotes),
            ("Sales", sales),
            ("Customers", customers),
        ],
    );
}

fn load(path: &Path) -> dangol::ingest::Loaded {
    dangol::ingest::load(path, &dangol::ingest::ReadOptions::default()).unwrap()
}

#[test]
fn each_rule_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rules.xlsx");
    rules_book(&p);
    let l = load(&p);
    let t = customer_table(
        &l.data.sales,
        &l.data.quotes,
        &l.data.customers,
        &l.settings,
        day(AS_OF),
    );
    let due = due_reminders(&l.data, &t, &l.settings, day(AS_OF));
    let reasons: Vec<String> = due.iter().map(|r| r.reason_in(Lang::En)).collect();
    let got: Vec<(&str, &str, i64, &str)> = due
        .iter()
        .zip(&reasons)
        .map(|(r, why)| {
            (
                r.quote_id.as_deref().unwrap(),
                r.name.as_str(),
                r.days_since_sent,
                why.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "Q5",
                "Jung",
                14,
                "sent 14 days ago, not opened, 1 reminder(s) so far (last 2025-04-12)"
            ),
            (
                "Q9",
                "Lim",
                10,
                "sent 10 days ago, not opened, no reminder yet"
            ),
            (
                "Q11",
                "Oh",
                7,
                "sent 7 days ago, not opened, no reminder yet"
            ),
            (
                "Q1",
                "Kim",
                3,
                "sent 3 days ago, opened (1×) but no reply, no reminder yet"
            ),
        ]
    );
    assert_eq!(
        due[3].reason_in(Lang::Ko),
        "발송 3일 경과, 열람(1회)했으나 응답 없음, 리마인드 없음"
    );
    assert_eq!(due[3].cell.to_string(), "Quotes!A2");
    assert_eq!(due[3].responder.as_ref().unwrap().name.en, "Interested");
    assert_eq!(due[0].responder.as_ref().unwrap().name.en, "Unresponsive");
    assert_eq!(due[0].vip.as_ref().unwrap().name.en, "Prospect");
    assert_eq!(due[1].email, None);
    // Phones keep the owner's form (SPEC §2).
    assert_eq!(due[1].phone.as_deref(), Some("010-1234-5678"));

    // Next actions: reminder, thank for the 2nd order, win back, welcome, opted out.
    let acts = next_actions(&l.data, &t, &l.settings, day(AS_OF));
    let why: Vec<String> = acts.iter().map(|a| a.reason_in(Lang::En)).collect();
    let by: BTreeMap<&str, (ActionKind, &str)> = acts
        .iter()
        .zip(&why)
        .map(|(a, why)| (a.customer.as_str(), (a.action, why.as_str())))
        .collect();
    assert_eq!(
        by["kim@ex.com"],
        (
            ActionKind::SendReminder,
            "quote Q1: sent 3 days ago, opened (1×) but no reply, no reminder yet"
        )
    );
    assert_eq!(
        by["seo@ex.com"],
        (ActionKind::Thank(2), "2nd order on 2025-04-10")
    );
    assert_eq!(
        by["baek@ex.com"],
        (
            ActionKind::WinBack,
            "Gold customer, no order for 135 days (> 90)"
        )
    );
    assert_eq!(
        by["nam@ex.com"],
        (
            ActionKind::Welcome,
            "new in the customer list, no order yet"
        )
    );
    assert_eq!(
        by["kang@ex.com"],
        (ActionKind::None, "opted out of messages")
    );
    assert_eq!(by["lee@ex.com"], (ActionKind::None, ""));
    let kim = acts.iter().find(|a| a.customer == "kim@ex.com").unwrap();
    let flow = kim.last_quote.as_ref().unwrap();
    assert_eq!(
        (
            flow.quote_id.as_deref(),
            flow.opened,
            flow.responded,
            flow.converted,
            flow.reminders
        ),
        (Some("Q1"), true, false, false, 0)
    );

    // Sheets: headers in both languages, one row per reminder / customer.
    let s = dangol::render::contents_remind::reminders_sheet(&due, dangol::model::Lang::Ko);
    assert_eq!(s.tables[0].columns[0], "견적번호");
    assert_eq!(s.tables[0].rows.len(), 4);
    let d = dangol::render::contents_remind::dashboard_sheet(&acts, dangol::model::Lang::En);
    assert_eq!(d.tables[0].columns[11], "Next action");
    assert_eq!(d.tables[0].rows.len(), acts.len());
}

#[test]
fn winback_days_is_a_setting() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rules.xlsx");
    rules_book(&p);
    let opts = dangol::ingest::ReadOptions {
        flags: vec![dangol::settings::load::RawSetting {
            key: "winback.after_days".into(),
            value: "200".into(),
            origin: dangol::settings::Origin::Flag("--set winback.after_days".into()),
        }],
        ..Default::default()
    };
    let l = dangol::ingest::load(&p, &opts).unwrap();
    let t = customer_table(
        &l.data.sales,
        &l.data.quotes,
        &l.data.customers,
        &l.settings,
        day(AS_OF),
    );
    let acts = next_actions(&l.data, &t, &l.settings, day(AS_OF));
    let baek = acts.iter().find(|a| a.customer == "baek@ex.com").unwrap();
    assert_eq!(baek.action, ActionKind::None);
}

use crate::support::{dangol, stderr as err, stdout as out};

#[test]
fn json_lists_due_and_call_instead() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rules.xlsx");
    rules_book(&p);
    let o = dangol(&[
        "remind",
        p.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let j: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let ids: Vec<&str> = j["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["quote_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["Q5", "Q9", "Q11", "Q1"]);
    assert_eq!(j["reminders"][3]["amount"], "1200000");
    assert_eq!(j["reminders"][3]["responder_grade"], "Interested");
    assert_eq!(
        j["call_instead"],
        serde_json::json!([{"customer": "Lim", "name": "Lim", "phone": "010-1234-5678", "email": null}])
    );

    let o = dangol(&["remind", p.to_str().unwrap(), "--as-of", AS_OF]);
    let text = out(&o);
    assert!(
        text.starts_with(
            "4 quote(s) need a reminder as of 2025-04-15 (after 3 days, at most 2, 3 days apart)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("No usable e-mail — call instead:\n  Lim  010-1234-5678\n"),
        "{text}"
    );
}

/// The quote sheet for `--apply`: no status/reminded/reminders columns, a Memo column at
/// the right that is not one of dangol's fields.
fn apply_book(path: &Path) {
    let quotes = vec![
        vec![
            S("Quote ID"),
            S("Customer"),
            S("Email"),
            S("Sent"),
            S("Memo"),
        ],
        vec![
            S("Q1"),
            S("Kim"),
            S("kim@ex.com"),
            D(2025, 4, 1),
            S("call first"),
        ],
        vec![S("Q2"), S("Lee"), S("lee@ex.com"), D(2025, 4, 14), B],
        vec![S("Q3"), S("Park"), S("park@ex.com"), D(2025, 4, 2), N(7.0)],
    ];
    let other = vec![vec![S("note")], vec![S("keep me")]];
    xlsx(path, &[("Quotes", quotes), ("Notes", other)]);
}

fn zip_parts(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut m = BTreeMap::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let mut b = Vec::new();
        e.read_to_end(&mut b).unwrap();
        m.insert(e.name().unwrap().to_string(), b);
    }
    m
}

/// Every `<c …>…</c>` or `<c …/>` element of a sheet part, by its `r` reference.
fn cells_xml(xml: &str) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<c ") {
        let tail = &rest[i..];
        let open_end = tail.find('>').unwrap();
        let end = if tail.as_bytes()[open_end - 1] == b'/' {
            open_end + 1
        } else {
            tail.find("</c>").unwrap() + 4
        };
        let el = &tail[..end];
        let r = el.split("r=\"").nth(1).unwrap().split('"').next().unwrap();
        m.insert(r.to_string(), el.to_string());
        rest = &tail[end..];
    }
    m
}

fn grid(path: &Path, sheet: &str) -> BTreeMap<(u32, u32), Data> {
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let r = wb.worksheet_range(sheet).unwrap();
    let (r0, c0) = r.start().unwrap();
    let mut m = BTreeMap::new();
    for (i, row) in r.rows().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if *v != Data::Empty {
                m.insert((r0 + i as u32, c0 + j as u32), v.clone());
            }
        }
    }
    m
}

#[test]
fn apply_edits_only_its_cells_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("shop.xlsx");
    apply_book(&p);
    let before_parts = zip_parts(&p);
    let before = grid(&p, "Quotes");

    // --out leaves the input untouched.
    let copy = dir.path().join("copy.xlsx");
    let o = dangol(&[
        "remind",
        p.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--apply",
        "--out",
        copy.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(zip_parts(&p), before_parts);
    assert!(copy.exists());

    let o = dangol(&["remind", p.to_str().unwrap(), "--as-of", AS_OF, "--apply"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("Marked 2 quote(s) as reminded in"),
        "{}",
        out(&o)
    );
    // The applied file equals the --out copy, and a backup was kept.
    assert_eq!(std::fs::read(&p).unwrap(), std::fs::read(&copy).unwrap());
    // Kept for the LibreOffice check CI runs after the tests (`scripts/lo-check.sh`).
    crate::support::keep_for_lo_check("remind", "applied.xlsx", &std::fs::read(&p).unwrap());
    assert_eq!(
        std::fs::read_dir(dir.path().join(".dangol-backups"))
            .unwrap()
            .count(),
        1
    );

    // Edited cells hold exactly the new values; headers created right of Memo (E).
    let after = grid(&p, "Quotes");
    let date = |v: &Data| match v {
        Data::DateTime(d) => d.as_datetime().unwrap().date(),
        other => panic!("not a date: {other:?}"),
    };
    let s = |t: &str| Data::String(t.to_string());
    assert_eq!(after[&(0, 5)], s("Status"));
    assert_eq!(after[&(0, 6)], s("Reminded"));
    assert_eq!(after[&(0, 7)], s("Reminders"));
    for row in [1, 3] {
        assert_eq!(after[&(row, 5)], s("reminded"));
        assert_eq!(date(&after[&(row, 6)]), day(AS_OF));
        assert_eq!(after[&(row, 7)], Data::Float(1.0));
    }
    assert!(!after.contains_key(&(2, 5)) && !after.contains_key(&(2, 6)));
    let mut edited = 0;
    for (k, v) in &after {
        if k.1 >= 5 {
            edited += 1;
            continue;
        }
        assert_eq!(before.get(k), Some(v), "cell {k:?} changed");
    }
    assert_eq!(edited, 9);
    assert_eq!(before.len() + 9, after.len());

    // Raw XML: every original cell element is unchanged; columns and other parts too.
    let after_parts = zip_parts(&p);
    let sheet = "xl/worksheets/sheet1.xml";
    let bx = String::from_utf8(before_parts[sheet].clone()).unwrap();
    let ax = String::from_utf8(after_parts[sheet].clone()).unwrap();
    let (bc, ac) = (cells_xml(&bx), cells_xml(&ax));
    for (r, el) in &bc {
        assert_eq!(ac.get(r), Some(el), "cell {r}");
    }
    let cols = |x: &str| {
        x.split("<cols>")
            .nth(1)
            .map(|t| t.split("</cols>").next().unwrap().to_string())
    };
    assert_eq!(cols(&ax), cols(&bx));
    for (name, bytes) in &before_parts {
        if ![sheet, "xl/workbook.xml", "xl/styles.xml"].contains(&name.as_str()) {
            assert_eq!(after_parts.get(name), Some(bytes), "{name} changed");
        }
    }

    // Second apply the same day: nothing due, file byte-identical.
    let snapshot = std::fs::read(&p).unwrap();
    let o = dangol(&["remind", p.to_str().unwrap(), "--as-of", AS_OF, "--apply"]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(
        out(&o),
        "No quotes need a reminder as of 2025-04-15.\nNothing to mark; the workbook was left as it was.\n"
    );
    assert_eq!(std::fs::read(&p).unwrap(), snapshot);

    // Three days later the same quotes are due again with one reminder so far.
    let o = dangol(&[
        "remind",
        p.to_str().unwrap(),
        "--as-of",
        "2025-04-18",
        "--format",
        "json",
    ]);
    let j: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let got: Vec<(String, u64)> = j["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["quote_id"].as_str().unwrap().to_string(),
                r["reminders"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Q1".to_string(), 1),
            ("Q3".to_string(), 1),
            ("Q2".to_string(), 0)
        ]
    );
}

#[test]
fn apply_refuses_open_workbook_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("shop.xlsx");
    apply_book(&p);
    let owner = dir.path().join("~$shop.xlsx");
    std::fs::write(&owner, b"x").unwrap();
    let before = std::fs::read(&p).unwrap();
    let o = dangol(&["remind", p.to_str().unwrap(), "--as-of", AS_OF, "--apply"]);
    assert_eq!(o.status.code(), Some(3), "{}", err(&o));
    assert!(err(&o).contains("is open in Excel"), "{}", err(&o));
    assert_eq!(std::fs::read(&p).unwrap(), before);
    let o = dangol(&[
        "remind",
        p.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--apply",
        "--force",
    ]);
    assert!(o.status.success(), "{}", err(&o));

    let csv = dir.path().join("quotes.csv");
    std::fs::write(
        &csv,
        "Quote ID,Customer,Email,Sent\nQ1,Kim,kim@ex.com,2025-04-01\n",
    )
    .unwrap();
    let o = dangol(&["remind", csv.to_str().unwrap(), "--as-of", AS_OF, "--apply"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("--apply can only update an .xlsx or .xlsm workbook; this is a .csv file"),
        "{}",
        err(&o)
    );
}

/// Base64 decoding for reading drafts back.
fn unbase64(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        bits = (bits << 6) | A.iter().position(|&a| a == c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// Headers (unfolded, in order) and the decoded body of an `.eml`.
fn parse_eml(bytes: &[u8]) -> (Vec<(String, String)>, String) {
    let text = std::str::from_utf8(bytes).unwrap();
    assert!(
        text.is_ascii(),
        "an .eml with base64 body and encoded words is pure ASCII"
    );
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        assert!(!line.contains('\r') && !line.contains('\n'));
        if line.starts_with(' ') || line.starts_with('\t') {
            headers.last_mut().unwrap().1.push_str(line);
        } else {
            let (k, v) = line.split_once(": ").unwrap();
            headers.push((k.to_string(), v.to_string()));
        }
    }
    (headers, String::from_utf8(unbase64(body)).unwrap())
}

/// Decode RFC 2047 `=?UTF-8?B?…?=` words (charset and encoding compared without case): the
/// white space between two encoded words is dropped, the one next to plain text kept.
fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut last_encoded = None;
    for w in v.split_whitespace() {
        let lower = w.to_ascii_lowercase();
        let encoded = lower.starts_with("=?utf-8?b?") && w.ends_with("?=");
        if last_encoded.is_some() && !(encoded && last_encoded == Some(true)) {
            out.push(' ');
        }
        if encoded {
            out.push_str(&String::from_utf8(unbase64(&w[10..w.len() - 2])).unwrap());
        } else {
            out.push_str(w);
        }
        last_encoded = Some(encoded);
    }
    out
}

fn drafts_book(path: &Path, body_c4: &'static str) {
    let quotes = vec![
        vec![
            S("견적번호"),
            S("고객명"),
            S("이메일"),
            S("전화번호"),
            S("발송일"),
            S("열람"),
            S("견적금액"),
        ],
        vec![
            S("Q-001"),
            S("김철수"),
            S("kim@ex.com"),
            B,
            D(2025, 4, 1),
            S("Y"),
            N(1_200_000.0),
        ],
        vec![
            S("Q-002"),
            V::T("Evil\r\nBcc: spy@evil.com".into()),
            S("evil@ex.com"),
            B,
            D(2025, 4, 2),
            S("N"),
            B,
        ],
        vec![
            S("Q-003"),
            S("박영희"),
            S("park@ex.com\r\nBcc: spy@evil.com"),
            S("010-9999-0000"),
            D(2025, 4, 3),
            S("N"),
            B,
        ],
        vec![
            S("Q-004"),
            S("이민수"),
            B,
            S("010-2222-3333"),
            D(2025, 4, 4),
            S("N"),
            B,
        ],
    ];
    let templates = vec![
        vec![S("등급"), S("제목"), S("본문")],
        vec![
            S("관심고객"),
            S("[{shop}] {name}님, 견적 {quote_id} 안내"),
            S("{name}님, {days}일 전 보내드린 견적({amount})을 열람해 주셔서 감사합니다. {shop}"),
        ],
        vec![
            S("*"),
            S("[{shop}] 견적 확인 부탁드립니다"),
            S("{name}님, {days}일 전에 견적 {quote_id}를 보내드렸습니다."),
        ],
        vec![S("VIP"), S("VIP 안내"), S(body_c4)],
    ];
    xlsx(path, &[("견적", quotes), ("템플릿", templates)]);
}

#[test]
fn eml_drafts_and_mail_merge_csv() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("가게.xlsx");
    drafts_book(&p, "{name}님께 VIP 혜택 안내");
    let eml_dir = dir.path().join("drafts");
    let csv = dir.path().join("merge.csv");
    let args = [
        "remind",
        p.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--set",
        "shop_name=단골상점",
        "--eml",
        eml_dir.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ];
    let o = dangol(&args);
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    assert!(
        text.contains(
            "이메일이 없어 전화로 연락할 고객:\n  박영희  010-9999-0000\n  이민수  010-2222-3333\n"
        ),
        "{text}"
    );
    assert!(text.contains("메일 초안 2개를"), "{text}");

    let mut names: Vec<String> = std::fs::read_dir(&eml_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["001-evil@ex.com.eml", "002-kim@ex.com.eml"]);

    let (h, body) = parse_eml(&std::fs::read(eml_dir.join("002-kim@ex.com.eml")).unwrap());
    let keys: Vec<&str> = h.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "To",
            "Subject",
            "Date",
            "MIME-Version",
            "Content-Type",
            "Content-Transfer-Encoding",
            "X-Unsent"
        ]
    );
    let get = |k: &str| h.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(
        decode_words(&get("Subject")),
        "[단골상점] 김철수님, 견적 Q-001 안내"
    );
    assert!(
        get("Subject")
            .to_ascii_lowercase()
            .starts_with("=?utf-8?b?")
    );
    assert_eq!(get("To"), "=?utf-8?b?6rmA7LKg7IiY?= <kim@ex.com>");
    assert_eq!(get("Date"), "Tue, 15 Apr 2025 00:00:00 -0000");
    assert_eq!(get("Content-Type"), "text/plain; charset=utf-8");
    assert_eq!(
        body,
        "김철수님, 14일 전 보내드린 견적(1,200,000원)을 열람해 주셔서 감사합니다. 단골상점"
    );
    assert!(!body.contains('{'));

    // CR/LF in a name cannot add a header: it is one To line, no Bcc.
    let (h, body) = parse_eml(&std::fs::read(eml_dir.join("001-evil@ex.com.eml")).unwrap());
    assert_eq!(h.len(), 7);
    assert!(h.iter().all(|(k, _)| k != "Bcc"));
    // The name is sent as an encoded word (lettre's mailbox encoder): it decodes to the name
    // with its CR/LF turned into a space.
    assert_eq!(
        h[0],
        (
            "To".to_string(),
            "=?utf-8?b?RXZpbCBCY2M6IHNweUBldmlsLmNvbQ==?= <evil@ex.com>".to_string()
        )
    );
    assert_eq!(
        decode_words(h[0].1.trim_end_matches(" <evil@ex.com>")),
        "Evil Bcc: spy@evil.com"
    );
    assert_eq!(decode_words(&h[1].1), "[단골상점] 견적 확인 부탁드립니다");
    assert_eq!(
        body,
        "Evil Bcc: spy@evil.com님, 13일 전에 견적 Q-002를 보내드렸습니다."
    );

    // Mail-merge CSV: BOM, only usable addresses.
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "evil@ex.com");
    assert_eq!(
        rows[1][..5],
        ["kim@ex.com", "김철수", "Q-001", "14", "1,200,000원"]
    );

    // Deterministic: a second run writes identical drafts.
    let first = std::fs::read(eml_dir.join("002-kim@ex.com.eml")).unwrap();
    let o = dangol(&args);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read(eml_dir.join("002-kim@ex.com.eml")).unwrap(),
        first
    );
}

#[test]
fn unknown_placeholder_names_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("shop.xlsx");
    drafts_book(&p, "{name}님 {discount} 할인");
    let eml_dir = dir.path().join("drafts");
    let o = dangol(&[
        "remind",
        p.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--eml",
        eml_dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err(&o),
        "dangol: error: 템플릿!C4: unknown placeholder {discount}; use {name}, {quote_id}, {days}, {amount} or {shop} (write {{ for a literal brace)\n"
    );
    assert!(!eml_dir.exists());
}

#[test]
fn help_ends_with_examples() {
    let o = dangol(&["remind", "--help"]);
    let text = out(&o);
    assert!(
        text.contains("Examples:\n  dangol remind shop.xlsx "),
        "{text}"
    );
}

/// `reminder.max_age_days` (default 30): exactly 30 days ago is still due, 31 is history;
/// 0 lifts the limit.
#[test]
fn quotes_older_than_max_age_days_are_not_reminded() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("old.xlsx");
    xlsx(
        &p,
        &[(
            "Quotes",
            vec![
                vec![S("Quote ID"), S("Customer"), S("Email"), S("Sent")],
                vec![S("Q30"), S("Kim"), S("kim@ex.com"), D(2025, 3, 16)],
                vec![S("Q31"), S("Lee"), S("lee@ex.com"), D(2025, 3, 15)],
            ],
        )],
    );
    let mut l = load(&p);
    let ids = |l: &dangol::ingest::Loaded| -> Vec<(String, i64)> {
        let t = customer_table(
            &l.data.sales,
            &l.data.quotes,
            &l.data.customers,
            &l.settings,
            day(AS_OF),
        );
        due_reminders(&l.data, &t, &l.settings, day(AS_OF))
            .into_iter()
            .map(|r| (r.quote_id.unwrap(), r.days_since_sent))
            .collect()
    };
    assert_eq!(l.settings.reminder_max_age_days, 30);
    assert_eq!(ids(&l), [("Q30".to_string(), 30)]);
    l.settings.reminder_max_age_days = 0;
    assert_eq!(ids(&l), [("Q31".to_string(), 31), ("Q30".to_string(), 30)]);
}
