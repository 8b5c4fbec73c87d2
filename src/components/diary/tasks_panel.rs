use leptos::ev;
use leptos::prelude::*;
use linkwork_core::work::diary::{
    message_for, DiaryError, DiaryField, Task, TaskDraft, TaskOwner, MAX_TASK_LEN,
};

use crate::platform::{show_date, today};
use crate::state::use_state;

/// The tasks of a referral or of the workspace: tick one done with a click or Space, add
/// one with its words and an optional due date. Done tasks are kept, folded away.
#[component]
pub fn TasksPanel(
    owner: TaskOwner,
    /// What the add form holds (kept by the page, so it survives moving around and a lock).
    draft: RwSignal<TaskDraft>,
    /// Prefix for element ids, so several lists can share a page.
    #[prop(into)]
    id_prefix: String,
) -> impl IntoView {
    let state = use_state();
    let errors = RwSignal::new(Vec::<DiaryError>::new());
    let tasks = move || {
        state.ws.with(|ws| match owner {
            TaskOwner::Workspace => ws.tasks.clone(),
            TaskOwner::Referral(id) => ws
                .referrals
                .get(&id)
                .map(|r| r.tasks.clone())
                .unwrap_or_default(),
        })
    };
    let open = move || {
        let mut list: Vec<Task> = tasks().into_iter().filter(|t| t.done.is_none()).collect();
        list.sort_by_key(|t| (t.due.is_none(), t.due, t.id));
        list
    };
    let done = move || {
        let mut list: Vec<Task> = tasks().into_iter().filter(|t| t.done.is_some()).collect();
        list.sort_by_key(|t| std::cmp::Reverse((t.done, t.id)));
        list
    };
    let error_for = move |field: DiaryField| move || errors.with(|e| message_for(e, field));
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        match state.add_task(owner, &draft.get_untracked()) {
            Ok(_) => {
                errors.set(Vec::new());
                draft.set(TaskDraft::default());
            }
            Err(e) => errors.set(e),
        }
    };
    let prefix = StoredValue::new(id_prefix);
    let row = move |t: Task| {
        let checkbox = format!("{}-task-{}", prefix.get_value(), t.id);
        let is_done = t.done.is_some();
        let overdue = t.overdue(today());
        let when = match (t.done, t.due) {
            (Some(d), _) => format!("done {}", show_date(d)),
            (None, Some(due)) if overdue => format!("overdue, was due {}", show_date(due)),
            (None, Some(due)) => format!("due {}", show_date(due)),
            (None, None) => String::new(),
        };
        let id = t.id;
        let text = t.text.clone();
        view! {
            <li class="task" class:task--overdue=overdue data-testid="task">
                <input type="checkbox" id=checkbox.clone() prop:checked=is_done data-testid="task-done" disabled=move || state.read_only()
                    on:change=move |e| { let _ = state.set_task_done(owner, id, event_target_checked(&e)); }/>
                <label for=checkbox>
                    <span class="task__text" data-testid="task-text">{t.text.clone()}</span>
                    {(!when.is_empty()).then(|| view! { <span class="task__when" class:badge=overdue class:badge--warn=overdue>{when}</span> })}
                </label>
                <button type="button" class="button button--link button--small" aria-label=format!("Remove the task: {text}") disabled=move || state.read_only()
                    on:click=move |_| { let _ = state.remove_task(owner, id); } data-testid="task-remove">"Remove"</button>
            </li>
        }
    };
    let row_done = row;
    let id = move |name: &str| format!("{}-{name}", prefix.get_value());
    view! {
        <div class="tasks" data-testid="tasks">
            {move || {
                let list = open();
                if list.is_empty() {
                    view! { <p class="muted" data-testid="no-tasks">"Nothing to do here."</p> }.into_any()
                } else {
                    view! { <ul class="task-list" data-testid="open-tasks">{list.into_iter().map(row).collect_view()}</ul> }.into_any()
                }
            }}
            {move || {
                let list = done();
                (!list.is_empty()).then(|| view! {
                    <details class="details">
                        <summary>{format!("Done ({})", list.len())}</summary>
                        <ul class="task-list task-list--done" data-testid="done-tasks">{list.into_iter().map(row_done).collect_view()}</ul>
                    </details>
                })
            }}
            <form class="contact-form task-form" novalidate on:submit=submit data-testid="task-form">
                <div class="contact-form__fields">
                    <div class="field field--grow">
                        <label for=id("text")>"New task"</label>
                        <p class="field-error" id=id("text-error")>{error_for(DiaryField::Text)}</p>
                        <input id=id("text") type="text" autocomplete="off" maxlength=MAX_TASK_LEN data-testid="task-input"
                            aria-describedby=id("text-error")
                            aria-invalid=move || error_for(DiaryField::Text)().is_some().to_string()
                            prop:value=move || draft.with(|d| d.text.clone())
                            on:input=move |e| draft.update(|d| d.text = event_target_value(&e))/>
                    </div>
                    <div class="field">
                        <label for=id("due")>"Due (optional)"</label>
                        <p class="field-error" id=id("due-error")>{error_for(DiaryField::Due)}</p>
                        <input id=id("due") type="date" data-testid="task-due"
                            aria-describedby=id("due-error")
                            aria-invalid=move || error_for(DiaryField::Due)().is_some().to_string()
                            prop:value=move || draft.with(|d| d.due.clone())
                            on:input=move |e| draft.update(|d| d.due = event_target_value(&e))/>
                    </div>
                    <button type="submit" class="button" disabled=move || state.read_only() data-testid="add-task">"Add task"</button>
                </div>
            </form>
        </div>
    }
}
