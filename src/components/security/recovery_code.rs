use leptos::prelude::*;

use crate::platform::show_date;
use crate::state::{use_state, Session};

/// The workspace's recovery code: made on demand (a new one stops the old one working),
/// shown once on a sheet to print with the workspace's name and the date, and kept nowhere
/// in readable form.
#[component]
pub fn RecoveryCode() -> impl IntoView {
    let state = use_state();
    let made = move || {
        state.session.with(|s| match s {
            Session::Open(m) => m.recovery.as_ref().map(|r| r.made),
            _ => None,
        })
    };
    let name = move || {
        state.session.with(|s| match s {
            Session::Open(m) => m.name.clone(),
            _ => String::new(),
        })
    };
    let code = RwSignal::new(None::<(String, chrono::NaiveDate)>);
    let error = RwSignal::new(None::<String>);
    let make = move |_| match state.make_recovery() {
        Ok(c) => {
            error.set(None);
            code.set(Some((c, crate::platform::today())));
        }
        Err(e) => error.set(Some(e.to_string())),
    };
    let sheet = move |(c, day): (String, chrono::NaiveDate), printed: bool| {
        view! {
            <h2>{format!("Linkwork recovery sheet: {}", name())}</h2>
            <p>{format!("Made on {}.", show_date(day))}</p>
            <p class="recovery-code" data-testid=if printed { "recovery-code-printed" } else { "recovery-code" }>{c}</p>
            <p>"If the passphrase of this workspace is forgotten, choose \u{201c}Forgot the passphrase?\u{201d} on the lock screen and type this code to set a new one."</p>
            <p>"Keep this sheet locked away, apart from the PC. Anyone with it can open the workspace. A new code made later replaces this one."</p>
        }
    };
    view! {
        <section class="panel" aria-labelledby="recovery-heading" data-testid="recovery">
            <h2 id="recovery-heading">"Recovery code"</h2>
            <p class="hint" data-testid="recovery-status">{move || match made() {
                Some(at) => format!("A recovery code was made on {}. Making a new one stops that one working.", show_date(at.date_naive())),
                None => "There is no recovery code yet. Without one, a forgotten passphrase means losing this workspace's data.".to_owned(),
            }}</p>
            <button type="button" class="button button--secondary" data-testid="make-recovery" on:click=make>
                {move || if made().is_some() { "Make a new recovery code" } else { "Make a recovery code" }}
            </button>
            <p class="field-error" role="alert">{move || error.get()}</p>
            {move || code.get().map(|c| {
                let printed = c.clone();
                view! {
                    <div class="recovery-preview" data-testid="recovery-sheet">{sheet(c, false)}</div>
                    <leptos::portal::Portal>
                        <div class="recovery-sheet" aria-hidden="true">{sheet(printed.clone(), true)}</div>
                    </leptos::portal::Portal>
                    <div class="button-row">
                        <button type="button" class="button" data-testid="print-recovery" on:click=move |_| {
                            if let Some(w) = web_sys::window() { let _ = w.print(); }
                        }>"Print the sheet"</button>
                        <button type="button" class="button button--secondary" data-testid="done-recovery"
                            on:click=move |_| code.set(None)>"I have printed it: hide the code"</button>
                    </div>
                }
            })}
        </section>
    }
}
