//! Reading a spreadsheet's rows: cells by column name, dates and list
//! values in plain words, and a referral row in the form's terms.

use chrono::NaiveDate;

use crate::model::lists::ListKind;
use crate::model::{AgeBand, Choice, EthnicGroup, ReferralStatus, Sex, Workspace};
use crate::work::journey::{JourneyError, Transition};
use crate::work::referral::ReferralDraft;

use super::*;

/// The date format the messages ask for.
pub(super) const DATE_HELP: &str = "write it as 01/10/2026 or 2026-10-01";

/// Reads a date as ISO (2026-10-01) or UK (01/10/2026), or says in plain
/// words what is wrong with it.
pub(super) fn read_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(|p| digits(p)) {
        return Err(format!("\u{201c}{s}\u{201d} is not a date: {DATE_HELP}."));
    }
    let (year, month, day) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else {
        (parts[2], parts[1], parts[0])
    };
    if year.len() != 4 {
        return Err(format!(
            "\u{201c}{s}\u{201d} has a short year: write the year in full, for example 01/03/2026."
        ));
    }
    let number = |p: &str| p.parse::<u32>().unwrap_or(0);
    let year = i32::try_from(number(year)).unwrap_or(0);
    NaiveDate::from_ymd_opt(year, number(month), number(day)).ok_or_else(|| {
        format!("\u{201c}{s}\u{201d} is not a day in the calendar: check the day and the month.")
    })
}

/// The id of a list item named by its label or id, ignoring case.
pub(super) fn list_id(ws: &Workspace, kind: ListKind, text: &str) -> Option<String> {
    let t = text.trim();
    ws.settings
        .lists
        .get(kind)
        .iter()
        .find(|i| i.id.eq_ignore_ascii_case(t) || i.label.eq_ignore_ascii_case(t))
        .map(|i| i.id.clone())
}

pub(super) fn choice<T: Choice>(text: &str) -> Option<T> {
    let t = text.trim();
    T::ALL
        .iter()
        .copied()
        .find(|c| c.code().eq_ignore_ascii_case(t) || c.label().eq_ignore_ascii_case(t))
}

pub(super) type Cells = std::collections::BTreeMap<String, String>;

/// Rows of a CSV file, keyed by lower-case column name (a trailing `*` is ignored).
pub(super) fn rows(file: &str, text: &str, errors: &mut Vec<RowError>) -> Vec<(usize, Cells)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let unreadable = "this row could not be read. Save the file from your spreadsheet as \u{201c}CSV UTF-8\u{201d} and check it again.";
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim().trim_end_matches('*').to_lowercase())
            .collect(),
        Err(_) => {
            errors.push(RowError {
                file: file.to_owned(),
                row: 1,
                column: "header".into(),
                message: unreadable.into(),
            });
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        match record {
            Ok(r) if r.iter().all(|c| c.trim().is_empty()) => {}
            Ok(r) => out.push((
                i + 2,
                headers
                    .iter()
                    .cloned()
                    .zip(r.iter().map(|c| c.trim().to_owned()))
                    .collect(),
            )),
            Err(_) => errors.push(RowError {
                file: file.to_owned(),
                row: i + 2,
                column: "row".into(),
                message: unreadable.into(),
            }),
        }
    }
    out
}

/// Problems of one row, gathered before it is imported.
pub(super) struct Row<'a> {
    pub(super) file: &'a str,
    pub(super) row: usize,
    pub(super) errors: Vec<RowError>,
}

impl Row<'_> {
    pub(super) fn err(&mut self, column: &str, message: impl Into<String>) {
        // One problem per cell: the first found is the one to fix.
        if !self.errors.iter().any(|e| e.column == column) {
            self.errors.push(RowError {
                file: self.file.to_owned(),
                row: self.row,
                column: column.into(),
                message: message.into(),
            });
        }
    }
}

/// The column of the referrals file a form rule speaks about.
pub(super) fn referral_column(field: crate::work::referral::Field) -> &'static str {
    use crate::work::referral::Field;
    match field {
        Field::Reference => "reference",
        Field::Practice => "practice",
        Field::ReferralDate => "referral_date",
        Field::ReferrerRole => "referrer_role",
        Field::Reasons => "reasons",
        Field::Notes => "notes",
        Field::Deprivation => "deprivation_quintile",
        Field::NextStep => "next_step",
        Field::NextStepDue => "next_step_due",
    }
}

/// The column of the contacts file a contact rule speaks about.
pub(super) fn contact_column(error: &JourneyError) -> &'static str {
    match error {
        JourneyError::ModeMissing | JourneyError::ModeUnknown => "mode",
        JourneyError::MinutesInvalid => "minutes",
        JourneyError::NoteTooLong => "note",
        _ => "date",
    }
}

/// The column of the referrals file a status rule speaks about.
pub(super) fn status_column(error: &JourneyError) -> &'static str {
    match error {
        JourneyError::ReasonMissing | JourneyError::ReasonUnknown => "closure_reason",
        JourneyError::NotFrom(_) => "status",
        _ => "status_date",
    }
}

/// What a status column asks for, as a journey step.
pub(super) fn transition(
    ws: &Workspace,
    status: ReferralStatus,
    reason: &str,
) -> Option<Transition> {
    match status {
        ReferralStatus::Referred => None,
        ReferralStatus::WaitingList => Some(Transition::WaitingList),
        ReferralStatus::Active => Some(Transition::Active),
        ReferralStatus::Closed => Some(Transition::Close {
            reason: list_id(ws, ListKind::ClosureReasons, reason).unwrap_or_default(),
        }),
        ReferralStatus::Declined => Some(Transition::Decline {
            note: String::new(),
        }),
        ReferralStatus::NeedsBeyond => Some(Transition::NeedsBeyond {
            action: "Recorded before Linkwork".into(),
        }),
    }
}

/// A referrals-file row read into the form's terms.
pub(super) struct ReadReferral {
    pub(super) draft: ReferralDraft,
    pub(super) date: Option<NaiveDate>,
    pub(super) status: Option<(ReferralStatus, String, String)>,
}

/// Reads one referrals row, noting every cell that cannot be read.
pub(super) fn read_referral(ws: &Workspace, cells: &Cells, row: &mut Row<'_>) -> ReadReferral {
    let get = |c: &str| cells.get(c).map(String::as_str).unwrap_or("");
    let date = match get("referral_date") {
        "" => None,
        t => read_date(t).map_err(|m| row.err("referral_date", m)).ok(),
    };
    let practice = ws
        .settings
        .practices
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(get("practice").trim()))
        .map(|p| p.id);
    if practice.is_none() && !get("practice").is_empty() {
        row.err("practice", format!("\u{201c}{}\u{201d} is not one of this workspace's practices: add it in Settings first, or correct the name.", get("practice")));
    }
    let role = list_id(ws, ListKind::ReferrerRoles, get("referrer_role"));
    if role.is_none() && !get("referrer_role").is_empty() {
        row.err(
            "referrer_role",
            format!(
                "\u{201c}{}\u{201d} is not in the referrer roles list: add it in Settings, or use a role from the list.",
                get("referrer_role")
            ),
        );
    }
    let mut reasons = Vec::new();
    for part in get("reasons")
        .split([';', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match list_id(ws, ListKind::Reasons, part) {
            Some(id) => reasons.push(id),
            None => row.err(
                "reasons",
                format!("\u{201c}{part}\u{201d} is not in the reasons list: separate reasons with semicolons, and use the list's words."),
            ),
        }
    }
    let mut pick = |column: &str, what: &str| -> String {
        let t = get(column);
        if !t.is_empty() {
            row.err(column, format!("\u{201c}{t}\u{201d} is not {what}."));
        }
        String::new()
    };
    let age_band = choice::<AgeBand>(get("age_band"));
    if age_band.is_none() {
        pick("age_band", "an age band, such as 65 to 74");
    }
    let sex = choice::<Sex>(get("sex"));
    if sex.is_none() {
        pick("sex", "one of Female, Male, Prefer not to say");
    }
    let ethnic_group = choice::<EthnicGroup>(get("ethnic_group"));
    if ethnic_group.is_none() {
        pick("ethnic_group", "an ONS 2021 ethnic group, such as White");
    }
    let deprivation_quintile = match get("deprivation_quintile") {
        "" => None,
        t => t.parse::<u8>().ok().or_else(|| {
            row.err("deprivation_quintile", "use a number from 1 to 5.");
            None
        }),
    };
    let next_step_due = match get("next_step_due") {
        "" => String::new(),
        t => read_date(t)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|m| {
                row.err("next_step_due", m);
                String::new()
            }),
    };
    let status = match get("status") {
        "" => {
            if !get("status_date").is_empty() || !get("closure_reason").is_empty() {
                row.err("status", "a status date or closure reason needs a status: write the status, such as Closed.");
            }
            None
        }
        t => match choice::<ReferralStatus>(t) {
            Some(s) => Some((
                s,
                get("status_date").to_owned(),
                get("closure_reason").to_owned(),
            )),
            None => {
                row.err(
                    "status",
                    format!("\u{201c}{t}\u{201d} is not a status: use Referred, Waiting list, Active, Closed, Declined or Needs beyond social prescribing."),
                );
                None
            }
        },
    };
    if let Some((s, when, reason)) = &status {
        if !when.is_empty() {
            if let Err(m) = read_date(when) {
                row.err("status_date", m);
            }
        }
        if *s == ReferralStatus::Closed && list_id(ws, ListKind::ClosureReasons, reason).is_none() {
            row.err(
                "closure_reason",
                if reason.is_empty() {
                    "a closed referral needs a closure reason from the list.".to_owned()
                } else {
                    format!("\u{201c}{reason}\u{201d} is not in the closure reasons list.")
                },
            );
        }
    }
    let draft = ReferralDraft {
        reference: get("reference").to_owned(),
        practice,
        referral_date: date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        referrer_role: role.unwrap_or_default(),
        reasons,
        notes: get("notes").to_owned(),
        what_matters: get("what_matters").to_owned(),
        next_step: get("next_step").to_owned(),
        next_step_due,
        age_band,
        sex,
        ethnic_group,
        deprivation_quintile,
        ..ReferralDraft::default()
    };
    ReadReferral {
        draft,
        date,
        status,
    }
}
