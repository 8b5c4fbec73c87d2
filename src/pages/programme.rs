//! The manager's view: anonymised summaries from any number of link
//! workers, merged into the programme's figures.

use leptos::ev;
use leptos::prelude::*;
use linkwork_core::views::summary::{period_label, Imported, Merged, ProgrammeFilter, Protection};
use linkwork_core::{views::charts, views::tables};

use crate::components::common::chart_card::ChartCard;
use crate::components::common::data_table::DataTable;
use crate::components::common::tile::Tile;
use crate::platform::{file_text, show_date, take_files};
use crate::state::use_state;

/// The tables charted, in order: (table, what its rows are, horizontal).
const CHARTED: [(&str, &str, bool); 13] = [
    ("Referrals by who referred", "Who referred", true),
    ("Referrals by reason", "Reason", true),
    ("Days from referral to first contact", "Days", false),
    ("Referrals by contacts attended", "Contacts attended", false),
    ("Attended contacts by mode", "Mode", true),
    ("Contacts by outcome", "Outcome", true),
    ("Connections by category", "Category", true),
    ("Connections by status", "Status", true),
    ("How episodes ended", "Ending", true),
    ("Referrals by age band", "Age band", false),
    ("Referrals by sex", "Sex", false),
    ("Referrals by ethnic group", "Ethnic group", true),
    ("Referrals by deprivation quintile", "Quintile", false),
];

/// Figures compared side by side.
const COMPARED: [(&str, &str); 4] = [
    ("Referrals by who referred", "Referrals"),
    ("Attended contacts by mode", "Attended contacts"),
    ("Connections by category", "Connections"),
    ("How episodes ended", "Episodes ended"),
];

/// Reads dropped or chosen files and imports them.
fn import_files(
    files: Vec<web_sys::File>,
    pass: String,
    results: RwSignal<Vec<(String, String, bool)>>,
) {
    let state = use_state();
    crate::platform::mark("linkwork-import-start");
    leptos::task::spawn_local(async move {
        let mut read = Vec::new();
        let mut unreadable = Vec::new();
        for f in files {
            match file_text(&f).await {
                Some(text) => read.push((f.name(), text)),
                None => unreadable.push(f.name()),
            }
        }
        let (outcomes, saved) =
            state.import_summaries(&read, (!pass.is_empty()).then_some(pass.as_str()));
        let mut lines: Vec<(String, String, bool)> = read
            .iter()
            .zip(outcomes)
            .map(|((name, _), outcome)| match outcome {
                Imported::Added => (name.clone(), "imported".to_owned(), true),
                Imported::Replaced => (
                    name.clone(),
                    "imported; it replaces the earlier file for the same link worker and period"
                        .to_owned(),
                    true,
                ),
                Imported::Failed(e) => (name.clone(), e.to_string(), false),
            })
            .collect();
        lines.extend(
            unreadable
                .into_iter()
                .map(|n| (n, "the browser could not read this file".to_owned(), false)),
        );
        if let Err(e) = saved {
            state.manager_error.set(Some(e.to_string()));
        }
        results.set(lines);
        crate::platform::mark("linkwork-import-end");
    });
}

/// The programme view.
#[component]
pub fn ProgrammePage() -> impl IntoView {
    let state = use_state();
    crate::charts::echart::preload();
    let pass = RwSignal::new(String::new());
    let results = RwSignal::new(Vec::<(String, String, bool)>::new());
    let filter = RwSignal::new(ProgrammeFilter::default());
    let dragging = RwSignal::new(false);
    let programme = state.programme;
    let empty = Memo::new(move |_| programme.with(|p| p.summaries().is_empty()));
    let headlines = Memo::new(move |_| {
        let f = filter.get();
        programme.with(|p| p.headlines(&f))
    });
    // The known figure large; hidden counts said underneath.
    let tile = move |get: fn(&linkwork_core::views::summary::Headlines) -> Merged,
                     what: &'static str| {
        (
            Signal::derive(move || headlines.with(|h| get(h).known_text())),
            Signal::derive(move || {
                headlines.with(|h| {
                    get(h)
                        .hidden_text()
                        .map_or_else(|| what.to_owned(), |more| format!("{what}, {more}"))
                })
            }),
        )
    };
    let tiles = [
        (
            "Referrals",
            "programme-referrals",
            tile(|h| h.referrals, "received"),
        ),
        (
            "Seen three or more times",
            "programme-seen3",
            tile(|h| h.seen_three_plus, "of those referred"),
        ),
        (
            "Attended contacts",
            "programme-contacts",
            tile(|h| h.attended_contacts, "in the periods"),
        ),
        (
            "Did not attend",
            "programme-dna",
            tile(|h| h.did_not_attend, "missed contacts"),
        ),
        (
            "Connections",
            "programme-connections",
            tile(|h| h.connections, "to community support"),
        ),
        (
            "Episodes ended",
            "programme-endings",
            tile(|h| h.endings, "closed or referred on"),
        ),
    ];
    let table_of = move |name: &'static str| {
        Memo::new(move |_| {
            let f = filter.get();
            programme.with(|p| p.table_in_order(name, &|s, g| f.keeps(s, g)))
        })
    };
    let on_drop = move |e: ev::DragEvent| {
        e.prevent_default();
        dragging.set(false);
        let files: Vec<web_sys::File> = e
            .data_transfer()
            .and_then(|d| d.files())
            .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
            .unwrap_or_default();
        import_files(files, pass.get_untracked(), results);
    };
    let select = move |id: &'static str,
                       label: &'static str,
                       options: Signal<Vec<(String, String)>>,
                       set: fn(&mut ProgrammeFilter, Option<String>)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id data-testid=id on:change=move |e| {
                    let v = event_target_value(&e);
                    filter.update(|f| set(f, (!v.is_empty()).then_some(v)));
                }>
                    <option value="">"All"</option>
                    {move || options.get().into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    let workers = Signal::derive(move || {
        programme.with(|p| p.labels().into_iter().map(|l| (l.clone(), l)).collect())
    });
    let practices = Signal::derive(move || {
        programme.with(|p| p.practices().into_iter().map(|l| (l.clone(), l)).collect())
    });
    let periods = Signal::derive(move || {
        programme.with(|p| {
            p.periods()
                .into_iter()
                .map(|(f, t)| {
                    (
                        format!("{f}|{t}"),
                        format!("{} to {}", show_date(f), show_date(t)),
                    )
                })
                .collect()
        })
    });

    view! {
        <div class="dashboard programme">
            <div class="page-head page-head--row">
                <h1>"Programme"</h1>
                <div class="button-row">
                    <button type="button" class="button button--secondary" on:click=move |_| { let _ = window().print(); }>"Print (A4 landscape)"</button>
                </div>
            </div>
            <p class="muted">"Anonymised summaries from link workers, added together. Each file rounds its counts to a multiple of 5 and breaks down only groups of 10 or more, so figures are approximate (“about 120”); summaries made with the older protection keep their hidden counts hidden, and say so."</p>
            {move || state.manager_error.get().map(|e| view! { <p class="banner banner--warning" role="alert" data-testid="manager-error">{e}</p> })}

            <section class="panel no-print" aria-labelledby="import-heading">
                <h2 id="import-heading">"Import summary files"</h2>
                <div class="drop-zone" class:drop-zone--active=move || dragging.get() data-testid="drop-zone"
                    on:dragover=move |e: ev::DragEvent| { e.prevent_default(); dragging.set(true); }
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop>
                    <p>"Drop summary files here, or choose them:"</p>
                    <label for="summary-files" class="visually-hidden">"Summary files"</label>
                    <input id="summary-files" type="file" accept=".json,application/json" multiple data-testid="summary-files"
                        on:change=move |e| import_files(take_files(&e), pass.get_untracked(), results)/>
                </div>
                <div class="field">
                    <label for="summary-import-pass">"Passphrase, for encrypted files (optional)"</label>
                    <input id="summary-import-pass" type="password" autocomplete="off" data-testid="summary-import-pass"
                        prop:value=move || pass.get() on:input=move |e| pass.set(event_target_value(&e))/>
                </div>
                // The live region wraps the list, so the list keeps its own role.
                <div role="status" aria-live="polite">
                    <ul class="import-results" data-testid="import-results">
                        {move || results.get().into_iter().map(|(name, text, ok)| view! {
                            <li class=if ok { "import-ok" } else { "field-error" } data-testid="import-result">
                                <strong>{name}</strong>": "{text}
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            </section>

            <Show when=move || !empty.get()
                fallback=|| view! { <p class="empty" data-testid="programme-empty">"No summaries yet. Link workers make them under Import and export, “Anonymised summary for your manager”."</p> }>
                <section class="panel" aria-labelledby="files-heading">
                    <h2 id="files-heading">"Summaries"</h2>
                    <div class="table-wrap">
                        <table class="table" data-testid="summary-list">
                            <caption class="visually-hidden">"Imported summaries"</caption>
                            <thead><tr><th scope="col">"Link worker"</th><th scope="col">"Period"</th><th scope="col">"Made"</th><th scope="col">"Protection"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                            <tbody>
                                {move || programme.with(|p| p.summaries().iter().map(|s| {
                                    let (label, from, to) = (s.label.clone(), s.from, s.to);
                                    view! {
                                        <tr data-testid="summary-row">
                                            <th scope="row">{s.label.clone()}</th>
                                            <td>{format!("{} to {}", show_date(s.from), show_date(s.to))}</td>
                                            <td>{show_date(s.generated.date_naive())}</td>
                                            <td data-testid="summary-protection">{match s.protection {
                                                Protection::Rounded => "Rounded to 5; groups under 10 not broken down",
                                                Protection::Suppressed => "Older protection (small counts hidden): some hidden counts can be worked out. Ask for a new file.",
                                            }}</td>
                                            <td><button type="button" class="button button--link no-print"
                                                on:click=move |_| { if let Err(e) = state.remove_summary(&label, from, to) { state.manager_error.set(Some(e.to_string())); } }>"Remove"</button></td>
                                        </tr>
                                    }
                                }).collect_view())}
                            </tbody>
                        </table>
                    </div>
                </section>

                <form class="filters no-print" aria-label="Filter the programme" on:submit=|e| e.prevent_default()>
                    {select("programme-worker", "Link worker", workers, |f, v| f.worker = v)}
                    {select("programme-practice", "Practice", practices, |f, v| f.practice = v)}
                    {select("programme-period", "Period", periods, |f, v| {
                        f.period = v.and_then(|v| {
                            let (a, b) = v.split_once('|')?;
                            Some((a.parse().ok()?, b.parse().ok()?))
                        });
                    })}
                </form>

                <section aria-labelledby="programme-tiles">
                    <h2 id="programme-tiles" class="visually-hidden">"Headline figures"</h2>
                    <ul class="tiles">
                        {tiles.map(|(label, testid, (value, detail))| view! {
                            <Tile label=label testid=testid value=value detail=detail/>
                        }).collect_view()}
                    </ul>
                </section>

                <section class="dashboard__section" aria-labelledby="compare-heading">
                    <h2 id="compare-heading">"Side by side"</h2>
                    {[(false, "Practice", "practices"), (true, "Link worker", "workers")].into_iter().map(|(by_worker, first, name)| {
                        let columns: Vec<&str> = COMPARED.iter().map(|(_, c)| *c).collect();
                        let table = Signal::derive(move || {
                            let f = filter.get();
                            let names: Vec<&str> = COMPARED.iter().map(|(t, _)| *t).collect();
                            let rows = programme.with(|p| p.side_by_side(&f, &names, by_worker));
                            tables::side_by_side(&rows, first, &columns)
                        });
                        view! { <DataTable table=table caption=format!("By {}", first.to_lowercase()) testid=format!("programme-by-{name}") csv=Some(format!("linkwork-programme-by-{name}.csv"))/> }
                    }).collect_view()}
                    <ChartCard title="Referrals over the periods" name="programme-trend" empty="Nothing in the summaries shown."
                        note=Signal::derive(|| "Referrals received in each summary period, approximate (rounded in each file). Counts hidden in older files are not drawn; the table marks them.".to_owned())
                        chart=Signal::derive(move || {
                            let f = filter.get();
                            let rows = programme.with(|p| p.trend(&f, "Referrals by who referred"));
                            // Each period named by its length ("Oct to Dec 2026"), so a quarter never reads as a month.
                            let parts: Vec<(String, Merged)> = rows.iter().map(|((from, to), m)| (period_label(*from, *to), *m)).collect();
                            charts::merged_bars(&parts, false, "Referrals")
                        })
                        table=Signal::derive(move || {
                            let f = filter.get();
                            tables::trend(&programme.with(|p| p.trend(&f, "Referrals by who referred")), "Referrals")
                        })/>
                </section>

                <section class="dashboard__section" aria-labelledby="tables-heading">
                    <h2 id="tables-heading">"The figures"</h2>
                    {CHARTED.into_iter().enumerate().map(|(i, (name, first, horizontal))| {
                        let merged = table_of(name);
                        view! {
                            <ChartCard title=name name=format!("programme-{i}") empty="Nothing in the summaries shown."
                                note=Signal::derive(|| "Approximate counts (rounded to 5 in each file); groups under 10 are counted apart as not broken down. Counts hidden in older files are not drawn.".to_owned())
                                rows=Signal::derive(move || if horizontal { merged.with(|(p, _)| p.len()) } else { 0 })
                                chart=Signal::derive(move || merged.with(|(parts, _)| charts::merged_bars(parts, horizontal, "Count")))
                                table=Signal::derive(move || merged.with(|(parts, total)| tables::merged(parts, *total, first)))
                                csv=format!("linkwork-programme-{}.csv", name.to_lowercase().replace([' ', '(', ')'], "-"))/>
                        }
                    }).collect_view()}
                </section>
                <section class="dashboard__section" aria-labelledby="programme-outcomes-heading">
                    <h2 id="programme-outcomes-heading">"Outcomes, time and practices"</h2>
                    <DataTable caption="Change from first to latest measure (mean and spread from groups whose number of pairs is shown)" testid="programme-outcomes"
                        csv=Some("linkwork-programme-outcomes.csv".to_owned())
                        table=Signal::derive(move || { let f = filter.get(); programme.with(|p| tables::merged_outcomes(&p.outcomes(&f))) })/>
                    {move || {
                        let f = filter.get();
                        programme.with(|p| p.tables().into_iter().filter(|t| t.starts_with("Questionnaires: ")).map(|name| {
                            let (parts, total) = p.table_in_order(&name, &|s, g| f.keeps(s, g));
                            let table = tables::merged(&parts, total, "Recorded as");
                            view! { <DataTable caption=name table=Signal::derive(move || table.clone()) testid="programme-questionnaires"/> }
                        }).collect_view())
                    }}
                    <Show when=move || programme.with(|p| p.summaries().iter().any(|s| !s.waits.is_empty()))>
                    <DataTable caption="Days from referral to first contact: median and quartiles (files made with the older protection)" testid="programme-waits"
                        csv=Some("linkwork-programme-waits.csv".to_owned())
                        table=Signal::derive(move || {
                            let f = filter.get();
                            programme.with(|p| {
                                let rows: Vec<_> = p.summaries().iter()
                                    .filter(|s| f.keeps_summary(s))
                                    .flat_map(|s| s.waits.iter().filter(|w| f.keeps_practice(&w.practice)).map(move |w| (s.label.clone(), w.clone())))
                                    .collect();
                                tables::summary_waits(&rows)
                            })
                        })/>
                    </Show>
                    <DataTable caption="Time on each level of the work" testid="programme-time"
                        csv=Some("linkwork-programme-time.csv".to_owned())
                        table=Signal::derive(move || { let f = filter.get(); programme.with(|p| tables::merged_time(&p.time(&f))) })/>
                    <DataTable caption="Latest practice check-ins" testid="programme-checkins"
                        csv=Some("linkwork-programme-checkins.csv".to_owned())
                        table=Signal::derive(move || {
                            let f = filter.get();
                            programme.with(|p| {
                                let rows: Vec<_> = p.summaries().iter()
                                    .filter(|s| f.keeps_summary(s))
                                    .flat_map(|s| s.checkins.iter().filter(|c| f.keeps_practice(&c.practice)).map(move |c| (s.label.clone(), c.clone())))
                                    .collect();
                                tables::summary_checkins(&rows)
                            })
                        })/>
                    {move || {
                        let quotes: Vec<String> = programme.with(|p| p.summaries().iter().flat_map(|s| s.quotes.clone()).collect());
                        (!quotes.is_empty()).then(|| view! {
                            <h3>"In their words"</h3>
                            <ul class="quotes">{quotes.into_iter().map(|q| view! { <li><blockquote>{q}</blockquote></li> }).collect_view()}</ul>
                        })
                    }}
                </section>
            </Show>
        </div>
    }
}
