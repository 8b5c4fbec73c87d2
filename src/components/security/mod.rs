//! Keeping a workspace safe: unlock, create, restore, backups, storage warnings, security settings.

pub mod backup_button;
pub mod backup_reminder;
pub mod create_workspace;
pub mod recover_form;
pub mod recovery_code;
pub mod recovery_offer;
pub mod restore_backup;
pub mod security_settings;
pub mod storage_banner;
pub mod unlock_form;
