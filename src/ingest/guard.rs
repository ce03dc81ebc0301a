//! Pre-flight checks on a zip-based workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`) before any
//! reader inflates it: zip bombs, tampered or truncated zip directories, XML entity-expansion
//! declarations and absurd shared-string claims are refused with a clear message.
//!
//! The zip's central directory is parsed here directly (not through the `zip` crate, which
//! silently keeps one of two entries with the same name) and its declared sizes are bounded.
//! Readers never inflate past a declared size (calamine's zip reader stops there; the
//! write-back reads through [`bounded_read`]), so a header that under-declares cannot slip a
//! bomb past the limits. Only the first bytes of each XML part (its prolog and root tag) are
//! inflated here, so the check costs milliseconds even on a 300 MB workbook.
//!
//! Limits are the documented constants below; the `DANGOL_MAX_*` environment variables and the
//! global flags `--max-unzipped-mb` and `--max-cells` override them. The limits in force are a
//! [`Limits`] value made once from the checked command line (`cli::Context`) and passed to
//! every check; there is no process-wide setting.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Total uncompressed size of all parts, in MiB (`--max-unzipped-mb`, `DANGOL_MAX_UNZIPPED_MB`).
/// The largest real workbook we know (UCI Online Retail II, 1 M rows) unpacks to 315 MiB.
pub const MAX_UNZIPPED_MB: u64 = 1024;
/// Uncompressed size of any one part, in MiB (`DANGOL_MAX_PART_MB`; never above the total).
pub const MAX_PART_MB: u64 = 512;
/// Highest compression ratio accepted for a part larger than [`RATIO_GRACE_BYTES`]
/// (`DANGOL_MAX_RATIO`). Real workbooks reach about 140:1 (a sheet of one repeated long
/// string); deflate tops out near 1030:1, which is what bombs use.
pub const MAX_RATIO: u64 = 500;
/// Parts that unpack to less than this are not ratio-checked: tiny parts compress wildly.
pub const RATIO_GRACE_BYTES: u64 = 1 << 20;
/// Zip entries in one package (`DANGOL_MAX_ENTRIES`). Real workbooks have tens to hundreds.
pub const MAX_ENTRIES: u64 = 10_000;
/// Unique strings a shared-strings table may claim (`DANGOL_MAX_SHARED_STRINGS`). The reader
/// reserves memory for the claimed count up front (24 bytes each), so the claim is bounded.
pub const MAX_SHARED_STRINGS: u64 = 5_000_000;
/// Cells a sheet may expand to in readers that build a whole grid (`.ods`), and the bound on a
/// shared-strings table's total reference count (`--max-cells`, `DANGOL_MAX_CELLS`).
pub const MAX_CELLS: u64 = 50_000_000;
/// The prolog of an XML part (declaration, comments) must end within this many bytes.
const PROLOG_LIMIT: usize = 64 * 1024;

const MIB: u64 = 1024 * 1024;

/// The limits in force for one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_unzipped_bytes: u64,
    pub max_part_bytes: u64,
    pub max_ratio: u64,
    pub max_entries: u64,
    pub max_shared_strings: u64,
    pub max_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_unzipped_bytes: MAX_UNZIPPED_MB * MIB,
            max_part_bytes: MAX_PART_MB * MIB,
            max_ratio: MAX_RATIO,
            max_entries: MAX_ENTRIES,
            max_shared_strings: MAX_SHARED_STRINGS,
            max_cells: MAX_CELLS,
        }
    }
}

impl Limits {
    /// The defaults, with any `DANGOL_MAX_*` environment variable applied (an unparsable value
    /// is ignored: the limit stays safe).
    pub fn from_env() -> Limits {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let mut l = Limits::default();
        if let Some(mb) = var("DANGOL_MAX_PART_MB") {
            l.max_part_bytes = mb.saturating_mul(MIB);
        }
        if let Some(mb) = var("DANGOL_MAX_UNZIPPED_MB") {
            l = l.with_max_unzipped_mb(mb);
        }
        if let Some(n) = var("DANGOL_MAX_RATIO") {
            l.max_ratio = n;
        }
        if let Some(n) = var("DANGOL_MAX_ENTRIES") {
            l.max_entries = n;
        }
        if let Some(n) = var("DANGOL_MAX_SHARED_STRINGS") {
            l.max_shared_strings = n;
        }
        if let Some(n) = var("DANGOL_MAX_CELLS") {
            l.max_cells = n;
        }
        l
    }

    /// Sets the total unpacked size; one part can never exceed the total.
    #[must_use]
    pub fn with_max_unzipped_mb(mut self, mb: u64) -> Limits {
        self.max_unzipped_bytes = mb.saturating_mul(MIB);
        self.max_part_bytes = self.max_part_bytes.min(self.max_unzipped_bytes);
        self
    }
}

/// The limits given, else the environment's (a library caller that chose none).
pub fn limits_or_env(limits: Option<Limits>) -> Limits {
    limits.unwrap_or_else(Limits::from_env)
}

fn mb(bytes: u64) -> String {
    let m = bytes as f64 / MIB as f64;
    if m >= 10.0 {
        format!("{m:.0} MB")
    } else {
        format!("{m:.1} MB")
    }
}

/// Why a package was refused (in the catalogue's words: [`GuardError::text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardError {
    /// The end-of-directory record or the directory itself is missing, cut short or
    /// inconsistent: usually an incomplete download or copy.
    Truncated {
        detail: String,
    },
    TooManyEntries {
        count: u64,
        max: u64,
    },
    Duplicate {
        name: String,
    },
    UnsafeName {
        name: String,
    },
    EncryptedEntry {
        name: String,
    },
    PartTooLarge {
        name: String,
        size: u64,
        max: u64,
    },
    TotalTooLarge {
        size: u64,
        max: u64,
    },
    Ratio {
        name: String,
        ratio: u64,
        max: u64,
    },
    SizeMismatch {
        name: String,
    },
    Doctype {
        name: String,
    },
    NoRoot {
        name: String,
    },
    SharedStrings {
        claimed: u64,
        max: u64,
    },
    SharedStringRefs {
        claimed: u64,
        max: u64,
    },
    TooManyCells {
        name: String,
        cells: u64,
        max: u64,
    },
    Inflate {
        name: String,
        detail: String,
    },
    /// An `.xls` (OLE compound file) whose sector chains loop or point past the end: the
    /// reader would follow them forever (`ExcelDataReader`'s `Test_git_issue_382_oom.xls`).
    OleDamaged {
        detail: String,
    },
    /// What the system said reading the file (English: not from the catalogue).
    Io(String),
}

impl GuardError {
    /// The refusal, from the message catalogue; a technical detail (the damaged record) is
    /// named in English and said plainly in Korean.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::text;
        let detail = |d: &String| (d.clone(), text!(GuardDetail));
        match self {
            GuardError::Truncated { detail: d } => {
                let (en, ko) = detail(d);
                text!(GuardTruncated).io_parts("detail", en, ko)
            }
            GuardError::TooManyEntries { count, max } => {
                text!(GuardTooManyEntries, count = count, max = max)
            }
            GuardError::Duplicate { name } => text!(GuardDuplicate, name = name),
            GuardError::UnsafeName { name } => text!(GuardUnsafeName, name = name),
            GuardError::EncryptedEntry { name } => text!(GuardEncryptedEntry, name = name),
            GuardError::PartTooLarge { name, size, max } => {
                text!(
                    GuardPartTooLarge,
                    name = name,
                    size = mb(*size),
                    max = mb(*max)
                )
            }
            GuardError::TotalTooLarge { size, max } => {
                text!(GuardTotalTooLarge, size = mb(*size), max = mb(*max))
            }
            GuardError::Ratio { name, ratio, max } => {
                text!(GuardRatio, name = name, ratio = ratio, max = max)
            }
            GuardError::SizeMismatch { name } => text!(GuardSizeMismatch, name = name),
            GuardError::Doctype { name } => text!(GuardDoctype, name = name),
            GuardError::NoRoot { name } => text!(GuardNoRoot, name = name),
            GuardError::SharedStrings { claimed, max } => {
                text!(GuardSharedStrings, claimed = claimed, max = max)
            }
            GuardError::SharedStringRefs { claimed, max } => {
                text!(GuardSharedStringRefs, claimed = claimed, max = max)
            }
            GuardError::TooManyCells { name, cells, max } => {
                text!(GuardTooManyCells, name = name, cells = cells, max = max)
            }
            GuardError::Inflate { name, detail: d } => {
                let (en, ko) = detail(d);
                text!(GuardInflate, name = name).io_parts("detail", en, ko)
            }
            GuardError::OleDamaged { detail: d } => {
                let (en, ko) = detail(d);
                text!(GuardOleDamaged).io_parts("detail", en, ko)
            }
            GuardError::Io(s) => crate::text!(IoOther, detail = s),
        }
    }

    /// Whether the refusal is written by the catalogue in both languages (not what the
    /// system said).
    pub fn speaks_catalogue(&self) -> bool {
        !matches!(self, GuardError::Io(_))
    }
}

/// In the language of the workbook being read; what the system said as it said it.
impl std::fmt::Display for GuardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GuardError::Io(s) => f.write_str(s),
            other => other.text().fmt(f),
        }
    }
}

impl std::error::Error for GuardError {}

/// What a passed check saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub entries: u64,
    pub unzipped_bytes: u64,
}

/// One central-directory entry.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    flags: u16,
    compressed: u64,
    uncompressed: u64,
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(i..i + 8)?.try_into().ok()?))
}

fn truncated(detail: &str) -> GuardError {
    GuardError::Truncated {
        detail: detail.to_string(),
    }
}

fn io(e: &std::io::Error) -> GuardError {
    GuardError::Io(e.to_string())
}

/// Reads the whole central directory, checking counts and names as it goes.
fn read_directory<R: Read + Seek>(r: &mut R, limits: &Limits) -> Result<Vec<Entry>, GuardError> {
    let len = r.seek(SeekFrom::End(0)).map_err(|e| io(&e))?;
    if len < 22 {
        return Err(truncated("no end-of-directory record"));
    }
    let tail_len = len.min(22 + 65_535 + 20);
    r.seek(SeekFrom::Start(len - tail_len))
        .map_err(|e| io(&e))?;
    let mut tail = vec![0u8; tail_len as usize];
    r.read_exact(&mut tail).map_err(|e| io(&e))?;
    let eocd = (0..=tail.len() - 22)
        .rev()
        .find(|&i| u32_at(&tail, i) == Some(0x0605_4b50))
        .ok_or_else(|| truncated("no end-of-directory record"))?;
    let eocd_pos = len - tail_len + eocd as u64;
    let field = |i| u16_at(&tail, eocd + i).map(u64::from);
    let bad = || truncated("unreadable end-of-directory record");
    let mut count = field(10).ok_or_else(bad)?;
    let mut cd_size = u32_at(&tail, eocd + 12).map(u64::from).ok_or_else(bad)?;
    let mut cd_offset = u32_at(&tail, eocd + 16).map(u64::from).ok_or_else(bad)?;
    let mut dir_end = eocd_pos;
    if count == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF {
        // Zip64: the locator sits just before the classic record.
        let loc = eocd
            .checked_sub(20)
            .filter(|&l| u32_at(&tail, l) == Some(0x0706_4b50))
            .ok_or_else(|| truncated("zip64 locator missing"))?;
        let rec = u64_at(&tail, loc + 8).ok_or_else(bad)?;
        if rec + 56 > eocd_pos {
            return Err(truncated("zip64 record out of range"));
        }
        r.seek(SeekFrom::Start(rec)).map_err(|e| io(&e))?;
        let mut z = [0u8; 56];
        r.read_exact(&mut z).map_err(|e| io(&e))?;
        if u32_at(&z, 0) != Some(0x0606_4b50) {
            return Err(truncated("zip64 record missing"));
        }
        count = u64_at(&z, 32).ok_or_else(bad)?;
        cd_size = u64_at(&z, 40).ok_or_else(bad)?;
        cd_offset = u64_at(&z, 48).ok_or_else(bad)?;
        dir_end = rec;
    }
    if count > limits.max_entries {
        return Err(GuardError::TooManyEntries {
            count,
            max: limits.max_entries,
        });
    }
    if cd_offset.checked_add(cd_size).is_none_or(|e| e > dir_end) {
        return Err(truncated("the directory points past the end of the file"));
    }
    // Each entry takes at least 46 bytes: a directory too small for its count is damaged.
    if count.saturating_mul(46) > cd_size {
        return Err(truncated("the directory is shorter than its entry count"));
    }
    r.seek(SeekFrom::Start(cd_offset)).map_err(|e| io(&e))?;
    let mut cd = vec![0u8; cd_size as usize];
    r.read_exact(&mut cd).map_err(|e| io(&e))?;

    let mut entries = Vec::with_capacity(count as usize);
    let mut seen = std::collections::HashSet::new();
    let mut i = 0usize;
    for _ in 0..count {
        if u32_at(&cd, i) != Some(0x0201_4b50) {
            return Err(truncated("a directory entry is damaged"));
        }
        let h = |o| u16_at(&cd, i + o).map(usize::from).ok_or_else(bad);
        let flags = u16_at(&cd, i + 8).ok_or_else(bad)?;
        let mut compressed = u32_at(&cd, i + 20).map(u64::from).ok_or_else(bad)?;
        let mut uncompressed = u32_at(&cd, i + 24).map(u64::from).ok_or_else(bad)?;
        let (name_len, extra_len, comment_len) = (h(28)?, h(30)?, h(32)?);
        let mut local_offset = u32_at(&cd, i + 42).map(u64::from).ok_or_else(bad)?;
        let name_bytes = cd
            .get(i + 46..i + 46 + name_len)
            .ok_or_else(|| truncated("a directory entry is cut short"))?;
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        let extra = cd
            .get(i + 46 + name_len..i + 46 + name_len + extra_len)
            .ok_or_else(|| truncated("a directory entry is cut short"))?;
        // Zip64 extended information: the 8-byte values present are those whose 4-byte
        // field is saturated, in this order.
        let mut e = 0usize;
        while e + 4 <= extra.len() {
            let id = u16_at(extra, e).unwrap_or(0);
            let size = usize::from(u16_at(extra, e + 2).unwrap_or(0));
            if id == 0x0001 {
                let body = extra.get(e + 4..e + 4 + size).unwrap_or(&[]);
                let mut k = 0;
                for v in [&mut uncompressed, &mut compressed, &mut local_offset] {
                    if *v == 0xFFFF_FFFF {
                        *v = u64_at(body, k).ok_or_else(|| truncated("bad zip64 field"))?;
                        k += 8;
                    }
                }
            }
            e += 4 + size;
        }
        i += 46 + name_len + extra_len + comment_len;
        if unsafe_name(&name) {
            return Err(GuardError::UnsafeName { name });
        }
        if !seen.insert(name.to_lowercase()) {
            return Err(GuardError::Duplicate { name });
        }
        // Local header (30 bytes at least) and data must lie before the directory.
        if local_offset
            .checked_add(30)
            .and_then(|x| x.checked_add(compressed))
            .is_none_or(|end| end > cd_offset)
        {
            return Err(truncated(&format!("the data of '{name}' is missing")));
        }
        entries.push(Entry {
            name,
            flags,
            compressed,
            uncompressed,
        });
    }
    Ok(entries)
}

/// An absolute path, a drive letter or a `..` segment: never in a real package.
fn unsafe_name(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|s| s == "..")
        || name.contains('\0')
}

/// The declared-size checks, before anything is inflated.
fn check_sizes(entries: &[Entry], limits: &Limits) -> Result<u64, GuardError> {
    let mut total = 0u64;
    for e in entries {
        if e.flags & 1 != 0 {
            return Err(GuardError::EncryptedEntry {
                name: e.name.clone(),
            });
        }
        part_limits(&e.name, e.uncompressed, e.compressed, limits)?;
        total = total.saturating_add(e.uncompressed);
        if total > limits.max_unzipped_bytes {
            return Err(GuardError::TotalTooLarge {
                size: entries.iter().map(|e| e.uncompressed).sum(),
                max: limits.max_unzipped_bytes,
            });
        }
    }
    Ok(total)
}

fn part_limits(name: &str, size: u64, compressed: u64, limits: &Limits) -> Result<(), GuardError> {
    if size > limits.max_part_bytes {
        return Err(GuardError::PartTooLarge {
            name: name.to_string(),
            size,
            max: limits.max_part_bytes,
        });
    }
    if size > RATIO_GRACE_BYTES {
        let ratio = size / compressed.max(1);
        if ratio > limits.max_ratio {
            return Err(GuardError::Ratio {
                name: name.to_string(),
                ratio,
                max: limits.max_ratio,
            });
        }
    }
    Ok(())
}

fn is_xml_part(name: &str) -> bool {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    ["xml", "rels", "vml"]
        .iter()
        .any(|x| ext.eq_ignore_ascii_case(x))
}

/// What the start of an XML part holds.
#[derive(Debug, PartialEq, Eq)]
enum Prolog {
    /// The root element's start tag (without `<` and `>`).
    Root(String),
    Doctype,
    /// More bytes are needed.
    Incomplete,
    /// Not XML at all; the reader will say so.
    NotXml,
}

/// Walks the prolog: declaration, processing instructions, comments, white space.
fn scan_prolog(head: &[u8]) -> Prolog {
    let text: String = if head.starts_with(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE.decode(head).0.into_owned()
    } else if head.starts_with(&[0xFE, 0xFF]) {
        encoding_rs::UTF_16BE.decode(head).0.into_owned()
    } else {
        String::from_utf8_lossy(head).into_owned()
    };
    let mut s = text.trim_start_matches('\u{feff}');
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Prolog::Incomplete;
        }
        if let Some(rest) = s.strip_prefix("<?") {
            let Some(end) = rest.find("?>") else {
                return Prolog::Incomplete;
            };
            s = &rest[end + 2..];
        } else if let Some(rest) = s.strip_prefix("<!--") {
            let Some(end) = rest.find("-->") else {
                return Prolog::Incomplete;
            };
            s = &rest[end + 3..];
        } else if s.starts_with("<!") {
            // DOCTYPE, ENTITY or anything else markup-declaration-like before the root.
            return Prolog::Doctype;
        } else if let Some(rest) = s.strip_prefix('<') {
            // The root start tag ends at the first '>' outside quotes.
            let mut quote = None;
            for (i, ch) in rest.char_indices() {
                match (quote, ch) {
                    (None, '"' | '\'') => quote = Some(ch),
                    (Some(q), c) if c == q => quote = None,
                    (None, '>') => return Prolog::Root(rest[..i].to_string()),
                    _ => {}
                }
            }
            return Prolog::Incomplete;
        } else {
            return Prolog::NotXml;
        }
    }
}

/// The value of attribute `name` in a start tag, as a count (`u64::MAX` when it overflows).
fn count_attr(tag: &str, name: &str) -> Option<u64> {
    let mut rest = tag;
    while let Some(pos) = rest.find(name) {
        let before = rest[..pos].chars().last();
        let after = rest[pos + name.len()..].trim_start();
        rest = &rest[pos + name.len()..];
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(v) = after.strip_prefix('=') else {
            continue;
        };
        let v = v.trim_start();
        let q = v.chars().next()?;
        if q != '"' && q != '\'' {
            return None;
        }
        let body = &v[1..];
        let digits = &body[..body.find(q)?];
        let digits = digits.trim();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return Some(digits.parse().unwrap_or(u64::MAX));
    }
    None
}

fn check_root(tag: &str, limits: &Limits) -> Result<(), GuardError> {
    let local = tag
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("");
    let local = local.rsplit(':').next().unwrap_or(local);
    if local == "sst" {
        if let Some(n) = count_attr(tag, "uniqueCount")
            && n > limits.max_shared_strings
        {
            return Err(GuardError::SharedStrings {
                claimed: n,
                max: limits.max_shared_strings,
            });
        }
        if let Some(n) = count_attr(tag, "count")
            && n > limits.max_cells
        {
            return Err(GuardError::SharedStringRefs {
                claimed: n,
                max: limits.max_cells,
            });
        }
    }
    Ok(())
}

/// Counts the cells an `.ods` `content.xml` expands to in a grid reader: every non-empty
/// `table:table-cell` times its column repeat times its row's repeat. Empty cells do not
/// count (readers trim them), so a sheet whose styled empty range is huge passes.
struct OdsCounter {
    row_repeat: u64,
    cells: u64,
    pending: Vec<u8>,
}

impl OdsCounter {
    fn new() -> Self {
        OdsCounter {
            row_repeat: 1,
            cells: 0,
            pending: Vec::new(),
        }
    }

    /// Feeds bytes; tags split across chunks are carried over.
    fn feed(&mut self, chunk: &[u8]) {
        self.pending.extend_from_slice(chunk);
        let buf = std::mem::take(&mut self.pending);
        let mut i = 0;
        while let Some(off) = buf[i..].iter().position(|&b| b == b'<') {
            let start = i + off;
            let Some(len) = buf[start..].iter().position(|&b| b == b'>') else {
                // Keep an unfinished tag for the next chunk, unless it is absurdly long.
                if buf.len() - start < 1 << 16 {
                    self.pending.extend_from_slice(&buf[start..]);
                }
                return;
            };
            let tag = &buf[start + 1..start + len];
            self.tag(tag);
            i = start + len + 1;
        }
    }

    fn tag(&mut self, tag: &[u8]) {
        let repeat = |attr: &[u8]| -> u64 {
            tag.windows(attr.len())
                .position(|w| w == attr)
                .and_then(|p| {
                    let v = &tag[p + attr.len()..];
                    let v = v.strip_prefix(b"=\"").or_else(|| v.strip_prefix(b"='"))?;
                    let end = v.iter().position(|b| !b.is_ascii_digit())?;
                    Some(
                        std::str::from_utf8(&v[..end])
                            .ok()?
                            .parse::<u64>()
                            .unwrap_or(u64::MAX),
                    )
                })
                .unwrap_or(1)
                .max(1)
        };
        if tag.starts_with(b"table:table-row") {
            self.row_repeat = repeat(b"table:number-rows-repeated");
        } else if tag.starts_with(b"table:table-cell")
            && (!tag.ends_with(b"/") || tag.windows(17).any(|w| w == b"office:value-type"))
        {
            // A self-closing cell without a value is empty; readers trim those.
            let n = repeat(b"table:number-columns-repeated");
            self.cells = self.cells.saturating_add(n.saturating_mul(self.row_repeat));
        }
    }
}

/// Inflates the start of every XML part to scan its prolog (DOCTYPE, shared-string claims),
/// and an `.ods` `content.xml` whole to count its cells.
///
/// Parts are not inflated in full otherwise: calamine's zip reader stops at each part's
/// declared size, which [`check_sizes`] has bounded, and the write-back's reads are bounded
/// the same way ([`bounded_read`]). Reading a 315 MB package in full here would cost about
/// half a second for nothing.
fn scan_parts<R: Read + Seek>(
    r: &mut R,
    entries: &[Entry],
    limits: &Limits,
) -> Result<(), GuardError> {
    r.seek(SeekFrom::Start(0)).map_err(|e| io(&e))?;
    let mut zip = zip::ZipArchive::new(&mut *r).map_err(|e| truncated(&e.to_string()))?;
    let mut buf = vec![0u8; 64 * 1024];
    for (idx, e) in entries.iter().enumerate() {
        let ods_content = e.name == "content.xml";
        if !is_xml_part(&e.name) || e.uncompressed == 0 {
            continue;
        }
        let inflate = |detail: String| GuardError::Inflate {
            name: e.name.clone(),
            detail,
        };
        // The zip crate keeps directory order, and with duplicates refused its indices are
        // ours (names are not compared: it decodes non-UTF-8 names as CP437).
        let mut f = zip.by_index(idx).map_err(|err| inflate(err.to_string()))?;
        let mut head: Vec<u8> = Vec::new();
        let mut root_seen = false;
        let mut ods = OdsCounter::new();
        let mut n = 0u64;
        loop {
            let got = match f.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => k,
                Err(err) => return Err(read_error(&e.name, &err)),
            };
            n += got as u64;
            if n > e.uncompressed {
                return Err(GuardError::SizeMismatch {
                    name: e.name.clone(),
                });
            }
            if !root_seen {
                head.extend_from_slice(&buf[..got]);
                match scan_prolog(&head) {
                    Prolog::Root(tag) => {
                        check_root(&tag, limits)?;
                        root_seen = true;
                        head = Vec::new();
                    }
                    Prolog::Doctype => {
                        return Err(GuardError::Doctype {
                            name: e.name.clone(),
                        });
                    }
                    Prolog::NotXml => {
                        root_seen = true;
                        head = Vec::new();
                    }
                    Prolog::Incomplete if head.len() > PROLOG_LIMIT => {
                        return Err(GuardError::NoRoot {
                            name: e.name.clone(),
                        });
                    }
                    Prolog::Incomplete => {}
                }
            }
            if ods_content {
                ods.feed(&buf[..got]);
                if ods.cells > limits.max_cells {
                    return Err(GuardError::TooManyCells {
                        name: e.name.clone(),
                        cells: ods.cells,
                        max: limits.max_cells,
                    });
                }
            } else if root_seen {
                break;
            }
        }
    }
    Ok(())
}

/// The zip reader's own refusal of a part that inflates past its declared size (zip 9 stops
/// there by itself, with this message).
const ZIP_PAST_DECLARED: &str = "File is larger than its declared uncompressed size";

/// A read error while inflating a part: the zip reader's past-the-declared-size refusal is our
/// [`GuardError::SizeMismatch`] (with our message, naming the part), anything else an
/// [`GuardError::Inflate`].
fn read_error(name: &str, err: &std::io::Error) -> GuardError {
    if err.kind() == std::io::ErrorKind::InvalidData && err.to_string() == ZIP_PAST_DECLARED {
        GuardError::SizeMismatch {
            name: name.to_string(),
        }
    } else {
        GuardError::Inflate {
            name: name.to_string(),
            detail: err.to_string(),
        }
    }
}

/// Reads a whole part, refusing one that inflates past its declared size (the zip reader stops
/// there too; the `take` keeps the bound whatever reader is given).
pub(crate) fn bounded_read<F: Read>(
    f: F,
    name: &str,
    declared: u64,
) -> Result<Vec<u8>, GuardError> {
    let mut buf = Vec::with_capacity(usize::try_from(declared.min(1 << 26)).unwrap_or(0));
    f.take(declared.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| read_error(name, &e))?;
    if buf.len() as u64 > declared {
        return Err(GuardError::SizeMismatch {
            name: name.to_string(),
        });
    }
    Ok(buf)
}

/// Checks a zip package from any seekable reader; the reader's position is left anywhere.
pub fn check_package<R: Read + Seek>(r: &mut R, limits: &Limits) -> Result<Summary, GuardError> {
    let entries = read_directory(r, limits)?;
    let total = check_sizes(&entries, limits)?;
    scan_parts(r, &entries, limits)?;
    Ok(Summary {
        entries: entries.len() as u64,
        unzipped_bytes: total,
    })
}

/// Checks a zip-based workbook file with the given limits.
pub fn check_file(path: &Path, limits: &Limits) -> Result<Summary, GuardError> {
    let f = std::fs::File::open(path).map_err(|e| io(&e))?;
    let mut r = std::io::BufReader::new(f);
    check_package(&mut r, limits)
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;

fn ole(detail: &str) -> GuardError {
    GuardError::OleDamaged {
        detail: detail.to_string(),
    }
}

/// Follows a chain through `table` the way the reader does: every id read must be below
/// `limit`, and the chain must end within `limit` steps (no loops) or once `wanted` sectors
/// have been read (the reader stops at a stream's size, ignoring a bad link after it).
fn walk(
    start: u32,
    table: &[u32],
    limit: usize,
    wanted: Option<usize>,
    what: &str,
) -> Result<usize, GuardError> {
    let mut id = start;
    let mut steps = 0usize;
    while id != ENDOFCHAIN && wanted.is_none_or(|w| steps < w) {
        let i = id as usize;
        if i >= limit || i >= table.len() {
            return Err(ole(&format!("the {what} points past the end of the file")));
        }
        steps += 1;
        if steps > limit {
            return Err(ole(&format!("the {what} loops")));
        }
        id = table[i];
    }
    Ok(steps)
}

/// Checks the sector chains of an OLE compound file (`.xls`) before the reader follows them.
pub fn check_ole(bytes: &[u8]) -> Result<(), GuardError> {
    let h = |i| u32_at(bytes, i).ok_or_else(|| ole("the header is cut short"));
    let shift = u16_at(bytes, 30).ok_or_else(|| ole("the header is cut short"))?;
    if !(7..=16).contains(&shift) {
        return Err(ole("bad sector size"));
    }
    let ss = 1usize << shift;
    let nsect = bytes.len().saturating_sub(ss).div_ceil(ss);
    let sector = |id: u32| -> Result<Vec<u32>, GuardError> {
        let start = (id as usize + 1) * ss;
        let data = bytes
            .get(start..(start + ss).min(bytes.len()))
            .ok_or_else(|| ole("a sector lies past the end of the file"))?;
        Ok(data
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    };
    // The DIFAT: 109 ids in the header, then a chain of DIFAT sectors.
    let mut difat: Vec<u32> = (0..109).filter_map(|k| u32_at(bytes, 76 + 4 * k)).collect();
    let mut next = h(68)?;
    let mut steps = 0;
    while next < 0xFFFF_FFFA {
        steps += 1;
        if steps > nsect || next as usize >= nsect {
            return Err(ole("the sector allocation table chain is damaged"));
        }
        let mut ids = sector(next)?;
        next = ids.pop().unwrap_or(ENDOFCHAIN);
        difat.extend(ids);
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|&id| id < 0xFFFF_FFFA) {
        if id as usize >= nsect {
            return Err(ole(
                "the sector allocation table points past the end of the file",
            ));
        }
        fat.extend(sector(id)?);
        if fat.len() > nsect.saturating_add(ss) * 2 {
            return Err(ole("the sector allocation table is too long"));
        }
    }
    let limit = nsect.min(fat.len());
    let dir_start = h(48)?;
    walk(dir_start, &fat, limit, None, "directory chain")?;
    let mut dirs = Vec::new();
    let mut id = dir_start;
    while id != ENDOFCHAIN {
        dirs.extend_from_slice(
            bytes
                .get((id as usize + 1) * ss..((id as usize + 2) * ss).min(bytes.len()))
                .unwrap_or(&[]),
        );
        id = fat[id as usize];
    }
    let cutoff = u64::from(h(56)?);
    let minifat_start = h(60)?;
    let minifat_len = walk(
        minifat_start,
        &fat,
        limit,
        None,
        "mini allocation table chain",
    )?;
    let mut minifat = Vec::new();
    let mut id = minifat_start;
    for _ in 0..minifat_len {
        minifat.extend(sector(id)?);
        id = fat[id as usize];
    }
    let mut mini_sectors = 0usize;
    for (k, e) in dirs.chunks_exact(128).enumerate() {
        let kind = e[66];
        let start = u32_at(e, 116).unwrap_or(ENDOFCHAIN);
        let size = u64_at(e, 120).unwrap_or(0) & 0xFFFF_FFFF;
        match kind {
            5 if k == 0 => {
                let wanted = usize::try_from(size.div_ceil(ss as u64)).unwrap_or(usize::MAX);
                walk(start, &fat, limit, Some(wanted), "root storage chain")?;
                mini_sectors = usize::try_from(size / 64).unwrap_or(usize::MAX);
            }
            2 if size >= cutoff => {
                let wanted = usize::try_from(size.div_ceil(ss as u64)).unwrap_or(usize::MAX);
                walk(start, &fat, limit, Some(wanted), "stream chain")?;
            }
            2 if size > 0 => {
                walk(
                    start,
                    &minifat,
                    mini_sectors.min(minifat.len()),
                    Some(usize::try_from(size.div_ceil(64)).unwrap_or(usize::MAX)),
                    "mini stream chain",
                )?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks an `.xls` file's structure with [`check_ole`].
pub fn check_ole_file(path: &Path) -> Result<(), GuardError> {
    let bytes = std::fs::read(path).map_err(|e| io(&e))?;
    check_ole(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prolog() {
        assert_eq!(
            scan_prolog(b"<?xml version=\"1.0\"?>\n<!-- c --><sst uniqueCount=\"3\">"),
            Prolog::Root("sst uniqueCount=\"3\"".into())
        );
        assert_eq!(
            scan_prolog(b"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><a/>"),
            Prolog::Doctype
        );
        assert_eq!(scan_prolog(b"\xef\xbb\xbf  <?xml vers"), Prolog::Incomplete);
        assert_eq!(scan_prolog(b"<a x='>'>"), Prolog::Root("a x='>'".into()));
        assert_eq!(scan_prolog(b"PK"), Prolog::NotXml);
        let utf16: Vec<u8> = "\u{feff}<!DOCTYPE x><x/>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(scan_prolog(&utf16), Prolog::Doctype);
    }

    #[test]
    fn attrs() {
        let tag = "sst xmlns=\"x\" count=\"12\" uniqueCount='7'";
        assert_eq!(count_attr(tag, "uniqueCount"), Some(7));
        assert_eq!(count_attr(tag, "count"), Some(12));
        assert_eq!(
            count_attr("sst uniqueCount=\"99999999999999999999999\"", "uniqueCount"),
            Some(u64::MAX)
        );
        assert_eq!(count_attr("sst uniqueCount=\"-1\"", "uniqueCount"), None);
    }

    #[test]
    fn names() {
        assert!(unsafe_name("../evil.xml"));
        assert!(unsafe_name("xl/../../evil.xml"));
        assert!(unsafe_name("/etc/passwd"));
        assert!(unsafe_name("C:\\x"));
        assert!(!unsafe_name("xl/worksheets/sheet1.xml"));
        assert!(!unsafe_name("xl/..foo.xml"));
    }

    #[test]
    fn ods_counter_multiplies_repeats() {
        let mut c = OdsCounter::new();
        c.feed(b"<table:table-row table:number-rows-repeated=\"1000\"><table:table-cell table:number-col");
        c.feed(b"umns-repeated=\"1000\" office:value-type=\"float\"><text:p>1</text:p></table:table-cell>");
        c.feed(b"<table:table-cell table:number-columns-repeated=\"5000\"/></table:table-row>");
        assert_eq!(c.cells, 1_000_000);
    }

    #[test]
    fn zip_past_declared_size_is_a_size_mismatch() {
        let past = std::io::Error::new(std::io::ErrorKind::InvalidData, ZIP_PAST_DECLARED);
        assert_eq!(
            read_error("xl/worksheets/sheet1.xml", &past).to_string(),
            "part 'xl/worksheets/sheet1.xml' unpacks to more bytes than its zip header declares; the file is damaged or was tampered with"
        );
        let other = std::io::Error::new(std::io::ErrorKind::InvalidData, "invalid deflate stream");
        assert!(matches!(
            read_error("xl/styles.xml", &other),
            GuardError::Inflate { ref name, ref detail }
                if name == "xl/styles.xml" && detail == "invalid deflate stream"
        ));
    }

    #[test]
    fn limits_flag_caps_the_part_limit() {
        let l = Limits::default().with_max_unzipped_mb(10);
        assert_eq!(l.max_unzipped_bytes, 10 * MIB);
        assert_eq!(l.max_part_bytes, 10 * MIB);
    }
}
