use leptos::prelude::*;

use crate::offline::{self, NewVersion};

/// What the banner says about a new version, and what its button does.
struct Message {
    testid: &'static str,
    headline: &'static str,
    text: &'static str,
    button_testid: &'static str,
    button: &'static str,
    act: fn(),
}

/// Reloads this tab (onto the version another tab has switched to).
fn reload() {
    let _ = window().location().reload();
}

/// Says when a new version of Linkwork is ready, and updates on the person's say-so.
/// Updating reloads the page, which locks it; a half-filled form is kept.
#[component]
pub fn UpdateBanner(
    /// Kept in step with the service worker by [`offline::register`].
    update: RwSignal<NewVersion>,
) -> impl IntoView {
    let message = move || match update.get() {
        NewVersion::Current => None,
        NewVersion::Ready => Some(Message {
            testid: "update-ready",
            headline: "A new version of Linkwork is ready. ",
            text: "Updating reloads the page: an open workspace locks, and a half-filled \
                   form is kept.",
            button_testid: "update-now",
            button: "Update now",
            act: offline::apply_update,
        }),
        NewVersion::AppliedElsewhere => Some(Message {
            testid: "update-elsewhere",
            headline: "Linkwork was updated in another tab. ",
            text: "Reload this tab to carry on with the new version; a half-filled form \
                   is kept.",
            button_testid: "update-reload",
            button: "Reload",
            act: reload,
        }),
    };
    view! {
        <div role="status" class="update-status">
            {move || message().map(|m| view! {
                <div class="banner update-banner" data-testid=m.testid>
                    <p><strong>{m.headline}</strong>{m.text}</p>
                    <button type="button" class="button" on:click=move |_| (m.act)() data-testid=m.button_testid>
                        {m.button}
                    </button>
                </div>
            })}
        </div>
    }
}
