use leptos::ev;
use leptos::prelude::*;
use linkwork_core::model::risk::{RiskId, MAX_RISK_TEXT};
use linkwork_core::work::risk::{risk_message, CloseRiskDraft, RiskError, RiskField};
use linkwork_core::ReferralId;

use crate::platform::today;
use crate::state::use_state;

/// Closing one open concern: a button that opens a small form for the date and a line on
/// how it was resolved.
#[component]
pub fn CloseRisk(
    /// The referral.
    referral: ReferralId,
    /// The concern.
    id: RiskId,
) -> impl IntoView {
    let state = use_state();
    let open = RwSignal::new(false);
    let draft = RwSignal::new(CloseRiskDraft {
        date: today().format("%Y-%m-%d").to_string(),
        resolution: String::new(),
    });
    let errors = RwSignal::new(Vec::<RiskError>::new());
    let error_for = move |field: RiskField| move || errors.with(|e| risk_message(e, field));
    let resolution = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let (true, Some(input)) = (open.get(), resolution.get()) {
            let _ = input.focus();
        }
    });
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        if let Err(e) = state.close_risk(referral, id, &draft.get_untracked()) {
            errors.set(e);
        }
    };
    let prefix = format!("close-risk-{id}");
    let date_id = format!("{prefix}-date");
    let text_id = format!("{prefix}-resolution");
    view! {
        <Show when=move || open.get() fallback=move || view! {
            <button type="button" class="button button--secondary" disabled=move || state.read_only()
                data-testid="close-risk" on:click=move |_| open.set(true)>"Close this concern…"</button>
        }>
            <form class="inline-form" novalidate on:submit=submit data-testid="close-risk-form">
                <div class="field">
                    <label for=date_id.clone()>"Date closed"</label>
                    <p class="field-error">{error_for(RiskField::Date)}</p>
                    <input id=date_id.clone() type="date" data-testid="close-risk-date"
                        prop:value=move || draft.with(|d| d.date.clone())
                        on:input=move |e| draft.update(|d| d.date = event_target_value(&e))/>
                </div>
                <div class="field field--grow">
                    <label for=text_id.clone()>"How it was resolved"</label>
                    <p class="field-error">{error_for(RiskField::Resolution)}</p>
                    <input id=text_id.clone() type="text" autocomplete="off" node_ref=resolution data-testid="close-risk-resolution"
                        maxlength=MAX_RISK_TEXT
                        aria-invalid=move || error_for(RiskField::Resolution)().is_some().to_string()
                        prop:value=move || draft.with(|d| d.resolution.clone())
                        on:input=move |e| draft.update(|d| d.resolution = event_target_value(&e))/>
                </div>
                <button type="submit" class="button" data-testid="save-close-risk">"Close concern"</button>
                <button type="button" class="button button--secondary" on:click=move |_| { open.set(false); errors.set(Vec::new()); }>"Cancel"</button>
                <p class="field-error" role="alert">{error_for(RiskField::Form)}</p>
            </form>
        </Show>
    }
}
