//! Sync between PCs through the organisation's CouchDB server: the settings, the set-up
//! sheet, and setting up another PC from it.

pub mod join_form;
pub mod setup_sheet;
pub mod sync_fields;
pub mod sync_settings;
