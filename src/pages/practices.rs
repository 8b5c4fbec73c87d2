//! Practice profiles: who refers, the balance of the work, and how the
//! role is settling in, side by side for every practice.

use leptos::prelude::*;
use linkwork_core::views::practice_work::{balance, practice_profiles, LevelMinutes};
use linkwork_core::work::practice_work::Due;
use linkwork_core::{views::charts, views::tables};

use crate::components::common::chart_card::ChartCard;
use crate::components::common::data_table::DataTable;
use crate::components::common::notice_banner::NoticeBanner;
use crate::platform::{show_date, today};
use crate::route::Route;
use crate::state::use_state;

/// Months of the balance chart.
const BALANCE_MONTHS: usize = 12;

/// The practices page.
#[component]
pub fn PracticesPage() -> impl IntoView {
    let state = use_state();
    let profiles = Memo::new(move |_| state.ws.with(|ws| practice_profiles(ws, today())));
    let months = Memo::new(move |_| {
        state.ws.with(|ws| {
            balance(ws, None, today(), BALANCE_MONTHS)
                .into_iter()
                .map(|(start, m)| (start.format("%b %Y").to_string(), m))
                .collect::<Vec<(String, LevelMinutes)>>()
        })
    });
    let due_text = move |due: Due| match due {
        Due::Never => "No check-in yet: due now".to_owned(),
        Due::On(day) if day <= today() => format!("Due since {}", show_date(day)),
        Due::On(day) => format!("Next due {}", show_date(day)),
    };

    view! {
        <div class="page-head page-head--row">
            <h1>"Practices"</h1>
            <div class="button-row">
                <a class="button button--secondary" href=Route::PracticeWork.href()>"Record practice or community work"</a>
            </div>
        </div>
        <p class="muted">"How the role is settling into each practice: who refers, the balance of the work, and the check-ins."</p>
        <NoticeBanner/>
        <Show when=move || !profiles.with(Vec::is_empty)
            fallback=|| view! { <p class="empty">"Add your practices in "<a href=Route::Settings.href()>"Settings"</a>" first."</p> }>
            <section class="panel" aria-labelledby="due-heading">
                <h2 id="due-heading">"Check-ins"</h2>
                <p class="hint">{move || format!("A short check-in with each practice every {}, with the practice lead if you can.", state.ws.with(|ws| match ws.settings.checkin_every_months { 1 => "month".to_owned(), n => format!("{n} months") }))}</p>
                <ul class="item-list" data-testid="checkins-due">
                    {move || profiles.get().into_iter().map(|p| {
                        let due = p.due.is_due(today());
                        view! {
                            <li class="item">
                                <span class="item__name">{p.name.clone()}</span>
                                <span class=if due { "badge badge--warn" } else { "badge" } data-testid="checkin-due">{due_text(p.due)}</span>
                                <a class="button button--small" href=Route::CheckIn(p.practice).href()
                                    data-testid=format!("start-checkin-{}", p.name.to_lowercase().replace(' ', "-"))>"Check in"</a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>

            <section class="dashboard__section" aria-labelledby="side-heading">
                <h2 id="side-heading">"Side by side"</h2>
                <DataTable table=Signal::derive(move || profiles.with(|p| tables::practices_side_by_side(p)))
                    caption="Practices side by side (referrals over the last 12 months)" testid="table-practices"/>
                <ChartCard title="How the role is settling in" name="scores" wide=true
                    note=Signal::derive(|| "Mean agreement with the check-in statements at each practice's latest check-in, from 1 (strongly disagree) to 5 (strongly agree).".to_owned())
                    chart=Signal::derive(move || profiles.with(|p| charts::construct_scores(p)))
                    table=Signal::derive(move || profiles.with(|p| tables::latest_checkins(p)))>
                    <DataTable table=Signal::derive(move || profiles.with(|p| tables::checklists(p)))
                        caption="What is in place, at the latest check-in" testid="table-checklists"/>
                </ChartCard>
                <ChartCard title="Balance of the three levels" name="balance"
                    note=Signal::derive(|| "Hours with people (attended contacts), on their behalf (case notes of that kind), on practice work and on community work, per month, across all practices.".to_owned())
                    chart=Signal::derive(move || months.with(|m| charts::level_balance(m)))
                    table=Signal::derive(move || months.with(|m| tables::level_balance(m)))/>
            </section>

            <section class="dashboard__section" aria-labelledby="over-time-heading">
                <h2 id="over-time-heading">"Each practice over time"</h2>
                {move || profiles.get().into_iter().enumerate().map(|(i, p)| {
                    if p.checkins.is_empty() {
                        return view! {
                            <section class="chart-card" data-testid="practice-profile">
                                <h3>{p.name.clone()}</h3>
                                <p class="hint">"No check-ins yet."</p>
                            </section>
                        }.into_any();
                    }
                    let table = tables::checkins_over_time(&p);
                    let chart = charts::scores_over_time(&p);
                    view! {
                        <div data-testid="practice-profile">
                            <ChartCard title=p.name.clone() name=format!("practice-checkins-{i}") wide=true
                                note=Signal::derive(|| "Mean agreement per kind of work at each check-in, with where the role sat.".to_owned())
                                chart=Signal::derive(move || chart.clone())
                                table=Signal::derive(move || table.clone())/>
                        </div>
                    }.into_any()
                }).collect_view()}
            </section>
        </Show>
    }
}
