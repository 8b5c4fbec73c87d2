use leptos::prelude::*;
use linkwork_core::model::risk::RiskFlag;

/// A badge for each kind of open risk, in words from the workspace's list.
#[component]
pub fn RiskBadges(
    /// The open risks' flags.
    flags: Vec<RiskFlag>,
) -> impl IntoView {
    flags
        .into_iter()
        .map(|f| {
            view! {
                " "
                <span class="badge badge--risk" data-testid=format!("flag-{}", f.kind)>{f.label}</span>
            }
        })
        .collect_view()
}
