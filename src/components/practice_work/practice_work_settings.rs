use leptos::ev;
use leptos::prelude::*;

use crate::components::common::short_number::{whole_number, ShortNumber};
use crate::state::use_state;

/// How often practices are checked in with, and when the balance of the
/// work is flagged.
#[component]
pub fn PracticeWorkSettings() -> impl IntoView {
    let state = use_state();
    let every = RwSignal::new(
        state
            .ws
            .with_untracked(|ws| ws.settings.checkin_every_months.to_string()),
    );
    let share = RwSignal::new(
        state
            .ws
            .with_untracked(|ws| ws.settings.other_work_share.to_string()),
    );
    let error = RwSignal::new(None::<&'static str>);
    let saved = RwSignal::new(false);
    let save = move |e: ev::SubmitEvent| {
        e.prevent_default();
        saved.set(false);
        match (whole_number(every, 1..=12), whole_number(share, 0..=100)) {
            (None, _) => error.set(Some(
                "Enter the months between check-ins as a whole number from 1 to 12.",
            )),
            (_, None) => error.set(Some(
                "Enter the share as a whole percentage from 0 (never flag) to 100.",
            )),
            (Some(m), Some(p)) => {
                let _ = state.update_settings(|s| {
                    s.checkin_every_months = m;
                    s.other_work_share = p;
                    Ok::<(), ()>(())
                });
                error.set(None);
                saved.set(true);
            }
        }
    };
    view! {
        <section class="panel" aria-labelledby="practice-work-settings-heading">
            <h2 id="practice-work-settings-heading">"Practice and community work"</h2>
            <form class="inline-form" on:submit=save>
                <ShortNumber id="checkin-every" label="Check in with each practice every this many months" value=every testid="checkin-every"/>
                <ShortNumber id="other-share" label="Flag when practice and community work are under this % of time for three months" value=share testid="other-work-share"/>
                <button type="submit" class="button button--secondary" disabled=move || state.read_only() data-testid="save-practice-work-settings">"Save"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <Show when=move || saved.get()><p class="hint" role="status">"Saved."</p></Show>
        </section>
    }
}
