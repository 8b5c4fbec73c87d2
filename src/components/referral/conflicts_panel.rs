use leptos::prelude::*;
use linkwork_core::model::handover::Conflict;
use linkwork_core::views::conflicts::conflict_words;
use linkwork_core::ReferralId;

use crate::state::use_state;

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
                        let words = state.ws.with(|ws| {
                            ws.referrals.get(&referral).map(|r| conflict_words(ws, r, &c, of_person))
                        });
                        let Some(words) = words else { return ().into_any() };
                        let what = words.what;
                        let choices = words.choices.into_iter().enumerate().map(|(at, choice)| {
                            let c = c.clone();
                            let label = format!("Keep {}'s value", choice.from);
                            view! {
                                <li>
                                    <span class="muted">{format!("{}: ", choice.who)}</span>
                                    <span data-testid="conflict-value">{choice.value}</span>
                                    " "
                                    <button type="button" class="button button--secondary button--small" disabled=move || state.read_only()
                                        data-testid="keep-value" on:click=move |_| pick(of_person, &c, at)>{label}</button>
                                </li>
                            }
                        }).collect_view();
                        view! {
                            <li data-testid="conflict">
                                <strong data-testid="conflict-what">{what}</strong>
                                <ul>{choices}</ul>
                            </li>
                        }.into_any()
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
