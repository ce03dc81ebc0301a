//! Renderers: tables in, terminal text, JSON/CSV, sheets and PDF out.
//!
//! - [`pdf`]: the weekly PDF report with its embedded Hangul font.
//! - [`table`]: the typed tables every analysis result becomes.
//! - [`safe`]: sheet names, file names and e-mail header values made safe.

pub mod pdf;
pub mod safe;
pub mod table;
