use leptos::ev;
use leptos::prelude::*;
use linkwork_core::model::risk::MAX_RISK_TEXT;
use linkwork_core::work::risk::{risk_message, RiskDraft, RiskError, RiskField};
use linkwork_core::{ListKind, ReferralId};

use crate::components::referral::close_risk::CloseRisk;
use crate::platform::{show_date, today};
use crate::state::use_state;

/// The referral's risk log: every concern with what was done and who was told, open ones
/// first, each closable with a date and how it was resolved; and a form to log a new one.
/// Open entries are the flags shown wherever the referral is listed.
#[component]
pub fn RiskLog(
    /// The referral.
    referral: ReferralId,
    /// The new-concern form (kept by the page, so it survives moving around and a lock).
    draft: RwSignal<RiskDraft>,
) -> impl IntoView {
    let state = use_state();
    let errors = RwSignal::new(Vec::<RiskError>::new());
    let error_for = move |field: RiskField| move || errors.with(|e| risk_message(e, field));
    let saved = RwSignal::new(false);
    let entries = move || {
        state.ws.with(|ws| {
            let lists = &ws.settings.lists;
            let Some(r) = ws.referrals.get(&referral) else {
                return Vec::new();
            };
            let mut list: Vec<_> = r
                .risks
                .iter()
                .map(|e| {
                    let told = e
                        .told
                        .iter()
                        .map(|t| lists.label(ListKind::RiskTold, t))
                        .collect::<Vec<_>>()
                        .join(", ");
                    (
                        e.id,
                        e.date,
                        lists.label(ListKind::RiskKinds, &e.kind).to_owned(),
                        e.concern.clone(),
                        e.action.clone(),
                        told,
                        e.closed.clone(),
                    )
                })
                .collect();
            // Open concerns first, newest first within each.
            list.sort_by_key(|e| (e.6.is_some(), std::cmp::Reverse((e.1, e.0))));
            list
        })
    };
    let kinds = move || {
        state.ws.with(|ws| {
            let keep = [draft.with_untracked(|d| d.kind.clone())];
            ws.settings.lists.options(ListKind::RiskKinds, &keep)
        })
    };
    let told = move || {
        state
            .ws
            .with(|ws| ws.settings.lists.options(ListKind::RiskTold, &[]))
    };
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let d = draft.get_untracked();
        let result = match d.editing {
            Some(id) => state.edit_risk(referral, id, &d),
            None => state.log_risk(referral, &d),
        };
        match result {
            Ok(()) => {
                errors.set(Vec::new());
                draft.set(RiskDraft::new(today()));
                saved.set(true);
            }
            Err(e) => {
                errors.set(e);
                saved.set(false);
            }
        }
    };
    let max_day = today().format("%Y-%m-%d").to_string();
    let empty = move || {
        state.ws.with(|ws| {
            ws.referrals
                .get(&referral)
                .is_none_or(|r| r.risks.is_empty())
        })
    };
    view! {
        <Show when=move || !empty() fallback=|| view! { <p class="hint" data-testid="risk-log-empty">"No concerns logged."</p> }>
                    // Keyed, so an open close form stays open while anything else changes.
                    <ul class="risk-log" data-testid="risk-log">
                        <For each=entries key=|e| (e.0, e.6.is_some(), e.3.clone(), e.4.clone(), e.5.clone()) children=move |(id, date, kind, concern, action, told, closed)| {
                            let is_closed = closed.is_some();
                            view! {
                            <li class="risk-entry" class:risk-entry--closed=is_closed data-testid="risk-entry">
                                <p>
                                    <span class=if is_closed { "badge" } else { "badge badge--risk" }>{kind}</span>
                                    " "
                                    <strong data-testid="risk-state">{if is_closed { "Closed" } else { "Open" }}</strong>
                                    {format!(" · raised {}", show_date(date))}
                                </p>
                                <p data-testid="risk-entry-concern">{concern}</p>
                                {state.ws.with_untracked(|ws| {
                                    ws.referrals
                                        .get(&referral)
                                        .and_then(|r| r.recorded_by(&format!("risks/{id}")))
                                        .map(|a| view! { <p class="timeline-from" data-testid="risk-from">{a.recorded_words(&show_date(a.on))}</p> })
                                })}
                                {(!action.is_empty()).then(|| view! { <p>"What was done: "{action}</p> })}
                                {(!told.is_empty()).then(|| view! { <p>"Who was told: "{told}</p> })}
                                <button type="button" class="button button--secondary button--small" disabled=move || state.read_only()
                                    data-testid="edit-risk" aria-label=format!("Correct the concern raised {}", show_date(date))
                                    on:click=move |_| {
                                        let entry = state.ws.with_untracked(|ws| ws.referrals.get(&referral).and_then(|r| r.risks.iter().find(|e| e.id == id).cloned()));
                                        if let Some(entry) = entry {
                                            draft.set(RiskDraft::of(&entry));
                                            errors.set(Vec::new());
                                            saved.set(false);
                                            if let Some(el) = document().get_element_by_id("risk-kind") {
                                                if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) { let _ = el.focus(); }
                                            }
                                        }
                                    }>"Correct"</button>
                                {match closed {
                                    Some(c) => view! {
                                        <p data-testid="risk-resolution">{format!("Closed {}: {}", show_date(c.date), c.resolution)}</p>
                                    }.into_any(),
                                    None => view! { <CloseRisk referral=referral id=id/> }.into_any(),
                                }}
                            </li>
                        }}/>
                    </ul>
        </Show>
        <h3>{move || if draft.with(|d| d.editing.is_some()) { "Correct the concern" } else { "Log a concern" }}</h3>
        <form class="form-plain risk-form" novalidate on:submit=submit data-testid="risk-form">
            <div class="inline-form">
                <div class="field">
                    <label for="risk-kind">"Kind of risk"</label>
                    <p class="field-error" id="risk-kind-error">{error_for(RiskField::Kind)}</p>
                    <select id="risk-kind" data-testid="risk-kind" aria-describedby="risk-kind-error"
                        aria-invalid=move || error_for(RiskField::Kind)().is_some().to_string()
                        on:change=move |e| draft.update(|d| d.kind = event_target_value(&e))>
                        <option value="" selected=move || draft.with(|d| d.kind.is_empty())>"Choose…"</option>
                        {move || kinds().into_iter().map(|(id, label)| {
                            let chosen = id.clone();
                            view! { <option value=id selected=move || draft.with(|d| d.kind == chosen)>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="risk-date">"Date raised"</label>
                    <p class="field-error" id="risk-date-error">{error_for(RiskField::Date)}</p>
                    <input id="risk-date" type="date" max=max_day.clone() data-testid="risk-date" aria-describedby="risk-date-error"
                        aria-invalid=move || error_for(RiskField::Date)().is_some().to_string()
                        prop:value=move || draft.with(|d| d.date.clone())
                        on:input=move |e| draft.update(|d| d.date = event_target_value(&e))/>
                </div>
            </div>
            <div class="field">
                <label for="risk-concern">"What the concern is"</label>
                <p class="field-error" id="risk-concern-error">{error_for(RiskField::Concern)}</p>
                <textarea id="risk-concern" rows="2" autocomplete="off" maxlength=MAX_RISK_TEXT data-testid="risk-concern"
                    aria-describedby="risk-concern-error"
                    aria-invalid=move || error_for(RiskField::Concern)().is_some().to_string()
                    prop:value=move || draft.with(|d| d.concern.clone())
                    on:input=move |e| draft.update(|d| d.concern = event_target_value(&e))></textarea>
            </div>
            <div class="field">
                <label for="risk-action">"What was done (optional)"</label>
                <p class="field-error" id="risk-action-error">{error_for(RiskField::Action)}</p>
                <textarea id="risk-action" rows="2" autocomplete="off" maxlength=MAX_RISK_TEXT data-testid="risk-action"
                    aria-describedby="risk-action-error"
                    prop:value=move || draft.with(|d| d.action.clone())
                    on:input=move |e| draft.update(|d| d.action = event_target_value(&e))></textarea>
            </div>
            <fieldset class="field">
                <legend>"Who was told"</legend>
                <p class="field-error">{error_for(RiskField::Told)}</p>
                <div class="checkbox-grid">
                    {move || told().into_iter().map(|(id, label)| {
                        let input_id = format!("risk-told-{id}");
                        let (a, b, c) = (id.clone(), id.clone(), id);
                        view! {
                            <div class="checkbox">
                                <input type="checkbox" id=input_id.clone() data-testid=input_id.clone()
                                    prop:checked=move || draft.with(|d| d.told.contains(&a))
                                    on:change=move |e| {
                                        let on = event_target_checked(&e);
                                        draft.update(|d| {
                                            d.told.retain(|t| *t != b);
                                            if on { d.told.push(c.clone()); }
                                        });
                                    }/>
                                <label for=input_id>{label}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <button type="submit" class="button" disabled=move || state.read_only() data-testid="save-risk">
                {move || if draft.with(|d| d.editing.is_some()) { "Save the correction" } else { "Log concern" }}
            </button>
            <Show when=move || draft.with(|d| d.editing.is_some())>
                " "
                <button type="button" class="button button--secondary" data-testid="cancel-risk-edit"
                    on:click=move |_| { draft.set(RiskDraft::new(today())); errors.set(Vec::new()); }>"Cancel"</button>
            </Show>
            <p class="field-error" role="alert">{error_for(RiskField::Form)}</p>
            {move || saved.get().then(|| view! { <p class="hint" role="status" data-testid="risk-saved">"Saved. An open concern shows as a flag until it is closed; corrections are kept in the record's history."</p> })}
        </form>
    }
}
