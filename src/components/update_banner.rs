use leptos::prelude::*;

use crate::offline::{self, NewVersion};

/// Says when a new version of Linkwork is ready, and updates on the person's say-so.
/// Updating reloads the page, which locks it; a half-filled form is kept.
#[component]
pub fn UpdateBanner(
    /// Kept in step with the service worker by [`offline::register`].
    update: RwSignal<NewVersion>,
) -> impl IntoView {
    let reload = move |_| {
        let _ = window().location().reload();
    };
    view! {
        <div role="status" class="update-status">
            {move || match update.get() {
                NewVersion::Current => None,
                NewVersion::Ready => Some(view! {
                    <div class="banner update-banner" data-testid="update-ready">
                        <p>
                            <strong>"A new version of Linkwork is ready. "</strong>
                            "Updating reloads the page, so you will unlock again; a half-filled form is kept."
                        </p>
                        <button type="button" class="button" on:click=move |_| offline::apply_update() data-testid="update-now">
                            "Update now"
                        </button>
                    </div>
                }.into_any()),
                NewVersion::AppliedElsewhere => Some(view! {
                    <div class="banner update-banner" data-testid="update-elsewhere">
                        <p>
                            <strong>"Linkwork was updated in another tab. "</strong>
                            "Reload this tab to carry on with the new version; a half-filled form is kept."
                        </p>
                        <button type="button" class="button" on:click=reload data-testid="update-reload">
                            "Reload"
                        </button>
                    </div>
                }.into_any()),
            }}
        </div>
    }
}
