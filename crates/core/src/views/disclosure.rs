//! Statistical disclosure control for summary files: every count is rounded
//! to a multiple of 5 by controlled random rounding, driven by record keys as
//! in the cell key method.
//!
//! - Each record (referral, contact, connection, questionnaire, outcome pair)
//!   has a random record key kept in the workspace and never exported. A
//!   cell's key is the sum of its records' keys, so the same records give
//!   the same rounding in every table and every file.
//! - Counts are rounded once, at the finest grain (one month at one
//!   practice), and a population's parts are rounded so that they add up to
//!   its rounded total (systematic sampling with an offset from the cell
//!   key). A count is rounded up with probability (count mod 5) / 5, so
//!   sums stay unbiased.
//! - Every figure a file holds is a sum of these rounded cells. So any set
//!   of files says no more than the rounded cells themselves, and the
//!   rounded cells are themselves a possible true caseload: every table adds
//!   up, and a multiple of 5 is never changed by rounding. A true count from
//!   1 to 4 is never a multiple of 5, so it always differs from that other
//!   possible caseload, and can never be worked out exactly, from any
//!   number of files or tables.

use crate::model::RecordKey;

/// Counts are published as multiples of this.
pub const BASE: u32 = 5;

/// A breakdown (by referrer, reason, demography, outcome, ending, …) is
/// published only for a group of at least this many, both as counted and
/// as rounded.
pub const SMALLEST_GROUP: u32 = 10;

/// Records counted in one cell: how many, and the sum of their keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: u32,
    pub key: u64,
}

impl Tally {
    /// Counts one record.
    pub fn add(&mut self, key: u64) {
        self.count += 1;
        self.key = self.key.wrapping_add(key);
    }

    /// The records of `self` that are not in `part` (a subset of it).
    pub fn less(self, part: Tally) -> Tally {
        Tally {
            count: self.count - part.count,
            key: self.key.wrapping_sub(part.key),
        }
    }
}

/// A number drawn from a cell key, uniform in 0..2^32, one per purpose.
fn draw(key: u64, purpose: &[u8]) -> u64 {
    RecordKey::hashed(&key.to_le_bytes(), purpose).0 >> 32
}

const SCALE: u64 = 1 << 32;

/// Rounds a population's total on its own: up with probability
/// (count mod 5) / 5, decided by its cell key.
pub fn round_total(t: Tally) -> u32 {
    let rest = t.count % BASE;
    let down = t.count - rest;
    let u = draw(t.key, b"total");
    if u * u64::from(BASE) < u64::from(rest) * SCALE {
        down + BASE
    } else {
        down
    }
}

/// Rounds the parts of a population whose rounded total is `rounded` (which
/// must be the total's count rounded down or up to a multiple of 5), so
/// that they add up to it. Each part is rounded down or up, and parts are
/// chosen to round up by systematic sampling over their remainders, in an
/// order and from an offset drawn from the cell keys.
pub fn round_parts(total: Tally, rounded: u32, parts: &[Tally]) -> Vec<u32> {
    let rest = total.count % BASE;
    let up = rounded > total.count;
    // The offset s, scaled by 2^32: in (0, rest] when the total went up, in
    // (rest, 5] when it went down, so exactly the right number of parts go up.
    let v = draw(total.key, b"offset");
    let (from, width) = if up {
        (0, u64::from(rest))
    } else {
        (u64::from(rest), u64::from(BASE - rest))
    };
    // v < 2^32, so v × width is below width × 2^32.
    let s = from * SCALE + 1 + v * width;
    let period = u64::from(BASE) * SCALE;
    // How many of the points s, s + 5, s + 10, … are at or below `r`.
    let points = |r: u64| {
        let r = r * SCALE;
        if r < s {
            0
        } else {
            (r - s) / period + 1
        }
    };
    let mut order: Vec<usize> = (0..parts.len()).collect();
    crate::model::order::sort_by_key(&mut order, |i| (draw(parts[*i].key, b"order"), *i));
    let mut out: Vec<u32> = parts.iter().map(|p| p.count - p.count % BASE).collect();
    let mut cumulative = 0u64;
    for i in order {
        let r = u64::from(parts[i].count % BASE);
        if r == 0 {
            continue;
        }
        let before = points(cumulative);
        cumulative += r;
        if points(cumulative) > before {
            out[i] += BASE;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn tally(count: u32, key: u64) -> Tally {
        Tally { count, key }
    }

    proptest! {
        /// Parts add up to the rounded total, each part is its count rounded
        /// down or up to a multiple of 5, and a multiple of 5 stays as it is.
        #[test]
        fn parts_add_up_and_move_by_less_than_five(
            counts in proptest::collection::vec(0u32..30, 1..10),
            keys in proptest::collection::vec(any::<u64>(), 10),
            total_key in any::<u64>(),
        ) {
            let parts: Vec<Tally> = counts.iter().zip(&keys).map(|(c, k)| tally(*c, *k)).collect();
            let total = tally(counts.iter().sum(), total_key);
            let rounded = round_total(total);
            prop_assert!(rounded.is_multiple_of(BASE) && rounded.abs_diff(total.count) < BASE);
            let out = round_parts(total, rounded, &parts);
            prop_assert_eq!(out.iter().sum::<u32>(), rounded);
            for (c, o) in counts.iter().zip(&out) {
                prop_assert!(o.is_multiple_of(BASE) && o.abs_diff(*c) < BASE, "{} -> {}", c, o);
                if c.is_multiple_of(BASE) {
                    prop_assert_eq!(o, c);
                }
            }
            // Either rounding of the total can be met.
            let other = if rounded > total.count { rounded - BASE } else if total.count.is_multiple_of(BASE) { rounded } else { rounded + BASE };
            prop_assert_eq!(round_parts(total, other, &parts).iter().sum::<u32>(), other);
        }
    }

    #[test]
    fn rounding_is_unbiased_over_keys() {
        // A count of 2 rounds up to 5 about 2 times in 5.
        let ups = (0..5000u64)
            .filter(|k| round_total(tally(2, k.wrapping_mul(0x9e37_79b9_7f4a_7c15))) == 5)
            .count();
        assert!((1800..2200).contains(&ups), "{ups} of 5000");
        // A part of 1 among parts of 1 and 3 (total 4, rounded to 5) goes up
        // about a quarter of the time.
        let mut ones = 0;
        for k in 0..4000u64 {
            let key = |n: u64| (k * 7 + n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let out = round_parts(tally(4, key(0)), 5, &[tally(1, key(1)), tally(3, key(2))]);
            assert_eq!(out.iter().sum::<u32>(), 5);
            ones += usize::from(out[0] == 5);
        }
        assert!((800..1200).contains(&ones), "{ones} of 4000");
    }

    #[test]
    fn the_same_records_round_the_same_way() {
        let t = tally(7, 12345);
        assert_eq!(round_total(t), round_total(t));
        let parts = [tally(3, 1), tally(4, 12344)];
        assert_eq!(round_parts(t, 5, &parts), round_parts(t, 5, &parts));
    }
}
