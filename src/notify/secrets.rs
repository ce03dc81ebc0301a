//! Where notification secrets come from — environment variables, else a `secrets.toml` that
//! only its owner can read — and the guard that keeps them out of the workbook, `dangol.toml`,
//! output, errors, dry-run files and the journal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::i18n::{Msg, Said, Text};

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

/// The secrets file could not be read: in the catalogue's words, with what the system said.
fn unreadable(path: &Path, e: &std::io::Error) -> anyhow::Error {
    anyhow::Error::new(Said(
        crate::text!(SecretsUnreadable, path = path.display()).io("error", e),
    ))
}

/// Refuse a secrets file that others can read.
#[cfg(unix)]
fn check_private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path)
        .map_err(|e| unreadable(path, &e))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        let text = crate::text!(
            SecretsShared,
            path = path.display(),
            mode = format!("{:o}", mode & 0o777)
        );
        return Err(anyhow::Error::new(Said(text)));
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
            let text = std::fs::read_to_string(&path).map_err(|e| unreadable(&path, &e))?;
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
                // The parser's message quotes the offending line, which may hold a secret.
                let line = e.span().map_or(0, |s| {
                    text[..s.start.min(text.len())].matches('\n').count() + 1
                });
                anyhow::Error::new(Said(crate::text!(
                    SecretsBadToml,
                    path = path.display(),
                    line = line
                )))
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
            anyhow::Error::new(Said(crate::text!(
                SecretMissing,
                channel = channel,
                name = name,
                var = env_name(name),
                path = self.path.display()
            )))
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
        let path = self.path.clone();
        let cannot = |e: &std::io::Error| {
            anyhow::Error::new(Said(
                crate::text!(SecretNotStored, path = path.display()).io("error", e),
            ))
        };
        let mut table: toml::Table = if self.path.exists() {
            check_private(&self.path)?;
            std::fs::read_to_string(&self.path)
                .map_err(|e| cannot(&e))?
                .parse()
                .map_err(|_| {
                    anyhow::Error::new(Said(crate::text!(
                        SecretsBadToml,
                        path = path.display(),
                        line = 1
                    )))
                })?
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
        // A table of strings always serialises; should it not, nothing is written.
        let text = toml::to_string(&table)
            .map_err(|e| cannot(&std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| cannot(&e))?;
        // NamedTempFile is created 0600 on unix: the secrets never sit readable on disk.
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(|e| cannot(&e))?;
        tmp.as_file().sync_all().map_err(|e| cannot(&e))?;
        tmp.persist(&self.path).map_err(|e| cannot(&e.error))?;
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
/// token, a password), so it can be refused outside the secrets file. A catalogue message
/// (`Slack 웹훅 주소`, `a Slack webhook URL`): the value itself is never part of it.
pub fn looks_secret(value: &str) -> Option<Msg> {
    looks_secret_as(value, true)
}

fn looks_secret_as(value: &str, long_tokens: bool) -> Option<Msg> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let known: &[(&str, Msg)] = &[
        ("hooks.slack.com/", Msg::SecretSlackWebhook),
        ("xoxb-", Msg::SecretSlackToken),
        ("xoxp-", Msg::SecretSlackToken),
        ("secret_", Msg::SecretNotionToken),
        ("ntn_", Msg::SecretNotionToken),
        ("bearer ", Msg::SecretAccessToken),
        ("-----begin", Msg::SecretPrivateKey),
    ];
    for (needle, what) in known {
        if lower.contains(needle) {
            return Some(*what);
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
    (long_tokens && token).then_some(Msg::SecretApiKey)
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
            crate::text!(SettingSecret, key = key).text("what", Text::new(what)),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `value` looks like, in `lang`.
    fn said(value: &str, lang: crate::model::Lang) -> Option<String> {
        looks_secret(value).map(|m| m.render(lang, &[]))
    }

    #[test]
    fn secret_looking_values() {
        use crate::model::Lang::{En, Ko};
        let slack = "https://hooks.slack.com/services/T0/B0/abc";
        assert_eq!(said(slack, En).as_deref(), Some("a Slack webhook URL"));
        assert_eq!(said(slack, Ko).as_deref(), Some("Slack 웹훅 주소"));
        assert_eq!(said("secret_abc", En).as_deref(), Some("a Notion token"));
        assert_eq!(said("secret_abc", Ko).as_deref(), Some("Notion 토큰"));
        let key = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6";
        assert_eq!(said(key, En).as_deref(), Some("an API key or token"));
        assert_eq!(said(key, Ko).as_deref(), Some("API 키나 토큰"));
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
