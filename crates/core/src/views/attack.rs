//! An attacker, for the tests: given summary files of one workspace, which
//! true counts can be worked out exactly, and which breakdowns describe a
//! group of fewer than 10 people?
//!
//! It knows how the files are made (the method is published) and nothing
//! else. The unknowns are the true count of every category of every table
//! in every month at every practice, and, for rounded (version 2) files, the
//! rounded count of each (a multiple of 5, within 4 of the true one). It
//! uses:
//! - every published cell as a bound: an exact count, "<5" (1 to 4), "x"
//!   (0 or 5 and over), a rounded sum (the sum of the rounded cells);
//! - that a group was or was not broken down (10 or more, or not), and that
//!   a group was left out of a file (nobody in it);
//! - every total-and-parts relation within a table, between the tables of one
//!   population (referrals by who referred, by sex, …, all count the same
//!   referrals; attended contacts by mode are the attended part of contacts
//!   by outcome; people seen are the referrals with at least one attended
//!   contact), across months, quarters and practices, and so across files of
//!   nested and overlapping periods;
//! - that time with people was recorded in a month only if someone attended.
//!
//! It is a small integer solver: bounds propagation over these linear
//! constraints, then "shaving": each value a small count could take is
//! tried, and dropped if it contradicts what is known. A count whose values
//! shrink to one is recovered. Every step is sound: the true counts are
//! checked to stay possible throughout, so a bug in the attacker shows as a
//! failure, not as false comfort.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::NaiveDate;

use crate::views::dashboard::month_index;
use crate::views::disclosure::{BASE, SMALLEST_GROUP};
use crate::views::summary::{
    BaseCell, BaseKey, Cell, Group, Protection, Summary, Withheld, FOLDED,
};

/// A set of whole numbers from 0 to a maximum.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Dom(Vec<u64>);

impl Dom {
    fn of(max: u32, keep: impl Fn(u32) -> bool) -> Self {
        let mut d = Dom(vec![0; max as usize / 64 + 1]);
        for v in (0..=max).filter(|v| keep(*v)) {
            d.0[v as usize / 64] |= 1 << (v % 64);
        }
        d
    }

    fn contains(&self, v: u32) -> bool {
        self.0
            .get(v as usize / 64)
            .is_some_and(|w| w & (1 << (v % 64)) != 0)
    }

    fn min(&self) -> Option<u32> {
        self.0
            .iter()
            .enumerate()
            .find(|(_, w)| **w != 0)
            .map(|(i, w)| i as u32 * 64 + w.trailing_zeros())
    }

    fn max(&self) -> Option<u32> {
        self.0
            .iter()
            .enumerate()
            .rev()
            .find(|(_, w)| **w != 0)
            .map(|(i, w)| i as u32 * 64 + 63 - w.leading_zeros())
    }

    fn values(&self) -> Vec<u32> {
        (0..self.0.len() as u32 * 64)
            .filter(|v| self.contains(*v))
            .collect()
    }

    /// Keeps the values in lo..=hi; whether anything was dropped.
    fn keep_within(&mut self, lo: i64, hi: i64) -> bool {
        let mut changed = false;
        for (i, w) in self.0.iter_mut().enumerate() {
            let first = i as i64 * 64;
            // The bits of this word from lo to hi.
            let from = (lo - first).clamp(0, 64);
            let to = (hi - first + 1).clamp(0, 64);
            let mask = if from >= to {
                0
            } else {
                let upper = if to == 64 { u64::MAX } else { (1u64 << to) - 1 };
                upper & !((1u64 << from) - 1)
            };
            let kept = *w & mask;
            changed |= kept != *w;
            *w = kept;
        }
        changed
    }

    fn only(&self, v: u32) -> Self {
        let mut d = Dom(vec![0; self.0.len()]);
        if self.contains(v) {
            d.0[v as usize / 64] |= 1 << (v % 64);
        }
        d
    }

    fn remove(&mut self, v: u32) {
        self.0[v as usize / 64] &= !(1 << (v % 64));
    }
}

/// lo ≤ Σ coefficient × variable ≤ hi.
struct Linear {
    terms: Vec<(usize, i64)>,
    lo: i64,
    hi: i64,
}

/// What the attacker knows, as variables and constraints.
struct Model {
    names: Vec<String>,
    doms: Vec<Dom>,
    truth: Vec<u32>,
    cons: Vec<Linear>,
    watch: Vec<Vec<usize>>,
    max: u32,
}

fn ceil_div(a: i64, b: i64) -> i64 {
    -((-a).div_euclid(b))
}

impl Model {
    fn var(&mut self, name: String, keep: impl Fn(u32) -> bool, truth: u32) -> usize {
        self.names.push(name);
        self.doms.push(Dom::of(self.max, keep));
        self.truth.push(truth);
        self.watch.push(Vec::new());
        self.doms.len() - 1
    }

    fn linear(&mut self, terms: Vec<(usize, i64)>, lo: i64, hi: i64) {
        if terms.is_empty() {
            return;
        }
        // Sound: the truth meets every constraint the attacker adds.
        let at_truth: i64 = terms
            .iter()
            .map(|(v, a)| a * i64::from(self.truth[*v]))
            .sum();
        assert!(
            (lo..=hi).contains(&at_truth),
            "the attacker assumed something false: {lo} <= {at_truth} <= {hi} over {:?}",
            terms
                .iter()
                .map(|(v, a)| format!("{a} x {} (true {})", self.names[*v], self.truth[*v]))
                .collect::<Vec<_>>()
        );
        let i = self.cons.len();
        for (v, _) in &terms {
            self.watch[*v].push(i);
        }
        self.cons.push(Linear { terms, lo, hi });
    }

    /// Bounds propagation to a fixed point; false when nothing fits. Each
    /// domain it narrows is first kept in `trail`, so a trial can be undone.
    fn propagate(
        &self,
        doms: &mut [Dom],
        start: impl Iterator<Item = usize>,
        trail: &mut Vec<(usize, Dom)>,
    ) -> bool {
        let mut queue: VecDeque<usize> = start.collect();
        let mut queued: BTreeSet<usize> = queue.iter().copied().collect();
        while let Some(c) = queue.pop_front() {
            queued.remove(&c);
            let con = &self.cons[c];
            let mut bounds = Vec::with_capacity(con.terms.len());
            for (v, a) in &con.terms {
                let (Some(lo), Some(hi)) = (doms[*v].min(), doms[*v].max()) else {
                    return false;
                };
                let (x, y) = (a * i64::from(lo), a * i64::from(hi));
                bounds.push((x.min(y), x.max(y)));
            }
            let sum_min: i64 = bounds.iter().map(|b| b.0).sum();
            let sum_max: i64 = bounds.iter().map(|b| b.1).sum();
            if sum_min > con.hi || sum_max < con.lo {
                return false;
            }
            for ((v, a), (bmin, bmax)) in con.terms.iter().zip(&bounds) {
                let lo = con.lo - (sum_max - bmax);
                let hi = con.hi - (sum_min - bmin);
                let (vlo, vhi) = if *a > 0 {
                    (ceil_div(lo, *a), hi.div_euclid(*a))
                } else {
                    (ceil_div(-hi, -a), (-lo).div_euclid(-a))
                };
                if vlo > i64::from(doms[*v].min().unwrap_or(0))
                    || vhi < i64::from(doms[*v].max().unwrap_or(0))
                {
                    trail.push((*v, doms[*v].clone()));
                    doms[*v].keep_within(vlo, vhi);
                    if doms[*v].min().is_none() {
                        return false;
                    }
                    for next in &self.watch[*v] {
                        if queued.insert(*next) {
                            queue.push_back(*next);
                        }
                    }
                }
            }
        }
        true
    }

    /// Panics if the truth is no longer possible: the attacker would be wrong.
    fn check_sound(&self) {
        for (i, d) in self.doms.iter().enumerate() {
            assert!(
                d.contains(self.truth[i]),
                "the attacker ruled out the truth for {} ({} not in {:?})",
                self.names[i],
                self.truth[i],
                d.values()
            );
        }
    }

    /// Propagates, then tries each value of each target, dropping those
    /// that contradict what is known, until nothing more drops.
    fn solve(&mut self, targets: &[usize]) {
        let mut doms = std::mem::take(&mut self.doms);
        let mut trail = Vec::new();
        assert!(
            self.propagate(&mut doms, 0..self.cons.len(), &mut trail),
            "the truth fits"
        );
        self.doms = doms;
        self.check_sound();
        for _round in 0..3 {
            let mut dropped = false;
            for t in targets {
                let values = self.doms[*t].values();
                if values.len() < 2 {
                    continue;
                }
                for v in values {
                    let mut doms = std::mem::take(&mut self.doms);
                    let mut trail = vec![(*t, doms[*t].clone())];
                    doms[*t] = doms[*t].only(v);
                    let fits =
                        self.propagate(&mut doms, self.watch[*t].iter().copied(), &mut trail);
                    // Undo the trial.
                    for (var, old) in trail.into_iter().rev() {
                        doms[var] = old;
                    }
                    if !fits {
                        doms[*t].remove(v);
                        let mut kept = Vec::new();
                        assert!(self.propagate(
                            &mut doms,
                            self.watch[*t].iter().copied(),
                            &mut kept
                        ));
                        dropped = true;
                    }
                    self.doms = doms;
                }
            }
            self.check_sound();
            if !dropped {
                break;
            }
        }
    }
}

/// What the attacker found.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    /// True counts from 1 to 4 worked out exactly: (which, count).
    pub recovered: Vec<(String, u32)>,
    /// Breakdowns of groups of fewer than 10 people: (which, true size).
    pub small_breakdowns: Vec<(String, u32)>,
}

/// Which population a table counts, and how it relates to another table.
fn population(table: &str) -> &str {
    if table.starts_with("Referrals by ") {
        "referrals"
    } else if table.starts_with("Connections by ") {
        "connections"
    } else {
        table
    }
}

const OTHER: &str = "(any other category)";
const ATTENDED: &str = "Referrals by contacts attended";
const WAITS: &str = "Days from referral to first contact";
const BY_OUTCOME: &str = "Contacts by outcome";
const BY_MODE: &str = "Attended contacts by mode";

/// The months (and practices) a group of a file covers.
fn months_of(g: &Group, s: &Summary) -> Vec<i32> {
    if let Ok(day) = NaiveDate::parse_from_str(&format!("{}-01", g.month), "%Y-%m-%d") {
        return vec![month_index(day)];
    }
    let (from, to) = g
        .month
        .split_once(" to ")
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .unwrap_or((s.from, s.to));
    (month_index(from)..=month_index(to)).collect()
}

fn practices_of(g: &Group) -> Vec<String> {
    if g.combines.is_empty() {
        vec![g.practice.clone()]
    } else {
        g.combines.clone()
    }
}

/// Attacks `files` (all made from one workspace), checking against the
/// true counts of every month and practice, `truth`.
pub(crate) fn attack(files: &[Summary], truth: &BTreeMap<BaseKey, BaseCell>) -> Findings {
    // What the files show: months, practices, tables and their categories.
    let mut months = BTreeSet::new();
    let mut practices = BTreeSet::new();
    let mut tables: BTreeMap<String, (bool, BTreeSet<String>)> = BTreeMap::new();
    for s in files {
        months.extend(month_index(s.from)..=month_index(s.to));
        for g in &s.groups {
            practices.extend(practices_of(g));
            let t = tables.entry(g.table.clone()).or_default();
            t.0 = g.partition;
            t.1.extend(g.parts.keys().cloned());
        }
    }
    practices.remove(FOLDED);
    let rounded = files.iter().any(|s| s.protection == Protection::Rounded);
    let people: u32 = truth
        .iter()
        .filter(|((t, _, _), _)| population(t) == "referrals")
        .map(|(_, c)| c.total.0)
        .sum();
    let contacts: u32 = truth
        .iter()
        .filter(|((t, _, _), _)| t == BY_OUTCOME)
        .map(|(_, c)| c.total.0)
        .sum();
    let mut m = Model {
        names: Vec::new(),
        doms: Vec::new(),
        truth: Vec::new(),
        cons: Vec::new(),
        watch: Vec::new(),
        // No count is more than every record counted, rounded up.
        max: (people.max(contacts) + 2 * BASE) * 4,
    };
    // One true (and one rounded) variable per category, plus the total, of
    // every table in every month at every practice.
    type Cellvars = (usize, BTreeMap<String, usize>);
    let mut x: BTreeMap<(String, i32, String), Cellvars> = BTreeMap::new();
    let mut y: BTreeMap<(String, i32, String), Cellvars> = BTreeMap::new();
    for (table, (partition, categories)) in &tables {
        for month in &months {
            for practice in &practices {
                let key = (table.clone(), *month, practice.clone());
                let cell = truth.get(&key).cloned().unwrap_or_default();
                // Categories no file shows are counted together.
                let mut cats: Vec<String> = categories.iter().cloned().collect();
                cats.push(OTHER.to_owned());
                let value = |k: &str, rounded: bool| -> u32 {
                    let pick = |v: &(u32, u32)| if rounded { v.1 } else { v.0 };
                    if k == OTHER {
                        cell.parts
                            .iter()
                            .filter(|(c, _)| !categories.contains(*c))
                            .map(|(_, v)| pick(v))
                            .sum()
                    } else {
                        cell.parts.get(k).map_or(0, pick)
                    }
                };
                let name = |k: &str, r: bool| {
                    format!(
                        "{}{table}, {k}, month {month}, {practice}",
                        if r { "rounded " } else { "" }
                    )
                };
                let total_x = m.var(name("total", false), |_| true, cell.total.0);
                let mut parts_x = BTreeMap::new();
                for k in &cats {
                    parts_x.insert(k.clone(), m.var(name(k, false), |_| true, value(k, false)));
                }
                structure(&mut m, table, *partition, total_x, &parts_x, true);
                if rounded {
                    let multiple = |v: u32| v.is_multiple_of(BASE);
                    let total_y = m.var(name("total", true), multiple, cell.total.1);
                    m.linear(vec![(total_x, 1), (total_y, -1)], -4, 4);
                    let mut parts_y = BTreeMap::new();
                    for k in &cats {
                        let v = m.var(name(k, true), multiple, value(k, true));
                        if k != OTHER {
                            m.linear(vec![(parts_x[k], 1), (v, -1)], -4, 4);
                        }
                        parts_y.insert(k.clone(), v);
                    }
                    structure(&mut m, table, *partition, total_y, &parts_y, false);
                    y.insert(key.clone(), (total_y, parts_y));
                }
                x.insert(key, (total_x, parts_x));
            }
        }
    }
    // Between the tables of one population, in each month and practice.
    for month in &months {
        for practice in &practices {
            for vars in [&x, &y] {
                let get = |t: &str| vars.get(&(t.to_owned(), *month, practice.clone()));
                let mut by_population: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
                for table in tables.keys() {
                    if let Some((total, _)) = get(table) {
                        by_population
                            .entry(population(table))
                            .or_default()
                            .push(*total);
                    }
                }
                for totals in by_population.values() {
                    for pair in totals.windows(2) {
                        m.linear(vec![(pair[0], 1), (pair[1], -1)], 0, 0);
                    }
                }
                if let (Some((waits, _)), Some((_, bands))) = (get(WAITS), get(ATTENDED)) {
                    if bands.contains_key("0") {
                        let mut terms = vec![(*waits, 1)];
                        terms.extend(
                            bands
                                .iter()
                                .filter(|(k, _)| *k != "0")
                                .map(|(_, v)| (*v, -1)),
                        );
                        m.linear(terms, 0, 0);
                    }
                }
                if let (Some((by_mode, _)), Some((_, outcomes))) = (get(BY_MODE), get(BY_OUTCOME)) {
                    if let Some(attended) = outcomes.get("Attended") {
                        m.linear(vec![(*by_mode, 1), (*attended, -1)], 0, 0);
                    }
                }
            }
        }
    }
    // What each file says.
    let sum = |vars: &BTreeMap<(String, i32, String), Cellvars>,
               g: &Group,
               s: &Summary,
               part: Option<&str>| {
        let mut terms = Vec::new();
        for month in months_of(g, s) {
            for practice in practices_of(g) {
                if let Some((total, parts)) = vars.get(&(g.table.clone(), month, practice)) {
                    match part {
                        None => terms.push((*total, 1)),
                        Some(k) => terms.extend(parts.get(k).map(|v| (*v, 1))),
                    }
                }
            }
        }
        terms
    };
    let mut findings = Findings::default();
    for s in files {
        for g in &s.groups {
            let true_size: u32 = months_of(g, s)
                .into_iter()
                .flat_map(|month| {
                    practices_of(g)
                        .into_iter()
                        .map(move |p| (g.table.clone(), month, p))
                })
                .map(|k| truth.get(&k).map_or(0, |c| c.total.0))
                .sum();
            if !g.parts.is_empty() && true_size < SMALLEST_GROUP {
                findings.small_breakdowns.push((
                    format!("{}, {}, {} in “{}”", g.table, g.month, g.practice, s.label),
                    true_size,
                ));
            }
            // A category a breakdown leaves out has nobody in it.
            if !g.parts.is_empty() {
                let all = &tables[&g.table].1;
                for k in all.iter().map(String::as_str).chain([OTHER]) {
                    if !g.parts.contains_key(k) {
                        m.linear(sum(&x, g, s, Some(k)), 0, 0);
                    }
                }
            }
            match s.protection {
                Protection::Rounded => {
                    if g.combines.is_empty() {
                        m.linear(
                            sum(&y, g, s, None),
                            g.total.count().into(),
                            g.total.count().into(),
                        );
                    }
                    for (k, c) in &g.parts {
                        let n = i64::from(c.count());
                        m.linear(sum(&y, g, s, Some(k)), n, n);
                    }
                    let size = sum(&x, g, s, None);
                    if !g.parts.is_empty() {
                        m.linear(size, SMALLEST_GROUP.into(), i64::MAX / 4);
                    } else if g.withheld == Some(Withheld::UnderTen)
                        && g.combines.is_empty()
                        && g.total.count() >= SMALLEST_GROUP
                    {
                        m.linear(size, 0, i64::from(SMALLEST_GROUP) - 1);
                    }
                }
                Protection::Suppressed => {
                    let bound = |terms: Vec<(usize, i64)>, c: Cell, m: &mut Model| match c {
                        Cell::Exact(n) => m.linear(terms, n.into(), n.into()),
                        Cell::Under5 => m.linear(terms, 1, 4),
                        Cell::Hidden => {
                            let hidden = m.var(
                                format!("hidden count in {}", g.table),
                                |v| v == 0 || v >= 5,
                                0,
                            );
                            let truth_of: u32 = terms.iter().map(|(v, _)| m.truth[*v]).sum();
                            m.truth[hidden] = truth_of;
                            let mut t = terms;
                            t.push((hidden, -1));
                            m.linear(t, 0, 0);
                        }
                    };
                    bound(sum(&x, g, s, None), g.total, &mut m);
                    for (k, c) in &g.parts {
                        bound(sum(&x, g, s, Some(k)), *c, &mut m);
                    }
                }
            }
        }
        // Smaller practices not given together: fewer than 10 together
        // (when their rounded totals come to 10 or more).
        if s.protection == Protection::Rounded {
            let mut withheld: BTreeMap<(&str, &str), Vec<&Group>> = BTreeMap::new();
            for g in &s.groups {
                if g.withheld == Some(Withheld::UnderTen) {
                    withheld.entry((&g.table, &g.month)).or_default().push(g);
                }
            }
            for ((table, month), groups) in withheld {
                let folded = s
                    .groups
                    .iter()
                    .any(|g| g.table == table && g.month == month && !g.combines.is_empty());
                let rounded: u32 = groups.iter().map(|g| g.total.count()).sum();
                if groups.len() >= 2 && !folded && rounded >= SMALLEST_GROUP {
                    let terms: Vec<(usize, i64)> =
                        groups.iter().flat_map(|g| sum(&x, g, s, None)).collect();
                    m.linear(terms, 0, i64::from(SMALLEST_GROUP) - 1);
                }
            }
        }
        // A group left out of a file: nobody in it.
        let by_month = s.groups.iter().any(|g| g.month.len() == 7);
        let mut rows: Vec<Group> = Vec::new();
        let present: BTreeSet<(&str, &str, &str)> = s
            .groups
            .iter()
            .map(|g| (g.table.as_str(), g.month.as_str(), g.practice.as_str()))
            .collect();
        let labels: BTreeSet<&str> = s
            .groups
            .iter()
            .filter(|g| (g.month.len() == 7) == by_month)
            .map(|g| g.month.as_str())
            .collect();
        for table in s
            .groups
            .iter()
            .map(|g| g.table.as_str())
            .collect::<BTreeSet<_>>()
        {
            for label in &labels {
                for practice in &practices {
                    if !present.contains(&(table, label, practice.as_str())) {
                        rows.push(Group {
                            table: table.to_owned(),
                            month: (*label).to_owned(),
                            practice: practice.clone(),
                            total: Cell::Exact(0),
                            parts: BTreeMap::new(),
                            partition: true,
                            withheld: None,
                            combines: Vec::new(),
                        });
                    }
                }
            }
        }
        for g in rows {
            m.linear(sum(&x, &g, s, None), 0, 0);
        }
        // Time with people only where someone attended.
        for r in s
            .time
            .iter()
            .filter(|r| r.person_minutes.is_some_and(|m| m > 0))
        {
            let g = Group {
                table: BY_MODE.to_owned(),
                month: r.month.clone(),
                practice: r.practice.clone(),
                total: Cell::Exact(0),
                parts: BTreeMap::new(),
                partition: true,
                withheld: None,
                combines: Vec::new(),
            };
            let terms = sum(&x, &g, s, None);
            if !terms.is_empty() {
                m.linear(terms, 1, i64::MAX / 4);
            }
        }
    }
    // Try every small true count.
    let targets: Vec<usize> = x
        .values()
        .flat_map(|(total, parts)| std::iter::once(*total).chain(parts.values().copied()))
        .filter(|v| (1..BASE).contains(&m.truth[*v]))
        .collect();
    m.solve(&targets);
    for v in targets {
        let values = m.doms[v].values();
        if values.len() == 1 {
            findings.recovered.push((m.names[v].clone(), values[0]));
        }
    }
    findings
}

/// The relations inside one table: parts add up to the total (or, for
/// reasons, each part is at most the total, and every referral has one).
fn structure(
    m: &mut Model,
    table: &str,
    partition: bool,
    total: usize,
    parts: &BTreeMap<String, usize>,
    true_counts: bool,
) {
    if partition {
        let mut terms = vec![(total, 1)];
        terms.extend(parts.values().map(|v| (*v, -1)));
        m.linear(terms, 0, 0);
    } else {
        for (k, v) in parts {
            if k != OTHER {
                m.linear(vec![(*v, 1), (total, -1)], i64::MIN / 4, 0);
            }
        }
        if true_counts && table == "Referrals by reason" {
            let mut terms = vec![(total, -1)];
            terms.extend(parts.values().map(|v| (*v, 1)));
            m.linear(terms, 0, i64::MAX / 4);
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use proptest::prelude::*;

    use super::*;
    use crate::model::Workspace;
    use crate::testing::today;
    use crate::views::summary::{base_cells, protect, summarise, SummaryOptions};
    use crate::work::demo::{generate, DemoSpec};

    fn at() -> DateTime<Utc> {
        crate::testing::this_morning()
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    /// A made-up caseload of about `referrals` referrals over the last
    /// `span_days`, at the first `practices` practices only.
    fn caseload(seed: u64, referrals: usize, practices: usize, span_days: u32) -> Workspace {
        let mut ws = generate(
            &DemoSpec {
                seed,
                referrals,
                span_days,
            },
            today(),
        );
        let keep: Vec<_> = ws
            .settings
            .practices
            .iter()
            .take(practices)
            .map(|p| p.id)
            .collect();
        ws.referrals.retain(|_, r| keep.contains(&r.practice));
        ws
    }

    const Q2: (&str, &str) = ("2026-04-01", "2026-06-30");
    const Q3: (&str, &str) = ("2026-07-01", "2026-09-30");

    /// Every file a link worker can make of these quarters: each quarter and
    /// both together, by month and not, with quotes and without.
    fn every_file(ws: &Workspace) -> Vec<Summary> {
        let mut files = Vec::new();
        for (from, to) in [Q2, Q3, (Q2.0, Q3.1)] {
            for by_month in [false, true] {
                let options = SummaryOptions {
                    include_quotes: false,
                    by_month,
                };
                files.push(summarise(ws, "Worker", day(from), day(to), options, at()));
            }
        }
        files
    }

    fn truth(ws: &Workspace) -> BTreeMap<BaseKey, BaseCell> {
        base_cells(ws, day(Q2.0), day(Q3.1), false).0
    }

    /// A version 1 file, made as version 1 was: counts of the period (or
    /// of each month) protected by suppression.
    fn suppressed_file(
        truth: &BTreeMap<BaseKey, BaseCell>,
        from: &str,
        to: &str,
        by_month: bool,
    ) -> Summary {
        let (from, to) = (day(from), day(to));
        let period = format!("{from} to {to}");
        let mut cells: BTreeMap<(String, String, String), BaseCell> = BTreeMap::new();
        for ((table, month, practice), cell) in truth {
            if !(month_index(from)..=month_index(to)).contains(month) || cell.total.0 == 0 {
                continue;
            }
            let label = if by_month {
                let start = crate::views::dashboard::month_start(*month);
                start.format("%Y-%m").to_string()
            } else {
                period.clone()
            };
            let c = cells
                .entry((table.clone(), label, practice.clone()))
                .or_default();
            c.partition = cell.partition;
            c.total.0 += cell.total.0;
            for (k, v) in &cell.parts {
                if v.0 > 0 {
                    c.parts.entry(k.clone()).or_default().0 += v.0;
                }
            }
        }
        let groups = cells
            .into_iter()
            .map(|((table, month, practice), c)| {
                let parts: Vec<(String, u32)> =
                    c.parts.iter().map(|(k, v)| (k.clone(), v.0)).collect();
                let (total, shown) = protect(c.total.0, &parts, c.partition);
                Group {
                    table,
                    month,
                    practice,
                    total,
                    parts: parts.into_iter().map(|(k, _)| k).zip(shown).collect(),
                    partition: c.partition,
                    withheld: None,
                    combines: Vec::new(),
                }
            })
            .collect();
        Summary {
            label: "Worker".into(),
            from,
            to,
            generated: at(),
            protection: Protection::Suppressed,
            groups,
            outcomes: Vec::new(),
            waits: Vec::new(),
            time: Vec::new(),
            checkins: Vec::new(),
            quotes: Vec::new(),
        }
    }

    #[test]
    fn the_attacker_works_counts_out_of_suppressed_files() {
        // Three practices, three months: the caseload the review attacked.
        let ws = caseload(11, 180, 3, 240);
        let truth = truth(&ws);
        let files = vec![
            suppressed_file(&truth, Q3.0, Q3.1, true),
            suppressed_file(&truth, Q3.0, Q3.1, false),
        ];
        let found = attack(&files, &truth);
        assert!(
            found.recovered.len() >= 20,
            "hidden counts worked out: {:?}",
            found.recovered
        );
        assert!(
            found.small_breakdowns.len() >= 20,
            "single-person and small-group profiles: {:?}",
            found.small_breakdowns
        );
    }

    #[test]
    fn suppression_gives_away_the_parts_of_a_total_by_subtraction() {
        // The review's cases in one table: 12 over three "<5" forces each
        // to be 4; 6 over six "<5" forces each to be 1.
        let mut truth = BTreeMap::new();
        let cell = |parts: &[u32]| BaseCell {
            total: (parts.iter().sum(), 0),
            parts: parts
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("p{i}"), (*n, 0)))
                .collect(),
            partition: true,
        };
        let july = month_index(day("2026-07-01"));
        truth.insert(
            ("Referrals by who referred".to_owned(), july, "A".to_owned()),
            cell(&[4, 4, 4]),
        );
        truth.insert(
            ("Referrals by who referred".to_owned(), july, "B".to_owned()),
            cell(&[1; 6]),
        );
        let files = [suppressed_file(&truth, "2026-07-01", "2026-07-31", true)];
        let found = attack(&files, &truth);
        let worked: Vec<u32> = found.recovered.iter().map(|(_, n)| *n).collect();
        assert_eq!(worked.iter().filter(|n| **n == 4).count(), 3, "{found:?}");
        assert_eq!(worked.iter().filter(|n| **n == 1).count(), 6, "{found:?}");
    }

    #[test]
    fn suppression_gives_counts_away_across_files_of_one_period() {
        // By month and for the whole quarter: the months' hidden counts
        // come out of the quarter's shown ones.
        let ws = caseload(5, 60, 2, 240);
        let truth = truth(&ws);
        let monthly = [suppressed_file(&truth, Q3.0, Q3.1, true)];
        let alone = attack(&monthly, &truth).recovered.len();
        let both = [
            suppressed_file(&truth, Q3.0, Q3.1, true),
            suppressed_file(&truth, Q3.0, Q3.1, false),
        ];
        let together = attack(&both, &truth).recovered.len();
        assert!(
            together > alone,
            "{together} with both files, {alone} with one"
        );
    }

    #[test]
    fn rounded_files_give_nothing_away_on_the_reviewed_caseload() {
        let ws = caseload(11, 180, 3, 240);
        let files = every_file(&ws);
        for f in &files {
            assert_eq!(f.check(), Ok(()));
        }
        let found = attack(&files, &truth(&ws));
        assert!(found.recovered.is_empty(), "{:?}", found.recovered);
        assert!(
            found.small_breakdowns.is_empty(),
            "{:?}",
            found.small_breakdowns
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Whatever the caseload, every file a link worker can make of it
        /// together gives no count from 1 to 4 away exactly, and breaks
        /// down no group of fewer than 10.
        #[test]
        fn no_set_of_rounded_files_gives_a_small_count_away(
            seed in 0u64..1_000_000,
            referrals in 10usize..160,
            practices in 1usize..4,
        ) {
            let ws = caseload(seed, referrals, practices, 240);
            let files = every_file(&ws);
            let found = attack(&files, &truth(&ws));
            prop_assert!(found.recovered.is_empty(), "{:?}", found.recovered);
            prop_assert!(found.small_breakdowns.is_empty(), "{:?}", found.small_breakdowns);
        }
    }
}
