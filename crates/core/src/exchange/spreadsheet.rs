//! Spreadsheets in and out: import an existing caseload from CSV (every row
//! checked before anything changes), and export the caseload and contacts as
//! CSV that opens correctly in Excel and cannot smuggle in formulas.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;

use crate::model::lists::ListKind;
use crate::model::{
    normalise_reference, AgeBand, Choice, ContactOutcome, EthnicGroup, ReferralId, ReferralStatus,
    Sex, Workspace,
};
use crate::store::crypto::Random;
pub use crate::views::csv::{safe_cell, write_csv};
use crate::work::journey::{ContactDraft, JourneyError, Transition};
use crate::work::referral::ReferralDraft;

/// Columns of the referrals file, in template order; `*` marks required.
pub const REFERRAL_COLUMNS: [&str; 16] = [
    "reference*",
    "referral_date*",
    "practice*",
    "referrer_role*",
    "reasons*",
    "status",
    "status_date",
    "closure_reason",
    "what_matters",
    "notes",
    "age_band",
    "sex",
    "ethnic_group",
    "deprivation_quintile",
    "next_step",
    "next_step_due",
];

/// Columns of the contacts file, in template order; `*` marks required.
pub const CONTACT_COLUMNS: [&str; 7] = [
    "reference*",
    "referral_date*",
    "date*",
    "mode*",
    "minutes*",
    "outcome",
    "note",
];

/// A blank template with the header row and one example row.
pub fn referrals_template() -> String {
    let header: Vec<&str> = REFERRAL_COLUMNS
        .iter()
        .map(|c| c.trim_end_matches('*'))
        .collect();
    let example = [
        "RV-0412",
        "2026-10-01",
        "Riverside Medical Practice",
        "GP",
        "Loneliness or isolation; Money, debt or benefits",
        "Active",
        "2026-10-08",
        "",
        "",
        "",
        "65 to 74",
        "Female",
        "White",
        "2",
        "",
        "",
    ];
    write_csv(&[
        header.iter().map(|s| s.to_string()).collect(),
        example.iter().map(|s| s.to_string()).collect(),
    ])
}

/// A blank contacts template with one example row.
pub fn contacts_template() -> String {
    let header: Vec<String> = CONTACT_COLUMNS
        .iter()
        .map(|c| c.trim_end_matches('*').to_owned())
        .collect();
    let example = [
        "RV-0412",
        "2026-10-01",
        "2026-10-08",
        "Telephone",
        "30",
        "Attended",
        "",
    ];
    write_csv(&[header, example.iter().map(|s| s.to_string()).collect()])
}

/// One problem in an imported file, by row and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The file's name, as it was chosen.
    pub file: String,
    /// The spreadsheet row (the header is row 1).
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, row {}, {}: {}",
            self.file, self.row, self.column, self.message
        )
    }
}

/// A file chosen for import: its name and its text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvFile {
    pub name: String,
    pub text: String,
}

impl CsvFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// A checked import: the files, and what importing them does. The check is
/// the import itself, run on a copy of the workspace, so what it reports is
/// exactly what an import changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportPlan {
    referrals: CsvFile,
    contacts: Option<CsvFile>,
    /// Every problem, by file, row and column; rows with a problem are
    /// never imported.
    pub errors: Vec<RowError>,
    /// Rows that are already in the workspace and will be skipped.
    pub already_there: usize,
    added: (usize, usize),
}

impl ImportPlan {
    /// What importing adds: (referrals, contacts). With problems, these are
    /// the rows "import only the valid rows" adds.
    pub fn counts(&self) -> (usize, usize) {
        self.added
    }

    /// Rows with at least one error.
    pub fn bad_rows(&self) -> usize {
        self.errors
            .iter()
            .map(|e| (e.file.as_str(), e.row))
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// The date format the messages ask for.
const DATE_HELP: &str = "write it as 01/10/2026 or 2026-10-01";

/// Reads a date as ISO (2026-10-01) or UK (01/10/2026), or says in plain
/// words what is wrong with it.
fn read_date(s: &str) -> Result<NaiveDate, String> {
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
fn list_id(ws: &Workspace, kind: ListKind, text: &str) -> Option<String> {
    let t = text.trim();
    ws.settings
        .lists
        .get(kind)
        .iter()
        .find(|i| i.id.eq_ignore_ascii_case(t) || i.label.eq_ignore_ascii_case(t))
        .map(|i| i.id.clone())
}

fn choice<T: Choice>(text: &str) -> Option<T> {
    let t = text.trim();
    T::ALL
        .iter()
        .copied()
        .find(|c| c.code().eq_ignore_ascii_case(t) || c.label().eq_ignore_ascii_case(t))
}

type Cells = std::collections::BTreeMap<String, String>;

/// Rows of a CSV file, keyed by lower-case column name (a trailing `*` is ignored).
fn rows(file: &str, text: &str, errors: &mut Vec<RowError>) -> Vec<(usize, Cells)> {
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
struct Row<'a> {
    file: &'a str,
    row: usize,
    errors: Vec<RowError>,
}

impl Row<'_> {
    fn err(&mut self, column: &str, message: impl Into<String>) {
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
fn referral_column(field: crate::work::referral::Field) -> &'static str {
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
fn contact_column(error: &JourneyError) -> &'static str {
    match error {
        JourneyError::ModeMissing | JourneyError::ModeUnknown => "mode",
        JourneyError::MinutesInvalid => "minutes",
        JourneyError::NoteTooLong => "note",
        _ => "date",
    }
}

/// The column of the referrals file a status rule speaks about.
fn status_column(error: &JourneyError) -> &'static str {
    match error {
        JourneyError::ReasonMissing | JourneyError::ReasonUnknown => "closure_reason",
        JourneyError::NotFrom(_) => "status",
        _ => "status_date",
    }
}

/// What a status column asks for, as a journey step.
fn transition(ws: &Workspace, status: ReferralStatus, reason: &str) -> Option<Transition> {
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
struct ReadReferral {
    draft: ReferralDraft,
    date: Option<NaiveDate>,
    status: Option<(ReferralStatus, String, String)>,
}

/// Reads one referrals row, noting every cell that cannot be read.
fn read_referral(ws: &Workspace, cells: &Cells, row: &mut Row<'_>) -> ReadReferral {
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

/// The outcome of running an import on a workspace.
struct Run {
    errors: Vec<RowError>,
    already_there: usize,
    applied: Applied,
    chunks: BTreeSet<u32>,
}

/// Imports the files into `ws`, row by row, through the same rules the
/// forms use. A row with any problem is left out whole and its problems are
/// listed; every other row goes in. The check and the import both run this.
fn run(
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

fn find_referral(ws: &Workspace, reference: &str, date: NaiveDate) -> Option<ReferralId> {
    let person = ws.person_by_reference(reference)?.id;
    ws.referrals
        .values()
        .find(|r| r.person == person && r.referral_date == date)
        .map(|r| r.id)
}

fn exists(
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
    fn add_contact_any_status(
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
        rows.push(vec![
            person.map(|p| p.reference.clone()).unwrap_or_default(),
            r.referral_date.format("%Y-%m-%d").to_string(),
            ws.settings
                .practice(r.practice)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
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
            r.next_step
                .as_ref()
                .map(|n| n.text.clone())
                .unwrap_or_default(),
            r.next_step
                .as_ref()
                .map(|n| n.due.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            r.first_seen()
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            r.attended_count().to_string(),
        ]);
    }
    write_csv(&rows)
}

/// Every contact as CSV, in the import's columns.
pub fn export_contacts(ws: &Workspace) -> String {
    let lists = &ws.settings.lists;
    let mut rows = vec![CONTACT_COLUMNS
        .iter()
        .map(|c| c.trim_end_matches('*').to_owned())
        .collect::<Vec<_>>()];
    let mut referrals: Vec<_> = ws.referrals.values().collect();
    crate::model::order::sort_by_key(&mut referrals, |r| (r.referral_date, r.id));
    for r in referrals {
        let reference = ws
            .people
            .get(&r.person)
            .map(|p| p.reference.clone())
            .unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{practice_ws, today, SeqRandom};

    fn now() -> chrono::DateTime<chrono::Utc> {
        today().and_hms_opt(12, 0, 0).expect("valid").and_utc()
    }

    /// Checks the files as the app does, named as a person would have them.
    fn check(ws: &Workspace, referrals: &str, contacts: Option<&str>) -> ImportPlan {
        plan_import(
            ws,
            CsvFile::new("caseload.csv", referrals),
            contacts.map(|c| CsvFile::new("contacts.csv", c)),
            now(),
            today(),
            &mut SeqRandom::default(),
        )
    }

    const GOOD: &str = "reference,referral_date,practice,referrer_role,reasons,status,status_date,closure_reason,notes\n\
        RV-1,2026-10-01,Riverside Medical Practice,GP,Loneliness or isolation; money,Active,2026-10-05,,Prefers mornings\n\
        RV-2,02/10/2026,riverside medical practice,self,Housing,Closed,2026-11-01,Person withdrew,\n";

    const CONTACTS: &str = "reference,referral_date,date,mode,minutes,outcome,note\n\
        RV-1,2026-10-01,2026-10-05,Telephone,30,Attended,First call\n\
        RV-1,2026-10-01,2026-10-12,practice,45,,\n\
        RV-2,2026-10-02,2026-10-20,Home visit,60,Did not attend,\n";

    #[test]
    fn a_good_file_imports_referrals_statuses_and_contacts() {
        let mut ws = practice_ws();
        let plan = check(&ws, GOOD, Some(CONTACTS));
        assert_eq!(plan.errors, vec![]);
        assert_eq!(plan.counts(), (2, 3));
        let (applied, chunks) = ws
            .apply_import(&plan, false, now(), today(), &mut SeqRandom::default())
            .expect("applies");
        assert_eq!(
            applied,
            Applied {
                referrals: 2,
                contacts: 3,
                skipped: 0
            }
        );
        assert!(!chunks.is_empty());
        let rv1 = ws
            .referrals
            .values()
            .find(|r| ws.people[&r.person].reference == "RV-1")
            .expect("RV-1");
        assert_eq!(rv1.status, ReferralStatus::Active);
        assert_eq!(
            rv1.reasons,
            vec!["loneliness".to_owned(), "money".to_owned()]
        );
        assert_eq!(rv1.attended_count(), 2);
        let rv2 = ws
            .referrals
            .values()
            .find(|r| ws.people[&r.person].reference == "RV-2")
            .expect("RV-2");
        assert_eq!(
            rv2.status,
            ReferralStatus::Closed,
            "history contacts keep a closed episode closed"
        );
        assert_eq!(
            rv2.closure.as_ref().map(|c| c.reason.as_str()),
            Some("withdrew")
        );
        assert_eq!(rv2.contacts.len(), 1);
    }

    #[test]
    fn importing_the_same_files_twice_adds_nothing() {
        let mut ws = practice_ws();
        let plan = check(&ws, GOOD, Some(CONTACTS));
        ws.apply_import(&plan, false, now(), today(), &mut SeqRandom::default())
            .expect("applies");
        let again = check(&ws, GOOD, Some(CONTACTS));
        assert_eq!(again.errors, vec![]);
        assert_eq!(again.counts(), (0, 0));
        assert_eq!(again.already_there, 5);
        let before = ws.clone();
        ws.apply_import(&again, false, now(), today(), &mut SeqRandom::default())
            .expect("applies");
        assert_eq!(ws.referrals.len(), before.referrals.len());
        assert_eq!(
            ws.referrals
                .values()
                .map(|r| r.contacts.len())
                .sum::<usize>(),
            3
        );
    }

    #[test]
    fn every_bad_cell_is_listed_by_row_and_column_and_nothing_changes() {
        let mut ws = practice_ws();
        let bad = "reference,referral_date,practice,referrer_role,reasons,sex\n\
            RV-1,2026-10-01,Riverside Medical Practice,GP,Loneliness or isolation,\n\
            ,31/02/2026,Nowhere Surgery,Astrologer,Boredom,Robot\n\
            RV-3,2099-01-01,Riverside Medical Practice,GP,,\n";
        let plan = check(&ws, bad, None);
        let cells: Vec<(usize, &str)> = plan
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str()))
            .collect();
        assert_eq!(
            cells,
            vec![
                (3, "referral_date"),
                (3, "practice"),
                (3, "referrer_role"),
                (3, "reasons"),
                (3, "sex"),
                (3, "reference"),
                (4, "referral_date"),
                (4, "reasons"),
            ]
        );
        assert_eq!(plan.bad_rows(), 2);
        assert!(plan.errors[1]
            .to_string()
            .contains("caseload.csv, row 3, practice"));
        let before = ws.clone();
        assert_eq!(
            ws.apply_import(&plan, false, now(), today(), &mut SeqRandom::default()),
            Err(ImportRefused::Problems(2))
        );
        assert_eq!(ws, before, "nothing changes until every row is valid");
        let (applied, _) = ws
            .apply_import(&plan, true, now(), today(), &mut SeqRandom::default())
            .expect("applies");
        assert_eq!(
            applied,
            Applied {
                referrals: 1,
                contacts: 0,
                skipped: 2
            }
        );
    }

    #[test]
    fn a_file_without_the_required_columns_is_refused_whole() {
        let ws = practice_ws();
        let plan = check(&ws, "ref,date\nA,2026-01-01\n", None);
        assert_eq!(plan.errors.len(), 5);
        assert!(plan
            .errors
            .iter()
            .all(|e| e.message.starts_with("this column is missing")));
    }

    #[test]
    fn contacts_for_unknown_referrals_are_named() {
        let ws = practice_ws();
        let plan = check(&ws, GOOD, Some("reference,referral_date,date,mode,minutes\nZZ-9,2026-10-01,2026-10-02,Telephone,30\n"));
        assert_eq!(plan.errors.len(), 1);
        assert_eq!(plan.errors[0].column, "reference");
        assert!(plan.errors[0].message.contains("no referral for ZZ-9"));
    }

    #[test]
    fn exports_are_excel_friendly_and_formula_safe() {
        assert_eq!(
            safe_cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        for risky in ["+1", "-2", "@SUM(A1)", "\tX", "\rY"] {
            assert!(safe_cell(risky).starts_with('\''), "{risky:?}");
        }
        assert_eq!(safe_cell("RV-1"), "RV-1");
        let mut ws = practice_ws();
        let plan = check(
            &ws,
            &GOOD.replace("Prefers mornings", "=cmd|' /C calc'!A0"),
            Some(CONTACTS),
        );
        ws.apply_import(&plan, false, now(), today(), &mut SeqRandom::default())
            .expect("applies");
        let csv = export_referrals(&ws);
        assert!(
            csv.starts_with('\u{feff}'),
            "UTF-8 byte-order mark for Excel"
        );
        assert!(csv.contains("\r\n"));
        assert!(csv.contains("'=cmd"), "{csv}");
        assert!(!csv.contains(",=cmd"));
        assert!(csv.contains("2026-10-01"), "ISO dates");
        let contacts = export_contacts(&ws);
        assert_eq!(contacts.lines().count(), 4, "header and three contacts");
        // What is exported imports back as "already there".
        let round = check(&ws, &csv, Some(&contacts));
        assert_eq!(round.errors, vec![]);
        assert_eq!(round.counts(), (0, 0));
    }

    #[test]
    fn templates_have_every_column_and_import_cleanly() {
        let mut ws = practice_ws();
        ws.settings.practices[0].name = "Riverside Medical Practice".into();
        let plan = check(&ws, &referrals_template(), Some(&contacts_template()));
        assert_eq!(plan.errors, vec![]);
        assert_eq!(plan.counts(), (1, 1));
        assert!(referrals_template().contains("reference,referral_date,practice"));
    }

    /// The rows the issue found dropped or changed silently.
    const AWKWARD: &str = "reference,referral_date,practice,referrer_role,reasons,status,status_date,next_step,next_step_due\n\
        RV-1,2026-10-01,Riverside Medical Practice,GP,Housing,,,Ring the housing officer,2026-11-30\n\
        RV-2,2026-10-02,Riverside Medical Practice,GP,Housing,Active,2026-09-01,,\n\
        RV-3,2026-10-03,Riverside Medical Practice,GP,Housing,Active,2099-01-01,,\n\
        RV-4,2026-10-04,Riverside Medical Practice,GP,Housing,Active,2026-10-10,,\n";

    #[test]
    fn what_the_check_accepts_is_exactly_what_is_imported() {
        let long_note = "x".repeat(604);
        let contacts = format!(
            "reference,referral_date,date,mode,minutes,outcome,note\n\
             RV-1,2026-10-01,2026-10-05,Telephone,30,Attended,\n\
             RV-1,2026-10-01,2026-10-06,Telephone,700,Attended,\n\
             RV-4,2026-10-04,2026-10-11,Telephone,20,Attended,{long_note}\n\
             RV-2,2026-10-02,2026-10-12,Telephone,20,Attended,\n"
        );
        let mut ws = practice_ws();
        let plan = check(&ws, AWKWARD, Some(&contacts));
        let cells: Vec<(&str, usize, &str)> = plan
            .errors
            .iter()
            .map(|e| (e.file.as_str(), e.row, e.column.as_str()))
            .collect();
        assert_eq!(
            cells,
            vec![
                ("caseload.csv", 3, "status_date"),
                ("caseload.csv", 4, "status_date"),
                ("contacts.csv", 3, "minutes"),
                ("contacts.csv", 4, "note"),
                ("contacts.csv", 5, "reference"),
            ]
        );
        assert!(
            plan.errors[0]
                .message
                .contains("cannot be before 2 Oct 2026"),
            "{}",
            plan.errors[0]
        );
        assert!(
            plan.errors[1].message.contains("future"),
            "{}",
            plan.errors[1]
        );
        assert!(
            plan.errors[4].message.contains("caseload.csv, row 3"),
            "{}",
            plan.errors[4]
        );
        assert_eq!(
            plan.counts(),
            (2, 1),
            "RV-1 and RV-4; RV-1's 30-minute call"
        );
        let before = ws.clone();
        assert_eq!(
            ws.apply_import(&plan, false, now(), today(), &mut SeqRandom::default()),
            Err(ImportRefused::Problems(5))
        );
        assert_eq!(ws, before);
        let (applied, _) = ws
            .apply_import(&plan, true, now(), today(), &mut SeqRandom::default())
            .expect("applies");
        assert_eq!(
            (applied.referrals, applied.contacts, applied.skipped),
            (2, 1, 5)
        );
        let rv1 = ws
            .referrals
            .values()
            .find(|r| ws.people[&r.person].reference == "RV-1")
            .expect("RV-1");
        let step = rv1.next_step.as_ref().expect("the next step is imported");
        assert_eq!(step.text, "Ring the housing officer");
        assert_eq!(
            step.due,
            NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
        );
        assert_eq!(rv1.contacts.len(), 1);
        let rv4 = ws
            .referrals
            .values()
            .find(|r| ws.people[&r.person].reference == "RV-4")
            .expect("RV-4");
        assert_eq!(rv4.status, ReferralStatus::Active, "its status is kept");
        assert!(
            rv4.contacts.is_empty(),
            "the contact with the long note is not"
        );
    }

    #[test]
    fn a_next_step_round_trips_through_export() {
        let mut ws = practice_ws();
        let plan = check(&ws, AWKWARD, None);
        ws.apply_import(&plan, true, now(), today(), &mut SeqRandom::default())
            .expect("applies");
        let csv = export_referrals(&ws);
        assert!(csv.contains("Ring the housing officer,2026-11-30"), "{csv}");
        let again = check(&ws, &csv, None);
        assert_eq!(again.errors, vec![]);
        assert_eq!(again.counts(), (0, 0));
    }

    #[test]
    fn a_contact_after_its_referral_ended_is_refused_with_the_day() {
        let ws = practice_ws();
        let plan = check(
            &ws,
            GOOD,
            Some("reference,referral_date,date,mode,minutes\nRV-2,2026-10-02,2026-11-05,Telephone,30\n"),
        );
        assert_eq!(plan.errors.len(), 1, "{:?}", plan.errors);
        assert_eq!(plan.errors[0].column, "date");
        assert!(
            plan.errors[0].message.contains("ended on 1 Nov 2026"),
            "{}",
            plan.errors[0]
        );
    }

    #[test]
    fn dates_are_read_or_explained_in_plain_words() {
        assert_eq!(
            read_date("01/10/2026"),
            NaiveDate::from_ymd_opt(2026, 10, 1).ok_or(String::new())
        );
        assert_eq!(
            read_date(" 2026-10-01 "),
            NaiveDate::from_ymd_opt(2026, 10, 1).ok_or(String::new())
        );
        let feb = read_date("31/02/2026").expect_err("no 31 February");
        assert!(feb.contains("not a day in the calendar"), "{feb}");
        assert!(!feb.contains("write the date as"), "{feb}");
        let short = read_date("01/03/26").expect_err("a short year");
        assert!(short.contains("year in full"), "{short}");
        assert!(!short.contains("2000"), "{short}");
        let word = read_date("last Tuesday").expect_err("not a date");
        assert!(word.contains("01/10/2026"), "{word}");
        let ws = practice_ws();
        let plan = check(
            &ws,
            "reference,referral_date,practice,referrer_role,reasons\nRV-1,01/03/26,Riverside Medical Practice,GP,Housing\n",
            None,
        );
        assert_eq!(plan.errors.len(), 1);
        assert!(
            plan.errors[0].message.contains("year in full"),
            "{}",
            plan.errors[0]
        );
    }

    mod property {
        use super::*;
        use proptest::prelude::*;

        const REFERRAL_CELLS: [&str; 6] = [
            "RV-{n},2026-10-01,Riverside Medical Practice,GP,Housing,,,",
            "RV-{n},2026-10-02,Riverside Medical Practice,GP,Housing,Active,2026-10-05,",
            "RV-{n},2026-10-03,Riverside Medical Practice,GP,Housing,Closed,2026-10-20,Person withdrew",
            "RV-{n},2026-10-04,Riverside Medical Practice,GP,Housing,Active,2026-09-01,",
            "RV-{n},31/02/2026,Riverside Medical Practice,GP,Housing,,,",
            "RV-{n},2026-10-05,Nowhere,GP,Housing,Closed,2026-10-06,",
        ];
        const CONTACT_CELLS: [&str; 6] = [
            "2026-10-10,Telephone,30,Attended,",
            "2026-10-12,Telephone,700,Attended,",
            "2026-10-15,Home visit,45,Did not attend,",
            "2026-09-01,Telephone,30,Attended,",
            "2026-11-20,Telephone,30,Attended,",
            "2026-10-16,Carrier pigeon,30,Attended,",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            /// Whatever mix of good and bad rows, importing the valid rows
            /// adds exactly what the check counted, and nothing else.
            #[test]
            fn the_import_adds_exactly_what_the_check_counted(
                referrals in proptest::collection::vec(0..REFERRAL_CELLS.len(), 1..12),
                contacts in proptest::collection::vec((0..12usize, 0..CONTACT_CELLS.len()), 0..20),
            ) {
                let mut file = String::from("reference,referral_date,practice,referrer_role,reasons,status,status_date,closure_reason\n");
                for (n, kind) in referrals.iter().enumerate() {
                    file.push_str(&REFERRAL_CELLS[*kind].replace("{n}", &n.to_string()));
                    file.push('\n');
                }
                let mut contact_file = String::from("reference,referral_date,date,mode,minutes,outcome,note\n");
                for (n, kind) in &contacts {
                    let of = referrals.get(*n).copied().unwrap_or(0);
                    let day = ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "31/02/2026", "2026-10-05"][of];
                    contact_file.push_str(&format!("RV-{n},{day},{}\n", CONTACT_CELLS[*kind]));
                }
                let mut ws = practice_ws();
                let plan = check(&ws, &file, Some(&contact_file));
                let (referrals_added, contacts_added) = plan.counts();
                let before_contacts: usize = ws.referrals.values().map(|r| r.contacts.len()).sum();
                let (applied, _) = ws
                    .apply_import(&plan, true, now(), today(), &mut SeqRandom::default())
                    .expect("applies");
                prop_assert_eq!(applied.referrals, referrals_added);
                prop_assert_eq!(applied.contacts, contacts_added);
                prop_assert_eq!(ws.referrals.len(), referrals_added);
                let after: usize = ws.referrals.values().map(|r| r.contacts.len()).sum();
                prop_assert_eq!(after - before_contacts, contacts_added);
                // Every row is accounted for: added, already there, or listed.
                let rows = referrals.len() + contacts.len();
                prop_assert_eq!(referrals_added + contacts_added + plan.already_there + plan.bad_rows(), rows);
                // Checking again finds everything already there and nothing new.
                let again = check(&ws, &file, Some(&contact_file));
                prop_assert_eq!(again.counts(), (0, 0));
            }
        }
    }
}
