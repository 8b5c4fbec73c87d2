//! Outcome measures: instruments as data (ONS4, SWEMWBS and goals built in,
//! others loaded from a documented JSON file), records at time points, and
//! change from baseline to latest.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

// The data, named here too for those who use the rules.
pub use crate::model::measures::*;
use crate::model::Referral;

/// SWEMWBS metric score for raw totals 7 to 35 (the published conversion).
pub const SWEMWBS_METRIC: [f64; 29] = [
    7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98, 18.59,
    19.25, 19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.70,
    32.55, 35.00,
];

fn band(min: f64, max: f64, label: &str) -> Band {
    Band {
        min,
        max,
        label: label.into(),
    }
}

/// ONS personal wellbeing (ONS4), reported item by item, never summed.
pub fn ons4() -> Instrument {
    let positive = vec![
        band(0.0, 4.0, "Low"),
        band(5.0, 6.0, "Medium"),
        band(7.0, 8.0, "High"),
        band(9.0, 10.0, "Very high"),
    ];
    let item = |id: &str, text: &str, better: bool, bands: Vec<Band>| Item {
        id: id.into(),
        text: text.into(),
        low_label: if better {
            "Not at all"
        } else {
            "Not at all anxious"
        }
        .into(),
        high_label: if better {
            "Completely"
        } else {
            "Completely anxious"
        }
        .into(),
        higher_is_better: better,
        bands,
    };
    Instrument {
        id: "ons4".into(),
        name: "ONS4 personal wellbeing".into(),
        source: "Office for National Statistics".into(),
        min: 0,
        max: 10,
        items: vec![
            item("life_satisfaction", "Overall, how satisfied are you with your life nowadays?", true, positive.clone()),
            item("worthwhile", "Overall, to what extent do you feel that the things you do in your life are worthwhile?", true, positive.clone()),
            item("happiness", "Overall, how happy did you feel yesterday?", true, positive),
            item("anxiety", "Overall, how anxious did you feel yesterday?", false, vec![band(0.0, 1.0, "Very low"), band(2.0, 3.0, "Low"), band(4.0, 5.0, "Medium"), band(6.0, 10.0, "High")]),
        ],
        scoring: Scoring::None,
        bands: Vec::new(),
        meaningful_change: 1.0,
    }
}

/// SWEMWBS: seven items scored 1–5, converted to the metric score. Its
/// wording is licensed, so items are "Item 1…7" unless a file supplies it.
pub fn swemwbs() -> Instrument {
    Instrument {
        id: "swemwbs".into(),
        name: "SWEMWBS (short Warwick-Edinburgh Mental Wellbeing Scale)".into(),
        source: "University of Warwick".into(),
        min: 1,
        max: 5,
        items: (1..=7)
            .map(|i| Item {
                id: i.to_string(),
                text: String::new(),
                low_label: "None of the time".into(),
                high_label: "All of the time".into(),
                higher_is_better: true,
                bands: Vec::new(),
            })
            .collect(),
        scoring: Scoring::Lookup {
            table: SWEMWBS_METRIC.to_vec(),
        },
        bands: Vec::new(),
        meaningful_change: 3.0,
    }
}

/// Goals in the person's own words, each scored 1–10.
pub fn goals() -> Instrument {
    Instrument {
        id: "goals".into(),
        name: "Goals (what matters to me)".into(),
        source: String::new(),
        min: 1,
        max: 10,
        items: Vec::new(),
        scoring: Scoring::None,
        bands: Vec::new(),
        meaningful_change: 2.0,
    }
}

/// Most goals per referral.
pub const MAX_GOALS: usize = 3;

impl Instrument {
    /// The item's label: its wording, or "Item N" when wording is not shown.
    pub fn item_label(&self, index: usize) -> String {
        match self.items.get(index) {
            Some(item) if !item.text.is_empty() => item.text.clone(),
            _ => format!("Item {}", index + 1),
        }
    }

    /// A short name for an item, for charts and messages: its wording if
    /// short, else its id in words ("life_satisfaction" → "Life satisfaction").
    pub fn short_label(&self, index: usize) -> String {
        let full = self.item_label(index);
        match self.items.get(index) {
            Some(item)
                if full.chars().count() > 24 && !item.id.chars().all(|c| c.is_ascii_digit()) =>
            {
                let words = item.id.replace(['_', '-'], " ");
                let mut chars = words.chars();
                chars
                    .next()
                    .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
            }
            _ => full,
        }
    }

    /// The score of a full set of answers, if the instrument is scored.
    pub fn score(&self, answers: &[u8]) -> Option<f64> {
        if answers.len() != self.items.len() {
            return None;
        }
        let sum: u32 = answers.iter().map(|a| u32::from(*a)).sum();
        match &self.scoring {
            Scoring::None => None,
            Scoring::Sum => Some(f64::from(sum)),
            Scoring::Lookup { table } => {
                let lowest = u32::from(self.min) * self.items.len() as u32;
                table.get(sum.checked_sub(lowest)? as usize).copied()
            }
        }
    }

    /// A set of answers as the records table shows it: each item's value,
    /// with its band and short name when the items have bands (ONS4: "Life
    /// satisfaction 7 (High), …"), else the values in order; then the score
    /// (with its band) when the instrument is scored.
    pub fn describe_answers(&self, answers: &[u8]) -> String {
        let banded = self.items.iter().any(|i| !i.bands.is_empty());
        let mut text = answers
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let v = f64::from(*a);
                match self.items.get(i).filter(|_| banded) {
                    Some(item) => format!(
                        "{} {}",
                        self.short_label(i),
                        with_band(v, Self::band_of(&item.bands, v))
                    ),
                    None => with_band(v, None),
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(score) = self.score(answers) {
            text.push_str(&format!(
                "; score {}",
                with_band(score, Self::band_of(&self.bands, score))
            ));
        }
        text
    }

    /// The band a value falls in.
    pub fn band_of(bands: &[Band], value: f64) -> Option<&str> {
        bands
            .iter()
            .find(|b| value >= b.min && value <= b.max)
            .map(|b| b.label.as_str())
    }
}

/// Why an instrument file was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InstrumentError {
    #[error("It is not readable as an instrument file: {0}. Ask whoever made it for a new copy; the README shows the format.")]
    NotJson(String),
    #[error(
        "It is not a Linkwork instrument file: {0}. Choose a file in the format the README shows."
    )]
    Format(String),
    #[error(
        "The instrument's {0}. Correct the file and load it again; the README shows the format."
    )]
    Invalid(String),
}

/// An instrument file: the instrument itself, versioned.
pub const INSTRUMENT_DOC: crate::store::format::DocKind = crate::store::format::DocKind {
    format: "linkwork.instrument",
    current: 1,
    migrations: &[],
};

/// Reads and checks an instrument file. A file whose id is `swemwbs` or
/// `ons4` supplies wording for the built-in instrument (its scoring stays).
pub fn read_instrument(text: &str) -> Result<Instrument, InstrumentError> {
    let inst: Instrument =
        crate::store::format::decode(&INSTRUMENT_DOC, text).map_err(|e| match e {
            crate::store::format::FormatError::NotJson(m) => InstrumentError::NotJson(m),
            crate::store::format::FormatError::Invalid(m) => {
                InstrumentError::Invalid(format!("fields are not as documented: {m}"))
            }
            other => InstrumentError::Format(other.to_string()),
        })?;
    let builtin = match inst.id.as_str() {
        "swemwbs" => Some(swemwbs()),
        "ons4" => Some(ons4()),
        "goals" => {
            return Err(InstrumentError::Invalid(
                "id \u{201c}goals\u{201d} is reserved for the person's own goals".into(),
            ))
        }
        _ => None,
    };
    if let Some(mut base) = builtin {
        if inst.items.len() != base.items.len() {
            return Err(InstrumentError::Invalid(format!(
                "wording must have {} items, not {}",
                base.items.len(),
                inst.items.len()
            )));
        }
        for (b, i) in base.items.iter_mut().zip(&inst.items) {
            if i.text.trim().is_empty() {
                return Err(InstrumentError::Invalid(format!(
                    "item {} has no wording",
                    b.id
                )));
            }
            b.text = i.text.trim().to_owned();
        }
        return Ok(base);
    }
    validate(&inst)?;
    Ok(inst)
}

/// Checks an instrument's shape, ranges, scoring table and bands.
pub fn validate(inst: &Instrument) -> Result<(), InstrumentError> {
    let bad = |m: String| Err(InstrumentError::Invalid(m));
    if inst.id.is_empty()
        || !inst
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return bad("id must be lower-case letters, digits, - or _".into());
    }
    if inst.name.trim().is_empty() {
        return bad("name is missing".into());
    }
    if inst.min >= inst.max {
        return bad(format!(
            "lowest answer ({}) must be below the highest ({})",
            inst.min, inst.max
        ));
    }
    if inst.items.is_empty() || inst.items.len() > 50 {
        return bad("must have from 1 to 50 items".into());
    }
    let mut ids = std::collections::BTreeSet::new();
    for (i, item) in inst.items.iter().enumerate() {
        if item.id.is_empty() || !ids.insert(item.id.as_str()) {
            return bad(format!("item {} needs an id of its own", i + 1));
        }
        check_bands(
            &item.bands,
            f64::from(inst.min),
            f64::from(inst.max),
            &format!("item {} bands", item.id),
        )?;
    }
    let n = inst.items.len() as f64;
    let (lo, hi) = (n * f64::from(inst.min), n * f64::from(inst.max));
    let score_range = match &inst.scoring {
        Scoring::None => None,
        Scoring::Sum => Some((lo, hi)),
        Scoring::Lookup { table } => {
            let needed = (hi - lo) as usize + 1;
            if table.len() != needed {
                return bad(format!("lookup table must have {needed} entries (one per possible total from {lo} to {hi}), not {}", table.len()));
            }
            if table.iter().any(|v| !v.is_finite()) {
                return bad("lookup table has a value that is not a number".into());
            }
            let min = table.iter().copied().fold(f64::INFINITY, f64::min);
            let max = table.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Some((min, max))
        }
    };
    match score_range {
        Some((lo, hi)) => check_bands(&inst.bands, lo, hi, "score bands")?,
        None if !inst.bands.is_empty() => {
            return bad("score bands need a scoring of sum or lookup".into())
        }
        None => {}
    }
    if !(inst.meaningful_change.is_finite() && inst.meaningful_change > 0.0) {
        return bad("meaningful change must be a positive number".into());
    }
    Ok(())
}

fn check_bands(bands: &[Band], lo: f64, hi: f64, what: &str) -> Result<(), InstrumentError> {
    let mut sorted: Vec<&Band> = bands.iter().collect();
    crate::model::order::sort_by(&mut sorted, |a, b| a.min.total_cmp(&b.min));
    for (i, b) in sorted.iter().enumerate() {
        if b.label.trim().is_empty() || b.min > b.max || b.min < lo || b.max > hi {
            return Err(InstrumentError::Invalid(format!(
                "{what}: \u{201c}{}\u{201d} must run from {lo} to {hi} at most, low to high",
                b.label
            )));
        }
        if i > 0 && b.min <= sorted[i - 1].max {
            return Err(InstrumentError::Invalid(format!(
                "{what}: \u{201c}{}\u{201d} overlaps \u{201c}{}\u{201d}",
                b.label,
                sorted[i - 1].label
            )));
        }
    }
    Ok(())
}

/// Change of one item or score from baseline to latest.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub label: String,
    /// A short name for charts and messages.
    pub short: String,
    pub baseline: f64,
    pub latest: f64,
    /// Latest minus baseline.
    pub change: f64,
    /// The bands the baseline and latest values fall in, for instruments
    /// with bands (ONS4's Low, Medium, High, Very high).
    pub baseline_band: Option<String>,
    pub latest_band: Option<String>,
    /// Whether the change is better (taking direction into account) by at
    /// least the meaningful amount; `Some(false)` when worse by that much.
    pub meaningful: Option<bool>,
}

/// The baseline and the latest answered records of an instrument: the
/// baseline is the answered record marked Baseline (the earliest, if there
/// are two), never simply the earliest; the latest is the last answered
/// review or closure on or after it. No baseline, no change.
pub fn baseline_and_latest<'a>(
    r: &'a Referral,
    instrument: &str,
) -> Option<(&'a MeasureRecord, &'a MeasureRecord)> {
    let answered = || {
        r.measures.iter().filter(|m| {
            m.instrument == instrument && matches!(m.result, MeasureResult::Answers { .. })
        })
    };
    let baseline = answered()
        .filter(|m| m.time_point == TimePoint::Baseline)
        .min_by_key(|m| (m.date, m.id))?;
    let latest = answered()
        .filter(|m| m.time_point != TimePoint::Baseline && m.date >= baseline.date)
        .max_by_key(|m| (m.date, m.id))?;
    Some((baseline, latest))
}

/// A value with its band, as every screen shows it: "7 (High)", or "7".
pub fn with_band(value: f64, band: Option<&str>) -> String {
    let number = if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    };
    match band {
        Some(b) => format!("{number} ({b})"),
        None => number,
    }
}

/// Whether a change is better (`Some(true)`) or worse (`Some(false)`) by at
/// least the meaningful amount, taking the direction of "better" into account.
pub fn judge(change: f64, better_up: bool, threshold: f64) -> Option<bool> {
    let signed = if better_up { change } else { -change };
    if signed >= threshold {
        Some(true)
    } else if signed <= -threshold {
        Some(false)
    } else {
        None
    }
}

/// Calls `change` for each item (`Some(index)`), then for the score (`None`,
/// when the instrument is scored), with the baseline, the latest value and
/// whether the change is meaningful. Items of a scored instrument are not
/// judged on their own: the score is.
fn each_change(
    inst: &Instrument,
    a: &[u8],
    b: &[u8],
    threshold: f64,
    mut change: impl FnMut(Option<usize>, f64, f64, Option<bool>),
) {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let (x, y) = (f64::from(*x), f64::from(*y));
        let better_up = inst.items.get(i).is_none_or(|it| it.higher_is_better);
        let meaningful = (inst.scoring == Scoring::None)
            .then(|| judge(y - x, better_up, threshold))
            .flatten();
        change(Some(i), x, y, meaningful);
    }
    if let (Some(x), Some(y)) = (inst.score(a), inst.score(b)) {
        change(None, x, y, judge(y - x, true, threshold));
    }
}

/// Change per item, and in the score when the instrument is scored.
pub fn changes(
    inst: &Instrument,
    baseline: &MeasureRecord,
    latest: &MeasureRecord,
    threshold: f64,
) -> Vec<Change> {
    let (MeasureResult::Answers { answers: a }, MeasureResult::Answers { answers: b }) =
        (&baseline.result, &latest.result)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    each_change(inst, a, b, threshold, |item, x, y, meaningful| {
        let (label, short) = item.map_or_else(
            || ("Score".to_owned(), "Score".to_owned()),
            |i| (inst.item_label(i), inst.short_label(i)),
        );
        let bands = item.map_or(&inst.bands, |i| &inst.items[i].bands);
        let band = |v: f64| Instrument::band_of(bands, v).map(str::to_owned);
        out.push(Change {
            label,
            short,
            baseline: x,
            latest: y,
            change: y - x,
            meaningful,
            baseline_band: band(x),
            latest_band: band(y),
        });
    });
    out
}

/// The changes that count for an instrument, from a referral's baseline to
/// its latest answers: each item's when the instrument is not scored, the
/// score's when it is. Calls `change` with the item (`None` for the score),
/// latest minus baseline, and whether that is a meaningful change for the
/// better (`Some(true)`), the worse, or neither. Allocates nothing.
pub fn headline_changes(
    r: &Referral,
    inst: &Instrument,
    threshold: f64,
    mut change: impl FnMut(Option<usize>, f64, Option<bool>),
) {
    let Some((first, last)) = baseline_and_latest(r, &inst.id) else {
        return;
    };
    let (MeasureResult::Answers { answers: a }, MeasureResult::Answers { answers: b }) =
        (&first.result, &last.result)
    else {
        return;
    };
    let scored = inst.scoring != Scoring::None;
    each_change(inst, a, b, threshold, |item, x, y, meaningful| {
        if item.is_none() == scored {
            change(item, y - x, meaningful);
        }
    });
}

/// Why a measure could not be recorded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MeasureError {
    #[error("Choose a questionnaire.")]
    UnknownInstrument,
    #[error("Answer every item, or record it as declined or not appropriate now.")]
    Incomplete,
    #[error("Item {item}: answers go from {min} to {max}.")]
    OutOfRange { item: usize, min: u8, max: u8 },
    #[error("Enter a real date that is not in the future, on or after the referral date.")]
    BadDate,
    #[error("Add the person's goals first (up to three, in their words).")]
    NoGoals,
    #[error("That referral is no longer in the workspace.")]
    NoSuchReferral,
    /// A review or closure dated before the baseline of the same questionnaire.
    #[error("The baseline for this questionnaire is on {0}: a review or closure cannot be dated before it. Check the date, or record this one as the baseline.")]
    BeforeBaseline(String),
    /// A baseline dated after a review or closure of the same questionnaire.
    #[error("There is a review or closure of this questionnaire on {0}: the baseline must come before it. Check the date and the time point.")]
    BaselineAfterReview(String),
    /// A second answered baseline for the same questionnaire.
    #[error(
        "There is already a baseline for this questionnaire, on {0}: record this one as a review."
    )]
    SecondBaseline(String),
}

/// How a questionnaire was recorded, as counted in figures.
pub const RECORDED_AS: [&str; 3] = ["Answered", "Declined", "Not appropriate"];

impl MeasureResult {
    /// Its place in [`RECORDED_AS`].
    pub fn recorded_as(&self) -> usize {
        match self {
            MeasureResult::Answers { .. } => 0,
            MeasureResult::Declined { .. } => 1,
            MeasureResult::NotAppropriate { .. } => 2,
        }
    }

    /// Checks answers against the instrument (`items` answers in range).
    pub fn check(&self, inst: &Instrument, items: usize) -> Result<(), MeasureError> {
        if let MeasureResult::Answers { answers } = self {
            if items == 0 {
                return Err(MeasureError::NoGoals);
            }
            if answers.len() != items {
                return Err(MeasureError::Incomplete);
            }
            if let Some(i) = answers.iter().position(|a| *a < inst.min || *a > inst.max) {
                return Err(MeasureError::OutOfRange {
                    item: i + 1,
                    min: inst.min,
                    max: inst.max,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swemwbs_converts_every_raw_score_by_the_published_table() {
        let inst = swemwbs();
        let expected = [
            (7, 7.00),
            (8, 9.51),
            (9, 11.25),
            (10, 12.40),
            (11, 13.33),
            (12, 14.08),
            (13, 14.75),
            (14, 15.32),
            (15, 15.84),
            (16, 16.36),
            (17, 16.88),
            (18, 17.43),
            (19, 17.98),
            (20, 18.59),
            (21, 19.25),
            (22, 19.98),
            (23, 20.73),
            (24, 21.54),
            (25, 22.35),
            (26, 23.21),
            (27, 24.11),
            (28, 25.03),
            (29, 26.02),
            (30, 27.03),
            (31, 28.13),
            (32, 29.31),
            (33, 30.70),
            (34, 32.55),
            (35, 35.00),
        ];
        for (raw, metric) in expected {
            // Any answers with this total give the same metric score.
            let mut answers = vec![1u8; 7];
            let mut left = raw - 7;
            for a in answers.iter_mut() {
                let add = left.min(4);
                *a += add as u8;
                left -= add;
            }
            assert_eq!(answers.iter().map(|a| u32::from(*a)).sum::<u32>(), raw);
            assert_eq!(inst.score(&answers), Some(metric), "raw {raw}");
        }
        assert_eq!(inst.score(&[1, 2, 3]), None, "a partial set has no score");
        assert_eq!(
            inst.item_label(0),
            "Item 1",
            "licensed wording is not shown"
        );
    }

    #[test]
    fn ons4_bands_hold_at_every_boundary() {
        let inst = ons4();
        let positive = &inst.items[0].bands;
        let expect = [
            (0, "Low"),
            (4, "Low"),
            (5, "Medium"),
            (6, "Medium"),
            (7, "High"),
            (8, "High"),
            (9, "Very high"),
            (10, "Very high"),
        ];
        for (v, label) in expect {
            assert_eq!(
                Instrument::band_of(positive, f64::from(v)),
                Some(label),
                "{v}"
            );
        }
        let anxiety = &inst.items[3].bands;
        let expect = [
            (0, "Very low"),
            (1, "Very low"),
            (2, "Low"),
            (3, "Low"),
            (4, "Medium"),
            (5, "Medium"),
            (6, "High"),
            (10, "High"),
        ];
        for (v, label) in expect {
            assert_eq!(
                Instrument::band_of(anxiety, f64::from(v)),
                Some(label),
                "anxiety {v}"
            );
        }
        assert!(!inst.items[3].higher_is_better);
        assert_eq!(inst.score(&[7, 7, 7, 7]), None, "ONS4 is never summed");
        assert!(inst.item_label(2).starts_with("Overall, how happy"));
    }

    fn record(id: u32, date: u32, tp: TimePoint, answers: Vec<u8>) -> MeasureRecord {
        MeasureRecord {
            id: MeasureId::legacy(id),
            instrument: "ons4".into(),
            time_point: tp,
            date: NaiveDate::from_ymd_opt(2026, 10, date).expect("date"),
            completion: Completion::SelfCompleted,
            result: MeasureResult::Answers { answers },
        }
    }

    #[test]
    fn change_takes_direction_and_threshold_into_account() {
        let inst = ons4();
        let base = record(1, 1, TimePoint::Baseline, vec![3, 4, 5, 8]);
        let later = record(2, 20, TimePoint::Review, vec![5, 4, 4, 5]);
        let c = changes(&inst, &base, &later, 1.0);
        assert_eq!(c.len(), 4, "items only: ONS4 has no score");
        assert_eq!((c[0].change, c[0].meaningful), (2.0, Some(true)));
        assert_eq!((c[1].change, c[1].meaningful), (0.0, None));
        assert_eq!((c[2].change, c[2].meaningful), (-1.0, Some(false)));
        assert_eq!(
            (c[3].change, c[3].meaningful),
            (-3.0, Some(true)),
            "less anxious is better"
        );
        let strict = changes(&inst, &base, &later, 3.0);
        assert_eq!(
            strict.iter().map(|c| c.meaningful).collect::<Vec<_>>(),
            vec![None, None, None, Some(true)]
        );
    }

    #[test]
    fn scored_instruments_report_the_score_change() {
        let inst = swemwbs();
        let mut base = record(1, 1, TimePoint::Baseline, vec![2; 7]); // raw 14 → 15.32
        base.instrument = "swemwbs".into();
        let mut later = record(2, 9, TimePoint::Review, vec![3; 7]); // raw 21 → 19.25
        later.instrument = "swemwbs".into();
        let c = changes(&inst, &base, &later, 3.0);
        let score = c.last().expect("score");
        assert_eq!(score.label, "Score");
        assert!((score.change - 3.93).abs() < 1e-9);
        assert_eq!(score.meaningful, Some(true));
        assert!(
            c[..7].iter().all(|i| i.meaningful.is_none()),
            "items of a scored instrument are not judged"
        );
    }

    #[test]
    fn answers_are_checked_against_the_instrument() {
        let inst = ons4();
        assert_eq!(
            MeasureResult::Answers {
                answers: vec![1, 2, 3]
            }
            .check(&inst, 4),
            Err(MeasureError::Incomplete)
        );
        assert_eq!(
            MeasureResult::Answers {
                answers: vec![1, 2, 11, 3]
            }
            .check(&inst, 4),
            Err(MeasureError::OutOfRange {
                item: 3,
                min: 0,
                max: 10
            })
        );
        assert_eq!(
            MeasureResult::Declined {
                reason: String::new()
            }
            .check(&inst, 4),
            Ok(())
        );
        assert_eq!(
            MeasureResult::Answers { answers: vec![] }.check(&goals(), 0),
            Err(MeasureError::NoGoals)
        );
    }

    #[test]
    fn a_good_instrument_file_loads_and_bad_ones_say_why() {
        let good = crate::testing::fixture("instruments/wellbeing-star.json");
        let inst = read_instrument(&good).expect("valid");
        assert_eq!(inst.items.len(), 4);
        assert_eq!(inst.score(&[5, 6, 7, 8]), Some(26.0));
        assert_eq!(
            Instrument::band_of(&inst.bands, 26.0),
            Some("Getting there")
        );
        let wording = crate::testing::fixture("instruments/swemwbs-wording.json");
        let sw = read_instrument(&wording).expect("valid");
        assert_eq!(
            sw.item_label(0),
            "Wording supplied by the organisation, item 1"
        );
        assert_eq!(sw.score(&[5; 7]), Some(35.0), "the built-in scoring stays");
        let cases = [
            ("{", "stops part-way through"),
            (
                "{\"format\":\"linkwork.instrument\",\"version\":1,\"id\":\"x\"}",
                "\u{201c}name\u{201d} is missing",
            ),
            (
                "{\"format\":\"other\",\"version\":1}",
                "not a Linkwork instrument file",
            ),
            (
                &good.replace("\"version\": 1", "\"version\": 7"),
                "newer version",
            ),
            (
                &good.replace("\"min\": 1", "\"min\": 11"),
                "must be below the highest",
            ),
            (
                &good.replace(
                    "\"kind\": \"sum\"",
                    "\"kind\": \"lookup\", \"table\": [1, 2]",
                ),
                "lookup table must have 37 entries",
            ),
            (&good.replace("\"max\": 20,", "\"max\": 34,"), "overlaps"),
            (
                &good.replace("\"id\": \"wellbeing-star\"", "\"id\": \"Wellbeing Star\""),
                "id must be lower-case",
            ),
            (
                &wording.replace(
                    "\"text\": \"Wording supplied by the organisation, item 7\"",
                    "\"text\": \"\"",
                ),
                "item 7 has no wording",
            ),
        ];
        for (text, message) in cases {
            let err = read_instrument(text).expect_err(message).to_string();
            assert!(err.contains(message), "{err} should mention {message}");
            for jargon in ["EOF", "column", "parsing", "invalid type", "`"] {
                assert!(!err.contains(jargon), "{err} speaks parser ({jargon})");
            }
        }
    }
}

/// What the measure form holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureDraft {
    pub instrument: String,
    pub time_point: TimePoint,
    /// ISO date.
    pub date: String,
    pub completion: Completion,
    pub result: MeasureResult,
}

impl crate::model::Workspace {
    /// The instruments on offer: the built-in ones (with any wording loaded
    /// for them), then loaded ones.
    pub fn instruments(&self) -> Vec<Instrument> {
        let loaded = |id: &str| {
            self.settings
                .instruments
                .iter()
                .find(|i| i.id == id)
                .cloned()
        };
        let mut list = vec![
            loaded("ons4").unwrap_or_else(ons4),
            loaded("swemwbs").unwrap_or_else(swemwbs),
            goals(),
        ];
        list.extend(
            self.settings
                .instruments
                .iter()
                .filter(|i| !["ons4", "swemwbs", "goals"].contains(&i.id.as_str()))
                .cloned(),
        );
        list
    }

    /// An instrument by id, with a referral's goals as items for "goals".
    pub fn instrument_for(&self, id: &str, referral: &Referral) -> Option<Instrument> {
        let mut inst = self.instruments().into_iter().find(|i| i.id == id)?;
        if inst.id == "goals" {
            inst.items = referral
                .goals
                .iter()
                .enumerate()
                .map(|(i, g)| Item {
                    id: (i + 1).to_string(),
                    text: g.clone(),
                    low_label: "Not at all".into(),
                    high_label: "Completely".into(),
                    higher_is_better: true,
                    bands: Vec::new(),
                })
                .collect();
        }
        Some(inst)
    }

    /// The meaningful change for an instrument.
    pub fn threshold(&self, inst: &Instrument) -> f64 {
        self.settings
            .change_thresholds
            .get(&inst.id)
            .copied()
            .unwrap_or(inst.meaningful_change)
    }

    /// Adds a loaded instrument (or wording), replacing one with its id.
    pub fn add_instrument(&mut self, inst: Instrument) {
        self.settings.instruments.retain(|i| i.id != inst.id);
        self.settings.instruments.push(inst);
    }

    /// Records a measure. Returns the chunk to save.
    pub fn record_measure(
        &mut self,
        referral: crate::model::ReferralId,
        draft: &MeasureDraft,
        today: NaiveDate,
    ) -> Result<u32, MeasureError> {
        let r = self
            .referrals
            .get(&referral)
            .ok_or(MeasureError::NoSuchReferral)?;
        let inst = self
            .instrument_for(&draft.instrument, r)
            .ok_or(MeasureError::UnknownInstrument)?;
        let date = NaiveDate::parse_from_str(draft.date.trim(), "%Y-%m-%d")
            .map_err(|_| MeasureError::BadDate)?;
        if date > today || date < r.referral_date {
            return Err(MeasureError::BadDate);
        }
        draft.result.check(&inst, inst.items.len())?;
        // Change is measured from the record marked Baseline, so the time
        // points must come in order.
        let day = |d: NaiveDate| d.format("%-d %b %Y").to_string();
        let same = || {
            r.measures
                .iter()
                .filter(|m| m.instrument == draft.instrument)
        };
        let answered = matches!(draft.result, MeasureResult::Answers { .. });
        if draft.time_point == TimePoint::Baseline {
            if let Some(review) = same()
                .filter(|m| m.time_point != TimePoint::Baseline && m.date < date)
                .map(|m| m.date)
                .min()
            {
                return Err(MeasureError::BaselineAfterReview(day(review)));
            }
            if let Some(first) = same()
                .filter(|m| {
                    m.time_point == TimePoint::Baseline
                        && matches!(m.result, MeasureResult::Answers { .. })
                })
                .map(|m| m.date)
                .min()
                .filter(|_| answered)
            {
                return Err(MeasureError::SecondBaseline(day(first)));
            }
        } else if let Some(baseline) = same()
            .filter(|m| m.time_point == TimePoint::Baseline && m.date > date)
            .map(|m| m.date)
            .min()
        {
            return Err(MeasureError::BeforeBaseline(day(baseline)));
        }
        let r = self
            .changeable(referral)
            .ok_or(MeasureError::NoSuchReferral)?;
        let id = MeasureId::new();
        r.measures.push(MeasureRecord {
            id,
            instrument: draft.instrument.clone(),
            time_point: draft.time_point,
            date,
            completion: draft.completion,
            result: draft.result.clone(),
        });
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Changes one referral's outcome records with `change`; gives the chunk
    /// to save.
    fn change_referral(
        &mut self,
        referral: crate::model::ReferralId,
        change: impl FnOnce(&mut Referral) -> Result<(), MeasureError>,
    ) -> Result<u32, MeasureError> {
        let r = self
            .changeable(referral)
            .ok_or(MeasureError::NoSuchReferral)?;
        change(r)?;
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Sets the person's goals (blank ones are dropped; at most three).
    pub fn set_goals(
        &mut self,
        referral: crate::model::ReferralId,
        goals: &[String],
    ) -> Result<u32, MeasureError> {
        self.change_referral(referral, |r| {
            r.goals = goals
                .iter()
                .map(|g| g.trim().to_owned())
                .filter(|g| !g.is_empty())
                .take(MAX_GOALS)
                .collect();
            Ok(())
        })
    }

    /// Records the person's feedback.
    pub fn set_feedback(
        &mut self,
        referral: crate::model::ReferralId,
        feedback: Feedback,
    ) -> Result<u32, MeasureError> {
        if feedback.satisfaction.is_some_and(|s| !(1..=5).contains(&s)) {
            return Err(MeasureError::OutOfRange {
                item: 1,
                min: 1,
                max: 5,
            });
        }
        let empty = feedback
            == Feedback {
                date: feedback.date,
                ..Feedback::default()
            };
        self.change_referral(referral, |r| {
            r.feedback = (!empty).then_some(Feedback {
                quote: feedback.quote.trim().to_owned(),
                ..feedback
            });
            Ok(())
        })
    }
}

#[cfg(test)]
mod workspace_tests {
    use super::*;
    use crate::testing::{one_referral_ws, today};

    fn draft(instrument: &str, tp: TimePoint, date: &str, result: MeasureResult) -> MeasureDraft {
        MeasureDraft {
            instrument: instrument.into(),
            time_point: tp,
            date: date.into(),
            completion: Completion::SelfCompleted,
            result,
        }
    }

    #[test]
    fn measures_are_recorded_declined_or_refused_with_a_reason() {
        let mut ws = one_referral_ws(); // referred 2 Nov 2026
        let id = *ws.referrals.keys().next().expect("one");
        let answers = |a: Vec<u8>| MeasureResult::Answers { answers: a };
        assert_eq!(
            ws.record_measure(
                id,
                &draft(
                    "ons4",
                    TimePoint::Baseline,
                    "2026-11-01",
                    answers(vec![1, 2, 3, 4])
                ),
                today()
            ),
            Err(MeasureError::BadDate)
        );
        assert_eq!(
            ws.record_measure(
                id,
                &draft(
                    "ons4",
                    TimePoint::Baseline,
                    "2026-11-03",
                    answers(vec![1, 2, 3])
                ),
                today()
            ),
            Err(MeasureError::Incomplete)
        );
        assert_eq!(
            ws.record_measure(
                id,
                &draft("nope", TimePoint::Baseline, "2026-11-03", answers(vec![1])),
                today()
            ),
            Err(MeasureError::UnknownInstrument)
        );
        ws.record_measure(
            id,
            &draft(
                "ons4",
                TimePoint::Baseline,
                "2026-11-03",
                answers(vec![3, 4, 5, 8]),
            ),
            today(),
        )
        .expect("baseline");
        ws.record_measure(
            id,
            &draft(
                "swemwbs",
                TimePoint::Baseline,
                "2026-11-03",
                MeasureResult::Declined {
                    reason: "Too distressing today".into(),
                },
            ),
            today(),
        )
        .expect("declined is data");
        ws.record_measure(
            id,
            &draft(
                "ons4",
                TimePoint::Review,
                "2026-11-20",
                answers(vec![6, 6, 6, 4]),
            ),
            today(),
        )
        .expect("review");
        let r = &ws.referrals[&id];
        assert_eq!(r.measures.len(), 3);
        let (b, l) = baseline_and_latest(r, "ons4").expect("a pair");
        let inst = ws.instrument_for("ons4", r).expect("ons4");
        let c = changes(&inst, b, l, ws.threshold(&inst));
        assert_eq!(c.iter().filter(|c| c.meaningful == Some(true)).count(), 4);
        assert!(
            baseline_and_latest(r, "swemwbs").is_none(),
            "a declined measure has no change"
        );
    }

    #[test]
    fn change_is_measured_from_the_record_marked_baseline_and_time_points_keep_their_order() {
        let mut ws = one_referral_ws(); // referred 2 Nov 2026
        let id = *ws.referrals.keys().next().expect("one");
        let answers = |a: Vec<u8>| MeasureResult::Answers { answers: a };
        ws.record_measure(
            id,
            &draft(
                "ons4",
                TimePoint::Baseline,
                "2026-11-10",
                answers(vec![3, 3, 3, 8]),
            ),
            today(),
        )
        .expect("baseline");
        // A review dated before the baseline is refused, naming the baseline's day.
        let early = ws.record_measure(
            id,
            &draft(
                "ons4",
                TimePoint::Review,
                "2026-11-05",
                answers(vec![7, 7, 7, 2]),
            ),
            today(),
        );
        assert_eq!(
            early,
            Err(MeasureError::BeforeBaseline("10 Nov 2026".into()))
        );
        assert!(early
            .expect_err("refused")
            .to_string()
            .contains("cannot be dated before it"));
        // So is a second answered baseline.
        assert_eq!(
            ws.record_measure(
                id,
                &draft(
                    "ons4",
                    TimePoint::Baseline,
                    "2026-11-12",
                    answers(vec![4, 4, 4, 6])
                ),
                today()
            ),
            Err(MeasureError::SecondBaseline("10 Nov 2026".into()))
        );
        ws.record_measure(
            id,
            &draft(
                "ons4",
                TimePoint::Review,
                "2026-11-20",
                answers(vec![6, 6, 6, 4]),
            ),
            today(),
        )
        .expect("review");
        // A baseline after a review of the same questionnaire is refused.
        assert_eq!(
            ws.record_measure(
                id,
                &draft(
                    "swemwbs",
                    TimePoint::Review,
                    "2026-11-15",
                    answers(vec![3; 7])
                ),
                today()
            ),
            Ok(ws.chunk_of(ws.referrals[&id].person).unwrap_or_default())
        );
        assert_eq!(
            ws.record_measure(
                id,
                &draft(
                    "swemwbs",
                    TimePoint::Baseline,
                    "2026-11-18",
                    answers(vec![2; 7])
                ),
                today()
            ),
            Err(MeasureError::BaselineAfterReview("15 Nov 2026".into()))
        );
        let r = &ws.referrals[&id];
        let (b, l) = baseline_and_latest(r, "ons4").expect("a pair");
        assert_eq!(
            (b.time_point, l.time_point),
            (TimePoint::Baseline, TimePoint::Review)
        );
        assert!(
            baseline_and_latest(r, "swemwbs").is_none(),
            "no baseline, no change"
        );

        // Records from before this check (a review earlier than the baseline)
        // are still measured from the baseline, never backwards.
        let mut r = r.clone();
        let mut early = r
            .measures
            .iter()
            .find(|m| m.time_point == TimePoint::Review && m.instrument == "ons4")
            .expect("review")
            .clone();
        early.id = MeasureId::new();
        early.date = NaiveDate::from_ymd_opt(2026, 11, 3).expect("date");
        early.result = answers(vec![9, 9, 9, 0]);
        r.measures.push(early);
        let (b, l) = baseline_and_latest(&r, "ons4").expect("a pair");
        assert_eq!(
            b.date,
            NaiveDate::from_ymd_opt(2026, 11, 10).expect("date"),
            "the marked baseline"
        );
        assert_eq!(l.date, NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"));
    }

    #[test]
    fn ons4_values_are_shown_with_their_bands_everywhere() {
        let inst = ons4();
        assert_eq!(
            inst.describe_answers(&[4, 7, 9, 6]),
            "Life satisfaction 4 (Low), Worthwhile 7 (High), Happiness 9 (Very high), Anxiety 6 (High)"
        );
        let m = |tp, date: &str, a: Vec<u8>| MeasureRecord {
            id: MeasureId::default(),
            instrument: "ons4".into(),
            time_point: tp,
            date: date.parse().expect("date"),
            completion: Completion::SelfCompleted,
            result: MeasureResult::Answers { answers: a },
        };
        let c = changes(
            &inst,
            &m(TimePoint::Baseline, "2026-11-03", vec![4, 5, 6, 1]),
            &m(TimePoint::Review, "2026-11-20", vec![7, 9, 6, 6]),
            1.0,
        );
        let bands: Vec<(Option<&str>, Option<&str>)> = c
            .iter()
            .map(|c| (c.baseline_band.as_deref(), c.latest_band.as_deref()))
            .collect();
        assert_eq!(
            bands,
            vec![
                (Some("Low"), Some("High")),
                (Some("Medium"), Some("Very high")),
                (Some("Medium"), Some("Medium")),
                (Some("Very low"), Some("High"))
            ]
        );
        assert_eq!(with_band(7.0, Some("High")), "7 (High)");
        assert_eq!(with_band(23.21, None), "23.21");
        // SWEMWBS has no item bands: values in order, then the score.
        assert_eq!(
            swemwbs().describe_answers(&[3; 7]),
            "3, 3, 3, 3, 3, 3, 3; score 19.25"
        );
    }

    #[test]
    fn goals_are_the_items_of_the_goals_measure() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        let d = draft(
            "goals",
            TimePoint::Baseline,
            "2026-11-03",
            MeasureResult::Answers {
                answers: vec![3, 4],
            },
        );
        assert_eq!(
            ws.record_measure(id, &d, today()),
            Err(MeasureError::NoGoals)
        );
        ws.set_goals(
            id,
            &[
                "Walk to the shops".into(),
                " ".into(),
                "Sleep better".into(),
                "Join a choir".into(),
                "Fourth".into(),
            ],
        )
        .expect("set");
        assert_eq!(
            ws.referrals[&id].goals,
            vec!["Walk to the shops", "Sleep better", "Join a choir"]
        );
        assert_eq!(
            ws.record_measure(id, &d, today()),
            Err(MeasureError::Incomplete)
        );
        let d = draft(
            "goals",
            TimePoint::Baseline,
            "2026-11-03",
            MeasureResult::Answers {
                answers: vec![3, 4, 2],
            },
        );
        ws.record_measure(id, &d, today()).expect("recorded");
        let inst = ws
            .instrument_for("goals", &ws.referrals[&id])
            .expect("goals");
        assert_eq!(inst.item_label(1), "Sleep better");
    }

    #[test]
    fn loaded_wording_and_thresholds_apply() {
        let mut ws = one_referral_ws();
        let wording = read_instrument(&crate::testing::fixture("instruments/swemwbs-wording.json"))
            .expect("valid");
        ws.add_instrument(wording);
        let star = read_instrument(&crate::testing::fixture("instruments/wellbeing-star.json"))
            .expect("valid");
        ws.add_instrument(star);
        let ids: Vec<String> = ws.instruments().into_iter().map(|i| i.id).collect();
        assert_eq!(ids, vec!["ons4", "swemwbs", "goals", "wellbeing-star"]);
        assert!(ws.instruments()[1]
            .item_label(0)
            .starts_with("Wording supplied"));
        let ons = ons4();
        assert_eq!(ws.threshold(&ons), 1.0);
        ws.settings.change_thresholds.insert("ons4".into(), 2.0);
        assert_eq!(ws.threshold(&ons), 2.0);
    }

    #[test]
    fn feedback_keeps_the_quote_private_unless_shareable_is_chosen() {
        let mut ws = one_referral_ws();
        let id = *ws.referrals.keys().next().expect("one");
        let fb = Feedback {
            date: Some(today()),
            satisfaction: Some(5),
            would_recommend: Some(true),
            quote: " It got me out of the house ".into(),
        };
        ws.set_feedback(id, fb).expect("saved");
        let saved = ws.referrals[&id].feedback.clone().expect("feedback");
        assert_eq!(saved.quote, "It got me out of the house");
        assert_eq!(ws.referrals[&id].shareable_quote(), None, "off by default");
        crate::work::consent::answer(
            &mut ws,
            id,
            crate::model::consent::ConsentAbout::Quote,
            crate::model::consent::ConsentAnswer::Yes,
        );
        assert_eq!(
            ws.referrals[&id].shareable_quote(),
            Some("It got me out of the house")
        );
        crate::work::consent::answer(
            &mut ws,
            id,
            crate::model::consent::ConsentAbout::Quote,
            crate::model::consent::ConsentAnswer::No,
        );
        assert_eq!(ws.referrals[&id].shareable_quote(), None, "withdrawn");
        assert_eq!(
            ws.set_feedback(
                id,
                Feedback {
                    satisfaction: Some(6),
                    ..Feedback::default()
                },
            ),
            Err(MeasureError::OutOfRange {
                item: 1,
                min: 1,
                max: 5
            })
        );
    }
}
