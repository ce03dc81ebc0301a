//! Writing a workbook without ever leaving it half-written or losing what its owner made:
//! atomic replace that keeps the file's owner, group, mode, extended attributes and symbolic
//! link, rotated backups, a per-workbook run lock, detection of a workbook that is open in
//! Excel, and a fingerprint that tells whether the workbook changed while a run was working.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use super::WritebackError;

/// Folder beside the workbook that holds the rotated backups.
pub const BACKUP_DIR: &str = ".dangol-backups";

/// The longest file name (in bytes) that Linux, macOS and Windows file systems accept.
const NAME_MAX: usize = 255;

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

#[cfg(unix)]
fn name_bytes(name: &OsStr) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    name.as_bytes()
}

#[cfg(not(unix))]
fn name_bytes(name: &OsStr) -> &[u8] {
    name.as_encoded_bytes()
}

/// 64-bit FNV-1a: a hash that never changes between Rust releases, so names derived from it
/// (and the backups rotated by those names) stay the same across upgrades.
fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `name` itself when it fits in `room` bytes; otherwise its beginning (cut at a character
/// boundary) plus `~` and a hash of the whole name, so that the files dangol keeps beside a
/// workbook with a very long name still fit in `NAME_MAX`, and two long names that share a
/// beginning still get different short forms.
fn fitted(name: &OsStr, room: usize) -> OsString {
    let bytes = name_bytes(name);
    if bytes.len() <= room {
        return name.to_owned();
    }
    let tag = format!("~{:016x}", fnv64(bytes));
    let mut keep = room.saturating_sub(tag.len());
    let head = String::from_utf8_lossy(bytes);
    // A valid UTF-8 name is cut between characters; any other name was hashed whole anyway.
    while keep > 0 && !head.is_char_boundary(keep) {
        keep -= 1;
    }
    let mut out = OsString::from(head.get(..keep).unwrap_or_default());
    out.push(tag);
    out
}

/// The file a path names, following symbolic links: dangol writes through a link to its
/// target (the temporary file beside the target, the rename over it), so the link stays a
/// link and every name for the workbook sees the new version.
pub fn resolve_link(target: &Path) -> Result<PathBuf, WritebackError> {
    match fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(target).map_err(|e| {
            WritebackError::Invalid(format!(
                "{} is a symbolic link to a file that cannot be opened ({e})",
                target.display()
            ))
        }),
        _ => Ok(target.to_path_buf()),
    }
}

/// A new version of a file being written: a temporary file `.~NAME.dangol-XXXXXX.tmp` in the
/// target's folder (so the final rename never crosses file systems). Dropped unpersisted, it
/// is deleted.
pub(crate) struct Staged {
    tmp: tempfile::NamedTempFile,
}

impl Staged {
    pub fn new(target: &Path) -> Result<Staged, WritebackError> {
        Staged::in_dir(parent_dir(target), &file_name(target)?)
    }

    /// A temporary file `.~BASE.dangol-XXXXXX.tmp` in `dir`.
    pub fn in_dir(dir: &Path, base: &OsStr) -> Result<Staged, WritebackError> {
        let tmp = tempfile::Builder::new()
            .prefix(&temp_prefix(base))
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(Staged { tmp })
    }

    pub fn file(&mut self) -> &mut File {
        self.tmp.as_file_mut()
    }

    /// Gives the new file the owner, group, mode and extended attributes of `like` (the file
    /// it replaces, or the workbook a backup is made of). What cannot be kept is said in
    /// `warnings`; `shown` names the file in them.
    pub fn take_attributes(
        &self,
        like: &Path,
        shown: &Path,
        warnings: &mut Vec<String>,
    ) -> Result<(), WritebackError> {
        let meta = fs::metadata(like)?;
        keep_attributes(self.tmp.as_file(), like, &meta, shown, warnings)
    }

    /// Flushes the content to disk.
    pub fn sync(&self) -> Result<(), WritebackError> {
        self.tmp.as_file().sync_all()?;
        Ok(())
    }

    /// Renames the new file over `target` and makes the rename durable.
    pub fn persist(self, target: &Path) -> Result<(), WritebackError> {
        self.tmp
            .persist(target)
            .map_err(|e| WritebackError::Io(e.error))?;
        sync_dir(parent_dir(target))
    }
}

/// Owner and group (when the account may give them: root, or a member of the group for the
/// group), then the mode (after the owner, which clears set-id bits), then the extended
/// attributes.
fn keep_attributes(
    f: &File,
    like: &Path,
    meta: &fs::Metadata,
    shown: &Path,
    warnings: &mut Vec<String>,
) -> Result<(), WritebackError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt, fchown};
        let (uid, gid) = (meta.uid(), meta.gid());
        let mine = f.metadata()?;
        if (mine.uid(), mine.gid()) != (uid, gid)
            && let Err(e) = fchown(f, Some(uid), Some(gid))
        {
            if mine.gid() != gid {
                let _ = fchown(f, None, Some(gid));
            }
            let now = f.metadata()?;
            warnings.push(format!(
                "{}: the new version belongs to {}:{}, not {uid}:{gid} like the old one \
                 (only root can give a file to another account: {e})",
                shown.display(),
                now.uid(),
                now.gid()
            ));
        }
        f.set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777))?;
        copy_xattrs(like, f, shown, warnings);
    }
    #[cfg(not(unix))]
    {
        let _ = (like, shown, warnings);
        f.set_permissions(meta.permissions())?;
    }
    Ok(())
}

/// Copies the user's extended attributes (`user.*`, e.g. a sync client's, and the access ACL)
/// of `from` onto `to`. A file system without extended attributes has none to copy.
#[cfg(target_os = "linux")]
fn copy_xattrs(from: &Path, to: &File, shown: &Path, warnings: &mut Vec<String>) {
    use rustix::fs::{XattrFlags, fsetxattr, getxattr, getxattr_query, listxattr, listxattr_query};
    let Ok(len) = listxattr_query(from) else {
        return;
    };
    let mut list = vec![0u8; len];
    let Ok(len) = listxattr(from, &mut list[..]) else {
        return;
    };
    for name in list[..len.min(list.len())].split(|b| *b == 0) {
        if !(name.starts_with(b"user.") || name == b"system.posix_acl_access") {
            continue;
        }
        let Ok(name) = std::str::from_utf8(name) else {
            continue;
        };
        let Ok(len) = getxattr_query(from, name) else {
            continue;
        };
        let mut value = vec![0u8; len];
        let Ok(n) = getxattr(from, name, &mut value[..]) else {
            continue;
        };
        if let Err(e) = fsetxattr(to, name, &value[..n], XattrFlags::empty()) {
            warnings.push(format!(
                "{}: the extended attribute {name} was not kept ({})",
                shown.display(),
                io::Error::from(e)
            ));
        }
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
fn copy_xattrs(_from: &Path, _to: &File, _shown: &Path, _warnings: &mut Vec<String>) {}

/// What a file looked like when a run read it: where it lives (device and inode), its size,
/// its modification time and a checksum of its bytes. Compared again just before the rename,
/// it tells whether someone saved the workbook while the run was working on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    place: (u64, u64),
    size: u64,
    modified: Option<std::time::SystemTime>,
    sum: u64,
}

impl Fingerprint {
    /// The fingerprint of `path`, or `None` when there is no file there.
    pub fn of(path: &Path) -> Result<Option<Fingerprint>, WritebackError> {
        let mut f = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let meta = f.metadata()?;
        #[cfg(unix)]
        let place = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let place = (0, 0);
        Ok(Some(Fingerprint {
            place,
            size: meta.len(),
            modified: meta.modified().ok(),
            sum: checksum(&mut f)?,
        }))
    }
}

/// A 64-bit checksum of everything `f` reads: the multiply-fold hash the order fingerprints
/// are made with (`model::ledger::mix`), over 8-byte words in four lanes, so that a workbook
/// of tens of megabytes is summed in milliseconds (a byte at a time it took 40 ms of every
/// run, twice). Only compared within one run, never written anywhere.
fn checksum(f: &mut impl Read) -> io::Result<u64> {
    use crate::model::ledger::mix::{K0, K1, K2, K3, finish, fold};
    let mut lanes = [K0, K1, K2, K3];
    let mut buf = vec![0u8; 1 << 16];
    let mut total: u64 = 0;
    loop {
        // Whole buffers but the last, so that the words do not depend on how reads split.
        let mut n = 0;
        while n < buf.len() {
            match f.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        total += n as u64;
        // A 32-byte block, a word to each lane.
        let take = |lanes: &mut [u64; 4], block: &[u8], k: u64| {
            for (lane, w) in lanes.iter_mut().zip(block.chunks_exact(8)) {
                let word = <[u8; 8]>::try_from(w).unwrap_or_default();
                *lane = fold(*lane ^ u64::from_le_bytes(word), k);
            }
        };
        let mut blocks = buf[..n].chunks_exact(32);
        for block in &mut blocks {
            take(&mut lanes, block, K1);
        }
        let rest = blocks.remainder();
        if !rest.is_empty() {
            // The last few bytes, padded with zeros (the length tells them from real zeros).
            let mut block = [0u8; 32];
            block[..rest.len()].copy_from_slice(rest);
            take(&mut lanes, &block, K2);
        }
        if n < buf.len() {
            break;
        }
    }
    let h = lanes
        .iter()
        .fold(total.wrapping_mul(K3), |h, lane| fold(h ^ lane, K1));
    Ok(finish(h))
}

/// Replaces `target` with whatever `write` writes, atomically.
///
/// The content goes to a temporary file in the same directory as the file (a symbolic link
/// is followed to its target, which is what gets replaced), is flushed to disk with
/// `sync_all`, then renamed over the file, and the directory entry is synced. If `write`
/// fails, or any step before the rename fails, the temporary file is removed and the file is
/// exactly as it was. The new file gets the old file's owner, group, mode and extended
/// attributes when there was one.
pub fn atomic_replace<F>(target: &Path, write: F) -> Result<(), WritebackError>
where
    F: FnOnce(&mut File) -> Result<(), WritebackError>,
{
    let real = resolve_link(target)?;
    let mut staged = Staged::new(&real)?;
    // On any early return `staged` is dropped, which deletes the temporary file.
    write(staged.file())?;
    if real.exists() {
        staged.take_attributes(&real, target, &mut Vec::new())?;
    }
    staged.sync()?;
    staged.persist(&real)
}

/// The prefix of [`atomic_replace`]'s temporary files for `target`: `.~NAME.dangol-` (with
/// NAME shortened when the whole temporary name would not fit in `NAME_MAX`).
fn temp_prefix(name: &OsStr) -> OsString {
    // `.~` + NAME + `.dangol-` + 6 random characters + `.tmp`.
    let mut prefix = OsString::from(".~");
    prefix.push(fitted(name, NAME_MAX - 20));
    prefix.push(".dangol-");
    prefix
}

/// Deletes the temporary files `prefix…​.tmp` in `dir`, comparing raw bytes (two workbooks
/// whose names differ only in bytes that are not UTF-8 never share temporary files).
fn remove_temp_files(dir: &Path, prefix: &OsStr) {
    let prefix = name_bytes(prefix);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name();
        let n = name_bytes(&n);
        if n.starts_with(prefix) && n.ends_with(b".tmp") {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Deletes what a killed write of `target` left behind: its temporary files beside it
/// (`.~NAME.dangol-XXXXXX.tmp`), the temporary copies of a backup in `.dangol-backups/`, and
/// backups there that are hard links to the workbook itself (made just before a rename that
/// never happened: the same file under another name, not an older version). Call only while
/// holding the workbook's [`WorkbookLock`]. Best effort: a file that cannot be removed is left
/// for the next run.
pub fn remove_stale_temp_files(target: &Path) {
    let Ok(name) = file_name(target) else { return };
    remove_temp_files(parent_dir(target), &temp_prefix(&name));
    let Ok(set) = BackupSet::of(target) else {
        return;
    };
    remove_temp_files(set.dir(), &temp_prefix(&set.temp_base()));
    remove_old_backup_temp_files(&set);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(wb) = fs::metadata(target) else { return };
        for old in set.names() {
            let p = set.dir().join(old);
            if fs::metadata(&p).is_ok_and(|m| m.dev() == wb.dev() && m.ino() == wb.ino()) {
                let _ = fs::remove_file(p);
            }
        }
    }
}

/// Earlier versions named a backup's temporary copy after the backup itself
/// (`.~STEM.YYYYMMDDTHHMMSS.EXT.dangol-XXXXXX.tmp`): those a killed run left are removed too.
fn remove_old_backup_temp_files(set: &BackupSet) {
    let Ok(entries) = fs::read_dir(set.dir()) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(n) = e.file_name().into_string() else {
            continue;
        };
        let backup = n
            .strip_prefix(".~")
            .and_then(|r| r.strip_suffix(".tmp"))
            .and_then(|r| r.rsplit_once(".dangol-"))
            .map(|(b, _)| b);
        if backup.is_some_and(|b| set.stamp_of(b).is_some()) {
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

/// Where and how one file's backups are kept: `.dangol-backups/STEM.YYYYMMDDTHHMMSS.EXT`
/// beside it. The one place backup names are made, read, ordered and rotated — for workbooks
/// ([`super::WriteJob`]) and every other output ([`crate::render::output`]) alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSet {
    /// `.dangol-backups/` beside the file.
    dir: PathBuf,
    stem: String,
    ext: String,
}

impl BackupSet {
    /// The backups of `target` (which need not exist).
    pub fn of(target: &Path) -> Result<BackupSet, WritebackError> {
        let (stem, ext) = backup_stem_ext(target)?;
        Ok(BackupSet {
            dir: parent_dir(target).join(BACKUP_DIR),
            stem,
            ext,
        })
    }

    /// The folder holding them.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The backup made at `stamp`.
    pub fn path_at(&self, stamp: NaiveDateTime) -> PathBuf {
        self.dir.join(format!(
            "{}.{}.{}",
            self.stem,
            stamp.format("%Y%m%dT%H%M%S"),
            self.ext
        ))
    }

    /// The names of the existing backups, oldest first (the stamp is fixed-width and
    /// most-significant first, so names sort by time).
    pub fn names(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut ours: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| self.stamp_of(n).is_some())
            .collect();
        ours.sort();
        ours
    }

    /// The stamp of one of these backups' names; `None` for any other name.
    pub fn stamp_of(&self, name: &str) -> Option<NaiveDateTime> {
        backup_stamp(name, &self.stem, &self.ext)
    }

    /// `wanted`, or one second after the newest backup when that is not earlier: backups never
    /// overwrite each other and always sort in the order they were made.
    pub fn next_stamp(&self, wanted: NaiveDateTime) -> NaiveDateTime {
        use chrono::Timelike as _;
        // Names carry whole seconds: compare at that resolution.
        let wanted = wanted.with_nanosecond(0).unwrap_or(wanted);
        let newest = self.names().iter().filter_map(|n| self.stamp_of(n)).max();
        match newest {
            Some(n) if n >= wanted => n + chrono::TimeDelta::seconds(1),
            _ => wanted,
        }
    }

    /// The base name a backup's temporary copy is named after (`.~STEM.EXT.dangol-….tmp`).
    fn temp_base(&self) -> OsString {
        OsString::from(format!("{}.{}", self.stem, self.ext))
    }

    /// Keeps the current `target` in `.dangol-backups/` beside it as `STEM.YYYYMMDDTHHMMSS.EXT`
    /// (the time comes from the caller, so tests and `--as-of` runs are reproducible): a hard link
    /// to the file when the file system allows it — no space is used, which matters on a nearly
    /// full disk, and the backup is the very file with its owner, group, mode and attributes —
    /// else a copy given the workbook's owner, group and mode. Old backups are not rotated here:
    /// [`BackupSet::rotate`] does that once the new version is in place, so a failed write never
    /// costs the owner an old backup.
    ///
    /// Returns the backup's path, or `None` when `target` does not exist.
    pub fn keep(
        &self,
        target: &Path,
        stamp: NaiveDateTime,
        warnings: &mut Vec<String>,
    ) -> Result<Option<PathBuf>, WritebackError> {
        if !target.exists() {
            return Ok(None);
        }
        fs::create_dir_all(&self.dir)?;
        let dest = self.path_at(stamp);
        if fs::hard_link(target, &dest).is_ok() {
            return Ok(Some(dest));
        }
        // No hard links here (a FAT or network drive): a copy, written atomically — a
        // half-copied backup would be worse than none.
        let mut staged = Staged::in_dir(&self.dir, &self.temp_base())?;
        io::copy(&mut File::open(target)?, staged.file())?;
        staged.take_attributes(target, &dest, warnings)?;
        staged.sync()?;
        staged.persist(&dest)?;
        Ok(Some(dest))
    }

    /// Deletes the oldest backups so that `keep` remain.
    pub fn rotate(&self, keep: u32) -> Result<(), WritebackError> {
        let ours = self.names();
        let excess = ours.len().saturating_sub(keep as usize);
        for old in &ours[..excess] {
            fs::remove_file(self.dir.join(old))?;
        }
        Ok(())
    }
}

/// Copies the current `target` into `.dangol-backups/` beside it (see [`BackupSet::keep`]), then
/// deletes the oldest backups of the same workbook so that `keep` remain.
///
/// Returns the backup's path, or `None` when `keep` is 0 or `target` does not exist yet.
pub fn backup(
    target: &Path,
    keep: u32,
    stamp: NaiveDateTime,
) -> Result<Option<PathBuf>, WritebackError> {
    if keep == 0 {
        return Ok(None);
    }
    let set = BackupSet::of(target)?;
    let made = set.keep(target, stamp, &mut Vec::new())?;
    if made.is_some() {
        set.rotate(keep)?;
    }
    Ok(made)
}

/// The names of `target`'s backups: its name split at the last dot, as text. A name that is
/// not UTF-8 gets a hash of its raw bytes after the readable part (`caf\xE9.xlsx` and
/// `caf\xE8.xlsx` both read `caf\u{FFFD}`: without the hash they would share, and rotate
/// away, each other's backups); a very long one is shortened so that backups and their
/// temporary copies fit in `NAME_MAX`.
pub(crate) fn backup_stem_ext(target: &Path) -> Result<(String, String), WritebackError> {
    let raw = file_name(target)?;
    let name = raw.to_string_lossy().into_owned();
    let (mut stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 16 => {
            (stem.to_string(), ext.to_string())
        }
        _ => (name.clone(), "bak".to_string()),
    };
    if raw.to_str().is_none() {
        stem.push_str(&format!("~{:08x}", fnv64(name_bytes(&raw)) as u32));
    }
    // `.~STEM.EXT.dangol-XXXXXX.tmp` is the longest name made from the stem.
    let room = NAME_MAX - 21 - ext.len();
    let stem = fitted(OsStr::new(&stem), room)
        .to_string_lossy()
        .into_owned();
    Ok((stem, ext))
}

/// The stamp of a backup name `STEM.` + `YYYYMMDDTHHMMSS` + `.EXT`.
fn backup_stamp(name: &str, stem: &str, ext: &str) -> Option<NaiveDateTime> {
    let stamp = name
        .strip_prefix(stem)?
        .strip_prefix('.')?
        .strip_suffix(ext)?
        .strip_suffix('.')?;
    let shaped = stamp.len() == 15
        && stamp
            .char_indices()
            .all(|(i, c)| if i == 8 { c == 'T' } else { c.is_ascii_digit() });
    if !shaped {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S").ok()
}

/// An exclusive lock on a workbook for the duration of one run, held on a lock file
/// `.~NAME.dangol.lock` beside it. Released when dropped (or when the process dies: the
/// operating system drops the lock with the file handle, so a killed run never leaves a
/// stale lock). A run that ends normally deletes the lock file, so that no empty file stays
/// beside the owner's workbook (see `Drop` for why that is safe against a concurrent run).
#[derive(Debug)]
pub struct WorkbookLock {
    file: Option<File>,
    path: PathBuf,
}

impl WorkbookLock {
    /// Takes the lock without waiting; a lock held by another run is
    /// [`WritebackError::Locked`].
    pub fn acquire(workbook: &Path) -> Result<Self, WritebackError> {
        let path = lock_path(workbook)?;
        // Each round either returns or saw the lock file deleted by a run that was releasing
        // it just then; that cannot go on for long.
        for _ in 0..100 {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| folder_error(&path, &e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(WritebackError::Locked {
                        workbook: workbook.to_path_buf(),
                        lock: path,
                    });
                }
                Err(TryLockError::Error(e)) => return Err(WritebackError::Io(e)),
            }
            // The lock only counts on the file that is at `path` now. A run that releases its
            // lock deletes the file first (while still holding it): if we opened that file
            // just before it was deleted, our lock is on a file no other run can find, so
            // open the path again (a fresh file, or the one a third run locked meanwhile).
            if same_file(&file, &path) {
                return Ok(WorkbookLock {
                    file: Some(file),
                    path,
                });
            }
        }
        Err(WritebackError::Locked {
            workbook: workbook.to_path_buf(),
            lock: path,
        })
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WorkbookLock {
    /// Deletes the lock file *while still holding the lock*, then releases it. Why this stays
    /// correct against a concurrent run B: while we hold the lock, `path` names our lock
    /// file (other runs only ever create the file when it is missing, and only the holder
    /// deletes it). If B opened our file before the delete, B either fails to lock it (we
    /// still hold it: B exits 3) or locks it after our release and then finds that `path`
    /// no longer names that file, so B retries on a fresh file (see [`WorkbookLock::acquire`]).
    /// Deleting *after* releasing would be wrong: B could lock the file in between and we
    /// would delete B's lock file, letting a third run lock a new one beside B.
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            if same_file(&file, &self.path) {
                let _ = fs::remove_file(&self.path);
            }
            drop(file);
        }
    }
}

/// Why a lock file could not be made, saying what that means: the new version of the
/// workbook could not be made in that folder either.
fn folder_error(lock: &Path, e: &io::Error) -> WritebackError {
    WritebackError::Io(io::Error::new(
        e.kind(),
        FolderError {
            folder: parent_dir(lock).to_path_buf(),
            kind: e.kind(),
            system: e.to_string(),
        },
    ))
}

/// A folder where dangol cannot create its lock file and the new version of the workbook,
/// carried inside the I/O error so that the message can be said in the workbook's language.
#[derive(Debug)]
pub struct FolderError {
    pub folder: PathBuf,
    pub kind: io::ErrorKind,
    /// What the system said, in its words (the English message keeps them).
    pub system: String,
}

impl FolderError {
    /// The message from the catalogue.
    pub fn text(&self) -> crate::i18n::Text {
        crate::text!(WriteNoFolder, folder = self.folder.display()).io_parts(
            "why",
            self.system.clone(),
            crate::i18n::io_error(&io::Error::from(self.kind)),
        )
    }
}

impl std::fmt::Display for FolderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().render(crate::model::Lang::En))
    }
}

impl std::error::Error for FolderError {}

/// Whether `path` names the open file `f` (same device and inode).
fn same_file(f: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (f.metadata(), fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = f;
        path.exists()
    }
}

/// `.~NAME.dangol.lock` beside the workbook (NAME shortened to fit in `NAME_MAX`).
pub fn lock_path(workbook: &Path) -> Result<PathBuf, WritebackError> {
    let mut name = OsString::from(".~");
    name.push(fitted(&file_name(workbook)?, NAME_MAX - 14));
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

    /// A reader that hands out its bytes a few at a time (1 to 7), as a pipe or a network
    /// file may.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.1 = self.1 % 7 + 1;
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn the_checksum_reads_the_bytes_not_how_they_were_read_and_sees_one_changed() {
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let sum = |b: &[u8]| checksum(&mut &b[..]).expect("read");
        let whole = sum(&bytes);
        assert_eq!(checksum(&mut Trickle(&bytes, 0)).expect("read"), whole);
        // One byte changed at the start, at the end of the first 64 KiB buffer, at the start
        // of the second, inside the third and at the very end; a zero byte added; the bytes
        // cut short (their last block padded).
        for at in [0, 65_535, 65_536, 131_075, bytes.len() - 1] {
            let mut changed = bytes.clone();
            changed[at] ^= 1;
            assert_ne!(sum(&changed), whole, "byte {at} changed, same checksum");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_ne!(sum(&longer), whole);
        assert_ne!(sum(&bytes[..bytes.len() - 1]), whole);
        assert_ne!(sum(&[]), sum(&[0]));
        // A length that is a multiple of the buffer: the last read is empty.
        let exact = &bytes[..1 << 17];
        assert_eq!(checksum(&mut Trickle(exact, 3)).expect("read"), sum(exact));
    }

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
        // Each version replaces the last by a rename, as dangol and Excel save (a backup may
        // be a hard link to the file it keeps).
        let put = |v: &str| atomic_replace(&wb, |f| Ok(io::Write::write_all(f, v.as_bytes())?));
        for h in 1..=4 {
            put(&format!("v{h}")).unwrap();
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
        put("v5").unwrap();
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
        let kept = dir
            .path()
            .join(BACKUP_DIR)
            .join("Shop.20250414T040000.xlsx");
        assert_eq!(fs::read_to_string(kept).unwrap(), "v4");
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
        // A released lock leaves no file beside the workbook.
        assert!(!dir.path().join(".~Shop.xlsx.dangol.lock").exists());
        let second = WorkbookLock::acquire(&wb).unwrap();
        // A run that opened the lock file just before its holder deleted it locks a file no
        // one else can find: it must notice and lock the file that is there now.
        let stale = File::open(second.path()).unwrap();
        drop(second);
        stale.try_lock().unwrap();
        let third = WorkbookLock::acquire(&wb).unwrap();
        assert!(third.path().exists());
        assert!(!same_file(&stale, third.path()));
    }

    #[test]
    fn long_and_non_utf8_names_fit_and_stay_apart() {
        let long = "가".repeat(80) + ".xlsx"; // 245 bytes
        let wb = Path::new("/d").join(&long);
        let lock = lock_path(&wb).unwrap();
        let n = lock.file_name().unwrap().len();
        assert!(n <= NAME_MAX, "{n}");
        let prefix = temp_prefix(OsStr::new(&long));
        assert!(prefix.len() + 10 <= NAME_MAX, "{}", prefix.len());
        assert!(prefix.to_str().unwrap().starts_with(".~가가"));
        let (stem, ext) = backup_stem_ext(&wb).unwrap();
        assert!(stem.len() + ext.len() + 21 <= NAME_MAX);
        assert_eq!(ext, "xlsx");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let e9 = Path::new(OsStr::from_bytes(b"caf\xe9.xlsx"));
            let e8 = Path::new(OsStr::from_bytes(b"caf\xe8.xlsx"));
            let (a, b) = (backup_stem_ext(e9).unwrap(), backup_stem_ext(e8).unwrap());
            assert_ne!(a, b);
            assert!(a.0.starts_with("caf\u{FFFD}~"), "{a:?}");
        }
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
