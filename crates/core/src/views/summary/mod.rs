//! Anonymised summary files: what a link worker's workspace says about the
//! service, by quarter and practice, with no person-level rows and no free
//! text (except quotes the person agreed to share and the link worker chose
//! to include).
//!
//! Every count is published inside a [`Group`]: a total and its parts (a
//! partition of the total, or, for reasons, overlapping counts). In version
//! 2 files every count is rounded to a multiple of 5 by the method of
//! [`crate::views::disclosure`], and breakdowns are given only for groups of 10 or
//! more. Version 1 files (counts from 1 to 4 shown as "<5", others hidden
//! as "x") still open, marked as made with that older protection.

use std::collections::BTreeMap;

mod file;
mod make;
mod programme;
mod utility;

pub use file::*;
pub use make::*;
pub use programme::*;
pub use utility::*;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::store::format::DocKind;

/// Counts from 1 to this are never shown.
pub const SMALLEST_SHOWN: u32 = 5;

/// One published count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Exact(u32),
    /// A count from 1 to 4.
    Under5,
    /// Hidden so that another hidden count cannot be worked out.
    Hidden,
}

impl Cell {
    /// The count, or 0 for a hidden one.
    pub fn count(self) -> u32 {
        match self {
            Cell::Exact(n) => n,
            _ => 0,
        }
    }

    /// The words a table shows.
    pub fn show(self) -> String {
        match self {
            Cell::Exact(n) => crate::views::numbers::count(n),
            Cell::Under5 => "<5".into(),
            Cell::Hidden => "x".into(),
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Exact(n) => s.serialize_u32(*n),
            Cell::Under5 => s.serialize_str("<5"),
            Cell::Hidden => s.serialize_str("x"),
        }
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u32),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) if (1..SMALLEST_SHOWN).contains(&n) => Err(serde::de::Error::custom(
                format!("a count of {n} is shown: counts from 1 to 4 must be \"<5\""),
            )),
            Raw::Number(n) => Ok(Cell::Exact(n)),
            Raw::Text(t) if t == "<5" => Ok(Cell::Under5),
            Raw::Text(t) if t == "x" => Ok(Cell::Hidden),
            Raw::Text(t) => Err(serde::de::Error::custom(format!(
                "\"{t}\" is not a count, \"<5\" or \"x\""
            ))),
        }
    }
}

/// A total and its parts, for one month and practice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Which table, e.g. "Referrals by who referred".
    pub table: String,
    /// "2026-03".
    pub month: String,
    pub practice: String,
    pub total: Cell,
    /// Category → count.
    pub parts: BTreeMap<String, Cell>,
    /// Whether the parts add up to the total (otherwise they overlap, as
    /// reasons do, and each is protected on its own).
    pub partition: bool,
    /// Why there are no parts (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<Withheld>,
    /// For a group of practices too small on their own ([`FOLDED`]): which.
    /// Their totals are in their own groups; only the parts are here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub combines: Vec<String>,
}

/// Why a group gives its total only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Withheld {
    /// Fewer than 10 people (counted or rounded): not broken down.
    #[serde(rename = "under_10")]
    UnderTen,
    /// One month's total: breakdowns are given for whole quarters.
    MonthTotal,
}

/// How a summary's counts were protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    /// Version 1: counts from 1 to 4 shown as "<5", some others hidden.
    /// Such files can be worked back to small counts; they open with a note.
    Suppressed,
    /// Version 2: every count rounded to a multiple of 5 with record keys,
    /// breakdowns only for groups of 10 or more.
    Rounded,
}

/// Paired outcome change of one measure, for one month and practice. The
/// sums are left out when the number of pairs is not shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutcomeSums {
    pub measure: String,
    pub month: String,
    pub practice: String,
    pub pairs: Cell,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sum: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sum_of_squares: Option<f64>,
}

/// Days from referral to first contact for one practice over the whole
/// period. The median and quartiles are given only for 10 or more people.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaitRow {
    pub practice: String,
    pub seen: Cell,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q1: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q3: Option<f64>,
}

/// The fewest people a median or quartile of waits is given for.
pub const SMALLEST_SPREAD: u32 = 10;

/// Minutes on each level of the work, by quarter (by month in version 1)
/// and practice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRow {
    pub month: String,
    pub practice: String,
    /// Not given where fewer than 10 people were seen (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_minutes: Option<u32>,
    pub practice_minutes: u32,
    pub community_minutes: u32,
    /// For smaller practices together: which (their time with people only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub combines: Vec<String>,
}

/// A practice's latest check-in in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckInRow {
    pub practice: String,
    pub date: NaiveDate,
    /// Mean agreement per construct, in [`crate::work::practice_work::Construct::ALL`] order.
    pub scores: Vec<Option<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuum: Option<String>,
    pub in_place: u32,
}

/// An anonymised summary of one workspace over a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The link worker's chosen label, e.g. "North PCN, link worker 2".
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub generated: DateTime<Utc>,
    pub protection: Protection,
    pub groups: Vec<Group>,
    pub outcomes: Vec<OutcomeSums>,
    /// Waits for a first contact, by practice, over the whole period.
    pub waits: Vec<WaitRow>,
    pub time: Vec<TimeRow>,
    pub checkins: Vec<CheckInRow>,
    /// Quotes the person agreed to share and the link worker chose to include.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<String>,
}

/// The summary file format. Version 2 rounds every count (see
/// [`crate::views::disclosure`]); a version 1 file is read as made with the older
/// suppression.
pub const SUMMARY_DOC: DocKind = DocKind {
    format: "linkwork.summary",
    current: 2,
    migrations: &[summary_v1_to_v2],
};

pub(super) fn summary_v1_to_v2(doc: &mut serde_json::Value) -> Result<(), String> {
    doc.as_object_mut()
        .ok_or("it is not a summary")?
        .insert("protection".into(), "suppressed".into());
    Ok(())
}

/// Protects one group: counts from 1 to 4 become "<5"; then, while exactly
/// one part is unknown and the total is shown, the smallest shown part (a
/// zero if need be) is hidden too. A total from 1 to 4 hides every part.
pub fn protect(total: u32, parts: &[(String, u32)], partition: bool) -> (Cell, Vec<Cell>) {
    let small = |n: u32| (1..SMALLEST_SHOWN).contains(&n);
    if small(total) {
        let cells = parts
            .iter()
            .map(|(_, n)| {
                if *n == 0 {
                    Cell::Exact(0)
                } else {
                    Cell::Under5
                }
            })
            .collect();
        return (Cell::Under5, cells);
    }
    let mut cells: Vec<Cell> = parts
        .iter()
        .map(|(_, n)| {
            if small(*n) {
                Cell::Under5
            } else {
                Cell::Exact(*n)
            }
        })
        .collect();
    if partition {
        let unknown = |cells: &[Cell]| {
            cells
                .iter()
                .filter(|c| !matches!(c, Cell::Exact(_)))
                .count()
        };
        while unknown(&cells) == 1 {
            // The smallest shown part, preferring a non-zero one.
            let next = cells
                .iter()
                .enumerate()
                .filter_map(|(i, c)| match c {
                    Cell::Exact(n) => Some((*n == 0, *n, i)),
                    _ => None,
                })
                .min();
            match next {
                Some((_, _, i)) => cells[i] = Cell::Hidden,
                None => break,
            }
        }
    }
    (Cell::Exact(total), cells)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::{Choice, ContactOutcome};
    use crate::store::format::{encode_doc, FormatError};
    use crate::testing::{today, SeqRandom};
    use crate::views::dashboard::WAIT_BANDS;
    use crate::work::demo::{generate, DemoSpec};

    fn at() -> DateTime<Utc> {
        crate::testing::this_morning()
    }

    fn demo_summary(include_quotes: bool) -> Summary {
        let ws = generate(&DemoSpec::standard(), today());
        summarise(
            &ws,
            "North PCN, link worker 2",
            "2026-07-01".parse().expect("date"),
            "2026-09-30".parse().expect("date"),
            SummaryOptions {
                include_quotes,
                by_month: true,
            },
            at(),
        )
    }

    #[test]
    fn a_withdrawn_consent_to_quote_takes_the_quote_out_of_the_summary() {
        use crate::model::consent::{ConsentAbout, ConsentAnswer, ConsentEntry, ConsentId};
        let summary = |ws: &crate::model::Workspace| {
            summarise(
                ws,
                "North PCN, link worker 2",
                "2026-07-01".parse().expect("date"),
                "2026-09-30".parse().expect("date"),
                SummaryOptions {
                    include_quotes: true,
                    by_month: true,
                },
                at(),
            )
        };
        let mut ws = generate(&DemoSpec::standard(), today());
        let before = summary(&ws);
        let quoted = ws
            .referrals
            .values()
            .find(|r| {
                r.shareable_quote().is_some()
                    && r.feedback_date().is_some_and(|d| {
                        d >= "2026-07-01".parse().expect("date")
                            && d <= "2026-09-30".parse().expect("date")
                    })
            })
            .map(|r| r.id)
            .expect("a quoted referral in the quarter");
        let r = ws.referrals.get_mut(&quoted).expect("there");
        let quote = r.shareable_quote().expect("quote").to_owned();
        let count = |s: &Summary| s.quotes.iter().filter(|q| **q == quote).count();
        assert!(count(&before) >= 1);
        r.consent.push(ConsentEntry {
            id: ConsentId::new(),
            date: today(),
            about: ConsentAbout::Quote,
            answer: ConsentAnswer::No,
            how: crate::model::consent::ConsentHow::Verbal,
        });
        let after = summary(&ws);
        assert_eq!(
            count(&after),
            count(&before) - 1,
            "that person's quote is gone"
        );
        assert_eq!(after.quotes.len(), before.quotes.len() - 1);
    }

    fn parts(values: &[u32]) -> Vec<(String, u32)> {
        values
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("p{i}"), *n))
            .collect()
    }

    #[test]
    fn small_counts_are_shown_as_under_five_and_one_more_part_is_hidden() {
        let (total, cells) = protect(20, &parts(&[3, 10, 7, 0]), true);
        assert_eq!(total, Cell::Exact(20));
        assert_eq!(
            cells,
            [Cell::Under5, Cell::Exact(10), Cell::Hidden, Cell::Exact(0)],
            "the 3 alone could be worked out as 20 - 10 - 7: the 7 is hidden too"
        );
        let (_, cells) = protect(9, &parts(&[9, 0]), true);
        assert_eq!(
            cells,
            [Cell::Exact(9), Cell::Exact(0)],
            "nothing small: nothing hidden"
        );
        let (_, cells) = protect(6, &parts(&[2, 4]), true);
        assert_eq!(cells, [Cell::Under5, Cell::Under5], "two unknowns already");
        let (total, cells) = protect(3, &parts(&[3, 0]), true);
        assert_eq!(
            (total, cells),
            (Cell::Under5, vec![Cell::Under5, Cell::Exact(0)])
        );
        let (_, cells) = protect(8, &parts(&[3, 5]), false);
        assert_eq!(
            cells,
            [Cell::Under5, Cell::Exact(5)],
            "overlapping parts: no subtraction"
        );
        let (_, cells) = protect(7, &parts(&[2, 5]), true);
        assert_eq!(cells, [Cell::Under5, Cell::Hidden]);
        let (_, cells) = protect(5, &parts(&[5, 0, 0]), true);
        assert_eq!(cells, [Cell::Exact(5), Cell::Exact(0), Cell::Exact(0)]);
        let (_, cells) = protect(6, &parts(&[1, 5, 0]), true);
        assert_eq!(cells, [Cell::Under5, Cell::Hidden, Cell::Exact(0)]);
    }

    proptest! {
        /// Whatever the counts, no part or total from 1 to 4 is shown, and
        /// no hidden part is the total less the shown ones.
        #[test]
        fn protection_never_reveals_a_small_count(
            values in proptest::collection::vec(prop_oneof![0u32..6, 0u32..40], 1..9),
            partition in any::<bool>(),
        ) {
            let total = values.iter().sum();
            let named = parts(&values);
            let (t, cells) = protect(total, &named, partition);
            let g = Group {
                table: "t".into(),
                month: "2026-01".into(),
                practice: "p".into(),
                total: t,
                parts: named.iter().map(|(k, _)| k.clone()).zip(cells.clone()).collect(),
                partition,
                withheld: None,
                combines: Vec::new(),
            };
            prop_assert_eq!(exposure(&g), None);
            // Shown counts are the true ones.
            for ((_, n), c) in named.iter().zip(&cells) {
                if let Cell::Exact(shown) = c {
                    prop_assert_eq!(shown, n);
                }
            }
        }

        /// Adding up any number of protected groups never shows a count from
        /// 1 to 4 as a known figure on its own.
        #[test]
        fn merged_figures_keep_hidden_counts_hidden(
            groups in proptest::collection::vec(proptest::collection::vec(0u32..12, 2..5), 1..6),
        ) {
            let mut merged = Merged::default();
            let mut truth = 0;
            for values in &groups {
                let named = parts(values);
                let (_, cells) = protect(values.iter().sum(), &named, true);
                merged.add(cells[0], false);
                truth += values[0];
            }
            if merged.hidden == 0 {
                prop_assert_eq!(merged.known, truth);
                prop_assert!(merged.known == 0 || merged.known >= SMALLEST_SHOWN || groups.len() > 1);
            } else {
                prop_assert!(merged.show().contains("hidden"));
            }
        }
    }

    proptest! {
        /// A table merged from many files never has exactly one category
        /// with hidden counts while its total is fully known: the hidden
        /// counts cannot be recovered from the merged figures either.
        #[test]
        fn merged_tables_cannot_be_subtracted_from(
            files in proptest::collection::vec(proptest::collection::vec(0u32..9, 3), 1..8),
        ) {
            let mut programme = Programme::default();
            for (i, values) in files.iter().enumerate() {
                let named = parts(values);
                let (total, cells) = protect(values.iter().sum(), &named, true);
                programme.add(Summary {
                    label: format!("worker {i}"),
                    from: today(),
                    to: today(),
                    generated: at(),
                    protection: Protection::Suppressed,
                    groups: vec![Group {
                        table: "t".into(),
                        month: "2026-11".into(),
                        practice: "p".into(),
                        total,
                        parts: named.iter().map(|(k, _)| k.clone()).zip(cells).collect(),
                        partition: true,
                        withheld: None,
                        combines: Vec::new(),
                    }],
                    outcomes: Vec::new(),
                    waits: Vec::new(),
                    time: Vec::new(),
                    checkins: Vec::new(),
                    quotes: Vec::new(),
                });
            }
            let (parts, total) = programme.table("t", &|_, _| true);
            let hidden = parts.values().filter(|m| m.hidden > 0).count();
            prop_assert!(total.hidden > 0 || hidden != 1, "{parts:?} {total:?}");
        }
    }

    #[test]
    fn the_demo_summary_reveals_nothing_and_holds_no_personal_data() {
        let s = demo_summary(false);
        assert!(!s.groups.is_empty());
        assert!(s.check().is_ok());
        let text = s.to_file(None, &mut SeqRandom::default());
        let ws = generate(&DemoSpec::standard(), today());
        for person in ws.people.values().take(50) {
            assert!(!text.contains(&person.reference), "a reference leaked");
        }
        for r in ws.referrals.values().take(50) {
            assert!(
                r.notes.is_empty() || !text.contains(&r.notes),
                "notes leaked"
            );
        }
        assert!(s.quotes.is_empty(), "quotes are off by default");
        assert!(!demo_summary(true).quotes.is_empty(), "and can be included");
        let tables: Vec<&str> = s.groups.iter().map(|g| g.table.as_str()).collect();
        for table in [
            "Referrals by who referred",
            "Contacts by outcome",
            "How episodes ended",
            "Booked appointments by outcome",
        ] {
            assert!(tables.contains(&table), "{table}");
        }
        assert!(tables.iter().any(|t| t.starts_with("Outcome change: ")));
        assert!(tables.iter().any(|t| t.starts_with("Questionnaires: ")));
        assert!(s
            .groups
            .iter()
            .all(|g| ("2026-07".."2026-10").contains(&g.month.as_str())));
    }

    #[test]
    fn a_summary_round_trips_plain_and_encrypted() {
        let s = demo_summary(true);
        let mut rng = SeqRandom::default();
        let plain = s.to_file(None, &mut rng);
        assert!(plain.starts_with("{\"format\":\"linkwork.summary\",\"version\":2"));
        assert_eq!(Summary::from_file(&plain, None), Ok(s.clone()));
        let sealed = s.to_file(Some("board pass"), &mut rng);
        assert!(
            !sealed.contains("Referrals by"),
            "nothing readable but the label and period"
        );
        assert_eq!(
            Summary::from_file(&sealed, None),
            Err(SummaryError::PassphraseNeeded)
        );
        assert_eq!(
            Summary::from_file(&sealed, Some("wrong")),
            Err(SummaryError::WrongPassphrase)
        );
        assert_eq!(Summary::from_file(&sealed, Some("board pass")), Ok(s));
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let s = demo_summary(false);
        let plain = s.to_file(None, &mut SeqRandom::default());
        let newer = plain.replacen("\"version\":2", "\"version\":3", 1);
        assert!(matches!(
            Summary::from_file(&newer, None),
            Err(SummaryError::Format(FormatError::Newer { .. }))
        ));
        assert!(matches!(
            Summary::from_file("{\"format\":\"linkwork.backup\",\"version\":1}", None),
            Err(SummaryError::Format(_))
        ));
        assert!(matches!(
            Summary::from_file("not json", None),
            Err(SummaryError::Format(_))
        ));
        // A file edited to show a count that is not rounded is refused, and
        // so is a breakdown of a group under 10, or parts that do not add up.
        let i = s
            .groups
            .iter()
            .position(|g| g.partition && g.parts.len() > 1)
            .expect("a breakdown");
        let (k, _) = s.groups[i].parts.iter().next().expect("a part");
        let k = k.clone();
        let refused = |edit: &dyn Fn(&mut Group)| {
            let mut tampered = s.clone();
            edit(&mut tampered.groups[i]);
            let text = encode_doc(&SUMMARY_DOC, &tampered);
            Summary::from_file(&text, None)
        };
        assert!(matches!(
            refused(&|g| {
                g.parts.insert(k.clone(), Cell::Exact(7));
            }),
            Err(SummaryError::Unsafe(_))
        ));
        assert!(matches!(
            refused(&|g| {
                *g.parts.get_mut(&k).expect("part") = Cell::Exact(g.parts[&k].count() + 5);
            }),
            Err(SummaryError::Unsafe(_))
        ));
        assert!(matches!(
            refused(&|g| {
                g.total = Cell::Exact(5);
                g.parts = [(k.clone(), Cell::Exact(5))].into_iter().collect();
            }),
            Err(SummaryError::Unsafe(_))
        ));
        assert!(matches!(
            refused(&|g| {
                g.parts.insert(k.clone(), Cell::Under5);
            }),
            Err(SummaryError::Unsafe(_))
        ));
    }

    #[test]
    fn a_batch_imports_the_good_files_and_names_what_is_wrong_with_the_rest() {
        let s = demo_summary(false);
        let mut rng = SeqRandom::default();
        let files = vec![
            ("north.json".to_owned(), s.to_file(None, &mut rng)),
            (
                "broken.json".to_owned(),
                "{\"format\":\"linkwork.summary\"".to_owned(),
            ),
            ("sealed.json".to_owned(), s.to_file(Some("pass"), &mut rng)),
        ];
        let mut p = Programme::default();
        let outcomes = p.import(&files, None);
        assert_eq!(outcomes[0], Imported::Added);
        assert!(matches!(
            outcomes[1],
            Imported::Failed(SummaryError::Format(FormatError::NotJson(_)))
        ));
        assert_eq!(
            outcomes[2],
            Imported::Failed(SummaryError::PassphraseNeeded)
        );
        assert_eq!(p.summaries.len(), 1);
        let again = p.import(&files[2..], Some("pass"));
        assert_eq!(
            again,
            [Imported::Replaced],
            "same worker and period as north.json"
        );
        let stored = p.to_stored();
        assert!(
            stored.chars().count() * 4 < s.to_file(None, &mut rng).len(),
            "compressed"
        );
        assert_eq!(Programme::from_stored(&stored), Ok(p.clone()));
        assert!(Programme::from_stored("garbage").is_err());
        let h = p.headlines(&ProgrammeFilter::default());
        assert!(h.referrals.known > 0);
        let north = ProgrammeFilter {
            practice: Some("Riverside Medical Practice".into()),
            ..ProgrammeFilter::default()
        };
        assert!(
            p.headlines(&north).referrals.known + 5 * p.headlines(&north).referrals.hidden
                <= h.referrals.known + 5 * h.referrals.hidden
        );
        assert_eq!(
            p.trend(&ProgrammeFilter::default(), "Referrals by who referred")
                .len(),
            1
        );
        assert_eq!(
            p.side_by_side(
                &ProgrammeFilter::default(),
                &["Referrals by who referred"],
                true
            )
            .len(),
            1
        );
    }

    #[test]
    fn time_with_people_is_given_only_for_ten_people_or_more() {
        let ws = generate(&DemoSpec::standard(), today());
        let s = demo_summary(false);
        let (from, to) = (s.from, s.to);
        let seen_at = |practice: &str| {
            ws.referrals
                .values()
                .filter(|r| practice_name(&ws, r.practice) == practice)
                .filter(|r| {
                    r.contacts.iter().any(|c| {
                        c.outcome == ContactOutcome::Attended && from <= c.date && c.date <= to
                    })
                })
                .count()
        };
        let mut withheld = 0;
        for r in s.time.iter().filter(|r| r.combines.is_empty()) {
            let seen = seen_at(&r.practice);
            match r.person_minutes {
                Some(_) => assert!(seen >= 10, "{}: {seen} people", r.practice),
                None => {
                    assert!(seen < 10, "{}", r.practice);
                    withheld += 1;
                }
            }
        }
        assert!(
            withheld > 0,
            "the demo's quiet practices keep their time to themselves"
        );
        for r in s.time.iter().filter(|r| !r.combines.is_empty()) {
            let seen: usize = r.combines.iter().map(|p| seen_at(p)).sum();
            assert!(r.combines.len() >= 2 && seen >= 10);
        }
    }

    #[test]
    fn a_manager_view_stored_before_rounding_still_opens() {
        // The stored programme of the version before: one version 1 summary.
        let v1 = serde_json::json!({
            "format": "linkwork.programme", "version": 1,
            "summaries": [{
                "label": "North", "from": "2026-07-01", "to": "2026-09-30",
                "generated": "2026-10-02T09:00:00Z",
                "groups": [{"table": "Referrals by who referred", "month": "2026-07",
                    "practice": "Riverside", "total": 12,
                    "parts": {"GP": 7, "Self-referral": "<5", "Nurse": "x"}, "partition": true}],
                "outcomes": [], "waits": [], "time": [], "checkins": []
            }]
        });
        let stored = crate::store::crypto::squeeze(&v1.to_string());
        let p = Programme::from_stored(&stored).expect("opens");
        assert_eq!(p.summaries()[0].protection, Protection::Suppressed);
        let (_, total) = p.table("Referrals by who referred", &|_, _| true);
        assert_eq!((total.known, total.approximate), (12, false));
        // Saved again, it is version 2 and opens the same.
        assert_eq!(Programme::from_stored(&p.to_stored()), Ok(p));
    }

    #[test]
    fn the_preview_shows_every_part_of_the_file() {
        let s = demo_summary(true);
        let contents = crate::views::tables::summary_contents(&s);
        let names: Vec<&str> = contents.iter().map(|(n, _)| n.as_str()).collect();
        let tables: std::collections::BTreeSet<&str> =
            s.groups.iter().map(|g| g.table.as_str()).collect();
        // Version 2: the tables of counts, time and check-ins (no sums or
        // medians, which only version 1 files hold).
        assert_eq!(names.len(), tables.len() + 2, "{names:?}");
        for t in tables {
            assert!(names.contains(&t), "{t}");
        }
        let groups_shown: usize = contents[..names.len() - 2]
            .iter()
            .map(|(_, t)| t.rows.len())
            .sum();
        assert_eq!(groups_shown, s.groups.len(), "every group is a row");
        // Each group not broken down says why, in words, and shows no parts.
        let rows: Vec<&crate::views::tables::Row> =
            contents.iter().flat_map(|(_, t)| &t.rows).collect();
        let under = s
            .groups
            .iter()
            .filter(|g| g.withheld == Some(Withheld::UnderTen))
            .count();
        let said = rows
            .iter()
            .filter(|r| {
                r.cells
                    .last()
                    .is_some_and(|c| c == "fewer than 10: not broken down")
            })
            .count();
        assert!(under > 0);
        assert_eq!(said, under);
        let time = &contents[names.len() - 2].1;
        assert_eq!(time.rows.len(), s.time.len());
    }

    #[test]
    fn merged_figures_say_when_they_leave_out_hidden_counts() {
        let m = |known, hidden| Merged {
            known,
            hidden,
            approximate: false,
        };
        assert_eq!(
            (m(12, 0).show(), m(12, 0).hidden_text()),
            ("12".into(), None)
        );
        assert_eq!(m(1200, 2).show(), "1,200 + hidden");
        assert_eq!(m(1200, 2).known_text(), "1,200");
        assert_eq!(
            m(1200, 2).hidden_text().as_deref(),
            Some("plus 2 hidden counts")
        );
        assert_eq!(m(0, 1).known_text(), "hidden");
        assert_eq!(m(0, 1).show(), "<5 or hidden");
        // Rounded figures are approximate, and a rounded 0 may hide a few.
        let rounded = |known| Merged {
            known,
            hidden: 0,
            approximate: true,
        };
        assert_eq!(rounded(1200).show(), "about 1,200");
        assert_eq!(rounded(0).show(), "few or none");
        let mut zero = Merged::default();
        zero.add(Cell::Exact(0), true);
        assert_eq!(zero.show(), "few or none");
    }

    #[test]
    fn the_manager_view_keeps_categories_in_their_order_and_periods_say_their_length() {
        let d = |t: &str| t.parse::<NaiveDate>().expect("date");
        assert_eq!(
            period_label(d("2026-10-01"), d("2026-12-31")),
            "Oct to Dec 2026"
        );
        assert_eq!(period_label(d("2026-10-01"), d("2026-10-31")), "Oct 2026");
        assert_eq!(
            period_label(d("2026-11-01"), d("2027-01-31")),
            "Nov 2026 to Jan 2027"
        );
        assert_eq!(
            period_label(d("2026-10-05"), d("2026-12-20")),
            "5 Oct 2026 to 20 Dec 2026"
        );
        // Wait bands from the shortest, as the file cannot keep an order.
        let mut programme = Programme::default();
        let bands: Vec<&str> = WAIT_BANDS.iter().map(|b| b.1).collect();
        let mut parts = BTreeMap::new();
        for (i, b) in bands.iter().enumerate() {
            parts.insert((*b).to_owned(), Cell::Exact(5 * (i as u32 + 1)));
        }
        parts.insert("Days unknown".to_owned(), Cell::Hidden);
        programme.add(Summary {
            label: "worker".into(),
            from: d("2026-07-01"),
            to: d("2026-09-30"),
            generated: at(),
            protection: Protection::Suppressed,
            groups: vec![Group {
                table: "Days from referral to first contact".into(),
                month: "2026-07".into(),
                practice: "p".into(),
                total: Cell::Exact(100),
                parts,
                partition: true,
                withheld: None,
                combines: Vec::new(),
            }],
            outcomes: Vec::new(),
            waits: Vec::new(),
            time: Vec::new(),
            checkins: Vec::new(),
            quotes: Vec::new(),
        });
        let (rows, _) =
            programme.table_in_order("Days from referral to first contact", &|_, _| true);
        let labels: Vec<&str> = rows.iter().map(|(l, _)| l.as_str()).collect();
        let mut expected = bands.clone();
        expected.push("Days unknown");
        assert_eq!(labels, expected, "natural order, others after");
        // A category whose counts are all hidden is not drawn as a bar of 0.
        let chart = crate::views::charts::merged_bars(&rows, false, "Count").to_string();
        assert!(!chart.contains("Days unknown"), "{chart}");
        assert!(chart.contains(bands[0]));
        // Categories with no natural order come largest first.
        assert_eq!(natural_order("Referrals by reason"), None);
        assert_eq!(
            natural_order("Referrals by age band").map(|o| o.len()),
            Some(crate::model::AgeBand::ALL.len() + 1)
        );
    }

    #[test]
    fn summaries_cover_whole_quarters() {
        let q = complete_quarters(today(), 3);
        assert_eq!(
            q,
            [
                (
                    "2026-07-01".parse().expect("d"),
                    "2026-09-30".parse().expect("d")
                ),
                (
                    "2026-04-01".parse().expect("d"),
                    "2026-06-30".parse().expect("d")
                ),
                (
                    "2026-01-01".parse().expect("d"),
                    "2026-03-31".parse().expect("d")
                ),
            ]
        );
        assert_eq!(quarter_name(q[0].0), "July to September 2026");
        assert_eq!(
            whole_quarters(
                "2026-08-15".parse().expect("d"),
                "2026-11-02".parse().expect("d")
            ),
            (
                "2026-07-01".parse().expect("d"),
                "2026-12-31".parse().expect("d")
            )
        );
        let ws = generate(&DemoSpec::standard(), today());
        let s = summarise(
            &ws,
            "A",
            "2026-08-15".parse().expect("d"),
            "2026-08-20".parse().expect("d"),
            SummaryOptions::default(),
            at(),
        );
        assert_eq!(
            (s.from.to_string(), s.to.to_string()),
            ("2026-07-01".into(), "2026-09-30".into())
        );
    }

    #[test]
    fn the_last_quarter_and_file_names() {
        assert_eq!(
            last_quarter(today()),
            (
                "2026-07-01".parse().expect("d"),
                "2026-09-30".parse().expect("d")
            )
        );
        assert_eq!(
            last_quarter("2026-01-05".parse().expect("d")),
            (
                "2025-10-01".parse().expect("d"),
                "2025-12-31".parse().expect("d")
            )
        );
        assert_eq!(
            file_name(&demo_summary(false)),
            "linkwork-summary-north-pcn-link-worker-2-2026-07-01-to-2026-09-30.json"
        );
    }

    #[test]
    fn re_importing_the_same_worker_and_period_replaces_it() {
        let s = demo_summary(false);
        let mut p = Programme::default();
        assert!(!p.add(s.clone()));
        let once = p.table("Referrals by who referred", &|_, _| true);
        assert!(p.add(s.clone()), "same label and period");
        assert_eq!(p.summaries.len(), 1);
        assert_eq!(
            p.table("Referrals by who referred", &|_, _| true),
            once,
            "idempotent"
        );
        let mut other = s.clone();
        other.label = "South PCN, link worker 1".into();
        assert!(!p.add(other));
        let twice = p.table("Referrals by who referred", &|_, _| true);
        assert_eq!(twice.1.known, once.1.known * 2);
        assert_eq!(twice.1.hidden, once.1.hidden * 2);
    }
}
