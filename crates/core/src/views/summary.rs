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

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::lists::ListKind;
use crate::model::{Choice, ContactOutcome, PracticeId, Workspace};
use crate::store::crypto::{derive_key, KdfParams, Random, Vault};
use crate::store::format::{decode, encode_doc, DocKind, FormatError};
use crate::views::dashboard::{month_index, month_start, Dimension, ATTENDED_BANDS, WAIT_BANDS};
use crate::views::disclosure::{self, Tally};
use crate::work::measures::{headline_changes, Instrument, RECORDED_AS};
use crate::work::practice_work::{Construct, Level};

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

fn summary_v1_to_v2(doc: &mut serde_json::Value) -> Result<(), String> {
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

/// "2026-03".
fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// What goes into a summary besides the counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SummaryOptions {
    /// Quotes the person agreed to share (off by default).
    pub include_quotes: bool,
    /// Give each population's total for every month too (breakdowns are
    /// always for whole quarters).
    pub by_month: bool,
}

/// The practice name of a group that adds up practices each too small to
/// be broken down on their own.
pub const FOLDED: &str = "Smaller practices together";

/// The internal table that splits referrals into seen (at least one
/// attended contact) or not; its "seen" part is broken down by number of
/// contacts and by wait, and it is published inside "Referrals by contacts
/// attended".
const SEEN_SPLIT: &str = "\u{0}seen";
const SEEN: &str = "1 or more";
const ATTENDED_TABLE: &str = "Referrals by contacts attended";

/// Records of one population (referrals, contacts, connections, …) in one
/// month at one practice, with how they split in each table.
#[derive(Default)]
struct Population {
    total: Tally,
    /// (table, category) → records. In "Referrals by reason" a record is in
    /// any number of categories; in every other table, in exactly one.
    parts: BTreeMap<(String, String), Tally>,
    /// The records of one category of a table, broken down further.
    children: BTreeMap<(String, String), Population>,
}

/// The one table whose categories overlap.
const OVERLAPPING: &str = "Referrals by reason";

impl Population {
    fn part(&mut self, table: &str, category: &str, key: u64) {
        self.parts
            .entry((table.to_owned(), category.to_owned()))
            .or_default()
            .add(key);
    }

    fn child(&mut self, table: &str, category: &str) -> &mut Population {
        self.children
            .entry((table.to_owned(), category.to_owned()))
            .or_default()
    }
}

/// One rounded cell of the finest grain: a table in one month at one
/// practice, true and rounded counts side by side (the true ones never
/// leave this module).
#[derive(Clone, Debug, Default)]
pub(crate) struct BaseCell {
    pub(crate) total: (u32, u32),
    pub(crate) parts: BTreeMap<String, (u32, u32)>,
    pub(crate) partition: bool,
}

/// (table, month index, practice).
pub(crate) type BaseKey = (String, i32, String);

/// Rounds a population whose rounded total is `rounded`, and everything
/// under it, into `out`.
fn round_population(
    pop: &Population,
    rounded: u32,
    at: (i32, &str),
    out: &mut BTreeMap<BaseKey, BaseCell>,
) {
    let (month, practice) = at;
    let mut rest = pop.parts.iter().peekable();
    while let Some(((table, _), _)) = rest.peek() {
        let table = table.clone();
        let mut parts: Vec<(&String, Tally)> = Vec::new();
        while let Some(((_, category), t)) = rest.next_if(|((t, _), _)| *t == table) {
            parts.push((category, *t));
        }
        let partition = table != OVERLAPPING;
        let cells: Vec<u32> = if partition {
            let tallies: Vec<Tally> = parts.iter().map(|p| p.1).collect();
            disclosure::round_parts(pop.total, rounded, &tallies)
        } else {
            // Each category on its own splits the population in two.
            parts
                .iter()
                .map(|(_, with)| {
                    let without = pop.total.less(*with);
                    disclosure::round_parts(pop.total, rounded, &[*with, without])[0]
                })
                .collect()
        };
        let mut cell = BaseCell {
            total: (pop.total.count, rounded),
            partition,
            ..BaseCell::default()
        };
        for ((category, t), r) in parts.into_iter().zip(cells) {
            cell.parts.insert(category.clone(), (t.count, r));
            if let Some(child) = pop.children.get(&(table.clone(), category.clone())) {
                round_population(child, r, at, out);
            }
        }
        if table == SEEN_SPLIT {
            // Not seen, beside the seen's bands (rounded just above).
            let none = cell
                .parts
                .get(ATTENDED_BANDS[0])
                .copied()
                .unwrap_or_default();
            let attended = out
                .entry((ATTENDED_TABLE.to_owned(), month, practice.to_owned()))
                .or_insert_with(|| BaseCell {
                    partition: true,
                    ..BaseCell::default()
                });
            attended.total = cell.total;
            attended.parts.insert(ATTENDED_BANDS[0].to_owned(), none);
        } else {
            out.insert((table, month, practice.to_owned()), cell);
        }
    }
}

/// The quarter (0 = January to March of year 0) a month index is in.
pub(crate) fn quarter_of(month: i32) -> i32 {
    month.div_euclid(3)
}

/// "2026-07-01 to 2026-09-30".
fn quarter_label(quarter: i32) -> String {
    let (from, to) = quarter_bounds(quarter);
    format!("{from} to {to}")
}

pub(crate) fn quarter_bounds(quarter: i32) -> (NaiveDate, NaiveDate) {
    let from = month_start(quarter * 3);
    let next = month_start(quarter * 3 + 3);
    (from, next.pred_opt().unwrap_or(next))
}

/// The whole quarters that hold `from..=to`: summaries cover whole
/// quarters, so that no two files' periods overlap in part.
pub fn whole_quarters(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        quarter_bounds(quarter_of(month_index(from))).0,
        quarter_bounds(quarter_of(month_index(to))).1,
    )
}

/// Makes the anonymised summary of `ws` for the whole quarters holding
/// `from..=to` (see the [`crate::views::disclosure`] module for how counts are
/// protected).
pub fn summarise(
    ws: &Workspace,
    label: &str,
    from: NaiveDate,
    to: NaiveDate,
    options: SummaryOptions,
    generated: DateTime<Utc>,
) -> Summary {
    let (from, to) = whole_quarters(from, to.max(from));
    let (mut base, quotes) = base_cells(ws, from, to, options.include_quotes);
    let known = known_tables(ws);
    fill_grid(ws, from, to, &mut base, &known);
    Summary {
        label: label.trim().to_owned(),
        from,
        to,
        generated,
        protection: Protection::Rounded,
        groups: release(&base, &known, options.by_month),
        outcomes: Vec::new(),
        waits: Vec::new(),
        time: time_rows(ws, from, to),
        checkins: checkin_rows(ws, from, to),
        quotes,
    }
}

/// Every count of the period at one month and practice, counted and
/// rounded, and the quotes to include (if asked for).
pub(crate) fn base_cells(
    ws: &Workspace,
    from: NaiveDate,
    to: NaiveDate,
    include_quotes: bool,
) -> (BTreeMap<BaseKey, BaseCell>, Vec<String>) {
    let lists = &ws.settings.lists;
    let in_period = |d: NaiveDate| from <= d && d <= to;
    let instruments: Vec<Instrument> = ws
        .instruments()
        .into_iter()
        .filter(|i| i.id != "goals")
        .collect();
    let mut pops: BTreeMap<(&'static str, String, i32, String), Population> = BTreeMap::new();
    let pop = |kind: &'static str, sub: &str, day: NaiveDate, practice: &str| {
        (kind, sub.to_owned(), month_index(day), practice.to_owned())
    };
    let mut quotes = Vec::new();
    let groups: Vec<Vec<String>> = Dimension::ALL.iter().map(|d| d.groups()).collect();
    for r in ws.referrals.values() {
        let practice = practice_name(ws, r.practice);
        let p = practice.as_str();
        let key = r.key.0;
        if in_period(r.referral_date) {
            let at = pop("referrals", "", r.referral_date, p);
            let refs = pops.entry(at).or_default();
            refs.total.add(key);
            let role = if r.referrer_role.is_empty() {
                "Not recorded"
            } else {
                lists.label(ListKind::ReferrerRoles, &r.referrer_role)
            };
            refs.part("Referrals by who referred", role, key);
            // Each reason once, even if two ids share a label.
            let mut reasons: Vec<&str> = r
                .reasons
                .iter()
                .map(|x| lists.label(ListKind::Reasons, x))
                .collect();
            crate::model::order::sort_by(&mut reasons, Ord::cmp);
            reasons.dedup();
            for reason in reasons {
                refs.part(OVERLAPPING, reason, key);
            }
            let person = ws.people.get(&r.person);
            for (d, names) in Dimension::ALL.into_iter().zip(&groups) {
                refs.part(dimension_table(d), &names[d.group_index(person)], key);
            }
            match r.first_seen() {
                None => refs.part(SEEN_SPLIT, ATTENDED_BANDS[0], key),
                Some(seen) => {
                    refs.part(SEEN_SPLIT, SEEN, key);
                    let attended = r.attended_count().min(ATTENDED_BANDS.len() - 1);
                    let days = (seen - r.referral_date).num_days().max(0);
                    let band = WAIT_BANDS
                        .iter()
                        .find(|(max, _)| days <= *max)
                        .map_or("", |b| b.1);
                    let child = refs.child(SEEN_SPLIT, SEEN);
                    child.total.add(key);
                    child.part(ATTENDED_TABLE, ATTENDED_BANDS[attended], key);
                    child.part("Days from referral to first contact", band, key);
                }
            }
            for inst in &instruments {
                let threshold = ws.threshold(inst);
                headline_changes(r, inst, threshold, |item, _change, better| {
                    let measure = item.map_or_else(
                        || format!("{}: score", inst.name),
                        |i| format!("{}: {}", inst.name, inst.short_label(i)),
                    );
                    let part = match better {
                        Some(true) => "Improved",
                        Some(false) => "Worse",
                        None => "About the same",
                    };
                    let table = format!("Outcome change: {measure}");
                    let at = pop("pairs", &table, r.referral_date, p);
                    let pairs = pops.entry(at).or_default();
                    pairs.total.add(key);
                    pairs.part(&table, part, key);
                });
            }
            for rec in &r.measures {
                let slot = RECORDED_AS[rec.result.recorded_as()];
                let name = instruments
                    .iter()
                    .find(|i| i.id == rec.instrument)
                    .map_or(rec.instrument.as_str(), |i| i.name.as_str());
                let table = format!("Questionnaires: {name}");
                let at = pop("questionnaires", &table, r.referral_date, p);
                let q = pops.entry(at).or_default();
                let k = r.key.of_part(format!("measure:{}", rec.id.0).as_bytes());
                q.total.add(k);
                q.part(&table, slot, k);
            }
        }
        for c in r.contacts.iter().filter(|c| in_period(c.date)) {
            let k = r.key.of_part(format!("contact:{}", c.id.0).as_bytes());
            let at = pop("contacts", "", c.date, p);
            let contacts = pops.entry(at).or_default();
            contacts.total.add(k);
            contacts.part("Contacts by outcome", c.outcome.label(), k);
            if c.outcome == ContactOutcome::Attended {
                let mode = lists.label(ListKind::ContactModes, &c.mode);
                let attended = contacts.child("Contacts by outcome", c.outcome.label());
                attended.total.add(k);
                attended.part("Attended contacts by mode", mode, k);
            }
        }
        for c in &r.connections {
            let made = c.history.first().map_or(r.referral_date, |h| h.date);
            if in_period(made) {
                let k = r.key.of_part(format!("connection:{}", c.id.0).as_bytes());
                let at = pop("connections", "", made, p);
                let conns = pops.entry(at).or_default();
                conns.total.add(k);
                let category = lists.label(ListKind::ConnectionCategories, &c.category);
                conns.part("Connections by category", category, k);
                conns.part("Connections by status", c.status.label(), k);
            }
        }
        if let Some((date, how)) = r.ending(lists).filter(|(d, _)| in_period(*d)) {
            let at = pop("endings", "", date, p);
            let endings = pops.entry(at).or_default();
            endings.total.add(key);
            endings.part("How episodes ended", how, key);
        }
        let quote = r.feedback.as_ref().and_then(|f| f.shareable_quote());
        if let (true, Some(q), Some(date)) = (include_quotes, quote, r.feedback_date()) {
            if in_period(date) {
                quotes.push(q.to_owned());
            }
        }
    }
    // Round once, at one month and practice.
    let mut base: BTreeMap<BaseKey, BaseCell> = BTreeMap::new();
    for ((_, _, month, practice), pop) in &pops {
        round_population(
            pop,
            disclosure::round_total(pop.total),
            (*month, practice),
            &mut base,
        );
    }
    crate::model::order::sort_by(&mut quotes, Ord::cmp);
    (base, quotes)
}

fn dimension_table(d: Dimension) -> &'static str {
    match d {
        Dimension::AgeBand => "Referrals by age band",
        Dimension::Sex => "Referrals by sex",
        Dimension::EthnicGroup => "Referrals by ethnic group",
        Dimension::Deprivation => "Referrals by deprivation quintile",
    }
}

/// Every table a summary of this workspace can hold, with every category
/// its lists and instruments allow: a file names them all, whether or not
/// anyone is in them, so the names say nothing about who was counted.
fn known_tables(ws: &Workspace) -> BTreeMap<String, Vec<String>> {
    let lists = &ws.settings.lists;
    let labels = |kind: ListKind| -> Vec<String> {
        lists.get(kind).iter().map(|i| i.label.clone()).collect()
    };
    let choices = |all: &[&str]| all.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    let mut out = BTreeMap::new();
    let mut roles = labels(ListKind::ReferrerRoles);
    roles.push("Not recorded".into());
    out.insert("Referrals by who referred".to_owned(), roles);
    out.insert(OVERLAPPING.to_owned(), labels(ListKind::Reasons));
    for d in Dimension::ALL {
        out.insert(dimension_table(d).to_owned(), d.groups());
    }
    out.insert(ATTENDED_TABLE.to_owned(), choices(&ATTENDED_BANDS));
    let waits: Vec<&str> = WAIT_BANDS.iter().map(|b| b.1).collect();
    out.insert(
        "Days from referral to first contact".to_owned(),
        choices(&waits),
    );
    let outcomes: Vec<&str> = ContactOutcome::ALL.iter().map(|c| c.label()).collect();
    out.insert("Contacts by outcome".to_owned(), choices(&outcomes));
    out.insert(
        "Attended contacts by mode".to_owned(),
        labels(ListKind::ContactModes),
    );
    out.insert(
        "Connections by category".to_owned(),
        labels(ListKind::ConnectionCategories),
    );
    let statuses: Vec<&str> = crate::work::directory::ConnectionStatus::ALL
        .iter()
        .map(|c| c.label())
        .collect();
    out.insert("Connections by status".to_owned(), choices(&statuses));
    let mut endings = labels(ListKind::ClosureReasons);
    endings.extend([
        "Declined social prescribing".into(),
        "Needs beyond social prescribing".into(),
    ]);
    out.insert("How episodes ended".to_owned(), endings);
    for inst in ws.instruments().into_iter().filter(|i| i.id != "goals") {
        let directions = choices(&["Improved", "About the same", "Worse"]);
        if inst.scoring == crate::work::measures::Scoring::None {
            for i in 0..inst.items.len() {
                let table = format!("Outcome change: {}: {}", inst.name, inst.short_label(i));
                out.insert(table, directions.clone());
            }
        } else {
            out.insert(format!("Outcome change: {}: score", inst.name), directions);
        }
        out.insert(
            format!("Questionnaires: {}", inst.name),
            choices(&RECORDED_AS),
        );
    }
    out
}

/// Adds an empty cell for every table, month and practice with none, so
/// that whether a group is in a file says nothing about who is in it.
fn fill_grid(
    ws: &Workspace,
    from: NaiveDate,
    to: NaiveDate,
    base: &mut BTreeMap<BaseKey, BaseCell>,
    known: &BTreeMap<String, Vec<String>>,
) {
    let mut tables: BTreeMap<String, bool> = BTreeMap::new();
    for t in known.keys() {
        tables.insert(t.clone(), t != OVERLAPPING);
    }
    let mut practices: Vec<String> = ws
        .settings
        .practices
        .iter()
        .map(|p| p.name.clone())
        .collect();
    for ((table, _, practice), cell) in base.iter() {
        tables.insert(table.clone(), cell.partition);
        practices.push(practice.clone());
    }
    crate::model::order::sort_by(&mut practices, Ord::cmp);
    practices.dedup();
    for (table, partition) in tables {
        for month in month_index(from)..=month_index(to) {
            for practice in &practices {
                base.entry((table.clone(), month, practice.clone()))
                    .or_insert_with(|| BaseCell {
                        partition,
                        ..BaseCell::default()
                    });
            }
        }
    }
}

/// Whether a group is big enough to be broken down: at least
/// [`disclosure::SMALLEST_GROUP`], counted and rounded.
fn big_enough((counted, rounded): (u32, u32)) -> bool {
    counted >= disclosure::SMALLEST_GROUP && rounded >= disclosure::SMALLEST_GROUP
}

/// The groups a file holds, all sums of the rounded base cells: each
/// population's breakdowns for every quarter and practice big enough, the
/// smaller practices of a quarter together where they are big enough
/// together, totals alone for the rest, and (if asked) each month's totals.
fn release(
    base: &BTreeMap<BaseKey, BaseCell>,
    known: &BTreeMap<String, Vec<String>>,
    by_month: bool,
) -> Vec<Group> {
    let add = |a: &mut (u32, u32), b: (u32, u32)| {
        a.0 += b.0;
        a.1 += b.1;
    };
    let mut quarters: BTreeMap<(String, i32, String), BaseCell> = BTreeMap::new();
    let mut categories: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for (t, list) in known {
        categories.insert(t, list.iter().collect());
    }
    for ((table, month, practice), cell) in base {
        let q = quarters
            .entry((table.clone(), quarter_of(*month), practice.clone()))
            .or_insert_with(|| BaseCell {
                partition: cell.partition,
                ..BaseCell::default()
            });
        add(&mut q.total, cell.total);
        for (k, v) in &cell.parts {
            add(q.parts.entry(k.clone()).or_default(), *v);
            categories.entry(table).or_default().push(k);
        }
    }
    for list in categories.values_mut() {
        crate::model::order::sort_by(list, Ord::cmp);
        list.dedup();
    }
    let group = |table: &str, month: String, practice: String, cell: &BaseCell, shown: bool| {
        let parts = if shown {
            categories
                .get(table)
                .into_iter()
                .flatten()
                .map(|k| {
                    let n = cell.parts.get(*k).map_or(0, |v| v.1);
                    ((*k).clone(), Cell::Exact(n))
                })
                .collect()
        } else {
            BTreeMap::new()
        };
        Group {
            table: table.to_owned(),
            month,
            practice,
            total: Cell::Exact(cell.total.1),
            parts,
            partition: cell.partition,
            withheld: (!shown).then_some(Withheld::UnderTen),
            combines: Vec::new(),
        }
    };
    let mut groups = Vec::new();
    let mut small: BTreeMap<(String, i32), (BaseCell, Vec<String>)> = BTreeMap::new();
    for ((table, quarter, practice), cell) in &quarters {
        let shown = big_enough(cell.total);
        groups.push(group(
            table,
            quarter_label(*quarter),
            practice.clone(),
            cell,
            shown,
        ));
        if !shown {
            let (fold, names) = small.entry((table.clone(), *quarter)).or_default();
            fold.partition = cell.partition;
            add(&mut fold.total, cell.total);
            for (k, v) in &cell.parts {
                add(fold.parts.entry(k.clone()).or_default(), *v);
            }
            names.push(practice.clone());
        }
    }
    for ((table, quarter), (fold, names)) in small {
        if names.len() >= 2 && big_enough(fold.total) {
            let mut g = group(
                &table,
                quarter_label(quarter),
                FOLDED.to_owned(),
                &fold,
                true,
            );
            g.combines = names;
            groups.push(g);
        }
    }
    if by_month {
        for ((table, month, practice), cell) in base {
            let mut g = group(
                table,
                month_key(month_start(*month)),
                practice.clone(),
                cell,
                false,
            );
            g.withheld = Some(Withheld::MonthTotal);
            groups.push(g);
        }
    }
    groups
}

fn practice_name(ws: &Workspace, id: PracticeId) -> String {
    ws.settings
        .practice(id)
        .map_or_else(|| "Unknown practice".to_owned(), |p| p.name.clone())
}

/// Time on each level by quarter and practice. Community work not tied to
/// a practice is under "All practices". Time with people is given only
/// where 10 or more people were seen in the quarter (otherwise it would be
/// a few people's own time), or for smaller practices together.
fn time_rows(ws: &Workspace, from: NaiveDate, to: NaiveDate) -> Vec<TimeRow> {
    // (quarter, practice) → minutes on each level, and people seen.
    let mut rows: BTreeMap<(i32, String), ([u32; 3], usize)> = BTreeMap::new();
    let in_period = |d: NaiveDate| from <= d && d <= to;
    let quarter = |d: NaiveDate| quarter_of(month_index(d));
    for r in ws.referrals.values() {
        let mut seen_in: Vec<i32> = Vec::new();
        for c in r
            .contacts
            .iter()
            .filter(|c| c.outcome == ContactOutcome::Attended && in_period(c.date))
        {
            let q = quarter(c.date);
            let row = rows.entry((q, practice_name(ws, r.practice))).or_default();
            row.0[0] += c.minutes;
            if !seen_in.contains(&q) {
                seen_in.push(q);
                row.1 += 1;
            }
        }
    }
    for a in ws
        .practice_work
        .activities
        .iter()
        .filter(|a| in_period(a.date))
    {
        let practice = a
            .practice
            .map_or_else(|| "All practices".to_owned(), |p| practice_name(ws, p));
        let slot = match a.kind.level() {
            Level::Practice => 1,
            Level::Community => 2,
        };
        rows.entry((quarter(a.date), practice)).or_default().0[slot] += a.minutes;
    }
    let enough = |people: usize| people >= disclosure::SMALLEST_GROUP as usize;
    // Rows come quarter by quarter: the smaller practices of each are added
    // up as they pass, and given together at the end of their quarter.
    let mut out: Vec<TimeRow> = Vec::new();
    let mut together: Option<(i32, u32, usize, Vec<String>)> = None;
    let flush = |t: Option<(i32, u32, usize, Vec<String>)>, out: &mut Vec<TimeRow>| {
        if let Some((q, person, _, names)) = t.filter(|t| t.3.len() >= 2 && enough(t.2)) {
            out.push(TimeRow {
                month: quarter_label(q),
                practice: FOLDED.to_owned(),
                person_minutes: Some(person),
                practice_minutes: 0,
                community_minutes: 0,
                combines: names,
            });
        }
    };
    for ((q, practice), ([person, practice_minutes, community], seen)) in rows {
        if together.as_ref().is_some_and(|t| t.0 != q) {
            flush(together.take(), &mut out);
        }
        let shown = enough(seen);
        if !shown && person > 0 {
            let t = together.get_or_insert_with(|| (q, 0, 0, Vec::new()));
            t.1 += person;
            t.2 += seen;
            t.3.push(practice.clone());
        }
        out.push(TimeRow {
            month: quarter_label(q),
            practice,
            person_minutes: shown.then_some(person),
            practice_minutes,
            community_minutes: community,
            combines: Vec::new(),
        });
    }
    flush(together, &mut out);
    out
}

/// Each practice's latest check-in in the period.
fn checkin_rows(ws: &Workspace, from: NaiveDate, to: NaiveDate) -> Vec<CheckInRow> {
    ws.settings
        .practices
        .iter()
        .filter_map(|p| {
            let c = ws
                .practice_work
                .checkins_of(p.id)
                .into_iter()
                .rev()
                .find(|c| from <= c.date && c.date <= to)?;
            Some(CheckInRow {
                practice: p.name.clone(),
                date: c.date,
                scores: Construct::ALL.iter().map(|k| c.score(*k)).collect(),
                continuum: c.continuum.map(|x| x.label().to_owned()),
                in_place: c.in_place() as u32,
            })
        })
        .collect()
}

/// An encrypted summary file: the label and period are readable, so a
/// manager can see whose file it is before typing its passphrase.
pub const SEALED_SUMMARY_DOC: DocKind = DocKind {
    format: "linkwork.summary.sealed",
    current: 1,
    migrations: &[],
};

#[derive(Serialize, Deserialize)]
struct SealedSummary {
    label: String,
    from: NaiveDate,
    to: NaiveDate,
    kdf: KdfParams,
    /// The summary document, sealed with AES-256-GCM.
    payload: String,
}

/// What is bound to a sealed summary's ciphertext.
const SUMMARY_AAD: &str = "linkwork.summary";

/// Why a summary file could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SummaryError {
    #[error("{0}. Ask the link worker for a new copy of the file.")]
    Format(FormatError),
    #[error("This summary is encrypted: type the passphrase it was exported with.")]
    PassphraseNeeded,
    #[error("The passphrase does not open this summary, or the file has been changed.")]
    WrongPassphrase,
    #[error("Its counts are not protected as a Linkwork summary's are ({0}). Ask the link worker for a new file made with Linkwork.")]
    Unsafe(String),
}

impl Summary {
    /// The file text, optionally encrypted with `passphrase`.
    pub fn to_file(&self, passphrase: Option<&str>, rng: &mut dyn Random) -> String {
        let plain = encode_doc(&SUMMARY_DOC, self);
        let Some(pass) = passphrase.filter(|p| !p.is_empty()) else {
            return plain;
        };
        let kdf = KdfParams::recommended(rng);
        let vault = derive_key(pass, &kdf).map(|key| Vault::new(&key));
        let Ok(vault) = vault else {
            return plain;
        };
        encode_doc(
            &SEALED_SUMMARY_DOC,
            &SealedSummary {
                label: self.label.clone(),
                from: self.from,
                to: self.to,
                kdf,
                payload: vault.seal(SUMMARY_AAD, &plain, rng),
            },
        )
    }

    /// Reads a summary file, checking it completely: format and version,
    /// the passphrase if it is encrypted, and that no count from 1 to 4 is
    /// shown and no group gives one away by subtraction.
    pub fn from_file(text: &str, passphrase: Option<&str>) -> Result<Summary, SummaryError> {
        let summary = match decode::<Summary>(&SUMMARY_DOC, text) {
            Err(FormatError::WrongFormat { found, .. }) if found == SEALED_SUMMARY_DOC.format => {
                let sealed: SealedSummary =
                    decode(&SEALED_SUMMARY_DOC, text).map_err(SummaryError::Format)?;
                let pass = passphrase
                    .filter(|p| !p.is_empty())
                    .ok_or(SummaryError::PassphraseNeeded)?;
                let key =
                    derive_key(pass, &sealed.kdf).map_err(|_| SummaryError::WrongPassphrase)?;
                let plain = Vault::new(&key)
                    .open(SUMMARY_AAD, &sealed.payload)
                    .map_err(|_| SummaryError::WrongPassphrase)?;
                decode::<Summary>(&SUMMARY_DOC, &plain).map_err(SummaryError::Format)?
            }
            other => other.map_err(SummaryError::Format)?,
        };
        summary.check()?;
        Ok(summary)
    }

    /// Checks the protection of every group (files may come from anywhere).
    pub fn check(&self) -> Result<(), SummaryError> {
        for g in &self.groups {
            let problem = match self.protection {
                Protection::Suppressed => exposure(g),
                Protection::Rounded => unrounded(g),
            };
            if let Some(problem) = problem {
                return Err(SummaryError::Unsafe(format!(
                    "{}, {}, {}: {problem}",
                    g.table, g.month, g.practice
                )));
            }
        }
        Ok(())
    }
}

/// What is wrong with a group of a version 2 file, if anything: every count
/// a multiple of 5, parts that add up, breakdowns only of groups of 10 or
/// more, and practices together only two or more at a time.
pub fn unrounded(g: &Group) -> Option<String> {
    let mut sum = 0;
    let total = match g.total {
        Cell::Exact(n) => n,
        _ => return Some("a count is not a number".into()),
    };
    for (k, c) in std::iter::once((&"Total".to_owned(), &g.total)).chain(&g.parts) {
        match c {
            Cell::Exact(n) if n.is_multiple_of(disclosure::BASE) => {
                if k != "Total" {
                    if !g.partition && *n > total {
                        return Some(format!("{k} is more than the total"));
                    }
                    sum += n;
                }
            }
            _ => return Some(format!("{k} is not rounded to a multiple of 5")),
        }
    }
    if g.parts.is_empty() {
        return None;
    }
    if g.withheld.is_some() {
        return Some("a group marked as not broken down has parts".into());
    }
    if total < disclosure::SMALLEST_GROUP {
        return Some("a group of fewer than 10 is broken down".into());
    }
    if g.partition && sum != total {
        return Some(format!("the parts add up to {sum}, not the total"));
    }
    if g.practice == FOLDED && g.combines.len() < 2 {
        return Some("practices together must be two or more".into());
    }
    None
}

/// How a group would give away a count from 1 to 4, if it would.
pub fn exposure(g: &Group) -> Option<String> {
    let small = |c: &Cell| matches!(c, Cell::Exact(n) if (1..SMALLEST_SHOWN).contains(n));
    if small(&g.total) {
        return Some("the total is shown".into());
    }
    if let Some((k, _)) = g.parts.iter().find(|(_, c)| small(c)) {
        return Some(format!("{k} is shown"));
    }
    let Cell::Exact(total) = g.total else {
        return None;
    };
    if !g.partition {
        return None;
    }
    let unknown: Vec<&Cell> = g
        .parts
        .values()
        .filter(|c| !matches!(c, Cell::Exact(_)))
        .collect();
    let shown: u32 = g
        .parts
        .values()
        .filter_map(|c| match c {
            Cell::Exact(n) => Some(*n),
            _ => None,
        })
        .sum();
    match unknown.len() {
        1 => Some(format!(
            "one part is hidden but is the total less the others ({})",
            total.saturating_sub(shown)
        )),
        _ => None,
    }
}

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
    fn add(&mut self, c: Cell, rounded: bool) {
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
    summaries: Vec<Summary>,
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
    fn add_unindexed(&mut self, summary: Summary) -> bool {
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

    fn reindex(&mut self) {
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

/// Summary files of `workers` made-up link workers (each with their own
/// generated caseload) for the four quarters from October 2025, by month:
/// (file name, file text). For benchmarks of the manager view.
pub fn demo_summary_files(workers: u64, today: NaiveDate) -> Vec<(String, String)> {
    use crate::work::demo::{generate, DemoSpec};
    struct Zeros;
    impl crate::store::crypto::Random for Zeros {
        fn fill(&mut self, out: &mut [u8]) {
            out.fill(0);
        }
    }
    let generated = today.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
    let quarters: Vec<(NaiveDate, NaiveDate)> = [(2025, 10), (2026, 1), (2026, 4), (2026, 7)]
        .into_iter()
        .filter_map(|(y, m)| {
            let from = NaiveDate::from_ymd_opt(y, m, 1)?;
            let to = from
                .checked_add_months(chrono::Months::new(3))?
                .pred_opt()?;
            Some((from, to))
        })
        .collect();
    let options = SummaryOptions {
        by_month: true,
        ..SummaryOptions::default()
    };
    let mut files = Vec::new();
    for worker in 0..workers {
        let spec = DemoSpec {
            seed: 1000 + worker,
            ..DemoSpec::standard()
        };
        let ws = generate(&spec, today);
        for (from, to) in &quarters {
            let label = format!("Link worker {worker}");
            let s = summarise(&ws, &label, *from, *to, options, generated);
            files.push((file_name(&s), s.to_file(None, &mut Zeros)));
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::testing::{today, SeqRandom};
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

/// The last complete quarter (January, April, July, October) before `today`.
pub fn last_quarter(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let this_quarter = month_index(today) - (today.month0() % 3) as i32;
    let this = month_start(this_quarter);
    (
        month_start(this_quarter - 3),
        this.pred_opt().unwrap_or(this),
    )
}

/// How much of a caseload's detail a summary keeps, against the truth and
/// against version 1's suppression, over whole quarters by practice.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Utility {
    /// Breakdown cells (table, quarter, practice, category) with anyone in.
    pub cells: u32,
    /// Of those, the cells shown in their practice's own breakdown.
    pub shown: u32,
    /// Of those, the cells counted in a "practices together" breakdown.
    pub together: u32,
    /// Mean absolute difference of shown cells from the truth.
    pub mean_error: f64,
    /// The cells version 1 showed as a number (not "<5" or "x").
    pub shown_by_v1: u32,
    /// Each headline figure: its name, the truth, this summary's figure, and
    /// version 1's (known part and hidden counts).
    pub headlines: Vec<(&'static str, u32, Merged, Merged)>,
}

/// Measures [`Utility`] for the whole quarters holding `from..=to`.
pub fn utility(ws: &Workspace, from: NaiveDate, to: NaiveDate) -> Utility {
    let (from, to) = whole_quarters(from, to);
    let at = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let summary = summarise(ws, "u", from, to, SummaryOptions::default(), at);
    let (base, _) = base_cells(ws, from, to, false);
    // The truth and version 1, by quarter and practice.
    // (table, quarter, practice) → (total, parts, partition), as counted.
    type Counted = (u32, BTreeMap<String, u32>, bool);
    let mut quarters: BTreeMap<(String, String, String), Counted> = BTreeMap::new();
    for ((table, month, practice), cell) in &base {
        let q = quarters
            .entry((
                table.clone(),
                quarter_label(quarter_of(*month)),
                practice.clone(),
            ))
            .or_default();
        q.0 += cell.total.0;
        q.2 = cell.partition;
        for (k, v) in &cell.parts {
            *q.1.entry(k.clone()).or_default() += v.0;
        }
    }
    let shown: BTreeMap<(&str, &str, &str), &Group> = summary
        .groups
        .iter()
        .filter(|g| g.combines.is_empty())
        .map(|g| ((g.table.as_str(), g.month.as_str(), g.practice.as_str()), g))
        .collect();
    let folded: BTreeSet<(&str, &str, &str)> = summary
        .groups
        .iter()
        .flat_map(|g| {
            g.combines
                .iter()
                .map(move |p| (g.table.as_str(), g.month.as_str(), p.as_str()))
        })
        .collect();
    let mut u = Utility::default();
    let mut error = 0u64;
    let (mut truth_groups, mut v1_groups) = (Vec::new(), Vec::new());
    for ((table, month, practice), (total, parts, partition)) in &quarters {
        let key = (table.as_str(), month.as_str(), practice.as_str());
        let list: Vec<(String, u32)> = parts.iter().map(|(k, v)| (k.clone(), *v)).collect();
        let (v1_total, v1_cells) = protect(*total, &list, *partition);
        for ((k, n), v1) in list.iter().zip(&v1_cells) {
            if *n == 0 {
                continue;
            }
            u.cells += 1;
            u.shown_by_v1 += u32::from(matches!(v1, Cell::Exact(_)));
            match shown.get(&key).and_then(|g| g.parts.get(k)) {
                Some(c) => {
                    u.shown += 1;
                    error += u64::from(c.count().abs_diff(*n));
                }
                None => u.together += u32::from(folded.contains(&key)),
            }
        }
        let group = |total, parts: BTreeMap<String, Cell>| Group {
            table: table.clone(),
            month: month.clone(),
            practice: practice.clone(),
            total,
            parts,
            partition: *partition,
            withheld: None,
            combines: Vec::new(),
        };
        truth_groups.push(group(
            Cell::Exact(*total),
            list.iter()
                .map(|(k, v)| (k.clone(), Cell::Exact(*v)))
                .collect(),
        ));
        v1_groups.push(group(
            v1_total,
            list.iter().map(|(k, _)| k.clone()).zip(v1_cells).collect(),
        ));
    }
    u.mean_error = if u.shown == 0 {
        0.0
    } else {
        error as f64 / f64::from(u.shown)
    };
    let as_summary = |groups: Vec<Group>| Summary {
        protection: Protection::Suppressed,
        groups,
        ..summary.clone()
    };
    let all = ProgrammeFilter::default();
    let truth = Programme::of(vec![as_summary(truth_groups)]).headlines(&all);
    let v1 = Programme::of(vec![as_summary(v1_groups)]).headlines(&all);
    let v2 = Programme::of(vec![summary.clone()]).headlines(&all);
    type Figure = fn(&Headlines) -> Merged;
    let pick: [(&'static str, Figure); 6] = [
        ("Referrals", |h| h.referrals),
        ("Seen three or more times", |h| h.seen_three_plus),
        ("Attended contacts", |h| h.attended_contacts),
        ("Did not attend", |h| h.did_not_attend),
        ("Connections", |h| h.connections),
        ("Episodes ended", |h| h.endings),
    ];
    u.headlines = pick
        .iter()
        .map(|(name, f)| (*name, f(&truth).known, f(&v2), f(&v1)))
        .collect();
    u
}

/// The last `n` complete quarters before `today`, newest first: the
/// periods a summary can cover.
pub fn complete_quarters(today: NaiveDate, n: usize) -> Vec<(NaiveDate, NaiveDate)> {
    let last = quarter_of(month_index(today)) - 1;
    (0..n as i32).map(|i| quarter_bounds(last - i)).collect()
}

/// "July to September 2026", for the quarter starting on `from`.
pub fn quarter_name(from: NaiveDate) -> String {
    let (start, end) = quarter_bounds(quarter_of(month_index(from)));
    format!("{} to {}", start.format("%B"), end.format("%B %Y"))
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

/// A file name for a summary: label, period, nothing personal.
pub fn file_name(s: &Summary) -> String {
    let slug: String = s
        .label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("linkwork-summary-{slug}-{}-to-{}.json", s.from, s.to)
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

fn programme_v1_to_v2(doc: &mut serde_json::Value) -> Result<(), String> {
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
struct ProgrammeDoc {
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

fn sorted(items: impl Iterator<Item = String>) -> Vec<String> {
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
