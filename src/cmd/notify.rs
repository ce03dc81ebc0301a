//! `dangol notify`: tell the owner where they already are — Slack, Kakao Talk, 알림톡, Notion,
//! a webhook, e-mail — about the week, reminders due, grade changes or a failed run. A dry run
//! unless `--send`; and the `run --notify` hook.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::cli::Global;
use crate::exit::Exit;
use crate::model::Lang;
use crate::notify::dispatch::{self, Item, Plan};
use crate::notify::email::Pdf;
use crate::notify::{Channel, Kind, NotifySettings, content};
use crate::pipeline::Analyses;

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| format!("expected one of {}", Kind::NAMES.join(", ")))
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    Channel::parse(s).ok_or_else(|| format!("expected one of {}", Channel::NAMES.join(", ")))
}

/// Send the weekly summary, reminders due, grade changes or a failed run to Slack, Kakao Talk,
/// 알림톡, Notion, a webhook or e-mail (a dry run unless --send).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol notify shop.xlsx --what weekly --to slack --out preview/   # dry run: the exact requests
  dangol notify shop.xlsx --what weekly,reminders --to slack,email --send
  dangol notify shop.xlsx --what run-failed --to kakao --error \"disk full\" --send
  dangol run shop.xlsx --notify slack --send                          # the nightly job
Secrets (webhook URLs, tokens, passwords) come from DANGOL_* environment variables or a
secrets.toml only you can read (chmod 600); see the README. Nothing is sent twice: the journal
.dangol-notify.jsonl beside the workbook records every attempt, and the next `dangol run`
shows them in the Sent Log (발송기록) sheet.
Exit status: 0 ok, 1 a message failed, its outcome is unknown, or it could not be prepared,
2 usage error.")]
pub struct Args {
    /// The workbook.
    pub workbook: PathBuf,
    /// What to send: weekly, reminders, today, low-stock, grade-changes, run-failed.
    #[arg(long, value_delimiter = ',', required = true, value_parser = parse_kind, value_name = "KINDS")]
    pub what: Vec<Kind>,
    /// Where: slack, kakao, alimtalk, notion, webhook, email.
    #[arg(long, value_delimiter = ',', required = true, value_parser = parse_channel, value_name = "CHANNELS")]
    pub to: Vec<Channel>,
    /// Dry run: write each request into DIR (default: print them).
    #[arg(long, value_name = "DIR", conflicts_with = "send")]
    pub out: Option<PathBuf>,
    /// Really send (without it nothing leaves this machine).
    #[arg(long)]
    pub send: bool,
    /// Send again a message whose earlier outcome is unknown (check it did not arrive first).
    #[arg(long)]
    pub retry_unknown: bool,
    /// For `--what run-failed`: the error to report.
    #[arg(long, value_name = "TEXT")]
    pub error: Option<String>,
}

fn lang_of(g: &Global) -> Lang {
    match g.lang {
        Some(crate::cli::LangArg::Ko) => Lang::Ko,
        _ => Lang::En,
    }
}

/// The `notify.*` settings from `--set` flags alone, for when the workbook cannot be read.
fn flag_settings(g: &Global) -> NotifySettings {
    let mut s = NotifySettings::default();
    for f in &g.flags {
        let _ = crate::notify::settings::apply(&mut s, f.key.trim(), f.value.trim(), &f.origin);
    }
    s
}

fn weekly_pdf(a: &Analyses) -> anyhow::Result<Pdf> {
    let (bytes, _) = crate::render::pdf::render_weekly_pdf(
        &a.weekly,
        &crate::render::pdf::FontSource::Embedded,
    )?;
    Ok(Pdf {
        name: format!("weekly-{}.pdf", a.weekly.week.label()),
        bytes,
    })
}

/// Print the report and warnings; exit 1 when anything needs the owner's attention.
fn finish(
    lines: &[dispatch::Line],
    lang: Lang,
    g: &Global,
    unavailable: &[String],
) -> anyhow::Result<Exit> {
    let problems = lines.iter().any(|l| l.result.is_problem());
    let mut err = std::io::stderr().lock();
    for u in unavailable {
        let _ = writeln!(err, "dangol: {u}");
    }
    if problems {
        for l in lines.iter().filter(|l| l.result.is_problem()) {
            let _ = write!(
                err,
                "dangol: {}",
                dispatch::report(std::slice::from_ref(l), lang)
            );
        }
    }
    drop(err);
    if !g.quiet {
        let ok: Vec<dispatch::Line> = lines
            .iter()
            .filter(|l| !l.result.is_problem())
            .cloned()
            .collect();
        super::emit(&dispatch::report(&ok, lang))?;
    }
    Ok(if problems || !unavailable.is_empty() {
        Exit::Failure
    } else {
        Exit::Ok
    })
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let as_of = super::as_of(g);
    let mut missing = Kind::unavailable_of(&args.what);
    let wants_data = args
        .what
        .iter()
        .any(|k| !matches!(k, Kind::RunFailed) && k.unavailable().is_none());
    let mut items = Vec::new();
    let mut pdf = None;
    let (settings, lang) = if wants_data || args.what.contains(&Kind::RunFailed) {
        match super::load(&args.workbook, g) {
            Ok(loaded) => {
                // `--as-of latest` is known once the data is read.
                let a = crate::pipeline::analyse(&loaded, super::as_of(g))?;
                if args.what.contains(&Kind::LowStock) && a.stock.is_none() {
                    missing.push(format!(
                        "low-stock: {}",
                        a.lang.pick(
                            "이 통합문서에는 재고 시트가 없어 재고를 볼 수 없습니다 (품목코드 | 상품명 | 재고 | 안전재고)",
                            "this workbook has no Stock sheet, so dangol cannot see stock (SKU | name | stock | safety stock)"
                        )
                    ));
                }
                items = content::items(&a, &args.what);
                if args.to.contains(&Channel::Email) && args.what.contains(&Kind::Weekly) {
                    pdf = Some(weekly_pdf(&a)?);
                }
                (loaded.settings.notify.clone().with_env()?, a.lang)
            }
            // A failed run is reported even when the workbook cannot be read.
            Err(_) if !wants_data => (flag_settings(g).with_env()?, lang_of(g)),
            Err(e) => return Err(e),
        }
    } else {
        (flag_settings(g).with_env()?, lang_of(g))
    };
    if args.what.contains(&Kind::RunFailed) {
        let error = args
            .error
            .clone()
            .unwrap_or_else(|| "(no error text given: --error)".into());
        let m = content::run_failed(&display_name(&args.workbook), as_of, &error, lang);
        items.push(Item {
            plain: m.clone(),
            masked: m,
        });
    }
    let plan = Plan {
        workbook: &args.workbook,
        settings: &settings,
        lang,
        as_of,
        send: args.send,
        retry_unknown: args.retry_unknown,
        out: args.out.clone(),
        pdf,
    };
    let lines = dispatch::run(&plan, &items, &Channel::unique(&args.to))?;
    finish(&lines, lang, g, &missing)
}

fn display_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// `run --notify …`: after a successful write, send the chosen messages (default the weekly
/// summary); when the run fails, send `run-failed` with its error.
#[derive(Debug, Clone, clap::Args)]
pub struct RunNotify {
    /// After writing, notify these channels (slack,kakao,alimtalk,notion,webhook,email); a
    /// failed run sends run-failed to them.
    #[arg(long, value_delimiter = ',', value_parser = parse_channel, value_name = "CHANNELS")]
    pub notify: Vec<Channel>,
    /// What to send after a successful run.
    #[arg(long, value_delimiter = ',', value_parser = parse_kind, value_name = "KINDS", default_value = "weekly", requires = "notify")]
    pub notify_what: Vec<Kind>,
    /// Really send the notifications (without it they are a dry run into --notify-out).
    #[arg(long, requires = "notify")]
    pub send: bool,
    /// Send again a notification whose earlier outcome is unknown.
    #[arg(long, requires = "notify")]
    pub retry_unknown: bool,
    /// Dry run: write the requests into DIR (default: print them).
    #[arg(long, value_name = "DIR", requires = "notify")]
    pub notify_out: Option<PathBuf>,
}

impl RunNotify {
    /// After a successful write: send, print what happened; exit 1 when a message failed.
    pub fn after_success(
        &self,
        workbook: &Path,
        settings: &NotifySettings,
        a: &Analyses,
        pdf: Option<&Path>,
        g: &Global,
    ) -> anyhow::Result<Exit> {
        if self.notify.is_empty() {
            return Ok(Exit::Ok);
        }
        let settings = &settings.clone().with_env()?;
        let items = content::items(a, &self.notify_what);
        let pdf = match pdf {
            Some(p) if self.notify.contains(&Channel::Email) => Some(Pdf {
                name: display_name(p),
                bytes: std::fs::read(p)?,
            }),
            _ => None,
        };
        let plan = Plan {
            workbook,
            settings,
            lang: a.lang,
            as_of: a.as_of,
            send: self.send,
            retry_unknown: self.retry_unknown,
            out: self.notify_out.clone(),
            pdf,
        };
        let lines = dispatch::run(&plan, &items, &Channel::unique(&self.notify))?;
        finish(&lines, a.lang, g, &Kind::unavailable_of(&self.notify_what))
    }

    /// Pass a run's result through; a failed run is reported to the channels first.
    pub fn after(
        &self,
        workbook: &Path,
        g: &Global,
        result: anyhow::Result<Exit>,
    ) -> anyhow::Result<Exit> {
        let Err(e) = &result else { return result };
        if self.notify.is_empty() || crate::error_exit(e) == Exit::Locked {
            // A run that found the workbook busy did nothing wrong: no alarm.
            return result;
        }
        let (settings, lang) = match super::load(workbook, g) {
            Ok(l) => (l.settings.notify.clone().with_env()?, l.lang),
            Err(_) => (flag_settings(g).with_env()?, lang_of(g)),
        };
        let m = content::run_failed(
            &display_name(workbook),
            super::as_of(g),
            &format!("{e:#}"),
            lang,
        );
        let plan = Plan {
            workbook,
            settings: &settings,
            lang,
            as_of: super::as_of(g),
            send: self.send,
            retry_unknown: self.retry_unknown,
            out: self.notify_out.clone(),
            pdf: None,
        };
        let items = [Item {
            plain: m.clone(),
            masked: m,
        }];
        match dispatch::run(&plan, &items, &Channel::unique(&self.notify)) {
            Ok(lines) => {
                let _ = finish(&lines, lang, g, &[]);
            }
            Err(n) => eprintln!("dangol: the failure could not be notified: {n:#}"),
        }
        result
    }
}
