use leptos::prelude::*;

use crate::state::{use_state, Session};

/// A banner on every page while the demo caseload is open, so synthetic data
/// is never mistaken for real people, with the way out.
#[component]
pub fn DemoBanner() -> impl IntoView {
    let state = use_state();
    let error = RwSignal::new(None::<String>);
    let clear = move |_| {
        if let Err(e) = state.clear_demo() {
            error.set(Some(e.to_string()));
        }
    };
    view! {
        <Show when=move || state.session.with(|s| *s == Session::Demo)>
            <section class="demo-banner" aria-label="Demo caseload" data-testid="demo-banner">
                <p>
                    <strong>"Demo caseload. "</strong>
                    "Everyone here is made up. Nothing you do in the demo touches real workspaces."
                </p>
                <div class="demo-banner__actions">
                    <button type="button" class="button button--secondary" on:click=move |_| state.lock() data-testid="leave-demo">
                        "Leave the demo"
                    </button>
                    <button type="button" class="button button--secondary" on:click=clear data-testid="clear-demo">
                        "Clear the demo"
                    </button>
                </div>
                {move || error.get().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
            </section>
        </Show>
    }
}
