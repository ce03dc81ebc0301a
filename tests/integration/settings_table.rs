//! The one table of setting definitions seen from outside: `dangol config` in English and
//! Korean, Korean keys in the Settings sheet, the starter sheet written from the table, and the
//! checked plan (usage errors before anything is read).

use std::path::{Path, PathBuf};

use calamine::{Reader, open_workbook_auto};
use dangol::settings::defs::{DEFS, Starter};

use crate::support::{V, tmp, xlsx};

/// Run the real binary with no `DANGOL_*` variable of the caller's environment.
fn run(args: &[&str]) -> (i32, String, String) {
    let mut cmd = assert_cmd::Command::cargo_bin("dangol").expect("binary");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("DANGOL_") {
            cmd.env_remove(k);
        }
    }
    let o = cmd.args(args).output().expect("run");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Compare with `tests/integration/golden/settings/NAME`; `UPDATE_GOLDEN=1` rewrites it.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/integration/golden/settings")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("golden dir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {} (UPDATE_GOLDEN=1 writes it)",
            path.display()
        )
    });
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

fn english_shop(dir: &Path) -> PathBuf {
    let p = dir.join("shop.xlsx");
    xlsx(
        &p,
        &[
            (
                "Sales",
                vec![
                    vec![
                        V::S("Date"),
                        V::S("Customer"),
                        V::S("Order ID"),
                        V::S("Amount"),
                    ],
                    vec![
                        V::D(2026, 11, 2, 10, 0),
                        V::S("Ann"),
                        V::S("O1"),
                        V::N(25.5),
                    ],
                    vec![
                        V::D(2026, 11, 20, 10, 0),
                        V::S("Bob"),
                        V::S("O2"),
                        V::N(40.0),
                    ],
                ],
            ),
            (
                "Settings",
                vec![
                    vec![V::S("Key"), V::S("Value")],
                    vec![V::S("lookback_days"), V::N(180.0)],
                    vec![V::S("shop_name"), V::S("Corner Shop")],
                ],
            ),
        ],
    );
    p
}

fn korean_shop(dir: &Path) -> PathBuf {
    let p = dir.join("가게.xlsx");
    xlsx(
        &p,
        &[
            (
                "판매",
                vec![
                    vec![
                        V::S("주문일자"),
                        V::S("고객명"),
                        V::S("주문번호"),
                        V::S("금액"),
                    ],
                    vec![
                        V::D(2026, 11, 2, 10, 0),
                        V::S("김민수"),
                        V::S("A1"),
                        V::N(30000.0),
                    ],
                    vec![
                        V::D(2026, 11, 20, 10, 0),
                        V::S("이영희"),
                        V::S("A2"),
                        V::N(52000.0),
                    ],
                ],
            ),
            (
                "설정",
                vec![
                    vec![V::S("항목"), V::S("값")],
                    // Korean keys: one owners always had, and ones the table adds.
                    vec![V::S("분석기간"), V::N(180.0)],
                    vec![V::S("가게이메일"), V::S("shop@example.com")],
                    vec![V::S("재고부족기준"), V::N(5.0)],
                ],
            ),
        ],
    );
    p
}

#[test]
fn config_lists_every_setting_in_english_with_its_origin() {
    let dir = tmp();
    let p = english_shop(dir.path());
    let (code, out, err) = run(&["config", p.to_str().unwrap(), "--as-of", "2026-11-21"]);
    assert_eq!((code, err.as_str()), (0, ""));
    golden("config-en.txt", &out);
    // Keys padded to the longest shown (`notify.alimtalk.provider`, 24 characters).
    assert!(
        out.starts_with(&format!(
            "{:<24}  Corner Shop  [Settings!B3]\n",
            "shop_name"
        )),
        "{out}"
    );
    assert!(
        out.ends_with(&format!(
            "{:<24}  en  [effective]\n{:<24}  KRW  [effective]\n",
            "(output language)", "(currency)"
        )),
        "{out}"
    );
}

#[test]
fn config_speaks_korean_for_a_korean_workbook_and_reads_korean_keys() {
    let dir = tmp();
    let p = korean_shop(dir.path());
    let (code, out, err) = run(&["config", p.to_str().unwrap(), "--as-of", "2026-11-21"]);
    assert_eq!((code, err.as_str()), (0, ""));
    golden("config-ko.txt", &out);
    let line = |key: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("no {key} in {out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("lookback_days"),
        "lookback_days 분석기간 180 [설정!B2]"
    );
    assert_eq!(
        line("shop_email"),
        "shop_email 가게이메일 shop@example.com [설정!B3]"
    );
    assert_eq!(
        line("stock.low_threshold"),
        "stock.low_threshold 재고부족기준 5 [설정!B4]"
    );
    assert_eq!(line("backups"), "backups 백업개수 7 [기본값]");
    assert_eq!(
        line("sheet.sales"),
        "sheet.sales 판매시트 (머리글로 찾음) [기본값]"
    );
    // The JSON stays the machine's: English keys, values and origins.
    let (code, json, _) = run(&[
        "config",
        p.to_str().unwrap(),
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        v[0],
        serde_json::json!({"key": "shop_name", "value": "", "origin": "default"})
    );
    assert_eq!(
        v[10],
        serde_json::json!({"key": "sheet.sales", "value": "(found by headers)", "origin": "default"})
    );
}

#[test]
fn lang_flag_switches_the_config_language() {
    let dir = tmp();
    let en = english_shop(dir.path());
    let (code, out, _) = run(&["config", en.to_str().unwrap(), "--lang", "ko"]);
    assert_eq!(code, 0);
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["backups", "백업개수", "7", "[기본값]"]),
        "{out}"
    );
    // The effective lines line up with the values: 24 + 2 + the Korean keys' 22 columns.
    let pad = |label: &str, cols: usize| format!("{label}{}", " ".repeat(48 - cols));
    assert!(
        out.ends_with(&format!(
            "{}  ko  [적용값]\n{}  KRW  [적용값]\n",
            pad("(출력 언어)", 11),
            pad("(통화)", 6)
        )),
        "{out}"
    );
    let ko = korean_shop(dir.path());
    let (code, out, _) = run(&["config", ko.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!("\n{:<24}  7  [default]\n", "backups")),
        "{out}"
    );
    assert!(
        out.ends_with(&format!("{:<24}  KRW  [effective]\n", "(currency)")),
        "{out}"
    );
}

/// `dangol init` writes the starter Settings sheet from the table: the keys the table marks
/// for it, in its order, each with the table's description in the workbook's language.
#[test]
fn the_starter_settings_sheet_is_the_table() {
    for (lang, sheet) in [("ko", "설정"), ("en", "Settings")] {
        let dir = tmp();
        let p = dir.path().join("new.xlsx");
        let (code, _, err) = run(&["init", p.to_str().unwrap(), "--lang", lang]);
        assert_eq!(code, 0, "{err}");
        let mut wb = open_workbook_auto(&p).expect("open");
        let range = wb.worksheet_range(sheet).expect("settings sheet");
        let rows: Vec<(String, String)> = range
            .rows()
            .skip(1)
            .map(|r| (r[0].to_string(), r[2].to_string()))
            .collect();
        let expected: Vec<(String, String)> = DEFS
            .iter()
            .filter(|d| d.starter != Starter::No)
            .map(|d| {
                let about = if lang == "ko" { d.about_ko } else { d.about_en };
                (d.key.to_string(), about.to_string())
            })
            .collect();
        assert_eq!(rows, expected, "{lang}");
        assert_eq!(rows.len(), 20);
    }
}

/// Usage errors are found from the flags alone, before any file is opened, and printed once.
#[test]
fn the_flags_are_checked_before_anything_is_read() {
    // No such workbook: the bad flag is still what is reported, with exit 2.
    let (code, out, err) = run(&["customers", "nowhere.xlsx", "--set", "lookbak_days=30"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "dangol: error: --set lookbak_days: unknown setting 'lookbak_days'; did you mean 'lookback_days'?\n"
        )
    );
    // Even a command that reads nothing refuses a wrong setting flag.
    let (code, out, err) = run(&["completions", "bash", "--set", "lookback"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "dangol: error: --set \"lookback\": expected KEY=VALUE, e.g. --set lookback_days=180\n"
        )
    );
    let (code, _, err) = run(&["check", "nowhere.xlsx", "--format", "xlsx"]);
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "dangol: error: --format xlsx is only for `dangol sample`; use table, json or csv\n"
        )
    );
    // A Korean key is a key for --set as well.
    let dir = tmp();
    let p = english_shop(dir.path());
    let (code, out, _) = run(&["config", p.to_str().unwrap(), "--set", "백업개수=3"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!("\n{:<24}  3  [--set 백업개수]\n", "backups")),
        "{out}"
    );
}

/// Command-specific usage errors go through the same one printer: exact text, exit 2.
#[test]
fn command_usage_errors_print_once_and_exit_2() {
    let dir = tmp();
    let p = english_shop(dir.path());
    let p = p.to_str().unwrap();
    for (args, message) in [
        (
            vec!["funnel", p, "--from", "2026-11-10", "--to", "2026-11-01"],
            "--from 2026-11-10 is after --to 2026-11-01",
        ),
        (
            vec!["report", p, "--week", "2026-W47", "--as-of", "2026-11-21"],
            "--week and --as-of cannot be used together; --week 2026-W47 reports that week, \
             --as-of reports the last complete week before that day",
        ),
        (
            vec!["run", p, "--format", "csv"],
            "dangol run prints its summary as a table or as JSON (--format json); --format csv \
             is for the analysis commands",
        ),
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(
            (code, out.as_str(), err),
            (2, "", format!("dangol: error: {message}\n")),
            "{args:?}"
        );
    }
}

/// The input limits are a value in the read options, not a process-wide setting: two reads in
/// one process with different limits each get their own.
#[test]
fn input_limits_are_passed_per_read() {
    let dir = tmp();
    let p = english_shop(dir.path());
    let tight = dangol::ingest::ReadOptions {
        limits: Some(dangol::ingest::guard::Limits::default().with_max_unzipped_mb(0)),
        ..dangol::ingest::ReadOptions::default()
    };
    let err = dangol::ingest::load(&p, &tight).expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: part '[Content_Types].xml' unpacks to 0.0 MB, more than the per-part limit of \
             0.0 MB — this looks like a zip bomb; if the workbook is genuine, raise the limit \
             with --max-unzipped-mb",
            p.display()
        )
    );
    let l = dangol::ingest::load(&p, &dangol::ingest::ReadOptions::default()).expect("read");
    assert_eq!(l.settings.lookback_days, 180);
    // The same through the binary: the flag decides for that run only.
    let (code, _, err) = run(&["check", p.to_str().unwrap(), "--max-unzipped-mb", "0"]);
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = run(&["check", p.to_str().unwrap(), "--as-of", "2026-11-21"]);
    assert_eq!((code, err.as_str()), (0, ""));
}
