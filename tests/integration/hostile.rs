//! Hostile and broken workbooks: each is built here, run through the real binary
//! (`dangol check`), and must end with exit 1, one exact message, no panic, in bounded time,
//! with the file untouched.

use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::time::Duration;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Generous: a debug build on a busy machine; a hang or a runaway inflate would take minutes.
const TIMEOUT: Duration = Duration::from_secs(120);

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sales" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SST: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>date</t></si><si><t>customer</t></si><si><t>amount</t></si></sst>"#;

/// A sales sheet: a header from the shared strings, two rows, and `dimension` as given.
fn sheet(dimension: &str, extra: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>2025-04-15</t></is></c><c r="B2" t="inlineStr"><is><t>Kim</t></is></c><c r="C2"><v>12000</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>2025-04-16</t></is></c><c r="B3" t="inlineStr"><is><t>Lee</t></is></c><c r="C3"><v>3000</v></c></row>{extra}</sheetData></worksheet>"#
    )
}

/// The parts of a small valid workbook, with `replace` swapped in by name.
fn parts(replace: &[(&str, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes().to_vec()),
        ("_rels/.rels", ROOT_RELS.as_bytes().to_vec()),
        ("xl/workbook.xml", WORKBOOK.as_bytes().to_vec()),
        (
            "xl/_rels/workbook.xml.rels",
            WORKBOOK_RELS.as_bytes().to_vec(),
        ),
        ("xl/sharedStrings.xml", SST.as_bytes().to_vec()),
        ("xl/worksheets/sheet1.xml", sheet("A1:C3", "").into_bytes()),
    ]
    .into_iter()
    .map(|(n, b)| (n.to_string(), b))
    .collect();
    for (name, bytes) in replace {
        match v.iter_mut().find(|p| p.0 == *name) {
            Some(p) => p.1.clone_from(bytes),
            None => v.push(((*name).to_string(), bytes.clone())),
        }
    }
    v
}

fn zip_bytes(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in parts {
        z.start_file(name.as_str(), opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// Replaces every occurrence of `from` with `to` (same length) in a zip's bytes: the entry's
/// name in its local header and in the central directory.
fn rename(bytes: &mut [u8], from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let (f, t) = (from.as_bytes(), to.as_bytes());
    let mut hits = 0;
    let mut i = 0;
    while i + f.len() <= bytes.len() {
        if &bytes[i..i + f.len()] == f {
            bytes[i..i + f.len()].copy_from_slice(t);
            hits += 1;
            i += f.len();
        } else {
            i += 1;
        }
    }
    assert_eq!(hits, 2, "local header and directory entry");
}

struct Case {
    _dir: tempfile::TempDir,
    path: PathBuf,
    before: Vec<u8>,
    modified: std::time::SystemTime,
}

fn case(name: &str, bytes: &[u8]) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    Case::at(dir, path)
}

impl Case {
    fn at(dir: tempfile::TempDir, path: PathBuf) -> Case {
        let before = std::fs::read(&path).unwrap();
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        Case {
            _dir: dir,
            path,
            before,
            modified,
        }
    }

    /// `dangol check` (plus `args`) must exit 1 with exactly `dangol: error: PATH: message`.
    fn refused(&self, args: &[&str], message: &str) {
        let out = crate::support::cmd()
            .arg("check")
            .arg(&self.path)
            .args(args)
            .timeout(TIMEOUT)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
        assert_eq!(
            stderr,
            format!("dangol: error: {}: {message}\n", self.path.display())
        );
        assert!(!stderr.contains("panicked"));
        self.untouched();
    }

    fn untouched(&self) {
        assert_eq!(std::fs::read(&self.path).unwrap(), self.before);
        assert_eq!(
            std::fs::metadata(&self.path).unwrap().modified().unwrap(),
            self.modified
        );
        let others: Vec<_> = std::fs::read_dir(self.path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(others.len(), 1, "nothing written beside it: {others:?}");
    }
}

fn part_sizes(bytes: &[u8], name: &str) -> (u64, u64) {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let f = z.by_name(name).unwrap();
    (f.size(), f.compressed_size())
}

#[test]
fn the_valid_base_workbook_reads() {
    let c = case("shop.xlsx", &zip_bytes(&parts(&[])));
    crate::support::cmd()
        .args(["check", "--quiet"])
        .arg(&c.path)
        .timeout(TIMEOUT)
        .assert()
        .success();
    c.untouched();
}

/// 2 GiB of zeros in one sheet part, written streaming: about 2 MB on disk.
#[test]
fn a_two_gigabyte_zip_bomb_is_refused_before_inflating() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    let file = std::fs::File::create(&path).unwrap();
    let mut z = ZipWriter::new(std::io::BufWriter::new(file));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in parts(&[]) {
        if name == "xl/worksheets/sheet1.xml" {
            continue;
        }
        z.start_file(name, opts).unwrap();
        z.write_all(&bytes).unwrap();
    }
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..2048 {
        z.write_all(&zeros).unwrap();
    }
    z.finish().unwrap().flush().unwrap();
    let on_disk = std::fs::metadata(&path).unwrap().len();
    assert!(on_disk < 4 << 20, "{on_disk} bytes");
    let c = Case::at(dir, path);
    c.refused(
        &[],
        "part 'xl/worksheets/sheet1.xml' unpacks to 2048 MB, more than the per-part limit of 512 MB — this looks like a zip bomb; if the workbook is genuine, raise the limit with --max-unzipped-mb",
    );
}

#[test]
fn a_small_bomb_is_refused_by_its_compression_ratio() {
    let zeros = vec![0u8; 20 << 20];
    let bytes = zip_bytes(&parts(&[("xl/worksheets/sheet1.xml", zeros)]));
    let (size, packed) = part_sizes(&bytes, "xl/worksheets/sheet1.xml");
    let ratio = size / packed;
    assert!(ratio > 500, "{ratio}");
    let c = case("small-bomb.xlsx", &bytes);
    c.refused(
        &[],
        &format!(
            "part 'xl/worksheets/sheet1.xml' is compressed {ratio}:1, beyond the limit of 500:1 — this looks like a zip bomb (set DANGOL_MAX_RATIO to raise the limit)"
        ),
    );
}

/// Text that barely compresses (a simple generator's digits), so only the size limits apply.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b'a' + (x % 26) as u8
        })
        .collect()
}

#[test]
fn the_size_limit_flag_lowers_the_per_part_limit() {
    let bytes = zip_bytes(&parts(&[("xl/media/blob.bin", noise(5 << 20))]));
    let c = case("big-part.xlsx", &bytes);
    c.refused(
        &["--max-unzipped-mb", "2"],
        "part 'xl/media/blob.bin' unpacks to 5.0 MB, more than the per-part limit of 2.0 MB — this looks like a zip bomb; if the workbook is genuine, raise the limit with --max-unzipped-mb",
    );
}

#[test]
fn the_total_size_limit_counts_every_part() {
    let bytes = zip_bytes(&parts(&[
        ("xl/media/a.bin", noise(3 << 19)),
        ("xl/media/b.bin", noise(3 << 19)),
    ]));
    let c = case("big-total.xlsx", &bytes);
    c.refused(
        &["--max-unzipped-mb", "2"],
        "the workbook unpacks to 3.0 MB, more than the limit of 2.0 MB — this looks like a zip bomb; if the workbook is genuine, raise the limit with --max-unzipped-mb",
    );
}

/// A part whose headers claim 1,000 bytes but which inflates to 3 MB.
#[test]
fn a_part_that_inflates_past_its_declared_size_is_refused() {
    let mut bytes = zip_bytes(&parts(&[("xl/worksheets/sheet1.xml", vec![b' '; 3 << 20])]));
    let name = b"xl/worksheets/sheet1.xml";
    let mut patched = 0;
    for i in 0..bytes.len().saturating_sub(4) {
        let sig = u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
        let (size_at, name_len_at, name_at) = match sig {
            0x0403_4b50 => (i + 22, i + 26, i + 30),
            0x0201_4b50 => (i + 24, i + 28, i + 46),
            _ => continue,
        };
        let len = u16::from_le_bytes(bytes[name_len_at..name_len_at + 2].try_into().unwrap());
        if usize::from(len) == name.len() && &bytes[name_at..name_at + name.len()] == name {
            bytes[size_at..size_at + 4].copy_from_slice(&1000u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2);
    let c = case("lying.xlsx", &bytes);
    c.refused(
        &[],
        "part 'xl/worksheets/sheet1.xml' unpacks to more bytes than its zip header declares; the file is damaged or was tampered with",
    );
}

const LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"#;

#[test]
fn billion_laughs_in_shared_strings_is_refused() {
    let sst = format!(
        "{LAUGHS}<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\" uniqueCount=\"3\"><si><t>&lol9;</t></si><si><t>customer</t></si><si><t>amount</t></si></sst>"
    );
    let c = case(
        "laughs.xlsx",
        &zip_bytes(&parts(&[("xl/sharedStrings.xml", sst.into_bytes())])),
    );
    c.refused(
        &[],
        "part 'xl/sharedStrings.xml' declares a DOCTYPE or ENTITY, which workbooks never contain (an XML entity-expansion attack); dangol did not read it",
    );
}

#[test]
fn billion_laughs_in_a_sheet_is_refused() {
    let ws = sheet("A1:C3", "").replacen(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
        LAUGHS,
        1,
    );
    let ws = ws.replace("<t>Kim</t>", "<t>&lol9;</t>");
    let c = case(
        "laughs-sheet.xlsx",
        &zip_bytes(&parts(&[("xl/worksheets/sheet1.xml", ws.into_bytes())])),
    );
    c.refused(
        &[],
        "part 'xl/worksheets/sheet1.xml' declares a DOCTYPE or ENTITY, which workbooks never contain (an XML entity-expansion attack); dangol did not read it",
    );
}

/// A used range of the whole grid (1,048,576 × 16,384) with a handful of cells is read by
/// streaming, never as a grid: the sheet is processed normally, and the one stray cell in the
/// last row and column is reported with its reference.
#[test]
fn a_huge_declared_dimension_with_few_cells_is_processed() {
    let ws = sheet(
        "A1:XFD1048576",
        r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
    );
    let c = case(
        "huge-dimension.xlsx",
        &zip_bytes(&parts(&[("xl/worksheets/sheet1.xml", ws.into_bytes())])),
    );
    let out = crate::support::cmd()
        // As of a day near the data: an empty stderr also means no stale-data warning.
        .args(["check", "--format", "json", "--as-of", "2025-04-21"])
        .arg(&c.path)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["orders"], 2);
    assert_eq!(v["sheets"][0]["role"], "sales");
    assert_eq!(v["sheets"][0]["rows"], 3);
    assert_eq!(v["problems"][0]["place"], "Sales!A1048576");
    assert_eq!(v["errors"], 1);
    c.untouched();
}

#[test]
fn a_shared_strings_table_claiming_billions_of_entries_is_refused() {
    let sst = SST.replace(
        "count=\"3\" uniqueCount=\"3\"",
        "count=\"3\" uniqueCount=\"2000000000\"",
    );
    let c = case(
        "sst-claim.xlsx",
        &zip_bytes(&parts(&[("xl/sharedStrings.xml", sst.into_bytes())])),
    );
    c.refused(
        &[],
        "the shared-strings table claims 2000000000 strings, more than the limit of 5000000 (set DANGOL_MAX_SHARED_STRINGS to raise it)",
    );
}

#[test]
fn a_shared_strings_reference_count_is_bounded_by_max_cells() {
    let sst = SST.replace("count=\"3\"", "count=\"1000\"");
    let c = case(
        "sst-count.xlsx",
        &zip_bytes(&parts(&[("xl/sharedStrings.xml", sst.into_bytes())])),
    );
    c.refused(
        &["--max-cells", "100"],
        "the shared-strings table claims 1000 string cells, more than the cell limit of 100 (raise it with --max-cells)",
    );
}

#[test]
fn a_truncated_zip_is_reported_as_damaged() {
    let bytes = zip_bytes(&parts(&[]));
    let c = case("truncated.xlsx", &bytes[..bytes.len() / 2]);
    c.refused(
        &[],
        "the workbook is damaged and cannot be read (its zip directory is damaged or the file is cut short: no end-of-directory record); copy or download the workbook again",
    );
}

#[test]
fn a_directory_pointing_past_the_end_is_reported_as_damaged() {
    // Cut out the middle: the end record survives but its directory offset is now wrong.
    let bytes = zip_bytes(&parts(&[]));
    let mut cut = bytes[..200].to_vec();
    cut.extend_from_slice(&bytes[bytes.len() - 22..]);
    let c = case("cut.xlsx", &cut);
    c.refused(
        &[],
        "the workbook is damaged and cannot be read (its zip directory is damaged or the file is cut short: the directory points past the end of the file); copy or download the workbook again",
    );
}

#[test]
fn duplicate_entry_names_are_refused() {
    let mut bytes = zip_bytes(&parts(&[("xl/worksheets/sheetX.xml", b"<x/>".to_vec())]));
    rename(
        &mut bytes,
        "xl/worksheets/sheetX.xml",
        "xl/worksheets/sheet1.xml",
    );
    let c = case("duplicate.xlsx", &bytes);
    c.refused(
        &[],
        "the package holds two entries named 'xl/worksheets/sheet1.xml'; the file is damaged or was tampered with",
    );
}

#[test]
fn dot_dot_entry_names_are_refused() {
    let mut bytes = zip_bytes(&parts(&[("xl/aa/evil.xml", b"<x/>".to_vec())]));
    rename(&mut bytes, "xl/aa/evil.xml", "../../evil.xml");
    let c = case("traversal.xlsx", &bytes);
    c.refused(
        &[],
        "the package has an entry with an unsafe name '../../evil.xml' (an absolute path or '..'); the file was tampered with",
    );
}

#[test]
fn absolute_entry_names_are_refused() {
    let mut bytes = zip_bytes(&parts(&[("xl/etc/passwd", b"x".to_vec())]));
    rename(&mut bytes, "xl/etc/passwd", "/etc/passwd.x");
    let c = case("absolute.xlsx", &bytes);
    c.refused(
        &[],
        "the package has an entry with an unsafe name '/etc/passwd.x' (an absolute path or '..'); the file was tampered with",
    );
}

/// An `.xls` whose directory sector chain loops back on itself: the reader would follow it
/// until memory runs out (as `ExcelDataReader`'s `Test_git_issue_382_oom.xls` does).
#[test]
fn an_xls_with_a_looping_sector_chain_is_refused() {
    let mut b = encrypted_cfb();
    // Rename the streams so it is no longer an encrypted package; the FAT is all zeros, so
    // the directory chain runs 1 → 0 → 0 → …
    let from: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let to: Vec<u8> = "Workbook\0\0\0\0\0\0"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let at = b
        .windows(from.len())
        .position(|w| w == from.as_slice())
        .unwrap();
    b[at..at + to.len()].copy_from_slice(&to);
    let c = case("loop.xls", &b);
    c.refused(
        &[],
        "the Excel 97-2003 file structure is damaged (the directory chain loops); open it in Excel and save it again, or get a fresh copy",
    );
}

/// Excel's "Encrypt with Password" writes an OLE (CFB) container holding `EncryptionInfo` and
/// `EncryptedPackage` streams. This is its header and directory, enough to be recognised. (The
/// Korean twins of these refusals, in `korean.rs`, build theirs here too.)
pub(crate) fn encrypted_cfb() -> Vec<u8> {
    let mut b = vec![0u8; 512 * 3];
    b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    b[24..26].copy_from_slice(&0x3Eu16.to_le_bytes()); // minor version
    b[26..28].copy_from_slice(&3u16.to_le_bytes()); // major version 3 (512-byte sectors)
    b[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes()); // little-endian
    b[30..32].copy_from_slice(&9u16.to_le_bytes()); // sector shift
    b[32..34].copy_from_slice(&6u16.to_le_bytes()); // mini sector shift
    b[44..48].copy_from_slice(&1u32.to_le_bytes()); // one FAT sector
    b[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory starts at sector 1
    b[60..64].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes()); // no mini FAT
    b[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes()); // no DIFAT sectors
    for k in 0..109 {
        // FAT at sector 0, the other 108 DIFAT slots free.
        let id: u32 = if k == 0 { 0 } else { 0xFFFF_FFFF };
        b[76 + 4 * k..80 + 4 * k].copy_from_slice(&id.to_le_bytes());
    }
    for (k, name) in ["Root Entry", "EncryptionInfo", "EncryptedPackage"]
        .iter()
        .enumerate()
    {
        let at = 1024 + k * 128;
        let utf16: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        b[at..at + utf16.len()].copy_from_slice(&utf16);
        b[at + 64..at + 66].copy_from_slice(&(utf16.len() as u16).to_le_bytes());
        b[at + 66] = if k == 0 { 5 } else { 2 };
    }
    b
}

#[test]
fn a_password_protected_workbook_says_so() {
    let c = case("locked.xlsx", &encrypted_cfb());
    c.refused(
        &[],
        "the workbook is password-protected (encrypted); save an unprotected copy in Excel (File → Info → Protect Workbook → Encrypt with Password, clear it) and try again",
    );
}

#[test]
fn an_html_page_named_xlsx_says_so() {
    let c = case(
        "export.xlsx",
        b"<!DOCTYPE html>\n<html><body><table><tr><td>date</td></tr></table></body></html>",
    );
    c.refused(
        &[],
        "the file is named .xlsx but is an HTML page (some web shops export tables this way); open it in Excel and save as .xlsx, or export CSV",
    );
    let c = case("export2.xlsx", b"<table><tr><td>date</td></tr></table>");
    c.refused(
        &[],
        "the file is named .xlsx but is an HTML page (some web shops export tables this way); open it in Excel and save as .xlsx, or export CSV",
    );
}

#[test]
fn a_csv_named_xlsx_says_so() {
    let c = case(
        "sales.xlsx",
        "date,customer,amount\n2025-04-15,김철수,12000\n".as_bytes(),
    );
    c.refused(
        &[],
        "the file is named .xlsx but is plain text (probably CSV); rename it to .csv",
    );
}

#[test]
fn an_empty_file_says_so() {
    let c = case("empty.xlsx", b"");
    c.refused(&[], "the file is empty (0 bytes)");
}

/// Write-back opens packages through the same guard.
#[test]
fn write_back_refuses_a_hostile_package_too() {
    let original = zip_bytes(&parts(&[("xl/worksheets/sheet1.xml", vec![0u8; 20 << 20])]));
    let generated = zip_bytes(&parts(&[]));
    let mut out = Cursor::new(Vec::new());
    let err = dangol::writeback::merge_generated_from(
        Cursor::new(original),
        &generated,
        &dangol::writeback::MergeOptions::default(),
        &mut out,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("part 'xl/worksheets/sheet1.xml' is compressed "),
        "{err}"
    );
    assert!(out.into_inner().is_empty());
}
