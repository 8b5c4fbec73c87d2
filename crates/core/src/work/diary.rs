//! The rules of the diary and the to-do list: booking an appointment (and the clashes to
//! warn about), marking it (which records exactly one contact), and tasks on a referral or
//! on the workspace.

use std::fmt;

use chrono::{Duration, NaiveDate, NaiveTime};

use crate::model::lists::ListKind;
use crate::model::{ContactId, ContactOutcome, ReferralId, Workspace};
use crate::store::format::StoreKey;
use crate::work::journey::ContactDraft;

pub use crate::model::diary::*;

/// Longest place of an appointment, in characters: a room and a building, not an address.
pub const MAX_PLACE_LEN: usize = 60;
/// Shortest and longest appointment, in minutes.
pub const APPOINTMENT_MINUTES: std::ops::RangeInclusive<u32> = 5..=480;
/// How far ahead an appointment can be booked, in days.
pub const BOOK_AHEAD_DAYS: i64 = 366;
/// Missed appointments in a row after which closing the referral is offered.
pub const MISSED_BEFORE_CLOSING: usize = 3;

/// What the booking form holds, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AppointmentDraft {
    /// ISO date.
    pub date: String,
    /// "HH:MM", as an `<input type="time">` gives it.
    pub start: String,
    pub minutes: String,
    /// Contact mode id.
    pub mode: String,
    pub place: String,
}

/// The booking form's fields, for putting an error next to its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiaryField {
    Date,
    Start,
    Minutes,
    Mode,
    Place,
    Text,
    Due,
    Form,
}

/// Why a booking, a mark or a task was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiaryError {
    NoSuchReferral,
    NoSuchAppointment,
    NoSuchTask,
    /// Booking on a closed, declined or onward-referred episode.
    EpisodeEnded,
    DateMissing,
    DateInvalid,
    /// Before the referral date.
    DateTooEarly(NaiveDate),
    /// Further ahead than [`BOOK_AHEAD_DAYS`].
    DateTooFar(NaiveDate),
    TimeMissing,
    TimeInvalid,
    LengthInvalid,
    /// It would end after midnight, that is before it starts.
    EndsNextDay,
    ModeMissing,
    ModeUnknown,
    PlaceTooLong,
    /// It has been marked already.
    AlreadyMarked,
    /// Attended or missed cannot be marked before the day.
    NotYet(NaiveDate),
    TextMissing,
    TextTooLong,
    DueInvalid,
    NoSuchNote,
    NoteInFuture,
    NoteMinutesInvalid,
    NoteTooLong,
    NoteMissing,
}

impl DiaryError {
    /// The field the error belongs next to.
    pub fn field(&self) -> DiaryField {
        match self {
            Self::DateMissing | Self::DateInvalid | Self::DateTooEarly(_) | Self::DateTooFar(_) => {
                DiaryField::Date
            }
            Self::TimeMissing | Self::TimeInvalid => DiaryField::Start,
            Self::LengthInvalid | Self::EndsNextDay => DiaryField::Minutes,
            Self::ModeMissing | Self::ModeUnknown => DiaryField::Mode,
            Self::PlaceTooLong => DiaryField::Place,
            Self::TextMissing | Self::TextTooLong | Self::NoteTooLong | Self::NoteMissing => {
                DiaryField::Text
            }
            Self::NoteInFuture => DiaryField::Date,
            Self::NoteMinutesInvalid => DiaryField::Minutes,
            Self::DueInvalid => DiaryField::Due,
            _ => DiaryField::Form,
        }
    }
}

impl fmt::Display for DiaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = |d: &NaiveDate| d.format("%-d %b %Y").to_string();
        match self {
            Self::NoSuchReferral => f.write_str("That referral is no longer in the workspace."),
            Self::NoSuchAppointment => f.write_str("That appointment is no longer in the diary."),
            Self::NoSuchTask => f.write_str("That task is no longer in the list."),
            Self::EpisodeEnded => f.write_str("This episode has ended. Reopen it to book an appointment."),
            Self::DateMissing => f.write_str("Enter the date."),
            Self::DateInvalid => f.write_str("Enter a real date, for example 21/11/2026."),
            Self::DateTooEarly(d) => write!(f, "The date cannot be before {}, when the referral was made.", day(d)),
            Self::DateTooFar(d) => write!(f, "Book no further ahead than {}.", day(d)),
            Self::TimeMissing => f.write_str("Enter the start time, for example 09:30."),
            Self::TimeInvalid => f.write_str("Enter a real time, for example 09:30."),
            Self::LengthInvalid => write!(
                f,
                "Enter how long it is expected to take, in minutes, from {} to {}.",
                APPOINTMENT_MINUTES.start(),
                APPOINTMENT_MINUTES.end()
            ),
            Self::EndsNextDay => f.write_str("It would end after midnight: start earlier, or make it shorter."),
            Self::ModeMissing => f.write_str("Choose how you will meet."),
            Self::ModeUnknown => f.write_str("That contact mode is not in the list."),
            Self::PlaceTooLong => write!(f, "Keep the place to {MAX_PLACE_LEN} characters or fewer, for example \u{201c}Room 3, Hillview\u{201d}."),
            Self::AlreadyMarked => f.write_str("That appointment has been recorded already."),
            Self::NotYet(d) => write!(f, "This appointment is on {}: it can be marked attended or missed from that day. It can be cancelled now.", day(d)),
            Self::TextMissing => f.write_str("Say what needs doing."),
            Self::TextTooLong => write!(f, "Keep the task to {MAX_TASK_LEN} characters or fewer."),
            Self::DueInvalid => f.write_str("Enter a real date for when it is due, or leave it empty."),
            Self::NoSuchNote => f.write_str("That note is no longer in the record."),
            Self::NoteInFuture => f.write_str("The date cannot be in the future."),
            Self::NoteMinutesInvalid => write!(f, "Enter the minutes as a whole number from 0 to {MAX_NOTE_MINUTES}, or leave them empty."),
            Self::NoteTooLong => write!(f, "Keep the note to {MAX_NOTE_LEN} characters or fewer."),
            Self::NoteMissing => f.write_str("Write what was done or said."),
        }
    }
}

impl std::error::Error for DiaryError {}

/// The words of the first error that belongs next to `field`, for a form.
pub fn message_for(errors: &[DiaryError], field: DiaryField) -> Option<String> {
    crate::work::message_next_to(errors, field, DiaryError::field)
}

impl AppointmentDraft {
    /// A fresh booking: a week from today, the mode used last, 30 minutes.
    pub fn new(today: NaiveDate, last_mode: Option<&str>) -> Self {
        Self {
            date: (today + Duration::days(7)).format("%Y-%m-%d").to_string(),
            start: String::new(),
            minutes: "30".into(),
            mode: last_mode.unwrap_or("practice").to_owned(),
            place: String::new(),
        }
    }

    /// The same time, length, mode and place a week after `a`: "book again".
    pub fn again(a: &Appointment, today: NaiveDate) -> Self {
        let week_on = (a.date + Duration::days(7)).max(today);
        Self {
            date: week_on.format("%Y-%m-%d").to_string(),
            start: a.start.format("%H:%M").to_string(),
            minutes: a.minutes.to_string(),
            mode: a.mode.clone(),
            place: a.place.clone(),
        }
    }

    /// Checks every field against the referral; the appointment is not yet given an id.
    pub fn validate(
        &self,
        ws: &Workspace,
        referral: ReferralId,
        today: NaiveDate,
    ) -> Result<Appointment, Vec<DiaryError>> {
        let r = ws
            .referrals
            .get(&referral)
            .ok_or_else(|| vec![DiaryError::NoSuchReferral])?;
        let mut errors = Vec::new();
        if !r.status.is_open() {
            errors.push(DiaryError::EpisodeEnded);
        }
        let latest = today + Duration::days(BOOK_AHEAD_DAYS);
        let date = match self.date.trim() {
            "" => Err(DiaryError::DateMissing),
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Err(_) => Err(DiaryError::DateInvalid),
                Ok(d) if d < r.referral_date => Err(DiaryError::DateTooEarly(r.referral_date)),
                Ok(d) if d > latest => Err(DiaryError::DateTooFar(latest)),
                Ok(d) => Ok(d),
            },
        };
        let date = date.map_err(|e| errors.push(e)).ok();
        let start = match self.start.trim() {
            "" => Err(DiaryError::TimeMissing),
            text => NaiveTime::parse_from_str(text, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
                .map_err(|_| DiaryError::TimeInvalid),
        };
        let start = start.map_err(|e| errors.push(e)).ok();
        let minutes = match self.minutes.trim().parse::<u32>() {
            Ok(m) if APPOINTMENT_MINUTES.contains(&m) => Some(m),
            _ => {
                errors.push(DiaryError::LengthInvalid);
                None
            }
        };
        if let (Some(start), Some(minutes)) = (start, minutes) {
            let begins = chrono::Timelike::num_seconds_from_midnight(&start) / 60;
            if begins + minutes > 24 * 60 {
                errors.push(DiaryError::EndsNextDay);
            }
        }
        if self.mode.is_empty() {
            errors.push(DiaryError::ModeMissing);
        } else if !ws
            .settings
            .lists
            .contains(ListKind::ContactModes, &self.mode)
        {
            errors.push(DiaryError::ModeUnknown);
        }
        let place = self.place.trim();
        if place.chars().count() > MAX_PLACE_LEN {
            errors.push(DiaryError::PlaceTooLong);
        }
        match (date, start, minutes) {
            (Some(date), Some(start), Some(minutes)) if errors.is_empty() => Ok(Appointment {
                id: AppointmentId::default(),
                date,
                start: chrono::Timelike::with_second(&start, 0).unwrap_or(start),
                minutes,
                mode: self.mode.clone(),
                place: place.to_owned(),
                contact: None,
            }),
            _ => Err(errors),
        }
    }
}

/// Another appointment at an overlapping time, to warn about (never refused: two people
/// can share a group session, and a link worker knows their own day).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clash {
    pub referral: ReferralId,
    pub appointment: AppointmentId,
    /// The other person's pseudonymous reference.
    pub reference: String,
    pub start: NaiveTime,
    pub minutes: u32,
}

/// A booking that was made, and what it clashes with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booked {
    pub chunk: u32,
    pub appointment: AppointmentId,
    pub clashes: Vec<Clash>,
    /// A home visit to a person with an open lone-working risk: plan it with care.
    pub lone_working: bool,
}

/// A mark that was made: the contact it recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marked {
    pub chunk: u32,
    pub contact: ContactId,
}

/// Whose task list: a referral's, or the workspace's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskOwner {
    Referral(ReferralId),
    Workspace,
}

/// What the task form holds, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TaskDraft {
    pub text: String,
    /// ISO date, or empty.
    pub due: String,
}

impl TaskDraft {
    /// The task's words and due date, checked.
    pub fn validate(&self) -> Result<(String, Option<NaiveDate>), Vec<DiaryError>> {
        let mut errors = Vec::new();
        let text = self.text.trim();
        if text.is_empty() {
            errors.push(DiaryError::TextMissing);
        } else if text.chars().count() > MAX_TASK_LEN {
            errors.push(DiaryError::TextTooLong);
        }
        let due = match self.due.trim() {
            "" => None,
            t => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                Ok(d) if d >= crate::work::referral::EARLIEST_REFERRAL => Some(d),
                _ => {
                    errors.push(DiaryError::DueInvalid);
                    None
                }
            },
        };
        if errors.is_empty() {
            Ok((text.to_owned(), due))
        } else {
            Err(errors)
        }
    }
}

/// Whether two spans of minutes overlap (touching ends do not).
fn overlaps(a: (u32, u32), b: (u32, u32)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

impl Workspace {
    /// Appointments across the caseload that overlap this time on this day, except the
    /// one named (when moving it). Cancelled ones do not count.
    pub fn clashes(
        &self,
        date: NaiveDate,
        start: NaiveTime,
        minutes: u32,
        except: Option<(ReferralId, AppointmentId)>,
    ) -> Vec<Clash> {
        let probe = Appointment {
            id: AppointmentId::default(),
            date,
            start,
            minutes,
            mode: String::new(),
            place: String::new(),
            contact: None,
        };
        let mut found = Vec::new();
        for r in self.referrals.values() {
            for a in r.appointments.iter().filter(|a| a.date == date) {
                if Some((r.id, a.id)) == except || !overlaps(a.span(), probe.span()) {
                    continue;
                }
                if let AppointmentState::Marked(
                    ContactOutcome::CancelledByPerson | ContactOutcome::CancelledByLinkWorker,
                ) = r.appointment_state(a)
                {
                    continue;
                }
                found.push(Clash {
                    referral: r.id,
                    appointment: a.id,
                    reference: self.reference_of(r.person).to_owned(),
                    start: a.start,
                    minutes: a.minutes,
                });
            }
        }
        crate::model::order::sort_by_key(&mut found, |c| (c.start, c.reference.clone()));
        found
    }

    /// Books an appointment, and says what it clashes with.
    pub fn book_appointment(
        &mut self,
        referral: ReferralId,
        draft: &AppointmentDraft,
        today: NaiveDate,
    ) -> Result<Booked, Vec<DiaryError>> {
        let mut a = draft.validate(self, referral, today)?;
        let clashes = self.clashes(a.date, a.start, a.minutes, None);
        let r = self
            .changeable(referral)
            .ok_or_else(|| vec![DiaryError::NoSuchReferral])?;
        a.id = AppointmentId::new();
        let id = a.id;
        let lone_working = a.mode == crate::model::risk::HOME_VISIT && r.lone_working_risk();
        r.appointments.push(a);
        crate::model::order::sort_by_key(&mut r.appointments, |a| (a.date, a.start));
        let person = r.person;
        Ok(Booked {
            chunk: self.chunk_of(person).unwrap_or_default(),
            appointment: id,
            clashes,
            lone_working,
        })
    }

    /// Takes a booking out of the diary (made in error). A marked appointment stays: its
    /// contact is part of the record.
    pub fn remove_appointment(
        &mut self,
        referral: ReferralId,
        id: AppointmentId,
    ) -> Result<u32, DiaryError> {
        let r = self
            .changeable(referral)
            .ok_or(DiaryError::NoSuchReferral)?;
        let a = r
            .appointments
            .iter()
            .find(|a| a.id == id)
            .ok_or(DiaryError::NoSuchAppointment)?;
        if r.appointment_state(a) != AppointmentState::Booked {
            return Err(DiaryError::AlreadyMarked);
        }
        let slot = crate::model::handover::Slot {
            date: a.date,
            start: a.start.format("%H:%M").to_string(),
            minutes: a.minutes,
        };
        r.appointments.retain(|a| a.id != id);
        r.mark_removed(crate::model::handover::Removed {
            slot: Some(slot),
            ..crate::model::handover::Removed::part("appointments", id)
        });
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Marks what became of an appointment, recording exactly one contact with its date,
    /// mode and minutes (none for a missed or cancelled one). Attended or missed can be
    /// marked from its day on; it can be cancelled before, and the contact is then dated
    /// the day it was cancelled.
    pub fn mark_appointment(
        &mut self,
        referral: ReferralId,
        id: AppointmentId,
        outcome: ContactOutcome,
        today: NaiveDate,
    ) -> Result<Marked, Vec<DiaryError>> {
        let r = self
            .referrals
            .get(&referral)
            .ok_or_else(|| vec![DiaryError::NoSuchReferral])?;
        let a = r
            .appointments
            .iter()
            .find(|a| a.id == id)
            .ok_or_else(|| vec![DiaryError::NoSuchAppointment])?;
        if r.appointment_state(a) != AppointmentState::Booked {
            return Err(vec![DiaryError::AlreadyMarked]);
        }
        let cancelled = matches!(
            outcome,
            ContactOutcome::CancelledByPerson | ContactOutcome::CancelledByLinkWorker
        );
        if a.date > today && !cancelled {
            return Err(vec![DiaryError::NotYet(a.date)]);
        }
        let contact = ContactDraft {
            date: a.date.min(today).format("%Y-%m-%d").to_string(),
            mode: a.mode.clone(),
            minutes: if outcome == ContactOutcome::Attended {
                a.minutes.to_string()
            } else {
                "0".into()
            },
            outcome,
            note: String::new(),
        };
        let new_id = ContactId::new();
        let chunk = self
            .add_contact_as(referral, new_id, &contact, today)
            .map_err(|e| {
                e.into_iter()
                    .map(|e| match e {
                        crate::work::journey::JourneyError::EpisodeEnded => {
                            DiaryError::EpisodeEnded
                        }
                        crate::work::journey::JourneyError::ModeUnknown => DiaryError::ModeUnknown,
                        crate::work::journey::JourneyError::DateTooEarly(d) => {
                            DiaryError::DateTooEarly(d)
                        }
                        _ => DiaryError::NoSuchAppointment,
                    })
                    .collect::<Vec<_>>()
            })?;
        let r = self
            .changeable(referral)
            .ok_or_else(|| vec![DiaryError::NoSuchReferral])?;
        if let Some(a) = r.appointments.iter_mut().find(|a| a.id == id) {
            a.contact = Some(new_id);
        }
        Ok(Marked {
            chunk,
            contact: new_id,
        })
    }

    fn tasks_mut(&mut self, owner: TaskOwner) -> Result<&mut Vec<Task>, DiaryError> {
        match owner {
            TaskOwner::Workspace => Ok(&mut self.tasks),
            TaskOwner::Referral(id) => self
                .changeable(id)
                .map(|r| &mut r.tasks)
                .ok_or(DiaryError::NoSuchReferral),
        }
    }

    /// Where a task list is stored.
    pub fn task_key(&self, owner: TaskOwner) -> StoreKey {
        match owner {
            TaskOwner::Workspace => StoreKey::Tasks,
            TaskOwner::Referral(id) => StoreKey::Records(
                self.referrals
                    .get(&id)
                    .and_then(|r| self.chunk_of(r.person))
                    .unwrap_or_default(),
            ),
        }
    }

    /// Adds a task. Returns its id.
    pub fn add_task(
        &mut self,
        owner: TaskOwner,
        draft: &TaskDraft,
    ) -> Result<TaskId, Vec<DiaryError>> {
        let (text, due) = draft.validate()?;
        let tasks = self.tasks_mut(owner).map_err(|e| vec![e])?;
        let id = TaskId::new();
        tasks.push(Task {
            id,
            text,
            due,
            done: None,
        });
        Ok(id)
    }

    /// Ticks a task done today, or back to not done.
    pub fn set_task_done(
        &mut self,
        owner: TaskOwner,
        id: TaskId,
        done: bool,
        today: NaiveDate,
    ) -> Result<(), DiaryError> {
        let tasks = self.tasks_mut(owner)?;
        let task = tasks
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or(DiaryError::NoSuchTask)?;
        task.done = done.then_some(today);
        Ok(())
    }

    /// Removes a task added by mistake.
    pub fn remove_task(&mut self, owner: TaskOwner, id: TaskId) -> Result<(), DiaryError> {
        let tasks = self.tasks_mut(owner)?;
        let before = tasks.len();
        tasks.retain(|t| t.id != id);
        if tasks.len() == before {
            return Err(DiaryError::NoSuchTask);
        }
        if let TaskOwner::Referral(referral) = owner {
            if let Some(r) = self.changeable(referral) {
                r.mark_removed(crate::model::handover::Removed::part("tasks", id));
            }
        }
        Ok(())
    }
}

/// Longest case note, in characters.
pub const MAX_NOTE_LEN: usize = 2000;
/// Most minutes a case note can record.
pub const MAX_NOTE_MINUTES: u32 = 600;

/// What the case-note form holds, as typed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoteDraft {
    /// ISO date.
    pub date: String,
    pub kind: NoteKind,
    /// Whole minutes, or empty for none.
    pub minutes: String,
    pub text: String,
}

impl NoteDraft {
    /// Today, work on their behalf, no minutes yet.
    pub fn new(today: NaiveDate) -> Self {
        Self {
            date: today.format("%Y-%m-%d").to_string(),
            kind: NoteKind::OnBehalf,
            minutes: String::new(),
            text: String::new(),
        }
    }

    /// Checks every field against the referral; the note is not yet given an id.
    pub fn validate(
        &self,
        ws: &Workspace,
        referral: ReferralId,
        today: NaiveDate,
    ) -> Result<CaseNote, Vec<DiaryError>> {
        let r = ws
            .referrals
            .get(&referral)
            .ok_or_else(|| vec![DiaryError::NoSuchReferral])?;
        let mut errors = Vec::new();
        let date = match self.date.trim() {
            "" => Err(DiaryError::DateMissing),
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Err(_) => Err(DiaryError::DateInvalid),
                Ok(d) if d < r.referral_date => Err(DiaryError::DateTooEarly(r.referral_date)),
                Ok(d) if d > today => Err(DiaryError::NoteInFuture),
                Ok(d) => Ok(d),
            },
        };
        let date = date.map_err(|e| errors.push(e)).ok();
        let minutes = match self.minutes.trim() {
            "" => Some(0),
            t => match t.parse::<u32>() {
                Ok(m) if m <= MAX_NOTE_MINUTES => Some(m),
                _ => {
                    errors.push(DiaryError::NoteMinutesInvalid);
                    None
                }
            },
        };
        let text = self.text.trim();
        if text.is_empty() {
            errors.push(DiaryError::NoteMissing);
        } else if text.chars().count() > MAX_NOTE_LEN {
            errors.push(DiaryError::NoteTooLong);
        }
        match (date, minutes) {
            (Some(date), Some(minutes)) if errors.is_empty() => Ok(CaseNote {
                id: NoteId::default(),
                date,
                kind: self.kind,
                minutes,
                text: text.to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

impl Workspace {
    /// Adds a case note (also to an ended episode: "told the GP" comes after closing).
    /// Returns the chunk to save.
    pub fn add_case_note(
        &mut self,
        referral: ReferralId,
        draft: &NoteDraft,
        today: NaiveDate,
    ) -> Result<u32, Vec<DiaryError>> {
        let mut note = draft.validate(self, referral, today)?;
        let r = self
            .changeable(referral)
            .ok_or_else(|| vec![DiaryError::NoSuchReferral])?;
        note.id = NoteId::new();
        r.case_notes.push(note);
        crate::model::order::sort_by_key(&mut r.case_notes, |n| n.date);
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Removes a case note added by mistake. Returns the chunk to save.
    pub fn remove_case_note(
        &mut self,
        referral: ReferralId,
        id: NoteId,
    ) -> Result<u32, DiaryError> {
        let r = self
            .changeable(referral)
            .ok_or(DiaryError::NoSuchReferral)?;
        let before = r.case_notes.len();
        r.case_notes.retain(|n| n.id != id);
        if r.case_notes.len() == before {
            return Err(DiaryError::NoSuchNote);
        }
        r.mark_removed(crate::model::handover::Removed::part("case_notes", id));
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }
}

/// Missed appointments in a row, most recent contacts first: when it reaches
/// [`MISSED_BEFORE_CLOSING`], closing the referral is offered.
pub fn missed_in_a_row(r: &crate::model::Referral) -> usize {
    r.contacts
        .iter()
        .rev()
        .filter(|c| {
            !matches!(
                c.outcome,
                ContactOutcome::CancelledByPerson | ContactOutcome::CancelledByLinkWorker
            )
        })
        .take_while(|c| c.outcome == ContactOutcome::DidNotAttend)
        .count()
}

/// A ready-made task with these words and no due date, for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) fn task(text: &str) -> TaskDraft {
    TaskDraft {
        text: text.into(),
        due: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{one_referral_ws, today};
    use proptest::prelude::*;

    fn only(ws: &Workspace) -> ReferralId {
        *ws.referrals.keys().next().expect("one referral")
    }

    fn draft(date: &str, start: &str, minutes: &str) -> AppointmentDraft {
        AppointmentDraft {
            date: date.into(),
            start: start.into(),
            minutes: minutes.into(),
            mode: "telephone".into(),
            place: "Room 3, Hillview".into(),
        }
    }

    fn fields(errors: &[DiaryError]) -> Vec<DiaryField> {
        errors.iter().map(DiaryError::field).collect()
    }

    #[test]
    fn a_booking_is_refused_with_every_reason_next_to_its_field() {
        let ws = one_referral_ws();
        let id = only(&ws);
        let bad = AppointmentDraft {
            date: "2026-10-01".into(),
            start: "25:00".into(),
            minutes: "0".into(),
            mode: "carrier_pigeon".into(),
            place: "x".repeat(MAX_PLACE_LEN + 1),
        };
        let errors = bad.validate(&ws, id, today()).expect_err("refused");
        assert_eq!(
            fields(&errors),
            vec![
                DiaryField::Date,
                DiaryField::Start,
                DiaryField::Minutes,
                DiaryField::Mode,
                DiaryField::Place
            ]
        );
        assert!(
            errors[0].to_string().contains("2 Nov 2026"),
            "{}",
            errors[0]
        );
        // No end before its start: past midnight is refused.
        let late = draft("2026-11-23", "23:30", "45").validate(&ws, id, today());
        assert_eq!(late.expect_err("refused"), vec![DiaryError::EndsNextDay]);
        assert!(draft("2026-11-23", "23:15", "45")
            .validate(&ws, id, today())
            .is_ok());
        // More than a year ahead is refused; a year is fine.
        let far = draft("2027-11-23", "10:00", "30").validate(&ws, id, today());
        assert!(matches!(
            far.expect_err("refused")[..],
            [DiaryError::DateTooFar(_)]
        ));
        assert!(draft("2027-11-22", "10:00", "30")
            .validate(&ws, id, today())
            .is_ok());
        for (text, error) in [
            ("", DiaryError::DateMissing),
            ("31/02/2026", DiaryError::DateInvalid),
        ] {
            let mut d = draft("", "10:00", "30");
            d.date = text.into();
            assert_eq!(d.validate(&ws, id, today()), Err(vec![error]));
        }
    }

    #[test]
    fn clashes_are_warned_about_not_refused_and_cancelled_ones_do_not_clash() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        let first = ws
            .book_appointment(id, &draft("2026-11-24", "10:00", "60"), today())
            .expect("booked");
        assert!(first.clashes.is_empty());
        let second = ws
            .book_appointment(id, &draft("2026-11-24", "10:30", "30"), today())
            .expect("booked, with a warning");
        assert_eq!(second.clashes.len(), 1);
        assert_eq!(second.clashes[0].reference, "RV-0001");
        let touching = ws
            .book_appointment(id, &draft("2026-11-24", "11:00", "30"), today())
            .expect("booked");
        assert!(
            touching.clashes.is_empty(),
            "11:00 starts as 10:00's hour ends"
        );
        ws.mark_appointment(
            id,
            first.appointment,
            ContactOutcome::CancelledByLinkWorker,
            today(),
        )
        .expect("cancelled ahead");
        let start = NaiveTime::from_hms_opt(10, 25, 0).expect("time");
        let now = ws.clashes("2026-11-24".parse().expect("date"), start, 10, None);
        assert_eq!(now.len(), 1, "only the 10:30, not the cancelled 10:00");
    }

    #[test]
    fn marking_records_exactly_one_contact_with_the_booking_filled_in() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        let booked = ws
            .book_appointment(id, &draft("2026-11-20", "09:30", "45"), today())
            .expect("booked");
        let marked = ws
            .mark_appointment(id, booked.appointment, ContactOutcome::Attended, today())
            .expect("marked");
        let r = &ws.referrals[&id];
        assert_eq!(r.contacts.len(), 1);
        let c = &r.contacts[0];
        assert_eq!(c.id, marked.contact);
        assert_eq!(
            (c.date.to_string(), c.mode.as_str(), c.minutes, c.outcome),
            (
                "2026-11-20".to_owned(),
                "telephone",
                45,
                ContactOutcome::Attended
            )
        );
        assert!(c.note.is_empty(), "nothing is made up for the note");
        assert_eq!(
            r.status,
            crate::model::ReferralStatus::Active,
            "seen: active"
        );
        // Marking again records nothing more.
        let again = ws.mark_appointment(
            id,
            booked.appointment,
            ContactOutcome::DidNotAttend,
            today(),
        );
        assert_eq!(again, Err(vec![DiaryError::AlreadyMarked]));
        assert_eq!(ws.referrals[&id].contacts.len(), 1);
        // A booking ahead cannot be attended yet, but can be cancelled; the contact is dated today.
        let ahead = ws
            .book_appointment(id, &draft("2026-11-26", "09:30", "45"), today())
            .expect("booked");
        assert_eq!(
            ws.mark_appointment(id, ahead.appointment, ContactOutcome::DidNotAttend, today()),
            Err(vec![DiaryError::NotYet(
                "2026-11-26".parse().expect("date")
            )])
        );
        ws.mark_appointment(
            id,
            ahead.appointment,
            ContactOutcome::CancelledByPerson,
            today(),
        )
        .expect("cancelled");
        let cancelled = ws.referrals[&id].contacts.last().expect("contact").clone();
        assert_eq!((cancelled.date, cancelled.minutes), (today(), 0));
        // Removing the contact puts the appointment back to be marked; a marked one cannot
        // be removed from the diary.
        assert_eq!(
            ws.remove_appointment(id, booked.appointment),
            Err(DiaryError::AlreadyMarked)
        );
        ws.remove_contact(id, marked.contact).expect("removed");
        let r = &ws.referrals[&id];
        assert_eq!(
            r.appointment_state(&r.appointments[0]),
            AppointmentState::Booked
        );
        ws.remove_appointment(id, booked.appointment)
            .expect("removed");
    }

    #[test]
    fn three_missed_in_a_row_are_counted_and_an_attended_one_resets_them() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        for (day, outcome) in [
            ("2026-11-05", ContactOutcome::Attended),
            ("2026-11-10", ContactOutcome::DidNotAttend),
            ("2026-11-12", ContactOutcome::CancelledByPerson),
            ("2026-11-14", ContactOutcome::DidNotAttend),
        ] {
            let b = ws
                .book_appointment(id, &draft(day, "10:00", "30"), today())
                .expect("booked");
            ws.mark_appointment(id, b.appointment, outcome, today())
                .expect("marked");
        }
        assert_eq!(
            missed_in_a_row(&ws.referrals[&id]),
            2,
            "a cancellation is not a miss"
        );
        let b = ws
            .book_appointment(id, &draft("2026-11-19", "10:00", "30"), today())
            .expect("booked");
        ws.mark_appointment(id, b.appointment, ContactOutcome::DidNotAttend, today())
            .expect("marked");
        assert_eq!(missed_in_a_row(&ws.referrals[&id]), MISSED_BEFORE_CLOSING);
    }

    #[test]
    fn tasks_are_checked_ticked_and_kept_per_owner() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        let owner = TaskOwner::Referral(id);
        assert_eq!(
            ws.add_task(owner, &TaskDraft::default()),
            Err(vec![DiaryError::TextMissing])
        );
        let long = TaskDraft {
            text: "x".repeat(MAX_TASK_LEN + 1),
            due: "2026-13-01".into(),
        };
        assert_eq!(
            ws.add_task(owner, &long),
            Err(vec![DiaryError::TextTooLong, DiaryError::DueInvalid])
        );
        let t = ws
            .add_task(
                owner,
                &TaskDraft {
                    text: "  Ring the GP  ".into(),
                    due: "2026-11-20".into(),
                },
            )
            .expect("added");
        assert_eq!(ws.referrals[&id].tasks[0].text, "Ring the GP");
        assert!(ws.referrals[&id].tasks[0].overdue(today()));
        ws.set_task_done(owner, t, true, today()).expect("ticked");
        assert_eq!(ws.referrals[&id].tasks[0].done, Some(today()));
        assert!(!ws.referrals[&id].tasks[0].overdue(today()));
        ws.set_task_done(owner, t, false, today())
            .expect("unticked");
        assert_eq!(ws.referrals[&id].tasks[0].done, None);
        let w = ws
            .add_task(
                TaskOwner::Workspace,
                &TaskDraft {
                    text: "Chase housing".into(),
                    due: String::new(),
                },
            )
            .expect("added");
        assert_eq!(ws.task_key(TaskOwner::Workspace), StoreKey::Tasks);
        assert_eq!(ws.tasks.len(), 1);
        ws.remove_task(TaskOwner::Workspace, w).expect("removed");
        assert_eq!(
            ws.remove_task(TaskOwner::Workspace, w),
            Err(DiaryError::NoSuchTask)
        );
    }

    #[test]
    fn case_notes_are_checked_kept_in_date_order_and_allowed_after_closing() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        let draft = |date: &str, minutes: &str, text: &str| NoteDraft {
            date: date.into(),
            kind: NoteKind::OnBehalf,
            minutes: minutes.into(),
            text: text.into(),
        };
        let bad = ws.add_case_note(id, &draft("2026-12-01", "700", ""), today());
        let fields: Vec<DiaryField> = bad
            .expect_err("refused")
            .iter()
            .map(DiaryError::field)
            .collect();
        assert_eq!(
            fields,
            vec![DiaryField::Date, DiaryField::Minutes, DiaryField::Text]
        );
        let early = ws.add_case_note(id, &draft("2026-10-01", "", "x"), today());
        assert!(matches!(
            early.expect_err("refused")[..],
            [DiaryError::DateTooEarly(_)]
        ));
        ws.add_case_note(
            id,
            &draft("2026-11-20", "25", "  Called the housing team  "),
            today(),
        )
        .expect("added");
        ws.add_case_note(
            id,
            &draft("2026-11-10", "", "Said the flat is damp"),
            today(),
        )
        .expect("added");
        let notes = &ws.referrals[&id].case_notes;
        assert_eq!(notes[0].text, "Said the flat is damp", "in date order");
        assert_eq!(
            (notes[1].minutes, notes[1].text.as_str()),
            (25, "Called the housing team")
        );
        ws.change_status(
            id,
            crate::work::journey::Transition::Decline {
                note: String::new(),
            },
            "2026-11-21",
            today(),
        )
        .expect("declined");
        ws.add_case_note(id, &draft("2026-11-21", "5", "Told the GP"), today())
            .expect("a note after the episode ended");
        let first = ws.referrals[&id].case_notes[0].id;
        ws.remove_case_note(id, first).expect("removed");
        assert_eq!(ws.remove_case_note(id, first), Err(DiaryError::NoSuchNote));
        assert_eq!(ws.referrals[&id].case_notes.len(), 2);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Marking any mix of appointments records one contact per mark, never more.
        #[test]
        fn each_mark_records_one_contact(marks in proptest::collection::vec((0usize..6, 0usize..4), 0..12)) {
            let mut ws = one_referral_ws();
            let id = only(&ws);
            let mut booked = Vec::new();
            for day in 10..16 {
                let b = ws
                    .book_appointment(id, &draft(&format!("2026-11-{day}"), "10:00", "30"), today())
                    .expect("booked");
                booked.push(b.appointment);
            }
            let mut marked = std::collections::BTreeSet::new();
            for (which, outcome) in marks {
                let outcome = <ContactOutcome as crate::model::Choice>::ALL[outcome];
                let result = ws.mark_appointment(id, booked[which], outcome, today());
                prop_assert_eq!(result.is_ok(), marked.insert(which));
            }
            let r = &ws.referrals[&id];
            prop_assert_eq!(r.contacts.len(), marked.len());
            let linked: std::collections::BTreeSet<_> = r.appointments.iter().filter_map(|a| a.contact).collect();
            prop_assert_eq!(linked.len(), marked.len());
        }
    }
}
