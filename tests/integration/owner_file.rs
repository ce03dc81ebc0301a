//! The owner's workbook file stays the owner's when `dangol run` replaces it (SPEC §1 promises
//! 1, 2 and 5): owner, group, mode, symbolic links, extended attributes, the hard-link rule, a
//! save that lands during a run, a full disk, chart sheets, names that are long or not UTF-8,
//! the lock file, and runs killed at random moments. Every case runs the real binary in a
//! temporary directory.

use std::fs;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use super::support::{stderr, stdout, tmp};

// A week after the fixture's newest sale (2025-04-02), so no run here looks stale; every run
// names its currency, as an owner who set it would, so no "KRW assumed" warning either.
const AS_OF: &str = "2025-04-09";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/writeback")
        .join(name)
}

/// A copy of the write-back fixture (a small shop with sales) as `dir/name`, writable.
fn shop_in(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    fs::copy(fixture("openpyxl_features.xlsx"), &p).expect("copy fixture");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).expect("chmod");
    p
}

fn bin() -> PathBuf {
    crate::support::bin()
}

fn dangol_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = crate::support::command();
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run dangol")
}

fn run(path: &Path, extra: &[&str]) -> Output {
    run_os(path.as_os_str(), extra)
}

fn run_os(path: &std::ffi::OsStr, extra: &[&str]) -> Output {
    let mut c = crate::support::command();
    c.arg("run")
        .arg(path)
        .args(["--as-of", AS_OF, "--no-report", "--set", "currency=KRW"])
        .args(extra);
    c.output().expect("run dangol")
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
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    listing(&dir.join(".dangol-backups"))
        .into_iter()
        .map(|n| dir.join(".dangol-backups").join(n))
        .collect()
}

/// Whether this process may give files away (root): the owner tests need it.
fn is_root() -> bool {
    let d = tmp();
    let p = d.path().join("probe");
    fs::write(&p, "").expect("probe");
    fs::metadata(&p).expect("meta").uid() == 0
}

fn zip_part(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut e = z.by_name(name).ok()?;
    let mut v = Vec::new();
    e.read_to_end(&mut v).expect("read part");
    Some(v)
}

fn sheet_names(bytes: &[u8]) -> Vec<String> {
    use calamine::Reader;
    calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
        .expect("xlsx")
        .sheet_names()
}

#[test]
fn a_replaced_workbook_keeps_its_owner_group_and_mode_and_so_does_its_backup() {
    if !is_root() {
        eprintln!("skipped: giving a file to another account needs root");
        return;
    }
    for (uid, gid, mode) in [(1000, 1002, 0o660), (1000, 1000, 0o640)] {
        let d = tmp();
        let wb = shop_in(d.path(), "Shop.xlsx");
        std::os::unix::fs::chown(&wb, Some(uid), Some(gid)).expect("chown");
        fs::set_permissions(&wb, fs::Permissions::from_mode(mode)).expect("chmod");
        let before = fs::read(&wb).expect("read");
        let o = run(&wb, &["--quiet"]);
        assert_code(&o, 0);
        assert_eq!(stderr(&o), "");
        assert!(
            fs::read(&wb).expect("read") != before,
            "the workbook was not updated"
        );
        let m = fs::metadata(&wb).expect("meta");
        assert_eq!(
            (m.uid(), m.gid(), m.mode() & 0o7777),
            (uid, gid, mode),
            "the workbook"
        );
        let b = backups(d.path());
        assert_eq!(b.len(), 1, "{b:?}");
        assert!(fs::read(&b[0]).expect("backup") == before);
        let m = fs::metadata(&b[0]).expect("meta");
        assert_eq!(
            (m.uid(), m.gid(), m.mode() & 0o7777),
            (uid, gid, mode),
            "the backup"
        );
    }
}

/// `dangol` run as another account (uid and gid 1001, no extra groups) with `setpriv`, when
/// this process is root and `setpriv` is there.
fn as_other_account() -> Option<Command> {
    if !is_root() {
        eprintln!("skipped: running as another account needs root");
        return None;
    }
    let probe = Command::new("setpriv")
        .args(["--reuid=1001", "--regid=1001", "--clear-groups", "true"])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: setpriv is not available");
        return None;
    }
    let mut c = Command::new("setpriv");
    crate::support::hermetic(&mut c);
    c.args(["--reuid=1001", "--regid=1001", "--clear-groups"])
        .arg(bin());
    Some(c)
}

#[test]
fn an_owner_that_cannot_be_kept_is_said_in_a_warning() {
    let Some(mut dangol) = as_other_account() else {
        return;
    };
    let d = tmp();
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o777)).expect("chmod");
    let wb = shop_in(d.path(), "Shop.xlsx");
    std::os::unix::fs::chown(&wb, Some(1000), Some(1002)).expect("chown");
    fs::set_permissions(&wb, fs::Permissions::from_mode(0o666)).expect("chmod");
    let o = dangol
        .arg("run")
        .arg(&wb)
        .args(["--as-of", AS_OF, "--no-report", "--set", "currency=KRW"])
        .output()
        .expect("run");
    assert_code(&o, 0);
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: warning: {}: the new version belongs to 1001:1001, not 1000:1002 like the \
             old one (only root can give a file to another account: Operation not permitted (os \
             error 1))\n",
            wb.display()
        )
    );
    let m = fs::metadata(&wb).expect("meta");
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o7777), (1001, 1001, 0o666));
}

#[test]
fn remind_apply_in_a_folder_it_cannot_write_says_what_was_not_changed() {
    use super::support::V::{D, S};
    let Some(mut dangol) = as_other_account() else {
        return;
    };
    let d = tmp();
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
    let wb = d.path().join("quotes.xlsx");
    super::support::xlsx(
        &wb,
        &[(
            "Quotes",
            vec![
                vec![S("Quote ID"), S("Customer"), S("Email"), S("Sent")],
                vec![S("Q1"), S("Kim"), S("kim@ex.com"), D(2025, 4, 1, 0, 0)],
            ],
        )],
    );
    fs::set_permissions(&wb, fs::Permissions::from_mode(0o666)).expect("chmod");
    let before = fs::read(&wb).expect("read");
    let o = dangol
        .arg("remind")
        .arg(&wb)
        .args(["--as-of", "2025-04-15", "--apply"])
        .output()
        .expect("remind");
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        format!(
            "dangol: error: cannot update {}; no quote was marked as reminded and the workbook \
             was not changed: dangol cannot create files in {} (its lock file and the new \
             version of the workbook go beside the workbook): Permission denied (os error 13)\n",
            wb.display(),
            d.path().display()
        )
    );
    assert!(fs::read(&wb).expect("read") == before);
    assert_eq!(listing(d.path()), ["quotes.xlsx"]);
}

#[test]
fn a_symlinked_workbook_is_written_through_the_link() {
    let d = tmp();
    fs::create_dir(d.path().join("real")).expect("mkdir");
    fs::create_dir(d.path().join("desk")).expect("mkdir");
    let wb = shop_in(&d.path().join("real"), "Shop.xlsx");
    let before = fs::read(&wb).expect("read");
    let link = d.path().join("desk/Shop.xlsx");
    std::os::unix::fs::symlink("../real/Shop.xlsx", &link).expect("symlink");

    let o = run(&link, &["--quiet"]);
    assert_code(&o, 0);
    // The link is still a link to the same target, and the target has the new version.
    assert!(
        fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_link(&link).expect("readlink"),
        Path::new("../real/Shop.xlsx")
    );
    let after = fs::read(&wb).expect("read");
    assert!(after != before, "the link's target was not updated");
    assert!(sheet_names(&after).contains(&"고객분석".to_string()));
    // Temporary files, lock and backup live beside the target; nothing is left beside the
    // link.
    assert_eq!(listing(&d.path().join("desk")), ["Shop.xlsx"]);
    assert_eq!(
        listing(&d.path().join("real")),
        [".dangol-backups", "Shop.xlsx"]
    );
    let b = backups(&d.path().join("real"));
    assert_eq!(b.len(), 1);
    assert!(fs::read(&b[0]).expect("backup") == before);
}

/// Sets a `user.*` extended attribute with `setfattr` (Debian's `attr`) when present, else
/// through the system call; `false` when the file system has none.
fn set_xattr(path: &Path, name: &str, value: &str) -> bool {
    if let Ok(s) = Command::new("setfattr")
        .args(["-n", name, "-v", value])
        .arg(path)
        .status()
    {
        return s.success();
    }
    rustix::fs::setxattr(
        path,
        name,
        value.as_bytes(),
        rustix::fs::XattrFlags::empty(),
    )
    .is_ok()
}

fn get_xattr(path: &Path, name: &str) -> Option<String> {
    let mut buf = vec![0u8; 4096];
    let n = rustix::fs::getxattr(path, name, &mut buf[..]).ok()?;
    Some(String::from_utf8_lossy(&buf[..n]).into_owned())
}

#[test]
fn extended_attributes_are_kept() {
    let d = tmp();
    let wb = shop_in(d.path(), "Shop.xlsx");
    if !set_xattr(&wb, "user.sync.id", "A1B2-c3") {
        eprintln!(
            "skipped: {} has no user extended attributes",
            d.path().display()
        );
        return;
    }
    assert!(set_xattr(&wb, "user.owner.note", "월말 정산"));
    let o = run(&wb, &["--quiet"]);
    assert_code(&o, 0);
    assert_eq!(get_xattr(&wb, "user.sync.id").as_deref(), Some("A1B2-c3"));
    assert_eq!(
        get_xattr(&wb, "user.owner.note").as_deref(),
        Some("월말 정산")
    );
}

#[test]
fn a_workbook_with_other_hard_links_is_refused_unless_forced() {
    let d = tmp();
    let wb = shop_in(d.path(), "Shop.xlsx");
    let other = d.path().join("Shop (shared).xlsx");
    fs::hard_link(&wb, &other).expect("hard link");
    let before = fs::read(&wb).expect("read");

    let o = run(&wb, &[]);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        format!(
            // A Korean workbook: the message is Korean (SPEC promise 6).
            "dangol: 오류: {}에는 다른 이름 1개(하드 링크)가 있습니다. 바꾸면 다른 이름은 예전 \
             버전으로 남으므로 dangol은 바꾸지 않았습니다. --out FILE로 다른 파일에 쓰거나, 이 \
             이름만 바꾸려면 --force를 쓰세요\n",
            wb.display()
        )
    );
    assert_eq!(stdout(&o), "");
    assert!(fs::read(&wb).expect("read") == before);
    assert_eq!(listing(d.path()), ["Shop (shared).xlsx", "Shop.xlsx"]);
    assert_eq!(fs::metadata(&wb).expect("meta").nlink(), 2);

    let o = run(&wb, &["--force"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains(&format!(
            "dangol: warning: {}: its 1 other name (hard links) keep the old version (--force)\n",
            wb.display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(fs::read(&other).expect("read") == before);
    assert!(fs::read(&wb).expect("read") != before);
}

/// An owner's Excel-style save (a new file renamed over the workbook) that lands while a run
/// is writing is kept: the run exits 3, names the file, and leaves the owner's version, no
/// temporary file, no new backup and no lock file.
#[test]
fn an_owners_save_during_a_run_is_kept_and_the_run_exits_3() {
    let d = tmp();
    let wb = shop_in(d.path(), "Shop.xlsx");
    // The owner's version: another valid workbook.
    let owners = fs::read(fixture("libreoffice_features.xlsx")).expect("fixture");
    let dir = d.path().to_path_buf();
    let saver = {
        let wb = wb.clone();
        let owners = owners.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(60) {
                let staged = listing(&dir).iter().any(|n| {
                    n.starts_with(".~Shop.xlsx.dangol-")
                        && Path::new(n).extension().is_some_and(|e| e == "tmp")
                });
                if staged {
                    let tmp = dir.join("~WRL0001.tmp");
                    fs::write(&tmp, &owners).expect("owner's save");
                    fs::rename(&tmp, &wb).expect("owner's rename");
                    return true;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            false
        })
    };
    let o = dangol_env(
        &[
            "run",
            wb.to_str().expect("utf-8"),
            "--as-of",
            AS_OF,
            "--no-report",
            "--set",
            "currency=KRW",
        ],
        &[(dangol::writeback::TEST_PAUSE_ENV, "1500")],
    );
    assert!(
        saver.join().expect("saver"),
        "dangol's temporary file never appeared"
    );
    assert_code(&o, 3);
    assert_eq!(
        stderr(&o),
        format!(
            // A Korean workbook: the message is Korean (SPEC promise 6).
            "dangol: 오류: dangol이 작업하는 동안 다른 사람이 {}를 바꿨습니다 (Excel에서 저장?). \
             dangol은 파일을 바꾸지 않았으므로 그 변경은 그대로 있습니다. 다시 실행하면 갱신됩니다\n",
            wb.display()
        )
    );
    assert!(
        fs::read(&wb).expect("read") == owners,
        "the owner's save was lost"
    );
    assert_eq!(listing(d.path()), ["Shop.xlsx"]);

    // The next run picks the owner's version up.
    let o = run(&wb, &["--quiet"]);
    assert_code(&o, 0);
    let b = backups(d.path());
    assert_eq!(b.len(), 1);
    assert!(fs::read(&b[0]).expect("backup") == owners);
}

#[test]
fn an_owner_sheet_in_the_dangol_xlsx_of_a_csv_is_refused_not_dropped() {
    let d = tmp();
    let csv = d.path().join("orders.csv");
    fs::write(
        &csv,
        "주문일자,고객명,금액\n2025-04-01,김민지,48000\n2025-04-05,박서준,15000\n",
    )
    .expect("csv");
    let o = run(&csv, &["--quiet"]);
    assert_code(&o, 0);
    let out = d.path().join("orders.dangol.xlsx");
    let names = sheet_names(&fs::read(&out).expect("read"));
    assert_eq!(names[0], "orders");

    // The owner adds a sheet of their own to the file and saves it.
    // Excel keeps the custom property in which dangol records its sheets.
    let custom = String::from_utf8(
        zip_part(&fs::read(&out).expect("read"), "docProps/custom.xml").expect("custom.xml"),
    )
    .expect("utf-8");
    let generated = custom
        .split("<vt:lpwstr>")
        .nth(1)
        .and_then(|v| v.split("</vt:lpwstr>").next())
        .expect("dangol.generated")
        .replace("&quot;", "\"");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_custom_property(dangol::writeback::GENERATED_PROPERTY, generated.as_str()),
    );
    for n in names.iter().map(String::as_str).chain(["메모"]) {
        wb.add_worksheet().set_name(n).expect("name");
    }
    wb.save(&out).expect("save");
    let theirs = fs::read(&out).expect("read");

    let o = run(&csv, &[]);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        format!(
            // A Korean workbook: the message is Korean (SPEC promise 6).
            "dangol: 오류: {}: dangol은 실행할 때마다 이 파일을 {}에서 다시 만들기 때문에, 거기서 \
             오지 않은 시트 \"메모\"를 잃게 됩니다. 바뀐 것은 없습니다. 그 시트를 따로 통합문서로 \
             옮기거나 {}를 .xlsx로 저장해 그 파일로 dangol을 실행하세요\n",
            out.display(),
            csv.display(),
            csv.display()
        )
    );
    assert!(fs::read(&out).expect("read") == theirs);
}

/// Unmounts the small file system when the test ends, however it ends.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_the_workbook_no_new_backup_and_a_true_message() {
    let d = tmp();
    let mnt = d.path().join("small");
    fs::create_dir(&mnt).expect("mkdir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(&mnt)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    }
    let _guard = Mounted(mnt.clone());
    let wb = shop_in(&mnt, "Shop.xlsx");
    let before = fs::read(&wb).expect("read");
    // Fill the disk, then free a little more than the workbook: an old-style backup copy would
    // fit, the new version (the workbook plus dangol's sheets) does not.
    let filler = mnt.join("filler");
    {
        use std::io::Write;
        let mut f = fs::File::create(&filler).expect("filler");
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
        let len = f.metadata().expect("meta").len();
        let free = (before.len() as u64).div_ceil(4096) * 4096 + 4096;
        f.set_len(len.saturating_sub(free)).expect("truncate");
    }
    let o = run(&wb, &[]);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        format!(
            // A Korean workbook: the message is Korean (SPEC promise 6), the disk's state in
            // the owner's words.
            "dangol: 오류: {}에 쓸 수 없습니다. 바뀐 것은 없습니다: 디스크가 가득 찼습니다\n",
            wb.display()
        )
    );
    assert!(fs::read(&wb).expect("read") == before);
    assert_eq!(listing(&mnt), ["Shop.xlsx", "filler"]);

    // With room, the backup is a hard link: it costs no space.
    fs::remove_file(&filler).expect("rm");
    let o = run(&wb, &["--quiet"]);
    assert_code(&o, 0);
    let b = backups(&mnt);
    assert_eq!(b.len(), 1);
    assert!(fs::read(&b[0]).expect("backup") == before);
}

/// A shop workbook whose second sheet is a chart sheet (a chart of the sales, no cells).
fn shop_with_chart_sheet(path: &Path) {
    use rust_xlsxwriter::{Chart, ChartType, ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("판매").expect("name");
    for (c, h) in ["주문일자", "고객명", "금액"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("write");
    }
    for (r, (day, who, amount)) in [(1, "김민지", 48000.0), (9, "박서준", 15000.0)]
        .iter()
        .enumerate()
    {
        let r = r as u32 + 1;
        let dt = ExcelDateTime::from_ymd(2025, 4, *day).expect("date");
        ws.write_datetime_with_format(r, 0, &dt, &date)
            .expect("write");
        ws.write_string(r, 1, *who).expect("write");
        ws.write_number(r, 2, *amount).expect("write");
    }
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_categories(("판매", 1, 1, 2, 1))
        .set_values(("판매", 1, 2, 2, 2));
    let cs = wb.add_chartsheet();
    cs.set_name("매출차트").expect("name");
    cs.insert_chart(0, 0, &chart).expect("chart");
    wb.save(path).expect("save");
}

#[test]
fn a_chart_sheet_is_carried_over_untouched() {
    let d = tmp();
    let wb = d.path().join("Shop.xlsx");
    shop_with_chart_sheet(&wb);
    let before = fs::read(&wb).expect("read");
    let chart_part = zip_part(&before, "xl/chartsheets/sheet1.xml").expect("a chart sheet");

    let o = run(&wb, &["--quiet"]);
    assert_code(&o, 0);
    assert_eq!(stderr(&o), "");
    let after = fs::read(&wb).expect("read");
    let names = sheet_names(&after);
    assert_eq!(&names[..2], ["판매", "매출차트"]);
    assert!(names.contains(&"고객분석".to_string()), "{names:?}");
    assert_eq!(
        zip_part(&after, "xl/chartsheets/sheet1.xml").expect("kept"),
        chart_part
    );
    for part in ["xl/charts/chart1.xml", "xl/drawings/drawing1.xml"] {
        assert_eq!(zip_part(&after, part), zip_part(&before, part), "{part}");
    }
    // `check` reads it too.
    let o = crate::support::command()
        .args([
            "check",
            wb.to_str().expect("utf-8"),
            "--as-of",
            AS_OF,
            "--set",
            "currency=KRW",
        ])
        .output()
        .expect("check");
    assert_code(&o, 0);
}

/// Every workbook of the corpus with a chart sheet (22 files): `check` reads it (none is
/// refused as damaged), and dangol's sheets merge into it with every chart sheet part
/// unchanged.
#[test]
fn corpus_workbooks_with_chart_sheets_are_read_and_take_dangols_sheets() {
    let Some(dir) = super::support::shared("xlsx-corpus") else {
        panic!("../shared/data/xlsx-corpus is missing: this test needs the real corpus");
    };
    let d = tmp();
    let gen_path = d.path().join("gen.xlsx");
    let mut gen_book = rust_xlsxwriter::Workbook::new();
    gen_book
        .add_worksheet()
        .set_name("고객분석")
        .expect("name")
        .write_string(0, 0, "dangol")
        .expect("write");
    gen_book.save(&gen_path).expect("save");
    let generated = fs::read(&gen_path).expect("read");
    let mut seen = Vec::new();
    for name in listing(&dir) {
        let path = dir.join(&name);
        let is_book = Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"));
        if !is_book {
            continue;
        }
        let orig = fs::read(&path).expect("read");
        let Ok(mut z) = zip::ZipArchive::new(std::io::Cursor::new(&orig)) else {
            continue;
        };
        let charts: Vec<String> = (0..z.len())
            .filter_map(|i| {
                z.by_index_raw(i)
                    .ok()
                    .and_then(|e| e.name().ok().map(|n| n.to_string()))
            })
            .filter(|n| {
                n.starts_with("xl/chartsheets/sheet")
                    && Path::new(n).extension().is_some_and(|e| e == "xml")
            })
            .collect();
        if charts.is_empty() {
            continue;
        }
        if name.contains("BlankSheetTypes") {
            // Also holds an Excel 4 macro sheet, which the reader refuses on its own.
            continue;
        }
        let o = crate::support::command()
            .args([
                "check",
                path.to_str().expect("utf-8"),
                "--as-of",
                AS_OF,
                "--set",
                "currency=KRW",
            ])
            .output()
            .expect("check");
        assert!(
            !stderr(&o).contains("Expecting a worksheet") && !stderr(&o).contains("damaged"),
            "{name}: {}",
            stderr(&o)
        );
        let merged = dangol::writeback::merge_generated(
            &path,
            &generated,
            &dangol::writeback::MergeOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        for part in &charts {
            assert_eq!(
                zip_part(&merged, part),
                zip_part(&orig, part),
                "{name}: {part}"
            );
        }
        let names = sheet_names(&merged);
        assert_eq!(names.last().map(String::as_str), Some("고객분석"), "{name}");
        seen.push(name);
    }
    assert_eq!(seen.len(), 22, "{seen:?}");
}

#[test]
fn backups_of_names_that_are_not_utf8_never_share_a_name() {
    let d = tmp();
    let e9 = d.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9.xlsx"));
    let e8 = d.path().join(std::ffi::OsStr::from_bytes(b"caf\xe8.xlsx"));
    for p in [&e9, &e8] {
        fs::copy(fixture("openpyxl_features.xlsx"), p).expect("copy");
        fs::set_permissions(p, fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let e8_before = fs::read(&e8).expect("read");
    let o = run(&e8, &["--quiet", "--set", "backups=1"]);
    assert_code(&o, 0);
    let e8_backup = backups(d.path());
    assert_eq!(e8_backup.len(), 1);
    // Two runs of the other workbook, keeping one backup: its rotation must not touch e8's.
    for day in ["2025-04-16", "2025-04-17"] {
        let o = crate::support::command()
            .arg("run")
            .arg(&e9)
            .args([
                "--as-of",
                day,
                "--no-report",
                "--quiet",
                "--set",
                "backups=1",
            ])
            .output()
            .expect("run");
        assert_code(&o, 0);
    }
    let all = backups(d.path());
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.contains(&e8_backup[0]), "{all:?}");
    assert!(fs::read(&e8_backup[0]).expect("backup") == e8_before);
}

#[test]
fn a_workbook_without_a_styles_part_is_refused_before_it_is_read() {
    let d = tmp();
    let wb = d.path().join("Notes.xlsx");
    // No sales anywhere: read first, this workbook would fail with "no recognisable data".
    super::support::xlsx(&wb, &[("Notes", vec![vec![super::support::V::S("memo")]])]);
    super::support::patch_zip(&wb, "xl/_rels/workbook.xml.rels", |s| {
        let start = s.find("<Relationship Id=\"rId").expect("rel");
        let styles = s.find("styles.xml\"/>").expect("styles rel");
        let open = s[..styles].rfind("<Relationship").expect("open");
        assert!(open >= start);
        format!("{}{}", &s[..open], &s[styles + "styles.xml\"/>".len()..])
    });
    let before = fs::read(&wb).expect("read");
    let o = run(&wb, &[]);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        "dangol: error: xl/workbook.xml: the workbook has no styles part, which dangol needs to \
         add its sheets; nothing was changed. Open it in Excel or LibreOffice and save it once \
         (that adds one), then run again\n"
    );
    assert!(fs::read(&wb).expect("read") == before);
    assert_eq!(listing(d.path()), ["Notes.xlsx"]);
}

#[test]
fn a_workbook_with_a_245_byte_name_is_updated_in_place() {
    let d = tmp();
    let name = "가".repeat(80) + ".xlsx";
    assert_eq!(name.len(), 245);
    let wb = shop_in(d.path(), &name);
    let before = fs::read(&wb).expect("read");
    for day in ["2025-04-16", "2025-04-17"] {
        let o = crate::support::command()
            .arg("run")
            .arg(&wb)
            .args(["--as-of", day, "--no-report", "--quiet"])
            .output()
            .expect("run");
        assert_code(&o, 0);
    }
    assert!(fs::read(&wb).expect("read") != before);
    assert_eq!(listing(d.path()), [".dangol-backups", name.as_str()]);
    let b = backups(d.path());
    assert_eq!(b.len(), 2, "{b:?}");
    assert!(b.iter().any(|p| fs::read(p).expect("backup") == before));
    for p in &b {
        assert!(p.file_name().expect("name").len() <= 255);
    }
}

#[test]
fn no_lock_file_stays_beside_the_workbook() {
    let d = tmp();
    let wb = shop_in(d.path(), "Shop.xlsx");
    assert_code(&run(&wb, &["--quiet"]), 0);
    assert_eq!(listing(d.path()), [".dangol-backups", "Shop.xlsx"]);
    // A failed run (here: open in Excel) leaves none either.
    fs::write(d.path().join("~$Shop.xlsx"), "").expect("owner file");
    assert_code(&run(&wb, &["--quiet"]), 3);
    assert_eq!(
        listing(d.path()),
        [".dangol-backups", "Shop.xlsx", "~$Shop.xlsx"]
    );
    // Two runs at once: one wins, and neither leaves its lock file.
    fs::remove_file(d.path().join("~$Shop.xlsx")).expect("rm");
    let spawn = |day: &str| {
        crate::support::command()
            .arg("run")
            .arg(&wb)
            .args(["--as-of", day, "--no-report", "--quiet"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn")
    };
    let (mut a, mut b) = (spawn("2025-04-20"), spawn("2025-04-21"));
    let codes = [
        a.wait().expect("wait").code(),
        b.wait().expect("wait").code(),
    ];
    assert!(
        codes.iter().all(|c| matches!(c, Some(0 | 3))) && codes.contains(&Some(0)),
        "{codes:?}"
    );
    assert_eq!(listing(d.path()), [".dangol-backups", "Shop.xlsx"]);
}

/// A small deterministic generator for the kill points (no dependency, fixed seed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// `dangol run` killed with SIGKILL at random moments (fixed seed, 25 kills, seconds in
/// all): the workbook is byte-identical to the old or the new version every time, and the next
/// run cleans up every temporary file (beside the workbook and in `.dangol-backups/`) and its
/// lock file.
#[test]
fn runs_killed_at_random_moments_leave_the_old_or_the_new_workbook() {
    let d = tmp();
    let wb = shop_in(d.path(), "Shop.xlsx");
    let old = fs::read(&wb).expect("read");
    let args = [
        "--as-of",
        AS_OF,
        "--no-report",
        "--quiet",
        "--set",
        "currency=KRW",
    ];
    let started = Instant::now();
    let o = crate::support::command()
        .arg("run")
        .arg(&wb)
        .args(args)
        .output()
        .expect("run");
    assert_code(&o, 0);
    let full = started.elapsed();
    let new = fs::read(&wb).expect("read");
    assert!(new != old);

    let mut rng = Lcg(0x00da_9901);
    let mut outcomes = (0, 0);
    for _ in 0..25 {
        fs::write(&wb, &old).expect("reset");
        let mut child = crate::support::command()
            .arg("run")
            .arg(&wb)
            .args(args)
            .spawn()
            .expect("spawn");
        let at = full.mul_f64((rng.next() % 1200) as f64 / 1000.0);
        std::thread::sleep(at);
        let _ = child.kill();
        let _ = child.wait();
        let now = fs::read(&wb).expect("read");
        if now == old {
            outcomes.0 += 1;
        } else {
            assert!(
                now == new,
                "killed after {at:?}: the workbook is neither version"
            );
            outcomes.1 += 1;
        }
    }
    eprintln!(
        "killed runs: {} left the old workbook, {} the new one",
        outcomes.0, outcomes.1
    );
    // What a run killed mid-write leaves (planted: the kills rarely land in the short write).
    fs::write(&wb, &old).expect("reset");
    fs::write(d.path().join(".~Shop.xlsx.dangol-Ab12Cd.tmp"), b"PK half").expect("plant");
    fs::create_dir_all(d.path().join(".dangol-backups")).expect("mkdir");
    fs::write(
        d.path()
            .join(".dangol-backups/.~Shop.xlsx.dangol-Xy34Zw.tmp"),
        b"PK half",
    )
    .expect("plant");
    // The name earlier versions gave a backup's temporary copy.
    fs::write(
        d.path()
            .join(".dangol-backups/.~Shop.20250101T000000.xlsx.dangol-Q1w2E3.tmp"),
        b"PK half",
    )
    .expect("plant");
    fs::write(d.path().join(".~Shop.xlsx.dangol.lock"), b"").expect("plant");
    // A run killed between making its backup (a hard link) and the rename leaves the workbook
    // with a second name in `.dangol-backups/`: the next run is not refused for hard links.
    let linked = d.path().join(".dangol-backups/Shop.20200101T000000.xlsx");
    fs::hard_link(&wb, &linked).expect("plant");
    fs::write(d.path().join("notes.tmp"), b"the owner's").expect("owner's");
    let o = crate::support::command()
        .arg("run")
        .arg(&wb)
        .args(args)
        .output()
        .expect("run");
    assert_code(&o, 0);
    assert!(fs::read(&wb).expect("read") == new);
    assert_eq!(
        listing(d.path()),
        [".dangol-backups", "Shop.xlsx", "notes.tmp"]
    );
    let left: Vec<String> = listing(&d.path().join(".dangol-backups"))
        .into_iter()
        .filter(|n| !n.starts_with("Shop.2"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(!linked.exists());
}
