//! Layer 4, views: everything computed to be looked at (Today, the diary, the caseload list, dashboard figures, tables, chart options, the message back, the person's plan, records due for review, summaries and their disclosure control). Uses `model`, `store` and `work`.

#[cfg(test)]
mod attack;
pub mod caseload;
pub mod charts;
pub mod conflicts;
pub mod csv;
pub mod dashboard;
pub mod diary;
pub mod disclosure;
pub mod gp_record;
pub mod message;
pub mod numbers;
pub mod plan;
pub mod practice_work;
pub mod retention;
pub mod summary;
pub mod tables;
pub mod today;
pub mod words;
