//! The diary: booked appointments across the caseload, as a week or a list of the coming
//! weeks, with overlaps marked; a printable day sheet; and the coming weeks as a calendar
//! file for Outlook or Google Calendar.

use chrono::{Duration, NaiveDate};
use leptos::prelude::*;
use linkwork_core::exchange::calendar::{diary_ics, DEFAULT_WEEKS};
use linkwork_core::views::diary::{day_sheet, days, week, week_start, AppointmentLine, DiaryDay};

use crate::components::diary::gp_week_panel::GpWeekPanel;
use crate::components::diary::mark_buttons::state_words;
use crate::platform::{download, now, show_date, today};
use crate::route::Route;
use crate::state::use_state;

/// Days the list view covers.
const LIST_DAYS: u32 = 28;

fn line_view(l: AppointmentLine) -> impl IntoView {
    let cancelled = l.cancelled();
    view! {
        <li class="diary__line" class:diary__line--cancelled=cancelled class:diary__line--clash=l.clash data-testid="diary-line">
            <span class="diary__time">{format!("{}–{}", l.start.format("%H:%M"), l.end().format("%H:%M"))}</span>
            " "
            <a href=Route::Referral(l.referral).href() data-testid="diary-person">{l.reference.clone()}</a>
            <span class="diary__detail">
                {format!(" · {} · {}", l.mode, l.practice)}
                {(!l.place.is_empty()).then(|| format!(" · {}", l.place))}
            </span>
            {(l.state != linkwork_core::model::diary::AppointmentState::Booked).then(|| view! { " " <span class="muted">{format!("({})", state_words(l.state))}</span> })}
            {l.clash.then(|| view! { " " <span class="badge badge--warn" data-testid="diary-clash">"Overlaps"</span> })}
            {l.lone_working.then(|| view! { " " <span class="badge badge--risk" data-testid="diary-lone-working">"Lone-working risk"</span> })}
        </li>
    }
}

fn day_view(d: DiaryDay) -> impl IntoView {
    let is_today = d.date == today();
    let label = d.date.format("%A %-d %B").to_string();
    let aria = label.clone();
    view! {
        <section class="diary__day" class:diary__day--today=is_today aria-label=aria data-testid="diary-day">
            <h3 class="diary__date">{label}{is_today.then(|| view! { " " <span class="badge">"Today"</span> })}</h3>
            {if d.lines.is_empty() {
                view! { <p class="muted">"Nothing booked."</p> }.into_any()
            } else {
                view! { <ul class="diary__lines">{d.lines.into_iter().map(line_view).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

/// The diary page.
#[component]
pub fn DiaryPage() -> impl IntoView {
    let state = use_state();
    let as_list = RwSignal::new(false);
    let monday = RwSignal::new(week_start(today()));
    let sheet_day = RwSignal::new(today());
    let weeks = RwSignal::new(DEFAULT_WEEKS);
    let message = RwSignal::new(None::<String>);
    let shown = move || {
        let list = as_list.get();
        let from = monday.get();
        state.ws.with(|ws| {
            if list {
                days(ws, today(), LIST_DAYS, false)
            } else {
                week(ws, from)
            }
        })
    };
    let sheet = move || state.ws.with(|ws| day_sheet(ws, sheet_day.get()));
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let export = move |_| {
        let n = weeks.get_untracked();
        let text = state
            .ws
            .with_untracked(|ws| diary_ics(ws, today(), n, now()));
        let name = format!("linkwork-diary-{}.ics", today().format("%Y-%m-%d"));
        message.set(Some(match download(&name, &text) {
            Ok(()) => format!("{name} is downloading: open it with Outlook or Google Calendar. Importing a newer file updates the same appointments."),
            Err(e) => format!("The calendar file could not be made: {e}. Try again."),
        }));
    };
    let week_label = move || {
        let from = monday.get();
        format!("Week of {}", show_date(from))
    };
    view! {
        <div class="page-head">
            <h1>"Diary"</h1>
            <p class="muted">"Booked appointments across the caseload. Book one from a person's referral or from Today."</p>
        </div>
        <div class="diary__controls" role="group" aria-label="How to show the diary">
            <button type="button" class="button button--secondary" aria-pressed=move || (!as_list.get()).to_string()
                on:click=move |_| as_list.set(false) data-testid="diary-week-view">"Week"</button>
            <button type="button" class="button button--secondary" aria-pressed=move || as_list.get().to_string()
                on:click=move |_| as_list.set(true) data-testid="diary-list-view">{format!("Next {} days", LIST_DAYS)}</button>
            <Show when=move || !as_list.get()>
                <button type="button" class="button button--secondary" on:click=move |_| monday.update(|m| *m -= Duration::days(7))
                    data-testid="diary-previous">"Previous week"</button>
                <button type="button" class="button button--secondary" on:click=move |_| monday.set(week_start(today()))>"This week"</button>
                <button type="button" class="button button--secondary" on:click=move |_| monday.update(|m| *m += Duration::days(7))
                    data-testid="diary-next">"Next week"</button>
            </Show>
        </div>
        <section class="panel" aria-labelledby="diary-shown" data-testid="diary">
            <h2 id="diary-shown">{move || if as_list.get() { format!("The next {} days", LIST_DAYS) } else { week_label() }}</h2>
            {move || {
                let list = shown();
                if list.is_empty() {
                    view! { <p class="muted" data-testid="diary-empty">"Nothing booked in the next four weeks."</p> }.into_any()
                } else {
                    view! { <div class:diary__week=move || !as_list.get() class="diary">{list.into_iter().map(day_view).collect_view()}</div> }.into_any()
                }
            }}
        </section>
        <section class="panel" aria-labelledby="diary-sheet-heading">
            <h2 id="diary-sheet-heading">"Day sheet"</h2>
            <p class="hint">"An A4 sheet of one day: references, times, places and how. It never holds notes, names or risks."</p>
            <div class="contact-form__fields">
                <div class="field">
                    <label for="sheet-day">"Day"</label>
                    <input id="sheet-day" type="date" data-testid="sheet-day"
                        prop:value=move || sheet_day.get().format("%Y-%m-%d").to_string()
                        on:input=move |e| {
                            if let Ok(d) = NaiveDate::parse_from_str(&event_target_value(&e), "%Y-%m-%d") {
                                sheet_day.set(d);
                            }
                        }/>
                </div>
                <button type="button" class="button" on:click=print data-testid="print-sheet">"Print the day sheet"</button>
            </div>
            <div class="day-sheet" data-testid="day-sheet">
                <h2 class="day-sheet__title">{move || format!("Day sheet: {}", sheet_day.get().format("%A %-d %B %Y"))}</h2>
                {move || {
                    let lines = sheet();
                    if lines.is_empty() {
                        view! { <p>"Nothing booked."</p> }.into_any()
                    } else {
                        view! {
                            <table class="table table--compact">
                                <thead><tr>
                                    <th scope="col">"Time"</th><th scope="col">"Person"</th>
                                    <th scope="col">"How"</th><th scope="col">"Where"</th><th scope="col">"Seen?"</th>
                                </tr></thead>
                                <tbody>
                                    {lines.into_iter().map(|l| view! {
                                        <tr data-testid="sheet-row">
                                            <td>{format!("{}–{}", l.start.format("%H:%M"), l.end().format("%H:%M"))}</td>
                                            <td>{l.reference}</td>
                                            <td>{l.mode}</td>
                                            <td>{l.place}</td>
                                            <td class="day-sheet__tick" aria-label="To tick by hand"></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                }}
            </div>
        </section>
        <section class="panel" aria-labelledby="diary-export-heading">
            <h2 id="diary-export-heading">"Add to Outlook or Google Calendar"</h2>
            <p class="hint">"A calendar file (.ics) of the coming weeks. Each appointment carries only the reference, how and where: never notes. Importing a newer file updates the same appointments rather than adding them twice."</p>
            <div class="contact-form__fields">
                <div class="field">
                    <label for="ics-weeks">"Weeks"</label>
                    <select id="ics-weeks" data-testid="ics-weeks" on:change=move |e| {
                        if let Ok(n) = event_target_value(&e).parse() { weeks.set(n); }
                    }>
                        {[1u32, 2, 4, 8, 12].into_iter().map(|n| view! {
                            <option value=n.to_string() selected=n == DEFAULT_WEEKS>{n.to_string()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="button" class="button" on:click=export data-testid="ics-download">"Download the calendar file"</button>
            </div>
            <div role="status">{move || message.get().map(|m| view! { <p class="hint hint--info" data-testid="ics-done">{m}</p> })}</div>
        </section>
        <GpWeekPanel monday=monday/>
    }
}
