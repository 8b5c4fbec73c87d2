use leptos::prelude::*;
use linkwork_core::{FormatError, StoreKey};

use crate::state::use_state;
use crate::storage::recovery_key;

/// Says plainly when storage is failing: data that could not be read (and
/// the app is read-only to protect it), saves that have not gone through, or
/// storage that is switched off.
#[component]
pub fn StorageBanner() -> impl IntoView {
    let state = use_state();
    let action_error = RwSignal::new(None::<String>);
    let set_aside = move |_| match state.set_aside_damaged() {
        Ok(()) => action_error.set(None),
        Err(e) => action_error.set(Some(e.to_string())),
    };
    let newer = move || {
        state.problems.with(|p| {
            p.iter()
                .any(|p| matches!(p.error, FormatError::Newer { .. }))
        })
    };
    view! {
        {move || {
            state
                .load_error
                .get()
                .map(|e| {
                    view! {
                        <div class="banner banner--warning" role="alert" data-testid="storage-unavailable">
                            <h2>"Linkwork cannot save in this browser"</h2>
                            <p>{e.to_string()}</p>
                        </div>
                    }
                })
        }}
        {move || {
            state
                .save_error
                .get()
                .map(|e| {
                    view! {
                        <div class="banner banner--error" role="alert" data-testid="save-error">
                            <h2>"Not saved yet"</h2>
                            <p>{e.to_string()}</p>
                        </div>
                    }
                })
        }}
        <Show when=move || state.read_only()>
            <div class="banner banner--error" role="alert" data-testid="load-problems">
                <h2>"Some saved data could not be read"</h2>
                <p>
                    "Linkwork is read-only for now, so nothing can overwrite it. "
                    "A copy of each unreadable part has been kept in this browser for recovery."
                </p>
                <ul>
                    {move || {
                        state
                            .problems
                            .get()
                            .into_iter()
                            .map(|p| {
                                let part = describe_key(&p.key);
                                view! {
                                    <li>
                                        <strong>{part}</strong>
                                        ": "
                                        {p.error.to_string()}
                                        ". Copy kept as "
                                        <code>{recovery_key(&p.key)}</code>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                {move || {
                    if newer() {
                        view! {
                            <p>
                                "Open Linkwork's newer version to use this data. This version will not change it."
                            </p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <p>
                                "You can carry on with everything that could be read. "
                                "The unreadable parts stay kept aside for recovery."
                            </p>
                            <button type="button" class="button" on:click=set_aside data-testid="set-aside">
                                "Carry on without the unreadable parts"
                            </button>
                        }
                            .into_any()
                    }
                }}
                {move || action_error.get().map(|e| view! { <p class="error-text">{e}</p> })}
            </div>
        </Show>
    }
}

/// Names a storage key in words.
fn describe_key(key: &str) -> String {
    let parsed = ["main", "demo"]
        .iter()
        .find_map(|ns| StoreKey::parse(key, ns));
    match parsed {
        Some(StoreKey::Settings) => "Settings (practices and lists)".into(),
        Some(StoreKey::Records(n)) => format!("Records, part {}", n + 1),
        None => key.to_owned(),
    }
}
