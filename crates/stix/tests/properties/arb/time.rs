//! Timestamps (STIX 2.1 §2.14): written here from their parts (second,
//! leap second, fractional digits) and ordered here too, so that the
//! library's parsing and ordering are checked against an independent
//! account, including the cases where orderings go wrong: leap seconds,
//! digits beyond the ninth, one instant written with two precisions.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::leaf::{V, s};

/// A timestamp as written: the second, whether it is a leap second, and
/// the fractional digits. Orderings are computed here from these parts,
/// independently of the library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ts {
    /// Seconds since 1970 of the second written; for a leap second, of the
    /// `:59` second it follows.
    pub secs: i64,
    /// Written as second 60.
    pub leap: bool,
    /// The fractional digits as written (possibly none).
    pub frac: String,
}

impl Ord for Ts {
    /// By instant: a leap second after its `:59`, fractions compared digit
    /// by digit (so `.5` equals `.500`).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let width = self.frac.len().max(other.frac.len());
        let key = |t: &Ts| (t.secs, t.leap, format!("{:0<width$}", t.frac));
        key(self).cmp(&key(other))
    }
}

impl PartialOrd for Ts {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Seconds from 1970 to 0001-01-01T00:00:00Z and to 9999-12-30T23:59:59Z
/// (a day short of the end, so that a second can always be added).
fn secs_range() -> (i64, i64) {
    (
        days_from_civil(1, 1, 1) * 86_400,
        days_from_civil(9999, 12, 30) * 86_400 + 86_399,
    )
}

/// The days that ended with a leap second (IERS Bulletin C), some of them.
const LEAP_DAYS: &[(i64, i64, i64)] = &[
    (1972, 6, 30),
    (1972, 12, 31),
    (1998, 12, 31),
    (2005, 12, 31),
    (2008, 12, 31),
    (2012, 6, 30),
    (2015, 6, 30),
    (2016, 12, 31),
];

impl Ts {
    /// A timestamp with the first `digits` digits of `nanos` as fraction.
    pub fn from_nanos(secs: i64, nanos: u32, digits: usize) -> Ts {
        Ts {
            secs,
            leap: false,
            frac: format!("{nanos:09}")[..digits.min(9)].to_owned(),
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, written here rather than by the
    /// library so that the two are checked against each other.
    pub fn text(&self) -> String {
        let (y, m, d) = civil_from_days(self.secs.div_euclid(86_400));
        let t = self.secs.rem_euclid(86_400);
        let second = if self.leap { 60 } else { t % 60 };
        let mut out = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{second:02}",
            t / 3600,
            t / 60 % 60
        );
        if !self.frac.is_empty() {
            out.push('.');
            out.push_str(&self.frac);
        }
        out.push('Z');
        out
    }

    pub fn value(&self) -> V {
        s(self.text())
    }

    /// One second later (after a leap second: the next minute).
    fn plus_second(&self) -> Ts {
        Ts {
            secs: self.secs + 1,
            leap: false,
            frac: self.frac.clone(),
        }
    }
}

/// A timestamp with `min..=max` fractional digits (and, where nine are
/// allowed, sometimes ten to twenty: STIX sets no limit); mostly from this
/// century, sometimes from anywhere in years 1 to 9999, and now and then a
/// real leap second.
pub fn ts(min_digits: usize, max_digits: usize) -> BoxedStrategy<Ts> {
    let (lo, hi) = secs_range();
    let second = prop_oneof![
        12 => (946_684_800i64..2_051_222_400).prop_map(|s| (s, false)),
        4 => (lo..=hi).prop_map(|s| (s, false)),
        1 => select(LEAP_DAYS).prop_map(|(y, m, d)| (days_from_civil(y, m, d) * 86_400 + 86_399, true)),
    ];
    let digits = if max_digits >= 9 {
        prop_oneof![8 => min_digits..=max_digits, 1 => 10usize..=20].boxed()
    } else {
        (min_digits..=max_digits).boxed()
    };
    (
        second,
        digits.prop_flat_map(|n| vec(proptest::char::range('0', '9'), n)),
    )
        .prop_map(|((secs, leap), frac)| Ts {
            secs,
            leap,
            frac: frac.into_iter().collect(),
        })
        .boxed()
}

/// Two timestamps in order (`strict`: the second strictly later), with
/// at least `min_digits` fractional digits. Besides independent pairs,
/// the cases where orderings go wrong come up often: equal texts, one
/// instant written with two precisions, instants that differ only beyond
/// the ninth fractional digit, and a leap second with the minute after it.
pub fn ts_pair(min_digits: usize, strict: bool) -> BoxedStrategy<(Ts, Ts)> {
    let leap_day =
        select(LEAP_DAYS).prop_map(|(y, m, d)| days_from_civil(y, m, d) * 86_400 + 86_399);
    (ts(min_digits, 9), ts(min_digits, 9), leap_day, 0u8..8)
        .prop_map(move |(a, b, leap_second, mode)| {
            let (lo, mut hi) = match mode {
                0 => (a.clone(), a),
                1 => (
                    a.clone(),
                    Ts {
                        frac: format!("{}00", a.frac),
                        ..a
                    },
                ),
                2 => {
                    let frac = format!("{:0<10}1", a.frac);
                    (a.clone(), Ts { frac, ..a })
                }
                3 => (
                    Ts {
                        secs: leap_second,
                        leap: true,
                        frac: a.frac,
                    },
                    Ts {
                        secs: leap_second + 1,
                        leap: false,
                        frac: b.frac,
                    },
                ),
                _ if a <= b => (a, b),
                _ => (b, a),
            };
            if strict && hi <= lo {
                hi = hi.plus_second();
            }
            (lo, hi)
        })
        .boxed()
}

/// An ordered pair of optional timestamps (`first_seen`/`last_seen` and
/// the like): either, both or neither may be present.
pub fn ts_pair_opt(first: &'static str, second: &'static str, strict: bool) -> super::Members {
    (ts_pair(0, strict), any::<bool>(), any::<bool>())
        .prop_map(move |((a, b), with_a, with_b)| {
            let mut m = Vec::new();
            if with_a {
                m.push((first.to_owned(), a.value()));
            }
            if with_b {
                m.push((second.to_owned(), b.value()));
            }
            m
        })
        .boxed()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the algorithm of
/// H. Hinnant, written out here so the test does not lean on the library).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}
