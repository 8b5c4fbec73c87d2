//! The changes to a referral's care record that a page asks for: the risk log and the
//! consent record. Each saves the part it changed and marks the referral as updated.

use leptos::prelude::*;
use linkwork_core::model::risk::RiskId;
use linkwork_core::work::consent::{ConsentDraft, ConsentError};
use linkwork_core::work::plan::{ActionDraft, ActionId, PlanError};
use linkwork_core::work::rights::RightsError;
use linkwork_core::work::risk::{CloseRiskDraft, RiskDraft, RiskError};
use linkwork_core::{PersonId, ReferralId, StoreKey, Workspace};

use crate::platform::{now, today};
use crate::route::{self, Route};

use super::{AppState, Notice};

impl AppState {
    /// Applies a change to one referral, marks it updated if it worked, and saves its part.
    /// A refused change (the rules check before they change anything) wakes nothing, so
    /// forms showing the refusal keep their state.
    fn change_referral<E>(
        &self,
        referral: ReferralId,
        missing: E,
        change: impl FnOnce(&mut Workspace) -> Result<u32, E>,
    ) -> Result<(), E> {
        let mut result = Err(missing);
        self.ws.update_untracked(|ws| {
            result = change(ws);
            if let (Ok(_), Some(r)) = (&result, ws.referrals.get_mut(&referral)) {
                r.updated = now();
            }
        });
        let chunk = result?;
        self.ws.notify();
        self.commit([StoreKey::Records(chunk)]);
        Ok(())
    }

    /// Adds a concern to the referral's risk log.
    pub fn log_risk(&self, referral: ReferralId, draft: &RiskDraft) -> Result<(), Vec<RiskError>> {
        self.change_referral(referral, vec![RiskError::NoSuchReferral], |ws| {
            ws.log_risk(referral, draft, today())
        })
    }

    /// Corrects a concern (the correction goes into the edit history).
    pub fn edit_risk(
        &self,
        referral: ReferralId,
        id: RiskId,
        draft: &RiskDraft,
    ) -> Result<(), Vec<RiskError>> {
        self.change_referral(referral, vec![RiskError::NoSuchReferral], |ws| {
            ws.edit_risk(referral, id, draft, today(), now())
        })
    }

    /// Closes a concern with how it was resolved.
    pub fn close_risk(
        &self,
        referral: ReferralId,
        id: RiskId,
        draft: &CloseRiskDraft,
    ) -> Result<(), Vec<RiskError>> {
        self.change_referral(referral, vec![RiskError::NoSuchReferral], |ws| {
            ws.close_risk(referral, id, draft, today())
        })
    }

    /// Records one consent answer (a withdrawal is a "no").
    pub fn record_consent(
        &self,
        referral: ReferralId,
        draft: &ConsentDraft,
    ) -> Result<(), ConsentError> {
        self.change_referral(referral, ConsentError::NoSuchReferral, |ws| {
            ws.record_consent(referral, draft, today())
        })
    }
}

impl AppState {
    /// Agrees an action with the person.
    pub fn add_action(
        &self,
        referral: ReferralId,
        draft: &ActionDraft,
    ) -> Result<(), Vec<PlanError>> {
        self.change_referral(referral, vec![PlanError::NoSuchReferral], |ws| {
            ws.add_action(referral, draft)
        })
    }

    /// Takes an action out of the plan.
    pub fn remove_action(&self, referral: ReferralId, id: ActionId) -> Result<(), PlanError> {
        self.change_referral(referral, PlanError::NoSuchReferral, |ws| {
            ws.remove_action(referral, id)
        })
    }

    /// Puts an agreed action on the referral's to-do list.
    pub fn action_to_task(&self, referral: ReferralId, id: ActionId) -> Result<(), PlanError> {
        self.change_referral(referral, PlanError::NoSuchReferral, |ws| {
            ws.action_to_task(referral, id)
        })
    }
}

impl AppState {
    /// Deletes a person and everything about them, rewrites every document that held them
    /// (an emptied records part is written empty, never left as it was), and forgets any
    /// half-filled form of theirs. Goes to the caseload with a notice.
    pub fn delete_person(&self, person: PersonId) -> Result<(), RightsError> {
        let reference = self
            .ws
            .with_untracked(|ws| ws.reference_of(person).to_owned());
        let pages: Vec<String> = self.ws.with_untracked(|ws| {
            ws.referrals_of(person)
                .iter()
                .map(|r| Route::Referral(r.id).href())
                .collect()
        });
        let mut result = Err(RightsError::NoSuchPerson);
        self.ws.update(|ws| result = ws.delete_person(person));
        let keys = result?;
        self.note_gone(person);
        if self
            .form_draft
            .with_untracked(|d| d.as_ref().is_some_and(|d| pages.contains(&d.href)))
        {
            self.form_draft.set(None);
        }
        if self
            .restore_draft
            .with_untracked(|d| d.as_ref().is_some_and(|d| pages.contains(&d.href)))
        {
            self.restore_draft.set(None);
        }
        self.commit(keys);
        self.notice.set(Some(Notice {
            text: format!("{reference} and everything about them was deleted."),
            on: Route::Caseload,
        }));
        route::go(Route::Caseload);
        Ok(())
    }

    /// Keeps an ended episode past the retention period, with the reason.
    pub fn keep_past_retention(
        &self,
        referral: ReferralId,
        reason: &str,
    ) -> Result<(), RightsError> {
        self.change_referral(referral, RightsError::NoSuchReferral, |ws| {
            ws.keep_past_retention(referral, reason, today())
        })
    }
}
