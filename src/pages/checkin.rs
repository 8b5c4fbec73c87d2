//! A practice integration check-in.

use leptos::ev;
use leptos::prelude::*;
use linkwork_core::work::practice_work::{
    CheckIn, Construct, Continuum, InPlace, WorkError, WorkerChanges, AGREEMENT, CHECKLIST,
    STATEMENTS,
};
use linkwork_core::{Choice, PracticeId};

use crate::components::common::error_summary::ErrorSummary;
use crate::platform::today;
use crate::route::{self, Route};
use crate::state::{use_state, Notice};

/// The check-in form for one practice.
#[component]
pub fn CheckInPage(
    /// The practice checked in with.
    practice: PracticeId,
) -> impl IntoView {
    let state = use_state();
    let name = state
        .ws
        .with_untracked(|ws| ws.settings.practice(practice).map(|p| p.name.clone()));
    let form = RwSignal::new(CheckIn::blank(practice, today()));
    let date_text = RwSignal::new(today().to_string());
    let error = RwSignal::new(None::<WorkError>);
    let summary = Signal::derive(move || {
        error
            .get()
            .map(|e| {
                let field = match e {
                    WorkError::BadDate => "checkin-date",
                    _ => "checkin-statements",
                };
                vec![(field.to_owned(), e.to_string())]
            })
            .unwrap_or_default()
    });
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let Ok(date) = date_text.get_untracked().parse() else {
            error.set(Some(WorkError::BadDate));
            return;
        };
        let mut checkin = form.get_untracked();
        checkin.date = date;
        match state.add_checkin(checkin) {
            Ok(_) => {
                error.set(None);
                state.notice.set(Some(Notice {
                    text: "Check-in saved.".into(),
                    on: Route::Practices,
                }));
                route::go(Route::Practices);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let text_field = move |id: &'static str,
                           label: &'static str,
                           get: fn(&CheckIn) -> String,
                           set: fn(&mut CheckIn, String)| {
        view! {
            <div class="field field--wide">
                <label for=id>{label}</label>
                <textarea autocomplete="off" id=id rows="3" data-testid=id
                    prop:value=move || form.with(get)
                    on:input=move |e| {
                        let v = event_target_value(&e);
                        form.update(|f| set(f, v));
                    }></textarea>
            </div>
        }
    };

    let Some(name) = name else {
        return view! {
            <h1>"Practice not found"</h1>
            <p><a href=Route::Practices.href()>"Back to the practices"</a></p>
        }
        .into_any();
    };
    view! {
        <div class="page-head">
            <p><a href=Route::Practices.href()>"Practices"</a></p>
            <h1>{format!("Check-in: {name}")}</h1>
            <p class="muted">"A few minutes, every few months: how is the link worker role settling in here? Rate what you can; leave out what you cannot say."</p>
        </div>
        <ErrorSummary errors=summary/>
        <form class="form checkin-form" novalidate on:submit=submit data-testid="checkin-form">
            <div class="form-grid">
                <div class="field">
                    <label for="checkin-date">"Date"</label>
                    <input id="checkin-date" type="date" max=today().to_string() data-testid="checkin-date"
                        prop:value=move || date_text.get()
                        on:input=move |e| date_text.set(event_target_value(&e))/>
                </div>
                <div class="field field--check">
                    <div class="checkbox">
                        <input type="checkbox" id="checkin-lead" data-testid="checkin-lead"
                            prop:checked=move || form.with(|f| f.with_lead)
                            on:change=move |e| form.update(|f| f.with_lead = event_target_checked(&e))/>
                        <label for="checkin-lead">"Completed with the practice lead"</label>
                    </div>
                </div>
            </div>

            <h2 id="checkin-statements" tabindex="-1">"How far do you agree?"</h2>
            {Construct::ALL.iter().map(|c| view! {
                <h3>{c.label()}</h3>
                {STATEMENTS.iter().filter(|s| s.construct == *c).map(|s| {
                    let sid = s.id;
                    view! {
                        <fieldset class="choice-row statement" data-testid=format!("statement-{sid}")>
                            <legend>{s.text}</legend>
                            {(1u8..=5).zip(AGREEMENT).map(|(value, words)| {
                                let id = format!("rate-{sid}-{value}");
                                view! {
                                    <div class="radio">
                                        <input type="radio" name=format!("rate-{sid}") id=id.clone() value=value.to_string()
                                            data-testid=id.clone()
                                            prop:checked=move || form.with(|f| f.ratings.get(sid) == Some(&value))
                                            on:change=move |_| form.update(|f| { f.ratings.insert(sid.to_owned(), value); })/>
                                        <label for=id>{words}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                    }
                }).collect_view()}
            }).collect_view()}

            <h2>"What is in place"</h2>
            <div class="form-grid">
                {CHECKLIST.iter().map(|(item, label)| {
                    let item = *item;
                    let id = format!("check-{item}");
                    view! {
                        <div class="field">
                            <label for=id.clone()>{*label}</label>
                            <select id=id.clone() data-testid=id on:change=move |e| {
                                let v = event_target_value(&e);
                                form.update(|f| match InPlace::from_code(&v) {
                                    Some(answer) => { f.checklist.insert(item.to_owned(), answer); }
                                    None => { f.checklist.remove(item); }
                                });
                            }>
                                <option value="">"Not known"</option>
                                {InPlace::ALL.iter().map(|a| view! { <option value=a.code()>{a.label()}</option> }).collect_view()}
                            </select>
                        </div>
                    }
                }).collect_view()}
            </div>

            <fieldset class="choice-row" data-testid="continuum">
                <legend>"Where does the role sit in this practice today?"</legend>
                {Continuum::ALL.iter().map(|c| {
                    let c = *c;
                    let id = format!("continuum-{}", c.code());
                    view! {
                        <div class="radio">
                            <input type="radio" name="continuum" id=id.clone() data-testid=id.clone()
                                prop:checked=move || form.with(|f| f.continuum == Some(c))
                                on:change=move |_| form.update(|f| f.continuum = Some(c))/>
                            <label for=id>{c.label()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>

            <fieldset class="choice-row">
                <legend>"Link worker changes since the last check-in"</legend>
                {[("handover", "Handover to a new link worker"), ("cover", "Cover by another link worker"), ("absence", "An absence")].into_iter().map(|(what, label)| {
                    let id = format!("change-{what}");
                    let get = move |c: &WorkerChanges| match what { "handover" => c.handover, "cover" => c.cover, _ => c.absence };
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=id.clone() data-testid=id.clone()
                                prop:checked=move || form.with(|f| get(&f.changes))
                                on:change=move |e| {
                                    let on = event_target_checked(&e);
                                    form.update(|f| match what {
                                        "handover" => f.changes.handover = on,
                                        "cover" => f.changes.cover = on,
                                        _ => f.changes.absence = on,
                                    });
                                }/>
                            <label for=id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            {text_field("checkin-changes-note", "About those changes (optional)", |f| f.changes.note.clone(), |f, v| f.changes.note = v)}
            {text_field("checkin-competing", "Other initiatives competing for the practice's attention (optional)", |f| f.competing.clone(), |f, v| f.competing = v)}
            {text_field("checkin-helped", "What helped", |f| f.helped.clone(), |f, v| f.helped = v)}
            {text_field("checkin-hindered", "What got in the way", |f| f.got_in_the_way.clone(), |f, v| f.got_in_the_way = v)}
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || state.read_only() data-testid="save-checkin">"Save the check-in"</button>
                <a href=Route::Practices.href()>"Cancel"</a>
            </div>
        </form>
    }
    .into_any()
}
