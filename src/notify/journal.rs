//! The never-twice journal: `.dangol-notify.jsonl` beside the workbook, one JSON line per
//! event. A `pending` line is written and synced before each request; `sent` after a 2xx;
//! `failed` when the service definitely refused; `unknown` when the request may have
//! arrived (the connection dropped after it was written, a timeout). The last line of a key
//! decides what a later run does; a `pending` left by a killed run counts as unknown.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// The journal's file name, beside the workbook.
pub const FILE: &str = ".dangol-notify.jsonl";

/// One event of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// UTC, when it was written.
    pub at: String,
    pub key: String,
    /// `pending`, `sent`, `retrying`, `failed` or `unknown`.
    pub state: String,
    pub attempt: u32,
    /// What happened (HTTP status, error), free of secrets.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// What the journal says about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Never tried, or definitely not delivered: send it.
    Open,
    Sent {
        at: String,
    },
    /// It may have arrived; sent again only with `--retry-unknown`.
    Unknown {
        at: String,
        detail: String,
    },
}

/// Where the journal of `workbook` is.
pub fn path_of(workbook: &Path) -> PathBuf {
    let dir = match workbook.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    dir.join(FILE)
}

/// Every entry of the journal beside `workbook`, in the order written (none when there is no
/// journal). A torn last line (a run killed mid-write) is left out; a damaged line before it
/// is an error naming the file and line.
pub fn entries(workbook: &Path) -> anyhow::Result<Vec<Entry>> {
    read(workbook).map(|(_, e)| e)
}

fn read(workbook: &Path) -> anyhow::Result<(PathBuf, Vec<Entry>)> {
    let path = path_of(workbook);
    let mut entries = Vec::new();
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let count = text.lines().count();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            // A torn last line is ignored: the pending line before it already marks the
            // message as possibly sent.
            match serde_json::from_str::<Entry>(line) {
                Ok(e) => entries.push(e),
                Err(_) if i + 1 == count => {}
                Err(e) => {
                    return Err(crate::i18n::said(crate::text!(
                        JournalBadLine,
                        path = path.display(),
                        line = i + 1,
                        error = e
                    )));
                }
            }
        }
    }
    Ok((path, entries))
}

/// The journal of one workbook.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    last: BTreeMap<String, Entry>,
}

impl Journal {
    /// The journal beside `workbook` (empty when there is none yet).
    pub fn open(workbook: &Path) -> anyhow::Result<Journal> {
        let (path, entries) = read(workbook)?;
        let mut last = BTreeMap::new();
        for e in entries {
            last.insert(e.key.clone(), e);
        }
        Ok(Journal { path, last })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What to do with `key`.
    pub fn status(&self, key: &str) -> Status {
        match self.last.get(key) {
            None => Status::Open,
            Some(e) => match e.state.as_str() {
                "sent" => Status::Sent { at: e.at.clone() },
                "failed" => Status::Open,
                "pending" => Status::Unknown {
                    at: e.at.clone(),
                    detail: "the run stopped while the request was out".into(),
                },
                // `unknown`, and a `retrying` left by a killed run (the next attempt's
                // pending line would follow it otherwise).
                _ => Status::Unknown {
                    at: e.at.clone(),
                    detail: e.detail.clone(),
                },
            },
        }
    }

    /// Append one event and sync it to disk before returning.
    pub fn record(
        &mut self,
        key: &str,
        state: &str,
        attempt: u32,
        detail: &str,
    ) -> anyhow::Result<()> {
        let e = Entry {
            at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            key: key.to_string(),
            state: state.to_string(),
            attempt,
            detail: detail.to_string(),
        };
        let cannot = || {
            format!(
                "cannot write the notification journal {}",
                self.path.display()
            )
        };
        let mut line = serde_json::to_string(&e).with_context(cannot)?;
        line.push('\n');
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .with_context(cannot)?;
        f.write_all(line.as_bytes()).with_context(cannot)?;
        f.sync_all().with_context(cannot)?;
        self.last.insert(e.key.clone(), e);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_line_of_a_key_decides_and_a_killed_run_counts_as_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let wb = dir.path().join("shop.xlsx");
        let mut j = Journal::open(&wb).unwrap();
        assert_eq!(j.status("a"), Status::Open);
        j.record("a", "pending", 1, "").unwrap();
        j.record("a", "failed", 1, "HTTP 500").unwrap();
        j.record("b", "pending", 1, "").unwrap();
        j.record("c", "pending", 1, "").unwrap();
        j.record("c", "sent", 1, "HTTP 200").unwrap();
        // A run killed while writing leaves a torn last line.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(j.path())
            .unwrap();
        f.write_all(b"{\"at\":\"2026").unwrap();
        let j = Journal::open(&wb).unwrap();
        assert_eq!(j.status("a"), Status::Open);
        assert!(matches!(j.status("b"), Status::Unknown { .. }));
        assert!(matches!(j.status("c"), Status::Sent { .. }));
    }

    #[test]
    fn a_damaged_line_in_the_middle_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let wb = dir.path().join("shop.xlsx");
        std::fs::write(
            dir.path().join(FILE),
            "garbage\n{\"at\":\"x\",\"key\":\"k\",\"state\":\"sent\",\"attempt\":1}\n",
        )
        .unwrap();
        let e = Journal::open(&wb).unwrap_err().to_string();
        assert!(
            e.contains(".dangol-notify.jsonl:1: not a journal line"),
            "{e}"
        );
    }
}
