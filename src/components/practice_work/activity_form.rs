use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use linkwork_core::work::practice_work::{ActivityDraft, ActivityKind, Level, WorkError};
use linkwork_core::Choice;

use crate::components::common::field_error::FieldError;
use crate::platform::today;
use crate::state::{use_state, Notice};

/// Quick-add of practice or community work: today, the last practice and an
/// hour are filled in, so a usual entry is the kind of work and Enter.
#[component]
pub fn ActivityForm() -> impl IntoView {
    let state = use_state();
    let fresh = move || {
        ActivityDraft::new(
            today(),
            state.ws.with_untracked(|ws| ws.settings.default_practice()),
        )
    };
    let draft = RwSignal::new(fresh());
    let errors = RwSignal::new(Vec::<WorkError>::new());
    let first = NodeRef::<html::Select>::new();
    Effect::new(move |_| {
        if let Some(el) = first.get() {
            let _ = el.focus();
        }
    });
    let error_for = move |field: &'static str| {
        Signal::derive(move || {
            errors.with(|e| {
                e.iter()
                    .find(|e| e.field() == field)
                    .map(ToString::to_string)
            })
        })
    };
    let invalid = move |field: &'static str| {
        move || {
            errors
                .with(|e| e.iter().any(|e| e.field() == field))
                .then_some("true")
        }
    };
    let level = move || draft.with(|d| d.kind.level());
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        match state.add_activity(&draft.get_untracked()) {
            Ok(_) => {
                errors.set(Vec::new());
                let kind = draft.with_untracked(|d| d.kind);
                state.notice.set(Some(Notice {
                    text: format!("Recorded: {}.", kind.label()),
                    on: crate::route::Route::PracticeWork,
                }));
                // Keep the kind of work, so a run of similar entries is quick.
                draft.set(ActivityDraft { kind, ..fresh() });
                if let Some(el) = first.get() {
                    let _ = el.focus();
                }
            }
            Err(e) => errors.set(e),
        }
    };
    let set_level = move |l: Level| {
        draft.update(|d| {
            if d.kind.level() != l {
                d.kind = ActivityKind::of(l).next().unwrap_or(d.kind);
            }
        });
    };
    let organisations = move || {
        state.ws.with(|ws| {
            ws.directory
                .values()
                .map(|r| view! { <option value=r.name.clone()></option> })
                .collect_view()
        })
    };

    view! {
        <form class="panel activity-form" novalidate on:submit=submit data-testid="activity-form"
            on:keydown=move |e: ev::KeyboardEvent| {
                if e.ctrl_key() && e.key() == "Enter" {
                    e.prevent_default();
                    if let Some(form) = e.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlFormElement>(t).ok()) {
                        let _ = form.request_submit();
                    }
                }
            }>
            <h2>"Record practice or community work"</h2>
            <fieldset class="choice-row">
                <legend>"Level"</legend>
                {Level::ALL.iter().map(|l| {
                    let l = *l;
                    let id = format!("level-{}", l.code());
                    view! {
                        <div class="radio">
                            <input type="radio" name="activity-level" id=id.clone() value=l.code()
                                data-testid=format!("activity-level-{}", l.code())
                                prop:checked=move || level() == l
                                on:change=move |_| set_level(l)/>
                            <label for=id>{l.label()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="form-grid">
                <div class="field">
                    <label for="activity-kind">"What kind of work"</label>
                    <select id="activity-kind" node_ref=first data-testid="activity-kind" on:change=move |e| {
                        let v = event_target_value(&e);
                        if let Some(k) = ActivityKind::from_code(&v) {
                            draft.update(|d| d.kind = k);
                        }
                    }>
                        {move || ActivityKind::of(level()).map(|k| view! {
                            <option value=k.code() selected=move || draft.with(|d| d.kind == k)>{k.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="activity-practice">
                        {move || if level() == Level::Practice { "Practice" } else { "Practice (if it was for one)" }}
                    </label>
                    <FieldError id="activity-practice-error".into() message=error_for("practice")/>
                    <select id="activity-practice" data-testid="activity-practice" aria-invalid=invalid("practice")
                        on:change=move |e| {
                            let v = event_target_value(&e);
                            draft.update(|d| d.practice = v.parse().ok());
                        }>
                        <option value="" selected=move || draft.with(|d| d.practice.is_none())>"None"</option>
                        {move || state.ws.with(|ws| ws.settings.active_practices().map(|p| {
                            let id = p.id;
                            view! { <option value=p.id.to_string() selected=move || draft.with(|d| d.practice == Some(id))>{p.name.clone()}</option> }
                        }).collect_view())}
                    </select>
                </div>
                <div class="field">
                    <label for="activity-organisation">
                        {move || if level() == Level::Community { "Organisation" } else { "Organisation (optional)" }}
                    </label>
                    <FieldError id="activity-organisation-error".into() message=error_for("organisation")/>
                    <input id="activity-organisation" type="text" list="activity-organisations" autocomplete="off"
                        data-testid="activity-organisation" aria-invalid=invalid("organisation")
                        prop:value=move || draft.with(|d| d.organisation.clone())
                        on:input=move |e| draft.update(|d| d.organisation = event_target_value(&e))/>
                    <datalist id="activity-organisations">{organisations}</datalist>
                </div>
                <div class="field">
                    <label for="activity-minutes">"Minutes"</label>
                    <FieldError id="activity-minutes-error".into() message=error_for("minutes")/>
                    <input autocomplete="off" id="activity-minutes" type="text" inputmode="numeric" class="input--short"
                        data-testid="activity-minutes" aria-invalid=invalid("minutes")
                        prop:value=move || draft.with(|d| d.minutes.clone())
                        on:input=move |e| draft.update(|d| d.minutes = event_target_value(&e))/>
                </div>
                <div class="field">
                    <label for="activity-date">"Date"</label>
                    <FieldError id="activity-date-error".into() message=error_for("date")/>
                    <input id="activity-date" type="date" max=today().to_string() data-testid="activity-date"
                        aria-invalid=invalid("date")
                        prop:value=move || draft.with(|d| d.date.clone())
                        on:input=move |e| draft.update(|d| d.date = event_target_value(&e))/>
                </div>
                <div class="field field--wide">
                    <label for="activity-note">"Note (optional; no names of patients)"</label>
                    <FieldError id="activity-note-error".into() message=error_for("note")/>
                    <input id="activity-note" type="text" autocomplete="off" data-testid="activity-note"
                        aria-invalid=invalid("note")
                        prop:value=move || draft.with(|d| d.note.clone())
                        on:input=move |e| draft.update(|d| d.note = event_target_value(&e))/>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || state.read_only() data-testid="save-activity">"Record it"</button>
                <span class="hint">"Ctrl+Enter records it from any field."</span>
            </div>
        </form>
    }
}
