//! The root component: state, named effects, layout and page switch.

use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;

use crate::components::header::Header;
use crate::components::storage_banner::StorageBanner;
use crate::pages::caseload::CaseloadPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::referral::ReferralPage;
use crate::pages::settings::SettingsPage;
use crate::route::{self, Route};
use crate::state::AppState;
use crate::storage::{self, StorageError};

/// How often unsaved changes are retried after a failed write.
const RETRY_EVERY: Duration = Duration::from_secs(5);

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    handle_routes(state);
    handle_title(state);
    handle_persist(state);
    handle_retry(state);
    handle_unload_guard(state);

    view! {
        <a class="skip-link" href="#main">"Skip to main content"</a>
        <Header/>
        <div class="page" data-testid="app-root">
            <StorageBanner/>
            <main id="main" tabindex="-1">
                {move || match state.route.get() {
                    Route::Caseload => view! { <CaseloadPage/> }.into_any(),
                    Route::NewReferral => view! { <ReferralPage id=None/> }.into_any(),
                    Route::Referral(id) => view! { <ReferralPage id=Some(id)/> }.into_any(),
                    Route::Settings => view! { <SettingsPage/> }.into_any(),
                    Route::NotFound => view! { <NotFoundPage/> }.into_any(),
                }}
            </main>
        </div>
    }
}

/// Follows the address: a change of `#/…` shows another page.
pub fn handle_routes(state: AppState) {
    let handle = window_event_listener(ev::hashchange, move |_| {
        let now = route::current();
        state.route.set(now);
        // A notice belongs to the page it was raised for.
        if state
            .notice
            .with_untracked(|n| n.as_ref().is_some_and(|n| n.on != now))
        {
            state.notice.set(None);
        }
    });
    on_cleanup(move || handle.remove());
}

/// Keeps the document title in step with the page; it never names a person.
pub fn handle_title(state: AppState) {
    Effect::new(move |_| {
        let page = state.route.get().title();
        let demo = matches!(state.namespace.get(), storage::Namespace::Demo);
        let title = if demo {
            format!("{page} (demo) – Linkwork")
        } else {
            format!("{page} – Linkwork")
        };
        document().set_title(&title);
    });
}

/// Writes changed keys to storage. It tracks only the set of changed keys;
/// keys that fail stay in the set, and the error is shown until a retry works.
pub fn handle_persist(state: AppState) {
    Effect::new(move |_| {
        let dirty = state.dirty.get();
        if dirty.is_empty() || state.problems.with_untracked(|p| !p.is_empty()) {
            return;
        }
        let namespace = state.namespace.get_untracked();
        let mut written = Vec::new();
        let mut failure: Option<StorageError> = None;
        state.ws.with_untracked(|ws| {
            for key in &dirty {
                match storage::write(namespace, *key, &ws.encode(*key)) {
                    Ok(()) => written.push(*key),
                    Err(e) => failure = Some(e),
                }
            }
        });
        state.save_error.set(failure);
        if !written.is_empty() {
            state.dirty.update(|d| {
                for key in written {
                    d.remove(&key);
                }
            });
        }
    });
}

/// While a write is failing, tries again every few seconds.
pub fn handle_retry(state: AppState) {
    let handle = set_interval_with_handle(
        move || {
            if state.save_error.with_untracked(Option::is_some) && state.unsaved() {
                // Touching the set re-runs the persist effect.
                state.dirty.update(|_| {});
            }
        },
        RETRY_EVERY,
    );
    if let Ok(handle) = handle {
        on_cleanup(move || handle.clear());
    }
}

/// Asks before the tab closes while changes are not yet saved.
pub fn handle_unload_guard(state: AppState) {
    let handle = window_event_listener(ev::beforeunload, move |e: web_sys::BeforeUnloadEvent| {
        if state.unsaved() {
            e.prevent_default();
            e.set_return_value("Some changes are not saved yet.");
        }
    });
    on_cleanup(move || handle.remove());
}
