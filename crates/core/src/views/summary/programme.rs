//! The manager's programme: many link workers' summaries merged, filtered
//! and ordered for reading, and stored between visits.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::model::{Choice, ContactOutcome};
use crate::store::format::{decode, encode_doc, DocKind, FormatError};
use crate::views::dashboard::{month_index, Dimension, ATTENDED_BANDS, WAIT_BANDS};

use super::*;

/// A figure made by adding figures up: the part that is known, and how many
/// hidden counts it also includes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    pub known: u32,
    /// Counts hidden in version 1 files ("<5" or "x"), left out of `known`.
    pub hidden: u32,
    /// Whether any count in it was rounded (version 2 files): the figure is
    /// then approximate, each file's counts within 4 of the truth.
    pub approximate: bool,
}

impl Merged {
    pub(super) fn add(&mut self, c: Cell, rounded: bool) {
        match c {
            Cell::Exact(n) => {
                self.known += n;
                // A rounded 0 may stand for 1 to 4 people too.
                self.approximate |= rounded;
            }
            Cell::Under5 | Cell::Hidden => self.hidden += 1,
        }
    }

    /// A merged figure of these, e.g. several categories together.
    pub fn plus(self, other: Merged) -> Merged {
        Merged {
            known: self.known + other.known,
            hidden: self.hidden + other.hidden,
            approximate: self.approximate || other.approximate,
        }
    }

    /// The words a table shows: "12", "about 15", "<5", or "12 + hidden".
    pub fn show(self) -> String {
        match (self.known, self.hidden) {
            (0, h) if h > 0 => "<5 or hidden".into(),
            (_, 0) => self.known_text(),
            _ => format!("{} + hidden", self.known_text()),
        }
    }

    /// The known part alone, for a headline ("hidden" when all is hidden,
    /// "about 15" when rounded, "few or none" for a rounded 0).
    pub fn known_text(self) -> String {
        match (self.known, self.hidden, self.approximate) {
            (0, h, _) if h > 0 => "hidden".into(),
            (0, _, true) => "few or none".into(),
            (n, _, true) => format!("about {}", crate::views::numbers::count(n)),
            (n, _, false) => crate::views::numbers::count(n),
        }
    }

    /// What a headline adds: hidden counts left out of it, or that it is
    /// approximate.
    pub fn hidden_text(self) -> Option<String> {
        let rounded = self
            .approximate
            .then(|| "approximate: counts are rounded to 5 in each file".to_owned());
        let hidden = match self.hidden {
            0 => None,
            1 => Some("plus 1 hidden count".to_owned()),
            n => Some(format!("plus {n} hidden counts")),
        };
        match (hidden, rounded) {
            (Some(h), Some(r)) => Some(format!("{h}; {r}")),
            (h, r) => h.or(r),
        }
    }
}

/// The part of a merged table that groups too small to break down hold.
pub const NOT_BROKEN_DOWN: &str = "Not broken down (groups under 10)";

/// Many link workers' summaries together.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Programme {
    /// One per link worker and period: a re-import replaces the earlier file.
    pub(super) summaries: Vec<Summary>,
    /// Table name → (summary, group) positions, so a table is read without
    /// scanning every group of every summary.
    by_table: BTreeMap<String, Vec<(usize, usize)>>,
}

impl Programme {
    /// Adds a summary, replacing one with the same label and period.
    /// Returns whether it replaced one.
    pub fn add(&mut self, summary: Summary) -> bool {
        let replaced = self.add_unindexed(summary);
        self.reindex();
        replaced
    }

    /// [`Programme::add`] without rebuilding the index (for a batch).
    pub(super) fn add_unindexed(&mut self, summary: Summary) -> bool {
        let same = |s: &Summary| {
            s.label.trim().eq_ignore_ascii_case(summary.label.trim())
                && s.from == summary.from
                && s.to == summary.to
        };
        let replaced = self.summaries.iter().any(same);
        self.summaries.retain(|s| !same(s));
        self.summaries.push(summary);
        replaced
    }

    /// The imported summaries.
    pub fn summaries(&self) -> &[Summary] {
        &self.summaries
    }

    /// A programme of these summaries.
    pub fn of(summaries: Vec<Summary>) -> Self {
        let mut p = Self {
            summaries,
            by_table: BTreeMap::new(),
        };
        p.reindex();
        p
    }

    pub(super) fn reindex(&mut self) {
        self.by_table.clear();
        for (i, s) in self.summaries.iter().enumerate() {
            for (j, g) in s.groups.iter().enumerate() {
                self.by_table
                    .entry(g.table.clone())
                    .or_default()
                    .push((i, j));
            }
        }
    }

    /// A table across every summary (and, if given, only these practices
    /// and link workers), by category: each category's figure and the total.
    pub fn table(
        &self,
        table: &str,
        keep: &dyn Fn(&Summary, &Group) -> bool,
    ) -> (BTreeMap<String, Merged>, Merged) {
        let mut parts: BTreeMap<String, Merged> = BTreeMap::new();
        let mut total = Merged::default();
        // Totals of groups not broken down, less those broken down together.
        let mut unbroken: i64 = 0;
        for (i, j) in self.by_table.get(table).into_iter().flatten() {
            let s = &self.summaries[*i];
            let g = &s.groups[*j];
            if !keep(s, g) || g.withheld == Some(Withheld::MonthTotal) {
                continue;
            }
            let rounded = s.protection == Protection::Rounded;
            if g.combines.is_empty() {
                total.add(g.total, rounded);
                if let (Some(_), Cell::Exact(n)) = (g.withheld, g.total) {
                    unbroken += i64::from(n);
                }
            } else if let Cell::Exact(n) = g.total {
                // Parts of practices whose totals are in their own groups.
                unbroken -= i64::from(n);
            }
            for (k, c) in &g.parts {
                parts.entry(k.clone()).or_default().add(*c, rounded);
            }
        }
        if unbroken > 0 {
            let known = u32::try_from(unbroken).unwrap_or(u32::MAX);
            parts.insert(
                NOT_BROKEN_DOWN.to_owned(),
                Merged {
                    known,
                    hidden: 0,
                    approximate: true,
                },
            );
        }
        (parts, total)
    }

    /// Every table name present, in a stable order.
    pub fn tables(&self) -> Vec<String> {
        self.by_table.keys().cloned().collect()
    }

    /// [`Self::table`], with the categories in the order they are read in:
    /// their natural order where they have one ([`natural_order`]), else
    /// the largest first; the groups not broken down always last.
    pub fn table_in_order(
        &self,
        table: &str,
        keep: &dyn Fn(&Summary, &Group) -> bool,
    ) -> (Vec<(String, Merged)>, Merged) {
        let (parts, total) = self.table(table, keep);
        let order = natural_order(table).unwrap_or_default();
        let mut rows: Vec<(String, Merged)> = parts.into_iter().collect();
        crate::model::order::sort_by_key(&mut rows, |(label, m)| {
            (
                label == NOT_BROKEN_DOWN,
                order.iter().position(|o| o == label).unwrap_or(usize::MAX),
                std::cmp::Reverse(m.known),
                label.clone(),
            )
        });
        (rows, total)
    }
}

/// A summary period in words that show its length: "Oct 2026" for a whole
/// month, "Oct to Dec 2026" for whole months together, else the days.
pub fn period_label(from: NaiveDate, to: NaiveDate) -> String {
    let whole_months = from.day() == 1 && (to + chrono::Duration::days(1)).day() == 1;
    if whole_months && month_index(from) == month_index(to) {
        from.format("%b %Y").to_string()
    } else if whole_months && from.year() == to.year() {
        format!("{} to {}", from.format("%b"), to.format("%b %Y"))
    } else if whole_months {
        format!("{} to {}", from.format("%b %Y"), to.format("%b %Y"))
    } else {
        format!("{} to {}", from.format("%-d %b %Y"), to.format("%-d %b %Y"))
    }
}

/// The order a table's categories are read in, where they have one: waits
/// and contacts from fewest days or contacts up, age bands youngest first,
/// quintiles from most deprived, statuses and outcomes as the journey goes.
/// Categories of lists (reasons, referrers, modes, …) have none.
pub fn natural_order(table: &str) -> Option<Vec<String>> {
    let labels = |all: &[&str]| all.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    if table == "Days from referral to first contact" {
        return Some(WAIT_BANDS.iter().map(|b| b.1.to_owned()).collect());
    }
    if table == ATTENDED_TABLE {
        return Some(labels(&ATTENDED_BANDS));
    }
    if table == "Contacts by outcome" {
        return Some(
            ContactOutcome::ALL
                .iter()
                .map(|c| c.label().to_owned())
                .collect(),
        );
    }
    if table == "Connections by status" {
        return Some(
            crate::work::directory::ConnectionStatus::ALL
                .iter()
                .map(|c| c.label().to_owned())
                .collect(),
        );
    }
    Dimension::ALL
        .into_iter()
        .find(|d| dimension_table(*d) == table)
        .map(Dimension::groups)
}

/// The manager's imported summaries, as stored (compressed, not encrypted:
/// they hold no personal data).
/// Version 2 holds summaries of either protection; version 1 held only
/// version 1 summaries, which are marked as such.
pub const PROGRAMME_DOC: DocKind = DocKind {
    format: "linkwork.programme",
    current: 2,
    migrations: &[programme_v1_to_v2],
};

pub(super) fn programme_v1_to_v2(doc: &mut serde_json::Value) -> Result<(), String> {
    let summaries = doc
        .get_mut("summaries")
        .and_then(serde_json::Value::as_array_mut)
        .ok_or("there is no list of summaries in it")?;
    for s in summaries {
        summary_v1_to_v2(s)?;
    }
    Ok(())
}

#[derive(Serialize, Deserialize)]
pub(super) struct ProgrammeDoc {
    summaries: Vec<Summary>,
}

/// What happened to one imported file.
#[derive(Clone, Debug, PartialEq)]
pub enum Imported {
    Added,
    /// It replaced the earlier file of the same link worker and period.
    Replaced,
    Failed(SummaryError),
}

impl Programme {
    /// The stored text: the versioned document, compressed.
    pub fn to_stored(&self) -> String {
        crate::store::crypto::squeeze(&encode_doc(
            &PROGRAMME_DOC,
            &ProgrammeDoc {
                summaries: self.summaries.clone(),
            },
        ))
    }

    /// Reads the stored text back through the one decode path.
    pub fn from_stored(stored: &str) -> Result<Programme, FormatError> {
        let text = crate::store::crypto::unsqueeze(stored)
            .ok_or_else(|| FormatError::Invalid("it is not a stored programme".into()))?;
        let doc: ProgrammeDoc = decode(&PROGRAMME_DOC, &text)?;
        for s in &doc.summaries {
            s.check().map_err(|e| FormatError::Invalid(e.to_string()))?;
        }
        Ok(Programme::of(doc.summaries))
    }

    /// Imports files: each is read and checked in full on its own, so one
    /// bad file does not stop the good ones. Returns one outcome per file.
    pub fn import(
        &mut self,
        files: &[(String, String)],
        passphrase: Option<&str>,
    ) -> Vec<Imported> {
        let outcomes = files
            .iter()
            .map(|(_, text)| match Summary::from_file(text, passphrase) {
                Ok(s) => {
                    if self.add_unindexed(s) {
                        Imported::Replaced
                    } else {
                        Imported::Added
                    }
                }
                Err(e) => Imported::Failed(e),
            })
            .collect();
        self.reindex();
        outcomes
    }

    /// Removes a link worker's summary for a period.
    pub fn remove(&mut self, label: &str, from: NaiveDate, to: NaiveDate) {
        self.summaries
            .retain(|s| !(s.label == label && s.from == from && s.to == to));
        self.reindex();
    }

    /// The link workers' labels, practices and months present, sorted.
    pub fn labels(&self) -> Vec<String> {
        sorted(self.summaries.iter().map(|s| s.label.clone()))
    }

    pub fn practices(&self) -> Vec<String> {
        sorted(
            self.summaries
                .iter()
                .flat_map(|s| s.groups.iter().map(|g| g.practice.clone())),
        )
    }

    /// The periods of the summaries ("2026-07-01 to 2026-09-30"), sorted.
    pub fn periods(&self) -> Vec<(NaiveDate, NaiveDate)> {
        let mut list: Vec<(NaiveDate, NaiveDate)> =
            self.summaries.iter().map(|s| (s.from, s.to)).collect();
        crate::model::order::sort_by(&mut list, Ord::cmp);
        list.dedup();
        list
    }
}

pub(super) fn sorted(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut list: Vec<String> = items.collect();
    crate::model::order::sort_by(&mut list, Ord::cmp);
    list.dedup();
    list
}

/// Which summaries and groups the programme view counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgrammeFilter {
    pub worker: Option<String>,
    pub practice: Option<String>,
    pub period: Option<(NaiveDate, NaiveDate)>,
}

impl ProgrammeFilter {
    /// Whether a group of a summary is counted.
    pub fn keeps(&self, s: &Summary, g: &Group) -> bool {
        self.keeps_summary(s) && self.keeps_practice(&g.practice)
    }

    /// Whether a summary's link worker and period are counted.
    pub fn keeps_summary(&self, s: &Summary) -> bool {
        self.worker.as_ref().is_none_or(|w| &s.label == w)
            && self
                .period
                .is_none_or(|(from, to)| s.from == from && s.to == to)
    }

    /// Whether a practice is counted.
    pub fn keeps_practice(&self, practice: &str) -> bool {
        self.practice.as_ref().is_none_or(|p| p == practice)
    }
}

/// Paired outcome change of one measure across the filtered summaries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MergedOutcome {
    pub measure: String,
    pub pairs: Merged,
    /// From the groups whose number of pairs is shown (hidden ones are left out).
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub improved: Merged,
    pub same: Merged,
    pub worse: Merged,
}

impl Programme {
    /// Outcome change per measure, with the mean and spread of the shown groups.
    pub fn outcomes(&self, filter: &ProgrammeFilter) -> Vec<MergedOutcome> {
        let mut out: BTreeMap<String, (MergedOutcome, u32, f64, f64)> = BTreeMap::new();
        for s in &self.summaries {
            for o in &s.outcomes {
                if !(filter.keeps_summary(s) && filter.keeps_practice(&o.practice)) {
                    continue;
                }
                let e = out.entry(o.measure.clone()).or_default();
                e.0.measure = o.measure.clone();
                e.0.pairs.add(o.pairs, false);
                if let (Cell::Exact(n), Some(sum), Some(sq)) = (o.pairs, o.sum, o.sum_of_squares) {
                    e.1 += n;
                    e.2 += sum;
                    e.3 += sq;
                }
            }
        }
        // Version 2 files give the pairs in the tables only (no sums).
        for table in self.tables() {
            if let Some(measure) = table.strip_prefix("Outcome change: ") {
                let (_, pairs) = self.table(&table, &|s, g| {
                    s.protection == Protection::Rounded && filter.keeps(s, g)
                });
                let e = out.entry(measure.to_owned()).or_default();
                e.0.measure = measure.to_owned();
                e.0.pairs = e.0.pairs.plus(pairs);
            }
        }
        out.into_values()
            .map(|(mut m, n, sum, sq)| {
                let table = format!("Outcome change: {}", m.measure);
                let (parts, _) = self.table(&table, &|s, g| filter.keeps(s, g));
                let get = |k: &str| parts.get(k).copied().unwrap_or_default();
                m.improved = get("Improved");
                m.same = get("About the same");
                m.worse = get("Worse");
                if n > 0 {
                    let n = f64::from(n);
                    let mean = sum / n;
                    m.mean = Some(mean);
                    m.sd = (n > 1.0).then(|| ((sq - n * mean * mean) / (n - 1.0)).max(0.0).sqrt());
                }
                m
            })
            .collect()
    }

    /// Minutes on each level by practice, across the filtered summaries:
    /// the minutes, and whether time with people was left out of any of them
    /// (fewer than 10 people seen).
    pub fn time(&self, filter: &ProgrammeFilter) -> BTreeMap<String, ([u32; 3], bool)> {
        let mut out: BTreeMap<String, ([u32; 3], bool)> = BTreeMap::new();
        for s in self.summaries.iter().filter(|s| filter.keeps_summary(s)) {
            for r in s.time.iter().filter(|r| filter.keeps_practice(&r.practice)) {
                let e = out.entry(r.practice.clone()).or_default();
                match r.person_minutes {
                    Some(m) => e.0[0] += m,
                    None => e.1 = true,
                }
                e.0[1] += r.practice_minutes;
                e.0[2] += r.community_minutes;
            }
        }
        out
    }
}

/// The programme's headline figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headlines {
    pub referrals: Merged,
    pub seen_three_plus: Merged,
    pub attended_contacts: Merged,
    pub did_not_attend: Merged,
    pub connections: Merged,
    pub endings: Merged,
}

impl Programme {
    /// Totals and key parts across the filtered summaries.
    pub fn headlines(&self, filter: &ProgrammeFilter) -> Headlines {
        let keep = |s: &Summary, g: &Group| filter.keeps(s, g);
        let part_sum = |table: &str, parts: &[&str]| {
            let (all, _) = self.table(table, &keep);
            parts.iter().fold(Merged::default(), |acc, p| {
                acc.plus(all.get(*p).copied().unwrap_or_default())
            })
        };
        let (outcomes, _) = self.table("Contacts by outcome", &keep);
        let dna = outcomes
            .get(ContactOutcome::DidNotAttend.label())
            .copied()
            .unwrap_or_default();
        Headlines {
            referrals: self.table("Referrals by who referred", &keep).1,
            seen_three_plus: part_sum(
                "Referrals by contacts attended",
                &["3", "4", "5", "6 or more"],
            ),
            attended_contacts: self.table("Attended contacts by mode", &keep).1,
            did_not_attend: dna,
            connections: self.table("Connections by category", &keep).1,
            endings: self.table("How episodes ended", &keep).1,
        }
    }

    /// One figure (a table's total) for each value of `by`, side by side:
    /// rows are practices or link workers, columns the tables.
    pub fn side_by_side(
        &self,
        filter: &ProgrammeFilter,
        tables: &[&str],
        by_worker: bool,
    ) -> Vec<(String, Vec<Merged>)> {
        let mut rows: BTreeMap<String, Vec<Merged>> = BTreeMap::new();
        for s in self.summaries.iter().filter(|s| filter.keeps_summary(s)) {
            for g in s
                .groups
                .iter()
                .filter(|g| filter.keeps_practice(&g.practice))
            {
                let Some(column) = tables.iter().position(|t| *t == g.table) else {
                    continue;
                };
                // Month totals and practices together repeat what the
                // quarter's own groups count.
                if g.withheld == Some(Withheld::MonthTotal) || !g.combines.is_empty() {
                    continue;
                }
                let key = if by_worker { &s.label } else { &g.practice };
                rows.entry(key.clone())
                    .or_insert_with(|| vec![Merged::default(); tables.len()])[column]
                    .add(g.total, s.protection == Protection::Rounded);
            }
        }
        rows.into_iter().collect()
    }

    /// A table's total for each period, oldest first.
    pub fn trend(
        &self,
        filter: &ProgrammeFilter,
        table: &str,
    ) -> Vec<((NaiveDate, NaiveDate), Merged)> {
        self.periods()
            .into_iter()
            .map(|(from, to)| {
                let total = self
                    .table(table, &|s, g| {
                        filter.keeps(s, g) && s.from == from && s.to == to
                    })
                    .1;
                ((from, to), total)
            })
            .collect()
    }
}
