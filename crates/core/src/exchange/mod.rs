//! Layer 5, exchange: files in and out (Open Referral UK directories, spreadsheet import and export, the diary as iCalendar, one person's record for a subject access request). Uses every layer below.

pub mod calendar;
pub mod handover;
pub mod oruk;
pub mod person_record;
#[cfg(test)]
mod simulation;
pub mod spreadsheet;
pub mod sync;
