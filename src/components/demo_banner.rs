use leptos::prelude::*;

use crate::state::use_state;
use crate::storage::Namespace;

/// A banner on every page while the demo caseload is open, so synthetic data
/// is never mistaken for real people, with the way back to real data.
#[component]
pub fn DemoBanner() -> impl IntoView {
    let state = use_state();
    let error = RwSignal::new(None::<String>);
    let leave = move |_| {
        if let Err(e) = state.leave_demo() {
            error.set(Some(e.to_string()));
        }
    };
    let clear = move |_| {
        if let Err(e) = state.clear_demo() {
            error.set(Some(e.to_string()));
        }
    };
    view! {
        <Show when=move || state.namespace.get() == Namespace::Demo>
            <section class="demo-banner" aria-label="Demo caseload" data-testid="demo-banner">
                <p>
                    <strong>"Demo caseload. "</strong>
                    "Everyone here is made up. Nothing you do in the demo touches your real caseload."
                </p>
                <div class="demo-banner__actions">
                    <button type="button" class="button button--secondary" on:click=leave data-testid="leave-demo">
                        "Back to my caseload"
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
