use leptos::prelude::*;
use linkwork_core::model::handover::{plain, Conflict};
use linkwork_core::ReferralId;
use serde_json::Value;

use crate::state::use_state;

/// A stored field's name in words: "what_matters" reads "What matters".
fn field_words(field: &str) -> String {
    let words = field.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A value in words: text as it is, a part (a contact, a task) as its fields.
fn value_words(v: &Value) -> String {
    match v {
        Value::Null => "(nothing)".into(),
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| k.as_str() != "id")
            .map(|(k, v)| format!("{}: {}", field_words(k), value_words(v)))
            .collect::<Vec<_>>()
            .join(" · "),
        Value::Array(list) => list.iter().map(value_words).collect::<Vec<_>>().join(", "),
        other => plain(other),
    }
}

/// Values changed in two places before a handover came back (on the referral, or the
/// person's details): both are shown with where they came from, and the link worker keeps
/// one.
#[component]
pub fn ConflictsPanel(
    /// The referral.
    referral: ReferralId,
) -> impl IntoView {
    let state = use_state();
    let error = RwSignal::new(None::<String>);
    let conflicts = move || {
        state.ws.with(|ws| {
            let Some(r) = ws.referrals.get(&referral) else {
                return Vec::new();
            };
            let person = ws.people.get(&r.person);
            r.conflicts
                .iter()
                .map(|c| (false, c.clone()))
                .chain(
                    person
                        .into_iter()
                        .flat_map(|p| p.conflicts.iter().map(|c| (true, c.clone()))),
                )
                .collect::<Vec<(bool, Conflict)>>()
        })
    };
    let person = move || {
        state
            .ws
            .with_untracked(|ws| ws.referrals.get(&referral).map(|r| r.person))
    };
    let pick = move |of_person: bool, c: &Conflict, at: usize| {
        let result = match (of_person, person()) {
            (true, Some(p)) => state.choose_person_value(p, c, at),
            _ => state.choose_referral_value(referral, c, at),
        };
        error.set(result.err().map(|e| e.to_string()));
    };
    // Values from two PCs of this workspace (sync) rather than from a colleague (handover).
    let on_pcs = move || {
        conflicts().iter().all(|(_, c)| {
            c.values
                .iter()
                .all(|v| v.from.starts_with("PC ") || v.from == "another PC")
        })
    };
    view! {
        <Show when=move || !conflicts().is_empty()>
            <section class="panel panel--warning" aria-labelledby="conflicts-heading" data-testid="conflicts-panel">
                <h2 id="conflicts-heading">{move || if on_pcs() { "Changed on two PCs" } else { "Changed in two places" }}</h2>
                <p>{move || if on_pcs() {
                    "These were changed on two PCs before they synced. Both are kept until you choose which is right."
                } else {
                    "These were changed here and in a colleague's copy before the record came back. Both are kept until you choose which is right."
                }}</p>
                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                <ul class="conflict-list">
                    {move || conflicts().into_iter().map(|(of_person, c)| {
                        let what = match &c.item {
                            Some(id) => format!("{} {}", field_words(&c.field), plain(id)),
                            None => field_words(&c.field),
                        };
                        let what = if of_person { format!("{what} (the person's details)") } else { what };
                        let choices = c.values.iter().enumerate().map(|(at, v)| {
                            let c = c.clone();
                            let label = format!("Keep {}'s value", v.from);
                            view! {
                                <li>
                                    <span class="muted">{format!("{}: ", v.from)}</span>
                                    <span data-testid="conflict-value">{value_words(&v.value)}</span>
                                    " "
                                    <button type="button" class="button button--secondary button--small" disabled=move || state.read_only()
                                        data-testid="keep-value" on:click=move |_| pick(of_person, &c, at)>{label}</button>
                                </li>
                            }
                        }).collect_view();
                        view! {
                            <li data-testid="conflict">
                                <strong>{what}</strong>
                                <ul>{choices}</ul>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
