//! `dangol today`: the lifecycle messages due today (SPEC §8) with the reason in the
//! customer's numbers; `--eml DIR` drafts them, `--csv FILE` writes a mail-merge / 알림톡
//! variable file, `--apply` records them in the Sent Log (발송기록) through the same write
//! job as `dangol run`, so a second `--apply` on the same day adds nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::bail;
use chrono::{NaiveDate, NaiveTime};

use crate::analysis::customers::customer_table;
use crate::analysis::flows::{FlowDay, Message, Status, money_text};
use crate::analysis::remind::due_reminders;
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::ingest::flows::{Channel, FlowSent};
use crate::ingest::{Loaded, TemplateRow};
use crate::model::{Currency, Lang};
use crate::render::contents_today;
use crate::render::eml::{self, Draft};
use crate::render::output::{self, Backups, Kind};
use crate::render::sheets::{SheetContext, generated_workbook};
use crate::writeback::{WriteJob, WriteOptions};

/// List the flow messages due today; draft them, record them as sent.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "A flow message (Flows sheet: welcome, 2nd/3rd order thanks, review \
request, win-back, birthday, quote reminder, abandoned cart) is due when its trigger day plus \
delay_days is on or before --as-of, the trigger is on or after go_live, it is less than \
flows.catch_up_days (7) days late, the customer has not opted out, no stop rule holds \
(ordered, replied), no other flow's message went within cooldown_days, and the Sent Log does \
not have it. Marketing messages need the customer's consent, carry (광고) and an opt-out line, \
and are held from 21:00 to 08:00 (the send time is --at, else the clock).

Examples:
  dangol today shop.xlsx                          # what to send today, and why
  dangol today shop.xlsx --as-of 2025-04-21 --at 10:00 --format json
  dangol today shop.xlsx --eml drafts/ --csv alimtalk.csv
  dangol today shop.xlsx --apply                  # record them in the Sent Log (backup kept)"
)]
pub struct Args {
    /// The workbook (`--apply` needs .xlsx or .xlsm).
    pub workbook: PathBuf,
    /// The send time (HH:MM) for the marketing quiet hours; default: now.
    #[arg(long, value_name = "HH:MM", value_parser = parse_at)]
    pub at: Option<NaiveTime>,
    /// Write one .eml draft per e-mail message into this folder.
    #[arg(long, value_name = "DIR")]
    pub eml: Option<PathBuf>,
    /// Write a mail-merge / 알림톡 variable CSV (UTF-8 with BOM), one row per due message.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Record the due messages in the Sent Log sheet (sent on the as-of day).
    #[arg(long)]
    pub apply: bool,
    /// With --apply: write the updated workbook here instead of replacing WORKBOOK.
    #[arg(long, value_name = "FILE", requires = "apply")]
    pub out: Option<PathBuf>,
}

fn parse_at(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| format!("expected a time like 10:00 or 21:30, found {s:?}"))
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let inputs = output::inputs(&args.workbook, g.config.as_deref(), &[]);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let csv_kind = Kind::Csv(contents_today::merge_header()?);
    if let Some(csv) = &args.csv {
        output::refuse_input("--csv", csv, &inputs)?;
        output::check_replace(csv, &csv_kind, g.force)?;
    }
    if let Some(dir) = &args.eml {
        output::refuse_input("--eml", dir, &inputs)?;
    }
    if let Some(out) = &args.out
        && !output::same_file(out, &args.workbook)
    {
        output::check_replace(out, &Kind::Workbook, g.force)?;
    }
    // `--apply`: lock, then read, then decide, then write (the one write job).
    let mut job = if args.apply {
        Some(begin_apply(args, g)?)
    } else {
        None
    };
    let mut loaded = super::load(&args.workbook, g)?;
    let as_of = super::as_of(g);
    if let Some(job) = job.as_mut() {
        job.set_backups(loaded.settings.backups);
        job.set_created(as_of);
    }
    let lang = loaded.lang;
    if loaded.data.flows.is_empty() {
        if !g.quiet {
            super::emit(&format!(
                "{}\n",
                lang.pick(
                    "자동발송규칙(Flows) 시트가 없습니다. `dangol init`이 기본 규칙(환영, 두·세 번째 주문 감사, 후기 요청, 재방문 유도)이 담긴 시트를 만듭니다.",
                    "The workbook has no Flows sheet (자동발송규칙); `dangol init` writes one with the default flows (welcome, 2nd and 3rd order thanks, review request, win-back)."
                )
            ))?;
        }
        return Ok(Exit::Ok);
    }
    let at = args
        .at
        .unwrap_or_else(|| chrono::Local::now().time().with_nanosecond_zero());
    let day = decide(&loaded, as_of, at);

    let ctx = TextContext {
        shop: shop_name(&loaded),
        currency: loaded.currency,
        lang,
        templates: loaded.data.templates.clone(),
    };
    let due: Vec<&Message> = day.due().collect();
    let texts: Vec<(String, String)> = due
        .iter()
        .map(|m| message_text(m, &ctx))
        .collect::<anyhow::Result<_>>()?;
    let backups = Backups {
        keep: loaded.settings.backups,
        ..Backups::default_now()
    };
    let like = Some(args.workbook.as_path());
    let mut drafts = 0;
    if let Some(dir) = &args.eml {
        let files = eml_files(&due, &texts, &loaded, as_of, dir);
        for (path, _) in &files {
            output::refuse_input("--eml", path, &inputs)?;
            output::check_replace(path, &Kind::Eml, g.force)?;
        }
        std::fs::create_dir_all(dir).map_err(|e| crate::i18n::folder_not_made(dir, &e))?;
        for (path, bytes) in &files {
            output::write_output(path, bytes, &Kind::Eml, g.force, backups, like)?;
            drafts += 1;
        }
    }
    if let Some(path) = &args.csv {
        let bytes = contents_today::merge_csv(&due, &texts, ctx.lang, ctx.currency)?;
        output::write_output(path, &bytes, &csv_kind, g.force, backups, like)?;
    }
    let applied = match &job {
        Some(job) => apply(&mut loaded, &due, as_of, args, g, job)?,
        None => 0,
    };
    let text = match g.format {
        Format::Json => contents_today::today_json(&day, ctx.currency, applied, drafts)?,
        Format::Csv => contents_today::today_csv(&day, ctx.currency)?,
        Format::Table | Format::Xlsx => terminal(&day, &ctx, args, applied, drafts),
    };
    if !g.quiet || g.format == Format::Json {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}

trait NoNanos {
    fn with_nanosecond_zero(self) -> NaiveTime;
}

impl NoNanos for NaiveTime {
    fn with_nanosecond_zero(self) -> NaiveTime {
        use chrono::Timelike;
        NaiveTime::from_hms_opt(self.hour(), self.minute(), 0).unwrap_or(self)
    }
}

/// The flow decision of `as_of` at `at`.
pub fn decide(loaded: &Loaded, as_of: NaiveDate, at: NaiveTime) -> FlowDay {
    let data = &loaded.data;
    let mut table = customer_table(
        &data.sales,
        &data.quotes,
        &data.customers,
        &loaded.settings,
        as_of,
    );
    // `group == "도매"` in a flow's condition: the groups of the as-of day, as `run` sees them.
    crate::analysis::groups::tag_groups(data, &loaded.settings, &mut table);
    let reminders = due_reminders(data, &table, &loaded.settings, as_of);
    crate::pipeline::flow_day(loaded, &table, &reminders, as_of, at).unwrap_or(FlowDay {
        as_of,
        at,
        catch_up_days: loaded.settings.flows_catch_up_days,
        messages: Vec::new(),
        before_go_live: 0,
    })
}

fn shop_name(l: &Loaded) -> String {
    let s = l.settings.shop_name.trim();
    if s.is_empty() {
        "dangol".into()
    } else {
        s.to_string()
    }
}

/// What message texts are made with.
struct TextContext {
    shop: String,
    currency: Currency,
    lang: Lang,
    templates: Vec<TemplateRow>,
}

/// The built-in (subject, body) of a template, by name; the reminder text for unknown names.
fn builtin(template: &str, lang: Lang) -> (&'static str, &'static str) {
    let t = template.trim().to_lowercase();
    let key = match t.as_str() {
        "welcome" | "환영" => "welcome",
        "thanks_2nd" | "thanks2" | "두번째주문감사" => "thanks_2nd",
        "thanks_3rd" | "thanks3" | "세번째주문감사" => "thanks_3rd",
        "review" | "review_request" | "후기요청" => "review",
        "winback" | "win_back" | "재방문" => "winback",
        "birthday" | "생일" => "birthday",
        "cart" | "cart_abandoned" | "장바구니" => "cart",
        _ => "reminder",
    };
    match (key, lang) {
        ("welcome", Lang::Ko) => (
            "[{shop}] 첫 주문 감사합니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n첫 주문({amount}) 감사드립니다. 받아보시고 궁금한 점이 있으면 이 메일에 회신해 주세요.",
        ),
        ("welcome", Lang::En) => (
            "[{shop}] Thank you for your first order",
            "Dear {name},\n\nThank you for your first order ({amount}) with {shop}. If you have any questions about it, just reply to this e-mail.",
        ),
        ("thanks_2nd", Lang::Ko) => (
            "[{shop}] 다시 찾아주셔서 감사합니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n두 번째 주문({amount})에 감사드립니다. 다시 찾아주셔서 정말 기쁩니다.",
        ),
        ("thanks_2nd", Lang::En) => (
            "[{shop}] Thank you for coming back",
            "Dear {name},\n\nThank you for your second order ({amount}). We are glad to see you again.",
        ),
        ("thanks_3rd", Lang::Ko) => (
            "[{shop}] 세 번째 주문 감사합니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n세 번째 주문({amount})까지 이어 주셔서 감사합니다. 이제 저희 단골이십니다.",
        ),
        ("thanks_3rd", Lang::En) => (
            "[{shop}] Thank you for your third order",
            "Dear {name},\n\nThank you for your third order ({amount}). It is a pleasure to have you as a regular.",
        ),
        ("review", Lang::Ko) => (
            "[{shop}] 받아보신 상품은 어떠셨나요?",
            "{name}님, 안녕하세요. {shop}입니다.\n\n{days}일 전에 주문하신 상품({amount})은 잘 받아보셨나요? 짧은 후기를 남겨 주시면 큰 힘이 됩니다.",
        ),
        ("review", Lang::En) => (
            "[{shop}] How was your order?",
            "Dear {name},\n\nYour order of {days} days ago ({amount}) should have arrived by now. A short review would help us a lot.",
        ),
        ("winback", Lang::Ko) => (
            "[{shop}] 오랜만에 인사드립니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n마지막 주문 후 {days}일이 지났습니다. 새로 들어온 상품도 구경하러 들러 주세요.",
        ),
        ("winback", Lang::En) => (
            "[{shop}] We miss you",
            "Dear {name},\n\nIt has been {days} days since your last order. Come and see what is new at {shop}.",
        ),
        ("birthday", Lang::Ko) => (
            "[{shop}] 생일 축하드립니다",
            "{name}님, 생일 축하드립니다!\n\n{shop}가 즐거운 하루를 기원합니다.",
        ),
        ("birthday", Lang::En) => (
            "[{shop}] Happy birthday",
            "Dear {name},\n\nHappy birthday from all of us at {shop}!",
        ),
        ("cart", Lang::Ko) => (
            "[{shop}] 장바구니에 담아두신 상품이 있습니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n장바구니에 담아두신 상품({amount})이 아직 기다리고 있습니다. 결제를 마치지 못하셨다면 이어서 진행해 주세요.",
        ),
        ("cart", Lang::En) => (
            "[{shop}] You left something in your cart",
            "Dear {name},\n\nThe items in your cart ({amount}) are still waiting for you. If checkout did not go through, you can pick up where you left off.",
        ),
        (_, Lang::Ko) => (
            "[{shop}] 보내드린 견적서 {quote_id} 확인 부탁드립니다",
            "{name}님, 안녕하세요. {shop}입니다.\n\n{days}일 전에 견적서({quote_id})를 보내드렸는데 받아보셨는지 여쭙습니다. 궁금하신 점이 있으면 회신해 주세요.",
        ),
        (_, Lang::En) => (
            "[{shop}] Following up on quote {quote_id}",
            "Dear {name},\n\nWe sent you a quote {days} days ago ({quote_id}) and wanted to make sure it reached you. Just reply with any questions.",
        ),
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The placeholders of a message: `{name}` `{shop}` `{amount}` `{days}` `{quote_id}`
/// `{cart_id}` `{reason}` (Korean aliases `{이름}` `{상호}` `{금액}` `{경과일}` `{견적번호}`).
fn values(m: &Message, ctx: &TextContext) -> BTreeMap<&'static str, String> {
    use crate::analysis::flows::Fact;
    let mut v = BTreeMap::new();
    v.insert("name", m.name.clone());
    v.insert("shop", ctx.shop.clone());
    v.insert("reason", m.reason(ctx.lang, ctx.currency));
    let money = |d| money_text(d, ctx.currency, ctx.lang);
    let (amount, days, quote, cart) = match &m.fact {
        Fact::Order { amount, .. } => (money(*amount), 0, "", ""),
        Fact::AfterOrder { days, amount, .. } => (money(*amount), i64::from(*days), "", ""),
        Fact::Quiet { days, .. } => (String::new(), i64::from(*days), "", ""),
        Fact::Birthday { .. } => (String::new(), 0, "", ""),
        Fact::Quote { id, days, .. } => (String::new(), *days, id.as_str(), ""),
        Fact::Cart { id, total, .. } => (money(*total), 0, "", id.as_str()),
    };
    v.insert("amount", amount);
    v.insert("days", days.to_string());
    v.insert("quote_id", quote.to_string());
    v.insert("cart_id", cart.to_string());
    v
}

fn placeholder(name: &str) -> Option<&'static str> {
    Some(match name {
        "name" | "이름" | "고객명" => "name",
        "shop" | "상호" => "shop",
        "amount" | "금액" => "amount",
        "days" | "경과일" => "days",
        "quote_id" | "견적번호" => "quote_id",
        "cart_id" | "장바구니번호" => "cart_id",
        "reason" | "사유" => "reason",
        _ => return None,
    })
}

/// Fill `{name}`-style placeholders; an unknown one is an error naming `place`.
fn fill(text: &str, place: &str, v: &BTreeMap<&'static str, String>) -> anyhow::Result<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        if let Some(t) = tail.strip_prefix('{') {
            out.push('{');
            rest = t;
            continue;
        }
        let Some(j) = tail.find('}') else {
            bail!("{place}: a placeholder without its closing brace: {{{tail}");
        };
        let name = tail[..j].trim().to_lowercase();
        let Some(key) = placeholder(&name) else {
            bail!(
                "{place}: unknown placeholder {{{name}}}; flow templates know {{name}}, {{shop}}, \
                 {{amount}}, {{days}}, {{quote_id}}, {{cart_id}} and {{reason}}"
            );
        };
        out.push_str(v.get(key).map_or("", String::as_str));
        rest = &tail[j + 1..];
    }
    out.push_str(&rest.replace("}}", "}"));
    Ok(out)
}

/// The (subject, body) of a message: the Templates sheet's row whose grade cell is
/// `TEMPLATE:GRADE` (the customer's VIP grade) or `TEMPLATE`, else the built-in text (VIP
/// customers get a line of their own). Marketing messages get `(광고)` before the subject and
/// the opt-out line after the body.
fn message_text(m: &Message, ctx: &TextContext) -> anyhow::Result<(String, String)> {
    let v = values(m, ctx);
    let t = norm(&m.template);
    let grades: Vec<String> = m
        .vip_grade
        .iter()
        .flat_map(|(en, ko)| [norm(en), norm(ko)])
        .collect();
    let sheet = ctx
        .templates
        .iter()
        .find(|r| {
            let g = norm(&r.grade);
            g.split_once(':')
                .is_some_and(|(a, b)| a == t && grades.iter().any(|x| x == b))
        })
        .or_else(|| ctx.templates.iter().find(|r| norm(&r.grade) == t));
    let (mut subject, mut body) = if let Some(r) = sheet {
        (
            fill(&r.subject, &r.subject_cell.to_string(), &v)?,
            fill(&r.body, &r.body_cell.to_string(), &v)?,
        )
    } else {
        {
            let (s, b) = builtin(&m.template, ctx.lang);
            let mut body = fill(b, "built-in template", &v)?;
            if m.vip_grade.as_ref().is_some_and(|(en, _)| en == "VIP") {
                body.push_str(ctx.lang.pick(
                    "\n늘 아껴 주시는 VIP 고객님께 특별히 감사드립니다.",
                    "\nAs one of our VIP customers, thank you especially.",
                ));
            }
            let sign = match ctx.lang {
                Lang::Ko => format!("\n\n감사합니다.\n{} 드림", ctx.shop),
                Lang::En => format!("\n\nBest regards,\n{}", ctx.shop),
            };
            body.push_str(&sign);
            (fill(s, "built-in template", &v)?, body)
        }
    };
    if m.marketing {
        subject = format!("(광고) {subject}");
        body.push_str(ctx.lang.pick(
            "\n\n수신을 원하지 않으시면 이 메일에 '수신거부'라고 회신해 주세요. (무료 수신거부)",
            "\n\nTo stop these messages, reply 'unsubscribe' to this e-mail.",
        ));
    }
    Ok((subject, body))
}

/// The `.eml` drafts of the due e-mail messages with a usable address.
fn eml_files(
    due: &[&Message],
    texts: &[(String, String)],
    loaded: &Loaded,
    as_of: NaiveDate,
    dir: &Path,
) -> Vec<(PathBuf, Vec<u8>)> {
    let from = loaded.settings.shop_email.trim();
    let mut out = Vec::new();
    for (m, (subject, body)) in due.iter().zip(texts) {
        if m.channel != Channel::Email {
            continue;
        }
        let Some(to) = m
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| eml::usable_email(e))
        else {
            continue;
        };
        let d = Draft {
            customer: m.customer.clone(),
            name: m.name.clone(),
            to: Some(to.to_string()),
            bad_email: None,
            phone: m.phone.clone(),
            quote_id: None,
            days: 0,
            amount: String::new(),
            vip_grade: m.vip_grade.clone().map(|g| g.0).unwrap_or_default(),
            responder_grade: String::new(),
            subject: subject.clone(),
            body: body.clone(),
            template: m.template.clone(),
            from: (!from.is_empty()).then(|| from.to_string()),
            from_name: loaded.settings.shop_name.trim().to_string(),
        };
        if let Some(bytes) = eml::eml(&d, as_of) {
            let name = format!(
                "{}-{}",
                crate::render::safe::sanitize_file_name(&m.flow),
                eml::eml_file_name(out.len(), &d)
            );
            out.push((dir.join(name), bytes));
        }
    }
    out
}

fn terminal(
    day: &FlowDay,
    ctx: &TextContext,
    args: &Args,
    applied: usize,
    drafts: usize,
) -> String {
    let lang = ctx.lang;
    let mut o = String::new();
    let at = day.at.format("%H:%M");
    let due: Vec<&Message> = day.due().collect();
    if due.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!("{} {at} 기준 보낼 자동발송 메시지가 없습니다.", day.as_of),
                Lang::En => format!("No flow messages are due as of {} {at}.", day.as_of),
            }
        );
    } else {
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!("{} {at} 기준 보낼 메시지 {}건", day.as_of, due.len()),
                Lang::En => format!("{} flow message(s) due as of {} {at}", due.len(), day.as_of),
            }
        );
        let t = contents_today::due_terminal(&due, ctx.currency, lang);
        let _ = write!(
            o,
            "{}",
            crate::render::terminal::render_table(&t, ctx.currency)
        );
    }
    let others: Vec<&Message> = day
        .messages
        .iter()
        .filter(|m| m.status != Status::Due)
        .collect();
    if !others.is_empty() {
        let _ = writeln!(o, "{}", lang.pick("보내지 않는 메시지:", "Not sent:"));
        for m in others {
            let name = crate::render::terminal::visible(&m.name);
            let _ = writeln!(o, "  {} → {name}: {}", m.flow, m.status.text(lang));
        }
    }
    if day.before_go_live > 0 {
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!(
                    "적용 시작일 이전 계기 {}건은 보내지 않습니다.",
                    day.before_go_live
                ),
                Lang::En => format!(
                    "{} trigger(s) before a flow's go-live day are never sent.",
                    day.before_go_live
                ),
            }
        );
    }
    if let Some(dir) = &args.eml {
        let _ = writeln!(o, "{}", eml::drafts_written(lang, drafts, dir));
    }
    if let Some(csv) = &args.csv {
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!("발송 변수 CSV: {}", csv.display()),
                Lang::En => format!("Variables CSV: {}", csv.display()),
            }
        );
    }
    if args.apply {
        let target = args.out.as_deref().unwrap_or(&args.workbook);
        let _ = writeln!(
            o,
            "{}",
            match (lang, applied) {
                (Lang::Ko, 0) => "발송기록에 새로 추가할 메시지가 없습니다.".to_string(),
                (Lang::En, 0) => "Nothing new to record in the Sent Log.".to_string(),
                (Lang::Ko, n) => format!("발송기록에 {n}건을 기록했습니다: {}", target.display()),
                (Lang::En, n) => format!(
                    "Recorded {n} message(s) in the Sent Log of {}",
                    target.display()
                ),
            }
        );
    }
    o
}

/// Lock the workbook for `--apply` before it is read.
fn begin_apply(args: &Args, g: &Global) -> anyhow::Result<WriteJob> {
    let input = &args.workbook;
    super::require_editable(
        input,
        crate::i18n::Msg::ApplyNeedsXlsxSentLog,
        Some(crate::i18n::Msg::ApplyInsteadMessages),
    )?;
    Ok(WriteJob::begin(
        input,
        args.out.as_deref(),
        WriteOptions::now(g.force, super::as_of(g), g.limits),
    )?)
}

/// Record the due messages in the Sent Log and write every generated sheet again (as `run`
/// does, so the Dashboard shows them as sent); returns how many were recorded. Nothing due and
/// no `--out`: the workbook is not touched.
fn apply(
    loaded: &mut Loaded,
    due: &[&Message],
    as_of: NaiveDate,
    args: &Args,
    g: &Global,
    job: &WriteJob,
) -> anyhow::Result<usize> {
    if due.is_empty() && args.out.is_none() {
        return Ok(0);
    }
    let rows: Vec<FlowSent> = due
        .iter()
        .map(|m| FlowSent {
            sent: as_of,
            flow: m.flow.clone(),
            customer: m.customer.clone(),
            trigger: m.trigger_ref.clone(),
            channel: m.channel.code().to_string(),
            name: m.name.clone(),
        })
        .collect();
    let n = rows.len();
    loaded.data.flow_log.extend(rows);
    let analyses = crate::pipeline::analyse(loaded, as_of)?;
    let ctx = SheetContext {
        lang: analyses.lang,
        as_of,
        currency: analyses.currency,
    };
    let generated = generated_workbook(&analyses.sheets(), &ctx)?;
    // A lock, an open workbook or an owner's save keeps its own message (and exit code 3).
    let report = job.write_generated(&generated).map_err(|e| match e {
        crate::writeback::WritebackError::Io(io) => {
            let text =
                crate::text!(TodayNotRecorded, workbook = job.target().display()).io("error", &io);
            anyhow::Error::new(crate::i18n::Said(text))
        }
        other => anyhow::Error::new(other),
    })?;
    for w in report.warnings.iter().filter(|_| !g.quiet) {
        eprintln!("dangol: warning: {w}");
    }
    Ok(n)
}
