//! Renderers: tables in, terminal text, JSON/CSV, sheets and PDF out.
//!
//! - [`pdf`]: the weekly PDF report with its embedded Hangul font.
//! - [`sheets`]: generated sheets as an `.xlsx` to merge into the workbook.
//! - [`table`]: the typed tables every analysis result becomes.

pub mod pdf;
pub mod sheets;
pub mod table;
