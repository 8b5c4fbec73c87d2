//! Sync with a CouchDB server the organisation runs (off unless switched on): switching it
//! on and off, setting up another PC from the set-up sheet, and what changes here (the
//! rounds themselves are in `sync_round`). The decisions are the core's
//! (`exchange::sync`); here they meet the network and storage.
//!
//! What this PC knows about sync lives in one sealed document of the workspace
//! (`…/sync`), so a reload loses nothing waiting to go, and the password and secret are
//! never stored in plain text.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use linkwork_core::exchange::sync::envelope::{
    encode_gone, make_secret, ServerDoc, SyncKey, SyncMeta, META_ID,
};
use linkwork_core::exchange::sync::state::{Server, SyncState};
use linkwork_core::store::crypto::Vault;
use linkwork_core::store::vault_store::{AccessError, WorkspaceMeta};
use linkwork_core::{PersonId, StoreKey};

use super::{AppState, Session};
use crate::couch::{check_address, check_database, Couch, CouchError};
use crate::platform::{now, BrowserIds};
use crate::storage::{self, Space};

/// How often a PC looks for changes from other PCs while open.
pub const PULL_EVERY_MS: f64 = 20_000.0;
/// How soon changes made here go, at most.
pub const PUSH_EVERY_MS: f64 = 3_000.0;
/// Longest wait between attempts after failures.
pub(super) const MOST_BACKOFF_MS: f64 = 300_000.0;
/// Changes read from the server per request.
pub(super) const PAGE: usize = 100;
/// Documents sent per request.
pub(super) const BATCH: usize = 40;

/// What the Sync settings show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncView {
    pub on: bool,
    pub busy: bool,
    pub server: String,
    pub database: String,
    pub user: String,
    pub device: String,
    pub last_synced: Option<DateTime<Utc>>,
    pub pending: usize,
    /// Why the last sync did not finish, in plain words.
    pub problem: Option<String>,
    /// Documents the server sent that were refused (each once).
    pub refused: Vec<String>,
}

/// What a person types to switch sync on, or to set up another PC.
#[derive(Clone, Debug, Default)]
pub struct SyncForm {
    pub address: String,
    pub database: String,
    pub user: String,
    pub password: String,
    /// The workspace's passphrase.
    pub passphrase: String,
    /// The sync secret from the set-up sheet (another PC; or this workspace again).
    pub secret: String,
}

/// Why sync could not be switched on, or a PC set up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SyncSetupError {
    #[error("{0}")]
    Field(String),
    #[error("{0}")]
    Server(CouchError),
    #[error("{0}")]
    Access(AccessError),
    #[error("That database already holds another Linkwork workspace. Use a database of your own (one for each workspace), or set this PC up from that workspace's set-up sheet on the lock screen.")]
    Taken,
    #[error("That database is empty: there is no workspace to set up from. Check the database name on the set-up sheet.")]
    Empty,
    #[error("The passphrase and sync secret do not open the workspace on the server. Check the secret against the set-up sheet, and use the passphrase the workspace had when sync was switched on (or last changed).")]
    WrongSecrets,
    #[error("{0}")]
    Storage(crate::storage::StorageError),
}

impl From<CouchError> for SyncSetupError {
    fn from(e: CouchError) -> Self {
        SyncSetupError::Server(e)
    }
}

/// What is wrong with each field of a sync form, by field name (`address`, `database`,
/// `user`, `password`, `passphrase`, `secret`), before anything is sent.
pub fn form_problems(form: &SyncForm, secret_needed: bool) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Err(e) = check_address(&form.address) {
        out.push(("address", e));
    }
    if let Err(e) = check_database(&form.database) {
        out.push(("database", e));
    }
    if form.user.trim().is_empty() {
        out.push((
            "user",
            "Enter your user name for the sync server.".to_owned(),
        ));
    }
    if form.password.is_empty() {
        out.push((
            "password",
            "Enter your password for the sync server.".to_owned(),
        ));
    }
    if form.passphrase.is_empty() {
        out.push(("passphrase", "Enter the workspace's passphrase.".to_owned()));
    }
    let secret = form.secret.trim();
    if (secret_needed || !secret.is_empty())
        && !linkwork_core::exchange::sync::envelope::secret_shape_ok(secret)
    {
        out.push((
            "secret",
            "Enter the sync secret from the set-up sheet: 24 letters and digits, in groups of four."
                .to_owned(),
        ));
    }
    out
}

/// The sync document of a workspace.
pub fn sync_key(id: &str) -> String {
    format!("{}sync", Space::Workspace(id.to_owned()).prefix())
}

/// The server details from a form, checked.
fn server_of(form: &SyncForm) -> Result<Server, SyncSetupError> {
    let address = check_address(&form.address).map_err(SyncSetupError::Field)?;
    let database = check_database(&form.database).map_err(SyncSetupError::Field)?;
    if form.user.trim().is_empty() || form.password.is_empty() {
        return Err(SyncSetupError::Field(
            "Enter the user name and password for the sync server.".into(),
        ));
    }
    Ok(Server {
        address,
        database,
        user: form.user.trim().to_owned(),
        password: form.password.clone(),
    })
}

impl AppState {
    /// The open workspace's id and key, if one is open.
    pub(super) fn opened(&self) -> Option<(WorkspaceMeta, Arc<Vault>)> {
        match (self.session.get_untracked(), self.vault.get_value()) {
            (Session::Open(meta), Some(vault)) => Some((meta, vault)),
            _ => None,
        }
    }

    /// Whether the same workspace is still open with the same key (after waiting).
    pub(super) fn still_open(&self, vault: &Arc<Vault>) -> bool {
        self.vault
            .get_value()
            .is_some_and(|v| Arc::ptr_eq(&v, vault))
    }

    /// Reads this workspace's sync state when it opens (none: sync is off).
    pub(super) fn load_sync(&self, meta: &WorkspaceMeta, vault: &Vault) {
        let key = sync_key(&meta.id);
        let state = storage::read(&key)
            .ok()
            .flatten()
            .and_then(|v| vault.open(&key, &v).ok())
            .and_then(|t| SyncState::decode(&t).ok());
        let first = state.as_ref().map(|s| s.first_part);
        self.ws.update(|ws| ws.place_new_people_from(first));
        self.sync.set_value(state);
        self.sync_due.set_value(0.0);
        self.sync_failures.set_value(0);
        self.refresh_sync_view(None);
    }

    /// Seals and writes the sync state.
    pub(super) fn save_sync(&self) -> Result<(), crate::storage::StorageError> {
        let Some((meta, vault)) = self.opened() else {
            return Ok(());
        };
        let Some(text) = self.sync.with_value(|s| s.as_ref().map(SyncState::encode)) else {
            return Ok(());
        };
        let key = sync_key(&meta.id);
        storage::write(&key, &vault.seal(&key, &text, &mut BrowserIds))
    }

    /// Shows the sync state on the page; `problem` replaces the last one.
    pub(super) fn refresh_sync_view(&self, problem: Option<Option<String>>) {
        let view = self.sync.with_value(|s| match s {
            None => SyncView::default(),
            Some(s) => SyncView {
                on: true,
                busy: self.sync_busy.get_value(),
                server: s.server.address.clone(),
                database: s.server.database.clone(),
                user: s.server.user.clone(),
                device: s.device.clone(),
                last_synced: s.last_synced,
                pending: s.pending.len() + usize::from(s.meta_out.is_some()),
                problem: None,
                refused: Vec::new(),
            },
        });
        self.sync_view.update(|v| {
            let (old_problem, old_refused) = (v.problem.take(), std::mem::take(&mut v.refused));
            *v = SyncView {
                problem: problem.unwrap_or(old_problem),
                refused: old_refused,
                ..view
            };
            if !v.on {
                v.problem = None;
                v.refused.clear();
            }
        });
    }

    /// Notes documents changed here, to go to the server.
    pub(super) fn note_changes(&self, keys: &[StoreKey]) {
        if self.sync.with_value(Option::is_none) || keys.is_empty() {
            return;
        }
        self.sync.update_value(|s| {
            if let Some(s) = s {
                for k in keys {
                    s.changed(SyncKey::Store(*k));
                }
            }
        });
        let _ = self.save_sync();
        self.refresh_sync_view(None);
    }

    /// Notes a person deleted under the data-rights feature: their tombstone goes to every
    /// PC, and wins there over any change.
    pub(super) fn note_gone(&self, person: PersonId) {
        self.sync.update_value(|s| {
            if let Some(s) = s {
                s.gone.insert(person);
                s.changed(SyncKey::Gone);
                s.compact = true;
            }
        });
        let _ = self.save_sync();
    }

    /// This PC's current text of a server document.
    pub(super) fn local_text(&self, key: SyncKey) -> String {
        match key {
            SyncKey::Gone => self.sync.with_value(|s| {
                encode_gone(&s.as_ref().map(|s| s.gone.clone()).unwrap_or_default())
            }),
            SyncKey::Store(k) => self.ws.with_untracked(|ws| ws.encode(k)),
        }
    }

    /// Switches sync on for the open workspace: checks the server, puts the workspace's key
    /// there (wrapped under the passphrase and a new sync secret), and sends everything.
    /// Gives the sync secret, to show once on the set-up sheet. Given the secret of this
    /// workspace's own database (syncing it again on this PC), it joins instead.
    pub async fn switch_on_sync(&self, form: SyncForm) -> Result<String, SyncSetupError> {
        let server = server_of(&form)?;
        let (meta, vault) = self
            .opened()
            .ok_or(SyncSetupError::Access(AccessError::WrongPassphrase))?;
        // The passphrase is checked first (it wraps the key on the server).
        let check = meta
            .unlock(&form.passphrase)
            .map_err(SyncSetupError::Access)?;
        if check.expose() != vault.expose() {
            return Err(SyncSetupError::Access(AccessError::WrongPassphrase));
        }
        let couch = Couch::new(&server);
        couch.check().await?;
        let existing = couch.document(META_ID, None).await?;
        let (secret, epoch) = match existing {
            Some(text) => {
                let (remote, _) =
                    SyncMeta::from_server(&text).map_err(|_| SyncSetupError::Taken)?;
                if remote.workspace != meta.id {
                    return Err(SyncSetupError::Taken);
                }
                let secret = form.secret.clone();
                remote
                    .open(&form.passphrase, &secret)
                    .map_err(|_| SyncSetupError::WrongSecrets)?;
                (secret, remote.epoch)
            }
            None => {
                let secret = make_secret(&mut BrowserIds);
                let sync_meta = SyncMeta::make(
                    &meta,
                    &vault,
                    &form.passphrase,
                    &secret,
                    now(),
                    &mut BrowserIds,
                )
                .map_err(SyncSetupError::Access)?;
                if !self.still_open(&vault) {
                    return Err(SyncSetupError::Access(AccessError::WrongPassphrase));
                }
                couch.put(META_ID, sync_meta.to_server(None)).await?;
                (secret, sync_meta.epoch)
            }
        };
        if !self.still_open(&vault) {
            return Err(SyncSetupError::Access(AccessError::WrongPassphrase));
        }
        let mut state = SyncState::new(server, secret.clone(), epoch, &mut BrowserIds);
        // Everything here goes (and is merged with whatever the server has).
        for k in self.ws.with_untracked(linkwork_core::Workspace::all_keys) {
            state.changed(SyncKey::Store(k));
        }
        state.changed(SyncKey::Gone);
        let first = state.first_part;
        self.sync.set_value(Some(state));
        self.ws.update(|ws| ws.place_new_people_from(Some(first)));
        self.save_sync().map_err(SyncSetupError::Storage)?;
        self.refresh_sync_view(Some(None));
        self.sync_now().await;
        Ok(secret)
    }

    /// Stops syncing on this PC: forgets the server, the sign-in and the secret. The
    /// workspace stays here as it is, and the server's copy is left alone.
    pub fn stop_sync(&self) -> Result<(), crate::storage::StorageError> {
        let Some((meta, _)) = self.opened() else {
            return Ok(());
        };
        storage::remove(&sync_key(&meta.id))?;
        self.sync.set_value(None);
        self.ws.update(|ws| ws.place_new_people_from(None));
        self.refresh_sync_view(Some(None));
        Ok(())
    }

    /// Sets this PC up from a set-up sheet: opens the workspace's key on the server with
    /// the passphrase and the secret, keeps it here under the same passphrase, then brings
    /// everything down and opens the workspace.
    pub async fn join_from_sheet(
        &self,
        form: SyncForm,
        existing: Vec<WorkspaceMeta>,
    ) -> Result<(), SyncSetupError> {
        let server = server_of(&form)?;
        if !linkwork_core::exchange::sync::envelope::secret_shape_ok(&form.secret) {
            return Err(SyncSetupError::Field(
                "A sync secret is 24 letters and digits, in groups of four, as on the set-up sheet.".into(),
            ));
        }
        let couch = Couch::new(&server);
        couch.check().await?;
        let text = couch
            .document(META_ID, None)
            .await?
            .ok_or(SyncSetupError::Empty)?;
        let (remote, _) = SyncMeta::from_server(&text).map_err(|_| SyncSetupError::Empty)?;
        let (vault, label) = remote
            .open(&form.passphrase, &form.secret)
            .map_err(|_| SyncSetupError::WrongSecrets)?;
        let meta = WorkspaceMeta::adopt(
            &remote.workspace,
            &label,
            &form.passphrase,
            &vault,
            &existing,
            now(),
            &mut BrowserIds,
        )
        .map_err(SyncSetupError::Access)?;
        let state = SyncState::new(
            server,
            linkwork_core::store::vault_store::normalise_code(&form.secret),
            remote.epoch,
            &mut BrowserIds,
        );
        let key = sync_key(&meta.id);
        let sealed = vault.seal(&key, &state.encode(), &mut BrowserIds);
        storage::write(&key, &sealed).map_err(SyncSetupError::Storage)?;
        storage::write(&meta.key(), &meta.encode()).map_err(SyncSetupError::Storage)?;
        self.open_with(meta, vault);
        self.sync_now().await;
        Ok(())
    }

    /// Before a lock: what is waiting goes to the server, sealed now (the key is wiped
    /// next). The answer is not waited for: a change that arrived is recognised as this
    /// PC's own at the next sync.
    pub(super) fn push_before_lock(&self) {
        let Some((meta, vault)) = self.opened() else {
            return;
        };
        let prepared = self.sync.with_value(|s| {
            let s = s.as_ref()?;
            if !s.has_pending() {
                return None;
            }
            let docs: Vec<ServerDoc> = s
                .pending
                .keys()
                .filter_map(|id| SyncKey::parse(id))
                .map(|k| {
                    s.to_push(&vault, &meta.id, k, &self.local_text(k), &mut BrowserIds)
                        .0
                })
                .collect();
            Some((Couch::new(&s.server), docs))
        });
        if let Some((couch, docs)) = prepared {
            leptos::task::spawn_local(async move {
                let _ = couch.bulk(&docs).await;
            });
        }
    }

    /// A new passphrase: the key on the server is wrapped again under it (at the next sync).
    pub(super) fn rewrap_for_sync(&self, passphrase: &str) {
        let Some((meta, vault)) = self.opened() else {
            return;
        };
        let Some(secret) = self
            .sync
            .with_value(|s| s.as_ref().map(|s| s.secret.clone()))
        else {
            return;
        };
        let Ok(fresh) = SyncMeta::make(&meta, &vault, passphrase, &secret, now(), &mut BrowserIds)
        else {
            return;
        };
        self.sync.update_value(|s| {
            if let Some(s) = s {
                // The epoch stays: other PCs go on syncing.
                s.meta_out = Some(SyncMeta {
                    epoch: s.epoch.clone(),
                    ..fresh
                });
            }
        });
        let _ = self.save_sync();
        self.refresh_sync_view(None);
    }
}
