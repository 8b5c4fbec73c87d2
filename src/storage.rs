//! The only code that touches the browser's local storage.
//!
//! Keys are typed ([`StoreKey`] within a [`Space`]); a missing value is the
//! default, and every other failure becomes a [`StorageError`] that the app
//! shows in plain words. Nothing here unwraps: a failure never silently drops
//! or overwrites data.

use gloo_storage::{LocalStorage, Storage as _};
use linkwork_core::store::crypto::Vault;
use linkwork_core::store::format::{Problem, KEY_PREFIX};
use linkwork_core::store::vault_store::{self, parse_meta_key, WorkspaceMeta};
use linkwork_core::views::summary::Programme;
use linkwork_core::{load_workspace, Loaded, StoreKey};
use wasm_bindgen::JsCast;

/// Where a workspace's documents live.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Space {
    /// The demo caseload: synthetic, unencrypted, never mixed with real data.
    Demo,
    /// An encrypted workspace, by id.
    Workspace(String),
}

impl Space {
    /// The namespace segment of its keys.
    pub fn namespace(&self) -> String {
        match self {
            Space::Demo => DEMO_NS.into(),
            Space::Workspace(id) => vault_store::namespace_of(id),
        }
    }

    /// The full prefix of its keys.
    pub fn prefix(&self) -> String {
        format!("{KEY_PREFIX}{}/", self.namespace())
    }
}

/// Namespace of the demo.
const DEMO_NS: &str = "demo";
/// Namespace of unencrypted data from before workspaces were encrypted.
pub const LEGACY_NS: &str = "main";
/// Copies of values that could not be read, kept for recovery.
const RECOVERY_PREFIX: &str = "linkwork/recovery/";
/// Chromium's local storage limit for one origin, in UTF-16 code units
/// (10 MiB at two bytes each).
pub const QUOTA_UNITS: u64 = 5 * 1024 * 1024;

/// Why storage could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("This browser is not letting Linkwork save anything (storage is turned off, or this is a private window). You can look around, but nothing will be kept when this tab closes.")]
    Unavailable,
    #[error("The browser's storage for Linkwork is full, so your latest changes are not saved yet. They are still on this screen and Linkwork will keep trying. Download a backup now, then free some space (for example, clear the demo caseload). Do not close this tab until this message goes away.")]
    QuotaExceeded,
    #[error("The browser refused to save ({0}). Your latest changes are still on this screen and Linkwork will keep trying. Do not close this tab until this message goes away.")]
    Refused(String),
    #[error("The summaries imported before could not be read ({0}). A copy was kept aside in this browser for recovery; import the files again.")]
    SummariesUnreadable(String),
}

fn storage() -> Result<web_sys::Storage, StorageError> {
    let window = web_sys::window().ok_or(StorageError::Unavailable)?;
    match window.local_storage() {
        // Only hand out gloo's storage once we know it exists: its `raw()`
        // panics when storage is disabled.
        Ok(Some(_)) => Ok(LocalStorage::raw()),
        _ => Err(StorageError::Unavailable),
    }
}

fn classify(err: wasm_bindgen::JsValue) -> StorageError {
    match err.dyn_ref::<web_sys::DomException>() {
        Some(e) if e.name() == "QuotaExceededError" || e.code() == 22 => {
            StorageError::QuotaExceeded
        }
        Some(e) => StorageError::Refused(e.message()),
        None => StorageError::Refused("unknown error".into()),
    }
}

fn keys(store: &web_sys::Storage) -> Vec<String> {
    let len = store.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| store.key(i).ok().flatten())
        .collect()
}

/// All `(key, value)` pairs whose keys start with `prefix`.
fn entries(store: &web_sys::Storage, prefix: &str) -> Vec<(String, String)> {
    keys(store)
        .into_iter()
        .filter(|k| k.starts_with(prefix))
        .filter_map(|k| {
            let v = store.get_item(&k).ok().flatten()?;
            Some((k, v))
        })
        .collect()
}

/// Copies each unreadable value aside for recovery. The originals are left
/// exactly as they were.
fn preserve_problems(store: &web_sys::Storage, entries: &[(String, String)], problems: &[Problem]) {
    for problem in problems {
        if let Some((_, value)) = entries.iter().find(|(k, _)| *k == problem.key) {
            // Best effort: if storage is full the copy fails, but the original
            // stays untouched: the app never writes to an unreadable key.
            let _ = preserve(store, &problem.key, value);
        }
    }
}

/// The encrypted workspaces in this browser, by name, and descriptions that
/// could not be read.
pub fn list_workspaces() -> Result<(Vec<WorkspaceMeta>, Vec<Problem>), StorageError> {
    let store = storage()?;
    let mut metas = Vec::new();
    let mut problems = Vec::new();
    for key in keys(&store) {
        if parse_meta_key(&key).is_none() {
            continue;
        }
        let Some(text) = store.get_item(&key).ok().flatten() else {
            continue;
        };
        match WorkspaceMeta::decode(&text) {
            Ok(meta) => metas.push(meta),
            Err(error) => problems.push(Problem { key, error }),
        }
    }
    linkwork_core::model::order::sort_by_key(&mut metas, |m| m.name.to_lowercase());
    Ok((metas, problems))
}

/// Loads an encrypted workspace with its key.
pub fn load_workspace_sealed(meta: &WorkspaceMeta, vault: &Vault) -> Result<Loaded, StorageError> {
    let store = storage()?;
    let entries = entries(&store, &Space::Workspace(meta.id.clone()).prefix());
    let loaded = vault_store::load_sealed(
        meta,
        vault,
        entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    preserve_problems(&store, &entries, &loaded.problems);
    Ok(loaded)
}

/// Loads the demo caseload.
pub fn load_demo() -> Result<Loaded, StorageError> {
    let store = storage()?;
    let entries = entries(&store, &Space::Demo.prefix());
    let loaded = load_workspace(
        DEMO_NS,
        entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    preserve_problems(&store, &entries, &loaded.problems);
    Ok(loaded)
}

/// Whether a demo caseload is stored.
pub fn has_demo() -> bool {
    storage().is_ok_and(|s| {
        keys(&s)
            .iter()
            .any(|k| k.starts_with(&Space::Demo.prefix()))
    })
}

/// Unencrypted records from before workspaces were encrypted.
pub fn legacy_entries() -> Vec<(String, String)> {
    storage()
        .map(|s| entries(&s, &format!("{KEY_PREFIX}{LEGACY_NS}/")))
        .unwrap_or_default()
}

/// The recovery key a damaged value is copied to.
pub fn recovery_key(key: &str) -> String {
    format!(
        "{RECOVERY_PREFIX}{}",
        key.strip_prefix(KEY_PREFIX).unwrap_or(key)
    )
}

fn preserve(store: &web_sys::Storage, key: &str, value: &str) -> Result<String, StorageError> {
    let base = recovery_key(key);
    let mut target = base.clone();
    let mut n = 2;
    loop {
        match store.get_item(&target).map_err(classify)? {
            Some(existing) if existing == value => return Ok(target),
            Some(_) => {
                target = format!("{base}#{n}");
                n += 1;
            }
            None => break,
        }
    }
    store.set_item(&target, value).map_err(classify)?;
    Ok(target)
}

/// Reads one value.
pub fn read(key: &str) -> Result<Option<String>, StorageError> {
    storage()?.get_item(key).map_err(classify)
}

/// Where the manager's imported summaries are kept (anonymised, compressed).
pub const PROGRAMME_KEY: &str = "linkwork/manager/programme";

/// The manager's imported summaries; none yet is an empty programme. Data
/// that cannot be read is set aside (kept under the recovery prefix).
pub fn read_programme() -> Result<Programme, StorageError> {
    match read(PROGRAMME_KEY)? {
        None => Ok(Programme::default()),
        Some(text) => Programme::from_stored(&text).or_else(|e| {
            // Never written over: copied aside first, then cleared.
            set_aside(PROGRAMME_KEY)?;
            Err(StorageError::SummariesUnreadable(e.to_string()))
        }),
    }
}

/// Saves the manager's imported summaries.
pub fn write_programme(programme: &Programme) -> Result<(), StorageError> {
    write(PROGRAMME_KEY, &programme.to_stored())
}

/// Writes one value.
pub fn write(key: &str, value: &str) -> Result<(), StorageError> {
    storage()?.set_item(key, value).map_err(classify)
}

/// Removes one value.
pub fn remove(key: &str) -> Result<(), StorageError> {
    storage()?.remove_item(key).map_err(classify)
}

/// Writes values in order, stopping at the first failure.
pub fn write_all(values: &[(String, String)]) -> Result<(), StorageError> {
    let store = storage()?;
    for (key, value) in values {
        store.set_item(key, value).map_err(classify)?;
    }
    Ok(())
}

/// Writes several values as one change: if any write fails, those already written are put
/// back as they were (or removed, if they were new), so storage holds all of it or none.
pub fn write_all_or_none(values: &[(String, String)]) -> Result<(), StorageError> {
    let store = storage()?;
    let mut before = Vec::with_capacity(values.len());
    for (key, _) in values {
        before.push((key, store.get_item(key).map_err(classify)?));
    }
    for (n, (key, value)) in values.iter().enumerate() {
        if let Err(e) = store.set_item(key, value) {
            for (key, old) in &before[..n] {
                let _ = match old {
                    Some(old) => store.set_item(key, old),
                    None => store.remove_item(key),
                };
            }
            return Err(classify(e));
        }
    }
    Ok(())
}

/// Removes a damaged value, after making sure a recovery copy exists.
pub fn set_aside(key: &str) -> Result<(), StorageError> {
    let store = storage()?;
    if let Some(value) = store.get_item(key).map_err(classify)? {
        preserve(&store, key, &value)?;
    }
    store.remove_item(key).map_err(classify)
}

/// Removes every value whose key starts with `prefix`.
pub fn remove_prefix(prefix: &str) -> Result<(), StorageError> {
    let store = storage()?;
    for key in keys(&store).into_iter().filter(|k| k.starts_with(prefix)) {
        store.remove_item(&key).map_err(classify)?;
    }
    Ok(())
}

/// How much of the origin's local storage is in use, in UTF-16 code units.
pub fn used_units() -> Result<u64, StorageError> {
    let store = storage()?;
    let target: &wasm_bindgen::JsValue = store.as_ref();
    let mut used = 0u64;
    for key in keys(&store) {
        // Measure the value where it is, without copying it into wasm.
        let value = js_sys::Reflect::get(target, &key.as_str().into())
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::JsString>().ok())
            .map_or(0, |s| s.length());
        used += u64::from(value) + key.encode_utf16().count() as u64;
    }
    Ok(used)
}

/// Names a storage key in words.
pub fn describe_key(key: &str) -> String {
    let ns = key
        .strip_prefix(KEY_PREFIX)
        .and_then(|rest| rest.rsplit_once(['/']).map(|(a, _)| a))
        .map(|a| a.trim_end_matches("/records").to_owned())
        .unwrap_or_default();
    match StoreKey::parse(key, &ns) {
        Some(StoreKey::Settings) => "Settings (practices and lists)".into(),
        Some(StoreKey::Records(n)) => format!("Records, part {}", n + 1),
        Some(StoreKey::Directory) => "Community directory".into(),
        Some(StoreKey::PracticeWork) => "Practice and community work, and check-ins".into(),
        Some(StoreKey::Tasks) => "Your own tasks (not about one person)".into(),
        None if parse_meta_key(key).is_some() => "Workspace description".into(),
        None => key.to_owned(),
    }
}

/// The key's [`StoreKey`] within a space, if it is one of its documents.
pub fn parse_in(space: &Space, key: &str) -> Option<StoreKey> {
    StoreKey::parse(key, &space.namespace())
}
