//! Renderers: tables in, terminal text, JSON/CSV, sheets and PDF out.
//!
//! - [`pdf`]: the weekly PDF report with its embedded Hangul font.
//! - [`table`]: the typed tables every analysis result becomes.
//! - [`columns`]: each result table described once (key, labels, kind, accessor); the sheet,
//!   terminal, CSV and JSON forms are derived from it.
//! - [`contents`]: analysis results → the generated sheets' tables.
//! - [`sheets`]: those tables → an `.xlsx` of dangol's own sheets, to merge into the workbook.
//! - [`terminal`]: tables as aligned text for a terminal (Hangul-width aware), text bars.
//! - [`customers`], [`funnel`]: the customer and funnel tables described once, in every form.
//! - [`weekly`]: the weekly KPI table formatted for people (PDF, notification).
//! - [`csv_out`]: tables as CSV with a BOM and a formula-injection guard.
//! - [`contents_remind`]: the Reminders and Dashboard sheets.
//! - [`contents_carts`]: the Cart Recovery sheet (abandoned carts).
//! - [`contents_edits`]: the reports of `import-products` and `groups add`.
//! - [`contents_groups`]: the Group Roster, Price Check and Promo Eligibility sheets.
//! - [`contents_stock`]: the stock table and the Reorder sheet.
//! - [`contents_today`]: the flow messages of `dangol today` and its mail-merge file.
//! - [`messages`]: the text of `today`'s flow messages (templates, placeholders) and their
//!   `.eml` drafts.
//! - [`eml`]: reminder e-mail drafts and the mail-merge CSV.
//! - [`output`]: the rules every other file dangol writes follows (never an input, never over
//!   a file dangol did not make, backed up, umask).
//! - [`run_summary`], [`check_report`]: what `run` did and what `check` found, as terminal
//!   text and JSON.
//! - [`safe`]: sheet names, file names and e-mail header values made safe.

pub mod check_report;
pub mod columns;
pub mod config_table;
pub mod contents;
pub mod contents_carts;
pub mod contents_edits;
pub mod contents_groups;
pub mod contents_issues;
pub mod contents_remind;
pub mod contents_sentlog;
pub mod contents_stock;
pub mod contents_today;
pub mod contents_value;
pub mod csv_out;
pub mod customers;
pub mod eml;
pub mod funnel;
pub mod messages;
pub mod output;
pub mod pdf;
pub mod run_summary;
pub mod safe;
pub mod sheets;
pub mod table;
pub mod terminal;
pub mod weekly;
