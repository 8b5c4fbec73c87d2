use chrono::NaiveDate;
use leptos::ev;
use leptos::prelude::*;
use linkwork_core::views::summary::{
    complete_quarters, file_name, last_quarter, quarter_name, summarise, Summary, SummaryOptions,
};
use linkwork_core::views::tables;

use crate::components::common::data_table::DataTable;
use crate::platform::{download, now, today, BrowserIds};
use crate::state::use_state;

/// The anonymised summary for a manager: a period, a label, a preview of
/// exactly what will leave the workspace, and the download.
#[component]
pub fn SummaryExport() -> impl IntoView {
    let state = use_state();
    let (from0, to0) = last_quarter(today());
    // The last three years' complete quarters, newest first.
    let quarters = complete_quarters(today(), 12);
    let from = RwSignal::new(from0.to_string());
    let to = RwSignal::new(to0.to_string());
    let label = RwSignal::new(String::new());
    let quotes = RwSignal::new(false);
    let by_month = RwSignal::new(true);
    let pass = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let preview = RwSignal::new(None::<Summary>);
    let make = move || -> Result<Summary, String> {
        let (Ok(f), Ok(t)) = (
            from.get_untracked().parse::<NaiveDate>(),
            to.get_untracked().parse::<NaiveDate>(),
        ) else {
            return Err("Enter both dates of the period.".into());
        };
        if f > t {
            return Err("The first quarter must not come after the last one.".into());
        }
        if label.get_untracked().trim().is_empty() {
            return Err("Give the summary a label your manager will recognise, such as \"North PCN, link worker 2\" (not a patient's details).".into());
        }
        let options = SummaryOptions {
            include_quotes: quotes.get_untracked(),
            by_month: by_month.get_untracked(),
        };
        Ok(state
            .ws
            .with_untracked(|ws| summarise(ws, &label.get_untracked(), f, t, options, now())))
    };
    let show_preview = move |e: ev::SubmitEvent| {
        e.prevent_default();
        match make() {
            Ok(s) => {
                error.set(None);
                preview.set(Some(s));
            }
            Err(e) => {
                error.set(Some(e));
                preview.set(None);
            }
        }
    };
    let save = move |_| {
        let Some(s) = preview.get_untracked() else {
            return;
        };
        let p = pass.get_untracked();
        if p != confirm.get_untracked() {
            error.set(Some("The two passphrases are not the same.".into()));
            return;
        }
        let text = s.to_file((!p.is_empty()).then_some(p.as_str()), &mut BrowserIds);
        match download(&file_name(&s), &text) {
            Ok(()) => error.set(None),
            Err(e) => error.set(Some(e)),
        }
    };
    // Any change of the choices means the preview no longer shows the file.
    Effect::new(move |_| {
        from.track();
        to.track();
        label.track();
        quotes.track();
        by_month.track();
        preview.set(None);
    });

    view! {
        <section class="panel" aria-labelledby="summary-heading" data-testid="summary-export">
            <h2 id="summary-heading">"Anonymised summary for your manager"</h2>
            <p class="hint">"Counts by quarter and practice, with no references, notes or other free text. Every count is rounded to a multiple of 5, the same way in every file, and a group of fewer than 10 people is not broken down (by who referred, reason, age, outcome, …). So no one can be picked out, even from several files together. You see exactly what the file holds before you download it."</p>
            <form class="form-grid" novalidate on:submit=show_preview>
                <div class="field">
                    <label for="summary-from">"First quarter"</label>
                    <select id="summary-from" data-testid="summary-from" prop:value=move || from.get()
                        on:change=move |e| from.set(event_target_value(&e))>
                        {quarters.iter().map(|(f, _)| view! { <option value=f.to_string()>{quarter_name(*f)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="summary-to">"Last quarter"</label>
                    <select id="summary-to" data-testid="summary-to" prop:value=move || to.get()
                        on:change=move |e| to.set(event_target_value(&e))>
                        {quarters.iter().map(|(f, t)| view! { <option value=t.to_string()>{quarter_name(*f)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field field--wide">
                    <label for="summary-label">"Label (who and where, for your manager)"</label>
                    <input id="summary-label" type="text" autocomplete="off" data-testid="summary-label"
                        prop:value=move || label.get() on:input=move |e| label.set(event_target_value(&e))/>
                </div>
                <div class="field field--check">
                    <div class="checkbox">
                        <input type="checkbox" id="summary-quotes" data-testid="summary-quotes"
                            prop:checked=move || quotes.get() on:change=move |e| quotes.set(event_target_checked(&e))/>
                        <label for="summary-quotes">"Include quotes people agreed to share"</label>
                    </div>
                </div>
                <div class="field field--check">
                    <div class="checkbox">
                        <input type="checkbox" id="summary-by-month" data-testid="summary-by-month"
                            prop:checked=move || by_month.get() on:change=move |e| by_month.set(event_target_checked(&e))/>
                        <label for="summary-by-month">"Also give each month's totals (breakdowns are always for whole quarters)"</label>
                    </div>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button--secondary" data-testid="summary-preview">"Show what will be in it"</button>
                </div>
            </form>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="summary-error">{e}</p> })}
            {move || preview.get().map(|s| {
                let contents = tables::summary_contents(&s);
                view! {
                    <div class="summary-preview" data-testid="summary-preview-tables">
                        <h3>"What the file holds"</h3>
                        <p>{format!("“{}”, {} to {}: {} tables, {} quotes. Open each to see it as it will leave.",
                            s.label, s.from, s.to, contents.len(), s.quotes.len())}</p>
                        {contents.into_iter().map(|(name, table)| view! {
                            <details class="details">
                                <summary>{name.clone()}</summary>
                                <DataTable table=Signal::derive(move || table.clone()) caption=name testid="summary-group-table"/>
                            </details>
                        }).collect_view()}
                        {(!s.quotes.is_empty()).then(|| view! {
                            <h4>"Quotes"</h4>
                            <ul>{s.quotes.iter().map(|q| view! { <li>{q.clone()}</li> }).collect_view()}</ul>
                        })}
                        <div class="form-grid">
                            <div class="field">
                                <label for="summary-pass">"Passphrase (optional)"</label>
                                <input id="summary-pass" type="password" autocomplete="new-password" data-testid="summary-pass"
                                    prop:value=move || pass.get() on:input=move |e| pass.set(event_target_value(&e))/>
                            </div>
                            <div class="field">
                                <label for="summary-confirm">"Passphrase again"</label>
                                <input id="summary-confirm" type="password" autocomplete="new-password" data-testid="summary-confirm"
                                    prop:value=move || confirm.get() on:input=move |e| confirm.set(event_target_value(&e))/>
                            </div>
                        </div>
                        <button type="button" class="button" on:click=save data-testid="summary-download">"Download the summary"</button>
                    </div>
                }
            })}
        </section>
    }
}
