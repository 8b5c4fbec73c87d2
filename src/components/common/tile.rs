use leptos::prelude::*;

/// One headline figure: what it is, the figure, and what it is out of.
#[component]
pub fn Tile(
    /// What the figure is.
    label: &'static str,
    /// The figure.
    #[prop(into)]
    value: Signal<String>,
    /// What it is based on.
    #[prop(into)]
    detail: Signal<String>,
    /// A stable id for tests.
    testid: &'static str,
    /// The figure is about today and ignores the dates chosen (it still
    /// follows the other filters): marked so no one reads it as the range's.
    #[prop(optional)]
    today: bool,
) -> impl IntoView {
    view! {
        <li class="tile" class:tile--today=today>
            <p class="tile__label">
                {label}
                {today.then(|| view! { <span class="tile__scope" data-testid=format!("{testid}-scope")>"Today, not the dates chosen"</span> })}
            </p>
            // "about 65": the word small, so the figure stays on one line.
            <p class="tile__value" data-testid=testid>{move || value.with(|v| match v.strip_prefix("about ") {
                Some(figure) => view! { <span class="tile__about">"about "</span>{figure.to_owned()} }.into_any(),
                None => v.clone().into_any(),
            })}</p>
            <p class="tile__detail">{move || detail.get()}</p>
        </li>
    }
}
