use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;
use linkwork_core::store::vault_store::{AccessError, WorkspaceMeta, MIN_PASSPHRASE_LEN};

use crate::state::{use_state, CreateError};

/// Creates a workspace: a display name and a passphrase, with a plain
/// warning that a forgotten passphrase cannot be recovered.
#[component]
pub fn CreateWorkspace(
    /// The workspaces already in this browser (names must differ).
    workspaces: Vec<WorkspaceMeta>,
) -> impl IntoView {
    let state = use_state();
    let name = RwSignal::new(String::new());
    let pass = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = RwSignal::new(None::<CreateError>);
    let busy = RwSignal::new(false);
    let existing = StoredValue::new(workspaces);
    let error_for = move |pick: fn(&AccessError) -> bool| {
        move || match errors.get() {
            Some(CreateError::Access(list)) => {
                list.iter().find(|e| pick(e)).map(ToString::to_string)
            }
            _ => None,
        }
    };
    let name_error = error_for(|e| {
        matches!(
            e,
            AccessError::NameMissing | AccessError::NameTooLong | AccessError::NameTaken(_)
        )
    });
    let pass_error = error_for(|e| matches!(e, AccessError::PassphraseTooShort));
    let confirm_error = error_for(|e| matches!(e, AccessError::PassphraseMismatch));
    let other_error = move || match errors.get() {
        Some(CreateError::Access(_)) | None => None,
        Some(e) => Some(e.to_string()),
    };
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        set_timeout(
            move || {
                let result = existing.with_value(|list| {
                    state.create_workspace(
                        &name.get_untracked(),
                        &pass.get_untracked(),
                        &confirm.get_untracked(),
                        list,
                    )
                });
                busy.set(false);
                match result {
                    Ok(()) => {
                        pass.set(String::new());
                        confirm.set(String::new());
                        errors.set(None);
                        // The workspace opens: focus moves to its page's heading
                        // (which shows the focus ring), never nowhere.
                        request_animation_frame(crate::platform::focus_page_heading);
                    }
                    Err(e) => errors.set(Some(e)),
                }
            },
            Duration::from_millis(30),
        );
    };
    view! {
        <form class="form-plain" on:submit=submit data-testid="create-form">
            <p class="hint">
                "Each person using this computer has their own workspace. Only its name shows here; everything in it is encrypted with its passphrase."
            </p>
            <div class="field" class:field--error=move || name_error().is_some()>
                <label for="create-name">"Workspace name"</label>
                <p class="hint" id="create-name-hint">"Shown on this screen, for example your first name."</p>
                {move || name_error().map(|e| view! { <p class="field-error" id="create-name-error">{e}</p> })}
                <input id="create-name" type="text" autocomplete="off" aria-describedby="create-name-hint create-name-error"
                    prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) data-testid="create-name"/>
            </div>
            <div class="field" class:field--error=move || pass_error().is_some()>
                <label for="create-pass">"Passphrase"</label>
                <p class="hint" id="create-pass-hint">{format!("At least {MIN_PASSPHRASE_LEN} characters. Three or four unrelated words are easy to type and hard to guess.")}</p>
                {move || pass_error().map(|e| view! { <p class="field-error" id="create-pass-error">{e}</p> })}
                <input id="create-pass" type="password" autocomplete="new-password" aria-describedby="create-pass-hint create-pass-error"
                    prop:value=move || pass.get() on:input=move |e| pass.set(event_target_value(&e)) data-testid="create-pass"/>
            </div>
            <div class="field" class:field--error=move || confirm_error().is_some()>
                <label for="create-confirm">"Passphrase again"</label>
                {move || confirm_error().map(|e| view! { <p class="field-error" id="create-confirm-error">{e}</p> })}
                <input id="create-confirm" type="password" autocomplete="new-password" aria-describedby="create-confirm-error"
                    prop:value=move || confirm.get() on:input=move |e| confirm.set(event_target_value(&e)) data-testid="create-confirm"/>
            </div>
            <p class="warning-text" data-testid="no-recovery">
                <strong>"A forgotten passphrase cannot be recovered"</strong>
                ", by you or by anyone else: the data is encrypted with it. Download backups regularly (Settings, or the reminder) and keep them safe."
            </p>
            {move || other_error().map(|e| view! { <p class="error-text" role="alert" data-testid="create-error">{e}</p> })}
            <button type="submit" class="button" disabled=move || busy.get() data-testid="create">
                {move || if busy.get() { "Creating…" } else { "Create workspace" }}
            </button>
        </form>
    }
}
