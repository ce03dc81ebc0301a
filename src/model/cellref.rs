//! `CellRef`: where a value came from, printed as Excel writes it (`Sales!D17`).

use std::fmt;

/// A cell of a named sheet. `row` and `col` are 0-based.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellRef {
    pub sheet: String,
    pub row: u32,
    pub col: u32,
}

impl CellRef {
    pub fn new(sheet: impl Into<String>, row: u32, col: u32) -> Self {
        CellRef {
            sheet: sheet.into(),
            row,
            col,
        }
    }

    /// The same row, another column.
    #[must_use]
    pub fn at_col(&self, col: u32) -> Self {
        CellRef {
            sheet: self.sheet.clone(),
            row: self.row,
            col,
        }
    }

    /// The column letters: 0 → `A`, 25 → `Z`, 26 → `AA`.
    pub fn col_letters(col: u32) -> String {
        let mut n = col + 1;
        let mut out = Vec::new();
        while n > 0 {
            let rem = (n - 1) % 26;
            out.push(b'A' + rem as u8);
            n = (n - 1) / 26;
        }
        out.reverse();
        String::from_utf8(out).unwrap_or_default()
    }

    /// The cell alone, without its sheet: `C3`.
    pub fn a1(&self) -> String {
        format!("{}{}", Self::col_letters(self.col), self.row + 1)
    }

    /// The sheet name as a formula would quote it.
    pub fn quoted_sheet(sheet: &str) -> String {
        let plain = !sheet.is_empty()
            && sheet
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            && !sheet.starts_with(|c: char| c.is_ascii_digit());
        if plain {
            sheet.to_string()
        } else {
            format!("'{}'", sheet.replace('\'', "''"))
        }
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}!{}{}",
            Self::quoted_sheet(&self.sheet),
            Self::col_letters(self.col),
            self.row + 1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_excel() {
        assert_eq!(CellRef::new("Sales", 16, 3).to_string(), "Sales!D17");
        assert_eq!(
            CellRef::new("Year 2010-2011", 0, 27).to_string(),
            "'Year 2010-2011'!AB1"
        );
        assert_eq!(CellRef::new("판매", 1, 0).to_string(), "판매!A2");
        assert_eq!(CellRef::col_letters(25), "Z");
        assert_eq!(CellRef::col_letters(26), "AA");
        assert_eq!(CellRef::col_letters(16383), "XFD");
    }
}
