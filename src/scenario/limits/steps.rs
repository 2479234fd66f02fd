//! The step budget: `run.max_events`, or a default derived from the scenario.
//! A step is an event, or one unit of work inside an event (a message
//! published, copied or moved), so a loop inside one event counts like the
//! events it stands for. The default is a hundred times a generous count of
//! what the scenario asks for — its messages, each worked through its calls
//! and retries, the polls of its workers and its samples — and never less
//! than [`MIN_STEPS`]: a run that needs more is a runaway, stopped with the
//! verdict `event_limit`.

use crate::scenario::{ProfileKind, Scenario};

/// The least default: a small scenario may still do this much.
pub const MIN_STEPS: u64 = 100_000_000;
/// The most default (the old fixed limit).
pub const MAX_STEPS: u64 = 5_000_000_000;
/// Headroom over the count.
const HEADROOM: f64 = 100.0;
/// Events per message: publish, receive, each call and its retries, delete.
const EVENTS_PER_MESSAGE: f64 = 10.0;

/// `run.max_events`, or the default derived from the scenario.
pub fn max_steps(s: &Scenario) -> u64 {
    s.run.max_events.unwrap_or_else(|| derived(s))
}

/// The default of `run.max_events` for this scenario.
pub fn derived(s: &Scenario) -> u64 {
    let h = s.run.horizon_s;
    let calls = s.consumers.iter().map(|c| c.calls.len()).max().unwrap_or(0) as f64;
    let attempts = s
        .consumers
        .iter()
        .filter_map(|c| c.retry.as_ref().map(|r| f64::from(r.attempts)))
        .fold(1.0, f64::max);
    let mut messages: f64 = s
        .producers
        .iter()
        .map(|p| peak_rate(p.rate, &p.profile) * h + p.initial_backlog as f64)
        .sum();
    for c in &s.clients {
        messages += match (c.count, c.rate) {
            (Some(n), _) => f64::from(n) * c.requests_each.map_or(h * 1000.0, |r| r as f64),
            (None, rate) => peak_rate(rate.unwrap_or(0.0), &c.profile) * h,
        };
    }
    let polls: f64 = s
        .consumers
        .iter()
        .map(|c| {
            let every = if c.wait_time_s > 0.0 {
                c.wait_time_s
            } else {
                c.empty_poll_pause_s
            };
            f64::from(c.most_workers()) * h / every.max(1e-3)
        })
        .sum();
    let samples = super::series::rows(s) as f64;
    let count = messages * EVENTS_PER_MESSAGE * (1.0 + calls) * attempts + polls + samples;
    let steps = count * HEADROOM;
    if steps.is_finite() {
        (steps as u64).clamp(MIN_STEPS, MAX_STEPS)
    } else {
        MAX_STEPS
    }
}

/// The highest rate a profile may reach: its base or steps, raised by its
/// spikes and its sine.
fn peak_rate(rate: f64, profile: &[crate::scenario::ProfileStep]) -> f64 {
    let mut base = rate;
    let mut factor: f64 = 1.0;
    for p in profile {
        match p.kind {
            ProfileKind::Step => base = base.max(p.rate.unwrap_or(0.0)),
            ProfileKind::Ramp => base = base.max(p.to_rate.unwrap_or(0.0)),
            ProfileKind::Spike => factor *= p.factor.unwrap_or(1.0).max(1.0),
            ProfileKind::Sine => factor *= 1.0 + p.amplitude.unwrap_or(0.0).abs(),
        }
    }
    base * factor
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    fn scenario(run: &str, producer: &str) -> Scenario {
        load_str(
            "t.toml",
            &format!(
                "[run]\n{run}\n[[queue]]\nname = \"q\"\n[[producer]]\n{producer}\n[[consumer]]\nprocessing_s = {{ dist = \"constant\", mean = 0.1 }}\n"
            ),
        )
        .unwrap()
    }

    #[test]
    fn a_set_limit_wins() {
        assert_eq!(
            max_steps(&scenario("max_events = 1234", "rate = 1.0")),
            1234
        );
    }

    #[test]
    fn the_default_grows_with_the_load_within_bounds() {
        let small = derived(&scenario("horizon_s = 10", "rate = 1.0"));
        assert_eq!(small, MIN_STEPS);
        let busy = derived(&scenario("horizon_s = 3600", "rate = 10000.0"));
        assert!(busy > MIN_STEPS && busy <= MAX_STEPS, "{busy}");
        let spiky = derived(&scenario(
            "horizon_s = 3600",
            "rate = 1000.0\nprofile = [{ kind = \"spike\", at_s = 10, duration_s = 5, factor = 10 }]",
        ));
        let flat = derived(&scenario("horizon_s = 3600", "rate = 1000.0"));
        assert!(spiky > flat);
        let huge = derived(&scenario(
            "horizon_s = 1e9\nsample_interval_s = 1000",
            "rate = 1e9",
        ));
        assert_eq!(huge, MAX_STEPS);
    }
}
