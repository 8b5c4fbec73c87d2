use leptos::prelude::*;

use crate::components::common::error_summary::focus_field;
use crate::components::common::field_error::FieldError;
use crate::state::sync::{form_problems, SyncForm};

/// The form's contents if every field is right; otherwise each error is shown beside its
/// field, the first such field takes focus, and nothing is sent.
pub fn checked(
    form: RwSignal<SyncForm>,
    errors: RwSignal<Vec<(&'static str, String)>>,
    prefix: &str,
    secret_needed: bool,
) -> Option<SyncForm> {
    let f = form.get_untracked();
    let problems = form_problems(&f, secret_needed);
    let first = problems.first().map(|(name, _)| format!("{prefix}-{name}"));
    errors.set(problems);
    match first {
        Some(id) => {
            focus_field(&id);
            None
        }
        None => Some(f),
    }
}

/// The fields of a sync form, each with its error beside it: the server, the sign-in, the
/// workspace's passphrase and (when asked for) the sync secret.
#[component]
pub fn SyncFields(
    /// What has been typed.
    form: RwSignal<SyncForm>,
    /// Errors by field name (see `form_problems`).
    errors: RwSignal<Vec<(&'static str, String)>>,
    /// A prefix for ids, so two forms on a page do not clash.
    prefix: &'static str,
    /// Whether the secret is needed (another PC) or only optional (this workspace again).
    secret_needed: bool,
) -> impl IntoView {
    let field = move |name: &'static str,
                      label: &'static str,
                      hint: &'static str,
                      kind: &'static str,
                      autocomplete: &'static str,
                      get: fn(&SyncForm) -> String,
                      set: fn(&mut SyncForm, String)| {
        let id = format!("{prefix}-{name}");
        let error_id = format!("{id}-error");
        let hint_id = format!("{id}-hint");
        let message = Signal::derive(move || {
            errors.with(|e| e.iter().find(|(n, _)| *n == name).map(|(_, m)| m.clone()))
        });
        let described = format!("{hint_id} {error_id}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <p class="hint" id=hint_id>{hint}</p>
                <input id=id.clone() type=kind autocomplete=autocomplete spellcheck="false"
                    aria-invalid=move || message.get().is_some().to_string()
                    aria-describedby=described
                    prop:value=move || form.with(get)
                    on:input=move |e| form.update(|f| set(f, event_target_value(&e)))
                    data-testid=id.clone()/>
                <FieldError id=error_id message=message/>
            </div>
        }
    };
    // Nothing is offered from, or kept in, the browser's autofill: the PC is shared.
    view! {
        {field("address", "Server address", "The sync server's address from your organisation, such as https://example.org/sync/.", "url", "off", |f| f.address.clone(), |f, v| f.address = v)}
        {field("database", "Database", "The database for this workspace, as you were given it.", "text", "off", |f| f.database.clone(), |f, v| f.database = v)}
        {field("user", "User name", "Your user name on the sync server.", "text", "off", |f| f.user.clone(), |f, v| f.user = v)}
        {field("password", "Password", "Your password on the sync server. It is kept on this PC only encrypted.", "password", "current-password", |f| f.password.clone(), |f, v| f.password = v)}
        {field("passphrase", "Workspace passphrase", "The passphrase that unlocks this workspace.", "password", "current-password", |f| f.passphrase.clone(), |f, v| f.passphrase = v)}
        {field("secret", if secret_needed { "Sync secret" } else { "Sync secret (only if this workspace already syncs to that database)" }, "From the printed set-up sheet: 24 letters and digits, in groups of four.", "text", "off", |f| f.secret.clone(), |f, v| f.secret = v)}
    }
}
