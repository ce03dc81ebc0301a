//! Pure analysis: typed rows and settings in, plain tables out (no I/O, no clock).

pub mod carts;
pub mod customers;
pub mod flows;
pub mod funnel;
pub mod group_sheets;
pub mod groups;
pub mod remind;
pub mod rfm;
pub mod select;
pub mod stock;
pub mod stock_import;
pub mod value;
pub mod weekly;
