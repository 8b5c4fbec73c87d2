use leptos::prelude::*;
use linkwork_core::PersonId;

use crate::platform::show_date;
use crate::route::Route;
use crate::state::use_state;

/// What the confirmation asks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ask {
    Remove,
    TakeBack,
}

/// The people handed over to colleagues, read-only here: each can be removed from this
/// workspace, or taken back without a handback (a file that never arrived), after a
/// confirmation; or kept (for cover) until they are handed back.
#[component]
pub fn HandedList() -> impl IntoView {
    let state = use_state();
    let asking = RwSignal::new(None::<(Ask, Vec<PersonId>)>);
    let message = RwSignal::new(None::<String>);
    let rows = move || {
        state.ws.with(|ws| {
            ws.handed_over_people()
                .into_iter()
                .map(|p| {
                    let last = ws.referrals_of(p).last().map(|r| (r.id, r.handed.clone()));
                    let href = last
                        .as_ref()
                        .map(|(id, _)| Route::Referral(*id).href())
                        .unwrap_or_default();
                    let (to, on) = last
                        .and_then(|(_, h)| h)
                        .map_or((String::new(), String::new()), |h| (h.to, show_date(h.on)));
                    (p, ws.reference_of(p).to_owned(), href, to, on)
                })
                .collect::<Vec<_>>()
        })
    };
    let confirm = move |_| {
        let Some((ask, people)) = asking.get_untracked() else {
            return;
        };
        asking.set(None);
        let (done, what) = match ask {
            Ask::Remove => (state.remove_handed(&people), "removed from this workspace"),
            Ask::TakeBack => (state.take_back(&people), "taken back onto your caseload"),
        };
        message.set(Some(match done {
            Ok(1) => format!("1 person {what}."),
            Ok(n) => format!("{n} people {what}."),
            Err(e) => e.to_string(),
        }));
    };
    view! {
        <section class="panel" aria-labelledby="handed-heading">
            <h2 id="handed-heading">"Handed over"</h2>
            {move || message.get().map(|m| view! { <p role="status" data-testid="handed-message">{m}</p> })}
            {move || {
                let list = rows();
                if list.is_empty() {
                    return view! { <p class="muted" data-testid="handed-none">"Nobody is handed over from this workspace."</p> }.into_any();
                }
                let everyone: Vec<PersonId> = list.iter().map(|(p, ..)| *p).collect();
                view! {
                    <p>"They are read-only here and out of your open caseload. Keep them while a colleague covers, and receive them back when they hand back; or remove them once they have moved on for good."</p>
                    <div class="table-wrap">
                        <table class="table" data-testid="handed-table">
                            <caption class="visually-hidden">"People handed over, to whom and when"</caption>
                            <thead><tr><th scope="col">"Reference"</th><th scope="col">"Handed over to"</th><th scope="col">"On"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|(p, reference, href, to, on)| {
                                    let whom = format!(" {reference}");
                                    view! {
                                        <tr data-testid="handed-row">
                                            <td><a href=href data-testid="handed-reference">{reference}</a></td><td>{to}</td><td>{on}</td>
                                            <td>
                                                <button type="button" class="button button--link button--small"
                                                    disabled=move || state.read_only() data-testid="take-back-one"
                                                    on:click=move |_| asking.set(Some((Ask::TakeBack, vec![p])))>
                                                    "Take back"<span class="visually-hidden">{whom.clone()}</span>"…"
                                                </button>
                                                <button type="button" class="button button--link button--small"
                                                    disabled=move || state.read_only() data-testid="remove-one"
                                                    on:click=move |_| asking.set(Some((Ask::Remove, vec![p])))>
                                                    "Remove"<span class="visually-hidden">{whom}</span>"…"
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <button type="button" class="button button--secondary" disabled=move || state.read_only()
                        on:click=move |_| asking.set(Some((Ask::Remove, everyone.clone()))) data-testid="remove-all-handed">"Remove everyone handed over…"</button>
                }.into_any()
            }}
            {move || asking.get().map(|(ask, people)| {
                let who = if people.len() == 1 { "this person".to_owned() } else { format!("these {} people", people.len()) };
                let (question, yes, class) = match ask {
                    Ask::Remove => (
                        format!("Remove {who} from this workspace? Their records stay with the colleague you handed them to; this copy is deleted. If they come back, receiving their handover adds them again."),
                        "Remove",
                        "button button--danger",
                    ),
                    Ask::TakeBack => (
                        format!("Take {who} back onto your caseload without a handback? Do this only if the file never reached your colleague. If they did receive it and make changes, their handback later shows anything changed in both places for you to choose."),
                        "Take back",
                        "button",
                    ),
                };
                view! {
                    <div class="confirm" role="alertdialog" aria-labelledby="handed-q" data-testid="confirm-handed">
                        <p id="handed-q">{question}</p>
                        <div class="button-row">
                            <button type="button" class=class on:click=confirm data-testid="confirm-handed-yes">{yes}</button>
                            <button type="button" class="button button--secondary" on:click=move |_| asking.set(None)>"Cancel"</button>
                        </div>
                    </div>
                }
            })}
        </section>
    }
}
