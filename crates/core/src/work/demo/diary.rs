//! The demo's diary: appointments that were booked for recent contacts, appointments
//! booked ahead (a few today, a few not yet recorded), more tasks, and the workspace's own.

use chrono::{Duration, NaiveDate, NaiveTime};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::model::diary::{Appointment, AppointmentId, Task, TaskId};
use crate::model::{ReferralStatus, Workspace};

use super::*;

/// Contacts this recent were booked ahead as appointments.
const BOOKED_SINCE_DAYS: i64 = 120;

const MORE_TASKS: [&str; 5] = [
    "Send the leaflet about the befriending service",
    "Ask the GP about a home visit",
    "Check the benefits appointment letter arrived",
    "Find a Saturday group near them",
    "Share the carers' assessment form",
];

/// A start between 09:00 and 16:30, on the half hour.
fn slot(rng: &mut ChaCha8Rng) -> NaiveTime {
    let half_hours = rng.gen_range(0..16u32);
    NaiveTime::from_hms_opt(9 + half_hours / 2, (half_hours % 2) * 30, 0).unwrap_or_default()
}

/// Where a meeting of this mode happens, in the few words a diary holds.
fn place(mode: &str, practice: &str) -> String {
    let short = practice.split(' ').next().unwrap_or(practice);
    match mode {
        "practice" => format!("Room 3, {short}"),
        "home_visit" => "At home".into(),
        "accompanied" => "Meet at the practice door".into(),
        "group" => format!("Community room, {short}"),
        _ => String::new(),
    }
}

pub(super) fn diary(rng: &mut ChaCha8Rng, ws: &mut Workspace, today: NaiveDate) {
    let names: std::collections::BTreeMap<_, _> = ws
        .settings
        .practices
        .iter()
        .map(|p| (p.id, p.name.clone()))
        .collect();
    for r in ws.referrals.values_mut() {
        let practice = names.get(&r.practice).cloned().unwrap_or_default();
        // Recent contacts (not messages) were booked appointments, marked when they happened.
        let booked: Vec<(NaiveDate, String, u32, crate::model::ContactId)> = r
            .contacts
            .iter()
            .filter(|c| (today - c.date).num_days() <= BOOKED_SINCE_DAYS && c.mode != "message")
            .map(|c| (c.date, c.mode.clone(), c.minutes.max(30), c.id))
            .collect();
        for (date, mode, minutes, contact) in booked {
            let id = AppointmentId::new();
            r.appointments.push(Appointment {
                id,
                date,
                start: slot(rng),
                minutes,
                place: place(&mode, &practice),
                mode,
                contact: Some(contact),
            });
        }
        if r.status.is_open() {
            let ahead = match r.status {
                ReferralStatus::Active => rng.gen_bool(0.7),
                _ => rng.gen_bool(0.3),
            };
            let roll = rng.gen_range(0..100u32);
            let date = if roll < 9 {
                Some(today)
            } else if roll < 13 {
                // Not yet recorded: a day or two ago.
                Some(today - Duration::days(rng.gen_range(1..=2)))
            } else if ahead {
                Some(today + Duration::days(rng.gen_range(1..=14)))
            } else {
                None
            };
            let last = r.last_contact().unwrap_or(r.referral_date);
            if let Some(date) = date.filter(|d| *d > last && *d >= r.referral_date) {
                let mode = pick(rng, &MODE_WEIGHTS[..5]).to_owned();
                let id = AppointmentId::new();
                r.appointments.push(Appointment {
                    id,
                    date,
                    start: slot(rng),
                    minutes: pick(rng, &[(30u32, 50), (45, 30), (60, 20)]),
                    place: place(&mode, &practice),
                    mode,
                    contact: None,
                });
            }
            if rng.gen_bool(0.3) {
                let done = rng.gen_bool(0.4);
                r.tasks.push(Task {
                    id: TaskId::new(),
                    text: MORE_TASKS[index(rng, MORE_TASKS.len())].to_owned(),
                    due: rng
                        .gen_bool(0.8)
                        .then(|| today + Duration::days(rng.gen_range(-7..=14))),
                    done: done.then(|| today - Duration::days(rng.gen_range(0..=5))),
                });
            }
        }
        crate::model::order::sort_by_key(&mut r.appointments, |a| (a.date, a.start));
        debug_assert!(r.appointments.iter().all(|a| a
            .contact
            .is_none_or(|c| r.contacts.iter().any(|x| x.id == c))));
    }
    let workspace_tasks = [
        ("Chase the housing team about the waiting list", Some(-2)),
        ("Update the walking group's entry in the directory", Some(5)),
        ("Book a room for the January team meeting", None),
    ];
    for (text, due) in workspace_tasks {
        ws.tasks.push(Task {
            id: TaskId::new(),
            text: text.to_owned(),
            due: due.map(|d| today + Duration::days(d)),
            done: None,
        });
    }
}

/// Gives every referral `appointments` booked appointments (around today, some not yet
/// recorded) and `tasks` tasks (some overdue, some done), for benchmarks at a known size.
pub fn top_up_diary(ws: &mut Workspace, appointments: usize, tasks: usize, today: NaiveDate) {
    let mut rng = <ChaCha8Rng as rand::SeedableRng>::seed_from_u64(0xD1A2_7000);
    for r in ws.referrals.values_mut() {
        while r.appointments.len() < appointments {
            let date = (today + Duration::days(rng.gen_range(-10..=14))).max(r.referral_date);
            let mode = pick(&mut rng, &MODE_WEIGHTS[..5]).to_owned();
            r.appointments.push(Appointment {
                id: AppointmentId::new(),
                date,
                start: slot(&mut rng),
                minutes: 45,
                place: place(&mode, "Riverside"),
                mode,
                contact: None,
            });
        }
        while r.tasks.len() < tasks {
            r.tasks.push(Task {
                id: TaskId::new(),
                text: MORE_TASKS[index(&mut rng, MORE_TASKS.len())].to_owned(),
                due: Some(today + Duration::days(rng.gen_range(-14..=14))),
                done: rng.gen_bool(0.3).then_some(today),
            });
        }
    }
}
