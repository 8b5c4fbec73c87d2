//! The link worker's diary and to-do list: booked appointments and tasks, the data only.
//! A referral holds its own appointments and tasks; tasks that are not about one person
//! are the workspace's own.

use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::model::{entry_id, ContactId, ContactOutcome, Referral};

/// Longest task, in characters.
pub const MAX_TASK_LEN: usize = 200;

entry_id!(
    /// Identifies one booked appointment within its referral.
    AppointmentId
);
entry_id!(
    /// Identifies one task within its referral, or within the workspace's own tasks.
    TaskId
);

/// A meeting booked ahead with the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: AppointmentId,
    pub date: NaiveDate,
    /// Local time of day it starts, to the minute.
    #[serde(with = "hours_minutes")]
    pub start: NaiveTime,
    /// Expected length.
    pub minutes: u32,
    /// Id of an item in [`crate::model::lists::Lists::contact_modes`].
    pub mode: String,
    /// Where, in a few words ("Room 3, Hillview").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// The contact that recorded what happened, once it has been marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactId>,
}

impl Appointment {
    /// Minutes from midnight that it starts and ends.
    pub fn span(&self) -> (u32, u32) {
        let start = self.start.hour() * 60 + self.start.minute();
        (start, start + self.minutes)
    }
}

/// Something to do, with an optional due date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// The day it was ticked done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<NaiveDate>,
}

impl Task {
    /// Not done, and due before `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.done.is_none() && self.due.is_some_and(|d| d < today)
    }
}

entry_id!(
    /// Identifies one case note within its referral.
    NoteId
);

/// What a case note records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Work on the person's behalf: called the housing team, wrote to the benefits office.
    OnBehalf,
    /// A note, such as what the person said.
    Note,
    /// Discussed in supervision.
    Supervision,
}

crate::model::choice!(NoteKind {
    OnBehalf => "on_behalf", "Work on their behalf";
    Note => "note", "Note";
    Supervision => "supervision", "Discussed in supervision";
});

/// A dated note on a referral, with the minutes it took (counted as time for the person
/// when it was work on their behalf).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNote {
    pub id: NoteId,
    pub date: NaiveDate,
    pub kind: NoteKind,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub minutes: u32,
    pub text: String,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What became of a booked appointment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AppointmentState {
    /// Not yet marked.
    Booked,
    /// Marked: the outcome of the contact that recorded it.
    Marked(ContactOutcome),
}

impl Referral {
    /// What became of an appointment: the outcome of its contact, if that contact is
    /// still there.
    pub fn appointment_state(&self, a: &Appointment) -> AppointmentState {
        a.contact
            .and_then(|id| self.contacts.iter().find(|c| c.id == id))
            .map_or(AppointmentState::Booked, |c| {
                AppointmentState::Marked(c.outcome)
            })
    }

    /// Tasks not yet done, earliest due first (undated last).
    pub fn open_tasks(&self) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(|t| t.done.is_none())
    }

    /// The earliest due date of a task not yet done.
    pub fn next_due(&self) -> Option<NaiveDate> {
        self.open_tasks().filter_map(|t| t.due).min()
    }

    /// The next booked appointment on or after `today`, not yet marked.
    pub fn next_appointment(&self, today: NaiveDate) -> Option<&Appointment> {
        self.appointments
            .iter()
            .filter(|a| a.date >= today && a.contact.is_none())
            .min_by_key(|a| (a.date, a.start))
    }
}

/// Times stored as "HH:MM".
mod hours_minutes {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveTime::parse_from_str(&text, "%H:%M")
            .map_err(|_| serde::de::Error::custom("a time is written as hours and minutes, 09:30"))
    }
}
