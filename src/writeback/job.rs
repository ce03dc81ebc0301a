//! One whole write of a workbook, as `run` (and `remind --apply`) need it: take the lock,
//! refuse a workbook that is open in a spreadsheet program, build the new bytes, keep a
//! backup of what is replaced, and replace it atomically.

use std::fs::{self, File};
use std::io::{BufReader, Cursor, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike};
use rust_xlsxwriter::{DocProperties, ExcelDateTime};

use super::safe::{BACKUP_DIR, WorkbookLock, atomic_replace, backup, excel_owner_file};
use super::{MergeOptions, MergeSummary, WritebackError, merge_generated_from, values_workbook};

/// How a workbook is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// An `.xlsx`/`.xlsm` replaced by itself plus the generated sheets.
    InPlace,
    /// An `.xlsx`/`.xlsm` plus the generated sheets written to another file (`--out`); the
    /// input is only read.
    OutFile,
    /// An input that cannot be edited in place (`.xls`, `.xlsb`, `.ods`, `.csv`, `.tsv`): a new
    /// `.xlsx` with the input's values and the generated sheets.
    Converted,
}

/// How to write.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Write even when an owner file says the workbook is open elsewhere.
    pub force: bool,
    /// Backups to keep of a replaced file (0: none).
    pub backups: u32,
    /// The backup's time stamp (normally the clock). A stamp not later than the newest backup
    /// of the same workbook is moved one second past it, so backups never overwrite each
    /// other and always sort in the order they were made.
    pub stamp: NaiveDateTime,
    /// Creation date stored in a converted workbook (the as-of date), so that it is
    /// byte-identical across runs.
    pub created: NaiveDate,
    pub merge: MergeOptions,
}

/// What a write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub kind: WriteKind,
    /// The file written.
    pub target: PathBuf,
    /// Generated sheets added, replaced and removed.
    pub summary: MergeSummary,
    /// The backup of the replaced file, when one was made.
    pub backup: Option<PathBuf>,
    /// The target already held exactly these bytes: nothing was written or backed up.
    pub unchanged: bool,
}

/// A write in progress: holds the target's lock from [`WriteJob::begin`] until dropped, so
/// the caller can read and analyse the workbook under the lock and fail fast (before any slow
/// work) when another run or a spreadsheet program has it.
#[derive(Debug)]
pub struct WriteJob {
    input: PathBuf,
    target: PathBuf,
    kind: WriteKind,
    opts: WriteOptions,
    _lock: WorkbookLock,
}

fn ext_of(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

impl WriteJob {
    /// Decides where `input`'s results go (`out`, or the input itself, or `NAME.dangol.xlsx`
    /// beside a non-xlsx input), takes that file's lock and checks that no spreadsheet
    /// program has it open (unless `opts.force`).
    pub fn begin(
        input: &Path,
        out: Option<&Path>,
        opts: WriteOptions,
    ) -> Result<WriteJob, WritebackError> {
        if let Err(e) = fs::metadata(input) {
            return Err(WritebackError::Invalid(format!(
                "cannot read {}: {e}",
                input.display()
            )));
        }
        let in_ext = ext_of(input);
        let editable = matches!(in_ext.as_str(), "xlsx" | "xlsm");
        let convertible = matches!(
            in_ext.as_str(),
            "xls" | "xlsb" | "ods" | "csv" | "tsv" | "txt"
        );
        if !editable && !convertible {
            return Err(WritebackError::Invalid(format!(
                "{}: dangol can write results for .xlsx, .xlsm, .xls, .xlsb, .ods, .csv and .tsv \
                 files, not .{in_ext}",
                input.display()
            )));
        }
        let (kind, target) = match out {
            Some(o) if editable && same_file(o, input) => (WriteKind::InPlace, input.to_path_buf()),
            Some(o) => {
                let want = if editable { in_ext.as_str() } else { "xlsx" };
                if ext_of(o) != want {
                    return Err(WritebackError::Invalid(format!(
                        "--out {}: the output must be a .{want} file (the input {} is .{in_ext}; \
                         Excel refuses a workbook whose extension does not match its content)",
                        o.display(),
                        input.display()
                    )));
                }
                let kind = if editable {
                    WriteKind::OutFile
                } else {
                    WriteKind::Converted
                };
                (kind, o.to_path_buf())
            }
            None if editable => (WriteKind::InPlace, input.to_path_buf()),
            None => (WriteKind::Converted, super::values_output_path(input)),
        };
        // A read-only file is the owner saying "do not change this" (Excel will not save over
        // it either); the rename would replace it regardless, so refuse here.
        if fs::metadata(&target).is_ok_and(|m| m.permissions().readonly()) {
            return Err(WritebackError::Invalid(format!(
                "{} is read-only; dangol does not replace it (make it writable, or use --out FILE)",
                target.display()
            )));
        }
        let lock = WorkbookLock::acquire(&target)?;
        // Holding the lock, no other run is writing this workbook: a temporary file of ours
        // beside it is what a killed run (power cut, `kill -9`) left behind.
        super::safe::remove_stale_temp_files(&target);
        let job = WriteJob {
            input: input.to_path_buf(),
            target,
            kind,
            opts,
            _lock: lock,
        };
        job.check_owner()?;
        Ok(job)
    }

    /// Sets how many backups to keep (known only once the workbook's settings are read).
    pub fn set_backups(&mut self, keep: u32) {
        self.opts.backups = keep;
    }

    /// Sets the creation date stored in a converted workbook (known only once the data is
    /// read for `--as-of latest`).
    pub fn set_created(&mut self, day: NaiveDate) {
        self.opts.created = day;
    }

    /// The file that will be written.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// How it will be written.
    pub fn kind(&self) -> WriteKind {
        self.kind
    }

    fn check_owner(&self) -> Result<(), WritebackError> {
        if self.opts.force {
            return Ok(());
        }
        match excel_owner_file(&self.target) {
            Some(owner) => Err(WritebackError::OpenElsewhere {
                // `~$shop.xlsx`, not `./~$shop.xlsx`, for a workbook named without a folder.
                owner: owner
                    .strip_prefix(".")
                    .ok()
                    .filter(|_| {
                        self.target
                            .parent()
                            .is_none_or(|p| p.as_os_str().is_empty())
                    })
                    .map_or_else(|| owner.clone(), Path::to_path_buf),
                workbook: self.target.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Writes the input plus `generated` (an `.xlsx` holding only dangol's sheets) to the
    /// target: merged into the original package for `.xlsx`/`.xlsm`, into a values-only copy
    /// for other formats.
    pub fn write_generated(&self, generated: &[u8]) -> Result<WriteReport, WritebackError> {
        // The merged package is about the original plus the generated sheets: reserve that
        // up front instead of growing (and copying) a 40 MB buffer several times.
        let size = fs::metadata(&self.input).map_or(0, |m| m.len());
        let cap = usize::try_from(size).unwrap_or(0) + generated.len() + 64 * 1024;
        let mut out = Cursor::new(Vec::with_capacity(cap));
        let summary = match self.kind {
            WriteKind::InPlace | WriteKind::OutFile => merge_generated_from(
                BufReader::new(File::open(&self.input)?),
                generated,
                &self.opts.merge,
                &mut out,
            )?,
            WriteKind::Converted => {
                let values = self.values_copy()?;
                merge_generated_from(Cursor::new(values), generated, &self.opts.merge, &mut out)?
            }
        };
        self.commit_with(&out.into_inner(), summary)
    }

    /// The input's values as an `.xlsx`, with a pinned creation date.
    fn values_copy(&self) -> Result<Vec<u8>, WritebackError> {
        let invalid = |e: rust_xlsxwriter::XlsxError| {
            WritebackError::Invalid(format!("{}: {e}", self.input.display()))
        };
        let mut wb = values_workbook(&self.input)?;
        let d = self.opts.created;
        let created = ExcelDateTime::from_ymd(
            u16::try_from(d.year()).unwrap_or(1900),
            d.month() as u8,
            d.day() as u8,
        )
        .map_err(invalid)?;
        wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
        wb.save_to_buffer().map_err(invalid)
    }

    /// Replaces the target with `bytes` (for callers that build the bytes themselves, e.g.
    /// with [`super::edit_cells`]): backup first, then an atomic replace. Bytes equal to the
    /// target's are not written again, so a run that changes nothing leaves no new backup.
    pub fn commit(&self, bytes: &[u8]) -> Result<WriteReport, WritebackError> {
        self.commit_with(bytes, MergeSummary::default())
    }

    fn commit_with(
        &self,
        bytes: &[u8],
        summary: MergeSummary,
    ) -> Result<WriteReport, WritebackError> {
        let mut report = WriteReport {
            kind: self.kind,
            target: self.target.clone(),
            summary,
            backup: None,
            unchanged: false,
        };
        // Excel may have opened the workbook while the run was reading it.
        self.check_owner()?;
        if self.target.exists() {
            if same_content(&self.target, bytes)? {
                report.unchanged = true;
                return Ok(report);
            }
            let stamp = next_stamp(&self.target, self.opts.stamp);
            report.backup = backup(&self.target, self.opts.backups, stamp)?;
        }
        atomic_replace(&self.target, |f| {
            f.write_all(bytes)?;
            // A new file follows the umask, never wider than the input it came from.
            crate::render::output::set_mode(
                f,
                crate::render::output::new_file_mode(Some(&self.input)),
            )
        })?;
        Ok(report)
    }
}

/// Whether the file at `path` holds exactly `bytes`, read in chunks (never a second copy of a
/// large workbook in memory).
fn same_content(path: &Path, bytes: &[u8]) -> Result<bool, WritebackError> {
    use std::io::Read;
    let f = File::open(path)?;
    if f.metadata()?.len() != bytes.len() as u64 {
        return Ok(false);
    }
    let mut r = BufReader::with_capacity(1 << 16, f);
    let mut buf = vec![0u8; 1 << 16];
    let mut at = 0usize;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(at == bytes.len());
        }
        if at + n > bytes.len() || buf[..n] != bytes[at..at + n] {
            return Ok(false);
        }
        at += n;
    }
}

/// Gives a file that `atomic_replace` creates new the mode the umask allows (`rw-r--r--` under
/// the usual 022) instead of the temporary file's owner-only mode (a replaced file keeps its
/// old mode regardless), so a report or workbook in a shared folder stays readable by the
/// people it is for — and private under umask 077.
pub fn set_new_file_mode(f: &File) -> Result<(), WritebackError> {
    crate::render::output::set_mode(f, crate::render::output::new_file_mode(None))
}

/// Writes `input`'s results with `generated` in one call: [`WriteJob::begin`] then
/// [`WriteJob::write_generated`].
pub fn write_back(
    input: &Path,
    out: Option<&Path>,
    generated: &[u8],
    opts: WriteOptions,
) -> Result<WriteReport, WritebackError> {
    WriteJob::begin(input, out, opts)?.write_generated(generated)
}

/// `wanted`, or one second after the newest backup of `target` when that is not earlier.
fn next_stamp(target: &Path, wanted: NaiveDateTime) -> NaiveDateTime {
    // Names carry whole seconds: compare at that resolution.
    let wanted = wanted.with_nanosecond(0).unwrap_or(wanted);
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return wanted;
    };
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), e.to_string()),
        _ => (name.clone(), "bak".to_string()),
    };
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(BACKUP_DIR);
    let Ok(entries) = fs::read_dir(dir) else {
        return wanted;
    };
    let newest = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|n| {
            let stamp = n
                .strip_prefix(&stem)?
                .strip_prefix('.')?
                .strip_suffix(&ext)?
                .strip_suffix('.')?
                .to_string();
            NaiveDateTime::parse_from_str(&stamp, "%Y%m%dT%H%M%S").ok()
        })
        .max();
    match newest {
        Some(n) if n >= wanted => n + TimeDelta::seconds(1),
        _ => wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> WriteOptions {
        let d = NaiveDate::from_ymd_opt(2025, 4, 16).unwrap();
        WriteOptions {
            force: false,
            backups: 2,
            stamp: d.and_hms_opt(3, 0, 0).unwrap(),
            created: d,
            merge: MergeOptions::default(),
        }
    }

    #[test]
    fn stamps_never_collide_and_stay_ordered() {
        let dir = tempfile::tempdir().unwrap();
        let wb = dir.path().join("Shop.xlsx");
        let t = opts().stamp;
        assert_eq!(next_stamp(&wb, t), t);
        fs::create_dir(dir.path().join(BACKUP_DIR)).unwrap();
        fs::write(
            dir.path()
                .join(BACKUP_DIR)
                .join("Shop.20250416T030005.xlsx"),
            "",
        )
        .unwrap();
        assert_eq!(next_stamp(&wb, t), t + TimeDelta::seconds(6));
        // Sub-second clocks do not slip past a backup made earlier in the same second.
        let busy = t + TimeDelta::milliseconds(5_700);
        assert_eq!(next_stamp(&wb, busy), t + TimeDelta::seconds(6));
        let later = t + TimeDelta::hours(1);
        assert_eq!(next_stamp(&wb, later), later);
    }

    #[test]
    fn targets_and_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("orders.csv");
        fs::write(&csv, "a,b\n").unwrap();
        let job = WriteJob::begin(&csv, None, opts()).unwrap();
        assert_eq!(job.kind(), WriteKind::Converted);
        assert_eq!(job.target(), dir.path().join("orders.dangol.xlsx"));
        drop(job);

        let xlsm = dir.path().join("Shop.xlsm");
        fs::write(&xlsm, "").unwrap();
        let err = WriteJob::begin(&xlsm, Some(&dir.path().join("o.xlsx")), opts()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "--out {}: the output must be a .xlsm file (the input {} is .xlsm; Excel refuses \
                 a workbook whose extension does not match its content)",
                dir.path().join("o.xlsx").display(),
                xlsm.display()
            )
        );
        let job = WriteJob::begin(&xlsm, Some(&xlsm), opts()).unwrap();
        assert_eq!(job.kind(), WriteKind::InPlace);
        drop(job);

        let pdf = dir.path().join("x.pdf");
        fs::write(&pdf, "").unwrap();
        let err = WriteJob::begin(&pdf, None, opts()).unwrap_err();
        assert!(err.to_string().ends_with("not .pdf"), "{err}");
    }

    #[test]
    fn owner_file_refuses_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let wb = dir.path().join("Shop.xlsx");
        fs::write(&wb, "x").unwrap();
        fs::write(dir.path().join("~$Shop.xlsx"), "").unwrap();
        let err = WriteJob::begin(&wb, None, opts()).unwrap_err();
        assert!(
            matches!(&err, WritebackError::OpenElsewhere { owner, .. } if owner.ends_with("~$Shop.xlsx")),
            "{err:?}"
        );
        let job = WriteJob::begin(
            &wb,
            None,
            WriteOptions {
                force: true,
                ..opts()
            },
        )
        .unwrap();
        let r = job.commit(b"y").unwrap();
        assert_eq!(fs::read(&wb).unwrap(), b"y");
        assert!(!r.unchanged);
        assert_eq!(
            r.backup.unwrap(),
            dir.path()
                .join(BACKUP_DIR)
                .join("Shop.20250416T030000.xlsx")
        );
        let again = job.commit(b"y").unwrap();
        assert!(again.unchanged);
        assert_eq!(again.backup, None);
    }
}
