//! Sync with a CouchDB server the organisation runs (off unless switched on): switching it
//! on and off, setting up another PC from the set-up sheet, and one round of sync. The
//! decisions are the core's (`exchange::sync`); here they meet the network and storage.
//!
//! What this PC knows about sync lives in one sealed document of the workspace
//! (`…/sync`), so a reload loses nothing waiting to go, and the password and secret are
//! never stored in plain text.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use linkwork_core::exchange::sync::envelope::{
    decode_gone, describe_id, encode_gone, make_secret, open_doc, ServerDoc, SyncKey, SyncMeta,
    META_ID,
};
use linkwork_core::exchange::sync::merge::merge_texts;
use linkwork_core::exchange::sync::state::{Pulled, Server, SyncState};
use linkwork_core::store::crypto::Vault;
use linkwork_core::store::vault_store::{AccessError, WorkspaceMeta};
use linkwork_core::{PersonId, StoreKey};

use super::{AppState, Notice, Session};
use crate::couch::{check_address, check_database, Couch, CouchError};
use crate::platform::{now, BrowserIds};
use crate::route;
use crate::storage::{self, Space};
use crate::tabs;

/// How often a PC looks for changes from other PCs while open.
pub const PULL_EVERY_MS: f64 = 20_000.0;
/// How soon changes made here go, at most.
pub const PUSH_EVERY_MS: f64 = 3_000.0;
/// Longest wait between attempts after failures.
const MOST_BACKOFF_MS: f64 = 300_000.0;
/// Changes read from the server per request.
const PAGE: usize = 100;
/// Documents sent per request.
const BATCH: usize = 40;

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
    fn opened(&self) -> Option<(WorkspaceMeta, Arc<Vault>)> {
        match (self.session.get_untracked(), self.vault.get_value()) {
            (Session::Open(meta), Some(vault)) => Some((meta, vault)),
            _ => None,
        }
    }

    /// Whether the same workspace is still open with the same key (after waiting).
    fn still_open(&self, vault: &Arc<Vault>) -> bool {
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
    fn save_sync(&self) -> Result<(), crate::storage::StorageError> {
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
    fn refresh_sync_view(&self, problem: Option<Option<String>>) {
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
    fn local_text(&self, key: SyncKey) -> String {
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

    /// One round of sync, if sync is on, this tab is the one editing, and no round is
    /// running: pull, merge, push, repeated while a push meets a newer version.
    pub async fn sync_now(&self) {
        let Some((meta, vault)) = self.opened() else {
            return;
        };
        if self.sync.with_value(Option::is_none) || self.sync_busy.get_value() {
            return;
        }
        if !tabs::still_mine(&meta, self.tabs) || self.read_only_untracked() {
            return;
        }
        self.sync_busy.set_value(true);
        self.refresh_sync_view(None);
        let result = self.sync_round(&meta, &vault).await;
        if !self.still_open(&vault) {
            self.sync_busy.set_value(false);
            return;
        }
        self.sync_busy.set_value(false);
        let here = js_sys::Date::now();
        self.sync_last.set_value(here);
        match result {
            Ok(()) => {
                self.sync_failures.set_value(0);
                self.sync_due.set_value(here + PULL_EVERY_MS);
                self.sync.update_value(|s| {
                    if let Some(s) = s {
                        s.last_synced = Some(now());
                    }
                });
                let _ = self.save_sync();
                self.refresh_sync_view(Some(None));
            }
            Err(e) => {
                let failures = self.sync_failures.get_value() + 1;
                self.sync_failures.set_value(failures);
                let wait = if e.transient() {
                    5_000.0 * 2f64.powi(failures.min(6) as i32)
                } else {
                    MOST_BACKOFF_MS
                };
                self.sync_due.set_value(here + wait.min(MOST_BACKOFF_MS));
                let _ = self.save_sync();
                self.refresh_sync_view(Some(Some(e.to_string())));
            }
        }
    }

    /// Whether a round is due now.
    pub fn sync_due_now(&self) -> bool {
        let here = js_sys::Date::now();
        let pending = self.sync.with_value(|s| {
            s.as_ref()
                .is_some_and(|s| s.has_pending() || s.meta_out.is_some())
        });
        let pushed_long_ago = here - self.sync_last.get_value() >= PUSH_EVERY_MS;
        (pending && pushed_long_ago && self.sync_failures.get_value() == 0)
            || here >= self.sync_due.get_value()
    }

    async fn sync_round(&self, meta: &WorkspaceMeta, vault: &Arc<Vault>) -> Result<(), CouchError> {
        let Some(server) = self
            .sync
            .with_value(|s| s.as_ref().map(|s| s.server.clone()))
        else {
            return Ok(());
        };
        let couch = Couch::new(&server);
        self.check_meta(&couch).await?;
        for _ in 0..4 {
            self.pull(&couch, meta, vault).await?;
            if !self.still_open(vault) {
                return Ok(());
            }
            if !self.push(&couch, meta, vault).await? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The server must still hold this workspace under the epoch this PC joined: an emptied
    /// or replaced database is reported, never taken as "delete everything here".
    async fn check_meta(&self, couch: &Couch) -> Result<(), CouchError> {
        let gone = || {
            CouchError::Unexpected(
            "the sync server no longer holds this workspace: its database was emptied or replaced. Nothing on this PC was changed or deleted. Ask whoever runs the server; to send this PC's copy again, stop syncing and switch it on again".into(),
        )
        };
        let text = couch.document(META_ID, None).await?.ok_or_else(gone)?;
        let (remote, rev) = SyncMeta::from_server(&text).map_err(|_| gone())?;
        let (epoch, ours) = self.sync.with_value(|s| {
            s.as_ref()
                .map(|s| (s.epoch.clone(), s.meta_out.clone()))
                .unwrap_or_default()
        });
        if remote.epoch != epoch {
            return Err(gone());
        }
        // A new passphrase: the key on the server is wrapped again.
        if let Some(out) = ours {
            couch.put(META_ID, out.to_server(rev.as_deref())).await?;
            self.sync.update_value(|s| {
                if let Some(s) = s {
                    s.meta_out = None;
                }
            });
        }
        Ok(())
    }

    /// Reads every change since last time and takes or merges each.
    async fn pull(
        &self,
        couch: &Couch,
        meta: &WorkspaceMeta,
        vault: &Arc<Vault>,
    ) -> Result<(), CouchError> {
        loop {
            let since = self
                .sync
                .with_value(|s| s.as_ref().and_then(|s| s.since.clone()));
            let page = couch.changes(since.as_ref(), PAGE).await?;
            if !self.still_open(vault) {
                return Ok(());
            }
            // Only documents at a revision this PC has not seen (its own pushes come back
            // in the feed too) are fetched.
            let wanted: Vec<String> = self.sync.with_value(|s| {
                let seen = |id: &str, rev: Option<&str>| {
                    s.as_ref().is_some_and(|s| {
                        s.docs.get(id).is_some_and(|d| Some(d.rev.as_str()) == rev)
                            || s.refused.get(id).is_some_and(|r| Some(r.as_str()) == rev)
                    })
                };
                page.results
                    .iter()
                    .filter(|c| !c.deleted && c.id != META_ID && !c.id.starts_with('_'))
                    .filter(|c| !seen(&c.id, c.changes.first().map(|r| r.rev.as_str())))
                    .map(|c| c.id.clone())
                    .collect()
            });
            let fetched = couch.fetch(&wanted).await?;
            if !self.still_open(vault) {
                return Ok(());
            }
            let mut docs: Vec<ServerDoc> = fetched
                .into_iter()
                .filter_map(|d| serde_json::from_value(d).ok())
                .collect();
            // Tombstones first, so a deleted person is never taken back in.
            docs.sort_by_key(|d| d.id != linkwork_core::exchange::sync::envelope::GONE_ID);
            for doc in docs {
                self.take_pulled(couch, meta, vault, doc).await;
                if !self.still_open(vault) {
                    return Ok(());
                }
            }
            self.sweep_gone();
            let n = page.results.len();
            self.sync.update_value(|s| {
                if let Some(s) = s {
                    s.since = Some(page.last_seq.clone());
                }
            });
            let _ = self.save_sync();
            if n < PAGE {
                return Ok(());
            }
        }
    }

    /// Takes or merges one pulled document; a refused one is reported once.
    async fn take_pulled(
        &self,
        couch: &Couch,
        meta: &WorkspaceMeta,
        vault: &Arc<Vault>,
        doc: ServerDoc,
    ) {
        let Some(key) = SyncKey::parse(&doc.id) else {
            return;
        };
        let rev = doc.rev.clone().unwrap_or_default();
        let decided = self
            .sync
            .with_value(|s| s.as_ref().map(|s| s.pulled(vault, &meta.id, &doc)));
        let opened = match decided {
            None | Some(Ok(Pulled::Known)) => return,
            Some(Ok(Pulled::Take(o))) => {
                let text = match key {
                    SyncKey::Gone => self.merged_gone(&o.text),
                    SyncKey::Store(_) => Some(o.text.clone()),
                };
                (o, text, None)
            }
            Some(Ok(Pulled::Merge(o))) => {
                let base = self.base_of(couch, meta, vault, &doc.id).await;
                let ours = self.local_text(key);
                let (device, gone) = self.sync.with_value(|s| {
                    s.as_ref()
                        .map(|s| (s.device.clone(), s.gone.clone()))
                        .unwrap_or_default()
                });
                let merged = merge_texts(
                    key,
                    base.as_deref(),
                    &ours,
                    &o.text,
                    [&device, "another PC"],
                    &gone,
                );
                match merged {
                    Ok(m) => {
                        let told = (!m.conflicted.is_empty() || !m.kept.is_empty())
                            .then_some((m.conflicted.len(), m.kept.len()));
                        (o, Some(m.text), told)
                    }
                    Err(e) => {
                        self.refuse(
                            &doc.id,
                            &rev,
                            format!(
                                "the server's copy of {} could not be merged with this PC's ({e})",
                                describe_id(&doc.id)
                            ),
                        );
                        return;
                    }
                }
            }
            Some(Err(refused)) => {
                self.refuse(&doc.id, &rev, refused.to_string());
                return;
            }
        };
        let (opened, text, told) = opened;
        let Some(text) = text else {
            self.refuse(
                &doc.id,
                &rev,
                format!(
                    "the server's copy of {} could not be read",
                    describe_id(&doc.id)
                ),
            );
            return;
        };
        match key {
            SyncKey::Gone => {
                if let Ok(all) = decode_gone(&text) {
                    self.sync.update_value(|s| {
                        if let Some(s) = s {
                            s.gone = all;
                        }
                    });
                }
            }
            SyncKey::Store(k) => {
                let mut result = Ok(());
                self.ws.update(|ws| result = ws.apply_document(k, &text));
                if let Err(e) = result {
                    self.refuse(
                        &doc.id,
                        &rev,
                        format!(
                            "the server's copy of {} could not be used ({e})",
                            describe_id(&doc.id)
                        ),
                    );
                    return;
                }
                // Written here like any change, without going back to the server.
                self.dirty.update(|d| {
                    d.insert(k);
                });
            }
        }
        let now_here = self.local_text(key);
        self.sync.update_value(|s| {
            if let Some(s) = s {
                s.took(&doc.id, &rev, &opened, &now_here);
            }
        });
        if let Some((conflicted, kept)) = told {
            let mut text = Vec::new();
            if conflicted > 0 {
                text.push(format!("{conflicted} record(s) were changed on two PCs: open them to choose which value to keep."));
            }
            if kept > 0 {
                text.push(format!(
                    "{kept} record(s) removed on another PC had changes here, so they were kept."
                ));
            }
            self.notice.set(Some(Notice {
                text: text.join(" "),
                on: self.route.get_untracked(),
            }));
        }
    }

    /// The tombstones here and in `text`, together.
    fn merged_gone(&self, text: &str) -> Option<String> {
        let mut all = decode_gone(text).ok()?;
        self.sync.with_value(|s| {
            if let Some(s) = s {
                all.extend(s.gone.iter().copied());
            }
        });
        Some(encode_gone(&all))
    }

    /// The version of a document this PC last synced, if the server still has it.
    async fn base_of(
        &self,
        couch: &Couch,
        meta: &WorkspaceMeta,
        vault: &Vault,
        id: &str,
    ) -> Option<String> {
        let rev = self.sync.with_value(|s| {
            s.as_ref()
                .and_then(|s| s.docs.get(id).map(|d| d.rev.clone()))
        })?;
        let text = couch.document(id, Some(&rev)).await.ok()??;
        let doc: ServerDoc = serde_json::from_str(&text).ok()?;
        open_doc(vault, &meta.id, &doc).ok().map(|o| o.text)
    }

    /// Deletes here anyone deleted on any PC (their records parts then go back out).
    fn sweep_gone(&self) {
        let gone = self
            .sync
            .with_value(|s| s.as_ref().map(|s| s.gone.clone()).unwrap_or_default());
        let here: Vec<PersonId> = self.ws.with_untracked(|ws| {
            gone.iter()
                .filter(|p| ws.people.contains_key(p))
                .copied()
                .collect()
        });
        for person in here {
            let mut keys = Vec::new();
            self.ws
                .update(|ws| keys = ws.delete_person(person).unwrap_or_default());
            self.dirty.update(|d| d.extend(keys.iter().copied()));
            self.note_changes(&keys);
        }
    }

    fn refuse(&self, id: &str, rev: &str, message: String) {
        let mut first = false;
        self.sync.update_value(|s| {
            if let Some(s) = s {
                first = s.refuse(id, rev);
            }
        });
        if first {
            self.sync_view.update(|v| {
                v.refused.push(format!(
                    "{}: nothing here was changed.",
                    capitalise(&message)
                ))
            });
        }
    }

    /// Sends what changed here. Gives whether the server had newer versions of any (so
    /// another round should pull and merge them).
    async fn push(
        &self,
        couch: &Couch,
        meta: &WorkspaceMeta,
        vault: &Arc<Vault>,
    ) -> Result<bool, CouchError> {
        let ids: Vec<String> = self.sync.with_value(|s| {
            s.as_ref()
                .map(|s| s.pending.keys().cloned().collect())
                .unwrap_or_default()
        });
        let mut conflicted = false;
        for batch in ids.chunks(BATCH) {
            let mut out = Vec::new();
            for id in batch {
                let Some(key) = SyncKey::parse(id) else {
                    continue;
                };
                let text = self.local_text(key);
                let sealed = self.sync.with_value(|s| {
                    s.as_ref()
                        .map(|s| s.to_push(vault, &meta.id, key, &text, &mut BrowserIds))
                });
                if let Some((doc, count)) = sealed {
                    out.push((doc, count, text));
                }
            }
            let docs: Vec<ServerDoc> = out.iter().map(|(d, _, _)| d.clone()).collect();
            let written = couch.bulk(&docs).await?;
            if !self.still_open(vault) {
                return Ok(false);
            }
            for w in written {
                let Some((doc, count, text)) = out.iter().find(|(d, _, _)| d.id == w.id) else {
                    continue;
                };
                match (w.rev, w.error.as_deref()) {
                    (Some(rev), None) => {
                        let generation = self.sync.with_value(|s| {
                            s.as_ref()
                                .and_then(|s| s.docs.get(&doc.id))
                                .map_or(0, |d| d.generation)
                                + 1
                        });
                        self.sync.update_value(|s| {
                            if let Some(s) = s {
                                s.pushed(&doc.id, &rev, generation, text, *count);
                            }
                        });
                    }
                    (_, Some("conflict")) => conflicted = true,
                    (_, Some("forbidden" | "unauthorized")) => return Err(CouchError::Forbidden),
                    (_, Some(other)) => return Err(CouchError::Unexpected(other.to_owned())),
                    (None, None) => {}
                }
            }
            let _ = self.save_sync();
        }
        let compact = self
            .sync
            .with_value(|s| s.as_ref().is_some_and(|s| s.compact && !s.has_pending()));
        if compact {
            couch.compact().await;
            self.sync.update_value(|s| {
                if let Some(s) = s {
                    s.compact = false;
                }
            });
        }
        Ok(conflicted)
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

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Runs rounds of sync while a workspace that syncs is open in this (editing) tab.
pub fn handle_sync(state: AppState) {
    let handle = set_interval_with_handle(
        move || {
            let open = state
                .session
                .with_untracked(|s| matches!(s, Session::Open(_)));
            if !open || state.sync.with_value(Option::is_none) || state.sync_busy.get_value() {
                return;
            }
            if state.sync_due_now() {
                leptos::task::spawn_local(async move { state.sync_now().await });
            }
        },
        std::time::Duration::from_millis(1000),
    );
    if let Ok(handle) = handle {
        on_cleanup(move || handle.clear());
    }
    let _ = route::current;
}
