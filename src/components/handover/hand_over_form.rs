use std::collections::BTreeSet;

use leptos::prelude::*;
use linkwork_core::model::normalise_reference;
use linkwork_core::work::handover::{Choose, HandoverError};
use linkwork_core::{PersonId, PracticeId};

use crate::components::common::field_error::FieldError;
use crate::state::{use_state, Made};

/// How the people to hand over are chosen.
#[derive(Clone, Copy, PartialEq, Eq)]
enum By {
    People,
    Practice,
    Caseload,
}

/// Chooses people (by reference, by practice, or the whole open caseload) and who they go
/// to, makes the sealed handover file, and shows its one-time code.
#[component]
pub fn HandOverForm() -> impl IntoView {
    let state = use_state();
    let by = RwSignal::new(By::People);
    let picked = RwSignal::new(BTreeSet::<PersonId>::new());
    let practice = RwSignal::new(String::new());
    let filter = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let to_error = RwSignal::new(None::<String>);
    let people_error = RwSignal::new(None::<String>);
    let made = RwSignal::new(None::<Made>);

    let choice = move || match by.get() {
        By::People => Choose::People(picked.get().into_iter().collect()),
        By::Practice => Choose::Practice(practice.get().parse::<PracticeId>().unwrap_or_default()),
        By::Caseload => Choose::Caseload,
    };
    let count = move || state.chosen_people(&choice()).len();
    // The people who can be chosen: everyone not handed over, matching the filter.
    let offered = move || {
        let wanted = normalise_reference(&filter.get());
        state.ws.with(|ws| {
            let handed: BTreeSet<PersonId> = ws.handed_over_people().into_iter().collect();
            let mut list: Vec<(PersonId, String, String)> = ws
                .people
                .values()
                .filter(|p| !handed.contains(&p.id))
                .filter(|p| {
                    wanted.is_empty() || normalise_reference(&p.reference).contains(&wanted)
                })
                .map(|p| {
                    let practice = ws
                        .referrals_of(p.id)
                        .last()
                        .map(|r| ws.practice_name(r.practice).to_owned())
                        .unwrap_or_default();
                    (p.id, p.reference.clone(), practice)
                })
                .collect();
            list.sort_by_key(|(_, r, _)| normalise_reference(r));
            list
        })
    };
    let practices = move || {
        state.ws.with(|ws| {
            ws.settings
                .practices
                .iter()
                .map(|p| (p.id.to_string(), p.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        error.set(None);
        to_error.set(None);
        people_error.set(None);
        let people = state.ws.with_untracked(|ws| ws.chosen_people(&choice()));
        // Both missing answers are said at once, each next to its field.
        if people.is_empty() {
            people_error.set(Some(HandoverError::NobodyChosen.to_string()));
        }
        match state.hand_over(&people, &to.get_untracked()) {
            Ok(m) => {
                picked.set(BTreeSet::new());
                made.set(Some(m));
            }
            Err(crate::state::HandoverProblem::Handover(e)) => {
                let words = Some(e.to_string());
                match e {
                    HandoverError::NoRecipient | HandoverError::RecipientTooLong(_) => {
                        to_error.set(words)
                    }
                    HandoverError::NobodyChosen
                    | HandoverError::AllWithdrew
                    | HandoverError::AlreadyHandedOver(_) => people_error.set(words),
                    _ => error.set(words),
                }
            }
            Err(other) => error.set(Some(other.to_string())),
        }
    };
    let radio = move |value: By, label: &'static str, testid: &'static str| {
        view! {
            <div class="radio">
                <input type="radio" name="handover-by" id=testid data-testid=testid
                    prop:checked=move || by.get() == value
                    on:change=move |_| by.set(value)/>
                <label for=testid>{label}</label>
            </div>
        }
    };
    view! {
        <section class="panel" aria-labelledby="hand-over-heading">
            <h2 id="hand-over-heading">"Hand people over"</h2>
            <p>
                "Everything about them goes in the file: referrals, contacts, appointments, tasks, notes, risks, consent, plan, outcomes and connections, with the directory entries they use. "
                "People who withdrew consent to be supported are left out. "
                "Once the file is made, they are read-only here and out of your open caseload until your colleague hands them back."
            </p>
            <form class="form-plain" novalidate on:submit=submit data-testid="hand-over-form">
                <fieldset class="field">
                    <legend>"Who to hand over"</legend>
                    <div class="choice-list">
                        {radio(By::People, "People I choose", "handover-by-people")}
                        {radio(By::Practice, "Everyone on my open caseload at a practice", "handover-by-practice")}
                        {radio(By::Caseload, "My whole open caseload", "handover-by-caseload")}
                    </div>
                </fieldset>
                <Show when=move || by.get() == By::Practice>
                    <div class="field">
                        <label for="handover-practice">"Practice"</label>
                        <select id="handover-practice" data-testid="handover-practice"
                            on:change=move |e| practice.set(event_target_value(&e))>
                            <option value="">"Choose a practice"</option>
                            {move || practices().into_iter().map(|(id, name)| {
                                let selected = practice.get_untracked() == id;
                                view! { <option value=id selected=selected>{name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <Show when=move || by.get() == By::People>
                    <div class="field">
                        <label for="handover-filter">"Find by reference"</label>
                        <input id="handover-filter" type="search" autocomplete="off" data-testid="handover-filter"
                            prop:value=move || filter.get()
                            on:input=move |e| filter.set(event_target_value(&e))/>
                    </div>
                    <fieldset class="field handover-people" aria-describedby="handover-people-error">
                        <legend>"People"</legend>
                        <ul class="check-list">
                            {move || offered().into_iter().map(|(id, reference, practice)| {
                                let input_id = format!("handover-person-{id}");
                                view! {
                                    <li>
                                        <input type="checkbox" id=input_id.clone() value=reference.clone() data-testid="handover-person"
                                            prop:checked=move || picked.with(|p| p.contains(&id))
                                            on:change=move |e| {
                                                let on = event_target_checked(&e);
                                                picked.update(|p| { if on { p.insert(id); } else { p.remove(&id); } });
                                            }/>
                                        <label for=input_id>{reference}<span class="muted">{format!(" · {practice}")}</span></label>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </fieldset>
                </Show>
                <FieldError id="handover-people-error".into() message=people_error/>
                <p class="muted" data-testid="handover-count">{move || match count() {
                    1 => "1 person chosen.".to_owned(),
                    n => format!("{n} people chosen."),
                }}</p>
                <div class="field">
                    <label for="handover-to">"Who is it for?"</label>
                    <p class="hint" id="handover-to-hint">"Your colleague's name or workspace label, as they will see it: for example \u{201c}Jo (Hillview, cover)\u{201d}."</p>
                    <FieldError id="handover-to-error".into() message=to_error/>
                    <input id="handover-to" type="text" autocomplete="off" data-testid="handover-to"
                        aria-describedby="handover-to-hint handover-to-error"
                        aria-invalid=move || to_error.with(Option::is_some).to_string()
                        prop:value=move || to.get()
                        on:input=move |e| to.set(event_target_value(&e))/>
                </div>
                <button type="submit" class="button" disabled=move || state.read_only() data-testid="make-handover">"Make the handover file"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="handover-error">{e}</p> })}
            {move || made.get().map(|m| view! {
                <div class="handover-made" role="status" data-testid="handover-made">
                    <p>{format!(
                        "{} handed over to {}. The file {} is in your downloads.",
                        if m.people == 1 { "1 person".to_owned() } else { format!("{} people", m.people) },
                        m.to,
                        m.file
                    )}</p>
                    <p>"The handover code, shown only now:"</p>
                    <p class="code-box" data-testid="handover-code">{m.code.clone()}</p>
                    <p>"Give it to your colleague in person or by phone, never in the same email or message as the file. Without it the file cannot be opened."</p>
                    {(!m.left_out.is_empty()).then(|| view! {
                        <p class="warning-text" data-testid="handover-left-out">{format!(
                            "Left out because they withdrew consent to be supported: {}.",
                            m.left_out.join(", ")
                        )}</p>
                    })}
                </div>
            })}
        </section>
    }
}
