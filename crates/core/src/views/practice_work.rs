//! The balance of the three levels of the role (time with people, with
//! practices, with the community) with its gentle flag, and each practice's
//! profile: who refers, check-ins over time, when the next is due.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

use crate::model::calendar::{month_index, month_start};
use crate::model::practice_work::*;
use crate::model::{Choice, ContactOutcome, PracticeId, Workspace};
use crate::work::practice_work::{next_due, Due};

/// Minutes of each level of work in one month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LevelMinutes {
    /// Face-to-face (attended contacts).
    pub person: u32,
    /// Work on people's behalf (case notes of that kind): time for the person too,
    /// shown apart from contact time.
    pub on_behalf: u32,
    pub practice: u32,
    pub community: u32,
}

impl LevelMinutes {
    pub fn total(self) -> u32 {
        self.with_people() + self.practice + self.community
    }

    /// All the time for people: contacts and work on their behalf.
    pub fn with_people(self) -> u32 {
        self.person + self.on_behalf
    }

    /// Practice and community work as a share of all time (0 to 100), if
    /// any time was recorded.
    pub fn beyond_person_percent(self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| f64::from(self.practice + self.community) * 100.0 / f64::from(total))
    }
}

/// Time on each level per month, for the `months` months up to and including
/// `today`'s, oldest first. Person work is the minutes of attended contacts;
/// `practice` narrows everything to one practice (community work not tied to
/// a practice is then left out).
pub fn balance(
    ws: &Workspace,
    practice: Option<PracticeId>,
    today: NaiveDate,
    months: usize,
) -> Vec<(NaiveDate, LevelMinutes)> {
    let last = month_index(today);
    let first = last - months as i32 + 1;
    let slot = |day: NaiveDate| {
        let i = month_index(day) - first;
        (0..months as i32).contains(&i).then_some(i as usize)
    };
    let mut out = vec![LevelMinutes::default(); months];
    for r in ws
        .referrals
        .values()
        .filter(|r| practice.is_none_or(|p| r.practice == p))
    {
        for c in r
            .contacts
            .iter()
            .filter(|c| c.outcome == ContactOutcome::Attended)
        {
            if let Some(i) = slot(c.date) {
                out[i].person += c.minutes;
            }
        }
        for n in r
            .case_notes
            .iter()
            .filter(|n| n.kind == crate::model::diary::NoteKind::OnBehalf)
        {
            if let Some(i) = slot(n.date) {
                out[i].on_behalf += n.minutes;
            }
        }
    }
    for a in ws
        .practice_work
        .activities
        .iter()
        .filter(|a| practice.is_none_or(|p| a.practice == Some(p)))
    {
        if let Some(i) = slot(a.date) {
            match a.kind.level() {
                Level::Practice => out[i].practice += a.minutes,
                Level::Community => out[i].community += a.minutes,
            }
        }
    }
    (0..months as i32)
        .map(|i| (month_start(first + i), out[i as usize]))
        .collect()
}

/// Months running at the end of `months` (the latest last) in which practice
/// and community work were below `share` percent of the time recorded. A
/// month with no time recorded at all (leave, say) ends the run: it is not
/// evidence either way.
pub fn months_below(months: &[(NaiveDate, LevelMinutes)], share: u32) -> usize {
    months
        .iter()
        .rev()
        .take_while(|(_, m)| {
            m.beyond_person_percent()
                .is_some_and(|p| p < f64::from(share))
        })
        .count()
}

/// How many complete months in a row the flag needs.
pub const FLAG_AFTER_MONTHS: usize = 3;

/// A run of complete months with practice and community work below the
/// share: for one practice, or for all of them together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalanceFlag {
    /// The practice, or `None` for all practices together.
    pub practice: Option<PracticeId>,
    /// The practice's name, or "All your practices together".
    pub name: String,
    /// The first day of each month of the run, earliest first.
    pub months: Vec<NaiveDate>,
}

impl BalanceFlag {
    /// "August to October 2026", "November 2025 to January 2026".
    pub fn months_text(&self) -> String {
        let (Some(first), Some(last)) = (self.months.first(), self.months.last()) else {
            return String::new();
        };
        if first.year() == last.year() {
            format!("{} to {}", first.format("%B"), last.format("%B %Y"))
        } else {
            format!("{} to {}", first.format("%B %Y"), last.format("%B %Y"))
        }
    }
}

/// The gentle flags: practice and community work below the share for the
/// last three complete months or more (the current month is still being
/// recorded), for each practice on its own (so one practice left out is
/// not hidden by another that lifts the average) and for all together.
/// Person work counts for the practice of the referral; practice and
/// community work for the practice it was logged against (work logged
/// without a practice counts only in the total).
pub fn balance_flags(ws: &Workspace, today: NaiveDate) -> Vec<BalanceFlag> {
    let share = ws.settings.other_work_share;
    let run_of = |practice: Option<PracticeId>| {
        let months = balance(ws, practice, today, 13);
        let complete = &months[..months.len() - 1];
        let run = months_below(complete, share);
        (run >= FLAG_AFTER_MONTHS).then(|| {
            complete[complete.len() - run..]
                .iter()
                .map(|(d, _)| *d)
                .collect::<Vec<_>>()
        })
    };
    let mut flags = Vec::new();
    if let Some(months) = run_of(None) {
        flags.push(BalanceFlag {
            practice: None,
            name: "All your practices together".into(),
            months,
        });
    }
    let mut practices: Vec<_> = ws.settings.practices.iter().collect();
    crate::model::order::sort_by_key(&mut practices, |p| p.name.to_lowercase());
    for p in practices {
        if let Some(months) = run_of(Some(p.id)) {
            flags.push(BalanceFlag {
                practice: Some(p.id),
                name: p.name.clone(),
                months,
            });
        }
    }
    flags
}

/// One check-in, summarised for the practice profile.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckInSummary {
    pub date: NaiveDate,
    pub with_lead: bool,
    /// Mean rating per construct, in [`Construct::ALL`] order.
    pub scores: [Option<f64>; 4],
    pub in_place: usize,
    pub continuum: Option<Continuum>,
}

/// A practice at a glance: who refers, how much, the balance of the work
/// there, and how integrated the role feels over time.
#[derive(Clone, Debug, PartialEq)]
pub struct PracticeProfile {
    pub practice: PracticeId,
    pub name: String,
    /// Referrals received in the last twelve months.
    pub referrals: u32,
    pub per_thousand: Option<f64>,
    /// How many different kinds of referrer referred (the whole team, or only GPs?).
    pub referrer_roles: usize,
    /// Referrals from GPs.
    pub from_gps: u32,
    /// Time on each level over the last twelve months.
    pub balance: LevelMinutes,
    /// Oldest first.
    pub checkins: Vec<CheckInSummary>,
    /// The latest check-in's checklist.
    pub checklist: BTreeMap<String, InPlace>,
    pub due: Due,
}

/// The id of the GP referrer role in the suggested lists.
const GP_ROLE: &str = "gp";

/// Profiles of every practice still in use, in the settings' order.
pub fn practice_profiles(ws: &Workspace, today: NaiveDate) -> Vec<PracticeProfile> {
    let since = today
        .checked_sub_months(Months::new(12))
        .unwrap_or(NaiveDate::MIN);
    ws.settings
        .active_practices()
        .map(|p| {
            let recent: Vec<&crate::model::Referral> = ws
                .referrals
                .values()
                .filter(|r| {
                    r.practice == p.id && r.referral_date > since && r.referral_date <= today
                })
                .collect();
            let referrals = recent.len() as u32;
            let roles: std::collections::BTreeSet<&str> = recent
                .iter()
                .map(|r| r.referrer_role.as_str())
                .filter(|r| !r.is_empty())
                .collect();
            let balance = balance(ws, Some(p.id), today, 12).into_iter().fold(
                LevelMinutes::default(),
                |acc, (_, m)| LevelMinutes {
                    person: acc.person + m.person,
                    on_behalf: acc.on_behalf + m.on_behalf,
                    practice: acc.practice + m.practice,
                    community: acc.community + m.community,
                },
            );
            let checkins = ws.practice_work.checkins_of(p.id);
            PracticeProfile {
                practice: p.id,
                name: p.name.clone(),
                referrals,
                per_thousand: p.per_thousand(referrals),
                referrer_roles: roles.len(),
                from_gps: recent.iter().filter(|r| r.referrer_role == GP_ROLE).count() as u32,
                balance,
                checklist: checkins
                    .last()
                    .map(|c| c.checklist.clone())
                    .unwrap_or_default(),
                checkins: checkins
                    .iter()
                    .map(|c| CheckInSummary {
                        date: c.date,
                        with_lead: c.with_lead,
                        scores: Construct::ALL
                            .iter()
                            .map(|k| c.score(*k))
                            .collect::<Vec<_>>()
                            .try_into()
                            .unwrap_or([None; 4]),
                        in_place: c.in_place(),
                        continuum: c.continuum,
                    })
                    .collect(),
                due: next_due(&ws.practice_work, p.id, ws.settings.checkin_every_months),
            }
        })
        .collect()
}
