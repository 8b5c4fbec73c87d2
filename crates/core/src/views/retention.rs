//! Ended episodes due for review under the retention period: to delete the person's record
//! or keep it a while longer, and why. Nothing here deletes anything (see `work::rights`).

use chrono::NaiveDate;

use crate::model::audit::KeptPastRetention;
use crate::model::{PersonId, ReferralId, Workspace};
use crate::work::rights::{ended_on, retention_due};

/// One ended episode whose record is due for review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetentionLine {
    pub referral: ReferralId,
    /// The person, deleted as a whole with [`Workspace::delete_person`]: all their
    /// episodes are listed together.
    pub person: PersonId,
    pub reference: String,
    /// The practice's name.
    pub practice: String,
    /// The day the episode ended.
    pub ended: NaiveDate,
    /// The day the retention period after it was over.
    pub due: NaiveDate,
    /// An earlier decision to keep it, now a year old, if there was one.
    pub kept: Option<KeptPastRetention>,
}

/// Episodes due for review on `today`, oldest first: every ended episode of each person
/// whose whole record is due (see [`Workspace::record_due_for_review`]). Empty when the
/// workspace's retention period is 0.
pub fn past_retention(ws: &Workspace, today: NaiveDate) -> Vec<RetentionLine> {
    let lists = &ws.settings.lists;
    let years = ws.settings.retention_years;
    let mut lines = Vec::new();
    for &person in ws.people.keys() {
        if !ws.record_due_for_review(person, today) {
            continue;
        }
        for r in ws.referrals_of(person) {
            let (Some(ended), Some(due)) = (ended_on(r, lists), retention_due(r, lists, years))
            else {
                continue;
            };
            lines.push(RetentionLine {
                referral: r.id,
                person,
                reference: ws.reference_of(person).to_owned(),
                practice: ws.practice_name(r.practice).to_owned(),
                ended,
                due,
                kept: r.kept.clone(),
            });
        }
    }
    crate::model::order::sort_by_key(&mut lines, |l| (l.due, l.reference.clone(), l.referral));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Closure, ReferralStatus};
    use crate::testing::{rich_ws, today};

    fn ended(ws: &mut Workspace, id: ReferralId, date: &str) {
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date");
        let r = ws.referrals.get_mut(&id).expect("referral");
        r.kept = None;
        r.status = ReferralStatus::Closed;
        r.closure = Some(Closure {
            date,
            reason: "complete".into(),
        });
    }

    fn listed(ws: &Workspace) -> Vec<(String, NaiveDate)> {
        past_retention(ws, today())
            .into_iter()
            .map(|l| (l.reference, l.due))
            .collect()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn records_past_the_retention_period_are_listed_oldest_first() {
        let (mut ws, [a, b]) = rich_ws();
        ended(&mut ws, a, "2017-06-30");
        ended(&mut ws, b, "2012-02-29");
        assert_eq!(
            listed(&ws),
            [
                ("RV-0002".to_owned(), day("2020-02-29")),
                ("RV-0001".to_owned(), day("2025-06-30"))
            ]
        );
        let line = &past_retention(&ws, today())[0];
        assert_eq!(line.practice, "Riverside Medical Practice");
        assert_eq!(line.ended, day("2012-02-29"));
        // A declined referral ended the day it was declined.
        let r = ws.referrals.get_mut(&a).expect("a");
        r.closure = None;
        r.status = ReferralStatus::Declined;
        r.history.push(crate::model::StatusChange {
            status: ReferralStatus::Declined,
            date: day("2018-11-21"),
        });
        assert_eq!(listed(&ws)[1], ("RV-0001".to_owned(), day("2026-11-21")));
    }

    #[test]
    fn recent_kept_and_open_records_and_a_zero_period_are_not_listed() {
        let (mut ws, [a, b]) = rich_ws();
        ended(&mut ws, a, "2019-01-10");
        ended(&mut ws, b, "2012-05-01");
        assert_eq!(listed(&ws).len(), 1, "RV-0001 ended under 8 years ago");
        ws.keep_past_retention(b, "Complaint still open", day("2026-01-05"))
            .expect("kept");
        assert!(listed(&ws).is_empty(), "kept this year");
        ws.keep_past_retention(b, "Complaint still open", day("2025-11-21"))
            .expect("kept");
        let lines = past_retention(&ws, today());
        assert_eq!(lines.len(), 1, "a year on, it is reviewed again");
        assert_eq!(
            lines[0].kept.as_ref().map(|k| k.reason.as_str()),
            Some("Complaint still open")
        );
        ws.settings.retention_years = 0;
        assert!(listed(&ws).is_empty(), "0 years: never listed");
        ws.settings.retention_years = 8;
        ws.referrals.get_mut(&b).expect("b").status = ReferralStatus::Active;
        assert!(listed(&ws).is_empty(), "open again");
    }
}
