use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use linkwork_core::model::lists::ListKind;
use linkwork_core::work::diary::{
    message_for, AppointmentDraft, Booked, DiaryError, DiaryField, MAX_PLACE_LEN,
};
use linkwork_core::work::reference::check_place;
use linkwork_core::ReferralId;

use crate::platform::show_date;
use crate::state::use_state;

/// What a booking clashed with, in words.
pub fn clash_words(booked: &Booked) -> Option<String> {
    if booked.clashes.is_empty() {
        return None;
    }
    let list: Vec<String> = booked
        .clashes
        .iter()
        .map(|c| {
            format!(
                "{} at {} ({} minutes)",
                c.reference,
                c.start.format("%H:%M"),
                c.minutes
            )
        })
        .collect();
    Some(format!(
        "It overlaps {}. It is booked anyway: change one if that was not meant.",
        list.join(", ")
    ))
}

/// Booking an appointment: date, start, expected length, how and where. Typed from the
/// keyboard in a few seconds: the date is a week on and the mode the last one used.
#[component]
pub fn BookingForm(
    /// The referral the appointment is with.
    referral: ReferralId,
    /// What the form holds (kept by the page, so it survives moving around and a lock).
    draft: RwSignal<AppointmentDraft>,
    /// Prefix for element ids, so several forms can share a page.
    #[prop(into)]
    id_prefix: String,
    /// Whether the form takes focus when it appears.
    #[prop(optional)]
    autofocus: bool,
    /// Called after booking.
    #[prop(optional, into)]
    on_booked: Option<Callback<()>>,
) -> impl IntoView {
    let state = use_state();
    let errors = RwSignal::new(Vec::<DiaryError>::new());
    let done = RwSignal::new(None::<(String, Option<String>, bool)>);
    // A home visit to a person with an open lone-working risk is flagged as it is chosen.
    let lone_working = move || {
        draft.with(|d| d.mode == linkwork_core::model::risk::HOME_VISIT)
            && state.ws.with(|ws| {
                ws.referrals
                    .get(&referral)
                    .is_some_and(|r| r.lone_working_risk())
            })
    };
    let first = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let (true, Some(el)) = (autofocus, first.get()) {
            let _ = el.focus();
        }
    });
    let error_for = move |field: DiaryField| move || errors.with(|e| message_for(e, field));
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let d = draft.get_untracked();
        match state.book_appointment(referral, &d) {
            Ok(booked) => {
                errors.set(Vec::new());
                let when = format!(
                    "Booked for {} at {}.",
                    d.date
                        .parse::<chrono::NaiveDate>()
                        .map(show_date)
                        .unwrap_or_default(),
                    d.start.trim()
                );
                done.set(Some((when, clash_words(&booked), booked.lone_working)));
                draft.set(state.new_booking_draft());
                if let Some(cb) = on_booked {
                    cb.run(());
                }
            }
            Err(e) => {
                done.set(None);
                errors.set(e);
            }
        }
    };
    let prefix = StoredValue::new(id_prefix);
    let id = move |name: &str| format!("{}-{name}", prefix.get_value());
    let described = move |name: &str| {
        let warning = if name == "place" {
            format!(" {}", id("place-warning"))
        } else {
            String::new()
        };
        format!("{} {}{warning}", id(&format!("{name}-error")), id("hint"))
    };
    let modes = move || {
        state
            .ws
            .with(|ws| ws.settings.lists.options(ListKind::ContactModes, &[]))
    };
    let field_error = move |name: &'static str, field: DiaryField| {
        let error_id = id(&format!("{name}-error"));
        view! { <p class="field-error" id=error_id>{error_for(field)}</p> }
    };
    view! {
        <form class="contact-form booking-form" novalidate on:submit=submit data-testid="booking-form">
            {move || error_for(DiaryField::Form)().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <p class="hint" id=id("hint")>"Only the person's reference, the time, how and where go in the diary and its exports."</p>
            <div class="contact-form__fields">
                <div class="field">
                    <label for=id("date")>"Date"</label>
                    {field_error("date", DiaryField::Date)}
                    <input id=id("date") type="date" node_ref=first data-testid="booking-date"
                        aria-describedby=described("date")
                        aria-invalid=move || error_for(DiaryField::Date)().is_some().to_string()
                        prop:value=move || draft.with(|d| d.date.clone())
                        on:input=move |e| draft.update(|d| d.date = event_target_value(&e))/>
                </div>
                <div class="field">
                    <label for=id("start")>"Start"</label>
                    {field_error("start", DiaryField::Start)}
                    <input id=id("start") type="time" step="300" data-testid="booking-start"
                        aria-describedby=described("start")
                        aria-invalid=move || error_for(DiaryField::Start)().is_some().to_string()
                        prop:value=move || draft.with(|d| d.start.clone())
                        on:input=move |e| draft.update(|d| d.start = event_target_value(&e))/>
                </div>
                <div class="field">
                    <label for=id("minutes")>"Minutes"</label>
                    {field_error("minutes", DiaryField::Minutes)}
                    <input autocomplete="off" id=id("minutes") type="text" inputmode="numeric" class="input--short" data-testid="booking-minutes"
                        aria-describedby=described("minutes")
                        aria-invalid=move || error_for(DiaryField::Minutes)().is_some().to_string()
                        prop:value=move || draft.with(|d| d.minutes.clone())
                        on:input=move |e| draft.update(|d| d.minutes = event_target_value(&e))/>
                </div>
                <div class="field">
                    <label for=id("mode")>"How"</label>
                    {field_error("mode", DiaryField::Mode)}
                    <select id=id("mode") data-testid="booking-mode" aria-describedby=described("mode") on:change=move |e| {
                        let v = event_target_value(&e);
                        draft.update(|d| d.mode = v);
                    }>
                        {move || modes().into_iter().map(|(mid, label)| {
                            let key = mid.clone();
                            view! { <option value=mid selected=move || draft.with(|d| d.mode == key)>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field field--grow">
                    <label for=id("place")>"Where (optional)"</label>
                    {field_error("place", DiaryField::Place)}
                    <input id=id("place") type="text" autocomplete="off" maxlength=MAX_PLACE_LEN placeholder="Room 3, Hillview" data-testid="booking-place"
                        aria-describedby=described("place")
                        aria-invalid=move || error_for(DiaryField::Place)().is_some().to_string()
                        prop:value=move || draft.with(|d| d.place.clone())
                        on:input=move |e| draft.update(|d| d.place = event_target_value(&e))/>
                </div>
                <button type="submit" class="button" disabled=move || state.read_only() data-testid="save-booking">"Book"</button>
            </div>
            // The place's warning, under the row so the fields stay in line; announced as it appears.
            <div role="status" id=id("place-warning")>
                {move || draft.with(|d| check_place(&d.place)).map(|w| view! { <p class="field-warning" data-testid="place-warning">{w.to_string()}</p> })}
            </div>
            <div role="status">
                {move || (lone_working() && done.with(|d| d.is_none())).then(|| view! {
                    <p class="field-warning" data-testid="lone-working-warning">"Lone-working risk: this person has an open lone-working concern in the risk log. Plan the visit with a colleague or your check-in procedure, or meet somewhere else."</p>
                })}
            </div>
            <div role="status" data-testid="booking-done">
                {move || done.get().map(|(when, clash, lone)| view! {
                    <p class="hint hint--info">{when}</p>
                    {clash.map(|c| view! { <p class="field-warning" data-testid="booking-clash">{c}</p> })}
                    {lone.then(|| view! { <p class="field-warning" data-testid="booking-lone-working">"This is a home visit with an open lone-working risk: follow your lone-working procedure."</p> })}
                })}
            </div>
        </form>
    }
}
