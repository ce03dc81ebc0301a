//! The problems found in the input, described once: the Data Issues sheet (SPEC §5), the
//! `dangol check --format csv` table and the `problems` list of `check --format json` all come
//! from [`ISSUE_COLUMNS`].

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use super::columns::{self, Column, Fact, JsonRow, Kind, Out};
use super::table::{GeneratedSheet, SheetContent, SheetTable};
use crate::i18n::problems::{expected_in, place_in};
use crate::model::{Lang, Problem, Severity};

/// One problem's columns: how bad, where, the value found and what was expected (or the
/// message). Scripts get the stable words (`error`, `Sales!D17`, the English message); the sheet
/// shows them in the workbook's language.
pub const ISSUE_COLUMNS: &[Column<Problem>] = &[
    Column::sheet(
        "severity",
        ("심각도", "Severity"),
        Kind::Text,
        |p, out| {
            match out {
                Out::Data => match p.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Note => "note",
                },
                Out::Show(lang) => match p.severity {
                    Severity::Error => lang.pick("오류", "Error"),
                    Severity::Warning => lang.pick("경고", "Warning"),
                    Severity::Note => lang.pick("참고", "Note"),
                },
            }
            .into()
        },
    ),
    Column::sheet("place", ("위치", "Cell"), Kind::Text, |p, out| match out {
        Out::Data => p.place.as_str().into(),
        Out::Show(lang) => Fact::Text(place_in(lang, &p.place, &[]).into_owned()),
    }),
    Column::sheet("found", ("값", "Value"), Kind::Text, |p, _| {
        p.found.as_str().into()
    }),
    Column::sheet(
        "expected",
        ("내용", "Message"),
        Kind::Text,
        |p, out| match out {
            Out::Data => p.expected.as_str().into(),
            Out::Show(lang) => Fact::Text(expected_in(lang, &p.expected).into_owned()),
        },
    ),
];

/// The Data Issues sheet: one row per problem; `None` when there are none.
pub fn data_issues(problems: &[Problem], lang: Lang) -> Option<SheetContent> {
    if problems.is_empty() {
        return None;
    }
    let title = match lang {
        Lang::Ko => format!("입력 데이터 문제 {}건", problems.len()),
        Lang::En => format!("Problems found in the input: {}", problems.len()),
    };
    Some(SheetContent {
        sheet: GeneratedSheet::DataIssues,
        tables: vec![columns::sheet_table(ISSUE_COLUMNS, title, problems, lang)],
    })
}

/// `dangol check --format csv`: every problem, the keys as headers (formula-like values get
/// the CSV text mark like every other CSV dangol writes).
pub fn issues_csv(problems: &[Problem]) -> SheetTable {
    columns::csv_table(ISSUE_COLUMNS, problems)
}

/// The problems as the JSON array of `check --format json`, each row made as it is written.
pub struct IssuesJson<'a>(pub &'a [Problem]);

impl Serialize for IssuesJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for p in self.0 {
            seq.serialize_element(&JsonRow(ISSUE_COLUMNS, p))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::table::Cell;

    fn problem(severity: Severity, found: &str) -> Problem {
        Problem {
            severity,
            place: "Sales!D17".into(),
            found: found.into(),
            expected: "a date (e.g. 2025-04-15, 2025.04.15, 15/04/2025)".into(),
        }
    }

    #[test]
    fn one_list_gives_the_sheet_the_csv_and_the_json() {
        let ps = [
            problem(Severity::Error, "어제"),
            problem(Severity::Note, ""),
        ];
        let sheet = data_issues(&ps, Lang::En).expect("a sheet");
        let t = &sheet.tables[0];
        assert_eq!(t.title, "Problems found in the input: 2");
        assert_eq!(t.columns, ["Severity", "Cell", "Value", "Message"]);
        assert_eq!(t.rows[0][0], Cell::text("Error"));
        assert_eq!(t.rows[1][0], Cell::text("Note"));
        let ko = data_issues(&ps, Lang::Ko).expect("a sheet");
        assert_eq!(ko.tables[0].columns, ["심각도", "위치", "값", "내용"]);
        assert_eq!(ko.tables[0].rows[0][0], Cell::text("오류"));

        let csv = issues_csv(&ps);
        assert_eq!(csv.columns, ["severity", "place", "found", "expected"]);
        assert_eq!(csv.rows[0][0], Cell::text("error"));
        assert_eq!(csv.rows[0][1], Cell::text("Sales!D17"));

        let json = serde_json::to_string(&IssuesJson(&ps)).expect("json");
        assert_eq!(
            json,
            r#"[{"severity":"error","place":"Sales!D17","found":"어제","expected":"a date (e.g. 2025-04-15, 2025.04.15, 15/04/2025)"},{"severity":"note","place":"Sales!D17","found":"","expected":"a date (e.g. 2025-04-15, 2025.04.15, 15/04/2025)"}]"#
        );
        // The JSON is the model's own shape (SPEC §5), field for field.
        let model = serde_json::to_string(&ps).expect("json");
        assert_eq!(json, model);
    }

    #[test]
    fn no_problems_no_sheet() {
        assert!(data_issues(&[], Lang::Ko).is_none());
    }
}
