use leptos::prelude::*;
use linkwork_core::exchange::person_record::{
    person_record_html, person_record_json, record_file_name,
};
use linkwork_core::model::normalise_reference;
use linkwork_core::ReferralId;

use crate::platform::{download, today};
use crate::state::use_state;

/// The person's data rights on their record: the history of edits to the referral's facts,
/// a copy of everything held about them (a web page to read or print, and JSON) for a
/// subject access request, and deleting them completely after typing their reference.
#[component]
pub fn RecordPanel(
    /// The referral whose person this is.
    referral: ReferralId,
) -> impl IntoView {
    let state = use_state();
    let person = move || {
        state
            .ws
            .with(|ws| ws.referrals.get(&referral).map(|r| r.person))
    };
    let reference = move || {
        state.ws.with(|ws| {
            ws.referrals
                .get(&referral)
                .map(|r| ws.reference_of(r.person).to_owned())
                .unwrap_or_default()
        })
    };
    let edits = move || {
        state.ws.with(|ws| {
            let mut list: Vec<_> = ws
                .referrals
                .get(&referral)
                .map(|r| r.edits.clone())
                .unwrap_or_default();
            list.reverse();
            list
        })
    };
    let said = RwSignal::new(None::<Result<String, String>>);
    let export = move |html: bool| {
        let Some(p) = person() else { return };
        let day = today();
        let made = state.ws.with_untracked(|ws| {
            if html {
                person_record_html(ws, p, day)
            } else {
                person_record_json(ws, p, day)
            }
        });
        let name = record_file_name(&reference(), day, if html { "html" } else { "json" });
        said.set(Some(match made {
            Ok(text) => download(&name, &text)
                .map(|()| format!("{name} is downloading. It holds everything about this person: give it to them securely, never by ordinary email."))
                .map_err(|e| format!("The file could not be made: {e}. Try again.")),
            Err(e) => Err(format!("The file could not be made: {e}.")),
        }));
    };
    let deleting = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let matches = move || {
        let r = reference();
        !r.is_empty() && normalise_reference(&typed.get()) == normalise_reference(&r)
    };
    let what_goes = move || {
        state.ws.with(|ws| {
            let Some(p) = ws.referrals.get(&referral).map(|r| r.person) else {
                return (0, 0);
            };
            (ws.referrals_of(p).len(), ws.mentions_of(p).len())
        })
    };
    let delete_error = RwSignal::new(None::<String>);
    let delete = move |_| {
        if !matches() {
            delete_error.set(Some(
                "Type the reference exactly as shown to confirm.".into(),
            ));
            return;
        }
        if let Some(p) = person() {
            if let Err(e) = state.delete_person(p) {
                delete_error.set(Some(e.to_string()));
            }
        }
    };
    view! {
        <section class="panel record-rights" aria-labelledby="rights-heading" data-testid="record-rights">
            <h3 id="rights-heading">"Their record"</h3>
            <h4>"Changes to the referral's details"</h4>
            {move || {
                let list = edits();
                if list.is_empty() {
                    view! { <p class="muted" data-testid="edit-history-empty">"No changes since it was recorded."</p> }.into_any()
                } else {
                    view! {
                        <ul class="edit-history" data-testid="edit-history">
                            {list.into_iter().map(|e| view! {
                                <li>{format!(
                                    "{}{}: {} changed from \u{201c}{}\u{201d} to \u{201c}{}\u{201d}",
                                    e.at.format("%-d %b %Y %H:%M"),
                                    if e.by.is_empty() { String::new() } else { format!(", {}", e.by) },
                                    e.field,
                                    e.from,
                                    e.to
                                )}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <h4>"A copy for the person (subject access request)"</h4>
            <p class="hint">"Everything Linkwork holds about them, every episode included: as a page to read or print, and as JSON."</p>
            <div class="button-row">
                <button type="button" class="button button--secondary" data-testid="export-record-html" on:click=move |_| export(true)>"Download their record (web page)"</button>
                <button type="button" class="button button--secondary" data-testid="export-record-json" on:click=move |_| export(false)>"Download their record (JSON)"</button>
            </div>
            <div role="status">{move || said.get().map(|s| match s {
                Ok(m) => view! { <p class="hint" data-testid="export-record-done">{m}</p> }.into_any(),
                Err(m) => view! { <p class="field-error">{m}</p> }.into_any(),
            })}</div>
            <h4>"Delete this person"</h4>
            <Show when=move || deleting.get() fallback=move || view! {
                <button type="button" class="button button--secondary" disabled=move || state.read_only()
                    data-testid="delete-person" on:click=move |_| deleting.set(true)>"Delete this person…"</button>
            }>
                <div class="notice notice--warn" data-testid="delete-person-confirm">
                    <p>{move || {
                        let (episodes, mentions) = what_goes();
                        format!(
                            "This deletes {} and all {} of their episodes: contacts, appointments, tasks, notes, risks, consent, plan, outcomes and feedback. It cannot be undone.{}",
                            reference(),
                            episodes,
                            if mentions == 0 { String::new() } else { format!(" Their reference is also in {mentions} note(s) elsewhere (your own tasks, practice work or the directory): it will be replaced there by \u{201c}[person deleted]\u{201d}.") }
                        )
                    }}</p>
                    <p>"Summaries already made are counts only and are not affected. Copies made before (backups, exported files) are not reached: delete those too."</p>
                    <div class="field">
                        <label for="delete-person-typed">{move || format!("Type {} to confirm", reference())}</label>
                        <p class="field-error" id="delete-person-error">{move || delete_error.get()}</p>
                        <input id="delete-person-typed" type="text" autocomplete="off" data-testid="delete-person-typed"
                            aria-describedby="delete-person-error"
                            prop:value=move || typed.get() on:input=move |e| { typed.set(event_target_value(&e)); delete_error.set(None); }/>
                    </div>
                    <div class="button-row">
                        <button type="button" class="button button--danger" data-testid="delete-person-confirmed" on:click=delete>
                            {move || format!("Delete everything about {}", reference())}
                        </button>
                        <button type="button" class="button button--secondary" on:click=move |_| { deleting.set(false); typed.set(String::new()); delete_error.set(None); }>"Cancel"</button>
                    </div>
                </div>
            </Show>
        </section>
    }
}
