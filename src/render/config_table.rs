//! The terminal table of `dangol config`: every effective setting, its value and origin, and
//! in Korean each setting's Korean key beside it.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::model::{Currency, Lang};
use crate::settings::defs;

/// The Korean key of a listed key (`notify.alimtalk.template.weekly` → `알림톡템플릿.weekly`).
fn korean_key(key: &str) -> String {
    defs::find(key).map_or_else(String::new, |d| match d.kind {
        defs::KeyKind::Exact => d.ko.to_string(),
        defs::KeyKind::Prefix => format!("{}{}", d.ko, &key[d.key.len().min(key.len())..]),
    })
}

/// `key  value  [origin]` lines; in Korean `key  한국어키  value  [origin]`, the Korean
/// column padded by display width (a Hangul syllable is two columns wide).
pub fn table(rows: &[(String, String, String)], lang: Lang, currency: Currency) -> String {
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let ko: Vec<String> = rows.iter().map(|r| korean_key(&r.0)).collect();
    let ko_width = ko.iter().map(|k| k.width()).max().unwrap_or(0);
    let mut o = String::new();
    for ((k, v, origin), name) in rows.iter().zip(&ko) {
        match lang {
            Lang::En => {
                let _ = writeln!(o, "{k:<width$}  {v}  [{origin}]");
            }
            Lang::Ko => {
                let pad = " ".repeat(ko_width - name.width());
                let _ = writeln!(o, "{k:<width$}  {name}{pad}  {v}  [{origin}]");
            }
        }
    }
    let effective = [
        (
            lang.pick("(출력 언어)", "(output language)"),
            lang.pick("ko", "en"),
        ),
        (lang.pick("(통화)", "(currency)"), currency.code()),
    ];
    for (label, value) in effective {
        let tag = lang.pick("적용값", "effective");
        match lang {
            Lang::En => {
                let _ = writeln!(o, "{label:<width$}  {value}  [{tag}]");
            }
            Lang::Ko => {
                let pad = " ".repeat((width + 2 + ko_width).saturating_sub(label.width()));
                let _ = writeln!(o, "{label}{pad}  {value}  [{tag}]");
            }
        }
    }
    o
}
