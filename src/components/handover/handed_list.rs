use leptos::prelude::*;
use linkwork_core::PersonId;

use crate::platform::show_date;
use crate::route::Route;
use crate::state::use_state;

/// The people handed over to colleagues, read-only here: each can be removed from this
/// workspace after a confirmation, or kept (for cover) until they are handed back.
#[component]
pub fn HandedList() -> impl IntoView {
    let state = use_state();
    let asking = RwSignal::new(None::<Vec<PersonId>>);
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
    let remove = move |_| {
        let Some(people) = asking.get_untracked() else {
            return;
        };
        asking.set(None);
        message.set(Some(match state.remove_handed(&people) {
            Ok(1) => "1 person removed from this workspace.".to_owned(),
            Ok(n) => format!("{n} people removed from this workspace."),
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
                                    let label = format!("Remove {reference} from this workspace");
                                    view! {
                                        <tr data-testid="handed-row">
                                            <td><a href=href data-testid="handed-reference">{reference}</a></td><td>{to}</td><td>{on}</td>
                                            <td><button type="button" class="button button--link button--small" aria-label=label
                                                disabled=move || state.read_only()
                                                on:click=move |_| asking.set(Some(vec![p]))>"Remove…"</button></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <button type="button" class="button button--secondary" disabled=move || state.read_only()
                        on:click=move |_| asking.set(Some(everyone.clone())) data-testid="remove-all-handed">"Remove everyone handed over…"</button>
                }.into_any()
            }}
            {move || asking.get().map(|people| {
                let n = people.len();
                view! {
                    <div class="confirm" role="alertdialog" aria-labelledby="remove-handed-q" data-testid="confirm-remove-handed">
                        <p id="remove-handed-q">{format!(
                            "Remove {} from this workspace? Their records stay with the colleague you handed them to; this copy is deleted. If they come back, receiving their handover adds them again.",
                            if n == 1 { "this person".to_owned() } else { format!("these {n} people") }
                        )}</p>
                        <div class="button-row">
                            <button type="button" class="button button--danger" on:click=remove data-testid="remove-handed">"Remove"</button>
                            <button type="button" class="button button--secondary" on:click=move |_| asking.set(None)>"Keep them"</button>
                        </div>
                    </div>
                }
            })}
        </section>
    }
}
