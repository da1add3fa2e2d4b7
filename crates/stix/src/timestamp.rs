//! STIX and TAXII timestamps.
//!
//! A STIX timestamp is RFC 3339 in UTC, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
//! The text of a timestamp is part of an object's identity (`modified` names
//! a version), so Liaison never rewrites it: [`Timestamp`] keeps the instant
//! for comparison and ordering, and the number of fractional digits so that
//! precision rules (`created`/`modified` need milliseconds) can be checked.

use std::cmp::Ordering;
use std::fmt;

/// A parsed timestamp: an instant in UTC plus the precision it was written with.
///
/// Equality, hashing and ordering are by instant, so `…00Z == …00.000Z`
/// (as `Ord` requires of `Eq`); [`Timestamp::fraction_digits`] tells the
/// precisions apart.
#[derive(Debug, Clone, Copy)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z (negative before). A leap second
    /// (`:60`) counts as the first second of the next minute here, as in
    /// POSIX time; `leap` keeps it ordered before that minute.
    seconds: i64,
    /// Nanoseconds within the second.
    nanos: u32,
    /// Fractional digits 10 to 28 as a 19-digit integer (digit 10 is the
    /// most significant), so that timestamps differing only there still
    /// order correctly; digits beyond the 28th are not kept.
    sub_nanos: u64,
    /// Written with second 60: a leap second, which comes after second 59
    /// of its minute and before the next minute.
    leap: bool,
    /// Fractional digits as written (0 when there is no `.`).
    digits: u16,
}

/// Fractional digits kept: nine in `nanos`, nineteen more in `sub_nanos`.
const KEPT_DIGITS: usize = 28;

/// Why a string is not a STIX timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Not of the form `YYYY-MM-DDTHH:MM:SS[.s+]Z`.
    #[error("must be an RFC 3339 UTC timestamp of the form YYYY-MM-DDTHH:MM:SS[.s+]Z")]
    Format,
    /// Well formed, but not a real date or time of day.
    #[error("is not a real date and time ({0})")]
    Calendar(&'static str),
}

impl Timestamp {
    /// Parses a STIX timestamp, checking both form and calendar.
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        let b = text.as_bytes();
        if b.len() < 20 || b[b.len() - 1] != b'Z' {
            return Err(TimestampError::Format);
        }
        let shape_ok =
            b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':';
        if !shape_ok {
            return Err(TimestampError::Format);
        }
        let year = digits(&b[0..4])?;
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        let hour = digits(&b[11..13])?;
        let minute = digits(&b[14..16])?;
        let second = digits(&b[17..19])?;
        let (nanos, sub_nanos, frac_digits) = match &b[19..b.len() - 1] {
            [] => (0, 0, 0),
            [b'.', frac @ ..] if !frac.is_empty() => fraction(frac)?,
            _ => return Err(TimestampError::Format),
        };
        if !(1..=12).contains(&month) {
            return Err(TimestampError::Calendar("month out of range"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(TimestampError::Calendar("day out of range for the month"));
        }
        if hour > 23 || minute > 59 {
            return Err(TimestampError::Calendar("time of day out of range"));
        }
        if second > 60 {
            return Err(TimestampError::Calendar("second out of range"));
        }
        let days = days_from_civil(i64::from(year), month, day);
        let seconds =
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
        Ok(Timestamp {
            seconds,
            nanos,
            sub_nanos,
            leap: second == 60,
            digits: frac_digits,
        })
    }

    /// A timestamp from Unix microseconds, written with six fractional digits
    /// (the TAXII form).
    pub fn from_unix_micros(micros: i64) -> Timestamp {
        Timestamp {
            seconds: micros.div_euclid(1_000_000),
            nanos: (micros.rem_euclid(1_000_000) * 1000) as u32,
            sub_nanos: 0,
            leap: false,
            digits: 6,
        }
    }

    /// Microseconds since the Unix epoch (sub-microsecond digits truncated).
    pub fn unix_micros(&self) -> i64 {
        self.seconds * 1_000_000 + i64::from(self.nanos / 1000)
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds within the second.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Number of fractional-second digits as written.
    pub fn fraction_digits(&self) -> u16 {
        self.digits
    }

    /// Formats with exactly `digits` fractional digits (0 to 28; more are
    /// cut to 28). A leap second is written as second 60, as it was read.
    pub fn format_with_digits(&self, digits: u16) -> String {
        // A leap second is the second after :59 of the previous minute.
        let (seconds, second) = if self.leap {
            (self.seconds - 1, 60)
        } else {
            (self.seconds, self.seconds.rem_euclid(60))
        };
        let days = seconds.div_euclid(86_400);
        let secs = seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let mut s = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{second:02}",
            secs / 3600,
            secs / 60 % 60,
        );
        let digits = usize::from(digits).min(KEPT_DIGITS);
        if digits > 0 {
            let frac = format!("{:09}{:019}", self.nanos, self.sub_nanos);
            s.push('.');
            s.push_str(&frac[..digits]);
        }
        s.push('Z');
        s
    }

    /// The TAXII form: six fractional digits.
    pub fn to_taxii_string(&self) -> String {
        self.format_with_digits(6)
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    /// Orders by instant; precision does not matter (`…00Z` equals `…00.000Z`).
    /// A leap second shares `seconds` with the start of the next minute but
    /// comes before it: `23:59:60.5Z` is earlier than `00:00:00.1Z`.
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant().cmp(&other.instant())
    }
}

impl PartialEq for Timestamp {
    /// Same instant, whatever the precision: consistent with [`Ord`], so
    /// that `a == b` and `a <= b && b <= a` never disagree.
    fn eq(&self, other: &Self) -> bool {
        self.instant() == other.instant()
    }
}

impl Eq for Timestamp {}

impl std::hash::Hash for Timestamp {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.instant().hash(state);
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_with_digits(self.digits))
    }
}

impl Timestamp {
    /// True when both denote the same instant (the same as `==`).
    pub fn same_instant(&self, other: &Timestamp) -> bool {
        self.cmp(other) == Ordering::Equal
    }

    /// What equality, hashing and ordering compare: the leap flag orders a
    /// leap second before the minute whose `seconds` it shares.
    fn instant(&self) -> (i64, bool, u32, u64) {
        (self.seconds, !self.leap, self.nanos, self.sub_nanos)
    }
}

fn digits(b: &[u8]) -> Result<u32, TimestampError> {
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return Err(TimestampError::Format);
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Ok(v)
}

/// Nanoseconds, the next nineteen digits, and the number of digits.
fn fraction(frac: &[u8]) -> Result<(u32, u64, u16), TimestampError> {
    if frac.len() > usize::from(u16::MAX) {
        return Err(TimestampError::Format);
    }
    // The usual fractions (three or six digits, timestamps being parsed for
    // every object) have no digits past the nanoseconds: a simpler loop.
    if frac.len() <= 9 {
        let mut nanos = 0u32;
        for &c in frac {
            if !c.is_ascii_digit() {
                return Err(TimestampError::Format);
            }
            nanos = nanos * 10 + u32::from(c - b'0');
        }
        let scale = 10u32.pow(9 - frac.len() as u32);
        return Ok((nanos * scale, 0, frac.len() as u16));
    }
    let (mut nanos, mut sub_nanos) = (0u32, 0u64);
    for (i, &c) in frac.iter().enumerate() {
        if !c.is_ascii_digit() {
            return Err(TimestampError::Format);
        }
        let digit = c - b'0';
        if i < 9 {
            nanos = nanos * 10 + u32::from(digit);
        } else if i < KEPT_DIGITS {
            sub_nanos = sub_nanos * 10 + u64::from(digit);
        }
    }
    // Scale the digits past the nanoseconds to nineteen.
    if frac.len() < KEPT_DIGITS {
        sub_nanos *= 10u64.pow((KEPT_DIGITS - frac.len()) as u32);
    }
    Ok((nanos, sub_nanos, frac.len() as u16))
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_keeps_precision() {
        let t = Timestamp::parse("2016-05-12T08:17:27.123456789123Z").unwrap();
        assert_eq!(t.fraction_digits(), 12);
        assert_eq!(t.subsec_nanos(), 123_456_789);
        assert_eq!(t.unix_seconds(), 1_463_041_047);
        let t = Timestamp::parse("2016-05-12T08:17:27Z").unwrap();
        assert_eq!(t.fraction_digits(), 0);
        assert_eq!(t.to_string(), "2016-05-12T08:17:27Z");
        assert_eq!(
            Timestamp::parse("1969-12-31T23:59:59.5Z")
                .unwrap()
                .to_taxii_string(),
            "1969-12-31T23:59:59.500000Z"
        );
    }

    #[test]
    fn orders_by_instant_not_text() {
        let a = Timestamp::parse("2020-01-01T00:00:00Z").unwrap();
        let b = Timestamp::parse("2020-01-01T00:00:00.5Z").unwrap();
        let c = Timestamp::parse("2020-01-01T00:00:00.000Z").unwrap();
        assert!(a < b);
        assert!(a.same_instant(&c));
        // Equality agrees with the ordering (found by the property tests:
        // a strict order compared with `==` let equal instants through).
        assert_eq!(a, c);
        assert!(a <= c && c <= a);
    }

    #[test]
    fn rejects_bad_forms_and_dates() {
        for bad in [
            "2016-05-12T08:17:27",
            "2016-05-12 08:17:27Z",
            "2016-05-12T08:17:27.Z",
            "2016-05-12T08:17:27+00:00",
            "2016-5-12T08:17:27Z",
            "2016-05-12t08:17:27z",
            "20160-05-12T08:17:27Z",
            "2016-05-12T08:17:27.1a2Z",
        ] {
            assert_eq!(Timestamp::parse(bad), Err(TimestampError::Format), "{bad}");
        }
        for bad in [
            "2016-02-30T00:00:00Z",
            "2015-02-29T00:00:00Z",
            "2016-13-01T00:00:00Z",
            "2016-00-01T00:00:00Z",
            "2016-01-00T00:00:00Z",
            "2016-01-01T24:00:00Z",
            "2016-01-01T23:60:00Z",
            "2016-01-01T23:00:61Z",
        ] {
            assert!(
                matches!(Timestamp::parse(bad), Err(TimestampError::Calendar(_))),
                "{bad}"
            );
        }
        assert!(Timestamp::parse("2016-02-29T23:59:60Z").is_ok());
    }

    #[test]
    fn leap_seconds_come_after_59_and_before_the_next_minute() {
        let t = |s| Timestamp::parse(s).unwrap();
        let leap = t("2016-12-31T23:59:60.500Z");
        assert!(t("2016-12-31T23:59:59.999Z") < leap);
        assert!(leap < t("2017-01-01T00:00:00.100Z"));
        assert!(t("2016-12-31T23:59:60Z") < t("2017-01-01T00:00:00Z"));
        assert!(t("2016-12-31T23:59:60.5Z").same_instant(&leap));
        assert_eq!(leap.to_string(), "2016-12-31T23:59:60.500Z");
        assert_eq!(
            leap.unix_seconds(),
            t("2017-01-01T00:00:00Z").unix_seconds()
        );
    }

    #[test]
    fn digits_beyond_nanoseconds_order_and_print() {
        let t = |s| Timestamp::parse(s).unwrap();
        let a = t("2016-12-31T23:59:59.0000000001Z");
        let b = t("2016-12-31T23:59:59.0000000002Z");
        assert!(t("2016-12-31T23:59:59Z") < a && a < b);
        assert!(t("2016-12-31T23:59:59.00000000020Z").same_instant(&b));
        for text in [
            "2016-12-31T23:59:59.0000000001Z",
            "2016-05-12T08:17:27.1234567891234567890123456789Z",
        ] {
            assert_eq!(t(text).to_string(), text);
        }
        // Beyond 28 digits nothing is kept.
        let tiny = t("2016-12-31T23:59:59.00000000000000000000000000001Z");
        assert!(tiny.same_instant(&t("2016-12-31T23:59:59Z")));
    }

    #[test]
    fn micros_round_trip() {
        for micros in [0, 1, -1, 1_700_000_000_123_456, -86_400_000_001] {
            let t = Timestamp::from_unix_micros(micros);
            assert_eq!(t.unix_micros(), micros);
            assert_eq!(Timestamp::parse(&t.to_taxii_string()).unwrap(), t);
        }
    }
}
