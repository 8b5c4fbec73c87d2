use leptos::prelude::*;
use linkwork_core::exchange::handover::HandoverFileError;
use linkwork_core::work::handover::{Handover, HandoverError, Preview};

use crate::components::common::field_error::FieldError;
use crate::platform::{file_text, show_date};
use crate::route::Route;
use crate::state::{use_state, HandoverProblem, Notice};

/// Opens a colleague's handover file with its code, shows what receiving it would do, and
/// receives it (all of it, or nothing) once confirmed.
#[component]
pub fn ReceiveForm() -> impl IntoView {
    let state = use_state();
    let code = RwSignal::new(String::new());
    let file_error = RwSignal::new(None::<String>);
    let code_error = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let opened = RwSignal::new(None::<(Handover, Preview)>);
    let busy = RwSignal::new(false);
    let file_input = NodeRef::<leptos::html::Input>::new();

    let open = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        file_error.set(None);
        code_error.set(None);
        error.set(None);
        opened.set(None);
        let chosen = file_input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        let Some(file) = chosen else {
            file_error.set(Some("Choose the handover file your colleague sent.".into()));
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let name = file.name();
            let Some(text) = file_text(&file).await else {
                busy.set(false);
                file_error.set(Some(format!("{name} could not be read. Save it to this computer again, then choose it here.")));
                return;
            };
            match state.open_handover(&name, &text, &code.get_untracked()) {
                Ok(o) => opened.set(Some(o)),
                Err(HandoverProblem::File(
                    e @ (HandoverFileError::CodeShape | HandoverFileError::WrongCode(_)),
                )) => {
                    code_error.set(Some(e.to_string()));
                }
                Err(HandoverProblem::File(e)) => file_error.set(Some(e.to_string())),
                Err(HandoverProblem::Handover(
                    e @ (HandoverError::Damaged(_) | HandoverError::FromHere),
                )) => {
                    file_error.set(Some(format!("{name}: {e}")));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let receive = move |_| {
        let Some((handover, preview)) = opened.get_untracked() else {
            return;
        };
        match state.receive_handover(&handover, &preview) {
            Ok(()) => {
                opened.set(None);
                code.set(String::new());
                let n = preview.people.len();
                state.notice.set(Some(Notice {
                    text: format!(
                        "Received {} from {}.",
                        if n == 1 {
                            "1 person".to_owned()
                        } else {
                            format!("{n} people")
                        },
                        preview.from
                    ),
                    on: Route::Handover,
                }));
            }
            Err(e) => {
                if matches!(e, HandoverProblem::Handover(HandoverError::Changed)) {
                    opened.set(None);
                }
                error.set(Some(e.to_string()));
            }
        }
    };
    view! {
        <section class="panel" aria-labelledby="receive-heading">
            <h2 id="receive-heading">"Receive a handover"</h2>
            <p>"Choose the file your colleague sent and type the code they gave you. You will see who is in it and what will happen before anything changes."</p>
            <form class="form-plain" novalidate on:submit=open data-testid="receive-form">
                <div class="field">
                    <label for="receive-file">"Handover file"</label>
                    <FieldError id="receive-file-error".into() message=file_error/>
                    <input id="receive-file" type="file" accept=".json,application/json" node_ref=file_input data-testid="receive-file"
                        aria-describedby="receive-file-error"/>
                </div>
                <div class="field">
                    <label for="receive-code">"Handover code"</label>
                    <p class="hint" id="receive-code-hint">"16 letters and digits, like ABCD-EFGH-JKLM-NPQR."</p>
                    <FieldError id="receive-code-error".into() message=code_error/>
                    <input id="receive-code" type="text" autocomplete="off" spellcheck="false" class="input--code" data-testid="receive-code"
                        aria-describedby="receive-code-hint receive-code-error"
                        aria-invalid=move || code_error.with(Option::is_some).to_string()
                        prop:value=move || code.get()
                        on:input=move |e| code.set(event_target_value(&e))/>
                </div>
                <button type="submit" class="button button--secondary" disabled=move || busy.get() data-testid="open-handover">"Open the file"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="receive-error">{e}</p> })}
            {move || opened.get().map(|(_, p)| {
                let n = p.people.len();
                view! {
                    <div class="import-plan" data-testid="handover-preview">
                        <h3>{format!("From {}, made {}", p.from, show_date(p.made.date_naive()))}</h3>
                        <div class="table-wrap">
                            <table class="table" data-testid="preview-people">
                                <caption class="visually-hidden">"People in the handover and what will happen to their records"</caption>
                                <thead><tr>
                                    <th scope="col">"Reference here"</th>
                                    <th scope="col">"Their reference"</th>
                                    <th scope="col">"What will happen"</th>
                                    <th scope="col" class="num">"Episodes"</th>
                                </tr></thead>
                                <tbody>
                                    {p.people.iter().map(|person| view! {
                                        <tr data-testid="preview-person">
                                            <td>{person.reference.clone()}</td>
                                            <td>{person.their_reference.clone()}</td>
                                            <td>{person.what.words()}{(!person.note.is_empty()).then(|| view! { <p class="muted">{person.note.clone()}</p> })}</td>
                                            <td class="num">{person.referrals}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {(!p.new_practices.is_empty()).then(|| view! {
                            <p>{format!("Practices added: {}.", p.new_practices.join(", "))}</p>
                        })}
                        {(!p.new_list_items.is_empty()).then(|| view! {
                            <p>{format!("List entries added: {}.", p.new_list_items.join("; "))}</p>
                        })}
                        {(p.new_resources > 0).then(|| view! {
                            <p>{format!("Directory entries added: {}.", p.new_resources)}</p>
                        })}
                        {(p.conflicts > 0).then(|| view! {
                            <p class="warning-text" data-testid="preview-conflicts">{format!(
                                "{} changed here and in {}'s copy. Both values are kept, and the referral shows \u{201c}Changed in two places\u{201d} for you to choose.",
                                if p.conflicts == 1 { "1 value was".to_owned() } else { format!("{} values were", p.conflicts) },
                                p.from
                            )}</p>
                        })}
                        {if p.nothing_new {
                            view! {
                                <p data-testid="preview-nothing-new">"Everything in this file is here already: receiving it would change nothing."</p>
                                <button type="button" class="button button--secondary" on:click=move |_| opened.set(None)>"Close"</button>
                            }.into_any()
                        } else {
                            view! {
                                <div class="button-row">
                                    <button type="button" class="button" disabled=move || state.read_only() on:click=receive data-testid="confirm-receive">
                                        {if n == 1 { "Receive 1 person".to_owned() } else { format!("Receive {n} people") }}
                                    </button>
                                    <button type="button" class="button button--secondary" on:click=move |_| opened.set(None)>"Cancel"</button>
                                </div>
                            }.into_any()
                        }}
                    </div>
                }
            })}
        </section>
    }
}
