//! Opening a workbook or CSV and walking a sheet row by row without building a dense grid.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{Data, DataRef, Reader, Sheets};
use chrono::NaiveDateTime;

use super::csv::CsvSource;

/// One cell's value, borrowed where the reader allows.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Float(f64),
    Int(i64),
    Bool(bool),
    /// A date-formatted number (either date system) or an ISO date from ODS.
    Date(NaiveDateTime),
    /// An error value such as `#N/A`.
    Error(String),
    /// Excel's serial 60 in the 1900 system: 1900-02-29, a day that never was (kept from
    /// Lotus 1-2-3). Read as 1900-02-28, with a note.
    Leap1900(NaiveDateTime),
}

/// Excel's fictitious 1900-02-29 (serial 60 in the 1900 system), which calamine reads as
/// 1900-02-28 like serial 59.
fn is_serial_60(serial: f64, d: NaiveDateTime) -> bool {
    (60.0..61.0).contains(&serial)
        && d.date() == chrono::NaiveDate::from_ymd_opt(1900, 2, 28).unwrap_or_default()
}

impl Cell<'_> {
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as the user would read it, for messages and header text.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.to_string(),
            Cell::Float(f) => format!("{f}"),
            Cell::Int(i) => i.to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Date(d) => {
                if d.time() == chrono::NaiveTime::MIN {
                    d.format("%Y-%m-%d").to_string()
                } else {
                    d.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            }
            Cell::Error(e) => e.clone(),
            Cell::Leap1900(_) => "1900-02-29".to_string(),
        }
    }
}

fn from_dataref(d: DataRef<'_>) -> Cell<'_> {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(Cow::Owned(s)),
        DataRef::SharedString(s) => Cell::Text(Cow::Borrowed(s)),
        DataRef::Float(f) => Cell::Float(f),
        DataRef::Int(i) => Cell::Int(i),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(d) if dt.is_datetime() && is_serial_60(dt.as_f64(), d) => Cell::Leap1900(d),
            Some(d) if dt.is_datetime() => Cell::Date(d),
            _ => Cell::Float(dt.as_f64()),
        },
        DataRef::DateTimeIso(s) => iso_cell(s),
        DataRef::DurationIso(s) => Cell::Text(Cow::Owned(s)),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn iso_cell<'a>(s: String) -> Cell<'a> {
    let parsed = NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        });
    match parsed {
        Some(d) => Cell::Date(d),
        None => Cell::Text(Cow::Owned(s)),
    }
}

fn from_data(d: &Data) -> Cell<'_> {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(Cow::Borrowed(s)),
        Data::Float(f) => Cell::Float(*f),
        Data::Int(i) => Cell::Int(*i),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(x) if dt.is_datetime() && is_serial_60(dt.as_f64(), x) => Cell::Leap1900(x),
            Some(x) if dt.is_datetime() => Cell::Date(x),
            _ => Cell::Float(dt.as_f64()),
        },
        Data::DateTimeIso(s) => iso_cell(s.clone()),
        Data::DurationIso(s) => Cell::Text(Cow::Owned(s.clone())),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// The kinds of input file dangol reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Xlsx,
    Xls,
    Xlsb,
    Ods,
    Csv,
}

/// Why an input file could not be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{}", crate::text!(OpenNotFound, path = path))]
    NotFound { path: String },
    #[error("{}", crate::text!(OpenEmpty, path = path))]
    Empty { path: String },
    #[error("{}", crate::text!(OpenEncrypted, path = path))]
    Encrypted { path: String },
    #[error("{path}: {detail}")]
    WrongContent {
        path: String,
        detail: crate::i18n::Text,
    },
    #[error("{}", crate::text!(OpenUnsupported, path = path, ext = ext))]
    Unsupported { path: String, ext: String },
    #[error("{}", crate::text!(OpenCorrupt, path = path).io_parts("detail", detail.clone(), crate::text!(GuardDetail)))]
    Corrupt { path: String, detail: String },
    /// The pre-flight guard refused the package (zip bomb, tampered names, DOCTYPE, …).
    #[error("{path}: {reason}")]
    Refused {
        path: String,
        reason: super::guard::GuardError,
    },
    /// Said in the catalogue's words (the system's only as a detail of an uncommon kind), so
    /// it is printed without its source.
    #[error("{}", crate::text!(ReadFailed, path = path).text("why", crate::i18n::read_error(source)))]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// Transparent: a source would print the message twice in `{:#}`.
    #[error(transparent)]
    Csv(#[from] super::csv::CsvError),
}

/// Sniff what the bytes really are, whatever the extension says.
fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Some("zip")
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("ole")
    } else {
        let t = String::from_utf8_lossy(head)
            .trim_start_matches('\u{feff}')
            .trim_start()
            .to_ascii_lowercase();
        if t.starts_with("<!doctype html") || t.starts_with("<html") || t.starts_with("<table") {
            Some("html")
        } else if t.starts_with("<?xml") {
            Some("xml")
        } else {
            None
        }
    }
}

/// Decide how to read a file from its extension and its first bytes.
pub fn file_kind(path: &Path) -> Result<FileKind, OpenError> {
    let p = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => OpenError::NotFound { path: p.clone() },
        _ => OpenError::Io {
            path: p.clone(),
            source: e,
        },
    })?;
    if meta.len() == 0 {
        return Err(OpenError::Empty { path: p });
    }
    let mut head = [0u8; 512];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| OpenError::Io {
            path: p.clone(),
            source: e,
        })?;
    let head = &head[..n];
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let what = sniff(head);
    let wrong = |detail: crate::i18n::Text| OpenError::WrongContent {
        path: p.clone(),
        detail,
    };
    match ext.as_str() {
        "xlsx" | "xlsm" => match what {
            Some("zip") => Ok(FileKind::Xlsx),
            // Office writes encrypted OOXML inside an OLE container.
            Some("ole") => {
                if is_encrypted_ole(path) {
                    Err(OpenError::Encrypted { path: p })
                } else {
                    Err(wrong(crate::text!(WrongXlsxIsXls)))
                }
            }
            Some("html") => Err(wrong(crate::text!(WrongIsHtml, ext = ext))),
            _ if looks_like_text(head) => Err(wrong(crate::text!(WrongIsText, ext = ext))),
            _ => Err(OpenError::Corrupt {
                path: p,
                detail: "not a zip package".into(),
            }),
        },
        "xlsb" => match what {
            Some("zip") => Ok(FileKind::Xlsb),
            _ => Err(wrong(crate::text!(WrongNotXlsb))),
        },
        "xls" => match what {
            Some("ole") => {
                if is_encrypted_ole(path) {
                    Err(OpenError::Encrypted { path: p })
                } else {
                    Ok(FileKind::Xls)
                }
            }
            Some("zip") => Err(wrong(crate::text!(WrongXlsIsXlsx))),
            Some("html") => Err(wrong(crate::text!(WrongIsHtml, ext = ext))),
            _ if looks_like_text(head) => Err(wrong(crate::text!(WrongIsText, ext = ext))),
            _ => Err(OpenError::Corrupt {
                path: p,
                detail: "not an Excel 97-2003 file".into(),
            }),
        },
        "ods" => match what {
            Some("zip") => Ok(FileKind::Ods),
            _ => Err(wrong(crate::text!(WrongNotOds))),
        },
        "csv" | "tsv" | "txt" => match what {
            Some("zip") => Err(wrong(crate::text!(WrongCsvIsZip, ext = ext))),
            Some("ole") => Err(wrong(crate::text!(WrongCsvIsXls, ext = ext))),
            _ => Ok(FileKind::Csv),
        },
        _ => Err(OpenError::Unsupported { path: p, ext }),
    }
}

fn looks_like_text(head: &[u8]) -> bool {
    !head.is_empty() && !head.contains(&0) && std::str::from_utf8(head).is_ok()
}

fn is_encrypted_ole(path: &Path) -> bool {
    // Encrypted OOXML is an OLE file holding an `EncryptionInfo` stream; its UTF-16 name
    // appears in the directory. Encrypted .xls has a FILEPASS record, which calamine reports.
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let needle: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// An opened input.
pub enum Input {
    Book {
        sheets: Box<Sheets<BufReader<File>>>,
        kind: FileKind,
        /// The workbook's path as shown in messages (never an empty location).
        shown: String,
    },
    Csv {
        path: std::path::PathBuf,
        encoding: Option<String>,
    },
}

impl Input {
    /// Open with the environment's input limits (`DANGOL_MAX_*`, else the built-in ones).
    pub fn open(path: &Path, encoding: Option<&str>) -> Result<Input, OpenError> {
        Input::open_with(path, encoding, &super::guard::Limits::from_env())
    }

    /// Open, checking a zip-based package against `limits` first.
    pub fn open_with(
        path: &Path,
        encoding: Option<&str>,
        limits: &super::guard::Limits,
    ) -> Result<Input, OpenError> {
        let kind = file_kind(path)?;
        let p = path.display().to_string();
        if kind == FileKind::Csv {
            return Ok(Input::Csv {
                path: path.to_path_buf(),
                encoding: encoding.map(str::to_string),
            });
        }
        // Zip-based packages pass the guard before calamine inflates anything.
        if matches!(kind, FileKind::Xlsx | FileKind::Xlsb | FileKind::Ods) {
            super::guard::check_file(path, limits).map_err(|reason| OpenError::Refused {
                path: p.clone(),
                reason,
            })?;
        }
        if kind == FileKind::Xls {
            super::guard::check_ole_file(path).map_err(|reason| OpenError::Refused {
                path: p.clone(),
                reason,
            })?;
        }
        let sheets =
            contained(&p, || calamine::open_workbook_auto(path))?.map_err(|e| classify(&p, &e))?;
        Ok(Input::Book {
            sheets: Box::new(sheets),
            kind,
            shown: p,
        })
    }

    /// Sheet names in workbook order (a CSV is one sheet named after the file).
    pub fn sheet_names(&self) -> Vec<String> {
        match self {
            // Worksheets only: a chart sheet holds no cells (reading it as one made every
            // workbook with a chart sheet "damaged").
            Input::Book { sheets, .. } => sheets
                .sheets_metadata()
                .iter()
                .filter(|s| s.typ == calamine::SheetType::WorkSheet)
                .map(|s| s.name.clone())
                .collect(),
            Input::Csv { path, .. } => {
                vec![
                    path.file_stem()
                        .and_then(|s| s.to_str())
                        .unwrap_or("csv")
                        .to_string(),
                ]
            }
        }
    }

    /// Visit the rows of a sheet in order; `f` gets the 0-based row index and the row's cells
    /// (index = column); it returns `false` to stop early. Blank rows are skipped.
    pub fn for_each_row<F>(&mut self, sheet: &str, mut f: F) -> Result<(), OpenError>
    where
        F: FnMut(u32, &[Cell<'_>]) -> bool,
    {
        match self {
            Input::Csv { path, encoding } => {
                let mut src = CsvSource::open(path, encoding.as_deref())?;
                csv_rows(&mut src, f)
            }
            Input::Book {
                sheets,
                kind,
                shown,
            } => {
                // The workbook and the sheet: `shop.xlsx, sheet 'Chart1': the workbook is damaged …`.
                let p = format!("{shown}, sheet '{sheet}'");
                match sheets.as_mut() {
                    Sheets::Xlsx(x) => {
                        let mut rd = contained(&p, || x.worksheet_cells_reader(sheet))?
                            .map_err(|e| classify(&p, &calamine::Error::Xlsx(e)))?;
                        stream_rows(
                            &p,
                            || {
                                rd.next_cell()
                                    .map_err(|e| classify(&p, &calamine::Error::Xlsx(e)))
                            },
                            &mut f,
                        )
                    }
                    Sheets::Xlsb(x) => {
                        let mut rd = contained(&p, || x.worksheet_cells_reader(sheet))?
                            .map_err(|e| classify(&p, &calamine::Error::Xlsb(e)))?;
                        stream_rows(
                            &p,
                            || {
                                rd.next_cell()
                                    .map_err(|e| classify(&p, &calamine::Error::Xlsb(e)))
                            },
                            &mut f,
                        )
                    }
                    Sheets::Xls(_) | Sheets::Ods(_) => {
                        let _ = kind;
                        let range = contained(&p, || sheets.worksheet_range(sheet))?
                            .map_err(|e| classify(&p, &e))?;
                        let (r0, c0) = range.start().unwrap_or((0, 0));
                        let mut row: Vec<Cell<'_>> = Vec::new();
                        for (i, cells) in range.rows().enumerate() {
                            row.clear();
                            row.resize(c0 as usize, Cell::Empty);
                            row.extend(cells.iter().map(from_data));
                            if row.iter().all(Cell::is_blank) {
                                continue;
                            }
                            if !f(r0 + i as u32, &row) {
                                break;
                            }
                        }
                        Ok(())
                    }
                }
            }
        }
    }
}

/// [`Input::for_each_row`] for a CSV reader: visits its rows in order (blank rows skipped);
/// `f` returns `false` to stop early.
pub fn csv_rows<F>(src: &mut CsvSource, mut f: F) -> Result<(), OpenError>
where
    F: FnMut(u32, &[Cell<'_>]) -> bool,
{
    // The fields are lent by the reader and the two vectors reused for every row: no
    // allocation per row or per field (see `recycle`).
    let mut spare_fields: Vec<&'static str> = Vec::new();
    let mut spare_row: Vec<Cell<'static>> = Vec::new();
    loop {
        let mut fields = recycle(std::mem::take(&mut spare_fields));
        let Some(r) = src.read_fields(&mut fields)? else {
            break;
        };
        let mut row = recycle_row(std::mem::take(&mut spare_row));
        row.extend(fields.iter().map(|s| Cell::Text(Cow::Borrowed(*s))));
        let go = row.iter().all(Cell::is_blank) || f(r, &row);
        spare_row = recycle_row(row);
        spare_fields = recycle(fields);
        if !go {
            break;
        }
    }
    Ok(())
}

/// Empties a vector and hands its allocation back under another lifetime, so that a buffer of
/// borrowed cells can be reused from row to row (the standard library collects in place: no
/// allocation, no copy).
fn recycle<'b>(mut v: Vec<&str>) -> Vec<&'b str> {
    v.clear();
    v.into_iter().map(|_| "").collect()
}

/// [`recycle`] for a row of cells.
fn recycle_row<'b>(mut v: Vec<Cell<'_>>) -> Vec<Cell<'b>> {
    v.clear();
    v.into_iter().map(|_| Cell::Empty).collect()
}

thread_local! {
    /// Set while a reader call runs under [`contained`]: its panics are reported, not printed.
    static IN_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a call into the spreadsheet reader so that a panic inside it (a malformed file
/// tripping an unchecked index in calamine) becomes "the workbook is damaged", not a crash.
/// Only the reader's own calls are wrapped: a panic in dangol's code still shows as one.
fn contained<T>(path: &str, f: impl FnOnce() -> T) -> Result<T, OpenError> {
    contained_raw(f).map_err(|p| reader_failed(path, &p))
}

/// Runs `f` with the reader flag set, catching a panic.
fn contained_raw<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_READER.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    IN_READER.with(|c| c.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_READER.with(|c| c.set(false));
    result
}

/// The error for a panic inside the spreadsheet reader.
fn reader_failed(path: &str, payload: &(dyn std::any::Any + Send)) -> OpenError {
    let why = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(ToString::to_string))
        .unwrap_or_else(|| "unknown".into());
    OpenError::Corrupt {
        path: path.to_string(),
        detail: format!("the spreadsheet reader failed: {why}"),
    }
}

/// Groups the cells a streaming reader yields (`next`) into rows and hands each non-blank row
/// to `f`, until `f` says stop. One panic guard covers the whole loop (a guard per cell costs a
/// few per cent of a million-row read); `f` is dangol's own code, so it runs with the reader
/// flag off and a panic in it is raised again rather than blamed on the file.
fn stream_rows<'a, F>(
    path: &str,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<calamine::DataRef<'a>>>, OpenError>,
    f: &mut F,
) -> Result<(), OpenError>
where
    F: FnMut(u32, &[Cell<'_>]) -> bool,
{
    let in_f = std::cell::Cell::new(false);
    let mut call = |r: u32, row: &[Cell<'_>]| -> bool {
        in_f.set(true);
        IN_READER.with(|c| c.set(false));
        let go = f(r, row);
        IN_READER.with(|c| c.set(true));
        in_f.set(false);
        go
    };
    contained_loop(path, &in_f, || -> Result<(), OpenError> {
        let mut row: Vec<Cell<'_>> = Vec::new();
        let mut cur: Option<u32> = None;
        while let Some(cell) = next()? {
            let (r, c) = cell.get_position();
            if cur != Some(r) {
                if let Some(cr) = cur
                    && !row.iter().all(Cell::is_blank)
                    && !call(cr, &row)
                {
                    return Ok(());
                }
                row.clear();
                cur = Some(r);
            }
            let c = c as usize;
            // Guard against absurd column indices in hostile files.
            if c > 16_384 {
                continue;
            }
            if row.len() <= c {
                row.resize(c + 1, Cell::Empty);
            }
            row[c] = from_dataref(cell.get_value().clone());
        }
        if let Some(cr) = cur
            && !row.iter().all(Cell::is_blank)
        {
            call(cr, &row);
        }
        Ok(())
    })
}

/// [`contained`] for a loop that also calls dangol's own code: a panic raised while `user` is
/// set came from that code and is raised again, not reported as a damaged file.
fn contained_loop<T>(
    path: &str,
    user: &std::cell::Cell<bool>,
    f: impl FnOnce() -> Result<T, OpenError>,
) -> Result<T, OpenError> {
    match contained_raw(f) {
        Ok(r) => r,
        Err(p) if user.get() => std::panic::resume_unwind(p),
        Err(p) => Err(reader_failed(path, &p)),
    }
}

/// Turn calamine's errors into the user's words.
fn classify(path: &str, e: &calamine::Error) -> OpenError {
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        OpenError::Encrypted {
            path: path.to_string(),
        }
    } else {
        OpenError::Corrupt {
            path: path.to_string(),
            detail: text,
        }
    }
}
