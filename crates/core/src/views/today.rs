//! Today: the page a link worker opens the day with. Today's appointments, the ones not
//! yet recorded, tasks due and overdue, the people waiting longest for a first contact,
//! open risk flags and practice check-ins that are due. One pass over the caseload.

use chrono::NaiveDate;

use crate::model::diary::{AppointmentState, TaskId};
use crate::model::measures::TimePoint;
use crate::model::risk::RiskFlag;
use crate::model::{PracticeId, ReferralId, Workspace};
use crate::views::diary::{in_order, lines_of, AppointmentLine};
use crate::work::diary::TaskOwner;
use crate::work::practice_work::{next_due, Due};

/// How many of the people waiting longest are listed (the rest are counted).
pub const WAITING_SHOWN: usize = 8;

/// A task on Today's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskLine {
    pub owner: TaskOwner,
    pub task: TaskId,
    /// The person's reference, for a referral's task.
    pub reference: Option<String>,
    pub text: String,
    pub due: Option<NaiveDate>,
    pub overdue: bool,
}

/// Someone waiting for a first contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingLine {
    pub referral: ReferralId,
    pub reference: String,
    pub practice: String,
    pub referred: NaiveDate,
    pub days: i64,
    /// A first appointment is booked.
    pub booked: Option<NaiveDate>,
}

/// An open referral with a risk flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskLine {
    pub referral: ReferralId,
    pub reference: String,
    pub risks: Vec<RiskFlag>,
}

/// A practice whose integration check-in is due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckInLine {
    pub practice: PracticeId,
    pub name: String,
    pub due: Due,
}

/// A questionnaire whose review is due: its baseline was the configured number of weeks
/// ago or more, and nothing has been recorded at review or closure since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeDueLine {
    pub referral: ReferralId,
    pub reference: String,
    /// The questionnaire's name.
    pub instrument: String,
    pub baseline: NaiveDate,
    pub due: NaiveDate,
}

/// Everything on Today.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Today {
    /// Today's appointments, in time order (marked ones stay, showing what happened).
    pub appointments: Vec<AppointmentLine>,
    /// Earlier appointments not yet marked: oldest first.
    pub to_record: Vec<AppointmentLine>,
    /// People's tasks due today or overdue, earliest first.
    pub tasks: Vec<TaskLine>,
    /// The workspace's own tasks not yet done, whenever due: earliest first, undated last.
    pub own_tasks: Vec<TaskLine>,
    /// The people waiting longest, longest first (at most [`WAITING_SHOWN`]).
    pub waiting: Vec<WaitingLine>,
    /// How many are waiting in all.
    pub waiting_total: usize,
    pub risks: Vec<RiskLine>,
    pub checkins: Vec<CheckInLine>,
    /// Reviews of questionnaires that are due, longest due first.
    pub outcomes_due: Vec<OutcomeDueLine>,
}

impl Today {
    /// Nothing at all needs doing.
    pub fn is_clear(&self) -> bool {
        self.appointments.is_empty()
            && self.to_record.is_empty()
            && self.tasks.is_empty()
            && self.own_tasks.is_empty()
            && self.waiting.is_empty()
            && self.risks.is_empty()
            && self.checkins.is_empty()
            && self.outcomes_due.is_empty()
    }
}

/// Today's page for `today`.
pub fn today(ws: &Workspace, today: NaiveDate) -> Today {
    let mut out = Today::default();
    let mut waiting = Vec::new();
    let weeks = ws.settings.review_after_weeks;
    let instruments = if weeks > 0 {
        ws.instruments()
    } else {
        Vec::new()
    };
    let name_of = |id: &str| {
        instruments
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.name.clone())
    };
    for r in ws.referrals.values() {
        let open = r.on_caseload();
        lines_of(
            ws,
            r,
            |date, state| {
                date == today || (date < today && open && state == AppointmentState::Booked)
            },
            &mut out.appointments,
        );
        if !open {
            continue;
        }
        let reference = || ws.reference_of(r.person).to_owned();
        for t in r.open_tasks().filter(|t| t.due.is_some_and(|d| d <= today)) {
            out.tasks.push(TaskLine {
                owner: TaskOwner::Referral(r.id),
                task: t.id,
                reference: Some(reference()),
                text: t.text.clone(),
                due: t.due,
                overdue: t.overdue(today),
            });
        }
        if r.status.is_waiting() && r.first_seen().is_none() {
            waiting.push((r.referral_date, r));
        }
        if weeks > 0 {
            for b in r
                .measures
                .iter()
                .filter(|m| m.time_point == TimePoint::Baseline && m.instrument != "goals")
            {
                let due = b.date + chrono::Duration::weeks(i64::from(weeks));
                let reviewed = r.measures.iter().any(|m| {
                    m.instrument == b.instrument
                        && m.time_point != TimePoint::Baseline
                        && m.date >= b.date
                });
                if due > today || reviewed {
                    continue;
                }
                if let Some(instrument) = name_of(&b.instrument) {
                    out.outcomes_due.push(OutcomeDueLine {
                        referral: r.id,
                        reference: reference(),
                        instrument,
                        baseline: b.date,
                        due,
                    });
                }
            }
        }
        let risks = r.risk_badges(&ws.settings.lists);
        if !risks.is_empty() {
            out.risks.push(RiskLine {
                referral: r.id,
                reference: reference(),
                risks,
            });
        }
    }
    let (today_lines, earlier): (Vec<_>, Vec<_>) =
        out.appointments.drain(..).partition(|l| l.date == today);
    out.appointments = today_lines;
    out.to_record = earlier;
    in_order(&mut out.appointments);
    in_order(&mut out.to_record);
    for t in ws.tasks.iter().filter(|t| t.done.is_none()) {
        out.own_tasks.push(TaskLine {
            owner: TaskOwner::Workspace,
            task: t.id,
            reference: None,
            text: t.text.clone(),
            due: t.due,
            overdue: t.overdue(today),
        });
    }
    crate::model::order::sort_by_key(&mut out.tasks, |t| {
        (t.due, t.reference.clone(), t.owner, t.task)
    });
    crate::model::order::sort_by_key(&mut out.own_tasks, |t| (t.due.is_none(), t.due, t.task));
    out.waiting_total = waiting.len();
    crate::model::order::sort_by_key(&mut waiting, |(date, r)| (*date, r.created, r.id));
    for (date, r) in waiting.into_iter().take(WAITING_SHOWN) {
        out.waiting.push(WaitingLine {
            referral: r.id,
            reference: ws.reference_of(r.person).to_owned(),
            practice: ws.practice_name(r.practice).to_owned(),
            referred: date,
            days: (today - date).num_days(),
            booked: r.next_appointment(today).map(|a| a.date),
        });
    }
    crate::model::order::sort_by_key(&mut out.risks, |l| (l.reference.clone(), l.referral));
    crate::model::order::sort_by_key(&mut out.outcomes_due, |l| {
        (l.due, l.reference.clone(), l.instrument.clone())
    });
    let every = ws.settings.checkin_every_months;
    for p in ws.settings.active_practices() {
        let due = next_due(&ws.practice_work, p.id, every);
        if due.is_due(today) {
            out.checkins.push(CheckInLine {
                practice: p.id,
                name: p.name.clone(),
                due,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ContactOutcome;
    use crate::testing::{one_referral_ws, today as day};
    use crate::work::diary::{AppointmentDraft, TaskDraft};

    fn draft(date: &str, start: &str) -> AppointmentDraft {
        AppointmentDraft {
            date: date.into(),
            start: start.into(),
            minutes: "45".into(),
            mode: "practice".into(),
            place: "Room 3".into(),
        }
    }

    #[test]
    fn today_lists_the_day_in_order_and_what_is_left_to_record() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        for (date, start) in [
            ("2026-11-21", "14:00"),
            ("2026-11-21", "09:30"),
            ("2026-11-19", "11:00"),
            ("2026-11-20", "10:00"),
            ("2026-11-25", "10:00"),
        ] {
            ws.book_appointment(id, &draft(date, start), day())
                .expect("booked");
        }
        let t = today(&ws, day());
        let times: Vec<String> = t
            .appointments
            .iter()
            .map(|l| l.start.format("%H:%M").to_string())
            .collect();
        assert_eq!(times, vec!["09:30", "14:00"], "today's, in time order");
        let earlier: Vec<String> = t.to_record.iter().map(|l| l.date.to_string()).collect();
        assert_eq!(earlier, vec!["2026-11-19", "2026-11-20"], "oldest first");
        // Marking one takes it off "to record"; today's stay, showing what happened.
        let first = t.to_record[0].appointment;
        ws.mark_appointment(id, first, ContactOutcome::DidNotAttend, day())
            .expect("marked");
        let nine_thirty = t.appointments[0].appointment;
        ws.mark_appointment(id, nine_thirty, ContactOutcome::Attended, day())
            .expect("marked");
        let t = today(&ws, day());
        assert_eq!(t.to_record.len(), 1);
        assert_eq!(
            t.appointments[0].state,
            AppointmentState::Marked(ContactOutcome::Attended)
        );
        assert!(t.waiting.is_empty(), "seen today: no longer waiting");
    }

    #[test]
    fn tasks_due_and_overdue_come_earliest_first_and_the_workspace_own_all_show() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        let owner = TaskOwner::Referral(id);
        for (text, due) in [
            ("Later", "2026-11-30"),
            ("Today", "2026-11-21"),
            ("Overdue", "2026-11-10"),
            ("Undated", ""),
        ] {
            ws.add_task(
                owner,
                &TaskDraft {
                    text: text.into(),
                    due: due.into(),
                },
            )
            .expect("added");
        }
        for (text, due) in [
            ("Chase housing", ""),
            ("Team rota", "2026-11-10"),
            ("Plan", "2026-12-01"),
        ] {
            ws.add_task(
                TaskOwner::Workspace,
                &TaskDraft {
                    text: text.into(),
                    due: due.into(),
                },
            )
            .expect("added");
        }
        let t = today(&ws, day());
        let listed: Vec<(&str, bool)> = t
            .tasks
            .iter()
            .map(|l| (l.text.as_str(), l.overdue))
            .collect();
        assert_eq!(
            listed,
            vec![("Overdue", true), ("Today", false)],
            "due today or before; later and undated ones wait on the referral"
        );
        let own: Vec<(&str, bool)> = t
            .own_tasks
            .iter()
            .map(|l| (l.text.as_str(), l.overdue))
            .collect();
        assert_eq!(
            own,
            vec![
                ("Team rota", true),
                ("Plan", false),
                ("Chase housing", false)
            ],
            "the workspace's own, whenever due, undated last"
        );
        let overdue = t.tasks[0].task;
        ws.set_task_done(owner, overdue, true, day())
            .expect("ticked");
        assert_eq!(today(&ws, day()).tasks.len(), 1);
        assert!(
            !crate::work::journey::highlights(&ws.referrals[&id], &ws.settings, day())
                .overdue_next_step,
            "ticked: no longer overdue on the caseload"
        );
    }

    #[test]
    fn the_longest_waiting_come_first_and_ended_referrals_drop_off() {
        let ws = crate::work::demo::generate(&crate::work::demo::DemoSpec::standard(), day());
        let t = today(&ws, day());
        assert!(t.waiting.len() <= WAITING_SHOWN);
        assert!(t.waiting_total >= t.waiting.len());
        assert!(t.waiting.windows(2).all(|w| w[0].days >= w[1].days));
        assert!(t
            .waiting
            .iter()
            .all(|w| ws.referrals[&w.referral].status.is_waiting()));
        assert!(t
            .risks
            .iter()
            .all(|l| ws.referrals[&l.referral].status.is_open() && !l.risks.is_empty()));
        assert!(
            !t.appointments.is_empty(),
            "the demo has appointments today"
        );
        assert!(!t.tasks.is_empty());
    }

    #[test]
    fn a_review_is_due_the_set_weeks_after_baseline_until_one_is_recorded() {
        use crate::work::measures::{Completion, MeasureDraft, MeasureResult};
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        let record = |ws: &mut Workspace, point: TimePoint, date: &str| {
            let draft = MeasureDraft {
                instrument: "ons4".into(),
                time_point: point,
                date: date.into(),
                completion: Completion::SelfCompleted,
                result: MeasureResult::Answers {
                    answers: vec![5; 4],
                },
            };
            ws.record_measure(id, &draft, "2026-12-31".parse().expect("date"))
                .expect("recorded");
        };
        record(&mut ws, TimePoint::Baseline, "2026-11-03");
        let on = |ws: &Workspace, d: &str| today(ws, d.parse().expect("date")).outcomes_due;
        ws.settings.review_after_weeks = 2;
        assert!(on(&ws, "2026-11-16").is_empty(), "13 days on: not yet");
        let due = on(&ws, "2026-11-17");
        assert_eq!(due.len(), 1);
        assert_eq!(
            (due[0].reference.as_str(), due[0].due.to_string()),
            ("RV-0001", "2026-11-17".to_owned())
        );
        assert!(
            due[0].instrument.starts_with("ONS4"),
            "{}",
            due[0].instrument
        );
        ws.settings.review_after_weeks = 0;
        assert!(on(&ws, "2026-11-30").is_empty(), "0 turns it off");
        ws.settings.review_after_weeks = 2;
        record(&mut ws, TimePoint::Review, "2026-11-18");
        assert!(on(&ws, "2026-11-30").is_empty(), "reviewed");
    }
}
