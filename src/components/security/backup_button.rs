use leptos::prelude::*;

use crate::platform::{download, today};
use crate::state::use_state;

/// Downloads an encrypted backup of the open workspace in one click.
#[component]
pub fn BackupButton() -> impl IntoView {
    let state = use_state();
    let error = RwSignal::new(None::<String>);
    let run = move |_| {
        let Some(file) = state.backup_file() else {
            return;
        };
        // The file name carries no names: only the date.
        let name = format!("linkwork-backup-{}.json", today().format("%Y-%m-%d"));
        let result =
            download(&name, &file).and_then(|()| state.mark_backed_up().map_err(|e| e.to_string()));
        error.set(result.err());
    };
    view! {
        <button type="button" class="button button--secondary" on:click=run data-testid="download-backup">
            "Download a backup"
        </button>
        {move || error.get().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
    }
}
