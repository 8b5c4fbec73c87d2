//! The referral journey: status changes with their rules, contacts, and the
//! highlights a caseload needs (overdue next steps, long waits, no contact).

use std::fmt;

use chrono::NaiveDate;

use crate::model::lists::ListKind;
use crate::model::Referral;
use crate::model::{
    Closure, Contact, ContactId, ContactOutcome, ReferralId, ReferralStatus, Settings,
    StatusChange, Workspace,
};

/// Longest contact note, in characters.
pub const MAX_CONTACT_NOTE: usize = 500;
/// Longest contact, in minutes.
pub const MAX_CONTACT_MINUTES: u32 = 600;

/// A change of status asked for by the link worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Put on the waiting list.
    WaitingList,
    /// Start working together.
    Active,
    /// Close with a reason from the closure list.
    Close { reason: String },
    /// The person declined social prescribing.
    Decline { note: String },
    /// Needs beyond social prescribing; `action` is what was done instead.
    NeedsBeyond { action: String },
    /// Reopen a closed, declined or onward-referred episode.
    Reopen,
}

impl Transition {
    /// The status the referral ends in.
    pub fn target(&self) -> ReferralStatus {
        match self {
            Transition::WaitingList => ReferralStatus::WaitingList,
            Transition::Active | Transition::Reopen => ReferralStatus::Active,
            Transition::Close { .. } => ReferralStatus::Closed,
            Transition::Decline { .. } => ReferralStatus::Declined,
            Transition::NeedsBeyond { .. } => ReferralStatus::NeedsBeyond,
        }
    }
}

/// Why a status change or contact was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JourneyError {
    NoSuchReferral,
    /// The change makes no sense from the current status.
    NotFrom(ReferralStatus),
    DateMissing,
    DateInvalid,
    DateInFuture,
    /// Before the referral date or the last status change.
    DateTooEarly(NaiveDate),
    /// Closing before the last contact.
    BeforeLastContact(NaiveDate),
    ReasonMissing,
    ReasonUnknown,
    ActionMissing,
    ModeMissing,
    ModeUnknown,
    MinutesInvalid,
    NoteTooLong,
    /// A contact on a closed, declined or onward-referred episode.
    EpisodeEnded,
    /// A contact of past work dated after its episode ended.
    AfterEnd(NaiveDate),
}

impl fmt::Display for JourneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = |d: &NaiveDate| d.format("%-d %b %Y").to_string();
        match self {
            Self::NoSuchReferral => f.write_str("That referral is no longer in the workspace."),
            Self::NotFrom(s) => write!(f, "That cannot be done while the referral is \u{201c}{}\u{201d}.", crate::model::Choice::label(*s)),
            Self::DateMissing => f.write_str("Enter the date."),
            Self::DateInvalid => f.write_str("Enter a real date, for example 21/11/2026."),
            Self::DateInFuture => f.write_str("The date cannot be in the future."),
            Self::DateTooEarly(d) => write!(f, "The date cannot be before {}, when the referral was made or last changed.", day(d)),
            Self::BeforeLastContact(d) => write!(f, "There is a contact on {}: close on or after that day.", day(d)),
            Self::ReasonMissing => f.write_str("Choose why the referral is closing."),
            Self::ReasonUnknown => f.write_str("That closure reason is not in the list."),
            Self::ActionMissing => f.write_str("Say what was done instead, for example \u{201c}referred to the community mental health team\u{201d}."),
            Self::ModeMissing => f.write_str("Choose how the contact happened."),
            Self::ModeUnknown => f.write_str("That contact mode is not in the list."),
            Self::MinutesInvalid => write!(f, "Enter the minutes as a whole number from 0 to {MAX_CONTACT_MINUTES}."),
            Self::NoteTooLong => write!(f, "Keep the note to {MAX_CONTACT_NOTE} characters or fewer."),
            Self::EpisodeEnded => f.write_str("This episode has ended. Reopen it to record a contact."),
            Self::AfterEnd(d) => write!(f, "The referral ended on {}: a contact cannot be after that day.", day(d)),
        }
    }
}

impl std::error::Error for JourneyError {}

/// Reads an ISO date from a form field and checks it is not in the future
/// and not before `earliest`.
fn parse_date(
    text: &str,
    earliest: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, JourneyError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(JourneyError::DateMissing);
    }
    let date =
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| JourneyError::DateInvalid)?;
    if date > today {
        Err(JourneyError::DateInFuture)
    } else if date < earliest {
        Err(JourneyError::DateTooEarly(earliest))
    } else {
        Ok(date)
    }
}

impl Workspace {
    fn referral_mut(&mut self, id: ReferralId) -> Result<&mut Referral, JourneyError> {
        self.changeable(id).ok_or(JourneyError::NoSuchReferral)
    }

    /// Changes a referral's status on `date` (ISO text, as a form gives it),
    /// keeping the change in its history. Returns the chunk to save.
    pub fn change_status(
        &mut self,
        id: ReferralId,
        transition: Transition,
        date: &str,
        today: NaiveDate,
    ) -> Result<u32, JourneyError> {
        let closure_known = match &transition {
            Transition::Close { reason } if !reason.is_empty() => Some(
                self.settings
                    .lists
                    .contains(ListKind::ClosureReasons, reason),
            ),
            _ => None,
        };
        let r = self.referral_mut(id)?;
        let from = r.status;
        let allowed = match transition {
            Transition::WaitingList => from == ReferralStatus::Referred,
            Transition::Active => from.is_waiting(),
            Transition::Close { .. }
            | Transition::Decline { .. }
            | Transition::NeedsBeyond { .. } => from.is_open(),
            Transition::Reopen => !from.is_open(),
        };
        if !allowed {
            return Err(JourneyError::NotFrom(from));
        }
        let date = parse_date(date, r.status_since().max(r.referral_date), today)?;
        match &transition {
            Transition::Close { reason } => {
                if reason.is_empty() {
                    return Err(JourneyError::ReasonMissing);
                }
                if closure_known == Some(false) {
                    return Err(JourneyError::ReasonUnknown);
                }
                if let Some(last) = r.last_contact().filter(|last| *last > date) {
                    return Err(JourneyError::BeforeLastContact(last));
                }
                r.closure = Some(Closure {
                    date,
                    reason: reason.clone(),
                });
            }
            Transition::NeedsBeyond { action } => {
                if action.trim().is_empty() {
                    return Err(JourneyError::ActionMissing);
                }
                r.outcome_note = action.trim().to_owned();
            }
            Transition::Decline { note } => r.outcome_note = note.trim().to_owned(),
            Transition::Reopen => {
                r.closure = None;
                r.outcome_note.clear();
            }
            Transition::WaitingList | Transition::Active => {}
        }
        let status = transition.target();
        r.status = status;
        r.history.push(StatusChange { status, date });
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Records a contact. The first attended contact makes a waiting
    /// referral active. Returns the chunk to save.
    pub fn add_contact(
        &mut self,
        id: ReferralId,
        draft: &ContactDraft,
        today: NaiveDate,
    ) -> Result<u32, Vec<JourneyError>> {
        self.add_contact_as(id, ContactId::new(), draft, today)
    }

    /// [`Workspace::add_contact`], the new contact taking the id `new` (made by the caller,
    /// who links something to it).
    pub(crate) fn add_contact_as(
        &mut self,
        id: ReferralId,
        new: ContactId,
        draft: &ContactDraft,
        today: NaiveDate,
    ) -> Result<u32, Vec<JourneyError>> {
        let contact = draft.validate(self, id, today)?;
        let r = self.referral_mut(id).map_err(|e| vec![e])?;
        let attended = contact.outcome == ContactOutcome::Attended;
        let date = contact.date;
        r.contacts.push(Contact { id: new, ..contact });
        crate::model::order::sort_by_key(&mut r.contacts, |c| c.date);
        if attended && r.status.is_waiting() {
            r.status = ReferralStatus::Active;
            let since = r.status_since();
            r.history.push(StatusChange {
                status: ReferralStatus::Active,
                date: date.max(since),
            });
        }
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Removes a contact recorded by mistake. Returns the chunk to save.
    pub fn remove_contact(
        &mut self,
        id: ReferralId,
        contact: ContactId,
    ) -> Result<u32, JourneyError> {
        let r = self.referral_mut(id)?;
        r.contacts.retain(|c| c.id != contact);
        r.mark_removed(crate::model::handover::Removed::part("contacts", contact));
        // An appointment it recorded is back to be marked.
        for a in r
            .appointments
            .iter_mut()
            .filter(|a| a.contact == Some(contact))
        {
            a.contact = None;
        }
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }
}

/// What the quick-add contact form holds.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContactDraft {
    /// ISO date.
    pub date: String,
    /// Contact mode id.
    pub mode: String,
    pub minutes: String,
    pub outcome: ContactOutcome,
    pub note: String,
}

impl ContactDraft {
    /// Today, the mode used last time, attended.
    pub fn new(today: NaiveDate, last_mode: Option<&str>) -> Self {
        Self {
            date: today.format("%Y-%m-%d").to_string(),
            mode: last_mode.unwrap_or("practice").to_owned(),
            minutes: "30".into(),
            outcome: ContactOutcome::Attended,
            note: String::new(),
        }
    }

    /// Checks every field; the contact is not yet given an id.
    pub fn validate(
        &self,
        ws: &Workspace,
        id: ReferralId,
        today: NaiveDate,
    ) -> Result<Contact, Vec<JourneyError>> {
        let r = ws
            .referrals
            .get(&id)
            .ok_or_else(|| vec![JourneyError::NoSuchReferral])?;
        let mut errors = Vec::new();
        if !r.status.is_open() {
            errors.push(JourneyError::EpisodeEnded);
        }
        let date = parse_date(&self.date, r.referral_date, today)
            .map_err(|e| errors.push(e))
            .ok();
        if self.mode.is_empty() {
            errors.push(JourneyError::ModeMissing);
        } else if !ws
            .settings
            .lists
            .contains(ListKind::ContactModes, &self.mode)
        {
            errors.push(JourneyError::ModeUnknown);
        }
        let minutes = match self.minutes.trim().parse::<u32>() {
            Ok(m) if m <= MAX_CONTACT_MINUTES => Some(m),
            _ => {
                errors.push(JourneyError::MinutesInvalid);
                None
            }
        };
        if self.note.chars().count() > MAX_CONTACT_NOTE {
            errors.push(JourneyError::NoteTooLong);
        }
        match (date, minutes) {
            (Some(date), Some(minutes)) if errors.is_empty() => Ok(Contact {
                id: ContactId::default(),
                date,
                mode: self.mode.clone(),
                minutes,
                outcome: self.outcome,
                note: self.note.trim().to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

/// What a caseload row should draw attention to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Highlights {
    /// Open entries of the risk log, one flag per kind.
    pub risks: Vec<crate::model::risk::RiskFlag>,
    /// A task's due date has passed.
    pub overdue_next_step: bool,
    /// Waiting for a first contact longer than the alert threshold.
    pub long_wait: bool,
    /// Active, but no contact for longer than the alert threshold.
    pub no_recent_contact: bool,
}

impl Highlights {
    /// Whether anything needs attention.
    pub fn any(&self) -> bool {
        !self.risks.is_empty() || self.overdue_next_step || self.long_wait || self.no_recent_contact
    }
}

/// The highlights of one referral today.
pub fn highlights(r: &Referral, settings: &Settings, today: NaiveDate) -> Highlights {
    let open = r.status.is_open();
    let waited = (today - r.referral_date).num_days();
    let since_contact = r.last_contact().map_or(waited, |d| (today - d).num_days());
    Highlights {
        risks: if open {
            r.risk_badges(&settings.lists)
        } else {
            Vec::new()
        },
        overdue_next_step: open && r.next_due().is_some_and(|due| due < today),
        long_wait: r.status.is_waiting()
            && r.first_seen().is_none()
            && waited > i64::from(settings.waiting_alert_days),
        no_recent_contact: r.status == ReferralStatus::Active
            && since_contact > i64::from(settings.no_contact_alert_days),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::diary::{Task, TaskId};
    use crate::testing::{one_referral_ws, today};

    fn only(ws: &Workspace) -> ReferralId {
        *ws.referrals.keys().next().expect("one referral")
    }

    fn contact(date: &str, outcome: ContactOutcome) -> ContactDraft {
        ContactDraft {
            date: date.into(),
            outcome,
            ..ContactDraft::new(today(), Some("telephone"))
        }
    }

    #[test]
    fn a_contact_cannot_come_before_the_referral_or_after_today() {
        let mut ws = one_referral_ws(); // referred 2 Nov 2026
        let id = only(&ws);
        assert_eq!(
            ws.add_contact(
                id,
                &contact("2026-11-01", ContactOutcome::Attended),
                today()
            ),
            Err(vec![JourneyError::DateTooEarly(
                NaiveDate::from_ymd_opt(2026, 11, 2).expect("date")
            )])
        );
        assert_eq!(
            ws.add_contact(
                id,
                &contact("2026-11-22", ContactOutcome::Attended),
                today()
            ),
            Err(vec![JourneyError::DateInFuture])
        );
        let mut bad = contact("2026-11-10", ContactOutcome::Attended);
        bad.mode = "carrier pigeon".into();
        bad.minutes = "lots".into();
        assert_eq!(
            ws.add_contact(id, &bad, today()),
            Err(vec![
                JourneyError::ModeUnknown,
                JourneyError::MinutesInvalid
            ])
        );
        assert!(ws.referrals[&id].contacts.is_empty());
    }

    #[test]
    fn the_first_attended_contact_makes_the_referral_active() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        ws.add_contact(
            id,
            &contact("2026-11-05", ContactOutcome::DidNotAttend),
            today(),
        )
        .expect("recorded");
        assert_eq!(
            ws.referrals[&id].status,
            ReferralStatus::Referred,
            "a DNA is not a start"
        );
        ws.add_contact(
            id,
            &contact("2026-11-09", ContactOutcome::Attended),
            today(),
        )
        .expect("recorded");
        let r = &ws.referrals[&id];
        assert_eq!(r.status, ReferralStatus::Active);
        assert_eq!(
            r.history.last().map(|h| (h.status, h.date.to_string())),
            Some((ReferralStatus::Active, "2026-11-09".into()))
        );
        assert_eq!(r.attended_count(), 1);
        assert_eq!(
            r.first_seen().map(|d| d.to_string()).as_deref(),
            Some("2026-11-09")
        );
    }

    #[test]
    fn seen_three_plus_counts_only_attended_contacts() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        for (d, o) in [
            ("2026-11-03", ContactOutcome::Attended),
            ("2026-11-04", ContactOutcome::DidNotAttend),
            ("2026-11-05", ContactOutcome::Attended),
            ("2026-11-06", ContactOutcome::CancelledByPerson),
        ] {
            ws.add_contact(id, &contact(d, o), today())
                .expect("recorded");
        }
        assert!(!ws.referrals[&id].seen_three_plus());
        ws.add_contact(
            id,
            &contact("2026-11-07", ContactOutcome::Attended),
            today(),
        )
        .expect("recorded");
        assert!(ws.referrals[&id].seen_three_plus());
    }

    #[test]
    fn closing_needs_a_reason_and_a_date_after_the_last_contact() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        ws.add_contact(
            id,
            &contact("2026-11-10", ContactOutcome::Attended),
            today(),
        )
        .expect("recorded");
        let close = |reason: &str| Transition::Close {
            reason: reason.into(),
        };
        assert_eq!(
            ws.change_status(id, close(""), "2026-11-20", today()),
            Err(JourneyError::ReasonMissing)
        );
        assert_eq!(
            ws.change_status(id, close("bored"), "2026-11-20", today()),
            Err(JourneyError::ReasonUnknown)
        );
        assert_eq!(
            ws.change_status(id, close("complete"), "2026-11-09", today()),
            Err(JourneyError::DateTooEarly(
                NaiveDate::from_ymd_opt(2026, 11, 10).expect("date")
            ))
        );
        ws.change_status(id, close("complete"), "2026-11-20", today())
            .expect("closed");
        let r = &ws.referrals[&id];
        assert_eq!(r.status, ReferralStatus::Closed);
        assert_eq!(
            r.closure.as_ref().map(|c| c.reason.as_str()),
            Some("complete")
        );
        // No contacts on an ended episode, and no closing twice.
        assert_eq!(
            ws.add_contact(
                id,
                &contact("2026-11-21", ContactOutcome::Attended),
                today()
            ),
            Err(vec![JourneyError::EpisodeEnded])
        );
        assert_eq!(
            ws.change_status(id, close("complete"), "2026-11-21", today()),
            Err(JourneyError::NotFrom(ReferralStatus::Closed))
        );
    }

    #[test]
    fn closing_before_a_later_contact_is_refused() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        ws.change_status(id, Transition::Active, "2026-11-03", today())
            .expect("active");
        ws.add_contact(
            id,
            &contact("2026-11-15", ContactOutcome::Attended),
            today(),
        )
        .expect("recorded");
        assert_eq!(
            ws.change_status(
                id,
                Transition::Close {
                    reason: "complete".into()
                },
                "2026-11-12",
                today()
            ),
            Err(JourneyError::BeforeLastContact(
                NaiveDate::from_ymd_opt(2026, 11, 15).expect("date")
            ))
        );
    }

    #[test]
    fn reopening_clears_the_closure_and_keeps_the_history() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        ws.change_status(
            id,
            Transition::Close {
                reason: "withdrew".into(),
            },
            "2026-11-05",
            today(),
        )
        .expect("closed");
        assert_eq!(
            ws.change_status(id, Transition::Active, "2026-11-06", today()),
            Err(JourneyError::NotFrom(ReferralStatus::Closed))
        );
        ws.change_status(id, Transition::Reopen, "2026-11-12", today())
            .expect("reopened");
        let r = &ws.referrals[&id];
        assert_eq!(r.status, ReferralStatus::Active);
        assert_eq!(r.closure, None);
        let statuses: Vec<ReferralStatus> = r.history.iter().map(|h| h.status).collect();
        assert_eq!(
            statuses,
            vec![
                ReferralStatus::Referred,
                ReferralStatus::Closed,
                ReferralStatus::Active
            ]
        );
    }

    #[test]
    fn needs_beyond_records_what_was_done_instead() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        assert_eq!(
            ws.change_status(
                id,
                Transition::NeedsBeyond {
                    action: "  ".into()
                },
                "2026-11-05",
                today()
            ),
            Err(JourneyError::ActionMissing)
        );
        ws.change_status(
            id,
            Transition::NeedsBeyond {
                action: "Referred to the CMHT".into(),
            },
            "2026-11-05",
            today(),
        )
        .expect("recorded");
        assert_eq!(ws.referrals[&id].outcome_note, "Referred to the CMHT");
        assert_eq!(ws.referrals[&id].status, ReferralStatus::NeedsBeyond);
    }

    #[test]
    fn waiting_list_only_from_referred_and_no_status_dates_in_the_future() {
        let mut ws = one_referral_ws();
        let id = only(&ws);
        assert_eq!(
            ws.change_status(id, Transition::WaitingList, "2026-11-22", today()),
            Err(JourneyError::DateInFuture)
        );
        ws.change_status(id, Transition::WaitingList, "2026-11-04", today())
            .expect("waiting");
        assert_eq!(
            ws.change_status(id, Transition::WaitingList, "2026-11-05", today()),
            Err(JourneyError::NotFrom(ReferralStatus::WaitingList))
        );
        assert_eq!(
            ws.change_status(id, Transition::Active, "2026-11-03", today()),
            Err(JourneyError::DateTooEarly(
                NaiveDate::from_ymd_opt(2026, 11, 4).expect("date")
            )),
            "not before the last change"
        );
    }

    #[test]
    fn highlights_follow_the_thresholds() {
        let mut ws = one_referral_ws(); // referred 2 Nov, today 21 Nov: 19 days
        let id = only(&ws);
        let settings = ws.settings.clone();
        let h = highlights(&ws.referrals[&id], &settings, today());
        assert!(h.long_wait && !h.no_recent_contact && !h.overdue_next_step && h.risks.is_empty());
        let mut relaxed = settings.clone();
        relaxed.waiting_alert_days = 19;
        assert!(
            !highlights(&ws.referrals[&id], &relaxed, today()).long_wait,
            "19 days is not more than 19"
        );
        ws.add_contact(
            id,
            &contact("2026-11-03", ContactOutcome::Attended),
            today(),
        )
        .expect("recorded");
        let r = ws.referrals.get_mut(&id).expect("exists");
        r.tasks.push(Task {
            id: TaskId::legacy(1),
            text: "Call".into(),
            due: Some(NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")),
            done: None,
        });
        // A later task and an overdue one already done do not hide it, nor raise it.
        r.tasks.push(Task {
            id: TaskId::legacy(2),
            text: "Old".into(),
            due: Some(NaiveDate::from_ymd_opt(2026, 11, 1).expect("date")),
            done: Some(NaiveDate::from_ymd_opt(2026, 11, 2).expect("date")),
        });
        r.risks.push(crate::model::risk::RiskEntry {
            id: crate::model::risk::RiskId::legacy(1),
            date: today(),
            kind: "safeguarding".into(),
            concern: "Worried about a neighbour".into(),
            action: String::new(),
            told: Vec::new(),
            closed: None,
        });
        let h = highlights(r, &settings, today());
        assert!(!h.long_wait && h.overdue_next_step && !h.no_recent_contact);
        assert_eq!(
            h.risks.iter().map(|f| f.label.as_str()).collect::<Vec<_>>(),
            ["Safeguarding"]
        );
        let mut strict = settings;
        strict.no_contact_alert_days = 10;
        assert!(
            highlights(r, &strict, today()).no_recent_contact,
            "18 days without contact"
        );
        r.status = ReferralStatus::Closed;
        assert!(
            !highlights(r, &strict, today()).any(),
            "closed referrals need nothing"
        );
    }
}
