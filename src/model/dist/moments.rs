//! Every distribution's mean and standard deviation, from its specification:
//! the design rules (a mean service time against a timeout) and the analytic
//! cross-check (the service time's coefficient of variation in the M/G/c
//! approximation) read them here, so a new kind is added in one place.

use crate::scenario::{AtZero, DistKind, DistSpec};
use statrs::function::{erf::erfc, gamma::gamma};
use std::f64::consts::{FRAC_1_SQRT_2, PI};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moments {
    pub mean: f64,
    /// Infinite for a Pareto with shape α ≤ 2.
    pub sd: f64,
    /// sd / mean, kept as given where it is a parameter (lognormal, gamma),
    /// so that no rounding enters the cross-check's prediction; 0 at mean 0.
    pub cv: f64,
}

impl Moments {
    fn new(mean: f64, sd: f64) -> Moments {
        let cv = if mean > 0.0 { sd / mean } else { 0.0 };
        Moments { mean, sd, cv }
    }
    fn from_second(mean: f64, second: f64) -> Moments {
        Moments::new(mean, (second - mean * mean).max(0.0).sqrt())
    }
}

/// The standard normal's density and distribution function.
fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}
fn cdf(x: f64) -> f64 {
    0.5 * erfc(-x * FRAC_1_SQRT_2)
}

/// The moments of `spec`; None when a parameter is missing (a specification
/// that has not been validated).
pub fn moments(spec: &DistSpec) -> Option<Moments> {
    let m = spec.mean;
    Some(match spec.dist {
        DistKind::Constant => Moments::new(m?, 0.0),
        DistKind::Exponential => Moments {
            mean: m?,
            sd: m?,
            cv: 1.0,
        },
        DistKind::Lognormal | DistKind::Gamma => Moments {
            mean: m?,
            sd: m? * spec.cv?,
            cv: spec.cv?,
        },
        DistKind::Uniform => {
            let (a, b) = (spec.min?, spec.max?);
            let mean = (a + b) / 2.0;
            Moments {
                mean,
                sd: (b - a) / 12f64.sqrt(),
                // As (b − a)/(√12·mean), the form the cross-check always used.
                cv: if mean > 0.0 {
                    (b - a) / (12f64.sqrt() * mean)
                } else {
                    0.0
                },
            }
        }
        DistKind::Normal => normal(m?, spec.sd?, spec.at_zero.unwrap_or_default()),
        DistKind::Weibull => {
            let (k, l) = (spec.shape?, spec.scale?);
            let g1 = gamma(1.0 + 1.0 / k);
            let g2 = gamma(1.0 + 2.0 / k);
            Moments::from_second(l * g1, l * l * g2)
        }
        DistKind::Pareto => {
            let (a, xm) = (spec.shape?, spec.scale?);
            let mean = a * xm / (a - 1.0);
            let sd = if a > 2.0 {
                xm / (a - 1.0) * (a / (a - 2.0)).sqrt()
            } else {
                f64::INFINITY
            };
            Moments::new(mean, sd)
        }
        DistKind::Empirical => empirical(spec.observed()?, spec.interpolate == Some(true))?,
        DistKind::Mixture => {
            let parts = spec.components.as_deref()?;
            let (mut w, mut first, mut second) = (0.0, 0.0, 0.0);
            for c in parts {
                let (wi, mi) = (c.weight?, moments(c)?);
                w += wi;
                first += wi * mi.mean;
                second += wi * (mi.sd * mi.sd + mi.mean * mi.mean);
            }
            if w <= 0.0 {
                return None;
            }
            Moments::from_second(first / w, second / w)
        }
    })
}

/// A normal N(μ, σ²) folded at 0 (|X|) or truncated there (X | X ≥ 0).
fn normal(mu: f64, sigma: f64, at_zero: AtZero) -> Moments {
    if sigma <= 0.0 {
        return Moments::new(mu.max(0.0), 0.0);
    }
    match at_zero {
        AtZero::Fold => {
            // E|X| = σ·√(2/π)·e^(−μ²/2σ²) + μ·(1 − 2Φ(−μ/σ)); E[X²] = μ² + σ².
            let mean = sigma * (2.0 / PI).sqrt() * (-mu * mu / (2.0 * sigma * sigma)).exp()
                + mu * (1.0 - 2.0 * cdf(-mu / sigma));
            Moments::from_second(mean, mu * mu + sigma * sigma)
        }
        AtZero::Truncate => {
            // Lower bound a = 0: α = −μ/σ, λ = φ(α)/(1 − Φ(α)).
            let alpha = -mu / sigma;
            let lambda = phi(alpha) / (1.0 - cdf(alpha));
            let mean = mu + sigma * lambda;
            let var = sigma * sigma * (1.0 + alpha * lambda - lambda * lambda);
            Moments::new(mean, var.max(0.0).sqrt())
        }
    }
}

/// Observed values drawn as they are, or the piecewise-linear distribution
/// through them (n − 1 uniforms between sorted neighbours, each of weight
/// 1/(n − 1)).
fn empirical(xs: &[f64], interpolate: bool) -> Option<Moments> {
    let n = xs.len();
    if n == 0 {
        return None;
    }
    if !interpolate || n == 1 {
        let mean = xs.iter().sum::<f64>() / n as f64;
        let second = xs.iter().map(|x| x * x).sum::<f64>() / n as f64;
        return Some(Moments::from_second(mean, second));
    }
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let k = (n - 1) as f64;
    let (mut first, mut second) = (0.0, 0.0);
    for w in sorted.windows(2) {
        let (a, b) = (w[0], w[1]);
        first += (a + b) / 2.0;
        second += (a * a + a * b + b * b) / 3.0;
    }
    Some(Moments::from_second(first / k, second / k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;
    use crate::model::dist::Dist;

    fn spec(toml: &str) -> DistSpec {
        let src = format!(
            "[[queue]]\nname = \"q\"\n[[producer]]\nrate = 1\n[[consumer]]\nprocessing_s = {toml}\n"
        );
        crate::scenario::load_str("x.toml", &src)
            .unwrap_or_else(|e| panic!("{toml}: {e}"))
            .consumers[0]
            .processing_s
            .clone()
    }

    /// The closed forms against 400,000 draws of the sampler: the sample mean
    /// within 4 standard errors, the sample deviation within 3 %.
    #[test]
    fn closed_forms_agree_with_the_samplers() {
        for toml in [
            r#"{ dist = "normal", mean = 1.0, sd = 0.5 }"#,
            r#"{ dist = "normal", mean = 0.2, sd = 1.0 }"#,
            r#"{ dist = "normal", mean = 0.2, sd = 1.0, at_zero = "truncate" }"#,
            r#"{ dist = "normal", mean = 0, sd = 2.0, at_zero = "truncate" }"#,
            r#"{ dist = "weibull", shape = 0.7, scale = 2.0 }"#,
            r#"{ dist = "weibull", shape = 3.0, scale = 1.0 }"#,
            r#"{ dist = "pareto", shape = 4.0, scale = 0.5 }"#,
            r#"{ dist = "empirical", samples = [1, 2, 2, 7, 30] }"#,
            r#"{ dist = "empirical", samples = [1, 2, 2, 7, 30], interpolate = true }"#,
            r#"{ dist = "mixture", components = [ { weight = 0.95, dist = "lognormal", mean = 4, cv = 0.3 }, { weight = 0.05, dist = "constant", mean = 3000 } ] }"#,
            r#"{ dist = "uniform", min = 1, max = 3 }"#,
            r#"{ dist = "gamma", mean = 2, cv = 2 }"#,
        ] {
            let s = spec(toml);
            let want = moments(&s).unwrap();
            let d = Dist::new(&s).unwrap();
            let mut rng = stream(11, "moments", 0);
            let n = 400_000;
            let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
            let se = want.sd / (n as f64).sqrt();
            assert!(
                (mean - want.mean).abs() <= 4.0 * se,
                "{toml}: mean {mean} vs {} ± {}",
                want.mean,
                4.0 * se
            );
            assert!(
                (sd - want.sd).abs() <= 0.03 * want.sd,
                "{toml}: sd {sd} vs {}",
                want.sd
            );
            assert!(xs.iter().all(|x| x.is_finite() && *x >= 0.0), "{toml}");
        }
    }

    /// A hand computation: |N(0, 1)| has mean √(2/π) and E[X²] = 1; the
    /// truncated N(0, 1) at 0 is the same half-normal.
    #[test]
    fn the_half_normal_by_hand() {
        let half = (2.0 / PI).sqrt();
        for at_zero in [AtZero::Fold, AtZero::Truncate] {
            let m = normal(0.0, 1.0, at_zero);
            assert!((m.mean - half).abs() < 1e-12, "{at_zero:?} {m:?}");
            assert!(
                (m.sd - (1.0 - half * half).sqrt()).abs() < 1e-9,
                "{at_zero:?} {m:?}"
            );
        }
    }

    #[test]
    fn a_pareto_with_shape_at_most_two_has_an_infinite_deviation() {
        let m = moments(&spec(r#"{ dist = "pareto", shape = 1.5, scale = 1.0 }"#)).unwrap();
        assert_eq!(m.mean, 3.0);
        assert!(m.sd.is_infinite());
    }
}
