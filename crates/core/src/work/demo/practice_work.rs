//! The demo's year of practice and community work and practice check-ins.

use chrono::{Days, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::{PracticeId, Workspace};
use crate::work::directory::ResourceId;

use super::*;

/// A year of practice and community work, and quarterly check-ins in which
/// most practices move from "bolted on" towards "belonging" (one stalls).
pub(super) fn practice_work(rng: &mut ChaCha8Rng, ws: &mut Workspace, today: NaiveDate) {
    use crate::work::practice_work::{
        Activity, ActivityId, ActivityKind, CheckIn, CheckInId, Continuum, InPlace, Level,
        WorkerChanges, CHECKLIST, STATEMENTS,
    };
    let practices: Vec<PracticeId> = ws.settings.practices.iter().map(|p| p.id).collect();
    let organisations: Vec<(Option<ResourceId>, String)> = ws
        .directory
        .values()
        .map(|r| (Some(r.id), r.name.clone()))
        .collect();
    let practice_notes = [
        "",
        "",
        "Talked through recent referrals",
        "New staff joined",
        "Agreed how to refer",
        "Shared the directory",
    ];
    let community_notes = [
        "",
        "",
        "Agreed a referral route",
        "Met the new coordinator",
        "Checked opening times and costs",
    ];
    for back in (0..365u64).step_by(2) {
        let Some(date) = today.checked_sub_days(Days::new(back)) else {
            continue;
        };
        // Fewer in the summer holidays; some weeks nothing at all.
        if rng.gen_bool(0.35) {
            continue;
        }
        let level = if rng.gen_bool(0.55) {
            Level::Practice
        } else {
            Level::Community
        };
        let kinds: Vec<ActivityKind> = ActivityKind::of(level).collect();
        let kind = kinds[index(rng, kinds.len())];
        let practice = (level == Level::Practice || rng.gen_bool(0.3))
            .then(|| practices[index(rng, practices.len())]);
        let (resource, organisation) = if level == Level::Community && !organisations.is_empty() {
            organisations[index(rng, organisations.len())].clone()
        } else {
            (None, String::new())
        };
        let id = ActivityId::new();
        ws.practice_work.activities.push(Activity {
            id,
            date,
            kind,
            practice,
            resource,
            organisation,
            minutes: pick(rng, &[(30u32, 20), (60, 35), (90, 25), (120, 15), (180, 5)]),
            note: {
                let notes: &[&str] = if level == Level::Practice {
                    &practice_notes
                } else {
                    &community_notes
                };
                notes[index(rng, notes.len())].to_owned()
            },
        });
    }
    for (n, practice) in practices.iter().enumerate() {
        // The last practice has had no check-in yet; one practice stalls.
        if n + 1 == practices.len() {
            continue;
        }
        let stalls = n == 2;
        // Most are a month or two from their next check-in; one is overdue.
        let overdue = n == 1;
        for quarter in 0..if overdue { 3 } else { 4u32 } {
            let Some(date) = today.checked_sub_months(chrono::Months::new(11 - quarter * 3)) else {
                continue;
            };
            let step = if stalls { 0 } else { quarter as u8 };
            let ratings = STATEMENTS
                .iter()
                .map(|s| {
                    let r = (2 + step / 2 + u8::from(rng.gen_bool(0.4))).min(5);
                    (s.id.to_owned(), r)
                })
                .collect();
            let checklist = CHECKLIST
                .iter()
                .enumerate()
                .map(|(i, (id, _))| {
                    let answer = if i < usize::from(step) * 2 + 2 {
                        InPlace::Yes
                    } else if rng.gen_bool(0.5) {
                        InPlace::Partly
                    } else {
                        InPlace::No
                    };
                    ((*id).to_owned(), answer)
                })
                .collect();
            let continuum = match step {
                0 | 1 => Continuum::BoltedOn,
                2 => Continuum::FittingIn,
                _ => Continuum::Belonging,
            };
            let id = CheckInId::new();
            ws.practice_work.checkins.push(CheckIn {
                id,
                practice: *practice,
                date,
                with_lead: rng.gen_bool(0.6),
                ratings,
                checklist,
                continuum: Some(continuum),
                competing: if rng.gen_bool(0.3) {
                    "Flu clinics and a new appointment system".into()
                } else {
                    String::new()
                },
                changes: WorkerChanges {
                    cover: stalls && quarter == 1,
                    ..WorkerChanges::default()
                },
                helped: "Being invited to the weekly clinical meeting".into(),
                got_in_the_way: if stalls {
                    "No room on the days I am in".into()
                } else {
                    String::new()
                },
            });
        }
    }
}
