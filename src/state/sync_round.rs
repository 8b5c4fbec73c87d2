//! One round of sync: pull what other PCs changed (taking it, or merging it with what
//! changed here, other branches on the server too), then push what changed here over the
//! revisions last seen, again while the server has newer versions. And the effect that
//! runs rounds while a workspace that syncs is open in the editing tab.

use std::sync::Arc;

use leptos::prelude::*;
use linkwork_core::exchange::sync::envelope::SyncMeta;
use linkwork_core::exchange::sync::envelope::{
    decode_gone, describe_id, encode_gone, open_doc, Refused, ServerDoc, SyncKey, META_ID,
};
use linkwork_core::exchange::sync::merge::merge_texts;
use linkwork_core::exchange::sync::state::Pulled;
use linkwork_core::store::crypto::Vault;
use linkwork_core::store::vault_store::WorkspaceMeta;
use linkwork_core::{FormatError, PersonId};

use super::sync::{BATCH, MOST_BACKOFF_MS, PAGE, PULL_EVERY_MS, PUSH_EVERY_MS};
use super::{AppState, Notice, Session};
use crate::couch::{Couch, CouchError};
use crate::platform::{now, BrowserIds};
use crate::tabs;

impl AppState {
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
                let branches = (doc.id.clone(), doc.conflicts.clone());
                self.take_pulled(couch, meta, vault, doc).await;
                self.take_branches(couch, meta, vault, &branches.0, &branches.1)
                    .await;
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
            None => return,
            // The same version under another revision (a branch with the same contents won
            // on the server): pushes go over that revision now.
            Some(Ok(Pulled::Known)) => {
                self.sync.update_value(|s| {
                    if let Some(seen) = s.as_mut().and_then(|s| s.docs.get_mut(&doc.id)) {
                        seen.rev.clone_from(&rev);
                    }
                });
                return;
            }
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
            // An older winner beside other branches is how a cluster's conflict looks, not a
            // replay: the branches are merged (next) and this PC's copy goes over it.
            Some(Err(Refused::Replayed { .. })) if !doc.conflicts.is_empty() => {
                self.sync.update_value(|s| {
                    if let Some(s) = s {
                        if let Some(seen) = s.docs.get_mut(&doc.id) {
                            seen.rev.clone_from(&rev);
                        }
                        s.pending.entry(doc.id.clone()).or_insert(1);
                    }
                });
                return;
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
        if let Err(e) = self.apply_text(key, &text) {
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

    /// Merges in the other branches the server holds of a document (a cluster or a
    /// replication between servers made them); the next push deletes them there.
    async fn take_branches(
        &self,
        couch: &Couch,
        meta: &WorkspaceMeta,
        vault: &Arc<Vault>,
        id: &str,
        revs: &[String],
    ) {
        let Some(key) = SyncKey::parse(id) else {
            return;
        };
        for rev in revs {
            let known = self
                .sync
                .with_value(|s| s.as_ref().is_none_or(|s| s.branch_known(id, rev)));
            if known || !self.still_open(vault) {
                continue;
            }
            let Ok(Some(text)) = couch.document(id, Some(rev)).await else {
                continue;
            };
            let Ok(doc) = serde_json::from_str::<ServerDoc>(&text) else {
                continue;
            };
            let opened = match open_doc(vault, &meta.id, &doc) {
                Ok(o) => o,
                Err(e) => {
                    self.refuse(id, rev, e.to_string());
                    continue;
                }
            };
            let (device, gone) = self.sync.with_value(|s| {
                s.as_ref()
                    .map(|s| (s.device.clone(), s.gone.clone()))
                    .unwrap_or_default()
            });
            let ours = self.local_text(key);
            let merged = match merge_texts(
                key,
                None,
                &ours,
                &opened.text,
                [&device, "another PC"],
                &gone,
            ) {
                Ok(m) => m.text,
                Err(e) => {
                    self.refuse(id, rev, format!("a second version of {} on the server could not be merged with this PC's ({e})", describe_id(id)));
                    continue;
                }
            };
            if self.apply_text(key, &merged).is_err() {
                continue;
            }
            self.sync.update_value(|s| {
                if let Some(s) = s {
                    s.branch_merged(id, rev, opened.generation);
                }
            });
        }
    }

    /// Puts a document's new text in place here: the tombstones, or a stored document
    /// (written to storage like any change, without going back to the server). Nothing
    /// changes if the text cannot be used.
    fn apply_text(&self, key: SyncKey, text: &str) -> Result<(), FormatError> {
        match key {
            SyncKey::Gone => {
                let all = decode_gone(text)?;
                self.sync.update_value(|s| {
                    if let Some(s) = s {
                        s.gone = all;
                    }
                });
            }
            SyncKey::Store(k) => {
                let mut result = Ok(());
                self.ws.update(|ws| result = ws.apply_document(k, text));
                result?;
                self.dirty.update(|d| {
                    d.insert(k);
                });
            }
        }
        Ok(())
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
                    out.push((doc, Some((count, text))));
                }
                // Branches merged here go from the server with it.
                let deletions = self
                    .sync
                    .with_value(|s| s.as_ref().map(|s| s.deletions(id)).unwrap_or_default());
                out.extend(deletions.into_iter().map(|d| (d, None)));
            }
            let docs: Vec<ServerDoc> = out.iter().map(|(d, _)| d.clone()).collect();
            let written = couch.bulk(&docs).await?;
            if !self.still_open(vault) {
                return Ok(false);
            }
            // CouchDB answers in the order it was asked.
            for (w, (doc, pushed)) in written.into_iter().zip(&out) {
                if w.id != doc.id {
                    continue;
                }
                let Some((count, text)) = pushed else {
                    if w.error.is_none() {
                        let rev = doc.rev.clone().unwrap_or_default();
                        self.sync.update_value(|s| {
                            if let Some(s) = s {
                                s.deleted_branch(&doc.id, &rev);
                            }
                        });
                    }
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
}
