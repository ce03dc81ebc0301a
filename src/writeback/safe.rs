//! Writing a workbook without ever leaving it half-written: atomic replace, rotated backups,
//! a per-workbook run lock and detection of a workbook that is open in Excel.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use super::WritebackError;

/// Folder beside the workbook that holds the rotated backups.
pub const BACKUP_DIR: &str = ".dangol-backups";

fn parent_dir(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn file_name(target: &Path) -> Result<OsString, WritebackError> {
    target.file_name().map(ToOwned::to_owned).ok_or_else(|| {
        WritebackError::Io(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file path", target.display()),
        ))
    })
}

/// Replaces `target` with whatever `write` writes, atomically.
///
/// The content goes to a temporary file in the same directory (so the final rename never
/// crosses file systems), is flushed to disk with `sync_all`, then renamed over `target`, and
/// the directory entry is synced. If `write` fails, or any step before the rename fails, the
/// temporary file is removed and `target` is exactly as it was. The new file gets the old
/// file's permissions when there was one.
pub fn atomic_replace<F>(target: &Path, write: F) -> Result<(), WritebackError>
where
    F: FnOnce(&mut File) -> Result<(), WritebackError>,
{
    let dir = parent_dir(target);
    let name = file_name(target)?;
    let prefix = temp_prefix(&name);
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(dir)?;
    // On any early return `tmp` is dropped, which deletes the temporary file.
    write(tmp.as_file_mut())?;
    if let Ok(meta) = fs::metadata(target) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(target)
        .map_err(|e| WritebackError::Io(e.error))?;
    sync_dir(dir)
}

/// The prefix of [`atomic_replace`]'s temporary files for `target`: `.~NAME.dangol-`.
fn temp_prefix(name: &std::ffi::OsStr) -> OsString {
    let mut prefix = OsString::from(".~");
    prefix.push(name);
    prefix.push(".dangol-");
    prefix
}

/// Deletes the temporary files a killed write of `target` left beside it
/// (`.~NAME.dangol-XXXXXX.tmp`). Call only while holding the workbook's [`WorkbookLock`]. Best
/// effort: a file that cannot be removed is left for the next run.
pub fn remove_stale_temp_files(target: &Path) {
    let Ok(name) = file_name(target) else { return };
    let prefix = temp_prefix(&name);
    let prefix = prefix.to_string_lossy();
    let Ok(entries) = fs::read_dir(parent_dir(target)) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name();
        let n = n.to_string_lossy();
        if n.starts_with(prefix.as_ref()) && n.ends_with(".tmp") {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Makes a rename durable: on Unix the directory entry lives in the directory's own data.
fn sync_dir(dir: &Path) -> Result<(), WritebackError> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
    Ok(())
}

/// Copies the current `target` into `.dangol-backups/` beside it as
/// `STEM.YYYYMMDDTHHMMSS.EXT` (the time comes from the caller, so tests and `--as-of` runs are
/// reproducible), then deletes the oldest backups of the same workbook so that `keep` remain.
///
/// Returns the backup's path, or `None` when `keep` is 0 or `target` does not exist yet.
pub fn backup(
    target: &Path,
    keep: u32,
    stamp: NaiveDateTime,
) -> Result<Option<PathBuf>, WritebackError> {
    if keep == 0 || !target.exists() {
        return Ok(None);
    }
    let (stem, ext) = stem_ext(target)?;
    let dir = parent_dir(target).join(BACKUP_DIR);
    fs::create_dir_all(&dir)?;
    let name = format!("{stem}.{}.{ext}", stamp.format("%Y%m%dT%H%M%S"));
    let dest = dir.join(&name);
    // The backup itself is written atomically: a half-copied backup would be worse than none.
    atomic_replace(&dest, |out| {
        let mut src = File::open(target)?;
        io::copy(&mut src, out)?;
        Ok(())
    })?;
    let mut ours: Vec<String> = fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_backup_name(n, &stem, &ext))
        .collect();
    // The stamp is fixed-width and most-significant first, so names sort by time.
    ours.sort();
    let excess = ours.len().saturating_sub(keep as usize);
    for old in &ours[..excess] {
        fs::remove_file(dir.join(old))?;
    }
    Ok(Some(dest))
}

fn stem_ext(target: &Path) -> Result<(String, String), WritebackError> {
    let name = file_name(target)?.to_string_lossy().into_owned();
    Ok(match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_string(), ext.to_string()),
        _ => (name, "bak".to_string()),
    })
}

/// `STEM.` + 15-character stamp + `.EXT`, the stamp being `YYYYMMDDTHHMMSS`.
fn is_backup_name(name: &str, stem: &str, ext: &str) -> bool {
    let Some(rest) = name.strip_prefix(stem).and_then(|r| r.strip_prefix('.')) else {
        return false;
    };
    let Some(stamp) = rest.strip_suffix(ext).and_then(|r| r.strip_suffix('.')) else {
        return false;
    };
    stamp.len() == 15
        && stamp
            .char_indices()
            .all(|(i, c)| if i == 8 { c == 'T' } else { c.is_ascii_digit() })
}

/// An exclusive lock on a workbook for the duration of one run, held on a lock file
/// `.~NAME.dangol.lock` beside it. Released when dropped (or when the process dies: the
/// operating system drops the lock with the file handle, so a killed run never leaves a
/// stale lock). The lock file itself is left in place: deleting it would let a third run lock
/// a fresh file while a second still holds the old one.
#[derive(Debug)]
pub struct WorkbookLock {
    _file: File,
    path: PathBuf,
}

impl WorkbookLock {
    /// Takes the lock without waiting; a lock held by another run is
    /// [`WritebackError::Locked`].
    pub fn acquire(workbook: &Path) -> Result<Self, WritebackError> {
        let path = lock_path(workbook)?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(WorkbookLock { _file: file, path }),
            Err(TryLockError::WouldBlock) => Err(WritebackError::Locked {
                workbook: workbook.to_path_buf(),
                lock: path,
            }),
            Err(TryLockError::Error(e)) => Err(WritebackError::Io(e)),
        }
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// `.~NAME.dangol.lock` beside the workbook.
pub fn lock_path(workbook: &Path) -> Result<PathBuf, WritebackError> {
    let mut name = OsString::from(".~");
    name.push(file_name(workbook)?);
    name.push(".dangol.lock");
    Ok(parent_dir(workbook).join(name))
}

/// The owner file a spreadsheet program keeps beside a workbook it has open: Excel's
/// `~$NAME.xlsx` (for long names Excel drops the first two characters of NAME) or
/// `LibreOffice`'s `.~lock.NAME#`.
pub fn excel_owner_file(workbook: &Path) -> Option<PathBuf> {
    let dir = parent_dir(workbook);
    let name = workbook.file_name()?.to_string_lossy().into_owned();
    let mut candidates = vec![format!("~${name}")];
    let short: String = name.chars().skip(2).collect();
    if !short.is_empty() {
        candidates.push(format!("~${short}"));
    }
    candidates.push(format!(".~lock.{name}#"));
    candidates
        .into_iter()
        .map(|c| dir.join(c))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 4, 14)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn backups_rotate_and_keep_newest() {
        let dir = tempfile::tempdir().unwrap();
        let wb = dir.path().join("Shop.xlsx");
        for h in 1..=4 {
            fs::write(&wb, format!("v{h}")).unwrap();
            backup(&wb, 2, at(h)).unwrap();
        }
        // Someone else's backup in the same folder is never touched.
        fs::write(
            dir.path()
                .join(BACKUP_DIR)
                .join("Other.20250101T000000.xlsx"),
            "x",
        )
        .unwrap();
        fs::write(&wb, "v5").unwrap();
        let last = backup(&wb, 2, at(5)).unwrap().unwrap();
        assert_eq!(last.file_name().unwrap(), "Shop.20250414T050000.xlsx");
        let mut names: Vec<String> = fs::read_dir(dir.path().join(BACKUP_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "Other.20250101T000000.xlsx",
                "Shop.20250414T040000.xlsx",
                "Shop.20250414T050000.xlsx"
            ]
        );
        assert_eq!(fs::read_to_string(last).unwrap(), "v5");
        assert_eq!(backup(&wb, 0, at(6)).unwrap(), None);
    }

    #[test]
    fn lock_is_exclusive_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let wb = dir.path().join("Shop.xlsx");
        let first = WorkbookLock::acquire(&wb).unwrap();
        assert_eq!(first.path(), dir.path().join(".~Shop.xlsx.dangol.lock"));
        let err = WorkbookLock::acquire(&wb).unwrap_err();
        assert!(matches!(err, WritebackError::Locked { .. }), "{err:?}");
        drop(first);
        WorkbookLock::acquire(&wb).unwrap();
    }

    #[test]
    fn owner_files_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let wb = dir.path().join("Shop.xlsx");
        assert_eq!(excel_owner_file(&wb), None);
        fs::write(dir.path().join("~$Shop.xlsx"), "").unwrap();
        assert_eq!(excel_owner_file(&wb), Some(dir.path().join("~$Shop.xlsx")));
        let wb2 = dir.path().join("Quarterly sales.xlsx");
        fs::write(dir.path().join("~$arterly sales.xlsx"), "").unwrap();
        assert_eq!(
            excel_owner_file(&wb2),
            Some(dir.path().join("~$arterly sales.xlsx"))
        );
        let wb3 = dir.path().join("Book.xlsx");
        fs::write(dir.path().join(".~lock.Book.xlsx#"), "").unwrap();
        assert_eq!(
            excel_owner_file(&wb3),
            Some(dir.path().join(".~lock.Book.xlsx#"))
        );
    }

    #[test]
    fn failed_write_leaves_target_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let wb = dir.path().join("Shop.xlsx");
        fs::write(&wb, "original").unwrap();
        let err = atomic_replace(&wb, |f| {
            io::Write::write_all(f, b"half")?;
            Err(WritebackError::Io(io::Error::other("disk full")))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(fs::read_to_string(&wb).unwrap(), "original");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        atomic_replace(&wb, |f| Ok(io::Write::write_all(f, b"new")?)).unwrap();
        assert_eq!(fs::read_to_string(&wb).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
