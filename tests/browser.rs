//! Browser tests: the storage adapter and the storage banner, in headless
//! Chromium (`cargo test -p linkwork --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use linkwork::app::{handle_persist, handle_retry};
use linkwork::components::security::storage_banner::StorageBanner;
use linkwork::platform::BrowserIds;
use linkwork::state::AppState;
use linkwork::storage::{self, recovery_key, Space, StorageError};
use linkwork_core::store::vault_store::{seal_all, WorkspaceMeta};
use linkwork_core::work::demo::{generate, DemoSpec};
use linkwork_core::{FormatError, Practice, PracticeId, ReferralDraft, StoreKey};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn local() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("local storage in the test browser")
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("timer");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("timer fires");
}

fn today() -> chrono::NaiveDate {
    linkwork::platform::today()
}

/// Empties local storage and writes the small demo workspace as the demo.
fn store_small_demo() -> linkwork_core::Workspace {
    local().clear().expect("clear");
    let ws = generate(&DemoSpec::small(), today());
    for key in ws.all_keys() {
        storage::write(&key.name("demo"), &ws.encode(key)).expect("write");
    }
    ws
}

/// Every value in local storage.
fn everything_stored() -> String {
    (0..local().length().expect("len"))
        .filter_map(|i| local().key(i).ok().flatten())
        .map(|k| {
            let v = local().get_item(&k).ok().flatten().unwrap_or_default();
            format!("{k}={v}\n")
        })
        .collect()
}

/// Protects: an encrypted workspace reads back exactly, and nothing personal
/// is in local storage as plain text.
#[wasm_bindgen_test]
fn an_encrypted_workspace_round_trips_with_no_plaintext_stored() {
    local().clear().expect("clear");
    let pass = "correct horse battery";
    let (meta, vault) = WorkspaceMeta::create(
        "Sam",
        pass,
        pass,
        &[],
        linkwork::platform::now(),
        &mut BrowserIds,
    )
    .expect("created");
    let ws = generate(&DemoSpec::small(), today());
    storage::write_all(&seal_all(&ws, &meta, &vault, &mut BrowserIds)).expect("written");
    storage::write(&meta.key(), &meta.encode()).expect("written");
    let loaded = storage::load_workspace_sealed(&meta, &vault).expect("storage available");
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.workspace, ws);
    let stored = everything_stored();
    for person in ws.people.values() {
        assert!(
            !stored.contains(&person.reference),
            "{} is readable",
            person.reference
        );
    }
    for plain in [
        "Loneliness",
        "loneliness",
        "Riverside",
        "referral_date",
        "Prefers phone",
    ] {
        assert!(!stored.contains(plain), "{plain} is readable");
    }
    let (listed, problems) = storage::list_workspaces().expect("available");
    assert!(problems.is_empty());
    assert_eq!(listed, vec![meta]);
}

/// Protects: what the app writes through the adapter is what it reads back.
#[wasm_bindgen_test]
fn storage_round_trips_a_whole_workspace() {
    let ws = store_small_demo();
    let loaded = storage::load_demo().expect("storage available");
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.workspace, ws);
    assert!(storage::has_demo());
    // Nothing else was written: no workspace appears.
    assert_eq!(storage::list_workspaces().expect("available").0, vec![]);
}

/// Protects: a corrupted value is reported by name, copied aside, and the
/// original is left exactly as it was.
#[wasm_bindgen_test]
fn a_corrupted_value_is_reported_and_preserved() {
    store_small_demo();
    let key = StoreKey::Records(1).name("demo");
    let damaged = "{\"format\":\"linkwork.records\",\"version\":1,\"chunk\":1,\"people\":[{\"id\":";
    local().set_item(&key, damaged).expect("set");
    let loaded = storage::load_demo().expect("storage available");
    assert_eq!(loaded.problems.len(), 1);
    assert_eq!(loaded.problems[0].key, key);
    assert!(matches!(loaded.problems[0].error, FormatError::NotJson(_)));
    assert_eq!(
        local().get_item(&key).expect("get").as_deref(),
        Some(damaged)
    );
    assert_eq!(
        local()
            .get_item(&recovery_key(&key))
            .expect("get")
            .as_deref(),
        Some(damaged)
    );
    // Loading again does not pile up copies.
    let _ = storage::load_demo();
    let copies = (0..local().length().expect("len"))
        .filter_map(|i| local().key(i).ok().flatten())
        .filter(|k| k.starts_with("linkwork/recovery/"))
        .count();
    assert_eq!(copies, 1);
}

/// Protects: the app opens read-only with a banner when data is newer than it
/// understands, and never writes over it.
#[wasm_bindgen_test]
async fn newer_data_makes_the_app_read_only_and_is_not_overwritten() {
    store_small_demo();
    let key = StoreKey::Settings.name("demo");
    let newer = "{\"format\":\"linkwork.settings\",\"version\":99,\"settings\":{}}";
    local().set_item(&key, newer).expect("set");
    let (state, container) = mount_banner();
    state.open_demo().expect("opens");
    assert!(state.read_only());
    let _ = state.update_settings(|s| {
        s.practices.push(test_practice());
        Ok::<(), ()>(())
    });
    sleep(50).await;
    assert_eq!(local().get_item(&key).expect("get").as_deref(), Some(newer));
    let text = container.text_content().unwrap_or_default();
    assert!(text.contains("newer version of Linkwork"), "{text}");
}

fn test_practice() -> Practice {
    Practice {
        id: PracticeId::from_random([1; 16]),
        name: "Riverside Medical Practice".into(),
        list_size: None,
        retired: false,
    }
}

/// A fresh element in the page to mount a component into.
fn new_container() -> web_sys::HtmlElement {
    let container: web_sys::HtmlElement = document()
        .create_element("div")
        .expect("div")
        .unchecked_into();
    document()
        .body()
        .expect("body")
        .append_child(&container)
        .expect("append");
    container
}

/// Mounts the storage banner with a fresh root state and its persist effects.
fn mount_banner() -> (AppState, web_sys::HtmlElement) {
    let container = new_container();
    let cell: Rc<RefCell<Option<AppState>>> = Rc::new(RefCell::new(None));
    let inner = Rc::clone(&cell);
    let handle = leptos::mount::mount_to(container.clone(), move || {
        let state = AppState::new();
        provide_context(state);
        handle_persist(state);
        handle_retry(state);
        *inner.borrow_mut() = Some(state);
        view! { <StorageBanner/> }
    });
    handle.forget();
    let state = cell.borrow().expect("mounted");
    (state, container)
}

/// Fills local storage with filler until the browser refuses more.
fn fill_storage() -> Vec<String> {
    let mut keys = Vec::new();
    let mut size = 1 << 20;
    while size >= 64 {
        let filler = "x".repeat(size);
        let key = format!("filler/{}", keys.len());
        if local().set_item(&key, &filler).is_ok() {
            keys.push(key);
        } else {
            size /= 2;
        }
    }
    keys
}

/// Protects: when storage is full, saving shows a plain message, keeps the
/// referral in memory, and saves it once space is freed.
#[wasm_bindgen_test]
async fn a_full_quota_keeps_the_edit_and_says_so() {
    local().clear().expect("clear");
    let (state, container) = mount_banner();
    let pass = "correct horse battery";
    state
        .create_workspace("Quota", pass, pass, &[])
        .expect("created");
    let space = state.space().expect("open");
    state
        .update_settings(|s| {
            s.practices.push(test_practice());
            Ok::<(), ()>(())
        })
        .expect("settings change");
    sleep(20).await;
    assert!(!state.unsaved(), "settings saved while there is room");

    let filler = fill_storage();
    assert!(!filler.is_empty());
    let draft = ReferralDraft {
        reference: "QF-0001".into(),
        referrer_role: "gp".into(),
        reasons: vec!["loneliness".into()],
        ..state
            .ws
            .with_untracked(|ws| ReferralDraft::new_for(ws, today()))
    };
    let saved = state.save_referral(&draft, None).expect("valid referral");
    sleep(50).await;

    assert_eq!(
        state.save_error.get_untracked(),
        Some(StorageError::QuotaExceeded)
    );
    assert!(state.unsaved());
    assert!(state
        .ws
        .with_untracked(|ws| ws.referrals.contains_key(&saved.referral)));
    let banner = container
        .query_selector("[data-testid=save-error]")
        .expect("query")
        .expect("the save error is on screen");
    let text = banner.text_content().unwrap_or_default();
    assert!(text.contains("storage for Linkwork is full"), "{text}");
    let chunk_key = StoreKey::Records(saved.chunk).name(&space.namespace());
    assert!(local().get_item(&chunk_key).expect("get").is_none());

    for key in filler {
        local().remove_item(&key).expect("remove");
    }
    sleep(5600).await; // the retry runs every 5 seconds
    assert!(!state.unsaved(), "retried once space was freed");
    assert_eq!(state.save_error.get_untracked(), None);
    assert!(local().get_item(&chunk_key).expect("get").is_some());
    let Space::Workspace(id) = space else {
        panic!("an encrypted workspace")
    };
    let meta = storage::list_workspaces()
        .expect("available")
        .0
        .into_iter()
        .find(|m| m.id == id)
        .expect("listed");
    state.lock();
    state.unlock(&meta, pass).expect("unlocks");
    assert!(state
        .ws
        .with_untracked(|ws| ws.referrals.contains_key(&saved.referral)));
    assert!(container
        .query_selector("[data-testid=save-error]")
        .expect("query")
        .is_none());
}

/// Puts a stand-in for ECharts on the page that records what it is asked to do.
fn stub_echarts() {
    js_sys::Function::new_no_args(
        r#"
        window.__chartCalls = [];
        const log = (...entry) => window.__chartCalls.push(entry.join(' '));
        window.echarts = {
          init(el, theme, opts) {
            log('init', opts.renderer, el.dataset.testid);
            return {
              setOption(option, opts) { log('setOption', option.series.length, opts.replaceMerge.join(','), 'label', option.aria.label.enabled, 'tooltip', option.tooltip.renderMode); },
              resize() {},
              getWidth() { return 0; },
              getHeight() { return 0; },
              dispose() { log('dispose'); },
            };
          },
        };
        "#,
    )
    .call0(&wasm_bindgen::JsValue::NULL)
    .expect("stub installed");
}

fn chart_calls() -> Vec<String> {
    let calls = js_sys::Reflect::get(&window(), &"__chartCalls".into()).expect("calls");
    js_sys::Array::from(&calls)
        .iter()
        .filter_map(|c| c.as_string())
        .collect()
}

fn bars(series: usize) -> charming::Chart {
    let chart = charming::Chart::new()
        .aria(charming::component::Aria::new().enabled(true))
        .tooltip(charming::element::Tooltip::new());
    (0..series).fold(chart, |chart, i| {
        chart.series(
            charming::series::Bar::new()
                .name(format!("S{i}"))
                .data(vec![1, 2]),
        )
    })
}

/// The chart owner draws once ECharts is there, replaces the series and axes of the
/// option when the chart changes, and disposes of the instance when it goes. ECharts'
/// own aria label is off (the chart's name is the wrapper's), and the tooltip is drawn
/// inside the chart, which the content security policy allows.
#[wasm_bindgen_test]
async fn the_chart_owner_draws_replaces_and_disposes() {
    use linkwork::charts::echart::EChart;
    stub_echarts();
    let container = new_container();
    let chart = RwSignal::new(bars(2));
    let shown = RwSignal::new(true);
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! {
            <Show when=move || shown.get()>
                <EChart chart=chart label="Referrals by month" testid="test-chart"/>
            </Show>
        }
    });
    sleep(50).await;
    assert_eq!(
        chart_calls(),
        [
            "init svg test-chart",
            "setOption 2 series,xAxis,yAxis label false tooltip richText"
        ]
    );
    let label = container
        .query_selector("[role=img]")
        .expect("query")
        .and_then(|el| el.get_attribute("aria-label"));
    assert_eq!(label.as_deref(), Some("Referrals by month"));

    // A filter change that leaves one series must not keep the other drawn: series and
    // axes are replaced (the end-to-end dashboard test sees real ECharts do it).
    chart.set(bars(1));
    sleep(20).await;
    assert_eq!(
        chart_calls().last().map(String::as_str),
        Some("setOption 1 series,xAxis,yAxis label false tooltip richText")
    );

    shown.set(false);
    sleep(20).await;
    assert_eq!(chart_calls().last().map(String::as_str), Some("dispose"));
    assert_eq!(
        chart_calls()
            .iter()
            .filter(|c| c.starts_with("init"))
            .count(),
        1
    );
    handle.forget();
}

#[wasm_bindgen_test]
fn the_demo_parameter_is_found_and_taken_out_alone() {
    use linkwork::route::query_without;
    assert_eq!(query_without("?demo", "demo"), (String::new(), true));
    assert_eq!(query_without("?demo=1", "demo"), (String::new(), true));
    assert_eq!(
        query_without("?lang=cy&demo&x=2", "demo"),
        ("?lang=cy&x=2".to_owned(), true)
    );
    // Only the whole name counts.
    assert_eq!(
        query_without("?demonstration=1", "demo"),
        ("?demonstration=1".to_owned(), false)
    );
    assert_eq!(query_without("", "demo"), (String::new(), false));
}

#[wasm_bindgen_test]
fn without_a_build_block_the_app_finds_echarts_under_its_copied_name() {
    // Browser tests run without index.html: no build block, so no service worker either.
    assert_eq!(linkwork::offline::build_info(), None);
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let block = document.create_element("script").expect("script");
    block.set_id("linkwork-build");
    block
        .set_attribute("type", "application/json")
        .expect("type");
    block.set_text_content(Some(
        r#"{"version":"0123456789abcdef","echarts":"./echarts-aa.js"}"#,
    ));
    document
        .head()
        .expect("head")
        .append_child(&block)
        .expect("append");
    let info = linkwork::offline::build_info().expect("read");
    assert_eq!(info.version, "0123456789abcdef");
    assert_eq!(info.echarts, "./echarts-aa.js");
    block.remove();
}
