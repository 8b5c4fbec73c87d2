//! The root component: state, named effects, layout and page switch.

use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;

use crate::components::security::backup_reminder::BackupReminder;
use crate::components::security::storage_banner::StorageBanner;
use crate::components::shell::header::Header;
use crate::components::shell::update_banner::UpdateBanner;
use crate::offline::{self, NewVersion};
use crate::pages::caseload::CaseloadPage;
use crate::pages::checkin::CheckInPage;
use crate::pages::dashboard::DashboardPage;
use crate::pages::diary::DiaryPage;
use crate::pages::directory::DirectoryPage;
use crate::pages::handover::HandoverPage;
use crate::pages::lock::LockPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::practice_work::PracticeWorkPage;
use crate::pages::practices::PracticesPage;
use crate::pages::programme::ProgrammePage;
use crate::pages::referral::ReferralPage;
use crate::pages::settings::SettingsPage;
use crate::pages::today::TodayPage;
use crate::pages::transfer::TransferPage;
use crate::route::{self, Route};
use crate::state::{AppState, Session};
use crate::storage::{self, StorageError};
use crate::tabs;

/// How often unsaved changes are retried after a failed write.
const RETRY_EVERY: Duration = Duration::from_secs(5);
/// How often the idle time is checked.
const IDLE_CHECK_EVERY: Duration = Duration::from_secs(5);

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
    handle_idle_lock(state);
    handle_lock_shortcut(state);
    handle_other_tabs(state);
    crate::state::sync_round::handle_sync(state);
    let update = RwSignal::new(NewVersion::Current);
    offline::register(update);

    // A memo, so pages re-render on locking and unlocking only, not on every
    // change to the session (such as a backup being recorded).
    let locked = Memo::new(move |_| state.session.with(|s| *s == Session::Locked));
    let manager = Memo::new(move |_| state.session.with(|s| *s == Session::Manager));
    // A new screen starts at its top.
    Effect::new(move |_| {
        locked.track();
        window().scroll_to_with_x_and_y(0.0, 0.0);
    });
    view! {
        <a class="skip-link" href="#main">"Skip to main content"</a>
        <Header/>
        <div class="page" class:page--wide=move || matches!(state.route.get(), Route::Dashboard | Route::Programme) data-testid="app-root">
            <main id="main" tabindex="-1">
                // Messages about the app itself come first, inside the main landmark, so
                // "Skip to main content" lands on them.
                <UpdateBanner update=update/>
                <StorageBanner/>
                <Show when=move || !locked.get()>
                    <BackupReminder/>
                </Show>
                {move || {
                    if locked.get() {
                        return view! { <LockPage/> }.into_any();
                    }
                    if manager.get() {
                        return view! { <ProgrammePage/> }.into_any();
                    }
                    match state.route.get() {
                        Route::Today => view! { <TodayPage/> }.into_any(),
                        Route::Diary => view! { <DiaryPage/> }.into_any(),
                        Route::Caseload => view! { <CaseloadPage/> }.into_any(),
                        Route::Dashboard => view! { <DashboardPage/> }.into_any(),
                        Route::NewReferral => view! { <ReferralPage id=None/> }.into_any(),
                        Route::Referral(id) => view! { <ReferralPage id=Some(id)/> }.into_any(),
                        Route::Settings => view! { <SettingsPage/> }.into_any(),
                        Route::Directory => view! { <DirectoryPage/> }.into_any(),
                        Route::Transfer => view! { <TransferPage/> }.into_any(),
                        Route::Handover => view! { <HandoverPage/> }.into_any(),
                        Route::PracticeWork => view! { <PracticeWorkPage/> }.into_any(),
                        Route::Practices => view! { <PracticesPage/> }.into_any(),
                        Route::CheckIn(id) => view! { <CheckInPage practice=id/> }.into_any(),
                        Route::Programme => view! { <NotFoundPage/> }.into_any(),
                        Route::NotFound => view! { <NotFoundPage/> }.into_any(),
                    }
                }}
            </main>
        </div>
    }
}

/// Follows the address: a change of `#/…` shows another page.
pub fn handle_routes(state: AppState) {
    let handle = window_event_listener(ev::hashchange, move |_| {
        let now = route::current();
        // The same page again (an address set by the app itself) is not drawn twice.
        if state.route.get_untracked() != now {
            state.route.set(now);
        }
        window().scroll_to_with_x_and_y(0.0, 0.0);
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
        let title = match state.session.get() {
            Session::Locked => "Locked – Linkwork".to_owned(),
            Session::Demo => format!("{} (demo) – Linkwork", state.route.get().title()),
            Session::Open(_) => format!("{} – Linkwork", state.route.get().title()),
            Session::Manager => format!("{} – Linkwork", Route::Programme.title()),
        };
        document().set_title(&title);
    });
}

/// Writes changed keys to storage. It tracks only the set of changed keys;
/// keys that fail stay in the set, and the error is shown until a retry works.
pub fn handle_persist(state: AppState) {
    Effect::new(move |_| {
        let dirty = state.dirty.get();
        if dirty.is_empty() || state.read_only_untracked() {
            return;
        }
        if let Session::Open(meta) = state.session.get_untracked() {
            if !tabs::still_mine(&meta, state.tabs) {
                return;
            }
        }
        // Marks for the benchmark: encoding, sealing and writing the changed parts.
        crate::platform::mark("linkwork-save-start");
        let mut written = Vec::new();
        let mut failure: Option<StorageError> = None;
        for key in &dirty {
            let Some((name, value)) = state.stored_value(*key) else {
                continue;
            };
            match storage::write(&name, &value) {
                Ok(()) => written.push(*key),
                Err(e) => failure = Some(e),
            }
        }
        crate::platform::mark("linkwork-save-end");
        state.save_error.set(failure);
        if !written.is_empty() {
            state.dirty.update(|d| {
                for key in written {
                    d.remove(&key);
                }
            });
            state.refresh_usage();
        }
    });
}

/// While a write is failing, tries again every few seconds.
pub fn handle_retry(state: AppState) {
    let handle = set_interval_with_handle(
        move || {
            if state.save_error.with_untracked(Option::is_some) && state.unsaved_untracked() {
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

/// Asks before the tab closes while changes are not yet saved. A page that
/// goes away gives up editing at once, and never claims it again, however
/// long the network keeps it on screen.
pub fn handle_unload_guard(state: AppState) {
    let leave = move || {
        let meta = match state.session.get_untracked() {
            Session::Open(meta) => Some(meta),
            _ => None,
        };
        tabs::leave(meta.as_ref(), state.tabs);
    };
    let asked = window_event_listener(ev::beforeunload, move |e: web_sys::BeforeUnloadEvent| {
        if state.unsaved_untracked() {
            e.prevent_default();
            e.set_return_value("Some changes are not saved yet.");
        } else {
            leave();
        }
    });
    // A page the browser keeps to show again on Back (its back-forward cache) would come
    // back as it was left, unlocked, to whoever presses Back on a shared PC: this tab locks
    // as it goes into that cache (this tab only: leaving is not locking the other tabs),
    // and again if it is shown from there still open.
    let lock_if_kept = move |kept: bool| {
        if kept && matches!(state.session.get_untracked(), Session::Open(_)) {
            state.lock_here();
        }
    };
    let hidden = window_event_listener(ev::pagehide, move |e| {
        lock_if_kept(e.persisted());
        leave();
    });
    // A reload the person stopped, or a page the browser kept and showed
    // again: the page is in use again.
    let back = [
        window_event_listener(ev::pageshow, move |e| {
            lock_if_kept(e.persisted());
            tabs::stay(state.tabs);
        }),
        window_event_listener(ev::keydown, move |_| tabs::stay(state.tabs)),
        window_event_listener(ev::pointerdown, move |_| tabs::stay(state.tabs)),
    ];
    on_cleanup(move || {
        asked.remove();
        hidden.remove();
        for h in back {
            h.remove();
        }
    });
}

/// Locks the workspace after the configured minutes without use.
pub fn handle_idle_lock(state: AppState) {
    let last = StoredValue::new(js_sys::Date::now());
    let touch = move || last.set_value(js_sys::Date::now());
    let handles = [
        window_event_listener(ev::keydown, move |_| touch()),
        window_event_listener(ev::pointerdown, move |_| touch()),
        window_event_listener(ev::pointermove, move |_| touch()),
        window_event_listener(ev::wheel, move |_| touch()),
        window_event_listener(ev::focus, move |_| touch()),
    ];
    let interval = set_interval_with_handle(
        move || {
            let Session::Open(meta) = state.session.get_untracked() else {
                touch();
                return;
            };
            // Idle means no tab of the workspace has been used.
            let used = tabs::share_activity(&meta, last.get_value());
            let minutes = state.ws.with_untracked(|ws| ws.settings.auto_lock_minutes);
            let idle_ms = js_sys::Date::now() - used;
            if minutes > 0 && idle_ms >= f64::from(minutes) * 60_000.0 {
                state.lock();
            }
        },
        IDLE_CHECK_EVERY,
    );
    on_cleanup(move || {
        for h in handles {
            h.remove();
        }
        if let Ok(h) = interval {
            h.clear();
        }
    });
}

/// Ctrl+Shift+L locks at once, from anywhere.
pub fn handle_lock_shortcut(state: AppState) {
    let handle = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
        if e.ctrl_key() && e.shift_key() && e.key().eq_ignore_ascii_case("l") {
            e.prevent_default();
            if state.session.with_untracked(|s| *s != Session::Locked) {
                state.lock();
            }
        }
    });
    on_cleanup(move || handle.remove());
}

/// Keeps a workspace open in two tabs consistent: the editing tab renews
/// its claim; the other shows each change as it is saved.
pub fn handle_other_tabs(state: AppState) {
    // A lock announced while this tab was paused by the browser (in the
    // background, or frozen) takes effect as soon as it runs again.
    let check_lock = move || {
        if let Session::Open(meta) = state.session.get_untracked() {
            if tabs::lock_announced(&meta, state.tabs) {
                state.lock_here();
                return true;
            }
        }
        false
    };
    let beat = set_interval_with_handle(
        move || {
            if check_lock() {
                return;
            }
            if let Session::Open(meta) = state.session.get_untracked() {
                tabs::heartbeat(&meta, state.tabs);
            }
        },
        Duration::from_millis(u64::from(tabs::HEARTBEAT_MS)),
    );
    let shown = window_event_listener(ev::visibilitychange, move |_| {
        check_lock();
    });
    let focused = window_event_listener(ev::focus, move |_| {
        check_lock();
    });
    let listener = window_event_listener(ev::storage, move |e: web_sys::StorageEvent| {
        let Some(key) = e.key() else { return };
        let value = e.new_value();
        let session = state.session.get_untracked();
        if let Session::Open(meta) = &session {
            if key == tabs::lock_key(meta) {
                check_lock();
                return;
            }
            if tabs::taken_over(meta, state.tabs, &key, value.as_deref()) {
                state.tabs.other_tab.set(true);
                return;
            }
        }
        let Some(space) = session.space() else { return };
        let Some(store_key) = storage::parse_in(&space, &key) else {
            return;
        };
        if state.dirty.with_untracked(|d| d.contains(&store_key)) {
            return;
        }
        let Some(text) = value.and_then(|v| state.open_value(&key, &v)) else {
            return;
        };
        state.ws.update(|ws| {
            let _ = ws.apply_document(store_key, &text);
        });
        state.refresh_usage();
    });
    on_cleanup(move || {
        listener.remove();
        shown.remove();
        focused.remove();
        if let Ok(h) = beat {
            h.clear();
        }
    });
}
