//! Outcome measures as data: instruments (their items, bands and scoring),
//! the records taken at time points, and the person's feedback. The rules
//! (scoring, checking, change from baseline) are in `work::measures`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A score band: `min..=max` is called `label`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub min: f64,
    pub max: f64,
    pub label: String,
}

/// One question of an instrument.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    /// The wording; empty when it may not be shown (licensed wording).
    #[serde(default)]
    pub text: String,
    /// Words for the lowest and highest answers.
    #[serde(default)]
    pub low_label: String,
    #[serde(default)]
    pub high_label: String,
    /// For this item, a higher answer is better (false for anxiety).
    #[serde(default = "yes")]
    pub higher_is_better: bool,
    /// Bands for this item's answer, when items are reported on their own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<Band>,
}

fn yes() -> bool {
    true
}

/// How item answers make a score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scoring {
    /// Items are reported separately (ONS4, goals).
    None,
    /// The score is the sum of the answers.
    Sum,
    /// The sum of the answers is converted by a table, entry 0 being the
    /// lowest possible sum.
    Lookup { table: Vec<f64> },
}

/// A questionnaire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Instrument {
    pub id: String,
    pub name: String,
    /// Where it comes from, shown with it (for example "ONS").
    #[serde(default)]
    pub source: String,
    pub min: u8,
    pub max: u8,
    pub items: Vec<Item>,
    pub scoring: Scoring,
    /// Bands of the score (when scored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<Band>,
    /// A change of at least this much (in the score, or per item when
    /// unscored) counts as meaningful, unless the workspace sets another.
    pub meaningful_change: f64,
}

/// When in the episode a measure was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimePoint {
    Baseline,
    Review,
    Closure,
}

crate::model::choice!(TimePoint {
    Baseline => "baseline", "Baseline";
    Review => "review", "Review";
    Closure => "closure", "Closure";
});

/// Who filled the questionnaire in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Completion {
    SelfCompleted,
    /// Read out or filled in with the link worker (can inflate scores).
    Assisted,
}

crate::model::choice!(Completion {
    SelfCompleted => "self", "Self-completed";
    Assisted => "assisted", "Assisted by the link worker";
});

/// What was recorded: answers, or why there are none (which is data too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MeasureResult {
    Answers {
        answers: Vec<u8>,
    },
    Declined {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    NotAppropriate {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
}

crate::model::entry_id!(
    /// Identifies a measure record within its referral.
    MeasureId
);

/// One instrument at one time point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureRecord {
    pub id: MeasureId,
    pub instrument: String,
    pub time_point: TimePoint,
    pub date: NaiveDate,
    pub completion: Completion,
    pub result: MeasureResult,
}

/// The words for satisfaction ratings 1 to 5, everywhere they are shown.
pub const SATISFACTION: [&str; 5] = [
    "1 Very unhappy",
    "2 Unhappy",
    "3 Neither",
    "4 Happy",
    "5 Very happy",
];

/// The person's feedback on the support.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub date: Option<NaiveDate>,
    /// 1 (very unhappy) to 5 (very happy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub would_recommend: Option<bool>,
    /// In their words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub quote: String,
}
