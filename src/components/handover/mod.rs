//! Handing people over to a colleague, receiving them, and the people handed over.

pub mod hand_over_form;
pub mod handed_list;
pub mod receive_form;
