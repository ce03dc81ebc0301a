//! Renderers: tables in, terminal text, JSON/CSV, sheets and PDF out.
//!
//! - [`pdf`]: the weekly PDF report with its embedded Hangul font.
//! - [`table`]: the typed tables every analysis result becomes.
//! - [`terminal`]: tables as aligned text for a terminal (Hangul-width aware), text bars.
//! - [`csv_out`]: tables as CSV with a BOM and a formula-injection guard.

pub mod csv_out;
pub mod pdf;
pub mod table;
pub mod terminal;
