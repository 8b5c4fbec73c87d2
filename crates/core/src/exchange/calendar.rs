//! The coming weeks of the diary as an iCalendar file (RFC 5545) that Outlook and Google
//! Calendar import. Each event carries only the person's reference, the mode and the
//! place: never notes, risks or the practice. Its UID comes from the referral's secret
//! record key, so it is the same on every export (a re-import updates the event instead of
//! adding another) and links to nothing outside the workspace.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};

use crate::model::diary::AppointmentState;
use crate::model::lists::ListKind;
use crate::model::{ContactOutcome, Workspace};

/// Weeks the export covers unless asked otherwise.
pub const DEFAULT_WEEKS: u32 = 4;

/// The stable UID of one appointment, from its id (never reused, so no other appointment
/// ever has it). An appointment booked before ids were unique keeps the UID it had, made
/// from its old number, so calendars that have it still update it.
fn uid(key: crate::model::RecordKey, appointment: crate::model::diary::AppointmentId) -> String {
    let mut what = b"appointment:".to_vec();
    match appointment.legacy_number() {
        Some(n) => what.extend_from_slice(&n.to_le_bytes()),
        None => what.extend_from_slice(appointment.0.as_bytes()),
    }
    format!("{:016x}@linkwork", key.of_part(&what))
}

/// Appointments from `from` for `weeks` weeks. Cancelled ones are kept as cancelled
/// events, so importing again takes them out of the calendar too. `stamp` is when the
/// file is made: it dates the events and numbers this version of them, so a calendar
/// that already has them takes the newer one.
pub fn diary_ics(ws: &Workspace, from: NaiveDate, weeks: u32, stamp: DateTime<Utc>) -> String {
    let to = from + Duration::days(7 * i64::from(weeks.max(1)));
    let epoch = NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or(stamp);
    let sequence = u32::try_from((stamp - epoch).num_minutes().max(0)).unwrap_or(u32::MAX);
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//Linkwork//Diary//EN"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .append_property(("X-WR-CALNAME", "Linkwork diary"));
    let mut events = Vec::new();
    for r in ws.referrals.values() {
        let reference = ws.reference_of(r.person);
        for a in r
            .appointments
            .iter()
            .filter(|a| a.date >= from && a.date < to)
        {
            let starts = NaiveDateTime::new(a.date, a.start);
            let ends = starts + Duration::minutes(i64::from(a.minutes));
            let mode = ws.settings.lists.label(ListKind::ContactModes, &a.mode);
            // Cancelled, or never marked on an episode that has ended or a person handed
            // over to a colleague (no longer in this diary): a calendar that has the event
            // takes it out.
            let status = match r.appointment_state(a) {
                AppointmentState::Marked(
                    ContactOutcome::CancelledByPerson | ContactOutcome::CancelledByLinkWorker,
                ) => EventStatus::Cancelled,
                AppointmentState::Booked if !r.on_caseload() => EventStatus::Cancelled,
                _ => EventStatus::Confirmed,
            };
            let mut event = icalendar::Event::new();
            event
                .uid(&uid(r.key, a.id))
                .timestamp(stamp)
                .sequence(sequence)
                .summary(&format!("{reference} ({mode})"))
                .starts(starts)
                .ends(ends)
                .status(status)
                .class(icalendar::Class::Private);
            if !a.place.is_empty() {
                event.location(&a.place);
            }
            events.push((starts, reference.to_owned(), event.done()));
        }
        // Taken out of the diary: still in the file, cancelled under its own UID, so a
        // calendar that has it takes it out (its id is never used again).
        for (id, slot) in r.removed.iter().filter_map(|m| {
            let id = m.part.strip_prefix("appointments/")?.parse().ok()?;
            Some((id, m.slot.as_ref()?))
        }) {
            let Ok(start) = chrono::NaiveTime::parse_from_str(&slot.start, "%H:%M") else {
                continue;
            };
            if slot.date < from || slot.date >= to {
                continue;
            }
            let starts = NaiveDateTime::new(slot.date, start);
            let mut event = icalendar::Event::new();
            event
                .uid(&uid(r.key, id))
                .timestamp(stamp)
                .sequence(sequence)
                .summary(reference)
                .starts(starts)
                .ends(starts + Duration::minutes(i64::from(slot.minutes)))
                .status(EventStatus::Cancelled)
                .class(icalendar::Class::Private);
            events.push((starts, reference.to_owned(), event.done()));
        }
    }
    crate::model::order::sort_by_key(&mut events, |(at, reference, _)| (*at, reference.clone()));
    for (_, _, event) in events {
        calendar.push(event);
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{one_referral_ws, today};
    use crate::work::diary::{AppointmentDraft, TaskDraft, TaskOwner};

    fn stamp(hour: u32) -> DateTime<Utc> {
        today().and_hms_opt(hour, 0, 0).expect("time").and_utc()
    }

    /// Every event as (UID, SUMMARY, LOCATION, DTSTART, DTEND, STATUS, SEQUENCE), read by an
    /// independent parser.
    fn parse(text: &str) -> Vec<Vec<(String, String)>> {
        let reader = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
        let mut out = Vec::new();
        for calendar in reader {
            let calendar = calendar.expect("a calendar another program can read");
            for event in calendar.events {
                out.push(
                    event
                        .properties
                        .into_iter()
                        .map(|p| (p.name, p.value.unwrap_or_default()))
                        .collect(),
                );
            }
        }
        out
    }

    fn value<'a>(event: &'a [(String, String)], name: &str) -> Option<&'a str> {
        event
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn the_coming_weeks_parse_back_with_stable_uids_and_nothing_personal() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        ws.referrals.get_mut(&id).expect("one").notes = "Lives with daughter Jane".into();
        ws.log_risk(
            id,
            &crate::work::risk::RiskDraft {
                kind: "safeguarding".into(),
                concern: "Bruising seen on the arm".into(),
                ..crate::work::risk::RiskDraft::new(crate::testing::today())
            },
            crate::testing::today(),
        )
        .expect("logged");
        ws.add_task(
            TaskOwner::Referral(id),
            &TaskDraft {
                text: "Ring about the benefits letter".into(),
                due: "2026-11-25".into(),
            },
        )
        .expect("task");
        for (date, start, place) in [
            ("2026-11-24", "10:00", "Room 3, Hillview"),
            ("2026-11-23", "09:30", ""),
            ("2026-12-30", "09:30", "Too far ahead"),
            ("2026-11-20", "09:30", "Before the export"),
        ] {
            ws.book_appointment(
                id,
                &AppointmentDraft {
                    date: date.into(),
                    start: start.into(),
                    minutes: "45".into(),
                    mode: "telephone".into(),
                    place: place.into(),
                },
                today(),
            )
            .expect("booked");
        }
        let text = diary_ics(&ws, today(), DEFAULT_WEEKS, stamp(9));
        assert!(text.contains("\r\n"), "lines end as RFC 5545 says");
        let events = parse(&text);
        assert_eq!(events.len(), 2, "only the coming four weeks");
        assert_eq!(value(&events[0], "DTSTART"), Some("20261123T093000"));
        assert_eq!(value(&events[0], "DTEND"), Some("20261123T101500"));
        assert_eq!(value(&events[0], "SUMMARY"), Some("RV-0001 (Telephone)"));
        assert_eq!(value(&events[0], "LOCATION"), None);
        assert_eq!(value(&events[1], "LOCATION"), Some("Room 3\\, Hillview"));
        assert_eq!(value(&events[1], "CLASS"), Some("PRIVATE"));
        for forbidden in ["Jane", "daughter", "benefits", "Safeguarding", "Riverside"] {
            assert!(!text.contains(forbidden), "{forbidden} is in the file");
        }
        // Exported again later, after a cancellation: the same UIDs, a newer sequence, and
        // the cancelled one says so.
        let first = events[0].clone();
        let appointment = ws.referrals[&id].appointments[1].id;
        ws.mark_appointment(id, appointment, ContactOutcome::CancelledByPerson, today())
            .expect("cancelled");
        let again = parse(&diary_ics(&ws, today(), DEFAULT_WEEKS, stamp(11)));
        assert_eq!(value(&again[0], "UID"), value(&first, "UID"));
        assert_eq!(value(&again[0], "STATUS"), Some("CANCELLED"));
        let seq = |e: &[(String, String)]| -> u32 {
            value(e, "SEQUENCE")
                .and_then(|s| s.parse().ok())
                .expect("sequence")
        };
        assert!(seq(&again[0]) > seq(&first));
        let uids: std::collections::BTreeSet<&str> =
            again.iter().filter_map(|e| value(e, "UID")).collect();
        assert_eq!(uids.len(), 2, "one UID per appointment");
        assert!(
            !text.contains(&id.to_string()),
            "the referral's id stays inside"
        );
        // The referral is closed: its bookings ahead leave the diary, and leave calendars too.
        ws.change_status(
            id,
            crate::work::journey::Transition::Close {
                reason: "complete".into(),
            },
            "2026-11-21",
            today(),
        )
        .expect("closed");
        let closed = parse(&diary_ics(&ws, today(), DEFAULT_WEEKS, stamp(12)));
        let ahead = closed
            .iter()
            .find(|e| value(e, "DTSTART") == Some("20261124T100000"))
            .expect("still in the file");
        assert_eq!(value(ahead, "STATUS"), Some("CANCELLED"));
        let left = crate::views::diary::days(&ws, today(), 28, false);
        let states: Vec<AppointmentState> = left
            .iter()
            .flat_map(|d| &d.lines)
            .map(|l| l.state)
            .collect();
        assert_eq!(
            states,
            vec![AppointmentState::Marked(ContactOutcome::CancelledByPerson)],
            "what was marked stays; what was only booked goes"
        );
        let that_day = "2026-11-24".parse().expect("date");
        assert!(crate::views::today::today(&ws, that_day)
            .appointments
            .is_empty());
    }

    #[test]
    fn a_person_handed_over_leaves_the_calendar_as_they_leave_the_diary() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        for date in ["2026-11-24", "2026-12-01"] {
            ws.book_appointment(
                id,
                &crate::testing::booking(date, "10:00", "telephone"),
                today(),
            )
            .expect("booked");
        }
        let before = parse(&diary_ics(&ws, today(), DEFAULT_WEEKS, stamp(9)));
        assert!(before
            .iter()
            .all(|e| value(e, "STATUS") == Some("CONFIRMED")));
        ws.referrals.get_mut(&id).expect("one").handed = Some(crate::model::handover::HandedOver {
            to: "Jo".into(),
            on: today(),
        });
        assert!(crate::views::diary::days(&ws, today(), 28, false)
            .iter()
            .all(|d| d.lines.is_empty()));
        let after = parse(&diary_ics(&ws, today(), DEFAULT_WEEKS, stamp(10)));
        assert_eq!(after.len(), 2, "{after:?}");
        for (old, new) in before.iter().zip(&after) {
            assert_eq!(value(new, "UID"), value(old, "UID"));
            assert_eq!(
                value(new, "STATUS"),
                Some("CANCELLED"),
                "a calendar that has it takes it out"
            );
        }
    }

    #[test]
    fn text_that_looks_like_calendar_lines_stays_inside_its_own_event() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        let person = ws.referrals[&id].person;
        ws.people.get_mut(&person).expect("person").reference =
            "RV-1;X\nEND:VEVENT\nBEGIN:VEVENT".into();
        ws.book_appointment(
            id,
            &AppointmentDraft {
                date: "2026-11-24".into(),
                start: "10:00".into(),
                minutes: "30".into(),
                mode: "telephone".into(),
                place: "Room 3, \"A\"; B".into(),
            },
            today(),
        )
        .expect("booked");
        let events = parse(&diary_ics(&ws, today(), DEFAULT_WEEKS, stamp(9)));
        assert_eq!(events.len(), 1, "one appointment, one event");
        assert_eq!(
            value(&events[0], "SUMMARY"),
            Some("RV-1\\;X\\nEND:VEVENT\\nBEGIN:VEVENT (Telephone)")
        );
    }

    /// An appointment taken out of the diary goes out cancelled under its own UID, and the
    /// next booking (even at the same time) gets a UID of its own: a calendar never moves
    /// the old event onto the new booking.
    #[test]
    fn a_removed_appointment_goes_out_cancelled_and_its_uid_is_never_reused() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        let draft = AppointmentDraft {
            date: "2026-11-26".into(),
            start: "14:00".into(),
            minutes: "30".into(),
            mode: "telephone".into(),
            place: String::new(),
        };
        let first = ws
            .book_appointment(id, &draft, today())
            .expect("booked")
            .appointment;
        let before = parse(&diary_ics(&ws, today(), DEFAULT_WEEKS, stamp(9)));
        let old_uid = value(&before[0], "UID").expect("uid").to_owned();
        ws.remove_appointment(id, first).expect("taken out");
        let second = ws
            .book_appointment(id, &draft, today())
            .expect("booked")
            .appointment;
        assert_ne!(first, second, "a removed appointment's id is never reused");
        let after = parse(&diary_ics(&ws, today(), DEFAULT_WEEKS, stamp(10)));
        assert_eq!(after.len(), 2);
        let of = |uid: &str| {
            after
                .iter()
                .find(|e| value(e, "UID") == Some(uid))
                .expect("the event")
        };
        assert_eq!(value(of(&old_uid), "STATUS"), Some("CANCELLED"));
        assert_eq!(value(of(&old_uid), "DTSTART"), Some("20261126T140000"));
        let new_uid = after
            .iter()
            .filter_map(|e| value(e, "UID"))
            .find(|u| *u != old_uid)
            .expect("a second UID");
        assert_eq!(value(of(new_uid), "STATUS"), Some("CONFIRMED"));
    }
}
