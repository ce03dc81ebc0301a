//! Integration tests: one binary, a module per area.

mod support;

mod check;
mod commands;
mod ingest;
mod notify;
