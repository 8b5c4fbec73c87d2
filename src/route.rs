//! Hash routes (`#/new`, `#/referral/…`), so every address can be reloaded
//! from any static host and sub-path without server rewrites.

use linkwork_core::{PracticeId, ReferralId};

/// A page of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The day: appointments, tasks, waits, risks and check-ins due.
    Today,
    Caseload,
    /// Booked appointments across the caseload, by week or as a list.
    Diary,
    Dashboard,
    NewReferral,
    Referral(ReferralId),
    Settings,
    Directory,
    Transfer,
    /// Handing people over to a colleague, and receiving them.
    Handover,
    PracticeWork,
    Practices,
    CheckIn(PracticeId),
    /// The manager's view of imported summaries.
    Programme,
    NotFound,
}

impl Route {
    /// Reads a route from `location.hash`.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let path = path.split('?').next().unwrap_or("");
        match path.split('/').collect::<Vec<_>>().as_slice() {
            [""] | ["caseload"] => Route::Caseload,
            ["today"] => Route::Today,
            ["diary"] => Route::Diary,
            ["dashboard"] => Route::Dashboard,
            ["new"] => Route::NewReferral,
            ["settings"] => Route::Settings,
            ["directory"] => Route::Directory,
            ["transfer"] => Route::Transfer,
            ["handover"] => Route::Handover,
            ["work"] => Route::PracticeWork,
            ["practices"] => Route::Practices,
            ["programme"] => Route::Programme,
            ["checkin", id] => id.parse().map_or(Route::NotFound, Route::CheckIn),
            ["referral", id] => id.parse().map_or(Route::NotFound, Route::Referral),
            _ => Route::NotFound,
        }
    }

    /// The address of the route, for links.
    pub fn href(self) -> String {
        match self {
            Route::Caseload | Route::NotFound => "#/".into(),
            Route::Today => "#/today".into(),
            Route::Diary => "#/diary".into(),
            Route::Dashboard => "#/dashboard".into(),
            Route::NewReferral => "#/new".into(),
            Route::Settings => "#/settings".into(),
            Route::Directory => "#/directory".into(),
            Route::Transfer => "#/transfer".into(),
            Route::Handover => "#/handover".into(),
            Route::PracticeWork => "#/work".into(),
            Route::Practices => "#/practices".into(),
            Route::Programme => "#/programme".into(),
            Route::CheckIn(id) => format!("#/checkin/{id}"),
            Route::Referral(id) => format!("#/referral/{id}"),
        }
    }

    /// The page title. It never names a person.
    pub fn title(self) -> &'static str {
        match self {
            Route::Today => "Today",
            Route::Diary => "Diary",
            Route::Caseload => "Caseload",
            Route::Dashboard => "Dashboard",
            Route::NewReferral => "New referral",
            Route::Referral(_) => "Referral",
            Route::Settings => "Settings",
            Route::Directory => "Community directory",
            Route::Transfer => "Import and export",
            Route::Handover => "Hand over and receive",
            Route::PracticeWork => "Practice and community work",
            Route::Practices => "Practices",
            Route::Programme => "Programme (manager view)",
            Route::CheckIn(_) => "Practice check-in",
            Route::NotFound => "Page not found",
        }
    }
}

/// Whether the address names no page (the app's own address, or `#/`): a workspace
/// opened there starts on Today.
pub fn at_start() -> bool {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    matches!(hash.split('?').next().unwrap_or(""), "" | "#" | "#/")
}

/// The current route.
pub fn current() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::parse(&hash)
}

/// Goes to a route, adding it to the browser history.
pub fn go(route: Route) {
    go_href(&route.href());
}

/// Goes to an address such as `#/new`.
pub fn go_href(href: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(href);
    }
}

/// The query parameter that opens the demo caseload straight away, for demos on static
/// hosting: `https://host/linkwork/?demo`.
const DEMO_PARAM: &str = "demo";

/// Whether the address asks for the demo caseload (`?demo`).
pub fn demo_requested() -> bool {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    query_without(&search, DEMO_PARAM).1
}

/// Takes `?demo` out of the address (without a reload or a history entry), so leaving the
/// demo stays left after a reload.
pub fn forget_demo_request() {
    let Some(w) = web_sys::window() else { return };
    let location = w.location();
    let (Ok(path), Ok(search), Ok(hash)) =
        (location.pathname(), location.search(), location.hash())
    else {
        return;
    };
    let (rest, had) = query_without(&search, DEMO_PARAM);
    if had {
        if let Ok(history) = w.history() {
            let url = format!("{path}{rest}{hash}");
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

/// The query string (`?a=1&demo`) without the parameter `name`, and whether it was there.
pub fn query_without(search: &str, name: &str) -> (String, bool) {
    let mut had = false;
    let kept: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|part| !part.is_empty())
        .filter(|part| {
            let key = part.split('=').next().unwrap_or_default();
            let matches = key == name;
            had |= matches;
            !matches
        })
        .collect();
    let rest = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    (rest, had)
}
