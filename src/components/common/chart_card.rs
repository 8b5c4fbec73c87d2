use charming::Chart;
use leptos::prelude::*;
use linkwork_core::views::tables::Table;

use crate::charts::echart::EChart;
use crate::components::common::data_table::DataTable;

/// A chart with its heading, a line on how to read it, and the table of its
/// numbers beside it.
#[component]
pub fn ChartCard(
    /// The heading.
    #[prop(into)]
    title: String,
    /// A short, stable name, unique on the page: the heading's id and the
    /// test ids derive from it.
    #[prop(into)]
    name: String,
    /// How to read the chart: which referrals or events it counts.
    #[prop(into)]
    note: Signal<String>,
    /// The chart.
    #[prop(into)]
    chart: Signal<Chart>,
    /// Its numbers.
    #[prop(into)]
    table: Signal<Table>,
    /// Categories down the side, so the chart grows to name every one.
    #[prop(optional, into)]
    rows: Option<Signal<usize>>,
    /// Offer the table as a CSV download under this file name.
    #[prop(optional, into)]
    csv: Option<String>,
    /// A wide table: put it under the chart instead of beside it.
    #[prop(optional)]
    wide: bool,
    /// What to say when there is nothing to chart (default: "Nothing
    /// recorded in this range.").
    #[prop(optional, into)]
    empty: Option<String>,
    /// Anything shown under the table.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    // Bare axes and a header-only table look broken: say so in words instead.
    let has_data = Signal::derive(move || table.with(Table::has_data));
    let empty = empty.unwrap_or_else(|| "Nothing recorded in this range.".to_owned());
    let empty_testid = format!("empty-{name}");
    let card_testid = format!("card-{name}");
    let chart_testid = format!("chart-{name}");
    let table_testid = format!("table-{name}");
    let chart_label = format!("{title}: chart. The table with it gives the same numbers.");
    let caption = format!("{title}: the numbers");
    let height = Signal::derive(move || {
        let rows = rows.map_or(0, |r| r.get());
        format!("{:.1}rem", (rows as f64 * 1.75 + 6.0).max(20.0))
    });
    let heading = format!("chart-{name}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class="chart-card" class:chart-card--wide=wide aria-labelledby=labelled_by data-testid=card_testid>
            <h3 id=heading>{title.clone()}</h3>
            <p class="hint">{move || note.get()}</p>
            <Show when=move || has_data.get()
                fallback=move || view! { <p class="chart-card__empty" data-testid=empty_testid.clone()>{empty.clone()}</p> }>
                <div class="chart-card__body" class:chart-card__body--stacked=wide>
                    <EChart chart=chart label=chart_label.clone() testid=chart_testid.clone() height=height/>
                    <div class="chart-card__numbers">
                        <DataTable table=table caption=caption.clone() testid=table_testid.clone() csv=csv.clone() scrolls=!wide/>
                    </div>
                </div>
            </Show>
            {children.map(|c| c())}
        </section>
    }
}
