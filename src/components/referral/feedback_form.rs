use leptos::ev;
use leptos::prelude::*;
use linkwork_core::ReferralId;

use crate::platform::today;
use crate::state::use_state;

/// The person's feedback. Whether its quote may be used, and whether outcome changes may
/// be shared, are answers in the consent record; "Saved." goes as soon as anything changes.
#[component]
pub fn FeedbackForm(
    /// The referral.
    referral: ReferralId,
) -> impl IntoView {
    let state = use_state();
    let start = state.ws.with_untracked(|ws| {
        ws.referrals
            .get(&referral)
            .and_then(|r| r.feedback.clone())
            .unwrap_or_default()
    });
    let fb = RwSignal::new(start);
    let status = RwSignal::new(None::<Result<String, String>>);
    // Anything typed or chosen after saving is not saved yet.
    let changed = move || status.set(None);
    let save = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let mut f = fb.get_untracked();
        f.date = f.date.or(Some(today()));
        status.set(Some(
            state
                .set_feedback(referral, f)
                .map(|()| "Saved.".to_owned())
                .map_err(|e| e.to_string()),
        ));
    };
    view! {
        <form class="form-plain feedback-form" on:submit=save data-testid="feedback-form">
            <div class="inline-form">
                <div class="field">
                    <label for="fb-satisfaction">"How satisfied were they with the support?"</label>
                    <select id="fb-satisfaction" data-testid="feedback-satisfaction" on:change=move |e| {
                        let v = event_target_value(&e).parse().ok();
                        fb.update(|f| f.satisfaction = v);
                        changed();
                    }>
                        <option value="" selected=move || fb.with(|f| f.satisfaction.is_none())>"Not asked"</option>
                        {(1u8..).zip(linkwork_core::work::measures::SATISFACTION).map(|(v, l)| view! {
                            <option value=v.to_string() selected=move || fb.with(|f| f.satisfaction == Some(v))>{l}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="fb-recommend">"Would they recommend it?"</label>
                    <select id="fb-recommend" data-testid="feedback-recommend" on:change=move |e| {
                        let v = match event_target_value(&e).as_str() { "yes" => Some(true), "no" => Some(false), _ => None };
                        fb.update(|f| f.would_recommend = v);
                        changed();
                    }>
                        <option value="" selected=move || fb.with(|f| f.would_recommend.is_none())>"Not asked"</option>
                        <option value="yes" selected=move || fb.with(|f| f.would_recommend == Some(true))>"Yes"</option>
                        <option value="no" selected=move || fb.with(|f| f.would_recommend == Some(false))>"No"</option>
                    </select>
                </div>
            </div>
            <div class="field">
                <label for="fb-quote">"In their words (optional)"</label>
                <textarea autocomplete="off" id="fb-quote" rows="2" data-testid="feedback-quote" prop:value=move || fb.with(|f| f.quote.clone())
                    on:input=move |e| { let v = event_target_value(&e); fb.update(|f| f.quote = v); changed(); }></textarea>
            </div>
            <p class="hint">"Whether the quote may be used anonymously is recorded under Consent."</p>
            <button type="submit" class="button button--secondary" disabled=move || state.read_only() data-testid="save-feedback">"Save feedback"</button>
            {move || status.get().map(|s| match s {
                Ok(said) => view! { <span class="hint" role="status" data-testid="feedback-status">" "{said}</span> }.into_any(),
                Err(e) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
            })}
        </form>
    }
}
