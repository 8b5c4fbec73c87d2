use leptos::ev;
use leptos::prelude::*;
use linkwork_core::{ListItem, ListKind};

use crate::state::use_state;

/// Edits one configurable list: add, rename, hide or show items.
#[component]
pub fn ListEditor(
    /// Which list.
    kind: ListKind,
) -> impl IntoView {
    let state = use_state();
    let new_label = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let input_id = format!("add-{}", kind.code());
    let add = move |e: ev::SubmitEvent| {
        e.prevent_default();
        match state.update_settings(|s| s.lists.add(kind, &new_label.get_untracked()).map(|_| ())) {
            Ok(()) => {
                new_label.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let items = move || state.ws.with(|ws| ws.settings.lists.get(kind).to_vec());
    view! {
        <details class="details" data-testid=format!("list-{}", kind.code())>
            <summary>{kind.title()} " " <span class="muted">{move || format!("({})", linkwork_core::views::words::count(items().len(), "item", "items"))}</span></summary>
            <ul class="item-list">
                {move || items().into_iter().map(|item| view! { <ListRow kind=kind item=item/> }).collect_view()}
            </ul>
            <form class="inline-form" on:submit=add>
                <div class="field" class:field--error=move || error.get().is_some()>
                    <label for=input_id.clone()>{format!("Add to {}", kind.title().to_lowercase())}</label>
                    {move || error.get().map(|e| view! { <p class="field-error">{e}</p> })}
                    <input id=input_id.clone() type="text" autocomplete="off" prop:value=move || new_label.get()
                        on:input=move |e| new_label.set(event_target_value(&e))/>
                </div>
                <button type="submit" class="button button--small" disabled=move || state.read_only()>"Add"</button>
            </form>
        </details>
    }
}

/// One list item with rename and hide.
#[component]
fn ListRow(
    /// The list it belongs to.
    kind: ListKind,
    /// The item shown.
    item: ListItem,
) -> impl IntoView {
    let state = use_state();
    let label = RwSignal::new(item.label.clone());
    let error = RwSignal::new(None::<String>);
    let id = item.id.clone();
    let rename_id = id.clone();
    let rename = move |e: ev::SubmitEvent| {
        e.prevent_default();
        match state.update_settings(|s| s.lists.rename(kind, &rename_id, &label.get_untracked())) {
            Ok(()) => error.set(None),
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let retired = item.retired;
    let toggle_id = id.clone();
    let toggle = move |_| {
        let _ = state.update_settings(|s| s.lists.set_retired(kind, &toggle_id, !retired));
    };
    let field_id = format!("item-{}-{id}", kind.code());
    view! {
        <li class="item" class:item--retired=retired>
            <form class="inline-form" on:submit=rename>
                <label class="visually-hidden" for=field_id.clone()>{format!("Name of {}", item.label)}</label>
                <input autocomplete="off" id=field_id type="text" prop:value=move || label.get() on:input=move |e| label.set(event_target_value(&e))/>
                <button type="submit" class="button button--small button--secondary" disabled=move || state.read_only()>"Rename"</button>
                <button type="button" class="button button--small button--secondary" on:click=toggle disabled=move || state.read_only()>
                    {if retired { "Show again" } else { "Hide" }}
                </button>
                {retired.then(|| view! { <span class="muted">"Hidden"</span> })}
                {move || error.get().map(|e| view! { <p class="field-error">{e}</p> })}
            </form>
        </li>
    }
}
