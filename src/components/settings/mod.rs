//! Settings that belong to no single feature: the configurable lists.

pub mod list_editor;
