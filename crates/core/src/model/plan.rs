//! The person's plan (personalised care and support plan): the actions agreed with them.
//! What matters to them and their goals are on the referral itself; services chosen are
//! its connections; the next appointment is in the diary.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::diary::TaskId;
use crate::model::entry_id;

/// Longest agreed action, or the name of the service doing it, in characters.
pub const MAX_ACTION_LEN: usize = 200;

entry_id!(
    /// Identifies one agreed action within its referral.
    ActionId
);

/// Who does an agreed action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionBy {
    /// The person themselves.
    Person,
    /// The link worker.
    LinkWorker,
    /// Another service, named on the action.
    Service,
}

crate::model::choice!(ActionBy {
    Person => "person", "The person";
    LinkWorker => "link_worker", "The link worker";
    Service => "service", "Another service";
});

/// One thing agreed with the person: who does what, by when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreedAction {
    pub id: ActionId,
    pub by: ActionBy,
    /// The service, when another service does it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service: String,
    pub what: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// The task made from it, if one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskId>,
}
