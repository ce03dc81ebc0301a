//! Writing results back into the owner's workbook without disturbing anything else: a
//! package-level merge of dangol's generated sheets into an `.xlsx`/`.xlsm`, streaming cell
//! edits of one user sheet, a values-only copy for inputs that cannot be edited in place, and
//! the file-safety pieces (atomic replace, backups, run lock).
//!
//! An `.xlsx` file is a zip of XML parts. The owner's parts are carried over as raw compressed
//! bytes; only the few parts that list sheets, styles and content types are edited, by
//! splicing new elements into the original bytes so that everything else in them survives.

mod edit;
mod job;
mod merge;
mod package;
pub mod remind_edits;
pub mod safe;
mod styles;
mod values;
mod xml;

use std::path::PathBuf;

pub use edit::{
    CellEdit, EditValue, edit_cells, edit_cells_checked, edit_cells_from, edit_cells_with,
};
pub use job::{
    TEST_PAUSE_ENV, WriteJob, WriteKind, WriteOptions, WriteReport, set_new_file_mode, write_back,
};
pub use merge::{
    GENERATED_PROPERTY, MergeOptions, MergeSummary, generated_sheets, generated_sheets_with,
    merge_generated, merge_generated_from,
};
pub use safe::{
    Fingerprint, WorkbookLock, atomic_replace, backup, excel_owner_file, lock_path, resolve_link,
};
pub use values::{values_output_path, values_workbook};

/// Everything that can stop a write-back. The original workbook is never modified when one
/// of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum WritebackError {
    /// Another dangol run holds the workbook's lock (the binary exits 3).
    #[error("{}", crate::text!(WriteLocked, workbook = workbook.display(), lock = lock.display()))]
    Locked { workbook: PathBuf, lock: PathBuf },
    /// A spreadsheet program has the workbook open (its owner file is beside it); writing now
    /// would be lost when the owner saves (the binary exits 3; `--force` writes anyway).
    #[error("{}", crate::text!(WriteOpenElsewhere, workbook = workbook.display(), owner = owner.display()))]
    OpenElsewhere { workbook: PathBuf, owner: PathBuf },
    /// The workbook changed on disk while the run was working on it (its owner saved it):
    /// it is not replaced, so that save is kept (the binary exits 3; the next run reads it).
    #[error("{}", crate::text!(WriteChanged, workbook = workbook.display()))]
    Changed { workbook: PathBuf },
    /// A sheet the owner made carries the name of a sheet dangol generates.
    #[error("{}", crate::text!(WriteSheetClash, sheet = sheet))]
    UserSheetNameClash { sheet: String },
    /// A part of the package is missing or is not what the format says it must be.
    #[error("{part}: {message}")]
    Malformed { part: String, message: String },
    /// A request that cannot be carried out on this workbook.
    #[error("{0}")]
    Invalid(String),
    /// A request that cannot be carried out, in the catalogue's words.
    #[error("{0}")]
    Said(crate::i18n::Text),
    /// The new version could not be written (a full disk, a read-only folder): the target
    /// and what the system said; nothing was changed.
    /// (Not a `source`: the message already says what the system said.)
    #[error("{}", crate::text!(WriteFailed, target = target.display()).io("error", error))]
    NotWritten {
        target: PathBuf,
        error: std::io::Error,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("zip: {0}")]
    Zip(zip::result::ZipError),
}

impl From<zip::result::ZipError> for WritebackError {
    /// An I/O error inside the zip writer (a full disk) stays an I/O error with its message.
    fn from(e: zip::result::ZipError) -> Self {
        match e {
            zip::result::ZipError::Io(io) => WritebackError::Io(io),
            other => WritebackError::Zip(other),
        }
    }
}

impl WritebackError {
    pub(crate) fn malformed(part: &str, message: impl Into<String>) -> Self {
        WritebackError::Malformed {
            part: part.to_string(),
            message: message.into(),
        }
    }
}
