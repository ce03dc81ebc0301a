//! The `notify.*` settings (SPEC §9): where each channel's requests go and what they carry.
//! Only non-secret values live here; webhook URLs, tokens and passwords come from
//! [`super::secrets`].

use std::collections::BTreeMap;

use crate::settings::load::SettingsError;
use crate::settings::{Origin, Settings, defs};

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

/// Apply one `notify.*` key through its definition in [`crate::settings::defs::DEFS`];
/// `Ok(false)` when the key is not a notify key.
pub fn apply(
    s: &mut NotifySettings,
    key: &str,
    v: &str,
    o: &Origin,
) -> Result<bool, SettingsError> {
    let Some(def) = defs::find(key).filter(|_| key.starts_with("notify.")) else {
        return Ok(false);
    };
    let mut all = Settings::defaults();
    all.notify = std::mem::take(s);
    let given = defs::Given {
        key,
        value: v,
        origin: o,
        def,
    };
    let result = (def.apply)(&mut all, &given);
    *s = all.notify;
    result.map(|()| true)
}

/// Every `notify.*` setting as (key, value) for `dangol config`, from the definitions.
pub fn describe(s: &NotifySettings) -> Vec<(String, String)> {
    let mut all = Settings::defaults();
    all.notify = s.clone();
    crate::settings::load::describe(&all, crate::model::Lang::En)
        .into_iter()
        .filter(|(k, _, _)| k.starts_with("notify."))
        .map(|(k, v, _)| (k, v))
        .collect()
}
