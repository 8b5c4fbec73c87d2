//! Sync's decisions, natively: what the server may see, what a PC refuses, and how two
//! PCs' copies become one.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::envelope::*;
use super::merge::{merge_texts, without_gone};
use super::state::*;
use crate::model::{PersonId, Workspace};
use crate::store::crypto::{KdfParams, Key, Vault};
use crate::store::format::StoreKey;
use crate::store::vault_store::{AccessError, WorkspaceMeta};
use crate::testing::{this_morning, today, SeqRandom};
use crate::work::demo::{generate, DemoSpec};

const WS: &str = "0123456789abcdef0123456789abcdef";
const LABELS: [&str; 2] = ["PC AAAA", "PC BBBB"];

fn vault() -> Vault {
    Vault::new(&Key::random(&mut SeqRandom::default()))
}

fn demo(referrals: usize) -> Workspace {
    generate(
        &DemoSpec {
            seed: 5,
            referrals,
            span_days: 300,
        },
        today(),
    )
}

fn part(ws: &Workspace) -> (StoreKey, String) {
    let key = StoreKey::Records(0);
    (key, ws.encode(key))
}

fn state() -> SyncState {
    SyncState::new(
        Server {
            address: "https://example.org/sync/".into(),
            database: "sam".into(),
            user: "sam".into(),
            password: "pw".into(),
        },
        make_secret(&mut SeqRandom::default()),
        "e".into(),
        &mut SeqRandom::default(),
    )
}

#[test]
fn a_server_document_holds_no_plaintext_and_opens_back() {
    let ws = demo(30);
    let (key, text) = part(&ws);
    let v = vault();
    let doc = seal_doc(
        &v,
        WS,
        SyncKey::Store(key),
        3,
        &text,
        &mut SeqRandom::default(),
    );
    let json = serde_json::to_string(&doc).expect("as set up");
    for p in ws.people.values() {
        assert!(
            !json.contains(&p.reference),
            "a reference reached the server"
        );
    }
    assert!(!json.contains("linkwork.records"));
    assert_eq!(doc.id, "records-0");
    let opened = open_doc(&v, WS, &doc).expect("as set up");
    assert_eq!((opened.generation, opened.text), (3, text));
}

#[test]
fn a_moved_damaged_or_foreign_document_is_refused() {
    let v = vault();
    let doc = seal_doc(
        &v,
        WS,
        SyncKey::Store(StoreKey::Records(0)),
        1,
        "{}",
        &mut SeqRandom::default(),
    );
    let moved = ServerDoc {
        id: "records-1".into(),
        ..doc.clone()
    };
    assert!(matches!(
        open_doc(&v, WS, &moved),
        Err(Refused::DoesNotOpen(_))
    ));
    let other_ws = "ffffffffffffffffffffffffffffffff";
    assert!(matches!(
        open_doc(&v, other_ws, &doc),
        Err(Refused::DoesNotOpen(_))
    ));
    let mut damaged = doc.clone();
    damaged.c.replace_range(20..24, "AAAA");
    assert!(matches!(
        open_doc(&v, WS, &damaged),
        Err(Refused::DoesNotOpen(_))
    ));
    let plain = ServerDoc {
        f: String::new(),
        ..doc
    };
    assert!(matches!(
        open_doc(&v, WS, &plain),
        Err(Refused::NotSealed(_))
    ));
    assert!(Refused::DoesNotOpen("records part 1".into())
        .to_string()
        .contains("records part 1"));
}

#[test]
fn an_older_version_sent_again_is_refused_and_the_same_one_is_known() {
    let v = vault();
    let mut s = state();
    let key = SyncKey::Store(StoreKey::Tasks);
    let (first, _) = s.to_push(&v, WS, key, "one", &mut SeqRandom::default());
    s.pushed("tasks", "1-a", 1, "one", 0);
    let (second, _) = s.to_push(&v, WS, key, "two", &mut SeqRandom::default());
    assert_eq!(second.rev.as_deref(), Some("1-a"));
    s.pushed("tasks", "2-b", 2, "two", 0);
    assert!(matches!(
        s.pulled(&v, WS, &first),
        Err(Refused::Replayed {
            got: 1,
            seen: 2,
            ..
        })
    ));
    assert_eq!(s.pulled(&v, WS, &second), Ok(Pulled::Known));
    // The same generation with other contents (a fork the server made up) is refused too.
    let forged = seal_doc(&v, WS, key, 2, "three", &mut SeqRandom::default());
    assert!(matches!(
        s.pulled(&v, WS, &forged),
        Err(Refused::Replayed { .. })
    ));
    let newer = seal_doc(&v, WS, key, 3, "three", &mut SeqRandom::default());
    assert!(matches!(s.pulled(&v, WS, &newer), Ok(Pulled::Take(_))));
    s.changed(key);
    assert!(matches!(s.pulled(&v, WS, &newer), Ok(Pulled::Merge(_))));
}

#[test]
fn a_refused_revision_is_reported_once_and_replaced_by_this_pcs_copy() {
    let mut s = state();
    s.pushed("records-0", "2-good", 2, "ours", 0);
    assert!(s.refuse("records-0", "3-bad"));
    assert!(
        !s.refuse("records-0", "3-bad"),
        "the same bad revision was reported twice"
    );
    assert_eq!(
        s.docs["records-0"].rev, "3-bad",
        "the next push would meet a conflict forever"
    );
    assert_eq!(s.docs["records-0"].generation, 2);
    assert!(s.pending.contains_key("records-0"));
    assert!(s.refuse("records-9", "1-moved"));
    assert!(
        !s.pending.contains_key("records-9"),
        "a document this PC never had was overwritten"
    );
}

#[test]
fn a_merged_branch_is_deleted_with_the_next_push_which_outnumbers_it() {
    let v = vault();
    let mut s = state();
    s.pushed("records-0", "3-a", 3, "ours", 0);
    s.branch_merged("records-0", "3-b", 5);
    assert!(s.branch_known("records-0", "3-b"));
    let key = SyncKey::Store(StoreKey::Records(0));
    let (doc, _) = s.to_push(&v, WS, key, "merged", &mut SeqRandom::default());
    assert_eq!(
        open_doc(&v, WS, &doc).expect("opens").generation,
        6,
        "a branch's generation was not outnumbered"
    );
    let gone = s.deletions("records-0");
    assert_eq!(gone.len(), 1);
    let json = serde_json::to_string(&gone[0]).expect("serialises");
    assert_eq!(json, r#"{"_id":"records-0","_rev":"3-b","_deleted":true}"#);
    s.deleted_branch("records-0", "3-b");
    assert!(s.deletions("records-0").is_empty() && s.losers.is_empty());
}

#[test]
fn a_push_clears_the_change_only_if_nothing_changed_on_the_way() {
    let v = vault();
    let mut s = state();
    let key = SyncKey::Store(StoreKey::Settings);
    s.changed(key);
    let (_, count) = s.to_push(&v, WS, key, "a", &mut SeqRandom::default());
    s.changed(key);
    s.pushed("settings", "1-a", 1, "a", count);
    assert!(
        s.has_pending(),
        "a change made during the push was forgotten"
    );
    let (_, count) = s.to_push(&v, WS, key, "b", &mut SeqRandom::default());
    s.pushed("settings", "2-a", 2, "b", count);
    assert!(!s.has_pending());
    let back = SyncState::decode(&s.encode()).expect("as set up");
    assert_eq!(back, s);
}

/// A workspace called Sam, with its data key.
fn sam(rng: &mut SeqRandom) -> (WorkspaceMeta, Vault) {
    let pass = "correct horse battery";
    WorkspaceMeta::create("Sam", pass, pass, &[], this_morning(), rng).expect("as set up")
}

#[test]
fn the_server_key_needs_both_the_passphrase_and_the_secret() {
    let mut rng = SeqRandom::default();
    let (meta, v) = sam(&mut rng);
    let secret = make_secret(&mut rng);
    assert!(secret_shape_ok(&secret));
    let sm = SyncMeta::make(
        &meta,
        &v,
        "correct horse battery",
        &secret,
        this_morning(),
        &mut rng,
    )
    .expect("as set up");
    assert_eq!(
        sm.kdf.m_kib,
        KdfParams::recommended(&mut rng).m_kib,
        "the server's copy is guarded by weaker settings"
    );
    let text = sm.to_server(None);
    assert!(
        !text.contains("Sam"),
        "the workspace label reached the server"
    );
    let (back, rev) = SyncMeta::from_server(&text.replace("\"_id\"", "\"_rev\":\"1-x\",\"_id\""))
        .expect("as set up");
    assert_eq!(rev.as_deref(), Some("1-x"));
    let (opened, label) = back
        .open("correct horse battery", &secret.to_lowercase())
        .expect("as set up");
    assert_eq!((opened.expose(), label.as_str()), (v.expose(), "Sam"));
    assert_eq!(
        back.open("correct horse battery", &make_secret(&mut rng))
            .err(),
        Some(AccessError::WrongPassphrase)
    );
    assert_eq!(
        back.open("wrong horse battery", &secret).err(),
        Some(AccessError::WrongPassphrase)
    );
    let changed = back
        .rewrapped(&opened, "a new passphrase here", &secret, &mut rng)
        .expect("as set up");
    assert!(changed.open("correct horse battery", &secret).is_err());
    assert!(changed.open("a new passphrase here", &secret).is_ok());
    assert_eq!(changed.epoch, back.epoch);
}

#[test]
fn a_new_pc_adopts_the_workspace_id_and_refuses_it_twice() {
    let mut rng = SeqRandom::default();
    let (meta, v) = sam(&mut rng);
    let here = WorkspaceMeta::adopt(
        &meta.id,
        "Sam",
        "another passphrase",
        &v,
        &[],
        this_morning(),
        &mut rng,
    )
    .expect("as set up");
    assert_eq!(here.id, meta.id);
    assert_eq!(
        here.unlock("another passphrase")
            .expect("as set up")
            .expose(),
        v.expose()
    );
    assert_eq!(
        WorkspaceMeta::adopt(
            &meta.id,
            "Sam 2",
            "another passphrase",
            &v,
            &[here],
            this_morning(),
            &mut rng
        )
        .err(),
        Some(AccessError::AlreadyHere)
    );
}

#[test]
fn new_people_on_a_syncing_pc_go_to_its_own_parts() {
    let mut ws = demo(120);
    let before: BTreeSet<u32> = ws
        .all_keys()
        .iter()
        .filter_map(|k| match k {
            StoreKey::Records(n) => Some(*n),
            _ => None,
        })
        .collect();
    let s = state();
    ws.place_new_people_from(Some(s.first_part));
    assert!(s.first_part >= crate::model::PARTS_PER_PC && s.first_part < 1_000_000_000);
    for n in 0..60u8 {
        let id = PersonId::from_random([n; 16]);
        let chunk = ws.place(id);
        assert!(
            chunk >= s.first_part && chunk < s.first_part + crate::model::PARTS_PER_PC,
            "person {n} went to shared part {chunk}"
        );
        assert!(!before.contains(&chunk));
    }
    assert_eq!(
        ws.placement
            .values()
            .filter(|c| **c == s.first_part)
            .count(),
        crate::store::format::CHUNK_CAPACITY
    );
}

/// Two PCs' copies of a part, each edited from `base`.
fn edited(base: &Workspace, edit: impl Fn(&mut Workspace)) -> String {
    let mut ws = base.clone();
    edit(&mut ws);
    ws.encode(StoreKey::Records(0))
}

fn people_in(ws: &Workspace) -> Vec<PersonId> {
    ws.placement
        .iter()
        .filter(|(_, c)| **c == 0)
        .map(|(p, _)| *p)
        .collect()
}

fn decode(text: &str) -> Workspace {
    let mut ws = Workspace::new();
    ws.apply_document(StoreKey::Records(0), text)
        .expect("as set up");
    ws
}

#[test]
fn edits_to_different_people_both_arrive_without_asking() {
    let base = demo(40);
    let ids = people_in(&base);
    let a = edited(&base, |ws| {
        ws.people.get_mut(&ids[0]).expect("as set up").reference = "EDITED-A".into()
    });
    let b = edited(&base, |ws| {
        ws.people.get_mut(&ids[1]).expect("as set up").reference = "EDITED-B".into()
    });
    let key = SyncKey::Store(StoreKey::Records(0));
    let base_text = base.encode(StoreKey::Records(0));
    let m =
        merge_texts(key, Some(&base_text), &a, &b, LABELS, &BTreeSet::new()).expect("as set up");
    let ws = decode(&m.text);
    assert_eq!(ws.people[&ids[0]].reference, "EDITED-A");
    assert_eq!(ws.people[&ids[1]].reference, "EDITED-B");
    assert!(m.conflicted.is_empty() && m.kept.is_empty());
    let back = merge_texts(
        key,
        Some(&base_text),
        &b,
        &a,
        [LABELS[1], LABELS[0]],
        &BTreeSet::new(),
    )
    .expect("as set up");
    assert_eq!(back.text, m.text, "the two PCs would not agree");
}

#[test]
fn the_same_field_changed_on_two_pcs_keeps_both_values() {
    let base = demo(40);
    let r = *base
        .referrals
        .values()
        .find(|r| base.placement[&r.person] == 0)
        .map(|r| &r.id)
        .expect("as set up");
    let a = edited(&base, |ws| {
        ws.referrals.get_mut(&r).expect("as set up").notes = "from A".into()
    });
    let b = edited(&base, |ws| {
        ws.referrals.get_mut(&r).expect("as set up").notes = "from B".into()
    });
    let key = SyncKey::Store(StoreKey::Records(0));
    let base_text = base.encode(StoreKey::Records(0));
    let m =
        merge_texts(key, Some(&base_text), &a, &b, LABELS, &BTreeSet::new()).expect("as set up");
    let ws = decode(&m.text);
    let c = &ws.referrals[&r].conflicts;
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].field, "notes");
    let values: BTreeSet<String> = c[0]
        .values
        .iter()
        .map(|v| format!("{}={}", v.from, v.value))
        .collect();
    assert_eq!(
        values,
        BTreeSet::from([
            "PC AAAA=\"from A\"".to_owned(),
            "PC BBBB=\"from B\"".to_owned()
        ])
    );
    assert_eq!(m.conflicted.len(), 1);
    let back = merge_texts(
        key,
        Some(&base_text),
        &b,
        &a,
        [LABELS[1], LABELS[0]],
        &BTreeSet::new(),
    )
    .expect("as set up");
    assert_eq!(back.text, m.text);
}

#[test]
fn a_deleted_person_stays_deleted_whatever_the_other_pc_did() {
    let base = demo(40);
    let ids = people_in(&base);
    let gone: BTreeSet<PersonId> = [ids[2]].into();
    let a = edited(&base, |ws| {
        ws.delete_person(ids[2]).expect("as set up");
    });
    let b = edited(&base, |ws| {
        ws.people.get_mut(&ids[2]).expect("as set up").reference = "STILL-HERE".into()
    });
    let key = SyncKey::Store(StoreKey::Records(0));
    for base_text in [Some(base.encode(StoreKey::Records(0))), None] {
        let m = merge_texts(key, base_text.as_deref(), &a, &b, LABELS, &gone).expect("as set up");
        assert!(!m.text.contains("STILL-HERE"));
        assert!(!decode(&m.text).people.contains_key(&ids[2]));
        assert!(decode(&m.text)
            .referrals
            .values()
            .all(|r| r.person != ids[2]));
    }
    let cleaned = without_gone(&b, &gone)
        .expect("as set up")
        .expect("as set up");
    assert!(!cleaned.contains("STILL-HERE"));
    assert_eq!(without_gone(&a, &gone).expect("as set up"), None);
}

#[test]
fn a_removal_stands_unless_the_other_pc_changed_the_person() {
    let base = demo(40);
    let ids = people_in(&base);
    let base_text = base.encode(StoreKey::Records(0));
    let key = SyncKey::Store(StoreKey::Records(0));
    let removed = edited(&base, |ws| {
        ws.drop_person(ids[3]);
    });
    let m = merge_texts(
        key,
        Some(&base_text),
        &removed,
        &base_text,
        LABELS,
        &BTreeSet::new(),
    )
    .expect("as set up");
    assert!(
        !decode(&m.text).people.contains_key(&ids[3]),
        "a removal was undone by a PC that had not changed the person"
    );
    let changed = edited(&base, |ws| {
        ws.people.get_mut(&ids[3]).expect("as set up").reference = "CHANGED".into()
    });
    let m = merge_texts(
        key,
        Some(&base_text),
        &removed,
        &changed,
        LABELS,
        &BTreeSet::new(),
    )
    .expect("as set up");
    assert_eq!(decode(&m.text).people[&ids[3]].reference, "CHANGED");
    assert_eq!(m.kept, vec!["CHANGED".to_owned()]);
}

#[test]
fn new_people_on_both_pcs_are_all_kept() {
    let base = demo(10);
    let more_a = demo(30);
    let key = SyncKey::Store(StoreKey::Records(0));
    let a = base.encode(StoreKey::Records(0));
    let mut other = generate(
        &DemoSpec {
            seed: 99,
            referrals: 12,
            span_days: 100,
        },
        today(),
    );
    other.place_new_people_from(None);
    let b = other.encode(StoreKey::Records(0));
    let m = merge_texts(key, None, &a, &b, LABELS, &BTreeSet::new()).expect("as set up");
    let ws = decode(&m.text);
    assert_eq!(
        ws.people.len(),
        people_in(&base).len() + people_in(&other).len()
    );
    drop(more_a);
}

#[test]
fn settings_changed_on_two_pcs_merge_practices_by_id() {
    let mut a = demo(5);
    let mut b = a.clone();
    let base = a.encode(StoreKey::Settings);
    a.settings.practices[0].name = "Renamed on A".into();
    let mut extra = b.settings.practices[0].clone();
    extra.id = crate::model::PracticeId::from_random([7; 16]);
    extra.name = "Added on B".into();
    b.settings.practices.push(extra);
    let key = SyncKey::Store(StoreKey::Settings);
    let m = merge_texts(
        key,
        Some(&base),
        &a.encode(StoreKey::Settings),
        &b.encode(StoreKey::Settings),
        LABELS,
        &BTreeSet::new(),
    )
    .expect("as set up");
    let mut ws = Workspace::new();
    ws.apply_document(StoreKey::Settings, &m.text)
        .expect("as set up");
    let names: Vec<&str> = ws
        .settings
        .practices
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert!(
        names.contains(&"Renamed on A") && names.contains(&"Added on B"),
        "{names:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Whichever PC merges, the result is the same text, and no person either PC had
    /// (and nobody deleted) is lost.
    #[test]
    fn merging_parts_agrees_and_loses_no_one(seed in 0u64..1000, edits in proptest::collection::vec((0usize..30, 0u8..3), 0..12)) {
        let base = generate(&DemoSpec { seed, referrals: 30, span_days: 200 }, today());
        let ids = people_in(&base);
        let apply = |which: u8| edited(&base, |ws| {
            for (n, (i, side)) in edits.iter().enumerate() {
                if *side != which { continue; }
                let id = ids[i % ids.len()];
                if let Some(p) = ws.people.get_mut(&id) { p.reference = format!("E{which}-{n}"); }
                if let Some(r) = ws.referrals.values_mut().find(|r| r.person == id) { r.notes = format!("note {which} {n}"); }
            }
        });
        let (a, b) = (apply(0), apply(1));
        let key = SyncKey::Store(StoreKey::Records(0));
        let base_text = base.encode(StoreKey::Records(0));
        for bt in [Some(base_text.as_str()), None] {
            let m1 = merge_texts(key, bt, &a, &b, LABELS, &BTreeSet::new()).expect("as set up");
            let m2 = merge_texts(key, bt, &b, &a, [LABELS[1], LABELS[0]], &BTreeSet::new()).expect("as set up");
            prop_assert_eq!(&m1.text, &m2.text);
            let ws = decode(&m1.text);
            for id in &ids { prop_assert!(ws.people.contains_key(id)); }
            // Merging the result with either copy again changes nothing more.
            let again = merge_texts(key, Some(&a), &m1.text, &a, LABELS, &BTreeSet::new()).expect("as set up");
            prop_assert_eq!(&again.text, &m1.text);
        }
    }
}
