//! Integration tests: one binary, a module per area.

mod support;

mod check;
mod commands;
mod ingest;
// Linux: tmpfs, setpriv and extended attributes through rustix.
#[cfg(target_os = "linux")]
mod owner_file;
mod stock;
