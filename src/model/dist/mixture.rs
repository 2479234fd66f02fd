//! A mixture: a component chosen by weight, then a draw from it ("95 % around
//! 4 KB, 5 % around 3 MB"; a service that is fast except on a cache miss).

use super::{Dist, DistError};
use crate::engine::Rng;
use crate::scenario::DistSpec;
use rand::RngExt;

#[derive(Clone, Debug)]
pub struct Mixture {
    /// Each component with the running total of the weights up to and
    /// including it.
    parts: Box<[(f64, Dist)]>,
    total: f64,
}

impl Mixture {
    pub fn new(components: &[DistSpec]) -> Result<Mixture, DistError> {
        let mut total = 0.0;
        let mut parts = Vec::with_capacity(components.len());
        for c in components {
            total += c.weight.ok_or(DistError::Missing("weight"))?;
            parts.push((total, Dist::new(c)?));
        }
        if parts.is_empty() {
            return Err(DistError::Missing("components"));
        }
        Ok(Mixture {
            parts: parts.into(),
            total,
        })
    }

    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        let u = rng.random::<f64>() * self.total;
        let i = self
            .parts
            .partition_point(|(cum, _)| *cum <= u)
            .min(self.parts.len() - 1);
        self.parts[i].1.sample(rng)
    }
}
