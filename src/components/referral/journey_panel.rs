use leptos::ev;
use leptos::prelude::*;
use linkwork_core::work::diary::{AppointmentDraft, NoteDraft, TaskDraft, TaskOwner};
use linkwork_core::work::plan::ActionDraft;
use linkwork_core::work::risk::RiskDraft;
use linkwork_core::{highlights, Choice, ContactDraft, ReferralId};

use crate::components::diary::booking_form::BookingForm;
use crate::components::diary::tasks_panel::TasksPanel;
use crate::components::outcomes::outcomes_panel::OutcomesPanel;
use crate::components::referral::appointments_panel::AppointmentsPanel;
use crate::components::referral::connections_panel::ConnectionsPanel;
use crate::components::referral::consent_panel::ConsentPanel;
use crate::components::referral::contact_form::ContactForm;
use crate::components::referral::feedback_form::FeedbackForm;
use crate::components::referral::flags::Flags;
use crate::components::referral::gp_record_panel::GpRecordPanel;
use crate::components::referral::message_panel::MessagePanel;
use crate::components::referral::note_form::NoteForm;
use crate::components::referral::plan_panel::PlanPanel;
use crate::components::referral::risk_log::RiskLog;
use crate::components::referral::status_actions::StatusActions;
use crate::components::referral::timeline::Timeline;
use crate::platform::{show_date, today};
use crate::state::use_state;

/// The sections of a referral page: (element id, menu words). Alt+Shift and the section's
/// number moves to it.
pub const SECTIONS: [(&str, &str); 9] = [
    ("sec-contacts", "Contacts and appointments"),
    ("sec-tasks", "Tasks"),
    ("sec-risks", "Risks"),
    ("sec-consent", "Consent"),
    ("sec-plan", "Plan"),
    ("sec-connections", "Connections"),
    ("sec-outcomes", "Outcomes"),
    ("sec-feedback", "Feedback, message back and GP record"),
    ("sec-details", "Details"),
];

/// The keys that move to a section, by its element id ("Alt+Shift+7").
pub fn shortcut(section: &str) -> String {
    let n = SECTIONS
        .iter()
        .position(|(id, _)| *id == section)
        .unwrap_or(0)
        + 1;
    format!("Alt+Shift+{n}")
}

/// The half-filled forms of a referral page's sections, held by the page so that moving
/// between sections never loses them and a lock keeps them.
#[derive(Clone, Copy)]
pub struct SectionDrafts {
    pub contact: RwSignal<ContactDraft>,
    pub booking: RwSignal<AppointmentDraft>,
    pub task: RwSignal<TaskDraft>,
    pub note: RwSignal<NoteDraft>,
    pub risk: RwSignal<RiskDraft>,
    pub action: RwSignal<ActionDraft>,
}

/// Moves to a section: scrolls its heading into view and gives it focus.
fn go_to(section: usize) {
    let Some((id, _)) = SECTIONS.get(section) else {
        return;
    };
    let heading = format!("{id}-heading");
    if let Some(el) = document().get_element_by_id(&heading) {
        el.scroll_into_view();
        if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
            let _ = el.focus();
        }
    }
}

/// What a link worker needs of a referral at a glance (reference, status, risks, the next
/// appointment, open tasks), the in-page menu with its shortcuts, and the sections of the
/// work: contacts and appointments, tasks, connections, outcomes, feedback and the message
/// back. The page adds the details form as the last section.
#[component]
pub fn JourneyPanel(
    /// The referral.
    referral: ReferralId,
    /// The sections' half-filled forms.
    drafts: SectionDrafts,
) -> impl IntoView {
    let state = use_state();
    let summary = move || {
        state.ws.with(|ws| {
            let r = ws.referrals.get(&referral)?;
            let today = today();
            let next = r.next_appointment(today).map(|a| {
                format!(
                    "{} at {}, {}{}",
                    show_date(a.date),
                    a.start.format("%H:%M"),
                    ws.settings
                        .lists
                        .label(linkwork_core::ListKind::ContactModes, &a.mode),
                    if a.place.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", a.place)
                    }
                )
            });
            let open_tasks = r.open_tasks().count();
            let overdue = r.open_tasks().filter(|t| t.overdue(today)).count();
            Some((
                r.status,
                r.attended_count(),
                highlights(r, &ws.settings, today),
                next,
                (open_tasks, overdue),
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
                (r.needs_consent_prompt(), r.support_withdrawn()),
            ))
        })
    };
    // Alt+Shift and a section's number: to that section. Letters are left alone for screen readers' own keys,
    // and Alt+Shift with a digit is used by neither Chromium, Firefox, NVDA nor JAWS.
    let keys = window_event_listener(ev::keydown, move |e: ev::KeyboardEvent| {
        if !(e.alt_key() && e.shift_key()) || e.ctrl_key() || e.meta_key() {
            return;
        }
        let code = e.code();
        if let Some(n) = code
            .strip_prefix("Digit")
            .and_then(|d| d.parse::<usize>().ok())
        {
            if (1..=SECTIONS.len()).contains(&n) {
                e.prevent_default();
                go_to(n - 1);
            }
        }
    });
    on_cleanup(move || keys.remove());
    let open = move || summary().is_some_and(|s| s.0.is_open());
    view! {
        <section class="panel journey" aria-labelledby="journey-heading" data-testid="journey">
            <h2 id="journey-heading" class="visually-hidden">"At a glance"</h2>
            {move || summary().map(|(status, seen, flags, next, (tasks, overdue), note, closure, (prompt, withdrawn))| view! {
                <div class="journey__summary">
                    <span class=format!("status status--{}", status.code()) data-testid="journey-status">{status.label()}</span>
                    <span data-testid="seen-count">{format!("Seen {seen} time{}", if seen == 1 { "" } else { "s" })}</span>
                    {(seen >= 3).then(|| view! { <span class="badge badge--good" data-testid="seen-three">"Seen 3+ times"</span> })}
                    <Flags highlights=flags/>
                </div>
                <dl class="glance">
                    <div>
                        <dt>"Next appointment"</dt>
                        <dd data-testid="glance-next">{next.unwrap_or_else(|| "None booked".into())}</dd>
                    </div>
                    <div>
                        <dt>"Open tasks"</dt>
                        <dd data-testid="glance-tasks">{match (tasks, overdue) {
                            (0, _) => "None".to_owned(),
                            (n, 0) => n.to_string(),
                            (n, o) => format!("{n}, {o} overdue"),
                        }}</dd>
                    </div>
                </dl>
                {(!note.is_empty()).then(|| view! { <p class="journey__note" data-testid="outcome-note">{note}</p> })}
                {closure.map(|(d, reason)| view! { <p data-testid="closure">{format!("Closed {}: {reason}.", show_date(d))}</p> })}
                {prompt.then(|| view! {
                    <p class="notice notice--gentle" data-testid="consent-prompt">
                        "Consent to support isn't recorded yet. "
                        <a href="#sec-consent" on:click=move |e| {
                            e.prevent_default();
                            go_to(SECTIONS.iter().position(|(id, _)| *id == "sec-consent").unwrap_or(0));
                        }>"Record it under Consent"</a>
                        " when you next speak."
                    </p>
                })}
                {withdrawn.then(|| view! {
                    <p class="notice notice--warn" data-testid="support-withdrawn">"The person has withdrawn consent to be supported. Record only what you must, and close the episode."</p>
                })}
            })}
            <nav class="section-menu" aria-label="Sections of this referral" data-testid="section-menu">
                <ol>
                    {SECTIONS.iter().enumerate().map(|(i, (id, words))| view! {
                        <li>
                            <a href=format!("#{id}") aria-keyshortcuts=shortcut(id)
                                on:click=move |e| { e.prevent_default(); go_to(i); }>
                                {*words}<kbd class="section-menu__key" aria-hidden="true">{shortcut(id)}</kbd>
                            </a>
                        </li>
                    }).collect_view()}
                </ol>
            </nav>
        </section>
        <section class="panel" aria-labelledby="sec-contacts-heading" id="sec-contacts">
            <h2 id="sec-contacts-heading" tabindex="-1">"Contacts and appointments"</h2>
            <StatusActions referral=referral/>
            <h3>"Booked"</h3>
            <AppointmentsPanel referral=referral/>
            <Show when=open>
                <h3>"Book an appointment"</h3>
                <BookingForm referral=referral draft=drafts.booking id_prefix="booking"/>
                <h3>"Add a contact"</h3>
                <ContactForm referral=referral id_prefix="contact" draft=drafts.contact/>
            </Show>
            <h3>"Add a note"</h3>
            <NoteForm referral=referral draft=drafts.note/>
            <h3>"Timeline"</h3>
            <Timeline referral=referral/>
        </section>
        <section class="panel" aria-labelledby="sec-tasks-heading" id="sec-tasks">
            <h2 id="sec-tasks-heading" tabindex="-1">"Tasks"</h2>
            <TasksPanel owner=TaskOwner::Referral(referral) draft=drafts.task id_prefix="referral-tasks"/>
        </section>
        <section class="panel" aria-labelledby="sec-risks-heading" id="sec-risks">
            <h2 id="sec-risks-heading" tabindex="-1">"Risks and safeguarding"</h2>
            <RiskLog referral=referral draft=drafts.risk/>
        </section>
        <section class="panel" aria-labelledby="sec-consent-heading" id="sec-consent">
            <h2 id="sec-consent-heading" tabindex="-1">"Consent"</h2>
            <ConsentPanel referral=referral/>
        </section>
        <section class="panel" aria-labelledby="sec-plan-heading" id="sec-plan">
            <h2 id="sec-plan-heading" tabindex="-1">"The person's plan"</h2>
            <PlanPanel referral=referral draft=drafts.action/>
        </section>
        <section class="panel" aria-labelledby="sec-connections-heading" id="sec-connections">
            <h2 id="sec-connections-heading" tabindex="-1">"Connections"</h2>
            <ConnectionsPanel referral=referral/>
        </section>
        <section class="panel" aria-labelledby="sec-outcomes-heading" id="sec-outcomes">
            <h2 id="sec-outcomes-heading" tabindex="-1">"Outcomes"</h2>
            <p class="hint">"Any questionnaire can be recorded as declined or not appropriate now: that is data, not a gap."</p>
            <OutcomesPanel referral=referral/>
        </section>
        <section class="panel" aria-labelledby="sec-feedback-heading" id="sec-feedback">
            <h2 id="sec-feedback-heading" tabindex="-1">"Feedback, message back and GP record"</h2>
            <FeedbackForm referral=referral/>
            <div class="print-area">
                <h3 id="message-heading">"Message back to the referrer"</h3>
                <MessagePanel referral=referral/>
            </div>
            <h3>"GP record entry"</h3>
            <GpRecordPanel referral=referral/>
        </section>
    }
}
