//! Handing people over to a colleague (when leaving, or for cover), and receiving them.

use leptos::prelude::*;

use crate::components::common::notice_banner::NoticeBanner;
use crate::components::handover::hand_over_form::HandOverForm;
use crate::components::handover::handed_list::HandedList;
use crate::components::handover::receive_form::ReceiveForm;

/// Hand people over, receive a colleague's handover, and see who is handed over.
#[component]
pub fn HandoverPage() -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>"Hand over and receive"</h1>
            <p class="muted">
                "Hand people over to a colleague when you leave or go on leave, and receive them back. "
                "The file is sealed with a one-time code: give the code in person or by phone, never in the same email as the file."
            </p>
        </div>
        <NoticeBanner/>
        <HandOverForm/>
        <ReceiveForm/>
        <HandedList/>
    }
}
