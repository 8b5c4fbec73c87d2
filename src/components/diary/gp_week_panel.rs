use chrono::NaiveDate;
use leptos::prelude::*;
use linkwork_core::views::diary::week_start;
use linkwork_core::views::gp_record::gp_week;

use crate::platform::{copy_text, show_date};
use crate::state::use_state;

/// The week's GP record entries across the caseload, practice by practice: the week the
/// diary shows, or any week chosen here. People who did not agree to anything going back
/// to the GP are left out and counted.
#[component]
pub fn GpWeekPanel(
    /// The first day of the week shown.
    monday: RwSignal<NaiveDate>,
) -> impl IntoView {
    let state = use_state();
    let copied = RwSignal::new(None::<String>);
    let entries = Memo::new(move |_| {
        let from = monday.get();
        state.ws.with(|ws| gp_week(ws, from))
    });
    view! {
        <section class="panel" aria-labelledby="gp-week-heading" data-testid="gp-week">
            <h2 id="gp-week-heading">{move || format!("GP record entries: week of {}", show_date(monday.get()))}</h2>
            <p class="hint">"The SNOMED CT codes that became due this week, with their dates, for each practice's clinical system; a line of summary only for people who agreed to words going back. Move between weeks with the diary's buttons above, or choose a day in the week."</p>
            <div class="field">
                <label for="gp-week-day">"A day in the week"</label>
                <input id="gp-week-day" type="date" class="input--date" data-testid="gp-week-day"
                    prop:value=move || monday.get().format("%Y-%m-%d").to_string()
                    on:change=move |e| {
                        if let Ok(d) = event_target_value(&e).parse::<NaiveDate>() { monday.set(week_start(d)); }
                    }/>
            </div>
            {move || {
                let w = entries.get();
                let left_out = (w.left_out > 0).then(|| view! {
                    <p class="hint" data-testid="gp-week-left-out">{format!(
                        "{} left out: the person did not agree to information going back to the GP.",
                        linkwork_core::views::words::count(w.left_out, "person", "people")
                    )}</p>
                });
                if w.entries == 0 {
                    view! { <p class="muted" data-testid="gp-week-empty">"Nothing to code this week."</p> {left_out} }.into_any()
                } else {
                    let copy = w.text.clone();
                    let rows = w.text.lines().count().min(30);
                    view! {
                        <label for="gp-week-text" class="visually-hidden">"GP record entries for the week"</label>
                        <textarea id="gp-week-text" class="message__text" readonly autocomplete="off" rows=rows data-testid="gp-week-text" prop:value=w.text></textarea>
                        {left_out}
                        <div class="button-row">
                            <button type="button" class="button button--secondary" data-testid="copy-gp-week"
                                on:click=move |_| copy_text(&copy, copied)>"Copy the week's entries"</button>
                        </div>
                    }.into_any()
                }
            }}
            <div role="status">{move || copied.get().map(|c| view! { <p class="hint" data-testid="gp-week-copied">{c}</p> })}</div>
        </section>
    }
}
