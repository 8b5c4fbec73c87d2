//! The diary as it is looked at: appointments across the caseload by day (a week, a list
//! of the coming days, a printable day sheet), with overlapping ones marked.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

use crate::model::diary::{AppointmentId, AppointmentState};
use crate::model::lists::ListKind;
use crate::model::risk::RiskFlag;
use crate::model::{ContactOutcome, Referral, ReferralId, Workspace};

/// One appointment, with what a diary line shows. People appear only by reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentLine {
    pub referral: ReferralId,
    pub appointment: AppointmentId,
    pub reference: String,
    pub practice: String,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub minutes: u32,
    /// The contact mode's words.
    pub mode: String,
    pub place: String,
    pub state: AppointmentState,
    pub risks: Vec<RiskFlag>,
    /// A home visit to a person with an open lone-working risk.
    pub lone_working: bool,
    /// Whether it overlaps another appointment that day (cancelled ones never do).
    pub clash: bool,
}

impl AppointmentLine {
    /// Whether it was cancelled.
    pub fn cancelled(&self) -> bool {
        matches!(
            self.state,
            AppointmentState::Marked(
                ContactOutcome::CancelledByPerson | ContactOutcome::CancelledByLinkWorker
            )
        )
    }

    /// The time it ends.
    pub fn end(&self) -> NaiveTime {
        self.start + Duration::minutes(i64::from(self.minutes))
    }
}

/// One day of the diary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiaryDay {
    pub date: NaiveDate,
    /// In time order.
    pub lines: Vec<AppointmentLine>,
}

/// The lines of one referral's appointments that `keep` accepts, leaving out the unmarked
/// bookings of an episode that has ended.
pub(crate) fn lines_of(
    ws: &Workspace,
    r: &Referral,
    keep: impl Fn(NaiveDate, AppointmentState) -> bool,
    out: &mut Vec<AppointmentLine>,
) {
    let mut reference = None;
    let open = r.on_caseload();
    for a in &r.appointments {
        let state = r.appointment_state(a);
        // An ended episode's bookings that were never marked are off the diary (they come
        // back if it is reopened).
        if (!open && state == AppointmentState::Booked) || !keep(a.date, state) {
            continue;
        }
        let reference = reference
            .get_or_insert_with(|| ws.reference_of(r.person).to_owned())
            .clone();
        out.push(AppointmentLine {
            referral: r.id,
            appointment: a.id,
            reference,
            practice: ws.practice_name(r.practice).to_owned(),
            date: a.date,
            start: a.start,
            minutes: a.minutes,
            mode: ws
                .settings
                .lists
                .label(ListKind::ContactModes, &a.mode)
                .to_owned(),
            place: a.place.clone(),
            state,
            risks: r.risk_badges(&ws.settings.lists),
            lone_working: r.lone_working_risk() && a.mode == crate::model::risk::HOME_VISIT,
            clash: false,
        });
    }
}

/// Sorts lines by day, time and reference, and marks the ones that overlap.
pub(crate) fn in_order(lines: &mut [AppointmentLine]) {
    crate::model::order::sort_by_key(lines, |l| {
        (l.date, l.start, l.reference.clone(), l.appointment)
    });
    // Within a day, in start order: a line clashes if it starts before the latest end so far.
    let mut i = 0;
    while i < lines.len() {
        let day = lines[i].date;
        let mut latest: Option<(NaiveTime, usize)> = None;
        let mut j = i;
        while j < lines.len() && lines[j].date == day {
            if !lines[j].cancelled() {
                if let Some((end, at)) = latest {
                    if lines[j].start < end {
                        lines[j].clash = true;
                        lines[at].clash = true;
                    }
                }
                let end = lines[j].end();
                if latest.is_none_or(|(e, _)| end > e) {
                    latest = Some((end, j));
                }
            }
            j += 1;
        }
        i = j;
    }
}

/// Every appointment from `from` for `days` days, grouped by day; days without any are
/// left out unless `every_day`.
pub fn days(ws: &Workspace, from: NaiveDate, days: u32, every_day: bool) -> Vec<DiaryDay> {
    let to = from + Duration::days(i64::from(days));
    let mut lines = Vec::new();
    for r in ws.referrals.values() {
        lines_of(ws, r, |d, _| d >= from && d < to, &mut lines);
    }
    in_order(&mut lines);
    let mut out: Vec<DiaryDay> = Vec::new();
    if every_day {
        for n in 0..days {
            out.push(DiaryDay {
                date: from + Duration::days(i64::from(n)),
                lines: Vec::new(),
            });
        }
    }
    for line in lines {
        match out.iter_mut().find(|d| d.date == line.date) {
            Some(day) => day.lines.push(line),
            None => out.push(DiaryDay {
                date: line.date,
                lines: vec![line],
            }),
        }
    }
    out
}

/// The Monday of the week `date` is in.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// The week from Monday, every day shown.
pub fn week(ws: &Workspace, date: NaiveDate) -> Vec<DiaryDay> {
    days(ws, week_start(date), 7, true)
}

/// The lines of a printable day sheet: the day's appointments that were not cancelled,
/// with references, times, places and modes. Notes are never on it.
pub fn day_sheet(ws: &Workspace, date: NaiveDate) -> Vec<AppointmentLine> {
    days(ws, date, 1, false)
        .into_iter()
        .flat_map(|d| d.lines)
        .filter(|l| !l.cancelled())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{one_referral_ws, today};
    use crate::work::diary::AppointmentDraft;

    fn book(ws: &mut Workspace, id: ReferralId, date: &str, start: &str, minutes: &str) {
        ws.book_appointment(
            id,
            &AppointmentDraft {
                date: date.into(),
                start: start.into(),
                minutes: minutes.into(),
                mode: "telephone".into(),
                place: "Room 3".into(),
            },
            today(),
        )
        .expect("booked");
    }

    #[test]
    fn a_week_runs_monday_to_sunday_in_time_order_with_clashes_marked() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        // 21 Nov 2026 is a Saturday: its week starts on Monday 16 Nov.
        assert_eq!(week_start(today()).to_string(), "2026-11-16");
        book(&mut ws, id, "2026-11-18", "14:00", "30");
        book(&mut ws, id, "2026-11-18", "09:00", "60");
        book(&mut ws, id, "2026-11-18", "09:30", "30");
        book(&mut ws, id, "2026-11-18", "10:00", "30");
        book(&mut ws, id, "2026-11-23", "10:00", "30");
        let week = week(&ws, today());
        assert_eq!(week.len(), 7);
        assert_eq!(week[0].date.to_string(), "2026-11-16");
        let wednesday = &week[2];
        let times: Vec<(String, bool)> = wednesday
            .lines
            .iter()
            .map(|l| (l.start.format("%H:%M").to_string(), l.clash))
            .collect();
        assert_eq!(
            times,
            vec![
                ("09:00".into(), true),
                ("09:30".into(), true),
                ("10:00".into(), false),
                ("14:00".into(), false)
            ],
            "10:00 starts as the 9:00 hour ends: touching is not a clash"
        );
        assert!(week
            .iter()
            .all(|d| d.date < "2026-11-23".parse().expect("date")));
        let list = days(&ws, today(), 14, false);
        assert_eq!(
            list.len(),
            1,
            "only the day with an appointment, from today"
        );
        assert_eq!(list[0].lines[0].reference, "RV-0001");
    }
}
