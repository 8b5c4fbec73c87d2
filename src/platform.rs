//! Small bridges to the browser: the clock and random ids.

use chrono::{DateTime, NaiveDate, Utc};
use linkwork_core::IdSource;

/// Today's date in the person's own time zone.
pub fn today() -> NaiveDate {
    let d = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .unwrap_or_else(|| now().date_naive())
}

/// The current moment.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Ids from the browser's cryptographic random source.
pub struct BrowserIds;

impl IdSource for BrowserIds {
    fn next_bytes(&mut self) -> [u8; 16] {
        let mut bytes = [0u8; 16];
        let filled = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
        if !filled {
            // Every browser Linkwork supports has WebCrypto; this keeps ids
            // unique (not secret) if one somehow does not.
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = ((js_sys::Math::random() * 256.0) as u8) ^ (i as u8);
            }
        }
        bytes
    }
}

/// Formats a date the way UK readers expect: 21 Nov 2026.
pub fn show_date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// Formats a count with thousands separators: 11,200.
pub fn show_count(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
