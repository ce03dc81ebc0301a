//! Corpus sweep: every file in `../shared/data/xlsx-corpus/` (real files from spreadsheet
//! libraries' own test suites, see `../shared/data/SOURCES.md`) is read the way `dangol check`
//! reads it, in-process. Each must end in a clear outcome — read, "no recognisable data", or a
//! non-empty message saying why it cannot be read — and never a panic.
//!
//! Fails, naming the folder, when the corpus is not present (never a silent pass). Prints the
//! counts: `cargo test --test integration corpus:: -- --nocapture`.

use std::path::{Path, PathBuf};

use dangol::ingest::{LoadError, ReadOptions, load};

/// The corpus folder; panics naming it when missing, so the sweep never passes without it.
fn corpus_dir() -> PathBuf {
    crate::support::shared_data("xlsx-corpus")
}

#[derive(Debug)]
enum Outcome {
    Read,
    NoData,
    Unreadable(String),
    Panicked(String),
}

fn sweep_one(path: &Path) -> Outcome {
    let opts = ReadOptions::default();
    match std::panic::catch_unwind(|| load(path, &opts)) {
        Ok(Ok(_)) => Outcome::Read,
        Ok(Err(LoadError::NoData { .. })) => Outcome::NoData,
        Ok(Err(e)) => Outcome::Unreadable(e.to_string()),
        Err(p) => Outcome::Panicked(
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(ToString::to_string))
                .unwrap_or_default(),
        ),
    }
}

#[test]
fn every_corpus_file_gets_a_clear_outcome() {
    let dir = corpus_dir();
    let listing = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = listing
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let (mut read, mut no_data, mut unreadable) = (0, 0, 0);
    let mut readable = Vec::new();
    let mut refused_by_guard = Vec::new();
    let mut crashes = Vec::new();
    let mut unclear = Vec::new();
    let started = std::time::Instant::now();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        if std::env::var_os("CORPUS_TRACE").is_some() {
            eprintln!("reading {name}");
        }
        match sweep_one(f) {
            Outcome::Read => {
                read += 1;
                readable.push(f.clone());
            }
            Outcome::NoData => no_data += 1,
            Outcome::Unreadable(msg) => {
                unreadable += 1;
                // The message names the file and says something after it.
                let shown = f.display().to_string();
                let rest = msg.strip_prefix(&shown).unwrap_or(&msg);
                if rest.trim_start_matches(':').trim().is_empty() {
                    unclear.push(format!("{name}: {msg:?}"));
                }
                if msg.contains("file structure is damaged") {
                    eprintln!("  .xls structure refused: {name}: {msg}");
                }
                if msg.contains("zip bomb")
                    || msg.contains("tampered")
                    || msg.contains("DOCTYPE")
                    || msg.contains("limit of")
                {
                    refused_by_guard.push(format!("{name}: {msg}"));
                }
            }
            Outcome::Panicked(msg) => crashes.push(format!("{name}: {msg}")),
        }
    }
    eprintln!(
        "corpus sweep: {} files tried in {:.1?}: {read} read, {no_data} without recognisable data, {unreadable} reported unreadable, {} panicked",
        files.len(),
        started.elapsed(),
        crashes.len()
    );
    for r in &refused_by_guard {
        eprintln!("  refused by the input guard: {r}");
    }
    assert!(crashes.is_empty(), "panics:\n{}", crashes.join("\n"));
    assert!(
        unclear.is_empty(),
        "unclear messages:\n{}",
        unclear.join("\n")
    );
    // The guard may refuse only the suites' deliberately hostile or damaged files (each of
    // which calamine alone also fails on, or would take unbounded memory for).
    let expected = [
        // A zip entry whose CRC and size are wrong (calamine: "File is larger than its
        // declared uncompressed size").
        "calamine__issue252.xlsx",
        // calamine's denial-of-service test: cells repeated 10^18 times.
        "calamine__issue_594_dos.ods",
    ];
    let unexpected: Vec<&String> = refused_by_guard
        .iter()
        .filter(|r| !expected.iter().any(|e| r.starts_with(&format!("{e}:"))))
        .collect();
    assert!(unexpected.is_empty(), "guard refused: {unexpected:#?}");

    // The round-trip promise on every file with recognisable data: `dangol run --out`.
    let failed: Vec<String> = readable
        .iter()
        .filter_map(|f| run_out_round_trip(f).err())
        .collect();
    eprintln!(
        "run --out: {} tried, {} kept the owner's workbook intact",
        readable.len(),
        readable.len() - failed.len()
    );
    assert!(read > 0, "no corpus file had recognisable data");
    assert!(failed.is_empty(), "round trip:\n{}", failed.join("\n"));
}

/// Parts a merge may rewrite (matched by file name: packages put the workbook part in odd
/// places); every other part of an `.xlsx`/`.xlsm` must be copied raw.
const MERGE_EDIT_FILE_NAMES: [&str; 6] = [
    "[content_types].xml",
    ".rels",
    "workbook.xml",
    "workbook.xml.rels",
    "styles.xml",
    "custom.xml",
];

/// `dangol run FILE --out OUT`: exit 0, the input byte-identical, every sheet of the input in
/// the output; for `.xlsx`/`.xlsm`, every part the merge need not touch copied raw and every
/// cell of every sheet reading back the same.
fn run_out_round_trip(f: &Path) -> Result<(), String> {
    use calamine::Reader;
    let name = f.file_name().unwrap().to_string_lossy().to_string();
    let before = std::fs::read(f).unwrap();
    let ext = f
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let package = matches!(ext.as_str(), "xlsx" | "xlsm");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join(if package {
        format!("out.{ext}")
    } else {
        "out.xlsx".into()
    });
    let o = crate::support::cmd()
        .arg("run")
        .arg(f)
        .arg("--out")
        .arg(&out)
        .args(["--no-report", "--quiet", "--as-of", "2025-01-01"])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    if o.status.code() != Some(0) {
        return Err(format!(
            "{name}: exit {:?}: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    if std::fs::read(f).unwrap() != before {
        return Err(format!("{name}: the input changed"));
    }
    let written = std::fs::read(&out).unwrap();
    if package {
        let new: std::collections::HashMap<String, Vec<u8>> = crate::support::raw_parts(&written)
            .into_iter()
            .map(|p| (p.name, p.raw))
            .collect();
        for crate::support::RawPart {
            name: part,
            raw: data,
            ..
        } in crate::support::raw_parts(&before)
        {
            let base = part.rsplit('/').next().unwrap_or(&part).to_lowercase();
            if MERGE_EDIT_FILE_NAMES.contains(&base.as_str()) {
                continue;
            }
            if new.get(&part) != Some(&data) {
                return Err(format!("{name}: part {part} was not copied raw"));
            }
        }
    }
    let mut b = calamine::open_workbook_auto(&out).map_err(|e| format!("{name}: output: {e}"))?;
    let out_sheets = b.sheet_names();
    if matches!(ext.as_str(), "csv" | "tsv") {
        // A CSV becomes one data sheet named after the file, plus dangol's sheets.
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        return if out_sheets.iter().any(|s| stem.starts_with(s.as_str())) {
            Ok(())
        } else {
            Err(format!("{name}: no data sheet in {out_sheets:?}"))
        };
    }
    let mut a = calamine::open_workbook_auto(f).map_err(|e| format!("{name}: {e}"))?;
    for sheet in a.sheet_names() {
        if !out_sheets.contains(&sheet) {
            return Err(format!("{name}: sheet {sheet} missing from the output"));
        }
        if package {
            let (ra, rb) = (a.worksheet_range(&sheet), b.worksheet_range(&sheet));
            if ra.ok() != rb.ok() {
                return Err(format!("{name}: cells of {sheet} changed"));
            }
        }
    }
    Ok(())
}

/// The binary on a handful of corpus files: exit 0 or 1, never a crash, a message on 1.
#[test]
fn the_binary_exits_0_or_1_on_corpus_samples() {
    let dir = corpus_dir();
    let listing = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = listing.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    for f in files.iter().step_by(97) {
        let out = crate::support::cmd()
            .arg("check")
            .arg(f)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        let code = out.status.code();
        assert!(matches!(code, Some(0 | 1)), "{}: {code:?}", f.display());
        if code == Some(1) {
            assert!(
                !out.stderr.is_empty() || !out.stdout.is_empty(),
                "{}",
                f.display()
            );
        }
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
}
