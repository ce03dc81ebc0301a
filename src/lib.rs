//! dangol: a micro-ERP that lives inside a small shop's own spreadsheet.
//!
//! The data flows one way: [`ingest`] reads a workbook into typed rows ([`model`]),
//! [`analysis`] turns rows and [`settings`] into plain tables, and [`render`] and
//! [`writeback`] turn tables into terminal text, JSON/CSV, sheets and PDF.

pub mod analysis;
pub mod ingest;
pub mod model;
pub mod render;
pub mod rules;
pub mod sample;
pub mod settings;
pub mod starter;
pub mod writeback;
