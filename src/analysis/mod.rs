//! Pure analyses: typed rows and settings in, plain tables out (no I/O, no clock).
//!
//! - [`weekly`]: the weekly KPIs, 12-week trend and top customers behind the PDF and `Weekly`.

pub mod weekly;
