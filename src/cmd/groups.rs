//! `dangol groups`: customer groups on `--as-of` (members, revenue, buyers), who joins or
//! leaves in the next days, and the price check (SPEC §7); `dangol groups add` adds members
//! from an e-mail list, writing only with `--apply` through the one write job.

use std::path::PathBuf;

use crate::analysis::group_sheets::{group_problems, member_edits, members_sheet};
use crate::analysis::groups::{AddVerdict, GroupBook, add_verdicts, summaries};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::i18n::{Msg, Text, said};
use crate::ingest::email_list::{parse_list, read_list};
use crate::ingest::extent::sheet_extent;
use crate::model::{Problem, Severity};
use crate::render::contents_edits::{self as edits, AddOutcome};
use crate::render::contents_groups as cg;
use crate::render::output::{self, Backups, Kind};
use crate::render::{csv_out, terminal};
use crate::writeback::{self, WriteJob, WriteOptions};

/// Customer groups: members on --as-of, joins and leaves ahead, revenue, the price check.
#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:
  dangol groups shop.xlsx                              # members, revenue and buyers per group
  dangol groups shop.xlsx --as-of 2025-04-15           # who was in which group that day
  dangol groups shop.xlsx --format json
  dangol groups shop.xlsx --csv promo.csv              # mail-merge list of running promotions
  dangol groups add shop.xlsx --group 도매 --emails list.txt           # what would be added
  dangol groups add shop.xlsx --group 도매 --emails list.txt --apply   # add them
The sheets: Groups (고객그룹), Group Members (그룹회원), Price List (단가표), Promotions (프로모션)."
)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
    /// The workbook.
    #[arg(required = true)]
    pub workbook: Option<PathBuf>,
    /// How many days ahead to list joins and leaves.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub days: u32,
    /// Write the members eligible for running promotions as a mail-merge CSV.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// `dangol groups` actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Add members to a group from an e-mail list (writes only with --apply).
    Add(AddArgs),
}

/// `dangol groups add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The workbook (`--apply` needs .xlsx or .xlsm with a Group Members sheet).
    pub workbook: PathBuf,
    /// The group to add to.
    #[arg(long, value_name = "GROUP")]
    pub group: String,
    /// E-mails separated by commas or new lines, from FILE or `-` (stdin).
    #[arg(long, value_name = "FILE|-")]
    pub emails: String,
    /// Write the new member rows (without it, only report).
    #[arg(long)]
    pub apply: bool,
    /// With --apply: write the updated workbook here instead of replacing WORKBOOK.
    #[arg(long, value_name = "FILE", requires = "apply")]
    pub out: Option<PathBuf>,
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    if let Some(Action::Add(a)) = &args.action {
        return add(a, g);
    }
    let Some(path) = &args.workbook else {
        return Err(said(Text::new(Msg::GroupsNeedWorkbook)));
    };
    // `--csv` is never the workbook or another input, whatever --force says.
    if let Some(csv) = &args.csv {
        let inputs = output::inputs(path, g.config.as_deref(), &[]);
        let inputs: Vec<&std::path::Path> = inputs.iter().map(PathBuf::as_path).collect();
        output::refuse_input("--csv", csv, &inputs)?;
    }
    let loaded = super::load(path, g)?;
    let as_of = super::as_of(g);
    let book = GroupBook::new(&loaded.data, &loaded.settings);
    if book.data.is_empty() {
        return Err(said(Text::new(Msg::GroupsNone).arg("path", path.display())));
    }
    let table = book.table_on(as_of);
    let (checks, ties) = book.price_check(as_of);
    let problems = group_problems(&loaded.data, &book, ties);
    let lang = loaded.lang;
    let sums = summaries(&book, &table, as_of);
    let changes = book.changes_ahead(as_of, i64::from(args.days));
    let text = match g.format {
        Format::Json => cg::json(as_of, &sums, &changes, &table, &checks)?,
        Format::Csv => String::from_utf8(csv_out::to_csv(&cg::roster_table(
            &book,
            &table,
            crate::model::Lang::En,
        ))?)?,
        Format::Table | Format::Xlsx => {
            let mut tables = vec![
                cg::summary_table(&sums, as_of, lang),
                cg::roster_table(&book, &table, lang),
                cg::changes_table(&changes, &table, i64::from(args.days), lang),
            ];
            if !book.data.prices.is_empty() || !book.data.promos.is_empty() {
                tables.push(cg::price_check_table(&checks, lang));
            }
            terminal::render_tables(&tables, loaded.currency)
        }
    };
    if let Some(csv) = &args.csv {
        // Written as every other file dangol makes: its own earlier list is replaced (and kept
        // in .dangol-backups), a file of the owner's is refused without --force.
        let bytes = csv_out::to_csv(&cg::promo_table(&book, &table, lang))?;
        let header = bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| i + 1);
        let backups = Backups {
            keep: loaded.settings.backups,
            ..Backups::default_now()
        };
        let kind = Kind::Csv(bytes[..header].to_vec());
        output::write_output(csv, &bytes, &kind, g.force, backups, Some(path))?;
    }
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(report_problems(&problems, g))
}

/// Print the group sheets' problems; exit 1 when one is an error.
fn report_problems(problems: &[Problem], g: &Global) -> Exit {
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    for p in problems {
        let level = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        if !g.quiet || p.severity == Severity::Error {
            eprintln!("dangol: {level}: {p}");
        }
    }
    if errors > 0 { Exit::Failure } else { Exit::Ok }
}

fn add(a: &AddArgs, g: &Global) -> anyhow::Result<Exit> {
    let list = parse_list(&read_list(&a.emails)?);
    // Lock before reading, so a save in between cannot be overwritten.
    let mut job = if a.apply {
        super::require_editable(&a.workbook, crate::i18n::Msg::ApplyNeedsXlsx, None)?;
        Some(WriteJob::begin(
            &a.workbook,
            a.out.as_deref(),
            // The workbook's own `backups` setting is known once it is read (below).
            WriteOptions::now(g.force, super::as_of(g), g.limits),
        )?)
    } else {
        None
    };
    let loaded = super::load(&a.workbook, g)?;
    if let Some(j) = job.as_mut() {
        j.set_backups(loaded.settings.backups);
    }
    let as_of = super::as_of(g);
    let book = GroupBook::new(&loaded.data, &loaded.settings);
    if book.group(&a.group).is_none() {
        let names: Vec<&str> = book.groups.iter().map(|g| g.name.as_str()).collect();
        let message = edits::no_such_group(&a.group, &names, loaded.lang);
        let line = crate::msg!(loaded.lang, ErrorLine, message = message);
        eprintln!("{}", crate::render::terminal::stderr_line(&line));
        return Ok(Exit::Failure);
    }
    let table = book.table_on(as_of);
    let verdicts = add_verdicts(&list, &book, &table, &a.group);
    let new: Vec<&str> = verdicts
        .iter()
        .filter(|x| x.1 == AddVerdict::Add)
        .map(|x| x.0.as_str())
        .collect();
    let text = match (&job, new.is_empty()) {
        (None, false) => {
            edits::groups_add_report(&a.group, &verdicts, AddOutcome::NotApplied, loaded.lang)
        }
        (Some(_) | None, true) => {
            edits::groups_add_report(&a.group, &verdicts, AddOutcome::NothingToAdd, loaded.lang)
        }
        (Some(job), false) => {
            let target = members_sheet(&loaded.data, &loaded.path).map_err(said)?;
            let sheet = &target.info.name;
            let extent = sheet_extent(&loaded.path, sheet, target.info.header_row, &g.limits)?;
            let cell_edits = member_edits(&target, &a.group, &new, as_of, extent.last_row);
            let bytes = writeback::edit_cells_with(&a.workbook, sheet, &cell_edits, &g.limits)?;
            let report = job.commit(&bytes)?;
            for w in report.warnings.iter().filter(|_| !g.quiet) {
                eprintln!("dangol: warning: {w}");
            }
            let outcome = AddOutcome::Added {
                rows: new.len(),
                sheet,
                target: &report.target,
            };
            edits::groups_add_report(&a.group, &verdicts, outcome, loaded.lang)
        }
    };
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}
