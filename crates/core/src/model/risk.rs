//! The risk log of a referral: safeguarding and other concerns, what was done, who was told,
//! and whether each is still open. The data only; its rules are in `work::risk`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{entry_id, Referral};

/// Longest concern, action or resolution, in characters.
pub const MAX_RISK_TEXT: usize = 1000;

/// The kind of risk that makes a home visit a lone-working concern.
pub use crate::model::lists::LONE_WORKING;

/// The contact mode of a home visit (an id in the suggested contact modes).
pub const HOME_VISIT: &str = "home_visit";

entry_id!(
    /// Identifies one risk entry within its referral.
    RiskId
);

/// One concern in a referral's risk log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskEntry {
    pub id: RiskId,
    /// The day the concern was raised.
    pub date: NaiveDate,
    /// Id of an item in [`crate::model::lists::Lists::risk_kinds`].
    pub kind: String,
    /// What the concern is.
    pub concern: String,
    /// What was done.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub action: String,
    /// Who was told: ids of items in [`crate::model::lists::Lists::risk_told`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub told: Vec<String>,
    /// Set when the concern is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<RiskClosure>,
}

/// How and when a concern was closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskClosure {
    pub date: NaiveDate,
    /// A line on how it was resolved.
    pub resolution: String,
}

/// An open risk as a flag: its kind and the words for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskFlag {
    pub kind: String,
    pub label: String,
}

impl RiskEntry {
    /// Still open.
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }
}

impl Referral {
    /// Risk entries still open, oldest first.
    pub fn open_risks(&self) -> impl Iterator<Item = &RiskEntry> {
        self.risks.iter().filter(|e| e.is_open())
    }

    /// The kinds of the open risks, each once, in the order first raised: the flags shown
    /// wherever the referral is listed.
    pub fn risk_flags(&self) -> Vec<&str> {
        let mut kinds: Vec<&str> = Vec::new();
        for e in self.open_risks() {
            if !kinds.contains(&e.kind.as_str()) {
                kinds.push(&e.kind);
            }
        }
        kinds
    }

    /// The flags of the open risks, with the words from the workspace's list.
    pub fn risk_badges(&self, lists: &crate::model::lists::Lists) -> Vec<RiskFlag> {
        self.risk_flags()
            .into_iter()
            .map(|kind| RiskFlag {
                kind: kind.to_owned(),
                label: lists
                    .label(crate::model::lists::ListKind::RiskKinds, kind)
                    .to_owned(),
            })
            .collect()
    }

    /// An open lone-working risk: home visits need a second thought.
    pub fn lone_working_risk(&self) -> bool {
        self.open_risks().any(|e| e.kind == LONE_WORKING)
    }
}
