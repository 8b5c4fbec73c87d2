use leptos::ev;
use leptos::prelude::*;
use linkwork_core::model::lists::ListKind;
use linkwork_core::work::directory::Resource;

use crate::platform::today;
use crate::state::use_state;

/// Adds a directory entry, or edits one.
#[component]
pub fn ResourceForm(
    /// The entry to edit, or `None` to add one.
    resource: Option<Resource>,
) -> impl IntoView {
    let state = use_state();
    let editing = resource.is_some();
    let start = resource.unwrap_or_else(|| Resource {
        last_checked: Some(today()),
        active: true,
        ..Resource::default()
    });
    let draft = RwSignal::new(start.clone());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let prefix = if editing {
        format!("res-{}", start.id)
    } else {
        "res-new".to_owned()
    };
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        match state.save_resource(draft.get_untracked()) {
            Ok(_) => {
                error.set(None);
                saved.set(true);
                if !editing {
                    draft.set(Resource {
                        last_checked: Some(today()),
                        active: true,
                        ..Resource::default()
                    });
                }
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let field_prefix = prefix.clone();
    let text_field = move |name: &'static str,
                           label: &'static str,
                           get: fn(&Resource) -> String,
                           set: fn(&mut Resource, String)| {
        let id = format!("{field_prefix}-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id type="text" autocomplete="off" data-testid=format!("resource-{name}")
                    prop:value=move || draft.with(get) on:input=move |e| draft.update(|d| set(d, event_target_value(&e)))/>
            </div>
        }
    };
    let categories = move || {
        state.ws.with(|ws| {
            ws.settings
                .lists
                .options(ListKind::ConnectionCategories, &[])
        })
    };
    let cat_id = format!("{prefix}-category");
    let checked_id = format!("{prefix}-checked");
    let description_id = format!("{prefix}-description");
    view! {
        <form class="form-plain resource-form" novalidate on:submit=submit data-testid="resource-form">
            <div class="form-grid">
                {text_field("name", "Service or activity", |r| r.name.clone(), |r, v| r.name = v)}
                {text_field("organisation", "Organisation (optional)", |r| r.organisation.clone(), |r, v| r.organisation = v)}
                <div class="field">
                    <label for=cat_id.clone()>"Category"</label>
                    <select id=cat_id data-testid="resource-category" on:change=move |e| {
                        let v = event_target_value(&e);
                        draft.update(|d| d.category = v);
                    }>
                        <option value="" selected=move || draft.with(|d| d.category.is_empty())>"Choose a category"</option>
                        {move || categories().into_iter().map(|(id, l)| {
                            let key = id.clone();
                            view! { <option value=id selected=move || draft.with(|d| d.category == key)>{l}</option> }
                        }).collect_view()}
                    </select>
                </div>
                {text_field("area", "Area (optional)", |r| r.area.clone(), |r, v| r.area = v)}
                {text_field("how", "How to refer (optional)", |r| r.how_to_refer.clone(), |r, v| r.how_to_refer = v)}
                {text_field("contact", "Phone or contact (optional)", |r| r.contact.clone(), |r, v| r.contact = v)}
                {text_field("email", "Email (optional)", |r| r.email.clone(), |r, v| r.email = v)}
                {text_field("website", "Website (optional)", |r| r.website.clone(), |r, v| r.website = v)}
                {text_field("eligibility", "Who it is for (optional)", |r| r.eligibility.clone(), |r, v| r.eligibility = v)}
                {text_field("fees", "Cost (optional)", |r| r.fees.clone(), |r, v| r.fees = v)}
                {text_field("opening", "When it runs (optional)", |r| r.opening.clone(), |r, v| r.opening = v)}
                {text_field("address", "Where: the venue's address (optional)", |r| r.address.clone(), |r, v| r.address = v)}
                {text_field("languages", "Languages (optional)", |r| r.languages.clone(), |r, v| r.languages = v)}
                {text_field("alert", "Notice, such as a change of venue (optional)", |r| r.alert.clone(), |r, v| r.alert = v)}
                {text_field("notes", "Your notes (optional)", |r| r.notes.clone(), |r, v| r.notes = v)}
                <div class="field field--wide">
                    <label for=description_id.clone()>"Description (optional)"</label>
                    <textarea id=description_id rows="3" autocomplete="off" data-testid="resource-description-field"
                        prop:value=move || draft.with(|d| d.description.clone())
                        on:input=move |e| draft.update(|d| d.description = event_target_value(&e))></textarea>
                </div>
                <div class="field">
                    <label for=checked_id.clone()>"Details last checked"</label>
                    <input id=checked_id type="date" data-testid="resource-checked"
                        prop:value=move || draft.with(|d| d.last_checked.map(|c| c.format("%Y-%m-%d").to_string()).unwrap_or_default())
                        on:input=move |e| {
                            let v = event_target_value(&e);
                            draft.update(|d| d.last_checked = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
                        }/>
                </div>
            </div>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="resource-error">{e}</p> })}
            <Show when=move || saved.get() && error.get().is_none()>
                <p class="hint" role="status">"Saved."</p>
            </Show>
            <button type="submit" class="button" disabled=move || state.read_only() data-testid="save-resource">
                {if editing { "Save changes" } else { "Add to directory" }}
            </button>
        </form>
    }
}
