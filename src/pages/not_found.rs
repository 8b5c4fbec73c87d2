use leptos::prelude::*;

/// Shown for an address Linkwork does not know.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <h1>"Page not found"</h1>
        <p>"If you typed the address, check it is correct."</p>
        <p><a href="#/">"Go to the caseload"</a></p>
    }
}
