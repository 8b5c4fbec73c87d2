//! Reusable parts of pages, one component per file.

pub mod backup_button;
pub mod backup_reminder;
pub mod connections_panel;
pub mod contact_form;
pub mod create_workspace;
pub mod demo_banner;
pub mod directory_import;
pub mod error_summary;
pub mod field_error;
pub mod flags;
pub mod header;
pub mod journey_panel;
pub mod list_editor;
pub mod notice_banner;
pub mod practice_editor;
pub mod resource_form;
pub mod restore_backup;
pub mod security_settings;
pub mod status_actions;
pub mod storage_banner;
pub mod timeline;
pub mod unlock_form;
