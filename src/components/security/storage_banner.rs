use leptos::prelude::*;
use linkwork_core::store::format::blocks_writing;
use linkwork_core::FormatError;

use crate::components::security::backup_button::BackupButton;
use crate::state::{use_state, Session};
use crate::storage::{describe_key, recovery_key, StorageError, QUOTA_UNITS};
use crate::tabs;

/// Share of the storage quota at which a warning appears.
const WARN_AT: f64 = 0.8;

/// Says plainly when storage is failing or nearly full, when stored data
/// could not be read (and what is protected), and when another tab is the
/// one editing this workspace.
#[component]
pub fn StorageBanner() -> impl IntoView {
    let state = use_state();
    let action_error = RwSignal::new(None::<String>);
    let set_aside = move |_| match state.set_aside_damaged() {
        Ok(()) => action_error.set(None),
        Err(e) => action_error.set(Some(e.to_string())),
    };
    let newer = move || {
        state.problems.with(|p| {
            p.iter()
                .any(|p| matches!(p.error, FormatError::Newer { .. }))
        })
    };
    let blocked = move || state.problems.with(|p| blocks_writing(p));
    let take_over = move |_| {
        if let Session::Open(meta) = state.session.get_untracked() {
            tabs::claim(&meta, state.tabs);
        }
    };
    let share = move || state.used_units.get() as f64 / QUOTA_UNITS as f64;
    view! {
        {move || {
            state
                .load_error
                .get()
                .map(|e| {
                    view! {
                        <div class="banner banner--warning" role="alert" data-testid="storage-unavailable">
                            <h2>"Linkwork cannot save in this browser"</h2>
                            <p>{e.to_string()}</p>
                        </div>
                    }
                })
        }}
        {move || {
            state
                .save_error
                .get()
                .map(|e| {
                    let quota = e == StorageError::QuotaExceeded;
                    view! {
                        <div class="banner banner--error" role="alert" data-testid="save-error">
                            <h2>"Not saved yet"</h2>
                            <p>{e.to_string()}</p>
                            {quota.then(|| view! { <BackupButton/> })}
                        </div>
                    }
                })
        }}
        <Show when=move || { state.save_error.with(Option::is_none) && share() >= WARN_AT }>
            <div class="banner banner--warning" role="status" data-testid="storage-nearly-full">
                <p>
                    {move || format!("Storage is {:.0}% full.", share() * 100.0)}
                    " When it is full, new changes cannot be saved. Download a backup, and clear the demo caseload if you no longer need it."
                </p>
            </div>
        </Show>
        <Show when=move || state.tabs.other_tab.get() && state.session.with(|s| matches!(s, Session::Open(_)))>
            <div class="banner banner--warning" role="status" data-testid="other-tab">
                <h2>"Open in another tab"</h2>
                <p>
                    "This workspace is being edited in another tab or window. "
                    "Changes saved there appear here, but this tab is read-only so that nothing is overwritten."
                </p>
                <button type="button" class="button button--secondary" on:click=take_over data-testid="take-over">
                    "Edit in this tab instead"
                </button>
            </div>
        </Show>
        <Show when=move || !state.problems.with(Vec::is_empty)>
            <div class="banner banner--error" role="alert" data-testid="load-problems">
                <h2>"Some saved data could not be read"</h2>
                <p>
                    {move || if blocked() {
                        "Linkwork is read-only for now, so nothing can overwrite it. "
                    } else {
                        "Everything else is usable; the unreadable parts are never written to. "
                    }}
                    "A copy of each unreadable part has been kept in this browser for recovery."
                </p>
                <ul>
                    {move || {
                        state
                            .problems
                            .get()
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <li>
                                        <strong>{describe_key(&p.key)}</strong>
                                        ": "
                                        {p.error.to_string()}
                                        ". Copy kept as "
                                        <code>{recovery_key(&p.key)}</code>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                {move || {
                    if newer() {
                        view! {
                            <p>"Open Linkwork's newer version to use this data. This version will not change it."</p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <p>"When you are ready, tidy up: the copies stay kept aside for recovery."</p>
                            <button type="button" class="button" on:click=set_aside data-testid="set-aside">
                                "Set the unreadable parts aside"
                            </button>
                        }
                            .into_any()
                    }
                }}
                {move || action_error.get().map(|e| view! { <p class="error-text">{e}</p> })}
            </div>
        </Show>
    }
}
