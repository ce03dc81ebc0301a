//! The terminal reports of the commands that edit the owner's data sheets in place:
//! `dangol import-products` (what a WooCommerce export changes in the Stock sheet) and
//! `dangol groups add` (what each e-mail of a list does to a group). The commands decide and
//! write; these functions only say what happened, one line each.

use std::fmt::Write as _;
use std::path::Path;

use crate::analysis::groups::AddVerdict;

/// How an import ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome<'a> {
    /// `--apply`: the changes were written into this Stock sheet of the workbook.
    Wrote { sheet: &'a str, workbook: &'a Path },
    /// The export changes nothing.
    NothingToChange,
    /// There are changes, but no `--apply`.
    NotApplied,
}

/// What `dangol import-products` found: the export's unusable lines, its products and what
/// they do to the Stock sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportReport<'a> {
    /// The export file, as given.
    pub file: &'a Path,
    /// `line 7: Stock "ten" is not a number of units`.
    pub unusable: &'a [String],
    pub products: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub outcome: ImportOutcome<'a>,
}

/// The `import-products` report: one line per unusable export line, the counts, then what
/// was (or would be) written.
pub fn import_report(r: &ImportReport<'_>) -> String {
    let file = r.file.display();
    let mut out = String::new();
    for u in r.unusable {
        let _ = writeln!(out, "{file} {u}; skipped");
    }
    let _ = writeln!(
        out,
        "{} products: {} new, {} changed, {} unchanged, {} unusable rows",
        r.products,
        r.added,
        r.updated,
        r.unchanged,
        r.unusable.len()
    );
    out.push_str(&match r.outcome {
        ImportOutcome::Wrote { sheet, workbook } => format!(
            "wrote the Stock sheet '{sheet}' of {}\n",
            workbook.display()
        ),
        ImportOutcome::NothingToChange => "nothing to change\n".to_string(),
        ImportOutcome::NotApplied => {
            "nothing written: run again with --apply to write these changes\n".to_string()
        }
    });
    out
}

/// How `groups add` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddOutcome<'a> {
    /// New members, but no `--apply`.
    NotApplied,
    /// No e-mail of the list is a new member.
    NothingToAdd,
    /// `--apply`: this many rows were added to the Group Members sheet `sheet` of `target`.
    Added {
        rows: usize,
        sheet: &'a str,
        target: &'a Path,
    },
}

/// The `groups add` report: each e-mail with its verdict, the counts, then what was (or
/// would be) written.
pub fn groups_add_report(
    group: &str,
    verdicts: &[(String, AddVerdict)],
    outcome: AddOutcome<'_>,
) -> String {
    let count = |v: AddVerdict| verdicts.iter().filter(|x| x.1 == v).count();
    let mut out = String::new();
    for (e, v) in verdicts {
        let label = match v {
            AddVerdict::Add => "add",
            AddVerdict::Already => "already a member",
            AddVerdict::Unknown => "unknown (no customer has this e-mail)",
            AddVerdict::Duplicate => "duplicate (listed earlier)",
        };
        let _ = writeln!(out, "{e}: {label}");
    }
    let _ = writeln!(
        out,
        "{group}: {} to add, {} already members, {} unknown, {} duplicates",
        count(AddVerdict::Add),
        count(AddVerdict::Already),
        count(AddVerdict::Unknown),
        count(AddVerdict::Duplicate)
    );
    out.push_str(&match outcome {
        AddOutcome::NotApplied => "nothing written; run again with --apply to add them\n".into(),
        AddOutcome::NothingToAdd => "nothing to add\n".to_string(),
        AddOutcome::Added {
            rows,
            sheet,
            target,
        } => format!("added {rows} rows to {sheet} ({})\n", target.display()),
    });
    out
}

/// The error of `groups add` for a group that does not exist, naming those that do.
pub fn no_such_group(group: &str, groups: &[&str]) -> String {
    format!(
        "no group named {group:?} (groups: {})",
        if groups.is_empty() {
            "none".to_string()
        } else {
            groups.join(", ")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_report_lists_skipped_lines_counts_and_the_outcome() {
        let unusable = ["line 5: TS-X: Stock \"ten\" is not a number".to_string()];
        let mut r = ImportReport {
            file: Path::new("woo.csv"),
            unusable: &unusable,
            products: 3,
            added: 1,
            updated: 1,
            unchanged: 1,
            outcome: ImportOutcome::NotApplied,
        };
        assert_eq!(
            import_report(&r),
            "woo.csv line 5: TS-X: Stock \"ten\" is not a number; skipped\n\
             3 products: 1 new, 1 changed, 1 unchanged, 1 unusable rows\n\
             nothing written: run again with --apply to write these changes\n"
        );
        r.outcome = ImportOutcome::Wrote {
            sheet: "재고",
            workbook: Path::new("shop.xlsx"),
        };
        assert!(import_report(&r).ends_with("wrote the Stock sheet '재고' of shop.xlsx\n"));
        r.outcome = ImportOutcome::NothingToChange;
        assert!(import_report(&r).ends_with("unusable rows\nnothing to change\n"));
    }

    #[test]
    fn a_groups_add_report_gives_each_email_its_verdict() {
        let v = [
            ("a@x".to_string(), AddVerdict::Add),
            ("b@x".to_string(), AddVerdict::Already),
            ("c@x".to_string(), AddVerdict::Unknown),
            ("c@x".to_string(), AddVerdict::Duplicate),
        ];
        assert_eq!(
            groups_add_report(
                "클럽",
                &v,
                AddOutcome::Added {
                    rows: 1,
                    sheet: "그룹회원",
                    target: Path::new("shop.xlsx"),
                }
            ),
            "a@x: add\n\
             b@x: already a member\n\
             c@x: unknown (no customer has this e-mail)\n\
             c@x: duplicate (listed earlier)\n\
             클럽: 1 to add, 1 already members, 1 unknown, 1 duplicates\n\
             added 1 rows to 그룹회원 (shop.xlsx)\n"
        );
        assert!(
            groups_add_report("g", &[], AddOutcome::NothingToAdd).ends_with("nothing to add\n")
        );
        assert_eq!(
            no_such_group("x", &["도매", "VIP"]),
            "no group named \"x\" (groups: 도매, VIP)"
        );
        assert_eq!(
            no_such_group("x", &[]),
            "no group named \"x\" (groups: none)"
        );
    }
}
