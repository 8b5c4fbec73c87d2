//! The changes a page asks of the workspace (referrals, contacts, the
//! directory, practice work, imports, outcomes, settings): each updates the
//! workspace and commits the parts it changed.

use leptos::prelude::*;
use linkwork_core::exchange::oruk::{ImportSummary, ImportedService};
use linkwork_core::exchange::spreadsheet::{self, Applied, CsvFile, ImportPlan, ImportRefused};
use linkwork_core::model::lists::ListKind;
use linkwork_core::work::directory::{
    ConnectionId, ConnectionStatus, DirectoryError, NewConnection, Resource, ResourceId,
};
use linkwork_core::work::measures::{Feedback, MeasureDraft, MeasureError};
use linkwork_core::work::practice_work::{
    ActivityDraft, ActivityId, CheckIn, CheckInId, WorkError,
};
use linkwork_core::{
    ContactDraft, ContactId, JourneyError, ReferralDraft, ReferralError, ReferralId, Saved,
    Settings, StoreKey, Transition, Workspace,
};

use crate::platform::{now, today, BrowserIds};

use super::*;

impl AppState {
    /// Validates and saves a referral (new when `editing` is `None`).
    pub fn save_referral(
        &self,
        draft: &ReferralDraft,
        editing: Option<ReferralId>,
    ) -> Result<Saved, Vec<ReferralError>> {
        let valid = self
            .ws
            .with_untracked(|ws| draft.validate(ws, today(), editing))?;
        let mut saved = None;
        self.ws.update(|ws| {
            saved = Some(ws.save_referral(valid, editing, now(), &mut BrowserIds));
        });
        let saved = saved.unwrap_or_else(|| unreachable!("update always runs its closure"));
        self.commit(saved.changed());
        Ok(saved)
    }

    /// Changes a referral's status (dated, with what the change needs).
    pub fn change_status(
        &self,
        id: ReferralId,
        transition: Transition,
        date: &str,
    ) -> Result<(), JourneyError> {
        let mut result = Err(JourneyError::NoSuchReferral);
        self.ws.update(|ws| {
            result = ws.change_status(id, transition, date, today());
            if let Some(r) = ws.referrals.get_mut(&id) {
                r.updated = now();
            }
        });
        let chunk = result?;
        self.commit([StoreKey::Records(chunk)]);
        Ok(())
    }

    /// Records a contact on a referral.
    pub fn add_contact(
        &self,
        id: ReferralId,
        draft: &ContactDraft,
    ) -> Result<(), Vec<JourneyError>> {
        let valid = self
            .ws
            .with_untracked(|ws| draft.validate(ws, id, today()).map(|_| ()));
        valid?;
        let mut result = Err(vec![JourneyError::NoSuchReferral]);
        self.ws.update(|ws| {
            result = ws.add_contact(id, draft, today());
            if let Some(r) = ws.referrals.get_mut(&id) {
                r.updated = now();
            }
        });
        let chunk = result?;
        self.last_mode.set_value(Some(draft.mode.clone()));
        self.commit([StoreKey::Records(chunk)]);
        Ok(())
    }

    /// Removes a contact recorded by mistake.
    pub fn remove_contact(&self, id: ReferralId, contact: ContactId) {
        let mut chunk = None;
        self.ws
            .update(|ws| chunk = ws.remove_contact(id, contact).ok());
        if let Some(chunk) = chunk {
            self.commit([StoreKey::Records(chunk)]);
        }
    }

    /// Adds or updates a directory entry.
    pub fn save_resource(&self, resource: Resource) -> Result<ResourceId, DirectoryError> {
        let mut result = Err(DirectoryError::NameMissing);
        self.ws
            .update(|ws| result = ws.save_resource(resource, &mut BrowserIds));
        let id = result?;
        self.commit([StoreKey::Directory]);
        Ok(id)
    }

    /// The words for a list item's id (tracked, for views).
    pub fn list_label(&self, kind: ListKind, id: &str) -> String {
        self.ws
            .with(|ws| ws.settings.lists.label(kind, id).to_owned())
    }

    /// Records practice or community work.
    pub fn add_activity(&self, draft: &ActivityDraft) -> Result<ActivityId, Vec<WorkError>> {
        let mut result = Err(Vec::new());
        self.ws
            .update(|ws| result = ws.add_activity(draft, today()));
        let id = result?;
        self.commit([StoreKey::PracticeWork, StoreKey::Settings]);
        Ok(id)
    }

    /// Removes practice or community work recorded by mistake.
    pub fn remove_activity(&self, id: ActivityId) -> Result<(), WorkError> {
        let mut result = Err(WorkError::Missing);
        self.ws.update(|ws| result = ws.remove_activity(id));
        result?;
        self.commit([StoreKey::PracticeWork]);
        Ok(())
    }

    /// Records a practice integration check-in.
    pub fn add_checkin(&self, checkin: CheckIn) -> Result<CheckInId, WorkError> {
        let mut result = Err(WorkError::Missing);
        self.ws
            .update(|ws| result = ws.add_checkin(checkin, today()));
        let id = result?;
        self.commit([StoreKey::PracticeWork]);
        Ok(id)
    }

    /// Adds imported services to the directory.
    pub fn import_directory(&self, services: Vec<ImportedService>) -> ImportSummary {
        let mut summary = ImportSummary::default();
        self.ws
            .update(|ws| summary = ws.import_services(services, &mut BrowserIds));
        self.commit([StoreKey::Directory]);
        summary
    }

    /// Connects a referral to a resource.
    pub fn add_connection(
        &self,
        referral: ReferralId,
        new: &NewConnection,
    ) -> Result<(), DirectoryError> {
        self.change_records(DirectoryError::NoSuchReferral, |ws| {
            ws.add_connection(referral, new)
        })
    }

    /// Moves a connection on, with the organisation's feedback.
    pub fn update_connection(
        &self,
        referral: ReferralId,
        connection: ConnectionId,
        status: ConnectionStatus,
        feedback: &str,
    ) -> Result<(), DirectoryError> {
        let mut result = Err(DirectoryError::NoSuchReferral);
        self.ws.update(|ws| {
            result = ws.update_connection(referral, connection, status, feedback, today());
        });
        let chunk = result?;
        self.commit([StoreKey::Records(chunk)]);
        Ok(())
    }

    /// Checks spreadsheet files by importing them into a copy of the
    /// workspace; changes nothing.
    pub fn plan_import(&self, referrals: CsvFile, contacts: Option<CsvFile>) -> ImportPlan {
        self.ws.with_untracked(|ws| {
            spreadsheet::plan_import(ws, referrals, contacts, now(), today(), &mut BrowserIds)
        })
    }

    /// Applies a checked import (all rows, or only the valid ones).
    pub fn apply_import(
        &self,
        plan: &ImportPlan,
        only_valid: bool,
    ) -> Result<Applied, ImportRefused> {
        let mut result = Err(ImportRefused::Changed);
        self.ws.update(|ws| {
            result = ws.apply_import(plan, only_valid, now(), today(), &mut BrowserIds);
        });
        let (applied, chunks) = result?;
        self.commit(
            chunks
                .into_iter()
                .map(StoreKey::Records)
                .chain([StoreKey::Settings]),
        );
        Ok(applied)
    }

    /// Records an outcome measure.
    pub fn record_measure(
        &self,
        referral: ReferralId,
        draft: &MeasureDraft,
    ) -> Result<(), MeasureError> {
        self.change_records(MeasureError::NoSuchReferral, |ws| {
            ws.record_measure(referral, draft, today())
        })
    }

    /// Saves the person's goals.
    pub fn set_goals(&self, referral: ReferralId, goals: &[String]) -> Result<(), MeasureError> {
        let mut result = Err(MeasureError::NoSuchReferral);
        self.ws.update(|ws| result = ws.set_goals(referral, goals));
        let chunk = result?;
        self.commit([StoreKey::Records(chunk)]);
        Ok(())
    }

    /// Saves the person's feedback.
    pub fn set_feedback(
        &self,
        referral: ReferralId,
        feedback: Feedback,
    ) -> Result<(), MeasureError> {
        self.change_records(MeasureError::NoSuchReferral, |ws| {
            ws.set_feedback(referral, feedback)
        })
    }

    /// Applies a change to one person's records and saves their part;
    /// `missing` is the error if the change could not run.
    pub(super) fn change_records<E>(
        &self,
        missing: E,
        change: impl FnOnce(&mut Workspace) -> Result<u32, E>,
    ) -> Result<(), E> {
        let mut result = Err(missing);
        self.ws.update(|ws| result = change(ws));
        let chunk = result?;
        self.commit([StoreKey::Records(chunk)]);
        Ok(())
    }

    /// A fresh contact form: today, the mode used last.
    pub fn new_contact_draft(&self) -> ContactDraft {
        ContactDraft::new(today(), self.last_mode.get_value().as_deref())
    }

    /// Changes the settings; the change is kept only if `change` succeeds.
    pub fn update_settings<E>(
        &self,
        change: impl FnOnce(&mut Settings) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut settings = self.ws.with_untracked(|ws| ws.settings.clone());
        change(&mut settings)?;
        self.ws.update(|ws| ws.settings = settings);
        self.commit([StoreKey::Settings]);
        Ok(())
    }
}
