//! Reusable parts of pages, one component per file.

pub mod demo_banner;
pub mod error_summary;
pub mod field_error;
pub mod header;
pub mod list_editor;
pub mod notice_banner;
pub mod practice_editor;
pub mod storage_banner;
