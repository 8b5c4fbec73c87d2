use leptos::ev;
use leptos::prelude::*;
use linkwork_core::work::measures::{
    baseline_and_latest, changes, with_band, Completion, Instrument, MeasureDraft, MeasureResult,
    TimePoint, MAX_GOALS,
};
use linkwork_core::{Choice, ReferralId};

use crate::components::outcomes::change_chart::ChangeChart;
use crate::platform::{show_date, today};
use crate::state::use_state;

/// How the measure was (or was not) answered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Answers,
    Declined,
    NotAppropriate,
}

/// Goals, outcome measures (with change from baseline) for a referral.
#[component]
pub fn OutcomesPanel(
    /// The referral.
    referral: ReferralId,
) -> impl IntoView {
    let state = use_state();
    let instruments = move || state.ws.with(|ws| ws.instruments());
    let instrument_id = RwSignal::new("ons4".to_owned());
    let current = move || {
        let id = instrument_id.get();
        state.ws.with(|ws| {
            ws.referrals
                .get(&referral)
                .and_then(|r| ws.instrument_for(&id, r))
        })
    };
    let has_baseline = move || {
        let id = instrument_id.get();
        state.ws.with(|ws| {
            ws.referrals
                .get(&referral)
                .is_some_and(|r| r.measures.iter().any(|m| m.instrument == id))
        })
    };
    let time_point = RwSignal::new(TimePoint::Baseline);
    Effect::new(move |_| {
        time_point.set(if has_baseline() {
            TimePoint::Review
        } else {
            TimePoint::Baseline
        })
    });
    let date = RwSignal::new(today().format("%Y-%m-%d").to_string());
    let completion = RwSignal::new(Completion::SelfCompleted);
    let mode = RwSignal::new(Mode::Answers);
    let reason = RwSignal::new(String::new());
    let answers = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        let n = current().map_or(0, |i| i.items.len());
        answers.set(vec![String::new(); n]);
    });
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);

    let save = move |e: ev::SubmitEvent| {
        e.prevent_default();
        saved.set(false);
        let result = match mode.get_untracked() {
            Mode::Declined => MeasureResult::Declined {
                reason: reason.get_untracked().trim().to_owned(),
            },
            Mode::NotAppropriate => MeasureResult::NotAppropriate {
                reason: reason.get_untracked().trim().to_owned(),
            },
            Mode::Answers => {
                let parsed: Option<Vec<u8>> = answers
                    .get_untracked()
                    .iter()
                    .map(|a| a.trim().parse::<u8>().ok())
                    .collect();
                match parsed {
                    Some(a) => MeasureResult::Answers { answers: a },
                    None => {
                        error.set(Some("Answer every item with a whole number, or record it as declined or not appropriate now.".into()));
                        return;
                    }
                }
            }
        };
        let draft = MeasureDraft {
            instrument: instrument_id.get_untracked(),
            time_point: time_point.get_untracked(),
            date: date.get_untracked(),
            completion: completion.get_untracked(),
            result,
        };
        match state.record_measure(referral, &draft) {
            Ok(()) => {
                error.set(None);
                saved.set(true);
                let n = answers.with_untracked(Vec::len);
                answers.set(vec![String::new(); n]);
                reason.set(String::new());
                mode.set(Mode::Answers);
                // Every choice starts afresh for the next questionnaire.
                completion.set(Completion::SelfCompleted);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };

    // Goals.
    let goals = RwSignal::new(state.ws.with_untracked(|ws| {
        let mut g = ws
            .referrals
            .get(&referral)
            .map(|r| r.goals.clone())
            .unwrap_or_default();
        g.resize(MAX_GOALS, String::new());
        g
    }));
    let goals_saved = RwSignal::new(false);
    let save_goals = move |e: ev::SubmitEvent| {
        e.prevent_default();
        goals_saved.set(state.set_goals(referral, &goals.get_untracked()).is_ok());
    };

    let records = move || {
        state.ws.with(|ws| {
            let Some(r) = ws.referrals.get(&referral) else {
                return Vec::new();
            };
            let mut list: Vec<_> = r
                .measures
                .iter()
                .map(|m| {
                    let name = ws
                        .instrument_for(&m.instrument, r)
                        .map_or(m.instrument.clone(), |i| i.name);
                    let result = match &m.result {
                        MeasureResult::Answers { answers } => {
                            ws.instrument_for(&m.instrument, r).map_or_else(
                                || {
                                    answers
                                        .iter()
                                        .map(ToString::to_string)
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                },
                                |inst| inst.describe_answers(answers),
                            )
                        }
                        MeasureResult::Declined { reason } => format!(
                            "Declined by the person{}",
                            if reason.is_empty() {
                                String::new()
                            } else {
                                format!(": {reason}")
                            }
                        ),
                        MeasureResult::NotAppropriate { reason } => format!(
                            "Not appropriate now{}",
                            if reason.is_empty() {
                                String::new()
                            } else {
                                format!(": {reason}")
                            }
                        ),
                    };
                    (
                        m.date,
                        name,
                        m.time_point.label(),
                        // How it was completed means nothing when it was not.
                        if matches!(m.result, MeasureResult::Answers { .. }) {
                            m.completion.label()
                        } else {
                            "–"
                        },
                        result,
                    )
                })
                .collect();
            linkwork_core::model::order::sort_by_key(&mut list, |m| std::cmp::Reverse(m.0));
            list
        })
    };
    let change_tables = move || {
        state.ws.with(|ws| {
            let Some(r) = ws.referrals.get(&referral) else {
                return Vec::new();
            };
            ws.instruments()
                .into_iter()
                .filter_map(|i| {
                    let inst = ws.instrument_for(&i.id, r)?;
                    let (b, l) = baseline_and_latest(r, &inst.id)?;
                    Some((
                        inst.name.clone(),
                        show_date(b.date),
                        show_date(l.date),
                        changes(&inst, b, l, ws.threshold(&inst)),
                        inst.min,
                        inst.max,
                    ))
                })
                .collect::<Vec<_>>()
        })
    };

    view! {
        <div class="outcomes" data-testid="outcomes">
            <form class="form-plain goals-form" on:submit=save_goals data-testid="goals-form">
                <fieldset class="field">
                    <legend>"Goals, in the person's own words (up to three)"</legend>
                    {(0..MAX_GOALS).map(|i| view! {
                        <label class="visually-hidden" for=format!("goal-{i}")>{format!("Goal {}", i + 1)}</label>
                        <input autocomplete="off" id=format!("goal-{i}") type="text" placeholder=format!("Goal {}", i + 1) data-testid=format!("goal-{i}")
                            prop:value=move || goals.with(|g| g.get(i).cloned().unwrap_or_default())
                            on:input=move |e| { let v = event_target_value(&e); goals.update(|g| g[i] = v); }/>
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button button--small button--secondary" disabled=move || state.read_only() data-testid="save-goals">"Save goals"</button>
                <Show when=move || goals_saved.get()><span class="hint" role="status">" Saved."</span></Show>
            </form>

            <form class="measure-form" novalidate on:submit=save data-testid="measure-form">
                <div class="inline-form">
                    <div class="field">
                        <label for="m-instrument">"Questionnaire"</label>
                        <select id="m-instrument" data-testid="measure-instrument" on:change=move |e| instrument_id.set(event_target_value(&e))>
                            {move || instruments().into_iter().map(|i| {
                                let key = i.id.clone();
                                view! { <option value=i.id.clone() selected=move || instrument_id.with(|c| *c == key)>{i.name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="m-time">"Time point"</label>
                        <select id="m-time" data-testid="measure-time-point" on:change=move |e| {
                            if let Some(t) = TimePoint::from_code(&event_target_value(&e)) { time_point.set(t) }
                        }>
                            {TimePoint::ALL.iter().map(|t| { let t = *t; view! { <option value=t.code() selected=move || time_point.get() == t>{t.label()}</option> } }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="m-date">"Date"</label>
                        <input id="m-date" type="date" data-testid="measure-date" prop:value=move || date.get() on:input=move |e| date.set(event_target_value(&e))/>
                    </div>
                    <Show when=move || mode.get() == Mode::Answers>
                    <div class="field">
                        <label for="m-completion">"Completed"</label>
                        <select id="m-completion" data-testid="measure-completion" on:change=move |e| {
                            if let Some(c) = Completion::from_code(&event_target_value(&e)) { completion.set(c) }
                        }>
                            {Completion::ALL.iter().map(|c| { let c = *c; view! { <option value=c.code() selected=move || completion.get() == c>{c.label()}</option> } }).collect_view()}
                        </select>
                    </div>
                    </Show>
                </div>
                <fieldset class="field">
                    <legend>"Result"</legend>
                    <div class="choice-row">
                        {[(Mode::Answers, "Answered", "mode-answers"), (Mode::Declined, "Declined by the person", "mode-declined"), (Mode::NotAppropriate, "Not appropriate now", "mode-not-appropriate")].into_iter().map(|(m, label, testid)| view! {
                            <div class="radio">
                                <input type="radio" name="measure-mode" id=testid data-testid=testid prop:checked=move || mode.get() == m on:change=move |_| mode.set(m)/>
                                <label for=testid>{label}</label>
                            </div>
                        }).collect_view()}
                    </div>
                </fieldset>
                {move || match (mode.get(), current()) {
                    (Mode::Answers, Some(inst)) => items_view(inst, answers).into_any(),
                    (Mode::Answers, None) => ().into_any(),
                    _ => view! {
                        <div class="field">
                            <label for="m-reason">"Reason (optional)"</label>
                            <input autocomplete="off" id="m-reason" type="text" data-testid="measure-reason" prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e))/>
                        </div>
                    }.into_any(),
                }}
                {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="measure-error">{e}</p> })}
                <button type="submit" class="button" disabled=move || state.read_only() data-testid="save-measure">"Save measure"</button>
                <Show when=move || saved.get()><span class="hint" role="status" data-testid="measure-saved">" Saved."</span></Show>
            </form>

            {move || change_tables().into_iter().map(|(name, from, to, rows, min, max)| view! {
                <div class="change" data-testid="change">
                    <h3>{format!("{name}: {from} to {to}")}</h3>
                    <ChangeChart rows=rows.clone() min=min max=max/>
                    <table class="table table--compact" data-testid="change-table">
                        <caption class="visually-hidden">{format!("{name}: change from baseline to latest")}</caption>
                        <thead><tr><th scope="col">"Item"</th><th scope="col" class="num">"Baseline"</th><th scope="col" class="num">"Latest"</th><th scope="col" class="num">"Change"</th><th scope="col">"Meaningful?"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|c| view! {
                                <tr>
                                    <td>{c.label}</td>
                                    <td class="num">{with_band(c.baseline, c.baseline_band.as_deref())}</td>
                                    <td class="num">{with_band(c.latest, c.latest_band.as_deref())}</td>
                                    <td class="num">{format!("{:+}", round2(c.change))}</td>
                                    <td>{match c.meaningful { Some(true) => "Better", Some(false) => "Worse", None => "–" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }).collect_view()}

            <Show when=move || records().is_empty()>
                <p class="muted" data-testid="no-measures">"No questionnaires recorded yet."</p>
            </Show>
            <Show when=move || !records().is_empty()>
            <table class="table table--compact" data-testid="measures-table">
                <caption class="visually-hidden">"Outcome measures recorded"</caption>
                <thead><tr><th scope="col">"Date"</th><th scope="col">"Questionnaire"</th><th scope="col">"Time point"</th><th scope="col">"Completed"</th><th scope="col">"Result"</th></tr></thead>
                <tbody>
                    {move || records().into_iter().map(|(d, name, tp, completed, result)| view! {
                        <tr data-testid="measure-row"><td>{show_date(d)}</td><td>{name}</td><td>{tp}</td><td>{completed}</td><td>{result}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            </Show>
        </div>
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Number inputs for every item, labelled with its wording (or Item N) and range.
fn items_view(inst: Instrument, answers: RwSignal<Vec<String>>) -> impl IntoView {
    let (min, max) = (inst.min, inst.max);
    view! {
        <div class="items" data-testid="measure-items">
            {inst.items.iter().enumerate().map(|(i, item)| {
                let id = format!("m-item-{i}");
                let hint = if item.low_label.is_empty() { format!("{min} to {max}") } else { format!("{min} = {}, {max} = {}", item.low_label, item.high_label) };
                view! {
                    <div class="field item-field">
                        <label for=id.clone()>{inst.item_label(i)}</label>
                        <span class="hint">{hint}</span>
                        <input id=id type="text" inputmode="numeric" class="input--short" autocomplete="off" data-testid=format!("measure-item-{i}")
                            prop:value=move || answers.with(|a| a.get(i).cloned().unwrap_or_default())
                            on:input=move |e| { let v = event_target_value(&e); answers.update(|a| if let Some(x) = a.get_mut(i) { *x = v }); }/>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}
