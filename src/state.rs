//! The one root state, provided through context.

use std::collections::BTreeSet;

use leptos::prelude::*;
use linkwork_core::demo::{generate, DemoSpec};
use linkwork_core::{
    Problem, ReferralDraft, ReferralError, ReferralId, Saved, Settings, StoreKey, Workspace,
};

use crate::platform::{now, today, BrowserIds};
use crate::route::{self, Route};
use crate::storage::{self, Namespace, StorageError};

/// Everything the app knows, in signals. Persisted data lives in `ws`; the
/// rest describes the session.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The open workspace.
    pub ws: RwSignal<Workspace>,
    /// Which stored workspace is open: the real one or the demo.
    pub namespace: RwSignal<Namespace>,
    /// The page shown.
    pub route: RwSignal<Route>,
    /// Keys changed in memory and not yet written to storage.
    pub dirty: RwSignal<BTreeSet<StoreKey>>,
    /// Why the last write failed, while changes are waiting to be saved.
    pub save_error: RwSignal<Option<StorageError>>,
    /// Why storage could not be read at all.
    pub load_error: RwSignal<Option<StorageError>>,
    /// Stored values that could not be read. While any remain, nothing is
    /// written, so nothing can overwrite them.
    pub problems: RwSignal<Vec<Problem>>,
    /// A short confirmation shown after an action ("Referral saved").
    pub notice: RwSignal<Option<Notice>>,
}

/// A confirmation for the page it was raised for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    /// The page it is shown on; going elsewhere clears it.
    pub on: Route,
}

/// The root state, from context.
pub fn use_state() -> AppState {
    expect_context::<AppState>()
}

impl AppState {
    /// Creates the state and opens the workspace that was open last time.
    pub fn new() -> Self {
        let state = Self {
            ws: RwSignal::new(Workspace::new()),
            namespace: RwSignal::new(Namespace::Main),
            route: RwSignal::new(route::current()),
            dirty: RwSignal::new(BTreeSet::new()),
            save_error: RwSignal::new(None),
            load_error: RwSignal::new(None),
            problems: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
        };
        state.open(storage::active_namespace());
        state
    }

    /// Loads a namespace into memory, replacing what is shown.
    pub fn open(&self, namespace: Namespace) {
        let (ws, problems, error) = match storage::load(namespace) {
            Ok(loaded) => (loaded.workspace, loaded.problems, None),
            Err(e) => (Workspace::new(), Vec::new(), Some(e)),
        };
        self.namespace.set(namespace);
        self.ws.set(ws);
        self.problems.set(problems);
        self.load_error.set(error);
        self.dirty.set(BTreeSet::new());
        self.save_error.set(None);
    }

    /// Whether edits are refused because stored data could not be read.
    pub fn read_only(&self) -> bool {
        !self.problems.with(Vec::is_empty)
    }

    /// Whether there are changes not yet in storage.
    pub fn unsaved(&self) -> bool {
        !self.dirty.with(BTreeSet::is_empty)
    }

    /// Marks keys as changed; the persist effect writes them.
    fn commit(&self, keys: impl IntoIterator<Item = StoreKey>) {
        self.dirty.update(|d| d.extend(keys));
    }

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
        self.commit([StoreKey::Records(saved.chunk), StoreKey::Settings]);
        Ok(saved)
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

    /// Creates the demo caseload in its own namespace and opens it.
    pub fn load_demo(&self) -> Result<(), StorageError> {
        storage::clear(Namespace::Demo)?;
        let ws = generate(&DemoSpec::standard(), today());
        for key in ws.all_keys() {
            storage::write(Namespace::Demo, key, &ws.encode(key))?;
        }
        storage::set_active_namespace(Namespace::Demo)?;
        self.open(Namespace::Demo);
        Ok(())
    }

    /// Deletes the demo caseload and returns to the real workspace.
    pub fn clear_demo(&self) -> Result<(), StorageError> {
        storage::clear(Namespace::Demo)?;
        self.leave_demo()
    }

    /// Returns to the real workspace, keeping the demo for later.
    pub fn leave_demo(&self) -> Result<(), StorageError> {
        storage::set_active_namespace(Namespace::Main)?;
        self.open(Namespace::Main);
        route::go(Route::Caseload);
        Ok(())
    }

    /// Moves unreadable values aside (their recovery copies stay) and
    /// reopens the workspace with everything that could be read.
    pub fn set_aside_damaged(&self) -> Result<(), StorageError> {
        let keys: Vec<String> = self
            .problems
            .with_untracked(|p| p.iter().map(|p| p.key.clone()).collect());
        for key in keys {
            storage::set_aside(&key)?;
        }
        self.open(self.namespace.get_untracked());
        Ok(())
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
