//! How far a sheet reaches: its header row's last column and its last non-blank row, for the
//! commands that write new columns or rows beside what is there (`import-products`,
//! `groups add`).

use std::path::Path;

use super::guard::Limits;
use super::source::Input;

/// A sheet's last header column and last non-blank row (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    /// The last non-blank cell of the header row (0 when the row is blank).
    pub last_col: u32,
    /// The last row with a non-blank cell, at least the header row.
    pub last_row: u32,
}

/// Read `sheet` of the workbook at `path` for its [`Extent`] below `header_row`.
pub fn sheet_extent(
    path: &Path,
    sheet: &str,
    header_row: u32,
    limits: &Limits,
) -> anyhow::Result<Extent> {
    let mut input = Input::open_with(path, None, limits)?;
    let (mut last_col, mut last_row) = (0, header_row);
    input.for_each_row(sheet, |r, cells| {
        if r == header_row {
            last_col = cells
                .iter()
                .rposition(|c| !c.is_blank())
                .map_or(0, |i| i as u32);
        }
        if cells.iter().any(|c| !c.is_blank()) {
            last_row = last_row.max(r);
        }
        true
    })?;
    Ok(Extent { last_col, last_row })
}
