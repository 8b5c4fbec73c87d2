use leptos::prelude::*;
use linkwork_core::ListKind;

use crate::components::outcomes::outcome_settings::OutcomeSettings;
use crate::components::practice_work::practice_editor::PracticeEditor;
use crate::components::practice_work::practice_work_settings::PracticeWorkSettings;
use crate::components::security::recovery_code::RecoveryCode;
use crate::components::security::security_settings::SecuritySettings;
use crate::components::settings::list_editor::ListEditor;
use crate::components::settings::retention_panel::RetentionPanel;
use crate::components::sync::sync_settings::SyncSettings;
use crate::state::{use_state, Session};

/// Workspace settings: practices and the configurable lists.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = use_state();
    let open = move || state.session.with(|s| matches!(s, Session::Open(_)));
    view! {
        <div class="page-head">
            <h1>"Settings"</h1>
            <p class="muted">"These apply to this workspace only."</p>
        </div>
        <PracticeEditor/>
        <section class="panel" aria-labelledby="lists-heading">
            <h2 id="lists-heading">"Lists"</h2>
            <p class="hint">
                "Rename an item and every record using it shows the new name. "
                "Hide an item to stop offering it; records that use it keep it."
            </p>
            {ListKind::ALL.map(|kind| view! { <ListEditor kind=kind/> }).collect_view()}
        </section>
        <OutcomeSettings/>
        <PracticeWorkSettings/>
        <RetentionPanel/>
        <Show when=open>
            <SecuritySettings/>
            <RecoveryCode/>
            <SyncSettings/>
        </Show>
    }
}
