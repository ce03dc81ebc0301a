//! One whole write of a workbook — the one way every command that changes the owner's
//! workbook writes it (`run`, `remind --apply`, and any new `--apply`): take the lock, refuse a
//! workbook that is open in a spreadsheet program, note what the workbook looked like, build
//! the new bytes, and replace it atomically — keeping a backup of what is replaced, and never
//! replacing a workbook that its owner saved while the run was working.
//!
//! A writing command goes lock → read → decide → write:
//!
//! ```ignore
//! let mut job = WriteJob::begin(&workbook, out, WriteOptions::now(force, as_of, limits))?; // lock
//! let loaded = cmd::load(&workbook, g)?;                  // read, under the lock
//! job.set_backups(loaded.settings.backups);
//! let bytes = writeback::edit_cells(&workbook, sheet, &edits)?;  // decide
//! let report = job.commit(&bytes)?;                       // backup + atomic replace
//! ```
//!
//! (or `job.write_generated(&generated)` to merge dangol's sheets in). Reading before
//! [`WriteJob::begin`] would let a save made in between be overwritten with stale rows.
//!
//! The order of the final steps is what keeps every promise at once: the new version is
//! written and synced to a temporary file first (a full disk fails here, before any backup
//! exists), then the backup is made (a hard link: no space), then the workbook is compared
//! with what was read (an owner's save in the meantime: the backup is removed, nothing is
//! replaced), then the rename, and only after it the rotation of old backups.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Cursor, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{DocProperties, ExcelDateTime};

use super::safe::{BackupSet, Fingerprint, Staged, WorkbookLock, excel_owner_file, resolve_link};
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

impl WriteOptions {
    /// The options every writing command starts from (`run`, `remind --apply`, and any new
    /// `--apply`): the default number of backups (the workbook's own `backups` setting replaces
    /// it through [`WriteJob::set_backups`] once it has been read), backups stamped by the clock
    /// (they record when a file was replaced, which is not an output and need not be
    /// reproducible; two writes on one as-of day must not overwrite each other's backup), and
    /// `created` — the as-of day — as a converted workbook's creation date, and the command
    /// line's checked input `limits` for every read of the package.
    pub fn now(
        force: bool,
        created: NaiveDate,
        limits: crate::ingest::guard::Limits,
    ) -> WriteOptions {
        WriteOptions {
            force,
            backups: crate::settings::Settings::defaults().backups,
            stamp: chrono::Local::now().naive_local(),
            created,
            merge: MergeOptions {
                limits: Some(limits),
                ..MergeOptions::default()
            },
        }
    }
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
    /// What could not be kept as it was (the file's owner, an extended attribute, hard
    /// links split with `--force`), for the command to print.
    pub warnings: Vec<String>,
}

/// Test-only hook: `DANGOL_TEST_PAUSE_BEFORE_RENAME_MS=N` holds every workbook write for N
/// milliseconds (at most a minute) after the new version is staged beside the workbook and
/// before the workbook is checked for changes and replaced, so tests can save the workbook
/// "during" a run at a known moment. Not for production use.
pub const TEST_PAUSE_ENV: &str = "DANGOL_TEST_PAUSE_BEFORE_RENAME_MS";

fn pause_for_tests() {
    if let Some(ms) = std::env::var(TEST_PAUSE_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(60_000)));
    }
}

/// A write in progress: holds the target's lock from [`WriteJob::begin`] until dropped, so
/// the caller can read and analyse the workbook under the lock and fail fast (before any slow
/// work) when another run or a spreadsheet program has it.
#[derive(Debug)]
pub struct WriteJob {
    input: PathBuf,
    /// The file written, as the user named it (for messages).
    target: PathBuf,
    /// The file actually replaced: `target` with symbolic links followed.
    real: PathBuf,
    kind: WriteKind,
    opts: WriteOptions,
    /// What the target looked like when the job began (`None`: it did not exist).
    seen: Option<Fingerprint>,
    warnings: Vec<String>,
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
        let real = resolve_link(&target)?;
        if editable && kind != WriteKind::Converted {
            super::merge::check_writable(input)?;
        }
        let lock = WorkbookLock::acquire(&real)?;
        // Holding the lock, no other run is writing this workbook: a temporary file of ours
        // beside it is what a killed run (power cut, `kill -9`) left behind.
        super::safe::remove_stale_temp_files(&real);
        let mut warnings = Vec::new();
        check_hard_links(&target, &real, opts.force, &mut warnings)?;
        let seen = Fingerprint::of(&real)?;
        let job = WriteJob {
            input: input.to_path_buf(),
            target,
            real,
            kind,
            opts,
            seen,
            warnings,
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
        match excel_owner_file(&self.target).or_else(|| excel_owner_file(&self.real)) {
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
        match self.kind {
            WriteKind::InPlace | WriteKind::OutFile => self.merge_staged(generated),
            WriteKind::Converted => {
                let values = self.values_copy()?;
                self.refuse_owner_sheets(&values, generated)?;
                let mut out = Cursor::new(Vec::new());
                let summary = merge_generated_from(
                    Cursor::new(values),
                    generated,
                    &self.opts.merge,
                    &mut out,
                )?;
                crate::timings::phase("merge");
                self.commit_with(&out.into_inner(), summary)
            }
        }
    }

    /// The merge of an `.xlsx`/`.xlsm` written straight into the staged file beside the
    /// workbook, never held in memory (the owner's package is tens of megabytes); then the
    /// same steps as [`WriteJob::commit`]. A merge that fails removes the staged file.
    fn merge_staged(&self, generated: &[u8]) -> Result<WriteReport, WritebackError> {
        let Ok(mut staged) = Staged::new(&self.real) else {
            return self.merge_in_memory(generated);
        };
        let merged = (|| {
            let mut out = BufWriter::with_capacity(1 << 16, staged.file());
            let summary = merge_generated_from(
                BufReader::with_capacity(1 << 16, File::open(&self.input)?),
                generated,
                &self.opts.merge,
                &mut out,
            )?;
            out.flush()?;
            Ok(summary)
        })();
        let summary = match merged {
            Ok(summary) => summary,
            // A disk too full for the new version may hold a workbook that is already up to
            // date: that is told in memory, as before (a write that is needed fails again, with
            // the same error).
            Err(WritebackError::Io(_)) => {
                drop(staged);
                return self.merge_in_memory(generated);
            }
            Err(e) => return Err(e),
        };
        crate::timings::phase("merge");
        let mut report = self.new_report(summary);
        self.check_owner()?;
        let exists = self.real.exists();
        if exists && same_files(staged.file(), &self.real)? {
            report.unchanged = true;
            return Ok(report);
        }
        crate::timings::phase("compare");
        self.finish_staged(staged, exists, report)
    }

    /// The merge in memory, then [`WriteJob::commit`]'s steps: for when no staged file can
    /// be written beside the target.
    fn merge_in_memory(&self, generated: &[u8]) -> Result<WriteReport, WritebackError> {
        let mut out = Cursor::new(Vec::new());
        let summary = merge_generated_from(
            BufReader::with_capacity(1 << 16, File::open(&self.input)?),
            generated,
            &self.opts.merge,
            &mut out,
        )?;
        crate::timings::phase("merge");
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

    fn new_report(&self, summary: MergeSummary) -> WriteReport {
        WriteReport {
            kind: self.kind,
            target: self.target.clone(),
            summary,
            backup: None,
            unchanged: false,
            warnings: self.warnings.clone(),
        }
    }

    fn commit_with(
        &self,
        bytes: &[u8],
        summary: MergeSummary,
    ) -> Result<WriteReport, WritebackError> {
        let mut report = self.new_report(summary);
        // Excel may have opened the workbook while the run was reading it.
        self.check_owner()?;
        let real = &self.real;
        let exists = real.exists();
        if exists && same_content(real, bytes)? {
            report.unchanged = true;
            return Ok(report);
        }
        crate::timings::phase("compare");
        let mut staged = Staged::new(&self.real)?;
        staged.file().write_all(bytes)?;
        self.finish_staged(staged, exists, report)
    }

    /// Steps 1 to 5 once the new version's bytes are in `staged`.
    fn finish_staged(
        &self,
        staged: Staged,
        exists: bool,
        mut report: WriteReport,
    ) -> Result<WriteReport, WritebackError> {
        let staged = self.stage(staged, exists, &mut report.warnings)?;
        crate::timings::phase("stage");
        pause_for_tests();
        report.backup = self.replace(staged, exists, &mut report.warnings)?;
        crate::timings::phase("replace");
        Ok(report)
    }

    /// Step 1: the new version (already written to `staged`), complete and on disk, beside
    /// the workbook, with the workbook's owner, group, mode and attributes. A full disk fails
    /// here, before anything else exists.
    fn stage(
        &self,
        mut staged: Staged,
        exists: bool,
        warnings: &mut Vec<String>,
    ) -> Result<Staged, WritebackError> {
        if exists {
            staged.take_attributes(&self.real, &self.target, warnings)?;
        } else {
            // A new file follows the umask, never wider than the input it came from.
            crate::render::output::set_mode(
                staged.file(),
                crate::render::output::new_file_mode(Some(&self.input)),
            )?;
        }
        staged.sync()?;
        Ok(staged)
    }

    /// Steps 2 to 5: the backup of what is about to be replaced; the check that the workbook
    /// is still what was read (otherwise its owner saved it meanwhile, and that save wins:
    /// the next run reads it); the rename; and only then the rotation of old backups. A
    /// failure before the rename removes the new backup (and its folder, when this write
    /// made it): what failed changed nothing. Returns the backup made.
    fn replace(
        &self,
        staged: Staged,
        exists: bool,
        warnings: &mut Vec<String>,
    ) -> Result<Option<PathBuf>, WritebackError> {
        let real = &self.real;
        let backups = BackupSet::of(real)?;
        let folder = backups.dir();
        let had_folder = folder.is_dir();
        let undo = |backup: Option<&PathBuf>| {
            if let Some(b) = backup {
                let _ = fs::remove_file(b);
            }
            if !had_folder {
                let _ = fs::remove_dir(folder);
            }
        };
        let backup = if exists && self.opts.backups > 0 {
            let stamp = backups.next_stamp(self.opts.stamp);
            backups
                .keep(real, stamp, warnings)
                .inspect_err(|_| undo(None))?
        } else {
            None
        };
        let replaced = match Fingerprint::of(real) {
            Ok(now) if now == self.seen => staged.persist(real),
            Ok(_) => Err(WritebackError::Changed {
                workbook: self.target.clone(),
            }),
            Err(e) => Err(e),
        };
        if let Err(e) = replaced {
            undo(backup.as_ref());
            return Err(e);
        }
        if backup.is_some()
            && let Err(e) = backups.rotate(self.opts.backups)
        {
            warnings.push(
                crate::text!(
                    WarnBackupsNotRotated,
                    target = self.target.display(),
                    error = e
                )
                .to_string(),
            );
        }
        Ok(backup)
    }

    /// A converted workbook (`NAME.dangol.xlsx`) is rebuilt from its input on every run: a
    /// sheet its owner added to it would be dropped, so the run is refused instead.
    fn refuse_owner_sheets(&self, values: &[u8], generated: &[u8]) -> Result<(), WritebackError> {
        use calamine::Reader as _;
        let names = |bytes: Vec<u8>| {
            calamine::Xlsx::new(Cursor::new(bytes)).map_or_else(|_| Vec::new(), |x| x.sheet_names())
        };
        let Ok(existing) = fs::read(&self.real) else {
            return Ok(());
        };
        let limits = crate::ingest::guard::limits_or_env(self.opts.merge.limits);
        let recorded =
            super::generated_sheets_with(Cursor::new(&existing), &limits).unwrap_or_default();
        let ours: Vec<String> = names(values.to_vec())
            .into_iter()
            .chain(names(generated.to_vec()))
            .chain(recorded)
            .collect();
        let theirs: Vec<String> = names(existing)
            .into_iter()
            .filter(|n| !ours.iter().any(|o| o.eq_ignore_ascii_case(n)))
            .map(|n| format!("\"{n}\""))
            .collect();
        if theirs.is_empty() {
            return Ok(());
        }
        let text = if theirs.len() == 1 {
            crate::text!(WriteWouldDropOne)
        } else {
            crate::text!(WriteWouldDropMany)
        };
        Err(WritebackError::Said(
            text.arg("target", self.target.display())
                .arg("input", self.input.display())
                .arg("names", theirs.join(", ")),
        ))
    }
}

/// The rule for a workbook with several hard links (other names for the same file, e.g. a
/// copy "linked" into another folder): replacing it would give this name the new version and
/// leave the other names with the old one, silently splitting them. dangol refuses; with
/// `--force` it replaces this name and says that the others keep the old version.
fn check_hard_links(
    target: &Path,
    real: &Path,
    force: bool,
    warnings: &mut Vec<String>,
) -> Result<(), WritebackError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(meta) = fs::metadata(real) else {
            return Ok(());
        };
        let others = meta.nlink().saturating_sub(1);
        if others == 0 {
            return Ok(());
        }
        let (refuse, keep) = if others == 1 {
            (
                crate::text!(WriteHardLinkOne),
                crate::text!(WarnHardLinkOne),
            )
        } else {
            (crate::text!(WriteHardLinks), crate::text!(WarnHardLinks))
        };
        if !force {
            return Err(WritebackError::Said(
                refuse.arg("target", target.display()).arg("n", others),
            ));
        }
        warnings.push(
            keep.arg("target", target.display())
                .arg("n", others)
                .to_string(),
        );
    }
    #[cfg(not(unix))]
    {
        let _ = (target, real, force, warnings);
    }
    Ok(())
}

/// Whether `staged` (read from its start) and the file at `path` hold the same bytes, both
/// read in chunks.
fn same_files(staged: &mut File, path: &Path) -> Result<bool, WritebackError> {
    use std::io::{Read, Seek, SeekFrom};
    let other = File::open(path)?;
    if staged.metadata()?.len() != other.metadata()?.len() {
        return Ok(false);
    }
    staged.seek(SeekFrom::Start(0))?;
    let mut ours = BufReader::with_capacity(1 << 16, staged);
    let mut theirs = BufReader::with_capacity(1 << 16, other);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let chunk = ours.fill_buf()?;
        if chunk.is_empty() {
            return Ok(true);
        }
        let n = chunk.len().min(buf.len());
        match theirs.read_exact(&mut buf[..n]) {
            Ok(()) => {}
            // Shorter than it was a moment ago: not the same.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        if chunk[..n] != buf[..n] {
            return Ok(false);
        }
        ours.consume(n);
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

#[cfg(test)]
mod tests {
    use super::super::safe::BACKUP_DIR;
    use super::*;
    use chrono::TimeDelta;

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
        let set = BackupSet::of(&wb).unwrap();
        assert_eq!(set.next_stamp(t), t);
        fs::create_dir(dir.path().join(BACKUP_DIR)).unwrap();
        fs::write(
            dir.path()
                .join(BACKUP_DIR)
                .join("Shop.20250416T030005.xlsx"),
            "",
        )
        .unwrap();
        assert_eq!(set.next_stamp(t), t + TimeDelta::seconds(6));
        // Sub-second clocks do not slip past a backup made earlier in the same second.
        let busy = t + TimeDelta::milliseconds(5_700);
        assert_eq!(set.next_stamp(busy), t + TimeDelta::seconds(6));
        let later = t + TimeDelta::hours(1);
        assert_eq!(set.next_stamp(later), later);
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
