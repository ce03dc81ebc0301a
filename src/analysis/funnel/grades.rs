//! The grade groups of a funnel `--by vip` / `--by responder` breakdown: customer → grade name.

use std::collections::BTreeMap;

use crate::analysis::customers::CustomerTable;
use crate::model::Lang;

/// Customer → grade name (VIP grade when `vip`, else responder grade, named in `lang`), keyed
/// by the customer key and by the name as written (pipeline rows name customers as written).
pub fn grade_map(table: &CustomerTable, vip: bool, lang: Lang) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for r in &table.rows {
        let grade = if vip { &r.vip } else { &r.responder };
        let name = grade.name.in_lang(lang).to_string();
        if let Some(n) = &r.name {
            m.entry(n.clone()).or_insert_with(|| name.clone());
        }
        m.insert(r.key.clone(), name);
    }
    m
}
