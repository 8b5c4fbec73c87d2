//! Spreadsheets in and out: import an existing caseload from CSV (every row
//! checked before anything changes), and export the caseload and contacts as
//! CSV that opens correctly in Excel and cannot smuggle in formulas.
mod export;
mod import;
mod read;

pub use export::*;
pub use import::*;
#[cfg(test)]
use read::read_date;

use std::collections::BTreeSet;
use std::fmt;

pub use crate::views::csv::{safe_cell, write_csv};

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

/// Columns of the tasks export: a person's tasks name their referral; the workspace's own
/// have neither.
pub const TASK_COLUMNS: [&str; 5] = ["reference", "referral_date", "task", "due", "done"];

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ReferralStatus, Workspace};
    use crate::testing::{practice_ws, today, SeqRandom};
    use chrono::NaiveDate;

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
        assert_eq!(rv1.tasks.len(), 1, "the next step is imported as one task");
        let step = &rv1.tasks[0];
        assert_eq!(step.text, "Ring the housing officer");
        assert_eq!(step.due, NaiveDate::from_ymd_opt(2026, 11, 30));
        assert_eq!(step.done, None);
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
    fn an_import_after_the_caseload_changed_imports_nothing_and_asks_for_a_new_check() {
        let mut ws = practice_ws();
        let plan = check(&ws, GOOD, Some(CONTACTS));
        assert_eq!(plan.counts(), (2, 3));
        // Another import (or another tab's work) adds RV-1 between the check and the import.
        let first_row = "reference,referral_date,practice,referrer_role,reasons\n\
            RV-1,2026-10-01,Riverside Medical Practice,GP,Housing\n";
        let other = check(&ws, first_row, None);
        ws.apply_import(&other, false, now(), today(), &mut SeqRandom::default())
            .expect("applies");
        let before = ws.clone();
        assert_eq!(
            ws.apply_import(&plan, false, now(), today(), &mut SeqRandom::default()),
            Err(ImportRefused::Changed)
        );
        assert_eq!(ws, before, "nothing imported on a stale check");
        assert!(ImportRefused::Changed
            .to_string()
            .contains("Check the files again"));
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
    fn every_task_is_exported_with_its_referral_due_and_done_days() {
        use crate::work::diary::{TaskDraft, TaskOwner};
        let mut ws = practice_ws();
        let plan = check(&ws, AWKWARD, None);
        ws.apply_import(&plan, true, now(), today(), &mut SeqRandom::default())
            .expect("applies");
        let rv1 = ws
            .referrals
            .values()
            .find(|r| ws.people[&r.person].reference == "RV-1")
            .map(|r| r.id)
            .expect("RV-1");
        let owner = TaskOwner::Referral(rv1);
        let t = ws
            .add_task(
                owner,
                &TaskDraft {
                    text: "Send the leaflet, \"Walk and talk\"".into(),
                    due: String::new(),
                },
            )
            .expect("task");
        ws.set_task_done(owner, t, true, today()).expect("ticked");
        ws.add_task(
            TaskOwner::Workspace,
            &TaskDraft {
                text: "=Chase housing".into(),
                due: "2026-12-01".into(),
            },
        )
        .expect("own task");
        let csv = export_tasks(&ws);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "reference,referral_date,task,due,done");
        assert!(
            lines.contains(&"RV-1,2026-10-01,Ring the housing officer,2026-11-30,"),
            "{csv}"
        );
        assert!(
            lines.contains(
                &"RV-1,2026-10-01,\"Send the leaflet, \"\"Walk and talk\"\"\",,2026-11-21"
            ),
            "{csv}"
        );
        assert!(
            lines.contains(&",,'=Chase housing,2026-12-01,"),
            "no formula: {csv}"
        );
        // The referrals file keeps the next open task as its next step, and round-trips.
        assert!(export_referrals(&ws).contains("Ring the housing officer,2026-11-30"));
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
