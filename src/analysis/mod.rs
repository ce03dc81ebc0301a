//! Analyses: pure functions from typed rows and settings to plain tables (no I/O, no clock).

pub mod customers;
pub mod rfm;
