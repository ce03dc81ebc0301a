//! Renderers: tables in, terminal text, JSON/CSV, sheets and PDF out.
//!
//! - [`pdf`]: the weekly PDF report with its embedded Hangul font.
//! - [`table`]: the typed tables every analysis result becomes.
//! - [`contents`]: analysis results → the generated sheets' tables.
//! - [`sheets`]: those tables → an `.xlsx` of dangol's own sheets.

pub mod contents;
pub mod pdf;
pub mod sheets;
pub mod table;
