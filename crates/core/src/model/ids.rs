//! Where new entries' ids come from: each entry (a contact, a task, a consent answer…) gets
//! an id when it is made that is unique across every copy of the record (a colleague's
//! during cover, other PCs through sync, calendars), and never reused.
//!
//! Ids are UUIDv7 (RFC 9562): the time they were made, to the millisecond, then 74 random
//! bits from the platform's cryptographic random source. Sorting entries by id sorts them
//! by when they were made, on every copy, so lists merge into one order and a tie between
//! two answers given on the same day goes to the one recorded later.
//!
//! Entries numbered "largest + 1" by earlier versions (format 6 and before) keep their
//! identity as a fixed id made from the number ([`legacy`]): every copy of the same old
//! entry gets the same id, and they sort before every new one, in their old order.
//!
//! The app names its source once at start ([`use_platform`]: `crypto.getRandomValues` and
//! the clock). Tests and simulations use a seeded source ([`seeded`]); with neither, ids
//! come from a counter unique within this process (native tests only).

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

/// The platform's random source and clock.
#[derive(Clone, Copy, Debug)]
pub struct Platform {
    /// Fills the buffer with cryptographically random bytes.
    pub fill: fn(&mut [u8]),
    /// Milliseconds since 1970-01-01 UTC.
    pub now_ms: fn() -> u64,
}

static PLATFORM: OnceLock<Platform> = OnceLock::new();

/// The last millisecond used, so ids made in one burst still sort in the order they were
/// made (each takes the next millisecond when the clock has not moved on).
static LAST_MS: AtomicU64 = AtomicU64::new(0);

/// Ids for native tests without a seeded source: 2026-01-01 plus a counter.
static COUNTER: AtomicU64 = AtomicU64::new(0);
const COUNTER_EPOCH_MS: u64 = 1_767_225_600_000;

thread_local! {
    static SEEDED: RefCell<Option<Seeded>> = const { RefCell::new(None) };
}

/// A seeded source: deterministic ids for a simulation or a test.
struct Seeded {
    rng: ChaCha8Rng,
    ms: u64,
}

/// Makes new ids from the platform's random source and clock from now on (the app calls it
/// once, before anything is made). A second call is ignored.
pub fn use_platform(platform: Platform) {
    let _ = PLATFORM.set(platform);
}

/// Runs `f` with new ids on this thread coming from a generator seeded with `seed`, each a
/// millisecond after the last from `start_ms`: the same seed makes the same ids.
pub fn seeded<R>(seed: u64, start_ms: u64, f: impl FnOnce() -> R) -> R {
    let before = SEEDED.with(|s| {
        s.borrow_mut().replace(Seeded {
            rng: ChaCha8Rng::seed_from_u64(seed),
            ms: start_ms,
        })
    });
    // Restored even if `f` panics (a failing test), so the next test on this thread is not
    // left with the seeded source.
    struct Restore(Option<Option<Seeded>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = self.0.take().flatten();
            SEEDED.with(|s| *s.borrow_mut() = before);
        }
    }
    let _restore = Restore(Some(before));
    f()
}

/// A new UUIDv7.
pub fn fresh() -> Uuid {
    let seeded = SEEDED.with(|s| {
        s.borrow_mut().as_mut().map(|s| {
            s.ms += 1;
            let mut bytes = [0u8; 10];
            s.rng.fill_bytes(&mut bytes);
            (s.ms, bytes)
        })
    });
    let (ms, bytes) = match (seeded, PLATFORM.get()) {
        (Some(made), _) => made,
        (None, Some(p)) => {
            let mut bytes = [0u8; 10];
            (p.fill)(&mut bytes);
            let now = (p.now_ms)();
            let ms = LAST_MS
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
                    Some(now.max(last + 1))
                })
                .map_or(now, |last| now.max(last + 1));
            (ms, bytes)
        }
        (None, None) => {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
            let mut rng = ChaCha8Rng::seed_from_u64(n);
            let mut bytes = [0u8; 10];
            rng.fill_bytes(&mut bytes);
            (COUNTER_EPOCH_MS + n, bytes)
        }
    };
    uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid()
}

/// The id an entry numbered `n` by an earlier version has from now on: a UUIDv8 whose time
/// part is zero (so it sorts before every new id) and which carries the number (so old
/// entries keep their order). The same on every copy, so the same old entry on two PCs is
/// still one entry.
pub fn legacy(n: u32) -> Uuid {
    let mut bytes = [0u8; 16];
    bytes[12..16].copy_from_slice(&n.to_be_bytes());
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The number of an id made by [`legacy`], if it is one.
pub fn legacy_number(id: Uuid) -> Option<u32> {
    let candidate = u32::from_be_bytes(id.as_bytes()[12..16].try_into().ok()?);
    (legacy(candidate) == id).then_some(candidate)
}

/// An entry id as it may be stored: a UUID (this version), or a number (format 6 and
/// before, read as its [`legacy`] id).
pub fn parse(text: &str) -> Option<Uuid> {
    Uuid::parse_str(text)
        .ok()
        .or_else(|| text.parse::<u32>().ok().map(legacy))
}

/// An entry id as stored, read once for every id type (one reading routine in the download,
/// not one per type): a UUID, or an earlier version's number.
#[derive(Clone, Copy, Debug)]
pub struct Stored(pub Uuid);

impl<'de> serde::Deserialize<'de> for Stored {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Stored;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an entry's id")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Stored, E> {
                u32::try_from(n)
                    .map(|n| Stored(legacy(n)))
                    .map_err(|_| E::custom("an entry's number is too large"))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Stored, E> {
                u32::try_from(n)
                    .map(|n| Stored(legacy(n)))
                    .map_err(|_| E::custom("an entry's number is out of range"))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Stored, E> {
                parse(text)
                    .map(Stored)
                    .ok_or_else(|| E::custom("an entry's id is not one Linkwork makes"))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// An id type for entries within a record: a UUID, stored as its hyphenated text, read from
/// that or from an earlier version's number.
macro_rules! entry_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A new id, unique across every copy (see [`crate::model::ids`]).
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self($crate::model::ids::fresh())
            }

            /// The id an entry numbered `n` by an earlier version has now.
            pub fn legacy(n: u32) -> Self {
                Self($crate::model::ids::legacy(n))
            }

            /// The earlier version's number, for an entry made before ids were unique.
            pub fn legacy_number(self) -> Option<u32> {
                $crate::model::ids::legacy_number(self.0)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0.hyphenated())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$crate::model::ids::Stored as serde::Deserialize>::deserialize(d).map(|s| Self(s.0))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match $crate::model::ids::parse(s.trim()) {
                    Some(id) => Ok(Self(id)),
                    None => uuid::Uuid::parse_str(s).map(Self),
                }
            }
        }
    };
}

pub(crate) use entry_id;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_sort_in_the_order_they_were_made_and_after_every_old_number() {
        let made: Vec<Uuid> = seeded(7, 1_800_000_000_000, || (0..50).map(|_| fresh()).collect());
        let mut sorted = made.clone();
        sorted.sort();
        assert_eq!(made, sorted, "made in order, sorted in order");
        assert!(made.iter().all(|id| id.get_version_num() == 7));
        assert!(legacy(u32::MAX) < made[0], "old entries come first");
        assert!(legacy(2) < legacy(10), "old entries keep their order");
    }

    #[test]
    fn the_same_seed_makes_the_same_ids_and_another_seed_others() {
        let run = |seed| seeded(seed, 0, || (0..5).map(|_| fresh()).collect::<Vec<_>>());
        assert_eq!(run(1), run(1));
        let (a, b) = (run(1), run(2));
        assert!(
            a.iter().all(|id| !b.contains(id)),
            "two copies never make one id"
        );
    }

    #[test]
    fn an_old_number_is_the_same_id_on_every_copy_and_reads_back() {
        assert_eq!(legacy(4), legacy(4));
        assert_ne!(legacy(4), legacy(5));
        assert_eq!(legacy_number(legacy(4)), Some(4));
        assert_eq!(parse("4"), Some(legacy(4)));
        let new = seeded(3, 0, fresh);
        assert_eq!(legacy_number(new), None, "a new id is not an old number");
        assert_eq!(parse(&new.to_string()), Some(new));
        assert_eq!(parse("not an id"), None);
    }

    #[test]
    fn without_a_seed_ids_are_still_never_repeated() {
        let ids: std::collections::BTreeSet<Uuid> = (0..1000).map(|_| fresh()).collect();
        assert_eq!(ids.len(), 1000);
    }
}
