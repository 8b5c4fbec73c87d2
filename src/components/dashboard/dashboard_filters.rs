use chrono::NaiveDate;
use leptos::prelude::*;
use linkwork_core::views::dashboard::{check_range, DashboardFilter, Granularity};
use linkwork_core::ListKind;

use crate::components::common::field_error::FieldError;
use crate::platform::today;
use crate::state::use_state;

/// The dashboard's filters: date range, practice, referrer, reason and the
/// step of the caseload chart. Every change applies at once.
#[component]
pub fn DashboardFilters(
    /// The filter being edited.
    filter: RwSignal<DashboardFilter>,
) -> impl IntoView {
    let state = use_state();
    let date_error = RwSignal::new(None::<String>);
    let set_date = move |which: &'static str, text: String| {
        let Ok(day) = text.parse::<NaiveDate>() else {
            date_error.set(Some("Enter a full date, for example 1 April 2026.".into()));
            return;
        };
        let (from, to) = filter.with_untracked(|f| match which {
            "from" => (day, f.to),
            _ => (f.from, day),
        });
        if let Err(e) = check_range(from, to, today()) {
            date_error.set(Some(e.to_string()));
            return;
        }
        date_error.set(None);
        filter.update(|f| {
            f.from = from;
            f.to = to;
        });
    };
    let list_options = move |kind: ListKind, selected: fn(&DashboardFilter) -> Option<String>| {
        state.ws.with(|ws| {
            ws.settings
                .lists
                .get(kind)
                .iter()
                .map(|item| {
                    let id = item.id.clone();
                    let is = move || filter.with(|f| selected(f).as_deref() == Some(id.as_str()));
                    let label = if item.retired {
                        format!("{} (no longer offered)", item.label)
                    } else {
                        item.label.clone()
                    };
                    view! { <option value=item.id.clone() selected=is>{label}</option> }
                })
                .collect_view()
        })
    };
    let invalid = move || date_error.with(Option::is_some).then_some("true");
    let described = move || {
        date_error
            .with(Option::is_some)
            .then_some("dash-dates-error")
    };

    view! {
        <form class="filters dashboard-filters" aria-label="Filter the dashboard" on:submit=|e| e.prevent_default()>
            <div class="field">
                <label for="dash-from">"From"</label>
                <input id="dash-from" type="date" data-testid="dash-from" aria-invalid=invalid aria-describedby=described
                    prop:value=move || filter.with(|f| f.from.to_string())
                    on:change=move |e| set_date("from", event_target_value(&e))/>
            </div>
            <div class="field">
                <label for="dash-to">"To"</label>
                <input id="dash-to" type="date" data-testid="dash-to" aria-invalid=invalid aria-describedby=described
                    prop:value=move || filter.with(|f| f.to.to_string())
                    on:change=move |e| set_date("to", event_target_value(&e))/>
            </div>
            <div class="field">
                <label for="dash-practice">"Practice"</label>
                <select id="dash-practice" data-testid="dash-practice" on:change=move |e| {
                    let v = event_target_value(&e);
                    filter.update(|f| f.practice = v.parse().ok());
                }>
                    <option value="">"All practices"</option>
                    {move || state.ws.with(|ws| ws.settings.practices.iter().map(|p| {
                        let id = p.id;
                        view! { <option value=p.id.to_string() selected=move || filter.with(|f| f.practice == Some(id))>{p.name.clone()}</option> }
                    }).collect_view())}
                </select>
            </div>
            <div class="field">
                <label for="dash-role">"Referred by"</label>
                <select id="dash-role" data-testid="dash-role" on:change=move |e| {
                    let v = event_target_value(&e);
                    filter.update(|f| f.referrer_role = (!v.is_empty()).then_some(v));
                }>
                    <option value="">"Anyone"</option>
                    {move || list_options(ListKind::ReferrerRoles, |f| f.referrer_role.clone())}
                </select>
            </div>
            <div class="field">
                <label for="dash-reason">"Reason"</label>
                <select id="dash-reason" data-testid="dash-reason" on:change=move |e| {
                    let v = event_target_value(&e);
                    filter.update(|f| f.reason = (!v.is_empty()).then_some(v));
                }>
                    <option value="">"Any reason"</option>
                    {move || list_options(ListKind::Reasons, |f| f.reason.clone())}
                </select>
            </div>
            <div class="field">
                <label for="dash-step">"Caseload by"</label>
                <select id="dash-step" data-testid="dash-step" on:change=move |e| {
                    let week = event_target_value(&e) == "week";
                    filter.update(|f| f.granularity = if week { Granularity::Week } else { Granularity::Month });
                }>
                    <option value="month" selected=move || filter.with(|f| f.granularity == Granularity::Month)>"Month"</option>
                    <option value="week" selected=move || filter.with(|f| f.granularity == Granularity::Week)>"Week"</option>
                </select>
            </div>
            <div class="field field--action">
                <button type="button" class="button button--secondary" data-testid="dash-reset" on:click=move |_| {
                    date_error.set(None);
                    filter.set(DashboardFilter::last_year(today()));
                }>"Last 12 months, everyone"</button>
            </div>
            <div class="field--wide">
                <FieldError id="dash-dates-error".into() message=date_error/>
            </div>
        </form>
    }
}
