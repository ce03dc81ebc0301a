//! `dangol notify` and `run --notify` through the real binary, against HTTP and SMTP servers
//! started here on 127.0.0.1 (ephemeral ports): byte-for-byte requests per channel, retries,
//! ambiguous failures, the journal, secrets. No test sends traffic to any other address.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::support::{V, tmp, xlsx};

const AS_OF: &str = "2025-04-16";

fn d(y: u16, m: u8, day: u8) -> V {
    V::D(y, m, day, 10, 0)
}

/// A shop with two customers buying in 2025-W15 (the week reported as of 2025-04-16) and an
/// open quote due for a reminder.
fn shop(dir: &Path, settings: &[(&'static str, &'static str)]) -> PathBuf {
    let path = dir.join("shop.xlsx");
    let s = V::S;
    let mut sheets = vec![
        (
            "Sales",
            vec![
                vec![s("Date"), s("Customer"), s("Order ID"), s("Amount")],
                vec![d(2025, 4, 1), s("Alice"), s("O1"), V::N(600_000.0)],
                vec![d(2025, 4, 10), s("Alice"), s("O2"), V::N(500_000.0)],
                vec![d(2025, 4, 12), s("김철수"), s("O3"), V::N(100_000.0)],
            ],
        ),
        (
            "Quotes",
            vec![
                vec![
                    s("Quote ID"),
                    s("Customer"),
                    s("Sent"),
                    s("Opened"),
                    s("Responded"),
                    s("Converted"),
                ],
                vec![s("Q1"), s("김철수"), d(2025, 4, 9), s("N"), s("N"), s("N")],
            ],
        ),
    ];
    if !settings.is_empty() {
        let mut rows = vec![vec![s("key"), s("value")]];
        for (k, v) in settings {
            rows.push(vec![s(k), s(v)]);
        }
        sheets.push(("Settings", rows));
    }
    xlsx(&path, &sheets);
    path
}

/// Run the binary in `dir` with the hermetic environment (no inherited `DANGOL_*` variables),
/// the secrets file pinned to `dir/secrets.toml` unless `env` says otherwise, and `env` added.
fn dangol_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = crate::support::cmd();
    cmd.current_dir(dir)
        .env("DANGOL_SECRETS", dir.join("secrets.toml"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).output().expect("run")
}

fn out(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What the test server does with one connection.
#[derive(Debug, Clone)]
enum Reply {
    /// Answer with a status, extra headers and a body.
    Http(u16, &'static str, String),
    /// Read the whole request, then close without answering.
    Drop,
    /// Read the whole request, then say nothing for this long.
    Hang(Duration),
}

/// An HTTP server on 127.0.0.1 that answers the given replies in order, one connection each,
/// and records every request's bytes. It stops by itself after its replies or 30 seconds.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    handle: Option<JoinHandle<()>>,
}

fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut raw = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return raw;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        raw.extend_from_slice(line.as_bytes());
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).expect("body");
    raw.extend_from_slice(&body);
    raw
}

impl Server {
    fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let handle = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(30);
            let mut replies = replies.into_iter();
            let mut next = replies.next();
            while let Some(reply) = next.take() {
                if Instant::now() > deadline {
                    return;
                }
                let Ok((mut stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    next = Some(reply);
                    continue;
                };
                stream.set_nonblocking(false).expect("blocking");
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .expect("timeout");
                let raw = read_request(&mut stream);
                seen.lock().expect("lock").push(raw);
                match reply {
                    Reply::Http(status, headers, body) => {
                        let text = format!(
                            "HTTP/1.1 {status} X\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = stream.write_all(text.as_bytes());
                    }
                    Reply::Drop => {}
                    Reply::Hang(t) => std::thread::sleep(t),
                }
                drop(stream);
                next = replies.next();
            }
        });
        Server {
            port,
            requests,
            handle: Some(handle),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Wait for the server to finish its replies, then the requests it saw, with the
    /// ephemeral port replaced by `PORT`.
    fn finish(mut self) -> Vec<String> {
        if let Some(h) = self.handle.take() {
            h.join().expect("server thread");
        }
        self.seen()
    }

    fn seen(&self) -> Vec<String> {
        let port = format!("127.0.0.1:{}", self.port);
        self.requests
            .lock()
            .expect("lock")
            .iter()
            .map(|r| String::from_utf8_lossy(r).replace(&port, "127.0.0.1:PORT"))
            .collect()
    }
}

/// Compare with `tests/integration/golden/notify/NAME`; `UPDATE_GOLDEN=1` rewrites it.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/integration/golden/notify")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {} (UPDATE_GOLDEN=1 writes it)",
            path.display()
        )
    });
    assert_eq!(actual, expected, "request differs from {}", path.display());
}

#[cfg(unix)]
fn write_secrets(dir: &Path, text: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    let p = dir.join("secrets.toml");
    std::fs::write(&p, text).expect("secrets");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn journal(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(".dangol-notify.jsonl")).unwrap_or_default()
}

/// The journal's states, in order, without timestamps.
fn states(dir: &Path) -> Vec<String> {
    journal(dir)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("journal line");
            format!(
                "{} {} {}",
                v["key"].as_str().unwrap_or(""),
                v["state"].as_str().unwrap_or(""),
                v["attempt"]
            )
        })
        .collect()
}

const SLACK_SECRET: &str = "T0000/B0000/abcdefghijklmnopqrstuvwx";

fn slack_env(server: &Server) -> (String, String) {
    (
        "DANGOL_SLACK_WEBHOOK_URL".to_string(),
        format!("{}/services/{SLACK_SECRET}", server.url()),
    )
}

fn notify_slack(dir: &Path, wb: &Path, server: &Server, extra: &[&str]) -> std::process::Output {
    let (k, v) = slack_env(server);
    let mut args = vec![
        "notify",
        wb.to_str().unwrap(),
        "--what",
        "weekly",
        "--to",
        "slack",
        "--send",
        "--as-of",
        AS_OF,
    ];
    args.extend_from_slice(extra);
    dangol_env(dir, &args, &[(&k, &v)])
}

#[test]
fn slack_weekly_is_posted_exactly_as_documented_and_never_twice() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let server = Server::start(vec![Reply::Http(200, "", "ok".into())]);
    let o = notify_slack(dir.path(), &wb, &server, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "slack weekly 2025-W15: sent\n");
    let seen = server.finish();
    assert_eq!(seen.len(), 1);
    golden("slack-weekly.http", &seen[0]);
    assert!(!journal(dir.path()).contains(SLACK_SECRET));
    assert_eq!(
        states(dir.path()),
        [
            "slack|weekly|webhook|2025-W15 pending 1",
            "slack|weekly|webhook|2025-W15 sent 1"
        ]
    );

    // A re-run sends nothing: the server is gone, so any attempt would fail loudly.
    let again = Server::start(vec![]);
    let o = notify_slack(dir.path(), &wb, &again, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        out(&o).starts_with("slack weekly 2025-W15: already sent ("),
        "{}",
        out(&o)
    );
    assert!(out(&o).ends_with("), not sent again\n"), "{}", out(&o));
    assert!(again.finish().is_empty());
}

#[test]
fn a_dry_run_writes_the_exact_requests_with_secrets_redacted_and_sends_nothing() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let preview = dir.path().join("preview");
    let server = Server::start(vec![]);
    let hook = format!("notify.webhook.url={}/hook", server.url());
    let (k, v) = (
        "DANGOL_SLACK_WEBHOOK_URL",
        format!("http://127.0.0.1:9/services/{SLACK_SECRET}"),
    );
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly,reminders,grade-changes",
            "--to",
            "slack,webhook",
            "--out",
            preview.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--set",
            &hook,
        ],
        &[(k, &v), ("DANGOL_WEBHOOK_SECRET", "whsec-test-signing-key")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains("slack weekly 2025-W15: dry run → "), "{text}");
    assert!(
        text.contains("slack-weekly-2025-W15.http (not sent; --send sends)\n"),
        "{text}"
    );
    let mut names: Vec<String> = std::fs::read_dir(&preview)
        .expect("preview dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "slack-grade-changes-2025-04-16.http",
            "slack-reminders-2025-04-16.http",
            "slack-weekly-2025-W15.http",
            "webhook-grade-changes-2025-04-16.http",
            "webhook-reminders-2025-04-16.http",
            "webhook-weekly-2025-W15.http",
        ]
    );
    for n in &names {
        let body = std::fs::read_to_string(preview.join(n)).expect("read");
        assert!(!body.contains(SLACK_SECRET), "{n} shows the webhook secret");
        assert!(
            !body.contains("whsec-test-signing-key"),
            "{n} shows the signing key"
        );
    }
    let slack = std::fs::read_to_string(preview.join("slack-weekly-2025-W15.http")).expect("read");
    golden("dry-run-slack-weekly.http", &slack);
    let reminders =
        std::fs::read_to_string(preview.join("slack-reminders-2025-04-16.http")).expect("read");
    // Names are masked in chat messages.
    assert!(reminders.contains("김*수"), "{reminders}");
    assert!(!reminders.contains("김철수"), "{reminders}");
    assert!(server.finish().is_empty(), "a dry run touched the network");
    assert!(!dir.path().join(".dangol-notify.jsonl").exists());
}

#[test]
fn notify_mask_false_shows_names() {
    let dir = tmp();
    let wb = shop(dir.path(), &[("notify.mask", "false")]);
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "reminders",
            "--to",
            "slack",
            "--as-of",
            AS_OF,
        ],
        &[("DANGOL_SLACK_WEBHOOK_URL", "http://127.0.0.1:9/services/x")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("김철수"), "{}", out(&o));
}

#[test]
fn a_429_with_retry_after_is_waited_for_and_the_message_goes_once() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let server = Server::start(vec![
        Reply::Http(
            429,
            "Retry-After: 1\r\n",
            r#"{"object":"error","status":429,"code":"rate_limited"}"#.into(),
        ),
        Reply::Http(200, "", r#"{"object":"page","id":"p1"}"#.into()),
    ]);
    let url = format!("notify.notion.url={}", server.url());
    let started = Instant::now();
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly",
            "--to",
            "notion",
            "--send",
            "--as-of",
            AS_OF,
            "--set",
            &url,
            "--set",
            "notify.notion.parent=d9824bdc84454327be8b5b47500af6ce",
        ],
        &[("DANGOL_NOTION_TOKEN", "ntn_test_token_0001")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "notion weekly 2025-W15: sent\n");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
    let seen = server.finish();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0], seen[1], "the retry must be the same request");
    golden("notion-2022-06-28.http", &seen[1]);
    let key = "notion|weekly|d9824bdc84454327be8b5b47500af6ce|2025-W15";
    assert_eq!(
        states(dir.path()),
        [
            format!("{key} pending 1"),
            format!("{key} retrying 1"),
            format!("{key} pending 2"),
            format!("{key} sent 2"),
        ]
    );
}

#[test]
fn notion_2025_09_03_uses_a_data_source_parent() {
    let dir = tmp();
    let wb = shop(
        dir.path(),
        &[
            ("notify.notion.version", "2025-09-03"),
            ("notify.notion.title", "이름"),
        ],
    );
    let server = Server::start(vec![Reply::Http(200, "", "{}".into())]);
    let url = format!("notify.notion.url={}", server.url());
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "grade-changes",
            "--to",
            "notion",
            "--send",
            "--as-of",
            AS_OF,
            "--set",
            &url,
            "--set",
            "notify.notion.parent=ds-1234",
        ],
        &[("DANGOL_NOTION_TOKEN", "ntn_test_token_0001")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let seen = server.finish();
    golden("notion-2025-09-03.http", &seen[0]);
}

#[test]
fn a_500_is_reported_logged_and_sent_on_the_next_run() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let server = Server::start(vec![Reply::Http(500, "", "boom".into())]);
    let o = notify_slack(dir.path(), &wb, &server, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err(&o),
        "dangol: slack weekly 2025-W15: failed: HTTP 500: boom\n"
    );
    assert_eq!(out(&o), "");
    // A definite answer is not retried within the run…
    assert_eq!(server.finish().len(), 1);
    assert_eq!(
        states(dir.path()),
        [
            "slack|weekly|webhook|2025-W15 pending 1",
            "slack|weekly|webhook|2025-W15 failed 1"
        ]
    );
    assert!(journal(dir.path()).contains(r#""detail":"HTTP 500: boom""#));
    // …and, since it was not delivered, the next run sends it.
    let server = Server::start(vec![Reply::Http(200, "", "ok".into())]);
    let o = notify_slack(dir.path(), &wb, &server, &[]);
    assert_eq!(out(&o), "slack weekly 2025-W15: sent\n", "{}", err(&o));
    assert_eq!(server.finish().len(), 1);
}

#[test]
fn a_connection_dropped_after_the_request_is_unknown_and_not_retried() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let server = Server::start(vec![Reply::Drop]);
    let o = notify_slack(dir.path(), &wb, &server, &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(
        e.starts_with("dangol: slack weekly 2025-W15: outcome unknown: "),
        "{e}"
    );
    assert!(
        e.ends_with("; it may have arrived, so it is not retried (--retry-unknown)\n"),
        "{e}"
    );
    assert!(!e.contains(SLACK_SECRET), "{e}");
    assert_eq!(server.finish().len(), 1);

    // The next run holds it back…
    let server = Server::start(vec![Reply::Http(200, "", "ok".into())]);
    let o = notify_slack(dir.path(), &wb, &server, &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(
        e.starts_with("dangol: slack weekly 2025-W15: outcome of an earlier attempt unknown ("),
        "{e}"
    );
    assert!(e.ends_with("not sent again to avoid a duplicate — check whether it arrived, then use --retry-unknown\n"), "{e}");
    // …until the owner says to send it again.
    let o = notify_slack(dir.path(), &wb, &server, &["--retry-unknown"]);
    assert_eq!(out(&o), "slack weekly 2025-W15: sent\n", "{}", err(&o));
    assert_eq!(server.finish().len(), 1);
}

#[test]
fn a_timeout_is_an_unknown_outcome() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let server = Server::start(vec![Reply::Hang(Duration::from_secs(3))]);
    let o = notify_slack(
        dir.path(),
        &wb,
        &server,
        &["--set", "notify.timeout_seconds=1"],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(
        e.starts_with("dangol: slack weekly 2025-W15: outcome unknown: no answer in time ("),
        "{e}"
    );
    assert_eq!(server.finish().len(), 1);
    assert_eq!(
        states(dir.path()).last().map(String::as_str),
        Some("slack|weekly|webhook|2025-W15 unknown 1")
    );
}

#[test]
fn a_refused_connection_is_retried_with_backoff_then_reported() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    // A port nobody listens on: bind, note it, close.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/services/{SLACK_SECRET}");
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly",
            "--to",
            "slack",
            "--send",
            "--as-of",
            AS_OF,
            "--set",
            "notify.attempts=2",
        ],
        &[("DANGOL_SLACK_WEBHOOK_URL", &url)],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(
        e.starts_with("dangol: slack weekly 2025-W15: failed: could not connect: "),
        "{e}"
    );
    assert!(e.ends_with(" (gave up after 2 attempts)\n"), "{e}");
    assert!(!e.contains(SLACK_SECRET), "{e}");
    let key = "slack|weekly|webhook|2025-W15";
    assert_eq!(
        states(dir.path()),
        [
            format!("{key} pending 1"),
            format!("{key} retrying 1"),
            format!("{key} pending 2"),
            format!("{key} failed 2")
        ]
    );
}

#[cfg(unix)]
#[test]
fn kakao_refreshes_an_expired_token_and_stores_the_rotated_one() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    write_secrets(
        dir.path(),
        "[kakao]\nrest_api_key = \"kakao-rest-key-1\"\naccess_token = \"old-access-token\"\nrefresh_token = \"old-refresh-token\"\n",
        0o600,
    );
    let server = Server::start(vec![
        Reply::Http(401, "", r#"{"msg":"this access token does not exist","code":-401}"#.into()),
        Reply::Http(200, "", r#"{"access_token":"new-access-token","token_type":"bearer","refresh_token":"new-refresh-token","expires_in":21599}"#.into()),
        Reply::Http(200, "", r#"{"result_code":0}"#.into()),
    ]);
    let api = format!("notify.kakao.api_url={}", server.url());
    let auth = format!("notify.kakao.auth_url={}", server.url());
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly",
            "--to",
            "kakao",
            "--send",
            "--as-of",
            AS_OF,
            "--set",
            &api,
            "--set",
            &auth,
            "--set",
            "notify.link=https://shop.example.com",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "kakao weekly 2025-W15: sent\n");
    let seen = server.finish();
    assert_eq!(seen.len(), 3);
    golden("kakao-memo.http", &seen[2]);
    golden("kakao-token.http", &seen[1]);
    assert!(
        seen[0].contains("Authorization: Bearer old-access-token\r\n")
            || seen[0].contains("authorization: Bearer old-access-token\r\n"),
        "{}",
        seen[0]
    );
    let stored = std::fs::read_to_string(dir.path().join("secrets.toml")).expect("secrets");
    assert!(
        stored.contains("access_token = \"new-access-token\""),
        "{stored}"
    );
    assert!(
        stored.contains("refresh_token = \"new-refresh-token\""),
        "{stored}"
    );
    assert!(
        stored.contains("rest_api_key = \"kakao-rest-key-1\""),
        "{stored}"
    );
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(dir.path().join("secrets.toml"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let j = journal(dir.path());
    for secret in [
        "old-access-token",
        "new-access-token",
        "old-refresh-token",
        "new-refresh-token",
        "kakao-rest-key-1",
    ] {
        assert!(!j.contains(secret), "{j}");
        assert!(!out(&o).contains(secret));
    }
}

/// Solapi's signature, checked here, then the varying parts replaced for the golden file.
fn check_solapi_auth(request: &str, key: &str, secret: &str) -> String {
    use hmac::{KeyInit as _, Mac as _};
    let line = request
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
        .expect("authorization header");
    let value = line.split_once(": ").expect("header").1;
    let rest = value.strip_prefix("HMAC-SHA256 ").expect("scheme");
    let part = |name: &str| {
        rest.split(", ")
            .find_map(|p| p.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} in {value}"))
            .to_string()
    };
    assert_eq!(part("apiKey"), key);
    let (date, salt) = (part("date"), part("salt"));
    let mut mac = <hmac::Hmac<sha2::Sha256>>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{date}{salt}").as_bytes());
    let expected: String = dangol::notify::channels::hex(&mac.finalize().into_bytes());
    assert_eq!(part("signature"), expected);
    assert!(
        chrono::DateTime::parse_from_rfc3339(&date).is_ok(),
        "{date}"
    );
    assert!(salt.len() >= 12, "{salt}");
    request.replace(
        line,
        "Authorization: HMAC-SHA256 apiKey=KEY, date=DATE, salt=SALT, signature=SIGNATURE",
    )
}

#[test]
fn alimtalk_through_solapi_is_signed_with_hmac_sha256() {
    let dir = tmp();
    let wb = shop(
        dir.path(),
        &[
            ("notify.alimtalk.pf_id", "KA01PF200323182344986oqGBgt6t7jE"),
            (
                "notify.alimtalk.template.weekly",
                "KA01TP230101000000000weekly01",
            ),
            ("notify.alimtalk.to", "010-1234-5678"),
            ("notify.alimtalk.from", "02-123-4567"),
        ],
    );
    let server = Server::start(vec![Reply::Http(
        200,
        "",
        r#"{"groupInfo":{"count":{"total":1}}}"#.into(),
    )]);
    let url = format!("notify.alimtalk.url={}", server.url());
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly",
            "--to",
            "alimtalk",
            "--send",
            "--as-of",
            AS_OF,
            "--set",
            &url,
        ],
        &[
            ("DANGOL_SOLAPI_API_KEY", "NCSTESTKEY000001"),
            ("DANGOL_SOLAPI_API_SECRET", "solapi-test-secret-0001"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "alimtalk weekly 2025-W15: sent\n");
    let seen = server.finish();
    golden(
        "alimtalk-solapi.http",
        &check_solapi_auth(&seen[0], "NCSTESTKEY000001", "solapi-test-secret-0001"),
    );
}

#[test]
fn alimtalk_through_nhn_cloud_uses_the_secret_key_header() {
    let dir = tmp();
    let wb = shop(
        dir.path(),
        &[
            ("notify.alimtalk.provider", "nhn"),
            ("notify.alimtalk.template.weekly", "DANGOL_WEEKLY"),
            ("notify.alimtalk.to", "01012345678"),
        ],
    );
    let server = Server::start(vec![Reply::Http(
        200,
        "",
        r#"{"header":{"resultCode":0,"resultMessage":"success","isSuccessful":true}}"#.into(),
    )]);
    let url = format!("notify.alimtalk.url={}", server.url());
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly",
            "--to",
            "alimtalk",
            "--send",
            "--as-of",
            AS_OF,
            "--set",
            &url,
        ],
        &[
            ("DANGOL_NHN_APP_KEY", "nhnAppKey0001"),
            ("DANGOL_NHN_SECRET_KEY", "nhnSecret"),
            ("DANGOL_NHN_SENDER_KEY", "nhn-sender-key-0001"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let seen = server.finish();
    golden("alimtalk-nhn.http", &seen[0]);
}

#[test]
fn the_webhook_is_signed_with_hmac_sha256_of_the_body() {
    use hmac::{KeyInit as _, Mac as _};
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let server = Server::start(vec![Reply::Http(204, "", String::new())]);
    let port = server.port;
    let url = format!("notify.webhook.url={}/hooks/dangol", server.url());
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "reminders",
            "--to",
            "webhook",
            "--send",
            "--as-of",
            AS_OF,
            "--set",
            &url,
        ],
        &[("DANGOL_WEBHOOK_SECRET", "whsec-test-signing-key")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let seen = server.finish();
    let (head, body) = seen[0].split_once("\r\n\r\n").expect("body");
    let mut mac = <hmac::Hmac<sha2::Sha256>>::new_from_slice(b"whsec-test-signing-key").unwrap();
    mac.update(
        body.replace("127.0.0.1:PORT", &format!("127.0.0.1:{port}"))
            .as_bytes(),
    );
    let sig: String = dangol::notify::channels::hex(&mac.finalize().into_bytes());
    let line = format!("x-dangol-signature: sha256={sig}");
    assert!(head.contains(&line), "{head}");
    // The signature covers the ephemeral port: checked above, pinned for the golden file.
    golden(
        "webhook-reminders.http",
        &seen[0].replace(&line, "x-dangol-signature: sha256=SIGNATURE"),
    );
}

/// A minimal SMTP server: one session, records the DATA, answers 250 to everything.
fn smtp_server() -> (u16, JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut w = stream.try_clone().unwrap();
        let mut r = BufReader::new(stream);
        let mut log = String::new();
        w.write_all(b"220 test ESMTP\r\n").unwrap();
        let mut in_data = false;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if in_data {
                if line == ".\r\n" {
                    in_data = false;
                    log.push_str("<end of data>\r\n");
                    w.write_all(b"250 2.0.0 queued\r\n").unwrap();
                } else {
                    log.push_str(&line);
                }
                continue;
            }
            log.push_str(&line);
            let cmd = line.to_ascii_uppercase();
            if cmd.starts_with("EHLO") {
                w.write_all(b"250-test\r\n250 8BITMIME\r\n").unwrap();
            } else if cmd.starts_with("DATA") {
                in_data = true;
                w.write_all(b"354 go ahead\r\n").unwrap();
            } else if cmd.starts_with("QUIT") {
                w.write_all(b"221 bye\r\n").unwrap();
                break;
            } else {
                w.write_all(b"250 ok\r\n").unwrap();
            }
        }
        log
    });
    (port, h)
}

#[test]
fn email_sends_the_weekly_summary_with_the_pdf_attached_over_smtp() {
    let dir = tmp();
    let wb = shop(
        dir.path(),
        &[
            ("notify.email.to", "owner@example.com"),
            ("notify.email.from", "dangol@example.com"),
            ("notify.smtp.host", "127.0.0.1"),
            ("notify.smtp.tls", "none"),
        ],
    );
    let (port, h) = smtp_server();
    let port_set = format!("notify.smtp.port={port}");
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly",
            "--to",
            "email",
            "--send",
            "--as-of",
            AS_OF,
            "--set",
            &port_set,
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "email weekly 2025-W15: sent\n");
    let session = h.join().expect("smtp thread");
    // The date is the sending time and the PDF's bytes belong to the PDF tests: check them,
    // then pin them for the golden file.
    let mut pdf = String::new();
    let mut in_pdf = false;
    let mut lines = Vec::new();
    for l in session.split_inclusive("\r\n") {
        if l.starts_with("Date: ") {
            lines.push("Date: DATE\r\n".to_string());
            continue;
        }
        if l.starts_with("EHLO ") {
            lines.push("EHLO HOST\r\n".to_string());
            continue;
        }
        if in_pdf {
            if l.starts_with("--dangol-") {
                in_pdf = false;
                lines.push("PDF BASE64\r\n".to_string());
            } else {
                if !l.trim().is_empty() {
                    pdf.push_str(l.trim());
                }
                continue;
            }
        }
        if l.starts_with("Content-Transfer-Encoding: base64")
            && lines.iter().any(|x: &String| x.contains("application/pdf"))
        {
            in_pdf = true;
            lines.push(l.to_string());
            lines.push("\r\n".to_string());
            continue;
        }
        lines.push(l.to_string());
    }
    // `%PDF-` in base64.
    assert!(
        pdf.starts_with("JVBERi0"),
        "the attachment is not a PDF: {}",
        &pdf[..pdf.len().min(40)]
    );
    golden("email-weekly.smtp", &lines.concat());
}

#[cfg(unix)]
#[test]
fn a_secrets_file_others_can_read_is_refused() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    write_secrets(
        dir.path(),
        "[slack]\nwebhook_url = \"http://127.0.0.1:9/services/x\"\n",
        0o644,
    );
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly",
            "--to",
            "slack",
            "--send",
            "--as-of",
            AS_OF,
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let p = dir.path().join("secrets.toml");
    assert_eq!(
        err(&o),
        format!(
            "dangol: error: {} can be read by other users (mode 644); it holds secrets, so dangol will not use it until only you can read it: chmod 600 {}\n",
            p.display(),
            p.display()
        )
    );
    assert!(!dir.path().join(".dangol-notify.jsonl").exists());
}

#[test]
fn a_secret_in_the_workbook_is_an_error_that_does_not_show_it() {
    let dir = tmp();
    let wb = shop(
        dir.path(),
        &[(
            "notify.webhook.url",
            "https://hooks.slack.com/services/T0/B0/abcdefabcdef",
        )],
    );
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly",
            "--to",
            "webhook",
            "--as-of",
            AS_OF,
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(
        e.starts_with("dangol: error: settings: Settings!B2: notify.webhook.url: the value looks like a Slack webhook URL; secrets belong in environment variables or a secrets.toml only you can read, never in the workbook or dangol.toml (the value is not shown here)"),
        "{e}"
    );
    assert!(!e.contains("hooks.slack.com"), "{e}");
    // The same in dangol.toml, with its line.
    let wb = shop(dir.path(), &[]);
    std::fs::write(dir.path().join("dangol.toml"), "[notify]\nlink = \"https://x.example\"\n[notify.webhook]\nurl = \"https://hooks.slack.com/services/T0/B0/abcdef\"\n").unwrap();
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly",
            "--to",
            "webhook",
            "--as-of",
            AS_OF,
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).starts_with("dangol: error: settings: dangol.toml:4: notify.webhook.url: the value looks like a Slack webhook URL;"), "{}", err(&o));
}

#[test]
fn today_without_a_flows_sheet_has_nothing_to_send() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "today",
            "--to",
            "slack",
            "--as-of",
            AS_OF,
        ],
        &[],
    );
    // Flows are built (SPEC §8): a shop without a Flows sheet has no flow message to send.
    assert_eq!(err(&o), "");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out(&o), "");
}

/// A shop with a Stock sheet: Mug A-1 (10 counted, safety 5) drops to 4 with the 6 shipped on
/// 2025-04-16; Bowl B-1 (1, safety 3) has been low all along.
fn stock_shop(dir: &Path) -> PathBuf {
    let path = dir.join("stock.xlsx");
    let s = V::S;
    xlsx(
        &path,
        &[
            (
                "Sales",
                vec![
                    vec![
                        s("Date"),
                        s("Customer"),
                        s("SKU"),
                        s("Product"),
                        s("Quantity"),
                        s("Amount"),
                    ],
                    vec![
                        d(2025, 4, 14),
                        s("Ann"),
                        s("A-1"),
                        s("Mug"),
                        V::N(1.0),
                        s("₩2,000"),
                    ],
                ],
            ),
            (
                "Stock",
                vec![
                    vec![s("SKU"), s("Product"), s("Stock"), s("Safety stock")],
                    vec![s("A-1"), s("Mug"), V::N(10.0), V::N(5.0)],
                    vec![s("B-1"), s("Bowl"), V::N(1.0), V::N(3.0)],
                ],
            ),
            (
                "Stock Moves",
                vec![
                    vec![s("Date"), s("SKU"), s("Out")],
                    vec![d(2025, 4, 16), s("A-1"), V::N(6.0)],
                ],
            ),
        ],
    );
    path
}

#[test]
fn low_stock_is_sent_on_the_day_an_item_crosses_the_line_and_not_while_it_stays_low() {
    let dir = tmp();
    let wb = stock_shop(dir.path());
    let preview = dir.path().join("preview");
    let notify = |as_of: &str| {
        dangol_env(
            dir.path(),
            &[
                "notify",
                wb.to_str().unwrap(),
                "--what",
                "low-stock",
                "--to",
                "webhook",
                "--out",
                preview.to_str().unwrap(),
                "--as-of",
                as_of,
                "--set",
                "notify.webhook.url=http://127.0.0.1:9/hook",
            ],
            &[("DANGOL_WEBHOOK_SECRET", "whsec-test-signing-key")],
        )
    };
    let o = notify("2025-04-16");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let request = std::fs::read_to_string(preview.join("webhook-low-stock-2025-04-16.http"))
        .expect("the low-stock request");
    assert!(
        request.contains("- Mug: stock 4 (safety stock 5), suggested order 2"),
        "{request}"
    );
    // Bowl was low the day before too: no alert for it.
    assert!(!request.contains("Bowl"), "{request}");
    // The next day Mug is still low: nothing crossed, nothing to send.
    let o = notify("2025-04-17");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let names: Vec<String> = std::fs::read_dir(&preview)
        .expect("preview")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["webhook-low-stock-2025-04-16.http"]);
}

#[test]
fn low_stock_without_a_stock_sheet_says_dangol_cannot_see_stock() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "low-stock",
            "--to",
            "slack",
            "--as-of",
            AS_OF,
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err(&o),
        "dangol: low-stock: this workbook has no Stock sheet, so dangol cannot see stock (SKU | name | stock | safety stock)\n"
    );
}

#[test]
fn run_notify_slack_send_posts_the_weekly_summary_once_per_week() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let server = Server::start(vec![Reply::Http(200, "", "ok".into())]);
    let (k, v) = slack_env(&server);
    let run = |as_of: &str| {
        dangol_env(
            dir.path(),
            &[
                "run",
                wb.to_str().unwrap(),
                "--no-report",
                "--notify",
                "slack",
                "--send",
                "--as-of",
                as_of,
            ],
            &[(&k, &v)],
        )
    };
    let first = run(AS_OF);
    assert_eq!(first.status.code(), Some(0), "{}", err(&first));
    assert!(
        out(&first).ends_with("slack weekly 2025-W15: sent\n"),
        "{}",
        out(&first)
    );
    // The same night again, and later in the same week: the week's summary is not sent again.
    for day in [AS_OF, "2025-04-18"] {
        let again = run(day);
        assert_eq!(again.status.code(), Some(0), "{}", err(&again));
        assert!(
            out(&again).contains("slack weekly 2025-W15: already sent ("),
            "{}",
            out(&again)
        );
    }
    let seen = server.finish();
    assert_eq!(seen.len(), 1, "the weekly summary went more than once");
    assert!(
        seen[0].starts_with("POST /services/T0000/B0000/abcdefghijklmnopqrstuvwx HTTP/1.1\r\n"),
        "{}",
        seen[0]
    );
}

#[test]
fn a_failed_run_notifies_run_failed() {
    let dir = tmp();
    let wb = dir.path().join("missing.xlsx");
    let server = Server::start(vec![Reply::Http(200, "", "ok".into())]);
    let (k, v) = slack_env(&server);
    let o = dangol_env(
        dir.path(),
        &[
            "run",
            wb.to_str().unwrap(),
            "--notify",
            "slack",
            "--send",
            "--as-of",
            AS_OF,
        ],
        &[(&k, &v)],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out(&o).contains("slack run-failed 2025-04-16: sent\n"),
        "{}{}",
        out(&o),
        err(&o)
    );
    let seen = server.finish();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].contains("dangol run failed: missing.xlsx (2025-04-16)"),
        "{}",
        seen[0]
    );
}

#[test]
fn messages_speak_the_workbooks_language_and_the_dry_run_prints_when_no_out_is_given() {
    let dir = tmp();
    let wb = shop(dir.path(), &[("shop_name", "단골상회")]);
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly,reminders",
            "--to",
            "kakao",
            "--as-of",
            AS_OF,
            "--lang",
            "ko",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    assert!(
        text.starts_with(
            "kakao weekly 2025-W15: 미리보기 (보내지 않음; --send로 발송)\nPOST https://kapi.kakao.com/v2/api/talk/memo/default/send\nAuthorization: Bearer [DANGOL_KAKAO_ACCESS_TOKEN not set]\n"
        ),
        "{text}"
    );
    // The template text, form-encoded: the Korean title and a masked name.
    let title = dangol::notify::channels::form_encode("단골상회 주간 리포트 2025-W15");
    assert!(text.contains(&title), "{text}");
    assert!(
        text.contains("kakao reminders 2025-04-16: 미리보기"),
        "{text}"
    );
    assert!(
        text.contains(&dangol::notify::channels::form_encode("- 김*수 견적 Q1")),
        "{text}"
    );
}

#[test]
fn notify_settings_show_in_config_and_bad_values_name_their_origin() {
    let dir = tmp();
    let wb = shop(dir.path(), &[("notify.notion.version", "2024-01-01")]);
    let o = dangol_env(dir.path(), &["config", wb.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).starts_with(
            "dangol: error: settings: Settings!B2: notify.notion.version: found \"2024-01-01\", expected 2022-06-28 or 2025-09-03"
        ),
        "{}",
        err(&o)
    );
    let wb = shop(dir.path(), &[("notify.mask", "false")]);
    let o = dangol_env(dir.path(), &["config", wb.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    assert!(
        text.lines().any(|l| l.starts_with("notify.mask")
            && l.contains("false")
            && l.contains("Settings!B2")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("notify.notion.version") && l.contains("2022-06-28")),
        "{text}"
    );
}

#[test]
fn notify_usage_errors_exit_2_and_help_ends_with_examples() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly",
            "--to",
            "fax",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("expected one of slack, kakao, alimtalk, notion, webhook, email"),
        "{}",
        err(&o)
    );
    let o = dangol_env(dir.path(), &["notify", "--help"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        out(&o).contains(
            "Examples:\n  dangol notify shop.xlsx --what weekly --to slack --out preview/"
        ),
        "{}",
        out(&o)
    );
}

#[test]
fn an_email_dry_run_shows_the_envelope_and_message_dated_at_the_as_of_day() {
    let dir = tmp();
    let wb = shop(
        dir.path(),
        &[
            ("notify.email.to", "owner@example.com"),
            ("notify.smtp.host", "smtp.example.com"),
        ],
    );
    let o = dangol_env(
        dir.path(),
        &[
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "reminders",
            "--to",
            "email",
            "--as-of",
            AS_OF,
        ],
        &[("DANGOL_SMTP_PASSWORD", "smtp-password-0001")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    assert!(
        text.starts_with(
            "email reminders 2025-04-16: dry run (not sent; --send sends)\nSMTP smtp.example.com:587 (tls: starttls)\nMAIL FROM:<owner@example.com>\nRCPT TO:<owner@example.com>\n\nFrom: owner@example.com\r\nTo: owner@example.com\r\nSubject: 1 reminder due (2025-04-16)\r\nDate: Wed, 16 Apr 2025 00:00:00 +0000\r\n"
        ),
        "{text}"
    );
    // E-mail goes to the owner's own mailbox: names are not masked there.
    assert!(text.contains("Q1"), "{text}");
    assert!(!text.contains("smtp-password-0001"));
}

#[test]
fn a_service_address_can_come_from_the_environment_unless_a_setting_gives_one() {
    let dir = tmp();
    let wb = shop(dir.path(), &[("notify.notion.parent", "db1")]);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "weekly",
            "--to",
            "notion",
            "--as-of",
            AS_OF,
        ];
        args.extend_from_slice(extra);
        dangol_env(
            dir.path(),
            &args,
            &[("DANGOL_NOTIFY_NOTION_URL", "http://127.0.0.1:9")],
        )
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        out(&o).contains("\nPOST http://127.0.0.1:9/v1/pages\n"),
        "{}",
        out(&o)
    );
    let o = run(&["--set", "notify.notion.url=http://127.0.0.1:10"]);
    assert!(
        out(&o).contains("\nPOST http://127.0.0.1:10/v1/pages\n"),
        "{}",
        out(&o)
    );
}

/// Keeps a written workbook under `target/lo-check/AREA/` for `scripts/lo-check.sh`.
fn keep_for_lo_check(area: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("lo-check")
        .join(area);
    std::fs::create_dir_all(&dir).expect("lo-check dir");
    std::fs::write(dir.join(name), bytes).expect("lo-check copy");
}

/// Every sheet of a workbook as text rows (cells joined by ` | `).
fn sheets_text(path: &Path) -> Vec<(String, Vec<String>)> {
    use calamine::Reader as _;
    let mut wb = calamine::open_workbook_auto(path).expect("open the written workbook");
    let names = wb.sheet_names().clone();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).expect("sheet");
            let rows = range
                .rows()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            calamine::Data::Float(f) => f.to_string(),
                            other => other.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .collect();
            (n, rows)
        })
        .collect()
}

/// The Sent Log's rows below its header row; `None` without the sheet.
fn sent_log_rows(path: &Path) -> Option<Vec<String>> {
    let (_, rows) = sheets_text(path)
        .into_iter()
        .find(|(n, _)| n == "Sent Log")?;
    let head = rows
        .iter()
        .position(|r| r.starts_with("When (UTC) | Channel | Kind | Recipient"))
        .expect("the Sent Log has its header row");
    assert_eq!(
        rows[head],
        "When (UTC) | Channel | Kind | Recipient | Period | Outcome | Detail | Attempt"
    );
    Some(rows[head + 1..].to_vec())
}

/// The `at` of each `pending` line of the journal, as the Sent Log shows it.
fn pending_times(dir: &Path) -> Vec<String> {
    journal(dir)
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("journal line");
            (v["state"] == "pending").then(|| {
                v["at"]
                    .as_str()
                    .expect("at")
                    .trim_end_matches('Z')
                    .replacen('T', " ", 1)
            })
        })
        .collect()
}

#[test]
fn the_sent_log_sheet_shows_every_attempt_from_the_journal_on_the_next_run() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let server = Server::start(vec![
        Reply::Http(500, "", "boom".into()),
        Reply::Http(204, "", String::new()),
        Reply::Http(200, "", "ok".into()),
    ]);
    let (k, v) = slack_env(&server);
    // The webhook's address carries a token in its path: the sheet shows scheme and host only.
    let hook = format!("notify.webhook.url={}/hooks/tok-9f8e7d6c", server.url());
    let run = || {
        dangol_env(
            dir.path(),
            &[
                "run",
                wb.to_str().unwrap(),
                "--no-report",
                "--notify",
                "slack,webhook",
                "--send",
                "--as-of",
                AS_OF,
                "--set",
                &hook,
            ],
            &[
                (&k, &v),
                ("DANGOL_WEBHOOK_SECRET", "whsec-test-signing-key"),
            ],
        )
    };
    // First run: no journal when the workbook is read, so no Sent Log sheet yet.
    let first = run();
    assert_eq!(first.status.code(), Some(1), "{}", err(&first));
    assert_eq!(
        err(&first),
        "dangol: slack weekly 2025-W15: failed: HTTP 500: boom\n"
    );
    assert_eq!(sent_log_rows(&wb), None);

    // Second run: the sheet shows the first run's attempts; this run's slack retry goes out.
    let second = run();
    assert_eq!(second.status.code(), Some(0), "{}", err(&second));
    let said = out(&second);
    assert!(said.contains("slack weekly 2025-W15: sent\n"), "{said}");
    assert!(
        said.contains("webhook weekly 2025-W15: already sent ("),
        "{said}"
    );
    assert_eq!(server.finish().len(), 3);
    let t = pending_times(dir.path());
    assert_eq!(t.len(), 3, "{}", journal(dir.path()));
    let port_host = "http://127.0.0.1:";
    let rows = sent_log_rows(&wb).expect("a Sent Log sheet after the first send");
    let hook_shown = rows
        .get(1)
        .and_then(|r| r.split(" | ").nth(3))
        .unwrap_or("")
        .to_string();
    assert!(
        hook_shown.starts_with(port_host) && hook_shown.ends_with("/…"),
        "{hook_shown}"
    );
    assert_eq!(
        rows,
        [
            format!(
                "{} | slack | weekly | webhook | 2025-W15 | failed | HTTP 500: boom | 1",
                t[0]
            ),
            format!(
                "{} | webhook | weekly | {hook_shown} | 2025-W15 | sent | HTTP 204 | 1",
                t[1]
            ),
        ]
    );

    // Third run: nothing is sent, the sheet now shows all three attempts.
    let third = run();
    assert_eq!(third.status.code(), Some(0), "{}", err(&third));
    assert_eq!(pending_times(dir.path()), t, "a re-run attempted something");
    let rows = sent_log_rows(&wb).expect("Sent Log");
    assert_eq!(
        rows,
        [
            format!(
                "{} | slack | weekly | webhook | 2025-W15 | failed | HTTP 500: boom | 1",
                t[0]
            ),
            format!(
                "{} | webhook | weekly | {hook_shown} | 2025-W15 | sent | HTTP 204 | 1",
                t[1]
            ),
            format!(
                "{} | slack | weekly | webhook | 2025-W15 | sent | HTTP 200 | 1",
                t[2]
            ),
        ]
    );
    let before = std::fs::read(&wb).expect("workbook");
    keep_for_lo_check("notify", "sent-log.xlsx", &before);

    // A re-run with the same journal adds nothing and writes the same workbook, byte for byte.
    let fourth = run();
    assert_eq!(fourth.status.code(), Some(0), "{}", err(&fourth));
    assert_eq!(sent_log_rows(&wb).expect("Sent Log"), rows);
    assert!(
        std::fs::read(&wb).expect("workbook") == before,
        "the workbook changed on a re-run with the same journal"
    );

    // No secret, token or webhook path anywhere in the workbook.
    for (name, rows) in sheets_text(&wb) {
        for r in rows {
            for secret in [
                SLACK_SECRET,
                "tok-9f8e7d6c",
                "whsec-test-signing-key",
                "/hooks/",
            ] {
                assert!(!r.contains(secret), "{name} shows {secret}: {r}");
            }
        }
    }
}

#[test]
fn a_damaged_journal_stops_the_run_naming_its_line_and_leaves_the_workbook_alone() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    std::fs::write(
        dir.path().join(".dangol-notify.jsonl"),
        "garbage\n{\"at\":\"2025-04-16T01:00:00Z\",\"key\":\"slack|weekly|webhook|2025-W15\",\"state\":\"sent\",\"attempt\":1}\n",
    )
    .expect("journal");
    let before = std::fs::read(&wb).expect("workbook");
    let o = dangol_env(
        dir.path(),
        &["run", wb.to_str().unwrap(), "--no-report", "--as-of", AS_OF],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains(".dangol-notify.jsonl:1: not a journal line"),
        "{}",
        err(&o)
    );
    assert!(std::fs::read(&wb).expect("workbook") == before);
}

#[test]
fn without_a_journal_there_is_no_sent_log_sheet() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    let o = dangol_env(
        dir.path(),
        &["run", wb.to_str().unwrap(), "--no-report", "--as-of", AS_OF],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let names: Vec<String> = sheets_text(&wb).into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&"Customer Stats".to_string()), "{names:?}");
    assert!(!names.contains(&"Sent Log".to_string()), "{names:?}");
}

#[test]
fn the_sent_log_speaks_korean_and_masks_phones_and_addresses_unless_told_not_to() {
    let dir = tmp();
    let wb = shop(dir.path(), &[]);
    std::fs::write(
        dir.path().join(".dangol-notify.jsonl"),
        concat!(
            r#"{"at":"2025-04-16T01:00:00Z","key":"alimtalk|reminders|010-1234-5678|2025-04-16","state":"pending","attempt":1}"#,
            "\n",
            r#"{"at":"2025-04-16T01:00:01Z","key":"alimtalk|reminders|010-1234-5678|2025-04-16","state":"unknown","attempt":1,"detail":"no answer in time"}"#,
            "\n",
            r#"{"at":"2025-04-16T01:00:00Z","key":"email|weekly|owner@shop.example|2025-W15","state":"pending","attempt":1}"#,
            "\n",
        ),
    )
    .expect("journal");
    let grid = |extra: &[&str]| {
        let mut args = vec![
            "run",
            wb.to_str().unwrap(),
            "--no-report",
            "--as-of",
            AS_OF,
            "--lang",
            "ko",
        ];
        args.extend_from_slice(extra);
        let o = dangol_env(dir.path(), &args, &[]);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        let (_, rows) = sheets_text(&wb)
            .into_iter()
            .find(|(n, _)| n == "발송기록")
            .expect("a 발송기록 sheet");
        let head = rows
            .iter()
            .position(|r| r.starts_with("시각 (UTC)"))
            .expect("header row");
        rows[head..].to_vec()
    };
    assert_eq!(
        grid(&[]),
        [
            "시각 (UTC) | 채널 | 종류 | 받는 곳 | 기간 | 결과 | 내용 | 시도",
            "2025-04-16 01:00:00 | alimtalk | reminders | 010-****-5678 | 2025-04-16 | 알 수 없음 | no answer in time | 1",
            "2025-04-16 01:00:00 | email | weekly | o****@shop.example | 2025-W15 | 대기 |  | 1",
        ]
    );
    assert_eq!(
        grid(&["--set", "notify.mask=false"])[1..],
        [
            "2025-04-16 01:00:00 | alimtalk | reminders | 010-1234-5678 | 2025-04-16 | 알 수 없음 | no answer in time | 1",
            "2025-04-16 01:00:00 | email | weekly | owner@shop.example | 2025-W15 | 대기 |  | 1",
        ]
    );
}
