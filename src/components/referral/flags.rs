use leptos::prelude::*;
use linkwork_core::Highlights;

use crate::components::referral::risk_badges::RiskBadges;

/// Badges for what needs attention: risks first, then overdue and waiting.
/// Each says what it means in words, never by colour alone.
#[component]
pub fn Flags(
    /// What to show.
    highlights: Highlights,
) -> impl IntoView {
    let h = highlights;
    view! {
        <span class="flags">
            <RiskBadges flags=h.risks/>
            {h.overdue_next_step.then(|| view! { <span class="badge badge--warn" data-testid="flag-overdue">"Task overdue"</span> })}
            {h.long_wait.then(|| view! { <span class="badge badge--warn" data-testid="flag-waiting">"Waiting too long"</span> })}
            {h.no_recent_contact.then(|| view! { <span class="badge badge--warn" data-testid="flag-no-contact">"No recent contact"</span> })}
        </span>
    }
}
