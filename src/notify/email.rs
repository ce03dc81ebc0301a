//! E-mail over SMTP (lettre): the message as text, with the weekly PDF attached to the weekly
//! summary. The Message-ID is made from the message key and the MIME boundary is fixed, so a
//! message's bytes depend only on its content and its date.

use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use lettre::Transport as _;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;

use super::channels::{hex, hmac_sha256};
use super::send::{Attempt, Outcome};
use super::settings::SmtpTls;
use super::{Message, NotifySettings};

/// A PDF to attach.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub name: String,
    pub bytes: Vec<u8>,
}

fn mailbox(v: &str, key: &str) -> anyhow::Result<Mailbox> {
    v.parse::<Mailbox>().map_err(|_| {
        crate::i18n::said(crate::text!(
            NotifyEmailBadAddress,
            key = key,
            found = format!("{v:?}")
        ))
    })
}

/// The e-mail of `m`, dated `date`.
pub fn build(
    m: &Message,
    key: &str,
    s: &NotifySettings,
    pdf: Option<&Pdf>,
    date: SystemTime,
) -> anyhow::Result<lettre::Message> {
    if s.email_to.is_empty() {
        return Err(crate::i18n::said(crate::text!(NotifyEmailNoTo)));
    }
    let to = mailbox(&s.email_to, "notify.email.to")?;
    let from = if s.email_from.is_empty() {
        to.clone()
    } else {
        mailbox(&s.email_from, "notify.email.from")?
    };
    let id = hex(&hmac_sha256(b"dangol", key.as_bytes()));
    let mut text = m.lines.join("\n");
    text.push('\n');
    let builder = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(m.title.clone())
        .date(date)
        .message_id(Some(format!("<{}@dangol>", &id[..32])));
    let body = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(text);
    let mail = match pdf {
        Some(p) => builder.multipart(
            MultiPart::mixed()
                .boundary(format!("dangol-{}", &id[..24]))
                .singlepart(body)
                .singlepart(Attachment::new(p.name.clone()).body(
                    p.bytes.clone(),
                    ContentType::parse("application/pdf").context("content type")?,
                )),
        ),
        None => builder.singlepart(body),
    };
    mail.context("email: cannot build the message")
}

/// What a dry run shows: the SMTP server and envelope, then the message as it is sent.
pub fn show(mail: &lettre::Message, s: &NotifySettings) -> String {
    let env = mail.envelope();
    let from = env.from().map(ToString::to_string).unwrap_or_default();
    let to: Vec<String> = env.to().iter().map(ToString::to_string).collect();
    let tls = match s.smtp_tls {
        SmtpTls::Tls => "tls",
        SmtpTls::Starttls => "starttls",
        SmtpTls::None => "none",
    };
    format!(
        "SMTP {}:{} (tls: {tls})\nMAIL FROM:<{from}>\nRCPT TO:<{}>\n\n{}",
        s.smtp_host,
        s.smtp_port,
        to.join(">, <"),
        String::from_utf8_lossy(&mail.formatted())
    )
}

fn transport(
    s: &NotifySettings,
    user: Option<&str>,
    password: Option<&str>,
) -> anyhow::Result<lettre::SmtpTransport> {
    if s.smtp_host.is_empty() {
        return Err(crate::i18n::said(crate::text!(NotifySmtpNoHost)));
    }
    let b = match s.smtp_tls {
        SmtpTls::Tls => lettre::SmtpTransport::relay(&s.smtp_host)?,
        SmtpTls::Starttls => lettre::SmtpTransport::starttls_relay(&s.smtp_host)?,
        SmtpTls::None => lettre::SmtpTransport::builder_dangerous(&s.smtp_host),
    };
    let mut b = b
        .port(s.smtp_port)
        .timeout(Some(Duration::from_secs(u64::from(s.timeout_seconds))));
    if let (Some(u), Some(p)) = (user, password) {
        b = b.credentials(Credentials::new(u.to_string(), p.to_string()));
    }
    Ok(b.build())
}

/// Refused or unreachable before the conversation → not sent; an SMTP reply → a definite
/// no; anything else (a dropped connection, a timeout) → it may have been accepted.
fn classify(e: &lettre::transport::smtp::Error) -> Attempt {
    let text = e.to_string();
    let mut src: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::AddrNotAvailable
            )
        {
            return Attempt::NotSent(text);
        }
        src = s.source();
    }
    if e.is_permanent() || e.is_transient() {
        let code = e.status().map(|c| c.to_string()).unwrap_or_default();
        return Attempt::Response {
            status: code.parse().unwrap_or(550),
            retry_after: None,
            body: text,
        };
    }
    Attempt::Unknown(text)
}

/// Send over SMTP, journalled like an HTTP request.
pub fn deliver(
    journal: &mut super::journal::Journal,
    key: &str,
    mail: &lettre::Message,
    s: &NotifySettings,
    secrets: &super::secrets::Secrets,
) -> anyhow::Result<Outcome> {
    let t = transport(
        s,
        secrets.get("smtp.username"),
        secrets.get("smtp.password"),
    )?;
    let redact = |x: &str| secrets.redact(x);
    let mut attempt = 0;
    loop {
        attempt += 1;
        journal.record(key, "pending", attempt, "")?;
        match t.send(mail) {
            Ok(r) => {
                journal.record(key, "sent", attempt, &format!("SMTP {}", r.code()))?;
                return Ok(Outcome::Sent { attempts: attempt });
            }
            Err(e) => match classify(&e) {
                Attempt::NotSent(x) if attempt < s.attempts => {
                    journal.record(key, "retrying", attempt, &redact(&x))?;
                    std::thread::sleep(Duration::from_millis(500 << attempt.min(4)));
                }
                Attempt::NotSent(x) | Attempt::Response { body: x, .. } => {
                    let x = redact(&x);
                    journal.record(key, "failed", attempt, &x)?;
                    return Ok(Outcome::Failed(x));
                }
                Attempt::Unknown(x) => {
                    let x = redact(&x);
                    journal.record(key, "unknown", attempt, &x)?;
                    return Ok(Outcome::Unknown(x));
                }
            },
        }
    }
}
