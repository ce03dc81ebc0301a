//! The command line: global flags shared by every command, the command enum, and the checked
//! plan ([`Context`]) the flags become before any data is read.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cmd;
use crate::settings::Origin;
use crate::settings::load::RawSetting;

/// dangol — your shop's spreadsheet, turned into a micro-ERP.
#[derive(Debug, Parser)]
#[command(name = "dangol", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of analysis commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// A readable table (the default).
    #[default]
    Table,
    Json,
    /// CSV with a UTF-8 BOM (so Excel opens Korean text correctly).
    Csv,
    /// A workbook: only `dangol sample` writes one.
    Xlsx,
}

/// Output language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Auto,
    Ko,
    En,
}

/// Flags every command accepts, as parsed; commands get them checked, as a [`Context`].
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// The day to analyse as of (YYYY-MM-DD), or `latest`: the day after the newest sale in
    /// the data; default today.
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<AsOf>,
    /// Output language (default: the workbook's).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// Settings file (default: `dangol.toml` beside the workbook).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Set any setting: `--set lookback_days=180` (repeatable).
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Text encoding of CSV input (default: detected; e.g. utf-8, cp949, utf-16le).
    #[arg(long, global = true, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// Print nothing on success.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Print more detail.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// No colours.
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Write even when Excel seems to have the workbook open.
    #[arg(long, global = true)]
    pub force: bool,
    /// Refuse a workbook that unpacks to more than this many MB (zip-bomb guard; default 1024,
    /// one part at most 512; env `DANGOL_MAX_UNZIPPED_MB`).
    #[arg(long, global = true, value_name = "MB")]
    pub max_unzipped_mb: Option<u64>,
    /// Refuse a sheet that expands to more cells than this, and a shared-strings table that
    /// claims more (default 50000000; env `DANGOL_MAX_CELLS`).
    #[arg(long, global = true, value_name = "N")]
    pub max_cells: Option<u64>,
}

impl GlobalArgs {
    /// The input limits: the environment's (`DANGOL_MAX_*`), then these flags.
    pub fn limits(&self) -> crate::ingest::guard::Limits {
        let mut l = crate::ingest::guard::Limits::from_env();
        if let Some(mb) = self.max_unzipped_mb {
            l = l.with_max_unzipped_mb(mb);
        }
        if let Some(n) = self.max_cells {
            l.max_cells = n;
        }
        l
    }

    /// `--lang` and every `--set KEY=VALUE` as raw settings, each key checked against the
    /// table of settings (a bad one is a usage error: nothing has been read yet).
    fn setting_flags(&self) -> Result<Vec<RawSetting>, UsageError> {
        let mut flags = Vec::new();
        if let Some(l) = self.lang {
            let v = match l {
                LangArg::Auto => "auto",
                LangArg::Ko => "ko",
                LangArg::En => "en",
            };
            flags.push(RawSetting {
                key: "lang".into(),
                value: v.into(),
                origin: Origin::Flag("--lang".into()),
            });
        }
        // Nothing is read yet: `--lang ko` alone says the language of these errors.
        let lang = match self.lang {
            Some(LangArg::Ko) => crate::model::Lang::Ko,
            _ => crate::model::Lang::En,
        };
        for s in &self.set {
            let Some((k, v)) = s.split_once('=') else {
                return Err(UsageError(crate::msg!(
                    lang,
                    SetNotKeyValue,
                    value = format!("{s:?}")
                )));
            };
            if !crate::settings::load::is_known_key(k) {
                return Err(UsageError(crate::msg!(
                    lang,
                    SetUnknown,
                    key = k.trim(),
                    message = crate::settings::load::unknown_key_message(k).render(lang)
                )));
            }
            flags.push(RawSetting {
                key: k.trim().into(),
                value: v.trim().into(),
                origin: Origin::Flag(format!("--set {}", k.trim())),
            });
        }
        Ok(flags)
    }
}

/// A command line that is wrong in a way clap cannot see (`--set lookback=30`, `--week` with
/// `--as-of`): printed once, by [`crate::main_with_args`], and exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The checked plan of one run: the global flags validated before any data is read — the
/// setting flags parsed against the table of settings, the input limits resolved to values —
/// plus what the run learns on the way (`--as-of latest`).
///
/// It dereferences to the parsed [`GlobalArgs`], so a command reads `g.format` or `g.quiet`
/// as before; what needed checking is read from here.
#[derive(Debug)]
pub struct Context {
    args: GlobalArgs,
    /// `--lang` and `--set`, checked: every key is one dangol knows.
    pub flags: Vec<RawSetting>,
    /// The input limits (environment, then `--max-unzipped-mb`/`--max-cells`).
    pub limits: crate::ingest::guard::Limits,
    /// What `--as-of latest` turned out to be, once the data is read (set by `cmd::load`).
    pub latest: std::sync::OnceLock<NaiveDate>,
}

/// Commands take the checked context under the name they always used.
pub type Global = Context;

impl std::ops::Deref for Context {
    type Target = GlobalArgs;

    fn deref(&self) -> &GlobalArgs {
        &self.args
    }
}

impl Context {
    /// Check the global flags for `command`: a wrong combination is a [`UsageError`].
    pub fn check(args: &GlobalArgs, command: &Command) -> Result<Context, UsageError> {
        if args.format == Format::Xlsx && !matches!(command, Command::Sample(_)) {
            let lang = match args.lang {
                Some(LangArg::Ko) => crate::model::Lang::Ko,
                _ => crate::model::Lang::En,
            };
            return Err(UsageError(crate::msg!(lang, XlsxOnlyForSample)));
        }
        Ok(Context {
            flags: args.setting_flags()?,
            limits: args.limits(),
            args: args.clone(),
            latest: std::sync::OnceLock::new(),
        })
    }
}

/// `--as-of`: a day, or the data's own latest day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    Day(NaiveDate),
    /// The day after the newest sale: the report of the data's last week on any day.
    Latest,
}

fn parse_as_of(s: &str) -> Result<AsOf, String> {
    if s.eq_ignore_ascii_case("latest") {
        return Ok(AsOf::Latest);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(AsOf::Day)
        .map_err(|_| format!("expected a date like 2025-04-15 or `latest`, found {s:?}"))
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    Check(cmd::check::Args),
    Config(cmd::config::Args),
    Customers(cmd::customers::Args),
    Funnel(cmd::funnel::Args),
    Groups(cmd::groups::Args),
    Init(cmd::init::Args),
    Sample(cmd::sample::Args),
    /// Who to remind about a quote, and why; --apply marks them, --eml drafts the mails.
    Remind(cmd::remind::Args),
    Run(cmd::run::Args),
    Report(cmd::report::Args),
    /// Customer value: who is still active, expected orders and spend, 12-month value.
    Value(cmd::value::Args),
    Notify(cmd::notify::Args),
    /// Stock on hand, days of cover and what to reorder (SPEC §10).
    Stock(cmd::stock::Args),
    /// Import a WooCommerce product export into the Stock sheet (--apply writes it).
    ImportProducts(cmd::import_products::Args),
    /// Lifecycle messages due today (welcome, thanks, review, win-back …); --apply logs them.
    Today(cmd::today::Args),

    /// Print shell completions: bash, zsh, fish or powershell.
    Completions(cmd::completions::Args),
    /// Print the man page (roff).
    Man(cmd::completions::ManArgs),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &[&str]) -> Result<Context, String> {
        let cli = Cli::try_parse_from(args).expect("parses");
        Context::check(&cli.global, &cli.command).map_err(|e| e.0)
    }

    #[test]
    fn the_plan_checks_setting_flags_and_resolves_limits() {
        let c = check(&[
            "dangol",
            "check",
            "x.xlsx",
            "--set",
            "분석기간 = 30",
            "--lang",
            "ko",
            "--max-cells",
            "7",
        ])
        .expect("a good command line");
        let flags: Vec<(&str, &str, String)> = c
            .flags
            .iter()
            .map(|f| (f.key.as_str(), f.value.as_str(), f.origin.to_string()))
            .collect();
        assert_eq!(
            flags,
            [
                ("lang", "ko", "--lang".to_string()),
                ("분석기간", "30", "--set 분석기간".to_string())
            ]
        );
        assert_eq!(c.limits.max_cells, 7);
        // The parsed flags read through the context.
        assert_eq!((c.format, c.quiet), (Format::Table, false));
        assert_eq!(
            check(&["dangol", "check", "x.xlsx", "--set", "zzzz=1"]).unwrap_err(),
            "--set zzzz: unknown setting 'zzzz'"
        );
        assert_eq!(
            check(&["dangol", "config", "x.xlsx", "--format", "xlsx"]).unwrap_err(),
            "--format xlsx is only for `dangol sample`; use table, json or csv"
        );
        assert!(check(&["dangol", "sample", "--out", "x.xlsx", "--format", "xlsx"]).is_ok());
    }
}
