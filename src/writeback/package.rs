//! Reading an OPC package (the zip behind `.xlsx`): parts by name, relationships, content
//! types, and copying untouched parts as raw compressed bytes.

use std::collections::HashMap;
use std::io::{Read, Seek, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::WritebackError;
use super::xml::{self, El};
use crate::ingest::guard::Limits;

pub(crate) const NS_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub(crate) const REL_CUSTOM_PROPS: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties";
pub(crate) const CT_CUSTOM_PROPS: &str =
    "application/vnd.openxmlformats-officedocument.custom-properties+xml";
pub(crate) const CONTENT_TYPES: &str = "[Content_Types].xml";

/// An open package: zip entry names in their original order and a case-insensitive index
/// (OPC part names compare without case).
pub(crate) struct Package<R: Read + Seek> {
    pub zip: ZipArchive<R>,
    pub names: Vec<String>,
    index: HashMap<String, usize>,
}

impl<R: Read + Seek> Package<R> {
    /// Open a package after the same pre-flight checks as reading, with the same `limits`: no
    /// bombs, tampered names or DOCTYPEs.
    pub fn open(mut reader: R, limits: &Limits) -> Result<Self, WritebackError> {
        crate::ingest::guard::check_package(&mut reader, limits)
            .map_err(|e| WritebackError::Invalid(e.to_string()))?;
        reader.seek(std::io::SeekFrom::Start(0))?;
        let mut zip = ZipArchive::new(reader)?;
        let mut names = Vec::with_capacity(zip.len());
        let mut index = HashMap::new();
        for i in 0..zip.len() {
            let name = zip.by_index_raw(i)?.name()?.to_string();
            index.insert(name.to_ascii_lowercase(), i);
            names.push(name);
        }
        Ok(Package { zip, names, index })
    }

    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(&name.to_ascii_lowercase())
    }

    /// The real (original-case) entry name of a part.
    pub fn actual_name(&self, name: &str) -> Option<&str> {
        self.index
            .get(&name.to_ascii_lowercase())
            .map(|&i| self.names[i].as_str())
    }

    /// A part's decompressed bytes, or `None` when the package has no such part.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, WritebackError> {
        let Some(&i) = self.index.get(&name.to_ascii_lowercase()) else {
            return Ok(None);
        };
        let f = self.zip.by_index(i)?;
        let declared = f.size();
        // Bounded by the declared size, which the guard checked in `open`.
        crate::ingest::guard::bounded_read(f, name, declared)
            .map(Some)
            .map_err(|e| WritebackError::Invalid(e.to_string()))
    }

    pub fn read_required(&mut self, name: &str) -> Result<Vec<u8>, WritebackError> {
        self.read(name)?
            .ok_or_else(|| WritebackError::malformed(name, "part is missing"))
    }

    /// The relationships of `part` (empty when it has no `.rels` part).
    pub fn rels(&mut self, part: &str) -> Result<Rels, WritebackError> {
        let path = rels_path(part);
        match self.read(&path)? {
            Some(bytes) => Rels::parse(part, &path, bytes),
            None => Ok(Rels {
                source: part.to_string(),
                path,
                doc: Vec::new(),
                root: None,
                list: Vec::new(),
            }),
        }
    }

    /// Copies entry `name` to `out` without decompressing it: same compressed bytes, CRC and
    /// sizes. The entry keeps its timestamp (or 1980-01-01 when it has none that is valid, so
    /// the copy never picks up the current time).
    pub fn raw_copy<W: Write + Seek>(
        &mut self,
        name: &str,
        out: &mut ZipWriter<W>,
    ) -> Result<(), WritebackError> {
        let i = self.index[&name.to_ascii_lowercase()];
        let f = self.zip.by_index_raw(i)?;
        let when = f
            .last_modified()
            .filter(DateTime::is_valid)
            .unwrap_or_default();
        out.raw_copy_file_touch(f, when, None)?;
        Ok(())
    }

    /// The timestamp of an entry, for rewritten parts.
    pub fn modified(&mut self, name: &str) -> DateTime {
        self.index
            .get(&name.to_ascii_lowercase())
            .and_then(|&i| self.zip.by_index_raw(i).ok()?.last_modified())
            .filter(DateTime::is_valid)
            .unwrap_or_default()
    }
}

/// Writes a new (or rewritten) part, deflated, with a fixed timestamp.
pub(crate) fn write_part<W: Write + Seek>(
    out: &mut ZipWriter<W>,
    name: &str,
    bytes: &[u8],
    when: DateTime,
) -> Result<(), WritebackError> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(when)
        .unix_permissions(0o644);
    out.start_file(name, options)?;
    out.write_all(bytes)?;
    Ok(())
}

/// `dir/name` → `dir/_rels/name.rels`.
pub(crate) fn rels_path(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/_rels/{name}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// Resolves a relationship target against the part that holds the relationship.
pub(crate) fn resolve(source: &str, target: &str) -> String {
    let joined = if let Some(abs) = target.strip_prefix('/') {
        abs.to_string()
    } else {
        match source.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{target}"),
            None => target.to_string(),
        }
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The target of `to` written relative to the folder of `from`.
pub(crate) fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = match from.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').collect(),
        None => Vec::new(),
    };
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend_from_slice(&to_parts[common..]);
    out.join("/")
}

/// One relationship.
#[derive(Debug, Clone)]
pub(crate) struct Rel {
    pub id: String,
    pub typ: String,
    pub target: String,
    pub external: bool,
    pub el: El,
}

/// The parsed `.rels` part of a source part.
#[derive(Debug, Clone)]
pub(crate) struct Rels {
    pub source: String,
    pub path: String,
    pub doc: Vec<u8>,
    pub root: Option<El>,
    pub list: Vec<Rel>,
}

impl Rels {
    pub fn parse(source: &str, path: &str, doc: Vec<u8>) -> Result<Self, WritebackError> {
        let root = xml::parse(&doc, path)?;
        let list = root
            .children_named("Relationship")
            .map(|el| Rel {
                id: el.attr("Id").unwrap_or_default().to_string(),
                typ: el.attr("Type").unwrap_or_default().to_string(),
                target: el.attr("Target").unwrap_or_default().to_string(),
                external: el.attr("TargetMode") == Some("External"),
                el: el.clone(),
            })
            .collect();
        Ok(Rels {
            source: source.to_string(),
            path: path.to_string(),
            doc,
            root: Some(root),
            list,
        })
    }

    /// Internal targets as part names, in document order.
    pub fn internal_targets(&self) -> impl Iterator<Item = (&Rel, String)> {
        self.list
            .iter()
            .filter(|r| !r.external)
            .map(|r| (r, resolve(&self.source, &r.target)))
    }

    pub fn by_type_suffix(&self, suffix: &str) -> Option<&Rel> {
        self.list.iter().find(|r| r.typ.ends_with(suffix))
    }

    pub fn by_id(&self, id: &str) -> Option<&Rel> {
        self.list.iter().find(|r| r.id == id)
    }
}

/// `[Content_Types].xml`.
pub(crate) struct ContentTypes {
    pub doc: Vec<u8>,
    pub root: El,
}

impl ContentTypes {
    pub fn parse(doc: Vec<u8>) -> Result<Self, WritebackError> {
        let root = xml::parse(&doc, CONTENT_TYPES)?;
        Ok(ContentTypes { doc, root })
    }

    /// The content type of a part: its Override, or the Default for its extension.
    pub fn of(&self, part: &str) -> Option<String> {
        self.override_of(part)
            .map(|el| el.attr("ContentType").unwrap_or_default().to_string())
            .or_else(|| {
                let ext = part.rsplit_once('.')?.1;
                self.default_for(ext)
            })
    }

    pub fn override_of(&self, part: &str) -> Option<&El> {
        let wanted = format!("/{part}").to_ascii_lowercase();
        self.root
            .children_named("Override")
            .find(|el| el.attr("PartName").map(str::to_ascii_lowercase) == Some(wanted.clone()))
    }

    pub fn default_for(&self, ext: &str) -> Option<String> {
        self.root
            .children_named("Default")
            .find(|el| {
                el.attr("Extension")
                    .is_some_and(|e| e.eq_ignore_ascii_case(ext))
            })
            .map(|el| el.attr("ContentType").unwrap_or_default().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(rels_path("xl/workbook.xml"), "xl/_rels/workbook.xml.rels");
        assert_eq!(
            resolve("xl/worksheets/sheet1.xml", "../tables/table1.xml"),
            "xl/tables/table1.xml"
        );
        assert_eq!(
            resolve("xl/workbook.xml", "/xl/styles.xml"),
            "xl/styles.xml"
        );
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(
            relative("xl/worksheets/sheet3.xml", "xl/tables/table2.xml"),
            "../tables/table2.xml"
        );
        assert_eq!(
            relative("xl/workbook.xml", "xl/worksheets/sheet3.xml"),
            "worksheets/sheet3.xml"
        );
        assert_eq!(relative("", "docProps/custom.xml"), "docProps/custom.xml");
    }
}
