use leptos::prelude::*;

use crate::components::shell::demo_banner::DemoBanner;
use crate::route::Route;
use crate::state::{use_state, Session};

/// The site header: the name, the main navigation, the lock button and the
/// demo banner. Nothing but the name shows while locked.
#[component]
pub fn Header() -> impl IntoView {
    let state = use_state();
    let link = move |route: Route, label: &'static str, testid: &'static str| {
        let current = move || {
            let now = state.route.get();
            let here = now == route
                || (route == Route::Caseload && matches!(now, Route::Referral(_)))
                || (route == Route::Practices && matches!(now, Route::CheckIn(_)));
            here.then_some("page")
        };
        view! {
            <li>
                <a href=route.href() aria-current=current data-testid=testid>{label}</a>
            </li>
        }
    };
    let unlocked = move || {
        state
            .session
            .with(|s| !matches!(s, Session::Locked | Session::Manager))
    };
    let manager = move || state.session.with(|s| *s == Session::Manager);
    let who = move || match state.session.get() {
        Session::Open(meta) => Some(meta.name),
        _ => None,
    };
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href="#/">
                    <span class="brand__mark" aria-hidden="true">"L"</span>
                    <span class="brand__name">"Linkwork"</span>
                </a>
                <Show when=unlocked>
                    <nav aria-label="Main">
                        <ul class="nav">
                            {link(Route::Today, "Today", "nav-today")}
                            {link(Route::Caseload, "Caseload", "nav-caseload")}
                            {link(Route::Diary, "Diary", "nav-diary")}
                            {link(Route::Dashboard, "Dashboard", "nav-dashboard")}
                            {link(Route::NewReferral, "New referral", "nav-new")}
                            {link(Route::PracticeWork, "Practice work", "nav-work")}
                            {link(Route::Practices, "Practices", "nav-practices")}
                            {link(Route::Directory, "Directory", "nav-directory")}
                            {link(Route::Settings, "Settings", "nav-settings")}
                        </ul>
                    </nav>
                    <div class="session">
                        {move || who().map(|n| { let full = n.clone(); view! { <span class="session__name" title=full data-testid="workspace-name">{n}</span> } })}
                        <button type="button" class="button button--on-blue" on:click=move |_| state.lock()
                            title="Lock (Ctrl+Shift+L)" aria-keyshortcuts="Control+Shift+L" data-testid="lock">
                            "Lock"
                        </button>
                    </div>
                </Show>
                <Show when=manager>
                    <nav aria-label="Main">
                        <ul class="nav">{link(Route::Programme, "Programme", "nav-programme")}</ul>
                    </nav>
                    <div class="session">
                        <span class="session__name">"Manager view"</span>
                        <button type="button" class="button button--on-blue" on:click=move |_| state.lock()
                            data-testid="leave-manager">"Leave"</button>
                    </div>
                </Show>
            </div>
        </header>
        <DemoBanner/>
    }
}
