//! Today: the page after unlocking. The day's appointments, the ones still to record, tasks
//! due and overdue, the people waiting longest, open risks and practice check-ins due, each
//! line acting in place.

use leptos::prelude::*;
use linkwork_core::views::diary::AppointmentLine;
use linkwork_core::views::today::{today as today_lists, TaskLine, Today};
use linkwork_core::work::diary::{TaskDraft, TaskOwner};
use linkwork_core::ReferralId;

use crate::components::diary::booking_form::BookingForm;
use crate::components::diary::mark_buttons::MarkButtons;
use crate::components::diary::tasks_panel::TasksPanel;
use crate::components::referral::journey_panel::shortcut;
use crate::components::referral::risk_badges::RiskBadges;
use crate::components::security::recovery_offer::RecoveryOffer;
use crate::platform::{show_date, today};
use crate::route::Route;
use crate::state::use_state;

/// A table of appointments, each with its marks.
fn appointment_table(
    lines: Vec<AppointmentLine>,
    with_date: bool,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table" data-testid=testid>
                <thead>
                    <tr>
                        {with_date.then(|| view! { <th scope="col">"Date"</th> })}
                        <th scope="col">"Time"</th>
                        <th scope="col">"Person"</th>
                        <th scope="col">"Practice"</th>
                        <th scope="col">"How"</th>
                        <th scope="col">"Where"</th>
                        <th scope="col">"What happened"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|l| {
                        let when = format!("{}–{}", l.start.format("%H:%M"), l.end().format("%H:%M"));
                        let what = format!("{} on {} at {}", l.reference, show_date(l.date), l.start.format("%H:%M"));
                        view! {
                            <tr data-testid="today-appointment">
                                {with_date.then(|| view! { <td>{show_date(l.date)}</td> })}
                                <td>
                                    {when}
                                    {l.clash.then(|| view! { " " <span class="badge badge--warn">"Overlaps"</span> })}
                                </td>
                                <td>
                                    <a href=Route::Referral(l.referral).href() data-testid="today-person">{l.reference.clone()}</a>
                                    <RiskBadges flags=l.risks/>
                                </td>
                                <td>{l.practice}</td>
                                <td>{l.mode}</td>
                                <td>{l.place}</td>
                                <td><MarkButtons referral=l.referral appointment=l.appointment what=what/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Lines a list shows before "Show all": a long day stays quick to draw and to read.
const SHOWN: usize = 30;

/// The first [`SHOWN`] of a list unless `all`, and how many are left out.
fn first<T: Clone>(list: &[T], all: bool) -> (Vec<T>, usize) {
    if all || list.len() <= SHOWN {
        (list.to_vec(), 0)
    } else {
        (list[..SHOWN].to_vec(), list.len() - SHOWN)
    }
}

/// A button that shows the rest of a list.
fn show_all(more: usize, what: &'static str, all: RwSignal<Vec<&'static str>>) -> impl IntoView {
    (more > 0).then(|| {
        view! {
            <p>
                <button type="button" class="button button--secondary button--small" data-testid=format!("show-all-{what}")
                    on:click=move |_| all.update(|a| a.push(what))>
                    {format!("Show {more} more")}
                </button>
            </p>
        }
    })
}

/// Today's page.
#[component]
pub fn TodayPage() -> impl IntoView {
    let state = use_state();
    // The lists shown in full.
    let all = RwSignal::new(Vec::<&'static str>::new());
    let lists = Memo::new(move |_| state.ws.with(|ws| today_lists(ws, today())));
    let own_draft = RwSignal::new(TaskDraft::default());
    let booking_for = RwSignal::new(None::<ReferralId>);
    let booking_draft = RwSignal::new(state.new_booking_draft());
    let task_row = move |t: TaskLine| {
        let checkbox = format!(
            "today-task-{}-{}",
            match t.owner {
                TaskOwner::Workspace => "own".to_owned(),
                TaskOwner::Referral(r) => r.to_string(),
            },
            t.task
        );
        let when = match t.due {
            Some(d) if t.overdue => format!("overdue, was due {}", show_date(d)),
            Some(_) => "due today".to_owned(),
            None => String::new(),
        };
        let (owner, id) = (t.owner, t.task);
        view! {
            <li class="task" class:task--overdue=t.overdue data-testid="today-task">
                <input type="checkbox" id=checkbox.clone() data-testid="today-task-done" disabled=move || state.read_only()
                    on:change=move |e| { let _ = state.set_task_done(owner, id, event_target_checked(&e)); }/>
                <label for=checkbox>
                    <span class="task__text">{t.text.clone()}</span>
                    {(!when.is_empty()).then(|| view! { <span class="task__when" class:badge=t.overdue class:badge--warn=t.overdue>{when}</span> })}
                </label>
                {match (t.owner, t.reference) {
                    (TaskOwner::Referral(r), Some(reference)) => view! { <a href=Route::Referral(r).href()>{reference}</a> }.into_any(),
                    _ => ().into_any(),
                }}
            </li>
        }
    };
    let heading = move || format!("Today, {}", today().format("%A %-d %B %Y"));
    view! {
        <div class="page-head">
            <h1 data-testid="today-heading">{heading}</h1>
            <p class="muted">"What is booked, what is due and who is waiting. Each line can be dealt with here."</p>
        </div>
        <RecoveryOffer/>
        <Show when=move || state.ws.with(|ws| ws.settings.practices.is_empty() && ws.referrals.is_empty())>
            <div class="banner" data-testid="today-start">
                <p><strong>"A new workspace."</strong>" To begin, "<a href=Route::Settings.href()>"add your practice in Settings"</a>
                    ", then "<a href=Route::NewReferral.href()>"record a referral"</a>" or "<a href=Route::Transfer.href()>"import a caseload from a spreadsheet"</a>"."</p>
                <p>"Today then shows the appointments you book, the tasks that fall due and the people waiting longest."</p>
            </div>
        </Show>
        {move || {
            let t: Today = lists.get();
            let full = all.get();
            let whole = |what: &str| full.contains(&what);
            let (appointments, more_appointments) = first(&t.appointments, whole("appointments"));
            let (to_record, more_to_record) = first(&t.to_record, whole("to-record"));
            let (tasks, more_tasks) = first(&t.tasks, whole("tasks"));
            let (risks, more_risks) = first(&t.risks, whole("risks"));
            let (reviews, more_reviews) = first(&t.outcomes_due, whole("reviews"));
            let clear = t.is_clear() && state.ws.with(|ws| !ws.referrals.is_empty());
            view! {
                {clear.then(|| view! { <p class="banner" data-testid="today-clear">"Nothing is booked or due today, and nobody is waiting."</p> })}
                <section class="panel" aria-labelledby="today-appointments">
                    <h2 id="today-appointments">{format!("Appointments today ({})", t.appointments.len())}</h2>
                    {if t.appointments.is_empty() {
                        view! { <p class="muted" data-testid="today-none">"None booked for today."</p> }.into_any()
                    } else {
                        view! {
                            {appointment_table(appointments, false, "today-appointments")}
                            {show_all(more_appointments, "appointments", all)}
                        }.into_any()
                    }}
                </section>
                {(!t.to_record.is_empty()).then(|| view! {
                    <section class="panel" aria-labelledby="today-to-record">
                        <h2 id="today-to-record">{format!("To record ({})", t.to_record.len())}</h2>
                        <p class="hint">"Appointments before today that have not been marked. Marking one records the contact with its date, how and minutes."</p>
                        {appointment_table(to_record, true, "today-to-record")}
                        {show_all(more_to_record, "to-record", all)}
                    </section>
                })}
                <section class="panel" aria-labelledby="today-tasks">
                    <h2 id="today-tasks">{format!("Tasks due ({})", t.tasks.len())}</h2>
                    {if t.tasks.is_empty() {
                        view! { <p class="muted">"No tasks due today or overdue."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="task-list" data-testid="today-tasks">{tasks.into_iter().map(task_row).collect_view()}</ul>
                            {show_all(more_tasks, "tasks", all)}
                        }.into_any()
                    }}
                </section>
                <section class="panel" aria-labelledby="today-waiting">
                    <h2 id="today-waiting">"Waiting longest for a first contact"</h2>
                    {if t.waiting.is_empty() {
                        view! { <p class="muted">"Nobody is waiting."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="waiting-list" data-testid="today-waiting">
                                {t.waiting.clone().into_iter().map(|w| {
                                    let rid = w.referral;
                                    view! {
                                        <li data-testid="today-waiting-row">
                                            <a href=Route::Referral(rid).href()>{w.reference.clone()}</a>
                                            {format!(" · {} · waiting {} days", w.practice, w.days)}
                                            {match w.booked {
                                                Some(d) => view! { <span>{format!(" · first appointment {}", show_date(d))}</span> }.into_any(),
                                                None => view! {
                                                    " "
                                                    <button type="button" class="button button--small button--secondary"
                                                        aria-label=format!("Book an appointment with {}", w.reference)
                                                        aria-expanded=move || (booking_for.get() == Some(rid)).to_string()
                                                        on:click=move |_| {
                                                            booking_draft.set(state.new_booking_draft());
                                                            booking_for.update(|b| *b = if *b == Some(rid) { None } else { Some(rid) });
                                                        }
                                                        data-testid="today-book">"Book"</button>
                                                }.into_any(),
                                            }}
                                            {move || (booking_for.get() == Some(rid)).then(|| view! {
                                                <BookingForm referral=rid draft=booking_draft id_prefix="today-booking" autofocus=true
                                                    on_booked=Callback::new(move |_| booking_for.set(None))/>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {(t.waiting_total > t.waiting.len()).then(|| view! {
                                <p><a href=Route::Caseload.href()>{format!("{} more waiting: see the caseload", t.waiting_total - t.waiting.len())}</a></p>
                            })}
                        }.into_any()
                    }}
                </section>
                {(!t.risks.is_empty()).then(|| view! {
                    <section class="panel" aria-labelledby="today-risks">
                        <h2 id="today-risks">{format!("Open risk flags ({})", t.risks.len())}</h2>
                        <ul class="waiting-list" data-testid="today-risks">
                            {risks.into_iter().map(|r| view! {
                                <li>
                                    <a href=Route::Referral(r.referral).href()>{r.reference}</a>
                                    <RiskBadges flags=r.risks/>
                                </li>
                            }).collect_view()}
                        </ul>
                        {show_all(more_risks, "risks", all)}
                    </section>
                })}
                {(!t.outcomes_due.is_empty()).then(|| view! {
                    <section class="panel" aria-labelledby="today-reviews">
                        <h2 id="today-reviews">{format!("Questionnaire reviews due ({})", t.outcomes_due.len())}</h2>
                        <p class="hint">{move || format!("A review is due {} weeks after a baseline (set in Settings). Open the person and press {} for Outcomes.", state.ws.with(|ws| ws.settings.review_after_weeks), shortcut("sec-outcomes"))}</p>
                        <ul class="waiting-list" data-testid="today-reviews">
                            {reviews.into_iter().map(|o| view! {
                                <li data-testid="today-review">
                                    <a href=Route::Referral(o.referral).href()>{o.reference}</a>
                                    {format!(" · {}: baseline {}, review due {}", o.instrument, show_date(o.baseline), show_date(o.due))}
                                </li>
                            }).collect_view()}
                        </ul>
                        {show_all(more_reviews, "reviews", all)}
                    </section>
                })}
                {(!t.checkins.is_empty()).then(|| view! {
                    <section class="panel" aria-labelledby="today-checkins">
                        <h2 id="today-checkins">"Practice check-ins due"</h2>
                        <ul class="waiting-list" data-testid="today-checkins">
                            {t.checkins.clone().into_iter().map(|c| view! {
                                <li><a href=Route::CheckIn(c.practice).href()>{c.name}</a></li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
            }
        }}
        <section class="panel" aria-labelledby="today-own-tasks">
            <h2 id="today-own-tasks">"Your own tasks"</h2>
            <p class="hint">"Work that is not about one person, such as chasing the housing team. Each stays here until it is done."</p>
            <TasksPanel owner=TaskOwner::Workspace draft=own_draft id_prefix="own"/>
        </section>
    }
}
