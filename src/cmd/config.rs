//! `dangol config`: every effective setting and where it came from, in the workbook's language
//! (a Korean workbook or `--lang ko` shows each setting's Korean key beside it).

use std::fmt::Write as _;
use std::path::PathBuf;

use unicode_width::UnicodeWidthStr;

use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::model::{Currency, Lang};
use crate::settings::defs;
use crate::settings::load::describe;

/// Print every effective setting with its origin (default, Settings!B7, dangol.toml:12, --set …).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol config shop.xlsx
  dangol config shop.xlsx --lang ko
  dangol config shop.xlsx --config ~/shop/dangol.toml
  dangol config shop.xlsx --set lookback_days=180 --format json")]
pub struct Args {
    /// The workbook or CSV file.
    pub workbook: PathBuf,
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let loaded = super::load(&args.workbook, g)?;
    // JSON and CSV are for programs: English values and origins whatever the workbook's
    // language; the table is for the owner, in the workbook's language.
    let rows = describe(&loaded.settings, Lang::En);
    let text = match g.format {
        Format::Json => {
            let v: Vec<serde_json::Value> = rows
                .iter()
                .map(|(k, v, o)| serde_json::json!({"key": k, "value": v, "origin": o}))
                .collect();
            let mut s = serde_json::to_string_pretty(&v)?;
            s.push('\n');
            s
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["key", "value", "origin"])?;
            for (k, v, o) in &rows {
                w.write_record([k, v, o])?;
            }
            format!("\u{feff}{}", String::from_utf8(w.into_inner()?)?)
        }
        Format::Table | Format::Xlsx => table(
            &describe(&loaded.settings, loaded.lang),
            loaded.lang,
            loaded.currency,
        ),
    };
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}

/// The Korean key of a listed key (`notify.alimtalk.template.weekly` → `알림톡템플릿.weekly`).
fn korean_key(key: &str) -> String {
    defs::find(key).map_or_else(String::new, |d| match d.kind {
        defs::KeyKind::Exact => d.ko.to_string(),
        defs::KeyKind::Prefix => format!("{}{}", d.ko, &key[d.key.len().min(key.len())..]),
    })
}

/// `key  value  [origin]` lines; in Korean `key  한국어키  value  [origin]`, the Korean
/// column padded by display width (a Hangul syllable is two columns wide).
fn table(rows: &[(String, String, String)], lang: Lang, currency: Currency) -> String {
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
