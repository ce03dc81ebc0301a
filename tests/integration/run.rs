//! `dangol run` end to end: the real binary on copies of the write-back fixtures and on small
//! workbooks built here.
//!
//! Every workbook a test writes is also kept under `target/lo-check/run/`, so CI can open them
//! all with `LibreOffice` after the tests: `scripts/lo-check.sh target/lo-check`.

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use crate::support::{MERGE_EDITS, assert_untouched, dangol, stderr, stdout};
use std::process::Output;

use calamine::{Data, Reader, Xlsx, open_workbook_auto};
use dangol::model::Lang;
use dangol::render::table::GeneratedSheet;
use dangol::writeback::WorkbookLock;

const FIXTURES: [&str; 3] = [
    "openpyxl_features.xlsx",
    "libreoffice_features.xlsx",
    "macro.xlsm",
];

/// Data problems `dangol check` reports in each fixture: `LibreOffice` stored the total row's
/// cached values, so its `Sales!A7` is a row without a date.
/// Each fixture's data problems: the `LibreOffice` one has one bad value; both show no currency
/// sign, which is a warning that KRW was assumed (SPEC §3, issue 12 item 5).
fn problems_in(fixture: &str) -> usize {
    1 + usize::from(fixture != "openpyxl_features.xlsx")
}

const AS_OF: &str = "2025-04-16";

/// The fixtures' newest sale is 14 days before [`AS_OF`]: every command says the data looks
/// stale (SPEC promise 7) before anything else.
const STALE: &str = "dangol: 경고: 데이터가 오래된 것 같습니다: 마지막 판매 2025-04-02, 기준일 \
                     2025-04-16보다 14일 전 (다른 날 기준으로 보려면 --as-of 2025-04-02)\n";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/writeback")
        .join(name)
}

/// Keeps a written workbook for `scripts/lo-check.sh target/lo-check`.
fn keep(name: &str, path: &Path) {
    crate::support::keep_for_lo_check("run", name, &fs::read(path).unwrap());
}

/// A copy of a fixture in a fresh temp dir.
fn copy_of(name: &str, as_name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(as_name);
    fs::copy(fixture(name), &path).unwrap();
    (dir, path)
}

fn run(path: &Path, extra: &[&str]) -> Output {
    let p = path.to_str().unwrap();
    let mut args = vec!["run", p, "--as-of", AS_OF];
    args.extend_from_slice(extra);
    dangol(&args)
}

#[track_caller]
fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

fn listing(dir: &Path) -> Vec<String> {
    let Ok(rd) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn sheet_names(path: &Path) -> Vec<String> {
    open_workbook_auto(path).unwrap().sheet_names().clone()
}

fn grid(bytes: &[u8], sheet: &str) -> Vec<Vec<Data>> {
    let mut x = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let r = x.worksheet_range(sheet).unwrap();
    r.rows().map(<[Data]>::to_vec).collect()
}

/// The sheets after the user's are all dangol's, Customer Stats among them.
fn assert_generated_after(names: &[String], user: &[String], lang: Lang) {
    assert_eq!(&names[..user.len()], user);
    let ours: Vec<&str> = GeneratedSheet::ALL.iter().map(|g| g.name(lang)).collect();
    let extra = &names[user.len()..];
    assert!(
        extra.iter().all(|n| ours.contains(&n.as_str())),
        "{extra:?}"
    );
    assert!(
        extra
            .iter()
            .any(|n| n == GeneratedSheet::CustomerStats.name(lang)),
        "{extra:?}"
    );
}

#[test]
fn runs_are_idempotent_reproducible_and_keep_every_untouched_part() {
    for name in FIXTURES {
        let ext = Path::new(name).extension().unwrap().to_str().unwrap();
        let shop = format!("Shop.{ext}");
        let (dir_a, a) = copy_of(name, &shop);
        let (_dir_b, b) = copy_of(name, &shop);
        let orig = fs::read(&a).unwrap();
        let user = sheet_names(&a);

        let o = run(&a, &[]);
        assert_code(&o, 0);
        let out = stdout(&o);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            format!("{}: 갱신했습니다 (기준일 2025-04-16)", a.display()),
            "{out}"
        );
        assert!(lines[1].starts_with("  추가한 시트: 고객분석"), "{out}");
        let counts = format!("  고객 3명, 데이터 문제 {}건", problems_in(name));
        assert!(lines.contains(&counts.as_str()), "{out}");
        let backups = dir_a.path().join(".dangol-backups");
        let kept = listing(&backups);
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert!(
            lines.contains(&format!("  백업: {}", backups.join(&kept[0]).display()).as_str()),
            "{out}"
        );
        let pdf = dir_a.path().join("reports/weekly-2025-W15.pdf");
        assert!(
            lines.contains(&format!("  주간 리포트: {}", pdf.display()).as_str()),
            "{out}"
        );
        assert!(fs::read(backups.join(&kept[0])).unwrap() == orig);
        assert!(fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

        let first = fs::read(&a).unwrap();
        assert_untouched(&orig, &first, &MERGE_EDITS);
        assert_generated_after(&sheet_names(&a), &user, Lang::Ko);
        for sheet in &user {
            assert_eq!(grid(&orig, sheet), grid(&first, sheet), "{name} {sheet}");
        }
        keep(&format!("run_{name}"), &a);

        // Second run: nothing changes, no second backup.
        let o = run(&a, &[]);
        assert_code(&o, 0);
        assert_eq!(
            stdout(&o).lines().next().unwrap(),
            format!(
                "{}: 이미 최신입니다 (바뀐 것 없음, 백업 안 함) (기준일 2025-04-16)",
                a.display()
            )
        );
        assert!(fs::read(&a).unwrap() == first, "{name}: second run differs");
        assert_eq!(listing(&backups), kept);

        // Another copy, another directory: the same bytes (workbook and PDF).
        assert_code(&run(&b, &[]), 0);
        assert!(fs::read(&b).unwrap() == first, "{name}: copies differ");
        assert!(
            fs::read(b.with_file_name("reports/weekly-2025-W15.pdf")).unwrap()
                == fs::read(&pdf).unwrap()
        );
    }
}

#[test]
fn out_leaves_the_input_byte_identical() {
    let (dir, input) = copy_of("macro.xlsm", "Shop.xlsm");
    let orig = fs::read(&input).unwrap();
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("copy.xlsm");
    let o = run(&input, &["--out", out.to_str().unwrap()]);
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o).lines().next().unwrap(),
        format!(
            // The particle fits the word (`Shop.xlsm`: 엠 → 은), never `은(는)`.
            "{}에 썼습니다 ({}은 그대로입니다) (기준일 2025-04-16)",
            out.display(),
            input.display()
        )
    );
    assert!(fs::read(&input).unwrap() == orig);
    // Nothing new beside the input but the lock-free listing: the report went beside --out.
    assert_eq!(listing(dir.path()), ["Shop.xlsm", "out"]);
    assert_eq!(listing(&out_dir), ["copy.xlsm", "reports"]);
    assert_untouched(&orig, &fs::read(&out).unwrap(), &MERGE_EDITS);

    // The same bytes as an in-place run.
    let (_d2, inplace) = copy_of("macro.xlsm", "Shop.xlsm");
    assert_code(&run(&inplace, &["--no-report"]), 0);
    assert!(fs::read(&inplace).unwrap() == fs::read(&out).unwrap());

    // An --out whose extension does not match the content is refused.
    let bad = out_dir.join("copy.xlsx");
    let o = run(&input, &["--out", bad.to_str().unwrap()]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("the output must be a .xlsm file"),
        "{}",
        stderr(&o)
    );
    assert!(!bad.exists());
}

#[test]
fn an_open_workbook_is_refused_with_exit_3_unless_forced() {
    let (dir, input) = copy_of("openpyxl_features.xlsx", "Shop.xlsx");
    let orig = fs::read(&input).unwrap();
    let owner = dir.path().join("~$Shop.xlsx");
    fs::write(&owner, "").unwrap();
    let o = run(&input, &[]);
    assert_code(&o, 3);
    assert_eq!(
        stderr(&o),
        format!(
            // A Korean workbook: the message is Korean (SPEC promise 6), found by a scan of the
            // workbook's headers since it is raised before the workbook is read.
            "dangol: 오류: {}가 Excel이나 LibreOffice에서 열려 있습니다 (소유자 파일 {}). 통합문서는 바뀌지 않았습니다. 파일을 닫고 다시 실행하거나 --force를 쓰세요\n",
            input.display(),
            owner.display()
        )
    );
    assert_eq!(stdout(&o), "");
    assert!(fs::read(&input).unwrap() == orig);
    assert_eq!(listing(dir.path()), ["Shop.xlsx", "~$Shop.xlsx"]);

    let o = run(&input, &["--force", "--quiet"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "");
    // --quiet: only the one line cron mails, here about the assumed currency and the stale
    // data.
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: {0}: 데이터 문제 1건 (오류 0, 경고 1) — `dangol check {0}`로 확인하세요; {1}",
            input.display(),
            STALE.trim_start_matches("dangol: 경고: ")
        )
    );
    assert!(fs::read(&input).unwrap() != orig);
}

#[test]
fn a_held_lock_gives_exit_3_and_leaves_the_workbook() {
    let (dir, input) = copy_of("libreoffice_features.xlsx", "Shop.xlsx");
    let orig = fs::read(&input).unwrap();
    let lock = WorkbookLock::acquire(&input).unwrap();
    let o = run(&input, &[]);
    assert_code(&o, 3);
    assert_eq!(
        stderr(&o),
        format!(
            // A Korean workbook: the message is Korean (SPEC promise 6).
            "dangol: 오류: {}는 다른 dangol 실행이 쓰고 있습니다 (잠금 파일 {}). 통합문서는 바뀌지 않았습니다. 그 실행이 끝난 뒤 다시 하세요\n",
            input.display(),
            lock.path().display()
        )
    );
    assert!(fs::read(&input).unwrap() == orig);
    assert_eq!(
        listing(dir.path()),
        [".~Shop.xlsx.dangol.lock", "Shop.xlsx"]
    );
    drop(lock);
    assert_code(&run(&input, &["--quiet"]), 0);
}

#[test]
fn a_read_only_directory_gives_exit_1_and_leaves_the_workbook() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, input) = copy_of("openpyxl_features.xlsx", "Shop.xlsx");
    let orig = fs::read(&input).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    let probe = dir.path().join("probe");
    // Root ignores permission bits; the immutable attribute (`chattr +i`, ext4 and most Linux
    // file systems) stops root too. Without either there is nothing to observe (the failure
    // test with a blocked backup folder covers the same path for every account).
    let immutable = fs::write(&probe, "").is_ok() && {
        let _ = fs::remove_file(&probe);
        std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !immutable && fs::write(&probe, "").is_ok() {
        let _ = fs::remove_file(&probe);
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: running as root without chattr, a read-only directory is writable");
        return;
    }
    let o = run(&input, &[]);
    if immutable {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(dir.path())
            .status();
    }
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    assert_code(&o, 1);
    // A Korean workbook: the message is Korean (SPEC promise 6), and says what the system
    // said (EPERM for an immutable folder, EACCES for a read-only one) in the owner's words.
    let why = "권한이 없습니다 (읽기 전용이거나 다른 사용자의 파일·폴더입니다)";
    let _ = immutable;
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: 오류: {}에 쓸 수 없습니다. 바뀐 것은 없습니다: dangol이 {}에 파일을 만들 수 \
             없습니다 (잠금 파일과 새 통합문서는 통합문서 옆에 만들어집니다): {why}\n",
            input.display(),
            dir.path().display()
        )
    );
    assert!(fs::read(&input).unwrap() == orig);
    assert_eq!(listing(dir.path()), ["Shop.xlsx"]);
}

#[test]
fn a_failed_backup_gives_exit_1_and_leaves_the_workbook() {
    let (dir, input) = copy_of("openpyxl_features.xlsx", "Shop.xlsx");
    let orig = fs::read(&input).unwrap();
    // A file where the backup folder should be: the backup fails before the replace.
    fs::write(dir.path().join(".dangol-backups"), "not a folder").unwrap();
    let o = run(&input, &[]);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            // A Korean workbook: the message is Korean (SPEC promise 6).
            "{STALE}dangol: 오류: {}에 쓸 수 없습니다. 바뀐 것은 없습니다: ",
            input.display()
        )),
        "{err}"
    );
    assert_eq!(stdout(&o), "");
    assert!(fs::read(&input).unwrap() == orig);
    assert_eq!(listing(dir.path()), [".dangol-backups", "Shop.xlsx"]);
}

#[test]
fn backups_rotate_to_the_setting() {
    let (dir, input) = copy_of("openpyxl_features.xlsx", "Shop.xlsx");
    let mut versions = vec![fs::read(&input).unwrap()];
    for day in ["2025-04-14", "2025-04-15", "2025-04-16", "2025-04-17"] {
        let p = input.to_str().unwrap();
        let o = dangol(&[
            "run",
            p,
            "--as-of",
            day,
            "--set",
            "backups=2",
            "--no-report",
            "--quiet",
        ]);
        assert_code(&o, 0);
        versions.push(fs::read(&input).unwrap());
    }
    let backups = dir.path().join(".dangol-backups");
    let kept = listing(&backups);
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        kept.iter()
            .all(|n| n.len() == "Shop.20250101T000000.xlsx".len()
                && n.starts_with("Shop.")
                && Path::new(n).extension().is_some_and(|e| e == "xlsx"))
    );
    // The two newest backups are the versions before the last two runs, oldest first.
    assert!(fs::read(backups.join(&kept[0])).unwrap() == versions[2]);
    assert!(fs::read(backups.join(&kept[1])).unwrap() == versions[3]);
    assert!(!dir.path().join("reports").exists());
}

#[test]
fn a_csv_input_gives_a_new_dangol_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("orders.csv");
    let text = "Date,Customer,Amount\n2025-04-01,Kim Minji,\"12,000\"\n\
                2025-04-08,Lee & Sons,5000\n2025-04-09,Kim Minji,3000\n";
    fs::write(&csv, text).unwrap();
    let o = run(&csv, &[]);
    assert_code(&o, 0);
    let made = dir.path().join("orders.dangol.xlsx");
    let out = stdout(&o);
    assert_eq!(
        out.lines().next().unwrap(),
        format!(
            "{} cannot be edited in place: wrote a new workbook {} with its data (as values) and dangol's sheets (as of 2025-04-16)",
            csv.display(),
            made.display()
        ),
        "{out}"
    );
    assert!(
        // The one problem: no currency sign, KRW assumed (a warning, SPEC §3).
        out.contains("\n  customers: 2, data problems: 1\n"),
        "{out}"
    );
    assert_eq!(fs::read_to_string(&csv).unwrap(), text);
    keep("run_orders.dangol.xlsx", &made);

    let bytes = fs::read(&made).unwrap();
    let names = sheet_names(&made);
    assert_generated_after(&names, &["orders".to_string()], Lang::En);
    let s = |t: &str| Data::String(t.into());
    assert_eq!(
        grid(&bytes, "orders"),
        [
            [s("Date"), s("Customer"), s("Amount")],
            [s("2025-04-01"), s("Kim Minji"), s("12,000")],
            [s("2025-04-08"), s("Lee & Sons"), s("5000")],
            [s("2025-04-09"), s("Kim Minji"), s("3000")],
        ]
    );
    let stats = grid(&bytes, "Customer Stats");
    let flat: Vec<String> = stats.iter().flatten().map(ToString::to_string).collect();
    assert!(flat.contains(&"Kim Minji".to_string()), "{flat:?}");
    assert!(flat.contains(&"Lee & Sons".to_string()), "{flat:?}");

    // Again: the same bytes, and the earlier file is kept as a backup only if it differed.
    assert_code(&run(&csv, &["--quiet"]), 0);
    assert!(fs::read(&made).unwrap() == bytes);
    assert!(!dir.path().join(".dangol-backups").exists());
}

#[test]
fn a_tsv_input_is_read_with_tabs() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("매출.tsv");
    fs::write(
        &tsv,
        "주문일\t고객\t금액\n2025-04-01\t김민지\t12000\n2025-04-08\t박서준\t5000\n",
    )
    .unwrap();
    let out = dir.path().join("결과.xlsx");
    let o = run(&tsv, &["--out", out.to_str().unwrap(), "--no-report"]);
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o).lines().next().unwrap(),
        format!(
            // `매출.tsv`: 브이 → 는.
            "{}는 그 자리에서 고칠 수 없는 형식이라 새 통합문서 {}에 데이터(값)와 dangol 시트를 썼습니다 (기준일 2025-04-16)",
            tsv.display(),
            out.display()
        )
    );
    let bytes = fs::read(&out).unwrap();
    assert_generated_after(&sheet_names(&out), &["매출".to_string()], Lang::Ko);
    assert_eq!(
        grid(&bytes, "매출")[1],
        [
            Data::String("2025-04-01".into()),
            Data::String("김민지".into()),
            Data::String("12000".into())
        ]
    );
    assert_eq!(listing(dir.path()), ["결과.xlsx", "매출.tsv"]);
    keep("run_tsv.xlsx", &out);
}

#[test]
fn an_english_workbook_gets_an_english_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sales").unwrap();
    for (c, h) in ["Date", "Customer", "Amount"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (d, who, amt)) in [
        ("2025-04-02", "Ann", 120.5),
        ("2025-04-09", "Bob", 80.0),
        ("2025-04-10", "Ann", 30.0),
    ]
    .iter()
    .enumerate()
    {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *d).unwrap();
        ws.write_string(r, 1, *who).unwrap();
        ws.write_number(r, 2, *amt).unwrap();
    }
    wb.save(&path).unwrap();
    let o = run(&path, &["--no-report"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        format!("{}: updated (as of 2025-04-16)", path.display())
    );
    assert!(
        lines[1].starts_with("  sheets added: Customer Stats"),
        "{out}"
    );
    // The one problem: no currency sign, KRW assumed (a warning, SPEC §3).
    assert!(lines.contains(&"  customers: 2, data problems: 1"), "{out}");
    assert!(
        lines.last().unwrap().starts_with(&format!(
            "  backup: {}",
            dir.path().join(".dangol-backups/shop.").display()
        )),
        "{out}"
    );
    keep("run_english.xlsx", &path);
}

#[test]
fn a_missing_workbook_is_exit_1_and_leaves_no_lock_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.xlsx");
    let o = run(&path, &[]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).starts_with(&format!("dangol: error: cannot read {}: ", path.display())),
        "{}",
        stderr(&o)
    );
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn the_nightly_wrapper_is_quiet_logs_failures_and_keeps_the_exit_code() {
    let (dir, input) = copy_of("openpyxl_features.xlsx", "shop.xlsx");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/dangol-nightly.sh");
    let nightly = || {
        std::process::Command::new("sh")
            .arg(&script)
            .arg(&input)
            // Seven days after the newest sale: not stale; the currency named: no warning.
            // Nothing to log.
            .args(["--as-of", "2025-04-09", "--set", "currency=KRW"])
            .env("DANGOL", env!("CARGO_BIN_EXE_dangol"))
            .output()
            .unwrap()
    };
    let o = nightly();
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "");
    assert!(dir.path().join("reports/weekly-2025-W14.pdf").is_file());
    assert!(!dir.path().join("dangol.log").exists());

    fs::write(dir.path().join("~$shop.xlsx"), "").unwrap();
    let o = nightly();
    assert_code(&o, 3);
    assert_eq!(stdout(&o), "");
    let log = fs::read_to_string(dir.path().join("dangol.log")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].ends_with(" dangol run shop.xlsx: exit 3"), "{log}");
    assert_eq!(
        lines[1],
        // A Korean workbook: the message is Korean (SPEC promise 6).
        "dangol: 오류: shop.xlsx가 Excel이나 LibreOffice에서 열려 있습니다 (소유자 파일 ~$shop.xlsx). 통합문서는 바뀌지 않았습니다. 파일을 닫고 다시 실행하거나 --force를 쓰세요"
    );
}

#[test]
fn a_read_only_workbook_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, input) = copy_of("openpyxl_features.xlsx", "Shop.xlsx");
    let orig = fs::read(&input).unwrap();
    fs::set_permissions(&input, fs::Permissions::from_mode(0o444)).unwrap();
    let o = run(&input, &[]);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: error: {} is read-only; dangol does not replace it (make it writable, or use --out FILE)\n",
            input.display()
        )
    );
    assert!(fs::read(&input).unwrap() == orig);
    assert_eq!(listing(dir.path()), ["Shop.xlsx"]);
    // --out still works and the new file is readable by others.
    let out = dir.path().join("new.xlsx");
    assert_code(
        &run(&input, &["--out", out.to_str().unwrap(), "--quiet"]),
        0,
    );
    assert_eq!(
        fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o644
    );
    assert!(fs::read(&input).unwrap() == orig);
}

#[test]
fn a_failed_report_says_the_workbook_was_written() {
    let (dir, input) = copy_of("openpyxl_features.xlsx", "Shop.xlsx");
    let orig = fs::read(&input).unwrap();
    // A file where the reports folder should be.
    fs::write(dir.path().join("reports"), "").unwrap();
    let o = run(&input, &[]);
    assert_code(&o, 1);
    let err = stderr(&o);
    // A Korean workbook: the whole line is Korean, what the system said included.
    assert_eq!(
        err,
        format!(
            "{STALE}dangol: 오류: {}는 썼지만 주간 리포트는 쓰지 못했습니다: {}에 쓸 수 없습니다: \
             같은 이름의 파일이나 폴더가 이미 있습니다\n",
            input.display(),
            dir.path().join("reports/weekly-2025-W15.pdf").display()
        )
    );
    assert!(fs::read(&input).unwrap() != orig);
}

/// The README's first command on both bundled sample shops: every generated sheet (the Funnel
/// with its chart included), the PDF, the input untouched; the outputs are kept for the
/// `LibreOffice` check.
#[test]
fn the_bundled_sample_shops_run_end_to_end() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, lang, funnel) in [
        ("shop.xlsx", Lang::Ko, "퍼널"),
        ("shop-en.xlsx", Lang::En, "Funnel"),
    ] {
        let input = repo.join("sample-data").join(file);
        let before = fs::read(&input).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join(file);
        let o = dangol(&[
            "run",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--as-of",
            "2026-11-23",
        ]);
        assert_code(&o, 0);
        assert!(fs::read(&input).unwrap() == before, "{file} changed");
        let names = sheet_names(&out);
        let generated: Vec<&str> = GeneratedSheet::ALL
            .iter()
            .map(|g| g.name(lang))
            .filter(|n| names.iter().any(|s| s == n))
            .collect();
        // Every sheet but Data Issues (the samples have notes only: void rows counted, returns
        // netted, which are no data problems), with Customer Value (SPEC §11), and the group,
        // price and stock sheets (the samples carry groups, prices and stock), and Cart
        // Recovery (the samples carry a carts export, SPEC §12), and the Sent Log (the samples
        // carry a week of flow history, SPEC §8).
        assert_eq!(generated.len(), 13, "{file}: {names:?}");
        let mut wb = open_workbook_auto(&out).unwrap();
        let f = wb.worksheet_range(funnel).unwrap();
        assert!(f.height() > 10, "{file}: funnel has {} rows", f.height());
        let pdf = dir.path().join("reports/weekly-2026-W47.pdf");
        assert!(fs::read(&pdf).unwrap().starts_with(b"%PDF-"), "{file}");
        assert!(
            stdout(&o).contains("weekly-2026-W47.pdf"),
            "{file}: {}",
            stdout(&o)
        );
        keep(&format!("sample_{file}"), &out);
    }
}

/// A run killed at any moment (`kill -9`, a power cut) leaves the workbook exactly as it was or
/// exactly as the finished run writes it — never a mix — and the next run neither finds a stale
/// lock nor leaves the dead run's temporary file behind.
#[test]
fn a_killed_run_leaves_the_old_or_the_new_workbook() {
    use std::time::Instant;

    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("shop.xlsx");
    let o = dangol(&[
        "sample",
        "--out",
        book.to_str().unwrap(),
        "--rows",
        "20000",
        "--customers",
        "1000",
    ]);
    assert_code(&o, 0);
    let old = fs::read(&book).unwrap();
    let args = |p: &Path| {
        vec![
            "run".to_string(),
            p.to_str().unwrap().to_string(),
            "--as-of".into(),
            "2026-11-23".into(),
            "--no-report".into(),
            "--quiet".into(),
        ]
    };
    // The finished result, and how long a whole run takes.
    let started = Instant::now();
    let status = crate::support::command()
        .args(args(&book))
        .status()
        .unwrap();
    assert!(status.success());
    let full = started.elapsed();
    let new = fs::read(&book).unwrap();
    assert!(new != old);

    // Most of a run is reading; the write comes at the end, so kill mostly late.
    let mut outcomes = (0, 0);
    for permille in [300u32, 600, 800, 900, 940, 970, 985, 995] {
        fs::write(&book, &old).unwrap();
        let mut child = crate::support::command().args(args(&book)).spawn().unwrap();
        std::thread::sleep(full * permille / 1000);
        let _ = child.kill();
        let _ = child.wait();
        let now = fs::read(&book).unwrap();
        if now == old {
            outcomes.0 += 1;
        } else {
            assert!(
                now == new,
                "killed at {permille}‰ of a run: the workbook is a mix"
            );
            outcomes.1 += 1;
        }
    }
    let temps = fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    eprintln!(
        "killed runs: {} left the old file, {} the new one; {temps} temporary file(s) left behind",
        outcomes.0, outcomes.1
    );

    // The next run is not locked out and cleans up after the dead ones (a run killed while
    // writing leaves its temporary file: one is planted here, as the kills above rarely land
    // in the short write).
    fs::write(&book, &old).unwrap();
    fs::write(dir.path().join(".~shop.xlsx.dangol-Ab12Cd.tmp"), b"PK half").unwrap();
    fs::write(dir.path().join("notes.tmp"), b"the owner's").unwrap();
    let o = crate::support::command()
        .args(args(&book))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(fs::read(&book).unwrap() == new);
    let leftovers: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "tmp"))
        .collect();
    assert_eq!(leftovers, ["notes.tmp"]);
}

/// What `dangol run` wrote into the workbook is the analysis: every generated sheet's first
/// table, read back with calamine, has the analysis table's headers and, row by row, its
/// texts, counts, dates and money.
#[test]
fn generated_sheets_read_back_equal_the_analysis_tables() {
    use calamine::DataType;
    use dangol::render::table::Cell;
    use rust_decimal::prelude::ToPrimitive;

    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/shop-en.xlsx");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shop-en.xlsx");
    let o = dangol(&[
        "run",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "2026-11-23",
        "--no-report",
    ]);
    assert_code(&o, 0);
    let loaded = dangol::ingest::load(&input, &dangol::ingest::ReadOptions::default()).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let analyses = dangol::pipeline::analyse(&loaded, as_of).unwrap();
    let mut wb = open_workbook_auto(&out).unwrap();
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    };
    let mut tables = 0;
    for content in analyses.sheets() {
        let name = content.sheet.name(Lang::En);
        let range = wb.worksheet_range(name).unwrap();
        let height = range.end().map_or(0, |e| e.0 + 1);
        // Tables sit one under the other: each one's header is searched below the last.
        let mut from = 0;
        for (t, table) in content.tables.iter().enumerate() {
            let width = table.columns.len() as u32;
            let header = (from..height)
                .find(|&r| {
                    (0..width).all(|c| {
                        range.get_value((r, c)).map(text).as_deref()
                            == Some(table.columns[c as usize].as_str())
                    })
                })
                .unwrap_or_else(|| {
                    panic!(
                        "{name}: table {t} ({:?}): no header row {:?}",
                        table.title, table.columns
                    )
                });
            for (i, want) in table.rows.iter().enumerate() {
                let r = header + 1 + i as u32;
                for (c, cell) in want.iter().enumerate() {
                    let got = range
                        .get_value((r, c as u32))
                        .cloned()
                        .unwrap_or(Data::Empty);
                    let number = |d: rust_decimal::Decimal| Data::Float(d.to_f64().unwrap());
                    let ok = match cell {
                        Cell::Empty => got == Data::Empty,
                        Cell::Text(s) => got == Data::String(s.clone()),
                        Cell::Int(n) => got == Data::Float(*n as f64),
                        Cell::Money(d) | Cell::Number(d) => got == number(*d),
                        Cell::Percent(p) => got == number(*p / rust_decimal::Decimal::ONE_HUNDRED),
                        Cell::Date(d) => {
                            matches!(got, Data::DateTime(_)) && got.as_date() == Some(*d)
                        }
                        Cell::Bool(b) => got == Data::Bool(*b),
                    };
                    assert!(ok, "{name}!row {} col {c}: {got:?} != {cell:?}", r + 1);
                }
            }
            from = header + 1 + table.rows.len() as u32;
            tables += 1;
        }
    }
    // Every sheet's every table was found and compared (the sample has more than one sheet
    // with several tables).
    assert!(tables > analyses.sheets().len(), "{tables} tables");
}
