use leptos::ev;
use leptos::prelude::*;
use linkwork_core::store::vault_store::WorkspaceMeta;

use crate::state::use_state;

/// A way back from a forgotten passphrase: the workspace's recovery code (from its printed
/// sheet) and a new passphrase. Without either, the screen says plainly that the data is
/// lost.
#[component]
pub fn RecoverForm(
    /// The workspace chosen on the lock screen.
    meta: Signal<Option<WorkspaceMeta>>,
) -> impl IntoView {
    let state = use_state();
    let code = RwSignal::new(String::new());
    let pass = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let Some(m) = meta.get_untracked() else {
            error.set(Some("Choose your workspace.".into()));
            return;
        };
        match state.recover(
            &m,
            &code.get_untracked(),
            &pass.get_untracked(),
            &confirm.get_untracked(),
        ) {
            Ok(()) => {}
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let has_code = move || meta.with(|m| m.as_ref().is_some_and(|m| m.recovery.is_some()));
    view! {
        <form class="form-plain recover-form" novalidate on:submit=submit data-testid="recover-form">
            <h2>"Set a new passphrase with the recovery code"</h2>
            <Show when=has_code fallback=|| view! {
                <p class="notice notice--warn" data-testid="no-recovery">"This workspace has no recovery code. Without its passphrase it cannot be opened, and its data is lost unless you have a backup and the passphrase it had then."</p>
            }>
                <p class="hint">"The recovery code is on the sheet printed when it was made: six groups of four letters and digits. Losing both the passphrase and the code means losing the data."</p>
                <div class="field">
                    <label for="recover-code">"Recovery code"</label>
                    <p class="field-error" id="recover-error" role="alert" data-testid="recover-error">{move || error.get()}</p>
                    <input id="recover-code" type="text" autocomplete="off" spellcheck="false" data-testid="recover-code"
                        aria-describedby="recover-error"
                        prop:value=move || code.get() on:input=move |e| { code.set(event_target_value(&e)); error.set(None); }/>
                </div>
                <div class="field">
                    <label for="recover-pass">"New passphrase"</label>
                    <input id="recover-pass" type="password" autocomplete="new-password" data-testid="recover-pass"
                        prop:value=move || pass.get() on:input=move |e| pass.set(event_target_value(&e))/>
                </div>
                <div class="field">
                    <label for="recover-confirm">"The new passphrase again"</label>
                    <input id="recover-confirm" type="password" autocomplete="new-password" data-testid="recover-confirm"
                        prop:value=move || confirm.get() on:input=move |e| confirm.set(event_target_value(&e))/>
                </div>
                <button type="submit" class="button" data-testid="recover">"Set the new passphrase and unlock"</button>
            </Show>
        </form>
    }
}
