//! A producer's rate over time: a base rate changed by steps and ramps, times
//! spike and sine multipliers. Arrivals of a non-homogeneous Poisson process are
//! drawn by thinning against a per-segment upper bound, so a flat profile costs
//! one exponential draw per arrival and no rejections.

use crate::scenario::{ProfileKind, ProfileStep};
use std::f64::consts::TAU;

#[derive(Clone, Debug)]
enum BaseChange {
    Step { at: f64, rate: f64 },
    Ramp { from: f64, to: f64, to_rate: f64 },
}

impl BaseChange {
    fn start(&self) -> f64 {
        match *self {
            BaseChange::Step { at, .. } => at,
            BaseChange::Ramp { from, .. } => from,
        }
    }
}

#[derive(Clone, Debug)]
struct Spike {
    from: f64,
    to: f64,
    factor: f64,
}

#[derive(Clone, Debug)]
struct Sine {
    period: f64,
    amplitude: f64,
    phase: f64,
}

#[derive(Clone, Debug)]
pub struct Profile {
    rate: f64,
    base: Vec<BaseChange>,
    spikes: Vec<Spike>,
    sines: Vec<Sine>,
    /// Times where the rate's formula changes, sorted.
    breaks: Vec<f64>,
    /// No steps, ramps, spikes or sines: asked at every arrival, so kept
    /// as one flag rather than three lengths.
    flat: bool,
}

impl Profile {
    /// `steps` were checked by `validate`: each kind has its keys.
    pub fn new(rate: f64, steps: &[ProfileStep]) -> Profile {
        let mut p = Profile {
            rate,
            base: vec![],
            spikes: vec![],
            sines: vec![],
            breaks: vec![],
            flat: false,
        };
        let v = |x: Option<f64>| x.unwrap_or(0.0);
        for s in steps {
            match s.kind {
                ProfileKind::Step => p.base.push(BaseChange::Step {
                    at: v(s.at_s),
                    rate: v(s.rate),
                }),
                ProfileKind::Ramp => p.base.push(BaseChange::Ramp {
                    from: v(s.from_s),
                    to: v(s.to_s),
                    to_rate: v(s.to_rate),
                }),
                ProfileKind::Spike => p.spikes.push(Spike {
                    from: v(s.at_s),
                    to: v(s.at_s) + v(s.duration_s),
                    factor: v(s.factor),
                }),
                ProfileKind::Sine => p.sines.push(Sine {
                    period: v(s.period_s),
                    amplitude: v(s.amplitude),
                    phase: v(s.phase_s),
                }),
            }
        }
        p.base.sort_by(|a, b| a.start().total_cmp(&b.start()));
        for b in &p.base {
            p.breaks.push(b.start());
            if let BaseChange::Ramp { to, .. } = b {
                p.breaks.push(*to);
            }
        }
        for s in &p.spikes {
            p.breaks.extend([s.from, s.to]);
        }
        p.breaks.sort_by(f64::total_cmp);
        p.breaks.dedup();
        p.flat = p.base.is_empty() && p.spikes.is_empty() && p.sines.is_empty();
        p
    }

    #[inline]
    pub fn is_flat(&self) -> bool {
        self.flat
    }

    fn base_at(&self, t: f64) -> f64 {
        let mut b = self.rate;
        for c in &self.base {
            if t < c.start() {
                break;
            }
            match *c {
                BaseChange::Step { rate, .. } => b = rate,
                BaseChange::Ramp { from, to, to_rate } => {
                    let f = if to > from {
                        ((t - from) / (to - from)).min(1.0)
                    } else {
                        1.0
                    };
                    b += (to_rate - b) * f;
                }
            }
        }
        b
    }

    fn spike_factor(&self, t: f64) -> f64 {
        self.spikes
            .iter()
            .filter(|s| t >= s.from && t < s.to)
            .map(|s| s.factor)
            .product()
    }

    fn sine_factor(&self, t: f64) -> f64 {
        self.sines
            .iter()
            .map(|s| 1.0 + s.amplitude * (TAU * (t - s.phase) / s.period).sin())
            .product()
    }

    /// Messages per second at time `t` (seconds).
    pub fn rate_at(&self, t: f64) -> f64 {
        (self.base_at(t) * self.spike_factor(t) * self.sine_factor(t)).max(0.0)
    }

    /// Upper bound of the rate on [t, end) and that segment's end. Base and spikes
    /// are linear/constant between breaks; sines are bounded per eighth of a period.
    /// Inlined: a flat profile's bound, asked at every Poisson arrival, is
    /// its rate; a varying one's is worked out by `varying_bound`.
    #[inline]
    pub fn bound(&self, t: f64) -> (f64, f64) {
        if self.is_flat() {
            return (self.rate.max(0.0), f64::INFINITY);
        }
        self.varying_bound(t)
    }

    fn varying_bound(&self, t: f64) -> (f64, f64) {
        let mut end = self
            .breaks
            .iter()
            .copied()
            .find(|&b| b > t)
            .unwrap_or(f64::INFINITY);
        for s in &self.sines {
            let eighth = s.period / 8.0;
            let k = ((t - s.phase) / eighth).floor() + 1.0;
            // Rounding can put the next boundary at t itself: step past it, so
            // that callers always advance.
            let mut next = s.phase + k * eighth;
            while next <= t {
                next += eighth;
            }
            end = end.min(next);
        }
        let probe = if end.is_finite() { end } else { t };
        // Evaluate the base just inside the segment's end (a step at `end` belongs to the next).
        let inside_end = if end.is_finite() {
            prev_float(probe).max(t)
        } else {
            t
        };
        let base_max = self.base_at(t).max(self.base_at(inside_end));
        let sine_max: f64 = self
            .sines
            .iter()
            .map(|s| 1.0 + s.amplitude * sin_max(s, t, end))
            .product();
        ((base_max * self.spike_factor(t) * sine_max).max(0.0), end)
    }
}

fn prev_float(x: f64) -> f64 {
    x - x.abs() * 1e-12 - 1e-12
}

/// Max of sin(2π(x − phase)/period) over [a, b] (b finite by construction).
fn sin_max(s: &Sine, a: f64, b: f64) -> f64 {
    let (ta, tb) = (
        TAU * (a - s.phase) / s.period,
        TAU * (b - s.phase) / s.period,
    );
    let mut m = ta.sin().max(tb.sin());
    // A crest at π/2 + 2πk inside the interval.
    let k = ((ta - TAU / 4.0) / TAU).ceil();
    if TAU / 4.0 + k * TAU <= tb {
        m = 1.0;
    }
    if s.amplitude < 0.0 {
        // A negative amplitude turns crests into troughs: bound by the minimum.
        let mut lo = ta.sin().min(tb.sin());
        let k = ((ta + TAU / 4.0) / TAU).ceil();
        if -TAU / 4.0 + k * TAU <= tb {
            lo = -1.0;
        }
        return lo;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(kind: ProfileKind) -> ProfileStep {
        ProfileStep {
            kind,
            at_s: None,
            rate: None,
            from_s: None,
            to_s: None,
            to_rate: None,
            duration_s: None,
            factor: None,
            period_s: None,
            amplitude: None,
            phase_s: None,
        }
    }

    fn sample() -> Profile {
        let mut spike = step(ProfileKind::Spike);
        spike.at_s = Some(60.0);
        spike.duration_s = Some(300.0);
        spike.factor = Some(10.0);
        let mut ramp = step(ProfileKind::Ramp);
        ramp.from_s = Some(400.0);
        ramp.to_s = Some(500.0);
        ramp.to_rate = Some(50.0);
        let mut st = step(ProfileKind::Step);
        st.at_s = Some(700.0);
        st.rate = Some(5.0);
        let mut sine = step(ProfileKind::Sine);
        sine.period_s = Some(1000.0);
        sine.amplitude = Some(0.5);
        Profile::new(10.0, &[spike, ramp, st, sine])
    }

    #[test]
    fn rate_follows_the_profile() {
        let mut p = sample();
        p.sines.clear();
        assert_eq!(p.rate_at(0.0), 10.0);
        assert_eq!(p.rate_at(60.0), 100.0);
        assert_eq!(p.rate_at(359.9), 100.0);
        assert_eq!(p.rate_at(360.0), 10.0);
        assert!((p.rate_at(450.0) - 30.0).abs() < 1e-9);
        assert_eq!(p.rate_at(600.0), 50.0);
        assert_eq!(p.rate_at(800.0), 5.0);
    }

    #[test]
    fn segment_ends_always_advance() {
        // Segment ends that rounding would place at the start itself.
        for (period, phase) in [(0.7, 0.0), (20.298961760744756, 8.233973735212773)] {
            let mut sine = step(ProfileKind::Sine);
            sine.period_s = Some(period);
            sine.amplitude = Some(0.5);
            sine.phase_s = Some(phase);
            let p = Profile::new(10.0, &[sine]);
            let mut t = 0.0;
            for _ in 0..10_000 {
                let (_, end) = p.bound(t);
                assert!(end > t, "period {period}: stuck at {t}");
                t = end;
            }
        }
    }

    #[test]
    fn bound_is_an_upper_bound_everywhere() {
        let p = sample();
        let mut t = 0.0;
        while t < 1500.0 {
            let (b, end) = p.bound(t);
            assert!(end > t);
            let mut x = t;
            while x < end.min(t + 200.0) {
                assert!(p.rate_at(x) <= b * (1.0 + 1e-9) + 1e-9, "t={t} x={x}");
                x += 0.37;
            }
            t += 0.9;
        }
    }
}
