//! The caseload: every referral, searchable, filterable and sortable.

use leptos::prelude::*;
use linkwork_core::views::caseload::StatusFilter;
use linkwork_core::{caseload_rows, CaseloadQuery, Choice, ReferralStatus, SortKey};

use crate::components::common::notice_banner::NoticeBanner;
use crate::components::referral::contact_form::ContactForm;
use crate::components::referral::flags::Flags;
use crate::platform::{show_date, today};
use crate::route::Route;
use crate::state::{use_state, Notice};

/// Rows per page of the list.
const PAGE_SIZE: usize = 50;

/// The caseload list with its filters.
#[component]
pub fn CaseloadPage() -> impl IntoView {
    let state = use_state();
    let query = RwSignal::new(CaseloadQuery::default());
    let page = RwSignal::new(0usize);
    // The referral whose quick-add contact form is open.
    let adding = RwSignal::new(None::<linkwork_core::ReferralId>);
    let rows = Memo::new(move |_| {
        let q = query.get();
        state.ws.with(|ws| caseload_rows(ws, &q, today()))
    });
    let total = Memo::new(move |_| state.ws.with(|ws| ws.referrals.len()));
    let has_practices = Memo::new(move |_| state.ws.with(|ws| !ws.settings.practices.is_empty()));
    // A new search or filter starts again at the first page.
    Effect::new(move |_| {
        query.track();
        page.set(0);
    });
    let pages = move || rows.with(|r| r.len().div_ceil(PAGE_SIZE)).max(1);

    let sort_header = move |key: SortKey| {
        let aria_sort = move || {
            query.with(|q| match (q.sort == key, q.descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            })
        };
        let arrow = move || {
            query.with(|q| match (q.sort == key, q.descending) {
                (false, _) => "",
                (true, false) => " ▲",
                (true, true) => " ▼",
            })
        };
        view! {
            <th scope="col" aria-sort=aria_sort>
                <button type="button" class="sort-button" data-testid=format!("sort-{}", key.code())
                    on:click=move |_| query.update(|q| {
                        if q.sort == key {
                            q.descending = !q.descending;
                        } else {
                            q.sort = key;
                            q.descending = matches!(key, SortKey::ReferralDate | SortKey::DaysWaiting);
                        }
                    })>
                    {key.label()}<span aria-hidden="true">{arrow}</span>
                </button>
            </th>
        }
    };

    view! {
        <div class="page-head page-head--row">
            <h1>"Caseload"</h1>
            <div class="button-row">
                <a class="button button--secondary" href=Route::Transfer.href() data-testid="to-transfer">"Import or export"</a>
                <a class="button button--secondary" href=Route::Handover.href() data-testid="to-handover">"Hand over or receive"</a>
                <a class="button" href=Route::NewReferral.href() data-testid="new-referral">"New referral"</a>
            </div>
        </div>
        <NoticeBanner/>
        <Show
            when=move || { total.get() > 0 }
            fallback=move || view! {
                <section class="empty" data-testid="empty-caseload">
                    {move || if has_practices.get() {
                        view! {
                            <h2>"No referrals yet"</h2>
                            <p>"Referrals you record appear here, with how long each person has been waiting."</p>
                            <p><a class="button" href=Route::NewReferral.href()>"Record the first referral"</a></p>
                            <p>"Moving from a spreadsheet? " <a href=Route::Transfer.href()>"Import your caseload from CSV"</a>"."</p>
                        }.into_any()
                    } else {
                        view! {
                            <h2>"Welcome to Linkwork"</h2>
                            <p>"Start by adding the practice or practices you work in. Then recording a referral takes well under a minute."</p>
                            <p><a class="button" href=Route::Settings.href() data-testid="add-practice-link">"Add your practice"</a></p>
                        }.into_any()
                    }}
                </section>
            }
        >
            <form class="filters" role="search" aria-label="Filter the caseload" on:submit=|e| e.prevent_default()>
                <div class="field">
                    <label for="search">"Search by reference"</label>
                    <input id="search" type="search" autocomplete="off" data-testid="search"
                        prop:value=move || query.with(|q| q.search.clone())
                        on:input=move |e| query.update(|q| q.search = event_target_value(&e))/>
                </div>
                <div class="field">
                    <label for="filter-practice">"Practice"</label>
                    <select id="filter-practice" data-testid="filter-practice" on:change=move |e| {
                        let v = event_target_value(&e);
                        query.update(|q| q.practice = v.parse().ok());
                    }>
                        <option value="">"All practices"</option>
                        {move || state.ws.with(|ws| ws.settings.practices.iter().map(|p| {
                            let pid = p.id;
                            view! { <option value=p.id.to_string() selected=move || query.with(|q| q.practice == Some(pid))>{p.name.clone()}</option> }
                        }).collect_view())}
                    </select>
                </div>
                <div class="field field--check">
                    <div class="checkbox">
                        <input type="checkbox" id="filter-attention" data-testid="filter-attention"
                            prop:checked=move || query.with(|q| q.attention_only)
                            on:change=move |e| query.update(|q| q.attention_only = event_target_checked(&e))/>
                        <label for="filter-attention">"Needs attention only"</label>
                    </div>
                </div>
                <div class="field">
                    <label for="filter-status">"Status"</label>
                    <select id="filter-status" data-testid="filter-status" on:change=move |e| {
                        let v = event_target_value(&e);
                        query.update(|q| q.status = match v.as_str() {
                            "open" => StatusFilter::Open,
                            "all" => StatusFilter::All,
                            code => ReferralStatus::from_code(code).map_or(StatusFilter::Open, StatusFilter::Only),
                        });
                    }>
                        <option value="open">"Open (not closed)"</option>
                        <option value="all">"All"</option>
                        {ReferralStatus::ALL.iter().map(|s| view! { <option value=s.code()>{s.label()}</option> }).collect_view()}
                    </select>
                </div>
            </form>
            <p class="result-count" aria-live="polite" data-testid="result-count">
                {move || {
                    let shown = rows.with(Vec::len);
                    let all = total.get();
                    format!("{shown} of {all} referral{}", if all == 1 { "" } else { "s" })
                }}
            </p>
            <div class="table-wrap">
                <table class="table" data-testid="caseload-table">
                    <caption class="visually-hidden">"Referrals on the caseload. Column headings sort the list."</caption>
                    <thead>
                        <tr>
                            {SortKey::ALL.map(sort_header).collect_view()}
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let start = page.get() * PAGE_SIZE;
                            rows.with(|rows| {
                                rows.iter()
                                    .skip(start)
                                    .take(PAGE_SIZE)
                                    .map(|r| {
                                        let href = Route::Referral(r.id).href();
                                        let status_class = format!("status status--{}", r.status.code());
                                        let rid = r.id;
                                        let open = r.status.is_open();
                                        let seen = if r.seen >= 3 { format!("{} ✓", r.seen) } else { r.seen.to_string() };
                                        let seen_label = if r.seen >= 3 { format!("{}, seen three or more times", r.seen) } else { r.seen.to_string() };
                                        view! {
                                            <tr data-testid="caseload-row" class:row--flagged=r.highlights.any()>
                                                <td>
                                                    <a href=href data-testid="row-reference">{r.reference.clone()}</a>
                                                    <Flags highlights=r.highlights.clone()/>
                                                </td>
                                                <td>{r.practice.clone()}</td>
                                                <td>{show_date(r.referral_date)}</td>
                                                <td class="reasons">{r.reasons.clone()}</td>
                                                <td><span class=status_class>{r.status.label()}</span></td>
                                                <td class="num" aria-label=seen_label>{seen}</td>
                                                <td class="num">{r.days_waiting.map_or_else(|| "–".to_owned(), |d| d.to_string())}</td>
                                                <td>
                                                    {open.then(|| view! {
                                                        <button type="button" class="button button--small button--secondary" data-testid="row-add-contact"
                                                            aria-expanded=move || (adding.get() == Some(rid)).to_string()
                                                            disabled=move || state.read_only()
                                                            on:click=move |_| adding.update(|a| *a = if *a == Some(rid) { None } else { Some(rid) })>
                                                            "+ Contact"<span class="visually-hidden">{format!(" for {}", r.reference)}</span>
                                                        </button>
                                                    })}
                                                </td>
                                            </tr>
                                            {move || (adding.get() == Some(rid)).then(|| view! {
                                                <tr class="inline-row">
                                                    <td colspan="8">
                                                        <ContactForm referral=rid id_prefix="quick" autofocus=true
                                                            on_saved=Callback::new(move |()| {
                                                                adding.set(None);
                                                                state.notice.set(Some(Notice { text: "Contact added.".into(), on: Route::Caseload }));
                                                            })/>
                                                    </td>
                                                </tr>
                                            })}
                                        }
                                    })
                                    .collect_view()
                            })
                        }}
                    </tbody>
                </table>
            </div>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="empty-filter" data-testid="no-matches">"No referrals match. Try another search or filter."</p>
            </Show>
            <Show when=move || { pages() > 1 }>
                <nav class="pager" aria-label="Pages of the caseload">
                    <button type="button" class="button button--secondary" disabled=move || page.get() == 0
                        on:click=move |_| page.update(|p| *p = p.saturating_sub(1)) data-testid="page-prev">"Previous"</button>
                    <span data-testid="page-label">{move || format!("Page {} of {}", page.get() + 1, pages())}</span>
                    <button type="button" class="button button--secondary" disabled=move || { page.get() + 1 >= pages() }
                        on:click=move |_| page.update(|p| *p += 1) data-testid="page-next">"Next"</button>
                </nav>
            </Show>
        </Show>
    }
}
