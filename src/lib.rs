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

/// Mounts the app on the page's `<body>`, in place of the loading frame.
pub fn start() {
    platform::mark("linkwork-main");
    console_error_panic_hook::set_once();
    // index.html's loading frame (`#boot`) goes in the same task as the app draws its first
    // screen, so the browser never paints the page without one or the other, and nothing
    // that was on screen moves.
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(app::App);
    platform::mark("linkwork-started");
}
