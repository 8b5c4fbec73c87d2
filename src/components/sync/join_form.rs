use leptos::ev;
use leptos::prelude::*;
use linkwork_core::store::vault_store::WorkspaceMeta;

use crate::components::sync::sync_fields::{checked, SyncFields};
use crate::state::sync::SyncForm;
use crate::state::use_state;

/// Sets this PC up from a "set up another PC" sheet: the workspace comes down from the
/// sync server and opens here, under the same passphrase.
#[component]
pub fn JoinForm(
    /// The workspaces already in this browser.
    workspaces: Vec<WorkspaceMeta>,
) -> impl IntoView {
    let state = use_state();
    let form = RwSignal::new(SyncForm::default());
    let errors = RwSignal::new(Vec::<(&'static str, String)>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let existing = StoredValue::new(workspaces);
    let join = move |e: ev::SubmitEvent| {
        e.prevent_default();
        failure.set(None);
        let Some(f) = checked(form, errors, "join", true) else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = state.join_from_sheet(f, existing.get_value()).await;
            busy.set(false);
            if let Err(e) = result {
                failure.set(Some(e.to_string()));
            }
        });
    };
    view! {
        <p>"If this workspace already syncs from another PC, enter the details on its printed set-up sheet. Everything comes down from your organisation's sync server, encrypted, and opens here."</p>
        <form class="stack-form" on:submit=join novalidate>
            <SyncFields form errors prefix="join" secret_needed=true/>
            <button type="submit" class="button" disabled=move || busy.get() data-testid="join-sync">
                {move || if busy.get() { "Setting up this PC…" } else { "Set up this PC" }}
            </button>
        </form>
        {move || failure.get().map(|e| view! { <p class="field-error" role="alert" data-testid="join-failure">{e}</p> })}
    }
}
