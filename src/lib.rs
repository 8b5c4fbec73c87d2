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

/// Mounts the app on the page's `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
