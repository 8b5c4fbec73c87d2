//! The stored document format: versioned documents, chunked records, and the
//! one load path (parse → check format → migrate → check → swap in).
//!
//! A workspace is stored as one settings document and any number of record
//! chunks. Each chunk holds up to [`CHUNK_CAPACITY`] people with all their
//! referrals, so saving one edit rewrites one bounded chunk, never the whole
//! caseload. Chunks are found by their keys, so no index can fall out of step
//! with them.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Grouped, Person, PersonId, Referral, ReferralId, Settings, Workspace};

/// People per record chunk: what one save rewrites. 50 people (about 115 KB of JSON with
/// their contacts and measures) halve what a save encodes, compresses and encrypts compared
/// with the earlier 100. Chunks written with 100 still load and keep their people; new
/// people go to new chunks of 50.
pub const CHUNK_CAPACITY: usize = 50;

/// Prefix of every key Linkwork writes.
pub const KEY_PREFIX: &str = "linkwork/";

/// A kind of stored document, with its name and the versions we can read.
#[derive(Debug)]
pub struct DocKind {
    /// The `format` field every document of this kind carries.
    pub format: &'static str,
    /// The version this build writes.
    pub current: u32,
    /// Steps that turn version `n` into `n + 1`, starting at version 1.
    pub migrations: &'static [Migration],
}

/// One migration step on the raw JSON of a document.
pub type Migration = fn(&mut Value) -> Result<(), String>;

/// Workspace settings: practices, lists, locking and backup reminders.
/// Version 2 added `auto_lock_minutes` and `backup_reminder_days`; version 3
/// the caseload alerts `waiting_alert_days` and `no_contact_alert_days`;
/// version 4 loaded instruments, change thresholds and the link worker's
/// contact details (all optional, so the step only marks the version); version 5 the
/// practice check-in and balance settings; version 6 the weeks from a questionnaire's
/// baseline to its review; version 7 the lists for the risk log and the retention period.
pub const SETTINGS_DOC: DocKind = DocKind {
    format: "linkwork.settings",
    current: 7,
    migrations: &[
        settings_v1_to_v2,
        settings_v2_to_v3,
        settings_v3_to_v4,
        settings_v4_to_v5,
        settings_v5_to_v6,
        settings_v6_to_v7,
    ],
};

/// Version 6 settings had no lists for the risk log and no retention period: the
/// suggested lists and the default period.
fn settings_v6_to_v7(doc: &mut Value) -> Result<(), String> {
    let settings = doc
        .get_mut("settings")
        .and_then(Value::as_object_mut)
        .ok_or("there are no settings in it")?;
    settings
        .entry("retention_years")
        .or_insert(Value::from(crate::model::DEFAULT_RETENTION_YEARS));
    let lists = settings
        .get_mut("lists")
        .and_then(Value::as_object_mut)
        .ok_or("there are no lists in it")?;
    let seeded = |items: &[(&str, &str)]| {
        serde_json::to_value(crate::model::lists::seed(items)).map_err(|e| e.to_string())
    };
    if !lists.contains_key("risk_kinds") {
        lists.insert(
            "risk_kinds".into(),
            seeded(crate::model::lists::SUGGESTED_RISK_KINDS)?,
        );
    }
    if !lists.contains_key("risk_told") {
        lists.insert(
            "risk_told".into(),
            seeded(crate::model::lists::SUGGESTED_RISK_TOLD)?,
        );
    }
    Ok(())
}

/// Version 5 settings had no review interval for questionnaires: use the default.
fn settings_v5_to_v6(doc: &mut Value) -> Result<(), String> {
    let settings = doc
        .get_mut("settings")
        .and_then(Value::as_object_mut)
        .ok_or("there are no settings in it")?;
    settings
        .entry("review_after_weeks")
        .or_insert(Value::from(crate::model::DEFAULT_REVIEW_AFTER_WEEKS));
    Ok(())
}

/// Version 4 settings had no practice check-in or balance settings: use the defaults.
fn settings_v4_to_v5(doc: &mut Value) -> Result<(), String> {
    let settings = doc
        .get_mut("settings")
        .and_then(Value::as_object_mut)
        .ok_or("there are no settings in it")?;
    settings
        .entry("checkin_every_months")
        .or_insert(Value::from(crate::model::DEFAULT_CHECKIN_EVERY_MONTHS));
    settings
        .entry("other_work_share")
        .or_insert(Value::from(crate::model::DEFAULT_OTHER_WORK_SHARE));
    Ok(())
}

/// Version 3 settings had no outcome settings; the empty defaults apply.
fn settings_v3_to_v4(doc: &mut Value) -> Result<(), String> {
    doc.get("settings")
        .and_then(Value::as_object)
        .map(|_| ())
        .ok_or_else(|| "there are no settings in it".to_owned())
}

/// Version 2 settings had no caseload alerts: use the defaults.
fn settings_v2_to_v3(doc: &mut Value) -> Result<(), String> {
    let settings = doc
        .get_mut("settings")
        .and_then(Value::as_object_mut)
        .ok_or("there are no settings in it")?;
    settings
        .entry("waiting_alert_days")
        .or_insert(Value::from(crate::model::DEFAULT_WAITING_ALERT_DAYS));
    settings
        .entry("no_contact_alert_days")
        .or_insert(Value::from(crate::model::DEFAULT_NO_CONTACT_ALERT_DAYS));
    Ok(())
}

/// Version 1 settings had no locking or backup settings: use the defaults.
fn settings_v1_to_v2(doc: &mut Value) -> Result<(), String> {
    let settings = doc
        .get_mut("settings")
        .and_then(Value::as_object_mut)
        .ok_or("there are no settings in it")?;
    settings
        .entry("auto_lock_minutes")
        .or_insert(Value::from(crate::model::DEFAULT_AUTO_LOCK_MINUTES));
    settings
        .entry("backup_reminder_days")
        .or_insert(Value::from(crate::model::DEFAULT_BACKUP_REMINDER_DAYS));
    Ok(())
}

/// A chunk of people and their referrals. Version 2 added each referral's
/// status history, contacts, closure, what matters, risks and next step;
/// version 3 each referral's record key (see [`crate::model::RecordKey`]); version 4
/// replaced the single next step with any number of tasks, and added booked appointments;
/// version 5 replaced the two risk flags with a risk log, and the two sharing ticks with a
/// consent record, and added the person's plan, the edit history and retention decisions;
/// version 6 added what handovers leave: the sender's mark, where a record came from, values
/// changed in two places and each record's lineage (a version 5 app would drop them);
/// version 7 gave every entry an id unique across copies (see [`crate::model::ids`]) and
/// added removals (tombstones).
pub const RECORDS_DOC: DocKind = DocKind {
    format: "linkwork.records",
    current: 7,
    migrations: &[
        records_v1_to_v2,
        records_v2_to_v3,
        records_v3_to_v4,
        records_v4_to_v5,
        records_v5_to_v6,
        records_v6_to_v7,
    ],
};

/// Version 7 entries have ids unique across copies. An entry's old number becomes its fixed
/// id ([`crate::model::ids::legacy`]: the same on every copy), which the entries' own fields
/// do as they are read; here the places that name an entry in words are moved with them:
/// the parts a handover brought ("contacts/2") and the part a choice waits on.
pub(crate) fn records_v6_to_v7(doc: &mut Value) -> Result<(), String> {
    each_referral(doc, |obj| {
        entry_names_v7(obj);
        Ok(())
    })
}

/// Moves the names of entries in one referral (see [`records_v6_to_v7`]).
pub(crate) fn entry_names_v7(referral: &mut serde_json::Map<String, Value>) {
    let moved = |part: &str| -> Option<String> {
        let (field, number) = part.split_once('/')?;
        let n: u32 = number.parse().ok()?;
        Some(format!("{field}/{}", crate::model::ids::legacy(n)))
    };
    if let Some(arrived) = referral.get_mut("arrived").and_then(Value::as_array_mut) {
        for arrival in arrived {
            let parts = arrival.get_mut("parts").and_then(Value::as_array_mut);
            for part in parts.into_iter().flatten() {
                if let Some(new) = part.as_str().and_then(moved) {
                    *part = Value::String(new);
                }
            }
        }
    }
    if let Some(conflicts) = referral.get_mut("conflicts").and_then(Value::as_array_mut) {
        for conflict in conflicts {
            if let Some(item) = conflict.get_mut("item") {
                let n = item.as_u64().and_then(|n| u32::try_from(n).ok());
                if let Some(n) = n {
                    *item = Value::String(crate::model::ids::legacy(n).to_string());
                }
            }
        }
    }
}

/// A version step for documents whose entries' ids became unique (version 7 of records):
/// their entries read their old numbers as fixed ids, so nothing else changes.
pub(crate) fn ids_became_unique(_doc: &mut Value) -> Result<(), String> {
    Ok(())
}

/// Version 6 only added fields that version 5 records do not have: nothing to change.
fn records_v5_to_v6(_doc: &mut Value) -> Result<(), String> {
    Ok(())
}

/// Version 4 referrals had two risk flags: each set flag becomes an open entry in the risk
/// log, dated the referral's last change. The ticks for sharing outcome changes and the
/// feedback quote become consent entries of that date, how they were given unrecorded.
fn records_v4_to_v5(doc: &mut Value) -> Result<(), String> {
    each_referral(doc, |obj| {
        let date = obj
            .get("updated")
            .and_then(Value::as_str)
            .and_then(|t| t.get(..10))
            .ok_or("a referral has no date of its last change")?
            .to_owned();
        let mut risks = Vec::new();
        if let Some(flags) = obj.remove("risks") {
            for (kind, words) in [
                ("safeguarding", "Safeguarding concern flagged"),
                ("mental_health_crisis", "Mental health crisis flagged"),
            ] {
                if flags.get(kind).and_then(Value::as_bool) == Some(true) {
                    risks.push(serde_json::json!({
                        "id": risks.len() + 1,
                        "date": date,
                        "kind": kind,
                        "concern": format!("{words} before the risk log was kept."),
                    }));
                }
            }
        }
        if !risks.is_empty() {
            obj.insert("risks".into(), Value::from(risks));
        }
        let mut consent = Vec::new();
        let mut agreed = |about: &str| {
            consent.push(serde_json::json!({
                "id": consent.len() + 1,
                "date": date,
                "about": about,
                "answer": "yes",
                "how": "not_recorded",
            }));
        };
        if obj.remove("share_outcomes").and_then(|v| v.as_bool()) == Some(true) {
            agreed("outcomes");
        }
        let quote = obj
            .get_mut("feedback")
            .and_then(Value::as_object_mut)
            .and_then(|f| f.remove("quote_shareable"));
        if quote.and_then(|v| v.as_bool()) == Some(true) {
            agreed("quote");
        }
        if !consent.is_empty() {
            obj.insert("consent".into(), Value::from(consent));
        }
        Ok(())
    })
}

/// Version 3 referrals had at most one next step, always dated: it becomes their first task.
fn records_v3_to_v4(doc: &mut Value) -> Result<(), String> {
    each_referral(doc, |obj| {
        if let Some(step) = obj.remove("next_step") {
            let text = step.get("text").and_then(Value::as_str);
            let due = step.get("due").and_then(Value::as_str);
            let (Some(text), Some(due)) = (text, due) else {
                return Err("a next step has no words or no date".into());
            };
            let task = serde_json::json!({"id": 1, "text": text, "due": due});
            obj.insert("tasks".into(), Value::from(vec![task]));
        }
        Ok(())
    })
}

/// Version 2 referrals had no record key. Each gets one hashed from its own
/// stored text fields, which hold its random id, times to the millisecond
/// and its notes, and never leave the workspace: so the key is as
/// secret as the record, and every tab, backup and restore of the same
/// record derives the same key until it is saved at version 3.
fn records_v2_to_v3(doc: &mut Value) -> Result<(), String> {
    each_referral(doc, |obj| {
        if !obj.contains_key("key") {
            // Its text fields: the random id, times to the millisecond, notes.
            let mut text = String::new();
            for (k, v) in obj.iter() {
                if let Some(v) = v.as_str() {
                    text.push_str(k);
                    text.push('=');
                    text.push_str(v);
                    text.push('\n');
                }
            }
            let key = crate::model::RecordKey::hashed(b"linkwork.records.v2", text.as_bytes());
            obj.insert("key".into(), Value::from(format!("{:016x}", key.0)));
        }
        Ok(())
    })
}

/// Changes each referral of a records document.
fn each_referral(
    doc: &mut Value,
    mut change: impl FnMut(&mut serde_json::Map<String, Value>) -> Result<(), String>,
) -> Result<(), String> {
    let referrals = doc
        .get_mut("referrals")
        .and_then(Value::as_array_mut)
        .ok_or("there is no list of referrals in it")?;
    for r in referrals {
        change(r.as_object_mut().ok_or("a referral is not a record")?)?;
    }
    Ok(())
}

/// Version 1 referrals had only a current status: start their history on the
/// referral date, and date a later status by the last change to the record.
fn records_v1_to_v2(doc: &mut Value) -> Result<(), String> {
    each_referral(doc, |obj| {
        let date = obj
            .get("referral_date")
            .cloned()
            .ok_or("a referral has no date")?;
        let status = obj
            .get("status")
            .cloned()
            .ok_or("a referral has no status")?;
        let mut history = vec![serde_json::json!({"status": "referred", "date": date})];
        if status != "referred" {
            let changed = obj
                .get("updated")
                .and_then(Value::as_str)
                .and_then(|t| t.get(..10))
                .map_or(date, Value::from);
            history.push(serde_json::json!({"status": status, "date": changed}));
        }
        obj.insert("history".into(), Value::from(history));
        Ok(())
    })
}

/// Why a stored or imported document cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("it is not readable data: {0}")]
    NotJson(String),
    #[error("it is not Linkwork data")]
    NotLinkwork,
    #[error("it holds {found} data where {expected} data was expected")]
    WrongFormat {
        expected: &'static str,
        found: String,
    },
    #[error("it has no version number")]
    NoVersion,
    #[error("it was saved by a newer version of Linkwork (format version {found}; this version reads up to {supported})")]
    Newer { found: u64, supported: u32 },
    #[error("it could not be upgraded from version {from}: {detail}")]
    Migration { from: u32, detail: String },
    #[error("its contents are damaged: {0}")]
    Invalid(String),
    #[error(
        "it failed its integrity check: it was changed or damaged, or belongs to another workspace"
    )]
    Integrity,
}

/// Wraps a payload with its `format` and `version`: the one encode path for
/// every versioned document.
pub fn encode_doc<T: Serialize>(kind: &DocKind, payload: &T) -> String {
    #[derive(Serialize)]
    struct Envelope<'a, T> {
        format: &'a str,
        version: u32,
        #[serde(flatten)]
        payload: &'a T,
    }
    serde_json::to_string(&Envelope {
        format: kind.format,
        version: kind.current,
        payload,
    })
    .unwrap_or_else(|e| unreachable!("plain data always serialises: {e}"))
}

/// The envelope of a stored document: its format name and version (other fields skipped).
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow)]
    format: std::borrow::Cow<'a, str>,
    version: Option<u64>,
}

/// The one decode path for every versioned document: parse, check the format
/// name, refuse newer versions, migrate older ones step by step, then read it
/// into its typed form.
pub fn decode<T: DeserializeOwned>(kind: &DocKind, text: &str) -> Result<T, FormatError> {
    // The common case, a document of this version, is read straight into its type (the
    // `format` and `version` fields are ignored there), which is far quicker than building
    // a `Value` first. Anything else takes the general path below, with its errors.
    if let Ok(head) = serde_json::from_str::<Head>(text) {
        if head.format == kind.format && head.version == Some(u64::from(kind.current)) {
            return serde_json::from_str(text).map_err(|e| FormatError::Invalid(plain(&e)));
        }
    }
    let mut value: Value =
        serde_json::from_str(text).map_err(|e| FormatError::NotJson(plain(&e)))?;
    let obj = value.as_object().ok_or(FormatError::NotLinkwork)?;
    let format = obj
        .get("format")
        .and_then(Value::as_str)
        .ok_or(FormatError::NotLinkwork)?;
    if format != kind.format {
        return Err(FormatError::WrongFormat {
            expected: kind.format,
            found: format.to_owned(),
        });
    }
    let version = obj
        .get("version")
        .and_then(Value::as_u64)
        .ok_or(FormatError::NoVersion)?;
    if version == 0 {
        return Err(FormatError::NoVersion);
    }
    if version > u64::from(kind.current) {
        return Err(FormatError::Newer {
            found: version,
            supported: kind.current,
        });
    }
    let mut at = u32::try_from(version).unwrap_or(kind.current);
    while at < kind.current {
        let step = kind
            .migrations
            .get(at as usize - 1)
            .ok_or(FormatError::Migration {
                from: at,
                detail: "no upgrade step is known".into(),
            })?;
        step(&mut value).map_err(|detail| FormatError::Migration { from: at, detail })?;
        at += 1;
    }
    if let Some(obj) = value.as_object_mut() {
        obj.remove("format");
        obj.remove("version");
    }
    // Read from text like the quick path, so each document type has one reading routine in
    // the wasm (a second, from `Value`, cost 130 KB); upgrades are rare enough to pay for it.
    serde_json::from_str(&value.to_string()).map_err(|e| FormatError::Invalid(plain(&e)))
}

/// What is wrong with a document's text, in plain words (no parser terms):
/// where it is, and which part is missing or not as expected.
pub fn plain(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let line = e.line();
    let message = e.to_string();
    // serde_json names fields and values between backticks.
    let quoted = |text: &str| -> Option<String> {
        let start = text.find('`')? + 1;
        let end = start + text[start..].find('`')?;
        Some(text[start..end].to_owned())
    };
    match e.classify() {
        Category::Eof => "it stops part-way through, as if cut short".to_owned(),
        Category::Syntax | Category::Io => {
            format!("it is damaged or was changed by hand near line {line}")
        }
        Category::Data => {
            if message.starts_with("missing field") {
                match quoted(&message) {
                    Some(field) => format!("the part \u{201c}{field}\u{201d} is missing"),
                    None => "a part is missing".to_owned(),
                }
            } else if message.starts_with("unknown variant") {
                match quoted(&message) {
                    Some(value) => format!(
                        "\u{201c}{value}\u{201d} near line {line} is not a value this version of Linkwork knows"
                    ),
                    None => format!("a value near line {line} is not one this version of Linkwork knows"),
                }
            } else if message.starts_with("duplicate field") {
                match quoted(&message) {
                    Some(field) => {
                        format!("the part \u{201c}{field}\u{201d} appears twice near line {line}")
                    }
                    None => format!("a part appears twice near line {line}"),
                }
            } else {
                format!("a value near line {line} is not of the kind expected there (a number where words should be, or the other way round)")
            }
        }
    }
}

/// A key in a workspace's storage namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StoreKey {
    Settings,
    Records(u32),
    /// The community directory.
    Directory,
    /// Practice and community work, and practice check-ins.
    PracticeWork,
    /// The workspace's own tasks (not about one person).
    Tasks,
}

impl StoreKey {
    /// The full key in local storage for a namespace (`main`, `demo`, …).
    pub fn name(self, namespace: &str) -> String {
        match self {
            StoreKey::Settings => format!("{KEY_PREFIX}{namespace}/settings"),
            StoreKey::Records(n) => format!("{KEY_PREFIX}{namespace}/records/{n}"),
            StoreKey::Directory => format!("{KEY_PREFIX}{namespace}/directory"),
            StoreKey::PracticeWork => format!("{KEY_PREFIX}{namespace}/practice-work"),
            StoreKey::Tasks => format!("{KEY_PREFIX}{namespace}/tasks"),
        }
    }

    /// Reads a full key back, if it belongs to this namespace.
    pub fn parse(key: &str, namespace: &str) -> Option<StoreKey> {
        let rest = key.strip_prefix(KEY_PREFIX)?.strip_prefix(namespace)?;
        let rest = rest.strip_prefix('/')?;
        if rest == "settings" {
            return Some(StoreKey::Settings);
        }
        if rest == "directory" {
            return Some(StoreKey::Directory);
        }
        if rest == "practice-work" {
            return Some(StoreKey::PracticeWork);
        }
        if rest == "tasks" {
            return Some(StoreKey::Tasks);
        }
        let n = rest.strip_prefix("records/")?;
        if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) || n.len() > 9 {
            return None;
        }
        n.parse().ok().map(StoreKey::Records)
    }
}

#[derive(Serialize, Deserialize)]
struct SettingsDoc {
    settings: Settings,
}

/// The community directory.
pub const DIRECTORY_DOC: DocKind = DocKind {
    format: "linkwork.directory",
    current: 1,
    migrations: &[],
};

#[derive(Serialize, Deserialize)]
struct DirectoryDoc {
    resources: Vec<crate::model::directory::Resource>,
}

/// Practice and community work, and practice check-ins.
/// Version 2: entries' ids unique across copies.
pub const PRACTICE_WORK_DOC: DocKind = DocKind {
    format: "linkwork.practice_work",
    current: 2,
    migrations: &[ids_became_unique],
};

/// The workspace's own tasks.
/// Version 2: tasks' ids unique across copies.
pub const TASKS_DOC: DocKind = DocKind {
    format: "linkwork.tasks",
    current: 2,
    migrations: &[ids_became_unique],
};

#[derive(Serialize, Deserialize)]
struct TasksDoc {
    tasks: Vec<crate::model::diary::Task>,
}

#[derive(Serialize, Deserialize)]
struct RecordsDoc {
    chunk: u32,
    people: Vec<Person>,
    referrals: Vec<Referral>,
}

/// One records part's contents, read through the one decode path (older versions upgraded):
/// its number, its people and their referrals. Sync merges two copies of a part with it.
pub fn decode_part(text: &str) -> Result<(u32, Vec<Person>, Vec<Referral>), FormatError> {
    let doc: RecordsDoc = decode(&RECORDS_DOC, text)?;
    Ok((doc.chunk, doc.people, doc.referrals))
}

/// A records part's text from its contents (borrowed, not cloned: the JSON is the same as
/// `RecordsDoc`'s).
pub fn encode_part(chunk: u32, people: &[&Person], referrals: &[&Referral]) -> String {
    #[derive(Serialize)]
    struct RecordsOut<'a> {
        chunk: u32,
        people: &'a [&'a Person],
        referrals: &'a [&'a Referral],
    }
    encode_doc(
        &RECORDS_DOC,
        &RecordsOut {
            chunk,
            people,
            referrals,
        },
    )
}

/// Encodes the settings document.
pub fn encode_settings(settings: &Settings) -> String {
    encode_doc(
        &SETTINGS_DOC,
        &SettingsDoc {
            settings: settings.clone(),
        },
    )
}

impl Workspace {
    /// Encodes one record chunk: its people and all their referrals.
    pub fn encode_chunk(&self, chunk: u32) -> String {
        // Through the groupings, so a save costs the same at any size; where they cannot
        // be trusted, every record is looked at.
        let every_person = || -> Vec<PersonId> {
            let placed = self.placement.iter();
            placed
                .filter(|(_, c)| **c == chunk)
                .map(|(p, _)| *p)
                .collect()
        };
        let ids = self
            .members
            .all_of([chunk], self.placement.len())
            .unwrap_or_else(every_person);
        debug_assert_eq!(ids, every_person(), "the chunk grouping is out of step");
        let people: Vec<&Person> = ids.iter().filter_map(|id| self.people.get(id)).collect();
        let every_referral = || -> Vec<ReferralId> {
            let wanted: rustc_hash::FxHashSet<PersonId> = ids.iter().copied().collect();
            let all = self.referrals.values();
            all.filter(|r| wanted.contains(&r.person))
                .map(|r| r.id)
                .collect()
        };
        let referral_ids = self
            .by_person
            .all_of(ids.iter().copied(), self.referrals.len())
            .unwrap_or_else(every_referral);
        debug_assert_eq!(
            referral_ids,
            every_referral(),
            "the referral grouping is out of step"
        );
        let referrals: Vec<&Referral> = referral_ids
            .iter()
            .filter_map(|id| self.referrals.get(id))
            .collect();
        encode_part(chunk, &people, &referrals)
    }

    /// The value to store under a key.
    pub fn encode(&self, key: StoreKey) -> String {
        match key {
            StoreKey::Settings => encode_settings(&self.settings),
            StoreKey::Records(n) => self.encode_chunk(n),
            StoreKey::Directory => encode_doc(
                &DIRECTORY_DOC,
                &DirectoryDoc {
                    resources: self.directory.values().cloned().collect(),
                },
            ),
            StoreKey::PracticeWork => encode_doc(&PRACTICE_WORK_DOC, &self.practice_work),
            StoreKey::Tasks => encode_doc(
                &TASKS_DOC,
                &TasksDoc {
                    tasks: self.tasks.clone(),
                },
            ),
        }
    }

    /// Every key of this workspace, for a full save (the demo, or tests).
    pub fn all_keys(&self) -> Vec<StoreKey> {
        let chunks: BTreeSet<u32> = self.placement.values().copied().collect();
        std::iter::once(StoreKey::Settings)
            .chain((!self.directory.is_empty()).then_some(StoreKey::Directory))
            .chain((!self.practice_work.is_empty()).then_some(StoreKey::PracticeWork))
            .chain((!self.tasks.is_empty()).then_some(StoreKey::Tasks))
            .chain(chunks.into_iter().map(StoreKey::Records))
            .collect()
    }

    /// Puts a person in a chunk if they are not in one yet, and returns it.
    /// New people fill the highest chunk until it holds [`CHUNK_CAPACITY`].
    pub(crate) fn place(&mut self, person: PersonId) -> u32 {
        if let Some(chunk) = self.placement.get(&person) {
            return *chunk;
        }
        if let Some(first) = self.new_parts.0 {
            return self.place_in_range(person, first);
        }
        // The last chunk and how many it holds: from the grouping, or by looking at everyone.
        let (last, in_last) = match self.members.sizes(self.placement.len()) {
            Some(sizes) => sizes
                .max_by_key(|(chunk, _)| *chunk)
                .map_or((None, 0), |(chunk, n)| (Some(chunk), n)),
            None => {
                let last = self.placement.values().copied().max();
                let n = self
                    .placement
                    .values()
                    .filter(|c| Some(**c) == last)
                    .count();
                (last, n)
            }
        };
        let highest = last.max(self.reserved.iter().next_back().copied());
        let chunk = match (last, highest) {
            (Some(last), Some(highest)) if last == highest && in_last < CHUNK_CAPACITY => last,
            (_, Some(highest)) => highest + 1,
            (_, None) => 0,
        };
        self.members.add(chunk, person);
        self.placement.insert(person, chunk);
        chunk
    }
}

impl Workspace {
    /// Places a new person in this PC's own range of parts (see
    /// [`Workspace::place_new_people_from`]): its highest part until that holds
    /// [`CHUNK_CAPACITY`], then the next.
    fn place_in_range(&mut self, person: PersonId, first: u32) -> u32 {
        let end = first.saturating_add(crate::model::PARTS_PER_PC);
        let ours = |c: &u32| (first..end).contains(c);
        let last = self
            .placement
            .values()
            .copied()
            .filter(ours)
            .max()
            .max(self.reserved.iter().copied().filter(ours).max());
        let in_last = last.map_or(0, |l| self.placement.values().filter(|c| **c == l).count());
        let chunk = match last {
            Some(l) if in_last < CHUNK_CAPACITY && !self.reserved.contains(&l) => l,
            Some(l) => (l + 1).min(end - 1),
            None => first,
        };
        self.members.add(chunk, person);
        self.placement.insert(person, chunk);
        chunk
    }
}

impl Workspace {
    /// Replaces what one stored document holds (the settings, or one chunk)
    /// with a newer stored text, as when another tab saved it. Nothing
    /// changes if the text cannot be used.
    pub fn apply_document(&mut self, key: StoreKey, text: &str) -> Result<(), FormatError> {
        match key {
            StoreKey::Settings => {
                self.settings = decode::<SettingsDoc>(&SETTINGS_DOC, text)?.settings;
            }
            StoreKey::Directory => {
                self.directory = decode::<DirectoryDoc>(&DIRECTORY_DOC, text)?
                    .resources
                    .into_iter()
                    .map(|r| (r.id, r))
                    .collect();
            }
            StoreKey::PracticeWork => {
                self.practice_work = decode(&PRACTICE_WORK_DOC, text)?;
            }
            StoreKey::Tasks => {
                self.tasks = decode::<TasksDoc>(&TASKS_DOC, text)?.tasks;
            }
            StoreKey::Records(n) => {
                let doc: RecordsDoc = decode(&RECORDS_DOC, text)?;
                if doc.chunk != n {
                    return Err(FormatError::Invalid(format!(
                        "it says it is part {} but is stored as part {n}",
                        doc.chunk
                    )));
                }
                // A part new here (as when another PC's parts arrive) is checked against the
                // workspace and added, without copying everything else first.
                if !self.placement.values().any(|c| *c == n) {
                    check_chunk(self, &doc).map_err(FormatError::Invalid)?;
                    self.insert_chunk(n, doc);
                    return Ok(());
                }
                let mut rest = self.clone();
                let old: BTreeSet<PersonId> = rest
                    .placement
                    .iter()
                    .filter(|(_, c)| **c == n)
                    .map(|(p, _)| *p)
                    .collect();
                for p in &old {
                    rest.people.remove(p);
                    rest.placement.remove(p);
                }
                rest.referrals.retain(|_, r| !old.contains(&r.person));
                rest.by_person = Grouped::of(rest.referrals.values().map(|r| (r.person, r.id)));
                rest.members = Grouped::of(rest.placement.iter().map(|(p, c)| (*c, *p)));
                check_chunk(&rest, &doc).map_err(FormatError::Invalid)?;
                rest.insert_chunk(n, doc);
                *self = rest;
            }
        }
        Ok(())
    }
}

/// A stored value that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The full storage key.
    pub key: String,
    pub error: FormatError,
}

/// What loading found: the usable workspace and anything that was not usable.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub workspace: Workspace,
    /// Values that could not be read. While there are any, the app must not
    /// write to this namespace, or it could overwrite what is left of them.
    pub problems: Vec<Problem>,
}

impl Loaded {
    /// Nothing loaded: an empty workspace without problems.
    pub fn empty() -> Self {
        Loaded {
            workspace: Workspace::new(),
            problems: Vec::new(),
        }
    }

    /// Whether nothing may be written: the settings could not be read, or
    /// something was written by a newer version. Unreadable record chunks
    /// alone do not block writing; they are set aside and never written.
    pub fn blocks_writing(&self) -> bool {
        blocks_writing(&self.problems)
    }
}

/// See [`Loaded::blocks_writing`].
pub fn blocks_writing(problems: &[Problem]) -> bool {
    problems
        .iter()
        .any(|p| matches!(p.error, FormatError::Newer { .. }) || !p.key.contains("/records/"))
}

/// Loads a workspace from the stored `(key, value)` pairs of a namespace.
/// Keys of other namespaces are ignored. Missing settings give the default
/// settings; nothing at all gives an empty workspace.
pub fn load_workspace<'a>(
    namespace: &str,
    entries: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Loaded {
    load_workspace_with(namespace, entries, |_, value| Ok(value.to_owned()))
}

/// Like [`load_workspace`], with `open` turning each stored value into its
/// document text first (decrypting it, for an encrypted workspace).
pub fn load_workspace_with<'a>(
    namespace: &str,
    entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    open: impl Fn(&str, &str) -> Result<String, FormatError>,
) -> Loaded {
    let mut ws = Workspace::new();
    let mut problems = Vec::new();
    let mut chunks: BTreeMap<u32, (&str, RecordsDoc)> = BTreeMap::new();
    for (key, stored) in entries {
        let parsed = StoreKey::parse(key, namespace);
        if let Some(StoreKey::Records(n)) = parsed {
            // Until it is known to be good, never put new people there.
            ws.reserved.insert(n);
        }
        let value = match parsed.map(|_| open(key, stored)) {
            None => continue,
            Some(Ok(text)) => text,
            Some(Err(error)) => {
                problems.push(Problem {
                    key: key.to_owned(),
                    error,
                });
                continue;
            }
        };
        let value = value.as_str();
        match parsed {
            None => {}
            Some(StoreKey::Settings) => match decode::<SettingsDoc>(&SETTINGS_DOC, value) {
                Ok(doc) => ws.settings = doc.settings,
                Err(error) => problems.push(Problem {
                    key: key.to_owned(),
                    error,
                }),
            },
            Some(StoreKey::Directory) => match decode::<DirectoryDoc>(&DIRECTORY_DOC, value) {
                Ok(doc) => {
                    ws.directory = doc.resources.into_iter().map(|r| (r.id, r)).collect();
                }
                Err(error) => problems.push(Problem {
                    key: key.to_owned(),
                    error,
                }),
            },
            Some(StoreKey::PracticeWork) => match decode(&PRACTICE_WORK_DOC, value) {
                Ok(work) => ws.practice_work = work,
                Err(error) => problems.push(Problem {
                    key: key.to_owned(),
                    error,
                }),
            },
            Some(StoreKey::Tasks) => match decode::<TasksDoc>(&TASKS_DOC, value) {
                Ok(doc) => ws.tasks = doc.tasks,
                Err(error) => problems.push(Problem {
                    key: key.to_owned(),
                    error,
                }),
            },
            Some(StoreKey::Records(n)) => match decode::<RecordsDoc>(&RECORDS_DOC, value) {
                Ok(doc) if doc.chunk != n => problems.push(Problem {
                    key: key.to_owned(),
                    error: FormatError::Invalid(format!(
                        "it says it is part {} but is stored as part {n}",
                        doc.chunk
                    )),
                }),
                Ok(doc) => {
                    chunks.insert(n, (key, doc));
                }
                Err(error) => problems.push(Problem {
                    key: key.to_owned(),
                    error,
                }),
            },
        }
    }
    for (n, (key, doc)) in chunks {
        if let Err(detail) = check_chunk(&ws, &doc) {
            problems.push(Problem {
                key: key.to_owned(),
                error: FormatError::Invalid(detail),
            });
            continue;
        }
        ws.insert_chunk(n, doc);
    }
    Loaded {
        workspace: ws,
        problems,
    }
}

impl Workspace {
    /// Adds a checked chunk's people (placed in chunk `n`) and referrals.
    fn insert_chunk(&mut self, n: u32, doc: RecordsDoc) {
        for person in doc.people {
            self.members.add(n, person.id);
            self.placement.insert(person.id, n);
            self.people.insert(person.id, person);
        }
        for referral in doc.referrals {
            self.by_person.add(referral.person, referral.id);
            self.referrals.insert(referral.id, referral);
        }
        self.reserved.remove(&n);
    }
}

/// Checks a chunk against itself and what is already loaded.
fn check_chunk(ws: &Workspace, doc: &RecordsDoc) -> Result<(), String> {
    let mut ids = BTreeSet::new();
    for p in &doc.people {
        if ws.people.contains_key(&p.id) || !ids.insert(p.id) {
            return Err(format!("a person appears twice ({})", p.reference));
        }
    }
    let mut referral_ids = BTreeSet::new();
    for r in &doc.referrals {
        if !ids.contains(&r.person) {
            return Err("a referral belongs to a person who is not in the same part".into());
        }
        if ws.referrals.contains_key(&r.id) || !referral_ids.insert(r.id) {
            return Err("a referral appears twice".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn damaged_documents_are_described_without_parser_words() {
        let said = |text: &str| {
            decode::<crate::model::Settings>(&SETTINGS_DOC, text)
                .expect_err("refused")
                .to_string()
        };
        let cut = said("{\"format\":\"linkwork.settings\",");
        assert!(cut.contains("stops part-way through"), "{cut}");
        let changed = said("{\"format\": linkwork}");
        assert!(changed.contains("near line 1"), "{changed}");
        for message in [cut, changed] {
            for jargon in ["EOF", "column", "parsing", "expected value", "`"] {
                assert!(
                    !message.contains(jargon),
                    "{message} speaks parser ({jargon})"
                );
            }
        }
    }
    use super::*;
    use crate::testing::{arb_workspace, fixture, practice_ws};
    use proptest::prelude::*;

    fn stored(ws: &Workspace, ns: &str) -> Vec<(String, String)> {
        ws.all_keys()
            .into_iter()
            .map(|k| (k.name(ns), ws.encode(k)))
            .collect()
    }

    fn load(ns: &str, entries: &[(String, String)]) -> Loaded {
        load_workspace(ns, entries.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    proptest! {
        #[test]
        fn any_workspace_survives_save_then_load(ws in arb_workspace()) {
            let entries = stored(&ws, "main");
            let loaded = load("main", &entries);
            prop_assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
            prop_assert_eq!(loaded.workspace, ws);
        }

        #[test]
        fn store_keys_round_trip(n in 0u32..1_000_000) {
            prop_assert_eq!(StoreKey::parse(&StoreKey::Records(n).name("demo"), "demo"), Some(StoreKey::Records(n)));
            prop_assert_eq!(StoreKey::parse(&StoreKey::Records(n).name("demo"), "main"), None);
        }
    }

    #[test]
    fn applying_another_tabs_documents_brings_the_workspace_up_to_date() {
        let before = crate::work::demo::generate(
            &crate::work::demo::DemoSpec::small(),
            crate::testing::today(),
        );
        let mut after = before.clone();
        // The other tab edits a referral, adds a person, and renames a practice.
        let id = *after.referrals.keys().next().expect("referrals");
        after.referrals.get_mut(&id).expect("exists").notes = "changed elsewhere".into();
        let person = crate::model::Person {
            id: PersonId::from_random([0xAB; 16]),
            reference: "NEW-1".into(),
            age_band: None,
            sex: None,
            ethnic_group: None,
            deprivation_quintile: None,
            lineage: Vec::new(),
            conflicts: Vec::new(),
        };
        after.people.insert(person.id, person.clone());
        let chunk_of_new = after.place(person.id);
        after.settings.practices[0].name = "Renamed".into();
        let chunk_of_edit = after.chunk_of(after.referrals[&id].person).expect("placed");
        let mut mirror = before.clone();
        for key in [
            StoreKey::Settings,
            StoreKey::Records(chunk_of_edit),
            StoreKey::Records(chunk_of_new),
        ] {
            mirror
                .apply_document(key, &after.encode(key))
                .expect("applies");
        }
        assert_eq!(mirror, after);
        // A broken text changes nothing.
        let copy = mirror.clone();
        assert!(mirror.apply_document(StoreKey::Records(0), "{").is_err());
        assert_eq!(mirror, copy);
    }

    #[test]
    fn nothing_stored_is_an_empty_workspace_with_suggested_lists() {
        let loaded = load("main", &[]);
        assert!(loaded.problems.is_empty());
        assert_eq!(loaded.workspace, Workspace::new());
        assert_eq!(loaded.workspace.settings.lists.reasons.len(), 17);
    }

    /// A stored workspace of these fixtures: settings and one records part.
    fn fixture_workspace(settings: &str, records: &str) -> Vec<(String, String)> {
        vec![
            ("linkwork/main/settings".to_owned(), fixture(settings)),
            ("linkwork/main/records/0".to_owned(), fixture(records)),
        ]
    }

    #[test]
    fn version_1_fixtures_load() {
        let entries = fixture_workspace("v1/settings.json", "v1/records-0.json");
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let ws = loaded.workspace;
        assert_eq!(ws.settings.practices.len(), 2);
        assert_eq!(ws.settings.practices[0].name, "Riverside Medical Practice");
        assert_eq!(ws.people.len(), 2);
        assert_eq!(ws.referrals.len(), 3);
        let p = ws.person_by_reference("RV-0001").expect("fixture person");
        assert_eq!(ws.referrals_of(p.id).len(), 2);
        // Version 1 settings gain the later defaults.
        assert_eq!(ws.settings.auto_lock_minutes, 5);
        assert_eq!(ws.settings.backup_reminder_days, 7);
        assert_eq!(ws.settings.waiting_alert_days, 14);
        // Version 1 referrals gain a history: referred on the referral date,
        // then their status on the day the record last changed.
        let closed = ws
            .referrals
            .values()
            .find(|r| r.status == crate::model::ReferralStatus::Closed)
            .expect("fixture has a closed referral");
        let history: Vec<(crate::model::ReferralStatus, String)> = closed
            .history
            .iter()
            .map(|h| (h.status, h.date.to_string()))
            .collect();
        assert_eq!(
            history,
            vec![
                (crate::model::ReferralStatus::Referred, "2025-03-14".into()),
                (crate::model::ReferralStatus::Closed, "2025-06-02".into())
            ]
        );
    }

    #[test]
    fn version_2_fixtures_load() {
        let entries = fixture_workspace("v2/settings.json", "v2/records-0.json");
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let ws = &loaded.workspace;
        assert_eq!(ws.settings.auto_lock_minutes, 10);
        assert_eq!(ws.settings.backup_reminder_days, 14);
        assert_eq!(ws.settings.no_contact_alert_days, 28, "version 3 default");
        let closed = ws
            .referrals
            .values()
            .find(|r| r.closure.is_some())
            .expect("a closed referral");
        assert_eq!(closed.contacts.len(), 2);
        assert_eq!(closed.attended_count(), 1);
        // Each referral gets a record key from its own stored text: the same
        // on every load (every tab and restore agrees), different for each.
        let keys: std::collections::BTreeSet<u64> =
            ws.referrals.values().map(|r| r.key.0).collect();
        assert_eq!(
            keys.len(),
            ws.referrals.len(),
            "one key each, all different"
        );
        assert!(!keys.contains(&0));
        let again = load("main", &entries);
        assert_eq!(
            again.workspace.referrals, ws.referrals,
            "the same keys again"
        );
        // Saved again, the keys are kept as they are: the version 3 fixture, moved on to
        // version 4 (its next step a task), holds the same keys.
        let again = load(
            "main",
            &fixture_workspace("v2/settings.json", "v3/records-0.json"),
        );
        let keys_v3: std::collections::BTreeSet<u64> = again
            .workspace
            .referrals
            .values()
            .map(|r| r.key.0)
            .collect();
        assert_eq!(keys, keys_v3);
        assert_eq!(again.workspace.referrals, ws.referrals);
    }

    #[test]
    fn version_3_next_steps_become_tasks() {
        let entries = fixture_workspace("v2/settings.json", "v3/records-0.json");
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let ws = &loaded.workspace;
        let with_step: Vec<&crate::model::Referral> = ws
            .referrals
            .values()
            .filter(|r| !r.tasks.is_empty())
            .collect();
        assert_eq!(with_step.len(), 1, "the one referral with a next step");
        let task = &with_step[0].tasks[0];
        assert_eq!(task.text, "Phone to arrange a first meeting");
        assert_eq!(task.due, chrono::NaiveDate::from_ymd_opt(2026, 11, 25));
        assert_eq!(task.done, None);
        assert!(ws.referrals.values().all(|r| r.appointments.is_empty()));
        // Saved again, it is at today's version, without the next step.
        let saved = ws.encode(StoreKey::Records(0));
        assert!(saved.starts_with("{\"format\":\"linkwork.records\",\"version\":7"));
        assert!(!saved.contains("next_step"));
        // A next step without its date cannot be guessed at: the part is reported.
        let broken = fixture("v3/records-0.json").replace(",\"due\":\"2026-11-25\"", "");
        let broken = load(
            "main",
            &[entries[0].clone(), (entries[1].0.clone(), broken)],
        );
        assert_eq!(broken.problems.len(), 1);
    }

    #[test]
    fn version_4_records_keep_appointments_and_tasks_byte_for_byte() {
        let entries = fixture_workspace("v2/settings.json", "v4/records-0.json");
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let ws = &loaded.workspace;
        let r = ws
            .referrals
            .values()
            .find(|r| !r.appointments.is_empty())
            .expect("a referral with appointments");
        assert_eq!(r.appointments.len(), 2);
        assert_eq!(
            r.appointment_state(&r.appointments[0]),
            crate::model::diary::AppointmentState::Marked(crate::model::ContactOutcome::Attended)
        );
        assert_eq!(
            r.appointments[1].start,
            chrono::NaiveTime::from_hms_opt(14, 0, 0).expect("time")
        );
        assert_eq!(r.open_tasks().count(), 1, "one of two tasks is done");
        let notes: Vec<(crate::model::diary::NoteKind, u32)> =
            r.case_notes.iter().map(|n| (n.kind, n.minutes)).collect();
        assert_eq!(
            notes,
            [
                (crate::model::diary::NoteKind::OnBehalf, 20),
                (crate::model::diary::NoteKind::Supervision, 0)
            ]
        );
        let bad =
            fixture("v4/records-0.json").replacen("\"start\":\"10:30\"", "\"start\":\"25:30\"", 1);
        let broken = load("main", &[entries[0].clone(), (entries[1].0.clone(), bad)]);
        assert_eq!(broken.problems.len(), 1, "an impossible time is reported");
    }

    #[test]
    fn version_4_risk_flags_and_sharing_ticks_become_the_risk_log_and_consent() {
        use crate::model::consent::{ConsentAbout, ConsentAnswer, ConsentHow};
        // The fixture's second referral has the safeguarding flag; give the first the
        // crisis flag and both sharing ticks, as version 4 stored them.
        let v4 = fixture("v4/records-0.json").replacen(
            "\"closure\":{\"date\":\"2025-06-02\",\"reason\":\"complete\"}",
            "\"risks\":{\"safeguarding\":true,\"mental_health_crisis\":true},\"share_outcomes\":true,\"feedback\":{\"date\":\"2025-06-02\",\"quote\":\"Lovely\",\"quote_shareable\":true},\"closure\":{\"date\":\"2025-06-02\",\"reason\":\"complete\"}",
            1,
        );
        assert_ne!(v4, fixture("v4/records-0.json"));
        let entries = vec![
            (
                "linkwork/main/settings".to_owned(),
                fixture("v2/settings.json"),
            ),
            ("linkwork/main/records/0".to_owned(), v4),
        ];
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let ws = &loaded.workspace;
        let closed = ws
            .referrals
            .values()
            .find(|r| r.closure.is_some())
            .expect("the closed referral");
        // Open entries dated the referral's last change.
        let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 2).expect("date");
        assert_eq!(
            closed
                .risks
                .iter()
                .map(|e| (e.kind.as_str(), e.date, e.is_open()))
                .collect::<Vec<_>>(),
            [
                ("safeguarding", day, true),
                ("mental_health_crisis", day, true)
            ]
        );
        assert!(closed.consents_to(ConsentAbout::Outcomes));
        assert_eq!(closed.shareable_quote(), Some("Lovely"));
        assert!(closed
            .consent
            .iter()
            .all(|e| e.how == ConsentHow::NotRecorded));
        assert_eq!(closed.consent(ConsentAbout::Support), None, "never guessed");
        let flagged = ws
            .referrals
            .values()
            .find(|r| r.status == crate::model::ReferralStatus::Referred)
            .expect("the referred one");
        assert_eq!(flagged.risk_flags(), ["safeguarding"]);
        assert!(flagged.consent.is_empty(), "no tick, no consent");
        assert_eq!(
            flagged
                .consent(ConsentAbout::GpInformation)
                .map(|e| e.answer),
            None::<ConsentAnswer>
        );
        let saved = ws.encode(StoreKey::Records(0));
        for gone in [
            "share_outcomes",
            "quote_shareable",
            "mental_health_crisis\":true",
        ] {
            assert!(!saved.contains(gone), "{gone} in {saved}");
        }
    }

    #[test]
    fn version_5_records_keep_risks_consent_plan_and_history_byte_for_byte() {
        use crate::model::consent::{ConsentAbout, GpShare};
        let entries = fixture_workspace("v7/settings.json", "v5/records-0.json");
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let ws = &loaded.workspace;
        let r = ws
            .referrals
            .values()
            .find(|r| !r.plan.is_empty())
            .expect("the referral with a plan");
        assert_eq!(
            r.risk_flags(),
            ["lone_working"],
            "the closed entry is no flag"
        );
        assert!(r.lone_working_risk());
        assert_eq!(r.gp_share(), GpShare::CodesOnly);
        assert!(
            !r.consents_to(ConsentAbout::Outcomes),
            "withdrawn on 12 Nov"
        );
        assert_eq!(r.consent.len(), 4, "a withdrawal is kept as an entry");
        assert_eq!(r.plan.len(), 3);
        assert_eq!(r.edits[0].by, "Riverside PC 2");
        assert!(ws.referrals.values().any(|r| r.kept.is_some()));
        // Saved again at version 7, every entry keeps its identity: its old number is now
        // its fixed id, and the text reads back to the same records.
        let saved = ws.encode(StoreKey::Records(0));
        assert!(saved.starts_with("{\"format\":\"linkwork.records\",\"version\":7"));
        let again = load(
            "main",
            &[entries[0].clone(), (entries[1].0.clone(), saved.clone())],
        );
        assert_eq!(again.workspace.referrals, ws.referrals);
        assert_eq!(again.workspace.encode(StoreKey::Records(0)), saved);
        let ids: Vec<Option<u32>> = r.consent.iter().map(|e| e.id.legacy_number()).collect();
        assert_eq!(
            ids,
            [Some(1), Some(2), Some(3), Some(4)],
            "old numbers kept, in order"
        );
        // A consent answer this version does not know is reported, not guessed at.
        let bad = fixture("v5/records-0.json").replacen(
            "\"answer\":\"codes_only\"",
            "\"answer\":\"maybe\"",
            1,
        );
        let broken = load("main", &[entries[0].clone(), (entries[1].0.clone(), bad)]);
        assert_eq!(broken.problems.len(), 1);
    }

    #[test]
    fn version_6_records_keep_what_handovers_left_byte_for_byte() {
        use crate::model::handover::{Arrival, Rev};
        let entries = fixture_workspace("v7/settings.json", "v6/records-0.json");
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let ws = &loaded.workspace;
        let r = ws
            .referrals
            .values()
            .find(|r| r.handed.is_some())
            .expect("the handed one");
        assert_eq!(
            r.handed.as_ref().map(|h| h.to.as_str()),
            Some("Alex (Hillview, cover)")
        );
        assert!(!r.on_caseload(), "handed over: out of the open caseload");
        assert_eq!(r.arrived.len(), 2);
        assert_eq!(r.arrived[1].arrival, Arrival::HandedBack);
        // What a handover brought names contact 2 by the id contact 2 has now.
        let two = crate::model::ContactId::legacy(2);
        assert!(r.arrived[1].touched(&format!("contacts/{two}")));
        assert!(r.contacts.iter().any(|c| c.id == two));
        assert_eq!(r.conflicts[0].values.len(), 2);
        assert_eq!(
            r.lineage,
            [Rev(0x0123_4567_89ab_cdef), Rev(0xfedc_ba98_7654_3210)]
        );
        // Moved to version 7 as the fixture of that version holds it, which reads back and
        // saves byte for byte.
        let v7 = fixture("v7/records-0.json");
        assert_eq!(ws.encode(StoreKey::Records(0)), v7.trim());
        let moved = load(
            "main",
            &[entries[0].clone(), (entries[1].0.clone(), v7.clone())],
        );
        assert!(moved.problems.is_empty(), "{:?}", moved.problems);
        assert_eq!(moved.workspace.encode(StoreKey::Records(0)), v7.trim());
        assert_eq!(moved.workspace.referrals, ws.referrals);
        let bad = fixture("v6/records-0.json").replacen("fedcba9876543210", "fedcba98", 1);
        let broken = load("main", &[entries[0].clone(), (entries[1].0.clone(), bad)]);
        assert_eq!(broken.problems.len(), 1, "a damaged version is reported");
    }

    #[test]
    fn version_3_records_keep_their_record_keys() {
        let entries = fixture_workspace("v2/settings.json", "v3/records-0.json");
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let keys = |text: &str| -> Vec<String> {
            text.match_indices("\"key\":\"")
                .map(|(i, _)| text[i + 7..i + 23].to_owned())
                .collect()
        };
        // Moved on to version 4, every record key is kept as it was.
        assert_eq!(
            keys(&loaded.workspace.encode(StoreKey::Records(0))),
            keys(&fixture("v3/records-0.json"))
        );
        let bad = fixture("v3/records-0.json").replacen("\"key\":\"", "\"key\":\"zz", 1);
        let broken = load("main", &[entries[0].clone(), (entries[1].0.clone(), bad)]);
        assert!(!broken.problems.is_empty(), "a damaged key is reported");
    }

    #[test]
    fn version_3_settings_fixture_loads() {
        let entries = vec![(
            "linkwork/main/settings".to_owned(),
            fixture("v3/settings.json"),
        )];
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let settings = &loaded.workspace.settings;
        assert_eq!(
            (settings.waiting_alert_days, settings.no_contact_alert_days),
            (21, 35)
        );
        assert!(settings.change_thresholds.is_empty() && settings.link_worker_contact.is_empty());
        assert_eq!(settings.checkin_every_months, 3, "the default");
        let again = load(
            "main",
            &[(
                "linkwork/main/settings".to_owned(),
                encode_settings(settings),
            )],
        );
        assert_eq!(
            &again.workspace.settings, settings,
            "saved as the current version"
        );
    }

    #[test]
    fn version_4_settings_fixture_loads() {
        let entries = vec![(
            "linkwork/main/settings".to_owned(),
            fixture("v4/settings.json"),
        )];
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let settings = &loaded.workspace.settings;
        assert_eq!(settings.change_thresholds.get("ons4"), Some(&2.0));
        assert!(settings.link_worker_contact.starts_with("Sam"));
        assert_eq!(
            (settings.checkin_every_months, settings.other_work_share),
            (3, 20),
            "version 4 had neither: the defaults"
        );
    }

    #[test]
    fn version_5_settings_fixture_loads_with_the_default_review_interval() {
        let entries = vec![(
            "linkwork/main/settings".to_owned(),
            fixture("v5/settings.json"),
        )];
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let settings = &loaded.workspace.settings;
        assert_eq!(
            (settings.checkin_every_months, settings.other_work_share),
            (2, 25)
        );
        assert_eq!(
            settings.review_after_weeks, 12,
            "version 5 had none: the default"
        );
    }

    #[test]
    fn version_6_settings_fixture_loads_and_re_encodes_byte_for_byte() {
        let entries = vec![(
            "linkwork/main/settings".to_owned(),
            fixture("v6/settings.json"),
        )];
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let settings = &loaded.workspace.settings;
        assert_eq!(settings.review_after_weeks, 10);
        // Moved on to version 7 with the suggested risk lists and retention period.
        assert_eq!(
            settings.retention_years,
            crate::model::DEFAULT_RETENTION_YEARS
        );
        assert_eq!(
            settings
                .lists
                .label(crate::model::lists::ListKind::RiskKinds, "lone_working"),
            "Lone-working risk for home visits"
        );
        assert_eq!(settings.lists.risk_told.len(), 6);
        let saved = encode_settings(settings);
        assert!(saved.starts_with("{\"format\":\"linkwork.settings\",\"version\":7"));
    }

    #[test]
    fn version_7_settings_fixture_loads_and_re_encodes_byte_for_byte() {
        let entries = vec![(
            "linkwork/main/settings".to_owned(),
            fixture("v7/settings.json"),
        )];
        let loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let settings = &loaded.workspace.settings;
        assert_eq!(settings.retention_years, 6);
        assert_eq!(
            settings
                .lists
                .label(crate::model::lists::ListKind::RiskKinds, "fire_risk"),
            "Fire risk at home"
        );
        assert_eq!(
            encode_settings(settings),
            fixture("v7/settings.json").trim()
        );
    }

    #[test]
    fn an_unreadable_chunk_is_set_aside_and_never_reused() {
        let ws = crate::work::demo::generate(
            &crate::work::demo::DemoSpec::small(),
            crate::testing::today(),
        );
        let mut entries = stored(&ws, "main");
        let chunks = entries
            .iter()
            .filter(|(k, _)| k.contains("/records/"))
            .count();
        // Damage the last, part-filled chunk: the one new people would join.
        let last = entries.len() - 1;
        entries[last].1 = "garbage".into();
        let mut loaded = load("main", &entries);
        assert!(
            !loaded.blocks_writing(),
            "a damaged chunk alone leaves the rest usable"
        );
        let damaged = StoreKey::parse(&entries[last].0, "main");
        // A new person goes to a fresh chunk, never the damaged one.
        let new = loaded.workspace.place(PersonId::from_random([0xEE; 16]));
        assert_eq!(new, chunks as u32);
        assert_ne!(Some(StoreKey::Records(new)), damaged);
        assert!(!loaded
            .workspace
            .all_keys()
            .contains(&damaged.expect("records key")));
        // Damaged settings, or newer data anywhere, block writing.
        entries[0].1 = "garbage".into();
        assert!(load("main", &entries).blocks_writing());
    }

    #[test]
    fn newer_versions_are_refused_not_read() {
        let ws = practice_ws();
        let current = SETTINGS_DOC.current;
        let text = encode_settings(&ws.settings).replace(
            &format!("\"version\":{current}"),
            &format!("\"version\":{}", current + 1),
        );
        let loaded = load("main", &[("linkwork/main/settings".into(), text)]);
        assert_eq!(
            loaded.problems[0].error,
            FormatError::Newer {
                found: u64::from(current) + 1,
                supported: current
            }
        );
        assert!(loaded.problems[0]
            .error
            .to_string()
            .contains("newer version"));
    }

    #[test]
    fn damaged_values_are_reported_by_key_and_the_rest_still_loads() {
        let ws = crate::work::demo::generate(
            &crate::work::demo::DemoSpec::small(),
            crate::testing::today(),
        );
        let mut entries = stored(&ws, "main");
        assert!(entries.len() >= 3, "demo spans several chunks");
        let i = entries
            .iter()
            .position(|(k, _)| k.contains("/records/"))
            .expect("a records key");
        let damaged_key = entries[i].0.clone();
        let half = entries[i].1.len() / 2;
        entries[i].1.truncate(half);
        let loaded = load("main", &entries);
        assert_eq!(loaded.problems.len(), 1);
        assert_eq!(loaded.problems[0].key, damaged_key);
        assert!(matches!(loaded.problems[0].error, FormatError::NotJson(_)));
        assert!(!loaded.workspace.referrals.is_empty());
        assert!(loaded.workspace.referrals.len() < ws.referrals.len());
    }

    #[test]
    fn wrong_format_missing_version_and_foreign_json_are_named() {
        let cases = [
            ("[1,2]", FormatError::NotLinkwork),
            ("{\"a\":1}", FormatError::NotLinkwork),
            (
                "{\"format\":\"linkwork.records\",\"version\":1}",
                FormatError::WrongFormat {
                    expected: "linkwork.settings",
                    found: "linkwork.records".into(),
                },
            ),
            ("{\"format\":\"linkwork.settings\"}", FormatError::NoVersion),
            (
                "{\"format\":\"linkwork.settings\",\"version\":0}",
                FormatError::NoVersion,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                decode::<SettingsDoc>(&SETTINGS_DOC, text).err(),
                Some(want),
                "{text}"
            );
        }
        assert!(matches!(
            decode::<SettingsDoc>(
                &SETTINGS_DOC,
                "{\"format\":\"linkwork.settings\",\"version\":1}"
            ),
            Err(FormatError::Migration { from: 1, .. })
        ));
        assert!(matches!(
            decode::<SettingsDoc>(
                &SETTINGS_DOC,
                &format!(
                    "{{\"format\":\"linkwork.settings\",\"version\":{}}}",
                    SETTINGS_DOC.current
                )
            ),
            Err(FormatError::Invalid(_))
        ));
    }

    #[test]
    fn a_chunk_stored_under_the_wrong_number_is_refused() {
        let ws = crate::testing::one_referral_ws();
        let text = ws.encode(StoreKey::Records(0));
        let loaded = load("main", &[("linkwork/main/records/5".into(), text)]);
        assert_eq!(loaded.problems.len(), 1);
        assert!(loaded.workspace.referrals.is_empty());
    }

    #[test]
    fn a_referral_copied_into_two_chunks_is_refused_once() {
        let ws = crate::testing::one_referral_ws();
        let text = ws.encode(StoreKey::Records(0));
        let copy = text.replace("\"chunk\":0", "\"chunk\":1");
        let loaded = load(
            "main",
            &[
                ("linkwork/main/records/0".into(), text),
                ("linkwork/main/records/1".into(), copy),
            ],
        );
        assert_eq!(loaded.problems.len(), 1);
        assert_eq!(loaded.problems[0].key, "linkwork/main/records/1");
        assert_eq!(loaded.workspace.referrals.len(), 1);
    }

    #[test]
    fn migrations_run_in_order_up_to_the_current_version() {
        fn add_b(v: &mut Value) -> Result<(), String> {
            v["b"] = Value::from(2);
            Ok(())
        }
        fn double_b(v: &mut Value) -> Result<(), String> {
            let b = v["b"].as_i64().ok_or("b missing")?;
            v["b"] = Value::from(b * 2);
            Ok(())
        }
        const KIND: DocKind = DocKind {
            format: "t",
            current: 3,
            migrations: &[add_b, double_b],
        };
        #[derive(Deserialize, Debug, PartialEq)]
        struct T {
            b: i64,
        }
        assert_eq!(
            decode::<T>(&KIND, "{\"format\":\"t\",\"version\":1}"),
            Ok(T { b: 4 })
        );
        assert_eq!(
            decode::<T>(&KIND, "{\"format\":\"t\",\"version\":2,\"b\":5}"),
            Ok(T { b: 10 })
        );
        assert_eq!(
            decode::<T>(&KIND, "{\"format\":\"t\",\"version\":3,\"b\":5}"),
            Ok(T { b: 5 })
        );
        assert_eq!(
            decode::<T>(&KIND, "{\"format\":\"t\",\"version\":2}"),
            Err(FormatError::Migration {
                from: 2,
                detail: "b missing".into()
            })
        );
    }

    #[test]
    fn chunks_saved_with_the_earlier_capacity_of_100_still_load_and_stay_whole() {
        let mut ws = crate::work::demo::generate(
            &crate::work::demo::DemoSpec::small(),
            crate::testing::today(),
        );
        // As a workspace saved when chunks held 100 people: the first 100 in chunk 0.
        let ids: Vec<PersonId> = ws.people.keys().copied().collect();
        assert!(ids.len() > 100, "the small demo has {} people", ids.len());
        ws.placement.clear();
        for (i, id) in ids.iter().enumerate() {
            ws.placement.insert(*id, u32::from(i >= 100));
        }
        ws.members = Grouped::of(ws.placement.iter().map(|(p, c)| (*c, *p)));
        let entries = stored(&ws, "main");
        let mut loaded = load("main", &entries);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let in_first = |w: &Workspace| w.placement.values().filter(|c| **c == 0).count();
        assert_eq!(
            in_first(&loaded.workspace),
            100,
            "nobody moved out of the big chunk"
        );
        assert_eq!(loaded.workspace.people.len(), ids.len());
        // A new person never joins the big chunk; saving it rewrites it unchanged.
        let new = loaded.workspace.place(PersonId::from_random([0xEE; 16]));
        assert_ne!(new, 0);
        assert_eq!(loaded.workspace.encode_chunk(0), ws.encode_chunk(0));
    }

    #[test]
    fn the_referrals_index_is_trusted_only_while_it_counts_every_referral() {
        let mut ws = crate::work::demo::generate(
            &crate::work::demo::DemoSpec::small(),
            crate::testing::today(),
        );
        let person = *ws.people.keys().next().expect("people");
        let trusted = |ws: &Workspace| ws.by_person.all_of([person], ws.referrals.len()).is_some();
        assert!(trusted(&ws), "the demo keeps the index");
        let loaded = load("main", &stored(&ws, "main")).workspace;
        assert!(trusted(&loaded), "loading builds it");
        // A referral added behind the index's back: not trusted, and still saved.
        let mut extra = ws.referrals.values().next().expect("referrals").clone();
        extra.id = ReferralId::from_random([0xAB; 16]);
        extra.person = person;
        ws.referrals.insert(extra.id, extra.clone());
        assert!(!trusted(&ws));
        let chunk = ws.chunk_of(person).expect("placed");
        assert!(ws.encode_chunk(chunk).contains(&extra.id.0.to_string()));
    }

    #[test]
    fn people_fill_chunks_up_to_capacity() {
        let ws = crate::work::demo::generate(
            &crate::work::demo::DemoSpec::small(),
            crate::testing::today(),
        );
        let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
        for c in ws.placement.values() {
            *counts.entry(*c).or_default() += 1;
        }
        let sizes: Vec<usize> = counts.values().copied().collect();
        let (last, full) = sizes.split_last().expect("at least one chunk");
        assert!(full.iter().all(|n| *n == CHUNK_CAPACITY), "{counts:?}");
        assert!(*last <= CHUNK_CAPACITY);
    }
}
