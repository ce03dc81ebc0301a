//! The files dangol writes besides the owner's workbook — the weekly PDF, the mail-merge CSV,
//! `.eml` drafts, `sample`/`init` workbooks, `--out` copies — and the rules they follow:
//!
//! - an output path is never one of the inputs (same canonical path, or the same device and
//!   inode: hard links and symlinks included) — a usage error, exit 2;
//! - an existing file dangol did not make is never replaced without `--force` (exit 2);
//! - an existing file is backed up into `.dangol-backups/` (like a workbook) before it is
//!   replaced, unless it already holds exactly the new bytes;
//! - a new file follows the umask and never gets wider access than the workbook it came from.
//!
//! How dangol knows it made a file (no file carries a signature the owner's files could not):
//! a workbook (`.xlsx`/`.xlsm`) holds dangol's `dangol.generated` custom document property (every
//! workbook dangol has written its sheets into); a PDF has `dangol` as its `/Creator`; an
//! `.eml` draft is named `NNN-….eml` and has dangol's `X-Unsent: 1` draft header; a CSV starts
//! with exactly the header line dangol writes for that file.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::writeback::{self, WritebackError};

/// Why an output was refused: a usage error (exit 2), nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("{}", crate::text!(RefusedIsInput, flag = flag, out = out, input = input))]
    IsInput {
        flag: String,
        out: String,
        input: String,
    },
    #[error("{}", crate::text!(RefusedNotOurs, path = path, backups = backups))]
    NotOurs { path: String, backups: String },
}

/// What kind of file an output is, to tell whether an existing one was made by dangol.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A workbook: dangol's when it has the `dangol.generated` property.
    Workbook,
    /// A PDF: dangol's when its `/Creator` is `dangol`.
    Pdf,
    /// An `.eml` draft: dangol's when named `NNN-….eml` with the `X-Unsent: 1` header.
    Eml,
    /// A CSV: dangol's when it starts with exactly these bytes (its BOM and header line).
    Csv(Vec<u8>),
}

/// Whether `a` and `b` name the same file: the same canonical path, or (both existing) the
/// same device and inode. A path that does not exist yet is compared by its canonical folder
/// and its name.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if let (Ok(x), Ok(y)) = (fs::metadata(a), fs::metadata(b))
            && x.dev() == y.dev()
            && x.ino() == y.ino()
        {
            return true;
        }
    }
    match (canonical(a), canonical(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The canonical form of `p`, or of its folder joined with its name when `p` does not exist.
fn canonical(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = fs::canonicalize(p) {
        return Some(c);
    }
    let name = p.file_name()?;
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(fs::canonicalize(dir).ok()?.join(name))
}

/// Refuses `out` (given with `flag`, e.g. `--out`) when it is any of `inputs`.
pub fn refuse_input(flag: &str, out: &Path, inputs: &[&Path]) -> Result<(), Refused> {
    match inputs.iter().find(|i| same_file(out, i)) {
        Some(i) => Err(Refused::IsInput {
            flag: flag.to_string(),
            out: out.display().to_string(),
            input: i.display().to_string(),
        }),
        None => Ok(()),
    }
}

/// The inputs of a command reading `workbook`: the workbook, the settings file (`--config`, or
/// `dangol.toml` beside the workbook when there is one) and any other file given (a font).
pub fn inputs<'a>(
    workbook: &'a Path,
    config: Option<&'a Path>,
    extra: &[&'a Path],
) -> Vec<PathBuf> {
    let mut v = vec![workbook.to_path_buf()];
    if let Some(c) = config {
        v.push(c.to_path_buf());
    } else {
        let beside = workbook
            .parent()
            .unwrap_or(Path::new(""))
            .join("dangol.toml");
        if beside.exists() {
            v.push(beside);
        }
    }
    v.extend(extra.iter().map(|p| p.to_path_buf()));
    v
}

/// Files larger than this are never read to tell whether dangol made them (none of dangol's
/// outputs other than workbooks come near it).
const SNIFF_LIMIT: u64 = 256 * 1024 * 1024;

/// Whether the existing file at `path` was made by dangol (see the module notes).
pub fn made_by_dangol(path: &Path, kind: &Kind) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() > SNIFF_LIMIT {
        return false;
    }
    match kind {
        Kind::Workbook => workbook_is_ours(path),
        Kind::Pdf => pdf_is_ours(path),
        Kind::Eml => eml_is_ours(path),
        Kind::Csv(head) => starts_with(path, head),
    }
}

fn starts_with(path: &Path, head: &[u8]) -> bool {
    let Ok(f) = File::open(path) else {
        return false;
    };
    let mut buf = Vec::with_capacity(head.len());
    if f.take(head.len() as u64).read_to_end(&mut buf).is_err() {
        return false;
    }
    !head.is_empty() && buf == head
}

fn workbook_is_ours(path: &Path) -> bool {
    let Ok(f) = File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(f)) else {
        return false;
    };
    let Ok(part) = zip.by_name("docProps/custom.xml") else {
        return false;
    };
    let mut text = String::new();
    if part
        .take(4 * 1024 * 1024)
        .read_to_string(&mut text)
        .is_err()
    {
        return false;
    }
    text.contains(&format!("name=\"{}\"", writeback::GENERATED_PROPERTY))
}

fn pdf_is_ours(path: &Path) -> bool {
    let Ok(doc) = lopdf::Document::load(path) else {
        return false;
    };
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .and_then(|id| doc.get_dictionary(id));
    let Ok(info) = info else { return false };
    info.get(b"Creator")
        .and_then(lopdf::Object::as_str)
        .is_ok_and(|c| pdf_text(c) == "dangol")
}

/// A PDF text string: UTF-16BE after a byte-order mark, else (`PDFDocEncoding`'s ASCII part) bytes.
fn pdf_text(b: &[u8]) -> String {
    match b.strip_prefix(&[0xfe, 0xff]) {
        Some(u) => {
            let units: Vec<u16> = u
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => String::from_utf8_lossy(b).into_owned(),
    }
}

fn eml_is_ours(path: &Path) -> bool {
    let named = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        let b = n.as_bytes();
        b.len() > 8
            && b[..3].iter().all(u8::is_ascii_digit)
            && b[3] == b'-'
            && Path::new(n).extension().is_some_and(|e| e == "eml")
    });
    if !named {
        return false;
    }
    let Ok(f) = File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    if f.take(64 * 1024).read_to_end(&mut head).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&head);
    let headers = text.split("\r\n\r\n").next().unwrap_or_default();
    headers.split("\r\n").any(|l| l == "X-Unsent: 1")
}

/// Where backups of `path` go: `.dangol-backups/` beside it.
fn backup_dir(path: &Path) -> PathBuf {
    path.parent()
        .unwrap_or(Path::new(""))
        .join(writeback::safe::BACKUP_DIR)
}

/// Before replacing `path`: refuses a file dangol did not make (unless `force`); returns
/// `Ok(true)` when the file already exists (the caller backs it up with [`replace`]).
pub fn check_replace(path: &Path, kind: &Kind, force: bool) -> Result<bool, Refused> {
    if fs::symlink_metadata(path).is_err() {
        return Ok(false);
    }
    if force || made_by_dangol(path, kind) {
        return Ok(true);
    }
    Err(Refused::NotOurs {
        path: path.display().to_string(),
        backups: backup_dir(path).display().to_string(),
    })
}

/// How a replaced file is backed up.
#[derive(Debug, Clone, Copy)]
pub struct Backups {
    /// How many to keep (0: none).
    pub keep: u32,
    /// The backup's time stamp.
    pub stamp: chrono::NaiveDateTime,
}

impl Backups {
    /// The default number of backups, stamped with the clock.
    pub fn default_now() -> Backups {
        Backups {
            keep: crate::settings::Settings::defaults().backups,
            stamp: chrono::Local::now().naive_local(),
        }
    }
}

/// What [`write_output`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The backup of the file replaced, when one was made.
    pub backup: Option<PathBuf>,
    /// The file already held exactly these bytes: nothing was written.
    pub unchanged: bool,
}

/// Writes `bytes` to `path` by the rules of this module: refuses a file dangol did not make
/// (unless `force`), backs up an existing one (none when it already holds these bytes),
/// replaces atomically; a new file gets [`new_file_mode`] of `like` (the workbook).
pub fn write_output(
    path: &Path,
    bytes: &[u8],
    kind: &Kind,
    force: bool,
    backups: Backups,
    like: Option<&Path>,
) -> anyhow::Result<Written> {
    let exists = check_replace(path, kind, force)?;
    let cannot = || format!("cannot write {}", path.display());
    let mut backup = None;
    if exists {
        if fs::read(path).is_ok_and(|old| old == bytes) {
            return Ok(Written {
                backup: None,
                unchanged: true,
            });
        }
        backup = backup_of(path, backups).map_err(|e| anyhow::Error::new(e).context(cannot()))?;
    }
    let mode = new_file_mode(like);
    writeback::atomic_replace(path, |f| {
        f.write_all(bytes)?;
        set_mode(f, mode)
    })
    .map_err(|e| anyhow::Error::new(e).context(cannot()))?;
    Ok(Written {
        backup,
        unchanged: false,
    })
}

/// The one way the weekly PDF is written (`run` and `report` alike): its folder made when
/// missing, then [`write_output`] by this module's rules ([`Kind::Pdf`]: an existing PDF is
/// replaced only when dangol made it), a new file no more readable than the workbook `like`.
pub fn write_pdf(
    path: &Path,
    bytes: &[u8],
    force: bool,
    backups: Backups,
    like: Option<&Path>,
) -> anyhow::Result<Written> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        use anyhow::Context as _;
        fs::create_dir_all(dir).with_context(|| format!("cannot write {}", path.display()))?;
    }
    write_output(path, bytes, &Kind::Pdf, force, backups, like)
}

/// Backs up the existing `path` into `.dangol-backups/` beside it.
pub fn backup_of(path: &Path, b: Backups) -> Result<Option<PathBuf>, WritebackError> {
    writeback::backup(path, b.keep, b.stamp)
}

/// The process's umask (Linux: from `/proc/self/status`, which reads it without changing it;
/// elsewhere the usual 022).
pub fn umask() -> u32 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        .unwrap_or(0o022)
}

/// The mode of a new output file: what the umask allows of `rw-rw-rw-`, and never more than
/// the workbook `like` allows (its owner keeps read and write).
pub fn new_file_mode(like: Option<&Path>) -> u32 {
    let mut mode = 0o666 & !umask();
    #[cfg(unix)]
    if let Some(m) = like.and_then(|p| fs::metadata(p).ok()) {
        use std::os::unix::fs::PermissionsExt as _;
        mode &= m.permissions().mode() | 0o600;
    }
    #[cfg(not(unix))]
    let _ = like;
    mode
}

/// Sets `f`'s permission bits to `mode` (Unix; nothing elsewhere).
pub fn set_mode(f: &File, mode: u32) -> Result<(), WritebackError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        f.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (f, mode);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_file_sees_links_and_new_paths() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("shop.xlsx");
        fs::write(&a, "x").unwrap();
        assert!(same_file(&a, &dir.path().join(".").join("shop.xlsx")));
        let hard = dir.path().join("hard.xlsx");
        fs::hard_link(&a, &hard).unwrap();
        assert!(same_file(&hard, &a));
        #[cfg(unix)]
        {
            let soft = dir.path().join("soft.xlsx");
            std::os::unix::fs::symlink(&a, &soft).unwrap();
            assert!(same_file(&soft, &a));
        }
        assert!(!same_file(&dir.path().join("new.pdf"), &a));
        assert!(same_file(
            &dir.path().join("new.pdf"),
            &dir.path().join("./new.pdf")
        ));
    }

    #[test]
    fn umask_bits_are_removed() {
        let m = new_file_mode(None);
        assert_eq!(m & !0o666, 0);
        assert_eq!(m & umask(), 0);
    }
}
