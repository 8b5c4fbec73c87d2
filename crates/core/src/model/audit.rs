//! What keeps a record auditable: the history of edits to a referral's facts, and the
//! decision to keep a closed episode past the retention period.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One edit to one fact of a referral: who made it (the workspace's label), when, and what
/// it was before and after, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactEdit {
    pub at: DateTime<Utc>,
    pub by: String,
    /// The fact, as the form labels it ("Referral date").
    pub field: String,
    pub from: String,
    pub to: String,
}

/// A closed episode kept past the retention period, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptPastRetention {
    pub date: NaiveDate,
    pub reason: String,
}
