use leptos::prelude::*;
use linkwork_core::{highlights, Choice, ReferralId};

use crate::components::outcomes::outcomes_panel::OutcomesPanel;
use crate::components::referral::connections_panel::ConnectionsPanel;
use crate::components::referral::contact_form::ContactForm;
use crate::components::referral::feedback_form::FeedbackForm;
use crate::components::referral::flags::Flags;
use crate::components::referral::message_panel::MessagePanel;
use crate::components::referral::status_actions::StatusActions;
use crate::components::referral::timeline::Timeline;
use crate::platform::{show_date, today};
use crate::state::use_state;

/// Where a referral is: status, engagement, risks and next step, the status
/// changes open to it, quick-add of a contact, and its timeline.
#[component]
pub fn JourneyPanel(
    /// The referral.
    referral: ReferralId,
) -> impl IntoView {
    let state = use_state();
    let summary = move || {
        state.ws.with(|ws| {
            let r = ws.referrals.get(&referral)?;
            Some((
                r.status,
                r.attended_count(),
                highlights(r, &ws.settings, today()),
                r.next_step.clone(),
                r.outcome_note.clone(),
                r.closure.as_ref().map(|c| {
                    (
                        c.date,
                        ws.settings
                            .lists
                            .label(linkwork_core::ListKind::ClosureReasons, &c.reason)
                            .to_owned(),
                    )
                }),
            ))
        })
    };
    view! {
        <section class="panel journey" aria-labelledby="journey-heading" data-testid="journey">
            <h2 id="journey-heading" class="visually-hidden">"Journey"</h2>
            {move || summary().map(|(status, seen, flags, next, note, closure)| view! {
                <div class="journey__summary">
                    <span class=format!("status status--{}", status.code()) data-testid="journey-status">{status.label()}</span>
                    <span data-testid="seen-count">{format!("Seen {seen} time{}", if seen == 1 { "" } else { "s" })}</span>
                    {(seen >= 3).then(|| view! { <span class="badge badge--good" data-testid="seen-three">"Seen 3+ times"</span> })}
                    <Flags highlights=flags/>
                </div>
                {next.map(|n| view! { <p class="journey__next">"Next step: " <strong>{n.text}</strong> {format!(" (due {})", show_date(n.due))}</p> })}
                {(!note.is_empty()).then(|| view! { <p class="journey__note" data-testid="outcome-note">{note}</p> })}
                {closure.map(|(d, reason)| view! { <p data-testid="closure">{format!("Closed {}: {reason}.", show_date(d))}</p> })}
            })}
            <StatusActions referral=referral/>
            <Show when=move || summary().is_some_and(|s| s.0.is_open())>
                <h3>"Add a contact"</h3>
                <ContactForm referral=referral id_prefix="contact"/>
            </Show>
            <h3>"Connections"</h3>
            <ConnectionsPanel referral=referral/>
            <h3>"Timeline"</h3>
            <Timeline referral=referral/>
        </section>
        <section class="panel" aria-labelledby="outcomes-heading">
            <h2 id="outcomes-heading">"Outcomes"</h2>
            <p class="hint">"Any questionnaire can be recorded as declined or not appropriate now: that is data, not a gap."</p>
            <OutcomesPanel referral=referral/>
        </section>
        <section class="panel" aria-labelledby="feedback-heading">
            <h2 id="feedback-heading">"Feedback"</h2>
            <FeedbackForm referral=referral/>
        </section>
        <section class="panel print-area" aria-labelledby="message-heading">
            <h2 id="message-heading">"Message back to the referrer"</h2>
            <MessagePanel referral=referral/>
        </section>
    }
}
