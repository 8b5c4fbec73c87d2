use leptos::ev;
use leptos::prelude::*;
use linkwork_core::exchange::oruk::{parse_csv_package, parse_json, CsvPackage};
use linkwork_core::views::words::count;

use crate::platform::{file_text, take_files};
use crate::state::use_state;

/// Reads the text of every chosen file.
async fn read_files(files: Vec<web_sys::File>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for file in files {
        let text = file_text(&file)
            .await
            .ok_or_else(|| format!("{} could not be read.", file.name()))?;
        out.push((file.name(), text));
    }
    Ok(out)
}

/// Imports an Open Referral UK directory: one JSON file, or the CSV package
/// (services.csv, organizations.csv and the other tables, chosen together).
#[component]
pub fn DirectoryImport() -> impl IntoView {
    let state = use_state();
    let message = RwSignal::new(None::<Result<String, String>>);
    let choose = move |e: ev::Event| {
        let files = take_files(&e);
        leptos::task::spawn_local(async move {
            let result = match read_files(files).await {
                Err(e) => Err(e),
                Ok(files) if files.is_empty() => return,
                Ok(files) => {
                    let json = files.iter().find(|(n, _)| {
                        n.to_lowercase().ends_with(".json")
                            && !n.eq_ignore_ascii_case("datapackage.json")
                    });
                    let parsed = match json {
                        Some((name, text)) if files.len() == 1 => {
                            parse_json(name, text).map(|services| CsvPackage {
                                services,
                                unread: Vec::new(),
                            })
                        }
                        _ => parse_csv_package(&files),
                    };
                    parsed.map_err(|e| e.to_string()).map(|package| {
                        let total = package.services.len();
                        let s = state.import_directory(package.services);
                        let unread = if package.unread.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " Not read: {} (not a table of an Open Referral UK package).",
                                package.unread.join(", ")
                            )
                        };
                        format!(
                            "Imported {}: {} added, {} updated.{unread}",
                            count(total, "service", "services"),
                            s.added,
                            s.updated
                        )
                    })
                }
            };
            message.set(Some(result));
        });
    };
    view! {
        <section class="panel" aria-labelledby="import-heading">
            <h2 id="import-heading">"Import from Open Referral UK"</h2>
            <p class="hint">
                "Choose a JSON file from an ORUK or HSDS 3 services endpoint, or all the CSV files of an ORUK or HSDS 3 package at once "
                "(services.csv, organizations.csv, phones.csv, …). Importing the same services again updates them: "
                "what the new file says replaces the old details, what it leaves out is kept, and your own notes and category stay."
            </p>
            <label for="directory-file">"Directory file or files"</label>
            <input id="directory-file" type="file" multiple accept=".json,.csv,application/json,text/csv"
                on:change=choose disabled=move || state.read_only() data-testid="directory-file"/>
            {move || message.get().map(|m| match m {
                Ok(t) => view! { <p class="notice" role="status" data-testid="import-result">{t}</p> }.into_any(),
                Err(e) => view! { <p class="field-error" role="alert" data-testid="import-error">{e}</p> }.into_any(),
            })}
        </section>
    }
}
