//! A normal distribution of a non-negative quantity. Its mass below 0 is
//! either folded (|x|: a hop time written as "normal, folded at 0", as in the
//! published contention experiment) or cut off (drawn again until x ≥ 0, the
//! truncated normal). Validation keeps the mean ≥ 0, so a truncated draw is
//! accepted with probability at least ½ and the loop ends quickly.

use super::DistError;
use crate::engine::Rng;
use crate::scenario::AtZero;
use rand_distr::{Distribution, Normal};

#[derive(Clone, Debug)]
pub struct NormalAtZero {
    normal: Normal<f64>,
    at_zero: AtZero,
}

impl NormalAtZero {
    /// None when there is nothing to draw (sd 0: the constant mean).
    pub fn new(mean: f64, sd: f64, at_zero: AtZero) -> Result<Option<NormalAtZero>, DistError> {
        if sd <= 0.0 {
            return Ok(None);
        }
        let normal = Normal::new(mean, sd).map_err(DistError::invalid("normal"))?;
        Ok(Some(NormalAtZero { normal, at_zero }))
    }

    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match self.at_zero {
            AtZero::Fold => self.normal.sample(rng).abs(),
            AtZero::Truncate => loop {
                let x = self.normal.sample(rng);
                if x >= 0.0 {
                    return x;
                }
            },
        }
    }
}
