//! The only code that touches the browser's local storage.
//!
//! Keys are typed ([`StoreKey`] in a [`Namespace`]); a missing value is the
//! default, and every other failure becomes a [`StorageError`] that the app
//! shows in plain words. Nothing here unwraps: a failure never silently drops
//! or overwrites data.

use gloo_storage::{LocalStorage, Storage as _};
use linkwork_core::format::KEY_PREFIX;
use linkwork_core::{load_workspace, Loaded, StoreKey};
use wasm_bindgen::JsCast;

/// Where a workspace's data lives. The demo never shares keys with real data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Namespace {
    Main,
    Demo,
}

impl Namespace {
    /// The key segment for this namespace.
    pub fn code(self) -> &'static str {
        match self {
            Namespace::Main => "main",
            Namespace::Demo => "demo",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code {
            "main" => Some(Namespace::Main),
            "demo" => Some(Namespace::Demo),
            _ => None,
        }
    }
}

/// Remembers which namespace was open, so a reload returns to it.
const ACTIVE_KEY: &str = "linkwork/active";
/// Copies of values that could not be read, kept for recovery.
const RECOVERY_PREFIX: &str = "linkwork/recovery/";

/// Why storage could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("This browser is not letting Linkwork save anything (storage is turned off, or this is a private window). You can keep working, but nothing will be kept when this tab closes.")]
    Unavailable,
    #[error("The browser's storage for Linkwork is full, so your latest changes are not saved yet. They are still on this screen and Linkwork will keep trying. Free some space (for example, clear the demo caseload) and do not close this tab until this message goes away.")]
    QuotaExceeded,
    #[error("The browser refused to save ({0}). Your latest changes are still on this screen and Linkwork will keep trying. Do not close this tab until this message goes away.")]
    Refused(String),
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

/// All `(key, value)` pairs Linkwork has stored in a namespace.
fn entries(store: &web_sys::Storage, namespace: Namespace) -> Vec<(String, String)> {
    let prefix = format!("{KEY_PREFIX}{}/", namespace.code());
    let len = store.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| store.key(i).ok().flatten())
        .filter(|k| k.starts_with(&prefix))
        .filter_map(|k| {
            let v = store.get_item(&k).ok().flatten()?;
            Some((k, v))
        })
        .collect()
}

/// Loads a namespace through the one load path in `linkwork_core::format`.
/// Values that cannot be read are copied aside for recovery; the originals are
/// left exactly as they were.
pub fn load(namespace: Namespace) -> Result<Loaded, StorageError> {
    let store = storage()?;
    let entries = entries(&store, namespace);
    let loaded = load_workspace(
        namespace.code(),
        entries.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    for problem in &loaded.problems {
        if let Some((_, value)) = entries.iter().find(|(k, _)| *k == problem.key) {
            // Best effort: if storage is full the copy fails, but the
            // original stays untouched because the app goes read-only.
            let _ = preserve(&store, &problem.key, value);
        }
    }
    Ok(loaded)
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

/// Writes one value.
pub fn write(namespace: Namespace, key: StoreKey, value: &str) -> Result<(), StorageError> {
    storage()?
        .set_item(&key.name(namespace.code()), value)
        .map_err(classify)
}

/// Removes a damaged value, after making sure a recovery copy exists.
pub fn set_aside(key: &str) -> Result<(), StorageError> {
    let store = storage()?;
    if let Some(value) = store.get_item(key).map_err(classify)? {
        preserve(&store, key, &value)?;
    }
    store.remove_item(key).map_err(classify)
}

/// Removes every value of a namespace (used for the demo only).
pub fn clear(namespace: Namespace) -> Result<(), StorageError> {
    let store = storage()?;
    for (key, _) in entries(&store, namespace) {
        store.remove_item(&key).map_err(classify)?;
    }
    Ok(())
}

/// The namespace that was open last time (the real one if none was).
pub fn active_namespace() -> Namespace {
    storage()
        .ok()
        .and_then(|s| s.get_item(ACTIVE_KEY).ok().flatten())
        .and_then(|code| Namespace::from_code(&code))
        .unwrap_or(Namespace::Main)
}

/// Remembers the open namespace.
pub fn set_active_namespace(namespace: Namespace) -> Result<(), StorageError> {
    let store = storage()?;
    match namespace {
        Namespace::Main => store.remove_item(ACTIVE_KEY),
        Namespace::Demo => store.set_item(ACTIVE_KEY, namespace.code()),
    }
    .map_err(classify)
}
