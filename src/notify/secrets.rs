//! Where notification secrets come from — environment variables, else a `secrets.toml` that
//! only its owner can read — and the guard that keeps them out of the workbook, `dangol.toml`,
//! output, errors, dry-run files and the journal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// Every secret dangol reads: (name in `secrets.toml`, environment variable).
pub const NAMES: &[(&str, &str)] = &[
    ("slack.webhook_url", "DANGOL_SLACK_WEBHOOK_URL"),
    ("kakao.rest_api_key", "DANGOL_KAKAO_REST_API_KEY"),
    ("kakao.client_secret", "DANGOL_KAKAO_CLIENT_SECRET"),
    ("kakao.access_token", "DANGOL_KAKAO_ACCESS_TOKEN"),
    ("kakao.refresh_token", "DANGOL_KAKAO_REFRESH_TOKEN"),
    ("solapi.api_key", "DANGOL_SOLAPI_API_KEY"),
    ("solapi.api_secret", "DANGOL_SOLAPI_API_SECRET"),
    ("nhn.app_key", "DANGOL_NHN_APP_KEY"),
    ("nhn.secret_key", "DANGOL_NHN_SECRET_KEY"),
    ("nhn.sender_key", "DANGOL_NHN_SENDER_KEY"),
    ("notion.token", "DANGOL_NOTION_TOKEN"),
    ("webhook.secret", "DANGOL_WEBHOOK_SECRET"),
    ("smtp.username", "DANGOL_SMTP_USERNAME"),
    ("smtp.password", "DANGOL_SMTP_PASSWORD"),
];

/// Secrets dangol rotates itself (Kakao tokens): the file's copy is newer than the
/// environment's once dangol has stored one.
const ROTATED: &[&str] = &["kakao.access_token", "kakao.refresh_token"];

/// Shown in place of a secret.
pub const REDACTED: &str = "[redacted]";

/// The secrets available to this run.
#[derive(Debug, Default)]
pub struct Secrets {
    env: BTreeMap<String, String>,
    file: BTreeMap<String, String>,
    /// The `secrets.toml` read (or to create when a rotated token is stored).
    path: PathBuf,
}

fn env_name(name: &str) -> &'static str {
    NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, e)| *e)
}

/// The secrets file: `DANGOL_SECRETS`, else `secrets.toml` beside the workbook.
pub fn secrets_path(workbook: &Path) -> PathBuf {
    if let Some(p) = std::env::var_os("DANGOL_SECRETS") {
        return PathBuf::from(p);
    }
    let dir = match workbook.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    dir.join("secrets.toml")
}

/// Refuse a secrets file that others can read.
#[cfg(unix)]
fn check_private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        anyhow::bail!(
            "{} can be read by other users (mode {:o}); it holds secrets, so dangol will not use \
             it until only you can read it: chmod 600 {}",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

impl Secrets {
    /// Read the environment and, when it exists, the secrets file (refused when readable by
    /// others).
    pub fn load(workbook: &Path) -> anyhow::Result<Secrets> {
        let mut env = BTreeMap::new();
        for (name, var) in NAMES {
            if let Ok(v) = std::env::var(var)
                && !v.trim().is_empty()
            {
                env.insert((*name).to_string(), v.trim().to_string());
            }
        }
        let path = secrets_path(workbook);
        let mut file = BTreeMap::new();
        if path.exists() {
            check_private(&path)?;
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
                // The parser's message quotes the offending line, which may hold a secret.
                let line = e.span().map_or(0, |s| {
                    text[..s.start.min(text.len())].matches('\n').count() + 1
                });
                anyhow::anyhow!("{}:{line}: not valid TOML", path.display())
            })?;
            for (section, v) in &table {
                let Some(t) = v.as_table() else { continue };
                for (k, v) in t {
                    if let Some(s) = v.as_str() {
                        file.insert(format!("{section}.{k}"), s.trim().to_string());
                    }
                }
            }
        }
        Ok(Secrets { env, file, path })
    }

    /// A secret by its `secrets.toml` name.
    pub fn get(&self, name: &str) -> Option<&str> {
        let (first, second) = if ROTATED.contains(&name) {
            (&self.file, &self.env)
        } else {
            (&self.env, &self.file)
        };
        first
            .get(name)
            .or_else(|| second.get(name))
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// A secret the channel cannot do without.
    pub fn require(&self, name: &str, channel: &str) -> anyhow::Result<&str> {
        self.get(name).ok_or_else(|| {
            anyhow::anyhow!(
                "{channel}: no {name}: set {} or add it to {} (chmod 600)",
                env_name(name),
                self.path.display()
            )
        })
    }

    /// Replace every secret in `text` with [`REDACTED`].
    pub fn redact(&self, text: &str) -> String {
        let mut values: Vec<&String> = self
            .env
            .values()
            .chain(self.file.values())
            .filter(|v| v.len() >= 4)
            .collect();
        // Longest first, so a secret containing another is replaced whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        let mut out = text.to_string();
        for v in values {
            out = out.replace(v.as_str(), REDACTED);
        }
        out
    }

    /// Store rotated secrets in the secrets file (created private when missing), atomically.
    pub fn store(&mut self, updates: &[(&str, &str)]) -> anyhow::Result<()> {
        let cannot = || format!("cannot store the new token in {}", self.path.display());
        let mut table: toml::Table = if self.path.exists() {
            check_private(&self.path)?;
            std::fs::read_to_string(&self.path)
                .with_context(cannot)?
                .parse()
                .map_err(|_| anyhow::anyhow!("{}: not valid TOML", self.path.display()))?
        } else {
            toml::Table::new()
        };
        for (name, value) in updates {
            let (section, key) = name.split_once('.').unwrap_or(("", name));
            let entry = table
                .entry(section.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let Some(t) = entry.as_table_mut() {
                t.insert(key.to_string(), toml::Value::String((*value).to_string()));
            }
            self.file.insert((*name).to_string(), (*value).to_string());
        }
        let text = toml::to_string(&table).with_context(cannot)?;
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).with_context(cannot)?;
        // NamedTempFile is created 0600 on unix: the secrets never sit readable on disk.
        std::io::Write::write_all(&mut tmp, text.as_bytes()).with_context(cannot)?;
        tmp.as_file().sync_all().with_context(cannot)?;
        tmp.persist(&self.path)
            .map_err(|e| e.error)
            .with_context(cannot)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// Settings that hold ids (a Notion database id, a Kakao channel id, a template code): long
/// runs of letters and digits are expected there.
fn holds_an_id(key: &str) -> bool {
    matches!(key, "notify.notion.parent" | "notify.alimtalk.pf_id")
        || key.starts_with("notify.alimtalk.template.")
}

/// What a value looks like when it looks like a secret (a webhook URL with its token, an API
/// token, a password), so it can be refused outside the secrets file.
pub fn looks_secret(value: &str) -> Option<&'static str> {
    looks_secret_as(value, true)
}

fn looks_secret_as(value: &str, long_tokens: bool) -> Option<&'static str> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let known: &[(&str, &str)] = &[
        ("hooks.slack.com/", "a Slack webhook URL"),
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
        ("secret_", "a Notion token"),
        ("ntn_", "a Notion token"),
        ("bearer ", "an access token"),
        ("-----begin", "a private key"),
    ];
    for (needle, what) in known {
        if lower.contains(needle) {
            return Some(what);
        }
    }
    // A long run of letters and digits mixed (an API key, a token, a signing secret); plain
    // words, numbers, dates, rules and e-mail addresses never look like this.
    let token = v
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .any(|w| {
            w.len() >= 32
                && w.chars().any(|c| c.is_ascii_digit())
                && w.chars().any(|c| c.is_ascii_alphabetic())
        });
    (long_tokens && token).then_some("an API key or token")
}

/// The settings guard: a secret-looking value in the workbook, `dangol.toml` or a flag.
pub fn refuse_secret(
    key: &str,
    value: &str,
    origin: &crate::settings::Origin,
) -> Result<(), crate::settings::load::SettingsError> {
    match looks_secret_as(value, !holds_an_id(key)) {
        Some(what) => Err(crate::settings::load::SettingsError::new(
            origin,
            crate::text!(SettingSecret, key = key, what = what),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_values() {
        assert_eq!(
            looks_secret("https://hooks.slack.com/services/T0/B0/abc"),
            Some("a Slack webhook URL")
        );
        assert_eq!(looks_secret("secret_abc"), Some("a Notion token"));
        assert_eq!(
            looks_secret("a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6"),
            Some("an API key or token")
        );
        for fine in [
            "total >= 1000000 and orders >= 5",
            "owner@example.com",
            "2022-06-28",
            "http://127.0.0.1:4000",
            "01012345678",
            "취소, 환불",
        ] {
            assert_eq!(looks_secret(fine), None, "{fine}");
        }
        let o = crate::settings::Origin::Flag("--set".into());
        assert!(
            refuse_secret(
                "notify.notion.parent",
                "d9824bdc84454327be8b5b47500af6ce",
                &o
            )
            .is_ok()
        );
        assert!(refuse_secret("notify.link", "d9824bdc84454327be8b5b47500af6ce", &o).is_err());
        assert!(refuse_secret("notify.notion.parent", "secret_abc", &o).is_err());
    }

    #[test]
    fn redaction_replaces_longest_first() {
        let mut s = Secrets::default();
        s.env.insert("a".into(), "abcd".into());
        s.env.insert("b".into(), "abcdefgh".into());
        assert_eq!(s.redact("x abcdefgh y abcd"), "x [redacted] y [redacted]");
    }
}
