//! What a handover leaves on a record: the sender's mark ("handed over to … on …"), where a
//! record came from ("handed over by … on …", and what the sender added or changed), the
//! versions a record has been exchanged in (its lineage), and values changed in two places.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The sender's mark on a referral handed to a colleague: from then on it is read-only here
/// and out of the open caseload, until it comes back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandedOver {
    /// The colleague's workspace label, as the sender typed it.
    pub to: String,
    pub on: NaiveDate,
}

/// How a record arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrival {
    /// New here: handed over by a colleague.
    HandedOver,
    /// Known here already (handed back after cover, or handed over again): it was updated.
    HandedBack,
}

/// Where a record came from: "handed over by <from> on <on>", with the parts the sender
/// added or changed since this workspace last had it ("contacts/4", "status"), so the
/// timeline can show them with their provenance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub from: String,
    pub on: NaiveDate,
    pub arrival: Arrival,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<String>,
    /// Anything the receiver should know, in words (a reference that had to change).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Provenance {
    /// "Handed over by Sam (Riverside) on 3 December 2026" (the date as the caller words it).
    pub fn words(&self, date: &str) -> String {
        match self.arrival {
            Arrival::HandedOver => format!("Handed over by {} on {date}", self.from),
            Arrival::HandedBack => format!("Handed back by {} on {date}", self.from),
        }
    }

    /// Whether this arrival added or changed the part named `part` ("contacts/4").
    pub fn touched(&self, part: &str) -> bool {
        self.parts.iter().any(|p| p == part)
    }

    /// "Recorded by Jo (Hillview), received 3 Dec 2026", for a part this arrival brought.
    pub fn recorded_words(&self, date: &str) -> String {
        format!("Recorded by {}, received {date}", self.from)
    }
}

impl crate::model::Referral {
    /// The latest arrival that added or changed `part` ("contacts/4", "risks/2"), if any.
    pub fn recorded_by(&self, part: &str) -> Option<&Provenance> {
        self.arrived.iter().rev().find(|a| a.touched(part))
    }
}

/// One version of a record's content, as a 64-bit hash (16 hex digits when stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rev(pub u64);

crate::model::hex64_serde!(Rev, "a version is 16 hex digits");

/// An entry taken out of a record (a booking made in error, a task or note removed): kept as
/// a mark for as long as the record is kept, so that no copy of the record made before the
/// removal (a colleague's, another PC's, an older file) can bring the entry back.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Removed {
    /// The entry, as parts are named: "tasks/<id>".
    pub part: String,
    /// For a booked appointment, when it was booked for: calendar files made after the
    /// removal still carry it, cancelled, so calendars that have it take it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<Slot>,
}

/// When a removed appointment was booked for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Slot {
    pub date: NaiveDate,
    /// "HH:MM", local time.
    pub start: String,
    pub minutes: u32,
}

impl Removed {
    /// The mark for entry `id` of list `field`.
    pub fn part(field: &str, id: impl std::fmt::Display) -> Self {
        Self {
            part: format!("{field}/{id}"),
            slot: None,
        }
    }
}

/// One of two values a field or part had in two places.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// The workspace label of where this value was made.
    pub from: String,
    /// The day that copy was last changed, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<NaiveDate>,
    /// The value, as stored.
    pub value: serde_json::Value,
}

/// A field (or one part of a list, such as one contact) changed in two places before the
/// record was merged: both values are kept here, the record shows one of them, and the
/// person chooses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The stored field's name ("notes", "contacts").
    pub field: String,
    /// For a part of a list, its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<serde_json::Value>,
    /// For one field of that part (changed differently in two places, while its other
    /// fields merged), the field's name; the values are then that field's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Both values, in a fixed order (so merging is the same whichever side starts).
    pub values: Vec<Variant>,
}

impl Conflict {
    /// The part's name, as provenance and the screen use it: "notes", "contacts/4".
    pub fn part(&self) -> String {
        match &self.item {
            Some(id) => format!("{}/{}", self.field, plain(id)),
            None => self.field.clone(),
        }
    }
}

/// A JSON value as words without quotes (ids, short values).
pub fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
