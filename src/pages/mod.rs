//! One routed page per file.

pub mod caseload;
pub mod checkin;
pub mod dashboard;
pub mod diary;
pub mod directory;
pub mod handover;
pub mod lock;
pub mod not_found;
pub mod practice_work;
pub mod practices;
pub mod programme;
pub mod referral;
pub mod settings;
pub mod today;
pub mod transfer;
