use leptos::prelude::*;

use crate::components::security::backup_button::BackupButton;
use crate::platform::now;
use crate::state::{use_state, Session};

/// Reminds the owner of a workspace to download a backup when the last one
/// is older than their chosen number of days (or there is none yet).
#[component]
pub fn BackupReminder() -> impl IntoView {
    let state = use_state();
    let message = move || {
        let Session::Open(meta) = state.session.get() else {
            return None;
        };
        let days = state.ws.with(|ws| ws.settings.backup_reminder_days);
        if days == 0 || state.ws.with(|ws| ws.referrals.is_empty()) {
            return None;
        }
        match meta.last_backup {
            None => Some("You have not downloaded a backup of this workspace yet.".to_owned()),
            Some(at) => {
                let age = (now() - at).num_days();
                (age >= i64::from(days)).then(|| {
                    format!(
                        "Your last backup was {} ago.",
                        linkwork_core::views::words::count(
                            usize::try_from(age).unwrap_or(0),
                            "day",
                            "days"
                        )
                    )
                })
            }
        }
    };
    view! {
        {move || {
            message()
                .map(|m| {
                    view! {
                        <div class="banner" data-testid="backup-reminder">
                            <p>
                                {m}
                                " A forgotten passphrase or a cleared browser cannot be undone; a backup file can bring everything back."
                            </p>
                            <BackupButton/>
                        </div>
                    }
                })
        }}
    }
}
