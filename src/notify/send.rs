//! Delivering one request: timeouts, retries with backoff on 429 (`Retry-After` honoured, up
//! to `notify.max_retry_after`) and on connections that failed before anything was sent, and
//! never a retry after an ambiguous failure — a request that may have arrived is journalled
//! as unknown and left for the owner (`--retry-unknown`).

use std::io::Read as _;
use std::time::Duration;

use super::channels::{HeaderValue, HttpRequest, Success, solapi_authorization};
use super::journal::Journal;
use super::{NotifySettings, truncate};

/// The result of one exchange.
#[derive(Debug)]
pub enum Attempt {
    Response {
        status: u16,
        retry_after: Option<u64>,
        body: String,
    },
    /// Nothing reached the service (no connection): safe to try again.
    NotSent(String),
    /// The request may have reached the service.
    Unknown(String),
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent {
        attempts: u32,
    },
    /// The service said no (or kept saying 429); a later run tries again.
    Failed(String),
    /// It may have arrived; not retried without `--retry-unknown`.
    Unknown(String),
}

/// An HTTP agent for notifications: no connection reuse (a stale pooled connection would
/// turn a clean retry into an ambiguous one), per-phase timeouts, statuses as values.
pub fn agent(s: &NotifySettings) -> ureq::Agent {
    let t = Some(Duration::from_secs(u64::from(s.timeout_seconds)));
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections(0)
        .max_redirects(0)
        .user_agent("dangol")
        .timeout_resolve(t)
        .timeout_connect(t)
        .timeout_send_request(t)
        .timeout_send_body(t)
        .timeout_recv_response(t)
        .timeout_recv_body(t)
        .build()
        .new_agent()
}

fn header_text(v: &HeaderValue) -> String {
    match v {
        HeaderValue::Plain(p) => p.clone(),
        HeaderValue::Secret { prefix, value } => format!("{prefix}{value}"),
        HeaderValue::SolapiAuth {
            api_key,
            api_secret,
        } => {
            let now = chrono::Utc::now();
            let date = now.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
            // Unique per request (Solapi refuses a reused salt): the clock and the process.
            let seed = format!(
                "{}{}{api_key}",
                now.timestamp_nanos_opt().unwrap_or(0),
                std::process::id()
            );
            let salt =
                super::channels::hex(&super::channels::hmac_sha256(seed.as_bytes(), b"salt"))[..32]
                    .to_string();
            solapi_authorization(api_key, api_secret, &date, &salt)
        }
    }
}

/// One exchange with the service.
pub fn exchange(agent: &ureq::Agent, r: &HttpRequest) -> Attempt {
    let mut req = agent.post(&r.url);
    for (name, v) in &r.headers {
        req = req.header(name.as_str(), header_text(v));
    }
    match req.send(r.body.as_bytes()) {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let mut body = String::new();
            let _ = resp
                .body_mut()
                .as_reader()
                .take(64 * 1024)
                .read_to_string(&mut body);
            Attempt::Response {
                status,
                retry_after,
                body,
            }
        }
        Err(e) => classify(&e),
    }
}

/// Connecting failed → nothing was sent; anything later → the request may have arrived.
fn classify(e: &ureq::Error) -> Attempt {
    use ureq::Error as E;
    use ureq::Timeout as T;
    let text = e.to_string();
    match e {
        E::HostNotFound | E::ConnectionFailed | E::Timeout(T::Resolve | T::Connect) => {
            Attempt::NotSent(text)
        }
        E::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::AddrNotAvailable
                    | std::io::ErrorKind::NotFound
            ) =>
        {
            Attempt::NotSent(text)
        }
        E::Timeout(_) => Attempt::Unknown(format!("no answer in time ({text})")),
        _ => Attempt::Unknown(text),
    }
}

/// Whether a 2xx answer also says the message was accepted.
fn accepted(success: Success, body: &str) -> bool {
    match success {
        Success::Status => true,
        Success::SlackOk => body.trim() == "ok",
        Success::KakaoResultCode => {
            serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.get("result_code").and_then(serde_json::Value::as_i64))
                == Some(0)
        }
        Success::NhnHeader => {
            serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| {
                    v.get("header")
                        .and_then(|h| h.get("isSuccessful"))
                        .and_then(serde_json::Value::as_bool)
                })
                == Some(true)
        }
    }
}

/// Backoff before attempt `n + 1` after a failed connection: 0.5 s, 1 s, 2 s … up to 8 s.
fn backoff(n: u32) -> Duration {
    Duration::from_millis(500u64.saturating_mul(1 << n.saturating_sub(1).min(4)))
}

/// Replaces a failed request once, e.g. with a refreshed Kakao token after a 401.
pub type Renew<'a> = dyn FnMut() -> anyhow::Result<HttpRequest> + 'a;

/// Deliver `request` under `key`, journalling every attempt; `renew` gets one chance to
/// replace it after a 401.
pub fn deliver(
    agent: &ureq::Agent,
    journal: &mut Journal,
    key: &str,
    mut request: HttpRequest,
    s: &NotifySettings,
    redact: &dyn Fn(&str) -> String,
    mut renew: Option<&mut Renew<'_>>,
) -> anyhow::Result<Outcome> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        journal.record(key, "pending", attempt, "")?;
        let last = attempt >= s.attempts;
        match exchange(agent, &request) {
            Attempt::Response { status, body, .. }
                if (200..300).contains(&status) && accepted(request.success, &body) =>
            {
                journal.record(key, "sent", attempt, &format!("HTTP {status}"))?;
                return Ok(Outcome::Sent { attempts: attempt });
            }
            Attempt::Response {
                status: 401, body, ..
            } if renew.is_some() => {
                let detail = format!("HTTP 401: {}", redact(&truncate(body.trim(), 200)));
                journal.record(key, "failed", attempt, &detail)?;
                if let Some(r) = renew.take() {
                    request = r()?;
                }
            }
            Attempt::Response {
                status: 429,
                retry_after,
                body,
            } => {
                let wait = retry_after.unwrap_or_else(|| backoff(attempt).as_secs().max(1));
                let detail = format!("HTTP 429: {}", redact(&truncate(body.trim(), 200)));
                if last || wait > u64::from(s.max_retry_after) {
                    let why = if last {
                        format!("{detail} (gave up after {attempt} attempts)")
                    } else {
                        format!(
                            "{detail} (Retry-After {wait} s is longer than notify.max_retry_after)"
                        )
                    };
                    journal.record(key, "failed", attempt, &why)?;
                    return Ok(Outcome::Failed(why));
                }
                journal.record(
                    key,
                    "retrying",
                    attempt,
                    &format!("{detail}; waiting {wait} s"),
                )?;
                std::thread::sleep(Duration::from_secs(wait));
            }
            Attempt::Response { status, body, .. } => {
                let detail = format!("HTTP {status}: {}", redact(&truncate(body.trim(), 200)));
                journal.record(key, "failed", attempt, &detail)?;
                return Ok(Outcome::Failed(detail));
            }
            Attempt::NotSent(e) => {
                let detail = format!("could not connect: {}", redact(&e));
                if last {
                    let why = format!("{detail} (gave up after {attempt} attempts)");
                    journal.record(key, "failed", attempt, &why)?;
                    return Ok(Outcome::Failed(why));
                }
                journal.record(key, "retrying", attempt, &detail)?;
                std::thread::sleep(backoff(attempt));
            }
            Attempt::Unknown(e) => {
                let detail = redact(&e);
                journal.record(key, "unknown", attempt, &detail)?;
                return Ok(Outcome::Unknown(detail));
            }
        }
    }
}
