//! The demo's questionnaires: baselines, and later scores that move with engagement.

use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::consent::{ConsentAbout, ConsentAnswer, ConsentEntry, ConsentHow, ConsentId};
use crate::model::{Referral, ReferralStatus};
use crate::work::measures::{
    Completion, Feedback, MeasureId, MeasureRecord, MeasureResult, TimePoint,
};

use super::*;

/// Outcome measures and feedback for people who were seen: ONS4 and
/// SWEMWBS at the first contact and a later one (sometimes declined or not
/// appropriate), improving more often for people seen three or more times.
pub(super) fn outcomes(rng: &mut ChaCha8Rng, r: &mut Referral) {
    let seen: Vec<NaiveDate> = r.attended().map(|c| c.date).collect();
    let Some(first) = seen.first().copied() else {
        return;
    };
    let completion = |rng: &mut ChaCha8Rng| {
        if rng.gen_bool(0.7) {
            Completion::SelfCompleted
        } else {
            Completion::Assisted
        }
    };
    let engaged = seen.len() >= 3;
    for (instrument, chance) in [("ons4", 0.75), ("swemwbs", 0.45)] {
        if !rng.gen_bool(chance) {
            continue;
        }
        let (n, lo, hi) = if instrument == "ons4" {
            (4usize, 0u8, 10u8)
        } else {
            (7, 1, 5)
        };
        let id = MeasureId::new();
        let refused = rng.gen_range(0..100u32);
        let result = if refused < 6 {
            MeasureResult::Declined {
                reason: String::new(),
            }
        } else if refused < 10 {
            MeasureResult::NotAppropriate {
                reason: "In crisis at the first meeting".into(),
            }
        } else {
            let answers: Vec<u8> = (0..n)
                .map(|i| {
                    let mid = if instrument == "ons4" && i == 3 {
                        6
                    } else if instrument == "ons4" {
                        4
                    } else {
                        2
                    };
                    (mid + rng.gen_range(-2..=2)).clamp(i32::from(lo), i32::from(hi)) as u8
                })
                .collect();
            MeasureResult::Answers { answers }
        };
        let baseline_answers = match &result {
            MeasureResult::Answers { answers } => Some(answers.clone()),
            _ => None,
        };
        r.measures.push(MeasureRecord {
            id,
            instrument: instrument.into(),
            time_point: TimePoint::Baseline,
            date: first,
            completion: completion(rng),
            result,
        });
        let (Some(base), Some(&last)) = (baseline_answers, seen.last()) else {
            continue;
        };
        if seen.len() < 2 || !rng.gen_bool(0.8) {
            continue;
        }
        let lift = if engaged { 2 } else { 0 };
        let answers: Vec<u8> = base
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let step = rng.gen_range(-1..=1) + lift * i32::from(rng.gen_bool(0.7));
                let step = if instrument == "ons4" && i == 3 {
                    -step
                } else {
                    step
                };
                (i32::from(*a) + step).clamp(i32::from(lo), i32::from(hi)) as u8
            })
            .collect();
        let time_point = if r.status == ReferralStatus::Closed {
            TimePoint::Closure
        } else {
            TimePoint::Review
        };
        let id = MeasureId::new();
        r.measures.push(MeasureRecord {
            id,
            instrument: instrument.into(),
            time_point,
            date: last,
            completion: completion(rng),
            result: MeasureResult::Answers { answers },
        });
    }
    let share_outcomes = rng.gen_bool(0.6);
    consent(r, share_outcomes);
    work_on_behalf(r);
    plan(r);
    if r.status == ReferralStatus::Closed && rng.gen_bool(0.6) {
        let satisfaction = pick(rng, &[(5u8, 50), (4, 30), (3, 12), (2, 5), (1, 3)]);
        let quotes = [
            "It got me out of the house again.",
            "Someone finally listened.",
            "I've made friends at the group.",
            "",
        ];
        r.feedback = Some(Feedback {
            date: r.closure.as_ref().map(|c| c.date),
            satisfaction: Some(satisfaction),
            would_recommend: Some(satisfaction >= 3),
            quote: quotes[index(rng, quotes.len())].to_owned(),
        });
        if rng.gen_bool(0.5) {
            agree(r, ConsentAbout::Quote, ConsentAnswer::Yes);
        }
    }
}

/// Consent as a link worker records it at the first meeting: to support, to information
/// for the GP (words for most, codes only for one in eight, from the record key so the
/// demo's random sequence is unchanged) and to sharing outcome changes when agreed.
fn consent(r: &mut Referral, share_outcomes: bool) {
    if r.first_seen().is_none() {
        return;
    }
    agree(r, ConsentAbout::Support, ConsentAnswer::Yes);
    let gp = if r.key.0.is_multiple_of(8) {
        ConsentAnswer::CodesOnly
    } else {
        ConsentAnswer::Yes
    };
    agree(r, ConsentAbout::GpInformation, gp);
    if share_outcomes {
        agree(r, ConsentAbout::Outcomes, ConsentAnswer::Yes);
    }
}

/// Work on the person's behalf, as a case note on the day they were first seen, for
/// two in three people seen twice or more (chosen from the record key, so the demo's random
/// sequence is unchanged).
fn work_on_behalf(r: &mut Referral) {
    use crate::model::diary::{CaseNote, NoteId, NoteKind};
    const WORK: [&str; 4] = [
        "Called the housing team about the repairs.",
        "Wrote to the benefits office with the form.",
        "Rang the walking group to check there is a space.",
        "Chased the council tax reduction claim.",
    ];
    let Some(first) = r.first_seen() else {
        return;
    };
    if r.attended_count() < 2 || r.key.0.is_multiple_of(3) {
        return;
    }
    let pick = (r.key.0 >> 8) as usize;
    r.case_notes.push(CaseNote {
        id: NoteId::new(),
        date: first,
        kind: NoteKind::OnBehalf,
        minutes: 15 + 15 * (pick % 3) as u32,
        text: WORK[(pick >> 4) % WORK.len()].to_owned(),
    });
}

/// A plan agreed at the first meeting, for half the people seen: something they will do,
/// something the link worker will do, dated a fortnight on (chosen from the record key).
fn plan(r: &mut Referral) {
    use crate::model::plan::{ActionBy, ActionId, AgreedAction};
    const THEIRS: [&str; 3] = [
        "go to the walking group on Tuesday",
        "try the coffee morning at the library",
        "fill in the form for the bus pass",
    ];
    const MINE: [&str; 3] = [
        "ring the housing team about the repairs",
        "send you the details of the art class",
        "find out about help with the gas bill",
    ];
    let Some(first) = r.first_seen() else {
        return;
    };
    if !(r.key.0 >> 4).is_multiple_of(2) {
        return;
    }
    let pick = (r.key.0 >> 12) as usize;
    let due = first + chrono::Duration::days(14);
    for (i, (by, what)) in [
        (ActionBy::Person, THEIRS[pick % THEIRS.len()]),
        (ActionBy::LinkWorker, MINE[(pick >> 2) % MINE.len()]),
    ]
    .into_iter()
    .enumerate()
    {
        r.plan.push(AgreedAction {
            id: ActionId::legacy(i as u32 + 1),
            by,
            service: String::new(),
            what: what.to_owned(),
            due: Some(due),
            task: None,
        });
    }
}

fn agree(r: &mut Referral, about: ConsentAbout, answer: ConsentAnswer) {
    let date = r.first_seen().unwrap_or(r.referral_date);
    let id = ConsentId::new();
    r.consent.push(ConsentEntry {
        id,
        date,
        about,
        answer,
        how: ConsentHow::Verbal,
    });
}
