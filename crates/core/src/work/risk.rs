//! The rules of the risk log: raising a concern, closing it with how it was resolved.

use std::fmt;

use chrono::NaiveDate;

use crate::model::lists::ListKind;
use crate::model::risk::{RiskClosure, RiskEntry, RiskId, MAX_RISK_TEXT};
use crate::model::{ReferralId, Workspace};

/// A concern as typed into the form; every field as text, so a half-filled form can be kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RiskDraft {
    /// ISO date.
    pub date: String,
    /// Id of an item in the kinds of risk.
    pub kind: String,
    pub concern: String,
    pub action: String,
    /// Ids of items in the list of who was told.
    pub told: Vec<String>,
    /// The concern being corrected, when the form is correcting one rather than logging a
    /// new one (kept with the rest of the form over a lock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editing: Option<RiskId>,
}

/// Closing a concern, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CloseRiskDraft {
    /// ISO date.
    pub date: String,
    pub resolution: String,
}

/// The fields a risk error belongs next to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RiskField {
    Date,
    Kind,
    Concern,
    Action,
    Told,
    Resolution,
    Form,
}

/// Why a concern could not be logged or closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RiskError {
    NoSuchReferral,
    NoSuchEntry,
    AlreadyClosed,
    DateMissing,
    DateInvalid,
    DateInFuture,
    /// Before the concern was raised (when closing).
    BeforeRaised(NaiveDate),
    /// A closed concern's date raised moved after the day it was closed.
    AfterClosed(NaiveDate),
    KindMissing,
    KindUnknown,
    ConcernMissing,
    TooLong(RiskField),
    ToldUnknown,
    ResolutionMissing,
}

impl RiskError {
    /// The field the error belongs next to.
    pub fn field(&self) -> RiskField {
        match self {
            Self::DateMissing
            | Self::DateInvalid
            | Self::DateInFuture
            | Self::BeforeRaised(_)
            | Self::AfterClosed(_) => RiskField::Date,
            Self::KindMissing | Self::KindUnknown => RiskField::Kind,
            Self::ConcernMissing => RiskField::Concern,
            Self::TooLong(field) => *field,
            Self::ToldUnknown => RiskField::Told,
            Self::ResolutionMissing => RiskField::Resolution,
            Self::NoSuchReferral | Self::NoSuchEntry | Self::AlreadyClosed => RiskField::Form,
        }
    }
}

impl fmt::Display for RiskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchReferral => f.write_str("That referral is no longer in the workspace."),
            Self::NoSuchEntry => f.write_str("That concern is no longer in the risk log."),
            Self::AlreadyClosed => f.write_str("That concern is already closed."),
            Self::DateMissing => f.write_str("Enter the date."),
            Self::DateInvalid => f.write_str("Enter a real date, for example 27/11/2026."),
            Self::DateInFuture => f.write_str("The date cannot be in the future."),
            Self::BeforeRaised(d) => write!(
                f,
                "A concern cannot be closed before it was raised ({}).",
                d.format("%-d %b %Y")
            ),
            Self::AfterClosed(d) => write!(
                f,
                "It was closed on {}: it cannot have been raised after that.",
                d.format("%-d %b %Y")
            ),
            Self::KindMissing => f.write_str("Choose the kind of risk."),
            Self::KindUnknown => {
                f.write_str("That kind of risk is not in the list any more: choose another.")
            }
            Self::ConcernMissing => f.write_str("Say in a few words what the concern is."),
            Self::TooLong(_) => write!(f, "Keep this under {MAX_RISK_TEXT} characters."),
            Self::ToldUnknown => {
                f.write_str("One of the people told is not in the list any more: untick it.")
            }
            Self::ResolutionMissing => f.write_str("Say in a line how it was resolved."),
        }
    }
}

/// The first message that belongs next to `field`.
pub fn risk_message(errors: &[RiskError], field: RiskField) -> Option<String> {
    crate::work::message_next_to(errors, field, RiskError::field)
}

fn text(value: &str, field: RiskField, errors: &mut Vec<RiskError>) -> String {
    let value = value.trim();
    if value.chars().count() > MAX_RISK_TEXT {
        errors.push(RiskError::TooLong(field));
    }
    value.to_owned()
}

fn day(value: &str, today: NaiveDate, errors: &mut Vec<RiskError>) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        errors.push(RiskError::DateMissing);
        return None;
    }
    match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        Ok(d) if d > today => {
            errors.push(RiskError::DateInFuture);
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(RiskError::DateInvalid);
            None
        }
    }
}

impl RiskDraft {
    /// A new concern, dated today.
    pub fn new(today: NaiveDate) -> Self {
        Self {
            date: today.format("%Y-%m-%d").to_string(),
            ..Self::default()
        }
    }

    /// The form filled with an entry, to correct it.
    pub fn of(entry: &RiskEntry) -> Self {
        Self {
            date: entry.date.format("%Y-%m-%d").to_string(),
            kind: entry.kind.clone(),
            concern: entry.concern.clone(),
            action: entry.action.clone(),
            told: entry.told.clone(),
            editing: Some(entry.id),
        }
    }

    /// Checks the draft against the workspace's lists.
    pub fn validate(&self, ws: &Workspace, today: NaiveDate) -> Result<RiskEntry, Vec<RiskError>> {
        let mut errors = Vec::new();
        let date = day(&self.date, today, &mut errors);
        let lists = &ws.settings.lists;
        let known = |kind: ListKind, id: &str| lists.get(kind).iter().any(|i| i.id == id);
        if self.kind.is_empty() {
            errors.push(RiskError::KindMissing);
        } else if !known(ListKind::RiskKinds, &self.kind) {
            errors.push(RiskError::KindUnknown);
        }
        let concern = text(&self.concern, RiskField::Concern, &mut errors);
        if concern.is_empty() {
            errors.push(RiskError::ConcernMissing);
        }
        let action = text(&self.action, RiskField::Action, &mut errors);
        if self.told.iter().any(|t| !known(ListKind::RiskTold, t)) {
            errors.push(RiskError::ToldUnknown);
        }
        let mut told = self.told.clone();
        told.dedup();
        match date {
            Some(date) if errors.is_empty() => Ok(RiskEntry {
                id: RiskId::default(),
                date,
                kind: self.kind.clone(),
                concern,
                action,
                told,
                closed: None,
            }),
            _ => Err(errors),
        }
    }
}

impl Workspace {
    /// Adds a concern to a referral's risk log, open. Returns the chunk to save.
    pub fn log_risk(
        &mut self,
        referral: ReferralId,
        draft: &RiskDraft,
        today: NaiveDate,
    ) -> Result<u32, Vec<RiskError>> {
        let mut entry = draft.validate(self, today)?;
        let r = self
            .changeable(referral)
            .ok_or_else(|| vec![RiskError::NoSuchReferral])?;
        entry.id = RiskId::new();
        r.risks.push(entry);
        crate::model::order::sort_by_key(&mut r.risks, |e| (e.date, e.id));
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Corrects a concern: its date, kind, words, what was done and who was told (whether it
    /// is open stays as it is). Each change goes into the referral's edit history, by the
    /// workspace's label, so a safeguarding record can be audited. Returns the chunk to save.
    pub fn edit_risk(
        &mut self,
        referral: ReferralId,
        id: RiskId,
        draft: &RiskDraft,
        today: NaiveDate,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<u32, Vec<RiskError>> {
        let mut fixed = draft.validate(self, today)?;
        let lists = &self.settings.lists;
        let told_words = |told: &[String]| {
            told.iter()
                .map(|t| lists.label(ListKind::RiskTold, t))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let r = self
            .referrals
            .get(&referral)
            .ok_or_else(|| vec![RiskError::NoSuchReferral])?;
        let entry = r
            .risks
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| vec![RiskError::NoSuchEntry])?;
        if let Some(d) = entry
            .closed
            .as_ref()
            .map(|c| c.date)
            .filter(|d| fixed.date > *d)
        {
            return Err(vec![RiskError::AfterClosed(d)]);
        }
        let day = |d: NaiveDate| d.format("%-d %b %Y").to_string();
        let changes: Vec<(&str, String, String)> = [
            ("date raised", day(entry.date), day(fixed.date)),
            (
                "kind",
                lists.label(ListKind::RiskKinds, &entry.kind).to_owned(),
                lists.label(ListKind::RiskKinds, &fixed.kind).to_owned(),
            ),
            (
                "what the concern is",
                entry.concern.clone(),
                fixed.concern.clone(),
            ),
            ("what was done", entry.action.clone(), fixed.action.clone()),
            (
                "who was told",
                told_words(&entry.told),
                told_words(&fixed.told),
            ),
        ]
        .into_iter()
        .filter(|(_, from, to)| from != to)
        .collect();
        let title = format!("Concern raised {}", day(entry.date));
        let by = self.editor.clone();
        let r = self
            .changeable(referral)
            .ok_or_else(|| vec![RiskError::NoSuchReferral])?;
        for (field, from, to) in changes {
            r.edits.push(crate::model::audit::FactEdit {
                at,
                by: by.clone(),
                field: format!("{title}: {field}"),
                from,
                to,
            });
        }
        if let Some(entry) = r.risks.iter_mut().find(|e| e.id == id) {
            fixed.id = id;
            fixed.closed = entry.closed.take();
            *entry = fixed;
        }
        crate::model::order::sort_by_key(&mut r.risks, |e| (e.date, e.id));
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Closes an open concern with its date and how it was resolved. The entry stays in
    /// the log. Returns the chunk to save.
    pub fn close_risk(
        &mut self,
        referral: ReferralId,
        id: RiskId,
        draft: &CloseRiskDraft,
        today: NaiveDate,
    ) -> Result<u32, Vec<RiskError>> {
        let r = self
            .changeable(referral)
            .ok_or_else(|| vec![RiskError::NoSuchReferral])?;
        let entry = r
            .risks
            .iter_mut()
            .find(|e| e.id == id)
            .ok_or_else(|| vec![RiskError::NoSuchEntry])?;
        if entry.closed.is_some() {
            return Err(vec![RiskError::AlreadyClosed]);
        }
        let mut errors = Vec::new();
        let date = day(&draft.date, today, &mut errors);
        if date.is_some_and(|d| d < entry.date) {
            errors.push(RiskError::BeforeRaised(entry.date));
        }
        let resolution = text(&draft.resolution, RiskField::Resolution, &mut errors);
        if resolution.is_empty() {
            errors.push(RiskError::ResolutionMissing);
        }
        match date {
            Some(date) if errors.is_empty() => {
                entry.closed = Some(RiskClosure { date, resolution });
                let person = r.person;
                Ok(self.chunk_of(person).unwrap_or_default())
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{one_referral_ws, today};

    fn one_referral() -> (Workspace, ReferralId) {
        let ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one referral");
        (ws, id)
    }

    fn concern(kind: &str) -> RiskDraft {
        RiskDraft {
            kind: kind.into(),
            concern: "Neighbour's dog is loose in the garden.".into(),
            action: "Told the practice.".into(),
            told: vec!["safeguarding_lead".into()],
            ..RiskDraft::new(today())
        }
    }

    #[test]
    fn an_open_concern_is_a_flag_until_it_is_closed_with_a_resolution() {
        let (mut ws, id) = one_referral();
        ws.log_risk(id, &concern("safeguarding"), today())
            .expect("logged");
        let r = &ws.referrals[&id];
        assert_eq!(r.risk_flags(), ["safeguarding"]);
        let badges = r.risk_badges(&ws.settings.lists);
        assert_eq!(badges[0].label, "Safeguarding");
        let entry = r.risks[0].id;
        // Closing needs a line on how it was resolved, and a date no earlier than raised.
        let errors = ws
            .close_risk(
                id,
                entry,
                &CloseRiskDraft {
                    date: "2020-01-01".into(),
                    resolution: " ".into(),
                },
                today(),
            )
            .expect_err("refused");
        assert_eq!(
            errors.iter().map(RiskError::field).collect::<Vec<_>>(),
            [RiskField::Date, RiskField::Resolution]
        );
        assert_eq!(ws.referrals[&id].risk_flags().len(), 1, "still open");
        ws.close_risk(
            id,
            entry,
            &CloseRiskDraft {
                date: today().format("%Y-%m-%d").to_string(),
                resolution: "Moved to a new flat.".into(),
            },
            today(),
        )
        .expect("closed");
        let r = &ws.referrals[&id];
        assert!(r.risk_flags().is_empty());
        assert_eq!(r.risks.len(), 1, "a closed concern stays in the log");
        assert_eq!(
            ws.close_risk(id, entry, &CloseRiskDraft::default(), today()),
            Err(vec![RiskError::AlreadyClosed])
        );
    }

    #[test]
    fn a_concern_is_corrected_in_place_and_the_correction_is_audited() {
        let (mut ws, id) = one_referral();
        ws.editor = "Sam".into();
        ws.log_risk(id, &concern("safeguarding"), today())
            .expect("logged");
        let entry = ws.referrals[&id].risks[0].id;
        let fixed = RiskDraft {
            concern: "Neighbour's dog bit the postman.".into(),
            told: vec!["safeguarding_lead".into(), "police".into()],
            ..concern("safeguarding")
        };
        ws.edit_risk(id, entry, &fixed, today(), crate::testing::this_morning())
            .expect("corrected");
        let r = &ws.referrals[&id];
        assert_eq!(r.risks.len(), 1, "corrected, not added");
        assert_eq!(r.risks[0].concern, "Neighbour's dog bit the postman.");
        assert!(r.risks[0].is_open());
        let edits: Vec<(&str, &str, &str, &str)> = r
            .edits
            .iter()
            .map(|e| {
                (
                    e.field.as_str(),
                    e.from.as_str(),
                    e.to.as_str(),
                    e.by.as_str(),
                )
            })
            .collect();
        assert_eq!(
            edits,
            [
                (
                    "Concern raised 21 Nov 2026: what the concern is",
                    "Neighbour's dog is loose in the garden.",
                    "Neighbour's dog bit the postman.",
                    "Sam"
                ),
                (
                    "Concern raised 21 Nov 2026: who was told",
                    "Practice safeguarding lead",
                    "Practice safeguarding lead, Police",
                    "Sam"
                ),
            ]
        );
        // A closed concern keeps its closure; it cannot be moved to after it.
        ws.close_risk(
            id,
            entry,
            &CloseRiskDraft {
                date: today().format("%Y-%m-%d").to_string(),
                resolution: "Dog rehomed.".into(),
            },
            today(),
        )
        .expect("closed");
        ws.edit_risk(
            id,
            entry,
            &concern("safeguarding"),
            today(),
            crate::testing::this_morning(),
        )
        .expect("corrected again");
        assert!(!ws.referrals[&id].risks[0].is_open(), "still closed");
        let bad = RiskDraft {
            kind: String::new(),
            ..concern("safeguarding")
        };
        let before = ws.referrals[&id].clone();
        assert!(ws
            .edit_risk(id, entry, &bad, today(), crate::testing::this_morning())
            .is_err());
        assert_eq!(
            ws.referrals[&id], before,
            "a refused correction changes nothing"
        );
    }

    #[test]
    fn a_concern_needs_a_known_kind_words_and_a_date_not_ahead() {
        let (mut ws, id) = one_referral();
        let draft = RiskDraft {
            date: (today() + chrono::Duration::days(1))
                .format("%Y-%m-%d")
                .to_string(),
            kind: "gremlins".into(),
            concern: String::new(),
            action: "x".repeat(MAX_RISK_TEXT + 1),
            told: vec!["the_press".into()],
            editing: None,
        };
        let errors = ws.log_risk(id, &draft, today()).expect_err("refused");
        assert_eq!(
            errors.iter().map(RiskError::field).collect::<Vec<_>>(),
            [
                RiskField::Date,
                RiskField::Kind,
                RiskField::Concern,
                RiskField::Action,
                RiskField::Told
            ]
        );
        assert!(ws.referrals[&id].risks.is_empty(), "nothing half-saved");
    }

    #[test]
    fn a_home_visit_to_a_person_with_an_open_lone_working_risk_is_flagged_when_booked() {
        let (mut ws, id) = one_referral();
        let book = |ws: &mut Workspace, mode: &str| {
            let draft = crate::work::diary::AppointmentDraft {
                mode: mode.into(),
                start: "10:00".into(),
                ..crate::work::diary::AppointmentDraft::new(today(), None)
            };
            ws.book_appointment(id, &draft, today()).expect("booked")
        };
        assert!(!book(&mut ws, "home_visit").lone_working, "no risk logged");
        ws.log_risk(id, &concern("lone_working"), today())
            .expect("logged");
        assert!(book(&mut ws, "home_visit").lone_working);
        assert!(!book(&mut ws, "telephone").lone_working, "only home visits");
    }
}
