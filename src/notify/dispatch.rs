//! Executing a notification plan: for each message and channel, build the request, then
//! either show it (the dry run) or deliver it through the journal.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::channels::{self, HttpRequest, Prepared, SecretFn};
use super::email::{self, Pdf};
use super::journal::{Journal, Status};
use super::secrets::{NAMES, Secrets};
use super::send::{self, Outcome};
use super::{Channel, Kind, Message, NotifySettings};
use crate::model::Lang;

/// One message in two forms: as the owner's own mailbox may show it, and masked for chat.
#[derive(Debug, Clone)]
pub struct Item {
    pub plain: Message,
    pub masked: Message,
}

/// How a run of `notify` is done.
pub struct Plan<'a> {
    pub workbook: &'a Path,
    pub settings: &'a NotifySettings,
    pub lang: Lang,
    /// The as-of day: a dry-run e-mail is dated at its start.
    pub as_of: chrono::NaiveDate,
    /// Only with `--send` does anything leave the machine.
    pub send: bool,
    pub retry_unknown: bool,
    /// The dry run's folder; `None` prints the requests.
    pub out: Option<PathBuf>,
    /// The weekly PDF, attached to the weekly e-mail.
    pub pdf: Option<Pdf>,
}

/// What happened to one message on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Result {
    /// Dry run: written to this file (or printed).
    Shown(Option<PathBuf>),
    Sent,
    AlreadySent(String),
    /// Not sent again: an earlier outcome is unknown.
    HeldUnknown(String),
    Failed(String),
    Unknown(String),
    /// Could not be prepared (a missing setting or secret).
    Error(String),
}

impl Result {
    /// Whether cron should hear about it.
    pub fn is_problem(&self) -> bool {
        matches!(
            self,
            Result::HeldUnknown(_) | Result::Failed(_) | Result::Unknown(_) | Result::Error(_)
        )
    }
}

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Line {
    pub channel: Channel,
    pub kind: Kind,
    pub period: String,
    pub result: Result,
    /// Dry run without `--out`: the request text.
    pub shown: Option<String>,
}

fn env_of(name: &str) -> &'static str {
    NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, e)| *e)
}

/// Build, then show or deliver, every (message, channel).
pub fn run(plan: &Plan<'_>, items: &[Item], to: &[Channel]) -> anyhow::Result<Vec<Line>> {
    let mut secrets = Secrets::load(plan.workbook)?;
    let mut journal = if plan.send {
        Some(Journal::open(plan.workbook)?)
    } else {
        None
    };
    let agent = send::agent(plan.settings);
    if let Some(dir) = &plan.out
        && !plan.send
    {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut lines = Vec::new();
    for item in items {
        for &channel in to {
            let m = if channel.masks_names() && plan.settings.mask {
                &item.masked
            } else {
                &item.plain
            };
            let (result, shown) =
                match one(plan, m, channel, &mut secrets, journal.as_mut(), &agent) {
                    Ok(r) => r,
                    Err(e) => (Result::Error(secrets.redact(&format!("{e:#}"))), None),
                };
            lines.push(Line {
                channel,
                kind: m.kind,
                period: m.period.clone(),
                result,
                shown,
            });
        }
    }
    Ok(lines)
}

fn one(
    plan: &Plan<'_>,
    m: &Message,
    channel: Channel,
    secrets: &mut Secrets,
    journal: Option<&mut Journal>,
    agent: &ureq::Agent,
) -> anyhow::Result<(Result, Option<String>)> {
    let s = plan.settings;
    let dry = !plan.send;
    let lookup = |secrets: &Secrets, name: &str| -> anyhow::Result<String> {
        match secrets.get(name) {
            Some(v) => Ok(v.to_string()),
            None if dry => Ok(format!("[{} not set]", env_of(name))),
            None => secrets
                .require(name, channel.name())
                .map(ToString::to_string),
        }
    };
    let file = format!(
        "{}-{}-{}.{}",
        channel.name(),
        m.kind.name(),
        m.period,
        if channel == Channel::Email {
            "eml.txt"
        } else {
            "http"
        }
    );

    if channel == Channel::Email {
        let key = m.key(channel, &s.email_to);
        let pdf = plan.pdf.as_ref().filter(|_| m.kind == Kind::Weekly);
        if dry {
            // A dry run is dated at the start of the as-of day, so it is the same every run.
            let midnight = plan.as_of.and_time(chrono::NaiveTime::MIN).and_utc();
            let date = std::time::UNIX_EPOCH
                + std::time::Duration::from_secs(u64::try_from(midnight.timestamp()).unwrap_or(0));
            let mail = email::build(m, &key, s, pdf, date)?;
            let text = secrets.redact(&email::show(&mail, s));
            return shown(plan, &file, text);
        }
        let Some(journal) = journal else {
            anyhow::bail!("internal: sending without the journal");
        };
        if let Some(r) = held(journal, &key, plan.retry_unknown) {
            return Ok((r, None));
        }
        let mail = email::build(m, &key, s, pdf, std::time::SystemTime::now())?;
        let outcome = email::deliver(journal, &key, &mail, s, secrets)?;
        return Ok((outcome_result(outcome), None));
    }

    let secret_fn = |name: &str| lookup(secrets, name);
    let prepared: Prepared = match channel {
        Channel::Slack => channels::slack(m, &secret_fn)?,
        Channel::Kakao => {
            let token = match secrets.get("kakao.access_token") {
                Some(t) => t.to_string(),
                None if dry => "[DANGOL_KAKAO_ACCESS_TOKEN not set]".to_string(),
                // No access token yet: get one with the refresh token.
                None => refresh_kakao(s, secrets, agent)?,
            };
            channels::kakao(m, s, &token)
        }
        Channel::Alimtalk => channels::alimtalk(m, s, &secret_fn)?,
        Channel::Notion => channels::notion(m, s, &secret_fn)?,
        Channel::Webhook => channels::webhook(m, &|r| m.key(channel, r), s, &secret_fn)?,
        Channel::Email => anyhow::bail!("internal: e-mail is not an HTTP channel"),
    };
    let key = m.key(channel, &prepared.recipient);
    if dry {
        let text = channels::show(&prepared.request, &|x| secrets.redact(x));
        return shown(plan, &file, text);
    }
    let Some(journal) = journal else {
        anyhow::bail!("internal: sending without the journal");
    };
    if let Some(r) = held(journal, &key, plan.retry_unknown) {
        return Ok((r, None));
    }
    let redact_secrets = Secrets::load(plan.workbook)?;
    let redact = |x: &str| redact_secrets.redact(x);
    let outcome = if channel == Channel::Kakao {
        let mut renew = || -> anyhow::Result<HttpRequest> {
            let token = refresh_kakao(s, secrets, agent)?;
            Ok(channels::kakao(m, s, &token).request)
        };
        send::deliver(
            agent,
            journal,
            &key,
            prepared.request,
            s,
            &redact,
            Some(&mut renew),
        )?
    } else {
        send::deliver(agent, journal, &key, prepared.request, s, &redact, None)?
    };
    Ok((outcome_result(outcome), None))
}

fn outcome_result(o: Outcome) -> Result {
    match o {
        Outcome::Sent { .. } => Result::Sent,
        Outcome::Failed(d) => Result::Failed(d),
        Outcome::Unknown(d) => Result::Unknown(d),
    }
}

/// A message the journal says not to send (again).
fn held(journal: &Journal, key: &str, retry_unknown: bool) -> Option<Result> {
    match journal.status(key) {
        Status::Open => None,
        Status::Sent { at } => Some(Result::AlreadySent(at)),
        Status::Unknown { .. } if retry_unknown => None,
        Status::Unknown { at, detail } => Some(Result::HeldUnknown(if detail.is_empty() {
            at
        } else {
            format!("{at}, {detail}")
        })),
    }
}

fn shown(plan: &Plan<'_>, file: &str, text: String) -> anyhow::Result<(Result, Option<String>)> {
    match &plan.out {
        Some(dir) => {
            let path = dir.join(file);
            std::fs::write(&path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok((Result::Shown(Some(path)), None))
        }
        None => Ok((Result::Shown(None), Some(text))),
    }
}

/// Get a new Kakao access token with the refresh token and store the rotated tokens.
fn refresh_kakao(
    s: &NotifySettings,
    secrets: &mut Secrets,
    agent: &ureq::Agent,
) -> anyhow::Result<String> {
    let req = {
        let f: &SecretFn<'_> =
            &|name: &str| secrets.require(name, "kakao").map(ToString::to_string);
        channels::kakao_refresh(s, f)?
    };
    let answer = send::exchange(agent, &req);
    let body = match answer {
        send::Attempt::Response { status, body, .. } if (200..300).contains(&status) => body,
        send::Attempt::Response { status, body, .. } => {
            return Err(crate::i18n::said(crate::text!(
                KakaoRefreshRefused,
                status = status,
                body = secrets.redact(&super::truncate(body.trim(), 200))
            )));
        }
        send::Attempt::NotSent(e) | send::Attempt::Unknown(e) => {
            return Err(crate::i18n::said(crate::text!(
                KakaoRefreshFailed,
                error = secrets.redact(&e)
            )));
        }
    };
    let v: serde_json::Value = serde_json::from_str(&body)
        .map_err(|_| crate::i18n::said(crate::text!(KakaoRefreshNotJson)))?;
    let access = v
        .get("access_token")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| crate::i18n::said(crate::text!(KakaoRefreshNoToken)))?
        .to_string();
    let mut updates = vec![("kakao.access_token", access.clone())];
    // Kakao sends a new refresh token only when the old one is close to expiring.
    if let Some(r) = v.get("refresh_token").and_then(serde_json::Value::as_str) {
        updates.push(("kakao.refresh_token", r.to_string()));
    }
    let pairs: Vec<(&str, &str)> = updates.iter().map(|(k, v)| (*k, v.as_str())).collect();
    secrets.store(&pairs)?;
    Ok(access)
}

/// The report, one line per message and channel, in the workbook's language.
pub fn report(lines: &[Line], lang: Lang) -> String {
    let mut s = String::new();
    for l in lines {
        let head = format!("{} {} {}", l.channel.name(), l.kind.name(), l.period);
        let what = match (&l.result, lang) {
            (Result::Shown(Some(p)), Lang::Ko) => {
                format!("미리보기 → {} (보내지 않음; --send로 발송)", p.display())
            }
            (Result::Shown(Some(p)), Lang::En) => {
                format!("dry run → {} (not sent; --send sends)", p.display())
            }
            (Result::Shown(None), Lang::Ko) => "미리보기 (보내지 않음; --send로 발송)".into(),
            (Result::Shown(None), Lang::En) => "dry run (not sent; --send sends)".into(),
            (Result::Sent, Lang::Ko) => "보냄".into(),
            (Result::Sent, Lang::En) => "sent".into(),
            (Result::AlreadySent(at), Lang::Ko) => format!("이미 보냄 ({at}), 다시 보내지 않음"),
            (Result::AlreadySent(at), Lang::En) => format!("already sent ({at}), not sent again"),
            (Result::HeldUnknown(d), Lang::Ko) => format!(
                "지난 발송 결과를 알 수 없음 ({d}); 중복을 막으려고 보내지 않음 — 받았는지 확인한 뒤 --retry-unknown"
            ),
            (Result::HeldUnknown(d), Lang::En) => format!(
                "outcome of an earlier attempt unknown ({d}); not sent again to avoid a duplicate — check whether it arrived, then use --retry-unknown"
            ),
            (Result::Failed(d), Lang::Ko) => format!("실패: {d}"),
            (Result::Failed(d), Lang::En) => format!("failed: {d}"),
            (Result::Unknown(d), Lang::Ko) => format!(
                "결과를 알 수 없음: {d}; 도착했을 수 있어 다시 보내지 않음 (--retry-unknown)"
            ),
            (Result::Unknown(d), Lang::En) => format!(
                "outcome unknown: {d}; it may have arrived, so it is not retried (--retry-unknown)"
            ),
            (Result::Error(e), Lang::Ko) => format!("보낼 수 없음: {e}"),
            (Result::Error(e), Lang::En) => format!("cannot send: {e}"),
        };
        s.push_str(&format!("{head}: {what}\n"));
        if let Some(text) = &l.shown {
            s.push_str(text);
            s.push('\n');
        }
    }
    s
}
