//! The terminal reports of the commands that edit the owner's data sheets in place:
//! `dangol import-products` (what a WooCommerce export changes in the Stock sheet) and
//! `dangol groups add` (what each e-mail of a list does to a group). The commands decide and
//! write; these functions only say what happened, one line each.

use std::fmt::Write as _;
use std::path::Path;

use crate::analysis::groups::AddVerdict;
use crate::i18n::{Text, count};
use crate::model::Lang;
use crate::msg;

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
    /// Each unusable line of the export: its line number and what is wrong with it.
    pub unusable: &'a [(u64, Text)],
    pub products: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub outcome: ImportOutcome<'a>,
}

/// The `import-products` report in `lang`: one line per unusable export line, the counts,
/// then what was (or would be) written.
pub fn import_report(r: &ImportReport<'_>, lang: Lang) -> String {
    let file = r.file.display();
    let mut out = String::new();
    for (line, what) in r.unusable {
        let what = what.render(lang);
        let _ = writeln!(
            out,
            "{}",
            msg!(lang, ImportSkipped, file = file, line = line, what = what)
        );
    }
    let _ = writeln!(
        out,
        "{}",
        msg!(
            lang,
            ImportCounts,
            products = count(r.products),
            added = count(r.added),
            updated = count(r.updated),
            unchanged = count(r.unchanged),
            unusable = count(r.unusable.len()),
        )
    );
    let last = match r.outcome {
        ImportOutcome::Wrote { sheet, workbook } => {
            msg!(
                lang,
                ImportWrote,
                sheet = sheet,
                workbook = workbook.display()
            )
        }
        ImportOutcome::NothingToChange => msg!(lang, ImportNothingToChange),
        ImportOutcome::NotApplied => msg!(lang, ImportNotApplied),
    };
    out.push_str(&last);
    out.push('\n');
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

/// The `groups add` report in `lang`: each e-mail with its verdict, the counts, then what was
/// (or would be) written.
pub fn groups_add_report(
    group: &str,
    verdicts: &[(String, AddVerdict)],
    outcome: AddOutcome<'_>,
    lang: Lang,
) -> String {
    let tally = |v: AddVerdict| count(verdicts.iter().filter(|x| x.1 == v).count());
    let mut out = String::new();
    for (e, v) in verdicts {
        let label = match v {
            AddVerdict::Add => msg!(lang, GroupAddAdd),
            AddVerdict::Already => msg!(lang, GroupAddAlready),
            AddVerdict::Unknown => msg!(lang, GroupAddUnknown),
            AddVerdict::Duplicate => msg!(lang, GroupAddDuplicate),
        };
        let _ = writeln!(out, "{e}: {label}");
    }
    let _ = writeln!(
        out,
        "{}",
        msg!(
            lang,
            GroupAddCounts,
            group = group,
            add = tally(AddVerdict::Add),
            already = tally(AddVerdict::Already),
            unknown = tally(AddVerdict::Unknown),
            duplicate = tally(AddVerdict::Duplicate),
        )
    );
    let last = match outcome {
        AddOutcome::NotApplied => msg!(lang, GroupAddNotApplied),
        AddOutcome::NothingToAdd => msg!(lang, GroupAddNothing),
        AddOutcome::Added {
            rows,
            sheet,
            target,
        } => msg!(
            lang,
            GroupAddAdded,
            rows = count(rows),
            sheet = sheet,
            target = target.display()
        ),
    };
    out.push_str(&last);
    out.push('\n');
    out
}

/// The error of `groups add` for a group that does not exist, naming those that do.
pub fn no_such_group(group: &str, groups: &[&str], lang: Lang) -> String {
    let groups = if groups.is_empty() {
        msg!(lang, GroupNone)
    } else {
        groups.join(", ")
    };
    msg!(
        lang,
        GroupNoSuch,
        group = format!("{group:?}"),
        groups = groups
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Msg;

    fn not_a_number() -> Text {
        Text::new(Msg::ImportNotNumber)
            .arg("label", "TS-X")
            .arg("what", "Stock")
            .arg("value", "\"ten\"")
    }

    #[test]
    fn an_import_report_lists_skipped_lines_counts_and_the_outcome() {
        let unusable = [(5, not_a_number())];
        let mut r = ImportReport {
            file: Path::new("woo.csv"),
            unusable: &unusable,
            products: 1_250,
            added: 1,
            updated: 1,
            unchanged: 1_248,
            outcome: ImportOutcome::NotApplied,
        };
        assert_eq!(
            import_report(&r, Lang::En),
            "woo.csv line 5: TS-X: Stock \"ten\" is not a number; skipped\n\
             products: 1,250 (1 new, 1 changed, 1,248 unchanged); unusable rows: 1\n\
             nothing written: run again with --apply to write these changes\n"
        );
        assert_eq!(
            import_report(&r, Lang::Ko),
            "woo.csv 5행: TS-X: Stock 열에 숫자가 아닌 값 \"ten\"; 건너뜀\n\
             상품 1,250개: 새 상품 1개, 바뀐 상품 1개, 그대로 1,248개, 쓸 수 없는 행 1개\n\
             아무것도 쓰지 않았습니다: 이 변경을 쓰려면 --apply를 붙여 다시 실행하세요\n"
        );
        r.outcome = ImportOutcome::Wrote {
            sheet: "재고",
            workbook: Path::new("shop.xlsx"),
        };
        assert!(
            import_report(&r, Lang::En).ends_with("wrote the Stock sheet '재고' of shop.xlsx\n")
        );
        assert!(import_report(&r, Lang::Ko).ends_with("shop.xlsx의 재고 시트 '재고'에 썼습니다\n"));
        r.outcome = ImportOutcome::NothingToChange;
        assert!(import_report(&r, Lang::En).ends_with("; unusable rows: 1\nnothing to change\n"));
        assert!(import_report(&r, Lang::Ko).ends_with("행 1개\n바꿀 것이 없습니다\n"));
    }

    #[test]
    fn a_groups_add_report_gives_each_email_its_verdict() {
        let v = [
            ("a@x".to_string(), AddVerdict::Add),
            ("b@x".to_string(), AddVerdict::Already),
            ("c@x".to_string(), AddVerdict::Unknown),
            ("c@x".to_string(), AddVerdict::Duplicate),
        ];
        let added = AddOutcome::Added {
            rows: 1,
            sheet: "그룹회원",
            target: Path::new("shop.xlsx"),
        };
        assert_eq!(
            groups_add_report("클럽", &v, added, Lang::En),
            "a@x: add\n\
             b@x: already a member\n\
             c@x: unknown (no customer has this e-mail)\n\
             c@x: duplicate (listed earlier)\n\
             클럽: 1 to add, 1 already members, 1 unknown, 1 duplicates\n\
             added 1 rows to 그룹회원 (shop.xlsx)\n"
        );
        assert_eq!(
            groups_add_report("클럽", &v, added, Lang::Ko),
            "a@x: 추가\n\
             b@x: 이미 회원\n\
             c@x: 알 수 없음 (이 이메일을 쓰는 고객이 없습니다)\n\
             c@x: 중복 (앞에 이미 있음)\n\
             클럽: 추가 1명, 이미 회원 1명, 알 수 없음 1명, 중복 1명\n\
             그룹회원 시트에 1행을 추가했습니다 (shop.xlsx)\n"
        );
        assert!(
            groups_add_report("g", &[], AddOutcome::NothingToAdd, Lang::En)
                .ends_with("nothing to add\n")
        );
        assert!(
            groups_add_report("g", &[], AddOutcome::NotApplied, Lang::Ko)
                .ends_with("아무것도 쓰지 않았습니다: 추가하려면 --apply를 붙여 다시 실행하세요\n")
        );
        assert_eq!(
            no_such_group("x", &["도매", "VIP"], Lang::En),
            "no group named \"x\" (groups: 도매, VIP)"
        );
        assert_eq!(
            no_such_group("x", &[], Lang::En),
            "no group named \"x\" (groups: none)"
        );
        assert_eq!(
            no_such_group("x", &[], Lang::Ko),
            "\"x\" 그룹이 없습니다 (있는 그룹: 없음)"
        );
    }
}
