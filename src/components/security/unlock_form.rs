use std::time::Duration;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use linkwork_core::store::vault_store::WorkspaceMeta;

use crate::components::security::recover_form::RecoverForm;
use crate::state::use_state;

/// Picks a workspace by name and unlocks it with its passphrase.
#[component]
pub fn UnlockForm(
    /// The workspaces in this browser.
    workspaces: Vec<WorkspaceMeta>,
) -> impl IntoView {
    let state = use_state();
    let chosen = RwSignal::new(workspaces.first().map(|m| m.id.clone()));
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    let list = StoredValue::new(workspaces.clone());
    let forgot = RwSignal::new(false);
    let chosen_meta = Signal::derive(move || {
        let id = chosen.get();
        list.with_value(|l| l.iter().find(|m| Some(&m.id) == id.as_ref()).cloned())
    });
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(meta) = list.with_value(|l| {
            l.iter()
                .find(|m| Some(&m.id) == chosen.get_untracked().as_ref())
                .cloned()
        }) else {
            error.set(Some("Choose your workspace.".into()));
            return;
        };
        busy.set(true);
        error.set(None);
        // Let "Unlocking…" show before the key derivation holds the page.
        set_timeout(
            move || {
                let result = state.unlock(&meta, &passphrase.get_untracked());
                passphrase.set(String::new());
                busy.set(false);
                if let Err(e) = result {
                    error.set(Some(e.to_string()));
                    if let Some(el) = input.get_untracked() {
                        let _ = el.focus();
                    }
                }
            },
            Duration::from_millis(30),
        );
    };
    view! {
        <form class="form-plain" on:submit=submit data-testid="unlock-form">
            <fieldset class="field">
                <legend>"Workspace"</legend>
                <div class="choice-list">
                    {workspaces.into_iter().map(|m| {
                        let id = m.id.clone();
                        let checked_id = m.id.clone();
                        let input_id = format!("ws-{}", m.id);
                        view! {
                            <div class="radio">
                                <input type="radio" name="workspace" id=input_id.clone() value=m.id.clone()
                                    prop:checked=move || chosen.get().as_deref() == Some(checked_id.as_str())
                                    on:change=move |_| chosen.set(Some(id.clone()))
                                    data-testid=format!("workspace-{}", m.name)/>
                                <label for=input_id>{m.name.clone()}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="field" class:field--error=move || error.get().is_some()>
                <label for="unlock-passphrase">"Passphrase"</label>
                {move || error.get().map(|e| view! { <p class="field-error" id="unlock-error" role="alert" data-testid="unlock-error">{e}</p> })}
                <input id="unlock-passphrase" type="password" autocomplete="current-password" node_ref=input
                    aria-describedby="unlock-error" aria-invalid=move || error.get().is_some().to_string()
                    prop:value=move || passphrase.get() on:input=move |e| passphrase.set(event_target_value(&e))
                    data-testid="unlock-passphrase"/>
            </div>
            <button type="submit" class="button" disabled=move || busy.get() data-testid="unlock">
                {move || if busy.get() { "Unlocking…" } else { "Unlock" }}
            </button>
            " "
            <button type="button" class="button button--secondary" aria-expanded=move || forgot.get().to_string()
                data-testid="forgot-passphrase" on:click=move |_| forgot.update(|f| *f = !*f)>"Forgot the passphrase?"</button>
        </form>
        <Show when=move || forgot.get()>
            <RecoverForm meta=chosen_meta/>
        </Show>
    }
}
