//! Merging two copies of one record (a person's details, a referral): matched by id, field
//! by field, deterministic, and losing nothing. Handovers use it when records come back
//! after cover; sync between PCs reuses it.
//!
//! Each record keeps a short **lineage**: a hash of its content each time it was exchanged.
//! Comparing the two copies with their lineages says how they relate:
//! - the same content: nothing to do;
//! - ours is an older version of theirs (our current hash is in their lineage): take theirs;
//! - theirs is an older version of ours (a file already received, or handed back twice):
//!   keep ours;
//! - both changed since they parted: merge field by field. A field changed on one side only
//!   (when the common version is known) takes that change; lists of parts with ids
//!   (contacts, notes, tasks…) are matched by id; append-only histories take the longer;
//!   anything else changed in two places keeps both values in a [`Conflict`], shows the
//!   more recently updated one, and waits for a person to choose.

use serde::{de::DeserializeOwned, Serialize};
use serde_json::{Map, Value};

use crate::model::handover::{Conflict, Rev, Variant};
use crate::model::{Person, Referral};

/// Longest lineage kept: older versions beyond it are forgotten (a copy that old compares
/// as changed on both sides, which loses nothing).
pub const MAX_LINEAGE: usize = 64;

/// A record that can be merged.
///
/// Its *local* fields belong to one workspace alone: they are not part of the content,
/// never merged, and kept from our side ([`Mergeable::clear_local`] names them).
pub trait Mergeable: Serialize + DeserializeOwned + Clone {
    /// The versions it was exchanged in, oldest first.
    fn lineage(&self) -> &[Rev];
    /// The same, to change.
    fn lineage_mut(&mut self) -> &mut Vec<Rev>;
    /// Empties the local fields (so the record serialises as its content alone).
    fn clear_local(&mut self);
    /// Takes `other`'s local fields in place of its own.
    fn keep_local(&mut self, other: &Self);
    /// Puts its lists in the order every copy keeps, after a merge.
    fn tidy(&mut self) {}
    /// Whether every removal of an entry made in this version leaves a mark
    /// ([`crate::model::handover::Removed`]). Then an entry one copy lacks is taken out only
    /// by a mark (or, for an entry made before marks, by the common version), never because
    /// a common version that may be wrong had it: a merge never loses an addition.
    fn marks_removals() -> bool {
        false
    }
}

/// Local: the record key (a secret kept from the first copy: never merged, so never shown in
/// a choice between two values), the sender's mark, provenance and lineage.
impl Mergeable for Referral {
    fn lineage(&self) -> &[Rev] {
        &self.lineage
    }
    fn lineage_mut(&mut self) -> &mut Vec<Rev> {
        &mut self.lineage
    }
    fn clear_local(&mut self) {
        self.key = crate::model::RecordKey::default();
        self.handed = None;
        self.arrived = Vec::new();
        self.lineage = Vec::new();
        self.exchanged = None;
    }
    fn keep_local(&mut self, other: &Self) {
        self.key = other.key;
        self.handed.clone_from(&other.handed);
        self.arrived.clone_from(&other.arrived);
        self.lineage.clone_from(&other.lineage);
        self.exchanged.clone_from(&other.exchanged);
    }
    fn tidy(&mut self) {
        Referral::tidy(self);
    }
    fn marks_removals() -> bool {
        true
    }
}

/// Local: the reference (this workspace's name for the person: a colleague may know them by
/// another) and lineage.
impl Mergeable for Person {
    fn lineage(&self) -> &[Rev] {
        &self.lineage
    }
    fn lineage_mut(&mut self) -> &mut Vec<Rev> {
        &mut self.lineage
    }
    fn clear_local(&mut self) {
        self.reference = String::new();
        self.lineage = Vec::new();
    }
    fn keep_local(&mut self, other: &Self) {
        self.reference.clone_from(&other.reference);
        self.lineage.clone_from(&other.lineage);
    }
}

/// A record between two PCs of one workspace: everything is shared content (the reference,
/// the record key, the handover marks), and only the lineage is local.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Whole<T>(pub T);

impl<T: Mergeable> Mergeable for Whole<T> {
    fn lineage(&self) -> &[Rev] {
        self.0.lineage()
    }
    fn lineage_mut(&mut self) -> &mut Vec<Rev> {
        self.0.lineage_mut()
    }
    fn clear_local(&mut self) {
        self.0.lineage_mut().clear();
    }
    fn keep_local(&mut self, other: &Self) {
        *self.0.lineage_mut() = other.0.lineage().to_vec();
    }
    fn tidy(&mut self) {
        self.0.tidy();
    }
    fn marks_removals() -> bool {
        T::marks_removals()
    }
}

/// A document's fields as they are, for merging documents that are not records (the
/// settings, the directory, the workspace's own tasks): lists with ids are matched by id
/// and anything else changed in two places takes the more recent or greater value.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Loose {
    #[serde(flatten)]
    pub fields: Map<String, Value>,
    #[serde(skip)]
    lineage: Vec<Rev>,
}

impl Loose {
    pub fn new(fields: Map<String, Value>) -> Self {
        Self {
            fields,
            lineage: Vec::new(),
        }
    }
}

impl Mergeable for Loose {
    fn lineage(&self) -> &[Rev] {
        &self.lineage
    }
    fn lineage_mut(&mut self) -> &mut Vec<Rev> {
        &mut self.lineage
    }
    fn clear_local(&mut self) {
        self.lineage.clear();
    }
    fn keep_local(&mut self, _: &Self) {}
}

// Records go to and from `Value` through their text: the app already has the code that
// writes and reads them as text (storage), while `to_value`/`from_value` would add a second
// copy of every record type's serde code to the download (about 100 KiB compressed).
fn to_object<T: Serialize>(record: &T) -> Map<String, Value> {
    let text = serde_json::to_string(record)
        .unwrap_or_else(|e| unreachable!("plain data always serialises: {e}"));
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => map,
        _ => unreachable!("records serialise to JSON objects"),
    }
}

/// A record from its fields, through their text (see [`to_object`]).
fn read_object<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, serde_json::Error> {
    serde_json::from_str(&Value::Object(map).to_string())
}

/// The record's content: everything but its local fields.
fn content<T: Mergeable>(record: &T) -> Map<String, Value> {
    let mut bare = record.clone();
    bare.clear_local();
    to_object(&bare)
}

/// A hash of the record's content (its local fields left out): the record serialised
/// without them, which is quick (no intermediate JSON values) and the same everywhere.
pub fn content_hash<T: Mergeable>(record: &T) -> Rev {
    use blake2::Digest;
    let mut bare = record.clone();
    bare.clear_local();
    let text = serde_json::to_vec(&bare)
        .unwrap_or_else(|e| unreachable!("plain data always serialises: {e}"));
    let mut h = blake2::Blake2b512::new();
    h.update(b"linkwork.revision");
    h.update(&text);
    let out = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&out[..8]);
    Rev(u64::from_le_bytes(first))
}

/// Notes the record's current content in its lineage (before it leaves, and after it
/// arrives), unless it is already the latest entry.
pub fn stamp<T: Mergeable>(record: &mut T) {
    let now = content_hash(record);
    stamp_with(record, now);
}

/// [`stamp`], with the content's hash already known.
fn stamp_with<T: Mergeable>(record: &mut T, now: Rev) {
    let lineage = record.lineage_mut();
    if lineage.last() != Some(&now) {
        lineage.retain(|r| *r != now);
        lineage.push(now);
    }
    let over = lineage.len().saturating_sub(MAX_LINEAGE);
    lineage.drain(..over);
}

/// How two copies of one record relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// The same content.
    Same,
    /// Ours is an older version of theirs: theirs replaces it.
    Behind,
    /// Theirs is an older version of ours: nothing to take.
    Ahead,
    /// Both changed since they parted: merged field by field.
    Apart,
}

/// How `ours` relates to `theirs`, from their content and lineages.
pub fn relation<T: Mergeable>(ours: &T, theirs: &T) -> Relation {
    relation_of(ours, theirs, content_hash(ours), content_hash(theirs))
}

/// [`relation`], with both contents' hashes known.
///
/// A content can come round again: merging two copies that each removed a different part,
/// with no common version to say so, keeps both parts, which can be exactly the version both
/// started from. Then each copy's lineage holds the other's content, and the copy whose
/// lineage knows every version the other's does is the later one (the merge, which knows
/// both sides). When neither knows all the other's versions, the two are merged: that
/// loses nothing.
fn relation_of<T: Mergeable>(ours: &T, theirs: &T, o: Rev, t: Rev) -> Relation {
    let knows = |a: &T, b: &T| b.lineage().iter().all(|r| a.lineage().contains(r));
    match (theirs.lineage().contains(&o), ours.lineage().contains(&t)) {
        _ if o == t => Relation::Same,
        (true, false) => Relation::Behind,
        (false, true) => Relation::Ahead,
        (false, false) => Relation::Apart,
        (true, true) => match (knows(ours, theirs), knows(theirs, ours)) {
            (true, false) => Relation::Ahead,
            (false, true) => Relation::Behind,
            _ => Relation::Apart,
        },
    }
}

/// One side of a merge: where the copy was made (a workspace label) and the copy.
#[derive(Debug)]
pub struct Side<'a, T> {
    pub label: &'a str,
    pub record: &'a T,
}

impl<T> Clone for Side<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Side<'_, T> {}

/// The outcome of reconciling our copy with theirs.
#[derive(Clone, Debug, PartialEq)]
pub struct Reconciled<T> {
    pub record: T,
    pub relation: Relation,
    /// Parts that differ from our copy ("status", "contacts/4"): what arrived.
    pub parts: Vec<String>,
}

/// Reconciles our copy of a record with theirs: the rules in the module's description.
/// Our local fields are kept; the lineages are joined and the result stamped.
pub fn reconcile<T: Mergeable>(ours: Side<'_, T>, theirs: Side<'_, T>) -> Reconciled<T> {
    reconcile_from(None, ours, theirs)
}

/// [`reconcile`], with `base` the version our copy was when it was last sent (if kept):
/// used as the common version when both copies' lineages hold it.
pub fn reconcile_from<T: Mergeable>(
    base: Option<&T>,
    ours: Side<'_, T>,
    theirs: Side<'_, T>,
) -> Reconciled<T> {
    let (o, t) = (content_hash(ours.record), content_hash(theirs.record));
    let relation = relation_of(ours.record, theirs.record, o, t);
    // Only a merge needs the common version (hashed only then).
    let common = || {
        base.filter(|b| {
            let h = content_hash(*b);
            ours.record.lineage().contains(&h) && theirs.record.lineage().contains(&h)
        })
    };
    let (mut record, now) = match relation {
        Relation::Same | Relation::Ahead => (ours.record.clone(), Some(o)),
        Relation::Behind => {
            let mut r = theirs.record.clone();
            r.keep_local(ours.record);
            (r, Some(t))
        }
        Relation::Apart => (merge(common(), ours, theirs), None),
    };
    *record.lineage_mut() = joined(ours.record.lineage(), theirs.record.lineage());
    let now = now.unwrap_or_else(|| content_hash(&record));
    stamp_with(&mut record, now);
    let parts = match relation {
        Relation::Same | Relation::Ahead => Vec::new(),
        Relation::Behind | Relation::Apart => changed_parts(ours.record, &record),
    };
    Reconciled {
        record,
        relation,
        parts,
    }
}

fn from_object<T: DeserializeOwned>(map: Map<String, Value>) -> T {
    read_object(map).unwrap_or_else(|e| unreachable!("a merge of two valid records is valid: {e}"))
}

/// Both lineages, each version once, oldest first as far as either says (the copy with the
/// smaller latest version first, so the order does not depend on which side is ours).
fn joined(a: &[Rev], b: &[Rev]) -> Vec<Rev> {
    let (first, second) = if a.last() <= b.last() { (a, b) } else { (b, a) };
    let mut out: Vec<Rev> = Vec::with_capacity(first.len() + second.len());
    for r in first.iter().chain(second) {
        if !out.contains(r) {
            out.push(*r);
        }
    }
    out
}

/// The parts of `after` that differ from `before`: top-level fields by name, and parts of
/// lists with ids as "field/id".
pub fn changed_parts<T: Mergeable>(before: &T, after: &T) -> Vec<String> {
    let (b, a) = (content(before), content(after));
    let mut out = Vec::new();
    let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    for key in keys {
        let (vb, va) = (b.get(key), a.get(key));
        if vb == va {
            continue;
        }
        match (items(vb), items(va)) {
            (Some(ib), Some(ia)) => {
                for (id, v) in &ia {
                    if ib.iter().find(|(i, _)| i == id).map(|(_, w)| w) != Some(v) {
                        out.push(format!("{key}/{}", crate::model::handover::plain(id)));
                    }
                }
            }
            _ => out.push(key.clone()),
        }
    }
    out
}

/// A list of parts with ids, as (id, part) pairs; `None` if the value is not one (an absent
/// value is an empty list).
fn items(v: Option<&Value>) -> Option<Vec<(Value, Value)>> {
    match v {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(list)) => list
            .iter()
            .map(|p| Some((p.as_object()?.get("id")?.clone(), p.clone())))
            .collect(),
        Some(_) => None,
    }
}

/// Merges two copies field by field; `base`, when known, is the version both came from, so
/// a change on one side only is taken. See the module's description for the rules.
pub fn merge<T: Mergeable>(base: Option<&T>, a: Side<'_, T>, b: Side<'_, T>) -> T {
    let base = base.map(content);
    let (ca, cb) = (content(a.record), content(b.record));
    // Which copy shows a value changed in two places: the more recently updated (or, if
    // that ties, the greater), whichever side is ours.
    let a_wins = (updated(&ca), Value::Object(ca.clone()).to_string())
        >= (updated(&cb), Value::Object(cb.clone()).to_string());
    let mut out = Map::new();
    let mut conflicts = Vec::new();
    let removed = removals(&ca, &cb);
    let gone: std::collections::BTreeSet<String> = removed
        .iter()
        .filter_map(|m| Some(m.get("part")?.as_str()?.to_owned()))
        .collect();
    let keys: std::collections::BTreeSet<&String> = ca.keys().chain(cb.keys()).collect();
    for key in keys {
        if key == "conflicts" || key == REMOVED {
            continue;
        }
        let at = |m: &Map<String, Value>| m.get(key).cloned().unwrap_or(Value::Null);
        let (va, vb) = (at(&ca), at(&cb));
        let vbase = base.as_ref().map(at);
        let sides = [(a.label, &va), (b.label, &vb)];
        let marks = T::marks_removals();
        let mut merged = merge_field(key, vbase.as_ref(), sides, a_wins, marks, &mut conflicts);
        // An entry removed on either copy stays removed, whatever the other did to it.
        if let Value::Array(list) = &mut merged {
            list.retain(|part| {
                part.get("id").is_none_or(|id| {
                    !gone.contains(&format!("{key}/{}", crate::model::handover::plain(id)))
                })
            });
        }
        if !merged.is_null() {
            out.insert(key.clone(), merged);
        }
    }
    if !removed.is_empty() {
        out.insert(
            REMOVED.into(),
            Value::Array(removed.into_iter().map(Value::Object).collect()),
        );
    }
    // Each value says when its copy was last changed.
    let days = [(a.label, updated(&ca)), (b.label, updated(&cb))];
    for v in conflicts.iter_mut().flat_map(|c| c.values.iter_mut()) {
        v.on = days
            .iter()
            .find(|(label, _)| *label == v.from)
            .and_then(|(_, at)| at.map(|t| t.date_naive()));
    }
    let mut all = merge_conflicts(base.as_ref(), &ca, &cb, conflicts);
    all.retain(|c| c.item.is_none() || !gone.contains(&c.part()));
    if !all.is_empty() {
        let text = serde_json::to_string(&all).unwrap_or_default();
        out.insert(
            "conflicts".into(),
            serde_json::from_str(&text).unwrap_or_default(),
        );
    }
    // Our local fields stay as they were.
    let mut merged: T = from_object(out);
    merged.keep_local(a.record);
    merged.tidy();
    merged
}

/// The field holding a record's removal marks ([`crate::model::handover::Removed`]).
const REMOVED: &str = "removed";

/// Both copies' removal marks, each entry once (by its part), in part order.
fn removals(a: &Map<String, Value>, b: &Map<String, Value>) -> Vec<Map<String, Value>> {
    let mut all: std::collections::BTreeMap<String, Map<String, Value>> =
        std::collections::BTreeMap::new();
    let marks = [a, b]
        .into_iter()
        .filter_map(|m| m.get(REMOVED)?.as_array())
        .flatten()
        .filter_map(Value::as_object);
    for mark in marks {
        let Some(part) = mark.get("part").and_then(Value::as_str) else {
            continue;
        };
        // The same entry marked on both copies with different details (a booking moved on
        // one before the other took it out): the greater, so every copy keeps the same.
        let text = Value::Object(mark.clone()).to_string();
        match all.get(part) {
            Some(kept) if Value::Object(kept.clone()).to_string().cmp(&text).is_ge() => {}
            _ => {
                all.insert(part.to_owned(), mark.clone());
            }
        }
    }
    all.into_values().collect()
}

/// The record's last-changed time, if it has one, for choosing which value shows.
fn updated(map: &Map<String, Value>) -> Option<chrono::DateTime<chrono::Utc>> {
    map.get("updated")
        .and_then(Value::as_str)
        .and_then(|t| t.parse().ok())
}

fn merge_field(
    key: &str,
    base: Option<&Value>,
    [(la, va), (lb, vb)]: [(&str, &Value); 2],
    a_wins: bool,
    marks: bool,
    conflicts: &mut Vec<Conflict>,
) -> Value {
    if va == vb {
        return va.clone();
    }
    // Lists of entries with ids are merged entry by entry.
    let mut lists = match (items(Some(va)), items(Some(vb))) {
        (Some(ia), Some(ib)) if !ia.is_empty() || !ib.is_empty() => Some((ia, ib)),
        _ => None,
    };
    let mut by_id = |(ia, ib)| {
        let ibase = base.and_then(|b| items(Some(b)));
        Value::Array(merge_items(
            key,
            ibase,
            ia,
            ib,
            [la, lb],
            a_wins,
            marks,
            conflicts,
        ))
    };
    // Where removals leave marks, before the whole field is compared with the common
    // version: an entry one copy lacks is not taken as removed just because that version
    // had it.
    if marks {
        if let Some(both) = lists.take() {
            return by_id(both);
        }
    }
    if let Some(base) = base {
        if va == base {
            return vb.clone();
        }
        if vb == base {
            return va.clone();
        }
    }
    if key == "updated" {
        let later = |v: &Value| {
            v.as_str()
                .and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok())
        };
        return if later(va) >= later(vb) {
            va.clone()
        } else {
            vb.clone()
        };
    }
    if let Some(both) = lists {
        return by_id(both);
    }
    if let (Value::Array(xa), Value::Array(xb)) = (va, vb) {
        // An append-only history: one copy only added to the other's.
        if xb.starts_with(xa) {
            return vb.clone();
        }
        if xa.starts_with(xb) {
            return va.clone();
        }
        // A log of entries stamped with when they were made (the edit history): every
        // entry of both, in time order. Choosing between them would delete history.
        if let Some(log) = log_union(xa, xb) {
            return Value::Array(log);
        }
    }
    conflicts.push(conflict(key, None, [(la, va), (lb, vb)]));
    if a_wins {
        va.clone()
    } else {
        vb.clone()
    }
}

/// Both logs' entries, each once, ordered by their `at` time (then their text), if every
/// entry is a timestamped log entry (an object with an `at` and no `id`).
fn log_union(a: &[Value], b: &[Value]) -> Option<Vec<Value>> {
    let stamp = |v: &Value| -> Option<String> {
        let o = v.as_object().filter(|o| !o.contains_key("id"))?;
        let at = o
            .get("at")?
            .as_str()?
            .parse::<chrono::DateTime<chrono::Utc>>()
            .ok()?;
        Some(at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true))
    };
    let mut all: Vec<(String, String, Value)> = a
        .iter()
        .chain(b)
        .map(|v| Some((stamp(v)?, v.to_string(), v.clone())))
        .collect::<Option<_>>()?;
    all.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    all.dedup_by(|x, y| x.1 == y.1);
    Some(all.into_iter().map(|(_, _, v)| v).collect())
}

/// Both values in a fixed order, so the conflict is the same whichever side is ours.
fn conflict(field: &str, item: Option<Value>, sides: [(&str, &Value); 2]) -> Conflict {
    let mut values: Vec<Variant> = sides
        .iter()
        .map(|(from, value)| Variant {
            from: (*from).to_owned(),
            on: None,
            value: (*value).clone(),
        })
        .collect();
    values.sort_by_cached_key(|v| (v.value.to_string(), v.from.clone()));
    Conflict {
        field: field.to_owned(),
        item,
        sub: None,
        values,
    }
}

/// Parts of a list matched by id. A part only one side has was added there (kept) or, when
/// the common version had it unchanged, removed there (dropped). The order is the longer
/// copy's, if it holds the other's in order, or else by id.
#[allow(clippy::too_many_arguments)]
fn merge_items(
    key: &str,
    base: Option<Vec<(Value, Value)>>,
    a: Vec<(Value, Value)>,
    b: Vec<(Value, Value)>,
    [la, lb]: [&str; 2],
    a_wins: bool,
    marks: bool,
    conflicts: &mut Vec<Conflict>,
) -> Vec<Value> {
    let ids = |l: &[(Value, Value)]| l.iter().map(|(i, _)| i.clone()).collect::<Vec<_>>();
    let (ida, idb) = (ids(&a), ids(&b));
    let order = if is_subsequence(&ida, &idb) {
        idb
    } else if is_subsequence(&idb, &ida) {
        ida
    } else {
        let mut all: Vec<Value> = ida.into_iter().chain(idb).collect();
        all.sort_by(|x, y| match (x.as_u64(), y.as_u64()) {
            (Some(p), Some(q)) => p.cmp(&q),
            _ => x.to_string().cmp(&y.to_string()),
        });
        all.dedup();
        all
    };
    let find =
        |l: &[(Value, Value)], id: &Value| l.iter().find(|(i, _)| i == id).map(|(_, v)| v.clone());
    let mut out = Vec::with_capacity(order.len());
    let mut extra = Vec::new();
    for id in order {
        let (pa, pb) = (find(&a, &id), find(&b, &id));
        let pbase = base.as_ref().and_then(|l| find(l, &id));
        let part = match (pa, pb) {
            (Some(pa), Some(pb)) => {
                if pa == pb || pbase.as_ref() == Some(&pb) {
                    Some(pa)
                } else if pbase.as_ref() == Some(&pa) {
                    Some(pb)
                } else if two_entries(key, &id, base.is_some() && pbase.is_none()) {
                    // Two different entries under one old number (made on two copies before
                    // ids were unique): both are kept, the greater under a new id that every
                    // copy gives it.
                    let (first, second) = if pa.to_string().cmp(&pb.to_string()).is_le() {
                        (pa, pb)
                    } else {
                        (pb, pa)
                    };
                    extra.push(reidentified(second));
                    Some(first)
                } else if let Some(both) = merge_entry(
                    key,
                    &id,
                    pbase.as_ref(),
                    [(la, &pa), (lb, &pb)],
                    a_wins,
                    conflicts,
                ) {
                    Some(both)
                } else {
                    conflicts.push(conflict(key, Some(id.clone()), [(la, &pa), (lb, &pb)]));
                    Some(if a_wins { pa } else { pb })
                }
            }
            // Removed on the other side, unchanged here: stays removed. Where removals leave
            // marks, only an entry made before them is judged so (the marks do the rest).
            (Some(p), None) | (None, Some(p))
                if pbase.as_ref() == Some(&p) && !(marks && made_with_marks(&id)) =>
            {
                None
            }
            (Some(p), None) | (None, Some(p)) => Some(p),
            (None, None) => None,
        };
        out.extend(part);
    }
    out.extend(extra);
    out
}

/// Whether the entry's id was made since removals leave marks (a UUIDv7, see
/// [`crate::model::ids`]).
fn made_with_marks(id: &Value) -> bool {
    id.as_str()
        .and_then(|t| uuid::Uuid::parse_str(t).ok())
        .is_some_and(|u| u.get_version_num() == 7)
}

/// Whether two different entries with the same id in list `key` are two entries, not one
/// changed in two places: only ever for an id made from an old number ([`crate::model::ids`]),
/// when the common version did not have it (`added`: both copies added it), or in a list
/// whose entries never change once made (consent answers).
fn two_entries(key: &str, id: &Value, added: bool) -> bool {
    let old = id
        .as_str()
        .and_then(|t| uuid::Uuid::parse_str(t).ok())
        .and_then(crate::model::ids::legacy_number)
        .is_some();
    old && (added || key == "consent")
}

/// The entry under an id made from its content (so the same on every copy), sorting with
/// the old numbered entries.
fn reidentified(mut entry: Value) -> Value {
    use blake2::Digest;
    let mut h = blake2::Blake2b512::new();
    h.update(b"linkwork.entry");
    h.update(entry.to_string().as_bytes());
    let out = h.finalize();
    let mut bytes = [0u8; 16];
    bytes[8..16].copy_from_slice(&out[..8]);
    let id = uuid::Builder::from_custom_bytes(bytes).into_uuid();
    if let Some(obj) = entry.as_object_mut() {
        obj.insert("id".into(), Value::String(id.to_string()));
    }
    entry
}

/// One entry changed on both copies since their common version (`base`), merged field by
/// field: a field changed on one side takes that change; one changed differently on both
/// waits for a choice (a [`Conflict`] naming the entry and the field). `None` without a
/// common version, or if the entries are not records with fields.
fn merge_entry(
    key: &str,
    id: &Value,
    base: Option<&Value>,
    [(la, pa), (lb, pb)]: [(&str, &Value); 2],
    a_wins: bool,
    conflicts: &mut Vec<Conflict>,
) -> Option<Value> {
    let (Value::Object(base), Value::Object(oa), Value::Object(ob)) = (base?, pa, pb) else {
        return None;
    };
    let fields: std::collections::BTreeSet<&String> = oa.keys().chain(ob.keys()).collect();
    let mut out = Map::new();
    for field in fields {
        let at = |m: &Map<String, Value>| m.get(field).cloned().unwrap_or(Value::Null);
        let (fa, fb, fbase) = (at(oa), at(ob), at(base));
        let value = if fa == fb || fbase == fb {
            fa
        } else if fbase == fa {
            fb
        } else {
            let mut c = conflict(key, Some(id.clone()), [(la, &fa), (lb, &fb)]);
            c.sub = Some(field.clone());
            conflicts.push(c);
            if a_wins {
                fa
            } else {
                fb
            }
        };
        if !value.is_null() {
            out.insert(field.clone(), value);
        }
    }
    Some(Value::Object(out))
}

/// Whether every element of `short` appears in `long`, in the same order.
fn is_subsequence(short: &[Value], long: &[Value]) -> bool {
    let mut rest = long.iter();
    short.iter().all(|x| rest.any(|y| y == x))
}

/// The conflicts already on either copy and the new ones, each once, in a fixed order. One
/// resolved on a side since the common version (when known) stays resolved.
fn merge_conflicts(
    base: Option<&Map<String, Value>>,
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    new: Vec<Conflict>,
) -> Vec<Conflict> {
    let read = |m: &Map<String, Value>| -> Vec<Conflict> {
        m.get("conflicts")
            .and_then(|v| serde_json::from_str(&v.to_string()).ok())
            .unwrap_or_default()
    };
    let (ka, kb) = (read(a), read(b));
    let kbase = base.map(read).unwrap_or_default();
    let mut all: Vec<Conflict> = ka
        .iter()
        .chain(&kb)
        .filter(|c| !kbase.contains(c) || (ka.contains(c) && kb.contains(c)))
        .cloned()
        .chain(new)
        .collect();
    all.sort_by_cached_key(|c| serde_json::to_string(c).unwrap_or_default());
    all.dedup();
    all
}

/// Why a choice in a conflict could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChoiceError {
    #[error("That choice is no longer waiting: someone may have made it already.")]
    NoSuchConflict,
    #[error("That value cannot be used here (the file it came in may have been damaged). Choose the other one.")]
    Unusable,
}

/// Settles a conflict on `record` by keeping the value at `choice` (an index into the
/// conflict's values): the field (or part) takes it and the conflict is gone.
pub fn choose<T: Mergeable>(
    record: &T,
    conflict: &Conflict,
    choice: usize,
    conflicts_of: impl Fn(&mut T) -> &mut Vec<Conflict>,
) -> Result<T, ChoiceError> {
    let value = conflict
        .values
        .get(choice)
        .ok_or(ChoiceError::NoSuchConflict)?
        .value
        .clone();
    let mut current = record.clone();
    let list = conflicts_of(&mut current);
    let at = list
        .iter()
        .position(|c| c == conflict)
        .ok_or(ChoiceError::NoSuchConflict)?;
    list.remove(at);
    let mut map = to_object(&current);
    match &conflict.item {
        None => {
            map.insert(conflict.field.clone(), value);
        }
        Some(id) => {
            let mut parts = match map.remove(&conflict.field) {
                Some(Value::Array(parts)) => parts,
                _ => Vec::new(),
            };
            let found = parts.iter_mut().find(|p| p.get("id") == Some(id));
            match (found, &conflict.sub) {
                (Some(Value::Object(entry)), Some(field)) => {
                    if value.is_null() {
                        entry.remove(field);
                    } else {
                        entry.insert(field.clone(), value);
                    }
                }
                // The entry was removed since: a choice about one of its fields changes
                // nothing (and never brings it back).
                (None, Some(_)) | (Some(_), Some(_)) => {}
                (Some(p), None) => *p = value,
                (None, None) => parts.push(value),
            }
            map.insert(conflict.field.clone(), Value::Array(parts));
        }
    }
    if map.get(&conflict.field).is_some_and(Value::is_null) {
        map.remove(&conflict.field);
    }
    read_object(map).map_err(|_| ChoiceError::Unusable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::diary::{Task, TaskId};
    use crate::model::{
        Choice, Contact, ContactId, ContactOutcome, PracticeId, ReferralStatus, StatusChange,
    };
    use crate::testing::arb_referral;
    use proptest::prelude::*;

    /// One change a link worker could make to a referral.
    #[derive(Clone, Debug)]
    enum Edit {
        Notes(String),
        Status(ReferralStatus),
        AddContact(u32, String),
        ContactMinutes(usize, u32),
        RemoveContact(usize),
        AddTask(String),
        TaskDone(usize),
        Goals(Vec<String>),
        Touch(i64),
        Log(String, i64),
    }

    fn arb_edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            ".{0,12}".prop_map(Edit::Notes),
            proptest::sample::select(ReferralStatus::ALL).prop_map(Edit::Status),
            (1u32..300, "[a-z ]{0,10}").prop_map(|(m, n)| Edit::AddContact(m, n)),
            (0usize..6, 1u32..300).prop_map(|(i, m)| Edit::ContactMinutes(i, m)),
            (0usize..6).prop_map(Edit::RemoveContact),
            "[a-z ]{1,10}".prop_map(Edit::AddTask),
            (0usize..4).prop_map(Edit::TaskDone),
            proptest::collection::vec("[a-z]{1,6}", 0..3).prop_map(Edit::Goals),
            (1i64..100_000).prop_map(Edit::Touch),
            ("[A-Za-z]{1,6}", 1i64..100_000).prop_map(|(by, s)| Edit::Log(by, s)),
        ]
    }

    fn apply(r: &mut Referral, edit: &Edit) {
        let day = r.referral_date;
        match edit {
            Edit::Notes(n) => r.notes = n.clone(),
            Edit::Status(s) => {
                r.status = *s;
                r.history.push(StatusChange {
                    status: *s,
                    date: day,
                });
            }
            Edit::AddContact(minutes, note) => {
                let id = ContactId::new();
                r.contacts.push(Contact {
                    id,
                    date: day,
                    mode: "telephone".into(),
                    minutes: *minutes,
                    outcome: ContactOutcome::Attended,
                    note: note.clone(),
                });
            }
            Edit::ContactMinutes(i, m) => {
                let n = r.contacts.len();
                if n > 0 {
                    r.contacts[i % n].minutes = *m;
                }
            }
            Edit::RemoveContact(i) => {
                let n = r.contacts.len();
                if n > 0 {
                    let gone = r.contacts.remove(i % n);
                    r.mark_removed(crate::model::handover::Removed::part("contacts", gone.id));
                }
            }
            Edit::AddTask(text) => {
                let id = TaskId::new();
                r.tasks.push(Task {
                    id,
                    text: text.clone(),
                    due: None,
                    done: None,
                });
            }
            Edit::TaskDone(i) => {
                let n = r.tasks.len();
                if n > 0 {
                    r.tasks[i % n].done = Some(day);
                }
            }
            Edit::Goals(g) => r.goals = g.clone(),
            Edit::Touch(secs) => r.updated += chrono::Duration::seconds(*secs),
            Edit::Log(by, secs) => r.edits.push(crate::model::audit::FactEdit {
                at: r.updated + chrono::Duration::seconds(*secs),
                by: by.clone(),
                field: "Notes".into(),
                from: String::new(),
                to: by.clone(),
            }),
        }
    }

    fn edited(base: &Referral, edits: &[Edit]) -> Referral {
        let mut r = base.clone();
        for e in edits {
            apply(&mut r, e);
        }
        r
    }

    prop_compose! {
        /// A referral as it might be stored (ids unique within its lists), stamped as sent.
        fn arb_sent()(mut r in arb_referral(vec![PracticeId::from_random([1; 16])], vec![crate::model::PersonId::from_random([2; 16])])) -> Referral {
            let mut seen = std::collections::BTreeSet::new();
            r.contacts.retain(|c| seen.insert(c.id));
            r.tidy();
            r.lineage.clear();
            stamp(&mut r);
            r
        }
    }

    fn side<'a>(label: &'a str, record: &'a Referral) -> Side<'a, Referral> {
        Side { label, record }
    }

    /// A list's entries less those removed (marked in `removed`).
    fn without_removed(
        key: &str,
        value: &Value,
        removed: &[crate::model::handover::Removed],
    ) -> Value {
        match value {
            Value::Array(list) => Value::Array(
                list.iter()
                    .filter(|e| {
                        e.get("id").is_none_or(|id| {
                            let part = format!("{key}/{}", crate::model::handover::plain(id));
                            !removed.iter().any(|m| m.part == part)
                        })
                    })
                    .cloned()
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Whether `value` of field `key` (from one copy) survives in `merged`: as the field's
    /// value, within a longer history, part by part, or among a conflict's values.
    fn kept(key: &str, value: &Value, merged: &Map<String, Value>, conflicts: &[Conflict]) -> bool {
        let now = merged.get(key).cloned().unwrap_or(Value::Null);
        let in_conflict = |item: Option<&Value>, v: &Value| {
            conflicts.iter().any(|c| {
                c.field == key && c.item.as_ref() == item && c.values.iter().any(|x| &x.value == v)
            })
        };
        if &now == value || in_conflict(None, value) || key == "updated" {
            return true;
        }
        if let (Value::Array(long), Value::Array(short)) = (&now, value) {
            if short.iter().all(|x| long.contains(x)) {
                return true;
            }
        }
        match (items(Some(value)), items(Some(&now))) {
            (Some(parts), Some(now_parts)) => parts.iter().all(|(id, p)| {
                now_parts.iter().any(|(i, q)| i == id && q == p) || in_conflict(Some(id), p)
            }),
            _ => false,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// A record merged with itself is unchanged.
        #[test]
        fn merging_a_copy_with_itself_changes_nothing(r in arb_sent()) {
            let got = reconcile(side("A", &r), side("B", &r));
            prop_assert_eq!(got.relation, Relation::Same);
            prop_assert_eq!(content(&got.record), content(&r));
            prop_assert!(got.parts.is_empty());
            prop_assert_eq!(merge(None, side("A", &r), side("B", &r)), r);
        }

        /// Changes made in two places merge to the same record whichever side is ours.
        #[test]
        fn merging_is_the_same_whichever_side_starts(
            base in arb_sent(),
            ea in proptest::collection::vec(arb_edit(), 1..5),
            eb in proptest::collection::vec(arb_edit(), 1..5),
        ) {
            let (a, b) = (edited(&base, &ea), edited(&base, &eb));
            let ab = reconcile(side("A", &a), side("B", &b)).record;
            let ba = reconcile(side("B", &b), side("A", &a)).record;
            prop_assert_eq!(content(&ab), content(&ba));
            let mut la = ab.lineage.clone();
            let mut lb = ba.lineage.clone();
            la.sort();
            lb.sort();
            prop_assert_eq!(la, lb);
            // With the common version known too.
            let ab = merge(Some(&base), side("A", &a), side("B", &b));
            let ba = merge(Some(&base), side("B", &b), side("A", &a));
            prop_assert_eq!(content(&ab), content(&ba));
        }

        /// Without the common version, every value either copy had is still in the merge:
        /// in the record, or kept in a conflict for a person to choose, unless a copy
        /// removed it (its mark is then in the merge).
        #[test]
        fn merging_loses_nothing(
            base in arb_sent(),
            ea in proptest::collection::vec(arb_edit(), 1..5),
            eb in proptest::collection::vec(arb_edit(), 1..5),
        ) {
            let (a, b) = (edited(&base, &ea), edited(&base, &eb));
            let m = merge(None, side("A", &a), side("B", &b));
            let merged = content(&m);
            for copy in [&a, &b] {
                for (key, value) in content(copy) {
                    if key == "conflicts" {
                        continue;
                    }
                    let value = without_removed(&key, &value, &m.removed);
                    prop_assert!(kept(&key, &value, &merged, &m.conflicts), "{key} = {value} lost");
                }
            }
        }

        /// Merging again with either copy changes nothing more, and the same file received
        /// twice is recognised.
        #[test]
        fn merging_again_changes_nothing(
            base in arb_sent(),
            ea in proptest::collection::vec(arb_edit(), 1..5),
            eb in proptest::collection::vec(arb_edit(), 1..5),
        ) {
            let (mut a, mut b) = (edited(&base, &ea), edited(&base, &eb));
            stamp(&mut a);
            stamp(&mut b);
            let m = reconcile(side("A", &a), side("B", &b)).record;
            for copy in [&a, &b] {
                let again = reconcile(side("A", &m), side("B", copy));
                prop_assert!(matches!(again.relation, Relation::Ahead | Relation::Same), "{:?}", again.relation);
                prop_assert_eq!(content(&again.record), content(&m));
                prop_assert!(again.parts.is_empty());
            }
        }

        /// A record handed back after cover replaces the copy kept here: every change made
        /// during cover arrives, removals included, with no conflict; an older file is then
        /// recognised as older.
        #[test]
        fn a_handback_updates_instead_of_duplicating(
            sent in arb_sent(),
            cover in proptest::collection::vec(arb_edit(), 1..6),
        ) {
            let mut back = edited(&sent, &cover);
            stamp(&mut back);
            let got = reconcile(side("A", &sent), side("B", &back));
            prop_assert!(matches!(got.relation, Relation::Behind | Relation::Same));
            prop_assert_eq!(content(&got.record), content(&back));
            prop_assert!(got.record.conflicts.is_empty());
            prop_assert_eq!(got.record.contacts.len(), back.contacts.len());
            let stale = reconcile(side("A", &got.record), side("B", &sent));
            prop_assert!(matches!(stale.relation, Relation::Ahead | Relation::Same));
            prop_assert_eq!(content(&stale.record), content(&back));
        }

        /// With the common version known, changes made on one side only are simply taken.
        #[test]
        fn changes_on_one_side_are_taken_without_asking(
            base in arb_sent(),
            ea in proptest::collection::vec(arb_edit(), 1..5),
        ) {
            let mut a = edited(&base, &ea);
            a.tidy();
            let m = merge(Some(&base), side("A", &base), side("B", &a));
            prop_assert_eq!(content(&m), content(&a));
        }
    }

    /// Two copies each removed a different contact. Without the common version the merge
    /// keeps both removals (their marks); merging again with either copy must still see the
    /// merge as the later one, not take that copy back.
    #[test]
    fn a_merge_that_restores_the_starting_version_stays_ahead_of_both_copies() {
        let ws = crate::testing::one_referral_ws();
        let mut base = ws.referrals.values().next().expect("one").clone();
        base.contacts.clear();
        let mut base = edited(
            &base,
            &[
                Edit::AddContact(10, String::new()),
                Edit::AddContact(20, String::new()),
                Edit::AddContact(30, String::new()),
            ],
        );
        base.lineage.clear();
        stamp(&mut base);
        let (mut a, mut b) = (
            edited(&base, &[Edit::RemoveContact(0)]),
            edited(&base, &[Edit::RemoveContact(1)]),
        );
        stamp(&mut a);
        stamp(&mut b);
        let m = reconcile(side("A", &a), side("B", &b));
        assert_eq!(m.relation, Relation::Apart);
        // Each removal left a mark, so both stay removed without the common version.
        let left: Vec<u32> = m.record.contacts.iter().map(|c| c.minutes).collect();
        assert_eq!(left, [30], "neither removed contact comes back");
        for copy in [&a, &b] {
            let again = reconcile(side("A", &m.record), side("B", copy));
            assert_eq!(again.relation, Relation::Ahead);
            assert_eq!(again.record.contacts.len(), 1);
            let back = reconcile(side("B", copy), side("A", &m.record));
            assert_eq!(back.relation, Relation::Behind);
            assert_eq!(content(&back.record), content(&m.record));
        }
    }

    #[test]
    fn a_field_changed_in_two_places_keeps_both_and_a_choice_settles_it() {
        let ws = crate::testing::one_referral_ws();
        let mut base = ws.referrals.values().next().expect("one").clone();
        stamp(&mut base);
        let (mut a, mut b) = (base.clone(), base.clone());
        a.notes = "Lives alone".into();
        b.notes = "Daughter visits weekly".into();
        b.updated += chrono::Duration::minutes(5);
        let got = reconcile(side("Sam", &a), side("Jo", &b));
        assert_eq!(got.relation, Relation::Apart);
        let r = got.record;
        assert_eq!(r.notes, "Daughter visits weekly", "the later change shows");
        assert_eq!(r.conflicts.len(), 1);
        let c = &r.conflicts[0];
        assert_eq!(c.part(), "notes");
        let froms: Vec<&str> = c.values.iter().map(|v| v.from.as_str()).collect();
        assert_eq!(froms, ["Jo", "Sam"]);
        let pick = c
            .values
            .iter()
            .position(|v| v.from == "Sam")
            .expect("Sam's");
        let settled = choose(&r, c, pick, |r| &mut r.conflicts).expect("chosen");
        assert_eq!(settled.notes, "Lives alone");
        assert!(settled.conflicts.is_empty());
        assert_eq!(
            choose(&settled, c, pick, |r| &mut r.conflicts),
            Err(ChoiceError::NoSuchConflict),
            "a choice already made is not made twice"
        );
    }

    #[test]
    fn a_contact_changed_in_two_places_is_one_part_in_conflict_and_new_ones_are_both_kept() {
        let ws = crate::testing::one_referral_ws();
        let mut base = ws.referrals.values().next().expect("one").clone();
        apply(&mut base, &Edit::AddContact(30, "first".into()));
        stamp(&mut base);
        let (mut a, mut b) = (base.clone(), base.clone());
        apply(&mut a, &Edit::ContactMinutes(0, 45));
        apply(&mut b, &Edit::ContactMinutes(0, 60));
        apply(&mut b, &Edit::AddTask("Chase the housing team".into()));
        apply(&mut a, &Edit::AddTask("Book the walking group".into()));
        let r = reconcile(side("Sam", &a), side("Jo", &b)).record;
        assert_eq!(r.contacts.len(), 1, "matched by id, not duplicated");
        // The two new tasks are two entries, each with its own id: both kept, no choice.
        let tasks: Vec<&str> = r.tasks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(tasks, ["Chase the housing team", "Book the walking group"]);
        let parts: Vec<String> = r.conflicts.iter().map(Conflict::part).collect();
        let contact = r.contacts[0].id;
        assert_eq!(parts, [format!("contacts/{contact}")], "{:?}", r.conflicts);
        // Choosing a value for a part replaces that part only.
        let c = r
            .conflicts
            .iter()
            .find(|c| c.field == "contacts")
            .expect("contacts");
        let at = c.values.iter().position(|v| v.from == "Jo").expect("Jo's");
        let settled = choose(&r, c, at, |r| &mut r.conflicts).expect("chosen");
        assert_eq!(settled.contacts[0].minutes, 60);
        assert!(settled.conflicts.is_empty());
        assert_eq!(settled.tasks.len(), 2, "choosing never deletes an entry");
    }

    #[test]
    fn edit_histories_from_both_sides_are_kept_whole_in_time_order() {
        let ws = crate::testing::one_referral_ws();
        let mut base = ws.referrals.values().next().expect("one").clone();
        stamp(&mut base);
        let edit = |by: &str, minutes: i64| crate::model::audit::FactEdit {
            at: base.updated + chrono::Duration::minutes(minutes),
            by: by.into(),
            field: "What matters to them".into(),
            from: String::new(),
            to: format!("{by}'s words"),
        };
        let (mut a, mut b) = (base.clone(), base.clone());
        a.edits.push(edit("Sam", 5));
        b.edits.push(edit("Jo", 2));
        for (ours, theirs) in [(&a, &b), (&b, &a)] {
            let got = reconcile(side("A", ours), side("B", theirs)).record;
            let by: Vec<&str> = got.edits.iter().map(|e| e.by.as_str()).collect();
            assert_eq!(by, ["Jo", "Sam"]);
            assert!(
                got.conflicts.iter().all(|c| c.field != "edits"),
                "{:?}",
                got.conflicts
            );
        }
    }

    #[test]
    fn the_record_key_is_never_merged_nor_offered_as_a_choice() {
        let ws = crate::testing::one_referral_ws();
        let mut base = ws.referrals.values().next().expect("one").clone();
        stamp(&mut base);
        let (mut a, mut b) = (base.clone(), base.clone());
        a.notes = "here".into();
        b.notes = "there".into();
        b.key = crate::model::RecordKey(42);
        for (ours, theirs) in [(&a, &b), (&b, &a)] {
            let got = reconcile(side("A", ours), side("B", theirs)).record;
            assert_eq!(got.key, ours.key, "our own key stays");
            assert!(
                got.conflicts.iter().all(|c| c.field != "key"),
                "{:?}",
                got.conflicts
            );
        }
    }

    #[test]
    fn a_damaged_value_in_a_conflict_is_refused_not_applied() {
        let ws = crate::testing::one_referral_ws();
        let mut r = ws.referrals.values().next().expect("one").clone();
        let c = Conflict {
            field: "status".into(),
            item: None,
            sub: None,
            values: vec![Variant {
                from: "X".into(),
                on: None,
                value: Value::from("on_the_moon"),
            }],
        };
        r.conflicts.push(c.clone());
        assert_eq!(
            choose(&r, &c, 0, |r| &mut r.conflicts),
            Err(ChoiceError::Unusable)
        );
    }

    /// The cover case: Sam and Jo each add entries to the same person's record, Jo records
    /// that the person withdrew GP sharing (dated later than Sam's "codes only"). Merged in
    /// either order, every entry is there once, nothing waits for a choice, and the answer in
    /// force is Jo's withdrawal.
    #[test]
    fn two_copies_adding_entries_keep_all_of_them_and_the_later_consent_is_in_force() {
        use crate::model::consent::{ConsentAnswer, GpShare};
        use crate::work::diary::{NoteDraft, TaskOwner};
        let mut sam = crate::testing::one_referral_ws();
        let id = *sam.referrals.keys().next().expect("one");
        if let Some(r) = sam.referrals.get_mut(&id) {
            stamp(r);
        }
        let mut jo = sam.clone();
        let today = crate::testing::today();
        let consent = crate::work::consent::gp_answer;
        let task = crate::work::diary::task;
        sam.add_task(TaskOwner::Referral(id), &task("Sam's task"))
            .expect("task");
        sam.record_consent(id, &consent("2026-11-20", ConsentAnswer::CodesOnly), today)
            .expect("consent");
        jo.add_contact(
            id,
            &crate::work::journey::ContactDraft {
                date: "2026-11-21".into(),
                mode: "telephone".into(),
                minutes: "0".into(),
                // Not attended: a first attended contact would make the episode active on
                // Jo's copy only, and without the version handed over that is a choice.
                outcome: ContactOutcome::DidNotAttend,
                note: String::new(),
            },
            today,
        )
        .expect("contact");
        jo.add_task(TaskOwner::Referral(id), &task("Jo's task"))
            .expect("task");
        jo.add_case_note(
            id,
            &NoteDraft {
                date: "2026-11-21".into(),
                kind: crate::model::diary::NoteKind::Note,
                minutes: String::new(),
                text: "Jo's note".into(),
            },
            today,
        )
        .expect("note");
        jo.record_consent(id, &consent("2026-11-21", ConsentAnswer::No), today)
            .expect("withdrawal");
        let (s, j) = (&sam.referrals[&id], &jo.referrals[&id]);
        let one = reconcile(side("Sam", s), side("Jo", j)).record;
        let other = reconcile(side("Jo", j), side("Sam", s)).record;
        assert_eq!(
            content(&one),
            content(&other),
            "the same whichever receives"
        );
        let tasks: Vec<&str> = one.tasks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(tasks, ["Sam's task", "Jo's task"]);
        assert_eq!(one.contacts.len(), 1);
        assert_eq!(one.case_notes.len(), 1);
        assert_eq!(one.consent.len(), 2, "both answers kept, none deleted");
        assert!(one.conflicts.is_empty(), "{:?}", one.conflicts);
        assert_eq!(
            one.gp_share(),
            GpShare::Nothing,
            "the withdrawal is in force"
        );
    }

    /// Two answers given on the same day: the one recorded later is in force, on every copy.
    #[test]
    fn the_same_day_the_answer_recorded_later_is_in_force_whichever_arrives_first() {
        use crate::model::consent::{ConsentAbout, ConsentAnswer, ConsentHow, GpShare};
        use crate::work::consent::ConsentDraft;
        let mut a = crate::testing::one_referral_ws();
        let id = *a.referrals.keys().next().expect("one");
        let mut b = a.clone();
        let draft = |answer| ConsentDraft {
            date: "2026-11-21".into(),
            about: ConsentAbout::GpInformation,
            answer,
            how: ConsentHow::Verbal,
        };
        let today = crate::testing::today();
        a.record_consent(id, &draft(ConsentAnswer::Yes), today)
            .expect("first");
        b.record_consent(id, &draft(ConsentAnswer::No), today)
            .expect("recorded later");
        let (ra, rb) = (&a.referrals[&id], &b.referrals[&id]);
        for merged in [
            reconcile(side("A", ra), side("B", rb)).record,
            reconcile(side("B", rb), side("A", ra)).record,
        ] {
            assert_eq!(merged.gp_share(), GpShare::Nothing);
        }
    }
}
