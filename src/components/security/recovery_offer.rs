use leptos::prelude::*;

use crate::components::security::recovery_code::RecoveryCode;
use crate::state::{use_state, Session};

/// On the first page after a workspace is created: the offer of a recovery code, to print
/// and keep apart from the PC, or "not now" (Settings offers it at any time).
#[component]
pub fn RecoveryOffer() -> impl IntoView {
    let state = use_state();
    let made = move || {
        state
            .session
            .with(|s| matches!(s, Session::Open(m) if m.recovery.is_some()))
    };
    view! {
        <Show when=move || state.offer_recovery.get()>
            <div class="recovery-offer" data-testid="recovery-offer">
                <RecoveryCode/>
                <p>
                    <button type="button" class="button button--secondary" data-testid="recovery-offer-close"
                        on:click=move |_| state.offer_recovery.set(false)>
                        {move || if made() { "Close" } else { "Not now" }}
                    </button>
                    " "
                    <span class="hint">"Settings can make one at any time."</span>
                </p>
            </div>
        </Show>
    }
}
