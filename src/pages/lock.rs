//! The lock screen: the only page anyone sees until a workspace is unlocked.

use leptos::prelude::*;
use linkwork_core::store::vault_store::WorkspaceMeta;

use crate::components::common::disclosure::Disclosure;
use crate::components::security::create_workspace::CreateWorkspace;
use crate::components::security::restore_backup::RestoreBackup;
use crate::components::security::unlock_form::UnlockForm;
use crate::components::sync::join_form::JoinForm;
use crate::route;
use crate::state::use_state;
use crate::storage;

/// Lists workspace names (nothing else), unlocks one, creates or restores
/// one, or opens the demo.
#[component]
pub fn LockPage() -> impl IntoView {
    let state = use_state();
    let listed = storage::list_workspaces();
    let (workspaces, problems) = listed.clone().unwrap_or_default();
    let workspaces: StoredValue<Vec<WorkspaceMeta>> = StoredValue::new(workspaces);
    let none = workspaces.with_value(Vec::is_empty);
    let legacy_count = storage::legacy_entries().len();
    let demo_error = RwSignal::new(None::<String>);
    let open_demo = move || {
        if let Err(e) = state.open_demo() {
            demo_error.set(Some(e.to_string()));
        }
    };
    // `?demo` in the address (a demo on static hosting) opens the demo at once; leaving the
    // demo takes it out of the address again.
    Effect::new(move |_| {
        if route::demo_requested() {
            open_demo();
        }
    });
    view! {
        <div class="lock" data-testid="lock-screen">
            // A first visit has nothing to lock yet.
            <h1>{if none { "Welcome to Linkwork" } else { "Linkwork is locked" }}</h1>
            {listed.err().map(|e| view! { <p class="banner banner--warning">{e.to_string()}</p> })}
            {(!problems.is_empty()).then(|| view! {
                <p class="banner banner--warning">
                    {format!("{} in this browser could not be read and {} not listed.", linkwork_core::views::words::count(problems.len(), "workspace description", "workspace descriptions"), if problems.len() == 1 { "is" } else { "are" })}
                </p>
            })}
            {(!none).then(|| view! {
                <section class="panel" aria-labelledby="unlock-heading">
                    <h2 id="unlock-heading">"Unlock your workspace"</h2>
                    <UnlockForm workspaces=workspaces.get_value()/>
                </section>
            })}
            {(legacy_count > 0).then(|| view! {
                <div class="banner" data-testid="legacy-notice">
                    <h2>"Records from an earlier version"</h2>
                    <p>
                        "This browser holds records saved before Linkwork encrypted its data. "
                        "Create a workspace below: they will be moved into it, encrypted, and the unencrypted copy removed."
                    </p>
                </div>
            })}
            // Closed panels build their forms when first opened: the lock screen is the first
            // screen of every visit, and is ready sooner for it.
            <Disclosure heading="Create a workspace" open=none>
                <CreateWorkspace workspaces=workspaces.get_value()/>
            </Disclosure>
            <Disclosure heading="Restore from a backup file">
                <RestoreBackup workspaces=workspaces.get_value()/>
            </Disclosure>
            <Disclosure heading="Set up this PC from a sync sheet">
                <JoinForm workspaces=workspaces.get_value()/>
            </Disclosure>
            <section class="panel" aria-labelledby="manager-heading">
                <h2 id="manager-heading">"Managers"</h2>
                <p>"Open anonymised summary files from link workers and see the whole programme. No workspace is opened and no personal data is involved."</p>
                <button type="button" class="button button--secondary" data-testid="open-manager"
                    on:click=move |_| state.open_manager()>
                    "Open the manager view"
                </button>
            </section>
            <section class="panel" aria-labelledby="demo-heading">
                <h2 id="demo-heading">"Just looking?"</h2>
                <p>"Open a demo caseload of made-up people. It is kept apart from real workspaces and can be cleared at any time."</p>
                <button type="button" class="button button--secondary" on:click=move |_| open_demo() data-testid="open-demo">
                    "Open the demo caseload"
                </button>
                {move || demo_error.get().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
            </section>
        </div>
    }
}
