//! The changes to a referral's care record that a page asks for: the risk log and the
//! consent record. Each saves the part it changed and marks the referral as updated.

use leptos::prelude::*;
use linkwork_core::model::risk::RiskId;
use linkwork_core::work::consent::{ConsentDraft, ConsentError};
use linkwork_core::work::risk::{CloseRiskDraft, RiskDraft, RiskError};
use linkwork_core::{ReferralId, StoreKey, Workspace};

use crate::platform::{now, today};

use super::AppState;

impl AppState {
    /// Applies a change to one referral, marks it updated if it worked, and saves its part.
    fn change_referral<E>(
        &self,
        referral: ReferralId,
        missing: E,
        change: impl FnOnce(&mut Workspace) -> Result<u32, E>,
    ) -> Result<(), E> {
        let mut result = Err(missing);
        self.ws.update(|ws| {
            result = change(ws);
            if let (Ok(_), Some(r)) = (&result, ws.referrals.get_mut(&referral)) {
                r.updated = now();
            }
        });
        let chunk = result?;
        self.commit([StoreKey::Records(chunk)]);
        Ok(())
    }

    /// Adds a concern to the referral's risk log.
    pub fn log_risk(&self, referral: ReferralId, draft: &RiskDraft) -> Result<(), Vec<RiskError>> {
        self.change_referral(referral, vec![RiskError::NoSuchReferral], |ws| {
            ws.log_risk(referral, draft, today())
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
