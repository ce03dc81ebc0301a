//! Customer groups, group prices, promotions and the price audit (SPEC §7): `dangol groups`,
//! `dangol groups add` and the sheets `dangol run` writes. Every expected value below is
//! computed by hand from the fixture.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use serde_json::Value;

use crate::support::{V, stdout, tmp, xlsx};

/// The binary, with the fixture's currency named (its amounts carry no sign, which is a
/// warning of its own, tested in `reading`).
fn dangol(args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend(["--set", "currency=KRW"]);
    crate::support::dangol(&all)
}

/// Standard error without the stale-data warning: this fixed-date shop is looked at on many
/// days after its last sale, and that warning is tested in `outputs`.
fn stderr(o: &std::process::Output) -> String {
    let mut out = String::new();
    for l in crate::support::stderr(o)
        .lines()
        .filter(|l| !l.starts_with("dangol: warning: the data looks stale"))
    {
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn s(t: &'static str) -> V {
    V::S(t)
}

/// Sales lines (row 2 on). No order id: each row is an order.
fn sales() -> Vec<Vec<V>> {
    let line = |d: u8, m: u8, e: &'static str, p: &'static str, q: f64, price: f64| {
        vec![V::D(2025, m, d, 10, 0), s(e), s(p), V::N(q), V::N(price)]
    };
    vec![
        vec![
            s("date"),
            s("email"),
            s("product"),
            s("qty"),
            s("unit price"),
        ],
        line(5, 3, "a@x.com", "사과", 5.0, 800.0), // 2: 도매 price 800: right
        line(5, 3, "a@x.com", "사과", 10.0, 800.0), // 3: min_qty 10 → 700
        line(2, 4, "a@x.com", "사과", 1.0, 800.0), // 4: 도매 ended 03-31 → club 900
        line(31, 3, "a@x.com", "사과", 1.0, 800.0), // 5: end day included: right
        line(15, 3, "b@x.com", "배", 1.0, 2000.0), // 6: promo 1500 (club member)
        line(21, 3, "b@x.com", "배", 1.0, 2000.0), // 7: club ended 03-20: regular, right
        line(15, 3, "c@x.com", "배", 1.0, 2000.0), // 8: promo for the club only: right
        line(5, 4, "a@x.com", "배", 1.0, 1800.0),  // 9: promo over: club 10 % off, right
    ]
}

fn groups_sheet() -> Vec<Vec<V>> {
    vec![
        vec![
            s("group"),
            s("start"),
            s("end"),
            s("price list"),
            s("discount"),
            s("priority"),
            s("rule"),
        ],
        vec![s("도매"), V::B, V::B, s("도매가"), V::B, V::N(1.0), V::B],
        vec![s("클럽"), s("2025-01-01"), V::B, V::B, s("10%"), V::B, V::B],
        vec![
            s("단골"),
            V::B,
            V::B,
            V::B,
            V::B,
            V::B,
            s("orders_all >= 2"),
        ],
    ]
}

fn members() -> Vec<Vec<V>> {
    vec![
        vec![s("group"), s("email"), s("start"), s("end"), s("source")],
        vec![
            s("도매"),
            s("a@x.com"),
            s("2025-01-01"),
            s("2025-03-31"),
            s("contract"),
        ],
        vec![s("클럽"), s("a@x.com"), s("2025-02-01"), V::B, s("signup")],
        vec![
            s("클럽"),
            s("b@x.com"),
            s("2025-03-10"),
            s("2025-03-20"),
            s("signup"),
        ],
    ]
}

fn prices(extra: Option<Vec<V>>) -> Vec<Vec<V>> {
    let mut rows = vec![
        vec![s("price list"), s("product"), s("price"), s("min qty")],
        vec![s("정가"), s("사과"), V::N(1000.0), V::B],
        vec![s("정가"), s("배"), V::N(2000.0), V::B],
        vec![s("도매가"), s("사과"), V::N(800.0), V::B],
        vec![s("도매가"), s("사과"), V::N(700.0), V::N(10.0)],
    ];
    rows.extend(extra);
    rows
}

fn promos() -> Vec<Vec<V>> {
    vec![
        vec![
            s("promo"),
            s("group"),
            s("product"),
            s("discount"),
            s("start"),
            s("end"),
        ],
        vec![
            s("봄세일"),
            s("클럽"),
            s("배"),
            V::N(500.0),
            s("2025-03-01"),
            s("2025-03-31"),
        ],
    ]
}

fn shop(dir: &Path, extra_price: Option<Vec<V>>) -> PathBuf {
    let p = dir.join("shop.xlsx");
    xlsx(
        &p,
        &[
            ("Sales", sales()),
            ("Groups", groups_sheet()),
            ("Group Members", members()),
            ("Price List", prices(extra_price)),
            ("Promotions", promos()),
        ],
    );
    p
}

fn json(args: &[&str]) -> Value {
    let o = dangol(args);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("json")
}

fn members_of(v: &Value, group: &str) -> Vec<String> {
    v["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["group"] == group)
        .unwrap_or_else(|| panic!("no group {group} in {v}"))["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m.as_str().expect("text").to_string())
        .collect()
}

fn on(wb: &Path, day: &str) -> Value {
    json(&[
        "groups",
        wb.to_str().expect("path"),
        "--format",
        "json",
        "--as-of",
        day,
    ])
}

#[test]
fn membership_holds_from_the_start_day_through_the_end_day() {
    let d = tmp();
    let wb = shop(d.path(), None);
    let none: Vec<String> = vec![];
    assert_eq!(members_of(&on(&wb, "2025-03-09"), "클럽"), ["a@x.com"]);
    assert_eq!(
        members_of(&on(&wb, "2025-03-10"), "클럽"),
        ["a@x.com", "b@x.com"]
    );
    assert_eq!(
        members_of(&on(&wb, "2025-03-20"), "클럽"),
        ["a@x.com", "b@x.com"]
    );
    assert_eq!(members_of(&on(&wb, "2025-03-21"), "클럽"), ["a@x.com"]);
    // No end: still a member years later.
    assert_eq!(members_of(&on(&wb, "2026-11-30"), "클럽"), ["a@x.com"]);
    assert_eq!(members_of(&on(&wb, "2025-03-31"), "도매"), ["a@x.com"]);
    assert_eq!(members_of(&on(&wb, "2025-04-01"), "도매"), none);
    // The club itself starts on 2025-01-01.
    assert_eq!(members_of(&on(&wb, "2024-12-31"), "클럽"), none);
}

#[test]
fn a_customer_can_be_in_two_groups_on_one_day() {
    let d = tmp();
    let wb = shop(d.path(), None);
    let v = on(&wb, "2025-03-05");
    assert_eq!(members_of(&v, "도매"), ["a@x.com"]);
    assert_eq!(members_of(&v, "클럽"), ["a@x.com"]);
}

#[test]
fn a_rule_group_changes_with_the_date() {
    let d = tmp();
    let wb = shop(d.path(), None);
    // b's second order is on 2025-03-21; a has two orders on 2025-03-05.
    assert_eq!(
        members_of(&on(&wb, "2025-03-04"), "단골"),
        Vec::<String>::new()
    );
    assert_eq!(members_of(&on(&wb, "2025-03-20"), "단골"), ["a@x.com"]);
    assert_eq!(
        members_of(&on(&wb, "2025-03-21"), "단골"),
        ["a@x.com", "b@x.com"]
    );
}

#[test]
fn joins_and_leaves_in_the_next_30_days_are_listed() {
    let d = tmp();
    let wb = shop(d.path(), None);
    let v = on(&wb, "2025-03-05");
    let changes: Vec<String> = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}",
                c["group"], c["customer"], c["date"], c["change"]
            )
            .replace('"', "")
        })
        .collect();
    assert_eq!(
        changes,
        [
            "도매 a@x.com 2025-03-31 leave",
            "클럽 b@x.com 2025-03-10 join",
            "클럽 b@x.com 2025-03-20 leave",
        ]
    );
    // b@x.com joins the rule-based 단골 on 2025-03-21 (see the test above) through orders
    // that, as of 2025-03-05, have not happened: no command sees sales after --as-of, so
    // that join is not foretold.
}

fn checks(v: &Value) -> Vec<String> {
    v["price_check"]
        .as_array()
        .expect("price_check")
        .iter()
        .map(|c| {
            format!(
                "{} | {} | {} | {} | {} | {} | {} | {} | {} | {}",
                c["cell"],
                c["date"],
                c["customer"],
                c["product"],
                c["quantity"],
                c["charged"],
                c["applied"],
                c["difference"],
                c["rule"],
                c["note"]
            )
            .replace('"', "")
        })
        .collect()
}

#[test]
fn the_price_check_lists_exactly_the_lines_charged_wrong() {
    let d = tmp();
    let wb = shop(d.path(), None);
    assert_eq!(
        checks(&on(&wb, "2025-04-30")),
        [
            // min_qty 10 met: the 700 row wins over the 800 row.
            "Sales!E3 | 2025-03-05 | a@x.com | 사과 | 10 | 800 | 700 | 100 | 도매 group price ('Price List'!A5) | price differs",
            // The wholesale membership ended on 03-31: the club's 10 % off 1,000 applies.
            "Sales!E4 | 2025-04-02 | a@x.com | 사과 | 1 | 800 | 900 | -100 | 클럽 group discount (Groups!A3) | 도매 price charged after the membership ended on 2025-03-31",
            // A product promotion beats the club's discount on all products; no stacking.
            "Sales!E6 | 2025-03-15 | b@x.com | 배 | 1 | 2000 | 1500 | 500 | 봄세일 promotion (Promotions!A2) | discount missing",
        ]
    );
}

#[test]
fn with_pricing_stack_the_promotion_applies_on_top_of_the_group_price() {
    let d = tmp();
    let wb = shop(d.path(), None);
    let v = json(&[
        "groups",
        wb.to_str().expect("path"),
        "--format",
        "json",
        "--as-of",
        "2025-04-30",
        "--set",
        "pricing.stack=true",
    ]);
    assert_eq!(
        checks(&v),
        [
            "Sales!E3 | 2025-03-05 | a@x.com | 사과 | 10 | 800 | 700 | 100 | 도매 group price ('Price List'!A5) | price differs",
            "Sales!E4 | 2025-04-02 | a@x.com | 사과 | 1 | 800 | 900 | -100 | 클럽 group discount (Groups!A3) | 도매 price charged after the membership ended on 2025-03-31",
            // 2,000 − 10 % = 1,800, then 500 off.
            "Sales!E6 | 2025-03-15 | b@x.com | 배 | 1 | 2000 | 1300 | 700 | 클럽 group discount (Groups!A3) + 봄세일 promotion (Promotions!A2) | discount missing",
        ]
    );
}

#[test]
fn two_prices_left_tied_are_an_error_naming_both_rows() {
    let d = tmp();
    // A second 도매가 row for 사과 with the same min_qty: a tie while a is a wholesale member
    // (to 03-31, that day included); line 3 (qty 10) has the min_qty 10 row to decide it.
    let wb = shop(
        d.path(),
        Some(vec![s("도매가"), s("사과"), V::N(750.0), V::B]),
    );
    let o = dangol(&[
        "groups",
        wb.to_str().expect("path"),
        "--as-of",
        "2025-04-30",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "dangol: error: Sales!E2: one price for 사과 on 2025-03-05, but 'Price List'!A4 and 'Price List'!A6 apply equally (same target, min_qty and priority); give one a higher priority\n\
         dangol: error: Sales!E5: one price for 사과 on 2025-03-31, but 'Price List'!A4 and 'Price List'!A6 apply equally (same target, min_qty and priority); give one a higher priority\n"
    );
}

#[test]
fn bad_group_sheets_get_errors_naming_the_cell() {
    let d = tmp();
    let p = d.path().join("bad.xlsx");
    let mut m = members();
    m.push(vec![s("클럽"), s("a@x.com"), s("2025-06-01"), V::B, V::B]);
    m.push(vec![
        s("클럽"),
        s("c@x.com"),
        s("2025-06-01"),
        s("2025-05-01"),
        V::B,
    ]);
    let mut g = groups_sheet();
    g.push(vec![s("VIP"), V::B, V::B, V::B, V::B, V::B, s("totl >= 5")]);
    let mut pr = prices(None);
    pr.push(vec![s("도매가"), s("귤"), V::N(500.0), V::B]);
    xlsx(
        &p,
        &[
            ("Sales", sales()),
            ("Groups", g),
            ("Group Members", m),
            ("Price List", pr),
            ("Promotions", promos()),
        ],
    );
    let o = dangol(&[
        "groups",
        p.to_str().expect("path"),
        "--as-of",
        "2025-04-30",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "dangol: error: Groups!G5: found \"totl >= 5\", expected a rule: unknown metric 'totl'; did you mean 'total'?",
            "dangol: error: 'Group Members'!D6: found \"2025-05-01\", expected an end on or after the start 2025-06-01",
            "dangol: error: 'Group Members'!A5: found \"a@x.com\", expected one membership of a@x.com in 클럽 at a time, but it overlaps 'Group Members'!A3 (2025-02-01 ~ )",
            "dangol: error: 'Price List'!B6: found \"귤\", expected a product sold in the sales sheet",
        ]
    );
}

/// Cells of a sheet as text grid (calamine).
fn grid(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = calamine::open_workbook_auto(path).expect("open");
    let r = wb.worksheet_range(sheet).expect("sheet");
    r.rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::DateTime(d) => d
                        .as_datetime()
                        .map(|t| t.date().to_string())
                        .unwrap_or_default(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn run_writes_the_roster_price_check_and_promo_sheets() {
    let d = tmp();
    let wb = shop(d.path(), None);
    let o = dangol(&[
        "run",
        wb.to_str().expect("path"),
        "--as-of",
        "2025-03-15",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    keep_for_lo_check("run.xlsx", &wb);
    let book = calamine::open_workbook_auto(&wb).expect("open");
    let names = book.sheet_names();
    for n in ["Group Roster", "Price Check", "Promo Eligibility"] {
        assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
    }
    let pc = grid(&wb, "Price Check");
    let rows: Vec<String> = pc.iter().skip(4).map(|r| r.join(" | ")).collect();
    assert_eq!(
        rows,
        [
            "Sales!E3 | 2025-03-05 | a@x.com | 사과 | 10 | 800 | 700 | 100 | 도매 group price ('Price List'!A5) | price differs",
            "Sales!E6 | 2025-03-15 | b@x.com | 배 | 1 | 2000 | 1500 | 500 | 봄세일 promotion (Promotions!A2) | discount missing",
        ]
    );
    // The customer table shows the groups each customer is in on --as-of.
    let stats = grid(&wb, "Customer Stats");
    let header = stats
        .iter()
        .position(|r| r.iter().any(|c| c == "Group"))
        .expect("a Group column in Customer Stats");
    let col = stats[header]
        .iter()
        .position(|c| c == "Group")
        .expect("col");
    let groups: Vec<String> = stats
        .iter()
        .skip(header + 1)
        .map(|r| format!("{}: {}", r[0], r[col]))
        .collect();
    assert_eq!(
        groups,
        ["a@x.com: 도매, 클럽, 단골", "b@x.com: 클럽", "c@x.com: "]
    );
    let dash = grid(&wb, "Dashboard");
    let header = dash
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "Customer"))
        .expect("Dashboard header");
    assert_eq!(dash[header][..4], ["Customer", "Email", "Phone", "Group"]);
    let groups: Vec<String> = dash
        .iter()
        .skip(header + 1)
        .map(|r| format!("{}: {}", r[0], r[3]))
        .collect();
    assert_eq!(
        groups,
        ["a@x.com: 도매, 클럽, 단골", "b@x.com: 클럽", "c@x.com: "]
    );
    let promo = grid(&wb, "Promo Eligibility");
    let rows: Vec<String> = promo.iter().skip(4).map(|r| r.join(" | ")).collect();
    assert_eq!(
        rows,
        [
            "봄세일 | 클럽 | a@x.com | a@x.com |  | 500 | 2025-03-31",
            "봄세일 | 클럽 | b@x.com | b@x.com |  | 500 | 2025-03-31",
        ]
    );
    // The generated sheets are not read back as group data: a second run changes nothing.
    let before = std::fs::read(&wb).expect("read");
    let o = dangol(&[
        "run",
        wb.to_str().expect("path"),
        "--as-of",
        "2025-03-15",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(std::fs::read(&wb).expect("read"), before);
}

/// Keeps a written workbook for `scripts/lo-check.sh target/lo-check` (CI re-opens it with
/// `LibreOffice` after the tests).
fn keep_for_lo_check(name: &str, path: &Path) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("lo-check")
        .join("groups");
    std::fs::create_dir_all(&dir).expect("lo-check dir");
    std::fs::copy(path, dir.join(name)).expect("keep for lo-check");
}

fn list(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("list.txt");
    std::fs::write(&p, text).expect("write list");
    p
}

#[test]
fn groups_add_reports_unknown_duplicate_and_existing_members_and_writes_nothing() {
    let d = tmp();
    let wb = shop(d.path(), None);
    let before = std::fs::read(&wb).expect("read");
    let l = list(d.path(), "a@x.com, z@x.com\nB@x.com\na@x.com\nc@x.com\n");
    let o = dangol(&[
        "groups",
        "add",
        wb.to_str().expect("path"),
        "--group",
        "클럽",
        "--emails",
        l.to_str().expect("path"),
        "--as-of",
        "2025-04-01",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "a@x.com: already a member\n\
         z@x.com: unknown (no customer has this e-mail)\n\
         b@x.com: add\n\
         a@x.com: duplicate (listed earlier)\n\
         c@x.com: add\n\
         클럽: 2 to add, 1 already members, 1 unknown, 1 duplicates\n\
         nothing written; run again with --apply to add them\n"
    );
    assert_eq!(std::fs::read(&wb).expect("read"), before);
}

#[test]
fn groups_add_apply_adds_exactly_the_new_rows_once() {
    let d = tmp();
    let wb = shop(d.path(), None);
    let l = list(d.path(), "a@x.com, z@x.com\nb@x.com\na@x.com\nc@x.com\n");
    let args = [
        "groups",
        "add",
        wb.to_str().expect("path"),
        "--group",
        "클럽",
        "--emails",
        l.to_str().expect("path"),
        "--as-of",
        "2025-04-01",
        "--apply",
    ];
    let sales_before = grid(&wb, "Sales");
    let o = dangol(&args);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert!(
        stdout(&o).contains("\nadded 2 rows to Group Members ("),
        "{}",
        stdout(&o)
    );
    let g = grid(&wb, "Group Members");
    let rows: Vec<String> = g.iter().map(|r| r.join(" | ")).collect();
    assert_eq!(
        rows,
        [
            "group | email | start | end | source",
            "도매 | a@x.com | 2025-01-01 | 2025-03-31 | contract",
            "클럽 | a@x.com | 2025-02-01 |  | signup",
            "클럽 | b@x.com | 2025-03-10 | 2025-03-20 | signup",
            "클럽 | b@x.com | 2025-04-01 |  | dangol groups add",
            "클럽 | c@x.com | 2025-04-01 |  | dangol groups add",
        ]
    );
    assert_eq!(grid(&wb, "Sales"), sales_before);
    keep_for_lo_check("groups-add.xlsx", &wb);
    let after = std::fs::read(&wb).expect("read");
    let o = dangol(&args);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "a@x.com: already a member\n\
         z@x.com: unknown (no customer has this e-mail)\n\
         b@x.com: already a member\n\
         a@x.com: duplicate (listed earlier)\n\
         c@x.com: already a member\n\
         클럽: 0 to add, 3 already members, 1 unknown, 1 duplicates\n\
         nothing to add\n"
    );
    assert_eq!(
        std::fs::read(&wb).expect("read"),
        after,
        "a second --apply changes nothing"
    );
}

#[test]
fn groups_csv_writes_the_promotion_mail_merge_list_and_keeps_an_owners_file() {
    let d = tmp();
    let wb = shop(d.path(), None);
    let out = d.path().join("promo.csv");
    let args = [
        "groups",
        wb.to_str().expect("path"),
        "--as-of",
        "2025-03-15",
        "--quiet",
        "--csv",
        out.to_str().expect("path"),
    ];
    let o = dangol(&args);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&out).expect("csv"),
        "\u{feff}Promotion,Group,Customer,Email,Phone,Discount,Ends\r\n\
         봄세일,클럽,a@x.com,a@x.com,,500,2025-03-31\r\n\
         봄세일,클럽,b@x.com,b@x.com,,500,2025-03-31\r\n"
    );
    let list = std::fs::read(&out).expect("csv");
    // Its own list again: nothing to change, no backup.
    let o = dangol(&args);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(std::fs::read(&out).expect("csv"), list);
    assert!(!d.path().join(".dangol-backups").exists());
    // A file of the owner's at that name is refused, and left as it was …
    std::fs::write(&out, "my notes\n").expect("notes");
    let o = dangol(&args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a refused output file, as for every command"
    );
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: error: {} already exists and was not made by dangol; it is not replaced without --force (choose another file, or add --force: the old file is then kept in {})\n",
            out.display(),
            d.path().join(".dangol-backups").display()
        )
    );
    assert_eq!(std::fs::read(&out).expect("notes"), b"my notes\n");
    // … and with --force replaced, the owner's file kept in .dangol-backups.
    let o = dangol(&[&args[..], &["--force"]].concat());
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(std::fs::read(&out).expect("csv"), list);
    let kept: Vec<Vec<u8>> = std::fs::read_dir(d.path().join(".dangol-backups"))
        .expect("backups")
        .map(|e| std::fs::read(e.expect("entry").path()).expect("backup"))
        .collect();
    assert_eq!(kept, [b"my notes\n".to_vec()]);
    // Never the workbook itself, even with --force.
    let before = std::fs::read(&wb).expect("workbook");
    let w = wb.to_str().expect("path");
    let o = dangol(&["groups", w, "--as-of", "2025-03-15", "--csv", w, "--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: error: --csv {w}: that is the input {w} itself; dangol never writes over its input (choose another file)\n"
        )
    );
    assert_eq!(std::fs::read(&wb).expect("workbook"), before);
}

#[test]
fn a_sheet_named_price_list_without_the_price_list_column_is_left_alone() {
    let d = tmp();
    let p = d.path().join("plain.xlsx");
    xlsx(
        &p,
        &[
            ("Sales", sales()),
            (
                "Price List",
                vec![
                    vec![s("product"), s("price")],
                    vec![s("사과"), V::N(1000.0)],
                ],
            ),
        ],
    );
    let o = dangol(&["groups", p.to_str().expect("path"), "--as-of", "2025-04-30"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: error: {}: no customer groups — add a Groups sheet (group | start | end | price_list | discount | rule) or a Group Members sheet (group | email | start | end)\n",
            p.display()
        )
    );
    let o = dangol(&[
        "run",
        p.to_str().expect("path"),
        "--as-of",
        "2025-04-30",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let book = calamine::open_workbook_auto(&p).expect("open");
    assert!(!book.sheet_names().iter().any(|n| n == "Price Check"));
}

#[test]
fn a_rule_group_can_name_another_group() {
    let d = tmp();
    let p = d.path().join("rule.xlsx");
    let mut g = groups_sheet();
    g.push(vec![
        s("클럽단골"),
        V::B,
        V::B,
        V::B,
        V::B,
        V::B,
        s("group == \"클럽\" and orders_all >= 2"),
    ]);
    xlsx(
        &p,
        &[
            ("Sales", sales()),
            ("Groups", g),
            ("Group Members", members()),
            ("Price List", prices(None)),
            ("Promotions", promos()),
        ],
    );
    // b is in the club until 03-20 but has a second order only on 03-21.
    assert_eq!(members_of(&on(&p, "2025-03-15"), "클럽단골"), ["a@x.com"]);
    assert_eq!(members_of(&on(&p, "2025-03-21"), "클럽단골"), ["a@x.com"]);
    assert_eq!(
        members_of(&on(&p, "2025-03-04"), "클럽단골"),
        Vec::<String>::new()
    );
}

#[test]
fn the_weekly_pdf_has_a_price_check_line_when_lines_were_charged_wrong() {
    let d = tmp();
    let wb = shop(d.path(), None);
    let pdf = d.path().join("week.pdf");
    let o = dangol(&[
        "report",
        wb.to_str().expect("path"),
        "--as-of",
        "2025-04-30",
        "--out",
        pdf.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let doc = lopdf::Document::load(&pdf).expect("pdf");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("text");
    let want = "Price check: 3 sales lines charged differently from the price that applied — see the Price Check sheet";
    assert!(text.contains(want), "{want:?} not in:\n{text}");
}

#[test]
fn check_reports_the_group_sheets_problems_and_exits_1() {
    let d = tmp();
    let wb = shop(
        d.path(),
        Some(vec![s("도매가"), s("귤"), V::N(500.0), V::B]),
    );
    let o = dangol(&["check", wb.to_str().expect("path"), "--as-of", "2025-04-30"]);
    assert_eq!(o.status.code(), Some(1), "stdout: {}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.ends_with(
            "1 error(s), 0 warning(s):\n  error: 'Price List'!B6: found \"귤\", expected a product sold in the sales sheet\n"
        ),
        "{out}"
    );
}

#[test]
fn groups_add_to_an_unknown_group_is_an_error_listing_the_groups() {
    let d = tmp();
    let wb = shop(d.path(), None);
    let l = list(d.path(), "a@x.com\n");
    let before = std::fs::read(&wb).expect("read");
    let o = dangol(&[
        "groups",
        "add",
        wb.to_str().expect("path"),
        "--group",
        "학교",
        "--emails",
        l.to_str().expect("path"),
        "--apply",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "dangol: error: no group named \"학교\" (groups: 도매, 클럽, 단골)\n"
    );
    assert_eq!(std::fs::read(&wb).expect("read"), before);
    let o = dangol(&["groups", "add", wb.to_str().expect("path"), "--emails", "-"]);
    assert_eq!(o.status.code(), Some(2), "--group is required");
}

#[test]
fn customers_show_their_groups_on_the_as_of_day_and_korean_sheet_names_are_used() {
    let d = tmp();
    let wb = shop(d.path(), None);
    let v = json(&[
        "customers",
        wb.to_str().expect("path"),
        "--format",
        "json",
        "--as-of",
        "2025-04-01",
    ]);
    let groups: Vec<String> = v
        .as_array()
        .expect("rows")
        .iter()
        .map(|c| format!("{} {}", c["customer"], c["group"]).replace('"', ""))
        .collect();
    // On 04-01 the wholesale membership (to 03-31) is over; b left the club on 03-20.
    assert_eq!(
        groups,
        ["a@x.com 클럽, 단골", "b@x.com 단골", "c@x.com null"]
    );
    let o = dangol(&[
        "run",
        wb.to_str().expect("path"),
        "--as-of",
        "2025-04-01",
        "--lang",
        "ko",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let book = calamine::open_workbook_auto(&wb).expect("open");
    let names = book.sheet_names();
    for n in ["그룹명단", "단가검증", "프로모션대상"] {
        assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
    }
}

/// The sample shop carries groups, prices, a promotion and stock: `run` on it writes the four
/// sheets, the Price Check lists the wholesale lines charged the regular price and the club
/// lines missing the promotion's discount, and the Reorder sheet the low and out products.
#[test]
fn run_on_a_fresh_sample_writes_group_price_and_reorder_sheets() {
    let d = tmp();
    let wb = d.path().join("sample.xlsx");
    let w = wb.to_str().expect("path");
    let o = dangol(&["sample", "--out", w, "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let o = dangol(&["run", w, "--as-of", "2026-11-22"]);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    keep_for_lo_check("sample-run.xlsx", &wb);
    let book = calamine::open_workbook_auto(&wb).expect("open");
    let names = book.sheet_names();
    for n in [
        "Group Roster",
        "Price Check",
        "Promo Eligibility",
        "Reorder",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
    }
    let pc: Vec<String> = grid(&wb, "Price Check")
        .iter()
        .map(|r| r.join(" | "))
        .collect();
    let ro: Vec<String> = grid(&wb, "Reorder").iter().map(|r| r.join(" | ")).collect();
    assert_eq!(
        pc[3],
        "Cell | Date | Customer | Product | Quantity | Charged | Applied | Difference | Rule | Note"
    );
    // A wholesale member charged the regular price (the 75% tier from 20 units on).
    assert_eq!(
        pc[4],
        "Sales!H5026 | 2026-09-24 | Henry Edwards | Green Tea, 40 bags | 29 | 4.2 | 3.5 | 0.7 | Wholesale group price ('Price List'!A26) | discount missing"
    );
    assert!(
        pc.contains(&"Sales!H5699 | 2026-11-04 | Henry Edwards | Ground Coffee 250g | 29 | 6.5 | 4.8 | 1.7 | Wholesale group price ('Price List'!A23) | discount missing".to_string()),
        "{pc:#?}"
    );
    // A club member buying the promoted product without the promotion's 10%.
    assert!(
        pc.contains(&"Sales!H5711 | 2026-11-05 | Poppy Murphy | Shortbread Tin | 1 | 8.95 | 8.055 | 0.895 | Year-end thanks promotion (Promotions!A2) | discount missing".to_string()),
        "{pc:#?}"
    );
    let reorder = ro.join("\n");
    for p in ["Ground Coffee 250g", "Cold Brew Kit", "Green Tea, 40 bags"] {
        assert!(reorder.contains(p), "{p} not in Reorder:\n{reorder}");
    }
    assert!(!reorder.contains("Stoneware Mug"), "{reorder}");
}
