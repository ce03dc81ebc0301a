//! Integration tests: one binary, a module per area (one `mod` line each, alphabetical, so
//! branches that add a module merge without conflicts). Shared builders and the hermetic way to
//! run the binary are in `support.rs`.

mod support;

mod carts;
mod check;
mod commands;
mod compact_orders;
mod corpus;
mod facts;
mod fastpath;
mod flows;
mod fuzz;
mod grades;
mod groups;
mod halves;
mod harness;
mod hostile;
mod ingest;
mod korean;
mod name_cells;
mod notify;
mod outputs;
mod pdf;
mod presentation;
mod reading;
mod real_data;
mod remind;
mod report;
mod run;
mod run_phases;
mod sample;
mod sample_history;
mod settings_table;
mod sheets;
mod shell;
mod stock;
mod tables;
mod value;
mod writeback;
// Linux: tmpfs, setpriv and extended attributes through rustix.
#[cfg(target_os = "linux")]
mod owner_file;
