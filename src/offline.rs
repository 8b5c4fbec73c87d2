//! Working offline: the build's facts, the service worker, and news of a new version.
//!
//! Release builds carry a JSON block (`<script type="application/json" id="linkwork-build">`,
//! written by `cargo xtask finish-build`) with the build's version and where ECharts is. When
//! it is there (and not in `trunk serve`'s debug builds) the app registers `sw.js`, which
//! keeps every file of this version so the app opens with no network.
//!
//! A new version installs in the background and waits. The page says so and updates only
//! when the person chooses "Update now": it asks the waiting worker to take over, then
//! reloads. Other open tabs are told that another tab updated, and reload on their own
//! person's say-so.

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// The id of the build's JSON block in `index.html`.
const BUILD_BLOCK: &str = "linkwork-build";
/// The service worker, relative to the page (so any sub-path works).
const WORKER: &str = "./sw.js";
/// The message that tells a waiting worker to take over (public/sw.js).
const TAKE_OVER: &str = "skip-waiting";
/// How often an open app asks the host whether there is a new version.
const CHECK_EVERY: Duration = Duration::from_secs(60 * 60);

/// What the build says about itself.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct BuildInfo {
    /// A hash of every file of the build.
    pub version: String,
    /// Where ECharts is, relative to the page.
    pub echarts: String,
}

/// The build's facts, if the page carries them (release builds).
pub fn build_info() -> Option<BuildInfo> {
    let text = document().get_element_by_id(BUILD_BLOCK)?.text_content()?;
    serde_json::from_str(&text).ok()
}

/// Whether a new version is waiting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NewVersion {
    /// This is the newest version we know of.
    #[default]
    Current,
    /// A new version is installed and waits for the person's say-so.
    Ready,
    /// Another tab updated; this one still runs the earlier version.
    AppliedElsewhere,
}

thread_local! {
    /// Whether this tab asked the new version to take over (so it reloads when it does).
    static ASKED: Cell<bool> = const { Cell::new(false) };
}

/// The browser's service worker container, where there is one (secure pages only).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = window().navigator();
    let present =
        js_sys::Reflect::get(&navigator, &"serviceWorker".into()).is_ok_and(|v| !v.is_undefined());
    present.then(|| navigator.service_worker())
}

/// Registers the service worker (release builds) and keeps `update` in step with it.
pub fn register(update: RwSignal<NewVersion>) {
    if cfg!(debug_assertions) || build_info().is_none() {
        return;
    }
    let Some(workers) = container() else { return };
    let controlled = workers.controller().is_some();

    let on_controller_change = Closure::<dyn Fn()>::new(move || {
        if ASKED.with(Cell::get) {
            let _ = window().location().reload();
        } else {
            update.set(NewVersion::AppliedElsewhere);
        }
    });
    workers.set_oncontrollerchange(Some(on_controller_change.as_ref().unchecked_ref()));
    // Lives as long as the page.
    on_controller_change.forget();

    leptos::task::spawn_local(async move {
        let Ok(registration) = JsFuture::from(workers.register(WORKER)).await else {
            // No offline copy (e.g. storage is disabled): the app still works online.
            return;
        };
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        // A worker can only be waiting when an earlier version controls this page.
        if controlled && registration.waiting().is_some() {
            update.set(NewVersion::Ready);
        }
        watch_installs(&registration, update);
        let _ = set_interval_with_handle(
            move || {
                let _ = registration.update();
            },
            CHECK_EVERY,
        );
    });
}

/// Marks `update` ready when a new worker finishes installing while an earlier version
/// controls the page (on a first visit there is nothing to update).
fn watch_installs(registration: &ServiceWorkerRegistration, update: RwSignal<NewVersion>) {
    let reg = registration.clone();
    let on_found = Closure::<dyn Fn()>::new(move || {
        let Some(installing) = reg.installing() else {
            return;
        };
        let worker = installing.clone();
        let on_state = Closure::<dyn Fn()>::new(move || {
            let controlled = container().is_some_and(|c| c.controller().is_some());
            if worker.state() == ServiceWorkerState::Installed && controlled {
                update.set(NewVersion::Ready);
            }
        });
        installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
        on_state.forget();
    });
    registration.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
    on_found.forget();
}

/// Lets the waiting version take over; the page reloads when it has.
pub fn apply_update() {
    ASKED.with(|asked| asked.set(true));
    leptos::task::spawn_local(async move {
        let waiting = match container() {
            Some(workers) => JsFuture::from(workers.get_registration())
                .await
                .ok()
                .and_then(|r| r.dyn_into::<ServiceWorkerRegistration>().ok())
                .and_then(|r| r.waiting()),
            None => None,
        };
        match waiting {
            Some(worker) => {
                if worker.post_message(&JsValue::from_str(TAKE_OVER)).is_err() {
                    let _ = window().location().reload();
                }
            }
            // Already taken over (by another tab): a reload picks it up.
            None => {
                let _ = window().location().reload();
            }
        }
    });
}
