use leptos::prelude::*;
use linkwork_core::model::lists::ListKind;
use linkwork_core::ReferralId;

use crate::components::diary::mark_buttons::MarkButtons;
use crate::platform::{show_date, today};
use crate::state::use_state;

/// A referral's appointments that are not yet marked: the ones to record (before today)
/// first, then today's and the ones ahead. Each can be marked or taken out of the diary.
#[component]
pub fn AppointmentsPanel(referral: ReferralId) -> impl IntoView {
    let state = use_state();
    let rows = move || {
        state.ws.with(|ws| {
            let Some(r) = ws.referrals.get(&referral) else {
                return Vec::new();
            };
            let reference = ws
                .people
                .get(&r.person)
                .map(|p| p.reference.clone())
                .unwrap_or_default();
            r.appointments
                .iter()
                .filter(|a| a.contact.is_none())
                .map(|a| {
                    (
                        a.id,
                        a.date,
                        a.start.format("%H:%M").to_string(),
                        a.minutes,
                        ws.settings
                            .lists
                            .label(ListKind::ContactModes, &a.mode)
                            .to_owned(),
                        a.place.clone(),
                        reference.clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        {move || {
            let list = rows();
            if list.is_empty() {
                return view! { <p class="muted" data-testid="no-appointments">"No appointments booked."</p> }.into_any();
            }
            view! {
                <ul class="appointments" data-testid="appointments">
                    {list.into_iter().map(|(id, date, start, minutes, mode, place, reference)| {
                        let to_record = date < today();
                        let what = format!("{reference} on {} at {start}", show_date(date));
                        view! {
                            <li class="appointment" class:appointment--due=to_record data-testid="appointment">
                                <span class="appointment__when">
                                    {to_record.then(|| view! { <span class="badge badge--warn">"To record"</span> " " })}
                                    <strong>{show_date(date)}</strong>" "{start.clone()}
                                </span>
                                <span class="appointment__what">{format!("{mode} · {minutes} min")}{(!place.is_empty()).then(|| format!(" · {place}"))}</span>
                                <MarkButtons referral=referral appointment=id what=what.clone()/>
                                <button type="button" class="button button--link button--small" disabled=move || state.read_only()
                                    aria-label=format!("Take out of the diary: {what}")
                                    on:click=move |_| { let _ = state.remove_appointment(referral, id); }
                                    data-testid="remove-appointment">"Take out of the diary"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
