//! Fault windows on a downstream: outages, error-rate windows and latency spikes
//! between two times. A downstream asks what is in force at the moment of a call.

use super::CallError;
use crate::engine::{Rng, SimTime};
use crate::scenario::FaultKind;
use rand::RngExt;

#[derive(Clone, Debug)]
pub struct Window {
    pub from: SimTime,
    pub to: SimTime,
    pub kind: FaultKind,
    /// Error probability (errors) or time factor (latency).
    pub value: f64,
}

/// What the windows in force at one moment add up to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Effect {
    pub outage: bool,
    pub error_rate: f64,
    pub factor: f64,
}

impl Effect {
    pub const NONE: Effect = Effect {
        outage: false,
        error_rate: 0.0,
        factor: 1.0,
    };
}

#[derive(Clone, Debug, Default)]
pub struct Faults {
    windows: Vec<Window>,
}

impl Faults {
    pub fn add(&mut self, w: Window) {
        self.windows.push(w);
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// The outcome of a call that ran and ends at `now`: it fails at the error
    /// rate in force (drawn from the downstream's error stream).
    pub fn error_at(&self, now: SimTime, rng: &mut Rng) -> Result<(), CallError> {
        let p = self.at(now).error_rate;
        if p > 0.0 && rng.random_bool(p.min(1.0)) {
            Err(CallError::Error)
        } else {
            Ok(())
        }
    }

    /// Overlapping windows combine: any outage is an outage, error rates combine
    /// as independent failures, latency factors multiply.
    pub fn at(&self, now: SimTime) -> Effect {
        let mut e = Effect::NONE;
        for w in self.windows.iter().filter(|w| w.from <= now && now < w.to) {
            match w.kind {
                FaultKind::Outage => e.outage = true,
                FaultKind::Errors => e.error_rate = 1.0 - (1.0 - e.error_rate) * (1.0 - w.value),
                FaultKind::Latency => e.factor *= w.value,
            }
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_apply_only_between_their_times_and_combine() {
        let mut f = Faults::default();
        let w = |from, to, kind, value| Window {
            from,
            to,
            kind,
            value,
        };
        f.add(w(10, 20, FaultKind::Errors, 0.5));
        f.add(w(15, 30, FaultKind::Errors, 0.5));
        f.add(w(15, 30, FaultKind::Latency, 3.0));
        f.add(w(40, 50, FaultKind::Outage, 0.0));
        assert_eq!(f.at(9), Effect::NONE);
        assert_eq!(f.at(10).error_rate, 0.5);
        let both = f.at(15);
        assert_eq!((both.error_rate, both.factor), (0.75, 3.0));
        assert_eq!(f.at(30), Effect::NONE);
        assert!(f.at(40).outage && !f.at(50).outage);
    }
}
