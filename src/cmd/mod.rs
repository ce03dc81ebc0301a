//! One module per command: its flags and its `run`.

pub mod check;
pub mod config;
pub mod customers;
pub mod funnel;
pub mod import_products;
pub mod init;
pub mod remind;
pub mod report;
pub mod run;
pub mod sample;
pub mod stock;

use std::io::Write;

use crate::cli::{Global, LangArg};
use crate::ingest::{Loaded, ReadOptions};
use crate::settings::Origin;
use crate::settings::load::RawSetting;

/// Read options from the global flags.
pub fn read_options(g: &Global) -> anyhow::Result<ReadOptions> {
    let mut flags = Vec::new();
    if let Some(l) = g.lang {
        let v = match l {
            LangArg::Auto => "auto",
            LangArg::Ko => "ko",
            LangArg::En => "en",
        };
        flags.push(RawSetting {
            key: "lang".into(),
            value: v.into(),
            origin: Origin::Flag("--lang".into()),
        });
    }
    for s in &g.set {
        let Some((k, v)) = s.split_once('=') else {
            anyhow::bail!("--set {s:?}: expected KEY=VALUE, e.g. --set lookback_days=180");
        };
        flags.push(RawSetting {
            key: k.trim().into(),
            value: v.trim().into(),
            origin: Origin::Flag(format!("--set {}", k.trim())),
        });
    }
    Ok(ReadOptions {
        encoding: g.encoding.clone(),
        config: g.config.clone(),
        flags,
    })
}

/// Read a workbook with the global flags.
pub fn load(path: &std::path::Path, g: &Global) -> anyhow::Result<Loaded> {
    let opts = read_options(g)?;
    Ok(crate::ingest::load(path, &opts)?)
}

/// Today, or `--as-of`.
pub fn as_of(g: &Global) -> chrono::NaiveDate {
    g.as_of.unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Write to stdout; a closed pipe (`dangol … | head`) is not an error.
pub fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
