//! The numbers behind every dashboard chart, as plain tables: shown beside
//! each chart for people who would rather read (and for screen readers).

use crate::views::dashboard::{
    Breakdown, Count, OutcomeChange, PeriodCounts, PracticeRate, Recorded, Share, Stacked,
    UNRELIABLE_BELOW,
};
pub use crate::views::numbers::{count, decimal, percent};
use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::model::practice_work::{Construct, CHECKLIST};
use crate::model::Choice;
use crate::views::practice_work::{CheckInSummary, LevelMinutes, PracticeProfile};
use crate::views::summary::{CheckInRow, Group, Merged, MergedOutcome, Summary, WaitRow, Withheld};

/// A table: column headings, then rows of text cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// One row; `unreliable` rows are based on fewer than [`UNRELIABLE_BELOW`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    pub unreliable: bool,
}

impl Table {
    fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    fn row(&mut self, cells: Vec<String>, unreliable: bool) {
        self.rows.push(Row { cells, unreliable });
    }

    /// Whether there is anything to show: some figure beyond the row labels
    /// is not zero ("0", "0%", "–", "none yet" are nothing). A table of
    /// months or bands that are all zero has nothing, and its chart would be
    /// bare axes.
    pub fn has_data(&self) -> bool {
        self.rows.iter().any(|r| {
            r.cells
                .iter()
                .skip(1)
                .any(|c| c.chars().any(|ch| ch.is_ascii_digit() && ch != '0'))
        })
    }
}

/// "33% (1 of 3)", or "none yet" when there is nothing to share.
pub fn share(s: Share) -> String {
    match s.percent() {
        Some(p) => format!("{}% ({} of {})", p.round(), count(s.count), count(s.of)),
        None => "none yet".into(),
    }
}

/// A share, saying so when it rests on too few to rely on.
pub fn flagged(s: Share) -> String {
    if s.of > 0 && s.unreliable() {
        format!("{} – too few to rely on", share(s))
    } else {
        share(s)
    }
}

/// Caseload over time.
pub fn caseload(rows: &[PeriodCounts]) -> Table {
    let mut t = Table::new(&["Period", "Open at end", "New referrals", "Episodes ended"]);
    for p in rows {
        t.row(
            vec![
                p.label.clone(),
                count(p.open),
                count(p.new),
                count(p.closed),
            ],
            false,
        );
    }
    t
}

/// A stacked chart's counts, with a total column.
pub fn stacked(data: &Stacked, first: &str) -> Table {
    let mut headers = vec![first.to_owned()];
    headers.extend(data.series.iter().map(|(name, _)| name.clone()));
    headers.push("Total".into());
    let mut t = Table {
        headers,
        rows: Vec::new(),
    };
    for (i, (category, total)) in data.categories.iter().zip(data.totals()).enumerate() {
        let mut cells = vec![category.clone()];
        cells.extend(data.series.iter().map(|(_, v)| count(v[i])));
        cells.push(count(total));
        t.row(cells, false);
    }
    t
}

/// Labelled counts, with each one's share of their total, the total named
/// in the heading ("Share of the 120 contacts").
pub fn counts(counts: &[Count], first: &str, value: &str) -> Table {
    let total: u32 = counts.iter().map(|c| c.count).sum();
    let many = value.to_lowercase();
    let one = match many.as_str() {
        "people" => "person".to_owned(),
        m => m.strip_suffix('s').unwrap_or(m).to_owned(),
    };
    counts_of(counts, first, value, total, (&one, &many))
}

/// Labelled counts, with each one's share of `of` things named `noun` (one,
/// many), the denominator named in the heading ("Share of the 96
/// referrals", "Share of the 1 referral"). For
/// counts that overlap, such as reasons (a referral with two reasons counts
/// under each), so the shares are of referrals, not of reasons given.
pub fn counts_of(counts: &[Count], first: &str, value: &str, of: u32, noun: (&str, &str)) -> Table {
    let heading = format!(
        "Share of the {} {}",
        count(of),
        if of == 1 { noun.0 } else { noun.1 }
    );
    let mut t = Table::new(&[first, value, &heading]);
    for c in counts {
        let pct = percent(Share { count: c.count, of }.percent());
        t.row(vec![c.label.clone(), count(c.count), pct], false);
    }
    t
}

/// Referrals per practice and per 1,000 registered patients.
pub fn practices(rows: &[PracticeRate]) -> Table {
    let mut t = Table::new(&[
        "Practice",
        "Referrals",
        "Registered patients",
        "Per 1,000 patients",
    ]);
    for p in rows {
        t.row(
            vec![
                p.name.clone(),
                count(p.referrals),
                p.list_size.map_or_else(|| "not known".into(), count),
                p.per_thousand.map_or_else(|| "–".into(), decimal),
            ],
            false,
        );
    }
    t
}

/// Did-not-attend rate per month.
pub fn did_not_attend(rows: &[(String, Share)]) -> Table {
    let mut t = Table::new(&["Month", "Did not attend", "Attended", "Rate"]);
    for (month, s) in rows {
        t.row(
            vec![
                month.clone(),
                count(s.count),
                count(s.of - s.count),
                s.percent()
                    .map_or_else(|| "–".into(), |p| format!("{}%", decimal(p))),
            ],
            s.of > 0 && s.unreliable(),
        );
    }
    t
}

/// Paired change from baseline to latest.
pub fn outcomes(rows: &[OutcomeChange]) -> Table {
    let mut t = Table::new(&[
        "Measure",
        "Pairs",
        "Mean change",
        "Spread (SD)",
        "Median (IQR)",
        "Improved",
        "About the same",
        "Worse",
    ]);
    for o in rows {
        let n = o.spread.map_or(0, |s| s.n);
        let of = |k: u32| share(Share { count: k, of: n });
        let direction = if o.higher_is_better {
            ""
        } else {
            " (lower is better)"
        };
        t.row(
            vec![
                format!("{}{direction}", o.label),
                count(n),
                o.spread.map_or_else(|| "–".into(), |s| decimal(s.mean)),
                o.spread.map_or_else(|| "–".into(), |s| decimal(s.sd)),
                o.spread.map_or_else(
                    || "–".into(),
                    |s| {
                        format!(
                            "{} ({} to {})",
                            decimal(s.median),
                            decimal(s.q1),
                            decimal(s.q3)
                        )
                    },
                ),
                of(o.improved),
                of(o.same),
                of(o.worse),
            ],
            n > 0 && n < UNRELIABLE_BELOW,
        );
    }
    t
}

/// How often each questionnaire was answered, declined or not appropriate.
pub fn recorded(rows: &[Recorded]) -> Table {
    let mut t = Table::new(&["Questionnaire", "Answered", "Declined", "Not appropriate"]);
    for r in rows {
        t.row(
            vec![
                r.instrument.clone(),
                count(r.answered),
                count(r.declined),
                count(r.not_appropriate),
            ],
            false,
        );
    }
    t
}

/// Referrals, engagement and outcomes by group.
pub fn breakdown(b: &Breakdown) -> Table {
    let mut t = Table::new(&[
        b.dimension.label(),
        "Referrals",
        "Seen three or more times",
        "Improved wellbeing (of those measured twice)",
    ]);
    for g in &b.groups {
        let unreliable = g.unreliable();
        let mut label = g.label.clone();
        if unreliable && g.referrals > 0 {
            label.push_str(&format!(" (fewer than {UNRELIABLE_BELOW}: unreliable)"));
        }
        t.row(
            vec![
                label,
                count(g.referrals),
                share(g.seen_three_plus),
                flagged(g.improved_wellbeing),
            ],
            unreliable,
        );
    }
    t
}

/// Satisfaction ratings.
pub fn satisfaction(counts: &[u32; 5]) -> Table {
    let mut t = Table::new(&["Rating", "People"]);
    for (label, n) in crate::work::measures::SATISFACTION.iter().zip(counts) {
        t.row(vec![(*label).to_owned(), count(*n)], false);
    }
    t
}

/// Hours as "12.5".
pub fn hours(minutes: u32) -> String {
    decimal(f64::from(minutes) / 60.0)
}

/// Hours per level per month, with the share beyond one-to-one work.
pub fn level_balance(rows: &[(String, LevelMinutes)]) -> Table {
    let mut t = Table::new(&[
        "Month",
        "With people (hours)",
        "On their behalf (hours)",
        "Practice (hours)",
        "Community (hours)",
        "Practice and community share",
    ]);
    for (month, m) in rows {
        t.row(
            vec![
                month.clone(),
                hours(m.person),
                hours(m.on_behalf),
                hours(m.practice),
                hours(m.community),
                percent(m.beyond_person_percent()),
            ],
            false,
        );
    }
    t
}

/// The latest check-in of each practice: scores, continuum and checklist.
pub fn latest_checkins(profiles: &[PracticeProfile]) -> Table {
    let mut headers: Vec<&str> = vec!["Practice", "Checked in"];
    headers.extend(Construct::ALL.iter().map(|c| c.label()));
    headers.extend(["Where the role sits", "Checklist in place"]);
    let mut t = Table::new(&headers);
    for p in profiles {
        let Some(c) = p.checkins.last() else {
            let mut cells = vec![p.name.clone(), "never".into()];
            cells.extend(std::iter::repeat_n(
                "–".to_owned(),
                Construct::ALL.len() + 2,
            ));
            t.row(cells, false);
            continue;
        };
        t.row(checkin_cells(p.name.clone(), c), false);
    }
    t
}

fn checkin_cells(first: String, c: &CheckInSummary) -> Vec<String> {
    let mut cells = vec![first, c.date.format("%-d %b %Y").to_string()];
    cells.extend(
        c.scores
            .iter()
            .map(|s| s.map_or_else(|| "–".into(), decimal)),
    );
    cells.push(c.continuum.map_or("–", Choice::label).to_owned());
    cells.push(format!("{} of {}", c.in_place, CHECKLIST.len()));
    cells
}

/// One practice's check-ins over time.
pub fn checkins_over_time(profile: &PracticeProfile) -> Table {
    let mut headers: Vec<&str> = vec!["Date", "With the practice lead"];
    headers.extend(Construct::ALL.iter().map(|c| c.label()));
    headers.extend(["Where the role sits", "Checklist in place"]);
    let mut t = Table::new(&headers);
    for c in &profile.checkins {
        let mut cells = checkin_cells(c.date.format("%-d %b %Y").to_string(), c);
        cells[1] = if c.with_lead { "Yes" } else { "No" }.into();
        t.row(cells, false);
    }
    t
}

/// Practices side by side: referrals, who refers, balance, integration.
pub fn practices_side_by_side(profiles: &[PracticeProfile]) -> Table {
    let mut t = Table::new(&[
        "Practice",
        "Referrals (12 months)",
        "Per 1,000 patients",
        "Kinds of referrer",
        "From GPs",
        "Practice and community share of time",
        "Where the role sits",
    ]);
    for p in profiles {
        t.row(
            vec![
                p.name.clone(),
                count(p.referrals),
                p.per_thousand.map_or_else(|| "–".into(), decimal),
                count(p.referrer_roles as u32),
                share(Share {
                    count: p.from_gps,
                    of: p.referrals,
                }),
                percent(p.balance.beyond_person_percent()),
                p.checkins
                    .last()
                    .and_then(|c| c.continuum)
                    .map_or("–", Choice::label)
                    .to_owned(),
            ],
            false,
        );
    }
    t
}

/// The latest checklist of every practice.
pub fn checklists(profiles: &[PracticeProfile]) -> Table {
    let mut headers: Vec<&str> = vec!["Practice"];
    headers.extend(CHECKLIST.iter().map(|(_, label)| *label));
    let mut t = Table::new(&headers);
    for p in profiles {
        let mut cells = vec![p.name.clone()];
        cells.extend(CHECKLIST.iter().map(|(id, _)| {
            p.checklist
                .get(*id)
                .map_or("Not known", |v| v.label())
                .to_owned()
        }));
        t.row(cells, false);
    }
    t
}

impl Table {
    /// The table as CSV for Excel (formula-safe cells).
    pub fn to_csv(&self) -> String {
        let mut rows = vec![self.headers.clone()];
        rows.extend(self.rows.iter().map(|r| r.cells.clone()));
        crate::views::csv::write_csv(&rows)
    }
}

/// A programme table: each category's merged figure, then the total.
pub fn merged(parts: &[(String, Merged)], total: Merged, first: &str) -> Table {
    let mut t = Table::new(&[first, "Count"]);
    for (label, m) in parts {
        t.row(vec![label.clone(), m.show()], m.hidden > 0);
    }
    t.row(vec!["Total".into(), total.show()], total.hidden > 0);
    t
}

/// Outcome change across summaries.
pub fn merged_outcomes(rows: &[MergedOutcome]) -> Table {
    let mut t = Table::new(&[
        "Measure",
        "Pairs",
        "Mean change",
        "Spread (SD)",
        "Improved",
        "About the same",
        "Worse",
    ]);
    for o in rows {
        t.row(
            vec![
                o.measure.clone(),
                o.pairs.show(),
                o.mean.map_or_else(|| "–".into(), decimal),
                o.sd.map_or_else(|| "–".into(), decimal),
                o.improved.show(),
                o.same.show(),
                o.worse.show(),
            ],
            o.pairs.hidden > 0,
        );
    }
    t
}

/// Waits for a first contact, per link worker and practice.
pub fn summary_waits(rows: &[(String, WaitRow)]) -> Table {
    let mut t = Table::new(&[
        "Practice",
        "Link worker",
        "People seen",
        "Median days (IQR)",
    ]);
    for (worker, w) in rows {
        let spread = match (w.median, w.q1, w.q3) {
            (Some(m), Some(a), Some(b)) => {
                format!("{} ({} to {})", decimal(m), decimal(a), decimal(b))
            }
            _ => "too few to give".into(),
        };
        t.row(
            vec![w.practice.clone(), worker.clone(), w.seen.show(), spread],
            w.median.is_none(),
        );
    }
    t
}

/// Hours on each level by practice (time with people is left out where
/// fewer than 10 people were seen, and the row says so).
pub fn merged_time(rows: &BTreeMap<String, ([u32; 3], bool)>) -> Table {
    let mut t = Table::new(&[
        "Practice",
        "With people (hours)",
        "Practice (hours)",
        "Community (hours)",
        "Practice and community share",
    ]);
    for (practice, ([person, prac, community], withheld)) in rows {
        let m = LevelMinutes {
            person: *person,
            on_behalf: 0,
            practice: *prac,
            community: *community,
        };
        let (with_people, share) = if *withheld {
            let note = "not given for fewer than 10 people";
            let with = if *person > 0 {
                format!("{} and more ({note})", hours(m.person))
            } else {
                note.to_owned()
            };
            (with, "–".to_owned())
        } else {
            (hours(m.person), percent(m.beyond_person_percent()))
        };
        t.row(
            vec![
                practice.clone(),
                with_people,
                hours(m.practice),
                hours(m.community),
                share,
            ],
            *withheld,
        );
    }
    t
}

/// The latest check-in of each practice in each summary.
pub fn summary_checkins(rows: &[(String, CheckInRow)]) -> Table {
    let mut headers: Vec<&str> = vec!["Practice", "Link worker", "Checked in"];
    headers.extend(Construct::ALL.iter().map(|c| c.label()));
    headers.extend(["Where the role sits", "Checklist in place"]);
    let mut t = Table::new(&headers);
    for (worker, c) in rows {
        let mut cells = vec![
            c.practice.clone(),
            worker.clone(),
            c.date.format("%-d %b %Y").to_string(),
        ];
        cells.extend(
            c.scores
                .iter()
                .map(|s| s.map_or_else(|| "–".into(), decimal)),
        );
        cells.push(c.continuum.clone().unwrap_or_else(|| "–".into()));
        cells.push(format!("{} of {}", c.in_place, CHECKLIST.len()));
        t.row(cells, false);
    }
    t
}

/// Practices or link workers side by side.
pub fn side_by_side(rows: &[(String, Vec<Merged>)], first: &str, columns: &[&str]) -> Table {
    let mut headers = vec![first];
    headers.extend(columns);
    let mut t = Table::new(&headers);
    for (name, figures) in rows {
        let mut cells = vec![name.clone()];
        cells.extend(figures.iter().map(|m| m.show()));
        t.row(cells, figures.iter().any(|m| m.hidden > 0));
    }
    t
}

/// One figure per period.
pub fn trend(rows: &[((NaiveDate, NaiveDate), Merged)], what: &str) -> Table {
    let mut t = Table::new(&["Period", what]);
    for ((from, to), m) in rows {
        t.row(
            vec![
                format!("{} to {}", from.format("%-d %b %Y"), to.format("%-d %b %Y")),
                m.show(),
            ],
            m.hidden > 0,
        );
    }
    t
}

/// Everything a summary file holds, as titled tables: each table of
/// counts, then the outcome sums, waits, time by level and check-ins.
pub fn summary_contents(s: &Summary) -> Vec<(String, Table)> {
    let mut names: Vec<&String> = s.groups.iter().map(|g| &g.table).collect();
    crate::model::order::sort_by(&mut names, Ord::cmp);
    names.dedup();
    let mut out: Vec<(String, Table)> = names
        .into_iter()
        .map(|name| {
            let rows: Vec<&Group> = s.groups.iter().filter(|g| &g.table == name).collect();
            (name.clone(), summary_groups(&rows))
        })
        .collect();
    let mut sums = Table::new(&[
        "Measure",
        "Month",
        "Practice",
        "Pairs",
        "Sum of changes",
        "Sum of squares",
    ]);
    for o in &s.outcomes {
        let number = |x: Option<f64>| x.map_or_else(|| "not given".into(), decimal);
        sums.row(
            vec![
                o.measure.clone(),
                o.month.clone(),
                o.practice.clone(),
                o.pairs.show(),
                number(o.sum),
                number(o.sum_of_squares),
            ],
            false,
        );
    }
    // Version 1 files only: version 2 gives counts alone.
    if !s.outcomes.is_empty() {
        out.push(("Outcome change: sums for means and spread".into(), sums));
    }
    let waits: Vec<(String, WaitRow)> = s
        .waits
        .iter()
        .map(|w| (s.label.clone(), w.clone()))
        .collect();
    if !waits.is_empty() {
        out.push((
            "Days from referral to first contact: median and quartiles".into(),
            summary_waits(&waits),
        ));
    }
    let mut time = Table::new(&[
        "Period",
        "Practice",
        "With people (hours)",
        "Practice (hours)",
        "Community (hours)",
    ]);
    for r in &s.time {
        let practice = if r.combines.is_empty() {
            r.practice.clone()
        } else {
            format!("{} ({})", r.practice, r.combines.join(", "))
        };
        time.row(
            vec![
                r.month.clone(),
                practice,
                r.person_minutes
                    .map_or_else(|| "not given (fewer than 10 people)".into(), hours),
                hours(r.practice_minutes),
                hours(r.community_minutes),
            ],
            false,
        );
    }
    out.push(("Time on each level of the work".into(), time));
    let checkins: Vec<(String, CheckInRow)> = s
        .checkins
        .iter()
        .map(|c| (s.label.clone(), c.clone()))
        .collect();
    out.push((
        "Latest practice check-ins".into(),
        summary_checkins(&checkins),
    ));
    out
}

/// Exactly what a summary holds for one table: a row per month and
/// practice, its parts, then the total.
pub fn summary_groups(groups: &[&Group]) -> Table {
    let mut categories: Vec<&String> = groups.iter().flat_map(|g| g.parts.keys()).collect();
    crate::model::order::sort_by(&mut categories, Ord::cmp);
    categories.dedup();
    let noted = groups
        .iter()
        .any(|g| g.withheld.is_some() || !g.combines.is_empty());
    let mut headers: Vec<&str> = vec!["Period", "Practice"];
    headers.extend(categories.iter().map(|c| c.as_str()));
    headers.push("Total");
    if noted {
        headers.push("Note");
    }
    let mut t = Table::new(&headers);
    for g in groups {
        let mut cells = vec![g.month.clone(), g.practice.clone()];
        cells.extend(
            categories
                .iter()
                .map(|c| match (g.parts.get(*c), g.withheld) {
                    (Some(cell), _) => cell.show(),
                    (None, Some(_)) => "–".into(),
                    (None, None) => "0".into(),
                }),
        );
        cells.push(g.total.show());
        if noted {
            cells.push(match (g.withheld, g.combines.is_empty()) {
                (Some(Withheld::UnderTen), _) => "fewer than 10: not broken down".into(),
                (Some(Withheld::MonthTotal), _) => "the month's total".into(),
                (None, false) => format!("together: {}", g.combines.join(", ")),
                (None, true) => String::new(),
            });
        }
        t.row(cells, false);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::dashboard::{Dimension, GroupRow, Spread};

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(11_200), "11,200");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn decimals_use_a_true_minus_and_no_negative_zero() {
        assert_eq!(decimal(-1.25), "−1.2");
        assert_eq!(decimal(-0.01), "0.0");
        assert_eq!(decimal(3.0), "3.0");
    }

    #[test]
    fn shares_say_how_many_of_how_many() {
        assert_eq!(share(Share { count: 1, of: 3 }), "33% (1 of 3)");
        assert_eq!(share(Share { count: 0, of: 0 }), "none yet");
    }

    #[test]
    fn stacked_tables_total_each_row() {
        let t = stacked(
            &Stacked {
                categories: vec!["Jan 2026".into(), "Feb 2026".into()],
                series: vec![("GP".into(), vec![2, 0]), ("Self".into(), vec![1, 4])],
            },
            "Month",
        );
        assert_eq!(t.headers, ["Month", "GP", "Self", "Total"]);
        assert_eq!(t.rows[0].cells, ["Jan 2026", "2", "1", "3"]);
        assert_eq!(t.rows[1].cells, ["Feb 2026", "0", "4", "4"]);
    }

    #[test]
    fn count_tables_give_each_share_of_the_total() {
        let rows = [
            Count {
                label: "Telephone".into(),
                count: 3,
            },
            Count {
                label: "Home visit".into(),
                count: 1,
            },
        ];
        let t = counts(&rows, "Mode", "Contacts");
        assert_eq!(t.headers[2], "Share of the 4 contacts");
        assert_eq!(t.rows[0].cells, ["Telephone", "3", "75%"]);
        assert_eq!(t.rows[1].cells, ["Home visit", "1", "25%"]);
        // Reasons overlap: their shares are of referrals, and may add up past 100%.
        let reasons = [
            Count {
                label: "Loneliness or isolation".into(),
                count: 3,
            },
            Count {
                label: "Housing".into(),
                count: 1,
            },
        ];
        let t = counts_of(
            &reasons,
            "Reason",
            "Referrals",
            4,
            ("referral received", "referrals received"),
        );
        assert_eq!(t.headers[2], "Share of the 4 referrals received");
        assert_eq!(t.rows[0].cells, ["Loneliness or isolation", "3", "75%"]);
        assert_eq!(
            t.rows[1].cells,
            ["Housing", "1", "25%"],
            "1 of 4 referrals, not 1 of 4 reasons given"
        );
    }

    #[test]
    fn a_table_of_zeros_has_nothing_to_show() {
        let zeros = [
            Count {
                label: "Up to 7 days".into(),
                count: 0,
            },
            Count {
                label: "8 to 14 days".into(),
                count: 0,
            },
        ];
        assert!(!counts(&zeros, "Days", "Referrals").has_data());
        assert!(!counts(&[], "Mode", "Contacts").has_data());
        let one = [Count {
            label: "10 to 20".into(),
            count: 1,
        }];
        assert!(counts(&one, "Days", "Referrals").has_data());
        // Labels with digits do not count; a 0% of 10 does (ten were planned).
        let t = did_not_attend(&[("Oct 2026".into(), Share { count: 0, of: 10 })]);
        assert!(t.has_data(), "{t:?}");
        let t = did_not_attend(&[("Oct 2026".into(), Share { count: 0, of: 0 })]);
        assert!(!t.has_data(), "{t:?}");
    }

    #[test]
    fn small_groups_are_marked_unreliable_in_words_too() {
        let b = Breakdown {
            dimension: Dimension::Sex,
            groups: vec![
                GroupRow {
                    label: "Female".into(),
                    referrals: 12,
                    seen_three_plus: Share { count: 6, of: 12 },
                    improved_wellbeing: Share { count: 2, of: 4 },
                },
                GroupRow {
                    label: "Male".into(),
                    referrals: 3,
                    seen_three_plus: Share { count: 1, of: 3 },
                    improved_wellbeing: Share::default(),
                },
            ],
        };
        let t = breakdown(&b);
        assert!(!t.rows[0].unreliable);
        assert_eq!(t.rows[0].cells[2], "50% (6 of 12)");
        assert_eq!(t.rows[0].cells[3], "50% (2 of 4) – too few to rely on");
        assert!(t.rows[1].unreliable);
        assert_eq!(t.rows[1].cells[0], "Male (fewer than 10: unreliable)");
        assert_eq!(t.rows[1].cells[3], "none yet");
    }

    #[test]
    fn outcome_rows_show_spread_and_direction() {
        let rows = [OutcomeChange {
            instrument: "ONS4".into(),
            label: "Anxiety".into(),
            higher_is_better: false,
            spread: Spread::of(vec![-2.0, -1.0, 0.0, 3.0]),
            improved: 2,
            same: 1,
            worse: 1,
        }];
        let t = outcomes(&rows);
        assert_eq!(
            t.rows[0].cells,
            [
                "Anxiety (lower is better)",
                "4",
                "0.0",
                "2.2",
                "−0.5 (−1.2 to 0.8)",
                "50% (2 of 4)",
                "25% (1 of 4)",
                "25% (1 of 4)"
            ]
        );
        assert!(t.rows[0].unreliable, "four pairs are too few to rely on");
    }

    #[test]
    fn months_without_contacts_show_a_dash_not_zero_percent() {
        let t = did_not_attend(&[
            ("Jan 2026".into(), Share { count: 0, of: 0 }),
            ("Feb 2026".into(), Share { count: 3, of: 20 }),
        ]);
        assert_eq!(t.rows[0].cells, ["Jan 2026", "0", "0", "–"]);
        assert!(!t.rows[0].unreliable);
        assert_eq!(t.rows[1].cells, ["Feb 2026", "3", "17", "15.0%"]);
    }
}
