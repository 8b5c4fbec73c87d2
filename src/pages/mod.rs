//! One routed page per file.

pub mod caseload;
pub mod dashboard;
pub mod directory;
pub mod lock;
pub mod not_found;
pub mod referral;
pub mod settings;
pub mod transfer;
