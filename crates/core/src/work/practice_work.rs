//! Work that is not about one person: practice development and community
//! networking, logged in seconds, and the periodic practice integration
//! check-in: the rules for recording them and when a check-in is due. The
//! data is in `model::practice_work`; the balance of the three levels and the
//! practice profiles are in `views::practice_work`.

use chrono::{Datelike, Months, NaiveDate};

// The data, named here too for those who use the rules.
pub use crate::model::practice_work::*;
use crate::model::{PracticeId, Workspace};

/// When a practice's next check-in is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// There has never been one: due now.
    Never,
    /// Due on this day (today or earlier means due now).
    On(NaiveDate),
}

impl Due {
    /// Whether a check-in is due (or overdue) today.
    pub fn is_due(self, today: NaiveDate) -> bool {
        match self {
            Due::Never => true,
            Due::On(day) => day <= today,
        }
    }
}

/// The day a practice's next check-in is due: `every_months` after the last.
pub fn next_due(work: &PracticeWork, practice: PracticeId, every_months: u32) -> Due {
    work.checkins_of(practice)
        .last()
        .map_or(Due::Never, |last| {
            Due::On(
                last.date
                    .checked_add_months(Months::new(every_months.max(1)))
                    .unwrap_or(NaiveDate::MAX),
            )
        })
}

/// Why an activity or check-in was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkError {
    #[error("Enter a real date that is not in the future.")]
    BadDate,
    #[error("Choose the practice.")]
    PracticeMissing,
    #[error("Name the organisation, or choose one from the directory.")]
    OrganisationMissing,
    #[error("Enter how long it took, in minutes, from 1 to {MAX_ACTIVITY_MINUTES}.")]
    BadMinutes,
    #[error("Keep the note under {MAX_ACTIVITY_NOTE} characters.")]
    NoteTooLong,
    #[error("Rate at least one statement, or say where you are on the continuum.")]
    NothingRated,
    #[error("That is no longer in the workspace.")]
    Missing,
}

impl WorkError {
    /// The form field the error belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            WorkError::BadDate => "date",
            WorkError::PracticeMissing => "practice",
            WorkError::OrganisationMissing => "organisation",
            WorkError::BadMinutes => "minutes",
            WorkError::NoteTooLong => "note",
            WorkError::NothingRated | WorkError::Missing => "form",
        }
    }
}

/// What the quick-add form holds (text as typed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityDraft {
    pub date: String,
    pub kind: ActivityKind,
    pub practice: Option<PracticeId>,
    /// Typed or chosen organisation name; matched to the directory by name.
    pub organisation: String,
    pub minutes: String,
    pub note: String,
}

impl ActivityDraft {
    /// A blank form: today, practice work at the last practice used, an hour.
    pub fn new(today: NaiveDate, practice: Option<PracticeId>) -> Self {
        Self {
            date: today.to_string(),
            kind: ActivityKind::TeamMeeting,
            practice,
            organisation: String::new(),
            minutes: "60".into(),
            note: String::new(),
        }
    }
}

fn parse_day(text: &str, today: NaiveDate) -> Result<NaiveDate, WorkError> {
    text.trim()
        .parse::<NaiveDate>()
        .ok()
        .filter(|d| *d <= today && d.year() >= 2000)
        .ok_or(WorkError::BadDate)
}

impl Workspace {
    /// Checks and records an activity; every problem is returned, field by field.
    pub fn add_activity(
        &mut self,
        draft: &ActivityDraft,
        today: NaiveDate,
    ) -> Result<ActivityId, Vec<WorkError>> {
        let mut errors = Vec::new();
        let date = parse_day(&draft.date, today)
            .map_err(|e| errors.push(e))
            .ok();
        let practice = draft
            .practice
            .filter(|p| self.settings.practice(*p).is_some());
        let level = draft.kind.level();
        if level == Level::Practice && practice.is_none() {
            errors.push(WorkError::PracticeMissing);
        }
        let name = draft.organisation.trim();
        if level == Level::Community && name.is_empty() {
            errors.push(WorkError::OrganisationMissing);
        }
        let minutes = draft
            .minutes
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=MAX_ACTIVITY_MINUTES).contains(m));
        if minutes.is_none() {
            errors.push(WorkError::BadMinutes);
        }
        if draft.note.chars().count() > MAX_ACTIVITY_NOTE {
            errors.push(WorkError::NoteTooLong);
        }
        let (Some(date), Some(minutes), true) = (date, minutes, errors.is_empty()) else {
            return Err(errors);
        };
        let resource = (!name.is_empty())
            .then(|| {
                self.directory
                    .values()
                    .find(|r| r.name.trim().eq_ignore_ascii_case(name))
                    .map(|r| r.id)
            })
            .flatten();
        let id = ActivityId::new();
        self.practice_work.activities.push(Activity {
            id,
            date,
            kind: draft.kind,
            practice,
            resource,
            organisation: name.to_owned(),
            minutes,
            note: draft.note.trim().to_owned(),
        });
        if let Some(p) = practice {
            self.settings.last_practice = Some(p);
        }
        Ok(id)
    }

    /// Removes an activity recorded by mistake.
    pub fn remove_activity(&mut self, id: ActivityId) -> Result<(), WorkError> {
        let before = self.practice_work.activities.len();
        self.practice_work.activities.retain(|a| a.id != id);
        if self.practice_work.activities.len() == before {
            return Err(WorkError::Missing);
        }
        Ok(())
    }

    /// Checks and records a check-in (its `id` is assigned here).
    pub fn add_checkin(
        &mut self,
        mut checkin: CheckIn,
        today: NaiveDate,
    ) -> Result<CheckInId, WorkError> {
        if self.settings.practice(checkin.practice).is_none() {
            return Err(WorkError::PracticeMissing);
        }
        if checkin.date > today || checkin.date.year() < 2000 {
            return Err(WorkError::BadDate);
        }
        checkin
            .ratings
            .retain(|id, r| (1..=5).contains(r) && STATEMENTS.iter().any(|s| s.id == id));
        checkin
            .checklist
            .retain(|id, _| CHECKLIST.iter().any(|(c, _)| c == id));
        if checkin.ratings.is_empty() && checkin.continuum.is_none() {
            return Err(WorkError::NothingRated);
        }
        for text in [
            &mut checkin.competing,
            &mut checkin.helped,
            &mut checkin.got_in_the_way,
            &mut checkin.changes.note,
        ] {
            *text = text.trim().to_owned();
        }
        checkin.id = CheckInId::new();
        let id = checkin.id;
        self.practice_work.checkins.push(checkin);
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::model::directory::ResourceId;
    use crate::model::{
        Choice, Contact, ContactId, ContactOutcome, Referral, ReferralId, ReferralStatus,
    };
    use crate::testing::{one_referral_ws, practice_ws, today};
    use crate::views::practice_work::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("test dates are valid")
    }

    fn draft(ws: &Workspace, kind: ActivityKind, date: &str, minutes: &str) -> ActivityDraft {
        ActivityDraft {
            date: date.into(),
            kind,
            practice: Some(ws.settings.practices[0].id),
            organisation: if kind.level() == Level::Community {
                "Riverside Walking Group".into()
            } else {
                String::new()
            },
            minutes: minutes.into(),
            note: String::new(),
        }
    }

    /// Adds an attended contact of `minutes` on `date` to the one referral.
    fn contact(ws: &mut Workspace, date: &str, minutes: u32, outcome: ContactOutcome) {
        let r = ws.referrals.values_mut().next().expect("one referral");
        let id = ContactId::new();
        r.contacts.push(Contact {
            id,
            date: day(date),
            mode: "practice".into(),
            minutes,
            outcome,
            note: String::new(),
        });
    }

    fn log(ws: &mut Workspace, kind: ActivityKind, date: &str, minutes: u32) {
        let d = draft(ws, kind, date, &minutes.to_string());
        ws.add_activity(&d, today()).expect("valid activity");
    }

    #[test]
    fn every_kind_belongs_to_the_level_it_is_offered_under() {
        assert_eq!(ActivityKind::of(Level::Practice).count(), 6);
        assert_eq!(ActivityKind::of(Level::Community).count(), 5);
        assert_eq!(STATEMENTS.len(), 13);
        for c in Construct::ALL {
            let n = STATEMENTS.iter().filter(|s| s.construct == *c).count();
            assert!((3..=4).contains(&n), "{c:?} has {n} statements");
        }
    }

    #[test]
    fn an_activity_needs_a_date_a_practice_or_organisation_and_minutes() {
        let mut ws = practice_ws();
        let mut d = draft(&ws, ActivityKind::Briefing, "2026-11-31", "0");
        d.practice = None;
        d.note = "x".repeat(MAX_ACTIVITY_NOTE + 1);
        let errors = ws.add_activity(&d, today()).expect_err("invalid");
        assert_eq!(
            errors,
            [
                WorkError::BadDate,
                WorkError::PracticeMissing,
                WorkError::BadMinutes,
                WorkError::NoteTooLong
            ]
        );
        let mut d = draft(&ws, ActivityKind::NetworkGroup, "2026-11-20", "90");
        d.organisation = "  ".into();
        assert_eq!(
            ws.add_activity(&d, today()),
            Err(vec![WorkError::OrganisationMissing])
        );
        let tomorrow = draft(&ws, ActivityKind::Briefing, "2026-11-22", "30");
        assert_eq!(
            ws.add_activity(&tomorrow, today()),
            Err(vec![WorkError::BadDate])
        );
        assert!(ws.practice_work.activities.is_empty(), "nothing recorded");
    }

    #[test]
    fn a_community_activity_links_to_the_directory_by_name() {
        let mut ws = practice_ws();
        let resource = crate::work::directory::Resource {
            id: ResourceId::from_random([5; 16]),
            name: "Riverside Walking Group".into(),
            category: "nature".into(),
            ..Default::default()
        };
        let rid = resource.id;
        ws.directory.insert(rid, resource);
        let mut d = draft(&ws, ActivityKind::OrganisationVisit, "2026-11-20", "45");
        d.organisation = " riverside walking group ".into();
        d.practice = None;
        let id = ws.add_activity(&d, today()).expect("valid");
        let a = &ws.practice_work.activities[0];
        assert_eq!((a.id, a.resource, a.practice), (id, Some(rid), None));
        assert_eq!(a.organisation, "riverside walking group");
        ws.remove_activity(id).expect("removed");
        assert_eq!(ws.remove_activity(id), Err(WorkError::Missing));
    }

    #[test]
    fn balance_counts_attended_contacts_and_activities_by_month() {
        let mut ws = one_referral_ws();
        contact(&mut ws, "2026-09-03", 60, ContactOutcome::Attended);
        contact(&mut ws, "2026-09-10", 45, ContactOutcome::DidNotAttend);
        contact(&mut ws, "2026-11-02", 30, ContactOutcome::Attended);
        log(&mut ws, ActivityKind::TeamMeeting, "2026-09-15", 60);
        log(&mut ws, ActivityKind::Pathway, "2026-11-05", 90);
        let months = balance(&ws, None, today(), 3);
        let got: Vec<(NaiveDate, (u32, u32, u32))> = months
            .iter()
            .map(|(d, m)| (*d, (m.person, m.practice, m.community)))
            .collect();
        assert_eq!(
            got,
            [
                (day("2026-09-01"), (60, 60, 0)),
                (day("2026-10-01"), (0, 0, 0)),
                (day("2026-11-01"), (30, 0, 90)),
            ],
            "a missed contact takes no time; October had none"
        );
        assert_eq!(months[0].1.beyond_person_percent(), Some(50.0));
        assert_eq!(
            months[1].1.beyond_person_percent(),
            None,
            "no time: no share"
        );
        assert_eq!(months[2].1.beyond_person_percent(), Some(75.0));
    }

    #[test]
    fn work_on_their_behalf_is_time_for_the_person_apart_from_contact_time() {
        use crate::work::diary::{NoteDraft, NoteKind};
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        contact(&mut ws, "2026-11-03", 30, ContactOutcome::Attended);
        for (kind, minutes) in [
            (NoteKind::OnBehalf, "40"),
            (NoteKind::Note, "15"),
            (NoteKind::Supervision, "20"),
        ] {
            let draft = NoteDraft {
                date: "2026-11-04".into(),
                kind,
                minutes: minutes.into(),
                text: "x".into(),
            };
            ws.add_case_note(id, &draft, today()).expect("note");
        }
        log(&mut ws, ActivityKind::TeamMeeting, "2026-11-05", 30);
        let november = balance(&ws, None, today(), 1)[0].1;
        assert_eq!(
            (november.person, november.on_behalf, november.practice),
            (30, 40, 30),
            "only work on their behalf counts, apart from the contact"
        );
        assert_eq!(november.with_people(), 70);
        assert_eq!(november.beyond_person_percent(), Some(30.0));
    }

    #[test]
    fn balance_for_one_practice_leaves_out_community_work_not_tied_to_it() {
        let mut ws = one_referral_ws();
        let p = ws.settings.practices[0].id;
        contact(&mut ws, "2026-11-02", 30, ContactOutcome::Attended);
        let mut d = draft(&ws, ActivityKind::NetworkGroup, "2026-11-05", "90");
        d.practice = None;
        ws.add_activity(&d, today()).expect("valid");
        let here = balance(&ws, Some(p), today(), 1)[0].1;
        assert_eq!((here.person, here.community), (30, 0));
        assert_eq!(balance(&ws, None, today(), 1)[0].1.community, 90);
    }

    /// Months of person work only, from August to October 2026.
    fn person_only(months: &[&str]) -> Workspace {
        let mut ws = one_referral_ws();
        for m in months {
            contact(&mut ws, m, 600, ContactOutcome::Attended);
        }
        ws
    }

    /// The months of the all-practices flag, if it is raised.
    fn balance_flag(ws: &Workspace, today: NaiveDate) -> Option<usize> {
        balance_flags(ws, today)
            .into_iter()
            .find(|f| f.practice.is_none())
            .map(|f| f.months.len())
    }

    #[test]
    fn the_flag_needs_three_complete_months_running_below_the_share() {
        let mut ws = person_only(&["2026-08-10", "2026-09-10", "2026-10-10"]);
        assert_eq!(balance_flag(&ws, today()), Some(3));
        // 10% in September is still below 20%.
        log(&mut ws, ActivityKind::Briefing, "2026-09-11", 66);
        assert_eq!(balance_flag(&ws, today()), Some(3));
        // 25% in September breaks the run.
        log(&mut ws, ActivityKind::Briefing, "2026-09-12", 134);
        assert_eq!(balance_flag(&ws, today()), None);
        // A lower threshold in Settings does not flag the same months.
        let mut ws = person_only(&["2026-08-10", "2026-09-10", "2026-10-10"]);
        log(&mut ws, ActivityKind::Briefing, "2026-09-11", 66);
        ws.settings.other_work_share = 5;
        assert_eq!(balance_flag(&ws, today()), None);
    }

    #[test]
    fn one_practice_left_out_is_flagged_by_name_and_months_even_when_the_total_is_fine() {
        // Practice A: person work only, August to October. Practice B: plenty
        // of practice work, which lifts the total above 20%.
        let mut ws = person_only(&["2026-08-10", "2026-09-10", "2026-10-10"]);
        let a = ws.settings.practices[0].id;
        ws.settings.practices[0].name = "Riverside Medical Practice".into();
        let b = PracticeId::from_random([7; 16]);
        ws.settings.practices.push(crate::model::Practice {
            id: b,
            name: "Hillview Surgery".into(),
            list_size: None,
            retired: false,
        });
        for m in ["2026-08-12", "2026-09-12", "2026-10-12"] {
            let mut d = draft(&ws, ActivityKind::TeamMeeting, m, "400");
            d.practice = Some(b);
            ws.add_activity(&d, today()).expect("logged");
        }
        let flags = balance_flags(&ws, today());
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(flags[0].practice, Some(a));
        assert_eq!(flags[0].name, "Riverside Medical Practice");
        assert_eq!(flags[0].months_text(), "August to October 2026");
        assert!(
            balance_flag(&ws, today()).is_none(),
            "the total is above 20%"
        );
        let across = BalanceFlag {
            practice: None,
            name: String::new(),
            months: vec![day("2025-11-01"), day("2025-12-01"), day("2026-01-01")],
        };
        assert_eq!(across.months_text(), "November 2025 to January 2026");
    }

    #[test]
    fn a_month_with_nothing_recorded_ends_the_run_and_this_month_does_not_count() {
        // Leave in September: two months either side are not three running.
        let ws = person_only(&["2026-07-10", "2026-08-10", "2026-10-10"]);
        assert_eq!(balance_flag(&ws, today()), None);
        // November (this month) below the share does not make three.
        let ws = person_only(&["2026-09-10", "2026-10-10", "2026-11-10"]);
        assert_eq!(balance_flag(&ws, today()), None);
        assert_eq!(months_below(&[], 20), 0);
    }

    fn checkin(ws: &Workspace, date: &str) -> CheckIn {
        let mut c = CheckIn::blank(ws.settings.practices[0].id, day(date));
        c.with_lead = true;
        c
    }

    #[test]
    fn construct_scores_are_the_mean_of_rated_statements() {
        let ws = practice_ws();
        let mut c = checkin(&ws, "2026-11-01");
        c.ratings.insert("understand_role".into(), 4);
        c.ratings.insert("differs".into(), 2);
        c.ratings.insert("hear_back".into(), 5);
        assert_eq!(
            c.score(Construct::Coherence),
            Some(3.0),
            "unrated statements left out"
        );
        assert_eq!(c.score(Construct::ReflexiveMonitoring), Some(5.0));
        assert_eq!(c.score(Construct::CollectiveAction), None);
        c.checklist.insert("room".into(), InPlace::Yes);
        c.checklist.insert("induction".into(), InPlace::Partly);
        assert_eq!(c.in_place(), 1, "partly is not in place");
    }

    #[test]
    fn a_checkin_keeps_known_ratings_and_needs_something_rated() {
        let mut ws = practice_ws();
        let empty = checkin(&ws, "2026-11-01");
        assert_eq!(
            ws.add_checkin(empty.clone(), today()),
            Err(WorkError::NothingRated)
        );
        let mut c = empty.clone();
        c.ratings.insert("champion".into(), 5);
        c.ratings.insert("made_up".into(), 5);
        c.ratings.insert("adapt".into(), 9);
        c.checklist.insert("teleporter".into(), InPlace::Yes);
        c.helped = "  A new practice manager.  ".into();
        let id = ws.add_checkin(c, today()).expect("valid");
        let saved = &ws.practice_work.checkins[0];
        assert_eq!(saved.id, id);
        assert_eq!(saved.ratings.keys().collect::<Vec<_>>(), ["champion"]);
        assert!(saved.checklist.is_empty());
        assert_eq!(saved.helped, "A new practice manager.");
        let mut future = empty.clone();
        future.continuum = Some(Continuum::FittingIn);
        future.date = day("2026-12-01");
        assert_eq!(ws.add_checkin(future, today()), Err(WorkError::BadDate));
        let mut elsewhere = empty;
        elsewhere.continuum = Some(Continuum::FittingIn);
        elsewhere.practice = PracticeId::from_random([42; 16]);
        assert_eq!(
            ws.add_checkin(elsewhere, today()),
            Err(WorkError::PracticeMissing)
        );
    }

    #[test]
    fn a_checkin_is_due_a_quarter_after_the_last_or_now_if_never() {
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        assert_eq!(next_due(&ws.practice_work, p, 3), Due::Never);
        assert!(Due::Never.is_due(today()));
        for date in ["2026-05-31", "2026-08-31"] {
            let mut c = checkin(&ws, date);
            c.continuum = Some(Continuum::FittingIn);
            ws.add_checkin(c, today()).expect("valid");
        }
        let due = next_due(&ws.practice_work, p, 3);
        assert_eq!(
            due,
            Due::On(day("2026-11-30")),
            "from the latest, month ends clamp"
        );
        assert!(!due.is_due(today()));
        assert!(due.is_due(day("2026-11-30")));
        assert_eq!(
            next_due(&ws.practice_work, p, 1),
            Due::On(day("2026-09-30"))
        );
        assert_eq!(
            next_due(&ws.practice_work, p, 0),
            Due::On(day("2026-09-30")),
            "at least monthly"
        );
    }

    #[test]
    fn profiles_show_who_refers_and_scores_over_time() {
        let mut ws = one_referral_ws();
        let p = ws.settings.practices[0].id;
        let person = ws.people.keys().next().copied().expect("person");
        let at = Utc
            .with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
            .single()
            .expect("valid");
        for (n, role) in [(10u8, "reception"), (11, "gp"), (12, "gp")] {
            let id = ReferralId::from_random([n; 16]);
            let mut r = Referral::new(
                id,
                crate::model::RecordKey::hashed(b"test", id.0.as_bytes()),
                person,
                p,
                day("2026-10-01"),
                ReferralStatus::Referred,
                at,
            );
            r.referrer_role = role.into();
            ws.referrals.insert(id, r);
        }
        let old = ReferralId::from_random([13; 16]);
        ws.referrals.insert(
            old,
            Referral::new(
                old,
                crate::model::RecordKey::hashed(b"test", old.0.as_bytes()),
                person,
                p,
                day("2025-06-01"),
                ReferralStatus::Referred,
                at,
            ),
        );
        let mut first = checkin(&ws, "2026-06-01");
        first.continuum = Some(Continuum::BoltedOn);
        first.ratings.insert("understand_role".into(), 2);
        ws.add_checkin(first, today()).expect("valid");
        let mut second = checkin(&ws, "2026-09-01");
        second.continuum = Some(Continuum::FittingIn);
        second.ratings.insert("understand_role".into(), 4);
        second.checklist.insert("room".into(), InPlace::Yes);
        ws.add_checkin(second, today()).expect("valid");

        let profiles = practice_profiles(&ws, today());
        let pr = &profiles[0];
        assert_eq!(pr.referrals, 4, "the year's four, not the one from 2025");
        assert_eq!(
            (pr.referrer_roles, pr.from_gps),
            (2, 3),
            "GPs (the fixture's and two) and reception"
        );
        assert_eq!(pr.per_thousand.map(|x| (x * 1000.0).round()), Some(357.0));
        let over_time: Vec<(Option<f64>, Option<Continuum>)> = pr
            .checkins
            .iter()
            .map(|c| (c.scores[0], c.continuum))
            .collect();
        assert_eq!(
            over_time,
            [
                (Some(2.0), Some(Continuum::BoltedOn)),
                (Some(4.0), Some(Continuum::FittingIn))
            ]
        );
        assert_eq!(
            pr.checklist.get("room"),
            Some(&InPlace::Yes),
            "latest checklist"
        );
        assert_eq!(pr.due, Due::On(day("2026-12-01")));
    }

    #[test]
    fn practice_work_round_trips_through_storage() {
        let mut ws = practice_ws();
        log(&mut ws, ActivityKind::SharedLearning, "2026-11-01", 120);
        let mut c = checkin(&ws, "2026-11-01");
        c.continuum = Some(Continuum::Belonging);
        c.changes.cover = true;
        ws.add_checkin(c, today()).expect("valid");
        assert!(ws.all_keys().contains(&crate::StoreKey::PracticeWork));
        let stored: Vec<(String, String)> = ws
            .all_keys()
            .into_iter()
            .map(|k| (k.name("main"), ws.encode(k)))
            .collect();
        let loaded =
            crate::load_workspace("main", stored.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert!(loaded.problems.is_empty());
        assert_eq!(loaded.workspace.practice_work, ws.practice_work);
    }
}
