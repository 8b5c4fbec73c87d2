//! Every figure on the dashboard, computed in one pass over the workspace.
//!
//! Two kinds of date are used, and the dashboard says which:
//! - figures about **referrals** (waiting, engagement, outcomes, breakdowns)
//!   take the referrals *received* in the chosen range (a cohort);
//! - figures about **events** (contacts, connections made, episodes ended,
//!   feedback) take the events that *happened* in the range.
//!
//! "Open caseload" and "waiting now" are about today, whatever the range.

use rustc_hash::FxHashMap;

pub(crate) use crate::model::calendar::{month_index, month_start};

use chrono::{Datelike, Duration, NaiveDate};

use crate::model::lists::ListKind;
use crate::model::{
    AgeBand, Choice, ContactOutcome, EthnicGroup, Person, PersonId, PracticeId, Referral,
    ReferralId, ReferralStatus, Sex, Workspace,
};
use crate::work::directory::ConnectionStatus;
use crate::work::measures::headline_changes;

/// Groups smaller than this are shown greyed and labelled as unreliable.
pub const UNRELIABLE_BELOW: u32 = 10;
/// How many reasons the reasons chart names before "Other reasons".
pub const TOP_REASONS: usize = 10;
/// How many referrer roles the monthly chart names before "Others".
pub const TOP_ROLES: usize = 5;
/// How many shareable quotes the dashboard shows.
pub const RECENT_QUOTES: usize = 5;
/// How many of the longest waits are listed.
pub const LONGEST_WAITS: usize = 10;

/// Whether the caseload-over-time chart counts by week or by month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Granularity {
    Week,
    #[default]
    Month,
}

/// What the dashboard shows: a date range and optional filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DashboardFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub practice: Option<PracticeId>,
    /// Id of an item in the referrer roles list.
    pub referrer_role: Option<String>,
    /// Id of an item in the reasons list.
    pub reason: Option<String>,
    pub granularity: Granularity,
}

/// The longest date range the dashboard computes, in months (ten years).
pub const LONGEST_RANGE_MONTHS: i32 = 120;

/// Why a date range cannot be shown.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("Enter a date from 1 January 2000 onwards: no referral is older.")]
    TooEarly,
    #[error("Enter a date no later than {0}.")]
    TooLate(String),
    #[error("The start of the range must be on or before its end.")]
    Backwards,
    #[error("Choose a range of ten years or less.")]
    TooLong,
}

/// Checks a date range before anything is computed for it: from 2000 (no
/// referral is older) to the end of next year, start before end, and ten
/// years at most, so the work a range takes is bounded however its dates
/// are typed (a half-typed year such as 0002 is refused, not computed).
pub fn check_range(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Result<(), RangeError> {
    let latest = NaiveDate::from_ymd_opt(today.year() + 1, 12, 31).unwrap_or(today);
    if from < crate::work::referral::EARLIEST_REFERRAL
        || to < crate::work::referral::EARLIEST_REFERRAL
    {
        return Err(RangeError::TooEarly);
    }
    if from > latest || to > latest {
        return Err(RangeError::TooLate(latest.format("%-d %B %Y").to_string()));
    }
    if from > to {
        return Err(RangeError::Backwards);
    }
    if month_index(to) - month_index(from) >= LONGEST_RANGE_MONTHS {
        return Err(RangeError::TooLong);
    }
    Ok(())
}

/// The first day of the month `months` months before `day`'s month.
fn month_start_before(day: NaiveDate, months: i32) -> NaiveDate {
    month_start(month_index(day) - months)
}

impl DashboardFilter {
    /// The last twelve months (this month and the eleven before it), no filters.
    pub fn last_year(today: NaiveDate) -> Self {
        Self {
            from: month_start_before(today, 11),
            to: today,
            practice: None,
            referrer_role: None,
            reason: None,
            granularity: Granularity::Month,
        }
    }

    /// The filter as an address query (`from=…&to=…`), leaving out what is
    /// the default. It holds dates and list ids only: nothing personal.
    pub fn to_query(&self, today: NaiveDate) -> String {
        let default = Self::last_year(today);
        let mut parts = Vec::new();
        if self.from != default.from {
            parts.push(format!("from={}", self.from));
        }
        if self.to != default.to {
            parts.push(format!("to={}", self.to));
        }
        if let Some(p) = self.practice {
            parts.push(format!("practice={p}"));
        }
        if let Some(r) = &self.referrer_role {
            parts.push(format!("role={}", encode(r)));
        }
        if let Some(r) = &self.reason {
            parts.push(format!("reason={}", encode(r)));
        }
        if self.granularity == Granularity::Week {
            parts.push("by=week".into());
        }
        parts.join("&")
    }

    /// Reads a filter from an address query. Anything unreadable is left at
    /// its default, and a range given backwards is put the right way round.
    pub fn from_query(query: &str, today: NaiveDate) -> Self {
        let mut f = Self::last_year(today);
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match key {
                "from" => f.from = value.parse().unwrap_or(f.from),
                "to" => f.to = value.parse().unwrap_or(f.to),
                "practice" => f.practice = value.parse().ok(),
                "role" if !value.is_empty() => f.referrer_role = Some(value),
                "reason" if !value.is_empty() => f.reason = Some(value),
                "by" if value == "week" => f.granularity = Granularity::Week,
                _ => {}
            }
        }
        if f.from > f.to {
            std::mem::swap(&mut f.from, &mut f.to);
        }
        // A range that cannot be shown (year 2, or a century long) is not
        // computed: the default range stands instead.
        if check_range(f.from, f.to, today).is_err() {
            let default = Self::last_year(today);
            f.from = default.from;
            f.to = default.to;
        }
        f
    }

    /// Whether a referral's practice, referrer and reasons match.
    pub fn matches(&self, r: &Referral) -> bool {
        self.practice.is_none_or(|p| r.practice == p)
            && self
                .referrer_role
                .as_deref()
                .is_none_or(|role| r.referrer_role == role)
            && self
                .reason
                .as_deref()
                .is_none_or(|reason| r.reasons.iter().any(|x| x == reason))
    }

    /// Whether a day falls in the range.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

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

    fn add(&mut self, hit: bool) {
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

fn counts(pairs: impl IntoIterator<Item = (String, u32)>) -> Vec<Count> {
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

fn wait_band(days: i64) -> usize {
    WAIT_BANDS
        .iter()
        .position(|(max, _)| days <= *max)
        .unwrap_or(WAIT_BANDS.len() - 1)
}

/// Labels of the attended-contacts bands.
pub const ATTENDED_BANDS: [&str; 7] = ["0", "1", "2", "3", "4", "5", "6 or more"];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_label(index: i32) -> String {
    format!(
        "{} {}",
        MONTHS[index.rem_euclid(12) as usize],
        index.div_euclid(12)
    )
}

/// The weeks (from Monday) or months that cover the range, with the day each
/// one's count is taken (its last day, or the end of the range).
fn periods(filter: &DashboardFilter) -> Vec<(NaiveDate, NaiveDate, String)> {
    let mut out = Vec::new();
    match filter.granularity {
        Granularity::Month => {
            for index in month_index(filter.from)..=month_index(filter.to) {
                let start = month_start(index).max(filter.from);
                let end = (month_start(index + 1) - Duration::days(1)).min(filter.to);
                out.push((start, end, month_label(index)));
            }
        }
        Granularity::Week => {
            let mut start = filter.from
                - Duration::days(i64::from(filter.from.weekday().num_days_from_monday()));
            while start <= filter.to {
                let end = (start + Duration::days(6)).min(filter.to);
                out.push((
                    start.max(filter.from),
                    end,
                    format!("w/c {} {}", start.day(), MONTHS[start.month0() as usize]),
                ));
                start += Duration::days(7);
            }
        }
    }
    out
}

/// Calls `spell` with each time a referral was open: `[start, end)`, `end`
/// `None` if it still is.
fn open_spells(r: &Referral, mut spell: impl FnMut(NaiveDate, Option<NaiveDate>)) {
    let mut since: Option<NaiveDate> = None;
    let only = [crate::model::StatusChange {
        status: r.status,
        date: r.referral_date,
    }];
    let history = if r.history.is_empty() {
        &only[..]
    } else {
        &r.history[..]
    };
    for &crate::model::StatusChange { status, date } in history {
        match (status.is_open(), since) {
            (true, None) => since = Some(date),
            (false, Some(s)) => {
                spell(s, Some(date));
                since = None;
            }
            _ => {}
        }
    }
    if let Some(s) = since {
        spell(s, None);
    }
}

/// Interns list ids as small numbers while an index is built.
#[derive(Default)]
struct Names<'a> {
    ids: FxHashMap<&'a str, u16>,
    names: Vec<&'a str>,
}

impl<'a> Names<'a> {
    fn of(&mut self, id: &'a str) -> u16 {
        if let Some(n) = self.ids.get(id) {
            return *n;
        }
        let n = u16::try_from(self.names.len()).unwrap_or(u16::MAX);
        self.names.push(id);
        self.ids.insert(id, n);
        n
    }

    fn owned(self) -> Vec<String> {
        self.names.into_iter().map(str::to_owned).collect()
    }
}

/// Where a referral's facts are in the index's flat lists.
type Span = std::ops::Range<u32>;

fn span_of<T>(list: &[T], start: usize) -> Span {
    start as u32..list.len() as u32
}

fn slice<'a, T>(list: &'a [T], span: &Span) -> &'a [T] {
    &list[span.start as usize..span.end as usize]
}

#[derive(Clone, Copy, Debug)]
struct ContactFact {
    date: NaiveDate,
    mode: u16,
    outcome: ContactOutcome,
}

#[derive(Clone, Copy, Debug)]
struct ConnectionFact {
    made: NaiveDate,
    category: u16,
    status: ConnectionStatus,
}

/// A paired change of one outcome row (ONS4 items, then the SWEMWBS score).
#[derive(Clone, Copy, Debug)]
struct ChangeFact {
    row: u16,
    change: f64,
    meaningful: Option<bool>,
}

#[derive(Clone, Debug)]
struct FeedbackFact {
    date: NaiveDate,
    satisfaction: Option<u8>,
    recommend: Option<bool>,
    /// Only a quote the person agreed to share.
    quote: Option<String>,
}

/// What the dashboard needs of one referral.
#[derive(Clone, Debug)]
struct ReferralFact {
    id: ReferralId,
    person: PersonId,
    practice: PracticeId,
    referral_date: NaiveDate,
    status: ReferralStatus,
    role: u16,
    /// When the episode ended, and how (in [`DashboardIndex::ending_labels`]).
    ending: Option<(NaiveDate, u16)>,
    first_seen: Option<NaiveDate>,
    attended: u32,
    /// The person's group in each [`Dimension`].
    groups: [u8; 4],
    /// Whether the SWEMWBS score improved meaningfully, if measured twice.
    improved: Option<bool>,
    feedback: Option<FeedbackFact>,
    reasons: Span,
    contacts: Span,
    spells: Span,
    connections: Span,
    changes: Span,
    recorded: Span,
}

/// Every referral reduced to the numbers the dashboard counts, with list ids
/// as small numbers. Built once when the workspace changes (about as long as
/// computing the figures directly); after that a change of filter only scans
/// these flat lists, with no strings and no lookups.
#[derive(Clone, Debug)]
pub struct DashboardIndex {
    referrals: Vec<ReferralFact>,
    reasons: Vec<u16>,
    contacts: Vec<ContactFact>,
    spells: Vec<(NaiveDate, Option<NaiveDate>)>,
    connections: Vec<ConnectionFact>,
    changes: Vec<ChangeFact>,
    /// Instrument and 0 answered, 1 declined, 2 not appropriate.
    recorded: Vec<(u16, u8)>,
    role_ids: Vec<String>,
    reason_ids: Vec<String>,
    mode_ids: Vec<String>,
    category_ids: Vec<String>,
    /// How episodes ended, in words (closure reasons, declined, needs beyond).
    ending_labels: Vec<String>,
    instrument_ids: Vec<String>,
    /// Per outcome row: instrument name, row label, whether higher is better.
    outcome_rows: Vec<(String, String, bool)>,
}

impl DashboardIndex {
    /// Reduces the workspace to what the dashboard counts.
    pub fn new(ws: &Workspace) -> Self {
        let instruments = ws.instruments();
        let find = |id: &str| instruments.iter().find(|i| i.id == id);
        let ons4 = find("ons4");
        let swemwbs = find("swemwbs");
        let ons4_rows = ons4.map_or(0, |i| i.items.len());
        let mut outcome_rows: Vec<(String, String, bool)> = ons4
            .map(|inst| {
                (0..inst.items.len())
                    .map(|i| {
                        (
                            inst.name.clone(),
                            inst.short_label(i),
                            inst.items[i].higher_is_better,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if let Some(inst) = swemwbs {
            outcome_rows.push((inst.name.clone(), "SWEMWBS score".into(), true));
        }
        let measured = [
            (ons4, ons4.map_or(1.0, |i| ws.threshold(i)), 0),
            (swemwbs, swemwbs.map_or(3.0, |i| ws.threshold(i)), ons4_rows),
        ];

        let mut people: FxHashMap<PersonId, [u8; 4]> =
            FxHashMap::with_capacity_and_hasher(ws.people.len(), Default::default());
        let groups_of = |p: Option<&Person>| {
            Dimension::ALL.map(|d| u8::try_from(d.group_index(p)).unwrap_or(0))
        };
        people.extend(ws.people.iter().map(|(id, p)| (*id, groups_of(Some(p)))));
        let unknown = groups_of(None);

        let (mut roles, mut reason_ids, mut modes) =
            (Names::default(), Names::default(), Names::default());
        let (mut categories, mut endings, mut measures) =
            (Names::default(), Names::default(), Names::default());
        let n = ws.referrals.len();
        let mut index = Self {
            referrals: Vec::with_capacity(n),
            reasons: Vec::with_capacity(n * 2),
            contacts: Vec::with_capacity(n * 5),
            spells: Vec::with_capacity(n + n / 8),
            connections: Vec::new(),
            changes: Vec::new(),
            recorded: Vec::new(),
            role_ids: Vec::new(),
            reason_ids: Vec::new(),
            mode_ids: Vec::new(),
            category_ids: Vec::new(),
            ending_labels: Vec::new(),
            instrument_ids: Vec::new(),
            outcome_rows,
        };
        for r in ws.referrals.values() {
            let start = (
                index.reasons.len(),
                index.contacts.len(),
                index.spells.len(),
                index.connections.len(),
                index.changes.len(),
                index.recorded.len(),
            );
            index
                .reasons
                .extend(r.reasons.iter().map(|x| reason_ids.of(x)));
            index
                .contacts
                .extend(r.contacts.iter().map(|c| ContactFact {
                    date: c.date,
                    mode: modes.of(&c.mode),
                    outcome: c.outcome,
                }));
            open_spells(r, |from, to| index.spells.push((from, to)));
            index
                .connections
                .extend(r.connections.iter().map(|c| ConnectionFact {
                    made: c.history.first().map_or(r.referral_date, |h| h.date),
                    category: categories.of(&c.category),
                    status: c.status,
                }));
            let mut improved = None;
            for (inst, threshold, first_row) in measured {
                let Some(inst) = inst else { continue };
                headline_changes(r, inst, threshold, |item, change, meaningful| {
                    if item.is_none() {
                        improved = Some(meaningful == Some(true));
                    }
                    index.changes.push(ChangeFact {
                        row: u16::try_from(first_row + item.unwrap_or(0)).unwrap_or(u16::MAX),
                        change,
                        meaningful,
                    });
                });
            }
            index.recorded.extend(
                r.measures
                    .iter()
                    .map(|m| (measures.of(&m.instrument), m.result.recorded_as() as u8)),
            );
            index.referrals.push(ReferralFact {
                id: r.id,
                person: r.person,
                practice: r.practice,
                referral_date: r.referral_date,
                status: r.status,
                role: roles.of(&r.referrer_role),
                ending: r
                    .ending(&ws.settings.lists)
                    .map(|(date, how)| (date, endings.of(how))),
                first_seen: r.first_seen(),
                attended: r.attended_count() as u32,
                groups: people.get(&r.person).copied().unwrap_or(unknown),
                improved,
                feedback: r.feedback.as_ref().zip(r.feedback_date()).map(|(f, date)| {
                    FeedbackFact {
                        date,
                        satisfaction: f.satisfaction.filter(|s| (1..=5).contains(s)),
                        recommend: f.would_recommend,
                        quote: f.shareable_quote().map(str::to_owned),
                    }
                }),
                reasons: span_of(&index.reasons, start.0),
                contacts: span_of(&index.contacts, start.1),
                spells: span_of(&index.spells, start.2),
                connections: span_of(&index.connections, start.3),
                changes: span_of(&index.changes, start.4),
                recorded: span_of(&index.recorded, start.5),
            });
        }
        index.role_ids = roles.owned();
        index.reason_ids = reason_ids.owned();
        index.mode_ids = modes.owned();
        index.category_ids = categories.owned();
        index.ending_labels = endings.owned();
        index.instrument_ids = measures.owned();
        index
    }

    /// Every figure for the filter. `ws` must be the workspace the index was
    /// built from (for names and labels); `today` decides "open now", "this
    /// month" and "waiting now".
    pub fn figures(&self, ws: &Workspace, filter: &DashboardFilter, today: NaiveDate) -> Dashboard {
        let lists = &ws.settings.lists;
        // The filter's list ids as the index's numbers (none matches an id never used).
        let number = |ids: &[String], id: &Option<String>| {
            id.as_ref().map(|id| {
                ids.iter()
                    .position(|x| x == id)
                    .map_or(u16::MAX, |n| n as u16)
            })
        };
        let want_role = number(&self.role_ids, &filter.referrer_role);
        let want_reason = number(&self.reason_ids, &filter.reason);
        let matches = |f: &ReferralFact| {
            filter.practice.is_none_or(|p| f.practice == p)
                && want_role.is_none_or(|role| f.role == role)
                && want_reason
                    .is_none_or(|reason| slice(&self.reasons, &f.reasons).contains(&reason))
        };

        let periods = periods(filter);
        let period_ends: Vec<NaiveDate> = periods.iter().map(|p| p.1).collect();
        let period_of = |day: NaiveDate| {
            let i = period_ends.partition_point(|end| *end < day);
            (i < periods.len() && periods[i].0 <= day).then_some(i)
        };
        let mut open_diff = vec![0i64; periods.len() + 1];
        let mut new = vec![0u32; periods.len()];
        let mut closed = vec![0u32; periods.len()];

        let first_month = month_index(filter.from);
        let months = (month_index(filter.to) - first_month + 1).max(0) as usize;
        let month_of = |day: NaiveDate| {
            let i = month_index(day) - first_month;
            (0..months as i32).contains(&i).then_some(i as usize)
        };
        let mut role_months = vec![vec![0u32; months]; self.role_ids.len()];
        let mut reasons = vec![0u32; self.reason_ids.len()];
        let mut practices: FxHashMap<PracticeId, u32> = FxHashMap::default();
        let mut first_days: Vec<f64> = Vec::new();
        let mut first_bands = [0u32; WAIT_BANDS.len()];
        let mut waiting_bands = [0u32; WAIT_BANDS.len()];
        let mut waits: Vec<(i64, &ReferralFact)> = Vec::new();
        let mut attended_bands = [0u32; ATTENDED_BANDS.len()];
        let mut modes = vec![0u32; self.mode_ids.len()];
        let mut dna = vec![Share::default(); months];
        let statuses = ConnectionStatus::ALL.len();
        let mut connections = vec![0u32; self.category_ids.len() * statuses];
        let mut taken_up = Share::default();
        let mut changes: Vec<(Vec<f64>, [u32; 3])> =
            vec![(Vec::new(), [0; 3]); self.outcome_rows.len()];
        let mut recorded = vec![[0u32; 3]; self.instrument_ids.len()];
        let mut endings = vec![0u32; self.ending_labels.len()];
        let mut groups: Vec<Vec<GroupRow>> = Dimension::ALL
            .iter()
            .map(|d| {
                d.groups()
                    .into_iter()
                    .map(|label| GroupRow {
                        label,
                        referrals: 0,
                        seen_three_plus: Share::default(),
                        improved_wellbeing: Share::default(),
                    })
                    .collect()
            })
            .collect();
        let mut satisfaction = [0u32; 5];
        let mut would_recommend = Share::default();
        let mut quotes: Vec<Quote> = Vec::new();
        let mut tiles = Tiles::default();
        let month_start = month_start_before(today, 0);

        for r in self.referrals.iter().filter(|f| matches(f)) {
            // About today.
            if r.status.is_open() {
                tiles.open += 1;
            }
            if r.referral_date >= month_start && r.referral_date <= today {
                tiles.new_this_month += 1;
            }
            if r.status.is_waiting() {
                let days = (today - r.referral_date).num_days().max(0);
                waiting_bands[wait_band(days)] += 1;
                waits.push((days, r));
            }

            // Caseload over time.
            for (start, end) in slice(&self.spells, &r.spells) {
                let from = period_ends.partition_point(|e| e < start);
                let to = end.map_or(periods.len(), |end| {
                    period_ends.partition_point(|e| *e < end)
                });
                if from < to {
                    open_diff[from] += 1;
                    open_diff[to] -= 1;
                }
                if let Some(i) = end.and_then(period_of) {
                    closed[i] += 1;
                }
            }
            if let Some(i) = period_of(r.referral_date) {
                new[i] += 1;
            }

            // Events in the range.
            for c in slice(&self.contacts, &r.contacts) {
                let Some(m) = month_of(c.date).filter(|_| filter.contains(c.date)) else {
                    continue;
                };
                match c.outcome {
                    ContactOutcome::Attended => {
                        modes[usize::from(c.mode)] += 1;
                        dna[m].add(false);
                    }
                    ContactOutcome::DidNotAttend => dna[m].add(true),
                    _ => {}
                }
            }
            for c in slice(&self.connections, &r.connections) {
                if filter.contains(c.made) {
                    let status = ConnectionStatus::ALL
                        .iter()
                        .position(|s| *s == c.status)
                        .unwrap_or(0);
                    connections[usize::from(c.category) * statuses + status] += 1;
                    taken_up.add(c.status.taken_up());
                }
            }
            if let Some((_, how)) = r.ending.filter(|(date, _)| filter.contains(*date)) {
                endings[usize::from(how)] += 1;
            }
            if let Some(f) = r.feedback.as_ref().filter(|f| filter.contains(f.date)) {
                if let Some(s) = f.satisfaction {
                    satisfaction[usize::from(s) - 1] += 1;
                }
                if let Some(yes) = f.recommend {
                    would_recommend.add(yes);
                }
                if let Some(quote) = &f.quote {
                    quotes.push(Quote {
                        date: f.date,
                        text: quote.clone(),
                    });
                }
            }

            // The cohort: referrals received in the range.
            if !filter.contains(r.referral_date) {
                continue;
            }
            if let Some(m) = month_of(r.referral_date) {
                role_months[usize::from(r.role)][m] += 1;
            }
            for reason in slice(&self.reasons, &r.reasons) {
                reasons[usize::from(*reason)] += 1;
            }
            *practices.entry(r.practice).or_default() += 1;
            if let Some(seen) = r.first_seen {
                let days = (seen - r.referral_date).num_days().max(0);
                first_days.push(days as f64);
                first_bands[wait_band(days)] += 1;
            }
            let attended = r.attended as usize;
            attended_bands[attended.min(ATTENDED_BANDS.len() - 1)] += 1;
            tiles.seen_three_plus.add(attended >= 3);
            for c in slice(&self.changes, &r.changes) {
                if let Some((values, counts)) = changes.get_mut(usize::from(c.row)) {
                    values.push(c.change);
                    counts[match c.meaningful {
                        Some(true) => 0,
                        None => 1,
                        Some(false) => 2,
                    }] += 1;
                }
            }
            if let Some(better) = r.improved {
                tiles.improved_wellbeing.add(better);
            }
            for (instrument, slot) in slice(&self.recorded, &r.recorded) {
                recorded[usize::from(*instrument)][usize::from(*slot)] += 1;
            }
            for (d, group) in r.groups.into_iter().enumerate() {
                if let Some(g) = groups[d].get_mut(usize::from(group)) {
                    g.referrals += 1;
                    g.seen_three_plus.add(attended >= 3);
                    if let Some(better) = r.improved {
                        g.improved_wellbeing.add(better);
                    }
                }
            }
        }

        // Caseload over time.
        let mut open = 0i64;
        let caseload = periods
            .iter()
            .enumerate()
            .map(|(i, (start, _, label))| {
                open += open_diff[i];
                PeriodCounts {
                    label: label.clone(),
                    start: *start,
                    open: open.max(0) as u32,
                    new: new[i],
                    closed: closed[i],
                }
            })
            .collect();

        // Referrals by month and role: the roles that referred most are
        // named, in the list's order; the rest are added together.
        let month_labels: Vec<String> = (0..months as i32)
            .map(|i| month_label(first_month + i))
            .collect();
        let role_order = |id: &str| {
            lists
                .referrer_roles
                .iter()
                .position(|item| item.id == id)
                .unwrap_or(usize::MAX)
        };
        let mut roles: Vec<(&str, Vec<u32>)> = self
            .role_ids
            .iter()
            .map(String::as_str)
            .zip(role_months)
            .filter(|(_, v)| v.iter().any(|n| *n > 0))
            .collect();
        crate::model::order::sort_by_key(&mut roles, |(id, v)| {
            (
                std::cmp::Reverse(v.iter().sum::<u32>()),
                role_order(id),
                id.to_string(),
            )
        });
        let others: Option<Vec<u32>> = (roles.len() > TOP_ROLES).then(|| {
            roles
                .drain(TOP_ROLES..)
                .fold(vec![0; months], |mut acc, (_, v)| {
                    acc.iter_mut().zip(v).for_each(|(a, b)| *a += b);
                    acc
                })
        });
        crate::model::order::sort_by_key(&mut roles, |(id, _)| (role_order(id), id.to_string()));
        let mut series: Vec<(String, Vec<u32>)> = roles
            .into_iter()
            .map(|(id, v)| (role_label(ws, id), v))
            .collect();
        series.extend(others.map(|v| ("Others".to_owned(), v)));
        let by_month_role = Stacked {
            categories: month_labels.clone(),
            series,
        };

        // Top reasons, then the rest together.
        let mut by_reason: Vec<(String, u32)> = self
            .reason_ids
            .iter()
            .zip(reasons)
            .filter(|(_, n)| *n > 0)
            .map(|(id, n)| (lists.label(ListKind::Reasons, id).to_owned(), n))
            .collect();
        crate::model::order::sort_by(&mut by_reason, |a, b| {
            b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });
        if by_reason.len() > TOP_REASONS {
            let rest: u32 = by_reason[TOP_REASONS..].iter().map(|(_, n)| n).sum();
            let others = by_reason.len() - TOP_REASONS;
            by_reason.truncate(TOP_REASONS);
            by_reason.push((format!("Other reasons ({others})"), rest));
        }

        let by_practice = ws
            .settings
            .practices
            .iter()
            .filter(|p| filter.practice.is_none_or(|id| id == p.id))
            .filter(|p| !p.retired || practices.contains_key(&p.id))
            .map(|p| {
                let referrals = practices.get(&p.id).copied().unwrap_or(0);
                PracticeRate {
                    name: p.name.clone(),
                    referrals,
                    list_size: p.list_size,
                    per_thousand: p.per_thousand(referrals),
                }
            })
            .collect();

        let first_contact_spread = Spread::of(first_days);
        let bands = |counts: [u32; WAIT_BANDS.len()]| {
            self::counts(
                WAIT_BANDS
                    .iter()
                    .zip(counts)
                    .map(|((_, label), n)| ((*label).to_owned(), n)),
            )
        };

        crate::model::order::sort_by(&mut waits, |a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.referral_date.cmp(&b.1.referral_date))
        });
        let longest_waits = waits
            .iter()
            .take(LONGEST_WAITS)
            .map(|(days, r)| Waiting {
                referral: r.id,
                reference: ws
                    .people
                    .get(&r.person)
                    .map(|p| p.reference.clone())
                    .unwrap_or_default(),
                practice: ws
                    .settings
                    .practice(r.practice)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                days: *days,
            })
            .collect();

        let mut mode_counts: Vec<(String, u32)> = self
            .mode_ids
            .iter()
            .zip(modes)
            .filter(|(_, n)| *n > 0)
            .map(|(id, n)| (lists.label(ListKind::ContactModes, id).to_owned(), n))
            .collect();
        crate::model::order::sort_by(&mut mode_counts, |a, b| {
            b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });
        tiles.did_not_attend = dna.iter().fold(Share::default(), |acc, s| Share {
            count: acc.count + s.count,
            of: acc.of + s.of,
        });

        // Connections: categories in the list's order, statuses in journey order.
        let category_order = |id: &str| {
            lists
                .connection_categories
                .iter()
                .position(|item| item.id == id)
                .unwrap_or(usize::MAX)
        };
        let mut categories: Vec<usize> = (0..self.category_ids.len())
            .filter(|c| {
                connections[c * statuses..(c + 1) * statuses]
                    .iter()
                    .any(|n| *n > 0)
            })
            .collect();
        crate::model::order::sort_by_key(&mut categories, |c| {
            (
                category_order(&self.category_ids[*c]),
                self.category_ids[*c].clone(),
            )
        });
        let used_statuses: Vec<usize> = (0..statuses)
            .filter(|s| categories.iter().any(|c| connections[c * statuses + s] > 0))
            .collect();
        let connections = Stacked {
            categories: categories
                .iter()
                .map(|c| {
                    lists
                        .label(ListKind::ConnectionCategories, &self.category_ids[*c])
                        .to_owned()
                })
                .collect(),
            series: used_statuses
                .iter()
                .map(|s| {
                    (
                        ConnectionStatus::ALL[*s].label().to_owned(),
                        categories
                            .iter()
                            .map(|c| connections[c * statuses + s])
                            .collect(),
                    )
                })
                .collect(),
        };

        let outcomes = self
            .outcome_rows
            .iter()
            .zip(changes)
            .map(
                |((instrument, label, up), (values, [improved, same, worse]))| OutcomeChange {
                    instrument: instrument.clone(),
                    label: label.clone(),
                    higher_is_better: *up,
                    spread: Spread::of(values),
                    improved,
                    same,
                    worse,
                },
            )
            .collect();
        let instruments = ws.instruments();
        let mut recorded: Vec<(&String, [u32; 3])> = self
            .instrument_ids
            .iter()
            .zip(recorded)
            .filter(|(_, n)| n.iter().any(|x| *x > 0))
            .collect();
        crate::model::order::sort_by_key(&mut recorded, |(id, _)| *id);
        let recorded = recorded
            .into_iter()
            .map(|(id, [answered, declined, not_appropriate])| Recorded {
                instrument: instruments
                    .iter()
                    .find(|i| &i.id == id)
                    .map_or_else(|| id.clone(), |i| i.name.clone()),
                answered,
                declined,
                not_appropriate,
            })
            .collect();

        let mut ending_counts: Vec<(String, u32)> = self
            .ending_labels
            .iter()
            .cloned()
            .zip(endings)
            .filter(|(_, n)| *n > 0)
            .collect();
        crate::model::order::sort_by(&mut ending_counts, |a, b| {
            b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });

        crate::model::order::sort_by(&mut quotes, |a, b| {
            b.date.cmp(&a.date).then_with(|| a.text.cmp(&b.text))
        });
        quotes.truncate(RECENT_QUOTES);

        Dashboard {
            tiles,
            caseload,
            by_month_role,
            by_reason: counts(by_reason),
            by_practice,
            first_contact: bands(first_bands),
            first_contact_spread,
            waiting_now: bands(waiting_bands),
            longest_waits,
            attended: counts(
                ATTENDED_BANDS
                    .iter()
                    .zip(attended_bands)
                    .map(|(l, n)| ((*l).to_owned(), n)),
            ),
            modes: counts(mode_counts),
            dna_by_month: month_labels.into_iter().zip(dna).collect(),
            connections,
            taken_up,
            outcomes,
            recorded,
            endings: counts(ending_counts),
            breakdowns: Dimension::ALL
                .iter()
                .zip(groups)
                .map(|(dimension, groups)| Breakdown {
                    dimension: *dimension,
                    groups,
                })
                .collect(),
            satisfaction,
            would_recommend,
            quotes,
        }
    }
}

/// Computes every figure for the filter. `today` decides "open now",
/// "this month" and "waiting now". (The app keeps a [`DashboardIndex`] and
/// calls [`DashboardIndex::figures`], so a filter change does not rebuild it.)
pub fn compute(ws: &Workspace, filter: &DashboardFilter, today: NaiveDate) -> Dashboard {
    DashboardIndex::new(ws).figures(ws, filter, today)
}

fn role_label(ws: &Workspace, id: &str) -> String {
    if id.is_empty() {
        "Not recorded".into()
    } else {
        ws.settings
            .lists
            .label(ListKind::ReferrerRoles, id)
            .to_owned()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn ranges_that_cannot_be_shown_are_refused_before_anything_is_computed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(check_range(day(2025, 12, 1), today, today), Ok(()));
        assert_eq!(
            check_range(day(2, 1, 1), today, today),
            Err(RangeError::TooEarly),
            "a half-typed year"
        );
        assert_eq!(
            check_range(day(1999, 12, 31), today, today),
            Err(RangeError::TooEarly)
        );
        assert!(matches!(
            check_range(today, day(2099, 1, 1), today),
            Err(RangeError::TooLate(_))
        ));
        assert_eq!(
            check_range(today, day(2026, 1, 1), today),
            Err(RangeError::Backwards)
        );
        assert_eq!(
            check_range(day(2010, 1, 1), today, today),
            Err(RangeError::TooLong)
        );
        assert_eq!(
            check_range(day(2016, 12, 1), day(2026, 11, 30), today),
            Ok(()),
            "ten years is allowed"
        );
        // An address cannot get round the check.
        let f = DashboardFilter::from_query("from=0002-01-01", today);
        assert_eq!(f, DashboardFilter::last_year(today));
        let f = DashboardFilter::from_query("from=2026-01-01&to=2026-03-31", today);
        assert_eq!((f.from, f.to), (day(2026, 1, 1), day(2026, 3, 31)));
    }
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::model::{Closure, Contact, ContactId, Person, PersonId, Practice, ReferralId};
    use crate::model::{StatusChange, Workspace};
    use crate::testing::{practice_ws, today};
    use crate::work::directory::{Connection, ConnectionChange};
    use crate::work::measures::{
        swemwbs, Completion, Feedback, MeasureId, MeasureRecord, MeasureResult, TimePoint,
    };

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("test dates are valid")
    }

    fn second_practice(ws: &mut Workspace) -> PracticeId {
        let id = PracticeId::from_random([9; 16]);
        ws.settings.practices.push(Practice {
            id,
            name: "Hillside Surgery".into(),
            list_size: None,
            retired: false,
        });
        id
    }

    /// Adds a person and a referral received on `date`; returns its id.
    fn add(ws: &mut Workspace, n: u8, practice: PracticeId, date: &str, role: &str) -> ReferralId {
        let person = PersonId::from_random([n; 16]);
        ws.people.insert(
            person,
            Person {
                id: person,
                reference: format!("REF-{n}"),
                age_band: None,
                sex: None,
                ethnic_group: None,
                deprivation_quintile: None,
            },
        );
        let id = ReferralId::from_random([n + 100; 16]);
        let at = Utc
            .with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
            .single()
            .expect("valid");
        let mut r = Referral::new(
            id,
            crate::model::RecordKey::hashed(b"test", id.0.as_bytes()),
            person,
            practice,
            day(date),
            ReferralStatus::Referred,
            at,
        );
        r.referrer_role = role.into();
        ws.referrals.insert(id, r);
        ws.place(person);
        id
    }

    fn referral(ws: &mut Workspace, id: ReferralId) -> &mut Referral {
        ws.referrals.get_mut(&id).expect("referral exists")
    }

    fn status(r: &mut Referral, status: ReferralStatus, date: &str) {
        r.status = status;
        r.history.push(StatusChange {
            status,
            date: day(date),
        });
    }

    fn contact(r: &mut Referral, date: &str, outcome: ContactOutcome, mode: &str) {
        let id = ContactId::next(r.contacts.iter().map(|c| c.id));
        r.contacts.push(Contact {
            id,
            date: day(date),
            mode: mode.into(),
            minutes: 30,
            outcome,
            note: String::new(),
        });
    }

    fn measure(r: &mut Referral, instrument: &str, date: &str, result: MeasureResult) {
        let id = MeasureId::next(r.measures.iter().map(|m| m.id));
        let time_point = if r.measures.iter().any(|m| m.instrument == instrument) {
            TimePoint::Review
        } else {
            TimePoint::Baseline
        };
        r.measures.push(MeasureRecord {
            id,
            instrument: instrument.into(),
            time_point,
            date: day(date),
            completion: Completion::SelfCompleted,
            result,
        });
    }

    fn answers(values: &[u8]) -> MeasureResult {
        MeasureResult::Answers {
            answers: values.to_vec(),
        }
    }

    /// Four referrals whose every figure is worked out by hand below:
    /// A (practice P, Oct 2026): seen 3 times, one did-not-attend, measured twice;
    /// B (P, Nov 2026): waiting, never seen;
    /// C (Q, Jun 2026): seen once, closed, reopened and closed again;
    /// D (P, Jun 2025, before the range): open throughout, never seen.
    struct Fixture {
        ws: Workspace,
        p: PracticeId,
        q: PracticeId,
    }

    fn fixture() -> Fixture {
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        let q = second_practice(&mut ws);

        let a = add(&mut ws, 1, p, "2026-10-01", "gp");
        let person_a = ws.referrals[&a].person;
        if let Some(person) = ws.people.get_mut(&person_a) {
            person.age_band = Some(AgeBand::From25To34);
            person.sex = Some(Sex::Female);
            person.deprivation_quintile = Some(1);
        }
        let r = referral(&mut ws, a);
        r.reasons = vec!["loneliness".into()];
        status(r, ReferralStatus::Active, "2026-10-05");
        contact(r, "2026-10-05", ContactOutcome::Attended, "practice");
        contact(r, "2026-10-12", ContactOutcome::DidNotAttend, "practice");
        contact(r, "2026-10-19", ContactOutcome::Attended, "telephone");
        contact(r, "2026-10-26", ContactOutcome::Attended, "practice");
        contact(
            r,
            "2026-11-02",
            ContactOutcome::CancelledByPerson,
            "practice",
        );
        measure(r, "ons4", "2026-10-05", answers(&[5, 5, 5, 5]));
        measure(r, "ons4", "2026-10-26", answers(&[7, 5, 4, 8]));
        measure(r, "swemwbs", "2026-10-05", answers(&[2; 7]));
        measure(r, "swemwbs", "2026-10-26", answers(&[4; 7]));
        r.connections.push(Connection {
            id: crate::work::directory::ConnectionId(1),
            resource: None,
            name: "Walking group".into(),
            category: "nature".into(),
            status: ConnectionStatus::Attended,
            history: vec![
                ConnectionChange {
                    status: ConnectionStatus::Suggested,
                    date: day("2026-10-12"),
                },
                ConnectionChange {
                    status: ConnectionStatus::Attended,
                    date: day("2026-10-19"),
                },
            ],
            feedback: String::new(),
        });
        r.connections.push(Connection {
            id: crate::work::directory::ConnectionId(2),
            resource: None,
            name: "Debt advice".into(),
            category: "debt".into(),
            status: ConnectionStatus::Suggested,
            history: vec![ConnectionChange {
                status: ConnectionStatus::Suggested,
                date: day("2026-10-19"),
            }],
            feedback: String::new(),
        });
        r.feedback = Some(Feedback {
            date: Some(day("2026-10-26")),
            satisfaction: Some(5),
            would_recommend: Some(true),
            quote: "  It got me out of the house.  ".into(),
            quote_shareable: true,
        });

        let b = add(&mut ws, 2, p, "2026-11-02", "self");
        referral(&mut ws, b).reasons = vec!["money".into(), "loneliness".into()];

        let c = add(&mut ws, 3, q, "2026-06-01", "gp");
        let r = referral(&mut ws, c);
        r.reasons = vec!["housing".into()];
        status(r, ReferralStatus::Active, "2026-06-15");
        contact(r, "2026-06-15", ContactOutcome::Attended, "home_visit");
        status(r, ReferralStatus::Closed, "2026-07-01");
        status(r, ReferralStatus::Active, "2026-08-01");
        status(r, ReferralStatus::Closed, "2026-09-01");
        r.closure = Some(Closure {
            date: day("2026-09-01"),
            reason: "complete".into(),
        });
        measure(
            r,
            "ons4",
            "2026-06-15",
            MeasureResult::Declined {
                reason: String::new(),
            },
        );
        r.feedback = Some(Feedback {
            date: Some(day("2026-09-01")),
            satisfaction: Some(4),
            would_recommend: Some(false),
            quote: "Not for sharing".into(),
            quote_shareable: false,
        });

        let d = add(&mut ws, 4, p, "2025-06-01", "practice_nurse");
        status(referral(&mut ws, d), ReferralStatus::Active, "2025-06-20");
        Fixture { ws, p, q }
    }

    fn year() -> DashboardFilter {
        DashboardFilter::last_year(today())
    }

    #[test]
    fn headline_tiles_match_the_hand_count() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        let t = d.tiles;
        assert_eq!(t.open, 3, "A, B and D are open");
        assert_eq!(t.new_this_month, 1, "only B arrived in November");
        let wait = d.first_contact_spread.expect("two seen");
        assert_eq!(wait.median, 9.0, "A 4 days, C 14 days");
        assert_eq!(wait.n, 2);
        assert_eq!(t.seen_three_plus, Share { count: 1, of: 3 }, "A of A, B, C");
        assert_eq!(t.improved_wellbeing, Share { count: 1, of: 1 });
        assert_eq!(
            t.did_not_attend,
            Share { count: 1, of: 5 },
            "cancellations don't count"
        );
    }

    #[test]
    fn caseload_over_time_follows_closing_and_reopening() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        assert_eq!(d.caseload.len(), 12);
        assert_eq!(d.caseload[0].label, "Dec 2025");
        let by_label = |label: &str| {
            d.caseload
                .iter()
                .find(|p| p.label == label)
                .map(|p| (p.open, p.new, p.closed))
                .expect("month present")
        };
        assert_eq!(by_label("Dec 2025"), (1, 0, 0), "only D");
        assert_eq!(by_label("Jun 2026"), (2, 1, 0), "C arrives");
        assert_eq!(by_label("Jul 2026"), (1, 0, 1), "C closed on 1 July");
        assert_eq!(by_label("Aug 2026"), (2, 0, 0), "C reopened");
        assert_eq!(by_label("Sep 2026"), (1, 0, 1), "C closed again");
        assert_eq!(by_label("Oct 2026"), (2, 1, 0), "A arrives");
        assert_eq!(
            by_label("Nov 2026"),
            (3, 1, 0),
            "B arrives; counted at today"
        );
    }

    #[test]
    fn weekly_periods_start_on_mondays_and_stop_at_the_range_end() {
        let f = fixture();
        let filter = DashboardFilter {
            from: day("2026-10-01"),
            to: day("2026-10-14"),
            granularity: Granularity::Week,
            ..year()
        };
        let d = compute(&f.ws, &filter, today());
        let labels: Vec<&str> = d.caseload.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["w/c 28 Sep", "w/c 5 Oct", "w/c 12 Oct"]);
        assert_eq!(d.caseload[0].new, 1, "A on Thursday 1 October");
        assert_eq!(d.caseload[0].open, 2, "A and D");
    }

    #[test]
    fn referrals_by_month_role_reason_and_practice() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        assert_eq!(d.by_month_role.categories.len(), 12);
        let series: Vec<(&str, u32)> = d
            .by_month_role
            .series
            .iter()
            .map(|(name, v)| (name.as_str(), v.iter().sum()))
            .collect();
        assert_eq!(
            series,
            [("GP", 2), ("Self-referral", 1)],
            "D is before the range"
        );
        assert_eq!(d.by_month_role.totals()[10], 1, "October: A");
        let reasons: Vec<(&str, u32)> = d
            .by_reason
            .iter()
            .map(|c| (c.label.as_str(), c.count))
            .collect();
        assert_eq!(
            reasons,
            [
                ("Loneliness or isolation", 2),
                ("Housing", 1),
                ("Money, debt or benefits", 1)
            ],
            "most first, ties by name"
        );
        assert_eq!(d.by_practice.len(), 2);
        assert_eq!(d.by_practice[0].referrals, 2);
        let rate = d.by_practice[0].per_thousand.expect("list size known");
        assert!((rate - 2000.0 / 11_200.0).abs() < 1e-9);
        assert_eq!(d.by_practice[1].per_thousand, None, "no list size");
    }

    #[test]
    fn waiting_engagement_and_contacts() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        let counts = |c: &[Count]| c.iter().map(|c| c.count).collect::<Vec<_>>();
        assert_eq!(counts(&d.first_contact), [1, 1, 0, 0, 0], "4 and 14 days");
        assert_eq!(counts(&d.waiting_now), [0, 0, 1, 0, 0], "B, 19 days");
        assert_eq!(d.longest_waits.len(), 1);
        assert_eq!(d.longest_waits[0].days, 19);
        assert_eq!(d.longest_waits[0].reference, "REF-2");
        assert_eq!(counts(&d.attended), [1, 1, 0, 1, 0, 0, 0], "B 0, C 1, A 3");
        let modes: Vec<(&str, u32)> = d
            .modes
            .iter()
            .map(|c| (c.label.as_str(), c.count))
            .collect();
        assert_eq!(
            modes,
            [("At the practice", 2), ("Home visit", 1), ("Telephone", 1)]
        );
        let october = &d.dna_by_month[10];
        assert_eq!(october.0, "Oct 2026");
        assert_eq!(october.1, Share { count: 1, of: 4 });
        assert_eq!(
            d.dna_by_month[11].1,
            Share { count: 0, of: 0 },
            "a cancellation only"
        );
    }

    #[test]
    fn connections_outcomes_endings_and_feedback() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        assert_eq!(
            d.connections.categories,
            ["Nature and outdoors", "Debt and money advice"],
            "in the list's order"
        );
        assert_eq!(
            d.connections.series,
            [
                ("Suggested".to_string(), vec![0, 1]),
                ("Attended".to_string(), vec![1, 0])
            ]
        );
        assert_eq!(d.taken_up, Share { count: 1, of: 2 });

        let ons4: Vec<(&str, u32, u32, u32)> = d
            .outcomes
            .iter()
            .map(|o| (o.label.as_str(), o.improved, o.same, o.worse))
            .collect();
        assert_eq!(
            ons4,
            [
                ("Life satisfaction", 1, 0, 0),
                ("Worthwhile", 0, 1, 0),
                ("Happiness", 0, 0, 1),
                ("Anxiety", 0, 0, 1),
                ("SWEMWBS score", 1, 0, 0)
            ],
            "anxiety going up is worse"
        );
        assert!(!d.outcomes[3].higher_is_better);
        let inst = swemwbs();
        let expected = inst.score(&[4; 7]).expect("scored") - inst.score(&[2; 7]).expect("scored");
        let score = d.outcomes[4].spread.expect("one pair");
        assert_eq!((score.n, score.mean, score.sd), (1, expected, 0.0));
        let ons4_recorded = d
            .recorded
            .iter()
            .find(|r| r.instrument.starts_with("ONS4"))
            .expect("ONS4 recorded");
        assert_eq!(
            (
                ons4_recorded.answered,
                ons4_recorded.declined,
                ons4_recorded.not_appropriate
            ),
            (2, 1, 0)
        );
        assert_eq!(
            d.endings,
            [Count {
                label: "Support complete or goals met".into(),
                count: 1
            }],
            "C's first closure was undone by reopening"
        );
        assert_eq!(d.satisfaction, [0, 0, 0, 1, 1]);
        assert_eq!(d.would_recommend, Share { count: 1, of: 2 });
        assert_eq!(d.quotes.len(), 1, "only shareable quotes");
        assert_eq!(d.quotes[0].text, "It got me out of the house.");
    }

    #[test]
    fn breakdowns_count_every_cohort_referral_once_per_dimension() {
        let f = fixture();
        let d = compute(&f.ws, &year(), today());
        for b in &d.breakdowns {
            let total: u32 = b.groups.iter().map(|g| g.referrals).sum();
            assert_eq!(total, 3, "{:?}", b.dimension);
            assert!(
                b.groups.iter().all(GroupRow::unreliable),
                "all groups are small"
            );
        }
        let sex = &d.breakdowns[1];
        assert_eq!(sex.groups[0].label, "Female");
        assert_eq!(sex.groups[0].seen_three_plus, Share { count: 1, of: 1 });
        assert_eq!(sex.groups[0].improved_wellbeing, Share { count: 1, of: 1 });
        assert_eq!(
            sex.groups.last().map(|g| g.referrals),
            Some(2),
            "not recorded"
        );
        let imd = &d.breakdowns[3];
        assert_eq!(imd.groups[0].label, "1 (most deprived)");
        assert_eq!(imd.groups[0].referrals, 1);
    }

    #[test]
    fn filters_narrow_every_figure() {
        let f = fixture();
        let only_q = DashboardFilter {
            practice: Some(f.q),
            ..year()
        };
        let d = compute(&f.ws, &only_q, today());
        assert_eq!(d.tiles.open, 0);
        assert_eq!(d.tiles.seen_three_plus, Share { count: 0, of: 1 });
        assert_eq!(d.by_practice.len(), 1);
        assert_eq!(d.by_practice[0].name, "Hillside Surgery");

        let self_referred = DashboardFilter {
            referrer_role: Some("self".into()),
            ..year()
        };
        let d = compute(&f.ws, &self_referred, today());
        assert_eq!((d.tiles.open, d.tiles.new_this_month), (1, 1));

        let money = DashboardFilter {
            reason: Some("money".into()),
            practice: Some(f.p),
            ..year()
        };
        let d = compute(&f.ws, &money, today());
        assert_eq!(d.tiles.seen_three_plus.of, 1, "B only");
        assert_eq!(d.tiles.did_not_attend.of, 0);

        let october = DashboardFilter {
            from: day("2026-10-01"),
            to: day("2026-10-31"),
            ..year()
        };
        let d = compute(&f.ws, &october, today());
        assert_eq!(d.tiles.seen_three_plus, Share { count: 1, of: 1 });
        assert_eq!(d.tiles.open, 3, "open now ignores the range");
        assert_eq!(d.caseload.len(), 1);
    }

    #[test]
    fn empty_workspace_gives_zeros_and_no_medians() {
        let ws = practice_ws();
        let d = compute(&ws, &year(), today());
        assert_eq!(d.tiles, Tiles::default());
        assert_eq!(d.tiles.seen_three_plus.percent(), None);
        assert!(d
            .caseload
            .iter()
            .all(|p| (p.open, p.new, p.closed) == (0, 0, 0)));
        assert!(d.by_month_role.series.is_empty());
        assert!(d.first_contact_spread.is_none());
        assert!(d.outcomes.iter().all(|o| o.spread.is_none()));
        assert!(d.quotes.is_empty() && d.endings.is_empty());
        assert_eq!(d.by_practice[0].per_thousand, Some(0.0));
    }

    #[test]
    fn one_referral_with_only_missed_contacts_is_not_seen() {
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        let id = add(&mut ws, 1, p, "2026-11-01", "gp");
        let r = referral(&mut ws, id);
        contact(r, "2026-11-05", ContactOutcome::DidNotAttend, "practice");
        contact(
            r,
            "2026-11-06",
            ContactOutcome::CancelledByLinkWorker,
            "practice",
        );
        let d = compute(&ws, &year(), today());
        assert_eq!(d.first_contact_spread.map(|s| s.median), None);
        assert_eq!(d.tiles.did_not_attend, Share { count: 1, of: 1 });
        assert_eq!(d.attended[0].count, 1, "no attended contacts");
        assert!(d.modes.is_empty(), "modes count attended contacts only");
        assert_eq!(d.waiting_now[2].count, 1, "20 days");
    }

    #[test]
    fn ties_in_reasons_and_waits_have_a_fixed_order() {
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        let first = add(&mut ws, 1, p, "2026-11-01", "gp");
        let second = add(&mut ws, 2, p, "2026-11-01", "gp");
        referral(&mut ws, first).reasons = vec!["money".into()];
        referral(&mut ws, second).reasons = vec!["housing".into()];
        let d = compute(&ws, &year(), today());
        let labels: Vec<&str> = d.by_reason.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Housing", "Money, debt or benefits"]);
        assert_eq!(d.longest_waits[0].days, d.longest_waits[1].days);
        assert_eq!(d.first_contact_spread, None);
    }

    #[test]
    fn referrers_beyond_the_top_five_are_added_together() {
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        let roles = [
            "gp",
            "gp",
            "gp",
            "self",
            "self",
            "hospital",
            "reception",
            "social_work",
            "other",
            "practice_nurse",
        ];
        for (n, role) in (1u8..).zip(roles) {
            add(&mut ws, n, p, "2026-11-01", role);
        }
        let d = compute(&ws, &year(), today());
        let names: Vec<&str> = d
            .by_month_role
            .series
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(names.len(), TOP_ROLES + 1);
        assert_eq!(names[0], "GP", "named roles keep the list's order");
        assert_eq!(names.last(), Some(&"Others"));
        assert_eq!(d.by_month_role.totals()[11], 10, "nobody is lost");
        let others = &d.by_month_role.series[TOP_ROLES].1;
        assert_eq!(
            others[11], 2,
            "the two single referrals last in the list's order"
        );
    }

    #[test]
    fn reasons_beyond_the_top_ten_are_grouped() {
        let mut ws = practice_ws();
        let p = ws.settings.practices[0].id;
        let ids: Vec<String> = ws
            .settings
            .lists
            .reasons
            .iter()
            .map(|i| i.id.clone())
            .collect();
        let id = add(&mut ws, 1, p, "2026-11-01", "gp");
        referral(&mut ws, id).reasons = ids.clone();
        let d = compute(&ws, &year(), today());
        assert_eq!(d.by_reason.len(), TOP_REASONS + 1);
        let last = d.by_reason.last().expect("others");
        assert_eq!(
            last.label,
            format!("Other reasons ({})", ids.len() - TOP_REASONS)
        );
        assert_eq!(last.count as usize, ids.len() - TOP_REASONS);
    }

    #[test]
    fn spread_and_quantiles_are_hand_checked() {
        let s = Spread::of(vec![4.0, 1.0, 3.0, 2.0]).expect("values");
        assert_eq!(
            (s.n, s.mean, s.median, s.q1, s.q3),
            (4, 2.5, 2.5, 1.75, 3.25)
        );
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(
            Spread::of(vec![7.0]).map(|s| (s.sd, s.median)),
            Some((0.0, 7.0))
        );
        assert_eq!(Spread::of(Vec::new()), None);
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn filter_round_trips_through_the_address() {
        let f = DashboardFilter {
            from: day("2026-01-01"),
            to: day("2026-06-30"),
            practice: Some(PracticeId::from_random([7; 16])),
            referrer_role: Some("gp & co/1".into()),
            reason: Some("money".into()),
            granularity: Granularity::Week,
        };
        let query = f.to_query(today());
        assert!(!query.contains(' ') && !query.contains('/'), "{query}");
        assert_eq!(DashboardFilter::from_query(&query, today()), f);
        assert_eq!(year().to_query(today()), "", "defaults are left out");
        assert_eq!(DashboardFilter::from_query("", today()), year());
    }

    #[test]
    fn unreadable_addresses_fall_back_to_defaults() {
        let f = DashboardFilter::from_query(
            "from=2026-13-45&practice=nope&by=fortnight&to=2025-01-01&role=",
            today(),
        );
        assert_eq!(f.from, day("2025-01-01"), "backwards range turned round");
        assert_eq!(f.to, year().from);
        assert_eq!((f.practice, f.referrer_role), (None, None));
        assert_eq!(f.granularity, Granularity::Month);
    }

    proptest::proptest! {
        /// Whatever the records, the figures add up: every cohort referral
        /// lands in exactly one attended band and one group per dimension,
        /// and shares never exceed their totals.
        #[test]
        fn figures_add_up(ws in crate::testing::arb_workspace(), months in 1i32..40) {
            let filter = DashboardFilter {
                from: month_start_before(today(), months),
                ..year()
            };
            let d = compute(&ws, &filter, today());
            let cohort = ws
                .referrals
                .values()
                .filter(|r| filter.contains(r.referral_date))
                .count() as u32;
            proptest::prop_assert_eq!(d.attended.iter().map(|c| c.count).sum::<u32>(), cohort);
            proptest::prop_assert_eq!(d.tiles.seen_three_plus.of, cohort);
            for b in &d.breakdowns {
                proptest::prop_assert_eq!(b.groups.iter().map(|g| g.referrals).sum::<u32>(), cohort);
            }
            let new: u32 = d.caseload.iter().map(|p| p.new).sum();
            proptest::prop_assert_eq!(new, cohort);
            for s in [d.tiles.did_not_attend, d.tiles.improved_wellbeing, d.taken_up] {
                proptest::prop_assert!(s.count <= s.of);
            }
            let open_now = ws.referrals.values().filter(|r| r.status.is_open()).count() as u32;
            proptest::prop_assert_eq!(d.tiles.open, open_now);
        }
    }
}

#[cfg(test)]
mod demo_figures {
    use super::*;
    use crate::testing::today;
    use crate::work::demo::{generate, DemoSpec};

    /// The demo caseload's figures on the tests' day. The end-to-end test
    /// checks the browser shows exactly these, so a change in either shows.
    #[test]
    fn demo_dashboard_figures_are_pinned() {
        let ws = generate(&DemoSpec::standard(), today());
        let d = compute(&ws, &DashboardFilter::last_year(today()), today());
        let t = &d.tiles;
        assert_eq!((t.open, t.new_this_month), (87, 17));
        assert_eq!(d.first_contact_spread.map(|s| s.median), Some(17.0));
        assert_eq!(t.seen_three_plus, Share { count: 70, of: 212 });
        assert_eq!(t.improved_wellbeing, Share { count: 20, of: 33 });
        assert_eq!(t.did_not_attend, Share { count: 42, of: 496 });
        let last = d
            .caseload
            .last()
            .map(|p| (p.label.as_str(), p.open, p.new, p.closed));
        assert_eq!(last, Some(("Nov 2026", 87, 17, 7)));

        let first = &ws.settings.practices[0];
        assert_eq!(first.name, "Riverside Medical Practice");
        let f = DashboardFilter {
            practice: Some(first.id),
            ..DashboardFilter::last_year(today())
        };
        let p = compute(&ws, &f, today()).tiles;
        assert_eq!((p.open, p.new_this_month), (14, 0));
        assert_eq!(p.seen_three_plus, Share { count: 14, of: 36 });
        assert_eq!(p.did_not_attend, Share { count: 6, of: 101 });
    }
}
