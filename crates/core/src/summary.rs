//! Anonymised summary files: what a link worker's workspace says about the
//! service, by month and practice, with no person-level rows and no free
//! text (except quotes the person agreed to share and the link worker chose
//! to include), and with small numbers suppressed.
//!
//! Every count is published inside a [`Group`]: a total and its parts (a
//! partition of the total, or, for reasons, overlapping counts). Counts from
//! 1 to 4 are shown as "<5"; where that would let a hidden count be worked
//! out by subtracting the shown parts from the total, more parts are hidden
//! (shown as "x") until at least two are unknown. Totals are never published
//! anywhere else, so no other figure can be subtracted from.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::crypto::{derive_key, KdfParams, Random, Vault};
use crate::dashboard::{month_index, month_start, Dimension, ATTENDED_BANDS, WAIT_BANDS};
use crate::format::{decode, encode_doc, DocKind, FormatError};
use crate::lists::ListKind;
use crate::measures::{headline_changes, Instrument, RECORDED_AS};
use crate::model::{Choice, ContactOutcome, PracticeId, Workspace};
use crate::practice_work::{Construct, Level};

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
    /// The words a table shows.
    pub fn show(self) -> String {
        match self {
            Cell::Exact(n) => crate::tables::count(n),
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

/// Hours on each level of the work (not counts of people: not suppressed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRow {
    pub month: String,
    pub practice: String,
    pub person_minutes: u32,
    pub practice_minutes: u32,
    pub community_minutes: u32,
}

/// A practice's latest check-in in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckInRow {
    pub practice: String,
    pub date: NaiveDate,
    /// Mean agreement per construct, in [`crate::practice_work::Construct::ALL`] order.
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

/// The summary file format.
pub const SUMMARY_DOC: DocKind = DocKind {
    format: "linkwork.summary",
    current: 1,
    migrations: &[],
};

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

/// Counts for one (table, month, practice), before protection.
struct Tally {
    total: u32,
    parts: BTreeMap<String, u32>,
    partition: bool,
}

/// Counts gathered by table, month and practice.
#[derive(Default)]
struct Tallies(BTreeMap<(String, String, String), Tally>);

impl Tallies {
    /// Counts one item of a partitioned table under `part`.
    fn part(&mut self, table: &str, month: &str, practice: &str, part: &str) {
        let t = self.entry(table, month, practice, true);
        t.total += 1;
        *t.parts.entry(part.to_owned()).or_default() += 1;
    }

    /// Counts one item with several (overlapping) parts, such as reasons.
    fn overlapping<'a>(
        &mut self,
        table: &str,
        month: &str,
        practice: &str,
        parts: impl Iterator<Item = &'a str>,
    ) {
        let t = self.entry(table, month, practice, false);
        t.total += 1;
        for part in parts {
            *t.parts.entry(part.to_owned()).or_default() += 1;
        }
    }

    fn entry(&mut self, table: &str, month: &str, practice: &str, partition: bool) -> &mut Tally {
        self.0
            .entry((table.to_owned(), month.to_owned(), practice.to_owned()))
            .or_insert_with(|| Tally {
                total: 0,
                parts: BTreeMap::new(),
                partition,
            })
    }

    fn protect(self) -> Vec<Group> {
        self.0
            .into_iter()
            .map(|((table, month, practice), t)| {
                let parts: Vec<(String, u32)> = t.parts.into_iter().collect();
                let (total, cells) = protect(t.total, &parts, t.partition);
                Group {
                    table,
                    month,
                    practice,
                    total,
                    parts: parts.into_iter().map(|(k, _)| k).zip(cells).collect(),
                    partition: t.partition,
                }
            })
            .collect()
    }
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
    /// Count by month (more detail, and so more small counts hidden) rather
    /// than once for the whole period.
    pub by_month: bool,
}

/// Makes the anonymised summary of `ws` for the period `from..=to`.
pub fn summarise(
    ws: &Workspace,
    label: &str,
    from: NaiveDate,
    to: NaiveDate,
    options: SummaryOptions,
    generated: DateTime<Utc>,
) -> Summary {
    let include_quotes = options.include_quotes;
    let period = format!("{from} to {to}");
    let month_key = |day: NaiveDate| {
        if options.by_month {
            month_key(day)
        } else {
            period.clone()
        }
    };
    let lists = &ws.settings.lists;
    let in_period = |d: NaiveDate| from <= d && d <= to;
    let instruments: Vec<Instrument> = ws
        .instruments()
        .into_iter()
        .filter(|i| i.id != "goals")
        .collect();
    let mut tallies = Tallies::default();
    let mut changes: BTreeMap<(String, String, String), Vec<f64>> = BTreeMap::new();
    let mut quotes = Vec::new();
    let mut waits: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in ws.referrals.values() {
        let practice = practice_name(ws, r.practice);
        let p = practice.as_str();
        if in_period(r.referral_date) {
            let m = month_key(r.referral_date);
            let m = m.as_str();
            let role = if r.referrer_role.is_empty() {
                "Not recorded"
            } else {
                lists.label(ListKind::ReferrerRoles, &r.referrer_role)
            };
            tallies.part("Referrals by who referred", m, p, role);
            tallies.overlapping(
                "Referrals by reason",
                m,
                p,
                r.reasons.iter().map(|x| lists.label(ListKind::Reasons, x)),
            );
            let person = ws.people.get(&r.person);
            for d in Dimension::ALL {
                let groups = d.groups();
                let table = match d {
                    Dimension::AgeBand => "Referrals by age band",
                    Dimension::Sex => "Referrals by sex",
                    Dimension::EthnicGroup => "Referrals by ethnic group",
                    Dimension::Deprivation => "Referrals by deprivation quintile",
                };
                tallies.part(table, m, p, &groups[d.group_index(person)]);
            }
            let attended = r.attended_count().min(ATTENDED_BANDS.len() - 1);
            tallies.part(
                "Referrals by contacts attended",
                m,
                p,
                ATTENDED_BANDS[attended],
            );
            if let Some(seen) = r.first_seen() {
                let days = (seen - r.referral_date).num_days().max(0);
                let band = WAIT_BANDS
                    .iter()
                    .find(|(max, _)| days <= *max)
                    .map_or("", |b| b.1);
                tallies.part("Days from referral to first contact", m, p, band);
                waits.entry(practice.clone()).or_default().push(days as f64);
            }
            for inst in &instruments {
                let threshold = ws.threshold(inst);
                headline_changes(r, inst, threshold, |item, change, better| {
                    let measure = item.map_or_else(
                        || format!("{}: score", inst.name),
                        |i| format!("{}: {}", inst.name, inst.short_label(i)),
                    );
                    let part = match better {
                        Some(true) => "Improved",
                        Some(false) => "Worse",
                        None => "About the same",
                    };
                    tallies.part(&format!("Outcome change: {measure}"), m, p, part);
                    changes
                        .entry((measure, m.to_owned(), practice.clone()))
                        .or_default()
                        .push(change);
                });
            }
            for rec in &r.measures {
                let slot = RECORDED_AS[rec.result.recorded_as()];
                let name = instruments
                    .iter()
                    .find(|i| i.id == rec.instrument)
                    .map_or(rec.instrument.as_str(), |i| i.name.as_str());
                tallies.part(&format!("Questionnaires: {name}"), m, p, slot);
            }
        }
        for c in r.contacts.iter().filter(|c| in_period(c.date)) {
            let m = month_key(c.date);
            if c.outcome == ContactOutcome::Attended {
                let mode = lists.label(ListKind::ContactModes, &c.mode);
                tallies.part("Attended contacts by mode", &m, p, mode);
            }
            tallies.part("Contacts by outcome", &m, p, c.outcome.label());
        }
        for c in &r.connections {
            let made = c.history.first().map_or(r.referral_date, |h| h.date);
            if in_period(made) {
                let m = month_key(made);
                let category = lists.label(ListKind::ConnectionCategories, &c.category);
                tallies.part("Connections by category", &m, p, category);
                tallies.part("Connections by status", &m, p, c.status.label());
            }
        }
        if let Some((date, how)) = r.ending(lists).filter(|(d, _)| in_period(*d)) {
            tallies.part("How episodes ended", &month_key(date), p, how);
        }
        let quote = r.feedback.as_ref().and_then(|f| f.shareable_quote());
        if let (true, Some(q), Some(date)) = (include_quotes, quote, r.feedback_date()) {
            if in_period(date) {
                quotes.push(q.to_owned());
            }
        }
    }
    let outcomes = changes
        .into_iter()
        .map(|((measure, month, practice), values)| {
            let n = values.len() as u32;
            let shown = n >= SMALLEST_SHOWN;
            OutcomeSums {
                measure,
                month,
                practice,
                pairs: if shown { Cell::Exact(n) } else { Cell::Under5 },
                sum: shown.then(|| values.iter().sum()),
                sum_of_squares: shown.then(|| values.iter().map(|v| v * v).sum()),
            }
        })
        .collect();
    crate::order::sort_by(&mut quotes, Ord::cmp);
    let waits = waits
        .into_iter()
        .map(|(practice, days)| {
            let n = days.len() as u32;
            let spread = (n >= SMALLEST_SPREAD)
                .then(|| crate::dashboard::Spread::of(days))
                .flatten();
            WaitRow {
                practice,
                seen: if n >= SMALLEST_SHOWN {
                    Cell::Exact(n)
                } else {
                    Cell::Under5
                },
                median: spread.map(|s| s.median),
                q1: spread.map(|s| s.q1),
                q3: spread.map(|s| s.q3),
            }
        })
        .collect();
    Summary {
        label: label.trim().to_owned(),
        from,
        to,
        generated,
        groups: tallies.protect(),
        outcomes,
        waits,
        time: time_rows(ws, from, to, &month_key),
        checkins: checkin_rows(ws, from, to),
        quotes,
    }
}

fn practice_name(ws: &Workspace, id: PracticeId) -> String {
    ws.settings
        .practice(id)
        .map_or_else(|| "Unknown practice".to_owned(), |p| p.name.clone())
}

/// Time on each level by month and practice. Community work not tied to a
/// practice is under "All practices".
fn time_rows(
    ws: &Workspace,
    from: NaiveDate,
    to: NaiveDate,
    month_key: &dyn Fn(NaiveDate) -> String,
) -> Vec<TimeRow> {
    let mut rows: BTreeMap<(String, String), [u32; 3]> = BTreeMap::new();
    let in_period = |d: NaiveDate| from <= d && d <= to;
    for r in ws.referrals.values() {
        for c in r
            .contacts
            .iter()
            .filter(|c| c.outcome == ContactOutcome::Attended && in_period(c.date))
        {
            rows.entry((month_key(c.date), practice_name(ws, r.practice)))
                .or_default()[0] += c.minutes;
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
        rows.entry((month_key(a.date), practice)).or_default()[slot] += a.minutes;
    }
    rows.into_iter()
        .map(
            |((month, practice), [person, practice_minutes, community])| TimeRow {
                month,
                practice,
                person_minutes: person,
                practice_minutes,
                community_minutes: community,
            },
        )
        .collect()
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
    #[error("{0}")]
    Format(FormatError),
    #[error("This summary is encrypted: type the passphrase it was exported with.")]
    PassphraseNeeded,
    #[error("The passphrase does not open this summary, or the file has been changed.")]
    WrongPassphrase,
    #[error("It contains a count from 1 to 4 that should have been hidden ({0}).")]
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
            if let Some(problem) = exposure(g) {
                return Err(SummaryError::Unsafe(format!(
                    "{}, {}, {}: {problem}",
                    g.table, g.month, g.practice
                )));
            }
        }
        Ok(())
    }
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
    pub hidden: u32,
}

impl Merged {
    fn add(&mut self, c: Cell) {
        match c {
            Cell::Exact(n) => self.known += n,
            Cell::Under5 | Cell::Hidden => self.hidden += 1,
        }
    }

    /// The words a table shows: "12", "<5", or "12 + hidden".
    pub fn show(self) -> String {
        match (self.known, self.hidden) {
            (n, 0) => crate::tables::count(n),
            (0, _) => "<5 or hidden".into(),
            (n, _) => format!("{} + hidden", crate::tables::count(n)),
        }
    }

    /// The known part alone, for a headline ("hidden" when all is hidden).
    pub fn known_text(self) -> String {
        match (self.known, self.hidden) {
            (0, h) if h > 0 => "hidden".into(),
            (n, _) => crate::tables::count(n),
        }
    }

    /// What a headline adds when hidden counts are left out of it.
    pub fn hidden_text(self) -> Option<String> {
        match self.hidden {
            0 => None,
            1 => Some("plus 1 hidden count".into()),
            n => Some(format!("plus {n} hidden counts")),
        }
    }
}

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
        for (i, j) in self.by_table.get(table).into_iter().flatten() {
            let s = &self.summaries[*i];
            let g = &s.groups[*j];
            if !keep(s, g) {
                continue;
            }
            total.add(g.total);
            for (k, c) in &g.parts {
                parts.entry(k.clone()).or_default().add(*c);
            }
        }
        (parts, total)
    }

    /// Every table name present, in a stable order.
    pub fn tables(&self) -> Vec<String> {
        self.by_table.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::demo::{generate, DemoSpec};
    use crate::testing::{today, SeqRandom};

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0)
            .single()
            .expect("valid")
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
                merged.add(cells[0]);
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
                    groups: vec![Group {
                        table: "t".into(),
                        month: "2026-11".into(),
                        practice: "p".into(),
                        total,
                        parts: named.iter().map(|(k, _)| k.clone()).zip(cells).collect(),
                        partition: true,
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
        assert!(plain.starts_with("{\"format\":\"linkwork.summary\",\"version\":1"));
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
        let newer = plain.replacen("\"version\":1", "\"version\":2", 1);
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
        // A file edited to show a small count is refused.
        let g = s
            .groups
            .iter()
            .find(|g| g.parts.values().any(|c| *c == Cell::Under5))
            .expect("some small count");
        let mut tampered = s.clone();
        let i = tampered
            .groups
            .iter()
            .position(|x| x == g)
            .expect("present");
        let (k, _) = g
            .parts
            .iter()
            .find(|(_, c)| **c == Cell::Under5)
            .expect("small");
        tampered.groups[i].parts.insert(k.clone(), Cell::Exact(2));
        let text = encode_doc(&SUMMARY_DOC, &tampered);
        assert!(matches!(
            Summary::from_file(&text, None),
            Err(SummaryError::Format(FormatError::Invalid(_)))
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
    fn the_preview_shows_every_part_of_the_file() {
        let s = demo_summary(true);
        let contents = crate::tables::summary_contents(&s);
        let names: Vec<&str> = contents.iter().map(|(n, _)| n.as_str()).collect();
        let tables: std::collections::BTreeSet<&str> =
            s.groups.iter().map(|g| g.table.as_str()).collect();
        assert_eq!(names.len(), tables.len() + 4, "{names:?}");
        for t in tables {
            assert!(names.contains(&t), "{t}");
        }
        let groups_shown: usize = contents[..names.len() - 4]
            .iter()
            .map(|(_, t)| t.rows.len())
            .sum();
        assert_eq!(groups_shown, s.groups.len(), "every group is a row");
        let time = &contents[names.len() - 2].1;
        assert_eq!(time.rows.len(), s.time.len());
    }

    #[test]
    fn merged_figures_say_when_they_leave_out_hidden_counts() {
        let m = |known, hidden| Merged { known, hidden };
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
pub const PROGRAMME_DOC: DocKind = DocKind {
    format: "linkwork.programme",
    current: 1,
    migrations: &[],
};

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
        crate::crypto::squeeze(&encode_doc(
            &PROGRAMME_DOC,
            &ProgrammeDoc {
                summaries: self.summaries.clone(),
            },
        ))
    }

    /// Reads the stored text back through the one decode path.
    pub fn from_stored(stored: &str) -> Result<Programme, FormatError> {
        let text = crate::crypto::unsqueeze(stored)
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
        crate::order::sort_by(&mut list, Ord::cmp);
        list.dedup();
        list
    }
}

fn sorted(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut list: Vec<String> = items.collect();
    crate::order::sort_by(&mut list, Ord::cmp);
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
                e.0.pairs.add(o.pairs);
                if let (Cell::Exact(n), Some(sum), Some(sq)) = (o.pairs, o.sum, o.sum_of_squares) {
                    e.1 += n;
                    e.2 += sum;
                    e.3 += sq;
                }
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

    /// Minutes on each level by practice, across the filtered summaries.
    pub fn time(&self, filter: &ProgrammeFilter) -> BTreeMap<String, [u32; 3]> {
        let mut out: BTreeMap<String, [u32; 3]> = BTreeMap::new();
        for s in self.summaries.iter().filter(|s| filter.keeps_summary(s)) {
            for r in s.time.iter().filter(|r| filter.keeps_practice(&r.practice)) {
                let e = out.entry(r.practice.clone()).or_default();
                e[0] += r.person_minutes;
                e[1] += r.practice_minutes;
                e[2] += r.community_minutes;
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
                let m = all.get(*p).copied().unwrap_or_default();
                Merged {
                    known: acc.known + m.known,
                    hidden: acc.hidden + m.hidden,
                }
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
                let key = if by_worker { &s.label } else { &g.practice };
                rows.entry(key.clone())
                    .or_insert_with(|| vec![Merged::default(); tables.len()])[column]
                    .add(g.total);
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
