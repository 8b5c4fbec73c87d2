use leptos::prelude::*;
use linkwork_core::store::vault_store::show_code;

/// The "set up another PC" sheet, shown once when sync is switched on: the server, the
/// database, the user name and the sync secret, to print and keep safe. The password and
/// the passphrase are not on it.
#[component]
pub fn SetupSheet(
    /// The server's address.
    address: String,
    /// The database name.
    database: String,
    /// The user name.
    user: String,
    /// The sync secret.
    secret: String,
    /// Called when the person has kept the sheet.
    on_done: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="setup-sheet" data-testid="setup-sheet" role="region" aria-labelledby="sheet-heading">
            <h3 id="sheet-heading">"Set up another PC"</h3>
            <p>"Print this sheet, or write it down, and keep it as safely as a door key. It is shown only now."</p>
            <p>"On another PC, open Linkwork, choose \u{201c}Set up this PC from a sync sheet\u{201d} on the lock screen, and enter:"</p>
            <dl class="sheet-list">
                <dt>"Server address"</dt><dd data-testid="sheet-address">{address}</dd>
                <dt>"Database"</dt><dd data-testid="sheet-database">{database}</dd>
                <dt>"User name"</dt><dd data-testid="sheet-user">{user}</dd>
                <dt>"Sync secret"</dt><dd class="code" data-testid="sheet-secret">{show_code(&secret)}</dd>
            </dl>
            <p>"With your password and this workspace's passphrase. Without the sync secret, the server's copy cannot be opened, even with the passphrase."</p>
            <div class="button-row no-print">
                <button type="button" class="button button--secondary" on:click=move |_| { let _ = window().print(); }>"Print this sheet"</button>
                <button type="button" class="button" on:click=move |_| on_done.run(()) data-testid="sheet-done">"I have kept it"</button>
            </div>
        </div>
    }
}
