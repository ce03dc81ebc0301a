//! Every file dangol writes besides the workbook (PDF, CSV, `.eml`, `sample`/`init`/`--out`
//! workbooks), what cron sees of a run (`--quiet`, `--format json`, stale data), and the
//! weekly PDF's fonts and chart axis — through the real binary.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{V, dangol, stderr, stdout, tmp, xlsx};

fn d(y: u16, m: u8, day: u8) -> V {
    V::D(y, m, day, 10, 0)
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A small English shop: three customers with sales in the week 2025-04-14 ~ 04-20, two
/// quotes (one due a reminder on 2025-04-21, with an e-mail address).
fn shop(dir: &Path) -> PathBuf {
    shop_with(dir, "shop.xlsx", &[])
}

/// [`shop`] with extra sales rows.
fn shop_with(dir: &Path, name: &str, extra: &[Vec<V>]) -> PathBuf {
    let path = dir.join(name);
    let t = V::S;
    let mut sales = vec![
        vec![
            t("Date"),
            t("Customer"),
            t("Email"),
            t("Order ID"),
            t("Amount"),
        ],
        vec![
            d(2025, 4, 1),
            t("Alice"),
            t("alice@example.com"),
            t("O1"),
            V::S("₩600,000"),
        ],
        vec![
            d(2025, 4, 15),
            t("Alice"),
            t("alice@example.com"),
            t("O2"),
            V::S("₩500,000"),
        ],
        vec![
            d(2025, 4, 16),
            t("Bob"),
            t("bob@example.com"),
            t("O3"),
            V::S("₩100,000"),
        ],
    ];
    sales.extend(extra.iter().cloned());
    xlsx(
        &path,
        &[
            ("Sales", sales),
            (
                "Quotes",
                vec![
                    vec![
                        t("Quote ID"),
                        t("Customer"),
                        t("Email"),
                        t("Sent"),
                        t("Opened"),
                        t("Responded"),
                        t("Converted"),
                    ],
                    vec![
                        t("Q1"),
                        t("Bob"),
                        t("bob@example.com"),
                        d(2025, 4, 10),
                        t("Y"),
                        t("N"),
                        t("N"),
                    ],
                ],
            ),
        ],
    );
    path
}

const AS_OF: &str = "2025-04-21";

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

/// The single file in `dir/.dangol-backups/`.
fn only_backup(dir: &Path) -> PathBuf {
    let b: Vec<PathBuf> = std::fs::read_dir(dir.join(".dangol-backups"))
        .expect("backups folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(b.len(), 1, "{b:?}");
    b.into_iter().next().expect("one backup")
}

// ---- issue 13 item 1: no output path is an input ----

#[test]
fn report_out_onto_the_workbook_is_a_usage_error_and_leaves_it() {
    let dir = tmp();
    let wb = shop(dir.path());
    let before = std::fs::read(&wb).unwrap();
    let o = dangol(&["report", s(&wb), "--as-of", AS_OF, "--out", s(&wb)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: error: --out {0}: that is the input {0} itself; dangol never writes over \
             its input (choose another file)\n",
            wb.display()
        )
    );
    assert_eq!(stdout(&o), "");
    assert_eq!(std::fs::read(&wb).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn outputs_through_links_to_the_workbook_are_refused() {
    let dir = tmp();
    let wb = shop(dir.path());
    let before = std::fs::read(&wb).unwrap();
    let soft = dir.path().join("soft.pdf");
    std::os::unix::fs::symlink(&wb, &soft).unwrap();
    let hard = dir.path().join("hard.csv");
    std::fs::hard_link(&wb, &hard).unwrap();
    let o = dangol(&["report", s(&wb), "--as-of", AS_OF, "--out", s(&soft)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(&format!(
            "dangol: error: --out {}: that is the input",
            soft.display()
        )),
        "{}",
        stderr(&o)
    );
    let o = dangol(&["remind", s(&wb), "--as-of", AS_OF, "--csv", s(&hard)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: error: --csv {}: that is the input {} itself; dangol never writes over its \
             input (choose another file)\n",
            hard.display(),
            wb.display()
        )
    );
    assert_eq!(std::fs::read(&wb).unwrap(), before);
}

#[test]
fn remind_csv_or_eml_onto_the_workbook_is_refused() {
    let dir = tmp();
    let wb = shop(dir.path());
    let before = std::fs::read(&wb).unwrap();
    let o = dangol(&["remind", s(&wb), "--as-of", AS_OF, "--csv", s(&wb)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: error: --csv {0}: that is the input {0} itself; dangol never writes over \
             its input (choose another file)\n",
            wb.display()
        )
    );
    let o = dangol(&["remind", s(&wb), "--as-of", AS_OF, "--eml", s(&wb)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: error: --eml {0}: that is the input {0} itself; dangol never writes over \
             its input (choose another file)\n",
            wb.display()
        )
    );
    assert_eq!(std::fs::read(&wb).unwrap(), before);
}

// ---- issue 12 item 12: overwrites ----

fn refused_line(p: &Path) -> String {
    let backups = p.parent().unwrap().join(".dangol-backups");
    format!(
        "dangol: error: {} already exists and was not made by dangol; it is not replaced \
         without --force (choose another file, or add --force: the old file is then kept in {})\n",
        p.display(),
        backups.display()
    )
}

#[test]
fn a_pdf_dangol_did_not_make_is_kept_unless_forced_and_then_backed_up() {
    let dir = tmp();
    let wb = shop(dir.path());
    let pdf = dir.path().join("weekly.pdf");
    std::fs::write(&pdf, b"the owner's own pdf").unwrap();
    let o = dangol(&["report", s(&wb), "--as-of", AS_OF, "--out", s(&pdf)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(stderr(&o), refused_line(&pdf));
    assert_eq!(std::fs::read(&pdf).unwrap(), b"the owner's own pdf");

    let o = dangol(&[
        "report",
        s(&wb),
        "--as-of",
        AS_OF,
        "--out",
        s(&pdf),
        "--force",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    assert_eq!(
        std::fs::read(only_backup(dir.path())).unwrap(),
        b"the owner's own pdf"
    );
}

#[test]
fn a_previous_report_is_backed_up_before_it_is_replaced() {
    let dir = tmp();
    let wb = shop(dir.path());
    let pdf = dir.path().join("weekly.pdf");
    let o = dangol(&["report", s(&wb), "--as-of", AS_OF, "--out", s(&pdf)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let first = std::fs::read(&pdf).unwrap();
    // The same report again: identical bytes, nothing replaced, no backup.
    let o = dangol(&["report", s(&wb), "--as-of", AS_OF, "--out", s(&pdf)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!dir.path().join(".dangol-backups").exists());
    // A later day: dangol's own PDF is replaced without --force, the old one kept.
    let o = dangol(&["report", s(&wb), "--as-of", "2025-04-22", "--out", s(&pdf)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_ne!(std::fs::read(&pdf).unwrap(), first);
    assert_eq!(std::fs::read(only_backup(dir.path())).unwrap(), first);
}

#[test]
fn sample_over_an_owner_workbook_is_refused_and_over_dangols_backed_up() {
    let dir = tmp();
    let wb = shop(dir.path());
    let before = std::fs::read(&wb).unwrap();
    let o = dangol(&[
        "sample",
        "--out",
        s(&wb),
        "--customers",
        "5",
        "--rows",
        "20",
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(stderr(&o), refused_line(&wb));
    assert_eq!(std::fs::read(&wb).unwrap(), before);

    // Once dangol has written its sheets into it, the workbook is dangol's: replaced, kept.
    let o = dangol(&["run", s(&wb), "--as-of", AS_OF, "--no-report", "--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let run = std::fs::read(&wb).unwrap();
    std::fs::remove_dir_all(dir.path().join(".dangol-backups")).unwrap();
    let o = dangol(&[
        "sample",
        "--out",
        s(&wb),
        "--customers",
        "5",
        "--rows",
        "20",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(std::fs::read(only_backup(dir.path())).unwrap(), run);
}

#[test]
fn sample_csv_replaces_a_sample_csv_but_not_the_owners() {
    let dir = tmp();
    let csv = dir.path().join("sales.csv");
    let args = [
        "sample",
        "--out",
        s(&csv),
        "--customers",
        "5",
        "--rows",
        "20",
    ];
    let o = dangol(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let first = std::fs::read(&csv).unwrap();
    let o = dangol(&[&args[..], &["--seed", "2"]].concat());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(std::fs::read(only_backup(dir.path())).unwrap(), first);

    let mine = dir.path().join("mine.csv");
    std::fs::write(&mine, "date,customer,amount\n2025-04-01,Kim,1000\n").unwrap();
    let o = dangol(&[
        "sample",
        "--out",
        s(&mine),
        "--rows",
        "20",
        "--customers",
        "5",
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(stderr(&o), refused_line(&mine));
}

#[test]
fn init_force_replaces_and_keeps_the_old_file() {
    let dir = tmp();
    let p = dir.path().join("new.xlsx");
    std::fs::write(&p, b"not a workbook").unwrap();
    let o = dangol(&["init", s(&p)]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: error: {} already exists; dangol init never overwrites a file (choose \
             another name, or add --force to replace it: the old file is then kept in \
             .dangol-backups/)\n",
            p.display()
        )
    );
    assert_eq!(std::fs::read(&p).unwrap(), b"not a workbook");
    let o = dangol(&["init", s(&p), "--force"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(std::fs::read(&p).unwrap().starts_with(b"PK"));
    assert_eq!(
        std::fs::read(only_backup(dir.path())).unwrap(),
        b"not a workbook"
    );
}

#[test]
fn run_out_over_an_owner_workbook_is_refused() {
    let dir = tmp();
    let wb = shop(dir.path());
    let other = shop_with(dir.path(), "other.xlsx", &[]);
    let before = std::fs::read(&other).unwrap();
    let o = dangol(&["run", s(&wb), "--as-of", AS_OF, "--out", s(&other)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(stderr(&o), refused_line(&other));
    assert_eq!(std::fs::read(&other).unwrap(), before);
}

#[test]
fn a_converted_workbook_the_owner_made_is_not_replaced() {
    let dir = tmp();
    let csv = dir.path().join("sales.csv");
    std::fs::write(
        &csv,
        "Date,Customer,Order ID,Amount\n2025-04-15,Alice,O1,1000\n",
    )
    .unwrap();
    // The owner's own workbook happens to have the name dangol would write.
    let mine = shop_with(dir.path(), "sales.dangol.xlsx", &[]);
    let before = std::fs::read(&mine).unwrap();
    let o = dangol(&["run", s(&csv), "--as-of", AS_OF, "--no-report"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(stderr(&o), refused_line(&mine));
    assert_eq!(std::fs::read(&mine).unwrap(), before);
}

#[test]
fn a_converted_workbook_dangol_made_is_backed_up_before_it_is_replaced() {
    let dir = tmp();
    let csv = dir.path().join("sales.csv");
    std::fs::write(
        &csv,
        "Date,Customer,Order ID,Amount\n2025-04-15,Alice,O1,1000\n",
    )
    .unwrap();
    let o = dangol(&["run", s(&csv), "--as-of", AS_OF, "--no-report"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let made = dir.path().join("sales.dangol.xlsx");
    let first = std::fs::read(&made).unwrap();
    let o = dangol(&["run", s(&csv), "--as-of", "2025-04-22", "--no-report"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_ne!(std::fs::read(&made).unwrap(), first);
    assert_eq!(std::fs::read(only_backup(dir.path())).unwrap(), first);
}

#[test]
fn remind_drafts_and_csv_replace_only_dangols_files() {
    let dir = tmp();
    let wb = shop(dir.path());
    let drafts = dir.path().join("drafts");
    let csv = dir.path().join("merge.csv");
    let o = dangol(&[
        "remind",
        s(&wb),
        "--as-of",
        AS_OF,
        "--eml",
        s(&drafts),
        "--csv",
        s(&csv),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let emls: Vec<PathBuf> = std::fs::read_dir(&drafts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(emls.len(), 1, "{emls:?}");
    let first_csv = std::fs::read(&csv).unwrap();
    let first_eml = std::fs::read(&emls[0]).unwrap();
    // A day later the drafts change: dangol's own files are replaced and backed up.
    let o = dangol(&[
        "remind",
        s(&wb),
        "--as-of",
        "2025-04-22",
        "--eml",
        s(&drafts),
        "--csv",
        s(&csv),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(std::fs::read(only_backup(&drafts)).unwrap(), first_eml);
    assert_eq!(std::fs::read(only_backup(dir.path())).unwrap(), first_csv);

    // The owner's CSV and an .eml the owner wrote under a draft's name are kept.
    let theirs = dir.path().join("theirs.csv");
    std::fs::write(&theirs, "email,name\nx@example.com,X\n").unwrap();
    let o = dangol(&["remind", s(&wb), "--as-of", AS_OF, "--csv", s(&theirs)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(stderr(&o), refused_line(&theirs));
    std::fs::write(&emls[0], "To: someone\r\n\r\nmy own letter\r\n").unwrap();
    let o = dangol(&["remind", s(&wb), "--as-of", AS_OF, "--eml", s(&drafts)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(stderr(&o), refused_line(&emls[0]));
    assert_eq!(
        std::fs::read(&emls[0]).unwrap(),
        b"To: someone\r\n\r\nmy own letter\r\n"
    );
}

// ---- issue 12 item 13: quiet and out ----

/// A workbook with one unusable sales row (an amount that is not a number): a data error.
fn shop_with_problem(dir: &Path) -> PathBuf {
    shop_with(
        dir,
        "shop.xlsx",
        &[vec![
            d(2025, 4, 17),
            V::S("Carol"),
            V::S("carol@example.com"),
            V::S("O4"),
            V::S("lots"),
        ]],
    )
}

#[test]
fn check_quiet_prints_nothing_when_all_is_well() {
    let dir = tmp();
    let wb = shop(dir.path());
    let o = dangol(&["check", s(&wb), "--as-of", AS_OF, "--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "");
}

#[test]
fn check_and_run_quiet_print_one_line_on_stderr_with_problems() {
    let dir = tmp();
    let wb = shop_with_problem(dir.path());
    let line = format!(
        "dangol: {0}: 1 data problem(s) (1 error(s), 0 warning(s)) — see `dangol check {0}`\n",
        wb.display()
    );
    let o = dangol(&["check", s(&wb), "--as-of", AS_OF, "--quiet"]);
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), line);
    let o = dangol(&["run", s(&wb), "--as-of", AS_OF, "--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), line);
}

#[test]
fn remind_apply_out_with_nothing_to_mark_still_writes_the_file() {
    let dir = tmp();
    let wb = shop(dir.path());
    let before = std::fs::read(&wb).unwrap();
    let out = dir.path().join("copy.xlsx");
    // 2025-04-11: Q1 was sent yesterday, nothing is due.
    let o = dangol(&[
        "remind",
        s(&wb),
        "--as-of",
        "2025-04-11",
        "--apply",
        "--out",
        s(&out),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with(&format!(
            "Nothing to mark; wrote the workbook unchanged to {}.\n",
            out.display()
        )),
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read(&out).unwrap(), before);
    assert_eq!(std::fs::read(&wb).unwrap(), before);
}

#[test]
fn run_format_json_prints_the_run_summary() {
    let dir = tmp();
    let wb = shop(dir.path());
    let out = dir.path().join("copy.xlsx");
    let o = dangol(&[
        "run",
        s(&wb),
        "--as-of",
        AS_OF,
        "--out",
        s(&out),
        "--no-report",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(j["workbook"], s(&wb));
    assert_eq!(j["written"], s(&out));
    assert_eq!(j["kind"], "out_file");
    assert_eq!(j["unchanged"], false);
    assert_eq!(j["as_of"], AS_OF);
    assert_eq!(j["customers"], 2);
    assert_eq!(j["data_problems"], 0);
    assert_eq!(j["weekly_report"], serde_json::Value::Null);
    assert_eq!(
        j["sheets_added"],
        serde_json::json!([
            "Customer Stats",
            "Funnel",
            "Dashboard",
            "Reminders",
            "Grade Changes",
            "Weekly",
            "Customer Value"
        ])
    );
    let o = dangol(&["run", s(&wb), "--as-of", AS_OF, "--format", "csv"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "dangol: error: dangol run prints its summary as a table or as JSON (--format json); \
         --format csv is for the analysis commands\n"
    );
}

// ---- issue 12 item 14: no Data Issues sheet without problems ----

fn sheet_names(p: &Path) -> Vec<String> {
    use calamine::Reader;
    let wb: calamine::Xlsx<_> = calamine::open_workbook(p).expect("open");
    wb.sheet_names().clone()
}

#[test]
fn no_data_issues_sheet_when_there_are_only_notes() {
    let dir = tmp();
    // A cancelled row is counted in a note — information, not a problem.
    let csv = dir.path().join("sales.csv");
    std::fs::write(
        &csv,
        "Date,Customer,Order ID,Amount,Status\n2025-04-15,Alice,O1,₩1000,paid\n\
         2025-04-16,Bob,O2,₩2000,cancelled\n",
    )
    .unwrap();
    let o = dangol(&["run", s(&csv), "--as-of", AS_OF, "--no-report"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("customers: 1, data problems: 0"),
        "{}",
        stdout(&o)
    );
    let names = sheet_names(&dir.path().join("sales.dangol.xlsx"));
    assert!(!names.iter().any(|n| n == "Data Issues"), "{names:?}");

    // With a real problem, the sheet is there.
    let dir = tmp();
    let wb = shop_with_problem(dir.path());
    let o = dangol(&["run", s(&wb), "--as-of", AS_OF, "--no-report"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(sheet_names(&wb).iter().any(|n| n == "Data Issues"));
}

// ---- issue 12 item 4: stale data ----

fn sample_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join(name)
}

#[test]
fn every_command_warns_when_the_data_looks_stale() {
    let en = sample_data("shop-en.xlsx");
    let line = "dangol: warning: the data looks stale: newest sale 2026-11-22, 9 days before \
                2026-12-01 (to analyse as of that day: --as-of 2026-11-22)\n";
    for cmd in ["check", "customers", "funnel", "remind", "config"] {
        let o = dangol(&[cmd, s(&en), "--as-of", "2026-12-01"]);
        assert_eq!(code(&o), 0, "{cmd}: {}", stderr(&o));
        assert_eq!(stderr(&o), line, "{cmd}");
    }
    // Seven days is not stale.
    let o = dangol(&["check", s(&en), "--as-of", "2026-11-29"]);
    assert_eq!(stderr(&o), "");
    let ko = sample_data("shop.xlsx");
    let o = dangol(&["customers", s(&ko), "--as-of", "2026-12-01"]);
    assert_eq!(
        stderr(&o),
        "dangol: 경고: 데이터가 오래된 것 같습니다: 마지막 판매 2026-11-22, 기준일 \
         2026-12-01보다 9일 전 (다른 날 기준으로 보려면 --as-of 2026-11-22)\n"
    );
    // --quiet folds it into its one line.
    let o = dangol(&["check", s(&en), "--as-of", "2026-12-01", "--quiet"]);
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: {}: the data looks stale: newest sale 2026-11-22, 9 days before \
             2026-12-01 (to analyse as of that day: --as-of 2026-11-22)\n",
            en.display()
        )
    );
}

/// The README's first command, as written there.
fn readme_first_command() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- "))
        .expect("a `cargo run --release --` line in README.md");
    line.trim_start_matches("cargo run --release -- ")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_readme_first_command_shows_a_week_with_sales_on_any_day() {
    let faketime = ["/usr/bin/faketime", "/usr/local/bin/faketime"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("this test needs faketime (Debian package `faketime`; .ci/run installs it)");
    let dir = tmp();
    let out = dir.path().join("shop-out.xlsx");
    let args: Vec<String> = readme_first_command()
        .into_iter()
        .map(|a| {
            if a == "/tmp/shop-out.xlsx" {
                s(&out).to_string()
            } else if a.starts_with("sample-data/") {
                s(&Path::new(env!("CARGO_MANIFEST_DIR")).join(&a)).to_string()
            } else {
                a
            }
        })
        .collect();
    assert_eq!(args[0], "run", "{args:?}");
    let bin = crate::support::bin();
    let o = crate::support::hermetic(&mut std::process::Command::new(faketime))
        .arg("2027-03-15 09:00:00")
        .arg(&bin)
        .args(&args)
        .output()
        .expect("run under faketime");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // No stale-data warning (the command fixes the day it reports), and every section of
    // the weekly fits its two pages.
    assert_eq!(stderr(&o), "");
    let text = stdout(&o);
    assert!(text.contains("(기준일 2026-11-23)"), "{text}");
    let pdf = dir.path().join("reports/weekly-2026-W47.pdf");
    assert!(
        text.ends_with(&format!("  주간 리포트: {}\n", pdf.display())),
        "{text}"
    );
    // The weekly sheet's revenue this week is not zero.
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&out).expect("open");
    let range = wb.worksheet_range("주간리포트").expect("weekly sheet");
    let revenue = range
        .rows()
        .find(|r| r.first().is_some_and(|c| *c == "매출"))
        .and_then(|r| r.get(1).and_then(calamine::DataType::as_f64))
        .expect("a 매출 row with this week's revenue");
    assert!(revenue > 0.0, "{revenue}");
}

// ---- issue 12 item 14: subset font tags; issue 13 item 9: huge amounts on the axis ----

/// The `/BaseFont` and `/FontName` names in a PDF.
fn font_names(pdf: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).expect("a valid PDF");
    let mut names = Vec::new();
    for obj in doc.objects.values() {
        if let Ok(dict) = obj.as_dict() {
            for key in [b"BaseFont".as_slice(), b"FontName"] {
                if let Ok(n) = dict.get(key).and_then(lopdf::Object::as_name) {
                    names.push(String::from_utf8_lossy(n).into_owned());
                }
            }
        }
    }
    names.sort();
    names
}

#[test]
fn subset_fonts_carry_a_six_capital_letter_tag() {
    let dir = tmp();
    let wb = shop(dir.path());
    let pdf = dir.path().join("w.pdf");
    let o = dangol(&["report", s(&wb), "--as-of", AS_OF, "--out", s(&pdf)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let names = font_names(&pdf);
    assert!(!names.is_empty());
    let mut tags = std::collections::BTreeSet::new();
    for n in &names {
        let (tag, face) = n.split_once('+').unwrap_or_else(|| panic!("no tag: {n}"));
        assert!(
            tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
            "{names:?}"
        );
        assert!(face.starts_with("DangolGothic-"), "{names:?}");
        tags.insert((tag.to_string(), face.to_string()));
    }
    // One tag per face, on /BaseFont and /FontName alike; the same again on a second render.
    let faces: std::collections::BTreeSet<&String> = tags.iter().map(|(_, f)| f).collect();
    assert_eq!(tags.len(), faces.len(), "{names:?}");
    let again = dir.path().join("again.pdf");
    let o = dangol(&["report", s(&wb), "--as-of", AS_OF, "--out", s(&again)]);
    assert_eq!(code(&o), 0);
    assert_eq!(font_names(&again), names);
}

#[test]
fn enormous_orders_render_a_valid_report() {
    for amount in [5e24, 1e26, 1e28] {
        let dir = tmp();
        let wb = shop_with(
            dir.path(),
            "shop.xlsx",
            &[vec![
                d(2025, 4, 17),
                V::S("Whale"),
                V::S("whale@example.com"),
                V::S("O9"),
                V::N(amount),
            ]],
        );
        let pdf = dir.path().join("w.pdf");
        let o = dangol(&["report", s(&wb), "--as-of", AS_OF, "--out", s(&pdf)]);
        assert_eq!(code(&o), 0, "{amount}: {}", stderr(&o));
        let doc = lopdf::Document::load(&pdf).expect("a valid PDF");
        let pages = doc.get_pages().len();
        assert!((1..=2).contains(&pages), "{amount}: {pages} pages");
    }
}

// ---- issue 13 item 15: modes follow the umask ----

#[cfg(unix)]
fn under_umask(umask: &str, args: &[&str]) -> Output {
    let bin = crate::support::bin();
    crate::support::hermetic(&mut std::process::Command::new("sh"))
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .output()
        .expect("sh")
}

#[cfg(unix)]
#[test]
fn new_files_follow_the_umask_and_never_exceed_the_workbook() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp();
    let wb = shop(dir.path());
    std::fs::set_permissions(&wb, std::fs::Permissions::from_mode(0o600)).unwrap();
    let drafts = dir.path().join("drafts");
    let csv = dir.path().join("merge.csv");
    let pdf = dir.path().join("w.pdf");
    let o = under_umask(
        "077",
        &["report", s(&wb), "--as-of", AS_OF, "--out", s(&pdf)],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(mode(&pdf), 0o600);
    // Even under a lax umask, nothing is wider than the 0600 workbook.
    let o = under_umask(
        "000",
        &[
            "remind",
            s(&wb),
            "--as-of",
            AS_OF,
            "--eml",
            s(&drafts),
            "--csv",
            s(&csv),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(mode(&csv), 0o600);
    for e in std::fs::read_dir(&drafts).unwrap() {
        assert_eq!(mode(&e.unwrap().path()), 0o600);
    }
    // A CSV input's NAME.dangol.xlsx too.
    let sales = dir.path().join("sales.csv");
    std::fs::write(
        &sales,
        "Date,Customer,Order ID,Amount\n2025-04-15,Alice,O1,1000\n",
    )
    .unwrap();
    std::fs::set_permissions(&sales, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = under_umask("022", &["run", s(&sales), "--as-of", AS_OF]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(mode(&dir.path().join("sales.dangol.xlsx")), 0o600);
    assert_eq!(mode(&dir.path().join("reports/weekly-2025-W16.pdf")), 0o600);

    // A 0644 workbook under umask 022: drafts and the CSV are 0644, not a temp file's 0600.
    let dir = tmp();
    let wb = shop(dir.path());
    std::fs::set_permissions(&wb, std::fs::Permissions::from_mode(0o644)).unwrap();
    let drafts = dir.path().join("drafts");
    let csv = dir.path().join("merge.csv");
    let o = under_umask(
        "022",
        &[
            "remind",
            s(&wb),
            "--as-of",
            AS_OF,
            "--eml",
            s(&drafts),
            "--csv",
            s(&csv),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(mode(&csv), 0o644);
    for e in std::fs::read_dir(&drafts).unwrap() {
        assert_eq!(mode(&e.unwrap().path()), 0o644);
    }
}

// ---- issue 13 item 16: terminal tables escape control characters ----

#[test]
fn terminal_tables_show_control_characters_escaped() {
    let dir = tmp();
    let evil = "Mal\u{1b}[31mory\r\u{7}\u{202e}x";
    let wb = shop_with(
        dir.path(),
        "shop.xlsx",
        &[vec![
            d(2025, 4, 17),
            V::T(evil.to_string()),
            V::S("mallory@example.com"),
            V::S("O7"),
            V::N(1_000.0),
        ]],
    );
    let o = dangol(&["customers", s(&wb), "--as-of", AS_OF, "--no-color"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Mal\\u{1b}[31mory\\u{d}\\u{7}\\u{202e}x"),
        "{out}"
    );
    for c in ['\u{1b}', '\r', '\u{7}', '\u{202e}'] {
        assert!(!out.contains(c), "{c:?} in\n{out}");
    }
    // `check` quotes the cell values it cannot use: shown, not run.
    let dir = tmp();
    let wb = shop_with(
        dir.path(),
        "shop.xlsx",
        &[vec![
            d(2025, 4, 17),
            V::S("Carol"),
            V::S("carol@example.com"),
            V::S("O8"),
            V::T("12\u{1b}[2J\u{202e}".to_string()),
        ]],
    );
    let o = dangol(&["check", s(&wb), "--as-of", AS_OF, "--no-color"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Sales!E5"), "{out}");
    for c in ['\u{1b}', '\u{202e}'] {
        assert!(!out.contains(c), "{c:?} in\n{out}");
    }
}

// ---- smaller: sample's row limit ----

#[test]
fn sample_beyond_the_row_limit_is_refused_before_generating() {
    let dir = tmp();
    let out = dir.path().join("big.xlsx");
    let o = dangol(&[
        "sample",
        "--out",
        s(&out),
        "--customers",
        "800000",
        "--rows",
        "10",
    ]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "dangol: error: --customers 800,000 over 52 weeks gives 1,200,000 quotes: more rows \
         than Excel's 1,048,576 per sheet (at most 699,050 customers over 52 weeks); use fewer \
         customers or weeks, or --format csv for the sales table alone\n"
    );
    assert!(!out.exists());
    let o = dangol(&[
        "sample",
        "--out",
        s(&out),
        "--customers",
        "2000000",
        "--weeks",
        "1",
    ]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "dangol: error: --customers 2,000,000: the Customers sheet would have more rows than \
         Excel's 1,048,576 per sheet (at most 1,048,575); use fewer customers, or --format csv \
         for the sales table alone\n"
    );
}
