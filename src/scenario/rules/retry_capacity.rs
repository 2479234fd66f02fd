//! Retries that alone can overload a service: once a trigger makes requests
//! fail, every request is sent `attempts` times, and if attempts × the offered
//! rate reaches the service's capacity the retries keep it overloaded after the
//! trigger is gone (a metastable failure, docs/model.md).
//!
//! A service whose latency is `base_s + slope_s·n` with `n` requests in service
//! completes n / (base_s + slope_s·n) requests per second: at most 1/slope_s
//! however many it holds, or c / (base_s + slope_s·c) when it sheds beyond
//! `max_concurrency = c`.

use super::*;

pub const ID: &str = "retry-capacity";

/// The closed form for one open-loop client of a capacity-bounded service:
/// the attempts a failing request makes (within its budget), its offered
/// rate, and the service's capacity. `load ≥ capacity` predicts that a
/// trigger leaves the service overloaded by retries alone.
pub struct Threshold<'a> {
    pub service: &'a ServiceConfig,
    pub rate: f64,
    /// Attempts per request when every attempt fails (the budget's bound when lower).
    pub attempts: f64,
    pub budgeted: bool,
    /// attempts × rate.
    pub load: f64,
    pub capacity: f64,
    pub capacity_formula: String,
}

/// The threshold of client `cl`, None where the closed form does not apply (a
/// closed loop, an unknown service, a service without a bound).
pub fn threshold<'a>(s: &'a Scenario, cl: &ClientConfig) -> Option<Threshold<'a>> {
    // A closed loop's load is bounded by its clients; only an open loop's
    // offered rate holds up whatever the answers.
    let rate = cl.rate.filter(|r| *r > 0.0)?;
    let service = s.services.iter().find(|v| v.name == cl.target)?;
    let (capacity, capacity_formula) = capacity(service)?;
    let retry = cl.retry.as_ref();
    let attempts = retry.map_or(1, |r| r.attempts) as f64;
    // A retry budget bounds retries to `budget_ratio` of first attempts
    // (plus its minimum per window).
    // A token bucket credited per first try bounds them to credit/cost; one
    // credited per success, when every attempt fails, to nothing beyond its
    // initial balance.
    let budget = retry.and_then(|r| match &r.token_bucket {
        Some(b) if b.credit_on == CreditOn::FirstTry => Some(1.0 + b.credit / b.cost),
        Some(_) => Some(1.0),
        None => {
            let ratio = r.budget_ratio?;
            Some(1.0 + ratio + r.budget_min_retries as f64 / (r.budget_window_s * rate))
        }
    });
    let (attempts, budgeted) = match budget {
        Some(b) if b < attempts => (b, true),
        _ => (attempts, false),
    };
    Some(Threshold {
        service,
        rate,
        attempts,
        budgeted,
        load: attempts * rate,
        capacity,
        capacity_formula,
    })
}

pub fn check(s: &Scenario) -> Vec<Warning> {
    let mut out = vec![];
    for (i, cl) in s.clients.iter().enumerate() {
        let Some(t) = threshold(s, cl) else {
            continue;
        };
        let (rate, svc, capacity, cap_formula, load) =
            (t.rate, t.service, t.capacity, &t.capacity_formula, t.load);
        let retry = cl.retry.as_ref();
        let attempts_text = if t.budgeted {
            format!("{} attempts within the retry budget", num(t.attempts))
        } else {
            format!("{} attempts", num(t.attempts))
        };
        if load < capacity {
            continue;
        }
        let who = root().key("client").index(i);
        let max_attempts = (capacity / rate).ceil() - 1.0;
        let fix = if max_attempts >= 1.0 {
            format!(
                "a retry budget (`budget_ratio = 0.1` in [client.retry]) or `attempts = {}` at most",
                num(max_attempts)
            )
        } else {
            format!(
                "the offered rate alone reaches the capacity: lower `rate` below {} or raise the service's capacity",
                num(capacity)
            )
        };
        out.push(Warning {
            rule: ID,
            path: if retry.is_some() {
                who.key("retry").key("attempts")
            } else {
                who.key("rate")
            },
            message: format!(
                "{attempts_text} × {} requests/s = {} attempts/s ≥ capacity of service `{}` {cap_formula} = {} requests/s: once a trigger makes requests fail, their retries alone keep it overloaded",
                num(rate),
                num(load),
                svc.name,
                num(capacity)
            ),
            fix,
        });
    }
    out
}

/// The most requests per second the service completes, and how that figure is
/// reached; None when it is unbounded (no slope, no concurrency limit).
fn capacity(svc: &ServiceConfig) -> Option<(f64, String)> {
    // The base on average: the fixed part and the drawn part's mean.
    let base = svc.base_s.unwrap_or(0.0)
        + (svc.service_s.as_ref())
            .and_then(crate::model::dist::moments::moments)
            .map_or(0.0, |m| m.mean);
    match (svc.max_concurrency, svc.slope_s > 0.0) {
        (Some(c), _) if base + svc.slope_s * c as f64 > 0.0 => {
            let c = c as f64;
            Some((
                c / (base + svc.slope_s * c),
                format!(
                    "c / (base + slope × c) = {} / ({} s + {} s × {})",
                    num(c),
                    num(base),
                    num(svc.slope_s),
                    num(c)
                ),
            ))
        }
        (None, true) => Some((
            1.0 / svc.slope_s,
            format!("1/slope = 1/{} s", num(svc.slope_s)),
        )),
        _ => None,
    }
}
