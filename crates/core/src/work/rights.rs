//! The person's data rights (UK GDPR) as rules: deleting everything held about one person,
//! and how long an ended episode is kept before it is reviewed, to delete or keep.
//!
//! Nothing is ever deleted on its own: the retention listing only says what is due for
//! review, and the link worker decides. A record is reviewed as a whole, because a person
//! is deleted as a whole: it is due once every episode of the person has ended and the
//! retention period has passed since each ended (care has ended for that long). A decision
//! to keep it holds for a year ([`KEPT_FOR_YEARS`]); then it is listed again.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Months, NaiveDate};

use crate::model::audit::KeptPastRetention;
use crate::model::diary::Task;
use crate::model::directory::{Resource, ResourceId};
use crate::model::lists::Lists;
use crate::model::practice_work::PracticeWork;
use crate::model::{Grouped, PersonId, Referral, ReferralId, ReferralStatus, Workspace};
use crate::store::format::StoreKey;

/// Longest reason for keeping a record past the retention period, in characters.
pub const MAX_KEPT_REASON: usize = 200;
/// Years a decision to keep a record past the retention period holds before it is
/// reviewed again.
pub const KEPT_FOR_YEARS: u32 = 1;
/// What stands in for a deleted person's reference where workspace-wide notes named them.
pub const DELETED_PERSON: &str = "[person deleted]";
/// Shortest reference that is looked for in workspace-wide notes: a shorter one would
/// match ordinary words.
pub const MIN_REFERENCE_TO_REDACT: usize = 3;

/// Why a person could not be deleted or a record kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RightsError {
    NoSuchPerson,
    NoSuchReferral,
    /// Only an ended episode can be kept past the retention period.
    NotEnded,
    ReasonMissing,
    ReasonTooLong,
}

impl fmt::Display for RightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchPerson => f.write_str(
                "That person is no longer in the workspace: their record may have been deleted already.",
            ),
            Self::NoSuchReferral => f.write_str("That referral is no longer in the workspace."),
            Self::NotEnded => f.write_str(
                "This episode has not ended, so it is not due for review. Close it first.",
            ),
            Self::ReasonMissing => {
                f.write_str("Say why the record is kept, for example \u{201c}complaint open\u{201d}.")
            }
            Self::ReasonTooLong => write!(
                f,
                "Keep the reason to {MAX_KEPT_REASON} characters or fewer."
            ),
        }
    }
}

impl std::error::Error for RightsError {}

/// The day an episode ended: closed, declined, or needing more than social prescribing.
/// `None` while it is open.
pub fn ended_on(r: &Referral, lists: &Lists) -> Option<NaiveDate> {
    r.ending(lists)
        .map(|(date, _)| date)
        .or_else(|| (r.status == ReferralStatus::Closed).then(|| r.status_since()))
}

/// The day an ended episode's retention period is over: `years` after it ended. `None`
/// while it is open, or when `years` is 0 (never reviewed).
pub fn retention_due(r: &Referral, lists: &Lists, years: u32) -> Option<NaiveDate> {
    if years == 0 {
        return None;
    }
    let ended = ended_on(r, lists)?;
    Some(
        ended
            .checked_add_months(Months::new(years.saturating_mul(12)))
            .unwrap_or(NaiveDate::MAX),
    )
}

/// Whether a decision to keep this episode still holds on `today`.
pub fn kept_holds(r: &Referral, today: NaiveDate) -> bool {
    r.kept.as_ref().is_some_and(|k| {
        k.date
            .checked_add_months(Months::new(KEPT_FOR_YEARS * 12))
            .is_none_or(|until| today < until)
    })
}

impl Workspace {
    /// Whether a person's whole record is due for review on `today`: every episode has
    /// ended, the retention period has passed since each ended, and no decision to keep it
    /// still holds. A person with no episodes is not listed.
    pub fn record_due_for_review(&self, person: PersonId, today: NaiveDate) -> bool {
        let lists = &self.settings.lists;
        let years = self.settings.retention_years;
        let episodes = self.referrals_of(person);
        !episodes.is_empty()
            && episodes.iter().all(|r| {
                retention_due(r, lists, years).is_some_and(|due| due <= today)
                    && !kept_holds(r, today)
            })
    }

    /// Records the decision to keep an ended episode past the retention period, and why.
    /// It is listed for review again a year on. Returns the chunk to save.
    pub fn keep_past_retention(
        &mut self,
        referral: ReferralId,
        reason: &str,
        today: NaiveDate,
    ) -> Result<u32, RightsError> {
        let lists = &self.settings.lists;
        let r = self
            .referrals
            .get(&referral)
            .ok_or(RightsError::NoSuchReferral)?;
        if ended_on(r, lists).is_none() {
            return Err(RightsError::NotEnded);
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(RightsError::ReasonMissing);
        }
        if reason.chars().count() > MAX_KEPT_REASON {
            return Err(RightsError::ReasonTooLong);
        }
        let person = r.person;
        if let Some(r) = self.referrals.get_mut(&referral) {
            r.kept = Some(KeptPastRetention {
                date: today,
                reason: reason.to_owned(),
            });
        }
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Deletes a person and every episode of theirs (contacts, appointments, tasks, notes,
    /// risks, consent, plan, measures, feedback, history), and puts [`DELETED_PERSON`] in
    /// place of their reference wherever the workspace's own notes name it (see
    /// [`Workspace::mentions_of`]). Directory entries stay: they describe organisations.
    ///
    /// Returns the stored documents to write again (each with [`Workspace::encode`]): the
    /// person's chunk, even when it is now empty, and any of the others that changed.
    /// Copies made before (backups, exported files) are not reached.
    pub fn delete_person(&mut self, person: PersonId) -> Result<Vec<StoreKey>, RightsError> {
        let reference = self
            .people
            .get(&person)
            .ok_or(RightsError::NoSuchPerson)?
            .reference
            .clone();
        let mut keys: Vec<StoreKey> = self
            .drop_person(person)
            .map(StoreKey::Records)
            .into_iter()
            .collect();
        let mut changed = Vec::new();
        each_note(
            &mut self.tasks,
            &mut self.practice_work,
            &mut self.directory,
            |key, _, text| {
                if redact(text, &reference) && !changed.contains(&key) {
                    changed.push(key);
                }
            },
        );
        keys.extend(changed);
        Ok(keys)
    }
}

impl Workspace {
    /// Takes a person and all their episodes out of the workspace (and nothing else). Gives
    /// the chunk they were stored in, to write again.
    pub(crate) fn drop_person(&mut self, person: PersonId) -> Option<u32> {
        self.people.remove(&person)?;
        let chunk = self.placement.remove(&person);
        self.referrals.retain(|_, r| r.person != person);
        self.by_person = Grouped::of(self.referrals.values().map(|r| (r.person, r.id)));
        self.members = Grouped::of(self.placement.iter().map(|(p, c)| (*c, *p)));
        chunk
    }
}

/// Whether `text` names `reference` as a whole word, ignoring case (references shorter
/// than [`MIN_REFERENCE_TO_REDACT`] are never looked for).
pub fn mentions(text: &str, reference: &str) -> bool {
    replaced(text, reference, "").is_some()
}

/// Puts [`DELETED_PERSON`] in place of each mention of `reference` in `text`. Says whether
/// anything changed.
fn redact(text: &mut String, reference: &str) -> bool {
    match replaced(text, reference, DELETED_PERSON) {
        Some(out) => {
            *text = out;
            true
        }
        None => false,
    }
}

/// `text` with each mention of `reference` as a whole word, ignoring case, replaced by
/// `with`; `None` if there is none.
fn replaced(text: &str, reference: &str, with: &str) -> Option<String> {
    let wanted: Vec<char> = reference.trim().chars().collect();
    if wanted.len() < MIN_REFERENCE_TO_REDACT {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let same = |a: char, b: char| a == b || a.to_lowercase().eq(b.to_lowercase());
    let in_word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        let end = i + wanted.len();
        let here = end <= chars.len()
            && chars[i..end].iter().zip(&wanted).all(|(a, b)| same(*a, *b))
            && !(i > 0 && in_word(chars.get(i - 1)))
            && !in_word(chars.get(end));
        if here {
            out.push_str(with);
            changed = true;
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    changed.then_some(out)
}

/// A note outside the person's record that names them by reference.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Mention {
    /// Where it is, in words.
    pub place: String,
    pub text: String,
}

/// Visits every free text of the workspace's own documents (its tasks, practice and
/// community work, and directory notes) with the document it is stored in and where it
/// is, in words.
fn each_note(
    tasks: &mut [Task],
    work: &mut PracticeWork,
    directory: &mut BTreeMap<ResourceId, Resource>,
    mut visit: impl FnMut(StoreKey, String, &mut String),
) {
    let day = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    for t in tasks {
        visit(
            StoreKey::Tasks,
            "The link worker's own to-do list".into(),
            &mut t.text,
        );
    }
    for a in &mut work.activities {
        let place = format!("A note of practice or community work, {}", day(a.date));
        visit(StoreKey::PracticeWork, place.clone(), &mut a.note);
        visit(StoreKey::PracticeWork, place, &mut a.organisation);
    }
    for c in &mut work.checkins {
        let place = format!("A practice check-in, {}", day(c.date));
        for text in [
            &mut c.competing,
            &mut c.helped,
            &mut c.got_in_the_way,
            &mut c.changes.note,
        ] {
            visit(StoreKey::PracticeWork, place.clone(), text);
        }
    }
    for r in directory.values_mut() {
        let place = format!("The link worker's notes on {} in the directory", r.name);
        visit(StoreKey::Directory, place, &mut r.notes);
    }
}

impl Workspace {
    /// The notes outside a person's record that name them by reference: the workspace's
    /// own tasks, practice and community work, and directory notes. Part of what is held
    /// about them, so part of their copy; deleting them takes their reference out of these.
    pub fn mentions_of(&self, person: PersonId) -> Vec<Mention> {
        let Some(p) = self.people.get(&person) else {
            return Vec::new();
        };
        let (mut tasks, mut work, mut directory) = (
            self.tasks.clone(),
            self.practice_work.clone(),
            self.directory.clone(),
        );
        let mut found = Vec::new();
        each_note(&mut tasks, &mut work, &mut directory, |_, place, text| {
            if mentions(text, &p.reference) {
                found.push(Mention {
                    place,
                    text: text.clone(),
                });
            }
        });
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::format::load_workspace;
    use crate::testing::{rich_ws, today};

    /// Every document a workspace stores, plus any chunk named in `extra`, as stored.
    fn stored(ws: &Workspace, extra: &[StoreKey]) -> Vec<(String, String)> {
        let mut keys = ws.all_keys();
        keys.extend([
            StoreKey::Settings,
            StoreKey::Directory,
            StoreKey::PracticeWork,
            StoreKey::Tasks,
        ]);
        keys.extend_from_slice(extra);
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .map(|k| (k.name("main"), ws.encode(k)))
            .collect()
    }

    fn reload(docs: &[(String, String)]) -> Workspace {
        let loaded = load_workspace("main", docs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        loaded.workspace
    }

    /// Every text in a referral as stored that carries `marker`: its free texts.
    fn marked_texts(r: &Referral, marker: &str) -> Vec<String> {
        fn walk(v: &serde_json::Value, marker: &str, out: &mut Vec<String>) {
            match v {
                serde_json::Value::String(s) if s.contains(marker) => out.push(s.clone()),
                serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, marker, out)),
                serde_json::Value::Object(map) => map.values().for_each(|i| walk(i, marker, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(
            &serde_json::to_value(r).expect("serialises"),
            marker,
            &mut out,
        );
        out
    }

    #[test]
    fn deletion_leaves_no_trace_in_any_stored_document() {
        let (ws, [gone, kept]) = rich_ws();
        // Through storage first, so the workspace is as the app holds it.
        let mut ws = reload(&stored(&ws, &[]));
        let r = ws.referrals[&gone].clone();
        let person = r.person;
        let texts = marked_texts(&r, "alpha");
        assert!(texts.len() >= 20, "the referral is rich: {texts:?}");
        let other_before = ws.referrals[&kept].clone();
        let before: String = stored(&ws, &[]).into_iter().map(|(_, d)| d).collect();
        let before = before.to_lowercase();
        let keys = ws.delete_person(person).expect("deleted");
        assert_eq!(
            keys,
            [
                StoreKey::Records(0),
                StoreKey::Tasks,
                StoreKey::PracticeWork,
                StoreKey::Directory
            ]
        );
        let docs = stored(&ws, &keys);
        let mut traces = vec![
            "rv-0001".to_owned(),
            person.to_string(),
            gone.to_string(),
            format!("{:016x}", r.key.0),
        ];
        traces.extend(texts);
        for trace in &traces {
            let trace = trace.to_lowercase();
            assert!(before.contains(&trace), "{trace:?} was stored before");
        }
        for (key, doc) in &docs {
            let doc = doc.to_lowercase();
            for trace in &traces {
                let trace = trace.to_lowercase();
                assert!(!doc.contains(&trace), "{trace:?} is still in {key}");
            }
        }
        // The other person is intact, and so are mentions of someone else.
        let back = reload(&docs);
        assert_eq!(back.referrals.len(), 1);
        assert_eq!(back.referrals[&kept], other_before);
        assert_eq!(back.people.len(), 1);
        assert_eq!(back.reference_of(other_before.person), "RV-0002");
        assert!(!back.people.contains_key(&person));
        assert_eq!(
            back.practice_work.activities[0].note,
            "Discussed [person deleted] at the team meeting"
        );
        assert_eq!(
            back.tasks[0].text,
            "Ask the housing team about [person deleted] and the damp"
        );
        assert_eq!(back.directory.len(), 1, "the organisation stays");
        // The derived indexes were rebuilt: they are trusted and agree with the records.
        assert_eq!(
            ws.by_person
                .all_of([other_before.person], ws.referrals.len()),
            Some(vec![kept])
        );
        assert_eq!(
            ws.members.all_of([0], ws.placement.len()),
            Some(vec![other_before.person])
        );
        assert_eq!(ws.delete_person(person), Err(RightsError::NoSuchPerson));
    }

    #[test]
    fn a_person_alone_in_their_chunk_leaves_it_empty_and_new_people_still_fit() {
        let (mut ws, [gone, _]) = rich_ws();
        let person = ws.referrals[&gone].person;
        // Move them to a chunk of their own, as an older workspace might have them.
        ws.placement.insert(person, 1);
        ws.members = Grouped::of(ws.placement.iter().map(|(p, c)| (*c, *p)));
        let keys = ws.delete_person(person).expect("deleted");
        assert_eq!(keys[0], StoreKey::Records(1));
        assert!(!ws.all_keys().contains(&StoreKey::Records(1)));
        let emptied = ws.encode(StoreKey::Records(1));
        assert!(!emptied.contains("alpha") && !emptied.contains("RV-0001"));
        let back = reload(&stored(&ws, &keys));
        assert_eq!(back.people.len(), 1);
        let mut ws = back;
        let newcomer = PersonId::from_random([99; 16]);
        let chunk = ws.place(newcomer);
        assert!(chunk <= 1, "no chunk is skipped");
    }

    #[test]
    fn notes_elsewhere_that_name_the_person_are_found() {
        let (ws, [a, b]) = rich_ws();
        let found = ws.mentions_of(ws.referrals[&a].person);
        let places: Vec<&str> = found.iter().map(|m| m.place.as_str()).collect();
        assert_eq!(
            places,
            [
                "The link worker's own to-do list",
                "A note of practice or community work, 21 November 2026",
                "The link worker's notes on Riverside Walking Group in the directory"
            ]
        );
        assert_eq!(
            found[0].text,
            "Ask the housing team about rv-0001 and the damp"
        );
        assert!(ws.mentions_of(ws.referrals[&b].person).is_empty());
    }

    #[test]
    fn a_short_reference_is_not_looked_for_in_ordinary_words() {
        let mut text = "Ask A about the room".to_owned();
        assert!(!redact(&mut text, "A"));
        let mut text = "Call RV-1 and rv-1, not RV-10".to_owned();
        assert!(redact(&mut text, "RV-1"));
        assert_eq!(
            text,
            "Call [person deleted] and [person deleted], not RV-10"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
        #[test]
        fn deleting_anyone_keeps_everyone_else_exactly(ws in crate::testing::arb_workspace(), pick in 0usize..1000) {
            let mut ws = reload(&stored(&ws, &[]));
            let person = *ws.people.keys().nth(pick % ws.people.len()).expect("a person");
            let theirs: Vec<ReferralId> = ws.referrals_of(person).iter().map(|r| r.id).collect();
            let mut expected = ws.clone();
            expected.people.remove(&person);
            expected.placement.remove(&person);
            expected.referrals.retain(|_, r| r.person != person);
            let keys = ws.delete_person(person).expect("deleted");
            let docs = stored(&ws, &keys);
            for (_, doc) in &docs {
                proptest::prop_assert!(!doc.contains(&person.to_string()));
                for id in &theirs {
                    proptest::prop_assert!(!doc.contains(&id.to_string()));
                }
            }
            let back = reload(&docs);
            proptest::prop_assert_eq!(&back.people, &expected.people);
            proptest::prop_assert_eq!(&back.referrals, &expected.referrals);
        }
    }

    fn closed_on(ws: &mut Workspace, id: ReferralId, y: i32, m: u32, d: u32) {
        let date = NaiveDate::from_ymd_opt(y, m, d).expect("valid");
        let r = ws.referrals.get_mut(&id).expect("referral");
        r.kept = None;
        r.status = ReferralStatus::Closed;
        r.closure = Some(crate::model::Closure {
            date,
            reason: "complete".into(),
        });
    }

    #[test]
    fn a_record_is_due_for_review_the_retention_period_after_its_last_episode_ended() {
        let (mut ws, [a, b]) = rich_ws();
        closed_on(&mut ws, a, 2018, 11, 21);
        closed_on(&mut ws, b, 2018, 11, 22);
        let pa = ws.referrals[&a].person;
        let pb = ws.referrals[&b].person;
        assert_eq!(ws.settings.retention_years, 8);
        assert!(ws.record_due_for_review(pa, today()), "8 years to the day");
        assert!(!ws.record_due_for_review(pb, today()), "a day short");
        // A second, later episode holds the whole record back: deleting is per person.
        let mut later = ws.referrals[&a].clone();
        later.id = ReferralId::from_random([77; 16]);
        later.status = ReferralStatus::Active;
        later.closure = None;
        ws.referrals.insert(later.id, later);
        assert!(!ws.record_due_for_review(pa, today()));
        ws.referrals
            .retain(|_, r| r.status != ReferralStatus::Active);
        // Never, when the retention period is 0.
        ws.settings.retention_years = 0;
        assert!(!ws.record_due_for_review(pa, today()));
    }

    #[test]
    fn keeping_a_record_needs_a_reason_and_holds_for_a_year() {
        let (mut ws, [a, _]) = rich_ws();
        closed_on(&mut ws, a, 2010, 1, 4);
        let person = ws.referrals[&a].person;
        assert!(ws.record_due_for_review(person, today()));
        assert_eq!(
            ws.keep_past_retention(a, "  ", today()),
            Err(RightsError::ReasonMissing)
        );
        assert_eq!(
            ws.keep_past_retention(a, &"x".repeat(MAX_KEPT_REASON + 1), today()),
            Err(RightsError::ReasonTooLong)
        );
        ws.keep_past_retention(a, " Complaint still open ", today())
            .expect("kept");
        let kept = ws.referrals[&a].kept.clone().expect("kept");
        assert_eq!(
            (kept.date, kept.reason.as_str()),
            (today(), "Complaint still open")
        );
        assert!(!ws.record_due_for_review(person, today()));
        let next_year = today() + chrono::Duration::days(364);
        assert!(!ws.record_due_for_review(person, next_year));
        assert!(ws.record_due_for_review(person, next_year + chrono::Duration::days(1)));
        // Only an ended episode can be kept.
        ws.referrals.get_mut(&a).expect("one").status = ReferralStatus::Active;
        assert_eq!(
            ws.keep_past_retention(a, "Complaint", today()),
            Err(RightsError::NotEnded)
        );
        assert!(RightsError::ReasonMissing.to_string().contains("Say why"));
    }
}
