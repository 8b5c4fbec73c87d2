use leptos::prelude::*;

use crate::components::demo_banner::DemoBanner;
use crate::route::Route;
use crate::state::use_state;

/// The site header: the name, the main navigation and the demo banner.
#[component]
pub fn Header() -> impl IntoView {
    let state = use_state();
    let link = move |route: Route, label: &'static str, testid: &'static str| {
        let current = move || {
            let now = state.route.get();
            let here =
                now == route || (route == Route::Caseload && matches!(now, Route::Referral(_)));
            here.then_some("page")
        };
        view! {
            <li>
                <a href=route.href() aria-current=current data-testid=testid>{label}</a>
            </li>
        }
    };
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href="#/">
                    <span class="brand__mark" aria-hidden="true">"L"</span>
                    <span class="brand__name">"Linkwork"</span>
                </a>
                <nav aria-label="Main">
                    <ul class="nav">
                        {link(Route::Caseload, "Caseload", "nav-caseload")}
                        {link(Route::NewReferral, "New referral", "nav-new")}
                        {link(Route::Settings, "Settings", "nav-settings")}
                    </ul>
                </nav>
            </div>
        </header>
        <DemoBanner/>
    }
}
