use leptos::prelude::*;
use linkwork_core::model::lists::ListKind;
use linkwork_core::{Choice, ContactId, ContactOutcome, ReferralId};

use crate::platform::show_date;
use crate::state::use_state;

/// One entry of the timeline.
#[derive(Clone)]
struct Entry {
    date: chrono::NaiveDate,
    /// Order of recording within a day: status changes in history order.
    order: usize,
    text: String,
    detail: String,
    contact: Option<ContactId>,
    /// A case note, which can be removed.
    note: Option<linkwork_core::work::diary::NoteId>,
    attended: bool,
    /// The entry's test id: timeline-status, -contact or -connection.
    kind: &'static str,
    /// Who added or changed it, if it came in a handover ("Jo (Hillview), handed back
    /// 3 Dec 2026").
    from: Option<String>,
}

/// Everything that happened in a referral, newest first (status changes, contacts and
/// connections), after the appointments booked ahead.
#[component]
pub fn Timeline(
    /// The referral.
    referral: ReferralId,
) -> impl IntoView {
    let state = use_state();
    let entries = move || {
        state.ws.with(|ws| {
            let Some(r) = ws.referrals.get(&referral) else {
                return Vec::new();
            };
            let lists = &ws.settings.lists;
            // Parts that arrived in a handover, with who sent them and when.
            let from = |part: String| {
                r.recorded_by(&part)
                    .map(|a| a.recorded_words(&show_date(a.on)))
            };
            let mut list: Vec<Entry> = r
                .history
                .iter()
                .enumerate()
                .map(|(i, h)| Entry {
                    date: h.date,
                    order: i,
                    text: format!("Status: {}", h.status.label()),
                    detail: String::new(),
                    contact: None,
                    note: None,
                    attended: false,
                    kind: "timeline-status",
                    from: None,
                })
                .collect();
            let statuses = list.len();
            list.extend(r.contacts.iter().enumerate().map(|(i, c)| Entry {
                date: c.date,
                order: statuses + i,
                text: format!(
                    "{} · {} min · {}",
                    lists.label(ListKind::ContactModes, &c.mode),
                    c.minutes,
                    c.outcome.label()
                ),
                detail: c.note.clone(),
                contact: Some(c.id),
                note: None,
                attended: c.outcome == ContactOutcome::Attended,
                kind: "timeline-contact",
                from: from(format!("contacts/{}", c.id)),
            }));
            let before = list.len();
            list.extend(
                r.connections
                    .iter()
                    .flat_map(|c| c.history.iter().map(move |h| (c, h)))
                    .enumerate()
                    .map(|(i, (c, h))| Entry {
                        date: h.date,
                        order: before + i,
                        text: format!("Connection: {} · {}", c.name, h.status.label()),
                        detail: String::new(),
                        contact: None,
                        note: None,
                        attended: false,
                        kind: "timeline-connection",
                        from: from(format!("connections/{}", c.id)),
                    }),
            );
            // Appointments booked from today on, ahead of what has happened.
            let before = list.len();
            let today = crate::platform::today();
            list.extend(
                r.appointments
                    .iter()
                    .filter(|a| a.date >= today && a.contact.is_none())
                    .enumerate()
                    .map(|(i, a)| Entry {
                        date: a.date,
                        order: before + i,
                        text: format!(
                            "Booked: {} · {} · {} min{}",
                            a.start.format("%H:%M"),
                            lists.label(ListKind::ContactModes, &a.mode),
                            a.minutes,
                            if a.place.is_empty() {
                                String::new()
                            } else {
                                format!(" · {}", a.place)
                            }
                        ),
                        detail: String::new(),
                        contact: None,
                        note: None,
                        attended: false,
                        kind: "timeline-booked",
                        from: from(format!("appointments/{}", a.id)),
                    }),
            );
            let before = list.len();
            list.extend(r.case_notes.iter().enumerate().map(|(i, n)| Entry {
                date: n.date,
                order: before + i,
                text: if n.minutes > 0 {
                    format!("{} · {} min", n.kind.label(), n.minutes)
                } else {
                    n.kind.label().to_owned()
                },
                detail: n.text.clone(),
                contact: None,
                note: Some(n.id),
                attended: false,
                kind: "timeline-note",
                from: from(format!("case_notes/{}", n.id)),
            }));
            linkwork_core::model::order::sort_by(&mut list, |a, b| {
                b.date.cmp(&a.date).then(b.order.cmp(&a.order))
            });
            list
        })
    };
    view! {
        <ol class="timeline" data-testid="timeline">
            {move || entries().into_iter().map(|e| {
                let remove = e.contact.map(|cid| view! {
                    <button type="button" class="button button--link button--small" disabled=move || state.read_only()
                        on:click=move |_| state.remove_contact(referral, cid) data-testid="remove-contact">
                        "Remove"<span class="visually-hidden">" this contact"</span>
                    </button>
                });
                let remove_note = e.note.map(|nid| view! {
                    <button type="button" class="button button--link button--small" disabled=move || state.read_only()
                        on:click=move |_| { let _ = state.remove_case_note(referral, nid); } data-testid="remove-note">
                        "Remove"<span class="visually-hidden">" this note"</span>
                    </button>
                });
                view! {
                    <li class="timeline__item" class:timeline__item--contact=e.contact.is_some() class:timeline__item--seen=e.attended
                        data-testid=e.kind>
                        <span class="timeline__date">{show_date(e.date)}</span>
                        <span class="timeline__text">{e.text}</span>
                        {(!e.detail.is_empty()).then(|| view! { <span class="timeline__detail">{e.detail}</span> })}
                        {e.from.map(|f| view! { <span class="timeline__detail timeline-from" data-testid="timeline-from">{f}</span> })}
                        {remove}
                        {remove_note}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
