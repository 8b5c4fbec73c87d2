use leptos::prelude::*;

use crate::state::use_state;

/// The confirmation after an action, announced politely to screen readers.
#[component]
pub fn NoticeBanner() -> impl IntoView {
    let state = use_state();
    view! {
        <div role="status" aria-live="polite" class="notice-region">
            {move || {
                state
                    .notice
                    .get()
                    .filter(|n| n.on == state.route.get())
                    .map(|n| {
                        view! {
                            <p class="notice" data-testid="notice">
                                {n.text}
                            </p>
                        }
                    })
            }}
        </div>
    }
}
