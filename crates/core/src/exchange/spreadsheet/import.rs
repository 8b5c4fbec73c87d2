//! Importing: the one routine the check and the import both run, row by
//! row through the forms' rules, and applying a checked import.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;

use crate::model::lists::ListKind;
use crate::model::{normalise_reference, ContactOutcome, ReferralId, ReferralStatus, Workspace};
use crate::store::crypto::Random;
use crate::work::journey::{ContactDraft, JourneyError};

use super::read::*;
use super::*;

/// The outcome of running an import on a workspace.
pub(super) struct Run {
    pub(super) errors: Vec<RowError>,
    pub(super) already_there: usize,
    pub(super) applied: Applied,
    pub(super) chunks: BTreeSet<u32>,
}

/// Imports the files into `ws`, row by row, through the same rules the
/// forms use. A row with any problem is left out whole and its problems are
/// listed; every other row goes in. The check and the import both run this.
pub(super) fn run(
    ws: &mut Workspace,
    referrals: &CsvFile,
    contacts: Option<&CsvFile>,
    now: chrono::DateTime<chrono::Utc>,
    today: NaiveDate,
    rng: &mut dyn Random,
) -> Run {
    let mut out = Run {
        errors: Vec::new(),
        already_there: 0,
        applied: Applied::default(),
        chunks: BTreeSet::new(),
    };
    let rf = referrals.name.as_str();
    let referral_rows = rows(rf, &referrals.text, &mut out.errors);
    if referral_rows.is_empty() && out.errors.is_empty() {
        out.errors.push(RowError {
            file: rf.to_owned(),
            row: 2,
            column: "row".into(),
            message:
                "the file has no referrals in it: fill in the template's rows below the header."
                    .into(),
        });
    }
    if let Some((_, first)) = referral_rows.first() {
        for required in REFERRAL_COLUMNS.iter().filter_map(|c| c.strip_suffix('*')) {
            if !first.contains_key(required) {
                out.errors.push(RowError {
                    file: rf.to_owned(),
                    row: 1,
                    column: required.into(),
                    message:
                        "this column is missing: start from the template, which has every column."
                            .into(),
                });
            }
        }
    }
    if !out.errors.is_empty() {
        return out;
    }
    // Referrals of the file that were left out, by (reference, date): their
    // contacts cannot go in either.
    let mut left_out: std::collections::BTreeMap<(String, NaiveDate), usize> =
        std::collections::BTreeMap::new();
    let mut seen_in_file = std::collections::BTreeMap::new();
    for (number, cells) in referral_rows {
        let mut row = Row {
            file: rf,
            row: number,
            errors: Vec::new(),
        };
        let read = read_referral(ws, &cells, &mut row);
        let valid = match read.draft.validate(ws, today, None) {
            Ok(valid) => Some(valid),
            Err(list) => {
                for e in list {
                    row.err(referral_column(e.field()), e.to_string());
                }
                None
            }
        };
        let key = (
            normalise_reference(&read.draft.reference),
            read.date,
            read.draft.practice,
        );
        if let Some(earlier) = seen_in_file.get(&key) {
            row.err(
                "row",
                format!("the same referral is on row {earlier}: remove one of the two."),
            );
        } else {
            seen_in_file.insert(key, number);
        }
        if row.errors.is_empty()
            && exists(ws, &read.draft.reference, read.date, read.draft.practice)
        {
            out.already_there += 1;
            continue;
        }
        let Some(valid) = valid.filter(|_| row.errors.is_empty()) else {
            if let Some(date) = read.date {
                left_out.insert((normalise_reference(&read.draft.reference), date), number);
            }
            out.errors.append(&mut row.errors);
            continue;
        };
        // The status, tried on the referral alone first, so a row whose
        // status cannot be recorded is left out whole.
        let referral_date = read.date.unwrap_or(today);
        let step = read.status.as_ref().and_then(|(status, when, reason)| {
            let when = read_date(when).unwrap_or(referral_date);
            transition(ws, *status, reason).map(|t| (t, when.format("%Y-%m-%d").to_string()))
        });
        if let Some((t, when)) = &step {
            let mut alone = Workspace::new();
            alone.settings = ws.settings.clone();
            let saved = alone.save_referral(valid.clone(), None, now, rng);
            if let Err(e) = alone.change_status(saved.referral, t.clone(), when, today) {
                row.err(status_column(&e), e.to_string());
                left_out.insert(
                    (normalise_reference(&read.draft.reference), referral_date),
                    number,
                );
                out.errors.append(&mut row.errors);
                continue;
            }
        }
        let saved = ws.save_referral(valid, None, now, rng);
        out.chunks.insert(saved.chunk);
        out.applied.referrals += 1;
        if let Some((t, when)) = step {
            if let Ok(chunk) = ws.change_status(saved.referral, t, &when, today) {
                out.chunks.insert(chunk);
            }
        }
    }
    if let Some(file) = contacts {
        let cf = file.name.as_str();
        let mut planned = Vec::new();
        for (number, cells) in rows(cf, &file.text, &mut out.errors) {
            let get = |c: &str| cells.get(c).map(String::as_str).unwrap_or("");
            let mut row = Row {
                file: cf,
                row: number,
                errors: Vec::new(),
            };
            for required in CONTACT_COLUMNS.iter().filter_map(|c| c.strip_suffix('*')) {
                if get(required).is_empty() {
                    row.err(required, "this cell is empty: fill it in.");
                }
            }
            let referral_date = match get("referral_date") {
                "" => None,
                t => read_date(t).map_err(|m| row.err("referral_date", m)).ok(),
            };
            let date = match get("date") {
                "" => None,
                t => read_date(t).map_err(|m| row.err("date", m)).ok(),
            };
            let mode = list_id(ws, ListKind::ContactModes, get("mode"));
            if mode.is_none() && !get("mode").is_empty() {
                row.err(
                    "mode",
                    format!(
                        "\u{201c}{}\u{201d} is not in the contact modes list: use a mode from the list, such as Telephone.",
                        get("mode")
                    ),
                );
            }
            let outcome = match get("outcome") {
                "" => Some(ContactOutcome::Attended),
                t => choice::<ContactOutcome>(t).or_else(|| {
                    row.err(
                        "outcome",
                        format!("\u{201c}{t}\u{201d} is not a contact outcome: use Attended, Did not attend or Cancelled."),
                    );
                    None
                }),
            };
            let reference = get("reference").to_owned();
            let draft = ContactDraft {
                date: date
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                mode: mode.unwrap_or_default(),
                minutes: get("minutes").to_owned(),
                outcome: outcome.unwrap_or(ContactOutcome::Attended),
                note: get("note").to_owned(),
            };
            planned.push((date, number, reference, referral_date, draft, row.errors));
        }
        // In date order, so statuses follow the contacts as they happened.
        crate::model::order::sort_by_key(&mut planned, |p| (p.0, p.1));
        for (_, number, reference, referral_date, draft, errors) in planned {
            let mut row = Row {
                file: cf,
                row: number,
                errors,
            };
            let id = referral_date.and_then(|d| find_referral(ws, &reference, d));
            match (id, referral_date) {
                (Some(id), _) if row.errors.is_empty() => {
                    let duplicate = ws.referrals[&id].contacts.iter().any(|c| {
                        c.date.format("%Y-%m-%d").to_string() == draft.date
                            && c.mode == draft.mode
                            && c.minutes.to_string() == draft.minutes.trim()
                            && c.outcome == draft.outcome
                    });
                    if duplicate {
                        out.already_there += 1;
                        continue;
                    }
                    match ws.add_contact_any_status(id, &draft, today) {
                        Ok(chunk) => {
                            out.chunks.insert(chunk);
                            out.applied.contacts += 1;
                        }
                        Err(list) => {
                            for e in list {
                                row.err(contact_column(&e), e.to_string());
                            }
                        }
                    }
                }
                (Some(_), _) | (None, None) => {}
                (None, Some(d)) => match left_out.get(&(normalise_reference(&reference), d)) {
                    Some(r) => row.err(
                        "reference",
                        format!("its referral ({rf}, row {r}) has a problem, so this contact cannot go in until that row is put right."),
                    ),
                    None => row.err(
                        "reference",
                        format!("there is no referral for {reference} on {} in {rf} or in Linkwork: check the reference and the referral date.", d.format("%d/%m/%Y")),
                    ),
                },
            }
            out.errors.append(&mut row.errors);
        }
    }
    crate::model::order::sort_by_key(&mut out.errors, |e| (e.file != rf, e.row));
    out.applied.skipped = out
        .errors
        .iter()
        .map(|e| (e.file.as_str(), e.row))
        .collect::<BTreeSet<_>>()
        .len();
    out
}

/// Checks a referrals file (and optionally a contacts file) against the
/// workspace by importing them into a copy of it; changes nothing.
pub fn plan_import(
    ws: &Workspace,
    referrals: CsvFile,
    contacts: Option<CsvFile>,
    now: chrono::DateTime<chrono::Utc>,
    today: NaiveDate,
    rng: &mut dyn Random,
) -> ImportPlan {
    let mut trial = ws.clone();
    let done = run(&mut trial, &referrals, contacts.as_ref(), now, today, rng);
    ImportPlan {
        referrals,
        contacts,
        errors: done.errors,
        already_there: done.already_there,
        added: (done.applied.referrals, done.applied.contacts),
    }
}

pub(super) fn find_referral(
    ws: &Workspace,
    reference: &str,
    date: NaiveDate,
) -> Option<ReferralId> {
    let person = ws.person_by_reference(reference)?.id;
    ws.referrals
        .values()
        .find(|r| r.person == person && r.referral_date == date)
        .map(|r| r.id)
}

pub(super) fn exists(
    ws: &Workspace,
    reference: &str,
    date: Option<NaiveDate>,
    practice: Option<crate::model::PracticeId>,
) -> bool {
    date.and_then(|d| find_referral(ws, reference, d))
        .is_some_and(|id| Some(ws.referrals[&id].practice) == practice)
}

/// What applying an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub referrals: usize,
    pub contacts: usize,
    /// Rows left out because they had errors.
    pub skipped: usize,
}

/// Why an import was not applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportRefused {
    /// Rows have problems, and only a complete import was asked for.
    Problems(usize),
    /// The workspace changed since the check, and the check no longer
    /// holds: check the files again.
    Changed,
}

impl fmt::Display for ImportRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Problems(1) => f.write_str("1 row has a problem: nothing was imported. Put it right and check the files again, or import only the valid rows."),
            Self::Problems(n) => write!(f, "{n} rows have problems: nothing was imported. Put them right and check the files again, or import only the valid rows."),
            Self::Changed => f.write_str("The caseload changed since the files were checked: nothing was imported. Check the files again."),
        }
    }
}

impl Workspace {
    /// Applies a checked import: the same run as the check, on this
    /// workspace. With problems, nothing is applied unless `only_valid` is
    /// set, when rows with problems are left out. If the run would not do
    /// exactly what the check said, nothing is applied. Returns the chunks
    /// to save.
    pub fn apply_import(
        &mut self,
        plan: &ImportPlan,
        only_valid: bool,
        now: chrono::DateTime<chrono::Utc>,
        today: NaiveDate,
        rng: &mut dyn Random,
    ) -> Result<(Applied, BTreeSet<u32>), ImportRefused> {
        if !plan.errors.is_empty() && !only_valid {
            return Err(ImportRefused::Problems(plan.bad_rows()));
        }
        let mut trial = self.clone();
        let done = run(
            &mut trial,
            &plan.referrals,
            plan.contacts.as_ref(),
            now,
            today,
            rng,
        );
        if done.errors != plan.errors
            || (done.applied.referrals, done.applied.contacts) != plan.added
            || done.already_there != plan.already_there
        {
            return Err(ImportRefused::Changed);
        }
        *self = trial;
        Ok((done.applied, done.chunks))
    }

    /// Adds a contact even to an ended episode (for imports of history),
    /// but never after the day it ended.
    pub(super) fn add_contact_any_status(
        &mut self,
        id: ReferralId,
        draft: &ContactDraft,
        today: NaiveDate,
    ) -> Result<u32, Vec<JourneyError>> {
        let r = self
            .referrals
            .get_mut(&id)
            .ok_or_else(|| vec![JourneyError::NoSuchReferral])?;
        if r.status.is_open() {
            return self.add_contact(id, draft, today);
        }
        let ended = r.status_since();
        if draft.date.as_str() > ended.format("%Y-%m-%d").to_string().as_str() {
            return Err(vec![JourneyError::AfterEnd(ended)]);
        }
        let saved = r.status;
        r.status = ReferralStatus::Active;
        let result = self.add_contact(id, draft, today);
        if let Some(r) = self.referrals.get_mut(&id) {
            r.status = saved;
            // Adding may have pushed an Active change; an ended episode keeps its end.
            if r.history.last().is_some_and(|h| h.status != saved) {
                r.history.pop();
            }
        }
        result
    }
}
