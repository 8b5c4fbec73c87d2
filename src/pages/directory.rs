//! The community directory: resources to connect people to, imported from
//! Open Referral UK or added by hand.

use leptos::prelude::*;
use linkwork_core::model::lists::ListKind;

use crate::components::common::disclosure::Disclosure;
use crate::components::directory::directory_import::DirectoryImport;
use crate::components::directory::resource_form::ResourceForm;
use crate::platform::{show_date, today};
use crate::state::use_state;

/// The details of an entry a link worker needs before suggesting it, in a
/// disclosure (nothing when it has none).
#[component]
fn ResourceDetails(resource: linkwork_core::work::directory::Resource) -> impl IntoView {
    let r = resource;
    let terms = r.taxonomy.join("; ");
    let rows: Vec<(&'static str, String)> = [
        ("How to refer", r.how_to_refer.clone()),
        ("Who it is for", r.eligibility.clone()),
        ("Cost", r.fees.clone()),
        ("When", r.opening.clone()),
        ("Where", r.address.clone()),
        ("Languages", r.languages.clone()),
        ("Directory terms", terms),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    (!rows.is_empty()).then(|| {
        view! {
            <details class="resource-more" data-testid="resource-details">
                <summary>"Details"<span class="visually-hidden">{format!(" of {}", r.name)}</span></summary>
                <dl class="resource-facts">
                    {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
            </details>
        }
    })
}

/// The directory: search, category filter, stale entries marked, add, edit, import.
#[component]
pub fn DirectoryPage() -> impl IntoView {
    let state = use_state();
    let search = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<linkwork_core::work::directory::ResourceId>);
    let rows = Memo::new(move |_| {
        let needle = search.get().to_lowercase();
        let cat = category.get();
        state.ws.with(|ws| {
            let mut list: Vec<_> = ws
                .directory
                .values()
                .filter(|r| cat.is_empty() || r.category == cat)
                .filter(|r| {
                    needle.is_empty()
                        || [
                            &r.name,
                            &r.organisation,
                            &r.area,
                            &r.description,
                            &r.eligibility,
                            &r.address,
                        ]
                        .iter()
                        .any(|f| f.to_lowercase().contains(&needle))
                        || r.taxonomy
                            .iter()
                            .any(|t| t.to_lowercase().contains(&needle))
                })
                .cloned()
                .collect();
            linkwork_core::model::order::sort_by_key(&mut list, |r| r.name.to_lowercase());
            list
        })
    });
    let categories = move || {
        state.ws.with(|ws| {
            ws.settings
                .lists
                .get(ListKind::ConnectionCategories)
                .iter()
                .map(|i| (i.id.clone(), i.label.clone()))
                .collect::<Vec<_>>()
        })
    };
    let label = move |id: &str| state.list_label(ListKind::ConnectionCategories, id);
    view! {
        <div class="page-head">
            <h1>"Community directory"</h1>
            <p class="muted">"Groups, services and activities to connect people to. Entries not checked for a year are marked."</p>
        </div>
        <DirectoryImport/>
        <Disclosure heading="Add an entry">
            <ResourceForm resource=None/>
        </Disclosure>
        <form class="filters" role="search" aria-label="Filter the directory" on:submit=|e| e.prevent_default()>
            <div class="field">
                <label for="dir-search">"Search"</label>
                <input autocomplete="off" id="dir-search" type="search" data-testid="directory-search" prop:value=move || search.get()
                    on:input=move |e| search.set(event_target_value(&e))/>
            </div>
            <div class="field">
                <label for="dir-category">"Category"</label>
                <select id="dir-category" on:change=move |e| category.set(event_target_value(&e))>
                    <option value="">"All categories"</option>
                    {move || categories().into_iter().map(|(id, l)| view! { <option value=id>{l}</option> }).collect_view()}
                </select>
            </div>
        </form>
        <p class="result-count" data-testid="directory-count">{move || linkwork_core::views::words::count(rows.with(Vec::len), "entry", "entries")}</p>
        <div class="table-wrap">
            <table class="table" data-testid="directory-table">
                <caption class="visually-hidden">"Directory entries"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Area"</th>
                        <th scope="col">"Contact"</th>
                        <th scope="col">"Last checked"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {move || rows.get().into_iter().map(|r| {
                        let id = r.id;
                        let stale = r.is_stale(today());
                        let checked = r.last_checked.map_or_else(|| "Never".to_owned(), show_date);
                        let edit_copy = r.clone();
                        view! {
                            <tr data-testid="directory-row">
                                <td>
                                    <strong>{r.name.clone()}</strong>
                                    {(!r.organisation.is_empty()).then(|| view! { <span class="muted block">{r.organisation.clone()}</span> })}
                                    {(!r.active).then(|| view! { <span class="badge badge--warn">"Not running"</span> })}
                                    {(!r.alert.is_empty()).then(|| view! {
                                        <p class="resource-alert" data-testid="resource-alert"><strong>"Notice: "</strong>{r.alert.clone()}</p>
                                    })}
                                    {(!r.description.is_empty()).then(|| view! {
                                        <p class="resource-description" data-testid="resource-description">{r.description.clone()}</p>
                                    })}
                                    <ResourceDetails resource=r.clone()/>
                                </td>
                                <td>{label(&r.category)}</td>
                                <td>{r.area.clone()}</td>
                                <td class="contact-cell">
                                    {(!r.contact.is_empty()).then(|| view! { <span class="block">{r.contact.clone()}</span> })}
                                    {(!r.email.is_empty()).then(|| view! { <span class="block">{r.email.clone()}</span> })}
                                    {(!r.website.is_empty()).then(|| view! { <span class="block">{r.website.clone()}</span> })}
                                </td>
                                <td>
                                    {checked}
                                    {stale.then(|| view! { <span class="badge badge--warn block" data-testid="stale">"Check details"</span> })}
                                </td>
                                <td>
                                    <button type="button" class="button button--small button--secondary"
                                        on:click=move |_| editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) })>
                                        "Edit"<span class="visually-hidden">{format!(" {}", r.name)}</span>
                                    </button>
                                </td>
                            </tr>
                            {move || (editing.get() == Some(id)).then(|| view! {
                                <tr class="inline-row"><td colspan="6"><ResourceForm resource=Some(edit_copy.clone())/></td></tr>
                            })}
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
