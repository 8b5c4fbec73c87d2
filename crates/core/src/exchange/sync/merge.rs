//! Two copies of one document, changed on two PCs since they last synced, made into one:
//! records matched by id and merged field by field (the handover merge, with everything
//! shared between the PCs), deterministic whichever PC merges, nothing lost.
//!
//! - A person deleted under the data-rights feature (a tombstone) is dropped from both
//!   copies, whatever either did to them since.
//! - A record only one copy has is new there and kept, unless the common version (when the
//!   server still has it) shows it was removed on the other PC and not changed here since.
//!   Changed here since, it is kept: an edit beats a removal, and the person is told.
//! - Values changed on both PCs are both kept in the record's conflicts, for a person to
//!   choose ("changed on two PCs").

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::exchange::sync::envelope::{decode_gone, encode_gone, SyncKey};
use crate::model::{Person, PersonId, Referral, Workspace};
use crate::store::format::{
    decode, decode_part, encode_doc, encode_part, DocKind, FormatError, StoreKey, DIRECTORY_DOC,
    PRACTICE_WORK_DOC, SETTINGS_DOC, TASKS_DOC,
};
use crate::work::merge::{content_hash, merge, Loose, Mergeable, Side, Whole};

/// A merged document and what the merge found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    /// Records with values changed on both PCs, waiting for a choice (people's references).
    pub conflicted: Vec<String>,
    /// Records removed on one PC but changed on the other, so kept (references).
    pub kept: Vec<String>,
    /// Settings changed on both PCs, settled by taking the later or greater value.
    pub settled: usize,
}

/// Merges `ours` and `theirs` (texts of the same document); `base` is the version both
/// came from when the server still has it. `labels` name the two PCs in any conflict.
/// People in `gone` are dropped. The result reads back through the one decode path.
pub fn merge_texts(
    key: SyncKey,
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    labels: [&str; 2],
    gone: &BTreeSet<PersonId>,
) -> Result<Merged, FormatError> {
    let merged = match key {
        SyncKey::Gone => {
            let mut all = decode_gone(ours)?;
            all.extend(decode_gone(theirs)?);
            Merged {
                text: encode_gone(&all),
                ..Merged::default()
            }
        }
        SyncKey::Store(StoreKey::Records(n)) => merge_part(n, base, ours, theirs, labels, gone)?,
        SyncKey::Store(StoreKey::Settings) => {
            merge_loose(&SETTINGS_DOC, Some("settings"), base, ours, theirs, labels)?
        }
        SyncKey::Store(StoreKey::Directory) => {
            merge_loose(&DIRECTORY_DOC, None, base, ours, theirs, labels)?
        }
        SyncKey::Store(StoreKey::PracticeWork) => {
            merge_loose(&PRACTICE_WORK_DOC, None, base, ours, theirs, labels)?
        }
        SyncKey::Store(StoreKey::Tasks) => {
            merge_loose(&TASKS_DOC, None, base, ours, theirs, labels)?
        }
    };
    if let SyncKey::Store(k) = key {
        Workspace::new().apply_document(k, &merged.text)?;
    }
    Ok(merged)
}

/// Drops the people in `gone` (and their referrals) from a part's text; `None` if none of
/// them is in it.
pub fn without_gone(text: &str, gone: &BTreeSet<PersonId>) -> Result<Option<String>, FormatError> {
    let (n, people, referrals) = decode_part(text)?;
    if !people.iter().any(|p| gone.contains(&p.id))
        && !referrals.iter().any(|r| gone.contains(&r.person))
    {
        return Ok(None);
    }
    let people: Vec<Person> = people
        .into_iter()
        .filter(|p| !gone.contains(&p.id))
        .collect();
    let referrals: Vec<Referral> = referrals
        .into_iter()
        .filter(|r| !gone.contains(&r.person))
        .collect();
    Ok(Some(encode_part(
        n,
        &people.iter().collect::<Vec<_>>(),
        &referrals.iter().collect::<Vec<_>>(),
    )))
}

/// What merging one list of records decided.
struct Listed<T> {
    records: Vec<T>,
    conflicted: Vec<T>,
    kept: Vec<T>,
}

/// Merges two lists of records by id (see the module's description). The result is in id
/// order, as a part is written.
fn merge_list<T, K>(
    base: Option<&[T]>,
    ours: &[T],
    theirs: &[T],
    id: impl Fn(&T) -> K,
    conflicts: impl Fn(&T) -> usize,
    labels: [&str; 2],
) -> Listed<T>
where
    T: Mergeable + PartialEq,
    Whole<T>: Mergeable,
    K: Ord + Copy,
{
    let index = |l: &[T]| -> BTreeMap<K, T> { l.iter().map(|r| (id(r), r.clone())).collect() };
    let (o, t) = (index(ours), index(theirs));
    let b = base.map(index);
    let ids: BTreeSet<K> = o.keys().chain(t.keys()).copied().collect();
    let same = |x: &T, y: &T| content_hash(&Whole(x.clone())) == content_hash(&Whole(y.clone()));
    let mut out = Listed {
        records: Vec::new(),
        conflicted: Vec::new(),
        kept: Vec::new(),
    };
    for k in ids {
        let in_base = b.as_ref().and_then(|b| b.get(&k));
        match (o.get(&k), t.get(&k)) {
            (Some(x), Some(y)) if x == y => out.records.push(x.clone()),
            (Some(x), Some(y)) if same(x, y) => {
                // The same content with different lineages: the longer, so both PCs agree.
                let pick = if (x.lineage().len(), x.lineage()) >= (y.lineage().len(), y.lineage()) {
                    x
                } else {
                    y
                };
                out.records.push(pick.clone());
            }
            (Some(x), Some(y)) => {
                let whole_base = in_base.map(|r| Whole(r.clone()));
                let (wx, wy) = (Whole(x.clone()), Whole(y.clone()));
                let merged = merge(
                    whole_base.as_ref(),
                    Side {
                        label: labels[0],
                        record: &wx,
                    },
                    Side {
                        label: labels[1],
                        record: &wy,
                    },
                )
                .0;
                if conflicts(&merged) > conflicts(x).max(conflicts(y)) {
                    out.conflicted.push(merged.clone());
                }
                out.records.push(merged);
            }
            (Some(only), None) | (None, Some(only)) => match in_base {
                // Removed on the other PC and not changed here since: stays removed.
                Some(was) if same(was, only) => {}
                Some(_) => {
                    out.kept.push(only.clone());
                    out.records.push(only.clone());
                }
                None => out.records.push(only.clone()),
            },
            (None, None) => {}
        }
    }
    out
}

/// Merges two copies of records part `n`.
fn merge_part(
    n: u32,
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    labels: [&str; 2],
    gone: &BTreeSet<PersonId>,
) -> Result<Merged, FormatError> {
    let (on, op, or) = decode_part(ours)?;
    let (tn, tp, tr) = decode_part(theirs)?;
    if on != n || tn != n {
        return Err(FormatError::Invalid(format!(
            "it says it is part {} but is stored as part {}",
            if on == n { tn + 1 } else { on + 1 },
            n + 1
        )));
    }
    let base = base
        .and_then(|b| decode_part(b).ok())
        .filter(|(bn, _, _)| *bn == n);
    let people = merge_list(
        base.as_ref().map(|b| b.1.as_slice()),
        &op,
        &tp,
        |p: &Person| p.id,
        |p| p.conflicts.len(),
        labels,
    );
    let referrals = merge_list(
        base.as_ref().map(|b| b.2.as_slice()),
        &or,
        &tr,
        |r: &Referral| r.id,
        |r| r.conflicts.len(),
        labels,
    );
    // A referral kept (changed here) keeps its person, even one removed on the other PC.
    let mut people_out: Vec<Person> = people.records;
    let mut kept: Vec<String> = people.kept.iter().map(|p| p.reference.clone()).collect();
    for r in &referrals.kept {
        if !people_out.iter().any(|p| p.id == r.person) {
            if let Some(p) = op.iter().chain(&tp).find(|p| p.id == r.person) {
                kept.push(p.reference.clone());
                people_out.push(p.clone());
            }
        }
    }
    people_out.retain(|p| !gone.contains(&p.id));
    people_out.sort_by_key(|p| p.id);
    let present: BTreeSet<PersonId> = people_out.iter().map(|p| p.id).collect();
    let referrals_out: Vec<Referral> = referrals
        .records
        .into_iter()
        .filter(|r| present.contains(&r.person))
        .collect();
    let reference = |id: PersonId| {
        people_out
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.reference.clone())
    };
    let mut conflicted: Vec<String> = people
        .conflicted
        .iter()
        .filter_map(|p| reference(p.id))
        .chain(
            referrals
                .conflicted
                .iter()
                .filter_map(|r| reference(r.person)),
        )
        .collect();
    conflicted.sort();
    conflicted.dedup();
    kept.retain(|r| people_out.iter().any(|p| &p.reference == r));
    kept.sort();
    kept.dedup();
    Ok(Merged {
        text: encode_part(
            n,
            &people_out.iter().collect::<Vec<_>>(),
            &referrals_out.iter().collect::<Vec<_>>(),
        ),
        conflicted,
        kept,
        settled: 0,
    })
}

/// A document's fields, through the one decode path, without its format and version.
fn fields(
    kind: &DocKind,
    inner: Option<&str>,
    text: &str,
) -> Result<Map<String, Value>, FormatError> {
    let mut map: Map<String, Value> = decode(kind, text)?;
    map.remove("format");
    map.remove("version");
    match inner {
        None => Ok(map),
        Some(name) => match map.remove(name) {
            Some(Value::Object(m)) => Ok(m),
            _ => Err(FormatError::Invalid(format!("it has no {name}"))),
        },
    }
}

/// Merges a document that is not records, field by field (one level into `inner`).
fn merge_loose(
    kind: &DocKind,
    inner: Option<&str>,
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    labels: [&str; 2],
) -> Result<Merged, FormatError> {
    let o = Loose::new(fields(kind, inner, ours)?);
    let t = Loose::new(fields(kind, inner, theirs)?);
    let b = base
        .and_then(|b| fields(kind, inner, b).ok())
        .map(Loose::new);
    let mut merged = if o == t {
        o
    } else {
        merge(
            b.as_ref(),
            Side {
                label: labels[0],
                record: &o,
            },
            Side {
                label: labels[1],
                record: &t,
            },
        )
    };
    let settled = match merged.fields.remove("conflicts") {
        Some(Value::Array(list)) => list.len(),
        _ => 0,
    };
    let payload = match inner {
        None => merged.fields,
        Some(name) => {
            let mut outer = Map::new();
            outer.insert(name.to_owned(), Value::Object(merged.fields));
            outer
        }
    };
    Ok(Merged {
        text: encode_doc(kind, &payload),
        settled,
        ..Merged::default()
    })
}
