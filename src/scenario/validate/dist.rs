//! Distributions: which keys each kind needs and allows, and parameter bounds
//! within which every sampler can be built (`model::dist`), so that what
//! `check` accepts, `run` can build and sample without overflow.

use super::{Checker, num};
use crate::scenario::diagnostics::KeyPath;
use crate::scenario::{
    DIST_CV_MAX, DIST_CV_MIN, DIST_VALUE_MAX, DIST_VALUE_MIN, DistKind, DistSpec,
};

/// Bounds of a Weibull's shape k: below 0.1 the mean (λ·Γ(1 + 1/k)) passes
/// 10⁶ times the scale and a run is its tail alone; above 100 it is a constant.
pub const WEIBULL_SHAPE_MIN: f64 = 0.1;
pub const WEIBULL_SHAPE_MAX: f64 = 100.0;
/// Bounds of a Pareto's shape α: above 1 the mean is finite (α·x_m/(α − 1)).
pub const PARETO_SHAPE_MIN: f64 = 1.01;
pub const PARETO_SHAPE_MAX: f64 = 100.0;
/// The most observed values of an empirical distribution.
pub const EMPIRICAL_SAMPLES_MAX: usize = 1_000_000;
/// The most components of a mixture.
pub const MIXTURE_COMPONENTS_MAX: usize = 64;

/// The keys a kind needs, and the optional ones it allows besides them.
fn keys(kind: DistKind) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        DistKind::Constant | DistKind::Exponential => (&["mean"], &[]),
        DistKind::Lognormal | DistKind::Gamma => (&["mean", "cv"], &[]),
        DistKind::Uniform => (&["min", "max"], &[]),
        DistKind::Normal => (&["mean", "sd"], &["at_zero"]),
        DistKind::Weibull | DistKind::Pareto => (&["shape", "scale"], &[]),
        // `samples` or `samples_csv`: checked in `samples`.
        DistKind::Empirical => (&[], &["samples", "samples_csv", "interpolate"]),
        DistKind::Mixture => (&["components"], &[]),
    }
}

impl Checker {
    /// A distribution at `path`, outside a mixture.
    pub(super) fn dist(&mut self, path: KeyPath, d: &DistSpec) {
        self.dist_at(path, d, false);
    }

    fn dist_at(&mut self, path: KeyPath, d: &DistSpec, in_mixture: bool) {
        let kind = d.dist.name();
        let (needs, optional) = keys(d.dist);
        let expected = || {
            let mut all = vec!["dist"];
            all.extend(needs);
            all.extend(optional);
            if in_mixture {
                all.push("weight");
            }
            format!("keys: {}", all.join(", "))
        };
        let given = [
            ("mean", d.mean.is_some()),
            ("cv", d.cv.is_some()),
            ("min", d.min.is_some()),
            ("max", d.max.is_some()),
            ("sd", d.sd.is_some()),
            ("at_zero", d.at_zero.is_some()),
            ("shape", d.shape.is_some()),
            ("scale", d.scale.is_some()),
            ("samples", d.samples.is_some()),
            ("samples_csv", d.samples_csv.is_some()),
            ("interpolate", d.interpolate.is_some()),
            ("components", d.components.is_some()),
        ];
        for (k, present) in given {
            if !present && needs.contains(&k) {
                self.fail(
                    path.clone(),
                    format!("a {kind} distribution needs `{k}`"),
                    expected(),
                );
            } else if present && !needs.contains(&k) && !optional.contains(&k) {
                self.fail(
                    path.key(k),
                    format!("`{k}` does not apply to a {kind} distribution"),
                    expected(),
                );
            }
        }
        match (d.weight, in_mixture) {
            (Some(_), false) => self.fail(
                path.key("weight"),
                "`weight` applies to a mixture's components only",
                expected(),
            ),
            (None, true) => self.fail(
                path.clone(),
                "a mixture's component needs `weight`",
                expected(),
            ),
            (Some(w), true) => self.range(
                path.key("weight"),
                w,
                DIST_VALUE_MIN,
                DIST_VALUE_MAX,
                &format!("a positive weight from {DIST_VALUE_MIN:e} to {DIST_VALUE_MAX:e}"),
            ),
            (None, false) => {}
        }
        let values = [
            ("mean", d.mean),
            ("min", d.min),
            ("max", d.max),
            ("sd", d.sd),
            ("scale", d.scale),
        ];
        for (k, v) in values {
            if let Some(x) = v
                && needs.contains(&k)
            {
                self.value(path.key(k), kind, k, x);
            }
        }
        if let Some(x) = d.cv
            && needs.contains(&"cv")
            && !(x == 0.0 || (DIST_CV_MIN..=DIST_CV_MAX).contains(&x))
        {
            self.fail(
                path.key("cv"),
                format!("{} is out of range for a {kind} distribution's `cv`", num(x)),
                format!(
                    "0 (no variation), or a coefficient of variation from {DIST_CV_MIN:e} to {DIST_CV_MAX}"
                ),
            );
        }
        if let (Some(lo), Some(hi)) = (d.min, d.max)
            && lo > hi
        {
            self.fail(path.key("max"), "max is below min", "max ≥ min");
        }
        match d.dist {
            DistKind::Weibull | DistKind::Pareto => self.shape(&path, d),
            DistKind::Empirical => self.samples(&path, d),
            DistKind::Mixture if in_mixture => self.fail(
                path.key("dist"),
                "a mixture's component cannot be a mixture",
                "one level: put every component in the outer mixture",
            ),
            DistKind::Mixture => self.components(&path, d),
            _ => {}
        }
    }

    /// A mean, bound, deviation or scale: 0 (a constant, no sampler), or a
    /// number within the bounds every sampler and the clock can take.
    fn value(&mut self, path: KeyPath, kind: &str, key: &str, x: f64) {
        if !(x == 0.0 || (DIST_VALUE_MIN..=DIST_VALUE_MAX).contains(&x)) {
            self.fail(
                path,
                format!(
                    "{} is out of range for a {kind} distribution's `{key}`",
                    num(x)
                ),
                format!("0, or a number from {DIST_VALUE_MIN:e} to {DIST_VALUE_MAX:e}"),
            );
        }
    }

    fn shape(&mut self, path: &KeyPath, d: &DistSpec) {
        let Some(k) = d.shape else { return };
        let (lo, hi, why) = if d.dist == DistKind::Weibull {
            (WEIBULL_SHAPE_MIN, WEIBULL_SHAPE_MAX, "")
        } else {
            (
                PARETO_SHAPE_MIN,
                PARETO_SHAPE_MAX,
                " (above 1, so that the mean is finite)",
            )
        };
        if !(lo..=hi).contains(&k) {
            self.fail(
                path.key("shape"),
                format!(
                    "{} is out of range for a {} distribution's `shape`",
                    num(k),
                    d.dist.name()
                ),
                format!("a shape from {lo} to {hi}{why}"),
            );
        }
        if d.scale == Some(0.0) {
            self.fail(
                path.key("scale"),
                format!(
                    "a {} distribution's `scale` must be positive",
                    d.dist.name()
                ),
                format!("a number from {DIST_VALUE_MIN:e} to {DIST_VALUE_MAX:e}"),
            );
        }
    }

    fn samples(&mut self, path: &KeyPath, d: &DistSpec) {
        match (&d.samples, &d.samples_csv) {
            (None, None) => {
                return self.fail(
                    path.clone(),
                    "an empirical distribution needs `samples` or `samples_csv`",
                    "`samples = [0.01, 0.02, 0.5]`, or `samples_csv = { path = \"latencies.csv\", column = \"latency_s\" }`",
                );
            }
            (Some(_), Some(_)) => {
                return self.fail(
                    path.key("samples_csv"),
                    "two sources of values: `samples` and `samples_csv`",
                    "one of them",
                );
            }
            (None, Some(c)) => {
                return self.samples_csv(path.key("samples_csv"), c, EMPIRICAL_SAMPLES_MAX);
            }
            (Some(_), None) => {}
        }
        let Some(xs) = &d.samples else { return };
        let p = path.key("samples");
        if xs.is_empty() || xs.len() > EMPIRICAL_SAMPLES_MAX {
            self.fail(
                p.clone(),
                format!("{} observed values", xs.len()),
                format!("from 1 to {EMPIRICAL_SAMPLES_MAX} values"),
            );
        }
        // One message for the first bad value: a million of the same help no one.
        if let Some((i, x)) = xs
            .iter()
            .enumerate()
            .find(|&(_, &x)| !(x == 0.0 || (DIST_VALUE_MIN..=DIST_VALUE_MAX).contains(&x)))
        {
            self.fail(
                p.index(i),
                format!("{} is out of range for an observed value", num(*x)),
                format!("0, or a number from {DIST_VALUE_MIN:e} to {DIST_VALUE_MAX:e}"),
            );
        }
    }

    fn components(&mut self, path: &KeyPath, d: &DistSpec) {
        let Some(parts) = &d.components else { return };
        let p = path.key("components");
        if parts.is_empty() || parts.len() > MIXTURE_COMPONENTS_MAX {
            self.fail(
                p.clone(),
                format!("{} components", parts.len()),
                format!("from 1 to {MIXTURE_COMPONENTS_MAX} components, each with its `weight`"),
            );
        }
        for (i, part) in parts.iter().enumerate() {
            self.dist_at(p.index(i), part, true);
        }
    }
}
