//! Shared helpers for the crate's tests.

use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use crate::model::{
    AgeBand, Choice, Closure, Contact, ContactId, ContactOutcome, EthnicGroup, Person, PersonId,
    Practice, PracticeId, Referral, ReferralId, ReferralStatus, Sex, StatusChange, Workspace,
};
use crate::store::crypto::Random;

/// A 30-minute booking at `start` on `date`, with no place.
pub fn booking(date: &str, start: &str, mode: &str) -> crate::work::diary::AppointmentDraft {
    crate::work::diary::AppointmentDraft {
        date: date.into(),
        start: start.into(),
        minutes: "30".into(),
        mode: mode.into(),
        place: String::new(),
    }
}

/// The fixed "today" of the tests.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).expect("valid date")
}

/// Nine in the morning of [`today`], e.g. when a summary was made.
pub fn this_morning() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0)
        .single()
        .expect("valid")
}

/// Reads a file from `crates/core/fixtures`.
pub fn fixture(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// The tests' repeatable random source (seed 1).
pub struct SeqRandom(crate::work::demo::Seeded);

impl Default for SeqRandom {
    fn default() -> Self {
        Self(crate::work::demo::Seeded::new(1))
    }
}

impl Random for SeqRandom {
    fn fill(&mut self, out: &mut [u8]) {
        self.0.fill(out);
    }
}

/// A workspace with one practice and no records.
pub fn practice_ws() -> Workspace {
    let mut ws = Workspace::new();
    ws.settings.practices.push(Practice {
        id: PracticeId::from_random([1; 16]),
        name: "Riverside Medical Practice".into(),
        list_size: Some(11_200),
        retired: false,
    });
    ws
}

/// A workspace with one practice, one person and one referral.
pub fn one_referral_ws() -> Workspace {
    let mut ws = practice_ws();
    let person = PersonId::from_random([2; 16]);
    ws.people.insert(
        person,
        Person {
            id: person,
            reference: "RV-0001".into(),
            age_band: None,
            sex: None,
            ethnic_group: None,
            deprivation_quintile: None,
            lineage: Vec::new(),
            conflicts: Vec::new(),
        },
    );
    let id = ReferralId::from_random([3; 16]);
    let at = Utc
        .with_ymd_and_hms(2026, 11, 2, 10, 0, 0)
        .single()
        .expect("valid time");
    let mut referral = Referral::new(
        id,
        crate::model::RecordKey::hashed(b"test", id.0.as_bytes()),
        person,
        ws.settings.practices[0].id,
        NaiveDate::from_ymd_opt(2026, 11, 2).expect("valid date"),
        ReferralStatus::Referred,
        at,
    );
    referral.referrer_role = "gp".into();
    referral.reasons = vec!["loneliness".into()];
    ws.referrals.insert(id, referral);
    ws.place(person);
    ws
}

fn arb_choice<T: Choice + std::fmt::Debug>() -> impl Strategy<Value = Option<T>> {
    proptest::option::of(proptest::sample::select(T::ALL))
}

prop_compose! {
    pub(crate) fn arb_referral(practices: Vec<PracticeId>, people: Vec<PersonId>)(
        id in any::<[u8; 16]>(),
        practice in proptest::sample::select(practices),
        person in proptest::sample::select(people),
        days in 0i64..9000,
        role in proptest::sample::select(vec!["gp", "self", "hospital", "retired-role"]),
        reasons in proptest::collection::vec(proptest::sample::select(vec!["loneliness", "money", "housing", "x"]), 1..4),
        notes in ".{0,40}",
        status in proptest::sample::select(ReferralStatus::ALL),
        secs in 0i64..2_000_000_000,
        contacts in proptest::collection::vec((any::<u32>(), 0i64..400, 0u32..240, proptest::sample::select(ContactOutcome::ALL), ".{0,20}"), 0..5),
        what_matters in ".{0,30}",
        risks in proptest::collection::vec((0i64..400, proptest::sample::select(vec!["safeguarding", "lone_working", "retired-kind"]), ".{1,20}", proptest::option::of((0i64..30, ".{1,10}"))), 0..3),
        consent in proptest::collection::vec((0i64..400, 0u8..5, proptest::sample::select(vec![crate::model::consent::ConsentAnswer::Yes, crate::model::consent::ConsentAnswer::No, crate::model::consent::ConsentAnswer::CodesOnly]), proptest::sample::select(crate::model::consent::ConsentHow::ALL)), 0..4),
        plan in proptest::collection::vec((proptest::sample::select(crate::model::plan::ActionBy::ALL), "[a-z ]{0,10}", "[a-z ]{1,20}", proptest::option::of(0i64..100), proptest::option::of(1u32..4)), 0..3),
        edits in proptest::collection::vec(("[A-Za-z ]{1,12}", ".{0,12}", ".{0,12}"), 0..2),
        tasks in proptest::collection::vec(("[a-z ]{1,20}", proptest::option::of(0i64..100), proptest::option::of(0i64..100)), 0..3),
        appointments in proptest::collection::vec((0i64..400, 0u32..1380, 5u32..60, ".{0,12}", any::<bool>()), 0..3),
        case_notes in proptest::collection::vec((0i64..400, proptest::sample::select(crate::model::diary::NoteKind::ALL), 0u32..600, ".{1,20}"), 0..3),
        handed in proptest::option::of(("[A-Za-z ()]{1,12}", 0i64..400)),
        arrived in proptest::collection::vec(("[A-Za-z ()]{1,12}", 0i64..400, any::<bool>(), proptest::collection::vec("[a-z_]{1,8}/[0-9]", 0..3)), 0..2),
        lineage in proptest::collection::vec(any::<u64>(), 0..3),
    ) -> Referral {
        let date = NaiveDate::from_ymd_opt(2001, 1, 1).expect("valid") + chrono::Duration::days(days);
        let at = Utc.timestamp_opt(secs, 0).single().expect("in range");
        Referral {
            id: ReferralId::from_random(id),
            key: crate::model::RecordKey::hashed(b"test", &id),
            person,
            practice,
            referral_date: date,
            referrer_role: role.to_owned(),
            reasons: reasons.into_iter().map(str::to_owned).collect(),
            notes,
            status,
            created: at,
            updated: at + chrono::Duration::seconds(secs % 1000),
            history: vec![
                StatusChange { status: ReferralStatus::Referred, date },
                StatusChange { status, date: date + chrono::Duration::days(3) },
            ],
            what_matters,
            risks: risks
                .into_iter()
                .enumerate()
                .map(|(i, (d, kind, concern, closed))| crate::model::risk::RiskEntry {
                    id: crate::model::risk::RiskId::legacy(i as u32 + 1),
                    date: date + chrono::Duration::days(d),
                    kind: kind.to_owned(),
                    concern,
                    action: String::new(),
                    told: vec!["gp".into()],
                    closed: closed.map(|(after, resolution)| crate::model::risk::RiskClosure {
                        date: date + chrono::Duration::days(d + after),
                        resolution,
                    }),
                })
                .collect(),
            consent: consent
                .into_iter()
                .enumerate()
                .map(|(i, (d, about, answer, how))| crate::model::consent::ConsentEntry {
                    id: crate::model::consent::ConsentId::legacy(i as u32 + 1),
                    date: date + chrono::Duration::days(d),
                    about: match about {
                        0 => crate::model::consent::ConsentAbout::Support,
                        1 => crate::model::consent::ConsentAbout::GpInformation,
                        2 => crate::model::consent::ConsentAbout::Outcomes,
                        3 => crate::model::consent::ConsentAbout::Quote,
                        _ => crate::model::consent::ConsentAbout::Connection(crate::model::directory::ConnectionId::legacy(1)),
                    },
                    answer,
                    how,
                })
                .collect(),
            plan: plan
                .into_iter()
                .enumerate()
                .map(|(i, (by, service, what, due, task))| crate::model::plan::AgreedAction {
                    id: crate::model::plan::ActionId::legacy(i as u32 + 1),
                    by,
                    service,
                    what,
                    due: due.map(|d| date + chrono::Duration::days(d)),
                    task: task.map(crate::model::diary::TaskId::legacy),
                })
                .collect(),
            edits: edits
                .into_iter()
                .map(|(field, from, to)| crate::model::audit::FactEdit { at, by: "Hillview PC".into(), field, from, to })
                .collect(),
            kept: None,
            tasks: tasks
                .into_iter()
                .enumerate()
                .map(|(i, (text, due, done))| crate::model::diary::Task {
                    id: crate::model::diary::TaskId::legacy(i as u32 + 1),
                    text,
                    due: due.map(|d| date + chrono::Duration::days(d)),
                    done: done.map(|d| date + chrono::Duration::days(d)),
                })
                .collect(),
            appointments: appointments
                .into_iter()
                .enumerate()
                .map(|(i, (d, at, minutes, place, marked))| crate::model::diary::Appointment {
                    id: crate::model::diary::AppointmentId::legacy(i as u32 + 1),
                    date: date + chrono::Duration::days(d),
                    start: chrono::NaiveTime::from_num_seconds_from_midnight_opt(at * 60, 0).expect("in the day"),
                    minutes,
                    mode: "telephone".into(),
                    place,
                    contact: marked.then_some(ContactId::legacy(1)),
                })
                .collect(),
            contacts: contacts
                .into_iter()
                .map(|(id, d, minutes, outcome, note)| Contact {
                    id: ContactId::legacy(id),
                    date: date + chrono::Duration::days(d),
                    mode: "telephone".into(),
                    minutes,
                    outcome,
                    note,
                })
                .collect(),
            case_notes: case_notes
                .into_iter()
                .enumerate()
                .map(|(i, (d, kind, minutes, text))| crate::model::diary::CaseNote {
                    id: crate::model::diary::NoteId::legacy(i as u32 + 1),
                    date: date + chrono::Duration::days(d),
                    kind,
                    minutes,
                    text,
                })
                .collect(),
            connections: Vec::new(),
            goals: Vec::new(),
            measures: Vec::new(),
            feedback: None,
            closure: (status == ReferralStatus::Closed).then(|| Closure {
                date: date + chrono::Duration::days(3),
                reason: "complete".into(),
            }),
            outcome_note: String::new(),
            handed: handed.map(|(to, d)| crate::model::handover::HandedOver { to, on: date + chrono::Duration::days(d) }),
            arrived: arrived
                .into_iter()
                .map(|(from, d, back, parts)| crate::model::handover::Provenance {
                    from,
                    on: date + chrono::Duration::days(d),
                    arrival: if back { crate::model::handover::Arrival::HandedBack } else { crate::model::handover::Arrival::HandedOver },
                    parts,
                    note: String::new(),
                })
                .collect(),
            conflicts: Vec::new(),
            lineage: lineage.into_iter().map(crate::model::handover::Rev).collect(),
            removed: Vec::new(),
            exchanged: None,
        }
    }
}

prop_compose! {
    fn arb_person()(
        id in any::<[u8; 16]>(),
        reference in "[A-Za-z0-9 \\-'\"<>&é]{1,20}",
        age_band in arb_choice::<AgeBand>(),
        sex in arb_choice::<Sex>(),
        ethnic_group in arb_choice::<EthnicGroup>(),
        deprivation_quintile in proptest::option::of(1u8..=5),
    ) -> Person {
        Person { id: PersonId::from_random(id), reference, age_band, sex, ethnic_group, deprivation_quintile, lineage: Vec::new(), conflicts: Vec::new() }
    }
}

/// Any workspace: random practices, lists edits, people and referrals.
pub fn arb_workspace() -> impl Strategy<Value = Workspace> {
    (
        proptest::collection::vec(
            (
                "[a-zA-Z '&]{1,30}",
                proptest::option::of(0u32..50_000),
                any::<bool>(),
                any::<[u8; 16]>(),
            ),
            1..5,
        ),
        proptest::collection::vec(arb_person(), 1..250),
        proptest::option::of("[a-z ]{1,12}"),
        proptest::collection::vec(
            (
                "[A-Za-z '&]{1,30}",
                any::<[u8; 16]>(),
                proptest::option::of(0i64..3000),
                any::<bool>(),
            ),
            0..4,
        ),
    )
        .prop_flat_map(|(practices, people, extra_reason, resources)| {
            let practices: Vec<Practice> = practices
                .into_iter()
                .map(|(name, list_size, retired, id)| Practice {
                    id: PracticeId::from_random(id),
                    name,
                    list_size,
                    retired,
                })
                .collect();
            let practice_ids: Vec<PracticeId> = practices.iter().map(|p| p.id).collect();
            let person_ids: Vec<PersonId> = people.iter().map(|p| p.id).collect();
            let referrals =
                proptest::collection::vec(arb_referral(practice_ids, person_ids), 0..300);
            (
                Just(practices),
                Just(people),
                Just(extra_reason),
                referrals,
                Just(resources),
            )
        })
        .prop_map(|(practices, people, extra_reason, referrals, resources)| {
            let mut ws = Workspace::new();
            for (i, (name, id, checked, active)) in resources.into_iter().enumerate() {
                // The workspace's own tasks, from the same values.
                let day = checked.map(|d| {
                    NaiveDate::from_ymd_opt(2020, 1, 1).expect("valid") + chrono::Duration::days(d)
                });
                ws.tasks.push(crate::model::diary::Task {
                    id: crate::model::diary::TaskId::legacy(i as u32 + 1),
                    text: name.clone(),
                    due: day,
                    done: (!active).then_some(day).flatten(),
                });
                let r = crate::work::directory::Resource {
                    id: crate::work::directory::ResourceId::from_random(id),
                    oruk_id: active.then(|| name.clone()),
                    name,
                    category: "social".into(),
                    active,
                    last_checked: checked.map(|d| {
                        NaiveDate::from_ymd_opt(2020, 1, 1).expect("valid")
                            + chrono::Duration::days(d)
                    }),
                    ..crate::work::directory::Resource::default()
                };
                ws.directory.insert(r.id, r);
            }
            ws.settings.last_practice = practices.first().map(|p| p.id);
            ws.settings.practices = practices;
            if let Some(label) = extra_reason {
                let _ = ws
                    .settings
                    .lists
                    .add(crate::model::lists::ListKind::Reasons, &label);
            }
            for p in people {
                ws.place(p.id);
                ws.people.insert(p.id, p);
            }
            for r in referrals {
                ws.referrals.insert(r.id, r);
            }
            ws
        })
}

/// A workspace with two people, RV-0001 and RV-0002, each with one closed referral with
/// every part filled in. Each of their free texts holds their marker ("alpha" for the first,
/// "bravo" for the second) and nothing of the other's. Both use one directory entry; the
/// workspace's own task, an activity note and the entry's notes mention RV-0001 by reference.
pub fn rich_ws() -> (Workspace, [ReferralId; 2]) {
    use crate::model::consent::{ConsentAbout, ConsentAnswer, ConsentEntry, ConsentHow, ConsentId};
    use crate::model::diary::{
        Appointment, AppointmentId, CaseNote, NoteId, NoteKind, Task, TaskId,
    };
    use crate::model::directory::{Connection, ConnectionChange, ConnectionId, ConnectionStatus};
    use crate::model::measures::{
        Completion, Feedback, MeasureId, MeasureRecord, MeasureResult, TimePoint,
    };
    use crate::model::plan::{ActionBy, ActionId, AgreedAction};
    use crate::model::risk::{RiskClosure, RiskEntry, RiskId};

    let mut ws = practice_ws();
    let resource = crate::model::directory::Resource {
        id: crate::model::directory::ResourceId::from_random([5; 16]),
        name: "Riverside Walking Group".into(),
        organisation: "Riverside Ramblers".into(),
        category: "physical_activity".into(),
        contact: "01632 960123".into(),
        email: "walks@example.org".into(),
        website: "https://example.org/walks".into(),
        opening: "Tuesdays at 10am".into(),
        address: "Riverside Park gates".into(),
        notes: "RV-0001 loved the first walk".into(),
        ..crate::model::directory::Resource::default()
    };
    ws.directory.insert(resource.id, resource.clone());
    ws.tasks.push(Task {
        id: TaskId::legacy(1),
        text: "Ask the housing team about rv-0001 and the damp".into(),
        due: None,
        done: None,
    });
    ws.practice_work
        .activities
        .push(crate::model::practice_work::Activity {
            id: crate::model::practice_work::ActivityId::legacy(1),
            date: today(),
            kind: crate::model::practice_work::ActivityKind::TeamMeeting,
            practice: Some(ws.settings.practices[0].id),
            resource: None,
            organisation: String::new(),
            minutes: 30,
            note: "Discussed RV-0001 at the team meeting".into(),
        });
    let mut ids = [ReferralId::default(); 2];
    for (n, (reference, m)) in [("RV-0001", "alpha"), ("RV-0002", "bravo")]
        .into_iter()
        .enumerate()
    {
        let person = PersonId::from_random([10 + n as u8; 16]);
        ws.people.insert(
            person,
            Person {
                id: person,
                reference: reference.into(),
                age_band: Some(AgeBand::From65To74),
                sex: Some(Sex::Female),
                ethnic_group: Some(EthnicGroup::White),
                deprivation_quintile: Some(2),
                lineage: Vec::new(),
                conflicts: Vec::new(),
            },
        );
        let id = ReferralId::from_random([20 + n as u8; 16]);
        let date = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).expect("valid date");
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid");
        let mut r = Referral::new(
            id,
            crate::model::RecordKey::hashed(m.as_bytes(), id.0.as_bytes()),
            person,
            ws.settings.practices[0].id,
            date(2),
            ReferralStatus::Referred,
            at,
        );
        r.referrer_role = "gp".into();
        r.reasons = vec!["loneliness".into(), "money".into()];
        r.notes = format!("{m} referral notes");
        r.status = ReferralStatus::Closed;
        r.history.push(StatusChange {
            status: ReferralStatus::Active,
            date: date(5),
        });
        r.history.push(StatusChange {
            status: ReferralStatus::Closed,
            date: date(30),
        });
        r.what_matters = format!("{m} what matters");
        r.risks.push(RiskEntry {
            id: RiskId::legacy(1),
            date: date(5),
            kind: "safeguarding".into(),
            concern: format!("{m} risk concern"),
            action: format!("{m} risk action"),
            told: vec!["gp".into()],
            closed: Some(RiskClosure {
                date: date(20),
                resolution: format!("{m} risk resolution"),
            }),
        });
        for (i, (about, answer, how)) in [
            (
                ConsentAbout::Support,
                ConsentAnswer::Yes,
                ConsentHow::Verbal,
            ),
            (
                ConsentAbout::GpInformation,
                ConsentAnswer::CodesOnly,
                ConsentHow::Written,
            ),
            (
                ConsentAbout::Connection(ConnectionId::legacy(1)),
                ConsentAnswer::Yes,
                ConsentHow::Verbal,
            ),
            (ConsentAbout::Quote, ConsentAnswer::Yes, ConsentHow::Verbal),
        ]
        .into_iter()
        .enumerate()
        {
            r.consent.push(ConsentEntry {
                id: ConsentId::legacy(i as u32 + 1),
                date: date(5),
                about,
                answer,
                how,
            });
        }
        r.plan.push(AgreedAction {
            id: ActionId::legacy(1),
            by: ActionBy::Service,
            service: format!("{m} plan service"),
            what: format!("{m} plan action"),
            due: Some(date(20)),
            task: Some(TaskId::legacy(1)),
        });
        r.tasks.push(Task {
            id: TaskId::legacy(1),
            text: format!("{m} task"),
            due: Some(date(20)),
            done: Some(date(19)),
        });
        r.contacts.push(Contact {
            id: ContactId::legacy(1),
            date: date(5),
            mode: "practice".into(),
            minutes: 45,
            outcome: ContactOutcome::Attended,
            note: format!("{m} contact note"),
        });
        r.appointments.push(Appointment {
            id: AppointmentId::legacy(1),
            date: date(5),
            start: chrono::NaiveTime::from_hms_opt(10, 30, 0).expect("valid time"),
            minutes: 45,
            mode: "practice".into(),
            place: format!("{m} room"),
            contact: Some(ContactId::legacy(1)),
        });
        r.case_notes.push(CaseNote {
            id: NoteId::legacy(1),
            date: date(6),
            kind: NoteKind::OnBehalf,
            minutes: 20,
            text: format!("{m} case note"),
        });
        r.connections.push(Connection {
            id: ConnectionId::legacy(1),
            resource: Some(resource.id),
            name: "Riverside Walking Group".into(),
            category: "physical_activity".into(),
            status: ConnectionStatus::Attended,
            history: vec![
                ConnectionChange {
                    status: ConnectionStatus::Referred,
                    date: date(6),
                },
                ConnectionChange {
                    status: ConnectionStatus::Attended,
                    date: date(10),
                },
            ],
            feedback: format!("{m} connection feedback"),
        });
        r.goals = vec![format!("{m} first goal"), format!("{m} second goal")];
        r.measures.push(MeasureRecord {
            id: MeasureId::legacy(1),
            instrument: "ons4".into(),
            time_point: TimePoint::Baseline,
            date: date(5),
            completion: Completion::SelfCompleted,
            result: MeasureResult::Answers {
                answers: vec![3, 4, 5, 8],
            },
        });
        r.measures.push(MeasureRecord {
            id: MeasureId::legacy(2),
            instrument: "swemwbs".into(),
            time_point: TimePoint::Baseline,
            date: date(5),
            completion: Completion::Assisted,
            result: MeasureResult::Declined {
                reason: format!("{m} declined reason"),
            },
        });
        r.feedback = Some(Feedback {
            date: Some(date(30)),
            satisfaction: Some(5),
            would_recommend: Some(true),
            quote: format!("{m} feedback quote"),
        });
        r.closure = Some(Closure {
            date: date(30),
            reason: "complete".into(),
        });
        r.outcome_note = format!("{m} outcome note");
        r.edits.push(crate::model::audit::FactEdit {
            at,
            by: "Riverside PC 2".into(),
            field: "Notes".into(),
            from: format!("{m} edit before"),
            to: format!("{m} referral notes"),
        });
        r.kept = Some(crate::model::audit::KeptPastRetention {
            date: date(31),
            reason: format!("{m} kept reason"),
        });
        ws.referrals.insert(id, r);
        ws.place(person);
        ids[n] = id;
    }
    (ws, ids)
}
