use leptos::prelude::*;

/// The whole number typed in a field, if it is within `range`.
pub fn whole_number(value: RwSignal<String>, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    value
        .get_untracked()
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
}

/// A labelled short text field for a number.
#[component]
pub fn ShortNumber(
    /// The element id.
    id: &'static str,
    /// The label.
    label: &'static str,
    /// What is typed.
    value: RwSignal<String>,
    /// The test id.
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input autocomplete="off" id=id type="text" inputmode="numeric" class="input--short" data-testid=testid
                prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e))/>
        </div>
    }
}
