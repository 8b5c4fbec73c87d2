use leptos::ev;
use leptos::prelude::*;

use crate::components::sync::setup_sheet::SetupSheet;
use crate::components::sync::sync_fields::{checked, SyncFields};
use crate::platform::show_date;
use crate::state::sync::SyncForm;
use crate::state::use_state;

/// Settings, Sync: off by default. Switches sync on with the organisation's server (and
/// shows the set-up sheet once), shows how sync is going, syncs now, or stops syncing on
/// this PC (the workspace stays here).
#[component]
pub fn SyncSettings() -> impl IntoView {
    let state = use_state();
    let view_ = state.sync_view;
    let form = RwSignal::new(SyncForm::default());
    let errors = RwSignal::new(Vec::<(&'static str, String)>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let sheet = RwSignal::new(None::<(String, String, String, String)>);
    let confirm_stop = RwSignal::new(false);
    let stop_error = RwSignal::new(None::<String>);

    let switch_on = move |e: ev::SubmitEvent| {
        e.prevent_default();
        failure.set(None);
        let Some(f) = checked(form, errors, "sync", false) else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = state.switch_on_sync(f.clone()).await;
            busy.set(false);
            match result {
                Ok(secret) => {
                    sheet.set(Some((
                        crate::couch::check_address(&f.address).unwrap_or_default(),
                        f.database.trim().to_owned(),
                        f.user.trim().to_owned(),
                        secret,
                    )));
                    form.set(SyncForm::default());
                }
                Err(e) => failure.set(Some(e.to_string())),
            }
        });
    };
    let sync_now = move |_| {
        leptos::task::spawn_local(async move { state.sync_now().await });
    };
    let stop = move |_| match state.stop_sync() {
        Ok(()) => {
            confirm_stop.set(false);
            stop_error.set(None);
        }
        Err(e) => stop_error.set(Some(e.to_string())),
    };
    let status = move || {
        view_.with(|v| {
            let last = v.last_synced.map_or_else(
                || "Not synced yet.".to_owned(),
                |t| {
                    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
                        t.timestamp_millis() as f64,
                    ));
                    let day = chrono::NaiveDate::from_ymd_opt(
                        d.get_full_year() as i32,
                        d.get_month() + 1,
                        d.get_date(),
                    );
                    format!(
                        "Last synced at {:02}:{:02}{}.",
                        d.get_hours(),
                        d.get_minutes(),
                        day.map(|day| format!(" on {}", show_date(day)))
                            .unwrap_or_default()
                    )
                },
            );
            let waiting = match v.pending {
                0 => "Nothing waiting to go.".to_owned(),
                1 => "1 change waiting to go.".to_owned(),
                n => format!("{n} changes waiting to go."),
            };
            format!(
                "{last} {waiting}{}",
                if v.busy { " Syncing now…" } else { "" }
            )
        })
    };
    view! {
        <section class="panel" aria-labelledby="sync-heading" data-testid="sync-settings">
            <h2 id="sync-heading">"Sync between PCs"</h2>
            {move || sheet.get().map(|(address, database, user, secret)| view! {
                <SetupSheet address database user secret on_done=Callback::new(move |()| sheet.set(None))/>
            })}
            <Show when=move || view_.with(|v| v.on) fallback=move || view! {
                <p>"Sync is off: this workspace is kept in this browser only. If your organisation runs a sync server, switch sync on to use the same caseload on several PCs. The server only ever holds encrypted data."</p>
                <form class="stack-form" on:submit=switch_on novalidate>
                    <SyncFields form errors prefix="sync" secret_needed=false/>
                    <button type="submit" class="button" disabled=move || busy.get() || state.read_only() data-testid="sync-on">
                        {move || if busy.get() { "Switching sync on…" } else { "Switch sync on" }}
                    </button>
                </form>
                {move || failure.get().map(|e| view! { <p class="field-error" role="alert" data-testid="sync-failure">{e}</p> })}
            }>
                <p data-testid="sync-where">{move || view_.with(|v| format!("Syncing with {} (database {}) as {}. This PC is called {} in \u{201c}changed on two PCs\u{201d}.", v.server, v.database, v.user, v.device))}</p>
                <p role="status" data-testid="sync-status">{status}</p>
                {move || view_.with(|v| v.problem.clone()).map(|p| view! { <p class="banner banner--warning" role="alert" data-testid="sync-problem">{p}</p> })}
                {move || {
                    let refused = view_.with(|v| v.refused.clone());
                    (!refused.is_empty()).then(|| view! {
                        <div class="banner banner--warning" role="alert" data-testid="sync-refused">
                            <p>"The server sent documents that were kept out, because they were not what this workspace wrote:"</p>
                            <ul>{refused.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                            <p>"Ask whoever runs the server: someone or something may have changed its data."</p>
                        </div>
                    })
                }}
                <div class="button-row">
                    <button type="button" class="button button--secondary" on:click=sync_now disabled=move || view_.with(|v| v.busy) data-testid="sync-now">"Sync now"</button>
                    <button type="button" class="button button--secondary" on:click=move |_| confirm_stop.set(true) data-testid="sync-stop">"Stop syncing on this PC"</button>
                </div>
                <Show when=move || confirm_stop.get()>
                    <div class="notice notice--warn" role="group" aria-labelledby="stop-heading">
                        <p id="stop-heading">"Stop syncing on this PC? The workspace stays here exactly as it is, and the server's copy is left alone for your other PCs. This PC forgets the server, your sign-in and the sync secret."</p>
                        <button type="button" class="button" on:click=stop data-testid="sync-stop-confirm">"Stop syncing"</button>
                        <button type="button" class="button button--secondary" on:click=move |_| confirm_stop.set(false)>"Keep syncing"</button>
                    </div>
                </Show>
                {move || stop_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                <p class="hint">"Sync is not a backup: a mistake or a deletion reaches every PC. Keep downloading encrypted backups."</p>
            </Show>
        </section>
    }
}
