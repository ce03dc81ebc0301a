//! What every integration test module shares: the one way to run the real binary (with a
//! hermetic environment), the [`Test`] builder in the style of casey/just's, builders for test
//! workbooks, the shared real data (failing loudly when it is missing), and the raw-part checks
//! of an `.xlsx` package the write-back tests use.

#![allow(dead_code)] // each module uses a different subset

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// A cell to write into a test workbook.
#[derive(Debug, Clone)]
pub enum V {
    S(&'static str),
    T(String),
    N(f64),
    /// A real Excel date (date-formatted serial): y, m, d, h, min.
    D(u16, u8, u8, u8, u8),
    B,
}

/// A temp dir that lives as long as the test.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Write a workbook with the given sheets (rows of cells, starting at A1).
pub fn xlsx(path: &Path, sheets: &[(&str, Vec<Vec<V>>)]) {
    let mut wb = Workbook::new();
    let datefmt = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).expect("sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    V::S(s) => {
                        ws.write_string(r, c, *s).expect("write");
                    }
                    V::T(s) => {
                        ws.write_string(r, c, s).expect("write");
                    }
                    V::N(n) => {
                        ws.write_number(r, c, *n).expect("write");
                    }
                    V::D(y, m, d, h, mi) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d)
                            .expect("date")
                            .and_hms(u16::from(*h), *mi, 0)
                            .expect("time");
                        ws.write_datetime_with_format(r, c, &dt, &datefmt)
                            .expect("write");
                    }
                    V::B => {}
                }
            }
        }
    }
    wb.save(path).expect("save");
}

/// Rewrite one part of a zip package (e.g. to switch a workbook to the 1904 date system).
pub fn patch_zip(path: &Path, part: &str, f: impl Fn(String) -> String) {
    let bytes = std::fs::read(path).expect("read");
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut e = zin.by_index(i).expect("entry");
        let name = e.name().expect("entry name").to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).expect("read entry");
        if name == part {
            data = f(String::from_utf8(data).expect("utf8")).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&data).expect("write");
    }
    let cur = out.finish().expect("finish");
    std::fs::write(path, cur.into_inner()).expect("write back");
}

/// A path under the shared real data folder (`../shared/data`), if present. Prefer
/// [`shared_data`]: a test that quietly returns when its data is missing cannot fail.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = shared_root().join(rel);
    p.exists().then_some(p)
}

/// A path under the shared real data folder (`../shared/data`) that a test requires: panics,
/// naming the path, when it is missing. A data-dependent test never passes silently; one that
/// should not run by default is `#[ignore = "reads ../shared/data/…"]` and still calls this.
#[track_caller]
pub fn shared_data(rel: &str) -> PathBuf {
    let p = shared_root().join(rel);
    assert!(
        p.exists(),
        "{} is missing: this test needs the shared real data (see ../shared/data/SOURCES.md)",
        p.display()
    );
    p
}

fn shared_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

/// The real binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_dangol"))
}

/// Whether an inherited variable could change what a run does: every `DANGOL_*` (secrets,
/// notification settings, reader limits, test hooks), `NO_COLOR` and the locale.
fn leaks_in(key: &OsStr) -> bool {
    let k = key.to_string_lossy();
    k.starts_with("DANGOL_")
        || k.starts_with("LC_")
        || matches!(&*k, "NO_COLOR" | "LANG" | "LANGUAGE")
}

/// The hermetic environment, set in this one place for every run of the binary: the variables
/// of [`leaks_in`] removed and `LANG=C.UTF-8`. A test that needs one of them sets it after.
pub fn hermetic(cmd: &mut std::process::Command) -> &mut std::process::Command {
    for (k, _) in std::env::vars_os() {
        if leaks_in(&k) {
            cmd.env_remove(k);
        }
    }
    cmd.env("LANG", "C.UTF-8")
}

/// A `std::process::Command` for the real binary, [`hermetic`].
pub fn command() -> std::process::Command {
    let mut c = std::process::Command::new(bin());
    hermetic(&mut c);
    c
}

/// An `assert_cmd` command for the real binary, [`hermetic`].
pub fn cmd() -> assert_cmd::Command {
    assert_cmd::Command::from_std(command())
}

/// Run the real binary with `args` ([`hermetic`], in the test's working directory).
pub fn dangol(args: &[&str]) -> Output {
    cmd().args(args).output().expect("run")
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Load with default options through the library.
pub fn load(path: &Path) -> dangol::ingest::Loaded {
    dangol::ingest::load(path, &dangol::ingest::ReadOptions::default()).expect("load")
}

/// Load, expecting an error; returns its message.
pub fn load_err(path: &Path) -> String {
    match dangol::ingest::load(path, &dangol::ingest::ReadOptions::default()) {
        Ok(_) => panic!("expected an error loading {}", path.display()),
        Err(e) => e.to_string(),
    }
}

/// Problems as display strings.
pub fn problems(l: &dangol::ingest::Loaded) -> Vec<String> {
    l.data.problems.iter().map(ToString::to_string).collect()
}

pub fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().expect("decimal")
}

/// Parts a merge is allowed to rewrite; every other original part must be raw-identical.
pub const MERGE_EDITS: [&str; 6] = [
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "docProps/custom.xml",
];

/// One part of a package as stored: still compressed, with its CRC.
pub struct RawPart {
    pub name: String,
    pub crc: u32,
    pub raw: Vec<u8>,
}

/// Every part of the package in `bytes`, in order.
pub fn raw_parts(bytes: &[u8]) -> Vec<RawPart> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip package");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index_raw(i).expect("a part");
            let mut raw = Vec::new();
            f.read_to_end(&mut raw).expect("raw bytes");
            RawPart {
                name: f.name().expect("part name").to_string(),
                crc: f.crc32(),
                raw,
            }
        })
        .collect()
}

/// Every original part not in `allowed` is in the output with the same compressed bytes and
/// CRC, and the original parts keep their order.
pub fn assert_untouched(orig: &[u8], out: &[u8], allowed: &[&str]) {
    let before = raw_parts(orig);
    let after = raw_parts(out);
    let names: Vec<&str> = after.iter().map(|p| p.name.as_str()).collect();
    let mut last = 0;
    for p in &before {
        let Some(i) = names.iter().position(|n| *n == p.name) else {
            panic!("part {} was dropped", p.name);
        };
        assert!(i >= last, "part {} moved", p.name);
        last = i;
        if allowed.iter().any(|a| a.eq_ignore_ascii_case(&p.name)) {
            continue;
        }
        assert_eq!(after[i].crc, p.crc, "crc of {}", p.name);
        assert!(after[i].raw == p.raw, "raw bytes of {} differ", p.name);
    }
}

/// Keeps a written workbook under `target/lo-check/AREA/` for `scripts/lo-check.sh`.
pub fn keep_for_lo_check(area: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("lo-check")
        .join(area);
    std::fs::create_dir_all(&dir).expect("lo-check dir");
    std::fs::write(dir.join(name), bytes).expect("keep for lo-check");
}

/// One run of the real binary described as data, in the style of casey/just's `Test`: the
/// inputs are built inline in a fresh temp dir (the run's working directory, so arguments name
/// them relatively), the environment is [`hermetic`] plus what the test adds, and the run's
/// exit code, stdout, stderr and the files it wrote are compared exactly. Stdout and stderr are
/// expected empty and the exit code 0 unless the test says otherwise.
///
/// ```ignore
/// Test::new()
///     .workbook("shop.xlsx", &[("Sales", rows)])
///     .args(&["check", "shop.xlsx", "--quiet"])
///     .stderr("dangol: …\n")
///     .status(1)
///     .run();
/// ```
#[must_use]
pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdout: Option<String>,
    stderr: Option<String>,
    status: i32,
    files: BTreeMap<PathBuf, Vec<u8>>,
    absent: Vec<PathBuf>,
    unchanged: Vec<PathBuf>,
}

/// A finished [`Test`]: its temp dir (still alive) and the raw output.
pub struct Ran {
    pub dir: tempfile::TempDir,
    pub output: Output,
}

impl Ran {
    /// A path inside the test's directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The bytes of a file the run left in the test's directory.
    #[track_caller]
    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn stdout(&self) -> String {
        stdout(&self.output)
    }

    pub fn stderr(&self) -> String {
        stderr(&self.output)
    }
}

impl Default for Test {
    fn default() -> Self {
        Self::new()
    }
}

impl Test {
    pub fn new() -> Test {
        Test {
            dir: tmp(),
            args: Vec::new(),
            env: Vec::new(),
            stdout: Some(String::new()),
            stderr: Some(String::new()),
            status: 0,
            files: BTreeMap::new(),
            absent: Vec::new(),
            unchanged: Vec::new(),
        }
    }

    /// The test's directory (the run's working directory).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// An input workbook built inline (see [`xlsx`]).
    pub fn workbook(self, name: &str, sheets: &[(&str, Vec<Vec<V>>)]) -> Test {
        xlsx(&self.dir.path().join(name), sheets);
        self
    }

    /// An input file with these bytes (a CSV, a `dangol.toml`, a broken workbook).
    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Test {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("input dir");
        }
        std::fs::write(p, contents).expect("input file");
        self
    }

    /// A copy of a file of the repository (`sample-data/shop.xlsx`,
    /// `tests/fixtures/writeback/…`) as `name`.
    pub fn copy(self, repo_path: &str, name: &str) -> Test {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(repo_path);
        std::fs::copy(&from, self.dir.path().join(name))
            .unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        self
    }

    pub fn arg(mut self, arg: &str) -> Test {
        self.args.push(arg.to_string());
        self
    }

    pub fn args(mut self, args: &[&str]) -> Test {
        self.args.extend(args.iter().map(ToString::to_string));
        self
    }

    /// A variable set on top of the hermetic environment.
    pub fn env(mut self, key: &str, value: &str) -> Test {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// The exact stdout expected (default: empty).
    pub fn stdout(mut self, s: impl Into<String>) -> Test {
        self.stdout = Some(s.into());
        self
    }

    /// The exact stderr expected (default: empty).
    pub fn stderr(mut self, s: impl Into<String>) -> Test {
        self.stderr = Some(s.into());
        self
    }

    /// Leave stdout to the caller (e.g. a long table checked on [`Ran`]).
    pub fn any_stdout(mut self) -> Test {
        self.stdout = None;
        self
    }

    /// Leave stderr to the caller.
    pub fn any_stderr(mut self) -> Test {
        self.stderr = None;
        self
    }

    /// The exit code expected (default: 0).
    pub fn status(mut self, code: i32) -> Test {
        self.status = code;
        self
    }

    /// A file the run must leave with exactly these bytes.
    pub fn expect_file(mut self, name: &str, contents: impl AsRef<[u8]>) -> Test {
        self.files
            .insert(PathBuf::from(name), contents.as_ref().to_vec());
        self
    }

    /// A file the run must not create (or must leave deleted).
    pub fn expect_absent(mut self, name: &str) -> Test {
        self.absent.push(PathBuf::from(name));
        self
    }

    /// An input the run must leave byte-identical (the owner's workbook on a refused run).
    pub fn expect_unchanged(mut self, name: &str) -> Test {
        self.unchanged.push(PathBuf::from(name));
        self
    }

    /// Run the binary and check everything expected; returns the run for further checks.
    #[track_caller]
    pub fn run(self) -> Ran {
        let before: Vec<(PathBuf, Vec<u8>)> = self
            .unchanged
            .iter()
            .map(|p| {
                let bytes = std::fs::read(self.dir.path().join(p))
                    .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                (p.clone(), bytes)
            })
            .collect();
        let mut c = cmd();
        c.current_dir(self.dir.path()).args(&self.args);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        let output = c.output().expect("run dangol");
        let (out, err) = (stdout(&output), stderr(&output));
        let context = format!(
            "dangol {}\n--- stdout:\n{out}\n--- stderr:\n{err}",
            self.args.join(" ")
        );
        assert_eq!(
            output.status.code(),
            Some(self.status),
            "exit code\n{context}"
        );
        if let Some(want) = &self.stdout {
            assert_eq!(&out, want, "stdout\n{context}");
        }
        if let Some(want) = &self.stderr {
            assert_eq!(&err, want, "stderr\n{context}");
        }
        for (p, want) in &self.files {
            let got = std::fs::read(self.dir.path().join(p))
                .unwrap_or_else(|e| panic!("{}: {e}\n{context}", p.display()));
            assert!(
                &got == want,
                "{}: contents differ\n--- got:\n{}\n--- want:\n{}\n{context}",
                p.display(),
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(want)
            );
        }
        for p in &self.absent {
            assert!(
                !self.dir.path().join(p).exists(),
                "{} should not exist\n{context}",
                p.display()
            );
        }
        for (p, bytes) in &before {
            let now = std::fs::read(self.dir.path().join(p)).unwrap_or_default();
            assert!(&now == bytes, "{} was changed\n{context}", p.display());
        }
        Ran {
            dir: self.dir,
            output,
        }
    }
}
