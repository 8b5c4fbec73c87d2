//! Every figure on the dashboard, computed in one pass over the workspace.
//!
//! Two kinds of date are used, and the dashboard says which:
//! - figures about **referrals** (waiting, engagement, outcomes, breakdowns)
//!   take the referrals *received* in the chosen range (a cohort);
//! - figures about **events** (contacts, connections made, episodes ended,
//!   feedback) take the events that *happened* in the range.
//!
//! "Open caseload" and "waiting now" are about today, whatever the range.

mod figures;
mod filter;
mod index;
mod periods;

pub use figures::*;
pub use filter::*;
pub use index::*;
use periods::*;

pub(crate) use crate::model::calendar::{month_index, month_start};

/// Groups smaller than this are shown greyed and labelled as unreliable.
pub const UNRELIABLE_BELOW: u32 = 10;
/// How many reasons the reasons chart names before "Other reasons".
pub const TOP_REASONS: usize = 10;
/// How many referrer roles the monthly chart names before "Others".
pub const TOP_ROLES: usize = 5;
/// How many shareable quotes the dashboard shows.
pub const RECENT_QUOTES: usize = 5;
/// How many of the longest waits are listed.
pub const LONGEST_WAITS: usize = 10;

#[cfg(test)]
mod tests {

    #[test]
    fn ranges_that_cannot_be_shown_are_refused_before_anything_is_computed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(check_range(day(2025, 12, 1), today, today), Ok(()));
        assert_eq!(
            check_range(day(2, 1, 1), today, today),
            Err(RangeError::TooEarly),
            "a half-typed year"
        );
        assert_eq!(
            check_range(day(1999, 12, 31), today, today),
            Err(RangeError::TooEarly)
        );
        assert!(matches!(
            check_range(today, day(2099, 1, 1), today),
            Err(RangeError::TooLate(_))
        ));
        assert_eq!(
            check_range(today, day(2026, 1, 1), today),
            Err(RangeError::Backwards)
        );
        assert_eq!(
            check_range(day(2010, 1, 1), today, today),
            Err(RangeError::TooLong)
        );
        assert_eq!(
            check_range(day(2016, 12, 1), day(2026, 11, 30), today),
            Ok(()),
            "ten years is allowed"
        );
        // An address cannot get round the check.
        let f = DashboardFilter::from_query("from=0002-01-01", today);
        assert_eq!(f, DashboardFilter::last_year(today));
        let f = DashboardFilter::from_query("from=2026-01-01&to=2026-03-31", today);
        assert_eq!((f.from, f.to), (day(2026, 1, 1), day(2026, 3, 31)));
    }
    use chrono::{TimeZone, Utc};

    use super::*;
    use chrono::NaiveDate;

    use crate::model::{AgeBand, ContactOutcome, PracticeId, Referral, ReferralStatus, Sex};
    use crate::model::{Closure, Contact, ContactId, Person, PersonId, Practice, ReferralId};
    use crate::model::{StatusChange, Workspace};
    use crate::testing::{practice_ws, today};
    use crate::work::directory::ConnectionStatus;
    use crate::work::directory::{Connection, ConnectionChange};
    use crate::work::measures::{
        swemwbs, Completion, Feedback, MeasureId, MeasureRecord, MeasureResult, TimePoint,
    };

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("test dates are valid")
    }

    fn second_practice(ws: &mut Workspace) -> PracticeId {
        let id = PracticeId::from_random([9; 16]);
        ws.settings.practices.push(Practice {
            id,
            name: "Hillside Surgery".into(),
            list_size: None,
            retired: false,
        });
        id
    }

    /// Adds a person and a referral received on `date`; returns its id.
    fn add(ws: &mut Workspace, n: u8, practice: PracticeId, date: &str, role: &str) -> ReferralId {
        let person = PersonId::from_random([n; 16]);
        ws.people.insert(
            person,
            Person {
                id: person,
                reference: format!("REF-{n}"),
                age_band: None,
                sex: None,
                ethnic_group: None,
                deprivation_quintile: None,
                lineage: Vec::new(),
                conflicts: Vec::new(),
            },
        );
        let id = ReferralId::from_random([n + 100; 16]);
        let at = Utc
            .with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
            .single()
            .expect("valid");
        let mut r = Referral::new(
            id,
            crate::model::RecordKey::hashed(b"test", id.0.as_bytes()),
            person,
            practice,
            day(date),
            ReferralStatus::Referred,
            at,
        );
        r.referrer_role = role.into();
        ws.referrals.insert(id, r);
        ws.place(person);
        id
    }

    fn referral(ws: &mut Workspace, id: ReferralId) -> &mut Referral {
        ws.referrals.get_mut(&id).expect("referral exists")
    }

    fn status(r: &mut Referral, status: ReferralStatus, date: &str) {
        r.status = status;
        r.history.push(StatusChange {
            status,
            date: day(date),
        });
    }

    fn contact(r: &mut Referral, date: &str, outcome: ContactOutcome, mode: &str) {
        let id = ContactId::new();
        r.contacts.push(Contact {
            id,
            date: day(date),
            mode: mode.into(),
            minutes: 30,
            outcome,
            note: String::new(),
        });
    }

    fn measure(r: &mut Referral, instrument: &str, date: &str, result: MeasureResult) {
        let id = MeasureId::new();
        let time_point = if r.measures.iter().any(|m| m.instrument == instrument) {
            TimePoint::Review
        } else {
            TimePoint::Baseline
        };
        r.measures.push(MeasureRecord {
            id,
            instrument: instrument.into(),
            time_point,
            date: day(date),
            completion: Completion::SelfCompleted,
            result,
        });
    }

    fn answers(values: &[u8]) -> MeasureResult {
        MeasureResult::Answers {
            answers: values.to_vec(),
        }
    }

    /// Four referrals whose every figure is worked out by hand below:
    /// A (practice P, Oct 2026): seen 3 times, one did-not-attend, measured twice;
    /// B (P, Nov 2026): waiting, never seen;
    /// C (Q, Jun 2026): seen once, closed, reopened and closed again;
    /// D (P, Jun 2025, before the range): open throughout, never seen.
    struct Fixture {
        ws: Workspace,
        p: PracticeId,
        q: PracticeId,
    }

    fn fixture() -> Fixture {
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        let q = second_practice(&mut ws);

        let a = add(&mut ws, 1, p, "2026-10-01", "gp");
        let person_a = ws.referrals[&a].person;
        if let Some(person) = ws.people.get_mut(&person_a) {
            person.age_band = Some(AgeBand::From25To34);
            person.sex = Some(Sex::Female);
            person.deprivation_quintile = Some(1);
        }
        let r = referral(&mut ws, a);
        r.reasons = vec!["loneliness".into()];
        status(r, ReferralStatus::Active, "2026-10-05");
        contact(r, "2026-10-05", ContactOutcome::Attended, "practice");
        contact(r, "2026-10-12", ContactOutcome::DidNotAttend, "practice");
        contact(r, "2026-10-19", ContactOutcome::Attended, "telephone");
        contact(r, "2026-10-26", ContactOutcome::Attended, "practice");
        contact(
            r,
            "2026-11-02",
            ContactOutcome::CancelledByPerson,
            "practice",
        );
        measure(r, "ons4", "2026-10-05", answers(&[5, 5, 5, 5]));
        measure(r, "ons4", "2026-10-26", answers(&[7, 5, 4, 8]));
        measure(r, "swemwbs", "2026-10-05", answers(&[2; 7]));
        measure(r, "swemwbs", "2026-10-26", answers(&[4; 7]));
        r.connections.push(Connection {
            id: crate::work::directory::ConnectionId::legacy(1),
            resource: None,
            name: "Walking group".into(),
            category: "nature".into(),
            status: ConnectionStatus::Attended,
            history: vec![
                ConnectionChange {
                    status: ConnectionStatus::Suggested,
                    date: day("2026-10-12"),
                },
                ConnectionChange {
                    status: ConnectionStatus::Attended,
                    date: day("2026-10-19"),
                },
            ],
            feedback: String::new(),
        });
        r.connections.push(Connection {
            id: crate::work::directory::ConnectionId::legacy(2),
            resource: None,
            name: "Debt advice".into(),
            category: "debt".into(),
            status: ConnectionStatus::Suggested,
            history: vec![ConnectionChange {
                status: ConnectionStatus::Suggested,
                date: day("2026-10-19"),
            }],
            feedback: String::new(),
        });
        r.feedback = Some(Feedback {
            date: Some(day("2026-10-26")),
            satisfaction: Some(5),
            would_recommend: Some(true),
            quote: "  It got me out of the house.  ".into(),
        });
        r.consent.push(crate::model::consent::ConsentEntry {
            id: crate::model::consent::ConsentId::legacy(1),
            date: day("2026-10-26"),
            about: crate::model::consent::ConsentAbout::Quote,
            answer: crate::model::consent::ConsentAnswer::Yes,
            how: crate::model::consent::ConsentHow::Written,
        });

        let b = add(&mut ws, 2, p, "2026-11-02", "self");
        referral(&mut ws, b).reasons = vec!["money".into(), "loneliness".into()];

        let c = add(&mut ws, 3, q, "2026-06-01", "gp");
        let r = referral(&mut ws, c);
        r.reasons = vec!["housing".into()];
        status(r, ReferralStatus::Active, "2026-06-15");
        contact(r, "2026-06-15", ContactOutcome::Attended, "home_visit");
        status(r, ReferralStatus::Closed, "2026-07-01");
        status(r, ReferralStatus::Active, "2026-08-01");
        status(r, ReferralStatus::Closed, "2026-09-01");
        r.closure = Some(Closure {
            date: day("2026-09-01"),
            reason: "complete".into(),
        });
        measure(
            r,
            "ons4",
            "2026-06-15",
            MeasureResult::Declined {
                reason: String::new(),
            },
        );
        r.feedback = Some(Feedback {
            date: Some(day("2026-09-01")),
            satisfaction: Some(4),
            would_recommend: Some(false),
            quote: "Not for sharing".into(),
        });

        let d = add(&mut ws, 4, p, "2025-06-01", "practice_nurse");
        status(referral(&mut ws, d), ReferralStatus::Active, "2025-06-20");
        Fixture { ws, p, q }
    }

    fn year() -> DashboardFilter {
        DashboardFilter::last_year(today())
    }

    #[test]
    fn headline_tiles_match_the_hand_count() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        let t = d.tiles;
        assert_eq!(t.open, 3, "A, B and D are open");
        assert_eq!(t.new_this_month, 1, "only B arrived in November");
        let wait = d.first_contact_spread.expect("two seen");
        assert_eq!(wait.median, 9.0, "A 4 days, C 14 days");
        assert_eq!(wait.n, 2);
        assert_eq!(t.seen_three_plus, Share { count: 1, of: 3 }, "A of A, B, C");
        assert_eq!(t.improved_wellbeing, Share { count: 1, of: 1 });
        assert_eq!(
            t.did_not_attend,
            Share { count: 1, of: 5 },
            "cancellations don't count"
        );
    }

    #[test]
    fn time_for_people_counts_contact_minutes_and_work_on_their_behalf_apart() {
        use crate::model::diary::{CaseNote, NoteId, NoteKind};
        let mut f = fixture();
        let d = compute(&f.ws, &year(), today());
        assert_eq!(
            d.tiles.minutes_with,
            4 * 30,
            "four attended contacts in the year"
        );
        assert_eq!(d.tiles.minutes_on_behalf, 0);
        let id = *f.ws.referrals.keys().next().expect("a referral");
        let r = f.ws.referrals.get_mut(&id).expect("there");
        for (n, date, kind, minutes) in [
            (1, "2026-11-02", NoteKind::OnBehalf, 40),
            (2, "2026-11-03", NoteKind::Note, 30),
            (3, "2024-01-10", NoteKind::OnBehalf, 90),
        ] {
            r.case_notes.push(CaseNote {
                id: NoteId::legacy(n),
                date: day(date),
                kind,
                minutes,
                text: "Called the housing team".into(),
            });
        }
        let d = compute(&f.ws, &year(), today());
        assert_eq!(
            d.tiles.minutes_on_behalf, 40,
            "on their behalf, in the range; a plain note is not time for them"
        );
        assert_eq!(d.tiles.minutes_with, 4 * 30, "kept apart from contact time");
    }

    #[test]
    fn caseload_over_time_follows_closing_and_reopening() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        assert_eq!(d.caseload.len(), 12);
        assert_eq!(d.caseload[0].label, "Dec 2025");
        let by_label = |label: &str| {
            d.caseload
                .iter()
                .find(|p| p.label == label)
                .map(|p| (p.open, p.new, p.closed))
                .expect("month present")
        };
        assert_eq!(by_label("Dec 2025"), (1, 0, 0), "only D");
        assert_eq!(by_label("Jun 2026"), (2, 1, 0), "C arrives");
        assert_eq!(by_label("Jul 2026"), (1, 0, 1), "C closed on 1 July");
        assert_eq!(by_label("Aug 2026"), (2, 0, 0), "C reopened");
        assert_eq!(by_label("Sep 2026"), (1, 0, 1), "C closed again");
        assert_eq!(by_label("Oct 2026"), (2, 1, 0), "A arrives");
        assert_eq!(
            by_label("Nov 2026"),
            (3, 1, 0),
            "B arrives; counted at today"
        );
    }

    #[test]
    fn weekly_periods_start_on_mondays_and_stop_at_the_range_end() {
        let f = fixture();
        let filter = DashboardFilter {
            from: day("2026-10-01"),
            to: day("2026-10-14"),
            granularity: Granularity::Week,
            ..year()
        };
        let d = compute(&f.ws, &filter, today());
        let labels: Vec<&str> = d.caseload.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["w/c 28 Sep", "w/c 5 Oct", "w/c 12 Oct"]);
        assert_eq!(d.caseload[0].new, 1, "A on Thursday 1 October");
        assert_eq!(d.caseload[0].open, 2, "A and D");
    }

    #[test]
    fn referrals_by_month_role_reason_and_practice() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        assert_eq!(d.by_month_role.categories.len(), 12);
        let series: Vec<(&str, u32)> = d
            .by_month_role
            .series
            .iter()
            .map(|(name, v)| (name.as_str(), v.iter().sum()))
            .collect();
        assert_eq!(
            series,
            [("GP", 2), ("Self-referral", 1)],
            "D is before the range"
        );
        assert_eq!(d.by_month_role.totals()[10], 1, "October: A");
        let reasons: Vec<(&str, u32)> = d
            .by_reason
            .iter()
            .map(|c| (c.label.as_str(), c.count))
            .collect();
        assert_eq!(
            reasons,
            [
                ("Loneliness or isolation", 2),
                ("Housing", 1),
                ("Money, debt or benefits", 1)
            ],
            "most first, ties by name"
        );
        assert_eq!(d.by_practice.len(), 2);
        assert_eq!(d.by_practice[0].referrals, 2);
        let rate = d.by_practice[0].per_thousand.expect("list size known");
        assert!((rate - 2000.0 / 11_200.0).abs() < 1e-9);
        assert_eq!(d.by_practice[1].per_thousand, None, "no list size");
    }

    #[test]
    fn waiting_engagement_and_contacts() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        let counts = |c: &[Count]| c.iter().map(|c| c.count).collect::<Vec<_>>();
        assert_eq!(counts(&d.first_contact), [1, 1, 0, 0, 0], "4 and 14 days");
        assert_eq!(counts(&d.waiting_now), [0, 0, 1, 0, 0], "B, 19 days");
        assert_eq!(d.longest_waits.len(), 1);
        assert_eq!(d.longest_waits[0].days, 19);
        assert_eq!(d.longest_waits[0].reference, "REF-2");
        assert_eq!(counts(&d.attended), [1, 1, 0, 1, 0, 0, 0], "B 0, C 1, A 3");
        let modes: Vec<(&str, u32)> = d
            .modes
            .iter()
            .map(|c| (c.label.as_str(), c.count))
            .collect();
        assert_eq!(
            modes,
            [("At the practice", 2), ("Home visit", 1), ("Telephone", 1)]
        );
        let october = &d.dna_by_month[10];
        assert_eq!(october.0, "Oct 2026");
        assert_eq!(october.1, Share { count: 1, of: 4 });
        assert_eq!(
            d.dna_by_month[11].1,
            Share { count: 0, of: 0 },
            "a cancellation only"
        );
    }

    #[test]
    fn connections_outcomes_endings_and_feedback() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        assert_eq!(
            d.connections.categories,
            ["Nature and outdoors", "Debt and money advice"],
            "in the list's order"
        );
        assert_eq!(
            d.connections.series,
            [
                ("Suggested".to_string(), vec![0, 1]),
                ("Attended".to_string(), vec![1, 0])
            ]
        );
        assert_eq!(d.taken_up, Share { count: 1, of: 2 });

        let ons4: Vec<(&str, u32, u32, u32)> = d
            .outcomes
            .iter()
            .map(|o| (o.label.as_str(), o.improved, o.same, o.worse))
            .collect();
        assert_eq!(
            ons4,
            [
                ("Life satisfaction", 1, 0, 0),
                ("Worthwhile", 0, 1, 0),
                ("Happiness", 0, 0, 1),
                ("Anxiety", 0, 0, 1),
                ("SWEMWBS score", 1, 0, 0)
            ],
            "anxiety going up is worse"
        );
        assert!(!d.outcomes[3].higher_is_better);
        let inst = swemwbs();
        let expected = inst.score(&[4; 7]).expect("scored") - inst.score(&[2; 7]).expect("scored");
        let score = d.outcomes[4].spread.expect("one pair");
        assert_eq!((score.n, score.mean, score.sd), (1, expected, 0.0));
        let ons4_recorded = d
            .recorded
            .iter()
            .find(|r| r.instrument.starts_with("ONS4"))
            .expect("ONS4 recorded");
        assert_eq!(
            (
                ons4_recorded.answered,
                ons4_recorded.declined,
                ons4_recorded.not_appropriate
            ),
            (2, 1, 0)
        );
        assert_eq!(
            d.endings,
            [Count {
                label: "Support complete or goals met".into(),
                count: 1
            }],
            "C's first closure was undone by reopening"
        );
        assert_eq!(d.satisfaction, [0, 0, 0, 1, 1]);
        assert_eq!(d.would_recommend, Share { count: 1, of: 2 });
        assert_eq!(d.quotes.len(), 1, "only shareable quotes");
        assert_eq!(d.quotes[0].text, "It got me out of the house.");
    }

    #[test]
    fn breakdowns_count_every_cohort_referral_once_per_dimension() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        for b in &d.breakdowns {
            let total: u32 = b.groups.iter().map(|g| g.referrals).sum();
            assert_eq!(total, 3, "{:?}", b.dimension);
            assert!(
                b.groups.iter().all(GroupRow::unreliable),
                "all groups are small"
            );
        }
        let sex = &d.breakdowns[1];
        assert_eq!(sex.groups[0].label, "Female");
        assert_eq!(sex.groups[0].seen_three_plus, Share { count: 1, of: 1 });
        assert_eq!(sex.groups[0].improved_wellbeing, Share { count: 1, of: 1 });
        assert_eq!(
            sex.groups.last().map(|g| g.referrals),
            Some(2),
            "not recorded"
        );
        let imd = &d.breakdowns[3];
        assert_eq!(imd.groups[0].label, "1 (most deprived)");
        assert_eq!(imd.groups[0].referrals, 1);
    }

    #[test]
    fn filters_narrow_every_figure() {
        let f = fixture();
        let only_q = DashboardFilter {
            practice: Some(f.q),
            ..year()
        };
        let d = compute(&f.ws, &only_q, today());
        assert_eq!(d.tiles.open, 0);
        assert_eq!(d.tiles.seen_three_plus, Share { count: 0, of: 1 });
        assert_eq!(d.by_practice.len(), 1);
        assert_eq!(d.by_practice[0].name, "Hillside Surgery");

        let self_referred = DashboardFilter {
            referrer_role: Some("self".into()),
            ..year()
        };
        let d = compute(&f.ws, &self_referred, today());
        assert_eq!((d.tiles.open, d.tiles.new_this_month), (1, 1));

        let money = DashboardFilter {
            reason: Some("money".into()),
            practice: Some(f.p),
            ..year()
        };
        let d = compute(&f.ws, &money, today());
        assert_eq!(d.tiles.seen_three_plus.of, 1, "B only");
        assert_eq!(d.tiles.did_not_attend.of, 0);

        let october = DashboardFilter {
            from: day("2026-10-01"),
            to: day("2026-10-31"),
            ..year()
        };
        let d = compute(&f.ws, &october, today());
        assert_eq!(d.tiles.seen_three_plus, Share { count: 1, of: 1 });
        assert_eq!(d.tiles.open, 3, "open now ignores the range");
        assert_eq!(d.caseload.len(), 1);
    }

    #[test]
    fn empty_workspace_gives_zeros_and_no_medians() {
        let ws = practice_ws();
        let d = compute(&ws, &year(), today());
        assert_eq!(d.tiles, Tiles::default());
        assert_eq!(d.tiles.seen_three_plus.percent(), None);
        assert!(d
            .caseload
            .iter()
            .all(|p| (p.open, p.new, p.closed) == (0, 0, 0)));
        assert!(d.by_month_role.series.is_empty());
        assert!(d.first_contact_spread.is_none());
        assert!(d.outcomes.iter().all(|o| o.spread.is_none()));
        assert!(d.quotes.is_empty() && d.endings.is_empty());
        assert_eq!(d.by_practice[0].per_thousand, Some(0.0));
    }

    #[test]
    fn one_referral_with_only_missed_contacts_is_not_seen() {
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        let id = add(&mut ws, 1, p, "2026-11-01", "gp");
        let r = referral(&mut ws, id);
        contact(r, "2026-11-05", ContactOutcome::DidNotAttend, "practice");
        contact(
            r,
            "2026-11-06",
            ContactOutcome::CancelledByLinkWorker,
            "practice",
        );
        let d = compute(&ws, &year(), today());
        assert_eq!(d.first_contact_spread.map(|s| s.median), None);
        assert_eq!(d.tiles.did_not_attend, Share { count: 1, of: 1 });
        assert_eq!(d.attended[0].count, 1, "no attended contacts");
        assert!(d.modes.is_empty(), "modes count attended contacts only");
        assert_eq!(d.waiting_now[2].count, 1, "20 days");
    }

    #[test]
    fn booked_appointments_are_counted_by_month_with_their_own_dna_rate_and_overdue_tasks() {
        use crate::work::diary::{AppointmentDraft, TaskDraft, TaskOwner};
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        let id = add(&mut ws, 1, p, "2026-10-01", "gp");
        let book = |ws: &mut Workspace, date: &str| {
            ws.book_appointment(
                id,
                &AppointmentDraft {
                    date: date.into(),
                    start: "10:00".into(),
                    minutes: "30".into(),
                    mode: "practice".into(),
                    place: String::new(),
                },
                today(),
            )
            .expect("booked")
            .appointment
        };
        for (date, outcome) in [
            ("2026-10-06", Some(ContactOutcome::Attended)),
            ("2026-10-13", Some(ContactOutcome::DidNotAttend)),
            ("2026-11-03", Some(ContactOutcome::Attended)),
            ("2026-11-10", Some(ContactOutcome::CancelledByPerson)),
            ("2026-11-20", None),
            ("2026-11-30", None),
        ] {
            let a = book(&mut ws, date);
            if let Some(outcome) = outcome {
                ws.mark_appointment(id, a, outcome, today())
                    .expect("marked");
            }
        }
        // A contact that was never booked counts in the contact DNA rate only.
        contact(
            referral(&mut ws, id),
            "2026-11-12",
            ContactOutcome::DidNotAttend,
            "telephone",
        );
        for due in ["2026-11-01", "2026-11-30", ""] {
            ws.add_task(
                TaskOwner::Referral(id),
                &TaskDraft {
                    text: "x".into(),
                    due: due.into(),
                },
            )
            .expect("task");
        }
        let d = compute(&ws, &year(), today());
        assert_eq!(d.tiles.booked_dna, Share { count: 1, of: 3 });
        assert_eq!(d.tiles.did_not_attend, Share { count: 2, of: 4 });
        assert_eq!(d.tiles.tasks_overdue, 1);
        let month = |label: &str| {
            d.appointments
                .categories
                .iter()
                .position(|c| c == label)
                .expect("month")
        };
        let series = |name: &str| {
            &d.appointments
                .series
                .iter()
                .find(|s| s.0 == name)
                .expect("series")
                .1
        };
        let (oct, nov) = (month("Oct 2026"), month("Nov 2026"));
        assert_eq!(
            (series("Attended")[oct], series("Did not attend")[oct]),
            (1, 1)
        );
        assert_eq!(
            (
                series("Attended")[nov],
                series("Cancelled")[nov],
                series("Not recorded yet")[nov]
            ),
            (1, 1, 1),
            "the booking after the range's end (today) is not counted"
        );
    }

    #[test]
    fn ties_in_reasons_and_waits_have_a_fixed_order() {
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        let first = add(&mut ws, 1, p, "2026-11-01", "gp");
        let second = add(&mut ws, 2, p, "2026-11-01", "gp");
        referral(&mut ws, first).reasons = vec!["money".into()];
        referral(&mut ws, second).reasons = vec!["housing".into()];
        let d = compute(&ws, &year(), today());
        let labels: Vec<&str> = d.by_reason.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Housing", "Money, debt or benefits"]);
        assert_eq!(d.longest_waits[0].days, d.longest_waits[1].days);
        assert_eq!(d.first_contact_spread, None);
    }

    #[test]
    fn referrers_beyond_the_top_five_are_added_together() {
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        let roles = [
            "gp",
            "gp",
            "gp",
            "self",
            "self",
            "hospital",
            "reception",
            "social_work",
            "other",
            "practice_nurse",
        ];
        for (n, role) in (1u8..).zip(roles) {
            add(&mut ws, n, p, "2026-11-01", role);
        }
        let d = compute(&ws, &year(), today());
        let names: Vec<&str> = d
            .by_month_role
            .series
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(names.len(), TOP_ROLES + 1);
        assert_eq!(names[0], "GP", "named roles keep the list's order");
        assert_eq!(names.last(), Some(&"Others"));
        assert_eq!(d.by_month_role.totals()[11], 10, "nobody is lost");
        let others = &d.by_month_role.series[TOP_ROLES].1;
        assert_eq!(
            others[11], 2,
            "the two single referrals last in the list's order"
        );
    }

    #[test]
    fn reasons_beyond_the_top_ten_are_grouped() {
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        let ids: Vec<String> = ws
            .settings
            .lists
            .reasons
            .iter()
            .map(|i| i.id.clone())
            .collect();
        let id = add(&mut ws, 1, p, "2026-11-01", "gp");
        referral(&mut ws, id).reasons = ids.clone();
        let d = compute(&ws, &year(), today());
        assert_eq!(d.by_reason.len(), TOP_REASONS + 1);
        let last = d.by_reason.last().expect("others");
        assert_eq!(
            last.label,
            format!("Other reasons ({})", ids.len() - TOP_REASONS)
        );
        assert_eq!(last.count as usize, ids.len() - TOP_REASONS);
    }

    #[test]
    fn spread_and_quantiles_are_hand_checked() {
        let s = Spread::of(vec![4.0, 1.0, 3.0, 2.0]).expect("values");
        assert_eq!(
            (s.n, s.mean, s.median, s.q1, s.q3),
            (4, 2.5, 2.5, 1.75, 3.25)
        );
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(
            Spread::of(vec![7.0]).map(|s| (s.sd, s.median)),
            Some((0.0, 7.0))
        );
        assert_eq!(Spread::of(Vec::new()), None);
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn filter_round_trips_through_the_address() {
        let f = DashboardFilter {
            from: day("2026-01-01"),
            to: day("2026-06-30"),
            practice: Some(PracticeId::from_random([7; 16])),
            referrer_role: Some("gp & co/1".into()),
            reason: Some("money".into()),
            granularity: Granularity::Week,
        };
        let query = f.to_query(today());
        assert!(!query.contains(' ') && !query.contains('/'), "{query}");
        assert_eq!(DashboardFilter::from_query(&query, today()), f);
        assert_eq!(year().to_query(today()), "", "defaults are left out");
        assert_eq!(DashboardFilter::from_query("", today()), year());
    }

    #[test]
    fn unreadable_addresses_fall_back_to_defaults() {
        let f = DashboardFilter::from_query(
            "from=2026-13-45&practice=nope&by=fortnight&to=2025-01-01&role=",
            today(),
        );
        assert_eq!(f.from, day("2025-01-01"), "backwards range turned round");
        assert_eq!(f.to, year().from);
        assert_eq!((f.practice, f.referrer_role), (None, None));
        assert_eq!(f.granularity, Granularity::Month);
    }

    proptest::proptest! {
        /// Whatever the records, the figures add up: every cohort referral
        /// lands in exactly one attended band and one group per dimension,
        /// and shares never exceed their totals.
        #[test]
        fn figures_add_up(ws in crate::testing::arb_workspace(), months in 1i32..40) {
            let filter = DashboardFilter {
                from: month_start_before(today(), months),
                ..year()
            };
            let d = compute(&ws, &filter, today());
            let cohort = ws
                .referrals
                .values()
                .filter(|r| filter.contains(r.referral_date))
                .count() as u32;
            proptest::prop_assert_eq!(d.attended.iter().map(|c| c.count).sum::<u32>(), cohort);
            proptest::prop_assert_eq!(d.tiles.seen_three_plus.of, cohort);
            for b in &d.breakdowns {
                proptest::prop_assert_eq!(b.groups.iter().map(|g| g.referrals).sum::<u32>(), cohort);
            }
            let new: u32 = d.caseload.iter().map(|p| p.new).sum();
            proptest::prop_assert_eq!(new, cohort);
            for s in [d.tiles.did_not_attend, d.tiles.improved_wellbeing, d.taken_up] {
                proptest::prop_assert!(s.count <= s.of);
            }
            let open_now = ws.referrals.values().filter(|r| r.on_caseload()).count() as u32;
            proptest::prop_assert_eq!(d.tiles.open, open_now);
        }
    }
}

#[cfg(test)]
mod demo_figures {
    use super::*;

    use crate::testing::today;
    use crate::work::demo::{generate, DemoSpec};

    /// The demo caseload's figures on the tests' day. The end-to-end test
    /// checks the browser shows exactly these, so a change in either shows.
    #[test]
    fn demo_dashboard_figures_are_pinned() {
        let ws = generate(&DemoSpec::standard(), today());
        let d = compute(&ws, &DashboardFilter::last_year(today()), today());
        let t = &d.tiles;
        assert_eq!((t.open, t.new_this_month), (87, 17));
        assert_eq!(d.first_contact_spread.map(|s| s.median), Some(17.0));
        assert_eq!(t.seen_three_plus, Share { count: 70, of: 212 });
        assert_eq!(t.improved_wellbeing, Share { count: 20, of: 33 });
        assert_eq!(t.did_not_attend, Share { count: 42, of: 496 });
        let last = d
            .caseload
            .last()
            .map(|p| (p.label.as_str(), p.open, p.new, p.closed));
        assert_eq!(last, Some(("Nov 2026", 87, 17, 7)));

        let first = &ws.settings.practices[0];
        assert_eq!(first.name, "Riverside Medical Practice");
        let f = DashboardFilter {
            practice: Some(first.id),
            ..DashboardFilter::last_year(today())
        };
        let p = compute(&ws, &f, today()).tiles;
        assert_eq!((p.open, p.new_this_month), (14, 0));
        assert_eq!(p.seen_three_plus, Share { count: 14, of: 36 });
        assert_eq!(p.did_not_attend, Share { count: 6, of: 101 });
    }
}
