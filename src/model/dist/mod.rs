//! Sampling distributions for durations and multipliers. The plain kinds are
//! `rand_distr`'s; the normal at zero, the empirical and the mixture have a file
//! each, and `moments` gives every kind's mean and deviation for the design
//! rules and the analytic cross-check.

mod empirical;
mod mixture;
pub mod moments;
mod normal;

use crate::engine::Rng;
use crate::scenario::{DIST_VALUE_MAX, DistKind, DistSpec};
use empirical::Empirical;
use mixture::Mixture;
use normal::NormalAtZero;
use rand::RngExt;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Pareto, Weibull};

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

impl DistError {
    fn invalid<E: std::error::Error + Send + Sync + 'static>(
        dist: &'static str,
    ) -> impl FnOnce(E) -> DistError {
        move |e| DistError::Invalid {
            dist,
            source: Box::new(e),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Dist {
    Constant(f64),
    Exponential(Exp<f64>),
    Lognormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Uniform(f64, f64),
    Normal(NormalAtZero),
    Weibull(Weibull<f64>),
    Pareto(Pareto<f64>),
    Empirical(Empirical),
    Mixture(Mixture),
}

impl Dist {
    /// Builds a sampler; `validate` has already checked the parameters, so an error
    /// here names the parameter for the caller to report.
    pub fn new(spec: &DistSpec) -> Result<Dist, DistError> {
        let mean = || spec.mean.ok_or(DistError::Missing("mean"));
        let cv = || spec.cv.ok_or(DistError::Missing("cv"));
        let shape = || spec.shape.ok_or(DistError::Missing("shape"));
        let scale = || spec.scale.ok_or(DistError::Missing("scale"));
        Ok(match spec.dist {
            DistKind::Constant => Dist::Constant(mean()?),
            DistKind::Exponential => {
                let m = mean()?;
                if m <= 0.0 {
                    Dist::Constant(0.0)
                } else {
                    Dist::Exponential(Exp::new(1.0 / m).map_err(DistError::invalid("exponential"))?)
                }
            }
            DistKind::Lognormal => {
                let (m, c) = (mean()?, cv()?);
                if m <= 0.0 || c == 0.0 {
                    Dist::Constant(m)
                } else {
                    Dist::Lognormal(
                        LogNormal::from_mean_cv(m, c).map_err(DistError::invalid("lognormal"))?,
                    )
                }
            }
            DistKind::Gamma => {
                let (m, c) = (mean()?, cv()?);
                if m <= 0.0 || c == 0.0 {
                    Dist::Constant(m)
                } else {
                    // shape k = 1/cv², scale θ = mean/k.
                    let k = 1.0 / (c * c);
                    Dist::Gamma(Gamma::new(k, m / k).map_err(DistError::invalid("gamma"))?)
                }
            }
            DistKind::Uniform => {
                let lo = spec.min.ok_or(DistError::Missing("min"))?;
                let hi = spec.max.ok_or(DistError::Missing("max"))?;
                Dist::Uniform(lo, hi)
            }
            DistKind::Normal => {
                let sd = spec.sd.ok_or(DistError::Missing("sd"))?;
                let at_zero = spec.at_zero.unwrap_or_default();
                match NormalAtZero::new(mean()?, sd, at_zero)? {
                    Some(n) => Dist::Normal(n),
                    None => Dist::Constant(mean()?.max(0.0)),
                }
            }
            DistKind::Weibull => Dist::Weibull(
                Weibull::new(scale()?, shape()?).map_err(DistError::invalid("weibull"))?,
            ),
            DistKind::Pareto => {
                Dist::Pareto(Pareto::new(scale()?, shape()?).map_err(DistError::invalid("pareto"))?)
            }
            DistKind::Empirical => Dist::Empirical(Empirical::new(
                spec.observed().ok_or(DistError::Missing("samples"))?,
                spec.interpolate.unwrap_or(false),
            )?),
            DistKind::Mixture => Dist::Mixture(Mixture::new(
                spec.components
                    .as_deref()
                    .ok_or(DistError::Missing("components"))?,
            )?),
        })
    }

    pub fn constant(v: f64) -> Dist {
        Dist::Constant(v)
    }

    /// A draw. The constant and the exponential (the common processing and
    /// service times) are drawn here, inlined into the caller; the other
    /// kinds out of line, so that their code does not weigh on every call.
    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential(d) => d.sample(rng),
            _ => self.sample_other(rng),
        }
    }

    #[inline(never)]
    fn sample_other(&self, rng: &mut Rng) -> f64 {
        match self {
            Dist::Constant(_) | Dist::Exponential(_) => unreachable!("drawn by `sample`"),
            Dist::Lognormal(d) => d.sample(rng),
            Dist::Gamma(d) => d.sample(rng),
            Dist::Uniform(lo, hi) => lo + (hi - lo) * rng.random::<f64>(),
            Dist::Normal(d) => d.sample(rng),
            // Heavy tails: a draw beyond 30,000 years is that bound, so that a
            // time computed from it cannot overflow the clock.
            Dist::Weibull(d) => d.sample(rng).min(DIST_VALUE_MAX),
            Dist::Pareto(d) => d.sample(rng).min(DIST_VALUE_MAX),
            Dist::Empirical(d) => d.sample(rng),
            Dist::Mixture(d) => d.sample(rng),
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
            ..DistSpec::constant(0.0)
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

    /// Whatever validation accepts, the sampler builds and samples finite,
    /// non-negative values: every kind, at and around the bounds of each
    /// parameter and at the extremes a hostile file can write.
    #[test]
    fn every_spec_that_validation_accepts_builds() {
        use crate::scenario::{DIST_CV_MAX, DIST_CV_MIN, DIST_VALUE_MAX, DIST_VALUE_MIN};
        let around = |x: f64| [x, x.next_up(), x.next_down()];
        let mut values = vec![
            0.0,
            -0.0,
            -1.0,
            1.0,
            1e300,
            1e-300,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::INFINITY,
            f64::NAN,
            u32::MAX as f64,
            u64::MAX as f64,
        ];
        for b in [DIST_VALUE_MIN, DIST_VALUE_MAX, DIST_CV_MIN, DIST_CV_MAX] {
            values.extend(around(b));
        }
        let toml = |x: f64| match x {
            x if x.is_nan() => "nan".to_string(),
            x if x.is_infinite() => format!("{}inf", if x < 0.0 { "-" } else { "" }),
            x => format!("{x:?}"),
        };
        let mut accepted = 0;
        for b in [0.1, 100.0, 1.01] {
            values.extend(around(b));
        }
        for kind in [
            "constant",
            "exponential",
            "lognormal",
            "gamma",
            "uniform",
            "normal",
            "weibull",
            "pareto",
        ] {
            for &a in &values {
                for &b in &values {
                    let keys = match kind {
                        "constant" | "exponential" if b == 0.0 => format!("mean = {}", toml(a)),
                        "constant" | "exponential" => continue,
                        "uniform" => format!("min = {}, max = {}", toml(a), toml(b)),
                        "normal" => format!("mean = {}, sd = {}", toml(a), toml(b)),
                        "weibull" | "pareto" => format!("shape = {}, scale = {}", toml(a), toml(b)),
                        _ => format!("mean = {}, cv = {}", toml(a), toml(b)),
                    };
                    let src = format!(
                        "[[queue]]\nname = \"q\"\n[[producer]]\nrate = 1\n[[consumer]]\nprocessing_s = {{ dist = \"{kind}\", {keys} }}\n"
                    );
                    let Ok(s) = crate::scenario::load_str("x.toml", &src) else {
                        continue;
                    };
                    accepted += 1;
                    let d = Dist::new(&s.consumers[0].processing_s)
                        .unwrap_or_else(|e| panic!("{src}: accepted but not built: {e}"));
                    let mut rng = stream(1, "dist", 0);
                    for _ in 0..100 {
                        let x = d.sample(&mut rng);
                        assert!(x.is_finite() && x >= 0.0, "{src}: sampled {x}");
                    }
                }
            }
        }
        assert!(accepted > 100, "{accepted}");
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
            min: Some(1.0),
            max: Some(3.0),
            ..DistSpec::constant(0.0)
        })
        .unwrap();
        let (m, _) = moments(&u);
        assert!((m - 2.0).abs() < 0.01);
    }
}
