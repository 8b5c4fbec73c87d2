//! A seeded generator of realistic synthetic caseloads, for demos and
//! benchmarks. The same spec and date always give the same workspace.

mod connections;
mod diary;
pub use diary::top_up_diary;
mod measures;
mod practice_work;

use connections::*;
use measures::*;
use practice_work::*;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::lists::ListKind;
use crate::model::{
    AgeBand, Choice, Closure, Contact, ContactId, ContactOutcome, EthnicGroup, Person, PersonId,
    Practice, PracticeId, Referral, ReferralId, ReferralStatus, Sex, StatusChange, Workspace,
};
use crate::work::directory::Resource;
use crate::work::measures::{Completion, MeasureId, MeasureRecord, MeasureResult, TimePoint};

/// How big a synthetic caseload to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSpec {
    pub seed: u64,
    pub referrals: usize,
    /// How many days back from today the referrals reach.
    pub span_days: u32,
}

impl DemoSpec {
    /// The demo caseload: about 300 referrals over two years.
    pub fn standard() -> Self {
        Self {
            seed: 2026,
            referrals: 300,
            span_days: 730,
        }
    }

    /// A smaller caseload for quick tests (still several storage chunks).
    pub fn small() -> Self {
        Self {
            seed: 7,
            referrals: 150,
            span_days: 365,
        }
    }

    /// A caseload of any size, for benchmarks.
    pub fn sized(referrals: usize) -> Self {
        Self {
            seed: 42,
            referrals,
            span_days: 730,
        }
    }
}

/// Fictional practices: name, reference prefix, registered list size.
const PRACTICES: [(&str, &str, u32); 7] = [
    ("Riverside Medical Practice", "RV", 11_200),
    ("Canal Street Surgery", "CS", 6_400),
    ("Hillview Health Centre", "HV", 14_800),
    ("Northgate Family Practice", "NG", 8_900),
    ("Larchfield Surgery", "LF", 4_300),
    ("Millbrook Health Centre", "MB", 9_700),
    ("Westerton Road Practice", "WR", 7_100),
];

/// Relative frequency of each reason id, loosely following published
/// social prescribing caseloads (isolation and mental wellbeing lead).
const REASON_WEIGHTS: [(&str, u32); 17] = [
    ("loneliness", 26),
    ("low_mood", 30),
    ("bereavement", 8),
    ("money", 16),
    ("housing", 9),
    ("work", 6),
    ("caring", 6),
    ("activity", 10),
    ("long_term_condition", 9),
    ("alcohol_drugs", 3),
    ("relationships", 5),
    ("food", 4),
    ("digital", 3),
    ("transport", 3),
    ("legal", 1),
    ("domestic_abuse", 1),
    ("other", 3),
];

const ROLE_WEIGHTS: [(&str, u32); 12] = [
    ("gp", 46),
    ("practice_nurse", 11),
    ("other_clinician", 8),
    ("reception", 7),
    ("practice_manager", 1),
    ("community_mh", 5),
    ("hospital", 2),
    ("social_work", 3),
    ("community_org", 3),
    ("self", 9),
    ("family_friend", 3),
    ("other", 2),
];

const AGE_WEIGHTS: [(AgeBand, u32); 9] = [
    (AgeBand::Under18, 2),
    (AgeBand::From18To24, 7),
    (AgeBand::From25To34, 11),
    (AgeBand::From35To44, 13),
    (AgeBand::From45To54, 16),
    (AgeBand::From55To64, 17),
    (AgeBand::From65To74, 15),
    (AgeBand::From75To84, 13),
    (AgeBand::Over85, 6),
];

const NOTES: [&str; 8] = [
    "Prefers phone contact in the mornings.",
    "Recently bereaved; GP asked for a gentle approach.",
    "Interested in walking groups.",
    "Letters about rent arrears; wants help with a benefits check.",
    "Caring for a parent; little time for self.",
    "Would like to get back into volunteering.",
    "",
    "",
];

/// A repeatable source of random bytes for made-up data (tests, fixtures, benchmarks): the
/// same seed gives the same ids and nonces every time. Never for a real workspace, whose
/// keys and nonces come from the platform's secure random source.
pub struct Seeded(ChaCha8Rng);

impl Seeded {
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }
}

impl crate::store::crypto::Random for Seeded {
    fn fill(&mut self, out: &mut [u8]) {
        rand::RngCore::fill_bytes(&mut self.0, out);
    }
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total);
    for (item, weight) in weighted {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    weighted[weighted.len() - 1].0
}

/// A random index below `len`. Drawn as `u32`, never `usize`, so the browser
/// (32-bit) and native builds (64-bit) generate the same caseload.
fn index(rng: &mut ChaCha8Rng, len: usize) -> usize {
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    rng.gen_range(0..len) as usize
}

fn random_id(rng: &mut ChaCha8Rng) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    bytes
}

fn at_time(date: NaiveDate, rng: &mut ChaCha8Rng) -> DateTime<Utc> {
    let secs = rng.gen_range(8 * 3600..18 * 3600);
    let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or(NaiveTime::MIN);
    date.and_time(time).and_utc()
}

const MODE_WEIGHTS: [(&str, u32); 7] = [
    ("practice", 35),
    ("telephone", 35),
    ("home_visit", 10),
    ("video", 4),
    ("accompanied", 9),
    ("message", 5),
    ("group", 2),
];

const OUTCOME_WEIGHTS: [(ContactOutcome, u32); 4] = [
    (ContactOutcome::Attended, 84),
    (ContactOutcome::DidNotAttend, 10),
    (ContactOutcome::CancelledByPerson, 4),
    (ContactOutcome::CancelledByLinkWorker, 2),
];

const CLOSURE_WEIGHTS: [(&str, u32); 8] = [
    ("complete", 30),
    ("connected", 32),
    ("referred_on", 8),
    ("withdrew", 10),
    ("no_contact", 12),
    ("moved", 4),
    ("died", 1),
    ("other", 3),
];

const WHAT_MATTERS: [&str; 8] = [
    "Getting out of the house and meeting people again.",
    "Sorting out the debts so I can sleep at night.",
    "Being well enough to look after my grandchildren.",
    "Finding something useful to do with my days.",
    "Feeling less on my own since my wife died.",
    "Getting fitter so I can walk to the shops.",
    "A home that is warm and not damp.",
    "Having someone to talk to about how I feel.",
];

const NEXT_STEPS: [&str; 6] = [
    "Phone to see how the first group session went",
    "Go with them to the welfare rights drop-in",
    "Send details of the walking group",
    "Review goals together",
    "Check the foodbank voucher arrived",
    "Chase the housing association about repairs",
];

const ONWARD: [&str; 3] = [
    "Referred to the community mental health team.",
    "Back to the GP for a medication review; crisis team details given.",
    "Referred to the drug and alcohol service.",
];

/// Fills in a referral's journey: status history, contacts, closure, what
/// matters, risks and the next step, consistent with its status.
fn journey(rng: &mut ChaCha8Rng, r: &mut Referral, today: NaiveDate) {
    let date = r.referral_date;
    let day = |d: i64| date + chrono::Duration::days(d);
    r.history.push(StatusChange {
        status: ReferralStatus::Referred,
        date,
    });
    if rng.gen_bool(0.6) {
        r.what_matters = WHAT_MATTERS[index(rng, WHAT_MATTERS.len())].to_owned();
    }
    for (raised, kind, concern) in [
        (
            rng.gen_bool(0.03),
            "safeguarding",
            "Worried about money being taken by a family member.",
        ),
        (
            rng.gen_bool(0.02),
            "mental_health_crisis",
            "Said they had thought about ending their life.",
        ),
    ] {
        if raised {
            let id = crate::model::risk::RiskId::new();
            r.risks.push(crate::model::risk::RiskEntry {
                id,
                date,
                kind: kind.to_owned(),
                concern: concern.to_owned(),
                action: "Discussed with the GP the same day.".to_owned(),
                told: vec!["gp".to_owned()],
                closed: None,
            });
        }
    }
    let age = (today - date).num_days();
    match r.status {
        ReferralStatus::Referred => {}
        ReferralStatus::WaitingList => r.history.push(StatusChange {
            status: ReferralStatus::WaitingList,
            date: day(rng.gen_range(1..=age.clamp(1, 5))),
        }),
        ReferralStatus::Declined | ReferralStatus::NeedsBeyond => {
            r.history.push(StatusChange {
                status: r.status,
                date: day(rng.gen_range(2..=20)),
            });
            r.outcome_note = if r.status == ReferralStatus::Declined {
                "Did not want support at the moment.".to_owned()
            } else {
                ONWARD[index(rng, ONWARD.len())].to_owned()
            };
        }
        ReferralStatus::Active | ReferralStatus::Closed => {
            // A first contact within days to weeks, then a run of contacts;
            // many people are seen once or twice, about half three or more times.
            let first = rng.gen_range(2..=30).min(age.max(0));
            let planned = pick(
                rng,
                &[
                    (1u32, 22),
                    (2, 24),
                    (3, 18),
                    (4, 13),
                    (5, 9),
                    (6, 7),
                    (7, 4),
                    (8, 3),
                ],
            );
            let mut at = first;
            let end = if r.status == ReferralStatus::Closed {
                age - 3
            } else {
                age
            };
            for n in 0..planned {
                if at > end {
                    break;
                }
                let mut b = [0u8; 16];
                rng.fill(&mut b);
                r.contacts.push(Contact {
                    id: ContactId::legacy(n + 1),
                    date: day(at),
                    mode: pick(rng, &MODE_WEIGHTS).to_owned(),
                    minutes: pick(rng, &[(15u32, 15), (30, 30), (45, 25), (60, 25), (90, 5)]),
                    outcome: if n == 0 {
                        ContactOutcome::Attended
                    } else {
                        pick(rng, &OUTCOME_WEIGHTS)
                    },
                    note: String::new(),
                });
                at += rng.gen_range(5..=21);
            }
            if let Some(first_seen) = r.contacts.first().map(|c| c.date) {
                r.history.push(StatusChange {
                    status: ReferralStatus::Active,
                    date: first_seen,
                });
            } else if r.status == ReferralStatus::Active {
                r.history.push(StatusChange {
                    status: ReferralStatus::Active,
                    date: day(first),
                });
            }
            if r.status == ReferralStatus::Closed {
                let last = r.last_contact().unwrap_or(date);
                let closed = (last + chrono::Duration::days(rng.gen_range(1..=14))).min(today);
                // Nobody closes "goals met" on someone they never saw.
                let reason = if r.contacts.is_empty() {
                    "no_contact".to_owned()
                } else {
                    pick(rng, &CLOSURE_WEIGHTS).to_owned()
                };
                r.history.push(StatusChange {
                    status: ReferralStatus::Closed,
                    date: closed,
                });
                r.closure = Some(Closure {
                    date: closed,
                    reason,
                });
            } else if rng.gen_bool(0.75) {
                r.tasks.push(crate::model::diary::Task {
                    id: crate::model::diary::TaskId::new(),
                    text: NEXT_STEPS[index(rng, NEXT_STEPS.len())].to_owned(),
                    due: Some(today + chrono::Duration::days(rng.gen_range(-10..=21))),
                    done: None,
                });
            }
        }
    }
}

/// Makes a synthetic workspace of `spec.referrals` referrals ending `today`. The same spec
/// and day make the same workspace, entries' ids included (made from the seed, timed two
/// years before `today`, so anything added to the demo later sorts after them).
pub fn generate(spec: &DemoSpec, today: NaiveDate) -> Workspace {
    let start = (today - chrono::Duration::days(730))
        .and_hms_opt(0, 0, 0)
        .map_or(0, |t| {
            u64::try_from(t.and_utc().timestamp_millis()).unwrap_or(0)
        });
    crate::model::ids::seeded(spec.seed ^ 0x4944_5321, start, || made(spec, today))
}

fn made(spec: &DemoSpec, today: NaiveDate) -> Workspace {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut ws = Workspace::new();
    for (name, _, size) in PRACTICES {
        ws.settings.practices.push(Practice {
            id: PracticeId::from_random(random_id(&mut rng)),
            name: name.to_owned(),
            list_size: Some(size),
            retired: false,
        });
    }
    // Bigger practices refer more.
    let practice_weights: Vec<(usize, u32)> = PRACTICES
        .iter()
        .enumerate()
        .map(|(i, (_, _, size))| (i, size / 100))
        .collect();
    let mut numbers = [0u32; PRACTICES.len()];
    let mut people_of: Vec<Vec<PersonId>> = vec![Vec::new(); PRACTICES.len()];
    let span = spec.span_days.max(1);
    let mut journey_rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x4a4f_5552_4e45_5953);
    directory(&mut journey_rng, &mut ws, today);
    let resources: Vec<Resource> = ws.directory.values().cloned().collect();
    for _ in 0..spec.referrals {
        // Referrals grow over time as the service becomes known: the square
        // root skews dates towards the recent end.
        let back = span - ((rng.gen::<f64>().sqrt() * f64::from(span)) as u32).min(span);
        let date = today
            .checked_sub_days(Days::new(u64::from(back)))
            .unwrap_or(today);
        let pi = pick(&mut rng, &practice_weights);
        let practice = ws.settings.practices[pi].id;
        // About one person in eight comes back for a second episode.
        let returning = !people_of[pi].is_empty() && rng.gen_bool(0.12);
        let person = if returning {
            people_of[pi][index(&mut rng, people_of[pi].len())]
        } else {
            numbers[pi] += 1;
            let id = PersonId::from_random(random_id(&mut rng));
            let person = Person {
                id,
                reference: format!("{}-{:05}", PRACTICES[pi].1, numbers[pi] * 7 % 99_991),
                age_band: rng.gen_bool(0.93).then(|| pick(&mut rng, &AGE_WEIGHTS)),
                sex: rng.gen_bool(0.95).then(|| {
                    if rng.gen_bool(0.61) {
                        Sex::Female
                    } else if rng.gen_bool(0.97) {
                        Sex::Male
                    } else {
                        Sex::PreferNotToSay
                    }
                }),
                ethnic_group: rng.gen_bool(0.85).then(|| {
                    let groups = EthnicGroup::ALL;
                    let weights: Vec<(EthnicGroup, u32)> = groups
                        .iter()
                        .zip([9, 4, 3, 80, 2, 2])
                        .map(|(g, w)| (*g, w))
                        .collect();
                    pick(&mut rng, &weights)
                }),
                deprivation_quintile: rng
                    .gen_bool(0.9)
                    .then(|| pick(&mut rng, &[(1u8, 34), (2, 25), (3, 18), (4, 13), (5, 10)])),
                lineage: Vec::new(),
                conflicts: Vec::new(),
            };
            people_of[pi].push(id);
            ws.people.insert(id, person);
            id
        };
        let reason_count = pick(&mut rng, &[(1usize, 45), (2, 38), (3, 17)]);
        let mut reasons: Vec<String> = Vec::new();
        while reasons.len() < reason_count {
            let r = pick(&mut rng, &REASON_WEIGHTS).to_owned();
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
        let age = (today - date).num_days();
        let status = match age {
            0..=6 => ReferralStatus::Referred,
            7..=20 => {
                if rng.gen_bool(0.5) {
                    ReferralStatus::WaitingList
                } else {
                    ReferralStatus::Active
                }
            }
            21..=120 => {
                if rng.gen_bool(0.85) {
                    ReferralStatus::Active
                } else {
                    ReferralStatus::Closed
                }
            }
            _ => match rng.gen_range(0..100) {
                0..=4 => ReferralStatus::Active,
                5..=11 => ReferralStatus::Declined,
                12..=16 => ReferralStatus::NeedsBeyond,
                _ => ReferralStatus::Closed,
            },
        };
        let created = at_time(date, &mut rng);
        let updated = created + chrono::Duration::days(rng.gen_range(0..=age.min(90)));
        let id = ReferralId::from_random(random_id(&mut rng));
        let notes = NOTES[index(&mut rng, NOTES.len())].to_owned();
        let mut referral = Referral::new(
            id,
            // Made-up data: the key comes from the id, so the demo's random
            // stream (and so every made-up figure) is as before.
            crate::model::RecordKey::hashed(b"demo", id.0.as_bytes()),
            person,
            practice,
            date,
            status,
            created,
        );
        referral.referrer_role = pick(&mut rng, &ROLE_WEIGHTS).to_owned();
        referral.reasons = reasons;
        referral.notes = notes;
        referral.updated = updated;
        // The demo's journey fills the history in below.
        referral.history.clear();
        // Journey details come from their own stream, so adding to them never
        // changes who is referred when, or their status.
        journey(&mut journey_rng, &mut referral, today);
        connect(&mut journey_rng, &mut referral, &resources, today);
        outcomes(&mut journey_rng, &mut referral);
        ws.by_person.add(referral.person, id);
        ws.referrals.insert(id, referral);
    }
    // Practice and community work has its own stream too.
    practice_work(
        &mut ChaCha8Rng::seed_from_u64(spec.seed ^ 0x5052_4143_5449_4345),
        &mut ws,
        today,
    );
    // So does the diary: booked appointments and tasks.
    diary::diary(
        &mut ChaCha8Rng::seed_from_u64(spec.seed ^ 0x4449_4152_5921),
        &mut ws,
        today,
    );
    // Place people in the order they were first referred, as a real
    // workspace fills its chunks.
    let mut order: Vec<(NaiveDate, PersonId)> = ws
        .referrals
        .values()
        .map(|r| (r.referral_date, r.person))
        .collect();
    crate::model::order::sort_by(&mut order, Ord::cmp);
    for (_, person) in order {
        ws.place(person);
    }
    debug_assert!(ws
        .referrals
        .values()
        .all(|r| ws.settings.lists.contains(ListKind::Reasons, &r.reasons[0])));
    ws
}

/// Gives every referral at least `per_referral` contacts (dated between
/// the referral and today), for benchmarks at a known size.
pub fn top_up_contacts(ws: &mut Workspace, per_referral: usize, today: NaiveDate) {
    let mut rng = ChaCha8Rng::seed_from_u64(0x00C0_FFEE);
    for r in ws.referrals.values_mut() {
        let span = (today - r.referral_date).num_days().max(0);
        while r.contacts.len() < per_referral {
            let mut b = [0u8; 16];
            rng.fill(&mut b);
            r.contacts.push(Contact {
                id: ContactId::new(),
                date: r.referral_date + chrono::Duration::days(rng.gen_range(0..=span)),
                mode: pick(&mut rng, &MODE_WEIGHTS).to_owned(),
                minutes: pick(
                    &mut rng,
                    &[(15u32, 15), (30, 30), (45, 25), (60, 25), (90, 5)],
                ),
                outcome: pick(&mut rng, &OUTCOME_WEIGHTS),
                note: NOTES[index(&mut rng, NOTES.len())].to_owned(),
            });
        }
        crate::model::order::sort_by_key(&mut r.contacts, |c| c.date);
    }
}

/// Gives every referral without measures two ONS4 sets (a baseline on the
/// referral date and a review up to eight weeks later, not after today), for
/// benchmarks at a known size.
pub fn top_up_measures(ws: &mut Workspace, today: NaiveDate) {
    let mut rng = ChaCha8Rng::seed_from_u64(0x0005_0E75);
    for r in ws.referrals.values_mut().filter(|r| r.measures.is_empty()) {
        let review = (r.referral_date + Days::new(rng.gen_range(14..=56))).min(today);
        for (time_point, date) in [
            (TimePoint::Baseline, r.referral_date),
            (TimePoint::Review, review),
        ] {
            let answers = (0..4).map(|_| rng.gen_range(0..=10u8)).collect();
            r.measures.push(MeasureRecord {
                id: MeasureId::new(),
                instrument: "ons4".into(),
                time_point,
                date,
                completion: Completion::SelfCompleted,
                result: MeasureResult::Answers { answers },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::today;
    use std::collections::BTreeSet;

    /// Open referrals in the standard demo (also asserted end to end).
    const DEMO_OPEN: usize = 87;

    #[test]
    fn the_same_seed_gives_the_same_caseload() {
        let a = generate(&DemoSpec::standard(), today());
        let b = generate(&DemoSpec::standard(), today());
        assert_eq!(a, b);
        let mut other = DemoSpec::standard();
        other.seed += 1;
        assert_ne!(a, generate(&other, today()));
    }

    /// The browser test of the demo checks this same figure on screen, which
    /// proves the browser (32-bit) generates exactly what native code does.
    #[test]
    fn the_demo_open_caseload_is_the_same_every_day() {
        for day in [today(), today() + Days::new(1), today() - Days::new(400)] {
            let ws = generate(&DemoSpec::standard(), day);
            let open = ws.referrals.values().filter(|r| r.status.is_open()).count();
            assert_eq!(open, DEMO_OPEN, "on {day}");
        }
    }

    #[test]
    fn the_demo_looks_like_a_real_service() {
        let ws = generate(&DemoSpec::standard(), today());
        assert_eq!(ws.settings.practices.len(), 7);
        assert_eq!(ws.referrals.len(), 300);
        assert!(
            ws.people.len() > 220 && ws.people.len() < 300,
            "{}",
            ws.people.len()
        );
        let earliest = ws
            .referrals
            .values()
            .map(|r| r.referral_date)
            .min()
            .expect("some");
        let latest = ws
            .referrals
            .values()
            .map(|r| r.referral_date)
            .max()
            .expect("some");
        assert!(earliest >= today() - Days::new(730));
        assert!(latest <= today());
        assert!(
            (today() - earliest).num_days() > 600,
            "spans about two years"
        );
        let practices: BTreeSet<PracticeId> = ws.referrals.values().map(|r| r.practice).collect();
        assert_eq!(practices.len(), 7, "every practice refers");
        let gp = ws
            .referrals
            .values()
            .filter(|r| r.referrer_role == "gp")
            .count();
        assert!(gp > 90 && gp < 190, "GPs refer most but not all: {gp}");
        let open = ws.referrals.values().filter(|r| r.status.is_open()).count();
        assert!(
            open > 30 && open < 200,
            "a believable open caseload: {open}"
        );
        let references: BTreeSet<String> = ws
            .people
            .values()
            .map(|p| p.reference.to_lowercase())
            .collect();
        assert_eq!(references.len(), ws.people.len(), "references are unique");
        for p in ws.people.values() {
            assert_eq!(crate::work::reference::check_reference(&p.reference), None);
        }
    }

    #[test]
    fn topping_up_gives_every_referral_enough_valid_contacts() {
        let mut ws = generate(&DemoSpec::small(), today());
        top_up_contacts(&mut ws, 5, today());
        for r in ws.referrals.values() {
            assert!(r.contacts.len() >= 5);
            assert!(r
                .contacts
                .iter()
                .all(|c| c.date >= r.referral_date && c.date <= today()));
        }
    }

    #[test]
    fn generated_referrals_pass_validation() {
        let ws = generate(&DemoSpec::small(), today());
        for r in ws.referrals.values() {
            let draft = crate::work::referral::ReferralDraft::from_referral(&ws, r);
            assert_eq!(draft.validate(&ws, today(), Some(r.id)).err(), None);
        }
    }
}
