use leptos::ev;
use leptos::prelude::*;
use linkwork_core::work::diary::{
    message_for, DiaryError, DiaryField, NoteDraft, NoteKind, MAX_NOTE_LEN,
};
use linkwork_core::{Choice, ReferralId};

use crate::platform::today;
use crate::state::use_state;

/// A dated case note: work on the person's behalf (its minutes count as time for them),
/// a note, or something discussed in supervision. Shown in the timeline.
#[component]
pub fn NoteForm(
    referral: ReferralId,
    /// What the form holds (kept by the page, so it survives moving around and a lock).
    draft: RwSignal<NoteDraft>,
) -> impl IntoView {
    let state = use_state();
    let errors = RwSignal::new(Vec::<DiaryError>::new());
    let error_for = move |field: DiaryField| move || errors.with(|e| message_for(e, field));
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        match state.add_case_note(referral, &draft.get_untracked()) {
            Ok(()) => {
                errors.set(Vec::new());
                draft.set(NoteDraft::new(today()));
            }
            Err(e) => errors.set(e),
        }
    };
    view! {
        <form class="contact-form note-form" novalidate on:submit=submit data-testid="note-form">
            <div class="contact-form__fields">
                <div class="field">
                    <label for="note-kind">"Kind"</label>
                    <select id="note-kind" data-testid="note-kind" on:change=move |e| {
                        let v = event_target_value(&e);
                        draft.update(|d| d.kind = NoteKind::from_code(&v).unwrap_or(NoteKind::Note));
                    }>
                        {NoteKind::ALL.iter().map(|k| {
                            let k = *k;
                            view! { <option value=k.code() selected=move || draft.with(|d| d.kind == k)>{k.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="note-date">"Date"</label>
                    <p class="field-error" id="note-date-error">{error_for(DiaryField::Date)}</p>
                    <input id="note-date" type="date" max=today().format("%Y-%m-%d").to_string() data-testid="note-date"
                        aria-describedby="note-date-error"
                        aria-invalid=move || error_for(DiaryField::Date)().is_some().to_string()
                        prop:value=move || draft.with(|d| d.date.clone())
                        on:input=move |e| draft.update(|d| d.date = event_target_value(&e))/>
                </div>
                <div class="field">
                    <label for="note-minutes">"Minutes (optional)"</label>
                    <p class="field-error" id="note-minutes-error">{error_for(DiaryField::Minutes)}</p>
                    <input autocomplete="off" id="note-minutes" type="text" inputmode="numeric" class="input--short" data-testid="note-minutes"
                        aria-describedby="note-minutes-error"
                        aria-invalid=move || error_for(DiaryField::Minutes)().is_some().to_string()
                        prop:value=move || draft.with(|d| d.minutes.clone())
                        on:input=move |e| draft.update(|d| d.minutes = event_target_value(&e))/>
                </div>
                <div class="field field--grow">
                    <label for="note-text">"Note"</label>
                    <p class="field-error" id="note-text-error">{error_for(DiaryField::Text)}</p>
                    <input id="note-text" type="text" autocomplete="off" maxlength=MAX_NOTE_LEN data-testid="note-text"
                        aria-describedby="note-text-error"
                        aria-invalid=move || error_for(DiaryField::Text)().is_some().to_string()
                        prop:value=move || draft.with(|d| d.text.clone())
                        on:input=move |e| draft.update(|d| d.text = event_target_value(&e))/>
                </div>
                <button type="submit" class="button" disabled=move || state.read_only() data-testid="save-note">"Add note"</button>
            </div>
        </form>
    }
}
