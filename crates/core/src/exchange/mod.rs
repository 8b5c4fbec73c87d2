//! Layer 5, exchange: files in and out (Open Referral UK directories, spreadsheet import and export). Uses every layer below.

pub mod oruk;
pub mod spreadsheet;
