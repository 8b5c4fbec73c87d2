use leptos::prelude::*;

/// The error message under a form field, linked to it by `id`
/// (use it as the field's `aria-describedby`).
#[component]
pub fn FieldError(
    /// The element id, `<field id>-error`.
    id: String,
    /// The message, if the field is in error.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        {move || {
            message
                .get()
                .map(|m| {
                    view! {
                        <p class="field-error" id=id.clone() data-testid=id.clone()>
                            <span class="visually-hidden">"Error: "</span>
                            {m}
                        </p>
                    }
                })
        }}
    }
}
