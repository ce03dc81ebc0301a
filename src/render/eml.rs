//! Reminder e-mail drafts: one RFC 5322 `.eml` per customer and a mail-merge CSV. dangol
//! sends nothing; the owner opens a draft in a mail program and presses send.
//!
//! The text comes from the `Templates`/`템플릿` sheet (grade | subject | body) or the built-in
//! templates. A template's grade cell names a responder grade (`Interested`, `미응답`), a VIP
//! grade (`VIP`, `골드`, `Standard`, or explicitly `vip:NAME` for an owner's VIP grade that shares
//! a responder grade's name),
//! the quote's state (`opened`/`열람`, `not opened`/`미열람` — a due quote has no reply, so
//! opened means "opened without reply"), or several joined by `,` `/` `+` — all must hold;
//! `*`/`default`/`기본` matches everyone. The template matching the most parts wins, first in
//! sheet order on a tie. `From`/`Reply-To` come from the `shop_email` setting.
//!
//! Placeholders: `{name}` `{quote_id}` `{days}` `{amount}` `{shop}` (Korean aliases `{이름}`
//! `{견적번호}` `{경과일}` `{금액}` `{상호}`); `{{` and `}}` are literal braces. Any other
//! `{word}` is an error naming the template cell, checked for every template before any
//! draft is written.
//!
//! Header safety: values from the workbook never reach a header raw. Names and subjects lose
//! CR, LF and control characters and are sent as RFC 2047 encoded words when not plain
//! ASCII (lettre's header encoder, not a hand-written one); an address that is not a plain `local@domain` (a CR/LF, space, `<`, `,` …) is not
//! used: that customer is listed as "call instead".

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use lettre::Address;
use lettre::message::header::{self, HeaderName, HeaderValue, Headers};
use lettre::message::{Body, Mailbox, Mailboxes};

use crate::analysis::customers::Grade;
use crate::analysis::remind::Reminder;
use crate::ingest::TemplateRow;
use crate::model::{Currency, Lang};
use crate::settings::Settings;

/// A template with where it came from (`Templates!C4`, or `built-in`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub grade: String,
    pub subject: String,
    pub body: String,
    pub subject_place: String,
    pub body_place: String,
}

impl From<&TemplateRow> for Template {
    fn from(t: &TemplateRow) -> Self {
        Template {
            grade: t.grade.clone(),
            subject: t.subject.clone(),
            body: t.body.clone(),
            subject_place: t.subject_cell.to_string(),
            body_place: t.body_cell.to_string(),
        }
    }
}

/// A template problem the owner must fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error(
        "{place}: unknown placeholder {{{name}}}; use {{name}}, {{quote_id}}, {{days}}, {{amount}} or {{shop}} (write {{{{ for a literal brace)"
    )]
    UnknownPlaceholder { place: String, name: String },
    /// A brace that is neither a placeholder nor a doubled literal brace: `{name` (unclosed),
    /// `{}` (empty), `{ name }` (spaces), a lone `}`.
    #[error(
        "{place}: {found} is not a placeholder ({why}); use {{name}}, {{quote_id}}, {{days}}, {{amount}} or {{shop}} (write {{{{ or }}}} for a literal brace)"
    )]
    BadPlaceholder {
        place: String,
        found: String,
        why: &'static str,
    },
}

/// One customer's reminder draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub customer: String,
    pub name: String,
    /// A usable address; `None` = call instead.
    pub to: Option<String>,
    /// The address found when it could not be used.
    pub bad_email: Option<String>,
    pub phone: Option<String>,
    pub quote_id: Option<String>,
    pub days: i64,
    /// Formatted in the shop's currency; empty when the quote has no amount.
    pub amount: String,
    pub vip_grade: String,
    pub responder_grade: String,
    pub subject: String,
    pub body: String,
    /// Where the template came from.
    pub template: String,
    /// The shop's address (`shop_email`) for `From` and `Reply-To`; `None` when not set.
    pub from: Option<String>,
    /// The shop's name shown with `from`.
    pub from_name: String,
}

/// What drafts are made with.
#[derive(Debug, Clone)]
pub struct DraftContext<'a> {
    pub shop: &'a str,
    /// `shop_email`; empty = no `From`/`Reply-To` header.
    pub shop_email: &'a str,
    pub currency: Currency,
    pub lang: Lang,
    /// Responder grade names (en and ko) of the settings, so a bare template grade is read as
    /// a responder grade when it is one and as a VIP grade otherwise.
    pub responder_names: Vec<String>,
}

impl<'a> DraftContext<'a> {
    /// The context for a workbook's settings.
    pub fn new(settings: &'a Settings, currency: Currency, lang: Lang) -> Self {
        DraftContext {
            shop: &settings.shop_name,
            shop_email: settings.shop_email.trim(),
            currency,
            lang,
            responder_names: settings
                .responder_rules
                .iter()
                .flat_map(|r| [norm(&r.grade.en), norm(&r.grade.ko)])
                .collect(),
        }
    }
}

/// The built-in templates of a language, chosen by responder grade and the quote's state
/// (SPEC §6): a Regular customer's opened or unopened quote, anyone's opened quote, and the
/// fallback for an unopened one. Each says only what the data shows — an unopened quote is
/// never thanked for being read.
pub fn builtin_templates(lang: Lang) -> Vec<Template> {
    let t = |grade: &str, subject: &str, body: &str| Template {
        grade: grade.into(),
        subject: subject.into(),
        body: body.into(),
        subject_place: "built-in template".into(),
        body_place: "built-in template".into(),
    };
    match lang {
        Lang::Ko => vec![
            t(
                "단골 + 열람",
                "[{shop}] 견적서 {quote_id} 관련해 여쭙습니다",
                "{name}님, 안녕하세요. {shop}입니다.\n\n늘 주문해 주셔서 감사합니다.\n{days}일 전에 보내드린 견적서({quote_id}, {amount})를 열어 보셨기에 연락드립니다.\n궁금하신 점이나 조정이 필요한 부분이 있으면 이 메일에 편하게 회신해 주세요.\n\n감사합니다.\n{shop} 드림",
            ),
            t(
                "단골 + 미열람",
                "[{shop}] 보내드린 견적서 {quote_id} 확인 부탁드립니다",
                "{name}님, 안녕하세요. {shop}입니다.\n\n늘 주문해 주셔서 감사합니다.\n{days}일 전에 견적서({quote_id}, {amount})를 보내드렸는데 잘 받으셨는지 여쭙습니다.\n검토에 필요한 내용이 있으면 언제든 말씀해 주세요.\n\n감사합니다.\n{shop} 드림",
            ),
            t(
                "열람",
                "[{shop}] 견적서 {quote_id} 관련해 여쭙습니다",
                "{name}님, 안녕하세요. {shop}입니다.\n\n{days}일 전에 보내드린 견적서({quote_id}, {amount})를 살펴봐 주셔서 감사합니다.\n궁금하신 점이나 조정이 필요한 부분이 있으면 이 메일에 편하게 회신해 주세요.\n\n감사합니다.\n{shop} 드림",
            ),
            t(
                "*",
                "[{shop}] 보내드린 견적서 {quote_id} 확인 부탁드립니다",
                "{name}님, 안녕하세요. {shop}입니다.\n\n{days}일 전에 견적서({quote_id}, {amount})를 보내드렸는데 혹시 받아보셨는지 여쭙습니다.\n검토에 필요한 내용이 있으면 언제든 말씀해 주세요.\n\n감사합니다.\n{shop} 드림",
            ),
        ],
        Lang::En => vec![
            t(
                "Regular + opened",
                "[{shop}] About quote {quote_id}",
                "Dear {name},\n\nThank you for your orders with us.\nYou have had a look at the quote we sent {days} days ago ({quote_id}, {amount}); if you have any questions or would like anything adjusted, just reply to this e-mail.\n\nBest regards,\n{shop}",
            ),
            t(
                "Regular + not opened",
                "[{shop}] Following up on quote {quote_id}",
                "Dear {name},\n\nThank you for your orders with us.\nWe sent you a quote {days} days ago ({quote_id}, {amount}) and wanted to make sure it reached you.\nLet us know if you need anything to decide.\n\nBest regards,\n{shop}",
            ),
            t(
                "opened",
                "[{shop}] About quote {quote_id}",
                "Dear {name},\n\nThank you for looking at the quote we sent {days} days ago ({quote_id}, {amount}).\nIf you have any questions or would like anything adjusted, just reply to this e-mail.\n\nBest regards,\n{shop}",
            ),
            t(
                "*",
                "[{shop}] Following up on quote {quote_id}",
                "Dear {name},\n\nWe sent you a quote {days} days ago ({quote_id}, {amount}) and wanted to make sure it reached you.\nLet us know if you need anything to decide.\n\nBest regards,\n{shop}",
            ),
        ],
    }
}

/// Lower-case, no white space: how grade names are compared.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

const FALLBACK: &[&str] = &["*", "default", "all", "any", "기본", "전체", "공통"];

/// Template grade parts naming the quote's state (compared after [`norm`]): opened (without a
/// reply — a replied quote is never due), and not opened.
const OPENED: &[&str] = &["opened", "열람", "열람함", "읽음"];
const NOT_OPENED: &[&str] = &["notopened", "unopened", "미열람", "안읽음", "열람안함"];

/// How well a template's grade cell fits a customer and the state of their quote: `None` = not
/// at all, else the number of parts that held (0 for a fallback template). A part is a
/// responder or VIP grade, or the quote state `opened`/`열람` or `not opened`/`미열람`.
fn fit(
    grade_cell: &str,
    vip: Option<&Grade>,
    resp: Option<&Grade>,
    opened: bool,
    ctx: &DraftContext,
) -> Option<usize> {
    let cell = norm(grade_cell);
    if FALLBACK.contains(&cell.as_str()) {
        return Some(0);
    }
    let names = |g: Option<&Grade>| g.map(|g| [norm(&g.name.en), norm(&g.name.ko)]);
    let (v, r) = (names(vip), names(resp));
    let mut n = 0;
    for part in cell.split([',', '/', '+', '&']).filter(|p| !p.is_empty()) {
        let explicit_vip = ["vip:", "vip=", "등급:"]
            .iter()
            .find_map(|p| part.strip_prefix(p));
        let ok = if OPENED.contains(&part) {
            opened
        } else if NOT_OPENED.contains(&part) {
            !opened
        } else if let Some(name) = explicit_vip {
            v.as_ref().is_some_and(|v| v.iter().any(|x| x == name))
        } else if ctx.responder_names.iter().any(|x| x == part) {
            r.as_ref().is_some_and(|r| r.iter().any(|x| x == part))
        } else {
            v.as_ref().is_some_and(|v| v.iter().any(|x| x == part))
        };
        if !ok {
            return None;
        }
        n += 1;
    }
    (n > 0).then_some(n)
}

/// Fill a template text's placeholders from `values`. `{{` and `}}` are literal braces; every
/// other brace must be part of a known `{name}` — an unknown name, an unclosed `{name`, an empty
/// `{}`, a spaced `{ name }` or a lone `}` is an error naming `place`, so a typo never reaches
/// a customer as literal text.
fn fill(text: &str, place: &str, values: &BTreeMap<&str, String>) -> Result<String, DraftError> {
    let bad = |found: &str, why: &'static str| DraftError::BadPlaceholder {
        place: place.to_string(),
        found: found.to_string(),
        why,
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return Err(bad("}", "a lone closing brace"));
        }
        let Some(j) = tail[1..]
            .find(['{', '}', '\n'])
            .filter(|&j| tail.as_bytes()[1 + j] == b'}')
        else {
            let shown: String = tail.chars().take(20).take_while(|c| *c != '\n').collect();
            return Err(bad(&shown, "no closing brace"));
        };
        let name = &tail[1..=j];
        if name.is_empty() {
            return Err(bad("{}", "no name between the braces"));
        }
        if name.contains(char::is_whitespace) {
            return Err(bad(&tail[..j + 2], "spaces inside the braces"));
        }
        let key = canonical(name).ok_or_else(|| DraftError::UnknownPlaceholder {
            place: place.to_string(),
            name: name.to_string(),
        })?;
        out.push_str(values.get(key).map_or("", String::as_str));
        rest = &tail[j + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The English placeholder a name (or its Korean alias) stands for.
fn canonical(name: &str) -> Option<&'static str> {
    Some(match name.trim().to_lowercase().as_str() {
        "name" | "이름" | "고객명" => "name",
        "quote_id" | "견적번호" => "quote_id",
        "days" | "경과일" => "days",
        "amount" | "금액" | "견적금액" => "amount",
        "shop" | "상호" => "shop",
        _ => return None,
    })
}

/// Check every template's placeholders before anything is written.
pub fn validate_templates(templates: &[Template]) -> Result<(), DraftError> {
    let empty = BTreeMap::new();
    for t in templates {
        fill(&t.subject, &t.subject_place, &empty)?;
        fill(&t.body, &t.body_place, &empty)?;
    }
    Ok(())
}

/// Whether an address is a plain `local@domain` that can go into a `To:` header unchanged.
pub fn usable_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && e.len() <= 254
        && e.chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && !"<>()[]\\,;:\"".contains(c))
}

/// One draft per customer from the due reminders: the customer's most recently sent due quote,
/// the template that fits their grades best (sheet templates first, then the built-in ones).
pub fn drafts(
    reminders: &[Reminder],
    sheet_templates: &[TemplateRow],
    ctx: &DraftContext,
) -> Result<Vec<Draft>, DraftError> {
    let sheet: Vec<Template> = sheet_templates.iter().map(Template::from).collect();
    validate_templates(&sheet)?;
    let builtin = builtin_templates(ctx.lang);
    let mut latest: BTreeMap<&str, &Reminder> = BTreeMap::new();
    for r in reminders {
        let e = latest.entry(r.customer.as_str()).or_insert(r);
        if (r.sent, &r.cell) > (e.sent, &e.cell) {
            *e = r;
        }
    }
    let mut out = Vec::new();
    for r in latest.values() {
        let pick = |list: &[Template]| -> Option<usize> {
            let mut best: Option<(usize, usize)> = None;
            for (i, t) in list.iter().enumerate() {
                if let Some(s) = fit(
                    &t.grade,
                    r.vip.as_ref(),
                    r.responder.as_ref(),
                    r.opened,
                    ctx,
                ) && best.is_none_or(|b| s > b.1)
                {
                    best = Some((i, s));
                }
            }
            best.map(|b| b.0)
        };
        let t = match pick(&sheet) {
            Some(i) => &sheet[i],
            // The last built-in template is the fallback, so this always finds one.
            None => &builtin[pick(&builtin).unwrap_or(builtin.len() - 1)],
        };
        let amount = r
            .amount
            .map(|a| crate::i18n::money(ctx.lang, a, ctx.currency))
            .unwrap_or_default();
        let name = clean_line(&r.name);
        let values: BTreeMap<&str, String> = [
            ("name", name.clone()),
            ("quote_id", r.quote_id.clone().unwrap_or_default()),
            ("days", r.days_since_sent.to_string()),
            ("amount", amount.clone()),
            ("shop", ctx.shop.to_string()),
        ]
        .into_iter()
        .collect();
        let subject = clean_line(&fill(&t.subject, &t.subject_place, &values)?);
        let body = fill(&t.body, &t.body_place, &values)?;
        let email = r.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
        let (to, bad_email) = match email {
            Some(e) if usable_email(e) => (Some(e.to_string()), None),
            Some(e) => (None, Some(e.to_string())),
            None => (None, None),
        };
        let grade = |g: Option<&Grade>| g.map(|g| g.name.in_lang(ctx.lang).to_string());
        out.push(Draft {
            customer: r.customer.clone(),
            name,
            to,
            bad_email,
            phone: r.phone.clone(),
            quote_id: r.quote_id.clone(),
            days: r.days_since_sent,
            amount,
            vip_grade: grade(r.vip.as_ref()).unwrap_or_default(),
            responder_grade: grade(r.responder.as_ref()).unwrap_or_default(),
            subject,
            body,
            template: t.subject_place.clone(),
            from: Some(ctx.shop_email)
                .filter(|e| usable_email(e))
                .map(str::to_string),
            from_name: clean_line(ctx.shop),
        });
    }
    Ok(out)
}

/// One line of header-safe text: CR, LF, tabs and other control characters become spaces,
/// runs of spaces collapse, ends are trimmed.
pub fn clean_line(s: &str) -> String {
    super::safe::header_value(s)
}

/// Standard base64 with padding (the `base64` crate's standard engine — the one lettre, already
/// a dependency, uses).
pub fn base64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// A header value: plain when it is printable ASCII, else RFC 2047 encoded words, folded onto
/// continuation lines — lettre's header encoder (`Subject`), so no line exceeds 76 characters.
/// Returned without the `Subject: ` name.
pub fn encode_header_text(s: &str) -> String {
    let mut h = Headers::new();
    h.set(header::Subject::from(clean_line(s)));
    let line = h.to_string();
    line.strip_prefix("Subject: ")
        .and_then(|l| l.strip_suffix("\r\n"))
        .unwrap_or(&line)
        .to_string()
}

/// RFC 5322 date of `day` at midnight; `-0000` because dangol's days carry no time zone.
fn mail_date(day: NaiveDate) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} 00:00:00 -0000",
        DAYS[day.weekday().num_days_from_monday() as usize],
        day.day(),
        MONTHS[day.month0() as usize],
        day.year()
    )
}

/// The `.eml` bytes of a draft that has an address; `None` for a "call instead" draft.
///
/// Headers: `From` and `Reply-To` (the `shop_email` setting, when set), `To`, `Subject`,
/// `Date` (the as-of day, so reruns give identical files),
/// `MIME-Version`, `Content-Type: text/plain; charset=utf-8`, base64 transfer encoding, and
/// `X-Unsent: 1` so Outlook opens it as a draft ready to send. The headers and the body are
/// encoded by lettre's message types (RFC 2047 encoded words for names and subjects that are
/// not plain ASCII, folding, base64 in 76-character lines); lettre's `Message` builder itself
/// is not used because it requires a `From` (a draft without `shop_email` has none: the mail
/// program fills in its own account) and stamps the clock's date.
pub fn eml(draft: &Draft, as_of: NaiveDate) -> Option<Vec<u8>> {
    let to = mailbox(&draft.name, draft.to.as_deref()?);
    let mut h = Headers::new();
    if let Some(from) = draft.from.as_deref() {
        let from = mailbox(&draft.from_name, from);
        h.set(header::From::from(Mailboxes::from(from.clone())));
        h.set(header::ReplyTo::from(Mailboxes::from(from)));
    }
    h.set(header::To::from(Mailboxes::from(to)));
    h.set(header::Subject::from(clean_line(&draft.subject)));
    let raw = |name: &'static str, value: String| {
        HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
    };
    h.insert_raw(raw("Date", mail_date(as_of)));
    h.set(header::MIME_VERSION_1_0);
    h.set(header::ContentType::TEXT_PLAIN);
    h.set(header::ContentTransferEncoding::Base64);
    h.insert_raw(raw("X-Unsent", "1".to_string()));
    let body = draft.body.replace("\r\n", "\n").replace('\n', "\r\n");
    let body = Body::new_with_encoding(body, header::ContentTransferEncoding::Base64).ok()?;
    let mut m = h.to_string().into_bytes();
    m.extend_from_slice(b"\r\n");
    m.extend_from_slice(body.as_ref());
    m.extend_from_slice(b"\r\n");
    Some(m)
}

/// The mailbox `Name <addr>` (lettre quotes or encodes the name as needed), or `<addr>` alone
/// without a name. `addr` passed [`usable_email`]: a plain `local@domain` that cannot break a
/// header, so an address lettre's stricter parser refuses (an international domain) is kept as
/// written rather than dropped.
fn mailbox(name: &str, addr: &str) -> Mailbox {
    let address = addr.parse::<Address>().unwrap_or_else(|_| {
        let (user, domain) = addr.rsplit_once('@').unwrap_or((addr, ""));
        Address::new_dangerous(user, domain)
    });
    let name = clean_line(name);
    Mailbox::new((!name.is_empty()).then_some(name), address)
}

/// A file name for a draft: its position (so names never collide) and a safe form of the
/// customer key.
pub fn eml_file_name(index: usize, draft: &Draft) -> String {
    let safe: String = super::safe::sanitize_file_name(&draft.customer)
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .take(60)
        .collect();
    format!("{:03}-{safe}.eml", index + 1)
}

/// A CSV text cell that a spreadsheet will not run as a formula: a leading `=`, `+`, `-`, `@`,
/// tab or CR gets a `'` in front.
/// The line after drafts were written: `Wrote 3 draft(s) to drafts/.` (`remind`, `today`).
pub fn drafts_written(lang: Lang, drafts: usize, dir: &std::path::Path) -> String {
    match lang {
        Lang::Ko => format!("메일 초안 {drafts}개를 {}에 썼습니다.", dir.display()),
        Lang::En => format!("Wrote {drafts} draft(s) to {}.", dir.display()),
    }
}

/// The lines saying where a run's drafts and its CSV went (`remind`, `today`), the CSV called
/// `csv_name` (Korean, English).
pub fn written_lines(
    o: &mut String,
    lang: Lang,
    eml: Option<(&std::path::Path, usize)>,
    csv: Option<&std::path::Path>,
    csv_name: (&str, &str),
) {
    use std::fmt::Write as _;
    if let Some((dir, drafts)) = eml {
        let _ = writeln!(o, "{}", drafts_written(lang, drafts, dir));
    }
    if let Some(csv) = csv {
        let _ = writeln!(
            o,
            "{}: {}",
            lang.pick(csv_name.0, csv_name.1),
            csv.display()
        );
    }
}

pub fn csv_safe(s: &str) -> String {
    super::csv_out::neutralise(s).into_owned()
}

/// The mail-merge CSV (UTF-8 with BOM): one row per draft that has an address.
pub fn mail_merge_csv(drafts: &[Draft]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "email",
        "name",
        "quote_id",
        "days",
        "amount",
        "subject",
        "body",
        "vip_grade",
        "responder_grade",
    ])?;
    for d in drafts {
        let Some(to) = d.to.as_deref() else { continue };
        w.write_record([
            csv_safe(to),
            csv_safe(&d.name),
            csv_safe(d.quote_id.as_deref().unwrap_or_default()),
            d.days.to_string(),
            csv_safe(&d.amount),
            csv_safe(&d.subject),
            csv_safe(&d.body),
            csv_safe(&d.vip_grade),
            csv_safe(&d.responder_grade),
        ])?;
    }
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(
        w.into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))?,
    );
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_known_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn fill_placeholders_and_escapes() {
        let v: BTreeMap<&str, String> =
            [("name", "김철수".to_string()), ("days", "5".to_string())].into();
        assert_eq!(
            fill("{name}님 {{days}} {days}일 {이름} }}", "T!A1", &v).unwrap(),
            "김철수님 {days} 5일 김철수 }"
        );
        let hint = "use {name}, {quote_id}, {days}, {amount} or {shop} (write {{ or }} for a literal brace)";
        for (text, found, why) in [
            ("Dear {name", "{name", "no closing brace"),
            ("Dear {name\nbye}", "{name", "no closing brace"),
            ("Hi {}", "{}", "no name between the braces"),
            ("Hi { name }", "{ name }", "spaces inside the braces"),
            ("smile :}", "}", "a lone closing brace"),
        ] {
            assert_eq!(
                fill(text, "Templates!C4", &v).unwrap_err().to_string(),
                format!("Templates!C4: {found} is not a placeholder ({why}); {hint}"),
                "{text}"
            );
        }
        assert_eq!(
            fill("{nmae}", "Templates!C4", &v).unwrap_err().to_string(),
            "Templates!C4: unknown placeholder {nmae}; use {name}, {quote_id}, {days}, {amount} or {shop} (write {{ for a literal brace)"
        );
    }

    #[test]
    fn header_text_is_plain_or_encoded() {
        assert_eq!(
            encode_header_text("Hello\r\nBcc: x@y.z"),
            "Hello Bcc: x@y.z"
        );
        // lettre's encoder writes the charset and encoding in lower case (RFC 2047 compares
        // them without case); the encoded bytes are the same.
        assert_eq!(encode_header_text("안녕"), "=?utf-8?b?7JWI64WV?=");
        let long = encode_header_text(&"가".repeat(40));
        let words: Vec<&str> = long.split("\r\n ").collect();
        assert!(words.iter().all(|w| w.len() <= 75), "{words:?}");
        assert!(words.len() >= 2, "{words:?}");
        // Nothing is lost: the words decode back to the text.
        let decoded: String = words
            .iter()
            .map(|w| {
                let b = w
                    .strip_prefix("=?utf-8?b?")
                    .and_then(|w| w.strip_suffix("?="))
                    .unwrap();
                use base64::Engine as _;
                let bytes = base64::engine::general_purpose::STANDARD.decode(b).unwrap();
                String::from_utf8(bytes).unwrap()
            })
            .collect();
        assert_eq!(decoded, "가".repeat(40));
    }

    #[test]
    fn emails() {
        assert!(usable_email("kim@example.com"));
        assert!(!usable_email("kim@example.com\r\nBcc: a@b.c"));
        assert!(!usable_email("Kim <kim@example.com>"));
        assert!(!usable_email("kim"));
    }

    #[test]
    fn csv_guard() {
        assert_eq!(csv_safe("=1+1"), "'=1+1");
        assert_eq!(csv_safe("-5"), "'-5");
        assert_eq!(csv_safe("\tx"), "'\tx");
        assert_eq!(csv_safe("김"), "김");
    }

    #[test]
    fn date_header() {
        let d = NaiveDate::from_ymd_opt(2025, 4, 15).unwrap();
        assert_eq!(mail_date(d), "Tue, 15 Apr 2025 00:00:00 -0000");
    }
}

#[cfg(test)]
mod file_name_tests {
    use super::{Draft, eml_file_name};

    fn draft(customer: &str) -> Draft {
        Draft {
            customer: customer.to_string(),
            name: String::new(),
            to: None,
            bad_email: None,
            phone: None,
            quote_id: None,
            days: 0,
            amount: String::new(),
            vip_grade: String::new(),
            responder_grade: String::new(),
            subject: String::new(),
            body: String::new(),
            template: String::new(),
            from: None,
            from_name: String::new(),
        }
    }

    /// A customer key from the data never walks out of the drafts folder or names a device.
    #[test]
    fn draft_file_names_stay_in_their_folder() {
        assert_eq!(
            eml_file_name(0, &draft("../../etc/passwd")),
            "001-___etc_passwd.eml"
        );
        assert_eq!(eml_file_name(1, &draft("kim@ex.com")), "002-kim@ex.com.eml");
        assert_eq!(eml_file_name(2, &draft("김 철수")), "003-김_철수.eml");
        assert_eq!(eml_file_name(3, &draft("a\r\nb")), "004-a__b.eml");
    }
}
