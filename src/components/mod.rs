//! Reusable parts of pages, one component per file, grouped by feature.

pub mod common;
pub mod dashboard;
pub mod diary;
pub mod directory;
pub mod handover;
pub mod outcomes;
pub mod practice_work;
pub mod referral;
pub mod security;
pub mod settings;
pub mod shell;
pub mod sync;
pub mod transfer;
