//! Practice and community work: quick-add, this month's balance, the log.

use leptos::prelude::*;
use linkwork_core::views::practice_work::{balance, balance_flags};
use linkwork_core::views::tables::{hours, percent};
use linkwork_core::Choice;

use crate::components::common::notice_banner::NoticeBanner;
use crate::components::common::tile::Tile;
use crate::components::practice_work::activity_form::ActivityForm;
use crate::platform::{show_date, today};
use crate::route::Route;
use crate::state::use_state;

/// How many recent activities the log lists.
const RECENT: usize = 25;

/// The practice and community work page.
#[component]
pub fn PracticeWorkPage() -> impl IntoView {
    let state = use_state();
    let this_month = Memo::new(move |_| {
        state.ws.with(|ws| {
            balance(ws, None, today(), 1)
                .first()
                .map(|(_, m)| *m)
                .unwrap_or_default()
        })
    });
    let flags = Memo::new(move |_| {
        state
            .ws
            .with(|ws| (balance_flags(ws, today()), ws.settings.other_work_share))
    });
    let recent = Memo::new(move |_| {
        state.ws.with(|ws| {
            let mut list = ws.practice_work.activities.clone();
            linkwork_core::model::order::sort_by(&mut list, |a, b| {
                b.date.cmp(&a.date).then(b.id.cmp(&a.id))
            });
            list.truncate(RECENT);
            list
        })
    });
    let practice_name = move |id| {
        state.ws.with(|ws| {
            ws.settings
                .practice(id)
                .map(|p| p.name.clone())
                .unwrap_or_default()
        })
    };

    view! {
        <div class="page-head page-head--row">
            <h1>"Practice and community work"</h1>
            <div class="button-row">
                <a class="button button--secondary" href=Route::Practices.href() data-testid="to-practices">"Practice profiles and check-ins"</a>
            </div>
        </div>
        <p class="muted">"The work that is not about one person: developing the role in the practices, and building links in the community."</p>
        <NoticeBanner/>
        {move || {
            let (list, share) = flags.get();
            (!list.is_empty()).then(|| view! {
                <div class="banner banner--warning" role="note" data-testid="balance-flag">
                    <p>{format!("Practice and community work were under {share}% of your recorded time for three complete months or more:")}</p>
                    <ul>
                        {list.into_iter().map(|f| view! {
                            <li data-testid="balance-flag-item"><strong>{f.name.clone()}</strong>{format!(": {} ({} months)", f.months_text(), f.months.len())}</li>
                        }).collect_view()}
                    </ul>
                    <p>
                        "Practices that support all three levels of the role tend to integrate it; it may be worth protecting some time for them. "
                        "Time with people counts for the referral's practice, and practice and community work for the practice it was logged against."
                    </p>
                </div>
            })
        }}
        <ActivityForm/>
        <section aria-labelledby="month-heading">
            <h2 id="month-heading">{move || format!("This month so far ({})", today().format("%B %Y"))}</h2>
            <ul class="tiles">
                <Tile label="With people" testid="month-person"
                    value=Signal::derive(move || format!("{} h", hours(this_month.get().person)))
                    detail=Signal::derive(|| "attended contacts".to_owned())/>
                <Tile label="Practice work" testid="month-practice"
                    value=Signal::derive(move || format!("{} h", hours(this_month.get().practice)))
                    detail=Signal::derive(|| "with the practices".to_owned())/>
                <Tile label="Community work" testid="month-community"
                    value=Signal::derive(move || format!("{} h", hours(this_month.get().community)))
                    detail=Signal::derive(|| "with community organisations".to_owned())/>
                <Tile label="Beyond one-to-one" testid="month-share"
                    value=Signal::derive(move || percent(this_month.get().beyond_person_percent()))
                    detail=Signal::derive(move || format!("flagged under {}% for three months", state.ws.with(|ws| ws.settings.other_work_share)))/>
            </ul>
        </section>
        <section aria-labelledby="log-heading">
            <h2 id="log-heading">"Recorded work"</h2>
            <Show when=move || !recent.with(Vec::is_empty)
                fallback=|| view! { <p class="empty" data-testid="no-activities">"Nothing recorded yet. Team meetings, staff briefings and visits to community groups all count."</p> }>
                <div class="table-wrap">
                    <table class="table" data-testid="activity-log">
                        <caption class="visually-hidden">{format!("The latest {RECENT} pieces of practice and community work")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Date"</th>
                                <th scope="col">"Level"</th>
                                <th scope="col">"Work"</th>
                                <th scope="col">"With"</th>
                                <th scope="col">"Minutes"</th>
                                <th scope="col">"Note"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || recent.get().into_iter().map(|a| {
                                let with = [a.practice.map(practice_name).unwrap_or_default(), a.organisation.clone()]
                                    .into_iter()
                                    .filter(|s| !s.is_empty())
                                    .collect::<Vec<_>>()
                                    .join(", ");
                                let id = a.id;
                                let label = a.kind.label();
                                view! {
                                    <tr data-testid="activity-row">
                                        <td>{show_date(a.date)}</td>
                                        <td>{a.kind.level().label()}</td>
                                        <td>{label}</td>
                                        <td>{with}</td>
                                        <td class="num">{a.minutes}</td>
                                        <td>{a.note.clone()}</td>
                                        <td>
                                            <button type="button" class="button button--link" disabled=move || state.read_only()
                                                aria-label=format!("Remove {} on {}", label, show_date(a.date))
                                                on:click=move |_| { let _ = state.remove_activity(id); }>"Remove"</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}
