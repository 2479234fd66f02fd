//! Sampling distributions for durations and multipliers.

use crate::engine::Rng;
use crate::scenario::{DistKind, DistSpec};
use rand::RngExt;
use rand_distr::{Distribution, Exp, Gamma, LogNormal};

/// Why a distribution could not be built from a specification that passed
/// validation (a gap between the two is a bug, named here for the report).
#[derive(Debug, thiserror::Error)]
pub enum DistError {
    #[error("needs `{0}`")]
    Missing(&'static str),
    #[error("{dist}: {source}")]
    Invalid {
        dist: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

#[derive(Clone, Debug)]
pub enum Dist {
    Constant(f64),
    Exponential(Exp<f64>),
    Lognormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Uniform(f64, f64),
}

impl Dist {
    /// Builds a sampler; `validate` has already checked the parameters, so an error
    /// here names the parameter for the caller to report.
    pub fn new(spec: &DistSpec) -> Result<Dist, DistError> {
        let mean = || spec.mean.ok_or(DistError::Missing("mean"));
        let cv = || spec.cv.ok_or(DistError::Missing("cv"));
        Ok(match spec.dist {
            DistKind::Constant => Dist::Constant(mean()?),
            DistKind::Exponential => {
                let m = mean()?;
                if m <= 0.0 {
                    Dist::Constant(0.0)
                } else {
                    Dist::Exponential(Exp::new(1.0 / m).map_err(|e| DistError::Invalid {
                        dist: "exponential",
                        source: Box::new(e),
                    })?)
                }
            }
            DistKind::Lognormal => {
                let (m, c) = (mean()?, cv()?);
                if m <= 0.0 || c == 0.0 {
                    Dist::Constant(m)
                } else {
                    Dist::Lognormal(LogNormal::from_mean_cv(m, c).map_err(|e| {
                        DistError::Invalid {
                            dist: "lognormal",
                            source: Box::new(e),
                        }
                    })?)
                }
            }
            DistKind::Gamma => {
                let (m, c) = (mean()?, cv()?);
                if m <= 0.0 || c == 0.0 {
                    Dist::Constant(m)
                } else {
                    // shape k = 1/cv², scale θ = mean/k.
                    let k = 1.0 / (c * c);
                    Dist::Gamma(Gamma::new(k, m / k).map_err(|e| DistError::Invalid {
                        dist: "gamma",
                        source: Box::new(e),
                    })?)
                }
            }
            DistKind::Uniform => {
                let lo = spec.min.ok_or(DistError::Missing("min"))?;
                let hi = spec.max.ok_or(DistError::Missing("max"))?;
                Dist::Uniform(lo, hi)
            }
        })
    }

    pub fn constant(v: f64) -> Dist {
        Dist::Constant(v)
    }

    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential(d) => d.sample(rng),
            Dist::Lognormal(d) => d.sample(rng),
            Dist::Gamma(d) => d.sample(rng),
            Dist::Uniform(lo, hi) => lo + (hi - lo) * rng.random::<f64>(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;

    fn spec(dist: DistKind, mean: Option<f64>, cv: Option<f64>) -> DistSpec {
        DistSpec {
            dist,
            mean,
            cv,
            min: None,
            max: None,
        }
    }

    fn moments(d: &Dist) -> (f64, f64) {
        let mut rng = stream(7, "dist", 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        (m, v.sqrt() / m)
    }

    #[test]
    fn means_and_cvs_match_the_spec() {
        for (kind, cv) in [
            (DistKind::Exponential, None),
            (DistKind::Lognormal, Some(0.5)),
            (DistKind::Gamma, Some(2.0)),
        ] {
            let d = Dist::new(&spec(kind, Some(2.0), cv)).unwrap();
            let (m, c) = moments(&d);
            let want_cv = cv.unwrap_or(1.0);
            assert!(
                (m - 2.0).abs() < 0.05 * 2.0 * want_cv.max(1.0),
                "{kind:?} mean {m}"
            );
            assert!((c - want_cv).abs() < 0.1 * want_cv, "{kind:?} cv {c}");
        }
        let u = Dist::new(&DistSpec {
            dist: DistKind::Uniform,
            mean: None,
            cv: None,
            min: Some(1.0),
            max: Some(3.0),
        })
        .unwrap();
        let (m, _) = moments(&u);
        assert!((m - 2.0).abs() < 0.01);
    }
}
