//! One stable sort for the whole program.
//!
//! The standard library's stable sort is compiled afresh for every element type and
//! comparison: about 3.4 KB of wasm each, and Linkwork sorts in some forty places
//! (150 KB of the download). Here the sorting itself is compiled once, over positions
//! with a comparison behind a reference; each call site adds only the small step that
//! moves its elements into place. It stays stable: equal elements keep their order.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal elements in their order (like `slice::sort_by`).
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = {
        let items = &*items;
        stable_order(items.len(), &mut |a, b| compare(&items[a], &items[b]))
    };
    rearrange(items, order);
}

/// Sorts `items` by a key, keeping equal keys in their order (like `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The positions of `len` elements in their sorted order. Compiled once.
fn stable_order(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Puts element `order[i]` at position `i`, in place, by following each cycle of the
/// permutation once.
fn rearrange<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut at = start;
        loop {
            let from = order[at];
            // Mark `at` as placed; a placed position points at itself.
            order[at] = at;
            if from == start || from == at {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn sorts_and_keeps_equal_elements_in_order() {
        let mut items = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        sort_by_key(&mut items, |(k, _)| *k);
        assert_eq!(items, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
        sort_by(&mut items, |a, b| b.0.cmp(&a.0));
        assert_eq!(items, [(2, 'a'), (2, 'c'), (1, 'b'), (1, 'e'), (0, 'd')]);
    }

    #[test]
    fn empty_and_single_lists_are_left_alone() {
        let mut none: Vec<String> = vec![];
        sort_by(&mut none, Ord::cmp);
        assert!(none.is_empty());
        let mut one = vec!["only".to_owned()];
        sort_by(&mut one, Ord::cmp);
        assert_eq!(one, ["only"]);
    }

    proptest! {
        /// Same result as the standard library's stable sort, for any list and any
        /// comparison that leaves ties (keys with few values, tagged with their place).
        #[test]
        fn matches_the_standard_stable_sort(keys in prop::collection::vec(0u8..6, 0..200)) {
            let tagged: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();
            let mut ours = tagged.clone();
            sort_by_key(&mut ours, |(k, _)| *k);
            let mut std = tagged;
            std.sort_by_key(|(k, _)| *k);
            prop_assert_eq!(ours, std);
        }

        /// Owned elements (strings) end up sorted, none lost or duplicated.
        #[test]
        fn moves_owned_elements_without_losing_any(words in prop::collection::vec("[a-d]{0,3}", 0..60)) {
            let mut ours = words.clone();
            sort_by(&mut ours, |a, b| b.cmp(a));
            let mut std = words;
            std.sort_by(|a, b| b.cmp(a));
            prop_assert_eq!(ours, std);
        }
    }
}
