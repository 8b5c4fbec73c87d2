//! The caseload and its contacts as CSV for Excel, in the import's columns.

use crate::model::lists::ListKind;
use crate::model::{Choice, Workspace};
pub use crate::views::csv::write_csv;

use super::*;

/// The caseload as CSV (one row per referral), in the import's columns.
pub fn export_referrals(ws: &Workspace) -> String {
    let lists = &ws.settings.lists;
    let mut rows = vec![REFERRAL_COLUMNS
        .iter()
        .map(|c| c.trim_end_matches('*').to_owned())
        .chain(["first_seen".to_owned(), "attended_contacts".to_owned()])
        .collect::<Vec<_>>()];
    let mut referrals: Vec<_> = ws.referrals.values().collect();
    crate::model::order::sort_by_key(&mut referrals, |r| (r.referral_date, r.id));
    for r in referrals {
        let person = ws.people.get(&r.person);
        let opt = |o: Option<&'static str>| o.unwrap_or("").to_owned();
        // The next open task (dated first) fills the next-step columns; every task is in
        // the tasks file.
        let next = r
            .open_tasks()
            .min_by_key(|t| (t.due.is_none(), t.due, t.id));
        rows.push(vec![
            person.map(|p| p.reference.clone()).unwrap_or_default(),
            r.referral_date.format("%Y-%m-%d").to_string(),
            ws.practice_name(r.practice).to_owned(),
            lists
                .label(ListKind::ReferrerRoles, &r.referrer_role)
                .to_owned(),
            r.reasons
                .iter()
                .map(|id| lists.label(ListKind::Reasons, id))
                .collect::<Vec<_>>()
                .join("; "),
            r.status.label().to_owned(),
            r.status_since().format("%Y-%m-%d").to_string(),
            r.closure
                .as_ref()
                .map(|c| lists.label(ListKind::ClosureReasons, &c.reason).to_owned())
                .unwrap_or_default(),
            r.what_matters.clone(),
            r.notes.clone(),
            opt(person.and_then(|p| p.age_band).map(Choice::label)),
            opt(person.and_then(|p| p.sex).map(Choice::label)),
            opt(person.and_then(|p| p.ethnic_group).map(Choice::label)),
            person
                .and_then(|p| p.deprivation_quintile)
                .map(|q| q.to_string())
                .unwrap_or_default(),
            next.map(|t| t.text.clone()).unwrap_or_default(),
            next.and_then(|t| t.due)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            r.first_seen()
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            r.attended_count().to_string(),
        ]);
    }
    write_csv(&rows)
}

/// Every referral in the order the files list them (by referral date), with its person's
/// reference.
fn in_order(ws: &Workspace) -> impl Iterator<Item = (&crate::model::Referral, String)> {
    let mut referrals: Vec<_> = ws.referrals.values().collect();
    crate::model::order::sort_by_key(&mut referrals, |r| (r.referral_date, r.id));
    referrals.into_iter().map(|r| {
        let reference = ws.reference_of(r.person).to_owned();
        (r, reference)
    })
}

/// Every contact as CSV, in the import's columns.
pub fn export_contacts(ws: &Workspace) -> String {
    let lists = &ws.settings.lists;
    let mut rows = vec![CONTACT_COLUMNS
        .iter()
        .map(|c| c.trim_end_matches('*').to_owned())
        .collect::<Vec<_>>()];
    for (r, reference) in in_order(ws) {
        for c in &r.contacts {
            rows.push(vec![
                reference.clone(),
                r.referral_date.format("%Y-%m-%d").to_string(),
                c.date.format("%Y-%m-%d").to_string(),
                lists.label(ListKind::ContactModes, &c.mode).to_owned(),
                c.minutes.to_string(),
                c.outcome.label().to_owned(),
                c.note.clone(),
            ]);
        }
    }
    write_csv(&rows)
}

/// Every task as CSV: people's tasks by reference and referral date, then the workspace's
/// own, each with its due date and the day it was done.
pub fn export_tasks(ws: &Workspace) -> String {
    let day = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let mut rows = vec![TASK_COLUMNS
        .iter()
        .map(|c| (*c).to_owned())
        .collect::<Vec<_>>()];
    for (r, reference) in in_order(ws) {
        for t in &r.tasks {
            rows.push(vec![
                reference.clone(),
                r.referral_date.format("%Y-%m-%d").to_string(),
                t.text.clone(),
                day(t.due),
                day(t.done),
            ]);
        }
    }
    for t in &ws.tasks {
        rows.push(vec![
            String::new(),
            String::new(),
            t.text.clone(),
            day(t.due),
            day(t.done),
        ]);
    }
    write_csv(&rows)
}
