//! Recording a referral: the form's draft, its validation and saving it.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::lists::ListKind;
use crate::model::Choice;
use crate::model::{
    normalise_reference, AgeBand, EthnicGroup, Person, PersonId, PracticeId, RecordKey, Referral,
    ReferralId, ReferralStatus, Sex, Workspace,
};
use crate::store::crypto::Random;

/// Longest accepted person reference, in characters.
pub const MAX_REFERENCE_LEN: usize = 40;
/// Longest accepted referral note, in characters.
pub const MAX_NOTES_LEN: usize = 4000;
/// Earliest accepted referral date.
pub const EARLIEST_REFERRAL: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("2000-01-01 is a valid date"),
};

/// What the referral form holds, as typed. Everything is plain text or a
/// choice, so a half-filled form can be kept and restored as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReferralDraft {
    pub reference: String,
    pub practice: Option<PracticeId>,
    /// ISO date, as an `<input type="date">` gives it.
    pub referral_date: String,
    pub referrer_role: String,
    pub reasons: Vec<String>,
    pub notes: String,
    pub status: Option<ReferralStatus>,
    pub age_band: Option<AgeBand>,
    pub sex: Option<Sex>,
    pub ethnic_group: Option<EthnicGroup>,
    pub deprivation_quintile: Option<u8>,
    #[serde(default)]
    pub what_matters: String,
    /// A task to add to the referral as it is saved (the form's "first task", a
    /// spreadsheet's next step); empty for none.
    #[serde(default)]
    pub next_step: String,
    /// ISO date that task is due, or empty.
    #[serde(default)]
    pub next_step_due: String,
}

impl ReferralDraft {
    /// The form moved on to `now`, the record as it is now (changed since the form opened at
    /// `opened`: a choice made between two values, a change synced from another PC): every
    /// field the person has not touched takes the record's value, and the fields they did
    /// change keep their words. So saving never writes back a value nobody chose.
    pub fn rebase(&mut self, opened: &ReferralDraft, now: &ReferralDraft) {
        fn take<T: PartialEq + Clone>(field: &mut T, opened: &T, now: &T) {
            if field == opened {
                field.clone_from(now);
            }
        }
        take(&mut self.reference, &opened.reference, &now.reference);
        take(&mut self.practice, &opened.practice, &now.practice);
        take(
            &mut self.referral_date,
            &opened.referral_date,
            &now.referral_date,
        );
        take(
            &mut self.referrer_role,
            &opened.referrer_role,
            &now.referrer_role,
        );
        take(&mut self.reasons, &opened.reasons, &now.reasons);
        take(&mut self.notes, &opened.notes, &now.notes);
        take(&mut self.status, &opened.status, &now.status);
        take(&mut self.age_band, &opened.age_band, &now.age_band);
        take(&mut self.sex, &opened.sex, &now.sex);
        take(
            &mut self.ethnic_group,
            &opened.ethnic_group,
            &now.ethnic_group,
        );
        take(
            &mut self.deprivation_quintile,
            &opened.deprivation_quintile,
            &now.deprivation_quintile,
        );
        take(
            &mut self.what_matters,
            &opened.what_matters,
            &now.what_matters,
        );
    }
}

/// The form fields that can carry an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Reference,
    Practice,
    ReferralDate,
    ReferrerRole,
    Reasons,
    Notes,
    Deprivation,
    NextStep,
    NextStepDue,
}

/// Why a referral cannot be saved, one field at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReferralError {
    ReferenceMissing,
    ReferenceTooLong,
    /// Another person already has this reference (only when editing).
    ReferenceTaken,
    PracticeMissing,
    PracticeUnknown,
    DateMissing,
    DateInvalid,
    DateInFuture,
    DateTooEarly,
    RoleMissing,
    RoleUnknown,
    ReasonMissing,
    ReasonUnknown(String),
    NotesTooLong,
    DeprivationOutOfRange,
    TaskTooLong,
    DueWithoutNextStep,
    DueInvalid,
    DueBeforeReferral,
    /// The referral date was moved after a recorded contact.
    DateAfterContacts(NaiveDate),
}

impl ReferralError {
    /// The field the error belongs next to.
    pub fn field(&self) -> Field {
        match self {
            Self::ReferenceMissing | Self::ReferenceTooLong | Self::ReferenceTaken => {
                Field::Reference
            }
            Self::PracticeMissing | Self::PracticeUnknown => Field::Practice,
            Self::DateMissing | Self::DateInvalid | Self::DateInFuture | Self::DateTooEarly => {
                Field::ReferralDate
            }
            Self::RoleMissing | Self::RoleUnknown => Field::ReferrerRole,
            Self::ReasonMissing | Self::ReasonUnknown(_) => Field::Reasons,
            Self::NotesTooLong => Field::Notes,
            Self::DeprivationOutOfRange => Field::Deprivation,
            Self::DueWithoutNextStep | Self::TaskTooLong => Field::NextStep,
            Self::DueInvalid | Self::DueBeforeReferral => Field::NextStepDue,
            Self::DateAfterContacts(_) => Field::ReferralDate,
        }
    }
}

impl fmt::Display for ReferralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReferenceMissing => {
                f.write_str("Enter a reference for the person, such as RV-0412.")
            }
            Self::ReferenceTooLong => {
                write!(
                    f,
                    "Keep the reference to {MAX_REFERENCE_LEN} characters or fewer."
                )
            }
            Self::ReferenceTaken => {
                f.write_str("Another person already has this reference. Choose a different one.")
            }
            Self::PracticeMissing => f.write_str("Choose the practice."),
            Self::PracticeUnknown => {
                f.write_str("That practice is no longer in the workspace. Choose another.")
            }
            Self::DateMissing => f.write_str("Enter the referral date."),
            Self::DateInvalid => f.write_str("Enter a real date, for example 21/11/2026."),
            Self::DateInFuture => f.write_str("The referral date cannot be in the future."),
            Self::DateTooEarly => f.write_str("The referral date must be in 2000 or later."),
            Self::RoleMissing => f.write_str("Choose who made the referral."),
            Self::RoleUnknown => {
                f.write_str("That referrer role is not in the list. Choose another.")
            }
            Self::ReasonMissing => f.write_str("Choose at least one reason for the referral."),
            Self::ReasonUnknown(id) => {
                write!(f, "The reason \u{201c}{id}\u{201d} is not in the list.")
            }
            Self::NotesTooLong => write!(f, "Keep notes to {MAX_NOTES_LEN} characters or fewer."),
            Self::DeprivationOutOfRange => {
                f.write_str("The deprivation quintile must be from 1 to 5.")
            }
            Self::TaskTooLong => write!(
                f,
                "Keep the task to {} characters or fewer.",
                crate::model::diary::MAX_TASK_LEN
            ),
            Self::DueWithoutNextStep => f.write_str("Say what the task is, or clear its date."),
            Self::DueInvalid => f.write_str("Enter a real date for the task."),
            Self::DueBeforeReferral => {
                f.write_str("The task cannot be due before the referral date.")
            }
            Self::DateAfterContacts(d) => write!(
                f,
                "A contact is recorded on {}, before this date. The referral date must be on or before the first contact.",
                d.format("%-d %b %Y")
            ),
        }
    }
}

impl std::error::Error for ReferralError {}

/// A referral that passed validation, ready to save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidReferral {
    draft: ReferralDraft,
    date: NaiveDate,
    /// A task to add: its words and due date.
    next_step: Option<(String, Option<NaiveDate>)>,
}

impl ReferralDraft {
    /// A fresh draft for a new referral: today's date and the usual practice.
    pub fn new_for(ws: &Workspace, today: NaiveDate) -> Self {
        Self {
            practice: ws.settings.default_practice(),
            referral_date: today.format("%Y-%m-%d").to_string(),
            ..Self::default()
        }
    }

    /// The draft for editing an existing referral.
    pub fn from_referral(ws: &Workspace, referral: &Referral) -> Self {
        let person = ws.people.get(&referral.person);
        Self {
            reference: person.map(|p| p.reference.clone()).unwrap_or_default(),
            practice: Some(referral.practice),
            referral_date: referral.referral_date.format("%Y-%m-%d").to_string(),
            referrer_role: referral.referrer_role.clone(),
            reasons: referral.reasons.clone(),
            notes: referral.notes.clone(),
            status: Some(referral.status),
            age_band: person.and_then(|p| p.age_band),
            sex: person.and_then(|p| p.sex),
            ethnic_group: person.and_then(|p| p.ethnic_group),
            deprivation_quintile: person.and_then(|p| p.deprivation_quintile),
            what_matters: referral.what_matters.clone(),
            next_step: String::new(),
            next_step_due: String::new(),
        }
    }

    /// Checks every field and returns all the errors at once.
    ///
    /// `editing` is the referral being edited, if any: its person may keep
    /// their reference, but may not take another person's.
    pub fn validate(
        &self,
        ws: &Workspace,
        today: NaiveDate,
        editing: Option<ReferralId>,
    ) -> Result<ValidReferral, Vec<ReferralError>> {
        let mut errors = Vec::new();
        let reference = self.reference.trim();
        if reference.is_empty() {
            errors.push(ReferralError::ReferenceMissing);
        } else if reference.chars().count() > MAX_REFERENCE_LEN {
            errors.push(ReferralError::ReferenceTooLong);
        } else if let Some(id) = editing {
            let own = ws.referrals.get(&id).map(|r| r.person);
            if let Some(other) = ws.person_by_reference(reference) {
                if Some(other.id) != own {
                    errors.push(ReferralError::ReferenceTaken);
                }
            }
        }
        match self.practice {
            None => errors.push(ReferralError::PracticeMissing),
            Some(id) => {
                let unchanged = editing
                    .and_then(|e| ws.referrals.get(&e))
                    .is_some_and(|r| r.practice == id);
                match ws.settings.practice(id) {
                    Some(p) if !p.retired || unchanged => {}
                    _ => errors.push(ReferralError::PracticeUnknown),
                }
            }
        }
        let date = match self.referral_date.trim() {
            "" => {
                errors.push(ReferralError::DateMissing);
                None
            }
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Err(_) => {
                    errors.push(ReferralError::DateInvalid);
                    None
                }
                Ok(d) if d > today => {
                    errors.push(ReferralError::DateInFuture);
                    None
                }
                Ok(d) if d < EARLIEST_REFERRAL => {
                    errors.push(ReferralError::DateTooEarly);
                    None
                }
                Ok(d) => Some(d),
            },
        };
        let lists = &ws.settings.lists;
        if self.referrer_role.is_empty() {
            errors.push(ReferralError::RoleMissing);
        } else if !lists.contains(ListKind::ReferrerRoles, &self.referrer_role) {
            errors.push(ReferralError::RoleUnknown);
        }
        if self.reasons.is_empty() {
            errors.push(ReferralError::ReasonMissing);
        } else if let Some(bad) = self
            .reasons
            .iter()
            .find(|r| !lists.contains(ListKind::Reasons, r))
        {
            errors.push(ReferralError::ReasonUnknown(bad.clone()));
        }
        if self.notes.chars().count() > MAX_NOTES_LEN {
            errors.push(ReferralError::NotesTooLong);
        }
        if self
            .deprivation_quintile
            .is_some_and(|q| !(1..=5).contains(&q))
        {
            errors.push(ReferralError::DeprivationOutOfRange);
        }
        if let (Some(d), Some(first)) = (
            date,
            editing
                .and_then(|id| ws.referrals.get(&id))
                .and_then(|r| r.contacts.iter().map(|c| c.date).min()),
        ) {
            if first < d {
                errors.push(ReferralError::DateAfterContacts(first));
            }
        }
        let step = self.next_step.trim();
        let due = match self.next_step_due.trim() {
            "" => None,
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(ReferralError::DueInvalid);
                    None
                }
            },
        };
        if step.chars().count() > crate::model::diary::MAX_TASK_LEN {
            errors.push(ReferralError::TaskTooLong);
        }
        let next_step = match (step.is_empty(), due) {
            (true, None) => None,
            (true, Some(_)) => {
                errors.push(ReferralError::DueWithoutNextStep);
                None
            }
            (false, due) => {
                if let (Some(d), Some(due)) = (date, due) {
                    if due < d {
                        errors.push(ReferralError::DueBeforeReferral);
                    }
                }
                Some((step.to_owned(), due))
            }
        };
        match date {
            Some(date) if errors.is_empty() => Ok(ValidReferral {
                draft: self.clone(),
                date,
                next_step,
            }),
            _ => Err(errors),
        }
    }
}

/// What saving a referral changed, so the caller knows what to persist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub referral: ReferralId,
    pub person: PersonId,
    /// Whether the person was new to the workspace.
    pub new_person: bool,
    /// The storage chunk holding the person and their referrals.
    pub chunk: u32,
    /// Whether the settings changed (they remember the last practice used).
    pub settings_changed: bool,
}

impl Saved {
    /// The stored documents the save changed, which are all that need writing.
    pub fn changed(&self) -> impl Iterator<Item = crate::store::format::StoreKey> {
        let settings = self
            .settings_changed
            .then_some(crate::store::format::StoreKey::Settings);
        std::iter::once(crate::store::format::StoreKey::Records(self.chunk)).chain(settings)
    }
}

impl Workspace {
    /// The referral's facts as the form names them, in words: what its edit history
    /// compares before and after an edit. Empty if there is no such referral.
    pub fn facts(&self, id: ReferralId) -> Vec<(&'static str, String)> {
        let Some(r) = self.referrals.get(&id) else {
            return Vec::new();
        };
        let lists = &self.settings.lists;
        let person = self.people.get(&r.person);
        let choice = |c: Option<&'static str>| c.unwrap_or("").to_owned();
        vec![
            ("Reference", self.reference_of(r.person).to_owned()),
            ("Practice", self.practice_name(r.practice).to_owned()),
            (
                "Referral date",
                r.referral_date.format("%-d %b %Y").to_string(),
            ),
            (
                "Referred by",
                lists
                    .label(ListKind::ReferrerRoles, &r.referrer_role)
                    .to_owned(),
            ),
            (
                "Reasons",
                r.reasons
                    .iter()
                    .map(|id| lists.label(ListKind::Reasons, id))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ("Notes", r.notes.clone()),
            ("What matters to them", r.what_matters.clone()),
            (
                "Age band",
                choice(person.and_then(|p| p.age_band).map(Choice::label)),
            ),
            ("Sex", choice(person.and_then(|p| p.sex).map(Choice::label))),
            (
                "Ethnic group",
                choice(person.and_then(|p| p.ethnic_group).map(Choice::label)),
            ),
            (
                "Deprivation quintile",
                person
                    .and_then(|p| p.deprivation_quintile)
                    .map(|q| q.to_string())
                    .unwrap_or_default(),
            ),
        ]
    }

    /// Saves a validated referral: a new one when `editing` is `None`,
    /// otherwise an update of that referral (and of its person's details).
    ///
    /// A new referral whose reference matches an existing person is added to
    /// that person's record instead of creating a duplicate.
    pub fn save_referral(
        &mut self,
        valid: ValidReferral,
        editing: Option<ReferralId>,
        now: DateTime<Utc>,
        ids: &mut dyn Random,
    ) -> Saved {
        let draft = valid.draft.clone();
        let date = valid.date;
        let before = editing.map(|id| self.facts(id));
        let reference = draft.reference.trim().to_owned();
        let existing_person = match editing.and_then(|id| self.referrals.get(&id)) {
            Some(r) => Some(r.person),
            None => self.person_by_reference(&reference).map(|p| p.id),
        };
        let (person_id, new_person) = match existing_person {
            Some(id) => (id, false),
            None => (PersonId::from_random(ids.bytes16()), true),
        };
        let person = self.people.entry(person_id).or_insert_with(|| Person {
            id: person_id,
            reference: reference.clone(),
            age_band: None,
            sex: None,
            ethnic_group: None,
            deprivation_quintile: None,
            lineage: Vec::new(),
            conflicts: Vec::new(),
        });
        if normalise_reference(&person.reference) != normalise_reference(&reference)
            || editing.is_some()
        {
            person.reference = reference;
        }
        // Details given on the form update the person; blanks on a new
        // referral for a known person keep what was recorded before.
        let overwrite = editing.is_some();
        if overwrite || draft.age_band.is_some() {
            person.age_band = draft.age_band;
        }
        if overwrite || draft.sex.is_some() {
            person.sex = draft.sex;
        }
        if overwrite || draft.ethnic_group.is_some() {
            person.ethnic_group = draft.ethnic_group;
        }
        if overwrite || draft.deprivation_quintile.is_some() {
            person.deprivation_quintile = draft.deprivation_quintile;
        }
        let practice = draft.practice.unwrap_or_else(|| {
            unreachable!("validation guarantees a practice on a valid referral")
        });
        let draft = ReferralDraft { ..draft };
        let referral_id = match editing {
            Some(id) => id,
            None => ReferralId::from_random(ids.bytes16()),
        };
        let mut key = [0u8; 8];
        ids.fill(&mut key);
        let key = RecordKey::from_random(key);
        let next_step = valid.next_step;
        let status = draft.status.unwrap_or(ReferralStatus::Referred);
        if !self.referrals.contains_key(&referral_id) {
            self.by_person.add(person_id, referral_id);
        }
        let referral = self.referrals.entry(referral_id).or_insert_with(|| {
            Referral::new(referral_id, key, person_id, practice, date, status, now)
        });
        referral.practice = practice;
        referral.referral_date = date;
        // The first status always starts on the referral date.
        if let Some(first) = referral.history.first_mut() {
            first.date = date;
        }
        referral.referrer_role = draft.referrer_role;
        referral.reasons = draft.reasons;
        referral.notes = draft.notes.trim().to_owned();
        referral.what_matters = draft.what_matters.trim().to_owned();
        if let Some((text, due)) = next_step {
            // Saved again with the same task, it is not added twice.
            let known = referral
                .open_tasks()
                .any(|t| t.text == text && t.due == due);
            if !known {
                let id = crate::model::diary::TaskId::new();
                referral.tasks.push(crate::model::diary::Task {
                    id,
                    text,
                    due,
                    done: None,
                });
            }
        }
        referral.updated = now;
        if let Some(before) = before {
            let after = self.facts(referral_id);
            let by = self.editor.clone();
            if let Some(referral) = self.referrals.get_mut(&referral_id) {
                for ((field, from), (_, to)) in before.into_iter().zip(after) {
                    if from != to {
                        referral.edits.push(crate::model::audit::FactEdit {
                            at: now,
                            by: by.clone(),
                            field: field.to_owned(),
                            from,
                            to,
                        });
                    }
                }
            }
        }
        let settings_changed = self.settings.last_practice != Some(practice);
        self.settings.last_practice = Some(practice);
        let chunk = self.place(person_id);
        Saved {
            referral: referral_id,
            person: person_id,
            new_person,
            chunk,
            settings_changed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Practice;
    use crate::testing::{practice_ws, SeqRandom};

    use crate::testing::today;

    fn now() -> DateTime<Utc> {
        today().and_hms_opt(9, 30, 0).expect("valid time").and_utc()
    }

    fn good_draft(ws: &Workspace) -> ReferralDraft {
        ReferralDraft {
            reference: "RV-0001".into(),
            referrer_role: "gp".into(),
            reasons: vec!["loneliness".into()],
            ..ReferralDraft::new_for(ws, today())
        }
    }

    fn fields(errors: &[ReferralError]) -> Vec<Field> {
        errors.iter().map(ReferralError::field).collect()
    }

    #[test]
    fn an_empty_form_names_every_required_field() {
        let ws = Workspace::new();
        let errors = ReferralDraft::default()
            .validate(&ws, today(), None)
            .expect_err("empty form is invalid");
        assert_eq!(
            fields(&errors),
            vec![
                Field::Reference,
                Field::Practice,
                Field::ReferralDate,
                Field::ReferrerRole,
                Field::Reasons
            ]
        );
    }

    #[test]
    fn a_new_draft_defaults_to_today_and_the_only_practice() {
        let ws = practice_ws();
        let draft = ReferralDraft::new_for(&ws, today());
        assert_eq!(draft.referral_date, "2026-11-21");
        assert_eq!(draft.practice, Some(ws.settings.practices[0].id));
    }

    #[test]
    fn future_and_malformed_dates_are_refused() {
        let ws = practice_ws();
        let mut draft = good_draft(&ws);
        draft.referral_date = "2026-11-22".into();
        assert_eq!(
            draft.validate(&ws, today(), None),
            Err(vec![ReferralError::DateInFuture])
        );
        draft.referral_date = "2026-02-30".into();
        assert_eq!(
            draft.validate(&ws, today(), None),
            Err(vec![ReferralError::DateInvalid])
        );
        draft.referral_date = "1999-12-31".into();
        assert_eq!(
            draft.validate(&ws, today(), None),
            Err(vec![ReferralError::DateTooEarly])
        );
    }

    #[test]
    fn unknown_practice_role_and_reason_are_refused() {
        let ws = practice_ws();
        let mut draft = good_draft(&ws);
        draft.practice = Some(PracticeId::from_random([9; 16]));
        draft.referrer_role = "astrologer".into();
        draft.reasons = vec!["loneliness".into(), "boredom".into()];
        let errors = draft.validate(&ws, today(), None).expect_err("invalid");
        assert_eq!(
            errors,
            vec![
                ReferralError::PracticeUnknown,
                ReferralError::RoleUnknown,
                ReferralError::ReasonUnknown("boredom".into())
            ]
        );
    }

    #[test]
    fn a_retired_practice_is_refused_for_new_referrals_only() {
        let mut ws = practice_ws();
        let mut ids = SeqRandom::default();
        let draft = good_draft(&ws);
        let valid = draft.validate(&ws, today(), None).expect("valid");
        let saved = ws.save_referral(valid, None, now(), &mut ids);
        ws.settings.practices[0].retired = true;
        assert_eq!(
            draft.validate(&ws, today(), None),
            Err(vec![ReferralError::PracticeUnknown])
        );
        let edit = ReferralDraft::from_referral(&ws, &ws.referrals[&saved.referral]);
        assert!(edit.validate(&ws, today(), Some(saved.referral)).is_ok());
    }

    #[test]
    fn each_new_referral_gets_its_own_record_key_and_an_edit_keeps_it() {
        let mut ws = practice_ws();
        let mut ids = SeqRandom::default();
        let draft = good_draft(&ws);
        let valid = draft.clone().validate(&ws, today(), None).expect("valid");
        let first = ws.save_referral(valid, None, now(), &mut ids).referral;
        let mut other = draft;
        other.reference = "CS-0002".into();
        let valid = other.validate(&ws, today(), None).expect("valid");
        let second = ws.save_referral(valid, None, now(), &mut ids).referral;
        let key = ws.referrals[&first].key;
        assert_ne!(key, ws.referrals[&second].key);
        assert_ne!(key.0, 0);
        let edit = ReferralDraft::from_referral(&ws, &ws.referrals[&first]);
        let valid = edit.validate(&ws, today(), Some(first)).expect("valid");
        ws.save_referral(valid, Some(first), now(), &mut ids);
        assert_eq!(ws.referrals[&first].key, key, "an edit keeps the key");
    }

    #[test]
    fn overlong_reference_and_notes_and_bad_quintile_are_refused() {
        let ws = practice_ws();
        let mut draft = good_draft(&ws);
        draft.reference = "x".repeat(MAX_REFERENCE_LEN + 1);
        draft.notes = "n".repeat(MAX_NOTES_LEN + 1);
        draft.deprivation_quintile = Some(6);
        assert_eq!(
            fields(&draft.validate(&ws, today(), None).expect_err("invalid")),
            vec![Field::Reference, Field::Notes, Field::Deprivation]
        );
    }

    #[test]
    fn a_second_referral_for_a_known_reference_joins_that_person() {
        let mut ws = practice_ws();
        let mut ids = SeqRandom::default();
        let mut draft = good_draft(&ws);
        draft.sex = Some(Sex::Female);
        let first = ws.save_referral(
            draft.validate(&ws, today(), None).expect("valid"),
            None,
            now(),
            &mut ids,
        );
        assert!(first.new_person);
        let mut again = good_draft(&ws);
        again.reference = " rv-0001 ".into();
        let second = ws.save_referral(
            again.validate(&ws, today(), None).expect("valid"),
            None,
            now(),
            &mut ids,
        );
        assert!(!second.new_person);
        assert_eq!(first.person, second.person);
        // Only the first save changed the last practice used, so only it rewrites the settings.
        use crate::store::format::StoreKey;
        assert_eq!(
            first.changed().collect::<Vec<_>>(),
            [StoreKey::Records(first.chunk), StoreKey::Settings]
        );
        assert_eq!(
            second.changed().collect::<Vec<_>>(),
            [StoreKey::Records(second.chunk)]
        );
        assert_eq!(ws.people.len(), 1);
        assert_eq!(ws.referrals.len(), 2);
        // Blank details on the second form keep what the first recorded.
        assert_eq!(ws.people[&first.person].sex, Some(Sex::Female));
        assert_eq!(ws.referrals_of(first.person).len(), 2);
    }

    #[test]
    fn editing_cannot_take_another_persons_reference() {
        let mut ws = practice_ws();
        let mut ids = SeqRandom::default();
        for reference in ["A-1", "B-2"] {
            let mut d = good_draft(&ws);
            d.reference = reference.into();
            let v = d.validate(&ws, today(), None).expect("valid");
            ws.save_referral(v, None, now(), &mut ids);
        }
        let b = ws
            .referrals
            .values()
            .find(|r| ws.people[&r.person].reference == "B-2")
            .expect("B-2 exists")
            .clone();
        let mut edit = ReferralDraft::from_referral(&ws, &b);
        edit.reference = "a-1".into();
        assert_eq!(
            edit.validate(&ws, today(), Some(b.id)),
            Err(vec![ReferralError::ReferenceTaken])
        );
        edit.reference = "B-2 renamed".into();
        let v = edit.validate(&ws, today(), Some(b.id)).expect("valid");
        let saved = ws.save_referral(v, Some(b.id), now(), &mut ids);
        assert_eq!(ws.people[&saved.person].reference, "B-2 renamed");
        assert_eq!(ws.referrals[&b.id].created, b.created);
    }

    #[test]
    fn saving_remembers_the_practice_for_next_time() {
        let mut ws = practice_ws();
        let second = Practice {
            id: PracticeId::from_random([7; 16]),
            name: "Second".into(),
            list_size: None,
            retired: false,
        };
        ws.settings.practices.push(second.clone());
        assert_eq!(ReferralDraft::new_for(&ws, today()).practice, None);
        let mut draft = good_draft(&ws);
        draft.practice = Some(second.id);
        let v = draft.validate(&ws, today(), None).expect("valid");
        ws.save_referral(v, None, now(), &mut SeqRandom::default());
        assert_eq!(
            ReferralDraft::new_for(&ws, today()).practice,
            Some(second.id)
        );
    }

    #[test]
    fn an_edit_records_each_changed_fact_in_words_and_who_made_it() {
        let mut ws = practice_ws();
        ws.editor = "Riverside PC 2".into();
        let mut ids = SeqRandom::default();
        let mut draft = good_draft(&ws);
        draft.referral_date = "2026-11-02".into();
        let valid = draft.validate(&ws, today(), None).expect("valid");
        let id = ws.save_referral(valid, None, now(), &mut ids).referral;
        assert!(
            ws.referrals[&id].edits.is_empty(),
            "a new referral is no edit"
        );
        // Saved unchanged: no edit.
        let same = ReferralDraft::from_referral(&ws, &ws.referrals[&id]);
        let valid = same.validate(&ws, today(), Some(id)).expect("valid");
        ws.save_referral(valid, Some(id), now(), &mut ids);
        assert!(ws.referrals[&id].edits.is_empty(), "nothing changed");
        let mut edit = ReferralDraft::from_referral(&ws, &ws.referrals[&id]);
        edit.referral_date = "2026-11-04".into();
        edit.reasons = vec!["loneliness".into(), "money".into()];
        let valid = edit.validate(&ws, today(), Some(id)).expect("valid");
        ws.save_referral(valid, Some(id), now(), &mut ids);
        let edits: Vec<(&str, &str, &str, &str)> = ws.referrals[&id]
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
                    "Referral date",
                    "2 Nov 2026",
                    "4 Nov 2026",
                    "Riverside PC 2"
                ),
                (
                    "Reasons",
                    "Loneliness or isolation",
                    "Loneliness or isolation; Money, debt or benefits",
                    "Riverside PC 2"
                ),
            ]
        );
        assert!(ws.referrals[&id].edits.iter().all(|e| e.at == now()));
    }

    #[test]
    fn error_messages_say_what_to_do() {
        assert_eq!(
            ReferralError::ReasonMissing.to_string(),
            "Choose at least one reason for the referral."
        );
        assert!(ReferralError::DateInFuture.to_string().contains("future"));
    }

    /// A form left open while the record changed elsewhere (a choice made, a sync) takes
    /// the new values of the fields nobody touched, and keeps what was typed.
    #[test]
    fn a_form_left_open_takes_changes_made_elsewhere_and_keeps_what_was_typed() {
        let ws = crate::testing::one_referral_ws();
        let r = ws.referrals.values().next().expect("one");
        let opened = ReferralDraft::from_referral(&ws, r);
        let mut form = opened.clone();
        form.notes = "Typed on this PC".into();
        let mut changed = r.clone();
        changed.what_matters = "Jo's words, chosen".into();
        changed.notes = "Changed elsewhere".into();
        let now = ReferralDraft::from_referral(&ws, &changed);
        form.rebase(&opened, &now);
        assert_eq!(
            form.what_matters, "Jo's words, chosen",
            "not written back over"
        );
        assert_eq!(form.notes, "Typed on this PC", "what was typed stays");
    }
}
