use leptos::ev;
use leptos::prelude::*;
use linkwork_core::views::retention::past_retention;

use crate::components::common::short_number::{whole_number, ShortNumber};
use crate::components::settings::keep_form::KeepForm;
use crate::platform::{show_date, today};
use crate::route::Route;
use crate::state::use_state;

/// Keeping records: the retention period for ended episodes, and the records past it,
/// listed for review. Each is deleted from the person's page (after typing their
/// reference) or kept with a reason, which holds for a year. Nothing is deleted on its own.
#[component]
pub fn RetentionPanel() -> impl IntoView {
    let state = use_state();
    let years = RwSignal::new(
        state
            .ws
            .with_untracked(|ws| ws.settings.retention_years.to_string()),
    );
    let saved = RwSignal::new(None::<Result<String, String>>);
    let save = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let Some(n) = whole_number(years, 0..=50) else {
            saved.set(Some(Err(
                "Enter the years as a whole number from 0 (never list) to 50.".into(),
            )));
            return;
        };
        let _ = state.update_settings(|s| {
            s.retention_years = n;
            Ok::<(), ()>(())
        });
        saved.set(Some(Ok("Saved.".into())));
    };
    let due = move || state.ws.with(|ws| past_retention(ws, today()));
    view! {
        <section class="panel" aria-labelledby="retention-heading" data-testid="retention">
            <h2 id="retention-heading">"Keeping records"</h2>
            <p class="hint">"Ended episodes are listed for review once every episode of the person ended this many years ago. The default, 8 years, follows the NHS Records Management Code of Practice for adult health and social care records. Nothing is deleted without you."</p>
            <form class="form-plain" novalidate on:submit=save>
                <ShortNumber id="retention-years" label="Years after an episode ends before its record is reviewed (0 for never)" value=years testid="retention-years"/>
                <button type="submit" class="button button--secondary" data-testid="save-retention">"Save"</button>
                <div role="status">{move || saved.get().map(|s| match s {
                    Ok(m) => view! { <span class="hint">" "{m}</span> }.into_any(),
                    Err(m) => view! { <p class="field-error">{m}</p> }.into_any(),
                })}</div>
            </form>
            <h3>"Due for review"</h3>
            {move || {
                let lines = due();
                if lines.is_empty() {
                    view! { <p class="muted" data-testid="retention-none">"No records are due for review."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="retention-table">
                                <caption class="visually-hidden">"Records due for review"</caption>
                                <thead><tr>
                                    <th scope="col">"Person"</th><th scope="col">"Practice"</th><th scope="col">"Ended"</th>
                                    <th scope="col">"Due for review"</th><th scope="col">"Decision"</th>
                                </tr></thead>
                                <tbody>
                                    {lines.into_iter().map(|l| view! {
                                        <tr data-testid="retention-row">
                                            <td><a href=Route::Referral(l.referral).href()>{l.reference.clone()}</a></td>
                                            <td>{l.practice}</td>
                                            <td>{show_date(l.ended)}</td>
                                            <td>{show_date(l.due)}</td>
                                            <td>
                                                {l.kept.map(|k| view! { <p class="hint">{format!("Kept on {}: {}", show_date(k.date), k.reason)}</p> })}
                                                <KeepForm referral=l.referral reference=l.reference/>
                                                <p class="hint">"To delete: open the person, then Details, Delete this person."</p>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}
