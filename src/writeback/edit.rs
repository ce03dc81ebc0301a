//! Editing cells of one user sheet in place: a streaming rewrite of that sheet's part in
//! which every cell not edited passes through byte-for-byte, and every other part of the
//! package is raw-copied.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, Write};
use std::path::Path;

use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};
use rust_decimal::Decimal;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use super::WritebackError;
use super::package::{Package, Rels, resolve, write_part};
use super::styles::date_xf;
use super::xml::{self, El, Splices, attrs_of, parse_cell_ref, start_tag};
use crate::ingest::guard::Limits;
use crate::model::CellRef;

/// A new value for one cell. `row` and `col` are 0-based.
#[derive(Debug, Clone, PartialEq)]
pub struct CellEdit {
    pub row: u32,
    pub col: u32,
    pub value: EditValue,
}

/// What to put in a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum EditValue {
    /// Written as an inline string.
    Text(String),
    /// Written exactly as the decimal's digits.
    Number(Decimal),
    /// A date serial number shown with a date style: the cell's own style when it already
    /// shows dates, otherwise a copy of it with the ISO `yyyy-mm-dd` format.
    Date(NaiveDate),
    /// Clears the value (and formula-free content); the cell keeps its style.
    Blank,
}

const MAX_ROWS: u32 = 1_048_576;
const MAX_COLS: u32 = 16_384;

/// The workbook `original` with `edits` applied to the sheet `sheet_name`. See
/// [`edit_cells_from`].
pub fn edit_cells(
    original: &Path,
    sheet_name: &str,
    edits: &[CellEdit],
) -> Result<Vec<u8>, WritebackError> {
    edit_cells_with(original, sheet_name, edits, &Limits::from_env())
}

/// [`edit_cells`], checking the workbook against `limits` (the command line's).
pub fn edit_cells_with(
    original: &Path,
    sheet_name: &str,
    edits: &[CellEdit],
    limits: &Limits,
) -> Result<Vec<u8>, WritebackError> {
    let mut out = Cursor::new(Vec::new());
    edit_cells_checked(
        BufReader::new(File::open(original)?),
        sheet_name,
        edits,
        &mut out,
        limits,
    )?;
    Ok(out.into_inner())
}

/// Writes `original` to `out` with `edits` applied to the sheet `sheet_name`.
///
/// Cells that are not edited keep every attribute and child; edited cells keep their
/// attributes (style included) except the value type; new cells and rows are inserted in
/// order; `<dimension>` grows to cover new cells. A cell holding a formula is not edited (an
/// error): replacing a formula, possibly the master of a shared one, is never what
/// `remind --apply` means. `xl/styles.xml` changes only when a date needs a date style, and the
/// workbook part gets `fullCalcOnLoad` so formulas that depend on edited cells are recalculated
/// when the file is next opened. Every other part is raw-copied.
pub fn edit_cells_from<R: Read + Seek, W: Write + Seek>(
    original: R,
    sheet_name: &str,
    edits: &[CellEdit],
    out: W,
) -> Result<(), WritebackError> {
    edit_cells_checked(original, sheet_name, edits, out, &Limits::from_env())
}

/// [`edit_cells_from`], checking the package against `limits`.
///
/// Four steps: the edits are checked and grouped by row ([`plan_edits`]), the sheet's part
/// is found through the workbook ([`find_sheet`]), the date styles the new dates need are
/// made ([`date_styles`]), then the package is written: the sheet rewritten, the styles and
/// workbook parts replaced when they changed, every other part raw-copied.
pub fn edit_cells_checked<R: Read + Seek, W: Write + Seek>(
    original: R,
    sheet_name: &str,
    edits: &[CellEdit],
    out: W,
    limits: &Limits,
) -> Result<(), WritebackError> {
    let mut pending = plan_edits(sheet_name, edits)?;
    let mut pkg = Package::open(original, limits)?;
    let SheetTarget {
        wb_part,
        wb_doc,
        wb_root,
        wb_rels,
        sheet_part,
        date1904,
    } = find_sheet(&mut pkg, sheet_name)?;
    let DatePlan {
        date_styles,
        base_of,
        styles,
    } = date_styles(&mut pkg, &pending, &wb_part, &wb_rels, &sheet_part)?;
    let (styles_part, styles_doc) = styles.unzip();

    let wb_new = full_calc_on_load(&wb_doc, &wb_root, &wb_part)?;
    let ctx = Ctx {
        sheet: sheet_name.to_string(),
        date1904,
        date_styles,
        base_of,
    };
    let mut zw = ZipWriter::new(out);
    for name in pkg.names.clone() {
        if name == sheet_part {
            let when = pkg.modified(&name);
            let options = SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(when)
                .unix_permissions(0o644);
            zw.start_file(name.as_str(), options)?;
            let i = pkg
                .zip
                .index_for_name(&name)
                .ok_or_else(|| WritebackError::malformed(&name, "part is missing"))?;
            let file = pkg.zip.by_index(i)?;
            rewrite_sheet(BufReader::new(file), &mut zw, &mut pending, &ctx, &name)?;
        } else if styles_part.as_deref() == Some(name.as_str()) {
            let t = pkg.modified(&name);
            write_part(&mut zw, &name, styles_doc.as_deref().unwrap_or_default(), t)?;
        } else if name == wb_part && wb_new.is_some() {
            let t = pkg.modified(&name);
            write_part(&mut zw, &name, wb_new.as_deref().unwrap_or_default(), t)?;
        } else {
            pkg.raw_copy(&name, &mut zw)?;
        }
    }
    zw.finish()?;
    Ok(())
}

/// The edits by row then column, refusing a cell outside a worksheet or text a workbook cannot
/// store (named by sheet and cell).
fn plan_edits(
    sheet_name: &str,
    edits: &[CellEdit],
) -> Result<BTreeMap<u32, BTreeMap<u32, EditValue>>, WritebackError> {
    let mut pending: BTreeMap<u32, BTreeMap<u32, EditValue>> = BTreeMap::new();
    for e in edits {
        if e.row >= MAX_ROWS || e.col >= MAX_COLS {
            return Err(WritebackError::Invalid(format!(
                "cell {} is outside a worksheet",
                CellRef::new(sheet_name, e.row, e.col)
            )));
        }
        if let EditValue::Text(t) = &e.value
            && t.chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            return Err(WritebackError::Invalid(format!(
                "text for {} holds a control character, which a workbook cannot store",
                CellRef::new(sheet_name, e.row, e.col)
            )));
        }
        pending
            .entry(e.row)
            .or_default()
            .insert(e.col, e.value.clone());
    }
    Ok(pending)
}

/// The workbook part and the part of the sheet being edited.
struct SheetTarget {
    wb_part: String,
    wb_doc: Vec<u8>,
    wb_root: El,
    wb_rels: Rels,
    /// The sheet's part as the package spells it.
    sheet_part: String,
    date1904: bool,
}

/// Finds the sheet named `sheet_name` (exactly, else ignoring case) and its part.
fn find_sheet<R: Read + Seek>(
    pkg: &mut Package<R>,
    sheet_name: &str,
) -> Result<SheetTarget, WritebackError> {
    let root_rels = pkg.rels("")?;
    let wb_part = root_rels
        .by_type_suffix("/officeDocument")
        .map(|r| resolve("", &r.target))
        .ok_or_else(|| WritebackError::malformed("_rels/.rels", "no workbook relationship"))?;
    let wb_doc = pkg.read_required(&wb_part)?;
    let wb_root = xml::parse(&wb_doc, &wb_part)?;
    let wb_rels = pkg.rels(&wb_part)?;
    let sheets = wb_root
        .child("sheets")
        .ok_or_else(|| WritebackError::malformed(&wb_part, "no <sheets>"))?;
    let sheet_el = sheets
        .children_named("sheet")
        .find(|s| s.attr("name") == Some(sheet_name))
        .or_else(|| {
            sheets.children_named("sheet").find(|s| {
                s.attr("name")
                    .is_some_and(|n| n.to_lowercase() == sheet_name.to_lowercase())
            })
        })
        .ok_or_else(|| {
            WritebackError::Invalid(format!("the workbook has no sheet named \"{sheet_name}\""))
        })?;
    let rid = sheet_el.attr_local("id").unwrap_or_default();
    let sheet_part = wb_rels
        .by_id(rid)
        .map(|r| resolve(&wb_part, &r.target))
        .ok_or_else(|| {
            WritebackError::malformed(&wb_part, format!("sheet \"{sheet_name}\" has no part"))
        })?;
    let sheet_part = pkg
        .actual_name(&sheet_part)
        .ok_or_else(|| WritebackError::malformed(&sheet_part, "part is missing"))?
        .to_string();
    let date1904 = wb_root
        .child("workbookPr")
        .and_then(|p| p.attr("date1904"))
        .is_some_and(|v| v == "1" || v == "true");
    Ok(SheetTarget {
        wb_part,
        wb_doc,
        wb_root,
        wb_rels,
        sheet_part,
        date1904,
    })
}

/// The date styles the new dates need.
struct DatePlan {
    /// The date style for each base style (a cell's current style, `None` for none).
    date_styles: BTreeMap<Option<u32>, u32>,
    /// The current style of every cell that gets a date.
    base_of: BTreeMap<(u32, u32), Option<u32>>,
    /// The styles part and its new content, when new date styles were added.
    styles: Option<(String, Vec<u8>)>,
}

/// Date styles: a first pass over the sheet learns the current style of every cell that gets
/// a date; each gets a date style (its own when it already shows dates, else a copy).
fn date_styles<R: Read + Seek>(
    pkg: &mut Package<R>,
    pending: &BTreeMap<u32, BTreeMap<u32, EditValue>>,
    wb_part: &str,
    wb_rels: &Rels,
    sheet_part: &str,
) -> Result<DatePlan, WritebackError> {
    let mut date_styles: BTreeMap<Option<u32>, u32> = BTreeMap::new();
    let mut styles = None;
    let date_cells: BTreeSet<(u32, u32)> = pending
        .iter()
        .flat_map(|(r, cols)| {
            cols.iter()
                .filter(|(_, v)| matches!(v, EditValue::Date(_)))
                .map(move |(c, _)| (*r, *c))
        })
        .collect();
    let mut base_of: BTreeMap<(u32, u32), Option<u32>> = BTreeMap::new();
    if !date_cells.is_empty() {
        base_of = cell_styles(pkg, sheet_part, &date_cells)?;
        let part = wb_rels
            .by_type_suffix("/styles")
            .map(|r| resolve(wb_part, &r.target))
            .ok_or_else(|| WritebackError::malformed(wb_part, "no styles part"))?;
        let mut doc = pkg.read_required(&part)?;
        let mut changed = false;
        let bases: BTreeSet<Option<u32>> = date_cells
            .iter()
            .map(|c| base_of.get(c).copied().flatten())
            .collect();
        for base in bases {
            let (xf, new) = date_xf(&doc, base)?;
            if let Some(new) = new {
                doc = new;
                changed = true;
            }
            date_styles.insert(base, xf);
        }
        if changed {
            styles = Some((part, doc));
        }
    }
    Ok(DatePlan {
        date_styles,
        base_of,
        styles,
    })
}

/// `<calcPr fullCalcOnLoad="1">`, or `None` when it is already set.
fn full_calc_on_load(doc: &[u8], root: &El, part: &str) -> Result<Option<Vec<u8>>, WritebackError> {
    let mut sp = Splices::default();
    if let Some(calc) = root.child("calcPr") {
        if calc.attr("fullCalcOnLoad") == Some("1") {
            return Ok(None);
        }
        sp.replace(
            calc.start.clone(),
            calc.start_tag_with(&[("fullCalcOnLoad", Some("1".into()))]),
        );
    } else {
        let before = [
            "fileVersion",
            "fileSharing",
            "workbookPr",
            "workbookProtection",
            "bookViews",
            "sheets",
            "functionGroups",
            "externalReferences",
            "definedNames",
        ];
        let at = root
            .children
            .iter()
            .filter(|c| before.contains(&c.local()))
            .map(|c| c.outer().end)
            .max()
            .unwrap_or(root.start.end);
        let p = root.prefix();
        sp.insert(at, format!("<{p}calcPr fullCalcOnLoad=\"1\"/>"));
    }
    sp.apply(doc, part).map(Some)
}

struct Ctx {
    sheet: String,
    date1904: bool,
    date_styles: BTreeMap<Option<u32>, u32>,
    base_of: BTreeMap<(u32, u32), Option<u32>>,
}

fn xml_err(part: &str, e: &dyn std::fmt::Display) -> WritebackError {
    WritebackError::malformed(part, e.to_string())
}

/// Tracks row and column numbers through `<row>` and `<c>`, whose `r` attribute may be
/// omitted (then they follow the previous one).
#[derive(Default)]
struct Pos {
    row: Option<u32>,
    col: Option<u32>,
}

impl Pos {
    fn enter_row(&mut self, attrs: &[(String, String)]) -> u32 {
        let r = attrs
            .iter()
            .find(|(k, _)| k == "r")
            .and_then(|(_, v)| v.parse::<u32>().ok())
            .map_or_else(|| self.row.map_or(0, |r| r + 1), |r| r.saturating_sub(1));
        self.row = Some(r);
        self.col = None;
        r
    }

    fn enter_cell(&mut self, attrs: &[(String, String)]) -> u32 {
        let c = attrs
            .iter()
            .find(|(k, _)| k == "r")
            .and_then(|(_, v)| parse_cell_ref(v))
            .map_or_else(|| self.col.map_or(0, |c| c + 1), |(_, c)| c);
        self.col = Some(c);
        c
    }
}

/// The `s` of each wanted cell (`None`: no style or no cell).
fn cell_styles<R: Read + Seek>(
    pkg: &mut Package<R>,
    part: &str,
    wanted: &BTreeSet<(u32, u32)>,
) -> Result<BTreeMap<(u32, u32), Option<u32>>, WritebackError> {
    let i = pkg
        .zip
        .index_for_name(part)
        .ok_or_else(|| WritebackError::malformed(part, "part is missing"))?;
    let mut reader = Reader::from_reader(BufReader::new(pkg.zip.by_index(i)?));
    let mut buf = Vec::new();
    let mut pos = Pos::default();
    let mut found = BTreeMap::new();
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_err(part, &e))?
        {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "row" => {
                    pos.enter_row(&attrs_of(&e, part)?);
                }
                "c" => {
                    let attrs = attrs_of(&e, part)?;
                    let c = pos.enter_cell(&attrs);
                    let key = (pos.row.unwrap_or(0), c);
                    if wanted.contains(&key) {
                        let s = attrs
                            .iter()
                            .find(|(k, _)| k == "s")
                            .and_then(|(_, v)| v.parse().ok());
                        found.insert(key, s);
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(found)
}

/// Excel's serial day number.
fn serial(date: NaiveDate, date1904: bool) -> i64 {
    let epoch = if date1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)
    };
    // Both epochs are valid calendar dates, so `from_ymd_opt` cannot be None here.
    epoch.map_or(0, |e| (date - e).num_days())
}

/// Serialises an edited or new cell. `attrs` are the cell's kept attributes (with `r`).
fn cell_xml(
    name: &str,
    mut attrs: Vec<(String, String)>,
    value: &EditValue,
    key: (u32, u32),
    ctx: &Ctx,
) -> String {
    attrs.retain(|(k, _)| !matches!(k.as_str(), "t" | "cm" | "vm"));
    let set_s = |attrs: &mut Vec<(String, String)>, s: u32| match attrs
        .iter_mut()
        .find(|(k, _)| k == "s")
    {
        Some(a) => a.1 = s.to_string(),
        None => attrs.push(("s".into(), s.to_string())),
    };
    match value {
        EditValue::Blank => start_tag(name, &attrs, true),
        EditValue::Text(t) => {
            attrs.push(("t".into(), "inlineStr".into()));
            let space = if t.trim() == t {
                ""
            } else {
                " xml:space=\"preserve\""
            };
            format!(
                "{}<is><t{space}>{}</t></is></{name}>",
                start_tag(name, &attrs, false),
                quick_xml::escape::escape(t.as_str())
            )
        }
        EditValue::Number(d) => format!(
            "{}<v>{}</v></{name}>",
            start_tag(name, &attrs, false),
            d.normalize()
        ),
        EditValue::Date(d) => {
            let base = ctx.base_of.get(&key).copied().flatten();
            if let Some(&xf) = ctx.date_styles.get(&base) {
                set_s(&mut attrs, xf);
            }
            format!(
                "{}<v>{}</v></{name}>",
                start_tag(name, &attrs, false),
                serial(*d, ctx.date1904)
            )
        }
    }
}

fn new_cell(row: u32, col: u32, value: &EditValue, ctx: &Ctx) -> String {
    if matches!(value, EditValue::Blank) {
        return String::new();
    }
    let r = format!("{}{}", CellRef::col_letters(col), row + 1);
    cell_xml("c", vec![("r".into(), r)], value, (row, col), ctx)
}

fn new_row(row: u32, cells: &BTreeMap<u32, EditValue>, ctx: &Ctx) -> String {
    let inner: String = cells
        .iter()
        .map(|(c, v)| new_cell(row, *c, v, ctx))
        .collect();
    if inner.is_empty() {
        return inner;
    }
    format!("<row r=\"{}\">{inner}</row>", row + 1)
}

/// A `<row>` start tag whose `spans` hint is widened to cover new columns.
fn row_tag(
    e: &BytesStart<'_>,
    attrs: &[(String, String)],
    cols: &BTreeMap<u32, EditValue>,
    empty: bool,
) -> Option<String> {
    let spans = attrs.iter().find(|(k, _)| k == "spans")?.1.clone();
    let (a, b) = spans.split_once(':')?;
    let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    let lo = cols.keys().next().map_or(a, |c| a.min(c + 1));
    let hi = cols.keys().next_back().map_or(b, |c| b.max(c + 1));
    if (lo, hi) == (a, b) {
        return None;
    }
    let mut attrs = attrs.to_vec();
    for (k, v) in &mut attrs {
        if k == "spans" {
            *v = format!("{lo}:{hi}");
        }
    }
    let name = e.name().as_ref().to_string();
    Some(start_tag(&name, &attrs, empty))
}

fn dimension_ref(old: &str, pending: &BTreeMap<u32, BTreeMap<u32, EditValue>>) -> Option<String> {
    let (a, b) = old.split_once(':').unwrap_or((old, old));
    let (mut r0, mut c0) = parse_cell_ref(a)?;
    let (mut r1, mut c1) = parse_cell_ref(b)?;
    let mut grew = false;
    for (r, cols) in pending {
        for (c, v) in cols {
            if matches!(v, EditValue::Blank) {
                continue;
            }
            if *r < r0 || *r > r1 || *c < c0 || *c > c1 {
                grew = true;
                r0 = r0.min(*r);
                r1 = r1.max(*r);
                c0 = c0.min(*c);
                c1 = c1.max(*c);
            }
        }
    }
    grew.then(|| {
        format!(
            "{}{}:{}{}",
            CellRef::col_letters(c0),
            r0 + 1,
            CellRef::col_letters(c1),
            r1 + 1
        )
    })
}

/// The streaming rewrite of one sheet part: every event passes through unless one of the
/// [`SheetRewrite`] steps wrote its replacement.
fn rewrite_sheet<R: std::io::BufRead, W: Write>(
    input: R,
    out: W,
    pending: &mut BTreeMap<u32, BTreeMap<u32, EditValue>>,
    ctx: &Ctx,
    part: &str,
) -> Result<(), WritebackError> {
    let mut reader = Reader::from_reader(input);
    let mut st = SheetRewrite {
        w: Writer::new(out),
        pending,
        row_edits: BTreeMap::new(),
        pos: Pos::default(),
        in_data: false,
        ctx,
        part,
    };
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_err(part, &e))?;
        let replaced = match &event {
            Event::Eof => break,
            Event::Start(e) => st.start(e, false, &mut reader)?,
            Event::Empty(e) => st.start(e, true, &mut reader)?,
            Event::End(e) => {
                st.end(e.local_name().as_ref())?;
                false
            }
            _ => false,
        };
        if !replaced {
            st.w.write_event(event).map_err(WritebackError::Io)?;
        }
        buf.clear();
    }
    if !st.pending.is_empty() {
        return Err(WritebackError::malformed(part, "sheet has no <sheetData>"));
    }
    Ok(())
}

/// The state of one sheet's rewrite: the edits still to place, those of the current row and
/// where the reader is. Each step returns whether it wrote the event's replacement itself.
struct SheetRewrite<'a, W: Write> {
    w: Writer<W>,
    pending: &'a mut BTreeMap<u32, BTreeMap<u32, EditValue>>,
    row_edits: BTreeMap<u32, EditValue>,
    pos: Pos,
    in_data: bool,
    ctx: &'a Ctx,
    part: &'a str,
}

impl<W: Write> SheetRewrite<'_, W> {
    fn write(&mut self, text: &str) -> Result<(), WritebackError> {
        self.w
            .get_mut()
            .write_all(text.as_bytes())
            .map_err(WritebackError::Io)
    }

    /// Every pending row as new `<row>` elements (no such row exists in the sheet).
    fn take_pending_rows(&mut self) -> String {
        std::mem::take(self.pending)
            .iter()
            .map(|(r, cols)| new_row(*r, cols, self.ctx))
            .collect()
    }

    /// A start (or empty) tag.
    fn start<R: std::io::BufRead>(
        &mut self,
        e: &BytesStart<'_>,
        empty: bool,
        reader: &mut Reader<R>,
    ) -> Result<bool, WritebackError> {
        match e.local_name().as_ref() {
            "dimension" if !self.in_data => self.dimension(e, empty),
            "sheetData" => self.sheet_data(e, empty),
            "row" if self.in_data => self.row(e, empty),
            "c" if self.in_data => self.cell(e, empty, reader),
            _ => Ok(false),
        }
    }

    /// `<dimension ref>` grown to cover the new cells.
    fn dimension(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<bool, WritebackError> {
        let mut attrs = attrs_of(e, self.part)?;
        let Some(new) = attrs
            .iter()
            .find(|(k, _)| k == "ref")
            .and_then(|(_, old)| dimension_ref(old, self.pending))
        else {
            return Ok(false);
        };
        for (k, v) in &mut attrs {
            if k == "ref" {
                v.clone_from(&new);
            }
        }
        let name = e.name().as_ref().to_string();
        self.write(&start_tag(&name, &attrs, empty))?;
        Ok(true)
    }

    /// `<sheetData>`: an empty one gets every pending row.
    fn sheet_data(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<bool, WritebackError> {
        if !empty {
            self.in_data = true;
            return Ok(false);
        }
        let name = e.name().as_ref().to_string();
        let rows = self.take_pending_rows();
        self.write(&format!("<{}>{rows}</{name}>", &**e))?;
        Ok(true)
    }

    /// `<row>`: new rows before it are written first; its edits are taken for its cells.
    fn row(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<bool, WritebackError> {
        let attrs = attrs_of(e, self.part)?;
        let r = self.pos.enter_row(&attrs);
        // Rows that do not exist yet and come before this one.
        let earlier: Vec<u32> = self.pending.range(..r).map(|(k, _)| *k).collect();
        for k in earlier {
            if let Some(cols) = self.pending.remove(&k) {
                self.write(&new_row(k, &cols, self.ctx))?;
            }
        }
        self.row_edits = self.pending.remove(&r).unwrap_or_default();
        if self.row_edits.is_empty() {
            return Ok(false);
        }
        let tag =
            row_tag(e, &attrs, &self.row_edits, false).unwrap_or_else(|| format!("<{}>", &**e));
        self.write(&tag)?;
        if empty {
            let cells: String = std::mem::take(&mut self.row_edits)
                .iter()
                .map(|(c, v)| new_cell(r, *c, v, self.ctx))
                .collect();
            let name = e.name().as_ref().to_string();
            self.write(&format!("{cells}</{name}>"))?;
        }
        Ok(true)
    }

    /// `<c>`: new cells before it are written first; an edited cell is replaced.
    fn cell<R: std::io::BufRead>(
        &mut self,
        e: &BytesStart<'_>,
        empty: bool,
        reader: &mut Reader<R>,
    ) -> Result<bool, WritebackError> {
        let attrs = attrs_of(e, self.part)?;
        let row = self.pos.row.unwrap_or(0);
        let c = self.pos.enter_cell(&attrs);
        let before: Vec<u32> = self.row_edits.range(..c).map(|(k, _)| *k).collect();
        for k in before {
            if let Some(v) = self.row_edits.remove(&k) {
                self.write(&new_cell(row, k, &v, self.ctx))?;
            }
        }
        let Some(value) = self.row_edits.remove(&c) else {
            return Ok(false);
        };
        if !empty {
            skip_cell(reader, &self.ctx.sheet, row, c, self.part)?;
        }
        let name = e.name().as_ref().to_string();
        let text = cell_xml(&name, attrs, &value, (row, c), self.ctx);
        self.write(&text)?;
        Ok(true)
    }

    /// An end tag: the row's remaining new cells before `</row>`, the remaining new rows
    /// before `</sheetData>` (the end tag itself passes through).
    fn end(&mut self, local: &str) -> Result<(), WritebackError> {
        match local {
            "row" if self.in_data => {
                let row = self.pos.row.unwrap_or(0);
                let rest: String = std::mem::take(&mut self.row_edits)
                    .iter()
                    .map(|(c, v)| new_cell(row, *c, v, self.ctx))
                    .collect();
                self.write(&rest)
            }
            "sheetData" => {
                let rows = self.take_pending_rows();
                self.in_data = false;
                self.write(&rows)
            }
            _ => Ok(()),
        }
    }
}

/// Consumes the children of an edited cell up to its end tag, refusing formula cells.
fn skip_cell<R: std::io::BufRead>(
    reader: &mut Reader<R>,
    sheet: &str,
    row: u32,
    col: u32,
    part: &str,
) -> Result<(), WritebackError> {
    let mut buf = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_err(part, &e))?
        {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "f" => {
                return Err(WritebackError::Invalid(format!(
                    "{} holds a formula; dangol does not overwrite formulas",
                    CellRef::new(sheet, row, col)
                )));
            }
            Event::End(e) if e.local_name().as_ref() == "c" => return Ok(()),
            Event::Eof => return Err(WritebackError::malformed(part, "unclosed cell")),
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sheet: &str, edits: &[(u32, u32, EditValue)]) -> String {
        let mut pending: BTreeMap<u32, BTreeMap<u32, EditValue>> = BTreeMap::new();
        for (r, c, v) in edits {
            pending.entry(*r).or_default().insert(*c, v.clone());
        }
        let ctx = Ctx {
            sheet: "S".into(),
            date1904: false,
            date_styles: BTreeMap::from([(None, 7), (Some(3), 3)]),
            base_of: BTreeMap::from([((0, 0), Some(3))]),
        };
        let mut out = Vec::new();
        rewrite_sheet(sheet.as_bytes(), &mut out, &mut pending, &ctx, "p").unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn edits_insert_and_keep() {
        let sheet = r#"<worksheet><dimension ref="A1:B2"/><sheetData><row r="1" spans="1:2"><c r="A1" s="3"><v>1</v></c><c r="B1" s="4" t="s"><v>0</v></c></row><row r="2"><c r="B2"><f>A1*2</f><v>2</v></c></row></sheetData></worksheet>"#;
        let out = run(
            sheet,
            &[
                (
                    0,
                    0,
                    EditValue::Date(NaiveDate::from_ymd_opt(2025, 4, 14).unwrap()),
                ),
                (0, 1, EditValue::Text("done & dusted ".into())),
                (0, 3, EditValue::Number(Decimal::new(12_500, 2))),
                (3, 2, EditValue::Blank),
                (
                    4,
                    2,
                    EditValue::Date(NaiveDate::from_ymd_opt(1900, 3, 1).unwrap()),
                ),
            ],
        );
        assert_eq!(
            out,
            r#"<worksheet><dimension ref="A1:D5"/><sheetData><row r="1" spans="1:4"><c r="A1" s="3"><v>45761</v></c><c r="B1" s="4" t="inlineStr"><is><t xml:space="preserve">done &amp; dusted </t></is></c><c r="D1"><v>125</v></c></row><row r="2"><c r="B2"><f>A1*2</f><v>2</v></c></row><row r="5"><c r="C5" s="7"><v>61</v></c></row></sheetData></worksheet>"#
        );
    }

    #[test]
    fn formula_cells_are_refused() {
        let sheet = r#"<worksheet><sheetData><row r="2"><c r="B2"><f>A1*2</f><v>2</v></c></row></sheetData></worksheet>"#;
        let mut pending = BTreeMap::from([(1, BTreeMap::from([(1, EditValue::Blank)]))]);
        let ctx = Ctx {
            sheet: "Quotes".into(),
            date1904: false,
            date_styles: BTreeMap::new(),
            base_of: BTreeMap::new(),
        };
        let err = rewrite_sheet(sheet.as_bytes(), Vec::new(), &mut pending, &ctx, "p").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Quotes!B2 holds a formula; dangol does not overwrite formulas"
        );
    }
}
