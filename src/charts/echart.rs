//! The one owner of ECharts instances.
//!
//! ECharts is loaded on first use (a classic script copied into the build), so
//! the caseload never waits for it. Each `<EChart>` creates one instance on
//! its element, replaces its series and axes whenever the chart changes, follows the
//! element's size, and disposes of the instance when it leaves the page.
//!
//! charming's `WasmRenderer` is not used: it needs an element id, merges
//! options (so a series that disappears after a filter change would stay
//! drawn) and has no way to dispose of an instance.

use std::cell::RefCell;

use charming::Chart;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where the ECharts script is, relative to the page, when the build does not say (its
/// name as Trunk copies it; release builds give it a content-hashed name).
const ECHARTS_COPIED: &str = "echarts.min.js";

/// Where the ECharts script is, relative to the page.
fn echarts_src() -> String {
    crate::offline::build_info()
        .map(|info| info.echarts)
        .filter(|src| !src.is_empty())
        .unwrap_or_else(|| ECHARTS_COPIED.to_owned())
}

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance.
    type Instance;

    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn init(
        el: &web_sys::HtmlElement,
        theme: &JsValue,
        opts: &JsValue,
    ) -> Result<Instance, JsValue>;

    #[wasm_bindgen(catch, method, js_name = setOption)]
    fn set_option(this: &Instance, option: &JsValue, opts: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method)]
    fn resize(this: &Instance);

    /// The width the chart is drawn at (kept by ECharts; no layout is read).
    #[wasm_bindgen(method, js_name = getWidth)]
    fn width(this: &Instance) -> f64;

    #[wasm_bindgen(method, js_name = getHeight)]
    fn height(this: &Instance) -> f64;

    #[wasm_bindgen(method)]
    fn dispose(this: &Instance);
}

thread_local! {
    /// The one load of the ECharts script, shared by every chart.
    static LOADING: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// Loads ECharts once; resolves when `window.echarts` is there.
fn load_echarts() -> js_sys::Promise {
    LOADING.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| {
                let present = js_sys::Reflect::get(&window(), &"echarts".into())
                    .is_ok_and(|v| !v.is_undefined());
                if present {
                    return js_sys::Promise::resolve(&JsValue::UNDEFINED);
                }
                js_sys::Promise::new(&mut |resolve, reject| {
                    let added = document().create_element("script").and_then(|el| {
                        el.set_attribute("src", &echarts_src())?;
                        let script: web_sys::HtmlElement = el.unchecked_into();
                        script.set_onload(Some(&resolve));
                        script.set_onerror(Some(&reject));
                        document()
                            .head()
                            .ok_or_else(|| JsValue::from_str("no head"))?
                            .append_child(&script)
                    });
                    if let Err(e) = added {
                        let _ = reject.call1(&JsValue::NULL, &e);
                    }
                })
            })
            .clone()
    })
}

/// Starts loading ECharts before any chart needs it (a page that will
/// draw charts soon calls this, so the script loads while it works).
pub fn preload() {
    let _ = load_echarts();
}

/// The chart as the JavaScript object ECharts reads.
///
/// Two settings charming cannot express are added here:
/// - ECharts' aria stays on for its decal patterns, but its generated label is turned off:
///   the chart's name is the wrapper's `role="img"` label, and ECharts would put a second
///   `role="img"` inside it, with no name when there is no data.
/// - The tooltip is drawn inside the chart (`renderMode: 'richText'`). ECharts' HTML
///   tooltip writes markup with `style` attributes, which the content security policy
///   (`style-src 'self'`) refuses: its values ran into their names and every hover was
///   reported as a violation.
fn option_of(chart: &Chart) -> Option<JsValue> {
    let json = serde_json::to_string(chart).ok()?;
    let option = js_sys::JSON::parse(&json).ok()?;
    let aria = js_sys::Reflect::get(&option, &"aria".into()).ok()?;
    if aria.is_object() {
        let label = js_sys::Object::new();
        js_sys::Reflect::set(&label, &"enabled".into(), &JsValue::FALSE).ok()?;
        js_sys::Reflect::set(&aria, &"label".into(), &label).ok()?;
    }
    let tooltip = js_sys::Reflect::get(&option, &"tooltip".into()).ok()?;
    if tooltip.is_object() {
        js_sys::Reflect::set(&tooltip, &"renderMode".into(), &"richText".into()).ok()?;
    }
    Some(option)
}

/// How a new option meets the drawn one: the series and axes are replaced, so a series
/// that a filter change leaves out is not kept drawn; the rest (grid, legend, tooltip,
/// aria, colours) is the same for a given chart and is updated in place.
///
/// Replacing everything (`notMerge`) also rebuilt the tooltip, whose constructor reads the
/// chart's offset: with the page's DOM just changed, that forced a layout per chart, about
/// a third of a filter change's time on the dashboard's 14 charts.
fn replacing() -> JsValue {
    let opts = js_sys::Object::new();
    let types: js_sys::Array = ["series", "xAxis", "yAxis"]
        .iter()
        .map(|t| JsValue::from_str(t))
        .collect();
    let _ = js_sys::Reflect::set(&opts, &"replaceMerge".into(), &types);
    opts.into()
}

/// One chart, drawn with ECharts as SVG (sharp in print and at any zoom).
/// Its numbers must also be given in a table beside it.
#[component]
pub fn EChart(
    /// The chart to draw; it is redrawn whenever this changes.
    #[prop(into)]
    chart: Signal<Chart>,
    /// What the chart shows, read out instead of the drawing.
    #[prop(into)]
    label: String,
    /// A stable id for tests.
    #[prop(into)]
    testid: String,
    /// The drawing's height (CSS), when the default does not suit.
    #[prop(optional, into)]
    height: Option<Signal<String>>,
) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    let instance = StoredValue::new_local(None::<Instance>);
    let ready = RwSignal::new(false);
    let failed = RwSignal::new(false);

    leptos::task::spawn_local(async move {
        match JsFuture::from(load_echarts()).await {
            Ok(_) => {
                ready.try_set(true);
            }
            Err(_) => {
                // Let a later chart try again, with a fresh script element.
                LOADING.with(|slot| slot.borrow_mut().take());
                if let Ok(Some(script)) =
                    document().query_selector(&format!("script[src=\"{}\"]", echarts_src()))
                {
                    script.remove();
                }
                failed.try_set(true);
            }
        }
    });

    Effect::new(move |_| {
        // Until ECharts is loaded and the element is there, nothing is built; the effect
        // runs again when they are (it tracks both).
        if !ready.get() {
            return;
        }
        let Some(el) = node.get() else { return };
        if instance.with_value(Option::is_none) {
            let opts = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&opts, &"renderer".into(), &"svg".into());
            match init(&el, &JsValue::NULL, &opts) {
                Ok(created) => instance.set_value(Some(created)),
                Err(_) => {
                    failed.set(true);
                    return;
                }
            }
        }
        // Read by reference: a chart is never copied on its way to ECharts.
        let drawn = chart.with(option_of).is_some_and(|option| {
            instance.with_value(|i| {
                i.as_ref()
                    .is_some_and(|i| i.set_option(&option, &replacing()).is_ok())
            })
        });
        failed.set(!drawn);
    });

    // Follow the element's size: window resizes, layout changes and print.
    let resize = move || instance.with_value(|i| i.as_ref().map(Instance::resize));
    type Observed = (web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);
    let observer = StoredValue::new_local(None::<Observed>);
    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        if observer.with_value(Option::is_some) {
            return;
        }
        // A resize redraws the whole chart. The observer also reports the size a chart was
        // just drawn at (always once, on observing), so only a real change is followed.
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let size = entries
                .get(0)
                .dyn_into::<web_sys::ResizeObserverEntry>()
                .ok()
                .map(|entry| entry.content_rect());
            instance.with_value(|i| {
                let Some(i) = i else { return };
                let unchanged = size.is_some_and(|rect| {
                    (rect.width() - i.width()).abs() < 1.0
                        && (rect.height() - i.height()).abs() < 1.0
                });
                if !unchanged {
                    i.resize();
                }
            });
        });
        if let Ok(o) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            o.observe(&el);
            observer.set_value(Some((o, callback)));
        }
    });
    let before_print = window_event_listener(ev::beforeprint, move |_| {
        resize();
    });
    let after_print = window_event_listener(ev::afterprint, move |_| {
        resize();
    });

    on_cleanup(move || {
        before_print.remove();
        after_print.remove();
        observer.update_value(|o| {
            if let Some((o, _)) = o.take() {
                o.disconnect();
            }
        });
        instance.update_value(|i| {
            if let Some(i) = i.take() {
                i.dispose();
            }
        });
    });

    view! {
        <div class="echart">
            <div role="img" aria-label=label>
                <div class="echart__canvas" node_ref=node data-testid=testid
                    style:height=move || height.map(|h| h.get())></div>
            </div>
            <Show when=move || failed.get()>
                <p class="hint" data-testid="chart-failed">
                    "This chart could not be drawn. The table gives its numbers."
                </p>
            </Show>
        </div>
    }
}
