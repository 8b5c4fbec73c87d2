//! What the dashboard shows: the date range (checked before anything is
//! computed), the filters, and their form in the address.

use chrono::{Datelike, NaiveDate};

use crate::model::calendar::{month_index, month_start};
use crate::model::{PracticeId, Referral};

/// Whether the caseload-over-time chart counts by week or by month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Granularity {
    Week,
    #[default]
    Month,
}

/// What the dashboard shows: a date range and optional filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DashboardFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub practice: Option<PracticeId>,
    /// Id of an item in the referrer roles list.
    pub referrer_role: Option<String>,
    /// Id of an item in the reasons list.
    pub reason: Option<String>,
    pub granularity: Granularity,
}

/// The longest date range the dashboard computes, in months (ten years).
pub const LONGEST_RANGE_MONTHS: i32 = 120;

/// Why a date range cannot be shown.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("Enter a date from 1 January 2000 onwards: no referral is older.")]
    TooEarly,
    #[error("Enter a date no later than {0}.")]
    TooLate(String),
    #[error("The start of the range must be on or before its end.")]
    Backwards,
    #[error("Choose a range of ten years or less.")]
    TooLong,
}

/// Checks a date range before anything is computed for it: from 2000 (no
/// referral is older) to the end of next year, start before end, and ten
/// years at most, so the work a range takes is bounded however its dates
/// are typed (a half-typed year such as 0002 is refused, not computed).
pub fn check_range(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Result<(), RangeError> {
    let latest = NaiveDate::from_ymd_opt(today.year() + 1, 12, 31).unwrap_or(today);
    if from < crate::work::referral::EARLIEST_REFERRAL
        || to < crate::work::referral::EARLIEST_REFERRAL
    {
        return Err(RangeError::TooEarly);
    }
    if from > latest || to > latest {
        return Err(RangeError::TooLate(latest.format("%-d %B %Y").to_string()));
    }
    if from > to {
        return Err(RangeError::Backwards);
    }
    if month_index(to) - month_index(from) >= LONGEST_RANGE_MONTHS {
        return Err(RangeError::TooLong);
    }
    Ok(())
}

/// The first day of the month `months` months before `day`'s month.
pub(super) fn month_start_before(day: NaiveDate, months: i32) -> NaiveDate {
    month_start(month_index(day) - months)
}

impl DashboardFilter {
    /// The last twelve months (this month and the eleven before it), no filters.
    pub fn last_year(today: NaiveDate) -> Self {
        Self {
            from: month_start_before(today, 11),
            to: today,
            practice: None,
            referrer_role: None,
            reason: None,
            granularity: Granularity::Month,
        }
    }

    /// The filter as an address query (`from=…&to=…`), leaving out what is
    /// the default. It holds dates and list ids only: nothing personal.
    pub fn to_query(&self, today: NaiveDate) -> String {
        let default = Self::last_year(today);
        let mut parts = Vec::new();
        if self.from != default.from {
            parts.push(format!("from={}", self.from));
        }
        if self.to != default.to {
            parts.push(format!("to={}", self.to));
        }
        if let Some(p) = self.practice {
            parts.push(format!("practice={p}"));
        }
        if let Some(r) = &self.referrer_role {
            parts.push(format!("role={}", encode(r)));
        }
        if let Some(r) = &self.reason {
            parts.push(format!("reason={}", encode(r)));
        }
        if self.granularity == Granularity::Week {
            parts.push("by=week".into());
        }
        parts.join("&")
    }

    /// Reads a filter from an address query. Anything unreadable is left at
    /// its default, and a range given backwards is put the right way round.
    pub fn from_query(query: &str, today: NaiveDate) -> Self {
        let mut f = Self::last_year(today);
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match key {
                "from" => f.from = value.parse().unwrap_or(f.from),
                "to" => f.to = value.parse().unwrap_or(f.to),
                "practice" => f.practice = value.parse().ok(),
                "role" if !value.is_empty() => f.referrer_role = Some(value),
                "reason" if !value.is_empty() => f.reason = Some(value),
                "by" if value == "week" => f.granularity = Granularity::Week,
                _ => {}
            }
        }
        if f.from > f.to {
            std::mem::swap(&mut f.from, &mut f.to);
        }
        // A range that cannot be shown (year 2, or a century long) is not
        // computed: the default range stands instead.
        if check_range(f.from, f.to, today).is_err() {
            let default = Self::last_year(today);
            f.from = default.from;
            f.to = default.to;
        }
        f
    }

    /// Whether a referral's practice, referrer and reasons match.
    pub fn matches(&self, r: &Referral) -> bool {
        self.practice.is_none_or(|p| r.practice == p)
            && self
                .referrer_role
                .as_deref()
                .is_none_or(|role| r.referrer_role == role)
            && self
                .reason
                .as_deref()
                .is_none_or(|reason| r.reasons.iter().any(|x| x == reason))
    }

    /// Whether a day falls in the range.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

pub(super) fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(super) fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
