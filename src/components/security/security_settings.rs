use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;

use crate::components::common::short_number::{whole_number, ShortNumber};
use crate::components::security::backup_button::BackupButton;
use crate::platform::{show_count, show_date};
use crate::state::{use_state, Session};
use crate::storage::QUOTA_UNITS;

/// Locking, backups, storage use and the passphrase of the open workspace.
#[component]
pub fn SecuritySettings() -> impl IntoView {
    let state = use_state();
    let setting = |get: fn(&linkwork_core::Settings) -> u32| {
        RwSignal::new(state.ws.with_untracked(|ws| get(&ws.settings).to_string()))
    };
    let lock_minutes = setting(|s| s.auto_lock_minutes);
    let reminder_days = setting(|s| s.backup_reminder_days);
    let waiting_days = setting(|s| s.waiting_alert_days);
    let contact_days = setting(|s| s.no_contact_alert_days);
    let timing_error = RwSignal::new(None::<String>);
    let timing_saved = RwSignal::new(false);
    let save_timing = move |e: ev::SubmitEvent| {
        e.prevent_default();
        timing_saved.set(false);
        let minutes = whole_number(lock_minutes, 1..=60);
        let days = whole_number(reminder_days, 0..=365);
        let alert = |v| whole_number(v, 1..=365);
        match (minutes, days, alert(waiting_days), alert(contact_days)) {
            (None, ..) => timing_error.set(Some(
                "Enter the minutes before locking as a whole number from 1 to 60.".into(),
            )),
            (_, None, ..) => timing_error.set(Some(
                "Enter the backup reminder as a number of days from 0 (off) to 365.".into(),
            )),
            (_, _, None, _) | (_, _, _, None) => timing_error.set(Some(
                "Enter the caseload alerts as numbers of days from 1 to 365.".into(),
            )),
            (Some(m), Some(d), Some(w), Some(c)) => {
                let _ = state.update_settings(|s| {
                    s.auto_lock_minutes = m;
                    s.backup_reminder_days = d;
                    s.waiting_alert_days = w;
                    s.no_contact_alert_days = c;
                    Ok::<(), ()>(())
                });
                timing_error.set(None);
                timing_saved.set(true);
            }
        }
    };

    let new_pass = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let pass_result = RwSignal::new(None::<Result<(), String>>);
    let busy = RwSignal::new(false);
    let change = move |e: ev::SubmitEvent| {
        e.prevent_default();
        busy.set(true);
        set_timeout(
            move || {
                let result =
                    state.change_passphrase(&new_pass.get_untracked(), &confirm.get_untracked());
                busy.set(false);
                if result.is_ok() {
                    new_pass.set(String::new());
                    confirm.set(String::new());
                }
                pass_result.set(Some(result.map_err(|e| e.to_string())));
            },
            Duration::from_millis(30),
        );
    };

    let last_backup = move || match state.session.get() {
        Session::Open(meta) => meta.last_backup.map_or_else(
            || "No backup downloaded yet.".to_owned(),
            |at| format!("Last backup downloaded {}.", show_date(at.date_naive())),
        ),
        _ => String::new(),
    };
    let used = move || state.used_units.get();
    let percent = move || (used() as f64 / QUOTA_UNITS as f64 * 100.0).min(100.0);
    let persisted = move || {
        match state.persisted.get() {
        Some(true) => "The browser has agreed to keep Linkwork's storage even when the disk is short of space.",
        Some(false) => "The browser has not agreed to keep Linkwork's storage permanently: it may clear it if the disk runs short. Keep backups.",
        None => "The browser has not said whether it will keep Linkwork's storage permanently. Keep backups.",
    }
    };

    view! {
        <section class="panel" aria-labelledby="security-heading" data-testid="security-settings">
            <h2 id="security-heading">"Locking, alerts and backups"</h2>
            <form class="inline-form" on:submit=save_timing>
                <ShortNumber id="auto-lock" label="Lock after this many minutes without use" value=lock_minutes testid="auto-lock-minutes"/>
                <ShortNumber id="reminder-days" label="Remind me to back up after this many days (0 for never)" value=reminder_days testid="reminder-days"/>
                <ShortNumber id="waiting-days" label="Flag a wait for first contact after this many days" value=waiting_days testid="waiting-alert-days"/>
                <ShortNumber id="contact-days" label="Flag no contact with an active referral after this many days" value=contact_days testid="no-contact-alert-days"/>
                <button type="submit" class="button button--secondary" disabled=move || state.read_only() data-testid="save-timing">"Save"</button>
            </form>
            {move || timing_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <Show when=move || timing_saved.get()><p class="hint" role="status">"Saved."</p></Show>
            <p class="hint">"You can also lock at any moment with the Lock button or Ctrl+Shift+L."</p>

            <h3>"Backups"</h3>
            <p data-testid="last-backup">{last_backup}</p>
            <p class="hint">"A backup is encrypted with this workspace's passphrase. Keep it somewhere safe, such as a secure network drive."</p>
            <BackupButton/>

            <h3>"Storage in this browser"</h3>
            <label for="storage-meter">"Space used"</label>
            <meter id="storage-meter" min="0" max="100" low="60" high="80" optimum="0" value=move || percent().to_string()
                data-testid="storage-meter"></meter>
            <p data-testid="storage-used">
                {move || format!("{:.1}% used: {} of about {} characters.", percent(), show_count(u32::try_from(used()).unwrap_or(u32::MAX)), show_count(QUOTA_UNITS as u32))}
            </p>
            <p class="hint" data-testid="persisted">{persisted}</p>

            <h3>"Change passphrase"</h3>
            <form class="inline-form" on:submit=change>
                <div class="field">
                    <label for="new-pass">"New passphrase"</label>
                    <input id="new-pass" type="password" autocomplete="new-password" prop:value=move || new_pass.get()
                        on:input=move |e| new_pass.set(event_target_value(&e)) data-testid="new-pass"/>
                </div>
                <div class="field">
                    <label for="new-pass-confirm">"New passphrase again"</label>
                    <input id="new-pass-confirm" type="password" autocomplete="new-password" prop:value=move || confirm.get()
                        on:input=move |e| confirm.set(event_target_value(&e)) data-testid="new-pass-confirm"/>
                </div>
                <button type="submit" class="button button--secondary" disabled=move || busy.get() || state.read_only() data-testid="change-pass">
                    {move || if busy.get() { "Re-encrypting…" } else { "Change passphrase" }}
                </button>
            </form>
            {move || pass_result.get().map(|r| match r {
                Ok(()) => view! { <p class="notice" role="status" data-testid="pass-changed">"Passphrase changed. Everything is now encrypted with the new one; older backups still need the old one."</p> }.into_any(),
                Err(e) => view! { <p class="field-error" role="alert" data-testid="pass-error">{e}</p> }.into_any(),
            })}
        </section>
    }
}
