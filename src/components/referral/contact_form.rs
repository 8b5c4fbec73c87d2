use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use linkwork_core::model::lists::ListKind;
use linkwork_core::{Choice, ContactOutcome, JourneyError, ReferralId};

use crate::platform::today;
use crate::state::use_state;

/// Which quick-add field an error belongs to.
fn field_of(e: &JourneyError) -> &'static str {
    match e {
        JourneyError::DateMissing
        | JourneyError::DateInvalid
        | JourneyError::DateInFuture
        | JourneyError::DateTooEarly(_) => "date",
        JourneyError::ModeMissing | JourneyError::ModeUnknown => "mode",
        JourneyError::MinutesInvalid => "minutes",
        JourneyError::NoteTooLong => "note",
        _ => "form",
    }
}

/// Quick-add of a contact: today, the last mode used and "attended" are
/// filled in, so a usual contact is the mode, the minutes and Enter.
#[component]
pub fn ContactForm(
    /// The referral the contact belongs to.
    referral: ReferralId,
    /// Called after a contact is saved.
    #[prop(optional, into)]
    on_saved: Option<Callback<()>>,
    /// Prefix for element ids, so several forms can share a page.
    #[prop(into)]
    id_prefix: String,
    /// Whether the form takes focus when it appears.
    #[prop(optional)]
    autofocus: bool,
    /// What the form holds, when the page keeps it (so it survives a lock); otherwise the
    /// form keeps its own.
    #[prop(optional)]
    draft: Option<RwSignal<linkwork_core::ContactDraft>>,
) -> impl IntoView {
    let state = use_state();
    let draft = draft.unwrap_or_else(|| RwSignal::new(state.new_contact_draft()));
    let errors = RwSignal::new(Vec::<JourneyError>::new());
    let first = NodeRef::<html::Select>::new();
    Effect::new(move |_| {
        if let (true, Some(el)) = (autofocus, first.get()) {
            let _ = el.focus();
        }
    });
    let error_for = move |field: &'static str| {
        move || {
            errors.with(|e| {
                e.iter()
                    .find(|e| field_of(e) == field)
                    .map(ToString::to_string)
            })
        }
    };
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        match state.add_contact(referral, &draft.get_untracked()) {
            Ok(()) => {
                errors.set(Vec::new());
                draft.set(state.new_contact_draft());
                if let Some(cb) = on_saved {
                    cb.run(());
                }
            }
            Err(e) => errors.set(e),
        }
    };
    let id = move |name: &str| format!("{id_prefix}-{name}");
    let modes = move || {
        state
            .ws
            .with(|ws| ws.settings.lists.options(ListKind::ContactModes, &[]))
    };
    view! {
        <form class="contact-form" novalidate on:submit=submit data-testid="contact-form">
            {move || error_for("form")().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <div class="contact-form__fields">
                <div class="field">
                    <label for=id("mode")>"How"</label>
                    {move || error_for("mode")().map(|e| view! { <p class="field-error">{e}</p> })}
                    <select id=id("mode") node_ref=first data-testid="contact-mode" on:change=move |e| {
                        let v = event_target_value(&e);
                        draft.update(|d| d.mode = v);
                    }>
                        {move || modes().into_iter().map(|(mid, label)| {
                            let key = mid.clone();
                            view! { <option value=mid selected=move || draft.with(|d| d.mode == key)>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=id("minutes")>"Minutes"</label>
                    {move || error_for("minutes")().map(|e| view! { <p class="field-error">{e}</p> })}
                    <input autocomplete="off" id=id("minutes") type="text" inputmode="numeric" class="input--short" data-testid="contact-minutes"
                        prop:value=move || draft.with(|d| d.minutes.clone())
                        on:input=move |e| draft.update(|d| d.minutes = event_target_value(&e))/>
                </div>
                <div class="field">
                    <label for=id("outcome")>"Outcome"</label>
                    <select id=id("outcome") data-testid="contact-outcome" on:change=move |e| {
                        let v = event_target_value(&e);
                        draft.update(|d| d.outcome = ContactOutcome::from_code(&v).unwrap_or(ContactOutcome::Attended));
                    }>
                        {ContactOutcome::ALL.iter().map(|o| {
                            let o = *o;
                            view! { <option value=o.code() selected=move || draft.with(|d| d.outcome == o)>{o.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=id("date")>"Date"</label>
                    {move || error_for("date")().map(|e| view! { <p class="field-error">{e}</p> })}
                    <input id=id("date") type="date" max=today().format("%Y-%m-%d").to_string() data-testid="contact-date"
                        prop:value=move || draft.with(|d| d.date.clone())
                        on:input=move |e| draft.update(|d| d.date = event_target_value(&e))/>
                </div>
                <div class="field field--grow">
                    <label for=id("note")>"Note (optional)"</label>
                    {move || error_for("note")().map(|e| view! { <p class="field-error">{e}</p> })}
                    <input id=id("note") type="text" autocomplete="off" data-testid="contact-note"
                        prop:value=move || draft.with(|d| d.note.clone())
                        on:input=move |e| draft.update(|d| d.note = event_target_value(&e))/>
                </div>
                <button type="submit" class="button" disabled=move || state.read_only() data-testid="save-contact">"Add contact"</button>
            </div>
        </form>
    }
}
