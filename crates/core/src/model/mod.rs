//! Layer 1, model: the plain, persisted data of a workspace (settings, people, referrals, contacts, connections, resources, measures, feedback, practice work), lists, ordering and calendar arithmetic. Uses nothing above it.
//!
//! Everything here is serialisable and free of UI concerns; the app keeps a
//! [`Workspace`] in one signal and persists it through [`crate::store::format`].

pub mod audit;
pub mod calendar;
pub mod consent;
pub mod diary;
pub mod directory;
pub mod handover;
pub mod ids;
pub mod lists;
pub mod measures;
pub mod order;
pub mod plan;
pub mod practice_work;
pub mod risk;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::lists::Lists;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// Builds an id from 16 random bytes supplied by the caller (the
            /// browser's `crypto.getRandomValues` in the app, a seeded RNG in tests).
            pub fn from_random(bytes: [u8; 16]) -> Self {
                Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

pub(crate) use id_type;

id_type!(
    /// Identifies a practice within a workspace.
    PracticeId
);
id_type!(
    /// Identifies a person within a workspace (never shown; the reference is).
    PersonId
);
id_type!(
    /// Identifies one referral episode.
    ReferralId
);

/// A referral's record key: 64 random bits, kept in the workspace (encrypted
/// with everything else) and never exported. Summary files use it to
/// protect small counts the same way in every table and file (the cell key
/// method): a table cell's key is the sum of its records' keys. Stored as 16
/// hex digits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordKey(pub u64);

impl RecordKey {
    /// A fresh key from 8 random bytes supplied by the caller (the
    /// browser's `crypto.getRandomValues` in the app).
    pub fn from_random(bytes: [u8; 8]) -> Self {
        Self(u64::from_le_bytes(bytes))
    }

    /// A key made from `bytes` by a keyed hash (BLAKE2b): for records kept
    /// before keys existed (from the record's own stored text, which never
    /// leaves the workspace), and for the records inside a referral
    /// (contacts, connections, questionnaires), from this key and their id.
    pub fn hashed(secret: &[u8], bytes: &[u8]) -> Self {
        // BLAKE2b-512, the instance Argon2 already uses (so no new code in
        // the download), cut to 64 bits.
        use blake2::Digest;
        let mut h = blake2::Blake2b512::new();
        h.update(b"linkwork.record-key");
        h.update((secret.len() as u64).to_le_bytes());
        h.update(secret);
        h.update(bytes);
        let out = h.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&out[..8]);
        Self(u64::from_le_bytes(first))
    }

    /// The key of a record inside this referral, named by `what` (its id).
    pub fn of_part(self, what: &[u8]) -> u64 {
        Self::hashed(&self.0.to_le_bytes(), what).0
    }
}

/// Stores a `u64` newtype as exactly 16 hex digits; anything else is refused with `what`.
macro_rules! hex64_serde {
    ($name:ident, $what:literal) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&format!("{:016x}", self.0))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                u64::from_str_radix(&text, 16)
                    .ok()
                    .filter(|_| text.len() == 16)
                    .map(Self)
                    .ok_or_else(|| serde::de::Error::custom($what))
            }
        }
    };
}

pub(crate) use hex64_serde;

hex64_serde!(RecordKey, "a record key is 16 hex digits");

/// A GP practice the link worker is based in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Practice {
    pub id: PracticeId,
    pub name: String,
    /// Registered list size, for rates per 1,000 patients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_size: Option<u32>,
    /// Retired practices stay on old referrals but are not offered for new ones.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

/// Workspace-wide settings: practices and the configurable lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub practices: Vec<Practice>,
    pub lists: Lists,
    /// The practice chosen on the last saved referral, used as the next default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_practice: Option<PracticeId>,
    /// Minutes without use before the workspace locks itself.
    pub auto_lock_minutes: u32,
    /// Days after the last backup before a reminder appears.
    pub backup_reminder_days: u32,
    /// Days waiting for a first contact before a referral is highlighted.
    pub waiting_alert_days: u32,
    /// Days without any contact before an active referral is highlighted.
    pub no_contact_alert_days: u32,
    /// Instruments loaded from files: new questionnaires, or wording for a
    /// built-in one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instruments: Vec<crate::model::measures::Instrument>,
    /// Meaningful change per instrument id, where it differs from the
    /// instrument's own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub change_thresholds: BTreeMap<String, f64>,
    /// How referrers can reach the link worker, for messages back.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub link_worker_contact: String,
    /// Months between practice integration check-ins.
    pub checkin_every_months: u32,
    /// The share of time (percent) below which practice and community work
    /// together are flagged, after three months running.
    pub other_work_share: u32,
    /// Weeks from a questionnaire's baseline until its review is due (Today says so);
    /// 0 for none.
    pub review_after_weeks: u32,
    /// Years after a closed episode ends before it is listed for review, to delete or keep.
    pub retention_years: u32,
}

/// Default years a closed episode is kept before review. The NHS Records Management Code
/// of Practice keeps adult health and social care records 8 years after care ends.
pub const DEFAULT_RETENTION_YEARS: u32 = 8;

/// Default months between practice check-ins (a quarter).
pub const DEFAULT_CHECKIN_EVERY_MONTHS: u32 = 3;
/// Default least share of time for practice and community work, in percent.
pub const DEFAULT_OTHER_WORK_SHARE: u32 = 20;
/// Default weeks from a questionnaire's baseline to its review.
pub const DEFAULT_REVIEW_AFTER_WEEKS: u32 = 12;

/// Default days waiting for first contact before highlighting.
pub const DEFAULT_WAITING_ALERT_DAYS: u32 = 14;
/// Default days without contact before highlighting.
pub const DEFAULT_NO_CONTACT_ALERT_DAYS: u32 = 28;

/// Default idle time before locking, in minutes.
pub const DEFAULT_AUTO_LOCK_MINUTES: u32 = 5;
/// Default days between backup reminders.
pub const DEFAULT_BACKUP_REMINDER_DAYS: u32 = 7;

impl Default for Settings {
    fn default() -> Self {
        Self {
            practices: Vec::new(),
            lists: Lists::suggested(),
            last_practice: None,
            auto_lock_minutes: DEFAULT_AUTO_LOCK_MINUTES,
            backup_reminder_days: DEFAULT_BACKUP_REMINDER_DAYS,
            waiting_alert_days: DEFAULT_WAITING_ALERT_DAYS,
            no_contact_alert_days: DEFAULT_NO_CONTACT_ALERT_DAYS,
            instruments: Vec::new(),
            change_thresholds: BTreeMap::new(),
            link_worker_contact: String::new(),
            checkin_every_months: DEFAULT_CHECKIN_EVERY_MONTHS,
            other_work_share: DEFAULT_OTHER_WORK_SHARE,
            review_after_weeks: DEFAULT_REVIEW_AFTER_WEEKS,
            retention_years: DEFAULT_RETENTION_YEARS,
        }
    }
}

impl Practice {
    /// A count per 1,000 registered patients, when the list size is known.
    pub fn per_thousand(&self, count: u32) -> Option<f64> {
        self.list_size
            .filter(|s| *s > 0)
            .map(|s| f64::from(count) * 1000.0 / f64::from(s))
    }
}

impl Settings {
    /// The practice with this id, if it exists.
    pub fn practice(&self, id: PracticeId) -> Option<&Practice> {
        self.practices.iter().find(|p| p.id == id)
    }

    /// Practices offered for new referrals, in the order they were added.
    pub fn active_practices(&self) -> impl Iterator<Item = &Practice> {
        self.practices.iter().filter(|p| !p.retired)
    }

    /// The practice a new referral should default to: the last one used if
    /// it is still active, otherwise the only active practice, if there is one.
    pub fn default_practice(&self) -> Option<PracticeId> {
        let active: Vec<&Practice> = self.active_practices().collect();
        match self.last_practice {
            Some(id) if active.iter().any(|p| p.id == id) => Some(id),
            _ if active.len() == 1 => Some(active[0].id),
            _ => None,
        }
    }
}

/// Age bands, as used in NHS and ONS reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "under_18")]
    Under18,
    #[serde(rename = "18_24")]
    From18To24,
    #[serde(rename = "25_34")]
    From25To34,
    #[serde(rename = "35_44")]
    From35To44,
    #[serde(rename = "45_54")]
    From45To54,
    #[serde(rename = "55_64")]
    From55To64,
    #[serde(rename = "65_74")]
    From65To74,
    #[serde(rename = "75_84")]
    From75To84,
    #[serde(rename = "85_plus")]
    Over85,
}

/// Sex, as recorded for equality monitoring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    PreferNotToSay,
}

/// ONS 2021 census high-level ethnic groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EthnicGroup {
    Asian,
    Black,
    Mixed,
    White,
    Other,
    PreferNotToSay,
}

/// An option in a fixed list: its stored value and the words people see.
pub trait Choice: Sized + Copy + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// The words shown to people.
    fn label(self) -> &'static str;
    /// A stable short code, used in form values and filters.
    fn code(self) -> &'static str;
    /// The value with this code.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }
}

macro_rules! choice {
    ($ty:ty { $($variant:ident => $code:literal, $label:literal;)* }) => {
        impl $crate::model::Choice for $ty {
            const ALL: &'static [Self] = &[$(Self::$variant),*];
            fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),* }
            }
            fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),* }
            }
        }
    };
}

pub(crate) use choice;

choice!(AgeBand {
    Under18 => "under_18", "Under 18";
    From18To24 => "18_24", "18 to 24";
    From25To34 => "25_34", "25 to 34";
    From35To44 => "35_44", "35 to 44";
    From45To54 => "45_54", "45 to 54";
    From55To64 => "55_64", "55 to 64";
    From65To74 => "65_74", "65 to 74";
    From75To84 => "75_84", "75 to 84";
    Over85 => "85_plus", "85 and over";
});

choice!(Sex {
    Female => "female", "Female";
    Male => "male", "Male";
    PreferNotToSay => "prefer_not_to_say", "Prefer not to say";
});

choice!(EthnicGroup {
    Asian => "asian", "Asian, Asian British or Asian Welsh";
    Black => "black", "Black, Black British, Black Welsh, Caribbean or African";
    Mixed => "mixed", "Mixed or Multiple ethnic groups";
    White => "white", "White";
    Other => "other", "Other ethnic group";
    PreferNotToSay => "prefer_not_to_say", "Prefer not to say";
});

/// A person referred, known by a pseudonymous reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    /// Pseudonymous reference, unique in the workspace (case-insensitively).
    pub reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<AgeBand>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethnic_group: Option<EthnicGroup>,
    /// Index of Multiple Deprivation quintile, 1 (most deprived) to 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprivation_quintile: Option<u8>,
    /// The versions these details were exchanged in (see [`handover::Rev`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lineage: Vec<handover::Rev>,
    /// Details changed in two places, kept until someone chooses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<handover::Conflict>,
}

/// Where a referral episode is in its journey.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// Received, awaiting first contact.
    Referred,
    WaitingList,
    Active,
    Closed,
    /// The person declined social prescribing (SNOMED 871711000000103).
    Declined,
    /// Needs beyond social prescribing; support was arranged elsewhere.
    NeedsBeyond,
}

choice!(ReferralStatus {
    Referred => "referred", "Referred";
    WaitingList => "waiting_list", "Waiting list";
    Active => "active", "Active";
    Closed => "closed", "Closed";
    Declined => "declined", "Declined";
    NeedsBeyond => "needs_beyond", "Needs beyond social prescribing";
});

impl ReferralStatus {
    /// Whether the person is still waiting for a first contact.
    pub fn is_waiting(self) -> bool {
        matches!(self, Self::Referred | Self::WaitingList)
    }

    /// Whether the episode is open (see [`Referral::on_caseload`] for whether it is still
    /// this link worker's).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Referred | Self::WaitingList | Self::Active)
    }
}

/// One episode of social prescribing support for a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub id: ReferralId,
    /// Never shown or exported (see [`RecordKey`]).
    pub key: RecordKey,
    pub person: PersonId,
    pub practice: PracticeId,
    pub referral_date: NaiveDate,
    /// Id of an item in [`Lists::referrer_roles`].
    pub referrer_role: String,
    /// Ids of items in [`Lists::reasons`]; at least one.
    pub reasons: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    pub status: ReferralStatus,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// Every status the referral has had, oldest first; the last is `status`.
    #[serde(default)]
    pub history: Vec<StatusChange>,
    /// "What matters to me", in the person's words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub what_matters: String,
    /// The risk log: concerns raised, what was done, who was told, open or closed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<crate::model::risk::RiskEntry>,
    /// What the person agreed to, dated; a withdrawal is a later entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consent: Vec<crate::model::consent::ConsentEntry>,
    /// The person's plan: actions agreed with them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan: Vec<crate::model::plan::AgreedAction>,
    /// Things to do for the person (version 3 records had one "next step": it became a task).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<crate::model::diary::Task>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// Meetings booked ahead; each becomes a contact when it is marked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appointments: Vec<crate::model::diary::Appointment>,
    /// Dated case notes: work on the person's behalf, notes, supervision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub case_notes: Vec<crate::model::diary::CaseNote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<crate::model::directory::Connection>,
    /// Up to three goals in the person's words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<crate::model::measures::MeasureRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<crate::model::measures::Feedback>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure: Option<Closure>,
    /// What was done instead (needs beyond social prescribing), or why the
    /// person declined.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outcome_note: String,
    /// Edits to the referral's facts, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<crate::model::audit::FactEdit>,
    /// Kept past the retention period after review, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept: Option<crate::model::audit::KeptPastRetention>,
    /// Handed over to a colleague: read-only here, and out of the open caseload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed: Option<handover::HandedOver>,
    /// Where the record came from, each time it arrived in a handover file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arrived: Vec<handover::Provenance>,
    /// Fields or parts changed in two places, kept until someone chooses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<handover::Conflict>,
    /// The versions this referral was exchanged in, oldest first (see [`handover::Rev`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lineage: Vec<handover::Rev>,
    /// Entries taken out of its lists, as marks that every copy keeps (see
    /// [`handover::Removed`]), in part order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<handover::Removed>,
    /// The version handed to a colleague (its content only), kept until it comes back: the
    /// version both copies started from, so that on its return a change made on one side
    /// only is taken, not offered as a choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchanged: Option<Box<Referral>>,
}

/// A change of status, on the day it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: ReferralStatus,
    pub date: NaiveDate,
}

/// How an episode ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub date: NaiveDate,
    /// Id of an item in [`Lists::closure_reasons`].
    pub reason: String,
}

pub(crate) use ids::entry_id;

entry_id!(
    /// Identifies one contact within its referral.
    ContactId
);

/// Whether a planned contact happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactOutcome {
    Attended,
    DidNotAttend,
    CancelledByPerson,
    CancelledByLinkWorker,
}

choice!(ContactOutcome {
    Attended => "attended", "Attended";
    DidNotAttend => "did_not_attend", "Did not attend";
    CancelledByPerson => "cancelled_by_person", "Cancelled by the person";
    CancelledByLinkWorker => "cancelled_by_link_worker", "Cancelled by the link worker";
});

/// One interaction of the link worker with the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub date: NaiveDate,
    /// Id of an item in [`Lists::contact_modes`].
    pub mode: String,
    pub minutes: u32,
    pub outcome: ContactOutcome,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Referral {
    /// A new episode in `status` from its referral date, with nothing recorded yet.
    pub fn new(
        id: ReferralId,
        key: RecordKey,
        person: PersonId,
        practice: PracticeId,
        referral_date: NaiveDate,
        status: ReferralStatus,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            key,
            person,
            practice,
            referral_date,
            referrer_role: String::new(),
            reasons: Vec::new(),
            notes: String::new(),
            status,
            created: at,
            updated: at,
            history: vec![StatusChange {
                status,
                date: referral_date,
            }],
            what_matters: String::new(),
            risks: Vec::new(),
            consent: Vec::new(),
            plan: Vec::new(),
            tasks: Vec::new(),
            contacts: Vec::new(),
            appointments: Vec::new(),
            case_notes: Vec::new(),
            connections: Vec::new(),
            goals: Vec::new(),
            measures: Vec::new(),
            feedback: None,
            closure: None,
            outcome_note: String::new(),
            edits: Vec::new(),
            kept: None,
            handed: None,
            arrived: Vec::new(),
            conflicts: Vec::new(),
            lineage: Vec::new(),
            removed: Vec::new(),
            exchanged: None,
        }
    }

    /// Marks entry `id` of list `field` as taken out (see [`handover::Removed`]).
    pub fn mark_removed(&mut self, mark: handover::Removed) {
        if let Err(at) = self.removed.binary_search(&mark) {
            self.removed.insert(at, mark);
        }
    }

    /// Puts its lists in the one order every copy keeps, whatever order entries arrived in:
    /// contacts by date, appointments by date and time, everything else in the order the
    /// entries were made (their ids); entries made at the same time stay in id order.
    pub fn tidy(&mut self) {
        use crate::model::order::sort_by_key;
        sort_by_key(&mut self.contacts, |c| (c.date, c.id));
        sort_by_key(&mut self.appointments, |a| (a.date, a.start, a.id));
        sort_by_key(&mut self.consent, |e| e.id);
        sort_by_key(&mut self.risks, |e| e.id);
        sort_by_key(&mut self.plan, |e| e.id);
        sort_by_key(&mut self.tasks, |e| e.id);
        sort_by_key(&mut self.case_notes, |e| e.id);
        sort_by_key(&mut self.connections, |e| e.id);
        sort_by_key(&mut self.measures, |e| e.id);
        crate::model::order::sort_by(&mut self.removed, Ord::cmp);
    }

    /// Open and still this link worker's (not handed over to a colleague).
    pub fn on_caseload(&self) -> bool {
        self.status.is_open() && self.handed.is_none()
    }

    /// Contacts that happened (attended).
    pub fn attended(&self) -> impl Iterator<Item = &Contact> {
        self.contacts
            .iter()
            .filter(|c| c.outcome == ContactOutcome::Attended)
    }

    /// How many times the person was seen.
    pub fn attended_count(&self) -> usize {
        self.attended().count()
    }

    /// Seen three or more times: the research's headline engagement measure.
    pub fn seen_three_plus(&self) -> bool {
        self.attended_count() >= 3
    }

    /// The first day the person was seen, if they have been.
    pub fn first_seen(&self) -> Option<NaiveDate> {
        self.attended().map(|c| c.date).min()
    }

    /// The latest contact of any outcome.
    pub fn last_contact(&self) -> Option<NaiveDate> {
        self.contacts.iter().map(|c| c.date).max()
    }

    /// The day the current status began.
    pub fn status_since(&self) -> NaiveDate {
        self.history.last().map_or(self.referral_date, |h| h.date)
    }

    /// When and how the episode ended, if it has: the closure reason's words,
    /// or that the person declined or needed more than social prescribing.
    pub fn ending<'a>(&'a self, lists: &'a Lists) -> Option<(NaiveDate, &'a str)> {
        match (self.status, &self.closure) {
            (ReferralStatus::Closed, Some(c)) => Some((
                c.date,
                lists.label(crate::model::lists::ListKind::ClosureReasons, &c.reason),
            )),
            (ReferralStatus::Declined, _) => {
                Some((self.status_since(), "Declined social prescribing"))
            }
            (ReferralStatus::NeedsBeyond, _) => {
                Some((self.status_since(), "Needs beyond social prescribing"))
            }
            _ => None,
        }
    }

    /// The day the person's feedback counts on: its own date, or else the
    /// day the current status began.
    pub fn feedback_date(&self) -> Option<NaiveDate> {
        self.feedback
            .as_ref()
            .map(|f| f.date.unwrap_or(self.status_since()))
    }
}

/// Everything a link worker has recorded, in memory.
///
/// People and their referrals are kept together in storage chunks so that one
/// edit rewrites one bounded chunk; `placement` remembers which chunk a person
/// lives in and is rebuilt on load, never stored separately.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Workspace {
    pub settings: Settings,
    pub people: BTreeMap<PersonId, Person>,
    pub referrals: BTreeMap<ReferralId, Referral>,
    /// The community directory.
    pub directory: BTreeMap<crate::model::directory::ResourceId, crate::model::directory::Resource>,
    /// Practice and community work, and practice check-ins.
    pub practice_work: crate::model::practice_work::PracticeWork,
    /// Tasks that are not about one person ("chase the housing team").
    pub tasks: Vec<crate::model::diary::Task>,
    /// Who is making changes: the workspace's label, for the edit history. Set by the app
    /// when it opens the workspace; never stored.
    pub editor: String,
    pub(crate) placement: BTreeMap<PersonId, u32>,
    /// Chunks that could not be read: never written, never given new people,
    /// so the stored original stays for recovery.
    pub(crate) reserved: std::collections::BTreeSet<u32>,
    /// Which referrals each person has, and which people each chunk holds.
    pub(crate) by_person: Grouped<PersonId, ReferralId>,
    pub(crate) members: Grouped<u32, PersonId>,
    /// Where this PC puts new people when the workspace syncs between PCs.
    pub(crate) new_parts: NewParts,
}

/// The first records part of this PC's own range, when the workspace syncs: new people go
/// into parts of that range only, so two PCs adding people never write the same part. Not
/// stored with the records (each PC has its own), so not part of a workspace's equality.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct NewParts(pub(crate) Option<u32>);

impl PartialEq for NewParts {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// How many parts one PC's range holds (at 50 people a part, half a million people).
pub const PARTS_PER_PC: u32 = 10_000;

impl Workspace {
    /// Puts new people in this PC's own range of records parts, starting at `first` (a
    /// multiple of [`PARTS_PER_PC`]), or back in the shared order with `None`.
    pub fn place_new_people_from(&mut self, first: Option<u32>) {
        self.new_parts = NewParts(first);
    }
}

/// A derived grouping of stored records (a person's referrals, a chunk's people), so that
/// saving one chunk need not look at every record. It is kept by the paths that add records
/// (saving a new referral, placing a person, loading a chunk) and rebuilt where records are
/// dropped (replacing a chunk). A referral never changes person, and a person never changes
/// chunk. It is trusted only while it counts exactly as many records as there are;
/// otherwise (records added some other way, as tests do) every record is looked at instead.
#[derive(Clone, Debug)]
pub(crate) struct Grouped<K, V> {
    map: rustc_hash::FxHashMap<K, Vec<V>>,
    count: usize,
}

impl<K, V> Default for Grouped<K, V> {
    fn default() -> Self {
        Self {
            map: rustc_hash::FxHashMap::default(),
            count: 0,
        }
    }
}

/// Derived data: two workspaces are equal by their records, not by this.
impl<K, V> PartialEq for Grouped<K, V> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<K: std::hash::Hash + Eq + Copy, V: Ord + Copy> Grouped<K, V> {
    /// Built from every (group, record) pair.
    pub(crate) fn of(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut grouped = Self::default();
        for (key, value) in pairs {
            grouped.add(key, value);
        }
        grouped
    }

    /// Notes a record that has just been added.
    pub(crate) fn add(&mut self, key: K, value: V) {
        self.map.entry(key).or_default().push(value);
        self.count += 1;
    }

    /// Each group and how many records it holds, if the grouping counts all `total` records.
    pub(crate) fn sizes(&self, total: usize) -> Option<impl Iterator<Item = (K, usize)> + '_> {
        (self.count == total).then(|| self.map.iter().map(|(k, v)| (*k, v.len())))
    }

    /// The records of these groups, in order, if the grouping counts all `total` records.
    pub(crate) fn all_of(&self, keys: impl IntoIterator<Item = K>, total: usize) -> Option<Vec<V>> {
        if self.count != total {
            return None;
        }
        let mut found: Vec<V> = keys
            .into_iter()
            .filter_map(|k| self.map.get(&k))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        Some(found)
    }
}

impl Workspace {
    /// A workspace with default settings and no records.
    pub fn new() -> Self {
        Self::default()
    }

    /// The person with this reference, ignoring case and surrounding spaces.
    pub fn person_by_reference(&self, reference: &str) -> Option<&Person> {
        let wanted = normalise_reference(reference);
        self.people
            .values()
            .find(|p| normalise_reference(&p.reference) == wanted)
    }

    /// Referrals of one person, oldest first.
    pub fn referrals_of(&self, person: PersonId) -> Vec<&Referral> {
        let mut list: Vec<&Referral> = match self.by_person.all_of([person], self.referrals.len()) {
            Some(ids) => ids.iter().filter_map(|id| self.referrals.get(id)).collect(),
            None => self
                .referrals
                .values()
                .filter(|r| r.person == person)
                .collect(),
        };
        crate::model::order::sort_by_key(&mut list, |r| (r.referral_date, r.created));
        list
    }

    /// A referral to change: `None` if it is not here, or handed over to a colleague (then
    /// it is read-only here until it comes back).
    pub fn changeable(&mut self, id: ReferralId) -> Option<&mut Referral> {
        self.referrals.get_mut(&id).filter(|r| r.handed.is_none())
    }

    /// A person's pseudonymous reference (empty if they are not in the workspace).
    pub fn reference_of(&self, person: PersonId) -> &str {
        self.people
            .get(&person)
            .map_or("", |p| p.reference.as_str())
    }

    /// A practice's name (empty if it is not in the workspace).
    pub fn practice_name(&self, practice: PracticeId) -> &str {
        self.settings
            .practice(practice)
            .map_or("", |p| p.name.as_str())
    }

    /// The storage chunk a person's records live in, if they are placed.
    pub fn chunk_of(&self, person: PersonId) -> Option<u32> {
        self.placement.get(&person).copied()
    }
}

/// The comparable form of a reference: trimmed and lower-cased.
pub fn normalise_reference(reference: &str) -> String {
    reference.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_match_stored_names<T: Choice + Serialize + std::fmt::Debug>() {
        for value in T::ALL {
            let stored = serde_json::to_value(value).expect("serialises");
            assert_eq!(stored.as_str(), Some(value.code()), "{value:?}");
            assert_eq!(
                T::from_code(value.code()).map(|v| v.code()),
                Some(value.code())
            );
        }
    }

    #[test]
    fn choice_codes_are_the_stored_names() {
        codes_match_stored_names::<AgeBand>();
        codes_match_stored_names::<Sex>();
        codes_match_stored_names::<EthnicGroup>();
        codes_match_stored_names::<ReferralStatus>();
    }
}
