//! Handing people over to a colleague and receiving them: making the sealed file, marking
//! the people handed over, opening a colleague's file with its code, and writing what it
//! brings all at once or not at all.

use leptos::prelude::*;
use linkwork_core::exchange::handover::{
    file_name, open_handover, read_handover, seal_handover, HandoverFileError,
};
use linkwork_core::model::handover::Conflict;
use linkwork_core::work::handover::{Choose, Handover, HandoverError, Me, Outgoing, Preview};
use linkwork_core::work::merge::{choose, ChoiceError};
use linkwork_core::{PersonId, ReferralId, StoreKey, Workspace};

use crate::platform::{download, now, today, BrowserIds};
use crate::storage::{self, StorageError};

use super::{AppState, Session};

/// A handover made: the code to show once, and who was left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Made {
    pub code: String,
    pub file: String,
    pub people: usize,
    pub to: String,
    pub left_out: Vec<String>,
}

/// Why a handover could not be made or received, in words for the screen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HandoverProblem {
    #[error(transparent)]
    Handover(#[from] HandoverError),
    #[error(transparent)]
    File(#[from] HandoverFileError),
    #[error(
        "The file could not be saved to this computer ({0}). Nothing was handed over: try again."
    )]
    Download(String),
    #[error("Nothing was changed: {0}")]
    Storage(#[from] StorageError),
    #[error("Open a workspace first: the demo and the manager's view cannot hand people over.")]
    NoWorkspace,
    #[error("Saving is paused (see the message at the top of the page), so nothing was changed.")]
    ReadOnly,
}

/// The open workspace's label and id, held for a handover's [`Me`].
struct Whose(String, String);

impl Whose {
    fn me(&self) -> Me<'_> {
        Me {
            label: &self.0,
            workspace: &self.1,
        }
    }
}

impl AppState {
    /// This workspace as a handover names it: its label and id (the demo has its own).
    fn whose(&self) -> Result<Whose, HandoverProblem> {
        match self.session.get_untracked() {
            Session::Open(meta) => Ok(Whose(meta.name.clone(), meta.id.clone())),
            Session::Demo => Ok(Whose("Demo".into(), "demo".into())),
            Session::Locked | Session::Manager => Err(HandoverProblem::NoWorkspace),
        }
    }

    /// The people a choice means (tracked, for the form's count).
    pub fn chosen_people(&self, choose: &Choose) -> Vec<PersonId> {
        self.ws.with(|ws| ws.chosen_people(choose))
    }

    /// Makes a handover file of `people` for `to`, saves it to the computer, and only then
    /// marks them handed over (read-only here). Gives the code to show once.
    pub fn hand_over(&self, people: &[PersonId], to: &str) -> Result<Made, HandoverProblem> {
        if self.read_only_untracked() {
            return Err(HandoverProblem::ReadOnly);
        }
        let whose = self.whose()?;
        let Outgoing { handover, left_out } = self
            .ws
            .with_untracked(|ws| ws.prepare_handover(people, whose.me(), to, now()))?;
        let (text, code) = seal_handover(&handover, &mut BrowserIds);
        let file = file_name(today());
        download(&file, &text).map_err(HandoverProblem::Download)?;
        let mut chunks = Default::default();
        self.ws
            .update(|ws| chunks = ws.mark_handed(&handover, today()));
        self.commit(chunks.into_iter().map(StoreKey::Records));
        Ok(Made {
            code,
            file,
            people: handover.people.len(),
            to: handover.to,
            left_out,
        })
    }

    /// Opens a colleague's handover file with its code and works out what receiving it
    /// would do. Changes nothing.
    pub fn open_handover(
        &self,
        name: &str,
        text: &str,
        code: &str,
    ) -> Result<(Handover, Preview), HandoverProblem> {
        let whose = self.whose()?;
        let outer = read_handover(name, text)?;
        let handover = open_handover(name, &outer, code)?;
        let received = self
            .ws
            .with_untracked(|ws| ws.receive(&handover, whose.me(), today()))?;
        Ok((handover, received.preview))
    }

    /// Receives an opened handover as its preview said: works it out again, writes every
    /// changed part to storage at once (all of it or none), then shows it.
    pub fn receive_handover(
        &self,
        handover: &Handover,
        preview: &Preview,
    ) -> Result<(), HandoverProblem> {
        if self.read_only_untracked() {
            return Err(HandoverProblem::ReadOnly);
        }
        let whose = self.whose()?;
        let mut after = self.ws.get_untracked();
        let keys = after.apply_received(handover, preview, whose.me(), today())?;
        self.write_at_once(after, &keys)
    }

    /// Swaps in a changed workspace after writing its changed parts in one go; if storage
    /// refuses any of them, neither storage nor the screen changes.
    fn write_at_once(&self, after: Workspace, keys: &[StoreKey]) -> Result<(), HandoverProblem> {
        let before = self.ws.get_untracked();
        self.ws.set(after);
        let entries: Vec<(String, String)> =
            keys.iter().filter_map(|k| self.stored_value(*k)).collect();
        if let Err(e) = storage::write_all_or_none(&entries) {
            self.ws.set(before);
            return Err(e.into());
        }
        self.refresh_usage();
        self.note_changes(keys);
        Ok(())
    }

    /// Removes people handed over from this workspace (their records stay with the
    /// colleague they went to).
    pub fn remove_handed(&self, people: &[PersonId]) -> Result<usize, HandoverProblem> {
        if self.read_only_untracked() {
            return Err(HandoverProblem::ReadOnly);
        }
        let mut after = self.ws.get_untracked();
        let before = after.people.len();
        let keys = after.remove_handed(people);
        let removed = before - after.people.len();
        self.write_at_once(after, &keys)?;
        Ok(removed)
    }

    /// Takes people handed over back, editable and on the caseload again, without waiting
    /// for a handback (a file that never reached the colleague).
    pub fn take_back(&self, people: &[PersonId]) -> Result<usize, HandoverProblem> {
        if self.read_only_untracked() {
            return Err(HandoverProblem::ReadOnly);
        }
        let mut chunks = Default::default();
        self.ws.update(|ws| chunks = ws.take_back(people));
        self.commit(chunks.into_iter().map(StoreKey::Records));
        Ok(people.len())
    }

    /// Settles a value changed in two places on a referral by keeping the chosen one.
    pub fn choose_referral_value(
        &self,
        referral: ReferralId,
        conflict: &Conflict,
        pick: usize,
    ) -> Result<(), ChoiceError> {
        self.change_records(ChoiceError::NoSuchConflict, |ws| {
            let r = ws.changeable(referral).ok_or(ChoiceError::NoSuchConflict)?;
            let mut settled = choose(r, conflict, pick, |r| &mut r.conflicts)?;
            settled.updated = now();
            let person = settled.person;
            *r = settled;
            Ok(ws.chunk_of(person).unwrap_or_default())
        })
    }

    /// Settles a person's detail changed in two places by keeping the chosen value.
    pub fn choose_person_value(
        &self,
        person: PersonId,
        conflict: &Conflict,
        pick: usize,
    ) -> Result<(), ChoiceError> {
        self.change_records(ChoiceError::NoSuchConflict, |ws| {
            let p = ws
                .people
                .get_mut(&person)
                .ok_or(ChoiceError::NoSuchConflict)?;
            *p = choose(p, conflict, pick, |p| &mut p.conflicts)?;
            Ok(ws.chunk_of(person).unwrap_or_default())
        })
    }
}
