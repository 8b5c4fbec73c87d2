use leptos::prelude::*;
use linkwork_core::views::gp_record::gp_entry;
use linkwork_core::ReferralId;

use crate::platform::copy_text;
use crate::state::use_state;

/// The GP record entry for this referral: its SNOMED CT codes with their dates, and a line
/// of summary only if the person agreed to words going back. Ready to copy into EMIS Web or
/// SystmOne. It follows the consent in force as it changes.
#[component]
pub fn GpRecordPanel(
    /// The referral.
    referral: ReferralId,
) -> impl IntoView {
    let state = use_state();
    let entry = Memo::new(move |_| state.ws.with(|ws| gp_entry(ws, referral)));
    let copied = RwSignal::new(None::<String>);
    view! {
        <div class="gp-record" data-testid="gp-record">
            {move || match entry.get() {
                None => view! {
                    <p class="hint" data-testid="gp-record-withheld">"The person has not agreed to any information going back to the GP, so there is nothing to enter in their record."</p>
                }.into_any(),
                Some(text) => {
                    let rows = text.lines().count().max(2);
                    let copy = text.clone();
                    view! {
                        <label for="gp-record-text" class="visually-hidden">"GP record entry"</label>
                        <textarea id="gp-record-text" class="message__text" readonly autocomplete="off" rows=rows data-testid="gp-record-text" prop:value=text></textarea>
                        <div class="button-row">
                            <button type="button" class="button button--secondary" data-testid="copy-gp-record"
                                on:click=move |_| copy_text(&copy, copied)>"Copy the GP record entry"</button>
                        </div>
                    }.into_any()
                }
            }}
            {move || copied.get().map(|c| view! { <p class="hint" role="status" data-testid="gp-record-copied">{c}</p> })}
        </div>
    }
}
