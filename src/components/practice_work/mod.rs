//! Work with practices: quick-add of an activity, the practices themselves, check-in settings.

pub mod activity_form;
pub mod practice_editor;
pub mod practice_work_settings;
