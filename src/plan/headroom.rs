//! Headroom: the largest multiplier of every producer's and client's rate at
//! which the chosen configuration still meets the SLOs, by bisection between
//! 1 (where it holds) and `[plan] max_load_factor`.

use super::PlannerError;
use super::decide::Evaluator;
use serde::Serialize;

/// Bisection steps: the interval ends within (max − 1) / 2⁷ of the answer.
const STEPS: u32 = 7;

#[derive(Clone, Debug, Serialize)]
pub struct Headroom {
    /// The largest multiplier found to hold…
    pub holds_at: f64,
    /// …and the smallest found not to (None: it holds at the maximum tried).
    pub fails_at: Option<f64>,
}

impl Headroom {
    /// Whether the choice holds at the planned load and at nothing tried
    /// above it: no margin for growth, which a reader must be told.
    pub fn none(&self) -> bool {
        self.holds_at <= 1.0 && self.fails_at.is_some()
    }
}

pub fn headroom(
    ev: &mut Evaluator,
    values: &[toml::Value],
    max: f64,
) -> Result<Headroom, PlannerError> {
    if ev.eval(values, max)?.holds() {
        return Ok(Headroom {
            holds_at: max,
            fails_at: None,
        });
    }
    let (mut lo, mut hi) = (1.0, max);
    for _ in 0..STEPS {
        // Rounded to 3 decimals: the multipliers read well and repeat
        // exactly in plan.json.
        let mid = ((lo + hi) / 2.0 * 1000.0_f64).round() / 1000.0;
        if mid <= lo || mid >= hi {
            break;
        }
        if ev.eval(values, mid)?.holds() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(Headroom {
        holds_at: lo,
        fails_at: Some(hi),
    })
}
