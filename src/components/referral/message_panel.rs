use leptos::prelude::*;
use linkwork_core::model::consent::{ConsentEntry, GpShare};
use linkwork_core::views::message::{message_back, MessageOptions};
use linkwork_core::ReferralId;

use crate::platform::{copy_text, today};
use crate::state::use_state;

/// The message back to the GP and referrer: generated, editable, copied or
/// printed on one page; a "codes and dates only" version on request. If the
/// person's consent changes while it is open, it is written again, so it
/// never shares more than they agreed to.
#[component]
pub fn MessagePanel(
    /// The referral.
    referral: ReferralId,
) -> impl IntoView {
    let state = use_state();
    let codes_only = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let copied = RwSignal::new(None::<String>);
    let generate = move || {
        let t = state
            .ws
            .with_untracked(|ws| {
                message_back(
                    ws,
                    referral,
                    MessageOptions {
                        codes_only: codes_only.get_untracked(),
                    },
                    today(),
                )
            })
            .unwrap_or_default();
        text.set(t);
        copied.set(None);
    };
    let consent = Memo::new(move |_| {
        state
            .ws
            .with(|ws| ws.referrals.get(&referral).map(|r| r.consent.clone()))
    });
    let share = Memo::new(move |_| {
        state.ws.with(|ws| {
            ws.referrals
                .get(&referral)
                .map_or(GpShare::Nothing, |r| r.gp_share())
        })
    });
    let rewritten = RwSignal::new(false);
    Effect::new(move |before: Option<Option<Vec<ConsentEntry>>>| {
        let now = consent.get();
        if before.is_some_and(|b| b != now) && open.get_untracked() {
            generate();
            rewritten.set(true);
        }
        now
    });
    view! {
        <div class="message" data-testid="message-panel">
            {move || match share.get() {
                GpShare::Nothing => Some(view! {
                    <p class="hint" data-testid="message-withheld">"The person has not agreed to any information going back to the GP, so there is no message to send. If they change their mind, record it under Consent."</p>
                }.into_any()),
                GpShare::CodesOnly => Some(view! {
                    <p class="hint" data-testid="message-codes-only">"The person agreed to codes and dates only (or has not been asked yet): the message holds no words about them. Record their answer under Consent."</p>
                }.into_any()),
                GpShare::Everything => None,
            }}
            <Show when=move || share.get() != GpShare::Nothing>
            <div class="button-row">
                <button type="button" class="button button--secondary" data-testid="write-message"
                    on:click=move |_| { generate(); rewritten.set(false); open.set(true); }>"Write the message back"</button>
                <div class="checkbox">
                    <input type="checkbox" id="codes-only" data-testid="codes-only" prop:checked=move || codes_only.get() || share.get() != GpShare::Everything
                        disabled=move || share.get() != GpShare::Everything
                        on:change=move |e| { codes_only.set(event_target_checked(&e)); if open.get_untracked() { generate(); } }/>
                    <label for="codes-only">"Codes and dates only"</label>
                </div>
            </div>
            </Show>
            <Show when=move || open.get() && share.get() != GpShare::Nothing>
                <label for="message-text" class="visually-hidden">"Message to the referrer (you can edit it)"</label>
                <p class="hint">"Check and edit it before sending. It follows the consent recorded: outcome changes appear only if the person agreed to share them."</p>
                <textarea autocomplete="off" id="message-text" class="message__text print-only-block" rows="18" data-testid="message-text"
                    prop:value=move || text.get() on:input=move |e| text.set(event_target_value(&e))></textarea>
                // A copy at the top of the page, shown only when printing.
                <leptos::portal::Portal>
                    <pre class="print-sheet" aria-hidden="true">{move || text.get()}</pre>
                </leptos::portal::Portal>
                <div class="button-row">
                    <button type="button" class="button" data-testid="copy-message" on:click=move |_| copy_text(&text.get_untracked(), copied)>"Copy as plain text"</button>
                    <button type="button" class="button button--secondary" data-testid="print-message" on:click=move |_| {
                        if let Some(w) = web_sys::window() { let _ = w.print(); }
                    }>"Print"</button>
                </div>
                {move || copied.get().map(|c| view! { <p class="hint" role="status" data-testid="copied">{c}</p> })}
                {move || rewritten.get().then(|| view! {
                    <p class="hint" role="status" data-testid="message-rewritten">"Written again: the person's consent changed. Any edits you made are gone."</p>
                })}
            </Show>
        </div>
    }
}
