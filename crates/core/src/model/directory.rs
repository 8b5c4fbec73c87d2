//! The community directory's entries and a referral's connections to them:
//! the data only (the rules are in `work::directory`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::model::id_type!(
    /// Identifies a resource in the directory.
    ResourceId
);
crate::model::entry_id!(
    /// Identifies a connection within its referral.
    ConnectionId
);

/// Days after which an unchecked directory entry is marked stale.
pub const STALE_AFTER_DAYS: i64 = 365;

/// An organisation, service or activity in the community.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub id: ResourceId,
    /// The Open Referral UK service id it was imported from; re-imports
    /// update the entry with this id instead of adding another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oruk_id: Option<String>,
    /// The service or activity.
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub organisation: String,
    /// Id of an item in the connection categories list.
    pub category: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub area: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub how_to_refer: String,
    /// Phone or other contact details.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub website: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub eligibility: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fees: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// A short-term notice from the service ("closed until January").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub alert: String,
    /// When it runs ("Tuesday 10:00–12:00").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub opening: String,
    /// Languages spoken there, besides interpreting.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub languages: String,
    /// Where it runs (a venue's address, never a person's).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
    /// Taxonomy terms from the directory it came from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taxonomy: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Whether the source lists it as active.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub active: bool,
    /// When the details were last checked (or assured by the directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_checked: Option<NaiveDate>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

impl Resource {
    /// Not checked for a year (or never): details may be out of date.
    pub fn is_stale(&self, today: NaiveDate) -> bool {
        self.last_checked
            .is_none_or(|d| (today - d).num_days() > STALE_AFTER_DAYS)
    }
}

/// Where a connection to a resource has got to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    Suggested,
    Referred,
    Attended,
    Ongoing,
    Stopped,
    NotTakenUp,
}

crate::model::choice!(ConnectionStatus {
    Suggested => "suggested", "Suggested";
    Referred => "referred", "Referred";
    Attended => "attended", "Attended";
    Ongoing => "ongoing", "Ongoing";
    Stopped => "stopped", "Stopped";
    NotTakenUp => "not_taken_up", "Not taken up";
});

impl ConnectionStatus {
    /// Whether the person took the connection up.
    pub fn taken_up(self) -> bool {
        matches!(self, Self::Attended | Self::Ongoing | Self::Stopped)
    }
}

/// A change of a connection's status, on its day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionChange {
    pub status: ConnectionStatus,
    pub date: NaiveDate,
}

/// An onward referral or signposting of the person to a community resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub id: ConnectionId,
    /// The directory entry, if it came from the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceId>,
    /// The resource's name (kept, so the connection reads well if the
    /// directory entry is later removed), or free text.
    pub name: String,
    /// Id of an item in the connection categories list.
    pub category: String,
    pub status: ConnectionStatus,
    pub history: Vec<ConnectionChange>,
    /// What the organisation said about how it went.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub feedback: String,
}
