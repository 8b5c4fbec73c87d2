use leptos::ev;
use leptos::prelude::*;
use linkwork_core::model::consent::{ConsentAbout, ConsentAnswer, ConsentHow};
use linkwork_core::views::conflicts::{
    consent_about_words as about_words, consent_answer_words as answer_words,
};
use linkwork_core::work::consent::{ConsentDraft, ConsentError};
use linkwork_core::{Choice, ReferralId};

use crate::platform::{show_date, today};
use crate::state::use_state;

/// A stable code for an answer's topic, for the form's select.
fn about_code(about: ConsentAbout) -> String {
    match about {
        ConsentAbout::Support => "support".into(),
        ConsentAbout::GpInformation => "gp".into(),
        ConsentAbout::Outcomes => "outcomes".into(),
        ConsentAbout::Quote => "quote".into(),
        ConsentAbout::Connection(id) => format!("connection-{id}"),
    }
}

fn about_from(code: &str) -> Option<ConsentAbout> {
    Some(match code {
        "support" => ConsentAbout::Support,
        "gp" => ConsentAbout::GpInformation,
        "outcomes" => ConsentAbout::Outcomes,
        "quote" => ConsentAbout::Quote,
        other => ConsentAbout::Connection(other.strip_prefix("connection-")?.parse().ok()?),
    })
}

fn answer_code(answer: ConsentAnswer) -> &'static str {
    match answer {
        ConsentAnswer::Yes => "yes",
        ConsentAnswer::CodesOnly => "codes_only",
        ConsentAnswer::No => "no",
    }
}

/// What the person agreed to: the answer in force on each topic (support, information to
/// the GP, each onward referral, outcome sharing, quotes) and a form to record an answer or
/// a withdrawal, which is a dated entry that never deletes the earlier ones. The history of
/// every answer is underneath.
#[component]
pub fn ConsentPanel(
    /// The referral.
    referral: ReferralId,
) -> impl IntoView {
    let state = use_state();
    let fresh = || ConsentDraft {
        date: today().format("%Y-%m-%d").to_string(),
        about: ConsentAbout::Support,
        answer: ConsentAnswer::Yes,
        how: ConsentHow::Verbal,
    };
    let draft = RwSignal::new(fresh());
    let error = RwSignal::new(None::<ConsentError>);
    let said = RwSignal::new(None::<String>);
    let topics = move || {
        state.ws.with(|ws| {
            let Some(r) = ws.referrals.get(&referral) else {
                return Vec::new();
            };
            let mut topics = vec![ConsentAbout::Support, ConsentAbout::GpInformation];
            topics.extend(r.connections.iter().map(|c| ConsentAbout::Connection(c.id)));
            topics.extend([ConsentAbout::Outcomes, ConsentAbout::Quote]);
            topics
                .into_iter()
                .map(|about| {
                    let now = r.consent(about).map(|e| (e.answer, e.date, e.how));
                    (about, about_words(r, about), now)
                })
                .collect::<Vec<_>>()
        })
    };
    let history = move || {
        state.ws.with(|ws| {
            let Some(r) = ws.referrals.get(&referral) else {
                return Vec::new();
            };
            let mut list: Vec<_> = r
                .consent
                .iter()
                .map(|e| {
                    (
                        e.date,
                        e.id,
                        about_words(r, e.about),
                        answer_words(e.about, e.answer),
                        e.how.label(),
                    )
                })
                .collect();
            list.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
            list
        })
    };
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let d = draft.get_untracked();
        match state.record_consent(referral, &d) {
            Ok(()) => {
                error.set(None);
                let words = state.ws.with_untracked(|ws| {
                    ws.referrals
                        .get(&referral)
                        .map(|r| about_words(r, d.about))
                        .unwrap_or_default()
                });
                said.set(Some(format!(
                    "Recorded: {} — {}.",
                    words,
                    answer_words(d.about, d.answer)
                )));
                draft.set(fresh());
            }
            Err(e) => {
                said.set(None);
                error.set(Some(e));
            }
        }
    };
    // "Withdraw" on a row fills the form with that topic and "no", ready to date and save.
    let withdraw = move |about: ConsentAbout| {
        draft.update(|d| {
            d.about = about;
            d.answer = ConsentAnswer::No;
        });
        said.set(None);
        if let Some(el) = document().get_element_by_id("consent-date") {
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                let _ = el.focus();
            }
        }
    };
    let is_gp = move || draft.with(|d| d.about == ConsentAbout::GpInformation);
    view! {
        <h3 id="consent-now">"The answers in force"</h3>
        <ul class="consent-list" aria-labelledby="consent-now" data-testid="consent-table">
            {move || topics().into_iter().map(|(about, words, now)| {
                let code = about_code(about);
                let agreed = now.is_some_and(|(a, _, _)| a != ConsentAnswer::No);
                view! {
                    <li data-testid=format!("consent-{code}")>
                        <span class="consent-list__what">{words.clone()}": "</span>
                        <strong data-testid="consent-answer">{match now {
                            Some((a, _, _)) => answer_words(about, a).to_owned(),
                            None => "Not recorded".to_owned(),
                        }}</strong>
                        {now.map(|(_, d, how)| format!(" (since {}, {})", show_date(d), how.label().to_lowercase()))}
                        {agreed.then(|| view! {
                            " "
                            <button type="button" class="button button--secondary button--small" disabled=move || state.read_only()
                                data-testid="consent-withdraw" aria-label=format!("Withdraw: {words}")
                                on:click=move |_| withdraw(about)>"Withdraw…"</button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        <h3>"Record an answer"</h3>
        <form class="form-plain" novalidate on:submit=submit data-testid="consent-form">
            <div class="inline-form">
                <div class="field">
                    <label for="consent-about">"About"</label>
                    <select id="consent-about" data-testid="consent-about" on:change=move |e| {
                        if let Some(about) = about_from(&event_target_value(&e)) {
                            draft.update(|d| {
                                d.about = about;
                                if about != ConsentAbout::GpInformation && d.answer == ConsentAnswer::CodesOnly {
                                    d.answer = ConsentAnswer::Yes;
                                }
                            });
                        }
                    }>
                        {move || topics().into_iter().map(|(about, words, _)| view! {
                            <option value=about_code(about) selected=move || draft.with(|d| d.about == about)>{words}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="consent-answer">"Answer"</label>
                    <select id="consent-answer" data-testid="consent-answer-choice" on:change=move |e| {
                        let v = event_target_value(&e);
                        let answer = match v.as_str() { "no" => ConsentAnswer::No, "codes_only" => ConsentAnswer::CodesOnly, _ => ConsentAnswer::Yes };
                        draft.update(|d| d.answer = answer);
                    }>
                        {move || {
                            let about = draft.with(|d| d.about);
                            let answers: &[ConsentAnswer] = if is_gp() {
                                &[ConsentAnswer::Yes, ConsentAnswer::CodesOnly, ConsentAnswer::No]
                            } else {
                                &[ConsentAnswer::Yes, ConsentAnswer::No]
                            };
                            answers.iter().map(|a| {
                                let a = *a;
                                let words = match (about, a) {
                                    (ConsentAbout::GpInformation, _) => answer_words(about, a),
                                    (_, ConsentAnswer::No) => "No, or withdrawn",
                                    _ => "Yes",
                                };
                                view! { <option value=answer_code(a) selected=move || draft.with(|d| d.answer == a)>{words}</option> }
                            }).collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="consent-how">"How given"</label>
                    <select id="consent-how" data-testid="consent-how" on:change=move |e| {
                        if let Some(how) = ConsentHow::from_code(&event_target_value(&e)) { draft.update(|d| d.how = how); }
                    }>
                        {[ConsentHow::Verbal, ConsentHow::Written, ConsentHow::ByReferrer].into_iter().map(|h| view! {
                            <option value=h.code() selected=move || draft.with(|d| d.how == h)>{h.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="consent-date">"Date"</label>
                    <input id="consent-date" type="date" max=today().format("%Y-%m-%d").to_string() data-testid="consent-date"
                        aria-describedby="consent-error"
                        prop:value=move || draft.with(|d| d.date.clone())
                        on:input=move |e| draft.update(|d| d.date = event_target_value(&e))/>
                </div>
                <button type="submit" class="button" disabled=move || state.read_only() data-testid="save-consent">"Record"</button>
            </div>
            <p class="field-error" id="consent-error" role="alert" data-testid="consent-error">{move || error.get().map(|e| e.to_string())}</p>
            {move || said.get().map(|s| view! { <p class="hint" role="status" data-testid="consent-saved">{s}</p> })}
        </form>
        <details class="consent-history">
            <summary>"Every answer recorded"</summary>
            <ul data-testid="consent-history">
                {move || history().into_iter().map(|(date, _, about, answer, how)| view! {
                    <li>{format!("{}: {about} — {answer} ({})", show_date(date), how.to_lowercase())}</li>
                }).collect_view()}
            </ul>
        </details>
    }
}
