//! Renderers: tables in, terminal text, JSON/CSV, sheets and PDF out.
//!
//! - [`pdf`]: the weekly PDF report with its embedded Hangul font.
//! - [`table`]: the typed tables every analysis result becomes.
//! - [`contents`]: analysis results → the generated sheets' tables.
//! - [`sheets`]: those tables → an `.xlsx` of dangol's own sheets.
//! - [`terminal`]: tables as aligned text for a terminal (Hangul-width aware), text bars.
//! - [`csv_out`]: tables as CSV with a BOM and a formula-injection guard.

pub mod contents;
pub mod csv_out;
pub mod pdf;
pub mod sheets;
pub mod table;
pub mod terminal;
