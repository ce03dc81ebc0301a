//! CSV/TSV input: a streaming record reader that detects the text encoding (UTF-8, UTF-16 with
//! a BOM, CP949 from Korean Excel), sniffs the delimiter and tells the user plainly when a file
//! is not CSV text at all.
//!
//! # How the encoding is chosen
//!
//! The first 64 KiB (the *sample*) decide, in this order:
//!
//! 1. A byte-order mark wins, even over `--encoding` (as in the WHATWG Encoding standard):
//!    `EF BB BF` → UTF-8, `FF FE` → UTF-16LE, `FE FF` → UTF-16BE.
//! 2. The `--encoding` label, if given (`utf-8`, `cp949`/`euc-kr`/`ms949`, `utf-16le`,
//!    `utf-16be`, `windows-1252`, or any WHATWG label).
//! 3. A sample that is valid UTF-8 (a character cut by the sample boundary is fine) → UTF-8;
//!    so is a sample whose first line with non-ASCII bytes is UTF-8 (a file that switches
//!    encodings later then fails at the first line that is not UTF-8, see below).
//! 4. A sample that decodes as CP949 without errors → CP949 (`encoding_rs::EUC_KR`, which is
//!    windows-949 — it includes the UHC extension Hangul such as `똠`).
//! 5. Otherwise windows-1252, reported as `"windows-1252 (guessed)"`.
//!
//! A pure-ASCII sample does not decide between UTF-8 and CP949. The reader then starts as
//! UTF-8 and settles on the first record holding a non-ASCII byte: valid UTF-8 → UTF-8, else
//! valid CP949 → CP949 (so a CP949 export whose first 64 KiB are ASCII still decodes exactly,
//! and [`CsvSource::encoding_name`] changes from `"UTF-8"` to `"EUC-KR"`), else a
//! [`CsvError::Decode`] naming the row. Once the encoding is settled, a record whose bytes are
//! not valid in it is a [`CsvError::Decode`] naming the row and suggesting `--encoding` — the
//! reader never turns bytes into mojibake silently. (UTF-16 input goes through
//! `encoding_rs_io`; an unpaired surrogate there becomes U+FFFD, which UTF-16 can also encode
//! legitimately, so it is not flagged.)
//!
//! # Why records are decoded after splitting
//!
//! UTF-8, CP949 and single-byte encodings are split into fields on their raw bytes and each
//! field is decoded on its own. That is safe because none of the bytes the CSV grammar uses
//! (`,` `;` tab `|` `"` CR LF) can occur inside a multi-byte character of these encodings
//! (CP949 trail bytes are letters or ≥ 0x81), and it gives errors with exact rows and the
//! ASCII → CP949 switch above. Every other encoding (UTF-16, `Shift_JIS`, Big5, …) is transcoded
//! to UTF-8 by `encoding_rs_io` before splitting. Either way only the sample and the
//! splitter's buffer (256 KiB, more only for a longer record) are held in memory.
//!
//! # How records are split
//!
//! A line without a quote character is split on the delimiter where it lies in the buffer
//! (`memchr`); the first record and every record whose line holds a quote go through
//! `csv_core`, the csv crate's own parser, so quoted fields, doubled quotes and line breaks
//! inside quotes read exactly as the csv crate reads them. See [`Splitter`].
//!
//! # Rows
//!
//! [`CsvSource::row_index`] is the 0-based row a spreadsheet shows when it opens the file:
//! blank lines count as rows (they are skipped, not returned), and a quoted field with line
//! breaks inside keeps its record on one row. Old-Mac files that end lines with CR alone are
//! read as if they used LF.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};

use encoding_rs::{
    DecoderResult, EUC_KR, Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252,
};
use encoding_rs_io::DecodeReaderBytesBuilder;

/// How many bytes are read up front to detect the encoding and the delimiter.
const SAMPLE_LEN: usize = 64 * 1024;
/// How many records of the sample the delimiter sniffer looks at.
const SNIFF_RECORDS: usize = 20;
/// Delimiters the sniffer tries, in order of preference when they score the same.
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
/// The encoding name shown when nothing better fitted.
const GUESSED_1252: &str = "windows-1252 (guessed)";

/// A problem reading a CSV file, worded for the shop owner.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// The file has no bytes at all, or only a byte-order mark.
    #[error("{}", crate::text!(CsvEmpty, path = path.display()))]
    Empty { path: PathBuf },
    /// The file is binary: a workbook with the wrong extension, a PDF, or bytes with NULs.
    #[error("{}", crate::text!(CsvNotText, path = path.display()).text("detail", detail.clone()))]
    NotText {
        path: PathBuf,
        detail: crate::i18n::Text,
    },
    /// The `--encoding` label names no encoding this reader knows.
    #[error("{}", crate::text!(CsvBadEncoding, label = format!("{label:?}")))]
    BadEncoding { label: String },
    /// Reading the file failed. Said in the catalogue's words (what the system said only as a
    /// detail of an uncommon kind), so the error is printed without its source.
    #[error("{}", crate::text!(ReadFailed, path = path.display()).text("why", crate::i18n::read_error(source)))]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A record's bytes are not valid in the file's encoding. `row` is 1-based, as a
    /// spreadsheet numbers rows.
    #[error("{}", crate::text!(CsvRow, path = path.display(), row = row).text("message", message.clone()))]
    Decode {
        path: PathBuf,
        row: u64,
        message: crate::i18n::Text,
    },
}

/// How field bytes become text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Decoding {
    /// Everything so far was ASCII: UTF-8 or CP949 is decided by the first non-ASCII record.
    Undecided,
    /// Raw bytes decoded strictly in an ASCII-compatible encoding (UTF-8, CP949, single-byte).
    Strict(&'static Encoding),
    /// The stream is already UTF-8 (transcoded by `encoding_rs_io`). `flag_replacement`: a
    /// U+FFFD can only have come from a malformed sequence, so it is reported.
    Transcoded { flag_replacement: bool },
}

/// A streaming reader of one CSV/TSV file. See the module docs for how the encoding,
/// delimiter and rows are determined.
pub struct CsvSource {
    path: PathBuf,
    /// Where records come from: parsed here, or ahead on a thread of their own.
    feed: Feed,
    /// The record last returned.
    record: Record,
    /// Field buffers for text that must be decoded (CP949, single-byte), reused across rows.
    decoded: Vec<String>,
    decoding: Decoding,
    encoding_name: &'static str,
    /// Whether `--encoding` was given (changes the wording of decode errors).
    overridden: bool,
    delimiter: u8,
    /// An old-Mac file (CR alone ends a line).
    cr_only: bool,
    /// The decoding the sample decided on (before any record settled it).
    decided: Decoding,
    /// 0-based row of the record last returned.
    row: u64,
}

/// Records per batch handed from the reader thread (see [`Feed::Ahead`]).
const BATCH: usize = 512;
/// Batches the reader thread may hold ready: with the one being filled and the one being
/// read, at most six batches of records exist at once, however long the file (enough that
/// the reader rarely waits for the rows' thread, or it for the reader, when the sales rows are
/// added up on a third: see `SheetRows::add_elsewhere`).
const BATCHES_AHEAD: usize = 4;

/// Where [`CsvSource`] takes its records from.
enum Feed {
    /// Split on the caller's thread (a file no longer than the sample).
    Inline(Box<Splitter>),
    /// Split ahead by a thread of its own while the caller types and adds up the rows before:
    /// the two cores each do half the work. Batches go there and back, so that records are
    /// reused rather than allocated; errors arrive in order, after the rows before them.
    Ahead(Ahead),
}

/// The reading end of [`Feed::Ahead`].
struct Ahead {
    rx: std::sync::mpsc::Receiver<Result<Batch, CsvError>>,
    back: std::sync::mpsc::Sender<Batch>,
    batch: Batch,
    pos: usize,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Records split ahead, each with its 0-based row and whether its last field ends with CR.
#[derive(Default)]
struct Batch {
    records: Vec<Record>,
    meta: Vec<(u64, bool)>,
}

impl Ahead {
    /// The next batch; `false` at the end of the file.
    fn refill(&mut self, path: &Path) -> Result<bool, CsvError> {
        let used = std::mem::take(&mut self.batch);
        let _ = self.back.send(used); // the thread may have finished: nothing to recycle then
        self.pos = 0;
        match self.rx.recv() {
            Ok(Ok(batch)) => {
                self.batch = batch;
                Ok(true)
            }
            Ok(Err(e)) => Err(e),
            Err(_) => {
                // The thread has sent everything, or it died: a file must never look shorter
                // than it is.
                if let Some(t) = self.thread.take()
                    && t.join().is_err()
                {
                    return Err(CsvError::Io {
                        path: path.to_path_buf(),
                        source: io::Error::other("the CSV reader failed"),
                    });
                }
                Ok(false)
            }
        }
    }
}

/// One record's fields end to end, with where each ends (what `csv::ByteRecord` holds, filled
/// here without going through the csv crate).
#[derive(Debug, Default, Clone)]
struct Record {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// Bytes between one field's end and the next one's start: 1 for a line split as it
    /// stands (the delimiter stays in `bytes`), 0 for fields unquoted by `csv_core`.
    gap: usize,
    /// The fields decoded to UTF-8 on the reader thread (see [`Record::transcode`]).
    text: String,
    /// The fields are in `text`, and `ends` index it instead of `bytes`.
    utf8: bool,
}

impl Record {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The fields' bytes end to end (with the delimiters between them when `gap` is 1).
    fn as_slice(&self) -> &[u8] {
        let all = if self.utf8 {
            self.text.as_bytes()
        } else {
            &self.bytes
        };
        &all[..self.ends.last().copied().unwrap_or(0)]
    }

    /// The fields end to end as text, when they were decoded on the reader thread.
    fn decoded_text(&self) -> Option<&str> {
        let end = self.ends.last().copied().unwrap_or(0);
        self.text.get(..end).filter(|_| self.utf8)
    }

    fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] + self.gap
        };
        Some(start..end)
    }

    fn get(&self, i: usize) -> Option<&[u8]> {
        self.range(i).and_then(|r| self.as_slice().get(r))
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// `raw`'s fields decoded from `enc` into this record's `text`, each on its own as
    /// [`decode_field`] decodes it; `false` (this record then undefined) when a field is
    /// malformed, which the reading end finds again and reports.
    fn transcode(&mut self, raw: &Record, enc: &'static Encoding) -> bool {
        self.text.clear();
        self.ends.clear();
        self.gap = 0;
        self.utf8 = true;
        for field in raw.iter() {
            if field.is_ascii() {
                // ASCII is UTF-8 as it stands.
                let Ok(ascii) = std::str::from_utf8(field) else {
                    return false;
                };
                self.text.push_str(ascii);
            } else {
                let mut decoder = enc.new_decoder_without_bom_handling();
                let Some(max) = decoder.max_utf8_buffer_length_without_replacement(field.len())
                else {
                    return false;
                };
                self.text.reserve(max);
                let (result, _) =
                    decoder.decode_to_string_without_replacement(field, &mut self.text, true);
                if result != DecoderResult::InputEmpty {
                    return false;
                }
            }
            self.ends.push(self.text.len());
        }
        true
    }
}

/// How many bytes the splitter reads at a time (its buffer grows for a longer record).
const SPLIT_BUF: usize = 256 * 1024;

/// Splits the byte stream into records and works out the row each one begins on.
///
/// A line without a quote character (nearly every line of a POS export) is split on the
/// delimiter as it stands, found with `memchr`; the first record, and any record whose line
/// holds a quote, go through `csv_core`, the csv crate's own parser, configured as the csv
/// crate was (quotes doubled to escape, LF ends a record, no comments). For a line without a
/// quote the two give the same fields: `csv_core` treats every byte but the delimiter and LF
/// as data there. A property test compares the two on generated messy input.
struct Splitter {
    path: PathBuf,
    input: LineEnds,
    core: csv_core::Reader,
    delimiter: u8,
    /// How many bytes to read at a time ([`SPLIT_BUF`]; a few in tests, to cut records).
    chunk: usize,
    buf: Vec<u8>,
    /// The unread bytes are `buf[pos..end]`.
    pos: usize,
    end: usize,
    /// The input has no more bytes.
    eof: bool,
    /// Line breaks (LF) before `buf[pos]`, counted from where this splitter starts.
    lines: u64,
    /// A record has gone through `csv_core` (which strips a UTF-8 BOM in front of the first
    /// record only).
    started: bool,
    /// 0-based row of the record last split.
    row: u64,
    /// Line breaks inside quoted fields so far: lines that are not rows of their own.
    embedded_breaks: u64,
    /// Rows before the first byte this splitter reads (the rest of a file cut in two, see
    /// [`CsvSource::open_split`]).
    row_base: u64,
}

impl Splitter {
    fn new(path: PathBuf, input: LineEnds, delimiter: u8, row_base: u64) -> Splitter {
        let core = csv_core::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv_core::Terminator::Any(b'\n'))
            .build();
        Splitter {
            path,
            input,
            core,
            delimiter,
            chunk: SPLIT_BUF,
            buf: Vec::new(),
            pos: 0,
            end: 0,
            eof: false,
            lines: 0,
            started: false,
            row: row_base,
            embedded_breaks: 0,
            row_base,
        }
    }

    /// Reads more bytes after the unread ones (moved to the front first; the buffer doubles
    /// when they fill it). Sets `eof` when there are none.
    fn fill(&mut self) -> Result<(), CsvError> {
        if self.buf.is_empty() {
            self.buf.resize(self.chunk, 0);
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
        if self.end == self.buf.len() {
            let len = self.buf.len() * 2;
            self.buf.resize(len, 0);
        }
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(CsvError::Io {
                        path: self.path.clone(),
                        source,
                    });
                }
            }
        }
    }

    /// The next record that is not a blank line, into `record`: its 0-based row and whether its
    /// last field ends with CR; `None` at the end.
    fn next(&mut self, record: &mut Record) -> Result<Option<(u64, bool)>, CsvError> {
        loop {
            let Some((first_line, inside)) = self.split(record)? else {
                return Ok(None);
            };
            self.row = self.row_base + first_line.saturating_sub(self.embedded_breaks);
            self.embedded_breaks += inside;
            let n = record.len();
            let last = record.get(n.saturating_sub(1)).unwrap_or_default();
            let cr_end = last.ends_with(b"\r");
            if n == 1 && last.len() == usize::from(cr_end) {
                continue; // a blank line (LF or CRLF)
            }
            return Ok(Some((self.row, cr_end)));
        }
    }

    /// Splits the next record into `record`, skipping empty lines (as `csv_core` does) and
    /// counting every line break it passes: the line breaks before the record, and those inside
    /// its fields; `None` at the end.
    fn split(&mut self, record: &mut Record) -> Result<Option<(u64, u64)>, CsvError> {
        loop {
            if !self.started {
                return self.split_quoted(record);
            }
            let hay = &self.buf[self.pos..self.end];
            let (line_end, terminated) = match memchr::memchr2(b'\n', b'"', hay) {
                Some(0) if hay[0] == b'\n' => {
                    self.pos += 1;
                    self.lines += 1;
                    continue;
                }
                Some(i) if hay[i] == b'"' => return self.split_quoted(record),
                Some(i) => (self.pos + i, true),
                None if !self.eof => {
                    self.fill()?;
                    continue;
                }
                None if hay.is_empty() => return Ok(None),
                None => (self.end, false),
            };
            let line = &self.buf[self.pos..line_end];
            let first_line = self.lines;
            self.pos = line_end + usize::from(terminated);
            self.lines += u64::from(terminated);
            record.bytes.clear();
            record.bytes.extend_from_slice(line);
            record.ends.clear();
            record
                .ends
                .extend(memchr::memchr_iter(self.delimiter, line));
            record.ends.push(line.len());
            record.gap = 1;
            record.utf8 = false;
            return Ok(Some((first_line, 0)));
        }
    }

    /// Splits the next record with `csv_core`, as the csv crate's reader does (the first
    /// record always, so that a byte-order mark is stripped only where the csv crate strips
    /// it); what [`Splitter::split`] returns.
    fn split_quoted(&mut self, record: &mut Record) -> Result<Option<(u64, u64)>, CsvError> {
        use csv_core::ReadRecordResult as R;
        if !self.started {
            // `csv_core` strips a byte-order mark only when the first bytes it is given hold
            // all three of its bytes, and takes nothing after them for the end of the input.
            while self.end - self.pos <= 3 && !self.eof {
                self.fill()?;
            }
        }
        self.started = true;
        record.gap = 0;
        record.utf8 = false;
        if record.bytes.len() < 256 {
            record.bytes.resize(256, 0);
        }
        if record.ends.len() < 16 {
            record.ends.resize(16, 0);
        }
        let (mut out, mut ends) = (0, 0);
        loop {
            if self.pos == self.end && !self.eof {
                self.fill()?;
            }
            let input = &self.buf[self.pos..self.end];
            let (res, nin, nout, nend) =
                self.core
                    .read_record(input, &mut record.bytes[out..], &mut record.ends[ends..]);
            // Whether the last byte taken was a line break: the record's end when it is one
            // (at the end of the input, the record ends without one).
            let terminated = nin > 0 && input[nin - 1] == b'\n';
            self.lines += line_breaks(&input[..nin]);
            self.pos += nin;
            out += nout;
            ends += nend;
            match res {
                R::InputEmpty => {}
                R::OutputFull => {
                    let len = record.bytes.len() * 2;
                    record.bytes.resize(len, 0);
                }
                R::OutputEndsFull => {
                    let len = record.ends.len() * 2;
                    record.ends.resize(len, 0);
                }
                R::Record => {
                    record.ends.truncate(ends);
                    // The fields' line breaks (quoted ones).
                    let inside = line_breaks(record.as_slice());
                    let first_line = self.lines - inside - u64::from(terminated);
                    return Ok(Some((first_line, inside)));
                }
                R::End => {
                    record.ends.clear();
                    return Ok(None);
                }
            }
        }
    }

    /// Runs on the reader thread of [`Feed::Ahead`]: splits batches until the end, an error, or
    /// the reading end is gone (a header search stops after a few rows).
    ///
    /// `transcode`: the encoding the file was settled on from its sample when it is neither
    /// UTF-8 nor ASCII-only (CP949, a single-byte one); the records with other bytes than ASCII
    /// are decoded here too, so that the reading end has only UTF-8 to check.
    fn read_ahead(
        mut self,
        tx: &std::sync::mpsc::SyncSender<Result<Batch, CsvError>>,
        back: &std::sync::mpsc::Receiver<Batch>,
        transcode: Option<&'static Encoding>,
    ) {
        let mut spare = Record::default();
        loop {
            let mut batch = back.try_recv().unwrap_or_default();
            batch.meta.clear();
            while batch.meta.len() < BATCH {
                let i = batch.meta.len();
                if batch.records.len() <= i {
                    batch.records.push(Record::default());
                }
                match self.next(&mut batch.records[i]) {
                    Ok(Some(meta)) => {
                        let record = &mut batch.records[i];
                        if transcode.is_some_and(|enc| {
                            !record.as_slice().is_ascii() && spare.transcode(record, enc)
                        }) {
                            std::mem::swap(record, &mut spare);
                        }
                        batch.meta.push(meta);
                    }
                    Ok(None) => {
                        if !batch.meta.is_empty() {
                            let _ = tx.send(Ok(batch));
                        }
                        return;
                    }
                    Err(e) => {
                        if !batch.meta.is_empty() && tx.send(Ok(batch)).is_err() {
                            return;
                        }
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
            if tx.send(Ok(batch)).is_err() {
                return;
            }
        }
    }
}

impl std::fmt::Debug for CsvSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvSource")
            .field("path", &self.path)
            .field("encoding", &self.encoding_name)
            .field("delimiter", &char::from(self.delimiter))
            .field("row", &self.row)
            .finish_non_exhaustive()
    }
}

impl CsvSource {
    /// Opens a `.csv`/`.tsv`/`.txt` file. `encoding` overrides detection (labels such as
    /// `"utf-8"`, `"cp949"`, `"euc-kr"`, `"utf-16le"`); a byte-order mark still wins over it.
    /// A `.tsv` file is always tab-delimited; other files have their delimiter sniffed.
    pub fn open(path: &Path, encoding: Option<&str>) -> Result<CsvSource, CsvError> {
        let file = File::open(path).map_err(|source| CsvError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        CsvSource::from_reader(file, path, encoding)
    }

    /// Reads CSV from any byte stream. `name` is used in messages, and its extension decides
    /// as in [`CsvSource::open`].
    pub fn from_reader(
        input: impl Read + Send + 'static,
        name: &Path,
        encoding: Option<&str>,
    ) -> Result<CsvSource, CsvError> {
        CsvSource::start(input, name, encoding, true)
    }

    /// [`CsvSource::from_reader`]; `ahead`: a stream longer than the sample is split into
    /// records on a thread of its own.
    fn start(
        mut input: impl Read + Send + 'static,
        name: &Path,
        encoding: Option<&str>,
        ahead: bool,
    ) -> Result<CsvSource, CsvError> {
        let path = name.to_path_buf();
        // Resolve the label first: a typo should be reported even for an empty file.
        let forced = match encoding {
            Some(label) => {
                Some(
                    encoding_for_label(label).ok_or_else(|| CsvError::BadEncoding {
                        label: label.to_string(),
                    })?,
                )
            }
            None => None,
        };
        let (sample, at_eof) = read_sample(&mut input).map_err(|source| CsvError::Io {
            path: path.clone(),
            source,
        })?;
        let detected = detect(&sample, at_eof, forced).map_err(|detail| match detail {
            None => CsvError::Empty { path: path.clone() },
            Some(detail) => CsvError::NotText {
                path: path.clone(),
                detail,
            },
        })?;

        let text = sample_text(&sample[detected.bom_len..], detected.encoding, at_eof);
        let tsv = name
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("tsv"));
        let delimiter = if tsv {
            b'\t'
        } else {
            sniff_delimiter(&text, at_eof)
        };
        // Only CR, never LF, in the sample: an old-Mac file. Any other file is split on LF and
        // the CR of CRLF is removed from the last field, so that csv's line counter (which
        // counts LF) finds the blank lines it skips.
        let cr_only = text.contains('\r') && !text.contains('\n');

        let mut head = Cursor::new(sample);
        head.set_position(detected.bom_len as u64);
        let stream = head.chain(input);
        let (stream, decoding): (Box<dyn Read + Send>, Decoding) = match detected.decoding {
            Decoding::Transcoded { flag_replacement } => {
                let decoder = DecodeReaderBytesBuilder::new()
                    .encoding(Some(detected.encoding))
                    .build(stream);
                (Box::new(decoder), Decoding::Transcoded { flag_replacement })
            }
            other => (Box::new(stream), other),
        };
        let splitter = Splitter::new(
            path.clone(),
            LineEnds {
                inner: stream,
                cr_to_lf: cr_only,
            },
            delimiter,
            0,
        );
        // A file longer than the sample is split on a thread of its own, which decodes it too
        // when the sample settled on CP949 or a single-byte encoding.
        let transcode = match decoding {
            Decoding::Strict(enc) if enc != UTF_8 => Some(enc),
            _ => None,
        };
        let feed = if at_eof || !ahead {
            Feed::Inline(Box::new(splitter))
        } else {
            let (tx, rx) = std::sync::mpsc::sync_channel(BATCHES_AHEAD);
            let (back, back_rx) = std::sync::mpsc::channel();
            let thread = std::thread::Builder::new()
                .name("dangol-csv".into())
                .spawn(move || splitter.read_ahead(&tx, &back_rx, transcode))
                .map_err(|source| CsvError::Io {
                    path: path.clone(),
                    source,
                })?;
            Feed::Ahead(Ahead {
                rx,
                back,
                batch: Batch::default(),
                pos: 0,
                thread: Some(thread),
            })
        };
        Ok(CsvSource {
            path,
            feed,
            record: Record::default(),
            decoded: Vec::new(),
            decoding,
            encoding_name: detected.name,
            overridden: forced.is_some(),
            delimiter,
            cr_only,
            decided: decoding,
            row: 0,
        })
    }

    /// Opens a long file as two readers for two cores: the first reads up to a line break near
    /// the middle (the *cut*), and [`CsvRest::open`] gives the second, for the lines after it,
    /// numbered as rows of the whole file. `None` for the rest when the file is shorter than
    /// `min_len`, has no line break past its sample, is transcoded (UTF-16 and the like) or
    /// ends lines with CR alone: then the first reader reads the whole file.
    ///
    /// The cut is only right when it is not inside a quoted field: once the first reader has
    /// read everything, [`CsvSource::joins`] says whether the two readers gave the records
    /// and rows reading the whole file gives; when not, read the file again whole.
    pub fn open_split(
        path: &Path,
        encoding: Option<&str>,
        min_len: u64,
    ) -> Result<(CsvSource, Option<CsvRest>), CsvError> {
        let io_error = |source| CsvError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(io_error)?;
        let len = file.metadata().map_err(io_error)?.len();
        let cut = if len >= min_len {
            find_cut(&mut file, len).map_err(io_error)?
        } else {
            None
        };
        let Some(cut) = cut else {
            return Ok((CsvSource::start(file, path, encoding, true)?, None));
        };
        let first = CsvSource::start(file.take(cut), path, encoding, false)?;
        if first.cr_only || matches!(first.decided, Decoding::Transcoded { .. }) {
            let whole = File::open(path).map_err(io_error)?;
            return Ok((CsvSource::start(whole, path, encoding, true)?, None));
        }
        let rest = CsvRest {
            path: path.to_path_buf(),
            cut,
            decoding: first.decided,
            encoding_name: first.encoding_name,
            overridden: first.overridden,
            delimiter: first.delimiter,
        };
        Ok((first, Some(rest)))
    }

    /// After this reader (the first part of [`CsvSource::open_split`]) and `rest` have both
    /// read to their ends without an error: whether together they read what one reader of the
    /// whole file reads — the cut was a record's end (no line break inside a quoted field
    /// before it, so neither was the cut's), and the text was decoded the same way on both
    /// sides of it.
    pub fn joins(&self, rest: &CsvSource) -> bool {
        let Feed::Inline(first) = &self.feed else {
            return false;
        };
        let decoded_alike = match (self.decided, self.decoding, rest.decoding) {
            // Everything before the cut was ASCII: the rest started where the whole would.
            (_, Decoding::Undecided, _) => true,
            // Settled from the start: the rest started settled too.
            (Decoding::Strict(_), _, _) => true,
            // Settled by a record before the cut: the rest stayed ASCII, or settled the same.
            (Decoding::Undecided, Decoding::Strict(a), Decoding::Strict(b)) => a == b,
            (Decoding::Undecided, Decoding::Strict(_), Decoding::Undecided) => true,
            _ => false,
        };
        first.embedded_breaks == 0 && decoded_alike
    }

    /// The encoding in use: `"UTF-8"`, `"UTF-8 (BOM)"`, `"UTF-16LE"`, `"UTF-16BE"`,
    /// `"EUC-KR"` (CP949), `"windows-1252 (guessed)"`, or the name of a `--encoding` choice.
    /// For a file whose first 64 KiB are ASCII this may change from `"UTF-8"` to `"EUC-KR"`
    /// once a record with Korean text has been read.
    pub fn encoding_name(&self) -> &'static str {
        self.encoding_name
    }

    /// The field delimiter: `,` `;` tab or `|`.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The file name used in messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the next record into `fields` (cleared first); `Ok(false)` at the end. Rows may
    /// have any number of fields. Blank lines are skipped but still count as rows.
    pub fn next_record(&mut self, fields: &mut Vec<String>) -> Result<bool, CsvError> {
        fields.clear();
        let mut borrowed = Vec::new();
        if self.read_fields(&mut borrowed)?.is_none() {
            return Ok(false);
        }
        fields.extend(borrowed.iter().map(|f| (*f).to_string()));
        Ok(true)
    }

    /// The fast form of [`CsvSource::next_record`]: the next record's fields as text borrowed
    /// from the reader's own buffers, and its 0-based row; `Ok(None)` at the end.
    ///
    /// Nothing is allocated per row once the buffers have grown to the longest record: the
    /// records are reused, UTF-8 (and ASCII) fields are checked in place and lent out without
    /// a copy, and CP949 and other strictly decoded single-byte text is decoded into reused
    /// text — on the reader thread for a file long enough to have one, else here, into field
    /// buffers that are reused too.
    pub fn read_fields<'a>(&'a mut self, out: &mut Vec<&'a str>) -> Result<Option<u32>, CsvError> {
        out.clear();
        let Some(cr_end) = self.next_raw()? else {
            return Ok(None);
        };
        if self.decoding == Decoding::Undecided && !self.record.as_slice().is_ascii() {
            self.settle_encoding()?;
        }
        let n = self.record.len();
        let borrowable = match self.decoding {
            // Undecided only reaches here for all-ASCII records.
            Decoding::Undecided | Decoding::Transcoded { .. } => true,
            Decoding::Strict(enc) => {
                enc == UTF_8 || self.record.utf8 || self.record.as_slice().is_ascii()
            }
        };
        if borrowable {
            let flag_replacement = matches!(
                self.decoding,
                Decoding::Transcoded {
                    flag_replacement: true
                }
            );
            let record: &'a Record = &self.record;
            // The fields end to end checked once, then lent out as slices of that text: the
            // same as checking each field (a field cut inside a character is not a slice of
            // it, and is the same error), without a call per field.
            // Text the reader thread decoded is UTF-8 already.
            let whole = record
                .decoded_text()
                .or_else(|| std::str::from_utf8(record.as_slice()).ok())
                .filter(|t| !(flag_replacement && t.contains('\u{FFFD}')));
            let Some(whole) = whole else {
                return Err(self.decode_error());
            };
            for i in 0..n {
                let field = record.range(i).and_then(|mut r| {
                    if i + 1 == n && cr_end {
                        r.end -= 1;
                    }
                    whole.get(r)
                });
                let Some(text) = field else {
                    out.clear();
                    return Err(self.decode_error());
                };
                out.push(text);
            }
        } else {
            if self.decoded.len() < n {
                self.decoded.resize_with(n, String::new);
            }
            for (i, raw) in self.record.iter().enumerate() {
                let raw = if i + 1 == n && cr_end {
                    &raw[..raw.len() - 1]
                } else {
                    raw
                };
                match decode_field(self.decoding, raw) {
                    Some(text) => {
                        self.decoded[i].clear();
                        self.decoded[i].push_str(&text);
                    }
                    None => return Err(self.decode_error()),
                }
            }
            out.extend(self.decoded[..n].iter().map(String::as_str));
        }
        Ok(Some(self.row_index()))
    }

    /// 0-based row of the record last returned, as a spreadsheet numbers rows (for cell
    /// references such as `sales!C17`).
    pub fn row_index(&self) -> u32 {
        u32::try_from(self.row).unwrap_or(u32::MAX)
    }

    /// The next record that is not a blank line into `self.record`, its row into `self.row`;
    /// whether its last field ends with CR, `None` at the end.
    fn next_raw(&mut self) -> Result<Option<bool>, CsvError> {
        match &mut self.feed {
            Feed::Inline(splitter) => Ok(splitter.next(&mut self.record)?.map(|(row, cr)| {
                self.row = row;
                cr
            })),
            Feed::Ahead(ahead) => {
                if ahead.pos == ahead.batch.meta.len() && !ahead.refill(&self.path)? {
                    return Ok(None);
                }
                // Swapping hands the batch the record just used, to be filled again.
                std::mem::swap(&mut self.record, &mut ahead.batch.records[ahead.pos]);
                let (row, cr) = ahead.batch.meta[ahead.pos];
                ahead.pos += 1;
                self.row = row;
                Ok(Some(cr))
            }
        }
    }

    /// Decides between UTF-8 and CP949 on the first record with non-ASCII bytes.
    fn settle_encoding(&mut self) -> Result<(), CsvError> {
        let bytes = self.record.as_slice();
        if std::str::from_utf8(bytes).is_ok() {
            self.decoding = Decoding::Strict(UTF_8);
            return Ok(());
        }
        if EUC_KR
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_some()
        {
            self.decoding = Decoding::Strict(EUC_KR);
            self.encoding_name = EUC_KR.name();
            return Ok(());
        }
        Err(CsvError::Decode {
            path: self.path.clone(),
            row: self.row + 1,
            message: crate::text!(CsvNeither),
        })
    }

    fn decode_error(&self) -> CsvError {
        let message = match self.decoding {
            Decoding::Strict(enc) if enc == UTF_8 && !self.overridden => {
                crate::text!(CsvMixedUtf8)
            }
            Decoding::Strict(enc) if enc == EUC_KR && !self.overridden => {
                crate::text!(CsvMixedCp949)
            }
            Decoding::Strict(enc) => crate::text!(CsvNotValid, encoding = enc.name()),
            Decoding::Transcoded { .. } | Decoding::Undecided => {
                crate::text!(CsvNotValid, encoding = self.encoding_name)
            }
        };
        CsvError::Decode {
            path: self.path.clone(),
            row: self.row + 1,
            message,
        }
    }
}

/// The lines after the cut of [`CsvSource::open_split`], to be read on another thread.
#[derive(Debug)]
pub struct CsvRest {
    path: PathBuf,
    cut: u64,
    decoding: Decoding,
    encoding_name: &'static str,
    overridden: bool,
    delimiter: u8,
}

impl CsvRest {
    /// The reader of the lines after the cut, rows numbered as in the whole file: the line
    /// breaks before the cut are counted first (a quick pass over the first part's bytes).
    pub fn open(self) -> Result<CsvSource, CsvError> {
        let io_error = |source| CsvError::Io {
            path: self.path.clone(),
            source,
        };
        let mut file = File::open(&self.path).map_err(io_error)?;
        let row_base = count_lines(&mut file, self.cut).map_err(io_error)?;
        let splitter = Splitter::new(
            self.path.clone(),
            LineEnds {
                inner: Box::new(file),
                cr_to_lf: false,
            },
            self.delimiter,
            row_base,
        );
        Ok(CsvSource {
            path: self.path,
            feed: Feed::Inline(Box::new(splitter)),
            record: Record::default(),
            decoded: Vec::new(),
            decoding: self.decoding,
            encoding_name: self.encoding_name,
            overridden: self.overridden,
            delimiter: self.delimiter,
            cr_only: false,
            decided: self.decoding,
            row: row_base,
        })
    }
}

/// Where to cut a file of `len` bytes in two: just after the first line break from the middle
/// on, past the sample, with a line (not a byte-order mark) after it; `None` when there is
/// none. Leaves `file` at its start.
fn find_cut(file: &mut File, len: u64) -> io::Result<Option<u64>> {
    use std::io::{Seek, SeekFrom};
    let middle = (len / 2).max(SAMPLE_LEN as u64 + 1);
    file.seek(SeekFrom::Start(middle))?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut at = middle;
    let mut cut = None;
    'scan: loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
            let after = at + i as u64 + 1;
            // The next bytes, to rule out a byte-order mark (csv would skip one).
            file.seek(SeekFrom::Start(after))?;
            let mut next = [0u8; 3];
            let got = file.read(&mut next)?;
            if got > 0 && !next[..got].starts_with(&[0xEF, 0xBB, 0xBF]) && after < len {
                cut = Some(after);
            }
            break 'scan;
        }
        at += n as u64;
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(cut)
}

/// The line breaks (LF) in the first `len` bytes of `file`, which is at its start.
fn count_lines(file: &mut File, len: u64) -> io::Result<u64> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut left = len;
    let mut lines = 0u64;
    while left > 0 {
        let want = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
        let n = file.read(&mut buf[..want])?;
        if n == 0 {
            break;
        }
        lines += line_breaks(&buf[..n]);
        left -= n as u64;
    }
    Ok(lines)
}

/// The line breaks (LF) in `bytes`, in one pass (the compiler vectorises this loop; a crate
/// for it would buy nothing at these sizes).
fn line_breaks(bytes: &[u8]) -> u64 {
    #[allow(clippy::naive_bytecount)]
    let n = bytes.iter().filter(|&&b| b == b'\n').count();
    n as u64
}

/// Decodes one field; `None` when its bytes are malformed in the encoding.
fn decode_field(decoding: Decoding, raw: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    match decoding {
        Decoding::Strict(enc) if enc != UTF_8 => {
            enc.decode_without_bom_handling_and_without_replacement(raw)
        }
        // UTF-8 and ASCII are lent out in place by `read_fields`.
        _ => std::str::from_utf8(raw)
            .ok()
            .map(std::borrow::Cow::Borrowed),
    }
}

/// The stream the splitter reads: maps CR to LF for old-Mac files.
struct LineEnds {
    inner: Box<dyn Read + Send>,
    cr_to_lf: bool,
}

impl Read for LineEnds {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.cr_to_lf {
            for b in &mut buf[..n] {
                if *b == b'\r' {
                    *b = b'\n';
                }
            }
        }
        Ok(n)
    }
}

/// Reads up to [`SAMPLE_LEN`] bytes; `true` when that reached the end of the input.
fn read_sample(input: &mut impl Read) -> io::Result<(Vec<u8>, bool)> {
    let mut sample = Vec::with_capacity(SAMPLE_LEN);
    input.take(SAMPLE_LEN as u64).read_to_end(&mut sample)?;
    let at_eof = sample.len() < SAMPLE_LEN;
    Ok((sample, at_eof))
}

/// The outcome of looking at the sample.
struct Detected {
    encoding: &'static Encoding,
    name: &'static str,
    decoding: Decoding,
    bom_len: usize,
}

/// Looks at the sample. `Err(None)`: empty; `Err(Some(why))`: not text.
fn detect(
    sample: &[u8],
    at_eof: bool,
    forced: Option<&'static Encoding>,
) -> Result<Detected, Option<crate::i18n::Text>> {
    // A BOM alone is what Excel saves for an empty sheet.
    if sample.is_empty() || Encoding::for_bom(sample).is_some_and(|(_, len)| len == sample.len()) {
        return Err(None);
    }
    if let Some(what) = binary_kind(sample) {
        return Err(Some(what));
    }
    let (encoding, name, bom_len) = if let Some((enc, bom_len)) = Encoding::for_bom(sample) {
        let name = if enc == UTF_8 {
            "UTF-8 (BOM)"
        } else {
            enc.name()
        };
        (enc, name, bom_len)
    } else if let Some(enc) = forced {
        (enc, enc.name(), 0)
    } else {
        (UTF_8, "", 0) // settled below
    };
    if encoding != UTF_16LE
        && encoding != UTF_16BE
        && let Some(at) = sample.iter().position(|&b| b == 0)
    {
        return Err(Some(crate::text!(CsvNul, at = at)));
    }
    if !name.is_empty() {
        let decoding = if encoding == UTF_8 || encoding == EUC_KR || encoding.is_single_byte() {
            Decoding::Strict(encoding)
        } else {
            Decoding::Transcoded {
                flag_replacement: !(encoding == UTF_16LE
                    || encoding == UTF_16BE
                    || encoding == GB18030),
            }
        };
        return Ok(Detected {
            encoding,
            name,
            decoding,
            bom_len,
        });
    }
    let found = if sample.is_ascii() {
        Detected {
            encoding: UTF_8,
            name: UTF_8.name(),
            decoding: Decoding::Undecided,
            bom_len: 0,
        }
    } else if utf8_prefix_valid(sample, at_eof) || first_non_ascii_line_is_utf8(sample) {
        Detected {
            encoding: UTF_8,
            name: UTF_8.name(),
            decoding: Decoding::Strict(UTF_8),
            bom_len: 0,
        }
    } else if decodes_cleanly(EUC_KR, sample, at_eof) {
        Detected {
            encoding: EUC_KR,
            name: EUC_KR.name(),
            decoding: Decoding::Strict(EUC_KR),
            bom_len: 0,
        }
    } else {
        Detected {
            encoding: WINDOWS_1252,
            name: GUESSED_1252,
            decoding: Decoding::Strict(WINDOWS_1252),
            bom_len: 0,
        }
    };
    Ok(found)
}

/// What a binary sample looks like, from its magic number or NUL bytes.
fn binary_kind(sample: &[u8]) -> Option<crate::i18n::Text> {
    if sample.starts_with(b"PK\x03\x04") || sample.starts_with(b"PK\x05\x06") {
        Some(crate::text!(CsvLooksZip))
    } else if sample.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some(crate::text!(CsvLooksXls))
    } else if sample.starts_with(b"%PDF") {
        Some(crate::text!(CsvLooksPdf))
    } else {
        None
    }
}

/// Whether the sample is UTF-8, allowing a character cut off by the end of the sample.
fn utf8_prefix_valid(sample: &[u8], at_eof: bool) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        // `error_len() == None`: the input ended inside a character.
        Err(e) => !at_eof && e.error_len().is_none(),
    }
}

/// Whether the first line holding non-ASCII bytes is UTF-8. UTF-8 Hangul usually also
/// "decodes" as CP949 (into nonsense), so a sample that mixes UTF-8 lines with CP949 lines is
/// judged by its first non-ASCII line — as a file whose sample is ASCII is — and the first
/// line in another encoding becomes a [`CsvError::Decode`] naming its row.
fn first_non_ascii_line_is_utf8(sample: &[u8]) -> bool {
    sample
        .split(|&b| b == b'\n')
        .find(|line| !line.is_ascii())
        .is_some_and(|line| std::str::from_utf8(line).is_ok())
}

/// Whether `enc` decodes the sample without malformed sequences (a cut-off character at the
/// end of a partial sample is fine).
fn decodes_cleanly(enc: &'static Encoding, sample: &[u8], at_eof: bool) -> bool {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(sample.len())
        .unwrap_or(sample.len().saturating_mul(3));
    let mut out = String::with_capacity(capacity);
    let (result, _) = decoder.decode_to_string_without_replacement(sample, &mut out, at_eof);
    matches!(result, DecoderResult::InputEmpty)
}

/// The sample as text for sniffing (malformed bytes replaced; only field counts matter).
fn sample_text(sample: &[u8], enc: &'static Encoding, at_eof: bool) -> String {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length(sample.len())
        .unwrap_or(sample.len().saturating_mul(3));
    let mut out = String::with_capacity(capacity);
    let _ = decoder.decode_to_string(sample, &mut out, at_eof);
    out
}

/// Chooses the delimiter that splits the sample's first records into the same number (> 1) of
/// fields most often; ties go to the larger field count, then to the order of [`CANDIDATES`].
/// Falls back to `,`.
fn sniff_delimiter(text: &str, at_eof: bool) -> u8 {
    let mut best: Option<(usize, usize, u8)> = None;
    for &delimiter in &CANDIDATES {
        let counts = field_counts(text, delimiter, at_eof);
        let Some((width, lines)) = mode(&counts) else {
            continue;
        };
        if width < 2 {
            continue;
        }
        if best.is_none_or(|(l, w, _)| (lines, width) > (l, w)) {
            best = Some((lines, width, delimiter));
        }
    }
    best.map_or(b',', |(_, _, d)| d)
}

/// Field counts of the first [`SNIFF_RECORDS`] non-blank records, parsed exactly as the real
/// reader will (quotes respected); a record cut off by the end of a partial sample is dropped.
fn field_counts(text: &str, delimiter: u8, at_eof: bool) -> Vec<usize> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    let mut counts = Vec::with_capacity(SNIFF_RECORDS);
    while counts.len() < SNIFF_RECORDS {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) | Err(_) => break,
        }
        if !at_eof && reader.position().byte() >= text.len() as u64 {
            break;
        }
        let blank = record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty);
        if !blank {
            counts.push(record.len());
        }
    }
    counts
}

/// The most frequent value and how often it occurs (ties: the larger value).
fn mode(values: &[usize]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for &v in values {
        let n = values.iter().filter(|&&x| x == v).count();
        if best.is_none_or(|(bv, bn)| (n, v) > (bn, bv)) {
            best = Some((v, n));
        }
    }
    best
}

/// Resolves an `--encoding` label: the WHATWG labels plus the names Korean users know
/// (`cp949`, `ms949`, `uhc`) and spellings without hyphens (`utf16le`).
fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().to_ascii_lowercase();
    match label.as_str() {
        "cp949" | "cp-949" | "ms949" | "ms-949" | "uhc" | "windows949" => Some(EUC_KR),
        "utf16le" | "utf-16-le" | "utf16" => Some(UTF_16LE),
        "utf16be" | "utf-16-be" => Some(UTF_16BE),
        "cp1252" => Some(WINDOWS_1252),
        other => Encoding::for_label_no_replacement(other.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the splitter gives, record by record: row, fields, whether the last ends with CR.
    type Split = Vec<(u64, Vec<Vec<u8>>, bool)>;

    fn split_all(bytes: &[u8], delimiter: u8, chunk: usize) -> Split {
        let input = LineEnds {
            inner: Box::new(Cursor::new(bytes.to_vec())),
            cr_to_lf: false,
        };
        let mut s = Splitter::new(PathBuf::from("t.csv"), input, delimiter, 0);
        s.chunk = chunk;
        let mut record = Record::default();
        let mut out = Vec::new();
        while let Some((row, cr)) = s.next(&mut record).unwrap() {
            out.push((row, record.iter().map(<[u8]>::to_vec).collect(), cr));
        }
        out
    }

    /// Input that remembers whether a read found its end.
    struct Eof<'a> {
        bytes: &'a [u8],
        seen: bool,
    }

    impl Read for Eof<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.bytes.read(buf)?;
            self.seen |= n == 0 && !buf.is_empty();
            Ok(n)
        }
    }

    /// The same through the csv crate's reader, with rows worked out from its line counter
    /// (how the reader split records before it split them itself).
    fn split_by_csv_crate(bytes: &[u8], delimiter: u8) -> Split {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(Eof { bytes, seen: false });
        let mut record = csv::ByteRecord::new();
        let (mut out, mut embedded) = (Vec::new(), 0u64);
        while reader.read_byte_record(&mut record).unwrap() {
            // csv's line counter stands past the record's LF, unless the record ended at the
            // end of the input (only then has csv read again after a record).
            let after = reader.position().line();
            let inside = line_breaks(record.as_slice());
            let terminated = u64::from(!reader.get_ref().seen);
            let first_line = after.saturating_sub(inside + terminated).max(1);
            let row = (first_line - 1).saturating_sub(embedded);
            embedded += inside;
            let n = record.len();
            let last = record.get(n.saturating_sub(1)).unwrap_or_default();
            let cr = last.ends_with(b"\r");
            if n == 1 && last.len() == usize::from(cr) {
                continue;
            }
            out.push((row, record.iter().map(<[u8]>::to_vec).collect(), cr));
        }
        out
    }

    proptest::proptest! {
        /// Lines split as they stand and records unquoted by `csv_core` give what the csv
        /// crate's reader gives, rows included, however the input is cut into reads.
        #[test]
        fn splitting_lines_itself_gives_what_the_csv_crate_gives(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "bc", "가", ",", ";", "\"", "\"\"", "\n", "\r\n", "\r", " ", "\u{feff}",
                ]),
                0..60,
            ),
            semicolon in proptest::bool::ANY,
            chunk in 1usize..40,
        ) {
            let bytes = parts.concat().into_bytes();
            let delimiter = if semicolon { b';' } else { b',' };
            proptest::prop_assert_eq!(
                split_all(&bytes, delimiter, chunk),
                split_by_csv_crate(&bytes, delimiter)
            );
        }
    }

    #[test]
    fn a_quoted_record_amid_plain_lines_keeps_the_rows_after_it() {
        let bytes = b"h1,h2\n\n1,\"two\nlines\"\n3,4\r\n\r\n5,\"x\"\"y\"\n6,7";
        let want: Split = vec![
            (0, vec![b"h1".to_vec(), b"h2".to_vec()], false),
            (2, vec![b"1".to_vec(), b"two\nlines".to_vec()], false),
            (3, vec![b"3".to_vec(), b"4\r".to_vec()], true),
            (5, vec![b"5".to_vec(), b"x\"y".to_vec()], false),
            (6, vec![b"6".to_vec(), b"7".to_vec()], false),
        ];
        for chunk in [1, 3, 7, SPLIT_BUF] {
            assert_eq!(split_all(bytes, b',', chunk), want, "chunk {chunk}");
        }
        assert_eq!(split_by_csv_crate(bytes, b','), want);
    }

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Every record with its 0-based row.
    fn rows(src: &mut CsvSource) -> Vec<(u32, Vec<String>)> {
        let mut out = Vec::new();
        let mut fields = Vec::new();
        while src.next_record(&mut fields).unwrap() {
            out.push((src.row_index(), fields.clone()));
        }
        out
    }

    fn open_bytes(
        name: &str,
        bytes: &[u8],
        encoding: Option<&str>,
    ) -> (tempfile::TempDir, CsvSource) {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, name, bytes);
        let src = CsvSource::open(&path, encoding).unwrap();
        (dir, src)
    }

    fn open_err(name: &str, bytes: &[u8], encoding: Option<&str>) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, name, bytes);
        let err = CsvSource::open(&path, encoding).unwrap_err();
        err.to_string()
            .replace(&dir.path().display().to_string(), "DIR")
    }

    fn r(row: u32, fields: &[&str]) -> (u32, Vec<String>) {
        (row, fields.iter().map(|f| (*f).to_string()).collect())
    }

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut out = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            let bytes = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            out.extend_from_slice(&bytes);
        }
        out
    }

    fn cp949(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = EUC_KR.encode(text);
        assert!(!unmappable, "{text} is not all CP949");
        bytes.into_owned()
    }

    #[test]
    fn utf8_plain() {
        let (_d, mut src) = open_bytes("sales.csv", "이름,금액\n김철수,10000\n".as_bytes(), None);
        assert_eq!(src.encoding_name(), "UTF-8");
        assert_eq!(src.delimiter(), b',');
        assert_eq!(
            rows(&mut src),
            vec![r(0, &["이름", "금액"]), r(1, &["김철수", "10000"])]
        );
    }

    #[test]
    fn utf8_bom_is_not_part_of_the_first_field() {
        let (_d, mut src) = open_bytes(
            "s.csv",
            "\u{feff}고객,날짜\r\n박영희,2024-03-01\r\n".as_bytes(),
            None,
        );
        assert_eq!(src.encoding_name(), "UTF-8 (BOM)");
        assert_eq!(
            rows(&mut src),
            vec![r(0, &["고객", "날짜"]), r(1, &["박영희", "2024-03-01"])]
        );
    }

    #[test]
    fn utf16le_with_bom_tab_delimited_like_excel_unicode_text() {
        let bytes = utf16("고객\t금액\r\n김철수\t₩12,000\r\n", false);
        let (_d, mut src) = open_bytes("export.txt", &bytes, None);
        assert_eq!(src.encoding_name(), "UTF-16LE");
        assert_eq!(src.delimiter(), b'\t');
        assert_eq!(
            rows(&mut src),
            vec![r(0, &["고객", "금액"]), r(1, &["김철수", "₩12,000"])]
        );
    }

    #[test]
    fn utf16be_with_bom() {
        let bytes = utf16("고객,메모\n이민수,\"단골, 월 2회\"\n", true);
        let (_d, mut src) = open_bytes("be.csv", &bytes, None);
        assert_eq!(src.encoding_name(), "UTF-16BE");
        assert_eq!(
            rows(&mut src),
            vec![r(0, &["고객", "메모"]), r(1, &["이민수", "단골, 월 2회"])]
        );
    }

    #[test]
    fn cp949_detected_and_decoded_exactly() {
        // 똠 is only in CP949's extension, not in plain EUC-KR (KS X 1001).
        let text = "고객명,금액,메모\r\n김철수,\"1,000\",똠방각하\r\n홍길동,25000,\r\n";
        let (_d, mut src) = open_bytes("매출.csv", &cp949(text), None);
        assert_eq!(src.encoding_name(), "EUC-KR");
        assert_eq!(src.delimiter(), b',');
        assert_eq!(
            rows(&mut src),
            vec![
                r(0, &["고객명", "금액", "메모"]),
                r(1, &["김철수", "1,000", "똠방각하"]),
                r(2, &["홍길동", "25000", ""]),
            ]
        );
    }

    #[test]
    fn sniffs_semicolon_tab_and_pipe() {
        let cases: [(&str, u8); 3] = [
            ("name;amount;note\nKim;1,5;a,b\nLee;2,5;c\n", b';'),
            ("name\tamount\nKim\t1,000\nLee\t2,000\n", b'\t'),
            ("name|amount|note\nKim|1000|x; y\nLee|2000|\n", b'|'),
        ];
        for (text, delimiter) in cases {
            let (_d, mut src) = open_bytes("x.csv", text.as_bytes(), None);
            assert_eq!(src.delimiter(), delimiter, "{text:?}");
            let all = rows(&mut src);
            assert_eq!(all.len(), 3);
            assert_eq!(all[1].1[0], "Kim");
            assert_eq!(all[1].1.len(), all[0].1.len());
        }
    }

    #[test]
    fn sniffing_ignores_delimiters_in_quotes_and_tolerates_a_title_row() {
        let text = "2024 sales report\n\ncustomer;memo;amount\n\"Kim, Chul-su\";\"a, b, c\";100\n\
                    \"Lee, Min\";\"x\";200\n";
        let (_d, mut src) = open_bytes("t.csv", text.as_bytes(), None);
        assert_eq!(src.delimiter(), b';');
        assert_eq!(
            rows(&mut src),
            vec![
                r(0, &["2024 sales report"]),
                r(2, &["customer", "memo", "amount"]),
                r(3, &["Kim, Chul-su", "a, b, c", "100"]),
                r(4, &["Lee, Min", "x", "200"]),
            ]
        );
    }

    #[test]
    fn single_column_falls_back_to_comma_and_tsv_extension_forces_tab() {
        let (_d, src) = open_bytes("one.csv", b"name\nKim\nLee\n", None);
        assert_eq!(src.delimiter(), b',');
        let (_d, mut src) = open_bytes("data.tsv", b"a,b\tc\nd,e\tf\n", None);
        assert_eq!(src.delimiter(), b'\t');
        assert_eq!(
            rows(&mut src),
            vec![r(0, &["a,b", "c"]), r(1, &["d,e", "f"])]
        );
    }

    #[test]
    fn quoted_fields_with_delimiters_newlines_and_quotes_keep_rows_like_a_spreadsheet() {
        let text =
            "id,memo\r\n1,\"line one\r\nline two, still\"\r\n\r\n2,\"say \"\"hi\"\"\"\r\n3,last";
        let (_d, mut src) = open_bytes("q.csv", text.as_bytes(), None);
        assert_eq!(
            rows(&mut src),
            vec![
                r(0, &["id", "memo"]),
                r(1, &["1", "line one\r\nline two, still"]),
                r(3, &["2", "say \"hi\""]),
                r(4, &["3", "last"]),
            ]
        );
    }

    #[test]
    fn blank_lines_count_as_rows_with_lf_endings() {
        let text = "a,b\n\n\nc,d\n\"x\ny\",z\ne,f\n";
        let (_d, mut src) = open_bytes("b.csv", text.as_bytes(), None);
        assert_eq!(
            rows(&mut src),
            vec![
                r(0, &["a", "b"]),
                r(3, &["c", "d"]),
                r(4, &["x\ny", "z"]),
                r(5, &["e", "f"])
            ]
        );
    }

    #[test]
    fn old_mac_cr_line_endings() {
        let (_d, mut src) = open_bytes("mac.csv", b"a,b\r\rc,d\re,f", None);
        assert_eq!(
            rows(&mut src),
            vec![r(0, &["a", "b"]), r(2, &["c", "d"]), r(3, &["e", "f"])]
        );
    }

    #[test]
    fn ragged_rows() {
        let (_d, mut src) = open_bytes("rag.csv", b"a,b,c\n1,2\n3,4,5,6\n,,\n", None);
        assert_eq!(
            rows(&mut src),
            vec![
                r(0, &["a", "b", "c"]),
                r(1, &["1", "2"]),
                r(2, &["3", "4", "5", "6"]),
                r(3, &["", "", ""]),
            ]
        );
    }

    #[test]
    fn encoding_override() {
        let bytes = cp949("고객,금액\n김철수,100\n");
        // Labels Korean users type.
        for label in ["cp949", "CP949", "euc-kr", "ms949"] {
            let (_d, mut src) = open_bytes("o.csv", &bytes, Some(label));
            assert_eq!(src.encoding_name(), "EUC-KR");
            assert_eq!(rows(&mut src)[1], r(1, &["김철수", "100"]));
        }
        // The override wins over detection, even when the result is not Korean.
        let (_d, mut src) = open_bytes("o.csv", &bytes, Some("windows-1252"));
        assert_eq!(src.encoding_name(), "windows-1252");
        let expected = WINDOWS_1252
            .decode_without_bom_handling(&bytes[..4])
            .0
            .into_owned();
        assert_eq!(rows(&mut src)[0].1[0], expected);
        // A UTF-16 file without BOM needs the override.
        let no_bom = utf16("고객,금액\n김,1\n", false)[2..].to_vec();
        let (_d, mut src) = open_bytes("u.csv", &no_bom, Some("utf-16le"));
        assert_eq!(src.encoding_name(), "UTF-16LE");
        assert_eq!(
            rows(&mut src),
            vec![r(0, &["고객", "금액"]), r(1, &["김", "1"])]
        );
        // A BOM still wins over the override.
        let (_d, mut src) = open_bytes("b.csv", "\u{feff}가,나\n".as_bytes(), Some("cp949"));
        assert_eq!(src.encoding_name(), "UTF-8 (BOM)");
        assert_eq!(rows(&mut src), vec![r(0, &["가", "나"])]);
    }

    #[test]
    fn forced_utf8_on_cp949_bytes_names_the_row() {
        let mut bytes = b"name,amount\nkim,1\n".to_vec();
        bytes.extend(cp949("김,2\n"));
        let (_d, mut src) = open_bytes("f.csv", &bytes, Some("utf-8"));
        let mut fields = Vec::new();
        assert!(src.next_record(&mut fields).unwrap());
        assert!(src.next_record(&mut fields).unwrap());
        let err = src.next_record(&mut fields).unwrap_err().to_string();
        assert!(
            err.ends_with(
                "f.csv: row 3: the bytes are not valid UTF-8; pass --encoding with the file's real \
                 encoding"
            ),
            "{err}"
        );
    }

    #[test]
    fn windows_1252_is_the_last_resort() {
        let (_d, mut src) = open_bytes("l.csv", b"name;city\nCaf\xE9;Cr\xE8me\n", None);
        assert_eq!(src.encoding_name(), "windows-1252 (guessed)");
        assert_eq!(src.delimiter(), b';');
        assert_eq!(rows(&mut src)[1], r(1, &["Café", "Crème"]));
    }

    #[test]
    fn ascii_start_then_cp949_switches_to_cp949() {
        let mut bytes = b"customer,amount\r\n".to_vec();
        let filler = b"kim,100\r\n";
        let filler_rows = SAMPLE_LEN / filler.len() + 10;
        for _ in 0..filler_rows {
            bytes.extend_from_slice(filler);
        }
        bytes.extend(cp949("\r\n김철수,\"2,000\"\r\n똠방,3\r\n"));
        assert!(bytes[..SAMPLE_LEN].is_ascii());
        let (_d, mut src) = open_bytes("late.csv", &bytes, None);
        assert_eq!(src.encoding_name(), "UTF-8");
        let all = rows(&mut src);
        assert_eq!(src.encoding_name(), "EUC-KR");
        let n = filler_rows as u32;
        assert_eq!(all.len(), filler_rows + 3);
        assert_eq!(all[all.len() - 2], r(n + 2, &["김철수", "2,000"]));
        assert_eq!(all[all.len() - 1], r(n + 3, &["똠방", "3"]));
    }

    #[test]
    fn korean_utf8_start_then_cp949_is_an_error_naming_the_row() {
        let mut bytes = "고객,금액\n김철수,100\n".as_bytes().to_vec();
        bytes.extend(cp949("홍길동,200\n"));
        let (_d, mut src) = open_bytes("mix.csv", &bytes, None);
        let mut fields = Vec::new();
        assert!(src.next_record(&mut fields).unwrap());
        assert!(src.next_record(&mut fields).unwrap());
        let err = src.next_record(&mut fields).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, CsvError::Decode { row: 3, .. }), "{err:?}");
        assert!(
            text.ends_with(
                "mix.csv: row 3: the bytes are not valid UTF-8, though the start of the file was; \
                 the file mixes encodings — if it is a Korean Excel export, try --encoding cp949"
            ),
            "{text}"
        );
    }

    #[test]
    fn ascii_start_then_bytes_neither_utf8_nor_cp949() {
        // ASCII filling the whole sample, then a byte that starts nothing in UTF-8 or CP949.
        let mut bytes = b"a,b\n".repeat(SAMPLE_LEN / 4 + 1);
        bytes.extend_from_slice(b"a,b\nx,\xFF\n");
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "odd.csv", &bytes);
        let mut src = CsvSource::open(&path, None).unwrap();
        let mut fields = Vec::new();
        let err = loop {
            match src.next_record(&mut fields) {
                Ok(true) => {}
                Ok(false) => panic!("no error"),
                Err(e) => break e,
            }
        };
        let rows_before = (SAMPLE_LEN / 4 + 1) as u64 + 1;
        assert!(
            matches!(err, CsvError::Decode { row, .. } if row == rows_before + 1),
            "{err:?}"
        );
        assert!(err.to_string().ends_with(
            "the text is neither UTF-8 nor CP949 (the rows above were plain ASCII); pass --encoding \
             with the file's encoding, e.g. --encoding windows-1252"
        ));
    }

    #[test]
    fn utf8_character_cut_by_the_sample_boundary() {
        // Put a 3-byte Hangul syllable across the 64 KiB boundary.
        let mut bytes = "고객,메모\n".as_bytes().to_vec();
        while bytes.len() < SAMPLE_LEN - 1 {
            bytes.extend_from_slice(b"a,b\n");
        }
        bytes.truncate(SAMPLE_LEN - 4);
        bytes.extend_from_slice(b"\nx,");
        bytes.extend_from_slice("한글\n".as_bytes());
        assert_eq!(&bytes[SAMPLE_LEN - 1..SAMPLE_LEN + 2], "한".as_bytes());
        let (_d, mut src) = open_bytes("cut.csv", &bytes, None);
        assert_eq!(src.encoding_name(), "UTF-8");
        let all = rows(&mut src);
        assert_eq!(
            all.last().unwrap().1,
            vec!["x".to_string(), "한글".to_string()]
        );
    }

    #[test]
    fn a_long_file_split_ahead_keeps_every_row_and_its_number() {
        // Longer than the sample, so split on the reader thread, across many batches: quoted
        // line breaks and blank lines must keep the rows a spreadsheet shows.
        let mut text = String::from("id,memo,amount\r\n");
        let mut expected = vec![r(0, &["id", "memo", "amount"])];
        let mut line = 1;
        for i in 0..(3 * BATCH as u32 + 17) {
            let memo = if i % 7 == 0 {
                format!("line {i}\nnext")
            } else {
                format!("memo {i} {}", "x".repeat(40))
            };
            text.push_str(&format!("{i},\"{memo}\",{}.50\r\n", i * 3));
            expected.push((line, vec![i.to_string(), memo, format!("{}.50", i * 3)]));
            line += 1;
            if i % 11 == 0 {
                text.push_str("\r\n");
                line += 1;
            }
        }
        text.push_str("last,\"no line end\",1");
        expected.push(r(line, &["last", "no line end", "1"]));
        assert!(text.len() > SAMPLE_LEN);
        let (_d, mut src) = open_bytes("long.csv", text.as_bytes(), None);
        assert_eq!(rows(&mut src), expected);
        // Dropped after a few rows (as the header search does): the reader thread stops.
        let (_d, mut src) = open_bytes("long.csv", text.as_bytes(), None);
        let mut fields = Vec::new();
        assert!(src.next_record(&mut fields).unwrap());
        drop(src);
    }

    #[test]
    fn a_long_cp949_file_is_decoded_on_the_reader_thread_and_a_bad_field_names_its_row() {
        // Korean in the sample settles CP949, so the reader thread decodes the records: the
        // same fields and rows as decoding them on the reading end, and a malformed field is
        // still the error of its own row, after every row before it.
        let mut text = String::from("고객명,메모,금액\r\n");
        let mut expected = vec![r(0, &["고객명", "메모", "금액"])];
        for i in 0..(3 * BATCH as u32 + 17) {
            let name = ["김철수", "똠얌", "lee"][i as usize % 3];
            let memo = if i % 5 == 0 {
                format!("배송 {i}, 문 앞")
            } else {
                format!("메모 {i} {}", "가".repeat(20))
            };
            text.push_str(&format!("{name},\"{memo}\",{}\r\n", i * 3));
            expected.push((i + 1, vec![name.to_string(), memo, (i * 3).to_string()]));
        }
        let mut bytes = cp949(&text);
        assert!(bytes.len() > SAMPLE_LEN);
        let bad_row = expected.len() as u32; // 0-based
        // A lead byte with no trail byte before the delimiter.
        bytes.extend(b"kim\x81,x,1\r\n");
        bytes.extend(cp949("박,끝,2\r\n"));
        let (_d, mut src) = open_bytes("long949.csv", &bytes, None);
        assert_eq!(src.encoding_name(), "EUC-KR");
        let mut got = Vec::new();
        let mut fields = Vec::new();
        let err = loop {
            match src.next_record(&mut fields) {
                Ok(true) => got.push((src.row_index(), fields.clone())),
                Ok(false) => panic!("the malformed row was read"),
                Err(e) => break e,
            }
        };
        assert_eq!(got, expected);
        let err = err.to_string();
        assert!(
            err.ends_with(&format!(
                "long949.csv: row {}: the bytes are not valid CP949 (EUC-KR), though the start of \
                 the file was; pass --encoding with the file's real encoding, e.g. --encoding utf-8",
                bad_row + 1
            )),
            "{err}"
        );
    }

    #[test]
    fn empty_file() {
        assert_eq!(
            open_err("empty.csv", b"", None),
            "DIR/empty.csv: the file is empty"
        );
        assert_eq!(
            open_err("bom.csv", b"\xEF\xBB\xBF", None),
            "DIR/bom.csv: the file is empty"
        );
    }

    #[test]
    fn workbooks_renamed_to_csv() {
        assert_eq!(
            open_err("book.csv", b"PK\x03\x04\x14\x00\x06\x00", None),
            "DIR/book.csv: not a CSV text file: this looks like a zip/xlsx file, not CSV — open it \
             as a workbook (.xlsx) instead"
        );
        assert_eq!(
            open_err(
                "old.csv",
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0],
                None
            ),
            "DIR/old.csv: not a CSV text file: this looks like an old Excel .xls (or a \
             password-protected workbook), not CSV — open it as a workbook instead"
        );
    }

    #[test]
    fn nul_bytes_without_bom() {
        assert_eq!(
            open_err("bin.csv", b"a\0,\0b\0", None),
            "DIR/bin.csv: not a CSV text file: it contains a NUL byte at offset 1, so it is a binary \
             file — or UTF-16 text without a byte-order mark (then try --encoding utf-16le)"
        );
    }

    #[test]
    fn unknown_encoding_label() {
        assert_eq!(
            open_err("x.csv", b"a,b\n", Some("klingon")),
            "unknown encoding \"klingon\": use one of utf-8, cp949 (= euc-kr), utf-16le, utf-16be, \
             windows-1252"
        );
    }

    #[test]
    fn missing_file_is_io() {
        let dir = tempfile::tempdir().unwrap();
        let err = CsvSource::open(&dir.path().join("nope.csv"), None).unwrap_err();
        assert!(
            matches!(err, CsvError::Io { ref source, .. } if source.kind() == io::ErrorKind::NotFound)
        );
    }

    #[test]
    fn read_errors_are_said_in_the_catalogues_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.csv");
        let err = CsvSource::open(&path, None).unwrap_err();
        let p = path.display();
        assert_eq!(
            err.to_string(),
            format!("{p}: cannot be read: no such file or folder; nothing was changed")
        );
        crate::i18n::set_current(crate::model::Lang::Ko);
        assert_eq!(
            err.to_string(),
            format!("{p}: 읽을 수 없습니다 — 파일이나 폴더가 없습니다. 아무것도 바꾸지 않았습니다")
        );
    }

    #[test]
    fn from_reader_streams_without_a_file() {
        let mut src = CsvSource::from_reader(
            Cursor::new(b"a;b\n1;2\n".to_vec()),
            Path::new("mem.csv"),
            None,
        )
        .unwrap();
        assert_eq!(src.path(), Path::new("mem.csv"));
        assert_eq!(rows(&mut src), vec![r(0, &["a", "b"]), r(1, &["1", "2"])]);
    }
}
