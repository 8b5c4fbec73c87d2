//! The periods a range is counted in (weeks or months) and the spells a
//! referral was open, which the index counts the caseload over.

use chrono::{Datelike, Duration, NaiveDate};

use crate::model::calendar::{month_index, month_start};
use crate::model::Referral;

use super::*;

/// The weeks (from Monday) or months that cover the range, with the day each
/// one's count is taken (its last day, or the end of the range).
pub(super) fn periods(filter: &DashboardFilter) -> Vec<(NaiveDate, NaiveDate, String)> {
    let mut out = Vec::new();
    match filter.granularity {
        Granularity::Month => {
            for index in month_index(filter.from)..=month_index(filter.to) {
                let start = month_start(index).max(filter.from);
                let end = (month_start(index + 1) - Duration::days(1)).min(filter.to);
                out.push((start, end, month_label(index)));
            }
        }
        Granularity::Week => {
            let mut start = filter.from
                - Duration::days(i64::from(filter.from.weekday().num_days_from_monday()));
            while start <= filter.to {
                let end = (start + Duration::days(6)).min(filter.to);
                out.push((
                    start.max(filter.from),
                    end,
                    format!("w/c {} {}", start.day(), MONTHS[start.month0() as usize]),
                ));
                start += Duration::days(7);
            }
        }
    }
    out
}

/// Calls `spell` with each time a referral was open: `[start, end)`, `end`
/// `None` if it still is.
pub(super) fn open_spells(r: &Referral, mut spell: impl FnMut(NaiveDate, Option<NaiveDate>)) {
    let mut since: Option<NaiveDate> = None;
    let only = [crate::model::StatusChange {
        status: r.status,
        date: r.referral_date,
    }];
    let history = if r.history.is_empty() {
        &only[..]
    } else {
        &r.history[..]
    };
    for &crate::model::StatusChange { status, date } in history {
        match (status.is_open(), since) {
            (true, None) => since = Some(date),
            (false, Some(s)) => {
                spell(s, Some(date));
                since = None;
            }
            _ => {}
        }
    }
    if let Some(s) = since {
        spell(s, None);
    }
}
