//! Round-trip and fault tests for writing dangol's sheets back into real workbooks.
//!
//! Fixtures in `tests/fixtures/writeback/` come from `scripts/make_writeback_fixtures.py`
//! (`openpyxl`, then `LibreOffice`). The written workbooks are kept under
//! `target/lo-check/writeback/` for `scripts/lo-check.sh target/lo-check` (CI runs it).

use std::collections::BTreeMap;

use std::fs;
use std::io::{self, Cursor, Read, Write};
use std::path::{Path, PathBuf};

use crate::support::{MERGE_EDITS, assert_untouched, raw_parts};

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use dangol::writeback::{
    CellEdit, EditValue, MergeOptions, WorkbookLock, WritebackError, atomic_replace, edit_cells,
    merge_generated, merge_generated_from,
};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartType, DocProperties, ExcelDateTime, Format, Table, TableColumn, Workbook,
};

const FIXTURES: [&str; 3] = [
    "openpyxl_features.xlsx",
    "libreoffice_features.xlsx",
    "macro.xlsm",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/writeback")
        .join(name)
}

fn keep_output(name: &str, bytes: &[u8]) {
    crate::support::keep_for_lo_check("writeback", name, bytes);
}

/// A generated workbook like the renderer makes: a notice row, a table with a header, money,
/// dates and Hangul, frozen panes; the Funnel sheet also has a bar chart.
fn generated(sheets: &[&str]) -> Vec<u8> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2025, 4, 14).unwrap()),
    );
    let money = Format::new().set_num_format("#,##0\"원\"");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let pct = Format::new().set_num_format("0.0%").set_bold();
    for name in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        ws.write_string(
            0,
            0,
            "dangol이 만든 시트입니다 — 수정하면 다음 실행 때 바뀝니다 (2025-04-14)",
        )
        .unwrap();
        let rows = [
            ("김민지", 48500.5, 3, 0.25),
            ("Lee & Sons", 15000.0, 9, 0.5),
            ("박서준", 54000.0, 14, 1.0),
        ];
        for (i, (who, amount, day, share)) in rows.iter().enumerate() {
            let r = i as u32 + 2;
            ws.write_string(r, 0, *who).unwrap();
            ws.write_number_with_format(r, 1, *amount, &money).unwrap();
            ws.write_datetime_with_format(
                r,
                2,
                ExcelDateTime::from_ymd(2025, 4, *day).unwrap(),
                &date,
            )
            .unwrap();
            ws.write_number_with_format(r, 3, *share, &pct).unwrap();
        }
        let mut table = Table::new().set_columns(&[
            TableColumn::new().set_header("고객"),
            TableColumn::new().set_header("금액"),
            TableColumn::new().set_header("마지막 주문"),
            TableColumn::new().set_header("비율"),
        ]);
        if *name == "Funnel" {
            // Clashes with the fixtures' defined name: must be renamed in the merge.
            table = table.set_name("TotalSales");
        }
        ws.add_table(1, 0, 4, 3, &table).unwrap();
        ws.set_freeze_panes(2, 0).unwrap();
        ws.set_column_width(0, 16).unwrap();
        if *name == "Funnel" {
            let mut chart = Chart::new(ChartType::Bar);
            chart
                .add_series()
                .set_categories((*name, 2, 0, 4, 0))
                .set_values((*name, 2, 1, 4, 1));
            ws.insert_chart(1, 5, &chart).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn part_text(bytes: &[u8], name: &str) -> Option<String> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut f = z.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    Some(s)
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).unwrap()
}

type Grid = (Option<(u32, u32)>, Vec<Vec<Data>>);

fn grid(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Grid {
    let r = book.worksheet_range(sheet).unwrap();
    (r.start(), r.rows().map(<[Data]>::to_vec).collect())
}

fn formulas(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<String>> {
    let r = book.worksheet_formula(sheet).unwrap();
    r.rows().map(<[String]>::to_vec).collect()
}

/// `s` attribute of every cell of a sheet part, by reference.
fn cell_styles(bytes: &[u8], part: &str) -> BTreeMap<String, String> {
    let text = part_text(bytes, part).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut out = BTreeMap::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == "c" =>
            {
                let get = |k: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k)
                        .map(|a| a.value.into_owned())
                };
                out.insert(get("r").unwrap_or_default(), get("s").unwrap_or_default());
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The raw `<xf>` records of `cellXfs`, in order.
fn cell_xfs(bytes: &[u8]) -> Vec<String> {
    let text = part_text(bytes, "xl/styles.xml").unwrap();
    let start = text.find("<cellXfs").unwrap();
    let end = text[start..].find("</cellXfs>").unwrap() + start;
    let body = &text[text[start..].find('>').unwrap() + start + 1..end];
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest[1..].find("<xf").map(|i| i + 1) {
        out.push(rest[..i].to_string());
        rest = &rest[i..];
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

fn sheet_names(bytes: &[u8]) -> Vec<String> {
    open(bytes).sheet_names().clone()
}

#[test]
fn merge_keeps_every_untouched_part_cell_and_style() {
    let generated = generated(&["Customer Stats", "Funnel"]);
    let mut gen_book = open(&generated);
    for name in FIXTURES {
        let path = fixture(name);
        let orig = fs::read(&path).unwrap();
        let out = merge_generated(&path, &generated, &MergeOptions::default()).unwrap();
        keep_output(&format!("merged_{name}"), &out);
        assert_untouched(&orig, &out, &MERGE_EDITS);

        let mut a = open(&orig);
        let mut b = open(&out);
        let user_sheets = a.sheet_names().clone();
        assert_eq!(
            b.sheet_names().clone(),
            [
                user_sheets.clone(),
                vec!["Customer Stats".into(), "Funnel".into()]
            ]
            .concat(),
            "{name}"
        );
        for sheet in &user_sheets {
            assert_eq!(grid(&mut a, sheet), grid(&mut b, sheet), "{name} {sheet}");
            assert_eq!(
                formulas(&mut a, sheet),
                formulas(&mut b, sheet),
                "{name} {sheet}"
            );
        }
        assert_eq!(
            cell_styles(&orig, "xl/worksheets/sheet1.xml"),
            cell_styles(&out, "xl/worksheets/sheet1.xml")
        );
        // The original style records are still there, at the same indices.
        let (xa, xb) = (cell_xfs(&orig), cell_xfs(&out));
        assert!(xb.len() >= xa.len());
        assert_eq!(xa[..], xb[..xa.len()], "{name}");
        // Generated sheets read back as generated.
        for sheet in ["Customer Stats", "Funnel"] {
            assert_eq!(
                grid(&mut gen_book, sheet),
                grid(&mut b, sheet),
                "{name} {sheet}"
            );
        }
        // The defined names and the macro survive.
        let wb = part_text(&out, "xl/workbook.xml").unwrap();
        assert!(wb.contains(">Sales!$E$7</definedName>"), "{wb}");
        assert!(wb.contains(">Notes!$B$3</definedName>"), "{wb}");
        if Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsm"))
        {
            let ct = part_text(&out, "[Content_Types].xml").unwrap();
            assert!(ct.contains("macroEnabled.main+xml"));
            assert!(
                part_text(&out, "xl/_rels/workbook.xml.rels")
                    .unwrap()
                    .contains("vbaProject.bin")
            );
        }
        // Only the generated sheets were recorded, and no generated tab is selected.
        let custom = part_text(&out, "docProps/custom.xml").unwrap();
        assert!(
            custom.contains("name=\"dangol.generated\"><vt:lpwstr>[&quot;Customer Stats&quot;,&quot;Funnel&quot;]</vt:lpwstr>"),
            "{custom}"
        );
        let tables: Vec<String> = raw_parts(&out)
            .iter()
            .filter(|p| p.name.starts_with("xl/tables/"))
            .map(|p| part_text(&out, &p.name).unwrap())
            .collect();
        assert_eq!(tables.len(), 2);
        assert!(
            tables[0].contains(r#"id="1" name="Table1" displayName="Table1""#),
            "{}",
            tables[0]
        );
        assert!(
            tables[1].contains(r#"id="2" name="TotalSales_2" displayName="TotalSales_2""#),
            "{}",
            tables[1]
        );
    }
}

#[test]
fn merging_again_is_byte_identical_and_replaces_exactly_dangols_sheets() {
    let path = fixture("libreoffice_features.xlsx");
    let both = generated(&["Customer Stats", "Funnel"]);
    let one = generated(&["Customer Stats"]);
    let opts = MergeOptions::default();
    let first = merge_generated(&path, &both, &opts).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let p1 = dir.path().join("first.xlsx");
    fs::write(&p1, &first).unwrap();
    let second = merge_generated(&p1, &both, &opts).unwrap();
    assert!(second == first, "second run differs from the first");

    // Funnel no longer generated: it goes, with its table, drawing and chart.
    let fewer = merge_generated(&p1, &one, &opts).unwrap();
    assert_eq!(sheet_names(&fewer), ["Sales", "Notes", "Customer Stats"]);
    let names: Vec<String> = raw_parts(&fewer).into_iter().map(|p| p.name).collect();
    let orig_names: Vec<String> = raw_parts(&fs::read(&path).unwrap())
        .into_iter()
        .map(|p| p.name)
        .collect();
    let extra: Vec<&String> = names.iter().filter(|n| !orig_names.contains(n)).collect();
    assert_eq!(
        extra,
        [
            "xl/worksheets/sheet3.xml",
            "xl/worksheets/_rels/sheet3.xml.rels",
            "xl/tables/table1.xml"
        ]
    );
    let ct = part_text(&fewer, "[Content_Types].xml").unwrap();
    assert!(
        !ct.contains("chart2") && !ct.contains("table2") && !ct.contains("sheet4"),
        "{ct}"
    );
    assert_untouched(&fs::read(&path).unwrap(), &fewer, &MERGE_EDITS);

    // And back: the same bytes as the first run.
    let p2 = dir.path().join("fewer.xlsx");
    fs::write(&p2, &fewer).unwrap();
    let again = merge_generated(&p2, &both, &opts).unwrap();
    assert!(
        again == first,
        "re-adding the sheet does not give the first output back"
    );
}

#[test]
fn a_user_sheet_with_a_generated_name_is_never_replaced() {
    let path = fixture("openpyxl_features.xlsx");
    let err = merge_generated(
        &path,
        &generated(&["Customer Stats", "notes"]),
        &MergeOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, WritebackError::UserSheetNameClash { sheet } if sheet == "Notes"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the workbook already has a sheet named \"Notes\" that dangol did not create; rename that sheet so dangol can add its own \"Notes\" sheet. The workbook was not changed"
    );
}

#[test]
fn cell_edits_change_only_those_cells() {
    let path = fixture("libreoffice_features.xlsx");
    let orig = fs::read(&path).unwrap();
    let edits = [
        CellEdit {
            row: 2,
            col: 2,
            value: EditValue::Text("드립백 <특가>".into()),
        },
        CellEdit {
            row: 3,
            col: 4,
            value: EditValue::Number(Decimal::new(1_650_050, 2)),
        },
        CellEdit {
            row: 4,
            col: 1,
            value: EditValue::Blank,
        },
        CellEdit {
            row: 2,
            col: 5,
            value: EditValue::Date(NaiveDate::from_ymd_opt(2025, 4, 14).unwrap()),
        },
        CellEdit {
            row: 2,
            col: 0,
            value: EditValue::Date(NaiveDate::from_ymd_opt(2025, 3, 4).unwrap()),
        },
        CellEdit {
            row: 11,
            col: 1,
            value: EditValue::Text("새 행".into()),
        },
    ];
    let out = edit_cells(&path, "Sales", &edits).unwrap();
    keep_output("edited_libreoffice_features.xlsx", &out);
    assert_untouched(
        &orig,
        &out,
        &[
            "xl/worksheets/sheet1.xml",
            "xl/styles.xml",
            "xl/workbook.xml",
        ],
    );
    let mut a = open(&orig);
    let mut b = open(&out);
    let (start, mut before) = grid(&mut a, "Sales");
    assert_eq!(start, Some((0, 0)));
    let (_, after) = grid(&mut b, "Sales");
    // Apply the edits to the original grid and compare everything.
    for row in &mut before {
        row.resize(6, Data::Empty);
    }
    before.resize(12, vec![Data::Empty; 6]);
    before[2][2] = Data::String("드립백 <특가>".into());
    before[3][4] = Data::Float(16500.5);
    before[4][1] = Data::Empty;
    before[11][1] = Data::String("새 행".into());
    let serial = |d: &Data| match d {
        Data::DateTime(x) => x.as_f64() as i64,
        other => panic!("not a date: {other:?}"),
    };
    assert_eq!(serial(&after[2][5]), 45761);
    assert_eq!(serial(&after[2][0]), 45720);
    before[2][5] = after[2][5].clone();
    before[2][0] = after[2][0].clone();
    assert_eq!(before, after);
    assert_eq!(formulas(&mut a, "Sales"), formulas(&mut b, "Sales"));
    assert_eq!(grid(&mut a, "Notes"), grid(&mut b, "Notes"));
    // The edited cells kept their styles; the unstyled one got an appended date style.
    let (sa, sb) = (
        cell_styles(&orig, "xl/worksheets/sheet1.xml"),
        cell_styles(&out, "xl/worksheets/sheet1.xml"),
    );
    assert_eq!(sa["C3"], sb["C3"]);
    assert_eq!(sa["E4"], sb["E4"]);
    assert_eq!(sa["A3"], sb["A3"]);
    let xfs = cell_xfs(&out);
    assert_eq!(xfs[..cell_xfs(&orig).len()], cell_xfs(&orig)[..]);
    assert!(
        xfs[sb["F3"].parse::<usize>().unwrap()].contains("numFmtId=\"1"),
        "{xfs:?}"
    );
    let sheet = part_text(&out, "xl/worksheets/sheet1.xml").unwrap();
    assert!(
        sheet.contains("<dimension ref=\"A1:F100\"/>"),
        "{}",
        &sheet[..400]
    );
    assert!(
        part_text(&out, "xl/workbook.xml")
            .unwrap()
            .contains("fullCalcOnLoad=\"1\"")
    );

    // A formula cell is refused.
    let err = edit_cells(
        &path,
        "Sales",
        &[CellEdit {
            row: 6,
            col: 4,
            value: EditValue::Blank,
        }],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Sales!E7 holds a formula; dangol does not overwrite formulas"
    );
}

/// A writer that fails after `left` bytes, like a disk filling up.
struct FullDisk<W> {
    inner: W,
    left: usize,
}

impl<W: Write> Write for FullDisk<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::other("No space left on device"));
        }
        let n = buf.len().min(self.left);
        self.left -= n;
        self.inner.write(&buf[..n])
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: io::Seek> io::Seek for FullDisk<W> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

fn dir_listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_failing_write_leaves_the_workbook_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("shop.xlsm");
    fs::copy(fixture("macro.xlsm"), &target).unwrap();
    let orig = fs::read(&target).unwrap();
    let generated = generated(&["Customer Stats", "Funnel"]);
    let err = atomic_replace(&target, |f| {
        let src = fs::File::open(&target)?;
        merge_generated_from(
            src,
            &generated,
            &MergeOptions::default(),
            FullDisk {
                inner: f,
                left: 9_000,
            },
        )?;
        Ok(())
    })
    .unwrap_err();
    assert!(err.to_string().contains("No space left on device"), "{err}");
    assert!(fs::read(&target).unwrap() == orig);
    assert_eq!(dir_listing(dir.path()), ["shop.xlsm"]);

    // The same write without the fault goes through.
    atomic_replace(&target, |f| {
        let src = fs::File::open(&target)?;
        merge_generated_from(src, &generated, &MergeOptions::default(), f)?;
        Ok(())
    })
    .unwrap();
    assert_eq!(sheet_names(&fs::read(&target).unwrap()).len(), 4);
    assert_eq!(dir_listing(dir.path()), ["shop.xlsm"]);
}

#[test]
fn a_read_only_directory_leaves_the_workbook_byte_identical() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("shop.xlsx");
    fs::copy(fixture("openpyxl_features.xlsx"), &target).unwrap();
    let orig = fs::read(&target).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    let probe = dir.path().join("probe");
    let root_ignores_modes = fs::write(&probe, "").is_ok();
    let result = atomic_replace(&target, |f| {
        f.write_all(b"new")?;
        Ok(())
    });
    if root_ignores_modes {
        // Running as root: permissions do not stop writes, so there is nothing to observe.
        let _ = fs::remove_file(&probe);
        eprintln!("skipped: running as root, a read-only directory is writable");
    } else {
        let err = result.unwrap_err();
        assert!(matches!(err, WritebackError::Io(_)), "{err:?}");
        assert!(fs::read(&target).unwrap() == orig);
    }
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    if !root_ignores_modes {
        assert_eq!(dir_listing(dir.path()), ["shop.xlsx"]);
    }
    // A directory that does not exist fails the same way on every account.
    let missing = dir.path().join("gone").join("shop.xlsx");
    assert!(matches!(
        atomic_replace(&missing, |_| Ok(())),
        Err(WritebackError::Io(_))
    ));
}

#[test]
fn a_held_lock_stops_a_second_run() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("shop.xlsx");
    fs::copy(fixture("openpyxl_features.xlsx"), &target).unwrap();
    let orig = fs::read(&target).unwrap();
    let _first = WorkbookLock::acquire(&target).unwrap();
    let err = WorkbookLock::acquire(&target).unwrap_err();
    assert!(matches!(err, WritebackError::Locked { .. }));
    assert!(
        err.to_string()
            .contains("is being written by another dangol run"),
        "{err}"
    );
    assert!(fs::read(&target).unwrap() == orig);
}

/// Every `.xlsx`/`.xlsm` of the shared corpus (`../shared/data/xlsx-corpus`, not in the repo):
/// a merge either refuses with an error or keeps every untouched part raw-identical, keeps
/// every user sheet's cells as calamine reads them, and is byte-identical when repeated.
/// `cargo test --test integration writeback::corpus -- --ignored --nocapture`
#[test]
#[ignore = "reads ../shared/data/xlsx-corpus"]
fn corpus_round_trip() {
    let dir = crate::support::shared_data("xlsx-corpus");
    let generated = generated(&["Customer Stats", "Funnel"]);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
        })
        .collect();
    files.sort();
    let (mut ok, mut unreadable, mut refused) = (0, 0, Vec::new());
    for path in &files {
        let orig = fs::read(path).unwrap();
        if std::env::var_os("CORPUS_TRACE").is_some() {
            eprintln!("corpus file {}", path.display());
        }
        // Only workbooks calamine itself can read are a fair test of "cells unchanged".
        let Ok(mut a) = Xlsx::new(Cursor::new(orig.clone())) else {
            unreadable += 1;
            continue;
        };
        let out = match merge_generated(path, &generated, &MergeOptions::default()) {
            Ok(out) => out,
            Err(e) => {
                refused.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        // Packages put the workbook part in odd places (`workbook.xml`, `xl/WorkBook.xml`):
        // allow the edited parts wherever they are, by file name.
        let edited: Vec<String> = raw_parts(&orig)
            .into_iter()
            .map(|p| p.name)
            .filter(|n| {
                let base = n.rsplit('/').next().unwrap_or(n).to_ascii_lowercase();
                MERGE_EDITS
                    .iter()
                    .any(|m| m.rsplit('/').next().unwrap().eq_ignore_ascii_case(&base))
                    || base == "workbook.xml.rels"
                    || (base.starts_with("workbook")
                        && std::path::Path::new(&base)
                            .extension()
                            .is_some_and(|e| e.eq_ignore_ascii_case("xml")))
            })
            .collect();
        assert_untouched(
            &orig,
            &out,
            &edited.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        if ok % 100 == 0 {
            keep_output(
                &format!("corpus_{}", path.file_name().unwrap().to_string_lossy()),
                &out,
            );
        }
        let mut b = open(&out);
        for sheet in a.sheet_names().clone() {
            let ga = a
                .worksheet_range(&sheet)
                .map(|r| r.rows().map(<[Data]>::to_vec).collect::<Vec<_>>());
            if let Ok(ga) = ga {
                let gb: Vec<Vec<Data>> = b
                    .worksheet_range(&sheet)
                    .unwrap()
                    .rows()
                    .map(<[Data]>::to_vec)
                    .collect();
                assert_eq!(ga, gb, "{} {sheet}", path.display());
            }
        }
        let tmp = tempfile::NamedTempFile::new().unwrap();
        fs::write(tmp.path(), &out).unwrap();
        let again = merge_generated(tmp.path(), &generated, &MergeOptions::default()).unwrap();
        if again != out {
            fs::write(std::env::temp_dir().join("corpus_first.xlsx"), &out).unwrap();
            fs::write(std::env::temp_dir().join("corpus_second.xlsx"), &again).unwrap();
            panic!(
                "{}: second merge differs (both written to the temp dir)",
                path.display()
            );
        }
        ok += 1;
    }
    eprintln!(
        "corpus: {} files, {ok} merged and checked, {unreadable} unreadable by calamine, {} refused",
        files.len(),
        refused.len()
    );
    for r in &refused {
        eprintln!("  refused {r}");
    }
    // Refusing is allowed only for these files, each for a reason the owner is told how to fix
    // (a styles part with an `x:` prefix or none at all, no workbook relationship); any other
    // refusal is a regression.
    let names: Vec<String> = refused
        .iter()
        .map(|r| {
            let path = r.split(": ").next().unwrap_or(r);
            Path::new(path)
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        })
        .collect();
    assert_eq!(
        names,
        [
            "ExcelDataReader__Fillreport.xlsx",
            "ExcelDataReader__NoDimensionOrCellReferenceAttribute.xlsx",
            "ExcelDataReader__Test_Issue_11522_OpenXml.xlsx",
            "ExcelDataReader__Test_Issue_NoStyles_NoRAttribute.xlsx",
            "ExcelDataReader__Test_git_issue_324.xlsx",
            "ExcelDataReader__Test_git_issue_385_backslash.xlsx",
            "calamine__empty_shared_string_value.xlsx",
            "calamine__inlineStr_cdata.xlsx",
            "calamine__issue_530.xlsx",
        ],
        "refused:\n{}",
        refused.join("\n")
    );
}
