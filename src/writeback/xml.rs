//! A small element tree over an XML part that remembers where every tag sits in the original
//! bytes, so edits can be made as splices and everything not edited stays byte-identical.

use std::ops::Range;

use quick_xml::escape::{escape, unescape};
use quick_xml::events::{BytesStart, Event};

use super::WritebackError;

/// One element: its qualified name, unescaped attributes (in document order) and the byte
/// ranges of its start and end tags. For an empty element (`<a/>`) both ranges are the same.
#[derive(Debug, Clone)]
pub(crate) struct El {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub start: Range<usize>,
    pub end: Range<usize>,
    pub children: Vec<El>,
}

impl El {
    pub fn local(&self) -> &str {
        local_name(&self.name)
    }

    /// The namespace prefix with its colon (`x:`), or empty.
    pub fn prefix(&self) -> &str {
        match self.name.rfind(':') {
            Some(i) => &self.name[..=i],
            None => "",
        }
    }

    /// An attribute by its exact qualified name.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// An attribute by local name, whatever its prefix (`r:id` → `id`).
    pub fn attr_local(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| local_name(k) == local)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_empty_tag(&self) -> bool {
        self.start == self.end
    }

    pub fn outer(&self) -> Range<usize> {
        self.start.start..self.end.end
    }

    pub fn inner(&self) -> Range<usize> {
        self.start.end..self.end.start
    }

    pub fn child(&self, local: &str) -> Option<&El> {
        self.children.iter().find(|c| c.local() == local)
    }

    pub fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.local() == local)
    }

    /// The unescaped text between the tags (for leaf elements such as `<vt:lpwstr>`).
    pub fn text(&self, doc: &[u8]) -> String {
        let raw = String::from_utf8_lossy(&doc[self.inner()]);
        unescape(&raw).map_or_else(|_| raw.to_string(), std::borrow::Cow::into_owned)
    }

    /// The start tag with some attributes replaced, added (at the end) or removed (`None`).
    pub fn start_tag_with(&self, changes: &[(&str, Option<String>)]) -> String {
        let mut attrs = self.attrs.clone();
        for (key, value) in changes {
            match (attrs.iter().position(|(k, _)| k == key), value) {
                (Some(i), Some(v)) => attrs[i].1.clone_from(v),
                (Some(i), None) => {
                    attrs.remove(i);
                }
                (None, Some(v)) => attrs.push(((*key).to_string(), v.clone())),
                (None, None) => {}
            }
        }
        start_tag(&self.name, &attrs, self.is_empty_tag())
    }
}

pub(crate) fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Serialises a start tag (`empty` → `<a .../>`).
pub(crate) fn start_tag<K: AsRef<str>, V: AsRef<str>>(
    name: &str,
    attrs: &[(K, V)],
    empty: bool,
) -> String {
    let mut s = format!("<{name}");
    for (k, v) in attrs {
        s.push(' ');
        s.push_str(k.as_ref());
        s.push_str("=\"");
        s.push_str(&escape(v.as_ref()));
        s.push('"');
    }
    s.push_str(if empty { "/>" } else { ">" });
    s
}

pub(crate) fn attrs_of(
    e: &BytesStart<'_>,
    part: &str,
) -> Result<Vec<(String, String)>, WritebackError> {
    let mut out = Vec::new();
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|err| WritebackError::malformed(part, err.to_string()))?;
        let key = a.key.as_ref().to_string();
        // Unescaped as written (no attribute-value normalisation), so a value spliced back is
        // the value read.
        let raw: &str = &a.value;
        let value = unescape(raw)
            .map_err(|err| WritebackError::malformed(part, err.to_string()))?
            .into_owned();
        out.push((key, value));
    }
    Ok(out)
}

/// Parses a whole (small) XML part and returns its root element.
pub(crate) fn parse(doc: &[u8], part: &str) -> Result<El, WritebackError> {
    // quick-xml skips a byte-order mark without counting it in its positions.
    let bom = bom_len(doc);
    let mut reader = quick_xml::Reader::from_reader(&doc[bom..]);
    let mut stack: Vec<El> = Vec::new();
    let mut root: Option<El> = None;
    loop {
        let before = reader.buffer_position() as usize + bom;
        let event = reader
            .read_event()
            .map_err(|e| WritebackError::malformed(part, e.to_string()))?;
        let after = reader.buffer_position() as usize + bom;
        match event {
            Event::Start(e) => stack.push(El {
                name: e.name().as_ref().to_string(),
                attrs: attrs_of(&e, part)?,
                start: before..after,
                end: after..after,
                children: Vec::new(),
            }),
            Event::Empty(e) => {
                let el = El {
                    name: e.name().as_ref().to_string(),
                    attrs: attrs_of(&e, part)?,
                    start: before..after,
                    end: before..after,
                    children: Vec::new(),
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let mut el = stack
                    .pop()
                    .ok_or_else(|| WritebackError::malformed(part, "unbalanced end tag"))?;
                el.end = before..after;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    root.ok_or_else(|| WritebackError::malformed(part, "no root element"))
}

/// Length of a UTF-8 byte-order mark at the start of `doc` (0 or 3).
pub(crate) fn bom_len(doc: &[u8]) -> usize {
    if doc.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    }
}

/// A set of byte-range replacements applied to an original document in one pass.
#[derive(Debug, Default)]
pub(crate) struct Splices {
    edits: Vec<(Range<usize>, Vec<u8>)>,
}

impl Splices {
    pub fn replace(&mut self, range: Range<usize>, with: impl Into<Vec<u8>>) {
        self.edits.push((range, with.into()));
    }

    pub fn insert(&mut self, at: usize, with: impl Into<Vec<u8>>) {
        self.edits.push((at..at, with.into()));
    }

    pub fn remove(&mut self, range: Range<usize>) {
        self.edits.push((range, Vec::new()));
    }

    /// Applies the edits. Insertions at the same offset keep the order they were added in and
    /// come before a replacement starting there; overlapping replacements are a bug.
    pub fn apply(mut self, doc: &[u8], part: &str) -> Result<Vec<u8>, WritebackError> {
        self.edits.sort_by_key(|(r, _)| (r.start, r.end != r.start));
        let mut out = Vec::with_capacity(doc.len() + 256);
        let mut pos = 0;
        for (range, with) in self.edits {
            if range.start < pos {
                return Err(WritebackError::malformed(part, "overlapping edits"));
            }
            out.extend_from_slice(&doc[pos..range.start]);
            out.extend_from_slice(&with);
            pos = range.end;
        }
        out.extend_from_slice(&doc[pos..]);
        Ok(out)
    }
}

/// Appends `children` (serialised elements) to `el`, setting its `count` attribute to
/// `count` when it has one; an empty element `<a/>` is opened up.
pub(crate) fn append_children(
    splices: &mut Splices,
    el: &El,
    children: &str,
    count: Option<usize>,
) {
    if children.is_empty() {
        return;
    }
    let change: Vec<(&str, Option<String>)> = match count {
        Some(n) if el.attr("count").is_some() => vec![("count", Some(n.to_string()))],
        _ => vec![],
    };
    if el.is_empty_tag() {
        let open = start_tag(&el.name, &apply_changes(&el.attrs, &change), false);
        splices.replace(el.start.clone(), format!("{open}{children}</{}>", el.name));
    } else {
        if !change.is_empty() {
            splices.replace(el.start.clone(), el.start_tag_with(&change));
        }
        splices.insert(el.end.start, children.as_bytes().to_vec());
    }
}

fn apply_changes(
    attrs: &[(String, String)],
    changes: &[(&str, Option<String>)],
) -> Vec<(String, String)> {
    let mut attrs = attrs.to_vec();
    for (key, value) in changes {
        match (attrs.iter().position(|(k, _)| k == key), value) {
            (Some(i), Some(v)) => attrs[i].1.clone_from(v),
            (Some(i), None) => {
                attrs.remove(i);
            }
            (None, Some(v)) => attrs.push(((*key).to_string(), v.clone())),
            (None, None) => {}
        }
    }
    attrs
}

/// The prefix (with colon) bound to `ns` by an `xmlns:p` declaration on `el`, or `""` when
/// `ns` is the default namespace.
pub(crate) fn prefix_for(el: &El, ns: &str) -> Option<String> {
    el.attrs.iter().find_map(|(k, v)| {
        if v != ns {
            return None;
        }
        if k == "xmlns" {
            Some(String::new())
        } else {
            k.strip_prefix("xmlns:").map(|p| format!("{p}:"))
        }
    })
}

/// Parses `A1`-style references into 0-based (row, col).
pub(crate) fn parse_cell_ref(r: &str) -> Option<(u32, u32)> {
    let r = r.trim_start_matches('$');
    let split = r.find(|c: char| !c.is_ascii_alphabetic())?;
    let (letters, digits) = r.split_at(split);
    let digits = digits.trim_start_matches('$');
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for c in letters.bytes() {
        col = col * 26 + u32::from(c.to_ascii_uppercase() - b'A' + 1);
    }
    let row: u32 = digits.parse().ok()?;
    if row == 0 {
        return None;
    }
    Some((row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splices_keep_untouched_bytes() {
        let doc = br#"<?xml version="1.0"?><a x="1"><b/><c  k = 'v'>t &amp; u</c></a>"#;
        let root = parse(doc, "t").unwrap();
        assert_eq!(root.local(), "a");
        let c = root.child("c").unwrap();
        assert_eq!(c.text(doc), "t & u");
        assert_eq!(c.attr("k"), Some("v"));
        let b = root.child("b").unwrap();
        let mut s = Splices::default();
        append_children(&mut s, b, "<n/>", Some(1));
        s.replace(
            root.start.clone(),
            root.start_tag_with(&[("x", Some("2".into()))]),
        );
        let out = s.apply(doc, "t").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<?xml version="1.0"?><a x="2"><b><n/></b><c  k = 'v'>t &amp; u</c></a>"#
        );
    }

    #[test]
    fn positions_count_the_byte_order_mark() {
        let doc = b"\xEF\xBB\xBF<a><b/></a>";
        let root = parse(doc, "t").unwrap();
        let mut s = Splices::default();
        append_children(&mut s, &root, "<c/>", None);
        assert_eq!(s.apply(doc, "t").unwrap(), b"\xEF\xBB\xBF<a><b/><c/></a>");
    }

    #[test]
    fn cell_refs() {
        assert_eq!(parse_cell_ref("A1"), Some((0, 0)));
        assert_eq!(parse_cell_ref("$AB$12"), Some((11, 27)));
        assert_eq!(parse_cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_cell_ref("A0"), None);
        assert_eq!(parse_cell_ref("12"), None);
    }
}
