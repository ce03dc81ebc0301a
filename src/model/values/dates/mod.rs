//! Dates: cell text (every form of SPEC §2 "Dates") and Excel serials.
//!
//! Text is parsed in two steps: [`tokens`] cuts it into numbers, words and symbols, then
//! [`parser`] reads the date from them and [`time`] the optional time after it.

mod parser;
mod time;
mod tokens;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::text::fold_fullwidth;
use parser::Parser;
use tokens::tokenize;

/// Which way round `4/5/2025` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// Only unambiguous forms; `4/5/2025` is an error unless the column decides it.
    #[default]
    Auto,
    /// day/month/year
    Dmy,
    /// month/day/year
    Mdy,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// `4/5/2025`: both readings are valid; set `date_order`.
    Ambiguous,
    /// Not a date in any known form.
    Invalid,
}

/// Parse date text in every form of SPEC §2 "Dates".
///
/// Date forms (full-width folded, trimmed):
/// - year first: `2025-04-15`, `2025-4-5`, `2025/04/15`, `2025.04.15`, `2025. 4. 15.` (Korean
///   Excel, optional trailing dot) — one separator kind per date;
/// - `20250415` (eight digits, a valid date only);
/// - `2025년 4월 15일` (spaces optional);
/// - year last: `4/15/2025`, `15/04/2025`, also with `-` or `.`; a two-digit year is 20xx but
///   only with `/` (`25.04.15` could be yy.mm.dd, so it is `Invalid`). When one of the first two
///   parts is above 12 the reading is fixed; when both are ≤ 12 and differ the result is
///   `Ambiguous` unless `order` is `Dmy` or `Mdy` (which then is applied strictly).
///
/// - a named month: `15-Apr-2025`, `15 Apr 25` (Excel's `d-mmm-yy`), `Apr 15, 2025`,
///   `April 15 2025`;
/// - a weekday name before or after the date is skipped, unchecked: `2025년 4월 15일 화요일`,
///   `2025-04-15 (화)`, `Tue, 15 Apr 2025`.
///
/// Then an optional time: `T` or space, `h:mm`, `h:mm:ss`, `h:mm:ss.fff`, `14시 3분 5초`,
/// with `AM`/`PM` or `오전`/`오후` before or after (`오후 2:03`), and an ignored `Z` (days are
/// local: no time-zone conversion).
pub fn parse_date(text: &str, order: DateOrder) -> Result<NaiveDateTime, DateError> {
    let folded = fold_fullwidth(text);
    let tokens = tokenize(folded.trim()).ok_or(DateError::Invalid)?;
    let mut p = Parser::new(&tokens);
    if p.weekday() {
        p.sym(',');
    }
    let date = p.date(order)?;
    p.weekday();
    let time = p.time().ok_or(DateError::Invalid)?;
    if p.pos != tokens.len() {
        return Err(DateError::Invalid);
    }
    Ok(date.and_time(time))
}

/// For a day/month/year-last text (`15/04/2025`), which order it proves: `Some(Dmy)` when the
/// first part is above 12, `Some(Mdy)` when the second is, else `None` (also for every other
/// form). Readers use it to decide whether a whole column is unambiguous.
pub fn date_order_hint(text: &str) -> Option<DateOrder> {
    let folded = fold_fullwidth(text);
    let tokens = tokenize(folded.trim())?;
    let mut p = Parser::new(&tokens);
    let (a, b, _) = p.year_last()?;
    // Only a whole date-time text is evidence.
    p.time()?;
    if p.pos != tokens.len() {
        return None;
    }
    match (a > 12, b > 12) {
        (true, false) => Some(DateOrder::Dmy),
        (false, true) => Some(DateOrder::Mdy),
        _ => None,
    }
}

/// An Excel serial date (1900 or 1904 system) as a date-time.
///
/// 1900 system: serial 1 = 1900-01-01; Excel counts a fictitious 1900-02-29 as serial 60
/// (which gives `None`), so serial 61 = 1900-03-01 and later serials are days after
/// 1899-12-30. 1904 system: serial 0 = 1904-01-01. The fraction is the time of day, rounded to
/// the nearest second. `None` for NaN, negative serials, serials below 1 in the 1900 system,
/// and serials from 2,958,466 on (9999-12-31 is the last day Excel shows).
pub fn excel_serial(serial: f64, is_1904: bool) -> Option<NaiveDateTime> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    if !is_1904 && serial < 1.0 {
        return None;
    }
    // Rounding the whole serial to seconds lets 23:59:59.6 carry into the next day.
    let total = (serial * 86_400.0).round() as i64;
    let (days, secs) = (total.div_euclid(86_400), total.rem_euclid(86_400));
    let (base, days) = if is_1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1)?, days)
    } else if days < 60 {
        (NaiveDate::from_ymd_opt(1899, 12, 31)?, days)
    } else if days == 60 {
        return None;
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 30)?, days)
    };
    let date = base.checked_add_signed(Duration::days(days))?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(secs as u32, 0)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(y: i32, m: u32, day: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, day)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    fn day(y: i32, m: u32, dd: u32) -> NaiveDateTime {
        dt(y, m, dd, 0, 0, 0)
    }

    fn auto(s: &str) -> Result<NaiveDateTime, DateError> {
        parse_date(s, DateOrder::Auto)
    }

    #[test]
    fn date_iso_forms() {
        assert_eq!(auto("2025-04-15"), Ok(day(2025, 4, 15)));
        assert_eq!(auto(" 2025-04-15 "), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025-04-15 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(auto("2025-04-15T14:03:05"), Ok(dt(2025, 4, 15, 14, 3, 5)));
        assert_eq!(auto("2025-04-15T14:03:05Z"), Ok(dt(2025, 4, 15, 14, 3, 5)));
        // An ISO offset is accepted like `Z`; the time stays as written (local days).
        assert_eq!(
            auto("2025-04-15T14:03:05+09:00"),
            Ok(dt(2025, 4, 15, 14, 3, 5))
        );
        assert_eq!(
            auto("2025-04-15T14:03:05-0500"),
            Ok(dt(2025, 4, 15, 14, 3, 5))
        );
        assert_eq!(auto("2025-04-15 14:03+09"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert!(auto("2025-04-15T14:03:05+9:0").is_err());
        assert_eq!(
            auto("2025-04-15 14:03:05.123"),
            Ok(NaiveDate::from_ymd_opt(2025, 4, 15)
                .unwrap()
                .and_hms_milli_opt(14, 3, 5, 123)
                .unwrap())
        );
        assert_eq!(auto("2025-4-5"), Ok(day(2025, 4, 5)));
        assert_eq!(auto("2025-04-15 0:00:00"), Ok(day(2025, 4, 15)));
    }

    #[test]
    fn date_year_first_separators() {
        assert_eq!(auto("2025.04.15"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025. 4. 15."), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025. 4. 15"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025/04/15"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025/4/5 9:05"), Ok(dt(2025, 4, 5, 9, 5, 0)));
        assert_eq!(
            auto("2025. 4. 15. 오후 2:03:00"),
            Ok(dt(2025, 4, 15, 14, 3, 0))
        );
        assert_eq!(auto("２０２５－０４－１５"), Ok(day(2025, 4, 15)));
    }

    #[test]
    fn date_compact() {
        assert_eq!(auto("20250415"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("20250415 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(auto("20250230"), Err(DateError::Invalid));
        assert_eq!(auto("20251315"), Err(DateError::Invalid));
        assert_eq!(auto("12345678"), Err(DateError::Invalid));
        assert_eq!(auto("2025041"), Err(DateError::Invalid));
        assert_eq!(auto("202504150"), Err(DateError::Invalid));
    }

    #[test]
    fn date_korean() {
        assert_eq!(auto("2025년 4월 15일"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025년4월15일"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025 년 04 월 15 일"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025년 4월 15일 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(
            auto("2025년 4월 15일 오후 2:03"),
            Ok(dt(2025, 4, 15, 14, 3, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 오전 9:05"),
            Ok(dt(2025, 4, 15, 9, 5, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일오후2:03"),
            Ok(dt(2025, 4, 15, 14, 3, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 오후 12:30"),
            Ok(dt(2025, 4, 15, 12, 30, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 오전 12:30"),
            Ok(dt(2025, 4, 15, 0, 30, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 14시 3분"),
            Ok(dt(2025, 4, 15, 14, 3, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 오후 2시"),
            Ok(dt(2025, 4, 15, 14, 0, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 14시 3분 5초"),
            Ok(dt(2025, 4, 15, 14, 3, 5))
        );
        assert_eq!(auto("25년 4월 15일"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025년 2월 30일"), Err(DateError::Invalid));
        assert_eq!(auto("2025년 4월"), Err(DateError::Invalid));
    }

    #[test]
    fn date_year_last_unambiguous() {
        assert_eq!(auto("4/15/2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15/04/2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15-04-2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15.04.2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("4/15/25"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("4/4/2025"), Ok(day(2025, 4, 4)));
        assert_eq!(auto("4/15/2025 2:03 PM"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(auto("4/15/2025 2:03:09 pm"), Ok(dt(2025, 4, 15, 14, 3, 9)));
        assert_eq!(auto("4/15/2025 12:03 AM"), Ok(dt(2025, 4, 15, 0, 3, 0)));
        assert_eq!(auto("4/15/2025 9:03 a.m."), Ok(dt(2025, 4, 15, 9, 3, 0)));
        assert_eq!(auto("15/04/2025 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(auto("12/1/2010 8:26"), Err(DateError::Ambiguous));
    }

    #[test]
    fn date_year_last_ambiguous_and_orders() {
        assert_eq!(auto("4/5/2025"), Err(DateError::Ambiguous));
        assert_eq!(auto("04.05.2025"), Err(DateError::Ambiguous));
        assert_eq!(parse_date("4/5/2025", DateOrder::Dmy), Ok(day(2025, 5, 4)));
        assert_eq!(parse_date("4/5/2025", DateOrder::Mdy), Ok(day(2025, 4, 5)));
        assert_eq!(
            parse_date("12/1/2010 8:26", DateOrder::Mdy),
            Ok(dt(2010, 12, 1, 8, 26, 0))
        );
        // An explicit order is applied strictly.
        assert_eq!(
            parse_date("4/15/2025", DateOrder::Dmy),
            Err(DateError::Invalid)
        );
        assert_eq!(
            parse_date("15/4/2025", DateOrder::Mdy),
            Err(DateError::Invalid)
        );
        // Year-first forms are never affected by the order.
        assert_eq!(
            parse_date("2025-04-05", DateOrder::Dmy),
            Ok(day(2025, 4, 5))
        );
        assert_eq!(
            parse_date("2025-04-05", DateOrder::Mdy),
            Ok(day(2025, 4, 5))
        );
    }

    #[test]
    fn date_rejections() {
        for bad in [
            "",
            "hello",
            "2025-02-30",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "2025-04-15x",
            "2025-04/15",
            "13/13/2025",
            "32/01/2025",
            "0/5/2025",
            "25.04.15",
            "25-04-15",
            "2025-04-15 25:00",
            "2025-04-15 14:3",
            "2025-04-15 14:60",
            "2025-04-15 13:00 PM",
            "2025-04-15 오후 2:03 PM",
            "45000",
            "2025",
            "2025-04",
            "4/15",
            "0999-01-01",
            "2025-04-15 14:03:05.",
            "2025..04.15",
            "2025-04-15 14",
            "2025/04/15/",
        ] {
            assert_eq!(auto(bad), Err(DateError::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn date_order_hints() {
        assert_eq!(date_order_hint("15/04/2025"), Some(DateOrder::Dmy));
        assert_eq!(date_order_hint("4/15/2025"), Some(DateOrder::Mdy));
        assert_eq!(date_order_hint("4/15/2025 14:00"), Some(DateOrder::Mdy));
        assert_eq!(date_order_hint("15.04.2025"), Some(DateOrder::Dmy));
        assert_eq!(date_order_hint("4/5/2025"), None);
        assert_eq!(date_order_hint("2025-04-15"), None);
        assert_eq!(date_order_hint("32/13/2025"), None);
        assert_eq!(date_order_hint("hello"), None);
    }

    #[test]
    fn excel_serial_1900() {
        assert_eq!(excel_serial(1.0, false), Some(day(1900, 1, 1)));
        assert_eq!(excel_serial(59.0, false), Some(day(1900, 2, 28)));
        assert_eq!(excel_serial(60.0, false), None);
        assert_eq!(excel_serial(61.0, false), Some(day(1900, 3, 1)));
        assert_eq!(excel_serial(45762.0, false), Some(day(2025, 4, 15)));
        assert_eq!(
            excel_serial(45762.5, false),
            Some(dt(2025, 4, 15, 12, 0, 0))
        );
        // 14:03:05 = 50585 s; 50585/86400 = 0.585474537…
        assert_eq!(
            excel_serial(45762.0 + 50585.0 / 86400.0, false),
            Some(dt(2025, 4, 15, 14, 3, 5))
        );
        // 0.4 s before midnight rounds into the next day.
        assert_eq!(
            excel_serial(45762.0 + 86399.6 / 86400.0, false),
            Some(day(2025, 4, 16))
        );
        assert_eq!(excel_serial(2_958_465.0, false), Some(day(9999, 12, 31)));
    }

    #[test]
    fn excel_serial_1904() {
        assert_eq!(excel_serial(0.0, true), Some(day(1904, 1, 1)));
        assert_eq!(excel_serial(0.25, true), Some(dt(1904, 1, 1, 6, 0, 0)));
        assert_eq!(excel_serial(44300.0, true), Some(day(2025, 4, 15)));
    }

    #[test]
    fn excel_serial_rejections() {
        assert_eq!(excel_serial(0.0, false), None);
        assert_eq!(excel_serial(0.5, false), None);
        assert_eq!(excel_serial(-1.0, false), None);
        assert_eq!(excel_serial(-1.0, true), None);
        assert_eq!(excel_serial(2_958_466.0, false), None);
        assert_eq!(excel_serial(f64::NAN, false), None);
        assert_eq!(excel_serial(f64::INFINITY, true), None);
    }

    #[test]
    fn date_weekday_names_are_skipped() {
        assert_eq!(auto("2025년 4월 15일 화요일"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025년 4월 13일 일요일"), Ok(day(2025, 4, 13)));
        assert_eq!(auto("2025년 4월 14일 (월)"), Ok(day(2025, 4, 14)));
        assert_eq!(auto("2025-04-15 (화) 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(
            auto("2025. 4. 15.(화) 오후 2:03"),
            Ok(dt(2025, 4, 15, 14, 3, 0))
        );
        assert_eq!(auto("Tue, 15 Apr 2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("Tuesday, April 15, 2025"), Ok(day(2025, 4, 15)));
        // The label is not checked against the date.
        assert_eq!(auto("2025-04-15 (월)"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025-04-15 (화"), Err(DateError::Invalid));
        assert_eq!(auto("2025-04-15 (호)"), Err(DateError::Invalid));
        assert_eq!(auto("화요일"), Err(DateError::Invalid));
    }

    #[test]
    fn date_named_months() {
        assert_eq!(auto("15-Apr-2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15-Apr-25"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15 Apr 2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15 April 2025 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(auto("Apr 15, 2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("Sept. 5, 2025"), Ok(day(2025, 9, 5)));
        assert_eq!(auto("1 DEC 2010 8:26 AM"), Ok(dt(2010, 12, 1, 8, 26, 0)));
        assert_eq!(
            parse_date("4-May-2025", DateOrder::Mdy),
            Ok(day(2025, 5, 4))
        );
        for bad in [
            "31-Apr-2025",
            "15-Apx-2025",
            "15-Apr/2025",
            "Apr 2025",
            "15 Apr",
            "Ap 15, 2025",
        ] {
            assert_eq!(auto(bad), Err(DateError::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn date_long_text_is_invalid() {
        let long = format!("2025-04-15 {}", "x".repeat(100));
        assert_eq!(auto(&long), Err(DateError::Invalid));
    }

    mod props {
        use chrono::Datelike;
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            #[test]
            fn date_forms_agree(days in 0_i64..3_000_000, secs in 0_u32..86_400) {
                let date = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap() + Duration::days(days);
                prop_assume!(date.year() <= 9999);
                let at = date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap());
                for text in [
                    at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    at.format("%Y. %-m. %-d. %H:%M:%S").to_string(),
                    at.format("%Y년 %-m월 %-d일 %H:%M:%S").to_string(),
                    at.format("%Y/%m/%d %I:%M:%S %p").to_string(),
                    at.format("%d-%b-%Y %H:%M:%S").to_string(),
                ] {
                    prop_assert_eq!(parse_date(&text, DateOrder::Auto), Ok(at), "{}", text);
                }
                prop_assert_eq!(parse_date(&date.format("%Y%m%d").to_string(), DateOrder::Auto), Ok(date.and_hms_opt(0, 0, 0).unwrap()));
                let dmy = at.format("%d/%m/%Y %H:%M:%S").to_string();
                prop_assert_eq!(parse_date(&dmy, DateOrder::Dmy), Ok(at));
                let mdy = at.format("%m/%d/%Y %H:%M:%S").to_string();
                prop_assert_eq!(parse_date(&mdy, DateOrder::Mdy), Ok(at));
            }

            #[test]
            fn excel_serial_matches_day_count(days in 61_i64..2_958_466, secs in 0_u32..86_400) {
                let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
                let at = (base + Duration::days(days))
                    .and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap());
                let serial = days as f64 + f64::from(secs) / 86_400.0;
                prop_assert_eq!(excel_serial(serial, false), Some(at));
                // The 1904 system starts 1,462 days later; earlier days have no 1904 serial.
                if days >= 1462 {
                    prop_assert_eq!(excel_serial(serial - 1462.0, true), Some(at));
                }
            }
        }
    }
}
