//! `run` on a workbook written through the staged file: the phase report of `DANGOL_TIMINGS`,
//! and a merge streamed into the temporary file beside the workbook that gives the same bytes,
//! tells an unchanged run and leaves no temporary file behind.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{command, dangol, stderr, tmp};

fn assert_code(o: &std::process::Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        stderr(o)
    );
}

/// A sample shop workbook in `dir`.
fn shop(dir: &Path, name: &str) -> PathBuf {
    let book = dir.join(name);
    let o = dangol(&[
        "sample",
        "--out",
        book.to_str().expect("path"),
        "--rows",
        "3000",
        "--customers",
        "200",
    ]);
    assert_code(&o, 0);
    book
}

fn run(book: &Path, timings: Option<&str>, extra: &[&str]) -> std::process::Output {
    let mut c = command();
    c.args(["run", book.to_str().expect("path"), "--as-of", "2026-11-23"])
        .args(["--no-report", "--quiet"])
        .args(extra);
    if let Some(v) = timings {
        c.env("DANGOL_TIMINGS", v);
    }
    c.output().expect("run")
}

fn temp_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "tmp"))
        .collect();
    v.sort();
    v
}

#[test]
fn timings_name_every_phase_in_order_and_change_nothing_else() {
    let d = tmp();
    let a = shop(d.path(), "a.xlsx");
    let b = d.path().join("b.xlsx");
    fs::copy(&a, &b).expect("copy");

    let quiet = run(&a, None, &[]);
    assert_code(&quiet, 0);
    assert_eq!(stderr(&quiet), "");
    // `0` is off too.
    let off = run(
        &b,
        Some("0"),
        &["--out", d.path().join("off.xlsx").to_str().unwrap()],
    );
    assert_code(&off, 0);
    assert_eq!(stderr(&off), "");

    let timed = run(&b, Some("1"), &[]);
    assert_code(&timed, 0);
    let err = stderr(&timed);
    let phases: Vec<&str> = err
        .lines()
        .map(|l| {
            let rest = l
                .strip_prefix("dangol: timing: ")
                .unwrap_or_else(|| panic!("not a timing line: {l:?}"));
            assert!(
                rest.contains(" s wall ")
                    && rest.contains(" s cpu  rss ")
                    && rest.ends_with(" MiB"),
                "{l:?}"
            );
            rest.split_whitespace().next().expect("phase")
        })
        .collect();
    assert_eq!(
        phases,
        [
            "lock",
            "read",
            "a:customers",
            "a:funnel+rem",
            "a:groups+st",
            "a:weekly",
            "v:histories",
            "v:fits",
            "v:rows",
            "a:value",
            "analyse",
            "contents",
            "sheets",
            "merge",
            "compare",
            "stage",
            "replace",
            "report"
        ]
    );
    // The same workbook with and without the report.
    assert!(fs::read(&a).expect("a") == fs::read(&b).expect("b"));
    assert!(fs::read(&a).expect("a") == fs::read(d.path().join("off.xlsx")).expect("off"));
}

#[test]
fn the_staged_merge_tells_an_unchanged_run_and_leaves_no_temporary_file() {
    let d = tmp();
    let book = shop(d.path(), "shop.xlsx");
    let original = fs::read(&book).expect("original");
    let o = run(&book, None, &["--format", "json"]);
    assert_code(&o, 0);
    let first: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(first["unchanged"], false);
    assert!(first["backup"].is_string(), "{first}");
    let written = fs::read(&book).expect("written");

    // Again on the same day: the staged file equals the workbook, so nothing is replaced.
    let o = run(&book, Some("1"), &["--format", "json"]);
    assert_code(&o, 0);
    let again: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(again["unchanged"], true);
    assert_eq!(again["backup"], serde_json::Value::Null);
    assert!(fs::read(&book).expect("again") == written);
    // Unchanged: no stage, backup or rename.
    let err = stderr(&o);
    assert!(err.contains("dangol: timing: merge "), "{err}");
    assert!(!err.contains("dangol: timing: stage "), "{err}");
    assert_eq!(
        fs::read_dir(d.path().join(".dangol-backups"))
            .expect("backups")
            .count(),
        1
    );
    assert_eq!(temp_files(d.path()), Vec::<String>::new());

    // Written to another file, the result is the same bytes.
    let out = d.path().join("copy.xlsx");
    // From the workbook as it was before the first run.
    fs::write(&book, &original).expect("restore");
    let o = run(&book, None, &["--out", out.to_str().expect("path")]);
    assert_code(&o, 0);
    assert!(fs::read(&out).expect("out") == written);
    assert_eq!(temp_files(d.path()), Vec::<String>::new());
}

/// Unmounts the small file system when the test ends, however it ends.
#[cfg(target_os = "linux")]
struct Mounted(PathBuf);

#[cfg(target_os = "linux")]
impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// A workbook that is already up to date on a disk with no room for a new version: the run
/// says so and succeeds, as it did when the merge was made in memory; once the workbook needs
/// a new version, the full disk is the error.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_still_tells_an_up_to_date_workbook() {
    let d = tmp();
    let book = shop(d.path(), "shop.xlsx");
    let original = fs::read(&book).expect("original");
    assert_code(&run(&book, None, &[]), 0);
    let current = fs::read(&book).expect("current");

    let mnt = d.path().join("small");
    fs::create_dir(&mnt).expect("mkdir");
    let size = format!("size={}k", current.len().div_ceil(1024) + 256);
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &size, "tmpfs"])
        .arg(&mnt)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    }
    let _guard = Mounted(mnt.clone());
    let wb = mnt.join("shop.xlsx");
    fs::write(&wb, &current).expect("copy");
    // Fill the disk, leaving a few blocks for the lock file.
    {
        use std::io::Write;
        let mut f = fs::File::create(mnt.join("filler")).expect("filler");
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
        let len = f.metadata().expect("meta").len();
        f.set_len(len.saturating_sub(16 * 1024)).expect("truncate");
    }
    let o = run(&wb, None, &["--format", "json"]);
    assert_code(&o, 0);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(j["unchanged"], true);
    assert!(fs::read(&wb).expect("wb") == current);
    assert_eq!(temp_files(&mnt), Vec::<String>::new());

    // The workbook as it was before its first run needs a new version: no room for it.
    fs::write(&wb, &original).expect("restore");
    let o = run(&wb, None, &[]);
    assert_code(&o, 1);
    assert_eq!(
        stderr(&o),
        format!(
            // The sample shop is Korean: so is the message.
            "dangol: 오류: {}에 쓸 수 없습니다. 바뀐 것은 없습니다: 디스크가 가득 찼습니다\n",
            wb.display()
        )
    );
    assert!(fs::read(&wb).expect("wb") == original);
    assert_eq!(temp_files(&mnt), Vec::<String>::new());
}
