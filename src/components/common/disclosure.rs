//! A panel that opens and closes (`<details>`) and builds what it holds the first time it
//! opens: a closed panel costs its heading alone, so the page it is on is ready sooner.

use leptos::prelude::*;

/// A `<details>` panel with a level-2 heading. Its contents are built when it first opens
/// (at once if it starts open) and kept from then on, so closing it loses nothing typed.
#[component]
pub fn Disclosure(
    /// The heading in its summary line.
    heading: &'static str,
    /// Whether it starts open.
    #[prop(optional)]
    open: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let opened = RwSignal::new(open);
    // The first click on its summary line (a mouse, Enter or Space) opens it: the contents are
    // built before the next key press is handled, so a Tab straight after goes into them.
    // `toggle` comes later, and also when anything else opens it.
    let build = move || {
        if !opened.get_untracked() {
            opened.set(true);
        }
    };
    view! {
        <details class="panel details" open=open on:toggle=move |_| build()>
            <summary on:click=move |_| build()><h2 class="summary-heading">{heading}</h2></summary>
            {move || opened.get().then(|| children())}
        </details>
    }
}
