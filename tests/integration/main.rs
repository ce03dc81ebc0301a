//! Integration tests: one binary, a module per area.

mod support;

mod check;
mod commands;
mod grades;
mod ingest;
mod reading;
// Linux: tmpfs, setpriv and extended attributes through rustix.
mod outputs;
#[cfg(target_os = "linux")]
mod owner_file;
