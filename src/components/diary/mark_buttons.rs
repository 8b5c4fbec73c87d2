use leptos::prelude::*;
use linkwork_core::model::diary::AppointmentState;
use linkwork_core::work::diary::{
    missed_in_a_row, AppointmentDraft, AppointmentId, TaskDraft, TaskOwner, MISSED_BEFORE_CLOSING,
};
use linkwork_core::{Choice, ContactOutcome, ReferralId, Transition};

use crate::components::diary::booking_form::BookingForm;
use crate::platform::{show_date, today};
use crate::state::use_state;

/// The words for what became of an appointment.
pub fn state_words(state: AppointmentState) -> &'static str {
    match state {
        AppointmentState::Booked => "Booked",
        AppointmentState::Marked(o) => o.label(),
    }
}

/// One click or key to say what became of an appointment: attended, did not attend, or
/// cancelled. Each records the contact. After a missed one, the usual next steps are
/// offered: book again, send a letter, or (after three missed in a row) close.
#[component]
pub fn MarkButtons(
    referral: ReferralId,
    appointment: AppointmentId,
    /// Names the appointment for screen readers ("RV-0412 at 10:00").
    #[prop(into)]
    what: String,
) -> impl IntoView {
    let state = use_state();
    let error = RwSignal::new(None::<String>);
    let again = RwSignal::new(None::<RwSignal<AppointmentDraft>>);
    let followed = RwSignal::new(None::<String>);
    let current = move || {
        state.ws.with(|ws| {
            let r = ws.referrals.get(&referral)?;
            let a = r.appointments.iter().find(|a| a.id == appointment)?;
            // A missed appointment offers its next steps while it is the latest news: no
            // contact since, and nothing booked after it.
            let latest = r.contacts.last().map(|c| c.id) == a.contact
                && !r
                    .appointments
                    .iter()
                    .any(|b| b.contact.is_none() && (b.date, b.start) > (a.date, a.start));
            Some((
                r.appointment_state(a),
                a.date,
                missed_in_a_row(r),
                r.status.is_open() && latest,
            ))
        })
    };
    let mark = move |outcome: ContactOutcome| {
        error.set(None);
        match state.mark_appointment(referral, appointment, outcome) {
            // The line is drawn again: keep the keyboard where it was, on what happened.
            Ok(_) => set_timeout(
                move || {
                    // Where the line is gone (a referral's list of bookings), the section.
                    let id = format!("marked-{referral}-{appointment}");
                    let el = document()
                        .get_element_by_id(&id)
                        .or_else(|| document().get_element_by_id("sec-contacts-heading"));
                    if let Some(el) = el {
                        if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                            let _ = el.focus();
                        }
                    }
                },
                std::time::Duration::ZERO,
            ),
            Err(e) => error.set(e.first().map(ToString::to_string)),
        }
    };
    let book_again = move |_| {
        let draft = state.ws.with_untracked(|ws| {
            ws.referrals
                .get(&referral)
                .and_then(|r| r.appointments.iter().find(|a| a.id == appointment))
                .map(|a| AppointmentDraft::again(a, today()))
        });
        again.set(draft.map(RwSignal::new));
    };
    let send_letter = move |_| {
        let date = current().map(|c| show_date(c.1)).unwrap_or_default();
        let task = TaskDraft {
            text: format!("Send a letter after the missed appointment on {date}"),
            due: today().format("%Y-%m-%d").to_string(),
        };
        match state.add_task(TaskOwner::Referral(referral), &task) {
            Ok(_) => followed.set(Some(
                "A task to send a letter is on the list for today.".into(),
            )),
            Err(e) => error.set(e.first().map(ToString::to_string)),
        }
    };
    let close = move |_| {
        let transition = Transition::Close {
            reason: "no_contact".into(),
        };
        match state.change_status(
            referral,
            transition,
            &today().format("%Y-%m-%d").to_string(),
        ) {
            Ok(()) => followed.set(Some("Closed: unable to contact.".into())),
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let label = move |verb: &str| format!("{verb}: {what}");
    view! {
        <div class="marks" data-testid="marks">
            {move || current().map(|(st, date, in_a_row, offer)| {
                if st == AppointmentState::Booked {
                    let ahead = date > today();
                    view! {
                        <div class="marks__buttons" role="group" aria-label=label("Record")>
                            <button type="button" class="button button--small" disabled=move || ahead || state.read_only()
                                aria-label=label("Attended") on:click=move |_| mark(ContactOutcome::Attended)
                                data-testid="mark-attended">"Attended"</button>
                            <button type="button" class="button button--small button--secondary" disabled=move || ahead || state.read_only()
                                aria-label=label("Did not attend") on:click=move |_| mark(ContactOutcome::DidNotAttend)
                                data-testid="mark-dna">"Did not attend"</button>
                            <button type="button" class="button button--small button--secondary" disabled=move || state.read_only()
                                aria-label=label("Cancelled by the person") on:click=move |_| mark(ContactOutcome::CancelledByPerson)
                                data-testid="mark-cancelled">"Cancelled"</button>
                        </div>
                    }.into_any()
                } else {
                    let missed_now = offer && st == AppointmentState::Marked(ContactOutcome::DidNotAttend);
                    view! {
                        <span class=format!("appointment-state appointment-state--{}", match st { AppointmentState::Marked(o) => o.code(), AppointmentState::Booked => "booked" })
                            id=format!("marked-{referral}-{appointment}") tabindex="-1"
                            data-testid="appointment-state">{state_words(st)}</span>
                        {missed_now.then(|| view! {
                            <div class="marks__next" role="group" aria-label="Next step after a missed appointment" data-testid="dna-next">
                                <span>"Next step: "</span>
                                <button type="button" class="button button--small button--secondary" disabled=move || state.read_only() on:click=book_again data-testid="dna-book-again">"Book again"</button>
                                <button type="button" class="button button--small button--secondary" disabled=move || state.read_only() on:click=send_letter data-testid="dna-letter">"Send a letter"</button>
                                {(in_a_row >= MISSED_BEFORE_CLOSING).then(|| view! {
                                    <button type="button" class="button button--small button--secondary" disabled=move || state.read_only() on:click=close data-testid="dna-close">
                                        {format!("Close after {in_a_row} missed")}
                                    </button>
                                })}
                            </div>
                        })}
                    }.into_any()
                }
            })}
            {move || followed.get().map(|f| view! { <p class="hint hint--info" role="status">{f}</p> })}
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            {move || again.get().map(|draft| view! {
                <BookingForm referral=referral draft=draft id_prefix=format!("again-{}-{}", referral, appointment) autofocus=true
                    on_booked=Callback::new(move |_| again.set(None))/>
            })}
        </div>
    }
}
