use leptos::ev;
use leptos::prelude::*;
use linkwork_core::work::measures::read_instrument;

use crate::components::common::short_number::{whole_number, ShortNumber};
use crate::platform::{file_text, take_files};
use crate::state::use_state;

/// The link worker's contact details for messages back, meaningful change
/// per questionnaire, and loading an instrument file (a new questionnaire,
/// or the licensed wording of a built-in one).
#[component]
pub fn OutcomeSettings() -> impl IntoView {
    let state = use_state();
    let contact = RwSignal::new(
        state
            .ws
            .with_untracked(|ws| ws.settings.link_worker_contact.clone()),
    );
    let saved = RwSignal::new(None::<Result<String, String>>);
    let review_weeks = RwSignal::new(
        state
            .ws
            .with_untracked(|ws| ws.settings.review_after_weeks.to_string()),
    );
    let thresholds = RwSignal::new(state.ws.with_untracked(|ws| {
        ws.instruments()
            .into_iter()
            .map(|i| {
                let t = ws.threshold(&i);
                (i.id, i.name, t.to_string())
            })
            .collect::<Vec<_>>()
    }));
    let save = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let Some(weeks) = whole_number(review_weeks, 0..=104) else {
            saved.set(Some(Err(
                "Enter the weeks until a review as a whole number from 0 (none) to 104.".into(),
            )));
            return;
        };
        let list = thresholds.get_untracked();
        let mut parsed = Vec::new();
        for (id, name, v) in &list {
            match v.trim().parse::<f64>() {
                Ok(x) if x > 0.0 && x.is_finite() => parsed.push((id.clone(), x)),
                _ => {
                    saved.set(Some(Err(format!("Enter a positive number for {name}."))));
                    return;
                }
            }
        }
        let _ = state.update_settings(|s| {
            s.link_worker_contact = contact.get_untracked().trim().to_owned();
            s.change_thresholds = parsed.into_iter().collect();
            s.review_after_weeks = weeks;
            Ok::<(), ()>(())
        });
        saved.set(Some(Ok("Saved.".into())));
    };
    let load = move |e: ev::Event| {
        let Some(file) = take_files(&e).into_iter().next() else {
            return;
        };
        let file_name = file.name();
        leptos::task::spawn_local(async move {
            let text = file_text(&file).await.unwrap_or_default();
            match read_instrument(&text) {
                Ok(inst) => {
                    let name = inst.name.clone();
                    let _ = state.update_settings(|s| {
                        s.instruments.retain(|i| i.id != inst.id);
                        s.instruments.push(inst);
                        Ok::<(), ()>(())
                    });
                    thresholds.set(state.ws.with_untracked(|ws| {
                        ws.instruments()
                            .into_iter()
                            .map(|i| {
                                let t = ws.threshold(&i);
                                (i.id, i.name, t.to_string())
                            })
                            .collect()
                    }));
                    saved.set(Some(Ok(format!("Loaded \u{201c}{name}\u{201d}."))));
                }
                Err(e) => saved.set(Some(Err(format!("{file_name}: {e}")))),
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="outcome-settings-heading" data-testid="outcome-settings">
            <h2 id="outcome-settings-heading">"Outcomes and messages"</h2>
            <form class="form-plain" on:submit=save>
                <div class="field">
                    <label for="lw-contact">"Your contact details for messages back to referrers"</label>
                    <input autocomplete="off" id="lw-contact" type="text" data-testid="link-worker-contact" prop:value=move || contact.get()
                        on:input=move |e| contact.set(event_target_value(&e))/>
                </div>
                <ShortNumber id="review-weeks" label="A questionnaire's review is due this many weeks after its baseline (0 for none)" value=review_weeks testid="review-weeks"/>
                <fieldset class="field">
                    <legend>"A change counts as meaningful from"</legend>
                    {move || thresholds.get().into_iter().enumerate().map(|(i, (id, name, v))| view! {
                        <div class="field inline-field">
                            <label for=format!("threshold-{id}")>{name}</label>
                            <input autocomplete="off" id=format!("threshold-{id}") type="text" inputmode="decimal" class="input--short" prop:value=v
                                on:input=move |e| { let v = event_target_value(&e); thresholds.update(|t| t[i].2 = v); }/>
                        </div>
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button button--secondary" disabled=move || state.read_only() data-testid="save-outcome-settings">"Save"</button>
            </form>
            <div class="field">
                <label for="instrument-file">"Load an instrument file (JSON)"</label>
                <p class="hint">"A questionnaire your service uses, or the wording of SWEMWBS if your organisation holds the licence. See the README for the format."</p>
                <input id="instrument-file" type="file" accept=".json,application/json" on:change=load disabled=move || state.read_only() data-testid="instrument-file"/>
            </div>
            {move || saved.get().map(|s| match s {
                Ok(m) => view! { <p class="hint" role="status" data-testid="outcome-settings-result">{m}</p> }.into_any(),
                Err(e) => view! { <p class="field-error" role="alert" data-testid="outcome-settings-error">{e}</p> }.into_any(),
            })}
        </section>
    }
}
