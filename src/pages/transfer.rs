//! Spreadsheets in and out: import an existing caseload from CSV, export
//! the caseload and contacts for Excel, and the templates.

use leptos::ev;
use leptos::prelude::*;
use linkwork_core::exchange::spreadsheet::{
    contacts_template, export_contacts, export_referrals, export_tasks, referrals_template,
    CsvFile, ImportPlan,
};
use wasm_bindgen::JsCast;

use crate::components::transfer::summary_export::SummaryExport;
use crate::platform::{download, file_text, today};
use crate::route::Route;
use crate::state::{use_state, Notice};

/// The file chosen in an input, if any, with its name.
async fn chosen_file(input: Option<web_sys::HtmlInputElement>) -> Option<CsvFile> {
    let file = input?.files()?.get(0)?;
    let text = file_text(&file).await?;
    Some(CsvFile::new(file.name(), text))
}

fn input_by_id(id: &str) -> Option<web_sys::HtmlInputElement> {
    document().get_element_by_id(id)?.dyn_into().ok()
}

/// "1 referral", "2 referrals" (every noun here takes an s).
fn plural(n: usize, word: &str) -> String {
    linkwork_core::views::words::count(n, word, &format!("{word}s"))
}

/// Import from and export to spreadsheets.
#[component]
pub fn TransferPage() -> impl IntoView {
    let state = use_state();
    let plan = RwSignal::new(None::<ImportPlan>);
    let error = RwSignal::new(None::<String>);
    let save = move |name: &str, text: String| {
        if let Err(e) = download(name, &text) {
            error.set(Some(e));
        }
    };
    let day = today().format("%Y-%m-%d").to_string();
    let (d1, d2, d3) = (day.clone(), day.clone(), day);
    let check = move |e: ev::SubmitEvent| {
        e.prevent_default();
        plan.set(None);
        leptos::task::spawn_local(async move {
            let Some(referrals) = chosen_file(input_by_id("import-referrals")).await else {
                error.set(Some("Choose the referrals file first.".into()));
                return;
            };
            let contacts = chosen_file(input_by_id("import-contacts")).await;
            error.set(None);
            plan.set(Some(state.plan_import(referrals, contacts)));
        });
    };
    let apply = move |only_valid: bool| {
        let Some(p) = plan.get_untracked() else {
            return;
        };
        match state.apply_import(&p, only_valid) {
            Ok(a) => {
                plan.set(None);
                state.notice.set(Some(Notice {
                    text: format!(
                        "Imported {} and {}{}.",
                        plural(a.referrals, "referral"),
                        plural(a.contacts, "contact"),
                        if a.skipped > 0 {
                            format!("; {} with problems left out", plural(a.skipped, "row"))
                        } else {
                            String::new()
                        }
                    ),
                    on: Route::Caseload,
                }));
                crate::route::go(Route::Caseload);
            }
            Err(refused) => {
                if refused == linkwork_core::exchange::spreadsheet::ImportRefused::Changed {
                    plan.set(None);
                }
                error.set(Some(refused.to_string()));
            }
        }
    };
    view! {
        <div class="page-head">
            <h1>"Import and export"</h1>
            <p class="muted">"Bring an existing caseload in from a spreadsheet, or take it out to Excel."</p>
        </div>
        <section class="panel" aria-labelledby="export-heading">
            <h2 id="export-heading">"Export to a spreadsheet"</h2>
            <p class="warning-text">"Exported files are not encrypted. They hold references, dates and notes: keep them on a secure drive and delete them when done."</p>
            <div class="button-row">
                <button type="button" class="button button--secondary" data-testid="export-referrals"
                    on:click=move |_| save(&format!("linkwork-caseload-{d1}.csv"), state.ws.with_untracked(export_referrals))>"Download caseload (CSV)"</button>
                <button type="button" class="button button--secondary" data-testid="export-contacts"
                    on:click=move |_| save(&format!("linkwork-contacts-{d2}.csv"), state.ws.with_untracked(export_contacts))>"Download contacts (CSV)"</button>
                <button type="button" class="button button--secondary" data-testid="export-tasks"
                    on:click=move |_| save(&format!("linkwork-tasks-{d3}.csv"), state.ws.with_untracked(export_tasks))>"Download tasks (CSV)"</button>
            </div>
        </section>
        <section class="panel" aria-labelledby="import-csv-heading">
            <h2 id="import-csv-heading">"Import from a spreadsheet"</h2>
            <p>
                "Save your spreadsheet as CSV with the template's columns (see the README for every column). "
                "Practices must be added in Settings first; reasons, roles and modes can be written as they appear in the lists. "
                "Every row is checked before anything changes, and importing the same file again adds nothing new."
            </p>
            <div class="button-row">
                <button type="button" class="button button--link" data-testid="template-referrals"
                    on:click=move |_| save("linkwork-referrals-template.csv", referrals_template())>"Referrals template"</button>
                <button type="button" class="button button--link" data-testid="template-contacts"
                    on:click=move |_| save("linkwork-contacts-template.csv", contacts_template())>"Contacts template"</button>
            </div>
            <form class="form-plain" on:submit=check>
                <div class="field">
                    <label for="import-referrals">"Referrals file (CSV)"</label>
                    <input id="import-referrals" type="file" accept=".csv,text/csv" data-testid="import-referrals"/>
                </div>
                <div class="field">
                    <label for="import-contacts">"Contacts file (CSV, optional)"</label>
                    <input id="import-contacts" type="file" accept=".csv,text/csv" data-testid="import-contacts"/>
                </div>
                <button type="submit" class="button button--secondary" disabled=move || state.read_only() data-testid="import-check">"Check the files"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="import-csv-error">{e}</p> })}
            {move || plan.get().map(|p| {
                let (referrals, contacts) = p.counts();
                let bad = p.bad_rows();
                let errors = p.errors.clone();
                view! {
                    <div class="import-plan" data-testid="import-plan">
                        <p data-testid="import-summary">
                            {format!(
                                "{} and {} to add; {} already in Linkwork.",
                                plural(referrals, "referral"),
                                plural(contacts, "contact"),
                                plural(p.already_there, "row")
                            )}
                        </p>
                        {(!errors.is_empty()).then(|| view! {
                            <p class="field-error" role="alert">{format!("{} in {}. Nothing has been imported yet: put the rows right and check again, or import only the valid rows.", plural(errors.len(), "problem"), plural(bad, "row"))}</p>
                            <div class="table-wrap">
                                <table class="table" data-testid="import-errors">
                                    <caption class="visually-hidden">"Problems found, by row and column"</caption>
                                    <thead><tr><th scope="col">"File"</th><th scope="col">"Row"</th><th scope="col">"Column"</th><th scope="col">"Problem"</th></tr></thead>
                                    <tbody>
                                        {errors.into_iter().map(|e| view! {
                                            <tr><td>{e.file}</td><td class="num">{e.row}</td><td>{e.column}</td><td>{e.message}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })}
                        <div class="button-row">
                            <button type="button" class="button" disabled=move || { bad > 0 || state.read_only() }
                                on:click=move |_| apply(false) data-testid="import-apply">"Import"</button>
                            {(bad > 0).then(|| view! {
                                <button type="button" class="button button--secondary" disabled=move || state.read_only()
                                    on:click=move |_| apply(true) data-testid="import-valid-only">
                                    {format!("Import only the valid rows ({} left out)", plural(bad, "row"))}
                                </button>
                            })}
                        </div>
                    </div>
                }
            })}
        </section>
        <SummaryExport/>
    }
}
