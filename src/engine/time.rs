//! Simulated time: integer nanoseconds, so that ordering and sums are exact.

pub type SimTime = u64;

pub const NANOS_PER_SEC: f64 = 1e9;

/// Seconds to simulated time, rounded to the nearest nanosecond; negative and NaN
/// become 0, values past ~584 years saturate.
#[inline]
pub fn from_secs(s: f64) -> SimTime {
    // +0.5 then truncation rounds positive values (cheaper than f64::round).
    // `as` saturates: NaN and values below 1 ns give 0, values past u64::MAX
    // give u64::MAX, so no branch of our own is needed.
    (s * NANOS_PER_SEC + 0.5) as u64
}

#[inline]
pub fn to_secs(t: SimTime) -> f64 {
    t as f64 / NANOS_PER_SEC
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip_and_clamps() {
        assert_eq!(from_secs(1.5), 1_500_000_000);
        assert_eq!(to_secs(from_secs(0.25)), 0.25);
        assert_eq!(from_secs(-3.0), 0);
        assert_eq!(from_secs(f64::NAN), 0);
        assert_eq!(from_secs(1e30), u64::MAX);
        assert_eq!(from_secs(f64::INFINITY), u64::MAX);
        assert_eq!(from_secs(f64::NEG_INFINITY), 0);
        // Under half a nanosecond rounds to 0, half of one to 1.
        assert_eq!(from_secs(4e-10), 0);
        assert_eq!(from_secs(5e-10), 1);
    }
}
