//! Settings that belong to no single feature: the configurable lists.

pub mod keep_form;
pub mod list_editor;
pub mod retention_panel;
