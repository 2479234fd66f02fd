//! Which rate changes overlap an earlier one, in n log n: a producer with a
//! profile of 100,000 steps must not be checked pair by pair.

/// Intervals added so far, queried for one that starts before `x` and ends
/// after `y`: a Fenwick tree of the latest end, over the sorted starts.
struct Intervals {
    starts: Vec<f64>,
    max_end: Vec<f64>,
}

impl Intervals {
    /// `starts`: every start that will be added (no NaN).
    fn new(mut starts: Vec<f64>) -> Self {
        starts.sort_by(f64::total_cmp);
        starts.dedup();
        let n = starts.len();
        Intervals {
            starts,
            max_end: vec![f64::NEG_INFINITY; n + 1],
        }
    }

    fn add(&mut self, start: f64, end: f64) {
        let mut i = self.starts.partition_point(|&s| s < start) + 1;
        while i < self.max_end.len() {
            self.max_end[i] = self.max_end[i].max(end);
            i += i & i.wrapping_neg();
        }
    }

    /// Whether an interval added so far starts before `x` and ends after `y`.
    fn any_before_ending_after(&self, x: f64, y: f64) -> bool {
        let mut i = self.starts.partition_point(|&s| s < x);
        let mut end = f64::NEG_INFINITY;
        while i > 0 {
            end = end.max(self.max_end[i]);
            i -= i & i.wrapping_neg();
        }
        end > y
    }
}

/// For spans `(start, end, is_ramp)` in list order (`None`: no span), the
/// indices of those that overlap an earlier one in time, where one of the two
/// is a ramp: `a0 < b1 && b0 < a1`. Spans with a NaN never overlap.
pub fn overlapping_ramps(spans: &[Option<(f64, f64, bool)>]) -> Vec<usize> {
    let spans: Vec<_> = spans
        .iter()
        .map(|s| s.filter(|(a, b, _)| !a.is_nan() && !b.is_nan()))
        .collect();
    let mut all = Intervals::new(spans.iter().flatten().map(|s| s.0).collect());
    let mut ramps = Intervals::new(
        spans
            .iter()
            .flatten()
            .filter(|s| s.2)
            .map(|s| s.0)
            .collect(),
    );
    let mut out = vec![];
    for (j, s) in spans.iter().enumerate() {
        let Some((a0, a1, ramp)) = *s else { continue };
        let earlier = if ramp { &all } else { &ramps };
        if earlier.any_before_ending_after(a1, a0) {
            out.push(j);
        }
        all.add(a0, a1);
        if ramp {
            ramps.add(a0, a1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pairwise definition, to compare against.
    fn pairwise(spans: &[Option<(f64, f64, bool)>]) -> Vec<usize> {
        (0..spans.len())
            .filter(|&j| {
                let Some((a0, a1, ra)) = spans[j] else {
                    return false;
                };
                spans[..j]
                    .iter()
                    .flatten()
                    .any(|&(b0, b1, rb)| (ra || rb) && a0 < b1 && b0 < a1)
            })
            .collect()
    }

    #[test]
    fn same_as_pairwise() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..2000 {
            let len = next(8) as usize;
            let spans: Vec<_> = (0..len)
                .map(|_| match next(5) {
                    0 => None,
                    1 => {
                        let t = next(10) as f64;
                        Some((t, t, false))
                    }
                    2 => Some((f64::NAN, 3.0, true)),
                    _ => Some((next(10) as f64, next(10) as f64, true)),
                })
                .collect();
            assert_eq!(overlapping_ramps(&spans), pairwise(&spans), "{spans:?}");
        }
    }
}
