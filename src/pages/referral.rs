//! Recording a new referral, or opening and editing one.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use linkwork_core::model::lists::ListKind;
use linkwork_core::work::diary::NoteDraft;
use linkwork_core::work::referral::{MAX_NOTES_LEN, MAX_REFERENCE_LEN};
use linkwork_core::work::risk::RiskDraft;
use linkwork_core::{
    check_reference, AgeBand, Choice, EthnicGroup, Field, ReferralDraft, ReferralError, ReferralId,
    Sex,
};

use crate::components::common::error_summary::ErrorSummary;
use crate::components::common::field_error::FieldError;
use crate::components::referral::conflicts_panel::ConflictsPanel;
use crate::components::referral::journey_panel::{JourneyPanel, SectionDrafts};
use crate::components::referral::record_panel::RecordPanel;
use crate::platform::{show_date, today};
use crate::route::{self, Route};
use crate::state::{use_state, FormDraft, Notice};

/// The id of the form control that an error belongs to.
fn field_id(field: Field) -> &'static str {
    match field {
        Field::Reference => "f-reference",
        Field::Practice => "f-practice",
        Field::ReferralDate => "f-date",
        Field::ReferrerRole => "f-role",
        Field::Reasons => "f-reasons",
        Field::Notes => "f-notes",
        Field::Deprivation => "f-deprivation",
        Field::NextStep => "f-next-step",
        Field::NextStepDue => "f-next-due",
    }
}

/// The referral form: new when `id` is `None`, otherwise the referral with
/// that id, shown and editable.
#[component]
pub fn ReferralPage(
    /// The referral to open, or `None` to record a new one.
    id: Option<ReferralId>,
) -> impl IntoView {
    let state = use_state();
    let existing = state
        .ws
        .with_untracked(|ws| id.and_then(|id| ws.referrals.get(&id).cloned()));
    if id.is_some() && existing.is_none() {
        return view! {
            <h1>"Referral not found"</h1>
            <p>"This referral is not in the open workspace. It may belong to the demo, or to another workspace."</p>
            <p><a href="#/">"Back to the caseload"</a></p>
        }
        .into_any();
    }
    let href = id.map_or(Route::NewReferral, Route::Referral).href();
    // A form kept over a lock comes back as it was left.
    let kept = state
        .restore_draft
        .try_update(|kept| kept.take_if(|k| k.href == href))
        .flatten();
    let (kept, contact, booking, task, note, risk, action) = match kept {
        Some(k) => (
            Some(k.draft),
            k.contact,
            k.booking,
            k.task,
            k.note,
            k.risk,
            k.action,
        ),
        None => (None, None, None, None, None, None, None),
    };
    let draft = RwSignal::new(match kept {
        Some(k) => k,
        None => state.ws.with_untracked(|ws| match &existing {
            Some(r) => ReferralDraft::from_referral(ws, r),
            None => ReferralDraft::new_for(ws, today()),
        }),
    });
    // The record as the form last saw it: when it changes elsewhere (a choice between two
    // values, a sync from another PC), the fields nobody has touched follow it, so a save
    // never writes back a value nobody chose.
    let opened = StoredValue::new(state.ws.with_untracked(|ws| {
        existing
            .as_ref()
            .map(|r| ReferralDraft::from_referral(ws, r))
    }));
    Effect::new(move |_| {
        let Some(rid) = id else { return };
        let now = state.ws.with(|ws| {
            ws.referrals
                .get(&rid)
                .map(|r| ReferralDraft::from_referral(ws, r))
        });
        let (Some(now), Some(before)) = (now, opened.get_value()) else {
            return;
        };
        if now != before {
            draft.update(|d| d.rebase(&before, &now));
            opened.set_value(Some(now));
        }
    });
    let sections = SectionDrafts {
        contact: RwSignal::new(contact.unwrap_or_else(|| state.new_contact_draft())),
        booking: RwSignal::new(booking.unwrap_or_else(|| state.new_booking_draft())),
        task: RwSignal::new(task.unwrap_or_default()),
        note: RwSignal::new(note.unwrap_or_else(|| NoteDraft::new(today()))),
        risk: RwSignal::new(risk.unwrap_or_else(|| RiskDraft::new(today()))),
        action: RwSignal::new(action.unwrap_or_default()),
    };
    // Tell the state what is on the forms, so locking can keep them.
    Effect::new(move |_| {
        let d = draft.get();
        let keep_sections = id.is_some();
        state.form_draft.set(Some(FormDraft {
            href: href.clone(),
            draft: d,
            contact: keep_sections.then(|| sections.contact.get()),
            booking: keep_sections.then(|| sections.booking.get()),
            task: keep_sections.then(|| sections.task.get()),
            note: keep_sections.then(|| sections.note.get()),
            risk: keep_sections.then(|| sections.risk.get()),
            action: keep_sections.then(|| sections.action.get()),
        }));
    });
    on_cleanup(move || state.form_draft.set(None));
    let errors = RwSignal::new(Vec::<ReferralError>::new());
    let submitted = RwSignal::new(false);
    let reference_input = NodeRef::<html::Input>::new();
    // A new referral starts in its first field, ready to type.
    Effect::new(move |_| {
        if let (None, Some(input)) = (id, reference_input.get()) {
            let _ = input.focus();
        }
    });

    // Once the person has tried to save, errors follow their corrections.
    Effect::new(move |_| {
        let d = draft.get();
        if submitted.get_untracked() {
            let result = state.ws.with_untracked(|ws| d.validate(ws, today(), id));
            errors.set(result.err().unwrap_or_default());
        }
    });

    let error_for = move |field: Field| {
        Signal::derive(move || {
            errors.with(|e| {
                e.iter()
                    .find(|e| e.field() == field)
                    .map(ToString::to_string)
            })
        })
    };
    let invalid = move |field: Field| {
        move || {
            errors
                .with(|e| e.iter().any(|e| e.field() == field))
                .to_string()
        }
    };
    let summary = Signal::derive(move || {
        errors.with(|e| {
            e.iter()
                .map(|e| (field_id(e.field()).to_owned(), e.to_string()))
                .collect::<Vec<_>>()
        })
    });

    let save = move || {
        if state.read_only() {
            return;
        }
        submitted.set(true);
        let d = draft.get_untracked();
        match state.save_referral(&d, id) {
            Ok(_) => {
                errors.set(Vec::new());
                state.form_draft.set(None);
                let verb = if id.is_some() { "updated" } else { "saved" };
                state.notice.set(Some(Notice {
                    text: format!("Referral for {} {verb}.", d.reference.trim()),
                    on: Route::Caseload,
                }));
                route::go(Route::Caseload);
            }
            Err(e) => errors.set(e),
        }
    };
    let on_submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        save();
    };
    let on_keydown = move |e: ev::KeyboardEvent| {
        if (e.ctrl_key() || e.meta_key()) && e.key() == "Enter" {
            e.prevent_default();
            save();
        }
    };

    let reference_warning = move || {
        draft
            .with(|d| check_reference(&d.reference))
            .map(|w| w.to_string())
    };
    let known_person = move || {
        if id.is_some() {
            return None;
        }
        let reference = draft.with(|d| d.reference.clone());
        state.ws.with(|ws| {
            let person = ws.person_by_reference(&reference)?;
            let count = ws.referrals_of(person.id).len();
            Some(format!(
                "{} is already known ({count} earlier referral{}). This referral will be added to their record.",
                person.reference,
                if count == 1 { "" } else { "s" }
            ))
        })
    };
    let current = existing.as_ref().map(|r| r.practice);
    let practices = move || {
        state.ws.with(|ws| {
            ws.settings
                .practices
                .iter()
                .filter(|p| !p.retired || Some(p.id) == current)
                .map(|p| (p.id, p.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let no_practices = move || practices().is_empty();
    let list_items = move |kind: ListKind, keep: Vec<String>| {
        state.ws.with(|ws| ws.settings.lists.options(kind, &keep))
    };
    let kept_role = existing
        .as_ref()
        .map(|r| vec![r.referrer_role.clone()])
        .unwrap_or_default();
    let kept_reasons = existing
        .as_ref()
        .map(|r| r.reasons.clone())
        .unwrap_or_default();
    let heading = match &existing {
        Some(r) => state.ws.with_untracked(|ws| {
            ws.people.get(&r.person).map_or_else(
                || "Referral".to_owned(),
                |p| format!("Referral for {}", p.reference),
            )
        }),
        None => "New referral".to_owned(),
    };
    let meta = existing.as_ref().map(|r| {
        format!(
            "Recorded {}, last changed {}.",
            show_date(r.created.date_naive()),
            show_date(r.updated.date_naive())
        )
    });

    // Handed over to a colleague: read-only here until it comes back.
    let handed = move || {
        id.and_then(|rid| {
            state
                .ws
                .with(|ws| ws.referrals.get(&rid).and_then(|r| r.handed.clone()))
        })
    };
    let provenance = existing.as_ref().and_then(|r| {
        r.arrived
            .last()
            .map(|a| format!("{}.", a.words(&show_date(a.on))))
    });

    view! {
        <div class="page-head">
            <h1>{heading}</h1>
            {meta.map(|m| view! { <p class="muted">{m}</p> })}
            {provenance.map(|p| view! { <p class="muted" data-testid="provenance">{p}</p> })}
        </div>
        {move || handed().map(|h| view! {
            <p class="banner banner--info" role="status" data-testid="handed-banner">
                {format!("Handed over to {} on {}. ", h.to, show_date(h.on))}
                "It is read-only here until they hand it back. "
                <a href=Route::Handover.href()>"Hand over and receive"</a>
            </p>
        })}
        {id.map(|rid| view! { <ConflictsPanel referral=rid/> })}
        <fieldset class="read-only-wrap" disabled=move || handed().is_some()>
        <legend class="visually-hidden">"The referral"</legend>
        {id.map(|rid| view! { <JourneyPanel referral=rid drafts=sections/> })}
        {id.is_some().then(|| view! { <h2 class="section-heading" id="sec-details-heading" tabindex="-1">"Details"</h2> })}
        <ErrorSummary errors=summary/>
        <Show when=move || state.read_only()>
            <p class="banner banner--warning">"Saving is paused while some stored data cannot be read (see above)."</p>
        </Show>
        <form class="form" novalidate on:submit=on_submit on:keydown=on_keydown data-testid="referral-form">
            <div class="form-grid">
                <div class="field" class:field--error=move || error_for(Field::Reference).get().is_some()>
                    <label for="f-reference">"Person reference"</label>
                    <p class="hint" id="f-reference-hint">"A pseudonymous reference, not a name or NHS number. For example RV-0412."</p>
                    <FieldError id="f-reference-error".into() message=error_for(Field::Reference)/>
                    <input
                        id="f-reference"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        maxlength=MAX_REFERENCE_LEN
                        node_ref=reference_input
                        aria-describedby="f-reference-hint f-reference-error f-reference-warning"
                        aria-invalid=invalid(Field::Reference)
                        prop:value=move || draft.with(|d| d.reference.clone())
                        on:input=move |e| draft.update(|d| d.reference = event_target_value(&e))
                        data-testid="field-reference"
                    />
                    // Announced as it appears, without taking focus from the field.
                    <div id="f-reference-warning" role="status">
                        {move || reference_warning().map(|w| view! { <p class="field-warning" data-testid="reference-warning">{w}</p> })}
                        {move || known_person().map(|k| view! { <p class="hint hint--info" data-testid="known-person">{k}</p> })}
                    </div>
                </div>

                <div class="field" class:field--error=move || error_for(Field::ReferralDate).get().is_some()>
                    <label for="f-date">"Referral date"</label>
                    <FieldError id="f-date-error".into() message=error_for(Field::ReferralDate)/>
                    <input
                        id="f-date"
                        type="date"
                        max=today().format("%Y-%m-%d").to_string()
                        aria-describedby="f-date-error"
                        aria-invalid=invalid(Field::ReferralDate)
                        prop:value=move || draft.with(|d| d.referral_date.clone())
                        on:input=move |e| draft.update(|d| d.referral_date = event_target_value(&e))
                        data-testid="field-date"
                    />
                </div>

                <div class="field" class:field--error=move || error_for(Field::Practice).get().is_some()>
                    <label for="f-practice">"Practice"</label>
                    <FieldError id="f-practice-error".into() message=error_for(Field::Practice)/>
                    <select
                        id="f-practice"
                        aria-describedby="f-practice-error"
                        aria-invalid=invalid(Field::Practice)
                        on:change=move |e| {
                            let v = event_target_value(&e);
                            draft.update(|d| d.practice = v.parse().ok());
                        }
                        data-testid="field-practice"
                    >
                        <option value="" selected=move || draft.with(|d| d.practice.is_none())>"Choose a practice"</option>
                        {move || {
                            practices()
                                .into_iter()
                                .map(|(pid, name)| {
                                    view! {
                                        <option value=pid.to_string() selected=move || draft.with(|d| d.practice == Some(pid))>
                                            {name}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                    <Show when=no_practices>
                        <p class="hint hint--info" data-testid="no-practices">
                            "No practices yet. "
                            <a href="#/settings">"Add your practice in Settings"</a>
                            " first."
                        </p>
                    </Show>
                </div>

                <div class="field" class:field--error=move || error_for(Field::ReferrerRole).get().is_some()>
                    <label for="f-role">"Referred by"</label>
                    <FieldError id="f-role-error".into() message=error_for(Field::ReferrerRole)/>
                    <select
                        id="f-role"
                        aria-describedby="f-role-error"
                        aria-invalid=invalid(Field::ReferrerRole)
                        on:change=move |e| {
                            let v = event_target_value(&e);
                            draft.update(|d| d.referrer_role = v);
                        }
                        data-testid="field-role"
                    >
                        <option value="" selected=move || draft.with(|d| d.referrer_role.is_empty())>"Choose who referred"</option>
                        {move || {
                            list_items(ListKind::ReferrerRoles, kept_role.clone())
                                .into_iter()
                                .map(|(rid, label)| {
                                    let key = rid.clone();
                                    view! {
                                        <option value=rid selected=move || draft.with(|d| d.referrer_role == key)>{label}</option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
            </div>

            <fieldset class="field field--wide" class:field--error=move || error_for(Field::Reasons).get().is_some()
                aria-describedby="f-reasons-error">
                <legend>"Reasons for referral"</legend>
                <p class="hint">"Choose all that apply."</p>
                <FieldError id="f-reasons-error".into() message=error_for(Field::Reasons)/>
                <div class="checkbox-grid" data-testid="field-reasons">
                    {move || {
                        list_items(ListKind::Reasons, kept_reasons.clone())
                            .into_iter()
                            .enumerate()
                            .map(|(i, (rid, label))| {
                                let input_id = if i == 0 { "f-reasons".to_owned() } else { format!("f-reason-{rid}") };
                                let key = rid.clone();
                                let toggle = rid.clone();
                                view! {
                                    <div class="checkbox">
                                        <input
                                            type="checkbox"
                                            id=input_id.clone()
                                            value=rid.clone()
                                            prop:checked=move || draft.with(|d| d.reasons.contains(&key))
                                            on:change=move |e| {
                                                let on = event_target_checked(&e);
                                                draft.update(|d| {
                                                    d.reasons.retain(|r| *r != toggle);
                                                    if on {
                                                        d.reasons.push(toggle.clone());
                                                    }
                                                });
                                            }
                                            data-testid=format!("reason-{rid}")
                                        />
                                        <label for=input_id>{label}</label>
                                    </div>
                                }
                            })
                            .collect_view()
                    }}
                </div>
            </fieldset>

            <div class="field field--wide">
                <label for="f-what-matters">"What matters to the person (optional)"</label>
                <p class="hint" id="f-what-matters-hint">"In their own words, if they are happy to share it."</p>
                <textarea autocomplete="off" id="f-what-matters" rows="2" aria-describedby="f-what-matters-hint" data-testid="field-what-matters"
                    prop:value=move || draft.with(|d| d.what_matters.clone())
                    on:input=move |e| draft.update(|d| d.what_matters = event_target_value(&e))></textarea>
            </div>

            <Show when=move || id.is_none()>
            <div class="form-grid">
                <div class="field" class:field--error=move || error_for(Field::NextStep).get().is_some()>
                    <label for="f-next-step">"First task (optional)"</label>
                    <FieldError id="f-next-step-error".into() message=error_for(Field::NextStep)/>
                    <input id="f-next-step" type="text" autocomplete="off" aria-describedby="f-next-step-error"
                        aria-invalid=invalid(Field::NextStep) data-testid="field-next-step"
                        prop:value=move || draft.with(|d| d.next_step.clone())
                        on:input=move |e| draft.update(|d| d.next_step = event_target_value(&e))/>
                </div>
                <div class="field" class:field--error=move || error_for(Field::NextStepDue).get().is_some()>
                    <label for="f-next-due">"Due (optional)"</label>
                    <FieldError id="f-next-due-error".into() message=error_for(Field::NextStepDue)/>
                    <input id="f-next-due" type="date" aria-describedby="f-next-due-error"
                        aria-invalid=invalid(Field::NextStepDue) data-testid="field-next-due"
                        prop:value=move || draft.with(|d| d.next_step_due.clone())
                        on:input=move |e| draft.update(|d| d.next_step_due = event_target_value(&e))/>
                </div>
            </div>
            </Show>

            <div class="field field--wide" class:field--error=move || error_for(Field::Notes).get().is_some()>
                <label for="f-notes">"Notes (optional)"</label>
                <p class="hint" id="f-notes-hint">"What the referrer said, or anything useful for the first contact. Avoid names and other identifying details."</p>
                <FieldError id="f-notes-error".into() message=error_for(Field::Notes)/>
                <textarea autocomplete="off"
                    id="f-notes"
                    rows="3"
                    maxlength=MAX_NOTES_LEN
                    aria-describedby="f-notes-hint f-notes-error"
                    aria-invalid=invalid(Field::Notes)
                    prop:value=move || draft.with(|d| d.notes.clone())
                    on:input=move |e| draft.update(|d| d.notes = event_target_value(&e))
                    data-testid="field-notes"
                ></textarea>
            </div>

            <details class="details" open=existing.is_some()>
                <summary>"About the person (optional, for equality monitoring)"</summary>
                <div class="form-grid">
                    {choice_select::<AgeBand>("f-age", "Age band", draft, |d| d.age_band, |d, v| d.age_band = v)}
                    {choice_select::<Sex>("f-sex", "Sex", draft, |d| d.sex, |d, v| d.sex = v)}
                    {choice_select::<EthnicGroup>("f-ethnic", "Ethnic group", draft, |d| d.ethnic_group, |d, v| d.ethnic_group = v)}
                    <div class="field" class:field--error=move || error_for(Field::Deprivation).get().is_some()>
                        <label for="f-deprivation">"Deprivation quintile (IMD)"</label>
                        <FieldError id="f-deprivation-error".into() message=error_for(Field::Deprivation)/>
                        <select id="f-deprivation" aria-describedby="f-deprivation-error" on:change=move |e| {
                            let v = event_target_value(&e);
                            draft.update(|d| d.deprivation_quintile = v.parse().ok());
                        }>
                            <option value="" selected=move || draft.with(|d| d.deprivation_quintile.is_none())>"Not recorded"</option>
                            {(1u8..=5).map(|q| {
                                let label = match q {
                                    1 => "1 (most deprived)".to_owned(),
                                    5 => "5 (least deprived)".to_owned(),
                                    q => q.to_string(),
                                };
                                view! { <option value=q.to_string() selected=move || draft.with(|d| d.deprivation_quintile == Some(q))>{label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                </div>
            </details>

            <div class="form-actions">
                <button type="submit" class="button" disabled=move || state.read_only() data-testid="save-referral">
                    "Save referral"
                </button>
                <span class="hint">"or press Ctrl+Enter"</span>
                <a class="button button--link" href="#/">"Cancel"</a>
            </div>
        </form>
        {id.map(|rid| view! { <RecordPanel referral=rid/> })}
        </fieldset>
    }
    .into_any()
}

/// A labelled select for an optional fixed-list value of the draft.
fn choice_select<T: Choice + PartialEq + Send + Sync>(
    id: &'static str,
    label: &'static str,
    draft: RwSignal<ReferralDraft>,
    get: fn(&ReferralDraft) -> Option<T>,
    set: fn(&mut ReferralDraft, Option<T>),
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |e| {
                let v = event_target_value(&e);
                draft.update(|d| set(d, T::from_code(&v)));
            }>
                <option value="" selected=move || draft.with(|d| get(d).is_none())>"Not recorded"</option>
                {T::ALL.iter().map(|c| {
                    let c = *c;
                    view! { <option value=c.code() selected=move || draft.with(|d| get(d) == Some(c))>{c.label()}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}
