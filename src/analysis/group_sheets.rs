//! The group sheets as the workbook holds them: the problems `dangol groups` reports about
//! them, and the plan of `dangol groups add` — the new Group Members rows as cell edits.
//! Pure: the sheet's extent is read before (`ingest::extent`), the edits are written after
//! (`writeback::edit_cells_with` inside the write job).

use std::path::Path;

use chrono::NaiveDate;

use super::groups::{GroupBook, validate};
use crate::i18n::{Msg, Text};
use crate::ingest::{Dataset, SheetInfo};
use crate::model::Problem;
use crate::settings::Role;
use crate::writeback::{CellEdit, EditValue};

/// Problems about the group sheets: those found reading them, the checks of
/// [`validate`], and price ties.
pub fn group_problems(data: &Dataset, book: &GroupBook<'_>, ties: Vec<Problem>) -> Vec<Problem> {
    let sheets: Vec<&str> = data
        .sheets
        .iter()
        .filter(|s| s.role.is_some_and(crate::ingest::groups::is_group_role))
        .map(|s| s.name.as_str())
        .collect();
    let mut out: Vec<Problem> = data
        .problems
        .iter()
        .filter(|p| {
            sheets.iter().any(|s| {
                p.place.starts_with(&format!("{s}!")) || p.place.starts_with(&format!("'{s}'!"))
            })
        })
        .cloned()
        .collect();
    out.extend(validate(book));
    out.extend(ties);
    out
}

/// Where `groups add` writes: the first Group Members sheet and its columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MembersSheet<'a> {
    pub info: &'a SheetInfo,
    pub email_col: u32,
    /// The group column (the first column when the sheet has none).
    pub group_col: u32,
    pub start_col: Option<u32>,
    pub source_col: Option<u32>,
}

/// The workbook's first Group Members sheet with an e-mail (or customer) column; `path`
/// names the workbook when it has none.
pub fn members_sheet<'a>(data: &'a Dataset, path: &Path) -> Result<MembersSheet<'a>, Text> {
    let Some(info) = data
        .sheets
        .iter()
        .find(|s| s.role == Some(Role::GroupMembers))
    else {
        return Err(Text::new(Msg::GroupsNoMembersSheet).arg("path", path.display()));
    };
    let col = |f: &str| info.columns.iter().find(|c| c.0 == f).map(|c| c.1);
    let Some(email_col) = col("email").or(col("customer")) else {
        return Err(Text::new(Msg::GroupsNoEmailColumn).arg("sheet", &info.name));
    };
    Ok(MembersSheet {
        info,
        email_col,
        group_col: col("group").unwrap_or(0),
        start_col: col("start"),
        source_col: col("source"),
    })
}

/// New member rows of `group` for `emails` below `last_row` (the sheet's last non-blank
/// row), starting on `as_of`, in row and column order.
pub fn member_edits(
    sheet: &MembersSheet<'_>,
    group: &str,
    emails: &[&str],
    as_of: NaiveDate,
    last_row: u32,
) -> Vec<CellEdit> {
    let last = last_row;
    let mut edits = Vec::new();
    for (i, e) in emails.iter().enumerate() {
        let row = last + 1 + u32::try_from(i).unwrap_or(u32::MAX - last - 1);
        edits.push(CellEdit {
            row,
            col: sheet.group_col,
            value: EditValue::Text(group.to_string()),
        });
        edits.push(CellEdit {
            row,
            col: sheet.email_col,
            value: EditValue::Text((*e).to_string()),
        });
        if let Some(c) = sheet.start_col {
            edits.push(CellEdit {
                row,
                col: c,
                value: EditValue::Date(as_of),
            });
        }
        if let Some(c) = sheet.source_col {
            edits.push(CellEdit {
                row,
                col: c,
                value: EditValue::Text("dangol groups add".into()),
            });
        }
    }
    edits.sort_by_key(|e| (e.row, e.col));
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    fn sheet(columns: Vec<(&'static str, u32, String)>) -> SheetInfo {
        SheetInfo {
            name: "그룹회원".into(),
            role: Some(Role::GroupMembers),
            header_row: 0,
            columns,
            rows: 1,
            bad_rows: 0,
        }
    }

    #[test]
    fn new_members_are_rows_below_the_last_with_group_email_start_and_source() {
        let info = sheet(vec![
            ("group", 0, "그룹".into()),
            ("email", 1, "이메일".into()),
            ("start", 2, "시작일".into()),
            ("source", 4, "출처".into()),
        ]);
        let mut data = Dataset::default();
        data.sheets.push(info);
        let target = members_sheet(&data, Path::new("shop.xlsx")).unwrap();
        let day = NaiveDate::from_ymd_opt(2025, 4, 15).unwrap();
        let edits = member_edits(&target, "도매", &["a@x.kr", "b@y.kr"], day, 3);
        let text = |s: &str| EditValue::Text(s.into());
        let edit = |row, col, value| CellEdit { row, col, value };
        assert_eq!(
            edits,
            [
                edit(4, 0, text("도매")),
                edit(4, 1, text("a@x.kr")),
                edit(4, 2, EditValue::Date(day)),
                edit(4, 4, text("dangol groups add")),
                edit(5, 0, text("도매")),
                edit(5, 1, text("b@y.kr")),
                edit(5, 2, EditValue::Date(day)),
                edit(5, 4, text("dangol groups add")),
            ]
        );
    }

    #[test]
    fn a_customer_column_stands_for_email_and_a_missing_group_column_is_the_first() {
        let mut data = Dataset::default();
        data.sheets
            .push(sheet(vec![("customer", 2, "고객".into())]));
        let target = members_sheet(&data, Path::new("shop.xlsx")).unwrap();
        assert_eq!(
            (
                target.email_col,
                target.group_col,
                target.start_col,
                target.source_col
            ),
            (2, 0, None, None)
        );
    }

    #[test]
    fn a_workbook_without_a_members_sheet_or_email_column_is_told_so() {
        let err = members_sheet(&Dataset::default(), Path::new("shop.xlsx")).unwrap_err();
        assert_eq!(
            err.render(Lang::En),
            "shop.xlsx: no Group Members sheet (group | email | start | end | source) to add rows to"
        );
        let mut data = Dataset::default();
        data.sheets.push(sheet(vec![("group", 0, "그룹".into())]));
        let err = members_sheet(&data, Path::new("shop.xlsx")).unwrap_err();
        assert_eq!(
            err.render(Lang::Ko),
            "그룹회원: 그룹회원 시트에 이메일 열이 없습니다"
        );
    }
}
