//! The diary and tasks: booking an appointment, marking what became of it, and task lists.

pub mod booking_form;
pub mod gp_week_panel;
pub mod mark_buttons;
pub mod tasks_panel;
