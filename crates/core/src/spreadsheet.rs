//! Spreadsheets in and out: import an existing caseload from CSV (every row
//! checked before anything changes), and export the caseload and contacts as
//! CSV that opens correctly in Excel and cannot smuggle in formulas.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;

use crate::crypto::Random;
use crate::journey::{ContactDraft, Transition};
use crate::lists::ListKind;
use crate::model::{
    normalise_reference, AgeBand, Choice, ContactOutcome, EthnicGroup, ReferralId, ReferralStatus,
    Sex, Workspace,
};
use crate::referral::ReferralDraft;

/// Columns of the referrals file, in template order; `*` marks required.
pub const REFERRAL_COLUMNS: [&str; 15] = [
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
    pub file: &'static str,
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

/// A checked import, ready to apply.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportPlan {
    referrals: Vec<PlannedReferral>,
    contacts: Vec<PlannedContact>,
    pub errors: Vec<RowError>,
    /// Rows that are already in the workspace and will be skipped.
    pub already_there: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct PlannedReferral {
    row: usize,
    draft: ReferralDraft,
    status: Option<(ReferralStatus, String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct PlannedContact {
    row: usize,
    reference: String,
    referral_date: NaiveDate,
    draft: ContactDraft,
}

impl ImportPlan {
    /// Rows without errors that will be added: (referrals, contacts).
    pub fn counts(&self) -> (usize, usize) {
        let bad: BTreeSet<(&str, usize)> = self.errors.iter().map(|e| (e.file, e.row)).collect();
        (
            self.referrals
                .iter()
                .filter(|r| !bad.contains(&("referrals file", r.row)))
                .count(),
            self.contacts
                .iter()
                .filter(|c| !bad.contains(&("contacts file", c.row)))
                .count(),
        )
    }

    /// Rows with at least one error.
    pub fn bad_rows(&self) -> usize {
        self.errors
            .iter()
            .map(|e| (e.file, e.row))
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// Reads a date as ISO (2026-10-01) or UK (01/10/2026).
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
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

/// Rows of a CSV file, keyed by lower-case column name (a trailing `*` is ignored).
fn rows(
    file: &'static str,
    text: &str,
    errors: &mut Vec<RowError>,
) -> Vec<(usize, std::collections::BTreeMap<String, String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim().trim_end_matches('*').to_lowercase())
            .collect(),
        Err(e) => {
            errors.push(RowError {
                file,
                row: 1,
                column: "header".into(),
                message: e.to_string(),
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
            Err(e) => errors.push(RowError {
                file,
                row: i + 2,
                column: "row".into(),
                message: e.to_string(),
            }),
        }
    }
    out
}

/// Checks a referrals file (and optionally a contacts file) against the
/// workspace, without changing anything.
pub fn plan_import(
    ws: &Workspace,
    referrals_csv: &str,
    contacts_csv: Option<&str>,
    today: NaiveDate,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    const RF: &str = "referrals file";
    const CF: &str = "contacts file";
    let mut errors = Vec::new();
    let referral_rows = rows(RF, referrals_csv, &mut errors);
    plan.errors.append(&mut errors);
    if let Some((_, first)) = referral_rows.first() {
        for required in [
            "reference",
            "referral_date",
            "practice",
            "referrer_role",
            "reasons",
        ] {
            if !first.contains_key(required) {
                plan.errors.push(RowError {
                    file: RF,
                    row: 1,
                    column: required.into(),
                    message: "this column is missing".into(),
                });
            }
        }
        if !plan.errors.is_empty() {
            return plan;
        }
    }
    let mut seen_in_file = BTreeSet::new();
    for (row, cells) in referral_rows {
        let get = |c: &str| cells.get(c).map(String::as_str).unwrap_or("");
        let mut err = |column: &str, message: String| {
            plan.errors.push(RowError {
                file: RF,
                row,
                column: column.into(),
                message,
            });
        };
        let date = parse_date(get("referral_date"));
        if date.is_none() && !get("referral_date").is_empty() {
            err(
                "referral_date",
                "write the date as 2026-10-01 or 01/10/2026".into(),
            );
        }
        let practice = ws
            .settings
            .practices
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(get("practice").trim()))
            .map(|p| p.id);
        if practice.is_none() && !get("practice").is_empty() {
            err("practice", format!("\u{201c}{}\u{201d} is not one of this workspace's practices (add it in Settings first)", get("practice")));
        }
        let role = list_id(ws, ListKind::ReferrerRoles, get("referrer_role"));
        if role.is_none() && !get("referrer_role").is_empty() {
            err(
                "referrer_role",
                format!(
                    "\u{201c}{}\u{201d} is not in the referrer roles list",
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
                None => err(
                    "reasons",
                    format!("\u{201c}{part}\u{201d} is not in the reasons list"),
                ),
            }
        }
        let age_band = match get("age_band") {
            "" => None,
            t => choice::<AgeBand>(t).or_else(|| {
                err(
                    "age_band",
                    format!("\u{201c}{t}\u{201d} is not an age band"),
                );
                None
            }),
        };
        let sex = match get("sex") {
            "" => None,
            t => choice::<Sex>(t).or_else(|| {
                err(
                    "sex",
                    format!("\u{201c}{t}\u{201d} is not one of Female, Male, Prefer not to say"),
                );
                None
            }),
        };
        let ethnic_group = match get("ethnic_group") {
            "" => None,
            t => choice::<EthnicGroup>(t).or_else(|| {
                err(
                    "ethnic_group",
                    format!("\u{201c}{t}\u{201d} is not an ONS 2021 ethnic group"),
                );
                None
            }),
        };
        let deprivation_quintile = match get("deprivation_quintile") {
            "" => None,
            t => t.parse::<u8>().ok().or_else(|| {
                err("deprivation_quintile", "use a number from 1 to 5".into());
                None
            }),
        };
        let status = match get("status") {
            "" => None,
            t => match choice::<ReferralStatus>(t) {
                Some(s) => Some((
                    s,
                    get("status_date").to_owned(),
                    get("closure_reason").to_owned(),
                )),
                None => {
                    err("status", format!("\u{201c}{t}\u{201d} is not a status"));
                    None
                }
            },
        };
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
            next_step: String::new(),
            age_band,
            sex,
            ethnic_group,
            deprivation_quintile,
            ..ReferralDraft::default()
        };
        // Field rules shared with the form (missing values, future dates, …).
        let mut field_errors = Vec::new();
        if let Err(list) = draft.validate(ws, today, None) {
            for e in list {
                let column = match e.field() {
                    crate::referral::Field::Reference => "reference",
                    crate::referral::Field::Practice => "practice",
                    crate::referral::Field::ReferralDate => "referral_date",
                    crate::referral::Field::ReferrerRole => "referrer_role",
                    crate::referral::Field::Reasons => "reasons",
                    crate::referral::Field::Notes => "notes",
                    crate::referral::Field::Deprivation => "deprivation_quintile",
                    _ => "row",
                };
                // Unknown practices and roles were already named above.
                let named = plan
                    .errors
                    .iter()
                    .any(|x| x.row == row && x.file == RF && x.column == column);
                if !named {
                    field_errors.push(RowError {
                        file: RF,
                        row,
                        column: column.into(),
                        message: e.to_string(),
                    });
                }
            }
        }
        plan.errors.extend(field_errors);
        if let Some((s, when, reason)) = &status {
            if *s == ReferralStatus::Closed
                && list_id(ws, ListKind::ClosureReasons, reason).is_none()
            {
                plan.errors.push(RowError {
                    file: RF,
                    row,
                    column: "closure_reason".into(),
                    message: "a closed referral needs a closure reason from the list".into(),
                });
            }
            if !when.is_empty() && parse_date(when).is_none() {
                plan.errors.push(RowError {
                    file: RF,
                    row,
                    column: "status_date".into(),
                    message: "write the date as 2026-10-01 or 01/10/2026".into(),
                });
            }
        }
        let key = (normalise_reference(&draft.reference), date, practice);
        if !seen_in_file.insert(key.clone()) {
            plan.errors.push(RowError {
                file: RF,
                row,
                column: "row".into(),
                message: "the same referral appears earlier in the file".into(),
            });
            continue;
        }
        if exists(ws, &draft.reference, date, practice) {
            plan.already_there += 1;
            continue;
        }
        plan.referrals.push(PlannedReferral { row, draft, status });
    }
    if let Some(text) = contacts_csv {
        let mut errors = Vec::new();
        for (row, cells) in rows(CF, text, &mut errors) {
            let get = |c: &str| cells.get(c).map(String::as_str).unwrap_or("");
            let mut err = |column: &str, message: String| {
                errors.push(RowError {
                    file: CF,
                    row,
                    column: column.into(),
                    message,
                });
            };
            let referral_date = parse_date(get("referral_date"));
            if referral_date.is_none() {
                err(
                    "referral_date",
                    "write the referral's date as 2026-10-01 or 01/10/2026".into(),
                );
            }
            let date = parse_date(get("date"));
            if date.is_none() {
                err(
                    "date",
                    "write the contact's date as 2026-10-01 or 01/10/2026".into(),
                );
            }
            let mode = list_id(ws, ListKind::ContactModes, get("mode"));
            if mode.is_none() {
                err(
                    "mode",
                    format!(
                        "\u{201c}{}\u{201d} is not in the contact modes list",
                        get("mode")
                    ),
                );
            }
            if get("minutes").parse::<u32>().is_err() {
                err("minutes", "use a whole number of minutes".into());
            }
            let outcome = match get("outcome") {
                "" => Some(ContactOutcome::Attended),
                t => choice::<ContactOutcome>(t).or_else(|| {
                    err(
                        "outcome",
                        format!("\u{201c}{t}\u{201d} is not a contact outcome"),
                    );
                    None
                }),
            };
            let reference = get("reference").to_owned();
            let (Some(referral_date), Some(date), Some(mode), Some(outcome)) =
                (referral_date, date, mode, outcome)
            else {
                continue;
            };
            let in_file = plan.referrals.iter().any(|p| {
                normalise_reference(&p.draft.reference) == normalise_reference(&reference)
                    && p.draft.referral_date == referral_date.format("%Y-%m-%d").to_string()
            });
            let in_ws = find_referral(ws, &reference, referral_date).is_some();
            if !in_file && !in_ws {
                err("reference", format!("no referral for {reference} on {referral_date} in the referrals file or the workspace"));
                continue;
            }
            if date < referral_date || date > today {
                err(
                    "date",
                    "the contact must be on or after the referral date, and not in the future"
                        .into(),
                );
                continue;
            }
            let draft = ContactDraft {
                date: date.format("%Y-%m-%d").to_string(),
                mode,
                minutes: get("minutes").to_owned(),
                outcome,
                note: get("note").to_owned(),
            };
            let duplicate = find_referral(ws, &reference, referral_date).is_some_and(|id| {
                ws.referrals[&id].contacts.iter().any(|c| {
                    c.date == date
                        && c.mode == draft.mode
                        && c.minutes.to_string() == draft.minutes
                        && c.outcome == outcome
                })
            });
            if duplicate {
                plan.already_there += 1;
            } else {
                plan.contacts.push(PlannedContact {
                    row,
                    reference,
                    referral_date,
                    draft,
                });
            }
        }
        plan.errors.extend(errors);
    }
    plan
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

impl Workspace {
    /// Applies a checked import. With errors, nothing is applied unless
    /// `only_valid` is set, when rows with errors are left out. Returns the
    /// chunks to save.
    pub fn apply_import(
        &mut self,
        plan: &ImportPlan,
        only_valid: bool,
        now: chrono::DateTime<chrono::Utc>,
        today: NaiveDate,
        rng: &mut dyn Random,
    ) -> Result<(Applied, BTreeSet<u32>), usize> {
        if !plan.errors.is_empty() && !only_valid {
            return Err(plan.bad_rows());
        }
        let bad: BTreeSet<(&str, usize)> = plan.errors.iter().map(|e| (e.file, e.row)).collect();
        let mut chunks = BTreeSet::new();
        let mut applied = Applied {
            skipped: plan.bad_rows(),
            ..Applied::default()
        };
        for p in &plan.referrals {
            if bad.contains(&("referrals file", p.row)) {
                continue;
            }
            let Ok(valid) = p.draft.validate(self, today, None) else {
                continue;
            };
            let saved = self.save_referral(valid, None, now, rng);
            chunks.insert(saved.chunk);
            applied.referrals += 1;
            if let Some((status, when, reason)) = &p.status {
                let when = if when.is_empty() {
                    p.draft.referral_date.clone()
                } else {
                    parse_date(when)
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default()
                };
                let transition = match status {
                    ReferralStatus::Referred => None,
                    ReferralStatus::WaitingList => Some(Transition::WaitingList),
                    ReferralStatus::Active => Some(Transition::Active),
                    ReferralStatus::Closed => Some(Transition::Close {
                        reason: list_id(self, ListKind::ClosureReasons, reason).unwrap_or_default(),
                    }),
                    ReferralStatus::Declined => Some(Transition::Decline {
                        note: String::new(),
                    }),
                    ReferralStatus::NeedsBeyond => Some(Transition::NeedsBeyond {
                        action: "Recorded before Linkwork".into(),
                    }),
                };
                if let Some(t) = transition {
                    let _ = self.change_status(saved.referral, t, &when, today);
                }
            }
        }
        // Contacts go on after referrals, in date order, so statuses follow.
        let mut contacts: Vec<&PlannedContact> = plan
            .contacts
            .iter()
            .filter(|c| !bad.contains(&("contacts file", c.row)))
            .collect();
        crate::order::sort_by_key(&mut contacts, |c| c.draft.date.clone());
        for c in contacts {
            let Some(id) = find_referral(self, &c.reference, c.referral_date) else {
                continue;
            };
            if let Ok(chunk) = self.add_contact_any_status(id, &c.draft, today) {
                chunks.insert(chunk);
                applied.contacts += 1;
            }
        }
        Ok((applied, chunks))
    }

    /// Adds a contact even to an ended episode (for imports of history).
    fn add_contact_any_status(
        &mut self,
        id: ReferralId,
        draft: &ContactDraft,
        today: NaiveDate,
    ) -> Result<u32, ()> {
        let r = self.referrals.get_mut(&id).ok_or(())?;
        let ended = !r.status.is_open();
        if !ended {
            return self.add_contact(id, draft, today).map_err(|_| ());
        }
        let saved = r.status;
        r.status = ReferralStatus::Active;
        let result = self.add_contact(id, draft, today).map_err(|_| ());
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

/// Makes a cell safe for spreadsheets: text starting with a formula
/// character is prefixed with an apostrophe so it is shown, never run.
pub fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// Writes rows as CSV for Excel: UTF-8 with a byte-order mark, CRLF line
/// ends, every cell made safe.
pub fn write_csv(rows: &[Vec<String>]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        let _ = writer.write_record(row.iter().map(|c| safe_cell(c)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
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
    crate::order::sort_by_key(&mut referrals, |r| (r.referral_date, r.id));
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
                .map(|n| format!("{} (due {})", n.text, n.due.format("%Y-%m-%d")))
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
    crate::order::sort_by_key(&mut referrals, |r| (r.referral_date, r.id));
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
        let plan = plan_import(&ws, GOOD, Some(CONTACTS), today());
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
        let plan = plan_import(&ws, GOOD, Some(CONTACTS), today());
        ws.apply_import(&plan, false, now(), today(), &mut SeqRandom::default())
            .expect("applies");
        let again = plan_import(&ws, GOOD, Some(CONTACTS), today());
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
        let plan = plan_import(&ws, bad, None, today());
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
            .contains("referrals file, row 3, practice"));
        let before = ws.clone();
        assert_eq!(
            ws.apply_import(&plan, false, now(), today(), &mut SeqRandom::default()),
            Err(2)
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
        let plan = plan_import(&ws, "ref,date\nA,2026-01-01\n", None, today());
        assert_eq!(plan.errors.len(), 5);
        assert!(plan
            .errors
            .iter()
            .all(|e| e.message == "this column is missing"));
    }

    #[test]
    fn contacts_for_unknown_referrals_are_named() {
        let ws = practice_ws();
        let plan = plan_import(&ws, GOOD, Some("reference,referral_date,date,mode,minutes\nZZ-9,2026-10-01,2026-10-02,Telephone,30\n"), today());
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
        let plan = plan_import(
            &ws,
            &GOOD.replace("Prefers mornings", "=cmd|' /C calc'!A0"),
            Some(CONTACTS),
            today(),
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
        let round = plan_import(&ws, &csv, Some(&contacts), today());
        assert_eq!(round.errors, vec![]);
        assert_eq!(round.counts(), (0, 0));
    }

    #[test]
    fn templates_have_every_column_and_import_cleanly() {
        let mut ws = practice_ws();
        ws.settings.practices[0].name = "Riverside Medical Practice".into();
        let plan = plan_import(
            &ws,
            &referrals_template(),
            Some(&contacts_template()),
            today(),
        );
        assert_eq!(plan.errors, vec![]);
        assert_eq!(plan.counts(), (1, 1));
        assert!(referrals_template().contains("reference,referral_date,practice"));
    }
}
