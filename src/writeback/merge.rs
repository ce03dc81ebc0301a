//! Adding dangol's generated sheets to the owner's `.xlsx`/`.xlsm` at the package level:
//! untouched parts are raw-copied, the parts that list sheets, relationships, content types,
//! styles and custom properties are edited by splicing, and the generated sheets (with their
//! tables, drawings and charts) are renamed into free part names.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDateTime, Timelike};
use quick_xml::events::Event;
use zip::{DateTime, ZipWriter};

use super::WritebackError;
use super::package::{
    CONTENT_TYPES, CT_CUSTOM_PROPS, ContentTypes, NS_REL, Package, REL_CUSTOM_PROPS, Rels,
    relative, rels_path, resolve, write_part,
};
use super::styles::{StyleMerge, merge_styles};
use super::xml::{self, El, Splices, append_children, attrs_of, prefix_for, start_tag};

/// Name of the custom document property that lists the sheets dangol generated.
pub const GENERATED_PROPERTY: &str = "dangol.generated";

const NS_VT: &str = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes";
const NS_CUSTOM: &str = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties";
const FMTID: &str = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}";
const CUSTOM_PART: &str = "docProps/custom.xml";

/// Options for [`merge_generated`].
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// Timestamp stored on the zip entries dangol writes new. `None` (the default) stores
    /// 1980-01-01 00:00, so the output never depends on the clock.
    pub part_time: Option<NaiveDateTime>,
    /// Input limits for the packages read (the owner's and the generated one); `None`: the
    /// environment's, else the built-in ones.
    pub limits: Option<crate::ingest::guard::Limits>,
}

impl MergeOptions {
    fn zip_time(&self) -> DateTime {
        self.part_time
            .and_then(|t| {
                DateTime::from_date_and_time(
                    u16::try_from(t.year()).ok()?,
                    t.month() as u8,
                    t.day() as u8,
                    t.hour() as u8,
                    t.minute() as u8,
                    t.second() as u8,
                )
                .ok()
            })
            .unwrap_or_default()
    }
}

/// What a merge did to the workbook's sheet list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeSummary {
    /// Generated sheets that were not in the workbook before.
    pub added: Vec<String>,
    /// Generated sheets that replaced dangol's sheet of the same name.
    pub replaced: Vec<String>,
    /// Sheets dangol generated last time and did not generate now (removed).
    pub removed: Vec<String>,
}

/// The original workbook `original` with the sheets of `generated` (an `.xlsx` written by
/// `rust_xlsxwriter` holding only dangol's sheets) added, replacing the sheets dangol generated
/// last time. See [`merge_generated_from`].
pub fn merge_generated(
    original: &Path,
    generated: &[u8],
    opts: &MergeOptions,
) -> Result<Vec<u8>, WritebackError> {
    let mut out = Cursor::new(Vec::new());
    merge_generated_from(
        BufReader::new(File::open(original)?),
        generated,
        opts,
        &mut out,
    )?;
    Ok(out.into_inner())
}

/// Refuses, before any data is read and analysed, a workbook dangol could not write its
/// sheets into: today one without a styles part (`xl/styles.xml`), which the generated
/// sheets' formats need. Reads only the package's small relationship parts (each at most
/// 1 MB); a file that is not a readable package passes, for the reader to report properly.
pub(crate) fn check_writable(path: &Path) -> Result<(), WritebackError> {
    const MAX_PART: u64 = 1 << 20;
    let Ok(f) = File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(f)) else {
        return Ok(());
    };
    let mut part = |name: &str| -> Option<Vec<u8>> {
        let index = (0..zip.len()).find(|&i| {
            zip.name_for_index(i)
                .is_some_and(|n| n.is_ok_and(|n| n.eq_ignore_ascii_case(name)))
        })?;
        let mut buf = Vec::new();
        zip.by_index(index)
            .ok()?
            .take(MAX_PART)
            .read_to_end(&mut buf)
            .ok()?;
        Some(buf)
    };
    let Some(root) = part("_rels/.rels").and_then(|d| Rels::parse("", "_rels/.rels", d).ok())
    else {
        return Ok(());
    };
    let Some(wb_part) = root
        .by_type_suffix("/officeDocument")
        .map(|r| resolve("", &r.target))
    else {
        return Ok(());
    };
    let wb_rels_path = super::package::rels_path(&wb_part);
    let Some(rels) = part(&wb_rels_path).and_then(|d| Rels::parse(&wb_part, &wb_rels_path, d).ok())
    else {
        return Ok(());
    };
    if rels.by_type_suffix("/styles").is_some() {
        return Ok(());
    }
    Err(WritebackError::malformed(&wb_part, NO_STYLES))
}

/// Why a workbook without a styles part is refused, and what the owner can do.
const NO_STYLES: &str = "the workbook has no styles part, which dangol needs to add its sheets; \
                         nothing was changed. Open it in Excel or LibreOffice and save \
                         it once (that adds one), then run again";

/// Writes the merged package to `out`.
///
/// Every part of `original` that does not need to change is copied as raw compressed bytes in
/// its original order. Only these are rewritten: `[Content_Types].xml`, the workbook part and
/// its relationships, `xl/styles.xml` (records appended, never moved), `_rels/.rels` and
/// `docProps/custom.xml` (the [`GENERATED_PROPERTY`] list). `docProps/app.xml` is left as it
/// was: its sheet titles are informational and Excel rewrites them on its next save.
///
/// A sheet of `original` with the name of a generated sheet that the property does not list is
/// [`WritebackError::UserSheetNameClash`]. The output depends only on the inputs: merging the
/// same generated workbook into the output again gives identical bytes.
///
/// Two steps: a [`MergePlan`] decides everything (which parts go, which are rewritten and how,
/// which are new) before a byte is written; [`MergePlan::write`] then writes the zip.
pub fn merge_generated_from<R: Read + Seek, W: Write + Seek>(
    original: R,
    generated: &[u8],
    opts: &MergeOptions,
    out: W,
) -> Result<MergeSummary, WritebackError> {
    let limits = crate::ingest::guard::limits_or_env(opts.limits);
    let mut pkg = Package::open(original, &limits)?;
    let mut gpkg = Package::open(Cursor::new(generated), &limits)?;
    let plan = MergePlan::make(&mut pkg, &mut gpkg)?;
    plan.write(&mut pkg, opts.zip_time(), out)?;
    Ok(plan.summary)
}

fn lc(s: &str) -> String {
    s.to_lowercase()
}

/// Everything a merge writes, decided before anything is written.
struct MergePlan {
    summary: MergeSummary,
    /// Original parts that go away (lower-case names): what only dangol's old sheets reached.
    remove: BTreeSet<String>,
    /// Original parts rewritten in place, by lower-case name.
    edited: HashMap<String, Vec<u8>>,
    /// `docProps/custom.xml` when the original has none.
    new_custom: Option<Vec<u8>>,
    /// The generated parts (and their relationships) under their new names, in order.
    new_parts: Vec<(String, Vec<u8>)>,
}

/// What goes away with dangol's old sheets.
struct Removal {
    /// Parts (lower-case) reached from the package root without passing an old sheet.
    keep: BTreeSet<String>,
    /// Parts (lower-case) to drop, with their relationship parts.
    parts: BTreeSet<String>,
    /// Workbook relationship ids to drop (the old sheets', a stale calculation chain's).
    rels: Vec<String>,
}

/// The generated parts, renamed and transformed, with the content types they need.
struct NewParts {
    parts: Vec<(String, Vec<u8>)>,
    ct_defaults: Vec<(String, String)>,
    ct_overrides: Vec<(String, String)>,
}

impl MergePlan {
    fn make<R: Read + Seek>(
        pkg: &mut Package<R>,
        gpkg: &mut Package<Cursor<&[u8]>>,
    ) -> Result<MergePlan, WritebackError> {
        let orig = Book::read(pkg)?;
        let gen_book = Book::read(gpkg)?;
        let recorded: HashSet<String> = orig.recorded.iter().map(|s| lc(s)).collect();
        let ours = |s: &SheetEntry| recorded.contains(&lc(&s.name));
        let (slots, summary) = sheet_order(&orig, &gen_book, &ours)?;
        let removal = Removal::plan(pkg, &orig, &ours)?;
        let custom_is_new = orig.custom_part.is_none();
        let mut used = used_names(pkg, &orig, &removal.parts, custom_is_new)?;
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut grels: HashMap<String, Rels> = HashMap::new();
        for s in &gen_book.sheets {
            assign(gpkg, &s.part, &mut used, &mut names, &mut order, &mut grels)?;
        }
        let style = styles_of(pkg, gpkg, &orig, &gen_book)?;
        let new = new_parts(
            pkg, gpkg, &orig, &gen_book, &removal, &order, &names, &grels, &style,
        )?;

        // The workbook part and its relationships.
        let remaining_ids: Vec<String> = orig
            .wb_rels
            .list
            .iter()
            .filter(|r| !removal.rels.contains(&r.id))
            .map(|r| r.id.clone())
            .collect();
        let mut wb_rels_new: Vec<(String, String, String)> = Vec::new(); // id, type, target
        let mut gen_rid: HashMap<usize, String> = HashMap::new();
        for (g, s) in gen_book.sheets.iter().enumerate() {
            let taken: Vec<String> = remaining_ids
                .iter()
                .cloned()
                .chain(wb_rels_new.iter().map(|(id, _, _)| id.clone()))
                .collect();
            let id = free_rid(&taken);
            wb_rels_new.push((
                id.clone(),
                s.rel_type.clone(),
                relative(&orig.wb_part, &names[&s.part]),
            ));
            gen_rid.insert(g, id);
        }
        let new_index_of_orig = |i: usize| {
            slots.iter().position(|s| match s {
                Slot::Kept(k) | Slot::Gen(_, Some(k)) => *k == i,
                Slot::Gen(_, None) => false,
            })
        };
        let new_index_of_gen = |g: usize| {
            slots
                .iter()
                .position(|s| matches!(s, Slot::Gen(x, _) if *x == g))
        };
        let wb_doc = edit_workbook(
            &orig,
            &gen_book,
            &slots,
            &gen_rid,
            &new_index_of_orig,
            &new_index_of_gen,
            &ours,
        )?;
        let wb_rels_doc = workbook_rels_doc(&orig, &removal.rels, &wb_rels_new)?;
        let ct_doc = content_types_doc(&orig, &removal.parts, custom_is_new, &new)?;

        // Custom properties (and the package relationship to them when new).
        let names_json = serde_json::to_string(
            &gen_book
                .sheets
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>(),
        )
        .map_err(|e| WritebackError::Invalid(e.to_string()))?;
        let custom_doc = custom_properties(orig.custom.as_ref(), &names_json)?;
        let root_rels_doc = if custom_is_new {
            Some(root_rels_with_custom(&orig)?)
        } else {
            None
        };

        // Everything that is rewritten in place, by lower-case part name.
        let mut edited: HashMap<String, Vec<u8>> = HashMap::new();
        edited.insert(lc(CONTENT_TYPES), ct_doc);
        edited.insert(lc(&orig.wb_part), wb_doc);
        edited.insert(lc(&orig.wb_rels.path), wb_rels_doc);
        if let (Some(p), Some(doc)) = (&orig.styles_part, style.doc) {
            edited.insert(lc(p), doc);
        }
        if let Some(doc) = root_rels_doc {
            edited.insert(lc("_rels/.rels"), doc);
        }
        let new_custom = match &orig.custom_part {
            Some(p) => {
                edited.insert(lc(p), custom_doc);
                None
            }
            None => Some(custom_doc),
        };
        Ok(MergePlan {
            summary,
            remove: removal.parts,
            edited,
            new_custom,
            new_parts: new.parts,
        })
    }

    /// Writes the plan: the original parts in their order (raw-copied unless rewritten,
    /// skipped when removed), then the new custom properties part, then the generated parts.
    fn write<R: Read + Seek, W: Write + Seek>(
        &self,
        pkg: &mut Package<R>,
        when: DateTime,
        out: W,
    ) -> Result<(), WritebackError> {
        let mut zw = ZipWriter::new(QuietAfterError::new(out)?);
        // The generated parts are compressed on another thread while the owner's parts are
        // copied, then copied in as they are (the same bytes as compressing them here).
        std::thread::scope(|s| {
            let packed = s.spawn(|| pack(&self.new_parts, when));
            for name in pkg.names.clone() {
                let key = lc(&name);
                if self.remove.contains(&key) {
                    continue;
                }
                match self.edited.get(&key) {
                    Some(bytes) if pkg.read(&name)?.as_deref() != Some(bytes.as_slice()) => {
                        let t = pkg.modified(&name);
                        write_part(&mut zw, &name, bytes, t)?;
                    }
                    _ => pkg.raw_copy(&name, &mut zw)?,
                }
            }
            if let Some(doc) = &self.new_custom {
                write_part(&mut zw, CUSTOM_PART, doc, when)?;
            }
            let packed = packed
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))?;
            let mut parts = zip::ZipArchive::new(Cursor::new(packed))?;
            for i in 0..parts.len() {
                zw.raw_copy_file_touch(parts.by_index_raw(i)?, when, None)?;
            }
            Ok::<(), WritebackError>(())
        })?;
        if zw.finish()?.failed {
            // An error the zip writer did not pass on (it always does): never a cut package.
            return Err(WritebackError::Io(std::io::Error::other(
                "the new package could not be written",
            )));
        }
        Ok(())
    }
}

/// `parts` compressed into a zip of their own, in their order, as [`write_part`] writes them.
fn pack(parts: &[(String, Vec<u8>)], when: DateTime) -> Result<Vec<u8>, WritebackError> {
    let mut zw = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        write_part(&mut zw, name, bytes, when)?;
    }
    Ok(zw.finish()?.into_inner())
}

/// The merge's output: after its first write error it takes (and drops) everything, so that
/// the zip writer's clean-up when it is dropped on that error finds nothing to fail on (it
/// would print its own line on stderr); the error itself has already gone to the caller.
/// Positions stay what they would have been, as the zip writer expects.
struct QuietAfterError<W> {
    inner: W,
    failed: bool,
    /// The position, and the end of what was written.
    pos: u64,
    end: u64,
}

impl<W: Seek> QuietAfterError<W> {
    fn new(mut inner: W) -> std::io::Result<Self> {
        let pos = inner.stream_position()?;
        Ok(QuietAfterError {
            inner,
            failed: false,
            pos,
            end: pos,
        })
    }
}

impl<W> QuietAfterError<W> {
    fn note<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r
            && e.kind() != std::io::ErrorKind::Interrupted
        {
            self.failed = true;
        }
        r
    }

    fn advance(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n as u64);
        self.end = self.end.max(self.pos);
    }
}

impl<W: Write> Write for QuietAfterError<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed {
            self.advance(buf.len());
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        if let Ok(n) = r {
            self.advance(n);
        }
        self.note(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.note(r)
    }
}

impl<W: Seek> Seek for QuietAfterError<W> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        if self.failed {
            self.pos = match to {
                std::io::SeekFrom::Start(n) => n,
                std::io::SeekFrom::Current(d) => self.pos.saturating_add_signed(d),
                std::io::SeekFrom::End(d) => self.end.saturating_add_signed(d),
            };
            return Ok(self.pos);
        }
        let r = self.inner.seek(to);
        if let Ok(p) = r {
            self.pos = p;
        }
        self.note(r)
    }
}

/// The new sheet order: user sheets stay where they are, a generated sheet replaces dangol's
/// sheet of the same name in place, new ones go at the end. A user sheet with a generated
/// sheet's name is a clash.
fn sheet_order(
    orig: &Book,
    gen_book: &Book,
    ours: &dyn Fn(&SheetEntry) -> bool,
) -> Result<(Vec<Slot>, MergeSummary), WritebackError> {
    for g in &gen_book.sheets {
        if let Some(o) = orig.sheets.iter().find(|o| lc(&o.name) == lc(&g.name))
            && !ours(o)
        {
            return Err(WritebackError::UserSheetNameClash {
                sheet: o.name.clone(),
            });
        }
    }
    let mut slots: Vec<Slot> = Vec::new();
    let mut placed = vec![false; gen_book.sheets.len()];
    let mut summary = MergeSummary::default();
    for (i, o) in orig.sheets.iter().enumerate() {
        if !ours(o) {
            slots.push(Slot::Kept(i));
        } else if let Some(g) = gen_book
            .sheets
            .iter()
            .position(|g| lc(&g.name) == lc(&o.name))
            .filter(|&g| !placed[g])
        {
            placed[g] = true;
            summary.replaced.push(gen_book.sheets[g].name.clone());
            slots.push(Slot::Gen(g, Some(i)));
        } else {
            summary.removed.push(o.name.clone());
        }
    }
    for (g, sheet) in gen_book.sheets.iter().enumerate() {
        if !placed[g] {
            summary.added.push(sheet.name.clone());
            slots.push(Slot::Gen(g, None));
        }
    }
    Ok((slots, summary))
}

impl Removal {
    /// Parts that go away with dangol's old sheets: whatever only they reach; and Excel's
    /// calculation chain when it names a removed sheet (Excel would "repair" the file; it
    /// rebuilds the chain).
    fn plan<R: Read + Seek>(
        pkg: &mut Package<R>,
        orig: &Book,
        ours: &dyn Fn(&SheetEntry) -> bool,
    ) -> Result<Removal, WritebackError> {
        let removed_sheets: Vec<&SheetEntry> = orig.sheets.iter().filter(|o| ours(o)).collect();
        let removed_parts: HashSet<String> = removed_sheets.iter().map(|s| lc(&s.part)).collect();
        let mut rels_cache: HashMap<String, Rels> = HashMap::new();
        let keep = reach(
            pkg,
            &mut rels_cache,
            orig.root_rels.internal_targets().map(|(_, t)| t).collect(),
            &removed_parts,
        )?;
        let gone = reach(
            pkg,
            &mut rels_cache,
            removed_sheets.iter().map(|s| s.part.clone()).collect(),
            &HashSet::new(),
        )?;
        let mut parts: BTreeSet<String> = gone.difference(&keep).cloned().collect();
        for p in parts.clone() {
            let r = lc(&rels_path(&p));
            if pkg.has(&r) {
                parts.insert(r);
            }
        }
        let removed_ids: HashSet<u32> = removed_sheets.iter().map(|s| s.sheet_id).collect();
        let mut rels: Vec<String> = removed_sheets.iter().map(|s| s.rid.clone()).collect();
        if let Some(rel) = orig.wb_rels.by_type_suffix("/calcChain") {
            let part = resolve(&orig.wb_part, &rel.target);
            if let Some(doc) = pkg.read(&part)?
                && calc_chain_mentions(&doc, &part, &removed_ids)?
            {
                parts.insert(lc(&part));
                rels.push(rel.id.clone());
            }
        }
        Ok(Removal { keep, parts, rels })
    }
}

/// Part names (lower-case) the generated parts must not take: every part that stays, every
/// content-type override (one can outlive its part: some writers leave them behind, and reusing
/// such a name would give the new part two overrides), and `docProps/custom.xml` when dangol
/// adds it.
fn used_names<R: Read + Seek>(
    pkg: &Package<R>,
    orig: &Book,
    removed: &BTreeSet<String>,
    custom_is_new: bool,
) -> Result<HashSet<String>, WritebackError> {
    let mut used: HashSet<String> = pkg
        .names
        .iter()
        .map(|n| lc(n))
        .filter(|n| !removed.contains(n))
        .collect();
    used.extend(
        orig.content_types
            .root
            .children_named("Override")
            .filter_map(|el| el.attr("PartName"))
            .map(|p| p.trim_start_matches('/').to_lowercase())
            .filter(|p| !removed.contains(p)),
    );
    if custom_is_new {
        if used.contains(&lc(CUSTOM_PART)) {
            return Err(WritebackError::malformed(
                CUSTOM_PART,
                "exists but is not the package's custom properties part",
            ));
        }
        used.insert(lc(CUSTOM_PART));
    }
    Ok(used)
}

/// The styles merge: the generated workbook's formats appended to the owner's.
fn styles_of<R: Read + Seek>(
    pkg: &mut Package<R>,
    gpkg: &mut Package<Cursor<&[u8]>>,
    orig: &Book,
    gen_book: &Book,
) -> Result<StyleMerge, WritebackError> {
    let styles_orig = match &orig.styles_part {
        Some(p) => Some(pkg.read_required(p)?),
        None => None,
    };
    match (&styles_orig, &gen_book.styles_part) {
        (Some(o), Some(g)) => merge_styles(o, &gpkg.read_required(g)?),
        (_, None) => Ok(StyleMerge {
            xf: Vec::new(),
            dxf: Vec::new(),
            doc: None,
        }),
        (None, Some(_)) => Err(WritebackError::malformed(&orig.wb_part, NO_STYLES)),
    }
}

/// Table ids and names already taken in the owner's workbook (ids and names must be unique
/// across the workbook, names also among defined names).
fn taken_table_names<R: Read + Seek>(
    pkg: &mut Package<R>,
    orig: &Book,
    keep: &BTreeSet<String>,
) -> Result<(BTreeSet<u64>, HashSet<String>), WritebackError> {
    let mut table_ids: BTreeSet<u64> = BTreeSet::new();
    let mut taken_names: HashSet<String> =
        orig.defined_names().into_iter().map(|n| lc(&n)).collect();
    for part in keep {
        if orig
            .content_types
            .of(part)
            .is_some_and(|t| t.ends_with("table+xml"))
            && let Some(doc) = pkg.read(part)?
        {
            let root = xml::parse(&doc, part)?;
            if let Some(id) = root.attr("id").and_then(|v| v.parse().ok()) {
                table_ids.insert(id);
            }
            for key in ["name", "displayName"] {
                if let Some(n) = root.attr(key) {
                    taken_names.insert(lc(n));
                }
            }
        }
    }
    Ok((table_ids, taken_names))
}

/// The generated parts under their new names: sheets with their styles and shared strings
/// mapped into the owner's, tables given free ids and names, relationships rebuilt; and the
/// content types they need that the owner's package does not have.
#[allow(clippy::too_many_arguments)] // the pieces of one plan, each computed once above
fn new_parts<R: Read + Seek>(
    pkg: &mut Package<R>,
    gpkg: &mut Package<Cursor<&[u8]>>,
    orig: &Book,
    gen_book: &Book,
    removal: &Removal,
    order: &[String],
    names: &BTreeMap<String, String>,
    grels: &HashMap<String, Rels>,
    style: &StyleMerge,
) -> Result<NewParts, WritebackError> {
    let sst = match &gen_book.sst_part {
        Some(p) => shared_strings(&gpkg.read_required(p)?, p)?,
        None => Vec::new(),
    };
    let (mut table_ids, mut taken_names) = taken_table_names(pkg, orig, &removal.keep)?;
    let sheet_parts: HashSet<&str> = gen_book.sheets.iter().map(|s| s.part.as_str()).collect();
    let mut new = NewParts {
        parts: Vec::new(),
        ct_defaults: Vec::new(),
        ct_overrides: Vec::new(),
    };
    for gpart in order {
        let new_name = &names[gpart];
        let bytes = gpkg.read_required(gpart)?;
        let ctype = gen_book.content_types.of(gpart).ok_or_else(|| {
            WritebackError::malformed(gpart, "generated part has no content type")
        })?;
        let bytes = if sheet_parts.contains(gpart.as_str()) {
            transform_sheet(&bytes, gpart, style, &sst)?
        } else if ctype.ends_with("table+xml") {
            transform_table(&bytes, gpart, style, &mut table_ids, &mut taken_names)?
        } else {
            bytes
        };
        new.parts.push((new_name.clone(), bytes));
        if let Some(rels) = grels.get(gpart).filter(|r| !r.list.is_empty()) {
            new.parts
                .push((rels_path(new_name), rebuild_rels(rels, new_name, names)));
        }
        let ext = new_name.rsplit_once('.').map_or("", |(_, e)| e);
        if gen_book.content_types.override_of(gpart).is_some() {
            new.ct_overrides.push((new_name.clone(), ctype));
        } else {
            match orig.content_types.default_for(ext) {
                Some(t) if t == ctype => {}
                Some(_) => new.ct_overrides.push((new_name.clone(), ctype)),
                None => {
                    if !new
                        .ct_defaults
                        .iter()
                        .any(|(e, _)| e.eq_ignore_ascii_case(ext))
                    {
                        new.ct_defaults.push((ext.to_string(), ctype));
                    }
                }
            }
        }
    }
    Ok(new)
}

/// The workbook's relationships: the dropped ones spliced out, the generated sheets' added.
fn workbook_rels_doc(
    orig: &Book,
    dropped: &[String],
    added: &[(String, String, String)],
) -> Result<Vec<u8>, WritebackError> {
    let root = orig
        .wb_rels
        .root
        .as_ref()
        .ok_or_else(|| WritebackError::malformed(&orig.wb_rels.path, "missing"))?;
    let mut sp = Splices::default();
    for r in &orig.wb_rels.list {
        if dropped.contains(&r.id) {
            sp.remove(r.el.outer());
        }
    }
    let p = root.prefix();
    let added: String = added
        .iter()
        .map(|(id, typ, target)| {
            start_tag(
                &format!("{p}Relationship"),
                &[("Id", id.as_str()), ("Type", typ), ("Target", target)],
                true,
            )
        })
        .collect();
    append_children(&mut sp, root, &added, None);
    sp.apply(&orig.wb_rels.doc, &orig.wb_rels.path)
}

/// `[Content_Types].xml`: overrides of removed parts spliced out; the custom properties part
/// (when new) and the generated parts' defaults and overrides added.
fn content_types_doc(
    orig: &Book,
    removed: &BTreeSet<String>,
    custom_is_new: bool,
    new: &NewParts,
) -> Result<Vec<u8>, WritebackError> {
    let ct = &orig.content_types;
    let mut sp = Splices::default();
    for el in ct.root.children_named("Override") {
        let part = el
            .attr("PartName")
            .unwrap_or_default()
            .trim_start_matches('/');
        if removed.contains(&lc(part)) {
            sp.remove(el.outer());
        }
    }
    let p = ct.root.prefix();
    let mut added = String::new();
    if custom_is_new {
        added.push_str(&start_tag(
            &format!("{p}Override"),
            &[
                ("PartName", format!("/{CUSTOM_PART}").as_str()),
                ("ContentType", CT_CUSTOM_PROPS),
            ],
            true,
        ));
    }
    for (ext, t) in &new.ct_defaults {
        added.push_str(&start_tag(
            &format!("{p}Default"),
            &[("Extension", ext.as_str()), ("ContentType", t)],
            true,
        ));
    }
    for (part, t) in &new.ct_overrides {
        added.push_str(&start_tag(
            &format!("{p}Override"),
            &[
                ("PartName", format!("/{part}").as_str()),
                ("ContentType", t),
            ],
            true,
        ));
    }
    append_children(&mut sp, &ct.root, &added, None);
    sp.apply(&ct.doc, CONTENT_TYPES)
}

/// `_rels/.rels` with a relationship to the new custom properties part.
fn root_rels_with_custom(orig: &Book) -> Result<Vec<u8>, WritebackError> {
    let root = orig
        .root_rels
        .root
        .as_ref()
        .ok_or_else(|| WritebackError::malformed("_rels/.rels", "missing"))?;
    let mut sp = Splices::default();
    let id = free_rid(
        &orig
            .root_rels
            .list
            .iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>(),
    );
    append_children(
        &mut sp,
        root,
        &start_tag(
            &format!("{}Relationship", root.prefix()),
            &[
                ("Id", id.as_str()),
                ("Type", REL_CUSTOM_PROPS),
                ("Target", CUSTOM_PART),
            ],
            true,
        ),
        None,
    );
    sp.apply(&orig.root_rels.doc, "_rels/.rels")
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    /// A user sheet, by its index in the original.
    Kept(usize),
    /// A generated sheet (index in the generated workbook), replacing dangol's old sheet at
    /// this original index if any.
    Gen(usize, Option<usize>),
}

#[derive(Debug, Clone)]
struct SheetEntry {
    name: String,
    sheet_id: u32,
    rid: String,
    part: String,
    rel_type: String,
    el: El,
}

/// The workbook-level parts of a package, parsed.
struct Book {
    content_types: ContentTypes,
    root_rels: Rels,
    wb_part: String,
    wb_doc: Vec<u8>,
    wb_root: El,
    wb_rels: Rels,
    sheets: Vec<SheetEntry>,
    styles_part: Option<String>,
    sst_part: Option<String>,
    custom_part: Option<String>,
    custom: Option<(Vec<u8>, El)>,
    recorded: Vec<String>,
}

impl Book {
    fn read<R: Read + Seek>(pkg: &mut Package<R>) -> Result<Self, WritebackError> {
        let content_types = ContentTypes::parse(pkg.read_required(CONTENT_TYPES)?)?;
        let root_rels = pkg.rels("")?;
        let wb_part = root_rels
            .by_type_suffix("/officeDocument")
            .map(|r| resolve("", &r.target))
            .ok_or_else(|| WritebackError::malformed("_rels/.rels", "no workbook relationship"))?;
        let wb_part = pkg.actual_name(&wb_part).unwrap_or(&wb_part).to_string();
        let wb_doc = pkg.read_required(&wb_part)?;
        let wb_root = xml::parse(&wb_doc, &wb_part)?;
        let wb_rels = pkg.rels(&wb_part)?;
        let sheets_el = wb_root
            .child("sheets")
            .ok_or_else(|| WritebackError::malformed(&wb_part, "no <sheets>"))?;
        let mut sheets = Vec::new();
        for el in sheets_el.children_named("sheet") {
            let name = el.attr("name").unwrap_or_default().to_string();
            let rid = el.attr_local("id").unwrap_or_default().to_string();
            let rel = wb_rels.by_id(&rid).ok_or_else(|| {
                WritebackError::malformed(&wb_part, format!("sheet \"{name}\" has no relationship"))
            })?;
            let part = resolve(&wb_part, &rel.target);
            let part = pkg.actual_name(&part).unwrap_or(&part).to_string();
            sheets.push(SheetEntry {
                sheet_id: el.attr("sheetId").and_then(|v| v.parse().ok()).unwrap_or(0),
                rel_type: rel.typ.clone(),
                name,
                rid,
                part,
                el: el.clone(),
            });
        }
        let find = |pkg: &Package<R>, rels: &Rels, source: &str, suffix: &str| {
            rels.by_type_suffix(suffix).map(|r| {
                let p = resolve(source, &r.target);
                pkg.actual_name(&p).map_or(p, ToString::to_string)
            })
        };
        let styles_part = find(pkg, &wb_rels, &wb_part, "/styles");
        let sst_part = find(pkg, &wb_rels, &wb_part, "/sharedStrings");
        let custom_part = find(pkg, &root_rels, "", "/custom-properties");
        let custom = match &custom_part {
            Some(p) => {
                let doc = pkg.read_required(p)?;
                let root = xml::parse(&doc, p)?;
                Some((doc, root))
            }
            None => None,
        };
        let recorded = match &custom {
            Some((doc, root)) => recorded_names(doc, root, custom_part.as_deref().unwrap_or(""))?,
            None => Vec::new(),
        };
        Ok(Book {
            content_types,
            root_rels,
            wb_part,
            wb_doc,
            wb_root,
            wb_rels,
            sheets,
            styles_part,
            sst_part,
            custom_part,
            custom,
            recorded,
        })
    }

    fn defined_names(&self) -> Vec<String> {
        self.wb_root
            .child("definedNames")
            .map(|d| {
                d.children_named("definedName")
                    .filter_map(|n| n.attr("name").map(ToString::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The sheets dangol generated in this workbook, as recorded in its [`GENERATED_PROPERTY`]
/// (empty for a workbook dangol never wrote). Reads only the package's small index parts.
pub fn generated_sheets<R: Read + Seek>(reader: R) -> Result<Vec<String>, WritebackError> {
    generated_sheets_with(reader, &crate::ingest::guard::Limits::from_env())
}

/// [`generated_sheets`], checking the package against `limits`.
pub fn generated_sheets_with<R: Read + Seek>(
    reader: R,
    limits: &crate::ingest::guard::Limits,
) -> Result<Vec<String>, WritebackError> {
    let mut pkg = Package::open(reader, limits)?;
    Ok(Book::read(&mut pkg)?.recorded)
}

/// The sheet names listed in the [`GENERATED_PROPERTY`] custom property.
fn recorded_names(doc: &[u8], root: &El, part: &str) -> Result<Vec<String>, WritebackError> {
    let Some(prop) = root
        .children_named("property")
        .find(|p| p.attr("name") == Some(GENERATED_PROPERTY))
    else {
        return Ok(Vec::new());
    };
    let text = prop
        .children
        .first()
        .map(|v| v.text(doc))
        .unwrap_or_default();
    // A list dangol cannot read is an error, not an empty list: guessing here could turn a
    // sheet of dangol's into a "user sheet" or the other way round.
    serde_json::from_str(&text).map_err(|e| {
        WritebackError::malformed(
            part,
            format!("property {GENERATED_PROPERTY} is not a list of sheet names: {e}"),
        )
    })
}

/// The custom properties part with the [`GENERATED_PROPERTY`] set to `value`.
fn custom_properties(
    existing: Option<&(Vec<u8>, El)>,
    value: &str,
) -> Result<Vec<u8>, WritebackError> {
    let value = quick_xml::escape::escape(value);
    let Some((doc, root)) = existing else {
        return Ok(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"{NS_CUSTOM}\" xmlns:vt=\"{NS_VT}\"><property fmtid=\"{FMTID}\" pid=\"2\" name=\"{GENERATED_PROPERTY}\"><vt:lpwstr>{value}</vt:lpwstr></property></Properties>"
        )
        .into_bytes());
    };
    let p = root.prefix();
    let (vt, decl) = match prefix_for(root, NS_VT) {
        Some(vt) => (vt, String::new()),
        None => ("vt:".to_string(), format!(" xmlns:vt=\"{NS_VT}\"")),
    };
    let property = |pid: &str| {
        format!(
            "<{p}property fmtid=\"{FMTID}\" pid=\"{pid}\" name=\"{GENERATED_PROPERTY}\"{decl}><{vt}lpwstr>{value}</{vt}lpwstr></{p}property>"
        )
    };
    let mut sp = Splices::default();
    if let Some(old) = root
        .children_named("property")
        .find(|el| el.attr("name") == Some(GENERATED_PROPERTY))
    {
        let pid = old.attr("pid").unwrap_or("2").to_string();
        sp.replace(old.outer(), property(&pid));
    } else {
        let pid = root
            .children_named("property")
            .filter_map(|el| el.attr("pid")?.parse::<u32>().ok())
            .max()
            .unwrap_or(1)
            .max(1)
            + 1;
        append_children(&mut sp, root, &property(&pid.to_string()), None);
    }
    sp.apply(doc, CUSTOM_PART)
}

/// Every part reachable from `start` through internal relationships, never entering `skip`
/// (lower-case names).
fn reach<R: Read + Seek>(
    pkg: &mut Package<R>,
    cache: &mut HashMap<String, Rels>,
    start: Vec<String>,
    skip: &HashSet<String>,
) -> Result<BTreeSet<String>, WritebackError> {
    let mut seen = BTreeSet::new();
    let mut todo = start;
    while let Some(part) = todo.pop() {
        let key = part.to_lowercase();
        if skip.contains(&key) || !pkg.has(&part) || !seen.insert(key.clone()) {
            continue;
        }
        if !cache.contains_key(&key) {
            let rels = pkg.rels(pkg.actual_name(&part).unwrap_or(&part).to_string().as_str())?;
            cache.insert(key.clone(), rels);
        }
        todo.extend(cache[&key].internal_targets().map(|(_, t)| t));
    }
    Ok(seen)
}

/// Whether `xl/calcChain.xml` lists a cell of one of the sheets with these ids.
fn calc_chain_mentions(doc: &[u8], part: &str, ids: &HashSet<u32>) -> Result<bool, WritebackError> {
    if ids.is_empty() {
        return Ok(false);
    }
    let mut reader = quick_xml::Reader::from_reader(doc);
    loop {
        match reader
            .read_event()
            .map_err(|e| WritebackError::malformed(part, e.to_string()))?
        {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "c" => {
                // `i` is omitted when it repeats the previous cell's sheet, so only the
                // cells that carry it need checking.
                if let Some((_, v)) = attrs_of(&e, part)?.into_iter().find(|(k, _)| k == "i")
                    && v.parse::<u32>().is_ok_and(|i| ids.contains(&i))
                {
                    return Ok(true);
                }
            }
            Event::Eof => return Ok(false),
            _ => {}
        }
    }
}

/// Gives `gpart` and everything it reaches a free part name.
fn assign<R: Read + Seek>(
    gpkg: &mut Package<R>,
    gpart: &str,
    used: &mut HashSet<String>,
    names: &mut BTreeMap<String, String>,
    order: &mut Vec<String>,
    grels: &mut HashMap<String, Rels>,
) -> Result<(), WritebackError> {
    if names.contains_key(gpart) {
        return Ok(());
    }
    if !gpkg.has(gpart) {
        return Err(WritebackError::malformed(
            gpart,
            "generated part is missing",
        ));
    }
    names.insert(gpart.to_string(), free_name(gpart, used));
    order.push(gpart.to_string());
    let rels = gpkg.rels(gpart)?;
    let targets: Vec<String> = rels.internal_targets().map(|(_, t)| t).collect();
    grels.insert(gpart.to_string(), rels);
    for t in targets {
        assign(gpkg, &t, used, names, order, grels)?;
    }
    Ok(())
}

/// `xl/tables/table1.xml` → the first of `xl/tables/table1.xml`, `table2.xml`, … not in use.
fn free_name(part: &str, used: &mut HashSet<String>) -> String {
    let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
    let (stem, ext) = match file.rsplit_once('.') {
        Some((s, e)) => (s, format!(".{e}")),
        None => (file, String::new()),
    };
    let prefix = stem.trim_end_matches(|c: char| c.is_ascii_digit());
    let sep = if dir.is_empty() { "" } else { "/" };
    for n in 1..=u32::MAX {
        let cand = format!("{dir}{sep}{prefix}{n}{ext}");
        let key = cand.to_lowercase();
        if !used.contains(&key) && !used.contains(&rels_path(&key)) {
            used.insert(key);
            return cand;
        }
    }
    unreachable!("u32 names exhausted")
}

fn free_rid(taken: &[String]) -> String {
    (1..=u32::MAX)
        .map(|n| format!("rId{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_default()
}

/// A generated part's relationships with targets pointing at the renamed parts.
fn rebuild_rels(rels: &Rels, new_source: &str, names: &BTreeMap<String, String>) -> Vec<u8> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for r in &rels.list {
        let target = if r.external {
            r.target.clone()
        } else {
            let old = resolve(&rels.source, &r.target);
            names
                .get(&old)
                .map_or_else(|| r.target.clone(), |new| relative(new_source, new))
        };
        let mut attrs = vec![
            ("Id", r.id.clone()),
            ("Type", r.typ.clone()),
            ("Target", target),
        ];
        if r.external {
            attrs.push(("TargetMode", "External".to_string()));
        }
        out.push_str(&start_tag("Relationship", &attrs, true));
    }
    out.push_str("</Relationships>");
    out.into_bytes()
}

/// The `<si>` contents of a shared strings part, raw.
fn shared_strings(doc: &[u8], part: &str) -> Result<Vec<Vec<u8>>, WritebackError> {
    let root = xml::parse(doc, part)?;
    Ok(root
        .children_named("si")
        .map(|si| doc[si.inner()].to_vec())
        .collect())
}

fn map_index(v: &str, map: &[u32], part: &str, what: &str) -> Result<String, WritebackError> {
    v.parse::<usize>()
        .ok()
        .and_then(|i| map.get(i))
        .map(ToString::to_string)
        .ok_or_else(|| WritebackError::malformed(part, format!("{what} index {v} out of range")))
}

/// A generated sheet with style indices remapped, shared strings made inline and the tab
/// not selected (two selected tabs would group the sheets in Excel). Unchanged bytes are
/// copied as they are; only the tags that change are written anew.
fn transform_sheet(
    doc: &[u8],
    part: &str,
    style: &StyleMerge,
    sst: &[Vec<u8>],
) -> Result<Vec<u8>, WritebackError> {
    let bom = xml::bom_len(doc);
    let mut reader = quick_xml::Reader::from_reader(&doc[bom..]);
    let mut out = Vec::with_capacity(doc.len() + doc.len() / 4);
    let mut copied = 0usize;
    loop {
        let before = reader.buffer_position() as usize + bom;
        let event = reader
            .read_event()
            .map_err(|e| WritebackError::malformed(part, e.to_string()))?;
        let after = reader.buffer_position() as usize + bom;
        let (e, empty) = match event {
            Event::Eof => break,
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            _ => continue,
        };
        let local = e.local_name();
        let name = e.name().as_ref().to_string();
        let mut attrs = attrs_of(&e, part)?;
        let changed = remap_attrs(local.as_ref(), &mut attrs, style, part)?;
        let is_sst = attrs.iter().any(|(k, v)| k == "t" && v == "s");
        if local.as_ref() == "c" && is_sst && !empty {
            let (index, end) = shared_index(&mut reader, part, bom)?;
            let si = index
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| sst.get(i))
                .ok_or_else(|| {
                    WritebackError::malformed(part, format!("shared string {index} missing"))
                })?;
            set_attr(&mut attrs, "t", Some("inlineStr".to_string()));
            out.extend_from_slice(&doc[copied..before]);
            out.extend_from_slice(start_tag(&name, &attrs, false).as_bytes());
            out.extend_from_slice(b"<is>");
            out.extend_from_slice(si);
            out.extend_from_slice(b"</is></c>");
            copied = end;
            continue;
        }
        if changed {
            out.extend_from_slice(&doc[copied..before]);
            out.extend_from_slice(start_tag(&name, &attrs, empty).as_bytes());
            copied = after;
        }
    }
    out.extend_from_slice(&doc[copied..]);
    Ok(out)
}

/// Set (or with `None` remove) an attribute the tag has; whether it had it.
fn set_attr(attrs: &mut Vec<(String, String)>, key: &str, value: Option<String>) -> bool {
    let Some(i) = attrs.iter().position(|(k, _)| k == key) else {
        return false;
    };
    match value {
        Some(v) => attrs[i].1 = v,
        None => {
            attrs.remove(i);
        }
    }
    true
}

/// A generated sheet's tag with its style (`s`, `style`) or differential style (`dxfId`)
/// index remapped to the merged styles, and `tabSelected` dropped; whether it changed.
fn remap_attrs(
    local: &str,
    attrs: &mut Vec<(String, String)>,
    style: &StyleMerge,
    part: &str,
) -> Result<bool, WritebackError> {
    let (key, map, what) = match local {
        "c" | "row" => ("s", &style.xf, "style"),
        "col" => ("style", &style.xf, "style"),
        "cfRule" => ("dxfId", &style.dxf, "dxf"),
        "sheetView" => return Ok(set_attr(attrs, "tabSelected", None)),
        _ => return Ok(false),
    };
    let Some(v) = attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()) else {
        return Ok(false);
    };
    let new = map_index(&v, map, part, what)?;
    Ok(set_attr(attrs, key, Some(new)))
}

/// Read a shared-string cell to its end: the string index from its `<v>` and the document
/// offset just after `</c>`.
fn shared_index(
    reader: &mut quick_xml::Reader<&[u8]>,
    part: &str,
    bom: usize,
) -> Result<(String, usize), WritebackError> {
    let mut index = String::new();
    let mut in_v = false;
    loop {
        match reader
            .read_event()
            .map_err(|err| WritebackError::malformed(part, err.to_string()))?
        {
            Event::Start(v) if v.local_name().as_ref() == "v" => in_v = true,
            Event::End(v) if v.local_name().as_ref() == "v" => in_v = false,
            Event::Text(t) if in_v => {
                index.push_str(&t.into_inner());
            }
            Event::End(c) if c.local_name().as_ref() == "c" => {
                return Ok((index, reader.buffer_position() as usize + bom));
            }
            Event::Eof => {
                return Err(WritebackError::malformed(part, "unclosed cell"));
            }
            _ => {}
        }
    }
}

/// A generated table with a workbook-unique id and name and remapped differential styles.
fn transform_table(
    doc: &[u8],
    part: &str,
    style: &StyleMerge,
    ids: &mut BTreeSet<u64>,
    taken: &mut HashSet<String>,
) -> Result<Vec<u8>, WritebackError> {
    let root = xml::parse(doc, part)?;
    let id = (1..=u64::MAX).find(|i| !ids.contains(i)).unwrap_or(1);
    ids.insert(id);
    let base = root
        .attr("displayName")
        .or_else(|| root.attr("name"))
        .unwrap_or("Table")
        .to_string();
    let mut name = base.clone();
    let mut k = 2;
    while taken.contains(&name.to_lowercase()) {
        name = format!("{base}_{k}");
        k += 1;
    }
    taken.insert(name.to_lowercase());
    let mut sp = Splices::default();
    let mut changes = vec![("id", Some(id.to_string()))];
    if root.attr("name").is_some() {
        changes.push(("name", Some(name.clone())));
    }
    changes.push(("displayName", Some(name)));
    changes.extend(dxf_changes(&root, style, part)?);
    sp.replace(root.start.clone(), root.start_tag_with(&changes));
    let mut stack: Vec<&El> = root.children.iter().collect();
    while let Some(el) = stack.pop() {
        let ch = dxf_changes(el, style, part)?;
        if !ch.is_empty() {
            sp.replace(el.start.clone(), el.start_tag_with(&ch));
        }
        stack.extend(el.children.iter());
    }
    sp.apply(doc, part)
}

fn dxf_changes<'a>(
    el: &'a El,
    style: &StyleMerge,
    part: &str,
) -> Result<Vec<(&'a str, Option<String>)>, WritebackError> {
    el.attrs
        .iter()
        .filter(|(k, _)| k.ends_with("DxfId"))
        .map(|(k, v)| Ok((k.as_str(), Some(map_index(v, &style.dxf, part, "dxf")?))))
        .collect()
}

/// The workbook part with the new sheet list, defined names and views.
fn edit_workbook(
    orig: &Book,
    gen_book: &Book,
    slots: &[Slot],
    gen_rid: &HashMap<usize, String>,
    new_index_of_orig: &dyn Fn(usize) -> Option<usize>,
    new_index_of_gen: &dyn Fn(usize) -> Option<usize>,
    ours: &dyn Fn(&SheetEntry) -> bool,
) -> Result<Vec<u8>, WritebackError> {
    let part = orig.wb_part.as_str();
    let sheets_el = orig
        .wb_root
        .child("sheets")
        .ok_or_else(|| WritebackError::malformed(part, "no <sheets>"))?;
    let mut sp = Splices::default();
    splice_sheet_list(&mut sp, orig, gen_book, slots, gen_rid, ours, sheets_el);
    splice_defined_names(
        &mut sp,
        orig,
        gen_book,
        new_index_of_orig,
        new_index_of_gen,
        ours,
        sheets_el,
    );
    splice_views(&mut sp, orig, new_index_of_orig);
    sp.apply(&orig.wb_doc, part)
}

/// `<sheets>`: each generated sheet in its slot (replacing dangol's old one, or appended), and
/// dangol's old sheets that have no slot any more removed.
fn splice_sheet_list(
    sp: &mut Splices,
    orig: &Book,
    gen_book: &Book,
    slots: &[Slot],
    gen_rid: &HashMap<usize, String>,
    ours: &dyn Fn(&SheetEntry) -> bool,
    sheets_el: &El,
) {
    let p = sheets_el.prefix().to_string();
    let (r, r_decl) = match prefix_for(&orig.wb_root, NS_REL) {
        Some(r) if !r.is_empty() => (r, String::new()),
        _ => ("r:".to_string(), format!(" xmlns:r=\"{NS_REL}\"")),
    };
    let mut next_id = orig.sheets.iter().map(|s| s.sheet_id).max().unwrap_or(0) + 1;
    let mut appended = String::new();
    let sheet_tag = |g: usize, id: u32| {
        let gs = &gen_book.sheets[g];
        let mut attrs = vec![
            ("name".to_string(), gs.name.clone()),
            ("sheetId".to_string(), id.to_string()),
        ];
        if let Some(state) = gs.el.attr("state") {
            attrs.push(("state".to_string(), state.to_string()));
        }
        attrs.push((format!("{r}id"), gen_rid[&g].clone()));
        let tag = start_tag(&format!("{p}sheet"), &attrs, true);
        format!("{}{r_decl}/>", tag.trim_end_matches("/>"))
    };
    for slot in slots {
        match *slot {
            Slot::Kept(_) => {}
            Slot::Gen(g, Some(i)) => {
                let old = &orig.sheets[i];
                sp.replace(old.el.outer(), sheet_tag(g, old.sheet_id));
            }
            Slot::Gen(g, None) => {
                appended.push_str(&sheet_tag(g, next_id));
                next_id += 1;
            }
        }
    }
    for (i, o) in orig.sheets.iter().enumerate() {
        if ours(o)
            && !slots
                .iter()
                .any(|s| matches!(s, Slot::Gen(_, Some(k)) if *k == i))
        {
            sp.remove(o.el.outer());
        }
    }
    append_children(sp, sheets_el, &appended, None);
}

/// Defined names: drop the ones local to dangol's old sheets, renumber the rest, add the
/// generated workbook's that the owner's do not already define.
fn splice_defined_names(
    sp: &mut Splices,
    orig: &Book,
    gen_book: &Book,
    new_index_of_orig: &dyn Fn(usize) -> Option<usize>,
    new_index_of_gen: &dyn Fn(usize) -> Option<usize>,
    ours: &dyn Fn(&SheetEntry) -> bool,
    sheets_el: &El,
) {
    let root = &orig.wb_root;
    let p = sheets_el.prefix().to_string();
    let mut kept_names: Vec<(String, Option<usize>)> = Vec::new();
    let mut any_kept = false;
    let dn = root.child("definedNames");
    if let Some(dn) = dn {
        for d in dn.children_named("definedName") {
            let local = d.attr("localSheetId").and_then(|v| v.parse::<usize>().ok());
            match local {
                Some(l) if orig.sheets.get(l).is_some_and(ours) => sp.remove(d.outer()),
                Some(l) => {
                    any_kept = true;
                    let new = new_index_of_orig(l).unwrap_or(l);
                    if new != l {
                        sp.replace(
                            d.start.clone(),
                            d.start_tag_with(&[("localSheetId", Some(new.to_string()))]),
                        );
                    }
                    kept_names.push((d.attr("name").unwrap_or_default().to_lowercase(), Some(new)));
                }
                None => {
                    any_kept = true;
                    kept_names.push((d.attr("name").unwrap_or_default().to_lowercase(), None));
                }
            }
        }
    }
    let added = generated_names(gen_book, new_index_of_gen, &kept_names);
    match dn {
        Some(dn) if !any_kept && added.is_empty() => sp.remove(dn.outer()),
        Some(dn) => append_children(sp, dn, &added, None),
        None if !added.is_empty() => {
            let at = root
                .children
                .iter()
                .filter(|c| {
                    matches!(
                        c.local(),
                        "sheets" | "functionGroups" | "externalReferences"
                    )
                })
                .map(|c| c.outer().end)
                .max()
                .unwrap_or(sheets_el.outer().end);
            sp.insert(at, format!("<{p}definedNames>{added}</{p}definedNames>"));
        }
        None => {}
    }
}

/// The generated workbook's defined names (renumbered to their new sheets) that `kept` does
/// not already hold, as XML.
fn generated_names(
    gen_book: &Book,
    new_index_of_gen: &dyn Fn(usize) -> Option<usize>,
    kept: &[(String, Option<usize>)],
) -> String {
    let mut added = String::new();
    if let Some(gdn) = gen_book.wb_root.child("definedNames") {
        for d in gdn.children_named("definedName") {
            let local = d
                .attr("localSheetId")
                .and_then(|v| v.parse::<usize>().ok())
                .map(|g| new_index_of_gen(g).unwrap_or(g));
            let key = (d.attr("name").unwrap_or_default().to_lowercase(), local);
            if kept.contains(&key) {
                continue;
            }
            let mut s = d.start_tag_with(&[("localSheetId", local.map(|l| l.to_string()))]);
            if !d.is_empty_tag() {
                s.push_str(&String::from_utf8_lossy(
                    &gen_book.wb_doc[d.start.end..d.end.end],
                ));
            }
            added.push_str(&s);
        }
    }
    added
}

/// Views: the active and first visible tab keep pointing at the same sheet.
fn splice_views(sp: &mut Splices, orig: &Book, new_index_of_orig: &dyn Fn(usize) -> Option<usize>) {
    let Some(views) = orig.wb_root.child("bookViews") else {
        return;
    };
    for v in views.children_named("workbookView") {
        let mut changes = Vec::new();
        for key in ["activeTab", "firstSheet"] {
            if let Some(old) = v.attr(key).and_then(|x| x.parse::<usize>().ok()) {
                let new = new_index_of_orig(old).unwrap_or(0);
                if new != old {
                    changes.push((key, Some(new.to_string())));
                }
            }
        }
        if !changes.is_empty() {
            sp.replace(v.start.clone(), v.start_tag_with(&changes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes `left` bytes, then fails like a full disk.
    struct Full {
        left: usize,
        taken: Vec<u8>,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.left == 0 {
                return Err(std::io::Error::other("No space left on device"));
            }
            let n = buf.len().min(self.left);
            self.left -= n;
            self.taken.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Seek for Full {
        fn seek(&mut self, _: std::io::SeekFrom) -> std::io::Result<u64> {
            Ok(self.taken.len() as u64)
        }
    }

    #[test]
    fn after_the_first_write_error_the_output_takes_nothing_more() {
        let mut w = QuietAfterError {
            inner: Full {
                left: 3,
                taken: Vec::new(),
            },
            failed: false,
            pos: 0,
            end: 0,
        };
        assert_eq!(w.write(b"ab").unwrap(), 2);
        assert!(!w.failed);
        assert_eq!(w.write(b"cd").unwrap(), 1);
        let err = w.write(b"d").unwrap_err();
        assert_eq!(err.to_string(), "No space left on device");
        assert!(w.failed);
        // What the zip writer's clean-up writes afterwards is dropped, without an error.
        assert_eq!(w.write(b"central directory").unwrap(), 17);
        w.flush().unwrap();
        assert_eq!(w.inner.taken, b"abc");
        // Positions go on as if it had been written (the zip writer checks them).
        assert_eq!((w.pos, w.end), (20, 20));
        assert_eq!(w.seek(std::io::SeekFrom::Start(5)).unwrap(), 5);
        assert_eq!(w.stream_position().unwrap(), 5);
        assert_eq!(w.seek(std::io::SeekFrom::End(-1)).unwrap(), 19);
    }

    #[test]
    fn free_names_skip_used() {
        let mut used: HashSet<String> = ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"]
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            free_name("xl/worksheets/sheet1.xml", &mut used),
            "xl/worksheets/sheet3.xml"
        );
        assert_eq!(
            free_name("xl/worksheets/sheet1.xml", &mut used),
            "xl/worksheets/sheet4.xml"
        );
        assert_eq!(
            free_name("xl/media/image1.png", &mut used),
            "xl/media/image1.png"
        );
        assert_eq!(free_rid(&["rId1".into(), "rId3".into()]), "rId2");
    }

    #[test]
    fn custom_property_is_created_then_replaced() {
        let doc = custom_properties(None, r#"["Funnel"]"#).unwrap();
        let text = String::from_utf8(doc.clone()).unwrap();
        assert!(text.ends_with(r#"<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="dangol.generated"><vt:lpwstr>[&quot;Funnel&quot;]</vt:lpwstr></property></Properties>"#), "{text}");
        let root = xml::parse(&doc, "c").unwrap();
        assert_eq!(recorded_names(&doc, &root, "c").unwrap(), ["Funnel"]);
        let again = custom_properties(Some(&(doc.clone(), root)), r#"["Funnel"]"#).unwrap();
        assert_eq!(again, doc);
    }
}
