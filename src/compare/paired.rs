//! Paired differences on common random numbers: replication r of every
//! variant draws the same random streams, so `B_r − A_r` is the variants'
//! doing plus little noise, and its mean over replications gets a Student t
//! 95 % confidence interval (the sweep's [`crate::sweep::report::stat`]).

use super::headline::METRICS;
use super::variants::Variant;

/// The paired difference of one metric, variant minus the first.
#[derive(Clone, Debug, PartialEq)]
pub struct Paired {
    pub key: &'static str,
    /// Replications where both variants have the number (a run that did not
    /// drain has no "drained at").
    pub n: usize,
    pub mean: f64,
    /// Half the width of the 95 % interval: mean ± half.
    pub half: f64,
}

impl Paired {
    /// The interval excludes 0.
    pub fn significant(&self) -> bool {
        self.half.is_finite() && (self.mean - self.half > 0.0 || self.mean + self.half < 0.0)
    }

    /// "p99 fell by 212 s ± 9 s", or "no significant difference".
    pub fn sentence(&self, label: &str) -> String {
        let unit = METRICS.iter().find(|m| m.key == self.key).map(|m| m.unit);
        let show = |x: f64| match unit {
            Some(super::headline::Unit::Share) => format!("{:.1} pp", x * 100.0),
            Some(u) => u.show(x),
            None => format!("{x}"),
        };
        if self.n < 2 || !self.half.is_finite() {
            return format!("{label}: too few replications with a value ({})", self.n);
        }
        if self.significant() {
            let verb = if self.mean < 0.0 { "fell" } else { "rose" };
            format!(
                "{label} {verb} by {} ± {}",
                show(self.mean.abs()),
                show(self.half)
            )
        } else if self.half == 0.0 {
            format!("{label}: no difference (identical in every replication)")
        } else {
            format!(
                "{label}: no significant difference ({}{} ± {})",
                if self.mean < 0.0 { "−" } else { "+" },
                show(self.mean.abs()),
                show(self.half)
            )
        }
    }
}

/// The paired difference of per-replication values: `b[r] − a[r]` over the
/// replications where both are finite.
pub fn of(key: &'static str, a: &[f64], b: &[f64]) -> Paired {
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(x, y)| y - x)
        .collect();
    let s = crate::sweep::report::stat(&d);
    Paired {
        key,
        n: d.len(),
        mean: s.mean,
        half: (s.ci_high - s.ci_low) / 2.0,
    }
}

/// Every headline metric of `b` against `a`.
pub fn all(a: &Variant, b: &Variant) -> Vec<Paired> {
    METRICS
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let col = |v: &Variant| v.reps.iter().map(|h| h.values[i]).collect::<Vec<_>>();
            of(m.key, &col(a), &col(b))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn interval_by_hand() {
        // d = 3, 4, 5: mean 4, sd 1, t(2, .975) = 4.302653, half = 4.302653/√3 ≈ 2.48.
        let p = super::of("p99_s", &[10.0, 10.0, 10.0], &[13.0, 14.0, 15.0]);
        assert_eq!(p.n, 3);
        assert!((p.mean - 4.0).abs() < 1e-12);
        assert!((p.half - 4.302_652_729_749 / 3f64.sqrt()).abs() < 1e-6);
        assert!(p.significant());
        assert!(p.sentence("p99").starts_with("p99 rose by "));
    }

    #[test]
    fn zero_inside_is_not_significant() {
        let p = super::of("p99_s", &[10.0, 10.0, 10.0], &[9.0, 11.0, 10.5]);
        assert!(!p.significant());
        assert!(p.sentence("p99").contains("no significant difference"));
    }
}
