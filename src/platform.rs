//! Small bridges to the browser: the clock and random ids.

use chrono::{DateTime, NaiveDate, Utc};
use linkwork_core::Random;

/// Today's date in the person's own time zone.
pub fn today() -> NaiveDate {
    let d = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .unwrap_or_else(|| now().date_naive())
}

/// The current moment.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// The browser's cryptographic random source, for ids, salts and nonces.
pub struct BrowserIds;

/// New entries (contacts, tasks, consent answers…) take their ids from the browser's
/// cryptographic random source and clock, so no two copies of a record ever make the same.
pub fn use_for_entry_ids() {
    linkwork_core::model::ids::use_platform(linkwork_core::model::ids::Platform {
        fill: |out| BrowserIds.fill(out),
        now_ms: || js_sys::Date::now().max(0.0) as u64,
    });
}

impl Random for BrowserIds {
    fn fill(&mut self, out: &mut [u8]) {
        let crypto = web_sys::window().and_then(|w| w.crypto().ok());
        // getRandomValues takes at most 65,536 bytes at a time.
        for part in out.chunks_mut(65_536) {
            let filled = crypto
                .as_ref()
                .is_some_and(|c| c.get_random_values_with_u8_array(part).is_ok());
            // Keys, nonces and salts must never come from a weak source:
            // every browser Linkwork runs in has WebCrypto.
            assert!(
                filled,
                "the browser's cryptographic random source is unavailable"
            );
        }
    }
}

/// Formats a date the way UK readers expect: 21 Nov 2026.
pub fn show_date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// Formats a count with thousands separators: 11,200.
pub use linkwork_core::views::tables::count as show_count;

/// Asks the browser to keep this site's storage under pressure, and records
/// the answer in `granted` (`None` while unknown or unsupported).
pub fn request_persistence(granted: leptos::prelude::RwSignal<Option<bool>>) {
    use leptos::prelude::Set;
    let Some(manager) = web_sys::window().map(|w| w.navigator().storage()) else {
        return;
    };
    let Ok(promise) = manager.persist() else {
        return;
    };
    leptos::task::spawn_local(async move {
        if let Ok(answer) = wasm_bindgen_futures::JsFuture::from(promise).await {
            granted.set(answer.as_bool());
        }
    });
}

/// Offers a text file for download.
pub fn download(file_name: &str, text: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(if file_name.ends_with(".csv") {
        "text/csv;charset=utf-8"
    } else if file_name.ends_with(".ics") {
        "text/calendar;charset=utf-8"
    } else if file_name.ends_with(".html") {
        "text/html;charset=utf-8"
    } else {
        "application/json"
    });
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not prepare the file".to_owned())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not prepare the file".to_owned())?;
    let document = leptos::prelude::document();
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "the browser could not start the download".to_owned())?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Marks a moment on the page's performance timeline, for the benchmarks
/// (names only: never any personal data). Only the latest mark of a name is
/// kept, so marks made on every visit to a page do not pile up.
pub fn mark(name: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        perf.clear_marks_with_mark_name(name);
        let _ = perf.mark(name);
    }
}

/// The files chosen in a file input's change event. The input is cleared, so
/// choosing the same file again (a re-import, a second try) is noticed.
pub fn take_files(e: &leptos::ev::Event) -> Vec<web_sys::File> {
    use wasm_bindgen::JsCast;
    let Some(input) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = input
        .files()
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default();
    input.set_value("");
    files
}

/// The text of a chosen file.
pub async fn file_text(file: &web_sys::File) -> Option<String> {
    wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?
        .as_string()
}

/// Moves focus to the heading of the page shown, so keyboard and screen
/// reader users start there after the page changed under them (a new
/// workspace opened). The heading takes focus from script only
/// (tabindex -1), and shows the focus ring like any control.
pub fn focus_page_heading() {
    use wasm_bindgen::JsCast;
    let Some(heading) = leptos::prelude::document()
        .query_selector("#main h1")
        .ok()
        .flatten()
        .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    if !heading.has_attribute("tabindex") {
        let _ = heading.set_attribute("tabindex", "-1");
    }
    let _ = heading.focus();
}

/// Copies text to the clipboard through the browser's async clipboard API, and says in
/// `done` whether it worked.
pub fn copy_text(text: &str, done: leptos::prelude::RwSignal<Option<String>>) {
    use wasm_bindgen::JsCast;
    let clipboard = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"clipboard".into()).ok())
        .filter(|c| !c.is_undefined());
    let write = clipboard.as_ref().and_then(|c| {
        js_sys::Reflect::get(c, &"writeText".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    match (clipboard, write) {
        (Some(c), Some(f)) => match f.call1(&c, &text.into()).map(js_sys::Promise::from) {
            Ok(promise) => leptos::task::spawn_local(async move {
                let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                leptos::prelude::Set::set(
                    &done,
                    Some(if ok {
                        "Copied as plain text.".into()
                    } else {
                        "The browser did not allow copying: select the text and copy it.".into()
                    }),
                );
            }),
            Err(_) => leptos::prelude::Set::set(
                &done,
                Some("The browser did not allow copying: select the text and copy it.".into()),
            ),
        },
        _ => leptos::prelude::Set::set(
            &done,
            Some("This browser cannot copy for you: select the text and copy it.".into()),
        ),
    }
}
