//! Parsing of cell values: money, dates, flags, counts, names, headers and phone numbers — the
//! small parsers every reader shares, so that one cell text means the same thing everywhere.

mod dates;
mod flags;
mod keys;
mod money;
mod text;

pub use dates::{DateError, DateOrder, date_order_hint, excel_serial, parse_date};
pub use flags::parse_flag;
pub(crate) use keys::integral_len;
pub use keys::{customer_key, phone_digits};
pub(crate) use money::group_thousands;
pub use money::{format_money, format_number, money_from_f64, parse_count, parse_money};
pub use text::{fold_fullwidth, header_key, nfc};

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            let _ = parse_money(&s);
            let _ = parse_date(&s, DateOrder::Auto);
            let _ = date_order_hint(&s);
            let _ = parse_flag(&s);
            let _ = parse_count(&s);
            let _ = phone_digits(&s);
            let _ = customer_key(Some(&s), Some(&s));
            let _ = header_key(&s);
        }
    }
}
