//! Handing people over to a colleague (when leaving, or for cover) and receiving them back.
//!
//! The sender gathers everything about the chosen people: their details, every episode with
//! all its parts, the practices and list entries those use, and the directory entries they
//! are connected to. People who withdrew consent to be supported are left out, and the
//! sender is told. The sender's copies are then marked "handed over to … on …": read-only,
//! out of the open caseload, until they come back.
//!
//! The receiver's workspace takes them through [`Workspace::receive`], which works on a copy
//! and says what it would do before anything is written. Records are matched by id, never
//! by reference: the same person handed back updates their record (see [`crate::work::merge`]
//! for how two copies of one record become one), and a different person who happens to
//! have the same reference is kept apart under a new one, with a note.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::directory::{Resource, ResourceId};
use crate::model::handover::{Arrival, HandedOver, Provenance};
use crate::model::lists::{ListItem, ListKind};
use crate::model::{
    normalise_reference, Person, PersonId, Practice, PracticeId, Referral, Workspace,
};
use crate::store::format::StoreKey;
use crate::work::merge::{reconcile, reconcile_from, stamp, Mergeable, Reconciled, Relation, Side};

/// Everything a handover carries (sealed inside the file).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    /// The sender's workspace label.
    pub from: String,
    /// The sender's workspace id (random, nothing personal): a workspace does not receive
    /// its own handover.
    pub sender: String,
    /// Who it was meant for, as the sender typed it.
    pub to: String,
    pub made: DateTime<Utc>,
    pub people: Vec<Person>,
    pub referrals: Vec<Referral>,
    /// The practices those referrals belong to.
    pub practices: Vec<Practice>,
    /// The sender's list entries that the records use, by list.
    pub lists: BTreeMap<String, Vec<ListItem>>,
    /// The directory entries the people are connected to (without the sender's own notes).
    pub resources: Vec<Resource>,
}

/// This workspace, as a handover names it: its label and its id.
#[derive(Clone, Copy, Debug)]
pub struct Me<'a> {
    pub label: &'a str,
    pub workspace: &'a str,
}

/// Which people to hand over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choose {
    /// These people.
    People(Vec<PersonId>),
    /// Everyone on the open caseload at this practice.
    Practice(PracticeId),
    /// Everyone on the open caseload.
    Caseload,
}

/// A handover ready to seal, and what the sender should be told.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    pub handover: Handover,
    /// References of people left out because they withdrew consent to be supported.
    pub left_out: Vec<String>,
}

/// Why a handover could not be made or received.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HandoverError {
    #[error("Choose at least one person to hand over.")]
    NobodyChosen,
    #[error("Type who it is for: your colleague's name or workspace label.")]
    NoRecipient,
    #[error("Keep who it is for to {0} characters or fewer.")]
    RecipientTooLong(usize),
    #[error(
        "Everyone chosen has withdrawn consent to be supported, so there is nobody to hand over."
    )]
    AllWithdrew,
    #[error("{0} is already handed over. Receive them back before handing them on.")]
    AlreadyHandedOver(String),
    #[error("The handover file is damaged: {0}. Nothing was changed. Ask your colleague to make the file again.")]
    Damaged(String),
    #[error(
        "This handover came from this workspace: open it in your colleague's workspace instead."
    )]
    FromHere,
    #[error("Something changed in the workspace since the preview. Nothing was changed: check the file again.")]
    Changed,
}

/// Longest label for who a handover is for.
pub const MAX_RECIPIENT: usize = 80;

impl Workspace {
    /// The people a choice means, in reference order: for a practice or the caseload, those
    /// with an open episode still on the caseload.
    pub fn chosen_people(&self, choose: &Choose) -> Vec<PersonId> {
        let open_at = |practice: Option<PracticeId>| -> Vec<PersonId> {
            let ids: BTreeSet<PersonId> = self
                .referrals
                .values()
                .filter(|r| r.on_caseload() && practice.is_none_or(|p| r.practice == p))
                .map(|r| r.person)
                .collect();
            ids.into_iter().collect()
        };
        let mut people = match choose {
            Choose::People(ids) => ids
                .iter()
                .copied()
                .filter(|id| self.people.contains_key(id))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            Choose::Practice(p) => open_at(Some(*p)),
            Choose::Caseload => open_at(None),
        };
        crate::model::order::sort_by_key(&mut people, |p| {
            normalise_reference(self.reference_of(*p))
        });
        people
    }

    /// Gathers a handover of `people` for `to`, made by `from` (this workspace's label). The
    /// copies leaving are stamped with their version (see [`crate::work::merge`]); nothing
    /// here changes until [`Workspace::mark_handed`].
    pub fn prepare_handover(
        &self,
        people: &[PersonId],
        from: Me<'_>,
        to: &str,
        now: DateTime<Utc>,
    ) -> Result<Outgoing, HandoverError> {
        let to = to.trim();
        if to.is_empty() {
            return Err(HandoverError::NoRecipient);
        }
        if to.chars().count() > MAX_RECIPIENT {
            return Err(HandoverError::RecipientTooLong(MAX_RECIPIENT));
        }
        if people.is_empty() {
            return Err(HandoverError::NobodyChosen);
        }
        let mut out = Handover {
            from: from.label.to_owned(),
            sender: from.workspace.to_owned(),
            to: to.to_owned(),
            made: now,
            people: Vec::new(),
            referrals: Vec::new(),
            practices: Vec::new(),
            lists: BTreeMap::new(),
            resources: Vec::new(),
        };
        let mut left_out = Vec::new();
        for id in people {
            let Some(person) = self.people.get(id) else {
                continue;
            };
            let referrals = self.referrals_of(*id);
            if referrals.iter().any(|r| r.handed.is_some()) {
                return Err(HandoverError::AlreadyHandedOver(person.reference.clone()));
            }
            if referrals.last().is_some_and(|r| r.support_withdrawn()) {
                left_out.push(person.reference.clone());
                continue;
            }
            let mut p = person.clone();
            stamp(&mut p);
            out.people.push(p);
            for r in referrals {
                let mut r = r.clone();
                r.arrived.clear();
                stamp(&mut r);
                out.referrals.push(r);
            }
        }
        if out.people.is_empty() {
            return Err(HandoverError::AllWithdrew);
        }
        let practices: BTreeSet<PracticeId> = out.referrals.iter().map(|r| r.practice).collect();
        out.practices = practices
            .iter()
            .filter_map(|p| self.settings.practice(*p).cloned())
            .collect();
        let resources: BTreeSet<ResourceId> = out
            .referrals
            .iter()
            .flat_map(|r| r.connections.iter().filter_map(|c| c.resource))
            .collect();
        out.resources = resources
            .iter()
            .filter_map(|id| self.directory.get(id))
            .map(|r| Resource {
                notes: String::new(),
                ..r.clone()
            })
            .collect();
        let used = used_list_items(&out.referrals, &out.resources);
        for kind in ListKind::ALL {
            let items: Vec<ListItem> = self
                .settings
                .lists
                .get(kind)
                .iter()
                .filter(|i| used.contains(&(kind, i.id.as_str())))
                .cloned()
                .collect();
            if !items.is_empty() {
                out.lists.insert(kind.code().to_owned(), items);
            }
        }
        Ok(Outgoing {
            handover: out,
            left_out,
        })
    }

    /// Marks what was handed over: each referral sent is read-only here from now on, marked
    /// "handed over to <to> on <on>", with the version that left noted in its lineage.
    /// Gives the chunks to save.
    pub fn mark_handed(&mut self, handover: &Handover, on: NaiveDate) -> BTreeSet<u32> {
        let mut chunks = BTreeSet::new();
        for sent in &handover.referrals {
            if let Some(r) = self.referrals.get_mut(&sent.id) {
                r.handed = Some(HandedOver {
                    to: handover.to.clone(),
                    on,
                });
                r.lineage = sent.lineage.clone();
                let mut kept = sent.clone();
                kept.clear_local();
                r.exchanged = Some(Box::new(kept));
            }
        }
        for sent in &handover.people {
            if let Some(p) = self.people.get_mut(&sent.id) {
                p.lineage = sent.lineage.clone();
            }
            chunks.extend(self.chunk_of(sent.id));
        }
        chunks
    }

    /// People whose episodes are all handed over, in reference order: the ones the sender
    /// may remove.
    pub fn handed_over_people(&self) -> Vec<PersonId> {
        let mut people: Vec<PersonId> = self
            .people
            .keys()
            .copied()
            .filter(|p| {
                let refs = self.referrals_of(*p);
                !refs.is_empty() && refs.iter().all(|r| r.handed.is_some())
            })
            .collect();
        crate::model::order::sort_by_key(&mut people, |p| {
            normalise_reference(self.reference_of(*p))
        });
        people
    }

    /// Takes people handed over back without a handback: for a file that never reached the
    /// colleague, or was made by mistake. Their episodes are editable and on the caseload
    /// again. If the colleague did receive it and changes things, their handback later
    /// merges as "changed in two places": nothing is lost. Gives the chunks to save.
    pub fn take_back(&mut self, people: &[PersonId]) -> BTreeSet<u32> {
        let mut chunks = BTreeSet::new();
        for p in people {
            let ids: Vec<_> = self.referrals_of(*p).iter().map(|r| r.id).collect();
            for id in ids {
                if let Some(r) = self.referrals.get_mut(&id).filter(|r| r.handed.is_some()) {
                    r.handed = None;
                    chunks.extend(self.placement.get(p).copied());
                }
            }
        }
        chunks
    }

    /// Removes people handed over (and kept, until now, read-only) from this workspace. Only
    /// people whose episodes are all handed over are removed. Gives the stored documents to
    /// write again.
    pub fn remove_handed(&mut self, people: &[PersonId]) -> Vec<StoreKey> {
        let handed = self.handed_over_people();
        let mut keys = BTreeSet::new();
        for p in people.iter().filter(|p| handed.contains(p)) {
            if let Some(chunk) = self.drop_person(*p) {
                keys.insert(chunk);
            }
        }
        keys.into_iter().map(StoreKey::Records).collect()
    }

    /// What receiving `handover` would do, worked out on a copy of this workspace: the
    /// preview and the workspace it would become. `me` is this workspace's label (for the
    /// values shown when a record changed in two places).
    pub fn receive(
        &self,
        handover: &Handover,
        me: Me<'_>,
        today: NaiveDate,
    ) -> Result<Received, HandoverError> {
        check(handover)?;
        if handover.sender == me.workspace {
            return Err(HandoverError::FromHere);
        }
        let me = me.label;
        let mut ws = self.clone();
        let mut preview = Preview {
            from: handover.from.clone(),
            made: handover.made,
            ..Preview::default()
        };
        let mut chunks = BTreeSet::new();
        // Practices: the same id, or else the same name, or else added.
        let mut practice_map = BTreeMap::new();
        for p in &handover.practices {
            let local = ws.settings.practice(p.id).map(|l| l.id).or_else(|| {
                ws.settings
                    .practices
                    .iter()
                    .find(|l| l.name.trim().eq_ignore_ascii_case(p.name.trim()))
                    .map(|l| l.id)
            });
            let id = match local {
                Some(id) => id,
                None => {
                    preview.new_practices.push(p.name.clone());
                    ws.settings.practices.push(Practice {
                        retired: false,
                        ..p.clone()
                    });
                    p.id
                }
            };
            practice_map.insert(p.id, id);
        }
        // List entries the records use that this workspace does not have: added.
        for (code, items) in &handover.lists {
            let Some(kind) = ListKind::ALL.into_iter().find(|k| k.code() == code) else {
                continue;
            };
            for item in items {
                if !ws.settings.lists.contains(kind, &item.id) {
                    preview
                        .new_list_items
                        .push(format!("{}: {}", kind.title(), item.label));
                    ws.settings.lists.get_mut(kind).push(ListItem {
                        retired: false,
                        ..item.clone()
                    });
                }
            }
        }
        // Directory entries: kept as they are here, or added.
        for r in &handover.resources {
            if let std::collections::btree_map::Entry::Vacant(e) = ws.directory.entry(r.id) {
                preview.new_resources += 1;
                e.insert(r.clone());
            }
        }
        let arrived = |arrival, parts: Vec<String>, note: &str| Provenance {
            from: handover.from.clone(),
            on: today,
            arrival,
            parts,
            note: note.to_owned(),
        };
        // Each person's referrals in the file, and the references in use here (by their
        // comparable form), looked up once rather than for every person.
        let mut of_person: BTreeMap<PersonId, Vec<&Referral>> = BTreeMap::new();
        for r in &handover.referrals {
            of_person.entry(r.person).or_default().push(r);
        }
        let mut in_use: BTreeMap<String, String> = ws
            .people
            .values()
            .map(|p| (normalise_reference(&p.reference), p.reference.clone()))
            .collect();
        for incoming in &handover.people {
            let theirs_refs = of_person.remove(&incoming.id).unwrap_or_default();
            let mut shown = PersonPreview {
                person: incoming.id,
                reference: incoming.reference.clone(),
                their_reference: incoming.reference.clone(),
                what: What::New,
                referrals: theirs_refs.len(),
                note: String::new(),
            };
            let mut touched = false;
            let mut note = String::new();
            match ws.people.get(&incoming.id).cloned() {
                Some(ours) => {
                    shown.reference = ours.reference.clone();
                    let got = arriving(me, &ours, &handover.from, incoming);
                    touched |= got.relation != Relation::Same && got.relation != Relation::Ahead;
                    ws.people.insert(incoming.id, got.record);
                    shown.what = What::Known(got.relation);
                }
                None => {
                    let mut person = incoming.clone();
                    if let Some(other) = in_use.get(&normalise_reference(&incoming.reference)) {
                        let free = free_reference(&in_use, &incoming.reference);
                        note = format!(
                            "Known as {} in {}'s workspace. {} is someone else here, so this person is {} here.",
                            incoming.reference, handover.from, other, free
                        );
                        shown.what = What::Renamed;
                        shown.reference = free.clone();
                        shown.note = note.clone();
                        person.reference = free;
                    }
                    in_use.insert(
                        normalise_reference(&person.reference),
                        person.reference.clone(),
                    );
                    ws.people.insert(person.id, person);
                    touched = true;
                }
            }
            let chunk = ws.place(incoming.id);
            let mut relations = Vec::new();
            for r in theirs_refs {
                let mut theirs = r.clone();
                theirs.practice = practice_map.get(&r.practice).copied().unwrap_or(r.practice);
                theirs.handed = None;
                theirs.arrived.clear();
                match ws.referrals.get(&r.id).cloned() {
                    // The same id for someone else's referral is no handback: a damaged or
                    // made-up file. Nothing is received.
                    Some(ours) if ours.person != r.person => {
                        return Err(HandoverError::Damaged(
                            "a referral in it has the id of someone else's referral here".into(),
                        ));
                    }
                    Some(ours) => {
                        let was_handed = ours.handed.is_some();
                        let got = reconcile_from(
                            ours.exchanged.as_deref(),
                            Side {
                                label: me,
                                record: &ours,
                            },
                            Side {
                                label: &handover.from,
                                record: &theirs,
                            },
                        );
                        let mut record = got.record;
                        // Back: the version sent has served.
                        record.exchanged = None;
                        let changed = matches!(got.relation, Relation::Behind | Relation::Apart);
                        if changed || was_handed {
                            record.handed = None;
                            record
                                .arrived
                                .push(arrived(Arrival::HandedBack, got.parts, &note));
                            touched = true;
                        }
                        preview.conflicts +=
                            record.conflicts.len().saturating_sub(ours.conflicts.len());
                        relations.push(if was_handed && !changed {
                            Relation::Behind
                        } else {
                            got.relation
                        });
                        ws.referrals.insert(r.id, record);
                    }
                    None => {
                        stamp(&mut theirs);
                        theirs
                            .arrived
                            .push(arrived(Arrival::HandedOver, Vec::new(), &note));
                        ws.by_person.add(theirs.person, theirs.id);
                        ws.referrals.insert(theirs.id, theirs);
                        touched = true;
                        relations.push(Relation::Behind);
                    }
                }
            }
            if let What::Known(_) = shown.what {
                shown.what = What::Known(summarise(&relations));
            }
            if touched {
                chunks.insert(chunk);
            }
            preview.people.push(shown);
        }
        crate::model::order::sort_by_key(&mut preview.people, |p| {
            normalise_reference(&p.reference)
        });
        preview.nothing_new = chunks.is_empty()
            && preview.new_practices.is_empty()
            && preview.new_list_items.is_empty()
            && preview.new_resources == 0;
        let mut keys: Vec<StoreKey> = chunks.into_iter().map(StoreKey::Records).collect();
        if !preview.new_practices.is_empty() || !preview.new_list_items.is_empty() {
            keys.push(StoreKey::Settings);
        }
        if preview.new_resources > 0 {
            keys.push(StoreKey::Directory);
        }
        Ok(Received {
            preview,
            workspace: ws,
            keys,
        })
    }

    /// Receives a handover after its preview was shown: works it out again from this
    /// workspace, and swaps it in only if it would do exactly what the preview said. Gives
    /// the stored documents to write.
    pub fn apply_received(
        &mut self,
        handover: &Handover,
        shown: &Preview,
        me: Me<'_>,
        today: NaiveDate,
    ) -> Result<Vec<StoreKey>, HandoverError> {
        let received = self.receive(handover, me, today)?;
        if &received.preview != shown {
            return Err(HandoverError::Changed);
        }
        let editor = std::mem::take(&mut self.editor);
        *self = received.workspace;
        self.editor = editor;
        Ok(received.keys)
    }
}

/// What receiving a handover would do.
#[derive(Clone, Debug)]
pub struct Received {
    pub preview: Preview,
    /// The workspace as it would be.
    pub workspace: Workspace,
    /// The stored documents that would change.
    pub keys: Vec<StoreKey>,
}

/// What a handover holds and would do, for the receiver to confirm.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preview {
    pub from: String,
    pub made: DateTime<Utc>,
    pub people: Vec<PersonPreview>,
    /// Practices this workspace did not have.
    pub new_practices: Vec<String>,
    /// List entries this workspace did not have ("Referral reasons: Bereavement").
    pub new_list_items: Vec<String>,
    pub new_resources: usize,
    /// Records that would now hold values changed in two places.
    pub conflicts: usize,
    /// Everything in it is here already: receiving changes nothing.
    pub nothing_new: bool,
}

/// One person in a handover and what would happen to their records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonPreview {
    pub person: PersonId,
    /// Their reference here.
    pub reference: String,
    /// Their reference in the sender's workspace.
    pub their_reference: String,
    pub what: What,
    pub referrals: usize,
    pub note: String,
}

/// What would happen to one person's records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    /// New here.
    New,
    /// New here, under another reference: theirs belongs to someone else here.
    Renamed,
    /// Known here: how their records compare.
    Known(Relation),
}

impl What {
    /// Words for the preview.
    pub fn words(self) -> &'static str {
        match self {
            What::New => "New: added to your caseload",
            What::Renamed => "New, under another reference (the reference is someone else's here)",
            What::Known(Relation::Behind) => "Already known: updated with what changed",
            What::Known(Relation::Apart) => "Already known, changed in both places: both kept where they differ, for you to choose",
            What::Known(Relation::Same) | What::Known(Relation::Ahead) => "Already here as it is: nothing changes",
        }
    }
}

/// Our copy (labelled `me`) reconciled with the one arriving from `from`.
fn arriving<T: Mergeable>(me: &str, ours: &T, from: &str, theirs: &T) -> Reconciled<T> {
    reconcile(
        Side {
            label: me,
            record: ours,
        },
        Side {
            label: from,
            record: theirs,
        },
    )
}

/// One relation for a person's referrals: the strongest change among them.
fn summarise(relations: &[Relation]) -> Relation {
    if relations.contains(&Relation::Apart) {
        Relation::Apart
    } else if relations.contains(&Relation::Behind) {
        Relation::Behind
    } else {
        Relation::Same
    }
}

/// `reference` with the first suffix not `in_use` (by comparable form): "RV-0001-2"…
fn free_reference(in_use: &BTreeMap<String, String>, reference: &str) -> String {
    (2..)
        .map(|n| format!("{}-{n}", reference.trim()))
        .find(|r| !in_use.contains_key(&normalise_reference(r)))
        .unwrap_or_else(|| unreachable!("some suffix is free"))
}

/// The list entries records and directory entries refer to, by list.
fn used_list_items<'a>(
    referrals: &'a [Referral],
    resources: &'a [Resource],
) -> BTreeSet<(ListKind, &'a str)> {
    let mut used = BTreeSet::new();
    for r in referrals {
        used.insert((ListKind::ReferrerRoles, r.referrer_role.as_str()));
        used.extend(r.reasons.iter().map(|x| (ListKind::Reasons, x.as_str())));
        used.extend(
            r.contacts
                .iter()
                .map(|c| (ListKind::ContactModes, c.mode.as_str())),
        );
        used.extend(
            r.appointments
                .iter()
                .map(|a| (ListKind::ContactModes, a.mode.as_str())),
        );
        used.extend(
            r.connections
                .iter()
                .map(|c| (ListKind::ConnectionCategories, c.category.as_str())),
        );
        used.extend(
            r.closure
                .iter()
                .map(|c| (ListKind::ClosureReasons, c.reason.as_str())),
        );
        for risk in &r.risks {
            used.insert((ListKind::RiskKinds, risk.kind.as_str()));
            used.extend(risk.told.iter().map(|t| (ListKind::RiskTold, t.as_str())));
        }
    }
    used.extend(
        resources
            .iter()
            .map(|r| (ListKind::ConnectionCategories, r.category.as_str())),
    );
    used
}

/// A handover's contents hold together: ids once each, every referral's person and practice
/// in it, references present.
fn check(h: &Handover) -> Result<(), HandoverError> {
    let damaged = |why: &str| Err(HandoverError::Damaged(why.to_owned()));
    let people: BTreeSet<PersonId> = h.people.iter().map(|p| p.id).collect();
    if people.len() != h.people.len() {
        return damaged("a person is in it twice");
    }
    if h.people.iter().any(|p| p.reference.trim().is_empty()) {
        return damaged("a person has no reference");
    }
    let referrals: BTreeSet<_> = h.referrals.iter().map(|r| r.id).collect();
    if referrals.len() != h.referrals.len() {
        return damaged("a referral is in it twice");
    }
    let practices: BTreeSet<PracticeId> = h.practices.iter().map(|p| p.id).collect();
    for r in &h.referrals {
        if !people.contains(&r.person) {
            return damaged("a referral's person is missing");
        }
        if !practices.contains(&r.practice) {
            return damaged("a referral's practice is missing");
        }
    }
    let with_referrals: BTreeSet<PersonId> = h.referrals.iter().map(|r| r.person).collect();
    if with_referrals.len() != people.len() {
        return damaged("a person has no referrals");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::consent::ConsentAbout;
    use crate::model::{Contact, ContactId, ContactOutcome, ReferralStatus};
    use crate::testing::{rich_ws, this_morning, today};
    use crate::work::demo::{generate, DemoSpec};

    const SAM: Me<'static> = Me {
        label: "Sam (Riverside)",
        workspace: "aaaa",
    };
    const JO: Me<'static> = Me {
        label: "Jo (Hillview)",
        workspace: "bbbb",
    };

    fn demo(referrals: usize) -> Workspace {
        demo_seeded(7, referrals)
    }

    fn demo_seeded(seed: u64, referrals: usize) -> Workspace {
        let mut ws = generate(
            &DemoSpec {
                seed,
                referrals,
                span_days: 400,
            },
            today(),
        );
        ws.editor = SAM.label.into();
        ws
    }

    /// A colleague's workspace: one practice of the same name (a different id), no people.
    fn colleague(of: &Workspace) -> Workspace {
        let mut ws = Workspace::new();
        for (n, p) in of.settings.practices.iter().enumerate() {
            ws.settings.practices.push(Practice {
                id: PracticeId::from_random([9 + n as u8; 16]),
                name: format!(" {} ", p.name.to_uppercase()),
                ..p.clone()
            });
        }
        ws
    }

    fn three_open(ws: &Workspace) -> Vec<PersonId> {
        ws.chosen_people(&Choose::Caseload)
            .into_iter()
            .take(3)
            .collect()
    }

    fn add_contact(ws: &mut Workspace, person: PersonId, note: &str) -> crate::model::ReferralId {
        let r = ws
            .referrals
            .values_mut()
            .filter(|r| r.person == person)
            .last()
            .expect("a referral");
        let id = ContactId::new();
        r.contacts.push(Contact {
            id,
            date: today(),
            mode: "telephone".into(),
            minutes: 25,
            outcome: ContactOutcome::Attended,
            note: note.into(),
        });
        r.id
    }

    #[test]
    fn handing_over_and_back_matches_records_by_id_and_keeps_provenance() {
        let mut sam = demo(60);
        let chosen = three_open(&sam);
        assert_eq!(chosen.len(), 3);
        let out = sam
            .prepare_handover(&chosen, SAM, "Jo (Hillview, cover)", this_morning())
            .expect("made");
        assert_eq!(out.handover.people.len(), 3);
        let referrals_sent = out.handover.referrals.len();
        sam.mark_handed(&out.handover, today());
        for p in &chosen {
            assert!(sam
                .referrals_of(*p)
                .iter()
                .all(|r| r.handed.is_some() && !r.on_caseload()));
        }
        assert!(
            sam.chosen_people(&Choose::Caseload)
                .iter()
                .all(|p| !chosen.contains(p)),
            "out of the open caseload"
        );
        // Read-only: the rules refuse changes to a referral handed over.
        let handed = sam.referrals_of(chosen[0])[0].id;
        let before = sam.clone();
        let mut note = crate::work::diary::NoteDraft::new(today());
        note.text = "Phoned".into();
        assert!(sam.add_case_note(handed, &note, today()).is_err());
        assert!(sam
            .change_status(
                handed,
                crate::work::journey::Transition::Close {
                    reason: "complete".into()
                },
                "2026-11-01",
                today()
            )
            .is_err());
        assert_eq!(sam, before);
        let mut not_handed = sam.clone();
        not_handed.referrals.get_mut(&handed).expect("there").handed = None;
        assert!(
            not_handed.add_case_note(handed, &note, today()).is_ok(),
            "the same note is fine on a referral of one's own"
        );

        // Jo receives them: all new, the practice matched by name.
        let mut jo = colleague(&sam);
        let got = jo.receive(&out.handover, JO, today()).expect("received");
        assert_eq!(got.preview.people.len(), 3);
        assert!(got.preview.people.iter().all(|p| p.what == What::New));
        assert!(
            got.preview.new_practices.is_empty(),
            "{:?}",
            got.preview.new_practices
        );
        let preview = got.preview.clone();
        jo.apply_received(&out.handover, &preview, JO, today())
            .expect("applied");
        assert_eq!(jo.referrals.len(), referrals_sent);
        for r in jo.referrals.values() {
            assert_eq!(
                r.arrived[0].words("1 Dec"),
                "Handed over by Sam (Riverside) on 1 Dec"
            );
            assert!(r.handed.is_none());
            let theirs = sam.practice_name(sam.referrals[&r.id].practice);
            assert_eq!(
                jo.practice_name(r.practice).trim(),
                theirs.to_uppercase(),
                "the colleague's own practice"
            );
        }
        // The same file again is a no-op that says so.
        let again = jo.receive(&out.handover, JO, today()).expect("read");
        assert!(again.preview.nothing_new);
        assert!(again.keys.is_empty());

        // Jo adds a contact to one and hands all three back.
        let covered = add_contact(&mut jo, chosen[0], "Met at the library");
        let back = jo
            .prepare_handover(&chosen, JO, "Sam", this_morning())
            .expect("made");
        jo.mark_handed(&back.handover, today());
        let got = sam.receive(&back.handover, SAM, today()).expect("received");
        assert!(got
            .preview
            .people
            .iter()
            .all(|p| matches!(p.what, What::Known(_))));
        assert_eq!(got.preview.conflicts, 0);
        let preview = got.preview.clone();
        let people_before = sam.people.len();
        let referrals_before = sam.referrals.len();
        sam.apply_received(&back.handover, &preview, SAM, today())
            .expect("applied");
        assert_eq!(
            (sam.people.len(), sam.referrals.len()),
            (people_before, referrals_before),
            "updated, not duplicated"
        );
        let r = &sam.referrals[&covered];
        assert!(
            r.handed.is_none() && r.on_caseload() == r.status.is_open(),
            "back on the caseload"
        );
        assert!(r.contacts.iter().any(|c| c.note == "Met at the library"));
        let last = r.arrived.last().expect("provenance");
        assert_eq!(last.arrival, Arrival::HandedBack);
        assert_eq!(last.from, "Jo (Hillview)");
        let new_contact = r
            .contacts
            .iter()
            .find(|c| c.note == "Met at the library")
            .expect("there")
            .id;
        assert!(
            last.touched(&format!("contacts/{new_contact}")),
            "{:?}",
            last.parts
        );
        assert!(r.conflicts.is_empty());
        // The people not changed during cover come back too, off the read-only list.
        assert!(sam.handed_over_people().is_empty());
        // And the handback file received a second time changes nothing.
        let twice = sam.receive(&back.handover, SAM, today()).expect("read");
        assert!(twice.preview.nothing_new, "{:?}", twice.preview);
    }

    #[test]
    fn a_record_changed_on_both_sides_keeps_both_values_to_choose_from() {
        let mut sam = demo(40);
        let chosen = three_open(&sam);
        let out = sam
            .prepare_handover(&chosen[..1], SAM, "Jo", this_morning())
            .expect("made");
        // Sam keeps a copy that is not read-only (as a second PC would).
        let mut jo = colleague(&sam);
        let got = jo.receive(&out.handover, JO, today()).expect("received");
        jo.apply_received(&out.handover, &got.preview, JO, today())
            .expect("applied");
        let id = out.handover.referrals.last().expect("one").id;
        sam.referrals.get_mut(&id).expect("ours").what_matters = "Sam's words".into();
        jo.referrals.get_mut(&id).expect("theirs").what_matters = "Jo's words".into();
        let back = jo
            .prepare_handover(&chosen[..1], JO, "Sam", this_morning())
            .expect("made");
        let got = sam.receive(&back.handover, SAM, today()).expect("received");
        assert_eq!(got.preview.conflicts, 1);
        assert!(matches!(
            got.preview.people[0].what,
            What::Known(Relation::Apart)
        ));
        let merged = &got.workspace.referrals[&id];
        let values: Vec<String> = merged.conflicts[0]
            .values
            .iter()
            .map(|v| format!("{}: {}", v.from, v.value))
            .collect();
        assert_eq!(
            values,
            [
                "Jo (Hillview): \"Jo's words\"",
                "Sam (Riverside): \"Sam's words\""
            ]
        );
    }

    /// The cover case: Sam hands a person over, takes them back and adds a task and "codes
    /// only"; Jo, who did receive them, adds a contact that makes the episode active, a task
    /// and a withdrawal of GP sharing, and hands back. Everything is there once, only what
    /// changed on one side is taken (the status), nothing waits for a choice, and the
    /// withdrawal is in force.
    #[test]
    fn a_take_back_and_a_hand_back_keep_both_sides_additions_and_the_later_withdrawal() {
        use crate::model::consent::{ConsentAbout, ConsentAnswer, GpShare};
        use crate::work::diary::TaskOwner;
        let mut sam = demo(40);
        let person = three_open(&sam)[0];
        let id = sam.referrals_of(person).last().expect("one").id;
        sam.referrals.get_mut(&id).expect("ours").status = ReferralStatus::Referred;
        let out = sam
            .prepare_handover(&[person], SAM, "Jo", this_morning())
            .expect("made");
        sam.mark_handed(&out.handover, today());
        let mut jo = colleague(&sam);
        let got = jo.receive(&out.handover, JO, today()).expect("received");
        jo.apply_received(&out.handover, &got.preview, JO, today())
            .expect("applied");
        sam.take_back(&[person]);
        let gp = crate::work::consent::gp_answer;
        let task = crate::work::diary::task;
        let yesterday = (today() - chrono::Duration::days(1)).to_string();
        sam.add_task(TaskOwner::Referral(id), &task("Sam's task"))
            .expect("task");
        sam.record_consent(id, &gp(&yesterday, ConsentAnswer::CodesOnly), today())
            .expect("codes only");
        let contact = crate::work::journey::ContactDraft {
            date: today().to_string(),
            mode: "telephone".into(),
            minutes: "30".into(),
            outcome: ContactOutcome::Attended,
            note: String::new(),
        };
        jo.add_contact(id, &contact, today()).expect("contact");
        jo.add_task(TaskOwner::Referral(id), &task("Jo's task"))
            .expect("task");
        jo.record_consent(id, &gp(&today().to_string(), ConsentAnswer::No), today())
            .expect("withdrawn");
        let back = jo
            .prepare_handover(&[person], JO, "Sam", this_morning())
            .expect("made");
        let got = sam.receive(&back.handover, SAM, today()).expect("received");
        assert_eq!(got.preview.conflicts, 0, "two additions are no conflict");
        let r = &got.workspace.referrals[&id];
        assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
        let tasks: Vec<&str> = r
            .tasks
            .iter()
            .map(|t| t.text.as_str())
            .filter(|t| t.ends_with("task"))
            .collect();
        assert_eq!(tasks, ["Sam's task", "Jo's task"]);
        assert_eq!(r.status, ReferralStatus::Active, "Jo's change, taken");
        assert_eq!(r.gp_share(), GpShare::Nothing);
        let gp_answers = r
            .consent
            .iter()
            .filter(|e| e.about == ConsentAbout::GpInformation)
            .count();
        assert!(gp_answers >= 2, "both answers kept");
        assert!(r.exchanged.is_none(), "the version sent is no longer kept");
    }

    #[test]
    fn a_different_person_with_the_same_reference_is_kept_apart_under_a_new_one() {
        let sam = demo(30);
        let chosen = three_open(&sam);
        let out = sam
            .prepare_handover(&chosen[..1], SAM, "Jo", this_morning())
            .expect("made");
        let theirs = out.handover.people[0].reference.clone();
        // Jo already has someone else known by that reference.
        let mut jo = demo_seeded(8, 5);
        let someone = *jo.people.keys().next().expect("one");
        jo.people.get_mut(&someone).expect("one").reference = theirs.to_lowercase();
        let before = jo.people.len();
        let got = jo.receive(&out.handover, JO, today()).expect("received");
        let shown = &got.preview.people[0];
        assert_eq!(shown.what, What::Renamed);
        assert_eq!(shown.reference, format!("{theirs}-2"));
        assert!(shown.note.contains(&theirs), "{}", shown.note);
        jo.apply_received(&out.handover, &got.preview, JO, today())
            .expect("applied");
        assert_eq!(jo.people.len(), before + 1, "kept apart");
        assert_eq!(
            jo.people[&someone].reference,
            theirs.to_lowercase(),
            "the one here is untouched"
        );
        let arrived = jo
            .people
            .values()
            .find(|p| p.reference == format!("{theirs}-2"))
            .expect("renamed");
        let note = &jo.referrals_of(arrived.id)[0].arrived[0].note;
        assert!(note.contains("someone else here"), "{note}");
    }

    #[test]
    fn people_who_withdrew_consent_to_support_are_left_out_and_named() {
        let (mut ws, [a, b]) = rich_ws();
        let withdrawn = ws.referrals[&a].person;
        crate::work::consent::answer(
            &mut ws,
            a,
            ConsentAbout::Support,
            crate::model::consent::ConsentAnswer::No,
        );
        let both = [withdrawn, ws.referrals[&b].person];
        let out = ws
            .prepare_handover(&both, SAM, "Jo", this_morning())
            .expect("made");
        assert_eq!(out.left_out, [ws.reference_of(withdrawn).to_owned()]);
        assert!(out.handover.people.iter().all(|p| p.id != withdrawn));
        assert!(out.handover.referrals.iter().all(|r| r.person != withdrawn));
        assert_eq!(
            ws.prepare_handover(&both[..1], SAM, "Jo", this_morning()),
            Err(HandoverError::AllWithdrew)
        );
    }

    #[test]
    fn the_handover_carries_what_the_records_use_and_not_the_senders_own_notes() {
        let (ws, [a, _]) = rich_ws();
        let person = ws.referrals[&a].person;
        let out = ws
            .prepare_handover(&[person], SAM, "Jo", this_morning())
            .expect("made");
        let h = &out.handover;
        assert_eq!(h.resources.len(), 1, "the walking group it is connected to");
        assert!(
            h.resources[0].notes.is_empty(),
            "the directory's own notes stay"
        );
        assert!(
            h.referrals.iter().all(|r| r.key == ws.referrals[&r.id].key),
            "record keys travel"
        );
        assert!(h.lists.contains_key(ListKind::Reasons.code()));
        // A colleague with none of it gets the practice, the list entries and the entry.
        let mut empty = Workspace::new();
        empty.settings.lists.get_mut(ListKind::Reasons).clear();
        let got = empty.receive(h, JO, today()).expect("received");
        assert_eq!(got.preview.new_practices, ["Riverside Medical Practice"]);
        assert!(!got.preview.new_list_items.is_empty());
        assert_eq!(got.preview.new_resources, 1);
        for r in got.workspace.referrals.values() {
            for reason in &r.reasons {
                assert!(
                    got.workspace
                        .settings
                        .lists
                        .contains(ListKind::Reasons, reason),
                    "{reason}"
                );
            }
        }
        assert!(got.keys.contains(&StoreKey::Settings) && got.keys.contains(&StoreKey::Directory));
    }

    #[test]
    fn bad_requests_and_bad_files_change_nothing() {
        let mut sam = demo(30);
        let chosen = three_open(&sam);
        assert_eq!(
            sam.prepare_handover(&[], SAM, "Jo", this_morning()),
            Err(HandoverError::NobodyChosen)
        );
        assert_eq!(
            sam.prepare_handover(&chosen, SAM, "  ", this_morning()),
            Err(HandoverError::NoRecipient)
        );
        let out = sam
            .prepare_handover(&chosen, SAM, "Jo", this_morning())
            .expect("made");
        sam.mark_handed(&out.handover, today());
        assert_eq!(
            sam.prepare_handover(&chosen[..1], SAM, "Alex", this_morning()),
            Err(HandoverError::AlreadyHandedOver(
                sam.reference_of(chosen[0]).to_owned()
            ))
        );
        // Opening one's own file would undo the handover: refused.
        assert_eq!(
            sam.receive(&out.handover, SAM, today()).map(|_| ()),
            Err(HandoverError::FromHere)
        );
        // Contents that do not hold together are refused whole.
        let mut broken = out.handover.clone();
        broken.practices.clear();
        let mut jo = colleague(&sam);
        let before = jo.clone();
        assert!(matches!(
            jo.receive(&broken, JO, today()),
            Err(HandoverError::Damaged(_))
        ));
        let mut twice = out.handover.clone();
        twice.people.push(twice.people[0].clone());
        assert!(matches!(
            jo.receive(&twice, JO, today()),
            Err(HandoverError::Damaged(_))
        ));
        // A referral given the id of someone else's referral here is refused, not merged.
        let mut borrowed = out.handover.clone();
        let first = borrowed.referrals[0].person;
        borrowed.referrals[0].id = *sam
            .referrals
            .keys()
            .find(|id| {
                sam.referrals[id].person != first
                    && out.handover.referrals.iter().all(|r| r.id != **id)
            })
            .expect("another person's referral, not in the file");
        let elsewhere = Me {
            label: "X",
            workspace: "x",
        };
        assert!(matches!(
            sam.receive(&borrowed, elsewhere, today()),
            Err(HandoverError::Damaged(_))
        ));
        // A preview that no longer matches is not applied.
        let got = jo.receive(&out.handover, JO, today()).expect("read");
        let mut stale = got.preview.clone();
        stale.people.pop();
        assert_eq!(
            jo.apply_received(&out.handover, &stale, JO, today()),
            Err(HandoverError::Changed)
        );
        assert_eq!(jo, before);
    }

    #[test]
    fn the_sender_may_remove_people_handed_over_and_only_those() {
        let mut sam = demo(40);
        let chosen = three_open(&sam);
        let out = sam
            .prepare_handover(&chosen[..2], SAM, "Jo", this_morning())
            .expect("made");
        sam.mark_handed(&out.handover, today());
        assert_eq!(sam.handed_over_people().len(), 2);
        let keys = sam.remove_handed(&chosen);
        assert!(!keys.is_empty());
        assert!(!sam.people.contains_key(&chosen[0]) && !sam.people.contains_key(&chosen[1]));
        assert!(sam.people.contains_key(&chosen[2]), "not handed over: kept");
        // Taken back without a handback (the file never arrived): editable and open again.
        let again = sam
            .prepare_handover(&chosen[2..], SAM, "Alex", this_morning())
            .expect("made");
        sam.mark_handed(&again.handover, today());
        assert!(!sam.chosen_people(&Choose::Caseload).contains(&chosen[2]));
        assert!(!sam.take_back(&chosen[2..]).is_empty());
        assert!(sam.chosen_people(&Choose::Caseload).contains(&chosen[2]));
        assert!(sam.handed_over_people().is_empty());
        assert!(
            sam.take_back(&chosen[2..]).is_empty(),
            "nothing to take back twice"
        );
        assert!(sam.referrals.values().all(|r| r.person != chosen[0]));
        // Handed back after removal, they are simply new again.
        let mut jo = colleague(&sam);
        let got = jo.receive(&out.handover, JO, today()).expect("read");
        jo.apply_received(&out.handover, &got.preview, JO, today())
            .expect("applied");
        let back = jo
            .prepare_handover(&chosen[..2], JO, "Sam", this_morning())
            .expect("made");
        let got = sam.receive(&back.handover, SAM, today()).expect("read");
        assert!(got.preview.people.iter().all(|p| p.what == What::New));
        let _ = ReferralStatus::Active;
    }
}
