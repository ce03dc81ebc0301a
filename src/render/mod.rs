//! Renderers: tables in, terminal text, JSON/CSV, sheets and PDF out.
//!
//! - [`pdf`]: the weekly PDF report with its embedded Hangul font.

pub mod pdf;
