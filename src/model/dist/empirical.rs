//! An empirical distribution: observed values (latencies from a trace, say),
//! drawn as they are (each with probability 1/n) or, with `interpolate`,
//! linearly between neighbours in sorted order, which is the inverse of the
//! piecewise-linear distribution function through the observations.

use super::DistError;
use crate::engine::Rng;
use rand::RngExt;

#[derive(Clone, Debug)]
pub struct Empirical {
    /// Sorted, so that interpolation runs between neighbours.
    sorted: Box<[f64]>,
    interpolate: bool,
}

impl Empirical {
    pub fn new(samples: &[f64], interpolate: bool) -> Result<Empirical, DistError> {
        if samples.is_empty() {
            return Err(DistError::Missing("samples"));
        }
        let mut sorted: Box<[f64]> = samples.into();
        sorted.sort_by(f64::total_cmp);
        Ok(Empirical {
            sorted,
            interpolate,
        })
    }

    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        let n = self.sorted.len();
        let u: f64 = rng.random();
        if !self.interpolate || n == 1 {
            return self.sorted[((u * n as f64) as usize).min(n - 1)];
        }
        let pos = u * (n - 1) as f64;
        let i = (pos as usize).min(n - 2);
        let (lo, hi) = (self.sorted[i], self.sorted[i + 1]);
        lo + (pos - i as f64) * (hi - lo)
    }
}
