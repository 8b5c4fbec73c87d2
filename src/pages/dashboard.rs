//! The dashboard: the picture of the work, as charts with their numbers.

use chrono::Datelike;
use leptos::prelude::*;
use linkwork_core::views::dashboard::{
    Dashboard, DashboardFilter, DashboardIndex, Dimension, Granularity,
};
use linkwork_core::views::tables::{self, count, decimal, percent, share};
use linkwork_core::{views::charts, ListKind};

use crate::components::common::chart_card::ChartCard;
use crate::components::common::data_table::DataTable;
use crate::components::common::tile::Tile;
use crate::components::dashboard::dashboard_filters::DashboardFilters;
use crate::platform::{mark, show_date, today};
use crate::route::{self, Route};
use crate::state::use_state;

/// The share seen three or more times in the Glasgow study (domain.md).
const GLASGOW_SEEN_THREE_PLUS: &str = "45%";

/// The filter in the address (`#/dashboard?from=…`), if any.
fn filter_from_address() -> DashboardFilter {
    let hash = window().location().hash().unwrap_or_default();
    let query = hash.split_once('?').map_or("", |(_, q)| q);
    DashboardFilter::from_query(query, today())
}

/// Puts the filter in the address without adding a history entry, so the
/// view can be bookmarked and reloaded.
fn filter_to_address(filter: &DashboardFilter) {
    // Only while the address is still the dashboard's: the effect can run
    // after a navigation away has begun (the hashchange comes later).
    if crate::route::current() != Route::Dashboard {
        return;
    }
    let query = filter.to_query(today());
    let href = if query.is_empty() {
        Route::Dashboard.href()
    } else {
        format!("{}?{query}", Route::Dashboard.href())
    };
    // Replacing the address costs Chromium about 12 ms, so it is left alone when it is
    // already right (opening the dashboard with the filter it shows).
    if window().location().hash().is_ok_and(|now| now == href) {
        return;
    }
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
    }
}

/// The dashboard page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let state = use_state();
    let filter = RwSignal::new(filter_from_address());
    Effect::new(move |_| filter.with(filter_to_address));
    // A new address on this page (a bookmark, Back) brings its filter.
    let follow = window_event_listener(leptos::ev::hashchange, move |_| {
        if route::current() == Route::Dashboard {
            let wanted = filter_from_address();
            if filter.with_untracked(|f| *f != wanted) {
                filter.set(wanted);
            }
        }
    });
    on_cleanup(move || follow.remove());
    let dimension = RwSignal::new(Dimension::AgeBand);
    // Rebuilt when the records change; a filter change only rescans it.
    let index = Memo::new_with_compare(
        move |_| {
            mark("linkwork-dashboard-index-start");
            let index = state.ws.with(DashboardIndex::new);
            mark("linkwork-dashboard-index-end");
            index
        },
        |_, _| true,
    );
    let dash = Memo::new(move |_| {
        let f = filter.get();
        index.with(|index| {
            mark("linkwork-dashboard-compute-start");
            let figures = state.ws.with(|ws| index.figures(ws, &f, today()));
            mark("linkwork-dashboard-compute-end");
            figures
        })
    });
    let empty = Memo::new(move |_| state.ws.with(|ws| ws.referrals.is_empty()));
    // A derived piece of the dashboard.
    let part = move |f: fn(&Dashboard) -> String| Signal::derive(move || dash.with(f));

    let scope = move || {
        state.ws.with(|ws| {
            filter.with(|f| {
                let practice = f
                    .practice
                    .and_then(|p| ws.settings.practice(p))
                    .map_or("all practices".to_owned(), |p| p.name.clone());
                let role = f.referrer_role.as_deref().map_or("anyone".to_owned(), |r| {
                    ws.settings
                        .lists
                        .label(ListKind::ReferrerRoles, r)
                        .to_owned()
                });
                let reason = f.reason.as_deref().map_or("any reason".to_owned(), |r| {
                    ws.settings.lists.label(ListKind::Reasons, r).to_owned()
                });
                format!(
                    "{} to {} · {practice} · referred by {role} · {reason}",
                    show_date(f.from),
                    show_date(f.to),
                )
            })
        })
    };
    let cohort = "Referrals received in the range.";
    let events = "Events in the range, for referrals matching the filters.";

    view! {
        <div class="dashboard">
            <div class="page-head page-head--row">
                <h1>"Dashboard"</h1>
                <div class="button-row">
                    <button type="button" class="button button--secondary" data-testid="dash-print"
                        on:click=move |_| { let _ = window().print(); }>"Print (A4 landscape)"</button>
                </div>
            </div>
            <DashboardFilters filter=filter/>
            <p class="dashboard__scope" data-testid="dash-scope" aria-live="polite">{scope}</p>
            <Show
                when=move || !empty.get()
                fallback=|| view! {
                    <div class="empty" data-testid="dash-empty">
                        <p>"There are no referrals yet, so there is nothing to chart."</p>
                        <p><a href=Route::NewReferral.href()>"Record a referral"</a>", or open the demo caseload from the lock screen to see the dashboard filled in."</p>
                    </div>
                }
            >
            <section aria-labelledby="tiles-heading">
                <h2 id="tiles-heading" class="visually-hidden">"Headline figures"</h2>
                <ul class="tiles">
                    <Tile label="Open caseload" testid="tile-open" today=true
                        value=part(|d| count(d.tiles.open))
                        detail=Signal::derive(|| "referrals open today".to_owned())/>
                    <Tile label="New referrals this month" testid="tile-new" today=true
                        value=part(|d| count(d.tiles.new_this_month))
                        detail=Signal::derive(|| format!("received since {}", show_date(today().with_day(1).unwrap_or_else(today))))/>
                    <Tile label="Wait for a first contact" testid="tile-wait"
                        value=part(|d| d.first_contact_spread.map_or("–".into(), |s| format!("{} days", decimal(s.median).trim_end_matches(".0"))))
                        detail=part(|d| format!("median days from referral, for the {} of the {} referrals received in the range who were seen", count(d.first_contact_spread.map_or(0, |s| s.n)), count(d.tiles.seen_three_plus.of)))/>
                    <Tile label="Seen three or more times" testid="tile-seen3"
                        value=part(|d| percent(d.tiles.seen_three_plus.percent()))
                        detail=part(|d| format!("{} of the {} referrals received in the range (Glasgow study: {GLASGOW_SEEN_THREE_PLUS})", count(d.tiles.seen_three_plus.count), count(d.tiles.seen_three_plus.of)))/>
                    <Tile label="Wellbeing improved" testid="tile-improved"
                        value=part(|d| percent(d.tiles.improved_wellbeing.percent()))
                        detail=part(|d| format!("SWEMWBS: {} of the {} referrals with a baseline and a later score", count(d.tiles.improved_wellbeing.count), count(d.tiles.improved_wellbeing.of)))/>
                    <Tile label="Did not attend" testid="tile-dna"
                        value=part(|d| percent(d.tiles.did_not_attend.percent()))
                        detail=part(|d| format!("{} of the {} contacts planned in the range (attended or missed)", count(d.tiles.did_not_attend.count), count(d.tiles.did_not_attend.of)))/>
                    <Tile label="Booked appointments missed" testid="tile-booked-dna"
                        value=part(|d| percent(d.tiles.booked_dna.percent()))
                        detail=part(|d| format!("{} of the {} booked appointments in the range that were attended or missed", count(d.tiles.booked_dna.count), count(d.tiles.booked_dna.of)))/>
                    <Tile label="Time for people" testid="tile-time"
                        value=part(|d| format!("{} h", count((d.tiles.minutes_with + d.tiles.minutes_on_behalf + 30) / 60)))
                        detail=part(|d| format!("in the range, to the nearest hour: {} h with them (attended contacts) and {} h on their behalf", count((d.tiles.minutes_with + 30) / 60), count((d.tiles.minutes_on_behalf + 30) / 60)))/>
                    <Tile label="Tasks overdue" testid="tile-tasks-overdue" today=true
                        value=part(|d| count(d.tiles.tasks_overdue))
                        detail=Signal::derive(|| "tasks of open referrals past their due date today".to_owned())/>
                </ul>
            </section>

            <section class="dashboard__section" aria-labelledby="dash-caseload">
                <h2 id="dash-caseload">"Caseload"</h2>
                <ChartCard title="Caseload over time" name="caseload"
                    note=Signal::derive(move || format!("Open referrals at the end of each {}, with referrals received and episodes ended in it.",
                        if filter.with(|f| f.granularity == Granularity::Week) { "week" } else { "month" }))
                    chart=Signal::derive(move || dash.with(|d| charts::caseload_over_time(&d.caseload)))
                    table=Signal::derive(move || dash.with(|d| tables::caseload(&d.caseload)))/>
            </section>

            <section class="dashboard__section" aria-labelledby="dash-referrals">
                <h2 id="dash-referrals">"Referrals"</h2>
                <ChartCard title="Referrals by month and who referred" name="referrers" wide=true
                    note=Signal::derive(move || cohort.to_owned())
                    chart=Signal::derive(move || dash.with(|d| charts::stacked_bars(&d.by_month_role, false, "Referrals")))
                    table=Signal::derive(move || dash.with(|d| tables::stacked(&d.by_month_role, "Month")))/>
                <ChartCard title="Reasons for referral" name="reasons"
                    rows=Signal::derive(move || dash.with(|d| d.by_reason.len()))
                    note=Signal::derive(move || format!("{cohort} A referral with several reasons counts under each, so each share is of the referrals received and the shares can add up to more than 100%."))
                    chart=Signal::derive(move || dash.with(|d| charts::count_bars(&d.by_reason, true, "Referrals")))
                    table=Signal::derive(move || dash.with(|d| tables::counts_of(&d.by_reason, "Reason", "Referrals", d.tiles.seen_three_plus.of, ("referral received", "referrals received"))))/>
                <ChartCard title="Referrals by practice" name="practices"
                    rows=Signal::derive(move || dash.with(|d| d.by_practice.len()))
                    note=Signal::derive(move || format!("{cohort} The chart compares practices per 1,000 registered patients (set list sizes in Settings)."))
                    chart=Signal::derive(move || dash.with(|d| charts::practice_rates(&d.by_practice)))
                    table=Signal::derive(move || dash.with(|d| tables::practices(&d.by_practice)))/>
            </section>

            <section class="dashboard__section" aria-labelledby="dash-waiting">
                <h2 id="dash-waiting">"Waiting"</h2>
                <ChartCard title="Days from referral to first contact" name="first-contact"
                    note=part(|d| match d.first_contact_spread {
                        Some(s) => format!("Referrals received in the range and seen at least once: median {} days (half between {} and {}).", decimal(s.median), decimal(s.q1), decimal(s.q3)),
                        None => "No one referred in the range has been seen yet.".into(),
                    })
                    chart=Signal::derive(move || dash.with(|d| charts::count_bars(&d.first_contact, false, "Referrals")))
                    table=Signal::derive(move || dash.with(|d| tables::counts(&d.first_contact, "Days to first contact", "Referrals")))/>
                <ChartCard title="Waiting now" name="waiting" empty="Nobody is waiting for a first contact today."
                    note=Signal::derive(|| "People not yet seen, today, by how long since they were referred.".to_owned())
                    chart=Signal::derive(move || dash.with(|d| charts::count_bars(&d.waiting_now, false, "People")))
                    table=Signal::derive(move || dash.with(|d| tables::counts(&d.waiting_now, "Waiting", "People")))>
                    <Show when=move || dash.with(|d| !d.longest_waits.is_empty())>
                        <table class="table data-table no-print" data-testid="longest-waits">
                            <caption>"Longest waiting (not printed: it names references)"</caption>
                            <thead><tr><th scope="col">"Reference"</th><th scope="col">"Practice"</th><th scope="col">"Days"</th></tr></thead>
                            <tbody>
                                {move || dash.with(|d| d.longest_waits.iter().map(|w| view! {
                                    <tr>
                                        <th scope="row"><a href=Route::Referral(w.referral).href()>{w.reference.clone()}</a></th>
                                        <td>{w.practice.clone()}</td>
                                        <td class="num">{w.days}</td>
                                    </tr>
                                }).collect_view())}
                            </tbody>
                        </table>
                    </Show>
                </ChartCard>
            </section>

            <section class="dashboard__section" aria-labelledby="dash-engagement">
                <h2 id="dash-engagement">"Engagement"</h2>
                <ChartCard title="Contacts attended per referral" name="attended"
                    note=part(|d| format!("Referrals received in the range. Seen three or more times: {}.", share(d.tiles.seen_three_plus)))
                    chart=Signal::derive(move || dash.with(|d| charts::count_bars(&d.attended, false, "Referrals")))
                    table=Signal::derive(move || dash.with(|d| tables::counts(&d.attended, "Contacts attended", "Referrals")))/>
                <ChartCard title="How people were seen" name="modes"
                    rows=Signal::derive(move || dash.with(|d| d.modes.len()))
                    note=Signal::derive(move || format!("Attended contacts. {events}"))
                    chart=Signal::derive(move || dash.with(|d| charts::count_bars(&d.modes, true, "Contacts")))
                    table=Signal::derive(move || dash.with(|d| tables::counts(&d.modes, "Mode", "Contacts")))/>
                <ChartCard title="Did-not-attend rate by month" name="dna"
                    note=Signal::derive(|| "Missed contacts out of attended plus missed; cancellations are left out. Hollow grey points rest on fewer than 10 contacts.".to_owned())
                    chart=Signal::derive(move || dash.with(|d| charts::dna_rate(&d.dna_by_month)))
                    table=Signal::derive(move || dash.with(|d| tables::did_not_attend(&d.dna_by_month)))/>
                <ChartCard title="Booked appointments by month" name="appointments" wide=true
                    empty="No appointments were booked in the range."
                    note=Signal::derive(|| "Appointments booked ahead, by the month they were for, and what became of them. Contacts recorded without a booking are not here.".to_owned())
                    chart=Signal::derive(move || dash.with(|d| charts::stacked_bars(&d.appointments, false, "Appointments")))
                    table=Signal::derive(move || dash.with(|d| tables::stacked(&d.appointments, "Month")))/>
            </section>

            <section class="dashboard__section" aria-labelledby="dash-connections">
                <h2 id="dash-connections">"Connections to community support"</h2>
                <ChartCard title="Connections by category and where they got to" name="connections" wide=true
                    rows=Signal::derive(move || dash.with(|d| d.connections.categories.len()))
                    note=part(|d| format!("Connections made in the range. Taken up (attended, ongoing or finished): {}.", share(d.taken_up)))
                    chart=Signal::derive(move || dash.with(|d| charts::stacked_bars(&d.connections, true, "Connections")))
                    table=Signal::derive(move || dash.with(|d| tables::stacked(&d.connections, "Category")))/>
            </section>

            <section class="dashboard__section" aria-labelledby="dash-outcomes">
                <h2 id="dash-outcomes">"Outcomes"</h2>
                <ChartCard title="Change from first to latest measure" name="outcomes" wide=true
                    note=Signal::derive(|| "Referrals received in the range with a questionnaire answered at least twice. \"Improved\" and \"worse\" mean by at least the meaningful change set in Settings.".to_owned())
                    chart=Signal::derive(move || dash.with(|d| charts::outcome_shares(&d.outcomes)))
                    table=Signal::derive(move || dash.with(|d| tables::outcomes(&d.outcomes)))>
                    <DataTable table=Signal::derive(move || dash.with(|d| tables::recorded(&d.recorded)))
                        caption="Questionnaires answered, declined or not appropriate" testid="table-recorded"/>
                </ChartCard>
            </section>

            <section class="dashboard__section" aria-labelledby="dash-endings">
                <h2 id="dash-endings">"Endings"</h2>
                <ChartCard title="How episodes ended" name="endings"
                    rows=Signal::derive(move || dash.with(|d| d.endings.len()))
                    note=Signal::derive(move || format!("Episodes closed, declined or referred on. {events} A reopened episode counts when it ends again."))
                    chart=Signal::derive(move || dash.with(|d| charts::count_bars(&d.endings, true, "Episodes")))
                    table=Signal::derive(move || dash.with(|d| tables::counts(&d.endings, "Ending", "Episodes")))/>
            </section>

            <section class="dashboard__section" aria-labelledby="dash-inequalities">
                <h2 id="dash-inequalities">"Inequalities"</h2>
                <div class="field field--inline">
                    <label for="dash-dimension">"Break down by"</label>
                    <select id="dash-dimension" data-testid="dash-dimension" on:change=move |e| {
                        let v = event_target_value(&e);
                        if let Some(d) = Dimension::ALL.iter().find(|d| d.code() == v) {
                            dimension.set(*d);
                        }
                    }>
                        {Dimension::ALL.iter().map(|d| view! {
                            <option value=d.code() selected=move || dimension.get() == *d>{d.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <ChartCard title="Seen three or more times, by group" name="inequalities" wide=true
                    rows=Signal::derive(move || dimension.get().groups().len())
                    note=Signal::derive(|| "Referrals received in the range. Grey bars are groups of fewer than 10 people: too few to rely on.".to_owned())
                    chart=Signal::derive(move || {
                        let dim = dimension.get();
                        dash.with(|d| d.breakdowns.iter().find(|b| b.dimension == dim).map(charts::breakdown).unwrap_or_default())
                    })
                    table=Signal::derive(move || {
                        let dim = dimension.get();
                        dash.with(|d| d.breakdowns.iter().find(|b| b.dimension == dim).map(tables::breakdown).unwrap_or_default())
                    })/>
            </section>

            <section class="dashboard__section" aria-labelledby="dash-feedback">
                <h2 id="dash-feedback">"Feedback"</h2>
                <ChartCard title="How happy people were with the support" name="satisfaction"
                    note=part(|d| format!("Feedback given in the range. Would recommend: {}.", share(d.would_recommend)))
                    chart=Signal::derive(move || dash.with(|d| charts::satisfaction(&d.satisfaction)))
                    table=Signal::derive(move || dash.with(|d| tables::satisfaction(&d.satisfaction)))>
                    <h4>"In their words"</h4>
                    <Show when=move || dash.with(|d| !d.quotes.is_empty())
                        fallback=|| view! { <p class="hint">"No quotes the person agreed to share, in this range."</p> }>
                        <ul class="quotes" data-testid="quotes">
                            {move || dash.with(|d| d.quotes.iter().map(|q| view! {
                                <li>
                                    <blockquote>{q.text.clone()}</blockquote>
                                    <p class="hint">{q.date.format("%B %Y").to_string()}</p>
                                </li>
                            }).collect_view())}
                        </ul>
                    </Show>
                </ChartCard>
            </section>
            </Show>
        </div>
    }
}
