use leptos::ev;
use leptos::prelude::*;
use linkwork_core::model::plan::MAX_ACTION_LEN;
use linkwork_core::views::plan::{person_plan, PersonPlan, PlanBlock};
use linkwork_core::work::plan::{plan_message_for, ActionBy, ActionDraft, PlanError, PlanField};
use linkwork_core::{Choice, ReferralId};

use crate::platform::{copy_text, show_date, today};
use crate::state::use_state;

/// The person's copy of their plan, as a page: headings, paragraphs and lists.
fn plan_page(plan: PersonPlan) -> impl IntoView {
    view! {
        <h2 class="plan-sheet__title">{plan.title}</h2>
        <p>{plan.intro}</p>
        {plan.empty.map(|e| view! { <p>{e}</p> })}
        {plan.sections.into_iter().map(|s| view! {
            <h3>{s.heading}</h3>
            {s.blocks.into_iter().map(|b| match b {
                PlanBlock::Paragraph(p) => view! { <p>{p}</p> }.into_any(),
                PlanBlock::List(items) => view! {
                    <ul>
                        {items.into_iter().map(|i| view! {
                            <li>
                                {i.text}
                                {(!i.details.is_empty()).then(|| view! {
                                    <ul class="plan-sheet__details">{i.details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }).collect_view()}
        }).collect_view()}
        <p>{plan.outro}</p>
    }
}

/// The person's plan: the actions agreed with them (who does what, by when), each of which
/// can become a task, and the person's own copy, written to them in plain words, to print
/// on one A4 page or copy as text. What matters to them is under Details, their goals under
/// Outcomes and the services they chose under Connections: the copy gathers them.
#[component]
pub fn PlanPanel(
    /// The referral.
    referral: ReferralId,
    /// The new-action form (kept by the page, so it survives moving around and a lock).
    draft: RwSignal<ActionDraft>,
) -> impl IntoView {
    let state = use_state();
    let errors = RwSignal::new(Vec::<PlanError>::new());
    let error_for = move |field: PlanField| move || errors.with(|e| plan_message_for(e, field));
    let said = RwSignal::new(None::<Result<String, String>>);
    let showing = RwSignal::new(false);
    let copied = RwSignal::new(None::<String>);
    let actions = move || {
        state.ws.with(|ws| {
            ws.referrals
                .get(&referral)
                .map(|r| {
                    r.plan
                        .iter()
                        .map(|a| {
                            let on_list = a
                                .task
                                .is_some_and(|t| r.tasks.iter().any(|task| task.id == t));
                            let who = match a.by {
                                ActionBy::Service => a.service.clone(),
                                by => by.label().to_owned(),
                            };
                            (a.id, who, a.what.clone(), a.due, on_list)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let copy = Memo::new(move |_| {
        showing
            .get()
            .then(|| state.ws.with(|ws| person_plan(ws, referral, today())))
            .flatten()
    });
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        match state.add_action(referral, &draft.get_untracked()) {
            Ok(()) => {
                errors.set(Vec::new());
                said.set(Some(Ok("Added to the plan.".into())));
                draft.set(ActionDraft::default());
            }
            Err(e) => {
                said.set(None);
                errors.set(e);
            }
        }
    };
    view! {
        <p class="hint">"What matters to them is under Details, their goals under Outcomes, and the services they chose under Connections. The person's copy brings them together with what you agreed."</p>
        <h3 id="plan-actions-heading">"What we agreed"</h3>
        {move || {
            let list = actions();
            if list.is_empty() {
                view! { <p class="muted" data-testid="plan-empty">"Nothing agreed yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="plan-actions" aria-labelledby="plan-actions-heading" data-testid="plan-actions">
                        {list.into_iter().map(|(id, who, what, due, on_list)| {
                            let words = format!("{who}: {what}");
                            let label = words.clone();
                            view! {
                                <li data-testid="plan-action">
                                    <span>{words}</span>
                                    {due.map(|d| format!(" (by {})", show_date(d)))}
                                    " "
                                    {if on_list {
                                        view! { <span class="badge" data-testid="plan-action-task">"On the to-do list"</span> }.into_any()
                                    } else {
                                        view! {
                                            <button type="button" class="button button--secondary button--small" disabled=move || state.read_only()
                                                data-testid="plan-make-task" aria-label=format!("Make a task: {label}")
                                                on:click=move |_| said.set(Some(state.action_to_task(referral, id).map(|()| "Added to Tasks.".to_owned()).map_err(|e| e.to_string())))>
                                                "Make a task"
                                            </button>
                                        }.into_any()
                                    }}
                                    " "
                                    <button type="button" class="button button--secondary button--small" disabled=move || state.read_only()
                                        data-testid="plan-remove" aria-label=format!("Take out of the plan: {what}")
                                        on:click=move |_| said.set(Some(state.remove_action(referral, id).map(|()| "Taken out of the plan.".to_owned()).map_err(|e| e.to_string())))>
                                        "Take out"
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
        <form class="form-plain" novalidate on:submit=submit data-testid="plan-form">
            <div class="inline-form">
                <div class="field">
                    <label for="plan-by">"Who"</label>
                    <select id="plan-by" data-testid="plan-by" on:change=move |e| {
                        if let Some(by) = ActionBy::from_code(&event_target_value(&e)) { draft.update(|d| d.by = by); }
                    }>
                        {ActionBy::ALL.iter().map(|b| {
                            let b = *b;
                            view! { <option value=b.code() selected=move || draft.with(|d| d.by == b)>{b.label()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <Show when=move || draft.with(|d| d.by == ActionBy::Service)>
                    <div class="field">
                        <label for="plan-service">"Which service"</label>
                        <p class="field-error" id="plan-service-error">{error_for(PlanField::Service)}</p>
                        <input id="plan-service" type="text" autocomplete="off" maxlength=MAX_ACTION_LEN data-testid="plan-service"
                            aria-describedby="plan-service-error"
                            aria-invalid=move || error_for(PlanField::Service)().is_some().to_string()
                            prop:value=move || draft.with(|d| d.service.clone())
                            on:input=move |e| draft.update(|d| d.service = event_target_value(&e))/>
                    </div>
                </Show>
                <div class="field field--grow">
                    <label for="plan-what">"Will do what"</label>
                    <p class="field-error" id="plan-what-error">{error_for(PlanField::What)}</p>
                    <input id="plan-what" type="text" autocomplete="off" maxlength=MAX_ACTION_LEN data-testid="plan-what"
                        aria-describedby="plan-what-error"
                        aria-invalid=move || error_for(PlanField::What)().is_some().to_string()
                        prop:value=move || draft.with(|d| d.what.clone())
                        on:input=move |e| draft.update(|d| d.what = event_target_value(&e))/>
                </div>
                <div class="field">
                    <label for="plan-due">"By (optional)"</label>
                    <p class="field-error" id="plan-due-error">{error_for(PlanField::Due)}</p>
                    <input id="plan-due" type="date" data-testid="plan-due" aria-describedby="plan-due-error"
                        aria-invalid=move || error_for(PlanField::Due)().is_some().to_string()
                        prop:value=move || draft.with(|d| d.due.clone())
                        on:input=move |e| draft.update(|d| d.due = event_target_value(&e))/>
                </div>
                <button type="submit" class="button" disabled=move || state.read_only() data-testid="save-plan-action">"Add to the plan"</button>
            </div>
            <p class="field-error" role="alert">{error_for(PlanField::Form)}</p>
        </form>
        <div role="status">
            {move || said.get().map(|s| match s {
                Ok(m) => view! { <p class="hint" data-testid="plan-said">{m}</p> }.into_any(),
                Err(m) => view! { <p class="field-error" data-testid="plan-error">{m}</p> }.into_any(),
            })}
        </div>
        <h3>"The person's copy"</h3>
        <p class="hint">"Written to them in plain words, with your contact details from Settings. It has no reference, codes, risks or notes."</p>
        <div class="button-row">
            <button type="button" class="button button--secondary" data-testid="plan-show" aria-expanded=move || showing.get().to_string()
                on:click=move |_| { showing.update(|s| *s = !*s); copied.set(None); }>
                {move || if showing.get() { "Hide the person's copy" } else { "Show the person's copy" }}
            </button>
        </div>
        {move || copy.get().map(|plan| {
            let text = plan.text();
            let printed = plan.clone();
            view! {
                <div class="plan-preview" data-testid="plan-preview">{plan_page(plan)}</div>
                // The copy that prints, on its own A4 page.
                <leptos::portal::Portal>
                    <div class="plan-sheet" aria-hidden="true">{plan_page(printed.clone())}</div>
                </leptos::portal::Portal>
                <div class="button-row">
                    <button type="button" class="button" data-testid="plan-print" on:click=move |_| {
                        if let Some(w) = web_sys::window() { let _ = w.print(); }
                    }>"Print the plan"</button>
                    <button type="button" class="button button--secondary" data-testid="plan-copy"
                        on:click=move |_| copy_text(&text, copied)>"Copy as text"</button>
                </div>
            }
        })}
        <div role="status">{move || copied.get().map(|c| view! { <p class="hint" data-testid="plan-copied">{c}</p> })}</div>
    }
}
