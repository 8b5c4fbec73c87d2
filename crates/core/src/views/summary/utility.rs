//! How much a summary keeps: its figures against the truth and against the
//! older suppression, for the README's utility tables and the benchmarks.

use chrono::NaiveDate;
use std::collections::BTreeSet;

use crate::model::Workspace;

use super::*;

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
