//! Linkwork: a caseload dashboard for social prescribing link workers,
//! running entirely in the browser.
//!
//! The domain lives in `linkwork_core`; this crate is the UI.

pub mod app;
pub mod charts;
pub mod components;
pub mod couch;
pub mod offline;
pub mod pages;
pub mod platform;
pub mod route;
pub mod state;
pub mod storage;
pub mod tabs;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// Mounts the app on the page's `<body>`, in place of the loading frame, once the frame has
/// been on screen.
pub fn start() {
    platform::mark("linkwork-main");
    console_error_panic_hook::set_once();
    platform::use_for_entry_ids();
    if frame_shown() {
        take_over();
        return;
    }
    // The app arrived before the browser had painted anything (a fast line, or the service
    // worker's copy): let it paint the frame once, so the page shows what Linkwork is from
    // its first paint, then take over. Two animation frames (the second runs after the first
    // has been painted), or 100 ms if frames stall.
    let once = {
        let done = Rc::new(Cell::new(false));
        move || {
            if !done.replace(true) {
                take_over();
            }
        }
    };
    let after_paint = once.clone();
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::request_animation_frame(after_paint);
    });
    leptos::prelude::set_timeout(once, Duration::from_millis(100));
}

/// Whether the page has been painted already (the loading frame was on screen while the app
/// downloaded), or will not be soon (a tab opened in the background).
fn frame_shown() -> bool {
    let painted = leptos::prelude::window()
        .performance()
        .is_some_and(|p| p.get_entries_by_name("first-contentful-paint").length() > 0);
    painted || leptos::prelude::document().hidden()
}

/// Removes index.html's loading frame (`#boot`) and draws the app, in one task, so the
/// browser never paints the page without one or the other, and nothing on screen moves.
fn take_over() {
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(app::App);
    platform::mark("linkwork-started");
}
