use leptos::ev;
use leptos::prelude::*;
use linkwork_core::ReferralId;

use crate::state::use_state;

/// Keeping one ended episode past the retention period, with a reason.
#[component]
pub fn KeepForm(
    /// The episode.
    referral: ReferralId,
    /// The person's reference, for the label.
    reference: String,
) -> impl IntoView {
    let state = use_state();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let input_id = format!("keep-{referral}");
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        if let Err(e) = state.keep_past_retention(referral, &reason.get_untracked()) {
            error.set(Some(e.to_string()));
        }
    };
    view! {
        <form class="inline-form" novalidate on:submit=submit>
            <div class="field">
                <label for=input_id.clone()>{format!("Why keep {reference}'s record")}</label>
                <p class="field-error">{move || error.get()}</p>
                <input id=input_id type="text" autocomplete="off" maxlength="200" data-testid="keep-reason"
                    prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e))/>
            </div>
            <button type="submit" class="button button--secondary button--small" data-testid="keep-record">"Keep for a year"</button>
        </form>
    }
}
