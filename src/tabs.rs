//! One editing tab per workspace. The tab that opens a workspace first holds
//! a small "writer" record with a heartbeat; a second tab on the same
//! workspace is read-only, shows the first tab's changes as they are saved,
//! and can take over editing. A tab that has lost the record never writes.
//!
//! A page that is going away (reloading, closing, navigating) gives the
//! record up and never claims it again, however long the network keeps it
//! alive. Its id is handed to the next page of the same browser tab
//! (through the tab's session storage), so that page knows a record left
//! behind by its predecessor as its own and never mistakes it for another tab.
//!
//! Locking is for every tab at once: a lock (the button, the shortcut or the
//! idle timer) is announced under the workspace's "locked" key, and every
//! tab of the workspace opened before it locks, as the announcement arrives
//! or, for a tab the browser had paused, as soon as it runs again. Tabs share
//! when the workspace was last used (the "active" key), so the idle lock
//! comes only when no tab has been used for the set time.

use leptos::prelude::*;
use linkwork_core::store::vault_store::WorkspaceMeta;
use serde::{Deserialize, Serialize};

use crate::storage::{self, Space};

/// How often the editing tab renews its record, in milliseconds.
pub const HEARTBEAT_MS: u32 = 2_000;
/// A record older than this belongs to a tab that has gone.
const STALE_MS: f64 = 8_000.0;

/// What this tab knows of itself for the editing lock between tabs. The
/// root state holds one; the functions here need nothing else from it.
#[derive(Clone, Copy)]
pub struct TabSession {
    /// This tab's id, for the editing lock between tabs.
    pub id: StoredValue<String>,
    /// The id of the page this browser tab showed before a reload.
    pub previous_page: StoredValue<Option<String>>,
    /// Set once the page is unloading: it never claims the writer record again.
    pub leaving: StoredValue<bool>,
    /// When this tab last unlocked (ms since the epoch): a lock announced
    /// by any tab after this locks this tab too.
    pub opened_at: StoredValue<f64>,
    /// Set while another tab is the one editing this workspace.
    pub other_tab: RwSignal<bool>,
}

impl TabSession {
    /// This tab, under the given id, knowing the page it showed before
    /// (read once, when the app starts).
    pub fn new(id: String) -> Self {
        Self {
            id: StoredValue::new(id),
            previous_page: StoredValue::new(take_previous_page()),
            leaving: StoredValue::new(false),
            opened_at: StoredValue::new(0.0),
            other_tab: RwSignal::new(false),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Writer {
    tab: String,
    at: f64,
}

/// The key of a workspace's writer record.
pub fn writer_key(meta: &WorkspaceMeta) -> String {
    format!("{}writer", Space::Workspace(meta.id.clone()).prefix())
}

fn current(meta: &WorkspaceMeta) -> Option<Writer> {
    let text = storage::read(&writer_key(meta)).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

fn write(meta: &WorkspaceMeta, tab: TabSession) -> bool {
    let record = Writer {
        tab: tab.id.get_value(),
        at: js_sys::Date::now(),
    };
    serde_json::to_string(&record)
        .ok()
        .is_some_and(|text| storage::write(&writer_key(meta), &text).is_ok())
}

/// The session-storage key of this browser tab's own name (random, kept across reloads of
/// the tab): what it keeps over a lock (a half-filled form) is kept under it, so another
/// tab's lock never overwrites it.
const NAME_KEY: &str = "linkwork.tab-name";

/// This tab's name (see [`NAME_KEY`]), made on first use. Without session storage, a name
/// for this page alone.
pub fn tab_name() -> String {
    use linkwork_core::Random;
    let session = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
    if let Some(name) = session
        .as_ref()
        .and_then(|s| s.get_item(NAME_KEY).ok().flatten())
        .filter(|n| n.len() == 16 && n.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return name;
    }
    let mut bytes = [0u8; 8];
    crate::platform::BrowserIds.fill(&mut bytes);
    let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if let Some(s) = session {
        let _ = s.set_item(NAME_KEY, &name);
    }
    name
}

/// The session-storage key (one per browser tab, kept across reloads) that
/// carries a leaving page's id to the next page of the same tab.
const LEFT_KEY: &str = "linkwork.left-page";

/// The id of the page this browser tab showed before this one, if it left
/// (reload or navigation within the tab). Read once, when the app starts.
/// A duplicated tab copies session storage while its original is still
/// open, before any "left" id is written, so it never inherits one.
pub fn take_previous_page() -> Option<String> {
    let session = web_sys::window()?.session_storage().ok()??;
    let id = session.get_item(LEFT_KEY).ok()?;
    let _ = session.remove_item(LEFT_KEY);
    id
}

/// Makes this tab the editing tab.
pub fn claim(meta: &WorkspaceMeta, tab: TabSession) {
    write(meta, tab);
    tab.other_tab.set(false);
}

/// Whether a record belongs to this page, or to the page this tab showed
/// before it.
fn ours(w: &Writer, tab: TabSession) -> bool {
    w.tab == tab.id.get_value()
        || tab
            .previous_page
            .with_value(|p| p.as_deref() == Some(w.tab.as_str()))
}

/// On opening a workspace: edit here, unless another live tab already does.
pub fn on_open(meta: &WorkspaceMeta, tab: TabSession) {
    match current(meta) {
        Some(w) if !ours(&w, tab) && js_sys::Date::now() - w.at < STALE_MS => {
            tab.other_tab.set(true);
        }
        _ => claim(meta, tab),
    }
}

/// The page is going away: give up the record for good, and tell the next
/// page of this tab who held it.
pub fn leave(meta: Option<&WorkspaceMeta>, tab: TabSession) {
    tab.leaving.set_value(true);
    if let Some(meta) = meta {
        release(meta, tab);
    }
    if let Some(Ok(Some(session))) = web_sys::window().map(|w| w.session_storage()) {
        let _ = session.set_item(LEFT_KEY, &tab.id.get_value());
    }
}

/// The person is using the page after all (a reload they stopped): it may
/// hold the record again.
pub fn stay(tab: TabSession) {
    if tab.leaving.get_value() {
        tab.leaving.set_value(false);
        if let Some(Ok(Some(session))) = web_sys::window().map(|w| w.session_storage()) {
            let _ = session.remove_item(LEFT_KEY);
        }
    }
}

/// Whether this tab may still write. A tab that finds another tab's live
/// record becomes read-only instead of overwriting newer data.
pub fn still_mine(meta: &WorkspaceMeta, tab: TabSession) -> bool {
    match current(meta) {
        Some(w) if w.tab != tab.id.get_value() => {
            tab.other_tab.set(true);
            false
        }
        _ => true,
    }
}

/// Renews the record of the editing tab; a read-only tab takes over when
/// the editing tab has gone (closed or crashed).
pub fn heartbeat(meta: &WorkspaceMeta, tab: TabSession) {
    if tab.leaving.get_value() {
        return;
    }
    if tab.other_tab.get_untracked() {
        if current(meta).is_none_or(|w| js_sys::Date::now() - w.at >= STALE_MS) {
            claim(meta, tab);
        }
    } else if still_mine(meta, tab) {
        write(meta, tab);
    }
}

/// Gives up editing (on lock or when leaving the workspace).
pub fn release(meta: &WorkspaceMeta, tab: TabSession) {
    if current(meta).is_some_and(|w| w.tab == tab.id.get_value()) {
        let _ = storage::remove(&writer_key(meta));
    }
}

/// Whether a changed key is another tab taking over this workspace.
pub fn taken_over(meta: &WorkspaceMeta, tab: TabSession, key: &str, value: Option<&str>) -> bool {
    key == writer_key(meta)
        && value
            .and_then(|v| serde_json::from_str::<Writer>(v).ok())
            .is_some_and(|w| w.tab != tab.id.get_value())
}

/// The key under which a lock is announced to every tab (ms since the epoch).
pub fn lock_key(meta: &WorkspaceMeta) -> String {
    format!("{}locked", Space::Workspace(meta.id.clone()).prefix())
}

/// The key holding when any tab of the workspace was last used.
fn activity_key(meta: &WorkspaceMeta) -> String {
    format!("{}active", Space::Workspace(meta.id.clone()).prefix())
}

fn read_time(key: &str) -> Option<f64> {
    storage::read(key).ok().flatten()?.parse().ok()
}

/// Tells every tab of the workspace to lock.
pub fn announce_lock(meta: &WorkspaceMeta) {
    let _ = storage::write(&lock_key(meta), &js_sys::Date::now().to_string());
}

/// Whether a lock was announced after this tab unlocked.
pub fn lock_announced(meta: &WorkspaceMeta, tab: TabSession) -> bool {
    read_time(&lock_key(meta)).is_some_and(|at| at >= tab.opened_at.get_value())
}

/// Shares this tab's last use (only when it is newer than what is kept),
/// and gives the latest use by any tab.
pub fn share_activity(meta: &WorkspaceMeta, here: f64) -> f64 {
    let key = activity_key(meta);
    let shared = read_time(&key).unwrap_or(0.0);
    if here > shared {
        let _ = storage::write(&key, &here.to_string());
    }
    here.max(shared)
}
