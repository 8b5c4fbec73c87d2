//! A seeded simulation of one person's record on several copies: link workers and PCs make
//! random changes to every kind of entry, and exchange them through handover files and a
//! simulated sync server (which compacts away common versions, keeps conflicting branches
//! and hands out an older revision), in random order, then exchange until quiet. Every copy
//! must then be the same, with no addition lost unless it was removed, no removal undone,
//! no entry twice, and the consent answer in force the latest-dated one.
//!
//! It checks itself: the same run with entries numbered "largest + 1" (as before version 7)
//! or with removal marks dropped in transit must fail.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::consent::{ConsentAbout, ConsentAnswer, ConsentHow};
use crate::model::{ContactOutcome, Referral, ReferralId, Workspace};
use crate::work::consent::ConsentDraft;
use crate::work::diary::{AppointmentDraft, NoteDraft, TaskDraft, TaskOwner};
use crate::work::journey::ContactDraft;
use crate::work::merge::{content_hash, merge, reconcile, stamp, Side};

/// A fault put in on purpose, to show the simulation catches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    None,
    /// New entries numbered one more than the largest in their list (versions up to 6).
    LargestPlusOne,
    /// Removal marks lost whenever a copy is exchanged.
    DropRemovals,
}

/// Every entry ever added, by list and id, and whether it was removed since.
#[derive(Default)]
struct Ledger {
    added: BTreeMap<(&'static str, String), bool>,
    /// Consent answers: (about, date, id) of every one given.
    consent: Vec<(ConsentAbout, NaiveDate, crate::model::consent::ConsentId)>,
}

/// The lists the simulation adds to, with each entry's id as text.
fn lists(r: &Referral) -> Vec<(&'static str, Vec<String>)> {
    vec![
        (
            "contacts",
            r.contacts.iter().map(|e| e.id.to_string()).collect(),
        ),
        ("tasks", r.tasks.iter().map(|e| e.id.to_string()).collect()),
        (
            "case_notes",
            r.case_notes.iter().map(|e| e.id.to_string()).collect(),
        ),
        (
            "appointments",
            r.appointments.iter().map(|e| e.id.to_string()).collect(),
        ),
        (
            "consent",
            r.consent.iter().map(|e| e.id.to_string()).collect(),
        ),
    ]
}

struct Sim {
    rng: ChaCha8Rng,
    fault: Fault,
    id: ReferralId,
    copies: Vec<Workspace>,
    /// The sync server: its current leaves (more than one after pushes from the same base),
    /// every version it ever held (to hand out an old one), and what each copy last saw
    /// (`None` once compacted away).
    leaves: Vec<Referral>,
    history: Vec<Referral>,
    seen: Vec<Option<Referral>>,
    ledger: Ledger,
    today: NaiveDate,
}

impl Sim {
    fn new(seed: u64, copies: usize, fault: Fault) -> Self {
        let mut ws = crate::testing::one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one referral");
        if let Some(r) = ws.referrals.get_mut(&id) {
            stamp(r);
        }
        let first = ws.referrals[&id].clone();
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            fault,
            id,
            copies: vec![ws; copies],
            leaves: vec![first.clone()],
            history: vec![first],
            seen: vec![None; copies],
            ledger: Ledger::default(),
            today: crate::testing::today(),
        }
    }

    fn record(&self, copy: usize) -> &Referral {
        &self.copies[copy].referrals[&self.id]
    }

    fn set(&mut self, copy: usize, r: Referral) {
        self.copies[copy].referrals.insert(self.id, r);
    }

    /// A date in the episode, up to today.
    fn day(&mut self) -> String {
        let d = self.rng.gen_range(0..=19);
        (NaiveDate::from_ymd_opt(2026, 11, 2).expect("date") + chrono::Duration::days(d))
            .format("%Y-%m-%d")
            .to_string()
    }

    /// The entry just added to `list` on `copy` renumbered "largest + 1" (the old way), when
    /// that fault is on; returns its id as text.
    fn added(&mut self, copy: usize, list: &'static str, before: &[String]) {
        let r = self.record(copy).clone();
        let now = lists(&r);
        let Some((_, ids)) = now.iter().find(|(l, _)| *l == list) else {
            return;
        };
        let Some(new) = ids.iter().find(|i| !before.contains(i)).cloned() else {
            return;
        };
        let new = if self.fault == Fault::LargestPlusOne {
            let number = ids
                .iter()
                .filter_map(|i| crate::model::ids::parse(i))
                .filter_map(crate::model::ids::legacy_number)
                .max()
                .unwrap_or(0)
                + 1;
            let old = crate::model::ids::legacy(number).to_string();
            let text = serde_json::to_string(&r)
                .expect("serialises")
                .replace(&new, &old);
            self.set(copy, serde_json::from_str(&text).expect("reads back"));
            old
        } else {
            new
        };
        if list == "consent" {
            let r = self.record(copy);
            if let Some(e) = r.consent.iter().find(|e| e.id.to_string() == new) {
                self.ledger.consent.push((e.about, e.date, e.id));
            }
        }
        self.ledger.added.insert((list, new), false);
    }

    fn ids_of(&self, copy: usize, list: &str) -> Vec<String> {
        lists(self.record(copy))
            .into_iter()
            .find(|(l, _)| *l == list)
            .map(|(_, ids)| ids)
            .unwrap_or_default()
    }

    /// One random change on one copy.
    fn change(&mut self, copy: usize) {
        let id = self.id;
        let today = self.today;
        let kind = self.rng.gen_range(0..10);
        let list = ["contacts", "tasks", "case_notes", "appointments", "consent"][kind % 5];
        let before = self.ids_of(copy, list);
        match kind {
            0 => {
                let draft = ContactDraft {
                    date: self.day(),
                    mode: "telephone".into(),
                    minutes: self.rng.gen_range(5..90).to_string(),
                    outcome: ContactOutcome::Attended,
                    note: String::new(),
                };
                if self.copies[copy].add_contact(id, &draft, today).is_ok() {
                    self.added(copy, list, &before);
                }
            }
            1 => {
                let draft = TaskDraft {
                    text: format!("Task {}", self.rng.gen_range(0..1000)),
                    due: self.day(),
                };
                if self.copies[copy]
                    .add_task(TaskOwner::Referral(id), &draft)
                    .is_ok()
                {
                    self.added(copy, list, &before);
                }
            }
            2 => {
                let draft = NoteDraft {
                    date: self.day(),
                    kind: crate::model::diary::NoteKind::Note,
                    minutes: String::new(),
                    text: format!("Note {}", self.rng.gen_range(0..1000)),
                };
                if self.copies[copy].add_case_note(id, &draft, today).is_ok() {
                    self.added(copy, list, &before);
                }
            }
            3 => {
                let draft = AppointmentDraft {
                    date: "2026-11-30".into(),
                    start: format!("{:02}:00", self.rng.gen_range(9..17)),
                    minutes: "30".into(),
                    mode: "telephone".into(),
                    place: String::new(),
                };
                if self.copies[copy]
                    .book_appointment(id, &draft, today)
                    .is_ok()
                {
                    self.added(copy, list, &before);
                }
            }
            4 => {
                let about = [
                    ConsentAbout::GpInformation,
                    ConsentAbout::Support,
                    ConsentAbout::Outcomes,
                ][self.rng.gen_range(0..3)];
                let answers: &[ConsentAnswer] = if about == ConsentAbout::GpInformation {
                    &[
                        ConsentAnswer::Yes,
                        ConsentAnswer::CodesOnly,
                        ConsentAnswer::No,
                    ]
                } else {
                    &[ConsentAnswer::Yes, ConsentAnswer::No]
                };
                let draft = ConsentDraft {
                    date: self.day(),
                    about,
                    answer: answers[self.rng.gen_range(0..answers.len())],
                    how: ConsentHow::Verbal,
                };
                if self.copies[copy].record_consent(id, &draft, today).is_ok() {
                    self.added(copy, list, &before);
                }
            }
            // Edits and removals of an entry this copy has.
            _ => {
                if before.is_empty() || list == "consent" {
                    return;
                }
                let pick = before[self.rng.gen_range(0..before.len())].clone();
                let edit = self.rng.gen_bool(0.5);
                let ws = &mut self.copies[copy];
                let removed = match list {
                    "contacts" => {
                        let Ok(c) = pick.parse() else { return };
                        ws.remove_contact(id, c).is_ok()
                    }
                    "tasks" => {
                        let Ok(t) = pick.parse() else { return };
                        if edit {
                            let _ = ws.set_task_done(TaskOwner::Referral(id), t, true, today);
                            false
                        } else {
                            ws.remove_task(TaskOwner::Referral(id), t).is_ok()
                        }
                    }
                    "case_notes" => {
                        let Ok(n) = pick.parse() else { return };
                        ws.remove_case_note(id, n).is_ok()
                    }
                    _ => {
                        let Ok(a) = pick.parse() else { return };
                        ws.remove_appointment(id, a).is_ok()
                    }
                };
                if removed {
                    self.ledger.added.insert((list, pick), true);
                }
            }
        }
    }

    /// A copy as it travels: without its removal marks when that fault is on.
    fn sent(&self, copy: usize) -> Referral {
        let mut r = self.record(copy).clone();
        if self.fault == Fault::DropRemovals {
            r.removed.clear();
        }
        r
    }

    /// A handover file from `from` to `to` (cover, or a hand-back).
    fn handover(&mut self, from: usize, to: usize) {
        let mut theirs = self.sent(from);
        stamp(&mut theirs);
        self.receive(to, &theirs);
    }

    /// `copy` takes a record that arrived as a file, reconciled with its own.
    fn receive(&mut self, copy: usize, theirs: &Referral) {
        let ours = self.sent(copy);
        let merged = reconcile(
            Side {
                label: "ours",
                record: &ours,
            },
            Side {
                label: "theirs",
                record: theirs,
            },
        );
        self.set(copy, merged.record);
    }

    /// One sync of `copy` with the server: it merges every leaf into its copy (against the
    /// version it last saw, unless compacted away) and pushes the result. Sometimes the push
    /// is from a stale read, leaving a second leaf (a conflict the next reader merges).
    fn sync(&mut self, copy: usize) {
        if self.rng.gen_bool(0.2) {
            // Compaction: the server forgets the common versions.
            self.seen.iter_mut().for_each(|s| *s = None);
        }
        let mut mine = self.sent(copy);
        let base = self.seen[copy].clone();
        let stale = self.rng.gen_bool(0.15) && self.leaves.len() == 1;
        for leaf in self.leaves.clone() {
            let mut leaf = leaf;
            if self.fault == Fault::DropRemovals {
                leaf.removed.clear();
            }
            mine = merge(
                base.as_ref(),
                Side {
                    label: "this PC",
                    record: &mine,
                },
                Side {
                    label: "server",
                    record: &leaf,
                },
            );
            let joined: Vec<_> = mine.lineage.iter().chain(&leaf.lineage).copied().collect();
            mine.lineage = joined;
            mine.lineage.dedup();
            stamp(&mut mine);
        }
        if stale {
            self.leaves.push(mine.clone());
        } else {
            self.leaves = vec![mine.clone()];
        }
        self.history.push(mine.clone());
        self.seen[copy] = Some(mine.clone());
        self.set(copy, mine);
    }

    /// The server hands an old revision to a copy (a replay), which it takes as a file.
    fn replay(&mut self, copy: usize) {
        let old = self.history[self.rng.gen_range(0..self.history.len())].clone();
        self.receive(copy, &old);
    }

    fn run(&mut self, steps: usize) -> Result<(), String> {
        let n = self.copies.len();
        for _ in 0..steps {
            let copy = self.rng.gen_range(0..n);
            match self.rng.gen_range(0..10) {
                0..=5 => self.change(copy),
                6 | 7 => {
                    let other = (copy + self.rng.gen_range(1..n)) % n;
                    self.handover(copy, other);
                }
                8 => self.sync(copy),
                _ => self.replay(copy),
            }
        }
        // Exchange until quiet: every copy syncs, then files go round, until all agree.
        for _ in 0..8 {
            for copy in 0..n {
                self.sync(copy);
            }
            for copy in 0..n {
                self.handover(copy, (copy + 1) % n);
            }
            for copy in (0..n).rev() {
                self.sync(copy);
            }
            let hashes: BTreeSet<_> = (0..n).map(|c| content_hash(self.record(c))).collect();
            if hashes.len() == 1 {
                break;
            }
        }
        self.check()
    }

    fn check(&self) -> Result<(), String> {
        let first = self.record(0);
        for copy in 1..self.copies.len() {
            let r = self.record(copy);
            if content_hash(r) != content_hash(first) {
                return Err(format!("copy {copy} differs from copy 0"));
            }
        }
        let now = lists(first);
        for (list, ids) in &now {
            let unique: BTreeSet<&String> = ids.iter().collect();
            if unique.len() != ids.len() {
                return Err(format!("an entry of {list} is there twice"));
            }
        }
        for ((list, id), removed) in &self.ledger.added {
            let present = now.iter().any(|(l, ids)| l == list && ids.contains(id));
            if *removed && present {
                return Err(format!("{list}/{id} was removed and came back"));
            }
            if !*removed && !present {
                return Err(format!("{list}/{id} was added and is lost"));
            }
        }
        let abouts: BTreeSet<ConsentAbout> = self.ledger.consent.iter().map(|c| c.0).collect();
        for about in abouts {
            let latest = self
                .ledger
                .consent
                .iter()
                .filter(|c| c.0 == about)
                .max_by_key(|c| (c.1, c.2))
                .map(|c| c.2);
            if first.consent(about).map(|e| e.id) != latest {
                return Err(format!(
                    "the answer in force about {about:?} is not the latest"
                ));
            }
        }
        Ok(())
    }
}

/// Runs one seeded simulation.
fn simulate(seed: u64, fault: Fault) -> Result<(), String> {
    crate::model::ids::seeded(seed, 1_790_000_000_000, || {
        let copies = 3 + (seed % 3) as usize;
        Sim::new(seed, copies, fault).run(60)
    })
}

#[test]
fn many_copies_exchanging_in_any_order_end_the_same_and_lose_nothing() {
    let seeds: u64 = std::env::var("LINKWORK_SIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    for seed in 0..seeds {
        if let Err(why) = simulate(seed, Fault::None) {
            panic!("seed {seed}: {why} (run it alone with simulate({seed}, Fault::None))");
        }
    }
}

#[test]
fn the_simulation_fails_on_largest_plus_one_numbering() {
    let failed = (0..200)
        .filter(|&seed| simulate(seed, Fault::LargestPlusOne).is_err())
        .count();
    assert!(
        failed > 20,
        "only {failed} of 200 runs caught the old numbering"
    );
}

#[test]
fn the_simulation_fails_on_a_merge_that_drops_removals() {
    let failed = (0..200)
        .filter(|&seed| simulate(seed, Fault::DropRemovals).is_err())
        .count();
    assert!(
        failed > 20,
        "only {failed} of 200 runs caught removals coming back"
    );
}

/// Seed 15 found that a merge against a common version took an entry one copy lacked as
/// removed there, when that version came from a later sync than the copy's (an appointment
/// booked on one PC vanished). Entries made since are removed only by a mark.
#[test]
fn seed_15_an_entry_only_one_copy_has_is_kept_whatever_the_common_version_had() {
    assert_eq!(simulate(15, Fault::None), Ok(()));
}
