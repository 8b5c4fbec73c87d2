//! Calendar arithmetic: months counted as `year * 12 + month0`, so ranges of
//! months are plain integers.

use chrono::{Datelike, NaiveDate};

/// A month counted as `year * 12 + month0`.
pub fn month_index(day: NaiveDate) -> i32 {
    day.year() * 12 + day.month0() as i32
}

/// The first day of a month counted as `year * 12 + month0`.
pub fn month_start(index: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(NaiveDate::MIN)
}
