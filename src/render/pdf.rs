//! The weekly PDF report (SPEC §5): A4, one or two pages, Korean or English, with an
//! embedded Hangul font that printpdf subsets per document. Byte-identical for the same report.

mod canvas;
mod layout;

use std::path::PathBuf;

use printpdf::{
    FontId, OffsetDateTime, ParsedFont, PdfDocument, PdfFont, PdfPage, PdfSaveOptions, Pt,
};

use crate::analysis::weekly::WeeklyReport;
use canvas::{Canvas, Face, PAGE_H, PAGE_W};

/// The embedded font: `NanumGothic` cut down to Hangul, Latin, punctuation and currency signs
/// (`scripts/subset-font.sh`; SIL OFL 1.1, see `assets/fonts/OFL.txt`).
pub const EMBEDDED_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DangolGothic-Regular.ttf");
/// Its bold face, for the title, KPI values and section headings.
pub const EMBEDDED_BOLD: &[u8] = include_bytes!("../../assets/fonts/DangolGothic-Bold.ttf");

/// Which font the report is drawn with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FontSource {
    /// The font built into dangol (Regular and Bold).
    #[default]
    Embedded,
    /// A TTF/OTF file given with `--font` (one face; headings use it too).
    Path(PathBuf),
    /// Font bytes already in memory (one face).
    Bytes(Vec<u8>),
}

/// Why the PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("cannot read font file {path}: {source}")]
    FontRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{what} is not a TrueType/OpenType font printpdf can use")]
    FontParse { what: String },
    #[error("cannot write the PDF: {message}")]
    Write { message: String },
    #[error("the report needs {pages} pages; at most 2 are allowed")]
    TooManyPages { pages: usize },
}

fn parse_font(bytes: &[u8], what: &str) -> Result<ParsedFont, PdfError> {
    ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or_else(|| PdfError::FontParse {
        what: what.to_string(),
    })
}

/// Where in the report a text the font cannot draw stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    ShopName,
    CustomerName,
    ProductName,
    FunnelStage,
    GradeName,
    QuoteId,
    Label,
}

impl TextKind {
    fn name(self, lang: crate::model::Lang) -> &'static str {
        match self {
            TextKind::ShopName => lang.pick("상점 이름", "shop name"),
            TextKind::CustomerName => lang.pick("고객명", "customer name"),
            TextKind::ProductName => lang.pick("상품명", "product name"),
            TextKind::FunnelStage => lang.pick("퍼널 단계", "funnel stage"),
            TextKind::GradeName => lang.pick("등급명", "grade name"),
            TextKind::QuoteId => lang.pick("견적번호", "quote id"),
            TextKind::Label => lang.pick("라벨", "label"),
        }
    }
}

/// Something the report could not show as given: a fact, worded at the edge in the
/// workbook's language ([`PdfWarning::render`]); `Display` is the English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfWarning {
    /// The font has no glyph for `ch` in `text` (drawn as `?`).
    FontLacks {
        ch: char,
        kind: TextKind,
        text: String,
    },
    /// A table found no room on two pages (`rows` not shown).
    NoRoom { table: &'static str, rows: usize },
    /// A table was cut to fit two pages.
    Cut {
        table: &'static str,
        shown: usize,
        total: usize,
    },
}

impl PdfWarning {
    /// The warning in `lang`.
    pub fn render(&self, lang: crate::model::Lang) -> String {
        use crate::i18n::count;
        match self {
            PdfWarning::FontLacks { ch, kind, text } => crate::msg!(
                lang,
                FontLacks,
                ch = ch,
                code = format!("{:04X}", *ch as u32),
                kind = kind.name(lang),
                text = format!("{text:?}")
            ),
            PdfWarning::NoRoom { table, rows } => crate::msg!(
                lang,
                PdfNoRoom,
                table = layout::table_name(table, lang),
                rows = count(rows)
            ),
            PdfWarning::Cut {
                table,
                shown,
                total,
            } => crate::msg!(
                lang,
                PdfCut,
                table = layout::table_name(table, lang),
                shown = count(shown),
                total = count(total)
            ),
        }
    }
}

impl std::fmt::Display for PdfWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(crate::model::Lang::En))
    }
}

/// Render the weekly report. Returns the PDF bytes and warnings (characters the font lacks,
/// tables cut to fit two pages); a warning never stops the report.
pub fn render_weekly_pdf(
    report: &WeeklyReport,
    font: &FontSource,
) -> Result<(Vec<u8>, Vec<PdfWarning>), PdfError> {
    let (regular, bold) = match font {
        FontSource::Embedded => (
            parse_font(EMBEDDED_REGULAR, "the embedded font")?,
            Some(parse_font(EMBEDDED_BOLD, "the embedded bold font")?),
        ),
        FontSource::Path(p) => {
            let bytes = std::fs::read(p).map_err(|source| PdfError::FontRead {
                path: p.clone(),
                source,
            })?;
            (parse_font(&bytes, &p.display().to_string())?, None)
        }
        FontSource::Bytes(b) => (parse_font(b, "the given font")?, None),
    };
    // Fixed resource names (printpdf would draw random ones) keep the output byte-identical.
    let (rid, bid) = (FontId("F1".into()), FontId("F2".into()));
    let mut doc = PdfDocument::new("");
    doc.resources
        .fonts
        .map
        .insert(rid.clone(), PdfFont::new(regular.clone()));
    if let Some(b) = &bold {
        doc.resources
            .fonts
            .map
            .insert(bid.clone(), PdfFont::new(b.clone()));
    }
    let mut canvas = Canvas::new(Face::new(rid, regular), bold.map(|b| Face::new(bid, b)));

    let clean = layout::clean_report(report, &mut canvas);
    layout::draw(&clean, &mut canvas);
    if canvas.page_count() > 2 {
        return Err(PdfError::TooManyPages {
            pages: canvas.page_count(),
        });
    }

    let info = &mut doc.metadata.info;
    info.document_title = layout::document_title(&clean);
    info.creator = "dangol".into();
    info.producer = format!("dangol {} (printpdf 0.12.8)", env!("CARGO_PKG_VERSION"));
    // Dates pinned to the as-of day so the same data gives the same bytes.
    let ts = report
        .as_of
        .and_hms_opt(0, 0, 0)
        .map_or(0, |d| d.and_utc().timestamp());
    // (Out-of-range dates keep printpdf's default, the Unix epoch: still fixed.)
    if let Ok(date) = OffsetDateTime::from_unix_timestamp(ts) {
        info.creation_date = date;
        info.modification_date = date;
        info.metadata_date = date;
    }

    let pages = std::mem::take(&mut canvas.pages)
        .into_iter()
        .map(|ops| PdfPage::new(Pt(PAGE_W).into(), Pt(PAGE_H).into(), ops))
        .collect();
    doc.with_pages(pages);

    let mut pdf_warnings = Vec::new();
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut lo = doc.to_lopdf_document(&opts, &mut pdf_warnings);
    tag_subset_fonts(&mut lo);
    // printpdf writes a random trailer /ID; derive it from the content instead.
    set_id(&mut lo, b"0");
    let mut probe = Vec::new();
    let _ = lo.clone().save_to(&mut probe);
    let id = content_id(&probe);
    set_id(&mut lo, id.as_bytes());
    lo.compress();
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| PdfError::Write {
        message: e.to_string(),
    })?;
    Ok((bytes, canvas.warnings))
}

/// Whether `b` is a subset tag of PDF 32000 §9.6.4: six capital letters.
fn is_subset_tag(b: &[u8]) -> bool {
    b.len() == 6 && b.iter().all(u8::is_ascii_uppercase)
}

/// Six capital letters from a hash of `bytes`: the same subset always gets the same tag.
fn subset_tag(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 10)) % 26) as u8))
        .collect()
}

/// printpdf prefixes a subset font's name with its resource name (`F1+DangolGothic-Regular`);
/// PDF 32000 §9.6.4 wants a six-capital-letter tag, or PDF tools report the font as not
/// subset. Each descriptor's tag becomes one derived from its embedded font program, on every
/// `/BaseFont` and `/FontName` that carries the old name (they must match).
fn tag_subset_fonts(doc: &mut lopdf::Document) {
    use lopdf::Object;
    let mut renames: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for obj in doc.objects.values() {
        let Ok(d) = obj.as_dict() else { continue };
        if d.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        let Ok(name) = d.get(b"FontName").and_then(Object::as_name) else {
            continue;
        };
        let Some(plus) = name.iter().position(|&b| b == b'+') else {
            continue;
        };
        if is_subset_tag(&name[..plus]) {
            continue;
        }
        let program = [b"FontFile2".as_slice(), b"FontFile3", b"FontFile"]
            .iter()
            .find_map(|k| d.get(k).and_then(Object::as_reference).ok())
            .and_then(|id| doc.get_object(id).ok())
            .and_then(|o| o.as_stream().ok())
            .map_or(name, |st| st.content.as_slice());
        let mut new = subset_tag(program).into_bytes();
        new.extend_from_slice(&name[plus..]);
        renames.push((name.to_vec(), new));
    }
    if renames.is_empty() {
        return;
    }
    for obj in doc.objects.values_mut() {
        let d = match obj {
            Object::Dictionary(d) => d,
            Object::Stream(st) => &mut st.dict,
            _ => continue,
        };
        for key in [b"BaseFont".as_slice(), b"FontName"] {
            if let Ok(Object::Name(n)) = d.get_mut(key)
                && let Some((_, new)) = renames.iter().find(|(old, _)| old == n)
            {
                n.clone_from(new);
            }
        }
    }
}

fn set_id(doc: &mut lopdf::Document, id: &[u8]) {
    let s = lopdf::Object::String(id.to_vec(), lopdf::StringFormat::Literal);
    doc.trailer
        .set("ID", lopdf::Object::Array(vec![s.clone(), s]));
}

/// 32 hex digits from two FNV-1a passes over the document: stable and content-dependent.
fn content_id(bytes: &[u8]) -> String {
    let fnv = |seed: u64| {
        bytes.iter().fold(seed, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x8422_2325_cbf2_9ce4)
    )
}
