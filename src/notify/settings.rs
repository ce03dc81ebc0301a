//! The `notify.*` settings (SPEC §9): where each channel's requests go and what they carry.
//! Only non-secret values live here; webhook URLs, tokens and passwords come from
//! [`super::secrets`].

use std::collections::BTreeMap;

use crate::settings::Origin;
use crate::settings::load::SettingsError;

/// Which 알림톡 provider relays the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Solapi,
    Nhn,
}

/// The Notion API version the owner's integration uses: the parent of a new page differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotionVersion {
    /// `2022-06-28`: `parent: {"database_id": …}`.
    V20220628,
    /// `2025-09-03`: `parent: {"type": "data_source_id", "data_source_id": …}`.
    V20250903,
}

impl NotionVersion {
    pub fn header(self) -> &'static str {
        match self {
            NotionVersion::V20220628 => "2022-06-28",
            NotionVersion::V20250903 => "2025-09-03",
        }
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// TLS from the first byte (port 465).
    Tls,
    /// STARTTLS, required (port 587).
    Starttls,
    /// Plain text: only for a relay on this machine (127.0.0.1).
    None,
}

/// Every `notify.*` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifySettings {
    /// Mask customer names in chat messages (`김*수`).
    pub mask: bool,
    /// A link shown with Kakao messages and the webhook payload (`notify.link`).
    pub link: String,
    /// Request timeout in seconds (connect to last byte).
    pub timeout_seconds: u32,
    /// Attempts per message for 429s and failed connections.
    pub attempts: u32,
    /// The longest `Retry-After` honoured, in seconds; a longer one ends the attempts.
    pub max_retry_after: u32,
    pub kakao_api_url: String,
    pub kakao_auth_url: String,
    pub alimtalk_provider: Provider,
    /// Empty = the provider's own.
    pub alimtalk_url: String,
    /// Solapi: the channel's `pfId`.
    pub alimtalk_pf_id: String,
    /// Solapi: the registered sender number.
    pub alimtalk_from: String,
    /// The owner's phone that receives the 알림톡.
    pub alimtalk_to: String,
    /// Approved template id/code per message kind (`notify.alimtalk.template.weekly`).
    pub alimtalk_templates: BTreeMap<String, String>,
    pub notion_url: String,
    pub notion_version: NotionVersion,
    /// The database id (2022-06-28) or data source id (2025-09-03) pages are added to.
    pub notion_parent: String,
    /// The name of the database's title property (`Name`, `이름`).
    pub notion_title: String,
    pub webhook_url: String,
    pub email_to: String,
    pub email_from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            mask: true,
            link: String::new(),
            timeout_seconds: 10,
            attempts: 3,
            max_retry_after: 60,
            kakao_api_url: "https://kapi.kakao.com".into(),
            kakao_auth_url: "https://kauth.kakao.com".into(),
            alimtalk_provider: Provider::Solapi,
            alimtalk_url: String::new(),
            alimtalk_pf_id: String::new(),
            alimtalk_from: String::new(),
            alimtalk_to: String::new(),
            alimtalk_templates: BTreeMap::new(),
            notion_url: "https://api.notion.com".into(),
            notion_version: NotionVersion::V20220628,
            notion_parent: String::new(),
            notion_title: "Name".into(),
            webhook_url: String::new(),
            email_to: String::new(),
            email_from: String::new(),
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
        }
    }
}

/// The fixed `notify.*` keys (templates add `notify.alimtalk.template.<kind>`).
pub const KEYS: &[&str] = &[
    "notify.mask",
    "notify.link",
    "notify.timeout_seconds",
    "notify.attempts",
    "notify.max_retry_after",
    "notify.kakao.api_url",
    "notify.kakao.auth_url",
    "notify.alimtalk.provider",
    "notify.alimtalk.url",
    "notify.alimtalk.pf_id",
    "notify.alimtalk.from",
    "notify.alimtalk.to",
    "notify.notion.url",
    "notify.notion.version",
    "notify.notion.parent",
    "notify.notion.title",
    "notify.webhook.url",
    "notify.email.to",
    "notify.email.from",
    "notify.smtp.host",
    "notify.smtp.port",
    "notify.smtp.tls",
];

/// The service addresses an environment variable may set (`DANGOL_NOTIFY_NOTION_URL` for
/// `notify.notion.url`), for a proxy or a test server.
const URL_KEYS: [&str; 5] = [
    "notify.kakao.api_url",
    "notify.kakao.auth_url",
    "notify.alimtalk.url",
    "notify.notion.url",
    "notify.webhook.url",
];

/// `notify.notion.url` → `DANGOL_NOTIFY_NOTION_URL`.
pub fn env_var(key: &str) -> String {
    format!("DANGOL_{}", key.to_ascii_uppercase().replace('.', "_"))
}

impl NotifySettings {
    /// Service addresses from the environment, where no setting gave one (the workbook,
    /// `dangol.toml` and `--set` win over the environment).
    pub fn with_env(mut self) -> Result<Self, SettingsError> {
        let default = describe(&NotifySettings::default());
        for key in URL_KEYS {
            let Ok(v) = std::env::var(env_var(key)) else {
                continue;
            };
            let value_of = |list: &[(String, String)]| {
                list.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
            };
            if value_of(&describe(&self)) == value_of(&default) {
                apply(&mut self, key, v.trim(), &Origin::Flag(env_var(key)))?;
            }
        }
        Ok(self)
    }
}

fn number(v: &str, lo: u32, hi: u32, key: &str, o: &Origin) -> Result<u32, SettingsError> {
    v.parse::<u32>()
        .ok()
        .filter(|n| (lo..=hi).contains(n))
        .ok_or_else(|| {
            err(
                o,
                format!("{key}: found {v:?}, expected a number {lo}..{hi}"),
            )
        })
}

fn err(o: &Origin, message: String) -> SettingsError {
    SettingsError {
        origin: o.to_string(),
        message,
    }
}

fn url(v: &str, key: &str, o: &Origin) -> Result<String, SettingsError> {
    let v = v.trim_end_matches('/');
    if v.is_empty() || v.starts_with("https://") || v.starts_with("http://") {
        Ok(v.to_string())
    } else {
        Err(err(
            o,
            format!("{key}: found {v:?}, expected an https:// address"),
        ))
    }
}

/// Apply one `notify.*` key; `Ok(false)` when the key is not a notify key.
pub fn apply(
    s: &mut NotifySettings,
    key: &str,
    v: &str,
    o: &Origin,
) -> Result<bool, SettingsError> {
    let bad = |expected: &str| err(o, format!("{key}: found {v:?}, expected {expected}"));
    match key {
        "notify.mask" => {
            s.mask = match v.to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "1" | "예" => true,
                "false" | "no" | "n" | "0" | "아니오" => false,
                _ => return Err(bad("true or false")),
            };
        }
        "notify.link" => s.link = url(v, key, o)?,
        "notify.timeout_seconds" => s.timeout_seconds = number(v, 1, 600, key, o)?,
        "notify.attempts" => s.attempts = number(v, 1, 10, key, o)?,
        "notify.max_retry_after" => s.max_retry_after = number(v, 0, 3600, key, o)?,
        "notify.kakao.api_url" => s.kakao_api_url = url(v, key, o)?,
        "notify.kakao.auth_url" => s.kakao_auth_url = url(v, key, o)?,
        "notify.alimtalk.provider" => {
            s.alimtalk_provider = match v.to_ascii_lowercase().as_str() {
                "solapi" => Provider::Solapi,
                "nhn" | "nhncloud" | "nhn cloud" | "toast" => Provider::Nhn,
                _ => return Err(bad("solapi or nhn")),
            };
        }
        "notify.alimtalk.url" => s.alimtalk_url = url(v, key, o)?,
        "notify.alimtalk.pf_id" => s.alimtalk_pf_id = v.to_string(),
        "notify.alimtalk.from" => s.alimtalk_from = digits(v),
        "notify.alimtalk.to" => s.alimtalk_to = digits(v),
        "notify.notion.url" => s.notion_url = url(v, key, o)?,
        "notify.notion.version" => {
            s.notion_version = match v {
                "2022-06-28" => NotionVersion::V20220628,
                "2025-09-03" => NotionVersion::V20250903,
                _ => return Err(bad("2022-06-28 or 2025-09-03")),
            };
        }
        "notify.notion.parent" => s.notion_parent = v.to_string(),
        "notify.notion.title" => s.notion_title = v.to_string(),
        "notify.webhook.url" => s.webhook_url = url(v, key, o)?,
        "notify.email.to" => s.email_to = v.to_string(),
        "notify.email.from" => s.email_from = v.to_string(),
        "notify.smtp.host" => s.smtp_host = v.to_string(),
        "notify.smtp.port" => s.smtp_port = number(v, 1, 65535, key, o)? as u16,
        "notify.smtp.tls" => {
            s.smtp_tls = match v.to_ascii_lowercase().as_str() {
                "tls" | "ssl" => SmtpTls::Tls,
                "starttls" => SmtpTls::Starttls,
                "none" | "off" => SmtpTls::None,
                _ => return Err(bad("starttls, tls or none")),
            };
        }
        k => match k.strip_prefix("notify.alimtalk.template.") {
            Some(kind) if super::Kind::parse(kind).is_some() => {
                s.alimtalk_templates.insert(kind.to_string(), v.to_string());
            }
            Some(kind) => {
                return Err(err(
                    o,
                    format!(
                        "{key}: unknown message kind {kind:?}; expected one of {}",
                        super::Kind::NAMES.join(", ")
                    ),
                ));
            }
            None => return Ok(false),
        },
    }
    Ok(true)
}

fn digits(v: &str) -> String {
    v.chars().filter(char::is_ascii_digit).collect()
}

/// Every `notify.*` setting as (key, value) for `dangol config`.
pub fn describe(s: &NotifySettings) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![
        ("notify.mask".into(), s.mask.to_string()),
        ("notify.link".into(), s.link.clone()),
        (
            "notify.timeout_seconds".into(),
            s.timeout_seconds.to_string(),
        ),
        ("notify.attempts".into(), s.attempts.to_string()),
        (
            "notify.max_retry_after".into(),
            s.max_retry_after.to_string(),
        ),
        ("notify.kakao.api_url".into(), s.kakao_api_url.clone()),
        ("notify.kakao.auth_url".into(), s.kakao_auth_url.clone()),
        (
            "notify.alimtalk.provider".into(),
            match s.alimtalk_provider {
                Provider::Solapi => "solapi",
                Provider::Nhn => "nhn",
            }
            .into(),
        ),
        ("notify.alimtalk.url".into(), s.alimtalk_url.clone()),
        ("notify.alimtalk.pf_id".into(), s.alimtalk_pf_id.clone()),
        ("notify.alimtalk.from".into(), s.alimtalk_from.clone()),
        ("notify.alimtalk.to".into(), s.alimtalk_to.clone()),
        ("notify.notion.url".into(), s.notion_url.clone()),
        (
            "notify.notion.version".into(),
            s.notion_version.header().into(),
        ),
        ("notify.notion.parent".into(), s.notion_parent.clone()),
        ("notify.notion.title".into(), s.notion_title.clone()),
        ("notify.webhook.url".into(), s.webhook_url.clone()),
        ("notify.email.to".into(), s.email_to.clone()),
        ("notify.email.from".into(), s.email_from.clone()),
        ("notify.smtp.host".into(), s.smtp_host.clone()),
        ("notify.smtp.port".into(), s.smtp_port.to_string()),
        (
            "notify.smtp.tls".into(),
            match s.smtp_tls {
                SmtpTls::Tls => "tls",
                SmtpTls::Starttls => "starttls",
                SmtpTls::None => "none",
            }
            .into(),
        ),
    ];
    for (k, v) in &s.alimtalk_templates {
        out.push((format!("notify.alimtalk.template.{k}"), v.clone()));
    }
    out
}
