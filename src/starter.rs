//! `dangol init`: a starter workbook with every sheet dangol reads (Sales, Quotes, Customers,
//! Pipeline) holding a handful of example rows, and Settings, Grades and Templates with every
//! default written out — bold headers, widths that fit Hangul, date and currency formats.

use std::path::Path;

use anyhow::bail;
use chrono::NaiveDate;

use crate::model::Lang;
use crate::sample::{SampleFormat, SampleOptions};

/// Write a starter workbook to `path` in `lang`, its examples dated in the four weeks up to
/// `as_of`. Refuses to replace an existing file.
pub fn write_starter(path: &Path, lang: Lang, as_of: NaiveDate) -> anyhow::Result<()> {
    if path.exists() {
        bail!(
            "{} already exists; dangol init never overwrites a file",
            path.display()
        );
    }
    let opts = SampleOptions {
        customers: 5,
        rows: 10,
        weeks: 4,
        seed: 1,
        lang,
        format: SampleFormat::Xlsx,
        end: as_of,
        shop_name: Some(lang.pick("우리가게", "My Shop").to_string()),
        bad_cells: 0,
    };
    crate::sample::write_clean_workbook(&opts, path)
}
