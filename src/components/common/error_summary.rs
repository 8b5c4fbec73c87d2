use leptos::html;
use leptos::prelude::*;

/// The list of problems at the top of a form, each linking to its field.
/// It takes focus when it appears so the problems are announced.
#[component]
pub fn ErrorSummary(
    /// `(field element id, message)` pairs, in form order.
    #[prop(into)]
    errors: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if !errors.with(Vec::is_empty) {
            if let Some(el) = node.get() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <Show when=move || !errors.with(Vec::is_empty)>
            <div class="error-summary" role="alert" tabindex="-1" node_ref=node data-testid="error-summary">
                <h2 class="error-summary__title">"There is a problem"</h2>
                <ul>
                    {move || {
                        errors
                            .get()
                            .into_iter()
                            .map(|(field, message)| {
                                view! {
                                    <li>
                                        <a href=format!("#{field}") on:click=move |e| {
                                            e.prevent_default();
                                            focus_field(&field);
                                        }>{message}</a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// Moves focus to a form control by id (hash links would change the route).
pub fn focus_field(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
