//! The diary and task changes a page asks of the workspace: booking, marking and removing
//! appointments, and adding, ticking and removing tasks. Each saves the part it changed.

use leptos::prelude::*;
use linkwork_core::work::diary::{
    AppointmentDraft, AppointmentId, Booked, DiaryError, Marked, NoteDraft, NoteId, TaskDraft,
    TaskId, TaskOwner,
};
use linkwork_core::{ContactOutcome, ReferralId, StoreKey};

use crate::platform::{now, today};

use super::AppState;

impl AppState {
    /// Books an appointment; the booking is made even when it clashes (the clashes are
    /// returned to warn about).
    pub fn book_appointment(
        &self,
        referral: ReferralId,
        draft: &AppointmentDraft,
    ) -> Result<Booked, Vec<DiaryError>> {
        let mut result = Err(vec![DiaryError::NoSuchReferral]);
        self.ws.update(|ws| {
            result = ws.book_appointment(referral, draft, today());
            if let (Ok(_), Some(r)) = (&result, ws.referrals.get_mut(&referral)) {
                r.updated = now();
            }
        });
        let booked = result?;
        self.last_mode.set_value(Some(draft.mode.clone()));
        self.commit([StoreKey::Records(booked.chunk)]);
        Ok(booked)
    }

    /// A fresh booking form: a week from today, the mode used last.
    pub fn new_booking_draft(&self) -> AppointmentDraft {
        AppointmentDraft::new(today(), self.last_mode.get_value().as_deref())
    }

    /// Marks what became of an appointment, recording its contact.
    pub fn mark_appointment(
        &self,
        referral: ReferralId,
        appointment: AppointmentId,
        outcome: ContactOutcome,
    ) -> Result<Marked, Vec<DiaryError>> {
        let mut result = Err(vec![DiaryError::NoSuchReferral]);
        self.ws.update(|ws| {
            result = ws.mark_appointment(referral, appointment, outcome, today());
            if let (Ok(_), Some(r)) = (&result, ws.referrals.get_mut(&referral)) {
                r.updated = now();
            }
        });
        let marked = result?;
        self.commit([StoreKey::Records(marked.chunk)]);
        Ok(marked)
    }

    /// Takes a booking made in error out of the diary.
    pub fn remove_appointment(
        &self,
        referral: ReferralId,
        appointment: AppointmentId,
    ) -> Result<(), DiaryError> {
        let mut result = Err(DiaryError::NoSuchReferral);
        self.ws
            .update(|ws| result = ws.remove_appointment(referral, appointment));
        let chunk = result?;
        self.commit([StoreKey::Records(chunk)]);
        Ok(())
    }

    /// Adds a task to a referral or to the workspace.
    pub fn add_task(&self, owner: TaskOwner, draft: &TaskDraft) -> Result<TaskId, Vec<DiaryError>> {
        let mut result = Err(vec![DiaryError::NoSuchReferral]);
        self.ws.update(|ws| result = ws.add_task(owner, draft));
        let id = result?;
        self.commit_tasks(owner);
        Ok(id)
    }

    /// Ticks a task done (today), or back to not done.
    pub fn set_task_done(
        &self,
        owner: TaskOwner,
        task: TaskId,
        done: bool,
    ) -> Result<(), DiaryError> {
        let mut result = Err(DiaryError::NoSuchTask);
        self.ws
            .update(|ws| result = ws.set_task_done(owner, task, done, today()));
        result?;
        self.commit_tasks(owner);
        Ok(())
    }

    /// Removes a task added by mistake.
    pub fn remove_task(&self, owner: TaskOwner, task: TaskId) -> Result<(), DiaryError> {
        let mut result = Err(DiaryError::NoSuchTask);
        self.ws.update(|ws| result = ws.remove_task(owner, task));
        result?;
        self.commit_tasks(owner);
        Ok(())
    }

    /// Adds a case note to a referral.
    pub fn add_case_note(
        &self,
        referral: ReferralId,
        draft: &NoteDraft,
    ) -> Result<(), Vec<DiaryError>> {
        let mut result = Err(vec![DiaryError::NoSuchReferral]);
        self.ws.update(|ws| {
            result = ws.add_case_note(referral, draft, today());
            if let (Ok(_), Some(r)) = (&result, ws.referrals.get_mut(&referral)) {
                r.updated = now();
            }
        });
        let chunk = result?;
        self.commit([StoreKey::Records(chunk)]);
        Ok(())
    }

    /// Removes a case note added by mistake.
    pub fn remove_case_note(&self, referral: ReferralId, note: NoteId) -> Result<(), DiaryError> {
        let mut result = Err(DiaryError::NoSuchReferral);
        self.ws
            .update(|ws| result = ws.remove_case_note(referral, note));
        let chunk = result?;
        self.commit([StoreKey::Records(chunk)]);
        Ok(())
    }

    fn commit_tasks(&self, owner: TaskOwner) {
        let key = self.ws.with_untracked(|ws| ws.task_key(owner));
        if let TaskOwner::Referral(id) = owner {
            self.ws.update(|ws| {
                if let Some(r) = ws.referrals.get_mut(&id) {
                    r.updated = now();
                }
            });
        }
        self.commit([key]);
    }
}
