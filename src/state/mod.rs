//! The one root state, provided through context.

mod care;
mod changes;
mod diary;
mod handover;
pub mod sync;
pub mod sync_round;

pub use handover::{HandoverProblem, Made};

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;
use leptos::prelude::*;
use linkwork_core::store::crypto::Vault;
use linkwork_core::store::format::blocks_writing;
use linkwork_core::store::vault_store::{self, AccessError, OpenedBackup, WorkspaceMeta};
use linkwork_core::views::summary::{Imported, Programme};
use linkwork_core::work::demo::{generate, DemoSpec};
use linkwork_core::{Loaded, Problem, ReferralDraft, StoreKey, Workspace};
use serde::{Deserialize, Serialize};

use crate::platform::{now, today, BrowserIds};
use crate::route::{self, Route};
use crate::storage::{self, Space, StorageError};
use crate::tabs::{self, TabSession};

/// Who is at the keyboard: nobody (locked), a demo visitor, or the owner of
/// one workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Session {
    Locked,
    Demo,
    Open(WorkspaceMeta),
    /// A manager reading anonymised summaries (no workspace is open).
    Manager,
}

impl Session {
    /// Where the open session's documents live.
    pub fn space(&self) -> Option<Space> {
        match self {
            Session::Locked | Session::Manager => None,
            Session::Demo => Some(Space::Demo),
            Session::Open(meta) => Some(Space::Workspace(meta.id.clone())),
        }
    }
}

/// A half-filled form, kept (encrypted) across a lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDraft {
    /// The address of the form's page.
    pub href: String,
    pub draft: ReferralDraft,
    /// The referral page's section forms: a contact, a booking, a task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<linkwork_core::ContactDraft>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<linkwork_core::work::diary::AppointmentDraft>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<linkwork_core::work::diary::TaskDraft>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<linkwork_core::work::diary::NoteDraft>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<linkwork_core::work::risk::RiskDraft>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<linkwork_core::work::plan::ActionDraft>,
}

/// Storage key suffix of a locked workspace's half-filled form.
const DRAFT_SUFFIX: &str = "draft";

/// Everything the app knows, in signals. Persisted data lives in `ws`; the
/// rest describes the session.
#[derive(Clone, Copy)]
pub struct AppState {
    pub session: RwSignal<Session>,
    /// The key of the open workspace. Dropping it wipes it.
    vault: StoredValue<Option<Arc<Vault>>>,
    /// The open workspace.
    pub ws: RwSignal<Workspace>,
    /// The page shown.
    pub route: RwSignal<Route>,
    /// Keys changed in memory and not yet written to storage.
    pub dirty: RwSignal<BTreeSet<StoreKey>>,
    /// Why the last write failed, while changes are waiting to be saved.
    pub save_error: RwSignal<Option<StorageError>>,
    /// Why storage could not be read at all.
    pub load_error: RwSignal<Option<StorageError>>,
    /// Stored values that could not be read.
    pub problems: RwSignal<Vec<Problem>>,
    /// A short confirmation shown after an action ("Referral saved").
    pub notice: RwSignal<Option<Notice>>,
    /// A workspace just created: offer its recovery code on the first page.
    pub offer_recovery: RwSignal<bool>,
    /// The open form's current content, so a lock can keep it.
    pub form_draft: RwSignal<Option<FormDraft>>,
    /// A form kept across a lock, waiting for its page to open again.
    pub restore_draft: RwSignal<Option<FormDraft>>,
    /// Sealed changes that could not be saved before a lock (storage full):
    /// `(key, sealed value)`, put back after unlocking.
    held: StoredValue<Vec<(String, String)>>,
    /// Units of local storage in use, refreshed after writes.
    pub used_units: RwSignal<u64>,
    /// This tab, for the editing lock between tabs: its id, the page it
    /// showed before, whether it is leaving, when it last unlocked, and
    /// whether another tab is the one editing this workspace.
    pub tabs: TabSession,
    /// Whether the browser agreed to keep storage persistent.
    pub persisted: RwSignal<Option<bool>>,
    /// The contact mode used last, offered first next time.
    last_mode: StoredValue<Option<String>>,
    /// The manager's imported summaries.
    pub programme: RwSignal<Programme>,
    /// Why the manager's stored summaries could not be read or saved.
    pub manager_error: RwSignal<Option<String>>,
    /// What this PC knows about sync, while a workspace that syncs is open.
    sync: StoredValue<Option<linkwork_core::exchange::sync::state::SyncState>>,
    /// Sync as the settings show it.
    pub sync_view: RwSignal<sync::SyncView>,
    /// A round of sync is running.
    sync_busy: StoredValue<bool>,
    /// When the next round is due (ms since 1970), and when the last one ended.
    sync_due: StoredValue<f64>,
    sync_last: StoredValue<f64>,
    /// Rounds failed in a row (for waiting longer between attempts).
    sync_failures: StoredValue<u32>,
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
    /// Creates the state, locked.
    pub fn new() -> Self {
        let state = Self {
            session: RwSignal::new(Session::Locked),
            vault: StoredValue::new(None),
            ws: RwSignal::new(Workspace::new()),
            route: RwSignal::new(route::current()),
            dirty: RwSignal::new(BTreeSet::new()),
            save_error: RwSignal::new(None),
            load_error: RwSignal::new(None),
            problems: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            offer_recovery: RwSignal::new(false),
            form_draft: RwSignal::new(None),
            restore_draft: RwSignal::new(None),
            held: StoredValue::new(Vec::new()),
            used_units: RwSignal::new(0),
            tabs: TabSession::new(hex_id()),
            persisted: RwSignal::new(None),
            last_mode: StoredValue::new(None),
            programme: RwSignal::new(Programme::default()),
            manager_error: RwSignal::new(None),
            sync: StoredValue::new(None),
            sync_view: RwSignal::new(sync::SyncView::default()),
            sync_busy: StoredValue::new(false),
            sync_due: StoredValue::new(0.0),
            sync_last: StoredValue::new(0.0),
            sync_failures: StoredValue::new(0),
        };
        state.refresh_usage();
        state
    }

    /// Whether edits are refused: stored data could not be read safely, or
    /// another tab is editing this workspace.
    pub fn read_only(&self) -> bool {
        self.tabs.other_tab.get() || self.problems.with(|p| blocks_writing(p))
    }

    /// [`Self::read_only`], without subscribing to changes.
    pub fn read_only_untracked(&self) -> bool {
        self.tabs.other_tab.get_untracked() || self.problems.with_untracked(|p| blocks_writing(p))
    }

    /// Whether there are changes not yet in storage.
    pub fn unsaved(&self) -> bool {
        !self.dirty.with(BTreeSet::is_empty)
    }

    /// [`Self::unsaved`], without subscribing to changes.
    pub fn unsaved_untracked(&self) -> bool {
        !self.dirty.with_untracked(BTreeSet::is_empty)
    }

    /// Where the open session's documents live.
    pub fn space(&self) -> Option<Space> {
        self.session.with_untracked(Session::space)
    }

    /// The stored value for a document of the open session: sealed under the
    /// workspace key, or plain for the demo.
    pub fn stored_value(&self, key: StoreKey) -> Option<(String, String)> {
        let space = self.space()?;
        let name = key.name(&space.namespace());
        let text = self.ws.with_untracked(|ws| ws.encode(key));
        let value = match space {
            Space::Demo => text,
            Space::Workspace(_) => {
                let vault = self.vault.get_value()?;
                vault.seal(&name, &text, &mut BrowserIds)
            }
        };
        Some((name, value))
    }

    /// Opens the contents of a stored document of the open session.
    pub fn open_value(&self, name: &str, value: &str) -> Option<String> {
        match self.space()? {
            Space::Demo => Some(value.to_owned()),
            Space::Workspace(_) => self.vault.get_value()?.open(name, value).ok(),
        }
    }

    /// Recounts local storage use.
    pub fn refresh_usage(&self) {
        if let Ok(units) = storage::used_units() {
            self.used_units.set(units);
        }
    }

    /// Shows a loaded workspace.
    fn show(&self, session: Session, loaded: Result<Loaded, StorageError>) {
        let (mut ws, problems, error) = match loaded {
            Ok(loaded) => (loaded.workspace, loaded.problems, None),
            Err(e) => (Workspace::new(), Vec::new(), Some(e)),
        };
        // Edits are recorded as made by the workspace's label.
        ws.editor = match &session {
            Session::Open(meta) => meta.name.clone(),
            Session::Demo => "Demo".to_owned(),
            _ => String::new(),
        };
        self.session.set(session);
        self.offer_recovery.set(false);
        self.ws.set(ws);
        self.problems.set(problems);
        self.load_error.set(error);
        self.dirty.set(BTreeSet::new());
        self.save_error.set(None);
        self.tabs.other_tab.set(false);
        self.refresh_usage();
    }

    /// Unlocks a workspace with its passphrase (slow: derives the key).
    pub fn unlock(&self, meta: &WorkspaceMeta, passphrase: &str) -> Result<(), AccessError> {
        crate::platform::mark("linkwork-kdf-start");
        let vault = meta.unlock(passphrase)?;
        crate::platform::mark("linkwork-kdf-end");
        let (mut meta, vault) = self.upgrade(meta.clone(), vault);
        // Key settings older than today's are raised once, now the passphrase is known;
        // if the description cannot be written, the old settings simply stay.
        if let Some(stronger) = vault_store::strengthen(&meta, &vault, passphrase, &mut BrowserIds)
        {
            if storage::write(&stronger.key(), &stronger.encode()).is_ok() {
                meta = stronger;
            }
        }
        self.open_with(meta, vault);
        crate::platform::mark("linkwork-loaded");
        Ok(())
    }

    /// Sets a new passphrase with the workspace's recovery code and opens it.
    pub fn recover(
        &self,
        meta: &WorkspaceMeta,
        code: &str,
        passphrase: &str,
        confirm: &str,
    ) -> Result<(), CreateError> {
        let (new_meta, vault) =
            vault_store::recover(meta, code, passphrase, confirm, &mut BrowserIds)
                .map_err(CreateError::from)?;
        storage::write(&new_meta.key(), &new_meta.encode()).map_err(CreateError::Storage)?;
        self.open_with(new_meta, vault);
        Ok(())
    }

    /// Makes a new recovery code for the open workspace (the old one stops working) and
    /// gives it, to show once.
    pub fn make_recovery(&self) -> Result<String, CreateError> {
        let (Session::Open(meta), Some(vault)) =
            (self.session.get_untracked(), self.vault.get_value())
        else {
            return Err(CreateError::Access(vec![AccessError::NoRecoveryCode]));
        };
        let (new_meta, code) = vault_store::make_recovery(&meta, &vault, now(), &mut BrowserIds)
            .map_err(CreateError::from)?;
        storage::write(&new_meta.key(), &new_meta.encode()).map_err(CreateError::Storage)?;
        self.session.set(Session::Open(new_meta));
        Ok(code)
    }

    /// Moves a workspace made before its documents had their own data key to one, once,
    /// all or nothing: the new copy is written under a new id and read back whole before
    /// its description is written and the old copy removed. Any failure (or anything kept
    /// over the lock, or a part that cannot be read) leaves the workspace as it was, to move
    /// at a later unlock.
    fn upgrade(&self, meta: WorkspaceMeta, vault: Vault) -> (WorkspaceMeta, Vault) {
        let kept = [self.draft_key(&meta), Self::shared_draft_key(&meta)]
            .iter()
            .any(|k| storage::read(k).ok().flatten().is_some())
            || !self.held.with_value(|h| h.is_empty());
        if !meta.needs_upgrade() || kept {
            return (meta, vault);
        }
        let Ok(loaded) = storage::load_workspace_sealed(&meta, &vault) else {
            return (meta, vault);
        };
        if !loaded.problems.is_empty() {
            return (meta, vault);
        }
        let (new_meta, new_vault, entries) =
            vault_store::upgrade(&loaded.workspace, &meta, &vault, &mut BrowserIds);
        let new_prefix = Space::Workspace(new_meta.id.clone()).prefix();
        let read_back = storage::write_all(&entries)
            .ok()
            .and_then(|()| storage::load_workspace_sealed(&new_meta, &new_vault).ok());
        let same =
            read_back.is_some_and(|r| r.problems.is_empty() && r.workspace == loaded.workspace);
        if !same || storage::write(&new_meta.key(), &new_meta.encode()).is_err() {
            let _ = storage::remove_prefix(&new_prefix);
            return (meta, vault);
        }
        let _ = storage::remove_prefix(&Space::Workspace(meta.id.clone()).prefix());
        (new_meta, new_vault)
    }

    /// Opens a workspace whose key is known, restoring anything kept over the lock.
    fn open_with(&self, meta: WorkspaceMeta, vault: Vault) {
        self.tabs.opened_at.set_value(js_sys::Date::now());
        let vault = Arc::new(vault);
        self.vault.set_value(Some(Arc::clone(&vault)));
        let mut loaded = storage::load_workspace_sealed(&meta, &vault);
        // Changes that could not be saved before the lock go back on top.
        let held = std::mem::take(&mut *self.held.write_value());
        let mut redo = BTreeSet::new();
        if let Ok(loaded) = loaded.as_mut() {
            for (name, sealed) in held {
                let key = storage::parse_in(&Space::Workspace(meta.id.clone()), &name);
                let text = vault.open(&name, &sealed).ok();
                if let (Some(key), Some(text)) = (key, text) {
                    if loaded.workspace.apply_document(key, &text).is_ok() {
                        redo.insert(key);
                    }
                }
            }
        }
        let mut draft = None;
        for draft_key in [self.draft_key(&meta), Self::shared_draft_key(&meta)] {
            let found = storage::read(&draft_key)
                .ok()
                .flatten()
                .and_then(|v| vault.open(&draft_key, &v).ok())
                .and_then(|text| serde_json::from_str::<FormDraft>(&text).ok());
            if found.is_some() && draft.is_none() {
                draft = found;
                let _ = storage::remove(&draft_key);
            }
        }
        self.show(Session::Open(meta.clone()), loaded);
        self.load_sync(&meta, &vault);
        if !redo.is_empty() {
            self.dirty.set(redo);
        }
        if let Some(draft) = draft {
            let href = draft.href.clone();
            self.restore_draft.set(Some(draft));
            route::go_href(&href);
        } else if route::at_start() {
            // The day starts on Today, unless the address asks for a page (`#/caseload`).
            // Drawn at once, so focus given to its heading next stays there.
            self.route.set(Route::Today);
            route::go(Route::Today);
        }
        if let Session::Open(meta) = self.session.get_untracked() {
            tabs::on_open(&meta, self.tabs);
        }
        crate::platform::request_persistence(self.persisted);
    }

    /// Where this tab keeps its half-filled form over a lock: its own key, so two tabs'
    /// forms never overwrite each other, and each tab gets its own back.
    fn draft_key(&self, meta: &WorkspaceMeta) -> String {
        format!(
            "{}{DRAFT_SUFFIX}/{}",
            Space::Workspace(meta.id.clone()).prefix(),
            tabs::tab_name()
        )
    }

    /// Where an earlier version kept one form for every tab: read once, by the first tab
    /// to unlock, then removed.
    fn shared_draft_key(meta: &WorkspaceMeta) -> String {
        format!(
            "{}{DRAFT_SUFFIX}",
            Space::Workspace(meta.id.clone()).prefix()
        )
    }

    /// Creates a workspace, moving any unencrypted records of earlier
    /// versions into it (encrypted), then opens it.
    pub fn create_workspace(
        &self,
        name: &str,
        passphrase: &str,
        confirm: &str,
        existing: &[WorkspaceMeta],
    ) -> Result<(), CreateError> {
        let (meta, vault) =
            WorkspaceMeta::create(name, passphrase, confirm, existing, now(), &mut BrowserIds)
                .map_err(CreateError::Access)?;
        let legacy = storage::legacy_entries();
        let moved = if legacy.is_empty() {
            None
        } else {
            Some(
                vault_store::read_plain(
                    storage::LEGACY_NS,
                    legacy.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                )
                .map_err(CreateError::LegacyUnreadable)?,
            )
        };
        let ws = moved.clone().unwrap_or_default();
        self.write_new_workspace(&meta, &vault, &ws)?;
        if moved.is_some() {
            // Only once the encrypted copy reads back identical.
            let check =
                storage::load_workspace_sealed(&meta, &vault).map_err(CreateError::Storage)?;
            if check.workspace != ws || !check.problems.is_empty() {
                return Err(CreateError::VerifyFailed);
            }
            for (key, _) in &legacy {
                storage::remove(key).map_err(CreateError::Storage)?;
            }
        }
        self.open_with(meta, vault);
        self.offer_recovery.set(true);
        Ok(())
    }

    /// Writes a whole workspace, then its description (which makes it appear).
    fn write_new_workspace(
        &self,
        meta: &WorkspaceMeta,
        vault: &Vault,
        ws: &Workspace,
    ) -> Result<(), CreateError> {
        let entries = vault_store::seal_all(ws, meta, vault, &mut BrowserIds);
        if let Err(e) = storage::write_all(&entries) {
            let _ = storage::remove_prefix(&Space::Workspace(meta.id.clone()).prefix());
            return Err(CreateError::Storage(e));
        }
        storage::write(&meta.key(), &meta.encode()).map_err(CreateError::Storage)
    }

    /// Restores an opened backup as a new workspace, and opens it.
    pub fn restore_backup(
        &self,
        backup: &OpenedBackup,
        name: &str,
        passphrase: &str,
        existing: &[WorkspaceMeta],
    ) -> Result<(), CreateError> {
        let (mut meta, vault) = WorkspaceMeta::create(
            name,
            passphrase,
            passphrase,
            existing,
            now(),
            &mut BrowserIds,
        )
        .map_err(CreateError::Access)?;
        meta.last_backup = Some(backup.created);
        self.write_new_workspace(&meta, &vault, &backup.workspace)?;
        self.open_with(meta, vault);
        Ok(())
    }

    /// Locks: keeps a half-filled form (encrypted), wipes the key and clears
    /// personal data from memory and the screen.
    pub fn lock(&self) {
        // Every other tab of this workspace locks too, at once.
        if let Session::Open(meta) = self.session.get_untracked() {
            tabs::announce_lock(&meta);
        }
        self.lock_here();
    }

    /// Locks this tab only (another tab has announced a lock).
    pub fn lock_here(&self) {
        if self.session.get_untracked() == Session::Demo {
            route::forget_demo_request();
        }
        if let (Session::Open(meta), Some(vault)) =
            (self.session.get_untracked(), self.vault.get_value())
        {
            if let Some(draft) = self.form_draft.get_untracked() {
                let key = self.draft_key(&meta);
                if let Ok(text) = serde_json::to_string(&draft) {
                    let sealed = vault.seal(&key, &text, &mut BrowserIds);
                    if storage::write(&key, &sealed).is_err() {
                        self.held.update_value(|h| h.push((key, sealed)));
                    }
                }
            }
            // Changes storage would not take stay in memory, sealed.
            let dirty = self.dirty.get_untracked();
            for key in dirty {
                if let Some(pair) = self.stored_value(key) {
                    self.held.update_value(|h| h.push(pair));
                }
            }
            tabs::release(&meta, self.tabs);
            // What is waiting goes to the sync server; then sync stops with the lock.
            self.push_before_lock();
        }
        self.sync.set_value(None);
        self.sync_view.set(sync::SyncView::default());
        self.vault.set_value(None);
        self.form_draft.set(None);
        self.restore_draft.set(None);
        self.notice.set(None);
        self.show(Session::Locked, Ok(Loaded::empty()));
    }

    /// Marks keys as changed; the persist effect writes them.
    fn commit(&self, keys: impl IntoIterator<Item = StoreKey>) {
        let keys: Vec<StoreKey> = keys.into_iter().collect();
        self.note_changes(&keys);
        self.dirty.update(|d| d.extend(keys));
    }

    /// Opens the demo caseload, creating it if there is none.
    pub fn open_demo(&self) -> Result<(), StorageError> {
        if !storage::has_demo() {
            let ws = generate(&DemoSpec::standard(), today());
            let entries: Vec<(String, String)> = ws
                .all_keys()
                .into_iter()
                .map(|k| (k.name(&Space::Demo.namespace()), ws.encode(k)))
                .collect();
            if let Err(e) = storage::write_all(&entries) {
                let _ = storage::remove_prefix(&Space::Demo.prefix());
                return Err(e);
            }
        }
        self.show(Session::Demo, storage::load_demo());
        if route::at_start() {
            self.route.set(Route::Today);
            route::go(Route::Today);
        }
        Ok(())
    }

    /// Opens the manager view with the summaries imported before (if they
    /// cannot be read, it opens empty and says why).
    pub fn open_manager(&self) {
        let programme = storage::read_programme();
        self.show(Session::Manager, Ok(Loaded::empty()));
        match programme {
            Ok(p) => {
                self.programme.set(p);
                self.manager_error.set(None);
            }
            Err(e) => {
                self.programme.set(Programme::default());
                self.manager_error.set(Some(e.to_string()));
            }
        }
        route::go(Route::Programme);
    }

    /// Imports summary files (name, text); good files are kept even when
    /// others in the batch are refused. The outcome of each, in order, and
    /// whether the summaries could be saved.
    pub fn import_summaries(
        &self,
        files: &[(String, String)],
        passphrase: Option<&str>,
    ) -> (Vec<Imported>, Result<(), StorageError>) {
        let mut outcomes = Vec::new();
        self.programme
            .update(|p| outcomes = p.import(files, passphrase));
        let saved = self.programme.with_untracked(storage::write_programme);
        (outcomes, saved)
    }

    /// Removes one imported summary.
    pub fn remove_summary(
        &self,
        label: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(), StorageError> {
        self.programme.update(|p| p.remove(label, from, to));
        self.programme.with_untracked(storage::write_programme)
    }

    /// Deletes the demo caseload and returns to the lock screen.
    pub fn clear_demo(&self) -> Result<(), StorageError> {
        storage::remove_prefix(&Space::Demo.prefix())?;
        self.lock();
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
        match self.session.get_untracked() {
            Session::Locked | Session::Manager => {}
            Session::Demo => self.show(Session::Demo, storage::load_demo()),
            Session::Open(meta) => {
                if let Some(vault) = self.vault.get_value() {
                    self.show(
                        Session::Open(meta.clone()),
                        storage::load_workspace_sealed(&meta, &vault),
                    );
                }
            }
        }
        Ok(())
    }

    /// Records a backup as made now, in the workspace description.
    pub fn mark_backed_up(&self) -> Result<(), StorageError> {
        let Session::Open(mut meta) = self.session.get_untracked() else {
            return Ok(());
        };
        meta.last_backup = Some(now());
        storage::write(&meta.key(), &meta.encode())?;
        self.session.set(Session::Open(meta));
        Ok(())
    }

    /// The backup file of the open workspace.
    pub fn backup_file(&self) -> Option<String> {
        let Session::Open(meta) = self.session.get_untracked() else {
            return None;
        };
        let vault = self.vault.get_value()?;
        Some(self.ws.with_untracked(|ws| {
            vault_store::export_backup(ws, &meta, &vault, now(), &mut BrowserIds)
        }))
    }

    /// A new passphrase for the open workspace: its data key is wrapped again under the
    /// new passphrase and the description rewritten, in one write. The id and every
    /// document stay as they are.
    pub fn change_passphrase(&self, new: &str, confirm: &str) -> Result<(), CreateError> {
        let (Session::Open(meta), Some(vault)) =
            (self.session.get_untracked(), self.vault.get_value())
        else {
            return Ok(());
        };
        let new_meta = vault_store::change_passphrase(&meta, &vault, new, confirm, &mut BrowserIds)
            .map_err(CreateError::from)?;
        storage::write(&new_meta.key(), &new_meta.encode()).map_err(CreateError::Storage)?;
        self.session.set(Session::Open(new_meta));
        self.rewrap_for_sync(new);
        Ok(())
    }
}

/// Why a workspace could not be created, restored or re-keyed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreateError {
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))]
    Access(Vec<AccessError>),
    #[error("{0}")]
    Storage(StorageError),
    #[error("Records saved by an earlier version could not all be read, so they were left where they are, untouched: {}", .0.iter().map(|p| p.error.to_string()).collect::<Vec<_>>().join("; "))]
    LegacyUnreadable(Vec<Problem>),
    #[error("The encrypted copy did not read back the same, so your earlier records were left where they are. Please try again.")]
    VerifyFailed,
}

impl From<AccessError> for CreateError {
    fn from(e: AccessError) -> Self {
        CreateError::Access(vec![e])
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// A random id for this tab.
fn hex_id() -> String {
    use linkwork_core::Random;
    BrowserIds
        .bytes16()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
