//! Lifecycle flows and `dangol today` (SPEC §8) through the real binary: a hand-computed shop
//! where every flow has due, stopped, missed, opted-out, cooldown and before-go-live cases on
//! 2025-04-20; the Sent Log rows `--apply` writes and reads back; drafts; the sample shop over
//! 14 consecutive days.

use std::path::{Path, PathBuf};

use crate::support::{V, tmp, xlsx};

const AS_OF: &str = "2025-04-20";

fn d(y: u16, m: u8, day: u8) -> V {
    V::D(y, m, day, 10, 0)
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = assert_cmd::Command::cargo_bin("dangol").expect("binary");
    for (k, _) in std::env::vars() {
        if k.starts_with("DANGOL_") {
            cmd.env_remove(k);
        }
    }
    cmd.current_dir(dir).args(args).output().expect("run")
}

fn out(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The Flows sheet of the fixture: every trigger but carts (the Carts sheet is another
/// change; the cart trigger is covered by unit tests).
fn flows_sheet() -> Vec<Vec<V>> {
    let s = V::S;
    let row = |cells: [&'static str; 10]| cells.iter().map(|c| s(c)).collect::<Vec<V>>();
    vec![
        row([
            "Flow",
            "Trigger",
            "Delay days",
            "Condition",
            "Template",
            "Channel",
            "Marketing",
            "Stop if",
            "Cooldown days",
            "Go live",
        ]),
        row([
            "welcome",
            "first_order",
            "0",
            "",
            "welcome",
            "email",
            "N",
            "",
            "0",
            "2025-04-17",
        ]),
        row([
            "thanks_2nd",
            "nth_order:2",
            "0",
            "",
            "thanks_2nd",
            "email",
            "N",
            "",
            "3",
            "",
        ]),
        row([
            "review", "order+7d", "0", "", "review", "email", "N", "replied", "0", "",
        ]),
        row([
            "winback",
            "recency>=90",
            "0",
            "orders_all >= 2",
            "winback",
            "email",
            "Y",
            "ordered",
            "7",
            "",
        ]),
        row([
            "birthday", "birthday", "0", "", "birthday", "sms", "N", "", "0", "",
        ]),
        row([
            "reminder",
            "quote_unanswered",
            "0",
            "",
            "reminder",
            "email",
            "N",
            "replied",
            "0",
            "",
        ]),
    ]
}

/// The shop of 2025-04-20 (see the module notes and each test's hand computation).
fn shop(dir: &Path) -> PathBuf {
    let path = dir.join("shop.xlsx");
    let s = V::S;
    let sale = |day: V, name: &'static str, email: &'static str, id: &'static str, amount: f64| {
        vec![day, s(name), s(email), s(id), V::N(amount)]
    };
    let sales = vec![
        vec![
            s("Date"),
            s("Customer"),
            s("Email"),
            s("Order ID"),
            s("Amount"),
        ],
        sale(d(2025, 4, 19), "Ann", "ann@x.com", "O01", 50_000.0),
        sale(d(2025, 1, 10), "Bob", "bob@x.com", "O02", 40_000.0),
        sale(d(2025, 4, 15), "Bob", "bob@x.com", "O03", 60_000.0),
        sale(d(2024, 12, 1), "Cat", "cat@x.com", "O04", 30_000.0),
        sale(d(2025, 1, 20), "Cat", "cat@x.com", "O05", 70_000.0),
        sale(d(2024, 11, 1), "Dan", "dan@x.com", "O06", 20_000.0),
        sale(d(2025, 1, 15), "Dan", "dan@x.com", "O07", 20_000.0),
        sale(d(2025, 4, 18), "Dan", "dan@x.com", "O08", 20_000.0),
        sale(d(2025, 4, 18), "Eve", "eve@x.com", "O09", 10_000.0),
        sale(d(2025, 3, 1), "Fay", "fay@x.com", "O10", 15_000.0),
        sale(d(2025, 4, 12), "Fay", "fay@x.com", "O11", 25_000.0),
        sale(d(2025, 4, 18), "Ivy", "ivy@x.com", "O12", 35_000.0),
        sale(d(2025, 4, 20), "Ivy", "ivy@x.com", "O13", 45_000.0),
        sale(d(2025, 4, 13), "Leo", "leo@x.com", "O14", 55_000.0),
        sale(d(2024, 10, 1), "Max", "max@x.com", "O15", 12_000.0),
        sale(d(2025, 1, 19), "Max", "max@x.com", "O16", 13_000.0),
    ];
    let customers = vec![
        vec![
            s("Customer"),
            s("Email"),
            s("Phone"),
            s("Opt out"),
            s("Consent"),
            s("Birthday"),
        ],
        vec![s("Cat"), s("cat@x.com"), V::B, s("N"), s("Y"), V::B],
        vec![s("Eve"), s("eve@x.com"), V::B, s("Y"), s("Y"), V::B],
        vec![
            s("Jay"),
            s("jay@x.com"),
            s("010-1234-5678"),
            s("N"),
            s("Y"),
            V::D(1990, 4, 20, 0, 0),
        ],
    ];
    let quotes = vec![
        vec![
            s("Quote ID"),
            s("Customer"),
            s("Email"),
            s("Sent"),
            s("Opened"),
            s("Responded"),
        ],
        vec![
            s("Q-1"),
            s("Kay"),
            s("kay@x.com"),
            d(2025, 4, 14),
            s("N"),
            s("N"),
        ],
        vec![
            s("Q-2"),
            s("Kay"),
            s("kay@x.com"),
            d(2025, 4, 10),
            s("Y"),
            d(2025, 4, 16),
        ],
    ];
    let settings = vec![
        vec![s("Key"), s("Value")],
        vec![s("shop_name"), s("Dangol Shop")],
        vec![s("shop_email"), s("shop@x.com")],
        vec![s("currency"), s("KRW")],
    ];
    xlsx(
        &path,
        &[
            ("Sales", sales),
            ("Customers", customers),
            ("Quotes", quotes),
            ("Flows", flows_sheet()),
            ("Settings", settings),
        ],
    );
    path
}

#[test]
fn today_lists_every_flow_message_with_its_reason() {
    let dir = tmp();
    let wb = shop(dir.path());
    let o = run(
        dir.path(),
        &[
            "today",
            wb.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--at",
            "10:00",
        ],
    );
    assert_eq!(err(&o), "");
    assert_eq!(o.status.code(), Some(0));
    // By hand, flows in sheet order:
    // - welcome (go-live 2025-04-17): Ann's first order 04-19 and Ivy's 04-18 are due; Eve
    //   opted out; Leo's first order 04-13 is before go-live (counted, never listed).
    // - thanks_2nd: Bob's 2nd order 04-15 is 5 days late, due; Fay's 04-12 is 8 days late
    //   (≥ 7): missed; Ivy's 2nd order today is held: welcome went to her today and the flow's
    //   cooldown is 3 days.
    // - review (order+7d): Fay's 04-12 and Leo's 04-13 orders reach 7 days on 04-19 and 04-20.
    // - winback (recency>=90, orders_all >= 2, marketing): Cat's last order 01-20 + 90 days =
    //   today, due (consent Y); Bob (01-10 + 90 = 04-10) and Dan (01-15 + 90 = 04-15) ordered
    //   since: stopped; Max (01-19 + 90 = 04-19) has no consent.
    // - birthday: Jay, 1990-04-20, by SMS.
    // - reminder: Kay's Q-1 (sent 04-14, 6 days, not opened) is due; Q-2 was answered on 04-16,
    //   after its trigger day 04-13 (sent + reminder.after_days 3): stopped.
    // The marketing mark is `(ad)` in English (`(광고)` in Korean), so the Channel column is
    // two characters narrower than when it showed the Korean word.
    assert_eq!(
        out(&o),
        "8 flow message(s) due as of 2025-04-20 10:00
 Flow        Customer  Channel     Reason
─────────────────────────────────────────────────────────────────────────────────
 welcome     Ann       email       1st order on 2025-04-19, ₩50,000
 welcome     Ivy       email       1st order on 2025-04-18, ₩35,000
 thanks_2nd  Bob       email       2nd order on 2025-04-15, ₩60,000
 review      Fay       email       7 days after the order of 2025-04-12, ₩25,000
 review      Leo       email       7 days after the order of 2025-04-13, ₩55,000
 winback     Cat       email (ad)  2 order(s), none for 90 days since 2025-01-20
 birthday    Jay       sms         birthday on 2025-04-20
 reminder    Kay       email       quote Q-1: sent 6 days ago, not opened
Not sent:
  welcome → Eve: opted out
  thanks_2nd → Fay: missed: past the catch-up window
  thanks_2nd → Ivy: cooldown: another message on 2025-04-20
  winback → Bob: stopped: ordered on 2025-04-15
  winback → Dan: stopped: ordered on 2025-04-18
  winback → Max: no marketing consent
  reminder → Kay: stopped: replied on 2025-04-16
1 trigger(s) before a flow's go-live day are never sent.
"
    );
}

/// Cells of a sheet as a text grid (calamine), dates as `YYYY-MM-DD`.
fn grid(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto(path).expect("open");
    let r = wb.worksheet_range(sheet).expect("sheet");
    r.rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::DateTime(d) => d
                        .as_datetime()
                        .map(|t| t.date().to_string())
                        .unwrap_or_default(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The rows of the Sent Log's flow table (below its header), trailing blanks trimmed.
fn flow_rows(path: &Path) -> Vec<String> {
    let g = grid(path, "Sent Log");
    let start = g
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "Sent") && r.iter().any(|c| c == "Flow"))
        .expect("a flow table in the Sent Log");
    g[start + 1..]
        .iter()
        .take_while(|r| r.iter().any(|c| !c.is_empty()))
        .map(|r| {
            let mut r = r.clone();
            while r.last().is_some_and(String::is_empty) {
                r.pop();
            }
            r.join(" | ")
        })
        .collect()
}

#[test]
fn apply_records_the_due_messages_once_and_the_next_run_reads_them_back() {
    let dir = tmp();
    let wb = shop(dir.path());
    let w = wb.to_str().unwrap();
    let args = ["today", w, "--as-of", AS_OF, "--at", "10:00", "--apply"];
    let o = run(dir.path(), &args);
    assert_eq!(err(&o), "");
    assert_eq!(o.status.code(), Some(0));
    assert!(
        out(&o).ends_with(&format!("Recorded 8 message(s) in the Sent Log of {w}\n")),
        "{}",
        out(&o)
    );
    let rows = [
        "2025-04-20 | birthday | jay@x.com | 2025-04-20 | sms | Jay",
        "2025-04-20 | reminder | kay@x.com | Q-1 | email | Kay",
        "2025-04-20 | review | fay@x.com | 2025-04-19 | email | Fay",
        "2025-04-20 | review | leo@x.com | 2025-04-20 | email | Leo",
        "2025-04-20 | thanks_2nd | bob@x.com | 2025-04-15 | email | Bob",
        "2025-04-20 | welcome | ann@x.com | 2025-04-19 | email | Ann",
        "2025-04-20 | welcome | ivy@x.com | 2025-04-18 | email | Ivy",
        "2025-04-20 | winback | cat@x.com | 2025-04-20 | email | Cat",
    ];
    assert_eq!(flow_rows(&wb), rows);
    let before = std::fs::read(&wb).unwrap();

    // The same day again: everything is already sent, nothing is added, the file is unchanged.
    let o = run(dir.path(), &args);
    assert_eq!(err(&o), "");
    assert!(
        out(&o).starts_with("No flow messages are due as of 2025-04-20 10:00.\nNot sent:\n  welcome → Ann: sent on 2025-04-20\n"),
        "{}",
        out(&o)
    );
    assert!(
        out(&o).ends_with("Nothing new to record in the Sent Log.\n"),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("  thanks_2nd → Ivy: cooldown: another message on 2025-04-20\n"));
    assert_eq!(std::fs::read(&wb).unwrap(), before);
    assert_eq!(flow_rows(&wb), rows);

    // `run` rewrites every generated sheet and keeps the flow rows; the Dashboard's next
    // action comes from the same decision (Ivy's 2nd-order thanks, held today, is not one).
    let o = run(
        dir.path(),
        &["run", w, "--as-of", AS_OF, "--no-report", "--quiet"],
    );
    assert_eq!(err(&o), "");
    assert_eq!(flow_rows(&wb), rows);

    // The next day: Ivy's 2nd-order thanks is still held (cooldown 3 days from 04-20).
    let o = run(
        dir.path(),
        &[
            "today",
            w,
            "--as-of",
            "2025-04-21",
            "--at",
            "10:00",
            "--format",
            "json",
        ],
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(j["due"], serde_json::json!([]));
    let ivy = j["not_sent"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["flow"] == "thanks_2nd" && m["customer"] == "ivy@x.com")
        .expect("Ivy's thanks");
    assert_eq!(ivy["status"], "cooldown");
    assert_eq!(ivy["detail"], "cooldown: another message on 2025-04-20");
    // On 04-23 (three days after the welcome) it goes.
    let o = run(
        dir.path(),
        &[
            "today",
            w,
            "--as-of",
            "2025-04-23",
            "--at",
            "10:00",
            "--format",
            "json",
        ],
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let due: Vec<(String, String)> = j["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["flow"].as_str().unwrap().into(),
                m["customer"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        due.contains(&("thanks_2nd".into(), "ivy@x.com".into())),
        "{due:?}"
    );
}

#[test]
fn a_marketing_message_at_22_00_waits_for_the_morning() {
    let dir = tmp();
    let wb = shop(dir.path());
    let w = wb.to_str().unwrap();
    let o = run(
        dir.path(),
        &[
            "today", w, "--as-of", AS_OF, "--at", "22:00", "--format", "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(j["at"], "22:00");
    assert_eq!(j["counts"]["due"], 7);
    assert_eq!(j["counts"]["quiet_hours"], 1);
    let cat = j["not_sent"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["customer"] == "cat@x.com")
        .expect("Cat's win-back");
    assert_eq!(cat["flow"], "winback");
    assert_eq!(cat["marketing"], true);
    assert_eq!(cat["detail"], "quiet hours (21:00–08:00): after 08:00");
    // 07:59 is still night; 08:00 is morning; 20:59 is still day.
    for (at, due) in [("07:59", 7), ("08:00", 8), ("20:59", 8), ("21:00", 7)] {
        let o = run(
            dir.path(),
            &["today", w, "--as-of", AS_OF, "--at", at, "--format", "json"],
        );
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(j["counts"]["due"], due, "at {at}");
    }
    let o = run(dir.path(), &["today", w, "--at", "25:00"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("expected a time like 10:00 or 21:30, found \"25:00\""),
        "{}",
        err(&o)
    );
}

/// A header value with its `=?UTF-8?B?…?=` words decoded (RFC 2047: charset and encoding are
/// case-insensitive; the white space between two adjacent encoded words is dropped, plain
/// words keep theirs).
fn decode_words(v: &str) -> String {
    let mut out: Vec<u8> = Vec::new();
    let mut last_encoded = false;
    for (i, w) in v.split_whitespace().enumerate() {
        let lower = w.to_ascii_lowercase();
        let encoded = lower.starts_with("=?utf-8?b?") && lower.ends_with("?=");
        if i > 0 && !(encoded && last_encoded) {
            out.push(b' ');
        }
        if encoded {
            out.extend(base64_decode(&w[10..w.len() - 2]));
        } else {
            out.extend(w.as_bytes());
        }
        last_encoded = encoded;
    }
    String::from_utf8(out).expect("utf-8")
}

fn base64_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()) {
        let v = A.iter().position(|x| *x == c).expect("base64") as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

/// An RFC 5322 message: its unfolded headers and its decoded body.
fn parse_eml(bytes: &[u8]) -> (Vec<(String, String)>, String) {
    let text = std::str::from_utf8(bytes).expect("ascii message");
    assert!(text.is_ascii(), "a message on the wire is 7-bit");
    let (head, body) = text.split_once("\r\n\r\n").expect("header and body");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        assert!(line.len() <= 998, "line too long");
        if line.starts_with(' ') || line.starts_with('\t') {
            headers.last_mut().expect("folded line").1.push_str(line);
        } else {
            let (k, v) = line.split_once(": ").expect("name: value");
            headers.push((k.to_string(), v.to_string()));
        }
    }
    let body = String::from_utf8(base64_decode(&body.replace("\r\n", ""))).expect("utf-8 body");
    (headers, body)
}

#[test]
fn eml_drafts_are_rfc_5322_messages_with_encoded_korean_subjects() {
    let dir = tmp();
    let wb = shop(dir.path());
    let w = wb.to_str().unwrap();
    let o = run(
        dir.path(),
        &[
            "today", w, "--as-of", AS_OF, "--at", "10:00", "--lang", "ko", "--eml", "drafts",
            "--csv", "vars.csv",
        ],
    );
    assert_eq!(err(&o), "");
    assert!(
        out(&o).contains("메일 초안 7개를 drafts에 썼습니다.\n"),
        "{}",
        out(&o)
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("drafts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // Seven e-mails (Jay's birthday goes by SMS: in the CSV only).
    assert_eq!(
        names,
        [
            "reminder-007-kay@x.com.eml",
            "review-004-fay@x.com.eml",
            "review-005-leo@x.com.eml",
            "thanks_2nd-003-bob@x.com.eml",
            "welcome-001-ann@x.com.eml",
            "welcome-002-ivy@x.com.eml",
            "winback-006-cat@x.com.eml",
        ]
    );
    let (h, body) =
        parse_eml(&std::fs::read(dir.path().join("drafts/winback-006-cat@x.com.eml")).unwrap());
    let get = |k: &str| {
        h.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(get("To"), "Cat <cat@x.com>");
    assert_eq!(get("From"), "\"Dangol Shop\" <shop@x.com>");
    assert_eq!(get("MIME-Version"), "1.0");
    assert_eq!(get("Date"), "Sun, 20 Apr 2025 00:00:00 -0000");
    assert_eq!(
        decode_words(&get("Subject")),
        "(광고) [Dangol Shop] 오랜만에 인사드립니다"
    );
    assert_eq!(
        body,
        "Cat님, 안녕하세요. Dangol Shop입니다.\r\n\r\n마지막 주문 후 90일이 지났습니다. 새로 들어온 상품도 구경하러 들러 주세요.\r\n\r\n감사합니다.\r\nDangol Shop 드림\r\n\r\n수신을 원하지 않으시면 이 메일에 '수신거부'라고 회신해 주세요. (무료 수신거부)"
    );
    // A message that is not marketing carries no (광고) and no opt-out line.
    let (h, body) =
        parse_eml(&std::fs::read(dir.path().join("drafts/welcome-001-ann@x.com.eml")).unwrap());
    let subject = h.iter().find(|(n, _)| n == "Subject").unwrap().1.clone();
    assert_eq!(decode_words(&subject), "[Dangol Shop] 첫 주문 감사합니다");
    assert!(body.contains("첫 주문(50,000원) 감사드립니다."), "{body}");
    assert!(!body.contains("수신거부"));

    let csv = std::fs::read_to_string(dir.path().join("vars.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}flow,customer,name,email,phone,channel,template,marketing,trigger,send_day,reason,subject,body"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("birthday,")).count(),
        1
    );
    assert!(
        csv.contains("birthday,jay@x.com,Jay,jay@x.com,010-1234-5678,sms,birthday,N,2025-04-20,2025-04-20,생일 2025-04-20,[Dangol Shop] 생일 축하드립니다,"),
        "{csv}"
    );
}

#[test]
fn a_flows_sheet_with_a_bad_cell_names_it() {
    let dir = tmp();
    let path = dir.path().join("bad.xlsx");
    let s = V::S;
    let mut flows = flows_sheet();
    flows[1][1] = s("first_purchase");
    flows[2][3] = s("orderz >= 2");
    flows[3][8] = s("soon");
    xlsx(
        &path,
        &[
            (
                "Sales",
                vec![
                    vec![s("Date"), s("Customer"), s("Amount")],
                    vec![d(2025, 4, 19), s("Ann"), V::N(50_000.0)],
                ],
            ),
            ("Flows", flows),
        ],
    );
    let o = run(
        dir.path(),
        &["check", path.to_str().unwrap(), "--as-of", AS_OF],
    );
    let text = out(&o);
    assert!(
        text.contains("Flows!B2: found \"first_purchase\", expected a trigger: first_order, nth_order:N, order+Nd, recency>=N, birthday, quote_unanswered or cart_abandoned"),
        "{text}"
    );
    assert!(
        text.contains("Flows!D3: found \"orderz >= 2\", expected a rule: "),
        "{text}"
    );
    assert!(
        text.contains("Flows!I4: found \"soon\", expected a whole number of days from 0 to 3650"),
        "{text}"
    );
    // The three rows are left out; the others work.
    let o = run(
        dir.path(),
        &[
            "today",
            path.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--at",
            "10:00",
            "--format",
            "json",
        ],
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(j["due"], serde_json::json!([]));
}

#[test]
fn without_a_flows_sheet_today_says_so() {
    let dir = tmp();
    let path = dir.path().join("plain.xlsx");
    let s = V::S;
    xlsx(
        &path,
        &[(
            "Sales",
            vec![
                vec![s("Date"), s("Customer"), s("Amount")],
                vec![d(2025, 4, 19), s("Ann"), V::N(50_000.0)],
            ],
        )],
    );
    let o = run(
        dir.path(),
        &["today", path.to_str().unwrap(), "--as-of", AS_OF],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        out(&o),
        "The workbook has no Flows sheet (자동발송규칙); `dangol init` writes one with the default flows (welcome, 2nd and 3rd order thanks, review request, win-back).\n"
    );
}

#[test]
fn notify_today_sends_the_list_of_due_flow_messages() {
    let dir = tmp();
    let wb = shop(dir.path());
    let preview = dir.path().join("preview");
    let mut cmd = assert_cmd::Command::cargo_bin("dangol").expect("binary");
    for (k, _) in std::env::vars() {
        if k.starts_with("DANGOL_") {
            cmd.env_remove(k);
        }
    }
    let o = cmd
        .current_dir(dir.path())
        .env("DANGOL_SECRETS", dir.path().join("secrets.toml"))
        .env(
            "DANGOL_SLACK_WEBHOOK_URL",
            "http://127.0.0.1:9/services/T0/B0/X",
        )
        .args([
            "notify",
            wb.to_str().unwrap(),
            "--what",
            "today",
            "--to",
            "slack",
            "--out",
            preview.to_str().unwrap(),
            "--as-of",
            AS_OF,
        ])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let body =
        std::fs::read_to_string(preview.join("slack-today-2025-04-20.http")).expect("preview");
    assert!(
        body.contains("8 flow messages due today (2025-04-20)"),
        "{body}"
    );
    // Names are masked in chat messages.
    assert!(
        body.contains("- welcome → A*n (email): 1st order on 2025-04-19, ₩50,000"),
        "{body}"
    );
    assert!(
        body.contains("- winback → C*t (email): 2 order(s), none for 90 days since 2025-01-20"),
        "{body}"
    );
}

#[test]
fn fourteen_days_of_today_apply_over_the_sample_never_send_twice_nor_welcome_old_customers() {
    let dir = tmp();
    let wb = dir.path().join("shop.xlsx");
    let w = wb.to_str().unwrap();
    // The README's sample shop, smaller (so 14 full writes stay quick).
    let o = run(
        dir.path(),
        &[
            "sample",
            "--out",
            w,
            "--lang",
            "en",
            "--customers",
            "150",
            "--rows",
            "2500",
            "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    // The sample ends on 2026-11-22; its flows go live four weeks before.
    let go_live = chrono::NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
    let loaded = crate::support::load(&wb);
    let first_order = |key: &str| {
        loaded.data.sales.customers[key]
            .orders
            .values()
            .map(|o| o.at.date())
            .min()
            .expect("an order")
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut welcomed = 0;
    // Fourteen days around the go-live day: before it no flow sends (every trigger is older
    // than go-live), after it only customers new since go-live are welcomed.
    let start = chrono::NaiveDate::from_ymd_opt(2026, 10, 20).unwrap();
    let mut held_by_go_live = 0;
    for i in 0..14 {
        let day = (start + chrono::Days::new(i)).to_string();
        let o = run(
            dir.path(),
            &[
                "today", w, "--as-of", &day, "--at", "10:00", "--apply", "--format", "json",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{day}: {}", err(&o));
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let due = j["due"].as_array().expect("due");
        assert_eq!(j["applied"], due.len(), "{day}");
        held_by_go_live += j["before_go_live"].as_u64().unwrap();
        for m in due {
            let key = (
                m["flow"].as_str().unwrap().to_string(),
                m["customer"].as_str().unwrap().to_string(),
                m["trigger_ref"].as_str().unwrap().to_string(),
            );
            assert!(seen.insert(key.clone()), "{day}: {key:?} sent twice");
            if key.0 == "welcome" {
                welcomed += 1;
                let first = first_order(&key.1);
                assert!(
                    first >= go_live,
                    "{day}: welcomed {} who first ordered {first}",
                    key.1
                );
            }
        }
        // Everything recorded before today shows as sent, never as due again.
        for m in j["not_sent"].as_array().unwrap() {
            if m["status"] == "sent" {
                let key = (
                    m["flow"].as_str().unwrap().to_string(),
                    m["customer"].as_str().unwrap().to_string(),
                    m["trigger_ref"].as_str().unwrap().to_string(),
                );
                assert!(seen.contains(&key), "{day}: {key:?} sent but never due");
            }
        }
    }
    assert!(
        held_by_go_live > 0,
        "no trigger before go-live: the loop proves nothing"
    );
    assert!(
        welcomed > 0,
        "the loop welcomed nobody: it would prove nothing"
    );
    assert!(seen.len() >= 20, "{}", seen.len());
    // The Sent Log holds exactly the messages sent, after the sample's own history (sent
    // from 2026-11-16, after these days; none of it was due again).
    let history = loaded.data.flow_log.len();
    assert!(history > 0, "the sample has no Sent Log history");
    assert_eq!(flow_rows(&wb).len(), history + seen.len());
}

#[test]
fn the_dashboard_next_action_is_the_first_due_flow_message() {
    let dir = tmp();
    let wb = shop(dir.path());
    let w = wb.to_str().unwrap();
    let row_of = |name: &str| -> Vec<String> {
        let g = grid(&wb, "Dashboard");
        let mut r = g
            .into_iter()
            .find(|r| r.first().is_some_and(|c| c == name))
            .unwrap_or_else(|| panic!("no Dashboard row for {name}"));
        while r.last().is_some_and(String::is_empty) {
            r.pop();
        }
        r
    };
    let o = run(
        dir.path(),
        &["run", w, "--as-of", AS_OF, "--no-report", "--quiet"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let ann = row_of("Ann");
    assert_eq!(
        ann[ann.len() - 2..],
        [
            "Send flow message",
            "welcome: 1st order on 2025-04-19, ₩50,000"
        ]
    );
    // Ivy's thanks is held by the cooldown: her next action is the welcome.
    let ivy = row_of("Ivy");
    assert_eq!(
        ivy.last().unwrap(),
        "welcome: 1st order on 2025-04-18, ₩35,000"
    );
    // Eve opted out; Max's win-back has no consent: no action.
    assert_eq!(row_of("Eve").last().unwrap(), "opted out of messages");
    // (no action and no reason: the row ends with the responder grade)
    assert_eq!(row_of("Max").last().unwrap(), "No quotes");
    // Once recorded as sent, the Dashboard has nothing left for Ann.
    let o = run(
        dir.path(),
        &[
            "today", w, "--as-of", AS_OF, "--at", "10:00", "--apply", "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!row_of("Ann").iter().any(|c| c == "Send flow message"));
}
