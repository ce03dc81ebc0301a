//! Helpers shared by the write-back test binaries (`run`, `writeback`, `remind`, `corpus`):
//! the raw parts of an `.xlsx` package, the "untouched parts are byte-identical" check, and
//! keeping written workbooks for the `LibreOffice` check CI runs after the tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::io::{Cursor, Read};
use std::path::Path;

/// Parts a merge is allowed to rewrite; every other original part must be raw-identical.
pub const MERGE_EDITS: [&str; 6] = [
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "docProps/custom.xml",
];

/// One part of a package as stored: still compressed, with its CRC.
pub struct RawPart {
    pub name: String,
    pub crc: u32,
    pub raw: Vec<u8>,
}

/// Every part of the package in `bytes`, in order.
pub fn raw_parts(bytes: &[u8]) -> Vec<RawPart> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index_raw(i).unwrap();
            let mut raw = Vec::new();
            f.read_to_end(&mut raw).unwrap();
            RawPart {
                name: f.name().to_string(),
                crc: f.crc32(),
                raw,
            }
        })
        .collect()
}

/// Every original part not in `allowed` is in the output with the same compressed bytes and
/// CRC, and the original parts keep their order.
pub fn assert_untouched(orig: &[u8], out: &[u8], allowed: &[&str]) {
    let before = raw_parts(orig);
    let after = raw_parts(out);
    let names: Vec<&str> = after.iter().map(|p| p.name.as_str()).collect();
    let mut last = 0;
    for p in &before {
        let Some(i) = names.iter().position(|n| *n == p.name) else {
            panic!("part {} was dropped", p.name);
        };
        assert!(i >= last, "part {} moved", p.name);
        last = i;
        if allowed.iter().any(|a| a.eq_ignore_ascii_case(&p.name)) {
            continue;
        }
        assert_eq!(after[i].crc, p.crc, "crc of {}", p.name);
        assert!(after[i].raw == p.raw, "raw bytes of {} differ", p.name);
    }
}

/// Keeps a written workbook under `target/lo-check/AREA/` for `scripts/lo-check.sh`.
pub fn keep_for_lo_check(area: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("lo-check")
        .join(area);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}
