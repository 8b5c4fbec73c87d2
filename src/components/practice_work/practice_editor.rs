use leptos::ev;
use leptos::prelude::*;
use linkwork_core::{Practice, PracticeId};

use crate::platform::{show_count, BrowserIds};
use crate::state::use_state;
use linkwork_core::Random;

/// Why a practice could not be added or changed.
fn check(
    practices: &[Practice],
    name: &str,
    size: &str,
    except: Option<PracticeId>,
) -> Result<(String, Option<u32>), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Enter the practice name.".into());
    }
    if practices
        .iter()
        .any(|p| Some(p.id) != except && p.name.eq_ignore_ascii_case(name))
    {
        return Err(format!("\u{201c}{name}\u{201d} is already in the list."));
    }
    let size = size.trim().replace([',', ' '], "");
    let list_size = if size.is_empty() {
        None
    } else {
        match size.parse::<u32>() {
            Ok(n) if (1..=200_000).contains(&n) => Some(n),
            _ => {
                return Err(
                    "Enter the list size as a whole number of patients, for example 8500.".into(),
                )
            }
        }
    };
    Ok((name.to_owned(), list_size))
}

/// Adds, renames and retires practices.
#[component]
pub fn PracticeEditor() -> impl IntoView {
    let state = use_state();
    let name = RwSignal::new(String::new());
    let size = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let result = state.update_settings(|s| {
            let (n, l) = check(
                &s.practices,
                &name.get_untracked(),
                &size.get_untracked(),
                None,
            )?;
            s.practices.push(Practice {
                id: PracticeId::from_random(BrowserIds.bytes16()),
                name: n,
                list_size: l,
                retired: false,
            });
            Ok::<(), String>(())
        });
        match result {
            Ok(()) => {
                name.set(String::new());
                size.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <section class="panel" aria-labelledby="practices-heading">
            <h2 id="practices-heading">"Practices"</h2>
            <ul class="item-list" data-testid="practice-list">
                {move || state.ws.with(|ws| ws.settings.practices.iter().map(|p| view! { <PracticeRow practice=p.clone()/> }).collect_view())}
            </ul>
            <form class="inline-form" on:submit=add data-testid="add-practice">
                <div class="field" class:field--error=move || error.get().is_some()>
                    <label for="practice-name">"Practice name"</label>
                    {move || error.get().map(|e| view! { <p class="field-error" id="practice-error" data-testid="practice-error">{e}</p> })}
                    <input id="practice-name" type="text" autocomplete="off" aria-describedby="practice-error"
                        aria-invalid=move || error.get().is_some().to_string()
                        prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) data-testid="practice-name"/>
                </div>
                <div class="field">
                    <label for="practice-size">"Registered list size (optional)"</label>
                    <input id="practice-size" type="text" inputmode="numeric" autocomplete="off"
                        prop:value=move || size.get() on:input=move |e| size.set(event_target_value(&e)) data-testid="practice-size"/>
                </div>
                <button type="submit" class="button" disabled=move || state.read_only() data-testid="add-practice-button">"Add practice"</button>
            </form>
        </section>
    }
}

/// One practice, with rename and retire.
#[component]
fn PracticeRow(
    /// The practice shown.
    practice: Practice,
) -> impl IntoView {
    let state = use_state();
    let editing = RwSignal::new(false);
    let name = RwSignal::new(practice.name.clone());
    let size = RwSignal::new(
        practice
            .list_size
            .map(|n| n.to_string())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<String>);
    let id = practice.id;
    let save = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let result = state.update_settings(|s| {
            let (n, l) = check(
                &s.practices,
                &name.get_untracked(),
                &size.get_untracked(),
                Some(id),
            )?;
            if let Some(p) = s.practices.iter_mut().find(|p| p.id == id) {
                p.name = n;
                p.list_size = l;
            }
            Ok::<(), String>(())
        });
        match result {
            Ok(()) => editing.set(false),
            Err(e) => error.set(Some(e)),
        }
    };
    let retired = practice.retired;
    let toggle_retired = move |_| {
        let _ = state.update_settings(|s| {
            if let Some(p) = s.practices.iter_mut().find(|p| p.id == id) {
                p.retired = !retired;
            }
            Ok::<(), String>(())
        });
    };
    let label = format!(
        "{}{}",
        practice
            .list_size
            .map(|n| format!("{} registered patients", show_count(n)))
            .unwrap_or_else(|| "List size not recorded".into()),
        if retired {
            " · hidden from new referrals"
        } else {
            ""
        }
    );
    let field_id = format!("practice-{id}");
    view! {
        <li class="item" class:item--retired=retired>
            <Show when=move || editing.get() fallback={
                let practice_name = practice.name.clone();
                let label = label.clone();
                move || view! {
                    <span class="item__name">{practice_name.clone()}</span>
                    <span class="muted">{label.clone()}</span>
                    <span class="item__actions">
                        <button type="button" class="button button--small button--secondary" on:click=move |_| editing.set(true)
                            disabled=move || state.read_only()>"Edit"</button>
                        <button type="button" class="button button--small button--secondary" on:click=toggle_retired
                            disabled=move || state.read_only()>{if retired { "Show again" } else { "Hide" }}</button>
                    </span>
                }
            }>
                <form class="inline-form" on:submit=save>
                    <div class="field">
                        <label for=field_id.clone()>"Practice name"</label>
                        {move || error.get().map(|e| view! { <p class="field-error">{e}</p> })}
                        <input autocomplete="off" id=field_id.clone() type="text" prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
                    </div>
                    <div class="field">
                        <label for=format!("{field_id}-size")>"List size"</label>
                        <input autocomplete="off" id=format!("{field_id}-size") type="text" inputmode="numeric" prop:value=move || size.get() on:input=move |e| size.set(event_target_value(&e))/>
                    </div>
                    <button type="submit" class="button button--small">"Save"</button>
                    <button type="button" class="button button--small button--secondary" on:click=move |_| editing.set(false)>"Cancel"</button>
                </form>
            </Show>
        </li>
    }
}
