//! Duplicate key detection for the JSON reader.
//!
//! Every key of every object must be checked against the keys before it.
//! Comparing strings pairwise is quadratic and calls `memcmp` dozens of times
//! per STIX object; instead a 64-bit filter of key hashes answers "certainly
//! new" for nearly every key, and the earlier keys are compared only when the
//! filter has seen the key's hash. Big objects switch to a hash set so that a
//! huge object cannot cost quadratic time.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use super::Value;

/// Objects with more members than this check duplicates with a hash set
/// instead of a filtered linear scan.
const LINEAR_DUPLICATE_SCAN: usize = 16;

/// The keys seen so far in one object.
#[derive(Default)]
pub(super) struct SeenKeys {
    /// Bit `hash % 64` is set for every key seen.
    filter: u64,
    /// Keyed hashes of all keys, once the object has grown past
    /// [`LINEAR_DUPLICATE_SCAN`] (keyed, so that no input can make them
    /// collide on purpose).
    hashes: Option<(RandomState, HashSet<u64>)>,
}

impl SeenKeys {
    /// Records `key`; returns true when `earlier` (the members read before
    /// it) already has it.
    #[inline]
    pub(super) fn repeated(&mut self, key: &str, earlier: &[(Cow<'_, str>, Value<'_>)]) -> bool {
        let in_earlier = || earlier.iter().any(|(k, _)| k == key);
        if let Some((state, hashes)) = &mut self.hashes {
            // A hash seen before nearly always means the key was; the scan
            // tells the rare collision apart.
            return !hashes.insert(state.hash_one(key)) && in_earlier();
        }
        let bit = 1u64 << (filter_hash(key) % 64);
        let repeated = self.filter & bit != 0 && in_earlier();
        self.filter |= bit;
        if earlier.len() >= LINEAR_DUPLICATE_SCAN {
            let state = RandomState::new();
            let hashes = earlier
                .iter()
                .map(|(k, _)| state.hash_one(k.as_ref()))
                .chain([state.hash_one(key)])
                .collect();
            self.hashes = Some((state, hashes));
        }
        repeated
    }
}

/// A cheap hash of a key from its length and its first and last bytes,
/// which tells apart the property names of STIX objects well enough.
fn filter_hash(key: &str) -> u32 {
    let (first, last) = match key.as_bytes() {
        [] => (0, 0),
        [first, .., last] | [first @ last] => (u64::from(*first), u64::from(*last)),
    };
    let mixed = (key.len() as u64) ^ (first << 8) ^ (last << 16);
    (mixed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_repeats_in_small_and_large_objects() {
        for size in [3, 40] {
            let mut seen = SeenKeys::default();
            let mut members = Vec::new();
            for i in 0..size {
                let key = format!("k{i}");
                assert!(!seen.repeated(&key, &members), "k{i}");
                members.push((Cow::Owned(key), Value::Null));
            }
            for i in 0..size {
                assert!(seen.repeated(&format!("k{i}"), &members), "k{i} again");
            }
        }
    }
}
