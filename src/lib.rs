//! dangol: a micro-ERP that lives inside a small shop's own spreadsheet.
//!
//! The data flows one way: [`ingest`] reads a workbook into typed rows ([`model`]),
//! [`analysis`] turns rows and [`settings`] into plain tables, and [`render`] and
//! [`writeback`] turn tables into terminal text, JSON/CSV, sheets and PDF.

pub mod analysis;
pub mod cli;
pub mod cmd;
pub mod exit;
pub mod i18n;
pub mod ingest;
pub mod model;
pub mod notify;
pub mod pipeline;
pub mod render;
pub mod rules;
pub mod sample;
pub mod settings;
pub mod starter;
pub mod timings;
pub mod writeback;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::exit::Exit;

/// Run one command; errors are returned, not printed.
pub fn run(cli: &Cli) -> anyhow::Result<Exit> {
    render::terminal::init_colour(cli.global.no_color);
    // Flags → a checked plan before any file is opened; a wrong command line exits 2.
    let g = &cli::Context::check(&cli.global, &cli.command)?;
    match &cli.command {
        Command::Check(a) => cmd::check::run(a, g),
        Command::Config(a) => cmd::config::run(a, g),
        Command::Customers(a) => cmd::customers::run(a, g),
        Command::Funnel(a) => cmd::funnel::run(a, g),
        Command::Groups(a) => cmd::groups::run(a, g),
        Command::Init(a) => cmd::init::run(a, g),
        Command::Sample(a) => cmd::sample::run(a, g),
        Command::Remind(a) => cmd::remind::run(a, g),
        Command::Run(a) => cmd::run::run(a, g),
        Command::Report(a) => cmd::report::run(a, g),
        Command::Value(a) => cmd::value::run(a, g),
        Command::Notify(a) => cmd::notify::run(a, g),
        Command::Stock(a) => cmd::stock::run(a, g),
        Command::Today(a) => cmd::today::run(a, g),
        Command::ImportProducts(a) => cmd::import_products::run(a, g),

        Command::Completions(a) => cmd::completions::run(a),
        Command::Man(a) => cmd::completions::run_man(a),
    }
}

/// Parse arguments, run, print any error, and return the exit code.
pub fn main_with_args<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => {
            if !e.use_stderr() {
                // `--help`, `--version`: clap's own text (see README: help stays English).
                let _ = e.print();
                return Exit::Ok.code();
            }
            let help = e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
            match usage_lang(&args) {
                model::Lang::Ko if !help => eprint!("{}", usage_error(&e, model::Lang::Ko)),
                _ => {
                    let _ = e.print();
                }
            }
            return Exit::Usage.code();
        }
    };
    match run(&cli) {
        Ok(exit) => exit.code(),
        Err(e) => {
            // The workbook's language (known from its scan, before the settings are checked),
            // else `--lang` — when every part of it is in the catalogue: a line is in one
            // language, and a part still written in English keeps the whole line English.
            let said = said_chain(&e);
            let lang = if said.iter().all(|c| speaks_catalogue(*c)) {
                error_lang(&cli.global, &args, &e)
            } else {
                model::Lang::En
            };
            // The catalogue's messages are written in the language just chosen.
            i18n::set_current(lang);
            // An error may quote a cell: shown, never run by the terminal.
            let msg = said
                .iter()
                .map(|c| folder_error(*c).map_or_else(|| c.to_string(), |f| f.text().render(lang)))
                .collect::<Vec<_>>()
                .join(": ");
            let shown = render::terminal::visible_lines(&msg);
            let line = msg!(lang, ErrorLine, message = shown);
            eprintln!("{}", render::terminal::stderr_line(&line));
            error_exit(&e).code()
        }
    }
}

/// The language of an error: the workbook's when it was read, else `--lang`, else — for an
/// error raised before reading (a held lock, the workbook open in Excel, a read-only folder) —
/// the language of the workbook named on the command line, by a cheap scan of its headers.
///
/// A usage error of dangol's own was written when it was raised, from `--lang` (the workbook
/// is not read for a wrong command line): it keeps that language.
fn error_lang(g: &cli::GlobalArgs, args: &[std::ffi::OsString], e: &anyhow::Error) -> model::Lang {
    if i18n::current().is_some()
        || g.lang.is_some()
        || e.chain()
            .any(<dyn std::error::Error>::is::<cmd::UsageError>)
    {
        return i18n::lang_of(g);
    }
    let lang = args
        .iter()
        .skip(1)
        .map(std::path::Path::new)
        .filter(|p| is_book(p) && p.is_file())
        .find_map(ingest::probe_lang);
    lang.unwrap_or_else(|| unread_lang(args))
}

/// Whether `p` is named like a file dangol reads.
fn is_book(p: &std::path::Path) -> bool {
    const BOOKS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "tsv"];
    p.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| BOOKS.contains(&x.to_ascii_lowercase().as_str()))
}

/// The language of an error about a file dangol could not read at all (missing, a folder, not
/// allowed), so it never learnt the workbook's language: `DANGOL_LANG` when set; else Korean
/// for a file named in Hangul (`가게.xlsx`); else the locale, as for a command line that does
/// not parse ([`locale_lang`]).
fn unread_lang(args: &[std::ffi::OsString]) -> model::Lang {
    if std::env::var_os("DANGOL_LANG").is_some_and(|v| !v.is_empty()) {
        return locale_lang();
    }
    let hangul_name = args.iter().skip(1).map(std::path::Path::new).any(|p| {
        (is_book(p) || p.exists())
            && p.file_name()
                .is_some_and(|n| i18n::has_hangul(&n.to_string_lossy()))
    });
    if hangul_name {
        model::Lang::Ko
    } else {
        locale_lang()
    }
}

/// The errors of `e`'s chain that are shown: each in turn, up to one that already says what
/// the error beneath it said (an unreadable file, in the catalogue's words).
fn said_chain(e: &anyhow::Error) -> Vec<&(dyn std::error::Error + 'static)> {
    use ingest::{LoadError as L, csv::CsvError as C, source::OpenError as O};
    let open = |o: &O| matches!(o, O::Io { .. } | O::Csv(C::Io { .. }));
    let says_its_source = |c: &(dyn std::error::Error + 'static)| {
        c.downcast_ref::<L>()
            .is_some_and(|l| matches!(l, L::Open(o) if open(o)))
            || c.downcast_ref::<O>().is_some_and(open)
            || c.downcast_ref::<C>()
                .is_some_and(|c| matches!(c, C::Io { .. }))
    };
    let mut out = Vec::new();
    for c in e.chain() {
        out.push(c);
        if says_its_source(c) {
            break;
        }
    }
    out
}

/// The folder beside the workbook that dangol may not write in (its lock file and the new
/// version go there), when that is what `c` is about — however it is wrapped. Its message is
/// the catalogue's, though its `Display` keeps the English words.
fn folder_error<'a>(
    c: &'a (dyn std::error::Error + 'static),
) -> Option<&'a writeback::safe::FolderError> {
    use writeback::{WritebackError as W, safe::FolderError as F};
    let inner = |io: &'a std::io::Error| io.get_ref().and_then(|r| r.downcast_ref::<F>());
    if let Some(W::Io(io)) = c.downcast_ref::<W>() {
        return inner(io);
    }
    if let Some(io) = c.downcast_ref::<std::io::Error>() {
        return inner(io);
    }
    c.downcast_ref::<F>()
}

/// Whether an error's own text comes from the message catalogue (so it is written in the
/// language [`i18n::current`] names).
fn speaks_catalogue(c: &(dyn std::error::Error + 'static)) -> bool {
    if folder_error(c).is_some() {
        return true;
    }
    use ingest::{LoadError as L, source::OpenError as O};
    use writeback::WritebackError as W;
    let open = |o: &O| match o {
        O::Refused { reason, .. } => reason.speaks_catalogue(),
        _ => matches!(
            o,
            O::NotFound { .. }
                | O::Empty { .. }
                | O::Encrypted { .. }
                | O::Unsupported { .. }
                | O::Corrupt { .. }
                | O::WrongContent { .. }
                | O::Io { .. }
                | O::Csv(_)
        ),
    };
    if let Some(l) = c.downcast_ref::<L>() {
        return match l {
            L::Open(o) => open(o),
            L::Config(_) => false,
            _ => true,
        };
    }
    if let Some(o) = c.downcast_ref::<O>() {
        return open(o);
    }
    if c.is::<ingest::csv::CsvError>() {
        return true;
    }
    if let Some(w) = c.downcast_ref::<W>() {
        return matches!(
            w,
            W::Locked { .. }
                | W::OpenElsewhere { .. }
                | W::Changed { .. }
                | W::UserSheetNameClash { .. }
                | W::Said(_)
                | W::NotWritten { .. }
        );
    }
    c.is::<cmd::UsageError>()
        || c.is::<render::output::Refused>()
        || c.is::<i18n::Said>()
        || c.is::<settings::load::SettingsError>()
        || c.is::<rules::RuleError>()
}

/// The language of a command line clap refused: Korean with `--lang ko` on it, English with
/// `--lang en`; else Korean when `DANGOL_LANG` says `ko`, or the locale (`LC_ALL`,
/// `LC_MESSAGES`, `LANG`) is Korean (`ko_KR.UTF-8`). The workbook is not opened for this: a
/// command line that does not parse may not name one.
fn usage_lang(args: &[std::ffi::OsString]) -> model::Lang {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let flag = words.iter().enumerate().find_map(|(i, w)| {
        let v = match w.strip_prefix("--lang=") {
            Some(v) => v,
            None if w == "--lang" => words.get(i + 1)?.as_str(),
            None => return None,
        };
        match v {
            "ko" => Some(model::Lang::Ko),
            "en" => Some(model::Lang::En),
            _ => None,
        }
    });
    flag.unwrap_or_else(locale_lang)
}

/// Korean when `DANGOL_LANG` says `ko`, or — when it is not set — the locale (`LC_ALL`,
/// `LC_MESSAGES`, `LANG`, the first one set) is Korean (`ko_KR.UTF-8`); else English.
fn locale_lang() -> model::Lang {
    let korean = |v: &str| v.to_ascii_lowercase().starts_with("ko");
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let hint = env("DANGOL_LANG")
        .or_else(|| env("LC_ALL"))
        .or_else(|| env("LC_MESSAGES"))
        .or_else(|| env("LANG"));
    if hint.is_some_and(|v| korean(&v)) {
        model::Lang::Ko
    } else {
        model::Lang::En
    }
}

/// One of clap's usage errors in `lang` from the catalogue, from its kind and context (the
/// argument, the value, the valid values, the suggestion, the usage line).
pub fn usage_error(e: &clap::Error, lang: model::Lang) -> String {
    use clap::error::{ContextKind as C, ErrorKind as K};
    let get = |k: C| e.get(k).map(ToString::to_string).unwrap_or_default();
    let arg = get(C::InvalidArg);
    let value = get(C::InvalidValue);
    let head = match e.kind() {
        K::UnknownArgument => msg!(lang, ClapUnknownArg, arg = arg),
        K::InvalidSubcommand => msg!(lang, ClapUnknownCommand, name = get(C::InvalidSubcommand)),
        K::InvalidValue if value.is_empty() => msg!(lang, ClapMissingValue, arg = arg),
        K::InvalidValue => msg!(lang, ClapInvalidValue, arg = arg, value = value),
        // The parsers' own reasons are English sentences; a date says what it needs here.
        K::ValueValidation if arg.contains("<DATE>") => {
            let why = msg!(lang, ClapWantDate);
            msg!(
                lang,
                ClapInvalidValueWhy,
                arg = arg,
                value = value,
                why = why
            )
        }
        K::ValueValidation if lang == model::Lang::En => {
            let why = std::error::Error::source(e)
                .map(ToString::to_string)
                .unwrap_or_default();
            msg!(
                lang,
                ClapInvalidValueWhy,
                arg = arg,
                value = value,
                why = why
            )
        }
        K::ValueValidation => msg!(lang, ClapInvalidValue, arg = arg, value = value),
        K::MissingRequiredArgument => msg!(lang, ClapMissingRequired, args = arg),
        K::ArgumentConflict => {
            msg!(lang, ClapConflict, arg = arg, other = get(C::PriorArg))
        }
        K::TooManyValues | K::WrongNumberOfValues => {
            msg!(lang, ClapTooMany, value = value)
        }
        _ => msg!(lang, ClapOther),
    };
    let mut out = msg!(lang, ErrorLine, message = head);
    out.push('\n');
    let valid = get(C::ValidValue);
    if !valid.is_empty() {
        out.push_str(&msg!(lang, ClapValidValues, values = valid));
        out.push('\n');
    }
    let similar = [C::SuggestedArg, C::SuggestedSubcommand, C::SuggestedValue]
        .into_iter()
        .map(get)
        .find(|s| !s.is_empty());
    if let Some(s) = similar {
        out.push_str(&msg!(lang, ClapSimilar, suggestion = s));
        out.push('\n');
    }
    let usage = get(C::Usage);
    let usage = usage.trim();
    if !usage.is_empty() {
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim();
        out.push('\n');
        out.push_str(&msg!(lang, ClapUsage, usage = usage));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&msg!(lang, ClapMoreHelp));
    out.push('\n');
    out
}

/// The exit code an error maps to: 3 when the workbook is locked by another run or open in a
/// spreadsheet program (found by type anywhere in the error's chain, so context added on the
/// way up does not hide it), 2 when an output path was refused (a usage error), else 1.
pub fn error_exit(e: &anyhow::Error) -> Exit {
    let busy = e.chain().any(|c| {
        matches!(
            c.downcast_ref::<writeback::WritebackError>(),
            Some(
                writeback::WritebackError::Locked { .. }
                    | writeback::WritebackError::OpenElsewhere { .. }
                    | writeback::WritebackError::Changed { .. }
            )
        )
    });
    // A command line that is wrong (`--set lookback=30`) or an output that would land on an
    // input or on a file dangol did not make: usage errors, exit 2.
    let usage = e.chain().any(|c| {
        c.is::<cmd::UsageError>() || c.downcast_ref::<render::output::Refused>().is_some()
    });
    if busy {
        Exit::Locked
    } else if usage {
        Exit::Usage
    } else {
        Exit::Failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use writeback::WritebackError;

    #[test]
    fn locked_and_open_elsewhere_exit_3_through_context() {
        let locked = anyhow::Error::new(WritebackError::Locked {
            workbook: PathBuf::from("a.xlsx"),
            lock: PathBuf::from(".~a.xlsx.dangol.lock"),
        })
        .context("writing a.xlsx");
        assert_eq!(error_exit(&locked), Exit::Locked);
        let open = anyhow::Error::new(WritebackError::OpenElsewhere {
            workbook: PathBuf::from("a.xlsx"),
            owner: PathBuf::from("~$a.xlsx"),
        });
        assert_eq!(error_exit(&open), Exit::Locked);
        // A message that merely mentions Excel is not a lock.
        let other = anyhow::anyhow!("a.xlsx is open in Excel, says a user sheet");
        assert_eq!(error_exit(&other), Exit::Failure);
        let io = anyhow::Error::new(WritebackError::Io(std::io::Error::other("disk full")));
        assert_eq!(error_exit(&io), Exit::Failure);
    }
}
