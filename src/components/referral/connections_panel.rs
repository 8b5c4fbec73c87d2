use leptos::ev;
use leptos::prelude::*;
use linkwork_core::model::lists::ListKind;
use linkwork_core::work::directory::{ConnectionStatus, NewConnection, ResourceId};
use linkwork_core::{Choice, ReferralId};

use crate::platform::{show_date, today};
use crate::state::use_state;

/// A referral's connections to community resources: add one from the
/// directory (or by name), move it on, and note the organisation's feedback.
#[component]
pub fn ConnectionsPanel(
    /// The referral.
    referral: ReferralId,
) -> impl IntoView {
    let state = use_state();
    let resource = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let status = RwSignal::new(ConnectionStatus::Suggested);
    let error = RwSignal::new(None::<String>);
    let open = move || {
        state.ws.with(|ws| {
            ws.referrals
                .get(&referral)
                .is_some_and(|r| r.status.is_open())
        })
    };
    let resources = move || {
        state.ws.with(|ws| {
            let mut list: Vec<(String, String)> = ws
                .directory
                .values()
                .filter(|r| r.active)
                .map(|r| {
                    (
                        r.id.to_string(),
                        if r.organisation.is_empty() {
                            r.name.clone()
                        } else {
                            format!("{} ({})", r.name, r.organisation)
                        },
                    )
                })
                .collect();
            linkwork_core::model::order::sort_by_key(&mut list, |(_, n)| n.to_lowercase());
            list
        })
    };
    let categories = move || {
        state.ws.with(|ws| {
            ws.settings
                .lists
                .options(ListKind::ConnectionCategories, &[])
        })
    };
    let add = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let new = NewConnection {
            resource: resource.get_untracked().parse::<ResourceId>().ok(),
            name: name.get_untracked(),
            category: category.get_untracked(),
            status: status.get_untracked(),
            date: today(),
        };
        match state.add_connection(referral, &new) {
            Ok(()) => {
                error.set(None);
                resource.set(String::new());
                name.set(String::new());
                category.set(String::new());
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let connections = move || {
        state.ws.with(|ws| {
            ws.referrals
                .get(&referral)
                .map(|r| r.connections.clone())
                .unwrap_or_default()
        })
    };
    let label = move |id: &str| state.list_label(ListKind::ConnectionCategories, id);
    view! {
        <div class="connections" data-testid="connections">
            <Show when=move || connections().is_empty()>
                <p class="muted" data-testid="no-connections">"No connections yet."</p>
            </Show>
            <ul class="item-list">
                {move || connections().into_iter().map(|c| {
                    let cid = c.id;
                    let chosen = RwSignal::new(c.status);
                    let feedback = RwSignal::new(c.feedback.clone());
                    let note = RwSignal::new(None::<String>);
                    let history = c.history.iter().map(|h| format!("{} {}", h.status.label(), show_date(h.date))).collect::<Vec<_>>().join(" → ");
                    let sel_id = format!("conn-{cid}-status");
                    let fb_id = format!("conn-{cid}-feedback");
                    let update = move |_| {
                        let r = state.update_connection(referral, cid, chosen.get_untracked(), &feedback.get_untracked());
                        note.set(r.err().map(|e| e.to_string()));
                    };
                    view! {
                        <li class="item connection" data-testid="connection">
                            <div class="connection__head">
                                <strong data-testid="connection-name">{c.name.clone()}</strong>
                                <span class="muted">{label(&c.category)}</span>
                                <span class="muted" data-testid="connection-history">{history}</span>
                            </div>
                            <div class="inline-form">
                                <div class="field">
                                    <label for=sel_id.clone()>"Status"</label>
                                    <select id=sel_id data-testid="connection-status" on:change=move |e| {
                                        if let Some(s) = ConnectionStatus::from_code(&event_target_value(&e)) { chosen.set(s) }
                                    }>
                                        {ConnectionStatus::ALL.iter().map(|s| {
                                            let s = *s;
                                            view! { <option value=s.code() selected=move || chosen.get() == s>{s.label()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field field--grow">
                                    <label for=fb_id.clone()>"Feedback from the organisation"</label>
                                    <input autocomplete="off" id=fb_id type="text" data-testid="connection-feedback" prop:value=move || feedback.get()
                                        on:input=move |e| feedback.set(event_target_value(&e))/>
                                </div>
                                <button type="button" class="button button--small button--secondary" on:click=update
                                    disabled=move || state.read_only() data-testid="connection-update">"Update"</button>
                            </div>
                            {move || note.get().map(|n| view! { <p class="field-error">{n}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=open>
                <form class="inline-form" novalidate on:submit=add data-testid="connection-form">
                    <div class="field">
                        <label for="conn-resource">"From the directory"</label>
                        <select id="conn-resource" data-testid="connection-resource" on:change=move |e| resource.set(event_target_value(&e))>
                            <option value="" selected=move || resource.with(String::is_empty)>"Not in the directory: type a name"</option>
                            {move || resources().into_iter().map(|(id, label)| {
                                let key = id.clone();
                                view! { <option value=id selected=move || resource.with(|r| *r == key)>{label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <Show when=move || resource.with(String::is_empty)>
                        <div class="field">
                            <label for="conn-name">"Name"</label>
                            <input autocomplete="off" id="conn-name" type="text" data-testid="connection-new-name" prop:value=move || name.get()
                                on:input=move |e| name.set(event_target_value(&e))/>
                        </div>
                    </Show>
                    <div class="field">
                        <label for="conn-category">"Category"</label>
                        <select id="conn-category" data-testid="connection-category" on:change=move |e| category.set(event_target_value(&e))>
                            <option value="" selected=move || category.with(String::is_empty)>"As in the directory"</option>
                            {move || categories().into_iter().map(|(id, l)| {
                                let key = id.clone();
                                view! { <option value=id selected=move || category.with(|c| *c == key)>{l}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="conn-status">"Status"</label>
                        <select id="conn-status" data-testid="connection-new-status" on:change=move |e| {
                            if let Some(s) = ConnectionStatus::from_code(&event_target_value(&e)) { status.set(s) }
                        }>
                            {ConnectionStatus::ALL.iter().map(|s| {
                                let s = *s;
                                view! { <option value=s.code() selected=move || status.get() == s>{s.label()}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button button--secondary" disabled=move || state.read_only() data-testid="add-connection">"Add connection"</button>
                </form>
            </Show>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="connection-error">{e}</p> })}
        </div>
    }
}
