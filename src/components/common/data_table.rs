use leptos::prelude::*;
use linkwork_core::views::tables::Table;

/// The numbers behind a chart: the first column names each row, the rest
/// are figures. Rows based on small numbers are greyed and say so.
#[component]
pub fn DataTable(
    /// The table to show.
    #[prop(into)]
    table: Signal<Table>,
    /// What the table is, read first by screen readers.
    #[prop(into)]
    caption: String,
    /// A stable id for tests.
    #[prop(into)]
    testid: String,
    /// Offer the table as a CSV download under this file name.
    #[prop(default = None)]
    csv: Option<String>,
    /// The table may scroll within its box (beside a chart): the box is
    /// then a named region that takes keyboard focus, so it can be scrolled
    /// without a mouse.
    #[prop(optional)]
    scrolls: bool,
) -> impl IntoView {
    let region = scrolls.then(|| format!("{caption}, scrollable"));
    let download = csv.map(|name| {
        let label = format!("Download “{caption}” as CSV");
        let id = format!("{testid}-csv");
        view! {
            <button type="button" class="button button--link button--small csv-button" data-testid=id aria-label=label
                on:click=move |_| { let _ = crate::platform::download(&name, &table.with_untracked(Table::to_csv)); }>
                "CSV"
            </button>
        }
    });
    view! {
        {download}
        <div class="table-wrap" tabindex=scrolls.then_some("0") role=scrolls.then_some("region") aria-label=region>
            <table class="table data-table" data-testid=testid>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        {move || table.with(|t| {
                            t.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()
                        })}
                    </tr>
                </thead>
                <tbody>
                    {move || table.with(|t| {
                        t.rows.iter().map(|row| {
                            let mut cells = row.cells.iter();
                            let first = cells.next().cloned().unwrap_or_default();
                            let rest = cells.map(|c| view! { <td class="num">{c.clone()}</td> }).collect_view();
                            view! {
                                <tr class:row--unreliable=row.unreliable>
                                    <th scope="row">{first}</th>
                                    {rest}
                                </tr>
                            }
                        }).collect_view()
                    })}
                </tbody>
            </table>
        </div>
    }
}
