//! The directory of community resources: adding or editing an entry, importing a directory file.

pub mod directory_import;
pub mod resource_form;
