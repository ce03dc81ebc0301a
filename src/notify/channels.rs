//! One request builder per channel, following each service's documented shape (the sources
//! are listed in the README). Pure: a message, the settings and the secrets go in, the exact
//! request comes out; the clock-dependent Solapi signature is made at send time.

use serde_json::{Value, json};

use super::secrets::REDACTED;
use super::settings::{NotionVersion, Provider};
use super::{Channel, Message, NotifySettings, truncate};

/// A header's value; secrets are kept apart so a dry run can show them redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    Plain(String),
    /// Shown as `prefix[redacted]` (e.g. `Bearer [redacted]`).
    Secret {
        prefix: String,
        value: String,
    },
    /// Solapi's `HMAC-SHA256 apiKey=…, date=…, salt=…, signature=…`, signed when sent.
    SolapiAuth {
        api_key: String,
        api_secret: String,
    },
}

/// What a 2xx answer must also say to count as delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Success {
    /// Any 2xx.
    Status,
    /// Slack: the body `ok`.
    SlackOk,
    /// Kakao: `{"result_code":0}`.
    KakaoResultCode,
    /// NHN Cloud: `header.isSuccessful` true.
    NhnHeader,
}

/// One HTTP request, exactly as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    /// The URL with its secret parts replaced.
    pub shown_url: String,
    pub headers: Vec<(String, HeaderValue)>,
    pub body: String,
    pub success: Success,
}

/// A message prepared for one channel.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub channel: Channel,
    /// Who receives it (part of the key; never a secret).
    pub recipient: String,
    pub request: HttpRequest,
}

/// Looks up a secret; in a dry run a missing one becomes a placeholder.
pub type SecretFn<'a> = dyn Fn(&str) -> anyhow::Result<String> + 'a;

fn plain(name: &str, value: &str) -> (String, HeaderValue) {
    (name.to_string(), HeaderValue::Plain(value.to_string()))
}

fn json_body(v: &Value) -> String {
    // serde_json's maps are sorted by key, so the body is the same on every run.
    v.to_string()
}

/// Slack's mrkdwn needs `&`, `<` and `>` escaped.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Slack limits: a header's text is at most 150 characters, a section's 3000, 50 blocks.
const SLACK_HEADER_MAX: usize = 150;
const SLACK_SECTION_MAX: usize = 3000;
const SLACK_BLOCKS_MAX: usize = 50;

/// Lines packed into sections of at most `max` characters each.
fn sections(lines: &[String], max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for l in lines {
        let l = truncate(l, max);
        let extra = usize::from(!cur.is_empty());
        if cur.chars().count() + extra + l.chars().count() > max {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push('\n');
        }
        cur.push_str(&l);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Slack incoming webhook: `POST` the webhook URL with `{"text", "blocks"}`; success is 200
/// with the body `ok`.
pub fn slack(m: &Message, secret: &SecretFn<'_>) -> anyhow::Result<Prepared> {
    let url = secret("slack.webhook_url")?;
    let shown_url = match url.find("://").map(|i| i + 3) {
        Some(start) => {
            let host_end = url[start..].find('/').map_or(url.len(), |i| start + i);
            format!("{}/{REDACTED}", &url[..host_end])
        }
        None => REDACTED.to_string(),
    };
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(&m.title, SLACK_HEADER_MAX), "emoji": true}
    })];
    let escaped: Vec<String> = m.lines.iter().map(|l| slack_escape(l)).collect();
    for s in sections(&escaped, SLACK_SECTION_MAX)
        .into_iter()
        .take(SLACK_BLOCKS_MAX - 1)
    {
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": s}}));
    }
    let body =
        json!({"text": truncate(&slack_escape(&m.plain()), SLACK_SECTION_MAX), "blocks": blocks});
    Ok(Prepared {
        channel: Channel::Slack,
        recipient: "webhook".into(),
        request: HttpRequest {
            method: "POST",
            url,
            shown_url,
            headers: vec![plain("Content-Type", "application/json; charset=utf-8")],
            body: json_body(&body),
            success: Success::SlackOk,
        },
    })
}

/// `application/x-www-form-urlencoded` encoding of one value.
pub fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char);
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Kakao shows at most 200 characters of a text template.
const KAKAO_TEXT_MAX: usize = 200;

/// Kakao "send to me": `POST /v2/api/talk/memo/default/send`, `Authorization: Bearer`, form
/// body `template_object={"object_type":"text","text":…,"link":{…}}`.
pub fn kakao(m: &Message, s: &NotifySettings, access_token: &str) -> Prepared {
    let template = json!({
        "object_type": "text",
        "text": truncate(&m.plain(), KAKAO_TEXT_MAX),
        "link": {"web_url": s.link, "mobile_web_url": s.link},
    });
    Prepared {
        channel: Channel::Kakao,
        recipient: "me".into(),
        request: HttpRequest {
            method: "POST",
            url: format!("{}/v2/api/talk/memo/default/send", s.kakao_api_url),
            shown_url: format!("{}/v2/api/talk/memo/default/send", s.kakao_api_url),
            headers: vec![
                (
                    "Authorization".into(),
                    HeaderValue::Secret {
                        prefix: "Bearer ".into(),
                        value: access_token.to_string(),
                    },
                ),
                plain(
                    "Content-Type",
                    "application/x-www-form-urlencoded;charset=utf-8",
                ),
            ],
            body: format!("template_object={}", form_encode(&json_body(&template))),
            success: Success::KakaoResultCode,
        },
    }
}

/// Kakao token refresh: `POST /oauth/token` with `grant_type=refresh_token`.
pub fn kakao_refresh(s: &NotifySettings, secret: &SecretFn<'_>) -> anyhow::Result<HttpRequest> {
    let client_id = secret("kakao.rest_api_key")?;
    let refresh = secret("kakao.refresh_token")?;
    let mut body = format!(
        "grant_type=refresh_token&client_id={}&refresh_token={}",
        form_encode(&client_id),
        form_encode(&refresh)
    );
    if let Ok(cs) = secret("kakao.client_secret")
        && !cs.starts_with('[')
    {
        body.push_str(&format!("&client_secret={}", form_encode(&cs)));
    }
    let url = format!("{}/oauth/token", s.kakao_auth_url);
    Ok(HttpRequest {
        method: "POST",
        shown_url: url.clone(),
        url,
        headers: vec![plain(
            "Content-Type",
            "application/x-www-form-urlencoded;charset=utf-8",
        )],
        body,
        success: Success::Status,
    })
}

/// 알림톡 template variables: `#{name}` → value, every value a string.
fn variables(m: &Message) -> serde_json::Map<String, Value> {
    m.fields
        .iter()
        .map(|(k, v)| (format!("#{{{k}}}"), Value::String(truncate(v, 1000))))
        .collect()
}

fn template_for<'s>(m: &Message, s: &'s NotifySettings) -> anyhow::Result<&'s str> {
    s.alimtalk_templates
        .get(m.kind.name())
        .map(String::as_str)
        .ok_or_else(|| {
            crate::i18n::said(crate::text!(NotifyAlimtalkNoTemplate, kind = m.kind.name()))
        })
}

/// 알림톡 through Solapi (`POST /messages/v4/send-many/detail`, `kakaoOptions {pfId,
/// templateId, variables}`) or NHN Cloud (`POST /alimtalk/v2.3/appkeys/{appKey}/messages`,
/// `X-Secret-Key`, `{senderKey, templateCode, recipientList}`).
pub fn alimtalk(
    m: &Message,
    s: &NotifySettings,
    secret: &SecretFn<'_>,
) -> anyhow::Result<Prepared> {
    let template = template_for(m, s)?;
    if s.alimtalk_to.is_empty() {
        return Err(crate::i18n::said(crate::text!(NotifyAlimtalkNoRecipient)));
    }
    let request = match s.alimtalk_provider {
        Provider::Solapi => {
            if s.alimtalk_pf_id.is_empty() {
                return Err(crate::i18n::said(crate::text!(NotifyAlimtalkNoPfId)));
            }
            let base = if s.alimtalk_url.is_empty() {
                "https://api.solapi.com"
            } else {
                &s.alimtalk_url
            };
            let mut msg = json!({
                "to": s.alimtalk_to,
                "kakaoOptions": {
                    "pfId": s.alimtalk_pf_id,
                    "templateId": template,
                    "variables": variables(m),
                },
            });
            if !s.alimtalk_from.is_empty() {
                msg["from"] = Value::String(s.alimtalk_from.clone());
            }
            let url = format!("{base}/messages/v4/send-many/detail");
            HttpRequest {
                method: "POST",
                shown_url: url.clone(),
                url,
                headers: vec![
                    (
                        "Authorization".into(),
                        HeaderValue::SolapiAuth {
                            api_key: secret("solapi.api_key")?,
                            api_secret: secret("solapi.api_secret")?,
                        },
                    ),
                    plain("Content-Type", "application/json; charset=utf-8"),
                ],
                body: json_body(&json!({"messages": [msg]})),
                success: Success::Status,
            }
        }
        Provider::Nhn => {
            let base = if s.alimtalk_url.is_empty() {
                "https://api-alimtalk.cloud.toast.com"
            } else {
                &s.alimtalk_url
            };
            let app_key = secret("nhn.app_key")?;
            let params: serde_json::Map<String, Value> = m
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(truncate(v, 1000))))
                .collect();
            let body = json!({
                "senderKey": secret("nhn.sender_key")?,
                "templateCode": template,
                "recipientList": [{"recipientNo": s.alimtalk_to, "templateParameter": params}],
            });
            HttpRequest {
                method: "POST",
                url: format!("{base}/alimtalk/v2.3/appkeys/{app_key}/messages"),
                shown_url: format!("{base}/alimtalk/v2.3/appkeys/{REDACTED}/messages"),
                headers: vec![
                    plain("Content-Type", "application/json;charset=UTF-8"),
                    (
                        "X-Secret-Key".into(),
                        HeaderValue::Secret {
                            prefix: String::new(),
                            value: secret("nhn.secret_key")?,
                        },
                    ),
                ],
                body: json_body(&body),
                success: Success::NhnHeader,
            }
        }
    };
    Ok(Prepared {
        channel: Channel::Alimtalk,
        recipient: s.alimtalk_to.clone(),
        request,
    })
}

/// Notion rich text holds at most 2000 characters per text object; 100 children per request.
const NOTION_TEXT_MAX: usize = 2000;
const NOTION_CHILDREN_MAX: usize = 100;

fn rich(text: &str) -> Value {
    json!([{"type": "text", "text": {"content": truncate(text, NOTION_TEXT_MAX)}}])
}

/// Notion: `POST /v1/pages` into the owner's database with the `Notion-Version` they chose;
/// the parent is `database_id` (2022-06-28) or a `data_source_id` (2025-09-03).
pub fn notion(m: &Message, s: &NotifySettings, secret: &SecretFn<'_>) -> anyhow::Result<Prepared> {
    if s.notion_parent.is_empty() {
        return Err(crate::i18n::said(crate::text!(NotifyNotionNoParent)));
    }
    let parent = match s.notion_version {
        NotionVersion::V20220628 => json!({"database_id": s.notion_parent}),
        NotionVersion::V20250903 => {
            json!({"type": "data_source_id", "data_source_id": s.notion_parent})
        }
    };
    let children: Vec<Value> = m
        .lines
        .iter()
        .take(NOTION_CHILDREN_MAX)
        .map(|l| json!({"object": "block", "type": "paragraph", "paragraph": {"rich_text": rich(l)}}))
        .collect();
    let body = json!({
        "parent": parent,
        "properties": {s.notion_title.clone(): {"title": rich(&m.title)}},
        "children": children,
    });
    let url = format!("{}/v1/pages", s.notion_url);
    Ok(Prepared {
        channel: Channel::Notion,
        recipient: s.notion_parent.clone(),
        request: HttpRequest {
            method: "POST",
            shown_url: url.clone(),
            url,
            headers: vec![
                (
                    "Authorization".into(),
                    HeaderValue::Secret {
                        prefix: "Bearer ".into(),
                        value: secret("notion.token")?,
                    },
                ),
                plain("Content-Type", "application/json"),
                plain("Notion-Version", s.notion_version.header()),
            ],
            body: json_body(&body),
            success: Success::Status,
        },
    })
}

/// A generic JSON webhook: the message as JSON, signed with HMAC-SHA256 of the body
/// (`X-Dangol-Signature: sha256=<hex>`), with the message key for receivers that deduplicate.
pub fn webhook(
    m: &Message,
    key_of: &dyn Fn(&str) -> String,
    s: &NotifySettings,
    secret: &SecretFn<'_>,
) -> anyhow::Result<Prepared> {
    if s.webhook_url.is_empty() {
        return Err(crate::i18n::said(crate::text!(NotifyWebhookNoUrl)));
    }
    let recipient = s.webhook_url.clone();
    let key = key_of(&recipient);
    let fields: serde_json::Map<String, Value> = m
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let body = json_body(&json!({
        "key": key,
        "kind": m.kind.name(),
        "period": m.period,
        "lang": m.lang.pick("ko", "en"),
        "shop": m.shop,
        "title": m.title,
        "lines": m.lines,
        "fields": fields,
        "link": s.link,
    }));
    let signing = secret("webhook.secret")?;
    let signature = format!(
        "sha256={}",
        hex(&hmac_sha256(signing.as_bytes(), body.as_bytes()))
    );
    Ok(Prepared {
        channel: Channel::Webhook,
        recipient,
        request: HttpRequest {
            method: "POST",
            shown_url: s.webhook_url.clone(),
            url: s.webhook_url.clone(),
            headers: vec![
                plain("Content-Type", "application/json"),
                plain("X-Dangol-Key", &key),
                (
                    "X-Dangol-Signature".into(),
                    // Derived from the secret and the body: harmless to show, but a dry run
                    // made without the secret would show a wrong one.
                    HeaderValue::Plain(signature),
                ),
            ],
            body,
            success: Success::Status,
        },
    })
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    use hmac::{KeyInit as _, Mac as _};
    // HMAC accepts a key of any length, so `new_from_slice` cannot fail.
    let mut mac = <hmac::Hmac<sha2::Sha256>>::new_from_slice(key).expect("any key length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Solapi's header: `HMAC-SHA256 apiKey=…, date=…, salt=…, signature=hex(HMAC(secret, date +
/// salt))`.
pub fn solapi_authorization(api_key: &str, api_secret: &str, date: &str, salt: &str) -> String {
    let signature = hex(&hmac_sha256(
        api_secret.as_bytes(),
        format!("{date}{salt}").as_bytes(),
    ));
    format!("HMAC-SHA256 apiKey={api_key}, date={date}, salt={salt}, signature={signature}")
}

/// The request as a dry run shows it: method and URL, headers, a blank line, the body, with
/// every secret redacted.
pub fn show(r: &HttpRequest, redact: &dyn Fn(&str) -> String) -> String {
    let mut s = format!("{} {}\n", r.method, redact(&r.shown_url));
    for (name, v) in &r.headers {
        let value = match v {
            HeaderValue::Plain(p) => p.clone(),
            // A dry run without the secret shows which variable is missing.
            HeaderValue::Secret { prefix, value } if value.starts_with("[DANGOL_") => {
                format!("{prefix}{value}")
            }
            HeaderValue::Secret { prefix, .. } => format!("{prefix}{REDACTED}"),
            HeaderValue::SolapiAuth { .. } => format!(
                "HMAC-SHA256 apiKey={REDACTED}, date=(time of sending), salt=(random), \
                 signature={REDACTED}"
            ),
        };
        s.push_str(&format!("{name}: {}\n", redact(&value)));
    }
    s.push('\n');
    s.push_str(&redact(&r.body));
    if !r.body.ends_with('\n') {
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn sections_respect_the_limit() {
        let lines: Vec<String> = (0..10).map(|_| "x".repeat(400)).collect();
        let s = sections(&lines, 1000);
        assert!(s.iter().all(|p| p.chars().count() <= 1000));
        assert_eq!(s.len(), 5);
        assert_eq!(sections(&["a".repeat(5000)], 3000)[0].chars().count(), 3000);
    }

    fn long_message() -> Message {
        Message {
            kind: super::super::Kind::Weekly,
            period: "2025-W15".into(),
            lang: crate::model::Lang::Ko,
            shop: "가게".into(),
            title: "가".repeat(400),
            lines: vec!["나".repeat(5000), "<b>&".into()],
            fields: vec![("shop".into(), "가게".into())],
        }
    }

    fn texts(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if let (true, Value::String(t)) = (k == "text" || k == "content", x) {
                        out.push(t.clone());
                    }
                    texts(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| texts(x, out)),
            _ => {}
        }
    }

    #[test]
    fn slack_notion_and_kakao_keep_their_length_limits() {
        let m = long_message();
        let secret = |_: &str| -> anyhow::Result<String> { Ok("http://127.0.0.1:9/x".into()) };
        let slack: Value = serde_json::from_str(&slack(&m, &secret).unwrap().request.body).unwrap();
        let header = slack["blocks"][0]["text"]["text"].as_str().unwrap();
        assert_eq!(header.chars().count(), SLACK_HEADER_MAX);
        assert!(header.ends_with('…'));
        let mut all = Vec::new();
        texts(&slack, &mut all);
        assert!(all.iter().all(|t| t.chars().count() <= SLACK_SECTION_MAX));
        assert!(
            slack["blocks"][2]["text"]["text"]
                .as_str()
                .unwrap()
                .contains("&lt;b&gt;&amp;")
        );

        let s = NotifySettings {
            notion_parent: "db".into(),
            ..NotifySettings::default()
        };
        let notion: Value =
            serde_json::from_str(&notion(&m, &s, &secret).unwrap().request.body).unwrap();
        let mut all = Vec::new();
        texts(&notion, &mut all);
        assert!(all.iter().any(|t| t.chars().count() == NOTION_TEXT_MAX));
        assert!(all.iter().all(|t| t.chars().count() <= NOTION_TEXT_MAX));

        let body = kakao(&m, &s, "t").request.body;
        assert!(body.starts_with("template_object="));
        assert!(
            body.len() < 200 * 9 + 200,
            "the text is cut to 200 characters"
        );
    }

    #[test]
    fn form_encoding() {
        assert_eq!(form_encode("a b&c=가"), "a+b%26c%3D%EA%B0%80");
    }
}
