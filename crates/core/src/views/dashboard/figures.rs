//! The figures the dashboard shows, as plain data: tiles, counts, shares,
//! spreads, breakdowns by group, and the bands they are counted in.

use chrono::NaiveDate;

use crate::model::{AgeBand, Choice, EthnicGroup, Sex};

use super::*;

/// A count out of a total, such as "seen three or more times".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Share {
    pub count: u32,
    pub of: u32,
}

impl Share {
    /// The share as a percentage, if there is anything to share.
    pub fn percent(self) -> Option<f64> {
        (self.of > 0).then(|| f64::from(self.count) * 100.0 / f64::from(self.of))
    }

    /// Whether the total is too small to rely on.
    pub fn unreliable(self) -> bool {
        self.of < UNRELIABLE_BELOW
    }

    pub(super) fn add(&mut self, hit: bool) {
        self.of += 1;
        self.count += u32::from(hit);
    }
}

/// The figures at the top of the dashboard.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tiles {
    /// Open referrals today.
    pub open: u32,
    /// Referrals received since the first of this month.
    pub new_this_month: u32,
    pub seen_three_plus: Share,
    /// Meaningful improvement in the SWEMWBS metric score, baseline → latest.
    pub improved_wellbeing: Share,
    /// Did-not-attend contacts out of attended plus did-not-attend.
    pub did_not_attend: Share,
    /// Booked appointments in the range missed, out of those attended or missed.
    pub booked_dna: Share,
    /// Tasks of open referrals past their due date, today.
    pub tasks_overdue: u32,
    /// Minutes of attended contacts in the range: time with people.
    pub minutes_with: u32,
    /// Minutes of work on people's behalf in the range (case notes of that kind).
    pub minutes_on_behalf: u32,
}

/// One week or month of the caseload over time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodCounts {
    pub label: String,
    pub start: NaiveDate,
    /// Open at the end of the period (or at the end of the range).
    pub open: u32,
    pub new: u32,
    /// Episodes ended (closed, declined, needs beyond) in the period.
    pub closed: u32,
}

/// Counts by category, each split into named series (a stacked chart).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stacked {
    pub categories: Vec<String>,
    /// Series name and one count per category.
    pub series: Vec<(String, Vec<u32>)>,
}

impl Stacked {
    /// The total of each category.
    pub fn totals(&self) -> Vec<u32> {
        (0..self.categories.len())
            .map(|i| self.series.iter().map(|(_, v)| v[i]).sum())
            .collect()
    }
}

/// A labelled count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    pub label: String,
    pub count: u32,
}

pub(super) fn counts(pairs: impl IntoIterator<Item = (String, u32)>) -> Vec<Count> {
    pairs
        .into_iter()
        .map(|(label, count)| Count { label, count })
        .collect()
}

/// Referrals from one practice, also per 1,000 registered patients.
#[derive(Clone, Debug, PartialEq)]
pub struct PracticeRate {
    pub name: String,
    pub referrals: u32,
    pub list_size: Option<u32>,
    pub per_thousand: Option<f64>,
}

/// Someone waiting now for a first contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub referral: crate::model::ReferralId,
    /// The pseudonymous reference (shown in the app, never exported).
    pub reference: String,
    pub practice: String,
    pub days: i64,
}

/// The middle of a spread of numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    pub n: u32,
    pub mean: f64,
    /// Sample standard deviation (0 for fewer than two values).
    pub sd: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

/// The value at `p` (0 to 1) of sorted values, interpolating between ranks
/// (the method spreadsheets call PERCENTILE.INC).
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = p * last as f64;
    let low = rank.floor() as usize;
    let high = rank.ceil() as usize;
    Some(sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64))
}

impl Spread {
    /// The spread of some values; `None` when there are none.
    pub fn of(mut values: Vec<f64>) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        values.sort_unstable_by(f64::total_cmp);
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = if values.len() > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        Some(Spread {
            n: values.len() as u32,
            mean,
            sd,
            q1: quantile(&values, 0.25)?,
            median: quantile(&values, 0.5)?,
            q3: quantile(&values, 0.75)?,
        })
    }
}

/// Paired change from baseline to latest of one item or score.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeChange {
    pub instrument: String,
    pub label: String,
    /// Whether a higher value is better (so the chart can say which way is up).
    pub higher_is_better: bool,
    pub spread: Option<Spread>,
    pub improved: u32,
    pub same: u32,
    pub worse: u32,
}

/// How often an instrument was answered, declined or not appropriate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub instrument: String,
    pub answered: u32,
    pub declined: u32,
    pub not_appropriate: u32,
}

/// A way of breaking the figures down by who people are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dimension {
    AgeBand,
    Sex,
    EthnicGroup,
    Deprivation,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::AgeBand,
        Dimension::Sex,
        Dimension::EthnicGroup,
        Dimension::Deprivation,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Dimension::AgeBand => "Age band",
            Dimension::Sex => "Sex",
            Dimension::EthnicGroup => "Ethnic group",
            Dimension::Deprivation => "Deprivation (IMD quintile)",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Dimension::AgeBand => "age",
            Dimension::Sex => "sex",
            Dimension::EthnicGroup => "ethnicity",
            Dimension::Deprivation => "imd",
        }
    }

    /// The group names, in order; the last is "Not recorded".
    pub fn groups(self) -> Vec<String> {
        let mut out: Vec<String> = match self {
            Dimension::AgeBand => AgeBand::ALL.iter().map(|c| c.label().into()).collect(),
            Dimension::Sex => Sex::ALL.iter().map(|c| c.label().into()).collect(),
            Dimension::EthnicGroup => EthnicGroup::ALL.iter().map(|c| c.label().into()).collect(),
            Dimension::Deprivation => (1..=5)
                .map(|q| match q {
                    1 => "1 (most deprived)".to_string(),
                    5 => "5 (least deprived)".to_string(),
                    q => q.to_string(),
                })
                .collect(),
        };
        out.push("Not recorded".into());
        out
    }

    /// The index of a person's group in [`Dimension::groups`].
    pub fn group_index(self, person: Option<&crate::model::Person>) -> usize {
        let position = |all_len: usize, i: Option<usize>| i.unwrap_or(all_len);
        match self {
            Dimension::AgeBand => position(
                AgeBand::ALL.len(),
                person
                    .and_then(|p| p.age_band)
                    .and_then(|v| AgeBand::ALL.iter().position(|c| *c == v)),
            ),
            Dimension::Sex => position(
                Sex::ALL.len(),
                person
                    .and_then(|p| p.sex)
                    .and_then(|v| Sex::ALL.iter().position(|c| *c == v)),
            ),
            Dimension::EthnicGroup => position(
                EthnicGroup::ALL.len(),
                person
                    .and_then(|p| p.ethnic_group)
                    .and_then(|v| EthnicGroup::ALL.iter().position(|c| *c == v)),
            ),
            Dimension::Deprivation => position(
                5,
                person
                    .and_then(|p| p.deprivation_quintile)
                    .filter(|q| (1..=5).contains(q))
                    .map(|q| usize::from(q) - 1),
            ),
        }
    }
}

/// One group of a breakdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    pub label: String,
    pub referrals: u32,
    pub seen_three_plus: Share,
    pub improved_wellbeing: Share,
}

impl GroupRow {
    /// Whether the group is too small for its shares to be relied on.
    pub fn unreliable(&self) -> bool {
        self.referrals < UNRELIABLE_BELOW
    }
}

/// Figures by one dimension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breakdown {
    pub dimension: Dimension,
    pub groups: Vec<GroupRow>,
}

/// A quote the person agreed to share, with the month it was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    pub date: NaiveDate,
    pub text: String,
}

/// Everything the dashboard shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    pub tiles: Tiles,
    pub caseload: Vec<PeriodCounts>,
    /// Referrals received per month, by referrer role.
    pub by_month_role: Stacked,
    pub by_reason: Vec<Count>,
    pub by_practice: Vec<PracticeRate>,
    /// Days from referral to first contact, in bands, with their spread.
    pub first_contact: Vec<Count>,
    pub first_contact_spread: Option<Spread>,
    /// People waiting now for a first contact, by how long.
    pub waiting_now: Vec<Count>,
    pub longest_waits: Vec<Waiting>,
    /// Referrals by how many attended contacts they had.
    pub attended: Vec<Count>,
    /// Attended contacts by mode.
    pub modes: Vec<Count>,
    /// Per month: did not attend, attended.
    pub dna_by_month: Vec<(String, Share)>,
    /// Booked appointments per month, by what became of them.
    pub appointments: Stacked,
    /// Connections made in the range, by category and where they got to.
    pub connections: Stacked,
    pub taken_up: Share,
    pub outcomes: Vec<OutcomeChange>,
    pub recorded: Vec<Recorded>,
    pub endings: Vec<Count>,
    pub breakdowns: Vec<Breakdown>,
    /// Satisfaction from 1 (very unhappy) to 5 (very happy).
    pub satisfaction: [u32; 5],
    pub would_recommend: Share,
    pub quotes: Vec<Quote>,
}

/// The bands of days used for waits.
pub const WAIT_BANDS: [(i64, &str); 5] = [
    (7, "Up to 7 days"),
    (14, "8 to 14 days"),
    (28, "15 to 28 days"),
    (56, "29 to 56 days"),
    (i64::MAX, "Over 56 days"),
];

pub(super) fn wait_band(days: i64) -> usize {
    WAIT_BANDS
        .iter()
        .position(|(max, _)| days <= *max)
        .unwrap_or(WAIT_BANDS.len() - 1)
}

/// Labels of the attended-contacts bands.
pub const ATTENDED_BANDS: [&str; 7] = ["0", "1", "2", "3", "4", "5", "6 or more"];

pub(super) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub(super) fn month_label(index: i32) -> String {
    format!(
        "{} {}",
        MONTHS[index.rem_euclid(12) as usize],
        index.div_euclid(12)
    )
}
