//! One module per command: its flags and its `run`.

pub mod check;
pub mod config;
pub mod customers;
pub mod funnel;
pub mod init;
pub mod remind;
pub mod report;
pub mod run;
pub mod sample;

use std::io::Write;

use crate::cli::{Global, LangArg};
use crate::ingest::{Loaded, ReadOptions};
use crate::settings::Origin;
use crate::settings::load::RawSetting;

/// A command line that is wrong in a way clap cannot see (`--set lookback=30`): exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

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
            return Err(UsageError(format!(
                "--set {s:?}: expected KEY=VALUE, e.g. --set lookback_days=180"
            ))
            .into());
        };
        if !crate::settings::load::is_known_key(k) {
            return Err(UsageError(format!(
                "--set {}: {}",
                k.trim(),
                crate::settings::load::unknown_key_message(k)
            ))
            .into());
        }
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
        as_of: Some(as_of(g)),
        today: Some(chrono::Local::now().date_naive()),
    })
}

/// Read a workbook with the global flags.
pub fn load(path: &std::path::Path, g: &Global) -> anyhow::Result<Loaded> {
    let opts = read_options(g)?;
    Ok(crate::ingest::load(path, &opts)?)
}

/// Rows that could not be used never vanish without a word (SPEC promise 3): one line on
/// stderr, in the workbook's language, pointing at `dangol check`.
pub fn warn_unusable_rows(loaded: &Loaded) {
    let n: u64 = loaded.data.sheets.iter().map(|s| s.bad_rows).sum();
    if n == 0 {
        return;
    }
    let path = loaded.path.display();
    let count = crate::model::values::group_thousands(&n.to_string());
    let line = match loaded.lang {
        crate::model::Lang::Ko => format!(
            "dangol: 경고: {count}개 행을 쓸 수 없어 계산에서 빠졌습니다 (`dangol check {path}`에서 셀별로 확인)"
        ),
        crate::model::Lang::En => format!(
            "dangol: warning: {count} row(s) could not be used and are not counted (`dangol check {path}` lists each cell)"
        ),
    };
    eprintln!("{line}");
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
