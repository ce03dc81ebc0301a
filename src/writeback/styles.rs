//! Merging style records into the owner's `xl/styles.xml`: records are only ever appended
//! (an identical existing record is reused instead), so every index the owner's cells use keeps
//! pointing at the same record.

use std::collections::BTreeMap;

use super::WritebackError;
use super::xml::{self, El, Splices, append_children};

const PART: &str = "xl/styles.xml";

/// Schema order of the `styleSheet` children, to place a collection that has to be created.
const ORDER: [&str; 12] = [
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
    "",
];

/// The ISO date format dangol writes dates with.
pub(crate) const DATE_FORMAT: &str = "yyyy\\-mm\\-dd";

/// Index maps from a generated workbook's style records to the merged ones.
#[derive(Debug)]
pub(crate) struct StyleMerge {
    pub xf: Vec<u32>,
    pub dxf: Vec<u32>,
    /// The merged `styles.xml`, or `None` when nothing had to be appended.
    pub doc: Option<Vec<u8>>,
}

/// Appends records to one styles document and remembers what is there.
struct Editor<'a> {
    doc: &'a [u8],
    root: &'a El,
    prefix: String,
    /// collection → records already present (raw bytes) + appended (serialised)
    records: BTreeMap<&'static str, (usize, Vec<String>)>,
    appended: BTreeMap<&'static str, Vec<String>>,
    numfmts: Vec<(u32, String)>,
}

impl<'a> Editor<'a> {
    fn new(doc: &'a [u8], root: &'a El) -> Self {
        let prefix = root.prefix().to_string();
        let mut records = BTreeMap::new();
        for coll in ["fonts", "fills", "borders", "cellXfs", "dxfs"] {
            let list: Vec<String> = root
                .child(coll)
                .map(|c| {
                    c.children
                        .iter()
                        .map(|r| String::from_utf8_lossy(&doc[r.outer()]).into_owned())
                        .collect()
                })
                .unwrap_or_default();
            records.insert(coll, (list.len(), list));
        }
        let numfmts = root
            .child("numFmts")
            .map(|c| {
                c.children_named("numFmt")
                    .filter_map(|n| {
                        Some((
                            n.attr("numFmtId")?.parse().ok()?,
                            n.attr("formatCode")?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Editor {
            doc,
            root,
            prefix,
            records,
            appended: BTreeMap::new(),
            numfmts,
        }
    }

    /// The index of an identical record, appending it when there is none.
    fn index_of(&mut self, coll: &'static str, record: String) -> Result<u32, WritebackError> {
        if !self.prefix.is_empty() {
            return Err(WritebackError::Invalid(format!(
                "{PART} uses the namespace prefix \"{}\"; dangol cannot add styles to it \
                 (open and save the workbook in Excel or LibreOffice first)",
                self.prefix
            )));
        }
        let (_, list) = self.records.entry(coll).or_insert((0, Vec::new()));
        if let Some(i) = list.iter().position(|r| *r == record) {
            return Ok(i as u32);
        }
        list.push(record.clone());
        self.appended.entry(coll).or_default().push(record);
        Ok(list.len() as u32 - 1)
    }

    /// The id of a number format with this code, appending one when there is none.
    fn numfmt_id(&mut self, code: &str) -> u32 {
        if let Some((id, _)) = self.numfmts.iter().find(|(_, c)| c == code) {
            return *id;
        }
        let id = self
            .numfmts
            .iter()
            .map(|(id, _)| *id)
            .max()
            .unwrap_or(163)
            .max(163)
            + 1;
        self.numfmts.push((id, code.to_string()));
        let tag = xml::start_tag(
            &format!("{}numFmt", self.prefix),
            &[
                ("numFmtId", id.to_string()),
                ("formatCode", code.to_string()),
            ],
            true,
        );
        self.appended.entry("numFmts").or_default().push(tag);
        id
    }

    fn record(&self, coll: &str, index: u32) -> Option<&El> {
        self.root.child(coll)?.children.get(index as usize)
    }

    fn format_code(&self, id: u32) -> Option<&str> {
        self.numfmts
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, c)| c.as_str())
    }

    fn finish(self) -> Result<Option<Vec<u8>>, WritebackError> {
        if self.appended.is_empty() {
            return Ok(None);
        }
        let mut splices = Splices::default();
        for (coll, new) in &self.appended {
            let children = new.concat();
            let total = match *coll {
                "numFmts" => self.numfmts.len(),
                c => self.records.get(c).map_or(new.len(), |(_, l)| l.len()),
            };
            if let Some(el) = self.root.child(coll) {
                append_children(&mut splices, el, &children, Some(total));
            } else {
                let rank = ORDER.iter().position(|c| c == coll).unwrap_or(ORDER.len());
                let at = self
                    .root
                    .children
                    .iter()
                    .filter(|c| {
                        ORDER
                            .iter()
                            .position(|o| *o == c.local())
                            .unwrap_or(ORDER.len())
                            < rank
                    })
                    .map(|c| c.outer().end)
                    .max()
                    .unwrap_or(self.root.start.end);
                let name = format!("{}{coll}", self.prefix);
                splices.insert(at, format!("<{name} count=\"{total}\">{children}</{name}>"));
            }
        }
        splices.apply(self.doc, PART).map(Some)
    }
}

/// A record's bytes with some attributes of its start tag changed.
fn rewritten(doc: &[u8], el: &El, changes: &[(&str, Option<String>)]) -> String {
    let mut s = el.start_tag_with(changes);
    if !el.is_empty_tag() {
        s.push_str(&String::from_utf8_lossy(&doc[el.start.end..el.end.end]));
    }
    s
}

fn raw(doc: &[u8], el: &El) -> String {
    String::from_utf8_lossy(&doc[el.outer()]).into_owned()
}

/// Appends the generated workbook's style records to the original's (reusing identical ones)
/// and returns how the generated indices map.
pub(crate) fn merge_styles(orig: &[u8], generated: &[u8]) -> Result<StyleMerge, WritebackError> {
    let root = xml::parse(orig, PART)?;
    let groot = xml::parse(generated, "generated styles.xml")?;
    let mut ed = Editor::new(orig, &root);

    let mut numfmt_map: BTreeMap<u32, u32> = BTreeMap::new();
    if let Some(c) = groot.child("numFmts") {
        for n in c.children_named("numFmt") {
            let (Some(id), Some(code)) = (n.attr("numFmtId"), n.attr("formatCode")) else {
                continue;
            };
            let id: u32 = id
                .parse()
                .map_err(|_| WritebackError::malformed("generated styles.xml", "bad numFmtId"))?;
            numfmt_map.insert(id, ed.numfmt_id(code));
        }
    }
    let mut maps: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for coll in ["fonts", "fills", "borders"] {
        let mut map = Vec::new();
        if let Some(c) = groot.child(coll) {
            for r in &c.children {
                map.push(ed.index_of(coll, raw(generated, r))?);
            }
        }
        maps.insert(coll, map);
    }
    let remap = |v: Option<&str>, map: &[u32]| -> Option<String> {
        let i: usize = v?.parse().ok()?;
        Some(map.get(i).copied().unwrap_or(0).to_string())
    };
    let mut xf = Vec::new();
    if let Some(c) = groot.child("cellXfs") {
        for r in &c.children {
            let mut changes: Vec<(&str, Option<String>)> = Vec::new();
            if let Some(id) = r.attr("numFmtId").and_then(|v| v.parse::<u32>().ok())
                && let Some(new) = numfmt_map.get(&id)
            {
                changes.push(("numFmtId", Some(new.to_string())));
            }
            for (attr, coll) in [
                ("fontId", "fonts"),
                ("fillId", "fills"),
                ("borderId", "borders"),
            ] {
                if let Some(v) = remap(r.attr(attr), &maps[coll]) {
                    changes.push((attr, Some(v)));
                }
            }
            xf.push(ed.index_of("cellXfs", rewritten(generated, r, &changes))?);
        }
    }
    let mut dxf = Vec::new();
    if let Some(c) = groot.child("dxfs") {
        for r in &c.children {
            dxf.push(ed.index_of("dxfs", raw(generated, r))?);
        }
    }
    Ok(StyleMerge {
        xf,
        dxf,
        doc: ed.finish()?,
    })
}

/// Built-in number formats that show dates (including the East Asian ones Excel maps by
/// locale).
fn builtin_is_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// A format code shows a date when, outside quoted text and `[...]` sections, it has a day or
/// year token.
pub(crate) fn code_is_date(code: &str) -> bool {
    let mut in_quote = false;
    let mut in_bracket = false;
    let mut escaped = false;
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => in_quote = !in_quote,
            '[' if !in_quote => in_bracket = true,
            ']' if !in_quote => in_bracket = false,
            'y' | 'Y' | 'd' | 'D' if !in_quote && !in_bracket => return true,
            _ => {}
        }
    }
    false
}

/// The `cellXfs` index to give a date cell whose current style is `base` (`None`: no `s`): the
/// same index when it already shows dates, otherwise a copy of it with the ISO date format
/// (appended once, then reused). Also returns the new `styles.xml` when it had to change.
pub(crate) fn date_xf(
    orig: &[u8],
    base: Option<u32>,
) -> Result<(u32, Option<Vec<u8>>), WritebackError> {
    let root = xml::parse(orig, PART)?;
    let mut ed = Editor::new(orig, &root);
    let base_el = ed.record("cellXfs", base.unwrap_or(0)).cloned();
    if let Some(el) = &base_el
        && let Some(id) = el.attr("numFmtId").and_then(|v| v.parse::<u32>().ok())
        && (builtin_is_date(id) || ed.format_code(id).is_some_and(code_is_date))
    {
        return Ok((base.unwrap_or(0), None));
    }
    let fmt = ed.numfmt_id(DATE_FORMAT);
    let record = match &base_el {
        Some(el) => rewritten(
            orig,
            el,
            &[
                ("numFmtId", Some(fmt.to_string())),
                ("applyNumberFormat", Some("1".to_string())),
            ],
        ),
        None => format!(
            r#"<xf numFmtId="{fmt}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        ),
    };
    let index = ed.index_of("cellXfs", record)?;
    Ok((index, ed.finish()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIG: &str = r#"<?xml version="1.0"?><styleSheet xmlns="m"><fonts count="1"><font><sz val="11"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>"#;

    #[test]
    fn appends_and_reuses() {
        let generated = r##"<styleSheet xmlns="m"><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0&quot;원&quot;"/></numFmts><fonts count="2"><font><sz val="11"/></font><font><b/><sz val="11"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><dxfs count="0"/></styleSheet>"##;
        let m = merge_styles(ORIG.as_bytes(), generated.as_bytes()).unwrap();
        assert_eq!(m.xf, [0, 1]);
        let doc = String::from_utf8(m.doc.unwrap()).unwrap();
        assert_eq!(
            doc,
            r##"<?xml version="1.0"?><styleSheet xmlns="m"><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0&quot;원&quot;"/></numFmts><fonts count="2"><font><sz val="11"/></font><font><b/><sz val="11"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"##
        );
        // Merging again into the merged document appends nothing.
        let again = merge_styles(doc.as_bytes(), generated.as_bytes()).unwrap();
        assert_eq!(again.xf, [0, 1]);
        assert!(again.doc.is_none());
    }

    #[test]
    fn date_styles() {
        let (i, doc) = date_xf(ORIG.as_bytes(), None).unwrap();
        assert_eq!(i, 1);
        let doc = doc.unwrap();
        let text = String::from_utf8(doc.clone()).unwrap();
        assert!(text.contains(r#"<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts><fonts"#), "{text}");
        assert!(text.contains(r#"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#), "{text}");
        // Already a date style: unchanged.
        assert_eq!(date_xf(&doc, Some(1)).unwrap(), (1, None));
        // The same request again reuses the appended record.
        assert_eq!(date_xf(&doc, Some(0)).unwrap(), (1, None));
        assert!(code_is_date("yyyy-mm-dd"));
        assert!(!code_is_date("#,##0\"d\""));
        assert!(!code_is_date("[Red]0.00"));
    }
}
