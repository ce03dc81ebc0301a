//! Renderers: tables in, terminal text, JSON/CSV, sheets and PDF out.
//!
//! - [`pdf`]: the weekly PDF report with its embedded Hangul font.
//! - [`table`]: the typed tables every analysis result becomes.
//! - [`contents_remind`]: the Reminders and Dashboard sheets.
//! - [`eml`]: reminder e-mail drafts and the mail-merge CSV.

pub mod contents_remind;
pub mod eml;
pub mod pdf;
pub mod table;
