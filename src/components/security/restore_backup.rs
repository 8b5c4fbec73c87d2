use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;
use linkwork_core::store::vault_store::{
    open_backup, read_backup, Backup, OpenedBackup, WorkspaceMeta,
};
use linkwork_core::views::words::count;

use crate::platform::{file_text, show_date, take_files};
use crate::state::use_state;

/// Restores a backup file as a new workspace: the whole file is checked and
/// its contents shown before anything is written.
#[component]
pub fn RestoreBackup(
    /// The workspaces already in this browser (names must differ).
    workspaces: Vec<WorkspaceMeta>,
) -> impl IntoView {
    let state = use_state();
    let backup = RwSignal::new(None::<Backup>);
    let opened = RwSignal::new(None::<OpenedBackup>);
    let passphrase = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let existing = StoredValue::new(workspaces);

    let choose_file = move |e: ev::Event| {
        backup.set(None);
        opened.set(None);
        error.set(None);
        let Some(file) = take_files(&e).into_iter().next() else {
            return;
        };
        let file_name = file.name();
        leptos::task::spawn_local(async move {
            let text = file_text(&file).await;
            match text.map(|t| read_backup(&t)) {
                Some(Ok(b)) => {
                    let taken = existing
                        .with_value(|l| l.iter().any(|m| m.name.eq_ignore_ascii_case(&b.name)));
                    name.set(if taken {
                        format!("{} (restored)", b.name)
                    } else {
                        b.name.clone()
                    });
                    backup.set(Some(b));
                }
                Some(Err(e)) => error.set(Some(format!("{file_name}: {e}"))),
                None => error.set(Some(format!(
                    "{file_name} could not be read from the disk. Choose it again, or copy it to this computer first."
                ))),
            }
        });
    };
    let open = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let Some(b) = backup.get_untracked() else {
            return;
        };
        busy.set(true);
        set_timeout(
            move || {
                match open_backup(&b, &passphrase.get_untracked()) {
                    Ok(o) => {
                        opened.set(Some(o));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
                busy.set(false);
            },
            Duration::from_millis(30),
        );
    };
    let restore = move |_| {
        let Some(o) = opened.get_untracked() else {
            return;
        };
        busy.set(true);
        set_timeout(
            move || {
                let result = existing.with_value(|list| {
                    state.restore_backup(
                        &o,
                        &name.get_untracked(),
                        &passphrase.get_untracked(),
                        list,
                    )
                });
                busy.set(false);
                if let Err(e) = result {
                    error.set(Some(e.to_string()));
                }
            },
            Duration::from_millis(30),
        );
    };
    view! {
        <div class="form-plain" data-testid="restore">
            <div class="field">
                <label for="restore-file">"Backup file"</label>
                <p class="hint">"A file downloaded from Linkwork (linkwork-backup-….json)."</p>
                <input id="restore-file" type="file" accept=".json,application/json" on:change=choose_file data-testid="restore-file"/>
            </div>
            {move || backup.get().map(|b| view! {
                <p data-testid="restore-found">
                    {format!("Backup of \u{201c}{}\u{201d}, made {}.", b.name, show_date(b.created.date_naive()))}
                </p>
                <form on:submit=open>
                    <div class="field">
                        <label for="restore-pass">"The workspace's passphrase when the backup was made"</label>
                        <input id="restore-pass" type="password" autocomplete="current-password"
                            prop:value=move || passphrase.get() on:input=move |e| passphrase.set(event_target_value(&e))
                            data-testid="restore-pass"/>
                    </div>
                    <button type="submit" class="button button--secondary" disabled=move || busy.get() data-testid="restore-open">
                        "Check the backup"
                    </button>
                </form>
            })}
            {move || opened.get().map(|o| {
                let ws = &o.workspace;
                let summary = format!(
                    "It holds {}, {} and {}. Nothing has been changed yet.",
                    count(ws.settings.practices.len(), "practice", "practices"),
                    count(ws.people.len(), "person", "people"),
                    count(ws.referrals.len(), "referral", "referrals")
                );
                view! {
                    <p class="hint hint--info" data-testid="restore-summary">{summary}</p>
                    <div class="field">
                        <label for="restore-name">"Name for the restored workspace"</label>
                        <input autocomplete="off" id="restore-name" type="text" prop:value=move || name.get()
                            on:input=move |e| name.set(event_target_value(&e)) data-testid="restore-name"/>
                    </div>
                    <button type="button" class="button" on:click=restore disabled=move || busy.get() data-testid="restore-confirm">
                        "Restore as a new workspace"
                    </button>
                }
            })}
            {move || error.get().map(|e| view! { <p class="error-text" role="alert" data-testid="restore-error">{e}</p> })}
        </div>
    }
}
