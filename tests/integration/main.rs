//! Integration tests: one binary, a module per area.

mod support;

mod check;
mod commands;
mod fastpath;
mod flows;
mod grades;
mod groups;
mod ingest;
mod notify;
mod outputs;
mod reading;
mod sample_history;
mod settings_table;
mod shell;
mod value;
// Linux: tmpfs, setpriv and extended attributes through rustix.
#[cfg(target_os = "linux")]
mod owner_file;
mod stock;
