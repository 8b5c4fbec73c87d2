use leptos::prelude::*;
use linkwork_core::model::lists::ListKind;
use linkwork_core::work::snomed::{DECLINED, REFERRAL};
use linkwork_core::{JourneyError, ReferralId, ReferralStatus, Transition};

use crate::platform::today;
use crate::state::use_state;

/// Which step is being confirmed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pending {
    Close,
    Decline,
    NeedsBeyond,
}

/// The status changes open to a referral, each one click; closing, declining
/// and onward referral ask for the one thing they need, on the same line.
#[component]
pub fn StatusActions(
    /// The referral.
    referral: ReferralId,
) -> impl IntoView {
    let state = use_state();
    let status = move || {
        state
            .ws
            .with(|ws| ws.referrals.get(&referral).map(|r| r.status))
    };
    let pending = RwSignal::new(None::<Pending>);
    let date = RwSignal::new(today().format("%Y-%m-%d").to_string());
    let reason = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<JourneyError>);
    let run = move |t: Transition| match state.change_status(referral, t, &date.get_untracked()) {
        Ok(()) => {
            error.set(None);
            pending.set(None);
            reason.set(String::new());
            text.set(String::new());
        }
        Err(e) => error.set(Some(e)),
    };
    let button =
        move |label: &'static str, testid: &'static str, action: Box<dyn Fn() + Send + Sync>| {
            view! {
                <button type="button" class="button button--secondary" data-testid=testid
                    disabled=move || state.read_only() on:click=move |_| action()>{label}</button>
            }
        };
    let reasons = move || {
        state
            .ws
            .with(|ws| ws.settings.lists.options(ListKind::ClosureReasons, &[]))
    };
    let confirm = move |_| {
        let t = match pending.get_untracked() {
            Some(Pending::Close) => Transition::Close {
                reason: reason.get_untracked(),
            },
            Some(Pending::Decline) => Transition::Decline {
                note: text.get_untracked(),
            },
            Some(Pending::NeedsBeyond) => Transition::NeedsBeyond {
                action: text.get_untracked(),
            },
            None => return,
        };
        run(t);
    };
    view! {
        <div class="status-actions" data-testid="status-actions">
            <div class="status-actions__buttons">
                {move || {
                    let Some(s) = status() else { return ().into_any() };
                    let mut buttons = Vec::new();
                    if s == ReferralStatus::Referred {
                        buttons.push(button("Waiting list", "to-waiting", Box::new(move || run(Transition::WaitingList))).into_any());
                    }
                    if s.is_waiting() {
                        buttons.push(button("Start (active)", "to-active", Box::new(move || run(Transition::Active))).into_any());
                    }
                    if s.is_open() {
                        buttons.push(button("Close…", "to-close", Box::new(move || pending.set(Some(Pending::Close)))).into_any());
                        buttons.push(button("Declined…", "to-declined", Box::new(move || pending.set(Some(Pending::Decline)))).into_any());
                        buttons.push(button("Needs beyond social prescribing…", "to-needs-beyond", Box::new(move || pending.set(Some(Pending::NeedsBeyond)))).into_any());
                    } else {
                        buttons.push(button("Reopen", "reopen", Box::new(move || run(Transition::Reopen))).into_any());
                    }
                    buttons.into_any()
                }}
            </div>
            {move || pending.get().map(|p| view! {
                <div class="status-actions__confirm" data-testid="status-confirm">
                    {match p {
                        Pending::Close => view! {
                            <div class="field">
                                <label for="close-reason">"Closure reason"</label>
                                <select id="close-reason" data-testid="close-reason" on:change=move |e| reason.set(event_target_value(&e))>
                                    <option value="">"Choose a reason"</option>
                                    {reasons().into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                                </select>
                            </div>
                        }.into_any(),
                        Pending::Decline => view! {
                            <div class="field">
                                <label for="decline-note">"Why they declined (optional)"</label>
                                <input autocomplete="off" id="decline-note" type="text" data-testid="decline-note" prop:value=move || text.get()
                                    on:input=move |e| text.set(event_target_value(&e))/>
                                <p class="hint">{format!("Code in the GP record: {}.", DECLINED.line())}</p>
                            </div>
                        }.into_any(),
                        Pending::NeedsBeyond => view! {
                            <div class="field">
                                <label for="needs-beyond">"What was done instead"</label>
                                <input autocomplete="off" id="needs-beyond" type="text" data-testid="needs-beyond-action" prop:value=move || text.get()
                                    on:input=move |e| text.set(event_target_value(&e))/>
                            </div>
                        }.into_any(),
                    }}
                    <div class="field">
                        <label for="status-date">"Date"</label>
                        <input id="status-date" type="date" data-testid="status-date" prop:value=move || date.get()
                            on:input=move |e| date.set(event_target_value(&e))/>
                    </div>
                    <button type="button" class="button" on:click=confirm data-testid="status-confirm-button">"Confirm"</button>
                    <button type="button" class="button button--link" on:click=move |_| pending.set(None)>"Cancel"</button>
                </div>
            })}
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="status-error">{e.to_string()}</p> })}
            <p class="hint">{format!("Code an accepted referral in the GP record as {}, {}.", REFERRAL.line(), REFERRAL.coded_when)}</p>
        </div>
    }
}
