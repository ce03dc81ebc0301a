//! Pure analysis: typed rows and settings in, plain tables out (no I/O, no clock).

pub mod customers;
pub mod funnel;
pub mod remind;
pub mod rfm;
pub mod stock;
pub mod weekly;
